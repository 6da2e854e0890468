//===-- run.cpp - bpfcov run: pin the coverage maps an app creates --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Runs APP and sees the bpf() calls of its process tree in one of two modes.
// Preload (dynamically linked APP): libbpfcov-preload.so in LD_PRELOAD reports
// map creations, freezes and program loads on a unix socket; other syscalls
// cost nothing. Ptrace (static or setuid APP, --trace=ptrace): a seccomp filter
// stops APP on those bpf() commands only, decoded with PTRACE_GET_SYSCALL_INFO
// (no per-architecture register code). Both feed onBpfResult(): coverage maps
// (Names.h) are grouped per object (BTF id) and pinned under
// <bpffs>/cov/<app>/<object>/ once .rodata.covmap holds bpfcov's magic.
//
// USAGE: sudo bpfcov run [--trace=auto|preload|ptrace] ./app [ARGS...]
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "Diag.h"
#include "Json.h"
#include "Pins.h"
#include "PreloadProtocol.h"
#include "SafeFs.h"

#include "bpfcov/Names.h"

#include <bpf/bpf.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <argp.h>
#include <array>
#include <cassert>
#include <cerrno>
#include <csignal>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <link.h>
#include <linux/magic.h>
#include <map>
#include <poll.h>
#include <set>
#include <string>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <vector>

#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e
#endif

// The AUDIT_ARCH_* value seccomp reports for this build's native syscalls.
#if defined(__x86_64__)
#define BPFCOV_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define BPFCOV_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define BPFCOV_AUDIT_ARCH AUDIT_ARCH_I386
#elif defined(__arm__)
#define BPFCOV_AUDIT_ARCH AUDIT_ARCH_ARM
#elif defined(__riscv) && __riscv_xlen == 64
#define BPFCOV_AUDIT_ARCH AUDIT_ARCH_RISCV64
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BPFCOV_AUDIT_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__powerpc64__)
#define BPFCOV_AUDIT_ARCH AUDIT_ARCH_PPC64
#elif defined(__s390x__)
#define BPFCOV_AUDIT_ARCH AUDIT_ARCH_S390X
#elif defined(__loongarch64)
#define BPFCOV_AUDIT_ARCH AUDIT_ARCH_LOONGARCH64
#else
#error "bpfcov run: add this architecture's AUDIT_ARCH_* value"
#endif

using namespace bpfcov;

namespace {

const char RunDoc[] =
    "Run APP with ARGS and pin the coverage maps of every instrumented BPF "
    "object that APP, or any process it starts, loads under "
    "<bpffs>/cov/<app>/<object>/{profc,profd,profn,covmap}, where <app> is "
    "the base name of APP and <object> the name of the BPF object (dots "
    "become '_'; a second object of the same name gets <object>-2, and so "
    "on). Only bpf() calls are watched: APP's other syscalls are never "
    "stopped. SIGINT and SIGTERM sent to bpfcov are passed on to APP; the pins "
    "stay when APP exits, for 'bpfcov gen APP'.\v"
    "Trace modes: 'preload' puts a library in LD_PRELOAD that reports the "
    "bpf() calls made through libc's syscall() (libbpf does), at no cost to "
    "other syscalls; programs that are statically linked, or that APP starts "
    "without LD_PRELOAD, are not seen. 'ptrace' stops APP with a seccomp "
    "filter on the bpf() calls that create or freeze maps or load programs: "
    "it sees every process, and each syscall costs ~30 ns more. 'auto' "
    "chooses preload when APP (or its script's interpreter) is a dynamically "
    "linked program, not setuid, setgid or with file capabilities, else "
    "ptrace; -v says which.\n"
    "\n"
    "Options after APP belong to APP. The exit status is APP's (its exit "
    "code, or 128+N when signal N killed it); 127 when APP is not found, 126 "
    "when it cannot be executed; 1 when APP succeeded but no instrumented BPF "
    "object was loaded or pinning failed, or pins of an earlier run of APP "
    "exist (see --force). Needs root, or CAP_BPF, CAP_SYS_ADMIN and (ptrace "
    "mode) CAP_SYS_PTRACE.\n"
    "\n"
    "Examples:\n"
    "  sudo bpfcov run ./app --iface eth0\n"
    "  sudo bpfcov run --force ./app      # replace the pins of a previous "
    "run\n"
    "  sudo bpfcov -j run sh -c './setup && ./app'\n"
    "  sudo bpfcov run --trace=ptrace ./static-app";

constexpr int UsageKey = 0x100; // long options only
constexpr int TraceKey = 0x101;

/// How run sees APP's bpf() calls.
enum class TraceMode { Auto, Preload, Ptrace };

const argp_option RunOptions[] = {
    {"force", 'f', nullptr, 0,
     "Replace the pins of an earlier run of APP instead of refusing", 0},
    {"trace", TraceKey, "MODE", 0,
     "How to see APP's bpf() calls: auto (default), preload or ptrace", 0},
    {"help", 'h', nullptr, 0, "Show this help", 0},
    {"usage", UsageKey, nullptr, 0, "Show a short usage message", 0},
    {nullptr, 0, nullptr, 0, nullptr, 0},
};

struct RunArgs {
  bool Force = false;
  TraceMode Trace = TraceMode::Auto;
  bool Help = false;
  bool Usage = false;
  int AppIndex = -1; ///< index of APP in argv; the rest are its ARGS
  bool Reported = false;
};

#define RUN_USAGE "[--force] [--trace=MODE] " HELP_SPEC_APP

error_t parseRun(int Key, char *Arg, argp_state *State) {
  auto *A = static_cast<RunArgs *>(State->input);
  switch (Key) {
  case 'f':
    A->Force = true;
    break;
  case TraceKey:
    if (std::strcmp(Arg, "auto") == 0) {
      A->Trace = TraceMode::Auto;
    } else if (std::strcmp(Arg, "preload") == 0) {
      A->Trace = TraceMode::Preload;
    } else if (std::strcmp(Arg, "ptrace") == 0) {
      A->Trace = TraceMode::Ptrace;
    } else {
      pErr("unknown trace mode '%s': use auto, preload or ptrace", Arg);
      A->Reported = true;
      return EINVAL;
    }
    break;
  case 'h':
  case UsageKey:
    (Key == 'h' ? A->Help : A->Usage) = true;
    // Help wins over everything else on the line, like argp's own --help.
    State->next = State->argc;
    break;
  case ARGP_KEY_ARG:
    // APP: stop parsing here, everything after it is APP's.
    A->AppIndex = State->next - 1;
    State->next = State->argc;
    break;
  case ARGP_KEY_END:
    if (A->AppIndex < 0 && !A->Help && !A->Usage) {
      pErr("missing APP: usage: %s " RUN_USAGE, Globals.Program.c_str());
      A->Reported = true;
      return EINVAL;
    }
    break;
  default:
    return ARGP_ERR_UNKNOWN;
  }
  return 0;
}

const argp RunArgp = {RunOptions, parseRun, HELP_SPEC_APP, RunDoc,
                      nullptr,    nullptr,  nullptr};

/// --help (or --usage, \p Short): under --json, help is `null`.
int doHelp(bool Short) {
  if (Globals.Json) {
    std::printf("null\n");
    return 0;
  }
  argp_help(&RunArgp, stdout, Short ? ARGP_HELP_USAGE : ARGP_HELP_STD_HELP,
            const_cast<char *>(Globals.Program.c_str()));
  return 0;
}

/// The kernel's struct ptrace_syscall_info (linux/ptrace.h, 5.3+), spelled
/// out because glibc's <sys/ptrace.h> and <linux/ptrace.h> clash and older
/// C libraries lack the type.
struct SyscallInfo {
  uint8_t Op;
  uint8_t Pad[3];
  uint32_t Arch;
  uint64_t InstructionPointer;
  uint64_t StackPointer;
  union {
    struct {
      uint64_t Nr;
      uint64_t Args[6];
    } Entry;
    struct {
      int64_t RVal;
      uint8_t IsError;
    } Exit;
    struct {
      uint64_t Nr;
      uint64_t Args[6];
      uint32_t RetData;
    } Seccomp;
  };
};
static_assert(offsetof(SyscallInfo, Entry) == 24 && sizeof(SyscallInfo) == 88,
              "layout of the kernel's struct ptrace_syscall_info");
constexpr uint8_t SyscallInfoEntry = 1;
constexpr uint8_t SyscallInfoExit = 2;
constexpr uint8_t SyscallInfoSeccomp = 3;

const char *bpfCmdName(uint64_t Cmd) {
  static const char *const Names[] = {
      "BPF_MAP_CREATE",        "BPF_MAP_LOOKUP_ELEM",
      "BPF_MAP_UPDATE_ELEM",   "BPF_MAP_DELETE_ELEM",
      "BPF_MAP_GET_NEXT_KEY",  "BPF_PROG_LOAD",
      "BPF_OBJ_PIN",           "BPF_OBJ_GET",
      "BPF_PROG_ATTACH",       "BPF_PROG_DETACH",
      "BPF_PROG_TEST_RUN",     "BPF_PROG_GET_NEXT_ID",
      "BPF_MAP_GET_NEXT_ID",   "BPF_PROG_GET_FD_BY_ID",
      "BPF_MAP_GET_FD_BY_ID",  "BPF_OBJ_GET_INFO_BY_FD",
      "BPF_PROG_QUERY",        "BPF_RAW_TRACEPOINT_OPEN",
      "BPF_BTF_LOAD",          "BPF_BTF_GET_FD_BY_ID",
      "BPF_TASK_FD_QUERY",     "BPF_MAP_LOOKUP_AND_DELETE_ELEM",
      "BPF_MAP_FREEZE",        "BPF_BTF_GET_NEXT_ID",
      "BPF_MAP_LOOKUP_BATCH",  "BPF_MAP_LOOKUP_AND_DELETE_BATCH",
      "BPF_MAP_UPDATE_BATCH",  "BPF_MAP_DELETE_BATCH",
      "BPF_LINK_CREATE",       "BPF_LINK_UPDATE",
      "BPF_LINK_GET_FD_BY_ID", "BPF_LINK_GET_NEXT_ID",
      "BPF_ENABLE_STATS",      "BPF_ITER_CREATE",
      "BPF_LINK_DETACH",       "BPF_PROG_BIND_MAP",
      "BPF_TOKEN_CREATE",
  };
  return Cmd < sizeof(Names) / sizeof(Names[0]) ? Names[Cmd] : nullptr;
}

/// Per-thread tracing state.
struct Tracee {
  bool InBpf = false; ///< between the seccomp stop and the syscall exit
  uint64_t Cmd = 0;   ///< bpf() command of the syscall in flight
};

/// The coverage maps of one BPF object, collected as they are created.
struct ObjectGroup {
  uint32_t BtfId = 0; ///< the object's BTF: shared by all its maps
  pid_t Tid = 0;      ///< creator, to group maps created without BTF
  unsigned Seq = 0;   ///< creation order, for messages
  std::array<UniqueFd, NumCoverageMaps> Fds;
  uint32_t CovMapValueSize = 0;
  bool Done = false; ///< pinned (or failed to pin): ignored from now on

  unsigned count() const {
    unsigned N = 0;
    for (const UniqueFd &Fd : Fds)
      N += Fd.valid();
    return N;
  }
};

struct PinnedObject {
  std::string Object;
  std::string Dir;
};

// The app's pid for the SIGINT/SIGTERM handler (0 once it was reaped), and a
// signal to pass on to the remaining tracees once the app itself is gone.
volatile sig_atomic_t AppPidForSignals = 0;
volatile sig_atomic_t PendingSignal = 0;

void forwardSignal(int Sig, siginfo_t *Info, void *) {
  // A terminal's ^C reaches the whole foreground process group, APP
  // included (si_code SI_KERNEL): passing it on would deliver it twice.
  if (Info && Info->si_code == SI_KERNEL)
    return;
  if (AppPidForSignals > 0)
    kill(AppPidForSignals, Sig);
  else
    PendingSignal = Sig;
}

/// What the child reports on its CLOEXEC pipe when it fails before exec.
struct ChildFailure {
  int Stage; ///< 0: seccomp filter, 1: exec
  int Errno;
};

[[noreturn]] void childFail(int Pipe, int Stage) {
  ChildFailure F = {Stage, errno};
  ssize_t Ignored = write(Pipe, &F, sizeof(F));
  (void)Ignored;
  _exit(127);
}

/// -v prints every bpf() call of the tree, so every one must be seen.
bool traceAllBpf() { return Globals.Verbose >= 1 && !Globals.Json; }

/// bpf() commands that stop APP: the ones that create coverage maps or
/// mark the point where their values are final (libbpf freezes each .rodata
/// map once filled, and loads programs after all maps are ready). Each stop
/// costs context switches, and libbpf makes dozens of other bpf() calls.
/// The preload library reports the same commands (preload.c).
constexpr uint32_t StoppingCmds[] = {BPF_MAP_CREATE, BPF_MAP_FREEZE,
                                     BPF_PROG_LOAD};

/// Installs the filter that makes bpf() (and only bpf()) stop the task:
/// with \p AllCmds every bpf() call (for -v), else only StoppingCmds.
int installBpfSeccompFilter(bool AllCmds) {
  // The low 32 bits of seccomp_data.args[0], bpf()'s `int cmd`.
  constexpr unsigned CmdOffset =
      offsetof(seccomp_data, args) +
      (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 0 : 4);
  constexpr unsigned char NumCmds = sizeof(StoppingCmds) / sizeof(uint32_t);
  // Layout: [0..3] arch and nr checks, [4] load cmd, [5..5+NumCmds) cmd
  // checks, then Trace and Allow.
  constexpr unsigned char Trace = 5 + NumCmds, Allow = Trace + 1;
  std::vector<sock_filter> Filter = {
      // A = seccomp_data.arch; foreign-ABI syscalls are allowed as is.
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, BPFCOV_AUDIT_ARCH, 0, Allow - 2),
      // A = seccomp_data.nr; anything but bpf() -> allow.
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 0, Allow - 4),
      // A = cmd; a stopping command -> tracer.
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, CmdOffset),
  };
  for (unsigned char I = 0; I < NumCmds; ++I) {
    unsigned char Here = 5 + I;
    auto JumpTrue = static_cast<unsigned char>(Trace - Here - 1);
    auto JumpFalse =
        static_cast<unsigned char>(I + 1 == NumCmds ? Allow - Here - 1 : 0);
    Filter.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, StoppingCmds[I],
                              JumpTrue, JumpFalse));
  }
  Filter.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
  Filter.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  assert(Filter.size() == Allow + 1u && "jump offsets assume this layout");
  if (AllCmds) // bpf() -> tracer, whatever the command
    Filter[4] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
  sock_fprog Prog = {static_cast<unsigned short>(Filter.size()), Filter.data()};
  // SPEC_ALLOW: on CPUs where the kernel's default is to enable speculation
  // mitigations (SSBD, STIBP) for every seccomp-filtered task, as for a
  // sandbox, APP would run slower than natively. This filter is no sandbox.
  unsigned Flags = SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  for (;;) {
    if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, Flags, &Prog) == 0)
      return 0;
    if (errno == EINVAL && Flags) {
      Flags = 0; // kernels before 4.17
      continue;
    }
    // Without CAP_SYS_ADMIN the kernel wants no_new_privs first; root keeps
    // setuid programs working by not setting it.
    if (errno == EACCES && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
        syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, Flags, &Prog) == 0)
      return 0;
    return -errno;
  }
}

//===-- Choosing the trace mode -------------------------------------------===//

#ifndef BPFCOV_PRELOAD_INSTALL_PATH
#define BPFCOV_PRELOAD_INSTALL_PATH "/usr/local/lib/" BPFCOV_PRELOAD_LIB
#endif

/// The file execvp() runs for \p Cmd: \p Cmd itself when it has a '/', else
/// the first executable regular file of that name in PATH; "" if none.
std::string findProgram(const std::string &Cmd) {
  if (Cmd.find('/') != std::string::npos)
    return Cmd;
  if (Cmd.empty())
    return "";
  const char *Env = std::getenv("PATH");
  std::string Path = Env ? Env : "/bin:/usr/bin"; // glibc's default
  for (size_t Start = 0;;) {
    size_t End = Path.find(':', Start);
    std::string Dir = Path.substr(
        Start, End == std::string::npos ? std::string::npos : End - Start);
    std::string File = (Dir.empty() ? "." : Dir) + "/" + Cmd;
    struct stat St;
    if (stat(File.c_str(), &St) == 0 && S_ISREG(St.st_mode) &&
        access(File.c_str(), X_OK) == 0)
      return File;
    if (End == std::string::npos)
      return "";
    Start = End + 1;
  }
}

/// What LD_PRELOAD depends on in a program's ELF header.
struct ElfInfo {
  bool IsElf = false;
  unsigned char Class = 0, Data = 0;
  uint16_t Machine = 0;
  std::string Interp; ///< PT_INTERP: "" when statically linked
};

/// Reads the ELF identity of \p Path and, when it has bpfcov's own class
/// (ElfW), its PT_INTERP.
ElfInfo readElf(const std::string &Path) {
  ElfInfo Info;
  UniqueFd Fd(open(Path.c_str(), O_RDONLY | O_CLOEXEC));
  ElfW(Ehdr) Eh;
  if (!Fd.valid() || pread(Fd.get(), &Eh, sizeof(Eh), 0) != sizeof(Eh) ||
      std::memcmp(Eh.e_ident, ELFMAG, SELFMAG) != 0)
    return Info;
  Info.IsElf = true;
  Info.Class = Eh.e_ident[EI_CLASS];
  Info.Data = Eh.e_ident[EI_DATA];
  Info.Machine = Eh.e_machine; // same offset in ELF32 and ELF64
  if (Info.Class != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
      Eh.e_phentsize != sizeof(ElfW(Phdr)) || Eh.e_phnum > 4096)
    return Info;
  std::vector<ElfW(Phdr)> Phdrs(Eh.e_phnum);
  ssize_t Size = static_cast<ssize_t>(Phdrs.size() * sizeof(ElfW(Phdr)));
  if (pread(Fd.get(), Phdrs.data(), Size, Eh.e_phoff) != Size)
    return Info;
  for (const ElfW(Phdr) & P : Phdrs) {
    if (P.p_type != PT_INTERP || P.p_filesz == 0 || P.p_filesz > PATH_MAX)
      continue;
    std::string Interp(P.p_filesz, '\0');
    if (pread(Fd.get(), Interp.data(), Interp.size(), P.p_offset) !=
        static_cast<ssize_t>(Interp.size()))
      return Info;
    Info.Interp = Interp.c_str(); // up to the NUL
  }
  return Info;
}

bool sameFile(const std::string &A, const std::string &B) {
  struct stat Sa, Sb;
  return stat(A.c_str(), &Sa) == 0 && stat(B.c_str(), &Sb) == 0 &&
         Sa.st_dev == Sb.st_dev && Sa.st_ino == Sb.st_ino;
}

/// Why LD_PRELOAD would miss the bpf() calls of program \p Path, or "" if
/// it would not: the library is built for bpfcov's own ABI and C library,
/// so \p Path must be a dynamically linked program with the same ELF class,
/// machine and dynamic loader as \p Self (bpfcov), and not run in secure
/// mode (setuid, setgid, file capabilities: ld.so then ignores LD_PRELOAD
/// paths with a '/'). A script: its interpreter, as the kernel runs it.
/// \p Program is set to the program that was looked at.
std::string whyNotPreloadable(const std::string &Path, const ElfInfo &Self,
                              std::string &Program, unsigned Depth = 0) {
  Program = Path;
  std::string Q = "'" + Path + "'";
  struct stat St;
  if (stat(Path.c_str(), &St) != 0)
    return "cannot read " + Q + ": " + std::strerror(errno);
  if (!S_ISREG(St.st_mode))
    return Q + " is not a regular file";
  if (St.st_mode & (S_ISUID | S_ISGID))
    return Q + " is setuid or setgid";
  if (getxattr(Path.c_str(), "security.capability", nullptr, 0) >= 0)
    return Q + " has file capabilities";
  char Head[256];
  ssize_t N = -1;
  {
    UniqueFd Fd(open(Path.c_str(), O_RDONLY | O_CLOEXEC));
    if (Fd.valid())
      N = pread(Fd.get(), Head, sizeof(Head), 0);
  }
  if (N < 0)
    return "cannot read " + Q + ": " + std::strerror(errno);
  if (N >= 2 && Head[0] == '#' && Head[1] == '!') {
    // "#! /bin/sh -e": the first word after the blanks (binfmt_script).
    std::string Line(Head + 2, static_cast<size_t>(N) - 2);
    Line = Line.substr(0, Line.find('\n'));
    size_t B = Line.find_first_not_of(" \t");
    if (B == std::string::npos)
      return Q + " is a script without an interpreter";
    if (Depth >= 4)
      return Q + " nests script interpreters too deeply";
    size_t E = Line.find_first_of(" \t", B);
    return whyNotPreloadable(
        Line.substr(B, E == std::string::npos ? std::string::npos : E - B),
        Self, Program, Depth + 1);
  }
  ElfInfo Info = readElf(Path);
  if (!Info.IsElf)
    return Q + " is neither an ELF program nor a script";
  if (Info.Class != Self.Class || Info.Data != Self.Data ||
      Info.Machine != Self.Machine)
    return Q + " is built for another machine or ABI";
  if (Info.Interp.empty())
    return Q + " is statically linked";
  if (!Self.Interp.empty() && !sameFile(Info.Interp, Self.Interp))
    return Q + " uses the dynamic loader '" + Info.Interp + "', not '" +
           Self.Interp + "'";
  return "";
}

/// The preload library: beside the bpfcov binary (build tree), in ../lib
/// (installed), or at the install path. "" and \p Why when there is none.
std::string findPreloadLibrary(std::string &Why) {
  std::vector<std::string> Candidates;
  char Exe[PATH_MAX];
  ssize_t N = readlink("/proc/self/exe", Exe, sizeof(Exe) - 1);
  if (N > 0) {
    std::string Dir(Exe, static_cast<size_t>(N));
    Dir.erase(Dir.rfind('/'));
    Candidates.push_back(Dir + "/" BPFCOV_PRELOAD_LIB);
    Candidates.push_back(Dir + "/../lib/" BPFCOV_PRELOAD_LIB);
  }
  Candidates.push_back(BPFCOV_PRELOAD_INSTALL_PATH);
  for (const std::string &C : Candidates) {
    char Real[PATH_MAX];
    if (!realpath(C.c_str(), Real) || access(Real, R_OK) != 0)
      continue;
    // LD_PRELOAD is split at spaces and colons.
    if (std::strpbrk(Real, " \t\n:")) {
      Why = std::string("its path '") + Real +
            "' has a space or colon, which LD_PRELOAD cannot take";
      return "";
    }
    return Real;
  }
  Why = "'" BPFCOV_PRELOAD_LIB "' is neither beside bpfcov nor in '" +
        std::string(BPFCOV_PRELOAD_INSTALL_PATH) + "'";
  return "";
}

/// The mode run uses, and for preload the library.
struct TraceChoice {
  TraceMode Mode = TraceMode::Ptrace; ///< Preload or Ptrace
  std::string Library;
};

/// Resolves --trace=\p Requested for APP (\p Cmd, as given to execvp); -v
/// says which mode and why. Returns 0, or -ENOENT when preload was asked for
/// and the library is missing (after printing the error).
int chooseTraceMode(TraceMode Requested, const std::string &Cmd,
                    TraceChoice &C) {
  if (Requested == TraceMode::Ptrace) {
    C.Mode = TraceMode::Ptrace;
    pDebug(1, "trace mode: ptrace: --trace=ptrace");
    return 0;
  }
  std::string Why;
  C.Library = findPreloadLibrary(Why);
  if (C.Library.empty()) {
    if (Requested == TraceMode::Preload) {
      pErr("cannot use --trace=preload: %s: reinstall bpfcov, or use "
           "--trace=ptrace",
           Why.c_str());
      return -ENOENT;
    }
    C.Mode = TraceMode::Ptrace;
    pDebug(1, "trace mode: ptrace: no preload library: %s", Why.c_str());
    return 0;
  }
  std::string File = findProgram(Cmd), Program;
  if (File.empty())
    Why = "'" + Cmd + "' is not in PATH";
  else
    Why = whyNotPreloadable(File, readElf("/proc/self/exe"), Program);
  if (Requested == TraceMode::Preload) {
    C.Mode = TraceMode::Preload;
    pDebug(1, "trace mode: preload ('%s'): --trace=preload%s%s%s",
           C.Library.c_str(), Why.empty() ? "" : " (", Why.c_str(),
           Why.empty() ? ""
                       : ": only the dynamically linked programs it "
                         "starts are seen)");
    return 0;
  }
  if (!Why.empty()) {
    C.Mode = TraceMode::Ptrace;
    C.Library.clear();
    pDebug(1, "trace mode: ptrace: %s", Why.c_str());
    return 0;
  }
  C.Mode = TraceMode::Preload;
  if (Program == File)
    pDebug(1, "trace mode: preload ('%s'): '%s' is dynamically linked",
           C.Library.c_str(), File.c_str());
  else
    pDebug(1,
           "trace mode: preload ('%s'): '%s' runs the dynamically linked "
           "'%s'",
           C.Library.c_str(), File.c_str(), Program.c_str());
  return 0;
}

//===-- Running APP -------------------------------------------------------===//

/// Runs one application and collects its coverage maps.
class Runner {
public:
  Runner(std::string AppPath, AppPins &Pins)
      : AppPath(std::move(AppPath)), Pins(&Pins) {}
  ~Runner();

  /// Starts \p Argv in the mode \p C chose and serves its process tree until
  /// every process of it is gone. Returns the app's exit status (shell
  /// convention).
  int run(char **Argv, const TraceChoice &C);

  const std::vector<PinnedObject> &pins() const { return Pinned; }
  unsigned errors() const { return NumErrors; }
  bool execFailed() const { return ExecFailed; }
  const std::string &firstError() const { return FirstError; }
  /// bpf() calls the preload library reported.
  unsigned reports() const { return NumReports; }
  /// Warns about coverage maps that never formed a complete object.
  void reportIncomplete();

private:
  // Both modes.
  int forkApp(char **Argv, char **Envp, UniqueFd *Gate);
  void onAppExited(int Status);
  void onBpfResult(pid_t Tid, uint32_t Cmd, int64_t Ret, int Err,
                   const std::function<UniqueFd()> &OpenMap);
  void onMapCreated(pid_t Tid, UniqueFd Fd);
  ObjectGroup &getOrCreateGroup(uint32_t BtfId, pid_t Tid, unsigned Slot);
  void pinCompleteGroups();
  int pinGroup(ObjectGroup &G, const std::string &Object);
  std::string uniqueObjectName(std::string Name);
  void error(const char *Fmt, ...) __attribute__((format(printf, 2, 3)));

  // Ptrace mode.
  int startTracedApp(char **Argv);
  void traceLoop();
  void resume(pid_t Tid, const Tracee &T, int Sig);
  void syscallInfoFailed(pid_t Tid);
  void onSeccompStop(pid_t Tid, Tracee &T);
  void onSyscallStop(pid_t Tid, Tracee &T);
  UniqueFd openTraceeMap(pid_t Tid, int TraceeFd);

  // Preload mode.
  int startPreloadedApp(char **Argv, const std::string &Library);
  int listenForReports();
  void serveLoop();
  bool reapChildren();
  void acceptClients();
  bool serveClient(int Fd);

  std::string AppPath;
  AppPins *Pins; ///< the app's pin directory, locked
  pid_t AppPid = -1;
  int AppStatus = 0;
  UniqueFd FailurePipe; ///< read end; the child's ChildFailure, if any
  bool ExecFailed = false;
  std::map<pid_t, Tracee> Tracees;
  std::string SocketDir, SocketPath;
  UniqueFd Listener;             ///< preload mode: bpfcov's socket
  std::vector<UniqueFd> Clients; ///< one per reporting process or call
  bool AcceptBlocked = false;    ///< out of fds: accept once one closes
  unsigned NumReports = 0;
  std::vector<ObjectGroup> Groups;
  unsigned NextSeq = 1;
  std::set<std::string> UsedNames;
  std::vector<PinnedObject> Pinned;
  bool SyscallInfoReported = false;
  unsigned NumErrors = 0;
  std::string FirstError; ///< under --json, the one error value printed
};

Runner::~Runner() {
  if (!SocketPath.empty())
    unlink(SocketPath.c_str());
  if (!SocketDir.empty())
    rmdir(SocketDir.c_str());
}

void Runner::error(const char *Fmt, ...) {
  char Buf[1024];
  va_list Ap;
  va_start(Ap, Fmt);
  std::vsnprintf(Buf, sizeof(Buf), Fmt, Ap);
  va_end(Ap);
  if (NumErrors++ == 0)
    FirstError = Buf;
  // Under --json one value is printed at the end; plain text goes now.
  if (!Globals.Json)
    pErr("%s", Buf);
}

/// Forks the child that execs APP, with \p Envp (or bpfcov's environment).
/// With \p Gate (ptrace mode) the child first waits for a byte on a pipe,
/// whose write end \p Gate gets, until the tracer has seized it, and then
/// installs the seccomp filter. Without, the child only execs: vfork spares
/// bpfcov fork's copy-on-write faults (~0.5 ms). Returns 0 or -errno.
int Runner::forkApp(char **Argv, char **Envp, UniqueFd *Gate) {
  int GatePipe[2] = {-1, -1}, Failure[2];
  if (Gate && pipe2(GatePipe, O_CLOEXEC) != 0)
    return -errno;
  if (pipe2(Failure, O_CLOEXEC) != 0) {
    int Err = -errno;
    for (int Fd : GatePipe)
      if (Fd >= 0)
        close(Fd);
    return Err;
  }
  std::fflush(nullptr);
  // A vfork child only closes, execs, or writes and _exits: all it may do.
  pid_t Pid = Gate ? fork() : vfork();
  if (Pid < 0) {
    int Err = -errno;
    for (int Fd : {GatePipe[0], GatePipe[1], Failure[0], Failure[1]})
      if (Fd >= 0)
        close(Fd);
    return Err;
  }
  if (Pid == 0) {
    close(Failure[0]);
    if (Gate) {
      // Wait until the tracer has seized us, then filter.
      close(GatePipe[1]);
      char C;
      ssize_t N;
      while ((N = read(GatePipe[0], &C, 1)) < 0 && errno == EINTR)
        ;
      if (N != 1)
        _exit(127); // the tracer gave up
      if (int Err = installBpfSeccompFilter(traceAllBpf())) {
        errno = -Err;
        childFail(Failure[1], 0);
      }
    }
    if (Envp)
      execvpe(Argv[0], Argv, Envp);
    else
      execvp(Argv[0], Argv);
    childFail(Failure[1], 1);
  }
  close(Failure[1]);
  FailurePipe.reset(Failure[0]);
  if (Gate) {
    close(GatePipe[0]);
    Gate->reset(GatePipe[1]);
  }
  AppPid = Pid;
  return 0;
}

void Runner::onAppExited(int Status) {
  AppPidForSignals = 0;
  AppStatus = WIFEXITED(Status) ? WEXITSTATUS(Status) : 128 + WTERMSIG(Status);
  ChildFailure F;
  if (read(FailurePipe.get(), &F, sizeof(F)) == sizeof(F)) {
    ExecFailed = true;
    if (F.Stage == 0) {
      error("cannot install the seccomp filter for '%s': %s", AppPath.c_str(),
            std::strerror(F.Errno));
      AppStatus = 1;
    } else {
      error("cannot run '%s': %s", AppPath.c_str(), std::strerror(F.Errno));
      // Shells: 127 when not found, 126 when found but not runnable.
      AppStatus = F.Errno == ENOENT ? 127 : 126;
    }
  }
  FailurePipe.reset();
}

/// One bpf() call of the tree, after it returned (-1 and \p Err when it
/// failed), whichever mode saw it. \p OpenMap gives bpfcov its own fd of the
/// map that a successful BPF_MAP_CREATE made.
void Runner::onBpfResult(pid_t Tid, uint32_t Cmd, int64_t Ret, int Err,
                         const std::function<UniqueFd()> &OpenMap) {
  if (Globals.Verbose >= 1) {
    const char *Name = bpfCmdName(Cmd);
    char Num[32];
    std::snprintf(Num, sizeof(Num), "%u", Cmd);
    if (Ret < 0)
      pDebug(1, "[pid %d] bpf(%s) = -1 %s", Tid, Name ? Name : Num,
             std::strerror(Err));
    else
      pDebug(1, "[pid %d] bpf(%s) = %lld", Tid, Name ? Name : Num,
             static_cast<long long>(Ret));
  }
  if (Cmd == BPF_MAP_CREATE && Ret >= 0) {
    UniqueFd Fd = OpenMap();
    if (Fd.valid())
      onMapCreated(Tid, std::move(Fd));
  }
  // libbpf creates, fills and freezes each map in turn: the covmap value
  // may have just been written.
  pinCompleteGroups();
}

//===-- Ptrace mode -------------------------------------------------------===//

int Runner::startTracedApp(char **Argv) {
  UniqueFd GateW;
  if (int Err = forkApp(Argv, nullptr, &GateW))
    return Err;
  pid_t Pid = AppPid;
  // PTRACE_SEIZE (not TRACEME) so that group-stops are reported as
  // PTRACE_EVENT_STOP and can be kept with PTRACE_LISTEN (job control keeps
  // working), as strace does. No EXITKILL: if bpfcov dies, APP lives on.
  long Options = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD |
                 PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                 PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;
  if (ptrace(PTRACE_SEIZE, Pid, nullptr, reinterpret_cast<void *>(Options)) !=
      0) {
    int Err = -errno;
    GateW.reset(); // the child reads EOF and exits
    waitpid(Pid, nullptr, 0);
    AppPid = -1;
    return Err;
  }
  Tracees[Pid] = Tracee();
  AppPidForSignals = Pid;
  char Go = 1;
  if (write(GateW.get(), &Go, 1) != 1)
    return -errno;
  return 0;
}

void Runner::resume(pid_t Tid, const Tracee &T, int Sig) {
  // A tracee inside bpf() must stop again at the syscall exit.
  ptrace(T.InBpf ? PTRACE_SYSCALL : PTRACE_CONT, Tid, nullptr,
         reinterpret_cast<void *>(static_cast<long>(Sig)));
  // ESRCH: it died meanwhile; waitpid reports that.
}

void Runner::syscallInfoFailed(pid_t Tid) {
  if (errno == ESRCH || SyscallInfoReported)
    return; // died meanwhile: waitpid says so
  SyscallInfoReported = true;
  error("cannot decode the bpf() calls of %d: PTRACE_GET_SYSCALL_INFO: %s "
        "(Linux 5.3 or later needed)",
        Tid, std::strerror(errno));
}

void Runner::onSeccompStop(pid_t Tid, Tracee &T) {
  SyscallInfo Info{};
  long Size = ptrace(PTRACE_GET_SYSCALL_INFO, Tid,
                     reinterpret_cast<void *>(sizeof(Info)), &Info);
  T.InBpf = false;
  if (Size <= 0) {
    syscallInfoFailed(Tid);
    return;
  }
  if (Info.Op != SyscallInfoSeccomp)
    return;
  // `int cmd`: the kernel (and the filter) only look at the low 32 bits.
  T.Cmd = static_cast<uint32_t>(Info.Seccomp.Args[0]);
  // Programs are loaded once every map is created and filled.
  if (T.Cmd == BPF_PROG_LOAD)
    pinCompleteGroups();
  // The results that matter: a new map's fd, a frozen (final) map; under -v
  // every result is printed.
  T.InBpf = T.Cmd == BPF_MAP_CREATE || T.Cmd == BPF_MAP_FREEZE || traceAllBpf();
}

void Runner::onSyscallStop(pid_t Tid, Tracee &T) {
  SyscallInfo Info{};
  long Size = ptrace(PTRACE_GET_SYSCALL_INFO, Tid,
                     reinterpret_cast<void *>(sizeof(Info)), &Info);
  // Not after a seccomp stop (Linux 4.8+), but should a syscall-entry stop
  // come first, the exit is still to come.
  if (Size > 0 && Info.Op == SyscallInfoEntry)
    return;
  T.InBpf = false;
  if (Size <= 0) {
    syscallInfoFailed(Tid);
    return;
  }
  if (Info.Op != SyscallInfoExit)
    return;
  int64_t Ret = Info.Exit.RVal;
  bool Failed = Info.Exit.IsError || Ret < 0;
  onBpfResult(Tid, static_cast<uint32_t>(T.Cmd), Failed ? -1 : Ret,
              Failed ? static_cast<int>(-Ret) : 0,
              [&] { return openTraceeMap(Tid, static_cast<int>(Ret)); });
}

/// The process (thread group) of thread \p Tid.
pid_t processOf(pid_t Tid) {
  char Path[64];
  std::snprintf(Path, sizeof(Path), "/proc/%d/status", Tid);
  FILE *F = std::fopen(Path, "re");
  if (!F)
    return Tid;
  char Line[256];
  int Tgid = Tid;
  while (std::fgets(Line, sizeof(Line), F))
    if (std::sscanf(Line, "Tgid: %d", &Tgid) == 1)
      break;
  std::fclose(F);
  return Tgid;
}

/// The id of the BPF map behind \p Fd of task \p Tid, or 0.
uint32_t mapIdOfFd(pid_t Tid, int Fd) {
  char Path[64];
  std::snprintf(Path, sizeof(Path), "/proc/%d/fdinfo/%d", Tid, Fd);
  FILE *F = std::fopen(Path, "re");
  if (!F)
    return 0;
  char Line[256];
  unsigned Id = 0;
  while (std::fgets(Line, sizeof(Line), F))
    if (std::sscanf(Line, "map_id: %u", &Id) == 1)
      break;
  std::fclose(F);
  return Id;
}

/// bpfcov's own fd of the map behind fd \p TraceeFd of tracee \p Tid.
UniqueFd Runner::openTraceeMap(pid_t Tid, int TraceeFd) {
  uint32_t Id = mapIdOfFd(Tid, TraceeFd);
  if (!Id) {
    pDebug(2, "[pid %d] no map_id in /proc/%d/fdinfo/%d", Tid, Tid, TraceeFd);
    return UniqueFd();
  }
  UniqueFd Fd(bpf_map_get_fd_by_id(Id));
  if (!Fd.valid())
    error("cannot open BPF map %u created by %d: %s", Id, Tid,
          std::strerror(errno));
  return Fd;
}

void Runner::traceLoop() {
  for (;;) {
    if (PendingSignal) {
      // APP is gone: pass the signal on to what is left of its tree.
      int Sig = PendingSignal;
      PendingSignal = 0;
      std::set<pid_t> Processes;
      for (const auto &[Tid, T] : Tracees)
        Processes.insert(processOf(Tid));
      for (pid_t Pid : Processes)
        kill(Pid, Sig);
    }
    int Status;
    pid_t Tid = waitpid(-1, &Status, __WALL);
    if (Tid < 0) {
      if (errno == EINTR)
        continue;
      if (errno != ECHILD)
        error("waitpid failed: %s", std::strerror(errno));
      return;
    }
    if (WIFEXITED(Status) || WIFSIGNALED(Status)) {
      Tracees.erase(Tid);
      if (Tid == AppPid)
        onAppExited(Status);
      continue;
    }
    if (!WIFSTOPPED(Status))
      continue;
    // A task seen for the first time is a new child or thread: its
    // PTRACE_EVENT_STOP may come before its parent's fork/clone event.
    Tracee &T = Tracees[Tid];
    int Sig = WSTOPSIG(Status);
    unsigned Event = static_cast<unsigned>(Status) >> 16;
    switch (Event) {
    case PTRACE_EVENT_SECCOMP:
      onSeccompStop(Tid, T);
      resume(Tid, T, 0);
      break;
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE: {
      unsigned long NewTid = 0;
      if (ptrace(PTRACE_GETEVENTMSG, Tid, nullptr, &NewTid) == 0)
        Tracees.emplace(static_cast<pid_t>(NewTid), Tracee());
      resume(Tid, T, 0);
      break;
    }
    case PTRACE_EVENT_EXEC: {
      // A non-leader thread that execs takes over the leader's tid.
      unsigned long Former = 0;
      if (ptrace(PTRACE_GETEVENTMSG, Tid, nullptr, &Former) == 0 &&
          static_cast<pid_t>(Former) != Tid)
        Tracees.erase(static_cast<pid_t>(Former));
      Tracee &Now = Tracees[Tid];
      Now = Tracee();
      resume(Tid, Now, 0);
      break;
    }
    case PTRACE_EVENT_STOP:
      // Group-stop (SIGSTOP and friends): keep it stopped but listen for
      // SIGCONT. Anything else (a new tracee's first stop, the end of a
      // group-stop) just goes on.
      if (Sig == SIGSTOP || Sig == SIGTSTP || Sig == SIGTTIN || Sig == SIGTTOU)
        ptrace(PTRACE_LISTEN, Tid, nullptr, nullptr);
      else
        resume(Tid, T, 0);
      break;
    case 0:
      if (Sig == (SIGTRAP | 0x80)) {
        onSyscallStop(Tid, T);
        resume(Tid, T, 0);
      } else {
        // Signal-delivery-stop: deliver the signal as if we weren't here.
        resume(Tid, T, Sig);
      }
      break;
    default:
      resume(Tid, T, 0);
      break;
    }
  }
}

//===-- Preload mode ------------------------------------------------------===//

extern "C" char **environ;

static_assert(sizeof(PreloadReport) == 32 && offsetof(PreloadReport, Ret) == 16,
              "the report has the same layout in preload.c");

/// Why \p Base may not hold the socket's directory, or "": every directory
/// on its path must belong to root or bpfcov's user and, when others may
/// write to it, be sticky, so that no one else can rename or replace what
/// bpfcov makes in it.
std::string whyNotPrivateBase(const std::string &Base) {
  if (Base.empty() || Base[0] != '/')
    return "it is not an absolute path";
  for (size_t Pos = 0; Pos != std::string::npos;) {
    Pos = Base.find('/', Pos + 1);
    std::string Part = Base.substr(0, Pos);
    if (Part.empty())
      Part = "/";
    struct stat St;
    if (stat(Part.c_str(), &St) != 0)
      return "cannot stat '" + Part + "': " + std::strerror(errno);
    if (!S_ISDIR(St.st_mode))
      return "'" + Part + "' is not a directory";
    if (St.st_uid != 0 && St.st_uid != geteuid())
      return "'" + Part + "' belongs to uid " + std::to_string(St.st_uid);
    if ((St.st_mode & (S_IWGRP | S_IWOTH)) && !(St.st_mode & S_ISVTX))
      return "others may write to '" + Part + "', which is not sticky";
  }
  return "";
}

/// The parent of process \p Pid, from /proc/<pid>/stat, or -1.
pid_t parentOf(pid_t Pid) {
  char Path[64], Buf[512];
  std::snprintf(Path, sizeof(Path), "/proc/%d/stat", Pid);
  UniqueFd Fd(open(Path, O_RDONLY | O_CLOEXEC));
  ssize_t N = Fd.valid() ? read(Fd.get(), Buf, sizeof(Buf) - 1) : -1;
  if (N <= 0)
    return -1;
  Buf[N] = '\0';
  // "pid (comm) state ppid ...": comm may hold anything but the last ')'.
  char *Paren = std::strrchr(Buf, ')');
  char State;
  int Ppid;
  if (!Paren || std::sscanf(Paren + 1, " %c %d", &State, &Ppid) != 2)
    return -1;
  return Ppid;
}

/// True if \p Pid descends from bpfcov (APP's tree: bpfcov is its
/// subreaper, so orphans of the tree stay below it).
bool isInAppTree(pid_t Pid) {
  pid_t Self = getpid();
  for (int Depth = 0; Pid > 1 && Depth < 4096; ++Depth) {
    Pid = parentOf(Pid);
    if (Pid == Self)
      return true;
  }
  return false;
}

/// Creates the socket the preload library reports to, in a new directory
/// that only bpfcov's user can enter, under a parent no one else can
/// change: reports hand over maps to pin.
int Runner::listenForReports() {
  // TMPDIR if set, else a tmpfs (removing the directory from a disk file
  // system can take 0.4 ms, 1% of a short run), else /tmp. sun_path holds
  // 108 bytes, of which "/bpfcov-XXXXXX/sock" takes 19.
  std::vector<std::string> Bases;
  if (const char *Tmp = std::getenv("TMPDIR"); Tmp && *Tmp)
    Bases.push_back(Tmp);
  for (const char *Dir : {"/run", "/dev/shm"}) {
    struct statfs Fs;
    if (statfs(Dir, &Fs) == 0 && Fs.f_type == TMPFS_MAGIC)
      Bases.push_back(Dir);
  }
  Bases.push_back("/tmp");
  std::string Dir;
  int Err = -ENOENT;
  for (const std::string &Base : Bases) {
    if (std::string Why = whyNotPrivateBase(Base); !Why.empty()) {
      pDebug(1, "not making the preload socket under '%s': %s", Base.c_str(),
             Why.c_str());
      Err = -EPERM;
      continue;
    }
    Dir = Base + "/bpfcov-XXXXXX";
    if (Dir.size() + 5 < sizeof(sockaddr_un::sun_path) && mkdtemp(Dir.data()))
      break;
    Err = -errno;
    Dir.clear();
  }
  if (Dir.empty())
    return Err;
  SocketDir = Dir; // mode 0700
  std::string Path = Dir + "/sock";
  Listener.reset(
      socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!Listener.valid())
    return -errno;
  sockaddr_un Addr;
  std::memset(&Addr, 0, sizeof(Addr));
  Addr.sun_family = AF_UNIX;
  std::memcpy(Addr.sun_path, Path.c_str(), Path.size() + 1);
  if (bind(Listener.get(), reinterpret_cast<sockaddr *>(&Addr), sizeof(Addr)) !=
      0)
    return -errno;
  SocketPath = Path;
  if (listen(Listener.get(), SOMAXCONN) != 0)
    return -errno;
  pDebug(2, "reports of the preload library come on '%s'", Path.c_str());
  return 0;
}

int Runner::startPreloadedApp(char **Argv, const std::string &Library) {
  if (int Err = listenForReports())
    return Err;
  // APP's environment: bpfcov's, with the library first in LD_PRELOAD.
  std::string Preload = Library;
  std::vector<std::string> Env;
  for (char **E = environ; *E; ++E) {
    std::string Var = *E;
    auto Is = [&](const char *Name) {
      size_t Len = std::strlen(Name);
      return Var.compare(0, Len, Name) == 0 && Var.size() > Len &&
             Var[Len] == '=';
    };
    if (Is("LD_PRELOAD")) {
      if (Var.size() > std::strlen("LD_PRELOAD="))
        Preload += ":" + Var.substr(std::strlen("LD_PRELOAD="));
    } else if (!Is(BPFCOV_PRELOAD_SOCK_ENV) && !Is(BPFCOV_PRELOAD_ALL_ENV) &&
               !Is(BPFCOV_PRELOAD_PIN_MAP_ENV) &&
               !Is(BPFCOV_PRELOAD_UID_ENV)) {
      Env.push_back(std::move(Var));
    }
  }
  Env.push_back("LD_PRELOAD=" + Preload);
  Env.push_back(BPFCOV_PRELOAD_SOCK_ENV "=" + SocketPath);
  Env.push_back(BPFCOV_PRELOAD_PIN_MAP_ENV "=" + std::string(CovMapSection));
  Env.push_back(BPFCOV_PRELOAD_UID_ENV "=" + std::to_string(geteuid()));
  if (traceAllBpf())
    Env.push_back(BPFCOV_PRELOAD_ALL_ENV "=1");
  std::vector<char *> Envp;
  for (std::string &Var : Env)
    Envp.push_back(Var.data());
  Envp.push_back(nullptr);
  // Orphans of the tree become bpfcov's children, so that bpfcov waits for
  // the whole tree, as for the tracees of ptrace mode.
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
    return -errno;
  if (int Err = forkApp(Argv, Envp.data(), nullptr))
    return Err;
  AppPidForSignals = AppPid;
  // bpfcov holds a connection per process that reports: room for many.
  // Not before the fork: APP keeps the limits it would have had.
  rlimit Lim;
  if (getrlimit(RLIMIT_NOFILE, &Lim) == 0 && Lim.rlim_cur < Lim.rlim_max) {
    Lim.rlim_cur = Lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &Lim);
  }
  return 0;
}

/// Processes descending from bpfcov, from /proc.
std::vector<pid_t> descendants() {
  std::map<pid_t, std::vector<pid_t>> Children;
  if (DIR *D = opendir("/proc")) {
    while (dirent *E = readdir(D)) {
      char *End;
      long Pid = std::strtol(E->d_name, &End, 10);
      if (*End || Pid <= 0)
        continue;
      if (pid_t Ppid = parentOf(static_cast<pid_t>(Pid)); Ppid > 0)
        Children[Ppid].push_back(static_cast<pid_t>(Pid));
    }
    closedir(D);
  }
  std::vector<pid_t> Out;
  std::vector<pid_t> Todo = {getpid()};
  while (!Todo.empty() && Out.size() < 100000) {
    pid_t P = Todo.back();
    Todo.pop_back();
    for (pid_t C : Children[P]) {
      Out.push_back(C);
      Todo.push_back(C);
    }
  }
  return Out;
}

/// Reaps the processes of the tree that exited (bpfcov is their subreaper).
/// Returns false once none is left.
bool Runner::reapChildren() {
  for (;;) {
    int Status;
    pid_t Pid = waitpid(-1, &Status, WNOHANG);
    if (Pid > 0) {
      if (Pid == AppPid)
        onAppExited(Status);
      continue;
    }
    if (Pid == 0)
      return true;
    if (errno == EINTR)
      continue;
    if (errno != ECHILD)
      error("waitpid failed: %s", std::strerror(errno));
    return false;
  }
}

void Runner::acceptClients() {
  for (;;) {
    int Fd =
        accept4(Listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (Fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      // Out of fds (a connection per reporting process): wait for one to
      // close rather than spin on the listener.
      AcceptBlocked = errno == EMFILE || errno == ENFILE;
      return; // EAGAIN: no one else
    }
    // Only the processes of APP's tree hand over maps to pin.
    ucred Cred;
    socklen_t Len = sizeof(Cred);
    if (getsockopt(Fd, SOL_SOCKET, SO_PEERCRED, &Cred, &Len) != 0 ||
        !isInAppTree(Cred.pid)) {
      pInfo("Warning: refused a connection to the preload socket from pid "
            "%d (uid %u), which is not a process of '%s'",
            Len == sizeof(Cred) ? Cred.pid : -1,
            Len == sizeof(Cred) ? Cred.uid : ~0u, AppPath.c_str());
      close(Fd);
      continue;
    }
    // The report has usually arrived with the connection.
    if (serveClient(Fd))
      close(Fd);
    else
      Clients.emplace_back(Fd);
  }
}

/// Reads the reports that have come on connection \p Fd, acts on each and
/// acks those that ask for it. Returns true when done with \p Fd (the other
/// end closed it, or it broke).
bool Runner::serveClient(int Fd) {
  for (;;) {
    PreloadReport R;
    union {
      char Buf[CMSG_SPACE(sizeof(int) * 4)];
      cmsghdr Align;
    } Control;
    iovec Iov = {&R, sizeof(R)};
    msghdr Msg;
    std::memset(&Msg, 0, sizeof(Msg));
    Msg.msg_iov = &Iov;
    Msg.msg_iovlen = 1;
    Msg.msg_control = Control.Buf;
    Msg.msg_controllen = sizeof(Control.Buf);
    ssize_t N = recvmsg(Fd, &Msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0 && errno == EAGAIN)
      return false;
    if (N <= 0)
      return true;
    // Whatever fds came along are bpfcov's now: keep the first.
    UniqueFd MapFd;
    for (cmsghdr *C = CMSG_FIRSTHDR(&Msg); C; C = CMSG_NXTHDR(&Msg, C)) {
      if (C->cmsg_level != SOL_SOCKET || C->cmsg_type != SCM_RIGHTS)
        continue;
      size_t Count = (C->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t I = 0; I < Count; ++I) {
        int Received;
        std::memcpy(&Received, CMSG_DATA(C) + I * sizeof(int), sizeof(int));
        if (MapFd.valid())
          close(Received);
        else
          MapFd.reset(Received);
      }
    }
    if (N != static_cast<ssize_t>(sizeof(R)) ||
        R.Magic != BPFCOV_PRELOAD_MAGIC ||
        R.Version != BPFCOV_PRELOAD_VERSION) {
      pDebug(2, "ignored a report of %zd bytes that is not of this bpfcov", N);
      return true;
    }
    ++NumReports;
    if (!(R.Flags & BPFCOV_PRELOAD_HAS_FD))
      MapFd.reset();
    onBpfResult(R.Tid, R.Cmd, R.Ret < 0 ? -1 : R.Ret, R.Errno,
                [&] { return std::move(MapFd); });
    // The maps are pinned: the caller may go on.
    char Ack = 1;
    if (R.Flags & BPFCOV_PRELOAD_WANTS_ACK)
      send(Fd, &Ack, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
  }
}

void noteSignal(int) {}

void Runner::serveLoop() {
  // SIGCHLD, SIGINT and SIGTERM are only let in while ppoll() waits, so none
  // slips in between reaping (or forwarding) and sleeping.
  struct sigaction Sa, OldChld;
  std::memset(&Sa, 0, sizeof(Sa));
  Sa.sa_handler = noteSignal;
  sigemptyset(&Sa.sa_mask);
  sigaction(SIGCHLD, &Sa, &OldChld);
  sigset_t Block, Old, Waiting;
  sigemptyset(&Block);
  for (int Sig : {SIGCHLD, SIGINT, SIGTERM})
    sigaddset(&Block, Sig);
  sigprocmask(SIG_BLOCK, &Block, &Old);
  Waiting = Old;
  for (int Sig : {SIGCHLD, SIGINT, SIGTERM})
    sigdelset(&Waiting, Sig);

  std::vector<pollfd> Fds;
  while (reapChildren()) {
    if (PendingSignal) {
      // APP is gone: pass the signal on to what is left of its tree.
      int Sig = PendingSignal;
      PendingSignal = 0;
      for (pid_t Pid : descendants())
        kill(Pid, Sig);
    }
    Fds.clear();
    Fds.push_back(
        {Listener.get(), static_cast<short>(AcceptBlocked ? 0 : POLLIN), 0});
    for (const UniqueFd &C : Clients)
      Fds.push_back({C.get(), POLLIN, 0});
    if (ppoll(Fds.data(), Fds.size(), nullptr, &Waiting) < 0) {
      if (errno == EINTR)
        continue;
      // Reports would wait for acks forever: stop taking them.
      error("cannot wait for the reports of the preload library: %s",
            std::strerror(errno));
      Clients.clear();
      Listener.reset();
      sigprocmask(SIG_SETMASK, &Old, nullptr);
      for (;;) {
        int Status;
        pid_t Pid = waitpid(-1, &Status, 0);
        if (Pid == AppPid)
          onAppExited(Status);
        if (Pid < 0 && errno != EINTR)
          break;
      }
      break;
    }
    // Connections in the order they came, then new ones.
    std::vector<UniqueFd> Open;
    for (size_t I = 0; I < Clients.size(); ++I)
      if (!Fds[I + 1].revents || !serveClient(Clients[I].get()))
        Open.push_back(std::move(Clients[I]));
    if (Open.size() < Clients.size())
      AcceptBlocked = false;
    Clients = std::move(Open);
    if (Fds[0].revents)
      acceptClients();
  }
  // Reports that processes sent just before they ended.
  if (Listener.valid()) {
    for (UniqueFd &C : Clients)
      serveClient(C.get());
    acceptClients();
  }
  Clients.clear();
  Listener.reset();
  sigprocmask(SIG_SETMASK, &Old, nullptr);
  sigaction(SIGCHLD, &OldChld, nullptr);
}

//===-- Coverage maps, from either mode -----------------------------------===//

void Runner::onMapCreated(pid_t Tid, UniqueFd Fd) {
  bpf_map_info Info;
  std::memset(&Info, 0, sizeof(Info));
  uint32_t Len = sizeof(Info);
  if (bpf_obj_get_info_by_fd(Fd.get(), &Info, &Len) != 0) {
    error("cannot read the BPF map created by %d: %s", Tid,
          std::strerror(errno));
    return;
  }
  pDebug(2, "[pid %d] map %u '%s' btf_id %u", Tid, Info.id, Info.name,
         Info.btf_id);
  for (unsigned Slot = 0; Slot < NumCoverageMaps; ++Slot) {
    if (std::strncmp(Info.name, CoverageMaps[Slot].Section,
                     sizeof(Info.name)) != 0)
      continue;
    ObjectGroup &G = getOrCreateGroup(Info.btf_id, Tid, Slot);
    G.Fds[Slot] = std::move(Fd);
    if (std::strcmp(CoverageMaps[Slot].Section, CovMapSection) == 0)
      G.CovMapValueSize = Info.value_size;
    return;
  }
}

ObjectGroup &Runner::getOrCreateGroup(uint32_t BtfId, pid_t Tid,
                                      unsigned Slot) {
  // Every map of one object carries that object's BTF. Without BTF, fall
  // back to creation order: libbpf creates an object's maps in one thread.
  for (ObjectGroup &G : Groups)
    if (!G.Done && !G.Fds[Slot].valid() && G.BtfId == BtfId &&
        (BtfId != 0 || G.Tid == Tid))
      return G;
  Groups.emplace_back();
  ObjectGroup &G = Groups.back();
  G.BtfId = BtfId;
  G.Tid = Tid;
  G.Seq = NextSeq++;
  return G;
}

std::string Runner::uniqueObjectName(std::string Name) {
  Name = pinComponent(Name);
  std::string Candidate = Name;
  for (unsigned N = 2; UsedNames.count(Candidate); ++N)
    Candidate = Name + "-" + std::to_string(N);
  UsedNames.insert(Candidate);
  return Candidate;
}

void Runner::pinCompleteGroups() {
  for (ObjectGroup &G : Groups) {
    if (G.Done || G.count() != NumCoverageMaps ||
        G.CovMapValueSize < CovMapSize)
      continue;
    unsigned CovMapSlot = NumCoverageMaps - 1;
    static_assert(CoverageMaps[NumCoverageMaps - 1].Section == CovMapSection,
                  "covmap is the last coverage map");
    std::vector<unsigned char> Value(G.CovMapValueSize);
    uint32_t Key = 0;
    if (bpf_map_lookup_elem(G.Fds[CovMapSlot].get(), &Key, Value.data()) != 0)
      continue;
    uint64_t Magic;
    std::memcpy(&Magic, Value.data() + CovMapFieldOffset[CF_Magic],
                sizeof(Magic));
    if (Magic != CovMapMagic)
      continue; // not filled in yet
    const char *NameBytes = reinterpret_cast<const char *>(
        Value.data() + CovMapFieldOffset[CF_ObjectName]);
    std::string Object(NameBytes, strnlen(NameBytes, ObjectNameSize));
    G.Done = true;
    pinGroup(G, uniqueObjectName(Object));
  }
}

int Runner::pinGroup(ObjectGroup &G, const std::string &Object) {
  std::string Dir = Pins->Path + "/" + Object;
  std::string Why;
  int Fd = openObjectDir(*Pins, Object, /*Create=*/true, &Why);
  if (Fd < 0) {
    error("cannot pin the coverage maps of '%s': %s", Object.c_str(),
          Why.empty() ? std::strerror(-Fd) : Why.c_str());
    return Fd;
  }
  UniqueFd ObjDir(Fd);
  for (unsigned Slot = 0; Slot < NumCoverageMaps; ++Slot) {
    // Through the directory bpfcov made and holds: no link on the way.
    std::string Path = fdPath(ObjDir.get(), CoverageMaps[Slot].Pin);
    if (bpf_obj_pin(G.Fds[Slot].get(), Path.c_str()) != 0) {
      int Err = errno;
      removeObjectPins(*Pins, Object);
      error("cannot pin map '%s' of '%s' at '%s/%s': %s",
            CoverageMaps[Slot].Section, Object.c_str(), Dir.c_str(),
            CoverageMaps[Slot].Pin, std::strerror(Err));
      return -Err;
    }
  }
  // The pins hold the maps now.
  for (UniqueFd &Fd : G.Fds)
    Fd.reset();
  Pinned.push_back({Object, Dir});
  pInfo("pinned the coverage maps of BPF object '%s' under '%s'",
        Object.c_str(), Dir.c_str());
  return 0;
}

void Runner::reportIncomplete() {
  for (ObjectGroup &G : Groups) {
    if (G.Done)
      continue;
    std::string Have;
    for (unsigned Slot = 0; Slot < NumCoverageMaps; ++Slot)
      if (G.Fds[Slot].valid())
        Have += std::string(Have.empty() ? "'" : ", '") +
                CoverageMaps[Slot].Section + "'";
    if (G.count() == NumCoverageMaps)
      pInfo("Warning: coverage maps of BPF object #%u (btf_id %u) have no "
            "bpfcov header in '%s' (not built with bpfcov?): not pinned",
            G.Seq, G.BtfId, CovMapSection);
    else
      pInfo("Warning: BPF object #%u (btf_id %u) created only %u of %u "
            "coverage maps (%s): not pinned",
            G.Seq, G.BtfId, G.count(), NumCoverageMaps, Have.c_str());
    G.Done = true;
    for (UniqueFd &Fd : G.Fds)
      Fd.reset();
  }
}

int Runner::run(char **Argv, const TraceChoice &C) {
  bool Preload = C.Mode == TraceMode::Preload;
  if (int Err =
          Preload ? startPreloadedApp(Argv, C.Library) : startTracedApp(Argv)) {
    error("cannot start '%s' %s: %s", AppPath.c_str(),
          Preload ? "with the preload library" : "under ptrace",
          std::strerror(-Err));
    return 1;
  }
  struct sigaction Sa;
  std::memset(&Sa, 0, sizeof(Sa));
  Sa.sa_sigaction = forwardSignal;
  Sa.sa_flags = SA_SIGINFO; // no SA_RESTART: waitpid returns EINTR
  sigemptyset(&Sa.sa_mask);
  struct sigaction OldInt, OldTerm;
  sigaction(SIGINT, &Sa, &OldInt);
  sigaction(SIGTERM, &Sa, &OldTerm);
  if (Preload)
    serveLoop();
  else
    traceLoop();
  sigaction(SIGINT, &OldInt, nullptr);
  sigaction(SIGTERM, &OldTerm, nullptr);
  // Maps the app filled in through mmap or late: one last look.
  pinCompleteGroups();
  return AppStatus;
}

void printJson(const std::string &App, int ExitStatus,
               const std::vector<PinnedObject> &Pins) {
  const char *Nl = Globals.Pretty ? "\n" : "";
  const char *In1 = Globals.Pretty ? "  " : "";
  const char *In2 = Globals.Pretty ? "    " : "";
  const char *In3 = Globals.Pretty ? "      " : "";
  const char *Sp = Globals.Pretty ? " " : "";
  std::printf("{%s%s\"app\":%s%s,%s%s\"exit_status\":%s%d,%s%s\"pins\":%s[", Nl,
              In1, Sp, jsonString(App).c_str(), Nl, In1, Sp, ExitStatus, Nl,
              In1, Sp);
  for (size_t I = 0; I < Pins.size(); ++I)
    std::printf("%s%s%s{%s%s\"object\":%s%s,%s%s\"dir\":%s%s%s%s}",
                I ? "," : "", Nl, In2, Nl, In3, Sp,
                jsonString(Pins[I].Object).c_str(), Nl, In3, Sp,
                jsonString(Pins[I].Dir).c_str(), Nl, In2);
  std::printf("%s%s]%s}\n", Pins.empty() ? "" : Nl, Pins.empty() ? "" : In1,
              Nl);
}

} // namespace

int bpfcov::doRun(int Argc, char **Argv) {
  RunArgs A;
  // Our own --help, so that it prints `null` under --json. Plain text: argp
  // reports unknown options itself and exits 1 (argp_err_exit_status);
  // under --json it must stay silent and we print the one JSON value.
  unsigned Flags = ARGP_IN_ORDER | ARGP_NO_HELP;
  if (Globals.Json)
    Flags |= ARGP_NO_ERRS;
  if (argp_parse(&RunArgp, Argc, Argv, Flags, nullptr, &A) != 0) {
    if (!A.Reported)
      pErr("invalid arguments: see '%s --help'", Globals.Program.c_str());
    return 1;
  }
  if (A.Help || A.Usage)
    return doHelp(A.Usage);

  std::string AppPath = Argv[A.AppIndex];
  std::string App = appName(AppPath);
  if (App.empty() || App == "_" || App == "__") {
    pErr("cannot derive an application name from '%s': give the path of "
         "the program to run",
         AppPath.c_str());
    return 1;
  }
  if (ensureBpffs(true) != 0)
    return 1;
  TraceChoice Trace;
  if (chooseTraceMode(A.Trace, AppPath, Trace) != 0)
    return 1;

  // The app's directory, made (or found) and locked for this run: another
  // run of the same app is refused, and never touches these pins.
  AppPins Pins;
  for (int Tries = 0;; ++Tries) {
    // -ENOENT: removed by a 'gen --unpin' meanwhile: make it again.
    int Err = openAppPins(App, /*Create=*/true, Pins);
    if (Err == -ENOENT && Tries < 10)
      continue;
    if (Err) {
      if (Err == -ENOENT)
        pErr("cannot create '%s': it keeps disappearing", Pins.Path.c_str());
      return 1; // openAppPins said why
    }
    Err = lockAppPins(Pins);
    if (Err == -ENOENT && Tries < 10)
      continue;
    if (Err == -EWOULDBLOCK) {
      pErr("another bpfcov is using the pins under '%s' (a 'bpfcov run %s' "
           "or 'bpfcov gen --unpin %s' that has not ended): wait for it to "
           "end",
           Pins.Path.c_str(), AppPath.c_str(), AppPath.c_str());
      return 1;
    }
    if (Err) {
      pErr("cannot lock '%s': %s", Pins.Path.c_str(), std::strerror(-Err));
      return 1;
    }
    break;
  }

  // Never mix two runs' data in one profile. An empty directory (a run
  // that pinned nothing and was killed) is no earlier run.
  std::vector<std::string> Earlier;
  listAppEntries(Pins, Earlier);
  if (!Earlier.empty()) {
    if (!A.Force) {
      pErr("pins of an earlier run exist under '%s': run 'bpfcov gen --unpin "
           "%s' to keep them as a profile, or 'bpfcov run --force %s' to "
           "replace them",
           Pins.Path.c_str(), AppPath.c_str(), AppPath.c_str());
      return 1;
    }
    pInfo("removing the pins of an earlier run under '%s'", Pins.Path.c_str());
    int Err = 0;
    for (const std::string &Object : Earlier)
      if (int E = removeObjectPins(Pins, Object); E && !Err)
        Err = E;
    if (Err) {
      pErr("cannot remove the pins under '%s': %s", Pins.Path.c_str(),
           std::strerror(-Err));
      return 1;
    }
  }

  Runner R(AppPath, Pins);
  int Status = R.run(Argv + A.AppIndex, Trace);
  R.reportIncomplete();
  // Nothing pinned: the directory this run made goes (it is empty unless
  // someone else wrote there, and then it stays).
  if (R.pins().empty())
    unlinkat(Pins.Root.get(), App.c_str(), AT_REMOVEDIR);
  // Plain text: errors were printed as they happened. JSON: one value, the
  // first error or the result.
  if (R.execFailed()) {
    if (Globals.Json)
      pErr("%s", R.firstError().c_str());
    return Status;
  }
  if (R.pins().empty() && !R.errors()) {
    if (Trace.Mode == TraceMode::Preload && R.reports() == 0)
      pDebug(1, "the preload library reported no bpf() call: a statically "
                "linked program that APP starts is only seen with "
                "--trace=ptrace");
    if (Status)
      pErr("'%s' ended with status %d before it loaded an instrumented BPF "
           "object: nothing was pinned",
           AppPath.c_str(), Status);
    else
      pErr("no instrumented BPF object was loaded by '%s': build it with "
           "bpfcov-cc or bpfcov_add_bpf_object",
           AppPath.c_str());
    return Status ? Status : 1;
  }
  if (R.errors()) {
    if (Globals.Json)
      pErr("%s", R.firstError().c_str());
    return Status ? Status : 1;
  }
  if (Globals.Json)
    printJson(App, Status, R.pins());
  else
    pInfo("run 'bpfcov gen %s' to write the profile", AppPath.c_str());
  return Status;
}

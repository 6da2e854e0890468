//===-- run.cpp - bpfcov run: pin the coverage maps an app creates --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Runs APP under ptrace but stops it only on bpf(): a seccomp filter traps the
// bpf() commands that create or freeze maps or load programs and allows every
// other syscall (the original stopped on all of them: ~80x on 200k getppid()).
// New maps named after the Names.h coverage sections are grouped per object
// (BTF id) and pinned under <bpffs>/cov/<app>/<object>/ once .rodata.covmap
// holds bpfcov's magic. Fork, vfork, clone and exec are followed; syscalls are
// decoded with PTRACE_GET_SYSCALL_INFO (no per-architecture register code).
//
// USAGE: sudo bpfcov run ./app [ARGS...]
//===----------------------------------------------------------------------===//
#include "Pins.h"
#include "main.h"

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
#include <cstring>
#include <fcntl.h>
#include <map>
#include <set>
#include <string>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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
    "on). Only the bpf() calls that create or freeze maps or load programs "
    "stop APP; its other syscalls are never stopped. SIGINT and SIGTERM "
    "sent to bpfcov "
    "are passed on to APP; the pins stay when APP exits, for "
    "'bpfcov gen APP'.\v"
    "Options after APP belong to APP. The exit status is APP's (its exit "
    "code, or 128+N when signal N killed it); 127 when APP is not found, 126 "
    "when it cannot be executed; 1 when APP succeeded but no instrumented BPF "
    "object was loaded or pinning failed, or pins of an earlier run of APP "
    "exist (see --force). Needs root, or CAP_BPF, CAP_SYS_ADMIN and "
    "CAP_SYS_PTRACE.\n"
    "\n"
    "Examples:\n"
    "  sudo bpfcov run ./app --iface eth0\n"
    "  sudo bpfcov run --force ./app      # replace the pins of a previous "
    "run\n"
    "  sudo bpfcov -j run sh -c './setup && ./app'";

constexpr int UsageKey = 0x100; // long option only

const argp_option RunOptions[] = {
    {"force", 'f', nullptr, 0,
     "Replace the pins of an earlier run of APP instead of refusing", 0},
    {"help", 'h', nullptr, 0, "Show this help", 0},
    {"usage", UsageKey, nullptr, 0, "Show a short usage message", 0},
    {nullptr, 0, nullptr, 0, nullptr, 0},
};

struct RunArgs {
  bool Force = false;
  bool Help = false;
  bool Usage = false;
  int AppIndex = -1; ///< index of APP in argv; the rest are its ARGS
  bool Reported = false;
};

error_t parseRun(int Key, char *, argp_state *State) {
  auto *A = static_cast<RunArgs *>(State->input);
  switch (Key) {
  case 'f':
    A->Force = true;
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
      pErr("missing APP: usage: %s [--force] " HELP_SPEC_APP,
           Globals.Program.c_str());
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

/// An owned file descriptor, closed on destruction.
class UniqueFd {
public:
  UniqueFd() = default;
  explicit UniqueFd(int Fd) : Fd(Fd) {}
  UniqueFd(UniqueFd &&O) noexcept : Fd(O.release()) {}
  UniqueFd &operator=(UniqueFd &&O) noexcept {
    reset(O.release());
    return *this;
  }
  UniqueFd(const UniqueFd &) = delete;
  UniqueFd &operator=(const UniqueFd &) = delete;
  ~UniqueFd() { reset(); }
  int get() const { return Fd; }
  bool valid() const { return Fd >= 0; }
  int release() {
    int R = Fd;
    Fd = -1;
    return R;
  }
  void reset(int New = -1) {
    if (Fd >= 0)
      close(Fd);
    Fd = New;
  }

private:
  int Fd = -1;
};

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

/// bpf() commands that stop APP: the ones that create coverage maps or
/// mark the point where their values are final (libbpf freezes each .rodata
/// map once filled, and loads programs after all maps are ready). Each stop
/// costs context switches, and libbpf makes dozens of other bpf() calls.
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

/// Runs one application and collects its coverage maps.
class Runner {
public:
  Runner(std::string AppPath, std::string App)
      : AppPath(std::move(AppPath)), App(std::move(App)) {}

  /// Forks, execs \p Argv under ptrace and traces until every tracee is
  /// gone. Returns the app's exit status (shell convention).
  int run(char **Argv);

  const std::vector<PinnedObject> &pins() const { return Pins; }
  unsigned errors() const { return NumErrors; }
  bool execFailed() const { return ExecFailed; }
  const std::string &firstError() const { return FirstError; }
  /// Warns about coverage maps that never formed a complete object.
  void reportIncomplete();

private:
  int startApp(char **Argv);
  void traceLoop();
  void resume(pid_t Tid, const Tracee &T, int Sig);
  void syscallInfoFailed(pid_t Tid);
  void onSeccompStop(pid_t Tid, Tracee &T);
  void onSyscallStop(pid_t Tid, Tracee &T);
  void onMapCreated(pid_t Tid, int TraceeFd);
  ObjectGroup &getOrCreateGroup(uint32_t BtfId, pid_t Tid, unsigned Slot);
  void pinCompleteGroups();
  int pinGroup(ObjectGroup &G, const std::string &Object);
  std::string uniqueObjectName(std::string Name);
  void error(const char *Fmt, ...) __attribute__((format(printf, 2, 3)));

  std::string AppPath, App;
  pid_t AppPid = -1;
  int AppStatus = 0;
  UniqueFd FailurePipe; ///< read end; the child's ChildFailure, if any
  bool ExecFailed = false;
  std::map<pid_t, Tracee> Tracees;
  std::vector<ObjectGroup> Groups;
  unsigned NextSeq = 1;
  std::set<std::string> UsedNames;
  std::vector<PinnedObject> Pins;
  bool SyscallInfoReported = false;
  unsigned NumErrors = 0;
  std::string FirstError; ///< under --json, the one error value printed
};

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

int Runner::startApp(char **Argv) {
  int Gate[2], Failure[2];
  if (pipe2(Gate, O_CLOEXEC) != 0)
    return -errno;
  if (pipe2(Failure, O_CLOEXEC) != 0) {
    int Err = -errno;
    close(Gate[0]);
    close(Gate[1]);
    return Err;
  }
  std::fflush(nullptr);
  pid_t Pid = fork();
  if (Pid < 0) {
    int Err = -errno;
    for (int Fd : {Gate[0], Gate[1], Failure[0], Failure[1]})
      close(Fd);
    return Err;
  }
  if (Pid == 0) {
    // Child: wait until the tracer has seized us, then filter and exec.
    close(Gate[1]);
    close(Failure[0]);
    char C;
    ssize_t N;
    while ((N = read(Gate[0], &C, 1)) < 0 && errno == EINTR)
      ;
    if (N != 1)
      _exit(127); // the tracer gave up
    if (int Err = installBpfSeccompFilter(Globals.Verbose >= 1)) {
      errno = -Err;
      childFail(Failure[1], 0);
    }
    execvp(Argv[0], Argv);
    childFail(Failure[1], 1);
  }
  close(Gate[0]);
  close(Failure[1]);
  UniqueFd GateW(Gate[1]);
  FailurePipe.reset(Failure[0]);
  AppPid = Pid;

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
  T.InBpf = T.Cmd == BPF_MAP_CREATE || T.Cmd == BPF_MAP_FREEZE ||
            Globals.Verbose >= 1;
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
  if (Globals.Verbose >= 1) {
    const char *Name = bpfCmdName(T.Cmd);
    char Num[32];
    std::snprintf(Num, sizeof(Num), "%llu",
                  static_cast<unsigned long long>(T.Cmd));
    if (Info.Exit.IsError)
      pDebug(1, "[pid %d] bpf(%s) = -1 %s", Tid, Name ? Name : Num,
             std::strerror(static_cast<int>(-Ret)));
    else
      pDebug(1, "[pid %d] bpf(%s) = %lld", Tid, Name ? Name : Num,
             static_cast<long long>(Ret));
  }
  if (T.Cmd == BPF_MAP_CREATE && !Info.Exit.IsError && Ret >= 0)
    onMapCreated(Tid, static_cast<int>(Ret));
  // libbpf creates, fills and freezes each map in turn: the covmap value
  // may have just been written.
  pinCompleteGroups();
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

void Runner::onMapCreated(pid_t Tid, int TraceeFd) {
  uint32_t Id = mapIdOfFd(Tid, TraceeFd);
  if (!Id) {
    pDebug(2, "[pid %d] no map_id in /proc/%d/fdinfo/%d", Tid, Tid, TraceeFd);
    return;
  }
  UniqueFd Fd(bpf_map_get_fd_by_id(Id));
  if (!Fd.valid()) {
    error("cannot open BPF map %u created by %d: %s", Id, Tid,
          std::strerror(errno));
    return;
  }
  bpf_map_info Info;
  std::memset(&Info, 0, sizeof(Info));
  uint32_t Len = sizeof(Info);
  if (bpf_obj_get_info_by_fd(Fd.get(), &Info, &Len) != 0) {
    error("cannot read BPF map %u: %s", Id, std::strerror(errno));
    return;
  }
  pDebug(2, "[pid %d] map %u '%s' btf_id %u", Tid, Id, Info.name, Info.btf_id);
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
  std::string Dir = objectPinDir(App, Object);
  if (int Err = makeDirs(Dir)) {
    error("cannot create '%s' for the coverage maps of '%s': %s", Dir.c_str(),
          Object.c_str(), std::strerror(-Err));
    return Err;
  }
  for (unsigned Slot = 0; Slot < NumCoverageMaps; ++Slot) {
    std::string Path = Dir + "/" + CoverageMaps[Slot].Pin;
    if (bpf_obj_pin(G.Fds[Slot].get(), Path.c_str()) != 0) {
      int Err = errno;
      removeObjectPins(Dir);
      error("cannot pin map '%s' of '%s' at '%s': %s",
            CoverageMaps[Slot].Section, Object.c_str(), Path.c_str(),
            std::strerror(Err));
      return -Err;
    }
  }
  // The pins hold the maps now.
  for (UniqueFd &Fd : G.Fds)
    Fd.reset();
  Pins.push_back({Object, Dir});
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
      if (Tid == AppPid) {
        AppPidForSignals = 0;
        AppStatus =
            WIFEXITED(Status) ? WEXITSTATUS(Status) : 128 + WTERMSIG(Status);
        ChildFailure F;
        if (read(FailurePipe.get(), &F, sizeof(F)) == sizeof(F)) {
          ExecFailed = true;
          if (F.Stage == 0) {
            error("cannot install the seccomp filter for '%s': %s",
                  AppPath.c_str(), std::strerror(F.Errno));
            AppStatus = 1;
          } else {
            error("cannot run '%s': %s", AppPath.c_str(),
                  std::strerror(F.Errno));
            // Shells: 127 when not found, 126 when found but not runnable.
            AppStatus = F.Errno == ENOENT ? 127 : 126;
          }
        }
        FailurePipe.reset();
      }
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

int Runner::run(char **Argv) {
  if (int Err = startApp(Argv)) {
    error("cannot start '%s' under ptrace: %s", AppPath.c_str(),
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
  if (ensureBpffs(true) != 0)
    return 1;

  // Never mix two runs' data in one profile.
  std::string AppDir = appPinDir(App);
  struct stat St;
  if (lstat(AppDir.c_str(), &St) == 0) {
    if (!A.Force) {
      pErr("pins of an earlier run exist under '%s': run 'bpfcov gen --unpin "
           "%s' to keep them as a profile, or 'bpfcov run --force %s' to "
           "replace them",
           AppDir.c_str(), AppPath.c_str(), AppPath.c_str());
      return 1;
    }
    pInfo("removing the pins of an earlier run under '%s'", AppDir.c_str());
    if (int Err = removeAppPins(App)) {
      pErr("cannot remove the pins under '%s': %s", AppDir.c_str(),
           std::strerror(-Err));
      return 1;
    }
  }

  Runner R(AppPath, App);
  int Status = R.run(Argv + A.AppIndex);
  R.reportIncomplete();
  // Plain text: errors were printed as they happened. JSON: one value, the
  // first error or the result.
  if (R.execFailed()) {
    if (Globals.Json)
      pErr("%s", R.firstError().c_str());
    return Status;
  }
  if (R.pins().empty() && !R.errors()) {
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

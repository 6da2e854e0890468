//===-- PtraceTracer.cpp - bpfcov run's ptrace mode
//-------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The seccomp filter, and the ptrace loop that follows APP's tree (forks,
// clones, execs, group-stops) and hands each stopped bpf() call's result to
// the sink.
//
//===----------------------------------------------------------------------===//
#include "PtraceTracer.h"

#include "Diag.h"
#include "PreloadProtocol.h"

#include <bpf/bpf.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/seccomp.h>

#include <cassert>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <set>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

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

namespace bpfcov {

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

namespace {

/// bpf() commands that stop APP. Each stop costs context switches.
constexpr uint32_t StoppingCmds[] = {BPFCOV_REPORTED_CMDS};

/// Installs \p Filter in the calling task. Returns 0 or -errno.
int installSeccompFilter(std::vector<sock_filter> &Filter) {
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

/// Whether BPF_PROG_LOAD with attr \p Attr (\p Size bytes, in task \p Tid)
/// loads a syscall program: a light skeleton's loader, whose run will make
/// the object's maps inside the kernel.
bool loadsLoaderProgram(pid_t Tid, uint64_t Attr, uint64_t Size) {
  constexpr size_t Off = offsetof(bpf_attr, prog_type);
  uint32_t Type;
  if (Size < Off + sizeof(Type))
    return false;
  iovec Local = {&Type, sizeof(Type)};
  iovec Remote = {reinterpret_cast<void *>(Attr + Off), sizeof(Type)};
  return process_vm_readv(Tid, &Local, 1, &Remote, 1, 0) == sizeof(Type) &&
         Type == BPF_PROG_TYPE_SYSCALL;
}

} // namespace

uint32_t nativeAuditArch() { return BPFCOV_AUDIT_ARCH; }

std::vector<sock_filter> bpfSeccompFilter(bool AllCmds) {
  // The low 32 bits of seccomp_data.args[0], bpf()'s `int cmd`.
  constexpr unsigned CmdOffset =
      offsetof(seccomp_data, args) +
      (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 0 : 4);
  constexpr unsigned char NumCmds = sizeof(StoppingCmds) / sizeof(uint32_t);
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
  return Filter;
}

int PtraceTracer::start(char **Argv) {
  UniqueFd GateW;
  // Built here: the child only installs it.
  std::vector<sock_filter> Filter = bpfSeccompFilter(traceAllBpf());
  if (int Err = App.start(
          Argv, nullptr, &GateW,
          [&Filter] { return installSeccompFilter(Filter); },
          "install the seccomp filter"))
    return Err;
  pid_t Pid = App.pid();
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
    return Err;
  }
  Tracees[Pid] = Tracee();
  App.forwardSignals();
  char Go = 1;
  if (write(GateW.get(), &Go, 1) != 1)
    return -errno;
  return 0;
}

void PtraceTracer::resume(pid_t Tid, const Tracee &T, int Sig) {
  // A tracee inside bpf() must stop again at the syscall exit; one that
  // loaded a loader program, at every syscall until that program ran.
  ptrace(T.InBpf || T.AwaitLoaderRun ? PTRACE_SYSCALL : PTRACE_CONT, Tid,
         nullptr,
         reinterpret_cast<void *>(static_cast<long>(Sig)));
  // ESRCH: it died meanwhile; waitpid reports that.
}

void PtraceTracer::syscallInfoFailed(pid_t Tid) {
  if (errno == ESRCH || SyscallInfoReported)
    return; // died meanwhile: waitpid says so
  SyscallInfoReported = true;
  Sink.error("cannot decode the bpf() calls of %d: PTRACE_GET_SYSCALL_INFO: "
             "%s (Linux 5.3 or later needed)",
             Tid, std::strerror(errno));
}

bool PtraceTracer::getSyscallInfo(pid_t Tid, SyscallInfo &Info) {
  Info = SyscallInfo{};
  if (ptrace(PTRACE_GET_SYSCALL_INFO, Tid,
             reinterpret_cast<void *>(sizeof(Info)), &Info) > 0)
    return true;
  syscallInfoFailed(Tid);
  return false;
}

void PtraceTracer::onSeccompStop(pid_t Tid, Tracee &T) {
  T.InBpf = false;
  SyscallInfo Info;
  if (!getSyscallInfo(Tid, Info) || Info.Op != SyscallInfoSeccomp)
    return;
  // `int cmd`: the kernel (and the filter) only look at the low 32 bits.
  T.Cmd = static_cast<uint32_t>(Info.Seccomp.Args[0]);
  Sink.onBpfEntry(Tid, static_cast<uint32_t>(T.Cmd));
  // The results that matter: a new map's fd, a frozen (final) map; under -v
  // every result is printed.
  T.InBpf = T.Cmd == BPF_MAP_CREATE || T.Cmd == BPF_MAP_FREEZE || traceAllBpf();
  // A light skeleton's loader program: the filter does not stop
  // BPF_PROG_TEST_RUN (test harnesses make millions), so this thread alone
  // is stepped from syscall to syscall until it runs one.
  if (T.Cmd == BPF_PROG_LOAD &&
      loadsLoaderProgram(Tid, Info.Seccomp.Args[1], Info.Seccomp.Args[2]))
    T.AwaitLoaderRun = true;
}

void PtraceTracer::onSyscallStop(pid_t Tid, Tracee &T) {
  SyscallInfo Info;
  bool Known = getSyscallInfo(Tid, Info);
  // Not after a seccomp stop (Linux 4.8+), but should a syscall-entry stop
  // come first, the exit is still to come. A thread stepped for its loader
  // program's run: that run's exit is the one to report.
  if (Known && Info.Op == SyscallInfoEntry) {
    if (T.AwaitLoaderRun && Info.Entry.Nr == __NR_bpf &&
        static_cast<uint32_t>(Info.Entry.Args[0]) == BPFCOV_LOADER_RUN_CMD) {
      T.Cmd = BPFCOV_LOADER_RUN_CMD;
      T.InBpf = true;
      T.AwaitLoaderRun = false;
    }
    return;
  }
  bool Reported = T.InBpf;
  T.InBpf = false;
  if (!Known || Info.Op != SyscallInfoExit || !Reported)
    return;
  int64_t Ret = Info.Exit.RVal;
  bool Failed = Info.Exit.IsError || Ret < 0;
  Sink.onBpfResult(Tid, static_cast<uint32_t>(T.Cmd), Failed ? -1 : Ret,
                   Failed ? static_cast<int>(-Ret) : 0,
                   [&] { return openTraceeMap(Tid, static_cast<int>(Ret)); });
}

/// bpfcov's own fd of the map behind fd \p TraceeFd of tracee \p Tid.
UniqueFd PtraceTracer::openTraceeMap(pid_t Tid, int TraceeFd) {
  uint32_t Id = fdInfoNumber(Tid, static_cast<unsigned>(TraceeFd), "map_id");
  if (!Id) {
    pDebug(2, "[pid %d] no map_id in /proc/%d/fdinfo/%d", Tid, Tid, TraceeFd);
    return UniqueFd();
  }
  UniqueFd Fd(bpf_map_get_fd_by_id(Id));
  if (!Fd.valid())
    Sink.error("cannot open BPF map %u created by %d: %s", Id, Tid,
               std::strerror(errno));
  return Fd;
}

void PtraceTracer::serve() {
  for (;;) {
    if (int Sig = takePendingSignal()) {
      // APP is gone: pass the signal on to what is left of its tree.
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
        Sink.error("waitpid failed: %s", std::strerror(errno));
      return;
    }
    if (WIFEXITED(Status) || WIFSIGNALED(Status)) {
      Tracees.erase(Tid);
      if (Tid == App.pid())
        App.onExited(Status, Sink);
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

} // namespace bpfcov

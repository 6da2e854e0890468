//===-- PtraceTracer.h - bpfcov run's ptrace mode
//---------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// For static or setuid apps (--trace=ptrace): a seccomp filter stops APP's
// tree on the bpf() commands that matter only (BPFCOV_REPORTED_CMDS, every
// bpf() call under -v), decoded with PTRACE_GET_SYSCALL_INFO (no
// per-architecture register code). APP is PTRACE_SEIZEd, so job control
// keeps working, and is left running if bpfcov dies.
//
// USAGE: #include "PtraceTracer.h"
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_PTRACETRACER_H
#define BPFCOV_CLI_PTRACETRACER_H

#include "AppProcess.h"
#include "Tracer.h"

#include <linux/filter.h>

#include <map>
#include <vector>

namespace bpfcov {

/// The seccomp filter that makes bpf() (and only bpf()) of this build's
/// native ABI stop the task: with \p AllCmds every bpf() call (for -v),
/// else only BPFCOV_REPORTED_CMDS. Layout: [0..3] arch and nr checks,
/// [4] load cmd, [5..5+N) one check per command, then RET TRACE and RET
/// ALLOW.
std::vector<sock_filter> bpfSeccompFilter(bool AllCmds);

/// The AUDIT_ARCH_* value seccomp reports for this build's native syscalls.
uint32_t nativeAuditArch();

struct SyscallInfo;

/// Sees APP's bpf() calls by stopping it with seccomp and ptrace.
class PtraceTracer : public Tracer {
public:
  PtraceTracer(AppProcess &App, TraceSink &Sink) : App(App), Sink(Sink) {}

  int start(char **Argv) override;
  void serve() override;
  const char *how() const override { return "under ptrace"; }

private:
  /// Per-thread tracing state.
  struct Tracee {
    bool InBpf = false; ///< between the seccomp stop and the syscall exit
    /// loaded a light skeleton's loader program: stepped until it runs it
    bool AwaitLoaderRun = false;
    uint64_t Cmd = 0;   ///< bpf() command of the syscall in flight
  };

  void resume(pid_t Tid, const Tracee &T, int Sig);
  /// PTRACE_GET_SYSCALL_INFO of \p Tid; false (reported once) if it fails.
  bool getSyscallInfo(pid_t Tid, SyscallInfo &Info);
  void syscallInfoFailed(pid_t Tid);
  void onSeccompStop(pid_t Tid, Tracee &T);
  void onSyscallStop(pid_t Tid, Tracee &T);
  UniqueFd openTraceeMap(pid_t Tid, int TraceeFd);

  AppProcess &App;
  TraceSink &Sink;
  std::map<pid_t, Tracee> Tracees;
  bool SyscallInfoReported = false;
};

} // namespace bpfcov

#endif // BPFCOV_CLI_PTRACETRACER_H

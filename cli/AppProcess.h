//===-- AppProcess.h - The process bpfcov run starts
//-----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// APP, forked and exec'd by either trace mode: a CLOEXEC pipe tells bpfcov
// why the child failed before exec (APP not found: 127, not runnable: 126,
// as shells say), and SIGINT/SIGTERM sent to bpfcov are passed on to APP
// while it runs, and to what is left of its tree once it is gone.
//
// USAGE: #include "AppProcess.h"
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_APPPROCESS_H
#define BPFCOV_CLI_APPPROCESS_H

#include "Sys.h"
#include "Tracer.h"

#include <csignal>
#include <functional>
#include <string>
#include <sys/types.h>

namespace bpfcov {

/// The app's process: its start, its failure before exec and its status.
class AppProcess {
public:
  explicit AppProcess(std::string Path) : Path(std::move(Path)) {}

  /// Forks the child that execs \p Argv, with \p Envp (or bpfcov's
  /// environment). With \p Gate (ptrace mode) the child first waits for a
  /// byte on a pipe, whose write end \p Gate gets, until the tracer has
  /// seized it, and then runs \p BeforeExec (0 or -errno; it failing is
  /// reported as "cannot <BeforeExecWhat> for APP"). Without, the child
  /// only execs: vfork spares bpfcov fork's copy-on-write faults (~0.5 ms).
  /// Returns 0 or -errno.
  int start(char **Argv, char **Envp, UniqueFd *Gate = nullptr,
            const std::function<int()> &BeforeExec = nullptr,
            const char *BeforeExecWhat = nullptr);
  /// The app exited with wait status \p Status: its exit status, and why it
  /// never ran (an error on \p Sink), if so.
  void onExited(int Status, TraceSink &Sink);
  /// Signals sent to bpfcov go to the app from now on.
  void forwardSignals();

  pid_t pid() const { return Pid; }
  /// The app's exit status (shell convention: 128+N for signal N).
  int status() const { return Status; }
  /// It never ran: exec or the step before it failed.
  bool execFailed() const { return ExecFailed; }
  const std::string &path() const { return Path; }

private:
  std::string Path;
  const char *BeforeExecWhat = nullptr;
  pid_t Pid = -1;
  int Status = 0;
  UniqueFd FailurePipe; ///< read end; the child's failure, if any
  bool ExecFailed = false;
};

/// A signal (SIGINT, SIGTERM) that came after the app was gone, for what is
/// left of its tree; 0 if none. Taking it clears it.
int takePendingSignal();

/// While alive, SIGINT and SIGTERM sent to bpfcov are passed on to the app
/// (AppProcess::forwardSignals) or kept for takePendingSignal().
class SignalForwarding {
public:
  SignalForwarding();
  ~SignalForwarding();
  SignalForwarding(const SignalForwarding &) = delete;
  SignalForwarding &operator=(const SignalForwarding &) = delete;

private:
  struct sigaction OldInt, OldTerm;
};

} // namespace bpfcov

#endif // BPFCOV_CLI_APPPROCESS_H

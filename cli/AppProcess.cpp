//===-- AppProcess.cpp - The process bpfcov run starts
//---------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// fork/vfork + exec with a failure pipe, and the SIGINT/SIGTERM handler that
// passes signals on to APP.
//
//===----------------------------------------------------------------------===//
#include "AppProcess.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bpfcov {

namespace {

// The app's pid for the SIGINT/SIGTERM handler (0 once it was reaped), and a
// signal to pass on to the remaining processes once the app itself is gone.
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
  int Stage; ///< 0: the step before exec, 1: exec
  int Errno;
};

[[noreturn]] void childFail(int Pipe, int Stage) {
  ChildFailure F = {Stage, errno};
  ssize_t Ignored = write(Pipe, &F, sizeof(F));
  (void)Ignored;
  _exit(127);
}

} // namespace

int AppProcess::start(char **Argv, char **Envp, UniqueFd *Gate,
                      const std::function<int()> &BeforeExec,
                      const char *What) {
  BeforeExecWhat = What;
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
  pid_t Child = Gate ? fork() : vfork();
  if (Child < 0) {
    int Err = -errno;
    for (int Fd : {GatePipe[0], GatePipe[1], Failure[0], Failure[1]})
      if (Fd >= 0)
        close(Fd);
    return Err;
  }
  if (Child == 0) {
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
      if (BeforeExec) {
        if (int Err = BeforeExec()) {
          errno = -Err;
          childFail(Failure[1], 0);
        }
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
  Pid = Child;
  return 0;
}

void AppProcess::onExited(int WaitStatus, TraceSink &Sink) {
  AppPidForSignals = 0;
  Status = WIFEXITED(WaitStatus) ? WEXITSTATUS(WaitStatus)
                                 : 128 + WTERMSIG(WaitStatus);
  ChildFailure F;
  if (read(FailurePipe.get(), &F, sizeof(F)) == sizeof(F)) {
    ExecFailed = true;
    if (F.Stage == 0) {
      Sink.error("cannot %s for '%s': %s",
                 BeforeExecWhat ? BeforeExecWhat : "prepare the start",
                 Path.c_str(), std::strerror(F.Errno));
      Status = 1;
    } else {
      Sink.error("cannot run '%s': %s", Path.c_str(), std::strerror(F.Errno));
      // Shells: 127 when not found, 126 when found but not runnable.
      Status = F.Errno == ENOENT ? 127 : 126;
    }
  }
  FailurePipe.reset();
}

void AppProcess::forwardSignals() { AppPidForSignals = Pid; }

int takePendingSignal() {
  int Sig = PendingSignal;
  PendingSignal = 0;
  return Sig;
}

SignalForwarding::SignalForwarding() {
  struct sigaction Sa;
  std::memset(&Sa, 0, sizeof(Sa));
  Sa.sa_sigaction = forwardSignal;
  Sa.sa_flags = SA_SIGINFO; // no SA_RESTART: waitpid returns EINTR
  sigemptyset(&Sa.sa_mask);
  sigaction(SIGINT, &Sa, &OldInt);
  sigaction(SIGTERM, &Sa, &OldTerm);
}

SignalForwarding::~SignalForwarding() {
  sigaction(SIGINT, &OldInt, nullptr);
  sigaction(SIGTERM, &OldTerm, nullptr);
}

} // namespace bpfcov

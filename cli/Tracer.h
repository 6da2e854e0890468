//===-- Tracer.h - What run's two trace modes share
//-------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// `bpfcov run` sees the bpf() calls of APP's process tree in one of two
// modes (TraceMode): PreloadServer (PreloadServer.h) takes the reports of
// libbpfcov-preload.so, PtraceTracer (PtraceTracer.h) stops APP with a
// seccomp filter. Both are a Tracer and feed one TraceSink, whose
// onBpfResult() is the single path from a bpf() call to pinned maps
// (MapCollector.h). A new trace mode is a new Tracer feeding the same sink.
//
// USAGE: #include "Tracer.h"
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_TRACER_H
#define BPFCOV_CLI_TRACER_H

#include "Sys.h"

#include <cstdint>
#include <functional>
#include <string>
#include <sys/types.h>

namespace bpfcov {

/// How run sees APP's bpf() calls.
enum class TraceMode { Auto, Preload, Ptrace };

/// What both trace modes feed: the bpf() calls of APP's tree, and errors.
class TraceSink {
public:
  virtual ~TraceSink() = default;

  /// A bpf() call \p Cmd of thread \p Tid is about to run (ptrace mode
  /// sees the entry of the calls it stops on; preload mode sees results
  /// only).
  virtual void onBpfEntry(pid_t Tid, uint32_t Cmd) = 0;
  /// One bpf() call of the tree, after it returned (-1 and \p Err when it
  /// failed), whichever mode saw it. \p OpenMap gives bpfcov its own fd of
  /// the map that a successful BPF_MAP_CREATE made.
  virtual void onBpfResult(pid_t Tid, uint32_t Cmd, int64_t Ret, int Err,
                           const std::function<UniqueFd()> &OpenMap) = 0;

  /// Records an error of the run: printed now in plain text; under --json
  /// the first one is the value printed at the end.
  void error(const char *Fmt, ...) __attribute__((format(printf, 2, 3)));
  unsigned errors() const { return NumErrors; }
  const std::string &firstError() const { return FirstError; }

private:
  unsigned NumErrors = 0;
  std::string FirstError;
};

/// One trace mode: starts APP and serves its tree until it is gone.
class Tracer {
public:
  virtual ~Tracer() = default;
  /// Starts APP (\p Argv, for execvp) under this mode. Returns 0 or -errno.
  virtual int start(char **Argv) = 0;
  /// Feeds the sink until every process of APP's tree is gone.
  virtual void serve() = 0;
  /// "under ptrace", for the message when start() fails.
  virtual const char *how() const = 0;
};

/// -v prints every bpf() call of the tree, so every one must be seen.
bool traceAllBpf();

/// "BPF_MAP_CREATE" for 0, and so on; nullptr for a command it does not
/// know.
const char *bpfCmdName(uint64_t Cmd);

} // namespace bpfcov

#endif // BPFCOV_CLI_TRACER_H

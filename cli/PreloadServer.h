//===-- PreloadServer.h - bpfcov run's preload mode
//------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// For dynamically linked apps (the default): APP runs with
// libbpfcov-preload.so in LD_PRELOAD, which reports the bpf() calls that
// matter on a unix socket (PreloadProtocol.h), a new map's fd with each map
// creation; other syscalls cost nothing. The socket lives in a directory
// only bpfcov's user can enter, and only processes of APP's tree (bpfcov is
// their subreaper) are heard.
//
// USAGE: #include "PreloadServer.h"
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_PRELOADSERVER_H
#define BPFCOV_CLI_PRELOADSERVER_H

#include "AppProcess.h"
#include "Tracer.h"

#include <string>
#include <vector>

namespace bpfcov {

/// APP's environment: \p Environ with \p Library first in LD_PRELOAD, the
/// protocol's variables set (\p SocketPath, \p Uid, \p All: every bpf()
/// call) and any inherited ones replaced.
std::vector<std::string> preloadEnvironment(char **Environ,
                                            const std::string &Library,
                                            const std::string &SocketPath,
                                            unsigned Uid, bool All);

/// Takes the reports of the preload library until APP's tree is gone.
class PreloadServer : public Tracer {
public:
  PreloadServer(AppProcess &App, TraceSink &Sink, std::string Library)
      : App(App), Sink(Sink), Library(std::move(Library)) {}
  ~PreloadServer() override;

  int start(char **Argv) override;
  void serve() override;
  const char *how() const override { return "with the preload library"; }

  /// bpf() calls the preload library reported.
  unsigned reports() const { return NumReports; }

private:
  int listenForReports();
  bool reapChildren();
  void acceptClients();
  bool serveClient(int Fd);

  AppProcess &App;
  TraceSink &Sink;
  std::string Library;
  std::string SocketDir, SocketPath;
  UniqueFd Listener;             ///< bpfcov's socket
  std::vector<UniqueFd> Clients; ///< one per reporting process or call
  bool AcceptBlocked = false;    ///< out of fds: accept once one closes
  unsigned NumReports = 0;
};

} // namespace bpfcov

#endif // BPFCOV_CLI_PRELOADSERVER_H

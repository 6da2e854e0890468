//===-- run.cpp - bpfcov run: pin the coverage maps an app creates --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Runs APP and pins the coverage maps of the instrumented BPF objects its
// process tree loads, under <bpffs>/cov/<app>/<object>/. This file is the
// entry: options, the app's locked pin directory and earlier pins, then one
// Tracer (TraceChoice.h picks PreloadServer or PtraceTracer) feeding one
// MapCollector, and the result (plain text or one JSON value).
//
// USAGE: sudo bpfcov run [--trace=auto|preload|ptrace] ./app [ARGS...]
//===----------------------------------------------------------------------===//
#include "AppProcess.h"
#include "Args.h"
#include "Commands.h"
#include "Diag.h"
#include "Json.h"
#include "MapCollector.h"
#include "Pins.h"
#include "PreloadServer.h"
#include "PtraceTracer.h"
#include "TraceChoice.h"
#include "Tracer.h"

#include <argp.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

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

constexpr int TraceKey = 0x101; // long options only

const argp_option RunOptions[] = {
    {"force", 'f', nullptr, 0,
     "Replace the pins of an earlier run of APP instead of refusing", 0},
    {"trace", TraceKey, "MODE", 0,
     "How to see APP's bpf() calls: auto (default), preload or ptrace", 0},
    ARGS_HELP_OPTIONS("Show this help", "Show a short usage message"),
    {nullptr, 0, nullptr, 0, nullptr, 0},
};

struct RunArgs {
  bool Force = false;
  TraceMode Trace = TraceMode::Auto;
  int AppIndex = -1; ///< index of APP in argv; the rest are its ARGS
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
      return argsError(
          State, "unknown trace mode '%s': use auto, preload or ptrace", Arg);
    }
    break;
  case ARGP_KEY_ARG:
    // APP: stop parsing here, everything after it is APP's.
    A->AppIndex = State->next - 1;
    State->next = State->argc;
    break;
  case ARGP_KEY_END:
    if (A->AppIndex < 0)
      return argsError(State, "missing APP: usage: %s " RUN_USAGE,
                       Globals.Program.c_str());
    break;
  default:
    return ARGP_ERR_UNKNOWN;
  }
  return 0;
}

const argp RunArgp = {RunOptions, parseRun, HELP_SPEC_APP, RunDoc,
                      nullptr,    nullptr,  nullptr};

/// Starts APP (\p Argv) in the mode \p Trace chose and serves its tree
/// until every process of it is gone, feeding \p Maps. Returns APP's exit
/// status (shell convention); \p Reports: the bpf() calls the preload
/// library reported.
int runApp(char **Argv, const TraceChoice &Trace, AppProcess &App,
           MapCollector &Maps, unsigned &Reports) {
  std::unique_ptr<Tracer> T;
  PreloadServer *Preload = nullptr;
  if (Trace.Mode == TraceMode::Preload)
    T.reset(Preload = new PreloadServer(App, Maps, Trace.Library));
  else
    T = std::make_unique<PtraceTracer>(App, Maps);
  if (int Err = T->start(Argv)) {
    Maps.error("cannot start '%s' %s: %s", App.path().c_str(), T->how(),
               std::strerror(-Err));
    return 1;
  }
  {
    SignalForwarding Forward;
    T->serve();
  }
  Reports = Preload ? Preload->reports() : 0;
  // Maps the app filled in through mmap or late: one last look.
  Maps.pinCompleteGroups();
  return App.status();
}

void printJson(const std::string &App, int ExitStatus,
               const std::vector<PinnedObject> &Pins) {
  JsonWriter W(Globals.Pretty);
  W.beginObject();
  W.member("app", App);
  W.key("exit_status");
  W.integer(ExitStatus);
  W.key("pins");
  W.beginArray();
  for (const PinnedObject &P : Pins) {
    W.beginObject();
    W.member("object", P.Object);
    W.member("dir", P.Dir);
    W.endObject();
  }
  W.endArray();
  W.endObject();
  std::printf("%s\n", W.str().c_str());
}

} // namespace

int bpfcov::doRun(int Argc, char **Argv) {
  RunArgs A;
  // APP and its ARGS are APP's: parsing stops at APP.
  if (int Exit = parseSubcommand({&RunArgp, ARGP_IN_ORDER, /*OwnHelp=*/true},
                                 Argc, Argv, &A);
      Exit != ArgsOk)
    return Exit;

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

  AppProcess Proc(AppPath);
  MapCollector Maps(Pins);
  unsigned Reports = 0;
  int Status = runApp(Argv + A.AppIndex, Trace, Proc, Maps, Reports);
  Maps.reportIncomplete();
  // Nothing pinned: the directory this run made goes (it is empty unless
  // someone else wrote there, and then it stays).
  if (Maps.pins().empty())
    unlinkat(Pins.Root.get(), App.c_str(), AT_REMOVEDIR);
  // Plain text: errors were printed as they happened. JSON: one value, the
  // first error or the result.
  if (Proc.execFailed()) {
    if (Globals.Json)
      pErr("%s", Maps.firstError().c_str());
    return Status;
  }
  if (Maps.pins().empty() && !Maps.errors()) {
    if (Trace.Mode == TraceMode::Preload && Reports == 0)
      pDebug(1, "the preload library reported no bpf() call: a statically "
                "linked program that APP starts is only seen with "
                "--trace=ptrace");
    if (Status)
      pErr("'%s' ended with status %d before it loaded an instrumented BPF "
           "object: nothing was pinned",
           AppPath.c_str(), Status);
    else if (Maps.progLoads())
      // "Not instrumented" only when the objects were seen loading.
      pErr("'%s' loaded BPF programs (%u bpf(BPF_PROG_LOAD) call%s) but no "
           "object with coverage maps: build its objects with bpfcov-cc or "
           "bpfcov_add_bpf_object",
           AppPath.c_str(), Maps.progLoads(),
           Maps.progLoads() == 1 ? "" : "s");
    else
      pErr("bpfcov saw no BPF program loaded by '%s': nothing was pinned; a "
           "statically linked program it starts is seen only with "
           "--trace=ptrace, programs that other processes load only with "
           "'bpfcov gen --loaded'",
           AppPath.c_str());
    return Status ? Status : 1;
  }
  if (Maps.errors()) {
    if (Globals.Json)
      pErr("%s", Maps.firstError().c_str());
    return Status ? Status : 1;
  }
  if (Globals.Json)
    printJson(App, Status, Maps.pins());
  else
    pInfo("run 'bpfcov gen %s' to write the profile", AppPath.c_str());
  return Status;
}

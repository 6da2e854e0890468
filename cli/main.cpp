//===-- main.cpp - bpfcov: coverage for eBPF programs ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The command driver (bpftool's main.c, llvm-cov's llvm-cov.cpp): parses the
// global options with argp, then hands argv from the subcommand on to the
// subcommand's own parser through a {name, handler} table.
//
// USAGE:
//   sudo bpfcov run ./app [ARGS...]
//   sudo bpfcov gen --unpin ./app
//   bpfcov out -f html -o report ./app.profraw
//===----------------------------------------------------------------------===//
#include "Args.h"
#include "Commands.h"
#include "Diag.h"

#include <argp.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace bpfcov;

namespace {

struct Cmd {
  const char *Name;
  int (*Handler)(int, char **);
};

int doHelp(int, char **);

const Cmd Cmds[] = {
    {"run", doRun},
    {"gen", doGen},
    {"out", doOut},
    {"verify", doVerify},
    {"help", doHelp},
    {nullptr, nullptr},
};

const char RootDoc[] =
    "bpfcov -- source-based code coverage for eBPF programs\v"
    "Commands:\n"
    "  run     run APP, pinning the coverage maps of every instrumented BPF\n"
    "          object it loads under <bpffs>/cov/<app>/<object>/\n"
    "  gen     write the pinned maps of APP as a .profraw for llvm-profdata\n"
    "  out     turn .profraw files into HTML, JSON or LCOV reports\n"
    "  verify  load each program of instrumented objects and of their plain\n"
    "          twins: accepted or why not, verifier work, and the ratio\n"
    "  help    show this help\n"
    "\n"
    "Run 'bpfcov COMMAND --help' for the options of each command.";

const argp_option RootOptions[] = {
    {"verbose", 'v', "LEVEL", OPTION_ARG_OPTIONAL,
     "Print debug output (LEVEL 1..3, default 1)", 0},
    {"json", 'j', nullptr, 0, "Print one JSON value on stdout", 0},
    {"pretty", 'p', nullptr, 0, "With --json: indent it (implies -j)", 0},
    {"bpffs", 'B', "PATH", 0, "Where bpffs is mounted (default /sys/fs/bpf)", 0},
    {nullptr, 0, nullptr, 0, nullptr, 0},
};

struct RootState {
  int CmdIndex = -1;
};

/// "run, gen, out, verify, help": the command table, for messages.
std::string commandList() {
  std::string S;
  for (const Cmd *C = Cmds; C->Name; ++C)
    S += std::string(S.empty() ? "" : ", ") + C->Name;
  return S;
}

error_t parseRoot(int Key, char *Arg, argp_state *State) {
  auto *S = static_cast<RootState *>(State->input);
  switch (Key) {
  case 'v':
    Globals.Verbose = Arg ? std::atoi(Arg) : 1;
    if (Arg && (Globals.Verbose < 1 || Globals.Verbose > 3))
      argp_error(State, "verbosity level '%s' is not 1, 2 or 3", Arg);
    break;
  case 'j':
    Globals.Json = true;
    break;
  case 'p':
    Globals.Json = Globals.Pretty = true;
    break;
  case 'B':
    Globals.Bpffs = Arg;
    break;
  case ARGP_KEY_ARG:
    // The first operand is the command: stop here, it parses the rest.
    S->CmdIndex = State->next - 1;
    State->next = State->argc;
    break;
  case ARGP_KEY_END:
    if (S->CmdIndex < 0)
      argp_error(State, "missing COMMAND: one of %s", commandList().c_str());
    break;
  default:
    return ARGP_ERR_UNKNOWN;
  }
  return 0;
}

const argp RootArgp = {RootOptions, parseRoot,
                       "COMMAND [ARGS...]", RootDoc, nullptr, nullptr, nullptr};

int doHelp(int, char **) {
  if (printNullHelp())
    return 0;
  argp_help(&RootArgp, stdout, ARGP_HELP_STD_HELP, const_cast<char *>("bpfcov"));
  return 0;
}

} // namespace

int main(int Argc, char **Argv) {
  RootState S;
  // argp exits 64 on usage errors; bpfcov's convention is 1.
  argp_err_exit_status = 1;
  if (argp_parse(&RootArgp, Argc, Argv, ARGP_IN_ORDER, nullptr, &S) != 0)
    return 1;
  const char *Name = Argv[S.CmdIndex];
  for (const Cmd *C = Cmds; C->Name; ++C) {
    if (std::strcmp(C->Name, Name) != 0)
      continue;
    // Sub-parsers print "bpfcov run" in their usage (llvm-cov's trick).
    std::string Prog = std::string("bpfcov ") + C->Name;
    Globals.Program = Prog;
    char **SubArgv = Argv + S.CmdIndex;
    SubArgv[0] = Prog.data();
    return C->Handler(Argc - S.CmdIndex, SubArgv);
  }
  pErr("unknown command '%s': use one of %s", Name, commandList().c_str());
  if (!Globals.Json)
    argp_help(&RootArgp, stderr, ARGP_HELP_STD_USAGE, const_cast<char *>("bpfcov"));
  return 1;
}

//===-- Args.cpp - One way to parse a subcommand --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See Args.h. argp gives a parser no context of its own, so the command
// being parsed is held here for the one parse a process does.
//===----------------------------------------------------------------------===//
#include "Args.h"

#include "Diag.h"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <string>

namespace bpfcov {

namespace {

enum class HelpRequest { None, Help, Usage };

/// The parse in progress.
struct ArgsState {
  const Subcommand *Cmd = nullptr;
  HelpRequest Help = HelpRequest::None;
  bool Reported = false; ///< an error was printed
};
ArgsState Current;

/// Under -j, argp's own help is off (it would print text): these stand in
/// for -?, --help and --usage and only ask for `null`.
const argp_option JsonHelpOptions[] = {
    {"help", '?', nullptr, 0, nullptr, -1},
    {"usage", ArgKeyUsage, nullptr, 0, nullptr, -1},
    {nullptr, 0, nullptr, 0, nullptr, 0},
};

error_t requestHelp(argp_state *State, HelpRequest H) {
  Current.Help = H;
  // Help wins over everything else on the line, like argp's own --help.
  State->next = State->argc;
  return 0;
}

error_t parseJsonHelp(int Key, char *, argp_state *State) {
  if (Key == '?' || Key == ArgKeyUsage)
    return requestHelp(State,
                       Key == '?' ? HelpRequest::Help : HelpRequest::Usage);
  return ARGP_ERR_UNKNOWN;
}

const argp JsonHelpArgp = {JsonHelpOptions, parseJsonHelp, nullptr, nullptr,
                           nullptr,         nullptr,       nullptr};
const argp_child JsonHelpChildren[] = {{&JsonHelpArgp, 0, nullptr, 0},
                                       {nullptr, 0, nullptr, 0}};

/// Takes the help keys, then hands every other key to the command.
error_t parseTrampoline(int Key, char *Arg, argp_state *State) {
  const Subcommand &Cmd = *Current.Cmd;
  if (Cmd.OwnHelp && (Key == ArgKeyHelp || Key == ArgKeyUsage))
    return requestHelp(State, Key == ArgKeyHelp ? HelpRequest::Help
                                                : HelpRequest::Usage);
  // Help asked: the command's end-of-line checks (a missing operand) do not
  // apply.
  if (Current.Help != HelpRequest::None &&
      (Key == ARGP_KEY_END || Key == ARGP_KEY_NO_ARGS))
    return 0;
  return Cmd.Argp->parser(Key, Arg, State);
}

int printHelp(const Subcommand &Cmd, HelpRequest H) {
  if (printNullHelp())
    return 0;
  char *Prog = const_cast<char *>(Globals.Program.c_str());
  if (!Cmd.Grammar) {
    argp_help(Cmd.Argp, stdout,
              H == HelpRequest::Usage ? ARGP_HELP_USAGE : ARGP_HELP_STD_HELP,
              Prog);
    return 0;
  }
  std::printf(Cmd.Grammar, Prog);
  if (H == HelpRequest::Help) {
    std::printf("\n");
    std::fflush(stdout);
    argp_help(Cmd.Argp, stdout,
              ARGP_HELP_PRE_DOC | ARGP_HELP_LONG | ARGP_HELP_POST_DOC, Prog);
  }
  return 0;
}

} // namespace

bool printNullHelp() {
  if (!Globals.Json)
    return false;
  std::printf("null\n");
  return true;
}

int parseSubcommand(const Subcommand &Cmd, int Argc, char **Argv, void *Input) {
  Current = ArgsState();
  Current.Cmd = &Cmd;
  argp A = *Cmd.Argp;
  A.parser = parseTrampoline;
  unsigned Flags = Cmd.Flags;
  if (Cmd.OwnHelp)
    Flags |= ARGP_NO_HELP;
  // Under -j nothing but the one JSON value is printed: argp stays silent
  // (no message, no exit) and the help options ask for `null`.
  if (Globals.Json) {
    Flags |= ARGP_NO_ERRS | ARGP_NO_HELP;
    if (!Cmd.OwnHelp)
      A.children = JsonHelpChildren;
  }
  error_t Err = argp_parse(&A, Argc, Argv, Flags, nullptr, Input);
  if (Current.Help != HelpRequest::None)
    return printHelp(Cmd, Current.Help);
  if (Err != 0) {
    if (!Current.Reported && Globals.Json)
      pErr("invalid arguments: see '%s --help'", Globals.Program.c_str());
    return 1;
  }
  return ArgsOk;
}

int argsError(argp_state *, const char *Fmt, ...) {
  va_list Ap;
  va_start(Ap, Fmt);
  std::string Msg = vstrFormat(Fmt, Ap);
  va_end(Ap);
  pErr("%s", Msg.c_str());
  Current.Reported = true;
  return EINVAL;
}

int argsUsageError(argp_state *State, const char *Fmt, ...) {
  va_list Ap;
  va_start(Ap, Fmt);
  std::string Msg = vstrFormat(Fmt, Ap);
  va_end(Ap);
  if (!Globals.Json)
    argp_error(State, "%s", Msg.c_str()); // exits 1
  pErr("%s", Msg.c_str());
  Current.Reported = true;
  return EINVAL;
}

} // namespace bpfcov

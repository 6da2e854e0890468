//===-- Args.h - One way to parse a subcommand ------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Every subcommand parses its argv with argp through parseSubcommand(),
// which gives them all the same behaviour:
//   --help, --usage (and -h or -? as the command lists them) win over
//     everything else on the line and print the help, or the JSON value
//     `null` under -j (bpftool's convention);
//   a bad argument is one error: argp's own message and hint in plain
//     mode, one {"error": ...} under -j (nothing on stderr);
//   the exit status is 0 after help, 1 after an error.
// A command's argp parser reports its own errors with argsError() (an
// `Error: ...` line) or argsUsageError() (argp's `bpfcov gen: ...` line and
// its "Try" hint).
//
// USAGE:
//   const Subcommand Gen = {&GenArgp};
//   if (int Exit = parseSubcommand(Gen, Argc, Argv, &Opts); Exit != ArgsOk)
//     return Exit;
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_ARGS_H
#define BPFCOV_CLI_ARGS_H

#include <argp.h>

namespace bpfcov {

/// Keys of the help options of commands that list their own (OwnHelp).
enum : int { ArgKeyHelp = 'h', ArgKeyUsage = 0x1ff };

/// The help options of a command with OwnHelp, in the last option group.
// clang-format off
#define ARGS_HELP_OPTIONS(HelpText, UsageText)                                 \
  {"help", ::bpfcov::ArgKeyHelp, nullptr, 0, HelpText, -1},                    \
  {"usage", ::bpfcov::ArgKeyUsage, nullptr, 0, UsageText, -1}
// clang-format on

/// How one subcommand parses.
struct Subcommand {
  const argp *Argp;
  /// argp flags besides ARGP_NO_HELP / ARGP_NO_ERRS (e.g. ARGP_IN_ORDER).
  unsigned Flags = 0;
  /// The argp lists -h/--help and --usage itself (ARGS_HELP_OPTIONS);
  /// otherwise argp's own -?/--help/--usage are used.
  bool OwnHelp = false;
  /// With OwnHelp: the usage written as a grammar (printf format, %s is
  /// the program), printed by --usage and above --help's option list.
  /// Null: argp's generated usage line.
  const char *Grammar = nullptr;
};

/// Under -j, a help request prints the JSON value `null` (bpftool's
/// convention): returns true after printing it, false in plain mode.
bool printNullHelp();

/// parseSubcommand()'s "go on": the command runs.
inline constexpr int ArgsOk = -1;

/// Parses \p Argv into \p Input (the command's argp input). Returns ArgsOk
/// when the command should run, else its exit status (help printed: 0;
/// error reported: 1).
int parseSubcommand(const Subcommand &Cmd, int Argc, char **Argv, void *Input);

/// From a command's argp parser: prints `Error: <msg>` (or the JSON error)
/// and returns the error for the parser to return.
int argsError(argp_state *State, const char *Fmt, ...)
    __attribute__((format(printf, 2, 3)));
/// From a command's argp parser: argp_error() in plain mode (`<program>:
/// <msg>` and the "Try" hint, exit 1), the JSON error under -j.
int argsUsageError(argp_state *State, const char *Fmt, ...)
    __attribute__((format(printf, 2, 3)));

} // namespace bpfcov

#endif // BPFCOV_CLI_ARGS_H

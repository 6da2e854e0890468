//===-- Commands.h - The subcommands' entry points -------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Each subcommand lives in its own file (run.cpp, gen.cpp, out.cpp,
// verify.cpp) and exports only its do<Cmd>() function, which main.cpp's
// command table dispatches to.
//
// USAGE: #include "Commands.h"
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_COMMANDS_H
#define BPFCOV_CLI_COMMANDS_H

namespace bpfcov {

/// Placeholders shared by several usage texts (bpftool's HELP_SPEC_*).
#define HELP_SPEC_GLOBAL "[-v[LEVEL]] [-j [-p]] [--bpffs=PATH]"
#define HELP_SPEC_APP "APP [ARGS...]"

/// Subcommand entry points: argv[0] is "bpfcov <cmd>"; they return the exit
/// status of the process (0 on success).
int doRun(int Argc, char **Argv);
int doGen(int Argc, char **Argv);
int doOut(int Argc, char **Argv);
int doVerify(int Argc, char **Argv);

} // namespace bpfcov

#endif // BPFCOV_CLI_COMMANDS_H

//===-- main.h - Shared by the bpfcov subcommands --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Global options, diagnostics (bpftool's p_err/p_info) and the subcommand
// entry points. Each subcommand lives in its own file (run.cpp, gen.cpp,
// out.cpp) and exports only its do<Cmd>() function.
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_MAIN_H
#define BPFCOV_CLI_MAIN_H

#include <string>

namespace bpfcov {

/// Options given before the subcommand, shared by all of them.
struct GlobalOptions {
  int Verbose = 0;              ///< -v[LEVEL]
  bool Json = false;            ///< -j/--json: one JSON value per command
  bool Pretty = false;          ///< -p/--pretty: indented JSON
  std::string Bpffs;            ///< --bpffs=PATH (default /sys/fs/bpf)
  std::string Program = "bpfcov";
};
extern GlobalOptions Globals;

/// Placeholders shared by several usage texts (bpftool's HELP_SPEC_*).
#define HELP_SPEC_GLOBAL "[-v[LEVEL]] [-j [-p]] [--bpffs=PATH]"
#define HELP_SPEC_APP "APP [ARGS...]"

/// `Error: <msg>` on stderr, or {"error": "<msg>"} on stdout under --json.
/// Messages are lower-case, have no final period, quote user values.
void pErr(const char *Fmt, ...) __attribute__((format(printf, 1, 2)));
/// Informational line on stderr; silent under --json.
void pInfo(const char *Fmt, ...) __attribute__((format(printf, 1, 2)));
/// Debug line on stderr when -v LEVEL >= \p Level; silent under --json.
void pDebug(int Level, const char *Fmt, ...)
    __attribute__((format(printf, 2, 3)));

/// \p S with control characters escaped for a terminal (pErr and friends
/// apply it to every message).
std::string escapeControls(const std::string &S);

/// Quotes and escapes \p S as a JSON string.
std::string jsonString(const std::string &S);

/// The bpffs mount point to use (--bpffs or /sys/fs/bpf).
std::string bpffsRoot();

/// Subcommand entry points: argv[0] is "bpfcov <cmd>"; they return the exit
/// status of the process (0 on success).
int doRun(int Argc, char **Argv);
int doGen(int Argc, char **Argv);
int doOut(int Argc, char **Argv);
int doVerify(int Argc, char **Argv);

} // namespace bpfcov

#endif // BPFCOV_CLI_MAIN_H

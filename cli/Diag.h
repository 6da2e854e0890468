//===-- Diag.h - Global options and diagnostics ----------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The options given before the subcommand, and the one way every room of
// the CLI reports: bpftool's p_err/p_info. Messages are lower-case, have no
// final period, quote user values, and say how to fix what is wrong.
//
// USAGE: #include "Diag.h"
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_DIAG_H
#define BPFCOV_CLI_DIAG_H

#include <cstdarg>
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

/// When set, pErr stores its message here (replacing what it held) and
/// prints nothing: libbpfcov turns the rooms' errors into its error string.
extern thread_local std::string *ErrorCapture;

/// `Error: <msg>` on stderr, or {"error": "<msg>"} on stdout under --json.
void pErr(const char *Fmt, ...) __attribute__((format(printf, 1, 2)));
/// Informational line on stderr; silent under --json.
void pInfo(const char *Fmt, ...) __attribute__((format(printf, 1, 2)));
/// `Warning: <msg>` on stderr; silent under --json.
void pWarn(const char *Fmt, ...) __attribute__((format(printf, 1, 2)));
/// Debug line on stderr when -v LEVEL >= \p Level; silent under --json.
void pDebug(int Level, const char *Fmt, ...)
    __attribute__((format(printf, 2, 3)));

/// printf into a std::string (any length): the one formatter of messages.
std::string strFormat(const char *Fmt, ...)
    __attribute__((format(printf, 1, 2)));
std::string vstrFormat(const char *Fmt, va_list Ap);

/// \p S with control characters escaped for a terminal (pErr and friends
/// apply it to every message).
std::string escapeControls(const std::string &S);

} // namespace bpfcov

#endif // BPFCOV_CLI_DIAG_H

//===-- Sys.h - Plain system plumbing ---------------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// What every room needs from the system and no room owns: an owned file
// descriptor, whole-file reads and writes, path strings, the PATH search
// and the executable check, and running a tool with its output captured.
// Nothing here prints: errors come back as a negative errno. File-system
// work that must be safe for root (links, ownership, atomic replace) is
// SafeFs's, built on these.
//
// USAGE: #include "Sys.h"
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_SYS_H
#define BPFCOV_CLI_SYS_H

#include <string>
#include <vector>

namespace bpfcov {

/// An owned file descriptor, closed on destruction.
class UniqueFd {
public:
  UniqueFd() = default;
  explicit UniqueFd(int Fd) : Fd(Fd) {}
  UniqueFd(UniqueFd &&O) noexcept : Fd(O.release()) {}
  UniqueFd &operator=(UniqueFd &&O) noexcept {
    reset(O.release());
    return *this;
  }
  UniqueFd(const UniqueFd &) = delete;
  UniqueFd &operator=(const UniqueFd &) = delete;
  ~UniqueFd() { reset(); }
  int get() const { return Fd; }
  bool valid() const { return Fd >= 0; }
  int release() {
    int R = Fd;
    Fd = -1;
    return R;
  }
  void reset(int New = -1);

private:
  int Fd = -1;
};

//===-- Files -------------------------------------------------------------===//

/// Reads the whole file \p Path (a directory is -EISDIR). Returns 0 or
/// -errno.
int readFile(const std::string &Path, std::string &Out);
/// Writes all of \p Bytes to \p Fd (retrying short writes and EINTR).
/// Returns 0 or -errno.
int writeAll(int Fd, const std::string &Bytes);
/// True if \p Path exists (links followed).
bool pathExists(const std::string &Path);
/// True if \p Path is a directory with no entries but "." and "..".
bool isEmptyDir(const std::string &Path);

//===-- Path strings ------------------------------------------------------===//

/// `Dir/Name`; \p Name alone when \p Dir is "" (so "" is "here, unnamed"),
/// and "./Name" for ".": a relative name keeps its "./" so it is never
/// mistaken for a PATH search or an option.
std::string joinPath(const std::string &Dir, const std::string &Name);
/// `dir/x` -> `dir`, `x` -> `.`, `/x` -> `/`.
std::string dirName(const std::string &Path);
/// `dir/x` -> `x`.
std::string baseName(const std::string &Path);
/// \p Name in the directory of \p Path: `dir/a` -> `dir/Name`, `a` -> `Name`.
std::string siblingPath(const std::string &Path, const std::string &Name);
/// \p S without the suffix \p Ext; \p S itself when it does not end so (or
/// is nothing else).
std::string stripSuffix(const std::string &S, const std::string &Ext);
/// Length of the directory prefix (with its '/') that all \p Paths share:
/// {"/s/a.c", "/s/b/c.h"} -> 3 ("/s/"); 0 when none (or no paths).
size_t commonDirPrefix(const std::vector<std::string> &Paths);

//===-- Programs ----------------------------------------------------------===//

/// True if \p Path is a regular file this process may execute.
bool isExecutableFile(const std::string &Path);
/// The directories of a $PATH value, in order; an empty entry is ".".
std::vector<std::string> splitSearchPath(const std::string &PathEnv);
/// The file execvp() runs for \p Cmd: \p Cmd itself when it has a '/',
/// else the first executable regular file of that name in \p PathEnv;
/// "" when there is none.
std::string findProgram(const std::string &Cmd, const std::string &PathEnv);
/// $PATH, or glibc's default ("/bin:/usr/bin") when it is unset.
std::string searchPathEnv();

/// How a tool ended and what it said.
struct ToolResult {
  int Status = -1;    ///< exit code, or 128 + signal
  std::string Stdout; ///< captured when no StdoutPath was given
  std::string Stderr; ///< always captured
};

/// Runs Argv[0] (a path; no PATH search) with stdin from /dev/null, stdout
/// into \p StdoutPath (created or truncated) or captured when it is empty,
/// stderr captured. Returns 0 when the tool ran (whatever its status), or a
/// negative errno when it could not be started.
int runTool(const std::vector<std::string> &Argv, const std::string &StdoutPath,
            ToolResult &R);

/// `a b 'c d'`: an argv as a shell would need it, for messages.
std::string shellJoin(const std::vector<std::string> &Argv);

/// The number after "\p Key:" in /proc/\p Pid/fdinfo/\p Fd (map_id,
/// prog_type...), or 0 when the fd or the line is missing.
unsigned fdInfoNumber(int Pid, unsigned Fd, const char *Key);

} // namespace bpfcov

#endif // BPFCOV_CLI_SYS_H

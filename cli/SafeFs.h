//===-- SafeFs.h - File-system work that is safe for root -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// bpfcov runs as root in directories other users may write to (a bpffs
// mounted 1777, /tmp, the user's report directory). Everything here keeps to
// two rules: never follow a link bpfcov did not make, and never replace or
// delete a file bpfcov did not write. Directories are walked with openat()
// and O_NOFOLLOW, and checked (owner, mode, device) before bpfcov trusts
// them; outputs are replaced atomically when they are regular files, written
// through when they are devices or FIFOs, and refused otherwise.
//
// USAGE: #include "SafeFs.h"
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_SAFEFS_H
#define BPFCOV_CLI_SAFEFS_H

#include "Sys.h"

#include <string>
#include <sys/types.h>
#include <vector>

namespace bpfcov {

/// "/proc/self/fd/<DirFd>/<Name>": a path that reaches \p Name inside the
/// directory bpfcov holds open, whatever happened to the path it was opened
/// by, for the calls that only take paths (BPF_OBJ_PIN, BPF_OBJ_GET).
std::string fdPath(int DirFd, const std::string &Name);

/// Opens directory \p Name under \p DirFd (never through a link) and checks
/// that bpfcov may trust it: a directory on device \p Dev, owned by bpfcov's
/// effective uid and writable by no one else. With \p Create it is made
/// (mode 0700) when missing. \p Path names it in messages. Returns the fd,
/// -ENOENT when missing (silently), or another -errno with the error (what
/// is wrong and how to fix it) printed, or stored in \p Why when given.
int openOwnedDir(int DirFd, const std::string &Name, const std::string &Path,
                 dev_t Dev, bool Create, std::string *Why = nullptr);

/// Names of the entries of directory \p DirFd (no dot entries), sorted.
/// Returns 0 or -errno.
int listDir(int DirFd, std::vector<std::string> &Names);

/// rm -r of \p Path: links are removed, never followed.
void removeTree(const std::string &Path);

/// A temporary file or directory, removed unless released.
struct TempPath {
  std::string Path;
  TempPath() = default;
  TempPath(const TempPath &) = delete;
  TempPath &operator=(const TempPath &) = delete;
  ~TempPath() {
    if (!Path.empty())
      removeTree(Path);
  }
  void release() { Path.clear(); }
};

/// mkdtemp/mkstemp of `<Dir>/.<Base>.tmp-XXXXXX` (\p Base cut short, so that
/// the name fits wherever \p Base does). Returns 0 or -errno.
int makeTemp(const std::string &Dir, const std::string &Base, bool IsDir,
             TempPath &T);

/// mkdtemp gives 0700 and mkstemp 0600: the modes a plain mkdir/creat would.
void applyUmaskModes(const std::string &Path, bool IsDir);

/// How an output path is written.
enum class OutputKind {
  Replace,      ///< missing or a regular file: a temporary, then rename()
  WriteThrough, ///< a device, FIFO or socket (or a link to one): opened and
                ///< written, never replaced (-o /dev/stdout, -o /dev/null)
};

/// Says how \p Path can be written as a file, or refuses it (a directory, a
/// link to a regular file or directory) with an error naming the fix.
/// Returns 0 or -errno (after printing).
int classifyOutput(const std::string &Path, OutputKind &Kind);

/// Writes \p Bytes to \p Path as classifyOutput() says: a regular file is
/// replaced atomically (temporary beside it, fsync, rename, fsync of the
/// directory), so it is either the old file or the complete new one.
/// Returns 0 or -errno (after printing).
int writeOutputFile(const std::string &Path, const std::string &Bytes);

/// Replaces the contents of \p Path, a temporary bpfcov made (never
/// through a link). Returns 0 or -errno.
int rewriteOwnFile(const std::string &Path, const std::string &Bytes);

/// An existing directory \p Target may be replaced only when it is empty or
/// bpfcov wrote it (it holds the regular file \p Marker): anything else may
/// hold the user's files, which bpfcov never deletes. Returns 0 (also when
/// \p Target is missing) or -errno (after printing what to do).
int checkReplaceableDir(const std::string &Target, const char *Marker);

/// Creates \p Marker holding \p Text in the directory bpfcov just wrote.
/// Returns 0 or -errno.
int writeMarker(const std::string &Dir, const char *Marker,
                const std::string &Text);

/// Moves the finished \p Tmp to \p Target, replacing what is there (a
/// directory is swapped in atomically, the old one then removed with
/// \p Tmp). Returns 0 or -errno (after printing).
int publishTemp(TempPath &Tmp, const std::string &Target, bool IsDir);

} // namespace bpfcov

#endif // BPFCOV_CLI_SAFEFS_H

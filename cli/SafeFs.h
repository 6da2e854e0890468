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

#include <string>
#include <sys/types.h>
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

/// "/proc/self/fd/<DirFd>/<Name>": a path that reaches \p Name inside the
/// directory bpfcov holds open, whatever happened to the path it was opened
/// by, for the calls that only take paths (BPF_OBJ_PIN, BPF_OBJ_GET).
std::string fdPath(int DirFd, const std::string &Name);

/// Opens directory \p Name under \p DirFd (never through a link) and checks
/// that bpfcov may trust it: a directory on device \p Dev, owned by bpfcov's
/// effective uid and writable by no one else. With \p Create it is made
/// (mode 0700) when missing. \p Path names it in messages. Returns the fd,
/// -ENOENT when missing (silently), or another -errno after printing the
/// error (what is wrong and how to fix it).
int openOwnedDir(int DirFd, const std::string &Name, const std::string &Path,
                 dev_t Dev, bool Create);

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

/// `dir/x` -> `dir`, `x` -> `.`, `/x` -> `/`.
std::string dirName(const std::string &Path);
/// `dir/x` -> `x`.
std::string baseName(const std::string &Path);

} // namespace bpfcov

#endif // BPFCOV_CLI_SAFEFS_H

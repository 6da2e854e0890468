//===-- SafeFs.cpp - File-system work that is safe for root ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See SafeFs.h. Used by run and gen (the pin tree), gen and out (outputs).
//===----------------------------------------------------------------------===//
#include "SafeFs.h"

#include "Diag.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bpfcov {

std::string fdPath(int DirFd, const std::string &Name) {
  return "/proc/self/fd/" + std::to_string(DirFd) + "/" + Name;
}

int openOwnedDir(int DirFd, const std::string &Name, const std::string &Path,
                 dev_t Dev, bool Create, std::string *Why) {
  auto Fail = [&](int Err, const std::string &Msg) {
    if (Why)
      *Why = Msg;
    else
      pErr("%s", Msg.c_str());
    return Err;
  };
  if (Create && ::mkdirat(DirFd, Name.c_str(), 0700) != 0 && errno != EEXIST)
    return Fail(-errno, "cannot create '" + Path + "': " + std::strerror(errno));
  int Fd = ::openat(DirFd, Name.c_str(),
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (Fd < 0) {
    int Err = -errno;
    if (Err == -ENOENT)
      return Err;
    if (Err == -ELOOP || Err == -ENOTDIR)
      return Fail(Err, "'" + Path + "' is a symbolic link or not a directory: "
                       "bpfcov follows no link in the pin tree; remove it ('rm " +
                           Path + "') and run again");
    return Fail(Err, "cannot open '" + Path + "': " + std::strerror(-Err));
  }
  struct stat St;
  if (::fstat(Fd, &St) != 0) {
    int Err = -errno;
    ::close(Fd);
    return Fail(Err, "cannot stat '" + Path + "': " + std::strerror(-Err));
  }
  std::string Problem;
  if (St.st_dev != Dev) {
    Problem = "is not on the bpffs (another file system is mounted there)";
  } else if (St.st_uid != ::geteuid()) {
    Problem = "belongs to uid " + std::to_string(St.st_uid) + ", not to uid " +
              std::to_string(::geteuid()) + " that runs bpfcov";
  } else if (St.st_mode & (S_IWGRP | S_IWOTH)) {
    char Mode[8];
    std::snprintf(Mode, sizeof(Mode), "%04o", unsigned(St.st_mode & 07777));
    Problem = std::string("is writable by other users (mode ") + Mode + ")";
  }
  if (!Problem.empty()) {
    ::close(Fd);
    return Fail(-EPERM, "'" + Path + "' " + Problem +
                            ": another user may have made it to redirect "
                            "bpfcov's pins; check it, remove it ('rm -r " +
                            Path + "') and run again");
  }
  return Fd;
}

int listDir(int DirFd, std::vector<std::string> &Names) {
  int Dup = ::fcntl(DirFd, F_DUPFD_CLOEXEC, 0);
  if (Dup < 0)
    return -errno;
  DIR *D = ::fdopendir(Dup);
  if (!D) {
    int Err = -errno;
    ::close(Dup);
    return Err;
  }
  ::rewinddir(D);
  while (dirent *E = ::readdir(D))
    if (std::strcmp(E->d_name, ".") && std::strcmp(E->d_name, ".."))
      Names.push_back(E->d_name);
  ::closedir(D);
  std::sort(Names.begin(), Names.end());
  return 0;
}

static int removeEntry(const char *Path, const struct stat *, int,
                       struct FTW *) {
  return ::remove(Path) == 0 ? 0 : -1;
}

void removeTree(const std::string &Path) {
  ::nftw(Path.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS);
}

int makeTemp(const std::string &Dir, const std::string &Base, bool IsDir,
             TempPath &T) {
  std::string Name = "." + Base.substr(0, 64) + ".tmp-XXXXXX";
  std::string Pattern = Dir == "." ? Name
                        : Dir.back() == '/' ? Dir + Name
                                            : Dir + "/" + Name;
  std::vector<char> Buf(Pattern.begin(), Pattern.end());
  Buf.push_back('\0');
  if (IsDir) {
    if (!::mkdtemp(Buf.data()))
      return -errno;
  } else {
    int Fd = ::mkstemp(Buf.data());
    if (Fd < 0)
      return -errno;
    ::close(Fd);
  }
  T.Path = Buf.data();
  return 0;
}

void applyUmaskModes(const std::string &Path, bool IsDir) {
  mode_t Mask = ::umask(0);
  ::umask(Mask);
  ::chmod(Path.c_str(), (IsDir ? 0777 : 0666) & ~Mask);
}

/// The fd behind /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N:
/// bpfcov's own open files, written as they are; -1 for other paths.
static int ownFdOf(const std::string &Path) {
  if (Path == "/dev/stdout")
    return 1;
  if (Path == "/dev/stderr")
    return 2;
  for (const char *Prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    size_t Len = std::strlen(Prefix);
    if (Path.compare(0, Len, Prefix) != 0 || Path.size() == Len)
      continue;
    char *End;
    long N = std::strtol(Path.c_str() + Len, &End, 10);
    if (*End == '\0' && N >= 0 && N < 1 << 20)
      return static_cast<int>(N);
  }
  return -1;
}

static bool isSpecial(mode_t Mode) {
  return S_ISCHR(Mode) || S_ISBLK(Mode) || S_ISFIFO(Mode) || S_ISSOCK(Mode);
}

int classifyOutput(const std::string &Path, OutputKind &Kind) {
  if (ownFdOf(Path) >= 0) {
    Kind = OutputKind::WriteThrough;
    return 0;
  }
  struct stat St;
  if (::lstat(Path.c_str(), &St) != 0) {
    if (errno == ENOENT) {
      Kind = OutputKind::Replace;
      return 0;
    }
    int Err = -errno;
    pErr("cannot write '%s': %s", Path.c_str(), std::strerror(-Err));
    return Err;
  }
  if (S_ISREG(St.st_mode)) {
    Kind = OutputKind::Replace;
    return 0;
  }
  if (S_ISDIR(St.st_mode)) {
    pErr("'%s' is a directory: give a file name with -o", Path.c_str());
    return -EISDIR;
  }
  if (isSpecial(St.st_mode)) {
    Kind = OutputKind::WriteThrough;
    return 0;
  }
  // A link: written through when it leads to a device or FIFO; never
  // followed to a file or directory, which bpfcov would replace.
  struct stat Target;
  if (::stat(Path.c_str(), &Target) == 0 && isSpecial(Target.st_mode)) {
    Kind = OutputKind::WriteThrough;
    return 0;
  }
  pErr("'%s' is a symbolic link: bpfcov does not replace links or the files "
       "they lead to; give the file's own path with -o",
       Path.c_str());
  return -ELOOP;
}

/// Writes through a device, FIFO or bpfcov's own fd.
static int writeThrough(const std::string &Path, const std::string &Bytes) {
  int Own = ownFdOf(Path);
  UniqueFd Fd(Own >= 0 ? -1
                       : ::open(Path.c_str(),
                                O_WRONLY | O_NOCTTY | O_CLOEXEC));
  if (Own < 0 && !Fd.valid())
    return -errno;
  return writeAll(Own >= 0 ? Own : Fd.get(), Bytes);
}

int writeOutputFile(const std::string &Path, const std::string &Bytes) {
  OutputKind Kind;
  if (int Err = classifyOutput(Path, Kind))
    return Err;
  if (Kind == OutputKind::WriteThrough) {
    if (int Err = writeThrough(Path, Bytes)) {
      pErr("cannot write '%s': %s", Path.c_str(), std::strerror(-Err));
      return Err;
    }
    return 0;
  }
  std::string Dir = dirName(Path);
  TempPath Tmp;
  if (int Err = makeTemp(Dir, baseName(Path), /*IsDir=*/false, Tmp)) {
    pErr("cannot write '%s': %s", Path.c_str(), std::strerror(-Err));
    return Err;
  }
  int Err = 0;
  {
    UniqueFd Fd(::open(Tmp.Path.c_str(),
                       O_WRONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!Fd.valid())
      Err = -errno;
    if (!Err)
      Err = writeAll(Fd.get(), Bytes);
    if (!Err && ::fsync(Fd.get()) != 0)
      Err = -errno;
  }
  if (!Err) {
    applyUmaskModes(Tmp.Path, /*IsDir=*/false);
    if (::rename(Tmp.Path.c_str(), Path.c_str()) != 0)
      Err = -errno;
  }
  if (Err) {
    pErr("cannot write '%s': %s", Path.c_str(), std::strerror(-Err));
    return Err;
  }
  Tmp.release();
  if (int DirFd = ::open(Dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      DirFd >= 0) {
    ::fsync(DirFd);
    ::close(DirFd);
  }
  return 0;
}

//===-- Replacing what bpfcov wrote
//----------------------------------------===//

int rewriteOwnFile(const std::string &Path, const std::string &Bytes) {
  UniqueFd Fd(
      ::open(Path.c_str(), O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC));
  if (!Fd.valid())
    return -errno;
  if (int Err = writeAll(Fd.get(), Bytes))
    return Err;
  return ::close(Fd.release()) == 0 ? 0 : -errno;
}

int checkReplaceableDir(const std::string &Target, const char *Marker) {
  struct stat St;
  if (::lstat(Target.c_str(), &St) != 0)
    return 0;
  if (S_ISLNK(St.st_mode)) {
    pErr("'%s' is a symbolic link: bpfcov does not replace links or what "
         "they lead to; give the report directory's own path with -o",
         Target.c_str());
    return -ELOOP;
  }
  if (!S_ISDIR(St.st_mode)) {
    pErr("'%s' exists and is not a directory: remove it or choose another -o",
         Target.c_str());
    return -EEXIST;
  }
  struct stat MarkerSt;
  if ((::lstat(joinPath(Target, Marker).c_str(), &MarkerSt) == 0 &&
       S_ISREG(MarkerSt.st_mode)) ||
      isEmptyDir(Target))
    return 0;
  pErr("'%s' is a directory that bpfcov did not write (it has no '%s' "
       "file): not replacing it, nor deleting its files; remove it or "
       "choose another -o",
       Target.c_str(), Marker);
  return -EEXIST;
}

int writeMarker(const std::string &Dir, const char *Marker,
                const std::string &Text) {
  int Fd = ::open(joinPath(Dir, Marker).c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (Fd < 0)
    return -errno;
  int Err = writeAll(Fd, Text);
  ::close(Fd);
  return Err;
}

int publishTemp(TempPath &Tmp, const std::string &Target, bool IsDir) {
  applyUmaskModes(Tmp.Path, IsDir);
  if (IsDir && pathExists(Target)) {
    if (::renameat2(AT_FDCWD, Tmp.Path.c_str(), AT_FDCWD, Target.c_str(),
                    RENAME_EXCHANGE) == 0)
      return 0; // Tmp.Path now holds the old report: removed with Tmp
    if (errno != EINVAL && errno != ENOSYS) {
      int Err = -errno;
      pErr("cannot replace '%s': %s", Target.c_str(), std::strerror(-Err));
      return Err;
    }
    // No RENAME_EXCHANGE on this file system: move the old one aside.
    TempPath Old;
    if (int Err = makeTemp(dirName(Target), baseName(Target) + ".old",
                           /*IsDir=*/true, Old)) {
      pErr("cannot create a directory beside '%s': %s", Target.c_str(),
           std::strerror(-Err));
      return Err;
    }
    if (::rename(Target.c_str(), Old.Path.c_str()) != 0) {
      int Err = -errno;
      pErr("cannot replace '%s': %s", Target.c_str(), std::strerror(-Err));
      return Err;
    }
  }
  if (::rename(Tmp.Path.c_str(), Target.c_str()) != 0) {
    int Err = -errno;
    pErr("cannot rename '%s' to '%s': %s", Tmp.Path.c_str(), Target.c_str(),
         std::strerror(-Err));
    return Err;
  }
  Tmp.release();
  return 0;
}

} // namespace bpfcov

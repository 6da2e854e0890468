//===-- Pins.cpp - bpffs paths shared by run and gen -----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See Pins.h for the layout. Everything here is plain file-system work: the
// maps themselves are pinned by run.cpp and read by gen.cpp.
//===----------------------------------------------------------------------===//
#include "Pins.h"

#include "Diag.h"

#include "bpfcov/Names.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <linux/magic.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace bpfcov {

std::string bpffsRoot() {
  return Globals.Bpffs.empty() ? std::string(DefaultBpffs) : Globals.Bpffs;
}

std::string pinComponent(std::string Name) {
  for (char &C : Name)
    if (C == '/' || C == '.')
      C = '_';
  return Name.empty() ? std::string("object") : Name;
}

std::string appName(const std::string &AppPath) {
  std::string P = AppPath;
  while (P.size() > 1 && P.back() == '/')
    P.pop_back();
  size_t Slash = P.rfind('/');
  std::string Base = Slash == std::string::npos ? P : P.substr(Slash + 1);
  return Base.empty() ? Base : pinComponent(Base);
}

std::string appPinDir(const std::string &App) {
  return bpffsRoot() + "/" + PinRoot + "/" + App;
}

bool isBpffs(const std::string &Path) {
  struct statfs St;
  return statfs(Path.c_str(), &St) == 0 &&
         St.f_type == static_cast<decltype(St.f_type)>(BPF_FS_MAGIC);
}

/// mkdir -p of the mount point \p Dir. Returns 0 or -errno.
static int makeMountPoint(const std::string &Dir) {
  for (size_t Pos = 1; Pos != std::string::npos;) {
    Pos = Dir.find('/', Pos + 1);
    std::string Part = Dir.substr(0, Pos);
    if (mkdir(Part.c_str(), 0700) != 0 && errno != EEXIST)
      return -errno;
  }
  return 0;
}

/// True if \p Dir is a directory with entries (mounting over it hides them).
static bool isNonEmptyDir(const std::string &Dir) {
  UniqueFd Fd(open(Dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  std::vector<std::string> Names;
  return Fd.valid() && listDir(Fd.get(), Names) == 0 && !Names.empty();
}

int ensureBpffs(bool Mount) {
  std::string Root = bpffsRoot();
  if (isBpffs(Root))
    return 0;
  if (!Mount) {
    pErr("'%s' is not a bpffs mount: mount it with 'mount -t bpf bpf %s' or "
         "pass --bpffs=PATH",
         Root.c_str(), Root.c_str());
    return -ENOENT;
  }
  if (isNonEmptyDir(Root)) {
    pErr("'%s' is not a bpffs mount but a directory with files, which a "
         "bpffs mounted there would hide: give --bpffs an empty directory, "
         "or mount bpffs there yourself ('mount -t bpf bpf %s')",
         Root.c_str(), Root.c_str());
    return -ENOTEMPTY;
  }
  if (makeMountPoint(Root) == 0 &&
      mount("bpf", Root.c_str(), "bpf", 0, "mode=0700") == 0) {
    pInfo("mounted bpffs at '%s'", Root.c_str());
    return 0;
  }
  int Err = errno;
  pErr("cannot mount bpffs at '%s': %s (run as root, or mount it with "
       "'mount -t bpf bpf %s')",
       Root.c_str(), std::strerror(Err), Root.c_str());
  return -Err;
}

int listSubdirs(const std::string &Dir, std::vector<std::string> &Out) {
  DIR *D = opendir(Dir.c_str());
  if (!D)
    return -errno;
  while (dirent *E = readdir(D)) {
    if (E->d_name[0] == '.')
      continue;
    std::string P = Dir + "/" + E->d_name;
    struct stat St;
    if (stat(P.c_str(), &St) == 0 && S_ISDIR(St.st_mode))
      Out.push_back(P);
  }
  closedir(D);
  std::sort(Out.begin(), Out.end());
  return 0;
}

int openAppPins(const std::string &App, bool Create, AppPins &P) {
  std::string Base = bpffsRoot();
  UniqueFd BaseFd(open(Base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  struct stat St;
  if (!BaseFd.valid() || fstat(BaseFd.get(), &St) != 0) {
    int Err = -errno;
    pErr("cannot open '%s': %s", Base.c_str(), std::strerror(-Err));
    return Err;
  }
  P.App = App;
  P.Dev = St.st_dev;
  P.Path = appPinDir(App);
  std::string RootPath = Base + "/" + PinRoot;
  int Fd = openOwnedDir(BaseFd.get(), PinRoot, RootPath, P.Dev, Create);
  if (Fd < 0)
    return Fd;
  P.Root.reset(Fd);
  Fd = openOwnedDir(P.Root.get(), App, P.Path, P.Dev, Create);
  if (Fd < 0)
    return Fd;
  P.Dir.reset(Fd);
  return 0;
}

int lockAppPins(AppPins &P) {
  if (flock(P.Dir.get(), LOCK_EX | LOCK_NB) != 0)
    return errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;
  // The lock is on the directory this fd holds: is that still the one at
  // <bpffs>/cov/<app> (not removed by a 'gen --unpin' that ended)?
  struct stat Held, Now;
  if (fstat(P.Dir.get(), &Held) != 0 ||
      fstatat(P.Root.get(), P.App.c_str(), &Now, AT_SYMLINK_NOFOLLOW) != 0 ||
      Held.st_ino != Now.st_ino || Held.st_dev != Now.st_dev) {
    flock(P.Dir.get(), LOCK_UN);
    return -ENOENT;
  }
  return 0;
}

int listAppEntries(const AppPins &P, std::vector<std::string> &Names) {
  return listDir(P.Dir.get(), Names);
}

int openObjectDir(const AppPins &P, const std::string &Object, bool Create,
                  std::string *Why) {
  return openOwnedDir(P.Dir.get(), Object, P.Path + "/" + Object, P.Dev,
                      Create, Why);
}

int removeObjectPins(const AppPins &P, const std::string &Object) {
  int Fd = openObjectDir(P, Object, /*Create=*/false);
  if (Fd == -ENOENT)
    return 0;
  if (Fd < 0)
    return Fd;
  UniqueFd Obj(Fd);
  int Err = 0;
  for (const MapName &Map : CoverageMaps)
    if (unlinkat(Obj.get(), Map.Pin, 0) != 0 && errno != ENOENT && !Err)
      Err = -errno;
  // ENOTEMPTY: it holds something bpfcov did not pin, which stays.
  if (unlinkat(P.Dir.get(), Object.c_str(), AT_REMOVEDIR) != 0 &&
      errno != ENOENT && !Err)
    Err = -errno;
  return Err;
}

int removeAppPins(AppPins &P) {
  std::vector<std::string> Names;
  int Err = listAppEntries(P, Names);
  for (const std::string &Name : Names) {
    struct stat St;
    if (fstatat(P.Dir.get(), Name.c_str(), &St, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISDIR(St.st_mode))
      if (int E = removeObjectPins(P, Name); E && !Err)
        Err = E;
  }
  // <bpffs>/cov stays: removing it would let another user make it anew.
  if (unlinkat(P.Root.get(), P.App.c_str(), AT_REMOVEDIR) != 0 &&
      errno != ENOENT && !Err)
    Err = -errno;
  return Err;
}

} // namespace bpfcov

//===-- Pins.cpp - bpffs paths shared by run and gen -----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See Pins.h for the layout. Everything here is plain file-system work: the
// maps themselves are pinned by run.cpp and read by gen.cpp.
//===----------------------------------------------------------------------===//
#include "Pins.h"
#include "main.h"

#include "bpfcov/Names.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace bpfcov {

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

std::string objectPinDir(const std::string &App, const std::string &Object) {
  return appPinDir(App) + "/" + Object;
}

bool isBpffs(const std::string &Path) {
  struct statfs St;
  return statfs(Path.c_str(), &St) == 0 &&
         St.f_type == static_cast<decltype(St.f_type)>(BPF_FS_MAGIC);
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
  if (makeDirs(Root) == 0 &&
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

std::vector<std::string> listObjectDirs(const std::string &App) {
  std::vector<std::string> Dirs;
  listSubdirs(appPinDir(App), Dirs);
  return Dirs;
}

int makeDirs(const std::string &Dir) {
  for (size_t Pos = 1; Pos != std::string::npos;) {
    Pos = Dir.find('/', Pos + 1);
    std::string Part = Dir.substr(0, Pos);
    if (mkdir(Part.c_str(), 0700) != 0 && errno != EEXIST)
      return -errno;
  }
  return 0;
}

int removeObjectPins(const std::string &Dir) {
  int Err = 0;
  for (const MapName &Map : CoverageMaps) {
    std::string P = Dir + "/" + Map.Pin;
    if (unlink(P.c_str()) != 0 && errno != ENOENT && !Err)
      Err = -errno;
  }
  if (rmdir(Dir.c_str()) != 0 && errno != ENOENT && !Err)
    Err = -errno;
  return Err;
}

int removeAppPins(const std::string &App) {
  int Err = 0;
  for (const std::string &Dir : listObjectDirs(App))
    if (int E = removeObjectPins(Dir); E && !Err)
      Err = E;
  std::string Base = appPinDir(App);
  if (rmdir(Base.c_str()) != 0 && errno != ENOENT && !Err)
    Err = -errno;
  // The shared <bpffs>/cov goes when no other app has pins left in it.
  std::string Root = bpffsRoot() + "/" + PinRoot;
  rmdir(Root.c_str());
  return Err;
}

} // namespace bpfcov

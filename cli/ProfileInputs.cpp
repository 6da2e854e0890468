//===-- ProfileInputs.cpp - The profiles and objects of bpfcov out --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See ProfileInputs.h.
//===----------------------------------------------------------------------===//
#include "ProfileInputs.h"

#include "Diag.h"
#include "ProfRaw.h"
#include "Sys.h"

#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <set>

namespace bpfcov {

/// `dir/app.profraw` -> `app`.
std::string profileStem(const std::string &ProfRaw) {
  return stripSuffix(baseName(ProfRaw), ".profraw");
}

int readProfiles(const std::vector<std::string> &Paths,
                 std::vector<Profile> &Out) {
  for (const std::string &P : Paths) {
    Profile Prof;
    Prof.Path = P;
    if (int Err = readFile(P, Prof.Bytes)) {
      pErr("cannot read '%s': %s", P.c_str(), std::strerror(-Err));
      return Err;
    }
    if (isIndexedProfile(Prof.Bytes)) {
      pErr("'%s' is an indexed profile (.profdata), not a raw one: give the "
           ".profraw files it was merged from",
           P.c_str());
      return -EINVAL;
    }
    if (readRawProfileVersion(Prof.Bytes, Prof.Version)) {
      pErr("'%s' is not a raw profile (no .profraw magic): give files "
           "written by 'bpfcov gen' or by an instrumented program",
           P.c_str());
      return -EINVAL;
    }
    // Bool (single-byte) counters: every profile in every file, or none.
    std::vector<uint64_t> Versions;
    std::string Err;
    if (readProfRawVersions(Prof.Bytes, Versions, Err) == 0 &&
        !Versions.empty()) {
      Prof.ByteCoverage = Versions[0] & ProfRawVariantByteCoverage;
      for (uint64_t V : Versions)
        if (bool(V & ProfRawVariantByteCoverage) != Prof.ByteCoverage) {
          pErr("'%s' holds profiles with bool (hit/not-hit) counters and "
               "profiles with counts: llvm-profdata cannot merge them; write "
               "one profile per kind",
               P.c_str());
          return -EINVAL;
        }
    }
    if (!Out.empty() && Out[0].ByteCoverage != Prof.ByteCoverage) {
      const Profile &B = Prof.ByteCoverage ? Prof : Out[0];
      const Profile &C = Prof.ByteCoverage ? Out[0] : Prof;
      pErr("'%s' has bool (hit/not-hit) counters but '%s' has counts: "
           "llvm-profdata cannot merge them; run 'bpfcov out' once per kind",
           B.Path.c_str(), C.Path.c_str());
      return -EINVAL;
    }
    if (!Out.empty() && Out[0].Version != Prof.Version) {
      pErr("'%s' has raw profile version %" PRIu64 " but '%s' has %" PRIu64
           ": they need different llvm-profdata; run 'bpfcov out' once per "
           "version",
           P.c_str(), Prof.Version, Out[0].Path.c_str(), Out[0].Version);
      return -EINVAL;
    }
    Out.push_back(std::move(Prof));
  }
  return 0;
}

static void addUnique(std::vector<std::string> &List, const std::string &S) {
  for (const std::string &Have : List)
    if (Have == S)
      return;
  List.push_back(S);
}

/// The objects of \p P when no --object is given: for every object name
/// that gen recorded (the profile's binary ids), `<dir>/<name>.bpf.obj` or
/// `<dir>/<name>.obj`; for profiles without one, `<dir>/<stem>.bpf.obj`.
static int defaultObjects(const Profile &P, std::vector<std::string> &Objects) {
  std::vector<std::string> Names = readProfRawObjectNames(P.Bytes);
  if (Names.empty()) {
    std::string Obj = siblingPath(P.Path, profileStem(P.Path) + ".bpf.obj");
    if (!pathExists(Obj)) {
      pErr("object '%s' for '%s' not found: put the .bpf.obj built with the "
           "program beside the profile or pass --object=OBJ",
           Obj.c_str(), P.Path.c_str());
      return -ENOENT;
    }
    addUnique(Objects, Obj);
    return 0;
  }
  for (const std::string &Name : Names) {
    std::string Obj = siblingPath(P.Path, Name + ".bpf.obj");
    if (!pathExists(Obj) && pathExists(siblingPath(P.Path, Name + ".obj")))
      Obj = siblingPath(P.Path, Name + ".obj");
    if (!pathExists(Obj)) {
      pErr("object '%s' (object '%s' in '%s') not found: put the .bpf.obj "
           "built with the program beside the profile or pass --object=OBJ",
           siblingPath(P.Path, Name + ".bpf.obj").c_str(), Name.c_str(),
           P.Path.c_str());
      return -ENOENT;
    }
    addUnique(Objects, Obj);
  }
  return 0;
}

int findObjects(const std::vector<std::string> &Given,
                const std::vector<Profile> &Profiles,
                std::vector<std::string> &Objects) {
  if (!Given.empty()) {
    for (const std::string &Obj : Given) {
      if (!pathExists(Obj)) {
        pErr("object '%s' not found: check --object", Obj.c_str());
        return -ENOENT;
      }
      addUnique(Objects, Obj);
    }
  } else {
    for (const Profile &P : Profiles)
      if (defaultObjects(P, Objects))
        return -ENOENT;
  }
  return 0;
}

void warnUnprofiledObjects(const std::vector<Profile> &Profiles,
                           const std::vector<std::string> &Objects) {
  // An object the profiles have no record of reports 0% everywhere: say so
  // (another object's .bpf.obj given with --object, say).
  std::set<std::string> Profiled;
  for (const Profile &P : Profiles)
    for (const std::string &Name : readProfRawObjectNames(P.Bytes))
      Profiled.insert(Name);
  for (const std::string &Obj : Objects) {
    std::string Name = baseName(Obj);
    std::string Stem = stripSuffix(Name, ".bpf.obj");
    Name = Stem != Name ? Stem : stripSuffix(Name, ".obj");
    if (!Profiled.empty() && !Profiled.count(Name))
      pWarn("no profile holds an object named '%s': is '%s' the "
            ".bpf.obj of an object that 'bpfcov gen' wrote?",
            Name.c_str(), Obj.c_str());
  }
}

} // namespace bpfcov

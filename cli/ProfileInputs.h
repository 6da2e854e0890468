//===-- ProfileInputs.h - The profiles and objects of bpfcov out ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// What `bpfcov out` reads before it runs a tool: the raw profiles, checked
// as one set (one raw version, one kind of counters, so that one
// llvm-profdata merges them), and the objects that hold their coverage
// mapping (--object, or the .bpf.obj beside each profile for every object
// name 'bpfcov gen' recorded in it). Errors are printed, naming the fix.
//
// USAGE:
//   std::vector<Profile> Profiles;
//   if (readProfiles(Paths, Profiles) || findObjects({}, Profiles, Objs)) ...
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_PROFILEINPUTS_H
#define BPFCOV_CLI_PROFILEINPUTS_H

#include <cstdint>
#include <string>
#include <vector>

namespace bpfcov {

/// One raw profile file, read whole.
struct Profile {
  std::string Path;
  std::string Bytes;
  uint64_t Version = 0;      ///< raw version, variant flags masked off
  bool ByteCoverage = false; ///< bool counters (hit/not hit)
};

/// `dir/app.profraw` -> `app`.
std::string profileStem(const std::string &ProfRaw);

/// Reads every raw profile of \p Paths, refusing an indexed profile, a
/// file that is not a raw profile, and a set that mixes raw versions or
/// bool counters with counts. Returns 0 or -errno (after printing).
int readProfiles(const std::vector<std::string> &Paths,
                 std::vector<Profile> &Out);

/// The objects with the coverage mapping: \p Given (--object, each must
/// exist) or, when empty, the default ones of each profile. Returns 0 or
/// -ENOENT (after printing).
int findObjects(const std::vector<std::string> &Given,
                const std::vector<Profile> &Profiles,
                std::vector<std::string> &Objects);

/// Warns (pInfo) about each object no profile has a record of: its report
/// would read 0% everywhere.
void warnUnprofiledObjects(const std::vector<Profile> &Profiles,
                           const std::vector<std::string> &Objects);

} // namespace bpfcov

#endif // BPFCOV_CLI_PROFILEINPUTS_H

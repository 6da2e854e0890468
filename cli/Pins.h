//===-- Pins.h - bpffs paths and pins shared by run and gen ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Layout (names from bpfcov/Names.h):
//   <bpffs>/cov/<app>/<object>/{profc,profd,profn,covmap}
// <app> is the base name of the application path given to run/gen; <object>
// the object name the pass recorded in .rodata.covmap (a second load of the
// same object gets "<object>-2", and so on: bpffs refuses names with a dot).
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_PINS_H
#define BPFCOV_CLI_PINS_H

#include "SafeFs.h"

#include "bpfcov/Names.h"

#include <string>
#include <sys/types.h>
#include <vector>

namespace bpfcov {

/// The slot of each coverage map in CoverageMaps (bpfcov/Names.h), by name:
/// every per-object array of the four maps is indexed by these.
enum MapSlot : unsigned {
  SlotCounters = 0, ///< profc
  SlotData,         ///< profd
  SlotNames,        ///< profn
  SlotCovMap,       ///< covmap (bpfcov's header: object name, versions)
};
static_assert(CoverageMaps[SlotCounters].Pin == CountersPin &&
                  CoverageMaps[SlotData].Pin == DataPin &&
                  CoverageMaps[SlotNames].Pin == NamesPin &&
                  CoverageMaps[SlotCovMap].Pin == CovMapPin &&
                  SlotCovMap + 1 == NumCoverageMaps,
              "MapSlot follows CoverageMaps");

/// The values of one object's four maps, as gen read them (from pins, a
/// dump or the kernel), indexed by MapSlot.
struct ObjectMaps {
  std::string Name; ///< directory name (the pin's <object>)
  std::string Dir;  ///< where they came from (for messages)
  std::string Values[NumCoverageMaps];
  std::string Error; ///< why this object is skipped ("" if good)
};

/// A name usable as one bpffs path component: bpffs refuses names with a
/// dot, so '.' and '/' become '_' ("" becomes "object").
std::string pinComponent(std::string Name);
/// `./cov/raw_enter` -> `raw_enter`, `./app.v2` -> `app_v2` (pinComponent);
/// "" when the path has no base name ("/").
std::string appName(const std::string &AppPath);
/// The bpffs mount point to use (--bpffs or /sys/fs/bpf).
std::string bpffsRoot();
/// <bpffs>/cov/<app>
std::string appPinDir(const std::string &App);
/// True if \p Path is on a bpffs mount.
bool isBpffs(const std::string &Path);
/// Makes sure bpffsRoot() is a bpffs, mounting it when \p Mount and missing
/// (never over a non-empty directory, whose files it would hide). Returns 0
/// or a negative errno (after printing the error).
int ensureBpffs(bool Mount);
/// Appends the subdirectories of \p Dir (full paths, sorted, no dot
/// entries) to \p Out. Returns 0 or -errno when \p Dir cannot be read.
/// For plain directories (gen --from-dump); the pin tree uses AppPins.
int listSubdirs(const std::string &Dir, std::vector<std::string> &Out);

/// <bpffs>/cov/<app>, opened and checked (SafeFs.h openOwnedDir: no link,
/// on the bpffs, owned by bpfcov's user, writable by no one else). Every
/// operation on the pins goes through these fds, never through the path.
struct AppPins {
  std::string App;
  std::string Path; ///< <bpffs>/cov/<app>, for messages
  dev_t Dev = 0;    ///< the bpffs
  UniqueFd Root;    ///< <bpffs>/cov
  UniqueFd Dir;     ///< <bpffs>/cov/<app>
};

/// Opens <bpffs>/cov and <bpffs>/cov/<app> (with \p Create: makes them,
/// mode 0700). Returns 0, -ENOENT when missing (not printed), or another
/// -errno after printing the error.
int openAppPins(const std::string &App, bool Create, AppPins &P);
/// Takes the app's lock (flock of its directory, held until P.Dir closes):
/// one run of an app at a time, and no unpinning under a running one.
/// Returns 0, -EWOULDBLOCK when another bpfcov holds it, or -ENOENT when
/// the directory was removed meanwhile (open it again).
int lockAppPins(AppPins &P);
/// Names of the entries of the app directory, sorted. Returns 0 or -errno.
int listAppEntries(const AppPins &P, std::vector<std::string> &Names);
/// Opens (\p Create: makes) object directory \p Object, checked like the
/// app directory. Returns the fd or -errno (its error in \p Why when
/// given, else printed, unless -ENOENT).
int openObjectDir(const AppPins &P, const std::string &Object, bool Create,
                  std::string *Why = nullptr);
/// Removes the four pins of \p Object and its directory; anything else in
/// it is left, with the directory. Returns 0 or -errno.
int removeObjectPins(const AppPins &P, const std::string &Object);
/// Removes every object's pins and the app directory. Returns 0 or -errno.
int removeAppPins(AppPins &P);

} // namespace bpfcov

#endif // BPFCOV_CLI_PINS_H

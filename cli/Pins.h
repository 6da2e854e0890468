//===-- Pins.h - bpffs paths shared by run and gen -------------------------===//
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

#include <string>
#include <vector>

namespace bpfcov {

/// A name usable as one bpffs path component: bpffs refuses names with a
/// dot, so '.' and '/' become '_' ("" becomes "object").
std::string pinComponent(std::string Name);
/// `./cov/raw_enter` -> `raw_enter`, `./app.v2` -> `app_v2` (pinComponent);
/// "" when the path has no base name ("/").
std::string appName(const std::string &AppPath);
/// <bpffs>/cov/<app>
std::string appPinDir(const std::string &App);
/// <bpffs>/cov/<app>/<object>
std::string objectPinDir(const std::string &App, const std::string &Object);
/// True if \p Path is on a bpffs mount.
bool isBpffs(const std::string &Path);
/// Makes sure bpffsRoot() is a bpffs, mounting it when \p Mount and missing.
/// Returns 0 or a negative errno (after printing the error).
int ensureBpffs(bool Mount);
/// Appends the subdirectories of \p Dir (full paths, sorted, no dot
/// entries) to \p Out. Returns 0 or -errno when \p Dir cannot be read.
int listSubdirs(const std::string &Dir, std::vector<std::string> &Out);
/// Object directories under appPinDir(App), sorted; empty if none.
std::vector<std::string> listObjectDirs(const std::string &App);
/// Creates \p Dir and its parents (mode 0700). Returns 0 or -errno.
int makeDirs(const std::string &Dir);
/// Removes the pins of one object and its directory. Returns 0 or -errno.
int removeObjectPins(const std::string &Dir);
/// Removes every object's pins of \p App and the app directory (and
/// <bpffs>/cov when it becomes empty). Returns 0 or -errno.
int removeAppPins(const std::string &App);

} // namespace bpfcov

#endif // BPFCOV_CLI_PINS_H

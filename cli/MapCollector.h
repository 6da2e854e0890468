//===-- MapCollector.h - Coverage maps grouped per object, then pinned ----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The TraceSink of `bpfcov run`, and the only part of run that knows the
// coverage maps' names (bpfcov/Names.h). Each map APP creates whose name is
// one of the four coverage sections joins the group of its BPF object: the
// maps of one object share its BTF id (without BTF: the creating thread,
// since libbpf creates an object's maps in one thread). A group is pinned
// under <bpffs>/cov/<app>/<object>/ once all four maps exist and its covmap
// holds bpfcov's magic (libbpf fills and freezes each .rodata map in turn),
// <object> being the name the pass recorded in it. A counters-only object
// (-bpfcov-counters-section=bss, for loaders that drop the other maps) has
// one map, a .bss whose BTF holds __profc_ variables: it is pinned alone,
// as <object>/profc, <object> from the map's name; gen takes the rest from
// the object file. A light skeleton's loader program makes its object's
// maps inside the kernel: after it ran (BPF_PROG_TEST_RUN of a syscall
// program), the objects whose maps the caller holds are found among the
// kernel's maps (LoadedObjects.h) and pinned the same way.
//
// USAGE: #include "MapCollector.h"
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_MAPCOLLECTOR_H
#define BPFCOV_CLI_MAPCOLLECTOR_H

#include "CoverageMaps.h"
#include "Pins.h"
#include "Sys.h"
#include "Tracer.h"

#include "bpfcov/Names.h"

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace bpfcov {

/// The coverage maps of one BPF object, collected as they are created.
struct ObjectGroup {
  uint32_t BtfId = 0; ///< the object's BTF: shared by all its maps
  pid_t Tid = 0;      ///< creator, to group maps created without BTF
  unsigned Seq = 0;   ///< creation order, for messages
  std::array<UniqueFd, NumCoverageMaps> Fds; ///< by MapSlot
  uint32_t CovMapValueSize = 0;
  bool Done = false; ///< pinned (or failed to pin): ignored from now on

  /// How many of the four maps it has.
  unsigned count() const;
  /// All four maps, and a covmap large enough for bpfcov's header.
  bool isComplete() const;
};

/// An object whose maps were pinned.
struct PinnedObject {
  std::string Object;
  std::string Dir;
};

/// Groups the coverage maps of APP's tree per object and pins them under
/// \p Pins.
class MapCollector : public TraceSink {
public:
  explicit MapCollector(AppPins &Pins) : Pins(&Pins) {}

  void onBpfEntry(pid_t Tid, uint32_t Cmd) override;
  void onBpfResult(pid_t Tid, uint32_t Cmd, int64_t Ret, int Err,
                   const std::function<UniqueFd()> &OpenMap) override;

  /// Adds map \p Fd of coverage slot \p Slot (coverageSlot(), LoadedObjects.h;
  /// created by \p Tid, with BTF \p BtfId and values of \p ValueSize bytes)
  /// to its object's group. Returns the group's index in groups(), or -1
  /// when it is no coverage map (\p Slot < 0; \p Fd is then closed).
  int addMap(pid_t Tid, int Slot, uint32_t BtfId, uint32_t ValueSize,
             UniqueFd Fd);
  /// Pins every complete group whose covmap is filled in.
  void pinCompleteGroups();
  /// Warns about the coverage maps that never formed a complete object, and
  /// lets them go.
  void reportIncomplete();

  const std::vector<ObjectGroup> &groups() const { return Groups; }
  const std::vector<PinnedObject> &pins() const { return Pinned; }
  /// How many bpf(BPF_PROG_LOAD) calls of APP's tree the trace mode saw.
  unsigned progLoads() const { return ProgLoads; }

private:
  void onMapCreated(pid_t Tid, UniqueFd Fd);
  ObjectGroup &getOrCreateGroup(uint32_t BtfId, pid_t Tid, unsigned Slot);
  int pinGroup(ObjectGroup &G, const std::string &Object);
  /// Pins the instrumented objects whose maps \p Tid holds and bpfcov has
  /// not pinned: a light skeleton's loader program made them in the kernel.
  void pinHeldObjects(pid_t Tid);
  /// Pins a counters-only object's one map, \p Fd, as <object>/profc.
  int pinCountersOnly(const char *MapName, UniqueFd Fd);
  std::string uniqueObjectName(std::string Name);

  AppPins *Pins; ///< the app's pin directory, locked
  std::vector<ObjectGroup> Groups;
  unsigned NextSeq = 1;
  std::set<std::string> UsedNames;
  std::vector<PinnedObject> Pinned;
  unsigned ProgLoads = 0;
  std::set<uint32_t> PinnedIds; ///< map ids of every pinned map
};

} // namespace bpfcov

#endif // BPFCOV_CLI_MAPCOLLECTOR_H

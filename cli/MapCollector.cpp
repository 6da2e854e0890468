//===-- MapCollector.cpp - Coverage maps grouped per object, then pinned --===//
//
// SPDX-License-Identifier: Apache-2.0
//
// From a bpf() result to pins: the map's info, its group, the covmap's
// header, the pins through the object directory bpfcov holds open.
//
//===----------------------------------------------------------------------===//
#include "MapCollector.h"

#include "Diag.h"
#include "PreloadProtocol.h"
#include "LoadedObjects.h"
#include "SafeFs.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace bpfcov {

unsigned ObjectGroup::count() const {
  unsigned N = 0;
  for (const UniqueFd &Fd : Fds)
    N += Fd.valid();
  return N;
}

bool ObjectGroup::isComplete() const {
  return count() == NumCoverageMaps && CovMapValueSize >= CovMapSize;
}

void MapCollector::onBpfEntry(pid_t, uint32_t Cmd) {
  // Programs are loaded once every map is created and filled.
  if (Cmd == BPF_PROG_LOAD) {
    ++ProgLoads;
    pinCompleteGroups();
  }
}

void MapCollector::onBpfResult(pid_t Tid, uint32_t Cmd, int64_t Ret, int Err,
                               const std::function<UniqueFd()> &OpenMap) {
  if (Globals.Verbose >= 1) {
    const char *Name = bpfCmdName(Cmd);
    char Num[32];
    std::snprintf(Num, sizeof(Num), "%u", Cmd);
    if (Ret < 0)
      pDebug(1, "[pid %d] bpf(%s) = -1 %s", Tid, Name ? Name : Num,
             std::strerror(Err));
    else
      pDebug(1, "[pid %d] bpf(%s) = %lld", Tid, Name ? Name : Num,
             static_cast<long long>(Ret));
  }
  if (Cmd == BPF_MAP_CREATE && Ret >= 0) {
    UniqueFd Fd = OpenMap();
    if (Fd.valid())
      onMapCreated(Tid, std::move(Fd));
  }
  if (Cmd == BPFCOV_LOADER_RUN_CMD && Ret >= 0)
    pinHeldObjects(Tid);
  // libbpf creates, fills and freezes each map in turn: the covmap value
  // may have just been written. A program load pinned at its entry, and
  // both trace modes report the entry before the result.
  if (Cmd != BPF_PROG_LOAD)
    pinCompleteGroups();
}

void MapCollector::onMapCreated(pid_t Tid, UniqueFd Fd) {
  bpf_map_info Info;
  std::memset(&Info, 0, sizeof(Info));
  uint32_t Len = sizeof(Info);
  if (bpf_obj_get_info_by_fd(Fd.get(), &Info, &Len) != 0) {
    error("cannot read the BPF map created by %d: %s", Tid,
          std::strerror(errno));
    return;
  }
  pDebug(2, "[pid %d] map %u '%s' btf_id %u", Tid, Info.id, Info.name,
         Info.btf_id);
  // Which coverage map it is: by its value's BTF DATASEC, else by name;
  // the answer gen --loaded gets (coverageSlot, LoadedObjects.h).
  std::string Datasec = Info.btf_id != 0 ? mapDatasec(Fd.get()) : "";
  int Slot = coverageSlot(Datasec, Info.name);
  // Counters-only objects (-bpfcov-counters-section=bss): a .bss map whose
  // BTF holds __profc_ variables is all the kernel gets of them.
  std::vector<SectionVar> Vars;
  if (Slot < 0 && Datasec == BssCountersSection &&
      mapDatasec(Fd.get(), &Vars) == Datasec && holdsCounters(Vars)) {
    pinCountersOnly(Info.name, std::move(Fd));
    return;
  }
  addMap(Tid, Slot, Info.btf_id, Info.value_size, std::move(Fd));
}

void MapCollector::pinHeldObjects(pid_t Tid) {
  std::vector<uint32_t> Held;
  std::string Why;
  if (heldMapIds(Tid, Held, Why) != 0) {
    pDebug(1, "[pid %d] after a loader program: %s", Tid, Why.c_str());
    return;
  }
  if (std::all_of(Held.begin(), Held.end(),
                  [&](uint32_t Id) { return PinnedIds.count(Id); }))
    return;
  std::vector<LoadedObject> Objects;
  if (findLoadedObjects(Objects, Why) != 0) {
    error("cannot look for the maps of a light skeleton: %s", Why.c_str());
    return;
  }
  keepHeldObjects(Objects, Held);
  for (const LoadedObject &O : Objects) {
    if (PinnedIds.count(O.MapIds[SlotCovMap]))
      continue;
    if (!O.Error.empty()) {
      error("BPF object '%s' (btf_id %u): %s", O.Name.c_str(), O.BtfId,
            O.Error.c_str());
      continue;
    }
    Groups.emplace_back();
    ObjectGroup &G = Groups.back();
    G.BtfId = O.BtfId;
    G.Tid = Tid;
    G.Seq = NextSeq++;
    G.Done = true;
    for (unsigned Slot = 0; Slot < NumCoverageMaps; ++Slot)
      G.Fds[Slot].reset(bpf_map_get_fd_by_id(O.MapIds[Slot]));
    if (G.count() != NumCoverageMaps) {
      error("BPF object '%s' (btf_id %u) went away before bpfcov pinned it",
            O.Name.c_str(), O.BtfId);
      continue;
    }
    pDebug(1, "[pid %d] a loader program made BPF object '%s' (btf_id %u)",
           Tid, O.Name.c_str(), O.BtfId);
    pinGroup(G, uniqueObjectName(O.Name));
  }
}

int MapCollector::pinCountersOnly(const char *MapName, UniqueFd Fd) {
  // cilium/ebpf names the map ".bss", libbpf "<object>.bss".
  std::string Object =
      uniqueObjectName(MapName[0] == '.' ? MapName + 1 : MapName);
  std::string Dir = Pins->Path + "/" + Object, Why;
  int DirFd = openObjectDir(*Pins, Object, /*Create=*/true, &Why);
  if (DirFd < 0) {
    error("cannot pin the counters map '%s': %s", MapName,
          Why.empty() ? std::strerror(-DirFd) : Why.c_str());
    return DirFd;
  }
  UniqueFd ObjDir(DirFd);
  if (bpf_obj_pin(Fd.get(), fdPath(ObjDir.get(), CountersPin).c_str()) != 0) {
    int Err = errno;
    removeObjectPins(*Pins, Object);
    error("cannot pin the counters map '%s' at '%s/%s': %s", MapName,
          Dir.c_str(), CountersPin, std::strerror(Err));
    return -Err;
  }
  Pinned.push_back({Object, Dir});
  pInfo("pinned the counters of BPF map '%s' under '%s' (counters only: "
        "'bpfcov gen' takes the rest from the object file, --object=FILE)",
        MapName, Dir.c_str());
  return 0;
}

int MapCollector::addMap(pid_t Tid, int Slot, uint32_t BtfId,
                         uint32_t ValueSize, UniqueFd Fd) {
  if (Slot < 0)
    return -1;
  ObjectGroup &G = getOrCreateGroup(BtfId, Tid, Slot);
  G.Fds[Slot] = std::move(Fd);
  if (Slot == SlotCovMap)
    G.CovMapValueSize = ValueSize;
  return static_cast<int>(&G - Groups.data());
}

ObjectGroup &MapCollector::getOrCreateGroup(uint32_t BtfId, pid_t Tid,
                                            unsigned Slot) {
  // Every map of one object carries that object's BTF. Without BTF, fall
  // back to creation order: libbpf creates an object's maps in one thread.
  for (ObjectGroup &G : Groups)
    if (!G.Done && !G.Fds[Slot].valid() && G.BtfId == BtfId &&
        (BtfId != 0 || G.Tid == Tid))
      return G;
  Groups.emplace_back();
  ObjectGroup &G = Groups.back();
  G.BtfId = BtfId;
  G.Tid = Tid;
  G.Seq = NextSeq++;
  return G;
}

std::string MapCollector::uniqueObjectName(std::string Name) {
  Name = pinComponent(Name);
  std::string Candidate = Name;
  for (unsigned N = 2; UsedNames.count(Candidate); ++N)
    Candidate = Name + "-" + std::to_string(N);
  UsedNames.insert(Candidate);
  return Candidate;
}

void MapCollector::pinCompleteGroups() {
  for (ObjectGroup &G : Groups) {
    if (G.Done || !G.isComplete())
      continue;
    std::vector<unsigned char> Value(G.CovMapValueSize);
    uint32_t Key = 0;
    if (bpf_map_lookup_elem(G.Fds[SlotCovMap].get(), &Key, Value.data()) != 0)
      continue;
    std::string Object;
    if (!readCovMapObjectName(Value.data(), Value.size(), Object))
      continue; // not filled in yet
    G.Done = true;
    pinGroup(G, uniqueObjectName(Object));
  }
}

int MapCollector::pinGroup(ObjectGroup &G, const std::string &Object) {
  std::string Dir = Pins->Path + "/" + Object;
  std::string Why;
  int Fd = openObjectDir(*Pins, Object, /*Create=*/true, &Why);
  if (Fd < 0) {
    error("cannot pin the coverage maps of '%s': %s", Object.c_str(),
          Why.empty() ? std::strerror(-Fd) : Why.c_str());
    return Fd;
  }
  UniqueFd ObjDir(Fd);
  for (unsigned Slot = 0; Slot < NumCoverageMaps; ++Slot) {
    // Through the directory bpfcov made and holds: no link on the way.
    std::string Path = fdPath(ObjDir.get(), CoverageMaps[Slot].Pin);
    if (bpf_obj_pin(G.Fds[Slot].get(), Path.c_str()) != 0) {
      int Err = errno;
      removeObjectPins(*Pins, Object);
      error("cannot pin map '%s' of '%s' at '%s/%s': %s",
            CoverageMaps[Slot].Section, Object.c_str(), Dir.c_str(),
            CoverageMaps[Slot].Pin, std::strerror(Err));
      return -Err;
    }
  }
  // The pins hold the maps now.
  for (UniqueFd &Fd : G.Fds) {
    bpf_map_info Info;
    std::memset(&Info, 0, sizeof(Info));
    uint32_t Len = sizeof(Info);
    if (bpf_obj_get_info_by_fd(Fd.get(), &Info, &Len) == 0)
      PinnedIds.insert(Info.id);
    Fd.reset();
  }
  Pinned.push_back({Object, Dir});
  pInfo("pinned the coverage maps of BPF object '%s' under '%s'",
        Object.c_str(), Dir.c_str());
  return 0;
}

void MapCollector::reportIncomplete() {
  for (ObjectGroup &G : Groups) {
    if (G.Done)
      continue;
    std::string Have;
    for (unsigned Slot = 0; Slot < NumCoverageMaps; ++Slot)
      if (G.Fds[Slot].valid())
        Have += std::string(Have.empty() ? "'" : ", '") +
                CoverageMaps[Slot].Section + "'";
    if (G.count() == NumCoverageMaps)
      pInfo("Warning: coverage maps of BPF object #%u (btf_id %u) have no "
            "bpfcov header in '%s' (not built with bpfcov?): not pinned",
            G.Seq, G.BtfId, CovMapSection);
    else
      pInfo("Warning: BPF object #%u (btf_id %u) created only %u of %u "
            "coverage maps (%s): not pinned",
            G.Seq, G.BtfId, G.count(), NumCoverageMaps, Have.c_str());
    G.Done = true;
    for (UniqueFd &Fd : G.Fds)
      Fd.reset();
  }
}

} // namespace bpfcov

//===-- LoadedObjects.cpp - Coverage maps found among the kernel's maps ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See LoadedObjects.h. groupLoadedMaps is the pure part; findLoadedObjects
// gathers the facts with libbpf (map ids, info, BTF) and hands them over.
//===----------------------------------------------------------------------===//
#include "LoadedObjects.h"

#include "CountersOnly.h"
#include "CoverageMaps.h"
#include "Diag.h"
#include "MapValue.h"
#include "ObjectSections.h"
#include "Pins.h"
#include "SafeFs.h"
#include "Sys.h"

#include <algorithm>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <map>
#include <unistd.h>

namespace bpfcov {

int coverageSlot(const std::string &Datasec, const std::string &MapName) {
  for (unsigned I = 0; I < NumCoverageMaps; ++I) {
    const std::string Section = CoverageMaps[I].Section;
    if (!Datasec.empty()) {
      if (Datasec == Section)
        return static_cast<int>(I);
      continue;
    }
    // libbpf: "<prefix of the object name><section>", at most 15 bytes;
    // light skeletons and cilium/ebpf: the section name itself.
    if (MapName.size() >= Section.size() &&
        MapName.compare(MapName.size() - Section.size(), Section.size(),
                        Section) == 0)
      return static_cast<int>(I);
  }
  return -1;
}

std::vector<LoadedObject>
groupLoadedMaps(const std::vector<MapFacts> &Maps) {
  std::map<uint32_t, std::vector<const MapFacts *>> ByBtf;
  for (const MapFacts &M : Maps)
    if (M.Slot >= 0 && M.BtfId != 0)
      ByBtf[M.BtfId].push_back(&M);
  std::vector<LoadedObject> Objects;
  for (const auto &[BtfId, Group] : ByBtf) {
    LoadedObject O;
    O.BtfId = BtfId;
    unsigned Seen[NumCoverageMaps] = {};
    const MapFacts *CovMap = nullptr;
    for (const MapFacts *M : Group) {
      if (Seen[M->Slot]++ == 0)
        O.MapIds[M->Slot] = M->Id;
      if (M->Slot == SlotCovMap)
        CovMap = M;
    }
    // Only an object with bpfcov's header is one: other maps that merely
    // end in a coverage section's name are not reported at all.
    if (!CovMap)
      continue;
    const std::string &V = CovMap->CovMap;
    if (!readCovMapObjectName(reinterpret_cast<const unsigned char *>(V.data()),
                              V.size(), O.Name) ||
        O.Name.empty())
      continue;
    for (unsigned I = 0; I < NumCoverageMaps && O.Error.empty(); ++I) {
      if (Seen[I] == 0)
        O.Error = std::string("no ") + CoverageMaps[I].Section +
                  " map shares its BTF (the loader dropped it)";
      else if (Seen[I] > 1)
        O.Error = std::to_string(Seen[I]) + " " + CoverageMaps[I].Section +
                  " maps share its BTF (id " + std::to_string(BtfId) +
                  "): cannot tell which is its own";
    }
    Objects.push_back(std::move(O));
  }
  std::sort(Objects.begin(), Objects.end(),
            [](const LoadedObject &A, const LoadedObject &B) {
              return A.Name != B.Name ? A.Name < B.Name : A.BtfId < B.BtfId;
            });
  return Objects;
}

namespace {

/// The kernel's BTF objects, loaded once each.
class BtfCache {
public:
  ~BtfCache() {
    for (auto &[Id, B] : Cache)
      btf__free(B); // NULL-safe
  }
  /// NULL when \p Id cannot be loaded (libbpf 1.x: NULL and errno).
  btf *get(uint32_t Id) {
    auto It = Cache.find(Id);
    if (It == Cache.end())
      It = Cache.emplace(Id, btf__load_from_kernel_by_id(Id)).first;
    return It->second;
  }

private:
  std::map<uint32_t, btf *> Cache;
};

/// The name of the DATASEC that is the value type of a map, or "".
std::string valueDatasec(const bpf_map_info &Info, BtfCache &Btfs) {
  if (Info.btf_id == 0 || Info.btf_value_type_id == 0)
    return "";
  btf *B = Btfs.get(Info.btf_id);
  const btf_type *T = B ? btf__type_by_id(B, Info.btf_value_type_id) : nullptr;
  if (!T || !btf_is_datasec(T))
    return "";
  const char *Name = btf__name_by_offset(B, T->name_off);
  return Name ? Name : "";
}

/// Calls \p Fn(Id, Fd, Info) for every global-data map (array, 4-byte key,
/// one entry) loaded in the kernel. Returns 0 or -errno with \p Why set.
template <typename FnT> int forEachDataMap(FnT Fn, std::string &Why) {
  uint32_t Id = 0;
  while (true) {
    if (bpf_map_get_next_id(Id, &Id) != 0) {
      if (errno == ENOENT)
        return 0;
      int Err = errno;
      Why = std::string("cannot list the kernel's BPF maps: ") +
            std::strerror(Err) +
            (Err == EPERM ? " (run as root: it needs CAP_SYS_ADMIN)" : "");
      return -Err;
    }
    UniqueFd Fd(bpf_map_get_fd_by_id(Id));
    if (!Fd.valid())
      continue; // freed meanwhile
    bpf_map_info Info;
    std::memset(&Info, 0, sizeof(Info));
    uint32_t Len = sizeof(Info);
    if (bpf_obj_get_info_by_fd(Fd.get(), &Info, &Len) != 0)
      continue;
    if (Info.type == BPF_MAP_TYPE_ARRAY && Info.key_size == 4 &&
        Info.max_entries == 1)
      Fn(Id, Fd.get(), Info);
  }
}

} // namespace

int findLoadedObjects(std::vector<LoadedObject> &Objects, std::string &Why) {
  std::vector<MapFacts> Facts;
  BtfCache Btfs;
  int Err = forEachDataMap(
      [&](uint32_t Id, int Fd, const bpf_map_info &Info) {
        MapFacts F;
        F.Id = Id;
        F.BtfId = Info.btf_id;
        F.Slot = coverageSlot(valueDatasec(Info, Btfs), Info.name);
        if (F.Slot < 0)
          return;
        if (F.Slot == SlotCovMap && readMapValue(Fd, F.CovMap))
          return;
        pDebug(2, "map id %u '%s' (btf id %u): %s", Id, Info.name,
               Info.btf_id, CoverageMaps[F.Slot].Section);
        Facts.push_back(std::move(F));
      },
      Why);
  if (Err)
    return Err;
  Objects = groupLoadedMaps(Facts);
  return 0;
}

std::string mapDatasec(int Fd, std::vector<SectionVar> *Vars) {
  bpf_map_info Info;
  std::memset(&Info, 0, sizeof(Info));
  uint32_t Len = sizeof(Info);
  if (bpf_obj_get_info_by_fd(Fd, &Info, &Len) != 0)
    return "";
  BtfCache Btfs;
  std::string Name = valueDatasec(Info, Btfs);
  std::string Ignored;
  if (!Name.empty() && Vars &&
      readDataSecVars(Btfs.get(Info.btf_id), Name, *Vars, Ignored))
    Vars->clear();
  return Name;
}

bool holdsCounters(const std::vector<SectionVar> &Vars) {
  return std::any_of(Vars.begin(), Vars.end(), [](const SectionVar &V) {
    return V.Name.compare(0, sizeof(CountersPrefix) - 1, CountersPrefix) == 0;
  });
}

std::string rebuildFromObjectFiles(const std::string &Value,
                                   const std::vector<SectionVar> &Vars,
                                   const std::vector<std::string> &ObjectFiles,
                                   ObjectMaps &M) {
  if (ObjectFiles.empty())
    return "the kernel holds only its counters: give the object file it was "
           "loaded from with --object=FILE";
  std::string First;
  for (const std::string &File : ObjectFiles) {
    ObjectCoverage Obj;
    CoverageMapValues V;
    std::string Err;
    if (readObjectCoverage(File, Obj, Err) ||
        rebuildCoverageMaps(Value, Vars, Obj, V, Err)) {
      if (First.empty())
        First = ObjectFiles.size() == 1 ? Err : "'" + File + "': " + Err;
      continue;
    }
    M.Values[SlotCounters] = std::move(V.Profc);
    M.Values[SlotData] = std::move(V.Profd);
    M.Values[SlotNames] = std::move(V.Profn);
    M.Values[SlotCovMap] = std::move(V.CovMap);
    return "";
  }
  return First;
}

int findCountersMaps(const std::string &Section,
                     std::vector<CountersMap> &Maps, std::string &Why) {
  BtfCache Btfs;
  return forEachDataMap(
      [&](uint32_t Id, int Fd, const bpf_map_info &Info) {
        if (valueDatasec(Info, Btfs) != Section)
          return;
        CountersMap M;
        M.Id = Id;
        M.BtfId = Info.btf_id;
        std::string Ignored;
        if (readDataSecVars(Btfs.get(Info.btf_id), Section, M.Vars, Ignored) ||
            !holdsCounters(M.Vars) || readMapValue(Fd, M.Value))
          return;
        pDebug(2, "map id %u '%s' (btf id %u): counters in %s", Id, Info.name,
               Info.btf_id, Section.c_str());
        Maps.push_back(std::move(M));
      },
      Why);
}

std::string readLoadedObject(const LoadedObject &O,
                             std::string (&Values)[NumCoverageMaps]) {
  for (unsigned I = 0; I < NumCoverageMaps; ++I) {
    UniqueFd Fd(bpf_map_get_fd_by_id(O.MapIds[I]));
    std::string Why =
        Fd.valid() ? readMapValue(Fd.get(), Values[I]).Why
                   : std::string("it is gone: ") + std::strerror(errno);
    if (!Why.empty())
      return strFormat("map id %u (%s): ", O.MapIds[I],
                       CoverageMaps[I].Section) +
             Why;
  }
  return "";
}

int heldMapIds(int Pid, std::vector<uint32_t> &Ids, std::string &Why) {
  std::string Dir = "/proc/" + std::to_string(Pid) + "/fdinfo";
  UniqueFd DirFd(open(Dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!DirFd.valid()) {
    int Err = errno;
    Why = "cannot read '" + Dir + "': " + std::strerror(Err) +
          (Err == ENOENT ? " (no process " + std::to_string(Pid) + ")" : "");
    return -Err;
  }
  std::vector<std::string> Names;
  if (int Err = listDir(DirFd.get(), Names)) {
    Why = "cannot list '" + Dir + "': " + std::strerror(-Err);
    return Err;
  }
  for (const std::string &Name : Names)
    if (unsigned Id = fdInfoNumber(Pid, std::strtoul(Name.c_str(), nullptr, 10),
                                   "map_id"))
      Ids.push_back(Id);
  return 0;
}

void keepHeldObjects(std::vector<LoadedObject> &Objects,
                     const std::vector<uint32_t> &Held) {
  auto IsHeld = [&](const LoadedObject &O) {
    for (uint32_t Id : O.MapIds)
      if (std::find(Held.begin(), Held.end(), Id) != Held.end())
        return true;
    return false;
  };
  Objects.erase(std::remove_if(Objects.begin(), Objects.end(),
                               [&](const LoadedObject &O) { return !IsHeld(O); }),
                Objects.end());
}

/// --object=FILE...: for each FILE, the loaded maps that hold its
/// counters (those \p Held, with --pid), the rest taken from FILE
/// (CountersOnly.h). Returns 0, or -errno (after printing) when a FILE
/// cannot be read or no loaded map holds its counters.
static int readCountersOnly(const LoadedQuery &Q,
                            const std::vector<uint32_t> &Held,
                     const std::string &Which,
                     std::vector<ObjectMaps> &Objects) {
  for (const std::string &File : Q.ObjectFiles) {
    ObjectCoverage Obj;
    std::string Err;
    if (int E = readObjectCoverage(File, Obj, Err)) {
      pErr("%s", Err.c_str());
      return E;
    }
    std::vector<CountersMap> Maps;
    if (int E = findCountersMaps(Obj.CountersSection, Maps, Err)) {
      pErr("%s", Err.c_str());
      return E;
    }
    std::string Mismatch;
    size_t Before = Objects.size();
    for (const CountersMap &M : Maps) {
      if (Q.Pid && std::find(Held.begin(), Held.end(), M.Id) == Held.end())
        continue;
      CoverageMapValues V;
      if (rebuildCoverageMaps(M.Value, M.Vars, Obj, V, Err)) {
        pDebug(1, "map id %u: not the counters of '%s': %s", M.Id,
               File.c_str(), Err.c_str());
        if (Mismatch.empty())
          Mismatch = strFormat(" (map id %u: %s)", M.Id, Err.c_str());
        continue;
      }
      ObjectMaps M4;
      M4.Name = File;
      M4.Dir = strFormat("counters map id %u of '%s'", M.Id, File.c_str());
      M4.Values[SlotCounters] = std::move(V.Profc);
      M4.Values[SlotData] = std::move(V.Profd);
      M4.Values[SlotNames] = std::move(V.Profn);
      M4.Values[SlotCovMap] = std::move(V.CovMap);
      Objects.push_back(std::move(M4));
    }
    if (Objects.size() == Before) {
      pErr("no loaded map holds the counters of '%s'%s%s: load the object "
           "first, and give the very file it was loaded from",
           File.c_str(), Which.c_str(),
           Mismatch.empty() ? strFormat(" (no map with __profc_ variables "
                                        "in a %s section)",
                                        Obj.CountersSection.c_str())
                                  .c_str()
                            : Mismatch.c_str());
      return -ENOENT;
    }
  }
  return 0;
}

int readLoadedObjects(const LoadedQuery &Q, std::vector<ObjectMaps> &Objects) {
  std::string Why;
  std::vector<uint32_t> Held;
  if (Q.Pid)
    if (int Err = heldMapIds(Q.Pid, Held, Why)) {
      pErr("--pid=%d: %s", Q.Pid, Why.c_str());
      return Err;
    }
  std::string Which =
      Q.Pid ? strFormat(" among the maps process %d holds", Q.Pid) : "";
  if (!Q.ObjectFiles.empty())
    return readCountersOnly(Q, Held, Which, Objects);
  std::vector<LoadedObject> Loaded;
  if (int Err = findLoadedObjects(Loaded, Why)) {
    pErr("%s", Why.c_str());
    return Err;
  }
  if (Q.Pid)
    keepHeldObjects(Loaded, Held);
  for (const std::string &Name : Q.Names)
    if (std::none_of(Loaded.begin(), Loaded.end(),
                     [&](const LoadedObject &L) { return L.Name == Name; })) {
      pErr("no instrumented BPF object named '%s' is loaded%s: load it first "
           "(its maps live as long as a program or process holds them), or "
           "see 'bpftool map' for what is",
           Name.c_str(), Which.c_str());
      return -ENOENT;
    }
  for (const LoadedObject &L : Loaded) {
    if (!Q.Names.empty() && std::find(Q.Names.begin(), Q.Names.end(),
                                         L.Name) == Q.Names.end())
      continue;
    ObjectMaps M;
    M.Name = L.Name;
    M.Dir = strFormat("loaded object '%s' (BTF id %u)", L.Name.c_str(),
                      L.BtfId);
    M.Error = L.Error.empty() ? readLoadedObject(L, M.Values) : L.Error;
    Objects.push_back(std::move(M));
  }
  if (Objects.empty()) {
    pErr("no instrumented BPF object is loaded%s: load one built with "
         "bpfcov-cc or bpfcov_add_bpf_object first",
         Which.c_str());
    return -ENOENT;
  }
  return 0;
}

} // namespace bpfcov

//===-- LoadedObjects.cpp - Coverage maps found among the kernel's maps ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See LoadedObjects.h. groupLoadedMaps is the pure part; findLoadedObjects
// gathers the facts with libbpf (map ids, info, BTF) and hands them over.
//===----------------------------------------------------------------------===//
#include "LoadedObjects.h"

#include "Diag.h"
#include "Pins.h"
#include "SafeFs.h"
#include "Sys.h"

#include <algorithm>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <cerrno>
#include <cstdio>
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

/// The object name of a covmap header, or "" (with \p Why) when it is not
/// bpfcov's.
static std::string objectNameOf(const std::string &CovMap, std::string &Why) {
  if (CovMap.size() < CovMapSize) {
    Why = "its covmap map holds " + std::to_string(CovMap.size()) +
          " bytes, not bpfcov's header";
    return "";
  }
  uint64_t Magic;
  std::memcpy(&Magic, CovMap.data() + CovMapFieldOffset[CF_Magic], 8);
  if (Magic != CovMapMagic) {
    Why = "its covmap map does not start with bpfcov's magic";
    return "";
  }
  const char *Name = CovMap.data() + CovMapFieldOffset[CF_ObjectName];
  size_t Len = strnlen(Name, ObjectNameSize);
  if (Len == 0 || Len == ObjectNameSize) {
    Why = "its covmap header has no object name";
    return "";
  }
  return std::string(Name, Len);
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
    std::string Why;
    O.Name = objectNameOf(CovMap->CovMap, Why);
    if (O.Name.empty())
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

/// The name of the DATASEC that is the value type of a map, or "".
static std::string valueDatasec(const bpf_map_info &Info,
                                std::map<uint32_t, btf *> &Cache) {
  if (Info.btf_id == 0 || Info.btf_value_type_id == 0)
    return "";
  auto It = Cache.find(Info.btf_id);
  if (It == Cache.end())
    It = Cache.emplace(Info.btf_id, btf__load_from_kernel_by_id(Info.btf_id))
             .first;
  btf *B = It->second;
  if (!B) // libbpf 1.x: NULL and errno on failure
    return "";
  const btf_type *T = btf__type_by_id(B, Info.btf_value_type_id);
  if (!T || !btf_is_datasec(T))
    return "";
  const char *Name = btf__name_by_offset(B, T->name_off);
  return Name ? Name : "";
}

int findLoadedObjects(std::vector<LoadedObject> &Objects, std::string &Why) {
  std::vector<MapFacts> Facts;
  std::map<uint32_t, btf *> BtfCache;
  uint32_t Id = 0;
  int Err = 0;
  while (true) {
    if (bpf_map_get_next_id(Id, &Id) != 0) {
      if (errno != ENOENT) {
        Err = -errno;
        Why = std::string("cannot list the kernel's BPF maps: ") +
              std::strerror(errno) +
              (errno == EPERM ? " (run as root: it needs CAP_SYS_ADMIN)" : "");
      }
      break;
    }
    UniqueFd Fd(bpf_map_get_fd_by_id(Id));
    if (!Fd.valid())
      continue; // freed meanwhile
    bpf_map_info Info;
    std::memset(&Info, 0, sizeof(Info));
    uint32_t Len = sizeof(Info);
    if (bpf_obj_get_info_by_fd(Fd.get(), &Info, &Len) != 0)
      continue;
    if (Info.type != BPF_MAP_TYPE_ARRAY || Info.key_size != 4 ||
        Info.max_entries != 1)
      continue;
    MapFacts F;
    F.Id = Id;
    F.BtfId = Info.btf_id;
    F.Slot = coverageSlot(valueDatasec(Info, BtfCache), Info.name);
    if (F.Slot < 0)
      continue;
    if (F.Slot == SlotCovMap) {
      F.CovMap.assign(Info.value_size, '\0');
      uint32_t Key = 0;
      if (bpf_map_lookup_elem(Fd.get(), &Key, F.CovMap.data()) != 0)
        continue;
    }
    pDebug(2, "map id %u '%s' (btf id %u): %s", Id, Info.name, Info.btf_id,
           CoverageMaps[F.Slot].Section);
    Facts.push_back(std::move(F));
  }
  for (auto &[BtfId, B] : BtfCache)
    btf__free(B); // NULL-safe
  if (Err)
    return Err;
  Objects = groupLoadedMaps(Facts);
  return 0;
}

std::string readMapValue(int Fd, std::string &Out) {
  bpf_map_info Info;
  std::memset(&Info, 0, sizeof(Info));
  uint32_t Len = sizeof(Info);
  if (bpf_obj_get_info_by_fd(Fd, &Info, &Len) != 0)
    return std::string("cannot get its map info: ") + std::strerror(errno);
  if (Info.type != BPF_MAP_TYPE_ARRAY || Info.key_size != 4 ||
      Info.max_entries < 1)
    return strFormat("it is not a global-data map (type %u, key size %u, %u "
                     "entries)",
                     Info.type, Info.key_size, Info.max_entries);
  Out.assign(Info.value_size, '\0');
  uint32_t Key = 0;
  if (bpf_map_lookup_elem(Fd, &Key, Out.data()) != 0)
    return std::string("cannot read it: ") + std::strerror(errno);
  return "";
}

std::string readLoadedObject(const LoadedObject &O,
                             std::string (&Values)[NumCoverageMaps]) {
  for (unsigned I = 0; I < NumCoverageMaps; ++I) {
    UniqueFd Fd(bpf_map_get_fd_by_id(O.MapIds[I]));
    std::string Why =
        Fd.valid() ? readMapValue(Fd.get(), Values[I])
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
  for (const std::string &Name : Names) {
    UniqueFd Fd(openat(DirFd.get(), Name.c_str(),
                       O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!Fd.valid())
      continue; // closed meanwhile
    char Buf[4096];
    ssize_t N = read(Fd.get(), Buf, sizeof(Buf) - 1);
    if (N <= 0)
      continue;
    Buf[N] = '\0';
    const char *P = std::strstr(Buf, "\nmap_id:");
    unsigned Id;
    if (P && std::sscanf(P, "\nmap_id: %u", &Id) == 1)
      Ids.push_back(Id);
  }
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

} // namespace bpfcov

//===-- LoadedObjects.h - Coverage maps found among the kernel's maps -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Discovery that does not depend on watching the loader: the coverage maps
// of every instrumented object loaded in the kernel, whoever loaded it
// (libbpf, a light skeleton's loader program, bpftool, iproute2, Go, a
// daemon started long ago). A map is one of an object's four coverage maps
// when its BTF value type is the DATASEC of that section (or, without BTF,
// when its name ends with the section name, as libbpf, light skeletons and
// cilium/ebpf name them); the maps of one object share its BTF object; the
// object is named by its covmap header, whose magic must match. When the
// kernel holds only an object's counters (findCountersMaps), gen takes the
// rest from the object file.
//
// USAGE: #include "LoadedObjects.h"
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_LOADEDOBJECTS_H
#define BPFCOV_CLI_LOADEDOBJECTS_H

#include "CountersOnly.h"
#include "Pins.h"

#include "bpfcov/Names.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bpfcov {

/// What discovery needs to know of one loaded map.
struct MapFacts {
  uint32_t Id = 0;
  uint32_t BtfId = 0;  ///< 0: no BTF
  int Slot = -1;       ///< index into CoverageMaps, -1: not a coverage map
  std::string CovMap;  ///< the value, for the covmap slot only
};

/// One instrumented object loaded in the kernel.
struct LoadedObject {
  std::string Name;                  ///< from its covmap header
  uint32_t BtfId = 0;
  uint32_t MapIds[NumCoverageMaps] = {};
  std::string Error;                 ///< why it cannot be read ("" if good)
};

/// The coverage slot of a map whose BTF value type is DATASEC \p Datasec
/// (may be empty) or, without one, whose kernel name is \p MapName; -1 when
/// it is not a coverage map.
int coverageSlot(const std::string &Datasec, const std::string &MapName);

/// Groups \p Maps into objects by BTF object: each group needs one map of
/// every slot, and a covmap value with bpfcov's magic. Maps without BTF
/// cannot be grouped and are left out. Sorted by name, then BTF id.
/// Pure: the unit tests call it with made-up facts.
std::vector<LoadedObject> groupLoadedMaps(const std::vector<MapFacts> &Maps);

/// Walks every map loaded in the kernel (needs CAP_SYS_ADMIN) and returns
/// the instrumented objects found. Returns 0 or -errno with \p Why set.
int findLoadedObjects(std::vector<LoadedObject> &Objects, std::string &Why);

/// A map that holds counters, for counters-only collection (the records,
/// names and header come from the object file: CountersOnly.h).
struct CountersMap {
  uint32_t Id = 0;
  uint32_t BtfId = 0;
  std::string Value;             ///< key 0
  std::vector<SectionVar> Vars;  ///< its DATASEC's variables
};

/// Every map whose BTF value type is DATASEC \p Section (".bss",
/// ".data.profc") with at least one __profc_ variable: the program's own
/// .bss maps without counters are not reported. Returns 0 or -errno with
/// \p Why set.
int findCountersMaps(const std::string &Section,
                     std::vector<CountersMap> &Maps, std::string &Why);

/// The name of the BTF DATASEC that is the value type of map \p Fd ("" when
/// it has none) and, when \p Vars is given, that DATASEC's variables.
std::string mapDatasec(int Fd, std::vector<SectionVar> *Vars = nullptr);

/// Whether \p Vars (a DATASEC's) hold counters: a __profc_ variable.
bool holdsCounters(const std::vector<SectionVar> &Vars);

/// Counters-only collection of one counters map (value \p Value, DATASEC
/// variables \p Vars): the first of \p ObjectFiles whose counters these
/// are gives records, names and header (CountersOnly.h), filling
/// \p M.Values. Returns "" or why none fits (the first file's reason, or
/// that none was given).
std::string rebuildFromObjectFiles(const std::string &Value,
                                   const std::vector<SectionVar> &Vars,
                                   const std::vector<std::string> &ObjectFiles,
                                   ObjectMaps &M);

/// Reads the four maps of \p O by id, in slot order. Returns "" or what is
/// wrong (the object was unloaded meanwhile, say).
std::string readLoadedObject(const LoadedObject &O,
                             std::string (&Values)[NumCoverageMaps]);

/// The ids of the BPF maps process \p Pid holds open (its fdinfo's
/// `map_id:` lines). Returns 0 or -errno with \p Why set.
int heldMapIds(int Pid, std::vector<uint32_t> &Ids, std::string &Why);

/// What `gen --loaded` collects: the objects named (all when none), those
/// whose maps process Pid holds (all when 0); with ObjectFiles, the
/// counters of those object files instead (counters-only collection).
struct LoadedQuery {
  std::vector<std::string> Names;
  int Pid = 0;
  std::vector<std::string> ObjectFiles;
};

/// Reads what \p Q asks for into \p Objects (an object that cannot be read
/// gets its Error). Returns 0, or -errno after printing the error (what is
/// wrong and how to fix it) when there is nothing to read.
int readLoadedObjects(const LoadedQuery &Q, std::vector<ObjectMaps> &Objects);

/// Keeps the objects of which \p Held has at least one map. Pure.
void keepHeldObjects(std::vector<LoadedObject> &Objects,
                     const std::vector<uint32_t> &Held);

} // namespace bpfcov

#endif // BPFCOV_CLI_LOADEDOBJECTS_H

//===-- CountersOnly.h - Coverage from counters alone + the object file ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Counters-only collection (issue 13): when the kernel holds the counters
// but not the records, names or header (a loader dropped them, as
// cilium/ebpf 0.9 does with every data section no instruction uses, or the
// counters share .bss with the program's own globals under
// -bpfcov-counters-section=bss), gen takes those from the object file the
// program was loaded from and rebuilds the four map values that
// parseCoverageMaps() (CoverageMaps.h) already reads. Pure: bytes in, bytes
// out, no libbpf, no I/O (ObjectSections.h reads the object and BTF).
//
//   kernel: counters map value          object file (.bpf.o)
//           + its BTF DATASEC vars        .rodata.profd .rodata.profn
//             (__profc_*, __profbm_*,     .rodata.covmap, and the DATASEC
//              and the program's own)     vars of the counters section
//                     \                       /
//                  rebuildCoverageMaps(): check, then lay the counter vars
//                  out as the pass did (each 8-aligned, in offset order)
//                     -> {Profc, Profd, Profn, CovMap}
//
// USAGE:
//   ObjectCoverage Obj;        // readObjectCoverage("x.bpf.o", Obj, Err)
//   std::vector<SectionVar> Loaded; // readDataSecVars(map's BTF, ...)
//   CoverageMapValues V;
//   if (rebuildCoverageMaps(MapValue, Loaded, Obj, V, Err) ||
//       parseCoverageMaps(V.Profc, V.Profd, V.Profn, V.CovMap, In, Err)) ...
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_COUNTERSONLY_H
#define BPFCOV_CLI_COUNTERSONLY_H

#include <cstdint>
#include <string>
#include <vector>

namespace bpfcov {

/// One variable of a data section: a BTF DATASEC entry (VarSecinfo) with
/// its VAR's name, as in the kernel's copy of the BTF or in the object's
/// BTF after libbpf fixed the offsets up from the symbol table.
struct SectionVar {
  std::string Name;
  uint64_t Offset = 0; ///< byte offset in the section (= in the map value)
  uint64_t Size = 0;   ///< bytes
};

/// What counters-only collection takes from the object file.
struct ObjectCoverage {
  std::string Profd;  ///< bytes of .rodata.profd
  std::string Profn;  ///< bytes of .rodata.profn
  std::string CovMap; ///< bytes of .rodata.covmap
  /// The section holding the counters: BssCountersSection when the covmap
  /// flags have CovMapFlagBssCounters, else CountersSection (Names.h).
  std::string CountersSection;
  /// Every variable of that section's DATASEC (program globals included).
  std::vector<SectionVar> Vars;
};

/// The values of one object's four coverage maps, as gen reads them from
/// pins: the arguments of parseCoverageMaps().
struct CoverageMapValues {
  std::string Profc, Profd, Profn, CovMap;
};

/// Rebuilds \p Out from the counters the kernel holds and the object file.
///
/// \p Counters is the value (key 0) of the map of Obj.CountersSection, in
/// host byte order; \p LoadedVars the DATASEC variables of that map's BTF
/// (order free). Only variables named __profc_* and __profbm_* (Names.h
/// CountersPrefix, BitmapPrefix) count; the program's own are ignored.
///
/// Checks, each failure a message (lower-case, no period, naming the fix)
/// in \p Err and -EINVAL, with \p Out untouched:
///  * the covmap is bpfcov's header (size, magic);
///  * .rodata.profd is whole records and the object has counter variables;
///  * the loaded counter variables are exactly the object's: same names,
///    sizes and offsets (a different build of the object is refused);
///  * each lies inside \p Counters;
///  * record i's DF_CountersOffset is where the i-th __profc_ variable
///    lands below, and the records with MC/DC bitmap bytes have their
///    DF_BitmapOffset where the __profbm_ variables land, in order.
///
/// Out.Profc is the counter variables laid out as the pass computed the
/// record offsets: sorted by offset, each placed at the next multiple of 8
/// (counters in record order, then bitmaps), copied from \p Counters.
/// Out.Profd, Out.Profn and Out.CovMap are the object's bytes.
/// Returns 0 or -EINVAL.
int rebuildCoverageMaps(const std::string &Counters,
                        const std::vector<SectionVar> &LoadedVars,
                        const ObjectCoverage &Obj, CoverageMapValues &Out,
                        std::string &Err);

} // namespace bpfcov

#endif // BPFCOV_CLI_COUNTERSONLY_H

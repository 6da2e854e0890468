//===-- CountersOnly.cpp - Coverage from counters alone + the object file -===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The pure half of counters-only collection (see CountersOnly.h): checks
// that the counters held by the kernel belong to the object file given,
// then lays them out as the pass did, so the object's records apply.
//
// USAGE: rebuildCoverageMaps(MapValue, LoadedVars, Obj, Values, Err)
//===----------------------------------------------------------------------===//
#include "CountersOnly.h"

#include "bpfcov/Names.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace bpfcov {

namespace {

bool hasPrefix(const std::string &S, const char *Prefix) {
  return S.compare(0, std::strlen(Prefix), Prefix) == 0;
}

bool isCounterVar(const SectionVar &V) {
  return hasPrefix(V.Name, CountersPrefix) || hasPrefix(V.Name, BitmapPrefix);
}

/// The counter variables of \p Vars, sorted by offset.
std::vector<SectionVar> counterVars(const std::vector<SectionVar> &Vars) {
  std::vector<SectionVar> Out;
  for (const SectionVar &V : Vars)
    if (isCounterVar(V))
      Out.push_back(V);
  std::stable_sort(Out.begin(), Out.end(),
                   [](const SectionVar &A, const SectionVar &B) {
                     return A.Offset < B.Offset;
                   });
  return Out;
}

const SectionVar *findVar(const std::vector<SectionVar> &Vars,
                          const std::string &Name) {
  for (const SectionVar &V : Vars)
    if (V.Name == Name)
      return &V;
  return nullptr;
}

std::string describe(const SectionVar &V) {
  return "'" + V.Name + "' (" + std::to_string(V.Size) + " bytes at offset " +
         std::to_string(V.Offset) + ")";
}

uint64_t field(const std::string &Bytes, size_t Off) {
  uint64_t V;
  std::memcpy(&V, Bytes.data() + Off, sizeof(V));
  return V;
}

constexpr const char *Rebuild =
    ": give the .bpf.o the running program was loaded from, or rebuild and "
    "reload it";

} // namespace

int rebuildCoverageMaps(const std::string &Counters,
                        const std::vector<SectionVar> &LoadedVars,
                        const ObjectCoverage &Obj, CoverageMapValues &Out,
                        std::string &Err) {
  // STEP 1: the object's own sections.
  if (Obj.CovMap.size() != CovMapSize ||
      field(Obj.CovMap, CovMapFieldOffset[CF_Magic]) != CovMapMagic) {
    Err = "the object's " + std::string(CovMapSection) + " (" +
          std::to_string(Obj.CovMap.size()) +
          " bytes) is not bpfcov's header: build the object with bpfcov-cc "
          "or bpfcov_add_bpf_object";
    return -EINVAL;
  }
  uint64_t Flags = field(Obj.CovMap, CovMapFieldOffset[CF_Flags]);
  const char *Section =
      (Flags & CovMapFlagBssCounters) ? BssCountersSection : CountersSection;
  if (Obj.CountersSection != Section) {
    Err = "the object's header puts the counters in '" + std::string(Section) +
          "', not in '" + Obj.CountersSection + "'";
    return -EINVAL;
  }
  if (Obj.Profd.size() % DataRecordSize) {
    Err = "the object's " + std::string(DataSection) + " is " +
          std::to_string(Obj.Profd.size()) + " bytes, not whole " +
          std::to_string(DataRecordSize) + "-byte records";
    return -EINVAL;
  }
  std::vector<SectionVar> ObjVars = counterVars(Obj.Vars);
  if (ObjVars.empty()) {
    Err = "the object has no " + std::string(CountersPrefix) +
          " variables in its '" + Obj.CountersSection +
          "' section: build it with bpfcov-cc or bpfcov_add_bpf_object";
    return -EINVAL;
  }

  // STEP 2: the kernel's counters are the object's, variable for variable.
  std::vector<SectionVar> Loaded = counterVars(LoadedVars);
  for (const SectionVar &O : ObjVars) {
    const SectionVar *L = findVar(Loaded, O.Name);
    if (!L) {
      Err = "the loaded counters lack the object's " + describe(O) + Rebuild;
      return -EINVAL;
    }
    if (L->Offset != O.Offset || L->Size != O.Size) {
      Err = "the loaded counters do not match the object: " + describe(*L) +
            " in the kernel, " + describe(O) + " in the object" + Rebuild;
      return -EINVAL;
    }
    if (L->Offset > Counters.size() || L->Size > Counters.size() - L->Offset) {
      Err = "counter variable " + describe(*L) + " lies outside the " +
            std::to_string(Counters.size()) + "-byte map value of '" +
            Obj.CountersSection + "'";
      return -EINVAL;
    }
  }
  for (const SectionVar &L : Loaded)
    if (!findVar(ObjVars, L.Name)) {
      Err = "the loaded counters have " + describe(L) +
            ", which the object lacks" + Rebuild;
      return -EINVAL;
    }

  // STEP 3: the pass's layout: counters in record order, then bitmaps, each
  // at the next multiple of 8 (lib/BPFCov.cpp, lowerCounters).
  std::string Profc;
  std::vector<uint64_t> CounterStarts, BitmapStarts;
  for (const SectionVar &V : ObjVars) {
    uint64_t Start = (Profc.size() + 7) & ~uint64_t(7);
    Profc.resize(Start, '\0');
    Profc.append(Counters, V.Offset, V.Size);
    (hasPrefix(V.Name, CountersPrefix) ? CounterStarts : BitmapStarts)
        .push_back(Start);
  }
  Profc.resize((Profc.size() + 7) & ~uint64_t(7), '\0');

  // STEP 4: the records agree with that layout.
  size_t NumRecords = Obj.Profd.size() / DataRecordSize;
  if (NumRecords != CounterStarts.size()) {
    Err = "the object has " + std::to_string(NumRecords) + " records in " +
          DataSection + " but " + std::to_string(CounterStarts.size()) + " " +
          CountersPrefix + " variables";
    return -EINVAL;
  }
  size_t Bitmap = 0;
  for (size_t R = 0; R < NumRecords; ++R) {
    size_t Base = R * DataRecordSize;
    uint64_t Off = field(Obj.Profd, Base + DF_CountersOffset * 8);
    if (Off != CounterStarts[R]) {
      Err = "record " + std::to_string(R) + " of the object's " + DataSection +
            " has its counters at offset " + std::to_string(Off) +
            ", but its counter variable starts at " +
            std::to_string(CounterStarts[R]) +
            ": the object was not written by this bpfcov pass";
      return -EINVAL;
    }
    if (field(Obj.Profd, Base + DF_NumBitmapBytes * 8) == 0)
      continue;
    uint64_t BitmapOff = field(Obj.Profd, Base + DF_BitmapOffset * 8);
    if (Bitmap == BitmapStarts.size() || BitmapOff != BitmapStarts[Bitmap]) {
      Err = "record " + std::to_string(R) + " of the object's " + DataSection +
            " has MC/DC bitmap bytes at offset " + std::to_string(BitmapOff) +
            " that no " + BitmapPrefix +
            " variable holds: the object was not written by this bpfcov pass";
      return -EINVAL;
    }
    ++Bitmap;
  }
  if (Bitmap != BitmapStarts.size()) {
    Err = "the object has " + std::to_string(BitmapStarts.size()) + " " +
          BitmapPrefix + " variables but " + std::to_string(Bitmap) +
          " records with MC/DC bitmap bytes";
    return -EINVAL;
  }

  Out.Profc = std::move(Profc);
  Out.Profd = Obj.Profd;
  Out.Profn = Obj.Profn;
  Out.CovMap = Obj.CovMap;
  return 0;
}

} // namespace bpfcov

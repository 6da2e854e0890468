//===-- ObjectSections.cpp - Coverage sections and DATASECs, by libbpf ----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Reads an instrumented object's coverage sections and the counters'
// DATASEC with libbpf's open (no load): see ObjectSections.h.
//
// USAGE: readObjectCoverage("x.bpf.o", Obj, Err)
//===----------------------------------------------------------------------===//
#include "ObjectSections.h"

#include "bpfcov/Names.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace bpfcov {

int readDataSecVars(const struct btf *Btf, const std::string &Section,
                    std::vector<SectionVar> &Vars, std::string &Err) {
  Vars.clear();
  int Id = btf__find_by_name_kind(Btf, Section.c_str(), BTF_KIND_DATASEC);
  if (Id < 0) {
    Err = "no DATASEC '" + Section + "' in the BTF";
    return -ENOENT;
  }
  const struct btf_type *T = btf__type_by_id(Btf, Id);
  const struct btf_var_secinfo *Info = btf_var_secinfos(T);
  for (unsigned I = 0; I < btf_vlen(T); ++I, ++Info) {
    const struct btf_type *Var = btf__type_by_id(Btf, Info->type);
    const char *Name = Var && btf_is_var(Var)
                           ? btf__name_by_offset(Btf, Var->name_off)
                           : nullptr;
    if (!Name || !*Name) {
      Err = "entry " + std::to_string(I) + " of DATASEC '" + Section +
            "' is not a named variable";
      return -EINVAL;
    }
    Vars.push_back({Name, Info->offset, Info->size});
  }
  return 0;
}

namespace {

struct ObjectCloser {
  void operator()(struct bpf_object *Obj) const { bpf_object__close(Obj); }
};

/// The bytes of the data section \p Section of \p Obj (libbpf's map of it).
int readSection(struct bpf_object *Obj, const char *Section, std::string &Out,
                std::string &Err) {
  struct bpf_map *Map = bpf_object__find_map_by_name(Obj, Section);
  size_t Size = 0;
  const void *Data = Map ? bpf_map__initial_value(Map, &Size) : nullptr;
  if (!Data) {
    Err = "no section '" + std::string(Section) +
          "': build the object with bpfcov-cc or bpfcov_add_bpf_object";
    return -ENOENT;
  }
  Out.assign(static_cast<const char *>(Data), Size);
  return 0;
}

} // namespace

int readObjectCoverage(const std::string &Path, ObjectCoverage &Obj,
                       std::string &Err) {
  std::unique_ptr<struct bpf_object, ObjectCloser> O(
      bpf_object__open_file(Path.c_str(), nullptr));
  if (!O) {
    int E = errno ? errno : EINVAL;
    Err = "cannot open BPF object '" + Path + "': " + std::strerror(E);
    return -E;
  }
  ObjectCoverage New;
  int R;
  if ((R = readSection(O.get(), DataSection, New.Profd, Err)) ||
      (R = readSection(O.get(), NamesSection, New.Profn, Err)) ||
      (R = readSection(O.get(), CovMapSection, New.CovMap, Err))) {
    Err = "'" + Path + "': " + Err;
    return R;
  }
  uint64_t Flags = 0;
  if (New.CovMap.size() >= CovMapSize)
    std::memcpy(&Flags, New.CovMap.data() + CovMapFieldOffset[CF_Flags],
                sizeof(Flags));
  New.CountersSection =
      (Flags & CovMapFlagBssCounters) ? BssCountersSection : CountersSection;
  const struct btf *Btf = bpf_object__btf(O.get());
  if (!Btf) {
    Err = "'" + Path + "' has no BTF: build it with -g (bpfcov-cc does)";
    return -ENOENT;
  }
  if ((R = readDataSecVars(Btf, New.CountersSection, New.Vars, Err))) {
    Err = "'" + Path + "': " + Err;
    return R;
  }
  Obj = std::move(New);
  return 0;
}

} // namespace bpfcov

//===-- CountersOnlyDump.cpp - Counters-only collection for e2e tests ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Until `bpfcov gen` collects counters-only objects itself (issue 13), the
// e2e tests drive the library through this tool: it reads a pinned counters
// map (value and the kernel's BTF DATASEC of it) and the object file the
// program was loaded from, calls rebuildCoverageMaps(), and writes the four
// map values where `bpfcov gen --from-dump=DIR` reads them:
// DIR/<object>/{profc,profd,profn,covmap}, <object> from the covmap header.
//
// USAGE: counters-only-dump PINNED_MAP OBJ DIR   (root: reads a pinned map)
//===----------------------------------------------------------------------===//
#include "CountersOnly.h"
#include "ObjectSections.h"

#include "bpfcov/Names.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace bpfcov;

namespace {

int fail(const std::string &Msg) {
  std::fprintf(stderr, "counters-only-dump: error: %s\n", Msg.c_str());
  return 1;
}

bool writeFile(const std::string &Path, const std::string &Bytes) {
  std::ofstream F(Path, std::ios::binary | std::ios::trunc);
  F.write(Bytes.data(), Bytes.size());
  return bool(F.flush());
}

} // namespace

int main(int Argc, char **Argv) {
  if (Argc != 4)
    return fail("usage: counters-only-dump PINNED_MAP OBJ DIR");
  std::string Err;
  ObjectCoverage Obj;
  if (readObjectCoverage(Argv[2], Obj, Err))
    return fail(Err);

  // The kernel's side: the map value and the BTF the loader gave the map.
  int Fd = bpf_obj_get(Argv[1]);
  if (Fd < 0)
    return fail(std::string("cannot open pinned map '") + Argv[1] +
                "': " + std::strerror(errno));
  struct bpf_map_info Info = {};
  uint32_t Len = sizeof(Info);
  if (bpf_obj_get_info_by_fd(Fd, &Info, &Len))
    return fail(std::string("cannot read map info: ") + std::strerror(errno));
  if (!Info.btf_id)
    return fail(std::string("map '") + Argv[1] + "' has no BTF");
  std::string Value(Info.value_size, '\0');
  uint32_t Key = 0;
  if (bpf_map_lookup_elem(Fd, &Key, &Value[0]))
    return fail(std::string("cannot read map '") + Argv[1] +
                "': " + std::strerror(errno));
  struct btf *Btf = btf__load_from_kernel_by_id(Info.btf_id);
  if (!Btf)
    return fail("cannot load BTF id " + std::to_string(Info.btf_id) + ": " +
                std::strerror(errno));
  std::vector<SectionVar> Loaded;
  int R = readDataSecVars(Btf, Obj.CountersSection, Loaded, Err);
  btf__free(Btf);
  close(Fd);
  if (R)
    return fail(Err);

  CoverageMapValues V;
  if (rebuildCoverageMaps(Value, Loaded, Obj, V, Err))
    return fail(Err);
  const char *NameField = V.CovMap.data() + CovMapFieldOffset[CF_ObjectName];
  std::string Name(NameField, strnlen(NameField, ObjectNameSize));
  std::string Dir = std::string(Argv[3]) + "/" + Name;
  if (mkdir(Argv[3], 0755) && errno != EEXIST)
    return fail(std::string("cannot create '") + Argv[3] + "'");
  if (mkdir(Dir.c_str(), 0755) && errno != EEXIST)
    return fail("cannot create '" + Dir + "'");
  const std::string *Values[NumCoverageMaps] = {&V.Profc, &V.Profd, &V.Profn,
                                                &V.CovMap};
  for (unsigned I = 0; I < NumCoverageMaps; ++I)
    if (!writeFile(Dir + "/" + CoverageMaps[I].Pin, *Values[I]))
      return fail("cannot write '" + Dir + "/" + CoverageMaps[I].Pin + "'");
  std::printf("object '%s': counters from the %s map, the rest from '%s'\n",
              Name.c_str(), Obj.CountersSection.c_str(), Argv[2]);
  return 0;
}

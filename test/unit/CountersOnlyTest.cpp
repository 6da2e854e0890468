//===-- CountersOnlyTest.cpp - Counters-only collection -------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// rebuildCoverageMaps() on a synthetic object whose counters share .bss
// with program globals: the rebuilt profc, its round trip through
// parseCoverageMaps(), and every refusal with its exact message. Then
// readObjectCoverage() on the xdp example built both ways (xdp-bss.bpf.o,
// counters in .bss; xdp.bpf.o, in .data.profc) and a round trip of its
// sections.
//
// USAGE: build-*/test/unit/bpfcov_unit_tests --gtest_filter='CountersOnly*'
//===----------------------------------------------------------------------===//
#include "CountersOnly.h"
#include "CoverageMaps.h"
#include "ObjectSections.h"
#include "ProfRaw.h"

#include "bpfcov/Names.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

using namespace bpfcov;

namespace {

void putU64(std::string &S, size_t Off, uint64_t V) {
  if (S.size() < Off + 8)
    S.resize(Off + 8, '\0');
  std::memcpy(&S[Off], &V, 8);
}

uint64_t getU64(const std::string &S, size_t Off) {
  uint64_t V;
  std::memcpy(&V, S.data() + Off, 8);
  return V;
}

// MD5 name refs of "alpha" and "beta" (as in ProfRawTest.cpp).
constexpr uint64_t AlphaRef = 0xbf5f3091a343172cULL;
constexpr uint64_t BetaRef = 0xb29e921bb0ca7b98ULL;

/// bpfcov's header: raw version 8 (LLVM 14), object "prog", \p Flags.
std::string covMap(uint64_t Flags) {
  std::string C(CovMapSize, '\0');
  putU64(C, CovMapFieldOffset[CF_Magic], CovMapMagic);
  putU64(C, CovMapFieldOffset[CF_RawVersion], 8);
  putU64(C, CovMapFieldOffset[CF_LLVMMajor], 14);
  putU64(C, CovMapFieldOffset[CF_Flags], Flags);
  std::memcpy(&C[CovMapFieldOffset[CF_ObjectName]], "prog", 4);
  return C;
}

/// One .rodata.profd record.
void addRecord(std::string &Profd, uint64_t NameRef, uint64_t CountersOff,
               uint64_t NumCounters, uint64_t BitmapOff = 0,
               uint64_t BitmapBytes = 0) {
  size_t Base = Profd.size();
  uint64_t Fields[NumDataFields] = {NameRef,     0x1234,    CountersOff,
                                    NumCounters, BitmapOff, BitmapBytes};
  for (unsigned F = 0; F < NumDataFields; ++F)
    putU64(Profd, Base + F * 8, Fields[F]);
}

/// .bss of a program with globals `runs` (u64) and `last` (u32) before the
/// counters of alpha (3 counters, at 16) and beta (1, at 40), as
/// -bpfcov-counters-section=bss lays them out; records at 0 and 24.
struct Fixture {
  ObjectCoverage Obj;
  std::string Counters;
  std::vector<SectionVar> Loaded;

  Fixture() {
    Obj.CovMap = covMap(CovMapFlagAtomic | CovMapFlagBssCounters);
    Obj.CountersSection = BssCountersSection;
    addRecord(Obj.Profd, AlphaRef, 0, 3);
    addRecord(Obj.Profd, BetaRef, 24, 1);
    Obj.Profn = std::string("\x0a\x00"
                            "alpha\x01"
                            "beta",
                            12);
    Obj.Vars = {{"runs", 0, 8},
                {"last", 8, 4},
                {"__profc_alpha", 16, 24},
                {"__profc_beta", 40, 8}};
    Loaded = {Obj.Vars[3], Obj.Vars[0], Obj.Vars[2], Obj.Vars[1]};
    putU64(Counters, 0, 777); // runs: not a counter
    putU64(Counters, 8, 3);   // last
    putU64(Counters, 16, 5);
    putU64(Counters, 24, 2);
    putU64(Counters, 32, 1);
    putU64(Counters, 40, 42);
  }

  /// The error of rebuildCoverageMaps, "" when it succeeds.
  std::string error() {
    CoverageMapValues Out;
    std::string Err;
    int R = rebuildCoverageMaps(Counters, Loaded, Obj, Out, Err);
    EXPECT_EQ(R == 0, Err.empty());
    return R ? Err : "";
  }
};

const std::string Fix = ": give the .bpf.o the running program was loaded "
                        "from, or rebuild and reload it";

} // namespace

TEST(CountersOnlyRebuild, CountersSharingBssWithProgramGlobals) {
  Fixture F;
  CoverageMapValues Out;
  std::string Err;
  ASSERT_EQ(rebuildCoverageMaps(F.Counters, F.Loaded, F.Obj, Out, Err), 0)
      << Err;
  ASSERT_EQ(Out.Profc.size(), 32u);
  EXPECT_EQ(getU64(Out.Profc, 0), 5u);
  EXPECT_EQ(getU64(Out.Profc, 8), 2u);
  EXPECT_EQ(getU64(Out.Profc, 16), 1u);
  EXPECT_EQ(getU64(Out.Profc, 24), 42u);
  EXPECT_EQ(Out.Profd, F.Obj.Profd);
  EXPECT_EQ(Out.Profn, F.Obj.Profn);
  EXPECT_EQ(Out.CovMap, F.Obj.CovMap);

  ProfRawInput In;
  ASSERT_EQ(
      parseCoverageMaps(Out.Profc, Out.Profd, Out.Profn, Out.CovMap, In, Err),
      0)
      << Err;
  EXPECT_EQ(In.Counters, (std::vector<uint64_t>{5, 2, 1, 42}));
  EXPECT_EQ(In.ObjectName, "prog");
  ASSERT_EQ(In.Functions.size(), 2u);
  EXPECT_EQ(In.Functions[1].CountersOffset, 24u);
}

TEST(CountersOnlyRebuild, BitmapsAfterCountersEachEightAligned) {
  // gamma: 1 counter at 0 in .data.profc, 3 bitmap bytes padded to 8 at 8.
  ObjectCoverage Obj;
  Obj.CovMap = covMap(0);
  Obj.CountersSection = CountersSection;
  addRecord(Obj.Profd, 0xc3, 0, 1, 8, 3);
  Obj.Vars = {{"__profc_gamma", 0, 8}, {"__profbm_gamma", 8, 8}};
  std::string Counters;
  putU64(Counters, 0, 9);
  putU64(Counters, 8, 0x050301);
  CoverageMapValues Out;
  std::string Err;
  ASSERT_EQ(rebuildCoverageMaps(Counters, Obj.Vars, Obj, Out, Err), 0) << Err;
  EXPECT_EQ(Out.Profc, Counters);

  // A record whose bitmap offset is not where the variable lands.
  Obj.Profd.clear();
  addRecord(Obj.Profd, 0xc3, 0, 1, 16, 3);
  EXPECT_NE(rebuildCoverageMaps(Counters, Obj.Vars, Obj, Out, Err), 0);
  EXPECT_EQ(Err, "record 0 of the object's .rodata.profd has MC/DC bitmap "
                 "bytes at offset 16 that no __profbm_ variable holds: the "
                 "object was not written by this bpfcov pass");
}

TEST(CountersOnlyRebuild, RefusesAnotherBuildOfTheObject) {
  {
    Fixture F;
    F.Loaded[0].Size = 16; // beta has 2 counters in the kernel
    EXPECT_EQ(F.error(), "the loaded counters do not match the object: "
                         "'__profc_beta' (16 bytes at offset 40) in the "
                         "kernel, '__profc_beta' (8 bytes at offset 40) in "
                         "the object" +
                             Fix);
  }
  {
    Fixture F;
    F.Loaded[2].Offset = 24;
    EXPECT_EQ(F.error(), "the loaded counters do not match the object: "
                         "'__profc_alpha' (24 bytes at offset 24) in the "
                         "kernel, '__profc_alpha' (24 bytes at offset 16) in "
                         "the object" +
                             Fix);
  }
  {
    Fixture F;
    F.Loaded.erase(F.Loaded.begin()); // no __profc_beta
    EXPECT_EQ(F.error(), "the loaded counters lack the object's "
                         "'__profc_beta' (8 bytes at offset 40)" +
                             Fix);
  }
  {
    Fixture F;
    F.Loaded.push_back({"__profc_gamma", 48, 8});
    EXPECT_EQ(F.error(), "the loaded counters have '__profc_gamma' (8 bytes "
                         "at offset 48), which the object lacks" +
                             Fix);
  }
  {
    // The program's own globals may differ: only counters are compared.
    Fixture F;
    F.Loaded.push_back({"other", 48, 8});
    EXPECT_EQ(F.error(), "");
  }
}

TEST(CountersOnlyRebuild, RefusesBadInput) {
  {
    Fixture F;
    F.Counters.resize(44);
    EXPECT_EQ(F.error(), "counter variable '__profc_beta' (8 bytes at offset "
                         "40) lies outside the 44-byte map value of '.bss'");
  }
  {
    Fixture F;
    putU64(F.Obj.CovMap, 0, 0x1122);
    EXPECT_EQ(F.error(), "the object's .rodata.covmap (112 bytes) is not "
                         "bpfcov's header: build the object with bpfcov-cc "
                         "or bpfcov_add_bpf_object");
  }
  {
    Fixture F;
    F.Obj.CountersSection = CountersSection;
    EXPECT_EQ(F.error(), "the object's header puts the counters in '.bss', "
                         "not in '.data.profc'");
  }
  {
    Fixture F;
    F.Obj.Profd.resize(50);
    EXPECT_EQ(F.error(), "the object's .rodata.profd is 50 bytes, not whole "
                         "48-byte records");
  }
  {
    Fixture F;
    F.Obj.Vars.resize(2);
    EXPECT_EQ(F.error(), "the object has no __profc_ variables in its '.bss' "
                         "section: build it with bpfcov-cc or "
                         "bpfcov_add_bpf_object");
  }
  {
    Fixture F;
    putU64(F.Obj.Profd, DataRecordSize + DF_CountersOffset * 8, 32);
    EXPECT_EQ(F.error(), "record 1 of the object's .rodata.profd has its "
                         "counters at offset 32, but its counter variable "
                         "starts at 24: the object was not written by this "
                         "bpfcov pass");
  }
  {
    Fixture F;
    F.Obj.Profd.resize(DataRecordSize);
    EXPECT_EQ(F.error(), "the object has 1 records in .rodata.profd but 2 "
                         "__profc_ variables");
  }
}

//===-- Real objects: the xdp example built with and without bss ----------===//

#ifdef BPFCOV_OBJ_ROOT
#define REQUIRE_EXAMPLES()
#else
#define BPFCOV_OBJ_ROOT ""
#define REQUIRE_EXAMPLES()                                                     \
  GTEST_SKIP() << "needs the examples (BPFCOV_BUILD_EXAMPLES=ON)"
#endif

namespace {
std::string example(const char *Name) {
  return std::string(BPFCOV_OBJ_ROOT) + "/examples/xdp/" + Name;
}
} // namespace

TEST(CountersOnlyObject, ReadsTheBssBuildOfTheXdpExample) {
  REQUIRE_EXAMPLES();
  ObjectCoverage Obj;
  std::string Err;
  ASSERT_EQ(readObjectCoverage(example("xdp-bss.bpf.o"), Obj, Err), 0) << Err;
  EXPECT_EQ(Obj.CountersSection, ".bss");
  EXPECT_EQ(Obj.CovMap.size(), CovMapSize);
  // 7 functions: xdp_firewall, load_config, parse_frame, fw_decide,
  // swap_macs, parse_l4, fw_port_blocked.
  EXPECT_EQ(Obj.Profd.size(), 7 * DataRecordSize);
  ASSERT_EQ(Obj.Vars.size(), 7u);
  uint64_t BssEnd = 0;
  for (const SectionVar &V : Obj.Vars) {
    EXPECT_EQ(V.Name.rfind(CountersPrefix, 0), 0u) << V.Name;
    BssEnd = std::max(BssEnd, V.Offset + V.Size);
  }
  // The kernel's copy: counter i holds i + 1, wherever it sits in .bss.
  std::string Counters(BssEnd, '\0');
  uint64_t N = 0;
  for (const SectionVar &V : Obj.Vars)
    for (uint64_t Off = V.Offset; Off < V.Offset + V.Size; Off += 8)
      putU64(Counters, Off, ++N);
  CoverageMapValues Out;
  ASSERT_EQ(rebuildCoverageMaps(Counters, Obj.Vars, Obj, Out, Err), 0) << Err;
  ProfRawInput In;
  ASSERT_EQ(
      parseCoverageMaps(Out.Profc, Out.Profd, Out.Profn, Out.CovMap, In, Err),
      0)
      << Err;
  EXPECT_EQ(In.ObjectName, "xdp-bss");
  ASSERT_EQ(In.Counters.size(), N);
  // Record order is the order of the variables in .bss, so the values the
  // records gather are 1, 2, ... N in turn.
  for (uint64_t I = 0; I < N; ++I)
    EXPECT_EQ(In.Counters[I], I + 1) << "counter " << I;
}

TEST(CountersOnlyObject, ReadsTheDefaultBuildOfTheXdpExample) {
  REQUIRE_EXAMPLES();
  ObjectCoverage Obj;
  std::string Err;
  ASSERT_EQ(readObjectCoverage(example("xdp.bpf.o"), Obj, Err), 0) << Err;
  EXPECT_EQ(Obj.CountersSection, ".data.profc");
  ASSERT_EQ(Obj.Vars.size(), 7u);
  EXPECT_EQ(Obj.Vars[0].Name, "__profc_xdp_firewall");
  EXPECT_EQ(Obj.Vars[0].Offset, 0u);
}

TEST(CountersOnlyObject, RefusesObjectsWithoutCoverage) {
  REQUIRE_EXAMPLES();
  ObjectCoverage Obj;
  std::string Err;
  std::string Plain = example("plain/xdp.bpf.o");
  EXPECT_EQ(readObjectCoverage(Plain, Obj, Err), -ENOENT);
  EXPECT_EQ(Err, "'" + Plain +
                     "': no section '.rodata.profd': build the object with "
                     "bpfcov-cc or bpfcov_add_bpf_object");
  EXPECT_EQ(readObjectCoverage("/nonexistent.bpf.o", Obj, Err), -ENOENT);
  EXPECT_EQ(Err, "cannot open BPF object '/nonexistent.bpf.o': No such file "
                 "or directory");
}

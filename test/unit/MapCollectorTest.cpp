//===-- MapCollectorTest.cpp - Unit tests of run's map grouping -----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// How `bpfcov run` groups the coverage maps APP creates into objects (by
// BTF id; by creating thread without BTF), which maps it takes, when a
// group is complete, and the covmap header it reads the object name from.
// No kernel: the maps are stand-in fds.
//
// USAGE: build-*/test/unit/bpfcov_unit_tests --gtest_filter='MapCollector*'
//===----------------------------------------------------------------------===//
#include "MapCollector.h"

#include "LoadedObjects.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace bpfcov;

namespace {

/// The slot of a map named \p Name that has no BTF (as coverageSlot()
/// tells it to run and to gen --loaded).
int slotOf(const char *Name) { return coverageSlot("", Name); }

UniqueFd someFd() { return UniqueFd(open("/dev/null", O_RDONLY | O_CLOEXEC)); }

/// Adds the four coverage maps of one object, in libbpf's order.
std::vector<int> addObject(MapCollector &C, pid_t Tid, uint32_t BtfId) {
  std::vector<int> Groups;
  for (const MapName &M : CoverageMaps)
    Groups.push_back(C.addMap(Tid, slotOf(M.Section), BtfId,
                              M.Section == CovMapSection ? CovMapSize : 8,
                              someFd()));
  return Groups;
}

TEST(MapCollectorSlots, NamesWithoutBtfAreTheCoverageSections) {
  EXPECT_EQ(slotOf(".data.profc"), SlotCounters);
  EXPECT_EQ(slotOf(".rodata.profd"), SlotData);
  EXPECT_EQ(slotOf(".rodata.profn"), SlotNames);
  EXPECT_EQ(slotOf(".rodata.covmap"), SlotCovMap);
  EXPECT_EQ(slotOf(".rodata"), -1);
  EXPECT_EQ(slotOf(".data.profc2"), -1);
  EXPECT_EQ(slotOf("counts"), -1);
  // The kernel's map name: 16 bytes, NUL-padded.
  char Kernel[16] = {};
  std::memcpy(Kernel, ".rodata.covmap", 14);
  EXPECT_EQ(slotOf(Kernel), SlotCovMap);
}

TEST(MapCollectorGroups, OneGroupPerBtfId) {
  AppPins Pins;
  MapCollector C(Pins);
  std::vector<int> A = addObject(C, 100, 7);
  std::vector<int> B = addObject(C, 100, 9);
  EXPECT_EQ(A, std::vector<int>(4, 0));
  EXPECT_EQ(B, std::vector<int>(4, 1));
  ASSERT_EQ(C.groups().size(), 2u);
  EXPECT_EQ(C.groups()[0].BtfId, 7u);
  EXPECT_EQ(C.groups()[1].BtfId, 9u);
  EXPECT_EQ(C.groups()[0].Seq, 1u);
  EXPECT_EQ(C.groups()[1].Seq, 2u);
  EXPECT_TRUE(C.groups()[0].isComplete());
  EXPECT_TRUE(C.groups()[1].isComplete());
}

TEST(MapCollectorGroups, InterleavedObjectsKeepApart) {
  // Two loaders of one app, each creating its object's maps.
  AppPins Pins;
  MapCollector C(Pins);
  for (const MapName &M : CoverageMaps) {
    uint32_t Size = M.Section == CovMapSection ? CovMapSize : 8;
    EXPECT_EQ(C.addMap(100, slotOf(M.Section), 7, Size, someFd()), 0);
    EXPECT_EQ(C.addMap(200, slotOf(M.Section), 9, Size, someFd()), 1);
  }
  ASSERT_EQ(C.groups().size(), 2u);
  EXPECT_EQ(C.groups()[0].count(), NumCoverageMaps);
  EXPECT_EQ(C.groups()[1].count(), NumCoverageMaps);
}

TEST(MapCollectorGroups, WithoutBtfByCreatingThread) {
  AppPins Pins;
  MapCollector C(Pins);
  EXPECT_EQ(C.addMap(100, slotOf(CountersSection), 0, 8, someFd()), 0);
  EXPECT_EQ(C.addMap(200, slotOf(CountersSection), 0, 8, someFd()), 1);
  EXPECT_EQ(C.addMap(200, slotOf(DataSection), 0, 8, someFd()), 1);
  EXPECT_EQ(C.addMap(100, slotOf(DataSection), 0, 8, someFd()), 0);
  EXPECT_EQ(C.groups()[0].Tid, 100);
  EXPECT_EQ(C.groups()[1].Tid, 200);
  // A map with BTF never joins a group without.
  EXPECT_EQ(C.addMap(100, slotOf(NamesSection), 5, 8, someFd()), 2);
}

TEST(MapCollectorGroups, ATakenSlotStartsTheNextObject) {
  // The same object loaded twice with one BTF (e.g. its BTF fd reused).
  AppPins Pins;
  MapCollector C(Pins);
  EXPECT_EQ(C.addMap(100, slotOf(CountersSection), 7, 8, someFd()), 0);
  EXPECT_EQ(C.addMap(100, slotOf(CountersSection), 7, 8, someFd()), 1);
  EXPECT_EQ(C.addMap(100, slotOf(DataSection), 7, 8, someFd()), 0);
  EXPECT_EQ(C.addMap(100, slotOf(DataSection), 7, 8, someFd()), 1);
  EXPECT_EQ(C.groups().size(), 2u);
}

TEST(MapCollectorGroups, OtherMapsAreNotTaken) {
  AppPins Pins;
  MapCollector C(Pins);
  UniqueFd Fd = someFd();
  int Raw = Fd.get();
  EXPECT_EQ(C.addMap(100, slotOf(".rodata"), 7, 8, std::move(Fd)), -1);
  EXPECT_EQ(C.addMap(100, slotOf("counts"), 7, 8, someFd()), -1);
  EXPECT_TRUE(C.groups().empty());
  // Closed: bpfcov keeps no fd of a map it does not pin.
  EXPECT_EQ(fcntl(Raw, F_GETFD), -1);
}

TEST(MapCollectorGroups, CompleteNeedsAllFourAndAWholeHeader) {
  AppPins Pins;
  MapCollector C(Pins);
  C.addMap(100, slotOf(CountersSection), 7, 8, someFd());
  C.addMap(100, slotOf(DataSection), 7, 8, someFd());
  C.addMap(100, slotOf(NamesSection), 7, 8, someFd());
  EXPECT_EQ(C.groups()[0].count(), 3u);
  EXPECT_FALSE(C.groups()[0].isComplete());
  // A covmap too small for bpfcov's header: not bpfcov's.
  C.addMap(100, slotOf(CovMapSection), 7, CovMapSize - 1, someFd());
  EXPECT_EQ(C.groups()[0].count(), 4u);
  EXPECT_FALSE(C.groups()[0].isComplete());
  EXPECT_EQ(C.groups()[0].CovMapValueSize, CovMapSize - 1);
}

TEST(MapCollectorCovMap, ObjectNameAfterTheMagic) {
  std::vector<unsigned char> V(CovMapSize, 0);
  std::string Object;
  EXPECT_FALSE(readCovMapObjectName(V.data(), V.size(), Object))
      << "not filled in yet";
  std::memcpy(V.data() + CovMapFieldOffset[CF_Magic], &CovMapMagic, 8);
  std::memcpy(V.data() + CovMapFieldOffset[CF_ObjectName], "raw_enter", 9);
  ASSERT_TRUE(readCovMapObjectName(V.data(), V.size(), Object));
  EXPECT_EQ(Object, "raw_enter");
  // A full-length name has no NUL.
  std::memset(V.data() + CovMapFieldOffset[CF_ObjectName], 'x', ObjectNameSize);
  ASSERT_TRUE(readCovMapObjectName(V.data(), V.size(), Object));
  EXPECT_EQ(Object, std::string(ObjectNameSize, 'x'));
  EXPECT_FALSE(readCovMapObjectName(V.data(), CovMapSize - 1, Object));
}

} // namespace

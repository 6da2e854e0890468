//===-- LoadedObjectsTest.cpp - Discovery of loaded coverage maps ---------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// groupLoadedMaps and coverageSlot on made-up map facts: the maps of one
// object are grouped by their BTF object and named by the covmap header;
// an object missing a map or with two of a kind is reported, not guessed.
//===----------------------------------------------------------------------===//
#include "LoadedObjects.h"

#include <cstring>
#include <gtest/gtest.h>

using namespace bpfcov;

namespace {

std::string covMap(const char *Name, uint64_t Magic = CovMapMagic) {
  std::string V(CovMapSize, '\0');
  std::memcpy(&V[CovMapFieldOffset[CF_Magic]], &Magic, 8);
  std::strncpy(&V[CovMapFieldOffset[CF_ObjectName]], Name, ObjectNameSize);
  return V;
}

/// The four maps of one object: ids First..First+3, BTF \p Btf.
std::vector<MapFacts> object(uint32_t First, uint32_t Btf, const char *Name) {
  std::vector<MapFacts> Maps;
  for (unsigned I = 0; I < NumCoverageMaps; ++I) {
    MapFacts M;
    M.Id = First + I;
    M.BtfId = Btf;
    M.Slot = static_cast<int>(I);
    if (I == NumCoverageMaps - 1)
      M.CovMap = covMap(Name);
    Maps.push_back(M);
  }
  return Maps;
}

TEST(LoadedObjects, SlotFromDatasecOrName) {
  EXPECT_EQ(coverageSlot(".data.profc", "anything"), 0);
  EXPECT_EQ(coverageSlot(".rodata.covmap", ""), 3);
  // A DATASEC decides: a name that looks right does not.
  EXPECT_EQ(coverageSlot(".data", "x.data.profc"), -1);
  // Without BTF: libbpf's "<object prefix><section>", light skeletons' and
  // cilium/ebpf's bare section name.
  EXPECT_EQ(coverageSlot("", "xdp.data.profc"), 0);
  EXPECT_EQ(coverageSlot("", "x.rodata.profd"), 1);
  EXPECT_EQ(coverageSlot("", ".rodata.profn"), 2);
  EXPECT_EQ(coverageSlot("", "x.rodata.covmap"), 3);
  EXPECT_EQ(coverageSlot("", "xdp.rodata"), -1);
  EXPECT_EQ(coverageSlot("", "profc"), -1);
}

TEST(LoadedObjects, GroupsByBtfAndSortsByName) {
  std::vector<MapFacts> Maps = object(10, 7, "xdp");
  for (const MapFacts &M : object(20, 5, "tc"))
    Maps.push_back(M);
  MapFacts Other; // a program's own map
  Other.Id = 30;
  Other.BtfId = 7;
  Maps.push_back(Other);
  std::vector<LoadedObject> Objects = groupLoadedMaps(Maps);
  ASSERT_EQ(Objects.size(), 2u);
  EXPECT_EQ(Objects[0].Name, "tc");
  EXPECT_EQ(Objects[0].BtfId, 5u);
  EXPECT_EQ(Objects[0].Error, "");
  EXPECT_EQ(Objects[1].Name, "xdp");
  for (unsigned I = 0; I < NumCoverageMaps; ++I) {
    EXPECT_EQ(Objects[0].MapIds[I], 20 + I);
    EXPECT_EQ(Objects[1].MapIds[I], 10 + I);
  }
}

TEST(LoadedObjects, TwoLoadsOfOneObjectAreTwoObjects) {
  std::vector<MapFacts> Maps = object(10, 9, "xdp");
  for (const MapFacts &M : object(20, 8, "xdp"))
    Maps.push_back(M);
  std::vector<LoadedObject> Objects = groupLoadedMaps(Maps);
  ASSERT_EQ(Objects.size(), 2u);
  EXPECT_EQ(Objects[0].BtfId, 8u);
  EXPECT_EQ(Objects[1].BtfId, 9u);
}

TEST(LoadedObjects, MissingOrDoubledMapsAreErrors) {
  std::vector<MapFacts> Maps = object(10, 7, "xdp");
  Maps.erase(Maps.begin() + 1); // the loader dropped .rodata.profd
  std::vector<MapFacts> Doubled = object(20, 8, "tc");
  Doubled.push_back(Doubled[0]);
  Doubled.back().Id = 99;
  for (const MapFacts &M : Doubled)
    Maps.push_back(M);
  std::vector<LoadedObject> Objects = groupLoadedMaps(Maps);
  ASSERT_EQ(Objects.size(), 2u);
  EXPECT_EQ(Objects[0].Name, "tc");
  EXPECT_EQ(Objects[0].Error, "2 .data.profc maps share its BTF (id 8): "
                              "cannot tell which is its own");
  EXPECT_EQ(Objects[1].Name, "xdp");
  EXPECT_EQ(Objects[1].Error,
            "no .rodata.profd map shares its BTF (the loader dropped it)");
}

TEST(LoadedObjects, OnlyObjectsWithBpfcovsHeaderAndBtf) {
  std::vector<MapFacts> Maps = object(10, 7, "xdp");
  Maps.back().CovMap = covMap("xdp", 0x1234); // not bpfcov's magic
  for (MapFacts M : object(20, 0, "nobtf"))   // no BTF: cannot be grouped
    Maps.push_back(M);
  std::vector<MapFacts> NoCovMap = object(30, 9, "x");
  NoCovMap.pop_back();
  for (const MapFacts &M : NoCovMap)
    Maps.push_back(M);
  EXPECT_TRUE(groupLoadedMaps(Maps).empty());
}

TEST(LoadedObjects, KeepHeldObjects) {
  std::vector<MapFacts> Maps = object(10, 7, "xdp");
  for (const MapFacts &M : object(20, 5, "tc"))
    Maps.push_back(M);
  std::vector<LoadedObject> Objects = groupLoadedMaps(Maps);
  keepHeldObjects(Objects, {3, 12, 40});
  ASSERT_EQ(Objects.size(), 1u);
  EXPECT_EQ(Objects[0].Name, "xdp");
  keepHeldObjects(Objects, {});
  EXPECT_TRUE(Objects.empty());
}

} // namespace

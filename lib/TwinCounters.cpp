//===-- TwinCounters.cpp - One update for counters that always count alike -===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/TwinCounters.cpp
//
// DESCRIPTION:
//   After inlining, one block often updates several counters together: the
//   callee's entry counter and the caller's region around the call, or the
//   regions of `a && b` that run with their statement. In pyperf600's loop
//   body the verifier walked
//     r1 = *(u64 *)(r2 + 88) ; r1 += 1 ; *(u64 *)(r2 + 88) = r1
//     r1 = *(u64 *)(r3 + 0)  ; r1 += 1 ; *(u64 *)(r3 + 0) = r1
//   on every path of 600 iterations, twice in the body, and the program went
//   past the verifier's 1M instructions with plain counters.
//
//   Two counters whose updates are alike everywhere (in the same call-free
//   stretches of the same blocks, by the same amounts) always hold the same
//   count: a stretch runs to its end or not at all (a tail call does not
//   return, so a call ends a stretch). This step keeps the updates of one of
//   them, the first in .data.profc, and removes the other's, its twin's.
//   The twin's start value, which the program never writes any more, is a
//   TwinCounterTag word with the byte offset of the counter it shares
//   (bpfcov/Names.h), and the covmap flags get CovMapFlagTwinCounters: gen
//   gives the twin that counter's count. No count is lost or changes.
//
//   A counter touched any other way (a read that is not an update's, an
//   address that is not the counters global plus a constant, and a per-CPU
//   row) is never a twin nor kept for one. Bool counters (one byte, a store
//   of 0) and counters in .bss (no start values) get no twins.
//
// USAGE: called by the bpf-cov pass on the loadable object's module, after
//   the clean-ups (lib/CleanUp.cpp), before the updates of a stretch are
//   gathered and merged (lib/GatherCounterUpdates.cpp,
//   lib/MergeCounterAdds.cpp). lib/NotInstrumented.cpp asks twinGlobals()
//   which counters a function's updates also stood for.
//===----------------------------------------------------------------------===//
#include "BPFCov.h"
#include "CountersSection.h"

#include "bpfcov/Names.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/GetElementPtrTypeIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Operator.h"
#include "llvm/Support/CommandLine.h"

#include <functional>
#include <map>
#include <optional>

using namespace llvm;
using namespace bpfcov;

#define DEBUG_TYPE "bpf-cov"

STATISTIC(NumTwinCounters, "Number of counters that share another's updates");

static cl::opt<bool> TwinCountersOpt(
    "bpfcov-twin-counters",
    cl::desc("Keep one update for counters whose updates are always alike; "
             "gen gives the others its count (default: true)"),
    cl::init(true));

/// Named metadata: !{twin's global, kept counter's global} pairs.
static const char *TwinsMD = "bpfcov.twins";

namespace {

/// One counter: its global and its byte offset in the global's row 0.
using Slot = std::pair<GlobalVariable *, uint64_t>;

/// Where and by how much a counter is updated: (stretch, amount) pairs, a
/// stretch numbered in program order.
using Updates = std::vector<std::pair<unsigned, uint64_t>>;

/// What one counter's accesses are.
struct SlotInfo {
  Updates Where;
  SmallVector<Instruction *, 8> Accesses; ///< every access, in order
  bool Opaque = false;
};

class TwinFinder {
public:
  TwinFinder(Module &M, const CounterOffsets &Offsets)
      : M(M), DL(M.getDataLayout()), Offsets(Offsets) {}
  bool run();

private:
  Module &M;
  const DataLayout &DL;
  const CounterOffsets &Offsets;
  std::map<Slot, SlotInfo> Slots;
  SmallPtrSet<const GlobalVariable *, 8> OpaqueGlobals;

  std::optional<Slot> slotOf(const Value *Ptr) const;
  void scanStretch(unsigned Id, BasicBlock::iterator Begin,
                   BasicBlock::iterator End);
  void addPlain(unsigned Id, SlotInfo &S, ArrayRef<Instruction *> Acc);
};

} // namespace

/// The counter \p Ptr points to: a counters global of a record plus
/// constant indices, and the function's per-CPU row (STEP 7), or none.
std::optional<Slot> TwinFinder::slotOf(const Value *Ptr) const {
  uint64_t Off = 0;
  const Value *V = Ptr->stripPointerCasts();
  while (const auto *GEP = dyn_cast<GEPOperator>(V)) {
    for (gep_type_iterator GTI = gep_type_begin(GEP), E = gep_type_end(GEP);
         GTI != E; ++GTI) {
      const Value *Idx = GTI.getOperand();
      if (StructType *STy = GTI.getStructTypeOrNull()) {
        Off += DL.getStructLayout(STy)->getElementOffset(
            cast<ConstantInt>(Idx)->getZExtValue());
        continue;
      }
      uint64_t Size = DL.getTypeAllocSize(GTI.getIndexedType());
      if (const auto *CI = dyn_cast<ConstantInt>(Idx))
        Off += CI->getSExtValue() * Size;
      else if (!isa<Instruction>(Idx) ||
               !cast<Instruction>(Idx)->getMetadata(PerCpuRowMD))
        return std::nullopt;
    }
    V = GEP->getPointerOperand()->stripPointerCasts();
  }
  auto *GV = const_cast<GlobalVariable *>(dyn_cast<GlobalVariable>(V));
  if (!GV || !Offsets.count(GV))
    return std::nullopt;
  // A whole u64 of the record's counters (row 0 of per-CPU ones).
  auto *AT = cast<ArrayType>(GV->getValueType());
  if (auto *Row = dyn_cast<ArrayType>(AT->getElementType()))
    AT = Row;
  if (Off % 8 || Off >= DL.getTypeAllocSize(AT))
    return std::nullopt;
  return Slot{GV, Off};
}

/// A counter's plain accesses in one stretch: groups of a load and stores of
/// it plus constants (`add` chains, constant second), nothing else using
/// them. The amount is the sum of each group's last store's constants.
void TwinFinder::addPlain(unsigned Id, SlotInfo &S,
                          ArrayRef<Instruction *> Acc) {
  uint64_t Amount = 0;
  SmallPtrSet<Instruction *, 8> Chain;
  size_t I = 0;
  while (I < Acc.size()) {
    auto *Load = dyn_cast<LoadInst>(Acc[I]);
    if (!Load || Load->isAtomic() || !Load->getType()->isIntegerTy(64)) {
      S.Opaque = true;
      return;
    }
    uint64_t Last = 0;
    bool Stored = false;
    for (++I; I < Acc.size() && isa<StoreInst>(Acc[I]); ++I) {
      auto *SI = cast<StoreInst>(Acc[I]);
      if (SI->isAtomic()) {
        S.Opaque = true;
        return;
      }
      uint64_t Sum = 0;
      for (Value *W = SI->getValueOperand(); W != Load;) {
        auto *BO = dyn_cast<BinaryOperator>(W);
        auto *K = BO ? dyn_cast<ConstantInt>(BO->getOperand(1)) : nullptr;
        if (!K || BO->getOpcode() != Instruction::Add) {
          S.Opaque = true;
          return;
        }
        Chain.insert(BO);
        Sum += K->getZExtValue();
        W = BO->getOperand(0);
      }
      Last = Sum;
      Stored = true;
    }
    if (!Stored) {
      S.Opaque = true;
      return;
    }
    Chain.insert(Load);
    Amount += Last;
  }
  // Nothing but the chains and the counter's own stores uses them.
  for (Instruction *C : Chain)
    for (User *U : C->users()) {
      auto *UI = cast<Instruction>(U);
      auto *SI = dyn_cast<StoreInst>(UI);
      if (!Chain.count(UI) && !(SI && is_contained(Acc, SI) &&
                                SI->getValueOperand() == C)) {
        S.Opaque = true;
        return;
      }
    }
  S.Where.push_back({Id, Amount});
}

void TwinFinder::scanStretch(unsigned Id, BasicBlock::iterator Begin,
                             BasicBlock::iterator End) {
  MapVector<Slot, SmallVector<Instruction *, 4>> Plain;
  MapVector<Slot, uint64_t> Atomic;
  for (Instruction &I : make_range(Begin, End)) {
    SmallVector<const GlobalVariable *, 2> Globals;
    const Value *Ptr = getCounterAccess(I, Globals);
    if (!Ptr)
      continue;
    std::optional<Slot> S = slotOf(Ptr);
    if (!S) {
      OpaqueGlobals.insert(Globals.begin(), Globals.end());
      continue;
    }
    SlotInfo &Info = Slots[*S];
    Info.Accesses.push_back(&I);
    auto *RMW = dyn_cast<AtomicRMWInst>(&I);
    if (RMW && RMW->getOperation() == AtomicRMWInst::Add &&
        RMW->use_empty() && !RMW->isVolatile() &&
        isa<ConstantInt>(RMW->getValOperand()) &&
        RMW->getType()->isIntegerTy(64))
      Atomic[*S] += cast<ConstantInt>(RMW->getValOperand())->getZExtValue();
    else if (isa<LoadInst>(I) || isa<StoreInst>(I))
      Plain[*S].push_back(&I);
    else
      Info.Opaque = true;
  }
  for (auto &P : Plain) {
    SlotInfo &Info = Slots[P.first];
    if (Atomic.count(P.first))
      Info.Opaque = true;
    else if (!Info.Opaque)
      addPlain(Id, Info, P.second);
  }
  for (auto &A : Atomic)
    if (!Plain.count(A.first))
      Slots[A.first].Where.push_back({Id, A.second});
}

bool TwinFinder::run() {
  // STEP 17a: every counter's updates, by stretch.
  unsigned Id = 0;
  for (Function &F : M)
    for (BasicBlock &BB : F) {
      BasicBlock::iterator Begin = BB.begin();
      while (true) {
        BasicBlock::iterator End = Begin;
        while (End != BB.end() && !endsStretch(*End))
          ++End;
        scanStretch(Id++, Begin, End);
        if (End == BB.end())
          break;
        Begin = std::next(End);
      }
    }
  // Counters updated alike, in .data.profc order: the first keeps its
  // updates.
  std::map<std::pair<uint64_t, uint64_t>, Slot> Ordered;
  for (auto &S : Slots)
    if (!S.second.Opaque && !S.second.Where.empty() &&
        !OpaqueGlobals.count(S.first.first))
      Ordered[{Offsets.lookup(S.first.first), S.first.second}] = S.first;
  std::map<Updates, Slot> Kept;
  SetVector<std::pair<GlobalVariable *, GlobalVariable *>> Pairs;
  SmallVector<Instruction *, 32> Erase;
  for (auto &O : Ordered) {
    Slot S = O.second;
    SlotInfo &Info = Slots[S];
    auto [It, New] = Kept.insert({Info.Where, S});
    if (New)
      continue;
    Slot Into = It->second;
    // The twin's start value (row 0) names the counter it shares.
    GlobalVariable *GV = S.first;
    uint64_t Target = Offsets.lookup(Into.first) + Into.second;
    assert(Target < (uint64_t(1) << 48) && "profc is not that big");
    Constant *Init = GV->getInitializer();
    SmallVector<unsigned, 2> Path;
    Type *Ty = GV->getValueType();
    uint64_t Off = S.second;
    while (auto *AT = dyn_cast<ArrayType>(Ty)) {
      uint64_t Size = DL.getTypeAllocSize(AT->getElementType());
      Path.push_back(Off / Size);
      Off %= Size;
      Ty = AT->getElementType();
    }
    // Row 0 of per-CPU counters: the path's first index is the row.
    std::function<Constant *(Constant *, unsigned)> Set =
        [&](Constant *C, unsigned Depth) -> Constant * {
      if (Depth == Path.size())
        return ConstantInt::get(C->getType(), TwinCounterTag | Target);
      auto *AT = cast<ArrayType>(C->getType());
      SmallVector<Constant *, 16> Elts;
      for (unsigned E = 0; E < AT->getNumElements(); ++E)
        Elts.push_back(C->getAggregateElement(E));
      Elts[Path[Depth]] = Set(Elts[Path[Depth]], Depth + 1);
      return ConstantArray::get(AT, Elts);
    };
    GV->setInitializer(Set(Init, 0));
    Pairs.insert({GV, Into.first});
    Erase.append(Info.Accesses.begin(), Info.Accesses.end());
    ++NumTwinCounters;
  }
  if (Pairs.empty())
    return false;
  // The twins' accesses go, and with them what only fed them: a plain
  // update's add chain, a per-CPU row's address. Its load only fed its own
  // stores, as in lib/NotInstrumented.cpp.
  for (Instruction *I : Erase)
    if (!I->use_empty())
      I->replaceAllUsesWith(Constant::getNullValue(I->getType()));
  eraseCounterAccesses(Erase);
  NamedMDNode *MD = M.getOrInsertNamedMetadata(TwinsMD);
  for (auto &P : Pairs) {
    Metadata *Ops[] = {ValueAsMetadata::get(P.first),
                       ValueAsMetadata::get(P.second)};
    MD->addOperand(MDNode::get(M.getContext(), Ops));
  }
  // The header says twins are there (STEP 12 wrote it).
  GlobalVariable *Flags = M.getNamedGlobal(CovMapFieldName[CF_Flags]);
  assert(Flags && "the covmap header comes first (STEP 12)");
  uint64_t Old = cast<ConstantInt>(Flags->getInitializer())->getZExtValue();
  Flags->setInitializer(
      ConstantInt::get(Flags->getValueType(), Old | CovMapFlagTwinCounters));
  return true;
}

bool bpfcov::shareTwinCounters(Module &M, const CounterOffsets &Offsets) {
  if (!TwinCountersOpt)
    return false;
  return TwinFinder(M, Offsets).run();
}

void bpfcov::addTwinGlobals(
    const Module &M, SmallVectorImpl<const GlobalVariable *> &Globals) {
  const NamedMDNode *MD = M.getNamedMetadata(TwinsMD);
  if (!MD)
    return;
  for (const MDNode *N : MD->operands()) {
    auto *Twin = cast<GlobalVariable>(
        cast<ValueAsMetadata>(N->getOperand(0))->getValue());
    auto *Kept = cast<GlobalVariable>(
        cast<ValueAsMetadata>(N->getOperand(1))->getValue());
    if (is_contained(Globals, Kept) && !is_contained(Globals, Twin))
      Globals.push_back(Twin);
  }
}

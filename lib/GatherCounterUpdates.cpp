//===-- GatherCounterUpdates.cpp - Counter updates at the top of a stretch -===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/GatherCounterUpdates.cpp
//
// DESCRIPTION:
//   After inlining and unrolling, one block holds the updates of many
//   regions, spread through the program's own code:
//     r8 = __profc_jhash ll
//     r2 = *(u64 *)(r8 + 0) ; r2 += 1 ; *(u64 *)(r8 + 0) = r2
//     r5 = *(u64 *)(r8 + 8) ; r2 = r5 ; r2 += 1 ; *(u64 *)(r8 + 8) = r2
//     ... 40 instructions of the program ...
//     *(u64 *)(r8 + 8) = r5                 ; the loop's second iteration
//     ... 80 instructions ...
//     r9 = *(u64 *)(r8 + 56) ; r9 += 1 ; *(u64 *)(r8 + 56) = r9
//   The counters' address then lives in a register through the whole block,
//   and so do counter values between their load and their store: the
//   program's own values go to the stack. In test_verif_scale3's jhash,
//   which the verifier walks 4095 times, that was 38 instructions more than
//   plain, 16 of them spills, and the program went past the 1M budget.
//
//   Counters are only ever touched by counter updates, so in a stretch of a
//   block that nothing leaves early (no call: a tail call does not return)
//   every update can run at the top of the stretch, with the same counts at
//   its end. This step moves them there, in their order:
//   - an atomic add (atomic and percpu counters) moves as it is, with the
//     address arithmetic it needs (a per-CPU row's address);
//   - the plain updates of one counter become one load, one add of their
//     sum and one store, when every access to that counter in the stretch
//     is part of them (GVN leaves `load; store +1; store +2` after unrolling).
//   A counter that the stretch touches any other way (a counter read, an
//   address that is not a constant offset) keeps its updates where they are,
//   and so do the functions that call helpers or subprograms (below).
//
// USAGE: called by the bpf-cov pass on the loadable object's module, after
//   the clean-ups (lib/CleanUp.cpp) and before the adds are merged
//   (lib/MergeCounterAdds.cpp).
//===----------------------------------------------------------------------===//
#include "BPFCov.h"
#include "CountersSection.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"

#include <optional>

using namespace llvm;
using namespace bpfcov;

#define DEBUG_TYPE "bpf-cov"

STATISTIC(NumGatheredUpdates, "Number of counter updates moved to the top of "
                              "their stretch");

static cl::opt<bool> GatherUpdatesOpt(
    "bpfcov-gather-updates",
    cl::desc("Move the counter updates of a call-free stretch of a block to "
             "its top (default: true)"),
    cl::init(true));

namespace {

/// One counter: its global and the constant byte offset into it.
using CounterKey = std::pair<const GlobalVariable *, int64_t>;

/// A counter's plain accesses in one stretch, in order.
struct PlainCounter {
  SmallVector<Instruction *, 4> Accesses;
};

class StretchGatherer {
public:
  StretchGatherer(const DataLayout &DL) : DL(DL) {}

  /// Moves the updates of [Begin, End) in front of \p Top (a marker right
  /// before Begin); returns true when something moved.
  bool gather(Instruction *Top, BasicBlock::iterator Begin,
              BasicBlock::iterator End);

private:
  const DataLayout &DL;

  std::optional<CounterKey> keyOf(const Value *Ptr) const;
  bool makeAvailable(Value *V, Instruction *Top,
                     SmallVectorImpl<Instruction *> &Moves) const;
  bool rewritePlain(PlainCounter &C, Instruction *Top);
};

} // namespace

/// The (global, offset) of a pointer that is a counters global plus a
/// constant, or none.
std::optional<CounterKey> StretchGatherer::keyOf(const Value *Ptr) const {
  APInt Offset(DL.getIndexTypeSizeInBits(Ptr->getType()), 0);
  const Value *Base =
      Ptr->stripAndAccumulateConstantOffsets(DL, Offset,
                                             /*AllowNonInbounds=*/true);
  const auto *GV = dyn_cast<GlobalVariable>(Base);
  if (!GV || !isCountersGlobal(GV))
    return std::nullopt;
  return CounterKey{GV, Offset.getSExtValue()};
}

/// Whether \p V is (or can be made) available in front of \p Top: a value
/// from before it, or address arithmetic of the stretch whose operands are.
/// The instructions to move, operands first, go to \p Moves.
bool StretchGatherer::makeAvailable(
    Value *V, Instruction *Top, SmallVectorImpl<Instruction *> &Moves) const {
  auto *I = dyn_cast<Instruction>(V);
  if (!I || I->getParent() != Top->getParent() || I->comesBefore(Top))
    return true;
  if (is_contained(Moves, I))
    return true;
  if (!isa<GetElementPtrInst>(I) && !isa<CastInst>(I) &&
      !isa<BinaryOperator>(I))
    return false;
  if (I->mayHaveSideEffects() || I->mayReadOrWriteMemory())
    return false;
  for (Value *Op : I->operands())
    if (!makeAvailable(Op, Top, Moves))
      return false;
  Moves.push_back(I);
  return true;
}

bool StretchGatherer::rewritePlain(PlainCounter &C, Instruction *Top) {
  // The first access reads the count the stretch starts with, and every
  // later one stores it plus constants: chains of `add` with the constant
  // second, as InstCombine leaves them. Nothing else uses the load or its
  // adds. Both may be volatile (lib/CleanUp.cpp makes plain counters so).
  auto *First = dyn_cast<LoadInst>(C.Accesses.front());
  if (!First || First->isAtomic() || !First->getType()->isIntegerTy())
    return false;
  unsigned Bits = First->getType()->getIntegerBitWidth();
  SmallPtrSet<Instruction *, 8> Chain;
  SmallPtrSet<Instruction *, 8> Stores;
  StoreInst *Last = nullptr;
  APInt Total(Bits, 0);
  for (Instruction *A : drop_begin(C.Accesses)) {
    auto *SI = dyn_cast<StoreInst>(A);
    if (!SI || SI->isAtomic() ||
        SI->getValueOperand()->getType() != First->getType())
      return false;
    APInt Sum(Bits, 0);
    for (Value *W = SI->getValueOperand(); W != First;) {
      auto *BO = dyn_cast<BinaryOperator>(W);
      auto *K = BO ? dyn_cast<ConstantInt>(BO->getOperand(1)) : nullptr;
      if (!K || BO->getOpcode() != Instruction::Add)
        return false;
      Chain.insert(BO);
      Sum += K->getValue();
      W = BO->getOperand(0);
    }
    Stores.insert(SI);
    Last = SI;
    Total = Sum;
  }
  if (!Last)
    return false;
  auto OnlyUpdateUsers = [&](Instruction *I) {
    return all_of(I->users(), [&](User *U) {
      auto *UI = cast<Instruction>(U);
      return Chain.count(UI) ||
             (Stores.count(UI) && cast<StoreInst>(UI)->getValueOperand() == I);
    });
  };
  if (!OnlyUpdateUsers(First) || !all_of(Chain, OnlyUpdateUsers))
    return false;
  SmallVector<Instruction *, 2> Moves;
  if (!makeAvailable(First->getPointerOperand(), Top, Moves))
    return false;
  for (Instruction *I : Moves)
    I->moveBefore(Top);
  // One load, one add of the sum, one store at the top; the rest goes.
  First->moveBefore(Top);
  auto *Sum = BinaryOperator::CreateAdd(
      First, ConstantInt::get(First->getType(), Total), "", Top);
  Last->setOperand(0, Sum);
  Last->setOperand(1, First->getPointerOperand());
  Last->moveBefore(Top);
  for (Instruction *S : Stores)
    if (S != Last)
      S->eraseFromParent();
  while (!Chain.empty()) {
    Instruction *Dead = nullptr;
    for (Instruction *I : Chain)
      if (I->use_empty()) {
        Dead = I;
        break;
      }
    assert(Dead && "an add of the chain is still used");
    Chain.erase(Dead);
    Dead->eraseFromParent();
  }
  NumGatheredUpdates += Stores.size();
  return true;
}

bool StretchGatherer::gather(Instruction *Top, BasicBlock::iterator Begin,
                             BasicBlock::iterator End) {
  // STEP 17b: sort the stretch's counter accesses out. A counter touched
  // in any way this step does not know keeps everything of its global.
  // Each atomic add, with the globals its pointer may point into.
  SmallVector<std::pair<AtomicRMWInst *, SmallVector<const GlobalVariable *, 2>>,
              8>
      Adds;
  MapVector<CounterKey, PlainCounter> Plain;
  SmallPtrSet<const GlobalVariable *, 4> Kept;
  for (Instruction &I : make_range(Begin, End)) {
    SmallVector<const GlobalVariable *, 2> Globals;
    const Value *Ptr = getCounterAccess(I, Globals);
    if (!Ptr)
      continue;
    auto *RMW = dyn_cast<AtomicRMWInst>(&I);
    if (RMW && RMW->getOperation() == AtomicRMWInst::Add &&
        RMW->use_empty() && !RMW->isVolatile() &&
        isa<ConstantInt>(RMW->getValOperand())) {
      Adds.push_back({RMW, Globals});
      continue;
    }
    std::optional<CounterKey> Key = keyOf(Ptr);
    if (Key && (isa<LoadInst>(I) || isa<StoreInst>(I))) {
      Plain[*Key].Accesses.push_back(&I);
      continue;
    }
    Kept.insert(Globals.begin(), Globals.end());
  }
  // Atomic adds and plain updates of one global do not mix.
  for (const auto &[RMW, Globals] : Adds)
    for (const auto &P : Plain)
      if (is_contained(Globals, P.first.first))
        Kept.insert(P.first.first);
  bool Changed = false;
  for (auto &[RMW, Globals] : Adds) {
    if (any_of(Globals, [&](const GlobalVariable *G) { return Kept.count(G); }))
      continue;
    SmallVector<Instruction *, 4> Moves;
    if (!makeAvailable(RMW->getPointerOperand(), Top, Moves))
      continue;
    for (Instruction *I : Moves)
      I->moveBefore(Top);
    RMW->moveBefore(Top);
    ++NumGatheredUpdates;
    Changed = true;
  }
  for (auto &P : Plain)
    if (!Kept.count(P.first.first))
      Changed |= rewritePlain(P.second, Top);
  return Changed;
}

/// True if \p I is the bpf_get_smp_processor_id() call of a per-CPU row
/// (lib/BPFCov.cpp STEP 7): at the entry, before any update.
static bool isPerCpuRowCall(const Instruction &I) {
  return I.hasOneUse() && cast<Instruction>(*I.user_begin())->getMetadata(PerCpuRowMD);
}

bool bpfcov::gatherCounterUpdates(Module &M) {
  if (!GatherUpdatesOpt)
    return false;
  bool Changed = false;
  for (Function &F : M) {
    // Only in functions without calls: across helper calls llc keeps values
    // in r6-r9 or on the stack, and moving the updates moved its spills. In
    // test_usdt's bpf_usdt_arg, a bounded index was then reloaded from a
    // 32-bit spill, unbounded, and 6.1 rejected the program ("R9 unbounded
    // memory access"). STEP 20d handles the stack of functions that call.
    if (any_of(instructions(F), [](const Instruction &I) {
          return isRealCall(I) && !isPerCpuRowCall(I);
        }))
      continue;
    for (BasicBlock &BB : F) {
      // Stretches: from the block's top (after its allocas) or a call, to
      // the next call or the terminator.
      BasicBlock::iterator Begin = BB.getFirstInsertionPt();
      while (Begin != BB.end() && isa<AllocaInst>(*Begin))
        ++Begin;
      while (Begin != BB.end() && !Begin->isTerminator()) {
        BasicBlock::iterator End = Begin;
        while (!End->isTerminator() && !endsStretch(*End))
          ++End;
        // A marker stays at the top while updates move in front of it.
        auto *I64 = Type::getInt64Ty(M.getContext());
        Instruction *Top = BinaryOperator::CreateAdd(
            PoisonValue::get(I64), PoisonValue::get(I64), "", &*Begin);
        StretchGatherer G(M.getDataLayout());
        Changed |= G.gather(Top, Begin, End);
        Top->eraseFromParent();
        if (End->isTerminator())
          break;
        Begin = std::next(End);
      }
    }
  }
  return Changed;
}

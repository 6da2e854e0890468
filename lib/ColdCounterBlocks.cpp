//===-- ColdCounterBlocks.cpp - Counter-only blocks off the fall-through path ===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/ColdCounterBlocks.cpp
//
// DESCRIPTION:
//   The verifier walks a conditional jump's fall-through first and the
//   target later, and a state it saw first prunes the later ones only when
//   its bounds contain theirs. Where a check skips code, a plain build jumps
//   straight to the join and falls through into the code:
//     r0 = bpf_probe_read_user_str(...)
//     if r0 > 1 goto join           ; the failure: nothing to do
//     *(u16 *)(r1 + 0) = w0         ; falls through: payload += len first
//   Instrumented, the failure path bumps a counter, so it is a block of its
//   own, and clang put it right after the branch. llc lays blocks out in
//   IR order (the BPF backend cannot analyze conditional branches, so block
//   placement leaves them, whatever the branch weights say) and makes the
//   next block the fall-through by inverting the test:
//     if r0 < 2 goto ok
//     r1 = *(u64 *)(r2 + 16) ; r1 += 1 ; *(u64 *)(r2 + 16) = r1 ; r0 = 0
//   Now the verifier explores the path that adds nothing first. In a loop
//   such as strobemeta's `payload += read_str_var(...)`, its first states
//   at the next loop head have the narrowest bounds (offset 0, then 0..1,
//   ...), each later path is wider, and no state prunes another: 1M
//   instructions where the plain build needs 54k.
//
//   A block that only updates counters is code the plain build does not
//   have: without it, a branch falls through into the first later block
//   that is not one. When that block is one of the branch's successors,
//   the counter blocks between them move down, after the first later block
//   llc cannot fall through from, so the plain build's fall-through is
//   back and a counter block costs its path one jump to the join. Only the
//   layout changes: every counter update stays on its edge.
//
//   Only branches inside loops: there the first path decides which state
//   reaches the loop head first. Outside loops the order mostly decides how
//   many paths wait on the verifier's stack, and moving them too pushed
//   pyperf600_nounroll over its 8192 pending states ("The sequence of 8193
//   jumps is too complex"; bench/README.md).
//
// USAGE: called by the bpf-cov pass on the loadable object's module.
//===----------------------------------------------------------------------===//
#include "BPFCov.h"
#include "CountersSection.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"

using namespace llvm;
using namespace bpfcov;

#define DEBUG_TYPE "bpf-cov"

STATISTIC(NumColdCounterBlocks, "Number of counter-only blocks moved off a fall-through");

static cl::opt<bool> ColdCounterBlocksOpt(
    "bpfcov-cold-counter-blocks",
    cl::desc("Move the blocks that only update counters from between a "
             "branch and the block a plain build falls through into "
             "(default: true)"),
    cl::init(true));

/// True if \p BB only updates counters (loads, adds, stores, atomic adds of
/// counters) before an unconditional branch: code a plain build lacks.
static bool isCounterOnlyBlock(const BasicBlock &BB) {
  const auto *Br = dyn_cast<BranchInst>(BB.getTerminator());
  if (!Br || Br->isConditional())
    return false;
  bool HasUpdate = false;
  for (const Instruction &I : BB) {
    if (isa<PHINode>(I) || isa<DbgInfoIntrinsic>(I) || I.isTerminator())
      continue;
    if (const Value *Ptr = getAccessPointer(I)) {
      if (!isCounterPointer(Ptr))
        return false;
      HasUpdate |= !isa<LoadInst>(I);
      continue;
    }
    // The add between a counter's load and its store, or the address of a
    // counter: used in this block only.
    if (I.mayHaveSideEffects() || I.mayReadFromMemory() ||
        any_of(I.users(), [&](const User *U) {
          return cast<Instruction>(U)->getParent() != &BB;
        }))
      return false;
  }
  return HasUpdate;
}

/// True if llc may fall through from \p BB into the block after it: one of
/// its successors is that block.
static bool mayFallThrough(const BasicBlock &BB) {
  return is_contained(successors(&BB), BB.getNextNode());
}

bool bpfcov::coldCounterBlocks(Module &M) {
  if (!ColdCounterBlocksOpt)
    return false;
  bool Changed = false;
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    DominatorTree DT(F);
    LoopInfo LI(DT);
    for (BasicBlock &BB : F) {
      // STEP 20: in a loop, the counter blocks between a branch and the
      // successor the plain build falls through into (the first later block
      // that is not a counter block), e.g.
      //   bb:    br i1 %fail, label %count, label %ok
      //   count: <counter update> ; br label %join
      //   ok:    ...
      // move after the first later block llc cannot fall through from (the
      // last block at worst):
      //   bb:    br i1 %fail, label %count, label %ok
      //   ok:    ...            ; the fall-through again
      //   ...    br label %somewhere
      //   count: <counter update> ; br label %join
      auto *Br = dyn_cast<BranchInst>(BB.getTerminator());
      if (!Br || !Br->isConditional() || !LI.getLoopFor(&BB))
        continue;
      SmallVector<BasicBlock *, 4> Counters;
      BasicBlock *PlainNext = BB.getNextNode();
      while (PlainNext && isCounterOnlyBlock(*PlainNext)) {
        Counters.push_back(PlainNext);
        PlainNext = PlainNext->getNextNode();
      }
      if (Counters.empty() || !PlainNext ||
          !is_contained(successors(&BB), PlainNext))
        continue;
      BasicBlock *After = PlainNext;
      while (mayFallThrough(*After))
        After = After->getNextNode();
      for (BasicBlock *C : reverse(Counters))
        C->moveAfter(After);
      NumColdCounterBlocks += Counters.size();
      Changed = true;
    }
  }
  return Changed;
}

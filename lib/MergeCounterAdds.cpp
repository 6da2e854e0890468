//===-- MergeCounterAdds.cpp - One atomic add per counter and stretch ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/MergeCounterAdds.cpp
//
// DESCRIPTION:
//   With -fprofile-update=atomic (atomic and percpu counters) every counter
//   update is an atomic add, which LLVM never merges. A small function
//   inlined many times into one block then bumps the same counter once per
//   copy, each bump two BPF instructions (the constant, then the add):
//     r2 = 1
//     lock *(u64 *)(r1 + 0) += r2      ; x 13 in core_kern's balancer_ingress
//   Plain counters do not pay this: InstCombine already folded their
//   load/add/store into one `+= 13`. The verifier counts every instruction
//   on every path, and big programs went past its 1M budget instrumented.
//
//   Counters are only ever touched by counter updates, so the adds of one
//   counter in a stretch of a block where nothing else can observe them
//   are one add of their sum, at the first one:
//     atomicrmw add ptr @__profc_f, i64 1 monotonic   ; %a
//     atomicrmw add ptr @__profc_f, i64 1 monotonic
//   becomes
//     atomicrmw add ptr @__profc_f, i64 2 monotonic
//   A stretch ends at every call (a tail call or a helper that does not
//   return would leave the later adds unexecuted) and at any other access
//   to the counters (a counter read, a plain store). The counts at the end
//   of the stretch are exactly those of the unmerged adds.
//
// USAGE: called by the bpf-cov pass on the loadable object's module.
//===----------------------------------------------------------------------===//
#include "BPFCov.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"

using namespace llvm;
using namespace bpfcov;

#define DEBUG_TYPE "bpf-cov"

STATISTIC(NumMergedAdds, "Number of atomic counter adds merged into another");

static cl::opt<bool> MergeAddsOpt(
    "bpfcov-merge-adds",
    cl::desc("Merge the atomic adds of one counter between two calls of a "
             "block into one (default: true)"),
    cl::init(true));

bool bpfcov::endsStretch(const Instruction &I) {
  // Intrinsics without side effects (llvm.dbg.*, llvm.fshl) and lifetime
  // markers are not calls in the BPF code.
  if (!isa<CallBase>(I))
    return false;
  return !isa<IntrinsicInst>(I) ||
         (I.mayHaveSideEffects() && !I.isLifetimeStartOrEnd());
}

/// The atomic add of a constant to a counter that \p I is, or null.
static AtomicRMWInst *getMergeableAdd(Instruction &I) {
  auto *RMW = dyn_cast<AtomicRMWInst>(&I);
  if (!RMW || RMW->getOperation() != AtomicRMWInst::Add || !RMW->use_empty() ||
      RMW->isVolatile() || !isa<ConstantInt>(RMW->getValOperand()) ||
      !isCounterPointer(RMW->getPointerOperand()))
    return nullptr;
  return RMW;
}

bool bpfcov::mergeCounterAdds(Module &M) {
  if (!MergeAddsOpt)
    return false;
  // STEP 18: per block, the first add of each counter absorbs the later
  // ones until the stretch ends.
  bool Changed = false;
  for (Function &F : M)
    for (BasicBlock &BB : F) {
      // The first add of each counter address in the current stretch.
      DenseMap<Value *, AtomicRMWInst *> First;
      for (Instruction &I : make_early_inc_range(BB)) {
        if (isa<CallBase>(I) && !endsStretch(I))
          continue;
        if (AtomicRMWInst *RMW = getMergeableAdd(I)) {
          AtomicRMWInst *&Into = First[RMW->getPointerOperand()];
          if (!Into) {
            Into = RMW;
            continue;
          }
          if (Into->getOrdering() != RMW->getOrdering() ||
              Into->getType() != RMW->getType() ||
              Into->getSyncScopeID() != RMW->getSyncScopeID()) {
            Into = RMW;
            continue;
          }
          auto *Sum = cast<ConstantInt>(Into->getValOperand());
          Into->setOperand(1, ConstantInt::get(
                                  Sum->getType(),
                                  Sum->getValue() +
                                      cast<ConstantInt>(RMW->getValOperand())
                                          ->getValue()));
          RMW->eraseFromParent();
          ++NumMergedAdds;
          Changed = true;
          continue;
        }
        if (endsStretch(I)) {
          First.clear();
          continue;
        }
        if (!I.mayReadOrWriteMemory())
          continue;
        // Any other access to the counters sees their values mid-stretch.
        const Value *Ptr = getAccessPointer(I);
        if (!Ptr || isCounterPointer(Ptr))
          First.clear();
      }
    }
  return Changed;
}

//===-- ByteCounters.cpp - One store per hit for one-byte counters ---------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/ByteCounters.cpp
//
// DESCRIPTION:
//   With single-byte coverage clang gives its counter bytes align 1, and -O2
//   merges the stores of one block into wider ones:
//     store i32 0, ptr getelementptr inbounds (i8, ptr @__profc_f, i64 4),
//         align 1
//   BPF has no unaligned access, so llc would split that into four byte
//   stores. The pass puts every counter array 8-aligned in .data.profc, so
//   the alignment of each store is known from its constant offset:
//     store i32 0, ptr getelementptr inbounds (i8, ptr @__profc_f, i64 4),
//         align 4
//   and llc emits one store, as for an uninstrumented global.
//
//   Single-byte coverage has no counter expressions: every region has its
//   byte, so a loop body runs several stores per iteration where counts
//   need one or two adds. Once the counter updates carry their alias scope
//   (lib/CleanUp.cpp), LICM moves the stores that run on every iteration
//   out of the loop (one store before or after it, which is exact: the byte
//   only ever goes from 0xFF to 0); stores on conditional paths stay.
//
// USAGE: called by the bpf-cov pass (bool counters, loadable object only).
//===----------------------------------------------------------------------===//
#include "BPFCov.h"
#include "CountersSection.h"
#include "bpfcov/Names.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Operator.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/Transforms/Scalar/LICM.h"
#include "llvm/Transforms/Scalar/LoopPassManager.h"

using namespace llvm;

#define DEBUG_TYPE "bpf-cov"

STATISTIC(NumAlignedStores, "Number of byte-counter stores given their alignment");

bool bpfcov::alignByteCounterStores(Module &M) {
  // STEP 15b: clang merges neighbouring byte stores,
  //   store i16 0, ptr getelementptr (i8, ptr @__profc_f, i64 2), align 1
  // whose alignment the 8-aligned arrays of .data.profc now give.
  const DataLayout &DL = M.getDataLayout();
  bool Changed = false;
  for (Function &F : M)
    for (Instruction &I : instructions(F)) {
      auto *SI = dyn_cast<StoreInst>(&I);
      if (!SI)
        continue;
      APInt Offset(DL.getIndexTypeSizeInBits(SI->getPointerOperandType()), 0);
      const Value *Base =
          SI->getPointerOperand()->stripAndAccumulateConstantOffsets(
              DL, Offset, /*AllowNonInbounds=*/true);
      const auto *GV = dyn_cast<GlobalVariable>(Base);
      if (!bpfcov::isCountersGlobal(GV))
        continue;
      Align Known = commonAlignment(GV->getAlign().valueOrOne(),
                                    Offset.getZExtValue());
      if (Known > SI->getAlign()) {
        SI->setAlignment(Known);
        ++NumAlignedStores;
        Changed = true;
      }
    }
  return Changed;
}

void bpfcov::hoistByteCounterStores(Module &M) {
#if LLVM_VERSION_MAJOR >= BPFCOV_BOOL_MIN_LLVM // no bool counters before
  // STEP 17: a store of the constant 0 keeps no counter value in a
  // register: it need not be volatile (which would pin it in the loop).
  SmallVector<Function *, 16> Fns;
  for (Function &F : M) {
    if (F.isDeclaration() || F.hasOptNone())
      continue;
    Fns.push_back(&F);
    for (Instruction &I : instructions(F))
      if (auto *SI = dyn_cast<StoreInst>(&I))
        if (SI->isVolatile() && isa<Constant>(SI->getValueOperand()) &&
            isCounterPointer(SI->getPointerOperand()))
          SI->setVolatile(false);
  }
  FunctionPassManager FPM;
  FPM.addPass(createFunctionToLoopPassAdaptor(LICMPass(LICMOptions()),
                                              /*UseMemorySSA=*/true));
  runFunctionPasses(M, FPM, Fns);
#else
  (void)M;
#endif
}

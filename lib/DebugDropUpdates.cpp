//===-- DebugDropUpdates.cpp - Bisect which counter update costs the verifier ===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/DebugDropUpdates.cpp
//
// DESCRIPTION:
//   A debugging aid, never for real builds: it breaks the counts. When an
//   instrumented program is rejected and its plain twin is not, which of its
//   hundreds of counter updates is to blame? This step numbers the counter
//   updates of the module (the stores and atomic adds to counters, in
//   function and instruction order) and deletes the ones named by
//   -bpfcov-debug-drop-updates, so that a bisection over the numbers finds
//   the few updates whose presence makes the verifier give up:
//     opt ... -bpfcov-debug-list-updates            # prints "#3 f line 425"
//     opt ... -bpfcov-debug-drop-updates=0-19,25
//   The dropped update's load and add go with it (nothing else uses them).
//   It runs before the clean-ups (STEP 16), so they see the program as it
//   would be without those updates.
//
// USAGE: called by the bpf-cov pass; does nothing unless one option is given.
//===----------------------------------------------------------------------===//
#include "BPFCov.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Utils/Local.h"

using namespace llvm;
using namespace bpfcov;

static cl::opt<std::string> DropUpdatesOpt(
    "bpfcov-debug-drop-updates", cl::Hidden,
    cl::desc("Debugging only (wrong counts): delete the counter updates with "
             "these numbers, e.g. 0-19,25 (see -bpfcov-debug-list-updates)"));

static cl::opt<bool> ListUpdatesOpt(
    "bpfcov-debug-list-updates", cl::Hidden,
    cl::desc("Debugging only: print the numbered counter updates to stderr"));

/// The numbers of \p Spec ("0-19,25"); a bad spec is a usage error.
static SmallVector<std::pair<unsigned, unsigned>, 8> parseRanges(StringRef Spec) {
  SmallVector<std::pair<unsigned, unsigned>, 8> Ranges;
  SmallVector<StringRef, 8> Parts;
  Spec.split(Parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef Part : Parts) {
    auto [Lo, Hi] = Part.split('-');
    unsigned L = 0, H = 0;
    if (Lo.trim().getAsInteger(10, L) ||
        (Hi.empty() ? (H = L, false) : Hi.trim().getAsInteger(10, H)) || H < L)
      reportError("-bpfcov-debug-drop-updates has '" + Part +
                  "': expected numbers and ranges like 0-19,25");
    Ranges.push_back({L, H});
  }
  return Ranges;
}

/// The instruction that writes a counter, if \p I is one.
static bool isCounterUpdate(const Instruction &I) {
  if (!isa<StoreInst>(I) && !isa<AtomicRMWInst>(I))
    return false;
  const Value *Ptr = getAccessPointer(I);
  return Ptr && isCounterPointer(Ptr);
}

bool bpfcov::debugDropCounterUpdates(Module &M) {
  if (DropUpdatesOpt.empty() && !ListUpdatesOpt)
    return false;
  auto Ranges = parseRanges(DropUpdatesOpt);
  SmallVector<Instruction *, 64> Drop;
  unsigned N = 0;
  for (Function &F : M)
    for (Instruction &I : instructions(F)) {
      if (!isCounterUpdate(I))
        continue;
      unsigned Num = N++;
      if (ListUpdatesOpt) {
        errs() << "bpf-cov: update #" << Num << " in " << F.getName();
        if (const DILocation *Loc = I.getDebugLoc())
          errs() << " at " << Loc->getFilename() << ":" << Loc->getLine();
        errs() << ": " << I << "\n";
      }
      if (any_of(Ranges, [&](auto R) { return R.first <= Num && Num <= R.second; }))
        Drop.push_back(&I);
    }
  for (Instruction *I : Drop) {
    Value *Val = isa<StoreInst>(I) ? cast<StoreInst>(I)->getValueOperand()
                                   : nullptr;
    I->eraseFromParent();
    if (Val)
      RecursivelyDeleteTriviallyDeadInstructions(Val);
  }
  return !Drop.empty();
}

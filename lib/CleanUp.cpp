//===-- CleanUp.cpp - Counter updates the optimizer can see through --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/CleanUp.cpp
//
// DESCRIPTION:
//   clang lowers the coverage counters before -O2 runs, so every counter
//   update is a store (or an atomic add) to a global that, as far as LLVM
//   knows, may alias any pointer the program got from a helper: a map value,
//   a .bss array, a context. The optimizer then reloads a bounded length
//   after the counter update instead of reusing the checked register, or
//   keeps code apart that plain builds merge, and the verifier, which
//   tracks bounds per register, rejects the program.
//
//   This step tells LLVM the truth (counters and bitmaps are only ever
//   touched by the counter updates) with scoped alias metadata, then re-runs
//   the clean-ups the counter updates had blocked:
//     counter access:  store i64 %c, ptr @__profc_f, !alias.scope !S
//     anything else:   %len = load i32, ptr %t.size, !noalias !S
//   followed by EarlyCSE (MemorySSA), GVN and SimplifyCFG with the BPF
//   target's cost model, per function. Last, a loop whose header bumps a
//   counter before testing a map lookup from before the loop against null
//   gets the update moved into both branches and the test unswitched out of
//   the loop, as plain builds have it (STEP 16c). Plain (non-atomic) counter loads and
//   stores become volatile first: GVN would otherwise keep counter values
//   in registers across whole unrolled loops, and the spills push big
//   programs past the 512-byte stack.
//
// USAGE: called by the bpf-cov pass after the counters were lowered.
//===----------------------------------------------------------------------===//
#include "BPFCov.h"
#include "CountersSection.h"
#include "Compat.h"
#include "bpfcov/Names.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Debug.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/Scalar/EarlyCSE.h"
#include "llvm/Transforms/Scalar/GVN.h"
#include "llvm/Transforms/Scalar/LoopPassManager.h"
#include "llvm/Transforms/Scalar/SimpleLoopUnswitch.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"
#include "llvm/Transforms/Scalar/Sink.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

using namespace llvm;
using namespace bpfcov;

#define DEBUG_TYPE "bpf-cov"

STATISTIC(NumCounterAccesses, "Number of counter accesses given an alias scope");
STATISTIC(NumOtherAccesses, "Number of program memory accesses marked noalias");
STATISTIC(NumSunkNullChecks, "Number of loop null checks freed of counter updates");

static cl::opt<bool> CleanUpOpt(
    "bpfcov-clean-up",
    cl::desc("Tell LLVM that counter updates never alias program memory and "
             "re-run EarlyCSE, GVN and SimplifyCFG (default: true)"),
    cl::init(true));

/// The counters global \p O is, or the global of a pinned address
/// (lib/PinnedValues.cpp), or null.
static const GlobalVariable *counterObject(const Value *O) {
  if (const GlobalVariable *G = pinnedAddressGlobal(O))
    O = G;
  const auto *GV = dyn_cast<GlobalVariable>(O);
  return bpfcov::isCountersGlobal(GV) ? GV : nullptr;
}

bool bpfcov::counterGlobals(const Value *V,
                            SmallVectorImpl<const GlobalVariable *> &Globals) {
  // Through the phis and selects SimplifyCFG makes when it merges two
  // updates, and the per-block addresses of lib/PinnedValues.cpp. The walk
  // of getUnderlyingObjects() (same worklist, same order), except that it
  // stops at the first object that is not a counters global: most accesses
  // the pass asks about are the program's own, behind long phi chains.
  SmallPtrSet<const Value *, 8> Visited;
  SmallVector<const Value *, 8> Work{V};
  SmallVector<const GlobalVariable *, 4> Found;
  do {
    const Value *P = getUnderlyingObject(Work.pop_back_val(), /*MaxLookup=*/0);
    if (!Visited.insert(P).second)
      continue;
    if (const auto *SI = dyn_cast<SelectInst>(P)) {
      Work.push_back(SI->getTrueValue());
      Work.push_back(SI->getFalseValue());
      continue;
    }
    if (const auto *PN = dyn_cast<PHINode>(P)) {
      append_range(Work, PN->incoming_values());
      continue;
    }
    const GlobalVariable *G = counterObject(P);
    if (!G)
      return false;
    if (!is_contained(Found, G))
      Found.push_back(G);
  } while (!Work.empty());
  if (Found.empty()) // a phi of nothing but itself
    return false;
  Globals.append(Found.begin(), Found.end());
  return true;
}

const GlobalVariable *bpfcov::counterGlobal(const Value *V) {
  SmallVector<const GlobalVariable *, 4> Globals;
  return counterGlobals(V, Globals) ? Globals.front() : nullptr;
}

bool bpfcov::isCounterPointer(const Value *V) { return counterGlobal(V); }

const Value *bpfcov::getAccessPointer(const Instruction &I) {
  if (const auto *LI = dyn_cast<LoadInst>(&I))
    return LI->getPointerOperand();
  if (const auto *SI = dyn_cast<StoreInst>(&I))
    return SI->getPointerOperand();
  if (const auto *RMW = dyn_cast<AtomicRMWInst>(&I))
    return RMW->getPointerOperand();
  if (const auto *CX = dyn_cast<AtomicCmpXchgInst>(&I))
    return CX->getPointerOperand();
  return nullptr;
}

const Value *
bpfcov::getCounterAccess(const Instruction &I,
                         SmallVectorImpl<const GlobalVariable *> &Globals) {
  const Value *Ptr = getAccessPointer(I);
  return Ptr && counterGlobals(Ptr, Globals) ? Ptr : nullptr;
}

/// Tags the memory accesses of \p F; returns true if it has counter updates.
static bool tagAccesses(Function &F, MDNode *CounterScope) {
  SmallVector<Instruction *, 64> Others;
  bool HasCounters = false;
  for (Instruction &I : instructions(F)) {
    if (!I.mayReadOrWriteMemory())
      continue;
    const Value *Ptr = getAccessPointer(I);
    if (Ptr && isCounterPointer(Ptr)) {
      // Plain counters: volatile, so that GVN does not keep their values in
      // registers across the function (register pressure, stack spills).
      if (auto *LI = dyn_cast<LoadInst>(&I))
        LI->setVolatile(!LI->isAtomic());
      else if (auto *SI = dyn_cast<StoreInst>(&I))
        SI->setVolatile(!SI->isAtomic());
      I.setMetadata(LLVMContext::MD_alias_scope,
                    MDNode::concatenate(
                        I.getMetadata(LLVMContext::MD_alias_scope), CounterScope));
      HasCounters = true;
      ++NumCounterAccesses;
    } else {
      Others.push_back(&I);
    }
  }
  if (!HasCounters)
    return false;
  for (Instruction *I : Others) {
    I->setMetadata(LLVMContext::MD_noalias,
                   MDNode::concatenate(I->getMetadata(LLVMContext::MD_noalias),
                                       CounterScope));
    ++NumOtherAccesses;
  }
  return true;
}

/// The counter updates of loop header \p BB when nothing else comes before
/// its branch: the loads, adds and stores of counters (empty otherwise).
static SmallVector<Instruction *, 8> getLeadingCounterUpdates(BasicBlock &BB) {
  SmallVector<Instruction *, 8> Updates;
  for (Instruction &I : BB) {
    if (isa<PHINode>(I) || isa<DbgInfoIntrinsic>(I) || I.isTerminator())
      continue;
    const Value *Ptr = getAccessPointer(I);
    bool Update = Ptr && isCounterPointer(Ptr);
    // The add between a counter's load and store: used by counter
    // updates of this block only.
    if (!Update && !I.mayHaveSideEffects() && !I.mayReadFromMemory() &&
        !I.use_empty())
      Update = all_of(I.users(), [&](const User *U) {
        const auto *UI = dyn_cast<Instruction>(U);
        return UI && UI->getParent() == &BB && getAccessPointer(*UI) &&
               isCounterPointer(getAccessPointer(*UI));
      });
    if (!Update)
      return {};
    Updates.push_back(&I);
  }
  return Updates;
}

/// STEP 16c: a loop whose header tests a pointer computed before the loop
/// against null (a map lookup) and bumps a counter first:
///   loop:  %c = load volatile i64, ptr @__profc_f+8 ; +1 ; store
///          br i1 %isnull, label %exit, label %body
/// Plain, LLVM moves the invariant test before the loop and computes
/// `v->buf` after it; here the counter update keeps the test in the loop
/// while `v->buf` is hoisted before it, and the verifier says "pointer
/// arithmetic on map_value_or_null prohibited". The updates move into both
/// successors (the same counts), then trivial unswitching takes the test
/// out of the loop and Sink moves the arithmetic after it. Returns true if
/// any test was freed.
static bool sinkCountersBelowNullChecks(Function &F) {
  DominatorTree DT(F);
  LoopInfo LI(DT);
  bool Changed = false;
  for (Loop *L : LI.getLoopsInPreorder()) {
    BasicBlock *Header = L->getHeader();
    auto *Br = dyn_cast<BranchInst>(Header->getTerminator());
    auto *Cmp = Br && Br->isConditional()
                    ? dyn_cast<ICmpInst>(Br->getCondition())
                    : nullptr;
    if (!Cmp || !Cmp->isEquality() || L->contains(Cmp) ||
        !isa<ConstantPointerNull>(Cmp->getOperand(1)) ||
        Br->getSuccessor(0) == Br->getSuccessor(1))
      continue;
    SmallVector<Instruction *, 8> Updates = getLeadingCounterUpdates(*Header);
    if (Updates.empty())
      continue;
    for (BasicBlock *Succ : successors(Header)) {
      if (!Succ->getSinglePredecessor())
        Succ = SplitEdge(Header, Succ);
      ValueToValueMapTy VMap;
      IRBuilder<> B(Succ, Succ->getFirstInsertionPt());
      for (Instruction *I : Updates) {
        Instruction *C = I->clone();
        RemapInstruction(C, VMap,
                         RF_NoModuleLevelChanges | RF_IgnoreMissingLocals);
        VMap[I] = B.Insert(C);
      }
    }
    for (Instruction *I : reverse(Updates))
      I->eraseFromParent();
    ++NumSunkNullChecks;
    Changed = true;
  }
  return Changed;
}

bool bpfcov::cleanUpCounterUpdates(Module &M) {
  if (!CleanUpOpt)
    return false;
  // STEP 16a: one scope for every counter and bitmap of the module.
  //   !S = !{!"bpfcov.counters", !D}   !D = !{!"bpfcov"}
  MDBuilder MDB(M.getContext());
  MDNode *Domain = MDB.createAnonymousAliasScopeDomain("bpfcov");
  MDNode *Scope = MDB.createAnonymousAliasScope(Domain, "bpfcov.counters");
  MDNode *ScopeList = MDNode::get(M.getContext(), {Scope});
  SmallVector<Function *, 16> Work;
  for (Function &F : M)
    if (!F.isDeclaration() && !F.hasOptNone() && tagAccesses(F, ScopeList))
      Work.push_back(&F);
  if (Work.empty())
    return false;

  // STEP 16b: the clean-ups, with the default alias analyses (which include
  // scoped noalias) and the BPF target's TTI.
  FunctionPassManager FPM;
  FPM.addPass(EarlyCSEPass(/*UseMemorySSA=*/true));
  FPM.addPass(GVNPass());
  FPM.addPass(SimplifyCFGPass());
  runFunctionPasses(M, FPM, Work);

  SmallVector<Function *, 16> Unswitch;
  for (Function *F : Work)
    if (sinkCountersBelowNullChecks(*F))
      Unswitch.push_back(F);
  if (!Unswitch.empty()) {
    FunctionPassManager UFPM;
    UFPM.addPass(createFunctionToLoopPassAdaptor(SimpleLoopUnswitchPass(),
                                                 /*UseMemorySSA=*/true));
    UFPM.addPass(SinkingPass());
    UFPM.addPass(SimplifyCFGPass());
    runFunctionPasses(M, UFPM, Unswitch);
  }
  return true;
}

void bpfcov::runFunctionPasses(Module &M, FunctionPassManager &FPM,
                               ArrayRef<Function *> Fns) {
  std::unique_ptr<TargetMachine> TM = compat::createTargetMachine(M);
  PassBuilder PB(TM.get());
  LoopAnalysisManager LAM;
  FunctionAnalysisManager FAM;
  CGSCCAnalysisManager CGAM;
  ModuleAnalysisManager MAM;
  PB.registerModuleAnalyses(MAM);
  PB.registerCGSCCAnalyses(CGAM);
  PB.registerFunctionAnalyses(FAM);
  PB.registerLoopAnalyses(LAM);
  PB.crossRegisterProxies(LAM, FAM, CGAM, MAM);
  for (Function *F : Fns)
    FPM.run(*F, FAM);
}

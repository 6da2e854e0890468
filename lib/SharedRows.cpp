//===-- SharedRows.cpp - Row 0 where a CPU's row costs stack ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/SharedRows.cpp
//
// DESCRIPTION:
//   With per-CPU counters (lib/BPFCov.cpp STEP 7) a function picks its row
//   at entry and keeps the row index through the whole function:
//     %bpfcov.cpu = call i64 inttoptr (i64 8 to ptr)()
//     %bpfcov.row = and i64 %bpfcov.cpu, 63
//   Across the program's helper calls the index lives in a callee-saved
//   register (r6-r9), and a program's own values may go to the stack
//   instead. In strobemeta_bpf_loop that was 16 bytes more in on_event and
//   in its bpf_loop callback (112 + 424 against 96 + 408 with shared atomic
//   counters), and 6.1, which adds a callback's frame to its caller's,
//   rejected it ("combined stack size of 2 calls is 576").
//
//   Row 0 is a constant: a function that uses it computes its counter
//   addresses like atomic counters do, and its adds stay atomic, so the
//   counts stay exact (bpfcov gen sums the rows); only its updates from
//   different CPUs share a cache line again. So a copy of the module is
//   compiled as it will be after STEP 20b and 20c (lib/Assembly.cpp); where
//   a chain of frames goes over the 512 bytes (6.1 counts a bpf_loop
//   callback's frame as a call's), a function of the chain that calls uses
//   row 0 if its frame is smaller then (a second compile says).
//
// USAGE: called by the bpf-cov pass on the loadable object's module with
//   per-CPU counters, before the addends and rows are pinned
//   (lib/PinnedValues.cpp).
//===----------------------------------------------------------------------===//
#include "BPFCov.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/Analysis/ConstantFolding.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/ValueHandle.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Debug.h"
#include "llvm/Transforms/Utils/Cloning.h"

#include <functional>

using namespace llvm;
using namespace bpfcov;

#define DEBUG_TYPE "bpf-cov"

STATISTIC(NumSharedRows, "Number of functions whose per-CPU counters use row 0");

static cl::opt<bool> ShareRowsOpt(
    "bpfcov-share-rows",
    cl::desc("Per-CPU counters: use row 0 in the functions of a call chain "
             "over the stack limit that need less stack then (default: true)"),
    cl::init(true));

/// The row index of \p F (STEP 7's `and`), or null.
static Instruction *rowOf(Function &F) {
  if (F.isDeclaration())
    return nullptr;
  for (Instruction &I : F.getEntryBlock())
    if (I.getMetadata(PerCpuRowMD))
      return &I;
  return nullptr;
}

/// Makes \p F use row 0: the index and what is computed from it become
/// constants, the helper call goes.
static void useRowZero(Function &F) {
  Instruction *Row = rowOf(F);
  if (!Row)
    return;
  const DataLayout &DL = F.getParent()->getDataLayout();
  auto *Cpu = dyn_cast<Instruction>(Row->getOperand(0));
  SmallVector<WeakTrackingVH, 16> Work(Row->user_begin(), Row->user_end());
  Row->replaceAllUsesWith(Constant::getNullValue(Row->getType()));
  Row->eraseFromParent();
  if (Cpu && Cpu->use_empty())
    Cpu->eraseFromParent();
  while (!Work.empty()) {
    auto *I = dyn_cast_or_null<Instruction>(&*Work.pop_back_val());
    if (!I)
      continue;
    Constant *C = ConstantFoldInstruction(I, DL);
    if (!C)
      continue;
    Work.append(I->user_begin(), I->user_end());
    I->replaceAllUsesWith(C);
    I->eraseFromParent();
  }
}

/// \p M as STEP 20b and 20c will make it, compiled; row 0 in \p Shared.
static std::pair<Assembly, std::unique_ptr<Module>>
compileAsPinned(const Module &M, ArrayRef<StringRef> Shared) {
  std::unique_ptr<Module> Copy = CloneModule(M);
  for (StringRef Name : Shared)
    useRowZero(*Copy->getFunction(Name));
  pinCounterAddends(*Copy);
  pinPerCpuRows(*Copy);
  Assembly Asm = emitAssembly(*Copy);
  return {std::move(Asm), std::move(Copy)};
}

/// The functions of \p M on a chain of frames deeper than the stack limit,
/// the way kernel 6.1 adds them up: each frame rounded up to 32 bytes (32
/// at least), and a callback (a function passed to bpf_loop) counted as a
/// call. Newer kernels count callbacks apart; the pass does not know which
/// kernel loads the object.
static SmallPtrSet<const Function *, 8>
onDeepChains(const Module &M, const StringMap<uint64_t> &Depths) {
  DenseMap<const Function *, SmallVector<const Function *, 4>> Callees;
  for (const Function &F : M)
    for (const Instruction &I : instructions(F))
      for (const Value *Op : I.operands())
        if (const auto *G = dyn_cast<Function>(Op->stripPointerCasts()))
          if (!G->isDeclaration() && !is_contained(Callees[&F], G))
            Callees[&F].push_back(G);
  // The deepest chain from each function (BPF has no recursion; a cycle
  // would be cut at the function already on the chain).
  DenseMap<const Function *, uint64_t> Deepest;
  SmallPtrSet<const Function *, 8> OnChain;
  std::function<uint64_t(const Function *)> Chain = [&](const Function *F) {
    auto It = Deepest.find(F);
    if (It != Deepest.end())
      return It->second;
    if (!OnChain.insert(F).second)
      return uint64_t(0);
    uint64_t Below = 0;
    for (const Function *G : Callees.lookup(F))
      Below = std::max(Below, Chain(G));
    OnChain.erase(F);
    uint64_t Depth = std::max<uint64_t>(Depths.lookup(F->getName()), 1);
    uint64_t Frame = stackUnits(Depth) * 32;
    return Deepest[F] = Frame + Below;
  };
  SmallPtrSet<const Function *, 8> Deep;
  for (const Function &F : M) {
    if (F.isDeclaration() || Chain(&F) <= stackLimit())
      continue;
    SmallVector<const Function *, 8> Work{&F};
    while (!Work.empty()) {
      const Function *G = Work.pop_back_val();
      if (Deep.insert(G).second)
        append_range(Work, Callees.lookup(G));
    }
  }
  return Deep;
}

std::optional<Assembly> bpfcov::shareRowsWhereDeep(Module &M) {
  // STEP 20a (percpu): rows stay, except in the functions of a chain that
  // goes over the stack limit and that need less stack with row 0.
  if (!ShareRowsOpt)
    return std::nullopt;
  SmallVector<StringRef, 8> Names;
  for (Function &F : M)
    if (rowOf(F) && any_of(instructions(F), isRealCall))
      Names.push_back(F.getName());
  if (Names.empty())
    return std::nullopt;
  auto [Rows, RowsModule] = compileAsPinned(M, {});
  StringMap<uint64_t> RowDepths = stackDepths(*RowsModule, Rows.Text);
  SmallPtrSet<const Function *, 8> Deep = onDeepChains(M, RowDepths);
  SmallVector<StringRef, 8> Candidates;
  for (StringRef Name : Names)
    if (!Rows.Ok || Deep.count(M.getFunction(Name)))
      Candidates.push_back(Name);
  // STEP 20b and 20c will make M what was compiled: STEP 20d reuses it.
  if (Candidates.empty())
    return std::move(Rows);
  auto [Zero, ZeroModule] = compileAsPinned(M, Candidates);
  if (!Zero.Ok)
    return std::move(Rows);
  StringMap<uint64_t> ZeroDepths = stackDepths(*ZeroModule, Zero.Text);
  bool Changed = false;
  for (StringRef Name : Candidates) {
    if (Rows.Ok && ZeroDepths.lookup(Name) >= RowDepths.lookup(Name))
      continue;
    LLVM_DEBUG(dbgs() << "bpf-cov: " << Name << ": per-CPU row 0, "
                      << RowDepths.lookup(Name) << " -> "
                      << ZeroDepths.lookup(Name) << " stack bytes\n");
    useRowZero(*M.getFunction(Name));
    ++NumSharedRows;
    Changed = true;
  }
  if (!Changed)
    return std::move(Rows);
  return std::nullopt;
}

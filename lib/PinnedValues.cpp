//===-- PinnedValues.cpp - Counter values llc may not share across blocks ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/PinnedValues.cpp
//
// DESCRIPTION:
//   An atomic add takes its addend in a register (BPF has no immediate
//   form), and llc treats the `1` of every counter add as one value: its
//   MachineCSE reuses the entry block's `r1 = 1` in any block the entry
//   dominates, and MachineLICM hoists it out of loops. The constant then
//   lives across the program's helper calls in a callee-saved register
//   (r6-r9, four of them), and the program's own values go to the stack.
//   In test_sysctl_loop2 the return value was spilled as 32 bits next to a
//   buffer a helper writes; kernels 6.x drop a spilled register when a
//   helper writes any byte of its 8-byte slot, and the verifier rejected
//   the program ("R0 has smin=0 smax=4294967295 should have been in [0, 1]").
//
//   Each counter add gets its addend from an inline assembly `r = 1` of its
//   own, which llc neither merges nor moves (it has side effects):
//     %one = call i64 asm sideeffect "$0 = 1", "=r"()
//     atomicrmw add ptr @__profc_f, i64 %one monotonic
//   The BPF code is what llc emits unshared (two instructions per add);
//   the constant is dead after its add.
//
//   pinnedCopy(), pinnedAddress() and pinnedGlobal() do the same for a
//   value, the address of a global plus an offset (a per-CPU row address,
//   lib/BPFCov.cpp STEP 7) and a counter global's address (STEP 20d, only in
//   the functions where it saves stack): computed where they are used, never
//   kept from block to block.
//
// USAGE: called by the bpf-cov pass on the loadable object's module, after
//   the adds were merged (lib/MergeCounterAdds.cpp) and counter blocks moved
//   (lib/ColdCounterBlocks.cpp, whose counter-only blocks hold no pinned value).
//===----------------------------------------------------------------------===//
#include "BPFCov.h"
#include "CountersSection.h"
#include "bpfcov/Names.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/Local.h"

using namespace llvm;
using namespace bpfcov;

#define DEBUG_TYPE "bpf-cov"

STATISTIC(NumPinnedAddends, "Number of atomic counter addends pinned to their add");
STATISTIC(NumPinnedRows, "Number of per-CPU row addresses computed in their block");
STATISTIC(NumPinnedBases, "Number of counter addresses computed where they are used");

static cl::opt<bool> PinAddressesOpt(
    "bpfcov-pin-addresses",
    cl::desc("In functions that call, compute counter addresses in each "
             "block that uses them (default: true)"),
    cl::init(true));

/// The metadata that marks bpfcov's pinned values (eraseCounterAccesses).
static constexpr const char *PinnedMD = "bpfcov.pinned";

/// Marks \p Call, an inline assembly of this file, as a pinned value.
static CallInst *markPinned(CallInst *Call) {
  Call->setMetadata(PinnedMD, MDNode::get(Call->getContext(), {}));
  return Call;
}

const GlobalVariable *bpfcov::pinnedAddressGlobal(const Value *V) {
  const auto *Call = dyn_cast<CallInst>(V);
  if (!Call || !Call->getMetadata(PinnedMD) || Call->arg_size() == 0)
    return nullptr;
  // pinnedAddress() (offset, global) or pinnedGlobal() (global).
  return dyn_cast<GlobalVariable>(Call->getArgOperand(Call->arg_size() - 1));
}

void bpfcov::eraseCounterAccesses(ArrayRef<Instruction *> Accesses) {
  // Once the counter update it fed is gone (lib/NotInstrumented.cpp),
  // nothing else keeps a pinned value: a row address may feed a GEP and use
  // a pinned offset. A worklist from the erased instructions' operands, as
  // RecursivelyDeleteTriviallyDeadInstructions() does for dead code.
  SmallPtrSet<Instruction *, 32> Erased(Accesses.begin(), Accesses.end());
  SmallSetVector<Instruction *, 16> Work;
  auto Erase = [&](Instruction *I) {
    SmallVector<Instruction *, 4> Ops;
    for (Value *Op : I->operands())
      if (auto *OI = dyn_cast<Instruction>(Op))
        Ops.push_back(OI);
    I->eraseFromParent();
    for (Instruction *OI : Ops)
      if (!Erased.count(OI) && OI->use_empty() &&
          (OI->getMetadata(PinnedMD) || isInstructionTriviallyDead(OI)))
        Work.insert(OI);
  };
  for (Instruction *I : Accesses)
    Erase(I);
  while (!Work.empty()) {
    Instruction *I = Work.pop_back_val();
    Erased.insert(I);
    Erase(I);
  }
}

Value *bpfcov::pinnedCopy(IRBuilderBase &B, Value *V, const Twine &Name) {
  // %v.pinned = call i64 asm sideeffect "$0 = $1", "=r,r"(i64 %v)
  auto *Ty = FunctionType::get(V->getType(), {V->getType()}, false);
  return markPinned(B.CreateCall(Ty,
                                 InlineAsm::get(Ty, "$0 = $1", "=r,r",
                                                /*hasSideEffects=*/true),
                                 {V}, Name));
}

Value *bpfcov::pinnedAddress(IRBuilderBase &B, GlobalVariable *G,
                             Value *Offset, const Twine &Name) {
  // The address of @G comes from the assembly too: a `r = @G ll` of llc's
  // own would be merged with the one of the dominating block and kept.
  //   %g.row = call ptr asm sideeffect "$0 = $2 ll\n\t$0 += $1",
  //                                    "=&r,r,i"(i64 %off, ptr @g)
  auto *Ty = FunctionType::get(G->getType(), {Offset->getType(), G->getType()},
                               false);
  return markPinned(B.CreateCall(
      Ty,
      InlineAsm::get(Ty, "$0 = $2 ll\n\t$0 += $1", "=&r,r,i",
                     /*hasSideEffects=*/true),
      {Offset, G}, Name));
}

Value *bpfcov::pinnedGlobal(IRBuilderBase &B, GlobalVariable *G,
                            const Twine &Name) {
  //   %g.addr = call ptr asm sideeffect "$0 = $1 ll", "=r,i"(ptr @g)
  auto *Ty = FunctionType::get(G->getType(), {G->getType()}, false);
  return markPinned(B.CreateCall(
      Ty, InlineAsm::get(Ty, "$0 = $1 ll", "=r,i", /*hasSideEffects=*/true),
      {G}, Name));
}

bool bpfcov::isRealCall(const Instruction &I) {
  const auto *Call = dyn_cast<CallInst>(&I);
  return Call && !isa<IntrinsicInst>(Call) && !Call->isInlineAsm();
}

/// The address \p C (a counters global plus a constant offset) from a
/// pinned `r = @g ll` made by \p B; null if \p C is no such address.
static Value *pinnedConstantAddress(IRBuilderBase &B, Constant *C) {
  auto *G = const_cast<GlobalVariable *>(counterGlobal(C));
  if (!G)
    return nullptr;
  const DataLayout &DL = G->getParent()->getDataLayout();
  APInt Off(DL.getIndexTypeSizeInBits(C->getType()), 0);
  if (C->stripAndAccumulateConstantOffsets(DL, Off, /*AllowNonInbounds=*/true) != G)
    return nullptr;
  Value *P = pinnedGlobal(B, G, G->getName() + ".addr");
  ++NumPinnedBases;
  if (!Off.isZero()) {
    Type *I8 = B.getInt8Ty();
    P = B.CreateConstInBoundsGEP1_64(
        I8, B.CreatePointerCast(P, PointerType::get(I8, G->getAddressSpace())),
        Off.getZExtValue());
  }
  return B.CreatePointerCast(P, C->getType());
}

/// The operands of \p I that may hold a counter address: a memory access's
/// pointer, a select's choices.
static SmallVector<unsigned, 2> addressOperands(const Instruction &I) {
  if (isa<LoadInst>(I))
    return {LoadInst::getPointerOperandIndex()};
  if (isa<StoreInst>(I))
    return {StoreInst::getPointerOperandIndex()};
  if (isa<AtomicRMWInst>(I))
    return {AtomicRMWInst::getPointerOperandIndex()};
  if (isa<AtomicCmpXchgInst>(I))
    return {AtomicCmpXchgInst::getPointerOperandIndex()};
  if (isa<SelectInst>(I) && I.getType()->isPointerTy())
    return {1, 2};
  return {};
}

/// True if \p F calls and uses a counter address llc would materialize.
static bool mayPinAddresses(const Function &F) {
  if (F.isDeclaration() || none_of(instructions(F), isRealCall))
    return false;
  return any_of(instructions(F), [](const Instruction &I) {
    for (unsigned Op : addressOperands(I))
      if (isa<Constant>(I.getOperand(Op)) && counterGlobal(I.getOperand(Op)))
        return true;
    if (const auto *PN = dyn_cast<PHINode>(&I))
      return any_of(PN->incoming_values(), [](const Value *V) {
        return isa<Constant>(V) && counterGlobal(V);
      });
    return false;
  });
}

/// Computes the counter addresses of \p F in each block that uses them,
/// and again after each call.
static void pinAddressesIn(Function &F) {
  // A phi's address, at the end of the incoming block: once per block and
  // address, shared by every phi that takes it from there.
  DenseMap<std::pair<BasicBlock *, Constant *>, Value *> In;
  for (BasicBlock &BB : F) {
    DenseMap<Constant *, Value *> Addr;
    for (Instruction &I : make_early_inc_range(BB)) {
      if (isRealCall(I)) {
        Addr.clear();
        continue;
      }
      if (auto *PN = dyn_cast<PHINode>(&I)) {
        for (unsigned K = 0; K < PN->getNumIncomingValues(); ++K) {
          auto *C = dyn_cast<Constant>(PN->getIncomingValue(K));
          if (!C || !counterGlobal(C))
            continue;
          Value *&V = In[{PN->getIncomingBlock(K), C}];
          if (!V) {
            IRBuilder<> B(PN->getIncomingBlock(K)->getTerminator());
            V = pinnedConstantAddress(B, C);
          }
          if (V)
            PN->setIncomingValue(K, V);
        }
        continue;
      }
      for (unsigned Op : addressOperands(I)) {
        auto *C = dyn_cast<Constant>(I.getOperand(Op));
        if (!C)
          continue;
        Value *&A = Addr[C];
        if (!A) {
          IRBuilder<> B(&I);
          A = pinnedConstantAddress(B, C);
        }
        if (A)
          I.setOperand(Op, A);
      }
    }
  }
}

/// Stack bytes in the verifier's unit: it rounds each frame up to 32.

std::optional<Assembly>
bpfcov::pinCounterAddresses(Module &M, std::optional<Assembly> Known) {
  // STEP 20d: llc materializes a counter global's address (`r = @g ll`)
  // once and, with MachineCSE, reuses it in every block the first one
  // dominates: across helper calls it lives in a callee-saved register
  // (r6-r9), and the program's own values may go to the stack instead
  // (strobemeta_bpf_loop's on_event took 8 bytes more, and its frames went
  // over the 512 bytes 6.1 allows a bpf_loop callback and its caller).
  // In a function that calls, each block can compute the address where it
  // is used, again after each call:
  //   %__profc_f.addr = call ptr asm sideeffect "$0 = $1 ll", "=r,i"(ptr @__profc_f)
  //   %p = getelementptr inbounds i8, ptr %__profc_f.addr, i64 16
  // That costs an instruction per update, so it is done only where it
  // saves stack: a copy of the module is compiled both ways (lib/Assembly.cpp)
  // and a function keeps its pinned addresses only if its frame takes fewer
  // of the verifier's 32-byte units (or only the pinned module compiles).
  if (!PinAddressesOpt)
    return Known;
  SmallVector<StringRef, 8> Names;
  for (Function &F : M)
    if (mayPinAddresses(F))
      Names.push_back(F.getName());
  if (Names.empty())
    return Known;
  Assembly Before = Known ? std::move(*Known) : emitAssembly(M);
  StringMap<uint64_t> BeforeDepths = stackDepths(M, Before.Text);
  // A function without stack has none to win.
  if (Before.Ok &&
      all_of(Names, [&](StringRef N) { return !BeforeDepths.lookup(N); }))
    return Before;
  std::unique_ptr<Module> Pinned = CloneModule(M);
  for (StringRef Name : Names)
    pinAddressesIn(*Pinned->getFunction(Name));
  Assembly After = emitAssembly(*Pinned);
  if (!After.Ok)
    return Before;
  StringMap<uint64_t> AfterDepths = stackDepths(*Pinned, After.Text);
  SmallVector<StringRef, 8> Pin;
  for (StringRef Name : Names)
    if (!Before.Ok || stackUnits(AfterDepths.lookup(Name)) <
                          stackUnits(BeforeDepths.lookup(Name)))
      Pin.push_back(Name);
  for (StringRef Name : Pin) {
    LLVM_DEBUG(dbgs() << "bpf-cov: " << Name << ": counter addresses pinned, "
                      << BeforeDepths.lookup(Name) << " -> "
                      << AfterDepths.lookup(Name) << " stack bytes\n");
    pinAddressesIn(*M.getFunction(Name));
  }
  // The module is now one of the two compiled, or neither.
  if (Pin.empty())
    return Before;
  if (Pin.size() == Names.size())
    return After;
  return std::nullopt;
}

bool bpfcov::pinCounterAddends(Module &M) {
  // STEP 20b: every atomic add of a constant to a counter.
  bool Changed = false;
  for (Function &F : M)
    for (BasicBlock &BB : F)
      for (Instruction &I : BB) {
        auto *RMW = dyn_cast<AtomicRMWInst>(&I);
        if (!RMW || RMW->getOperation() != AtomicRMWInst::Add ||
            !isCounterPointer(RMW->getPointerOperand()))
          continue;
        auto *C = dyn_cast<ConstantInt>(RMW->getValOperand());
        // `r = imm` takes a signed 32-bit immediate.
        if (!C || !RMW->getType()->isIntegerTy(64) ||
            !isInt<32>(C->getSExtValue()))
          continue;
        IRBuilder<> B(RMW);
        auto *Ty = FunctionType::get(RMW->getType(), false);
        auto *Asm = InlineAsm::get(Ty, "$0 = " + std::to_string(C->getSExtValue()),
                                   "=r", /*hasSideEffects=*/true);
        RMW->setOperand(1, markPinned(B.CreateCall(Ty, Asm, {}, "bpfcov.addend")));
        ++NumPinnedAddends;
        Changed = true;
      }
  return Changed;
}

/// Records per function from which pinPerCpuRows() computes row addresses
/// per block: more row addresses than callee-saved registers (r6-r9), so
/// some are spilled whatever the program's own values need. At four, they
/// may still fit, and a row address per block costs a heavily unrolled
/// function too much (pyperf600's on_event, four records, went past the
/// verifier's 1M instructions with percpu counters).
static constexpr unsigned MinPinnedRecords = 5;

bool bpfcov::pinPerCpuRows(Module &M) {
  // STEP 20c (percpu): lib/BPFCov.cpp STEP 7 computes each record's row
  // address once, at entry:
  //   %__profc_g.row = getelementptr inbounds [64 x [8 x i64]], ptr @__profc_g,
  //                    i64 0, i64 %bpfcov.row
  // A function with inlined callees bumps several records, and all their
  // row addresses live across the whole function, each in a callee-saved
  // register or a stack slot (strobemeta's on_event, six records, went past
  // the 512-byte stack). From five records on, only the row's byte offset is
  // kept, and each block computes the row addresses it uses, before the
  // first use (more instructions: fewer records keep their addresses):
  //   %bpfcov.rowoff = shl i64 %bpfcov.row, 6                  ; at entry
  //   %__profc_g.row = call ptr asm sideeffect "$0 = $2 ll\n\t$0 += $1",
  //                    "=&r,r,i"(i64 %bpfcov.rowoff, ptr @__profc_g)
  // (rows of 16 counters or more: a pinned copy of the offset times 2, 3...).
  const uint64_t UnitBytes = PerCpuRowAlign * 8;
  const DataLayout &DL = M.getDataLayout();
  bool Changed = false;
  for (Function &F : M) {
    SmallVector<GetElementPtrInst *, 8> RowGEPs;
    SmallPtrSet<GlobalVariable *, 8> Globals;
    for (Instruction &I : instructions(F)) {
      auto *GEP = dyn_cast<GetElementPtrInst>(&I);
      if (!GEP || GEP->getNumIndices() != 2 ||
          isa<Constant>(GEP->getOperand(2)))
        continue;
      auto *G = dyn_cast<GlobalVariable>(GEP->getPointerOperand());
      if (!G || !isCountersGlobal(G))
        continue;
      RowGEPs.push_back(GEP);
      Globals.insert(G);
    }
    if (Globals.size() < MinPinnedRecords)
      continue;
    // The byte offset of each row index (one %bpfcov.row per function).
    DenseMap<Value *, Value *> RowOffOf;
    for (GetElementPtrInst *GEP : RowGEPs) {
      Value *Row = GEP->getOperand(2);
      auto *Def = dyn_cast<Instruction>(Row);
      Value *&RowOff = RowOffOf[Row];
      if (!Def || RowOff)
        continue;
      IRBuilder<> B(Def->getNextNode());
      B.SetCurrentDebugLocation(GEP->getDebugLoc());
      RowOff = B.CreateShl(Row, Log2_64(UnitBytes), "bpfcov.rowoff");
    }
    for (GetElementPtrInst *GEP : RowGEPs) {
      Value *RowOff = RowOffOf.lookup(GEP->getOperand(2));
      if (!RowOff)
        continue;
      auto *G = cast<GlobalVariable>(GEP->getPointerOperand());
      uint64_t RowBytes = DL.getTypeAllocSize(GEP->getResultElementType());
      if (RowBytes % UnitBytes)
        continue;
      // Every use of the row address, through pointer casts: the user, the
      // operand, and the block where the address is needed.
      struct Leaf {
        Instruction *User;
        unsigned Op;
        BasicBlock *Block;
      };
      SmallVector<Leaf, 16> Leaves;
      SmallVector<Instruction *, 8> Casts, Work{GEP};
      while (!Work.empty()) {
        Instruction *V = Work.pop_back_val();
        for (Use &U : V->uses()) {
          auto *UI = cast<Instruction>(U.getUser());
          if (isa<BitCastInst>(UI) || isa<AddrSpaceCastInst>(UI)) {
            Casts.push_back(UI);
            Work.push_back(UI);
            continue;
          }
          BasicBlock *BB = UI->getParent();
          if (auto *PN = dyn_cast<PHINode>(UI))
            BB = PN->getIncomingBlock(U);
          Leaves.push_back({UI, U.getOperandNo(), BB});
        }
      }
      // The first point of each block that needs the address.
      DenseMap<BasicBlock *, Instruction *> First;
      for (const Leaf &L : Leaves) {
        Instruction *P =
            isa<PHINode>(L.User) ? L.Block->getTerminator() : L.User;
        Instruction *&F0 = First[L.Block];
        if (!F0 || P->comesBefore(F0))
          F0 = P;
      }
      DenseMap<BasicBlock *, Value *> RowAddress;
      DenseMap<std::pair<BasicBlock *, Type *>, Value *> Address;
      for (const Leaf &L : Leaves) {
        Type *Ty = L.User->getOperand(L.Op)->getType();
        Value *A = Address.lookup({L.Block, Ty});
        if (!A) {
          IRBuilder<> B(First[L.Block]);
          B.SetCurrentDebugLocation(GEP->getDebugLoc());
          Value *Row = RowAddress.lookup(L.Block);
          if (!Row) {
            Value *Off = RowOff;
            if (RowBytes > UnitBytes)
              Off = B.CreateMul(pinnedCopy(B, RowOff, "bpfcov.rowoff.pinned"),
                                ConstantInt::get(RowOff->getType(),
                                                 RowBytes / UnitBytes));
            Row = pinnedAddress(B, G, Off, GEP->getName());
            RowAddress[L.Block] = Row;
            ++NumPinnedRows;
          }
          A = B.CreatePointerCast(Row, Ty);
          Address[{L.Block, Ty}] = A;
        }
        L.User->setOperand(L.Op, A);
      }
      for (auto It = Casts.rbegin(); It != Casts.rend(); ++It)
        if ((*It)->use_empty())
          (*It)->eraseFromParent();
      if (GEP->use_empty())
        GEP->eraseFromParent();
      Changed = true;
    }
  }
  return Changed;
}

//===-- GlobalCallArgs.cpp - Defined arguments for global BPF functions ----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/GlobalCallArgs.cpp
//
// DESCRIPTION:
//   The verifier checks every call of a global (non-static) BPF function
//   against the callee's BTF: a `struct __sk_buff *` argument must be the
//   context, whether the callee reads it or not. LLVM sees that the callee
//   ignores the argument and passes `undef`:
//     define i32 @foo(ptr nocapture readnone %skb)    ; global: verified alone
//     %r = tail call i32 @foo(ptr undef)
//   llc then leaves whatever R1 holds. Plain builds load by luck (R1 still
//   holds the context); instrumented ones have a counter address in R1 and
//   fail with "Caller passes invalid args into func#1" (test_global_func8).
//
//   Each `undef` (or poison) argument of a call to a global function gets a
//   defined value: the caller's own argument of the same type (for pointers,
//   of the same debug-info type when both functions have it), when there is
//   exactly one (the context passed down), else null or zero:
//     %r = tail call i32 @foo(ptr %skb)
//
// USAGE: called by the bpf-cov pass on the loadable object's module.
//===----------------------------------------------------------------------===//
#include "BPFCov.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"

using namespace llvm;

#define DEBUG_TYPE "bpf-cov"

STATISTIC(NumDefinedArgs, "Number of undef arguments of global calls defined");

/// The debug-info type of parameter \p I of \p F, or null.
static const Metadata *getParamDIType(const Function &F, unsigned I) {
  const DISubprogram *SP = F.getSubprogram();
  if (!SP || !SP->getType())
    return nullptr;
  DITypeRefArray Types = SP->getType()->getTypeArray();
  return I + 1 < Types.size() ? Types[I + 1] : nullptr; // [0]: return type
}

/// The value to pass for \p Callee's parameter \p I from \p Caller.
static Value *getDefinedArg(Function &Caller, const Function &Callee,
                            unsigned I) {
  Type *Ty = Callee.getFunctionType()->getParamType(I);
  const Metadata *Want = getParamDIType(Callee, I);
  Value *Found = nullptr;
  unsigned Matches = 0;
  for (Argument &A : Caller.args()) {
    if (A.getType() != Ty)
      continue;
    const Metadata *Have = getParamDIType(Caller, A.getArgNo());
    if (Want && Have && Want != Have)
      continue;
    Found = &A;
    ++Matches;
  }
  if (Matches == 1)
    return Found;
  return Constant::getNullValue(Ty);
}

bool bpfcov::defineGlobalCallArgs(Module &M) {
  bool Changed = false;
  for (Function &Caller : M) {
    if (Caller.isDeclaration())
      continue;
    for (Instruction &I : instructions(Caller)) {
      auto *CB = dyn_cast<CallBase>(&I);
      Function *Callee = CB ? CB->getCalledFunction() : nullptr;
      if (!Callee || Callee->isDeclaration() || Callee->hasLocalLinkage() ||
          Callee->isIntrinsic())
        continue;
      // STEP 19: a global callee's ignored argument, e.g.
      //   call i32 @foo(ptr undef)  ->  call i32 @foo(ptr %skb)
      for (unsigned A = 0, E = CB->arg_size();
           A != E && A < Callee->arg_size(); ++A)
        if (isa<UndefValue>(CB->getArgOperand(A))) {
          CB->setArgOperand(A, getDefinedArg(Caller, *Callee, A));
          ++NumDefinedArgs;
          Changed = true;
        }
    }
  }
  return Changed;
}

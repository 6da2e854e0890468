//===-- NotInstrumented.cpp - Functions left without counter updates ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/NotInstrumented.cpp
//
// DESCRIPTION:
//   Counters and regions are never dropped to make a program load, but a
//   function may still be impossible to instrument: a jump it needs with
//   counters exceeds the 16-bit offset of a BPF jump, or the user names it
//   (-bpfcov-not-instrumented=f,g: e.g. the verifier finds it too large
//   instrumented). Such a function keeps its plain behaviour: every counter
//   and MC/DC bitmap update in its body is removed and the clean-ups run
//   again. Its body may hold inlined code of other functions, whose counters
//   then lose some updates: they are not instrumented either ("inlined into
//   'f'"), never shown with partial counts.
//
//   The loadable run warns once per function; the .bpf.obj run (same
//   input, same list) removes their coverage records (__covrec_*, so
//   llvm-cov does not show them at 0) and writes the list, one
//   "<function>\t<file>\t<reason>\n" line each, into .bpfcov.notinstr.
//
// USAGE: called by the bpf-cov pass (lib/BPFCov.cpp, STEPs 15 and 20).
//===----------------------------------------------------------------------===//
#include "BPFCov.h"
#include "Compat.h"
#include "bpfcov/Names.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Scalar/DCE.h"
#include "llvm/Transforms/Scalar/EarlyCSE.h"
#include "llvm/Transforms/Scalar/GVN.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;
using namespace bpfcov;

static cl::list<std::string> NotInstrumentedOpt(
    "bpfcov-not-instrumented",
    cl::desc("Functions to leave without counter updates (comma-separated): "
             "their coverage is reported as not instrumented (default: "
             "none)"),
    cl::CommaSeparated);

static cl::opt<bool> JumpFallbackOpt(
    "bpfcov-jump-fallback",
    cl::desc("Leave a function that needs a jump beyond the 16-bit BPF jump "
             "offset, or more than the BPF stack, without counter updates "
             "(default), rather than fail"),
    cl::init(true));

/// The reason of the functions -bpfcov-not-instrumented names.
static constexpr char NamedReason[] = "named by -bpfcov-not-instrumented";

bool bpfcov::hasNamedNotInstrumented() { return !NotInstrumentedOpt.empty(); }

/// "helper" of the profile name "x.bpf.c:helper" (static functions; LLVM 18+
/// IR names may use ';').
static StringRef sourceName(StringRef ProfileName) {
  size_t Sep = ProfileName.find_last_of(":;");
  return Sep == StringRef::npos ? ProfileName : ProfileName.drop_front(Sep + 1);
}

/// The source file of function \p Name: its definition's, else that of a
/// subprogram of that name in the debug info (a callee inlined everywhere).
static std::string sourceFile(const Module &M, StringRef Name) {
  if (const Function *F = M.getFunction(Name))
    if (const DISubprogram *SP = F->getSubprogram())
      return SP->getFilename().str();
  DebugInfoFinder Finder;
  Finder.processModule(M);
  for (const DISubprogram *SP : Finder.subprograms())
    if (SP->getName() == Name)
      return SP->getFilename().str();
  return "";
}

/// Adds function \p ProfileName to \p List unless it is there.
static void addFunction(const Module &M, const CounterOwner &Owner,
                        const Twine &Reason,
                        std::vector<NotInstrumentedFunction> &List) {
  for (const NotInstrumentedFunction &N : List)
    if (N.NameRef == Owner.NameRef)
      return;
  NotInstrumentedFunction N;
  N.Name = sourceName(Owner.ProfileName).str();
  N.File = sourceFile(M, N.Name);
  N.Reason = Reason.str();
  N.NameRef = Owner.NameRef;
  List.push_back(N);
}

/// True for a call of bpf_get_smp_processor_id (helper 8), which percpu
/// counters add at entry to pick their row.
static bool isProcessorIdCall(const Instruction &I) {
  const auto *Call = dyn_cast<CallInst>(&I);
  if (!Call)
    return false;
  const auto *CE = dyn_cast<ConstantExpr>(Call->getCalledOperand());
  if (!CE || CE->getOpcode() != Instruction::IntToPtr)
    return false;
  const auto *Id = dyn_cast<ConstantInt>(CE->getOperand(0));
  return Id && Id->getZExtValue() == 8;
}

/// Removes every counter and bitmap access of \p F, then the code that only
/// computed their addresses; adds \p F (with \p Reason) and every function
/// whose counters it bumped to \p List. Returns false when \p F had none.
static bool dropCounterUpdates(Function &F, const CounterOwners &Owners,
                               const Twine &Reason,
                               std::vector<NotInstrumentedFunction> &List) {
  SmallVector<Instruction *, 32> Accesses;
  SmallVector<const GlobalVariable *, 8> TouchedGlobals;
  for (Instruction &I : instructions(F)) {
    SmallVector<const GlobalVariable *, 2> Globals;
    if (!getCounterAccess(I, Globals))
      continue;
    Accesses.push_back(&I);
    for (const GlobalVariable *GV : Globals)
      if (!is_contained(TouchedGlobals, GV))
        TouchedGlobals.push_back(GV);
  }
  if (Accesses.empty())
    return false;
  // A twin's count came from these updates too (lib/TwinCounters.cpp).
  addTwinGlobals(*F.getParent(), TouchedGlobals);
  SmallVector<const CounterOwner *, 8> Touched;
  for (const GlobalVariable *GV : TouchedGlobals) {
    auto It = Owners.find(GV);
    if (It != Owners.end())
      Touched.push_back(&It->second);
  }
  // The function's own record first, with the reason; then its inlined
  // callees'.
  Module &M = *F.getParent();
  for (const CounterOwner *O : Touched)
    if (sourceName(O->ProfileName) == F.getName())
      addFunction(M, *O, Reason, List);
  for (const CounterOwner *O : Touched)
    if (sourceName(O->ProfileName) != F.getName())
      addFunction(M, *O, "inlined into '" + F.getName() + "'", List);
  // A counter read (a plain add's load) reads 0 from now on; nothing but
  // the removed update uses it.
  for (Instruction *I : Accesses)
    if (!I->use_empty())
      I->replaceAllUsesWith(Constant::getNullValue(I->getType()));
  eraseCounterAccesses(Accesses); // and their pinned values (STEP 20b-d)
  FunctionPassManager FPM;
  FPM.addPass(DCEPass());
  FPM.addPass(EarlyCSEPass(/*UseMemorySSA=*/true));
  FPM.addPass(GVNPass());
  FPM.addPass(SimplifyCFGPass());
  runFunctionPasses(M, FPM, {&F});
  // Percpu: the row's CPU number, now unused.
  SmallVector<Instruction *, 2> Dead;
  for (Instruction &I : instructions(F))
    if (isProcessorIdCall(I) && I.use_empty())
      Dead.push_back(&I);
  for (Instruction *I : Dead)
    I->eraseFromParent();
  return true;
}

bool bpfcov::dropNamedFunctions(Module &M, const CounterOwners &Owners,
                                std::vector<NotInstrumentedFunction> &List) {
  bool Changed = false;
  for (const std::string &Name : NotInstrumentedOpt) {
    Function *F = M.getFunction(Name);
    if (!F || F->isDeclaration())
      reportError("-bpfcov-not-instrumented names '" + Name +
                  "', which is not a function defined in this module: give "
                  "the names of functions of this source file (as in the "
                  "C source; an inlined-only helper goes with its caller)");
    if (dropCounterUpdates(*F, Owners, NamedReason, List))
      Changed = true;
    else
      addFunction(M, CounterOwner{F->getName().str(), 0}, NamedReason, List);
  }
  return Changed;
}

void bpfcov::dropUncompilableFunctions(
    Module &M, const CounterOwners &Owners,
    std::vector<NotInstrumentedFunction> &List, std::optional<Assembly> Known) {
  // Each round drops the functions llc would emit broken or refuse, and
  // checks again: a function still out of range without counters fails the
  // build; one still over the stack is llc's to report, and one out of
  // range only once the verifier inlines its helpers is the verifier's (the
  // plain build fails the same way). The first round may know the module's
  // assembly already (STEP 20d made it).
  for (;;) {
    std::vector<CodegenProblem> Problems =
        findCodegenProblems(M, Known ? &*Known : nullptr);
    Known.reset();
    bool Dropped = false;
    for (const CodegenProblem &P : Problems) {
      Function *F = M.getFunction(P.Function);
      if (JumpFallbackOpt && F &&
          dropCounterUpdates(*F, Owners, describeCodegenProblem(P), List))
        Dropped = true;
      else if (isOutOfRangeForLLC(P))
        reportCodegenProblem(P);
    }
    if (!Dropped)
      return;
  }
}

void bpfcov::warnNotInstrumented(ArrayRef<NotInstrumentedFunction> List) {
  for (const NotInstrumentedFunction &N : List)
    errs() << "warning: bpf-cov: function '" << N.Name
           << "' is not instrumented: " << N.Reason << "\n";
}

bool bpfcov::isNotInstrumentedRecord(const GlobalVariable &GV,
                                     ArrayRef<NotInstrumentedFunction> List) {
  // A coverage record: { i64 NameRef, i32 Size, i64 Hash, ... }.
  const auto *Rec = GV.hasInitializer()
                        ? dyn_cast<ConstantStruct>(GV.getInitializer())
                        : nullptr;
  const auto *Ref = Rec ? dyn_cast<ConstantInt>(Rec->getOperand(0)) : nullptr;
  return Ref && any_of(List, [&](const NotInstrumentedFunction &N) {
           return N.NameRef == Ref->getZExtValue();
         });
}

void bpfcov::emitNotInstrumented(Module &M,
                                 ArrayRef<NotInstrumentedFunction> List) {
  if (List.empty())
    return;
  std::string Text;
  for (const NotInstrumentedFunction &N : List)
    Text += N.Name + "\t" + N.File + "\t" + N.Reason + "\n";
  Constant *Init = ConstantDataArray::getString(M.getContext(), Text,
                                                /*AddNull=*/false);
  auto *GV = new GlobalVariable(M, Init->getType(), /*isConstant=*/true,
                                GlobalValue::PrivateLinkage, Init,
                                "__bpfcov_not_instrumented");
  GV->setSection(NotInstrumentedSection);
  GV->setAlignment(Align(1));
  appendToCompilerUsed(M, {GV});
}

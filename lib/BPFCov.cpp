//===-- BPFCov.cpp - Make coverage-instrumented BPF IR loadable ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/BPFCov.cpp
//
// DESCRIPTION:
//   Rewrites the output of clang's source-based coverage instrumentation
//   (-fprofile-instr-generate -fcoverage-mapping, already lowered by clang's
//   InstrProfiling pass) so that llc -march=bpf emits an object that libbpf and
//   the verifier accept. See BPFCov.h for the list of transformations and
//   include/bpfcov/Names.h for the sections and layouts it produces.
//
//   The instructions that bump counters keep their form: they address the
//   __profc_* globals, which only change section, linkage and name. Two
//   kinds of instructions that llc -march=bpf cannot emit are rewritten:
//   atomic counter reads left by -O2 (STEP 5) and MC/DC's byte-wide atomic
//   ORs (STEP 9). Opt-in (bpf-cov<percpu>, -bpfcov-counters=percpu): each
//   counter array gets one row per CPU and the addresses (not the adds) pick
//   the row of the CPU the program runs on.
//
// USAGE:
//   opt -load-pass-plugin build/lib/libBPFCov.so -passes=bpf-cov x.ll -o x.bc
//   opt ... '-passes=bpf-cov<percpu>' [-bpfcov-percpu-rows=64] x.ll -o x.bc
//   llc -march=bpf -filetype=obj x.bc -o x.bpf.o
//===----------------------------------------------------------------------===//
#include "BPFCov.h"
#include "Compat.h"
#include "CountersSection.h"
#include "bpfcov/Names.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DIBuilder.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Operator.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/ProfileData/InstrProf.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/LEB128.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"
#include "llvm/Transforms/Utils/Cloning.h"

#include <cstdlib>
#include <map>
#include <vector>

using namespace llvm;
using namespace bpfcov;

#define DEBUG_TYPE "bpf-cov"

STATISTIC(NumFunctions, "Number of instrumented functions rewritten");
STATISTIC(NumCounters, "Number of counters moved to .data.profc");
STATISTIC(NumAtomicReads, "Number of atomic counter reads made plain");
STATISTIC(NumBitmapUpdates, "Number of MC/DC byte-wide atomic ORs widened");
STATISTIC(NumStripped, "Number of profile-runtime globals and functions stripped");
STATISTIC(NumPerCpuAccesses, "Number of counter accesses moved to per-CPU rows");

static cl::opt<std::string> ObjectNameOpt(
    "bpfcov-object-name",
    cl::desc("Object name recorded in .rodata.covmap and used by bpfcov run "
             "for the pin directory (default: the source file name without "
             "directory and .bpf.c/.c suffixes)"),
    cl::init(""));

enum CounterMode { CM_Shared, CM_PerCpu, CM_Bool };
static cl::opt<CounterMode> CountersOpt(
    "bpfcov-counters",
    cl::desc("Counter layout in .data.profc (the adds stay as clang wrote "
             "them: atomic with -fprofile-update=atomic)"),
    cl::values(clEnumValN(CM_Shared, "shared",
                          "one counter array per function (default)"),
               clEnumValN(CM_PerCpu, "percpu",
                          "one row of counters per CPU (bpf-cov<percpu>)"),
               clEnumValN(CM_Bool, "bool",
                          "one byte per counter, hit or not (bpf-cov<bool>; "
                          "clang -mllvm -enable-single-byte-coverage)")),
    cl::init(CM_Shared));

static cl::opt<unsigned> PerCpuRowsOpt(
    "bpfcov-percpu-rows",
    cl::desc("Rows of counters with -bpfcov-counters=percpu: a power of two "
             "from 1 to 4096; CPU n uses row n mod rows (default: 64)"),
    cl::init(64));

/// bpf_get_smp_processor_id, BPF helper #8 (inlined by the verifier on
/// x86-64 and arm64 kernels).
static constexpr uint64_t GetSmpProcessorIdHelper = 8;

namespace {

/// What the pass learns about one instrumented function.
struct FunctionRecord {
  GlobalVariable *Data = nullptr;     ///< the original __profd_*
  GlobalVariable *Counters = nullptr; ///< its __profc_*
  GlobalVariable *Bitmap = nullptr;   ///< its __profbm_* (MC/DC), or null
  uint64_t NameRef = 0;
  uint64_t FuncHash = 0;
  uint64_t NumCounters = 0;
  uint64_t CountersOffset = 0; ///< byte offset in .data.profc
  uint64_t NumBitmapBytes = 0;
  uint64_t BitmapOffset = 0;
  std::string Stem; ///< sanitized function part of the symbol names
  std::string ProfileName; ///< "f", or "x.bpf.c:f" for a static f
};

/// Holds the module-wide state of one rewrite (like InstrProfiling's
/// InstrLowerer): the module, the debug-info builder and what was collected.
class BPFCovRewriter {
public:
  BPFCovRewriter(Module &M, bool StripInitializersOnly, bool PerCpu,
                 bool Bool)
      : M(M), Ctx(M.getContext()), StripInitializersOnly(StripInitializersOnly),
        PerCpu(PerCpu || CountersOpt == CM_PerCpu),
        Bool(Bool || CountersOpt == CM_Bool) {}

  /// Runs the whole rewrite; returns true if the module changed.
  bool run();

  /// The functions left without counter updates (lib/NotInstrumented.cpp).
  std::vector<NotInstrumentedFunction> NotInstrumented;
  /// No warnings: the .bpf.obj run's replay of the loadable run.
  bool Quiet = false;

private:
  Module &M;
  LLVMContext &Ctx;
  bool StripInitializersOnly;
  bool PerCpu;              ///< counters in per-CPU rows
  uint64_t Rows = 1;        ///< rows per counter array (PerCpu)
  bool AtomicAdds = false;  ///< counters are bumped with atomicrmw add
  bool Bool;                ///< bool counters were asked for
  bool ByteCounters = false; ///< [N x i8] counters (single-byte coverage)
  DICompileUnit *CU = nullptr;
  std::unique_ptr<DIBuilder> DIB;
  std::vector<FunctionRecord> Records;
  SmallVector<GlobalValue *, 32> NewUsed; ///< globals to keep alive
  StringSet<> TakenNames;
  SmallVector<GlobalVariable *, 8> EmptyBitmaps; ///< [0 x i8] __profbm_*

  /// Reports bad input and stops: `error: bpf-cov: <Msg>`, exit 1. Not
  /// LLVMContext::emitError (opt would exit leaving an empty output file)
  /// nor report_fatal_error (opt 14 aborts with a crash report): run the
  /// interrupt handlers, which remove opt's output file, then exit.
  [[noreturn]] void error(const Twine &Msg) { reportError(Msg); }

  // The steps, in the order run() takes them.

  /// True if the module carries clang's coverage instrumentation.
  bool isInstrumented() const;
  /// Stops with an error on what the pass cannot handle; sets CU.
  void checkInput();
  /// Deletes the profile runtime; returns true if anything was removed.
  bool stripProfileRuntime();
  /// Fills Records from the __profd_* globals.
  void collectRecords();
  /// Sets ByteCounters from the counters' type and checks it against the
  /// mode asked for (bool needs single-byte coverage and excludes percpu).
  void checkCounterWidth();
  /// Pads MC/DC bitmaps to whole u64 words, for lowerAtomicBitmapUpdates.
  void padBitmaps();
  /// Makes the atomic counter loads that -O2 leaves behind selectable.
  void lowerAtomicCounterReads();
  /// Sets AtomicAdds from the instructions that bump the counters.
  void detectAtomicAdds();
  /// Turns each [N x i64] counter array into [Rows x [N x i64]] and makes
  /// every access use the row of the CPU the program runs on.
  void lowerPerCpuCounters();
  /// Moves counters (and MC/DC bitmaps) to .data.profc, computing offsets.
  void lowerCounters();
  /// Turns byte-wide atomic ORs into the BPF's 64-bit atomic OR.
  void lowerAtomicBitmapUpdates();
  /// Replaces each __profd_* with its scalar fields in .rodata.profd.
  void lowerData();
  /// Moves the name blob to .rodata.profn (or keeps it, for the .bpf.obj).
  void lowerNames();
  /// Emits bpfcov's header into .rodata.covmap.
  void emitCovMap();
  /// Removes __llvm_covmap / __llvm_covfun (or, for the .bpf.obj, keeps
  /// them without comdats) and drops the comdats left without members.
  void stripCoverageMapping();
  /// Appends NewUsed to llvm.compiler.used.
  void emitUses();
  /// The .bpf.obj's NotInstrumented: the loadable run's, replayed on a copy
  /// of the input when the option or the jump check can make one.
  void replayLoadableRun();
  /// Each counters and bitmap global, with its function's record.
  CounterOwners getCounterOwners() const;
  /// Each record's counters global and its byte offset in .data.profc.
  CounterOffsets counterOffsets() const;

  // Helpers of the steps.

  /// Gives \p GV a unique C-identifier name derived from \p Wanted.
  void setIdentifierName(GlobalValue *GV, StringRef Wanted);
  /// Attaches debug info so that llc emits a BTF VAR for \p GV.
  void attachDebugInfo(GlobalVariable *GV, DIType *DTy);
  /// Makes \p GV a global libbpf accepts in a custom data section.
  void makeBPFGlobal(GlobalVariable *GV, StringRef Section);
  /// Creates a constant global in \p Section, with debug info of type \p DTy.
  GlobalVariable *createDataGlobal(StringRef Name, StringRef Section,
                                   Constant *Init, DIType *DTy);
  /// Removes members that satisfy \p Drop from llvm.used/llvm.compiler.used.
  void stripFromUsedLists(function_ref<bool(const GlobalValue *)> Drop);

  DIType *getU64Type() {
    return DIB->createBasicType("unsigned long long", 64, dwarf::DW_ATE_unsigned);
  }
  DIType *getArrayType(DIType *Elem, uint64_t ElemBits, uint64_t Count) {
    return DIB->createArrayType(ElemBits * Count, ElemBits, Elem,
                                DIB->getOrCreateArray(
                                    {DIB->getOrCreateSubrange(0, Count)}));
  }
};

} // namespace

void bpfcov::reportError(const Twine &Msg) {
  errs() << "error: bpf-cov: " << Msg << "\n";
  errs().flush();
  sys::RunInterruptHandlers();
  std::exit(1);
}

/// Returns the global named with \p Prefix that constant \p C refers to.
static GlobalVariable *findReferencedGlobal(Constant *C, StringRef Prefix) {
  if (auto *GV = dyn_cast<GlobalVariable>(C))
    return compat::startsWith(GV->getName(), Prefix) ? GV : nullptr;
  for (Use &Op : C->operands())
    if (auto *OpC = dyn_cast<Constant>(Op.get()))
      if (GlobalVariable *GV = findReferencedGlobal(OpC, Prefix))
        return GV;
  return nullptr;
}

/// Calls \p Fn on every instruction that uses \p C, looking through
/// constant expressions (typed-pointer GEPs and casts).
static void forEachInstructionUser(Constant *C,
                                   function_ref<void(Instruction *)> Fn) {
  SmallVector<User *, 16> Users(C->users());
  for (User *U : Users) {
    if (auto *I = dyn_cast<Instruction>(U))
      Fn(I);
    else if (auto *CE = dyn_cast<ConstantExpr>(U))
      forEachInstructionUser(CE, Fn);
  }
}

/// Element count of an array-typed global, or 0.
static uint64_t getArrayLength(const GlobalVariable *GV) {
  if (auto *AT = dyn_cast<ArrayType>(GV->getValueType()))
    return AT->getNumElements();
  return 0;
}

/// Maps a PGO or section name to a C identifier: libbpf and the kernel reject
/// BTF VAR names such as `__profc_x.bpf.c_helper`.
static std::string sanitizeIdentifier(StringRef Name) {
  std::string Out;
  for (char C : Name)
    Out += (isAlnum(C) || C == '_') ? C : '_';
  if (Out.empty() || isDigit(Out[0]))
    Out.insert(Out.begin(), '_');
  return Out;
}

/// `dir/raw_enter.bpf.c` -> `raw_enter`.
static std::string getDefaultObjectName(const Module &M) {
  StringRef Name = sys::path::filename(M.getSourceFileName());
  for (StringRef Sfx : {".c", ".ll", ".bc", ".o", ".bpf"})
    Name.consume_back(Sfx);
  std::string Out = Name.str();
  for (char &C : Out)
    if (!isAlnum(C) && C != '_' && C != '-' && C != '.')
      C = '_';
  if (Out.empty())
    Out = "bpf";
  return Out;
}

void BPFCovRewriter::setIdentifierName(GlobalValue *GV, StringRef Wanted) {
  std::string Name = sanitizeIdentifier(Wanted);
  std::string Unique = Name;
  auto IsTaken = [&](const std::string &N) {
    GlobalValue *Owner = M.getNamedValue(N);
    return Owner ? Owner != GV : TakenNames.count(N) > 0;
  };
  for (unsigned I = 1; IsTaken(Unique); ++I)
    Unique = Name + "_" + std::to_string(I);
  TakenNames.insert(Unique);
  GV->setName(Unique);
}

void BPFCovRewriter::attachDebugInfo(GlobalVariable *GV, DIType *DTy) {
  auto *GVE = DIB->createGlobalVariableExpression(
      CU, GV->getName(), /*LinkageName=*/"", CU->getFile(), /*LineNo=*/0, DTy,
      /*IsLocalToUnit=*/GV->hasLocalLinkage());
  GV->addDebugInfo(GVE);
}

void BPFCovRewriter::makeBPFGlobal(GlobalVariable *GV, StringRef Section) {
  GV->setComdat(nullptr);
  GV->setLinkage(GlobalValue::ExternalLinkage);
  GV->setVisibility(GlobalValue::DefaultVisibility);
  GV->setDSOLocal(true);
  GV->setSection(Section);
  GV->setAlignment(Align(8));
  NewUsed.push_back(GV);
}

GlobalVariable *BPFCovRewriter::createDataGlobal(StringRef Name,
                                                 StringRef Section,
                                                 Constant *Init, DIType *DTy) {
  auto *GV = new GlobalVariable(M, Init->getType(), /*isConstant=*/true,
                                GlobalValue::ExternalLinkage, Init, Name);
  makeBPFGlobal(GV, Section);
  setIdentifierName(GV, Name);
  attachDebugInfo(GV, DTy);
  return GV;
}

/// Rebuilds the appending-linkage array \p Name (llvm.used,
/// llvm.compiler.used, llvm.global_ctors) without the members \p Drop
/// selects and with \p Add appended, each cast to the element type (\p
/// EltTy when the array does not exist yet). An array left empty is erased;
/// one that would not change is left alone. Returns true if it changed.
static bool rebuildAppendingArray(Module &M, StringRef Name,
                                  function_ref<bool(Constant *)> Drop,
                                  ArrayRef<GlobalValue *> Add = {},
                                  Type *EltTy = nullptr) {
  GlobalVariable *List = M.getNamedGlobal(Name);
  if (List && !List->hasInitializer())
    return false;
  SmallVector<Constant *, 32> Members;
  bool Dropped = false;
  std::string Section = "llvm.metadata";
  if (List) {
    if (auto *Init = dyn_cast<ConstantArray>(List->getInitializer())) {
      for (Use &Op : Init->operands()) {
        auto *C = cast<Constant>(Op.get());
        if (Drop(C))
          Dropped = true;
        else
          Members.push_back(C);
      }
    } else {
      Dropped = true; // zeroinitializer: no members
    }
    if (!Dropped && Add.empty())
      return false;
    EltTy = List->getValueType()->getArrayElementType();
    Section = List->getSection().str();
    List->eraseFromParent();
  } else if (Add.empty()) {
    return false;
  }
  for (GlobalValue *GV : Add)
    Members.push_back(ConstantExpr::getPointerBitCastOrAddrSpaceCast(GV, EltTy));
  if (Members.empty())
    return true;
  auto *AT = ArrayType::get(EltTy, Members.size());
  auto *NewList = new GlobalVariable(M, AT, /*isConstant=*/false,
                                     GlobalValue::AppendingLinkage,
                                     ConstantArray::get(AT, Members), Name);
  NewList->setSection(Section);
  return true;
}

void BPFCovRewriter::stripFromUsedLists(
    function_ref<bool(const GlobalValue *)> Drop) {
  for (StringRef ListName : {"llvm.used", "llvm.compiler.used"})
    rebuildAppendingArray(M, ListName, [&](Constant *C) {
      auto *GV = dyn_cast<GlobalValue>(C->stripPointerCasts());
      return GV && Drop(GV);
    });
}

bool BPFCovRewriter::run() {
#if LLVM_VERSION_MAJOR < BPFCOV_BOOL_MIN_LLVM
  if (Bool)
    error("bool counters need LLVM " + Twine(BPFCOV_BOOL_MIN_LLVM) +
          " or later (clang's single-byte coverage); this libBPFCov.so is "
          "built with LLVM " + Twine(LLVM_VERSION_MAJOR) +
          ": build bpfcov with LLVM " + Twine(BPFCOV_BOOL_MIN_LLVM) +
          "+, or use atomic, plain or percpu counters");
#endif
  if (!isInstrumented()) {
    LLVM_DEBUG(dbgs() << "bpf-cov: no coverage instrumentation, nothing to do\n");
    return false;
  }
  checkInput();
  if (PerCpu) {
    Rows = PerCpuRowsOpt;
    if (!isPowerOf2_64(Rows) || Rows > MaxPerCpuRows)
      error("-bpfcov-percpu-rows is '" + Twine(Rows) +
            "': expected a power of two from 1 to " + Twine(MaxPerCpuRows));
  }
  for (GlobalVariable &GV : M.globals())
    TakenNames.insert(GV.getName());
  if (StripInitializersOnly)
    replayLoadableRun();                  // STEP 0 (NotInstrumented.cpp)
  DIB = std::make_unique<DIBuilder>(M, /*AllowUnresolved=*/true, CU);

  stripProfileRuntime();                  // STEP 1
  collectRecords();                       // STEP 2
  checkCounterWidth();                    // STEP 3
  padBitmaps();                           // STEP 4
  lowerAtomicCounterReads();              // STEP 5
  detectAtomicAdds();                     // STEP 6
  if (PerCpu)
    lowerPerCpuCounters();                // STEP 7
  lowerCounters();                        // STEP 8
  lowerAtomicBitmapUpdates();             // STEP 9
  lowerData();                            // STEP 10
  lowerNames();                           // STEP 11
  emitCovMap();                           // STEP 12
  stripCoverageMapping();                 // STEP 13
  emitUses();                             // STEP 14
  DIB->finalize();
  if (StripInitializersOnly) {
    emitNotInstrumented(M, NotInstrumented); // STEP 15 (NotInstrumented.cpp)
    return true;
  }
  CounterOwners Owners = getCounterOwners();
  dropNamedFunctions(M, Owners, NotInstrumented); // STEP 15a (NotInstrumented.cpp)
  if (ByteCounters)
    alignByteCounterStores(M);            // STEP 15b (ByteCounters.cpp)
  debugDropCounterUpdates(M);             // debugging only (DebugDropUpdates.cpp)
  if (cleanUpCounterUpdates(M) &&         // STEP 16 (CleanUp.cpp)
      ByteCounters)
    hoistByteCounterStores(M);            // STEP 17 (ByteCounters.cpp)
  if (!ByteCounters && !isBssCountersEnabled())
    shareTwinCounters(M, counterOffsets()); // STEP 17a (TwinCounters.cpp)
  gatherCounterUpdates(M);                // STEP 17b (GatherCounterUpdates.cpp)
  mergeCounterAdds(M);                    // STEP 18 (MergeCounterAdds.cpp)
  defineGlobalCallArgs(M);                // STEP 19 (GlobalCallArgs.cpp)
  coldCounterBlocks(M);                   // STEP 20 (ColdCounterBlocks.cpp)
  std::optional<Assembly> Asm;
  if (PerCpu)
    Asm = shareRowsWhereDeep(M);          // STEP 20a (SharedRows.cpp)
  pinCounterAddends(M);                   // STEP 20b (PinnedValues.cpp)
  if (PerCpu)
    pinPerCpuRows(M);                     // STEP 20c (PinnedValues.cpp)
  Asm = pinCounterAddresses(M,            // STEP 20d (PinnedValues.cpp)
                            std::move(Asm));
  dropUncompilableFunctions(M, Owners,    // STEP 21 (CodegenCheck.cpp,
                            NotInstrumented, std::move(Asm)); // NotInstrumented.cpp)
  if (!Quiet)
    warnNotInstrumented(NotInstrumented);
  return true;
}

bool BPFCovRewriter::isInstrumented() const {
  if (M.getNamedGlobal(getInstrProfNamesVarName()) ||
      M.getNamedGlobal(getCoverageMappingVarName()))
    return true;
  for (const GlobalVariable &GV : M.globals())
    if (compat::startsWith(GV.getName(), getInstrProfCountersVarPrefix()))
      return true;
  return false;
}

void BPFCovRewriter::checkInput() {
  // The rewrite is for BPF: on another target's IR it would make an object
  // that neither loads nor reports.
#if LLVM_VERSION_MAJOR >= 21
  std::string TT = M.getTargetTriple().str(); // a Triple since LLVM 21
#else
  std::string TT = M.getTargetTriple();
#endif
  if (!TT.empty() && !compat::startsWith(TT, "bpf")) {
    error("the module targets '" + TT +
          "', not BPF: compile with clang -target bpf");
  }
  // Our own output (its covmap section exists): rewriting it again fails
  // in obscure ways.
  for (const GlobalVariable &GV : M.globals())
    if (GV.getSection() == CovMapSection) {
      error("the module was already processed by bpf-cov (it has '" +
            Twine(CovMapSection) +
            "'): run the pass once, on the IR clang emits");
    }
  // Unlowered intrinsics: the counters do not exist yet.
  for (const Function &F : M)
    if (compat::startsWith(F.getName(), "llvm.instrprof.") && !F.use_empty() &&
        F.getName() != "llvm.instrprof.increment.step" &&
        F.getName() != "llvm.instrprof.increment") {
      error("unsupported instrumentation '" + F.getName() +
            "': compile with only -fprofile-instr-generate -fcoverage-mapping "
            "(no value profiling)");
    }
  if (Function *F = M.getFunction("llvm.instrprof.increment"))
    if (!F->use_empty()) {
      error("the module has unlowered llvm.instrprof.increment calls: emit the "
            "IR with clang (which lowers them) or run -passes=instrprof first");
    }
  if (M.debug_compile_units().empty()) {
    error("the module has no debug info, so llc cannot emit BTF for the "
          "coverage globals: compile with -g");
  }
  CU = *M.debug_compile_units().begin();
  if (!M.getNamedGlobal(getInstrProfNamesVarName())) {
    error("the module has counters but no '" + getInstrProfNamesVarName() +
          "' name blob: compile with -fprofile-instr-generate "
          "-fcoverage-mapping and do not strip the IR");
  }
}

bool BPFCovRewriter::stripProfileRuntime() {
  // STEP 1: the runtime clang adds for user space.
  //   @llvm.global_ctors = [{ i32 0, @__llvm_profile_init, null }]
  //   define internal void @__llvm_profile_init() { call @...register... }
  //   @__llvm_profile_runtime = external global i32
  bool Changed = false;
  // Every name of the runtime starts so (InstrProf.h: getInstrProfInitFuncName,
  // getInstrProfRegFuncsName, getInstrProfRuntimeHookVarName...).
  auto IsRuntime = [](StringRef Name) {
    return compat::startsWith(Name, "__llvm_profile_");
  };
  Changed |= rebuildAppendingArray(M, "llvm.global_ctors", [&](Constant *C) {
    auto *Entry = cast<ConstantStruct>(C);
    auto *Fn = dyn_cast<Function>(Entry->getOperand(1)->stripPointerCasts());
    return Fn && IsRuntime(Fn->getName());
  });
  stripFromUsedLists([&](const GlobalValue *GV) { return IsRuntime(GV->getName()); });

  // Functions first (they use the globals), then the globals.
  SmallVector<GlobalValue *, 8> Dead;
  for (Function &F : M)
    if (IsRuntime(F.getName()))
      Dead.push_back(&F);
  for (GlobalVariable &GV : M.globals())
    if (IsRuntime(GV.getName()))
      Dead.push_back(&GV);
  for (GlobalValue *GV : Dead) {
    GV->replaceAllUsesWith(UndefValue::get(GV->getType()));
    GV->eraseFromParent();
    ++NumStripped;
    Changed = true;
  }
  return Changed;
}

void BPFCovRewriter::replayLoadableRun() {
  // STEP 0 (.bpf.obj): the same input gives the same list as the loadable
  // run; a copy of it goes through that run, silently.
  if (!hasNamedNotInstrumented() && !mayNeedCodegenCheck(M))
    return;
  std::unique_ptr<Module> Copy = CloneModule(M);
  BPFCovRewriter Loadable(*Copy, /*StripInitializersOnly=*/false, PerCpu,
                          Bool);
  Loadable.Quiet = true;
  Loadable.run();
  NotInstrumented = std::move(Loadable.NotInstrumented);
}

CounterOffsets BPFCovRewriter::counterOffsets() const {
  CounterOffsets Offsets;
  for (const FunctionRecord &R : Records)
    Offsets[R.Counters] = R.CountersOffset;
  return Offsets;
}

CounterOwners BPFCovRewriter::getCounterOwners() const {
  CounterOwners Owners;
  for (const FunctionRecord &R : Records) {
    Owners[R.Counters] = {R.ProfileName, R.NameRef};
    if (R.Bitmap)
      Owners[R.Bitmap] = {R.ProfileName, R.NameRef};
  }
  return Owners;
}

void BPFCovRewriter::collectRecords() {
  // STEP 2: read every __profd_* record. LLVM 14's layout is
  //   { i64 NameRef, i64 FuncHash, i64 CounterPtr, i8* FnPtr, i8* Values,
  //     i32 NumCounters, [2 x i16] NumValueSites }
  // and later versions insert fields, so only NameRef and FuncHash are read
  // by position; the counters (and MC/DC bitmap) are found by the globals
  // the record refers to, and their sizes come from those globals' types.
  // Names come from the name blob (zlib-compressed or not).
  InstrProfSymtab Symtab;
  if (GlobalVariable *Names = M.getNamedGlobal(getInstrProfNamesVarName()))
    if (auto *Blob = dyn_cast<ConstantDataSequential>(Names->getInitializer()))
      if (Error E = Symtab.create(Blob->getRawDataValues()))
        consumeError(std::move(E));
  for (GlobalVariable &GV : M.globals()) {
    if (!compat::startsWith(GV.getName(), getInstrProfDataVarPrefix()) ||
        !GV.hasInitializer())
      continue;
    auto *Init = dyn_cast<ConstantStruct>(GV.getInitializer());
    auto *NameRef = Init ? dyn_cast<ConstantInt>(Init->getOperand(0)) : nullptr;
    auto *Hash = Init ? dyn_cast<ConstantInt>(Init->getOperand(1)) : nullptr;
    GlobalVariable *Counters =
        Init ? findReferencedGlobal(Init, getInstrProfCountersVarPrefix()) : nullptr;
    if (!NameRef || !Hash || !Counters || !getArrayLength(Counters)) {
      error("cannot read the profile data record '" + GV.getName() +
            "': this instrumentation layout is not supported by bpfcov (was "
            "the IR produced by the same LLVM as libBPFCov.so?)");
    }
    FunctionRecord R;
    R.Data = &GV;
    R.Counters = Counters;
    R.NameRef = NameRef->getZExtValue();
    R.FuncHash = Hash->getZExtValue();
    R.NumCounters = getArrayLength(Counters);
    // MC/DC (-fcoverage-mcdc, LLVM 18+): the test-vector bitmap. Functions
    // without decisions get a [0 x i8] one, which must go: the kernel
    // rejects zero-sized BTF variables.
    R.Bitmap = findReferencedGlobal(Init, compat::getInstrProfBitmapVarPrefix());
    if (R.Bitmap)
      R.NumBitmapBytes = getArrayLength(R.Bitmap);
    if (R.Bitmap && !R.NumBitmapBytes)
      EmptyBitmaps.push_back(R.Bitmap);
    if (!R.NumBitmapBytes)
      R.Bitmap = nullptr;
    R.Stem = sanitizeIdentifier(
        GV.getName().drop_front(getInstrProfDataVarPrefix().size()));
    R.ProfileName = compat::getProfileName(Symtab, R.NameRef);
    if (R.ProfileName.empty())
      R.ProfileName =
          GV.getName().drop_front(getInstrProfDataVarPrefix().size()).str();
    Records.push_back(R);
  }
}

void BPFCovRewriter::checkCounterWidth() {
  // STEP 3: single-byte coverage (clang 19+, -mllvm
  // -enable-single-byte-coverage) gives each counter one byte, 0xFF until
  // its region runs, which stores 0:
  //   @__profc_f = private global [3 x i8] c"\FF\FF\FF", ...
  //   store i8 0, ptr getelementptr inbounds (i8, ptr @__profc_f, i64 2)
  // The stores keep their form; lowerCounters() places the bytes (with
  // their 0xFF initializer) and emitCovMap() flags them for gen.
  unsigned Bytes = 0;
  for (const FunctionRecord &R : Records)
    Bytes += cast<ArrayType>(R.Counters->getValueType())
                 ->getElementType()
                 ->isIntegerTy(8);
  if (Bytes && Bytes != Records.size())
    error("the module mixes one-byte and 64-bit counters: compile all of it "
          "with the same coverage flags");
  ByteCounters = Bytes > 0;
  if (Bool && !ByteCounters && !Records.empty())
    error("bool counters need clang's single-byte coverage, but the counters "
          "are 64-bit: compile with -fprofile-instr-generate "
          "-fcoverage-mapping -mllvm -enable-single-byte-coverage (bpfcov-cc "
          "--bpfcov-counters=bool does)");
  if (ByteCounters && PerCpu)
    error("bool counters (one byte per counter) cannot be per-CPU: a hit is "
          "a plain store, exact on any number of CPUs; drop percpu");
  if (ByteCounters && isBssCountersEnabled())
    error("bool counters start as 0xFF bytes and .bss holds only zeros: "
          "drop -bpfcov-counters-section=bss or use 64-bit counters");
}

void BPFCovRewriter::padBitmaps() {
  // STEP 4: MC/DC test-vector bitmaps (-fcoverage-mcdc, LLVM 18+ only, so
  // opaque pointers) grow to a multiple of 8 bytes, so that every byte has
  // an aligned u64 word around it inside the bitmap:
  //   @__profbm_f = private global [1 x i8] zeroinitializer, section ...
  // becomes
  //   @__profbm_f = private global [8 x i8] zeroinitializer, section ...
  // NumBitmapBytes keeps the real size: gen writes only those bytes.
  for (FunctionRecord &R : Records) {
    if (!R.Bitmap || R.NumBitmapBytes % 8 == 0)
      continue;
    GlobalVariable *Old = R.Bitmap;
    auto *AT = ArrayType::get(Type::getInt8Ty(Ctx), alignTo(R.NumBitmapBytes, 8));
    auto *New = new GlobalVariable(M, AT, /*isConstant=*/false, Old->getLinkage(),
                                   ConstantAggregateZero::get(AT), "", Old);
    New->takeName(Old);
    New->setSection(Old->getSection());
    Old->replaceAllUsesWith(
        ConstantExpr::getPointerBitCastOrAddrSpaceCast(New, Old->getType()));
    Old->eraseFromParent();
    R.Bitmap = New;
  }
}

/// True for `atomicrmw` operations that leave memory unchanged (x | 0,
/// x + 0, x & -1...): atomic reads in disguise.
static bool isIdempotentRMW(const AtomicRMWInst *RMW) {
  auto *C = dyn_cast<ConstantInt>(RMW->getValOperand());
  if (!C)
    return false;
  switch (RMW->getOperation()) {
  case AtomicRMWInst::Add:
  case AtomicRMWInst::Sub:
  case AtomicRMWInst::Or:
  case AtomicRMWInst::Xor:
    return C->isZero();
  case AtomicRMWInst::And:
    return C->isMinusOne();
  default:
    return false;
  }
}

void BPFCovRewriter::lowerAtomicCounterReads() {
  // STEP 5: with -fprofile-update=atomic, -O2 turns the ternary's
  // `atomicrmw add @__profc_f.., i64 0` (its addend folded to 0) into an
  // atomic read of the counter:
  //   %6 = load atomic i64, i64* ... @__profc_prog ... monotonic  (LLVM 14)
  //   %6 = atomicrmw or ptr ... @__profc_prog ..., i64 0 monotonic (LLVM 16+)
  // The BPF backend cannot select the first ("Cannot select: AtomicLoad")
  // and turns the second into a BPF_ATOMIC OR that kernels before 5.12
  // reject. An aligned 8-byte load is single-copy atomic on BPF, so a plain
  // load means the same; an unused read is dropped. Adds stay as they are.
  SmallVector<Instruction *, 8> Reads;
  auto Collect = [&](Instruction *I) {
    if (auto *LI = dyn_cast<LoadInst>(I)) {
      if (LI->isAtomic())
        Reads.push_back(LI);
    } else if (auto *RMW = dyn_cast<AtomicRMWInst>(I)) {
      if (isIdempotentRMW(RMW))
        Reads.push_back(RMW);
    }
  };
  for (FunctionRecord &R : Records) {
    forEachInstructionUser(R.Counters, Collect);
    if (R.Bitmap)
      forEachInstructionUser(R.Bitmap, Collect);
  }
  for (Instruction *I : Reads) {
    ++NumAtomicReads;
    if (I->use_empty()) {
      I->eraseFromParent();
      continue;
    }
    if (auto *LI = dyn_cast<LoadInst>(I)) {
      LI->setAtomic(AtomicOrdering::NotAtomic);
      continue;
    }
    auto *RMW = cast<AtomicRMWInst>(I);
    IRBuilder<> B(RMW);
    // %6 = load i64, ptr getelementptr (... @__profc_prog ...), align 8
    LoadInst *Load =
        B.CreateAlignedLoad(RMW->getType(), RMW->getPointerOperand(),
                            RMW->getAlign());
    RMW->replaceAllUsesWith(Load);
    RMW->eraseFromParent();
  }
}

void BPFCovRewriter::detectAtomicAdds() {
  // STEP 6: -fprofile-update=atomic bumps counters with
  //   atomicrmw add ptr @__profc_f, i64 1 monotonic
  // which emitCovMap() records in the header's flags for gen.
  for (FunctionRecord &R : Records)
    forEachInstructionUser(R.Counters, [&](Instruction *I) {
      if (isa<AtomicRMWInst>(I))
        AtomicAdds = true;
    });
}

/// True if constant \p C is or contains \p GV.
static bool refersTo(const Constant *C, const GlobalVariable *GV) {
  if (C == GV)
    return true;
  if (!isa<ConstantExpr>(C))
    return false;
  for (const Use &Op : C->operands())
    if (refersTo(cast<Constant>(Op.get()), GV))
      return true;
  return false;
}

/// Rebuilds constant \p C, which refers to \p Old, as instructions before
/// \p InsertPt with \p Old replaced by \p NewBase.
static Value *materializeWithBase(Constant *C, GlobalVariable *Old,
                                  Value *NewBase, Instruction *InsertPt) {
  if (C == Old)
    return NewBase;
  auto *CE = dyn_cast<ConstantExpr>(C);
  if (!CE || !refersTo(CE, Old))
    return C;
  Instruction *NI = CE->getAsInstruction();
  for (unsigned I = 0, E = NI->getNumOperands(); I != E; ++I)
    if (auto *Op = dyn_cast<Constant>(NI->getOperand(I)))
      NI->setOperand(I, materializeWithBase(Op, Old, NewBase, InsertPt));
  IRBuilder<> B(InsertPt);
  return B.Insert(NI);
}

void BPFCovRewriter::lowerPerCpuCounters() {
  // STEP 7 (percpu): each function's counters get one row per CPU,
  //   @__profc_f = private global [3 x i64] zeroinitializer
  // becomes
  //   @__profc_f = private global [64 x [8 x i64]] zeroinitializer
  // (rows padded to 8 counters, 64 bytes), and every function that bumps
  // counters picks its row once, at entry:
  //   %cpu = call i64 inttoptr (i64 8 to ptr)()   ; bpf_get_smp_processor_id
  //   %row = and i64 %cpu, 63
  //   %f.row = getelementptr inbounds [64 x [8 x i64]], ptr @__profc_f,
  //            i64 0, i64 %row
  // then each counter address (the global, or a constant GEP into it) is
  // rebuilt on %f.row. The adds themselves do not change: atomic adds stay
  // exact with more CPUs than rows and when runs nest on one CPU.
  Type *I64 = Type::getInt64Ty(Ctx);
  // STEP 7a: the new globals; old uses are rewritten below.
  std::map<GlobalVariable *, GlobalVariable *> NewOf;
  for (FunctionRecord &R : Records) {
    GlobalVariable *Old = R.Counters;
    // Rows are padded to whole 64-byte cache lines: two CPUs never bump
    // counters in the same row, and rows of few counters do not share a
    // line either (false sharing costs as much as sharing the counters).
    auto *RowTy = ArrayType::get(I64, alignTo(R.NumCounters, PerCpuRowAlign));
    auto *AT = ArrayType::get(RowTy, Rows);
    auto *New = new GlobalVariable(M, AT, /*isConstant=*/false,
                                   Old->getLinkage(),
                                   ConstantAggregateZero::get(AT), "", Old);
    New->setSection(Old->getSection());
    New->setAlignment(Old->getAlign());
    New->setComdat(Old->getComdat());
    NewOf[Old] = New;
  }
  // STEP 7b: the instructions that use counters, by function.
  std::map<Function *, SmallVector<std::pair<Instruction *, FunctionRecord *>, 8>>
      Users;
  for (FunctionRecord &R : Records) {
    SmallPtrSet<Instruction *, 16> Seen;
    forEachInstructionUser(R.Counters, [&](Instruction *I) {
      if (Seen.insert(I).second)
        Users[I->getFunction()].push_back({I, &R});
    });
  }
  FunctionType *HelperTy = FunctionType::get(I64, /*isVarArg=*/false);
  // Struct_ops programs may not call bpf_get_smp_processor_id (the kernel
  // offers them only the helpers of their ops): they and the functions they
  // call use row 0, whose adds are still atomic.
  SmallPtrSet<Function *, 8> NoCpuHelper;
  SmallVector<Function *, 8> Work;
  for (Function &F : M)
    if (compat::startsWith(F.getSection(), "struct_ops"))
      Work.push_back(&F);
  while (!Work.empty()) {
    Function *F = Work.pop_back_val();
    if (!NoCpuHelper.insert(F).second)
      continue;
    for (Instruction &I : instructions(*F))
      if (auto *CB = dyn_cast<CallBase>(&I))
        if (Function *Callee = CB->getCalledFunction())
          if (!Callee->isDeclaration())
            Work.push_back(Callee);
  }
  for (auto &FnUsers : Users) {
    Function *F = FnUsers.first;
    BasicBlock::iterator IP = F->getEntryBlock().getFirstInsertionPt();
    while (isa<AllocaInst>(&*IP))
      ++IP;
    IRBuilder<> B(&*IP);
    if (DISubprogram *SP = F->getSubprogram())
      B.SetCurrentDebugLocation(DILocation::get(Ctx, 0, 0, SP));
    Value *Row = ConstantInt::get(I64, 0);
    if (!NoCpuHelper.count(F)) {
      Value *Helper = ConstantExpr::getIntToPtr(
          ConstantInt::get(I64, GetSmpProcessorIdHelper),
          compat::getPointerTo(HelperTy));
      Value *Cpu = B.CreateCall(HelperTy, Helper, {}, "bpfcov.cpu");
      Row = B.CreateAnd(Cpu, Rows - 1, "bpfcov.row");
      cast<Instruction>(Row)->setMetadata(PerCpuRowMD, MDNode::get(Ctx, {}));
    }
    std::map<FunctionRecord *, Value *> RowBase;
    std::map<std::pair<PHINode *, BasicBlock *>, Value *> PhiValues;
    for (auto &Use : FnUsers.second) {
      FunctionRecord *R = Use.second;
      Value *&Base = RowBase[R];
      if (!Base) {
        GlobalVariable *New = NewOf[R->Counters];
        Base = B.CreateInBoundsGEP(New->getValueType(), New,
                                   {ConstantInt::get(I64, 0), Row},
                                   R->Counters->getName() + ".row");
        // Typed pointers: the row is [S x i64]*; the old global was
        // [N x i64]*, which the constant GEPs index.
        Base = B.CreatePointerCast(Base, R->Counters->getType());
      }
      Instruction *I = Use.first;
      for (unsigned Op = 0, E = I->getNumOperands(); Op != E; ++Op) {
        auto *C = dyn_cast<Constant>(I->getOperand(Op));
        if (!C || !refersTo(C, R->Counters))
          continue;
        // A PHI's incoming value is computed at the end of its block, once
        // per block (a PHI lists a block twice with the same value).
        if (auto *PN = dyn_cast<PHINode>(I)) {
          BasicBlock *From = PN->getIncomingBlock(Op);
          Value *&V = PhiValues[{PN, From}];
          if (!V)
            V = materializeWithBase(C, R->Counters, Base,
                                    From->getTerminator());
          I->setOperand(Op, V);
        } else {
          I->setOperand(Op, materializeWithBase(C, R->Counters, Base, I));
        }
        ++NumPerCpuAccesses;
      }
    }
  }
  // STEP 7c: what is left (the __profd_* record) refers to the new global.
  for (FunctionRecord &R : Records) {
    GlobalVariable *Old = R.Counters, *New = NewOf[Old];
    Old->removeDeadConstantUsers();
    Old->replaceAllUsesWith(
        ConstantExpr::getPointerBitCastOrAddrSpaceCast(New, Old->getType()));
    New->takeName(Old);
    Old->eraseFromParent();
    R.Counters = New;
  }
}

void BPFCovRewriter::lowerCounters() {
  // STEP 8: counters keep their uses; only section, linkage, name change.
  //   @__profc_x.bpf.c_helper = private global [4 x i64] zeroinitializer,
  //       section "__llvm_prf_cnts", comdat, align 8
  // becomes
  //   @__profc_x_bpf_c_helper = dso_local global [4 x i64] zeroinitializer,
  //       section ".data.profc", align 8, !dbg !N
  // They are moved to the end of the module in record order, so llc lays
  // them out contiguously in that order and CountersOffset is exact
  // (test/pass/counters-become-data-section.test checks the ELF symbols,
  // data-becomes-scalars.test the offsets recorded).
  const DataLayout &DL = M.getDataLayout();
  uint64_t Offset = 0;
  auto Place = [&](GlobalVariable *GV, StringRef Wanted) {
    makeBPFGlobal(GV, getCountersSection());
    setIdentifierName(GV, Wanted);
    compat::moveToModuleEnd(GV);
    auto *AT = cast<ArrayType>(GV->getValueType());
    // Per-CPU counters: [Rows x [N x i64]], a two-dimensional BTF array.
    SmallVector<Metadata *, 2> Dims{
        DIB->getOrCreateSubrange(0, AT->getNumElements())};
    Type *EltTy = AT->getElementType();
    if (auto *Row = dyn_cast<ArrayType>(EltTy)) {
      Dims.push_back(DIB->getOrCreateSubrange(0, Row->getNumElements()));
      EltTy = Row->getElementType();
    }
    uint64_t EltBits = DL.getTypeAllocSizeInBits(EltTy);
    DIType *Elt = EltBits == 64 ? getU64Type()
                                : DIB->createBasicType("unsigned char", 8,
                                                       dwarf::DW_ATE_unsigned_char);
    attachDebugInfo(GV, DIB->createArrayType(DL.getTypeAllocSizeInBits(AT),
                                             EltBits, Elt,
                                             DIB->getOrCreateArray(Dims)));
    uint64_t Start = alignTo(Offset, 8);
    Offset = Start + DL.getTypeAllocSize(AT);
    return Start;
  };
  for (FunctionRecord &R : Records) {
    R.CountersOffset =
        Place(R.Counters, (getInstrProfCountersVarPrefix() + R.Stem).str());
    NumCounters += R.NumCounters;
  }
  for (FunctionRecord &R : Records)
    if (R.Bitmap)
      R.BitmapOffset = Place(
          R.Bitmap, (compat::getInstrProfBitmapVarPrefix() + R.Stem).str());
}

void BPFCovRewriter::lowerAtomicBitmapUpdates() {
  // STEP 9: with -fprofile-update=atomic, MC/DC sets test-vector bits with
  //   atomicrmw or ptr getelementptr (i8, ptr @__profbm_f, i64 %Idx), i8 %Bit
  // and BPF has no byte-wide atomics ("unsupported atomic operation"). The
  // same update on the aligned little-endian u64 word that holds the byte:
  //   %W = lshr i64 %Idx, 3                   ; word index
  //   %S = shl i64 (and i64 %Idx, 7), 3        ; bit offset of the byte
  //   %P = getelementptr i64, ptr @__profbm_f, i64 %W
  //   atomicrmw or ptr %P, i64 (shl (zext %Bit), %S) monotonic, align 8
  if (!M.getDataLayout().isLittleEndian())
    return;
  SmallVector<AtomicRMWInst *, 8> Updates;
  for (FunctionRecord &R : Records)
    if (R.Bitmap)
      forEachInstructionUser(R.Bitmap, [&](Instruction *I) {
        if (auto *RMW = dyn_cast<AtomicRMWInst>(I))
          if (RMW->getValOperand()->getType()->isIntegerTy(8))
            Updates.push_back(RMW);
      });
  // GEP instructions are users of the bitmap too: follow them once.
  for (FunctionRecord &R : Records)
    if (R.Bitmap)
      for (User *U : R.Bitmap->users())
        if (auto *GEP = dyn_cast<GetElementPtrInst>(U))
          for (User *UU : GEP->users())
            if (auto *RMW = dyn_cast<AtomicRMWInst>(UU))
              if (RMW->getValOperand()->getType()->isIntegerTy(8))
                Updates.push_back(RMW);
  Type *I64 = Type::getInt64Ty(Ctx);
  for (AtomicRMWInst *RMW : Updates) {
    if (RMW->getOperation() != AtomicRMWInst::Or || !RMW->use_empty())
      error("unsupported MC/DC bitmap update '" +
            Twine(AtomicRMWInst::getOperationName(RMW->getOperation())) +
            "' in function '" + RMW->getFunction()->getName() +
            "': build with -fprofile-update=single or report it");
    // Base bitmap and byte index of the address.
    Value *Ptr = RMW->getPointerOperand();
    Value *Base = Ptr;
    Value *Idx = ConstantInt::get(I64, 0);
    if (auto *GEP = dyn_cast<GEPOperator>(Ptr)) {
      if (GEP->getNumIndices() != 1 ||
          !GEP->getSourceElementType()->isIntegerTy(8))
        error("unsupported MC/DC bitmap address in function '" +
              RMW->getFunction()->getName() + "'");
      Base = GEP->getPointerOperand();
      Idx = GEP->getOperand(1);
    }
    IRBuilder<> B(RMW);
    Idx = B.CreateZExtOrTrunc(Idx, I64);
    Value *Word = B.CreateLShr(Idx, 3);
    Value *Shift = B.CreateShl(B.CreateAnd(Idx, 7), 3);
    Value *WordPtr = B.CreateGEP(I64, Base, Word);
    Value *Bits = B.CreateShl(B.CreateZExt(RMW->getValOperand(), I64), Shift);
    B.CreateAtomicRMW(AtomicRMWInst::Or, WordPtr, Bits, MaybeAlign(8),
                      RMW->getOrdering());
    RMW->eraseFromParent();
    ++NumBitmapUpdates;
  }
}

void BPFCovRewriter::lowerData() {
  // STEP 10: one record of NumDataFields u64 scalars per function, e.g.
  //   @__profd_prog_name_ref = dso_local constant i64 4972483226223658890,
  //       section ".rodata.profd", align 8, !dbg !N
  //   @__profd_prog_counters_offset = dso_local constant i64 0, ...
  Type *I64 = Type::getInt64Ty(Ctx);
  for (FunctionRecord &R : Records) {
    uint64_t Values[NumDataFields] = {};
    Values[DF_NameRef] = R.NameRef;
    Values[DF_FuncHash] = R.FuncHash;
    Values[DF_CountersOffset] = R.CountersOffset;
    Values[DF_NumCounters] = R.NumCounters;
    Values[DF_BitmapOffset] = R.BitmapOffset;
    Values[DF_NumBitmapBytes] = R.NumBitmapBytes;
    for (unsigned F = 0; F < NumDataFields; ++F)
      createDataGlobal((getInstrProfDataVarPrefix() + R.Stem + "_" +
                        DataFieldSuffix[F]).str(),
                       DataSection, ConstantInt::get(I64, Values[F]),
                       getU64Type());
    ++NumFunctions;
  }
  // The records are gone: drop them from the used lists, then erase them.
  SmallPtrSet<const GlobalValue *, 16> Dead;
  for (FunctionRecord &R : Records)
    Dead.insert(R.Data);
  stripFromUsedLists([&](const GlobalValue *GV) { return Dead.count(GV); });
  for (FunctionRecord &R : Records) {
    R.Data->replaceAllUsesWith(UndefValue::get(R.Data->getType()));
    R.Data->eraseFromParent();
    R.Data = nullptr;
  }
  // Only the records referred to the empty bitmaps.
  for (GlobalVariable *GV : EmptyBitmaps) {
    GV->removeDeadConstantUsers();
    if (GV->use_empty())
      GV->eraseFromParent();
  }
}

void BPFCovRewriter::lowerNames() {
  // STEP 11: the name blob, as clang wrote it (zlib-compressed or not).
  //   @__llvm_prf_nm = private constant [29 x i8] c"...",
  //       section "__llvm_prf_names"
  // The .bpf.obj keeps it where llvm-cov looks for it.
  GlobalVariable *Names = M.getNamedGlobal(getInstrProfNamesVarName());
  if (StripInitializersOnly) {
    Names->setComdat(nullptr);
    return;
  }
  stripFromUsedLists([&](const GlobalValue *GV) { return GV == Names; });
  makeBPFGlobal(Names, NamesSection);
  compat::moveToModuleEnd(Names);
  attachDebugInfo(Names,
                  getArrayType(DIB->createBasicType("char", 8,
                                                    dwarf::DW_ATE_signed_char),
                               8, getArrayLength(Names)));
}

void BPFCovRewriter::emitCovMap() {
  // STEP 12: bpfcov's header (layout in Names.h), e.g.
  //   @__bpfcov_magic = dso_local constant i64 72185839495770210,
  //       section ".rodata.covmap", align 8, !dbg !N
  //   @__bpfcov_covmap_header = dso_local constant [4 x i32]
  //       [i32 2, i32 28, i32 0, i32 5], section ".rodata.covmap"
  uint32_t Header[4] = {0, 0, 0, 0};
  GlobalVariable *CovMap = M.getNamedGlobal(getCoverageMappingVarName());
  if (CovMap && CovMap->hasInitializer())
    if (auto *S = dyn_cast<ConstantStruct>(CovMap->getInitializer()))
      if (auto *H = dyn_cast<ConstantStruct>(S->getOperand(0)))
        for (unsigned I = 0; I < 4 && I < H->getNumOperands(); ++I)
          if (auto *CI = dyn_cast<ConstantInt>(H->getOperand(I)))
            Header[I] = CI->getZExtValue();

  uint64_t Flags = AtomicAdds ? CovMapFlagAtomic : 0;
  if (ByteCounters)
    Flags |= CovMapFlagByteCounters;
  if (isBssCountersEnabled())
    Flags |= CovMapFlagBssCounters;
  if (PerCpu)
    Flags |= CovMapFlagPerCpu | (uint64_t(Log2_64(Rows))
                                 << CovMapFlagPerCpuRowsShift);
  if (GlobalVariable *Names = M.getNamedGlobal(getInstrProfNamesVarName()))
    if (auto *Data = dyn_cast<ConstantDataSequential>(Names->getInitializer())) {
      // The blob starts with ULEB128 uncompressed and compressed sizes.
      StringRef Raw = Data->getRawDataValues();
      unsigned Len = 0;
      decodeULEB128(Raw.bytes_begin(), &Len);
      if (Len < Raw.size() && decodeULEB128(Raw.bytes_begin() + Len) != 0)
        Flags |= CovMapFlagNamesCompressed;
    }

  std::string ObjName =
      ObjectNameOpt.empty() ? getDefaultObjectName(M) : ObjectNameOpt.getValue();
  ObjName.resize(std::min<size_t>(ObjName.size(), ObjectNameSize - 1));
  SmallString<ObjectNameSize> NameBytes(ObjName);
  NameBytes.resize(ObjectNameSize, '\0');

  Type *I64 = Type::getInt64Ty(Ctx);
  DIType *U64 = getU64Type();
  Constant *Inits[NumCovMapFields] = {
      ConstantInt::get(I64, CovMapMagic),
      ConstantInt::get(I64, INSTR_PROF_RAW_VERSION),
      ConstantInt::get(I64, LLVM_VERSION_MAJOR),
      ConstantInt::get(I64, Flags),
      ConstantDataArray::get(Ctx, ArrayRef<uint32_t>(Header, 4)),
      ConstantDataArray::getString(Ctx, NameBytes.str(), /*AddNull=*/false)};
  DIType *Types[NumCovMapFields] = {
      U64, U64, U64, U64,
      getArrayType(DIB->createBasicType("unsigned int", 32, dwarf::DW_ATE_unsigned),
                   32, 4),
      getArrayType(DIB->createBasicType("char", 8, dwarf::DW_ATE_signed_char), 8,
                   ObjectNameSize)};
  for (unsigned F = 0; F < NumCovMapFields; ++F) {
    GlobalVariable *GV =
        createDataGlobal(CovMapFieldName[F], CovMapSection, Inits[F], Types[F]);
    assert(GV->getName() == CovMapFieldName[F] &&
           "bpfcov header names must not collide with user globals");
    (void)GV;
  }
}

void BPFCovRewriter::stripCoverageMapping() {
  // STEP 13: the mapping itself. The loadable object drops it (the verifier
  // has no use for it, llvm-cov reads it from the .bpf.obj); the .bpf.obj
  // keeps it, without comdats, which the BPF object writer need not handle.
  GlobalVariable *CovMap = M.getNamedGlobal(getCoverageMappingVarName());
  std::string CovFunSection = getInstrProfSectionName(
      IPSK_covfun, Triple::ELF, /*AddSegmentInfo=*/false);
  SmallVector<GlobalVariable *, 16> Mapping;
  for (GlobalVariable &GV : M.globals())
    if (GV.getSection() == CovFunSection || &GV == CovMap)
      Mapping.push_back(&GV);
  if (StripInitializersOnly) {
    // The functions left without counter updates lose their records.
    SmallVector<GlobalVariable *, 4> NotShown;
    for (GlobalVariable *GV : Mapping)
      if (isNotInstrumentedRecord(*GV, NotInstrumented))
        NotShown.push_back(GV);
    stripFromUsedLists(
        [&](const GlobalValue *GV) { return is_contained(NotShown, GV); });
    erase_if(Mapping,
             [&](GlobalVariable *GV) { return is_contained(NotShown, GV); });
    for (GlobalVariable *GV : NotShown)
      GV->eraseFromParent();
    for (GlobalVariable *GV : Mapping) {
      GV->setComdat(nullptr);
      if (GV->hasLinkOnceLinkage() || GV->hasWeakLinkage())
        GV->setLinkage(GlobalValue::PrivateLinkage);
    }
  } else {
    SmallPtrSet<const GlobalValue *, 16> Dead(Mapping.begin(), Mapping.end());
    stripFromUsedLists([&](const GlobalValue *GV) { return Dead.count(GV); });
    for (GlobalVariable *GV : Mapping)
      GV->eraseFromParent();
  }
  // Comdats left without members are dropped by the printer/writer.
  SmallVector<StringRef, 8> Unused;
  StringSet<> Live;
  for (GlobalObject &GO : M.global_objects())
    if (const Comdat *C = GO.getComdat())
      Live.insert(C->getName());
  for (auto &Entry : M.getComdatSymbolTable())
    if (!Live.count(Entry.getKey()))
      Unused.push_back(Entry.getKey());
  for (StringRef Name : Unused)
    M.getComdatSymbolTable().erase(Name);
}

void BPFCovRewriter::emitUses() {
  // Nothing references .rodata.profd/.rodata.covmap from code: keep them.
  rebuildAppendingArray(
      M, "llvm.compiler.used", [](Constant *) { return false; }, NewUsed,
      compat::getInt8PtrTy(Ctx));
}

bool bpfcov::instrumentBPFCoverage(Module &M, bool StripInitializersOnly,
                                   bool PerCpu, bool Bool) {
  return BPFCovRewriter(M, StripInitializersOnly, PerCpu, Bool).run();
}

PreservedAnalyses bpfcov::BPFCov::run(Module &M, ModuleAnalysisManager &) {
  return instrumentBPFCoverage(M, StripInitializersOnly, PerCpu, Bool)
             ? PreservedAnalyses::none()
             : PreservedAnalyses::all();
}

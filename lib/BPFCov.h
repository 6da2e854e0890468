//===-- BPFCov.h - Make coverage-instrumented BPF IR loadable --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// clang -fprofile-instr-generate -fcoverage-mapping lowers coverage into
// globals in sections (__llvm_prf_cnts, __llvm_prf_data, __llvm_prf_names,
// __llvm_covmap, __llvm_covfun) plus a profile runtime (ctors, register
// functions). Neither libbpf nor the verifier accept that. BPFCov rewrites the
// module so that llc -march=bpf emits an object libbpf loads:
//
//   * the profile runtime is stripped (llvm.global_ctors entries,
//     __llvm_profile_init/register functions, __llvm_profile_runtime), and
//     llvm.used / llvm.compiler.used are kept free of dangling members;
//   * __profc_* counters (and MC/DC bitmaps, padded to u64 words) move to
//     .data.profc; the increments keep their form, but atomic counter reads
//     become plain loads and byte-wide atomic ORs 64-bit ones (BPF has
//     neither);
//   * each __profd_* record becomes scalar u64 globals in .rodata.profd
//     (layout: bpfcov/Names.h), the counter pointer becoming the byte offset
//     of the function's counters in .data.profc;
//   * the name blob __llvm_prf_nm moves to .rodata.profn;
//   * the coverage-mapping header, the producer's raw-profile version and the
//     object name go to .rodata.covmap;
//   * __covrec_* and the coverage mapping are removed;
//   * every new or moved global gets external linkage, no comdat and debug
//     info, so llc emits BTF for it and bpftool gen skeleton works.
//
// With strip-initializers-only (the .bpf.obj for llvm-cov) the same rewrite
// runs but __llvm_covmap, __llvm_covfun and __llvm_prf_names are kept.
//
// With percpu (opt-in) each function's counters become [R x [S x i64]]: R
// rows (-bpfcov-percpu-rows, default 64) of its N counters padded to S, a
// multiple of 8 (whole cache lines). Every function that bumps counters
// computes its row once at entry, bpf_get_smp_processor_id() & (R-1), and
// its counter addresses are rebuilt on that row; the adds are unchanged.
// struct_ops programs (which may not call that helper) and the functions
// they call use row 0.
//
// With bool (LLVM 19+, clang -mllvm -enable-single-byte-coverage) each
// counter is one byte, 0xFF until its region runs and stores 0: the bytes
// move to .data.profc like 64-bit counters, the record counts bytes, the
// covmap flags say so, and each store gets the alignment of its byte.
//
// Then (loadable object only) counter updates get an alias scope that all
// other memory accesses exclude, and EarlyCSE, GVN and SimplifyCFG run again;
// a loop's invariant null check that a counter update kept in the loop is
// unswitched (lib/CleanUp.cpp): the verifier sees the checks and uses of the
// plain build; counters updated alike everywhere keep one update, the
// others' start value naming it (lib/TwinCounters.cpp); the updates of a
// stretch without calls move to its top, a
// counter's plain updates there as one (lib/GatherCounterUpdates.cpp), and
// the atomic adds of one counter in a stretch become one add
// (lib/MergeCounterAdds.cpp); with per-CPU counters, the functions of a call
// chain over the stack limit use row 0 where that takes less stack
// (lib/SharedRows.cpp); a global function's ignored
// argument gets a defined value, the verifier checking it against the BTF
// (lib/GlobalCallArgs.cpp). Last, a module big enough to need it is compiled once more to
// check that no BPF jump exceeds its 16-bit offset and no function the
// BPF stack (lib/CodegenCheck.cpp).
//
// Not instrumented (lib/NotInstrumented.cpp): the functions named by
// -bpfcov-not-instrumented=f,g, and each function that needs a jump out of
// range or more than the BPF stack with counters, lose their counter updates (and so do the functions inlined into
// them); the pass warns once per function. The .bpf.obj run gets the same
// list (it replays the loadable run on a copy when the jump check or the
// option could add to it), drops those functions' coverage records and
// writes the list into .bpfcov.notinstr, which `bpfcov out` reports.
//
// USAGE:
//   opt -load-pass-plugin libBPFCov.so -passes=bpf-cov x.ll -o x.cov.bc
//   opt -load-pass-plugin libBPFCov.so
//     -passes="bpf-cov<strip-initializers-only>" x.ll -o x.obj.bc
//   opt -load-pass-plugin libBPFCov.so -passes="bpf-cov<percpu>" x.ll ...
//   opt -load-pass-plugin libBPFCov.so -passes="bpf-cov<bool>" x.ll ...
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_BPFCOV_H
#define BPFCOV_BPFCOV_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/Twine.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instruction.h"
#include "llvm/IR/PassManager.h"

#include <optional>
#include <string>
#include <vector>

namespace bpfcov {

/// The new-PM pass. run() only calls the worker (lib/BPFCov.cpp).
struct BPFCov : llvm::PassInfoMixin<BPFCov> {
  /// \p StripInitializersOnly keeps the mapping for llvm-cov (.bpf.obj).
  /// \p PerCpu puts the counters in per-CPU rows (also on with
  /// -bpfcov-counters=percpu). \p Bool requires one-byte counters (also
  /// on with -bpfcov-counters=bool).
  explicit BPFCov(bool StripInitializersOnly = false, bool PerCpu = false,
                  bool Bool = false)
      : StripInitializersOnly(StripInitializersOnly), PerCpu(PerCpu),
        Bool(Bool) {}

  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);

  /// Runs even on `optnone` functions: -O0 marks every function optnone and
  /// the module would otherwise stay unloadable.
  static bool isRequired() { return true; }

  bool StripInitializersOnly;
  bool PerCpu;
  bool Bool;
};

/// The rewrite itself; returns true when \p M changed. Bad input is a
/// fatal error naming the problem and the fix (no output file is left).
bool instrumentBPFCoverage(llvm::Module &M, bool StripInitializersOnly,
                           bool PerCpu = false, bool Bool = false);

/// Reports bad input and stops: `error: bpf-cov: <Msg>`, exit 1, after
/// running the interrupt handlers, which remove opt's output file.
[[noreturn]] void reportError(const llvm::Twine &Msg);

/// An error llc would report for a function (the 512-byte stack limit).
struct CodegenError {
  std::string Function;
  std::string Message;
};

/// What llc would write for a module: its assembly, and the errors it
/// would report (lib/Assembly.cpp).
struct Assembly {
  llvm::SmallString<0> Text;
  bool Ok = false; ///< the BPF target compiled it without an error
  std::vector<CodegenError> Errors;
};

/// Compiles a copy of \p M with the BPF target; the errors are returned,
/// not reported (lib/Assembly.cpp).
Assembly emitAssembly(const llvm::Module &M);

/// Calls \p Fn for each label (Code empty) and instruction (Label empty) of
/// \p Asm, with the function of \p M it belongs to (lib/Assembly.cpp).
void forEachAsmLine(
    const llvm::Module &M, llvm::StringRef Asm,
    llvm::function_ref<void(llvm::StringRef Function, llvm::StringRef Label,
                            llvm::StringRef Code)>
        Fn);

/// The stack depth in bytes of each function of \p Asm (lib/Assembly.cpp).
llvm::StringMap<uint64_t> stackDepths(const llvm::Module &M,
                                      llvm::StringRef Asm);

/// The stack a BPF function may use, in bytes: 512, the kernel's
/// MAX_BPF_STACK, unless -bpfcov-stack-limit lowers it (lib/CodegenCheck.cpp).
uint64_t stackLimit();

/// The verifier's 32-byte units of a frame of \p Depth bytes: each frame
/// of a call chain takes whole units of the 512 bytes (lib/Assembly.cpp).
uint64_t stackUnits(uint64_t Depth);

/// True if \p I calls a helper or a subprogram in the BPF code: r1-r5 do
/// not survive it (lib/PinnedValues.cpp).
bool isRealCall(const llvm::Instruction &I);

/// The metadata that marks a function's per-CPU row index (lib/BPFCov.cpp
/// STEP 7, lib/SharedRows.cpp).
inline constexpr const char *PerCpuRowMD = "bpfcov.row";

/// A function llc would emit broken or refuse (lib/CodegenCheck.cpp): a
/// jump beyond the 16-bit offset of a BPF jump (its longest, in instruction
/// slots, with what the verifier's inlined helpers add), or a stack deeper
/// than a BPF function may use (its depth in bytes, when llc wrote one).
struct CodegenProblem {
  enum KindTy { LongJump, DeepStack } Kind;
  std::string Function;
  int64_t Amount;
  /// LongJump: the slots of Amount the verifier's rewrites add (inlined
  /// helpers, checked divisions); when Amount - Growth is in range, llc
  /// emits the jump right and only the verifier could not patch it.
  int64_t Growth = 0;
};

/// True when a function of \p M may be big enough to need a long jump (an
/// upper bound of its size exceeds -bpfcov-jump-check-slots) or deep enough
/// to need too much stack (its own stack variables take
/// -bpfcov-stack-check-bytes or more).
bool mayNeedCodegenCheck(const llvm::Module &M);

/// The functions of \p M llc would emit broken or refuse, each once, from
/// \p Known when it is \p M's assembly, else compiling \p M if it may have
/// any (lib/CodegenCheck.cpp).
std::vector<CodegenProblem> findCodegenProblems(llvm::Module &M,
                                                const Assembly *Known = nullptr);

/// "needs a jump of <Offset> instructions, beyond the ... offset", or
/// "needs <N> bytes of stack with its counters, beyond the 512 ...".
std::string describeCodegenProblem(const CodegenProblem &P);

/// True when llc itself would write \p P's jump wrapped: out of range
/// without what the verifier adds (lib/CodegenCheck.cpp).
bool isOutOfRangeForLLC(const CodegenProblem &P);

/// Fails with the error that names \p P's function, its long jump and the
/// ways out (lib/CodegenCheck.cpp). A stack over the limit is never
/// reported here: llc's own error names it.
[[noreturn]] void reportCodegenProblem(const CodegenProblem &P);

/// A function left without counter updates, and why: its coverage record
/// leaves the .bpf.obj and its line goes to NotInstrumentedSection.
struct NotInstrumentedFunction {
  std::string Name;   ///< as in the source (no "file.c:" of static ones)
  std::string File;   ///< its source file, from the debug info ("" if none)
  std::string Reason; ///< e.g. "inlined into 'on_event'"
  uint64_t NameRef = 0; ///< MD5 of its profile name, as in its records
};

/// The function whose coverage record a counters (or MC/DC bitmap) global
/// belongs to: its profile name ("x.bpf.c:helper" for static ones) and the
/// NameRef of its records.
struct CounterOwner {
  std::string ProfileName;
  uint64_t NameRef = 0;
};
using CounterOwners =
    llvm::DenseMap<const llvm::GlobalVariable *, CounterOwner>;

/// Removes the counter updates of the functions -bpfcov-not-instrumented
/// names (an unknown name is an error) and adds them, and every function
/// inlined into them, to \p List (lib/NotInstrumented.cpp). Returns true if
/// \p M changed.
bool dropNamedFunctions(llvm::Module &M, const CounterOwners &Owners,
                        std::vector<NotInstrumentedFunction> &List);

/// The codegen check: each function that needs a jump out of range or more
/// than the BPF stack loses its counter updates (unless
/// -bpfcov-jump-fallback=false) and joins \p List, until none does; a
/// function out of range without counter updates is an error, one over the
/// stack is left to llc's own (lib/NotInstrumented.cpp, with
/// lib/CodegenCheck.cpp).
void dropUncompilableFunctions(llvm::Module &M, const CounterOwners &Owners,
                               std::vector<NotInstrumentedFunction> &List,
                               std::optional<Assembly> Known = std::nullopt);

/// True when -bpfcov-not-instrumented names a function.
bool hasNamedNotInstrumented();

/// One `warning: bpf-cov: function 'F' is not instrumented: <reason>` line
/// per function of \p List, on stderr.
void warnNotInstrumented(llvm::ArrayRef<NotInstrumentedFunction> List);

/// True if \p GV is the coverage record (covfun) of a function of \p List:
/// the .bpf.obj drops it, so llvm-cov does not show the function.
bool isNotInstrumentedRecord(const llvm::GlobalVariable &GV,
                             llvm::ArrayRef<NotInstrumentedFunction> List);

/// For the .bpf.obj: writes \p List into NotInstrumentedSection (nothing
/// when it is empty).
void emitNotInstrumented(llvm::Module &M,
                         llvm::ArrayRef<NotInstrumentedFunction> List);

/// Gives each store to one-byte counters the alignment its address has in
/// .data.profc (8-aligned arrays), so llc emits one store where clang
/// merged several bytes (lib/ByteCounters.cpp); returns true if any changed.
bool alignByteCounterStores(llvm::Module &M);

/// Runs LICM, which moves the bool-counter stores that run on every loop
/// iteration out of their loop once cleanUpCounterUpdates() gave them their
/// alias scope (lib/ByteCounters.cpp).
void hoistByteCounterStores(llvm::Module &M);

/// Adds to \p Globals the counters or MC/DC bitmaps globals (.data.profc)
/// \p V may point into, seeing through pinned addresses and through phis and
/// selects; false, adding none, if \p V may point anywhere else
/// (lib/CleanUp.cpp).
bool counterGlobals(const llvm::Value *V,
                    llvm::SmallVectorImpl<const llvm::GlobalVariable *> &Globals);

/// The first of counterGlobals(\p V), or null (lib/CleanUp.cpp).
const llvm::GlobalVariable *counterGlobal(const llvm::Value *V);

/// True if \p V points into .data.profc: counterGlobal() is not null.
bool isCounterPointer(const llvm::Value *V);

/// The pointer operand of a load, store or atomic, or null (calls, fences)
/// (lib/CleanUp.cpp).
const llvm::Value *getAccessPointer(const llvm::Instruction &I);

/// The pointer of \p I when it accesses counters or MC/DC bitmaps (a load,
/// store or atomic of a pointer counterGlobals() knows), with their globals
/// added to \p Globals; else null (lib/CleanUp.cpp).
const llvm::Value *
getCounterAccess(const llvm::Instruction &I,
                 llvm::SmallVectorImpl<const llvm::GlobalVariable *> &Globals);

/// Whether \p I is a call in the BPF code, which ends a stretch of a block
/// whose counter updates may merge or move: a tail call or a helper that
/// does not return leaves the rest unexecuted (lib/MergeCounterAdds.cpp).
bool endsStretch(const llvm::Instruction &I);

/// The byte offset in .data.profc of each record's counters global.
using CounterOffsets =
    llvm::DenseMap<const llvm::GlobalVariable *, uint64_t>;

/// Counters whose updates are always alike (the same call-free stretches,
/// the same amounts) keep one update: the others, twins, lose theirs and
/// their start value names the counter they share (TwinCounterTag,
/// bpfcov/Names.h), whose count gen gives them (lib/TwinCounters.cpp).
/// Returns true when \p M changed.
bool shareTwinCounters(llvm::Module &M, const CounterOffsets &Offsets);

/// Adds to \p Globals each counters global with a twin of a counter in
/// \p Globals: the twin's count came from those updates
/// (lib/TwinCounters.cpp).
void addTwinGlobals(const llvm::Module &M,
                    llvm::SmallVectorImpl<const llvm::GlobalVariable *> &Globals);

/// Moves the counter updates of each call-free stretch of a block to its top,
/// a counter's plain updates there as one (lib/GatherCounterUpdates.cpp);
/// returns true when \p M changed.
bool gatherCounterUpdates(llvm::Module &M);

/// Merges the atomic adds of one counter in a call-free stretch of a block
/// into one add of their sum (lib/MergeCounterAdds.cpp); returns true when
/// \p M changed.
bool mergeCounterAdds(llvm::Module &M);

/// Gives each atomic counter add an addend of its own, an inline assembly
/// `r = N` that llc neither merges with other adds' nor hoists
/// (lib/PinnedValues.cpp); returns true when \p M changed.
bool pinCounterAddends(llvm::Module &M);

/// Per-CPU counters: the functions of a call chain whose frames go over
/// the stack limit use row 0 where that makes their frame smaller, their
/// adds still atomic (lib/SharedRows.cpp). Returns the assembly of \p M as
/// STEP 20b and 20c will make it, when it made it on the way.
std::optional<Assembly> shareRowsWhereDeep(llvm::Module &M);

/// Percpu counters: in a function that bumps five records' counters or more,
/// computes each row address in the blocks that use it instead of keeping
/// all of them from the entry on (lib/PinnedValues.cpp); returns true when
/// \p M changed.
bool pinPerCpuRows(llvm::Module &M);

/// In a function that calls helpers or subprograms, computes counter
/// addresses in each block that uses them, and again after each call,
/// instead of llc's one address kept from block to block, where that saves
/// stack (lib/PinnedValues.cpp). Returns \p M's assembly when it made it
/// on the way (the codegen check need not compile \p M again).
/// \p Known: \p M's assembly, if the caller has it.
std::optional<Assembly> pinCounterAddresses(llvm::Module &M,
                                            std::optional<Assembly> Known);

/// The address of \p G, made by \p B with an inline assembly that llc
/// cannot merge with another (lib/PinnedValues.cpp).
llvm::Value *pinnedGlobal(llvm::IRBuilderBase &B, llvm::GlobalVariable *G,
                          const llvm::Twine &Name = "");

/// A copy of \p V, made by \p B, that llc cannot merge with another copy
/// of \p V (lib/PinnedValues.cpp).
llvm::Value *pinnedCopy(llvm::IRBuilderBase &B, llvm::Value *V,
                        const llvm::Twine &Name = "");

/// The address of \p G plus \p Offset bytes, made by \p B with an inline
/// assembly that llc cannot merge with another (lib/PinnedValues.cpp).
llvm::Value *pinnedAddress(llvm::IRBuilderBase &B, llvm::GlobalVariable *G,
                           llvm::Value *Offset, const llvm::Twine &Name = "");
/// The global of a pinnedAddress() call \p V, or null when \p V is none
/// (lib/PinnedValues.cpp).
const llvm::GlobalVariable *pinnedAddressGlobal(const llvm::Value *V);
/// Erases \p Accesses (counter accesses whose results nothing uses), then
/// the pinned values and the dead code that only fed them
/// (lib/PinnedValues.cpp): llc would keep a pinned value, for its side
/// effects.
void eraseCounterAccesses(llvm::ArrayRef<llvm::Instruction *> Accesses);

/// Gives each undef argument of a call to a global (non-static) function
/// a defined value, which the verifier checks against the callee's BTF
/// (lib/GlobalCallArgs.cpp); returns true when \p M changed.
bool defineGlobalCallArgs(llvm::Module &M);

/// Runs \p FPM on \p Fns with the default analyses (alias analyses
/// including scoped noalias) and the BPF target's TTI (lib/CleanUp.cpp).
void runFunctionPasses(llvm::Module &M, llvm::FunctionPassManager &FPM,
                       llvm::ArrayRef<llvm::Function *> Fns);

/// Tells LLVM that counter and bitmap updates never alias the program's
/// memory and re-runs the clean-ups they blocked (lib/CleanUp.cpp); returns
/// true when \p M changed.
bool cleanUpCounterUpdates(llvm::Module &M);

/// Moves the blocks that only update counters out of the way of a branch
/// and the successor a plain build falls through into, so llc keeps that
/// fall-through, the path the verifier walks first
/// (lib/ColdCounterBlocks.cpp); returns true when \p M changed.
bool coldCounterBlocks(llvm::Module &M);

/// Debugging only: deletes the counter updates numbered by
/// -bpfcov-debug-drop-updates, to bisect which ones cost the verifier
/// (lib/DebugDropUpdates.cpp); returns true when \p M changed.
bool debugDropCounterUpdates(llvm::Module &M);

} // namespace bpfcov

#endif // BPFCOV_BPFCOV_H

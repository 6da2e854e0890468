//===-- CodegenCheck.cpp - No jump out of range, no stack over the limit ----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/CodegenCheck.cpp
//
// DESCRIPTION:
//   A BPF jump (before -mcpu=v4's gotol) holds a 16-bit offset, counted in
//   8-byte instruction slots. llc 14 to 17 write the low 16 bits of a longer
//   offset without a word, and the verifier then says "jump out of range
//   from insn 445 to -28723" (or, worse, the jump lands elsewhere in the
//   program). Counters grow heavily unrolled functions past that range.
//
//   A BPF function may use 512 bytes of stack. Counters keep addresses and
//   rows in registers, and the program's own values may spill: a function
//   close to the limit plain goes over it instrumented, and llc refuses it
//   ("Looks like the BPF stack limit ... is exceeded": strobemeta's on_event
//   with percpu counters).
//
//   Before the pass returns, a module that could hold such a function is
//   compiled once more, to assembly, with the BPF target (what llc would
//   emit, lib/Assembly.cpp): every `goto LABEL` is measured in slots
//   (`ld_imm64`, the `r1 = x ll` form, takes two), and every function's
//   stack depth read, or llc's stack error kept. lib/NotInstrumented.cpp
//   leaves such functions without counters, and a jump still out of range
//   is an error that names the function and the distance (no object is
//   written). Modules with small functions (an upper bound of their size
//   below the jump range, stack variables under -bpfcov-stack-check-bytes)
//   are not compiled twice.
//
// USAGE: called by the bpf-cov pass last, on the loadable object's module.
//===----------------------------------------------------------------------===//
#include "BPFCov.h"
#include "Compat.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace llvm;

/// The range of a 16-bit jump offset, in instruction slots.
static constexpr int64_t JumpRange = 32767;

static cl::opt<unsigned> JumpRangeOpt(
    "bpfcov-jump-range",
    cl::desc("The longest jump the check allows, in instruction slots "
             "(default: 32767, a BPF jump's; tests lower it)"),
    cl::init(JumpRange), cl::Hidden);

/// The stack a BPF function may use, in bytes (the kernel's MAX_BPF_STACK).
static constexpr unsigned StackLimit = 512;

static cl::opt<unsigned> StackLimitOpt(
    "bpfcov-stack-limit",
    cl::desc("The deepest stack the check allows, in bytes (default: 512, "
             "a BPF function's; tests lower it)"),
    cl::init(StackLimit), cl::Hidden);

uint64_t bpfcov::stackLimit() { return StackLimitOpt; }

static cl::opt<unsigned> StackCheckBytesOpt(
    "bpfcov-stack-check-bytes",
    cl::desc("Compile a module once more to check its functions' stack when "
             "a function's own stack variables take this many bytes or more "
             "(default: 256, half the stack; 0 always checks)"),
    cl::init(StackLimit / 2));

static cl::opt<unsigned> JumpCheckSlotsOpt(
    "bpfcov-jump-check-slots",
    cl::desc("Compile a module once more to check its BPF jump offsets when "
             "a function may exceed this many instruction slots "
             "(default: 32767, the range of a jump; 0 always checks)"),
    cl::init(JumpRange));

/// The most instruction slots the verifier adds to a helper call when it
/// inlines it (kernel/bpf/verifier.c do_misc_fixups(), x86-64, up to 6.18):
/// a map lookup becomes its map's gen_lookup (percpu array: 10 slots), the
/// CPU number and jiffies 3, a tail call gets its index check, bpf_loop
/// becomes a loop.
static int64_t helperGrowth(uint64_t Id) {
  switch (Id) {
  case 1:   // bpf_map_lookup_elem
    return 9;
  case 8:   // bpf_get_smp_processor_id
  case 12:  // bpf_tail_call
  case 118: // bpf_jiffies64
  case 173: // bpf_get_func_ip
    return 2;
  case 183: // bpf_get_func_arg
  case 184: // bpf_get_func_ret
    return 6;
  case 181: // bpf_loop
    return 20;
  default:
    return 0;
  }
}

/// The slots the verifier may add to the instruction \p Code of llc's
/// assembly: an inlined helper call, or a division or modulo by a register,
/// which gets its zero check.
static int64_t verifierGrowth(StringRef Code) {
  uint64_t Id;
  if (Code.consume_front("call ") && !Code.trim().getAsInteger(10, Id))
    return helperGrowth(Id);
  if ((Code.contains("/= r") || Code.contains("%= r") ||
       Code.contains("/= w") || Code.contains("%= w")))
    return 5;
  return 0;
}

/// The most any call may add (helperGrowth()).
static constexpr uint64_t MaxCallGrowth = 20;

/// An upper bound of the instruction slots llc emits for \p F, with what
/// the verifier adds: generous per IR instruction and call, and per byte of
/// a constant-length memory intrinsic.
static uint64_t estimateSlots(const Function &F) {
  uint64_t Slots = 0;
  for (const BasicBlock &BB : F)
    for (const Instruction &I : BB) {
      Slots += 8;
      if (isa<CallBase>(I) && !isa<IntrinsicInst>(I))
        Slots += MaxCallGrowth;
      if (const auto *MI = dyn_cast<MemIntrinsic>(&I)) {
        if (const auto *Len = dyn_cast<ConstantInt>(MI->getLength()))
          Slots += 2 * Len->getZExtValue();
        else
          Slots += 1 << 16; // a call; counted as out of range, to be safe
      }
    }
  return Slots;
}

namespace {
/// A place in the assembly: its slot, and the slots the verifier adds
/// before it (verifierGrowth()).
struct Place {
  int64_t Slot = 0, Growth = 0;
};
/// One `goto` of the assembly: where it is, its target label, its function.
struct Jump {
  Place At;
  std::string Target, Function;
};
} // namespace

/// The bytes of \p F's fixed-size stack variables.
static uint64_t allocaBytes(const Function &F) {
  const DataLayout &DL = F.getParent()->getDataLayout();
  uint64_t Bytes = 0;
  for (const Instruction &I : instructions(F))
    if (const auto *AI = dyn_cast<AllocaInst>(&I))
      if (auto Size = AI->getAllocationSizeInBits(DL))
        Bytes += Size->getFixedValue() / 8;
  return Bytes;
}

bool bpfcov::mayNeedCodegenCheck(const Module &M) {
  for (const Function &F : M)
    if (!F.isDeclaration() && (estimateSlots(F) > JumpCheckSlotsOpt ||
                               allocaBytes(F) >= StackCheckBytesOpt))
      return true;
  return false;
}

/// The range of the jumps the check allows.
static int64_t maxJump() { return JumpRangeOpt; }
static int64_t minJump() { return -maxJump() - 1; }

std::string bpfcov::describeCodegenProblem(const CodegenProblem &P) {
  if (P.Kind == CodegenProblem::DeepStack)
    return ("needs " + (P.Amount ? Twine(P.Amount) + " bytes" : Twine("more")) +
            " of stack with its counters, beyond the " + Twine(StackLimitOpt) +
            " bytes a BPF function may use")
        .str();
  std::string Growth =
      P.Growth ? (" (" + Twine(std::abs(P.Growth)) +
                  " of them added by the verifier's inlined helpers)")
                     .str()
               : "";
  return ("needs a jump of " + Twine(P.Amount) + " instructions" + Growth +
          ", beyond the " + Twine(minJump()) + ".." + Twine(maxJump()) +
          " of a BPF jump offset")
      .str();
}

bool bpfcov::isOutOfRangeForLLC(const CodegenProblem &P) {
  int64_t Offset = P.Amount - P.Growth;
  return P.Kind == CodegenProblem::LongJump &&
         (Offset < minJump() || Offset > maxJump());
}

std::vector<bpfcov::CodegenProblem>
bpfcov::findCodegenProblems(Module &M, const Assembly *Known) {
  std::vector<CodegenProblem> Problems;
  if (!Known && !mayNeedCodegenCheck(M))
    return Problems;
  // STEP 21: what llc emits, as assembly:
  //   foo:
  //           if r1 > 7 goto LBB0_12
  //           r2 = .data.profc ll        ; two slots
  //   LBB0_12:
  std::optional<Assembly> Made;
  if (!Known)
    Known = &Made.emplace(emitAssembly(M));
  if (!Known->Ok && Known->Errors.empty())
    return Problems; // llc fails the same way, with its own message
  StringRef Asm = Known->Text;
  const std::vector<CodegenError> &Errors = Known->Errors;
  // The stack: llc's error, or a depth over a lowered limit.
  StringMap<uint64_t> Depths = stackDepths(M, Asm);
  StringSet<> Deep;
  for (const CodegenError &E : Errors)
    if (StringRef(E.Message).contains("stack limit") &&
        Deep.insert(E.Function).second)
      Problems.push_back({CodegenProblem::DeepStack, E.Function,
                          int64_t(Depths.lookup(E.Function))});
  for (const auto &D : Depths)
    if (D.second > StackLimitOpt && Deep.insert(D.first()).second)
      Problems.push_back(
          {CodegenProblem::DeepStack, D.first().str(), int64_t(D.second)});
  // Jumps are measured as the verifier patches them: the slots its
  // inlined helpers add between a jump and its target count too (pyperf50's
  // on_event, 32695 slots from llc, became "cannot be patched due to 16-bit
  // range" with 520 map lookups inlined).
  StringMap<Place> Labels;
  std::vector<Jump> Jumps;
  Place Here;
  forEachAsmLine(M, Asm, [&](StringRef Function, StringRef Label, StringRef Code) {
    if (!Label.empty()) {
      Labels[Label] = Here;
      return;
    }
    size_t Goto = Code.find("goto ");
    if (Goto != StringRef::npos && Code.find("gotol ") == StringRef::npos)
      Jumps.push_back({Here, Code.substr(Goto + 5).trim().str(), Function.str()});
    Here.Slot += Code.size() > 3 && Code.substr(Code.size() - 3) == " ll" ? 2 : 1;
    Here.Growth += verifierGrowth(Code);
  });
  // The longest jump of each function, in the order llc emits them.
  std::vector<CodegenProblem> Long;
  for (const Jump &J : Jumps) {
    auto It = Labels.find(J.Target);
    if (It == Labels.end())
      continue;
    int64_t Growth = It->second.Growth - J.At.Growth;
    int64_t Offset = It->second.Slot - J.At.Slot - 1 + Growth;
    if (Offset >= minJump() && Offset <= maxJump())
      continue;
    if (Long.empty() || Long.back().Function != J.Function)
      Long.push_back({CodegenProblem::LongJump, J.Function, Offset, Growth});
    else if (std::abs(Offset) > std::abs(Long.back().Amount)) {
      Long.back().Amount = Offset;
      Long.back().Growth = Growth;
    }
  }
  Problems.insert(Problems.begin(), Long.begin(), Long.end());
  return Problems;
}

void bpfcov::reportCodegenProblem(const CodegenProblem &P) {
  assert(P.Kind == CodegenProblem::LongJump &&
         "a stack over the limit is llc's to report");
  reportError("function '" + P.Function + "' " + describeCodegenProblem(P) +
              "; llc would write it wrapped and the verifier reject it "
              "('jump out of range'): make the function smaller (less "
              "unrolling, __noinline parts) or build it with -mcpu=v4 and an "
              "LLVM that emits gotol");
}

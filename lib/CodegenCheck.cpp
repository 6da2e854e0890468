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

/// An upper bound of the instruction slots llc emits for \p F: generous per
/// IR instruction, and per byte of a constant-length memory intrinsic.
static uint64_t estimateSlots(const Function &F) {
  uint64_t Slots = 0;
  for (const BasicBlock &BB : F)
    for (const Instruction &I : BB) {
      Slots += 8;
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
/// One `goto` of the assembly: its slot, its target label, its function.
struct Jump {
  int64_t Slot;
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
  return ("needs a jump of " + Twine(P.Amount) + " instructions, beyond the " +
          Twine(minJump()) + ".." + Twine(maxJump()) + " of a BPF jump offset")
      .str();
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
  StringMap<int64_t> Labels;
  std::vector<Jump> Jumps;
  int64_t Slot = 0;
  forEachAsmLine(M, Asm, [&](StringRef Function, StringRef Label, StringRef Code) {
    if (!Label.empty()) {
      Labels[Label] = Slot;
      return;
    }
    size_t Goto = Code.find("goto ");
    if (Goto != StringRef::npos && Code.find("gotol ") == StringRef::npos)
      Jumps.push_back({Slot, Code.substr(Goto + 5).trim().str(), Function.str()});
    Slot += Code.size() > 3 && Code.substr(Code.size() - 3) == " ll" ? 2 : 1;
  });
  // The longest jump of each function, in the order llc emits them.
  std::vector<CodegenProblem> Long;
  for (const Jump &J : Jumps) {
    auto It = Labels.find(J.Target);
    if (It == Labels.end())
      continue;
    int64_t Offset = It->second - J.Slot - 1;
    if (Offset >= minJump() && Offset <= maxJump())
      continue;
    if (Long.empty() || Long.back().Function != J.Function)
      Long.push_back({CodegenProblem::LongJump, J.Function, Offset});
    else if (std::abs(Offset) > std::abs(Long.back().Amount))
      Long.back().Amount = Offset;
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

//===-- JumpCheck.cpp - No BPF jump beyond its 16-bit offset ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/JumpCheck.cpp
//
// DESCRIPTION:
//   A BPF jump (before -mcpu=v4's gotol) holds a 16-bit offset, counted in
//   8-byte instruction slots. llc 14 to 17 write the low 16 bits of a longer
//   offset without a word, and the verifier then says "jump out of range
//   from insn 445 to -28723" (or, worse, the jump lands elsewhere in the
//   program). Counters grow heavily unrolled functions past that range.
//
//   Before the pass returns, a module that could hold such a function is
//   compiled once more, to assembly, with the BPF target (what llc would
//   emit, lib/Assembly.cpp), and every `goto LABEL` is measured in slots
//   (`ld_imm64`, the `r1 = x ll` form, takes two). A jump out of range is an error that names
//   the function and the distance; no object is written. Small modules
//   (an upper bound below the range) are not compiled twice.
//
// USAGE: called by the bpf-cov pass last, on the loadable object's module.
//===----------------------------------------------------------------------===//
#include "BPFCov.h"
#include "Compat.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringMap.h"
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

bool bpfcov::mayNeedJumpCheck(const Module &M) {
  for (const Function &F : M)
    if (!F.isDeclaration() && estimateSlots(F) > JumpCheckSlotsOpt)
      return true;
  return false;
}

/// The range of the jumps the check allows.
static int64_t maxJump() { return JumpRangeOpt; }
static int64_t minJump() { return -maxJump() - 1; }

std::string bpfcov::describeLongJump(int64_t Offset) {
  return ("needs a jump of " + Twine(Offset) + " instructions, beyond the " +
          Twine(minJump()) + ".." + Twine(maxJump()) + " of a BPF jump offset")
      .str();
}

std::vector<bpfcov::LongJump> bpfcov::findLongJumps(Module &M) {
  std::vector<LongJump> Long;
  if (!mayNeedJumpCheck(M))
    return Long;
  // STEP 21: what llc emits, as assembly:
  //   foo:
  //           if r1 > 7 goto LBB0_12
  //           r2 = .data.profc ll        ; two slots
  //   LBB0_12:
  SmallString<0> Asm;
  if (!emitAssembly(M, Asm))
    return Long; // llc fails the same way, with its own message
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
  for (const Jump &J : Jumps) {
    auto It = Labels.find(J.Target);
    if (It == Labels.end())
      continue;
    int64_t Offset = It->second - J.Slot - 1;
    if (Offset >= minJump() && Offset <= maxJump())
      continue;
    if (Long.empty() || Long.back().Function != J.Function)
      Long.push_back({J.Function, Offset});
    else if (std::abs(Offset) > std::abs(Long.back().Offset))
      Long.back().Offset = Offset;
  }
  return Long;
}

void bpfcov::reportLongJump(const LongJump &J) {
  reportError("function '" + J.Function + "' " + describeLongJump(J.Offset) +
              "; llc would write it wrapped and the verifier reject it "
              "('jump out of range'): make the function smaller (less "
              "unrolling, __noinline parts) or build it with -mcpu=v4 and an "
              "LLVM that emits gotol");
}

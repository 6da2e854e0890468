//===-- Assembly.cpp - What llc would emit, compiled inside the pass --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/Assembly.cpp
//
// DESCRIPTION:
//   Some answers only the code generator has: how far a jump goes and how
//   much stack a function takes (lib/CodegenCheck.cpp, lib/PinnedValues.cpp
//   STEP 20d). emitAssembly() compiles a copy of the module with the BPF
//   target, each function with its own target-cpu (clang's -mcpu), to the
//   assembly llc would write; forEachAsmLine() walks it as function, label and
//   code lines. Errors of that compilation (the 512-byte stack limit) are
//   kept from the user and returned, by function: the pass acts on them, or
//   llc reports them again, on the module it is given.
//
// USAGE: by the bpf-cov pass, on the loadable object's module.
//===----------------------------------------------------------------------===//
#include "BPFCov.h"
#include "Compat.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Utils/Cloning.h"

using namespace llvm;

namespace {
/// Keeps the diagnostics of the copy's compilation; notes its errors.
struct QuietHandler : DiagnosticHandler {
  bool Failed = false;
  std::vector<bpfcov::CodegenError> *Errors = nullptr;
  bool handleDiagnostics(const DiagnosticInfo &DI) override {
    if (DI.getSeverity() != DS_Error)
      return true;
    Failed = true;
    const auto *Located = dyn_cast<DiagnosticInfoUnsupported>(&DI);
    if (Errors && Located) {
      std::string Msg;
      raw_string_ostream OS(Msg);
      DiagnosticPrinterRawOStream DP(OS);
      DI.print(DP);
      Errors->push_back({Located->getFunction().getName().str(), OS.str()});
    }
    return true;
  }
};
} // namespace

bpfcov::Assembly bpfcov::emitAssembly(const Module &M) {
  Assembly Asm;
  std::unique_ptr<Module> Clone = CloneModule(M);
  std::unique_ptr<TargetMachine> TM = compat::createTargetMachine(*Clone);
  if (!TM)
    return Asm; // opt without the BPF target: llc would fail the same way
  LLVMContext &Ctx = Clone->getContext();
  std::unique_ptr<DiagnosticHandler> Saved = Ctx.getDiagnosticHandler();
  auto Quiet = std::make_unique<QuietHandler>();
  Quiet->Errors = &Asm.Errors;
  QuietHandler &Handler = *Quiet;
  Ctx.setDiagnosticHandler(std::move(Quiet));
  {
    raw_svector_ostream OS(Asm.Text);
    legacy::PassManager PM;
    if (!TM->addPassesToEmitFile(PM, OS, nullptr, compat::AssemblyFile)) {
      PM.run(*Clone);
      Asm.Ok = !Handler.Failed;
    }
  }
  Ctx.setDiagnosticHandler(std::move(Saved));
  return Asm;
}

void bpfcov::forEachAsmLine(
    const Module &M, StringRef Asm,
    function_ref<void(StringRef Function, StringRef Label, StringRef Code)> Fn) {
  //   foo:                            ; Function "foo", Label "foo"
  //           if r1 > 7 goto LBB0_12  ; Code
  //           r2 = .data.profc ll
  //   LBB0_12:                        ; Label
  StringRef Func;
  SmallVector<StringRef, 0> Lines;
  Asm.split(Lines, '\n');
  for (StringRef Line : Lines) {
    StringRef Code = Line.split('#').first.rtrim();
    if (Code.empty())
      continue;
    if (!compat::startsWith(Line, "\t") && !compat::startsWith(Line, " ")) {
      if (Code.consume_back(":")) {
        if (const Function *F = M.getFunction(Code))
          Func = F->getName();
        Fn(Func, Code, "");
      }
      continue;
    }
    Code = Code.trim();
    if (!compat::startsWith(Code, "."))
      Fn(Func, "", Code); // not a directive
  }
}

StringMap<uint64_t> bpfcov::stackDepths(const Module &M, StringRef Asm) {
  // The deepest stack byte each function reaches, as the verifier counts
  // it: its stack slots, `*(u64 *)(r10 - 88) = r1`, and the stack
  // addresses it passes on, `r2 = r10` then `r2 += -76`.
  StringMap<uint64_t> Depths;
  std::string FromR10;
  forEachAsmLine(M, Asm, [&](StringRef Function, StringRef, StringRef Code) {
    if (Function.empty() || Code.empty())
      return;
    uint64_t &Depth = Depths[Function];
    uint64_t N = 0;
    size_t At = Code.find("(r10 - ");
    if (At != StringRef::npos &&
        !Code.substr(At + 7).take_while(isDigit).getAsInteger(10, N))
      Depth = std::max(Depth, N);
    auto [Dst, Src] = Code.split(" = ");
    if (Src == "r10") {
      FromR10 = Dst.str();
      return;
    }
    if (!FromR10.empty() && Code.consume_front(FromR10 + " += -") &&
        !Code.getAsInteger(10, N))
      Depth = std::max(Depth, N);
    FromR10.clear();
  });
  return Depths;
}

uint64_t bpfcov::stackUnits(uint64_t Depth) { return alignTo(Depth, 32) / 32; }

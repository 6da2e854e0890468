//===-- BPFCovPlugin.cpp - Registers bpf-cov with opt ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/BPFCovPlugin.cpp
//
// DESCRIPTION:
//   Plugin glue for the pass in BPFCov.cpp, kept apart from the rewrite:
//   the new-PM pipeline names `bpf-cov`, `bpf-cov<strip-initializers-only>`,
//   `bpf-cov<percpu>`, `bpf-cov<bool>` and `bpf-cov<strip-initializers-only;percpu>` and, for the seeds' spelling `opt -load libBPFCov.so
//   [-strip-initializers-only] -bpf-cov`, a legacy-PM wrapper.
//
// USAGE:
//   opt -load-pass-plugin libBPFCov.so -passes=bpf-cov x.ll -o x.bc
//   opt -load libBPFCov.so -strip-initializers-only -bpf-cov x.ll -o x.obj.bc
//   opt -load libBPFCov.so -bpfcov-counters=percpu -bpf-cov x.ll -o x.bc
//===----------------------------------------------------------------------===//
#include "BPFCov.h"
#include "Compat.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/Pass.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"

using namespace llvm;

static cl::opt<bool> StripInitializersOnlyOpt(
    "strip-initializers-only",
    cl::desc("bpf-cov: keep __llvm_covmap, __llvm_covfun and __llvm_prf_names "
             "for llvm-cov (the .bpf.obj); default: false"),
    cl::init(false));

namespace {

/// Legacy-PM wrapper: the seeds' `opt -load ... -bpf-cov` spelling.
struct LegacyBPFCov : public ModulePass {
  static char ID;
  LegacyBPFCov() : ModulePass(ID) {}
  bool runOnModule(Module &M) override {
    return bpfcov::instrumentBPFCoverage(M, StripInitializersOnlyOpt);
  }
};
char LegacyBPFCov::ID = 0;

} // namespace

static RegisterPass<LegacyBPFCov>
    X("bpf-cov", "Make coverage-instrumented BPF IR loadable (bpfcov)",
      /*CFGOnly=*/false, /*is_analysis=*/false);

/// The plugin's registration: pipeline names for opt -passes=...
llvm::PassPluginLibraryInfo getBPFCovPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "bpf-cov", LLVM_VERSION_STRING,
          [](PassBuilder &PB) {
            PB.registerPipelineParsingCallback(
                [](StringRef Name, ModulePassManager &MPM,
                   ArrayRef<PassBuilder::PipelineElement>) {
                  if (Name == "bpf-cov") {
                    MPM.addPass(bpfcov::BPFCov(StripInitializersOnlyOpt));
                    return true;
                  }
                  // bpf-cov<strip-initializers-only;percpu|bool>, any order.
                  if (!Name.consume_front("bpf-cov<") ||
                      !Name.consume_back(">"))
                    return false;
                  bool Strip = StripInitializersOnlyOpt, PerCpu = false,
                       Bool = false;
                  SmallVector<StringRef, 2> Params;
                  Name.split(Params, ';');
                  for (StringRef P : Params) {
                    if (P == "strip-initializers-only")
                      Strip = true;
                    else if (P == "percpu")
                      PerCpu = true;
                    else if (P == "bool")
                      Bool = true;
                    else
                      return false;
                  }
                  MPM.addPass(bpfcov::BPFCov(Strip, PerCpu, Bool));
                  return true;
                });
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK ::llvm::PassPluginLibraryInfo
llvmGetPassPluginInfo() {
  return getBPFCovPluginInfo();
}

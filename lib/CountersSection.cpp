//===-- CountersSection.cpp - Where the pass puts counters and bitmaps ----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// FILE:
//   lib/CountersSection.cpp
//
// DESCRIPTION:
//   The -bpfcov-counters-section option and the one predicate that tells a
//   counter global from program data, in either placement (see the header).
//
// USAGE:
//   opt -load-pass-plugin libBPFCov.so -passes=bpf-cov
//     -bpfcov-counters-section=bss x.ll -o x.bc
//===----------------------------------------------------------------------===//
#include "CountersSection.h"
#include "Compat.h"
#include "bpfcov/Names.h"

#include "llvm/IR/GlobalVariable.h"
#include "llvm/Support/CommandLine.h"

using namespace llvm;

enum CountersSectionKind { CS_Profc, CS_Bss };
static cl::opt<CountersSectionKind> CountersSectionOpt(
    "bpfcov-counters-section",
    cl::desc("Section of the counters and MC/DC bitmaps (default: profc)"),
    cl::values(clEnumValN(CS_Profc, "profc",
                          ".data.profc, a map of its own (default)"),
               clEnumValN(CS_Bss, "bss",
                          ".bss, shared with the program's zeroed globals: "
                          "for loaders that know only .bss, .data and "
                          ".rodata* (cilium/ebpf 0.9)")),
    cl::init(CS_Profc));

StringRef bpfcov::getCountersSection() {
  return isBssCountersEnabled() ? BssCountersSection : CountersSection;
}

bool bpfcov::isBssCountersEnabled() { return CountersSectionOpt == CS_Bss; }

bool bpfcov::isCountersGlobal(const GlobalVariable *GV) {
  if (!GV)
    return false;
  StringRef Section = GV->getSection();
  if (Section == CountersSection)
    return true;
  // In .bss the program's own globals sit beside the counters.
  return Section == BssCountersSection &&
         (compat::startsWith(GV->getName(), CountersPrefix) ||
          compat::startsWith(GV->getName(), BitmapPrefix));
}

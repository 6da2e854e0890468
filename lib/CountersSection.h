//===-- CountersSection.h - Where the pass puts counters and bitmaps ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// By default counters and MC/DC bitmaps get a section of their own,
// .data.profc (bpfcov/Names.h), which libbpf loads as a map of its own.
// -bpfcov-counters-section=bss puts them in .bss instead, for loaders that
// know only .bss, .data and .rodata* (cilium/ebpf 0.9): there they share
// the map with the program's own zero-initialized globals, so a global is a
// counter by its section *and* its __profc_/__profbm_ name.
//
// USAGE: opt ... -passes=bpf-cov -bpfcov-counters-section=bss x.ll
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_COUNTERSSECTION_H
#define BPFCOV_COUNTERSSECTION_H

#include "llvm/ADT/StringRef.h"

namespace llvm {
class GlobalVariable;
} // namespace llvm

namespace bpfcov {

/// The section the pass gives counters and bitmaps (the option's choice).
llvm::StringRef getCountersSection();

/// True if counters go to .bss (-bpfcov-counters-section=bss).
bool isBssCountersEnabled();

/// True if \p GV holds counters or MC/DC bitmaps placed by the pass.
bool isCountersGlobal(const llvm::GlobalVariable *GV);

} // namespace bpfcov

#endif // BPFCOV_COUNTERSSECTION_H

//===-- Counters.h - libbpfcov's pure parts ---------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// What libbpfcov computes without the kernel: the profc value that resets an
// object's counters, the sum of two snapshots (the merged profile of a
// suite's test cases) and the check of a test-case name. libbpfcov.cpp does
// the map I/O; the unit tests (test/libbpfcov) call these directly.
//
// USAGE:
//   std::string Zero; if (resetValue(Profc, Profd, Flags, Zero, Err)) ...
//   if (addProfRawInput(All, Case, Err)) ...
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_LIBBPFCOV_COUNTERS_H
#define BPFCOV_LIBBPFCOV_COUNTERS_H

#include "ProfRaw.h"

#include <cstdint>
#include <string>

namespace bpfcov {

/// The value of profc (the size of \p Profc, its value as read) with every
/// counter at its start value: 0, or 0xFF ("not hit") for bool counters
/// (CovMapFlagByteCounters in \p Flags), whose byte ranges come from the
/// records of \p Profd; a twin's word (CovMapFlagTwinCounters) as in
/// \p Profc; MC/DC bitmaps and padding 0. Returns 0, or -EINVAL with \p Err
/// when a record's counters lie outside profc.
int resetValue(const std::string &Profc, const std::string &Profd,
               uint64_t Flags, std::string &Out, std::string &Err);

/// Adds the snapshot \p From into \p Into (same object: same records):
/// counters summed (wrapping, like the kernel's), bool counters and bitmap
/// bytes OR-ed. An empty \p Into becomes a copy of \p From. Returns 0, or
/// -EINVAL with \p Err when the two are not of one object.
int addProfRawInput(ProfRawInput &Into, const ProfRawInput &From,
                    std::string &Err);

/// "" when \p Name can be a test case (a file name <name>.profraw in the
/// profile directory: 1-128 of [A-Za-z0-9._-], not starting with '.', not
/// "all"), else why not.
std::string checkTestName(const std::string &Name);

} // namespace bpfcov

#endif // BPFCOV_LIBBPFCOV_COUNTERS_H

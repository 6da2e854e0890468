//===-- CoverageMaps.h - bpfcov's maps -> a raw profile's input -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Reads the values of one object's coverage maps (profc, profd, profn,
// covmap: bpfcov/Names.h), as `bpfcov run` pinned them or a dump holds
// them, into the ProfRawInput that writeProfRaw() (ProfRaw.h) lays out.
//
// USAGE:
//   ProfRawInput In;
//   if (parseCoverageMaps(Profc, Profd, Profn, CovMap, In, Err) ||
//       writeProfRaw(In, Out, Err)) ...
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_COVERAGEMAPS_H
#define BPFCOV_CLI_COVERAGEMAPS_H

#include "ProfRaw.h"

#include <cstddef>
#include <string>

namespace bpfcov {

/// The object name in covmap value \p Value (\p Size bytes), or false when
/// the value does not hold bpfcov's magic (not filled in yet).
bool readCovMapObjectName(const unsigned char *Value, size_t Size,
                          std::string &Object);

/// Fills \p In from the values of one object's four maps (key 0 of each,
/// host byte order), validating the covmap magic, version and name, the
/// profd size and every record's counter and bitmap ranges. Counters and
/// bitmap bytes are gathered in record order; per-CPU counter rows
/// (CovMapFlagPerCpu) are summed into one counter each; bool counter bytes
/// (CovMapFlagByteCounters) become 1 (0: hit) or 0 (not hit). Returns 0, or
/// -EINVAL with a message (lower-case, no period) in \p Err.
int parseCoverageMaps(const std::string &Profc, const std::string &Profd,
                      const std::string &Profn, const std::string &CovMap,
                      ProfRawInput &In, std::string &Err);

} // namespace bpfcov

#endif // BPFCOV_CLI_COVERAGEMAPS_H

//===-- CoverageSummary.h - What llvm-cov says was covered ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The summary `bpfcov out` prints: per file and in total, covered/count of
// functions, lines, regions and branches (and MC/DC, from LLVM 19's
// llvm-cov, for --fail-under). Read from `llvm-cov export -summary-only`
// JSON, printed as a table, and checked against --fail-under thresholds.
// Pure: no I/O.
//
// USAGE:
//   CoverageSummary S;
//   if (parseCoverageSummary(Json, S, Err)) ...
//   std::fputs(formatSummaryTable(S).c_str(), stdout);
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_COVERAGESUMMARY_H
#define BPFCOV_CLI_COVERAGESUMMARY_H

#include <cstdint>
#include <string>
#include <vector>

namespace bpfcov {

enum Metric : unsigned {
  M_Functions = 0,
  M_Lines,
  M_Regions,
  M_Branches,
  M_MCDC,
  NumMetrics
};
/// The metrics of the table and of out's -j value (MC/DC is only checked).
constexpr unsigned NumShownMetrics = M_MCDC;
/// "functions", "lines", "regions", "branches", "mcdc" (llvm-cov's JSON
/// keys, and --fail-under's METRIC).
inline constexpr const char *MetricName[NumMetrics] = {
    "functions", "lines", "regions", "branches", "mcdc"};
/// "function", ... as in "line coverage 87.50% (14/16) is below ...".
inline constexpr const char *MetricNoun[NumMetrics] = {
    "function", "line", "region", "branch", "MC/DC"};

/// covered/count of one metric.
struct CoverageCount {
  uint64_t Covered = 0;
  uint64_t Count = 0;
  /// 100 * Covered / Count; 100 when there is nothing to cover.
  double percent() const {
    return Count ? 100.0 * static_cast<double>(Covered) /
                       static_cast<double>(Count)
                 : 100.0;
  }
};

struct FileSummary {
  std::string Filename;
  CoverageCount Counts[NumMetrics];
};

struct CoverageSummary {
  std::vector<FileSummary> Files;
  FileSummary Totals; ///< Filename "TOTAL"
  bool HasMCDC = false; ///< the totals have "mcdc" (llvm-cov 19 and later)
};

/// Reads `llvm-cov export -format=text -summary-only` output: data[0].files[]
/// {filename, summary{functions,lines,regions,branches{count,covered}}} and
/// data[0].totals. A missing metric (e.g. mcdc before LLVM 19) is 0/0.
/// Returns 0, or -EINVAL with \p Err describing what is malformed.
int parseCoverageSummary(const std::string &Json, CoverageSummary &Out,
                         std::string &Err);

/// The text table `out` prints: one row per file (names relative to the
/// files' common directory), then TOTAL. Each cell is covered/count and
/// percent, or "-" for 0/0.
std::string formatSummaryTable(const CoverageSummary &S);

/// One --fail-under: coverage of Which must be >= Percent.
struct FailUnder {
  Metric Which = M_Regions;
  double Percent = 0;
  /// True if the totals of \p S reach Percent (0/0 is 100%).
  bool passes(const CoverageSummary &S) const {
    return S.Totals.Counts[Which].percent() >= Percent;
  }
};

/// Parses "PCT" (regions) or "METRIC:PCT" with METRIC one of MetricName
/// and 0 <= PCT <= 100 (a final '%' allowed). Returns false when malformed.
bool parseFailUnder(const std::string &Arg, FailUnder &F);

/// Parses one --fail-under value: thresholds separated by commas
/// ("lines:80,branches:60"), each as parseFailUnder() reads it, appended
/// to \p List. Returns false (and appends nothing) when any is malformed.
bool parseFailUnders(const std::string &Arg, std::vector<FailUnder> &List);

/// One message for each threshold of \p List that \p S misses, in order:
/// "line coverage 87.50% (14/16) is below --fail-under=lines:90". Empty
/// when every one is met.
std::vector<std::string>
failUnderShortfalls(const CoverageSummary &S,
                    const std::vector<FailUnder> &List);

} // namespace bpfcov

#endif // BPFCOV_CLI_COVERAGESUMMARY_H

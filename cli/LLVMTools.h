//===-- LLVMTools.h - Driving llvm-profdata and llvm-cov --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// What `bpfcov out` needs from LLVM, without linking any LLVM library: the
// raw-profile version -> LLVM major mapping, discovery of the llvm-profdata /
// llvm-cov pair that reads a given raw profile, pure argv builders (unit
// tested), a spawner that captures a tool's output, and a reader for the
// `llvm-cov export -summary-only` JSON. Nothing here prints: errors come back
// as a negative errno plus a message for the caller to report.
//
// USAGE: bpfcov out -f json -o app.json ./app.profraw
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_LLVMTOOLS_H
#define BPFCOV_CLI_LLVMTOOLS_H

#include <cstdint>
#include <string>
#include <vector>

namespace bpfcov {

//===-- Raw profile header ------------------------------------------------===//
//
// Every raw profile starts with two u64 (InstrProfData.inc, RAW_HEADER):
//   off 0  Magic    INSTR_PROF_RAW_MAGIC_64 (or _32), in the producer's order
//   off 8  Version  INSTR_PROF_RAW_VERSION in the low 32 bits, variant flags
//                   (IR, CS, byte coverage, ...) in the high 32 bits

/// INSTR_PROF_RAW_MAGIC_64: "\xfflprofr\x81" as a u64.
inline constexpr uint64_t RawMagic64 = 0xff6c70726f667281ULL;
/// INSTR_PROF_RAW_MAGIC_32: "\xfflprofR\x81" as a u64.
inline constexpr uint64_t RawMagic32 = 0xff6c70726f665281ULL;

/// IndexedInstrProf::Magic, which reads "\xfflprofi\x81" on disk
/// (llvm-profdata's output, .profdata).
inline constexpr uint64_t IndexedMagic = 0x8169666f72706cffULL;

/// True if \p Bytes starts like an indexed profile (.profdata).
bool isIndexedProfile(const std::string &Bytes);

/// Reads the format version (variant bits masked off) from the header of the
/// raw profile \p Bytes, in either byte order. Returns 0, or -EINVAL when
/// \p Bytes is not a raw profile.
int readRawProfileVersion(const std::string &Bytes, uint64_t &Version);

/// The LLVM majors whose llvm-profdata reads one raw-profile version
/// (raw profiles are read only by the exact version that wrote them).
struct LLVMMajorRange {
  unsigned Min = 0; ///< 0: the version is unknown to bpfcov
  unsigned Max = 0; ///< 0 with Min != 0: "Min or later"
  bool isKnown() const { return Min != 0; }
  bool contains(unsigned Major) const {
    return Major >= Min && (Max == 0 || Major <= Max);
  }
  /// "LLVM 14-17", "LLVM 18", "LLVM 23 or later".
  std::string str() const;
};

/// Raw version -> LLVM majors: 8 -> 14-17, 9 -> 18, 10 -> 19-22,
/// 11 -> 23 or later; anything else is unknown (LLVM < 14 is unsupported).
LLVMMajorRange llvmMajorsForRawVersion(uint64_t RawVersion);

/// The major in a tool's `--version` text ("Debian LLVM version 14.0.6"),
/// or 0 when there is none.
unsigned parseLLVMVersionMajor(const std::string &VersionText);

//===-- Tool discovery ----------------------------------------------------===//

/// llvm-profdata and llvm-cov of one LLVM installation.
struct LLVMToolPair {
  std::string ProfData; ///< path of llvm-profdata[-N]
  std::string Cov;      ///< path of llvm-cov[-N] from the same installation
  std::string Origin;   ///< where it was found: "--llvm-bin", "default", ...
  unsigned Major = 0;   ///< LLVM major, 0 when not known (yet)
};

/// Inputs of the search, so that the search order is a pure function.
struct ToolSearch {
  std::string LLVMBin;    ///< --llvm-bin=DIR; when set, the only candidate
  std::string DefaultBin; ///< the LLVM bpfcov was built with
  std::string PathEnv;    ///< $PATH
  std::string SystemRoot = "/usr/lib"; ///< holds llvm-N/bin (Debian, Ubuntu)
  LLVMMajorRange Majors;               ///< what the raw profile needs
};

/// Candidates in search order, without touching the file system:
/// --llvm-bin alone if given; else the default dir, <SystemRoot>/llvm-N/bin
/// for N in Majors (newest first), then on PATH llvm-profdata-N/llvm-cov-N
/// (newest first) and llvm-profdata/llvm-cov.
std::vector<LLVMToolPair> toolCandidates(const ToolSearch &S);

/// argv that prints the version of llvm-profdata: `P merge --version`
/// (LLVM 14's llvm-profdata has no top-level --version).
std::vector<std::string> versionArgv(const std::string &ProfData);

/// Finds the first candidate whose two tools are executable and whose
/// llvm-profdata's major is in S.Majors (an unknown major is accepted only
/// from --llvm-bin). Returns 0, or -ENOENT with \p Err set, naming what is
/// missing and how to fix it.
int findLLVMTools(const ToolSearch &S, uint64_t RawVersion, LLVMToolPair &Out,
                  std::string &Err);

//===-- argv builders (pure) ----------------------------------------------===//

enum class ReportFormat { Html, Json, Lcov };
/// "html", "json", "lcov".
const char *formatName(ReportFormat F);
/// Parses a format name. Returns false when \p S is none of them.
bool parseReportFormat(const std::string &S, ReportFormat &F);

/// A path that no tool can mistake for an option ("-x" -> "./-x").
std::string operandPath(const std::string &Path);

/// `llvm-profdata merge -sparse RAW... -o OUT`
std::vector<std::string> mergeArgv(const std::string &ProfData,
                                   const std::vector<std::string> &ProfRaws,
                                   const std::string &Out);

/// `llvm-cov show -format=html -output-dir=DIR -show-branches=count
///  -show-regions -show-line-counts-or-regions -instr-profile=P OBJ
///  [-object OBJ2...]`
std::vector<std::string> showHtmlArgv(const std::string &Cov,
                                      const std::string &Profile,
                                      const std::vector<std::string> &Objects,
                                      const std::string &OutDir);

/// True if llvm-cov \p Cov has `show -binary-counters` (1/0 instead of
/// counts; LLVM 20+): asks its `show --help`.
bool covHasBinaryCounters(const std::string &Cov);

/// \p Lcov (an LLVM tracefile) with every count above 1 made 1: DA line
/// counts, FNDA function counts, BRDA taken counts. For bool counters, whose
/// regions llvm-cov may still sum (a line reached two ways shows 2).
std::string binaryLcovCounts(const std::string &Lcov);

/// `llvm-cov export -format=text|lcov [-summary-only] -instr-profile=P OBJ
///  [-object OBJ2...]` (Json -> text). The export goes to stdout.
std::vector<std::string> exportArgv(const std::string &Cov, ReportFormat F,
                                    const std::string &Profile,
                                    const std::vector<std::string> &Objects,
                                    bool SummaryOnly);

//===-- Coverage summary --------------------------------------------------===//

enum Metric : unsigned {
  M_Functions = 0,
  M_Lines,
  M_Regions,
  M_Branches,
  NumMetrics
};
/// "functions", "lines", "regions", "branches" (llvm-cov's JSON keys).
inline constexpr const char *MetricName[NumMetrics] = {"functions", "lines",
                                                       "regions", "branches"};

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
};

/// Reads `llvm-cov export -format=text -summary-only` output: data[0].files[]
/// {filename, summary{functions,lines,regions,branches{count,covered}}} and
/// data[0].totals. A missing metric (e.g. branches before LLVM 12) is 0/0.
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
};

/// Parses "PCT" (regions) or "METRIC:PCT" with METRIC one of MetricName
/// and 0 <= PCT <= 100. Returns false when malformed.
bool parseFailUnder(const std::string &Arg, FailUnder &F);

} // namespace bpfcov

#endif // BPFCOV_CLI_LLVMTOOLS_H

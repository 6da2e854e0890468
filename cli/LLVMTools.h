//===-- LLVMTools.h - Driving llvm-profdata and llvm-cov --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// What `bpfcov out` needs from LLVM, without linking any LLVM library:
// discovery of the llvm-profdata / llvm-cov pair that reads a given raw
// profile (the raw version -> LLVM majors table is ProfRaw's), and pure
// argv builders (unit tested). Tools run through Sys's runTool(). Nothing
// here prints: errors come back as a negative errno plus a message for the
// caller to report.
//
// USAGE: bpfcov out -f json -o app.json ./app.profraw
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_LLVMTOOLS_H
#define BPFCOV_CLI_LLVMTOOLS_H

#include "ProfRaw.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bpfcov {

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

enum class ReportFormat { Html, Json, Lcov, Cobertura, Sonarqube };
/// "html", "json", "lcov", "cobertura", "sonarqube".
const char *formatName(ReportFormat F);
/// The default report file's suffix: ".json", ".lcov", ".cobertura.xml",
/// ".sonarqube.xml" ("-report" for the html directory).
const char *formatSuffix(ReportFormat F);
/// True for the formats XmlReports makes from the LCOV export.
bool isXmlFormat(ReportFormat F);
/// Every format name, for messages: "html, json, lcov, cobertura or
/// sonarqube".
std::string formatChoices();
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
///  [-object OBJ2...]` (Json -> text; Lcov and the XML formats -> lcov).
/// The export goes to stdout.
std::vector<std::string> exportArgv(const std::string &Cov, ReportFormat F,
                                    const std::string &Profile,
                                    const std::vector<std::string> &Objects,
                                    bool SummaryOnly);

} // namespace bpfcov

#endif // BPFCOV_CLI_LLVMTOOLS_H

//===-- XmlReports.h - Cobertura and SonarQube XML from LCOV ----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// `bpfcov out -f cobertura|sonarqube`: the LCOV tracefile llvm-cov exports
// (the one `-f lcov` writes, bool counters already made 1/0) converted, so
// that the line and branch numbers of the three formats are the same
// numbers: a line is a DA record (covered when its count is not 0), a
// branch a BRDA record (covered when taken is neither 0 nor '-').
// Pure (no I/O) but for xmlFromLcov, which reads SOURCE_DATE_EPOCH and the
// clock and prints its errors.
//
//   Cobertura (coverage-04.dtd): one package per source directory, one
//   class per file, names relative to the one <source> (the files' common
//   directory):
//     <coverage line-rate lines-covered lines-valid branch-rate
//               branches-covered branches-valid complexity="0"
//               version="bpfcov" timestamp="SECONDS">
//       <sources><source>/src</source></sources>
//       <packages><package name="dir.sub" line-rate branch-rate complexity>
//         <classes><class name="x.c" filename="dir/sub/x.c" ...>
//           <methods/><lines>
//             <line number="6" hits="4" branch="true"
//                   condition-coverage="50% (1/2)"/>
//   SonarQube generic coverage (paths as llvm-cov gives them):
//     <coverage version="1"><file path="/src/x.c">
//       <lineToCover lineNumber="6" covered="true" branchesToCover="2"
//                    coveredBranches="1"/>
//
// USAGE:
//   LcovReport L;
//   if (parseLcov(Tracefile, L, Err)) ...
//   std::string Xml = coberturaXml(L, Timestamp);
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_XMLREPORTS_H
#define BPFCOV_CLI_XMLREPORTS_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bpfcov {

/// What one source line has in the tracefile.
struct LcovLine {
  bool HasCount = false; ///< a DA record: the line is a line to cover
  uint64_t Count = 0;    ///< its execution count
  uint64_t Branches = 0; ///< BRDA records on the line
  uint64_t TakenBranches = 0;
};

struct LcovFile {
  std::string Path;                   ///< SF:
  std::map<uint64_t, LcovLine> Lines; ///< by line number
};

/// The tracefile, files in its order (a file named twice is merged).
struct LcovReport {
  std::vector<LcovFile> Files;
};

/// Reads SF, DA, BRDA and end_of_record of an LCOV tracefile (other records
/// are skipped). Returns 0, or -EINVAL with \p Err naming the line number
/// and what is malformed (also a path XML cannot carry: control
/// characters).
int parseLcov(const std::string &Tracefile, LcovReport &Out, std::string &Err);

/// \p Lcov (llvm-cov's export) as SonarQube's (\p Sonarqube) or Cobertura's
/// XML in \p Xml; Cobertura's timestamp is $SOURCE_DATE_EPOCH when set (for
/// reproducible reports), else now. Returns 0, or 1 after printing the
/// error (a malformed export, a SOURCE_DATE_EPOCH that is no number).
int xmlFromLcov(bool Sonarqube, const std::string &Lcov, std::string &Xml);

/// \p S escaped for an XML (or HTML) attribute value or text.
std::string xmlEscape(const std::string &S);

/// Cobertura XML (coverage-04.dtd) with the given timestamp (seconds).
std::string coberturaXml(const LcovReport &L, uint64_t Timestamp);

/// SonarQube generic coverage XML (version 1).
std::string sonarqubeXml(const LcovReport &L);

} // namespace bpfcov

#endif // BPFCOV_CLI_XMLREPORTS_H

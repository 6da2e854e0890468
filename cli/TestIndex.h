//===-- TestIndex.h - Which test cases hit each line ------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// `bpfcov out --per-test`: each profile is one test case (libbpfcov's
// bpfcov_test_end writes <dir>/<test>.profraw), named after its file. The
// report is still the merge of them all; beside it, an index says which
// cases ran each line: built from each case's LCOV export (XmlReports.h
// reads it), written as JSON and, for an HTML report, as one more page.
//
//   {"tests": ["arp", "icmp_echo"],
//    "files": [{"filename": "/src/xdp.bpf.c",
//               "lines": [{"line": 76, "tests": ["arp", "icmp_echo"]}]}]}
//
// Only lines some case ran are listed; a line no case ran is in the report.
// Pure but for indexTestCases' messages: the tests build an index from
// made-up tracefiles.
//
// USAGE:
//   TestIndex Index;
//   addTestCase(Index, "arp", Lcov);   // once per case, in profile order
//   std::string Json = testIndexJson(Index, Pretty);
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_TESTINDEX_H
#define BPFCOV_CLI_TESTINDEX_H

#include "XmlReports.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace bpfcov {

struct TestIndex {
  std::vector<std::string> Tests; ///< in the order they were added
  /// file -> line -> indices into Tests of the cases that ran it
  std::map<std::string, std::map<uint64_t, std::vector<unsigned>>> Hits;
};

/// The test name of profile \p ProfRaw: its base name without ".profraw".
std::string testCaseName(const std::string &ProfRaw);

/// Adds case \p Name with its LCOV export \p L: every line with a count.
void addTestCase(TestIndex &Index, const std::string &Name,
                 const LcovReport &L);

/// Adds every case of \p ProfRaws (libbpfcov's all.profraw, the merge of
/// the others, is no case) with the LCOV export \p ExportLcov gives for it
/// (0, or non-zero after printing why). Returns 0, or 1 after printing.
int indexTestCases(
    const std::vector<std::string> &ProfRaws,
    const std::function<int(const std::string &, std::string &)> &ExportLcov,
    TestIndex &Index);

/// The index as JSON (see above), compact or indented.
std::string testIndexJson(const TestIndex &Index, bool Pretty);

/// The index as one HTML page: per file, each line some case ran and those
/// cases; every name escaped.
std::string testIndexHtml(const TestIndex &Index);

} // namespace bpfcov

#endif // BPFCOV_CLI_TESTINDEX_H

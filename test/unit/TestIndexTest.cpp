//===-- TestIndexTest.cpp - Which test cases hit each line ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The per-test index of `bpfcov out --per-test` from made-up tracefiles:
// exact JSON and HTML bytes, names from profile paths, libbpfcov's
// all.profraw left out, an export error stopping it.
//===----------------------------------------------------------------------===//
#include "TestIndex.h"

#include <gtest/gtest.h>

using namespace bpfcov;

namespace {

LcovReport lcov(const std::string &Tracefile) {
  LcovReport L;
  std::string Err;
  EXPECT_EQ(parseLcov(Tracefile, L, Err), 0) << Err;
  return L;
}

TEST(TestIndex, CaseNames) {
  EXPECT_EQ(testCaseName("dir/icmp_echo.profraw"), "icmp_echo");
  EXPECT_EQ(testCaseName("arp"), "arp");
}

TEST(TestIndex, JsonListsTheCasesOfEveryRunLine) {
  TestIndex Index;
  addTestCase(Index, "arp", lcov("SF:/s/x.c\nDA:3,1\nDA:4,0\nDA:7,2\n"
                                 "end_of_record\n"));
  addTestCase(Index, "icmp", lcov("SF:/s/x.c\nDA:3,5\nDA:4,1\nDA:7,0\n"
                                  "end_of_record\nSF:/s/a.h\nDA:1,1\n"
                                  "end_of_record\n"));
  EXPECT_EQ(testIndexJson(Index, /*Pretty=*/false),
            "{\"tests\":[\"arp\",\"icmp\"],\"files\":["
            "{\"filename\":\"/s/a.h\",\"lines\":[{\"line\":1,\"tests\":["
            "\"icmp\"]}]},"
            "{\"filename\":\"/s/x.c\",\"lines\":["
            "{\"line\":3,\"tests\":[\"arp\",\"icmp\"]},"
            "{\"line\":4,\"tests\":[\"icmp\"]},"
            "{\"line\":7,\"tests\":[\"arp\"]}]}]}\n");
}

TEST(TestIndex, HtmlEscapesNames) {
  TestIndex Index;
  addTestCase(Index, "a<b>&c", lcov("SF:/s/<x>.c\nDA:2,1\nend_of_record\n"));
  EXPECT_EQ(testIndexHtml(Index),
            "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
            "<title>Test cases per line</title></head><body>\n"
            "<h1>Test cases per line</h1>\n<p>1 test cases: "
            "<code>a&lt;b&gt;&amp;c</code></p>\n"
            "<h2>/s/&lt;x&gt;.c</h2>\n<table>\n"
            "<tr><th>line</th><th>run by</th></tr>\n"
            "<tr><td>2</td><td>a&lt;b&gt;&amp;c</td></tr>\n</table>\n"
            "</body></html>\n");
}

TEST(TestIndex, AllProfrawIsNoCaseAndErrorsStop) {
  TestIndex Index;
  std::vector<std::string> Seen;
  auto Export = [&](const std::string &P, std::string &Lcov) {
    Seen.push_back(P);
    Lcov = "SF:/s/x.c\nDA:1,1\nend_of_record\n";
    return 0;
  };
  ASSERT_EQ(indexTestCases({"d/all.profraw", "d/one.profraw"}, Export, Index),
            0);
  EXPECT_EQ(Seen, std::vector<std::string>{"d/one.profraw"});
  EXPECT_EQ(Index.Tests, std::vector<std::string>{"one"});
  auto Fails = [](const std::string &, std::string &) { return 1; };
  EXPECT_EQ(indexTestCases({"d/two.profraw"}, Fails, Index), 1);
  auto Bad = [](const std::string &, std::string &Lcov) {
    Lcov = "DA:1,1\n"; // a line before any SF
    return 0;
  };
  EXPECT_EQ(indexTestCases({"d/three.profraw"}, Bad, Index), 1);
  EXPECT_EQ(Index.Tests, std::vector<std::string>{"one"});
}

} // namespace

//===-- XmlReportsTest.cpp - Cobertura and SonarQube XML from LCOV --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The LCOV reader (lines and branches as LCOV counts them) and the exact
// bytes of both XML reports; test/cli/out-xml.test validates them against
// coverage-04.dtd and Sonar's schema.
//===----------------------------------------------------------------------===//
#include "XmlReports.h"

#include <cerrno>
#include <gtest/gtest.h>

using namespace bpfcov;

namespace {

// Two files in two directories: /s/a.c has 3 lines (2 hit) and 3 branches
// on line 2 (2 taken, one of them never evaluated: '-'); /s/inc/b&.h has
// one line, hit, no branches.
const char Tracefile[] = "SF:/s/a.c\n"
                         "FN:1,f\n"
                         "FNDA:4,f\n"
                         "DA:1,4\n"
                         "DA:2,4\n"
                         "DA:3,0\n"
                         "BRDA:2,0,0,3\n"
                         "BRDA:2,0,1,1\n"
                         "BRDA:2,0,2,-\n"
                         "BRF:3\n"
                         "BRH:2\n"
                         "LF:3\n"
                         "LH:2\n"
                         "end_of_record\n"
                         "SF:/s/inc/b&.h\n"
                         "DA:7,1\n"
                         "end_of_record\n";

TEST(XmlReports, ParsesLinesAndBranches) {
  LcovReport L;
  std::string Err;
  ASSERT_EQ(parseLcov(Tracefile, L, Err), 0) << Err;
  ASSERT_EQ(L.Files.size(), 2u);
  EXPECT_EQ(L.Files[0].Path, "/s/a.c");
  ASSERT_EQ(L.Files[0].Lines.size(), 3u);
  const LcovLine &Two = L.Files[0].Lines.at(2);
  EXPECT_TRUE(Two.HasCount);
  EXPECT_EQ(Two.Count, 4u);
  EXPECT_EQ(Two.Branches, 3u);
  EXPECT_EQ(Two.TakenBranches, 2u);
  EXPECT_EQ(L.Files[0].Lines.at(3).Count, 0u);
  EXPECT_EQ(L.Files[1].Path, "/s/inc/b&.h");
}

TEST(XmlReports, SameFileTwiceIsMerged) {
  LcovReport L;
  std::string Err;
  ASSERT_EQ(parseLcov("SF:x.c\nDA:1,2\nend_of_record\nSF:x.c\nDA:1,3\n"
                      "DA:2,0\nend_of_record\n",
                      L, Err),
            0)
      << Err;
  ASSERT_EQ(L.Files.size(), 1u);
  EXPECT_EQ(L.Files[0].Lines.at(1).Count, 5u);
  EXPECT_EQ(L.Files[0].Lines.size(), 2u);
}

TEST(XmlReports, RejectsMalformed) {
  const char *Cases[][2] = {
      {"DA:1,1\n", "line 1: DA outside an SF record"},
      {"SF:a\nDA:1\nend_of_record\n", "line 2: malformed DA record 'DA:1'"},
      {"SF:a\nDA:0,1\nend_of_record\n", "line 2: malformed DA record 'DA:0,1'"},
      {"SF:a\nDA:1,x\nend_of_record\n", "line 2: malformed DA record 'DA:1,x'"},
      {"SF:a\nBRDA:1,0,0\nend_of_record\n",
       "line 2: malformed BRDA record 'BRDA:1,0,0'"},
      {"SF:a\nDA:1,1\n", "'a' has no end_of_record at the end"},
      {"SF:a\nSF:b\n", "line 2: SF before the end_of_record of 'a'"},
      {"SF:\n", "line 1: SF without a path"},
      {"SF:a\x01.c\n", "line 1: source path 'a\x01.c' has a control "
                       "character, which XML cannot hold"},
      {"end_of_record\n", "line 1: end_of_record outside an SF record"},
      {"SF:a\nDA:1,1\nBRDA:2,0,0,1\nend_of_record\n",
       "line 4: 'a' has branches on line 2 but no DA record for it"},
  };
  for (const auto &[In, Want] : Cases) {
    LcovReport L;
    std::string Err;
    EXPECT_EQ(parseLcov(In, L, Err), -EINVAL) << In;
    EXPECT_EQ(Err, Want) << In;
  }
}

TEST(XmlReports, CoberturaBytes) {
  LcovReport L;
  std::string Err;
  ASSERT_EQ(parseLcov(Tracefile, L, Err), 0) << Err;
  EXPECT_EQ(
      coberturaXml(L, 1700000000),
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<!DOCTYPE coverage SYSTEM "
      "\"http://cobertura.sourceforge.net/xml/coverage-04.dtd\">\n"
      "<coverage line-rate=\"0.75\" branch-rate=\"0.6667\" "
      "lines-covered=\"3\" lines-valid=\"4\" branches-covered=\"2\" "
      "branches-valid=\"3\" complexity=\"0\" version=\"bpfcov\" "
      "timestamp=\"1700000000\">\n"
      "  <sources>\n"
      "    <source>/s</source>\n"
      "  </sources>\n"
      "  <packages>\n"
      "    <package name=\".\" line-rate=\"0.6667\" branch-rate=\"0.6667\" "
      "complexity=\"0\">\n"
      "      <classes>\n"
      "        <class name=\"a.c\" filename=\"a.c\" line-rate=\"0.6667\" "
      "branch-rate=\"0.6667\" complexity=\"0\">\n"
      "          <methods/>\n"
      "          <lines>\n"
      "            <line number=\"1\" hits=\"4\" branch=\"false\"/>\n"
      "            <line number=\"2\" hits=\"4\" branch=\"true\" "
      "condition-coverage=\"66% (2/3)\"/>\n"
      "            <line number=\"3\" hits=\"0\" branch=\"false\"/>\n"
      "          </lines>\n"
      "        </class>\n"
      "      </classes>\n"
      "    </package>\n"
      "    <package name=\"inc\" line-rate=\"1\" branch-rate=\"1\" "
      "complexity=\"0\">\n"
      "      <classes>\n"
      "        <class name=\"b&amp;.h\" filename=\"inc/b&amp;.h\" "
      "line-rate=\"1\" branch-rate=\"1\" complexity=\"0\">\n"
      "          <methods/>\n"
      "          <lines>\n"
      "            <line number=\"7\" hits=\"1\" branch=\"false\"/>\n"
      "          </lines>\n"
      "        </class>\n"
      "      </classes>\n"
      "    </package>\n"
      "  </packages>\n"
      "</coverage>\n");
}

TEST(XmlReports, CoberturaOfNothing) {
  EXPECT_EQ(coberturaXml(LcovReport(), 0),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<!DOCTYPE coverage SYSTEM "
            "\"http://cobertura.sourceforge.net/xml/coverage-04.dtd\">\n"
            "<coverage line-rate=\"1\" branch-rate=\"1\" lines-covered=\"0\" "
            "lines-valid=\"0\" branches-covered=\"0\" branches-valid=\"0\" "
            "complexity=\"0\" version=\"bpfcov\" timestamp=\"0\">\n"
            "  <sources>\n"
            "    <source>.</source>\n"
            "  </sources>\n"
            "  <packages>\n"
            "  </packages>\n"
            "</coverage>\n");
}

TEST(XmlReports, SonarqubeBytes) {
  LcovReport L;
  std::string Err;
  ASSERT_EQ(parseLcov(Tracefile, L, Err), 0) << Err;
  EXPECT_EQ(sonarqubeXml(L),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<coverage version=\"1\">\n"
            "  <file path=\"/s/a.c\">\n"
            "    <lineToCover lineNumber=\"1\" covered=\"true\"/>\n"
            "    <lineToCover lineNumber=\"2\" covered=\"true\" "
            "branchesToCover=\"3\" coveredBranches=\"2\"/>\n"
            "    <lineToCover lineNumber=\"3\" covered=\"false\"/>\n"
            "  </file>\n"
            "  <file path=\"/s/inc/b&amp;.h\">\n"
            "    <lineToCover lineNumber=\"7\" covered=\"true\"/>\n"
            "  </file>\n"
            "</coverage>\n");
}

} // namespace

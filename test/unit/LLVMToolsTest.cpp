//===-- LLVMToolsTest.cpp - Unit tests of LLVMTools -----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The pure parts behind `bpfcov out`: raw-header reading and the raw
// version -> LLVM mapping (ProfRaw's), tool search order, argv builders,
// the summary JSON reader, the summary table and --fail-under
// (CoverageSummary's); plus Sys's runTool on /bin/sh.
//
// USAGE: build-*/test/unit/bpfcov_unit_tests --gtest_filter='LLVMTools*'
//===----------------------------------------------------------------------===//
#include "CoverageSummary.h"
#include "LLVMTools.h"
#include "ProfRaw.h"
#include "Sys.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <unistd.h>

using namespace bpfcov;
using Argv = std::vector<std::string>;

namespace {

std::string u64LE(uint64_t V) {
  std::string S;
  for (unsigned I = 0; I < 8; ++I)
    S += static_cast<char>((V >> (8 * I)) & 0xff);
  return S;
}

std::string u64BE(uint64_t V) {
  std::string S;
  for (int I = 7; I >= 0; --I)
    S += static_cast<char>((V >> (8 * I)) & 0xff);
  return S;
}

//===-- Raw header --------------------------------------------------------===//

TEST(LLVMToolsRawHeader, MagicBytesAreLlvms) {
  // On disk, little-endian: 81 72 66 6f 72 70 6c ff ("\x81rforpl\xff").
  std::string M = u64LE(RawMagic64);
  EXPECT_EQ(M, std::string("\x81rforpl\xff", 8));
  EXPECT_EQ(u64LE(RawMagic32), std::string("\x81Rforpl\xff", 8));
}

TEST(LLVMToolsRawHeader, ReadsVersion) {
  uint64_t V = 0;
  EXPECT_EQ(readRawProfileVersion(u64LE(RawMagic64) + u64LE(8), V), 0);
  EXPECT_EQ(V, 8u);
  EXPECT_EQ(readRawProfileVersion(u64LE(RawMagic32) + u64LE(10), V), 0);
  EXPECT_EQ(V, 10u);
  // Variant flags (IR-level profile, byte coverage) are not the version.
  EXPECT_EQ(readRawProfileVersion(
                u64LE(RawMagic64) + u64LE((1ULL << 56) | (1ULL << 60) | 9), V),
            0);
  EXPECT_EQ(V, 9u);
  // A big-endian producer.
  EXPECT_EQ(readRawProfileVersion(u64BE(RawMagic64) + u64BE(8), V), 0);
  EXPECT_EQ(V, 8u);
}

TEST(LLVMToolsRawHeader, RejectsOthers) {
  uint64_t V = 77;
  EXPECT_EQ(readRawProfileVersion("", V), -EINVAL);
  EXPECT_EQ(readRawProfileVersion(u64LE(RawMagic64) + "1234567", V), -EINVAL);
  // The indexed-profile magic.
  EXPECT_EQ(readRawProfileVersion(u64LE(IndexedMagic) + u64LE(8), V), -EINVAL);
  EXPECT_EQ(readRawProfileVersion(std::string(16, 'x'), V), -EINVAL);
  EXPECT_TRUE(isIndexedProfile(std::string("\xfflprofi\x81", 8) + u64LE(7)));
  EXPECT_FALSE(isIndexedProfile(u64LE(RawMagic64) + u64LE(8)));
  EXPECT_FALSE(isIndexedProfile("\xfflprof"));
  EXPECT_EQ(V, 77u);
}

//===-- Raw version -> LLVM -----------------------------------------------===//

TEST(LLVMToolsVersions, RawVersionToMajors) {
  LLVMMajorRange R = llvmMajorsForRawVersion(8);
  EXPECT_EQ(R.Min, 14u);
  EXPECT_EQ(R.Max, 17u);
  EXPECT_EQ(R.str(), "LLVM 14-17");
  EXPECT_TRUE(R.contains(14));
  EXPECT_TRUE(R.contains(17));
  EXPECT_FALSE(R.contains(13));
  EXPECT_FALSE(R.contains(18));

  R = llvmMajorsForRawVersion(9);
  EXPECT_EQ(R.str(), "LLVM 18");
  EXPECT_TRUE(R.contains(18));
  EXPECT_FALSE(R.contains(19));

  R = llvmMajorsForRawVersion(10);
  EXPECT_EQ(R.str(), "LLVM 19-22");
  EXPECT_TRUE(R.contains(19));
  EXPECT_TRUE(R.contains(22));
  EXPECT_FALSE(R.contains(23));

  R = llvmMajorsForRawVersion(11);
  EXPECT_EQ(R.str(), "LLVM 23 or later");
  EXPECT_TRUE(R.contains(23));
  EXPECT_TRUE(R.contains(40));
  EXPECT_FALSE(R.contains(22));

  for (uint64_t Unknown : {0u, 5u, 7u, 12u, 99u}) {
    R = llvmMajorsForRawVersion(Unknown);
    EXPECT_FALSE(R.isKnown()) << Unknown;
    EXPECT_EQ(R.str(), "an unknown LLVM");
  }
}

TEST(LLVMToolsVersions, ParsesVersionText) {
  EXPECT_EQ(parseLLVMVersionMajor("Debian LLVM version 14.0.6\n  Optimized "
                                  "build.\n"),
            14u);
  EXPECT_EQ(parseLLVMVersionMajor("LLVM (http://llvm.org/):\n  LLVM version "
                                  "19.1.7\n"),
            19u);
  EXPECT_EQ(parseLLVMVersionMajor("Ubuntu LLVM version 22.0.0git"), 22u);
  EXPECT_EQ(parseLLVMVersionMajor("llvm-profdata: Unknown command!"), 0u);
  EXPECT_EQ(parseLLVMVersionMajor("LLVM version x"), 0u);
  EXPECT_EQ(parseLLVMVersionMajor(""), 0u);
}

//===-- Search order ------------------------------------------------------===//

Argv profdataPaths(const std::vector<LLVMToolPair> &C) {
  Argv Out;
  for (const LLVMToolPair &P : C)
    Out.push_back(P.ProfData);
  return Out;
}

TEST(LLVMToolsSearch, LLVMBinIsTheOnlyCandidate) {
  ToolSearch S;
  S.LLVMBin = "/opt/llvm/bin/";
  S.DefaultBin = "/usr/lib/llvm-14/bin";
  S.PathEnv = "/usr/bin";
  S.Majors = llvmMajorsForRawVersion(8);
  std::vector<LLVMToolPair> C = toolCandidates(S);
  ASSERT_EQ(C.size(), 1u);
  EXPECT_EQ(C[0].ProfData, "/opt/llvm/bin/llvm-profdata");
  EXPECT_EQ(C[0].Cov, "/opt/llvm/bin/llvm-cov");
  EXPECT_EQ(C[0].Origin, "--llvm-bin");
}

TEST(LLVMToolsSearch, Order) {
  ToolSearch S;
  S.DefaultBin = "/usr/lib/llvm-14/bin";
  S.PathEnv = "/usr/local/bin::/usr/bin";
  S.SystemRoot = "/sys-root";
  S.Majors = llvmMajorsForRawVersion(10); // 19-22
  std::vector<LLVMToolPair> C = toolCandidates(S);
  Argv Want = {
      "/usr/lib/llvm-14/bin/llvm-profdata",
      "/sys-root/llvm-22/bin/llvm-profdata",
      "/sys-root/llvm-21/bin/llvm-profdata",
      "/sys-root/llvm-20/bin/llvm-profdata",
      "/sys-root/llvm-19/bin/llvm-profdata",
      "/usr/local/bin/llvm-profdata-22",
      "./llvm-profdata-22",
      "/usr/bin/llvm-profdata-22",
      "/usr/local/bin/llvm-profdata-21",
      "./llvm-profdata-21",
      "/usr/bin/llvm-profdata-21",
      "/usr/local/bin/llvm-profdata-20",
      "./llvm-profdata-20",
      "/usr/bin/llvm-profdata-20",
      "/usr/local/bin/llvm-profdata-19",
      "./llvm-profdata-19",
      "/usr/bin/llvm-profdata-19",
      "/usr/local/bin/llvm-profdata",
      "./llvm-profdata",
      "/usr/bin/llvm-profdata",
  };
  EXPECT_EQ(profdataPaths(C), Want);
  // llvm-cov always comes from the same installation, with the same suffix.
  EXPECT_EQ(C[1].Cov, "/sys-root/llvm-22/bin/llvm-cov");
  EXPECT_EQ(C[1].Major, 22u);
  EXPECT_EQ(C[5].Cov, "/usr/local/bin/llvm-cov-22");
  EXPECT_EQ(C.back().Cov, "/usr/bin/llvm-cov");
  EXPECT_EQ(C.back().Major, 0u);
  EXPECT_EQ(C[0].Origin, "default");
}

TEST(LLVMToolsSearch, EachPathOnce) {
  ToolSearch S;
  S.DefaultBin = "/usr/lib/llvm-15/bin";
  S.PathEnv = "/usr/bin:/usr/bin";
  S.Majors = llvmMajorsForRawVersion(8);
  EXPECT_EQ(
      profdataPaths(toolCandidates(S)),
      (Argv{"/usr/lib/llvm-15/bin/llvm-profdata",
            "/usr/lib/llvm-17/bin/llvm-profdata",
            "/usr/lib/llvm-16/bin/llvm-profdata",
            "/usr/lib/llvm-14/bin/llvm-profdata", "/usr/bin/llvm-profdata-17",
            "/usr/bin/llvm-profdata-16", "/usr/bin/llvm-profdata-15",
            "/usr/bin/llvm-profdata-14", "/usr/bin/llvm-profdata"}));
}

TEST(LLVMToolsSearch, OpenEndedRangeTriesTen) {
  ToolSearch S;
  S.Majors = llvmMajorsForRawVersion(11);
  std::vector<LLVMToolPair> C = toolCandidates(S);
  ASSERT_EQ(C.size(), 10u);
  EXPECT_EQ(C.front().ProfData, "/usr/lib/llvm-32/bin/llvm-profdata");
  EXPECT_EQ(C.back().ProfData, "/usr/lib/llvm-23/bin/llvm-profdata");
}

TEST(LLVMToolsSearch, NotFoundMessage) {
  ToolSearch S;
  S.SystemRoot = "/nonexistent-root";
  S.PathEnv = "/nonexistent-bin";
  S.Majors = llvmMajorsForRawVersion(8);
  LLVMToolPair P;
  std::string Err;
  EXPECT_EQ(findLLVMTools(S, 8, P, Err), -ENOENT);
  EXPECT_EQ(Err, "llvm-profdata for raw profile version 8 (LLVM 14-17) not "
                 "found: apt-get install llvm-14 or pass --llvm-bin=DIR");

  S.LLVMBin = "/nonexistent";
  EXPECT_EQ(findLLVMTools(S, 8, P, Err), -ENOENT);
  EXPECT_EQ(Err, "no executable llvm-profdata and llvm-cov in --llvm-bin "
                 "'/nonexistent': pass the bin directory of an LLVM "
                 "installation");
}

TEST(LLVMToolsSearch, FindsTheConfiguredLLVM) {
  // The LLVM this build uses reads the raw version of its own clang.
  ToolSearch S;
  S.DefaultBin = BPFCOV_LLVM_BIN;
  S.PathEnv = "";
  S.SystemRoot = "/nonexistent-root";
  LLVMToolPair P;
  std::string Err;
  // Its major decides the raw version it reads.
  ToolResult R;
  ASSERT_EQ(
      runTool(versionArgv(std::string(BPFCOV_LLVM_BIN) + "/llvm-profdata"), "",
              R),
      0);
  unsigned Major = parseLLVMVersionMajor(R.Stdout);
  ASSERT_GE(Major, 14u);
  uint64_t Raw = Major <= 17 ? 8 : Major == 18 ? 9 : Major <= 22 ? 10 : 11;
  S.Majors = llvmMajorsForRawVersion(Raw);
  ASSERT_EQ(findLLVMTools(S, Raw, P, Err), 0) << Err;
  EXPECT_EQ(P.ProfData, std::string(BPFCOV_LLVM_BIN) + "/llvm-profdata");
  EXPECT_EQ(P.Cov, std::string(BPFCOV_LLVM_BIN) + "/llvm-cov");
  EXPECT_EQ(P.Major, Major);
  EXPECT_EQ(P.Origin, "default");

  // A raw version it does not read: the default is skipped.
  uint64_t Other = Raw == 8 ? 10 : 8;
  S.Majors = llvmMajorsForRawVersion(Other);
  EXPECT_EQ(findLLVMTools(S, Other, P, Err), -ENOENT);

  // ... and refused with a reason when named by --llvm-bin.
  S.LLVMBin = BPFCOV_LLVM_BIN;
  EXPECT_EQ(findLLVMTools(S, Other, P, Err), -ENOENT);
  EXPECT_NE(Err.find("is LLVM " + std::to_string(Major) +
                     " but raw profile "
                     "version " +
                     std::to_string(Other)),
            std::string::npos)
      << Err;

  // An unknown version is the user's call with --llvm-bin.
  S.Majors = llvmMajorsForRawVersion(99);
  EXPECT_EQ(findLLVMTools(S, 99, P, Err), 0) << Err;
  EXPECT_EQ(P.Origin, "--llvm-bin");
}

//===-- argv builders -----------------------------------------------------===//

TEST(LLVMToolsArgv, Formats) {
  ReportFormat F = ReportFormat::Html;
  EXPECT_TRUE(parseReportFormat("lcov", F));
  EXPECT_EQ(F, ReportFormat::Lcov);
  EXPECT_TRUE(parseReportFormat("json", F));
  EXPECT_EQ(F, ReportFormat::Json);
  EXPECT_TRUE(parseReportFormat("html", F));
  EXPECT_EQ(F, ReportFormat::Html);
  EXPECT_FALSE(parseReportFormat("HTML", F));
  EXPECT_FALSE(parseReportFormat("text", F));
  EXPECT_FALSE(parseReportFormat("", F));
  EXPECT_FALSE(parseReportFormat("xml", F));
  EXPECT_TRUE(parseReportFormat("cobertura", F));
  EXPECT_EQ(F, ReportFormat::Cobertura);
  EXPECT_TRUE(parseReportFormat("sonarqube", F));
  EXPECT_EQ(F, ReportFormat::Sonarqube);
  EXPECT_STREQ(formatName(ReportFormat::Lcov), "lcov");
  EXPECT_STREQ(formatSuffix(ReportFormat::Html), "-report");
  EXPECT_STREQ(formatSuffix(ReportFormat::Cobertura), ".cobertura.xml");
  EXPECT_STREQ(formatSuffix(ReportFormat::Sonarqube), ".sonarqube.xml");
  EXPECT_TRUE(isXmlFormat(ReportFormat::Sonarqube));
  EXPECT_EQ(formatChoices(), "html, json, lcov, cobertura or sonarqube");
  EXPECT_FALSE(isXmlFormat(ReportFormat::Lcov));
}

TEST(LLVMToolsArgv, Merge) {
  EXPECT_EQ(mergeArgv("/b/llvm-profdata", {"a.profraw", "-b.profraw"},
                      "/t/m.profdata"),
            (Argv{"/b/llvm-profdata", "merge", "-sparse", "a.profraw",
                  "./-b.profraw", "-o", "/t/m.profdata"}));
}

TEST(LLVMToolsArgv, ShowHtml) {
  EXPECT_EQ(showHtmlArgv("/b/llvm-cov", "/t/m.profdata", {"x.bpf.obj"}, "r"),
            (Argv{"/b/llvm-cov", "show", "-format=html", "-output-dir=r",
                  "-show-branches=count", "-show-regions",
                  "-show-line-counts-or-regions",
                  "-instr-profile=/t/m.profdata", "x.bpf.obj"}));
  Argv Two = showHtmlArgv("c", "p", {"a.obj", "b.obj", "-c.obj"}, "d");
  EXPECT_EQ(Argv(Two.end() - 5, Two.end()),
            (Argv{"a.obj", "-object", "b.obj", "-object", "./-c.obj"}));
}

TEST(LLVMToolsArgv, Export) {
  EXPECT_EQ(exportArgv("c", ReportFormat::Json, "p", {"a", "b"}, false),
            (Argv{"c", "export", "-format=text", "-instr-profile=p", "a",
                  "-object", "b"}));
  EXPECT_EQ(exportArgv("c", ReportFormat::Lcov, "p", {"a"}, false),
            (Argv{"c", "export", "-format=lcov", "-instr-profile=p", "a"}));
  EXPECT_EQ(exportArgv("c", ReportFormat::Json, "p", {"a"}, true),
            (Argv{"c", "export", "-format=text", "-summary-only",
                  "-instr-profile=p", "a"}));
}

TEST(LLVMToolsArgv, VersionAndShellJoin) {
  EXPECT_EQ(versionArgv("/b/llvm-profdata"),
            (Argv{"/b/llvm-profdata", "merge", "--version"}));
  EXPECT_EQ(
      shellJoin({"/b/llvm-cov", "-instr-profile=/t/p", "a b", "it's", ""}),
      "/b/llvm-cov -instr-profile=/t/p 'a b' 'it'\\''s' ''");
  EXPECT_EQ(operandPath("x"), "x");
  EXPECT_EQ(operandPath("-"), "./-");
  EXPECT_EQ(operandPath(""), "");
}

//===-- runTool -----------------------------------------------------------===//

TEST(LLVMToolsRun, CapturesBothStreamsAndStatus) {
  ToolResult R;
  ASSERT_EQ(runTool({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, "", R),
            0);
  EXPECT_EQ(R.Status, 3);
  EXPECT_EQ(R.Stdout, "out\n");
  EXPECT_EQ(R.Stderr, "err\n");
}

TEST(LLVMToolsRun, LargeOutputsDoNotDeadlock) {
  // 1 MiB on each stream, more than any pipe buffer.
  ToolResult R;
  ASSERT_EQ(runTool({"/bin/sh", "-c",
                     "head -c 1048576 /dev/zero; head -c 1048576 /dev/zero "
                     ">&2"},
                    "", R),
            0);
  EXPECT_EQ(R.Status, 0);
  EXPECT_EQ(R.Stdout.size(), 1048576u);
  EXPECT_EQ(R.Stderr.size(), 1048576u);
}

TEST(LLVMToolsRun, StdoutToFileStdinEmpty) {
  char Path[] = "/tmp/bpfcov-unit-XXXXXX";
  int Fd = mkstemp(Path);
  ASSERT_GE(Fd, 0);
  close(Fd);
  ToolResult R;
  ASSERT_EQ(runTool({"/bin/sh", "-c", "printf 'a\\nb'; cat"}, Path, R), 0);
  EXPECT_EQ(R.Status, 0);
  EXPECT_EQ(R.Stdout, "");
  FILE *F = fopen(Path, "r");
  ASSERT_NE(F, nullptr);
  char Buf[16] = {};
  EXPECT_EQ(fread(Buf, 1, sizeof(Buf), F), 3u);
  fclose(F);
  unlink(Path);
  EXPECT_STREQ(Buf, "a\nb");
}

TEST(LLVMToolsRun, SignalsAndMissingTools) {
  ToolResult R;
  ASSERT_EQ(runTool({"/bin/sh", "-c", "kill -9 $$"}, "", R), 0);
  EXPECT_EQ(R.Status, 128 + 9);
  EXPECT_EQ(runTool({"/nonexistent/llvm-cov"}, "", R), -ENOENT);
  EXPECT_EQ(runTool({}, "", R), -EINVAL);
}

//===-- Summary -----------------------------------------------------------===//

// Trimmed `llvm-cov export -format=text -summary-only` of LLVM 14.
const char SummaryJson[] = R"({"data":[{"files":[
 {"filename":"/src/app/prog.c","summary":{
   "branches":{"count":10,"covered":9,"notcovered":1,"percent":90},
   "functions":{"count":3,"covered":2,"percent":66.666666666666657},
   "instantiations":{"count":3,"covered":2,"percent":66.666666666666657},
   "lines":{"count":14,"covered":13,"percent":92.857142857142861},
   "regions":{"count":17,"covered":15,"notcovered":2,"percent":88.235294117647058}}},
 {"filename":"/src/app/include/h\u00e9.h","summary":{
   "branches":{"count":0,"covered":0,"notcovered":0,"percent":0},
   "functions":{"count":1,"covered":1,"percent":100},
   "lines":{"count":3,"covered":3,"percent":100},
   "regions":{"count":1,"covered":1,"notcovered":0,"percent":100}}}],
 "totals":{
   "branches":{"count":10,"covered":9,"notcovered":1,"percent":90},
   "functions":{"count":4,"covered":3,"percent":75},
   "lines":{"count":17,"covered":16,"percent":94.117647058823536},
   "regions":{"count":18,"covered":16,"notcovered":2,"percent":88.888888888888886}}}],
 "type":"llvm.coverage.json.export","version":"2.0.1"})";

TEST(LLVMToolsSummary, Parses) {
  CoverageSummary S;
  std::string Err;
  ASSERT_EQ(parseCoverageSummary(SummaryJson, S, Err), 0) << Err;
  ASSERT_EQ(S.Files.size(), 2u);
  EXPECT_EQ(S.Files[0].Filename, "/src/app/prog.c");
  EXPECT_EQ(S.Files[1].Filename, "/src/app/include/h\xc3\xa9.h");
  const CoverageCount *C = S.Files[0].Counts;
  EXPECT_EQ(C[M_Functions].Covered, 2u);
  EXPECT_EQ(C[M_Functions].Count, 3u);
  EXPECT_EQ(C[M_Lines].Covered, 13u);
  EXPECT_EQ(C[M_Lines].Count, 14u);
  EXPECT_EQ(C[M_Regions].Covered, 15u);
  EXPECT_EQ(C[M_Regions].Count, 17u);
  EXPECT_EQ(C[M_Branches].Covered, 9u);
  EXPECT_EQ(C[M_Branches].Count, 10u);
  EXPECT_EQ(S.Files[1].Counts[M_Branches].Count, 0u);
  EXPECT_EQ(S.Totals.Filename, "TOTAL");
  EXPECT_EQ(S.Totals.Counts[M_Regions].Covered, 16u);
  EXPECT_EQ(S.Totals.Counts[M_Regions].Count, 18u);
  EXPECT_DOUBLE_EQ(S.Totals.Counts[M_Functions].percent(), 75.0);
  EXPECT_DOUBLE_EQ(S.Files[1].Counts[M_Branches].percent(), 100.0);
}

TEST(LLVMToolsSummary, MissingMetricIsEmpty) {
  // LLVM 11 had no branches.
  CoverageSummary S;
  std::string Err;
  ASSERT_EQ(
      parseCoverageSummary(
          R"({"data":[{"files":[],"totals":{"lines":{"count":2,"covered":1}}}]})",
          S, Err),
      0)
      << Err;
  EXPECT_TRUE(S.Files.empty());
  EXPECT_EQ(S.Totals.Counts[M_Lines].Covered, 1u);
  EXPECT_EQ(S.Totals.Counts[M_Branches].Count, 0u);
}

TEST(LLVMToolsSummary, BigCountsStayExact) {
  CoverageSummary S;
  std::string Err;
  ASSERT_EQ(
      parseCoverageSummary(
          R"({"data":[{"files":[],"totals":{"regions":)"
          R"({"count":18446744073709551615,"covered":9007199254740993}}}]})",
          S, Err),
      0)
      << Err;
  EXPECT_EQ(S.Totals.Counts[M_Regions].Count, 18446744073709551615ULL);
  EXPECT_EQ(S.Totals.Counts[M_Regions].Covered, 9007199254740993ULL);
}

TEST(LLVMToolsSummary, RejectsMalformed) {
  CoverageSummary S;
  std::string Err;
  EXPECT_EQ(parseCoverageSummary("", S, Err), -EINVAL);
  EXPECT_EQ(Err, "unexpected end of input at offset 0");
  EXPECT_EQ(parseCoverageSummary("{\"data\":[]}", S, Err), -EINVAL);
  EXPECT_EQ(Err, "no 'data' array");
  EXPECT_EQ(parseCoverageSummary("{\"data\":[{\"files\":[]}]}", S, Err),
            -EINVAL);
  EXPECT_EQ(Err, "no 'files' array or 'totals' in data[0]");
  EXPECT_EQ(parseCoverageSummary("{\"data\":[1]} x", S, Err), -EINVAL);
  EXPECT_EQ(Err, "trailing characters at offset 13");
  EXPECT_EQ(parseCoverageSummary("{\"data\":[{\"files\":[],\"totals\":{"
                                 "\"lines\":{\"count\":1,\"covered\":2}}}]}",
                                 S, Err),
            -EINVAL);
  EXPECT_EQ(Err, "totals: 'lines' has no valid 'count' and 'covered'");
  EXPECT_EQ(parseCoverageSummary("{\"data\":[{\"files\":[],\"totals\":{"
                                 "\"lines\":{\"count\":-1,\"covered\":0}}}]}",
                                 S, Err),
            -EINVAL);
  EXPECT_EQ(parseCoverageSummary("{\"a\":\"\\q\"}", S, Err), -EINVAL);
  EXPECT_EQ(Err, "invalid escape at offset 8");
  EXPECT_EQ(parseCoverageSummary("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                                 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
                                 S, Err),
            -EINVAL);
  EXPECT_EQ(Err.rfind("nesting too deep", 0), 0u) << Err;
}

TEST(LLVMToolsSummary, Table) {
  CoverageSummary S;
  std::string Err;
  ASSERT_EQ(parseCoverageSummary(SummaryJson, S, Err), 0) << Err;
  EXPECT_EQ(
      formatSummaryTable(S),
      "Filename        Functions          Lines        Regions      Branches\n"
      "prog.c        2/3  66.67%  13/14  92.86%  15/17  88.24%  9/10  90.00%\n"
      "include/h\xc3\xa9.h  1/1 100.00%    3/3 100.00%    1/1 100.00%   0/0    "
      "   -\n"
      "TOTAL         3/4  75.00%  16/17  94.12%  16/18  88.89%  9/10  "
      "90.00%\n");
}

TEST(LLVMToolsSummary, TableOfOneFileShowsItsBaseName) {
  CoverageSummary S;
  S.Files.push_back({"/a/b/c.c", {{1, 2}, {3, 4}, {5, 6}, {0, 0}}});
  S.Totals = {"TOTAL", {{1, 2}, {3, 4}, {5, 6}, {0, 0}}};
  std::string T = formatSummaryTable(S);
  EXPECT_EQ(T.substr(T.find('\n') + 1, 5), "c.c  ");
}

TEST(LLVMToolsSummary, FailUnder) {
  FailUnder F;
  ASSERT_TRUE(parseFailUnder("80", F));
  EXPECT_EQ(F.Which, M_Regions);
  EXPECT_DOUBLE_EQ(F.Percent, 80);
  ASSERT_TRUE(parseFailUnder("lines:92.5", F));
  EXPECT_EQ(F.Which, M_Lines);
  EXPECT_DOUBLE_EQ(F.Percent, 92.5);
  ASSERT_TRUE(parseFailUnder("branches:100%", F));
  EXPECT_EQ(F.Which, M_Branches);
  EXPECT_DOUBLE_EQ(F.Percent, 100);
  ASSERT_TRUE(parseFailUnder("functions:0", F));
  EXPECT_EQ(F.Which, M_Functions);
  ASSERT_TRUE(parseFailUnder("mcdc:50", F));
  EXPECT_EQ(F.Which, M_MCDC);
  for (const char *Bad :
       {"", "x", "101", "-1", "regions:", "region:50", "lines:5x", ":50", "1e2",
        "50:lines", "nan", "lines:80,branches:60", "MCDC:1"})
    EXPECT_FALSE(parseFailUnder(Bad, F)) << Bad;
}

TEST(LLVMToolsSummary, FailUnderLists) {
  std::vector<FailUnder> L;
  ASSERT_TRUE(parseFailUnders("lines:80,branches:60", L));
  ASSERT_TRUE(parseFailUnders("70", L));
  ASSERT_TRUE(parseFailUnders("functions:1,regions:2,mcdc:3%", L));
  ASSERT_EQ(L.size(), 6u);
  const Metric Want[] = {M_Lines,     M_Branches, M_Regions,
                         M_Functions, M_Regions,  M_MCDC};
  const double Pct[] = {80, 60, 70, 1, 2, 3};
  for (size_t I = 0; I < L.size(); ++I) {
    EXPECT_EQ(L[I].Which, Want[I]) << I;
    EXPECT_DOUBLE_EQ(L[I].Percent, Pct[I]) << I;
  }
  // All or nothing: a bad item appends none of the good ones.
  for (const char *Bad : {"lines:80,", ",lines:80", "lines:80,,branches:1",
                          "lines:80,branches:101", "lines:80;branches:60"})
    EXPECT_FALSE(parseFailUnders(Bad, L)) << Bad;
  EXPECT_EQ(L.size(), 6u);
}

TEST(LLVMToolsSummary, FailUnderShortfallsNameEachMetric) {
  CoverageSummary S;
  // functions 2/3, lines 14/16, regions 14/16, branches 9/10, mcdc 1/4.
  S.Totals = {"TOTAL", {{2, 3}, {14, 16}, {14, 16}, {9, 10}, {1, 4}}};
  std::vector<FailUnder> L;
  ASSERT_TRUE(parseFailUnders(
      "functions:66,lines:87.5,regions:87.5,branches:90,mcdc:25", L));
  EXPECT_TRUE(failUnderShortfalls(S, L).empty());
  // Each metric short alone, then all at once in the order given.
  const char *Alone[][2] = {
      {"functions:67",
       "function coverage 66.67% (2/3) is below --fail-under=functions:67"},
      {"lines:87.6",
       "line coverage 87.50% (14/16) is below --fail-under=lines:87.6"},
      {"87.51",
       "region coverage 87.50% (14/16) is below --fail-under=regions:87.51"},
      {"branches:90.5",
       "branch coverage 90.00% (9/10) is below --fail-under=branches:90.5"},
      {"mcdc:26", "MC/DC coverage 25.00% (1/4) is below --fail-under=mcdc:26"},
  };
  std::vector<std::string> All;
  std::vector<FailUnder> Every = L;
  for (const auto &[Arg, Msg] : Alone) {
    std::vector<FailUnder> One = L;
    ASSERT_TRUE(parseFailUnders(Arg, One));
    ASSERT_TRUE(parseFailUnders(Arg, Every));
    EXPECT_EQ(failUnderShortfalls(S, One), std::vector<std::string>{Msg});
    All.push_back(Msg);
  }
  EXPECT_EQ(failUnderShortfalls(S, Every), All);
}

TEST(LLVMToolsSummary, McdcOnlyFromLLVM19) {
  CoverageSummary S;
  std::string Err;
  ASSERT_EQ(parseCoverageSummary(
                R"({"data":[{"files":[],"totals":{"lines":{"count":2,)"
                R"("covered":1}}}]})",
                S, Err),
            0)
      << Err;
  EXPECT_FALSE(S.HasMCDC);
  ASSERT_EQ(parseCoverageSummary(
                R"({"data":[{"files":[],"totals":{"mcdc":{"count":4,)"
                R"("covered":3,"notcovered":1,"percent":75}}}]})",
                S, Err),
            0)
      << Err;
  EXPECT_TRUE(S.HasMCDC);
  EXPECT_EQ(S.Totals.Counts[M_MCDC].Covered, 3u);
  EXPECT_EQ(S.Totals.Counts[M_MCDC].Count, 4u);
}

} // namespace

TEST(BinaryLcov, ClampsCountsToOne) {
  EXPECT_EQ("SF:a.h\nFN:3,f\nFNDA:1,f\nFNDA:0,g\nDA:3,1\nDA:4,0\nDA:5,1\n"
            "BRDA:3,0,0,1\nBRDA:3,0,1,-\nBRDA:3,0,2,0\nLH:2\nend_of_record\n",
            binaryLcovCounts("SF:a.h\nFN:3,f\nFNDA:7,f\nFNDA:0,g\nDA:3,2\n"
                             "DA:4,0\nDA:5,1\nBRDA:3,0,0,12\nBRDA:3,0,1,-\n"
                             "BRDA:3,0,2,0\nLH:2\nend_of_record\n"));
  EXPECT_EQ("DA:1,1", binaryLcovCounts("DA:1,100"));
  EXPECT_EQ("", binaryLcovCounts(""));
}

TEST(LLVMToolsSummary, FailUnderPasses) {
  CoverageSummary S;
  S.Totals = {"TOTAL", {{2, 3}, {3, 4}, {0, 0}, {1, 1}}};
  FailUnder F;
  ASSERT_TRUE(parseFailUnder("functions:66.66", F));
  EXPECT_TRUE(F.passes(S));
  ASSERT_TRUE(parseFailUnder("functions:66.67", F));
  EXPECT_FALSE(F.passes(S)); // 66.666...%
  ASSERT_TRUE(parseFailUnder("lines:75", F));
  EXPECT_TRUE(F.passes(S));
  ASSERT_TRUE(parseFailUnder("regions:100", F));
  EXPECT_TRUE(F.passes(S)); // nothing to cover passes
}

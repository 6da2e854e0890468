//===-- LLVMTools.cpp - Driving llvm-profdata and llvm-cov ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Tool discovery and argv builders behind `bpfcov out` (see LLVMTools.h).
// Only the discovery touches the system (through Sys); everything else is
// pure and covered by test/unit/LLVMToolsTest.cpp.
//
// USAGE: bpfcov out --llvm-bin=/usr/lib/llvm-14/bin ./app.profraw
//===----------------------------------------------------------------------===//
#include "LLVMTools.h"

#include "Sys.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace bpfcov {

//===-- Versions ----------------------------------------------------------===//

unsigned parseLLVMVersionMajor(const std::string &VersionText) {
  static const char Key[] = "LLVM version ";
  size_t Pos = VersionText.find(Key);
  if (Pos == std::string::npos)
    return 0;
  Pos += sizeof(Key) - 1;
  unsigned Major = 0;
  size_t Digits = 0;
  while (Pos < VersionText.size() && Digits < 4 && VersionText[Pos] >= '0' &&
         VersionText[Pos] <= '9') {
    Major = Major * 10 + (VersionText[Pos++] - '0');
    ++Digits;
  }
  return Digits ? Major : 0;
}

//===-- Tool discovery ----------------------------------------------------===//

/// The majors of \p R to try, newest first ("or later" tries ten).
static std::vector<unsigned> majorsNewestFirst(const LLVMMajorRange &R) {
  std::vector<unsigned> Out;
  if (!R.isKnown())
    return Out;
  unsigned Max = R.Max ? R.Max : R.Min + 9;
  for (unsigned N = Max; N >= R.Min; --N)
    Out.push_back(N);
  return Out;
}

std::vector<LLVMToolPair> toolCandidates(const ToolSearch &S) {
  std::vector<LLVMToolPair> Out;
  auto AddDir = [&Out](const std::string &Dir, const std::string &Suffix,
                       const std::string &Origin, unsigned Major) {
    LLVMToolPair P{joinPath(Dir, "llvm-profdata" + Suffix),
                   joinPath(Dir, "llvm-cov" + Suffix), Origin, Major};
    for (const LLVMToolPair &Have : Out)
      if (Have.ProfData == P.ProfData)
        return; // e.g. the default dir is /usr/lib/llvm-N/bin
    Out.push_back(std::move(P));
  };
  if (!S.LLVMBin.empty()) {
    AddDir(S.LLVMBin, "", "--llvm-bin", 0);
    return Out;
  }
  if (!S.DefaultBin.empty())
    AddDir(S.DefaultBin, "", "default", 0);
  std::vector<unsigned> Majors = majorsNewestFirst(S.Majors);
  for (unsigned N : Majors)
    AddDir(joinPath(S.SystemRoot, "llvm-" + std::to_string(N) + "/bin"), "",
           "llvm-" + std::to_string(N), N);
  // PATH (an empty entry means the current directory).
  std::vector<std::string> Dirs = splitSearchPath(S.PathEnv);
  for (unsigned N : Majors)
    for (const std::string &Dir : Dirs)
      AddDir(Dir, "-" + std::to_string(N), "PATH", N);
  for (const std::string &Dir : Dirs)
    AddDir(Dir, "", "PATH", 0);
  return Out;
}

std::vector<std::string> versionArgv(const std::string &ProfData) {
  return {ProfData, "merge", "--version"};
}

int findLLVMTools(const ToolSearch &S, uint64_t RawVersion, LLVMToolPair &Out,
                  std::string &Err) {
  const std::string Need = "raw profile version " + std::to_string(RawVersion) +
                           " (" + S.Majors.str() + ")";
  for (LLVMToolPair C : toolCandidates(S)) {
    bool FromUser = C.Origin == "--llvm-bin";
    if (!isExecutableFile(C.ProfData) || !isExecutableFile(C.Cov)) {
      if (FromUser) {
        Err = "no executable llvm-profdata and llvm-cov in --llvm-bin '" +
              S.LLVMBin + "': pass the bin directory of an LLVM installation";
        return -ENOENT;
      }
      continue;
    }
    ToolResult R;
    // Trust what the tool says over the directory name.
    if (runTool(versionArgv(C.ProfData), "", R) == 0 && R.Status == 0)
      if (unsigned Major = parseLLVMVersionMajor(R.Stdout + R.Stderr))
        C.Major = Major;
    if (FromUser) {
      if (C.Major && S.Majors.isKnown() && !S.Majors.contains(C.Major)) {
        Err = "'" + C.ProfData + "' is LLVM " + std::to_string(C.Major) +
              " but raw profile version " + std::to_string(RawVersion) +
              " needs " + S.Majors.str() + ": pass another --llvm-bin";
        return -ENOENT;
      }
      Out = C;
      return 0;
    }
    if (C.Major && S.Majors.contains(C.Major)) {
      Out = C;
      return 0;
    }
  }
  Err = "llvm-profdata for " + Need + " not found: apt-get install llvm-" +
        std::to_string(S.Majors.Min) + " or pass --llvm-bin=DIR";
  return -ENOENT;
}

//===-- argv builders -----------------------------------------------------===//

namespace {
/// The one table of report formats: name (-f), default file suffix, and
/// whether XmlReports makes it from the LCOV export.
struct FormatInfo {
  ReportFormat Format;
  const char *Name;
  const char *Suffix;
  bool FromLcov;
};
constexpr FormatInfo Formats[] = {
    {ReportFormat::Html, "html", "-report", false},
    {ReportFormat::Json, "json", ".json", false},
    {ReportFormat::Lcov, "lcov", ".lcov", false},
    {ReportFormat::Cobertura, "cobertura", ".cobertura.xml", true},
    {ReportFormat::Sonarqube, "sonarqube", ".sonarqube.xml", true},
};

const FormatInfo &formatInfo(ReportFormat F) {
  for (const FormatInfo &I : Formats)
    if (I.Format == F)
      return I;
  return Formats[0];
}
} // namespace

const char *formatName(ReportFormat F) { return formatInfo(F).Name; }

const char *formatSuffix(ReportFormat F) { return formatInfo(F).Suffix; }

bool isXmlFormat(ReportFormat F) { return formatInfo(F).FromLcov; }

std::string formatChoices() {
  std::string Out;
  const size_t N = sizeof(Formats) / sizeof(Formats[0]);
  for (size_t I = 0; I < N; ++I)
    Out += std::string(I == 0       ? ""
                       : I + 1 == N ? " or "
                                    : ", ") +
           Formats[I].Name;
  return Out;
}

bool parseReportFormat(const std::string &S, ReportFormat &F) {
  for (const FormatInfo &I : Formats)
    if (S == I.Name) {
      F = I.Format;
      return true;
    }
  return false;
}

std::string operandPath(const std::string &Path) {
  return !Path.empty() && Path[0] == '-' ? "./" + Path : Path;
}

/// OBJ [-object OBJ2...]: llvm-cov's way of naming several binaries.
static void appendObjects(std::vector<std::string> &Argv,
                          const std::vector<std::string> &Objects) {
  for (size_t I = 0; I < Objects.size(); ++I) {
    if (I)
      Argv.push_back("-object");
    Argv.push_back(operandPath(Objects[I]));
  }
}

std::vector<std::string> mergeArgv(const std::string &ProfData,
                                   const std::vector<std::string> &ProfRaws,
                                   const std::string &Out) {
  std::vector<std::string> Argv = {ProfData, "merge", "-sparse"};
  for (const std::string &P : ProfRaws)
    Argv.push_back(operandPath(P));
  Argv.push_back("-o");
  Argv.push_back(Out);
  return Argv;
}

std::vector<std::string> showHtmlArgv(const std::string &Cov,
                                      const std::string &Profile,
                                      const std::vector<std::string> &Objects,
                                      const std::string &OutDir) {
  std::vector<std::string> Argv = {Cov,
                                   "show",
                                   "-format=html",
                                   "-output-dir=" + OutDir,
                                   "-show-branches=count",
                                   "-show-regions",
                                   "-show-line-counts-or-regions",
                                   "-instr-profile=" + Profile};
  appendObjects(Argv, Objects);
  return Argv;
}

std::string binaryLcovCounts(const std::string &Lcov) {
  // The count's field: DA:<line>,<count>  FNDA:<count>,<name>
  // BRDA:<line>,<block>,<branch>,<taken or ->.
  auto Clamp = [](std::string &Line, size_t Begin, size_t End) {
    if (End == std::string::npos)
      End = Line.size();
    if (Begin >= End ||
        Line.find_first_not_of("0123456789", Begin) < End)
      return;
    if (Line.find_first_not_of('0', Begin) < End)
      Line.replace(Begin, End - Begin, "1");
  };
  std::string Out;
  std::istringstream In(Lcov);
  for (std::string Line; std::getline(In, Line);) {
    if (Line.rfind("DA:", 0) == 0) {
      size_t Comma = Line.find(',');
      if (Comma != std::string::npos)
        Clamp(Line, Comma + 1, Line.find(',', Comma + 1));
    } else if (Line.rfind("FNDA:", 0) == 0) {
      Clamp(Line, 5, Line.find(','));
    } else if (Line.rfind("BRDA:", 0) == 0) {
      size_t Last = Line.rfind(',');
      if (Last != std::string::npos)
        Clamp(Line, Last + 1, std::string::npos);
    }
    Out += Line + "\n";
  }
  if (!Lcov.empty() && Lcov.back() != '\n')
    Out.pop_back();
  return Out;
}

bool covHasBinaryCounters(const std::string &Cov) {
  ToolResult R;
  return runTool({Cov, "show", "--help"}, "", R) == 0 && R.Status == 0 &&
         R.Stdout.find("-binary-counters") != std::string::npos;
}

std::vector<std::string> exportArgv(const std::string &Cov, ReportFormat F,
                                    const std::string &Profile,
                                    const std::vector<std::string> &Objects,
                                    bool SummaryOnly) {
  std::vector<std::string> Argv = {
      Cov, "export", F == ReportFormat::Json ? "-format=text" : "-format=lcov"};
  if (SummaryOnly)
    Argv.push_back("-summary-only");
  Argv.push_back("-instr-profile=" + Profile);
  appendObjects(Argv, Objects);
  return Argv;
}

} // namespace bpfcov

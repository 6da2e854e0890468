//===-- LLVMTools.cpp - Driving llvm-profdata and llvm-cov ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Raw-version -> LLVM mapping, tool discovery, argv builders, spawning and
// the summary-JSON reader behind `bpfcov out` (see LLVMTools.h). Only the
// discovery and runTool touch the system; everything else is pure and
// covered by test/unit/LLVMToolsTest.cpp.
//
// USAGE: bpfcov out --llvm-bin=/usr/lib/llvm-14/bin ./app.profraw
//===----------------------------------------------------------------------===//
#include "LLVMTools.h"

#include "Json.h"
#include "Sys.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sstream>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace bpfcov {

//===-- Raw profile header ------------------------------------------------===//

static uint64_t readU64LE(const std::string &Bytes, size_t Off) {
  uint64_t V = 0;
  for (unsigned I = 0; I < 8; ++I)
    V |= static_cast<uint64_t>(static_cast<unsigned char>(Bytes[Off + I]))
         << (8 * I);
  return V;
}

bool isIndexedProfile(const std::string &Bytes) {
  return Bytes.size() >= 8 && readU64LE(Bytes, 0) == IndexedMagic;
}

int readRawProfileVersion(const std::string &Bytes, uint64_t &Version) {
  if (Bytes.size() < 16)
    return -EINVAL;
  uint64_t Magic = readU64LE(Bytes, 0);
  uint64_t V = readU64LE(Bytes, 8);
  if (Magic == __builtin_bswap64(RawMagic64) ||
      Magic == __builtin_bswap64(RawMagic32))
    V = __builtin_bswap64(V); // a big-endian producer
  else if (Magic != RawMagic64 && Magic != RawMagic32)
    return -EINVAL;
  // GET_VERSION(): the high 32 bits hold variant flags.
  Version = V & 0xffffffffULL;
  return 0;
}

std::string LLVMMajorRange::str() const {
  if (!isKnown())
    return "an unknown LLVM";
  std::string S = "LLVM " + std::to_string(Min);
  if (Max == 0)
    return S + " or later";
  if (Max != Min)
    S += "-" + std::to_string(Max);
  return S;
}

LLVMMajorRange llvmMajorsForRawVersion(uint64_t RawVersion) {
  // From each release's InstrProfData.inc (INSTR_PROF_RAW_VERSION):
  //   8: LLVM 14..17 (relative counter pointers, binary IDs)
  //   9: LLVM 18     (MC/DC bitmap bytes in the header and records)
  //  10: LLVM 19..22 (vtable names and records for type profiling)
  //  11: LLVM 23..   (uniform counters)
  switch (RawVersion) {
  case 8:
    return {14, 17};
  case 9:
    return {18, 18};
  case 10:
    return {19, 22};
  case 11:
    return {23, 0};
  default:
    return {};
  }
}

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

const char *formatName(ReportFormat F) {
  switch (F) {
  case ReportFormat::Html:
    return "html";
  case ReportFormat::Json:
    return "json";
  case ReportFormat::Lcov:
    return "lcov";
  }
  return "?";
}

bool parseReportFormat(const std::string &S, ReportFormat &F) {
  for (ReportFormat C :
       {ReportFormat::Html, ReportFormat::Json, ReportFormat::Lcov})
    if (S == formatName(C)) {
      F = C;
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
      Cov, "export", F == ReportFormat::Lcov ? "-format=lcov" : "-format=text"};
  if (SummaryOnly)
    Argv.push_back("-summary-only");
  Argv.push_back("-instr-profile=" + Profile);
  appendObjects(Argv, Objects);
  return Argv;
}

/// Reads {count, covered} of one metric; 0/0 when the metric is absent.
static bool readCount(const JsonValue &Summary, Metric M, CoverageCount &C,
                      std::string &Err) {
  C = CoverageCount();
  const JsonValue *V = Summary.get(MetricName[M]);
  if (!V)
    return true;
  const JsonValue *Count = V->get("count");
  const JsonValue *Covered = V->get("covered");
  if (!Count || !Covered || !Count->IsUInt || !Covered->IsUInt ||
      Covered->UInt > Count->UInt) {
    Err = std::string("'") + MetricName[M] +
          "' has no valid 'count' and 'covered'";
    return false;
  }
  C.Count = Count->UInt;
  C.Covered = Covered->UInt;
  return true;
}

static bool readSummary(const JsonValue &Summary, FileSummary &F,
                        std::string &Err) {
  if (Summary.K != JsonValue::Object) {
    Err = "'summary' is not an object";
    return false;
  }
  for (unsigned M = 0; M < NumMetrics; ++M)
    if (!readCount(Summary, static_cast<Metric>(M), F.Counts[M], Err))
      return false;
  return true;
}

int parseCoverageSummary(const std::string &Json, CoverageSummary &Out,
                         std::string &Err) {
  Out = CoverageSummary();
  JsonValue Root;
  if (!parseJson(Json, Root, Err))
    return -EINVAL;
  const JsonValue *Data = Root.get("data");
  if (!Data || Data->K != JsonValue::Array || Data->Arr.empty()) {
    Err = "no 'data' array";
    return -EINVAL;
  }
  // llvm-cov export writes one element covering every object.
  const JsonValue &D = Data->Arr[0];
  const JsonValue *Files = D.get("files");
  const JsonValue *Totals = D.get("totals");
  if (!Files || Files->K != JsonValue::Array || !Totals) {
    Err = "no 'files' array or 'totals' in data[0]";
    return -EINVAL;
  }
  for (const JsonValue &F : Files->Arr) {
    FileSummary FS;
    const JsonValue *Name = F.get("filename");
    const JsonValue *Summary = F.get("summary");
    if (!Name || Name->K != JsonValue::String || !Summary) {
      Err = "a file without 'filename' or 'summary'";
      return -EINVAL;
    }
    FS.Filename = Name->Str;
    if (!readSummary(*Summary, FS, Err)) {
      Err = "'" + FS.Filename + "': " + Err;
      return -EINVAL;
    }
    Out.Files.push_back(std::move(FS));
  }
  Out.Totals.Filename = "TOTAL";
  if (!readSummary(*Totals, Out.Totals, Err)) {
    Err = "totals: " + Err;
    return -EINVAL;
  }
  return 0;
}

//===-- Summary table -----------------------------------------------------===//

/// Length of the directory prefix (with its '/') shared by all \p Names.
static size_t commonDirPrefix(const std::vector<FileSummary> &Files) {
  if (Files.empty())
    return 0;
  std::string Prefix = Files[0].Filename;
  size_t Slash = Prefix.rfind('/');
  Prefix = Slash == std::string::npos ? "" : Prefix.substr(0, Slash + 1);
  for (const FileSummary &F : Files) {
    while (!Prefix.empty() && F.Filename.compare(0, Prefix.size(), Prefix)) {
      Prefix.pop_back(); // drop the '/', then back to the previous one
      size_t S = Prefix.rfind('/');
      Prefix = S == std::string::npos ? "" : Prefix.substr(0, S + 1);
    }
  }
  return Prefix.size();
}

/// Columns on a terminal: UTF-8 continuation bytes take none.
static size_t displayWidth(const std::string &S) {
  size_t W = 0;
  for (unsigned char C : S)
    W += (C & 0xc0) != 0x80;
  return W;
}

static std::string pad(const std::string &S, size_t Width, bool Right) {
  size_t W = displayWidth(S);
  if (W >= Width)
    return S;
  std::string Fill(Width - W, ' ');
  return Right ? Fill + S : S + Fill;
}

std::string formatSummaryTable(const CoverageSummary &S) {
  static const char *Header[NumMetrics] = {"Functions", "Lines", "Regions",
                                           "Branches"};
  const size_t PctWidth = 7; // "100.00%"
  size_t Cut = commonDirPrefix(S.Files);
  std::vector<const FileSummary *> Rows;
  for (const FileSummary &F : S.Files)
    Rows.push_back(&F);
  Rows.push_back(&S.Totals);
  auto Name = [&](const FileSummary *F) {
    return F == &S.Totals ? F->Filename : F->Filename.substr(Cut);
  };
  auto Frac = [](const CoverageCount &C) {
    return std::to_string(C.Covered) + "/" + std::to_string(C.Count);
  };
  auto Pct = [](const CoverageCount &C) {
    char Buf[32];
    if (!C.Count)
      return std::string("-");
    std::snprintf(Buf, sizeof(Buf), "%.2f%%", C.percent());
    return std::string(Buf);
  };

  // Each metric is two right-aligned columns, covered/count and percent,
  // under one header.
  size_t NameWidth = displayWidth("Filename");
  size_t FracWidth[NumMetrics];
  for (unsigned M = 0; M < NumMetrics; ++M)
    FracWidth[M] = 0;
  for (const FileSummary *F : Rows) {
    NameWidth = std::max(NameWidth, displayWidth(Name(F)));
    for (unsigned M = 0; M < NumMetrics; ++M)
      FracWidth[M] = std::max(FracWidth[M], Frac(F->Counts[M]).size());
  }
  for (unsigned M = 0; M < NumMetrics; ++M)
    FracWidth[M] = std::max(FracWidth[M],
                            std::strlen(Header[M]) -
                                std::min(std::strlen(Header[M]), PctWidth + 1));

  std::string Out = pad("Filename", NameWidth, /*Right=*/false);
  for (unsigned M = 0; M < NumMetrics; ++M)
    Out += "  " + pad(Header[M], FracWidth[M] + 1 + PctWidth, /*Right=*/true);
  Out += "\n";
  for (const FileSummary *F : Rows) {
    std::string Line = pad(Name(F), NameWidth, /*Right=*/false);
    for (unsigned M = 0; M < NumMetrics; ++M)
      Line += "  " + pad(Frac(F->Counts[M]), FracWidth[M], true) + " " +
              pad(Pct(F->Counts[M]), PctWidth, true);
    Out += Line + "\n";
  }
  return Out;
}

bool parseFailUnder(const std::string &Arg, FailUnder &F) {
  std::string Num = Arg;
  F.Which = M_Regions;
  size_t Colon = Arg.find(':');
  if (Colon != std::string::npos) {
    std::string Name = Arg.substr(0, Colon);
    unsigned M = 0;
    while (M < NumMetrics && Name != MetricName[M])
      ++M;
    if (M == NumMetrics)
      return false;
    F.Which = static_cast<Metric>(M);
    Num = Arg.substr(Colon + 1);
  }
  if (!Num.empty() && Num.back() == '%')
    Num.pop_back();
  if (Num.empty() || Num.find_first_not_of("0123456789.") != std::string::npos)
    return false;
  char *End = nullptr;
  double P = std::strtod(Num.c_str(), &End);
  if (*End != '\0' || !(P >= 0 && P <= 100))
    return false;
  F.Percent = P;
  return true;
}

} // namespace bpfcov

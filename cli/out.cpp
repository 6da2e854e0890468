//===-- out.cpp - bpfcov out: raw profiles -> coverage reports ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Merges raw profiles with the llvm-profdata that reads their version, then
// has the llvm-cov of the same LLVM write an HTML directory, a JSON export or
// an LCOV tracefile (which XmlReports turns into Cobertura or SonarQube
// XML), and prints a per-file summary. The report appears only
// when complete (written beside its target, then renamed). Option parsing,
// validation and file handling live here; LLVMTools.cpp knows the tools.
//
// USAGE: bpfcov out -f html -o report ./app.profraw
//===----------------------------------------------------------------------===//
#include "Args.h"
#include "Commands.h"
#include "CoverageSummary.h"
#include "Diag.h"
#include "Json.h"
#include "LLVMTools.h"
#include "NotInstrumented.h"
#include "ProfRaw.h"
#include "ProfileInputs.h"
#include "SafeFs.h"
#include "Sys.h"
#include "TestIndex.h"
#include "XmlReports.h"

#include <argp.h>
#include <cerrno>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#ifndef BPFCOV_DEFAULT_LLVM_BIN
#define BPFCOV_DEFAULT_LLVM_BIN ""
#endif

using namespace bpfcov;

namespace {

/// The file that marks a directory as an html report bpfcov wrote: only
/// such a directory (or an empty one) is replaced by the next report.
constexpr char ReportMarker[] = ".bpfcov-report";
constexpr char ReportMarkerText[] =
    "This directory is a report of 'bpfcov out': the next 'bpfcov out' "
    "with this -o replaces it whole.\n";
/// Exit status when coverage is below a --fail-under threshold.
constexpr int ExitFailUnder = 2;

const char OutUsage[] =
    "Usage: %s [-f FORMAT] [-o PATH] [--object=OBJ]... [--llvm-bin=DIR]\n"
    "                  [--fail-under=[METRIC:]PCT[,...]]... PROFRAW "
    "[PROFRAW...]\n"
    "       FORMAT := { html | json | lcov | cobertura | sonarqube }\n"
    "       METRIC := { regions | lines | branches | functions | mcdc }\n";

/// The help text around the raw versions (ProfRaw's table).
const char OutDocHead[] =
    "Merge raw profiles (from 'bpfcov gen', or from any program built with "
    "clang -fprofile-instr-generate -fcoverage-mapping) with llvm-profdata, "
    "write a coverage report with llvm-cov and print a per-file summary."
    "\v"
    "Objects: llvm-cov reads the coverage mapping from the objects; by "
    "default, for each PROFRAW, the <name>.bpf.obj (or <name>.obj) beside it "
    "for every object name 'bpfcov gen' recorded in it, else "
    "<stem>.bpf.obj for <stem>.profraw.\n"
    "\n"
    "Default PATH, with <stem> the first PROFRAW's name without .profraw: "
    "html: ./<stem>-report/ (a directory; a report bpfcov wrote there, "
    "marked by .bpfcov-report, or an empty directory is replaced, any other "
    "directory refused), json: ./<stem>.json (llvm-cov export -format=text), "
    "lcov: "
    "./<stem>.lcov (llvm-cov export -format=lcov), cobertura: "
    "./<stem>.cobertura.xml (Cobertura XML, coverage-04.dtd), sonarqube: "
    "./<stem>.sonarqube.xml (SonarQube generic coverage); the XML formats "
    "have the lines and branches of the lcov export. '-o -' writes any but "
    "html to stdout and the summary to stderr.\n"
    "\n"
    "Tools: llvm-profdata and llvm-cov of an LLVM that reads the profiles' "
    "raw version (";
const char OutDocTail[] =
    "), searched in "
    "--llvm-bin, in the LLVM bpfcov was built with, in /usr/lib/llvm-N/bin, "
    "then on PATH (llvm-profdata-N, llvm-profdata).\n"
    "\n"
    "Exit status: 0, 1 on error, 2 when a covered/total percentage is below "
    "its --fail-under threshold (each one short is named; a metric with "
    "nothing to cover passes; mcdc needs llvm-cov 19 or later).";

enum OutKey : int {
  KeyObject = 0x100,
  KeyLLVMBin,
  KeyFailUnder,
  KeyPerTest,
};

const argp_option OutOptions[] = {
    {"format", 'f', "FORMAT", 0,
     "Report format: html (default), json, lcov, cobertura, sonarqube", 0},
    {"output", 'o', "PATH", 0,
     "Report directory (html) or file (the others); '-' for stdout", 0},
    {"object", KeyObject, "OBJ", 0,
     "Object with the coverage mapping (repeatable; replaces the default)", 0},
    {"llvm-bin", KeyLLVMBin, "DIR", 0,
     "Use llvm-profdata and llvm-cov from DIR", 0},
    {"fail-under", KeyFailUnder, "[METRIC:]PCT[,...]", 0,
     "Exit 2 when METRIC coverage (default: regions) is below PCT percent; "
     "several METRIC:PCT separated by commas, or repeated",
     0},
    {"per-test", KeyPerTest, nullptr, 0,
     "Each PROFRAW is one test case, named after its file: also write which "
     "cases ran each line (tests.json and tests.html in an html report, "
     "<output>.tests.json beside the others)",
     0},
    ARGS_HELP_OPTIONS("Show this help", "Show the usage line"),
    {nullptr, 0, nullptr, 0, nullptr, 0},
};

struct OutArgs {
  ReportFormat Format = ReportFormat::Html;
  std::string Output;
  std::vector<std::string> Objects;
  std::string LLVMBin;
  std::vector<FailUnder> FailUnders;
  std::vector<std::string> ProfRaws;
  bool PerTest = false; ///< --per-test
};

error_t parseOut(int Key, char *Arg, argp_state *State) {
  auto *O = static_cast<OutArgs *>(State->input);
  switch (Key) {
  case 'f':
    if (!parseReportFormat(Arg, O->Format)) {
      return argsError(State, "unknown format '%s': use %s", Arg,
                       formatChoices().c_str());
    }
    break;
  case 'o':
    if (!*Arg) {
      return argsError(State, "empty output path: give -o PATH");
    }
    O->Output = Arg;
    break;
  case KeyObject:
    O->Objects.push_back(Arg);
    break;
  case KeyLLVMBin:
    O->LLVMBin = Arg;
    break;
  case KeyFailUnder: {
    if (!parseFailUnders(Arg, O->FailUnders)) {
      return argsError(State,
                       "invalid --fail-under '%s': use PCT or METRIC:PCT, "
                       "several separated by commas, with METRIC one of "
                       "regions, lines, branches, functions, mcdc and PCT in "
                       "0..100",
                       Arg);
    }
    break;
  }
  case KeyPerTest:
    O->PerTest = true;
    break;
  case ARGP_KEY_ARG:
    O->ProfRaws.push_back(Arg);
    break;
  default:
    return ARGP_ERR_UNKNOWN;
  }
  return 0;
}

const argp &outArgp() {
  static const std::string Doc =
      OutDocHead + knownProfRawVersions() + OutDocTail;
  static const argp A = {OutOptions,  parseOut, "PROFRAW [PROFRAW...]",
                         Doc.c_str(), nullptr,  nullptr,
                         nullptr};
  return A;
}

//===-- Running the tools -------------------------------------------------===//

/// The signal (SIGINT, SIGTERM, SIGHUP) that asked us to stop, or 0. The
/// tool running then gets it too (same process group) or finishes; either
/// way we stop at the next step, and the temporaries are removed on the way
/// out.
volatile sig_atomic_t Interrupted = 0;

void onStopSignal(int Sig) { Interrupted = Sig; }

void catchStopSignals() {
  struct sigaction SA = {};
  SA.sa_handler = onStopSignal;
  sigemptyset(&SA.sa_mask);
  for (int Sig : {SIGINT, SIGTERM, SIGHUP})
    sigaction(Sig, &SA, nullptr);
}

/// Runs one tool; forwards its warnings, reports its failure. Returns 0 or
/// a negative errno (after printing the error).
int runChecked(const std::vector<std::string> &Argv,
               const std::string &StdoutPath, ToolResult &R) {
  pDebug(1, "running: %s", shellJoin(Argv).c_str());
  std::string Tool = baseName(Argv[0]);
  if (Argv.size() > 1)
    Tool += " " + Argv[1];
  if (int Err = runTool(Argv, StdoutPath, R)) {
    pErr("cannot run '%s': %s", Argv[0].c_str(), std::strerror(-Err));
    return Err;
  }
  if (Interrupted) {
    pErr("interrupted by signal %d: no report written", int(Interrupted));
    return -EINTR;
  }
  std::string Msg = R.Stderr;
  while (!Msg.empty() && (Msg.back() == '\n' || Msg.back() == ' '))
    Msg.pop_back();
  if (R.Status != 0) {
    // A crashing tool adds a stack dump: its first lines say enough.
    size_t Cut = 0;
    for (unsigned Line = 0; Line < 8 && Cut != std::string::npos; ++Line)
      Cut = Msg.find('\n', Cut ? Cut + 1 : 0);
    if (Cut != std::string::npos)
      Msg = Msg.substr(0, Cut) + "\n[...]";
    pErr("%s failed (exit status %d)%s%s", Tool.c_str(), R.Status,
         Msg.empty() ? "" : ": ", Msg.c_str());
    return -EIO;
  }
  // Warnings (e.g. "N functions have mismatched data") matter to the user;
  // llvm-cov repeats them for the report and the summary: say them once.
  static std::set<std::string> Said;
  std::istringstream Lines(Msg);
  for (std::string Line; std::getline(Lines, Line);)
    if (Said.insert(Line).second)
      pInfo("%s: %s", Tool.c_str(), Line.c_str());
  return 0;
}

//===-- Output ------------------------------------------------------------===//

/// {"covered", "count", "percent"} of one metric (percent null for 0/0).
void jsonCount(JsonWriter &W, const CoverageCount &C) {
  W.beginObject();
  W.memberUInt("covered", C.Covered);
  W.memberUInt("count", C.Count);
  W.key("percent");
  C.Count ? W.number("%.2f", C.percent()) : W.null();
  W.endObject();
}

void jsonMetrics(JsonWriter &W, const FileSummary &F) {
  for (unsigned M = 0; M < NumShownMetrics; ++M) {
    W.key(MetricName[M]);
    jsonCount(W, F.Counts[M]);
  }
}

void jsonStrings(JsonWriter &W, const std::vector<std::string> &List) {
  W.beginArray();
  for (const std::string &S : List)
    W.string(S);
  W.endArray();
}

/// Copies \p Path to stdout. Returns 0 or -errno.
int catFile(const std::string &Path) {
  std::string Bytes;
  if (int Err = readFile(Path, Bytes))
    return Err;
  // A closed pipe is an error to report (and clean up after), not death.
  std::signal(SIGPIPE, SIG_IGN);
  if (std::fwrite(Bytes.data(), 1, Bytes.size(), stdout) != Bytes.size() ||
      std::fflush(stdout) != 0)
    return -EIO;
  return 0;
}

/// What `out` did, for the two printers below.
struct OutResult {
  const OutArgs &O;
  const std::vector<std::string> &Profiles;
  const std::vector<std::string> &Objects;
  const LLVMToolPair &Tools;
  uint64_t RawVersion;
  bool ByteCoverage; ///< the counts are hit (1) / not hit (0)
  const CoverageSummary &Summary;
  bool ReportOnStdout;
  std::string TestIndex; ///< --per-test: the index's JSON file
  const std::vector<NotInstrumented> &NotInstr; ///< not in the report
};

/// -j: one JSON value on stdout (see docs/bpfcov-out.md).
void printResultJson(const OutResult &R) {
  JsonWriter W(Globals.Pretty);
  W.beginObject();
  W.member("format", formatName(R.O.Format));
  W.member("output", R.O.Output);
  W.key("profiles");
  jsonStrings(W, R.Profiles);
  W.key("objects");
  jsonStrings(W, R.Objects);
  W.member("llvm_profdata", R.Tools.ProfData);
  W.member("llvm_cov", R.Tools.Cov);
  W.memberUInt("raw_version", R.RawVersion);
  W.member("counters", R.ByteCoverage ? "bool" : "counts");
  if (!R.TestIndex.empty())
    W.member("test_index", R.TestIndex);
  W.key("files");
  W.beginArray();
  for (const FileSummary &F : R.Summary.Files) {
    W.beginObject();
    W.member("filename", F.Filename);
    jsonMetrics(W, F);
    W.endObject();
  }
  W.endArray();
  W.key("totals");
  W.beginObject();
  jsonMetrics(W, R.Summary.Totals);
  W.endObject();
  W.key("not_instrumented");
  jsonNotInstrumented(W, R.NotInstr);
  W.key("fail_under");
  W.beginArray();
  bool Passed = true;
  for (const FailUnder &F : R.O.FailUnders) {
    double Pct = R.Summary.Totals.Counts[F.Which].percent();
    Passed &= F.passes(R.Summary);
    W.beginObject();
    W.member("metric", MetricName[F.Which]);
    W.key("min");
    W.number("%g", F.Percent);
    W.key("percent");
    W.number("%.2f", Pct);
    W.memberBool("passed", F.passes(R.Summary));
    W.endObject();
  }
  W.endArray();
  W.memberBool("passed", Passed);
  W.endObject();
  std::printf("%s\n", W.str().c_str());
}

/// The summary table where the report is not (stdout, or stderr under
/// -o -), where the report went, and each failed --fail-under.
void printResultPlain(const OutResult &R) {
  FILE *Table = R.ReportOnStdout ? stderr : stdout;
  std::fputs(formatSummaryTable(R.Summary).c_str(), Table);
  if (R.ByteCoverage)
    std::fputs("Bool counters: every count is hit (1) or not hit (0), never "
               "how often\n",
               Table);
  std::fputs(formatNotInstrumented(R.NotInstr).c_str(), Table);
  std::fflush(Table);
  if (!R.ReportOnStdout)
    pInfo("%s report written to '%s'", formatName(R.O.Format),
          R.O.Format == ReportFormat::Html
              ? joinPath(R.O.Output, "index.html").c_str()
              : R.O.Output.c_str());
  if (!R.TestIndex.empty())
    pInfo("test index written to '%s'", R.TestIndex.c_str());
  for (const std::string &Short :
       failUnderShortfalls(R.Summary, R.O.FailUnders))
    pErr("%s", Short.c_str());
}

/// Everything after option parsing. Returns the exit status; temporaries
/// are removed (TempPath) on every way out.
int runOut(OutArgs &O) {
  if (O.ProfRaws.empty()) {
    pErr("missing PROFRAW: give one or more raw profiles (see '%s --help')",
         Globals.Program.c_str());
    return 1;
  }
  bool ToStdout = O.Output == "-";
  if (ToStdout && O.Format == ReportFormat::Html) {
    pErr("-o - is for json, lcov, cobertura and sonarqube: an html report "
         "is a directory");
    return 1;
  }
  if (ToStdout && O.PerTest) {
    pErr("--per-test writes its index beside the report: give -o PATH");
    return 1;
  }
  if (ToStdout && Globals.Json) {
    pErr("-o - writes the report to stdout, where --json writes its value: "
         "give -o PATH");
    return 1;
  }
  if (O.Output.empty()) {
    std::string Stem = profileStem(O.ProfRaws[0]);
    O.Output = Stem + formatSuffix(O.Format);
  }
  // Keep "dir/" and "dir" the same target.
  while (O.Output.size() > 1 && O.Output.back() == '/')
    O.Output.pop_back();

  // STEP 1: the profiles and the raw version they share.
  std::vector<Profile> Profiles;
  if (readProfiles(O.ProfRaws, Profiles))
    return 1;
  uint64_t RawVersion = Profiles[0].Version;
  LLVMMajorRange Majors = llvmMajorsForRawVersion(RawVersion);
  if (!Majors.isKnown() && O.LLVMBin.empty()) {
    const std::vector<ProfRawVersion> &Known = profRawVersions();
    pErr("'%s' has raw profile version %" PRIu64 ", unknown to bpfcov (it "
         "knows %" PRIu64 " to %" PRIu64 ", LLVM %u and later): pass "
         "--llvm-bin=DIR with the llvm-profdata that reads it",
         Profiles[0].Path.c_str(), RawVersion, Known.front().Version,
         Known.back().Version, Known.front().Majors.Min);
    return 1;
  }

  // STEP 2: the objects with the coverage mapping.
  std::vector<std::string> Objects;
  if (findObjects(O.Objects, Profiles, Objects))
    return 1;

  // STEP 2b: the functions the pass left without counters.
  std::vector<NotInstrumented> NotInstr;
  if (readNotInstrumented(Objects, NotInstr))
    return 1;

  // STEP 3: the tools of an LLVM that reads this raw version.
  ToolSearch Search;
  Search.LLVMBin = O.LLVMBin;
  Search.DefaultBin = BPFCOV_DEFAULT_LLVM_BIN;
  if (const char *Path = std::getenv("PATH"))
    Search.PathEnv = Path;
  Search.Majors = Majors;
  LLVMToolPair Tools;
  std::string Err;
  if (findLLVMTools(Search, RawVersion, Tools, Err)) {
    pErr("%s", Err.c_str());
    return 1;
  }
  pDebug(1, "using '%s' and '%s' (LLVM %u, %s)", Tools.ProfData.c_str(),
         Tools.Cov.c_str(), Tools.Major, Tools.Origin.c_str());

  // STEP 4: merge into a scratch directory.
  TempPath Work;
  const char *TmpDir = std::getenv("TMPDIR");
  if (int E = makeTemp(TmpDir && *TmpDir ? TmpDir : "/tmp", "bpfcov-out",
                       /*IsDir=*/true, Work)) {
    pErr("cannot create a temporary directory: %s", std::strerror(-E));
    return 1;
  }
  std::string ProfData = joinPath(Work.Path, "merged.profdata");
  ToolResult R;
  std::vector<std::string> RawPaths;
  for (const Profile &P : Profiles)
    RawPaths.push_back(P.Path);
  if (runChecked(mergeArgv(Tools.ProfData, RawPaths, ProfData), "", R))
    return 1;

  // STEP 5: the report, complete in a temporary beside its target.
  bool IsDir = O.Format == ReportFormat::Html;
  TempPath Report;
  // A device or FIFO (-o /dev/stdout) is written through, not replaced.
  OutputKind Kind = OutputKind::Replace;
  if (!ToStdout && (IsDir ? checkReplaceableDir(O.Output, ReportMarker)
                          : classifyOutput(O.Output, Kind)))
    return 1;
  if (ToStdout || Kind == OutputKind::WriteThrough) {
    Report.Path = joinPath(Work.Path, "report");
  } else if (int E = makeTemp(dirName(O.Output), baseName(O.Output), IsDir,
                              Report)) {
    pErr("cannot create a temporary %s beside '%s': %s",
         IsDir ? "directory" : "file", O.Output.c_str(), std::strerror(-E));
    return 1;
  }
  bool ByteCoverage = Profiles[0].ByteCoverage;
  if (IsDir) {
    std::vector<std::string> Show =
        showHtmlArgv(Tools.Cov, ProfData, Objects, Report.Path);
    // Hit/not hit, shown as 1/0 where llvm-cov can (LLVM 20+).
    if (ByteCoverage && covHasBinaryCounters(Tools.Cov))
      Show.push_back("-binary-counters");
    if (runChecked(Show, "", R))
      return 1;
    if (addNotInstrumentedPage(Report.Path, NotInstr))
      return 1;
    if (int E = writeMarker(Report.Path, ReportMarker, ReportMarkerText)) {
      pErr("cannot write '%s' in the report: %s", ReportMarker,
           std::strerror(-E));
      return 1;
    }
  } else if (runChecked(exportArgv(Tools.Cov, O.Format, ProfData, Objects,
                                   /*SummaryOnly=*/false),
                        Report.Path, R)) {
    return 1;
  }
  // Bool counters: LCOV says hit (1) or not (0), never a sum of regions;
  // the XML formats are that LCOV, converted.
  bool IsXml = isXmlFormat(O.Format);
  if ((ByteCoverage && O.Format == ReportFormat::Lcov) || IsXml) {
    std::string Lcov;
    int E = readFile(Report.Path, Lcov);
    if (E) {
      pErr("cannot read the lcov export '%s': %s", Report.Path.c_str(),
           std::strerror(-E));
      return 1;
    }
    if (ByteCoverage)
      Lcov = binaryLcovCounts(Lcov);
    std::string Bytes = Lcov;
    if (IsXml && xmlFromLcov(O.Format == ReportFormat::Sonarqube, Lcov, Bytes))
      return 1;
    if ((E = rewriteOwnFile(Report.Path, Bytes))) {
      pErr("cannot rewrite the %s report '%s': %s", formatName(O.Format),
           Report.Path.c_str(), std::strerror(-E));
      return 1;
    }
  }

  // STEP 5b: --per-test: which cases ran each line, from each case's own
  // LCOV export.
  std::string TestIndexBytes;
  if (O.PerTest) {
    TestIndex Index;
    unsigned N = 0;
    auto ExportCase = [&](const std::string &ProfRaw, std::string &Lcov) {
      std::string Case = joinPath(Work.Path, "case" + std::to_string(N++));
      if (runChecked(mergeArgv(Tools.ProfData, {ProfRaw}, Case + ".profdata"),
                     "", R) ||
          runChecked(exportArgv(Tools.Cov, ReportFormat::Lcov,
                                Case + ".profdata", Objects,
                                /*SummaryOnly=*/false),
                     Case + ".lcov", R))
        return 1;
      if (int E = readFile(Case + ".lcov", Lcov)) {
        pErr("cannot read the lcov export of '%s': %s", ProfRaw.c_str(),
             std::strerror(-E));
        return 1;
      }
      if (ByteCoverage)
        Lcov = binaryLcovCounts(Lcov);
      return 0;
    };
    if (indexTestCases(RawPaths, ExportCase, Index))
      return 1;
    TestIndexBytes = testIndexJson(Index, /*Pretty=*/true);
    int E = IsDir ? writeMarker(Report.Path, "tests.json", TestIndexBytes) : 0;
    if (!E && IsDir)
      E = writeMarker(Report.Path, "tests.html", testIndexHtml(Index));
    if (E) {
      pErr("cannot write the test index in the report: %s", std::strerror(-E));
      return 1;
    }
  }

  // STEP 6: the summary.
  if (runChecked(exportArgv(Tools.Cov, ReportFormat::Json, ProfData, Objects,
                            /*SummaryOnly=*/true),
                 "", R))
    return 1;
  CoverageSummary Summary;
  if (parseCoverageSummary(R.Stdout, Summary, Err)) {
    pErr("cannot read the summary of llvm-cov export: %s", Err.c_str());
    return 1;
  }

  for (const FailUnder &F : O.FailUnders)
    if (F.Which == M_MCDC && !Summary.HasMCDC) {
      pErr("--fail-under=mcdc: llvm-cov %u reports no MC/DC coverage (LLVM "
           "19 and later do, for objects built with -fcoverage-mcdc): drop "
           "the mcdc threshold",
           Tools.Major);
      return 1;
    }
  warnUnprofiledObjects(Profiles, Objects);
  const CoverageCount &Funcs = Summary.Totals.Counts[M_Functions];
  if (Funcs.Count > 0 && Funcs.Covered == 0)
    pWarn("not one of the %" PRIu64 " functions ran according to the "
          "profiles: are the objects (--object) the ones they were written "
          "for?",
          Funcs.Count);

  // STEP 7: publish, then report.
  if (Interrupted) {
    pErr("interrupted by signal %d: no report written", int(Interrupted));
    return 1;
  }
  if (ToStdout) {
    if (int E = catFile(Report.Path)) {
      pErr("cannot write the report to stdout: %s", std::strerror(-E));
      return 1;
    }
  } else if (Kind == OutputKind::WriteThrough) {
    std::string Bytes;
    if (int E = readFile(Report.Path, Bytes)) {
      pErr("cannot read the report: %s", std::strerror(-E));
      return 1;
    }
    if (writeOutputFile(O.Output, Bytes))
      return 1;
  } else if (publishTemp(Report, O.Output, IsDir)) {
    return 1;
  }
  std::string IndexPath;
  if (O.PerTest)
    IndexPath = IsDir ? joinPath(O.Output, "tests.json")
                      : O.Output + ".tests.json";
  if (O.PerTest && !IsDir && writeOutputFile(IndexPath, TestIndexBytes))
    return 1;

  OutResult Res{O,          RawPaths, Objects,  Tools,     RawVersion,
                ByteCoverage, Summary,  ToStdout, IndexPath, NotInstr};
  bool Passed = true;
  for (const FailUnder &F : O.FailUnders)
    Passed &= F.passes(Summary);
  if (Globals.Json)
    printResultJson(Res);
  else
    printResultPlain(Res);
  return Passed ? 0 : ExitFailUnder;
}

} // namespace

int bpfcov::doOut(int Argc, char **Argv) {
  OutArgs O;
  const Subcommand Out = {&outArgp(), 0, /*OwnHelp=*/true, OutUsage};
  if (int Exit = parseSubcommand(Out, Argc, Argv, &O); Exit != ArgsOk)
    return Exit;
  catchStopSignals();
  int Status = runOut(O);
  return Interrupted ? 128 + Interrupted : Status;
}

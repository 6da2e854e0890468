//===-- out.cpp - bpfcov out: raw profiles -> coverage reports ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Merges raw profiles with the llvm-profdata that reads their version, then
// has the llvm-cov of the same LLVM write an HTML directory, a JSON export or
// an LCOV tracefile, and prints a per-file summary. The report appears only
// when complete (written beside its target, then renamed). Option parsing,
// validation and file handling live here; LLVMTools.cpp knows the tools.
//
// USAGE: bpfcov out -f html -o report ./app.profraw
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "Diag.h"
#include "Json.h"
#include "LLVMTools.h"
#include "ProfRaw.h"
#include "SafeFs.h"

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
/// Exit status when coverage is below a --fail-under threshold.
constexpr int ExitFailUnder = 2;
/// "region coverage ...".
const char *const MetricNoun[NumMetrics] = {"function", "line", "region",
                                            "branch"};

const char OutUsage[] =
    "Usage: %s [-f FORMAT] [-o PATH] [--object=OBJ]... [--llvm-bin=DIR]\n"
    "                  [--fail-under=[METRIC:]PCT]... PROFRAW [PROFRAW...]\n"
    "       FORMAT := { html | json | lcov }\n"
    "       METRIC := { regions | lines | branches | functions }\n";

const char OutDoc[] =
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
    "directory refused), json: ./<stem>.json (llvm-cov export -format=text), lcov: "
    "./<stem>.lcov (llvm-cov export -format=lcov). '-o -' writes json or lcov "
    "to stdout and the summary to stderr.\n"
    "\n"
    "Tools: llvm-profdata and llvm-cov of an LLVM that reads the profiles' "
    "raw version (8: LLVM 14-17, 9: 18, 10: 19-22, 11: 23+), searched in "
    "--llvm-bin, in the LLVM bpfcov was built with, in /usr/lib/llvm-N/bin, "
    "then on PATH (llvm-profdata-N, llvm-profdata).\n"
    "\n"
    "Exit status: 0, 1 on error, 2 when a covered/total percentage is below "
    "its --fail-under threshold (a metric with nothing to cover passes).";

enum OutKey : int {
  KeyObject = 0x100,
  KeyLLVMBin,
  KeyFailUnder,
  KeyUsage,
};

const argp_option OutOptions[] = {
    {"format", 'f', "FORMAT", 0, "Report format: html (default), json, lcov",
     0},
    {"output", 'o', "PATH", 0,
     "Report directory (html) or file (json, lcov); '-' for stdout", 0},
    {"object", KeyObject, "OBJ", 0,
     "Object with the coverage mapping (repeatable; replaces the default)", 0},
    {"llvm-bin", KeyLLVMBin, "DIR", 0,
     "Use llvm-profdata and llvm-cov from DIR", 0},
    {"fail-under", KeyFailUnder, "[METRIC:]PCT", 0,
     "Exit 2 when METRIC coverage (default: regions) is below PCT percent "
     "(repeatable)",
     0},
    {"help", 'h', nullptr, 0, "Show this help", -1},
    {"usage", KeyUsage, nullptr, 0, "Show the usage line", -1},
    {nullptr, 0, nullptr, 0, nullptr, 0},
};

struct OutArgs {
  ReportFormat Format = ReportFormat::Html;
  std::string Output;
  std::vector<std::string> Objects;
  std::string LLVMBin;
  std::vector<FailUnder> FailUnders;
  std::vector<std::string> ProfRaws;
  int Help = 0; ///< 1: --help, 2: --usage
};

error_t parseOut(int Key, char *Arg, argp_state *State) {
  auto *O = static_cast<OutArgs *>(State->input);
  switch (Key) {
  case 'f':
    if (!parseReportFormat(Arg, O->Format)) {
      pErr("unknown format '%s': use html, json or lcov", Arg);
      return EINVAL;
    }
    break;
  case 'o':
    if (!*Arg) {
      pErr("empty output path: give -o PATH");
      return EINVAL;
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
    FailUnder F;
    if (!parseFailUnder(Arg, F)) {
      pErr("invalid --fail-under '%s': use PCT or METRIC:PCT with METRIC one "
           "of regions, lines, branches, functions and PCT in 0..100",
           Arg);
      return EINVAL;
    }
    O->FailUnders.push_back(F);
    break;
  }
  case 'h':
    O->Help = 1;
    break;
  case KeyUsage:
    O->Help = 2;
    break;
  case ARGP_KEY_ARG:
    O->ProfRaws.push_back(Arg);
    break;
  default:
    return ARGP_ERR_UNKNOWN;
  }
  return 0;
}

const argp OutArgp = {OutOptions, parseOut, "PROFRAW [PROFRAW...]",
                      OutDoc,     nullptr,  nullptr,
                      nullptr};

int doHelp(int Which) {
  if (Globals.Json) {
    std::printf("null\n");
    return 0;
  }
  std::printf(OutUsage, Globals.Program.c_str());
  if (Which == 1) {
    std::printf("\n");
    std::fflush(stdout);
    argp_help(&OutArgp, stdout,
              ARGP_HELP_PRE_DOC | ARGP_HELP_LONG | ARGP_HELP_POST_DOC,
              const_cast<char *>(Globals.Program.c_str()));
  }
  return 0;
}

//===-- Paths and files ---------------------------------------------------===//

std::string joinPath(const std::string &Dir, const std::string &Name) {
  if (Dir == ".")
    return Name;
  return Dir.back() == '/' ? Dir + Name : Dir + "/" + Name;
}

/// `dir/app.profraw` -> `app`.
std::string profileStem(const std::string &ProfRaw) {
  std::string Base = baseName(ProfRaw);
  static const char Ext[] = ".profraw";
  size_t N = sizeof(Ext) - 1;
  if (Base.size() > N && Base.compare(Base.size() - N, N, Ext) == 0)
    Base.resize(Base.size() - N);
  return Base;
}

bool exists(const std::string &Path, struct stat *St = nullptr) {
  struct stat S;
  return ::stat(Path.c_str(), St ? St : &S) == 0;
}

int readFile(const std::string &Path, std::string &Out) {
  int Fd = ::open(Path.c_str(), O_RDONLY | O_CLOEXEC);
  if (Fd < 0)
    return -errno;
  struct stat St;
  if (::fstat(Fd, &St) != 0 || S_ISDIR(St.st_mode)) {
    int Err = S_ISDIR(St.st_mode) ? -EISDIR : -errno;
    ::close(Fd);
    return Err;
  }
  Out.clear();
  char Buf[65536];
  while (true) {
    ssize_t N = ::read(Fd, Buf, sizeof(Buf));
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0) {
      int Err = N < 0 ? -errno : 0;
      ::close(Fd);
      return Err;
    }
    Out.append(Buf, static_cast<size_t>(N));
  }
}

/// Replaces the contents of our own temporary \p Path. Returns 0 or -errno.
int rewriteFile(const std::string &Path, const std::string &Bytes) {
  int Fd = ::open(Path.c_str(), O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
  if (Fd < 0)
    return -errno;
  size_t Done = 0;
  while (Done < Bytes.size()) {
    ssize_t N = ::write(Fd, Bytes.data() + Done, Bytes.size() - Done);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0) {
      int Err = N < 0 ? -errno : -EIO;
      ::close(Fd);
      return Err;
    }
    Done += static_cast<size_t>(N);
  }
  return ::close(Fd) == 0 ? 0 : -errno;
}

bool isEmptyDir(const std::string &Path) {
  DIR *D = ::opendir(Path.c_str());
  if (!D)
    return false;
  bool Empty = true;
  while (struct dirent *E = ::readdir(D))
    if (std::strcmp(E->d_name, ".") && std::strcmp(E->d_name, "..")) {
      Empty = false;
      break;
    }
  ::closedir(D);
  return Empty;
}

/// An existing html target may be replaced only when it is an empty
/// directory or a report bpfcov wrote (it holds ReportMarker): anything
/// else may hold the user's files, which bpfcov never deletes.
int checkHtmlTarget(const std::string &Target) {
  struct stat St;
  if (::lstat(Target.c_str(), &St) != 0)
    return 0;
  if (S_ISLNK(St.st_mode)) {
    pErr("'%s' is a symbolic link: bpfcov does not replace links or what "
         "they lead to; give the report directory's own path with -o",
         Target.c_str());
    return -ELOOP;
  }
  if (!S_ISDIR(St.st_mode)) {
    pErr("'%s' exists and is not a directory: remove it or choose another -o",
         Target.c_str());
    return -EEXIST;
  }
  struct stat Marker;
  if ((::lstat(joinPath(Target, ReportMarker).c_str(), &Marker) == 0 &&
       S_ISREG(Marker.st_mode)) ||
      isEmptyDir(Target))
    return 0;
  pErr("'%s' is a directory that bpfcov did not write (it has no '%s' "
       "file): not replacing it, nor deleting its files; remove it or "
       "choose another -o",
       Target.c_str(), ReportMarker);
  return -EEXIST;
}

/// Writes ReportMarker into the finished report directory \p Dir.
int markReport(const std::string &Dir) {
  int Fd = ::open(joinPath(Dir, ReportMarker).c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (Fd < 0)
    return -errno;
  static const char Text[] =
      "This directory is a report of 'bpfcov out': the next 'bpfcov out' "
      "with this -o replaces it whole.\n";
  ssize_t N = ::write(Fd, Text, sizeof(Text) - 1);
  int Err = N == static_cast<ssize_t>(sizeof(Text) - 1) ? 0 : -EIO;
  ::close(Fd);
  return Err;
}

/// Moves the finished \p Tmp to \p Target, replacing what is there (for a
/// directory: swapped in atomically, the old report then removed).
int publish(TempPath &Tmp, const std::string &Target, bool IsDir) {
  applyUmaskModes(Tmp.Path, IsDir);
  if (IsDir && exists(Target)) {
    if (::renameat2(AT_FDCWD, Tmp.Path.c_str(), AT_FDCWD, Target.c_str(),
                    RENAME_EXCHANGE) == 0)
      return 0; // Tmp.Path now holds the old report: removed with Tmp
    if (errno != EINVAL && errno != ENOSYS) {
      int Err = -errno;
      pErr("cannot replace '%s': %s", Target.c_str(), std::strerror(-Err));
      return Err;
    }
    // No RENAME_EXCHANGE on this file system: move the old one aside.
    TempPath Old;
    if (int Err = makeTemp(dirName(Target), baseName(Target) + ".old",
                           /*IsDir=*/true, Old)) {
      pErr("cannot create a directory beside '%s': %s", Target.c_str(),
           std::strerror(-Err));
      return Err;
    }
    if (::rename(Target.c_str(), Old.Path.c_str()) != 0) {
      int Err = -errno;
      pErr("cannot replace '%s': %s", Target.c_str(), std::strerror(-Err));
      return Err;
    }
  }
  if (::rename(Tmp.Path.c_str(), Target.c_str()) != 0) {
    int Err = -errno;
    pErr("cannot rename '%s' to '%s': %s", Tmp.Path.c_str(), Target.c_str(),
         std::strerror(-Err));
    return Err;
  }
  Tmp.release();
  return 0;
}

//===-- Inputs ------------------------------------------------------------===//

struct Profile {
  std::string Path;
  std::string Bytes;
  uint64_t Version = 0;
  bool ByteCoverage = false; ///< bool counters (hit/not hit)
};

int readProfiles(const std::vector<std::string> &Paths,
                 std::vector<Profile> &Out) {
  for (const std::string &P : Paths) {
    Profile Prof;
    Prof.Path = P;
    if (int Err = readFile(P, Prof.Bytes)) {
      pErr("cannot read '%s': %s", P.c_str(), std::strerror(-Err));
      return Err;
    }
    if (isIndexedProfile(Prof.Bytes)) {
      pErr("'%s' is an indexed profile (.profdata), not a raw one: give the "
           ".profraw files it was merged from",
           P.c_str());
      return -EINVAL;
    }
    if (readRawProfileVersion(Prof.Bytes, Prof.Version)) {
      pErr("'%s' is not a raw profile (no .profraw magic): give files "
           "written by 'bpfcov gen' or by an instrumented program",
           P.c_str());
      return -EINVAL;
    }
    // Bool (single-byte) counters: every profile in every file, or none.
    std::vector<uint64_t> Versions;
    std::string Err;
    if (readProfRawVersions(Prof.Bytes, Versions, Err) == 0 &&
        !Versions.empty()) {
      Prof.ByteCoverage = Versions[0] & ProfRawVariantByteCoverage;
      for (uint64_t V : Versions)
        if (bool(V & ProfRawVariantByteCoverage) != Prof.ByteCoverage) {
          pErr("'%s' holds profiles with bool (hit/not-hit) counters and "
               "profiles with counts: llvm-profdata cannot merge them; write "
               "one profile per kind",
               P.c_str());
          return -EINVAL;
        }
    }
    if (!Out.empty() && Out[0].ByteCoverage != Prof.ByteCoverage) {
      const Profile &B = Prof.ByteCoverage ? Prof : Out[0];
      const Profile &C = Prof.ByteCoverage ? Out[0] : Prof;
      pErr("'%s' has bool (hit/not-hit) counters but '%s' has counts: "
           "llvm-profdata cannot merge them; run 'bpfcov out' once per kind",
           B.Path.c_str(), C.Path.c_str());
      return -EINVAL;
    }
    if (!Out.empty() && Out[0].Version != Prof.Version) {
      pErr("'%s' has raw profile version %" PRIu64 " but '%s' has %" PRIu64
           ": they need different llvm-profdata; run 'bpfcov out' once per "
           "version",
           P.c_str(), Prof.Version, Out[0].Path.c_str(), Out[0].Version);
      return -EINVAL;
    }
    Out.push_back(std::move(Prof));
  }
  return 0;
}

void addUnique(std::vector<std::string> &List, const std::string &S) {
  for (const std::string &Have : List)
    if (Have == S)
      return;
  List.push_back(S);
}

/// The objects of \p P when no --object is given: for every object name
/// that gen recorded (the profile's binary ids), `<dir>/<name>.bpf.obj` or
/// `<dir>/<name>.obj`; for profiles without one, `<dir>/<stem>.bpf.obj`.
int defaultObjects(const Profile &P, std::vector<std::string> &Objects) {
  std::string Dir = dirName(P.Path);
  std::vector<std::string> Names = readProfRawObjectNames(P.Bytes);
  if (Names.empty()) {
    std::string Obj = joinPath(Dir, profileStem(P.Path) + ".bpf.obj");
    if (!exists(Obj)) {
      pErr("object '%s' for '%s' not found: put the .bpf.obj built with the "
           "program beside the profile or pass --object=OBJ",
           Obj.c_str(), P.Path.c_str());
      return -ENOENT;
    }
    addUnique(Objects, Obj);
    return 0;
  }
  for (const std::string &Name : Names) {
    std::string Obj = joinPath(Dir, Name + ".bpf.obj");
    if (!exists(Obj) && exists(joinPath(Dir, Name + ".obj")))
      Obj = joinPath(Dir, Name + ".obj");
    if (!exists(Obj)) {
      pErr("object '%s' (object '%s' in '%s') not found: put the .bpf.obj "
           "built with the program beside the profile or pass --object=OBJ",
           joinPath(Dir, Name + ".bpf.obj").c_str(), Name.c_str(),
           P.Path.c_str());
      return -ENOENT;
    }
    addUnique(Objects, Obj);
  }
  return 0;
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

/// Re-indents compact JSON (no whitespace outside strings) for --pretty.
std::string prettyJson(const std::string &In) {
  std::string Out;
  unsigned Depth = 0;
  bool InString = false;
  auto NewLine = [&] { Out += "\n" + std::string(2 * Depth, ' '); };
  for (size_t I = 0; I < In.size(); ++I) {
    char C = In[I];
    if (InString) {
      Out += C;
      if (C == '\\' && I + 1 < In.size())
        Out += In[++I];
      else if (C == '"')
        InString = false;
      continue;
    }
    switch (C) {
    case '"':
      InString = true;
      Out += C;
      break;
    case '{':
    case '[':
      Out += C;
      if (I + 1 < In.size() && (In[I + 1] == '}' || In[I + 1] == ']')) {
        Out += In[++I];
        break;
      }
      ++Depth;
      NewLine();
      break;
    case '}':
    case ']':
      --Depth;
      NewLine();
      Out += C;
      break;
    case ',':
      Out += C;
      NewLine();
      break;
    case ':':
      Out += ": ";
      break;
    default:
      Out += C;
    }
  }
  return Out;
}

std::string jsonCount(const CoverageCount &C) {
  char Buf[128];
  if (C.Count)
    std::snprintf(Buf, sizeof(Buf),
                  "{\"covered\":%" PRIu64 ",\"count\":%" PRIu64
                  ",\"percent\":%.2f}",
                  C.Covered, C.Count, C.percent());
  else
    std::snprintf(Buf, sizeof(Buf),
                  "{\"covered\":0,\"count\":0,\"percent\":null}");
  return Buf;
}

std::string jsonMetrics(const FileSummary &F) {
  std::string S;
  for (unsigned M = 0; M < NumMetrics; ++M)
    S += std::string(M ? "," : "") + "\"" + MetricName[M] +
         "\":" + jsonCount(F.Counts[M]);
  return S;
}

std::string jsonStrings(const std::vector<std::string> &List) {
  std::string S = "[";
  for (size_t I = 0; I < List.size(); ++I)
    S += (I ? "," : "") + jsonString(List[I]);
  return S + "]";
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
};

/// -j: one JSON value on stdout (see docs/bpfcov-out.md).
void printResultJson(const OutResult &R) {
  std::string FailUnders;
  bool Passed = true;
  for (const FailUnder &F : R.O.FailUnders) {
    double Pct = R.Summary.Totals.Counts[F.Which].percent();
    Passed &= Pct >= F.Percent;
    char Buf[192];
    std::snprintf(Buf, sizeof(Buf),
                  "%s{\"metric\":\"%s\",\"min\":%g,\"percent\":%.2f,"
                  "\"passed\":%s}",
                  FailUnders.empty() ? "" : ",", MetricName[F.Which], F.Percent,
                  Pct, Pct >= F.Percent ? "true" : "false");
    FailUnders += Buf;
  }
  std::string J = "{\"format\":" + jsonString(formatName(R.O.Format)) +
                  ",\"output\":" + jsonString(R.O.Output) +
                  ",\"profiles\":" + jsonStrings(R.Profiles) +
                  ",\"objects\":" + jsonStrings(R.Objects) +
                  ",\"llvm_profdata\":" + jsonString(R.Tools.ProfData) +
                  ",\"llvm_cov\":" + jsonString(R.Tools.Cov) +
                  ",\"raw_version\":" + std::to_string(R.RawVersion) +
                  ",\"counters\":" + (R.ByteCoverage ? "\"bool\"" : "\"counts\"") +
                  ",\"files\":[";
  for (size_t I = 0; I < R.Summary.Files.size(); ++I)
    J += std::string(I ? "," : "") +
         "{\"filename\":" + jsonString(R.Summary.Files[I].Filename) + "," +
         jsonMetrics(R.Summary.Files[I]) + "}";
  J += "],\"totals\":{" + jsonMetrics(R.Summary.Totals) + "}" +
       ",\"fail_under\":[" + FailUnders + "]" +
       ",\"passed\":" + (Passed ? "true" : "false") + "}";
  std::printf("%s\n", Globals.Pretty ? prettyJson(J).c_str() : J.c_str());
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
  std::fflush(Table);
  if (!R.ReportOnStdout)
    pInfo("%s report written to '%s'", formatName(R.O.Format),
          R.O.Format == ReportFormat::Html
              ? joinPath(R.O.Output, "index.html").c_str()
              : R.O.Output.c_str());
  for (const FailUnder &F : R.O.FailUnders) {
    const CoverageCount &C = R.Summary.Totals.Counts[F.Which];
    if (C.percent() < F.Percent)
      pErr("%s coverage %.2f%% (%" PRIu64 "/%" PRIu64
           ") is below --fail-under=%s:%g",
           MetricNoun[F.Which], C.percent(), C.Covered, C.Count,
           MetricName[F.Which], F.Percent);
  }
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
    pErr("-o - is for json and lcov: an html report is a directory");
    return 1;
  }
  if (ToStdout && Globals.Json) {
    pErr("-o - writes the report to stdout, where --json writes its value: "
         "give -o PATH");
    return 1;
  }
  if (O.Output.empty()) {
    std::string Stem = profileStem(O.ProfRaws[0]);
    O.Output = O.Format == ReportFormat::Html
                   ? Stem + "-report"
                   : Stem + "." + formatName(O.Format);
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
    pErr("'%s' has raw profile version %" PRIu64 ", unknown to bpfcov (it "
         "knows 8 to 11, LLVM 14 and later): pass --llvm-bin=DIR with the "
         "llvm-profdata that reads it",
         Profiles[0].Path.c_str(), RawVersion);
    return 1;
  }

  // STEP 2: the objects with the coverage mapping.
  std::vector<std::string> Objects;
  if (!O.Objects.empty()) {
    for (const std::string &Obj : O.Objects) {
      if (!exists(Obj)) {
        pErr("object '%s' not found: check --object", Obj.c_str());
        return 1;
      }
      addUnique(Objects, Obj);
    }
  } else {
    for (const Profile &P : Profiles)
      if (defaultObjects(P, Objects))
        return 1;
  }

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
  if (!ToStdout &&
      (IsDir ? checkHtmlTarget(O.Output) : classifyOutput(O.Output, Kind)))
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
    if (int E = markReport(Report.Path)) {
      pErr("cannot write '%s' in the report: %s", ReportMarker,
           std::strerror(-E));
      return 1;
    }
  } else if (runChecked(exportArgv(Tools.Cov, O.Format, ProfData, Objects,
                                   /*SummaryOnly=*/false),
                        Report.Path, R)) {
    return 1;
  }
  // Bool counters: LCOV says hit (1) or not (0), never a sum of regions.
  if (ByteCoverage && O.Format == ReportFormat::Lcov) {
    std::string Lcov;
    int E = readFile(Report.Path, Lcov);
    if (!E)
      E = rewriteFile(Report.Path, binaryLcovCounts(Lcov));
    if (E) {
      pErr("cannot rewrite the lcov report '%s': %s", Report.Path.c_str(),
           std::strerror(-E));
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

  // An object the profiles have no record of reports 0% everywhere: say so
  // (another object's .bpf.obj given with --object, say).
  std::set<std::string> Profiled;
  for (const Profile &P : Profiles)
    for (const std::string &Name : readProfRawObjectNames(P.Bytes))
      Profiled.insert(Name);
  for (const std::string &Obj : Objects) {
    std::string Name = baseName(Obj);
    for (const char *Ext : {".bpf.obj", ".obj"})
      if (Name.size() > std::strlen(Ext) &&
          Name.compare(Name.size() - std::strlen(Ext), std::string::npos,
                       Ext) == 0) {
        Name.resize(Name.size() - std::strlen(Ext));
        break;
      }
    if (!Profiled.empty() && !Profiled.count(Name))
      pInfo("Warning: no profile holds an object named '%s': is '%s' the "
            ".bpf.obj of an object that 'bpfcov gen' wrote?",
            Name.c_str(), Obj.c_str());
  }
  const CoverageCount &Funcs = Summary.Totals.Counts[M_Functions];
  if (Funcs.Count > 0 && Funcs.Covered == 0)
    pInfo("Warning: not one of the %" PRIu64 " functions ran according to the "
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
  } else if (publish(Report, O.Output, IsDir)) {
    return 1;
  }

  OutResult Res{O,          RawPaths,     Objects, Tools,
                RawVersion, ByteCoverage, Summary, ToStdout};
  bool Passed = true;
  for (const FailUnder &F : O.FailUnders)
    Passed &= Summary.Totals.Counts[F.Which].percent() >= F.Percent;
  if (Globals.Json)
    printResultJson(Res);
  else
    printResultPlain(Res);
  return Passed ? 0 : ExitFailUnder;
}

} // namespace

int bpfcov::doOut(int Argc, char **Argv) {
  OutArgs O;
  if (argp_parse(&OutArgp, Argc, Argv, ARGP_NO_HELP, nullptr, &O) != 0)
    return 1;
  if (O.Help)
    return doHelp(O.Help);
  catchStopSignals();
  int Status = runOut(O);
  return Interrupted ? 128 + Interrupted : Status;
}

//===-- verify.cpp - bpfcov verify: what instrumentation costs the verifier -===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Loads each program of an instrumented object on its own (the other
// programs' autoload off), and the program of the same name in its plain
// twin, and prints per program: accepted or the verifier's message, the
// instructions the verifier processed, its states, and the ratio
// instrumented / plain. A program is loaded with BPF_LOG_STATS (a few lines
// of log); a rejected one again with the full log, for its message.
// Instrumentation must never make a program unloadable: the exit status is 1
// when an instrumented program is rejected whose plain twin loads.
//
// USAGE: sudo bpfcov verify build/x.bpf.o     # twin: build/plain/x.bpf.o
//        sudo bpfcov -j verify --plain-dir=DIR a.bpf.o b.bpf.o
//===----------------------------------------------------------------------===//
#include "Args.h"
#include "Commands.h"
#include "Diag.h"
#include "Json.h"

#include <algorithm>
#include <argp.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace bpfcov {

namespace {

/// The verifier's log levels (BPF_LOG_LEVEL1 and BPF_LOG_STATS).
constexpr unsigned LogLevelInsns = 1, LogLevelStats = 4;
/// Enough for the statistics of any program.
constexpr size_t StatsLogSize = 64 << 10;
/// For the message of a rejected program. Kernels from 6.4 keep the end of
/// a log that does not fit; older ones keep the start and lose the message.
constexpr size_t FullLogSize = 16 << 20;

struct VerifyOptions {
  std::string PlainDir; ///< --plain-dir; default <dir of OBJ>/plain
  std::vector<std::string> Objects;
};

enum : int { OptPlainDir = 0x100 };

const char VerifyDoc[] =
    "Load each program of instrumented BPF objects, and of their plain "
    "twins, one program at a time, and print what the verifier says."
    "\v"
    "For each program of OBJ: accepted, or the verifier's message; the "
    "instructions the verifier processed; its states; and the ratio of "
    "processed instructions, instrumented / plain. The plain twin of OBJ is "
    "<plain-dir>/<file name of OBJ>, by default the plain/ directory beside "
    "OBJ (where bpfcov_add_bpf_object(... PLAIN) writes it).\n"
    "\n"
    "Exit status: 0; 1 when an instrumented program is rejected whose plain "
    "twin loads, or on error. Programs whose plain twin is rejected too do "
    "not count.\n"
    "\n"
    "Examples:\n"
    "  sudo bpfcov verify build/xdp.bpf.o\n"
    "  sudo bpfcov -j verify --plain-dir=plain cov/a.bpf.o cov/b.bpf.o";

const argp_option VerifyOptionsSpec[] = {
    {"plain-dir", OptPlainDir, "DIR", 0,
     "Find the plain twin of each OBJ in DIR (default: plain/ beside OBJ)", 0},
    {nullptr, 0, nullptr, 0, nullptr, 0},
};

error_t parseVerifyOption(int Key, char *Arg, argp_state *State) {
  auto *O = static_cast<VerifyOptions *>(State->input);
  switch (Key) {
  case OptPlainDir:
    if (!*Arg)
      return argsUsageError(State, "'--plain-dir' needs a directory");
    O->PlainDir = Arg;
    break;
  case ARGP_KEY_ARG:
    O->Objects.push_back(Arg);
    break;
  case ARGP_KEY_END:
    if (O->Objects.empty())
      return argsUsageError(State,
                            "missing OBJ: an instrumented BPF object (.bpf.o)");
    break;
  default:
    return ARGP_ERR_UNKNOWN;
  }
  return 0;
}

const argp VerifyArgp = {VerifyOptionsSpec, parseVerifyOption, "OBJ...",
                         VerifyDoc,         nullptr,           nullptr,
                         nullptr};

/// libbpf's warnings while loading: the reason of a refusal that happens
/// before the verifier runs (CO-RE relocations, maps, unknown kfuncs).
std::string LibbpfLog;

int captureLibbpf(enum libbpf_print_level Level, const char *Fmt,
                  va_list Args) {
  if (Level == LIBBPF_DEBUG && Globals.Verbose < 2)
    return 0;
  char Buf[1024];
  int N = std::vsnprintf(Buf, sizeof(Buf), Fmt, Args);
  if (Globals.Verbose >= 2 && !Globals.Json)
    std::fputs(Buf, stderr);
  if (LibbpfLog.size() < (1 << 20))
    LibbpfLog += Buf;
  return N;
}

/// What one load of one program gave.
struct LoadResult {
  bool Accepted = false;
  long long Insns = -1;  ///< processed instructions, -1 when unknown
  long long States = -1; ///< total_states, -1 when unknown
  std::string Message;   ///< the verifier's (or libbpf's) reason
};

struct ProgramResult {
  std::string Name, Section;
  LoadResult Instrumented, Plain;
  bool HasPlain = false; ///< the twin has a program of this name
};

struct ObjectResult {
  std::string Path, PlainPath, Error;
  std::string PlainError; ///< the twin cannot be opened either
  std::vector<ProgramResult> Programs;
};

/// Reads "processed N insns ... total_states M" from a verifier log.
void parseStats(const std::string &Log, LoadResult &R) {
  size_t P = Log.rfind("processed ");
  if (P == std::string::npos)
    return;
  long long Insns;
  if (std::sscanf(Log.c_str() + P, "processed %lld insns", &Insns) == 1)
    R.Insns = Insns;
  size_t S = Log.find("total_states ", P);
  long long States;
  if (S != std::string::npos &&
      std::sscanf(Log.c_str() + S, "total_states %lld", &States) == 1)
    R.States = States;
}

/// The last line of \p Log that says why, skipping the statistics.
std::string lastReason(const std::string &Log) {
  size_t End = Log.size();
  while (End > 0) {
    size_t Start = Log.rfind('\n', End - 1);
    Start = Start == std::string::npos ? 0 : Start + 1;
    std::string Line = Log.substr(Start, End - Start);
    while (!Line.empty() && (Line.back() == '\n' || Line.back() == ' '))
      Line.pop_back();
    End = Start ? Start - 1 : 0;
    if (Line.empty() || Line.rfind("processed ", 0) == 0 ||
        Line.rfind("verification time", 0) == 0 ||
        Line.rfind("stack depth", 0) == 0 || Line.find("-- END") != std::string::npos)
      continue;
    if (Line.rfind("libbpf: ", 0) == 0)
      Line.erase(0, 8);
    return Line;
  }
  return "";
}

using ObjectPtr = std::unique_ptr<bpf_object, decltype(&bpf_object__close)>;

/// Opens \p Path; on failure returns null and sets \p Err.
ObjectPtr openObject(const std::string &Path, std::string &Err) {
  LibbpfLog.clear();
  ObjectPtr Obj(bpf_object__open_file(Path.c_str(), nullptr),
                bpf_object__close);
  if (!Obj) {
    int E = errno;
    std::string Why = lastReason(LibbpfLog);
    Err = "cannot open '" + Path + "': " +
          (Why.empty() ? std::string(std::strerror(E)) : Why);
  }
  return Obj;
}

/// Loads program \p Name of \p Path alone, with verifier log \p Level.
int loadOnce(const std::string &Path, const std::string &Name, unsigned Level,
             std::vector<char> &Log, LoadResult &R) {
  std::string Err;
  ObjectPtr Obj = openObject(Path, Err);
  if (!Obj) {
    R.Message = Err;
    return -EINVAL;
  }
  bpf_program *Prog;
  bpf_object__for_each_program(Prog, Obj.get()) {
    bool Mine = Name == bpf_program__name(Prog);
    bpf_program__set_autoload(Prog, Mine);
    if (Mine) {
      Log.assign(Log.size(), '\0');
      bpf_program__set_log_buf(Prog, Log.data(), Log.size());
      bpf_program__set_log_level(Prog, Level);
    }
  }
  LibbpfLog.clear();
  int Err2 = bpf_object__load(Obj.get());
  std::string Text(Log.data(), strnlen(Log.data(), Log.size()));
  parseStats(Text, R);
  R.Accepted = Err2 == 0;
  if (!R.Accepted) {
    R.Message = lastReason(Text);
    if (R.Message.empty())
      R.Message = lastReason(LibbpfLog);
  }
  return Err2;
}

/// Loads program \p Name of \p Path alone: statistics, and the verifier's
/// message when it is rejected.
LoadResult loadProgram(const std::string &Path, const std::string &Name) {
  LoadResult R;
  std::vector<char> Log(StatsLogSize);
  int Err = loadOnce(Path, Name, LogLevelStats, Log, R);
  if (!Err || !R.Message.empty())
    return R;
  // Rejected without a message in the statistics log (the verifier prints
  // its errors at every log level; older kernels may not): once more with
  // every instruction logged.
  LoadResult Full;
  Log.assign(FullLogSize, '\0');
  loadOnce(Path, Name, LogLevelInsns | LogLevelStats, Log, Full);
  if (!Full.Accepted && !Full.Message.empty())
    R.Message = Full.Message;
  if (R.Message.empty())
    R.Message = std::strerror(-Err);
  if (R.Insns < 0)
    R.Insns = Full.Insns, R.States = Full.States;
  return R;
}

/// The plain twin of \p Obj.
std::string plainTwin(const VerifyOptions &O, const std::string &Obj) {
  size_t Slash = Obj.rfind('/');
  std::string Dir = Slash == std::string::npos ? "." : Obj.substr(0, Slash);
  std::string File = Slash == std::string::npos ? Obj : Obj.substr(Slash + 1);
  return (O.PlainDir.empty() ? Dir + "/plain" : O.PlainDir) + "/" + File;
}

/// The program names and sections of \p Path.
int listPrograms(const std::string &Path,
                 std::vector<std::pair<std::string, std::string>> &Out,
                 std::string &Err) {
  ObjectPtr Obj = openObject(Path, Err);
  if (!Obj)
    return -EINVAL;
  bpf_program *Prog;
  bpf_object__for_each_program(Prog, Obj.get())
      Out.push_back({bpf_program__name(Prog), bpf_program__section_name(Prog)});
  return 0;
}

/// Loads a plain twin's programs once, even when several objects share it.
std::map<std::string, LoadResult> PlainCache;

ObjectResult verifyObject(const VerifyOptions &O, const std::string &Path) {
  ObjectResult R;
  R.Path = Path;
  R.PlainPath = plainTwin(O, Path);
  struct stat St;
  if (stat(Path.c_str(), &St)) {
    R.Error = "cannot open '" + Path + "': " + std::strerror(errno);
    return R;
  }
  if (stat(R.PlainPath.c_str(), &St)) {
    R.Error = "no plain twin '" + R.PlainPath + "' of '" + Path +
              "': build it (bpfcov_add_bpf_object(... PLAIN), bpfcov-cc "
              "--bpfcov-plain) or give --plain-dir=DIR";
    return R;
  }
  std::vector<std::pair<std::string, std::string>> Progs, PlainProgs;
  // An object libbpf cannot open alone (made for linking, legacy maps) is
  // a regression only when its plain twin opens.
  listPrograms(R.PlainPath, PlainProgs, R.PlainError);
  if (listPrograms(Path, Progs, R.Error) || !R.PlainError.empty()) {
    if (R.Error.empty())
      R.Error = R.PlainError;
    return R;
  }
  for (auto &P : Progs) {
    ProgramResult PR;
    PR.Name = P.first;
    PR.Section = P.second;
    PR.Instrumented = loadProgram(Path, PR.Name);
    for (auto &Q : PlainProgs)
      PR.HasPlain |= Q.first == PR.Name;
    if (PR.HasPlain) {
      std::string Key = R.PlainPath + '\0' + PR.Name;
      auto It = PlainCache.find(Key);
      if (It == PlainCache.end())
        It = PlainCache.emplace(Key, loadProgram(R.PlainPath, PR.Name)).first;
      PR.Plain = It->second;
    }
    pDebug(1, "'%s': program '%s': %s", Path.c_str(), PR.Name.c_str(),
           PR.Instrumented.Accepted ? "accepted" : "rejected");
    R.Programs.push_back(PR);
  }
  return R;
}

/// Instrumented / plain processed instructions, or a negative number.
double ratioOf(const ProgramResult &P) {
  if (!P.Instrumented.Accepted || !P.Plain.Accepted || P.Plain.Insns <= 0 ||
      P.Instrumented.Insns < 0)
    return -1;
  return double(P.Instrumented.Insns) / double(P.Plain.Insns);
}

/// A regression: rejected instrumented, accepted plain.
bool isRegression(const ProgramResult &P) {
  return P.HasPlain && P.Plain.Accepted && !P.Instrumented.Accepted;
}

std::string describe(const LoadResult &L) {
  char Buf[96];
  std::string S = L.Accepted ? "accepted" : "rejected: " + L.Message;
  if (L.Insns >= 0) {
    std::snprintf(Buf, sizeof(Buf), ", %lld insns", L.Insns);
    S += Buf;
  }
  if (L.States >= 0) {
    std::snprintf(Buf, sizeof(Buf), ", %lld states", L.States);
    S += Buf;
  }
  return S;
}

/// The way out for the programs rejected only instrumented: the pass leaves
/// them without counters, by name, and the report lists them as not
/// instrumented (docs/bpfcov-out.md); the rest of the object stays covered.
void suggestNotInstrumented(const std::vector<ObjectResult> &Results) {
  std::vector<std::string> Names;
  for (const ObjectResult &R : Results)
    for (const ProgramResult &P : R.Programs)
      if (isRegression(P) &&
          std::find(Names.begin(), Names.end(), P.Name) == Names.end())
        Names.push_back(P.Name);
  if (Names.empty())
    return;
  std::string List, Spaced;
  for (const std::string &N : Names) {
    List += (List.empty() ? "" : ",") + N;
    Spaced += " " + N;
  }
  pWarn("rejected only instrumented: %s. To keep the rest of the object "
        "covered, build with 'bpfcov-cc --bpfcov-not-instrumented=%s' (CMake: "
        "NOT_INSTRUMENTED%s): the report then lists %s as not instrumented",
        List.c_str(), List.c_str(), Spaced.c_str(),
        Names.size() == 1 ? "it" : "them");
}

void printPlain(const std::vector<ObjectResult> &Results) {
  unsigned Programs = 0, LoadPlain = 0, Regressions = 0;
  for (const ObjectResult &R : Results) {
    if (!R.Error.empty()) {
      pErr("%s%s", R.Error.c_str(),
           R.PlainError.empty() ? "" : " (plain twin too: not counted)");
      continue;
    }
    for (const ProgramResult &P : R.Programs) {
      ++Programs;
      LoadPlain += P.Plain.Accepted;
      Regressions += isRegression(P);
      std::printf("%s: %s (%s): %s; plain: %s", R.Path.c_str(), P.Name.c_str(),
                  P.Section.c_str(), describe(P.Instrumented).c_str(),
                  P.HasPlain ? describe(P.Plain).c_str() : "no such program");
      double Ratio = ratioOf(P);
      if (Ratio >= 0)
        std::printf("; ratio %.3f", Ratio);
      std::printf("\n");
    }
  }
  std::printf("total: %u/%u programs that load plain load instrumented; %u "
              "programs\n",
              LoadPlain - Regressions, LoadPlain, Programs);
  suggestNotInstrumented(Results);
}

void jsonLoad(JsonWriter &W, const LoadResult &L) {
  W.beginObject();
  W.memberBool("accepted", L.Accepted);
  W.key("insns");
  L.Insns >= 0 ? W.integer(L.Insns) : W.null();
  W.key("states");
  L.States >= 0 ? W.integer(L.States) : W.null();
  W.key("message");
  L.Accepted ? W.null() : W.string(L.Message);
  W.endObject();
}

void printJson(const std::vector<ObjectResult> &Results) {
  unsigned Regressions = 0;
  JsonWriter W(Globals.Pretty);
  W.beginObject();
  W.key("objects");
  W.beginArray();
  for (const ObjectResult &R : Results) {
    W.beginObject();
    W.member("object", R.Path);
    W.member("plain", R.PlainPath);
    if (!R.Error.empty()) {
      W.member("error", R.Error);
      W.key("plain_error");
      R.PlainError.empty() ? W.null() : W.string(R.PlainError);
      W.endObject();
      continue;
    }
    W.key("programs");
    W.beginArray();
    for (const ProgramResult &P : R.Programs) {
      Regressions += isRegression(P);
      double Ratio = ratioOf(P);
      W.beginObject();
      W.member("name", P.Name);
      W.member("section", P.Section);
      W.key("instrumented");
      jsonLoad(W, P.Instrumented);
      W.key("plain");
      if (P.HasPlain)
        jsonLoad(W, P.Plain);
      else
        W.null();
      W.key("ratio");
      Ratio >= 0 ? W.number("%.4f", Ratio) : W.null();
      W.endObject();
    }
    W.endArray();
    W.endObject();
  }
  W.endArray();
  W.memberUInt("regressions", Regressions);
  W.endObject();
  std::printf("%s\n", W.str().c_str());
}

} // namespace

int doVerify(int Argc, char **Argv) {
  VerifyOptions O;
  if (int Exit = parseSubcommand({&VerifyArgp}, Argc, Argv, &O); Exit != ArgsOk)
    return Exit;
  libbpf_set_print(captureLibbpf);
  std::vector<ObjectResult> Results;
  bool Failed = false;
  for (const std::string &Path : O.Objects) {
    Results.push_back(verifyObject(O, Path));
    Failed |= !Results.back().Error.empty() && Results.back().PlainError.empty();
    for (const ProgramResult &P : Results.back().Programs)
      Failed |= isRegression(P);
  }
  if (Globals.Json)
    printJson(Results);
  else
    printPlain(Results);
  return Failed ? 1 : 0;
}

} // namespace bpfcov

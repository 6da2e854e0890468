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

static std::string joinPath(const std::string &Dir, const std::string &Name) {
  if (Dir.empty())
    return Name;
  return Dir.back() == '/' ? Dir + Name : Dir + "/" + Name;
}

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
  // PATH, split on ':' (an empty entry means the current directory).
  std::vector<std::string> Dirs;
  size_t Start = 0;
  while (!S.PathEnv.empty()) {
    size_t End = S.PathEnv.find(':', Start);
    std::string Dir = S.PathEnv.substr(Start, End - Start);
    Dirs.push_back(Dir.empty() ? "." : Dir);
    if (End == std::string::npos)
      break;
    Start = End + 1;
  }
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

static bool isExecutableFile(const std::string &Path) {
  struct stat St;
  return ::stat(Path.c_str(), &St) == 0 && S_ISREG(St.st_mode) &&
         ::access(Path.c_str(), X_OK) == 0;
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

//===-- Spawning ----------------------------------------------------------===//

namespace {
/// Closes the descriptors it holds.
struct Fds {
  int Fd[2] = {-1, -1};
  ~Fds() { closeAll(); }
  void closeAll() {
    for (int &F : Fd)
      if (F >= 0) {
        ::close(F);
        F = -1;
      }
  }
};

struct SpawnActions {
  posix_spawn_file_actions_t A;
  SpawnActions() { posix_spawn_file_actions_init(&A); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&A); }
};
} // namespace

int runTool(const std::vector<std::string> &Argv, const std::string &StdoutPath,
            ToolResult &R) {
  R = ToolResult();
  if (Argv.empty())
    return -EINVAL;
  Fds OutPipe, ErrPipe, OutFile;
  if (::pipe2(ErrPipe.Fd, O_CLOEXEC) != 0)
    return -errno;
  if (StdoutPath.empty()) {
    if (::pipe2(OutPipe.Fd, O_CLOEXEC) != 0)
      return -errno;
  } else {
    OutFile.Fd[0] = ::open(StdoutPath.c_str(),
                           O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (OutFile.Fd[0] < 0)
      return -errno;
  }

  SpawnActions Act;
  posix_spawn_file_actions_addopen(&Act.A, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(
      &Act.A, StdoutPath.empty() ? OutPipe.Fd[1] : OutFile.Fd[0], 1);
  posix_spawn_file_actions_adddup2(&Act.A, ErrPipe.Fd[1], 2);

  std::vector<char *> CArgv;
  for (const std::string &A : Argv)
    CArgv.push_back(const_cast<char *>(A.c_str()));
  CArgv.push_back(nullptr);

  pid_t Pid;
  int Rc = posix_spawn(&Pid, Argv[0].c_str(), &Act.A, nullptr, CArgv.data(),
                       environ);
  if (Rc != 0)
    return -Rc;

  // Only the child writes: close our copies of the write ends so that the
  // reads below see EOF when it exits.
  ::close(ErrPipe.Fd[1]);
  ErrPipe.Fd[1] = -1;
  if (OutPipe.Fd[1] >= 0) {
    ::close(OutPipe.Fd[1]);
    OutPipe.Fd[1] = -1;
  }
  OutFile.closeAll();

  // Drain both pipes together: a tool that fills one while we block on the
  // other would deadlock.
  struct pollfd P[2] = {{ErrPipe.Fd[0], POLLIN, 0}, {OutPipe.Fd[0], POLLIN, 0}};
  std::string *Sink[2] = {&R.Stderr, &R.Stdout};
  unsigned Open = OutPipe.Fd[0] >= 0 ? 2 : 1;
  while (Open) {
    if (::poll(P, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    for (unsigned I = 0; I < 2; ++I) {
      if (P[I].fd < 0 || !(P[I].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      char Buf[65536];
      ssize_t N = ::read(P[I].fd, Buf, sizeof(Buf));
      if (N > 0) {
        Sink[I]->append(Buf, static_cast<size_t>(N));
      } else if (N == 0 || errno != EINTR) {
        P[I].fd = -1; // poll ignores negative descriptors
        --Open;
      }
    }
  }

  int WStatus;
  while (::waitpid(Pid, &WStatus, 0) < 0)
    if (errno != EINTR)
      return -errno;
  R.Status =
      WIFEXITED(WStatus) ? WEXITSTATUS(WStatus) : 128 + WTERMSIG(WStatus);
  return 0;
}

std::string shellJoin(const std::vector<std::string> &Argv) {
  std::string Out;
  for (const std::string &A : Argv) {
    if (!Out.empty())
      Out += ' ';
    bool Plain = !A.empty() && A.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                   "0123456789-_=./:,+@%") ==
                                   std::string::npos;
    if (Plain) {
      Out += A;
      continue;
    }
    Out += '\'';
    for (char C : A)
      Out += C == '\'' ? std::string("'\\''") : std::string(1, C);
    Out += '\'';
  }
  return Out;
}

//===-- A JSON reader for just what the summary needs ---------------------===//

namespace {

struct JsonValue {
  enum Kind { Null, Bool, Number, String, Array, Object } K = Null;
  bool B = false;
  double Num = 0;
  uint64_t UInt = 0; ///< exact value of a non-negative integer Number
  bool IsUInt = false;
  std::string Str;
  std::vector<JsonValue> Arr;
  std::vector<std::pair<std::string, JsonValue>> Obj;

  const JsonValue *get(const char *Key) const {
    if (K != Object)
      return nullptr;
    for (const auto &KV : Obj)
      if (KV.first == Key)
        return &KV.second;
    return nullptr;
  }
};

/// Recursive descent over RFC 8259 JSON; depth-limited.
class JsonParser {
public:
  explicit JsonParser(const std::string &S) : S(S) {}

  bool parse(JsonValue &V, std::string &Err) {
    bool Ok = value(V, 0);
    skipSpace();
    if (Ok && Pos != S.size()) {
      Ok = false;
      Msg = "trailing characters";
    }
    if (!Ok)
      Err = Msg + " at offset " + std::to_string(Pos);
    return Ok;
  }

private:
  const std::string &S;
  size_t Pos = 0;
  std::string Msg;

  bool fail(const char *M) {
    Msg = M;
    return false;
  }
  void skipSpace() {
    while (Pos < S.size() && (S[Pos] == ' ' || S[Pos] == '\n' ||
                              S[Pos] == '\r' || S[Pos] == '\t'))
      ++Pos;
  }
  bool literal(const char *L) {
    size_t N = std::strlen(L);
    if (S.compare(Pos, N, L) != 0)
      return fail("invalid literal");
    Pos += N;
    return true;
  }

  bool value(JsonValue &V, unsigned Depth) {
    if (Depth > 64)
      return fail("nesting too deep");
    skipSpace();
    if (Pos >= S.size())
      return fail("unexpected end of input");
    char C = S[Pos];
    if (C == '{')
      return object(V, Depth);
    if (C == '[')
      return array(V, Depth);
    if (C == '"') {
      V.K = JsonValue::String;
      return string(V.Str);
    }
    if (C == 't' || C == 'f') {
      V.K = JsonValue::Bool;
      V.B = C == 't';
      return literal(V.B ? "true" : "false");
    }
    if (C == 'n') {
      V.K = JsonValue::Null;
      return literal("null");
    }
    return number(V);
  }

  bool object(JsonValue &V, unsigned Depth) {
    V.K = JsonValue::Object;
    ++Pos; // '{'
    skipSpace();
    if (Pos < S.size() && S[Pos] == '}') {
      ++Pos;
      return true;
    }
    while (true) {
      skipSpace();
      std::string Key;
      if (Pos >= S.size() || S[Pos] != '"' || !string(Key))
        return Msg.empty() ? fail("expected a key") : false;
      skipSpace();
      if (Pos >= S.size() || S[Pos] != ':')
        return fail("expected ':'");
      ++Pos;
      V.Obj.emplace_back(std::move(Key), JsonValue());
      if (!value(V.Obj.back().second, Depth + 1))
        return false;
      skipSpace();
      if (Pos < S.size() && S[Pos] == ',') {
        ++Pos;
        continue;
      }
      if (Pos < S.size() && S[Pos] == '}') {
        ++Pos;
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }

  bool array(JsonValue &V, unsigned Depth) {
    V.K = JsonValue::Array;
    ++Pos; // '['
    skipSpace();
    if (Pos < S.size() && S[Pos] == ']') {
      ++Pos;
      return true;
    }
    while (true) {
      V.Arr.emplace_back();
      if (!value(V.Arr.back(), Depth + 1))
        return false;
      skipSpace();
      if (Pos < S.size() && S[Pos] == ',') {
        ++Pos;
        continue;
      }
      if (Pos < S.size() && S[Pos] == ']') {
        ++Pos;
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }

  static void appendUtf8(std::string &Out, uint32_t CP) {
    if (CP < 0x80) {
      Out += static_cast<char>(CP);
    } else if (CP < 0x800) {
      Out += static_cast<char>(0xc0 | (CP >> 6));
      Out += static_cast<char>(0x80 | (CP & 0x3f));
    } else if (CP < 0x10000) {
      Out += static_cast<char>(0xe0 | (CP >> 12));
      Out += static_cast<char>(0x80 | ((CP >> 6) & 0x3f));
      Out += static_cast<char>(0x80 | (CP & 0x3f));
    } else {
      Out += static_cast<char>(0xf0 | (CP >> 18));
      Out += static_cast<char>(0x80 | ((CP >> 12) & 0x3f));
      Out += static_cast<char>(0x80 | ((CP >> 6) & 0x3f));
      Out += static_cast<char>(0x80 | (CP & 0x3f));
    }
  }

  bool hex4(uint32_t &CP) {
    if (Pos + 4 > S.size())
      return fail("truncated \\u escape");
    CP = 0;
    for (unsigned I = 0; I < 4; ++I) {
      char C = S[Pos++];
      CP <<= 4;
      if (C >= '0' && C <= '9')
        CP |= C - '0';
      else if (C >= 'a' && C <= 'f')
        CP |= C - 'a' + 10;
      else if (C >= 'A' && C <= 'F')
        CP |= C - 'A' + 10;
      else
        return fail("invalid \\u escape");
    }
    return true;
  }

  bool string(std::string &Out) {
    ++Pos; // '"'
    while (Pos < S.size()) {
      char C = S[Pos++];
      if (C == '"')
        return true;
      if (static_cast<unsigned char>(C) < 0x20)
        return fail("control character in string");
      if (C != '\\') {
        Out += C;
        continue;
      }
      if (Pos >= S.size())
        break;
      char E = S[Pos++];
      switch (E) {
      case '"':
        Out += '"';
        break;
      case '\\':
        Out += '\\';
        break;
      case '/':
        Out += '/';
        break;
      case 'b':
        Out += '\b';
        break;
      case 'f':
        Out += '\f';
        break;
      case 'n':
        Out += '\n';
        break;
      case 'r':
        Out += '\r';
        break;
      case 't':
        Out += '\t';
        break;
      case 'u': {
        uint32_t CP;
        if (!hex4(CP))
          return false;
        // A surrogate pair encodes one code point above U+FFFF.
        if (CP >= 0xd800 && CP < 0xdc00 && S.compare(Pos, 2, "\\u") == 0) {
          Pos += 2;
          uint32_t Lo;
          if (!hex4(Lo))
            return false;
          if (Lo < 0xdc00 || Lo >= 0xe000)
            return fail("invalid surrogate pair");
          CP = 0x10000 + ((CP - 0xd800) << 10) + (Lo - 0xdc00);
        }
        appendUtf8(Out, CP);
        break;
      }
      default:
        return fail("invalid escape");
      }
    }
    return fail("unterminated string");
  }

  bool number(JsonValue &V) {
    size_t Start = Pos;
    if (Pos < S.size() && S[Pos] == '-')
      ++Pos;
    size_t IntStart = Pos;
    while (Pos < S.size() && S[Pos] >= '0' && S[Pos] <= '9')
      ++Pos;
    if (Pos == IntStart)
      return fail("invalid value");
    bool Integer = true;
    if (Pos < S.size() && S[Pos] == '.') {
      Integer = false;
      ++Pos;
      while (Pos < S.size() && S[Pos] >= '0' && S[Pos] <= '9')
        ++Pos;
    }
    if (Pos < S.size() && (S[Pos] == 'e' || S[Pos] == 'E')) {
      Integer = false;
      ++Pos;
      if (Pos < S.size() && (S[Pos] == '+' || S[Pos] == '-'))
        ++Pos;
      while (Pos < S.size() && S[Pos] >= '0' && S[Pos] <= '9')
        ++Pos;
    }
    std::string Text = S.substr(Start, Pos - Start);
    V.K = JsonValue::Number;
    V.Num = std::strtod(Text.c_str(), nullptr);
    if (Integer && Text[0] != '-') {
      errno = 0;
      V.UInt = std::strtoull(Text.c_str(), nullptr, 10);
      V.IsUInt = errno == 0;
    }
    return true;
  }
};

} // namespace

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
  if (!JsonParser(Json).parse(Root, Err))
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

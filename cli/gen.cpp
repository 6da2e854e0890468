//===-- gen.cpp - bpfcov gen: pinned coverage maps -> .profraw ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Reads the four coverage maps that `bpfcov run` pinned for each object of
// an application (<bpffs>/cov/<app>/<object>/{profc,profd,profn,covmap}),
// while the application still runs or after it exited, and writes one raw
// profile per object, concatenated in one file (ProfRaw.h). --from-dump
// reads the same layout from plain files: no root or kernel needed (our
// llvm-cov convert-for-testing). The output is replaced atomically.
//
// USAGE: sudo bpfcov gen [--unpin] [-o PATH] ./app    # writes ./app.profraw
//===----------------------------------------------------------------------===//
#include "Args.h"
#include "Commands.h"
#include "CoverageMaps.h"
#include "Diag.h"
#include "Json.h"
#include "LoadedObjects.h"
#include "MapValue.h"
#include "Pins.h"
#include "ProfRaw.h"
#include "Sys.h"

#include "bpfcov/Names.h"

#include <algorithm>
#include <argp.h>
#include <bpf/bpf.h>
#include <cerrno>
#include <cinttypes>
#include <climits>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace bpfcov {

namespace {

struct GenOptions {
  bool Unpin = false;
  std::string Output;   ///< -o; default ./<app>.profraw
  std::string FromDump; ///< --from-dump=DIR
  bool Loaded = false;  ///< --loaded: the kernel's maps, not pins
  int Pid = 0;          ///< --pid=PID (with --loaded)
  std::vector<std::string> ObjectFiles; ///< --object=FILE (with --loaded)
  std::vector<std::string> Operands; ///< APP, or OBJECT... with --loaded
  std::string AppPath;
};

enum : int { OptFromDump = 0x100, OptLoaded, OptPid, OptObject };

/// The help text around the raw versions bpfcov writes (ProfRaw's table).
const char GenDocHead[] =
    "Write the coverage counters of APP as a raw profile for llvm-profdata."
    "\v"
    "Reads <bpffs>/cov/<app>/<object>/{profc,profd,profn,covmap}, pinned by\n"
    "'bpfcov run APP', where <app> is the base name of APP; works while APP\n"
    "still runs. Each object becomes one raw profile of the version the LLVM\n"
    "that built it reads; bpfcov writes ";
const char GenDocTail[] =
    ". All are\n"
    "concatenated in one file; llvm-profdata merge reads them all. The\n"
    "output is replaced atomically: on failure it is left as it was.\n"
    "\n"
    "--from-dump=DIR reads the same four maps from plain files\n"
    "DIR/<object>/{profc,profd,profn,covmap} (the map values, e.g. the\n"
    "sections of the .bpf.o) instead of bpffs: no root needed.\n"
    "\n"
    "--loaded reads the coverage maps of the instrumented objects loaded in\n"
    "the kernel right now, whoever loaded them and however (a daemon, a\n"
    "light skeleton, bpftool, iproute2, any language), without 'bpfcov run'\n"
    "and without pins: the OBJECT names given (the object names of their\n"
    "covmap headers), or all of them; --pid=PID keeps those whose maps\n"
    "process PID holds. Default output: ./<OBJECT>.profraw for one OBJECT,\n"
    "else ./loaded.profraw. When the kernel holds only an object's counters\n"
    "(a loader dropped the other maps, e.g. cilium/ebpf with objects built\n"
    "with --bpfcov-counters-section=bss), --object=FILE names the .bpf.o it\n"
    "was loaded from: its records, names and header are read from FILE and\n"
    "checked, variable by variable, against the counters' BTF. The same\n"
    "goes for such objects pinned by 'bpfcov run' (<object>/profc alone).\n"
    "\n"
    "Examples:\n"
    "  sudo bpfcov gen ./app                   # writes ./app.profraw\n"
    "  sudo bpfcov gen --unpin -o /tmp/a.profraw ./app\n"
    "  bpfcov -j gen --from-dump=dump ./app\n"
    "  sudo bpfcov gen --loaded xdp            # writes ./xdp.profraw\n"
    "  sudo bpfcov gen --loaded --pid=$(pidof mydaemon) -o d.profraw\n"
    "  sudo bpfcov gen --loaded --object=x-bss.bpf.o -o x.profraw";

const argp_option GenOptionsSpec[] = {
    {"unpin", 'u', nullptr, 0,
     "Remove the pins of APP after writing the profile", 0},
    {"output", 'o', "PATH", 0,
     "Write the profile to PATH "
     "(default ./<app>.profraw)",
     0},
    {"from-dump", OptFromDump, "DIR", 0,
     "Read the maps from files under DIR instead of bpffs", 0},
    {"loaded", OptLoaded, nullptr, 0,
     "Read the maps of instrumented objects loaded in the kernel (operands: "
     "OBJECT names, default all) instead of pins",
     0},
    {"pid", OptPid, "PID", 0,
     "With --loaded: only objects whose maps process PID holds", 0},
    {"object", OptObject, "FILE", 0,
     "The object file of counters-only objects (the kernel holds only their "
     "counters); repeatable",
     0},
    {nullptr, 0, nullptr, 0, nullptr, 0},
};

error_t parseGenOption(int Key, char *Arg, argp_state *State) {
  auto *O = static_cast<GenOptions *>(State->input);
  switch (Key) {
  case 'u':
    O->Unpin = true;
    break;
  case 'o':
    if (!*Arg)
      return argsUsageError(State, "'-o' needs a file name");
    O->Output = Arg;
    break;
  case OptFromDump:
    if (!*Arg)
      return argsUsageError(State, "'--from-dump' needs a directory");
    O->FromDump = Arg;
    break;
  case OptLoaded:
    O->Loaded = true;
    break;
  case OptPid: {
    char *End = nullptr;
    errno = 0;
    long Pid = std::strtol(Arg, &End, 10);
    if (!*Arg || *End || errno || Pid <= 0 || Pid > INT_MAX)
      return argsUsageError(State, "'--pid' takes a process id, not '%s'",
                            Arg);
    O->Pid = static_cast<int>(Pid);
    break;
  }
  case OptObject:
    if (!*Arg)
      return argsUsageError(State, "'--object' needs an object file");
    O->ObjectFiles.push_back(Arg);
    break;
  case ARGP_KEY_ARG:
    O->Operands.push_back(Arg);
    break;
  case ARGP_KEY_END:
    if (O->Loaded) {
      if (O->Unpin || !O->FromDump.empty())
        return argsUsageError(State,
                              "'--loaded' reads the kernel's maps, not pins "
                              "or a dump: it cannot be used with '%s'",
                              O->Unpin ? "--unpin" : "--from-dump");
      if (!O->ObjectFiles.empty() && !O->Operands.empty())
        return argsUsageError(State,
                              "give OBJECT names or '--object' files, not "
                              "both: '--object' collects the counters of "
                              "those files only");
      break;
    }
    if (O->Pid)
      return argsUsageError(State, "'--pid' goes with '--loaded'");
    if (O->Operands.size() > 1)
      return argsUsageError(State, "unexpected argument '%s': give one APP",
                            O->Operands[1].c_str());
    if (O->Operands.empty())
      return argsUsageError(
          State, "missing APP: the application given to 'bpfcov run'");
    O->AppPath = O->Operands.front();
    if (O->Unpin && !O->FromDump.empty())
      return argsUsageError(State,
                            "'--unpin' removes bpffs pins: it cannot be used "
                            "with '--from-dump'");
    break;
  default:
    return ARGP_ERR_UNKNOWN;
  }
  return 0;
}

const argp &genArgp() {
  static const std::string Doc =
      GenDocHead + supportedProfRawVersions() + GenDocTail;
  static const argp A = {GenOptionsSpec,
                         parseGenOption,
                         "APP\n--loaded [OBJECT...]",
                         Doc.c_str(),
                         nullptr,
                         nullptr,
                         nullptr};
  return A;
}


/// What kind of BPF object \p Fd is ("map", "prog", "link", "btf", ...).
std::string bpfObjectKind(int Fd) {
  char Link[64];
  ssize_t N = readlink(("/proc/self/fd/" + std::to_string(Fd)).c_str(), Link,
                       sizeof(Link) - 1);
  if (N <= 0)
    return "";
  std::string S(Link, N);
  const char Prefix[] = "anon_inode:bpf-";
  if (S.compare(0, sizeof(Prefix) - 1, Prefix) == 0)
    return S.substr(sizeof(Prefix) - 1);
  return S;
}

/// Value of key 0 of the array map pinned as \p Pin in directory \p DirFd
/// (\p Path, for messages); the map's fd in \p Keep when given. Returns ""
/// or what is wrong.
std::string readPinnedMap(int DirFd, const char *Pin, const std::string &Path,
                          std::string &Out, UniqueFd *Keep = nullptr) {
  struct stat St;
  if (fstatat(DirFd, Pin, &St, AT_SYMLINK_NOFOLLOW) != 0)
    return "cannot open pinned map '" + Path + "': " + std::strerror(errno);
  if (!S_ISREG(St.st_mode))
    return "'" + Path + "' is not a pin (a link or directory bpfcov did not "
           "make)";
  UniqueFd Fd(bpf_obj_get(fdPath(DirFd, Pin).c_str()));
  if (!Fd.valid())
    return "cannot open pinned map '" + Path + "': " + std::strerror(errno);
  std::string Kind = bpfObjectKind(Fd.get());
  if (Kind != "map")
    return "'" + Path + "' is a pinned BPF " +
           (Kind == "prog" ? std::string("program") : Kind) +
           ", not a map: was it pinned by 'bpfcov run'?";
  MapValueError E = readMapValue(Fd.get(), Out);
  if (!E) {
    if (Keep)
      *Keep = std::move(Fd);
    return "";
  }
  return "pinned map '" + Path + "': " + E.Why +
         (E.NotGlobalData ? ": was it pinned by 'bpfcov run'?" : "");
}

/// Collects the maps of every object, from bpffs (\p Pins, opened and, for
/// --unpin, locked) or from a dump directory. An object that cannot be read
/// gets its Error and the others are still read. Returns 0, or -errno when
/// there is nothing to read at all (after printing).
int readAllObjects(const GenOptions &O, AppPins &Pins,
                   std::vector<ObjectMaps> &Objects) {
  std::vector<std::string> Names;
  UniqueFd DumpFd;
  int BaseFd;
  std::string BasePath;
  if (!O.FromDump.empty()) {
    DumpFd.reset(open(O.FromDump.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!DumpFd.valid() || listDir(DumpFd.get(), Names) != 0) {
      pErr("cannot read dump directory '%s': %s", O.FromDump.c_str(),
           std::strerror(errno));
      return -errno;
    }
    BaseFd = DumpFd.get();
    BasePath = O.FromDump;
  } else {
    listAppEntries(Pins, Names);
    BaseFd = Pins.Dir.get();
    BasePath = Pins.Path;
  }
  if (Names.empty()) {
    if (O.FromDump.empty())
      pErr("no coverage pins under '%s' (an empty directory): run 'bpfcov run "
           "%s' first",
           Pins.Path.c_str(), O.AppPath.c_str());
    else
      pErr("no object directories under '%s': expected "
           "'%s/<object>/{profc,profd,profn,covmap}'",
           O.FromDump.c_str(), O.FromDump.c_str());
    return -ENOENT;
  }
  for (const std::string &Name : Names) {
    ObjectMaps M;
    M.Name = Name;
    M.Dir = BasePath + "/" + Name;
    struct stat St;
    UniqueFd Dir;
    if (fstatat(BaseFd, Name.c_str(), &St, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISDIR(St.st_mode)) {
      M.Error = "not an object directory (a file or link bpfcov did not make)";
    } else if (!O.FromDump.empty()) {
      Dir.reset(openat(BaseFd, Name.c_str(),
                       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    } else if (int Fd = openObjectDir(Pins, Name, /*Create=*/false, &M.Error);
               Fd >= 0) {
      Dir.reset(Fd);
    } else if (M.Error.empty()) {
      M.Error = "removed while gen read it";
    }
    // Counters only (run pinned a -bpfcov-counters-section=bss object's
    // one map): the rest comes from --object files.
    struct stat DataSt;
    if (M.Error.empty() && O.FromDump.empty() &&
        fstatat(Dir.get(), DataPin, &DataSt, AT_SYMLINK_NOFOLLOW) != 0 &&
        errno == ENOENT) {
      UniqueFd Counters;
      std::string Value;
      std::vector<SectionVar> Vars;
      M.Error = readPinnedMap(Dir.get(), CountersPin,
                              M.Dir + "/" + CountersPin, Value, &Counters);
      if (M.Error.empty())
        mapDatasec(Counters.get(), &Vars);
      if (M.Error.empty())
        M.Error = rebuildFromObjectFiles(Value, Vars, O.ObjectFiles, M);
      Objects.push_back(std::move(M));
      continue;
    }
    for (unsigned I = 0; I < NumCoverageMaps && M.Error.empty(); ++I) {
      std::string Path = M.Dir + "/" + CoverageMaps[I].Pin;
      if (!O.FromDump.empty()) {
        if (int Err = readFile(fdPath(Dir.get(), CoverageMaps[I].Pin),
                               M.Values[I]))
          M.Error = "cannot read '" + Path + "': " + std::strerror(-Err);
      } else {
        M.Error = readPinnedMap(Dir.get(), CoverageMaps[I].Pin, Path,
                                M.Values[I]);
      }
    }
    if (M.Error.empty())
      pDebug(1, "read '%s': profc %zu, profd %zu, profn %zu, covmap %zu bytes",
             M.Dir.c_str(), M.Values[SlotCounters].size(),
             M.Values[SlotData].size(), M.Values[SlotNames].size(),
             M.Values[SlotCovMap].size());
    Objects.push_back(std::move(M));
  }
  return 0;
}

struct ObjectResult {
  std::string Name;
  ProfRawSummary Summary;
};

void printJson(const std::string &Path,
               const std::vector<ObjectResult> &Results) {
  JsonWriter W(Globals.Pretty);
  W.beginObject();
  W.member("profraw", Path);
  W.key("objects");
  W.beginArray();
  for (const ObjectResult &R : Results) {
    W.beginObject();
    W.member("name", R.Name);
    W.memberUInt("functions", R.Summary.Functions);
    W.memberUInt("counters", R.Summary.Counters);
    // Bool counters: "bool": true and "hit" (counters that ran) for "total".
    if (R.Summary.ByteCounters)
      W.memberBool("bool", true);
    W.memberUInt(R.Summary.ByteCounters ? "hit" : "total", R.Summary.Total);
    W.endObject();
  }
  W.endArray();
  W.endObject();
  std::printf("%s\n", W.str().c_str());
}

} // namespace

int doGen(int Argc, char **Argv) {
  GenOptions O;
  if (int Exit = parseSubcommand({&genArgp()}, Argc, Argv, &O); Exit != ArgsOk)
    return Exit;
  // The name of the output and of what is read, for messages.
  std::string App, Source;
  if (O.Loaded) {
    Source = "the loaded objects";
    if (O.Output.empty())
      O.Output = O.Operands.size() == 1 ? O.Operands.front() + ".profraw"
                                        : std::string("loaded.profraw");
  } else {
    App = appName(O.AppPath);
    if (App.empty() || App == "_" || App == "__") {
      pErr("cannot derive an application name from '%s'", O.AppPath.c_str());
      return 1;
    }
    Source = "'" + O.AppPath + "'";
    if (O.Output.empty())
      O.Output = App + ".profraw";
  }
  if (O.Output.size() > NAME_MAX && O.Output.find('/') == std::string::npos) {
    pErr("the default output name '%s' is longer than a file name may be: "
         "give one with -o PATH",
         O.Output.c_str());
    return 1;
  }

  // STEP 1: the pin tree, checked; --unpin takes the app's lock.
  AppPins Pins;
  if (O.FromDump.empty() && !O.Loaded) {
    if (ensureBpffs(/*Mount=*/false))
      return 1;
    int Err = openAppPins(App, /*Create=*/false, Pins);
    if (Err == 0 && O.Unpin)
      Err = lockAppPins(Pins);
    if (Err == -ENOENT)
      pErr("no coverage pins under '%s': run 'bpfcov run %s' first",
           appPinDir(App).c_str(), O.AppPath.c_str());
    else if (Err == -EWOULDBLOCK)
      pErr("'bpfcov run %s' still uses the pins under '%s': run 'bpfcov gen' "
           "without --unpin to read them now, or wait for it to end",
           O.AppPath.c_str(), Pins.Path.c_str());
    else if (Err && Pins.Dir.valid())
      pErr("cannot lock '%s': %s", Pins.Path.c_str(), std::strerror(-Err));
    if (Err)
      return 1;
  }

  // STEP 2: read every object's maps (nothing is written yet).
  std::vector<ObjectMaps> Objects;
  if (O.Loaded ? readLoadedObjects({O.Operands, O.Pid, O.ObjectFiles}, Objects)
               : readAllObjects(O, Pins, Objects))
    return 1;

  // STEP 3: one raw profile per good object, concatenated; bad ones are
  // named and skipped.
  std::string Bytes;
  std::vector<ObjectResult> Results;
  std::vector<std::string> Bad;
  for (ObjectMaps &M : Objects) {
    ProfRawInput In;
    std::string Err;
    if (M.Error.empty() &&
        (parseCoverageMaps(M.Values[SlotCounters], M.Values[SlotData],
                           M.Values[SlotNames], M.Values[SlotCovMap], In,
                           Err) ||
         writeProfRaw(In, Bytes, Err)))
      M.Error = "corrupt coverage maps: " + Err;
    if (!M.Error.empty()) {
      Bad.push_back("'" + M.Dir + "': " + M.Error);
      if (!Globals.Json)
        pErr("skipping object '%s': %s", M.Dir.c_str(), M.Error.c_str());
      continue;
    }
    Results.push_back({In.ObjectName, summarize(In)});
    pDebug(1, "'%s': object '%s', raw version %" PRIu64 ", LLVM %" PRIu64,
           M.Dir.c_str(), In.ObjectName.c_str(), In.Version, In.LLVMMajor);
  }
  // One file, one kind: llvm-profdata does not keep hit/not-hit bytes and
  // counts apart, so a mix would read as one meaningless profile.
  for (const ObjectResult &R : Results)
    if (R.Summary.ByteCounters != Results.front().Summary.ByteCounters) {
      const ObjectResult &B = R.Summary.ByteCounters ? R : Results.front();
      const ObjectResult &C = R.Summary.ByteCounters ? Results.front() : R;
      pErr("object '%s' has bool (hit/not-hit) counters but object '%s' "
           "has counts: one profile cannot hold both (nothing written); build "
           "every object of %s with the same --bpfcov-counters",
           B.Name.c_str(), C.Name.c_str(), Source.c_str());
      return 1;
    }
  if (Results.empty()) {
    std::string Where =
        O.Loaded ? std::string("among the kernel's loaded maps")
                 : "under '" + (O.FromDump.empty() ? Pins.Path : O.FromDump) +
                       "'";
    if (Globals.Json)
      pErr("no readable coverage maps %s (nothing written): %s", Where.c_str(),
           Bad.front().c_str());
    else
      pErr("no readable coverage maps %s: nothing written", Where.c_str());
    return 1;
  }

  // STEP 4: the file, then (only then) the good objects' pins.
  if (writeOutputFile(O.Output, Bytes))
    return 1;
  if (O.Unpin) {
    int Err = 0;
    for (const ObjectMaps &M : Objects)
      if (M.Error.empty())
        if (int E = removeObjectPins(Pins, M.Name); E && !Err)
          Err = E;
    // The app's directory goes once empty (bad objects' pins stay in it).
    if (Bad.empty() &&
        unlinkat(Pins.Root.get(), App.c_str(), AT_REMOVEDIR) != 0 && !Err)
      Err = -errno;
    if (Err) {
      pErr("wrote '%s' but could not remove the pins under '%s': %s",
           O.Output.c_str(), Pins.Path.c_str(), std::strerror(-Err));
      return 1;
    }
  }
  if (!Bad.empty()) {
    std::string List;
    for (const std::string &B : Bad)
      List += (List.empty() ? "" : "; ") + B;
    const char *Kept = O.FromDump.empty() ? ", whose pins are kept" : "";
    if (Globals.Json)
      pErr("wrote '%s' without %zu bad object(s)%s: %s", O.Output.c_str(),
           Bad.size(), Kept, List.c_str());
    else
      pErr("wrote '%s' with %zu good object(s), without the %zu bad one(s) "
           "named above%s",
           O.Output.c_str(), Results.size(), Bad.size(), Kept);
    return 1;
  }

  if (Globals.Json) {
    printJson(O.Output, Results);
    return 0;
  }
  for (const ObjectResult &R : Results)
    pInfo(R.Summary.ByteCounters
              ? "object '%s': %" PRIu64 " functions, %" PRIu64
                " bool counters (hit or not), %" PRIu64 " hit"
              : "object '%s': %" PRIu64 " functions, %" PRIu64
                " counters, total %" PRIu64,
          R.Name.c_str(), R.Summary.Functions, R.Summary.Counters,
          R.Summary.Total);
  pInfo("wrote '%s'%s", O.Output.c_str(),
        O.Unpin ? " and removed the pins" : "");
  return 0;
}

} // namespace bpfcov

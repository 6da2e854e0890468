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
#include "Pins.h"
#include "ProfRaw.h"
#include "main.h"

#include "bpfcov/Names.h"

#include <algorithm>
#include <argp.h>
#include <bpf/bpf.h>
#include <cerrno>
#include <cinttypes>
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
  std::string AppPath;
};

enum : int { OptFromDump = 0x100 };

const char GenDoc[] =
    "Write the coverage counters of APP as a raw profile for llvm-profdata."
    "\v"
    "Reads <bpffs>/cov/<app>/<object>/{profc,profd,profn,covmap}, pinned by\n"
    "'bpfcov run APP', where <app> is the base name of APP; works while APP\n"
    "still runs. Each object becomes one raw profile of the version the LLVM\n"
    "that built it reads (8 for LLVM 14-17, 10 for LLVM 19-22), all\n"
    "concatenated in one file; llvm-profdata merge reads them all. The\n"
    "output is replaced atomically: on failure it is left as it was.\n"
    "\n"
    "--from-dump=DIR reads the same four maps from plain files\n"
    "DIR/<object>/{profc,profd,profn,covmap} (the map values, e.g. the\n"
    "sections of the .bpf.o) instead of bpffs: no root needed.\n"
    "\n"
    "Examples:\n"
    "  sudo bpfcov gen ./app                   # writes ./app.profraw\n"
    "  sudo bpfcov gen --unpin -o /tmp/a.profraw ./app\n"
    "  bpfcov -j gen --from-dump=dump ./app";

const argp_option GenOptionsSpec[] = {
    {"unpin", 'u', nullptr, 0,
     "Remove the pins of APP after writing the profile", 0},
    {"output", 'o', "PATH", 0,
     "Write the profile to PATH "
     "(default ./<app>.profraw)",
     0},
    {"from-dump", OptFromDump, "DIR", 0,
     "Read the maps from files under DIR instead of bpffs", 0},
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
      argp_error(State, "'-o' needs a file name");
    O->Output = Arg;
    break;
  case OptFromDump:
    if (!*Arg)
      argp_error(State, "'--from-dump' needs a directory");
    O->FromDump = Arg;
    break;
  case ARGP_KEY_ARG:
    if (!O->AppPath.empty())
      argp_error(State, "unexpected argument '%s': give one APP", Arg);
    O->AppPath = Arg;
    break;
  case ARGP_KEY_END:
    if (O->AppPath.empty())
      argp_error(State, "missing APP: the application given to 'bpfcov run'");
    if (O->Unpin && !O->FromDump.empty())
      argp_error(State, "'--unpin' removes bpffs pins: it cannot be used "
                        "with '--from-dump'");
    break;
  default:
    return ARGP_ERR_UNKNOWN;
  }
  return 0;
}

const argp GenArgp = {GenOptionsSpec, parseGenOption, "APP",  GenDoc,
                      nullptr,        nullptr,        nullptr};

/// The maps of one object, as read.
struct ObjectMaps {
  std::string Dir; ///< where they came from (for messages)
  std::string Values[NumCoverageMaps];
};

/// Reads a whole plain file. Returns 0 or -errno.
int readFile(const std::string &Path, std::string &Out) {
  int Fd = open(Path.c_str(), O_RDONLY | O_CLOEXEC);
  if (Fd < 0)
    return -errno;
  Out.clear();
  char Buf[65536];
  while (true) {
    ssize_t N = read(Fd, Buf, sizeof(Buf));
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0) {
      int Err = -errno;
      close(Fd);
      return Err;
    }
    if (N == 0)
      break;
    Out.append(Buf, N);
  }
  close(Fd);
  return 0;
}

/// Value of key 0 of the array map pinned at \p Path. Returns 0 or -errno
/// (after printing the error).
int readPinnedMap(const std::string &Path, std::string &Out) {
  int Fd = bpf_obj_get(Path.c_str());
  if (Fd < 0) {
    int Err = -errno;
    pErr("cannot open pinned map '%s': %s", Path.c_str(), std::strerror(-Err));
    return Err;
  }
  bpf_map_info Info;
  std::memset(&Info, 0, sizeof(Info));
  uint32_t Len = sizeof(Info);
  if (bpf_obj_get_info_by_fd(Fd, &Info, &Len) != 0) {
    int Err = -errno;
    close(Fd);
    pErr("cannot get map info of '%s': %s", Path.c_str(), std::strerror(-Err));
    return Err;
  }
  if (Info.type != BPF_MAP_TYPE_ARRAY || Info.key_size != 4 ||
      Info.max_entries < 1) {
    close(Fd);
    pErr("'%s' is not a global-data map (type %u, key size %u, %u entries): "
         "was it pinned by 'bpfcov run'?",
         Path.c_str(), Info.type, Info.key_size, Info.max_entries);
    return -EINVAL;
  }
  Out.assign(Info.value_size, '\0');
  uint32_t Key = 0;
  if (bpf_map_lookup_elem(Fd, &Key, Out.data()) != 0) {
    int Err = -errno;
    close(Fd);
    pErr("cannot read map '%s': %s", Path.c_str(), std::strerror(-Err));
    return Err;
  }
  close(Fd);
  return 0;
}

/// Collects the maps of every object, from bpffs or from a dump directory.
int readAllObjects(const GenOptions &O, const std::string &App,
                   std::vector<ObjectMaps> &Objects) {
  std::vector<std::string> Dirs;
  if (!O.FromDump.empty()) {
    if (int Err = listSubdirs(O.FromDump, Dirs)) {
      pErr("cannot read dump directory '%s': %s", O.FromDump.c_str(),
           std::strerror(-Err));
      return Err;
    }
    if (Dirs.empty()) {
      pErr("no object directories under '%s': expected "
           "'%s/<object>/{profc,profd,profn,covmap}'",
           O.FromDump.c_str(), O.FromDump.c_str());
      return -ENOENT;
    }
  } else {
    if (int Err = ensureBpffs(/*Mount=*/false))
      return Err;
    Dirs = listObjectDirs(App);
    if (Dirs.empty()) {
      pErr("no coverage pins under '%s': run 'bpfcov run %s' first",
           appPinDir(App).c_str(), O.AppPath.c_str());
      return -ENOENT;
    }
  }
  for (const std::string &Dir : Dirs) {
    ObjectMaps M;
    M.Dir = Dir;
    for (unsigned I = 0; I < NumCoverageMaps; ++I) {
      std::string Path = Dir + "/" + CoverageMaps[I].Pin;
      if (!O.FromDump.empty()) {
        if (int Err = readFile(Path, M.Values[I])) {
          pErr("cannot read '%s': %s", Path.c_str(), std::strerror(-Err));
          return Err;
        }
      } else if (int Err = readPinnedMap(Path, M.Values[I])) {
        return Err;
      }
    }
    pDebug(1, "read '%s': profc %zu, profd %zu, profn %zu, covmap %zu bytes",
           Dir.c_str(), M.Values[0].size(), M.Values[1].size(),
           M.Values[2].size(), M.Values[3].size());
    Objects.push_back(std::move(M));
  }
  return 0;
}

/// Writes \p Bytes to \p Path through a temporary file in the same
/// directory (fsync, rename, fsync of the directory): \p Path is either the
/// old file or the complete new one. Returns 0 or -errno (after printing).
int writeFileAtomically(const std::string &Path, const std::string &Bytes) {
  size_t Slash = Path.rfind('/');
  std::string Dir = Slash == std::string::npos ? "." : Path.substr(0, Slash);
  if (Dir.empty())
    Dir = "/";
  std::string Base = Slash == std::string::npos ? Path : Path.substr(Slash + 1);
  std::string Tmp = Dir + "/." + Base + ".tmpXXXXXX";
  int Fd = mkstemp(Tmp.data());
  if (Fd < 0) {
    int Err = -errno;
    pErr("cannot write '%s': %s", Path.c_str(), std::strerror(-Err));
    return Err;
  }
  int Err = 0;
  for (size_t Done = 0; Done < Bytes.size() && !Err;) {
    ssize_t N = write(Fd, Bytes.data() + Done, Bytes.size() - Done);
    if (N < 0 && errno != EINTR)
      Err = -errno;
    else if (N > 0)
      Done += N;
  }
  // mkstemp creates 0600; a profile is an ordinary file.
  if (!Err) {
    mode_t Mask = umask(0);
    umask(Mask);
    if (fchmod(Fd, 0666 & ~Mask) != 0)
      Err = -errno;
  }
  if (!Err && fsync(Fd) != 0)
    Err = -errno;
  if (close(Fd) != 0 && !Err)
    Err = -errno;
  if (!Err && rename(Tmp.c_str(), Path.c_str()) != 0)
    Err = -errno;
  if (Err) {
    unlink(Tmp.c_str());
    pErr("cannot write '%s': %s", Path.c_str(), std::strerror(-Err));
    return Err;
  }
  if (int DirFd = open(Dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      DirFd >= 0) {
    fsync(DirFd);
    close(DirFd);
  }
  return 0;
}

struct ObjectResult {
  std::string Name;
  ProfRawSummary Summary;
};

void printJson(const std::string &Path,
               const std::vector<ObjectResult> &Results) {
  const char *NL = Globals.Pretty ? "\n" : "";
  const char *I1 = Globals.Pretty ? "  " : "";
  const char *I2 = Globals.Pretty ? "    " : "";
  const char *I3 = Globals.Pretty ? "      " : "";
  const char *Sp = Globals.Pretty ? " " : "";
  std::printf("{%s%s\"profraw\":%s%s,%s%s\"objects\":%s[", NL, I1, Sp,
              jsonString(Path).c_str(), NL, I1, Sp);
  for (size_t I = 0; I < Results.size(); ++I) {
    const ObjectResult &R = Results[I];
    std::printf("%s%s%s{%s%s\"name\":%s%s,%s%s\"functions\":%s%" PRIu64
                ",%s%s\"counters\":%s%" PRIu64 ",%s%s\"total\":%s%" PRIu64
                "%s%s}",
                I ? "," : "", NL, I2, NL, I3, Sp, jsonString(R.Name).c_str(),
                NL, I3, Sp, R.Summary.Functions, NL, I3, Sp, R.Summary.Counters,
                NL, I3, Sp, R.Summary.Total, NL, I2);
  }
  std::printf("%s%s]%s}\n", Results.empty() ? "" : NL,
              Results.empty() ? "" : I1, NL);
}

} // namespace

int doGen(int Argc, char **Argv) {
  GenOptions O;
  // Under --json, help is the JSON value null (bpftool's convention).
  for (int I = 1; Globals.Json && I < Argc && std::strcmp(Argv[I], "--"); ++I)
    if (!std::strcmp(Argv[I], "--help") || !std::strcmp(Argv[I], "-?") ||
        !std::strcmp(Argv[I], "--usage")) {
      std::printf("null\n");
      return 0;
    }
  if (argp_parse(&GenArgp, Argc, Argv, 0, nullptr, &O) != 0)
    return 1;
  std::string App = appName(O.AppPath);
  if (App.empty() || App == "/" || App == "." || App == "..") {
    pErr("cannot derive an application name from '%s'", O.AppPath.c_str());
    return 1;
  }
  if (O.Output.empty())
    O.Output = App + ".profraw";

  // STEP 1: read every object's maps (nothing is written yet).
  std::vector<ObjectMaps> Objects;
  if (readAllObjects(O, App, Objects))
    return 1;

  // STEP 2: one raw profile per object, concatenated.
  std::string Bytes;
  std::vector<ObjectResult> Results;
  for (const ObjectMaps &M : Objects) {
    ProfRawInput In;
    std::string Err;
    if (parseCoverageMaps(M.Values[0], M.Values[1], M.Values[2], M.Values[3],
                          In, Err) ||
        writeProfRaw(In, Bytes, Err)) {
      pErr("corrupt coverage maps in '%s': %s", M.Dir.c_str(), Err.c_str());
      return 1;
    }
    Results.push_back({In.ObjectName, summarize(In)});
    pDebug(1, "'%s': object '%s', raw version %" PRIu64 ", LLVM %" PRIu64,
           M.Dir.c_str(), In.ObjectName.c_str(), In.Version, In.LLVMMajor);
  }

  // STEP 3: the file, then (only then) the pins.
  if (writeFileAtomically(O.Output, Bytes))
    return 1;
  if (O.Unpin) {
    if (int Err = removeAppPins(App)) {
      pErr("wrote '%s' but could not remove the pins under '%s': %s",
           O.Output.c_str(), appPinDir(App).c_str(), std::strerror(-Err));
      return 1;
    }
  }

  if (Globals.Json) {
    printJson(O.Output, Results);
    return 0;
  }
  for (const ObjectResult &R : Results)
    pInfo("object '%s': %" PRIu64 " functions, %" PRIu64
          " counters, total %" PRIu64,
          R.Name.c_str(), R.Summary.Functions, R.Summary.Counters,
          R.Summary.Total);
  pInfo("wrote '%s'%s", O.Output.c_str(),
        O.Unpin ? " and removed the pins" : "");
  return 0;
}

} // namespace bpfcov

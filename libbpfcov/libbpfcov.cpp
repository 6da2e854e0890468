//===-- libbpfcov.cpp - The C API of libbpfcov ----------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The handle (four map fds, the last snapshot, the per-test state), map I/O
// with libbpf's low-level API, and the C entry points. The profile is laid
// out by parseCoverageMaps + writeProfRaw and written by writeOutputFile:
// the code `bpfcov gen` runs.
//===----------------------------------------------------------------------===//

#include "bpfcov/libbpfcov.h"

#include "Counters.h"
#include "CoverageMaps.h"
#include "Diag.h"
#include "MapValue.h"
#include "ProfRaw.h"
#include "SafeFs.h"
#include "Sys.h"
#include "bpfcov/Names.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace bpfcov;

struct bpfcov_ctx {
  UniqueFd Fds[NumCoverageMaps];       // indexed like CoverageMaps (Names.h)
  std::string Values[NumCoverageMaps]; // the last values read
  ProfRawInput Snapshot;               // of Values
  std::string ObjectName;
  std::string ProfileDir; // "" = per-test profiles off
  std::string TestName;   // the case begun ("" = none)
  ProfRawInput All;       // the cases ended so far
};

namespace {

thread_local std::string LastError;

/// Sets the thread's error and errno; returns -Err.
int fail(int Err, std::string Msg) {
  LastError = std::move(Msg);
  errno = Err;
  return -Err;
}

/// The value (key 0) of a global-data map (MapValue.h).
int readValue(int Fd, const char *Which, std::string &Out) {
  MapValueError E = readMapValue(Fd, Out);
  if (!E)
    return 0;
  return fail(E.Errno,
              strFormat("%s map (fd %d): %s%s%s", Which, Fd, E.Why.c_str(),
                        E.NotGlobalData ? ": pass the object's " : "",
                        E.NotGlobalData ? Which : ""));
}

/// Reads the four maps into Cov->Values and parses them into Snapshot.
int snapshot(struct bpfcov_ctx *Cov) {
  for (unsigned I = 0; I < NumCoverageMaps; ++I)
    if (int Err = readValue(Cov->Fds[I].get(), CoverageMaps[I].Section,
                            Cov->Values[I]))
      return Err;
  std::string Why;
  if (parseCoverageMaps(Cov->Values[0], Cov->Values[1], Cov->Values[2],
                        Cov->Values[3], Cov->Snapshot, Why))
    return fail(EINVAL,
                "the coverage maps do not hold a bpfcov object: " + Why);
  return 0;
}

/// Writes \p In to \p Path with gen's writer and writeOutputFile.
int writeProfile(const ProfRawInput &In, const std::string &Path) {
  std::string Bytes, Why;
  if (writeProfRaw(In, Bytes, Why))
    return fail(EINVAL, "cannot lay out the profile: " + Why);
  std::string Captured;
  ErrorCapture = &Captured;
  int Err = writeOutputFile(Path, Bytes);
  ErrorCapture = nullptr;
  if (Err)
    return fail(-Err, Captured);
  return 0;
}

/// Makes \p Dir when missing; refuses anything but a directory (a link
/// to one included).
int ensureDir(const std::string &Dir) {
  if (::mkdir(Dir.c_str(), 0755) != 0 && errno != EEXIST)
    return fail(errno, strFormat("cannot create the profile directory '%s': "
                                 "%s",
                                 Dir.c_str(), std::strerror(errno)));
  struct stat St;
  if (::lstat(Dir.c_str(), &St) != 0)
    return fail(errno, strFormat("cannot use the profile directory '%s': %s",
                                 Dir.c_str(), std::strerror(errno)));
  if (!S_ISDIR(St.st_mode))
    return fail(ENOTDIR,
                strFormat("profile directory '%s' is not a directory%s:"
                          " give a directory's own path",
                          Dir.c_str(),
                          S_ISLNK(St.st_mode) ? " but a link" : ""));
  return 0;
}

} // namespace

extern "C" {

struct bpfcov_ctx *bpfcov_open_fds(int Profc, int Profd, int Profn,
                                   int CovMap) {
  int In[NumCoverageMaps] = {Profc, Profd, Profn, CovMap};
  auto *Cov = new struct bpfcov_ctx;
  for (unsigned I = 0; I < NumCoverageMaps; ++I) {
    Cov->Fds[I].reset(In[I] < 0 ? -1 : ::fcntl(In[I], F_DUPFD_CLOEXEC, 3));
    if (!Cov->Fds[I].valid()) {
      int Err = In[I] < 0 ? EBADF : errno;
      fail(Err,
           strFormat("%s map: fd %d is not open: pass the fd of the "
                     "object's %s map (after it is loaded)",
                     CoverageMaps[I].Section, In[I], CoverageMaps[I].Section));
      delete Cov;
      return nullptr;
    }
  }
  if (snapshot(Cov)) {
    int Err = errno;
    delete Cov;
    errno = Err;
    return nullptr;
  }
  Cov->ObjectName = Cov->Snapshot.ObjectName;
  if (const char *Dir = std::getenv(BPFCOV_PROFILE_DIR_ENV))
    Cov->ProfileDir = Dir;
  return Cov;
}

struct bpfcov_ctx *bpfcov_open(struct bpf_object *Obj) {
  if (!Obj) {
    fail(EINVAL, "no BPF object: pass a loaded struct bpf_object");
    return nullptr;
  }
  int Fds[NumCoverageMaps];
  for (unsigned I = 0; I < NumCoverageMaps; ++I) {
    const char *Section = CoverageMaps[I].Section;
    struct bpf_map *Map = bpf_object__find_map_by_name(Obj, Section);
    if (!Map) {
      fail(ENOENT,
           strFormat("object '%s' has no %s map: build it with bpfcov "
                     "(bpfcov_add_bpf_object or bpfcov-cc) and its counters "
                     "in %s (not COUNTERS_SECTION bss)",
                     bpf_object__name(Obj), Section, CountersSection));
      return nullptr;
    }
    Fds[I] = bpf_map__fd(Map);
    if (Fds[I] < 0) {
      fail(EBADF, strFormat("object '%s' is not loaded (its %s map has no "
                            "fd): call bpfcov_open after loading it",
                            bpf_object__name(Obj), Section));
      return nullptr;
    }
  }
  return bpfcov_open_fds(Fds[0], Fds[1], Fds[2], Fds[3]);
}

void bpfcov_close(struct bpfcov_ctx *Cov) { delete Cov; }

const char *bpfcov_object_name(const struct bpfcov_ctx *Cov) {
  return Cov ? Cov->ObjectName.c_str() : "";
}

int bpfcov_snapshot(struct bpfcov_ctx *Cov, struct bpfcov_summary *Sum) {
  if (!Cov)
    return fail(EINVAL, "no handle: call bpfcov_open first");
  if (int Err = snapshot(Cov))
    return Err;
  if (Sum) {
    ProfRawSummary S = summarize(Cov->Snapshot);
    Sum->functions = S.Functions;
    Sum->counters = S.Counters;
    Sum->total = S.Total;
    Sum->hit = 0;
    for (uint64_t C : Cov->Snapshot.Counters)
      Sum->hit += C != 0;
    Sum->bool_counters = S.ByteCounters;
  }
  return 0;
}

int bpfcov_reset(struct bpfcov_ctx *Cov) {
  if (!Cov)
    return fail(EINVAL, "no handle: call bpfcov_open first");
  // The start values depend on profd's records and covmap's flags (read at
  // open), on profc's size and on its twins' words (Names.h), which the
  // program never writes: all are fixed at load.
  std::string Value, Why;
  if (resetValue(Cov->Values[0], Cov->Values[1], Cov->Snapshot.Flags,
                 Value, Why))
    return fail(EINVAL, "cannot reset the counters: " + Why);
  uint32_t Key = 0;
  if (bpf_map_update_elem(Cov->Fds[0].get(), &Key, Value.data(), BPF_ANY) != 0)
    return fail(errno, strFormat("cannot reset the counters (%s map): %s",
                                 CountersSection, std::strerror(errno)));
  return 0;
}

int bpfcov_write_profraw(struct bpfcov_ctx *Cov, const char *Path) {
  if (!Cov)
    return fail(EINVAL, "no handle: call bpfcov_open first");
  if (!Path || !*Path)
    return fail(EINVAL, "no profile path: give a file name, e.g. x.profraw");
  if (int Err = snapshot(Cov))
    return Err;
  return writeProfile(Cov->Snapshot, Path);
}

int bpfcov_set_profile_dir(struct bpfcov_ctx *Cov, const char *Dir) {
  if (!Cov)
    return fail(EINVAL, "no handle: call bpfcov_open first");
  const char *Env = std::getenv(BPFCOV_PROFILE_DIR_ENV);
  Cov->ProfileDir = Dir ? Dir : Env ? Env : "";
  return 0;
}

int bpfcov_test_begin(struct bpfcov_ctx *Cov, const char *Name) {
  if (!Cov)
    return fail(EINVAL, "no handle: call bpfcov_open first");
  std::string Why = checkTestName(Name ? Name : "");
  if (!Why.empty())
    return fail(EINVAL, Why);
  if (!Cov->TestName.empty())
    return fail(EBUSY, strFormat("test '%s' has begun and not ended: call "
                                 "bpfcov_test_end before beginning '%s'",
                                 Cov->TestName.c_str(), Name));
  if (!Cov->ProfileDir.empty())
    if (int Err = ensureDir(Cov->ProfileDir))
      return Err;
  if (int Err = bpfcov_reset(Cov))
    return Err;
  Cov->TestName = Name;
  return 0;
}

int bpfcov_test_end(struct bpfcov_ctx *Cov) {
  if (!Cov)
    return fail(EINVAL, "no handle: call bpfcov_open first");
  if (Cov->TestName.empty())
    return fail(EINVAL, "no test has begun: call bpfcov_test_begin first");
  std::string Name = std::move(Cov->TestName);
  Cov->TestName.clear();
  if (Cov->ProfileDir.empty())
    return 0;
  if (int Err = snapshot(Cov))
    return Err;
  std::string Why;
  if (addProfRawInput(Cov->All, Cov->Snapshot, Why))
    return fail(EINVAL, Why);
  if (int Err = writeProfile(Cov->Snapshot,
                             joinPath(Cov->ProfileDir, Name + ".profraw")))
    return Err;
  return writeProfile(Cov->All, joinPath(Cov->ProfileDir, BPFCOV_ALL_PROFILE));
}

const char *bpfcov_last_error(void) { return LastError.c_str(); }

} // extern "C"

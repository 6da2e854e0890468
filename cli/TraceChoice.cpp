//===-- TraceChoice.cpp - Which trace mode bpfcov run uses
//------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// ELF and script inspection for --trace=auto, and where the preload library
// is.
//
//===----------------------------------------------------------------------===//
#include "TraceChoice.h"

#include "Diag.h"
#include "PreloadProtocol.h"
#include "Sys.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <vector>

#ifndef BPFCOV_PRELOAD_INSTALL_PATH
#define BPFCOV_PRELOAD_INSTALL_PATH "/usr/local/lib/" BPFCOV_PRELOAD_LIB
#endif

namespace bpfcov {

namespace {

bool sameFile(const std::string &A, const std::string &B) {
  struct stat Sa, Sb;
  return stat(A.c_str(), &Sa) == 0 && stat(B.c_str(), &Sb) == 0 &&
         Sa.st_dev == Sb.st_dev && Sa.st_ino == Sb.st_ino;
}

/// The preload library: beside the bpfcov binary (build tree), in ../lib
/// (installed), or at the install path. "" and \p Why when there is none.
std::string findPreloadLibrary(std::string &Why) {
  std::vector<std::string> Candidates;
  char Exe[PATH_MAX];
  ssize_t N = readlink("/proc/self/exe", Exe, sizeof(Exe) - 1);
  if (N > 0) {
    std::string Dir(Exe, static_cast<size_t>(N));
    Dir.erase(Dir.rfind('/'));
    Candidates.push_back(Dir + "/" BPFCOV_PRELOAD_LIB);
    Candidates.push_back(Dir + "/../lib/" BPFCOV_PRELOAD_LIB);
  }
  Candidates.push_back(BPFCOV_PRELOAD_INSTALL_PATH);
  for (const std::string &C : Candidates) {
    char Real[PATH_MAX];
    if (!realpath(C.c_str(), Real) || access(Real, R_OK) != 0)
      continue;
    // LD_PRELOAD is split at spaces and colons.
    if (std::strpbrk(Real, " \t\n:")) {
      Why = std::string("its path '") + Real +
            "' has a space or colon, which LD_PRELOAD cannot take";
      return "";
    }
    return Real;
  }
  Why = "'" BPFCOV_PRELOAD_LIB "' is neither beside bpfcov nor in '" +
        std::string(BPFCOV_PRELOAD_INSTALL_PATH) + "'";
  return "";
}

/// Whether note segment \p P of the ELF file \p Fd holds a note of owner
/// "Go" (the Go linker's build id, in static and cgo binaries alike).
bool hasGoNote(int Fd, const ElfW(Phdr) & P) {
  if (P.p_filesz == 0 || P.p_filesz > 65536)
    return false;
  std::string Notes(P.p_filesz, '\0');
  if (pread(Fd, Notes.data(), Notes.size(), P.p_offset) !=
      static_cast<ssize_t>(Notes.size()))
    return false;
  size_t Off = 0;
  while (Off + sizeof(ElfW(Nhdr)) <= Notes.size()) {
    ElfW(Nhdr) N;
    std::memcpy(&N, Notes.data() + Off, sizeof(N));
    size_t Name = Off + sizeof(N);
    size_t Next = Name + ((N.n_namesz + 3) & ~3u) + ((N.n_descsz + 3) & ~3u);
    if (Next > Notes.size() || Next <= Off)
      return false;
    // The Go linker writes the owner as "Go\0\0" (n_namesz 4).
    if ((N.n_namesz == 3 || N.n_namesz == 4) &&
        std::memcmp(Notes.data() + Name, "Go", 3) == 0)
      return true;
    Off = Next;
  }
  return false;
}

} // namespace

ElfInfo readElf(const std::string &Path) {
  ElfInfo Info;
  UniqueFd Fd(open(Path.c_str(), O_RDONLY | O_CLOEXEC));
  ElfW(Ehdr) Eh;
  if (!Fd.valid() || pread(Fd.get(), &Eh, sizeof(Eh), 0) != sizeof(Eh) ||
      std::memcmp(Eh.e_ident, ELFMAG, SELFMAG) != 0)
    return Info;
  Info.IsElf = true;
  Info.Class = Eh.e_ident[EI_CLASS];
  Info.Data = Eh.e_ident[EI_DATA];
  Info.Machine = Eh.e_machine; // same offset in ELF32 and ELF64
  if (Info.Class != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
      Eh.e_phentsize != sizeof(ElfW(Phdr)) || Eh.e_phnum > 4096)
    return Info;
  std::vector<ElfW(Phdr)> Phdrs(Eh.e_phnum);
  ssize_t Size = static_cast<ssize_t>(Phdrs.size() * sizeof(ElfW(Phdr)));
  if (pread(Fd.get(), Phdrs.data(), Size, Eh.e_phoff) != Size)
    return Info;
  for (const ElfW(Phdr) & P : Phdrs) {
    if (P.p_type == PT_NOTE)
      Info.Go = Info.Go || hasGoNote(Fd.get(), P);
    if (P.p_type != PT_INTERP || P.p_filesz == 0 || P.p_filesz > PATH_MAX)
      continue;
    std::string Interp(P.p_filesz, '\0');
    if (pread(Fd.get(), Interp.data(), Interp.size(), P.p_offset) !=
        static_cast<ssize_t>(Interp.size()))
      return Info;
    Info.Interp = Interp.c_str(); // up to the NUL
  }
  return Info;
}

std::string scriptInterpreter(const std::string &Head) {
  std::string Line = Head.substr(2);
  Line = Line.substr(0, Line.find('\n'));
  size_t B = Line.find_first_not_of(" \t");
  if (B == std::string::npos)
    return "";
  size_t E = Line.find_first_of(" \t", B);
  return Line.substr(B, E == std::string::npos ? std::string::npos : E - B);
}

std::string whyNotPreloadableElf(const std::string &Q, const ElfInfo &Info,
                                 const ElfInfo &Self, bool SameLoader) {
  if (!Info.IsElf)
    return Q + " is neither an ELF program nor a script";
  if (Info.Class != Self.Class || Info.Data != Self.Data ||
      Info.Machine != Self.Machine)
    return Q + " is built for another machine or ABI";
  if (Info.Interp.empty())
    return Q + " is statically linked";
  if (!Self.Interp.empty() && !SameLoader)
    return Q + " uses the dynamic loader '" + Info.Interp + "', not '" +
           Self.Interp + "'";
  if (Info.Go)
    return Q + " is a Go program, whose system calls never go through libc";
  return "";
}

std::string whyNotPreloadable(const std::string &Path, const ElfInfo &Self,
                              std::string &Program, unsigned Depth) {
  Program = Path;
  std::string Q = "'" + Path + "'";
  struct stat St;
  if (stat(Path.c_str(), &St) != 0)
    return "cannot read " + Q + ": " + std::strerror(errno);
  if (!S_ISREG(St.st_mode))
    return Q + " is not a regular file";
  if (St.st_mode & (S_ISUID | S_ISGID))
    return Q + " is setuid or setgid";
  if (getxattr(Path.c_str(), "security.capability", nullptr, 0) >= 0)
    return Q + " has file capabilities";
  char Head[256];
  ssize_t N = -1;
  {
    UniqueFd Fd(open(Path.c_str(), O_RDONLY | O_CLOEXEC));
    if (Fd.valid())
      N = pread(Fd.get(), Head, sizeof(Head), 0);
  }
  if (N < 0)
    return "cannot read " + Q + ": " + std::strerror(errno);
  if (N >= 2 && Head[0] == '#' && Head[1] == '!') {
    std::string Interp =
        scriptInterpreter(std::string(Head, static_cast<size_t>(N)));
    if (Interp.empty())
      return Q + " is a script without an interpreter";
    if (Depth >= 4)
      return Q + " nests script interpreters too deeply";
    return whyNotPreloadable(Interp, Self, Program, Depth + 1);
  }
  ElfInfo Info = readElf(Path);
  bool SameLoader = !Info.Interp.empty() && !Self.Interp.empty() &&
                    sameFile(Info.Interp, Self.Interp);
  return whyNotPreloadableElf(Q, Info, Self, SameLoader);
}

bool decideTraceMode(TraceMode Requested, const std::string &Library,
                     const std::string &WhyNot, TraceChoice &C) {
  C.Library = Library;
  if (Requested == TraceMode::Ptrace ||
      (Requested == TraceMode::Auto && (Library.empty() || !WhyNot.empty()))) {
    C.Mode = TraceMode::Ptrace;
    C.Library.clear();
    return true;
  }
  // Preload: asked for (whatever APP is: the programs it starts may be
  // seen), or APP is preloadable.
  C.Mode = TraceMode::Preload;
  return !Library.empty();
}

int chooseTraceMode(TraceMode Requested, const std::string &Cmd,
                    TraceChoice &C) {
  if (Requested == TraceMode::Ptrace) {
    decideTraceMode(Requested, "", "", C);
    pDebug(1, "trace mode: ptrace: --trace=ptrace");
    return 0;
  }
  std::string Why;
  std::string Library = findPreloadLibrary(Why);
  if (Library.empty()) {
    if (!decideTraceMode(Requested, Library, Why, C)) {
      pErr("cannot use --trace=preload: %s: reinstall bpfcov, or use "
           "--trace=ptrace",
           Why.c_str());
      return -ENOENT;
    }
    pDebug(1, "trace mode: ptrace: no preload library: %s", Why.c_str());
    return 0;
  }
  std::string File = findProgram(Cmd, searchPathEnv()), Program;
  if (File.empty())
    Why = "'" + Cmd + "' is not in PATH";
  else
    Why = whyNotPreloadable(File, readElf("/proc/self/exe"), Program);
  decideTraceMode(Requested, Library, Why, C);
  if (Requested == TraceMode::Preload) {
    pDebug(1, "trace mode: preload ('%s'): --trace=preload%s%s%s",
           C.Library.c_str(), Why.empty() ? "" : " (", Why.c_str(),
           Why.empty() ? ""
                       : ": only the dynamically linked programs it "
                         "starts are seen)");
  } else if (C.Mode == TraceMode::Ptrace) {
    pDebug(1, "trace mode: ptrace: %s", Why.c_str());
  } else if (Program == File) {
    pDebug(1, "trace mode: preload ('%s'): '%s' is dynamically linked",
           C.Library.c_str(), File.c_str());
  } else {
    pDebug(1,
           "trace mode: preload ('%s'): '%s' runs the dynamically linked "
           "'%s'",
           C.Library.c_str(), File.c_str(), Program.c_str());
  }
  return 0;
}

} // namespace bpfcov

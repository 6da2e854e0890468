//===-- Sys.cpp - Plain system plumbing -----------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See Sys.h.
//===----------------------------------------------------------------------===//
#include "Sys.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace bpfcov {

void UniqueFd::reset(int New) {
  if (Fd >= 0)
    ::close(Fd);
  Fd = New;
}

//===-- Files -------------------------------------------------------------===//

int readFile(const std::string &Path, std::string &Out) {
  UniqueFd Fd(::open(Path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!Fd.valid())
    return -errno;
  struct stat St;
  if (::fstat(Fd.get(), &St) != 0)
    return -errno;
  if (S_ISDIR(St.st_mode))
    return -EISDIR;
  Out.clear();
  char Buf[65536];
  while (true) {
    ssize_t N = ::read(Fd.get(), Buf, sizeof(Buf));
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0)
      return -errno;
    if (N == 0)
      return 0;
    Out.append(Buf, static_cast<size_t>(N));
  }
}

int writeAll(int Fd, const std::string &Bytes) {
  for (size_t Done = 0; Done < Bytes.size();) {
    ssize_t N = ::write(Fd, Bytes.data() + Done, Bytes.size() - Done);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0)
      return -errno;
    if (N == 0)
      return -EIO;
    Done += static_cast<size_t>(N);
  }
  return 0;
}

bool pathExists(const std::string &Path) {
  struct stat St;
  return ::stat(Path.c_str(), &St) == 0;
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

//===-- Path strings ------------------------------------------------------===//

std::string joinPath(const std::string &Dir, const std::string &Name) {
  if (Dir.empty())
    return Name;
  return Dir.back() == '/' ? Dir + Name : Dir + "/" + Name;
}

std::string dirName(const std::string &Path) {
  size_t Slash = Path.rfind('/');
  if (Slash == std::string::npos)
    return ".";
  return Slash == 0 ? "/" : Path.substr(0, Slash);
}

std::string baseName(const std::string &Path) {
  size_t Slash = Path.rfind('/');
  return Slash == std::string::npos ? Path : Path.substr(Slash + 1);
}

size_t commonDirPrefix(const std::vector<std::string> &Paths) {
  if (Paths.empty())
    return 0;
  std::string Prefix = Paths[0];
  size_t Slash = Prefix.rfind('/');
  Prefix = Slash == std::string::npos ? "" : Prefix.substr(0, Slash + 1);
  for (const std::string &P : Paths) {
    while (!Prefix.empty() && P.compare(0, Prefix.size(), Prefix)) {
      Prefix.pop_back(); // drop the '/', then back to the previous one
      size_t S = Prefix.rfind('/');
      Prefix = S == std::string::npos ? "" : Prefix.substr(0, S + 1);
    }
  }
  return Prefix.size();
}

std::string siblingPath(const std::string &Path, const std::string &Name) {
  size_t Slash = Path.rfind('/');
  return Slash == std::string::npos ? Name : Path.substr(0, Slash + 1) + Name;
}

std::string stripSuffix(const std::string &S, const std::string &Ext) {
  if (S.size() > Ext.size() &&
      S.compare(S.size() - Ext.size(), Ext.size(), Ext) == 0)
    return S.substr(0, S.size() - Ext.size());
  return S;
}

//===-- Programs ----------------------------------------------------------===//

bool isExecutableFile(const std::string &Path) {
  struct stat St;
  return ::stat(Path.c_str(), &St) == 0 && S_ISREG(St.st_mode) &&
         ::access(Path.c_str(), X_OK) == 0;
}

std::vector<std::string> splitSearchPath(const std::string &PathEnv) {
  std::vector<std::string> Dirs;
  for (size_t Start = 0; !PathEnv.empty();) {
    size_t End = PathEnv.find(':', Start);
    std::string Dir = PathEnv.substr(
        Start, End == std::string::npos ? std::string::npos : End - Start);
    Dirs.push_back(Dir.empty() ? "." : Dir);
    if (End == std::string::npos)
      break;
    Start = End + 1;
  }
  return Dirs;
}

std::string findProgram(const std::string &Cmd, const std::string &PathEnv) {
  if (Cmd.find('/') != std::string::npos)
    return Cmd;
  if (Cmd.empty())
    return "";
  for (const std::string &Dir : splitSearchPath(PathEnv)) {
    std::string File = joinPath(Dir, Cmd);
    if (isExecutableFile(File))
      return File;
  }
  return "";
}

std::string searchPathEnv() {
  const char *Env = std::getenv("PATH");
  return Env ? Env : "/bin:/usr/bin";
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

unsigned fdInfoNumber(int Pid, unsigned Fd, const char *Key) {
  char Path[64];
  std::snprintf(Path, sizeof(Path), "/proc/%d/fdinfo/%u", Pid, Fd);
  FILE *F = std::fopen(Path, "re");
  if (!F)
    return 0;
  std::string Format = std::string(Key) + ": %u";
  char Line[256];
  unsigned N = 0;
  while (std::fgets(Line, sizeof(Line), F))
    if (std::sscanf(Line, Format.c_str(), &N) == 1)
      break;
  std::fclose(F);
  return N;
}

} // namespace bpfcov

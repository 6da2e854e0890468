//===-- PreloadServer.cpp - bpfcov run's preload mode
//----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The socket, APP's environment, and the loop that reaps APP's tree and
// serves the reports of its processes, acking each once the sink has acted
// on it (the maps are pinned before APP goes on).
//
//===----------------------------------------------------------------------===//
#include "PreloadServer.h"

#include "Diag.h"
#include "PreloadProtocol.h"

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <map>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern "C" char **environ;

namespace bpfcov {

static_assert(sizeof(PreloadReport) == 32 && offsetof(PreloadReport, Ret) == 16,
              "the report has the same layout in preload.c");

namespace {

/// Why \p Base may not hold the socket's directory, or "": every directory
/// on its path must belong to root or bpfcov's user and, when others may
/// write to it, be sticky, so that no one else can rename or replace what
/// bpfcov makes in it.
std::string whyNotPrivateBase(const std::string &Base) {
  if (Base.empty() || Base[0] != '/')
    return "it is not an absolute path";
  for (size_t Pos = 0; Pos != std::string::npos;) {
    Pos = Base.find('/', Pos + 1);
    std::string Part = Base.substr(0, Pos);
    if (Part.empty())
      Part = "/";
    struct stat St;
    if (stat(Part.c_str(), &St) != 0)
      return "cannot stat '" + Part + "': " + std::strerror(errno);
    if (!S_ISDIR(St.st_mode))
      return "'" + Part + "' is not a directory";
    if (St.st_uid != 0 && St.st_uid != geteuid())
      return "'" + Part + "' belongs to uid " + std::to_string(St.st_uid);
    if ((St.st_mode & (S_IWGRP | S_IWOTH)) && !(St.st_mode & S_ISVTX))
      return "others may write to '" + Part + "', which is not sticky";
  }
  return "";
}

/// The parent of process \p Pid, from /proc/<pid>/stat, or -1.
pid_t parentOf(pid_t Pid) {
  char Path[64], Buf[512];
  std::snprintf(Path, sizeof(Path), "/proc/%d/stat", Pid);
  UniqueFd Fd(open(Path, O_RDONLY | O_CLOEXEC));
  ssize_t N = Fd.valid() ? read(Fd.get(), Buf, sizeof(Buf) - 1) : -1;
  if (N <= 0)
    return -1;
  Buf[N] = '\0';
  // "pid (comm) state ppid ...": comm may hold anything but the last ')'.
  char *Paren = std::strrchr(Buf, ')');
  char State;
  int Ppid;
  if (!Paren || std::sscanf(Paren + 1, " %c %d", &State, &Ppid) != 2)
    return -1;
  return Ppid;
}

/// True if \p Pid descends from bpfcov (APP's tree: bpfcov is its
/// subreaper, so orphans of the tree stay below it).
bool isInAppTree(pid_t Pid) {
  pid_t Self = getpid();
  for (int Depth = 0; Pid > 1 && Depth < 4096; ++Depth) {
    Pid = parentOf(Pid);
    if (Pid == Self)
      return true;
  }
  return false;
}

/// Processes descending from bpfcov, from /proc.
std::vector<pid_t> descendants() {
  std::map<pid_t, std::vector<pid_t>> Children;
  if (DIR *D = opendir("/proc")) {
    while (dirent *E = readdir(D)) {
      char *End;
      long Pid = std::strtol(E->d_name, &End, 10);
      if (*End || Pid <= 0)
        continue;
      if (pid_t Ppid = parentOf(static_cast<pid_t>(Pid)); Ppid > 0)
        Children[Ppid].push_back(static_cast<pid_t>(Pid));
    }
    closedir(D);
  }
  std::vector<pid_t> Out;
  std::vector<pid_t> Todo = {getpid()};
  while (!Todo.empty() && Out.size() < 100000) {
    pid_t P = Todo.back();
    Todo.pop_back();
    for (pid_t C : Children[P]) {
      Out.push_back(C);
      Todo.push_back(C);
    }
  }
  return Out;
}

void noteSignal(int) {}

} // namespace

std::vector<std::string> preloadEnvironment(char **Environ,
                                            const std::string &Library,
                                            const std::string &SocketPath,
                                            unsigned Uid, bool All) {
  std::string Preload = Library;
  std::vector<std::string> Env;
  for (char **E = Environ; *E; ++E) {
    std::string Var = *E;
    auto Is = [&](const char *Name) {
      size_t Len = std::strlen(Name);
      return Var.compare(0, Len, Name) == 0 && Var.size() > Len &&
             Var[Len] == '=';
    };
    if (Is("LD_PRELOAD")) {
      if (Var.size() > std::strlen("LD_PRELOAD="))
        Preload += ":" + Var.substr(std::strlen("LD_PRELOAD="));
    } else if (!Is(BPFCOV_PRELOAD_SOCK_ENV) && !Is(BPFCOV_PRELOAD_ALL_ENV) &&
               !Is(BPFCOV_PRELOAD_UID_ENV)) {
      Env.push_back(std::move(Var));
    }
  }
  Env.push_back("LD_PRELOAD=" + Preload);
  Env.push_back(BPFCOV_PRELOAD_SOCK_ENV "=" + SocketPath);
  Env.push_back(BPFCOV_PRELOAD_UID_ENV "=" + std::to_string(Uid));
  if (All)
    Env.push_back(BPFCOV_PRELOAD_ALL_ENV "=1");
  return Env;
}

PreloadServer::~PreloadServer() {
  if (!SocketPath.empty())
    unlink(SocketPath.c_str());
  if (!SocketDir.empty())
    rmdir(SocketDir.c_str());
}

/// Creates the socket the preload library reports to, in a new directory
/// that only bpfcov's user can enter, under a parent no one else can
/// change: reports hand over maps to pin.
int PreloadServer::listenForReports() {
  // TMPDIR if set, else a tmpfs (removing the directory from a disk file
  // system can take 0.4 ms, 1% of a short run), else /tmp. sun_path holds
  // 108 bytes, of which "/bpfcov-XXXXXX/sock" takes 19.
  std::vector<std::string> Bases;
  if (const char *Tmp = std::getenv("TMPDIR"); Tmp && *Tmp)
    Bases.push_back(Tmp);
  for (const char *Dir : {"/run", "/dev/shm"}) {
    struct statfs Fs;
    if (statfs(Dir, &Fs) == 0 && Fs.f_type == TMPFS_MAGIC)
      Bases.push_back(Dir);
  }
  Bases.push_back("/tmp");
  std::string Dir;
  int Err = -ENOENT;
  for (const std::string &Base : Bases) {
    if (std::string Why = whyNotPrivateBase(Base); !Why.empty()) {
      pDebug(1, "not making the preload socket under '%s': %s", Base.c_str(),
             Why.c_str());
      Err = -EPERM;
      continue;
    }
    Dir = Base + "/bpfcov-XXXXXX";
    if (Dir.size() + 5 < sizeof(sockaddr_un::sun_path) && mkdtemp(Dir.data()))
      break;
    Err = -errno;
    Dir.clear();
  }
  if (Dir.empty())
    return Err;
  SocketDir = Dir; // mode 0700
  std::string Path = Dir + "/sock";
  Listener.reset(
      socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!Listener.valid())
    return -errno;
  sockaddr_un Addr;
  std::memset(&Addr, 0, sizeof(Addr));
  Addr.sun_family = AF_UNIX;
  std::memcpy(Addr.sun_path, Path.c_str(), Path.size() + 1);
  if (bind(Listener.get(), reinterpret_cast<sockaddr *>(&Addr), sizeof(Addr)) !=
      0)
    return -errno;
  SocketPath = Path;
  if (listen(Listener.get(), SOMAXCONN) != 0)
    return -errno;
  pDebug(2, "reports of the preload library come on '%s'", Path.c_str());
  return 0;
}

int PreloadServer::start(char **Argv) {
  if (int Err = listenForReports())
    return Err;
  std::vector<std::string> Env = preloadEnvironment(
      environ, Library, SocketPath, geteuid(), traceAllBpf());
  std::vector<char *> Envp;
  for (std::string &Var : Env)
    Envp.push_back(Var.data());
  Envp.push_back(nullptr);
  // Orphans of the tree become bpfcov's children, so that bpfcov waits for
  // the whole tree, as for the tracees of ptrace mode.
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
    return -errno;
  if (int Err = App.start(Argv, Envp.data()))
    return Err;
  App.forwardSignals();
  // bpfcov holds a connection per process that reports: room for many.
  // Not before the fork: APP keeps the limits it would have had.
  rlimit Lim;
  if (getrlimit(RLIMIT_NOFILE, &Lim) == 0 && Lim.rlim_cur < Lim.rlim_max) {
    Lim.rlim_cur = Lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &Lim);
  }
  return 0;
}

/// Reaps the processes of the tree that exited (bpfcov is their subreaper).
/// Returns false once none is left.
bool PreloadServer::reapChildren() {
  for (;;) {
    // First the connections already made: a process that reported and
    // exited is only known as APP's while it is not reaped (its /proc
    // entry says whose child it is).
    if (Listener.valid() && !AcceptBlocked)
      acceptClients();
    int Status;
    pid_t Pid = waitpid(-1, &Status, WNOHANG);
    if (Pid > 0) {
      if (Pid == App.pid())
        App.onExited(Status, Sink);
      continue;
    }
    if (Pid == 0)
      return true;
    if (errno == EINTR)
      continue;
    if (errno != ECHILD)
      Sink.error("waitpid failed: %s", std::strerror(errno));
    return false;
  }
}

void PreloadServer::acceptClients() {
  for (;;) {
    int Fd =
        accept4(Listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (Fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      // Out of fds (a connection per reporting process): wait for one to
      // close rather than spin on the listener.
      AcceptBlocked = errno == EMFILE || errno == ENFILE;
      return; // EAGAIN: no one else
    }
    // Only the processes of APP's tree hand over maps to pin.
    ucred Cred;
    socklen_t Len = sizeof(Cred);
    if (getsockopt(Fd, SOL_SOCKET, SO_PEERCRED, &Cred, &Len) != 0 ||
        !isInAppTree(Cred.pid)) {
      pInfo("Warning: refused a connection to the preload socket from pid "
            "%d (uid %u), which is not a process of '%s'",
            Len == sizeof(Cred) ? Cred.pid : -1,
            Len == sizeof(Cred) ? Cred.uid : ~0u, App.path().c_str());
      close(Fd);
      continue;
    }
    // The report has usually arrived with the connection.
    if (serveClient(Fd))
      close(Fd);
    else
      Clients.emplace_back(Fd);
  }
}

/// Reads the reports that have come on connection \p Fd, acts on each and
/// acks those that ask for it. Returns true when done with \p Fd (the other
/// end closed it, or it broke).
bool PreloadServer::serveClient(int Fd) {
  for (;;) {
    PreloadReport R;
    union {
      char Buf[CMSG_SPACE(sizeof(int) * 4)];
      cmsghdr Align;
    } Control;
    iovec Iov = {&R, sizeof(R)};
    msghdr Msg;
    std::memset(&Msg, 0, sizeof(Msg));
    Msg.msg_iov = &Iov;
    Msg.msg_iovlen = 1;
    Msg.msg_control = Control.Buf;
    Msg.msg_controllen = sizeof(Control.Buf);
    ssize_t N = recvmsg(Fd, &Msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0 && errno == EAGAIN)
      return false;
    if (N <= 0)
      return true;
    // Whatever fds came along are bpfcov's now: keep the first.
    UniqueFd MapFd;
    for (cmsghdr *C = CMSG_FIRSTHDR(&Msg); C; C = CMSG_NXTHDR(&Msg, C)) {
      if (C->cmsg_level != SOL_SOCKET || C->cmsg_type != SCM_RIGHTS)
        continue;
      size_t Count = (C->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t I = 0; I < Count; ++I) {
        int Received;
        std::memcpy(&Received, CMSG_DATA(C) + I * sizeof(int), sizeof(int));
        if (MapFd.valid())
          close(Received);
        else
          MapFd.reset(Received);
      }
    }
    if (N != static_cast<ssize_t>(sizeof(R)) ||
        R.Magic != BPFCOV_PRELOAD_MAGIC ||
        R.Version != BPFCOV_PRELOAD_VERSION) {
      pDebug(2, "ignored a report of %zd bytes that is not of this bpfcov", N);
      return true;
    }
    ++NumReports;
    if (!(R.Flags & BPFCOV_PRELOAD_HAS_FD))
      MapFd.reset();
    // The library reports after the call: its entry, then its result.
    Sink.onBpfEntry(R.Tid, R.Cmd);
    Sink.onBpfResult(R.Tid, R.Cmd, R.Ret < 0 ? -1 : R.Ret, R.Errno,
                     [&] { return std::move(MapFd); });
    // The maps are pinned: the caller may go on.
    char Ack = 1;
    if (R.Flags & BPFCOV_PRELOAD_WANTS_ACK)
      send(Fd, &Ack, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
  }
}

void PreloadServer::serve() {
  // SIGCHLD, SIGINT and SIGTERM are only let in while ppoll() waits, so none
  // slips in between reaping (or forwarding) and sleeping.
  struct sigaction Sa, OldChld;
  std::memset(&Sa, 0, sizeof(Sa));
  Sa.sa_handler = noteSignal;
  sigemptyset(&Sa.sa_mask);
  sigaction(SIGCHLD, &Sa, &OldChld);
  sigset_t Block, Old, Waiting;
  sigemptyset(&Block);
  for (int Sig : {SIGCHLD, SIGINT, SIGTERM})
    sigaddset(&Block, Sig);
  sigprocmask(SIG_BLOCK, &Block, &Old);
  Waiting = Old;
  for (int Sig : {SIGCHLD, SIGINT, SIGTERM})
    sigdelset(&Waiting, Sig);

  std::vector<pollfd> Fds;
  while (reapChildren()) {
    if (int Sig = takePendingSignal()) {
      // APP is gone: pass the signal on to what is left of its tree.
      for (pid_t Pid : descendants())
        kill(Pid, Sig);
    }
    Fds.clear();
    Fds.push_back(
        {Listener.get(), static_cast<short>(AcceptBlocked ? 0 : POLLIN), 0});
    for (const UniqueFd &C : Clients)
      Fds.push_back({C.get(), POLLIN, 0});
    if (ppoll(Fds.data(), Fds.size(), nullptr, &Waiting) < 0) {
      if (errno == EINTR)
        continue;
      // Reports would wait for acks forever: stop taking them.
      Sink.error("cannot wait for the reports of the preload library: %s",
                 std::strerror(errno));
      Clients.clear();
      Listener.reset();
      sigprocmask(SIG_SETMASK, &Old, nullptr);
      for (;;) {
        int Status;
        pid_t Pid = waitpid(-1, &Status, 0);
        if (Pid == App.pid())
          App.onExited(Status, Sink);
        if (Pid < 0 && errno != EINTR)
          break;
      }
      break;
    }
    // Connections in the order they came, then new ones.
    std::vector<UniqueFd> Open;
    for (size_t I = 0; I < Clients.size(); ++I)
      if (!Fds[I + 1].revents || !serveClient(Clients[I].get()))
        Open.push_back(std::move(Clients[I]));
    if (Open.size() < Clients.size())
      AcceptBlocked = false;
    Clients = std::move(Open);
    if (Fds[0].revents)
      acceptClients();
  }
  // Reports that processes sent just before they ended.
  if (Listener.valid()) {
    for (UniqueFd &C : Clients)
      serveClient(C.get());
    acceptClients();
  }
  Clients.clear();
  Listener.reset();
  sigprocmask(SIG_SETMASK, &Old, nullptr);
  sigaction(SIGCHLD, &OldChld, nullptr);
}

} // namespace bpfcov

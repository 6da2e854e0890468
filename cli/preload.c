/*===-- preload.c - libbpfcov-preload.so: bpf() calls for bpfcov run ------===
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * `bpfcov run` puts this library in APP's LD_PRELOAD (preload mode). It
 * replaces libc's syscall(), through which libbpf makes every bpf() call, and
 * makes other syscalls itself as directly as libc does: APP pays nothing per
 * syscall (ptrace mode's seccomp filter costs every syscall ~30 ns). Each
 * successful bpf() that creates or freezes a map or loads a program is
 * reported to bpfcov (PreloadProtocol.h), a new map's fd with it. Once a
 * covmap was created, the next freeze or program load waits for bpfcov's
 * ack: the object's maps are pinned before APP goes on, as under ptrace, and
 * APP waits for nothing else. No malloc and no locks that wait:
 * async-signal-safe, thread-safe and fork-safe.
 *
 * USAGE: bpfcov run ./app (sets LD_PRELOAD and BPFCOV_PRELOAD_SOCK)
 *===----------------------------------------------------------------------===*/
#define _GNU_SOURCE
#include "PreloadProtocol.h"
#include "bpfcov/Sections.h"

#include <dlfcn.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

static struct sockaddr_un Addr; /* bpfcov's socket */
static socklen_t AddrLen;       /* 0: not under bpfcov run, report nothing */
static int ReportAll;           /* bpfcov -v: every bpf() call */
static int Warned;              /* the can't-reach warning was printed */
/* The covmap's map name: its creation announces pins. */
static const char PinMap[] = BPFCOV_COVMAP_SECTION;
_Static_assert(sizeof(PinMap) <= BPF_OBJ_NAME_LEN,
               "the kernel keeps the whole map name");
static int PinDue; /* a covmap was created since the last ack */
static uid_t ServerUid; /* bpfcov's uid: the only peer reported to */

/* This process's connection to bpfcov, made at its first report. Conn is
 * only used by whoever sets Busy; Dev and Ino tell it from a file that APP
 * opened on the same fd number after closing ours (daemons close all fds). */
static int Conn = -1;
static pid_t ConnPid;
static dev_t ConnDev;
static ino_t ConnIno;
static int Busy;

//===-- The syscall itself ------------------------------------------------===//

#if defined(__x86_64__) || defined(__aarch64__)
/* What libc's syscall() does, inline: the instruction, errno from the
 * kernel's -4095..-1. */
static long rawSyscall(long Nr, long A1, long A2, long A3, long A4, long A5,
                       long A6) {
#if defined(__x86_64__)
  register long R10 __asm__("r10") = A4;
  register long R8 __asm__("r8") = A5;
  register long R9 __asm__("r9") = A6;
  long Ret;
  __asm__ volatile("syscall"
                   : "=a"(Ret)
                   : "a"(Nr), "D"(A1), "S"(A2), "d"(A3), "r"(R10), "r"(R8),
                     "r"(R9)
                   : "rcx", "r11", "memory");
#else
  register long X8 __asm__("x8") = Nr;
  register long X0 __asm__("x0") = A1;
  register long X1 __asm__("x1") = A2;
  register long X2 __asm__("x2") = A3;
  register long X3 __asm__("x3") = A4;
  register long X4 __asm__("x4") = A5;
  register long X5 __asm__("x5") = A6;
  __asm__ volatile("svc #0"
                   : "+r"(X0)
                   : "r"(X8), "r"(X1), "r"(X2), "r"(X3), "r"(X4), "r"(X5)
                   : "memory");
  long Ret = X0;
#endif
  if ((unsigned long)Ret > -4096UL) {
    errno = (int)-Ret;
    return -1;
  }
  return Ret;
}
#else
/* Elsewhere: libc's own syscall(), found once. */
typedef long (*SyscallFn)(long, ...);
static SyscallFn RealSyscall;

static long rawSyscall(long Nr, long A1, long A2, long A3, long A4, long A5,
                       long A6) {
  SyscallFn F = __atomic_load_n(&RealSyscall, __ATOMIC_ACQUIRE);
  if (__builtin_expect(!F, 0)) {
    /* Called from another library's constructor, before ours. */
    F = (SyscallFn)dlsym(RTLD_NEXT, "syscall");
    if (!F) {
      errno = ENOSYS;
      return -1;
    }
    __atomic_store_n(&RealSyscall, F, __ATOMIC_RELEASE);
  }
  return F(Nr, A1, A2, A3, A4, A5, A6);
}
#endif

__attribute__((constructor)) static void init(void) {
  /* Read once: a later setenv() or unsetenv() in APP only affects what it
   * execs. */
  const char *Path = getenv(BPFCOV_PRELOAD_SOCK_ENV);
  size_t Len = Path ? strlen(Path) : 0;
  /* Without bpfcov's uid no peer can be trusted: report nothing. */
  const char *Uid = getenv(BPFCOV_PRELOAD_UID_ENV);
  char *End = NULL;
  unsigned long U = Uid && *Uid ? strtoul(Uid, &End, 10) : 0;
  if (!End || *End || U > (uid_t)-1)
    Len = 0;
  ServerUid = (uid_t)U;
  if (Len && Len < sizeof(Addr.sun_path)) {
    Addr.sun_family = AF_UNIX;
    memcpy(Addr.sun_path, Path, Len + 1);
    AddrLen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + Len + 1);
  }
  const char *All = getenv(BPFCOV_PRELOAD_ALL_ENV);
  ReportAll = All && All[0] == '1' && !All[1];
}

//===-- Reports -----------------------------------------------------------===//

/* Writes S to stderr, no stdio. */
static void writeErr(const char *S) {
  size_t Len = strlen(S);
  while (Len) {
    ssize_t N = write(2, S, Len);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return;
    S += N;
    Len -= (size_t)N;
  }
}

/* Once per process: bpfcov is gone or out of reach (another mount
 * namespace, no permission): APP goes on, its new maps are not pinned. */
static void warnUnreachable(int Err) {
  if (__atomic_exchange_n(&Warned, 1, __ATOMIC_RELAXED))
    return;
  char Num[16];
  char *P = Num + sizeof(Num);
  *--P = '\0';
  unsigned U = Err > 0 ? (unsigned)Err : 0;
  do
    *--P = (char)('0' + U % 10);
  while ((U /= 10) && P > Num);
  writeErr("bpfcov-preload: cannot report bpf() calls to 'bpfcov run' at '");
  writeErr(Addr.sun_path);
  if (Err == EPERM)
    writeErr("' (not bpfcov's socket: its owner is not bpfcov's uid): the "
             "coverage maps this process creates are not pinned\n");
  else {
    writeErr("' (errno ");
    writeErr(P);
    writeErr("): the coverage maps this process creates are not pinned; "
             "run with --trace=ptrace\n");
  }
}

/* A new connection to bpfcov, or -errno. */
static int connectToBpfcov(void) {
  int Sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (Sock < 0)
    return -errno;
  int Rc;
  while ((Rc = connect(Sock, (const struct sockaddr *)&Addr, AddrLen)) < 0 &&
         errno == EINTR)
    ;
  /* EINTR then EISCONN: the first attempt completed meanwhile. */
  if (Rc < 0 && errno != EISCONN) {
    int Err = errno;
    close(Sock);
    return -Err;
  }
  /* Map fds go only to bpfcov: whoever listens must run as bpfcov's uid
   * (anyone may have bound a socket at a path under a careless TMPDIR). */
  struct ucred Cred;
  socklen_t CredLen = sizeof(Cred);
  if (getsockopt(Sock, SOL_SOCKET, SO_PEERCRED, &Cred, &CredLen) != 0 ||
      CredLen != sizeof(Cred) || Cred.uid != ServerUid) {
    close(Sock);
    return -EPERM;
  }
  return Sock;
}

/* Sends R (and Fd) on Sock, then waits for the ack if R asks for one.
 * Returns 0 or -errno. */
static int sendReport(int Sock, const struct PreloadReport *R, int Fd) {
  struct iovec Iov = {(void *)R, sizeof(*R)};
  union {
    char Buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr Align;
  } Control;
  struct msghdr Msg;
  memset(&Msg, 0, sizeof(Msg));
  Msg.msg_iov = &Iov;
  Msg.msg_iovlen = 1;
  if (R->Flags & BPFCOV_PRELOAD_HAS_FD) {
    memset(&Control, 0, sizeof(Control));
    Msg.msg_control = Control.Buf;
    Msg.msg_controllen = sizeof(Control.Buf);
    struct cmsghdr *C = CMSG_FIRSTHDR(&Msg);
    C->cmsg_level = SOL_SOCKET;
    C->cmsg_type = SCM_RIGHTS;
    C->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(C), &Fd, sizeof(int));
  }
  ssize_t N;
  while ((N = sendmsg(Sock, &Msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
    ;
  if (N != (ssize_t)sizeof(*R))
    return N < 0 ? -errno : -EPIPE;
  if (!(R->Flags & BPFCOV_PRELOAD_WANTS_ACK))
    return 0;
  char Ack;
  while ((N = recv(Sock, &Ack, 1, 0)) < 0 && errno == EINTR)
    ;
  return N == 1 ? 0 : N < 0 ? -errno : -EPIPE;
}

static int isConn(int Fd) {
  struct stat St;
  return fstat(Fd, &St) == 0 && St.st_dev == ConnDev && St.st_ino == ConnIno;
}

static void report(const struct PreloadReport *R, int Fd) {
  int Err;
  if (!__atomic_exchange_n(&Busy, 1, __ATOMIC_ACQUIRE)) {
    /* Not the connection of the parent this process was forked from, nor
     * whatever APP put on its fd number. */
    if (Conn >= 0 && (ConnPid != getpid() || !isConn(Conn))) {
      if (ConnPid != getpid() && isConn(Conn))
        close(Conn);
      Conn = -1;
    }
    Err = 0;
    if (Conn < 0) {
      struct stat St;
      Err = connectToBpfcov();
      if (Err >= 0 && fstat(Err, &St) == 0) {
        Conn = Err;
        ConnPid = getpid();
        ConnDev = St.st_dev;
        ConnIno = St.st_ino;
        Err = 0;
      } else if (Err >= 0) {
        close(Err);
        Err = -EBADF;
      }
    }
    if (!Err && (Err = sendReport(Conn, R, Fd)) != 0) {
      close(Conn);
      Conn = -1;
    }
    __atomic_store_n(&Busy, 0, __ATOMIC_RELEASE);
  } else {
    /* Another thread, or a signal handler that interrupted a report: a
     * connection of its own. */
    int Sock = connectToBpfcov();
    Err = Sock < 0 ? Sock : sendReport(Sock, R, Fd);
    if (Sock >= 0)
      close(Sock);
  }
  if (Err)
    warnUnreachable(-Err);
}

static int isReportedCmd(uint32_t Cmd) {
  static const uint32_t Reported[] = {BPFCOV_REPORTED_CMDS};
  for (size_t I = 0; I < sizeof(Reported) / sizeof(Reported[0]); ++I)
    if (Cmd == Reported[I])
      return 1;
  return 0;
}

/* True if BPF_MAP_CREATE with \p Attr (\p Size bytes) made the covmap. */
static int createsPinMap(const union bpf_attr *Attr, unsigned long Size) {
  /* The name with its NUL (shorter than the kernel's 16 bytes). */
  return Attr && Size >= offsetof(union bpf_attr, map_name) + sizeof(PinMap) &&
         memcmp(Attr->map_name, PinMap, sizeof(PinMap)) == 0;
}

/* The fd of the last syscall program loaded (a light skeleton's loader,
 * whose run makes the object's maps inside the kernel), or -1. */
static int LoaderProgFd = -1;

/* True if BPF_PROG_LOAD with \p Attr (\p Size bytes) loads a syscall
 * program. */
static int loadsLoaderProgram(const union bpf_attr *Attr, unsigned long Size) {
  return Attr &&
         Size >= offsetof(union bpf_attr, prog_type) + sizeof(Attr->prog_type) &&
         Attr->prog_type == BPF_PROG_TYPE_SYSCALL;
}

/* True if BPF_PROG_TEST_RUN with \p Attr (\p Size bytes) ran the loader
 * program: test harnesses make millions of other runs, which cost nothing
 * more than this test. */
static int runsLoaderProgram(const union bpf_attr *Attr, unsigned long Size) {
  int Fd = __atomic_load_n(&LoaderProgFd, __ATOMIC_RELAXED);
  return Fd >= 0 && Attr &&
         Size >= offsetof(union bpf_attr, test.prog_fd) +
                     sizeof(Attr->test.prog_fd) &&
         Attr->test.prog_fd == (uint32_t)Fd &&
         __atomic_compare_exchange_n(&LoaderProgFd, &Fd, -1, 0,
                                     __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* bpf(), reported when it matters. Out of line: syscall() stays lean. */
__attribute__((noinline)) static long reportedBpf(long A1, long A2, long A3,
                                                  long A4, long A5, long A6) {
  long Ret = rawSyscall(SYS_bpf, A1, A2, A3, A4, A5, A6);
  int Err = errno;
  /* `int cmd`: the kernel only looks at the low 32 bits. */
  uint32_t Cmd = (uint32_t)A1;
  if (Ret >= 0 && Cmd == BPF_PROG_LOAD &&
      loadsLoaderProgram((const union bpf_attr *)A2, (unsigned long)A3))
    __atomic_store_n(&LoaderProgFd, (int)Ret, __ATOMIC_RELAXED);
  int LoaderRun = Ret >= 0 && Cmd == BPFCOV_LOADER_RUN_CMD &&
                  runsLoaderProgram((const union bpf_attr *)A2,
                                    (unsigned long)A3);
  if (ReportAll || LoaderRun || (Ret >= 0 && isReportedCmd(Cmd))) {
    struct PreloadReport R;
    memset(&R, 0, sizeof(R));
    R.Magic = BPFCOV_PRELOAD_MAGIC;
    R.Version = BPFCOV_PRELOAD_VERSION;
    R.Cmd = Cmd;
    R.Tid = (int32_t)rawSyscall(SYS_gettid, 0, 0, 0, 0, 0, 0);
    R.Ret = Ret;
    R.Errno = Ret < 0 ? Err : 0;
    if (Cmd == BPF_MAP_CREATE && Ret >= 0) {
      R.Flags |= BPFCOV_PRELOAD_HAS_FD;
      if (createsPinMap((const union bpf_attr *)A2, (unsigned long)A3))
        __atomic_store_n(&PinDue, 1, __ATOMIC_RELAXED);
    }
    /* libbpf fills and freezes each .rodata map right after creating it,
     * and loads programs once all maps are ready: the first of these after
     * a covmap was created is when bpfcov pins. The fd in flight keeps a
     * new map alive until bpfcov has it. */
    if (Ret >= 0 && (Cmd == BPF_MAP_FREEZE || Cmd == BPF_PROG_LOAD) &&
        (ReportAll || __atomic_exchange_n(&PinDue, 0, __ATOMIC_RELAXED)))
      R.Flags |= BPFCOV_PRELOAD_WANTS_ACK;
    /* A loader program's maps are pinned before the app may close them. */
    if (LoaderRun)
      R.Flags |= BPFCOV_PRELOAD_WANTS_ACK;
    report(&R, (int)Ret);
  }
  errno = Err;
  return Ret;
}

/* libc's syscall(), declared with its arguments spelled out: on the ABIs of
 * rawSyscall() variadic and fixed integer arguments are passed alike. Like
 * libc, it reads six whatever the caller passed. */
EXPORT long bpfcovSyscall(long Nr, long A1, long A2, long A3, long A4, long A5,
                          long A6) __asm__("syscall");
long bpfcovSyscall(long Nr, long A1, long A2, long A3, long A4, long A5,
                   long A6) {
  if (__builtin_expect(Nr == SYS_bpf && AddrLen, 0))
    return reportedBpf(A1, A2, A3, A4, A5, A6);
  return rawSyscall(Nr, A1, A2, A3, A4, A5, A6);
}

// SPDX-License-Identifier: Apache-2.0
// Syscalls through libc's syscall(), which libbpfcov-preload.so replaces:
// prints what each returns so that a run under `bpfcov run` (preload mode)
// can be compared line by line with a native run. Covers a syscall with six
// arguments (mmap of a file at an offset), errno of a failed call, a bpf()
// that fails (reported under -v) and one that creates a map (reported, its
// fd sent to bpfcov) after which errno must still be what it was. Then, as
// daemons do, it closes every fd above 2 and opens a file, which may get the
// number of the library's socket: the next report must not go into the file.
//
// USAGE: preload-syscalls FILE (FILE: scratch file, overwritten)
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int Argc, char **Argv) {
  if (Argc != 2) {
    fprintf(stderr, "usage: preload-syscalls FILE\n");
    return 2;
  }
  printf("getppid: %s\n",
         syscall(SYS_getppid) == getppid() ? "same as getppid()" : "DIFFERS");
  printf("getpid: %s\n",
         syscall(SYS_getpid) == getpid() ? "same as getpid()" : "DIFFERS");
  errno = 0;
  long Ret = syscall(SYS_close, -1);
  printf("close(-1): %ld %s\n", Ret, strerror(errno));

  // Six arguments: the offset (the sixth) picks the second page.
  int Fd = open(Argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
  char Page[4096];
  memset(Page, 'A', sizeof(Page));
  if (Fd < 0 || write(Fd, Page, sizeof(Page)) != sizeof(Page))
    return 1;
  memset(Page, 'B', sizeof(Page));
  if (write(Fd, Page, sizeof(Page)) != sizeof(Page))
    return 1;
  char *P = (char *)syscall(SYS_mmap, NULL, 4096L, (long)PROT_READ,
                            (long)MAP_PRIVATE, (long)Fd, 4096L);
  printf("mmap(6 args): %c\n", P == MAP_FAILED ? '?' : P[0]);
  close(Fd);

  errno = 0;
  Ret = syscall(SYS_bpf, 9999, NULL, 0);
  printf("bpf(9999): %ld %s\n", Ret, strerror(errno));

  union bpf_attr Attr;
  memset(&Attr, 0, sizeof(Attr));
  Attr.map_type = BPF_MAP_TYPE_ARRAY;
  Attr.key_size = 4;
  Attr.value_size = 8;
  Attr.max_entries = 1;
  strcpy(Attr.map_name, "passthrough");
  errno = 77;
  Ret = syscall(SYS_bpf, BPF_MAP_CREATE, &Attr, sizeof(Attr));
  int Errno = errno;
  printf("bpf(BPF_MAP_CREATE): %s, errno %d\n", Ret >= 0 ? "an fd" : "failed",
         Errno);

  for (int I = 3; I < 64; ++I)
    close(I);
  Fd = open(Argv[1], O_RDWR | O_APPEND);
  Ret = syscall(SYS_bpf, BPF_MAP_CREATE, &Attr, sizeof(Attr));
  struct stat St;
  if (Fd < 0 || fstat(Fd, &St) != 0)
    return 1;
  printf("after closing all fds: bpf(BPF_MAP_CREATE): %s, FILE has %lld "
         "bytes\n",
         Ret >= 0 ? "an fd" : "failed", (long long)St.st_size);
  return 0;
}

// SPDX-License-Identifier: Apache-2.0
// A statically linked program (built with -static by the tests) that runs
// ARGS: `bpfcov run` must trace it with seccomp and ptrace, LD_PRELOAD cannot
// reach into it, and still see the bpf() calls of the dynamically linked
// loader it execs.
//
// USAGE: static-exec PROGRAM [ARGS...]
#include <stdio.h>
#include <unistd.h>

int main(int Argc, char **Argv) {
  if (Argc < 2) {
    fprintf(stderr, "usage: static-exec PROGRAM [ARGS...]\n");
    return 2;
  }
  execv(Argv[1], Argv + 1);
  perror("static-exec: execv");
  return 127;
}

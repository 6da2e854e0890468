// SPDX-License-Identifier: Apache-2.0
// The application of the run-overhead benchmark: loads an instrumented BPF
// object with libbpf, attaches its programs (unless --no-attach), then makes
// N getppid() syscalls (default 200000). Run it natively and under
// `bpfcov run`: only bpf() stops a traced app, so both should take about
// the same time. Attached, the object's program runs on every getppid();
// with --no-attach getppid() stays on the kernel's syscall fast path
// natively, the worst case for a seccomp filter. With --test-runs it makes N
// BPF_PROG_TEST_RUN calls of the XDP program instead, as a test harness
// does: bpf() calls that must not stop a traced app either.
//
// USAGE: run-overhead [--no-attach|--test-runs] OBJ [N]
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int Argc, char **Argv) {
  int Attach = 1, TestRuns = 0;
  if (Argc > 1 && (!strcmp(Argv[1], "--no-attach") ||
                   !strcmp(Argv[1], "--test-runs"))) {
    TestRuns = !strcmp(Argv[1], "--test-runs");
    Attach = 0;
    --Argc;
    ++Argv;
  }
  if (Argc < 2) {
    fprintf(stderr, "usage: run-overhead [--no-attach|--test-runs] OBJ [N]\n");
    return 2;
  }
  long N = Argc > 2 ? atol(Argv[2]) : 200000;
  struct bpf_object *Obj = bpf_object__open_file(Argv[1], NULL);
  if (!Obj || bpf_object__load(Obj) != 0) {
    fprintf(stderr, "run-overhead: cannot load '%s': %s\n", Argv[1],
            strerror(errno));
    return 1;
  }
  struct bpf_program *Prog;
  bpf_object__for_each_program(Prog, Obj) {
    if (TestRuns && bpf_program__type(Prog) == BPF_PROG_TYPE_XDP) {
      char Frame[64] = {0}, Out[128];
      for (long I = 0; I < N; ++I) {
        LIBBPF_OPTS(bpf_test_run_opts, Opts, .data_in = Frame,
                    .data_size_in = sizeof(Frame), .data_out = Out,
                    .data_size_out = sizeof(Out), .repeat = 1);
        if (bpf_prog_test_run_opts(bpf_program__fd(Prog), &Opts) != 0) {
          fprintf(stderr, "run-overhead: BPF_PROG_TEST_RUN: %s\n",
                  strerror(errno));
          return 1;
        }
      }
      N = 0; // no getppid() calls
    }
    if (Attach && bpf_program__type(Prog) == BPF_PROG_TYPE_TRACEPOINT &&
        !bpf_program__attach(Prog)) {
      fprintf(stderr, "run-overhead: cannot attach '%s': %s\n",
              bpf_program__name(Prog), strerror(errno));
      return 1;
    }
  }
  // The raw syscall: glibc may not cache getppid, but be sure.
  for (long I = 0; I < N; ++I)
    syscall(SYS_getppid);
  bpf_object__close(Obj);
  return 0;
}

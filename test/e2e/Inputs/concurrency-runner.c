// SPDX-License-Identifier: Apache-2.0
// Loads an instrumented BPF object, zeroes its counters (.data.profc), runs
// its first program from THREADS threads at once (one per CPU, released
// together), each making one BPF_PROG_TEST_RUN with repeat RUNS over a
// 64-byte packet whose bytes are 0..63, then prints every counter. With
// atomic counters the totals are exact; with plain ones two CPUs lose
// increments. With ROWS (per-CPU counters, one function: .data.profc is
// ROWS rows of N counters and padding) it prints each column of the rows
// summed.
// Used by test/e2e/concurrency-*.test.
//
// USAGE: concurrency-runner OBJ THREADS RUNS [ROWS]
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_THREADS 64

static int ProgFd;
static unsigned NumThreads, Runs;
static atomic_uint Ready;

struct Runner {
  pthread_t Thread;
  unsigned Index;
  int Err;
  unsigned Retval;
};

static void *run(void *Arg) {
  struct Runner *R = Arg;
  long NumCpus = sysconf(_SC_NPROCESSORS_ONLN);
  cpu_set_t Set;
  unsigned char Pkt[64], Out[64];

  CPU_ZERO(&Set);
  CPU_SET(R->Index % (NumCpus > 0 ? NumCpus : 1), &Set);
  pthread_setaffinity_np(pthread_self(), sizeof(Set), &Set);
  for (unsigned I = 0; I < sizeof(Pkt); I++)
    Pkt[I] = (unsigned char)I;
  LIBBPF_OPTS(bpf_test_run_opts, Opts, .data_in = Pkt,
              .data_size_in = sizeof(Pkt), .data_out = Out,
              .data_size_out = sizeof(Out), .repeat = (int)Runs);
  atomic_fetch_add(&Ready, 1);
  while (atomic_load(&Ready) < NumThreads)
    ; /* start together: the runs must overlap */
  if (bpf_prog_test_run_opts(ProgFd, &Opts))
    R->Err = -errno;
  R->Retval = Opts.retval;
  return NULL;
}

int main(int Argc, char **Argv) {
  struct Runner Runners[MAX_THREADS];
  struct bpf_object *Obj;
  struct bpf_program *Prog;
  struct bpf_map *Map;
  unsigned long long *Counters;
  unsigned Zero = 0, N, Rows = 1;
  int MapFd, Err;

  if ((Argc != 4 && Argc != 5) || !(NumThreads = strtoul(Argv[2], NULL, 10)) ||
      NumThreads > MAX_THREADS || !(Runs = strtoul(Argv[3], NULL, 10)) ||
      (Argc == 5 && !(Rows = strtoul(Argv[4], NULL, 10)))) {
    fprintf(stderr, "usage: %s OBJ THREADS(1..%d) RUNS [ROWS]\n", Argv[0],
            MAX_THREADS);
    return 2;
  }
  Obj = bpf_object__open_file(Argv[1], NULL);
  if (!Obj) {
    fprintf(stderr, "Error: cannot open '%s': %s\n", Argv[1], strerror(errno));
    return 1;
  }
  if ((Err = bpf_object__load(Obj))) {
    fprintf(stderr, "Error: cannot load '%s': %s\n", Argv[1], strerror(-Err));
    return 1;
  }
  Prog = bpf_object__next_program(Obj, NULL);
  Map = bpf_object__find_map_by_name(Obj, ".data.profc");
  if (!Prog || !Map) {
    fprintf(stderr, "Error: '%s' has no program or no '.data.profc' map\n",
            Argv[1]);
    return 1;
  }
  ProgFd = bpf_program__fd(Prog);
  MapFd = bpf_map__fd(Map);
  N = bpf_map__value_size(Map) / 8;
  Counters = calloc(N, 8);
  if (!Counters) {
    fprintf(stderr, "Error: out of memory\n");
    return 1;
  }
  if (bpf_map_update_elem(MapFd, &Zero, Counters, BPF_ANY)) {
    fprintf(stderr, "Error: cannot zero the counters: %s\n", strerror(errno));
    return 1;
  }
  for (unsigned T = 0; T < NumThreads; T++) {
    Runners[T] = (struct Runner){.Index = T};
    if (pthread_create(&Runners[T].Thread, NULL, run, &Runners[T])) {
      fprintf(stderr, "Error: cannot start thread %u\n", T);
      return 1;
    }
  }
  for (unsigned T = 0; T < NumThreads; T++) {
    pthread_join(Runners[T].Thread, NULL);
    if (Runners[T].Err) {
      fprintf(stderr, "Error: BPF_PROG_TEST_RUN failed: %s\n",
              strerror(-Runners[T].Err));
      return 1;
    }
  }
  if (bpf_map_lookup_elem(MapFd, &Zero, Counters)) {
    fprintf(stderr, "Error: cannot read the counters: %s\n", strerror(errno));
    return 1;
  }
  printf("program %s: %u threads x %u runs, retval %u\n",
         bpf_program__name(Prog), NumThreads, Runs, Runners[0].Retval);
  if (N % Rows) {
    fprintf(stderr, "Error: %u counters are not %u rows\n", N, Rows);
    return 1;
  }
  if (Rows > 1)
    printf("rows %u\n", Rows);
  printf("counters %u\n", N / Rows);
  for (unsigned I = 0; I < N / Rows; I++) {
    unsigned long long Sum = 0;
    unsigned Used = 0;
    for (unsigned R = 0; R < Rows; R++) {
      Sum += Counters[R * (N / Rows) + I];
      Used += Counters[R * (N / Rows) + I] != 0;
    }
    if (Rows > 1)
      printf("counter %u: %llu (rows used %u)\n", I, Sum, Used);
    else
      printf("counter %u: %llu\n", I, Sum);
  }
  free(Counters);
  bpf_object__close(Obj);
  return 0;
}

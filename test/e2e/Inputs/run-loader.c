// SPDX-License-Identifier: Apache-2.0
// The application of the `bpfcov run` tests: loads each OBJ with libbpf and
// runs every program of the I-th object (I from 1) (SMALL + BIG) * I times
// with BPF_PROG_TEST_RUN (64-byte packets SMALL * I times, 200-byte ones
// BIG * I times), so each object's counters are known exactly. Then, as
// asked: waits for a signal, exits with a code, or kills itself.
//
// USAGE: run-loader [--small=N] [--big=N] [--fork | --spawn] [--thread]
//                   [--ready=FILE --wait] [--exit=N] [--kill] OBJ...
//   --fork    load in a forked child (the parent waits, exits like it)
//   --spawn   the same through posix_spawn (vfork), which execs this loader
//   --thread  load in a second thread
//   --ready   create FILE once everything is loaded and run
//   --wait    then wait (at most 20 s) for SIGINT or SIGTERM: exit 100+SIG
//   --exit=N  exit N at the end;  --kill  raise SIGKILL at the end
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int Small = 3, Big = 1, Fork, Spawn, Thread, Wait, Kill, ExitCode;
extern char **environ;
static const char *Ready;
static char **Objs;
static int NumObjs;

static int runProgram(int Fd, unsigned Len, int Times) {
  char Pkt[200] = {0};
  for (int I = 0; I < Times; ++I) {
    LIBBPF_OPTS(bpf_test_run_opts, Opts, .data_in = Pkt, .data_size_in = Len);
    if (bpf_prog_test_run_opts(Fd, &Opts) != 0) {
      fprintf(stderr, "loader: BPF_PROG_TEST_RUN failed: %s\n",
              strerror(errno));
      return 1;
    }
  }
  return 0;
}

/// Loads and runs every object; they stay loaded until the process exits.
static void *loadAll(void *Unused) {
  (void)Unused;
  for (int I = 0; I < NumObjs; ++I) {
    struct bpf_object *Obj = bpf_object__open_file(Objs[I], NULL);
    if (!Obj || bpf_object__load(Obj) != 0) {
      fprintf(stderr, "loader: cannot load '%s': %s\n", Objs[I],
              strerror(errno));
      return (void *)1;
    }
    struct bpf_program *Prog;
    bpf_object__for_each_program(Prog, Obj) {
      int Fd = bpf_program__fd(Prog);
      if (runProgram(Fd, 64, Small * (I + 1)) ||
          runProgram(Fd, 200, Big * (I + 1)))
        return (void *)1;
    }
  }
  return NULL;
}

static void onSignal(int Sig) {
  char Msg[] = "loader: got signal NN\n";
  Msg[19] = '0' + Sig / 10;
  Msg[20] = '0' + Sig % 10;
  write(2, Msg, sizeof(Msg) - 1);
  _exit(100 + Sig);
}

static int work(void) {
  if (Thread) {
    pthread_t T;
    void *Ret;
    if (pthread_create(&T, NULL, loadAll, NULL) != 0 ||
        pthread_join(T, &Ret) != 0 || Ret)
      return 1;
  } else if (loadAll(NULL)) {
    return 1;
  }
  if (Ready) {
    int Fd = open(Ready, O_CREAT | O_WRONLY, 0600);
    if (Fd >= 0)
      close(Fd);
  }
  if (Wait) {
    alarm(20); // never hang a test run
    for (;;)
      pause();
  }
  if (Kill)
    raise(SIGKILL);
  return ExitCode;
}

int main(int Argc, char **Argv) {
  int I = 1;
  for (; I < Argc && strncmp(Argv[I], "--", 2) == 0; ++I) {
    const char *A = Argv[I];
    if (!strncmp(A, "--small=", 8))
      Small = atoi(A + 8);
    else if (!strncmp(A, "--big=", 6))
      Big = atoi(A + 6);
    else if (!strcmp(A, "--fork"))
      Fork = 1;
    else if (!strcmp(A, "--spawn"))
      Spawn = I;
    else if (!strcmp(A, "--thread"))
      Thread = 1;
    else if (!strncmp(A, "--ready=", 8))
      Ready = A + 8;
    else if (!strcmp(A, "--wait"))
      Wait = 1;
    else if (!strcmp(A, "--kill"))
      Kill = 1;
    else if (!strncmp(A, "--exit=", 7))
      ExitCode = atoi(A + 7);
    else {
      fprintf(stderr, "loader: unknown option '%s'\n", A);
      return 2;
    }
  }
  Objs = Argv + I;
  NumObjs = Argc - I;
  signal(SIGINT, onSignal);
  signal(SIGTERM, onSignal);
  libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
  pid_t Pid;
  if (Spawn) {
    // The same command line without --spawn, run by a vfork child.
    for (int J = Spawn; J < Argc; ++J)
      Argv[J] = Argv[J + 1];
    if (posix_spawn(&Pid, "/proc/self/exe", NULL, NULL, Argv, environ) != 0)
      return 1;
  } else if (Fork) {
    Pid = fork();
    if (Pid == 0)
      _exit(work());
  } else {
    return work();
  }
  int Status;
  if (Pid < 0 || waitpid(Pid, &Status, 0) != Pid)
    return 1;
  return WIFEXITED(Status) ? WEXITSTATUS(Status) : 128 + WTERMSIG(Status);
}

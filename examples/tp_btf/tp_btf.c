/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tp_btf.c - loader of the tp_btf example. Loads and attaches the
 * tp_btf/task_newtask program, then creates tasks of every kind: 3 fork(2)
 * children, 2 threads, 1 vfork(2) child and 1 clone(2) child sharing the
 * address space, and checks the counts. A kernel that refuses tracing
 * programs (EPERM, ENOTSUPP) makes the loader say so and exit 77 (skipped).
 * Built twice: tp_btf (instrumented skeleton) and tp_btf-plain.
 *
 * USAGE: sudo ./tp_btf [-v]    (under bpfcov: sudo bpfcov run ./tp_btf)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#include "loader.h"
#include "tp_btf.h"
#include "tp_btf.skel.h"

#define NR_FORKS   3
#define NR_THREADS 2

static void *thread_main(void *arg)
{
	return arg;
}

static int clone_main(void *arg)
{
	return 0;
}

/* Waits for \p pid; returns 1 when it exited with status 0. */
static int reaped(pid_t pid)
{
	int status;

	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	pthread_t threads[NR_THREADS];
	volatile int ok = 0; /* vfork(2) may clobber non-volatile locals */
	int err, ret, i;
	struct tp_btf *skel;
	pid_t pid;

	example_init(argc, argv, "tp_btf");
	skel = tp_btf__open();
	if (!skel)
		return example_fail("open the BPF object", -errno, NULL);
	skel->rodata->target_tgid = getpid();
	err = tp_btf__load(skel);
	if (err) {
		ret = example_fail("load the BPF object", err, "tp_btf");
		goto out;
	}
	err = tp_btf__attach(skel);
	if (err) {
		ret = example_fail("attach the tp_btf program", err, "tp_btf");
		goto out;
	}
	example_log_discard();

	for (i = 0; i < NR_FORKS; i++) {
		pid = fork();
		if (pid == 0)
			_exit(0);
		ok += reaped(pid);
	}
	for (i = 0; i < NR_THREADS; i++)
		ok += pthread_create(&threads[i], NULL, thread_main, NULL) == 0;
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(threads[i], NULL);
	pid = vfork();
	if (pid == 0)
		_exit(0);
	ok += reaped(pid);
	ok += reaped(clone(clone_main, stack + sizeof(stack), CLONE_VM | SIGCHLD, NULL));
	tp_btf__detach(skel);

	printf("tp_btf: fork x%d, pthread_create x%d, vfork x1, clone(CLONE_VM) x1\n", NR_FORKS,
	       NR_THREADS);
	example_expect("tasks created", ok, NR_FORKS + NR_THREADS + 2);
	example_expect("new processes", skel->bss->kinds[TASK_KIND_PROCESS], NR_FORKS);
	example_expect("new threads", skel->bss->kinds[TASK_KIND_THREAD], NR_THREADS);
	example_expect("vfork children", skel->bss->kinds[TASK_KIND_VFORK], 1);
	example_expect("children sharing the address space", skel->bss->kinds[TASK_KIND_SHARED_VM], 1);
	example_expect("tasks joining this thread group", skel->bss->joined, NR_THREADS);
	ret = example_finish();
out:
	tp_btf__destroy(skel);
	return ret;
}

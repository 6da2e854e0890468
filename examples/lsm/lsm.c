/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lsm.c - loader of the lsm example. Loads and attaches the two BPF LSM
 * programs, calls mprotect(2) three times on an anonymous page (read-only,
 * read+exec: allowed; read+write+exec: denied with EPERM) and execs
 * /bin/true in two children, then checks the counts. A kernel without BPF
 * LSM refuses the programs (EPERM, ENOTSUPP): the loader then says so and
 * exits 77 (skipped) instead of failing.
 * Built twice: lsm (instrumented skeleton) and lsm-plain.
 *
 * USAGE: sudo ./lsm [-v]    (under bpfcov: sudo bpfcov run ./lsm)
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "loader.h"
#include "lsm.h"
#include "lsm.skel.h"

#define NR_EXECS 2

int main(int argc, char **argv)
{
	static const struct {
		int prot;
		int want_ok;
	} calls[] = {{PROT_READ, 1},
		     {PROT_READ | PROT_EXEC, 1},
		     {PROT_READ | PROT_WRITE | PROT_EXEC, 0}};
	struct lsm *skel;
	long page = sysconf(_SC_PAGESIZE);
	unsigned int i;
	void *mem;
	int err, ret;

	example_init(argc, argv, "lsm");
	skel = lsm__open();
	if (!skel)
		return example_fail("open the BPF object", -errno, NULL);
	skel->rodata->target_tgid = getpid();
	err = lsm__load(skel);
	if (err) {
		ret = example_fail("load the BPF object", err, "lsm");
		goto out;
	}
	err = lsm__attach(skel);
	if (err) {
		ret = example_fail("attach the lsm programs", err, "lsm");
		goto out;
	}
	example_log_discard();

	mem = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		ret = example_fail("map a page", -errno, NULL);
		goto out;
	}
	printf("lsm: mprotect(2) x%zu, exec x%d\n", sizeof(calls) / sizeof(calls[0]), NR_EXECS);
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		int ok = mprotect(mem, page, calls[i].prot) == 0;
		char what[64];

		snprintf(what, sizeof(what), "mprotect prot %d succeeded", calls[i].prot);
		example_expect(what, ok, calls[i].want_ok);
	}
	munmap(mem, page);
	for (i = 0; i < NR_EXECS; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	lsm__detach(skel);

	example_expect("mprotect allowed", skel->bss->mprotect_allowed, 2);
	example_expect("mprotect denied", skel->bss->mprotect_denied, 1);
	example_expect("execs by children", skel->bss->execs, NR_EXECS);
	ret = example_finish();
out:
	lsm__destroy(skel);
	return ret;
}

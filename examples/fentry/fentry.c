/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fentry.c - loader of the seeds' fentry example. Loads and attaches the
 * fentry/fexit programs on do_unlinkat(), unlinks 3 files it created and 2
 * names that do not exist, and checks the counts. A kernel without BPF
 * trampolines refuses fentry programs at load time (EPERM, ENOTSUPP):
 * the loader then says so and exits 77 (skipped) instead of failing.
 * Built twice: fentry (instrumented skeleton) and fentry-plain.
 *
 * USAGE: sudo ./fentry [-v]    (under bpfcov: sudo bpfcov run ./fentry)
 */
#include <fcntl.h>
#include <stdlib.h>

#include "fentry.h"
#include "fentry.skel.h"
#include "loader.h"

#define NR_FILES   3
#define NR_MISSING 2

int main(int argc, char **argv)
{
	char dir[] = "/tmp/bpfcov-fentry-XXXXXX", path[64];
	struct fentry *skel;
	int err, ret, i;

	example_init(argc, argv, "fentry");
	skel = fentry__open();
	if (!skel)
		return example_fail("open the BPF object", -errno, NULL);
	skel->rodata->target_tgid = getpid();
	err = fentry__load(skel);
	if (err) {
		ret = example_fail("load the BPF object", err, "fentry");
		goto out;
	}
	err = fentry__attach(skel);
	if (err) {
		ret = example_fail("attach the fentry programs", err, "fentry");
		goto out;
	}
	example_log_discard();

	if (!mkdtemp(dir)) {
		ret = example_fail("create a temporary directory", -errno, NULL);
		goto out;
	}
	for (i = 0; i < NR_FILES; i++) {
		snprintf(path, sizeof(path), "%s/file%d", dir, i);
		close(open(path, O_CREAT | O_WRONLY, 0600));
		unlink(path);
	}
	for (i = 0; i < NR_MISSING; i++) {
		snprintf(path, sizeof(path), "%s/missing%d", dir, i);
		unlink(path);
	}
	rmdir(dir);
	fentry__detach(skel);

	printf("fentry: unlinked %d files and %d missing names\n", NR_FILES, NR_MISSING);
	example_expect("do_unlinkat entered", skel->bss->entered, NR_FILES + NR_MISSING);
	example_expect("do_unlinkat ok", skel->bss->results[UNLINK_OK], NR_FILES);
	example_expect("do_unlinkat ENOENT", skel->bss->results[UNLINK_NOENT], NR_MISSING);
	example_expect("do_unlinkat other error", skel->bss->results[UNLINK_OTHER], 0);
	ret = example_finish();
out:
	fentry__destroy(skel);
	return ret;
}

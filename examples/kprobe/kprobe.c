/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kprobe.c - loader of the kprobe example. Loads the kprobe and kretprobe
 * programs, attaches them to do_faccessat(), asks faccessat(2) about a
 * file it created (mode 0600) and a name that does not exist with seven
 * modes, and checks the counts. A kernel without kprobes cannot attach
 * them: the loader then says so and exits 77 (skipped) instead of failing.
 * Built twice: kprobe (instrumented skeleton) and kprobe-plain.
 *
 * USAGE: sudo ./kprobe [-v]    (under bpfcov: sudo bpfcov run ./kprobe)
 */
#include <fcntl.h>
#include <sys/syscall.h>

#include "kprobe.h"
#include "kprobe.skel.h"
#include "loader.h"

int main(int argc, char **argv)
{
	/* Root passes every read and write check, but not an exec check on a
	 * file without any exec bit: X_OK on the 0600 file is EACCES. */
	static const struct {
		int missing; /* ask about the name that does not exist */
		int mode;
		int want; /* faccessat(2)'s return: 0 or -errno */
	} calls[] = {
		{0, 0, 0},
		{0, ACCESS_R, 0},
		{0, ACCESS_R | ACCESS_W, 0},
		{0, ACCESS_X, -EACCES},
		{0, 0x10, -EINVAL},
		{1, 0, -ENOENT},
		{1, ACCESS_R, -ENOENT},
	};
	char dir[] = "/tmp/bpfcov-kprobe-XXXXXX", file[64], missing[64];
	struct kprobe *skel;
	unsigned int i;
	int err, ret;

	example_init(argc, argv, "kprobe");
	skel = kprobe__open();
	if (!skel)
		return example_fail("open the BPF object", -errno, NULL);
	skel->rodata->target_tgid = getpid();
	err = kprobe__load(skel);
	if (err) {
		ret = example_fail("load the BPF object", err, "kprobe");
		goto out;
	}
	err = kprobe__attach(skel);
	if (err) {
		/* Without the kprobe PMU, libbpf falls back to tracefs's
		 * kprobe_events, which such kernels do not have either. */
		ret = example_fail("attach the kprobes", example_has_pmu("kprobe") ? err : -EOPNOTSUPP,
				   "kprobe");
		goto out;
	}
	example_log_discard();

	if (!mkdtemp(dir)) {
		ret = example_fail("create a temporary directory", -errno, NULL);
		goto out;
	}
	snprintf(file, sizeof(file), "%s/file", dir);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	close(open(file, O_CREAT | O_WRONLY, 0600));
	printf("kprobe: faccessat(2) x%zu\n", sizeof(calls) / sizeof(calls[0]));
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		const char *path = calls[i].missing ? missing : file;
		long r = syscall(SYS_faccessat, AT_FDCWD, path, calls[i].mode);
		char what[64];

		snprintf(what, sizeof(what), "%s mode %#x returned", calls[i].missing ? "missing" : "file",
			 calls[i].mode);
		example_expect(what, r ? -errno : 0, calls[i].want);
	}
	kprobe__detach(skel);
	unlink(file);
	rmdir(dir);

	example_expect("mode F_OK", skel->bss->modes[ACCESS_MODE_EXISTS], 2);
	example_expect("mode R_OK", skel->bss->modes[ACCESS_MODE_READ], 2);
	example_expect("mode W_OK", skel->bss->modes[ACCESS_MODE_WRITE], 1);
	example_expect("mode X_OK", skel->bss->modes[ACCESS_MODE_EXEC], 1);
	example_expect("mode invalid", skel->bss->modes[ACCESS_MODE_INVALID], 1);
	example_expect("result ok", skel->bss->results[ACCESS_RESULT_OK], 3);
	example_expect("result ENOENT", skel->bss->results[ACCESS_RESULT_NOENT], 2);
	example_expect("result EACCES", skel->bss->results[ACCESS_RESULT_DENIED], 1);
	example_expect("result EINVAL", skel->bss->results[ACCESS_RESULT_INVALID], 1);
	example_expect("result other error", skel->bss->results[ACCESS_RESULT_OTHER], 0);
	ret = example_finish();
out:
	kprobe__destroy(skel);
	return ret;
}

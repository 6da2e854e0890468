/* SPDX-License-Identifier: Apache-2.0 */
/*
 * raw_enter.c - loader of the seeds' raw_enter example. Sets count = 10,
 * loads the object and runs hook_sys_enter once through BPF_PROG_TEST_RUN
 * with a context whose syscall id is __NR_connect: no attach, so nothing
 * else on the machine runs the program and the counts are exact (the
 * function once, the early return never, the loop body 9 times). The
 * instrumented build reads those counters back through its skeleton.
 * Built twice: raw_enter (instrumented skeleton) and raw_enter-plain.
 *
 * USAGE: sudo ./raw_enter [-v]     (under bpfcov: sudo bpfcov run ./raw_enter)
 */
#include <asm/unistd.h>

#include "loader.h"
#include "raw_enter.skel.h"
#ifdef BPFCOV_INSTRUMENTED
#include <bpfcov/counters.h>
#endif

#define COUNT 10

int main(int argc, char **argv)
{
	/* The raw tracepoint's arguments: (struct pt_regs *regs, long id). */
	__u64 args[2] = {0, __NR_connect};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));
	struct raw_enter *skel;
	int err, ret;

	example_init(argc, argv, "raw_enter");
	skel = raw_enter__open();
	if (!skel)
		return example_fail("open the BPF object", -errno, NULL);
	skel->rodata->count = COUNT;

	err = raw_enter__load(skel);
	if (err) {
		ret = example_fail("load the BPF object", err, NULL);
		goto out;
	}
	example_log_discard();

	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.hook_sys_enter), &opts);
	if (err) {
		ret = example_fail("run hook_sys_enter (BPF_PROG_TEST_RUN)", -errno, NULL);
		goto out;
	}
	printf("raw_enter: hook_sys_enter ran once with id = __NR_connect (%d), count = %d\n",
	       __NR_connect, COUNT);
	example_expect("retval", opts.retval, 0);
#ifdef BPFCOV_INSTRUMENTED
	/* The instrumented skeleton maps the coverage counters (.data.profc)
	 * like any global data: the seeds' counts, read back live. The entry
	 * counter is the twin of hook_sys_enter's (bpfcov/counters.h). */
	const __u64 *c = skel->data_profc->__profc_raw_enter_bpf_c_____hook_sys_enter;

	printf("raw_enter: coverage counters of ____hook_sys_enter\n");
	example_expect("[0] function entry", bpfcov_counter(skel->data_profc, &c[0]), 1);
	example_expect("[1] id != __NR_connect: return",
		       bpfcov_counter(skel->data_profc, &c[1]), 0);
	example_expect("[2] loop body", bpfcov_counter(skel->data_profc, &c[2]), COUNT - 1);
#endif
	ret = example_finish();
out:
	raw_enter__destroy(skel);
	return ret;
}

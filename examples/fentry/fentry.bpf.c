/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * fentry.bpf.c - the seeds' fentry example: fentry and fexit programs on
 * do_unlinkat() that print the file name and count the calls of one
 * process (target_tgid) by result (fentry.h). Needs BPF trampolines
 * (CONFIG_FUNCTION_TRACER, x86_64/arm64); kernels without them refuse to
 * load fentry/fexit programs, which the loader reports as a skip.
 *
 * USAGE: built by examples/fentry/CMakeLists.txt; sudo ./fentry
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "fentry.h"

/* bpf_printk() is a GPL-only helper: the programs are offered under the GPL. */
char LICENSE[] SEC("license") = "GPL";

const volatile __u32 target_tgid = 0;

__u64 entered = 0;
__u64 results[UNLINK_NR_RESULTS] = {};

static __always_inline int is_target(void)
{
	return !target_tgid || (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("fentry/do_unlinkat")
int BPF_PROG(do_unlinkat, int dfd, struct filename *name)
{
	if (!is_target())
		return 0;
	__sync_fetch_and_add(&entered, 1);
	bpf_printk("fentry: pid = %d, filename = %s\n", target_tgid, name->name);
	return 0;
}

/*
 * do_unlinkat() returns int: its return value is `int ret` here, not
 * `long ret`. A trampoline hands the fexit program the whole of %rax, and
 * the upper 32 bits of an int return are not sign-extended (-ENOENT comes
 * out as 0xfffffffe, 4294967294), so a `long` would never equal -2.
 */
SEC("fexit/do_unlinkat")
int BPF_PROG(do_unlinkat_exit, int dfd, struct filename *name, int ret)
{
	int class;

	if (!is_target())
		return 0;
	class = unlink_result_class(ret);
	if (class >= 0 && class < UNLINK_NR_RESULTS)
		__sync_fetch_and_add(&results[class], 1);
	bpf_printk("fexit: pid = %d, filename = %s, ret = %d\n", target_tgid, name->name, ret);
	return 0;
}

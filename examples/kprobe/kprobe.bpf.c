/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * kprobe.bpf.c - a kprobe and a kretprobe on do_faccessat(), the function
 * behind access(2) and faccessat(2): the kprobe counts the calls of one
 * process (target_tgid) by the mode asked for, the kretprobe by result
 * (kprobe.h). Needs kprobes (CONFIG_KPROBES, the perf kprobe PMU); kernels
 * without them cannot attach, which the loader reports as a skip.
 *
 * USAGE: built by examples/kprobe/CMakeLists.txt; sudo ./kprobe
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "kprobe.h"

/* bpf_printk() is a GPL-only helper: the programs are offered under the GPL. */
char LICENSE[] SEC("license") = "GPL";

const volatile __u32 target_tgid = 0;

__u64 modes[ACCESS_NR_MODES] = {};
__u64 results[ACCESS_NR_RESULTS] = {};

static __always_inline int is_target(void)
{
	return !target_tgid || (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("kprobe/do_faccessat")
int BPF_KPROBE(on_faccessat, int dfd, const char *filename, int mode, int flags)
{
	__u32 class;

	if (!is_target())
		return 0;
	class = access_mode_class(mode);
	barrier_var(class); /* keeps the bounds check, which the verifier needs */
	if (class < ACCESS_NR_MODES)
		__sync_fetch_and_add(&modes[class], 1);
	return 0;
}

/*
 * The return value is read as an int, as in the fentry example's fexit
 * program: %rax holds the result, and whether its upper 32 bits carry the
 * sign depends on the function's return type (long in 6.1, int in others).
 */
SEC("kretprobe/do_faccessat")
int BPF_KRETPROBE(on_faccessat_ret, int ret)
{
	__u32 class;

	if (!is_target())
		return 0;
	class = access_result_class(ret);
	barrier_var(class);
	if (class < ACCESS_NR_RESULTS)
		__sync_fetch_and_add(&results[class], 1);
	if (class == ACCESS_RESULT_OTHER)
		bpf_printk("kprobe: do_faccessat returned %d", ret);
	return 0;
}

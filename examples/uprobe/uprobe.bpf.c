/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * uprobe.bpf.c - a uprobe and a uretprobe on uprobe_calc(op, a, b), a
 * function of the loader itself (uprobe.c): the uprobe counts the calls by
 * operation, the uretprobe by the sign of the result (uprobe.h). The loader
 * attaches them to its own pid only. Needs uprobes (CONFIG_UPROBES, the
 * perf uprobe PMU); the loader reports a kernel without them as a skip.
 *
 * USAGE: built by examples/uprobe/CMakeLists.txt; sudo ./uprobe
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "uprobe.h"

char LICENSE[] SEC("license") = "GPL";

__u64 ops[CALC_NR_OPS] = {};
__u64 results[CALC_NR_RESULTS] = {};

/* No target in the section names: the loader attaches them itself. */
SEC("uprobe")
int BPF_KPROBE(on_calc, int op, int a, int b)
{
	__u32 class = calc_op_class(op);

	barrier_var(class); /* keeps the bounds check, which the verifier needs */
	if (class < CALC_NR_OPS)
		__sync_fetch_and_add(&ops[class], 1);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(on_calc_ret, int ret)
{
	__u32 class = calc_result_class(ret);

	barrier_var(class);
	if (class < CALC_NR_RESULTS)
		__sync_fetch_and_add(&results[class], 1);
	return 0;
}

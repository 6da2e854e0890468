/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * raw_enter.bpf.c - the seeds' example: a raw tracepoint on sys_enter that
 * prints "ciao%d" (count - 1) times when the syscall is connect(2).
 * raw_enter.c runs it once through BPF_PROG_TEST_RUN with id == __NR_connect
 * and count = 10: the early return is not taken and the loop body runs 9
 * times, the counts the seeds' report shows.
 *
 * USAGE: built by examples/raw_enter/CMakeLists.txt; sudo ./raw_enter
 */
#include "vmlinux.h"
#include <asm/unistd.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* bpf_printk() is a GPL-only helper: the programs are offered under the GPL. */
char LICENSE[] SEC("license") = "GPL";

const volatile int count = 0;

SEC("raw_tp/sys_enter")
int BPF_PROG(hook_sys_enter)
{
	bpf_printk("ciao0");

	/* args[1] of the raw tracepoint, at the offset of ->id */
	struct trace_event_raw_sys_enter *x = (struct trace_event_raw_sys_enter *)ctx;
	if (x->id != __NR_connect) {
		return 0;
	}

	for (int i = 1; i < count; i++) {
		bpf_printk("ciao%d", i);
	}

	return 0;
}

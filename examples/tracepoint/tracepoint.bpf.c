/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * tracepoint.bpf.c - syscall tracepoints triggered by real syscalls: the
 * entry and exit of sched_get_priority_max(2) and the entry of
 * sched_get_priority_min(2), counted per policy class (hash map) and per
 * result (array map) for one process only (target_tgid). These syscalls are
 * rare, so the loader's calls are (nearly) the only ones the programs see.
 *
 * USAGE: built by examples/tracepoint/CMakeLists.txt; sudo ./tracepoint
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "tracepoint.h"

/* bpf_printk() is a GPL-only helper: the programs are offered under the GPL. */
char LICENSE[] SEC("license") = "GPL";

/* The process whose syscalls count; 0 counts every process. */
const volatile __u32 target_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);   /* prio_key(bound, class) */
	__type(value, __u64); /* calls */
} calls_by_class SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PRIO_NR_RESULTS);
	__type(key, __u32);   /* enum prio_result */
	__type(value, __u64); /* sched_get_priority_max() returns */
} results SEC(".maps");

static __always_inline int is_target(void)
{
	return !target_tgid || (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

static __always_inline void count_call(int bound, long policy)
{
	__u32 key = prio_key(bound, prio_policy_class(policy));
	__u64 one = 1, *calls;

	calls = bpf_map_lookup_elem(&calls_by_class, &key);
	if (calls)
		__sync_fetch_and_add(calls, 1);
	else
		bpf_map_update_elem(&calls_by_class, &key, &one, BPF_NOEXIST);
}

SEC("tracepoint/syscalls/sys_enter_sched_get_priority_max")
int enter_prio_max(struct trace_event_raw_sys_enter *ctx)
{
	if (!is_target())
		return 0;
	count_call(PRIO_BOUND_MAX, (int)ctx->args[0]);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_sched_get_priority_max")
int exit_prio_max(struct trace_event_raw_sys_exit *ctx)
{
	__u32 key;
	__u64 *n;

	if (!is_target())
		return 0;
	key = prio_result_class(ctx->ret);
	n = bpf_map_lookup_elem(&results, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	if (key == PRIO_RESULT_ERROR)
		bpf_printk("sched_get_priority_max failed: %ld", ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_sched_get_priority_min")
int enter_prio_min(struct trace_event_raw_sys_enter *ctx)
{
	if (!is_target())
		return 0;
	count_call(PRIO_BOUND_MIN, (int)ctx->args[0]);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * tp_btf.bpf.c - a BTF-enabled raw tracepoint, tp_btf/task_newtask: called
 * in copy_process() with the new task and the clone flags, it counts the
 * tasks one process (target_tgid) creates by kind (tp_btf.h), and the new
 * tasks that join its thread group, read straight from the task_struct
 * (BTF pointers need no bpf_probe_read). Needs BTF-typed raw
 * tracepoints (Linux 5.5); a kernel that refuses tracing programs makes
 * the loader report a skip.
 *
 * USAGE: built by examples/tp_btf/CMakeLists.txt; sudo ./tp_btf
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "tp_btf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 target_tgid = 0;

__u64 kinds[TASK_NR_KINDS] = {};
__u64 joined = 0; /* new tasks with tgid == target_tgid: the threads */

SEC("tp_btf/task_newtask")
int BPF_PROG(on_newtask, struct task_struct *task, u64 clone_flags)
{
	__u32 kind;

	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	kind = task_clone_kind(clone_flags);
	barrier_var(kind); /* keeps the bounds check, which the verifier needs */
	if (kind < TASK_NR_KINDS)
		__sync_fetch_and_add(&kinds[kind], 1);
	if (task->tgid == target_tgid)
		__sync_fetch_and_add(&joined, 1);
	return 0;
}

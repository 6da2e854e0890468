/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * lsm.bpf.c - the seeds' BPF LSM example, reduced: lsm/file_mprotect
 * enforces W^X and no executable stack for one process (target_tgid, with
 * lsm.h), lsm/bprm_committed_creds counts the programs its children exec.
 * Needs CONFIG_BPF_LSM and "bpf" in the lsm= boot list; kernels without
 * them refuse LSM programs, which the loader reports as a skip.
 *
 * USAGE: built by examples/lsm/CMakeLists.txt; sudo ./lsm
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "lsm.h"

/* bpf_printk() is a GPL-only helper: the programs are offered under the GPL. */
char LICENSE[] SEC("license") = "GPL";

#define EPERM 1

const volatile __u32 target_tgid = 0;

__u64 mprotect_allowed = 0;
__u64 mprotect_denied = 0;
__u64 execs = 0;

SEC("lsm/file_mprotect")
int BPF_PROG(check_mprotect, struct vm_area_struct *vma, unsigned long reqprot, unsigned long prot,
	     int ret)
{
	struct lsm_vma v;

	if (ret != 0)
		return ret; /* an earlier LSM already refused */
	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	v.start = vma->vm_start;
	v.end = vma->vm_end;
	v.start_stack = BPF_CORE_READ(vma, vm_mm, start_stack);
	if (lsm_mprotect_denied(&v, prot)) {
		__sync_fetch_and_add(&mprotect_denied, 1);
		bpf_printk("lsm: denied mprotect(%lx, prot %lx)", v.start, prot);
		return -EPERM;
	}
	__sync_fetch_and_add(&mprotect_allowed, 1);
	return 0;
}

SEC("lsm/bprm_committed_creds")
int BPF_PROG(count_exec, struct linux_binprm *bprm)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (BPF_CORE_READ(task, real_parent, tgid) == target_tgid)
		__sync_fetch_and_add(&execs, 1);
	return 0;
}

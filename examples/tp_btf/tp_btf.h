/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tp_btf.h - decision logic of the tp_btf example on plain integers, with
 * no BPF helpers: what kind of task clone(2) flags make. Compiled into
 * tp_btf.bpf.c and natively by differential tests.
 *
 * USAGE: #include "tp_btf.h"   (after vmlinux.h in BPF code)
 */
#ifndef BPFCOV_EXAMPLES_TP_BTF_H
#define BPFCOV_EXAMPLES_TP_BTF_H

#define TASK_CLONE_VM     0x00000100ULL
#define TASK_CLONE_VFORK  0x00004000ULL
#define TASK_CLONE_THREAD 0x00010000ULL

enum task_kind {
	TASK_KIND_PROCESS,   /* fork(2): a copy of the address space */
	TASK_KIND_THREAD,    /* pthread_create(3): CLONE_THREAD */
	TASK_KIND_VFORK,     /* vfork(2): CLONE_VM | CLONE_VFORK */
	TASK_KIND_SHARED_VM, /* clone(2) with CLONE_VM only */
	TASK_NR_KINDS,
};

static inline int task_clone_kind(unsigned long long flags)
{
	if (flags & TASK_CLONE_THREAD)
		return TASK_KIND_THREAD;
	if (flags & TASK_CLONE_VFORK)
		return TASK_KIND_VFORK;
	return flags & TASK_CLONE_VM ? TASK_KIND_SHARED_VM : TASK_KIND_PROCESS;
}

#endif /* BPFCOV_EXAMPLES_TP_BTF_H */

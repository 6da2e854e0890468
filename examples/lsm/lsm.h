/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lsm.h - decision logic of the lsm example on a plain struct, with no BPF
 * helpers: whether an mprotect(2) is denied (W^X, no executable stack).
 * Compiled into lsm.bpf.c and natively by differential tests.
 *
 * USAGE: #include "lsm.h"   (after vmlinux.h in BPF code)
 */
#ifndef BPFCOV_EXAMPLES_LSM_H
#define BPFCOV_EXAMPLES_LSM_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define LSM_PROT_WRITE 0x2
#define LSM_PROT_EXEC  0x4

struct lsm_vma {
	__u64 start;
	__u64 end;
	__u64 start_stack; /* of the process */
};

static inline int lsm_is_stack(const struct lsm_vma *v)
{
	return v->start <= v->start_stack && v->end >= v->start_stack;
}

/* 1 when mprotect(v, prot) must fail with EPERM. */
static inline int lsm_mprotect_denied(const struct lsm_vma *v, unsigned long prot)
{
	if ((prot & LSM_PROT_WRITE) && (prot & LSM_PROT_EXEC))
		return 1; /* W^X */
	if ((prot & LSM_PROT_EXEC) && lsm_is_stack(v))
		return 1; /* no executable stack */
	return 0;
}

#endif /* BPFCOV_EXAMPLES_LSM_H */

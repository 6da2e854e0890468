/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tracepoint.h - decision logic of the tracepoint example, on plain
 * integers and no BPF helpers: which class a scheduling policy belongs to
 * and what a sched_get_priority_{max,min}(2) result means. Compiled into
 * tracepoint.bpf.c, and natively by differential tests.
 *
 * USAGE: #include "tracepoint.h"   (after vmlinux.h in BPF code)
 */
#ifndef BPFCOV_EXAMPLES_TRACEPOINT_H
#define BPFCOV_EXAMPLES_TRACEPOINT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

enum prio_class {
	PRIO_CLASS_NORMAL,   /* SCHED_OTHER, SCHED_BATCH, SCHED_IDLE */
	PRIO_CLASS_REALTIME, /* SCHED_FIFO, SCHED_RR */
	PRIO_CLASS_DEADLINE, /* SCHED_DEADLINE */
	PRIO_CLASS_INVALID,  /* anything else: the syscall fails with EINVAL */
	PRIO_NR_CLASSES,
};

enum prio_result {
	PRIO_RESULT_ZERO,     /* a policy without static priorities */
	PRIO_RESULT_POSITIVE, /* a real-time priority bound */
	PRIO_RESULT_ERROR,    /* -errno */
	PRIO_NR_RESULTS,
};

/* Which bound the syscall asks for: the map key has both. */
enum prio_bound {
	PRIO_BOUND_MAX,
	PRIO_BOUND_MIN,
};

static inline int prio_policy_class(long policy)
{
	switch (policy) {
	case 0: /* SCHED_OTHER */
	case 3: /* SCHED_BATCH */
	case 5: /* SCHED_IDLE */
		return PRIO_CLASS_NORMAL;
	case 1: /* SCHED_FIFO */
	case 2: /* SCHED_RR */
		return PRIO_CLASS_REALTIME;
	case 6: /* SCHED_DEADLINE */
		return PRIO_CLASS_DEADLINE;
	default:
		return PRIO_CLASS_INVALID;
	}
}

static inline int prio_result_class(long ret)
{
	if (ret < 0)
		return PRIO_RESULT_ERROR;
	return ret > 0 ? PRIO_RESULT_POSITIVE : PRIO_RESULT_ZERO;
}

/* The hash map key: the bound in the high byte, the class in the low one. */
static inline __u32 prio_key(int bound, int class)
{
	return ((__u32)bound << 8) | (__u32) class;
}

#endif /* BPFCOV_EXAMPLES_TRACEPOINT_H */

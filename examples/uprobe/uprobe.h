/* SPDX-License-Identifier: Apache-2.0 */
/*
 * uprobe.h - the uprobe example's shared definitions and decision logic on
 * plain integers, with no BPF helpers: the operations of the loader's
 * uprobe_calc() and what its results mean. Compiled into uprobe.bpf.c, the
 * loader, and natively by differential tests.
 *
 * USAGE: #include "uprobe.h"   (after vmlinux.h in BPF code)
 */
#ifndef BPFCOV_EXAMPLES_UPROBE_H
#define BPFCOV_EXAMPLES_UPROBE_H

enum calc_op {
	CALC_ADD,
	CALC_SUB,
	CALC_MUL,
	CALC_DIV,
	CALC_UNKNOWN, /* any other op: uprobe_calc() returns -EINVAL */
	CALC_NR_OPS,
};

enum calc_result {
	CALC_RESULT_NEGATIVE,
	CALC_RESULT_ZERO,
	CALC_RESULT_POSITIVE,
	CALC_NR_RESULTS,
};

static inline int calc_op_class(int op)
{
	return op >= CALC_ADD && op < CALC_UNKNOWN ? op : CALC_UNKNOWN;
}

static inline int calc_result_class(int ret)
{
	if (ret < 0)
		return CALC_RESULT_NEGATIVE;
	return ret ? CALC_RESULT_POSITIVE : CALC_RESULT_ZERO;
}

#endif /* BPFCOV_EXAMPLES_UPROBE_H */

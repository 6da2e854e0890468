/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fentry.h - decision logic of the fentry example on plain integers, with
 * no BPF helpers: what an unlinkat(2) result means. Compiled into
 * fentry.bpf.c and natively by differential tests.
 *
 * USAGE: #include "fentry.h"   (after vmlinux.h in BPF code)
 */
#ifndef BPFCOV_EXAMPLES_FENTRY_H
#define BPFCOV_EXAMPLES_FENTRY_H

enum unlink_result {
	UNLINK_OK,
	UNLINK_NOENT, /* -ENOENT: the name did not exist */
	UNLINK_OTHER, /* any other -errno */
	UNLINK_NR_RESULTS,
};

/* \p ret is do_unlinkat()'s int: see the fexit program for why not long. */
static inline int unlink_result_class(int ret)
{
	if (ret == 0)
		return UNLINK_OK;
	return ret == -2 /* -ENOENT */ ? UNLINK_NOENT : UNLINK_OTHER;
}

#endif /* BPFCOV_EXAMPLES_FENTRY_H */

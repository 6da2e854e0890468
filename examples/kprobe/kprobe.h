/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kprobe.h - decision logic of the kprobe example on plain integers, with
 * no BPF helpers: what an access(2) mode asks for and what do_faccessat()
 * answered. Compiled into kprobe.bpf.c and natively by differential tests.
 *
 * USAGE: #include "kprobe.h"   (after vmlinux.h in BPF code)
 */
#ifndef BPFCOV_EXAMPLES_KPROBE_H
#define BPFCOV_EXAMPLES_KPROBE_H

#define ACCESS_X 1 /* X_OK */
#define ACCESS_W 2 /* W_OK */
#define ACCESS_R 4 /* R_OK */

enum access_mode {
	ACCESS_MODE_EXISTS,  /* F_OK */
	ACCESS_MODE_READ,    /* R_OK only */
	ACCESS_MODE_WRITE,   /* W_OK, maybe with R_OK */
	ACCESS_MODE_EXEC,    /* X_OK, with anything */
	ACCESS_MODE_INVALID, /* bits beyond R|W|X: EINVAL */
	ACCESS_NR_MODES,
};

enum access_result {
	ACCESS_RESULT_OK,
	ACCESS_RESULT_NOENT,   /* -ENOENT */
	ACCESS_RESULT_DENIED,  /* -EACCES */
	ACCESS_RESULT_INVALID, /* -EINVAL */
	ACCESS_RESULT_OTHER,   /* any other -errno */
	ACCESS_NR_RESULTS,
};

static inline int access_mode_class(int mode)
{
	if (mode & ~(ACCESS_R | ACCESS_W | ACCESS_X))
		return ACCESS_MODE_INVALID;
	if (mode & ACCESS_X)
		return ACCESS_MODE_EXEC;
	if (mode & ACCESS_W)
		return ACCESS_MODE_WRITE;
	return mode ? ACCESS_MODE_READ : ACCESS_MODE_EXISTS;
}

static inline int access_result_class(int ret)
{
	switch (ret) {
	case 0:
		return ACCESS_RESULT_OK;
	case -2: /* -ENOENT */
		return ACCESS_RESULT_NOENT;
	case -13: /* -EACCES */
		return ACCESS_RESULT_DENIED;
	case -22: /* -EINVAL */
		return ACCESS_RESULT_INVALID;
	default:
		return ACCESS_RESULT_OTHER;
	}
}

#endif /* BPFCOV_EXAMPLES_KPROBE_H */

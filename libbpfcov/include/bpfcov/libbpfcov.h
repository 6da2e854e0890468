/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libbpfcov.h - coverage of BPF programs from inside the process that loaded
 * them: snapshot the counters of an instrumented object (built with
 * bpfcov_add_bpf_object or bpfcov-cc), reset them, write a .profraw that
 * `bpfcov out` reads. No pins, no ptrace, no preload: the library reads the
 * object's four coverage maps (.data.profc, .rodata.profd, .rodata.profn,
 * .rodata.covmap) through their fds. The profile writer is the one of
 * `bpfcov gen`. API reference: docs/libbpfcov.md.
 *
 * Every function returning int returns 0 or a negative errno; the message
 * (lower-case, naming the problem and the fix) is bpfcov_last_error() of the
 * calling thread until its next failing call.
 *
 * USAGE:
 *   struct bpfcov_ctx *cov = bpfcov_open(skel->obj);   // after load
 *   ... run the programs ...
 *   if (!cov || bpfcov_write_profraw(cov, "x.profraw"))
 *           fprintf(stderr, "%s\n", bpfcov_last_error());
 *   bpfcov_close(cov);
 * Per test case (BPFCOV_PROFILE_DIR or bpfcov_set_profile_dir):
 *   bpfcov_test_begin(cov, "tcp_syn");   // resets the counters
 *   ... BPF_PROG_TEST_RUN ...
 *   bpfcov_test_end(cov);                // <dir>/tcp_syn.profraw, <dir>/all.profraw
 */
#ifndef BPFCOV_LIBBPFCOV_H
#define BPFCOV_LIBBPFCOV_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BPFCOV_API __attribute__((visibility("default")))

struct bpf_object;
struct bpfcov_ctx;

/* The environment variable naming the directory of per-test profiles
 * (bpfcov_add_test sets it). */
#define BPFCOV_PROFILE_DIR_ENV "BPFCOV_PROFILE_DIR"
/* The merged profile of all test cases, in the profile directory. */
#define BPFCOV_ALL_PROFILE "all.profraw"

/* Opens the coverage maps of a LOADED libbpf object (the fds are dup'ed: the
 * handle outlives nothing but itself). NULL with errno set on failure. */
BPFCOV_API struct bpfcov_ctx *bpfcov_open(struct bpf_object *obj);
/* The same from the four map fds (any loader): counters (.data.profc), data
 * (.rodata.profd), names (.rodata.profn), covmap (.rodata.covmap). */
BPFCOV_API struct bpfcov_ctx *bpfcov_open_fds(int profc, int profd, int profn,
					  int covmap);
/* Frees the handle and closes its fds (NULL is fine). */
BPFCOV_API void bpfcov_close(struct bpfcov_ctx *cov);

/* The object name the pass recorded (what `bpfcov out` looks for as
 * <name>.bpf.obj). */
BPFCOV_API const char *bpfcov_object_name(const struct bpfcov_ctx *cov);

/* Totals of one snapshot. */
struct bpfcov_summary {
	uint64_t functions; /* instrumented functions */
	uint64_t counters;  /* counters */
	uint64_t total;	    /* sum of the counters (bool counters: hit ones) */
	uint64_t hit;	    /* counters that are not zero */
	int bool_counters;  /* 1: counters are hit (1) / not hit (0) */
};
/* Reads the counters now and keeps them as the handle's snapshot (what
 * bpfcov_write_profraw writes); fills *sum when not NULL. */
BPFCOV_API int bpfcov_snapshot(struct bpfcov_ctx *cov, struct bpfcov_summary *sum);
/* Zeroes the counters and MC/DC bitmaps in the kernel (bool counters go
 * back to "not hit"). Runs that race with it may keep or lose their counts. */
BPFCOV_API int bpfcov_reset(struct bpfcov_ctx *cov);
/* Snapshots and writes one raw profile to path: a regular file is replaced
 * atomically, a link is refused (never followed), a device or FIFO is
 * written through. */
BPFCOV_API int bpfcov_write_profraw(struct bpfcov_ctx *cov, const char *path);

/* Per-test profiles go to dir (created when missing, mode 0755; a link is
 * refused). NULL: $BPFCOV_PROFILE_DIR, the default; when neither is set,
 * bpfcov_test_begin/end only reset and write nothing. */
BPFCOV_API int bpfcov_set_profile_dir(struct bpfcov_ctx *cov, const char *dir);
/* Starts test case name ([A-Za-z0-9._-], not "all", not starting with a
 * dot): resets the counters. */
BPFCOV_API int bpfcov_test_begin(struct bpfcov_ctx *cov, const char *name);
/* Ends the current test case: writes <dir>/<name>.profraw with its counts
 * alone and rewrites <dir>/all.profraw, the sum of every case ended so far
 * through this handle. */
BPFCOV_API int bpfcov_test_end(struct bpfcov_ctx *cov);

/* The message of this thread's last failure ("" when none). */
BPFCOV_API const char *bpfcov_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* BPFCOV_LIBBPFCOV_H */

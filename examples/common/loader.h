/* SPDX-License-Identifier: Apache-2.0 */
/*
 * loader.h - what every example loader shares: option parsing (-v), libbpf
 * output kept quiet unless something fails, the kernel-refusal check behind
 * exit code 77, BPF_PROG_TEST_RUN on packets, and exact-count checks.
 * Header-only (static functions): each loader stays one .c file that builds
 * twice, against the instrumented and the plain skeleton.
 *
 * USAGE: #include "loader.h"; example_init(argc, argv, "xdp"); ...
 *        return example_finish();
 */
#ifndef BPFCOV_EXAMPLES_LOADER_H
#define BPFCOV_EXAMPLES_LOADER_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/* Exit codes: 0 all as expected, 1 failure, 77 the kernel refuses the
 * program type (automake's "skipped"; lit and ctest can map it). */
#define EXIT_REFUSED 77

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* kernel-internal, reaches user space from bpf() */
#endif

static const char *example_name = "example";
static int example_verbose;
static int example_failures;

/* libbpf's messages are buffered while loading and shown only on failure
 * (or always with -v), so a working loader prints just its results. */
static char example_log[1 << 16];
static size_t example_log_len;

static inline int example_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (example_verbose)
		return vfprintf(stderr, fmt, args);
	if (level == LIBBPF_DEBUG)
		return 0;
	if (example_log_len < sizeof(example_log) - 1) {
		int n = vsnprintf(example_log + example_log_len,
				  sizeof(example_log) - example_log_len, fmt, args);
		if (n > 0)
			example_log_len += (size_t)n;
		if (example_log_len > sizeof(example_log) - 1)
			example_log_len = sizeof(example_log) - 1;
	}
	return 0;
}

/* Prints libbpf's buffered messages (the verifier log) to stderr. */
static inline void example_log_flush(void)
{
	if (example_log_len)
		fwrite(example_log, 1, example_log_len, stderr);
	example_log_len = 0;
}

static inline void example_log_discard(void)
{
	example_log_len = 0;
}

static inline void example_init(int argc, char **argv, const char *name)
{
	int i;

	example_name = name;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			example_verbose = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("Usage: %s [-v]\n"
			       "Loads the '%s' example BPF object, runs it on fixed inputs and\n"
			       "prints exact counts. Exit: 0 as expected, 1 failure, %d the\n"
			       "kernel refuses the program type. -v: show libbpf's log.\n",
			       argv[0], name, EXIT_REFUSED);
			exit(0);
		} else {
			fprintf(stderr, "%s: error: unknown argument '%s' (try -h)\n", name,
				argv[i]);
			exit(1);
		}
	}
	libbpf_set_print(example_print);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static inline const char *example_errname(int err)
{
	switch (err < 0 ? -err : err) {
	case EPERM:
		return "EPERM";
	case EACCES:
		return "EACCES";
	case EINVAL:
		return "EINVAL";
	case ENOENT:
		return "ENOENT";
	case ENOTSUPP:
		return "ENOTSUPP";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	case E2BIG:
		return "E2BIG";
	default:
		return strerror(err < 0 ? -err : err);
	}
}

/* Whether a load or attach error means that the kernel refuses the program
 * type itself (no BPF trampoline, BPF LSM not active) rather than this
 * program: the verifier rejects a bad program with EACCES or EINVAL. */
static inline int example_is_refusal(int err)
{
	err = err < 0 ? -err : err;
	return err == EPERM || err == ENOTSUPP || err == EOPNOTSUPP;
}

/* Whether the kernel offers the perf PMU \p pmu ("kprobe", "uprobe"), through
 * which libbpf attaches kprobes and uprobes. */
static inline int example_has_pmu(const char *pmu)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu);
	return access(path, F_OK) == 0;
}

/* Reports a failed open/load/attach. Returns the loader's exit code: for
 * a program type the kernel refuses (\p type non-NULL), EXIT_REFUSED with
 * a message saying so; otherwise 1 after showing libbpf's log. */
static inline int example_fail(const char *step, int err, const char *type)
{
	if (type && example_is_refusal(err) && geteuid() == 0) {
		example_log_discard();
		printf("%s: this kernel refuses %s programs (%s): skipping\n", example_name, type,
		       example_errname(err));
		return EXIT_REFUSED;
	}
	example_log_flush();
	fprintf(stderr, "%s: error: failed to %s: %s (%s)%s\n", example_name, step,
		strerror(err < 0 ? -err : err), example_errname(err),
		geteuid() ? "; run as root" : "");
	return 1;
}

/* Checks one exact count and prints it; mismatches make the exit code 1. */
static inline void example_expect(const char *what, long long got, long long want)
{
	if (got == want) {
		printf("  %-34s %lld\n", what, got);
	} else {
		printf("  %-34s %lld MISMATCH (expected %lld)\n", what, got, want);
		example_failures++;
	}
}

static inline int example_finish(void)
{
	if (example_failures) {
		fprintf(stderr, "%s: error: %d result(s) differ from the expected ones\n",
			example_name, example_failures);
		return 1;
	}
	printf("%s: ok\n", example_name);
	return 0;
}

/* Runs a packet program \p repeat times on \p pkt; returns 0 or -errno. */
static inline int example_run_pkt(int prog_fd, const void *pkt, __u32 len, __u32 repeat,
				  __u32 *retval, void *ctx_out, __u32 ctx_size)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = len, .repeat = repeat,
		    .ctx_in = ctx_out, .ctx_size_in = ctx_out ? ctx_size : 0, .ctx_out = ctx_out,
		    .ctx_size_out = ctx_out ? ctx_size : 0);
	int err;

	err = bpf_prog_test_run_opts(prog_fd, &opts);
	if (err)
		return -errno;
	*retval = opts.retval;
	return 0;
}

/* libbpf finds tracepoint ids in tracefs; mount it when it is missing. */
static inline int example_ensure_tracefs(void)
{
	if (!access("/sys/kernel/tracing/events", F_OK) ||
	    !access("/sys/kernel/debug/tracing/events", F_OK))
		return 0;
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
		int err = -errno;

		fprintf(stderr,
			"%s: error: tracefs is not mounted and mounting it failed: %s; "
			"run 'mount -t tracefs tracefs /sys/kernel/tracing'\n",
			example_name, strerror(-err));
		return err;
	}
	fprintf(stderr, "%s: note: mounted tracefs at /sys/kernel/tracing\n", example_name);
	return 0;
}

#endif /* BPFCOV_EXAMPLES_LOADER_H */

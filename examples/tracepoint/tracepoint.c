/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tracepoint.c - loader of the tracepoint example. Attaches the three
 * syscall tracepoint programs, calls sched_get_priority_max(2) for 9 fixed
 * policies and sched_get_priority_min(2) for 4, detaches, and checks the
 * per-class and per-result counts the programs kept for this process.
 * Built twice: tracepoint (instrumented skeleton) and tracepoint-plain.
 *
 * USAGE: sudo ./tracepoint [-v]    (under bpfcov: sudo bpfcov run ./tracepoint)
 */
#include <sys/syscall.h>

#include "loader.h"
#include "tracepoint.h"
#include "tracepoint.skel.h"

/* SCHED_OTHER, FIFO, RR, BATCH, 4 (unused), IDLE, DEADLINE, -1, 42. */
static const int max_policies[] = {0, 1, 2, 3, 4, 5, 6, -1, 42};
static const int min_policies[] = {0, 1, 6, 7};

static __u64 map_count(int fd, __u32 key)
{
	__u64 value = 0;

	bpf_map_lookup_elem(fd, &key, &value);
	return value;
}

int main(int argc, char **argv)
{
	static const char *class_names[] = {"normal", "realtime", "deadline", "invalid"};
	static const char *result_names[] = {"zero", "positive", "error"};
	long want_class[2][PRIO_NR_CLASSES] = {{0}}, want_result[PRIO_NR_RESULTS] = {0};
	struct tracepoint *skel;
	char what[64];
	unsigned int i;
	int err, ret, c;

	example_init(argc, argv, "tracepoint");
	if (example_ensure_tracefs())
		return 1;
	skel = tracepoint__open();
	if (!skel)
		return example_fail("open the BPF object", -errno, NULL);
	skel->rodata->target_tgid = getpid();
	err = tracepoint__load(skel);
	if (err) {
		ret = example_fail("load the BPF object", err, NULL);
		goto out;
	}
	err = tracepoint__attach(skel);
	if (err) {
		ret = example_fail("attach the tracepoint programs", err, NULL);
		goto out;
	}
	example_log_discard();

	for (i = 0; i < sizeof(max_policies) / sizeof(max_policies[0]); i++) {
		long r = syscall(SYS_sched_get_priority_max, max_policies[i]);

		want_class[PRIO_BOUND_MAX][prio_policy_class(max_policies[i])]++;
		want_result[prio_result_class(r < 0 ? -errno : r)]++;
	}
	for (i = 0; i < sizeof(min_policies) / sizeof(min_policies[0]); i++) {
		syscall(SYS_sched_get_priority_min, min_policies[i]);
		want_class[PRIO_BOUND_MIN][prio_policy_class(min_policies[i])]++;
	}
	tracepoint__detach(skel);

	printf("tracepoint: sched_get_priority_max x%zu, sched_get_priority_min x%zu\n",
	       sizeof(max_policies) / sizeof(max_policies[0]),
	       sizeof(min_policies) / sizeof(min_policies[0]));
	for (i = 0; i < 2; i++) {
		for (c = 0; c < PRIO_NR_CLASSES; c++) {
			snprintf(what, sizeof(what), "%s %s", i ? "min" : "max", class_names[c]);
			example_expect(
				what,
				map_count(bpf_map__fd(skel->maps.calls_by_class), prio_key(i, c)),
				want_class[i][c]);
		}
	}
	for (c = 0; c < PRIO_NR_RESULTS; c++) {
		snprintf(what, sizeof(what), "max result %s", result_names[c]);
		example_expect(what, map_count(bpf_map__fd(skel->maps.results), c), want_result[c]);
	}
	ret = example_finish();
out:
	tracepoint__destroy(skel);
	return ret;
}

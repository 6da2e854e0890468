/* SPDX-License-Identifier: Apache-2.0 */
/*
 * multi.c - loader of the multi example. Loads the five programs at once,
 * runs the xdp, tc and socket filter programs on fixed frames and the raw_tp
 * one on fixed syscall ids (BPF_PROG_TEST_RUN), attaches the tracepoint one
 * and calls sysfs(2) three times, then checks the per-class and per-program
 * counts the programs kept.
 * Built twice: multi (instrumented skeleton) and multi-plain.
 *
 * USAGE: sudo ./multi [-v]    (under bpfcov: sudo bpfcov run ./multi)
 */
#include <sys/syscall.h>

#include "loader.h"
#include "multi.h"
#include "multi.skel.h"
#include "packets.h"

enum { XDP, TC, SOCKET };

struct frame {
	int prog;
	const char *name;
	struct pkt_spec spec;
	__u32 want;    /* return value */
	int accounted; /* the program counts it in by_class */
};

#define IP4	  .l3 = PKT_ETH_P_IP
#define TCP(port) IP4, .l4 = PKT_IPPROTO_TCP, .dport = (port)
#define UDP(port) IP4, .l4 = PKT_IPPROTO_UDP, .dport = (port)
/* One frame per line. */
/* clang-format off */
static const struct frame frames[] = {
	{XDP, "xdp web :80", {TCP(80)}, 2 /* XDP_PASS */, 1},
	{XDP, "xdp web :443", {TCP(443)}, 2, 1},
	{XDP, "xdp ssh :22", {TCP(22)}, 2, 1},
	{XDP, "xdp dns :53", {UDP(53)}, 2, 1},
	{XDP, "xdp icmp", {IP4, .l4 = PKT_IPPROTO_ICMP, .icmp_type = PKT_ICMP_ECHO}, 2, 1},
	{XDP, "xdp gre", {IP4, .l4 = 47}, 1 /* XDP_DROP */, 1},
	{XDP, "xdp ipv6", {.l3 = PKT_ETH_P_IPV6, .l4 = PKT_IPPROTO_UDP, .dport = 53}, 2, 0},
	{XDP, "xdp truncated", {TCP(80), .truncate = 40}, 2, 0},
	{TC, "tc web :443", {TCP(443)}, 0 /* TC_ACT_OK */, 1},
	{TC, "tc ntp :123", {UDP(123)}, 0, 1},
	{TC, "tc truncated", {TCP(80), .truncate = 40}, 2 /* TC_ACT_SHOT */, 0},
	{SOCKET, "socket dns :53", {UDP(53), .payload = 20}, 48 /* whole packet */, 1},
	{SOCKET, "socket web :8080", {TCP(8080)}, 40, 1},
	{SOCKET, "socket smtp :25", {TCP(25)}, 0, 1},
	{SOCKET, "socket arp", {.l3 = PKT_ETH_P_ARP}, 0, 0},
};
/* clang-format on */
#define NR_FRAMES (sizeof(frames) / sizeof(frames[0]))

/* Syscall ids for the raw_tp program; it watches sysfs and getpriority. */
static const long raw_ids[] = {SYS_sysfs,  SYS_sysfs, SYS_getpriority,
			       SYS_getpid, SYS_read,  SYS_write};
/* sysfs(2) options: two valid (3: number of filesystem types), one not. */
static const long sysfs_options[] = {3, 3, 9};

static int run_raw_tp(int fd, long id)
{
	__u64 args[2] = {0, (__u64)id};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));

	return bpf_prog_test_run_opts(fd, &opts) ? -errno : 0;
}

int main(int argc, char **argv)
{
	static const char *class_names[MC_NR] = {
		"web", "ssh", "dns", "other tcp", "other udp", "icmp", "other", "syscall",
	};
	static const char *prog_names[] = {"multi_xdp", "multi_tc", "multi_socket", "multi_raw_tp",
					   "multi_tracepoint"};
	long long want_class[MC_NR] = {0}, want_runs[5] = {0};
	__u8 buf[PKT_MAX];
	struct bpf_link *link;
	struct multi *skel;
	char what[64];
	unsigned int i;
	int err, ret, fds[3];

	example_init(argc, argv, "multi");
	if (example_ensure_tracefs())
		return 1;
	skel = multi__open();
	if (!skel)
		return example_fail("open the BPF object", -errno, NULL);
	skel->rodata->target_tgid = getpid();
	skel->rodata->watch_a = SYS_sysfs;
	skel->rodata->watch_b = SYS_getpriority;
	err = multi__load(skel);
	if (err) {
		ret = example_fail("load the BPF object", err, NULL);
		goto out;
	}
	example_log_discard();
	fds[XDP] = bpf_program__fd(skel->progs.multi_xdp);
	fds[TC] = bpf_program__fd(skel->progs.multi_tc);
	fds[SOCKET] = bpf_program__fd(skel->progs.multi_socket);

	printf("multi: %zu frames (BPF_PROG_TEST_RUN): return value\n", NR_FRAMES);
	for (i = 0; i < NR_FRAMES; i++) {
		const struct frame *f = &frames[i];
		__u32 len = pkt_build(&f->spec, buf, sizeof(buf)), got = 0;

		err = example_run_pkt(fds[f->prog], buf, len, 1, &got, NULL, 0);
		if (err) {
			ret = example_fail("run a packet program (BPF_PROG_TEST_RUN)", err, NULL);
			goto out;
		}
		example_expect(f->name, got, f->want);
		if (f->accounted) {
			want_class[multi_classify(f->spec.l4, f->spec.dport)]++;
			want_runs[f->prog]++;
		}
	}

	printf("multi: multi_raw_tp on %zu syscall ids (BPF_PROG_TEST_RUN)\n",
	       sizeof(raw_ids) / sizeof(raw_ids[0]));
	for (i = 0; i < sizeof(raw_ids) / sizeof(raw_ids[0]); i++) {
		err = run_raw_tp(bpf_program__fd(skel->progs.multi_raw_tp), raw_ids[i]);
		if (err) {
			ret = example_fail("run multi_raw_tp (BPF_PROG_TEST_RUN)", err, NULL);
			goto out;
		}
		if (multi_syscall_kind(raw_ids[i], ~0UL, SYS_sysfs, SYS_getpriority)) {
			want_class[MC_SYSCALL]++;
			want_runs[3]++;
		}
	}

	/* Only the tracepoint: attached, multi_raw_tp would see every syscall. */
	link = bpf_program__attach(skel->progs.multi_tracepoint);
	if (!link) {
		ret = example_fail("attach multi_tracepoint", -errno, NULL);
		goto out;
	}
	for (i = 0; i < sizeof(sysfs_options) / sizeof(sysfs_options[0]); i++) {
		syscall(SYS_sysfs, sysfs_options[i], 0, 0);
		want_class[MC_SYSCALL]++;
		want_runs[4]++;
	}
	bpf_link__destroy(link);
	printf("multi: multi_tracepoint on %zu sysfs(2) calls\n",
	       sizeof(sysfs_options) / sizeof(sysfs_options[0]));

	printf("multi: runs per program\n");
	for (i = 0; i < 5; i++) {
		__u64 value = 0;

		bpf_map_lookup_elem(bpf_map__fd(skel->maps.runs), &i, &value);
		example_expect(prog_names[i], value, want_runs[i]);
	}
	printf("multi: events per class\n");
	for (i = 0; i < MC_NR; i++) {
		struct {
			__u64 packets, bytes;
		} st = {0};

		bpf_map_lookup_elem(bpf_map__fd(skel->maps.by_class), &i, &st);
		snprintf(what, sizeof(what), "%s", class_names[i]);
		example_expect(what, st.packets, want_class[i]);
	}
	ret = example_finish();
out:
	multi__destroy(skel);
	return ret;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xdp.c - loader of the xdp example. Runs xdp_firewall through
 * BPF_PROG_TEST_RUN on 13 fixed frames (some repeated), checks each
 * verdict, then the per-action and per-source counts the program kept.
 * No interface is attached: nothing but these frames reaches the program,
 * so every count is exact. The instrumented build also reads the program's
 * entry counter back through its skeleton.
 * Built twice: xdp (instrumented skeleton) and xdp-plain.
 *
 * USAGE: sudo ./xdp [-v]    (under bpfcov: sudo bpfcov run ./xdp)
 */
#include "loader.h"
#include "packets.h"
#include "xdp.h"
#include "xdp.skel.h"
#ifdef BPFCOV_INSTRUMENTED
#include <bpfcov/counters.h>
#endif

struct frame {
	const char *name;
	struct pkt_spec spec;
	__u32 repeat;
	__u32 want; /* XDP action */
};

#define IP4 .l3 = PKT_ETH_P_IP
/* One frame per line. */
/* clang-format off */
static const struct frame frames[] = {
	{"arp", {.l3 = PKT_ETH_P_ARP}, 1, FW_PASS},
	{"tcp syn :80", {IP4, .l4 = PKT_IPPROTO_TCP, .dport = 80, .tcp_flags = PKT_TCP_SYN}, 3, FW_PASS},
	{"tcp syn :23", {IP4, .l4 = PKT_IPPROTO_TCP, .dport = 23, .tcp_flags = PKT_TCP_SYN}, 2, FW_DROP},
	{"tcp ack :23", {IP4, .l4 = PKT_IPPROTO_TCP, .dport = 23, .tcp_flags = PKT_TCP_ACK}, 1, FW_PASS},
	{"udp :53 small", {IP4, .l4 = PKT_IPPROTO_UDP, .dport = 53, .payload = 64}, 4, FW_PASS},
	{"udp :53 large", {IP4, .l4 = PKT_IPPROTO_UDP, .dport = 53, .payload = 600}, 1, FW_DROP},
	{"udp :2323", {IP4, .l4 = PKT_IPPROTO_UDP, .dport = 2323, .saddr = PKT_IP4(10, 0, 0, 7)}, 1, FW_DROP},
	{"icmp echo", {IP4, .l4 = PKT_IPPROTO_ICMP, .icmp_type = PKT_ICMP_ECHO}, 2, FW_TX},
	{"icmp echo reply", {IP4, .l4 = PKT_IPPROTO_ICMP, .icmp_type = PKT_ICMP_ECHOREPLY}, 1, FW_PASS},
	{"tcp ttl 1", {IP4, .l4 = PKT_IPPROTO_TCP, .dport = 80, .ttl = 1}, 1, FW_DROP},
	{"ipv6 udp", {.l3 = PKT_ETH_P_IPV6, .l4 = PKT_IPPROTO_UDP, .dport = 53}, 1, FW_PASS},
	{"ipv4 truncated", {IP4, .l4 = PKT_IPPROTO_TCP, .dport = 80, .truncate = 30}, 1, FW_DROP},
	{"lldp", {.l3 = 0x88cc}, 1, FW_DROP},
};
/* clang-format on */
#define NR_FRAMES (sizeof(frames) / sizeof(frames[0]))

int main(int argc, char **argv)
{
	static const char *action_names[] = {"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX"};
	long long want_actions[FW_NR_ACTIONS] = {0}, want_src1 = 0, want_src7 = 0, runs = 0;
	__u8 buf[PKT_MAX];
	struct xdp *skel;
	char what[64];
	unsigned int i;
	__u32 key;
	__u64 value;
	int err, ret, fd;

	example_init(argc, argv, "xdp");
	skel = xdp__open_and_load();
	if (!skel)
		return example_fail("load the BPF object", -errno, NULL);
	example_log_discard();
	fd = bpf_program__fd(skel->progs.xdp_firewall);

	printf("xdp: %zu frames through xdp_firewall (BPF_PROG_TEST_RUN)\n", NR_FRAMES);
	for (i = 0; i < NR_FRAMES; i++) {
		const struct frame *f = &frames[i];
		__u32 len = pkt_build(&f->spec, buf, sizeof(buf)), got = 0;

		err = example_run_pkt(fd, buf, len, f->repeat, &got, NULL, 0);
		if (err) {
			ret = example_fail("run xdp_firewall (BPF_PROG_TEST_RUN)", err, NULL);
			goto out;
		}
		snprintf(what, sizeof(what), "%s x%u", f->name, f->repeat);
		printf("  %-34s %s\n", what, got < FW_NR_ACTIONS ? action_names[got] : "?");
		if (got != f->want)
			example_expect(what, got, f->want);
		want_actions[f->want] += f->repeat;
		runs += f->repeat;
		if (f->spec.l3 == PKT_ETH_P_IP && !f->spec.truncate) {
			if (f->spec.saddr == PKT_IP4(10, 0, 0, 7))
				want_src7 += f->repeat;
			else
				want_src1 += f->repeat;
		}
	}

	printf("xdp: counts kept by the program\n");
	for (key = 0; key < FW_NR_ACTIONS; key++) {
		value = 0;
		bpf_map_lookup_elem(bpf_map__fd(skel->maps.actions), &key, &value);
		example_expect(action_names[key], value, want_actions[key]);
	}
	key = PKT_IP4(10, 0, 0, 1);
	value = 0;
	bpf_map_lookup_elem(bpf_map__fd(skel->maps.sources), &key, &value);
	example_expect("frames from 10.0.0.1", value, want_src1);
	key = PKT_IP4(10, 0, 0, 7);
	value = 0;
	bpf_map_lookup_elem(bpf_map__fd(skel->maps.sources), &key, &value);
	example_expect("frames from 10.0.0.7", value, want_src7);
#ifdef BPFCOV_INSTRUMENTED
	/* The instrumented skeleton maps the coverage counters (.data.profc). */
	example_expect("xdp_firewall entry counter",
		       bpfcov_counter(skel->data_profc, &skel->data_profc->__profc_xdp_firewall[0]),
		       runs);
#endif
	ret = example_finish();
out:
	xdp__destroy(skel);
	return ret;
}

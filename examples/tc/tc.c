/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tc.c - loader of the tc example. Runs tc_classify through
 * BPF_PROG_TEST_RUN on 11 fixed frames, in order (the per-source budget
 * makes order matter), and checks each action and the skb->mark and
 * skb->priority the program set (read back from the __sk_buff context).
 * Built twice: tc (instrumented skeleton) and tc-plain.
 *
 * USAGE: sudo ./tc [-v]    (under bpfcov: sudo bpfcov run ./tc)
 */
#include <linux/bpf.h>

#include "loader.h"
#include "packets.h"
#include "tc.h"
#include "tc.skel.h"

struct frame {
	const char *name;
	struct pkt_spec spec;
	__u32 want_action, want_mark, want_priority;
};

#define IP4(last) .l3 = PKT_ETH_P_IP, .saddr = PKT_IP4(10, 0, 0, last)
/* One frame per line. */
/* clang-format off */
static const struct frame frames[] = {
	{"ssh from .1", {IP4(1), .l4 = PKT_IPPROTO_TCP, .dport = 22}, TCV_OK, 0x22, 0},
	{"ssh reply to .1", {IP4(1), .l4 = PKT_IPPROTO_TCP, .sport = 22, .dport = 40000}, TCV_OK, 0x22, 0},
	{"EF voice from .2", {IP4(2), .l4 = PKT_IPPROTO_UDP, .dscp = DSCP_EF, .dport = 5004}, TCV_OK, 0x5000, 6},
	{"AF41 video from .2", {IP4(2), .l4 = PKT_IPPROTO_UDP, .dscp = DSCP_AF41, .dport = 6000}, TCV_OK, 0, 6},
	{"web from .3 #1", {IP4(3), .l4 = PKT_IPPROTO_TCP, .dport = 443}, TCV_OK, 0, 0},
	{"web from .3 #2", {IP4(3), .l4 = PKT_IPPROTO_TCP, .dport = 443}, TCV_OK, 0, 0},
	{"web from .3 #3", {IP4(3), .l4 = PKT_IPPROTO_TCP, .dport = 443}, TCV_OK, 0, 0},
	{"web from .3 #4", {IP4(3), .l4 = PKT_IPPROTO_TCP, .dport = 443}, TCV_SHOT, 0, 0},
	{"web from .3 #5", {IP4(3), .l4 = PKT_IPPROTO_TCP, .dport = 443}, TCV_SHOT, 0, 0},
	{"ipv6", {.l3 = PKT_ETH_P_IPV6, .l4 = PKT_IPPROTO_TCP, .dport = 22}, TCV_OK, 0, 0},
	{"udp truncated", {IP4(4), .l4 = PKT_IPPROTO_UDP, .truncate = 36}, TCV_OK, 0, 0},
};
/* clang-format on */
#define NR_FRAMES (sizeof(frames) / sizeof(frames[0]))

static const char *action_name(__u32 action)
{
	switch (action) {
	case TCV_OK:
		return "TC_ACT_OK";
	case TCV_SHOT:
		return "TC_ACT_SHOT";
	default:
		return "?";
	}
}

int main(int argc, char **argv)
{
	__u8 buf[PKT_MAX];
	struct tc *skel;
	char what[80];
	unsigned int i;
	__u64 value;
	__u32 key;
	int err, ret, fd;

	example_init(argc, argv, "tc");
	skel = tc__open_and_load();
	if (!skel)
		return example_fail("load the BPF object", -errno, NULL);
	example_log_discard();
	fd = bpf_program__fd(skel->progs.tc_classify);

	printf("tc: %zu frames through tc_classify (BPF_PROG_TEST_RUN): action mark priority\n",
	       NR_FRAMES);
	for (i = 0; i < NR_FRAMES; i++) {
		const struct frame *f = &frames[i];
		struct __sk_buff skb = {0};
		__u32 len = pkt_build(&f->spec, buf, sizeof(buf)), got = 0;

		err = example_run_pkt(fd, buf, len, 1, &got, &skb, sizeof(skb));
		if (err) {
			ret = example_fail("run tc_classify (BPF_PROG_TEST_RUN)", err, NULL);
			goto out;
		}
		snprintf(what, sizeof(what), "%s: %s 0x%x %u", f->name, action_name(got), skb.mark,
			 skb.priority);
		printf("  %s\n", what);
		if (got != f->want_action)
			example_expect(what, got, f->want_action);
		if (got == TCV_OK && skb.mark != f->want_mark)
			example_expect(what, skb.mark, f->want_mark);
		if (got == TCV_OK && skb.priority != f->want_priority)
			example_expect(what, skb.priority, f->want_priority);
	}

	printf("tc: frames seen per source\n");
	for (i = 1; i <= 4; i++) {
		static const long long want[] = {0, 2, 2, 5, 0};

		key = PKT_IP4(10, 0, 0, i);
		value = 0;
		bpf_map_lookup_elem(bpf_map__fd(skel->maps.seen_by_source), &key, &value);
		snprintf(what, sizeof(what), "10.0.0.%u", i);
		example_expect(what, value, want[i]);
	}
	ret = example_finish();
out:
	tc__destroy(skel);
	return ret;
}

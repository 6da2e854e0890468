/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * tc.bpf.c - a tc (BPF_PROG_TYPE_SCHED_CLS) classifier: parse the frame
 * (parse.bpf.h), count frames per IPv4 source (hash map), decide with
 * tc_decide() (tc.h), then set skb->mark / skb->priority or drop.
 *
 * USAGE: built by examples/tc/CMakeLists.txt; sudo ./tc
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "parse.bpf.h"
#include "tc.h"

/* bpf_printk() is a GPL-only helper: the programs are offered under the GPL. */
char LICENSE[] SEC("license") = "GPL";

const volatile __u32 budget = 3;
const volatile __u32 fast_priority = 6;
const volatile __u32 ssh_mark = 0x22;
const volatile __u32 rtp_mark = 0x5000;
const volatile __u16 rtp_low = 5000;
const volatile __u16 rtp_high = 5100;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);   /* IPv4 source */
	__type(value, __u64); /* frames seen */
} seen_by_source SEC(".maps");

static __always_inline __u64 count_source(__u32 saddr)
{
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(&seen_by_source, &saddr);
	if (!n) {
		bpf_map_update_elem(&seen_by_source, &saddr, &one, BPF_NOEXIST);
		return 1;
	}
	return __sync_add_and_fetch(n, 1);
}

SEC("tc")
int tc_classify(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct tc_config cfg = {
		.budget = budget,
		.fast_priority = fast_priority,
		.ssh_mark = ssh_mark,
		.rtp_mark = rtp_mark,
		.rtp_low = rtp_low,
		.rtp_high = rtp_high,
	};
	struct tc_verdict v;
	struct pkt_meta m;
	__u64 seen = 0;

	parse_frame(data, data_end, &m);
	if (m.l3_proto == PKT_ETH_P_IP && !m.truncated)
		seen = count_source(m.saddr);
	tc_decide(&m, seen, &cfg, &v);

	if (v.action == TCV_SHOT) {
		bpf_printk("tc: source %x over budget (%llu frames)", m.saddr, seen);
		return v.action;
	}
	if (v.mark)
		skb->mark = v.mark;
	if (v.priority)
		skb->priority = v.priority;
	return v.action;
}

/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * xdp.bpf.c - an XDP ingress firewall: parse the frame (parse.bpf.h),
 * decide with fw_decide() (xdp.h), count actions (array map) and frames per
 * IPv4 source (hash map), and bounce ICMP echo requests back (XDP_TX).
 * The config is const volatile: the loader may change it before load.
 *
 * USAGE: built by examples/xdp/CMakeLists.txt; sudo ./xdp
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "parse.bpf.h"
#include "xdp.h"

#define ETH_ALEN 6

/* bpf_printk() is a GPL-only helper: the programs are offered under the GPL. */
char LICENSE[] SEC("license") = "GPL";

const volatile __u16 blocked_ports[FW_MAX_PORTS] = {23, 2323, 0, 0};
const volatile __u16 max_dns_len = 512;
const volatile __u8 min_ttl = 2;
const volatile __u8 drop_ipv6 = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_NR_ACTIONS);
	__type(key, __u32);   /* XDP action */
	__type(value, __u64); /* frames */
} actions SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);   /* IPv4 source */
	__type(value, __u64); /* frames */
} sources SEC(".maps");

static __always_inline void load_config(struct fw_config *c)
{
	int i;

	for (i = 0; i < FW_MAX_PORTS; i++)
		c->blocked_ports[i] = blocked_ports[i];
	c->max_dns_len = max_dns_len;
	c->min_ttl = min_ttl;
	c->drop_ipv6 = drop_ipv6;
}

static __always_inline void swap_macs(struct ethhdr *eth)
{
	unsigned char tmp[ETH_ALEN];

	__builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
}

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct fw_config cfg;
	struct pkt_meta m;
	__u64 one = 1, *n;
	__u32 action;

	load_config(&cfg);
	parse_frame(data, data_end, &m);
	action = fw_decide(&m, &cfg);

	n = bpf_map_lookup_elem(&actions, &action);
	if (n)
		__sync_fetch_and_add(n, 1);
	if (m.l3_proto == PKT_ETH_P_IP && !m.truncated) {
		n = bpf_map_lookup_elem(&sources, &m.saddr);
		if (n)
			__sync_fetch_and_add(n, 1);
		else
			bpf_map_update_elem(&sources, &m.saddr, &one, BPF_NOEXIST);
	}

	if (action == FW_TX) {
		struct ethhdr *eth = data;

		if ((void *)(eth + 1) > data_end)
			return XDP_ABORTED;
		swap_macs(eth);
	} else if (action == FW_DROP && m.truncated) {
		bpf_printk("xdp: dropped a truncated frame of %u bytes", m.len);
	}
	return action;
}

/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * socket.bpf.c - a socket filter (BPF_PROG_TYPE_SOCKET_FILTER) for a
 * capture socket: reads the IPv4 and transport headers with
 * bpf_skb_load_bytes() (no direct packet access for this type), decides
 * with sock_keep_bytes() (socket.h) and counts packets per L4 protocol.
 * skb->data starts at the network header, as on an AF_INET socket.
 *
 * USAGE: built by examples/socket/CMakeLists.txt; sudo ./socket
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "socket.h"

/* bpf_printk() is a GPL-only helper: the programs are offered under the GPL. */
char LICENSE[] SEC("license") = "GPL";

const volatile __u32 snaplen = 96;
const volatile __u8 keep_icmp = 1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);   /* IP protocol */
	__type(value, __u64); /* packets */
} by_protocol SEC(".maps");

static __always_inline void parse_skb(struct __sk_buff *skb, struct pkt_meta *m)
{
	struct iphdr ip;
	__u32 l4;

	__builtin_memset(m, 0, sizeof(*m));
	m->len = skb->len;
	m->l3_proto = bpf_ntohs(skb->protocol);
	if (m->l3_proto != PKT_ETH_P_IP)
		return;
	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) || ip.ihl < 5) {
		m->truncated = 1;
		return;
	}
	m->ttl = ip.ttl;
	m->dscp = ip.tos >> 2;
	m->l4_proto = ip.protocol;
	m->saddr = bpf_ntohl(ip.saddr);
	m->daddr = bpf_ntohl(ip.daddr);
	l4 = ip.ihl * 4;
	if (m->l4_proto == PKT_IPPROTO_TCP || m->l4_proto == PKT_IPPROTO_UDP) {
		__be16 ports[2];

		if (bpf_skb_load_bytes(skb, l4, ports, sizeof(ports))) {
			m->truncated = 1;
			return;
		}
		m->sport = bpf_ntohs(ports[0]);
		m->dport = bpf_ntohs(ports[1]);
	} else if (m->l4_proto == PKT_IPPROTO_ICMP) {
		if (bpf_skb_load_bytes(skb, l4, &m->icmp_type, 1))
			m->truncated = 1;
	}
}

SEC("socket")
int socket_filter(struct __sk_buff *skb)
{
	struct sock_config cfg = {.snaplen = snaplen, .keep_icmp = keep_icmp};
	struct pkt_meta m;
	__u32 key;
	__u64 *n;

	parse_skb(skb, &m);
	key = m.l4_proto;
	n = bpf_map_lookup_elem(&by_protocol, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	if (m.truncated)
		bpf_printk("socket: truncated IPv4 packet of %u bytes", m.len);
	return sock_keep_bytes(&m, &cfg);
}

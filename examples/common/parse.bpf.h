/* SPDX-License-Identifier: Apache-2.0 */
/*
 * parse.bpf.h - fill a struct pkt_meta from an Ethernet frame with direct
 * packet access (XDP and tc programs). Every read is bounds-checked against
 * data_end the way the verifier wants it; a short header sets ->truncated
 * instead of failing, so the decision logic sees every frame.
 *
 * USAGE: #include "vmlinux.h", <bpf/bpf_endian.h>, then "parse.bpf.h";
 *        parse_frame((void *)(long)ctx->data, (void *)(long)ctx->data_end, &m);
 */
#ifndef BPFCOV_EXAMPLES_PARSE_BPF_H
#define BPFCOV_EXAMPLES_PARSE_BPF_H

#include "pkt.h"

static __always_inline void parse_l4(void *l4, void *data_end, struct pkt_meta *m)
{
	if (m->l4_proto == PKT_IPPROTO_TCP) {
		struct tcphdr *tcp = l4;

		if ((void *)(tcp + 1) > data_end) {
			m->truncated = 1;
			return;
		}
		m->sport = bpf_ntohs(tcp->source);
		m->dport = bpf_ntohs(tcp->dest);
		m->tcp_flags = ((__u8 *)tcp)[13];
	} else if (m->l4_proto == PKT_IPPROTO_UDP) {
		struct udphdr *udp = l4;

		if ((void *)(udp + 1) > data_end) {
			m->truncated = 1;
			return;
		}
		m->sport = bpf_ntohs(udp->source);
		m->dport = bpf_ntohs(udp->dest);
	} else if (m->l4_proto == PKT_IPPROTO_ICMP) {
		struct icmphdr *icmp = l4;

		if ((void *)(icmp + 1) > data_end) {
			m->truncated = 1;
			return;
		}
		m->icmp_type = icmp->type;
	}
}

/* Returns 0 when the frame was parsed up to its transport header. */
static __always_inline int parse_frame(void *data, void *data_end, struct pkt_meta *m)
{
	struct ethhdr *eth = data;

	__builtin_memset(m, 0, sizeof(*m));
	m->len = data_end - data;
	if ((void *)(eth + 1) > data_end) {
		m->truncated = 1;
		return -1;
	}
	m->l3_proto = bpf_ntohs(eth->h_proto);

	if (m->l3_proto == PKT_ETH_P_IP) {
		struct iphdr *ip = (void *)(eth + 1);
		__u32 ihl;

		if ((void *)(ip + 1) > data_end) {
			m->truncated = 1;
			return -1;
		}
		ihl = ip->ihl;
		if (ihl < 5) {
			m->truncated = 1;
			return -1;
		}
		m->ttl = ip->ttl;
		m->dscp = ip->tos >> 2;
		m->l4_proto = ip->protocol;
		m->saddr = bpf_ntohl(ip->saddr);
		m->daddr = bpf_ntohl(ip->daddr);
		parse_l4((void *)ip + ihl * 4, data_end, m);
	} else if (m->l3_proto == PKT_ETH_P_IPV6) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end) {
			m->truncated = 1;
			return -1;
		}
		m->ttl = ip6->hop_limit;
		m->l4_proto = ip6->nexthdr;
		parse_l4(ip6 + 1, data_end, m);
	}
	return m->truncated ? -1 : 0;
}

#endif /* BPFCOV_EXAMPLES_PARSE_BPF_H */

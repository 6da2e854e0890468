/* SPDX-License-Identifier: Apache-2.0 */
/*
 * packets.h - build the fixed frames the packet example loaders feed to
 * BPF_PROG_TEST_RUN: Ethernet + IPv4/IPv6 + TCP/UDP/ICMP, ARP, unknown
 * EtherTypes and truncated frames, from a one-line description. The bytes
 * are deterministic, so the coverage counts of a run are exact.
 *
 * USAGE: struct pkt_spec s = { .l3 = PKT_ETH_P_IP, .l4 = PKT_IPPROTO_TCP,
 *                              .dport = 80, .tcp_flags = PKT_TCP_SYN };
 *        __u32 len = pkt_build(&s, buf, sizeof(buf));
 */
#ifndef BPFCOV_EXAMPLES_PACKETS_H
#define BPFCOV_EXAMPLES_PACKETS_H

#include <arpa/inet.h>
#include <linux/icmp.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <string.h>

#include "pkt.h"

#define PKT_MAX		    1600
#define PKT_IP4(a, b, c, d) (((__u32)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

struct pkt_spec {
	__u16 l3; /* PKT_ETH_P_*, or any EtherType */
	__u8 l4;  /* PKT_IPPROTO_* */
	__u8 ttl; /* 0 means 64 */
	__u8 dscp;
	__u8 tcp_flags;
	__u8 icmp_type;
	__u32 saddr; /* IPv4, host order; 0 means 10.0.0.1 */
	__u32 daddr; /* 0 means 10.0.0.2 */
	__u16 sport; /* 0 means 40000 */
	__u16 dport;
	__u16 payload;	/* bytes after the transport header */
	__u16 truncate; /* cut the frame to this many bytes (0: keep all) */
};

static inline __u16 pkt_csum(const void *p, size_t n)
{
	const __u8 *b = p;
	__u32 sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (b[i] << 8) | b[i + 1];
	if (n & 1)
		sum += b[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((__u16)~sum);
}

/* Writes the frame described by \p s into \p buf; returns its length. */
static inline __u32 pkt_build(const struct pkt_spec *s, __u8 *buf, size_t cap)
{
	static const __u8 dst_mac[ETH_ALEN] = {0x02, 0, 0, 0, 0, 0x02};
	static const __u8 src_mac[ETH_ALEN] = {0x02, 0, 0, 0, 0, 0x01};
	struct ethhdr *eth = (struct ethhdr *)buf;
	__u8 *l4, *end;
	size_t l4_len, i;

	memset(buf, 0, cap);
	memcpy(eth->h_dest, dst_mac, ETH_ALEN);
	memcpy(eth->h_source, src_mac, ETH_ALEN);
	eth->h_proto = htons(s->l3);

	switch (s->l4) {
	case PKT_IPPROTO_TCP:
		l4_len = sizeof(struct tcphdr);
		break;
	case PKT_IPPROTO_UDP:
		l4_len = sizeof(struct udphdr);
		break;
	case PKT_IPPROTO_ICMP:
		l4_len = sizeof(struct icmphdr);
		break;
	default:
		l4_len = 0;
	}

	if (s->l3 == PKT_ETH_P_IP) {
		struct iphdr *ip = (struct iphdr *)(eth + 1);

		l4 = (__u8 *)(ip + 1);
		ip->version = 4;
		ip->ihl = 5;
		ip->tos = s->dscp << 2;
		ip->tot_len = htons(sizeof(*ip) + l4_len + s->payload);
		ip->id = htons(1);
		ip->ttl = s->ttl ? s->ttl : 64;
		ip->protocol = s->l4;
		ip->saddr = htonl(s->saddr ? s->saddr : PKT_IP4(10, 0, 0, 1));
		ip->daddr = htonl(s->daddr ? s->daddr : PKT_IP4(10, 0, 0, 2));
		ip->check = pkt_csum(ip, sizeof(*ip));
	} else if (s->l3 == PKT_ETH_P_IPV6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(eth + 1);

		l4 = (__u8 *)(ip6 + 1);
		ip6->version = 6;
		ip6->payload_len = htons(l4_len + s->payload);
		ip6->nexthdr = s->l4;
		ip6->hop_limit = s->ttl ? s->ttl : 64;
		ip6->saddr.s6_addr[0] = 0xfd;
		ip6->saddr.s6_addr[15] = 1;
		ip6->daddr.s6_addr[0] = 0xfd;
		ip6->daddr.s6_addr[15] = 2;
	} else {
		/* ARP or an unknown EtherType: a 28-byte body of fixed bytes. */
		l4 = (__u8 *)(eth + 1);
		for (i = 0; i < 28; i++)
			l4[i] = (__u8)i;
		end = l4 + 28;
		goto out;
	}

	if (s->l4 == PKT_IPPROTO_TCP) {
		struct tcphdr *tcp = (struct tcphdr *)l4;

		tcp->source = htons(s->sport ? s->sport : 40000);
		tcp->dest = htons(s->dport);
		tcp->seq = htonl(1);
		tcp->doff = 5;
		((__u8 *)tcp)[13] = s->tcp_flags;
		tcp->window = htons(65535);
	} else if (s->l4 == PKT_IPPROTO_UDP) {
		struct udphdr *udp = (struct udphdr *)l4;

		udp->source = htons(s->sport ? s->sport : 40000);
		udp->dest = htons(s->dport);
		udp->len = htons(sizeof(*udp) + s->payload);
	} else if (s->l4 == PKT_IPPROTO_ICMP) {
		struct icmphdr *icmp = (struct icmphdr *)l4;

		icmp->type = s->icmp_type;
		icmp->un.echo.id = htons(7);
		icmp->un.echo.sequence = htons(1);
	}
	end = l4 + l4_len;
	for (i = 0; i < s->payload; i++)
		end[i] = (__u8)(i * 7);
	end += s->payload;
	if (s->l4 == PKT_IPPROTO_ICMP)
		((struct icmphdr *)l4)->checksum = pkt_csum(l4, end - l4);
out:
	if (s->truncate && s->truncate < end - buf)
		return s->truncate;
	return (__u32)(end - buf);
}

#endif /* BPFCOV_EXAMPLES_PACKETS_H */

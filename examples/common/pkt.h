/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pkt.h - what the packet examples (xdp, tc, socket, multi) know about a
 * frame once it is parsed: a plain struct and protocol numbers, no BPF
 * helpers. The decision headers (xdp.h, tc.h, ...) take a struct pkt_meta,
 * so the same logic compiles for BPF and natively (differential tests).
 *
 * USAGE: #include "pkt.h"   (after vmlinux.h in BPF code)
 */
#ifndef BPFCOV_EXAMPLES_PKT_H
#define BPFCOV_EXAMPLES_PKT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Own names, so that neither vmlinux.h nor libc headers clash with them. */
#define PKT_ETH_P_IP	   0x0800
#define PKT_ETH_P_ARP	   0x0806
#define PKT_ETH_P_IPV6	   0x86DD
#define PKT_IPPROTO_ICMP   1
#define PKT_IPPROTO_TCP	   6
#define PKT_IPPROTO_UDP	   17
#define PKT_ICMP_ECHOREPLY 0
#define PKT_ICMP_ECHO	   8
#define PKT_TCP_FIN	   0x01
#define PKT_TCP_SYN	   0x02
#define PKT_TCP_RST	   0x04
#define PKT_TCP_ACK	   0x10

/* A parsed frame. Multi-byte fields are in host byte order. */
struct pkt_meta {
	__u32 len;	/* bytes the program sees */
	__u16 l3_proto; /* PKT_ETH_P_*, as in the Ethernet header */
	__u8 l4_proto;	/* PKT_IPPROTO_*, 0 when not IP */
	__u8 truncated; /* a header was cut short */
	__u8 ttl;	/* IPv4 TTL or IPv6 hop limit */
	__u8 dscp;	/* IPv4 DSCP (tos >> 2) */
	__u8 tcp_flags; /* PKT_TCP_* bits */
	__u8 icmp_type; /* PKT_ICMP_* */
	__u32 saddr;	/* IPv4 source */
	__u32 daddr;	/* IPv4 destination */
	__u16 sport;	/* TCP/UDP source port */
	__u16 dport;	/* TCP/UDP destination port */
};

#endif /* BPFCOV_EXAMPLES_PKT_H */

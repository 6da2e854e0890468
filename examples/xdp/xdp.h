/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xdp.h - decision logic of the xdp example, a small ingress firewall, on
 * a parsed struct pkt_meta and a plain config, with no BPF helpers. The
 * same functions compile into xdp.bpf.c and natively (differential tests).
 *
 * USAGE: #include "xdp.h"   (after vmlinux.h in BPF code)
 */
#ifndef BPFCOV_EXAMPLES_XDP_H
#define BPFCOV_EXAMPLES_XDP_H

#include "pkt.h"

/* The XDP actions, with the kernel's values (enum xdp_action). */
#define FW_ABORTED    0
#define FW_DROP	      1
#define FW_PASS	      2
#define FW_TX	      3
#define FW_NR_ACTIONS 4

#define FW_MAX_PORTS 4

struct fw_config {
	__u16 blocked_ports[FW_MAX_PORTS]; /* TCP SYNs and UDP to these are dropped; 0 = unused */
	__u16 max_dns_len;		   /* longer frames to UDP port 53 are dropped */
	__u8 min_ttl;			   /* IPv4 frames below this TTL are dropped */
	__u8 drop_ipv6;
};

static inline int fw_port_blocked(const struct fw_config *c, __u16 port)
{
	int i;

	for (i = 0; i < FW_MAX_PORTS; i++) {
		if (c->blocked_ports[i] != 0 && c->blocked_ports[i] == port)
			return 1;
	}
	return 0;
}

/* The XDP action for one frame. */
static inline int fw_decide(const struct pkt_meta *m, const struct fw_config *c)
{
	if (m->truncated)
		return FW_DROP;

	switch (m->l3_proto) {
	case PKT_ETH_P_ARP:
		return FW_PASS;
	case PKT_ETH_P_IPV6:
		return c->drop_ipv6 ? FW_DROP : FW_PASS;
	case PKT_ETH_P_IP:
		break;
	default:
		return FW_DROP;
	}

	if (m->ttl < c->min_ttl)
		return FW_DROP;

	switch (m->l4_proto) {
	case PKT_IPPROTO_ICMP:
		/* answer pings from here: the program swaps the MACs */
		return m->icmp_type == PKT_ICMP_ECHO ? FW_TX : FW_PASS;
	case PKT_IPPROTO_TCP:
		/* new connections only: established flows keep going */
		if ((m->tcp_flags & PKT_TCP_SYN) && !(m->tcp_flags & PKT_TCP_ACK) &&
		    fw_port_blocked(c, m->dport))
			return FW_DROP;
		return FW_PASS;
	case PKT_IPPROTO_UDP:
		if (m->dport == 53 && m->len > c->max_dns_len)
			return FW_DROP;
		return fw_port_blocked(c, m->dport) ? FW_DROP : FW_PASS;
	default:
		return FW_PASS;
	}
}

#endif /* BPFCOV_EXAMPLES_XDP_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * socket.h - decision logic of the socket filter example, on a parsed
 * struct pkt_meta and a plain config, with no BPF helpers: how many bytes
 * of an IPv4 packet a capture socket keeps (0 drops it). Keeps DNS whole,
 * truncates TCP to a snap length, keeps ICMP when configured, drops the
 * rest. Compiled into socket.bpf.c and natively by differential tests.
 *
 * USAGE: #include "socket.h"   (after vmlinux.h in BPF code)
 */
#ifndef BPFCOV_EXAMPLES_SOCKET_H
#define BPFCOV_EXAMPLES_SOCKET_H

#include "pkt.h"

struct sock_config {
	__u32 snaplen; /* TCP packets are cut to this many bytes */
	__u8 keep_icmp;
};

static inline int sock_is_dns(const struct pkt_meta *m)
{
	return m->l4_proto == PKT_IPPROTO_UDP && (m->dport == 53 || m->sport == 53);
}

/* Bytes of the packet to keep; 0 drops it. */
static inline __u32 sock_keep_bytes(const struct pkt_meta *m, const struct sock_config *c)
{
	if (m->truncated || m->l3_proto != PKT_ETH_P_IP)
		return 0;
	if (sock_is_dns(m))
		return m->len;
	switch (m->l4_proto) {
	case PKT_IPPROTO_TCP:
		return m->len < c->snaplen ? m->len : c->snaplen;
	case PKT_IPPROTO_ICMP:
		return c->keep_icmp ? m->len : 0;
	default:
		return 0;
	}
}

#endif /* BPFCOV_EXAMPLES_SOCKET_H */

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tc.h - decision logic of the tc example, a classifier with a per-source
 * budget, on a parsed struct pkt_meta and a plain config, with no BPF
 * helpers: drop a source over its budget, raise the priority of
 * expedited (DSCP EF/AF41) traffic, mark SSH and RTP flows. Compiled into
 * tc.bpf.c and natively by differential tests.
 *
 * USAGE: #include "tc.h"   (after vmlinux.h in BPF code)
 */
#ifndef BPFCOV_EXAMPLES_TC_H
#define BPFCOV_EXAMPLES_TC_H

#include "pkt.h"

/* TC actions, with the kernel's values (TC_ACT_*). */
#define TCV_OK	 0
#define TCV_SHOT 2

#define DSCP_EF	  46
#define DSCP_AF41 34

struct tc_config {
	__u32 budget;	     /* frames per IPv4 source; later ones are dropped */
	__u32 fast_priority; /* skb->priority for EF/AF41 traffic */
	__u32 ssh_mark;	     /* skb->mark for TCP port 22 */
	__u32 rtp_mark;	     /* skb->mark for UDP ports [rtp_low, rtp_high) */
	__u16 rtp_low;
	__u16 rtp_high;
};

struct tc_verdict {
	int action;	/* TCV_OK or TCV_SHOT */
	__u32 mark;	/* 0: leave skb->mark alone */
	__u32 priority; /* 0: leave skb->priority alone */
};

/* \p seen: frames from this source so far, this one included. */
static inline void tc_decide(const struct pkt_meta *m, __u64 seen, const struct tc_config *c,
			     struct tc_verdict *v)
{
	v->action = TCV_OK;
	v->mark = 0;
	v->priority = 0;
	if (m->truncated || m->l3_proto != PKT_ETH_P_IP)
		return;
	if (seen > c->budget) {
		v->action = TCV_SHOT;
		return;
	}
	if (m->dscp == DSCP_EF || m->dscp == DSCP_AF41)
		v->priority = c->fast_priority;
	if (m->l4_proto == PKT_IPPROTO_TCP && (m->dport == 22 || m->sport == 22))
		v->mark = c->ssh_mark;
	else if (m->l4_proto == PKT_IPPROTO_UDP && m->dport >= c->rtp_low && m->dport < c->rtp_high)
		v->mark = c->rtp_mark;
}

#endif /* BPFCOV_EXAMPLES_TC_H */

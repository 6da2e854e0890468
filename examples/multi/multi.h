/* SPDX-License-Identifier: Apache-2.0 */
/*
 * multi.h - decision logic shared by the programs of the multi example, on
 * plain integers and arrays, with no BPF helpers: a flow class (nested
 * switch), a weighted score (loop with continue/break), a syscall-id
 * classifier (&&/|| chains) and a sysfs(2) option classifier. Compiled into
 * multi.bpf.c and natively by differential tests.
 *
 * USAGE: #include "multi.h"   (after vmlinux.h in BPF code)
 */
#ifndef BPFCOV_EXAMPLES_MULTI_H
#define BPFCOV_EXAMPLES_MULTI_H

#include "pkt.h"

enum multi_class {
	MC_WEB,
	MC_SSH,
	MC_DNS,
	MC_OTHER_TCP,
	MC_OTHER_UDP,
	MC_ICMP,
	MC_OTHER,
	MC_SYSCALL, /* raw_tp and tracepoint programs account here */
	MC_NR,
};

#define MULTI_MAX_WEIGHTS 8

static inline int multi_classify(__u8 l4_proto, __u16 port)
{
	switch (l4_proto) {
	case PKT_IPPROTO_TCP:
		switch (port) {
		case 80:
		case 443:
		case 8080:
			return MC_WEB;
		case 22:
			return MC_SSH;
		default:
			return MC_OTHER_TCP;
		}
	case PKT_IPPROTO_UDP:
		return port == 53 || port == 853 ? MC_DNS : MC_OTHER_UDP;
	case PKT_IPPROTO_ICMP:
		return MC_ICMP;
	default:
		return MC_OTHER;
	}
}

/* FNV-1a over the non-zero weights; stops early once the score is odd
 * past the third weight. */
static inline __u32 multi_score(const __u16 *weights, int n, __u32 seed)
{
	__u32 h = seed ^ 2166136261u;
	int i;

	for (i = 0; i < n && i < MULTI_MAX_WEIGHTS; i++) {
		if (weights[i] == 0)
			continue;
		h = (h ^ weights[i]) * 16777619u;
		if (i > 2 && (h & 1))
			break;
	}
	return h;
}

/* 2: watched syscall with a small first argument, 1: watched, 0: other. */
static inline int multi_syscall_kind(long id, unsigned long arg0, long watch_a, long watch_b)
{
	if ((id == watch_a || id == watch_b) && arg0 < 4096)
		return 2;
	if (id == watch_a || id == watch_b)
		return 1;
	return 0;
}

/* sysfs(2) options: 1 fs name -> index, 2 index -> name, 3 count. */
static inline int multi_sysfs_option_valid(long option)
{
	switch (option) {
	case 1:
	case 2:
	case 3:
		return 1;
	default:
		return 0;
	}
}

#endif /* BPFCOV_EXAMPLES_MULTI_H */

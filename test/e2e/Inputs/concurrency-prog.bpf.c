// SPDX-License-Identifier: Apache-2.0
// concurrency-atomic.test runs this XDP program from two threads at once and
// checks every coverage counter. Over the test packet (bytes 0..63 = 0..63,
// see concurrency-runner.c) one run adds, in clang's counter order:
//   [0] entry 1   [1] short packet 0   [2] loop body 16
//   [3] odd byte 8   [4] odd > 4 1   (and returns XDP_DROP)
// Self-contained (no vmlinux.h, no kernel headers) so the test builds it
// with nothing but bpfcov-cc and libbpf's bpf_helpers.h.
//
// USAGE: bpfcov-cc -c concurrency-prog.bpf.c -o prog.bpf.o
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
#include <bpf/bpf_helpers.h>

struct xdp_md {
	__u32 data;
	__u32 data_end;
	__u32 data_meta;
	__u32 ingress_ifindex;
	__u32 rx_queue_index;
	__u32 egress_ifindex;
};

enum { XDP_ABORTED = 0, XDP_DROP = 1, XDP_PASS = 2 };

SEC("xdp")
int count_xdp(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *end = (void *)(long)ctx->data_end;
	int odd = 0;

	if (data + 16 > end)
		return XDP_ABORTED;
#pragma clang loop unroll(disable)
	for (int i = 0; i < 16; i++) {
		if (data[i] & 1)
			odd++;
	}
	if (odd > 4)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: Apache-2.0
// The program bpfcov-bench measures: an XDP program with a bounded loop and a
// few branches, the shape coverage instrumentation costs most on (a counter
// per loop body and per branch). bench/CMakeLists.txt builds it three ways:
// uninstrumented, plain counters and atomic counters. Every run over the
// bench packet (bpfcov-bench.cpp) takes the same path, so all builds do the
// same work.
//
// USAGE: build/cli/bpfcov-cc -c bench/bench.bpf.c -o bench.bpf.o
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define SCAN_BYTES 16

SEC("xdp")
int bench_xdp(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *end = (void *)(long)ctx->data_end;
	__u32 sum = 0;
	__u16 proto;

	if (data + 64 > end)
		return XDP_ABORTED;
	/* Keep a real loop: the verifier walks each iteration. */
#pragma clang loop unroll(disable)
	for (int i = 0; i < SCAN_BYTES; i++) {
		if (data[i] & 1)
			sum += data[i];
		else
			sum ^= data[i] << 1;
	}
	proto = (__u16)(data[12] << 8 | data[13]);
	if (proto == 0x0800) {
		if (data[23] == 6 || data[23] == 17)
			return sum & 1 ? XDP_DROP : XDP_PASS;
		return XDP_PASS;
	}
	if (proto == 0x86dd)
		return XDP_TX;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

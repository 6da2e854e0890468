// SPDX-License-Identifier: GPL-2.0
/* Counts frames by size class: the consumer project's BPF object. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

static __attribute__((noinline)) int size_class(unsigned int len)
{
	if (len < 64)
		return 0;
	if (len < 512 || len == 1000)
		return 1;
	return 2;
}

SEC("xdp")
int sizes(struct xdp_md *ctx)
{
	unsigned int len = ctx->data_end - ctx->data;

	return size_class(len) == 2 ? XDP_DROP : XDP_PASS;
}

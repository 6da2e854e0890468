// SPDX-License-Identifier: Apache-2.0
// Two tc programs for bpfcov verify: `steady` always loads; `fragile`
// reads a packet byte at an unchecked offset when built with -DBROKEN,
// which the verifier rejects ("invalid access to packet").
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int steady(struct __sk_buff *skb)
{
	return skb->len > 64 ? 0 : -1;
}

SEC("tc")
int fragile(struct __sk_buff *skb)
{
	unsigned char *data = (void *)(long)skb->data;
	unsigned char *end = (void *)(long)skb->data_end;

#ifndef BROKEN
	if (data + 1 > end)
		return 0;
#endif
	return data[0] == 0x45 ? -1 : 0;
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: Apache-2.0
// Two socket filters for test/cli/out-not-instrumented.test: `whole` runs
// out-classify.h (inlined), `half` a branch of its own. Built with
// --bpfcov-not-instrumented=whole, only `half` is in the report.
typedef unsigned int __u32;
struct __sk_buff {
	__u32 len;
};
#define SEC(name) __attribute__((section(name), used))

#include "out-classify.h"

SEC("socket")
int whole(struct __sk_buff *skb)
{
	return classify((int)skb->len - 10) + 1;
}

SEC("socket")
int half(struct __sk_buff *skb)
{
	if (skb->len > 64)
		return 2;
	return 1;
}

char LICENSE[] SEC("license") = "GPL";

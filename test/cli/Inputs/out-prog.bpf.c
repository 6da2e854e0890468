// SPDX-License-Identifier: Apache-2.0
// A socket filter that runs the logic of out-classify.h (the header the
// native out-prog.c also runs) on skb->len, for test/cli/out-bpf.test. No
// kernel headers: the verifier only needs skb->len at offset 0.
typedef unsigned int __u32;
struct __sk_buff {
	__u32 len;
};
#define SEC(name) __attribute__((section(name), used))

#include "out-classify.h"

SEC("socket")
int out_prog(struct __sk_buff *skb)
{
	return classify((int)skb->len - 10) + 1;
}

char LICENSE[] SEC("license") = "GPL";

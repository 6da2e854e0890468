// SPDX-License-Identifier: Apache-2.0
// A second object for `bpfcov gen` tests with several objects: one function
// with one counter.
typedef unsigned int __u32;
struct __sk_buff {
	__u32 len;
};
#define SEC(name) __attribute__((section(name), used))

SEC("socket")
int other_prog(struct __sk_buff *skb)
{
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: Apache-2.0
// A socket filter with two functions of different counter counts, for the
// `bpfcov gen` tests. No kernel headers: the verifier only needs skb->len at
// offset 0. For skb->len == L, one run adds:
//   gen_prog: entry 1, loop body 3
//   classify: entry 3, (len > 100) once per value over 100 among
//             L, L+50, L+100, (len > 10) once per value in 11..100
typedef unsigned int __u32;
struct __sk_buff {
	__u32 len;
};
#define SEC(name) __attribute__((section(name), used))

static __attribute__((noinline)) int classify(__u32 len)
{
	if (len > 100)
		return 2;
	if (len > 10)
		return 1;
	return 0;
}

SEC("socket")
int gen_prog(struct __sk_buff *skb)
{
	int r = 0;

	for (int i = 0; i < 3; i++)
		r += classify(skb->len + i * 50);
	return r;
}

char LICENSE[] SEC("license") = "GPL";

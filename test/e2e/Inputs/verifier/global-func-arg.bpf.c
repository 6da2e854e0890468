// SPDX-License-Identifier: Apache-2.0
// A global function that ignores its context argument (the selftests'
// test_global_func8): LLVM passes undef for it, and the verifier checks the
// argument against foo's BTF (test/pass/global-call-args.test checks the IR,
// test/e2e/verifier-global-func-arg.test loads it).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__attribute__((noinline)) int foo(struct __sk_buff *skb)
{
	return bpf_get_prandom_u32();
}

__attribute__((noinline)) int bar(struct __sk_buff *skb, int n)
{
	return n;
}

SEC("cgroup_skb/ingress")
int global_func8(struct __sk_buff *skb)
{
	if (!foo(skb))
		return 0;
	return bar(skb, 1) & 1;
}

char LICENSE[] SEC("license") = "GPL";

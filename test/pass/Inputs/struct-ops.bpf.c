// SPDX-License-Identifier: Apache-2.0
// A struct_ops program and the static function it calls, beside a
// tracepoint program: percpu counters may use bpf_get_smp_processor_id()
// only in the latter.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __attribute__((noinline)) int twice(int x)
{
	return x > 100 ? x : 2 * x;
}

SEC("struct_ops/test_1")
int ops_test_1(unsigned long long *ctx)
{
	return ctx[0] ? twice((int)ctx[0]) : 0;
}

SEC("raw_tp/sys_enter")
int on_enter(void *ctx)
{
	return ctx ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";

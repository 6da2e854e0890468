// SPDX-License-Identifier: Apache-2.0
// A map lookup null-checked inside a loop, its value used after the check
// (issue 11, pattern 3; test/e2e/verifier-null-check-loop.test loads it).
// Plain, LLVM moves the loop-invariant `!v` test before the loop and
// computes `v->buf` after it. Instrumented, the loop body's counter update
// sat before the test, so the test stayed in the loop while `v->buf` was
// hoisted before it: "R6 pointer arithmetic on map_value_or_null
// prohibited, null-check it first".
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct val {
	__u64 hits;
	__u64 misses;
	char buf[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct val);
} vals SEC(".maps");

char out[16];

SEC("raw_tp/sys_enter")
int null_check_loop(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 key = ctx->args[1];
	struct val *v = bpf_map_lookup_elem(&vals, &key);
	int n = ctx->args[0] & 7;

#pragma nounroll
	for (int i = 0; i < n; i++) {
		if (!v)
			break;
		bpf_probe_read_kernel(out, 8, v->buf + i);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

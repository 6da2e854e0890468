// SPDX-License-Identifier: Apache-2.0
// A length checked, then read again from the map value for a helper's size
// (kprobe tools copying t->size bytes; test/e2e/verifier-bounded-length.test
// loads it, test/pass/counters-noalias.test checks its IR). Plain, LLVM reuses the checked
// register; instrumented, the counter update of the `if` body sits between
// check and use and, if it may alias the map value, the length is loaded
// again, unbounded: "R2 unbounded memory access, use 'var &= const' or
// 'if (var < const)'".
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct val {
	__u32 size;
	__u32 flags;
	char buf[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct val);
} vals SEC(".maps");

char out[16];

SEC("raw_tp/sys_enter")
int copy_len(void *ctx)
{
	__u32 key = 0;
	struct val *t = bpf_map_lookup_elem(&vals, &key);

	if (!t)
		return 0;
	if (t->size <= 8)
		bpf_probe_read_kernel(out, t->size, t->buf);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

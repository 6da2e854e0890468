// SPDX-License-Identifier: Apache-2.0
// An index checked, then read again from the map value and added to a .bss
// array. Plain, LLVM reuses the checked register; instrumented, the counter
// update of the `if` body sits between check and use and, if it may alias
// the map value, the index is loaded again, unbounded: "math between
// map_value pointer and register with unbounded min value is not allowed".
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct val {
	__s32 idx;
	__u32 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct val);
} vals SEC(".maps");

__u64 hits[16];

SEC("raw_tp/sys_enter")
int count_idx(void *ctx)
{
	__u32 key = 0;
	struct val *t = bpf_map_lookup_elem(&vals, &key);

	if (!t)
		return 0;
	if (t->idx >= 0 && t->idx < 16)
		hits[t->idx] = t->flags;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

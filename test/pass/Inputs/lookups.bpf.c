// SPDX-License-Identifier: Apache-2.0
// A jump over 16 map lookups (test/pass/jump-verifier-growth.test): the
// verifier inlines each lookup of an array map (up to 10 instructions for
// 1), so the jump it patches is longer than the one llc emits.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u64);
} vals SEC(".maps");

#define LOOKUP(k)                                                            \
  {                                                                          \
    __u32 key = (k) & 3;                                                     \
    __u64 *v = bpf_map_lookup_elem(&vals, &key);                             \
    if (v)                                                                   \
      sum += *v;                                                             \
  }

SEC("xdp") int lookups(struct xdp_md *ctx) {
  __u64 sum = 0;
  if (ctx->data_end > ctx->data + 64) {
    LOOKUP(1) LOOKUP(2) LOOKUP(3) LOOKUP(4) LOOKUP(5) LOOKUP(6) LOOKUP(7)
    LOOKUP(8) LOOKUP(9) LOOKUP(10) LOOKUP(11) LOOKUP(12) LOOKUP(13)
    LOOKUP(14) LOOKUP(15) LOOKUP(16)
  }
  return sum & 1 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";

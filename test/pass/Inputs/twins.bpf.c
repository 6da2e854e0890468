// SPDX-License-Identifier: Apache-2.0
// Counters that always count alike (test/pass/twin-counters.test): one()'s
// entry counter runs with the `if` around its call, in the same stretch;
// two()'s runs after a helper call, in a stretch of its own; three() runs
// twice in its stretch, so its count goes up by 2 where the `if`'s does by 1.
#define SEC(n) __attribute__((section(n), used))
#define INLINE static __attribute__((always_inline))

static long (*bpf_ktime_get_ns)(void) = (void *)5;

INLINE unsigned one(unsigned x) { return x * 3 + 1; }
INLINE unsigned two(unsigned x) { return x ^ 0x55; }
INLINE unsigned three(unsigned x) { return x + 7; }

struct ctx {
  unsigned len, mark;
};

SEC("tc") int prog(struct ctx *ctx) {
  unsigned v = ctx->len;
  if (v > 10)
    v = one(v);
  if (v > 20) {
    v += bpf_ktime_get_ns();
    v = two(v);
  }
  if (v > 30)
    v = three(three(v));
  return v;
}

char _license[] SEC("license") = "GPL";

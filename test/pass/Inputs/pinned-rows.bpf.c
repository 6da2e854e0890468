// SPDX-License-Identifier: Apache-2.0
// Five records in one function: prog's own counters and those of four
// inlined helpers (test/pass/pinned-values.test, percpu row addresses).
#define SEC(n) __attribute__((section(n), used))
#define INLINE static __attribute__((always_inline))

static long (*bpf_ktime_get_ns)(void) = (void *)5;

INLINE unsigned one(unsigned x) { return x > 3 ? x - 3 : x + 1; }
INLINE unsigned two(unsigned x) { return x & 1 ? x * 3 : x / 2; }
INLINE unsigned three(unsigned x) { return x < 9 ? x << 2 : x >> 1; }
INLINE unsigned four(unsigned x) { return x % 5 ? x + 7 : x - 7; }

SEC("xdp") int prog(void *ctx) {
  unsigned a = (unsigned long)ctx;
  a = one(a);
  a += bpf_ktime_get_ns();
  a = two(a);
  a += bpf_ktime_get_ns();
  a = three(a);
  a += bpf_ktime_get_ns();
  a = four(a);
  return a & 1;
}

char LICENSE[] SEC("license") = "GPL";

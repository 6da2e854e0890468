// SPDX-License-Identifier: Apache-2.0
// A helper inlined three times in one block, a BPF helper call, then once
// more: its counter is bumped 3 times, then 1 (test/pass/merge-atomic-adds.test).
#define SEC(n) __attribute__((section(n), used))

static long (*bpf_ktime_get_ns)(void) = (void *)5;

static __attribute__((always_inline)) unsigned rol(unsigned x, unsigned k) {
  return (x << k) | (x >> (32 - k));
}

SEC("xdp") int prog(void *ctx) {
  unsigned a = (unsigned long)ctx;
  a = rol(a, 1);
  a = rol(a, 2);
  a = rol(a, 3);
  a += bpf_ktime_get_ns();
  a = rol(a, 4);
  return a & 1;
}

char LICENSE[] SEC("license") = "GPL";

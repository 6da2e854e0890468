// SPDX-License-Identifier: Apache-2.0
// A program and its bpf_loop callback, each with four values live across
// helper calls: with per-CPU counters the row index takes a fifth
// callee-saved register, and a value goes to the stack in both frames
// (test/pass/percpu-shared-rows.test).
#define SEC(n) __attribute__((section(n), used))

static long (*bpf_ktime_get_ns)(void) = (void *)5;
static long (*bpf_get_prandom_u32)(void) = (void *)7;
static long (*bpf_loop)(unsigned nr, void *cb, void *ctx,
                        unsigned long flags) = (void *)181;

static __attribute__((always_inline)) unsigned long mix(void) {
  unsigned long a = bpf_ktime_get_ns();
  unsigned long b = bpf_get_prandom_u32();
  unsigned long c = bpf_ktime_get_ns();
  unsigned long d = bpf_get_prandom_u32();
  if (a & 1)
    a += bpf_ktime_get_ns();
  if (b & 2)
    b += bpf_get_prandom_u32();
  if (c & 4)
    c += bpf_ktime_get_ns();
  if (d & 8)
    d += bpf_get_prandom_u32();
  return a ^ b ^ c ^ d;
}

static int callback(unsigned i, void *ctx) {
  return mix() & 1;
}

SEC("xdp") int prog(void *ctx) {
  unsigned long h = mix();
  bpf_loop(4, callback, 0, 0);
  return h & 1;
}

char _license[] SEC("license") = "GPL";

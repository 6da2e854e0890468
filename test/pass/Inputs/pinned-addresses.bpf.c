// SPDX-License-Identifier: Apache-2.0
// Four values live across helper calls fill r6-r9: a counter address llc
// keeps from block to block (MachineCSE) takes a fifth callee-saved
// register, and a value goes to the stack (test/pass/pinned-values.test).
#define SEC(n) __attribute__((section(n), used))

static long (*bpf_ktime_get_ns)(void) = (void *)5;
static long (*bpf_get_prandom_u32)(void) = (void *)7;

SEC("xdp") int prog(void *ctx) {
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

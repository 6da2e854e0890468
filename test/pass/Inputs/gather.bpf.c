// SPDX-License-Identifier: Apache-2.0
// Counter updates spread through one block, as in the selftests' jhash: an
// unrolled loop and an inlined helper; then the helper once more after a
// BPF helper call, which ends the stretch (test/pass/gather-updates.test).
#define SEC(n) __attribute__((section(n), used))

static long (*bpf_ktime_get_ns)(void) = (void *)5;

static __attribute__((always_inline)) unsigned rol(unsigned x, unsigned k) {
  return (x << k) | (x >> ((-k) & 31));
}

__attribute__((noinline)) static unsigned mix(const unsigned char *k,
                                              unsigned a, unsigned b) {
  unsigned c = 0;
#pragma clang loop unroll(full)
  for (int i = 0; i < 3; i++) {
    a += k[i];
    b ^= rol(a, 7);
    c -= rol(b, 13);
  }
  if (c > 12)
    c ^= a;
  return a ^ b ^ c;
}

struct ctx {
  unsigned len, mark;
};

SEC("tc") int prog(struct ctx *ctx) {
  unsigned char key[4] = {1, 2, 3, 4};
  unsigned h = rol(ctx->len, 3);
  h ^= (unsigned)bpf_ktime_get_ns();
  h = rol(h, 5);
  return mix(key, h, ctx->mark);
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: Apache-2.0
// strobemeta's read_str_var in small: a string read whose failure path does
// nothing but (instrumented) bump a counter (test/pass/cold-counter-blocks.test).
#define SEC(n) __attribute__((section(n), used))

static long (*bpf_probe_read_kernel_str)(void *dst, unsigned size,
                                         const void *src) = (void *)115;

char payload[64];

SEC("raw_tp/x") int prog(void **ctx) {
  char *p = payload;
  for (int i = 0; i < 8; i++) {
    unsigned long len = bpf_probe_read_kernel_str(p, 2, ctx[i]);
    if (len > 1)
      continue;
    p += len;
  }
  return p - payload;
}

char LICENSE[] SEC("license") = "GPL";

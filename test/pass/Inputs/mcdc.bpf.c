// SPDX-License-Identifier: Apache-2.0
// Input of the MC/DC tests (-fcoverage-mcdc, LLVM 18+): a decision of six
// conditions needs a bitmap of several bytes, indexed at run time.
#define SEC(n) __attribute__((section(n), used))
char LICENSE[] SEC("license") = "GPL";
const volatile int a = 1, b = 0, c = 1, d = 1, e = 0, f = 1;

static __attribute__((noinline)) int decide(int x) {
  if ((a && x > 1) || (b && c) || (d && (e || f) && x < 100))
    return 1;
  return 0;
}

struct xdp_md {
  unsigned int data, data_end, data_meta, ingress_ifindex, rx_queue_index;
};

SEC("xdp")
int mcdc_prog(struct xdp_md *ctx) { return decide(ctx->rx_queue_index) ? 2 : 1; }

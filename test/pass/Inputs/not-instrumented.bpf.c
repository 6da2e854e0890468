// SPDX-License-Identifier: Apache-2.0
// Input of not-instrumented.test: two programs; `clamp` is inlined into
// `first` (and `second`), `pick` stays out of line.
#define SEC(n) __attribute__((section(n), used))
char LICENSE[] SEC("license") = "GPL";
volatile long sink;

static inline __attribute__((always_inline)) long clamp(long x) {
  if (x > 100)
    return 100;
  return x;
}

static __attribute__((noinline)) long pick(long x) { return x & 1 ? x : -x; }

SEC("xdp")
int first(void *ctx) {
  long x = (long)ctx;
  sink = clamp(x) + pick(x);
  return 2;
}

SEC("tc")
int second(void *ctx) {
  long x = (long)ctx;
  if (x)
    sink = clamp(x + 1);
  return 0;
}

// SPDX-License-Identifier: Apache-2.0
// Input of percpu-counters.test: with plain counters, -O2 sinks the four
// case counters' load/add/store into the join block, whose address is a
// PHI of constant counter addresses (one per case block;
// LLVM 14 to 19; LLVM 22 keeps the stores apart).
#define SEC(n) __attribute__((section(n), used))
char LICENSE[] SEC("license") = "GPL";
const volatile int count = 3;

SEC("xdp")
int prog(void *ctx) {
  int s;
  switch (count) {
  case 1:
  case 2:
    s = 4;
    break;
  case 3:
    s = 5;
    break;
  default:
    s = 6;
  }
  return s;
}

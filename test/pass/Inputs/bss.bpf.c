// SPDX-License-Identifier: Apache-2.0
// Input of counters-in-bss.test: a program with zeroed globals of its own,
// which share .bss with the counters under -bpfcov-counters-section=bss.
#define SEC(n) __attribute__((section(n), used))
char LICENSE[] SEC("license") = "GPL";
unsigned long long runs;
int last;

SEC("xdp")
int prog(void *ctx) {
  runs++;
  if (last > 2)
    return 2;
  last = last + 1;
  return 1;
}

// SPDX-License-Identifier: Apache-2.0
// Input of the pass tests: a global program, a static subprogram kept out of
// line, a loop, && and a ternary. The tests compile it with the LLVM under
// test, so the IR always comes from the clang of that version.
#define SEC(n) __attribute__((section(n), used))
char LICENSE[] SEC("license") = "GPL";
const volatile int count = 3;

static __attribute__((noinline)) int helper(int x) {
  if (x > 2 && x < 10)
    return 1;
  return 0;
}

SEC("xdp")
int prog(void *ctx) {
  int s = 0;
  for (int i = 0; i < count; i++)
    s += helper(i);
  return s > 1 ? 2 : 1;
}

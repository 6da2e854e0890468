// SPDX-License-Identifier: Apache-2.0
// A second object for the `bpfcov run` tests (different name, functions and
// counter count than run-alpha.bpf.c): __profc_classify = {runs, big runs,
// small runs}, one counter per region.
//
// USAGE: bpfcov-cc -I%S/Inputs -c run-beta.bpf.c -o beta.bpf.o
#include "run-bpf.h"

static __attribute__((noinline)) int isBig(__u32 Len) { return Len > 100; }

SEC("socket")
int classify(struct __sk_buff *Skb) {
  if (isBig(Skb->len))
    return 2;
  else
    return 3;
}

char LICENSE[] SEC("license") = "GPL";

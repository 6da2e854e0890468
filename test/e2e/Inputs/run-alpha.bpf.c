// SPDX-License-Identifier: Apache-2.0
// Socket filter for the `bpfcov run` tests: one function, one branch.
// BPF_PROG_TEST_RUN with a 64-byte packet takes the fall-through, with a
// 200-byte packet the `if`: __profc_count_len = {runs, big runs}.
//
// USAGE: bpfcov-cc -I%S/Inputs -c run-alpha.bpf.c -o alpha.bpf.o
#include "run-bpf.h"

SEC("socket")
int count_len(struct __sk_buff *Skb) {
  if (Skb->len > 100)
    return 1;
  return 0;
}

char LICENSE[] SEC("license") = "GPL";

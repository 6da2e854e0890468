// SPDX-License-Identifier: Apache-2.0
// A plain (uninstrumented) object whose globals sit in sections named like
// bpfcov's coverage maps, for the `bpfcov run` warnings: by default only
// .data.profc; with -DALL_FOUR all four, but .rodata.covmap without bpfcov's
// magic. Neither is pinned.
//
// USAGE: bpfcov-cc --bpfcov-plain [-DALL_FOUR] -I%S/Inputs -c run-fake.bpf.c
#include "run-bpf.h"

__u64 Counters[2] SEC(".data.profc");
#ifdef ALL_FOUR
const volatile __u64 Data[6] SEC(".rodata.profd") = {1};
const volatile char Names[8] SEC(".rodata.profn") = "x";
const volatile char CovMap[112] SEC(".rodata.covmap") = "not bpfcov";
#endif

SEC("socket")
int fake(struct __sk_buff *Skb) {
  Counters[0] += 1;
#ifdef ALL_FOUR
  return Data[0] + Names[0] + CovMap[0];
#else
  return 0;
#endif
}

char LICENSE[] SEC("license") = "GPL";

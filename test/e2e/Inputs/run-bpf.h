// SPDX-License-Identifier: Apache-2.0
// Just enough of <linux/bpf.h> and <bpf/bpf_helpers.h> for the socket filter
// programs of the `bpfcov run` tests, so they build with any clang without
// the target's <asm/types.h>. __sk_buff's first field is `len` (offset 0).
//
// USAGE: #include "run-bpf.h"
#ifndef BPFCOV_TEST_RUN_BPF_H
#define BPFCOV_TEST_RUN_BPF_H

typedef unsigned int __u32;
typedef unsigned long long __u64;

struct __sk_buff {
  __u32 len;
};

#define SEC(Name) __attribute__((section(Name), used))

#endif

// SPDX-License-Identifier: Apache-2.0
// The BPF side of the run-overhead benchmark: a tracepoint program on
// getppid() entry, so the benchmark's 200k syscalls also run instrumented
// BPF code (the same in the native and the `bpfcov run` case).
//
// USAGE: built by bench/run-overhead/CMakeLists.txt (bpfcov_add_bpf_object)
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 Calls = 0;

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *Ctx) {
  if (bpf_get_current_pid_tgid() & 1)
    __sync_fetch_and_add(&Calls, 1);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";

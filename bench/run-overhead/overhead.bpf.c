// SPDX-License-Identifier: Apache-2.0
// The BPF side of the run-overhead benchmark: a tracepoint program on
// getppid() entry, so the benchmark's 200k syscalls also run instrumented
// BPF code (the same in the native and the `bpfcov run` case), and an XDP
// program for the BPF_PROG_TEST_RUN case.
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

// Run by the app with BPF_PROG_TEST_RUN (--test-runs): the calls a test
// harness makes by the million, which must not stop a traced app.
SEC("xdp")
int on_frame(struct xdp_md *Ctx) {
  return Ctx->data_end - Ctx->data > 60 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";

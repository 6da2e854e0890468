// SPDX-License-Identifier: Apache-2.0
// Exits 0 when this kernel loads and runs a BPF program (socket filter via
// BPF_PROG_TEST_RUN); otherwise prints why on stderr. lit.cfg.py uses it to
// set the `bpf` feature, so kernel tests skip only where BPF is unavailable.
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  struct bpf_insn Insns[] = {
      {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 7},
      {.code = BPF_JMP | BPF_EXIT},
  };
  int Fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "probe", "GPL", Insns, 2,
                         NULL);
  if (Fd < 0) {
    fprintf(stderr, "bpf(BPF_PROG_LOAD) failed: %s\n", strerror(errno));
    return 1;
  }
  char Pkt[64] = {0};
  LIBBPF_OPTS(bpf_test_run_opts, Opts, .data_in = Pkt, .data_size_in = sizeof(Pkt));
  if (bpf_prog_test_run_opts(Fd, &Opts) != 0 || Opts.retval != 7) {
    fprintf(stderr, "BPF_PROG_TEST_RUN failed: %s\n", strerror(errno));
    return 1;
  }
  return 0;
}

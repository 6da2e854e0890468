// SPDX-License-Identifier: Apache-2.0
// Exits 0 when this kernel loads a BPF program of the kind named in argv[1]
// (default socket, which must also run through BPF_PROG_TEST_RUN); otherwise
// prints why on stderr. lit.cfg.py sets the `bpf`, `fentry` and `bpf-lsm`
// features from it, so kernel tests skip only where the kernel says no.
// USAGE: bpf-probe [socket|fentry|lsm]
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

static int loadTracing(enum bpf_prog_type Type, enum bpf_attach_type Attach,
                       const char *Fn, const struct bpf_insn *Insns, size_t N) {
  int Id = libbpf_find_vmlinux_btf_id(Fn, Attach);
  if (Id < 0) {
    fprintf(stderr, "no BTF id for '%s': %s\n", Fn, strerror(-Id));
    return 1;
  }
  LIBBPF_OPTS(bpf_prog_load_opts, Opts, .expected_attach_type = Attach,
              .attach_btf_id = (unsigned)Id);
  int Fd = bpf_prog_load(Type, "probe", "GPL", Insns, N, &Opts);
  if (Fd < 0) {
    fprintf(stderr, "bpf(BPF_PROG_LOAD) of '%s' failed: %s\n", Fn, strerror(errno));
    return 1;
  }
  return 0;
}

int main(int Argc, char **Argv) {
  const char *Kind = Argc > 1 ? Argv[1] : "socket";
  struct bpf_insn Insns[] = {
      {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
      {.code = BPF_JMP | BPF_EXIT},
  };
  if (strcmp(Kind, "fentry") == 0)
    return loadTracing(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "do_nanosleep", Insns, 2);
  if (strcmp(Kind, "lsm") == 0)
    return loadTracing(BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "bpf_lsm_file_mprotect", Insns, 2);
  Insns[0].imm = 7;
  int Fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "probe", "GPL", Insns, 2, NULL);
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

// SPDX-License-Identifier: Apache-2.0
// Exits 0 when this kernel loads and attaches a BPF program of the kind
// named in argv[1], the way the tests need it; otherwise prints one line on
// stderr saying which step failed and why, and exits 1. lit.cfg.py (through
// test/lib/kernel_features.py) turns each kind into a lit feature.
//   socket  socket filter, run once through BPF_PROG_TEST_RUN   -> bpf
//   fentry  fentry on do_unlinkat (BPF trampoline)               -> fentry
//   fexit   fexit on do_unlinkat                                 -> fexit
//   lsm     BPF LSM on file_mprotect, with "bpf" among the LSMs  -> bpf-lsm
//   tp_btf  BTF tracepoint task_newtask                          -> tp_btf
//   kprobe  kprobe on do_faccessat (perf kprobe PMU)             -> kprobe
//   uprobe  uprobe on a function of this program (perf uprobe PMU) -> uprobe
// The functions are the ones the examples and e2e tests attach to.
// USAGE: bpf-probe [socket|fentry|fexit|lsm|tp_btf|kprobe|uprobe]
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* r0 = 0; exit */
static const struct bpf_insn Ret0[] = {
    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
    {.code = BPF_JMP | BPF_EXIT},
};

static int fail(const char *Step, const char *What, int Err) {
  fprintf(stderr, "%s of '%s' failed: %s\n", Step, What, strerror(Err));
  return 1;
}

/* fentry, fexit, tp_btf, lsm: load against a BTF id, then attach. */
static int probeTracing(enum bpf_prog_type Type, enum bpf_attach_type Attach,
                        const char *Fn) {
  int Id = libbpf_find_vmlinux_btf_id(Fn, Attach);
  if (Id < 0)
    return fail("BTF lookup", Fn, -Id);
  LIBBPF_OPTS(bpf_prog_load_opts, Opts, .expected_attach_type = Attach,
              .attach_btf_id = (unsigned)Id);
  int Fd = bpf_prog_load(Type, "probe", "GPL", Ret0, 2, &Opts);
  if (Fd < 0)
    return fail("bpf(BPF_PROG_LOAD)", Fn, errno);
  if (bpf_raw_tracepoint_open(NULL, Fd) < 0)
    return fail("bpf(BPF_RAW_TRACEPOINT_OPEN)", Fn, errno);
  return 0;
}

/* BPF LSM programs load and attach whenever CONFIG_BPF_LSM=y, but run only
 * when "bpf" is among the active LSMs (lsm= on the kernel command line). */
static int probeLsm(void) {
  if (probeTracing(BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "file_mprotect"))
    return 1;
  FILE *F = fopen("/sys/kernel/security/lsm", "r");
  if (!F) {
    fprintf(stderr, "cannot read the active LSMs from /sys/kernel/security/lsm: %s "
                    "(mount securityfs)\n", strerror(errno));
    return 1;
  }
  char Lsms[512] = "";
  if (!fgets(Lsms, sizeof(Lsms), F))
    Lsms[0] = 0;
  fclose(F);
  Lsms[strcspn(Lsms, "\n")] = 0;
  for (char *Tok = strtok(Lsms, ","); Tok; Tok = strtok(NULL, ","))
    if (!strcmp(Tok, "bpf"))
      return 0;
  fprintf(stderr, "BPF LSM is not active: 'bpf' is missing from the LSMs '%s' "
                  "(boot with lsm=...,bpf)\n", Lsms);
  return 1;
}

/* The type number of a perf PMU (kprobe, uprobe), or -errno. */
static int pmuType(const char *Pmu) {
  char Path[128];
  snprintf(Path, sizeof(Path), "/sys/bus/event_source/devices/%s/type", Pmu);
  FILE *F = fopen(Path, "r");
  if (!F)
    return -errno;
  int Type = -EINVAL;
  if (fscanf(F, "%d", &Type) != 1)
    Type = -EINVAL;
  fclose(F);
  return Type;
}

/* A kprobe program attached through a perf event of the kprobe or uprobe
 * PMU: Config1 is the function name (kprobe) or the file (uprobe), Config2
 * the offset. */
static int probePerf(const char *Pmu, const char *Where, uint64_t Config1,
                     uint64_t Config2) {
  int Type = pmuType(Pmu);
  if (Type < 0) {
    fprintf(stderr, "no %s PMU (/sys/bus/event_source/devices/%s): %s\n", Pmu, Pmu,
            strerror(-Type));
    return 1;
  }
  int Fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "probe", "GPL", Ret0, 2, NULL);
  if (Fd < 0)
    return fail("bpf(BPF_PROG_LOAD)", Where, errno);
  struct perf_event_attr Attr = {.size = sizeof(Attr), .type = (unsigned)Type};
  Attr.config1 = Config1;
  Attr.config2 = Config2;
  int Ev = (int)syscall(SYS_perf_event_open, &Attr, 0 /* this process */, -1, -1,
                        PERF_FLAG_FD_CLOEXEC);
  if (Ev < 0)
    return fail("perf_event_open", Where, errno);
  if (ioctl(Ev, PERF_EVENT_IOC_SET_BPF, Fd))
    return fail("PERF_EVENT_IOC_SET_BPF", Where, errno);
  return 0;
}

/* What the uprobe probe attaches to. */
__attribute__((noinline)) int probeTarget(int X) { return X + 1; }

/* The file offset of probeTarget, from the mapping that holds it. */
static int probeUprobe(void) {
  uintptr_t Addr = (uintptr_t)&probeTarget;
  FILE *F = fopen("/proc/self/maps", "r");
  if (!F)
    return fail("reading", "/proc/self/maps", errno);
  char Line[512], Path[256];
  unsigned long Start, End, Off;
  int Found = 0;
  while (!Found && fgets(Line, sizeof(Line), F))
    Found = sscanf(Line, "%lx-%lx %*s %lx %*s %*s %255s", &Start, &End, &Off, Path) == 4 &&
            Start <= Addr && Addr < End;
  fclose(F);
  if (!Found) {
    fprintf(stderr, "no mapping of this program holds probeTarget\n");
    return 1;
  }
  return probePerf("uprobe", "probeTarget", (uint64_t)(uintptr_t)Path, Addr - Start + Off) ||
         probeTarget(0) != 1;
}

static int probeSocket(void) {
  struct bpf_insn Insns[2] = {Ret0[0], Ret0[1]};
  Insns[0].imm = 7;
  int Fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "probe", "GPL", Insns, 2, NULL);
  if (Fd < 0)
    return fail("bpf(BPF_PROG_LOAD)", "socket filter", errno);
  char Pkt[64] = {0};
  LIBBPF_OPTS(bpf_test_run_opts, Opts, .data_in = Pkt, .data_size_in = sizeof(Pkt));
  if (bpf_prog_test_run_opts(Fd, &Opts) != 0)
    return fail("BPF_PROG_TEST_RUN", "socket filter", errno);
  if (Opts.retval != 7) {
    fprintf(stderr, "BPF_PROG_TEST_RUN of 'socket filter' returned %u, not 7\n", Opts.retval);
    return 1;
  }
  return 0;
}

int main(int Argc, char **Argv) {
  const char *Kind = Argc > 1 ? Argv[1] : "socket";
  if (!strcmp(Kind, "socket"))
    return probeSocket();
  if (!strcmp(Kind, "fentry"))
    return probeTracing(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "do_unlinkat");
  if (!strcmp(Kind, "fexit"))
    return probeTracing(BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, "do_unlinkat");
  if (!strcmp(Kind, "tp_btf"))
    return probeTracing(BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, "task_newtask");
  if (!strcmp(Kind, "lsm"))
    return probeLsm();
  if (!strcmp(Kind, "kprobe"))
    return probePerf("kprobe", "do_faccessat", (uint64_t)(uintptr_t) "do_faccessat", 0);
  if (!strcmp(Kind, "uprobe"))
    return probeUprobe();
  fprintf(stderr, "unknown probe kind '%s': socket, fentry, fexit, lsm, tp_btf, kprobe "
                  "or uprobe\n", Kind);
  return 2;
}

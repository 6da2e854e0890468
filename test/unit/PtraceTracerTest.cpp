//===-- PtraceTracerTest.cpp - Unit tests of run's seccomp filter ---------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The filter of ptrace mode, run by a small classic-BPF interpreter over
// seccomp_data: which syscalls stop APP (exactly the bpf() commands run
// watches, every bpf() call under -v) and which go by, and the layout its
// jump offsets rely on.
//
// USAGE: build-*/test/unit/bpfcov_unit_tests --gtest_filter='SeccompFilter*'
//===----------------------------------------------------------------------===//
#include "PtraceTracer.h"

#include "PreloadProtocol.h"

#include <gtest/gtest.h>

#include <cstring>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

using namespace bpfcov;

namespace {

/// What the kernel would do with \p Data: runs \p Filter, which may only
/// use the instructions bpfSeccompFilter() emits. Fails the test (and
/// returns ~0u) on anything else, a jump out of the program or a fall off
/// its end.
uint32_t runFilter(const std::vector<sock_filter> &Filter,
                   const seccomp_data &Data) {
  uint32_t A = 0;
  for (size_t Pc = 0; Pc < Filter.size();) {
    const sock_filter &I = Filter[Pc];
    switch (I.code) {
    case BPF_LD | BPF_W | BPF_ABS:
      EXPECT_LE(I.k + 4, sizeof(Data)) << "load at " << Pc;
      EXPECT_EQ(I.k % 4, 0u) << "unaligned load at " << Pc;
      if (I.k + 4 > sizeof(Data))
        return ~0u;
      std::memcpy(&A, reinterpret_cast<const char *>(&Data) + I.k, 4);
      ++Pc;
      break;
    case BPF_JMP | BPF_JEQ | BPF_K:
      Pc += 1 + (A == I.k ? I.jt : I.jf);
      break;
    case BPF_RET | BPF_K:
      return I.k;
    default:
      ADD_FAILURE() << "unexpected instruction " << I.code << " at " << Pc;
      return ~0u;
    }
  }
  ADD_FAILURE() << "the filter fell off its end";
  return ~0u;
}

seccomp_data call(uint32_t Arch, int Nr, uint64_t Arg0) {
  seccomp_data D;
  std::memset(&D, 0, sizeof(D));
  D.arch = Arch;
  D.nr = Nr;
  D.args[0] = Arg0;
  return D;
}

const uint32_t Reported[] = {BPFCOV_REPORTED_CMDS};

TEST(SeccompFilter, StopsOnTheReportedBpfCommandsOnly) {
  std::vector<sock_filter> F = bpfSeccompFilter(/*AllCmds=*/false);
  uint32_t Arch = nativeAuditArch();
  for (uint32_t Cmd : Reported)
    EXPECT_EQ(runFilter(F, call(Arch, __NR_bpf, Cmd)), SECCOMP_RET_TRACE)
        << "bpf cmd " << Cmd;
  for (uint32_t Cmd : std::vector<uint32_t>{
           BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_OBJ_GET_INFO_BY_FD,
           BPF_BTF_LOAD, BPF_LINK_CREATE, BPF_PROG_TEST_RUN})
    EXPECT_EQ(runFilter(F, call(Arch, __NR_bpf, Cmd)), SECCOMP_RET_ALLOW)
        << "bpf cmd " << Cmd;
  EXPECT_EQ(Reported[0], static_cast<uint32_t>(BPF_MAP_CREATE));
  EXPECT_EQ(sizeof(Reported) / sizeof(Reported[0]), 3u);
}

TEST(SeccompFilter, OtherSyscallsAndForeignAbisGoBy) {
  std::vector<sock_filter> F = bpfSeccompFilter(false);
  uint32_t Arch = nativeAuditArch();
  EXPECT_EQ(runFilter(F, call(Arch, __NR_read, BPF_MAP_CREATE)),
            SECCOMP_RET_ALLOW);
  EXPECT_EQ(runFilter(F, call(Arch, __NR_getpid, 0)), SECCOMP_RET_ALLOW);
  // Another ABI's syscall numbers mean other calls.
  uint32_t Foreign =
      Arch == AUDIT_ARCH_I386 ? AUDIT_ARCH_X86_64 : AUDIT_ARCH_I386;
  EXPECT_EQ(runFilter(F, call(Foreign, __NR_bpf, BPF_MAP_CREATE)),
            SECCOMP_RET_ALLOW);
}

TEST(SeccompFilter, ReadsOnlyTheLow32BitsOfCmd) {
  // bpf()'s `int cmd`: the kernel ignores the upper half of the register.
  std::vector<sock_filter> F = bpfSeccompFilter(false);
  uint32_t Arch = nativeAuditArch();
  EXPECT_EQ(runFilter(F, call(Arch, __NR_bpf, (7ull << 32) | BPF_PROG_LOAD)),
            SECCOMP_RET_TRACE);
  EXPECT_EQ(
      runFilter(F, call(Arch, __NR_bpf,
                        (uint64_t)BPF_PROG_LOAD << 32 | BPF_MAP_LOOKUP_ELEM)),
      SECCOMP_RET_ALLOW);
}

TEST(SeccompFilter, AllCmdsStopsOnEveryBpfCall) {
  std::vector<sock_filter> F = bpfSeccompFilter(/*AllCmds=*/true);
  uint32_t Arch = nativeAuditArch();
  for (uint32_t Cmd : std::vector<uint32_t>{BPF_MAP_CREATE, BPF_MAP_LOOKUP_ELEM,
                                            BPF_BTF_LOAD, 999})
    EXPECT_EQ(runFilter(F, call(Arch, __NR_bpf, Cmd)), SECCOMP_RET_TRACE)
        << "bpf cmd " << Cmd;
  EXPECT_EQ(runFilter(F, call(Arch, __NR_read, 0)), SECCOMP_RET_ALLOW);
}

TEST(SeccompFilter, Layout) {
  // [0..3] arch and nr checks, [4] load cmd, one check per command, then
  // RET TRACE and RET ALLOW.
  std::vector<sock_filter> F = bpfSeccompFilter(false);
  ASSERT_EQ(F.size(), 5u + 3u + 2u);
  EXPECT_EQ(F[4].code, BPF_LD | BPF_W | BPF_ABS);
  for (unsigned I = 0; I < 3; ++I) {
    EXPECT_EQ(F[5 + I].code, BPF_JMP | BPF_JEQ | BPF_K);
    EXPECT_EQ(F[5 + I].k, Reported[I]);
  }
  EXPECT_EQ(F[8].code, BPF_RET | BPF_K);
  EXPECT_EQ(F[8].k, SECCOMP_RET_TRACE);
  EXPECT_EQ(F[9].code, BPF_RET | BPF_K);
  EXPECT_EQ(F[9].k, SECCOMP_RET_ALLOW);
  // -v: the cmd load becomes the TRACE return, the rest stays.
  std::vector<sock_filter> All = bpfSeccompFilter(true);
  ASSERT_EQ(All.size(), F.size());
  EXPECT_EQ(All[4].code, BPF_RET | BPF_K);
  EXPECT_EQ(All[4].k, SECCOMP_RET_TRACE);
}

} // namespace

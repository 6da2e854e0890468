//===-- LibBpfCovTest.cpp - libbpfcov without the kernel ------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// libbpfcov's pure parts (Counters.h: reset values, merged snapshots, test
// names) and the C API's errors that need no kernel (no object, closed fds,
// a file that is not a map, no handle). The kernel side (snapshot, reset,
// per-test profiles of a loaded object) is test/e2e/libbpfcov-suite.test.
//
// USAGE: build-*/test/unit/bpfcov_unit_tests --gtest_filter='LibBpfCov*'
//===----------------------------------------------------------------------===//
#include "bpfcov/libbpfcov.h"
#include "Counters.h"
#include "bpfcov/Names.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>

using namespace bpfcov;

namespace {

/// profd: one record per {counters offset, number of counters}.
std::string profd(std::initializer_list<std::pair<uint64_t, uint64_t>> Recs) {
  std::string S;
  for (auto [Off, Num] : Recs) {
    uint64_t R[NumDataFields] = {};
    R[DF_CountersOffset] = Off;
    R[DF_NumCounters] = Num;
    S.append(reinterpret_cast<const char *>(R), sizeof(R));
  }
  return S;
}

ProfRawInput input(std::vector<uint64_t> Counters, std::vector<uint8_t> Bitmap,
                   bool Bool = false) {
  ProfRawInput In;
  In.Version = 10;
  In.ObjectName = "xdp";
  In.ByteCounters = Bool;
  In.Functions.push_back(
      {0x1111, 0x2222, 0, Counters.size(), 0, Bitmap.size()});
  In.Counters = std::move(Counters);
  In.Bitmap = std::move(Bitmap);
  return In;
}

} // namespace

TEST(LibBpfCovReset, CountersZeroed) {
  std::string Out, Err;
  ASSERT_EQ(
      resetValue(std::string(24, '\x07'), profd({{0, 2}, {16, 1}}),
                 CovMapFlagAtomic, Out, Err),
      0);
  EXPECT_EQ(Out, std::string(24, '\0'));
}

TEST(LibBpfCovReset, TwinsKeepTheirWords) {
  // Counters 0 and 2 count; counter 1 is the twin of counter 0 (byte 0).
  uint64_t Now[3] = {5, TwinCounterTag | 0, 5};
  std::string Profc(reinterpret_cast<const char *>(Now), sizeof(Now));
  std::string Out, Err;
  ASSERT_EQ(resetValue(Profc, profd({{0, 3}}),
                       CovMapFlagAtomic | CovMapFlagTwinCounters, Out, Err),
            0);
  uint64_t Want[3] = {0, TwinCounterTag | 0, 0};
  EXPECT_EQ(Out, std::string(reinterpret_cast<const char *>(Want), 24));
  // Without the flag a word is a count, whatever its bits.
  ASSERT_EQ(resetValue(Profc, profd({{0, 3}}), CovMapFlagAtomic, Out, Err), 0);
  EXPECT_EQ(Out, std::string(24, '\0'));
}

TEST(LibBpfCovReset, BoolCountersNotHit) {
  // Two functions: 3 counter bytes at 0, 2 at 8; a bitmap byte at 16.
  std::string Out, Err;
  ASSERT_EQ(
      resetValue(std::string(24, '\0'), profd({{0, 3}, {8, 2}}),
                 CovMapFlagByteCounters, Out, Err),
      0);
  std::string Want(24, '\0');
  Want.replace(0, 3, "\xff\xff\xff");
  Want.replace(8, 2, "\xff\xff");
  EXPECT_EQ(Out, Want);
}

TEST(LibBpfCovReset, RecordOutsideProfc) {
  std::string Out, Err;
  EXPECT_EQ(resetValue(std::string(8, '\0'), profd({{4, 5}}),
                       CovMapFlagByteCounters, Out, Err),
            -EINVAL);
  EXPECT_EQ(Err, "counters of function 0 (5 at byte 4) lie outside profc (8 "
                 "bytes)");
  EXPECT_EQ(resetValue(std::string(8, '\0'), "short", CovMapFlagByteCounters,
                       Out, Err),
            -EINVAL);
  EXPECT_EQ(Err, "profd is 5 bytes, not a multiple of the 48-byte record");
}

TEST(LibBpfCovMerge, SumsCountersOrsBitmaps) {
  ProfRawInput All;
  std::string Err;
  ASSERT_EQ(addProfRawInput(All, input({1, 0, 7}, {0x01}), Err), 0);
  ASSERT_EQ(addProfRawInput(All, input({2, 5, 0}, {0x04}), Err), 0);
  EXPECT_EQ(All.Counters, (std::vector<uint64_t>{3, 5, 7}));
  EXPECT_EQ(All.Bitmap, (std::vector<uint8_t>{0x05}));
  EXPECT_EQ(All.ObjectName, "xdp");
}

TEST(LibBpfCovMerge, BoolCountersStayHitOrNot) {
  ProfRawInput All;
  std::string Err;
  ASSERT_EQ(addProfRawInput(All, input({1, 0, 1}, {}, true), Err), 0);
  ASSERT_EQ(addProfRawInput(All, input({1, 1, 0}, {}, true), Err), 0);
  EXPECT_EQ(All.Counters, (std::vector<uint64_t>{1, 1, 1}));
}

TEST(LibBpfCovMerge, OtherObjectRefused) {
  ProfRawInput All = input({1}, {}), Other = input({1, 2}, {});
  Other.ObjectName = "tc";
  std::string Err;
  EXPECT_EQ(addProfRawInput(All, Other, Err), -EINVAL);
  EXPECT_EQ(Err, "the snapshots of 'xdp' and 'tc' are not of one object: "
                 "merge profiles of one object only");
  EXPECT_EQ(All.Counters, (std::vector<uint64_t>{1}));
}

TEST(LibBpfCovNames, TestNames) {
  EXPECT_EQ(checkTestName("tcp_syn-80.v2"), "");
  EXPECT_EQ(checkTestName(""), "test name '' is 0 characters: give 1 to 128");
  EXPECT_EQ(checkTestName(std::string(129, 'a')).substr(142),
            "is 129 characters: give 1 to 128");
  EXPECT_EQ(checkTestName("a/b"),
            "test name 'a/b' has '/': use only letters, digits, '.', '_' and "
            "'-' (it names <name>.profraw)");
  EXPECT_EQ(checkTestName(".."), "test name '..' starts with '.': start it "
                                 "with a letter or digit");
  EXPECT_EQ(checkTestName("all"), "test name 'all' is taken by the merged "
                                  "profile (all.profraw): give another name");
}

TEST(LibBpfCovApi, NoObject) {
  errno = 0;
  EXPECT_EQ(bpfcov_open(nullptr), nullptr);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_STREQ(bpfcov_last_error(),
               "no BPF object: pass a loaded struct bpf_object");
}

TEST(LibBpfCovApi, ClosedFd) {
  EXPECT_EQ(bpfcov_open_fds(-1, 0, 0, 0), nullptr);
  EXPECT_EQ(errno, EBADF);
  EXPECT_STREQ(bpfcov_last_error(),
               ".data.profc map: fd -1 is not open: pass the fd of the "
               "object's .data.profc map (after it is loaded)");
}

TEST(LibBpfCovApi, NotAMap) {
  int Fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(Fd, 0);
  EXPECT_EQ(bpfcov_open_fds(Fd, Fd, Fd, Fd), nullptr);
  // bpf(BPF_OBJ_GET_INFO_BY_FD) on a file that is no BPF object: EINVAL
  // (EPERM without CAP_BPF... the message names the fd either way).
  std::string Msg = bpfcov_last_error();
  EXPECT_EQ(Msg.rfind(".data.profc map (fd ", 0), 0u) << Msg;
  EXPECT_NE(Msg.find("): cannot get its map info: "), std::string::npos) << Msg;
  close(Fd);
}

TEST(LibBpfCovApi, NoHandle) {
  struct bpfcov_summary S;
  EXPECT_EQ(bpfcov_snapshot(nullptr, &S), -EINVAL);
  EXPECT_STREQ(bpfcov_last_error(), "no handle: call bpfcov_open first");
  EXPECT_EQ(bpfcov_reset(nullptr), -EINVAL);
  EXPECT_EQ(bpfcov_write_profraw(nullptr, "x.profraw"), -EINVAL);
  EXPECT_EQ(bpfcov_test_begin(nullptr, "a"), -EINVAL);
  EXPECT_EQ(bpfcov_test_end(nullptr), -EINVAL);
  EXPECT_STREQ(bpfcov_object_name(nullptr), "");
  bpfcov_close(nullptr);
}

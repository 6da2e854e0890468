//===-- TraceChoiceTest.cpp - Unit tests of run's trace-mode choice -------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// --trace=auto|preload|ptrace -> the mode, from what bpfcov reads of APP:
// the script line, the ELF facts, and (on real files in a scratch
// directory) the checks that need a file: setuid, nested scripts.
//
// USAGE: build-*/test/unit/bpfcov_unit_tests --gtest_filter='TraceChoice*'
//===----------------------------------------------------------------------===//
#include "TraceChoice.h"

#include "SafeFs.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <elf.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace bpfcov;

namespace {

TEST(TraceChoiceScript, InterpreterIsTheFirstWord) {
  EXPECT_EQ(scriptInterpreter("#!/bin/sh\necho hi\n"), "/bin/sh");
  EXPECT_EQ(scriptInterpreter("#! /bin/sh -e\n"), "/bin/sh");
  EXPECT_EQ(scriptInterpreter("#!\t/usr/bin/env python3\n"), "/usr/bin/env");
  EXPECT_EQ(scriptInterpreter("#!/bin/bash"), "/bin/bash");
  EXPECT_EQ(scriptInterpreter("#!   \n/bin/sh\n"), "");
  EXPECT_EQ(scriptInterpreter("#!"), "");
}

ElfInfo elf(unsigned char Class, unsigned char Data, uint16_t Machine,
            std::string Interp) {
  ElfInfo I;
  I.IsElf = true;
  I.Class = Class;
  I.Data = Data;
  I.Machine = Machine;
  I.Interp = std::move(Interp);
  return I;
}

TEST(TraceChoiceElf, FactsToReason) {
  ElfInfo Self = elf(ELFCLASS64, ELFDATA2LSB, EM_X86_64, "/lib64/ld.so");
  EXPECT_EQ(whyNotPreloadableElf("'a'", Self, Self, true), "");
  EXPECT_EQ(whyNotPreloadableElf("'a'", ElfInfo(), Self, false),
            "'a' is neither an ELF program nor a script");
  EXPECT_EQ(whyNotPreloadableElf(
                "'a'", elf(ELFCLASS32, ELFDATA2LSB, EM_386, "/lib/ld.so"), Self,
                false),
            "'a' is built for another machine or ABI");
  EXPECT_EQ(whyNotPreloadableElf("'a'",
                                 elf(ELFCLASS64, ELFDATA2LSB, EM_AARCH64, "/l"),
                                 Self, false),
            "'a' is built for another machine or ABI");
  EXPECT_EQ(whyNotPreloadableElf("'a'",
                                 elf(ELFCLASS64, ELFDATA2LSB, EM_X86_64, ""),
                                 Self, false),
            "'a' is statically linked");
  EXPECT_EQ(whyNotPreloadableElf(
                "'a'", elf(ELFCLASS64, ELFDATA2LSB, EM_X86_64, "/musl/ld.so"),
                Self, false),
            "'a' uses the dynamic loader '/musl/ld.so', not '/lib64/ld.so'");
  // Go makes its own system calls: LD_PRELOAD sees none, cgo or not.
  ElfInfo Go = Self;
  Go.Go = true;
  EXPECT_EQ(whyNotPreloadableElf("'a'", Go, Self, true),
            "'a' is a Go program, whose system calls never go through libc");
  // A static bpfcov has no loader to compare with.
  ElfInfo StaticSelf = elf(ELFCLASS64, ELFDATA2LSB, EM_X86_64, "");
  EXPECT_EQ(whyNotPreloadableElf("'a'", Self, StaticSelf, false), "");
}

TEST(TraceChoiceMode, RequestedAndFactsToMode) {
  TraceChoice C;
  // --trace=ptrace: always, no library.
  EXPECT_TRUE(decideTraceMode(TraceMode::Ptrace, "/lib/p.so", "", C));
  EXPECT_EQ(C.Mode, TraceMode::Ptrace);
  EXPECT_EQ(C.Library, "");
  // auto: preload only for a preloadable APP with the library there.
  EXPECT_TRUE(decideTraceMode(TraceMode::Auto, "/lib/p.so", "", C));
  EXPECT_EQ(C.Mode, TraceMode::Preload);
  EXPECT_EQ(C.Library, "/lib/p.so");
  EXPECT_TRUE(
      decideTraceMode(TraceMode::Auto, "/lib/p.so", "'a' is static", C));
  EXPECT_EQ(C.Mode, TraceMode::Ptrace);
  EXPECT_EQ(C.Library, "");
  EXPECT_TRUE(decideTraceMode(TraceMode::Auto, "", "no library", C));
  EXPECT_EQ(C.Mode, TraceMode::Ptrace);
  // --trace=preload: whatever APP is (the programs it starts may be seen),
  // but not without the library.
  EXPECT_TRUE(
      decideTraceMode(TraceMode::Preload, "/lib/p.so", "'a' is static", C));
  EXPECT_EQ(C.Mode, TraceMode::Preload);
  EXPECT_EQ(C.Library, "/lib/p.so");
  EXPECT_FALSE(decideTraceMode(TraceMode::Preload, "", "no library", C));
}

/// A scratch directory, removed at the end.
class TraceChoiceFiles : public ::testing::Test {
protected:
  void SetUp() override {
    char Tmpl[] = "/tmp/bpfcov-unit-XXXXXX";
    ASSERT_NE(mkdtemp(Tmpl), nullptr);
    Dir = Tmpl;
  }
  void TearDown() override { removeTree(Dir); }
  std::string write(const std::string &Name, const std::string &Text,
                    mode_t Mode = 0755) {
    std::string Path = Dir + "/" + Name;
    std::ofstream(Path) << Text;
    chmod(Path.c_str(), Mode);
    return Path;
  }
  std::string Dir;
};

TEST_F(TraceChoiceFiles, ScriptOfADynamicInterpreterIsPreloadable) {
  // This test program is dynamically linked, like bpfcov's default build.
  ElfInfo Self = readElf("/proc/self/exe");
  ASSERT_TRUE(Self.IsElf);
  ASSERT_FALSE(Self.Interp.empty());
  char Exe[4096];
  ssize_t N = readlink("/proc/self/exe", Exe, sizeof(Exe) - 1);
  ASSERT_GT(N, 0);
  std::string SelfPath(Exe, static_cast<size_t>(N));
  std::string Script = write("s", "#! " + SelfPath + " -x\n");
  std::string Program;
  EXPECT_EQ(whyNotPreloadable(Script, Self, Program), "");
  EXPECT_EQ(Program, SelfPath);
}

TEST_F(TraceChoiceFiles, WhatLdPreloadMisses) {
  ElfInfo Self = readElf("/proc/self/exe");
  std::string Program;
  std::string Empty = write("empty", "#!  \n");
  EXPECT_EQ(whyNotPreloadable(Empty, Self, Program),
            "'" + Empty + "' is a script without an interpreter");
  std::string Text = write("text", "hello\n");
  EXPECT_EQ(whyNotPreloadable(Text, Self, Program),
            "'" + Text + "' is neither an ELF program nor a script");
  std::string Setuid = write("setuid", "#!/bin/sh\n", 04755);
  EXPECT_EQ(whyNotPreloadable(Setuid, Self, Program),
            "'" + Setuid + "' is setuid or setgid");
  EXPECT_EQ(whyNotPreloadable(Dir, Self, Program),
            "'" + Dir + "' is not a regular file");
  EXPECT_EQ(whyNotPreloadable(Dir + "/missing", Self, Program),
            "cannot read '" + Dir + "/missing': No such file or directory");
  // s0 runs s1 ... runs s5: the kernel stops at a few levels too.
  for (int I = 5; I >= 0; --I)
    write("s" + std::to_string(I),
          "#!" + Dir + "/s" + std::to_string(I + 1) + "\n");
  EXPECT_EQ(whyNotPreloadable(Dir + "/s0", Self, Program),
            "'" + Dir + "/s4' nests script interpreters too deeply");
}

} // namespace

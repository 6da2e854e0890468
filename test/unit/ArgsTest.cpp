//===-- ArgsTest.cpp - Unit tests of parseSubcommand
//-----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// One way to parse a subcommand: operands and options reach the command's
// parser, --help/--usage print help (or `null` under -j) and exit 0, and a
// bad argument is one error (one JSON value under -j) and exit 1.
//
// USAGE: build-*/test/unit/bpfcov_unit_tests --gtest_filter='Args*'
//===----------------------------------------------------------------------===//
#include "Args.h"
#include "Diag.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace bpfcov;

namespace {

struct ToyArgs {
  std::string Out;
  std::vector<std::string> Operands;
};

const argp_option ToyOptions[] = {
    {"output", 'o', "PATH", 0, "Write to PATH", 0},
    ARGS_HELP_OPTIONS("Show this help", "Show the usage line"),
    {nullptr, 0, nullptr, 0, nullptr, 0},
};

error_t parseToy(int Key, char *Arg, argp_state *State) {
  auto *T = static_cast<ToyArgs *>(State->input);
  switch (Key) {
  case 'o':
    if (!*Arg)
      return argsError(State, "empty output path: give -o PATH");
    T->Out = Arg;
    return 0;
  case ARGP_KEY_ARG:
    T->Operands.push_back(Arg);
    return 0;
  case ARGP_KEY_END:
    if (T->Operands.empty())
      return argsError(State, "missing FILE");
    return 0;
  default:
    return ARGP_ERR_UNKNOWN;
  }
}

const argp ToyArgp = {ToyOptions, parseToy, "FILE...", "Toy command.",
                      nullptr,    nullptr,  nullptr};
const Subcommand Toy = {&ToyArgp, 0, /*OwnHelp=*/true,
                        "Usage: %s [-o PATH] FILE...\n"};

/// Runs parseSubcommand on \p Args (argv[0] is "bpfcov toy") with -j when
/// \p Json; returns its result, stdout in \p Out and stderr in \p Err.
int run(std::vector<std::string> Args, bool Json, ToyArgs &T, std::string &Out,
        std::string &Err) {
  Globals = GlobalOptions();
  Globals.Json = Json;
  Globals.Program = "bpfcov toy";
  Args.insert(Args.begin(), "bpfcov toy");
  std::vector<char *> Argv;
  for (std::string &A : Args)
    Argv.push_back(A.data());
  Argv.push_back(nullptr);
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  int R = parseSubcommand(Toy, static_cast<int>(Args.size()), Argv.data(), &T);
  std::fflush(stdout);
  Out = testing::internal::GetCapturedStdout();
  Err = testing::internal::GetCapturedStderr();
  Globals = GlobalOptions();
  return R;
}

TEST(Args, ParsesOptionsAndOperands) {
  ToyArgs T;
  std::string Out, Err;
  EXPECT_EQ(run({"-o", "x", "a", "b"}, false, T, Out, Err), ArgsOk);
  EXPECT_EQ(T.Out, "x");
  EXPECT_EQ(T.Operands, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Out, "");
  EXPECT_EQ(Err, "");
}

TEST(Args, HelpWinsOverMissingOperands) {
  ToyArgs T;
  std::string Out, Err;
  EXPECT_EQ(run({"--usage"}, false, T, Out, Err), 0);
  EXPECT_EQ(Out, "Usage: bpfcov toy [-o PATH] FILE...\n");
  EXPECT_EQ(run({"-h"}, false, T, Out, Err), 0);
  EXPECT_EQ(Out.rfind("Usage: bpfcov toy [-o PATH] FILE...\n\nToy command.", 0),
            0u)
      << Out;
  EXPECT_NE(Out.find("-o, --output=PATH"), std::string::npos) << Out;
}

TEST(Args, HelpIsNullUnderJson) {
  ToyArgs T;
  std::string Out, Err;
  for (const char *H : {"--help", "-h", "--usage"}) {
    EXPECT_EQ(run({"-o", "x", H, "a"}, true, T, Out, Err), 0) << H;
    EXPECT_EQ(Out, "null\n") << H;
    EXPECT_EQ(Err, "") << H;
  }
}

TEST(Args, ReportedErrorsAreOne) {
  ToyArgs T;
  std::string Out, Err;
  EXPECT_EQ(run({"-o", ""}, false, T, Out, Err), 1);
  EXPECT_EQ(Err, "Error: empty output path: give -o PATH\n");
  EXPECT_EQ(run({}, true, T, Out, Err), 1);
  EXPECT_EQ(Out, "{\"error\":\"missing FILE\"}\n");
  EXPECT_EQ(Err, "");
}

TEST(Args, UnknownOptionUnderJsonIsOneJsonError) {
  ToyArgs T;
  std::string Out, Err;
  EXPECT_EQ(run({"--bogus", "a"}, true, T, Out, Err), 1);
  EXPECT_EQ(Out,
            "{\"error\":\"invalid arguments: see 'bpfcov toy --help'\"}\n");
  EXPECT_EQ(Err, "");
}

} // namespace

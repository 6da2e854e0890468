// SPDX-License-Identifier: Apache-2.0
// A native program for test/cli/out-*.test (line numbers matter there):
//   ./prog 5 -3 0 200 7  -> classify() runs 5 times, unused() never.
#include <stdlib.h>

#include "out-classify.h"

static int unused(int X) { return X * 2; }

int main(int Argc, char **Argv) {
  int Sum = 0;
  for (int I = 1; I < Argc; ++I)
    Sum += classify(atoi(Argv[I]));
  if (Argc == 0)
    Sum = unused(Sum);
  return 0;
}

// SPDX-License-Identifier: Apache-2.0
// Logic under test in test/cli/out-*.test (line numbers matter there).
static int classify(int X) {
  if (X < 0)
    return -1;
  if (X == 0 || X > 100)
    return 0;
  return 1;
}

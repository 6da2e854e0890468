// SPDX-License-Identifier: Apache-2.0
// A second native program for test/cli/out-objects.test (two objects).
static int Calls;

int main(int Argc, char **Argv) {
  (void)Argv;
  if (Argc > 2)
    ++Calls;
  return 0;
}

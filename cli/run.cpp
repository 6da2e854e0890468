// SPDX-License-Identifier: Apache-2.0
// STUB: being written.
#include "main.h"
int bpfcov::doRun(int, char **) { pErr("not implemented yet"); return 1; }

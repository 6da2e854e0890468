// SPDX-License-Identifier: Apache-2.0
// Native replica of diffapp-trace + diff-trace.bpf.c: the lseek(2)
// arguments of cases.h through logic.h twice (the fentry and the kprobe
// program each see every call), with clang's own coverage.
#include "cases.h"

volatile unsigned long long verdicts;

int main(void)
{
	for (int prog = 0; prog < 2; prog++)
		for (int i = 0; i < DIFF_NSYSCALLS; i++) {
			struct diff_input in = {0};
			diff_input_from_args(&in, diff_syscall_off(i), diff_syscall_whence(i));
			verdicts += diff_classify(&in);
		}
	return 0;
}

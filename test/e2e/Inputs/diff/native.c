// SPDX-License-Identifier: Apache-2.0
// Native replica of diffapp + diff.bpf.c: the same inputs through the same
// logic.h, compiled with clang -fprofile-instr-generate -fcoverage-mapping.
#include "cases.h"

volatile unsigned long long verdicts;

int main(void)
{
	/* XDP, tc and socket programs: each case once per program. */
	for (int prog = 0; prog < 3; prog++)
		for (unsigned i = 0; i < DIFF_NCASES; i++) {
			struct diff_input in = diff_cases[i];
			verdicts += diff_classify(&in);
		}
	/* The tracepoint. */
	for (int i = 0; i < DIFF_NSYSCALLS; i++) {
		struct diff_input in = {0};
		diff_input_from_args(&in, diff_syscall_off(i), diff_syscall_whence(i));
		verdicts += diff_classify(&in);
	}
	return 0;
}

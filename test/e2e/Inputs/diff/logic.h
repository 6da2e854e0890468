/* SPDX-License-Identifier: Apache-2.0 */
/* The decision logic of the differential test, compiled twice: into BPF
 * programs (diff.bpf.c, run in the kernel under bpfcov) and natively with
 * clang's own coverage (native.c). Every region and branch count of this
 * file must come out equal. Plain C on a plain struct: no BPF helpers, no
 * libc, bounded loops only, so the verifier and the host both take it.
 * Functions have different counter counts on purpose. */
#ifndef DIFF_LOGIC_H
#define DIFF_LOGIC_H

#define DIFF_NVALS 8

struct diff_input {
	unsigned int kind;
	unsigned int flags;
	unsigned int len;
	unsigned int vals[DIFF_NVALS];
};

/* one counter: entry only */
static __attribute__((noinline)) unsigned int diff_mix(unsigned int a, unsigned int b)
{
	return (a * 31u) ^ (b + 7u);
}

/* && / || and a ternary */
static __attribute__((noinline)) int diff_is_interesting(const struct diff_input *in)
{
	if ((in->flags & 1u) && (in->len > 16 || in->kind == 3))
		return 1;
	return in->flags & 4u ? 2 : 0;
}

/* loop with continue/break */
static __attribute__((noinline)) unsigned int diff_sum(const struct diff_input *in)
{
	unsigned int s = 0;
	for (int i = 0; i < DIFF_NVALS; i++) {
		if (in->vals[i] == 0)
			continue;
		if (in->vals[i] > 1000)
			break;
		s += in->vals[i];
	}
	return s;
}

/* One decision of six conditions: with -fcoverage-mcdc its test-vector
 * bitmap spans several bytes, indexed at run time. */
static __attribute__((noinline)) int diff_policy(const struct diff_input *in)
{
	if ((in->vals[0] > 5 && in->vals[1] < 100) ||
	    (in->flags & 2u && in->len != 4) ||
	    (in->kind > 8 && in->vals[2] == 0))
		return 1;
	return 0;
}

/* switch with fallthrough and default */
static __attribute__((noinline)) int diff_classify(const struct diff_input *in)
{
	int verdict = 0;

	switch (in->kind) {
	case 0:
		verdict = 1 + diff_policy(in);
		break;
	case 1:
	case 2:
		verdict = diff_is_interesting(in) ? 2 : 3;
		break;
	case 3:
		if (diff_sum(in) > 100)
			verdict = 4;
		/* fallthrough */
	case 4:
		verdict += 10;
		break;
	default:
		verdict = (int)(diff_mix(in->kind, in->len) & 7u) + diff_policy(in);
		break;
	}
	while (verdict > 12)
		verdict -= 3;
	return verdict;
}

/* Tracepoint input: lseek(-1, off, whence) arguments -> a diff_input. */
static __attribute__((noinline)) void diff_input_from_args(struct diff_input *in,
							   unsigned long off,
							   unsigned long whence)
{
	in->kind = (unsigned int)(whence % 6);
	in->len = (unsigned int)off;
	in->flags = (unsigned int)(off * 7);
	for (int k = 0; k < DIFF_NVALS; k++)
		in->vals[k] = (unsigned int)((off * k * 37) % 1500);
}

#endif

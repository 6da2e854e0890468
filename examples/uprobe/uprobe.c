/* SPDX-License-Identifier: Apache-2.0 */
/*
 * uprobe.c - loader of the uprobe example. Loads the uprobe and uretprobe
 * programs, attaches them to its own uprobe_calc() (found by name in its
 * own ELF file, for its own pid only), calls it six times and checks the
 * counts. A kernel without uprobes cannot attach them: the loader then says
 * so and exits 77 (skipped) instead of failing.
 * Built twice: uprobe (instrumented skeleton) and uprobe-plain.
 *
 * USAGE: sudo ./uprobe [-v]    (under bpfcov: sudo bpfcov run ./uprobe)
 */
#include "loader.h"
#include "uprobe.h"
#include "uprobe.skel.h"

/* The probed function: global, so that its symbol is in the ELF file. */
__attribute__((noinline)) int uprobe_calc(int op, int a, int b)
{
	switch (op) {
	case CALC_ADD:
		return a + b;
	case CALC_SUB:
		return a - b;
	case CALC_MUL:
		return a * b;
	case CALC_DIV:
		return b ? a / b : -EDOM;
	default:
		return -EINVAL;
	}
}

/* Called through a volatile pointer: no optimisation inlines, clones or
 * folds the calls, so each one enters uprobe_calc() itself. */
static int (*volatile calc)(int, int, int) = uprobe_calc;

static struct bpf_link *attach(struct bpf_program *prog, int retprobe)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = "uprobe_calc", .retprobe = retprobe);

	return bpf_program__attach_uprobe_opts(prog, getpid(), "/proc/self/exe", 0, &opts);
}

int main(int argc, char **argv)
{
	static const struct {
		int op, a, b, want;
	} calls[] = {
		{CALC_ADD, 2, 3, 5},   {CALC_SUB, 2, 3, -1},  {CALC_MUL, 4, 0, 0},
		{CALC_DIV, 9, 3, 3},   {CALC_DIV, 1, 0, -EDOM}, {42, 1, 1, -EINVAL},
	};
	struct uprobe *skel;
	unsigned int i;
	int err, ret;

	example_init(argc, argv, "uprobe");
	skel = uprobe__open();
	if (!skel)
		return example_fail("open the BPF object", -errno, NULL);
	err = uprobe__load(skel);
	if (err) {
		ret = example_fail("load the BPF object", err, "uprobe");
		goto out;
	}
	skel->links.on_calc = attach(skel->progs.on_calc, 0);
	skel->links.on_calc_ret = attach(skel->progs.on_calc_ret, 1);
	if (!skel->links.on_calc || !skel->links.on_calc_ret) {
		err = -errno;
		ret = example_fail("attach the uprobes", example_has_pmu("uprobe") ? err : -EOPNOTSUPP,
				   "uprobe");
		goto out;
	}
	example_log_discard();

	printf("uprobe: uprobe_calc() x%zu\n", sizeof(calls) / sizeof(calls[0]));
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "uprobe_calc(%d, %d, %d)", calls[i].op, calls[i].a,
			 calls[i].b);
		example_expect(what, calc(calls[i].op, calls[i].a, calls[i].b), calls[i].want);
	}
	uprobe__detach(skel);

	example_expect("op add", skel->bss->ops[CALC_ADD], 1);
	example_expect("op sub", skel->bss->ops[CALC_SUB], 1);
	example_expect("op mul", skel->bss->ops[CALC_MUL], 1);
	example_expect("op div", skel->bss->ops[CALC_DIV], 2);
	example_expect("op unknown", skel->bss->ops[CALC_UNKNOWN], 1);
	example_expect("result negative", skel->bss->results[CALC_RESULT_NEGATIVE], 3);
	example_expect("result zero", skel->bss->results[CALC_RESULT_ZERO], 1);
	example_expect("result positive", skel->bss->results[CALC_RESULT_POSITIVE], 2);
	ret = example_finish();
out:
	uprobe__destroy(skel);
	return ret;
}

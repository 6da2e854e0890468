// SPDX-License-Identifier: Apache-2.0
// Loader of the differential test of diff-trace.bpf.c: loads OBJ with
// libbpf, attaches its fentry and kprobe programs (to ksys_lseek) and makes
// the DIFF_NSYSCALLS lseek(-1, off, whence) calls of cases.h, which both
// programs see. native-trace.c replays the same inputs twice.
// USAGE: diffapp-trace OBJ.bpf.o
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cases.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: diffapp-trace OBJ.bpf.o\n");
		return 2;
	}
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		perror("diffapp-trace: open");
		return 1;
	}
	struct bpf_map *rodata = NULL, *m;
	bpf_object__for_each_map(m, obj)
		if (strstr(bpf_map__name(m), ".rodata") && !strstr(bpf_map__name(m), ".rodata."))
			rodata = m;
	if (!rodata) {
		fprintf(stderr, "diffapp-trace: no .rodata map for target_tgid\n");
		return 1;
	}
	size_t sz;
	*(unsigned int *)bpf_map__initial_value(rodata, &sz) = (unsigned int)getpid();
	if (bpf_object__load(obj)) {
		fprintf(stderr, "diffapp-trace: load failed\n");
		return 1;
	}
	struct bpf_link *fentry =
		bpf_program__attach(bpf_object__find_program_by_name(obj, "diff_fentry"));
	struct bpf_link *kprobe =
		bpf_program__attach(bpf_object__find_program_by_name(obj, "diff_kprobe"));
	if (!fentry || !kprobe) {
		fprintf(stderr, "diffapp-trace: attaching the %s program failed\n",
			fentry ? "kprobe" : "fentry");
		return 1;
	}
	for (int i = 0; i < DIFF_NSYSCALLS; i++)
		lseek(-1, (off_t)diff_syscall_off(i), (int)diff_syscall_whence(i));
	bpf_link__destroy(kprobe);
	bpf_link__destroy(fentry);
	bpf_object__close(obj);
	return 0;
}

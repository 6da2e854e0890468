// SPDX-License-Identifier: Apache-2.0
// Runs sizes.bpf.o (through its skeleton) on frames of 5 sizes.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include "sizes.skel.h"

int main(void)
{
	static unsigned char frame[1500];
	const unsigned int lens[] = {60, 100, 600, 1000, 1400};
	struct sizes *skel = sizes__open_and_load();

	if (!skel) {
		fprintf(stderr, "consumer: cannot load sizes.bpf.o\n");
		return 1;
	}
	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = lens[i]);
		if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.sizes), &opts)) {
			perror("consumer: BPF_PROG_TEST_RUN");
			return 1;
		}
	}
	sizes__destroy(skel);
	return 0;
}

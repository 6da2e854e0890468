// SPDX-License-Identifier: Apache-2.0
// Loader of the differential test: loads OBJ with libbpf, sends every case
// of cases.h to the XDP, tc and socket programs with BPF_PROG_TEST_RUN
// (once each) and makes DIFF_NSYSCALLS lseek(-1, off, whence) calls for the
// tracepoint. native.c replays exactly the same inputs.
// USAGE: diffapp OBJ.bpf.o
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cases.h"

static int run_packets(struct bpf_object *obj, const char *prog_name)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, prog_name);
	if (!prog) {
		fprintf(stderr, "diffapp: no program '%s'\n", prog_name);
		return 1;
	}
	for (unsigned i = 0; i < DIFF_NCASES; i++) {
		unsigned char pkt[DIFF_PKT_LEN] = {0};
		pkt[12] = 0x08; /* IPv4 ethertype, for the skb programs */
		memcpy(pkt + DIFF_PKT_OFF, &diff_cases[i], sizeof(diff_cases[i]));
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt),
			    .repeat = 1);
		if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts)) {
			perror("diffapp: BPF_PROG_TEST_RUN");
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: diffapp OBJ.bpf.o\n");
		return 2;
	}
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		perror("diffapp: open");
		return 1;
	}
	struct bpf_map *rodata = NULL, *m;
	bpf_object__for_each_map(m, obj)
		if (strstr(bpf_map__name(m), ".rodata") && !strstr(bpf_map__name(m), ".rodata."))
			rodata = m;
	if (rodata) {
		size_t sz;
		unsigned int *tgid = bpf_map__initial_value(rodata, &sz);
		*tgid = (unsigned int)getpid();
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "diffapp: load failed\n");
		return 1;
	}
	int err = run_packets(obj, "diff_xdp") || run_packets(obj, "diff_tc") ||
		  run_packets(obj, "diff_socket");
	struct bpf_link *link =
		bpf_program__attach(bpf_object__find_program_by_name(obj, "diff_tp"));
	if (!link) {
		fprintf(stderr, "diffapp: attach tracepoint failed\n");
		return 1;
	}
	for (int i = 0; i < DIFF_NSYSCALLS; i++)
		lseek(-1, (off_t)diff_syscall_off(i), (int)diff_syscall_whence(i));
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return err;
}

// SPDX-License-Identifier: Apache-2.0
/*
 * xdp-lskel-daemon.c - a long-running loader of the xdp example through a
 * light skeleton (bpftool gen skeleton -L: a loader program creates the
 * maps inside the kernel, not the app's bpf() calls), for
 * loader-daemon.test. Loads, prints "loaded", then for each line
 * "FRAME-FILE N" on stdin runs xdp_firewall N times over the frame with
 * BPF_PROG_TEST_RUN and prints "retval R"; exits at end of input.
 *
 * USAGE: bpftool gen skeleton -L xdp.bpf.o name xdp > xdp.lskel.h
 *        cc -I. xdp-lskel-daemon.c -lbpf; ./a.out < commands
 */
#include <errno.h> /* skel_internal.h uses errno without including it */
#include <stdio.h>

#include <bpf/bpf.h>

#include "xdp.lskel.h"

int main(void)
{
	char path[4096], frame[2048], out[4096];
	struct xdp *skel;
	int n, err = 0;

	skel = xdp__open_and_load();
	if (!skel) {
		fprintf(stderr, "xdp-lskel-daemon: cannot load the light skeleton\n");
		return 1;
	}
	printf("loaded\n");
	fflush(stdout);
	while (!err && scanf("%4095s %d", path, &n) == 2) {
		FILE *f = fopen(path, "rb");
		size_t len;

		if (!f) {
			perror(path);
			err = 1;
			break;
		}
		len = fread(frame, 1, sizeof(frame), f);
		fclose(f);
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
			    .data_size_in = len, .data_out = out,
			    .data_size_out = sizeof(out), .repeat = n);
		if (bpf_prog_test_run_opts(skel->progs.xdp_firewall.prog_fd, &opts)) {
			perror("BPF_PROG_TEST_RUN");
			err = 1;
			break;
		}
		printf("retval %u\n", opts.retval);
		fflush(stdout);
	}
	xdp__destroy(skel);
	return err;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libbpfcov-open.c - the smallest user of the installed libbpfcov, built
 * with pkg-config (shared and static): opens an object file that is not
 * loaded and prints libbpfcov's error, then its API's answer to no object.
 *
 * USAGE: libbpfcov-open x.bpf.o
 */
#include <bpf/libbpf.h>
#include <bpfcov/libbpfcov.h>
#include <errno.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	struct bpf_object *obj;

	if (argc != 2)
		return 2;
	obj = bpf_object__open(argv[1]);
	if (!obj)
		return 3;
	if (!bpfcov_open(obj))
		printf("errno %d: %s\n", errno, bpfcov_last_error());
	if (!bpfcov_open(NULL))
		printf("errno %d: %s\n", errno, bpfcov_last_error());
	bpf_object__close(obj);
	return 0;
}

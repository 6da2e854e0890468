/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xdp_tests.c - a BPF_PROG_TEST_RUN test suite of the xdp example under
 * libbpfcov: each test case runs fixed frames through xdp_firewall and
 * checks the verdict, between bpfcov_test_begin() (counters reset) and
 * bpfcov_test_end() (<case>.profraw and all.profraw in $BPFCOV_PROFILE_DIR,
 * which bpfcov_add_test sets). Cases come in two groups, one per CTest test,
 * so the suite's report merges two binaries' runs.
 *
 * USAGE: sudo ./xdp-tests l3|l4     (ctest runs both; see CMakeLists.txt)
 * Exit: 0 when every verdict is right, 1 otherwise (the failed ones listed).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpfcov/libbpfcov.h>

#include "packets.h"
#include "xdp.h"
#include "xdp.skel.h"

struct test_case {
	const char *group; /* the argument that selects it */
	const char *name;  /* its profile: <name>.profraw */
	struct pkt_spec spec;
	__u32 repeat;
	__u32 want; /* XDP action */
};

#define IP4 .l3 = PKT_ETH_P_IP
/* clang-format off */
static const struct test_case cases[] = {
	{"l4", "tcp_syn_http", {IP4, .l4 = PKT_IPPROTO_TCP, .dport = 80, .tcp_flags = PKT_TCP_SYN}, 3, FW_PASS},
	{"l4", "tcp_syn_telnet", {IP4, .l4 = PKT_IPPROTO_TCP, .dport = 23, .tcp_flags = PKT_TCP_SYN}, 2, FW_DROP},
	{"l4", "udp_dns_large", {IP4, .l4 = PKT_IPPROTO_UDP, .dport = 53, .payload = 600}, 1, FW_DROP},
	{"l4", "udp_blocked", {IP4, .l4 = PKT_IPPROTO_UDP, .dport = 2323}, 1, FW_DROP},
	{"l3", "arp", {.l3 = PKT_ETH_P_ARP}, 1, FW_PASS},
	{"l3", "icmp_echo", {IP4, .l4 = PKT_IPPROTO_ICMP, .icmp_type = PKT_ICMP_ECHO}, 2, FW_TX},
	{"l3", "ipv6", {.l3 = PKT_ETH_P_IPV6, .l4 = PKT_IPPROTO_UDP, .dport = 53}, 1, FW_PASS},
	{"l3", "ipv4_truncated", {IP4, .l4 = PKT_IPPROTO_TCP, .dport = 80, .truncate = 30}, 1, FW_DROP},
	{"l3", "lldp", {.l3 = 0x88cc}, 1, FW_DROP},
};
/* clang-format on */
#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

/* One case: its frame repeat times; 0 when the verdict is right. */
static int run_case(int prog_fd, const struct test_case *c)
{
	__u8 buf[PKT_MAX];
	__u32 len = pkt_build(&c->spec, buf, sizeof(buf));
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .data_size_in = len,
		    .repeat = c->repeat);

	if (bpf_prog_test_run_opts(prog_fd, &opts)) {
		fprintf(stderr, "%s: BPF_PROG_TEST_RUN: %s\n", c->name, strerror(errno));
		return 1;
	}
	if (opts.retval != c->want) {
		fprintf(stderr, "%s: verdict %u, expected %u\n", c->name, opts.retval, c->want);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bpfcov_ctx *cov = NULL;
	struct xdp *skel;
	unsigned int i, ran = 0, failed = 0;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s l3|l4\n", argv[0]);
		return 2;
	}
	skel = xdp__open_and_load();
	if (!skel) {
		fprintf(stderr, "cannot load xdp.bpf.o: %s\n", strerror(errno));
		return 1;
	}
	cov = bpfcov_open(skel->obj);
	if (!cov) {
		fprintf(stderr, "bpfcov_open: %s\n", bpfcov_last_error());
		failed = 1;
		goto out;
	}
	fd = bpf_program__fd(skel->progs.xdp_firewall);
	for (i = 0; i < NR_CASES; i++) {
		const struct test_case *c = &cases[i];

		if (strcmp(c->group, argv[1]))
			continue;
		if (bpfcov_test_begin(cov, c->name)) {
			fprintf(stderr, "bpfcov_test_begin: %s\n", bpfcov_last_error());
			failed++;
			break;
		}
		failed += run_case(fd, c);
		ran++;
		if (bpfcov_test_end(cov)) {
			fprintf(stderr, "bpfcov_test_end: %s\n", bpfcov_last_error());
			failed++;
			break;
		}
		printf("%-16s ok\n", c->name);
	}
	if (!ran && !failed) {
		fprintf(stderr, "no test case in group '%s': give l3 or l4\n", argv[1]);
		failed++;
	}
out:
	bpfcov_close(cov);
	xdp__destroy(skel);
	return failed ? 1 : 0;
}

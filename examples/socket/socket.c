/* SPDX-License-Identifier: Apache-2.0 */
/*
 * socket.c - loader of the socket filter example. Runs socket_filter
 * through BPF_PROG_TEST_RUN on 9 fixed frames (the kernel strips the
 * Ethernet header: the filter sees the IP packet) and checks how many bytes
 * each one keeps, then the per-protocol counts.
 * Built twice: socket (instrumented skeleton) and socket-plain.
 *
 * USAGE: sudo ./socket [-v]    (under bpfcov: sudo bpfcov run ./socket)
 */
#include "loader.h"
#include "packets.h"
#include "socket.h"
#include "socket.skel.h"

struct frame {
	const char *name;
	struct pkt_spec spec;
	__u32 repeat;
	__u32 want; /* bytes kept */
};

#define IP4 .l3 = PKT_ETH_P_IP
/* IP packet lengths: 20 (IP) + 8 (UDP) / 20 (TCP) / 8 (ICMP) + payload. */
/* One frame per line. */
/* clang-format off */
static const struct frame frames[] = {
	{"dns query", {IP4, .l4 = PKT_IPPROTO_UDP, .dport = 53, .payload = 40}, 2, 68},
	{"dns answer", {IP4, .l4 = PKT_IPPROTO_UDP, .sport = 53, .dport = 40000, .payload = 200}, 1, 228},
	{"tcp small", {IP4, .l4 = PKT_IPPROTO_TCP, .dport = 80, .payload = 10}, 3, 50},
	{"tcp large", {IP4, .l4 = PKT_IPPROTO_TCP, .dport = 80, .payload = 1000}, 2, 96},
	{"icmp echo", {IP4, .l4 = PKT_IPPROTO_ICMP, .icmp_type = PKT_ICMP_ECHO, .payload = 56}, 1, 84},
	{"udp other", {IP4, .l4 = PKT_IPPROTO_UDP, .dport = 123, .payload = 48}, 1, 0},
	{"ipv6 udp dns", {.l3 = PKT_ETH_P_IPV6, .l4 = PKT_IPPROTO_UDP, .dport = 53}, 1, 0},
	{"arp", {.l3 = PKT_ETH_P_ARP}, 1, 0},
	{"tcp truncated", {IP4, .l4 = PKT_IPPROTO_TCP, .dport = 80, .truncate = 36}, 1, 0},
};
/* clang-format on */
#define NR_FRAMES (sizeof(frames) / sizeof(frames[0]))

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		__u32 proto;
	} protos[] = {{"not IPv4 (0)", 0}, {"icmp", 1}, {"tcp", 6}, {"udp", 17}};
	long long want_proto[256] = {0};
	__u8 buf[PKT_MAX];
	struct socket *skel;
	char what[64];
	unsigned int i;
	__u64 value;
	int err, ret, fd;

	example_init(argc, argv, "socket");
	skel = socket__open_and_load();
	if (!skel)
		return example_fail("load the BPF object", -errno, NULL);
	example_log_discard();
	fd = bpf_program__fd(skel->progs.socket_filter);

	printf("socket: %zu frames through socket_filter (BPF_PROG_TEST_RUN): bytes kept\n",
	       NR_FRAMES);
	for (i = 0; i < NR_FRAMES; i++) {
		const struct frame *f = &frames[i];
		__u32 len = pkt_build(&f->spec, buf, sizeof(buf)), got = 0;

		err = example_run_pkt(fd, buf, len, f->repeat, &got, NULL, 0);
		if (err) {
			ret = example_fail("run socket_filter (BPF_PROG_TEST_RUN)", err, NULL);
			goto out;
		}
		snprintf(what, sizeof(what), "%s x%u", f->name, f->repeat);
		example_expect(what, got, f->want);
		want_proto[f->spec.l3 == PKT_ETH_P_IP ? f->spec.l4 : 0] += f->repeat;
	}

	printf("socket: packets per protocol\n");
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		value = 0;
		bpf_map_lookup_elem(bpf_map__fd(skel->maps.by_protocol), &protos[i].proto, &value);
		example_expect(protos[i].name, value, want_proto[protos[i].proto]);
	}
	ret = example_finish();
out:
	socket__destroy(skel);
	return ret;
}

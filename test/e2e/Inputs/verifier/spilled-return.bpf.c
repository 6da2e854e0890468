// SPDX-License-Identifier: Apache-2.0
// The shape of the selftests' test_sysctl_loop2: a 0/1 result over many
// early returns, three helper calls (one of them in a loop) and a 140-byte
// buffer a helper fills. With atomic adds, llc kept the `1` of the counter
// adds in a callee-saved register, the result went to a 32-bit stack slot
// beside the buffer, and kernels 6.x forget such a spill when a helper
// writes the other half of its 8-byte slot: "At program exit the register
// R0 has smin=0 smax=4294967295 should have been in [0, 1]"
// (test/e2e/verifier-spilled-return.test, test/pass/pinned-addends.test).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define FIELDS 20
#define FIELD_LEN 7
#define TEXT_LEN (FIELDS * FIELD_LEN)

const char wanted[] = "net/ipv4/tcp_mem";

static __attribute__((noinline)) int name_matches(struct bpf_sysctl *ctx)
{
	char name[sizeof(wanted)];
	unsigned char i;

	__builtin_memset(name, 0, sizeof(name));
	if (bpf_sysctl_get_name(ctx, name, sizeof(name), 0) != sizeof(wanted) - 1)
		return 0;
#pragma clang loop unroll(disable)
	for (i = 0; i < sizeof(wanted); ++i)
		if (name[i] != wanted[i])
			return 0;
	return 1;
}

SEC("cgroup/sysctl")
int read_fields(struct bpf_sysctl *ctx)
{
	unsigned long fields[FIELDS] = {};
	char text[TEXT_LEN];
	unsigned char i, off = 0;
	int len;

	if (ctx->write)
		return 0;
	if (!name_matches(ctx))
		return 0;
	len = bpf_sysctl_get_current_value(ctx, text, TEXT_LEN);
	if (len < 0 || len >= TEXT_LEN)
		return 0;
#pragma clang loop unroll(disable)
	for (i = 0; i < FIELDS; ++i) {
		len = bpf_strtoul(text + off, FIELD_LEN, 0, fields + i);
		if (len <= 0 || len > FIELD_LEN)
			return 0;
		off += len & FIELD_LEN;
	}
	return fields[0] < fields[1] && fields[1] < fields[2];
}

char _license[] SEC("license") = "GPL";

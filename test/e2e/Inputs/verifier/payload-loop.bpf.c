// SPDX-License-Identifier: Apache-2.0
// strobemeta's read_str_var and read_map_var in small (issue 11, pattern 4;
// test/e2e/verifier-payload-loop.test loads it): strings appended to a map
// value, each read's length (0 or 1) checked, then added to the payload
// pointer. Instrumented, a failed read only bumps a counter; llc made that
// counter block the fall-through, the verifier explored the paths adding
// nothing first, their narrow payload bounds pruned none of the later
// states, and it gave up at 1M instructions.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_LEN 1
#define STRS 25
#define ENTRIES 35

struct payload {
	unsigned short lens[STRS + 2 * ENTRIES];
	char buf[STRS + 2 * ENTRIES];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct payload);
} payloads SEC(".maps");

static __always_inline void *read_str(struct payload *data, int idx, void *payload,
				      const void *src)
{
	unsigned long len = bpf_probe_read_user_str(payload, MAX_LEN + 1, src);

	if (len > MAX_LEN)
		return payload;
	data->lens[idx] = len;
	return payload + len;
}

SEC("raw_tp/sys_enter")
int payload_loop(struct bpf_raw_tracepoint_args *ctx)
{
	const char *const *srcs = (const void *)ctx->args[1];
	__u32 zero = 0;
	struct payload *data = bpf_map_lookup_elem(&payloads, &zero);
	void *payload;
	long n;

	if (!data)
		return 0;
	payload = data->buf;
#pragma clang loop unroll(disable)
	for (int i = 0; i < STRS; i++)
		payload = read_str(data, i, payload, srcs + i);
	n = ctx->args[0];
#pragma clang loop unroll(disable)
	for (int i = 0; i < ENTRIES; i++) {
		if (i >= n)
			break;
		payload = read_str(data, STRS + 2 * i, payload, srcs + 2 * i);
		payload = read_str(data, STRS + 2 * i + 1, payload, srcs + 2 * i + 1);
	}
	return payload - (void *)data->buf;
}

char LICENSE[] SEC("license") = "GPL";

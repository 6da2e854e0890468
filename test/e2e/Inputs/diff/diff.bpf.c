// SPDX-License-Identifier: GPL-2.0
/* Differential test object: four program types feeding logic.h. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "logic.h"

char LICENSE[] SEC("license") = "GPL";

const volatile unsigned int target_tgid = 0;
unsigned long long verdicts = 0;

SEC("xdp")
int diff_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct diff_input in;

	if (data + 14 + sizeof(in) > data_end)
		return XDP_ABORTED;
	__builtin_memcpy(&in, data + 14, sizeof(in));
	verdicts += diff_classify(&in);
	return XDP_PASS;
}

SEC("tc")
int diff_tc(struct __sk_buff *skb)
{
	struct diff_input in;

	if (bpf_skb_load_bytes(skb, 14, &in, sizeof(in)))
		return TC_ACT_SHOT;
	verdicts += diff_classify(&in);
	return TC_ACT_OK;
}

/* BPF_PROG_TEST_RUN pulls the Ethernet header for socket filters. */
SEC("socket")
int diff_socket(struct __sk_buff *skb)
{
	struct diff_input in;

	if (bpf_skb_load_bytes(skb, 0, &in, sizeof(in)))
		return 0;
	verdicts += diff_classify(&in);
	return skb->len;
}

struct sys_enter_lseek_ctx {
	unsigned long long common;
	long syscall_nr;
	unsigned long fd;
	unsigned long offset;
	unsigned long whence;
};

SEC("tracepoint/syscalls/sys_enter_lseek")
int diff_tp(struct sys_enter_lseek_ctx *ctx)
{
	struct diff_input in = {};

	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	if ((int)ctx->fd != -1)
		return 0;
	diff_input_from_args(&in, ctx->offset, ctx->whence);
	verdicts += diff_classify(&in);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * multi.bpf.c - one object the way real ones look: five programs of five
 * types (xdp, tc, socket filter, raw_tp, syscall tracepoint) sharing a
 * static __noinline subprogram, two global subprograms (verified on their
 * own, one of them taking the context), a bpf_loop() callback, bounded
 * loops, switch, &&/||, hash/array maps, const volatile config and
 * bpf_printk() strings. The decisions live in multi.h.
 *
 * USAGE: built by examples/multi/CMakeLists.txt; sudo ./multi
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "multi.h"
#include "parse.bpf.h"

/* bpf_printk() is a GPL-only helper: the programs are offered under the GPL. */
char LICENSE[] SEC("license") = "GPL";

/* The process whose sysfs(2) calls count; 0 counts every process. */
const volatile __u32 target_tgid = 0;
/* Syscall ids the raw_tp program watches. */
const volatile long watch_a = -1;
const volatile long watch_b = -1;
/* bpf_loop() rounds of the raw_tp program, loop bound of the tracepoint. */
const volatile __u32 rounds = 4;
const volatile __u16 weights[MULTI_MAX_WEIGHTS] = {3, 0, 5, 7, 0, 11, 13, 17};

enum multi_prog { MP_XDP, MP_TC, MP_SOCKET, MP_RAW_TP, MP_TRACEPOINT, MP_NR };

struct multi_stats {
	__u64 packets; /* or syscalls */
	__u64 bytes;   /* or loop rounds */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MC_NR);
	__type(key, __u32); /* enum multi_class */
	__type(value, struct multi_stats);
} by_class SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MP_NR);
	__type(key, __u32);   /* enum multi_prog */
	__type(value, __u64); /* runs that got past their filter */
} runs SEC(".maps");

/* A static subprogram: verified as part of each program that calls it. */
static __noinline __u32 mix(__u32 a, __u32 b)
{
	a ^= b;
	a *= 0x9e3779b1u;
	return a ^ (a >> 15);
}

static __always_inline void count_run(__u32 prog)
{
	__u64 *n = bpf_map_lookup_elem(&runs, &prog);

	if (n)
		__sync_fetch_and_add(n, 1);
}

/* A global subprogram: the verifier checks it once, for any scalar args. */
__noinline int multi_account(__u32 class, __u32 bytes)
{
	struct multi_stats zero = {}, *st;

	if (class >= MC_NR)
		return -1;
	st = bpf_map_lookup_elem(&by_class, &class);
	if (!st) {
		bpf_map_update_elem(&by_class, &class, &zero, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&by_class, &class);
		if (!st)
			return -1;
	}
	__sync_fetch_and_add(&st->packets, 1);
	__sync_fetch_and_add(&st->bytes, bytes);
	return 0;
}

/* A global subprogram taking the context (tc and socket filter both). */
__noinline int multi_skb_len(struct __sk_buff *skb)
{
	return skb->len;
}

SEC("xdp")
int multi_xdp(struct xdp_md *ctx)
{
	struct pkt_meta m;
	int class;

	if (parse_frame((void *)(long)ctx->data, (void *)(long)ctx->data_end, &m) ||
	    m.l3_proto != PKT_ETH_P_IP)
		return XDP_PASS;
	count_run(MP_XDP);
	class = multi_classify(m.l4_proto, m.dport);
	multi_account(class, m.len);
	return class == MC_OTHER ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int multi_tc(struct __sk_buff *skb)
{
	struct pkt_meta m;
	int class;

	if (parse_frame((void *)(long)skb->data, (void *)(long)skb->data_end, &m)) {
		bpf_printk("multi_tc: dropping a truncated frame");
		return 2; /* TC_ACT_SHOT */
	}
	count_run(MP_TC);
	class = multi_classify(m.l4_proto, m.dport);
	skb->mark = mix(class, m.saddr);
	multi_account(class, multi_skb_len(skb));
	return 0; /* TC_ACT_OK */
}

SEC("socket")
int multi_socket(struct __sk_buff *skb)
{
	__u8 vihl, proto;
	__be16 dport;
	int class;

	if (skb->protocol != bpf_htons(PKT_ETH_P_IP) || bpf_skb_load_bytes(skb, 0, &vihl, 1) ||
	    bpf_skb_load_bytes(skb, 9, &proto, 1) ||
	    bpf_skb_load_bytes(skb, (vihl & 0xf) * 4 + 2, &dport, 2))
		return 0;
	count_run(MP_SOCKET);
	class = multi_classify(proto, bpf_ntohs(dport));
	multi_account(class, multi_skb_len(skb));
	return class == MC_DNS || class == MC_WEB ? skb->len : 0;
}

struct loop_state {
	__u32 score;
	__u32 steps;
};

/* bpf_loop() callback: a static function the verifier checks per call. */
static int loop_step(__u32 index, void *data)
{
	struct loop_state *st = data;
	__u16 w[MULTI_MAX_WEIGHTS];
	int i, n = (int)(index & 7) + 1;

	/* Hides n <= 8 from the compiler: knowing it, clang drops
	 * multi_score()'s i < MULTI_MAX_WEIGHTS and loads w[i] before testing
	 * i < n, one past the end of w on the last round, which Linux 6.1's
	 * verifier rejects ("invalid read from stack"). */
	barrier_var(n);
	for (i = 0; i < MULTI_MAX_WEIGHTS; i++)
		w[i] = weights[i];
	st->score = mix(st->score, multi_score(w, n, st->score));
	st->steps++;
	return st->steps >= 16; /* 1 stops the loop */
}

SEC("raw_tp/sys_enter")
int multi_raw_tp(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	long id = ctx->args[1];
	unsigned long arg0 = ~0UL;
	struct loop_state st = {.score = (__u32)id};
	int kind;

	/* No registers under BPF_PROG_TEST_RUN: the read fails, arg0 stays ~0. */
	if (bpf_probe_read_kernel(&arg0, sizeof(arg0), &PT_REGS_PARM1(regs)))
		arg0 = ~0UL;
	kind = multi_syscall_kind(id, arg0, watch_a, watch_b);
	if (kind == 0)
		return 0;
	count_run(MP_RAW_TP);
	bpf_loop(rounds, loop_step, &st, 0);
	multi_account(MC_SYSCALL, st.steps);
	bpf_printk("multi_raw_tp: syscall %ld kind %d score %u", id, kind, st.score);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_sysfs")
int multi_tracepoint(struct trace_event_raw_sys_enter *ctx)
{
	long option = ctx->args[0];
	__u32 score = 0, i;

	if (target_tgid && (bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	count_run(MP_TRACEPOINT);
	for (i = 0; i < rounds && i < MULTI_MAX_WEIGHTS; i++)
		score = mix(score, weights[i]);
	if (!multi_sysfs_option_valid(option))
		bpf_printk("multi_tracepoint: sysfs option %ld is invalid (score %u)", option,
			   score);
	multi_account(MC_SYSCALL, multi_sysfs_option_valid(option));
	return 0;
}

// SPDX-License-Identifier: Apache-2.0
// Counter placements a coverage pass could emit, written by hand so that
// bpfcov-bench can compare them before the pass learns any of them. Each
// program bumps NCOUNTERS counters per run, like an instrumented function
// with that many regions:
//   shared_*    one u64 per counter, shared by all CPUs (what clang emits)
//   slot_*      one 64-byte row of counters per CPU in ordinary global data,
//               indexed by bpf_get_smp_processor_id() (inlined on x86-64)
//   pcpu_map_*  one BPF_MAP_TYPE_PERCPU_ARRAY lookup per run (inlined since
//               Linux 6.10), then increments through the returned pointer
// *_plain use load/add/store, *_atomic use BPF_ATOMIC adds.
//
// USAGE: build/cli/bpfcov-cc --bpfcov-plain -c bench/percpu.bpf.c -o percpu.bpf.o
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define NCOUNTERS 8
#define MAX_CPUS 64

__u64 shared[NCOUNTERS] SEC(".data.shared");
__u64 slots[MAX_CPUS][NCOUNTERS] __attribute__((aligned(64))) SEC(".data.slots");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[NCOUNTERS]);
} pcpu_counters SEC(".maps");

#define BUMP_PLAIN(p)                                       \
	do {                                                \
		for (int i = 0; i < NCOUNTERS; i++)         \
			(p)[i]++;                           \
	} while (0)
#define BUMP_ATOMIC(p)                                      \
	do {                                                \
		for (int i = 0; i < NCOUNTERS; i++)         \
			__sync_fetch_and_add(&(p)[i], 1);   \
	} while (0)

SEC("xdp")
int shared_plain(struct xdp_md *ctx)
{
	BUMP_PLAIN(shared);
	return XDP_PASS;
}

SEC("xdp")
int shared_atomic(struct xdp_md *ctx)
{
	BUMP_ATOMIC(shared);
	return XDP_PASS;
}

SEC("xdp")
int slot_plain(struct xdp_md *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();

	if (cpu >= MAX_CPUS)
		return XDP_PASS;
	BUMP_PLAIN(slots[cpu]);
	return XDP_PASS;
}

SEC("xdp")
int slot_atomic(struct xdp_md *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();

	if (cpu >= MAX_CPUS)
		return XDP_PASS;
	BUMP_ATOMIC(slots[cpu]);
	return XDP_PASS;
}

SEC("xdp")
int pcpu_map_plain(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *p = bpf_map_lookup_elem(&pcpu_counters, &zero);

	if (!p)
		return XDP_PASS;
	BUMP_PLAIN(p);
	return XDP_PASS;
}

SEC("xdp")
int pcpu_map_atomic(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *p = bpf_map_lookup_elem(&pcpu_counters, &zero);

	if (!p)
		return XDP_PASS;
	BUMP_ATOMIC(p);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

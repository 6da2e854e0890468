// SPDX-License-Identifier: GPL-2.0
/* Differential test object for programs attached to a kernel function:
 * an fentry and a kprobe program on ksys_lseek(fd, offset, whence), the
 * function behind lseek(2), feed logic.h the same arguments as the
 * tracepoint of diff.bpf.c (diffapp-trace.c makes the calls). */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "logic.h"

char LICENSE[] SEC("license") = "GPL";

const volatile unsigned int target_tgid = 0;
unsigned long long verdicts = 0;

static __always_inline void classify(unsigned int fd, long long offset, unsigned int whence)
{
	struct diff_input in = {};

	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid || fd != (unsigned int)-1)
		return;
	diff_input_from_args(&in, (unsigned long)offset, whence);
	verdicts += diff_classify(&in);
}

SEC("fentry/ksys_lseek")
int BPF_PROG(diff_fentry, unsigned int fd, long long offset, unsigned int whence)
{
	classify(fd, offset, whence);
	return 0;
}

SEC("kprobe/ksys_lseek")
int BPF_KPROBE(diff_kprobe, unsigned int fd, long long offset, unsigned int whence)
{
	classify(fd, offset, whence);
	return 0;
}

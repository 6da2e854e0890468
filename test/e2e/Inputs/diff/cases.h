/* SPDX-License-Identifier: Apache-2.0 */
/* The inputs of the differential test, shared by the loader (which feeds
 * them to the kernel) and the native replica: packets for XDP/tc/socket
 * programs, and lseek(-1, off, whence) arguments for the tracepoint. */
#ifndef DIFF_CASES_H
#define DIFF_CASES_H

#include "logic.h"

static const struct diff_input diff_cases[] = {
	{0, 0, 0, {0}},
	{1, 1, 20, {1, 2, 3}},
	{1, 1, 4, {0}},
	{2, 0, 4, {0}},
	{2, 4, 0, {0}},
	{2, 5, 3, {0}},
	{3, 0, 0, {50, 0, 60, 0, 5}},
	{3, 1, 0, {10, 2000, 300}},
	{3, 1, 0, {0, 0, 0, 0, 0, 0, 0, 0}},
	{4, 9, 9, {9}},
	{5, 0, 11, {0}},
	{77, 3, 1234, {1}},
	{9, 0, 0, {0}},
};
#define DIFF_NCASES (sizeof(diff_cases) / sizeof(diff_cases[0]))

/* The tracepoint runs: (off, whence) pairs. */
#define DIFF_NSYSCALLS 40
static inline unsigned long diff_syscall_off(int i) { return (unsigned long)(i * 13 % 29); }
static inline unsigned long diff_syscall_whence(int i) { return (unsigned long)(100 + i % 9); }

/* Packet layout: 14 bytes of Ethernet header, then the struct. */
#define DIFF_PKT_OFF 14
#define DIFF_PKT_LEN 64

#endif

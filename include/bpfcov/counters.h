/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bpfcov/counters.h - reading bpfcov's counters live, from C or C++.
 *
 * A loader may read an instrumented object's counters itself, through its
 * skeleton (skel->data_profc->__profc_<function>[i]) or the .data.profc map.
 * Most counters hold their count. A twin holds a tagged word instead: its
 * updates were always another counter's (lib/TwinCounters.cpp), so the
 * pass kept that counter's updates only, and the word names it by its byte
 * offset in .data.profc. bpfcov gen resolves twins (bpfcov/Names.h:
 * CovMapFlagTwinCounters); a loader reading counters live uses
 * bpfcov_counter().
 *
 * USAGE:
 *   #include <bpfcov/counters.h>
 *   uint64_t n = bpfcov_counter(skel->data_profc,
 *                               &skel->data_profc->__profc_prog[0]);
 * Shared (atomic or plain) counters only: per-CPU counters have a row per
 * CPU (bpfcov/Names.h), whose sum is the count.
 */
#ifndef BPFCOV_COUNTERS_H
#define BPFCOV_COUNTERS_H

#include <stdint.h>

/* A twin's word: this tag in the top 16 bits, in the low 48 the byte offset
 * in .data.profc of the counter it shares. No count reaches 2^63. */
#define BPFCOV_TWIN_COUNTER_TAG 0xb7c0000000000000ULL
#define BPFCOV_TWIN_COUNTER_TAG_MASK 0xffff000000000000ULL

/* The count of the u64 counter at counter, in the .data.profc that starts
 * at profc. */
static inline uint64_t bpfcov_counter(const void *profc, const void *counter)
{
	uint64_t word = *(const uint64_t *)counter;

	if ((word & BPFCOV_TWIN_COUNTER_TAG_MASK) != BPFCOV_TWIN_COUNTER_TAG)
		return word;
	return *(const uint64_t *)((const char *)profc +
				   (word & ~BPFCOV_TWIN_COUNTER_TAG_MASK));
}

#endif /* BPFCOV_COUNTERS_H */

/*===-- bpfcov/Sections.h - The ELF sections of the pass, for C and C++ ---===
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The sections the pass writes, spelled once for C (cli/preload.c, which
 * recognises the covmap's creation by its map name) and C++ (Names.h, which
 * gives them their typed names). libbpf names each map after its section;
 * the kernel caps object names at 15 characters.
 *
 * USAGE: #include "bpfcov/Sections.h" (C++: include "bpfcov/Names.h")
 *===----------------------------------------------------------------------===*/
#ifndef BPFCOV_SECTIONS_H
#define BPFCOV_SECTIONS_H

/* Counters (`__profc_*`), writable by the BPF programs. */
#define BPFCOV_COUNTERS_SECTION ".data.profc"
/* One record per instrumented function (`__profd_*_<field>` scalars). */
#define BPFCOV_DATA_SECTION ".rodata.profd"
/* The (possibly zlib-compressed) function-name blob `__llvm_prf_nm`. */
#define BPFCOV_NAMES_SECTION ".rodata.profn"
/* bpfcov's own header: producer, raw version, coverage-mapping header. */
#define BPFCOV_COVMAP_SECTION ".rodata.covmap"

#endif /* BPFCOV_SECTIONS_H */

//===-- bpfcov/Names.h - The contract between libBPFCov.so and bpfcov ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Every name that the pass writes into a BPF object and that the CLI reads
// back (ELF sections = libbpf map names, global symbol prefixes, pin file
// names) and the layout of the records inside those sections. Spelled only
// here: lib/ and cli/ both include this header.
//
// Data flow:  pass -> x.bpf.o sections -> libbpf maps -> bpfcov run pins
//             <bpffs>/cov/<app>/<object>/{profc,profd,profn,covmap}
//             -> bpfcov gen -> .profraw
//
// USAGE: #include "bpfcov/Names.h"
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_NAMES_H
#define BPFCOV_NAMES_H

#include "bpfcov/Sections.h"
#include "bpfcov/counters.h"

#include <cstdint>

namespace bpfcov {

//===-- ELF sections written by the pass (libbpf names each map after its
//    section; the kernel caps object names at 15 characters) -------------===//

/// Counters (`__profc_*`), writable by the BPF programs.
inline constexpr const char CountersSection[] = BPFCOV_COUNTERS_SECTION;
/// Counters and bitmaps with -bpfcov-counters-section=bss (loaders that know
/// only .bss, .data and .rodata*, e.g. cilium/ebpf 0.9), beside the
/// program's own zeroed globals; the other three sections are unchanged.
inline constexpr const char BssCountersSection[] = ".bss";
/// One record per instrumented function (`__profd_*_<field>` scalars).
inline constexpr const char DataSection[] = BPFCOV_DATA_SECTION;
/// The (possibly zlib-compressed) function-name blob `__llvm_prf_nm`.
inline constexpr const char NamesSection[] = BPFCOV_NAMES_SECTION;
/// bpfcov's own header: producer, raw version, coverage-mapping header.
inline constexpr const char CovMapSection[] = BPFCOV_COVMAP_SECTION;
/// In the .bpf.obj only (never loaded): the functions the pass left
/// without counter updates, one line each, "<function>\t<file>\t<reason>\n"
/// (lib/NotInstrumented.cpp writes it, cli/NotInstrumented.cpp reads it).
/// Their coverage records are dropped, so llvm-cov does not show them.
/// Not .rodata.<x>: libbpf would make a map of it were the object loaded.
inline constexpr const char NotInstrumentedSection[] = ".bpfcov.notinstr";

//===-- Pins: <bpffs>/<PinRoot>/<app>/<object>/<pin> ----------------------===//

inline constexpr const char DefaultBpffs[] = "/sys/fs/bpf";
inline constexpr const char PinRoot[] = "cov";
inline constexpr const char CountersPin[] = "profc";
inline constexpr const char DataPin[] = "profd";
inline constexpr const char NamesPin[] = "profn";
inline constexpr const char CovMapPin[] = "covmap";

/// The four coverage maps of one object, in the order run/gen use them.
struct MapName {
  const char *Section; ///< ELF section == kernel map name
  const char *Pin;     ///< file name under the object's pin directory
};
inline constexpr MapName CoverageMaps[] = {
    {CountersSection, CountersPin},
    {DataSection, DataPin},
    {NamesSection, NamesPin},
    {CovMapSection, CovMapPin},
};
inline constexpr unsigned NumCoverageMaps = 4;

//===-- Symbols -----------------------------------------------------------===//
//
// LLVM's own names (`__profc_`, `__profd_`, `__profbm_`, `__llvm_prf_nm`,
// `__llvm_covfun`...) are not spelled here: the pass takes them from
// llvm/ProfileData/InstrProf.h (lib/Compat.h for those LLVM 14 lacks). The
// record scalars keep LLVM's data prefix: `__profd_<fn>_<DataFieldSuffix>`.

/// The CLI, which links no LLVM, reads LLVM's counter and MC/DC bitmap
/// prefixes in BTF (counters-only collection) and the pass uses them to tell
/// its counters from the program's own .bss globals (lib/CountersSection).
inline constexpr const char CountersPrefix[] = "__profc_";
inline constexpr const char BitmapPrefix[] = "__profbm_";
inline constexpr const char MetaPrefix[] = "__bpfcov_";

//===-- .rodata.profd: one record of NumDataFields u64 per function -------===//
//
// The pass emits the fields of each record as separate scalar globals named
// __profd_<fn>_<suffix>, in this order and contiguously, so the section is an
// array of records of DataRecordSize bytes. The record is independent of the
// raw-profile version: gen turns it into the version-specific __profd layout.
enum DataField : unsigned {
  DF_NameRef = 0,       ///< MD5 of the PGO function name
  DF_FuncHash,          ///< CFG hash
  DF_CountersOffset,    ///< byte offset of the function's counters in profc
  DF_NumCounters,       ///< number of counters (u64, or bytes: bool)
  DF_BitmapOffset,      ///< byte offset of MC/DC bitmap bytes (0 if none)
  DF_NumBitmapBytes,    ///< number of MC/DC bitmap bytes
  NumDataFields
};
inline constexpr const char *DataFieldSuffix[NumDataFields] = {
    "name_ref", "func_hash", "counters_offset",
    "num_counters", "bitmap_offset", "num_bitmap_bytes"};
inline constexpr unsigned DataRecordSize = NumDataFields * 8;

//===-- .rodata.covmap: bpfcov's header, CovMapSize bytes -----------------===//
//
//   off  size  global                     meaning
//   0    8     __bpfcov_magic             CovMapMagic
//   8    8     __bpfcov_raw_version       INSTR_PROF_RAW_VERSION of the producer
//   16   8     __bpfcov_llvm_major        LLVM major version of the producer
//   24   8     __bpfcov_flags             CovMapFlag* bits; bits 8-15:
//                                          log2(per-CPU rows) with
//                                          CovMapFlagPerCpu
//   32   16    __bpfcov_covmap_header     {NRecords, FilenamesSize,
//                                          CoverageSize, Version} (u32 each)
//   48   64    __bpfcov_object_name       object name, NUL-padded
enum CovMapField : unsigned {
  CF_Magic = 0,
  CF_RawVersion,
  CF_LLVMMajor,
  CF_Flags,
  CF_CovMapHeader,
  CF_ObjectName,
  NumCovMapFields
};
inline constexpr const char *CovMapFieldName[NumCovMapFields] = {
    "__bpfcov_magic",          "__bpfcov_raw_version",
    "__bpfcov_llvm_major",     "__bpfcov_flags",
    "__bpfcov_covmap_header",  "__bpfcov_object_name"};
inline constexpr unsigned CovMapFieldOffset[NumCovMapFields] = {0,  8,  16,
                                                                24, 32, 48};
inline constexpr unsigned ObjectNameSize = 64;
inline constexpr unsigned CovMapSize = 48 + ObjectNameSize;
/// "bpfcov\0\1" read as a little-endian u64 (last byte: layout version 1).
inline constexpr uint64_t CovMapMagic = 0x0100766f63667062ULL;
/// Counters are bumped with atomic adds (-fprofile-update=atomic).
inline constexpr uint64_t CovMapFlagAtomic = 1;
/// The names blob is zlib-compressed.
inline constexpr uint64_t CovMapFlagNamesCompressed = 2;
/// Per-CPU counters (bpf-cov<percpu>): each function's counters are
/// R = 1 << ((Flags >> CovMapFlagPerCpuRowsShift) & 0xff) rows of
/// S = DF_NumCounters rounded up to a multiple of PerCpuRowAlign u64
/// ([R x [S x i64]], one 64-byte cache line or more per row;
/// DF_CountersOffset is the start of the block and the first N of each row
/// are the counters). CPU n bumps row n mod R; gen sums the rows. MC/DC
/// bitmaps stay shared.
inline constexpr uint64_t CovMapFlagPerCpu = 4;
inline constexpr unsigned CovMapFlagPerCpuRowsShift = 8;
/// Bool counters (bpf-cov<bool>, clang's single-byte coverage, LLVM 19+):
/// each counter is one byte, 0xFF until its region ran, then 0;
/// DF_NumCounters counts bytes and each function's bytes start 8-aligned.
/// gen writes a raw profile with VARIANT_MASK_BYTE_COVERAGE.
inline constexpr uint64_t CovMapFlagByteCounters = 8;
/// Counters and bitmaps are in BssCountersSection, not CountersSection:
/// DF_CountersOffset/DF_BitmapOffset count from the first __profc_ var, as
/// if the pass's counters and bitmaps were alone and contiguous (each
/// 8-aligned, counters in record order, then bitmaps in record order).
inline constexpr uint64_t CovMapFlagBssCounters = 16;
/// Twin counters (lib/TwinCounters.cpp): a counter whose updates were
/// always those of another, in the same stretches by the same amounts, lost
/// them; its start value (row 0 of per-CPU counters) is a TwinCounterTag
/// word naming that other counter, and gen gives it that counter's count.
/// Never with bool or .bss counters.
inline constexpr uint64_t CovMapFlagTwinCounters = 32;
/// A twin's word: the tag in the top 16 bits, in the low 48 the byte offset
/// in profc of the counter it shares (row 0 of per-CPU counters). The
/// program never writes it; no count reaches 2^63 (bpfcov/counters.h, for
/// loaders in C too).
inline constexpr uint64_t TwinCounterTag = BPFCOV_TWIN_COUNTER_TAG;
inline constexpr uint64_t TwinCounterTagMask = BPFCOV_TWIN_COUNTER_TAG_MASK;
inline constexpr bool isTwinCounterWord(uint64_t Word) {
  return (Word & TwinCounterTagMask) == TwinCounterTag;
}
inline constexpr uint64_t MaxPerCpuRows = 4096;
/// Per-CPU rows hold a multiple of this many u64 (64 bytes).
inline constexpr uint64_t PerCpuRowAlign = 8;

} // namespace bpfcov

#endif // BPFCOV_NAMES_H

//===-- ProfRaw.h - The raw profile format ----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// LLVM's raw profile (.profraw) as bpfcov writes and reads it: the table of
// raw versions {version, LLVM majors, layout}, the magic and version-field
// constants, the writer (ProfRawInput -> bytes) and the readers of what a
// raw profile says (its version, its object names). No libbpf and no file
// I/O: bytes in, bytes out (gen.cpp and out.cpp do the I/O).
//
// USAGE:
//   ProfRawInput In;  // from parseCoverageMaps() (CoverageMaps.h)
//   if (writeProfRaw(In, Out, Err)) ... // Out: one raw profile, appended
//===----------------------------------------------------------------------===//
//
// The raw profile, as written here (little-endian; every section starts and
// ends 8-aligned). Field names and order are INSTR_PROF_RAW_HEADER and
// INSTR_PROF_DATA of llvm/include/llvm/ProfileData/InstrProfData.inc of the
// LLVM that produced the object; the version is a RUNTIME value taken from
// .rodata.covmap (CF_RawVersion), never INSTR_PROF_RAW_VERSION of a header.
//
//   raw version 8                          raw version 10
//   (the LLVMs of each: profRawVersions() in ProfRaw.cpp)
//   header: 11 x u64 = 88 bytes            header: 16 x u64 = 128 bytes
//   off  field                             off  field
//   0    Magic 0xff6c70726f667281          0    Magic
//   8    Version 8                         8    Version 10
//   16   BinaryIdsSize                     16   BinaryIdsSize
//   24   DataSize (records)                24   NumData (records)
//   32   PaddingBytesBeforeCounters 0      32   PaddingBytesBeforeCounters 0
//   40   CountersSize (u64 counters)       40   NumCounters (u64 counters)
//   48   PaddingBytesAfterCounters 0       48   PaddingBytesAfterCounters 0
//   56   NamesSize (bytes)                 56   NumBitmapBytes
//   64   CountersDelta                     64   PaddingBytesAfterBitmapBytes
//   72   NamesDelta 0                      72   NamesSize (bytes)
//   80   ValueKindLast 1                   80   CountersDelta
//                                          88   BitmapDelta
//                                          96   NamesDelta 0
//                                          104  NumVTables 0
//                                          112  VNamesSize 0
//                                          120  ValueKindLast 2
//
//   then, each section in this order, each a multiple of 8 bytes:
//   binary ids   BinaryIdsSize bytes: per id {u64 Len; u8 Id[Len]; zero
//                padding to 8}. bpfcov stores ONE id per profile: the object
//                name from .rodata.covmap (so `out` finds <name>.bpf.obj).
//   data         DataSize records (INSTR_PROF_DATA, RawInstrProf::ProfileData
//                <uint64_t>), 48 bytes (v8) or 64 (v10); "0" = always zero:
//                  off  v8                    off  v10
//                  0    NameRef u64           0    NameRef u64
//                  8    FuncHash u64          8    FuncHash u64
//                  16   CounterPtr u64        16   CounterPtr u64
//                  24   FunctionPointer 0     24   BitmapPtr u64
//                  32   Values 0              32   FunctionPointer 0
//                  40   NumCounters u32       40   Values 0
//                  44   NumValueSites u16[2]  48   NumCounters u32
//                                             52   NumValueSites u16[3]
//                                             58   (2 bytes padding)
//                                             60   NumBitmapBytes u32
//   counters     CountersSize x u64, gathered in record order
//   bitmap       v10 only: NumBitmapBytes bytes + padding to 8 (MC/DC)
//   names        NamesSize bytes: the __llvm_prf_nm blob verbatim (zlib or
//                not, as clang wrote it) + zero padding to 8
//   vtables      v10: NumVTables = VNamesSize = 0, so nothing
//   value data   nothing: every NumValueSites is 0
//
// Relative counter pointers (RawInstrProfReader::readRawCounts/advanceData):
// the reader takes a record's counters at byte offset
//     CounterPtr(record i) - (CountersDelta - i * sizeof(record))
// of the counters section, i.e. CountersDelta shrinks by one record size per
// record read. The runtime writes CountersDelta = &counters - &data; we do
// the same with the file layout (CountersDelta = size of the data section),
// so CounterPtr(i) = CountersDelta - i * RecordSize + CountersOffset(i).
// BitmapPtr/BitmapDelta (v10) follow the same rule.
//
// Bool counters (CovMapFlagByteCounters, LLVM 19+ single-byte coverage):
// the Version field also carries VARIANT_MASK_BYTE_COVERAGE (bit 60), and
// the counters section holds one byte per counter, 0 when its region ran
// and 0xFF when not (RawInstrProfReader::readRawCounts reads 0 as a count of
// 1), padded to 8 by PaddingBytesAfterCounters; NumCounters and CounterPtr
// count bytes.
//
// Several objects: one complete raw profile per object, concatenated in one
// file (each is a multiple of 8 bytes long). RawInstrProfReader reads the
// next header where a profile's value data ends (readNextHeader) and
// llvm-profdata merges all of them.
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_PROFRAW_H
#define BPFCOV_CLI_PROFRAW_H

#include <cstdint>
#include <string>
#include <vector>

namespace bpfcov {

/// INSTR_PROF_RAW_MAGIC_64: "\xfflprofr\x81" as a u64 (the raw profile is
/// in its producer's byte order; bpfcov writes little-endian).
inline constexpr uint64_t RawMagic64 = 0xff6c70726f667281ULL;
/// INSTR_PROF_RAW_MAGIC_32: "\xfflprofR\x81" as a u64 (32-bit producers).
inline constexpr uint64_t RawMagic32 = 0xff6c70726f665281ULL;
/// IndexedInstrProf::Magic, which reads "\xfflprofi\x81" on disk
/// (llvm-profdata's output, .profdata).
inline constexpr uint64_t IndexedMagic = 0x8169666f72706cffULL;

/// GET_VERSION() of InstrProfData.inc: the version field holds the format
/// version in its low 32 bits and variant flags (IR, CS, byte coverage,
/// ...) in the high ones.
inline constexpr uint64_t RawVersionMask = 0xffffffffULL;
/// VARIANT_MASK_BYTE_COVERAGE of InstrProfData.inc (LLVM 19 and 22): the
/// raw version's flag for one-byte counters.
inline constexpr uint64_t ProfRawVariantByteCoverage = 1ULL << 60;

/// The LLVM majors whose llvm-profdata reads one raw-profile version
/// (raw profiles are read only by the exact version that wrote them).
struct LLVMMajorRange {
  unsigned Min = 0; ///< 0: the version is unknown to bpfcov
  unsigned Max = 0; ///< 0 with Min != 0: "Min or later"
  bool isKnown() const { return Min != 0; }
  bool contains(unsigned Major) const {
    return Major >= Min && (Max == 0 || Major <= Max);
  }
  /// "LLVM 14-17", "LLVM 18", "LLVM 23 or later".
  std::string str() const;
};

/// The layout facts of one raw-profile version bpfcov writes and reads.
struct ProfRawLayout {
  uint64_t Version;         ///< INSTR_PROF_RAW_VERSION
  unsigned HeaderSize;      ///< bytes (8 x number of header fields)
  unsigned RecordSize;      ///< sizeof(RawInstrProf::ProfileData<uint64_t>)
  uint64_t ValueKindLast;   ///< IPVK_Last of that LLVM
  bool HasBitmap;           ///< BitmapPtr/NumBitmapBytes, bitmap section
  bool HasVTables;          ///< NumVTables/VNamesSize header fields
};

/// One row of the version table: a raw version, the LLVMs that write it,
/// and its layout when bpfcov writes it (null: known, not written).
struct ProfRawVersion {
  uint64_t Version;
  LLVMMajorRange Majors;
  const ProfRawLayout *Layout;
};
/// The table, oldest first (ProfRaw.cpp; LLVM 14's raw version 8 first).
const std::vector<ProfRawVersion> &profRawVersions();

/// Raw version -> LLVM majors (8 -> 14-17, 9 -> 18, 10 -> 19-22,
/// 11 -> 23 or later); unknown (Min 0) for any other.
LLVMMajorRange llvmMajorsForRawVersion(uint64_t RawVersion);
/// The layout of raw version \p Version, or null when bpfcov does not
/// write it.
const ProfRawLayout *getProfRawLayout(uint64_t Version);
/// "8 (LLVM 14-17), 10 (LLVM 19-22)": the versions bpfcov writes.
std::string supportedProfRawVersions();
/// "8: LLVM 14-17, 9: LLVM 18, 10: LLVM 19-22, 11: LLVM 23 or later": every
/// version the table knows, for help texts and messages.
std::string knownProfRawVersions();

/// True if \p Bytes starts like an indexed profile (.profdata).
bool isIndexedProfile(const std::string &Bytes);

/// Reads the format version (variant bits masked off) from the header of
/// the raw profile \p Bytes, in either byte order, 64- or 32-bit. Returns
/// 0, or -EINVAL when \p Bytes is not a raw profile.
int readRawProfileVersion(const std::string &Bytes, uint64_t &Version);

/// One instrumented function (one .rodata.profd record).
struct ProfRawFunction {
  uint64_t NameRef = 0;        ///< MD5 of the PGO function name
  uint64_t FuncHash = 0;       ///< CFG hash
  uint64_t CountersOffset = 0; ///< byte offset into ProfRawInput::Counters
  uint64_t NumCounters = 0;    ///< number of u64 counters (>= 1)
  uint64_t BitmapOffset = 0;   ///< byte offset into ProfRawInput::Bitmap
  uint64_t NumBitmapBytes = 0; ///< MC/DC bitmap bytes (0: none)
};

/// Everything one raw profile is written from.
struct ProfRawInput {
  uint64_t Version = 0;   ///< raw-profile version to write
  uint64_t LLVMMajor = 0; ///< LLVM major of the producer (informational)
  uint64_t Flags = 0;     ///< CovMapFlag* bits from .rodata.covmap
  /// Bool counters (CovMapFlagByteCounters): Counters holds 1 (hit) or 0.
  bool ByteCounters = false;
  std::vector<ProfRawFunction> Functions;
  std::vector<uint64_t> Counters; ///< the counters section
  std::vector<uint8_t> Bitmap;    ///< the bitmap section (v10)
  std::string Names;              ///< the __llvm_prf_nm blob
  std::string ObjectName;         ///< binary id of the profile ("" = none)
};

/// Counter totals of one object, for gen's summary.
struct ProfRawSummary {
  uint64_t Functions = 0;
  uint64_t Counters = 0;
  uint64_t Total = 0; ///< sum of all counters (saturating); bool: hit ones
  bool ByteCounters = false; ///< counts are hit (1) / not hit (0)
};
ProfRawSummary summarize(const ProfRawInput &In);

/// Appends one raw profile of version In.Version to \p Out (whose size must
/// be a multiple of 8, so concatenated profiles stay aligned). Returns 0, or
/// -EINVAL with a message in \p Err (and \p Out unchanged).
int writeProfRaw(const ProfRawInput &In, std::string &Out, std::string &Err);

/// The object names (binary ids) of the raw profiles concatenated in
/// \p Bytes, one per profile that has a printable one, in file order.
/// Returns 0, or -EINVAL with a message in \p Err when \p Bytes is not a
/// readable raw profile (names found before the damage are kept).
int readProfRawObjectNames(const std::string &Bytes,
                           std::vector<std::string> &Names, std::string &Err);
/// The version fields (with their variant flags) of the raw profiles
/// concatenated in \p Bytes, in file order; errors as above.
int readProfRawVersions(const std::string &Bytes,
                        std::vector<uint64_t> &Versions, std::string &Err);
/// Same as readProfRawObjectNames, ignoring errors.
std::vector<std::string> readProfRawObjectNames(const std::string &Bytes);

} // namespace bpfcov

#endif // BPFCOV_CLI_PROFRAW_H

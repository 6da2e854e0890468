//===-- ProfRaw.cpp - Pure .profraw writer for bpfcov gen -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The layout is documented in ProfRaw.h. parseCoverageMaps() checks what
// the kernel handed back (anything may be stale or corrupt) and gathers it;
// writeProfRaw() lays it out for one raw-profile version, which is data
// (ProfRawLayouts below), not a compile-time constant.
//
// USAGE: see ProfRaw.h; test/unit/ProfRawTest.cpp checks the bytes.
//===----------------------------------------------------------------------===//
#include "ProfRaw.h"

#include "bpfcov/Names.h"

#include <cerrno>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <limits>
#include <nettle/md5.h>
#include <set>
#include <zlib.h>

namespace bpfcov {

namespace {

/// Versions bpfcov writes. Sizes from InstrProfData.inc of LLVM 14 (v8) and
/// LLVM 19/22 (v10). v9 (LLVM 18 only) is not shipped by the distributions
/// we test on, so it is refused rather than written untested.
const ProfRawLayout ProfRawLayouts[] = {
    // Version, HeaderSize, RecordSize, ValueKindLast, Bitmap, VTables
    {8, 11 * 8, 48, 1, false, false, "LLVM 14-17"},
    {10, 16 * 8, 64, 2, true, true, "LLVM 19-22"},
};

uint64_t alignTo8(uint64_t N) { return (N + 7) & ~uint64_t(7); }

std::string format(const char *Fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char *Fmt, ...) {
  char Buf[512];
  va_list Ap;
  va_start(Ap, Fmt);
  std::vsnprintf(Buf, sizeof(Buf), Fmt, Ap);
  va_end(Ap);
  return Buf;
}

/// Host-order u64 at byte \p Off of \p S (the caller checked the bounds).
uint64_t loadU64(const std::string &S, size_t Off) {
  uint64_t V;
  std::memcpy(&V, S.data() + Off, sizeof(V));
  return V;
}

/// Little-endian u64 at byte \p Off of \p S (raw profiles we read back).
uint64_t loadLE64(const std::string &S, size_t Off) {
  uint64_t V = 0;
  for (unsigned I = 0; I < 8; ++I)
    V |= uint64_t(static_cast<uint8_t>(S[Off + I])) << (8 * I);
  return V;
}
uint32_t loadLE32(const std::string &S, size_t Off) {
  uint32_t V = 0;
  for (unsigned I = 0; I < 4; ++I)
    V |= uint32_t(static_cast<uint8_t>(S[Off + I])) << (8 * I);
  return V;
}

/// Appends little-endian integers: the raw profile is written the same on
/// every host (the reader byte-swaps by the magic when it has to).
struct LEWriter {
  std::string &Out;
  void u64(uint64_t V) {
    for (unsigned I = 0; I < 8; ++I)
      Out += static_cast<char>((V >> (8 * I)) & 0xff);
  }
  void u32(uint32_t V) {
    for (unsigned I = 0; I < 4; ++I)
      Out += static_cast<char>((V >> (8 * I)) & 0xff);
  }
  void u16(uint16_t V) {
    Out += static_cast<char>(V & 0xff);
    Out += static_cast<char>(V >> 8);
  }
  void bytes(const void *P, size_t N) {
    Out.append(static_cast<const char *>(P), N);
  }
  void padTo8() { Out.append(alignTo8(Out.size()) - Out.size(), '\0'); }
};

/// Reads a ULEB128 at \p Pos of \p S. Returns false past the end.
bool readULEB(const std::string &S, size_t &Pos, uint64_t &Out) {
  Out = 0;
  for (unsigned Shift = 0; Pos < S.size() && Shift < 64; Shift += 7) {
    auto Byte = static_cast<unsigned char>(S[Pos++]);
    Out |= uint64_t(Byte & 0x7f) << Shift;
    if (!(Byte & 0x80))
      return true;
  }
  return false;
}

/// The function names of an __llvm_prf_nm blob (InstrProf.cpp's
/// collectPGOFuncNameStrings): chunks of { ULEB128 uncompressed size,
/// ULEB128 compressed size (0: stored as is), bytes }, each holding names
/// separated by '\x01'; trailing zero bytes are padding. Returns 0, or
/// -EINVAL with \p Err.
int decodeNames(const std::string &Blob, std::vector<std::string> &Names,
                std::string &Err) {
  size_t Pos = 0;
  while (Pos < Blob.size() &&
         Blob.find_first_not_of('\0', Pos) != std::string::npos) {
    uint64_t Size, Compressed;
    if (!readULEB(Blob, Pos, Size) || !readULEB(Blob, Pos, Compressed) ||
        (Compressed ? Compressed : Size) > Blob.size() - Pos ||
        Size > (64u << 20)) {
      Err = "profn is not a name blob (bad chunk header)";
      return -EINVAL;
    }
    std::string Text;
    if (Compressed) {
      Text.resize(Size);
      uLongf Len = Size;
      if (uncompress(reinterpret_cast<Bytef *>(Text.data()), &Len,
                     reinterpret_cast<const Bytef *>(Blob.data() + Pos),
                     Compressed) != Z_OK ||
          Len != Size) {
        Err = "profn is not a name blob (its zlib data does not inflate)";
        return -EINVAL;
      }
      Pos += Compressed;
    } else {
      Text = Blob.substr(Pos, Size);
      Pos += Size;
    }
    for (size_t Start = 0; Start <= Text.size();) {
      size_t End = Text.find('\x01', Start);
      if (End == std::string::npos)
        End = Text.size();
      if (End > Start)
        Names.push_back(Text.substr(Start, End - Start));
      Start = End + 1;
    }
  }
  return 0;
}

/// llvm::MD5Hash: the low 64 bits (little-endian) of the name's MD5, the
/// NameRef of a function's profile record.
uint64_t md5NameRef(const std::string &Name) {
  md5_ctx Ctx;
  uint8_t Digest[MD5_DIGEST_SIZE];
  md5_init(&Ctx);
  md5_update(&Ctx, Name.size(), reinterpret_cast<const uint8_t *>(Name.data()));
  md5_digest(&Ctx, sizeof(Digest), Digest);
  uint64_t Ref = 0;
  for (int I = 7; I >= 0; --I)
    Ref = Ref << 8 | Digest[I];
  return Ref;
}

} // namespace

const ProfRawLayout *getProfRawLayout(uint64_t Version) {
  for (const ProfRawLayout &L : ProfRawLayouts)
    if (L.Version == Version)
      return &L;
  return nullptr;
}

std::string supportedProfRawVersions() {
  std::string S;
  for (const ProfRawLayout &L : ProfRawLayouts) {
    if (!S.empty())
      S += ", ";
    S += format("%" PRIu64 " (%s)", L.Version, L.LLVMVersions);
  }
  return S;
}

ProfRawSummary summarize(const ProfRawInput &In) {
  ProfRawSummary S;
  S.Functions = In.Functions.size();
  S.ByteCounters = In.ByteCounters;
  for (const ProfRawFunction &F : In.Functions) {
    S.Counters += F.NumCounters;
    uint64_t First = F.CountersOffset / 8;
    for (uint64_t I = 0; I < F.NumCounters && First + I < In.Counters.size();
         ++I) {
      uint64_t C = In.Counters[First + I];
      S.Total = C > std::numeric_limits<uint64_t>::max() - S.Total
                    ? std::numeric_limits<uint64_t>::max()
                    : S.Total + C;
    }
  }
  return S;
}

//===-- Reading the maps --------------------------------------------------===//

int parseCoverageMaps(const std::string &Profc, const std::string &Profd,
                      const std::string &Profn, const std::string &CovMap,
                      ProfRawInput &In, std::string &Err) {
  In = ProfRawInput();
  // STEP 1: bpfcov's own header tells what produced the object.
  if (CovMap.size() < CovMapSize) {
    Err = format("covmap is %zu bytes, expected %u", CovMap.size(), CovMapSize);
    return -EINVAL;
  }
  uint64_t Magic = loadU64(CovMap, CovMapFieldOffset[CF_Magic]);
  if (Magic != CovMapMagic) {
    Err = format("bad covmap magic 0x%016" PRIx64 " (expected 0x%016" PRIx64
                 "): not written by this version of the bpfcov pass",
                 Magic, CovMapMagic);
    return -EINVAL;
  }
  In.Version = loadU64(CovMap, CovMapFieldOffset[CF_RawVersion]);
  In.LLVMMajor = loadU64(CovMap, CovMapFieldOffset[CF_LLVMMajor]);
  In.Flags = loadU64(CovMap, CovMapFieldOffset[CF_Flags]);
  if (!getProfRawLayout(In.Version)) {
    Err = format("unsupported raw profile version %" PRIu64
                 " (object built with LLVM %" PRIu64 "): bpfcov writes %s",
                 In.Version, In.LLVMMajor, supportedProfRawVersions().c_str());
    return -EINVAL;
  }
  // Per-CPU counters: Rows rows of NumCounters per function, summed below.
  uint64_t Rows = 1;
  if (In.Flags & CovMapFlagPerCpu) {
    uint64_t Log2Rows = (In.Flags >> CovMapFlagPerCpuRowsShift) & 0xff;
    if (Log2Rows > 31 || (uint64_t(1) << Log2Rows) > MaxPerCpuRows) {
      Err = format("covmap flags 0x%" PRIx64 " give %s%" PRIu64
                   " per-CPU rows, at most %" PRIu64 " are supported",
                   In.Flags, Log2Rows > 31 ? "2^" : "",
                   Log2Rows > 31 ? Log2Rows : uint64_t(1) << Log2Rows,
                   MaxPerCpuRows);
      return -EINVAL;
    }
    Rows = uint64_t(1) << Log2Rows;
  }
  In.ByteCounters = In.Flags & CovMapFlagByteCounters;
  if (In.ByteCounters &&
      ((In.Flags & CovMapFlagPerCpu) || !getProfRawLayout(In.Version) ||
       !getProfRawLayout(In.Version)->HasBitmap)) {
    Err = format("covmap flags 0x%" PRIx64 " and raw version %" PRIu64
                 " do not go together: bool counters are never per-CPU and "
                 "need raw version 10 or later (LLVM 19+)",
                 In.Flags, In.Version);
    return -EINVAL;
  }
  // Bool counters are bytes; the others u64.
  const uint64_t CounterSize = In.ByteCounters ? 1 : 8;
  const char *Name = CovMap.data() + CovMapFieldOffset[CF_ObjectName];
  size_t NameLen = strnlen(Name, ObjectNameSize);
  if (NameLen == 0 || NameLen == ObjectNameSize) {
    Err = NameLen ? "object name in covmap is not NUL-terminated"
                  : "object name in covmap is empty";
    return -EINVAL;
  }
  In.ObjectName.assign(Name, NameLen);
  if (In.ObjectName.find('/') != std::string::npos || In.ObjectName == "." ||
      In.ObjectName == "..") {
    Err = format("object name '%s' in covmap is not a file name",
                 In.ObjectName.c_str());
    return -EINVAL;
  }

  // STEP 2: one record of DataRecordSize bytes per function.
  if (Profd.size() % DataRecordSize) {
    Err = format("profd is %zu bytes, not a multiple of the %u-byte record",
                 Profd.size(), DataRecordSize);
    return -EINVAL;
  }
  if (Profc.size() % CounterSize) {
    Err = format("profc is %zu bytes, not a multiple of 8", Profc.size());
    return -EINVAL;
  }
  size_t NumRecords = Profd.size() / DataRecordSize;
  for (size_t R = 0; R < NumRecords; ++R) {
    auto Field = [&](DataField F) {
      return loadU64(Profd, R * DataRecordSize + F * 8);
    };
    ProfRawFunction Fn;
    Fn.NameRef = Field(DF_NameRef);
    Fn.FuncHash = Field(DF_FuncHash);
    Fn.NumCounters = Field(DF_NumCounters);
    Fn.NumBitmapBytes = Field(DF_NumBitmapBytes);
    uint64_t CountersOff = Field(DF_CountersOffset);
    uint64_t BitmapOff = Field(DF_BitmapOffset);
    std::string Which =
        format("function %zu (name ref 0x%016" PRIx64 ")", R, Fn.NameRef);
    if (Fn.NumCounters == 0 || Fn.NumCounters > UINT32_MAX) {
      Err =
          format("%s has %" PRIu64 " counters", Which.c_str(), Fn.NumCounters);
      return -EINVAL;
    }
    // Per-CPU rows are padded to whole cache lines (Names.h).
    // NumCounters <= UINT32_MAX and Rows <= MaxPerCpuRows: no overflow.
    uint64_t Stride = (In.Flags & CovMapFlagPerCpu)
                          ? (Fn.NumCounters + PerCpuRowAlign - 1) /
                                PerCpuRowAlign * PerCpuRowAlign
                          : Fn.NumCounters;
    if (CountersOff % 8 || CountersOff > Profc.size() ||
        Stride * Rows > (Profc.size() - CountersOff) / CounterSize) {
      std::string RowsText =
          (In.Flags & CovMapFlagPerCpu)
              ? format(" in %" PRIu64 " per-CPU rows of %" PRIu64, Rows,
                       Stride)
              : "";
      Err = format("counters of %s (%" PRIu64 "%s at byte %" PRIu64
                   ") lie outside profc (%zu bytes)",
                   Which.c_str(), Fn.NumCounters, RowsText.c_str(),
                   CountersOff, Profc.size());
      return -EINVAL;
    }
    if (Fn.NumBitmapBytes > UINT32_MAX || BitmapOff > Profc.size() ||
        Fn.NumBitmapBytes > Profc.size() - BitmapOff) {
      Err = format("bitmap of %s (%" PRIu64 " bytes at byte %" PRIu64
                   ") lies outside profc (%zu bytes)",
                   Which.c_str(), Fn.NumBitmapBytes, BitmapOff, Profc.size());
      return -EINVAL;
    }
    if (Fn.NumBitmapBytes && !getProfRawLayout(In.Version)->HasBitmap) {
      Err = format("%s has an MC/DC bitmap, which raw version %" PRIu64
                   " cannot hold",
                   Which.c_str(), In.Version);
      return -EINVAL;
    }
    // Gather in record order: the sections written are exactly the
    // counters and bitmap bytes of the records, whatever else profc holds.
    // Per-CPU rows are summed (wrapping, like the counters themselves).
    Fn.CountersOffset = In.Counters.size() * 8;
    for (uint64_t I = 0; In.ByteCounters && I < Fn.NumCounters; ++I)
      In.Counters.push_back(Profc[CountersOff + I] == 0 ? 1 : 0);
    for (uint64_t I = 0; !In.ByteCounters && I < Fn.NumCounters; ++I) {
      uint64_t Sum = 0;
      for (uint64_t Row = 0; Row < Rows; ++Row)
        Sum += loadU64(Profc, CountersOff + (Row * Stride + I) * 8);
      In.Counters.push_back(Sum);
    }
    Fn.BitmapOffset = In.Bitmap.size();
    In.Bitmap.insert(In.Bitmap.end(), Profc.begin() + BitmapOff,
                     Profc.begin() + BitmapOff + Fn.NumBitmapBytes);
    In.Functions.push_back(Fn);
  }

  // STEP 3: the names blob goes into the profile verbatim, once every
  // record's NameRef is the MD5 of one of its names (llvm-profdata would
  // reject the profile later, as "malformed", without saying why).
  if (NumRecords && Profn.empty()) {
    Err = "profn is empty but profd has records";
    return -EINVAL;
  }
  std::vector<std::string> FnNames;
  if (int E = decodeNames(Profn, FnNames, Err))
    return E;
  std::set<uint64_t> Refs;
  for (const std::string &Name : FnNames)
    Refs.insert(md5NameRef(Name));
  for (size_t I = 0; I < In.Functions.size(); ++I)
    if (!Refs.count(In.Functions[I].NameRef)) {
      Err = format("function %zu (name ref 0x%016" PRIx64 ") has no name in "
                   "profn (%zu names): the names map is damaged or belongs "
                   "to another object",
                   I, In.Functions[I].NameRef, FnNames.size());
      return -EINVAL;
    }
  In.Names = Profn;
  return 0;
}

//===-- Writing the profile -----------------------------------------------===//

int writeProfRaw(const ProfRawInput &In, std::string &Out, std::string &Err) {
  const ProfRawLayout *L = getProfRawLayout(In.Version);
  if (!L) {
    Err =
        format("unsupported raw profile version %" PRIu64 ": bpfcov writes %s",
               In.Version, supportedProfRawVersions().c_str());
    return -EINVAL;
  }
  if (Out.size() % 8) {
    Err = "raw profiles must start 8-aligned";
    return -EINVAL;
  }
  for (size_t R = 0; R < In.Functions.size(); ++R) {
    const ProfRawFunction &F = In.Functions[R];
    if (F.NumCounters == 0 || F.NumCounters > UINT32_MAX ||
        F.CountersOffset % 8 || F.CountersOffset / 8 > In.Counters.size() ||
        F.NumCounters > In.Counters.size() - F.CountersOffset / 8) {
      Err = format("function %zu: %" PRIu64 " counters at byte %" PRIu64
                   " do not fit the %zu counters",
                   R, F.NumCounters, F.CountersOffset, In.Counters.size());
      return -EINVAL;
    }
    if (F.NumBitmapBytes && !L->HasBitmap) {
      Err = format("function %zu: raw version %" PRIu64 " has no MC/DC bitmap",
                   R, In.Version);
      return -EINVAL;
    }
    if (F.NumBitmapBytes > UINT32_MAX || F.BitmapOffset > In.Bitmap.size() ||
        F.NumBitmapBytes > In.Bitmap.size() - F.BitmapOffset) {
      Err = format("function %zu: %" PRIu64 " bitmap bytes at byte %" PRIu64
                   " do not fit the %zu bitmap bytes",
                   R, F.NumBitmapBytes, F.BitmapOffset, In.Bitmap.size());
      return -EINVAL;
    }
  }
  if (!L->HasBitmap && !In.Bitmap.empty()) {
    Err = format("raw version %" PRIu64 " has no MC/DC bitmap section",
                 In.Version);
    return -EINVAL;
  }

  // Section sizes, in file order.
  const uint64_t NumData = In.Functions.size();
  const uint64_t BinaryIdsSize =
      In.ObjectName.empty() ? 0 : 8 + alignTo8(In.ObjectName.size());
  const uint64_t DataBytes = NumData * L->RecordSize;
  // Bool counters: one byte each, then padding to 8 (ProfRaw.h).
  const uint64_t CounterSize = In.ByteCounters ? 1 : 8;
  if (In.ByteCounters && !L->HasBitmap) {
    Err = format("raw version %" PRIu64 " has no one-byte counters",
                 In.Version);
    return -EINVAL;
  }
  const uint64_t CountersBytes = In.Counters.size() * CounterSize;
  const uint64_t PaddingAfterCounters =
      alignTo8(CountersBytes) - CountersBytes;
  const uint64_t BitmapBytes = In.Bitmap.size();
  const uint64_t PaddingAfterBitmap = alignTo8(BitmapBytes) - BitmapBytes;
  // As the runtime computes them, with the file standing in for memory:
  // &counters - &data and &bitmap - &data (ProfRaw.h).
  const uint64_t CountersDelta = DataBytes;
  const uint64_t BitmapDelta = DataBytes + CountersBytes + PaddingAfterCounters;

  std::string Buf;
  LEWriter W{Buf};
  // INSTR_PROF_RAW_HEADER, in the order of that version's InstrProfData.inc.
  W.u64(ProfRawMagic64);
  W.u64(In.Version | (In.ByteCounters ? ProfRawVariantByteCoverage : 0));
  W.u64(BinaryIdsSize);
  W.u64(NumData);            // DataSize / NumData
  W.u64(0);                  // PaddingBytesBeforeCounters
  W.u64(In.Counters.size()); // CountersSize / NumCounters
  W.u64(PaddingAfterCounters); // PaddingBytesAfterCounters
  if (L->HasBitmap) {
    W.u64(BitmapBytes);        // NumBitmapBytes
    W.u64(PaddingAfterBitmap); // PaddingBytesAfterBitmapBytes
  }
  W.u64(In.Names.size()); // NamesSize
  W.u64(CountersDelta);
  if (L->HasBitmap)
    W.u64(BitmapDelta);
  W.u64(0); // NamesDelta: no function pointers to map
  if (L->HasVTables) {
    W.u64(0); // NumVTables
    W.u64(0); // VNamesSize
  }
  W.u64(L->ValueKindLast);
  if (Buf.size() != L->HeaderSize) {
    Err = "internal error: raw header size mismatch";
    return -EINVAL;
  }

  // Binary ids: {u64 Len; Id; padding}.
  if (BinaryIdsSize) {
    W.u64(In.ObjectName.size());
    W.bytes(In.ObjectName.data(), In.ObjectName.size());
    W.padTo8();
  }

  // INSTR_PROF_DATA records.
  for (uint64_t R = 0; R < NumData; ++R) {
    const ProfRawFunction &F = In.Functions[R];
    size_t Start = Buf.size();
    const uint64_t Shift = R * L->RecordSize; // advanceData()'s decrement
    W.u64(F.NameRef);
    W.u64(F.FuncHash);
    W.u64(CountersDelta - Shift +
          F.CountersOffset / 8 * CounterSize); // CounterPtr
    if (L->HasBitmap)
      W.u64(BitmapDelta - Shift + F.BitmapOffset); // BitmapPtr
    W.u64(0);                                      // FunctionPointer
    W.u64(0);                                      // Values
    W.u32(static_cast<uint32_t>(F.NumCounters));
    for (uint64_t K = 0; K <= L->ValueKindLast; ++K)
      W.u16(0); // NumValueSites[K]
    if (L->HasBitmap) {
      // NumBitmapBytes is a u32: 4-aligned after the u16 array.
      Buf.append((4 - (Buf.size() - Start) % 4) % 4, '\0');
      W.u32(static_cast<uint32_t>(F.NumBitmapBytes));
    }
    Buf.append(Start + L->RecordSize - Buf.size(), '\0');
  }

  for (uint64_t C : In.Counters) {
    if (In.ByteCounters)
      Buf += static_cast<char>(C ? 0 : 0xff); // 0: the region ran
    else
      W.u64(C);
  }
  W.padTo8(); // PaddingBytesAfterCounters
  if (L->HasBitmap) {
    W.bytes(In.Bitmap.data(), In.Bitmap.size());
    W.padTo8();
  }
  W.bytes(In.Names.data(), In.Names.size());
  W.padTo8();
  Out += Buf;
  return 0;
}

//===-- Reading object names back (for `out`) -----------------------------===//

namespace {
/// Walks the raw profiles concatenated in \p Bytes, collecting each one's
/// object names and version field (with its variant flags).
int walkProfRaws(const std::string &Bytes, std::vector<std::string> &Names,
                 std::vector<uint64_t> &Versions, std::string &Err) {
  size_t Pos = 0;
  while (true) {
    // RawInstrProfReader::readNextHeader skips zero padding between
    // profiles.
    while (Pos < Bytes.size() && Bytes[Pos] == 0)
      ++Pos;
    if (Pos == Bytes.size())
      return 0;
    if (Pos % 8 || Bytes.size() - Pos < 16 ||
        loadLE64(Bytes, Pos) != ProfRawMagic64) {
      Err = format("no raw profile header at byte %zu", Pos);
      return -EINVAL;
    }
    // GET_VERSION: variant flags live in the top bits (8 of them in v8,
    // 32 in v10); the versions themselves are small.
    uint64_t VersionField = loadLE64(Bytes, Pos + 8);
    uint64_t Version = VersionField & 0xffffffffULL;
    const ProfRawLayout *L = getProfRawLayout(Version);
    if (!L) {
      Err =
          format("raw profile version %" PRIu64 " at byte %zu: bpfcov reads %s",
                 Version, Pos, supportedProfRawVersions().c_str());
      return -EINVAL;
    }
    if (Bytes.size() - Pos < L->HeaderSize) {
      Err = format("truncated raw profile header at byte %zu", Pos);
      return -EINVAL;
    }
    unsigned F = 2;
    auto Next = [&] { return loadLE64(Bytes, Pos + 8 * F++); };
    uint64_t BinaryIdsSize = Next();
    uint64_t NumData = Next();
    uint64_t PadBeforeCounters = Next();
    uint64_t NumCounters = Next();
    uint64_t PadAfterCounters = Next();
    uint64_t NumBitmapBytes = 0, PadAfterBitmap = 0;
    if (L->HasBitmap) {
      NumBitmapBytes = Next();
      PadAfterBitmap = Next();
    }
    uint64_t NamesSize = Next();
    Versions.push_back(VersionField);
    const uint64_t CounterSize =
        VersionField & ProfRawVariantByteCoverage ? 1 : 8;
    Next(); // CountersDelta
    if (L->HasBitmap)
      Next(); // BitmapDelta
    Next();   // NamesDelta
    uint64_t NumVTables = 0, VNamesSize = 0;
    if (L->HasVTables) {
      NumVTables = Next();
      VNamesSize = Next();
    }
    // Sizes as RawInstrProfReader::readHeader computes them; each term is
    // bounded so the sum cannot wrap.
    const uint64_t Limit = Bytes.size();
    uint64_t Terms[] = {
        BinaryIdsSize, NumData > Limit ? Limit + 1 : NumData * L->RecordSize,
        PadBeforeCounters, NumCounters > Limit ? Limit + 1 : NumCounters * CounterSize,
        PadAfterCounters, NumBitmapBytes, PadAfterBitmap, alignTo8(NamesSize),
        // VTableProfileData<u64>: u64, u64, u32 -> 24 bytes.
        NumVTables > Limit ? Limit + 1 : NumVTables * 24, alignTo8(VNamesSize)};
    uint64_t End = Pos + L->HeaderSize;
    for (uint64_t T : Terms) {
      if (T > Limit || End + T > Limit) {
        Err = format("truncated raw profile at byte %zu", Pos);
        return -EINVAL;
      }
      End += T;
    }
    // Binary ids right after the header.
    size_t BI = Pos + L->HeaderSize, BIEnd = BI + BinaryIdsSize;
    while (BI < BIEnd) {
      if (BIEnd - BI < 8) {
        Err = format("malformed binary id at byte %zu", BI);
        return -EINVAL;
      }
      uint64_t Len = loadLE64(Bytes, BI);
      BI += 8;
      if (Len == 0 || Len > BIEnd - BI) {
        Err = format("malformed binary id at byte %zu", BI - 8);
        return -EINVAL;
      }
      std::string Id = Bytes.substr(BI, Len);
      bool Printable = true;
      for (unsigned char C : Id)
        Printable &= C >= 0x20 && C < 0x7f && C != '/';
      if (Printable)
        Names.push_back(Id);
      BI += alignTo8(Len);
    }
    // Value data: one ValueProfData {u32 TotalSize; ...} per record with
    // value sites (clang's own profiles have them; ours never do).
    size_t DataPos = Pos + L->HeaderSize + BinaryIdsSize;
    size_t SitesOff = L->HasBitmap ? 52 : 44;
    for (uint64_t R = 0; R < NumData; ++R) {
      size_t Rec = DataPos + R * L->RecordSize;
      bool HasValues = false;
      for (uint64_t K = 0; K <= L->ValueKindLast; ++K)
        HasValues |=
            Bytes[Rec + SitesOff + 2 * K] || Bytes[Rec + SitesOff + 2 * K + 1];
      if (!HasValues)
        continue;
      if (End + 4 > Limit) {
        Err = format("truncated value data at byte %" PRIu64, End);
        return -EINVAL;
      }
      uint32_t Size = loadLE32(Bytes, End);
      if (Size < 8 || Size % 8 || End + Size > Limit) {
        Err = format("malformed value data at byte %" PRIu64, End);
        return -EINVAL;
      }
      End += Size;
    }
    Pos = End;
  }
}

} // namespace

int readProfRawObjectNames(const std::string &Bytes,
                           std::vector<std::string> &Names, std::string &Err) {
  std::vector<uint64_t> Versions;
  return walkProfRaws(Bytes, Names, Versions, Err);
}

int readProfRawVersions(const std::string &Bytes,
                        std::vector<uint64_t> &Versions, std::string &Err) {
  std::vector<std::string> Names;
  return walkProfRaws(Bytes, Names, Versions, Err);
}

std::vector<std::string> readProfRawObjectNames(const std::string &Bytes) {
  std::vector<std::string> Names;
  std::string Err;
  readProfRawObjectNames(Bytes, Names, Err);
  return Names;
}

} // namespace bpfcov

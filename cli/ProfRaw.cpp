//===-- ProfRaw.cpp - The raw profile format ------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The layout is documented in ProfRaw.h. The version table below is the
// one place that knows which LLVM writes which raw version and how each is
// laid out; writeProfRaw() lays a profile out for one of them, and the
// readers walk what any producer wrote, in either byte order.
//
// USAGE: see ProfRaw.h; test/unit/ProfRawTest.cpp checks the bytes.
//===----------------------------------------------------------------------===//
#include "ProfRaw.h"

#include "Diag.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <limits>

namespace bpfcov {

namespace {

/// The layouts bpfcov writes. Sizes from InstrProfData.inc of LLVM 14 (v8)
/// and LLVM 19/22 (v10).
//                            Version, HeaderSize, RecordSize, ValueKindLast,
//                            Bitmap, VTables
const ProfRawLayout LayoutV8 = {8, 11 * 8, 48, 1, false, false};
const ProfRawLayout LayoutV10 = {10, 16 * 8, 64, 2, true, true};

uint64_t alignTo8(uint64_t N) { return (N + 7) & ~uint64_t(7); }

/// The \p Bytes-byte integer at \p Off of a raw profile, little-endian or,
/// from a big-endian producer, big-endian (the caller checked the bounds).
uint64_t loadRaw(const std::string &S, size_t Off, unsigned Bytes,
                 bool BigEndian) {
  uint64_t V = 0;
  for (unsigned I = 0; I < Bytes; ++I) {
    unsigned Shift = 8 * (BigEndian ? Bytes - 1 - I : I);
    V |= uint64_t(static_cast<uint8_t>(S[Off + I])) << Shift;
  }
  return V;
}

/// The start of a raw profile header: magic and version field.
struct RawStart {
  bool BigEndian = false;
  bool Is32 = false;         ///< INSTR_PROF_RAW_MAGIC_32: a 32-bit producer
  uint64_t VersionField = 0; ///< with its variant flags
  uint64_t version() const { return VersionField & RawVersionMask; }
};

/// Reads the magic and version at \p Pos of \p S. False when there is no
/// raw-profile magic there (or not 16 bytes).
bool readRawStart(const std::string &S, size_t Pos, RawStart &H) {
  if (Pos > S.size() || S.size() - Pos < 16)
    return false;
  uint64_t Magic = loadRaw(S, Pos, 8, /*BigEndian=*/false);
  H.BigEndian = Magic == __builtin_bswap64(RawMagic64) ||
                Magic == __builtin_bswap64(RawMagic32);
  if (H.BigEndian)
    Magic = __builtin_bswap64(Magic);
  if (Magic != RawMagic64 && Magic != RawMagic32)
    return false;
  H.Is32 = Magic == RawMagic32;
  H.VersionField = loadRaw(S, Pos + 8, 8, H.BigEndian);
  return true;
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

} // namespace

const std::vector<ProfRawVersion> &profRawVersions() {
  // From each release's InstrProfData.inc (INSTR_PROF_RAW_VERSION):
  //   8: LLVM 14..17 (relative counter pointers, binary IDs)
  //   9: LLVM 18     (MC/DC bitmap bytes in the header and records); not
  //                  shipped by the distributions we test on, so refused
  //                  rather than written untested
  //  10: LLVM 19..22 (vtable names and records for type profiling)
  //  11: LLVM 23..   (uniform counters)
  static const std::vector<ProfRawVersion> Table = {
      {8, {14, 17}, &LayoutV8},
      {9, {18, 18}, nullptr},
      {10, {19, 22}, &LayoutV10},
      {11, {23, 0}, nullptr},
  };
  return Table;
}

static const ProfRawVersion *findProfRawVersion(uint64_t Version) {
  for (const ProfRawVersion &V : profRawVersions())
    if (V.Version == Version)
      return &V;
  return nullptr;
}

std::string LLVMMajorRange::str() const {
  if (!isKnown())
    return "an unknown LLVM";
  std::string S = "LLVM " + std::to_string(Min);
  if (Max == 0)
    return S + " or later";
  if (Max != Min)
    S += "-" + std::to_string(Max);
  return S;
}

LLVMMajorRange llvmMajorsForRawVersion(uint64_t RawVersion) {
  const ProfRawVersion *V = findProfRawVersion(RawVersion);
  return V ? V->Majors : LLVMMajorRange();
}

const ProfRawLayout *getProfRawLayout(uint64_t Version) {
  const ProfRawVersion *V = findProfRawVersion(Version);
  return V ? V->Layout : nullptr;
}

std::string supportedProfRawVersions() {
  std::string S;
  for (const ProfRawVersion &V : profRawVersions())
    if (V.Layout)
      S += (S.empty() ? "" : ", ") + std::to_string(V.Version) + " (" +
           V.Majors.str() + ")";
  return S;
}

std::string knownProfRawVersions() {
  std::string S;
  for (const ProfRawVersion &V : profRawVersions())
    S += (S.empty() ? "" : ", ") + std::to_string(V.Version) + ": " +
         V.Majors.str();
  return S;
}

bool isIndexedProfile(const std::string &Bytes) {
  return Bytes.size() >= 8 && loadRaw(Bytes, 0, 8, false) == IndexedMagic;
}

int readRawProfileVersion(const std::string &Bytes, uint64_t &Version) {
  RawStart H;
  if (!readRawStart(Bytes, 0, H))
    return -EINVAL;
  Version = H.version();
  return 0;
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

//===-- Writing the profile -----------------------------------------------===//

int writeProfRaw(const ProfRawInput &In, std::string &Out, std::string &Err) {
  const ProfRawLayout *L = getProfRawLayout(In.Version);
  if (!L) {
    Err = strFormat("unsupported raw profile version %" PRIu64
                    ": bpfcov writes %s",
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
      Err = strFormat("function %zu: %" PRIu64 " counters at byte %" PRIu64
                      " do not fit the %zu counters",
                      R, F.NumCounters, F.CountersOffset, In.Counters.size());
      return -EINVAL;
    }
    if (F.NumBitmapBytes && !L->HasBitmap) {
      Err =
          strFormat("function %zu: raw version %" PRIu64 " has no MC/DC bitmap",
                    R, In.Version);
      return -EINVAL;
    }
    if (F.NumBitmapBytes > UINT32_MAX || F.BitmapOffset > In.Bitmap.size() ||
        F.NumBitmapBytes > In.Bitmap.size() - F.BitmapOffset) {
      Err = strFormat("function %zu: %" PRIu64 " bitmap bytes at byte %" PRIu64
                      " do not fit the %zu bitmap bytes",
                      R, F.NumBitmapBytes, F.BitmapOffset, In.Bitmap.size());
      return -EINVAL;
    }
  }
  if (!L->HasBitmap && !In.Bitmap.empty()) {
    Err = strFormat("raw version %" PRIu64 " has no MC/DC bitmap section",
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
    Err = strFormat("raw version %" PRIu64 " has no one-byte counters",
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
  W.u64(RawMagic64);
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
    RawStart H;
    if (Pos % 8 || !readRawStart(Bytes, Pos, H)) {
      Err = strFormat("no raw profile header at byte %zu", Pos);
      return -EINVAL;
    }
    if (H.Is32) {
      Err =
          strFormat("32-bit raw profile at byte %zu: bpfcov reads the records "
                    "of 64-bit producers only",
                    Pos);
      return -EINVAL;
    }
    uint64_t VersionField = H.VersionField;
    uint64_t Version = H.version();
    const ProfRawLayout *L = getProfRawLayout(Version);
    if (!L) {
      Err = strFormat("raw profile version %" PRIu64
                      " at byte %zu: bpfcov reads %s",
                      Version, Pos, supportedProfRawVersions().c_str());
      return -EINVAL;
    }
    if (Bytes.size() - Pos < L->HeaderSize) {
      Err = strFormat("truncated raw profile header at byte %zu", Pos);
      return -EINVAL;
    }
    unsigned F = 2;
    auto Next = [&] { return loadRaw(Bytes, Pos + 8 * F++, 8, H.BigEndian); };
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
        Err = strFormat("truncated raw profile at byte %zu", Pos);
        return -EINVAL;
      }
      End += T;
    }
    // Binary ids right after the header.
    size_t BI = Pos + L->HeaderSize, BIEnd = BI + BinaryIdsSize;
    while (BI < BIEnd) {
      if (BIEnd - BI < 8) {
        Err = strFormat("malformed binary id at byte %zu", BI);
        return -EINVAL;
      }
      uint64_t Len = loadRaw(Bytes, BI, 8, H.BigEndian);
      BI += 8;
      if (Len == 0 || Len > BIEnd - BI) {
        Err = strFormat("malformed binary id at byte %zu", BI - 8);
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
        Err = strFormat("truncated value data at byte %" PRIu64, End);
        return -EINVAL;
      }
      uint64_t Size = loadRaw(Bytes, End, 4, H.BigEndian);
      if (Size < 8 || Size % 8 || End + Size > Limit) {
        Err = strFormat("malformed value data at byte %" PRIu64, End);
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

//===-- CoverageMaps.cpp - bpfcov's four maps -> a raw profile's input ----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See CoverageMaps.h. Everything read here comes from the kernel (or a
// dump) and may be stale or corrupt: each field is checked before use.
//===----------------------------------------------------------------------===//
#include "CoverageMaps.h"

#include "Diag.h"

#include "bpfcov/Names.h"

#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <nettle/md5.h>
#include <map>
#include <set>
#include <zlib.h>

namespace bpfcov {

namespace {

/// Host-order u64 at byte \p Off of \p S (the maps, as the kernel hands
/// them back; the caller checked the bounds).
uint64_t loadU64(const std::string &S, size_t Off) {
  uint64_t V;
  std::memcpy(&V, S.data() + Off, sizeof(V));
  return V;
}

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

//===-- Reading the maps --------------------------------------------------===//

int parseCoverageMaps(const std::string &Profc, const std::string &Profd,
                      const std::string &Profn, const std::string &CovMap,
                      ProfRawInput &In, std::string &Err) {
  In = ProfRawInput();
  // STEP 1: bpfcov's own header tells what produced the object.
  if (CovMap.size() < CovMapSize) {
    Err = strFormat("covmap is %zu bytes, expected %u", CovMap.size(),
                    CovMapSize);
    return -EINVAL;
  }
  uint64_t Magic = loadU64(CovMap, CovMapFieldOffset[CF_Magic]);
  if (Magic != CovMapMagic) {
    Err = strFormat("bad covmap magic 0x%016" PRIx64 " (expected 0x%016" PRIx64
                    "): not written by this version of the bpfcov pass",
                    Magic, CovMapMagic);
    return -EINVAL;
  }
  In.Version = loadU64(CovMap, CovMapFieldOffset[CF_RawVersion]);
  In.LLVMMajor = loadU64(CovMap, CovMapFieldOffset[CF_LLVMMajor]);
  In.Flags = loadU64(CovMap, CovMapFieldOffset[CF_Flags]);
  if (!getProfRawLayout(In.Version)) {
    Err =
        strFormat("unsupported raw profile version %" PRIu64
                  " (object built with LLVM %" PRIu64 "): bpfcov writes %s",
                  In.Version, In.LLVMMajor, supportedProfRawVersions().c_str());
    return -EINVAL;
  }
  // Per-CPU counters: Rows rows of NumCounters per function, summed below.
  uint64_t Rows = 1;
  if (In.Flags & CovMapFlagPerCpu) {
    uint64_t Log2Rows = (In.Flags >> CovMapFlagPerCpuRowsShift) & 0xff;
    if (Log2Rows > 31 || (uint64_t(1) << Log2Rows) > MaxPerCpuRows) {
      Err = strFormat("covmap flags 0x%" PRIx64 " give %s%" PRIu64
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
    Err = strFormat("covmap flags 0x%" PRIx64 " and raw version %" PRIu64
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
    Err = strFormat("object name '%s' in covmap is not a file name",
                    In.ObjectName.c_str());
    return -EINVAL;
  }

  // STEP 2: one record of DataRecordSize bytes per function.
  if (Profd.size() % DataRecordSize) {
    Err = strFormat("profd is %zu bytes, not a multiple of the %u-byte record",
                    Profd.size(), DataRecordSize);
    return -EINVAL;
  }
  if (Profc.size() % CounterSize) {
    Err = strFormat("profc is %zu bytes, not a multiple of 8", Profc.size());
    return -EINVAL;
  }
  size_t NumRecords = Profd.size() / DataRecordSize;
  // Twin counters (Names.h): each twin's index in In.Counters and the profc
  // byte offset of the counter it shares; every counter's index by offset.
  const bool HasTwins =
      !In.ByteCounters && (In.Flags & CovMapFlagTwinCounters);
  std::vector<std::pair<size_t, uint64_t>> Twins;
  std::map<uint64_t, size_t> IndexAt;
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
        strFormat("function %zu (name ref 0x%016" PRIx64 ")", R, Fn.NameRef);
    if (Fn.NumCounters == 0 || Fn.NumCounters > UINT32_MAX) {
      Err = strFormat("%s has %" PRIu64 " counters", Which.c_str(),
                      Fn.NumCounters);
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
              ? strFormat(" in %" PRIu64 " per-CPU rows of %" PRIu64, Rows,
                          Stride)
              : "";
      Err = strFormat("counters of %s (%" PRIu64 "%s at byte %" PRIu64
                      ") lie outside profc (%zu bytes)",
                      Which.c_str(), Fn.NumCounters, RowsText.c_str(),
                      CountersOff, Profc.size());
      return -EINVAL;
    }
    if (Fn.NumBitmapBytes > UINT32_MAX || BitmapOff > Profc.size() ||
        Fn.NumBitmapBytes > Profc.size() - BitmapOff) {
      Err =
          strFormat("bitmap of %s (%" PRIu64 " bytes at byte %" PRIu64
                    ") lies outside profc (%zu bytes)",
                    Which.c_str(), Fn.NumBitmapBytes, BitmapOff, Profc.size());
      return -EINVAL;
    }
    if (Fn.NumBitmapBytes && !getProfRawLayout(In.Version)->HasBitmap) {
      Err = strFormat("%s has an MC/DC bitmap, which raw version %" PRIu64
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
      uint64_t Word = loadU64(Profc, CountersOff + I * 8);
      IndexAt[CountersOff + I * 8] = In.Counters.size();
      if (HasTwins && isTwinCounterWord(Word)) {
        Twins.push_back({In.Counters.size(), Word & ~TwinCounterTagMask});
        In.Counters.push_back(0);
        continue;
      }
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

  // A twin's count is the count of the counter it shares.
  for (auto [Index, Target] : Twins) {
    auto It = IndexAt.find(Target);
    if (It == IndexAt.end() || isTwinCounterWord(loadU64(Profc, Target))) {
      Err = strFormat("counter %zu shares the count of the counter at byte "
                      "%" PRIu64 " of profc, which is %s: the counters map is "
                      "damaged or belongs to another object",
                      Index, Target,
                      It == IndexAt.end() ? "no record's counter"
                                          : "a twin itself");
      return -EINVAL;
    }
    In.Counters[Index] = In.Counters[It->second];
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
      Err = strFormat("function %zu (name ref 0x%016" PRIx64 ") has no name in "
                      "profn (%zu names): the names map is damaged or belongs "
                      "to another object",
                      I, In.Functions[I].NameRef, FnNames.size());
      return -EINVAL;
    }
  In.Names = Profn;
  return 0;
}

bool readCovMapObjectName(const unsigned char *Value, size_t Size,
                          std::string &Object) {
  if (Size < CovMapSize)
    return false;
  uint64_t Magic;
  std::memcpy(&Magic, Value + CovMapFieldOffset[CF_Magic], sizeof(Magic));
  if (Magic != CovMapMagic)
    return false;
  const char *NameBytes =
      reinterpret_cast<const char *>(Value + CovMapFieldOffset[CF_ObjectName]);
  Object.assign(NameBytes, strnlen(NameBytes, ObjectNameSize));
  return true;
}

} // namespace bpfcov

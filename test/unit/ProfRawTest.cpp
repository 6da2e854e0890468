//===-- ProfRawTest.cpp - Golden bytes of the .profraw writer -------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Checks writeProfRaw() byte for byte against small golden files (each with
// a readable description beside it, printed by an independent decoder in
// this file), the relative-counter-pointer rule, padding, binary ids,
// concatenation, parseCoverageMaps() validation, and that every installed
// llvm-profdata reads the exact counters of a synthetic profile.
//
// USAGE: build-*/test/unit/bpfcov_unit_tests --gtest_filter='ProfRaw*'
//        BPFCOV_UPDATE_GOLDEN=1 ... rewrites test/unit/Inputs/*.profraw|txt
//        and fails, so that an update can never pass as a test run
//===----------------------------------------------------------------------===//
#include "CoverageMaps.h"
#include "ProfRaw.h"

#include "bpfcov/Names.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace bpfcov;

namespace {

//===-- Synthetic input ---------------------------------------------------===//

// NameRef = first 8 bytes of MD5(name), little-endian (IndexedInstrProf::
// ComputeHash), computed with python3 hashlib.
constexpr uint64_t AlphaRef = 0xbf5f3091a343172cULL;
constexpr uint64_t BetaRef = 0xb29e921bb0ca7b98ULL;

/// __llvm_prf_nm, uncompressed: ULEB128(10) ULEB128(0) "alpha\1beta".
std::string namesBlob() {
  return std::string("\x0a\x00"
                     "alpha\x01"
                     "beta",
                     12);
}

/// alpha: 3 counters {5, 2, 1}; beta: 1 counter {42}.
ProfRawInput twoFunctions(uint64_t Version) {
  ProfRawInput In;
  In.Version = Version;
  In.Functions.push_back({AlphaRef, 0x1111, 0, 3, 0, 0});
  In.Functions.push_back({BetaRef, 0x2222, 24, 1, 0, 0});
  In.Counters = {5, 2, 1, 42};
  In.Names = namesBlob();
  In.ObjectName = "obj";
  return In;
}

/// Same, v10, where beta has a 3-byte MC/DC bitmap {0x01, 0x80, 0x05}.
ProfRawInput twoFunctionsMCDC() {
  ProfRawInput In = twoFunctions(10);
  In.Functions[1].NumBitmapBytes = 3;
  In.Bitmap = {0x01, 0x80, 0x05};
  return In;
}

//===-- An independent decoder (the reader's rules, not the writer's) -----===//

uint64_t le64(const std::string &S, size_t Off) {
  uint64_t V = 0;
  for (unsigned I = 0; I < 8; ++I)
    V |= uint64_t(uint8_t(S.at(Off + I))) << (8 * I);
  return V;
}
uint64_t le32(const std::string &S, size_t Off) {
  return le64(S.substr(Off, 4) + std::string(4, '\0'), 0);
}
uint64_t le16(const std::string &S, size_t Off) {
  return le64(S.substr(Off, 2) + std::string(6, '\0'), 0);
}

std::string hex(uint64_t V) {
  char Buf[32];
  std::snprintf(Buf, sizeof(Buf), "0x%llx", (unsigned long long)V);
  return Buf;
}

std::string hexBytes(const std::string &S) {
  std::string Out;
  for (unsigned char C : S) {
    char Buf[4];
    std::snprintf(Buf, sizeof(Buf), "%s%02x", Out.empty() ? "" : " ", C);
    Out += Buf;
  }
  return Out;
}

/// INSTR_PROF_RAW_HEADER field names per version (InstrProfData.inc).
std::vector<std::string> headerFields(uint64_t Version) {
  if (Version == 8)
    return {"Magic",
            "Version",
            "BinaryIdsSize",
            "DataSize",
            "PaddingBytesBeforeCounters",
            "CountersSize",
            "PaddingBytesAfterCounters",
            "NamesSize",
            "CountersDelta",
            "NamesDelta",
            "ValueKindLast"};
  return {"Magic",
          "Version",
          "BinaryIdsSize",
          "NumData",
          "PaddingBytesBeforeCounters",
          "NumCounters",
          "PaddingBytesAfterCounters",
          "NumBitmapBytes",
          "PaddingBytesAfterBitmapBytes",
          "NamesSize",
          "CountersDelta",
          "BitmapDelta",
          "NamesDelta",
          "NumVTables",
          "VNamesSize",
          "ValueKindLast"};
}

/// Prints every field of every profile in \p S, resolving counter and
/// bitmap pointers as RawInstrProfReader does (delta shrinking by one
/// record per record). Used for the golden .txt files.
std::string describe(const std::string &S) {
  std::ostringstream OS;
  size_t Pos = 0;
  for (unsigned P = 0; Pos < S.size(); ++P) {
    uint64_t Version = le64(S, Pos + 8);
    bool V10 = Version == 10;
    std::vector<std::string> Names = headerFields(Version);
    std::map<std::string, uint64_t> H;
    OS << "# profile " << P << " at byte " << Pos << "\n";
    for (size_t I = 0; I < Names.size(); ++I) {
      H[Names[I]] = le64(S, Pos + 8 * I);
      OS << "header+" << 8 * I << " " << Names[I] << " = "
         << (I == 0 ? hex(H[Names[I]]) : std::to_string(H[Names[I]])) << "\n";
    }
    size_t At = Pos + 8 * Names.size();
    size_t BIEnd = At + H["BinaryIdsSize"];
    while (At < BIEnd) {
      uint64_t Len = le64(S, At);
      OS << "binary id at " << At << ": len " << Len << " \""
         << S.substr(At + 8, Len) << "\"\n";
      At += 8 + ((Len + 7) & ~7ULL);
    }
    uint64_t NumData = V10 ? H["NumData"] : H["DataSize"];
    uint64_t NumCounters = V10 ? H["NumCounters"] : H["CountersSize"];
    size_t RecSize = V10 ? 64 : 48;
    size_t Data = At;
    size_t Counters =
        Data + NumData * RecSize + H["PaddingBytesBeforeCounters"];
    size_t Bitmap = Counters + NumCounters * 8 + H["PaddingBytesAfterCounters"];
    size_t NamesAt =
        Bitmap + H["NumBitmapBytes"] + H["PaddingBytesAfterBitmapBytes"];
    uint64_t CountersDelta = H["CountersDelta"];
    uint64_t BitmapDelta = H["BitmapDelta"];
    for (uint64_t R = 0; R < NumData; ++R) {
      size_t Rec = Data + R * RecSize;
      size_t F = Rec;
      OS << "record " << R << " at " << Rec << ":";
      OS << " NameRef=" << hex(le64(S, F));
      OS << " FuncHash=" << hex(le64(S, F + 8));
      uint64_t CounterPtr = le64(S, F + 16);
      F += 24;
      uint64_t BitmapPtr = 0;
      if (V10) {
        BitmapPtr = le64(S, F);
        F += 8;
      }
      OS << " FunctionPointer=" << le64(S, F) << " Values=" << le64(S, F + 8);
      F += 16;
      uint64_t N = le32(S, F);
      OS << " NumCounters=" << N << " NumValueSites=";
      F += 4;
      for (unsigned K = 0; K < (V10 ? 3u : 2u); ++K, F += 2)
        OS << (K ? "," : "") << le16(S, F);
      uint64_t NB = 0;
      if (V10) {
        F = (F + 3) & ~size_t(3);
        NB = le32(S, F);
        OS << " NumBitmapBytes=" << NB;
      }
      uint64_t Off = CounterPtr - CountersDelta;
      OS << "\n  CounterPtr=" << CounterPtr
         << " - CountersDelta=" << CountersDelta << " = offset " << Off
         << ": [";
      for (uint64_t I = 0; I < N; ++I)
        OS << (I ? ", " : "") << le64(S, Counters + Off + 8 * I);
      OS << "]\n";
      if (V10) {
        uint64_t BOff = BitmapPtr - BitmapDelta;
        OS << "  BitmapPtr=" << BitmapPtr << " - BitmapDelta=" << BitmapDelta
           << " = offset " << BOff << ": ["
           << hexBytes(NB ? S.substr(Bitmap + BOff, NB) : "") << "]\n";
        BitmapDelta -= RecSize;
      }
      CountersDelta -= RecSize; // RawInstrProfReader::advanceData()
    }
    uint64_t NamesSize = H["NamesSize"];
    OS << "names at " << NamesAt << ": "
       << hexBytes(S.substr(NamesAt, NamesSize)) << "\n";
    Pos = NamesAt + ((NamesSize + 7) & ~7ULL);
    OS << "end at " << Pos << "\n";
  }
  return OS.str();
}

//===-- Golden files ------------------------------------------------------===//

std::string readFile(const std::string &Path) {
  std::ifstream F(Path, std::ios::binary);
  std::stringstream SS;
  SS << F.rdbuf();
  return SS.str();
}

/// Compares \p Bytes with Inputs/<Name>.profraw and its description with
/// Inputs/<Name>.txt. BPFCOV_UPDATE_GOLDEN=1 rewrites both and fails the
/// test: a run that rewrote its own expectations proves nothing, and must
/// never pass by accident (review the diff, then run again without it).
void checkGolden(const std::string &Name, const std::string &Bytes) {
  // BPFCOV_GOLDEN_DIR: a copy of Inputs/ (the test of the update mode).
  const char *Dir = std::getenv("BPFCOV_GOLDEN_DIR");
  std::string Base = std::string(Dir ? Dir : BPFCOV_UNIT_INPUTS) + "/" + Name;
  std::string Text = describe(Bytes);
  if (std::getenv("BPFCOV_UPDATE_GOLDEN")) {
    std::ofstream(Base + ".profraw", std::ios::binary) << Bytes;
    std::ofstream(Base + ".txt") << Text;
    ADD_FAILURE() << "BPFCOV_UPDATE_GOLDEN is set: rewrote " << Base
                  << ".profraw and .txt; check them with 'git diff', then "
                     "run the tests again without BPFCOV_UPDATE_GOLDEN";
  }
  EXPECT_EQ(readFile(Base + ".txt"), Text) << "description of " << Name;
  EXPECT_TRUE(readFile(Base + ".profraw") == Bytes)
      << "bytes of " << Name << " differ from " << Base << ".profraw";
}

std::string write(const ProfRawInput &In) {
  std::string Out, Err;
  EXPECT_EQ(0, writeProfRaw(In, Out, Err)) << Err;
  return Out;
}

//===-- Maps as the pass lays them out (bpfcov/Names.h) -------------------===//

void putU64(std::string &S, size_t Off, uint64_t V) {
  if (S.size() < Off + 8)
    S.resize(Off + 8, '\0');
  std::memcpy(&S[Off], &V, 8); // host order, like the kernel's map values
}

std::string covMap(uint64_t Version, const std::string &Name,
                   uint64_t Magic = CovMapMagic) {
  std::string S(CovMapSize, '\0');
  putU64(S, CovMapFieldOffset[CF_Magic], Magic);
  putU64(S, CovMapFieldOffset[CF_RawVersion], Version);
  putU64(S, CovMapFieldOffset[CF_LLVMMajor], Version == 8 ? 14 : 19);
  putU64(S, CovMapFieldOffset[CF_Flags], CovMapFlagAtomic);
  std::memcpy(&S[CovMapFieldOffset[CF_ObjectName]], Name.data(),
              std::min<size_t>(Name.size(), ObjectNameSize));
  return S;
}

struct Maps {
  std::string Profc, Profd, Profn, CovMap;
};

/// profc holds beta's counter first, then alpha's three, then 2 bitmap
/// bytes of alpha: the parser must gather them in record order.
Maps sampleMaps(uint64_t Version) {
  Maps M;
  for (uint64_t V : {42, 5, 2, 1})
    putU64(M.Profc, M.Profc.size(), V);
  M.Profc += std::string("\x0f\x03\0\0\0\0\0\0", 8);
  uint64_t Records[2][NumDataFields] = {{AlphaRef, 0x1111, 8, 3,
                                         Version == 10 ? 32u : 0u,
                                         Version == 10 ? 2u : 0u},
                                        {BetaRef, 0x2222, 0, 1, 0, 0}};
  for (auto &R : Records)
    for (unsigned F = 0; F < NumDataFields; ++F)
      putU64(M.Profd, M.Profd.size(), R[F]);
  M.Profn = namesBlob();
  M.CovMap = covMap(Version, "obj");
  return M;
}

int parse(const Maps &M, ProfRawInput &In, std::string &Err) {
  return parseCoverageMaps(M.Profc, M.Profd, M.Profn, M.CovMap, In, Err);
}

//===-- Running llvm-profdata ---------------------------------------------===//

/// Output (stdout + stderr) and exit status of \p Cmd.
std::string run(const std::string &Cmd, int &Status) {
  std::string Out;
  FILE *P = popen((Cmd + " 2>&1").c_str(), "r");
  if (!P) {
    Status = -1;
    return Out;
  }
  char Buf[4096];
  size_t N;
  while ((N = fread(Buf, 1, sizeof(Buf), P)) > 0)
    Out.append(Buf, N);
  Status = pclose(P);
  return Out;
}

/// The LLVM major of the llvm-profdata in \p Bin, or 0.
int llvmMajor(const std::string &Bin) {
  int Status;
  std::string Out = run("'" + Bin + "/llvm-profdata' merge --version", Status);
  size_t At = Out.find("LLVM version ");
  return Status == 0 && At != std::string::npos
             ? std::atoi(Out.c_str() + At + 13)
             : 0;
}

/// The bin directories of the installed LLVMs 19 to 22 (raw version 10).
std::vector<std::string> llvmBins19Plus() {
  std::vector<std::string> Bins;
  for (int N : {19, 20, 21, 22}) {
    std::string Bin = "/usr/lib/llvm-" + std::to_string(N) + "/bin";
    if (llvmMajor(Bin) == N)
      Bins.push_back(Bin);
  }
  return Bins;
}

struct TempFile {
  std::string Path;
  explicit TempFile(const std::string &Bytes) {
    char Tmpl[] = "/tmp/bpfcov-unit-XXXXXX";
    int Fd = mkstemp(Tmpl);
    Path = Tmpl;
    if (Fd >= 0) {
      EXPECT_EQ(ssize_t(Bytes.size()), ::write(Fd, Bytes.data(), Bytes.size()));
      close(Fd);
    }
  }
  ~TempFile() { unlink(Path.c_str()); }
};

} // namespace

//===-- Layout table ------------------------------------------------------===//

TEST(ProfRawLayout, SupportedVersions) {
  const ProfRawLayout *V8 = getProfRawLayout(8);
  ASSERT_NE(nullptr, V8);
  EXPECT_EQ(88u, V8->HeaderSize);
  EXPECT_EQ(48u, V8->RecordSize);
  EXPECT_EQ(1u, V8->ValueKindLast);
  EXPECT_FALSE(V8->HasBitmap);
  const ProfRawLayout *V10 = getProfRawLayout(10);
  ASSERT_NE(nullptr, V10);
  EXPECT_EQ(128u, V10->HeaderSize);
  EXPECT_EQ(64u, V10->RecordSize);
  EXPECT_EQ(2u, V10->ValueKindLast);
  EXPECT_TRUE(V10->HasBitmap && V10->HasVTables);
  for (uint64_t V : {0, 5, 7, 9, 11})
    EXPECT_EQ(nullptr, getProfRawLayout(V)) << "version " << V;
  EXPECT_EQ("8 (LLVM 14-17), 10 (LLVM 19-22)", supportedProfRawVersions());
}

//===-- Golden bytes ------------------------------------------------------===//

TEST(ProfRawWrite, GoldenV8) {
  checkGolden("v8-two-functions", write(twoFunctions(8)));
}

TEST(ProfRawWrite, GoldenV10) {
  checkGolden("v10-two-functions", write(twoFunctions(10)));
}

TEST(ProfRawWrite, GoldenV10MCDC) {
  checkGolden("v10-mcdc", write(twoFunctionsMCDC()));
}

TEST(ProfRawWrite, HeaderFieldsV8) {
  std::string B = write(twoFunctions(8));
  EXPECT_EQ(0xff6c70726f667281ULL, le64(B, 0)); // INSTR_PROF_RAW_MAGIC_64
  EXPECT_EQ("\x81rforpl\xff", B.substr(0, 8));
  EXPECT_EQ(8u, le64(B, 8));   // Version
  EXPECT_EQ(16u, le64(B, 16)); // BinaryIdsSize: 8 + "obj"+5
  EXPECT_EQ(2u, le64(B, 24));  // DataSize (records)
  EXPECT_EQ(0u, le64(B, 32));  // PaddingBytesBeforeCounters
  EXPECT_EQ(4u, le64(B, 40));  // CountersSize (counters)
  EXPECT_EQ(0u, le64(B, 48));  // PaddingBytesAfterCounters
  EXPECT_EQ(12u, le64(B, 56)); // NamesSize
  EXPECT_EQ(96u, le64(B, 64)); // CountersDelta = 2 * 48
  EXPECT_EQ(0u, le64(B, 72));  // NamesDelta
  EXPECT_EQ(1u, le64(B, 80));  // ValueKindLast
  // 88 header + 16 ids + 96 data + 32 counters + 16 names (12 + 4 padding).
  EXPECT_EQ(248u, B.size());
  EXPECT_EQ(namesBlob() + std::string(4, '\0'), B.substr(232));
}

TEST(ProfRawWrite, HeaderFieldsV10) {
  std::string B = write(twoFunctionsMCDC());
  EXPECT_EQ(10u, le64(B, 8));   // Version
  EXPECT_EQ(16u, le64(B, 16));  // BinaryIdsSize
  EXPECT_EQ(2u, le64(B, 24));   // NumData
  EXPECT_EQ(4u, le64(B, 40));   // NumCounters
  EXPECT_EQ(3u, le64(B, 56));   // NumBitmapBytes
  EXPECT_EQ(5u, le64(B, 64));   // PaddingBytesAfterBitmapBytes
  EXPECT_EQ(12u, le64(B, 72));  // NamesSize
  EXPECT_EQ(128u, le64(B, 80)); // CountersDelta = 2 * 64
  EXPECT_EQ(160u, le64(B, 88)); // BitmapDelta = 128 + 4 * 8
  EXPECT_EQ(0u, le64(B, 104));  // NumVTables
  EXPECT_EQ(0u, le64(B, 112));  // VNamesSize
  EXPECT_EQ(2u, le64(B, 120));  // ValueKindLast
  // 128 header + 16 ids + 128 data + 32 counters + 8 bitmap + 16 names.
  EXPECT_EQ(328u, B.size());
  // Record 1 (beta): NumBitmapBytes, a u32 at record offset 60.
  EXPECT_EQ(3u, le32(B, 144 + 64 + 60));
}

// RawInstrProfReader: offset = CounterPtr - CountersDelta, and
// CountersDelta shrinks by sizeof(record) after each record.
TEST(ProfRawWrite, RelativeCounterPointers) {
  for (uint64_t Version : {8, 10}) {
    ProfRawInput In = twoFunctions(Version);
    // Five functions whose counters are laid out in reverse record order.
    In.Functions.clear();
    In.Counters.clear();
    for (uint64_t F = 0; F < 5; ++F)
      In.Functions.push_back({AlphaRef + F, F, (4 - F) * 8, 1, 0, 0});
    for (uint64_t C = 0; C < 5; ++C)
      In.Counters.push_back(100 + C);
    std::string B = write(In);
    const ProfRawLayout *L = getProfRawLayout(Version);
    uint64_t Delta = le64(B, Version == 8 ? 64 : 80);
    EXPECT_EQ(5u * L->RecordSize, Delta) << "version " << Version;
    size_t Data = L->HeaderSize + 16;
    size_t Counters = Data + 5 * L->RecordSize;
    for (uint64_t R = 0; R < 5; ++R) {
      uint64_t Ptr = le64(B, Data + R * L->RecordSize + 16);
      uint64_t Off = Ptr - (Delta - R * L->RecordSize);
      EXPECT_EQ((4 - R) * 8, Off) << "version " << Version << " record " << R;
      EXPECT_EQ(104 - R, le64(B, Counters + Off));
    }
  }
}

TEST(ProfRawWrite, PaddingAndBinaryIds) {
  for (uint64_t Version : {8, 10}) {
    const ProfRawLayout *L = getProfRawLayout(Version);
    for (size_t NameLen : {0, 1, 7, 8, 9, 63}) {
      ProfRawInput In = twoFunctions(Version);
      In.ObjectName = std::string(NameLen, 'n');
      for (size_t Extra = 0; Extra < 8; ++Extra) {
        In.Names = namesBlob() + std::string(Extra, 'z');
        std::string B = write(In);
        SCOPED_TRACE("version " + std::to_string(Version) + " name " +
                     std::to_string(NameLen) + " names " +
                     std::to_string(In.Names.size()));
        EXPECT_EQ(0u, B.size() % 8);
        uint64_t IdsSize = NameLen ? 8 + (NameLen + 7) / 8 * 8 : 0;
        EXPECT_EQ(IdsSize, le64(B, 16));
        if (NameLen) {
          EXPECT_EQ(NameLen, le64(B, L->HeaderSize));
          EXPECT_EQ(In.ObjectName, B.substr(L->HeaderSize + 8, NameLen));
          EXPECT_EQ(
              std::string(IdsSize - 8 - NameLen, '\0'),
              B.substr(L->HeaderSize + 8 + NameLen, IdsSize - 8 - NameLen));
        }
        // No bitmap bytes: the v10 bitmap section is empty.
        size_t NamesAt = L->HeaderSize + IdsSize + 2 * L->RecordSize + 32;
        EXPECT_EQ(In.Names, B.substr(NamesAt, In.Names.size()));
        EXPECT_EQ(NamesAt + (In.Names.size() + 7) / 8 * 8, B.size());
        std::vector<std::string> Names = readProfRawObjectNames(B);
        EXPECT_EQ(NameLen ? std::vector<std::string>{In.ObjectName}
                          : std::vector<std::string>{},
                  Names);
      }
    }
  }
}

TEST(ProfRawWrite, ConcatenatedProfiles) {
  ProfRawInput A = twoFunctions(8), B = twoFunctions(8);
  B.ObjectName = "second";
  std::string Out, Err;
  ASSERT_EQ(0, writeProfRaw(A, Out, Err)) << Err;
  size_t First = Out.size();
  ASSERT_EQ(0, writeProfRaw(B, Out, Err)) << Err;
  EXPECT_EQ(write(A) + write(B), Out);
  EXPECT_EQ(std::string("\x81rforpl\xff"), Out.substr(First, 8));
  std::vector<std::string> Names;
  EXPECT_EQ(0, readProfRawObjectNames(Out, Names, Err)) << Err;
  EXPECT_EQ((std::vector<std::string>{"obj", "second"}), Names);
  // Zero padding between profiles is skipped, as the reader does.
  std::string Padded = write(A) + std::string(16, '\0') + write(B);
  EXPECT_EQ((std::vector<std::string>{"obj", "second"}),
            readProfRawObjectNames(Padded));
  // Profiles must start 8-aligned.
  std::string Odd = "x";
  EXPECT_EQ(-EINVAL, writeProfRaw(A, Odd, Err));
  EXPECT_EQ("raw profiles must start 8-aligned", Err);
  EXPECT_EQ("x", Odd);
}

TEST(ProfRawWrite, RejectsBadInput) {
  std::string Out, Err;
  ProfRawInput In = twoFunctions(9);
  EXPECT_EQ(-EINVAL, writeProfRaw(In, Out, Err));
  EXPECT_EQ("unsupported raw profile version 9: bpfcov writes 8 (LLVM 14-17), "
            "10 (LLVM 19-22)",
            Err);
  In = twoFunctions(8);
  In.Functions[1].NumCounters = 2; // 24 + 16 > 32 bytes of counters
  EXPECT_EQ(-EINVAL, writeProfRaw(In, Out, Err));
  EXPECT_EQ("function 1: 2 counters at byte 24 do not fit the 4 counters", Err);
  In = twoFunctions(8);
  In.Functions[0].NumCounters = 0;
  EXPECT_EQ(-EINVAL, writeProfRaw(In, Out, Err));
  In = twoFunctions(8);
  In.Functions[0].CountersOffset = 4;
  EXPECT_EQ(-EINVAL, writeProfRaw(In, Out, Err));
  In = twoFunctionsMCDC();
  In.Version = 8;
  EXPECT_EQ(-EINVAL, writeProfRaw(In, Out, Err));
  EXPECT_EQ("function 1: raw version 8 has no MC/DC bitmap", Err);
  In = twoFunctionsMCDC();
  In.Functions[1].BitmapOffset = 1;
  EXPECT_EQ(-EINVAL, writeProfRaw(In, Out, Err));
  EXPECT_EQ(
      "function 1: 3 bitmap bytes at byte 1 do not fit the 3 bitmap bytes",
      Err);
  EXPECT_TRUE(Out.empty());
}

//===-- Parsing the maps --------------------------------------------------===//

TEST(ProfRawParse, GathersInRecordOrder) {
  for (uint64_t Version : {8, 10}) {
    Maps M = sampleMaps(Version);
    ProfRawInput In;
    std::string Err;
    ASSERT_EQ(0, parse(M, In, Err)) << Err;
    EXPECT_EQ(Version, In.Version);
    EXPECT_EQ(Version == 8 ? 14u : 19u, In.LLVMMajor);
    EXPECT_EQ(CovMapFlagAtomic, In.Flags);
    EXPECT_EQ("obj", In.ObjectName);
    EXPECT_EQ(namesBlob(), In.Names);
    ASSERT_EQ(2u, In.Functions.size());
    EXPECT_EQ(AlphaRef, In.Functions[0].NameRef);
    EXPECT_EQ(0x1111u, In.Functions[0].FuncHash);
    EXPECT_EQ(0u, In.Functions[0].CountersOffset);
    EXPECT_EQ(3u, In.Functions[0].NumCounters);
    EXPECT_EQ(BetaRef, In.Functions[1].NameRef);
    EXPECT_EQ(24u, In.Functions[1].CountersOffset);
    EXPECT_EQ((std::vector<uint64_t>{5, 2, 1, 42}), In.Counters);
    if (Version == 10) {
      EXPECT_EQ(2u, In.Functions[0].NumBitmapBytes);
      EXPECT_EQ((std::vector<uint8_t>{0x0f, 0x03}), In.Bitmap);
    } else {
      EXPECT_TRUE(In.Bitmap.empty());
    }
    ProfRawSummary S = summarize(In);
    EXPECT_EQ(2u, S.Functions);
    EXPECT_EQ(4u, S.Counters);
    EXPECT_EQ(50u, S.Total);
    // Parsing then writing v8 gives exactly the golden profile.
    if (Version == 8)
      EXPECT_EQ(write(twoFunctions(8)), write(In));
  }
}

/// sampleMaps' functions with per-CPU counters: 4 rows each, padded to 8
/// u64 (Names.h), alpha's block (4 x 8) first, then beta's (4 x 8); the
/// rows add up to sampleMaps' counters. The padding holds 99s, which gen
/// must ignore.
Maps perCpuMaps() {
  Maps M = sampleMaps(8);
  M.Profc.clear();
  auto Row = [&](std::vector<uint64_t> Counters) {
    Counters.resize(PerCpuRowAlign, 99);
    for (uint64_t V : Counters)
      putU64(M.Profc, M.Profc.size(), V);
  };
  Row({1, 0, 1}); // alpha: 5 2 1
  Row({2, 1, 0});
  Row({0, 1, 0});
  Row({2, 0, 0});
  for (uint64_t V : {40, 0, 1, 1}) // beta: 42
    Row({V});
  putU64(M.Profd, 16, 0);                          // alpha at byte 0
  putU64(M.Profd, DataRecordSize + 16, 4 * 8 * 8); // beta after it
  putU64(M.CovMap, CovMapFieldOffset[CF_Flags],
         CovMapFlagAtomic | CovMapFlagPerCpu |
             (uint64_t(2) << CovMapFlagPerCpuRowsShift));
  return M;
}

TEST(ProfRawParse, SumsPerCpuRows) {
  Maps M = perCpuMaps();
  ProfRawInput In;
  std::string Err;
  ASSERT_EQ(0, parse(M, In, Err)) << Err;
  EXPECT_EQ(CovMapFlagAtomic | CovMapFlagPerCpu | 0x200u, In.Flags);
  ASSERT_EQ(2u, In.Functions.size());
  EXPECT_EQ(0u, In.Functions[0].CountersOffset);
  EXPECT_EQ(3u, In.Functions[0].NumCounters);
  EXPECT_EQ(24u, In.Functions[1].CountersOffset);
  EXPECT_EQ(1u, In.Functions[1].NumCounters);
  EXPECT_EQ((std::vector<uint64_t>{5, 2, 1, 42}), In.Counters);
  EXPECT_EQ(50u, summarize(In).Total);
  // The same profile as the shared counters give.
  EXPECT_EQ(write(twoFunctions(8)), write(In));

  // One row less than the flags say: beta's last row is missing.
  M.Profc.resize(M.Profc.size() - 8);
  EXPECT_EQ(-EINVAL, parse(M, In, Err));
  EXPECT_EQ("counters of function 1 (name ref 0xb29e921bb0ca7b98) (1 in 4 "
            "per-CPU rows of 8 at byte 256) lie outside profc (504 bytes)",
            Err);
  // More rows than any pass writes.
  M = perCpuMaps();
  putU64(M.CovMap, CovMapFieldOffset[CF_Flags],
         CovMapFlagPerCpu | (uint64_t(13) << CovMapFlagPerCpuRowsShift));
  EXPECT_EQ(-EINVAL, parse(M, In, Err));
  EXPECT_EQ("covmap flags 0xd04 give 8192 per-CPU rows, at most 4096 are "
            "supported",
            Err);
  putU64(M.CovMap, CovMapFieldOffset[CF_Flags],
         CovMapFlagPerCpu | (uint64_t(0xff) << CovMapFlagPerCpuRowsShift));
  EXPECT_EQ(-EINVAL, parse(M, In, Err));
  EXPECT_EQ("covmap flags 0xff04 give 2^255 per-CPU rows, at most 4096 are "
            "supported",
            Err);
}

TEST(ProfRawParse, TwinsShareCounts) {
  // alpha's third counter (byte 24) shares beta's (byte 0): 42.
  Maps M = sampleMaps(8);
  putU64(M.Profc, 24, TwinCounterTag | 0);
  putU64(M.CovMap, CovMapFieldOffset[CF_Flags],
         CovMapFlagAtomic | CovMapFlagTwinCounters);
  ProfRawInput In;
  std::string Err;
  ASSERT_EQ(0, parse(M, In, Err)) << Err;
  EXPECT_EQ((std::vector<uint64_t>{5, 2, 42, 42}), In.Counters);
  // Without the flag the word is a count.
  putU64(M.CovMap, CovMapFieldOffset[CF_Flags], CovMapFlagAtomic);
  ASSERT_EQ(0, parse(M, In, Err)) << Err;
  EXPECT_EQ(TwinCounterTag, In.Counters[2]);
  putU64(M.CovMap, CovMapFieldOffset[CF_Flags],
         CovMapFlagAtomic | CovMapFlagTwinCounters);
  // A word naming no counter, or a twin.
  putU64(M.Profc, 24, TwinCounterTag | 4);
  EXPECT_EQ(-EINVAL, parse(M, In, Err));
  EXPECT_EQ("counter 2 shares the count of the counter at byte 4 of profc, "
            "which is no record's counter: the counters map is damaged or "
            "belongs to another object",
            Err);
  putU64(M.Profc, 8, TwinCounterTag | 0);
  putU64(M.Profc, 24, TwinCounterTag | 8);
  EXPECT_EQ(-EINVAL, parse(M, In, Err));
  EXPECT_EQ("counter 2 shares the count of the counter at byte 8 of profc, "
            "which is a twin itself: the counters map is damaged or belongs "
            "to another object",
            Err);
  // Per-CPU rows: the word is in row 0; the twin gets the sum of the rows.
  M = perCpuMaps();
  putU64(M.Profc, 16, TwinCounterTag | 256);
  for (uint64_t Row = 1; Row < 4; ++Row)
    putU64(M.Profc, Row * 64 + 16, 0);
  putU64(M.CovMap, CovMapFieldOffset[CF_Flags],
         CovMapFlagAtomic | CovMapFlagPerCpu | CovMapFlagTwinCounters |
             (uint64_t(2) << CovMapFlagPerCpuRowsShift));
  ASSERT_EQ(0, parse(M, In, Err)) << Err;
  EXPECT_EQ((std::vector<uint64_t>{5, 2, 42, 42}), In.Counters);
}

TEST(ProfRawParse, NoFunctions) {
  Maps M = sampleMaps(8);
  M.Profd.clear();
  M.Profn.clear();
  ProfRawInput In;
  std::string Err;
  ASSERT_EQ(0, parse(M, In, Err)) << Err;
  EXPECT_EQ(0u, summarize(In).Functions);
}

struct ParseError {
  const char *What;
  void (*Damage)(Maps &);
  const char *Message;
};

TEST(ProfRawParse, Errors) {
  const ParseError Cases[] = {
      {"short covmap", [](Maps &M) { M.CovMap.resize(111); },
       "covmap is 111 bytes, expected 112"},
      {"bad magic", [](Maps &M) { M.CovMap[0] = 'X'; },
       "bad covmap magic 0x0100766f63667058 (expected 0x0100766f63667062): "
       "not written by this version of the bpfcov pass"},
      {"version 9", [](Maps &M) { M.CovMap = covMap(9, "obj"); },
       "unsupported raw profile version 9 (object built with LLVM 19): "
       "bpfcov writes 8 (LLVM 14-17), 10 (LLVM 19-22)"},
      {"empty name", [](Maps &M) { M.CovMap = covMap(8, ""); },
       "object name in covmap is empty"},
      {"unterminated name",
       [](Maps &M) { M.CovMap = covMap(8, std::string(64, 'a')); },
       "object name in covmap is not NUL-terminated"},
      {"slash in name", [](Maps &M) { M.CovMap = covMap(8, "../x"); },
       "object name '../x' in covmap is not a file name"},
      {"truncated profd", [](Maps &M) { M.Profd.resize(90); },
       "profd is 90 bytes, not a multiple of the 48-byte record"},
      {"odd profc", [](Maps &M) { M.Profc.resize(20); },
       "profc is 20 bytes, not a multiple of 8"},
      {"zero counters", [](Maps &M) { putU64(M.Profd, 48 + 24, 0); },
       "function 1 (name ref 0xb29e921bb0ca7b98) has 0 counters"},
      {"counters past profc", [](Maps &M) { putU64(M.Profd, 16, 24); },
       "counters of function 0 (name ref 0xbf5f3091a343172c) (3 at byte 24) "
       "lie outside profc (40 bytes)"},
      {"huge counter offset",
       [](Maps &M) { putU64(M.Profd, 16, ~uint64_t(7)); },
       "counters of function 0 (name ref 0xbf5f3091a343172c) "
       "(3 at byte 18446744073709551608) lie outside profc (40 bytes)"},
      {"bitmap in v8", [](Maps &M) { putU64(M.Profd, 40, 1); },
       "function 0 (name ref 0xbf5f3091a343172c) has an MC/DC bitmap, which "
       "raw version 8 cannot hold"},
      {"bitmap past profc",
       [](Maps &M) {
         putU64(M.Profd, 32, 39);
         putU64(M.Profd, 40, 2);
       },
       "bitmap of function 0 (name ref 0xbf5f3091a343172c) (2 bytes at byte "
       "39) lies outside profc (40 bytes)"},
      {"no names", [](Maps &M) { M.Profn.clear(); },
       "profn is empty but profd has records"},
  };
  for (const ParseError &C : Cases) {
    Maps M = sampleMaps(8);
    C.Damage(M);
    ProfRawInput In;
    std::string Err;
    EXPECT_EQ(-EINVAL, parse(M, In, Err)) << C.What;
    EXPECT_EQ(C.Message, Err) << C.What;
  }
}

TEST(ProfRawRead, ObjectNamesErrors) {
  std::vector<std::string> Names;
  std::string Err;
  EXPECT_EQ(0, readProfRawObjectNames("", Names, Err));
  EXPECT_TRUE(Names.empty());
  EXPECT_EQ(-EINVAL, readProfRawObjectNames("not a profile", Names, Err));
  EXPECT_EQ("no raw profile header at byte 0", Err);
  std::string B = write(twoFunctions(8));
  EXPECT_EQ(-EINVAL, readProfRawObjectNames(B + B.substr(0, 100), Names, Err));
  EXPECT_EQ("truncated raw profile at byte 248", Err);
  EXPECT_EQ((std::vector<std::string>{"obj"}), Names); // kept before damage
  std::string V9 = B;
  V9[8] = 9;
  Names.clear();
  EXPECT_EQ(-EINVAL, readProfRawObjectNames(V9, Names, Err));
  EXPECT_EQ("raw profile version 9 at byte 0: bpfcov reads 8 (LLVM 14-17), "
            "10 (LLVM 19-22)",
            Err);
}

//===-- llvm-profdata reads what we write ---------------------------------===//

/// `llvm-profdata show --all-functions --counts` of the two-function
/// profile, in every installed LLVM whose raw version we write: the LLVM of
/// this build (BPFCOV_LLVM_BIN) and /usr/lib/llvm-N.
TEST(ProfRawLLVM, ProfdataShowsExactCounts) {
  std::vector<std::string> Bins = {BPFCOV_LLVM_BIN};
  for (int N : {14, 15, 16, 19, 20, 21, 22})
    Bins.push_back("/usr/lib/llvm-" + std::to_string(N) + "/bin");
  int Tested = 0;
  for (const std::string &Bin : Bins) {
    int Major = llvmMajor(Bin);
    if (!Major) {
      EXPECT_NE(Bin, std::string(BPFCOV_LLVM_BIN))
          << "no llvm-profdata in " << Bin;
      continue;
    }
    uint64_t Version = Major <= 16 ? 8 : Major >= 19 ? 10 : 0;
    if (!Version)
      continue;
    SCOPED_TRACE("LLVM " + std::to_string(Major) + " in " + Bin);
    ProfRawInput In = twoFunctions(Version);
    // Two objects in one file: merge must sum beta across them.
    ProfRawInput Second = twoFunctions(Version);
    Second.Functions.pop_back();
    Second.Counters = {1000, 100, 10};
    Second.Names = std::string("\x05\x00"
                               "alpha",
                               7);
    Second.ObjectName = "other";
    std::string Bytes = write(In) + write(Second);
    TempFile Raw(Bytes);
    int Status;
    std::string Out = run("'" + Bin +
                              "/llvm-profdata' show --all-functions "
                              "--counts '" +
                              Raw.Path + "'",
                          Status);
    EXPECT_EQ(0, Status) << Out;
    EXPECT_NE(std::string::npos, Out.find("  alpha:\n"
                                          "    Hash: 0x0000000000001111\n"
                                          "    Counters: 3\n"
                                          "    Function count: 5\n"
                                          "    Block counts: [2, 1]\n"))
        << Out;
    EXPECT_NE(std::string::npos, Out.find("  beta:\n"
                                          "    Hash: 0x0000000000002222\n"
                                          "    Counters: 1\n"
                                          "    Function count: 42\n"))
        << Out;
    EXPECT_NE(std::string::npos, Out.find("    Function count: 1000\n"
                                          "    Block counts: [100, 10]\n"))
        << Out;
    EXPECT_NE(std::string::npos, Out.find("Total functions: 3\n")) << Out;
    // merge sums alpha over both objects.
    TempFile Merged("");
    Out = run("'" + Bin + "/llvm-profdata' merge -o '" + Merged.Path + "' '" +
                  Raw.Path + "' && '" + Bin +
                  "/llvm-profdata' show --all-functions --counts '" +
                  Merged.Path + "'",
              Status);
    EXPECT_EQ(0, Status) << Out;
    EXPECT_NE(std::string::npos, Out.find("  alpha:\n"
                                          "    Hash: 0x0000000000001111\n"
                                          "    Counters: 3\n"
                                          "    Function count: 1005\n"
                                          "    Block counts: [102, 11]\n"))
        << Out;
    // The object names are the binary ids ("obj" = 6f626a, "other" =
    // 6f74686572). LLVM 14-16 print those of the last profile read only.
    Out =
        run("'" + Bin + "/llvm-profdata' show --binary-ids '" + Raw.Path + "'",
            Status);
    EXPECT_EQ(0, Status) << Out;
    EXPECT_NE(std::string::npos,
              Out.find(Version == 8 ? "Binary IDs: \n6f74686572\n"
                                    : "Binary IDs: \n6f626a\n6f74686572\n"))
        << Out;
    ++Tested;
  }
  EXPECT_GE(Tested, 1);
}

/// The MC/DC bitmap bytes reach llvm-profdata (LLVM 19+: text output).
TEST(ProfRawLLVM, ProfdataReadsBitmapBytes) {
  int Tested = 0;
  for (const std::string &Bin : llvmBins19Plus()) {
    SCOPED_TRACE(Bin);
    TempFile Raw(write(twoFunctionsMCDC()));
    int Status;
    std::string Out =
        run("'" + Bin + "/llvm-profdata' merge --text -o - '" + Raw.Path + "'",
            Status);
    EXPECT_EQ(0, Status) << Out;
    EXPECT_NE(std::string::npos, Out.find("beta\n# Func Hash:\n8738\n"
                                          "# Num Counters:\n1\n"
                                          "# Counter Values:\n42\n"
                                          "# Num Bitmap Bytes:\n$3\n"
                                          "# Bitmap Byte Values:\n"
                                          "0x1\n0x80\n0x5\n"))
        << Out;
    ++Tested;
  }
  if (!Tested)
    GTEST_SKIP() << "no LLVM 19+ installed";
}

//===-- Bool counters (CovMapFlagByteCounters) ----------------------------===//

namespace {
/// The maps of a bool-counter object: alpha has 3 counter bytes at 0 (hit,
/// not hit, hit), beta 1 at 8 (hit); profc ends after beta's byte, as the
/// section does.
Maps boolMaps() {
  Maps M;
  M.Profc = std::string("\x00\xff\x00\xff\xff\xff\xff\xff\x00", 9);
  uint64_t Records[2][NumDataFields] = {{AlphaRef, 0x1111, 0, 3, 0, 0},
                                        {BetaRef, 0x2222, 8, 1, 0, 0}};
  for (auto &R : Records)
    for (unsigned F = 0; F < NumDataFields; ++F)
      putU64(M.Profd, M.Profd.size(), R[F]);
  M.Profn = namesBlob();
  M.CovMap = covMap(10, "obj");
  putU64(M.CovMap, CovMapFieldOffset[CF_Flags], CovMapFlagByteCounters);
  return M;
}
} // namespace

TEST(ProfRawParse, BoolCounters) {
  Maps M = boolMaps();
  ProfRawInput In;
  std::string Err;
  ASSERT_EQ(0, parse(M, In, Err)) << Err;
  EXPECT_TRUE(In.ByteCounters);
  EXPECT_EQ((std::vector<uint64_t>{1, 0, 1, 1}), In.Counters);
  ProfRawSummary S = summarize(In);
  EXPECT_TRUE(S.ByteCounters);
  EXPECT_EQ(4u, S.Counters);
  EXPECT_EQ(3u, S.Total); // hit ones

  // The raw profile: the byte-coverage variant flag, one byte per counter
  // (0 = hit), padding to 8, byte counter pointers.
  std::string Out = write(In);
  EXPECT_EQ(10u | ProfRawVariantByteCoverage, le64(Out, 8));
  EXPECT_EQ(4u, le64(Out, 40)); // NumCounters
  EXPECT_EQ(4u, le64(Out, 48)); // PaddingBytesAfterCounters
  const size_t Data = 128 + 16; // header, binary id "obj"
  EXPECT_EQ(128u, le64(Out, Data + 16));          // alpha: CountersDelta + 0
  EXPECT_EQ(128u - 64 + 3, le64(Out, Data + 64 + 16)); // beta: byte 3
  EXPECT_EQ("00 ff 00 00 00 00 00 00", hexBytes(Out.substr(Data + 128, 8)));
  std::vector<uint64_t> Versions;
  ASSERT_EQ(0, readProfRawVersions(Out + write(twoFunctions(10)), Versions,
                                   Err))
      << Err;
  EXPECT_EQ((std::vector<uint64_t>{10u | ProfRawVariantByteCoverage, 10u}),
            Versions);
  std::vector<std::string> Names;
  ASSERT_EQ(0, readProfRawObjectNames(Out, Names, Err)) << Err;
  EXPECT_EQ(std::vector<std::string>{"obj"}, Names);

  // Bool counters are never per-CPU, and need raw version 10.
  putU64(M.CovMap, CovMapFieldOffset[CF_Flags],
         CovMapFlagByteCounters | CovMapFlagPerCpu);
  EXPECT_EQ(-EINVAL, parse(M, In, Err));
  EXPECT_EQ("covmap flags 0xc and raw version 10 do not go together: bool "
            "counters are never per-CPU and need raw version 10 or later "
            "(LLVM 19+)",
            Err);
  // beta's byte beyond profc.
  M = boolMaps();
  M.Profc.pop_back();
  EXPECT_EQ(-EINVAL, parse(M, In, Err));
  EXPECT_EQ("counters of function 1 (name ref 0xb29e921bb0ca7b98) (1 at byte "
            "8) lie outside profc (8 bytes)",
            Err);
}

/// llvm-profdata 19+ reads the bytes as counts of 1 (hit) and 0.
TEST(ProfRawLLVM, ProfdataReadsBoolCounters) {
  int Tested = 0;
  for (const std::string &Bin : llvmBins19Plus()) {
    SCOPED_TRACE(Bin);
    Maps M = boolMaps();
    ProfRawInput In;
    std::string Err;
    ASSERT_EQ(0, parse(M, In, Err)) << Err;
    TempFile Raw(write(In));
    int Status;
    std::string Out =
        run("'" + Bin + "/llvm-profdata' merge --text -o - '" + Raw.Path + "'",
            Status);
    EXPECT_EQ(0, Status) << Out;
    EXPECT_NE(std::string::npos, Out.find(":single_byte_coverage\n")) << Out;
    EXPECT_NE(std::string::npos, Out.find("alpha\n# Func Hash:\n4369\n"
                                          "# Num Counters:\n3\n"
                                          "# Counter Values:\n1\n0\n1\n"))
        << Out;
    EXPECT_NE(std::string::npos, Out.find("beta\n# Func Hash:\n8738\n"
                                          "# Num Counters:\n1\n"
                                          "# Counter Values:\n1\n"))
        << Out;
    ++Tested;
  }
  EXPECT_GE(Tested, 1);
}

//===-- The version table -------------------------------------------------===//

TEST(ProfRawVersions, OneTableForLayoutsAndLLVMs) {
  const std::vector<ProfRawVersion> &T = profRawVersions();
  ASSERT_EQ(T.size(), 4u);
  for (size_t I = 0; I < T.size(); ++I) {
    // Layouts belong to their row; the LLVM ranges follow one another.
    if (T[I].Layout)
      EXPECT_EQ(T[I].Layout->Version, T[I].Version);
    EXPECT_EQ(getProfRawLayout(T[I].Version), T[I].Layout);
    EXPECT_EQ(llvmMajorsForRawVersion(T[I].Version).Min, T[I].Majors.Min);
    if (I + 1 < T.size()) {
      EXPECT_EQ(T[I + 1].Version, T[I].Version + 1);
      EXPECT_EQ(T[I + 1].Majors.Min, T[I].Majors.Max + 1);
    }
  }
  EXPECT_EQ(T.back().Majors.Max, 0u); // "or later"
  EXPECT_EQ(knownProfRawVersions(), "8: LLVM 14-17, 9: LLVM 18, "
                                    "10: LLVM 19-22, 11: LLVM 23 or later");
}

/// A raw profile from a big-endian producer: raw version 8, no records,
/// one binary id "abc".
static std::string bigEndianProfile() {
  auto BE = [](uint64_t V) {
    std::string S;
    for (int I = 7; I >= 0; --I)
      S += static_cast<char>((V >> (8 * I)) & 0xff);
    return S;
  };
  std::string S = BE(RawMagic64) + BE(8) + BE(16); // BinaryIdsSize
  for (unsigned F = 3; F < 10; ++F)
    S += BE(0); // no data, counters or names
  S += BE(1);   // ValueKindLast
  return S + BE(3) + std::string("abc\0\0\0\0\0", 8);
}

TEST(ProfRawVersions, ReadersTakeEitherByteOrder) {
  std::string S = bigEndianProfile();
  uint64_t V = 0;
  EXPECT_EQ(readRawProfileVersion(S, V), 0);
  EXPECT_EQ(V, 8u);
  std::vector<std::string> Names;
  std::string Err;
  EXPECT_EQ(readProfRawObjectNames(S, Names, Err), 0) << Err;
  EXPECT_EQ(Names, (std::vector<std::string>{"abc"}));
  // 32-bit producers: the version is read, the records are not walked.
  S.replace(0, 8, std::string("\xfflprofR\x81", 8));
  EXPECT_EQ(readRawProfileVersion(S, V), 0);
  EXPECT_EQ(readProfRawObjectNames(S, Names, Err), -EINVAL);
  EXPECT_EQ(Err, "32-bit raw profile at byte 0: bpfcov reads the records of "
                 "64-bit producers only");
}

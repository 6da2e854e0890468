//===-- CoverageSummary.cpp - What llvm-cov says was covered --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See CoverageSummary.h; test/unit/LLVMToolsTest.cpp checks the reader,
// the table and --fail-under.
//===----------------------------------------------------------------------===//
#include "CoverageSummary.h"

#include "Json.h"
#include "Sys.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace bpfcov {

/// Reads {count, covered} of one metric; 0/0 when the metric is absent.
static bool readCount(const JsonValue &Summary, Metric M, CoverageCount &C,
                      std::string &Err) {
  C = CoverageCount();
  const JsonValue *V = Summary.get(MetricName[M]);
  if (!V)
    return true;
  const JsonValue *Count = V->get("count");
  const JsonValue *Covered = V->get("covered");
  if (!Count || !Covered || !Count->IsUInt || !Covered->IsUInt ||
      Covered->UInt > Count->UInt) {
    Err = std::string("'") + MetricName[M] +
          "' has no valid 'count' and 'covered'";
    return false;
  }
  C.Count = Count->UInt;
  C.Covered = Covered->UInt;
  return true;
}

static bool readSummary(const JsonValue &Summary, FileSummary &F,
                        std::string &Err) {
  if (Summary.K != JsonValue::Object) {
    Err = "'summary' is not an object";
    return false;
  }
  for (unsigned M = 0; M < NumMetrics; ++M)
    if (!readCount(Summary, static_cast<Metric>(M), F.Counts[M], Err))
      return false;
  return true;
}

int parseCoverageSummary(const std::string &Json, CoverageSummary &Out,
                         std::string &Err) {
  Out = CoverageSummary();
  JsonValue Root;
  if (!parseJson(Json, Root, Err))
    return -EINVAL;
  const JsonValue *Data = Root.get("data");
  if (!Data || Data->K != JsonValue::Array || Data->Arr.empty()) {
    Err = "no 'data' array";
    return -EINVAL;
  }
  // llvm-cov export writes one element covering every object.
  const JsonValue &D = Data->Arr[0];
  const JsonValue *Files = D.get("files");
  const JsonValue *Totals = D.get("totals");
  if (!Files || Files->K != JsonValue::Array || !Totals) {
    Err = "no 'files' array or 'totals' in data[0]";
    return -EINVAL;
  }
  for (const JsonValue &F : Files->Arr) {
    FileSummary FS;
    const JsonValue *Name = F.get("filename");
    const JsonValue *Summary = F.get("summary");
    if (!Name || Name->K != JsonValue::String || !Summary) {
      Err = "a file without 'filename' or 'summary'";
      return -EINVAL;
    }
    FS.Filename = Name->Str;
    if (!readSummary(*Summary, FS, Err)) {
      Err = "'" + FS.Filename + "': " + Err;
      return -EINVAL;
    }
    Out.Files.push_back(std::move(FS));
  }
  Out.Totals.Filename = "TOTAL";
  Out.HasMCDC = Totals->get(MetricName[M_MCDC]) != nullptr;
  if (!readSummary(*Totals, Out.Totals, Err)) {
    Err = "totals: " + Err;
    return -EINVAL;
  }
  return 0;
}

//===-- Summary table -----------------------------------------------------===//

/// Columns on a terminal: UTF-8 continuation bytes take none.
static size_t displayWidth(const std::string &S) {
  size_t W = 0;
  for (unsigned char C : S)
    W += (C & 0xc0) != 0x80;
  return W;
}

static std::string pad(const std::string &S, size_t Width, bool Right) {
  size_t W = displayWidth(S);
  if (W >= Width)
    return S;
  std::string Fill(Width - W, ' ');
  return Right ? Fill + S : S + Fill;
}

std::string formatSummaryTable(const CoverageSummary &S) {
  static const char *Header[NumShownMetrics] = {"Functions", "Lines", "Regions",
                                                "Branches"};
  const size_t PctWidth = 7; // "100.00%"
  std::vector<std::string> Names;
  for (const FileSummary &F : S.Files)
    Names.push_back(F.Filename);
  size_t Cut = commonDirPrefix(Names);
  std::vector<const FileSummary *> Rows;
  for (const FileSummary &F : S.Files)
    Rows.push_back(&F);
  Rows.push_back(&S.Totals);
  auto Name = [&](const FileSummary *F) {
    return F == &S.Totals ? F->Filename : F->Filename.substr(Cut);
  };
  auto Frac = [](const CoverageCount &C) {
    return std::to_string(C.Covered) + "/" + std::to_string(C.Count);
  };
  auto Pct = [](const CoverageCount &C) {
    char Buf[32];
    if (!C.Count)
      return std::string("-");
    std::snprintf(Buf, sizeof(Buf), "%.2f%%", C.percent());
    return std::string(Buf);
  };

  // Each metric is two right-aligned columns, covered/count and percent,
  // under one header.
  size_t NameWidth = displayWidth("Filename");
  size_t FracWidth[NumShownMetrics];
  for (unsigned M = 0; M < NumShownMetrics; ++M)
    FracWidth[M] = 0;
  for (const FileSummary *F : Rows) {
    NameWidth = std::max(NameWidth, displayWidth(Name(F)));
    for (unsigned M = 0; M < NumShownMetrics; ++M)
      FracWidth[M] = std::max(FracWidth[M], Frac(F->Counts[M]).size());
  }
  for (unsigned M = 0; M < NumShownMetrics; ++M)
    FracWidth[M] = std::max(FracWidth[M],
                            std::strlen(Header[M]) -
                                std::min(std::strlen(Header[M]), PctWidth + 1));

  std::string Out = pad("Filename", NameWidth, /*Right=*/false);
  for (unsigned M = 0; M < NumShownMetrics; ++M)
    Out += "  " + pad(Header[M], FracWidth[M] + 1 + PctWidth, /*Right=*/true);
  Out += "\n";
  for (const FileSummary *F : Rows) {
    std::string Line = pad(Name(F), NameWidth, /*Right=*/false);
    for (unsigned M = 0; M < NumShownMetrics; ++M)
      Line += "  " + pad(Frac(F->Counts[M]), FracWidth[M], true) + " " +
              pad(Pct(F->Counts[M]), PctWidth, true);
    Out += Line + "\n";
  }
  return Out;
}

bool parseFailUnder(const std::string &Arg, FailUnder &F) {
  std::string Num = Arg;
  F.Which = M_Regions;
  size_t Colon = Arg.find(':');
  if (Colon != std::string::npos) {
    std::string Name = Arg.substr(0, Colon);
    unsigned M = 0;
    while (M < NumMetrics && Name != MetricName[M])
      ++M;
    if (M == NumMetrics)
      return false;
    F.Which = static_cast<Metric>(M);
    Num = Arg.substr(Colon + 1);
  }
  if (!Num.empty() && Num.back() == '%')
    Num.pop_back();
  if (Num.empty() || Num.find_first_not_of("0123456789.") != std::string::npos)
    return false;
  char *End = nullptr;
  double P = std::strtod(Num.c_str(), &End);
  if (*End != '\0' || !(P >= 0 && P <= 100))
    return false;
  F.Percent = P;
  return true;
}

bool parseFailUnders(const std::string &Arg, std::vector<FailUnder> &List) {
  std::vector<FailUnder> Parsed;
  size_t Start = 0;
  while (true) {
    size_t Comma = Arg.find(',', Start);
    FailUnder F;
    if (!parseFailUnder(Arg.substr(Start, Comma - Start), F))
      return false;
    Parsed.push_back(F);
    if (Comma == std::string::npos)
      break;
    Start = Comma + 1;
  }
  List.insert(List.end(), Parsed.begin(), Parsed.end());
  return true;
}

std::vector<std::string>
failUnderShortfalls(const CoverageSummary &S,
                    const std::vector<FailUnder> &List) {
  std::vector<std::string> Out;
  for (const FailUnder &F : List) {
    if (F.passes(S))
      continue;
    const CoverageCount &C = S.Totals.Counts[F.Which];
    char Buf[256];
    std::snprintf(Buf, sizeof(Buf),
                  "%s coverage %.2f%% (%" PRIu64 "/%" PRIu64
                  ") is below --fail-under=%s:%g",
                  MetricNoun[F.Which], C.percent(), C.Covered, C.Count,
                  MetricName[F.Which], F.Percent);
    Out.push_back(Buf);
  }
  return Out;
}

} // namespace bpfcov

//===-- XmlReports.cpp - Cobertura and SonarQube XML from LCOV ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See XmlReports.h; test/unit/XmlReportsTest.cpp checks the bytes, and
// test/cli/out-xml.test validates them (coverage-04.dtd, Sonar's schema).
//===----------------------------------------------------------------------===//
#include "XmlReports.h"

#include "Diag.h"
#include "Sys.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace bpfcov {

//===-- Reading LCOV ------------------------------------------------------===//

/// A decimal in [1, 2^64) from \p S; false otherwise.
static bool parseUInt(const std::string &S, uint64_t &V) {
  if (S.empty() || S.size() > 20 ||
      S.find_first_not_of("0123456789") != std::string::npos)
    return false;
  errno = 0;
  char *End = nullptr;
  unsigned long long N = std::strtoull(S.c_str(), &End, 10);
  if (errno || *End)
    return false;
  V = N;
  return true;
}

static std::vector<std::string> splitCommas(const std::string &S) {
  std::vector<std::string> Out;
  size_t Start = 0;
  for (size_t Comma; (Comma = S.find(',', Start)) != std::string::npos;
       Start = Comma + 1)
    Out.push_back(S.substr(Start, Comma - Start));
  Out.push_back(S.substr(Start));
  return Out;
}

int parseLcov(const std::string &Tracefile, LcovReport &Out, std::string &Err) {
  Out = LcovReport();
  std::map<std::string, size_t> Index; // path -> Out.Files slot
  LcovFile *Cur = nullptr;
  uint64_t LineNo = 0;
  auto Fail = [&](const std::string &What) {
    Err = "line " + std::to_string(LineNo) + ": " + What;
    return -EINVAL;
  };
  size_t Pos = 0;
  while (Pos < Tracefile.size()) {
    size_t Nl = Tracefile.find('\n', Pos);
    if (Nl == std::string::npos)
      Nl = Tracefile.size();
    std::string Line = Tracefile.substr(Pos, Nl - Pos);
    Pos = Nl + 1;
    ++LineNo;
    if (!Line.empty() && Line.back() == '\r')
      Line.pop_back();
    size_t Colon = Line.find(':');
    std::string Key = Line.substr(0, Colon);
    std::string Val = Colon == std::string::npos ? "" : Line.substr(Colon + 1);
    if (Key == "SF") {
      if (Cur)
        return Fail("SF before the end_of_record of '" + Cur->Path + "'");
      if (Val.empty())
        return Fail("SF without a path");
      for (unsigned char C : Val)
        if (C < 0x20 || C == 0x7f)
          return Fail("source path '" + Val +
                      "' has a control character, which XML cannot hold");
      auto [It, New] = Index.emplace(Val, Out.Files.size());
      if (New) {
        Out.Files.emplace_back();
        Out.Files.back().Path = Val;
      }
      Cur = &Out.Files[It->second];
    } else if (Key == "DA" || Key == "BRDA") {
      if (!Cur)
        return Fail(Key + " outside an SF record");
      std::vector<std::string> F = splitCommas(Val);
      uint64_t Number = 0, Count = 0;
      // DA:line,count[,checksum]; BRDA:line,block,branch,taken|-
      bool Ok = Key == "DA"
                    ? (F.size() == 2 || F.size() == 3) && parseUInt(F[1], Count)
                    : F.size() == 4 && (F[3] == "-" || parseUInt(F[3], Count));
      if (!Ok || !parseUInt(F[0], Number) || Number == 0)
        return Fail("malformed " + Key + " record '" + Line + "'");
      LcovLine &L = Cur->Lines[Number];
      if (Key == "DA") {
        L.Count = L.HasCount ? L.Count + Count : Count;
        L.HasCount = true;
      } else {
        ++L.Branches;
        L.TakenBranches += Count != 0;
      }
    } else if (Key == "end_of_record") {
      if (!Cur)
        return Fail("end_of_record outside an SF record");
      for (const auto &[Number, L] : Cur->Lines)
        if (!L.HasCount)
          return Fail("'" + Cur->Path + "' has branches on line " +
                      std::to_string(Number) + " but no DA record for it");
      Cur = nullptr;
    }
  }
  if (Cur) {
    Err = "'" + Cur->Path + "' has no end_of_record at the end";
    return -EINVAL;
  }
  return 0;
}

//===-- Writing XML -------------------------------------------------------===//

std::string xmlEscape(const std::string &S) {
  std::string Out;
  for (char C : S) {
    switch (C) {
    case '&':
      Out += "&amp;";
      break;
    case '<':
      Out += "&lt;";
      break;
    case '>':
      Out += "&gt;";
      break;
    case '"':
      Out += "&quot;";
      break;
    default:
      Out += C;
    }
  }
  return Out;
}

/// Covered / valid as Cobertura writes a rate: 0.875, 0.6667, 1 (also for
/// nothing to cover, as the summary's 0/0 is 100%).
static std::string rate(uint64_t Covered, uint64_t Valid) {
  char Buf[32];
  std::snprintf(Buf, sizeof(Buf), "%.4f",
                Valid ? static_cast<double>(Covered) / Valid : 1.0);
  std::string S = Buf;
  while (S.back() == '0')
    S.pop_back();
  if (S.back() == '.')
    S.pop_back();
  return S;
}

namespace {
struct Totals {
  uint64_t Lines = 0, LinesCovered = 0, Branches = 0, BranchesCovered = 0;
  void add(const LcovFile &F) {
    for (const auto &[Number, L] : F.Lines) {
      Lines += L.HasCount;
      LinesCovered += L.HasCount && L.Count;
      Branches += L.Branches;
      BranchesCovered += L.TakenBranches;
    }
  }
  void add(const Totals &T) {
    Lines += T.Lines;
    LinesCovered += T.LinesCovered;
    Branches += T.Branches;
    BranchesCovered += T.BranchesCovered;
  }
  /// line-rate="..." branch-rate="..."
  std::string rates() const {
    return "line-rate=\"" + rate(LinesCovered, Lines) + "\" branch-rate=\"" +
           rate(BranchesCovered, Branches) + "\"";
  }
};
} // namespace

std::string coberturaXml(const LcovReport &L, uint64_t Timestamp) {
  std::vector<std::string> Paths;
  for (const LcovFile &F : L.Files)
    Paths.push_back(F.Path);
  size_t Cut = commonDirPrefix(Paths);
  std::string Source = Cut ? Paths[0].substr(0, Cut) : ".";
  if (Source.size() > 1 && Source.back() == '/')
    Source.pop_back();

  // Packages: the files' directories below Source, "a/b" named "a.b" and
  // Source itself ".", in name order; classes in the tracefile's order.
  std::map<std::string, std::vector<const LcovFile *>> Packages;
  for (const LcovFile &F : L.Files) {
    std::string Rel = F.Path.substr(Cut);
    size_t Slash = Rel.rfind('/');
    std::string Name = Slash == std::string::npos ? "." : Rel.substr(0, Slash);
    for (char &C : Name)
      if (C == '/')
        C = '.';
    Packages[Name].push_back(&F);
  }

  Totals All;
  std::string Body;
  for (const auto &[Name, Files] : Packages) {
    Totals Pkg;
    std::string Classes;
    for (const LcovFile *F : Files) {
      Totals Cls;
      Cls.add(*F);
      Pkg.add(Cls);
      std::string Rel = F->Path.substr(Cut);
      Classes += "        <class name=\"" + xmlEscape(baseName(Rel)) +
                 "\" filename=\"" + xmlEscape(Rel) + "\" " + Cls.rates() +
                 " complexity=\"0\">\n"
                 "          <methods/>\n"
                 "          <lines>\n";
      for (const auto &[Number, Line] : F->Lines) {
        Classes += "            <line number=\"" + std::to_string(Number) +
                   "\" hits=\"" + std::to_string(Line.Count) + "\" branch=\"";
        if (Line.Branches) {
          Classes += "true\" condition-coverage=\"" +
                     std::to_string(100 * Line.TakenBranches / Line.Branches) +
                     "% (" + std::to_string(Line.TakenBranches) + "/" +
                     std::to_string(Line.Branches) + ")\"/>\n";
        } else {
          Classes += "false\"/>\n";
        }
      }
      Classes += "          </lines>\n"
                 "        </class>\n";
    }
    All.add(Pkg);
    Body += "    <package name=\"" + xmlEscape(Name) + "\" " + Pkg.rates() +
            " complexity=\"0\">\n"
            "      <classes>\n" +
            Classes +
            "      </classes>\n"
            "    </package>\n";
  }

  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<!DOCTYPE coverage SYSTEM "
         "\"http://cobertura.sourceforge.net/xml/coverage-04.dtd\">\n"
         "<coverage " +
         All.rates() + " lines-covered=\"" + std::to_string(All.LinesCovered) +
         "\" lines-valid=\"" + std::to_string(All.Lines) +
         "\" branches-covered=\"" + std::to_string(All.BranchesCovered) +
         "\" branches-valid=\"" + std::to_string(All.Branches) +
         "\" complexity=\"0\" version=\"bpfcov\" timestamp=\"" +
         std::to_string(Timestamp) +
         "\">\n"
         "  <sources>\n"
         "    <source>" +
         xmlEscape(Source) +
         "</source>\n"
         "  </sources>\n"
         "  <packages>\n" +
         Body +
         "  </packages>\n"
         "</coverage>\n";
}

std::string sonarqubeXml(const LcovReport &L) {
  std::string Out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<coverage version=\"1\">\n";
  for (const LcovFile &F : L.Files) {
    Out += "  <file path=\"" + xmlEscape(F.Path) + "\">\n";
    for (const auto &[Number, Line] : F.Lines) {
      Out += "    <lineToCover lineNumber=\"" + std::to_string(Number) +
             "\" covered=\"" + (Line.Count ? "true" : "false") + "\"";
      if (Line.Branches)
        Out += " branchesToCover=\"" + std::to_string(Line.Branches) +
               "\" coveredBranches=\"" + std::to_string(Line.TakenBranches) +
               "\"";
      Out += "/>\n";
    }
    Out += "  </file>\n";
  }
  return Out + "</coverage>\n";
}

//===-- From llvm-cov's export, with messages ----------------------------===//

/// The seconds of a Cobertura timestamp: $SOURCE_DATE_EPOCH when set (for
/// reproducible reports), else now. Returns false (after printing the
/// error) when $SOURCE_DATE_EPOCH is not a number of seconds.
static bool reportTimestamp(uint64_t &Seconds) {
  const char *Env = std::getenv("SOURCE_DATE_EPOCH");
  if (!Env) {
    Seconds = static_cast<uint64_t>(std::time(nullptr));
    return true;
  }
  char *End = nullptr;
  errno = 0;
  unsigned long long V = std::strtoull(Env, &End, 10);
  if (!*Env || *End || errno || *Env == '-') {
    pErr("SOURCE_DATE_EPOCH '%s' is not a number of seconds: unset it or "
         "give one",
         Env);
    return false;
  }
  Seconds = V;
  return true;
}

int xmlFromLcov(bool Sonarqube, const std::string &Lcov, std::string &Xml) {
  LcovReport L;
  std::string Err;
  if (parseLcov(Lcov, L, Err)) {
    pErr("cannot read llvm-cov's lcov export: %s", Err.c_str());
    return 1;
  }
  if (Sonarqube) {
    Xml = sonarqubeXml(L);
    return 0;
  }
  uint64_t Timestamp = 0;
  if (!reportTimestamp(Timestamp))
    return 1;
  Xml = coberturaXml(L, Timestamp);
  return 0;
}

} // namespace bpfcov

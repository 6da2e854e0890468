//===-- TestIndex.cpp - Which test cases hit each line --------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See TestIndex.h.
//===----------------------------------------------------------------------===//
#include "TestIndex.h"

#include "Diag.h"
#include "Json.h"
#include "Sys.h"

namespace bpfcov {

std::string testCaseName(const std::string &ProfRaw) {
  return stripSuffix(baseName(ProfRaw), ".profraw");
}

void addTestCase(TestIndex &Index, const std::string &Name,
                 const LcovReport &L) {
  unsigned Test = static_cast<unsigned>(Index.Tests.size());
  Index.Tests.push_back(Name);
  for (const LcovFile &F : L.Files)
    for (const auto &[Line, Info] : F.Lines)
      if (Info.HasCount && Info.Count > 0) {
        std::vector<unsigned> &Cases = Index.Hits[F.Path][Line];
        if (Cases.empty() || Cases.back() != Test)
          Cases.push_back(Test);
      }
}

int indexTestCases(
    const std::vector<std::string> &ProfRaws,
    const std::function<int(const std::string &, std::string &)> &ExportLcov,
    TestIndex &Index) {
  for (const std::string &ProfRaw : ProfRaws) {
    std::string Name = testCaseName(ProfRaw), Lcov, Err;
    if (Name == "all")
      continue;
    LcovReport L;
    if (ExportLcov(ProfRaw, Lcov))
      return 1;
    if (parseLcov(Lcov, L, Err)) {
      pErr("cannot read the lcov export of '%s': %s", ProfRaw.c_str(),
           Err.c_str());
      return 1;
    }
    addTestCase(Index, Name, L);
  }
  return 0;
}

std::string testIndexJson(const TestIndex &Index, bool Pretty) {
  JsonWriter W(Pretty);
  W.beginObject();
  W.key("tests");
  W.beginArray();
  for (const std::string &T : Index.Tests)
    W.string(T);
  W.endArray();
  W.key("files");
  W.beginArray();
  for (const auto &[File, Lines] : Index.Hits) {
    W.beginObject();
    W.member("filename", File);
    W.key("lines");
    W.beginArray();
    for (const auto &[Line, Cases] : Lines) {
      W.beginObject();
      W.memberUInt("line", Line);
      W.key("tests");
      W.beginArray();
      for (unsigned C : Cases)
        W.string(Index.Tests[C]);
      W.endArray();
      W.endObject();
    }
    W.endArray();
    W.endObject();
  }
  W.endArray();
  W.endObject();
  return W.str() + "\n";
}

std::string testIndexHtml(const TestIndex &Index) {
  std::string H = "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
                  "<title>Test cases per line</title></head><body>\n"
                  "<h1>Test cases per line</h1>\n<p>" +
                  std::to_string(Index.Tests.size()) + " test cases:";
  for (const std::string &T : Index.Tests)
    H += " <code>" + xmlEscape(T) + "</code>";
  H += "</p>\n";
  for (const auto &[File, Lines] : Index.Hits) {
    H += "<h2>" + xmlEscape(File) +
         "</h2>\n<table>\n<tr><th>line</th><th>run by</th></tr>\n";
    for (const auto &[Line, Cases] : Lines) {
      H += "<tr><td>" + std::to_string(Line) + "</td><td>";
      for (size_t I = 0; I < Cases.size(); ++I)
        H += (I ? ", " : "") + xmlEscape(Index.Tests[Cases[I]]);
      H += "</td></tr>\n";
    }
    H += "</table>\n";
  }
  return H + "</body></html>\n";
}

} // namespace bpfcov

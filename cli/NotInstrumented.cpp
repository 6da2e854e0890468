//===-- NotInstrumented.cpp - Functions the pass left without counters ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Reads the .bpfcov.notinstr section of .bpf.obj files with libelf (it is
// no map: libbpf does not expose it) and formats what it lists.
//
// USAGE: see NotInstrumented.h.
//===----------------------------------------------------------------------===//
#include "NotInstrumented.h"

#include "Diag.h"
#include "Json.h"
#include "SafeFs.h"
#include "Sys.h"
#include "XmlReports.h"
#include "bpfcov/Names.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sstream>
#include <unistd.h>

namespace bpfcov {

namespace {

/// The bytes of section \p Name of ELF file \p Path ("" when it has none
/// or is no ELF file).
/// Returns 0 or -errno with \p Err.
int readElfSection(const std::string &Path, const char *Name,
                   std::string &Out, std::string &Err) {
  Out.clear();
  if (elf_version(EV_CURRENT) == EV_NONE) {
    Err = "libelf is unusable: " + std::string(elf_errmsg(-1));
    return -EINVAL;
  }
  int Fd = open(Path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (Fd < 0) {
    int E = errno;
    Err = "cannot open '" + Path + "': " + std::strerror(E);
    return -E;
  }
  // Not ELF (llvm-cov also reads other formats): no such section.
  Elf *E = elf_begin(Fd, ELF_C_READ, nullptr);
  size_t StrIdx = 0;
  bool IsElf = E && elf_kind(E) == ELF_K_ELF;
  int R = 0;
  if (IsElf && elf_getshdrstrndx(E, &StrIdx)) {
    Err = "'" + Path + "': cannot read its section names: " + elf_errmsg(-1);
    R = -EINVAL;
  }
  for (Elf_Scn *Scn = nullptr; IsElf && !R && (Scn = elf_nextscn(E, Scn));) {
    GElf_Shdr Shdr;
    if (!gelf_getshdr(Scn, &Shdr))
      continue;
    const char *SecName = elf_strptr(E, StrIdx, Shdr.sh_name);
    if (!SecName || std::strcmp(SecName, Name) != 0)
      continue;
    Elf_Data *Data = elf_getdata(Scn, nullptr);
    if (Data && Data->d_buf)
      Out.assign(static_cast<const char *>(Data->d_buf), Data->d_size);
    break;
  }
  if (E)
    elf_end(E);
  close(Fd);
  return R;
}

} // namespace

int readNotInstrumented(const std::vector<std::string> &Objects,
                        std::vector<NotInstrumented> &Out) {
  std::string Err;
  for (const std::string &Obj : Objects) {
    std::string Text;
    if (int R = readElfSection(Obj, NotInstrumentedSection, Text, Err)) {
      pErr("%s", Err.c_str());
      return R;
    }
    std::istringstream Lines(Text);
    for (std::string Line; std::getline(Lines, Line);) {
      size_t Tab1 = Line.find('\t');
      size_t Tab2 = Tab1 == std::string::npos ? Tab1 : Line.find('\t', Tab1 + 1);
      if (Tab2 == std::string::npos) {
        pErr("'%s': malformed line '%s' in section '%s' (expected function, "
             "file and reason separated by tabs): rebuild the object with "
             "this bpfcov",
             Obj.c_str(), Line.c_str(), NotInstrumentedSection);
        return -EINVAL;
      }
      Out.push_back({Obj, Line.substr(0, Tab1),
                     Line.substr(Tab1 + 1, Tab2 - Tab1 - 1),
                     Line.substr(Tab2 + 1)});
    }
  }
  return 0;
}

std::string formatNotInstrumented(const std::vector<NotInstrumented> &List) {
  std::string S;
  for (const NotInstrumented &N : List)
    S += "not instrumented: " + N.Function +
         (N.File.empty() ? "" : " (" + N.File + ")") + ": " + N.Reason + "\n";
  return S;
}

void jsonNotInstrumented(JsonWriter &W,
                         const std::vector<NotInstrumented> &List) {
  W.beginArray();
  for (const NotInstrumented &N : List) {
    W.beginObject();
    W.member("function", N.Function);
    W.member("file", N.File);
    W.member("reason", N.Reason);
    W.member("object", N.Object);
    W.endObject();
  }
  W.endArray();
}

std::string notInstrumentedHtml(const std::vector<NotInstrumented> &List) {
  std::string H = "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
                  "<title>Functions not instrumented</title></head><body>\n"
                  "<h1>Functions not instrumented</h1>\n<p>The pass left " +
                  std::to_string(List.size()) +
                  " functions without counters: the report does not count "
                  "them (they are neither covered nor uncovered).</p>\n"
                  "<table>\n<tr><th>function</th><th>file</th><th>reason</th>"
                  "<th>object</th></tr>\n";
  for (const NotInstrumented &N : List)
    H += "<tr><td>" + xmlEscape(N.Function) + "</td><td>" + xmlEscape(N.File) +
         "</td><td>" + xmlEscape(N.Reason) + "</td><td>" +
         xmlEscape(N.Object) + "</td></tr>\n";
  return H + "</table>\n</body></html>\n";
}

int addNotInstrumentedPage(const std::string &Dir,
                           const std::vector<NotInstrumented> &List) {
  if (List.empty())
    return 0;
  if (int E = writeMarker(Dir, NotInstrumentedPage, notInstrumentedHtml(List))) {
    pErr("cannot write '%s' in the report: %s", NotInstrumentedPage,
         std::strerror(-E));
    return E;
  }
  std::string Index = joinPath(Dir, "index.html"), Html;
  int E = readFile(Index, Html);
  size_t End = E ? std::string::npos : Html.rfind("</body>");
  if (End != std::string::npos) {
    Html.insert(End, "<p><a href='" + std::string(NotInstrumentedPage) +
                         "'>" + std::to_string(List.size()) +
                         " functions not instrumented</a> (not counted "
                         "above)</p>");
    E = rewriteOwnFile(Index, Html);
  }
  if (E) {
    pErr("cannot link '%s' from the report's index.html: %s",
         NotInstrumentedPage, std::strerror(-E));
    return E;
  }
  return 0;
}

} // namespace bpfcov

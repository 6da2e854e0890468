//===-- Diag.cpp - Global options and diagnostics ---------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
#include "Diag.h"

#include "Json.h"

#include <cstdarg>
#include <cstdio>
#include <string>

namespace bpfcov {

GlobalOptions Globals;

/// \p S with control characters escaped (\e -> "\x1b"), so that names
/// from objects, pins or paths cannot drive the terminal. A newline (from a
/// tool's multi-line error) starts an indented line: never one that looks
/// like a message of its own.
std::string escapeControls(const std::string &S) {
  std::string Out;
  for (unsigned char C : S) {
    if (C == '\n') {
      Out += "\n  ";
    } else if (C < 0x20 || C == 0x7f) {
      char Buf[8];
      std::snprintf(Buf, sizeof(Buf), "\\x%02x", C);
      Out += Buf;
    } else {
      Out += static_cast<char>(C);
    }
  }
  return Out;
}

std::string vstrFormat(const char *Fmt, va_list Ap) {
  va_list Copy;
  va_copy(Copy, Ap);
  int Len = std::vsnprintf(nullptr, 0, Fmt, Copy);
  va_end(Copy);
  std::string Msg(Len > 0 ? static_cast<size_t>(Len) : 0, '\0');
  if (Len > 0)
    std::vsnprintf(Msg.data(), Msg.size() + 1, Fmt, Ap);
  return Msg;
}

std::string strFormat(const char *Fmt, ...) {
  va_list Ap;
  va_start(Ap, Fmt);
  std::string S = vstrFormat(Fmt, Ap);
  va_end(Ap);
  return S;
}

static void vprint(const char *Prefix, const char *Fmt, va_list Ap) {
  std::fprintf(stderr, "%s%s\n", Prefix,
               escapeControls(vstrFormat(Fmt, Ap)).c_str());
}

thread_local std::string *ErrorCapture = nullptr;

void pErr(const char *Fmt, ...) {
  va_list Ap;
  va_start(Ap, Fmt);
  if (ErrorCapture) {
    *ErrorCapture = vstrFormat(Fmt, Ap);
  } else if (Globals.Json) {
    JsonWriter W;
    W.beginObject();
    W.member("error", vstrFormat(Fmt, Ap));
    W.endObject();
    std::printf("%s\n", W.str().c_str());
    std::fflush(stdout);
  } else {
    vprint("Error: ", Fmt, Ap);
  }
  va_end(Ap);
}

void pInfo(const char *Fmt, ...) {
  if (Globals.Json)
    return;
  va_list Ap;
  va_start(Ap, Fmt);
  vprint("", Fmt, Ap);
  va_end(Ap);
}

void pWarn(const char *Fmt, ...) {
  if (Globals.Json)
    return;
  va_list Ap;
  va_start(Ap, Fmt);
  vprint("Warning: ", Fmt, Ap);
  va_end(Ap);
}

void pDebug(int Level, const char *Fmt, ...) {
  if (Globals.Json || Globals.Verbose < Level)
    return;
  va_list Ap;
  va_start(Ap, Fmt);
  vprint("debug: ", Fmt, Ap);
  va_end(Ap);
}

} // namespace bpfcov

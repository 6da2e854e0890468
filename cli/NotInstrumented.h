//===-- NotInstrumented.h - Functions the pass left without counters -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The functions bpfcov-cc's pass could not instrument (a jump out of range,
// -bpfcov-not-instrumented, or inlined into one of those): their coverage
// records are not in the .bpf.obj, so llvm-cov does not show them; the
// .bpf.obj lists them in its .bpfcov.notinstr section (bpfcov/Names.h),
// which `bpfcov out` reads here and reports in its summary, its -j value and
// the html report's not-instrumented.html.
//
// USAGE:
//   std::vector<NotInstrumented> List;
//   if (readNotInstrumented(Objects, List, Err)) ...
//   std::fputs(formatNotInstrumented(List).c_str(), stdout);
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_NOTINSTRUMENTED_H
#define BPFCOV_CLI_NOTINSTRUMENTED_H

#include <string>
#include <vector>

namespace bpfcov {

class JsonWriter;

/// One function of an object that has no coverage, and why.
struct NotInstrumented {
  std::string Object;   ///< the .bpf.obj that lists it
  std::string Function; ///< its name in the source
  std::string File;     ///< its source file ("" when the pass had none)
  std::string Reason;   ///< e.g. "inlined into 'on_event'"
};

/// Appends the functions each object of \p Objects lists (none when it has
/// no such section). Returns 0 or -errno (after printing the object and the
/// problem).
int readNotInstrumented(const std::vector<std::string> &Objects,
                        std::vector<NotInstrumented> &Out);

/// One "not instrumented: <function> (<file>): <reason>" line each.
std::string formatNotInstrumented(const std::vector<NotInstrumented> &List);

/// An array of {"function", "file", "reason", "object"}.
void jsonNotInstrumented(JsonWriter &W,
                         const std::vector<NotInstrumented> &List);

/// The html report's not-instrumented.html.
std::string notInstrumentedHtml(const std::vector<NotInstrumented> &List);

/// The file name of that page, beside index.html.
inline constexpr const char NotInstrumentedPage[] = "not-instrumented.html";

/// Writes NotInstrumentedPage into the html report \p Dir (bpfcov's
/// temporary) and links it from the end of its index.html; nothing when
/// \p List is empty. Returns 0 or -errno (after printing).
int addNotInstrumentedPage(const std::string &Dir,
                           const std::vector<NotInstrumented> &List);

} // namespace bpfcov

#endif // BPFCOV_CLI_NOTINSTRUMENTED_H

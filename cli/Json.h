//===-- Json.h - The one JSON writer and the one JSON reader ----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// JsonWriter is bpftool's json_writer for bpfcov: every command's -j value
// goes through it, compact (no whitespace) or, with -p, indented by two
// spaces with `"key": value`. Numbers a command formats itself (`%.2f`)
// go in as raw text. parseJson() reads RFC 8259 JSON (llvm-cov's export)
// into a JsonValue tree, keeping unsigned integers exact.
//
// Debian's nlohmann-json3-dev was weighed for the reader: its messages and
// offsets differ from the ones users and tests see ("trailing characters at
// offset 13"), and it has no nesting limit, so bpfcov keeps its own.
//
// USAGE:
//   JsonWriter W(Globals.Pretty);
//   W.beginObject(); W.key("app"); W.string(App); W.endObject();
//   std::printf("%s\n", W.str().c_str());
//===----------------------------------------------------------------------===//
#ifndef BPFCOV_CLI_JSON_H
#define BPFCOV_CLI_JSON_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace bpfcov {

/// Quotes and escapes \p S as a JSON string.
std::string jsonString(const std::string &S);

/// Builds one JSON value, compact or pretty.
class JsonWriter {
public:
  explicit JsonWriter(bool Pretty = false) : Pretty(Pretty) {}

  void beginObject() { open('{'); }
  void endObject() { close('}'); }
  void beginArray() { open('['); }
  void endArray() { close(']'); }
  /// The key of the next member of the current object.
  void key(const std::string &K);

  void string(const std::string &S) { raw(jsonString(S)); }
  void uint(uint64_t V) { raw(std::to_string(V)); }
  void integer(int64_t V) { raw(std::to_string(V)); }
  void boolean(bool B) { raw(B ? "true" : "false"); }
  void null() { raw("null"); }
  /// printf-formatted number (e.g. "%.2f"), written as it is.
  void number(const char *Fmt, double V);
  /// A value given as JSON text (a number, or a value built elsewhere).
  void raw(const std::string &Json);

  /// key() then the value, for the common case.
  void member(const std::string &K, const std::string &S) {
    key(K);
    string(S);
  }
  void memberUInt(const std::string &K, uint64_t V) {
    key(K);
    uint(V);
  }
  void memberBool(const std::string &K, bool B) {
    key(K);
    boolean(B);
  }

  /// The value so far (complete once every begin has its end).
  const std::string &str() const { return Out; }

private:
  void open(char C);
  void close(char C);
  void beforeValue();
  void newLine();

  bool Pretty;
  std::string Out;
  /// Per open container: whether it has a member yet.
  std::vector<bool> HasItems;
  bool AfterKey = false;
};

/// A parsed JSON value.
struct JsonValue {
  enum Kind { Null, Bool, Number, String, Array, Object } K = Null;
  bool B = false;
  double Num = 0;
  uint64_t UInt = 0; ///< exact value of a non-negative integer Number
  bool IsUInt = false;
  std::string Str;
  std::vector<JsonValue> Arr;
  std::vector<std::pair<std::string, JsonValue>> Obj;

  /// The member \p Key of an object; null when absent or not an object.
  const JsonValue *get(const char *Key) const;
};

/// Parses \p Text (RFC 8259, at most 64 levels deep). Returns true, or
/// false with \p Err saying what is wrong and at which byte offset.
bool parseJson(const std::string &Text, JsonValue &V, std::string &Err);

} // namespace bpfcov

#endif // BPFCOV_CLI_JSON_H

//===-- Json.cpp - The one JSON writer and the one JSON reader ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See Json.h.
//===----------------------------------------------------------------------===//
#include "Json.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace bpfcov {

std::string jsonString(const std::string &S) {
  std::string Out = "\"";
  for (unsigned char C : S) {
    switch (C) {
    case '"': Out += "\\\""; break;
    case '\\': Out += "\\\\"; break;
    case '\n': Out += "\\n"; break;
    case '\t': Out += "\\t"; break;
    case '\r': Out += "\\r"; break;
    default:
      if (C < 0x20) {
        char Buf[8];
        std::snprintf(Buf, sizeof(Buf), "\\u%04x", C);
        Out += Buf;
      } else {
        Out += static_cast<char>(C);
      }
    }
  }
  return Out + "\"";
}

//===-- Writer ------------------------------------------------------------===//

void JsonWriter::newLine() {
  if (Pretty)
    Out += "\n" + std::string(2 * HasItems.size(), ' ');
}

void JsonWriter::beforeValue() {
  if (AfterKey) {
    AfterKey = false;
    return;
  }
  if (HasItems.empty())
    return;
  if (HasItems.back())
    Out += ',';
  HasItems.back() = true;
  newLine();
}

void JsonWriter::key(const std::string &K) {
  beforeValue();
  Out += jsonString(K);
  Out += Pretty ? ": " : ":";
  AfterKey = true;
}

void JsonWriter::raw(const std::string &Json) {
  beforeValue();
  Out += Json;
}

void JsonWriter::number(const char *Fmt, double V) {
  char Buf[64];
  std::snprintf(Buf, sizeof(Buf), Fmt, V);
  raw(Buf);
}

void JsonWriter::open(char C) {
  beforeValue();
  Out += C;
  HasItems.push_back(false);
}

void JsonWriter::close(char C) {
  bool Items = HasItems.back();
  HasItems.pop_back();
  if (Items)
    newLine();
  Out += C;
}

//===-- Reader ------------------------------------------------------------===//

const JsonValue *JsonValue::get(const char *Key) const {
  if (K != Object)
    return nullptr;
  for (const auto &KV : Obj)
    if (KV.first == Key)
      return &KV.second;
  return nullptr;
}

namespace {

/// Recursive descent over RFC 8259 JSON; depth-limited.
class JsonParser {
public:
  explicit JsonParser(const std::string &S) : S(S) {}

  bool parse(JsonValue &V, std::string &Err) {
    bool Ok = value(V, 0);
    skipSpace();
    if (Ok && Pos != S.size()) {
      Ok = false;
      Msg = "trailing characters";
    }
    if (!Ok)
      Err = Msg + " at offset " + std::to_string(Pos);
    return Ok;
  }

private:
  const std::string &S;
  size_t Pos = 0;
  std::string Msg;

  bool fail(const char *M) {
    Msg = M;
    return false;
  }
  void skipSpace() {
    while (Pos < S.size() && (S[Pos] == ' ' || S[Pos] == '\n' ||
                              S[Pos] == '\r' || S[Pos] == '\t'))
      ++Pos;
  }
  bool literal(const char *L) {
    size_t N = std::strlen(L);
    if (S.compare(Pos, N, L) != 0)
      return fail("invalid literal");
    Pos += N;
    return true;
  }

  bool value(JsonValue &V, unsigned Depth) {
    if (Depth > 64)
      return fail("nesting too deep");
    skipSpace();
    if (Pos >= S.size())
      return fail("unexpected end of input");
    char C = S[Pos];
    if (C == '{')
      return object(V, Depth);
    if (C == '[')
      return array(V, Depth);
    if (C == '"') {
      V.K = JsonValue::String;
      return string(V.Str);
    }
    if (C == 't' || C == 'f') {
      V.K = JsonValue::Bool;
      V.B = C == 't';
      return literal(V.B ? "true" : "false");
    }
    if (C == 'n') {
      V.K = JsonValue::Null;
      return literal("null");
    }
    return number(V);
  }

  bool object(JsonValue &V, unsigned Depth) {
    V.K = JsonValue::Object;
    ++Pos; // '{'
    skipSpace();
    if (Pos < S.size() && S[Pos] == '}') {
      ++Pos;
      return true;
    }
    while (true) {
      skipSpace();
      std::string Key;
      if (Pos >= S.size() || S[Pos] != '"' || !string(Key))
        return Msg.empty() ? fail("expected a key") : false;
      skipSpace();
      if (Pos >= S.size() || S[Pos] != ':')
        return fail("expected ':'");
      ++Pos;
      V.Obj.emplace_back(std::move(Key), JsonValue());
      if (!value(V.Obj.back().second, Depth + 1))
        return false;
      skipSpace();
      if (Pos < S.size() && S[Pos] == ',') {
        ++Pos;
        continue;
      }
      if (Pos < S.size() && S[Pos] == '}') {
        ++Pos;
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }

  bool array(JsonValue &V, unsigned Depth) {
    V.K = JsonValue::Array;
    ++Pos; // '['
    skipSpace();
    if (Pos < S.size() && S[Pos] == ']') {
      ++Pos;
      return true;
    }
    while (true) {
      V.Arr.emplace_back();
      if (!value(V.Arr.back(), Depth + 1))
        return false;
      skipSpace();
      if (Pos < S.size() && S[Pos] == ',') {
        ++Pos;
        continue;
      }
      if (Pos < S.size() && S[Pos] == ']') {
        ++Pos;
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }

  static void appendUtf8(std::string &Out, uint32_t CP) {
    if (CP < 0x80) {
      Out += static_cast<char>(CP);
    } else if (CP < 0x800) {
      Out += static_cast<char>(0xc0 | (CP >> 6));
      Out += static_cast<char>(0x80 | (CP & 0x3f));
    } else if (CP < 0x10000) {
      Out += static_cast<char>(0xe0 | (CP >> 12));
      Out += static_cast<char>(0x80 | ((CP >> 6) & 0x3f));
      Out += static_cast<char>(0x80 | (CP & 0x3f));
    } else {
      Out += static_cast<char>(0xf0 | (CP >> 18));
      Out += static_cast<char>(0x80 | ((CP >> 12) & 0x3f));
      Out += static_cast<char>(0x80 | ((CP >> 6) & 0x3f));
      Out += static_cast<char>(0x80 | (CP & 0x3f));
    }
  }

  bool hex4(uint32_t &CP) {
    if (Pos + 4 > S.size())
      return fail("truncated \\u escape");
    CP = 0;
    for (unsigned I = 0; I < 4; ++I) {
      char C = S[Pos++];
      CP <<= 4;
      if (C >= '0' && C <= '9')
        CP |= C - '0';
      else if (C >= 'a' && C <= 'f')
        CP |= C - 'a' + 10;
      else if (C >= 'A' && C <= 'F')
        CP |= C - 'A' + 10;
      else
        return fail("invalid \\u escape");
    }
    return true;
  }

  bool string(std::string &Out) {
    ++Pos; // '"'
    while (Pos < S.size()) {
      char C = S[Pos++];
      if (C == '"')
        return true;
      if (static_cast<unsigned char>(C) < 0x20)
        return fail("control character in string");
      if (C != '\\') {
        Out += C;
        continue;
      }
      if (Pos >= S.size())
        break;
      char E = S[Pos++];
      switch (E) {
      case '"':
        Out += '"';
        break;
      case '\\':
        Out += '\\';
        break;
      case '/':
        Out += '/';
        break;
      case 'b':
        Out += '\b';
        break;
      case 'f':
        Out += '\f';
        break;
      case 'n':
        Out += '\n';
        break;
      case 'r':
        Out += '\r';
        break;
      case 't':
        Out += '\t';
        break;
      case 'u': {
        uint32_t CP;
        if (!hex4(CP))
          return false;
        // A surrogate pair encodes one code point above U+FFFF.
        if (CP >= 0xd800 && CP < 0xdc00 && S.compare(Pos, 2, "\\u") == 0) {
          Pos += 2;
          uint32_t Lo;
          if (!hex4(Lo))
            return false;
          if (Lo < 0xdc00 || Lo >= 0xe000)
            return fail("invalid surrogate pair");
          CP = 0x10000 + ((CP - 0xd800) << 10) + (Lo - 0xdc00);
        }
        appendUtf8(Out, CP);
        break;
      }
      default:
        return fail("invalid escape");
      }
    }
    return fail("unterminated string");
  }

  bool number(JsonValue &V) {
    size_t Start = Pos;
    if (Pos < S.size() && S[Pos] == '-')
      ++Pos;
    size_t IntStart = Pos;
    while (Pos < S.size() && S[Pos] >= '0' && S[Pos] <= '9')
      ++Pos;
    if (Pos == IntStart)
      return fail("invalid value");
    bool Integer = true;
    if (Pos < S.size() && S[Pos] == '.') {
      Integer = false;
      ++Pos;
      while (Pos < S.size() && S[Pos] >= '0' && S[Pos] <= '9')
        ++Pos;
    }
    if (Pos < S.size() && (S[Pos] == 'e' || S[Pos] == 'E')) {
      Integer = false;
      ++Pos;
      if (Pos < S.size() && (S[Pos] == '+' || S[Pos] == '-'))
        ++Pos;
      while (Pos < S.size() && S[Pos] >= '0' && S[Pos] <= '9')
        ++Pos;
    }
    std::string Text = S.substr(Start, Pos - Start);
    V.K = JsonValue::Number;
    V.Num = std::strtod(Text.c_str(), nullptr);
    if (Integer && Text[0] != '-') {
      errno = 0;
      V.UInt = std::strtoull(Text.c_str(), nullptr, 10);
      V.IsUInt = errno == 0;
    }
    return true;
  }
};

} // namespace

bool parseJson(const std::string &Text, JsonValue &V, std::string &Err) {
  V = JsonValue();
  return JsonParser(Text).parse(V, Err);
}

} // namespace bpfcov

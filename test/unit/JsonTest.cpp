//===-- JsonTest.cpp - Unit tests of the JSON writer and reader
//------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The one JsonWriter, compact and pretty, byte for byte; the reader's
// values (exact unsigned integers, escapes, nesting).
//
// USAGE: build-*/test/unit/bpfcov_unit_tests --gtest_filter='Json*'
//===----------------------------------------------------------------------===//
#include "Json.h"

#include <gtest/gtest.h>

using namespace bpfcov;

namespace {

/// {"a":"x","n":[1,null,true],"e":{},"f":[],"p":66.67}
std::string sample(bool Pretty) {
  JsonWriter W(Pretty);
  W.beginObject();
  W.member("a", "x");
  W.key("n");
  W.beginArray();
  W.uint(1);
  W.null();
  W.boolean(true);
  W.endArray();
  W.key("e");
  W.beginObject();
  W.endObject();
  W.key("f");
  W.beginArray();
  W.endArray();
  W.key("p");
  W.number("%.2f", 200.0 / 3);
  W.endObject();
  return W.str();
}

TEST(JsonWriter, Compact) {
  EXPECT_EQ(sample(false),
            R"({"a":"x","n":[1,null,true],"e":{},"f":[],"p":66.67})");
}

TEST(JsonWriter, PrettyIsTwoSpacesAndColonSpace) {
  EXPECT_EQ(sample(true), "{\n"
                          "  \"a\": \"x\",\n"
                          "  \"n\": [\n"
                          "    1,\n"
                          "    null,\n"
                          "    true\n"
                          "  ],\n"
                          "  \"e\": {},\n"
                          "  \"f\": [],\n"
                          "  \"p\": 66.67\n"
                          "}");
}

TEST(JsonWriter, ArrayOfObjectsAndEscapes) {
  JsonWriter W(true);
  W.beginArray();
  W.beginObject();
  W.member("k\"", "a\nb\x01");
  W.endObject();
  W.beginObject();
  W.memberUInt("big", 18446744073709551615ULL);
  W.endObject();
  W.endArray();
  EXPECT_EQ(W.str(), "[\n"
                     "  {\n"
                     "    \"k\\\"\": \"a\\nb\\u0001\"\n"
                     "  },\n"
                     "  {\n"
                     "    \"big\": 18446744073709551615\n"
                     "  }\n"
                     "]");
}

TEST(JsonReader, ValuesAndExactIntegers) {
  JsonValue V;
  std::string Err;
  ASSERT_TRUE(parseJson(
      R"( {"s":"a\u00e9\ud83d\ude00","n":18446744073709551615,"f":-1.5,)"
      R"("b":false,"z":null,"l":[1,[2]]} )",
      V, Err))
      << Err;
  ASSERT_EQ(V.K, JsonValue::Object);
  EXPECT_EQ(V.get("s")->Str, "a\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_TRUE(V.get("n")->IsUInt);
  EXPECT_EQ(V.get("n")->UInt, 18446744073709551615ULL);
  EXPECT_FALSE(V.get("f")->IsUInt);
  EXPECT_DOUBLE_EQ(V.get("f")->Num, -1.5);
  EXPECT_EQ(V.get("b")->K, JsonValue::Bool);
  EXPECT_EQ(V.get("z")->K, JsonValue::Null);
  EXPECT_EQ(V.get("l")->Arr.at(1).Arr.at(0).UInt, 2u);
  EXPECT_EQ(V.get("missing"), nullptr);
  EXPECT_EQ(V.get("l")->get("x"), nullptr); // not an object
}

TEST(JsonReader, WriterOutputReadsBack) {
  for (bool Pretty : {false, true}) {
    JsonValue V;
    std::string Err;
    ASSERT_TRUE(parseJson(sample(Pretty), V, Err)) << Err;
    EXPECT_EQ(V.get("a")->Str, "x");
    EXPECT_EQ(V.get("n")->Arr.size(), 3u);
    EXPECT_DOUBLE_EQ(V.get("p")->Num, 66.67);
  }
}

TEST(JsonReader, Errors) {
  JsonValue V;
  std::string Err;
  EXPECT_FALSE(parseJson("{\"a\" 1}", V, Err));
  EXPECT_EQ(Err, "expected ':' at offset 5");
  EXPECT_FALSE(parseJson("[1,]", V, Err));
  EXPECT_EQ(Err, "invalid value at offset 3");
  EXPECT_FALSE(parseJson("\"abc", V, Err));
  EXPECT_EQ(Err, "unterminated string at offset 4");
}

} // namespace

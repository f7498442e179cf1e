#include "protocol/postgres/value_format.h"

#include <gtest/gtest.h>

#include "engine/sql/types/interval.h"

namespace lumadb::protocol::postgres {
namespace {

using engine::sql::Type;
using engine::sql::TypeId;
using engine::sql::Value;

std::string Binary(const Value& v) {
  std::string s;
  AppendValue(v, 1, &s);
  return s;
}

TEST(PgValueFormat, BinaryIsBigEndianAndRoundTrips) {
  EXPECT_EQ(Binary(Value::Int(TypeId::kInt4, 1)), std::string("\0\0\0\1", 4));
  EXPECT_EQ(Binary(Value::Int(TypeId::kInt2, -2)), std::string("\xff\xfe", 2));
  EXPECT_EQ(Binary(Value::Bool(true)), std::string("\1", 1));
  EXPECT_EQ(Binary(Value::Float(TypeId::kFloat8, 1.0)), std::string("\x3f\xf0\0\0\0\0\0\0", 8));
  EXPECT_EQ(Binary(Value::String(Type::Of(TypeId::kText), "hé")), "hé");
  for (TypeId id : {TypeId::kInt2, TypeId::kInt4, TypeId::kInt8}) {
    Value v = Value::Int(id, -12345);
    auto back = DecodeParam(Binary(v), 1, Type::Of(id), 0);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->i, -12345);
  }
  auto f = DecodeParam(Binary(Value::Float(TypeId::kFloat4, 0.25)), 1, Type::Of(TypeId::kFloat4), 0);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->f, 0.25);
}

TEST(PgValueFormat, NumericBinaryIsBase10000Digits) {
  Value v = Value::String(Type::Of(TypeId::kNumeric), "12345.678");
  // ndigits 3, weight 1, sign +, dscale 3, digits 1 2345 6780.
  EXPECT_EQ(Binary(v), std::string("\0\3\0\1\0\0\0\3\0\1\x09\x29\x1a\x7c", 14));
  EXPECT_EQ(Binary(Value::String(Type::Of(TypeId::kNumeric), "-0.0005")),
            std::string("\0\1\xff\xff\x40\0\0\4\0\5", 10));
  EXPECT_EQ(Binary(Value::String(Type::Of(TypeId::kNumeric), "0.00")), std::string("\0\0\0\0\0\0\0\2", 8));
  for (const char* text : {"12345.678", "-0.0005", "0.00", "100000000", "-7", "0.1", "123456789012.0000001"}) {
    auto back = DecodeParam(Binary(Value::String(Type::Of(TypeId::kNumeric), text)), 1, Type::Of(TypeId::kNumeric), 0);
    ASSERT_TRUE(back.ok()) << text;
    EXPECT_EQ(back->s, text);
  }
}

TEST(PgValueFormat, ParamsDecodeWithPostgresErrors) {
  auto null = DecodeParam(std::nullopt, 0, Type::Of(TypeId::kInt4), 0);
  ASSERT_TRUE(null.ok());
  EXPECT_TRUE(null->null);
  auto text = DecodeParam("42", 0, Type::Of(TypeId::kInt8), 0);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->i, 42);
  auto bad = DecodeParam("4x", 0, Type::Of(TypeId::kInt4), 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().error().sqlstate, "22P02");
  auto short_int = DecodeParam(std::string("\0\1", 2), 1, Type::Of(TypeId::kInt4), 2);
  ASSERT_FALSE(short_int.ok());
  EXPECT_EQ(short_int.status().error().sqlstate, "22P03");
  EXPECT_EQ(short_int.status().error().message, "incorrect binary data format in bind parameter 3");
  auto too_long = DecodeParam("abcdef", 1, Type::Of(TypeId::kVarchar, 3), 0);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().error().sqlstate, "22001");
}

TEST(PgValueFormat, ParseOidsMapToTypes) {
  EXPECT_EQ(TypeForOid(0)->id, TypeId::kUnknown);
  EXPECT_EQ(TypeForOid(23)->id, TypeId::kInt4);
  EXPECT_EQ(TypeForOid(1043)->id, TypeId::kVarchar);
  EXPECT_EQ(TypeForOid(1700)->id, TypeId::kNumeric);
  EXPECT_EQ(TypeForOid(2950)->id, TypeId::kUuid);
  EXPECT_EQ(TypeForOid(17)->id, TypeId::kBytea);
}

TEST(PgValueFormat, UuidAndByteaBinaryAreTheirBytes) {
  std::string raw("\x12\x34\x56\x78\x12\x34\x56\x78\x12\x34\x56\x78\x12\x34\x56\x78", 16);
  auto u = DecodeParam(raw, 1, Type::Of(TypeId::kUuid), 0);
  ASSERT_TRUE(u.ok());
  std::string text;
  AppendValue(*u, 0, &text);
  EXPECT_EQ(text, "12345678-1234-5678-1234-567812345678");
  std::string bin;
  AppendValue(*u, 1, &bin);
  EXPECT_EQ(bin, raw);
  EXPECT_FALSE(DecodeParam(raw.substr(1), 1, Type::Of(TypeId::kUuid), 0).ok());
  auto b = DecodeParam(std::string("\0\xff", 2), 1, Type::Of(TypeId::kBytea), 0);
  ASSERT_TRUE(b.ok());
  text.clear();
  AppendValue(*b, 0, &text);
  EXPECT_EQ(text, "\\x00ff");
}

TEST(PgValueFormat, JsonbBinaryIsAVersionByteAndText) {
  EXPECT_EQ(TypeForOid(114)->id, TypeId::kJson);
  EXPECT_EQ(TypeForOid(3802)->id, TypeId::kJsonb);
  auto j = DecodeParam(std::string("\x01{\"b\":1,\"a\":2}"), 1, Type::Of(TypeId::kJsonb), 0);
  ASSERT_TRUE(j.ok());
  std::string text;
  AppendValue(*j, 0, &text);
  EXPECT_EQ(text, "{\"a\": 2, \"b\": 1}");
  std::string bin;
  AppendValue(*j, 1, &bin);
  EXPECT_EQ(bin, "\x01" + text);
  auto bad = DecodeParam(std::string("\x02{}"), 1, Type::Of(TypeId::kJsonb), 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().error().sqlstate, "22P03");
  // json's binary form is its text, kept as written.
  auto raw = DecodeParam(std::string("{\"b\":  1}"), 1, Type::Of(TypeId::kJson), 0);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->s, "{\"b\":  1}");
}

TEST(PgValueFormat, ArrayBinaryIsArraySendsLayout) {
  Type int4 = Type::Of(TypeId::kInt4);
  auto arr = engine::sql::ParseText("{7,NULL}", Type::ArrayOf(int4));
  ASSERT_TRUE(arr.ok());
  std::string bin;
  AppendValue(*arr, 1, &bin);
  // ndim 1, has nulls, element OID 23, 2 elements from 1; 7 as 4 bytes; NULL as length -1.
  EXPECT_EQ(bin, std::string("\0\0\0\1\0\0\0\1\0\0\0\x17\0\0\0\2\0\0\0\1"
                             "\0\0\0\4\0\0\0\7\xff\xff\xff\xff",
                             32));
  auto back = DecodeParam(bin, 1, Type::ArrayOf(int4), 0);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->s, "{7,NULL}");
  EXPECT_EQ(back->type, Type::ArrayOf(int4));
  // An array of another element type, or a truncated one, is refused.
  auto wrong = DecodeParam(bin, 1, Type::ArrayOf(Type::Of(TypeId::kInt8)), 0);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().error().sqlstate, "42804");
  auto cut = DecodeParam(bin.substr(0, 30), 1, Type::ArrayOf(int4), 0);
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().error().sqlstate, "22P03");
}

}  // namespace
TEST(PgValueFormat, IntervalAndTimeBinaryAreIntervalSendsLayout) {
  // interval_send: microseconds (int8), days (int4), months (int4).
  engine::sql::datetime::Interval iv{14, -3, 1500000};
  Value v = Value::String(Type::Of(TypeId::kInterval), engine::sql::datetime::EncodeInterval(iv));
  EXPECT_EQ(Binary(v), std::string("\0\0\0\0\0\x16\xe3\x60\xff\xff\xff\xfd\0\0\0\x0e", 16));
  auto back = DecodeParam(Binary(v), 1, Type::Of(TypeId::kInterval), 0);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->s, v.s);
  // An interval(0) parameter is rounded to its typmod.
  auto rounded = DecodeParam(Binary(v), 1,
                             Type::Of(TypeId::kInterval, engine::sql::datetime::IntervalTypmod(
                                                             0, engine::sql::datetime::kIntervalFullRange)),
                             0);
  ASSERT_TRUE(rounded.ok());
  EXPECT_EQ(engine::sql::datetime::DecodeInterval(rounded->s).micros, 2000000);
  EXPECT_FALSE(DecodeParam(std::string(15, '\0'), 1, Type::Of(TypeId::kInterval), 0).ok());

  Value t = Value::Int(TypeId::kTime, 3600000000);
  EXPECT_EQ(Binary(t), std::string("\0\0\0\0\xd6\x93\xa4\0", 8));
  auto tb = DecodeParam(Binary(t), 1, Type::Of(TypeId::kTime), 0);
  ASSERT_TRUE(tb.ok());
  EXPECT_EQ(tb->i, 3600000000);
  auto bad = DecodeParam(Binary(Value::Int(TypeId::kTime, -1)), 1, Type::Of(TypeId::kTime), 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().error().sqlstate, "22008");
}

}  // namespace lumadb::protocol::postgres

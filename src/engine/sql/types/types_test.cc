#include "engine/sql/types/types.h"

#include <gtest/gtest.h>

#include <cmath>

namespace lumadb::engine::sql {
namespace {

std::string F8(double d) {
  std::string s;
  AppendFloatText(TypeId::kFloat8, d, &s);
  return s;
}
std::string F4(double d) {
  std::string s;
  AppendFloatText(TypeId::kFloat4, d, &s);
  return s;
}

// Expected strings are what PostgreSQL 15 prints (extra_float_digits = 1).
TEST(SqlTypes, Float8TextLikePostgres) {
  EXPECT_EQ(F8(0.1), "0.1");
  EXPECT_EQ(F8(100000), "100000");
  EXPECT_EQ(F8(1e15), "1e+15");
  EXPECT_EQ(F8(123456789012345.0), "123456789012345");
  EXPECT_EQ(F8(1.2345678901234568e17), "1.2345678901234568e+17");
  EXPECT_EQ(F8(0.0001), "0.0001");
  EXPECT_EQ(F8(0.00001), "1e-05");
  EXPECT_EQ(F8(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(F8(-2.5), "-2.5");
  EXPECT_EQ(F8(1e100), "1e+100");
  EXPECT_EQ(F8(1.0 / 0.0), "Infinity");
  EXPECT_EQ(F4(1000000), "1e+06");
  EXPECT_EQ(F4(123456), "123456");
  EXPECT_EQ(F4(0.1f), "0.1");
}

TEST(SqlTypes, IntegerInputErrorsAreWordedAsPostgres) {
  auto ok = ParseText(" 42 ", Type::Of(TypeId::kInt4));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->i, 42);
  auto bad = ParseText("abc", Type::Of(TypeId::kInt4));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().error().sqlstate, "22P02");
  EXPECT_EQ(bad.status().error().message, "invalid input syntax for type integer: \"abc\"");
  auto big = ParseText("2147483648", Type::Of(TypeId::kInt4));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().error().sqlstate, "22003");
  EXPECT_EQ(big.status().error().message, "value \"2147483648\" is out of range for type integer");
  EXPECT_TRUE(ParseText("-9223372036854775808", Type::Of(TypeId::kInt8)).ok());
  EXPECT_FALSE(ParseText("9223372036854775808", Type::Of(TypeId::kInt8)).ok());
  EXPECT_FALSE(ParseText("", Type::Of(TypeId::kInt2)).ok());
  EXPECT_FALSE(ParseText("1.5", Type::Of(TypeId::kInt4)).ok());
}

TEST(SqlTypes, BooleanInput) {
  for (const char* t : {"t", "true", "TRUE", "yes", "on", "1", " y "}) {
    auto v = ParseText(t, Type::Of(TypeId::kBool));
    ASSERT_TRUE(v.ok()) << t;
    EXPECT_EQ(v->i, 1) << t;
  }
  for (const char* f : {"f", "false", "no", "off", "0"}) {
    auto v = ParseText(f, Type::Of(TypeId::kBool));
    ASSERT_TRUE(v.ok()) << f;
    EXPECT_EQ(v->i, 0) << f;
  }
  auto bad = ParseText("o", Type::Of(TypeId::kBool));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().error().message, "invalid input syntax for type boolean: \"o\"");
}

TEST(SqlTypes, VarcharAndCharLengths) {
  auto v = CastValue(Value::String(Type::Of(TypeId::kUnknown), "abcd"), Type::Of(TypeId::kVarchar, 3), false);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().error().sqlstate, "22001");
  EXPECT_EQ(v.status().error().message, "value too long for type character varying(3)");
  // Trailing spaces past the limit are cut silently; explicit casts truncate.
  auto s = CastValue(Value::String(Type::Of(TypeId::kText), "ab   "), Type::Of(TypeId::kVarchar, 3), false);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->s, "ab ");
  auto e = CastValue(Value::String(Type::Of(TypeId::kText), "abcd"), Type::Of(TypeId::kVarchar, 2), true);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->s, "ab");
  auto c = CastValue(Value::String(Type::Of(TypeId::kText), "ab"), Type::Of(TypeId::kBpchar, 4), false);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->s, "ab  ");
}

TEST(SqlTypes, CastsBetweenNumbers) {
  auto r = CastValue(Value::Float(TypeId::kFloat8, 2.5), Type::Of(TypeId::kInt4), true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->i, 2);  // rint: half to even, as PostgreSQL
  auto r2 = CastValue(Value::Float(TypeId::kFloat8, 3.5), Type::Of(TypeId::kInt4), true);
  EXPECT_EQ(r2->i, 4);
  auto o = CastValue(Value::Int(TypeId::kInt8, 1LL << 40), Type::Of(TypeId::kInt4), true);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().error().message, "integer out of range");
  EXPECT_EQ(TypeOid(Type::Of(TypeId::kInt4)), 23u);
  EXPECT_EQ(TypeMod(Type::Of(TypeId::kVarchar, 10)), 14);
  EXPECT_EQ(TypeName(Type::Of(TypeId::kVarchar, 10)), "character varying(10)");
}

TEST(SqlTypes, OrderPutsNullsLastAndComparesAcrossNumbers) {
  EXPECT_LT(CompareValues(Value::Int(TypeId::kInt4, 1), Value::Null()), 0);
  EXPECT_LT(CompareValues(Value::Int(TypeId::kInt4, 1), Value::Float(TypeId::kFloat8, 1.5)), 0);
  EXPECT_EQ(CompareValues(Value::Int(TypeId::kInt8, 2), Value::Float(TypeId::kFloat8, 2.0)), 0);
  EXPECT_GT(CompareValues(Value::Float(TypeId::kFloat8, std::nan("")), Value::Float(TypeId::kFloat8, 1e300)), 0);
}

}  // namespace
}  // namespace lumadb::engine::sql

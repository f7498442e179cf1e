#include "engine/sql/types/numeric.h"

#include <gtest/gtest.h>

namespace lumadb::engine::sql::numeric {
namespace {

Decimal D(const char* s) {
  auto d = Parse(s);
  EXPECT_TRUE(d.ok()) << s;
  return d.ok() ? d.value() : Decimal{};
}

std::string S(SqlResult<Decimal> d) {
  return d.ok() ? ToString(d.value()) : "ERROR " + d.status().error().sqlstate + ": " + d.status().error().message;
}

TEST(Numeric, TextInKeepsTheWrittenScale) {
  EXPECT_EQ(ToString(D("1.50")), "1.50");
  EXPECT_EQ(ToString(D("  -0012.3  ")), "-12.3");
  EXPECT_EQ(ToString(D(".5")), "0.5");
  EXPECT_EQ(ToString(D("5.")), "5");
  EXPECT_EQ(ToString(D("1.5e3")), "1500");
  EXPECT_EQ(ToString(D("15e-3")), "0.015");
  EXPECT_EQ(ToString(D("-0")), "0");
  EXPECT_EQ(S(Parse("abc")), "ERROR 22P02: invalid input syntax for type numeric: \"abc\"");
  EXPECT_EQ(S(Parse("1.2.3")), "ERROR 22P02: invalid input syntax for type numeric: \"1.2.3\"");
  EXPECT_EQ(S(Parse("")), "ERROR 22P02: invalid input syntax for type numeric: \"\"");
  EXPECT_EQ(S(Parse("NaN")).substr(0, 11), "ERROR 0A000");
  EXPECT_EQ(S(Parse("123456789012345678901234567890123456789")), "ERROR 22003: value overflows numeric format");
}

TEST(Numeric, ArithmeticScalesAsPostgres) {
  EXPECT_EQ(S(Add(D("1.5"), D("2.25"))), "3.75");
  EXPECT_EQ(S(Sub(D("1"), D("0.001"))), "0.999");
  EXPECT_EQ(S(Mul(D("1.5"), D("1.50"))), "2.250");
  // select_div_scale: at least 16 significant digits, at least each input's scale.
  EXPECT_EQ(S(Div(D("1"), D("3"))), "0.33333333333333333333");
  EXPECT_EQ(S(Div(D("3"), D("2"))), "1.5000000000000000");
  EXPECT_EQ(S(Div(D("10"), D("4"))), "2.5000000000000000");
  EXPECT_EQ(S(Div(D("2"), D("3"))), "0.66666666666666666667");
  EXPECT_EQ(S(Div(D("123456"), D("7"))), "17636.571428571429");
  EXPECT_EQ(S(Div(D("1.0000000000000000000000"), D("3"))), "0.3333333333333333333333");
  EXPECT_EQ(S(Div(D("-7"), D("2"))), "-3.5000000000000000");
  EXPECT_EQ(S(Div(D("1"), D("0"))), "ERROR 22012: division by zero");
  EXPECT_EQ(S(Mod(D("7.5"), D("2"))), "1.5");
  EXPECT_EQ(S(Mod(D("-7"), D("3"))), "-1");
  EXPECT_EQ(Compare(D("1.5"), D("1.50")), 0);
  EXPECT_EQ(Compare(D("-2"), D("1.99")), -1);
  EXPECT_EQ(Compare(D("10.01"), D("10.001")), 1);
}

TEST(Numeric, ThirtyEightDigitsAndNoMore) {
  Decimal big = D("99999999999999999999999999999999999999");  // 38 nines
  EXPECT_EQ(S(Add(big, big)), "ERROR 22003: value overflows numeric format");
  EXPECT_EQ(S(Sub(Neg(big), big)), "ERROR 22003: value overflows numeric format");
  EXPECT_EQ(S(Mul(big, D("10"))), "ERROR 22003: value overflows numeric format");
  EXPECT_EQ(S(Round(D("0.99999999999999999999999999999999999999"), 37)), "1.0000000000000000000000000000000000000");
  // PostgreSQL would answer with 56 decimals; that is past 38 digits here.
  EXPECT_EQ(S(Div(D("0.00000000000000000000000000000000000005"), D("1"))),
            "ERROR 22003: value overflows numeric format");
  EXPECT_EQ(Compare(big, Neg(big)), 1);
}

TEST(Numeric, RoundingIsHalfAwayFromZero) {
  EXPECT_EQ(S(Round(D("2.5"), 0)), "3");
  EXPECT_EQ(S(Round(D("-2.5"), 0)), "-3");
  EXPECT_EQ(S(Round(D("2.345"), 2)), "2.35");
  EXPECT_EQ(S(Round(D("1.5"), 3)), "1.500");
  EXPECT_EQ(S(Round(D("1234.5"), -2)), "1200");
  EXPECT_EQ(ToString(Trunc(D("-2.789"), 1)), "-2.7");
  EXPECT_EQ(S(Ceil(D("-2.5"))), "-2");
  EXPECT_EQ(S(Floor(D("-2.5"))), "-3");
  int64_t i;
  ASSERT_TRUE(ToInt64(D("2.5"), &i));
  EXPECT_EQ(i, 3);
}

TEST(Numeric, TypmodRoundsThenChecksTheIntegerDigits) {
  EXPECT_EQ(S(ApplyTypmod(D("123.456"), 5, 2)), "123.46");
  EXPECT_EQ(S(ApplyTypmod(D("5"), 5, 2)), "5.00");
  EXPECT_EQ(S(ApplyTypmod(D("1234.5"), 5, 2)),
            "ERROR 22003: numeric field overflow");
  auto e = ApplyTypmod(D("999.999"), 5, 2);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().error().detail,
            "A field with precision 5, scale 2 must round to an absolute value less than 10^3.");
  e = ApplyTypmod(D("1"), 2, 2);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().error().detail,
            "A field with precision 2, scale 2 must round to an absolute value less than 1.");
  EXPECT_EQ(TypmodPrecision(MakeTypmod(10, 2)), 10);
  EXPECT_EQ(TypmodScale(MakeTypmod(10, 2)), 2);
  EXPECT_EQ(TypmodScale(MakeTypmod(10, -3)), -3);
  EXPECT_EQ(MakeTypmod(10, 2), 655366);
}

TEST(Numeric, FromDoubleUsesFifteenDigits) {
  EXPECT_EQ(S(FromDouble(0.1)), "0.1");
  EXPECT_EQ(S(FromDouble(1.0 / 3)), "0.333333333333333");
  EXPECT_EQ(S(FromDouble(1e20)), "100000000000000000000");
  EXPECT_EQ(CanonicalText(D("1.500")), "1.5");
  EXPECT_EQ(CanonicalText(D("100")), "100");
}

TEST(Numeric, SquareRootRoundsToTheScale) {
  EXPECT_EQ(S(Sqrt(D("1.6666666666666667"), 16)), "1.2909944487358056");
  EXPECT_EQ(S(Sqrt(D("2"), 0)), "1");
  EXPECT_EQ(S(Sqrt(D("2.25"), 3)), "1.500");
  EXPECT_EQ(S(Sqrt(D("0"), 2)), "0.00");
  EXPECT_EQ(S(Sqrt(D("-1"), 2)), "ERROR 2201F: cannot take square root of a negative number");
  EXPECT_EQ(S(Sqrt(D("12345678901234567890"), 30)), "ERROR 22003: value overflows numeric format");
}

}  // namespace
}  // namespace lumadb::engine::sql::numeric

#include "engine/sql/types/json.h"

#include <gtest/gtest.h>

#include <string>

namespace lumadb::engine::sql::json {
namespace {

std::string Jsonb(const std::string& text) {
  auto n = Parse(text, true);
  if (!n.ok()) return "ERROR " + n.status().error().sqlstate + ": " + n.status().error().detail;
  return ToJsonb(*n);
}

TEST(Json, JsonbSortsKeysShorterFirstAndKeepsTheLastDuplicate) {
  EXPECT_EQ(Jsonb(R"({"bb": 1, "a": {"z": 1, "y": 2}, "bb": 3, "c": []})"), R"({"a": {"y": 2, "z": 1}, "c": [], "bb": 3})");
  EXPECT_EQ(Jsonb("[1e2, -0, 1.50, 0.001e3]"), "[100, 0, 1.50, 1]");
  EXPECT_EQ(Jsonb(R"("a\"b\\c\/\u00e9\ud83d\ude00\t")"), "\"a\\\"b\\\\c/é😀\\t\"");
}

TEST(Json, SyntaxErrorsCarryPostgresDetails) {
  EXPECT_EQ(Jsonb(R"({"a":})"), "ERROR 22P02: Expected JSON value, but found \"}\".");
  EXPECT_EQ(Jsonb(R"({"a" 1})"), "ERROR 22P02: Expected \":\", but found \"1\".");
  EXPECT_EQ(Jsonb("[1,2"), "ERROR 22P02: The input string ended unexpectedly.");
  EXPECT_EQ(Jsonb("[1 2]"), "ERROR 22P02: Expected \",\" or \"]\", but found \"2\".");
  EXPECT_EQ(Jsonb("{1:2}"), "ERROR 22P02: Expected string or \"}\", but found \"1\".");
  EXPECT_EQ(Jsonb(R"({"a":1,})"), "ERROR 22P02: Expected string, but found \"}\".");
  EXPECT_EQ(Jsonb("tru"), "ERROR 22P02: Token \"tru\" is invalid.");
  EXPECT_EQ(Jsonb("01"), "ERROR 22P02: Token \"01\" is invalid.");
  EXPECT_EQ(Jsonb("1 2"), "ERROR 22P02: Expected end of input, but found \"2\".");
  EXPECT_EQ(Jsonb("\"a\nb\""), "ERROR 22P02: Character with value 0x0a must be escaped.");
  EXPECT_EQ(Jsonb(R"("\x")"), "ERROR 22P02: Escape sequence \"\\x\" is invalid.");
  EXPECT_EQ(Jsonb(R"("\u0000")"), "ERROR 22P05: \\u0000 cannot be converted to text.");
  EXPECT_TRUE(Parse(R"("\u0000")", false).ok());  // json keeps the text as written
  // Deep nesting is an error, not a crash.
  EXPECT_EQ(Parse(std::string(100000, '['), true).status().error().sqlstate, "54001");
}

TEST(Json, OrderAndContainment) {
  auto n = [](const char* s) { return *Parse(s, true); };
  EXPECT_LT(Compare(n("null"), n("\"\"")), 0);
  EXPECT_LT(Compare(n("\"z\""), n("1")), 0);
  EXPECT_LT(Compare(n("1"), n("true")), 0);
  EXPECT_LT(Compare(n("true"), n("[]")), 0);
  EXPECT_LT(Compare(n("[5]"), n("[1, 1]")), 0);
  EXPECT_LT(Compare(n("[1, 2]"), n("{}")), 0);
  EXPECT_EQ(Compare(n("1.0"), n("1")), 0);
  EXPECT_TRUE(Contains(n(R"({"a": [1, 2], "b": 1})"), n(R"({"a": [2]})")));
  EXPECT_FALSE(Contains(n(R"({"a": 1})"), n(R"({"a": [1]})")));
  EXPECT_TRUE(Contains(n(R"(["a", [1]])"), n(R"("a")")));
  EXPECT_FALSE(Contains(n("[1, [2]]"), n("[2]")));
  EXPECT_FALSE(Contains(n("1"), n("[1]")));
}

}  // namespace
}  // namespace lumadb::engine::sql::json

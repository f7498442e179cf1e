#include "engine/sql/types/array.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace lumadb::engine::sql {
namespace {

TEST(Array, LiteralsSplitAsPostgres) {
  auto a = ParseArrayLiteral(R"( { a , "b c", "d\"e", NULL, "NULL" } )");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, (std::vector<std::optional<std::string>>{"a", "b c", "d\"e", std::nullopt, "NULL"}));
  EXPECT_TRUE(ParseArrayLiteral("{}")->empty());
  EXPECT_EQ(ParseArrayLiteral("a,b").status().error().sqlstate, "22P02");
  EXPECT_EQ(ParseArrayLiteral("{a,}").status().error().sqlstate, "22P02");
  EXPECT_EQ(ParseArrayLiteral("{a} x").status().error().sqlstate, "22P02");
  EXPECT_EQ(ParseArrayLiteral("{{1},{2}}").status().error().sqlstate, "0A000");
}

TEST(Array, TextOutputQuotesAsPostgres) {
  Type text = Type::Of(TypeId::kText);
  Value v = MakeArray(text, {Value::String(text, "a"), Value::String(text, "b c"), Value::String(text, ""),
                             Value::String(text, "null"), Value::Null(text), Value::String(text, "x\"y\\z")});
  EXPECT_EQ(v.s, R"({a,"b c","","null",NULL,"x\"y\\z"})");
  EXPECT_EQ(v.type, Type::ArrayOf(text));
  auto back = ArrayElements(v);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->size(), 6u);
  EXPECT_EQ((*back)[5].s, "x\"y\\z");
  EXPECT_TRUE((*back)[4].null);
}

}  // namespace
}  // namespace lumadb::engine::sql

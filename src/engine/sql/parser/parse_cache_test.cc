#include "engine/sql/parser/parse_cache.h"

#include <gtest/gtest.h>

#include "engine/sql/parser/pg_parser.h"

namespace lumadb::engine::sql {
namespace {

std::string Fresh(const std::string& sql) {
  auto r = ParsePostgres(sql);
  EXPECT_TRUE(r.ok()) << sql;
  return ast::DebugString(&r.value());
}

// Parses each text through the cache, in order, and checks that the tree
// is exactly what a fresh parse gives; returns the cache's hit count.
size_t Check(ParseCache* cache, const std::vector<std::string>& texts) {
  for (const auto& t : texts) {
    auto r = cache->Parse(t);
    EXPECT_TRUE(r.ok()) << t;
    if (!r.ok()) continue;
    EXPECT_EQ(ast::DebugString(r.value().get()), Fresh(t)) << t;
  }
  return cache->hits();
}

TEST(ParseCache, LiteralsShareOneParse) {
  ParseCache cache;
  EXPECT_EQ(Check(&cache, {"SELECT abalance FROM pgbench_accounts WHERE aid = 12345;",
                           "SELECT abalance FROM pgbench_accounts WHERE aid = 7;",
                           "SELECT abalance FROM pgbench_accounts WHERE aid = 2147483647;"}),
            2u);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(ParseCache, NegativeNumbersAndSubtraction) {
  ParseCache cache;
  EXPECT_EQ(Check(&cache, {"UPDATE pgbench_accounts SET abalance = abalance + -3421 WHERE aid = 4;",
                           "UPDATE pgbench_accounts SET abalance = abalance + -1 WHERE aid = 123456;",
                           "SELECT a -5, a - 5, -5, a-5, (-7), 3*-2 FROM t",
                           "SELECT a -15, a - 1, -50000, a-0, (-1), 3*-20 FROM t"}),
            2u);
}

TEST(ParseCache, StringsAndTypedLiterals) {
  ParseCache cache;
  EXPECT_EQ(Check(&cache, {"SELECT 'it''s', 'x'::date, date '2020-01-01', s || 'a' FROM t WHERE s = 'abc'",
                           "SELECT '', 'yy'::date, date '2021-12-31', s || 'bbbb' FROM t WHERE s = 'it''s a ''b'''",
                           "INSERT INTO t (a, b) VALUES (1, 'one'), (2, 'two') RETURNING a, 'r'",
                           "INSERT INTO t (a, b) VALUES (100, 'one hundred'), (3, '') RETURNING a, 'rr'"}),
            2u);
}

TEST(ParseCache, LiteralsInsideSubqueries) {
  ParseCache cache;
  EXPECT_EQ(Check(&cache, {"SELECT a FROM t WHERE b IN (SELECT c FROM u WHERE d = 'x' AND e > 5) AND f = 1",
                           "SELECT a FROM t WHERE b IN (SELECT c FROM u WHERE d = 'long text' AND e > 12345) AND f = 22"}),
            1u);
}

TEST(ParseCache, WithQueriesSharedByTwoReferencesMoveOnce) {
  ParseCache cache;
  EXPECT_EQ(Check(&cache, {"WITH c AS (SELECT a FROM t WHERE b = 'x') SELECT * FROM c, c AS d WHERE d.a = 1",
                           "WITH c AS (SELECT a FROM t WHERE b = 'longer') SELECT * FROM c, c AS d WHERE d.a = 100",
                           "SELECT * FROM (SELECT a FROM t WHERE b = 5) AS s WHERE s.a = 'q'",
                           "SELECT * FROM (SELECT a FROM t WHERE b = 55555) AS s WHERE s.a = 'qqq'"}),
            2u);
}

TEST(ParseCache, LiteralsThatAreNotConstantsMustRepeat) {
  ParseCache cache;
  // varchar(10)'s 10 is a type modifier, SET's value is text: a different
  // value is a different parse, never the cached one with a new constant.
  EXPECT_EQ(Check(&cache, {"SELECT x::varchar(10), 1 FROM t", "SELECT x::varchar(20), 1 FROM t",
                           "SELECT x::varchar(20), 2 FROM t", "SET search_path = 'a'", "SET search_path = 'b'",
                           "SET search_path = 'b'"}),
            2u);
}

TEST(ParseCache, SeveralStatementsGetTheirOwnTexts) {
  ParseCache cache;
  EXPECT_EQ(Check(&cache, {"SELECT 1; SELECT 22 FROM t WHERE a = 'x'; BEGIN; SELECT 3",
                           "SELECT 100; SELECT 2 FROM t WHERE a = 'yyyyy'; BEGIN; SELECT 33333"}),
            1u);
}

TEST(ParseCache, CommentsQuotedNamesAndDollarQuotes) {
  ParseCache cache;
  EXPECT_EQ(Check(&cache, {"SELECT 1 -- it's 2\n, \"a'b\", $$it's$$, $q$ 'x' $q$ /* '/* 3 */' */ FROM t",
                           "SELECT 9 -- it's 2\n, \"a'b\", $$it's$$, $q$ 'x' $q$ /* '/* 3 */' */ FROM t"}),
            1u);
}

TEST(ParseCache, FormsItLeavesAlone) {
  std::string key;
  std::vector<ParseCache::Literal> lits;
  EXPECT_FALSE(ParseCache::Lex("SELECT E'a\\'b'", &key, &lits));
  EXPECT_FALSE(ParseCache::Lex("SELECT 'a'\n'b'", &key, &lits));
  EXPECT_FALSE(ParseCache::Lex("SELECT U&'d\\0061t'", &key, &lits));
  EXPECT_FALSE(ParseCache::Lex("SELECT '\x01'", &key, &lits));
  EXPECT_FALSE(ParseCache::Lex(std::string_view("SELECT 'a\0b'", 13), &key, &lits));
  // Too large for int4, decimals and junk stay in the key.
  ASSERT_TRUE(ParseCache::Lex("SELECT 2147483648, 1.5, .5, 1e3, 12abc, a1, $1, 7", &key, &lits));
  ASSERT_EQ(lits.size(), 1u);
  EXPECT_EQ(lits[0].kind, ParseCache::Literal::Kind::kInt);
  EXPECT_EQ(key, "SELECT 2147483648, 1.5, .5, 1e3, 12abc, a1, $1, \x01i");

  ParseCache cache;
  EXPECT_EQ(Check(&cache, {"SELECT E'a\\'b', 1", "SELECT E'a\\'b', 2", "SELECT 2147483648", "SELECT 2147483649",
                           "SELECT 1.5", "SELECT 2.5"}),
            0u);
}

TEST(ParseCache, LiteralsInsideWindowDefinitions) {
  ParseCache cache;
  EXPECT_EQ(Check(&cache, {"SELECT sum(a) OVER (PARTITION BY b % 3 ORDER BY c ROWS 2 PRECEDING), lag(a, 1, 'x') OVER w "
                           "FROM t WHERE d = 5 WINDOW w AS (ORDER BY c)",
                           "SELECT sum(a) OVER (PARTITION BY b % 17 ORDER BY c ROWS 40 PRECEDING), lag(a, 3, 'yy') OVER w "
                           "FROM t WHERE d = 555 WINDOW w AS (ORDER BY c)"}),
            1u);
}

TEST(ParseCache, DdlWithStoredExpressionsIsNotCached) {
  ParseCache cache;
  auto a = cache.Parse("CREATE TABLE t (a int DEFAULT 1 CHECK (a > 5))");
  ASSERT_TRUE(a.ok());
  auto b = cache.Parse("CREATE TABLE t (a int DEFAULT 2 CHECK (a > 6))");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((**b)[0].create_table->checks[0].sql, "a > 6");
  EXPECT_EQ((**b)[0].create_table->columns[0].default_sql, "2");
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ParseCache, SyntaxErrorsAreNotCached) {
  ParseCache cache;
  auto r = cache.Parse("SELECT * FRM t WHERE a = 1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().error().position, 10);
  EXPECT_EQ(cache.size(), 0u);
  // The literal before the error moves the position.
  r = cache.Parse("SELECT 'abcdef', * FRM t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().error().position, 20);
}

TEST(ParseCache, OldestEntryLeavesFirst) {
  ParseCache cache(2);
  EXPECT_EQ(Check(&cache, {"SELECT 1 FROM a", "SELECT 1 FROM b", "SELECT 2 FROM a", "SELECT 1 FROM c",
                           "SELECT 3 FROM a", "SELECT 3 FROM b"}),
            2u);
  EXPECT_EQ(cache.size(), 2u);
}

}  // namespace
}  // namespace lumadb::engine::sql

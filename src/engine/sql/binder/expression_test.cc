#include "engine/sql/binder/expression.h"

#include <gtest/gtest.h>

#include "engine/sql/parser/pg_parser.h"

namespace lumadb::engine::sql {
namespace {

// Binds the first select item of `select_sql` against a table t(a int4, b text).
SqlResult<Value> EvalSql(const std::string& select_sql, std::vector<Value> row = {}) {
  auto parsed = ParsePostgres(select_sql);
  if (!parsed.ok()) return parsed.TakeStatus();
  auto table = std::make_shared<Table>();
  table->name = "t";
  table->columns.push_back(Column{"a", Type::Of(TypeId::kInt4)});
  table->columns.push_back(Column{"b", Type::Of(TypeId::kText)});
  BindContext ctx;
  ctx.sql = select_sql;
  ctx.tables.push_back(ScopeTable{"t", table, 0});
  SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*(*parsed)[0].select->items[0].expr, ctx));
  if (row.empty()) row = {Value::Int(TypeId::kInt4, 7), Value::String(Type::Of(TypeId::kText), "x")};
  return Eval(*b, row);
}

std::string Text(const SqlResult<Value>& r) {
  auto& v = const_cast<SqlResult<Value>&>(r);
  if (!v.ok()) return "ERROR " + v.status().error().sqlstate + ": " + v.status().error().message;
  if (v->null) return "NULL";
  std::string s;
  AppendText(*v, &s);
  return s;
}

TEST(SqlExpr, Arithmetic) {
  EXPECT_EQ(Text(EvalSql("SELECT 1 + 2 * 3")), "7");
  EXPECT_EQ(Text(EvalSql("SELECT 7 / 2")), "3");
  EXPECT_EQ(Text(EvalSql("SELECT -7 / 2")), "-3");
  EXPECT_EQ(Text(EvalSql("SELECT -7 % 3")), "-1");
  // numeric division keeps at least 16 significant digits, as PostgreSQL's.
  EXPECT_EQ(Text(EvalSql("SELECT 7.0 / 2")), "3.5000000000000000");
  EXPECT_EQ(Text(EvalSql("SELECT 1.10 + 2")), "3.10");
  EXPECT_EQ(Text(EvalSql("SELECT 1.5 * 1.5")), "2.25");
  EXPECT_EQ(Text(EvalSql("SELECT 1.5 * 2::float8")), "3");
  EXPECT_EQ(Text(EvalSql("SELECT a * 2 FROM t")), "14");
  EXPECT_EQ(Text(EvalSql("SELECT '5' + 1")), "6");
  EXPECT_EQ(Text(EvalSql("SELECT 2147483647 + 1")), "ERROR 22003: integer out of range");
  EXPECT_EQ(Text(EvalSql("SELECT 2147483647::int8 + 1")), "2147483648");
  EXPECT_EQ(Text(EvalSql("SELECT 1 / 0")), "ERROR 22012: division by zero");
  EXPECT_EQ(Text(EvalSql("SELECT 1.5 / 0")), "ERROR 22012: division by zero");
  EXPECT_EQ(Text(EvalSql("SELECT NULL + 1")), "NULL");
}

TEST(SqlExpr, ThreeValuedLogic) {
  EXPECT_EQ(Text(EvalSql("SELECT NULL AND false")), "f");
  EXPECT_EQ(Text(EvalSql("SELECT NULL OR true")), "t");
  EXPECT_EQ(Text(EvalSql("SELECT NULL AND true")), "NULL");
  EXPECT_EQ(Text(EvalSql("SELECT NOT (a > 3) FROM t")), "f");
  EXPECT_EQ(Text(EvalSql("SELECT 1 IN (2, NULL)")), "NULL");
  EXPECT_EQ(Text(EvalSql("SELECT 1 IN (1, NULL)")), "t");
  EXPECT_EQ(Text(EvalSql("SELECT 5 BETWEEN 1 AND 5")), "t");
  EXPECT_EQ(Text(EvalSql("SELECT NULL IS NULL")), "t");
  EXPECT_EQ(Text(EvalSql("SELECT (1 = NULL) IS UNKNOWN")), "t");
}

TEST(SqlExpr, StringsAndFunctions) {
  EXPECT_EQ(Text(EvalSql("SELECT b || a FROM t")), "x7");
  EXPECT_EQ(Text(EvalSql("SELECT 'ab' || 'cd'")), "abcd");
  EXPECT_EQ(Text(EvalSql("SELECT upper('abc')")), "ABC");
  EXPECT_EQ(Text(EvalSql("SELECT length('héllo')")), "5");
  EXPECT_EQ(Text(EvalSql("SELECT 'Hello' LIKE 'H%o'")), "t");
  EXPECT_EQ(Text(EvalSql("SELECT 'Hello' ILIKE 'h_llo'")), "t");
  EXPECT_EQ(Text(EvalSql("SELECT 'Hello' NOT LIKE 'H%'")), "f");
  EXPECT_EQ(Text(EvalSql("SELECT coalesce(NULL, 2, 3)")), "2");
  EXPECT_EQ(Text(EvalSql("SELECT nullif(1, 1)")), "NULL");
  EXPECT_EQ(Text(EvalSql("SELECT greatest(1, 5, 3)")), "5");
  EXPECT_EQ(Text(EvalSql("SELECT CASE WHEN a > 5 THEN 'big' ELSE 'small' END FROM t")), "big");
  EXPECT_EQ(Text(EvalSql("SELECT CASE a WHEN 7 THEN 1 END FROM t")), "1");
  EXPECT_EQ(Text(EvalSql("SELECT '12'::int + 1")), "13");
  EXPECT_EQ(Text(EvalSql("SELECT 'abc'::int")), "ERROR 22P02: invalid input syntax for type integer: \"abc\"");
}

TEST(SqlExpr, NameAndTypeErrorsHavePositions) {
  auto r = EvalSql("SELECT nope FROM t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().error().sqlstate, "42703");
  EXPECT_EQ(r.status().error().message, "column \"nope\" does not exist");
  EXPECT_EQ(r.status().error().position, 8);
  auto q = EvalSql("SELECT x.a FROM t");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().error().message, "missing FROM-clause entry for table \"x\"");
  auto op = EvalSql("SELECT a + b FROM t");
  ASSERT_FALSE(op.ok());
  EXPECT_EQ(op.status().error().sqlstate, "42883");
  EXPECT_EQ(op.status().error().message, "operator does not exist: integer + text");
  EXPECT_EQ(op.status().error().position, 10);
  auto lit = EvalSql("SELECT a = 'x' FROM t");
  ASSERT_FALSE(lit.ok());
  EXPECT_EQ(lit.status().error().sqlstate, "22P02");
  EXPECT_EQ(lit.status().error().position, 12);
}

TEST(SqlExpr, OutputNamesAsPostgres) {
  auto r = ParsePostgres("SELECT a, count(*), 1, a::text, 1::int, CASE WHEN true THEN 1 END, coalesce(a), true FROM t");
  ASSERT_TRUE(r.ok());
  std::vector<std::string> names;
  for (const auto& it : (*r)[0].select->items) names.push_back(OutputName(*it.expr));
  EXPECT_EQ(names, (std::vector<std::string>{"a", "count", "?column?", "a", "int4", "case", "coalesce", "bool"}));
}

TEST(SqlExpr, AggregatesAreRefusedWhereNotAllowed) {
  auto r = EvalSql("SELECT count(*) FROM t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().error().sqlstate, "42803");
}

}  // namespace
}  // namespace lumadb::engine::sql

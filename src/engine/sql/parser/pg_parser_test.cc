#include "engine/sql/parser/pg_parser.h"

#include <gtest/gtest.h>

namespace lumadb::engine::sql {
namespace {

TEST(PgParser, SeveralStatementsKeepTheirText) {
  auto r = ParsePostgres("SELECT 1; select a, b AS c FROM t WHERE a > 2 ORDER BY b DESC NULLS FIRST LIMIT 3");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].text, "SELECT 1");
  const ast::Select& s = *(*r)[1].select;
  ASSERT_EQ(s.items.size(), 2u);
  EXPECT_EQ(s.items[0].expr->kind, ast::ExprKind::kColumn);
  EXPECT_EQ(s.items[1].alias, "c");
  ASSERT_EQ(s.from.size(), 1u);
  EXPECT_EQ(s.from[0].names.back(), "t");
  ASSERT_TRUE(s.where);
  EXPECT_EQ(s.where->kind, ast::ExprKind::kBinary);
  EXPECT_EQ(s.where->op, ">");
  ASSERT_EQ(s.order_by.size(), 1u);
  EXPECT_TRUE(s.order_by[0].desc);
  EXPECT_EQ(s.order_by[0].nulls_first, std::optional<bool>(true));
  ASSERT_TRUE(s.limit);
  EXPECT_EQ(s.limit->value.i, 3);
}

TEST(PgParser, SyntaxErrorCarriesPostgresPosition) {
  auto r = ParsePostgres("SELECT * FRM t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().error().sqlstate, "42601");
  // PostgreSQL 15: ERROR:  syntax error at or near "FRM", caret under F.
  EXPECT_EQ(r.status().error().message, "syntax error at or near \"FRM\"");
  EXPECT_EQ(r.status().error().position, 10);
}

TEST(PgParser, CreateTableWithKeysAndConstraints) {
  auto r = ParsePostgres(
      "CREATE TABLE IF NOT EXISTS s.t (id int NOT NULL, name varchar(10) DEFAULT 'x', flag boolean, "
      "PRIMARY KEY (id, name))");
  ASSERT_TRUE(r.ok());
  const ast::CreateTable& c = *(*r)[0].create_table;
  EXPECT_TRUE(c.if_not_exists);
  ASSERT_EQ(c.table.names.size(), 2u);
  ASSERT_EQ(c.columns.size(), 3u);
  EXPECT_TRUE(c.columns[0].not_null);
  EXPECT_EQ(c.columns[1].type.names.back(), "varchar");
  ASSERT_EQ(c.columns[1].type.mods.size(), 1u);
  EXPECT_EQ(c.columns[1].type.mods[0], 10);
  ASSERT_TRUE(c.columns[1].default_expr);
  EXPECT_EQ(c.primary_key, (std::vector<std::string>{"id", "name"}));
}

TEST(PgParser, ConstantsGetTheirTypes) {
  auto r = ParsePostgres("SELECT 1, 3000000000, 1.5, 'txt', NULL, true, -7");
  ASSERT_TRUE(r.ok());
  const auto& items = (*r)[0].select->items;
  EXPECT_EQ(items[0].expr->value.type.id, TypeId::kInt4);
  EXPECT_EQ(items[1].expr->value.type.id, TypeId::kInt8);
  EXPECT_EQ(items[1].expr->value.i, 3000000000LL);
  EXPECT_EQ(items[2].expr->value.type.id, TypeId::kNumeric);  // decimal literals are numeric
  EXPECT_EQ(items[2].expr->value.s, "1.5");
  EXPECT_EQ(items[3].expr->value.type.id, TypeId::kUnknown);
  EXPECT_TRUE(items[4].expr->value.null);
  EXPECT_EQ(items[5].expr->value.type.id, TypeId::kBool);
  EXPECT_EQ(items[6].expr->value.i, -7);
}

TEST(PgParser, DmlAndTransactionStatements) {
  auto r = ParsePostgres(
      "BEGIN ISOLATION LEVEL REPEATABLE READ; INSERT INTO t (a, b) VALUES (1, 'x'), (2, NULL) RETURNING a; "
      "UPDATE t SET b = b || 'y' WHERE a IN (1, 2); DELETE FROM t WHERE a BETWEEN 1 AND 2; COMMIT; "
      "SET application_name = 'app'; SHOW TimeZone");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 7u);
  EXPECT_EQ((*r)[0].transaction->isolation, "repeatable read");
  const ast::Insert& ins = *(*r)[1].insert;
  EXPECT_EQ(ins.columns, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(ins.source->values.size(), 2u);
  EXPECT_EQ(ins.returning.size(), 1u);
  EXPECT_EQ((*r)[2].update->sets[0].column, "b");
  EXPECT_EQ((*r)[2].update->where->kind, ast::ExprKind::kIn);
  EXPECT_EQ((*r)[3].del->where->kind, ast::ExprKind::kBetween);
  EXPECT_EQ((*r)[4].transaction->kind, ast::Transaction::Kind::kCommit);
  EXPECT_EQ((*r)[5].set->name, "application_name");
  EXPECT_EQ((*r)[5].set->values, (std::vector<std::string>{"app"}));
  EXPECT_EQ((*r)[6].show->name, "timezone");
}

TEST(PgParser, JoinsBecomeALeftDeepChain) {
  auto r = ParsePostgres("SELECT 1 FROM a JOIN b ON a.x = b.x LEFT JOIN c ON true, d CROSS JOIN e FULL JOIN f ON false");
  ASSERT_TRUE(r.ok());
  const auto& from = (*r)[0].select->from;
  ASSERT_EQ(from.size(), 6u);
  std::vector<ast::JoinKind> kinds;
  for (const auto& t : from) kinds.push_back(t.join);
  EXPECT_EQ(kinds, (std::vector<ast::JoinKind>{ast::JoinKind::kCross, ast::JoinKind::kInner, ast::JoinKind::kLeft,
                                               ast::JoinKind::kCross, ast::JoinKind::kCross, ast::JoinKind::kFull}));
  EXPECT_TRUE(from[1].on != nullptr);
  EXPECT_TRUE(from[4].on == nullptr);
  auto nested = ParsePostgres("SELECT 1 FROM a JOIN (b JOIN c ON true) ON true");
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.status().error().sqlstate, "0A000");
}

TEST(PgParser, DistinctAndDistinctOnAreTold) {
  auto r = ParsePostgres("SELECT DISTINCT a FROM t FOR UPDATE SKIP LOCKED");
  ASSERT_TRUE(r.ok()) << r.status().error().message;
  EXPECT_TRUE((*r)[0].select->distinct);
  EXPECT_EQ((*r)[0].select->row_lock, ast::RowLockWait::kSkipLocked);
  auto on = ParsePostgres("SELECT DISTINCT ON (a, b + 1) a FROM t");
  ASSERT_TRUE(on.ok()) << on.status().error().message;
  EXPECT_FALSE((*on)[0].select->distinct);
  EXPECT_EQ((*on)[0].select->distinct_on.size(), 2u);
}

TEST(PgParser, UnsupportedConstructsSayWhat) {
  auto r = ParsePostgres("SELECT * FROM a JOIN b USING (x) AS j");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().error().sqlstate, "0A000");
  EXPECT_EQ(r.status().error().message, "an alias for JOIN ... USING is not supported by LumaDB yet");
  auto v = ParsePostgres("CREATE MATERIALIZED VIEW v AS SELECT 1");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().error().message, "CREATE MATERIALIZED is not supported by LumaDB yet");
  auto view = ParsePostgres("CREATE OR REPLACE VIEW v (x) AS SELECT a FROM t WHERE b = 'q'");
  ASSERT_TRUE(view.ok()) << view.status().error().message;
  EXPECT_EQ((*view)[0].create_view->sql, "SELECT a FROM t WHERE b = 'q'");
  EXPECT_TRUE((*view)[0].create_view->replace);
}

TEST(PgParser, DefaultsAndChecksKeepTheirTextAsPostgresPrintsIt) {
  auto r = ParsePostgres(
      "CREATE TABLE t (a int DEFAULT 1+2, at timestamptz DEFAULT now(), b int CHECK (b>0), "
      "CONSTRAINT both_pos CHECK (a > 0 AND b < 10))");
  ASSERT_TRUE(r.ok()) << r.status().error().message;
  const ast::CreateTable& c = *(*r)[0].create_table;
  EXPECT_EQ(c.columns[0].default_sql, "1 + 2");
  EXPECT_EQ(c.columns[1].default_sql, "now()");
  ASSERT_EQ(c.checks.size(), 2u);
  EXPECT_EQ(c.checks[0].column, "b");
  EXPECT_EQ(c.checks[0].sql, "b > 0");
  EXPECT_EQ(c.checks[1].name, "both_pos");
  EXPECT_EQ(c.checks[1].column, "");
  EXPECT_EQ(c.checks[1].sql, "a > 0 AND b < 10");
  auto e = ParseExpression(c.checks[1].sql);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->op, "AND");
}

TEST(PgParser, RenamingAColumnInAStoredExpressionLeavesFunctionsAndStrings) {
  EXPECT_EQ(RenameColumnInExpression("a > 0 AND lower(a) = 'a' AND \"a\" < ab", "a", "New"),
            "\"New\" > 0 AND lower(\"New\") = 'a' AND \"New\" < ab");
  // A column named like a function is renamed where it is not called.
  EXPECT_EQ(RenameColumnInExpression("lower(lower) <> ''", "lower", "l"), "lower(l) <> ''");
  EXPECT_EQ(RenameColumnInExpression("value > 1", "value", "v"), "v > 1");
}

TEST(PgParser, QuoteIdentifierAsPostgres) {
  EXPECT_EQ(QuoteIdentifier("abc_1"), "abc_1");
  EXPECT_EQ(QuoteIdentifier("Abc"), "\"Abc\"");
  EXPECT_EQ(QuoteIdentifier("1a"), "\"1a\"");
  EXPECT_EQ(QuoteIdentifier("select"), "\"select\"");
  EXPECT_EQ(QuoteIdentifier("value"), "value");  // an unreserved keyword
  EXPECT_EQ(QuoteIdentifier("a\"b"), "\"a\"\"b\"");
}

TEST(PgParser, AlterTableActions) {
  auto r = ParsePostgres(
      "ALTER TABLE t ADD COLUMN IF NOT EXISTS c int NOT NULL DEFAULT 0 UNIQUE, DROP COLUMN d CASCADE, "
      "ALTER e TYPE bigint USING e::bigint, ALTER f SET DEFAULT now(), ALTER g DROP NOT NULL, "
      "ADD CONSTRAINT k CHECK (c > 1), DROP CONSTRAINT IF EXISTS k2; ALTER TABLE t RENAME COLUMN a TO b");
  ASSERT_TRUE(r.ok()) << r.status().error().message;
  using Kind = ast::AlterTable::Action::Kind;
  const auto& acts = (*r)[0].alter_table->actions;
  ASSERT_EQ(acts.size(), 7u);
  EXPECT_EQ(acts[0].kind, Kind::kAddColumn);
  EXPECT_TRUE(acts[0].if_exists);
  EXPECT_TRUE(acts[0].column.not_null);
  EXPECT_EQ(acts[0].constraints.uniques.size(), 1u);
  EXPECT_EQ(acts[1].kind, Kind::kDropColumn);
  EXPECT_TRUE(acts[1].cascade);
  EXPECT_EQ(acts[2].kind, Kind::kSetType);
  EXPECT_TRUE(acts[2].using_expr);
  EXPECT_EQ(acts[3].kind, Kind::kSetDefault);
  EXPECT_EQ(acts[3].column.default_sql, "now()");
  EXPECT_EQ(acts[4].kind, Kind::kDropNotNull);
  EXPECT_EQ(acts[5].kind, Kind::kAddCheck);
  EXPECT_EQ(acts[5].check.sql, "c > 1");
  EXPECT_EQ(acts[6].kind, Kind::kDropConstraint);
  const auto& rename = (*r)[1].alter_table->actions;
  ASSERT_EQ(rename.size(), 1u);
  EXPECT_EQ(rename[0].kind, Kind::kRenameColumn);
  EXPECT_EQ(rename[0].name, "a");
  EXPECT_EQ(rename[0].new_name, "b");
}

}  // namespace
}  // namespace lumadb::engine::sql

#include "engine/sql/planner/planner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "engine/sql/parser/pg_parser.h"
#include "engine/sql/storage/row_codec.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::sql {
namespace {

class PlannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("lumadb-sql-planner-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    auto s = storage::Store::Open(dir_.string(), storage::StoreOptions{});
    ASSERT_TRUE(s.ok());
    store_ = std::move(s.value());
    catalog_ = std::make_unique<Catalog>(store_.get());
    Table t;
    t.name = "t";
    t.columns = {Column{"id", Type::Of(TypeId::kInt4), true}, Column{"k", Type::Of(TypeId::kText), true},
                 Column{"v", Type::Of(TypeId::kInt4)}};
    t.primary_key = {0, 1};
    ASSERT_TRUE(catalog_->Create(t).ok());
  }
  void TearDown() override {
    catalog_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<SelectPlan> Plan(const std::string& sql, Params* params = nullptr) {
    auto parsed = ParsePostgres(sql);
    EXPECT_TRUE(parsed.ok());
    auto plan = PlanSelect(*(*parsed)[0].select, *catalog_, sql, params);
    EXPECT_TRUE(plan.ok()) << (plan.ok() ? "" : plan.status().error().message);
    return plan.ok() ? std::move(plan.value()) : nullptr;
  }
  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(PlannerTest, WholePrimaryKeyEqualityBecomesAPointRead) {
  auto t = catalog_->Find("t");
  std::vector<Value> row = {Value::Int(TypeId::kInt4, 5), Value::String(Type::Of(TypeId::kText), "a"), Value()};
  auto p = Plan("SELECT v FROM t WHERE k = 'a' AND v > 1 AND 5 = id");
  ASSERT_TRUE(p->point_key.has_value());
  EXPECT_EQ(*p->point_key, RowKey(*t, row, 0));
  // Part of the key, an OR, or a join: a scan.
  EXPECT_FALSE(Plan("SELECT v FROM t WHERE id = 5")->point_key.has_value());
  EXPECT_FALSE(Plan("SELECT v FROM t WHERE id = 5 OR k = 'a'")->point_key.has_value());
  EXPECT_FALSE(Plan("SELECT t.v FROM t, t AS u WHERE t.id = 5 AND t.k = 'a'")->point_key.has_value());
}

TEST_F(PlannerTest, InListsAndAnyArraysOnAOneColumnKeyBecomePointReads) {
  Table u;
  u.name = "u";
  u.columns = {Column{"id", Type::Of(TypeId::kInt8), true}, Column{"v", Type::Of(TypeId::kInt4)}};
  u.primary_key = {0};
  ASSERT_TRUE(catalog_->Create(u).ok());
  auto t = catalog_->Find("u");
  auto key = [&](int64_t id) {
    std::vector<Value> row = {Value::Int(TypeId::kInt8, id), Value()};
    return RowKey(*t, row, 0);
  };
  // Sorted, without duplicates or NULLs.
  EXPECT_EQ(Plan("SELECT v FROM u WHERE id IN (3, 1, 3, NULL) AND v > 0")->point_keys,
            (std::vector<std::string>{key(1), key(3)}));
  EXPECT_EQ(Plan("SELECT v FROM u WHERE id = ANY(ARRAY[7, 5])")->point_keys, (std::vector<std::string>{key(5), key(7)}));
  EXPECT_EQ(Plan("SELECT v FROM u WHERE id = ANY('{9}')")->point_keys, (std::vector<std::string>{key(9)}));
  // NOT IN, <> ALL, another column, an OR, or a composite key: no point reads.
  EXPECT_TRUE(Plan("SELECT v FROM u WHERE id NOT IN (1, 2)")->point_keys.empty());
  EXPECT_TRUE(Plan("SELECT v FROM u WHERE id <> ALL(ARRAY[1])")->point_keys.empty());
  EXPECT_TRUE(Plan("SELECT v FROM u WHERE v IN (1, 2)")->point_keys.empty());
  EXPECT_TRUE(Plan("SELECT v FROM u WHERE id IN (1, 2) OR v = 3")->point_keys.empty());
  EXPECT_TRUE(Plan("SELECT v FROM t WHERE id IN (1, 2)")->point_keys.empty());
}

TEST_F(PlannerTest, LeadingIndexColumnsFixedReadTheIndex) {
  Table u;
  u.name = "u";
  u.columns = {Column{"id", Type::Of(TypeId::kInt4), true}, Column{"a", Type::Of(TypeId::kText)},
               Column{"b", Type::Of(TypeId::kInt4)}};
  u.primary_key = {0};
  u.indexes = {Index{0, "u_a_b_idx", {1, 2}, false}, Index{0, "u_b_key", {2}, true}};
  ASSERT_TRUE(catalog_->Create(u).ok());
  auto t = catalog_->Find("u");
  std::vector<Value> row = {Value(), Value::String(Type::Of(TypeId::kText), "x"), Value::Int(TypeId::kInt4, 7)};
  // The whole unique index wins over a longer prefix of another.
  auto p = Plan("SELECT id FROM u WHERE a = 'x' AND b = 7");
  ASSERT_TRUE(p->index_prefix.has_value());
  EXPECT_EQ(*p->index_prefix, IndexValuesKey(*t, t->indexes[1], row));
  // A leading column alone uses the two-column index.
  p = Plan("SELECT id FROM u WHERE a = 'x'");
  ASSERT_TRUE(p->index_prefix.has_value());
  std::string prefix = keys::IndexPrefix(t->relfile, t->indexes[0].oid);
  AppendIndexValue(row[1], &prefix);
  EXPECT_EQ(*p->index_prefix, prefix);
  // The primary key, a non-leading column's range or an OR: no index read.
  EXPECT_FALSE(Plan("SELECT id FROM u WHERE id = 1 AND a = 'x'")->index_prefix.has_value());
  EXPECT_FALSE(Plan("SELECT id FROM u WHERE b > 7")->index_prefix.has_value());
  EXPECT_FALSE(Plan("SELECT id FROM u WHERE a = 'x' OR b = 7")->index_prefix.has_value());
}

TEST_F(PlannerTest, ParametersTakeTheirTypeFromTheirUse) {
  Params params;
  auto p = Plan("SELECT v, $3 FROM t WHERE id = $1 AND k = $2 LIMIT $4", &params);
  ASSERT_EQ(params.types.size(), 4u);
  EXPECT_EQ(params.types[0].id, TypeId::kInt4);
  EXPECT_EQ(params.types[1].id, TypeId::kText);
  EXPECT_EQ(params.types[2].id, TypeId::kText);  // an output column of unknown type is text
  EXPECT_EQ(params.types[3].id, TypeId::kInt8);
  // Executing: the values are constants, so the key is known.
  params.bound = true;
  params.values = {Value::Int(TypeId::kInt4, 5), Value::String(Type::Of(TypeId::kText), "a"),
                   Value::String(Type::Of(TypeId::kText), "x"), Value::Int(TypeId::kInt8, 10)};
  auto bound = Plan("SELECT v, $3 FROM t WHERE id = $1 AND k = $2 LIMIT $4", &params);
  EXPECT_TRUE(bound->point_key.has_value());
}

}  // namespace
}  // namespace lumadb::engine::sql

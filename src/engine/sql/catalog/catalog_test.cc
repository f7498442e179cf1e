#include "engine/sql/catalog/catalog.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/sql/storage/row_codec.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::sql {
namespace {

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("lumadb-sql-catalog-" + std::to_string(getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Open();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    store_.reset();
    auto s = storage::Store::Open(dir_.string(), storage::StoreOptions{});
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(s.value());
  }
  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
};

Table MakeTable(const std::string& name) {
  Table t;
  t.name = name;
  t.columns.push_back(Column{"id", Type::Of(TypeId::kInt8), true});
  Column c{"label", Type::Of(TypeId::kVarchar, 20)};
  c.has_default = true;
  c.default_value = Value::String(Type::Of(TypeId::kVarchar, 20), "none");
  t.columns.push_back(c);
  t.primary_key = {0};
  return t;
}

TEST_F(CatalogTest, TablesSurviveAReopenWithTheirOids) {
  {
    Catalog cat(store_.get());
    ASSERT_TRUE(cat.Load().ok());
    ASSERT_TRUE(cat.Create(MakeTable("a")).ok());
    ASSERT_TRUE(cat.Create(MakeTable("b")).ok());
    SqlStatus dup = cat.Create(MakeTable("a"));
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().sqlstate, "42P07");
    EXPECT_EQ(dup.error().message, "relation \"a\" already exists");
    EXPECT_EQ(cat.Find("a")->oid, 16384u);
  }
  Open();
  Catalog cat(store_.get());
  ASSERT_TRUE(cat.Load().ok());
  auto a = cat.Find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->oid, 16384u);
  EXPECT_EQ(a->primary_key_oid, 16385u);  // the primary key's index
  EXPECT_EQ(cat.Find("b")->oid, 16386u);
  ASSERT_EQ(a->columns.size(), 2u);
  EXPECT_EQ(a->columns[1].type, Type::Of(TypeId::kVarchar, 20));
  EXPECT_TRUE(a->columns[1].has_default);
  EXPECT_EQ(a->columns[1].default_value.s, "none");
  EXPECT_EQ(a->primary_key, std::vector<int>{0});
  // OIDs are not reused after a drop and a reopen.
  storage::WriteBatch batch;
  ASSERT_TRUE(cat.Drop("b", &batch).ok());
  EXPECT_EQ(cat.Find("b"), nullptr);
  ASSERT_TRUE(cat.Create(MakeTable("c")).ok());
  EXPECT_EQ(cat.Find("c")->oid, 16388u);
  storage::WriteBatch none;
  SqlStatus missing = cat.Drop("zz", &none);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().sqlstate, "42P01");
}

TEST_F(CatalogTest, IndexesSurviveAReopenAndShareTheRelationNamespace) {
  uint32_t index_oid = 0;
  {
    Catalog cat(store_.get());
    ASSERT_TRUE(cat.Load().ok());
    Table t = MakeTable("a");
    t.indexes.push_back(Index{0, "a_label_key", {1}, true, true});
    ASSERT_TRUE(cat.Create(t).ok());
    index_oid = cat.Find("a")->indexes[0].oid;
    EXPECT_EQ(index_oid, cat.Find("a")->oid + 2);  // after the primary key's index
    SqlStatus dup = cat.Create(MakeTable("a_label_key"));
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().message, "relation \"a_label_key\" already exists");
    auto oid = cat.NewOid();
    ASSERT_TRUE(oid.ok());
    EXPECT_EQ(oid.value(), index_oid + 1);
  }
  Open();
  Catalog cat(store_.get());
  ASSERT_TRUE(cat.Load().ok());
  auto t = cat.Find("a");
  ASSERT_EQ(t->indexes.size(), 1u);
  EXPECT_EQ(t->indexes[0].oid, index_oid);
  EXPECT_EQ(t->indexes[0].name, "a_label_key");
  EXPECT_EQ(t->indexes[0].columns, std::vector<int>{1});
  EXPECT_TRUE(t->indexes[0].unique);
  EXPECT_TRUE(t->indexes[0].constraint);
  EXPECT_EQ(cat.FindIndexTable("a_label_key"), t);
  EXPECT_TRUE(cat.RelationExists("a_label_key"));
  ASSERT_TRUE(cat.DropIndex("a", "a_label_key").ok());
  EXPECT_FALSE(cat.RelationExists("a_label_key"));
  EXPECT_EQ(cat.DropIndex("a", "a_label_key").error().sqlstate, "42704");
}

TEST_F(CatalogTest, DefaultsChecksAndAttnumsSurviveAReopen) {
  {
    Catalog cat(store_.get());
    ASSERT_TRUE(cat.Load().ok());
    Table t = MakeTable("c");
    t.columns[1].default_sql = "'none'";
    Column at{"at", Type::Of(TypeId::kTimestampTz)};
    at.has_default = true;
    at.default_per_row = true;
    at.default_sql = "now()";
    t.columns.push_back(at);
    t.checks.push_back(Check{"c_id_check", "id > 0"});
    ASSERT_TRUE(cat.Create(t).ok());
    // A column dropped, one added: the new one gets a fresh attnum.
    Table altered = *cat.Find("c");
    altered.columns.erase(altered.columns.begin() + 1);
    altered.columns.push_back(Column{"n", Type::Of(TypeId::kInt4)});
    altered.primary_key_name = "c_key_renamed";
    ASSERT_TRUE(cat.Alter("c", altered).ok());
  }
  Open();
  Catalog cat(store_.get());
  ASSERT_TRUE(cat.Load().ok());
  auto t = cat.Find("c");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->columns.size(), 3u);
  EXPECT_EQ(t->columns[0].attnum, 1);
  EXPECT_EQ(t->columns[1].name, "at");
  EXPECT_EQ(t->columns[1].attnum, 3);
  EXPECT_TRUE(t->columns[1].default_per_row);
  EXPECT_EQ(t->columns[1].default_sql, "now()");
  EXPECT_EQ(t->columns[2].attnum, 4);
  ASSERT_EQ(t->checks.size(), 1u);
  EXPECT_EQ(t->checks[0].name, "c_id_check");
  EXPECT_EQ(t->checks[0].sql, "id > 0");
  EXPECT_EQ(t->PrimaryKeyName(), "c_key_renamed");
  // The primary key's index has an OID of its own, kept across the reopen.
  EXPECT_GT(t->primary_key_oid, t->oid);
}

TEST_F(CatalogTest, HiddenRowIdsAreNotReusedAfterARestart) {
  uint64_t last = 0;
  {
    Catalog cat(store_.get());
    ASSERT_TRUE(cat.Load().ok());
    for (int i = 0; i < 1500; i++) {
      std::string mark;
      last = cat.NextRowId(16384, &mark);
      if (!mark.empty()) {
        storage::WriteBatch b;
        b.Put(storage::Cf::kSql, keys::RowIdMark(16384), mark);
        ASSERT_TRUE(store_->Write(&b, false).ok());
      }
    }
  }
  Open();
  Catalog cat(store_.get());
  ASSERT_TRUE(cat.Load().ok());
  std::string mark;
  uint64_t next = cat.NextRowId(16384, &mark);
  EXPECT_GT(next, last);
  EXPECT_FALSE(mark.empty());  // the first id after a restart writes a new mark
}

TEST(RowCodec, RowsRoundTripAndKeysSortByPrimaryKey) {
  std::vector<Value> row = {Value::Int(TypeId::kInt8, -5), Value::Null(Type::Of(TypeId::kText)),
                            Value::Float(TypeId::kFloat8, 2.5), Value::String(Type::Of(TypeId::kVarchar, 3), "ab"),
                            Value::Bool(true)};
  std::vector<Value> back;
  ASSERT_TRUE(DecodeRow(EncodeRow(row), &back));
  ASSERT_EQ(back.size(), row.size());
  for (size_t i = 0; i < row.size(); i++) {
    EXPECT_EQ(back[i].type, row[i].type) << i;
    EXPECT_EQ(back[i].null, row[i].null) << i;
    EXPECT_EQ(CompareValues(back[i], row[i]), 0) << i;
  }
  EXPECT_FALSE(DecodeRow(std::string("\x05\x01", 2), &back));

  Table t = MakeTable("t");
  t.oid = 20000;
  t.relfile = 20000;
  auto key = [&](int64_t id) { return RowKey(t, {Value::Int(TypeId::kInt8, id), Value::Null()}, 0); };
  EXPECT_LT(key(-10), key(-1));
  EXPECT_LT(key(-1), key(0));
  EXPECT_LT(key(0), key(1LL << 40));
  Table s = t;
  s.columns[0].type = Type::Of(TypeId::kText);
  auto skey = [&](const std::string& v) {
    return RowKey(s, {Value::String(Type::Of(TypeId::kText), v), Value::Null()}, 0);
  };
  EXPECT_LT(skey("a"), skey("ab"));
  EXPECT_LT(skey("ab"), skey("b"));
  EXPECT_EQ(key(3).compare(0, 5, keys::RowPrefix(20000)), 0);
}

TEST_F(CatalogTest, RewritesSwapRelfilesAndUnfinishedOnesAreCleanedOnLoad) {
  auto put = [&](uint32_t relfile, const std::string& suffix) {
    storage::WriteBatch b;
    b.Put(storage::Cf::kSql, keys::RowPrefix(relfile) + suffix, "row");
    ASSERT_TRUE(store_->Write(&b, true).ok());
  };
  auto count = [&](uint32_t relfile) {
    int n = 0;
    EXPECT_TRUE(store_->ScanPrefix(storage::Cf::kSql, keys::RowPrefix(relfile), [&](std::string_view, std::string_view) {
      n++;
      return true;
    }).ok());
    return n;
  };
  uint32_t old_relfile = 0, done = 0, unfinished = 0;
  {
    Catalog cat(store_.get());
    ASSERT_TRUE(cat.Load().ok());
    ASSERT_TRUE(cat.Create(MakeTable("a")).ok());
    old_relfile = cat.Find("a")->relfile;
    EXPECT_EQ(old_relfile, cat.Find("a")->oid);
    put(old_relfile, "1");
    auto r = cat.BeginRewrite();
    ASSERT_TRUE(r.ok());
    done = *r;
    EXPECT_NE(done, old_relfile);
    put(done, "1");
    put(done, "2");
    Table t = *cat.Find("a");
    t.relfile = done;
    ASSERT_TRUE(cat.FinishRewrite(t).ok());
    EXPECT_EQ(cat.Find("a")->relfile, done);
    EXPECT_EQ(count(old_relfile), 0);
    // A rewrite a crash interrupts: its rows must go at the next Load.
    auto r2 = cat.BeginRewrite();
    ASSERT_TRUE(r2.ok());
    unfinished = *r2;
    put(unfinished, "1");
  }
  Open();
  Catalog cat(store_.get());
  ASSERT_TRUE(cat.Load().ok());
  EXPECT_EQ(cat.Find("a")->relfile, done);
  EXPECT_EQ(count(done), 2);
  EXPECT_EQ(count(unfinished), 0);
  // New OIDs never reuse a relfile number.
  ASSERT_TRUE(cat.Create(MakeTable("b")).ok());
  EXPECT_GT(cat.Find("b")->oid, unfinished);
}

}  // namespace
}  // namespace lumadb::engine::sql

#include "engine/sql/sql_engine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>

#include "storage/rocks_store.h"

// The engine end to end without sockets: sessions run query strings and the
// results are checked as a client would see them.
namespace lumadb::engine::sql {
namespace {

class SqlEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("lumadb-sql-engine-" + std::to_string(getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Open();
  }
  void TearDown() override {
    engine_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    engine_.reset();
    store_.reset();
    auto s = storage::Store::Open(dir_.string(), storage::StoreOptions{});
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(s.value());
    engine_ = std::make_unique<SqlEngine>(store_.get());
    ASSERT_TRUE(engine_->Load().ok());
  }
  std::unique_ptr<SqlSession> NewSession() { return std::make_unique<SqlSession>(engine_.get(), "postgres"); }

  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<SqlEngine> engine_;
};

// Each statement's outcome as one line: the tag and rows ("SELECT 2: 1,a;2,b")
// or "ERROR <sqlstate>: message".
std::string Show(const StatementResult& r) {
  if (!r.status.ok()) return "ERROR " + r.status.error().sqlstate + ": " + r.status.error().message;
  std::string s = r.tag;
  if (r.returns_rows) {
    s += ":";
    for (size_t i = 0; i < r.rows.size(); i++) {
      s += i ? ";" : " ";
      for (size_t c = 0; c < r.rows[i].size(); c++) {
        if (c) s += ",";
        if (r.rows[i][c].null) {
          s += "NULL";
        } else {
          AppendText(r.rows[i][c], &s);
        }
      }
    }
  }
  return s;
}

std::vector<std::string> Exec(SqlSession& s, const std::string& sql) {
  std::vector<StatementResult> out;
  bool done = s.Run(sql, &out);
  std::vector<std::string> lines;
  for (const auto& r : out) lines.push_back(Show(r));
  if (!done) lines.push_back("WAITING");
  return lines;
}

using Lines = std::vector<std::string>;

TEST_F(SqlEngineTest, RunsStatementsAndKeepsTheirResultsApart) {
  auto s = NewSession();
  EXPECT_EQ(Exec(*s, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (2, 'b'), (1, 'a')"),
            (Lines{"CREATE TABLE", "INSERT 0 2"}));
  EXPECT_EQ(Exec(*s, "SELECT id, v FROM t ORDER BY v DESC; SELECT count(*) FROM t"),
            (Lines{"SELECT 2: 2,b;1,a", "SELECT 1: 2"}));
  EXPECT_EQ(Exec(*s, "UPDATE t SET v = v || '!' WHERE id = 1 RETURNING id, v"), (Lines{"UPDATE 1: 1,a!"}));
  EXPECT_EQ(Exec(*s, "DELETE FROM t WHERE id > 1"), (Lines{"DELETE 1"}));
  EXPECT_EQ(Exec(*s, "SELECT * FROM t"), (Lines{"SELECT 1: 1,a!"}));
  EXPECT_EQ(Exec(*s, "SELECT column1, count(*) FROM (VALUES (1), (2)) v GROUP BY column1 ORDER BY 1"),
            (Lines{"SELECT 2: 1,1;2,1"}));
  EXPECT_EQ(Exec(*s, "SELECT * FROM generate_series(1, 3)"), (Lines{"SELECT 3: 1;2;3"}));
  EXPECT_EQ(Exec(*s, "SELECT * FROM unnest(ARRAY[2, 1]) WITH ORDINALITY"), (Lines{"SELECT 2: 2,1;1,2"}));
  EXPECT_EQ(Exec(*s, "SELECT * FROM unnest(1)"), (Lines{"ERROR 42883: function unnest(integer) does not exist"}));
  EXPECT_EQ(Exec(*s, "SELECT * FROM pg_sleep(1)"),
            (Lines{"ERROR 0A000: the function pg_sleep in FROM is not supported by LumaDB yet"}));
}

TEST_F(SqlEngineTest, AnErrorInAQueryStringRollsBackItsImplicitTransaction) {
  auto s = NewSession();
  Exec(*s, "CREATE TABLE t (id int PRIMARY KEY)");
  EXPECT_EQ(Exec(*s, "INSERT INTO t VALUES (1); INSERT INTO t VALUES (1); INSERT INTO t VALUES (3)"),
            (Lines{"INSERT 0 1", "ERROR 23505: duplicate key value violates unique constraint \"t_pkey\""}));
  EXPECT_EQ(Exec(*s, "SELECT count(*) FROM t"), (Lines{"SELECT 1: 0"}));
  EXPECT_EQ(s->TransactionStatus(), 'I');
}

TEST_F(SqlEngineTest, TransactionBlockStatusAndAbortedState) {
  auto s = NewSession();
  Exec(*s, "CREATE TABLE t (id int PRIMARY KEY)");
  EXPECT_EQ(Exec(*s, "BEGIN"), (Lines{"BEGIN"}));
  EXPECT_EQ(s->TransactionStatus(), 'T');
  Exec(*s, "INSERT INTO t VALUES (1)");
  EXPECT_EQ(Exec(*s, "SELECT 1/0"), (Lines{"ERROR 22012: division by zero"}));
  EXPECT_EQ(s->TransactionStatus(), 'E');
  EXPECT_EQ(Exec(*s, "SELECT 1"),
            (Lines{"ERROR 25P02: current transaction is aborted, commands ignored until end of transaction block"}));
  EXPECT_EQ(Exec(*s, "COMMIT"), (Lines{"ROLLBACK"}));
  EXPECT_EQ(s->TransactionStatus(), 'I');
  EXPECT_EQ(Exec(*s, "SELECT count(*) FROM t"), (Lines{"SELECT 1: 0"}));
}

TEST_F(SqlEngineTest, UncommittedWritesAreInvisibleToOtherSessions) {
  auto a = NewSession();
  auto b = NewSession();
  Exec(*a, "CREATE TABLE t (id int PRIMARY KEY, v int)");
  Exec(*a, "BEGIN; INSERT INTO t VALUES (1, 10)");
  EXPECT_EQ(Exec(*a, "SELECT v FROM t"), (Lines{"SELECT 1: 10"}));
  EXPECT_EQ(Exec(*b, "SELECT v FROM t"), (Lines{"SELECT 0:"}));
  Exec(*a, "COMMIT");
  EXPECT_EQ(Exec(*b, "SELECT v FROM t"), (Lines{"SELECT 1: 10"}));
}

TEST_F(SqlEngineTest, RepeatableReadKeepsItsSnapshotAndFailsOnAConcurrentUpdate) {
  auto a = NewSession();
  auto b = NewSession();
  Exec(*a, "CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 10)");
  Exec(*b, "BEGIN ISOLATION LEVEL REPEATABLE READ");
  EXPECT_EQ(Exec(*b, "SELECT v FROM t"), (Lines{"SELECT 1: 10"}));
  Exec(*a, "UPDATE t SET v = 20");
  EXPECT_EQ(Exec(*b, "SELECT v FROM t"), (Lines{"SELECT 1: 10"}));
  EXPECT_EQ(Exec(*b, "UPDATE t SET v = v + 1"),
            (Lines{"ERROR 40001: could not serialize access due to concurrent update"}));
  Exec(*b, "ROLLBACK");
  EXPECT_EQ(Exec(*b, "SELECT v FROM t"), (Lines{"SELECT 1: 20"}));
}

TEST_F(SqlEngineTest, ASecondWriterOfARowWaitsAndThenSeesTheFirstOnesValue) {
  auto a = NewSession();
  auto b = NewSession();
  Exec(*a, "CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 10), (2, 10)");
  Exec(*a, "BEGIN; UPDATE t SET v = v + 1 WHERE id = 1");
  // A writer of another row does not wait.
  EXPECT_EQ(Exec(*b, "UPDATE t SET v = 0 WHERE id = 2"), (Lines{"UPDATE 1"}));
  EXPECT_EQ(Exec(*b, "UPDATE t SET v = v + 5 WHERE id = 1"), (Lines{"WAITING"}));
  std::atomic<int> woken{0};
  b->WakeWhenUnblocked([&] { woken++; });
  EXPECT_EQ(woken.load(), 0);
  Exec(*a, "COMMIT");
  EXPECT_EQ(woken.load(), 1);
  std::vector<StatementResult> out;
  ASSERT_TRUE(b->Resume(&out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(Show(out[0]), "UPDATE 1");
  EXPECT_EQ(Exec(*a, "SELECT v FROM t ORDER BY id"), (Lines{"SELECT 2: 16;0"}));
}

TEST_F(SqlEngineTest, AWaitThatClosesACycleIsADeadlock) {
  auto a = NewSession();
  auto b = NewSession();
  Exec(*a, "CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0), (2, 0)");
  Exec(*a, "BEGIN; UPDATE t SET v = 1 WHERE id = 1");
  Exec(*b, "BEGIN; UPDATE t SET v = 2 WHERE id = 2");
  EXPECT_EQ(Exec(*a, "UPDATE t SET v = 1 WHERE id = 2"), (Lines{"WAITING"}));
  a->WakeWhenUnblocked([] {});
  Lines got = Exec(*b, "UPDATE t SET v = 2 WHERE id = 1");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "ERROR 40P01: deadlock detected");
  Exec(*b, "ROLLBACK");
  std::vector<StatementResult> out;
  ASSERT_TRUE(a->Resume(&out));
  EXPECT_EQ(Show(out[0]), "UPDATE 1");
  Exec(*a, "COMMIT");
  EXPECT_EQ(Exec(*b, "SELECT v FROM t ORDER BY id"), (Lines{"SELECT 2: 1;1"}));
}

TEST_F(SqlEngineTest, CancelEndsAWaitWithQueryCanceled) {
  auto a = NewSession();
  auto b = NewSession();
  Exec(*a, "CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0)");
  Exec(*a, "BEGIN; DELETE FROM t");
  EXPECT_EQ(Exec(*b, "UPDATE t SET v = 1"), (Lines{"WAITING"}));
  b->Cancel();
  std::vector<StatementResult> out;
  ASSERT_TRUE(b->Resume(&out));
  EXPECT_EQ(Show(out[0]), "ERROR 57014: canceling statement due to user request");
  Exec(*a, "ROLLBACK");
  EXPECT_EQ(Exec(*b, "UPDATE t SET v = 1"), (Lines{"UPDATE 1"}));
}

TEST_F(SqlEngineTest, DurableCommitsAreReportedByTheSyncThread) {
  auto s = NewSession();
  Exec(*s, "CREATE TABLE d (v int)");
  EXPECT_EQ(s->durable_seq(), 0u);
  Exec(*s, "INSERT INTO d VALUES (1)");
  uint64_t first = s->durable_seq();
  ASSERT_GT(first, 0u);
  Exec(*s, "INSERT INTO d VALUES (2)");
  uint64_t second = s->durable_seq();
  EXPECT_GT(second, first);
  std::promise<void> synced;
  if (!engine_->WhenDurable(second, [&synced] { synced.set_value(); })) {
    ASSERT_EQ(synced.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  }
  // Both are durable now: no further wait is registered.
  EXPECT_TRUE(engine_->WhenDurable(first, [] { ADD_FAILURE() << "called for a durable commit"; }));
  EXPECT_TRUE(engine_->WhenDurable(second, [] { ADD_FAILURE() << "called for a durable commit"; }));
  // synchronous_commit = off does not ask for a sync.
  Exec(*s, "SET synchronous_commit = off; INSERT INTO d VALUES (3)");
  EXPECT_EQ(s->durable_seq(), second);
}

TEST_F(SqlEngineTest, ArrayAndJsonColumnsSurviveAReopen) {
  {
    auto s = NewSession();
    Exec(*s, "CREATE TABLE aj (id int PRIMARY KEY, tags varchar(8)[], doc jsonb)");
    Exec(*s, "INSERT INTO aj VALUES (1, '{a,\"b c\",NULL}', '{\"k\": [1, 2]}')");
  }
  Open();
  auto s = NewSession();
  EXPECT_EQ(Exec(*s, "SELECT tags, tags[2], doc -> 'k' FROM aj"), (Lines{"SELECT 1: {a,\"b c\",NULL},b c,[1, 2]"}));
  EXPECT_EQ(Exec(*s, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attname = 'tags'"),
            (Lines{"SELECT 1: character varying(8)[]"}));
}

TEST_F(SqlEngineTest, EnumTypesAndTheirOrderSurviveAReopen) {
  {
    auto s = NewSession();
    Exec(*s, "CREATE TYPE size AS ENUM ('s', 'l'); CREATE TABLE shirts (id int PRIMARY KEY, sz size)");
    Exec(*s, "ALTER TYPE size ADD VALUE 'm' AFTER 's'");
    Exec(*s, "INSERT INTO shirts VALUES (1, 'l'), (2, 's'), (3, 'm')");
  }
  Open();
  auto s = NewSession();
  EXPECT_EQ(Exec(*s, "SELECT id, sz FROM shirts ORDER BY sz"), (Lines{"SELECT 3: 2,s;3,m;1,l"}));
  EXPECT_EQ(Exec(*s, "SELECT count(*) FROM shirts WHERE sz > 's'"), (Lines{"SELECT 1: 2"}));
  EXPECT_EQ(Exec(*s, "SELECT 'x'::size"), (Lines{"ERROR 22P02: invalid input value for enum size: \"x\""}));
  Exec(*s, "DROP TABLE shirts; DROP TYPE size");
  EXPECT_EQ(Exec(*s, "SELECT 's'::size"), (Lines{"ERROR 42704: type \"size\" does not exist"}));
}

TEST_F(SqlEngineTest, CommittedRowsAndTablesSurviveAReopen) {
  {
    auto s = NewSession();
    Exec(*s, "CREATE TABLE k (id int PRIMARY KEY, v text); CREATE TABLE h (v int)");
    Exec(*s, "CREATE TABLE sq (id serial PRIMARY KEY, v text); INSERT INTO sq (v) VALUES ('a'), ('b')");
    Exec(*s, "INSERT INTO k VALUES (1, 'one'); INSERT INTO h VALUES (1), (2)");
    Exec(*s, "BEGIN; INSERT INTO k VALUES (2, 'uncommitted')");
    ASSERT_TRUE(engine_->SyncIfNeeded().ok());
  }
  Open();
  auto s = NewSession();
  EXPECT_EQ(Exec(*s, "SELECT id, v FROM k ORDER BY id"), (Lines{"SELECT 1: 1,one"}));
  // Hidden row ids continue past the ones used before.
  Exec(*s, "INSERT INTO h VALUES (3)");
  EXPECT_EQ(Exec(*s, "SELECT v FROM h ORDER BY v"), (Lines{"SELECT 3: 1;2;3"}));
  // A serial counter continues past every value handed out before (it may
  // skip ahead, as PostgreSQL's sequences do after a crash).
  Lines got = Exec(*s, "INSERT INTO sq (v) VALUES ('c') RETURNING id");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_GT(std::stoi(got[0].substr(got[0].find(':') + 2)), 2) << got[0];
  EXPECT_EQ(Exec(*s, "SELECT count(*) FROM sq"), (Lines{"SELECT 1: 3"}));
}

TEST_F(SqlEngineTest, SetAndShowUsePostgresNamesAndReportChanges) {
  auto s = NewSession();
  EXPECT_EQ(Exec(*s, "SHOW DateStyle"), (Lines{"SHOW: ISO, MDY"}));
  EXPECT_EQ(Exec(*s, "SET datestyle TO 'ISO'; SHOW datestyle"), (Lines{"SET", "SHOW: ISO, MDY"}));
  EXPECT_TRUE(s->TakeParameterChanges().empty());
  Exec(*s, "SET application_name = 'tool'");
  auto changes = s->TakeParameterChanges();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0], std::make_pair(std::string("application_name"), std::string("tool")));
  EXPECT_EQ(Exec(*s, "SET nope = 1"), (Lines{"ERROR 42704: unrecognized configuration parameter \"nope\""}));
  EXPECT_EQ(Exec(*s, "SET server_version = '1'"), (Lines{"ERROR 55P02: parameter \"server_version\" cannot be changed"}));
  EXPECT_EQ(Exec(*s, "SET standard_conforming_strings = maybe"),
            (Lines{"ERROR 22023: parameter \"standard_conforming_strings\" requires a Boolean value"}));
  EXPECT_EQ(Exec(*s, "SET my.custom = 'x'; SHOW my.custom"), (Lines{"SET", "SHOW: x"}));
}

TEST_F(SqlEngineTest, LockAndStatementTimeoutsEndAWait) {
  auto a = NewSession();
  auto b = NewSession();
  Exec(*a, "CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0)");
  Exec(*a, "BEGIN; UPDATE t SET v = 1");
  EXPECT_EQ(Exec(*b, "SET lock_timeout = '1s'; SHOW lock_timeout"), (Lines{"SET", "SHOW: 1s"}));
  EXPECT_EQ(Exec(*b, "SET statement_timeout = 120000; SHOW statement_timeout"), (Lines{"SET", "SHOW: 2min"}));
  EXPECT_EQ(Exec(*b, "SET lock_timeout = 20"), (Lines{"SET"}));
  EXPECT_EQ(Exec(*b, "SET lock_timeout = '5 parsecs'"),
            (Lines{"ERROR 22023: invalid value for parameter \"lock_timeout\": \"5 parsecs\""}));
  EXPECT_EQ(Exec(*b, "UPDATE t SET v = 2"), (Lines{"WAITING"}));
  EXPECT_GT(b->wait_deadline_ms(), 0);
  usleep(30 * 1000);
  std::vector<StatementResult> out;
  ASSERT_TRUE(b->Resume(&out));
  EXPECT_EQ(Show(out[0]), "ERROR 55P03: canceling statement due to lock timeout");
  EXPECT_EQ(Exec(*b, "SET lock_timeout = 0; SET statement_timeout = 20"), (Lines{"SET", "SET"}));
  EXPECT_EQ(Exec(*b, "UPDATE t SET v = 2"), (Lines{"WAITING"}));
  usleep(30 * 1000);
  out.clear();
  ASSERT_TRUE(b->Resume(&out));
  EXPECT_EQ(Show(out[0]), "ERROR 57014: canceling statement due to statement timeout");
  Exec(*a, "COMMIT");
}

}  // namespace
}  // namespace lumadb::engine::sql

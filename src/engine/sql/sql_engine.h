#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/sql/common/error.h"
#include "engine/sql/parser/ast.h"
#include "engine/sql/parser/parse_cache.h"
#include "engine/sql/planner/planner.h"
#include "engine/sql/types/types.h"

namespace lumadb::storage {
class Store;
}  // namespace lumadb::storage

// The SQL engine's front door for protocol handlers: an engine over the
// store, and per-connection sessions that run query strings with
// PostgreSQL's transaction-block rules and settings. Sessions never see a
// socket; they return results that a wire protocol encodes.
namespace lumadb::engine::sql {

class Catalog;
class CopyFromRun;
class TxnManager;
class Txn;

class SqlEngine {
 public:
  explicit SqlEngine(storage::Store* store);
  ~SqlEngine();
  // Reads the catalog from storage.
  SqlStatus Load();
  // One WAL fsync for every transaction committed since the last (called
  // once per event-loop round, before replies go out: group commit).
  SqlStatus SyncIfNeeded();
  // True when commit `seq` is durable; otherwise false, and `done` runs (on
  // the sync thread) once it is. See TxnManager::WhenDurable.
  bool WhenDurable(uint64_t seq, std::function<void()> done);
  // Stops calling WhenDurable's `done` (shutdown: before the workers go).
  void StopSync();

  Catalog& catalog() { return *catalog_; }
  TxnManager& txns() { return *txns_; }
  storage::Store* store() { return store_; }

 private:
  storage::Store* store_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<TxnManager> txns_;
};

// The outcome of one statement of a query string.
struct StatementResult {
  bool returns_rows = false;
  std::vector<ResultColumn> columns;
  std::vector<std::vector<Value>> rows;
  std::string tag;  // "INSERT 0 3", "SELECT 2", "BEGIN", ...
  std::vector<Notice> notices;
  bool empty_query = false;
  // COPY FROM STDIN: the statement now takes the client's data (CopyInResponse
  // for copy_columns columns), see SqlSession::CopyData.
  bool copy_in = false;
  // COPY TO STDOUT: the data, one row per string (CopyOutResponse, then CopyData each).
  bool copy_out = false;
  int copy_columns = 0;
  std::vector<std::string> copy_rows;
  SqlStatus status;  // set when the statement failed (nothing else is then meaningful)
};

// A statement prepared by the extended protocol's Parse: parsed once, its
// parameter types inferred and its result columns known before it runs.
struct PreparedStatement {
  std::string sql;
  std::vector<ast::Statement> statements;  // none (empty query) or one
  std::vector<Type> param_types;
  bool returns_rows = false;
  std::vector<ResultColumn> columns;
};

// One run-time setting (GUC) as SET and SHOW see it.
struct Setting {
  enum class Kind : uint8_t { kString, kBool, kInt, kFixed, kMilliseconds };
  std::string name;  // PostgreSQL's spelling ("DateStyle")
  Kind kind = Kind::kString;
  std::string value;
  std::string reset_value;
  bool report = false;  // GUC_REPORT: sent in ParameterStatus
  std::string description;
};

class SessionSequences;
namespace datetime {
class TimeZone;
}

class SqlSession {
 public:
  SqlSession(SqlEngine* engine, std::string user);
  ~SqlSession();  // rolls back an open transaction

  // A startup-packet setting (application_name, DateStyle, options' -c ...).
  SqlStatus SetStartupParameter(const std::string& name, const std::string& value);
  // The session's side of sequences and catalog names (made on first use).
  SessionSequences* Sequences();
  // The zone of the TimeZone setting (what timestamptz values print in).
  const datetime::TimeZone* time_zone() const;
  // Settings PostgreSQL reports in ParameterStatus, in its order.
  std::vector<std::pair<std::string, std::string>> ReportedParameters() const;
  // Reported settings changed by SET since the last call.
  std::vector<std::pair<std::string, std::string>> TakeParameterChanges();

  // Runs a query string (one or several statements). Results are appended to
  // `out` as statements finish. Returns false when a statement waits for a
  // row lock held by another transaction: call WakeWhenUnblocked, then Resume
  // when woken (or after a while).
  bool Run(const std::string& sql, std::vector<StatementResult>* out);
  bool Resume(std::vector<StatementResult>* out);

  // Extended protocol. Prepare parses and describes one statement
  // (`param_types` as declared by Parse, kUnknown = infer). Execute runs it
  // with parameter values (one per param_types entry, typed) like a statement
  // of a query string, except that outside BEGIN its implicit transaction
  // lasts until Sync; it returns false when the statement waits (as Run).
  SqlResult<std::shared_ptr<PreparedStatement>> Prepare(const std::string& sql, std::vector<Type> param_types);
  bool Execute(std::shared_ptr<PreparedStatement> ps, std::vector<Value> params, std::vector<StatementResult>* out);
  // Sync: commits the implicit transaction; an error is appended to `out`.
  void Sync(std::vector<StatementResult>* out);
  // An error outside any statement (a failed Parse or Bind): fails the
  // transaction block, or rolls back the implicit transaction.
  void AbortOnError();
  void WakeWhenUnblocked(std::function<void()> wake);
  bool waiting() const { return waiting_; }
  // Cancels the waiting statement (CancelRequest): Resume then reports 57014.
  void Cancel() { cancel_ = true; }
  // While waiting: when statement_timeout or lock_timeout runs out
  // (MonoMs; 0 = never). Resume after it reports the timeout.
  int64_t wait_deadline_ms() const { return wait_deadline_ms_; }

  // COPY FROM STDIN. When Run (or Resume, or CopyDone) returns with
  // in_copy(), the client's data goes to CopyData; CopyDone ends it (the
  // "COPY n" result or its error) and goes on with the rest of the query
  // string, returning as Run does. CopyFail ends it with the client's error.
  // An error in the data ends the copy at once: CopyData appends it and
  // returns true (the client's remaining copy messages are to be ignored).
  bool in_copy() const { return copy_from_ != nullptr; }
  bool CopyData(std::string_view data, std::vector<StatementResult>* out);
  bool CopyDone(std::vector<StatementResult>* out);
  bool CopyFail(std::string_view message, std::vector<StatementResult>* out);
  // Ends the copy with an error of the caller's (a protocol violation).
  bool CopyAbort(SqlStatus st, std::vector<StatementResult>* out) { return EndCopyWithError(std::move(st), out); }

  // 'I' idle, 'T' in a transaction block, 'E' in a failed one.
  char TransactionStatus() const;
  bool synchronous_commit() const;
  // The commit sequence number of this session's last durable commit (0 =
  // none): its reply must not reach the client before
  // TxnManager::WhenDurable says so.
  uint64_t durable_seq() const { return durable_seq_; }

 private:
  bool RunPending(std::vector<StatementResult>* out);
  void RunStatement(const ast::Statement& st, StatementResult* r);
  void RunTransaction(const ast::Statement& st, StatementResult* r);
  void RunSet(const ast::Statement& st, StatementResult* r);
  void RunShow(const ast::Statement& st, StatementResult* r);
  void RunCursor(const ast::Statement& st, StatementResult* r);
  void DropCursors();  // the ones without WITH HOLD, at transaction end
  // DECLARE CURSOR's rows, read when it was declared.
  struct Cursor {
    std::vector<ResultColumn> columns;
    std::vector<std::vector<Value>> rows;
    int64_t pos = 0;
    bool hold = false;
  };
  std::map<std::string, Cursor> cursors_;
  std::unique_ptr<SessionSequences> sequences_;  // nextval/currval state
  void DropIndexes(const ast::Drop& d, StatementResult* r);
  void RunDdl(const ast::Statement& st, StatementResult* r);
  // After a failed statement: the block fails, or the implicit transaction
  // rolls back; the rest of the query string is skipped.
  void AfterFailure();
  bool EndCopyWithError(SqlStatus st, std::vector<StatementResult>* out);
  Setting* FindSetting(const std::string& name);
  SqlStatus Assign(Setting* s, const std::vector<std::string>& values);
  void EnsureTxn();
  SqlStatus CommitTxn();
  void RollbackTxn();

  SqlEngine* engine_;
  std::string user_;
  std::vector<Setting> settings_;
  mutable const datetime::TimeZone* zone_ = nullptr;  // time_zone()'s cache of the TimeZone setting
  mutable std::string zone_name_;
  std::vector<std::pair<std::string, std::string>> changed_;
  std::unique_ptr<Txn> txn_;
  int64_t txn_start_us_ = 0;  // now() of the transaction
  std::unique_ptr<CopyFromRun> copy_from_;  // the COPY FROM STDIN taking data (uses txn_)
  bool explicit_ = false;  // inside BEGIN ... COMMIT
  std::vector<std::pair<std::string, size_t>> savepoints_;  // name, Txn::Mark()
  // Settings changed inside the transaction block, to restore when it rolls
  // back (SET) or ends (SET LOCAL), as PostgreSQL does.
  struct SetUndo {
    size_t setting;
    std::string old_value;
    bool local;
  };
  std::vector<SetUndo> set_undo_;
  void RestoreSettings(bool all);
  bool failed_ = false;    // the block had an error: only ROLLBACK/COMMIT work
  // The query string being run, and its statements still to run.
  std::string sql_;
  ParseCache parse_cache_;  // simple-query strings, by their text without literals
  std::shared_ptr<ParsedStatements> parsed_;  // the cache's tree: used until the next Run
  std::vector<const ast::Statement*> pending_;
  size_t next_ = 0;
  bool commit_at_end_ = true;  // simple query: the string is one implicit transaction
  // Extended protocol: the statement being executed and its parameters.
  std::shared_ptr<PreparedStatement> executing_;
  Params params_;
  bool use_params_ = false;
  bool waiting_ = false;
  bool waiting_before_ = false;  // the current statement has waited already
  bool cancel_ = false;
  uint64_t durable_seq_ = 0;
  int64_t statement_start_ms_ = 0;
  int64_t wait_start_ms_ = 0;
  int64_t wait_deadline_ms_ = 0;
  int64_t SettingMs(const char* name) const;
};

}  // namespace lumadb::engine::sql

#include "engine/sql/sql_engine.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "common/clock.h"
#include "engine/sql/catalog/catalog.h"
#include "engine/sql/execution/alter_table.h"
#include "engine/sql/execution/comments.h"
#include "engine/sql/execution/copy.h"
#include "engine/sql/execution/enum_types.h"
#include "engine/sql/execution/explain.h"
#include "engine/sql/execution/executor.h"
#include "engine/sql/execution/sequences.h"
#include "engine/sql/execution/views.h"
#include "engine/sql/parser/pg_parser.h"
#include "engine/sql/txn/txn.h"
#include "engine/sql/types/datetime.h"
#include "engine/sql/types/timezone.h"
#include "storage/key_codec.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::sql {

namespace {

// Makes the session's sequences reachable from nextval() & co. while a statement runs.
class SequenceScope {
 public:
  explicit SequenceScope(SequenceAccess* s) : prev_(SetSequenceAccess(s)) {}
  ~SequenceScope() { SetSequenceAccess(prev_); }

 private:
  SequenceAccess* prev_;
};

}  // namespace


// The PostgreSQL release LumaDB answers as.
inline constexpr const char* kServerVersion = "15.8";
inline constexpr const char* kServerVersionNum = "150008";

SqlEngine::SqlEngine(storage::Store* store)
    : store_(store), catalog_(std::make_unique<Catalog>(store)), txns_(std::make_unique<TxnManager>(store)) {}
SqlEngine::~SqlEngine() = default;

SqlStatus SqlEngine::Load() { return catalog_->Load(); }
SqlStatus SqlEngine::SyncIfNeeded() { return txns_->SyncIfNeeded(); }
void SqlEngine::StopSync() { txns_->StopSync(); }
bool SqlEngine::WhenDurable(uint64_t seq, std::function<void()> done) {
  return txns_->WhenDurable(seq, std::move(done));
}

namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<Setting> DefaultSettings(const std::string& user) {
  using K = Setting::Kind;
  // Reported ones first, in the order PostgreSQL 15 sends them at startup.
  return {
      {"application_name", K::kString, "", "", true, "Sets the application name to be reported in statistics and logs."},
      {"client_encoding", K::kString, "UTF8", "UTF8", true, "Sets the client's character set encoding."},
      {"DateStyle", K::kString, "ISO, MDY", "ISO, MDY", true, "Sets the display format for date and time values."},
      {"default_transaction_read_only", K::kBool, "off", "off", true,
       "Sets the default read-only status of new transactions."},
      {"in_hot_standby", K::kFixed, "off", "off", true, "Shows whether hot standby is currently active."},
      {"integer_datetimes", K::kFixed, "on", "on", true, "Shows whether datetimes are integer based."},
      {"IntervalStyle", K::kString, "postgres", "postgres", true, "Sets the display format for interval values."},
      {"is_superuser", K::kFixed, "on", "on", true, "Shows whether the current user is a superuser."},
      {"server_encoding", K::kFixed, "UTF8", "UTF8", true, "Shows the server (database) character set encoding."},
      {"server_version", K::kFixed, kServerVersion, kServerVersion, true, "Shows the server version."},
      {"session_authorization", K::kFixed, user, user, true, "Sets the session user name."},
      {"standard_conforming_strings", K::kBool, "on", "on", true,
       "Causes '...' strings to treat backslashes literally."},
      {"TimeZone", K::kString, "UTC", "UTC", true, "Sets the time zone for displaying and interpreting time stamps."},
      {"server_version_num", K::kFixed, kServerVersionNum, kServerVersionNum, false,
       "Shows the server version as an integer."},
      {"search_path", K::kString, "\"$user\", public", "\"$user\", public", false,
       "Sets the schema search order for names that are not schema-qualified."},
      {"transaction_isolation", K::kString, "read committed", "read committed", false,
       "Sets the current transaction's isolation level."},
      {"default_transaction_isolation", K::kString, "read committed", "read committed", false,
       "Sets the transaction isolation level of each new transaction."},
      {"transaction_read_only", K::kBool, "off", "off", false, "Sets the current transaction's read-only status."},
      {"synchronous_commit", K::kString, "on", "on", false, "Sets the current transaction's synchronization level."},
      {"statement_timeout", K::kMilliseconds, "0", "0", false,
       "Sets the maximum allowed duration of any statement (LumaDB: enforced while waiting for a row lock)."},
      {"lock_timeout", K::kMilliseconds, "0", "0", false, "Sets the maximum allowed duration of any wait for a lock."},
      {"idle_in_transaction_session_timeout", K::kMilliseconds, "0", "0", false,
       "Sets the maximum allowed idle time between queries, when in a transaction (LumaDB: not enforced)."},
      {"extra_float_digits", K::kInt, "1", "1", false, "Sets the number of digits displayed for floating-point values."},
      {"client_min_messages", K::kString, "notice", "notice", false, "Sets the message levels that are sent to the client."},
      {"bytea_output", K::kString, "hex", "hex", false, "Sets the output format for bytea."},
      {"lc_messages", K::kString, "C", "C", false, "Sets the language in which messages are displayed."},
      {"lc_monetary", K::kString, "C", "C", false, "Sets the locale for formatting monetary amounts."},
      {"lc_numeric", K::kString, "C", "C", false, "Sets the locale for formatting numbers."},
      {"lc_time", K::kString, "C", "C", false, "Sets the locale for formatting date and time values."},
      {"lc_collate", K::kFixed, "C", "C", false, "Shows the collation order locale."},
      {"lc_ctype", K::kFixed, "C", "C", false, "Shows the character classification and case conversion locale."},
      {"max_connections", K::kFixed, "10000", "10000", false, "Sets the maximum number of concurrent connections."},
      {"max_identifier_length", K::kFixed, "63", "63", false, "Shows the maximum identifier length."},
      {"block_size", K::kFixed, "8192", "8192", false, "Shows the size of a disk block."},
      {"row_security", K::kBool, "on", "on", false, "Enable row security."},
      {"check_function_bodies", K::kBool, "on", "on", false, "Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE."},
      {"xmloption", K::kString, "content", "content", false, "Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments."},
      {"jit", K::kBool, "off", "off", false, "Allow JIT compilation."},
  };
}

bool ParseBool(std::string v, bool* out) {
  v = Lower(v);
  if (v == "on" || v == "true" || v == "yes" || v == "1" || v == "t" || v == "y") {
    *out = true;
    return true;
  }
  if (v == "off" || v == "false" || v == "no" || v == "0" || v == "f" || v == "n") {
    *out = false;
    return true;
  }
  return false;
}

SqlResult<Isolation> ParseIsolation(const std::string& s) {
  std::string v = Lower(s);
  if (v == "read committed" || v == "read uncommitted") return Isolation::kReadCommitted;
  if (v == "repeatable read") return Isolation::kRepeatableRead;
  if (v == "serializable") return Isolation::kSerializable;
  return MakeError(sqlstate::kInvalidParameterValue, "invalid value for parameter \"transaction_isolation\": \"" + s + "\"");
}

// The word PostgreSQL's tag uses for a BEGIN: "START TRANSACTION" or "BEGIN".
std::string BeginTag(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) i++;
  return Lower(text.substr(i, 5)) == "start" ? "START TRANSACTION" : "BEGIN";
}

// Plans and runs an INSERT, UPDATE or DELETE: the tag with its row count,
// and the RETURNING rows when there are any.
template <typename Plan, typename Exec>
SqlStatus RunDml(SqlResult<std::unique_ptr<Plan>> plan, const char* tag, StatementResult* r, Exec exec) {
  if (!plan.ok()) return plan.TakeStatus();
  SQL_ASSIGN_OR_RETURN(DmlResult res, exec(**plan));
  r->tag = tag + std::to_string(res.count);
  if (!(*plan)->returning.empty()) {
    r->returns_rows = true;
    r->columns = (*plan)->returning_columns;
    r->rows = std::move(res.returning);
  }
  return SqlStatus::Ok();
}

// What Describe reports for a DML statement: its RETURNING columns.
template <typename Plan>
SqlStatus DescribeDml(SqlResult<std::unique_ptr<Plan>> plan, PreparedStatement* ps) {
  if (!plan.ok()) return plan.TakeStatus();
  ps->returns_rows = !(*plan)->returning.empty();
  ps->columns = (*plan)->returning_columns;
  return SqlStatus::Ok();
}

void SetRows(const std::vector<ResultColumn>& cols, std::vector<Row> rows, StatementResult* r) {
  r->returns_rows = true;
  r->columns = cols;
  r->rows = std::move(rows);
}

}  // namespace

SqlSession::SqlSession(SqlEngine* engine, std::string user)
    : engine_(engine), user_(std::move(user)), settings_(DefaultSettings(user_)) {}

SqlSession::~SqlSession() {
  copy_from_.reset();
  if (txn_) {
    engine_->txns().CancelWake(txn_->id());
    RollbackTxn();
  }
}

Setting* SqlSession::FindSetting(const std::string& name) {
  std::string n = Lower(name);
  if (n == "time zone" || n == "timezone") n = "timezone";
  for (auto& s : settings_) {
    if (Lower(s.name) == n) return &s;
  }
  return nullptr;
}

SqlStatus SqlSession::Assign(Setting* s, const std::vector<std::string>& values) {
  std::string v;
  for (size_t i = 0; i < values.size(); i++) v += (i ? ", " : "") + values[i];
  switch (s->kind) {
    case Setting::Kind::kFixed:
      return MakeError(sqlstate::kCantChangeRuntimeParam, "parameter \"" + s->name + "\" cannot be changed");
    case Setting::Kind::kBool: {
      bool b;
      if (values.size() != 1 || !ParseBool(values[0], &b)) {
        return MakeError(sqlstate::kInvalidParameterValue, "parameter \"" + s->name + "\" requires a Boolean value");
      }
      v = b ? "on" : "off";
      break;
    }
    case Setting::Kind::kInt: {
      char* end = nullptr;
      long n = values.size() == 1 ? strtol(values[0].c_str(), &end, 10) : 0;
      if (values.size() != 1 || end == values[0].c_str() || *end != '\0') {
        return MakeError(sqlstate::kInvalidParameterValue,
                         "invalid value for parameter \"" + s->name + "\": \"" + v + "\"");
      }
      if (s->name == "extra_float_digits" && (n < -15 || n > 3)) {
        return MakeError(sqlstate::kInvalidParameterValue,
                         std::to_string(n) + " is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)");
      }
      v = std::to_string(n);
      break;
    }
    case Setting::Kind::kMilliseconds: {
      // An integer in milliseconds, or with a unit; shown in the largest
      // unit that divides it, as PostgreSQL does ("5s", "2min").
      std::string in = values.size() == 1 ? values[0] : "";
      size_t i = 0;
      while (i < in.size() && std::isdigit(static_cast<unsigned char>(in[i]))) i++;
      std::string unit = in.substr(i);
      while (!unit.empty() && unit[0] == ' ') unit.erase(0, 1);
      static const std::pair<const char*, int64_t> kUnits[] = {
          {"", 1}, {"ms", 1}, {"s", 1000}, {"min", 60000}, {"h", 3600000}, {"d", 86400000}};
      int64_t scale = 0;
      for (const auto& [name, ms] : kUnits) {
        if (unit == name) scale = ms;
      }
      if (i == 0 || i > 12 || scale == 0) {
        SqlError e = MakeError(sqlstate::kInvalidParameterValue,
                               "invalid value for parameter \"" + s->name + "\": \"" + v + "\"");
        if (i > 0 && scale == 0) e.hint = "Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".";
        return e;
      }
      int64_t ms = std::stoll(in.substr(0, i)) * scale;
      v = std::to_string(ms);
      for (auto it = std::rbegin(kUnits); it != std::rend(kUnits); ++it) {
        if (ms != 0 && it->second > 1 && ms % it->second == 0) {
          v = std::to_string(ms / it->second) + it->first;
          break;
        }
      }
      if (ms != 0 && v == std::to_string(ms)) v += "ms";
      break;
    }
    case Setting::Kind::kString: break;
  }
  std::string lname = Lower(s->name);
  if (lname == "client_encoding") {
    std::string e = Lower(v);
    e.erase(std::remove(e.begin(), e.end(), '-'), e.end());
    if (e != "utf8" && e != "unicode") {
      return MakeError(sqlstate::kFeatureNotSupported,
                       "LumaDB supports client_encoding UTF8 only, not \"" + v + "\"");
    }
    v = "UTF8";
  } else if (lname == "datestyle") {
    // Canonical form: output style, then field order ("ISO, MDY").
    std::string style, order;
    const std::string& cur = s->value;
    style = cur.substr(0, cur.find(','));
    order = cur.substr(cur.find(',') + 2);
    bool have_order = false;
    for (const auto& part0 : values) {
      std::string part = part0;
      size_t start = 0;
      while (start <= part.size()) {
        size_t comma = part.find(',', start);
        std::string w = part.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        w.erase(0, w.find_first_not_of(' '));
        w.erase(w.find_last_not_of(' ') + 1);
        std::string lw = Lower(w);
        if (lw == "iso") {
          style = "ISO";
        } else if (lw == "sql") {
          style = "SQL";
        } else if (lw == "postgres") {
          style = "Postgres";
        } else if (lw == "german") {
          style = "German";
          if (!have_order) order = "DMY";  // German implies DMY unless an order is given
        } else if (lw == "mdy" || lw == "us" || lw == "noneuropean") {
          order = "MDY";
          have_order = true;
        } else if (lw == "dmy" || lw == "euro" || lw == "european") {
          order = "DMY";
          have_order = true;
        } else if (lw == "ymd") {
          order = "YMD";
          have_order = true;
        } else if (lw != "default") {
          SqlError e = MakeError(sqlstate::kInvalidParameterValue,
                                 "invalid value for parameter \"DateStyle\": \"" + v + "\"");
          e.detail = "Unrecognized key word: \"" + w + "\".";
          return e;
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    v = style + ", " + order;
  } else if (lname == "timezone") {
    std::string z = v;
    if (Lower(z) == "local" || Lower(z) == "default") z = "UTC";
    // SET TIME ZONE -5 / 5.5: hours east of UTC, named as PostgreSQL names such a zone ("<-05>+05").
    char* end = nullptr;
    double hours = z.empty() ? 0 : std::strtod(z.c_str(), &end);
    if (!z.empty() && end == z.c_str() + z.size() && std::fabs(hours) < 168) {
      int secs = static_cast<int>(std::lround(hours * 3600));
      std::string east, west;
      datetime::AppendOffset(secs, &east);
      datetime::AppendOffset(-secs, &west);
      z = "<" + east + ">" + west;
    }
    const datetime::TimeZone* zone = datetime::FindTimeZone(z);
    if (zone == nullptr) {
      return MakeError(sqlstate::kInvalidParameterValue, "invalid value for parameter \"TimeZone\": \"" + v + "\"");
    }
    v = zone->name();
  } else if (lname == "transaction_isolation" || lname == "default_transaction_isolation") {
    SQL_ASSIGN_OR_RETURN(Isolation iso, ParseIsolation(v));
    v = Lower(v);
    if (lname == "transaction_isolation" && txn_) txn_->set_isolation(iso);
  } else if (lname == "synchronous_commit") {
    bool b;
    std::string l = Lower(v);
    if (ParseBool(l, &b)) {
      v = b ? "on" : "off";
    } else if (l != "local" && l != "remote_write" && l != "remote_apply") {
      SqlError e = MakeError(sqlstate::kInvalidParameterValue,
                             "invalid value for parameter \"synchronous_commit\": \"" + v + "\"");
      e.hint = "Available values: local, remote_write, remote_apply, on, off.";
      return e;
    }
  }
  if (s->value != v && s->report) changed_.emplace_back(s->name, v);
  s->value = v;
  return SqlStatus::Ok();
}

SessionSequences* SqlSession::Sequences() {
  if (!sequences_) sequences_ = std::make_unique<SessionSequences>(&engine_->catalog(), engine_->store());
  return sequences_.get();
}

const datetime::TimeZone* SqlSession::time_zone() const {
  for (const auto& s : settings_) {
    if (s.name != "TimeZone") continue;
    if (s.value != zone_name_) {
      const datetime::TimeZone* z = datetime::FindTimeZone(s.value);
      zone_ = z != nullptr ? z : datetime::UtcZone();
      zone_name_ = s.value;
    }
    return zone_ != nullptr ? zone_ : datetime::UtcZone();
  }
  return datetime::UtcZone();
}

SqlStatus SqlSession::SetStartupParameter(const std::string& name, const std::string& value) {
  Setting* s = FindSetting(name);
  if (s == nullptr) {
    if (name.find('.') != std::string::npos) {
      settings_.push_back(Setting{name, Setting::Kind::kString, value, value, false, ""});
      return SqlStatus::Ok();
    }
    return MakeError(sqlstate::kUndefinedParameter, "unrecognized configuration parameter \"" + name + "\"");
  }
  SQL_RETURN_IF_ERROR(Assign(s, {value}));
  s->reset_value = s->value;
  changed_.clear();
  return SqlStatus::Ok();
}

std::vector<std::pair<std::string, std::string>> SqlSession::ReportedParameters() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& s : settings_) {
    if (s.report) out.emplace_back(s.name, s.value);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> SqlSession::TakeParameterChanges() {
  return std::exchange(changed_, {});
}

char SqlSession::TransactionStatus() const {
  if (!explicit_) return 'I';
  return failed_ ? 'E' : 'T';
}

bool SqlSession::synchronous_commit() const {
  for (const auto& s : settings_) {
    if (s.name == "synchronous_commit") return s.value != "off";
  }
  return true;
}

void SqlSession::EnsureTxn() {
  if (txn_) return;
  Isolation iso = Isolation::kReadCommitted;
  for (auto& s : settings_) {
    if (s.name == "default_transaction_isolation") {
      auto r = ParseIsolation(s.value);
      if (r.ok()) iso = *r;
    }
  }
  txn_ = engine_->txns().Begin(iso);
  txn_start_us_ = datetime::CurrentTimestampMicros();
}

void SqlSession::RunCursor(const ast::Statement& st, StatementResult* r) {
  const ast::Cursor& c = *st.cursor;
  if (st.kind == ast::StatementKind::kCloseCursor) {
    r->tag = "CLOSE CURSOR";
    if (c.name.empty()) {
      cursors_.clear();
    } else if (cursors_.erase(c.name) == 0) {
      r->status = MakeError("34000", "cursor \"" + c.name + "\" does not exist");
    }
    return;
  }
  auto it = cursors_.find(c.name);
  if (it == cursors_.end()) {
    r->status = MakeError("34000", "cursor \"" + c.name + "\" does not exist");
    return;
  }
  // PostgreSQL's position: 0 before the first row, n on row n, size + 1 after the last.
  Cursor& cur = it->second;
  int64_t size = static_cast<int64_t>(cur.rows.size());
  std::vector<Row> out;
  int64_t moved = 0;
  if (c.forward) {
    int64_t from = cur.pos + 1, to = c.count >= size + 1 - cur.pos ? size : cur.pos + c.count;
    for (int64_t i = from; i <= to; i++) {
      if (!c.move) out.push_back(cur.rows[i - 1]);
      moved++;
    }
    cur.pos = moved < c.count ? size + 1 : cur.pos + c.count;
  } else {
    int64_t from = std::min(cur.pos - 1, size), to = c.count >= cur.pos ? 1 : cur.pos - c.count;
    for (int64_t i = from; i >= to; i--) {
      if (!c.move) out.push_back(cur.rows[i - 1]);
      moved++;
    }
    cur.pos = moved < c.count ? 0 : cur.pos - c.count;
  }
  r->tag = (c.move ? "MOVE " : "FETCH ") + std::to_string(moved);
  if (!c.move) SetRows(cur.columns, std::move(out), r);
}

void SqlSession::DropCursors() {
  for (auto it = cursors_.begin(); it != cursors_.end();) it = it->second.hold ? std::next(it) : cursors_.erase(it);
}

SqlStatus SqlSession::CommitTxn() {
  DropCursors();
  if (!txn_) return SqlStatus::Ok();
  SqlStatus st = engine_->txns().Commit(txn_.get(), synchronous_commit());
  if (txn_->durable_seq() > durable_seq_) durable_seq_ = txn_->durable_seq();
  RestoreSettings(/*all=*/false);
  txn_.reset();
  explicit_ = false;
  failed_ = false;
  savepoints_.clear();
  return st;
}

void SqlSession::RollbackTxn() {
  DropCursors();
  if (txn_) engine_->txns().Rollback(txn_.get());
  RestoreSettings(/*all=*/true);
  txn_.reset();
  explicit_ = false;
  failed_ = false;
  savepoints_.clear();
}

void SqlSession::RestoreSettings(bool all) {
  for (auto it = set_undo_.rbegin(); it != set_undo_.rend(); ++it) {
    if (!all && !it->local) continue;
    Setting& s = settings_[it->setting];
    if (s.value != it->old_value && s.report) changed_.emplace_back(s.name, it->old_value);
    s.value = it->old_value;
  }
  set_undo_.clear();
}

bool SqlSession::Run(const std::string& sql, std::vector<StatementResult>* out) {
  sql_ = sql;
  cancel_ = false;
  pending_.clear();
  next_ = 0;
  waiting_ = false;
  waiting_before_ = false;
  commit_at_end_ = true;
  use_params_ = false;
  executing_.reset();
  auto parsed = parse_cache_.Parse(sql_);
  if (!parsed.ok()) {
    StatementResult r;
    r.status = parsed.TakeStatus();
    out->push_back(std::move(r));
    if (explicit_) {
      failed_ = true;
    } else {
      RollbackTxn();
    }
    return true;
  }
  parsed_ = std::move(parsed.value());
  if (parsed_->empty()) {
    StatementResult r;
    r.empty_query = true;
    out->push_back(std::move(r));
    return true;
  }
  for (const auto& st : *parsed_) pending_.push_back(&st);
  return RunPending(out);
}

SqlResult<std::shared_ptr<PreparedStatement>> SqlSession::Prepare(const std::string& sql,
                                                                  std::vector<Type> param_types) {
  auto ps = std::make_shared<PreparedStatement>();
  ps->sql = sql;
  SQL_ASSIGN_OR_RETURN(ps->statements, ParsePostgres(ps->sql));
  if (ps->statements.size() > 1) {
    return MakeError(sqlstate::kSyntaxError, "cannot insert multiple commands into a prepared statement");
  }
  Params params;
  params.types = std::move(param_types);
  SequenceScope scope(Sequences());
  datetime::ZoneScope zone_scope(time_zone());
  if (!ps->statements.empty()) {
    const ast::Statement& st = ps->statements[0];
    const Catalog& catalog = engine_->catalog();
    switch (st.kind) {
      case ast::StatementKind::kSelect: {
        SQL_ASSIGN_OR_RETURN(auto plan, PlanSelect(*st.select, catalog, ps->sql, &params));
        ps->returns_rows = true;
        ps->columns = plan->columns;
        break;
      }
      case ast::StatementKind::kInsert:
        SQL_RETURN_IF_ERROR(DescribeDml(PlanInsert(*st.insert, catalog, ps->sql, &params), ps.get()));
        break;
      case ast::StatementKind::kUpdate:
        SQL_RETURN_IF_ERROR(DescribeDml(PlanUpdate(*st.update, catalog, ps->sql, &params), ps.get()));
        break;
      case ast::StatementKind::kDelete:
        SQL_RETURN_IF_ERROR(DescribeDml(PlanDelete(*st.del, catalog, ps->sql, &params), ps.get()));
        break;
      case ast::StatementKind::kExplain: {
        SQL_ASSIGN_OR_RETURN(auto plan, PlanSelect(*st.select, catalog, ps->sql, &params));
        (void)plan;  // planned for its parameter types; the plan is drawn when executed
        ps->returns_rows = true;
        ps->columns = {ResultColumn{"QUERY PLAN", Type::Of(TypeId::kText)}};
        break;
      }
      case ast::StatementKind::kShow: {
        StatementResult r;
        RunShow(st, &r);
        if (!r.status.ok()) return std::move(r.status);
        ps->returns_rows = true;
        ps->columns = r.columns;
        break;
      }
      default: break;
    }
  }
  // Parameters nothing gave a type to are text, as PostgreSQL resolves unknowns.
  for (auto& t : params.types) {
    if (t.id == TypeId::kUnknown || t.id == TypeId::kNull) t = Type::Of(TypeId::kText);
  }
  ps->param_types = std::move(params.types);
  return ps;
}

bool SqlSession::Execute(std::shared_ptr<PreparedStatement> ps, std::vector<Value> params,
                         std::vector<StatementResult>* out) {
  cancel_ = false;
  waiting_ = false;
  waiting_before_ = false;
  next_ = 0;
  pending_.clear();
  commit_at_end_ = false;
  executing_ = std::move(ps);
  sql_ = executing_->sql;
  if (executing_->statements.empty()) {
    StatementResult r;
    r.empty_query = true;
    out->push_back(std::move(r));
    return true;
  }
  params_.types = executing_->param_types;
  params_.values = std::move(params);
  params_.bound = true;
  use_params_ = true;
  pending_.push_back(&executing_->statements[0]);
  return RunPending(out);
}

void SqlSession::Sync(std::vector<StatementResult>* out) {
  if (!explicit_ && txn_) {
    SqlStatus st = CommitTxn();
    if (!st.ok()) {
      StatementResult r;
      r.status = std::move(st);
      out->push_back(std::move(r));
    }
  }
}

void SqlSession::AbortOnError() {
  if (explicit_) {
    failed_ = true;
  } else {
    RollbackTxn();
  }
}

int64_t SqlSession::SettingMs(const char* name) const {
  for (const auto& s : settings_) {
    if (s.name != name) continue;
    size_t i = 0;
    while (i < s.value.size() && std::isdigit(static_cast<unsigned char>(s.value[i]))) i++;
    if (i == 0) return 0;
    int64_t n = std::stoll(s.value.substr(0, i));
    std::string unit = s.value.substr(i);
    if (unit == "s") return n * 1000;
    if (unit == "min") return n * 60000;
    if (unit == "h") return n * 3600000;
    if (unit == "d") return n * 86400000;
    return n;
  }
  return 0;
}

bool SqlSession::Resume(std::vector<StatementResult>* out) {
  waiting_ = false;
  return RunPending(out);
}

void SqlSession::WakeWhenUnblocked(std::function<void()> wake) {
  if (txn_) engine_->txns().WakeWhenReleased(txn_.get(), std::move(wake));
}

bool SqlSession::RunPending(std::vector<StatementResult>* out) {
  while (next_ < pending_.size()) {
    const ast::Statement& st = *pending_[next_];
    StatementResult r;
    // A failed block accepts only what ends it or returns to a savepoint.
    bool exits_failure = st.kind == ast::StatementKind::kTransaction &&
                         (st.transaction->kind == ast::Transaction::Kind::kCommit ||
                          st.transaction->kind == ast::Transaction::Kind::kRollback ||
                          st.transaction->kind == ast::Transaction::Kind::kRollbackTo);
    if (failed_ && !exits_failure) {
      r.status = MakeError(sqlstate::kInFailedTransaction,
                           "current transaction is aborted, commands ignored until end of transaction block");
      out->push_back(std::move(r));
      next_ = pending_.size();
      break;
    }
    // The timeouts matter only once the statement has waited for a lock.
    int64_t now = MonoMs();
    int64_t statement_ms = 0, lock_ms = 0;
    if (waiting_before_) {
      statement_ms = SettingMs("statement_timeout");
      lock_ms = SettingMs("lock_timeout");
    } else {
      statement_start_ms_ = now;
    }
    if (cancel_) {
      cancel_ = false;
      r.status = MakeError("57014", "canceling statement due to user request");
    } else if (waiting_before_ && statement_ms > 0 && now - statement_start_ms_ >= statement_ms) {
      r.status = MakeError("57014", "canceling statement due to statement timeout");
    } else if (waiting_before_ && lock_ms > 0 && now - wait_start_ms_ >= lock_ms) {
      r.status = MakeError("55P03", "canceling statement due to lock timeout");
    } else {
      RunStatement(st, &r);
    }
    if (!r.status.ok() && r.status.error().sqlstate == sqlstate::kWaitForLock) {
      if (!waiting_before_) {
        wait_start_ms_ = now;
        statement_ms = SettingMs("statement_timeout");
        lock_ms = SettingMs("lock_timeout");
      }
      waiting_before_ = true;
      waiting_ = true;
      wait_deadline_ms_ = 0;
      if (statement_ms > 0) wait_deadline_ms_ = statement_start_ms_ + statement_ms;
      if (lock_ms > 0 && (wait_deadline_ms_ == 0 || wait_start_ms_ + lock_ms < wait_deadline_ms_)) {
        wait_deadline_ms_ = wait_start_ms_ + lock_ms;
      }
      return false;
    }
    waiting_before_ = false;
    wait_deadline_ms_ = 0;
    bool failed = !r.status.ok();
    bool copy = r.copy_in;
    out->push_back(std::move(r));
    next_++;
    if (copy) return true;  // the data comes through CopyData; CopyDone goes on
    if (failed) {
      AfterFailure();
      break;
    }
  }
  // The end of the query string commits an implicit transaction.
  if (commit_at_end_) Sync(out);
  pending_.clear();
  next_ = 0;
  return true;
}

void SqlSession::AfterFailure() {
  if (explicit_) {
    failed_ = true;
  } else {
    RollbackTxn();
  }
  next_ = pending_.size();
}

bool SqlSession::CopyData(std::string_view data, std::vector<StatementResult>* out) {
  SequenceScope scope(Sequences());
  datetime::ZoneScope zone_scope(time_zone());
  if (!copy_from_) return false;
  SqlStatus st = copy_from_->Feed(data);
  if (st.ok()) return false;
  return EndCopyWithError(std::move(st), out);
}

bool SqlSession::CopyDone(std::vector<StatementResult>* out) {
  SequenceScope scope(Sequences());
  datetime::ZoneScope zone_scope(time_zone());
  if (!copy_from_) return true;
  auto n = copy_from_->Finish();
  if (!n.ok()) return EndCopyWithError(n.TakeStatus(), out);
  copy_from_.reset();
  txn_->EndStatement();
  StatementResult r;
  r.tag = "COPY " + std::to_string(*n);
  out->push_back(std::move(r));
  return RunPending(out);
}

bool SqlSession::CopyFail(std::string_view message, std::vector<StatementResult>* out) {
  if (!copy_from_) return true;
  return EndCopyWithError(MakeError("57014", "COPY from stdin failed: " + std::string(message)), out);
}

bool SqlSession::EndCopyWithError(SqlStatus st, std::vector<StatementResult>* out) {
  copy_from_.reset();
  if (txn_) txn_->RollbackStatement();
  StatementResult r;
  r.status = std::move(st);
  out->push_back(std::move(r));
  AfterFailure();
  return RunPending(out);
}

void SqlSession::RunStatement(const ast::Statement& st, StatementResult* r) {
  SequenceScope scope(Sequences());
  datetime::ZoneScope zone_scope(time_zone());
  switch (st.kind) {
    case ast::StatementKind::kTransaction: return RunTransaction(st, r);
    case ast::StatementKind::kSet: return RunSet(st, r);
    case ast::StatementKind::kShow: return RunShow(st, r);
    case ast::StatementKind::kCreateTable:
    case ast::StatementKind::kDrop:
    case ast::StatementKind::kTruncate:
    case ast::StatementKind::kAlterTable:
    case ast::StatementKind::kCreateIndex:
    case ast::StatementKind::kCreateView:
    case ast::StatementKind::kSequence:
    case ast::StatementKind::kEnum:
    case ast::StatementKind::kComment:
    case ast::StatementKind::kMaintenance: return RunDdl(st, r);
    case ast::StatementKind::kFetch:
    case ast::StatementKind::kCloseCursor: return RunCursor(st, r);
    case ast::StatementKind::kDeclareCursor:
      if (!explicit_ && !st.cursor->hold) {
        r->status = MakeError(sqlstate::kNoActiveTransaction, "DECLARE CURSOR can only be used in transaction blocks");
        return;
      }
      if (cursors_.count(st.cursor->name)) {
        r->status = MakeError("42P03", "cursor \"" + st.cursor->name + "\" already exists");
        return;
      }
      break;
    default: break;
  }
  EnsureTxn();
  Params simple;  // a simple query has no $n
  simple.allowed = false;
  simple.bound = true;
  Params* params = use_params_ ? &params_ : &simple;
  params->now_us = txn_start_us_;
  params->user = user_;
  // A statement that met a changed row under READ COMMITTED runs again on a
  // fresh snapshot (its row locks are kept, so it does not loop for long).
  for (int attempt = 0;; attempt++) {
    txn_->BeginStatement();
    SqlStatus status;
    switch (st.kind) {
      case ast::StatementKind::kDeclareCursor: {
        // The cursor's rows are read now, on this statement's snapshot, and
        // handed out by FETCH.
        auto plan = PlanSelect(*st.cursor->query, engine_->catalog(), sql_, params);
        if (!plan.ok()) {
          status = plan.TakeStatus();
          break;
        }
        Cursor c;
        status = ExecuteSelect(**plan, txn_.get(), &c.rows);
        if (status.ok()) {
          c.columns = (*plan)->columns;
          c.hold = st.cursor->hold;
          cursors_[st.cursor->name] = std::move(c);
          r->tag = "DECLARE CURSOR";
        }
        break;
      }
      case ast::StatementKind::kExplain: {
        int64_t start = MonoNs();
        auto plan = PlanSelect(*st.select, engine_->catalog(), sql_, params);
        if (!plan.ok()) {
          status = plan.TakeStatus();
          break;
        }
        int64_t planned = MonoNs();
        std::vector<std::string> lines = ExplainSelect(**plan);
        if (st.explain_analyze) {
          std::vector<Row> rows;
          status = ExecuteSelect(**plan, txn_.get(), &rows);
          if (!status.ok()) break;
          int64_t done = MonoNs();
          lines[0] += "  (actual rows=" + std::to_string(rows.size()) + " loops=1)";
          char buf[64];
          std::snprintf(buf, sizeof(buf), "Planning Time: %.3f ms", (planned - start) / 1e6);
          lines.push_back(buf);
          std::snprintf(buf, sizeof(buf), "Execution Time: %.3f ms", (done - planned) / 1e6);
          lines.push_back(buf);
        }
        Type text = Type::Of(TypeId::kText);
        std::vector<Row> out;
        for (auto& l : lines) out.push_back({Value::String(text, std::move(l))});
        r->tag = "EXPLAIN";
        SetRows({ResultColumn{"QUERY PLAN", text}}, std::move(out), r);
        break;
      }
      case ast::StatementKind::kSelect: {
        auto plan = PlanSelect(*st.select, engine_->catalog(), sql_, params);
        if (!plan.ok()) {
          status = plan.TakeStatus();
          break;
        }
        std::vector<Row> rows;
        status = ExecuteSelect(**plan, txn_.get(), &rows);
        if (status.ok()) {
          r->tag = "SELECT " + std::to_string(rows.size());
          SetRows((*plan)->columns, std::move(rows), r);
        }
        break;
      }
      case ast::StatementKind::kInsert:
      case ast::StatementKind::kUpdate:
      case ast::StatementKind::kDelete: {
        Catalog& catalog = engine_->catalog();
        if (st.kind == ast::StatementKind::kInsert) {
          status = RunDml(PlanInsert(*st.insert, catalog, sql_, params), "INSERT 0 ", r,
                          [&](const InsertPlan& p) { return ExecuteInsert(p, txn_.get(), &catalog); });
        } else if (st.kind == ast::StatementKind::kUpdate) {
          status = RunDml(PlanUpdate(*st.update, catalog, sql_, params), "UPDATE ", r,
                          [&](const UpdatePlan& p) { return ExecuteUpdate(p, txn_.get(), &catalog); });
        } else {
          status = RunDml(PlanDelete(*st.del, catalog, sql_, params), "DELETE ", r,
                          [&](const DeletePlan& p) { return ExecuteDelete(p, txn_.get(), &catalog); });
        }
        break;
      }
      case ast::StatementKind::kCopy: {
        auto plan = PlanCopy(*st.copy, engine_->catalog(), sql_, params);
        if (!plan.ok()) {
          status = plan.TakeStatus();
          break;
        }
        if (plan->from) {
          if (use_params_) {
            status = MakeError(sqlstate::kFeatureNotSupported,
                               "COPY FROM STDIN in the extended query protocol is not supported by LumaDB yet");
            break;
          }
          // The statement stays open while the data arrives.
          r->copy_in = true;
          r->copy_columns = static_cast<int>(plan->columns.size());
          copy_from_ = std::make_unique<CopyFromRun>(std::move(plan.value()), txn_.get(), &engine_->catalog());
          return;
        }
        auto n = ExecuteCopyTo(*plan, txn_.get(), &r->copy_rows);
        if (!n.ok()) {
          status = n.TakeStatus();
          break;
        }
        r->copy_out = true;
        r->copy_columns = static_cast<int>(plan->query->columns.size());
        r->tag = "COPY " + std::to_string(*n);
        break;
      }
      default:
        status = MakeError(sqlstate::kFeatureNotSupported, "this statement is not supported by LumaDB yet");
    }
    if (status.ok()) {
      txn_->EndStatement();
      return;
    }
    txn_->RollbackStatement();
    if (status.error().sqlstate == sqlstate::kRestart && attempt < 100) continue;
    if (status.error().sqlstate == sqlstate::kRestart) {
      status = MakeError(sqlstate::kSerializationFailure, "could not serialize access due to concurrent update");
    }
    r->status = std::move(status);
    r->returns_rows = false;
    r->columns.clear();
    r->rows.clear();
    r->copy_out = false;
    r->copy_rows.clear();
    return;
  }
}

void SqlSession::RunTransaction(const ast::Statement& st, StatementResult* r) {
  const ast::Transaction& t = *st.transaction;
  switch (t.kind) {
    case ast::Transaction::Kind::kBegin: {
      r->tag = BeginTag(st.text);
      if (explicit_) {
        r->notices.push_back({"WARNING", sqlstate::kActiveTransaction, "there is already a transaction in progress"});
        return;
      }
      Isolation iso = Isolation::kReadCommitted;
      if (!t.isolation.empty()) {
        auto p = ParseIsolation(t.isolation);
        if (!p.ok()) {
          r->status = p.TakeStatus();
          return;
        }
        iso = *p;
      }
      EnsureTxn();
      if (!t.isolation.empty()) txn_->set_isolation(iso);
      explicit_ = true;
      return;
    }
    case ast::Transaction::Kind::kCommit: {
      if (!explicit_) {
        r->tag = "COMMIT";
        r->notices.push_back({"WARNING", sqlstate::kNoActiveTransaction, "there is no transaction in progress"});
        return;
      }
      if (failed_) {
        r->tag = "ROLLBACK";
        RollbackTxn();
        return;
      }
      r->tag = "COMMIT";
      r->status = CommitTxn();
      return;
    }
    case ast::Transaction::Kind::kRollback:
      r->tag = "ROLLBACK";
      if (!explicit_) {
        r->notices.push_back({"WARNING", sqlstate::kNoActiveTransaction, "there is no transaction in progress"});
      }
      RollbackTxn();
      return;
    case ast::Transaction::Kind::kSavepoint:
      r->tag = "SAVEPOINT";
      if (!explicit_) {
        r->status = MakeError(sqlstate::kNoActiveTransaction, "SAVEPOINT can only be used in transaction blocks");
        return;
      }
      savepoints_.emplace_back(t.savepoint, txn_->Mark());
      return;
    case ast::Transaction::Kind::kRelease:
    case ast::Transaction::Kind::kRollbackTo: {
      bool release = t.kind == ast::Transaction::Kind::kRelease;
      r->tag = release ? "RELEASE" : "ROLLBACK";
      if (!explicit_) {
        r->status = MakeError(sqlstate::kNoActiveTransaction,
                              std::string(release ? "RELEASE SAVEPOINT" : "ROLLBACK TO SAVEPOINT") +
                                  " can only be used in transaction blocks");
        return;
      }
      // The newest savepoint of that name.
      size_t i = savepoints_.size();
      while (i > 0 && savepoints_[i - 1].first != t.savepoint) i--;
      if (i == 0) {
        r->status = MakeError("3B001", "savepoint \"" + t.savepoint + "\" does not exist");
        return;
      }
      if (release) {
        savepoints_.resize(i - 1);
      } else {
        // Back to the savepoint, which stays; later ones are gone.
        txn_->UndoTo(savepoints_[i - 1].second);
        savepoints_.resize(i);
        failed_ = false;
      }
      return;
    }
  }
}

void SqlSession::RunSet(const ast::Statement& st, StatementResult* r) {
  const ast::SetVariable& s = *st.set;
  r->tag = s.reset ? "RESET" : "SET";
  if (s.name == "transaction" || s.name == "session characteristics") {
    r->status = MakeError(sqlstate::kFeatureNotSupported,
                          "SET TRANSACTION with only DEFERRABLE is not supported by LumaDB yet");
    return;
  }
  if (s.reset && s.name == "all") {
    for (auto& set : settings_) {
      if (set.kind == Setting::Kind::kFixed || set.value == set.reset_value) continue;
      set.value = set.reset_value;
      if (set.report) changed_.emplace_back(set.name, set.value);
    }
    return;
  }
  if ((s.name == "transaction_isolation" || s.name == "transaction_read_only") && !s.reset) {
    // SET TRANSACTION ... and the settings it stands for act on a transaction block only.
    if (!explicit_) {
      r->notices.push_back(
          {"WARNING", sqlstate::kNoActiveTransaction, "SET TRANSACTION can only be used in transaction blocks"});
      return;
    }
    if (s.name == "transaction_isolation" && txn_ && txn_->has_snapshot()) {
      r->status = MakeError(sqlstate::kActiveTransaction,
                            "SET TRANSACTION ISOLATION LEVEL must be called before any query");
      return;
    }
  }
  Setting* setting = FindSetting(s.name);
  if (setting == nullptr) {
    if (s.name.find('.') != std::string::npos) {
      std::string v;
      for (size_t i = 0; i < s.values.size(); i++) v += (i ? ", " : "") + s.values[i];
      settings_.push_back(Setting{s.name, Setting::Kind::kString, v, "", false, ""});
      return;
    }
    r->status = MakeError(sqlstate::kUndefinedParameter, "unrecognized configuration parameter \"" + s.name + "\"");
    return;
  }
  if (s.reset) {
    if (setting->kind == Setting::Kind::kFixed) {
      r->status = MakeError(sqlstate::kCantChangeRuntimeParam, "parameter \"" + setting->name + "\" cannot be changed");
      return;
    }
    if (setting->value != setting->reset_value && setting->report) {
      changed_.emplace_back(setting->name, setting->reset_value);
    }
    setting->value = setting->reset_value;
    return;
  }
  std::string old = setting->value;
  r->status = Assign(setting, s.values);
  if (r->status.ok() && explicit_) {
    set_undo_.push_back(SetUndo{static_cast<size_t>(setting - settings_.data()), old, s.local});
  }
}

void SqlSession::RunShow(const ast::Statement& st, StatementResult* r) {
  const std::string& name = st.show->name;
  r->tag = "SHOW";
  Type text = Type::Of(TypeId::kText);
  if (name == "all") {
    std::vector<Row> rows;
    std::vector<Setting> sorted = settings_;
    std::sort(sorted.begin(), sorted.end(), [](const Setting& a, const Setting& b) {
      return Lower(a.name) < Lower(b.name);
    });
    for (const auto& s : sorted) {
      rows.push_back({Value::String(text, s.name), Value::String(text, s.value), Value::String(text, s.description)});
    }
    SetRows({ResultColumn{"name", text}, ResultColumn{"setting", text}, ResultColumn{"description", text}},
            std::move(rows), r);
    return;
  }
  Setting* s = FindSetting(name);
  if (s == nullptr && name == "transaction isolation level") s = FindSetting("transaction_isolation");
  if (s == nullptr) {
    r->status = MakeError(sqlstate::kUndefinedParameter, "unrecognized configuration parameter \"" + name + "\"");
    return;
  }
  std::string value = s->value;
  if (s->name == "transaction_isolation" && txn_) {
    switch (txn_->isolation()) {
      case Isolation::kReadCommitted: value = "read committed"; break;
      case Isolation::kRepeatableRead: value = "repeatable read"; break;
      case Isolation::kSerializable: value = "serializable"; break;
    }
  }
  SetRows({ResultColumn{s->name, text}}, {{Value::String(text, value)}}, r);
}

void SqlSession::DropIndexes(const ast::Drop& d, StatementResult* r) {
  Catalog& catalog = engine_->catalog();
  r->tag = "DROP INDEX";
  // Every named index must exist (or IF EXISTS) before any is dropped.
  for (const auto& ref : d.objects) {
    const std::string& name = ref.names.back();
    if (catalog.FindIndexTable(name) != nullptr) continue;
    if (catalog.Find(name) != nullptr) {
      r->status = MakeError(sqlstate::kWrongObjectType, "\"" + name + "\" is not an index");
      r->status.error().hint = "Use DROP TABLE to remove a table.";
      return;
    }
    if (!d.if_exists) {
      r->status = MakeError(sqlstate::kUndefinedObject, "index \"" + name + "\" does not exist");
      return;
    }
  }
  for (const auto& ref : d.objects) {
    const std::string& name = ref.names.back();
    auto table = catalog.FindIndexTable(name);
    if (table == nullptr) {
      r->notices.push_back({"NOTICE", "00000", "index \"" + name + "\" does not exist, skipping"});
      continue;
    }
    r->status = catalog.DropIndex(table->name, name);
    if (!r->status.ok()) return;
  }
}

void SqlSession::RunDdl(const ast::Statement& st, StatementResult* r) {
  Catalog& catalog = engine_->catalog();
  switch (st.kind) {
    case ast::StatementKind::kCreateTable: {
      r->tag = "CREATE TABLE";
      const ast::CreateTable& c = *st.create_table;
      auto table = PlanCreateTable(c, sql_);
      if (!table.ok()) {
        r->status = table.TakeStatus();
        return;
      }
      if (catalog.RelationExists(table->name) && c.if_not_exists) {
        r->notices.push_back({"NOTICE", "42P07", "relation \"" + table->name + "\" already exists, skipping"});
        return;
      }
      for (const auto& fk : c.foreign_keys) {
        r->status = PlanForeignKey(fk, sql_, catalog, &table.value(), /*creating=*/true);
        if (!r->status.ok()) return;
      }
      r->status = catalog.Create(std::move(table.value()));
      if (!r->status.ok()) r->status.error().position = CharPosition(sql_, c.table.location);
      return;
    }
    case ast::StatementKind::kCreateIndex: {
      r->tag = "CREATE INDEX";
      const ast::CreateIndex& c = *st.create_index;
      auto t = ResolveTable(c.table, catalog, sql_);
      if (!t.ok()) {
        r->status = t.TakeStatus();
        return;
      }
      const Table& table = **t;
      if (table.IsView()) {
        r->status = MakeError(sqlstate::kWrongObjectType, "cannot create index on relation \"" + table.name + "\"");
        r->status.error().detail = "This operation is not supported for views.";
        return;
      }
      Index index;
      index.unique = c.unique;
      for (const auto& name : c.columns) {
        int col = table.FindColumn(name);
        if (col < 0) {
          r->status = MakeError(sqlstate::kUndefinedColumn, "column \"" + name + "\" does not exist");
          return;
        }
        index.columns.push_back(col);
      }
      index.name = c.name;
      if (index.name.empty()) {
        // PostgreSQL's ChooseIndexName: table_col1_col2_idx, then ...idx1, idx2.
        std::string base = table.name;
        for (const auto& name : c.columns) base += "_" + name;
        base += "_idx";
        index.name = base;
        for (int n = 1; catalog.RelationExists(index.name); n++) index.name = base + std::to_string(n);
      } else if (catalog.RelationExists(index.name)) {
        if (c.if_not_exists) {
          r->notices.push_back({"NOTICE", "42P07", "relation \"" + index.name + "\" already exists, skipping"});
        } else {
          r->status = MakeError(sqlstate::kDuplicateTable, "relation \"" + index.name + "\" already exists");
        }
        return;
      }
      r->status = CreateIndex(table, std::move(index), &catalog, &engine_->txns());
      return;
    }
    case ast::StatementKind::kSequence:
      r->tag = st.sequence->alter ? "ALTER SEQUENCE" : "CREATE SEQUENCE";
      r->status = RunSequenceDdl(*st.sequence, &catalog, &r->notices);
      return;
    case ast::StatementKind::kComment:
      r->tag = "COMMENT";
      r->status = RunComment(*st.comment, &catalog);
      return;
    case ast::StatementKind::kEnum:
      r->tag = st.enum_def->alter ? "ALTER TYPE" : "CREATE TYPE";
      r->status = RunEnumDdl(*st.enum_def, &catalog, &r->notices);
      return;
    case ast::StatementKind::kCreateView:
      r->tag = "CREATE VIEW";
      r->status = CreateView(*st.create_view, sql_, &catalog);
      return;
    case ast::StatementKind::kDrop: {
      if (st.drop->kind == ast::Drop::Kind::kIndex) return DropIndexes(*st.drop, r);
      if (st.drop->kind == ast::Drop::Kind::kType) {
        r->tag = "DROP TYPE";
        r->status = DropTypes(*st.drop, &catalog, &r->notices);
        return;
      }
      if (st.drop->kind == ast::Drop::Kind::kSequence) {
        r->tag = "DROP SEQUENCE";
        r->status = DropSequences(*st.drop, &catalog, &r->notices);
        return;
      }
      if (st.drop->kind == ast::Drop::Kind::kView) {
        r->tag = "DROP VIEW";
        r->status = DropViews(*st.drop, &catalog, &r->notices);
        return;
      }
      r->tag = "DROP TABLE";
      const ast::Drop& d = *st.drop;
      // Every named table must exist (or IF EXISTS) before any is dropped.
      for (const auto& ref : d.objects) {
        if (catalog.Find(ref.names.back()) == nullptr && catalog.FindIndexTable(ref.names.back()) != nullptr) {
          r->status = MakeError(sqlstate::kWrongObjectType, "\"" + ref.names.back() + "\" is not a table");
          r->status.error().hint = "Use DROP INDEX to remove an index.";
          return;
        }
        if (auto v = catalog.Find(ref.names.back()); v != nullptr && v->IsView()) {
          r->status = MakeError(sqlstate::kWrongObjectType, "\"" + ref.names.back() + "\" is not a table");
          r->status.error().hint = "Use DROP VIEW to remove a view.";
          return;
        }
        if (catalog.Find(ref.names.back()) == nullptr && !d.if_exists) {
          r->status = MakeError(sqlstate::kUndefinedTable, "table \"" + ref.names.back() + "\" does not exist");
          return;
        }
      }
      // What depends on a dropped table: other tables' foreign keys to it
      // (dropped with it under CASCADE, as PostgreSQL drops the constraint),
      // and the views that read it and the views that read those (dropped
      // first). Without CASCADE, an error listing them in PostgreSQL's order.
      std::vector<std::string> cascaded;  // what the NOTICE names
      std::vector<std::string> dropped_views;
      std::vector<std::pair<std::shared_ptr<const Table>, std::string>> dependents;  // (table, constraint)
      for (const auto& ref : d.objects) {
        auto t = catalog.Find(ref.names.back());
        if (t == nullptr) continue;
        std::string depends;  // PostgreSQL's DETAIL: one line per dependent object
        for (const auto& [child, i] : catalog.ReferencingKeys(t->oid)) {
          bool dropped = false;
          for (const auto& other : d.objects) dropped = dropped || other.names.back() == child->name;
          if (dropped) continue;
          const std::string& fk = child->foreign_keys[i].name;
          depends += (depends.empty() ? "" : "\n") +
                     ("constraint " + fk + " on table " + child->name + " depends on table " + t->name);
          dependents.emplace_back(child, fk);
          cascaded.push_back("constraint " + fk + " on table " + child->name);
        }
        size_t before = dropped_views.size();
        std::string views;
        DependentViews(catalog, t->name, true, &dropped_views, &views);
        if (!views.empty()) depends += (depends.empty() ? "" : "\n") + views;
        for (size_t i = before; i < dropped_views.size(); i++) cascaded.push_back("view " + dropped_views[i]);
        if (!depends.empty() && !d.cascade) {
          r->status = MakeError("2BP01", "cannot drop table " + t->name + " because other objects depend on it");
          r->status.error().detail = depends;
          r->status.error().hint = "Use DROP ... CASCADE to drop the dependent objects too.";
          return;
        }
      }
      if (cascaded.size() == 1) {
        r->notices.push_back({"NOTICE", "00000", "drop cascades to " + cascaded[0]});
      } else if (!cascaded.empty()) {
        std::string detail;
        for (const auto& c : cascaded) detail += (detail.empty() ? "" : "\n") + ("drop cascades to " + c);
        r->notices.push_back({"NOTICE", "00000", "drop cascades to " + std::to_string(cascaded.size()) + " other objects",
                              detail});
      }
      for (auto it = dropped_views.rbegin(); it != dropped_views.rend(); ++it) {
        storage::WriteBatch batch;
        r->status = catalog.Drop(*it, &batch);
        if (!r->status.ok()) return;
      }
      r->status = DropForeignKeys(dependents, &catalog);
      if (!r->status.ok()) return;
      for (const auto& ref : d.objects) {
        const std::string& name = ref.names.back();
        if (catalog.Find(name) == nullptr) {
          r->notices.push_back({"NOTICE", "00000", "table \"" + name + "\" does not exist, skipping"});
          continue;
        }
        storage::WriteBatch batch;
        r->status = catalog.Drop(name, &batch);
        if (!r->status.ok()) return;
      }
      return;
    }
    case ast::StatementKind::kTruncate: {
      r->tag = "TRUNCATE TABLE";
      std::vector<std::shared_ptr<const Table>> tables;
      for (const auto& ref : st.truncate) {
        auto t = ResolveTable(ref, catalog, sql_);
        if (!t.ok()) {
          r->status = t.TakeStatus();
          return;
        }
        if ((*t)->IsView()) {
          r->status = MakeError(sqlstate::kWrongObjectType, "\"" + (*t)->name + "\" is not a table");
          return;
        }
        tables.push_back(*t);
      }
      // Tables that reference a truncated one: an error, or with CASCADE truncated too.
      for (size_t k = 0; k < tables.size(); k++) {
        auto t = tables[k];
        for (const auto& [child, i] : catalog.ReferencingKeys(t->oid)) {
          bool truncated = false;
          for (const auto& other : tables) truncated = truncated || other->oid == child->oid;
          if (truncated) continue;
          if (st.truncate_cascade) {
            r->notices.push_back({"NOTICE", "00000", "truncate cascades to table \"" + child->name + "\""});
            tables.push_back(child);
            continue;
          }
          r->status = MakeError(sqlstate::kFeatureNotSupported,
                                "cannot truncate a table referenced in a foreign key constraint");
          r->status.error().detail = "Table \"" + child->name + "\" references \"" + t->name + "\".";
          r->status.error().hint = "Truncate table \"" + child->name + "\" at the same time, or use TRUNCATE ... CASCADE.";
          return;
        }
      }
      storage::WriteBatch batch;
      for (const auto& t : tables) keys::DeleteRelfile(&batch, t->relfile);
      Status s = engine_->store()->Write(&batch, /*sync=*/true);
      if (!s.ok()) {
        r->status = MakeError(sqlstate::kIoError, "could not write to storage: " + s.message());
        return;
      }
      if (st.truncate_restart_identity) {
        // The tables' serial / identity counters start again at 1.
        for (const auto& t : tables) {
          for (const auto& c : t->columns) {
            if (c.identity == 0) continue;
            r->status = catalog.SetSerial(t->oid, c.attnum, 1, false);
            if (!r->status.ok()) return;
          }
        }
      }
      return;
    }
    case ast::StatementKind::kAlterTable:
      r->tag = "ALTER TABLE";
      r->status = AlterTable(*st.alter_table, sql_, &catalog, &engine_->txns(), &r->notices);
      return;
    case ast::StatementKind::kMaintenance: {
      r->tag = st.maintenance_tag;
      if (st.maintenance_tag == "CREATE EXTENSION") {
        // The extensions whose functions LumaDB has built in (gen_random_uuid,
        // uuid_generate_v4) are created as on a fresh PostgreSQL: silently.
        if (st.extension == "pgcrypto" || st.extension == "uuid-ossp" || st.extension == "plpgsql") return;
        r->status = MakeError(sqlstate::kFeatureNotSupported,
                              "extension \"" + st.extension + "\" is not available in LumaDB");
        return;
      }
      if (st.maintenance_tag == "VACUUM" && explicit_) {
        r->status = MakeError(sqlstate::kActiveTransaction, "VACUUM cannot run inside a transaction block");
        return;
      }
      for (const auto& ref : st.maintenance) {
        auto t = ResolveTable(ref, catalog, sql_);
        if (!t.ok()) {
          r->status = t.TakeStatus();
          return;
        }
      }
      return;
    }
    default: return;
  }
}

}  // namespace lumadb::engine::sql

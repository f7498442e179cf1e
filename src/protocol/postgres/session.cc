#include "protocol/postgres/session.h"

#include <cstring>
#include <random>

#include "common/clock.h"
#include "engine/sql/types/timezone.h"
#include "protocol/postgres/value_format.h"

namespace lumadb::protocol::postgres {

using engine::sql::StatementResult;

namespace {

// How long a parked statement waits before looking at its lock again, in
// case a wake-up was missed.
constexpr int64_t kRetryMs = 250;

ErrorFields ToFields(const engine::sql::SqlError& e, const char* severity) {
  ErrorFields f;
  f.severity = severity;
  f.sqlstate = e.sqlstate;
  f.message = e.message;
  f.detail = e.detail;
  f.hint = e.hint;
  f.position = e.position;
  if (!e.table.empty()) f.schema = "public";
  f.table = e.table;
  f.column = e.column;
  f.constraint = e.constraint;
  f.where = e.context;
  return f;
}

std::vector<FieldDescription> Fields(const std::vector<engine::sql::ResultColumn>& columns,
                                     const std::vector<int16_t>& formats) {
  std::vector<FieldDescription> fields;
  fields.reserve(columns.size());
  for (size_t i = 0; i < columns.size(); i++) {
    const auto& c = columns[i];
    FieldDescription f;
    f.name = c.name;
    f.table_oid = c.table_oid;
    f.column = c.column;
    f.type_oid = engine::sql::TypeOid(c.type);
    f.type_size = engine::sql::TypeLen(c.type);
    f.type_modifier = engine::sql::TypeMod(c.type);
    f.format = FormatFor(formats, i);
    fields.push_back(std::move(f));
  }
  return fields;
}

void AppendNotices(const std::vector<engine::sql::Notice>& notices, std::string* out) {
  for (const auto& n : notices) {
    ErrorFields f;
    f.severity = n.severity;
    f.sqlstate = n.sqlstate;
    f.message = n.message;
    f.detail = n.detail;
    AppendNoticeResponse(out, f);
  }
}

// DataRows for rows [begin, end), each column in its result format.
void AppendRows(const std::vector<std::vector<engine::sql::Value>>& rows, size_t begin, size_t end,
                const std::vector<int16_t>& formats, std::string* out) {
  std::string v;
  for (size_t i = begin; i < end; i++) {
    const auto& row = rows[i];
    DataRowWriter w(out, static_cast<int16_t>(row.size()));
    for (size_t c = 0; c < row.size(); c++) {
      if (row[c].null) {
        w.AddNull();
        continue;
      }
      v.clear();
      AppendValue(row[c], FormatFor(formats, c), &v);
      w.Add(v);
    }
    w.Finish();
  }
}

// COPY TO STDOUT's data: CopyOutResponse, a CopyData per row, CopyDone.
void AppendCopyOut(const StatementResult& r, std::string* out) {
  AppendCopyOutResponse(out, 0, std::vector<int16_t>(r.copy_columns, 0));
  for (const auto& row : r.copy_rows) AppendCopyData(out, row);
  AppendCopyDone(out);
}

int32_t RandomKey() {
  static thread_local std::mt19937 rng(std::random_device{}());
  return static_cast<int32_t>(rng());
}

// The "options" startup parameter: "-c name=value --name=value ...".
std::vector<std::pair<std::string, std::string>> ParseOptions(std::string_view s) {
  std::vector<std::string> words;
  std::string cur;
  for (size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      cur.push_back(s[++i]);
    } else if (c == ' ' || c == '\t') {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) words.push_back(cur);
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < words.size(); i++) {
    std::string w = words[i];
    if (w == "-c" && i + 1 < words.size()) {
      w = words[++i];
    } else if (w.rfind("--", 0) == 0) {
      w = w.substr(2);
    } else if (w.rfind("-c", 0) == 0) {
      w = w.substr(2);
    } else {
      continue;
    }
    size_t eq = w.find('=');
    if (eq == std::string::npos) continue;
    std::string name = w.substr(0, eq);
    for (auto& ch : name) {
      if (ch == '-') ch = '_';
    }
    out.emplace_back(name, w.substr(eq + 1));
  }
  return out;
}

}  // namespace

PgSession::PgSession(PgServer& server, net::Connection& conn) : server_(server) { (void)conn; }

PgSession::~PgSession() {
  if (pid_ != 0) server_.Unregister(pid_);
}

void PgSession::OnClose(net::Connection& conn) {
  if (retry_timer_ != 0) {
    conn.worker().CancelTimer(retry_timer_);
    retry_timer_ = 0;
  }
  state_ = State::kClosed;
  sql_.reset();  // rolls back what was open
}

void PgSession::Fatal(net::Connection& conn, const std::string& sqlstate, const std::string& message) {
  ErrorFields f;
  f.severity = "FATAL";
  f.sqlstate = sqlstate;
  f.message = message;
  AppendErrorResponse(&conn.out(), f);
  conn.CloseAfterWrite();
  state_ = State::kClosed;
}

void PgSession::OnData(net::Connection& conn) {
  ProcessInput(conn);
  HoldUntilDurable(conn);
}

void PgSession::HoldUntilDurable(net::Connection& conn) {
  if (!sql_) return;
  uint64_t seq = sql_->durable_seq();
  if (seq <= confirmed_seq_ || seq <= hold_seq_) return;  // durable, or already waited for
  net::Worker* worker = &conn.worker();
  uint64_t id = conn.id();
  bool durable = server_.engine().WhenDurable(seq, [worker, id, seq] {
    worker->Post([worker, id, seq] {
      net::Connection* c = worker->FindConnection(id);
      if (c != nullptr && c->session() != nullptr) static_cast<PgSession*>(c->session())->OnDurable(*c, seq);
    });
  });
  if (durable) {
    confirmed_seq_ = seq;
    return;
  }
  hold_seq_ = seq;
  conn.HoldOutput();
}

void PgSession::OnDurable(net::Connection& conn, uint64_t seq) {
  if (seq > confirmed_seq_) confirmed_seq_ = seq;
  if (hold_seq_ != 0 && hold_seq_ <= confirmed_seq_) {
    hold_seq_ = 0;
    conn.ReleaseOutput();
  }
}

void PgSession::ProcessInput(net::Connection& conn) {
  while (!conn.close_requested() && conn.CanWrite()) {
    bool more = false;
    switch (state_) {
      case State::kStartup: more = ProcessStartup(conn); break;
      case State::kAuth:
      case State::kReady:
      case State::kCopyIn:
      case State::kSkipToSync: more = ProcessMessage(conn); break;
      case State::kWaiting:
      case State::kClosed: return;
    }
    if (!more) return;
  }
}

bool PgSession::ProcessStartup(net::Connection& conn) {
  StartupPacket pkt;
  ParseResult r = ParseStartup(conn.in().Readable(), &pkt);
  if (r.status == Parse::kIncomplete) return false;
  if (r.status == Parse::kError) {
    Fatal(conn, r.sqlstate.empty() ? "08P01" : r.sqlstate, r.error);
    return false;
  }
  conn.in().Consume(r.consumed);
  switch (pkt.kind) {
    case StartupKind::kSslRequest:
    case StartupKind::kGssEncRequest:
      conn.out().push_back('N');  // no TLS / GSSAPI encryption: go on in the clear
      return true;
    case StartupKind::kCancel:
      server_.Cancel(pkt.cancel_pid, pkt.cancel_key);
      conn.Close();
      state_ = State::kClosed;
      return false;
    case StartupKind::kStartup: break;
  }
  auto user = pkt.Get("user");
  if (!user || user->empty()) {
    Fatal(conn, "28000", "no PostgreSQL user name specified in startup packet");
    return false;
  }
  std::string user_name(*user);
  const PgConfig& cfg = server_.config();
  // With no users configured, the server is a fresh `initdb -A trust`: the
  // superuser postgres and its database postgres.
  if (cfg.users.empty() && user_name != "postgres") {
    Fatal(conn, "28000", "role \"" + user_name + "\" does not exist");
    return false;
  }
  auto db = pkt.Get("database");
  std::string database = db && !db->empty() ? std::string(*db) : user_name;
  if (database != "postgres") {
    Fatal(conn, "3D000", "database \"" + database + "\" does not exist");
    return false;
  }
  user_ = user_name;
  startup_ = std::move(pkt);
  if (cfg.users.empty()) return FinishStartup(conn);
  // Configured users: ask for the password (an unknown user is asked too, and
  // fails the same way, as PostgreSQL does not say which users exist).
  auto it = cfg.users.find(user_name);
  if (it != cfg.users.end()) password_ = it->second;
  if (cfg.auth == "md5") {
    uint8_t salt[4];
    int32_t r = RandomKey();
    std::memcpy(salt, &r, 4);
    md5_salt_.assign(reinterpret_cast<const char*>(salt), 4);
    AppendAuthMd5(&conn.out(), salt);
  } else if (cfg.auth == "password") {
    AppendAuthCleartext(&conn.out());
  } else {
    // A user without a password still gets the exchange, which cannot succeed.
    scram_ = std::make_unique<ScramServer>(password_ ? *password_ : std::to_string(RandomKey()) + "\x01");
    AppendAuthSasl(&conn.out(), {"SCRAM-SHA-256"});
  }
  state_ = State::kAuth;
  return true;
}

bool PgSession::ProcessAuth(net::Connection& conn, char type, std::string_view body) {
  if (type != 'p') {
    Fatal(conn, "08P01", "expected password response, got message type " + std::to_string(static_cast<int>(type)));
    return false;
  }
  auto failed = [&]() {
    Fatal(conn, "28P01", "password authentication failed for user \"" + user_ + "\"");
    return false;
  };
  const std::string& auth = server_.config().auth;
  if (auth == "md5" || auth == "password") {
    std::string_view given;
    if (!DecodePassword(body, &given)) {
      Fatal(conn, "08P01", "invalid password packet size");
      return false;
    }
    if (!password_) return failed();
    std::string want = auth == "md5" ? Md5PasswordResponse(user_, *password_, md5_salt_) : *password_;
    if (given != want) return failed();
    return FinishStartup(conn);
  }
  if (!scram_started_) {
    SaslInitialBody init;
    if (!DecodeSaslInitial(body, &init)) {
      Fatal(conn, "08P01", "malformed SASL message");
      return false;
    }
    if (init.mechanism != "SCRAM-SHA-256") {
      Fatal(conn, "08P01", "client selected an invalid SASL authentication mechanism");
      return false;
    }
    auto server_first = init.data ? scram_->Start(*init.data) : std::nullopt;
    if (!server_first) {
      Fatal(conn, "08P01", "malformed SCRAM message");
      return false;
    }
    scram_started_ = true;
    AppendAuthSaslContinue(&conn.out(), *server_first);
    return true;
  }
  auto server_final = scram_->Finish(body);
  if (!server_final || !password_) return failed();
  AppendAuthSaslFinal(&conn.out(), *server_final);
  scram_.reset();
  return FinishStartup(conn);
}

bool PgSession::FinishStartup(net::Connection& conn) {
  StartupPacket pkt = std::move(startup_);
  sql_ = std::make_unique<engine::sql::SqlSession>(&server_.engine(), user_);
  std::vector<std::string> unrecognized;
  for (const auto& [name, value] : pkt.params) {
    if (name == "user" || name == "database" || name == "replication") continue;
    if (name.rfind("_pq_.", 0) == 0) {
      unrecognized.push_back(name);
      continue;
    }
    std::vector<std::pair<std::string, std::string>> settings;
    if (name == "options") {
      settings = ParseOptions(value);
    } else {
      settings.emplace_back(name, value);
    }
    for (const auto& [n, v] : settings) {
      engine::sql::SqlStatus st = sql_->SetStartupParameter(n, v);
      if (!st.ok()) {
        Fatal(conn, st.error().sqlstate, st.error().message);
        return false;
      }
    }
  }
  if ((pkt.protocol & 0xFFFF) != 0 || !unrecognized.empty()) {
    AppendNegotiateProtocolVersion(&conn.out(), 0, unrecognized);
  }
  AppendAuthOk(&conn.out());
  for (const auto& [name, value] : sql_->ReportedParameters()) AppendParameterStatus(&conn.out(), name, value);
  int32_t secret = RandomKey();
  pid_ = server_.Register(&conn.worker(), conn.id(), secret);
  AppendBackendKeyData(&conn.out(), pid_, secret);
  AppendReadyForQuery(&conn.out(), 'I');
  state_ = State::kReady;
  return true;
}

bool PgSession::ProcessMessage(net::Connection& conn) {
  Message m;
  ParseResult r = ParseMessage(conn.in().Readable(), server_.config().max_message, &m);
  if (r.status == Parse::kIncomplete) return false;
  if (r.status == Parse::kError) {
    Fatal(conn, r.sqlstate.empty() ? "08P01" : r.sqlstate, r.error);
    return false;
  }
  // The body points into the input buffer: copy what outlives Consume.
  std::string body(m.body);
  conn.in().Consume(r.consumed);
  if (state_ == State::kAuth) return ProcessAuth(conn, m.type, body);
  if (state_ == State::kCopyIn) return ProcessCopyMessage(conn, m.type, body);
  if (state_ == State::kSkipToSync) {
    // After an error in the extended protocol, messages up to Sync are discarded.
    if (m.type == 'S') {
      state_ = State::kReady;
      std::vector<StatementResult> results;
      sql_->Sync(&results);
      WriteResults(conn, results);
      Finish(conn);
    } else if (m.type == 'X') {
      conn.Close();
      state_ = State::kClosed;
      return false;
    }
    return true;
  }
  switch (m.type) {
    case 'Q': {
      std::string_view sql;
      if (!DecodeQuery(body, &sql)) {
        Fatal(conn, "08P01", "invalid string in message");
        return false;
      }
      // A simple query drops the unnamed statement and portal.
      statements_.erase("");
      portals_.erase("");
      RunQuery(conn, std::string(sql));
      return state_ == State::kReady;
    }
    case 'X':
      conn.Close();
      state_ = State::kClosed;
      return false;
    case 'S': {
      std::vector<StatementResult> results;
      sql_->Sync(&results);
      WriteResults(conn, results);
      Finish(conn);
      return true;
    }
    case 'H':
      return true;
    case 'd':
    case 'c':
    case 'f':
      // CopyData/CopyDone/CopyFail outside COPY are ignored, as PostgreSQL does.
      return true;
    case 'P': OnParse(conn, body); return true;
    case 'B': OnBind(conn, body); return true;
    case 'D': OnDescribe(conn, body); return true;
    case 'E': OnExecute(conn, body); return state_ != State::kWaiting;
    case 'C': OnClosePortalOrStatement(conn, body); return true;
    default: {
      Fatal(conn, "08P01", "invalid frontend message type " + std::to_string(static_cast<unsigned char>(m.type)));
      return false;
    }
  }
}

void PgSession::RunQuery(net::Connection& conn, const std::string& sql) {
  std::vector<StatementResult> results;
  bool done = sql_->Run(sql, &results);
  WriteResults(conn, results);
  AfterRun(conn, done);
}

void PgSession::AfterRun(net::Connection& conn, bool done) {
  if (sql_->in_copy()) {
    state_ = State::kCopyIn;
  } else if (done) {
    state_ = State::kReady;
    Finish(conn);
  } else {
    Park(conn);
  }
}

bool PgSession::ProcessCopyMessage(net::Connection& conn, char type, std::string_view body) {
  std::vector<StatementResult> results;
  bool done = true;
  switch (type) {
    case 'd':
      if (!sql_->CopyData(body, &results)) return true;
      break;
    case 'c': done = sql_->CopyDone(&results); break;
    case 'f': {
      std::string_view message;
      if (!DecodeCopyFail(body, &message)) message = "";
      done = sql_->CopyFail(message, &results);
      break;
    }
    case 'H':
    case 'S':
      return true;  // Flush and Sync mean nothing during COPY FROM STDIN
    case 'X':
      conn.Close();
      state_ = State::kClosed;
      return false;
    default: {
      char hex[8];
      snprintf(hex, sizeof(hex), "0x%02X", static_cast<unsigned char>(type));
      done = sql_->CopyAbort(
          engine::sql::MakeError("08P01", std::string("unexpected message type ") + hex + " during COPY from stdin"),
          &results);
      break;
    }
  }
  // An error in the data ends the copy; the client's CopyData and CopyDone
  // that follow are ignored in the ready state, as PostgreSQL does.
  WriteResults(conn, results);
  AfterRun(conn, done);
  return state_ == State::kReady || state_ == State::kCopyIn;
}

void PgSession::Park(net::Connection& conn) {
  state_ = State::kWaiting;
  net::Worker* worker = &conn.worker();
  uint64_t id = conn.id();
  sql_->WakeWhenUnblocked([worker, id] {
    worker->Post([worker, id] {
      net::Connection* c = worker->FindConnection(id);
      if (c != nullptr && c->session() != nullptr) static_cast<PgSession*>(c->session())->OnWake(*c);
    });
  });
  if (retry_timer_ == 0) {
    // Look again after a while, or when statement_timeout / lock_timeout runs out.
    int64_t at = MonoMs() + kRetryMs;
    int64_t deadline = sql_->wait_deadline_ms();
    if (deadline > 0 && deadline < at) at = deadline;
    retry_timer_ = worker->AddTimer(at, [this, worker, id] {
      retry_timer_ = 0;
      net::Connection* c = worker->FindConnection(id);
      if (c != nullptr) OnWake(*c);
    });
  }
}

void PgSession::OnWake(net::Connection& conn) {
  if (state_ != State::kWaiting || conn.close_requested()) return;
  if (retry_timer_ != 0) {
    conn.worker().CancelTimer(retry_timer_);
    retry_timer_ = 0;
  }
  std::vector<StatementResult> results;
  bool done = sql_->Resume(&results);
  if (!done) {
    WriteResults(conn, results);
    Park(conn);
  } else if (parked_execute_) {
    parked_execute_ = false;
    state_ = State::kReady;
    auto it = portals_.find(parked_portal_);
    if (!results.empty() && !results[0].status.ok()) {
      ExtendedError(conn, results[0].status.error());
    } else if (it != portals_.end() && !results.empty()) {
      it->second.executed = true;
      it->second.result = std::move(results[0]);
      SendPortalRows(conn, it->second, parked_max_rows_);
    }
    OnData(conn);
  } else {
    WriteResults(conn, results);
    AfterRun(conn, true);
    OnData(conn);  // input that arrived while parked
  }
  HoldUntilDurable(conn);
  conn.RequestFlush();
}

void PgSession::OnCancel(net::Connection& conn) {
  if (state_ != State::kWaiting) return;
  sql_->Cancel();
  OnWake(conn);
}

// ---- extended protocol ----

void PgSession::ExtendedError(net::Connection& conn, const engine::sql::SqlError& e) {
  AppendErrorResponse(&conn.out(), ToFields(e, "ERROR"));
  state_ = State::kSkipToSync;
}

std::shared_ptr<engine::sql::PreparedStatement> PgSession::StatementOrError(net::Connection& conn,
                                                                           const std::string& name) {
  auto it = statements_.find(name);
  if (it != statements_.end()) return it->second;
  sql_->AbortOnError();
  ExtendedError(conn, engine::sql::MakeError("26000", name.empty() ? "unnamed prepared statement does not exist"
                                                                   : "prepared statement \"" + name +
                                                                         "\" does not exist"));
  return nullptr;
}

PgSession::Portal* PgSession::PortalOrError(net::Connection& conn, const std::string& name) {
  auto it = portals_.find(name);
  if (it != portals_.end()) return &it->second;
  sql_->AbortOnError();
  ExtendedError(conn, engine::sql::MakeError("34000", "portal \"" + name + "\" does not exist"));
  return nullptr;
}

void PgSession::OnParse(net::Connection& conn, std::string_view body) {
  ParseMessageBody p;
  if (!DecodeParse(body, &p)) {
    Fatal(conn, "08P01", "invalid Parse message");
    return;
  }
  std::string name(p.statement);
  if (!name.empty() && statements_.count(name)) {
    sql_->AbortOnError();
    ExtendedError(conn, engine::sql::MakeError("42P05", "prepared statement \"" + name + "\" already exists"));
    return;
  }
  std::vector<engine::sql::Type> types;
  for (uint32_t oid : p.param_types) {
    auto t = TypeForOid(oid);
    if (!t) {
      sql_->AbortOnError();
      ExtendedError(conn, engine::sql::MakeError("0A000", "parameters of the type with OID " + std::to_string(oid) +
                                                              " are not supported by LumaDB yet"));
      return;
    }
    types.push_back(*t);
  }
  auto ps = sql_->Prepare(std::string(p.query), std::move(types));
  if (!ps.ok()) {
    sql_->AbortOnError();
    ExtendedError(conn, ps.status().error());
    return;
  }
  statements_[name] = std::move(ps.value());
  AppendParseComplete(&conn.out());
}

void PgSession::OnBind(net::Connection& conn, std::string_view body) {
  BindMessageBody b;
  if (!DecodeBind(body, &b)) {
    Fatal(conn, "08P01", "invalid Bind message");
    return;
  }
  auto fail = [&](const std::string& sqlstate, const std::string& message) {
    sql_->AbortOnError();
    ExtendedError(conn, engine::sql::MakeError(sqlstate, message));
  };
  std::string sname(b.statement);
  auto ps = StatementOrError(conn, sname);
  if (ps == nullptr) return;
  size_t n = b.params.size();
  if (b.param_formats.size() > 1 && b.param_formats.size() != n) {
    fail("08P01", "bind message has " + std::to_string(b.param_formats.size()) + " parameter formats but " +
                      std::to_string(n) + " parameters");
    return;
  }
  if (n != ps->param_types.size()) {
    fail("08P01", "bind message supplies " + std::to_string(n) + " parameters, but prepared statement \"" + sname +
                      "\" requires " + std::to_string(ps->param_types.size()));
    return;
  }
  if (b.result_formats.size() > 1 && b.result_formats.size() != ps->columns.size()) {
    fail("08P01", "bind message has " + std::to_string(b.result_formats.size()) + " result formats but query has " +
                      std::to_string(ps->columns.size()) + " columns");
    return;
  }
  Portal portal;
  portal.statement = ps;
  for (size_t i = 0; i < n; i++) {
    auto v = DecodeParam(b.params[i], FormatFor(b.param_formats, i), ps->param_types[i], i);
    if (!v.ok()) {
      sql_->AbortOnError();
      ExtendedError(conn, v.status().error());
      return;
    }
    portal.params.push_back(std::move(v.value()));
  }
  portal.result_formats = b.result_formats;
  std::string pname(b.portal);
  if (!pname.empty() && portals_.count(pname)) {
    fail("42P03", "cursor \"" + pname + "\" already exists");
    return;
  }
  portals_[pname] = std::move(portal);
  AppendBindComplete(&conn.out());
}

void PgSession::OnDescribe(net::Connection& conn, std::string_view body) {
  TargetBody t;
  if (!DecodeDescribe(body, &t)) {
    Fatal(conn, "08P01", "invalid DESCRIBE message subtype");
    return;
  }
  std::string name(t.name);
  if (t.kind == 'S') {
    auto ps = StatementOrError(conn, name);
    if (ps == nullptr) return;
    std::vector<uint32_t> oids;
    for (const auto& ty : ps->param_types) oids.push_back(engine::sql::TypeOid(ty));
    AppendParameterDescription(&conn.out(), oids);
    if (ps->returns_rows) {
      AppendRowDescription(&conn.out(), Fields(ps->columns, {}));
    } else {
      AppendNoData(&conn.out());
    }
    return;
  }
  Portal* p = PortalOrError(conn, name);
  if (p == nullptr) return;
  if (p->statement->returns_rows) {
    AppendRowDescription(&conn.out(), Fields(p->statement->columns, p->result_formats));
  } else {
    AppendNoData(&conn.out());
  }
}

void PgSession::OnExecute(net::Connection& conn, std::string_view body) {
  ExecuteBody e;
  if (!DecodeExecute(body, &e)) {
    Fatal(conn, "08P01", "invalid Execute message");
    return;
  }
  std::string name(e.portal);
  Portal* found = PortalOrError(conn, name);
  if (found == nullptr) return;
  Portal& p = *found;
  if (!p.executed) {
    std::vector<StatementResult> results;
    bool done = sql_->Execute(p.statement, p.params, &results);
    if (!done) {
      parked_execute_ = true;
      parked_portal_ = name;
      parked_max_rows_ = e.max_rows;
      Park(conn);
      return;
    }
    if (results.empty()) return;
    if (!results[0].status.ok()) {
      ExtendedError(conn, results[0].status.error());
      return;
    }
    p.executed = true;
    p.result = std::move(results[0]);
  }
  SendPortalRows(conn, p, e.max_rows);
}

void PgSession::SendPortalRows(net::Connection& conn, Portal& p, int32_t max_rows) {
  std::string& out = conn.out();
  StatementResult& r = p.result;
  AppendNotices(r.notices, &out);
  r.notices.clear();
  if (r.empty_query) {
    AppendEmptyQueryResponse(&out);
    return;
  }
  if (r.copy_out) AppendCopyOut(r, &out);
  if (r.returns_rows) {
    size_t begin = p.sent;
    size_t end = r.rows.size();
    if (max_rows > 0) end = std::min(end, p.sent + static_cast<size_t>(max_rows));
    engine::sql::datetime::ZoneScope zone(sql_->time_zone());
    AppendRows(r.rows, begin, end, p.result_formats, &out);
    p.sent = end;
    if (p.sent < r.rows.size()) {
      AppendPortalSuspended(&out);
      return;
    }
    // A SELECT fetched in pieces reports the rows of its last piece, as
    // PostgreSQL counts what each Execute processed.
    if (begin > 0 && r.tag.rfind("SELECT ", 0) == 0) {
      AppendCommandComplete(&out, "SELECT " + std::to_string(end - begin));
      return;
    }
  }
  AppendCommandComplete(&out, r.tag);
}

void PgSession::OnClosePortalOrStatement(net::Connection& conn, std::string_view body) {
  TargetBody t;
  if (!DecodeClose(body, &t)) {
    Fatal(conn, "08P01", "invalid CLOSE message subtype");
    return;
  }
  if (t.kind == 'S') {
    auto it = statements_.find(t.name);
    if (it != statements_.end()) statements_.erase(it);
  } else {
    auto it = portals_.find(t.name);
    if (it != portals_.end()) portals_.erase(it);
  }
  AppendCloseComplete(&conn.out());
}

void PgSession::WriteResults(net::Connection& conn, std::vector<StatementResult>& results) {
  std::string& out = conn.out();
  for (auto& r : results) {
    AppendNotices(r.notices, &out);
    if (!r.status.ok()) {
      AppendErrorResponse(&out, ToFields(r.status.error(), "ERROR"));
      continue;
    }
    if (r.empty_query) {
      AppendEmptyQueryResponse(&out);
      continue;
    }
    if (r.copy_in) {
      AppendCopyInResponse(&out, 0, std::vector<int16_t>(r.copy_columns, 0));
      continue;
    }
    if (r.copy_out) AppendCopyOut(r, &out);
    if (r.returns_rows) {
      // Simple query: every column in text form.
      AppendRowDescription(&out, Fields(r.columns, {}));
      engine::sql::datetime::ZoneScope zone(sql_->time_zone());
      AppendRows(r.rows, 0, r.rows.size(), {}, &out);
    }
    AppendCommandComplete(&out, r.tag);
  }
}

void PgSession::Finish(net::Connection& conn) {
  for (const auto& [name, value] : sql_->TakeParameterChanges()) AppendParameterStatus(&conn.out(), name, value);
  AppendReadyForQuery(&conn.out(), sql_->TransactionStatus());
}

// ---- PgServer ----

int32_t PgServer::Register(net::Worker* worker, uint64_t conn_id, int32_t secret) {
  std::lock_guard<std::mutex> g(mu_);
  int32_t pid;
  do {
    pid = next_pid_++;
    if (next_pid_ <= 0) next_pid_ = 1000;
  } while (backends_.count(pid));
  backends_[pid] = Backend{worker, conn_id, secret};
  return pid;
}

void PgServer::Unregister(int32_t pid) {
  std::lock_guard<std::mutex> g(mu_);
  backends_.erase(pid);
}

void PgServer::Cancel(int32_t pid, int32_t secret) {
  Backend b;
  {
    std::lock_guard<std::mutex> g(mu_);
    auto it = backends_.find(pid);
    if (it == backends_.end() || it->second.secret != secret) return;
    b = it->second;
  }
  net::Worker* worker = b.worker;
  uint64_t id = b.conn_id;
  worker->Post([worker, id] {
    net::Connection* c = worker->FindConnection(id);
    if (c != nullptr && c->session() != nullptr) static_cast<PgSession*>(c->session())->OnCancel(*c);
  });
}

net::ProtocolSpec MakeProtocol(PgServer* server) {
  net::ProtocolSpec spec;
  spec.name = "postgres";
  spec.default_port = kDefaultPort;
  spec.make_session = [server](net::Connection& conn) -> std::unique_ptr<net::Session> {
    return std::make_unique<PgSession>(*server, conn);
  };
  return spec;
}

}  // namespace lumadb::protocol::postgres

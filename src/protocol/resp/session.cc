#include "protocol/resp/session.h"

#include "common/clock.h"
#include "common/logging.h"
#include "common/strutil.h"
#include "protocol/resp/scripting/script_engine.h"

namespace lumadb::protocol::resp {

RespSession::RespSession(RespServer& server, net::Connection& conn)
    : server_(server), conn_(conn), info_(std::make_shared<ClientInfo>()), writer_(&conn.out(), 2) {
  info_->id = conn.id();
  info_->worker = &conn.worker();
  info_->addr = conn.peer();
  info_->laddr = conn.local();
  info_->created_ms = NowMs();
  info_->last_active_ms = info_->created_ms;
  authenticated_ = server_.config().requirepass.empty();
  server_.AddClient(info_);
  server_.total_connections.fetch_add(1, std::memory_order_relaxed);
  server_.connections_metric->Add(1);
  server_.connections_total_metric->Add(1);
}

RespSession::~RespSession() {
  if (!closed_) OnClose(conn_);
}

void RespSession::OnClose(net::Connection&) {
  if (closed_) return;
  closed_ = true;
  Unblock();
  for (const auto& ch : channels_) server_.Unsubscribe(ch, conn_.id());
  for (const auto& p : patterns_) server_.PUnsubscribe(p, conn_.id());
  channels_.clear();
  patterns_.clear();
  UnwatchAll();
  server_.RemoveClient(conn_.id());
  server_.connections_metric->Add(-1);
}

void RespSession::set_db(int db) {
  db_ = db;
  info_->db.store(db, std::memory_order_relaxed);
}

void RespSession::set_proto(int p) {
  writer_.set_proto(p);
  info_->resp.store(p, std::memory_order_relaxed);
}

void RespSession::OnData(net::Connection& conn) {
  net::Buffer& in = conn.in();
  info_->last_active_ms.store(NowMs(), std::memory_order_relaxed);
  server_.total_reads.fetch_add(1, std::memory_order_relaxed);
  while (!blocked_ && !closed_ && !conn.close_requested() && conn.CanWrite() && !in.empty()) {
    ParseResult r = ParseRequest(in.Readable(), server_.config().limits, &args_, &inline_storage_);
    if (r.status == ParseStatus::kIncomplete) break;
    if (r.status == ParseStatus::kError) {
      std::string err = "ERR " + r.error;
      writer_.Error(err);
      server_.CountError(err);
      LOG_DEBUG("redis: protocol error from %s: %s", conn.peer().c_str(), r.error.c_str());
      in.Clear();
      conn.CloseAfterWrite();
      break;
    }
    server_.total_net_input.fetch_add(r.consumed, std::memory_order_relaxed);
    if (r.status == ParseStatus::kOk) Execute(args_);
    // args_ may view the input buffer: consume only after executing.
    in.Consume(r.consumed);
  }
}

void RespSession::Reject(CommandEntry* entry, SubcommandEntry* sub, std::string_view err) {
  if (in_multi_) multi_error_ = true;
  if (sub != nullptr) sub->stats.rejected.fetch_add(1, std::memory_order_relaxed);
  else if (entry != nullptr) entry->stats.rejected.fetch_add(1, std::memory_order_relaxed);
  server_.CountError(err);
  writer_.Error(err);
}

void RespSession::Execute(const std::vector<std::string_view>& args) {
  CommandEntry* entry = server_.FindEntry(args[0]);
  if (entry == nullptr) {
    std::string err = "ERR unknown command '";
    err.append(args[0].substr(0, 128));
    err += "', with args beginning with: ";
    for (size_t i = 1; i < args.size() && err.size() < 256; i++) {
      err += '\'';
      err.append(args[i].substr(0, 128));
      err += "' ";
    }
    return Reject(nullptr, nullptr, err);
  }
  const CommandSpec* spec = entry->spec;
  int argc = static_cast<int>(args.size());
  if ((spec->arity > 0 && argc != spec->arity) || (spec->arity < 0 && argc < -spec->arity)) {
    return Reject(entry, nullptr, ArityError(spec->name));
  }
  // A container command's subcommand has its own arity, checked (as Redis
  // does) before the command runs.
  SubcommandEntry* sub = nullptr;
  if (!entry->subcommands.empty() && argc >= 2) {
    sub = entry->FindSubcommand(args[1]);
    if (sub != nullptr) {
      int a = sub->meta->arity;
      if ((a > 0 && argc != a) || (a < 0 && argc < -a)) return Reject(entry, sub, ArityError(sub->meta->name));
    }
  }
  if (!authenticated_ && !(spec->flags & kNoAuth)) {
    return Reject(entry, sub, "NOAUTH Authentication required.");
  }
  if (proto() == 2 && SubscriptionCount() > 0) {
    std::string_view n = spec->name;
    if (n != "subscribe" && n != "psubscribe" && n != "unsubscribe" && n != "punsubscribe" && n != "ping" &&
        n != "quit" && n != "reset" && n != "ssubscribe" && n != "sunsubscribe") {
      return Reject(entry, sub,
                    "ERR Can't execute '" + std::string(sub != nullptr ? sub->meta->name : n) +
                        "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
    }
  }
  ScriptEngine& scripts = server_.scripts();
  if (scripts.running() && !AllowedWhileBusy(spec, args) && !scripts.WaitWhileRunning()) {
    return Reject(entry, sub, scripts.BusyError());
  }
  if (in_multi_ && (spec->flags & kNoMulti)) {
    return Reject(entry, sub, "ERR Command not allowed inside a transaction");
  }
  if (in_multi_ && !(spec->flags & kExecNow)) {
    std::vector<std::string> copy(args.begin(), args.end());
    queued_.push_back(std::move(copy));
    writer_.Simple("QUEUED");
    return;
  }
  Call(entry, args, false);
}

void RespSession::CollectKeys(const CommandSpec* spec, const std::vector<std::string_view>& args,
                              std::vector<size_t>* out) {
  out->clear();
  if (spec->key_finder != nullptr) {
    if (!spec->key_finder(args, out)) out->clear();
    return;
  }
  if (spec->first_key <= 0) return;
  int argc = static_cast<int>(args.size());
  int last = spec->last_key < 0 ? argc + spec->last_key : spec->last_key;
  for (int i = spec->first_key; i <= last && i < argc; i += spec->step) out->push_back(i);
}

void RespSession::Call(CommandEntry* entry, const std::vector<std::string_view>& args, bool no_block) {
  const CommandSpec* spec = entry->spec;
  std::string& out = conn_.out();
  size_t out_before = out.size();
  engine::kv::Store& store = server_.store();
  uint64_t mask = 0;
  if (!(spec->flags & kKeyspace)) {
    CollectKeys(spec, args, &key_idx_);
    for (size_t i : key_idx_) {
      if (i < args.size()) mask |= engine::kv::Store::MaskOf(args[i]);
    }
  }
  bool blocked = false;
  int64_t t0 = MonoNs();
  {
    engine::kv::Store::Lock lock = store.LockMask(mask);
    CommandContext ctx{server_, *this, args, writer_, store, db_, spec, false, false, {}, false};
    ctx.no_block = no_block || in_exec_;
    spec->fn(ctx);
    blocked = ctx.wants_block;
    if (blocked) Block(ctx);
  }
  int64_t ns = MonoNs() - t0;
  info_->last_cmd.store(spec->name, std::memory_order_relaxed);
  server_.total_commands.fetch_add(1, std::memory_order_relaxed);
  server_.commands_metric->Add();
  server_.latency_metric->ObserveNs(ns);
  server_.total_net_output.fetch_add(out.size() - out_before, std::memory_order_relaxed);
  // A command that blocked is counted when it completes (its retry), as Redis does.
  if (blocked) return;
  bool error = out.size() > out_before && out[out_before] == '-';
  if (error) {
    size_t eol = out.find('\r', out_before);
    server_.CountError(std::string_view(out).substr(out_before + 1, eol == std::string::npos ? 0 : eol - out_before - 1));
  }
  RecordStats(entry, args, ns / 1000, error);
}

void RespSession::RecordStats(CommandEntry* entry, const std::vector<std::string_view>& args, int64_t us, bool error,
                              bool histogram) {
  bool track = histogram && server_.latency_tracking.load(std::memory_order_relaxed);
  if (entry->subcommands.empty()) {
    entry->stats.RecordCall(us, error, track);
  } else if (SubcommandEntry* sub = args.size() >= 2 ? entry->FindSubcommand(args[1]) : nullptr) {
    sub->stats.RecordCall(us, error, track);
  }
  // (An unknown subcommand is only an error reply, as in Redis.)
  server_.latency_monitor().AddIfNeeded(entry->fast ? "fast-command" : "command", us / 1000);
  SlowLog& slowlog = server_.slowlog();
  if (entry->skip_slowlog || !slowlog.ShouldLog(us)) return;
  std::vector<size_t> redact;
  RedactedArgs(entry->spec->name, args, &redact);
  std::string name;
  {
    std::lock_guard<std::mutex> g(info_->mu);
    name = info_->name;
  }
  slowlog.Add(args, redact, us, info_->addr, std::move(name));
}

// The arguments Redis hides from SLOWLOG (and MONITOR): passwords.
void RespSession::RedactedArgs(std::string_view cmd, const std::vector<std::string_view>& args,
                               std::vector<size_t>* out) {
  if (cmd == "auth") {
    for (size_t i = 1; i < args.size(); i++) out->push_back(i);
  } else if (cmd == "hello") {
    for (size_t i = 2; i < args.size(); i++) {
      if (IsArg(args[i], "AUTH") && i + 2 < args.size()) {
        out->push_back(i + 1);
        out->push_back(i + 2);
        i += 2;
      }
    }
  } else if (cmd == "config" && args.size() >= 4 && IsArg(args[1], "SET")) {
    for (size_t i = 2; i + 1 < args.size(); i += 2) {
      const ConfigParam* p = FindConfigParam(args[i]);
      if (p != nullptr && (p->flags & kConfigSensitive)) out->push_back(i + 1);
    }
  } else if (cmd == "migrate") {
    for (size_t i = 6; i < args.size(); i++) {
      if (IsArg(args[i], "AUTH") && i + 1 < args.size()) {
        out->push_back(++i);
      } else if (IsArg(args[i], "AUTH2") && i + 2 < args.size()) {
        out->push_back(i + 1);
        out->push_back(i + 2);
        i += 2;
      }
    }
  }
}

// ---- Blocking ----

void RespSession::Block(CommandContext& ctx) {
  blocked_ = true;
  blocked_db_ = db_;
  if (blocked_args_.empty()) blocked_args_.assign(ctx.args.begin(), ctx.args.end());
  blocked_keys_ = ctx.block_keys;
  for (const auto& k : blocked_keys_) server_.AddWaiter(blocked_db_, k, ConnRef{&conn_.worker(), conn_.id()});
  if (block_timer_ == 0 && block_deadline_ms_ > 0) {
    block_timer_ = conn_.worker().AddTimer(block_deadline_ms_, [this] { OnBlockTimeout(); });
  }
  info_->blocked.store(true, std::memory_order_relaxed);
  server_.blocked_sessions.fetch_add(1, std::memory_order_relaxed);
}

void RespSession::Unblock() {
  if (!blocked_) return;
  for (const auto& k : blocked_keys_) server_.RemoveWaiter(blocked_db_, k, conn_.id());
  if (block_timer_ != 0) conn_.worker().CancelTimer(block_timer_);
  block_timer_ = 0;
  block_deadline_ms_ = 0;
  blocked_ = false;
  blocked_args_.clear();
  blocked_keys_.clear();
  info_->blocked.store(false, std::memory_order_relaxed);
  server_.blocked_sessions.fetch_sub(1, std::memory_order_relaxed);
}

void RespSession::OnKeyReady() {
  if (!blocked_ || closed_) return;
  // Retry the command; it either replies or blocks again on the same keys.
  for (const auto& k : blocked_keys_) server_.RemoveWaiter(blocked_db_, k, conn_.id());
  blocked_ = false;
  server_.blocked_sessions.fetch_sub(1, std::memory_order_relaxed);
  std::vector<std::string> saved_args = std::move(blocked_args_);
  blocked_args_ = saved_args;  // Block() keeps them if the command blocks again
  std::vector<std::string_view> views(saved_args.begin(), saved_args.end());
  int saved_db = db_;
  db_ = blocked_db_;
  Call(server_.FindEntry(views[0]), views, false);
  db_ = saved_db;
  if (!blocked_) {
    if (block_timer_ != 0) conn_.worker().CancelTimer(block_timer_);
    block_timer_ = 0;
    block_deadline_ms_ = 0;
    blocked_args_.clear();
    blocked_keys_.clear();
    info_->blocked.store(false, std::memory_order_relaxed);
    OnData(conn_);  // run requests pipelined behind the blocking one
  }
  conn_.RequestFlush();
}

void RespSession::OnBlockTimeout() {
  block_timer_ = 0;
  if (!blocked_ || closed_) return;
  std::string name = ToLower(blocked_args_.empty() ? "" : blocked_args_[0]);
  std::vector<std::string> args = blocked_args_;
  Unblock();
  if (name == "blmove" || name == "brpoplpush") {
    writer_.Null();
  } else {
    writer_.NullArray();
  }
  // A timed-out blocking command still counts as a call (but, as in
  // Redis, not in the latency histograms).
  if (CommandEntry* entry = server_.FindEntry(name)) {
    std::vector<std::string_view> views(args.begin(), args.end());
    RecordStats(entry, views, 0, false, /*histogram=*/false);
  }
  OnData(conn_);
  conn_.RequestFlush();
}

// ---- MULTI / EXEC / WATCH ----

void RespSession::BeginMulti() {
  in_multi_ = true;
  multi_error_ = false;
  queued_.clear();
  info_->in_multi.store(true, std::memory_order_relaxed);
}

void RespSession::DiscardMulti() {
  in_multi_ = false;
  multi_error_ = false;
  queued_.clear();
  info_->in_multi.store(false, std::memory_order_relaxed);
}

void RespSession::WatchKey(int db, std::string_view key) {
  for (const auto& [d, k] : watched_keys_) {
    if (d == db && k == key) return;
  }
  if (!watch_) watch_ = std::make_shared<WatchState>();
  watched_keys_.emplace_back(db, std::string(key));
  server_.Watch(db, key, watch_);
}

void RespSession::UnwatchAll() {
  if (watch_) server_.UnwatchAll(watch_, watched_keys_);
  watched_keys_.clear();
  watch_.reset();
}

void RespSession::Exec(Writer& w) {
  if (multi_error_) {
    DiscardMulti();
    UnwatchAll();
    w.Error("EXECABORT Transaction discarded because of previous errors.");
    return;
  }
  std::vector<std::vector<std::string>> queued = std::move(queued_);
  DiscardMulti();
  // Every shard stays locked for the whole transaction, so it is atomic and
  // isolated; the WATCH check happens under the same locks.
  engine::kv::Store::Lock all = server_.store().LockAll();
  bool aborted = watch_ && watch_->dirty.load();
  UnwatchAll();
  if (aborted) {
    w.NullArray();
    return;
  }
  in_exec_ = true;
  w.Array(queued.size());
  std::vector<std::string_view> views;
  for (const auto& cmd : queued) {
    views.assign(cmd.begin(), cmd.end());
    Call(server_.FindEntry(views[0]), views, true);
  }
  in_exec_ = false;
}

// ---- Pub/Sub ----

void RespSession::Subscribe(Writer& w, const std::vector<std::string_view>& names, bool pattern) {
  auto& mine = pattern ? patterns_ : channels_;
  for (std::string_view n : names) {
    std::string name(n);
    if (mine.insert(name).second) {
      if (pattern) server_.PSubscribe(name, ConnRef{&conn_.worker(), conn_.id()});
      else server_.Subscribe(name, ConnRef{&conn_.worker(), conn_.id()});
    }
    w.Push(3);
    w.Bulk(pattern ? "psubscribe" : "subscribe");
    w.Bulk(name);
    w.Integer(static_cast<int64_t>(SubscriptionCount()));
  }
  info_->subs.store(static_cast<int>(channels_.size()), std::memory_order_relaxed);
  info_->psubs.store(static_cast<int>(patterns_.size()), std::memory_order_relaxed);
}

void RespSession::Unsubscribe(Writer& w, const std::vector<std::string_view>& names, bool pattern) {
  auto& mine = pattern ? patterns_ : channels_;
  const char* kind = pattern ? "punsubscribe" : "unsubscribe";
  std::vector<std::string> targets;
  if (names.empty()) {
    targets.assign(mine.begin(), mine.end());
    if (targets.empty()) {
      w.Push(3);
      w.Bulk(kind);
      w.Null();
      w.Integer(static_cast<int64_t>(SubscriptionCount()));
    }
  } else {
    targets.assign(names.begin(), names.end());
  }
  for (const auto& name : targets) {
    if (mine.erase(name)) {
      if (pattern) server_.PUnsubscribe(name, conn_.id());
      else server_.Unsubscribe(name, conn_.id());
    }
    w.Push(3);
    w.Bulk(kind);
    w.Bulk(name);
    w.Integer(static_cast<int64_t>(SubscriptionCount()));
  }
  info_->subs.store(static_cast<int>(channels_.size()), std::memory_order_relaxed);
  info_->psubs.store(static_cast<int>(patterns_.size()), std::memory_order_relaxed);
}

void RespSession::DeliverMessage(bool is_pattern, const std::string& pattern, const std::string& channel,
                                 const std::string& message) {
  if (closed_ || conn_.closing()) return;
  if (is_pattern) {
    writer_.Push(4);
    writer_.Bulk("pmessage");
    writer_.Bulk(pattern);
  } else {
    writer_.Push(3);
    writer_.Bulk("message");
  }
  writer_.Bulk(channel);
  writer_.Bulk(message);
  if (conn_.out().size() > server_.config().pubsub_output_limit) {
    LOG_WARN("redis: closing subscriber %s: %zu bytes of messages unread (limit %zu)", conn_.peer().c_str(),
             conn_.out().size(), server_.config().pubsub_output_limit);
    conn_.Close();
    return;
  }
  conn_.RequestFlush();
}

void RespSession::Reset() {
  DiscardMulti();
  UnwatchAll();
  std::string discard;
  Writer w(&discard, proto());
  Unsubscribe(w, {}, false);
  Unsubscribe(w, {}, true);
  set_db(0);
  set_proto(2);
  authenticated_ = server_.config().requirepass.empty();
  std::lock_guard<std::mutex> g(info_->mu);
  info_->name.clear();
}

}  // namespace lumadb::protocol::resp

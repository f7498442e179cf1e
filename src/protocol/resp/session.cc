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
  user_ = server_.acl().default_user();
  info_->user = user_;
  authenticated_ = server_.acl().default_open();
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
  // One clock read per request: each request's latency runs from the end of
  // the previous one (or the start of this batch).
  int64_t t = MonoNs();
  info_->last_active_ms.store(NowMs(), std::memory_order_relaxed);
  while (!blocked_ && !closed_ && !conn.close_requested() && conn.CanWrite() && !in.empty()) {
    ParseResult r = ParseRequest(in.Readable(), server_.config().limits, &args_, &inline_storage_);
    if (r.status == ParseStatus::kIncomplete) break;
    if (r.status == ParseStatus::kError) {
      writer_.Error("ERR " + r.error);
      server_.errors_metric->Add();
      LOG_DEBUG("redis: protocol error from %s: %s", conn.peer().c_str(), r.error.c_str());
      in.Clear();
      conn.CloseAfterWrite();
      break;
    }
    server_.total_net_input.fetch_add(r.consumed, std::memory_order_relaxed);
    if (r.status == ParseStatus::kOk) {
      Execute(args_);
      int64_t t2 = MonoNs();
      server_.latency_metric->ObserveNs(t2 - t);
      t = t2;
    }
    // args_ may view the input buffer: consume only after executing.
    in.Consume(r.consumed);
  }
}

void RespSession::Execute(const std::vector<std::string_view>& args) {
  const CommandSpec* spec = server_.FindCommand(args[0]);
  if (spec == nullptr) {
    std::string err = "ERR unknown command '";
    err.append(args[0].substr(0, 128));
    err += "', with args beginning with: ";
    for (size_t i = 1; i < args.size() && err.size() < 256; i++) {
      err += '\'';
      err.append(args[i].substr(0, 128));
      err += "' ";
    }
    if (in_multi_) multi_error_ = true;
    server_.errors_metric->Add();
    writer_.Error(err);
    return;
  }
  int argc = static_cast<int>(args.size());
  if ((spec->arity > 0 && argc != spec->arity) || (spec->arity < 0 && argc < -spec->arity)) {
    if (in_multi_) multi_error_ = true;
    server_.errors_metric->Add();
    writer_.Error(ArityError(spec->name));
    return;
  }
  if (!authenticated_ && !(spec->flags & kNoAuth) && !server_.acl().default_open()) {
    if (in_multi_) multi_error_ = true;
    writer_.Error("NOAUTH Authentication required.");
    return;
  }
  // The whole ACL cost for a user allowed everything is this one flag.
  if (!user_->unrestricted()) {
    size_t pos = 0;
    acl::Denial d = CheckAcl(spec, args, in_multi_ ? acl::LogContext::kMulti : acl::LogContext::kToplevel, &pos);
    if (d != acl::Denial::kOk) {
      if (closed_ || conn_.close_requested()) return;
      if (in_multi_) multi_error_ = true;
      server_.errors_metric->Add();
      if (d == acl::Denial::kCommand) {
        int id = server_.AclCommandId(spec, args);
        std::string name = id >= 0 ? acl::CommandIndex::Get().def(id).name : spec->name;
        writer_.Error("NOPERM this user has no permissions to run the '" + name + "' command");
      } else if (d == acl::Denial::kKey) {
        writer_.Error("NOPERM this user has no permissions to access one of the keys used as arguments");
      } else {
        writer_.Error("NOPERM this user has no permissions to access one of the channels used as arguments");
      }
      return;
    }
  }
  if (proto() == 2 && SubscriptionCount() > 0) {
    std::string_view n = spec->name;
    if (n != "subscribe" && n != "psubscribe" && n != "unsubscribe" && n != "punsubscribe" && n != "ping" &&
        n != "quit" && n != "reset" && n != "ssubscribe" && n != "sunsubscribe") {
      writer_.Error("ERR Can't execute '" + std::string(n) +
                    "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
      return;
    }
  }
  ScriptEngine& scripts = server_.scripts();
  if (scripts.running() && !AllowedWhileBusy(spec, args) && !scripts.WaitWhileRunning()) {
    if (in_multi_) multi_error_ = true;
    server_.errors_metric->Add();
    writer_.Error(scripts.BusyError());
    return;
  }
  if (in_multi_ && (spec->flags & kNoMulti)) {
    multi_error_ = true;
    writer_.Error("ERR Command not allowed inside a transaction");
    return;
  }
  if (in_multi_ && !(spec->flags & kExecNow)) {
    std::vector<std::string> copy(args.begin(), args.end());
    queued_.push_back(std::move(copy));
    writer_.Simple("QUEUED");
    return;
  }
  Call(spec, args, false);
}

void RespSession::CollectKeys(const CommandSpec* spec, const std::vector<std::string_view>& args,
                              std::vector<size_t>* out) {
  CommandKeys(spec, args, out);
}

// ---- ACL ----

acl::Denial RespSession::CheckAcl(const CommandSpec* spec, const std::vector<std::string_view>& args,
                                  acl::LogContext context, size_t* pos) {
  if (user_->removed()) {
    // ACL DELUSER / ACL LOAD dropped this user: the connection is closing.
    conn_.Close();
    return acl::Denial::kCommand;
  }
  const acl::CommandIndex& idx = acl::CommandIndex::Get();
  int id = server_.AclCommandId(spec, args);
  acl::Denial d = server_.acl().Check(*user_, id, args, [&](std::vector<size_t>* out) { CommandKeys(spec, args, out); },
                                      pos);
  if (d == acl::Denial::kOk) return d;
  std::string object = d == acl::Denial::kCommand ? std::string(id >= 0 ? idx.def(id).name : spec->name)
                                                  : std::string(args[*pos]);
  server_.LogDenial(*this, d, context, std::move(object), user_->name());
  return d;
}

void RespSession::Authenticate(std::shared_ptr<acl::User> user) {
  user_ = std::move(user);
  authenticated_ = true;
  std::lock_guard<std::mutex> g(info_->mu);
  info_->user = user_;
}

void RespSession::RecheckSubscriptions() {
  if (closed_) return;
  for (const auto& ch : channels_) {
    if (!server_.acl().ChannelAllowed(*user_, ch, false)) {
      conn_.Close();
      return;
    }
  }
  for (const auto& p : patterns_) {
    if (!server_.acl().ChannelAllowed(*user_, p, true)) {
      conn_.Close();
      return;
    }
  }
}

void RespSession::Call(const CommandSpec* spec, const std::vector<std::string_view>& args, bool no_block) {
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
  {
    engine::kv::Store::Lock lock = store.LockMask(mask);
    CommandContext ctx{server_, *this, args, writer_, store, db_, spec, false, false, {}, false};
    ctx.no_block = no_block || in_exec_;
    spec->fn(ctx);
    if (ctx.wants_block) Block(ctx);
  }
  info_->last_cmd.store(spec->name, std::memory_order_relaxed);
  server_.total_commands.fetch_add(1, std::memory_order_relaxed);
  server_.commands_metric->Add();
  if (out.size() > out_before && out[out_before] == '-') server_.errors_metric->Add();
  server_.total_net_output.fetch_add(out.size() - out_before, std::memory_order_relaxed);
}

// ---- Blocking ----

void RespSession::Block(CommandContext& ctx) {
  blocked_ = true;
  if (retrying_) {
    // A woken retry found nothing: keep the place in every key's queue.
    for (const auto& k : blocked_keys_) server_.RearmWaiter(blocked_db_, k, conn_.id());
    return;
  }
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
  // Retry the command: it replies, or blocks again in the same place.
  std::vector<std::string> saved_args = blocked_args_;
  std::vector<std::string_view> views(saved_args.begin(), saved_args.end());
  int saved_db = db_;
  db_ = blocked_db_;
  blocked_ = false;
  retrying_ = true;
  Call(server_.FindCommand(views[0]), views, false);
  retrying_ = false;
  db_ = saved_db;
  if (!blocked_) {
    // Served: leave every queue (handing a pending wake-up to the next
    // waiter) and run the requests pipelined behind the blocking one.
    blocked_ = true;
    Unblock();
    OnData(conn_);
  }
  conn_.RequestFlush();
}

void RespSession::OnBlockTimeout() {
  block_timer_ = 0;
  if (!blocked_ || closed_) return;
  std::string name = ToLower(blocked_args_.empty() ? "" : blocked_args_[0]);
  Unblock();
  if (name == "blmove" || name == "brpoplpush") {
    writer_.Null();
  } else {
    writer_.NullArray();
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
    const CommandSpec* spec = server_.FindCommand(views[0]);
    // Permissions are checked again: they may have changed since queueing.
    size_t pos = 0;
    acl::Denial d = user_->unrestricted() ? acl::Denial::kOk : CheckAcl(spec, views, acl::LogContext::kMulti, &pos);
    if (closed_) break;
    if (d != acl::Denial::kOk) {
      const char* reason = d == acl::Denial::kCommand ? "no permission to execute the command or subcommand"
                           : d == acl::Denial::kKey   ? "no permission to touch the specified keys"
                                                      : "no permission to access one of the channels used as arguments";
      w.Error(std::string("NOPERM ACLs rules changed between the moment the transaction was accumulated and the "
                          "EXEC call. This command is no longer allowed for the following reason: ") +
              reason);
      continue;
    }
    Call(spec, views, true);
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
  user_ = server_.acl().default_user();
  authenticated_ = server_.acl().default_open();
  std::lock_guard<std::mutex> g(info_->mu);
  info_->name.clear();
  info_->user = user_;
}

}  // namespace lumadb::protocol::resp

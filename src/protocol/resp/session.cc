#include "protocol/resp/session.h"

#include <algorithm>
#include <optional>

#include "common/clock.h"
#include "common/logging.h"
#include "common/strutil.h"
#include "protocol/resp/scripting/script_engine.h"
#include "protocol/resp/tracking.h"

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
  if (monitor_) server_.RemoveMonitor(conn_.id());
  if (tracking_.on) server_.tracking().Disable(conn_.id());
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

namespace {
bool IsScriptCall(std::string_view name) {
  for (std::string_view c : {"evalsha", "eval", "evalsha_ro", "eval_ro", "fcall", "fcall_ro"}) {
    if (EqualsIgnoreCase(name, c)) return true;
  }
  return false;
}
}  // namespace

void RespSession::OnData(net::Connection& conn) {
  net::Buffer& in = conn.in();
  info_->last_active_ms.store(NowMs(), std::memory_order_relaxed);
  server_.total_reads.fetch_add(1, std::memory_order_relaxed);
  reading_ = true;
  while (!blocked_ && !postponed_ && !closed_ && !conn.close_requested() && conn.CanWrite() && !in.empty()) {
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
    if (r.status == ParseStatus::kOk) {
      // Kept shard locks span scripts only: another command could wait for
      // a worker that is waiting for a shard.
      if (kept_scripts_ > 0 && !IsScriptCall(args_[0])) ReleaseKeptLocks();
      Execute(args_);
    }
    // args_ may view the input buffer: consume only after executing.
    in.Consume(r.consumed);
  }
  ReleaseKeptLocks();
  reading_ = false;
}

engine::kv::Store::Lock RespSession::LockForScript() {
  engine::kv::Store& store = server_.store();
  if (!reading_) return store.LockAll();
  // Bounded, so that other workers get the shards between runs.
  if (kept_scripts_ >= kMaxKeptScripts) ReleaseKeptLocks();
  kept_scripts_++;
  return store.LockAllKept(this);
}

void RespSession::ReleaseKeptLocks() {
  if (kept_scripts_ == 0) return;
  kept_scripts_ = 0;
  server_.store().ReleaseKept(this);
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
  if (!authenticated_ && !(spec->flags & kNoAuth) && !server_.acl().default_open()) {
    return Reject(entry, sub, "NOAUTH Authentication required.");
  }
  // The whole ACL cost for a user allowed everything is this one flag.
  if (!user_->unrestricted()) {
    size_t pos = 0;
    acl::Denial d = CheckAcl(spec, args, in_multi_ ? acl::LogContext::kMulti : acl::LogContext::kToplevel, &pos);
    if (d != acl::Denial::kOk) {
      if (closed_ || conn_.close_requested()) return;
      if (d == acl::Denial::kCommand) {
        int id = server_.AclCommandId(spec, args);
        std::string name = id >= 0 ? acl::CommandIndex::Get().def(id).name : spec->name;
        return Reject(entry, sub, "NOPERM this user has no permissions to run the '" + name + "' command");
      }
      return Reject(entry, sub,
                    d == acl::Denial::kKey
                        ? "NOPERM this user has no permissions to access one of the keys used as arguments"
                        : "NOPERM this user has no permissions to access one of the channels used as arguments");
    }
  }
  if (!CheckMemory(entry, sub, args)) return;
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
  if (server_.PausedFor(MayWrite(spec, args))) {
    // CLIENT PAUSE: wait (reading nothing more) until the pause ends.
    postponed_ = true;
    postponed_args_.assign(args.begin(), args.end());
    server_.AddPausedClient(ConnRef{&conn_.worker(), conn_.id()});
    return;
  }
  if (in_multi_ && !(spec->flags & kExecNow)) {
    // As Redis's mstate.cmd_flags: whether EXEC counts as denyoom is decided
    // as commands are queued.
    multi_denyoom_ = multi_denyoom_ || server_.IsDenyOom(entry, args);
    std::vector<std::string> copy(args.begin(), args.end());
    queued_.push_back(std::move(copy));
    writer_.Simple("QUEUED");
    return;
  }
  Call(entry, args, false);
}

bool RespSession::CheckMemory(CommandEntry* entry, SubcommandEntry* sub, const std::vector<std::string_view>& args) {
  engine::kv::Store& store = server_.store();
  if (store.maxmemory() == 0) {
    script_oom_ = false;
    return true;
  }
  // Redis neither evicts nor refuses while a busy script lets other clients
  // in, nor while clients are paused (the dataset must then stay as it is).
  ScriptEngine& scripts = server_.scripts();
  if (scripts.running() && !scripts.WaitWhileRunning()) return true;
  bool oom = !server_.PausedFor(true) && store.PerformEvictions() == engine::kv::Store::EvictResult::kFail;
  std::string_view n = entry->spec->name;
  bool is_exec = n == "exec";
  if (is_exec || n.substr(0, 4) == "eval" || n.substr(0, 5) == "fcall") script_oom_ = oom;
  if (!oom) return true;
  bool refuse;
  if (in_multi_ && !is_exec && n != "discard" && n != "quit" && n != "reset") {
    // Queuing a transaction may take any amount of memory.
    refuse = true;
  } else if (is_exec) {
    refuse = multi_denyoom_;
  } else {
    refuse = server_.IsDenyOom(entry, args);
  }
  if (!refuse) return true;
  if (is_exec && in_multi_) {
    // EXEC refused: the transaction is discarded (Redis's execCommandAbort).
    Reject(entry, sub, "EXECABORT Transaction discarded because of: " + std::string(kErrOom));
    DiscardMulti();
    UnwatchAll();
    return false;
  }
  Reject(entry, sub, kErrOom);
  return false;
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

void RespSession::Call(CommandEntry* entry, const std::vector<std::string_view>& args, bool no_block) {
  const CommandSpec* spec = entry->spec;
  std::string& out = conn_.out();
  size_t out_before = out.size();
  engine::kv::Store& store = server_.store();
  uint64_t mask = 0;
  key_idx_.clear();
  if (!(spec->flags & kKeyspace)) {
    CollectKeys(spec, args, &key_idx_);
    for (size_t i : key_idx_) {
      if (i < args.size()) mask |= engine::kv::Store::MaskOf(args[i]);
    }
  }
  // EVAL and FCALL reach MONITOR before the commands their script runs.
  bool feed_first = spec->name[0] == 'e' ? std::string_view(spec->name).substr(0, 4) == "eval"
                                         : std::string_view(spec->name).substr(0, 5) == "fcall";
  if (feed_first && server_.has_monitors() && !retrying_) FeedMonitor(spec, args, db_);
  SetCurrentClient(conn_.id());
  bool batch = server_.tracking().active();
  if (batch) TrackingTable::BeginBatch();
  bool blocked = false;
  int64_t t0 = MonoNs();
  {
    engine::kv::Store::Lock lock = store.LockMask(mask);
    CommandContext ctx{server_, *this, args, writer_, store, db_, spec, false, false, {}, false, {}};
    ctx.no_block = no_block || in_exec_;
    spec->fn(ctx);
    blocked = ctx.wants_block;
    if (blocked) Block(ctx);
  }
  if (batch) server_.tracking().EndBatch();
  SetCurrentClient(0);
  int64_t ns = MonoNs() - t0;
  info_->last_cmd.store(spec->name, std::memory_order_relaxed);
  server_.total_commands.fetch_add(1, std::memory_order_relaxed);
  server_.commands_metric->Add();
  server_.latency_metric->ObserveNs(ns);
  server_.total_net_output.fetch_add(out.size() - out_before, std::memory_order_relaxed);
  if (!feed_first && server_.has_monitors() && !retrying_) FeedMonitor(spec, args, db_);
  AfterCommand(spec, args, out_before);
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

void RespSession::FeedMonitor(const CommandSpec* spec, const std::vector<std::string_view>& args, int db) {
  if (!FedToMonitors(spec, args)) return;
  // Passwords never reach MONITOR (AUTH, HELLO's AUTH pair, CONFIG SET requirepass...).
  std::vector<size_t> redact;
  RedactedArgs(spec->name, args, &redact);
  if (redact.empty()) return server_.FeedMonitors(db, conn_.peer(), args);
  std::vector<std::string_view> redacted(args.begin(), args.end());
  for (size_t i : redact) redacted[i] = "(redacted)";
  server_.FeedMonitors(db, conn_.peer(), redacted);
}

void RespSession::TrackReads(const CommandSpec* spec, const std::vector<std::string_view>& args,
                             const std::vector<size_t>& key_idx) {
  if (!tracks_reads() || !(spec->flags & kReadonly) || key_idx.empty()) return;
  bool track = tracking_.optin ? caching_ == 1 : tracking_.optout ? caching_ != -1 : true;
  if (!track) return;
  std::vector<std::string_view> keys;
  for (size_t i : key_idx) keys.push_back(args[i]);
  server_.tracking().Remember(TrackingTable::Client{&conn_.worker(), conn_.id()}, keys);
}

void RespSession::AfterCommand(const CommandSpec* spec, const std::vector<std::string_view>& args,
                               size_t out_before) {
  TrackReads(spec, args, key_idx_);
  // CLIENT CACHING applies to the next command only (or the next MULTI block).
  if (!caching_set_ && !in_multi_ && !in_exec_) caching_ = 0;
  caching_set_ = false;
  if (in_exec_) return;  // EXEC's reply as a whole is what CLIENT REPLY drops
  bool drop = reply_mode_ == ReplyMode::kOff;
  if (skip_replies_ > 0) {
    skip_replies_--;
    drop = true;
  }
  if (drop && conn_.out().size() > out_before) conn_.out().resize(out_before);
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
  if (!ctx.block_args.empty()) blocked_args_ = std::move(ctx.block_args);
  else if (blocked_args_.empty()) blocked_args_.assign(ctx.args.begin(), ctx.args.end());
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
  Call(server_.FindEntry(views[0]), views, false);
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
  std::vector<std::string> args = blocked_args_;
  Unblock();
  if (reply_mode_ == ReplyMode::kOff) {
  } else if (name == "blmove" || name == "brpoplpush") {
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
  multi_denyoom_ = false;
  queued_.clear();
  info_->in_multi.store(true, std::memory_order_relaxed);
}

void RespSession::DiscardMulti() {
  in_multi_ = false;
  multi_error_ = false;
  multi_denyoom_ = false;
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
    CommandEntry* entry = server_.FindEntry(views[0]);
    const CommandSpec* spec = entry->spec;
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
    Call(entry, views, true);
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
  if (closed_ || conn_.closing() || reply_mode_ == ReplyMode::kOff) return;
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
  if (monitor_) {
    server_.RemoveMonitor(conn_.id());
    monitor_ = false;
  }
  SetTracking(TrackingOptions{});
  reply_mode_ = ReplyMode::kOn;
  skip_replies_ = 0;
  info_->flags.fetch_and(~(kClientMonitor | kClientNoEvict | kClientNoTouch), std::memory_order_relaxed);
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

namespace lumadb::protocol::resp {

bool RespSession::MayWrite(const CommandSpec* spec, const std::vector<std::string_view>& args) const {
  if (spec->flags & kWrite) return true;
  std::string_view n = spec->name;
  // Commands Redis flags may-replicate: they can write, so CLIENT PAUSE WRITE holds them.
  if (n == "eval" || n == "evalsha" || n == "fcall" || n == "publish" || n == "pfcount" || n == "wait") return true;
  if (n == "exec") {
    for (const auto& cmd : queued_) {
      const CommandSpec* q = server_.FindCommand(cmd[0]);
      if (q != nullptr && (q->flags & kWrite)) return true;
    }
  }
  return false;
}

bool RespSession::FedToMonitors(const CommandSpec* spec, const std::vector<std::string_view>& args) const {
  if (spec->flags & kAdmin) return false;
  std::string_view n = spec->name;
  if (n == "monitor") return false;
  if (n == "client" && args.size() >= 2) {
    // CLIENT's admin subcommands stay out of MONITOR, as in redis-server.
    for (const char* sub : {"kill", "list", "no-evict", "pause", "unblock", "unpause"}) {
      if (IsArg(args[1], sub)) return false;
    }
  }
  return true;
}

void RespSession::SetReplyMode(ReplyMode m) {
  if (m == ReplyMode::kSkip) {
    skip_replies_ = 2;  // this command's reply and the next one's
    return;
  }
  reply_mode_ = m;
  skip_replies_ = 0;
}

void RespSession::StartMonitor() {
  if (monitor_) return;
  monitor_ = true;
  info_->flags.fetch_or(kClientMonitor, std::memory_order_relaxed);
  server_.AddMonitor(ConnRef{&conn_.worker(), conn_.id()});
}

void RespSession::DeliverRaw(const std::string& bytes) {
  if (closed_ || conn_.closing() || reply_mode_ == ReplyMode::kOff) return;
  conn_.out().append(bytes);
  conn_.RequestFlush();
}

void RespSession::OnUnpaused() {
  if (!postponed_ || closed_) return;
  postponed_ = false;
  std::vector<std::string> args = std::move(postponed_args_);
  postponed_args_.clear();
  std::vector<std::string_view> views(args.begin(), args.end());
  Execute(views);
  if (!postponed_ && !blocked_) OnData(conn_);
  conn_.RequestFlush();
}

std::string RespSession::SetTracking(const TrackingOptions& opts) {
  if (!opts.on) {
    if (tracking_.on) server_.tracking().Disable(conn_.id());
    tracking_ = TrackingOptions{};
    redirect_broken_ = false;
    caching_ = 0;
    info_->flags.fetch_and(~(kClientTracking | kClientBcast | kClientBrokenRedir), std::memory_order_relaxed);
    info_->redir.store(-1, std::memory_order_relaxed);
    return std::string();
  }
  if (tracking_.on && tracking_.bcast != opts.bcast) {
    return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling "
           "it with a different mode.";
  }
  if (!opts.bcast && !opts.prefixes.empty()) return "ERR PREFIX option requires BCAST mode to be enabled";
  if (opts.optin && opts.optout) return "ERR You can't specify both OPTIN mode and OPTOUT mode";
  if (opts.bcast && (opts.optin || opts.optout)) return "ERR OPTIN and OPTOUT are not compatible with BCAST";
  if (tracking_.on && (tracking_.optin != opts.optin || tracking_.optout != opts.optout)) {
    return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
           "re-enabling it with a different mode.";
  }
  if (opts.redirect != 0 && opts.redirect != conn_.id() && server_.FindClient(opts.redirect) == nullptr) {
    return "ERR The client ID you want redirect to does not exist";
  }
  for (size_t i = 0; i < opts.prefixes.size(); i++) {
    const std::string& p = opts.prefixes[i];
    for (const auto& old : tracking_.prefixes) {
      if (old.compare(0, p.size(), p) == 0 || p.compare(0, old.size(), old) == 0) {
        if (old == p) continue;
        return "ERR Prefix '" + p + "' overlaps with an existing prefix '" + old +
               "'. Prefixes for a single client must not overlap.";
      }
    }
    for (size_t j = i + 1; j < opts.prefixes.size(); j++) {
      const std::string& q = opts.prefixes[j];
      if (q.compare(0, p.size(), p) == 0 || p.compare(0, q.size(), q) == 0) {
        return "ERR Prefix '" + p + "' overlaps with another provided prefix '" + q +
               "'. Prefixes for a single client must not overlap.";
      }
    }
  }
  std::vector<std::string> prefixes = tracking_.prefixes;
  for (const auto& p : opts.prefixes) {
    if (std::find(prefixes.begin(), prefixes.end(), p) == prefixes.end()) prefixes.push_back(p);
  }
  tracking_ = opts;
  tracking_.prefixes = prefixes;
  redirect_broken_ = false;
  server_.tracking().Enable(TrackingTable::Client{&conn_.worker(), conn_.id()}, opts.bcast, prefixes);
  uint32_t f = kClientTracking | (opts.bcast ? kClientBcast : 0);
  info_->flags.fetch_and(~(kClientBcast | kClientBrokenRedir), std::memory_order_relaxed);
  info_->flags.fetch_or(f, std::memory_order_relaxed);
  info_->redir.store(static_cast<int64_t>(opts.redirect), std::memory_order_relaxed);
  return std::string();
}

std::string RespSession::SetCaching(bool yes) {
  if (!tracking_.on || (!tracking_.optin && !tracking_.optout)) {
    return "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode "
           "enabled";
  }
  if (yes && !tracking_.optin) return "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.";
  if (!yes && !tracking_.optout) return "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.";
  caching_ = yes ? 1 : -1;
  caching_set_ = true;
  return std::string();
}

namespace {
void WriteInvalidation(Writer& w, const std::vector<std::string>* keys) {
  if (keys == nullptr) {
    w.Null();
  } else {
    w.Array(keys->size());
    for (const auto& k : *keys) w.Bulk(k);
  }
}
}  // namespace

void RespSession::DeliverInvalidation(const std::vector<std::string>* keys, uint64_t modifier) {
  if (closed_ || conn_.closing() || !tracking_.on) return;
  if (tracking_.noloop && modifier == conn_.id()) return;
  if (tracking_.redirect != 0 && tracking_.redirect != conn_.id()) {
    std::shared_ptr<ClientInfo> target = server_.FindClient(tracking_.redirect);
    if (target == nullptr) {
      if (!redirect_broken_) {
        redirect_broken_ = true;
        info_->flags.fetch_or(kClientBrokenRedir, std::memory_order_relaxed);
        if (proto() >= 3) {
          writer_.Push(2);
          writer_.Bulk("tracking-redir-broken");
          writer_.Integer(static_cast<int64_t>(tracking_.redirect));
          conn_.RequestFlush();
        }
      }
      return;
    }
    std::optional<std::vector<std::string>> copy;
    if (keys != nullptr) copy = *keys;
    net::Worker* w = target->worker;
    uint64_t id = target->id;
    w->Post([w, id, copy = std::move(copy)] {
      net::Connection* c = w->FindConnection(id);
      if (c != nullptr) {
        static_cast<RespSession*>(c->session())->DeliverRedirectedInvalidation(copy ? &*copy : nullptr);
      }
    });
    return;
  }
  // RESP2 without a redirect has no way to receive pushes.
  if (proto() < 3 || reply_mode_ == ReplyMode::kOff) return;
  writer_.Push(2);
  writer_.Bulk("invalidate");
  WriteInvalidation(writer_, keys);
  conn_.RequestFlush();
}

void RespSession::DeliverRedirectedInvalidation(const std::vector<std::string>* keys) {
  if (closed_ || conn_.closing() || reply_mode_ == ReplyMode::kOff) return;
  if (proto() >= 3) {
    writer_.Push(2);
    writer_.Bulk("invalidate");
  } else if (SubscriptionCount() > 0) {
    writer_.Push(3);
    writer_.Bulk("message");
    writer_.Bulk("__redis__:invalidate");
  } else {
    return;
  }
  WriteInvalidation(writer_, keys);
  conn_.RequestFlush();
}

bool RespSession::UnblockByClient(bool error) {
  if (!blocked_ || closed_) return false;
  std::string name = ToLower(blocked_args_.empty() ? "" : blocked_args_[0]);
  Unblock();
  if (reply_mode_ == ReplyMode::kOff) {
  } else if (error) {
    writer_.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
  } else if (name == "blmove" || name == "brpoplpush") {
    writer_.Null();
  } else {
    writer_.NullArray();
  }
  OnData(conn_);
  conn_.RequestFlush();
  return true;
}

}  // namespace lumadb::protocol::resp

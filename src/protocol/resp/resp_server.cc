#include "protocol/resp/resp_server.h"

#include <algorithm>
#include <random>

#include "common/clock.h"
#include "common/logging.h"
#include "common/strutil.h"
#include "net/worker.h"
#include "protocol/resp/notify.h"
#include "protocol/resp/scripting/script_engine.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {

RespServer::RespServer(engine::kv::Store& store, RespConfig config)
    : store_(store), config_(std::move(config)), start_ms_(NowMs()) {
  std::random_device rd;
  static const char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 40; i++) run_id_.push_back(kHex[rd() % 16]);
  for (const auto* family : {&ConnectionCommands(), &ServerCommands(), &KeyCommands(), &StringCommands(),
                             &BitCommands(), &HashCommands(), &ListCommands(), &SetCommands(), &ZSetCommands(),
                             &GeoCommands(), &PubSubCommands(), &TransactionCommands(), &DumpCommands(),
                             &SortCommands(), &ScriptingCommands()}) {
    for (const CommandSpec& spec : *family) {
      table_[spec.name] = &spec;
      ordered_.push_back(&spec);
    }
  }
  auto& reg = metrics::Global();
  const std::string labels = "protocol=\"redis\"";
  commands_metric = reg.GetCounter("lumadb_commands_total", labels, "Commands executed, per protocol.");
  errors_metric = reg.GetCounter("lumadb_command_errors_total", labels, "Commands answered with an error.");
  latency_metric = reg.GetHistogram("lumadb_command_duration_seconds", labels, "Command execution time.");
  connections_metric = reg.GetGauge("lumadb_connections", labels, "Open client connections, per protocol.");
  connections_total_metric =
      reg.GetCounter("lumadb_connections_total", labels, "Client connections accepted, per protocol.");
  notify_flags_.store(config_.notify_keyspace_events, std::memory_order_relaxed);
  store_.AddObserver(this);
  scripts_ = std::make_unique<ScriptEngine>(*this);
  Status st = scripts_->LoadPersisted();
  if (!st.ok()) LOG_ERROR("redis: %s", st.ToString().c_str());
}

RespServer::~RespServer() { store_.RemoveObserver(this); }

const CommandSpec* RespServer::FindCommand(std::string_view name) const {
  char buf[64];
  if (name.size() >= sizeof(buf)) return nullptr;
  for (size_t i = 0; i < name.size(); i++) {
    char c = name[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  auto it = table_.find(std::string_view(buf, name.size()));
  return it == table_.end() ? nullptr : it->second;
}

// ---- WATCH ----

void RespServer::Watch(int db, std::string_view key, const std::shared_ptr<WatchState>& state) {
  std::lock_guard<std::mutex> g(watch_mu_);
  auto& list = watched_[DbKey(db, std::string(key))];
  list.push_back(state);
  watched_count_.fetch_add(1, std::memory_order_relaxed);
}

void RespServer::UnwatchAll(const std::shared_ptr<WatchState>& state,
                            const std::vector<std::pair<int, std::string>>& keys) {
  std::lock_guard<std::mutex> g(watch_mu_);
  for (const auto& k : keys) {
    auto it = watched_.find(k);
    if (it == watched_.end()) continue;
    auto& list = it->second;
    size_t before = list.size();
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const std::weak_ptr<WatchState>& w) {
                                auto s = w.lock();
                                return !s || s == state;
                              }),
               list.end());
    watched_count_.fetch_sub(before - list.size(), std::memory_order_relaxed);
    if (list.empty()) watched_.erase(it);
  }
}

// ---- Blocked clients ----

void RespServer::AddWaiter(int db, const std::string& key, ConnRef conn) {
  std::lock_guard<std::mutex> g(block_mu_);
  waiters_[DbKey(db, key)].push_back(conn);
  blocked_count_.fetch_add(1, std::memory_order_relaxed);
}

void RespServer::RemoveWaiter(int db, const std::string& key, uint64_t conn_id) {
  std::lock_guard<std::mutex> g(block_mu_);
  auto it = waiters_.find(DbKey(db, key));
  if (it == waiters_.end()) return;
  auto& list = it->second;
  size_t before = list.size();
  list.erase(std::remove_if(list.begin(), list.end(), [&](const ConnRef& r) { return r.conn_id == conn_id; }),
             list.end());
  blocked_count_.fetch_sub(before - list.size(), std::memory_order_relaxed);
  if (list.empty()) waiters_.erase(it);
}

namespace {
void WakeBlocked(const ConnRef& r) {
  r.worker->Post([r] {
    net::Connection* c = r.worker->FindConnection(r.conn_id);
    if (c != nullptr) static_cast<RespSession*>(c->session())->OnKeyReady();
  });
}
}  // namespace

void RespServer::OnKeyTouched(int db, std::string_view key) {
  if (watched_count_.load(std::memory_order_relaxed) != 0) {
    std::lock_guard<std::mutex> g(watch_mu_);
    auto it = watched_.find(std::make_pair(db, std::string(key)));
    if (it != watched_.end()) {
      for (auto& w : it->second) {
        if (auto s = w.lock()) s->dirty.store(true, std::memory_order_relaxed);
      }
    }
  }
  if (blocked_count_.load(std::memory_order_relaxed) != 0) {
    std::lock_guard<std::mutex> g(block_mu_);
    auto it = waiters_.find(std::make_pair(db, std::string(key)));
    if (it != waiters_.end()) {
      for (const ConnRef& r : it->second) WakeBlocked(r);
    }
  }
}

void RespServer::OnDbTouched(int db) {
  if (watched_count_.load(std::memory_order_relaxed) != 0) {
    std::lock_guard<std::mutex> g(watch_mu_);
    for (auto& [k, list] : watched_) {
      if (db != -1 && k.first != db) continue;
      for (auto& w : list) {
        if (auto s = w.lock()) s->dirty.store(true, std::memory_order_relaxed);
      }
    }
  }
  if (blocked_count_.load(std::memory_order_relaxed) != 0) {
    std::lock_guard<std::mutex> g(block_mu_);
    for (auto& [k, list] : waiters_) {
      if (db != -1 && k.first != db) continue;
      for (const ConnRef& r : list) WakeBlocked(r);
    }
  }
}

// ---- Pub/Sub ----

void RespServer::Subscribe(const std::string& channel, ConnRef conn) {
  std::lock_guard<std::mutex> g(pubsub_mu_);
  if (channels_[channel].insert(conn).second) subscriptions_.fetch_add(1);
}

void RespServer::Unsubscribe(const std::string& channel, uint64_t conn_id) {
  std::lock_guard<std::mutex> g(pubsub_mu_);
  auto it = channels_.find(channel);
  if (it == channels_.end()) return;
  if (it->second.erase(ConnRef{nullptr, conn_id})) subscriptions_.fetch_sub(1);
  if (it->second.empty()) channels_.erase(it);
}

void RespServer::PSubscribe(const std::string& pattern, ConnRef conn) {
  std::lock_guard<std::mutex> g(pubsub_mu_);
  if (patterns_[pattern].insert(conn).second) subscriptions_.fetch_add(1);
}

void RespServer::PUnsubscribe(const std::string& pattern, uint64_t conn_id) {
  std::lock_guard<std::mutex> g(pubsub_mu_);
  auto it = patterns_.find(pattern);
  if (it == patterns_.end()) return;
  if (it->second.erase(ConnRef{nullptr, conn_id})) subscriptions_.fetch_sub(1);
  if (it->second.empty()) patterns_.erase(it);
}

int64_t RespServer::Publish(std::string_view channel, std::string_view message) {
  struct Delivery {
    uint64_t conn_id;
    std::string pattern;  // empty for a channel subscription
    bool is_pattern;
  };
  // One task per worker, holding that worker's deliveries in order.
  struct Batch {
    net::Worker* worker;
    std::vector<Delivery> deliveries;
  };
  std::vector<Batch> batches;
  int64_t count = 0;
  auto add = [&](const ConnRef& r, const std::string* pattern) {
    Batch* b = nullptr;
    for (Batch& x : batches) {
      if (x.worker == r.worker) b = &x;
    }
    if (b == nullptr) b = &batches.emplace_back(Batch{r.worker, {}});
    b->deliveries.push_back({r.conn_id, pattern ? *pattern : std::string(), pattern != nullptr});
    count++;
  };
  {
    std::lock_guard<std::mutex> g(pubsub_mu_);
    auto it = channels_.find(channel);
    if (it != channels_.end()) {
      for (const ConnRef& r : it->second) add(r, nullptr);
    }
    for (const auto& [pat, subs] : patterns_) {
      if (!GlobMatch(pat, channel)) continue;
      for (const ConnRef& r : subs) add(r, &pat);
    }
  }
  // Posted even to this thread's own worker: a message delivered at once
  // could overtake one another thread already posted to the same
  // subscriber, and keyspace events (published by command handlers, often
  // while a woken client's retry is queued) must arrive in the order they
  // happened. Posting never blocks, so this is safe with shard locks held.
  for (Batch& b : batches) {
    b.worker->Post([w = b.worker, d = std::move(b.deliveries), ch = std::string(channel),
                    msg = std::string(message)] {
      for (const Delivery& x : d) {
        net::Connection* c = w->FindConnection(x.conn_id);
        if (c != nullptr) static_cast<RespSession*>(c->session())->DeliverMessage(x.is_pattern, x.pattern, ch, msg);
      }
    });
  }
  return count;
}

// ---- Keyspace notifications ----

void RespServer::PublishKeyspaceEvent(std::string_view event, std::string_view key, int db) {
  // Nobody listening: skip building the channel names.
  if (subscriptions_.load() == 0) return;
  int flags = notify_flags();
  std::string channel;
  auto prefix = [&](const char* kind) {
    channel.assign(kind);
    channel += std::to_string(db);
    channel += "__:";
  };
  if (flags & kNotifyKeyspace) {
    prefix("__keyspace@");
    channel.append(key);
    Publish(channel, event);
  }
  if (flags & kNotifyKeyevent) {
    prefix("__keyevent@");
    channel.append(event);
    Publish(channel, key);
  }
}

void RespServer::OnKeyAdded(int db, std::string_view key) {
  // Memcached's namespace is not a Redis database.
  if (db < engine::kv::kRedisDbCount) NotifyKeyspaceEvent(*this, kNotifyNew, "new", key, db);
}

void RespServer::OnKeyExpired(int db, std::string_view key) {
  if (db < engine::kv::kRedisDbCount) NotifyKeyspaceEvent(*this, kNotifyExpired, "expired", key, db);
}

std::vector<std::string> RespServer::Channels(std::string_view pattern) {
  std::lock_guard<std::mutex> g(pubsub_mu_);
  std::vector<std::string> r;
  for (const auto& [ch, subs] : channels_) {
    if (pattern.empty() || GlobMatch(pattern, ch)) r.push_back(ch);
  }
  return r;
}

int64_t RespServer::NumSub(std::string_view channel) {
  std::lock_guard<std::mutex> g(pubsub_mu_);
  auto it = channels_.find(channel);
  return it == channels_.end() ? 0 : static_cast<int64_t>(it->second.size());
}

int64_t RespServer::NumPat() {
  std::lock_guard<std::mutex> g(pubsub_mu_);
  return static_cast<int64_t>(patterns_.size());
}

double RespServer::InstantaneousOps() {
  std::lock_guard<std::mutex> g(ops_mu_);
  int64_t now = NowMs();
  uint64_t count = total_commands.load(std::memory_order_relaxed);
  if (ops_sample_ms_ == 0) {
    ops_sample_ms_ = start_ms_;
  }
  if (now - ops_sample_ms_ >= 1000 || ops_rate_ == 0) {
    int64_t dt = now - ops_sample_ms_;
    if (dt > 0) ops_rate_ = static_cast<double>(count - ops_sample_count_) * 1000.0 / dt;
    ops_sample_ms_ = now;
    ops_sample_count_ = count;
  }
  return ops_rate_;
}

// ---- Clients ----

void RespServer::AddClient(const std::shared_ptr<ClientInfo>& c) {
  std::lock_guard<std::mutex> g(clients_mu_);
  clients_[c->id] = c;
}

void RespServer::RemoveClient(uint64_t id) {
  std::lock_guard<std::mutex> g(clients_mu_);
  clients_.erase(id);
}

std::vector<std::shared_ptr<ClientInfo>> RespServer::Clients() {
  std::lock_guard<std::mutex> g(clients_mu_);
  std::vector<std::shared_ptr<ClientInfo>> r;
  for (auto& [id, c] : clients_) r.push_back(c);
  return r;
}

std::shared_ptr<ClientInfo> RespServer::FindClient(uint64_t id) {
  std::lock_guard<std::mutex> g(clients_mu_);
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second;
}

}  // namespace lumadb::protocol::resp

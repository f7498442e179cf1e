#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "common/metrics.h"
#include "engine/kv/hyperloglog.h"
#include "engine/kv/store.h"
#include "protocol/resp/acl/acl.h"
#include "protocol/resp/codec.h"
#include "protocol/resp/command.h"

namespace lumadb::net {
class Worker;
}

namespace lumadb::protocol::resp {

// What CLIENT LIST shows of one connection. Written by the owning worker,
// read by any thread.
struct ClientInfo {
  uint64_t id = 0;
  net::Worker* worker = nullptr;
  std::string addr, laddr;
  int64_t created_ms = 0;
  std::atomic<int64_t> last_active_ms{0};
  std::atomic<int> db{0};
  std::atomic<int> resp{2};
  std::atomic<int> subs{0}, psubs{0};
  std::atomic<bool> in_multi{false}, blocked{false};
  std::atomic<const char*> last_cmd{"NULL"};  // points at a static command name
  std::mutex mu;  // guards the fields below
  std::string name, lib_name, lib_ver;
  std::shared_ptr<acl::User> user;  // the authenticated user (CLIENT LIST's user=)
};

// CLIENT LIST's line for one client (without the newline).
std::string ClientInfoLine(ClientInfo& c, int64_t now_ms);

// Identifies a connection across threads: its worker and id.
struct ConnRef {
  net::Worker* worker;
  uint64_t conn_id;
  bool operator<(const ConnRef& o) const { return conn_id < o.conn_id; }
  bool operator==(const ConnRef& o) const { return conn_id == o.conn_id; }
};

// WATCH state of one session; set dirty by any thread that touches a watched key.
struct WatchState {
  std::atomic<bool> dirty{false};
};

struct RespConfig {
  std::string requirepass;  // the default user's password (applied at start and by CONFIG SET)
  std::string aclfile;      // ACL LOAD / ACL SAVE file; empty = none
  bool acl_pubsub_default_all = false;
  size_t acllog_max_len = 128;
  ParseLimits limits;
  size_t pubsub_output_limit = 32ull << 20;  // close a subscriber whose pending output exceeds this
  std::string bind = "127.0.0.1";
  int port = 6379;
  std::string data_dir;
  std::string config_file;
  std::string version = "7.0.15";  // the Redis version LumaDB answers as
  int workers = 1;
  uint64_t max_clients = 10000;
  // hll-sparse-max-bytes: a sparse HyperLogLog longer than this becomes dense.
  size_t hll_sparse_max_bytes = engine::kv::kHllDefaultSparseMaxBytes;
};

// State shared by every Redis session: the command table, registries for
// WATCH, blocked clients, pub/sub and CLIENT LIST, and INFO counters.
class ScriptEngine;

class RespServer final : public engine::kv::KeyspaceObserver {
 public:
  RespServer(engine::kv::Store& store, RespConfig config);
  ~RespServer() override;

  engine::kv::Store& store() { return store_; }
  RespConfig& config() { return config_; }
  int64_t start_ms() const { return start_ms_; }
  // 40 random hex characters, new for every process (INFO run_id).
  const std::string& run_id() const { return run_id_; }

  // Case-insensitive; null if unknown.
  const CommandSpec* FindCommand(std::string_view name) const;
  const std::vector<const CommandSpec*>& commands() const { return ordered_; }

  // EVAL scripts, function libraries and the running script.
  ScriptEngine& scripts() { return *scripts_; }

  // ---- ACL ----
  acl::Acl& acl() { return acl_; }
  // The ACL command id of an invocation of spec: its subcommand's for a
  // container given a known one, else the command's; -1 when the 7.0 table
  // does not know the command.
  int AclCommandId(const CommandSpec* spec, const std::vector<std::string_view>& args) const;
  // Reads config().aclfile into the users (at start and for ACL LOAD),
  // disconnecting the clients of replaced users except `self_id` (the
  // caller's, which closes after its reply). "" or the error text.
  std::string LoadAclFile(uint64_t self_id = 0);
  // Closes every connection authenticated as one of `users`, except
  // `self_id` (the caller closes its own after replying).
  void KillClientsOf(const std::vector<std::shared_ptr<acl::User>>& users, uint64_t self_id);
  // Asks every pub/sub client of `user` to drop its connection if a
  // subscription is no longer allowed (after ACL SETUSER narrowed channels).
  void RecheckSubscribers(const std::shared_ptr<acl::User>& user);
  // Adds an ACL LOG entry for a refusal seen by `session`.
  void LogDenial(RespSession& session, acl::Denial reason, acl::LogContext context, std::string object,
                 const std::string& username);

  // ---- WATCH ----
  void Watch(int db, std::string_view key, const std::shared_ptr<WatchState>& state);
  void UnwatchAll(const std::shared_ptr<WatchState>& state, const std::vector<std::pair<int, std::string>>& keys);

  // ---- Blocked clients ----
  // Blocked clients wait on each key in arrival order. A change to the key
  // wakes only the first waiter; when it leaves (served, timed out, closed)
  // while woken, the next one is woken, so clients are served first-come
  // first-served. Call these with the key's shard locked.
  //
  // Registers conn as waiting on key, at the end of the queue.
  void AddWaiter(int db, const std::string& key, ConnRef conn);
  // Removes conn from key's queue (waking the next waiter if conn was woken).
  void RemoveWaiter(int db, const std::string& key, uint64_t conn_id);
  // A woken waiter found nothing and waits again, keeping its place.
  void RearmWaiter(int db, const std::string& key, uint64_t conn_id);
  size_t blocked_clients() const { return blocked_count_.load(std::memory_order_relaxed); }
  std::atomic<int64_t> blocked_sessions{0};

  // ---- Pub/Sub ----
  void Subscribe(const std::string& channel, ConnRef conn);
  void Unsubscribe(const std::string& channel, uint64_t conn_id);
  void PSubscribe(const std::string& pattern, ConnRef conn);
  void PUnsubscribe(const std::string& pattern, uint64_t conn_id);
  // Delivers to every subscriber; returns how many received it.
  int64_t Publish(std::string_view channel, std::string_view message);
  std::vector<std::string> Channels(std::string_view pattern);
  int64_t NumSub(std::string_view channel);
  int64_t NumPat();

  // ---- Clients ----
  void AddClient(const std::shared_ptr<ClientInfo>& c);
  void RemoveClient(uint64_t id);
  std::vector<std::shared_ptr<ClientInfo>> Clients();
  std::shared_ptr<ClientInfo> FindClient(uint64_t id);

  // Commands per second since the previous call (at most ~1 s apart).
  double InstantaneousOps();

  // KeyspaceObserver
  void OnKeyTouched(int db, std::string_view key) override;
  void OnDbTouched(int db) override;

  // INFO counters.
  std::atomic<uint64_t> total_commands{0};
  std::atomic<uint64_t> total_connections{0};
  std::atomic<uint64_t> keyspace_hits{0};
  std::atomic<uint64_t> keyspace_misses{0};
  std::atomic<uint64_t> total_net_input{0};
  std::atomic<uint64_t> total_net_output{0};
  metrics::Counter* commands_metric;
  metrics::Counter* errors_metric;
  metrics::Histogram* latency_metric;
  metrics::Gauge* connections_metric;
  metrics::Counter* connections_total_metric;

 private:
  using DbKey = std::pair<int, std::string>;

  engine::kv::Store& store_;
  RespConfig config_;
  int64_t start_ms_;
  std::string run_id_;
  engine::kv::StrMap<const CommandSpec*> table_;
  std::vector<const CommandSpec*> ordered_;
  std::unique_ptr<ScriptEngine> scripts_;
  acl::Acl acl_;
  absl::flat_hash_map<const CommandSpec*, int> acl_ids_;

  std::mutex watch_mu_;
  std::map<DbKey, std::vector<std::weak_ptr<WatchState>>, std::less<>> watched_;
  std::atomic<size_t> watched_count_{0};

  std::mutex block_mu_;
  struct Waiter {
    ConnRef conn;
    bool woken = false;  // a wake-up is on its way to it
  };
  std::map<DbKey, std::deque<Waiter>, std::less<>> waiters_;
  std::atomic<size_t> blocked_count_{0};

  std::mutex pubsub_mu_;
  std::map<std::string, std::set<ConnRef>, std::less<>> channels_;
  std::map<std::string, std::set<ConnRef>, std::less<>> patterns_;

  std::mutex ops_mu_;
  int64_t ops_sample_ms_ = 0;
  uint64_t ops_sample_count_ = 0;
  double ops_rate_ = 0;

  std::mutex clients_mu_;
  std::map<uint64_t, std::shared_ptr<ClientInfo>> clients_;
};

}  // namespace lumadb::protocol::resp

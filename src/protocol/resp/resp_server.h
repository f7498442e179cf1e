#pragma once

#include <atomic>
#include <deque>
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
#include "protocol/resp/command_meta.h"
#include "protocol/resp/command_stats.h"
#include "protocol/resp/config_table.h"
#include "protocol/resp/latency_monitor.h"
#include "protocol/resp/slowlog.h"
#include "protocol/resp/tracking.h"

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
  // CLIENT LIST flags beyond the ones above (kFlag* in session.h) and redir=.
  std::atomic<uint32_t> flags{0};
  std::atomic<int64_t> redir{-1};
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
  // notify-keyspace-events at start, as NotifyClass bits (protocol/resp/notify.h).
  int notify_keyspace_events = 0;
};

// A subcommand's statistics ("config|get").
struct SubcommandEntry {
  const CommandMeta* meta;
  CommandStats stats;
  bool denyoom = false;  // "denyoom" in its COMMAND INFO flags (FUNCTION LOAD, XGROUP CREATE, ...)
};

// One command of the table with what the admin commands know about it: what
// redis-server says of it (null if redis-server has no such command), its
// statistics and its subcommands' ones.
struct CommandEntry {
  const CommandSpec* spec;
  const CommandMeta* meta;
  CommandStats stats;
  std::deque<SubcommandEntry> subcommands;
  bool fast = false;          // "fast" in COMMAND INFO: LATENCY's fast-command event
  bool skip_slowlog = false;  // never logged (EXEC)

  // Case-insensitive; null if `sub` is not one of its subcommands.
  SubcommandEntry* FindSubcommand(std::string_view sub);
};

// The encoding thresholds (hash-max-listpack-entries, ...) OBJECT ENCODING
// and MEMORY USAGE follow, set by CONFIG SET.
struct EncodingLimits {
  std::atomic<int64_t> hash_max_listpack_entries{512};
  std::atomic<int64_t> hash_max_listpack_value{64};
  std::atomic<int64_t> zset_max_listpack_entries{128};
  std::atomic<int64_t> zset_max_listpack_value{64};
  std::atomic<int64_t> set_max_intset_entries{512};
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
  // Whether this call is one redis-server refuses when used memory is over
  // maxmemory (its getCommandFlags has CMD_DENYOOM): the command's or
  // subcommand's denyoom flag, or for EVAL*/FCALL* what the script's
  // shebang or the function's flags make of it. args[0] is the command.
  bool IsDenyOom(const CommandEntry* entry, const std::vector<std::string_view>& args) const;
  CommandEntry* FindEntry(std::string_view name) const;
  const std::vector<const CommandSpec*>& commands() const { return ordered_; }
  // Every command, in registration order.
  std::deque<CommandEntry>& entries() { return entries_; }

  // ---- Admin state: CONFIG values, SLOWLOG, LATENCY, INFO stats ----
  ConfigStore& redis_config() { return redis_config_; }
  SlowLog& slowlog() { return slowlog_; }
  LatencyMonitor& latency_monitor() { return latency_monitor_; }
  ErrorStats& error_stats() { return error_stats_; }
  EncodingLimits& encoding() { return encoding_; }
  std::atomic<bool> latency_tracking{true};
  // Records an error reply of any command (INFO errorstats, total_error_replies).
  void CountError(std::string_view reply_without_dash);
  // CONFIG RESETSTAT: zeroes what INFO stats/commandstats/errorstats/latencystats report.
  void ResetStats();

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
  // Wakes the clients blocked on key (they retry their command) without
  // counting as a change for WATCH: Redis's signalKeyAsReady alone, as
  // XGROUP DESTROY does it. Call with the key's shard locked.
  void WakeWaiters(int db, std::string_view key);
  size_t blocked_clients() const { return blocked_count_.load(std::memory_order_relaxed); }
  std::atomic<int64_t> blocked_sessions{0};

  // ---- Pub/Sub ----
  void Subscribe(const std::string& channel, ConnRef conn);
  void Unsubscribe(const std::string& channel, uint64_t conn_id);
  void PSubscribe(const std::string& pattern, ConnRef conn);
  void PUnsubscribe(const std::string& pattern, uint64_t conn_id);
  // Delivers to every subscriber (posted to each subscriber's worker, so
  // each subscriber gets messages in publish order); returns how many
  // subscriptions matched. Never blocks on a subscriber.
  int64_t Publish(std::string_view channel, std::string_view message);
  std::vector<std::string> Channels(std::string_view pattern);

  // ---- Keyspace notifications (protocol/resp/notify.h) ----
  // The enabled NotifyClass bits; 0 = off.
  int notify_flags() const { return notify_flags_.load(std::memory_order_relaxed); }
  void set_notify_flags(int flags) { notify_flags_.store(flags, std::memory_order_relaxed); }
  // Publishes event for key in db on the keyspace and/or keyevent channel,
  // as the K and E flags say. Callers check the event's class first
  // (NotifyKeyspaceEvent). Never blocks: deliveries to other workers are
  // posted, so it may run with shard locks held.
  void PublishKeyspaceEvent(std::string_view event, std::string_view key, int db);
  int64_t NumSub(std::string_view channel);
  int64_t NumPat();

  // ---- MONITOR ----
  void AddMonitor(ConnRef conn);
  void RemoveMonitor(uint64_t conn_id);
  bool has_monitors() const { return monitor_count_.load(std::memory_order_relaxed) != 0; }
  // Sends one executed command to every monitor, as redis-server words it:
  // +<unix time.micros> [<db> <client addr|lua>] "arg" "arg"...
  void FeedMonitors(int db, std::string_view source, const std::vector<std::string_view>& args);

  // ---- CLIENT PAUSE ----
  enum class PauseMode { kNone, kWrite, kAll };
  // Pauses clients until deadline_ms (MonoMs); a stronger or longer pause
  // extends the current one. Returns the pause's generation.
  uint64_t Pause(int64_t deadline_ms, PauseMode mode);
  // Ends the pause (CLIENT UNPAUSE, or its deadline for that generation).
  void Unpause(uint64_t generation = 0);
  // Whether a command must wait; pass is_write for write-like commands.
  bool PausedFor(bool is_write);
  // conn waits for the pause to end.
  void AddPausedClient(ConnRef conn);
  size_t paused_clients();

  // ---- CLIENT TRACKING ----
  TrackingTable& tracking() { return tracking_; }

  // ---- Clients ----
  void AddClient(const std::shared_ptr<ClientInfo>& c);
  void RemoveClient(uint64_t id);
  std::vector<std::shared_ptr<ClientInfo>> Clients();
  std::shared_ptr<ClientInfo> FindClient(uint64_t id);

  // Commands per second and network KB/s, sampled at most once a second.
  struct Rates {
    double ops_per_sec = 0, input_kbps = 0, output_kbps = 0;
  };
  Rates InstantaneousRates();
  double InstantaneousOps() { return InstantaneousRates().ops_per_sec; }

  // Memory figures for INFO and MEMORY: the peak of what INFO/MEMORY have
  // seen allocated, and what was allocated when this server started.
  void NoteUsedMemory(uint64_t used);
  std::atomic<uint64_t>& peak_used_memory() { return peak_used_memory_; }
  uint64_t startup_used_memory() const { return startup_used_memory_; }
  // INFO replication's master_replid.
  const std::string& repl_id() const { return repl_id_; }

  // KeyspaceObserver
  void OnKeyTouched(int db, std::string_view key) override;
  void OnDbTouched(int db) override;
  void OnKeyAdded(int db, std::string_view key) override;     // "new"
  void OnKeyExpired(int db, std::string_view key) override;   // "expired"
  void OnKeyEvicted(int db, std::string_view key) override;   // "evicted"

  // INFO counters.
  std::atomic<uint64_t> total_commands{0};
  std::atomic<uint64_t> total_connections{0};
  std::atomic<uint64_t> keyspace_hits{0};
  std::atomic<uint64_t> keyspace_misses{0};
  std::atomic<uint64_t> total_net_input{0};
  std::atomic<uint64_t> total_net_output{0};
  std::atomic<uint64_t> total_error_replies{0};
  std::atomic<uint64_t> total_reads{0};  // read events handled (INFO total_reads_processed)
  std::atomic<uint64_t> rejected_connections_base{0};  // INFO subtracts these after CONFIG RESETSTAT
  std::atomic<uint64_t> expired_keys_base{0};
  std::atomic<uint64_t> evicted_keys_base{0};
  metrics::Counter* commands_metric;
  metrics::Counter* errors_metric;
  metrics::Histogram* latency_metric;
  metrics::Gauge* connections_metric;
  metrics::Counter* connections_total_metric;

 private:
  using DbKey = std::pair<int, std::string>;
  void InitRedisConfig();

  engine::kv::Store& store_;
  RespConfig config_;
  int64_t start_ms_;
  std::string run_id_;
  engine::kv::StrMap<CommandEntry*> table_;
  std::vector<const CommandSpec*> ordered_;
  std::deque<CommandEntry> entries_;
  ConfigStore redis_config_;
  SlowLog slowlog_;
  LatencyMonitor latency_monitor_;
  ErrorStats error_stats_;
  EncodingLimits encoding_;
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
  std::atomic<size_t> subscriptions_{0};  // entries in channels_ and patterns_
  std::atomic<int> notify_flags_{0};

  std::mutex ops_mu_;
  int64_t ops_sample_ms_ = 0;
  uint64_t ops_sample_count_ = 0, ops_sample_in_ = 0, ops_sample_out_ = 0;
  Rates rates_;
  std::atomic<uint64_t> peak_used_memory_{0};
  uint64_t startup_used_memory_ = 0;
  std::string repl_id_;

  std::mutex clients_mu_;
  std::map<uint64_t, std::shared_ptr<ClientInfo>> clients_;

  std::mutex monitor_mu_;
  std::vector<ConnRef> monitors_;
  std::atomic<size_t> monitor_count_{0};

  std::mutex pause_mu_;
  PauseMode pause_mode_ = PauseMode::kNone;
  int64_t pause_deadline_ms_ = 0;
  uint64_t pause_generation_ = 0;
  std::atomic<bool> paused_{false};
  std::vector<ConnRef> paused_clients_;

  TrackingTable tracking_;
};

}  // namespace lumadb::protocol::resp

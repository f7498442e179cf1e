#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "net/worker.h"
#include "protocol/resp/codec.h"
#include "protocol/resp/command.h"
#include "protocol/resp/resp_server.h"

namespace lumadb::protocol::resp {

// ClientInfo::flags bits: the CLIENT LIST flags a session sets.
enum ClientFlag : uint32_t {
  kClientMonitor = 1 << 0,       // O
  kClientTracking = 1 << 1,      // t
  kClientBrokenRedir = 1 << 2,   // R
  kClientBcast = 1 << 3,         // B
  kClientNoEvict = 1 << 4,       // e
  kClientNoTouch = 1 << 5,       // T
};

// CLIENT TRACKING's options.
struct TrackingOptions {
  bool on = false;
  uint64_t redirect = 0;
  bool bcast = false, optin = false, optout = false, noloop = false;
  std::vector<std::string> prefixes;
};

// One Redis client connection: parses pipelined requests, runs them, and keeps
// the per-connection state (db, auth, MULTI queue, WATCH, subscriptions,
// blocking).
class RespSession final : public net::Session {
 public:
  RespSession(RespServer& server, net::Connection& conn);
  ~RespSession() override;

  void OnData(net::Connection& conn) override;
  void OnClose(net::Connection& conn) override;

  // Called on this session's worker thread.
  void OnKeyReady();
  void DeliverMessage(bool is_pattern, const std::string& pattern, const std::string& channel,
                      const std::string& message);

  // ---- state used by command handlers ----
  RespServer& server() { return server_; }
  net::Connection& conn() { return conn_; }
  ClientInfo& info() { return *info_; }
  int db() const { return db_; }
  void set_db(int db);
  int proto() const { return writer_.proto(); }
  void set_proto(int p);
  bool authenticated() const { return authenticated_; }
  // The ACL user this connection runs as (the default user until AUTH).
  acl::User& user() { return *user_; }
  const std::shared_ptr<acl::User>& user_ptr() const { return user_; }
  // AUTH / HELLO AUTH succeeded as `user`.
  void Authenticate(std::shared_ptr<acl::User> user);
  // After the user's channel permissions shrank: closes the connection if
  // one of its subscriptions is no longer allowed.
  void RecheckSubscriptions();

  // MULTI/EXEC
  bool in_multi() const { return in_multi_; }
  void BeginMulti();
  void DiscardMulti();
  void Exec(Writer& w);
  void WatchKey(int db, std::string_view key);
  void UnwatchAll();
  bool in_exec() const { return in_exec_; }

  // The shard locks a script runs under: every shard. Scripts that arrive
  // together in one read keep them from one to the next (up to
  // kMaxKeptScripts), see Store::LockAllKept; the session lets go before any
  // other command and when the read is done.
  engine::kv::Store::Lock LockForScript();
  static constexpr int kMaxKeptScripts = 16;

  // Pub/Sub; each returns the session's subscription count after the change.
  size_t SubscriptionCount() const { return channels_.size() + patterns_.size(); }
  void Subscribe(Writer& w, const std::vector<std::string_view>& channels, bool pattern);
  void Unsubscribe(Writer& w, const std::vector<std::string_view>& channels, bool pattern);

  // INFO commandstats/latencystats, LATENCY and SLOWLOG for a completed
  // command of this client (also those its scripts run).
  void RecordStats(CommandEntry* entry, const std::vector<std::string_view>& args, int64_t us, bool error,
                   bool histogram = true);

  // RESET: back to a fresh connection's state.
  void Reset();

  // CLIENT REPLY ON|OFF|SKIP.
  enum class ReplyMode { kOn, kOff, kSkip };
  void SetReplyMode(ReplyMode m);
  // MONITOR: from now on every command run by anyone is streamed here.
  void StartMonitor();
  // Appends raw protocol bytes (monitor lines) unless replies are off.
  void DeliverRaw(const std::string& bytes);
  // CLIENT PAUSE ended: run the command that waited.
  void OnUnpaused();
  // CLIENT TRACKING: "" or the error reply text.
  std::string SetTracking(const TrackingOptions& opts);
  const TrackingOptions& tracking() const { return tracking_; }
  bool redirect_broken() const { return redirect_broken_; }
  // CLIENT CACHING yes|no: "" or the error reply text.
  std::string SetCaching(bool yes);
  bool caching_yes() const { return caching_ == 1; }
  bool caching_no() const { return caching_ == -1; }
  // An invalidation for this tracking client (keys == null: all keys).
  void DeliverInvalidation(const std::vector<std::string>* keys, uint64_t modifier);
  // This client is another one's REDIRECT target: receive its invalidation.
  void DeliverRedirectedInvalidation(const std::vector<std::string>* keys);
  // CLIENT UNBLOCK: true if the client was blocked; it gets the timeout
  // reply, or with error the UNBLOCKED error.
  bool UnblockByClient(bool error);
  void SetDeadline(int64_t deadline_ms) { block_deadline_ms_ = deadline_ms; }
  // True while a blocked command is being retried because one of its keys
  // changed.
  bool retrying_blocked() const { return retrying_; }
  // Whether used memory was over maxmemory (and nothing could be evicted)
  // when this client's current EVAL*, FCALL* or EXEC began: its scripts then
  // refuse commands that may grow memory (Redis's script_oom).
  bool script_oom() const { return script_oom_; }
  // Default-mode client tracking: remembers the keys (args[i] for i in
  // key_idx) that a read command run by or for this client looked at. A
  // script's redis.call reads count for the client that ran the script, as
  // in Redis.
  bool tracks_reads() const { return tracking_.on && !tracking_.bcast; }
  void TrackReads(const CommandSpec* spec, const std::vector<std::string_view>& args,
                  const std::vector<size_t>& key_idx);

 private:
  void Execute(const std::vector<std::string_view>& args);
  // After a command: key tracking, CLIENT REPLY suppression.
  void AfterCommand(const CommandSpec* spec, const std::vector<std::string_view>& args, size_t out_before);
  void FeedMonitor(const CommandSpec* spec, const std::vector<std::string_view>& args, int db);
  bool FedToMonitors(const CommandSpec* spec, const std::vector<std::string_view>& args) const;
  // Whether CLIENT PAUSE WRITE holds the command (writes and may-replicate commands).
  bool MayWrite(const CommandSpec* spec, const std::vector<std::string_view>& args) const;
  // Runs one command with its keys locked and records its statistics.
  void Call(CommandEntry* entry, const std::vector<std::string_view>& args, bool no_block);
  // The maxmemory step before a command runs: evicts if used memory is over
  // maxmemory and refuses (false, after replying OOM) a command that may
  // grow memory when nothing could be freed.
  bool CheckMemory(CommandEntry* entry, SubcommandEntry* sub, const std::vector<std::string_view>& args);
  // Replies with an error for a command refused before it ran.
  void Reject(CommandEntry* entry, SubcommandEntry* sub, std::string_view err);
  void ReleaseKeptLocks();
  static void RedactedArgs(std::string_view cmd, const std::vector<std::string_view>& args, std::vector<size_t>* out);
  void Block(CommandContext& ctx);
  void Unblock();
  void OnBlockTimeout();
  void CollectKeys(const CommandSpec* spec, const std::vector<std::string_view>& args, std::vector<size_t>* out);
  // The ACL check for a user who is not unrestricted. Returns the refusal
  // (already logged) and sets *pos to the offending argument.
  acl::Denial CheckAcl(const CommandSpec* spec, const std::vector<std::string_view>& args, acl::LogContext context,
                       size_t* pos);

  RespServer& server_;
  net::Connection& conn_;
  std::shared_ptr<ClientInfo> info_;
  Writer writer_;
  std::vector<std::string_view> args_;
  std::vector<std::string> inline_storage_;
  std::vector<size_t> key_idx_;
  int db_ = 0;
  bool authenticated_ = false;
  std::shared_ptr<acl::User> user_;
  bool closed_ = false;

  bool in_multi_ = false;
  bool in_exec_ = false;
  bool reading_ = false;  // OnData is running this session's requests
  int kept_scripts_ = 0;  // scripts run under the kept shard locks
  bool multi_error_ = false;
  bool multi_denyoom_ = false;  // a queued command is denyoom
  std::vector<std::vector<std::string>> queued_;
  std::shared_ptr<WatchState> watch_;
  std::vector<std::pair<int, std::string>> watched_keys_;

  std::set<std::string> channels_;
  std::set<std::string> patterns_;

  // A blocked command waiting for its keys.
  ReplyMode reply_mode_ = ReplyMode::kOn;
  int skip_replies_ = 0;  // replies still to drop after CLIENT REPLY SKIP
  bool monitor_ = false;
  bool postponed_ = false;  // waiting for CLIENT PAUSE to end
  std::vector<std::string> postponed_args_;
  TrackingOptions tracking_;
  bool redirect_broken_ = false;
  int caching_ = 0;        // CLIENT CACHING: 1 yes, -1 no, for the next command
  bool caching_set_ = false;  // set by the command that just ran
  bool script_oom_ = false;

  bool blocked_ = false;
  bool retrying_ = false;  // OnKeyReady is re-running the blocked command
  std::vector<std::string> blocked_args_;
  std::vector<std::string> blocked_keys_;
  int blocked_db_ = 0;
  uint64_t block_timer_ = 0;
  int64_t block_deadline_ms_ = 0;
};

}  // namespace lumadb::protocol::resp

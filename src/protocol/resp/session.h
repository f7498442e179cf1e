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

  // Pub/Sub; each returns the session's subscription count after the change.
  size_t SubscriptionCount() const { return channels_.size() + patterns_.size(); }
  void Subscribe(Writer& w, const std::vector<std::string_view>& channels, bool pattern);
  void Unsubscribe(Writer& w, const std::vector<std::string_view>& channels, bool pattern);

  // RESET: back to a fresh connection's state.
  void Reset();
  void SetDeadline(int64_t deadline_ms) { block_deadline_ms_ = deadline_ms; }

 private:
  void Execute(const std::vector<std::string_view>& args);
  // Runs one command with its keys locked. Returns false on error replies.
  void Call(const CommandSpec* spec, const std::vector<std::string_view>& args, bool no_block);
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
  bool multi_error_ = false;
  std::vector<std::vector<std::string>> queued_;
  std::shared_ptr<WatchState> watch_;
  std::vector<std::pair<int, std::string>> watched_keys_;

  std::set<std::string> channels_;
  std::set<std::string> patterns_;

  // A blocked command waiting for its keys.
  bool blocked_ = false;
  bool retrying_ = false;  // OnKeyReady is re-running the blocked command
  std::vector<std::string> blocked_args_;
  std::vector<std::string> blocked_keys_;
  int blocked_db_ = 0;
  uint64_t block_timer_ = 0;
  int64_t block_deadline_ms_ = 0;
};

}  // namespace lumadb::protocol::resp

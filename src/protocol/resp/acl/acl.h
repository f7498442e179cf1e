#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp/acl/check.h"
#include "protocol/resp/acl/rules.h"

namespace lumadb::protocol::resp::acl {

// One ACL user. Sessions hold it by shared_ptr; its rules are read and
// changed only under the owning Acl's lock.
class User {
 public:
  explicit User(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }
  // True when the user may run anything: the hot path checks only this.
  // False once the user was deleted, so a deleted user's session takes the
  // slow path and finds out.
  bool unrestricted() const { return unrestricted_.load(std::memory_order_relaxed); }
  bool removed() const { return removed_.load(std::memory_order_relaxed); }

 private:
  friend class Acl;
  const std::string name_;
  UserRules rules_;
  std::atomic<bool> unrestricted_{false};
  std::atomic<bool> removed_{false};
};

// Where a denied command ran, as ACL LOG's "context" says.
enum class LogContext { kToplevel, kMulti, kLua };

// One ACL LOG entry (the 7.0 fields).
struct LogEntry {
  uint64_t count = 1;
  Denial reason;
  LogContext context;
  std::string object;    // the command, key, channel, or for auth the command name
  std::string username;
  int64_t ctime_ms = 0;  // last occurrence
  std::string client_info;
};

// The users of the Redis adapter, the ACL log and the ACL file: everything
// ACL, AUTH and the permission checks share. Thread-safe.
class Acl {
 public:
  Acl();

  // acl-pubsub-default: whether new users get allchannels.
  void set_pubsub_default_all(bool all) { pubsub_all_.store(all); }
  bool pubsub_default_all() const { return pubsub_all_.load(); }
  void set_log_max_len(size_t n);
  size_t log_max_len() const { return log_max_len_.load(); }

  std::shared_ptr<User> default_user() const { return default_user_; }
  // True when connections need no AUTH: the default user is on and nopass.
  bool default_open() const { return default_open_.load(std::memory_order_relaxed); }
  // Whether the default user has nopass (on or off).
  bool DefaultNoPass() const;
  // requirepass: the default user gets exactly this password, or nopass when empty.
  void SetRequirePass(std::string_view pass);

  // AUTH: the user when it exists, is on and accepts the password; else null.
  std::shared_ptr<User> Authenticate(std::string_view name, std::string_view password);
  std::shared_ptr<User> Find(std::string_view name) const;

  // ACL SETUSER: applies every rule to a copy and keeps it only if all are
  // valid (the user is created when new). Returns "" or the error reply
  // text. *channels_reduced is set when the user's channel permissions may
  // no longer cover what its clients subscribed to.
  std::string SetUser(std::string_view name, std::span<const std::string> rules, bool* channels_reduced);
  // ACL DELUSER: removes the users (not "default") and returns them.
  std::vector<std::shared_ptr<User>> DelUsers(std::span<const std::string_view> names);
  // ACL LIST lines ("user NAME ...") and ACL USERS names, by name.
  std::vector<std::string> List() const;
  std::vector<std::string> Names() const;
  // A copy of the user's rules; false when there is no such user.
  bool GetRules(std::string_view name, UserRules* out) const;

  // The permission check of one command (see acl::Check).
  Denial Check(const User& user, int id, std::span<const std::string_view> args, const KeyPositions& fallback,
               size_t* pos) const;
  // Whether the user may still hold a subscription to `channel` (a pattern
  // subscription when `pattern`).
  bool ChannelAllowed(const User& user, std::string_view channel, bool pattern) const;

  // ---- ACL file ----
  // Replaces every user with the file's (the default user keeps its
  // identity). On any error changes nothing and returns the error text
  // (redis-server's wording, naming the file by `path`). On success
  // *dropped gets the users that were replaced.
  std::string LoadFile(const std::string& path, std::vector<std::shared_ptr<User>>* dropped);
  bool SaveFile(const std::string& path, std::string* error) const;

  // ---- ACL LOG ----
  void AddLog(LogEntry entry);
  std::vector<LogEntry> Log(size_t count) const;
  void ResetLog();

 private:
  void Refresh(User& u);  // refreshes u's atomics after its rules changed; mu_ held

  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<User>, std::less<>> users_;
  std::shared_ptr<User> default_user_;
  std::atomic<bool> default_open_{true};
  std::atomic<bool> pubsub_all_{false};

  mutable std::mutex log_mu_;
  std::deque<LogEntry> log_;
  std::atomic<size_t> log_max_len_{128};
};

}  // namespace lumadb::protocol::resp::acl

#include "protocol/resp/acl/acl.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/clock.h"
#include "common/strutil.h"

namespace lumadb::protocol::resp::acl {

Acl::Acl() : default_user_(std::make_shared<User>("default")) {
  default_user_->rules_ = DefaultUser();
  users_.emplace("default", default_user_);
  Refresh(*default_user_);
}

void Acl::Refresh(User& u) {
  u.unrestricted_.store(!u.removed_.load() && Unrestricted(u.rules_), std::memory_order_relaxed);
  if (&u == default_user_.get()) {
    default_open_.store((u.rules_.flags & kUserNoPass) && !(u.rules_.flags & kUserDisabled),
                        std::memory_order_relaxed);
  }
}

void Acl::set_log_max_len(size_t n) {
  log_max_len_.store(n);
  std::lock_guard<std::mutex> g(log_mu_);
  while (log_.size() > n) log_.pop_back();
}

bool Acl::DefaultNoPass() const {
  std::shared_lock lock(mu_);
  return default_user_->rules_.flags & kUserNoPass;
}

void Acl::SetRequirePass(std::string_view pass) {
  std::unique_lock lock(mu_);
  UserRules& r = default_user_->rules_;
  ApplyRule(&r, "resetpass", false);
  if (pass.empty()) ApplyRule(&r, "nopass", false);
  else ApplyRule(&r, ">" + std::string(pass), false);
  Refresh(*default_user_);
}

std::shared_ptr<User> Acl::Authenticate(std::string_view name, std::string_view password) {
  std::shared_lock lock(mu_);
  auto it = users_.find(name);
  if (it == users_.end()) return nullptr;
  const UserRules& r = it->second->rules_;
  if (r.flags & kUserDisabled) return nullptr;
  if (!PasswordMatches(r, password)) return nullptr;
  return it->second;
}

std::shared_ptr<User> Acl::Find(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : it->second;
}

namespace {

bool HasSpaces(std::string_view s) {
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == 0) return true;
  }
  return false;
}

// Whether clients subscribed under `before` may lose a channel under `after`
// (redis-server's shortcut: not when a selector allows all channels, nor when
// every old pattern is still listed).
bool ChannelsReduced(const UserRules& before, const UserRules& after) {
  std::vector<std::string_view> upcoming;
  for (const Selector& s : after.selectors) {
    if (s.flags & Selector::kAllChannels) return false;
    for (const auto& c : s.channels) upcoming.push_back(c);
  }
  for (const Selector& s : before.selectors) {
    if (s.flags & Selector::kAllChannels) return true;
    for (const auto& c : s.channels) {
      if (std::find(upcoming.begin(), upcoming.end(), c) == upcoming.end()) return true;
    }
  }
  return false;
}

}  // namespace

std::string Acl::SetUser(std::string_view name, std::span<const std::string> rules, bool* channels_reduced) {
  *channels_reduced = false;
  if (HasSpaces(name)) return "ERR Usernames can't contain spaces or null characters";
  std::vector<std::string> ops;
  size_t bad = 0;
  if (!MergeSelectorArgs(rules, &ops, &bad)) {
    return "ERR Unmatched parenthesis in acl selector starting at '" + rules[bad] + "'.";
  }
  bool all = pubsub_all_.load();
  std::unique_lock lock(mu_);
  auto it = users_.find(name);
  UserRules temp = it != users_.end() ? it->second->rules_ : NewUser(all);
  for (const auto& op : ops) {
    RuleError e = ApplyRule(&temp, op, all);
    if (e != RuleError::kOk) {
      return "ERR Error in ACL SETUSER modifier '" + op + "': " + RuleErrorText(e);
    }
  }
  if (it == users_.end()) {
    it = users_.emplace(std::string(name), std::make_shared<User>(std::string(name))).first;
  } else {
    *channels_reduced = ChannelsReduced(it->second->rules_, temp);
  }
  it->second->rules_ = std::move(temp);
  Refresh(*it->second);
  return "";
}

std::vector<std::shared_ptr<User>> Acl::DelUsers(std::span<const std::string_view> names) {
  std::vector<std::shared_ptr<User>> removed;
  std::unique_lock lock(mu_);
  for (std::string_view n : names) {
    auto it = users_.find(n);
    if (it == users_.end() || it->second == default_user_) continue;
    it->second->removed_.store(true);
    Refresh(*it->second);
    removed.push_back(it->second);
    users_.erase(it);
  }
  return removed;
}

std::vector<std::string> Acl::List() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, u] : users_) out.push_back("user " + name + " " + DescribeUser(u->rules_));
  return out;
}

std::vector<std::string> Acl::Names() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, u] : users_) out.push_back(name);
  return out;
}

bool Acl::GetRules(std::string_view name, UserRules* out) const {
  std::shared_lock lock(mu_);
  auto it = users_.find(name);
  if (it == users_.end()) return false;
  *out = it->second->rules_;
  return true;
}

Denial Acl::Check(const User& user, int id, std::span<const std::string_view> args, const KeyPositions& fallback,
                  size_t* pos) const {
  std::shared_lock lock(mu_);
  return acl::Check(user.rules_, id, args, fallback, pos);
}

bool Acl::ChannelAllowed(const User& user, std::string_view channel, bool pattern) const {
  std::shared_lock lock(mu_);
  for (const Selector& s : user.rules_.selectors) {
    if (s.flags & Selector::kAllChannels) return true;
    for (const auto& c : s.channels) {
      if (pattern ? c == channel : GlobMatch(c, channel)) return true;
    }
  }
  return false;
}

// ---- ACL file ----

std::string Acl::LoadFile(const std::string& path, std::vector<std::shared_ptr<User>>* dropped) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return "Error loading ACLs, opening file '" + path + "': " + std::strerror(errno);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string content = ss.str();
  bool all = pubsub_all_.load();
  std::map<std::string, UserRules, std::less<>> loaded;
  std::string errors;
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (true) {
    size_t nl = content.find('\n', start);
    lines.push_back(std::string_view(content).substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  auto trim = [](std::string_view s, std::string_view chars) {
    size_t b = s.find_first_not_of(chars);
    if (b == std::string_view::npos) return std::string_view();
    size_t e = s.find_last_not_of(chars);
    return s.substr(b, e - b + 1);
  };
  for (size_t i = 0; i < lines.size(); i++) {
    size_t linenum = i + 1;
    std::string_view line = trim(lines[i], " \t\r\n");
    if (line.empty()) continue;
    std::vector<std::string> argv;
    size_t p = 0;
    while (true) {
      size_t sp = line.find(' ', p);
      argv.emplace_back(line.substr(p, sp == std::string_view::npos ? std::string_view::npos : sp - p));
      if (sp == std::string_view::npos) break;
      p = sp + 1;
    }
    std::string where = path + ":" + std::to_string(linenum);
    if (argv[0] != "user" || argv.size() < 2) {
      errors += where + " should start with user keyword followed by the username. ";
      continue;
    }
    if (HasSpaces(argv[1])) {
      errors += "'" + where + ": username '" + argv[1] + "' contains invalid characters. ";
      continue;
    }
    if (loaded.contains(argv[1])) {
      errors += "WARNING: Duplicate user '" + argv[1] + "' found on line " + std::to_string(linenum) + ". ";
      continue;
    }
    UserRules& u = loaded.emplace(argv[1], NewUser(all)).first->second;
    std::vector<std::string> ops;
    size_t bad;
    if (!MergeSelectorArgs(std::span<const std::string>(argv).subspan(2), &ops, &bad)) {
      errors += where + ": Unmatched parenthesis in selector definition.";
      ops.clear();
    }
    for (const auto& op : ops) {
      std::string_view one = trim(op, "\t\r\n");
      RuleError e = ApplyRule(&u, one, all);
      if (e == RuleError::kUnknown) {
        // Only unknown names are quoted: other rules may hold passwords.
        errors += where + ": Error in applying operation '" + std::string(one) + "': " + RuleErrorText(e) + ". ";
      } else if (e != RuleError::kOk) {
        errors += where + ": " + RuleErrorText(e) + ". ";
      }
    }
  }
  if (!errors.empty()) {
    return errors + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";
  }
  std::unique_lock lock(mu_);
  for (auto& [name, u] : users_) {
    if (u == default_user_) continue;
    u->removed_.store(true);
    Refresh(*u);
    dropped->push_back(u);
  }
  users_.clear();
  auto def = loaded.find("default");
  default_user_->rules_ = def != loaded.end() ? std::move(def->second) : DefaultUser();
  if (def != loaded.end()) loaded.erase(def);
  users_.emplace("default", default_user_);
  Refresh(*default_user_);
  for (auto& [name, rules] : loaded) {
    auto u = std::make_shared<User>(name);
    u->rules_ = std::move(rules);
    Refresh(*u);
    users_.emplace(name, std::move(u));
  }
  return "";
}

bool Acl::SaveFile(const std::string& path, std::string* error) const {
  std::string content;
  for (const auto& line : List()) content += line + "\n";
  std::string tmp = path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(NowMs());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    *error = std::string("Opening temp ACL file for ACL SAVE: ") + std::strerror(errno);
    return false;
  }
  bool ok = write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  if (!ok) *error = std::string("Writing ACL file for ACL SAVE: ") + std::strerror(errno);
  if (ok && fsync(fd) != 0) {
    *error = std::string("Writing ACL file for ACL SAVE: ") + std::strerror(errno);
    ok = false;
  }
  close(fd);
  if (ok && rename(tmp.c_str(), path.c_str()) != 0) {
    *error = std::string("Renaming ACL file for ACL SAVE: ") + std::strerror(errno);
    ok = false;
  }
  if (!ok) unlink(tmp.c_str());
  return ok;
}

// ---- ACL LOG ----

void Acl::AddLog(LogEntry e) {
  constexpr int64_t kGroupingMs = 60000;
  std::lock_guard<std::mutex> g(log_mu_);
  // Like redis-server, only the 10 newest entries are searched for one to bump.
  size_t scan = std::min<size_t>(10, log_.size());
  for (size_t i = 0; i < scan; i++) {
    LogEntry& old = log_[i];
    if (old.reason == e.reason && old.context == e.context && std::abs(old.ctime_ms - e.ctime_ms) <= kGroupingMs &&
        old.object == e.object && old.username == e.username) {
      LogEntry bumped = std::move(old);
      log_.erase(log_.begin() + static_cast<std::ptrdiff_t>(i));
      bumped.count++;
      bumped.ctime_ms = e.ctime_ms;
      bumped.client_info = std::move(e.client_info);
      log_.push_front(std::move(bumped));
      return;
    }
  }
  log_.push_front(std::move(e));
  while (log_.size() > log_max_len_.load()) log_.pop_back();
}

std::vector<LogEntry> Acl::Log(size_t count) const {
  std::lock_guard<std::mutex> g(log_mu_);
  count = std::min(count, log_.size());
  return std::vector<LogEntry>(log_.begin(), log_.begin() + static_cast<std::ptrdiff_t>(count));
}

void Acl::ResetLog() {
  std::lock_guard<std::mutex> g(log_mu_);
  log_.clear();
}

}  // namespace lumadb::protocol::resp::acl

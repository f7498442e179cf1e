#include "protocol/resp/acl/rules.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <climits>

#include "common/strutil.h"
#include "protocol/resp/codec.h"

namespace lumadb::protocol::resp::acl {

// ---- CommandIndex ----

const CommandIndex& CommandIndex::Get() {
  static const CommandIndex index;
  return index;
}

CommandIndex::CommandIndex() : defs_(CommandDefs()) {
  int n = static_cast<int>(defs_.size());
  parent_.assign(n, -1);
  child_count_.assign(n, 0);
  by_category_.resize(kCategoryCount);
  channel_kind_.assign(n, ChannelKind::kNone);
  int container = -1;
  for (int id = 0; id < n; id++) {
    std::string_view name = defs_[id].name;
    size_t bar = name.find('|');
    if (bar == std::string_view::npos) {
      container = id;
    } else {
      parent_[id] = container;
      child_count_[container]++;
    }
    by_name_.emplace(std::string(name), id);
    for (int c = 0; c < kCategoryCount; c++) {
      if (defs_[id].categories & (1u << c)) by_category_[c].push_back(id);
    }
    if (name == "publish" || name == "spublish") channel_kind_[id] = ChannelKind::kPublish;
    if (name == "subscribe" || name == "ssubscribe") channel_kind_[id] = ChannelKind::kSubscribe;
    if (name == "psubscribe") channel_kind_[id] = ChannelKind::kPatternSubscribe;
  }
}

int CommandIndex::Find(std::string_view fullname) const {
  auto it = by_name_.find(ToLower(fullname));
  return it == by_name_.end() ? -1 : it->second;
}

int CommandIndex::Lookup(std::span<const std::string_view> args) const {
  if (args.empty()) return -1;
  auto it = by_name_.find(ToLower(args[0]));
  if (it == by_name_.end() || it->first.find('|') != std::string::npos) return -1;
  int id = it->second;
  if (child_count_[id] == 0 || args.size() < 2) return id;
  auto sub = by_name_.find(it->first + "|" + ToLower(args[1]));
  return sub == by_name_.end() ? -1 : sub->second;
}

std::span<const KeySpec> CommandIndex::key_specs(int id) const {
  const CommandDef& d = defs_[id];
  return KeySpecs().subspan(d.first_spec, d.spec_count);
}

// ---- Errors ----

const char* RuleErrorText(RuleError e) {
  switch (e) {
    case RuleError::kOk:
      return "";
    case RuleError::kSyntax:
      return "Syntax error";
    case RuleError::kUnknown:
      return "Unknown command or category name in ACL";
    case RuleError::kKeyAfterAll:
      return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any "
             "effect. Try 'resetkeys' to start with an empty list of patterns";
    case RuleError::kChannelAfterAll:
      return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any "
             "effect. Try 'resetchannels' to start with an empty list of channels";
    case RuleError::kNoSuchPassword:
      return "The password you are trying to remove from the user does not exist";
    case RuleError::kBadHash:
      return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
    case RuleError::kSubcommandFirstArg:
      return "Allowing first-arg of a subcommand is not supported";
  }
  return "Wrong format";
}

// ---- Selector rules ----

namespace {

bool HasSpaces(std::string_view s) {
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == 0) return true;
  }
  return false;
}

void SetBit(Selector* s, int id, bool allow) {
  s->allowed.set(id, allow);
  if (!allow) s->flags &= ~Selector::kAllCommands;
}

// Allowing or denying a container does the same to all its subcommands.
void ChangePerm(Selector* s, int id, bool allow) {
  const CommandIndex& idx = CommandIndex::Get();
  SetBit(s, id, allow);
  s->firstargs.erase(id);
  for (int c = 0; c < idx.child_count(id); c++) SetBit(s, idx.first_child(id) + c, allow);
}

int CategoryBit(std::string_view name) {
  for (int c = 0; c < kCategoryCount; c++) {
    if (EqualsIgnoreCase(name, kCategoryNames[c])) return c;
  }
  return -1;
}

void ApplyCategory(Selector* s, int cat, bool allow) {
  const CommandIndex& idx = CommandIndex::Get();
  for (int id : idx.in_category(cat)) ChangePerm(s, id, allow);
}

void SetAll(Selector* s, bool allow) {
  const CommandIndex& idx = CommandIndex::Get();
  s->allowed.reset();
  if (allow) {
    for (int id = 0; id < idx.size(); id++) s->allowed.set(id);
    s->flags |= Selector::kAllCommands;
  } else {
    s->flags &= ~Selector::kAllCommands;
  }
  s->future = allow;
  s->firstargs.clear();
}

RuleError AddKeyPattern(Selector* s, std::string_view op) {
  if (s->flags & Selector::kAllKeys) return RuleError::kKeyAfterAll;
  uint32_t perms = 0;
  size_t offset = 1;
  if (op[0] == '%') {
    for (; offset < op.size(); offset++) {
      char c = static_cast<char>(std::toupper(static_cast<unsigned char>(op[offset])));
      if (c == 'R' && !(perms & kPermRead)) {
        perms |= kPermRead;
      } else if (c == 'W' && !(perms & kPermWrite)) {
        perms |= kPermWrite;
      } else if (op[offset] == '~') {
        offset++;
        break;
      } else {
        return RuleError::kSyntax;
      }
    }
    if (perms == 0) return RuleError::kSyntax;
  } else {
    perms = kPermAll;
  }
  std::string_view pattern = op.substr(offset);
  if (HasSpaces(pattern)) return RuleError::kSyntax;
  auto it = std::find_if(s->keys.begin(), s->keys.end(), [&](const KeyPattern& k) { return k.pattern == pattern; });
  if (it == s->keys.end()) {
    s->keys.push_back(KeyPattern{std::string(pattern), perms});
  } else {
    it->perms |= perms;
  }
  s->flags &= ~Selector::kAllKeys;
  return RuleError::kOk;
}

RuleError AddChannelPattern(Selector* s, std::string_view op) {
  if (s->flags & Selector::kAllChannels) return RuleError::kChannelAfterAll;
  std::string_view pattern = op.substr(1);
  if (HasSpaces(pattern)) return RuleError::kSyntax;
  if (std::find(s->channels.begin(), s->channels.end(), pattern) == s->channels.end()) {
    s->channels.emplace_back(pattern);
  }
  s->flags &= ~Selector::kAllChannels;
  return RuleError::kOk;
}

// +cmd, +cmd|sub, +cmd|firstarg.
RuleError AllowCommand(Selector* s, std::string_view name) {
  const CommandIndex& idx = CommandIndex::Get();
  size_t bar = name.rfind('|');
  if (bar == std::string_view::npos) {
    int id = idx.Find(name);
    if (id < 0) return RuleError::kUnknown;
    ChangePerm(s, id, true);
    return RuleError::kOk;
  }
  std::string_view base = name.substr(0, bar), sub = name.substr(bar + 1);
  int id = idx.Find(base);
  if (id < 0) return RuleError::kUnknown;
  if (idx.parent(id) >= 0) return RuleError::kSubcommandFirstArg;
  if (sub.empty()) return RuleError::kSyntax;
  if (idx.child_count(id) > 0) {
    int sub_id = idx.Find(name);
    if (sub_id < 0) return RuleError::kUnknown;
    ChangePerm(s, sub_id, true);
    return RuleError::kOk;
  }
  // The deprecated "allow one first argument of a denied command" form.
  auto& list = s->firstargs[id];
  for (const auto& a : list) {
    if (EqualsIgnoreCase(a, sub)) return RuleError::kOk;
  }
  list.emplace_back(sub);
  return RuleError::kOk;
}

}  // namespace

RuleError ApplySelectorRule(Selector* s, std::string_view op) {
  if (EqualsIgnoreCase(op, "allkeys") || op == "~*") {
    s->flags |= Selector::kAllKeys;
    s->keys.clear();
  } else if (EqualsIgnoreCase(op, "resetkeys")) {
    s->flags &= ~Selector::kAllKeys;
    s->keys.clear();
  } else if (EqualsIgnoreCase(op, "allchannels") || op == "&*") {
    s->flags |= Selector::kAllChannels;
    s->channels.clear();
  } else if (EqualsIgnoreCase(op, "resetchannels")) {
    s->flags &= ~Selector::kAllChannels;
    s->channels.clear();
  } else if (EqualsIgnoreCase(op, "allcommands") || EqualsIgnoreCase(op, "+@all")) {
    SetAll(s, true);
  } else if (EqualsIgnoreCase(op, "nocommands") || EqualsIgnoreCase(op, "-@all")) {
    SetAll(s, false);
  } else if (op[0] == '~' || op[0] == '%') {
    return AddKeyPattern(s, op);
  } else if (op[0] == '&') {
    return AddChannelPattern(s, op);
  } else if (op[0] == '+' && (op.size() < 2 || op[1] != '@')) {
    return AllowCommand(s, op.substr(1));
  } else if (op[0] == '-' && (op.size() < 2 || op[1] != '@')) {
    int id = CommandIndex::Get().Find(op.substr(1));
    if (id < 0) return RuleError::kUnknown;
    ChangePerm(s, id, false);
  } else if (op[0] == '+' || op[0] == '-') {
    int cat = CategoryBit(op.substr(2));
    if (cat < 0) return RuleError::kUnknown;
    ApplyCategory(s, cat, op[0] == '+');
  } else {
    return RuleError::kSyntax;
  }
  return RuleError::kOk;
}

// ---- Users ----

UserRules NewUser(bool all_channels) {
  UserRules u;
  Selector root;
  if (all_channels) root.flags |= Selector::kAllChannels;
  u.selectors.push_back(std::move(root));
  return u;
}

UserRules DefaultUser() {
  UserRules u = NewUser(false);
  for (std::string_view op : {"+@all", "~*", "&*", "on", "nopass"}) ApplyRule(&u, op, false);
  return u;
}

std::string HashPassword(std::string_view password) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(password.data()), password.size(), digest);
  static const char kHex[] = "0123456789abcdef";
  std::string hex(SHA256_DIGEST_LENGTH * 2, '0');
  for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) {
    hex[i * 2] = kHex[digest[i] >> 4];
    hex[i * 2 + 1] = kHex[digest[i] & 15];
  }
  return hex;
}

namespace {

bool ValidHash(std::string_view h) {
  if (h.size() != SHA256_DIGEST_LENGTH * 2) return false;
  for (char c : h) {
    if ((c < 'a' || c > 'f') && (c < '0' || c > '9')) return false;
  }
  return true;
}

// Compares every byte whatever the contents, so timing tells nothing.
bool SameHash(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned diff = 0;
  for (size_t i = 0; i < a.size(); i++) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

bool PasswordMatches(const UserRules& user, std::string_view password) {
  if (user.flags & kUserNoPass) return true;
  std::string hashed = HashPassword(password);
  bool match = false;
  for (const auto& p : user.passwords) match |= SameHash(hashed, p);
  return match;
}

RuleError ApplyRule(UserRules* u, std::string_view op, bool pubsub_default_all) {
  if (op.empty()) return RuleError::kOk;
  if (EqualsIgnoreCase(op, "on")) {
    u->flags = (u->flags | kUserEnabled) & ~kUserDisabled;
  } else if (EqualsIgnoreCase(op, "off")) {
    u->flags = (u->flags | kUserDisabled) & ~kUserEnabled;
  } else if (EqualsIgnoreCase(op, "skip-sanitize-payload")) {
    u->flags = (u->flags | kUserSkipSanitize) & ~kUserSanitize;
  } else if (EqualsIgnoreCase(op, "sanitize-payload")) {
    u->flags = (u->flags | kUserSanitize) & ~kUserSkipSanitize;
  } else if (EqualsIgnoreCase(op, "nopass")) {
    u->flags |= kUserNoPass;
    u->passwords.clear();
  } else if (EqualsIgnoreCase(op, "resetpass")) {
    u->flags &= ~kUserNoPass;
    u->passwords.clear();
  } else if (op[0] == '>' || op[0] == '#') {
    std::string pass;
    if (op[0] == '>') {
      pass = HashPassword(op.substr(1));
    } else {
      if (!ValidHash(op.substr(1))) return RuleError::kBadHash;
      pass = std::string(op.substr(1));
    }
    if (std::find(u->passwords.begin(), u->passwords.end(), pass) == u->passwords.end()) {
      u->passwords.push_back(std::move(pass));
    }
    u->flags &= ~kUserNoPass;
  } else if (op[0] == '<' || op[0] == '!') {
    std::string pass;
    if (op[0] == '<') {
      pass = HashPassword(op.substr(1));
    } else {
      if (!ValidHash(op.substr(1))) return RuleError::kBadHash;
      pass = std::string(op.substr(1));
    }
    auto it = std::find(u->passwords.begin(), u->passwords.end(), pass);
    if (it == u->passwords.end()) return RuleError::kNoSuchPassword;
    u->passwords.erase(it);
  } else if (op[0] == '(' && op.back() == ')') {
    Selector s;
    if (pubsub_default_all) s.flags |= Selector::kAllChannels;
    std::vector<std::string> ops;
    // Unbalanced quotes leave the selector empty, as redis-server's split does.
    if (!SplitInlineArgs(op.substr(1, op.size() - 2), &ops)) ops.clear();
    for (const auto& one : ops) {
      RuleError e = ApplySelectorRule(&s, one);
      if (e != RuleError::kOk) return e;
    }
    u->selectors.push_back(std::move(s));
  } else if (EqualsIgnoreCase(op, "clearselectors")) {
    u->selectors.resize(1);
  } else if (EqualsIgnoreCase(op, "reset")) {
    for (std::string_view one : {"resetpass", "resetkeys", "resetchannels"}) ApplyRule(u, one, pubsub_default_all);
    if (pubsub_default_all) ApplyRule(u, "allchannels", pubsub_default_all);
    for (std::string_view one : {"off", "sanitize-payload", "clearselectors", "-@all"}) {
      ApplyRule(u, one, pubsub_default_all);
    }
  } else {
    return ApplySelectorRule(&u->selectors[0], op);
  }
  return RuleError::kOk;
}

bool MergeSelectorArgs(std::span<const std::string> in, std::vector<std::string>* out, size_t* bad) {
  out->clear();
  std::string selector;
  bool open = false;
  size_t open_at = 0;
  for (size_t i = 0; i < in.size(); i++) {
    const std::string& op = in[i];
    if (!op.empty() && op[0] == '(' && op.back() != ')') {
      // A second "(" while one is open starts over, as redis-server does.
      selector = op;
      open = true;
      open_at = i;
      continue;
    }
    if (open) {
      selector += ' ';
      selector += op;
      if (!op.empty() && op.back() == ')') {
        open = false;
        out->push_back(std::move(selector));
        selector.clear();
      }
      continue;
    }
    out->push_back(op);
  }
  if (open) {
    *bad = open_at;
    return false;
  }
  return true;
}

bool Unrestricted(const UserRules& user) {
  const Selector& root = user.selectors[0];
  constexpr uint32_t kAll = Selector::kAllKeys | Selector::kAllChannels | Selector::kAllCommands;
  return (root.flags & kAll) == kAll;
}

// ---- Describing ----

namespace {

void CountCategory(const Selector& s, int cat, unsigned long* on, unsigned long* off) {
  *on = *off = 0;
  for (int id : CommandIndex::Get().in_category(cat)) {
    if (s.allowed.test(id)) (*on)++;
    else (*off)++;
  }
}

// Emits +cmd / -cmd for every bit where `fake` still differs from `s`, a
// container before its subcommands, then the container's first-args.
void DescribeSingleCommands(const Selector& s, Selector* fake, int id, std::string* rules) {
  const CommandIndex& idx = CommandIndex::Get();
  bool userbit = s.allowed.test(id);
  if (userbit != fake->allowed.test(id)) {
    *rules += userbit ? '+' : '-';
    *rules += idx.def(id).name;
    *rules += ' ';
    ChangePerm(fake, id, userbit);
  }
  for (int c = 0; c < idx.child_count(id); c++) DescribeSingleCommands(s, fake, idx.first_child(id) + c, rules);
  auto it = s.firstargs.find(id);
  if (!userbit && it != s.firstargs.end()) {
    for (const auto& arg : it->second) {
      *rules += '+';
      *rules += idx.def(id).name;
      *rules += '|';
      *rules += arg;
      *rules += ' ';
    }
  }
}

std::string PatternString(const KeyPattern& k) {
  if (k.perms == kPermAll) return "~" + k.pattern;
  if (k.perms == kPermRead) return "%R~" + k.pattern;
  return "%W~" + k.pattern;
}

}  // namespace

// Starts from +@all (when the user may run future commands) or -@all, then
// greedily applies the category that best matches the remaining difference,
// then fixes single commands: redis-server's algorithm, so the same bitmap
// gives the same text.
std::string DescribeCommands(const Selector& s) {
  const CommandIndex& idx = CommandIndex::Get();
  bool additive = !s.future;
  std::string rules = additive ? "-@all " : "+@all ";
  Selector fake;
  SetAll(&fake, !additive);
  Selector temp;
  temp.allowed = s.allowed;
  bool applied[kCategoryCount] = {};
  while (true) {
    int best = -1;
    unsigned long mindiff = INT_MAX, maxsame = 0;
    for (int c = 0; c < kCategoryCount; c++) {
      if (applied[c]) continue;
      unsigned long on, off;
      CountCategory(temp, c, &on, &off);
      unsigned long diff = additive ? off : on;
      unsigned long same = additive ? on : off;
      if (same > diff && (diff < mindiff || (diff == mindiff && same > maxsame))) {
        best = c;
        mindiff = diff;
        maxsame = same;
      }
    }
    if (best == -1) break;
    ApplyCategory(&fake, best, additive);
    ApplyCategory(&temp, best, !additive);
    rules += additive ? "+@" : "-@";
    rules += kCategoryNames[best];
    rules += ' ';
    applied[best] = true;
  }
  for (int id = 0; id < idx.size(); id++) {
    if (idx.parent(id) < 0) DescribeSingleCommands(s, &fake, id, &rules);
  }
  rules.pop_back();
  return rules;
}

std::string DescribeKeys(const Selector& s) {
  if (s.flags & Selector::kAllKeys) return "~*";
  std::string out;
  for (const auto& k : s.keys) {
    if (!out.empty()) out += ' ';
    out += PatternString(k);
  }
  return out;
}

std::string DescribeChannels(const Selector& s) {
  if (s.flags & Selector::kAllChannels) return "&*";
  std::string out;
  for (const auto& c : s.channels) {
    if (!out.empty()) out += ' ';
    out += '&';
    out += c;
  }
  return out;
}

namespace {

std::string DescribeSelector(const Selector& s) {
  std::string out;
  if (s.flags & Selector::kAllKeys) {
    out += "~* ";
  } else {
    for (const auto& k : s.keys) out += PatternString(k) + " ";
  }
  if (s.flags & Selector::kAllChannels) {
    out += "&* ";
  } else {
    out += "resetchannels ";
    for (const auto& c : s.channels) out += "&" + c + " ";
  }
  return out + DescribeCommands(s);
}

}  // namespace

std::string DescribeUser(const UserRules& user) {
  static const std::pair<uint32_t, const char*> kFlags[] = {{kUserEnabled, "on"},
                                                            {kUserDisabled, "off"},
                                                            {kUserNoPass, "nopass"},
                                                            {kUserSkipSanitize, "skip-sanitize-payload"},
                                                            {kUserSanitize, "sanitize-payload"}};
  std::string out;
  for (const auto& [bit, name] : kFlags) {
    if (user.flags & bit) {
      out += name;
      out += ' ';
    }
  }
  for (const auto& p : user.passwords) out += "#" + p + " ";
  for (size_t i = 0; i < user.selectors.size(); i++) {
    if (i == 0) out += DescribeSelector(user.selectors[i]);
    else out += " (" + DescribeSelector(user.selectors[i]) + ")";
  }
  return out;
}

}  // namespace lumadb::protocol::resp::acl

#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp/acl/command_table.h"

namespace lumadb::protocol::resp::acl {

// Room for every command and subcommand of the table (366 in 7.0).
inline constexpr size_t kMaxCommands = 512;

// An index over CommandDefs(): ids are positions in the table.
class CommandIndex {
 public:
  static const CommandIndex& Get();

  int size() const { return static_cast<int>(defs_.size()); }
  const CommandDef& def(int id) const { return defs_[id]; }
  // "get", "config|get", case-insensitive; -1 when unknown. Like redis-server's
  // strict lookup: "select|0" (a command without subcommands) is unknown.
  int Find(std::string_view fullname) const;
  // The command an invocation runs: a container's subcommand (by args[1]),
  // or the command itself (also a container given no subcommand). -1 when
  // unknown, or a container given an unknown subcommand.
  int Lookup(std::span<const std::string_view> args) const;
  int parent(int id) const { return parent_[id]; }
  // Subcommands of a container: ids [first_child, first_child + child_count).
  int first_child(int id) const { return id + 1; }
  int child_count(int id) const { return child_count_[id]; }
  // Ids of the commands (and subcommands) in category bit `cat`.
  const std::vector<int>& in_category(int cat) const { return by_category_[cat]; }
  // The channel-carrying commands.
  enum class ChannelKind { kNone, kPublish, kSubscribe, kPatternSubscribe };
  ChannelKind channel_kind(int id) const { return channel_kind_[id]; }
  std::span<const KeySpec> key_specs(int id) const;

 private:
  CommandIndex();
  std::span<const CommandDef> defs_;
  std::vector<int> parent_;
  std::vector<int> child_count_;
  std::vector<std::vector<int>> by_category_;
  std::vector<ChannelKind> channel_kind_;
  std::map<std::string, int, std::less<>> by_name_;
};

// Key pattern permissions (%R~ / %W~; ~ is both).
inline constexpr uint32_t kPermRead = 1;
inline constexpr uint32_t kPermWrite = 2;
inline constexpr uint32_t kPermAll = kPermRead | kPermWrite;

struct KeyPattern {
  std::string pattern;
  uint32_t perms;
};

// A set of permissions: commands, key patterns, channel patterns. A user has
// a root selector (the rules given outside parentheses) and may have more;
// a command is allowed when one selector allows all of it.
struct Selector {
  enum Flag : uint32_t { kAllKeys = 1, kAllChannels = 2, kAllCommands = 4 };
  uint32_t flags = 0;
  std::bitset<kMaxCommands> allowed;
  // Set by +@all / allcommands, cleared by -@all / nocommands: the user may run
  // commands the table does not know (redis-server's reserved command bit).
  bool future = false;
  // +select|0: first arguments allowed for a command whose bit is clear.
  std::map<int, std::vector<std::string>> firstargs;
  std::vector<KeyPattern> keys;
  std::vector<std::string> channels;
};

// Why a rule was refused, worded as redis-server's ACLSetUserStringError.
enum class RuleError {
  kOk,
  kSyntax,            // EINVAL
  kUnknown,           // ENOENT: unknown command or category
  kKeyAfterAll,       // EEXIST
  kChannelAfterAll,   // EISDIR
  kNoSuchPassword,    // ENODEV
  kBadHash,           // EBADMSG
  kSubcommandFirstArg,  // ECHILD
};
const char* RuleErrorText(RuleError e);

enum UserFlag : uint32_t {
  kUserEnabled = 1,
  kUserDisabled = 2,
  kUserNoPass = 4,
  kUserSkipSanitize = 8,
  kUserSanitize = 16,
};

// Everything ACL SETUSER can set on a user.
struct UserRules {
  uint32_t flags = kUserDisabled;
  std::vector<std::string> passwords;  // SHA-256, lowercase hex
  std::vector<Selector> selectors;     // [0] is the root selector
};

// A new user: off, no passwords, no commands, no keys, and channels as
// acl-pubsub-default says (allchannels when `all_channels`).
UserRules NewUser(bool all_channels);
// The default user: on nopass ~* &* +@all.
UserRules DefaultUser();

// Applies one ACL SETUSER modifier ("on", ">pass", "~key*", "(+get ~x)", ...).
RuleError ApplyRule(UserRules* user, std::string_view op, bool pubsub_default_all);
// Applies a selector modifier (commands, keys, channels) to one selector.
RuleError ApplySelectorRule(Selector* s, std::string_view op);

// ACL SETUSER / the ACL file accept a selector spread over several
// arguments ("(+get" "~x)"): joins them with spaces. On an unclosed "(" returns
// false and sets *bad to the index of the argument that opened it.
bool MergeSelectorArgs(std::span<const std::string> in, std::vector<std::string>* out, size_t* bad);

// SHA-256 of the password, lowercase hex (how passwords are stored).
std::string HashPassword(std::string_view password);
// True when the user accepts `password` (nopass, or one hash matches).
// Does not look at on/off.
bool PasswordMatches(const UserRules& user, std::string_view password);

// ACL LIST's description of a user (without "user NAME "), as redis-server
// builds it: flags, #hashes, the root selector, then " (selector)" each.
std::string DescribeUser(const UserRules& user);
// The command part of a selector: "+@all -get" / "-@all +@read +get".
std::string DescribeCommands(const Selector& s);
// ACL GETUSER's "keys" and "channels" fields of a selector.
std::string DescribeKeys(const Selector& s);
std::string DescribeChannels(const Selector& s);

// True when the root selector allows every command, key and channel: such a
// user needs no check at all.
bool Unrestricted(const UserRules& user);

}  // namespace lumadb::protocol::resp::acl

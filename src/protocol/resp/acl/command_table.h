#pragma once

#include <cstdint>
#include <span>

namespace lumadb::protocol::resp::acl {

// ACL categories, in redis-server's order (ACL CAT lists them so, and ACL
// LIST's category rules are tried in this order).
enum Category : uint32_t {
  kCatKeyspace = 1u << 0,
  kCatRead = 1u << 1,
  kCatWrite = 1u << 2,
  kCatSet = 1u << 3,
  kCatSortedset = 1u << 4,
  kCatList = 1u << 5,
  kCatHash = 1u << 6,
  kCatString = 1u << 7,
  kCatBitmap = 1u << 8,
  kCatHyperloglog = 1u << 9,
  kCatGeo = 1u << 10,
  kCatStream = 1u << 11,
  kCatPubsub = 1u << 12,
  kCatAdmin = 1u << 13,
  kCatFast = 1u << 14,
  kCatSlow = 1u << 15,
  kCatBlocking = 1u << 16,
  kCatDangerous = 1u << 17,
  kCatConnection = 1u << 18,
  kCatTransaction = 1u << 19,
  kCatScripting = 1u << 20,
};
inline constexpr int kCategoryCount = 21;
// Category names indexed by bit number.
inline constexpr const char* kCategoryNames[kCategoryCount] = {
    "keyspace", "read",  "write", "set",      "sortedset", "list",      "hash",       "string",
    "bitmap",   "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
    "blocking", "dangerous", "connection", "transaction", "scripting"};

// Key spec flags, as COMMAND INFO names them.
enum KeyFlag : uint32_t {
  kKeyRo = 1u << 0,
  kKeyRw = 1u << 1,
  kKeyOw = 1u << 2,
  kKeyRm = 1u << 3,
  kKeyAccess = 1u << 4,
  kKeyUpdate = 1u << 5,
  kKeyInsert = 1u << 6,
  kKeyDelete = 1u << 7,
  kKeyNotKey = 1u << 8,
  kKeyIncomplete = 1u << 9,
  kKeyVariableFlags = 1u << 10,
};

// One key spec of a Redis 7.0 command: where the search for keys begins
// (an index, or after a keyword) and how keys are found from there.
struct KeySpec {
  enum Begin : uint8_t { kIndex, kKeyword, kUnknown };
  enum Find : uint8_t { kRange, kKeynum, kUnknownFind };
  uint32_t flags;
  Begin begin;
  int index;            // kIndex
  const char* keyword;  // kKeyword
  int startfrom;        // kKeyword: > 0 search forward from it, < 0 backward from argc + it
  Find find;
  // kRange: lastkey, keystep, limit. kKeynum: keynumidx, firstkey, keystep.
  int a, b, c;
};

// One command or subcommand of redis-server 7.0 ("config|get"), with its ACL
// categories. Subcommands come right after their container, sorted by name.
struct CommandDef {
  const char* name;
  int arity;  // as COMMAND INFO: > 0 exactly, < 0 at least -arity arguments (the name included)
  uint32_t categories;
  bool no_auth;  // runs before AUTH, and no ACL rule can deny it
  int first_spec;
  int spec_count;
};

// The whole table (generated from the real server by scripts/gen_acl_commands.py).
std::span<const CommandDef> CommandDefs();
std::span<const KeySpec> KeySpecs();

}  // namespace lumadb::protocol::resp::acl

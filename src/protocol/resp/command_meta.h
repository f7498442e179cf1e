#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp/codec.h"

// What redis-server 7.0.15 says about its commands (COMMAND INFO and COMMAND
// DOCS, taken from the real server into command_data.cc), parsed once into
// trees that COMMAND writes back in RESP2 or RESP3, plus the key specs those
// replies describe, evaluated as redis-server evaluates them.
namespace lumadb::protocol::resp {

// One reply value kept as a tree.
struct RespNode {
  enum class Kind : uint8_t { kSimple, kBulk, kInteger, kNull, kArray, kSet, kMap };
  Kind kind = Kind::kNull;
  std::string str;
  int64_t num = 0;
  std::vector<RespNode> items;  // maps: key, value, key, value, ...

  // Map lookup by key text; null when absent or not a map.
  const RespNode* Find(std::string_view key) const;
  void Write(Writer& w) const;
};

// Parses exactly one RESP3 value (simple, bulk, integer, null, array, set,
// map). False if `in` is malformed or has trailing bytes.
bool ParseRespTree(std::string_view in, RespNode* out);

// One key spec of COMMAND INFO.
struct KeySpec {
  std::vector<std::string> flags;  // "RW", "access", "incomplete", ...
  enum class Begin : uint8_t { kIndex, kKeyword, kUnknown } begin = Begin::kUnknown;
  int index = 0;          // kIndex
  std::string keyword;    // kKeyword
  int startfrom = 0;      // kKeyword: > 0 from there forward, < 0 from the end backward
  enum class Find : uint8_t { kRange, kKeynum, kUnknown } find = Find::kUnknown;
  int lastkey = 0, keystep = 1, limit = 0;    // kRange
  int keynumidx = 0, firstkey = 0;            // kKeynum
  bool HasFlag(std::string_view f) const;
};

struct CommandMeta {
  std::string name;  // "get", or "config|get" for a subcommand
  int arity = 0;
  RespNode info;     // the COMMAND INFO entry
  RespNode docs;     // the COMMAND DOCS map (without the name)
  std::vector<KeySpec> key_specs;
  std::vector<CommandMeta> subcommands;

  // Subcommand by its own name ("get" or "GET"); null if none.
  const CommandMeta* FindSubcommand(std::string_view sub) const;
  // Whether some key spec describes real keys (not "not_key").
  bool HasKeys() const;
};

// "get", "CONFIG", "config|get" (case-insensitive); null if redis-server
// 7.0.15 has no such command.
const CommandMeta* FindCommandMeta(std::string_view name);

// A key argument found by the key specs: its index in args and its spec.
struct KeyRef {
  size_t index;
  const KeySpec* spec;
};
// Finds the keys of `args` (args[0] is the command name) with meta's key
// specs, as redis-server's getKeysUsingKeySpecs does. Returns false when a
// spec cannot describe these arguments (incomplete or unknown spec, bad
// key count); *out then holds the keys the valid specs found.
bool KeysFromSpecs(const CommandMeta& meta, const std::vector<std::string_view>& args, std::vector<KeyRef>* out);

}  // namespace lumadb::protocol::resp

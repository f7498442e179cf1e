#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kv/store.h"
#include "protocol/resp/codec.h"

namespace lumadb::protocol::resp {

class RespServer;
class RespSession;

// Command flags, named as in COMMAND INFO.
enum CommandFlag : uint32_t {
  kWrite = 1 << 0,
  kReadonly = 1 << 1,
  kDenyOom = 1 << 2,
  kAdmin = 1 << 3,
  kPubsub = 1 << 4,
  kNoscript = 1 << 5,
  kBlocking = 1 << 6,
  kLoading = 1 << 7,
  kStale = 1 << 8,
  kFast = 1 << 9,
  kNoAuth = 1 << 10,       // allowed before AUTH
  kNoMulti = 1 << 11,      // not allowed inside MULTI
  kExecNow = 1 << 14,      // runs at once even inside MULTI (EXEC, DISCARD, WATCH, QUIT, RESET)
  kAllowBusy = 1 << 12,
  kKeyspace = 1 << 13,     // touches the whole keyspace: takes its own locks
};

struct CommandContext;
using CommandFn = void (*)(CommandContext& ctx);
// For commands whose keys cannot be described by (first, last, step): appends
// the indexes of key arguments. Returns false if args are malformed (the
// handler then reports the error).
using KeyFinderFn = bool (*)(const std::vector<std::string_view>& args, std::vector<size_t>* keys);

struct CommandSpec {
  const char* name;  // lowercase
  int arity;         // > 0: exactly; < 0: at least -arity (including the name)
  uint32_t flags;
  int first_key;     // 0 = no keys
  int last_key;      // negative counts from the end (-1 = last)
  int step;
  CommandFn fn;
  const char* group;    // "string", "list", ... as in COMMAND DOCS
  const char* summary;
  KeyFinderFn key_finder = nullptr;
};

// Everything a handler needs: the arguments, the reply writer, the session
// and the shared server. The shards of the command's keys are locked.
struct CommandContext {
  RespServer& server;
  RespSession& session;
  const std::vector<std::string_view>& args;
  Writer& w;
  engine::kv::Store& store;
  int db;
  const CommandSpec* spec;
  // Set when run inside EXEC or from a retry of a blocked command: blocking
  // commands must not block.
  bool no_block = false;
  // Set by blocking handlers that found nothing and want to wait.
  bool wants_block = false;
  std::vector<std::string> block_keys;
  // Set for commands a Lua script runs through redis.call.
  bool in_script = false;
  // The arguments to retry the blocked command with, when they differ from
  // args (XREAD replaces "$" by the ID it stands for at blocking time).
  std::vector<std::string> block_args;

  size_t argc() const { return args.size(); }
  std::string_view arg(size_t i) const { return args[i]; }
};

// Standard error texts (Redis 7.0 wording).
inline constexpr std::string_view kErrWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kErrNotInt = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrNoKey = "ERR no such key";
inline constexpr std::string_view kErrOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kErrIndexRange = "ERR index out of range";
// Refused because used memory is over maxmemory (Redis's shared.oomerr).
inline constexpr std::string_view kErrOom = "OOM command not allowed when used memory > 'maxmemory'.";

// "ERR wrong number of arguments for 'xxx' command"
std::string ArityError(std::string_view name);

// Argument helpers: on failure they write the error reply and return false.
bool ArgInt(CommandContext& ctx, size_t i, int64_t* out);
bool ArgDouble(CommandContext& ctx, size_t i, double* out, std::string_view err = kErrNotFloat);
// Positive timeout in seconds (float allowed), as BLPOP takes it; -> deadline in MonoMs, 0 = forever.
bool ArgTimeout(CommandContext& ctx, size_t i, int64_t* deadline_ms);
bool IsArg(std::string_view arg, std::string_view word);  // case-insensitive keyword match

// The indexes of the key arguments of an invocation, from the spec's
// first/last/step or key finder (empty when malformed).
void CommandKeys(const CommandSpec* spec, const std::vector<std::string_view>& args, std::vector<size_t>* out);

// A key lookup as Redis tells lookupKeyRead from lookupKeyWrite: a read
// lookup that finds nothing emits a "keymiss" keyspace event (class m).
// kByCommand reads for read-only commands and writes for the others.
enum class Lookup { kByCommand, kRead, kWrite };

// Store::Find for a read lookup (keymiss on a miss).
engine::kv::Value* FindForRead(CommandContext& ctx, std::string_view key);
// The same without counting as an access of the key (Store::Peek), for the
// commands Redis looks keys up for with LOOKUP_NOTOUCH (EXISTS, TYPE, TTL...).
engine::kv::Value* PeekForRead(CommandContext& ctx, std::string_view key);
// Looks up key in ctx.db; if it exists with another type writes WRONGTYPE and
// sets *wrongtype. Returns null when absent or wrong type.
engine::kv::Value* FindTyped(CommandContext& ctx, std::string_view key, engine::kv::Type type, bool* wrongtype,
                             Lookup lookup = Lookup::kByCommand);
// Returns key's value of `type`, creating an empty one if absent; null (after
// writing WRONGTYPE) if it has another type.
engine::kv::Value* FindOrCreate(CommandContext& ctx, std::string_view key, engine::kv::Type type);

// Per-family tables, defined in commands/*.cc.
const std::vector<CommandSpec>& AclCommands();
const std::vector<CommandSpec>& ConnectionCommands();
const std::vector<CommandSpec>& ServerCommands();
const std::vector<CommandSpec>& KeyCommands();
const std::vector<CommandSpec>& StringCommands();
const std::vector<CommandSpec>& BitCommands();
const std::vector<CommandSpec>& HashCommands();
const std::vector<CommandSpec>& ListCommands();
const std::vector<CommandSpec>& SetCommands();
const std::vector<CommandSpec>& ZSetCommands();
const std::vector<CommandSpec>& GeoCommands();
const std::vector<CommandSpec>& PubSubCommands();
const std::vector<CommandSpec>& TransactionCommands();
const std::vector<CommandSpec>& DumpCommands();
const std::vector<CommandSpec>& HyperLogLogCommands();
const std::vector<CommandSpec>& SortCommands();
const std::vector<CommandSpec>& ScriptingCommands();
const std::vector<CommandSpec>& StreamCommands();

// Whether the command may run while a script is busy (past
// busy-reply-threshold): the allow-busy commands, SCRIPT KILL, FUNCTION KILL
// and FUNCTION STATS.
bool AllowedWhileBusy(const CommandSpec* spec, const std::vector<std::string_view>& args);

}  // namespace lumadb::protocol::resp

#include "protocol/resp/scripting/lua_vm.h"

#include <openssl/sha.h>

#include <cmath>
#include <cstring>

#include <lua.hpp>

#include "common/clock.h"
#include "common/logging.h"
#include "common/strutil.h"
#include "protocol/resp/codec.h"
#include "protocol/resp/scripting/lua_libs.h"
#include "protocol/resp/scripting/reply_reader.h"

extern "C" {
int luaopen_cjson(lua_State* L);
int luaopen_bit(lua_State* L);
}

namespace lumadb::protocol::resp {

struct LuaVm::RunState {
  const ScriptRun* run;
  int resp = 2;        // redis.setresp()
  bool in_call = false;  // recursion guard for redis.call from a hook
};

struct LuaVm::LoadState {
  std::vector<RegisteredFunction>* functions;
  int64_t start_ms;
  int64_t timeout_ms;
};

namespace {

// Unique addresses used as registry keys.
char kRunKey;
char kLoadKey;
char kProxiesKey;

constexpr int kHookInstructions = 100000;
constexpr int kMaxReplyDepth = 1000;  // nesting at which a returned table is cut off
constexpr int kGcCyclePeriod = 50;    // as Redis: a GC step every 50 calls

// Redis's redisLrand48: the 48-bit linear congruential generator of
// drand48, shared by every script so the sequence continues across calls.
uint64_t g_rand_state = 0x1234ABCD330Eull;
int32_t Lrand48() {
  g_rand_state = (0x5DEECE66Dull * g_rand_state + 0xB) & ((1ull << 48) - 1);
  return static_cast<int32_t>(g_rand_state >> 17);
}
void Srand48(int32_t seed) {
  uint32_t s = static_cast<uint32_t>(seed);
  g_rand_state = (static_cast<uint64_t>(s >> 16) << 32) | (static_cast<uint64_t>(s & 0xffff) << 16) | 0x330E;
}
constexpr int32_t kLrand48Max = INT32_MAX;

LuaVm::RunState* GetRun(lua_State* L) {
  lua_pushlightuserdata(L, &kRunKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  auto* r = static_cast<LuaVm::RunState*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return r;
}

void SetRegistryPointer(lua_State* L, char* key, void* p) {
  lua_pushlightuserdata(L, key);
  if (p != nullptr) lua_pushlightuserdata(L, p);
  else lua_pushnil(L);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

LuaVm::LoadState* GetLoad(lua_State* L) {
  lua_pushlightuserdata(L, &kLoadKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  auto* r = static_cast<LuaVm::LoadState*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return r;
}

// Pushes the error table {err = "CODE message"} the way luaPushErrorBuff
// builds it: "-CODE message" keeps its code, a text without a leading '-'
// gets "ERR"; trailing CR/LF are trimmed.
void PushError(lua_State* L, std::string_view text) {
  std::string code = "ERR";
  std::string msg;
  if (!text.empty() && text[0] == '-') {
    size_t sp = text.find(' ');
    if (sp == std::string_view::npos) {
      msg = std::string(text.substr(1));
    } else {
      code = std::string(text.substr(1, sp - 1));
      msg = std::string(text.substr(sp + 1));
    }
  } else {
    msg = std::string(text);
  }
  while (!msg.empty() && (msg.back() == '\r' || msg.back() == '\n')) msg.pop_back();
  while (!msg.empty() && (msg.front() == '\r' || msg.front() == '\n')) msg.erase(0, 1);
  std::string full = code + " " + msg;
  lua_newtable(L);
  lua_pushstring(L, "err");
  lua_pushlstring(L, full.data(), full.size());
  lua_rawset(L, -3);
}

[[noreturn]] void RaiseError(lua_State* L, std::string_view text) {
  PushError(L, text);
  lua_error(L);
  __builtin_unreachable();
}

// ---- Read-only tables ----
//
// Debian's Lua 5.1 has no read-only tables (redis-server patches its own
// Lua for them), so a protected table is an empty proxy whose metatable
// reads through to the real table and refuses writes; a registry map from
// proxy to real table lets next/pairs/ipairs/rawget see the contents.

int ReadonlyNewIndex(lua_State* L) { return luaL_error(L, "Attempt to modify a readonly table"); }

int NonexistentGlobal(lua_State* L) {
  const char* name = lua_tostring(L, 2);
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", name ? name : "?");
}

// Replaces the value at `idx` (a proxy) by its real table; no-op otherwise.
void Unproxy(lua_State* L, int idx) {
  if (!lua_istable(L, idx)) return;
  lua_pushlightuserdata(L, &kProxiesKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, idx);
  lua_rawget(L, -2);
  if (lua_istable(L, -1)) {
    lua_replace(L, idx);
    lua_pop(L, 1);
  } else {
    lua_pop(L, 2);
  }
}

bool IsProxy(lua_State* L, int idx) {
  if (!lua_istable(L, idx)) return false;
  lua_pushlightuserdata(L, &kProxiesKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, idx);
  lua_rawget(L, -2);
  bool is = lua_istable(L, -1);
  lua_pop(L, 2);
  return is;
}

// Pushes a read-only proxy of the table at `real_idx`.
void PushProxy(lua_State* L, int real_idx) {
  real_idx = real_idx < 0 ? lua_gettop(L) + real_idx + 1 : real_idx;
  lua_newtable(L);  // proxy
  lua_newtable(L);  // its metatable
  lua_pushvalue(L, real_idx);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ReadonlyNewIndex);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_pushlightuserdata(L, &kProxiesKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, -2);
  lua_pushvalue(L, real_idx);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

int SafeNext(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  Unproxy(L, 1);
  lua_settop(L, 2);
  if (lua_next(L, 1)) return 2;
  lua_pushnil(L);
  return 1;
}

int SafePairs(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushvalue(L, lua_upvalueindex(1));  // SafeNext
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

int IpairsAux(lua_State* L) {
  int i = luaL_checkint(L, 2) + 1;
  lua_pushinteger(L, i);
  lua_rawgeti(L, 1, i);
  return lua_isnil(L, -1) ? 0 : 2;
}

int SafeIpairs(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  Unproxy(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));  // IpairsAux
  lua_pushvalue(L, 1);
  lua_pushinteger(L, 0);
  return 3;
}

int SafeRawget(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  Unproxy(L, 1);
  lua_settop(L, 2);
  lua_rawget(L, 1);
  return 1;
}

int SafeRawset(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  if (IsProxy(L, 1)) {
    lua_pushstring(L, "Attempt to modify a readonly table");
    return lua_error(L);
  }
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

int SafeSetmetatable(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int t = lua_type(L, 2);
  luaL_argcheck(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table expected");
  if (IsProxy(L, 1)) {
    lua_pushstring(L, "Attempt to modify a readonly table");
    return lua_error(L);
  }
  if (luaL_getmetafield(L, 1, "__metatable")) return luaL_error(L, "cannot change a protected metatable");
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

// ---- Conversions ----

// Formats a Lua number argument of redis.call as Redis does ("%.17g").
std::string NumberArg(lua_Number n) {
  char buf[64];
  int len = snprintf(buf, sizeof(buf), "%.17g", static_cast<double>(n));
  return std::string(buf, len);
}

// (long long) of a double as x86 computes it: out of range and NaN give INT64_MIN.
int64_t LuaNumberToInteger(lua_Number n) {
  if (std::isnan(n) || n >= 9223372036854775808.0 || n < -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(n);
}

std::string MapCrLf(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return r;
}

// The number of entries of the table on top of the stack.
size_t CountEntries(lua_State* L) {
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    n++;
  }
  return n;
}

// Converts the value on top of the stack into a reply and pops it, as
// luaReplyToRedisReply does. `script_resp` is the script's setresp() value.
void LuaToReply(lua_State* L, Writer& w, int script_resp, int depth) {
  if (depth > kMaxReplyDepth || !lua_checkstack(L, 4)) {
    w.Error("ERR reached lua stack limit");
    lua_pop(L, 1);
    return;
  }
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      w.Bulk(std::string_view(s, len));
      break;
    }
    case LUA_TBOOLEAN:
      if (script_resp == 2) {
        if (lua_toboolean(L, -1)) w.Integer(1);
        else w.Null();
      } else {
        w.Bool(lua_toboolean(L, -1));
      }
      break;
    case LUA_TNUMBER:
      w.Integer(LuaNumberToInteger(lua_tonumber(L, -1)));
      break;
    case LUA_TTABLE: {
      lua_pushstring(L, "err");
      lua_rawget(L, -2);
      if (lua_type(L, -1) == LUA_TSTRING) {
        size_t len;
        const char* s = lua_tolstring(L, -1, &len);
        w.Error(std::string_view(s, len));
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      lua_pushstring(L, "ok");
      lua_rawget(L, -2);
      if (lua_type(L, -1) == LUA_TSTRING) {
        w.Simple(MapCrLf(lua_tostring(L, -1)));
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      lua_pushstring(L, "double");
      lua_rawget(L, -2);
      if (lua_type(L, -1) == LUA_TNUMBER) {
        w.Double(lua_tonumber(L, -1));
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      lua_pushstring(L, "big_number");
      lua_rawget(L, -2);
      if (lua_type(L, -1) == LUA_TSTRING) {
        size_t len;
        const char* s = lua_tolstring(L, -1, &len);
        w.BigNumber(MapCrLf(std::string_view(s, len)));
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      lua_pushstring(L, "verbatim_string");
      lua_rawget(L, -2);
      if (lua_type(L, -1) == LUA_TTABLE) {
        lua_pushstring(L, "format");
        lua_rawget(L, -2);
        if (lua_type(L, -1) == LUA_TSTRING) {
          std::string format = lua_tostring(L, -1);
          lua_pushstring(L, "string");
          lua_rawget(L, -3);
          if (lua_type(L, -1) == LUA_TSTRING) {
            size_t len;
            const char* s = lua_tolstring(L, -1, &len);
            w.Verbatim(std::string_view(s, len), format.substr(0, 3));
            lua_pop(L, 4);
            return;
          }
          lua_pop(L, 1);
        }
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
      lua_pushstring(L, "map");
      lua_rawget(L, -2);
      if (lua_type(L, -1) == LUA_TTABLE) {
        w.Map(CountEntries(L));
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pushvalue(L, -2);
          LuaToReply(L, w, script_resp, depth + 1);  // key
          LuaToReply(L, w, script_resp, depth + 1);  // value
        }
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      lua_pushstring(L, "set");
      lua_rawget(L, -2);
      if (lua_type(L, -1) == LUA_TTABLE) {
        w.Set(CountEntries(L));
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pop(L, 1);
          lua_pushvalue(L, -1);
          LuaToReply(L, w, script_resp, depth + 1);
        }
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      // An array: elements 1..n up to the first nil.
      size_t n = 0;
      while (true) {
        lua_rawgeti(L, -1, static_cast<int>(n + 1));
        bool nil = lua_isnil(L, -1);
        lua_pop(L, 1);
        if (nil) break;
        n++;
      }
      w.Array(n);
      for (size_t j = 1; j <= n; j++) {
        lua_rawgeti(L, -1, static_cast<int>(j));
        LuaToReply(L, w, script_resp, depth + 1);
      }
      break;
    }
    default:
      w.Null();
  }
  lua_pop(L, 1);
}

// Pushes a Lua value for each reply element, as redisProtocolToLuaType.
class LuaReplyBuilder final : public ReplyVisitor {
 public:
  explicit LuaReplyBuilder(lua_State* L) : L_(L) {}
  void OnSimple(std::string_view s) override {
    lua_newtable(L_);
    lua_pushstring(L_, "ok");
    lua_pushlstring(L_, s.data(), s.size());
    lua_rawset(L_, -3);
  }
  void OnError(std::string_view s) override {
    std::string e = "-" + std::string(s);
    PushError(L_, e);
  }
  void OnInteger(int64_t v) override { lua_pushnumber(L_, static_cast<lua_Number>(v)); }
  void OnBulk(std::string_view s) override { lua_pushlstring(L_, s.data(), s.size()); }
  void OnNullBulk() override { lua_pushboolean(L_, 0); }
  void OnNullArray() override { lua_pushboolean(L_, 0); }
  void OnNull() override { lua_pushnil(L_); }
  void OnBool(bool b) override { lua_pushboolean(L_, b); }
  void OnDouble(double d) override {
    lua_newtable(L_);
    lua_pushstring(L_, "double");
    lua_pushnumber(L_, d);
    lua_rawset(L_, -3);
  }
  void OnBigNumber(std::string_view s) override {
    lua_newtable(L_);
    lua_pushstring(L_, "big_number");
    lua_pushlstring(L_, s.data(), s.size());
    lua_rawset(L_, -3);
  }
  void OnVerbatim(std::string_view format, std::string_view s) override {
    lua_newtable(L_);
    lua_pushstring(L_, "verbatim_string");
    lua_newtable(L_);
    lua_pushstring(L_, "string");
    lua_pushlstring(L_, s.data(), s.size());
    lua_rawset(L_, -3);
    lua_pushstring(L_, "format");
    lua_pushlstring(L_, format.data(), format.size());
    lua_rawset(L_, -3);
    lua_rawset(L_, -3);
  }
  void BeginArray(size_t) override {
    Grow();
    lua_newtable(L_);
    index_.push_back(0);
  }
  void BeginMap(size_t) override {
    Grow();
    lua_newtable(L_);
    lua_pushstring(L_, "map");
    lua_newtable(L_);
    index_.push_back(-1);
  }
  void BeginSet(size_t) override {
    Grow();
    lua_newtable(L_);
    lua_pushstring(L_, "set");
    lua_newtable(L_);
    index_.push_back(-2);
  }
  // Called after each complete element inside an aggregate.
  void OnElementDone(bool is_key) override {
    int& kind = index_.back();
    if (kind >= 0) {
      lua_rawseti(L_, -2, ++kind);
    } else if (kind == -1) {
      if (is_key) return;
      // A nil or NaN key would make lua_rawset raise, and a Lua error here
      // longjmps over C++ frames: such a pair is dropped instead.
      if (BadKey(-2)) return lua_pop(L_, 2);
      lua_rawset(L_, -3);
    } else {
      if (BadKey(-1)) return lua_pop(L_, 1);
      lua_pushboolean(L_, 1);
      lua_rawset(L_, -3);
    }
  }
  void EndAggregate() override {
    int kind = index_.back();
    index_.pop_back();
    if (kind < 0) lua_rawset(L_, -3);  // {map=...} / {set=...}
  }

 private:
  // Each open aggregate holds at most 4 stack slots (table, "map"/"set",
  // inner table, pending key), so within the reader's nesting limit the
  // stack can always grow (lua_checkstack fails only past LUAI_MAXCSTACK).
  static_assert(4 * kMaxReplyNesting + 64 < LUAI_MAXCSTACK);
  void Grow() { lua_checkstack(L_, 4); }
  bool BadKey(int idx) {
    if (lua_isnil(L_, idx)) return true;
    if (lua_type(L_, idx) != LUA_TNUMBER) return false;
    lua_Number n = lua_tonumber(L_, idx);
    return n != n;
  }

  lua_State* L_;
  std::vector<int> index_;  // per open aggregate: array count, -1 map, -2 set
};

void PushReply(lua_State* L, std::string_view reply) {
  int top = lua_gettop(L);
  LuaReplyBuilder b(L);
  if (!lua_checkstack(L, 64) || !ReadReply(reply, &b)) {
    lua_settop(L, top);
    lua_pushnil(L);
  }
}

// ---- The redis API ----

// Collects redis.call's arguments; false (with the error pushed) if invalid.
bool CollectArgs(lua_State* L, std::vector<std::string>* args) {
  int argc = lua_gettop(L);
  if (argc == 0) {
    PushError(L, "Please specify at least one argument for this redis lib call");
    return false;
  }
  args->clear();
  args->reserve(argc);
  for (int j = 1; j <= argc; j++) {
    if (lua_type(L, j) == LUA_TNUMBER) {
      args->push_back(NumberArg(lua_tonumber(L, j)));
    } else {
      size_t len;
      const char* s = lua_tolstring(L, j, &len);
      if (s == nullptr) {
        lua_settop(L, 0);
        PushError(L, "Lua redis lib command arguments must be strings or integers");
        return false;
      }
      args->emplace_back(s, len);
    }
  }
  lua_settop(L, 0);
  return true;
}

// Runs one redis.call/pcall and pushes its result. Returns true when the
// pushed value is an error that redis.call must raise. Kept apart from the
// lua_error call so no C++ object is alive when Lua longjmps.
bool RunRedisCommand(lua_State* L, bool raise_error) {
  LuaVm::RunState* rs = GetRun(L);
  if (rs == nullptr) {
    PushError(L, "redis.call/pcall can only be called inside a script invocation");
    return true;
  }
  std::vector<std::string> args;
  if (!CollectArgs(L, &args)) return raise_error;
  if (rs->in_call) {
    PushError(L, "luaRedisGenericCommand() recursive call detected. Are you doing funny stuff with Lua debug hooks?");
    return false;
  }
  std::string reply, err;
  rs->in_call = true;
  bool ran = rs->run->host->Call(args, rs->resp, &reply, &err);
  rs->in_call = false;
  if (!ran) {
    PushError(L, err);
    return raise_error;
  }
  PushReply(L, reply);
  return raise_error && !reply.empty() && reply[0] == '-';
}

int RedisGenericCommand(lua_State* L, bool raise_error) {
  if (RunRedisCommand(L, raise_error)) return lua_error(L);
  return 1;
}

int RedisCall(lua_State* L) { return RedisGenericCommand(L, true); }
int RedisPcallCommand(lua_State* L) { return RedisGenericCommand(L, false); }

// pcall() that turns Redis error tables into their message, as redis-server 7.0.
int ScriptPcall(lua_State* L) {
  int argc = lua_gettop(L);
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0)) {
    lua_remove(L, 1);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) lua_replace(L, -2);
      else lua_pop(L, 1);
    }
    lua_pushboolean(L, 0);
    lua_insert(L, 1);
  }
  return lua_gettop(L);
}

int RedisSha1hex(lua_State* L) {
  if (lua_gettop(L) != 1) RaiseError(L, "wrong number of arguments");
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(s ? s : ""), s ? len : 0, digest);
  static const char kHex[] = "0123456789abcdef";
  char hex[41];
  for (int i = 0; i < SHA_DIGEST_LENGTH; i++) {
    hex[i * 2] = kHex[digest[i] >> 4];
    hex[i * 2 + 1] = kHex[digest[i] & 15];
  }
  lua_pushlstring(L, hex, 40);
  return 1;
}

int RedisErrorReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushError(L, "wrong number or type of arguments");
    return 1;
  }
  std::string e = lua_tostring(L, -1);
  if (e.empty() || e[0] != '-') e = "-" + e;
  PushError(L, e);
  return 1;
}

int RedisStatusReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushError(L, "wrong number or type of arguments");
    return 1;
  }
  lua_newtable(L);
  lua_pushstring(L, "ok");
  lua_pushvalue(L, -3);
  lua_rawset(L, -3);
  return 1;
}

int RedisSetRepl(lua_State* L) {
  if (GetRun(L) == nullptr) RaiseError(L, "redis.set_repl can only be called inside a script invocation");
  if (lua_gettop(L) != 1) RaiseError(L, "redis.set_repl() requires two arguments.");
  int flags = static_cast<int>(lua_tonumber(L, -1));
  if ((flags & ~3) != 0) RaiseError(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  return 0;
}

int RedisReplicateCommands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

int RedisBreakpoint(lua_State* L) {
  lua_pushboolean(L, 0);  // only true under the Lua debugger, which LumaDB does not have
  return 1;
}

int RedisDebug(lua_State*) { return 0; }  // prints only under the Lua debugger

// -1: raise the pushed error; else the boolean to return.
int AclCheck(lua_State* L) {
  LuaVm::RunState* rs = GetRun(L);
  if (rs == nullptr) {
    PushError(L, "redis.acl_check_cmd can only be called inside a script invocation");
    return -1;
  }
  std::vector<std::string> args;
  if (!CollectArgs(L, &args)) return -1;
  int r = rs->run->host->CheckCommand(args);
  if (r < 0) {
    PushError(L, "Invalid command passed to redis.acl_check_cmd()");
    return -1;
  }
  return r;
}

int RedisAclCheckCmd(lua_State* L) {
  int r = AclCheck(L);
  if (r < 0) return lua_error(L);
  lua_pushboolean(L, r);
  return 1;
}

int RedisLog(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc < 2) RaiseError(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, -argc)) RaiseError(L, "First argument must be a number (log level).");
  int level = static_cast<int>(lua_tonumber(L, -argc));
  if (level < 0 || level > 3) RaiseError(L, "Invalid debug level.");
  std::string msg;
  for (int j = 1; j < argc; j++) {
    size_t len;
    const char* s = lua_tolstring(L, (-argc) + j, &len);
    if (s == nullptr) continue;
    if (j != 1) msg.push_back(' ');
    msg.append(s, len);
  }
  // Redis's levels: debug 0, verbose 1, notice 2, warning 3.
  if (level == 3) LOG_WARN("script: %s", msg.c_str());
  else if (level == 2) LOG_INFO("script: %s", msg.c_str());
  else LOG_DEBUG("script: %s", msg.c_str());
  return 0;
}

int RedisSetResp(lua_State* L) {
  LuaVm::RunState* rs = GetRun(L);
  if (rs == nullptr) RaiseError(L, "redis.setresp can only be called inside a script invocation");
  if (lua_gettop(L) != 1) RaiseError(L, "redis.setresp() requires one argument.");
  int resp = static_cast<int>(lua_tonumber(L, -1));
  if (resp != 2 && resp != 3) RaiseError(L, "RESP version must be 2 or 3.");
  rs->resp = resp;
  return 0;
}

int MathRandom(lua_State* L) {
  if (GetRun(L) == nullptr) return luaL_error(L, "math.random can only be called inside a script invocation");
  lua_Number r = static_cast<lua_Number>(Lrand48() % kLrand48Max) / static_cast<lua_Number>(kLrand48Max);
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * u) + 1);
      break;
    }
    case 2: {
      int l = luaL_checkint(L, 1);
      int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, std::floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int MathRandomseed(lua_State* L) {
  if (GetRun(L) == nullptr) return luaL_error(L, "math.randomseed can only be called inside a script invocation");
  Srand48(luaL_checkint(L, 1));
  return 0;
}

void SetFunction(lua_State* L, const char* name, lua_CFunction fn) {
  lua_pushstring(L, name);
  lua_pushcfunction(L, fn);
  lua_rawset(L, -3);
}

void SetNumber(lua_State* L, const char* name, lua_Number n) {
  lua_pushstring(L, name);
  lua_pushnumber(L, n);
  lua_rawset(L, -3);
}

void RegisterLog(lua_State* L) {
  SetFunction(L, "log", RedisLog);
  SetNumber(L, "LOG_DEBUG", 0);
  SetNumber(L, "LOG_VERBOSE", 1);
  SetNumber(L, "LOG_NOTICE", 2);
  SetNumber(L, "LOG_WARNING", 3);
}

void RegisterVersion(lua_State* L) {
  // The Redis version LumaDB answers as (RespConfig::version).
  SetNumber(L, "REDIS_VERSION_NUM", (7 << 16) | (0 << 8) | 15);
  lua_pushstring(L, "REDIS_VERSION");
  lua_pushstring(L, "7.0.15");
  lua_rawset(L, -3);
}

// ---- Function libraries ----

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// Reads the flags table at the top of the stack.
bool ReadFlags(lua_State* L, uint32_t* flags) {
  uint32_t f = 0;
  for (int j = 1;; j++) {
    lua_pushnumber(L, j);
    lua_gettable(L, -2);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      break;
    }
    if (!lua_isstring(L, -1)) {
      lua_pop(L, 1);
      return false;
    }
    uint32_t one;
    bool ok = ParseScriptFlag(lua_tostring(L, -1), &one);
    lua_pop(L, 1);
    if (!ok) return false;
    f |= one;
  }
  *flags = f;
  return true;
}

// Reads redis.register_function's arguments into *fn; returns null or the
// error text. Never raises, so the caller can raise with no C++ object alive.
const char* ReadRegisterArgs(lua_State* L, LuaVm::LoadState* ls, RegisteredFunction* fn) {
  int argc = lua_gettop(L);
  if (argc < 1 || argc > 2) return "wrong number of arguments to redis.register_function";
  bool have_name = false;
  int ref = LUA_NOREF;
  const char* err = nullptr;
  if (argc == 1) {
    if (!lua_istable(L, 1)) {
      return "calling redis.register_function with a single argument is only applicable to Lua table (representing "
             "named arguments).";
    }
    lua_pushnil(L);
    while (err == nullptr && lua_next(L, 1)) {
      if (!lua_isstring(L, -2)) {
        err = "named argument key given to redis.register_function is not a string";
        break;
      }
      const char* key = lua_tostring(L, -2);
      if (EqualsIgnoreCase(key, "function_name")) {
        if (!lua_isstring(L, -1)) err = "function_name argument given to redis.register_function must be a string";
        else fn->name = lua_tostring(L, -1), have_name = true;
      } else if (EqualsIgnoreCase(key, "description")) {
        if (!lua_isstring(L, -1)) err = "description argument given to redis.register_function must be a string";
        else fn->description = lua_tostring(L, -1), fn->has_description = true;
      } else if (EqualsIgnoreCase(key, "callback")) {
        if (!lua_isfunction(L, -1)) {
          err = "callback argument given to redis.register_function must be a function";
        } else {
          if (ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, ref);
          ref = luaL_ref(L, LUA_REGISTRYINDEX);
          continue;  // luaL_ref popped the value
        }
      } else if (EqualsIgnoreCase(key, "flags")) {
        if (!lua_istable(L, -1)) err = "flags argument to redis.register_function must be a table representing function flags";
        else if (!ReadFlags(L, &fn->flags)) err = "unknown flag given";
      } else {
        err = "unknown argument given to redis.register_function";
      }
      lua_pop(L, 1);
    }
    if (err == nullptr && !have_name) err = "redis.register_function must get a function name argument";
    if (err == nullptr && ref == LUA_NOREF) err = "redis.register_function must get a callback argument";
  } else {
    if (!lua_isstring(L, 1)) return "first argument to redis.register_function must be a string";
    fn->name = lua_tostring(L, 1);
    if (!lua_isfunction(L, 2)) return "second argument to redis.register_function must be a function";
    lua_settop(L, 2);
    ref = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  if (err == nullptr && !ValidName(fn->name)) {
    err = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";
  }
  for (size_t i = 0; err == nullptr && i < ls->functions->size(); i++) {
    if ((*ls->functions)[i].name == fn->name) err = "Function already exists in the library";
  }
  if (err != nullptr) {
    if (ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, ref);
    return err;
  }
  fn->ref = ref;
  return nullptr;
}

int RegisterFunction(lua_State* L) {
  LuaVm::LoadState* ls = GetLoad(L);
  if (ls == nullptr) RaiseError(L, "redis.register_function can only be called on FUNCTION LOAD command");
  const char* err;
  {
    RegisteredFunction fn;
    err = ReadRegisterArgs(L, ls, &fn);
    if (err == nullptr) ls->functions->push_back(std::move(fn));
  }
  if (err != nullptr) RaiseError(L, err);
  return 0;
}

void CountHook(lua_State* L, lua_Debug*) {
  LuaVm::RunState* rs = GetRun(L);
  if (rs == nullptr || !rs->run->host->Interrupt()) return;
  LOG_WARN("Lua script killed by user with SCRIPT KILL.");
  // Fire on every line from now on, so a pcall in the script cannot catch
  // the error and keep running.
  lua_sethook(L, CountHook, LUA_MASKLINE, 0);
  RaiseError(L, "Script killed by user with SCRIPT KILL...");
}

void LoadHook(lua_State* L, lua_Debug*) {
  LuaVm::LoadState* ls = GetLoad(L);
  if (ls == nullptr || ls->timeout_ms <= 0 || MonoMs() - ls->start_ms <= ls->timeout_ms) return;
  lua_sethook(L, LoadHook, LUA_MASKLINE, 0);
  RaiseError(L, "FUNCTION LOAD timeout");
}

// The error handler Redis installs: turns any error into a table with err,
// source and line, taking the caller's position when the error was raised
// by a C function.
const char kErrorHandler[] =
    "local dbg = debug\n"
    "local error_handler = function (err)\n"
    "  local i = dbg.getinfo(2,'nSl')\n"
    "  if i and i.what == 'C' then\n"
    "    i = dbg.getinfo(3,'nSl')\n"
    "  end\n"
    "  if type(err) ~= 'table' then\n"
    "    err = {err='ERR ' .. tostring(err)}\n"
    "  end\n"
    "  if i then\n"
    "    err['source'] = i.source\n"
    "    err['line'] = i.currentline\n"
    "  end\n"
    "  return err\n"
    "end\n"
    "return error_handler\n";

// The global names scripts see, as redis-server 7.0.15 (Debian) has them.
const char* const kAllowedGlobals[] = {
    "_G",         "_VERSION", "assert",   "bit",       "cjson",  "cmsgpack", "collectgarbage", "coroutine",
    "error",      "gcinfo",   "getmetatable", "ipairs", "load",  "loadstring", "math",        "next",
    "pairs",      "pcall",    "rawequal", "rawget",    "rawset", "redis",    "select",         "setmetatable",
    "string",     "struct",   "table",    "tonumber",  "tostring", "type",   "unpack",         "xpcall",
    "__redis__err__handler"};

void OpenLib(lua_State* L, const char* name, lua_CFunction fn) {
  lua_pushcfunction(L, fn);
  lua_pushstring(L, name);
  lua_call(L, 1, 1);
  // Libraries that do not register a global (cjson, struct, cmsgpack) get one.
  if (name[0] != '\0' && lua_istable(L, -1)) {
    lua_pushvalue(L, -1);
    lua_setglobal(L, name);
  }
  lua_pop(L, 1);
}

}  // namespace

bool ParseScriptFlag(std::string_view name, uint32_t* flag) {
  static const std::pair<const char*, uint32_t> kFlags[] = {
      {"no-writes", kScriptNoWrites},     {"allow-oom", kScriptAllowOom},
      {"allow-stale", kScriptAllowStale}, {"no-cluster", kScriptNoCluster},
      {"allow-cross-slot-keys", kScriptAllowCrossSlot}};
  for (const auto& [n, f] : kFlags) {
    if (EqualsIgnoreCase(name, n)) {
      *flag = f;
      return true;
    }
  }
  return false;
}

std::vector<std::string> ScriptFlagNames(uint32_t flags) {
  std::vector<std::string> out;
  if (flags & kScriptNoWrites) out.push_back("no-writes");
  if (flags & kScriptAllowOom) out.push_back("allow-oom");
  if (flags & kScriptAllowStale) out.push_back("allow-stale");
  if (flags & kScriptNoCluster) out.push_back("no-cluster");
  if (flags & kScriptAllowCrossSlot) out.push_back("allow-cross-slot-keys");
  return out;
}

LuaVm::LuaVm(Mode mode) : mode_(mode) { Setup(); }

LuaVm::~LuaVm() {
  if (L_ != nullptr) lua_close(L_);
}

void LuaVm::Setup() {
  L_ = luaL_newstate();
  lua_State* L = L_;
  lua_pushlightuserdata(L, &kProxiesKey);
  lua_newtable(L);
  lua_newtable(L);  // weak keys: a dropped proxy does not keep its table alive
  lua_pushstring(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);

  OpenLib(L, "", luaopen_base);
  OpenLib(L, LUA_TABLIBNAME, luaopen_table);
  OpenLib(L, LUA_STRLIBNAME, luaopen_string);
  OpenLib(L, LUA_MATHLIBNAME, luaopen_math);
  OpenLib(L, LUA_DBLIBNAME, luaopen_debug);
  OpenLib(L, "cjson", luaopen_cjson);
  OpenLib(L, "struct", LuaOpenStruct);
  OpenLib(L, "cmsgpack", LuaOpenCmsgpack);
  OpenLib(L, "bit", luaopen_bit);

  // The error handler needs `debug`, which scripts do not get.
  luaL_loadbuffer(L, kErrorHandler, sizeof(kErrorHandler) - 1, "@err_handler_def");
  lua_call(L, 0, 1);
  error_handler_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);

  lua_pushcfunction(L, ScriptPcall);
  lua_setglobal(L, "pcall");
  lua_pushcfunction(L, SafeNext);
  lua_pushvalue(L, -1);
  lua_setglobal(L, "next");
  lua_pushcclosure(L, SafePairs, 1);
  lua_setglobal(L, "pairs");
  lua_pushcfunction(L, IpairsAux);
  lua_pushcclosure(L, SafeIpairs, 1);
  lua_setglobal(L, "ipairs");
  lua_pushcfunction(L, SafeRawget);
  lua_setglobal(L, "rawget");
  lua_pushcfunction(L, SafeRawset);
  lua_setglobal(L, "rawset");
  lua_pushcfunction(L, SafeSetmetatable);
  lua_setglobal(L, "setmetatable");

  lua_getglobal(L, "math");
  SetFunction(L, "random", MathRandom);
  SetFunction(L, "randomseed", MathRandomseed);
  lua_pop(L, 1);

  // The redis API.
  lua_newtable(L);
  SetFunction(L, "call", RedisCall);
  SetFunction(L, "pcall", RedisPcallCommand);
  RegisterLog(L);
  RegisterVersion(L);
  SetFunction(L, "setresp", RedisSetResp);
  SetFunction(L, "sha1hex", RedisSha1hex);
  SetFunction(L, "error_reply", RedisErrorReply);
  SetFunction(L, "status_reply", RedisStatusReply);
  SetFunction(L, "set_repl", RedisSetRepl);
  SetFunction(L, "replicate_commands", RedisReplicateCommands);
  SetFunction(L, "breakpoint", RedisBreakpoint);
  SetFunction(L, "debug", RedisDebug);
  SetFunction(L, "acl_check_cmd", RedisAclCheckCmd);
  SetNumber(L, "REPL_NONE", 0);
  SetNumber(L, "REPL_AOF", 1);
  SetNumber(L, "REPL_SLAVE", 2);
  SetNumber(L, "REPL_REPLICA", 2);
  SetNumber(L, "REPL_ALL", 3);
  lua_setglobal(L, "redis");

  if (mode_ == Mode::kEval) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, error_handler_ref_);
    lua_setglobal(L, "__redis__err__handler");
  }

  // Drop every global Redis does not offer (print, dofile, loadfile,
  // getfenv, setfenv, newproxy, module, debug, ...).
  std::vector<std::string> drop;
  lua_pushnil(L);
  while (lua_next(L, LUA_GLOBALSINDEX)) {
    lua_pop(L, 1);
    std::string name = lua_tostring(L, -1);
    bool allowed = false;
    for (const char* a : kAllowedGlobals) allowed = allowed || name == a;
    if (!allowed) drop.push_back(name);
  }
  for (const auto& name : drop) {
    lua_pushnil(L);
    lua_setglobal(L, name.c_str());
  }

  // Protect the libraries, then the globals. R is the real globals table.
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  int real = lua_gettop(L);
  std::vector<std::string> tables;
  lua_pushnil(L);
  while (lua_next(L, real)) {
    if (lua_istable(L, -1) && lua_type(L, -2) == LUA_TSTRING) tables.push_back(lua_tostring(L, -2));
    lua_pop(L, 1);
  }
  for (const auto& name : tables) {
    if (name == "_G") continue;
    lua_getfield(L, real, name.c_str());
    PushProxy(L, -1);
    lua_setfield(L, real, name.c_str());
    lua_pop(L, 1);
  }
  // String values index the string library through their metatable; keep
  // that metatable out of reach too.
  lua_pushstring(L, "");
  if (lua_getmetatable(L, -1)) {
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);

  // A miss in the real globals is an error, as in Redis.
  lua_newtable(L);
  lua_pushcfunction(L, NonexistentGlobal);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, real);
  lua_pushvalue(L, real);
  run_api_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);

  // The library API: only redis.register_function, redis.log and the version.
  lua_newtable(L);  // load globals
  int load_globals = lua_gettop(L);
  lua_newtable(L);  // load `redis`
  SetFunction(L, "register_function", RegisterFunction);
  RegisterLog(L);
  RegisterVersion(L);
  lua_newtable(L);
  lua_pushcfunction(L, NonexistentGlobal);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  PushProxy(L, -1);
  lua_setfield(L, load_globals, "redis");
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushcfunction(L, NonexistentGlobal);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, load_globals);
  load_api_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);

  // Scripts run in an empty globals table whose metatable reads from R (or
  // from the library API while FUNCTION LOAD runs) and refuses writes.
  PushProxy(L, real);
  lua_getmetatable(L, -1);
  globals_meta_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, -1);
  lua_setfield(L, real, "_G");
  lua_replace(L, LUA_GLOBALSINDEX);
  lua_pop(L, 1);  // real

  lua_newtable(L);
  scripts_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_gc(L, LUA_GCCOLLECT, 0);
}

std::string LuaVm::CompileScript(const std::string& sha, std::string_view body) {
  if (luaL_loadbuffer(L_, body.data(), body.size(), "@user_script")) {
    std::string err = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "unknown error";
    lua_pop(L_, 1);
    return err;
  }
  lua_rawgeti(L_, LUA_REGISTRYINDEX, scripts_ref_);
  lua_pushlstring(L_, sha.data(), sha.size());
  lua_pushvalue(L_, -3);
  lua_rawset(L_, -3);
  lua_pop(L_, 2);
  return std::string();
}

bool LuaVm::HasScript(const std::string& sha) const {
  lua_rawgeti(L_, LUA_REGISTRYINDEX, scripts_ref_);
  lua_pushlstring(L_, sha.data(), sha.size());
  lua_rawget(L_, -2);
  bool has = lua_isfunction(L_, -1);
  lua_pop(L_, 2);
  return has;
}

std::string LuaVm::LoadLibrary(std::string_view code, int64_t timeout_ms, std::vector<RegisteredFunction>* out) {
  lua_State* L = L_;
  auto set_globals = [&](int api_ref) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, globals_meta_ref_);
    lua_rawgeti(L, LUA_REGISTRYINDEX, api_ref);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
  };
  set_globals(load_api_ref_);
  std::string err;
  if (luaL_loadbuffer(L, code.data(), code.size(), "@user_function")) {
    err = std::string("Error compiling function: ") + (lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
    lua_pop(L, 1);
    set_globals(run_api_ref_);
    return err;
  }
  std::vector<RegisteredFunction> registered;
  LoadState ls{&registered, MonoMs(), timeout_ms};
  SetRegistryPointer(L, &kLoadKey, &ls);
  lua_sethook(L, LoadHook, LUA_MASKCOUNT, kHookInstructions);
  if (lua_pcall(L, 0, 0, 0)) {
    std::string msg;
    if (lua_isstring(L, -1)) {
      msg = std::string("ERR ") + lua_tostring(L, -1);
    } else if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) msg = lua_tostring(L, -1);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    err = "Error registering functions: " + msg;
  }
  lua_sethook(L, nullptr, 0, 0);
  SetRegistryPointer(L, &kLoadKey, nullptr);
  set_globals(run_api_ref_);
  if (!err.empty()) {
    for (const auto& f : registered) ReleaseFunction(f.ref);
    return err;
  }
  *out = std::move(registered);
  return std::string();
}

void LuaVm::ReleaseFunction(int ref) { luaL_unref(L_, LUA_REGISTRYINDEX, ref); }

namespace {
void PushStringArray(lua_State* L, const std::vector<std::string_view>& items) {
  lua_createtable(L, static_cast<int>(items.size()), 0);
  for (size_t j = 0; j < items.size(); j++) {
    lua_pushlstring(L, items[j].data(), items[j].size());
    lua_rawseti(L, -2, static_cast<int>(j + 1));
  }
}
}  // namespace

void LuaVm::RunScript(const std::string& sha, const ScriptRun& run, Writer& w) {
  lua_State* L = L_;
  lua_checkstack(L, 8);
  lua_rawgeti(L, LUA_REGISTRYINDEX, error_handler_ref_);
  lua_rawgeti(L, LUA_REGISTRYINDEX, scripts_ref_);
  lua_pushlstring(L, sha.data(), sha.size());
  lua_rawget(L, -2);
  lua_remove(L, -2);
  // KEYS and ARGV are globals of EVAL scripts.
  lua_rawgeti(L, LUA_REGISTRYINDEX, run_api_ref_);
  PushStringArray(L, *run.keys);
  lua_setfield(L, -2, "KEYS");  // the real globals have no __newindex
  PushStringArray(L, *run.args);
  lua_setfield(L, -2, "ARGV");
  lua_pop(L, 1);
  Call(run, 0, w);
}

void LuaVm::RunFunction(int ref, const ScriptRun& run, Writer& w) {
  lua_State* L = L_;
  lua_checkstack(L, 8);
  lua_rawgeti(L, LUA_REGISTRYINDEX, error_handler_ref_);
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  PushStringArray(L, *run.keys);
  PushStringArray(L, *run.args);
  Call(run, 2, w);
}

// Stack: error handler, function, nargs arguments.
void LuaVm::Call(const ScriptRun& run, int nargs, Writer& w) {
  lua_State* L = L_;
  RunState rs{&run};
  SetRegistryPointer(L, &kRunKey, &rs);
  lua_sethook(L, CountHook, LUA_MASKCOUNT, kHookInstructions);
  int err = lua_pcall(L, nargs, 1, -(nargs + 2));
  lua_sethook(L, nullptr, 0, 0);
  if (++calls_since_gc_ >= kGcCyclePeriod) {
    lua_gc(L, LUA_GCSTEP, kGcCyclePeriod);
    calls_since_gc_ = 0;
  }
  if (err) {
    if (!lua_istable(L, -1)) {
      std::string msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
      w.Error("ERR Error running script " + std::string(run.name) + ", " + msg.substr(0, 100));
    } else {
      std::string msg, source, line;
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) msg = lua_tostring(L, -1);
      lua_pop(L, 1);
      lua_getfield(L, -1, "source");
      bool has_source = lua_isstring(L, -1);
      if (has_source) source = lua_tostring(L, -1);
      lua_pop(L, 1);
      lua_getfield(L, -1, "line");
      bool has_line = lua_isstring(L, -1);
      if (has_line) line = lua_tostring(L, -1);
      lua_pop(L, 1);
      std::string final_msg = msg;
      if (has_source && has_line) final_msg += " script: " + std::string(run.name) + ", on " + source + ":" + line + ".";
      w.Error(final_msg);
    }
    lua_pop(L, 1);
  } else {
    LuaToReply(L, w, rs.resp, 0);
  }
  lua_pop(L, 1);  // error handler
  SetRegistryPointer(L, &kRunKey, nullptr);
}

size_t LuaVm::MemoryBytes() const { return static_cast<size_t>(lua_gc(L_, LUA_GCCOUNT, 0)) * 1024; }

}  // namespace lumadb::protocol::resp

// String commands.
#include <cmath>
#include <limits>

#include "common/clock.h"
#include "common/strutil.h"
#include "protocol/resp/command.h"
#include "protocol/resp/notify.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {
namespace {

using engine::kv::Type;
using engine::kv::Value;

// Finds a string value; writes WRONGTYPE and returns false for other types.
bool FindString(CommandContext& ctx, std::string_view key, Value** out, Lookup lookup = Lookup::kByCommand) {
  bool wrong;
  *out = FindTyped(ctx, key, Type::kString, &wrong, lookup);
  return !wrong;
}

bool CheckSize(CommandContext& ctx, uint64_t size) {
  if (size > ctx.server.config().limits.max_bulk_len) {
    ctx.w.Error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    return false;
  }
  return true;
}

void Get(CommandContext& ctx) {
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v)) return;
  if (v == nullptr) {
    ctx.server.keyspace_misses.fetch_add(1, std::memory_order_relaxed);
    ctx.w.Null();
    return;
  }
  ctx.server.keyspace_hits.fetch_add(1, std::memory_order_relaxed);
  ctx.w.Bulk(v->str());
}

// Parses an expiry given as "EX n", "PX n", "EXAT n" or "PXAT n" into an
// absolute ms time. Writes the error reply and returns false if invalid.
bool ParseExpiry(CommandContext& ctx, std::string_view unit, std::string_view arg, const char* cmd, int64_t* at) {
  int64_t n;
  if (!ParseInt64(arg, &n)) {
    ctx.w.Error(kErrNotInt);
    return false;
  }
  bool seconds = IsArg(unit, "EX") || IsArg(unit, "EXAT");
  bool absolute = IsArg(unit, "EXAT") || IsArg(unit, "PXAT");
  std::string invalid = std::string("ERR invalid expire time in '") + cmd + "' command";
  if (n <= 0 || (seconds && n > std::numeric_limits<int64_t>::max() / 1000)) {
    ctx.w.Error(invalid);
    return false;
  }
  if (seconds) n *= 1000;
  if (!absolute) {
    int64_t now = NowMs();
    if (n > std::numeric_limits<int64_t>::max() - now) {
      ctx.w.Error(invalid);
      return false;
    }
    n += now;
  }
  *at = n;
  return true;
}

void Set(CommandContext& ctx) {
  bool nx = false, xx = false, get = false, keepttl = false, has_expire = false;
  int64_t expire_at = 0;
  for (size_t i = 3; i < ctx.argc(); i++) {
    std::string_view o = ctx.arg(i);
    if (IsArg(o, "NX") && !xx) {
      nx = true;
    } else if (IsArg(o, "XX") && !nx) {
      xx = true;
    } else if (IsArg(o, "GET")) {
      get = true;
    } else if (IsArg(o, "KEEPTTL") && !has_expire) {
      keepttl = true;
    } else if ((IsArg(o, "EX") || IsArg(o, "PX") || IsArg(o, "EXAT") || IsArg(o, "PXAT")) && !keepttl &&
               !has_expire && i + 1 < ctx.argc()) {
      if (!ParseExpiry(ctx, o, ctx.arg(i + 1), "set", &expire_at)) return;
      has_expire = true;
      i++;
    } else {
      ctx.w.Error(kErrSyntax);
      return;
    }
  }
  std::string_view key = ctx.arg(1);
  // GET reads the old value first (a read lookup in Redis).
  Value* old = get ? FindForRead(ctx, key) : ctx.store.Find(ctx.db, key);
  if (get && old != nullptr && !old->IsString()) {
    ctx.w.Error(kErrWrongType);
    return;
  }
  bool exists = old != nullptr;
  auto reply_old = [&] {
    if (old == nullptr) ctx.w.Null();
    else ctx.w.Bulk(old->str());
  };
  if ((nx && exists) || (xx && !exists)) {
    if (get) reply_old();
    else ctx.w.Null();
    return;
  }
  if (get) reply_old();
  Value nv{std::string(ctx.arg(2))};
  nv.expire_ms = has_expire ? expire_at : (keepttl && old != nullptr ? old->expire_ms : 0);
  ctx.store.Put(ctx.db, key, std::move(nv));
  NotifyKeyspaceEvent(ctx, kNotifyString, "set", key);
  if (has_expire) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "expire", key);
  if (!get) ctx.w.Ok();
}

void SetNx(CommandContext& ctx) {
  if (ctx.store.Find(ctx.db, ctx.arg(1)) != nullptr) return ctx.w.Integer(0);
  ctx.store.Put(ctx.db, ctx.arg(1), Value{std::string(ctx.arg(2))});
  NotifyKeyspaceEvent(ctx, kNotifyString, "set", ctx.arg(1));
  ctx.w.Integer(1);
}

void SetExGeneric(CommandContext& ctx, const char* unit, const char* cmd) {
  int64_t at;
  if (!ParseExpiry(ctx, unit, ctx.arg(2), cmd, &at)) return;
  Value nv{std::string(ctx.arg(3))};
  nv.expire_ms = at;
  ctx.store.Put(ctx.db, ctx.arg(1), std::move(nv));
  NotifyKeyspaceEvent(ctx, kNotifyString, "set", ctx.arg(1));
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "expire", ctx.arg(1));
  ctx.w.Ok();
}

void SetEx(CommandContext& ctx) { SetExGeneric(ctx, "EX", "setex"); }
void PSetEx(CommandContext& ctx) { SetExGeneric(ctx, "PX", "psetex"); }

void GetSet(CommandContext& ctx) {
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v, Lookup::kRead)) return;
  if (v == nullptr) ctx.w.Null();
  else ctx.w.Bulk(v->str());
  ctx.store.Put(ctx.db, ctx.arg(1), Value{std::string(ctx.arg(2))});
  NotifyKeyspaceEvent(ctx, kNotifyString, "set", ctx.arg(1));
}

void GetDel(CommandContext& ctx) {
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v, Lookup::kRead)) return;
  if (v == nullptr) return ctx.w.Null();
  ctx.w.Bulk(v->str());
  ctx.store.Erase(ctx.db, ctx.arg(1));
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", ctx.arg(1));
}

void GetEx(CommandContext& ctx) {
  bool persist = false, has_expire = false;
  int64_t at = 0;
  for (size_t i = 2; i < ctx.argc(); i++) {
    std::string_view o = ctx.arg(i);
    if (IsArg(o, "PERSIST") && !has_expire && !persist) {
      persist = true;
    } else if ((IsArg(o, "EX") || IsArg(o, "PX") || IsArg(o, "EXAT") || IsArg(o, "PXAT")) && !persist &&
               !has_expire && i + 1 < ctx.argc()) {
      if (!ParseExpiry(ctx, o, ctx.arg(i + 1), "getex", &at)) return;
      has_expire = true;
      i++;
    } else {
      ctx.w.Error(kErrSyntax);
      return;
    }
  }
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v, Lookup::kRead)) return;
  if (v == nullptr) return ctx.w.Null();
  ctx.w.Bulk(v->str());
  if (has_expire) {
    if (at <= NowMs()) {
      ctx.store.Erase(ctx.db, ctx.arg(1));
      NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", ctx.arg(1));
    } else {
      ctx.store.SetExpire(ctx.db, ctx.arg(1), v, at);
      NotifyKeyspaceEvent(ctx, kNotifyGeneric, "expire", ctx.arg(1));
    }
  } else if (persist && v->expire_ms != 0) {
    ctx.store.SetExpire(ctx.db, ctx.arg(1), v, 0);
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "persist", ctx.arg(1));
  }
}

void MGet(CommandContext& ctx) {
  ctx.w.Array(ctx.argc() - 1);
  for (size_t i = 1; i < ctx.argc(); i++) {
    Value* v = FindForRead(ctx, ctx.arg(i));
    if (v == nullptr || !v->IsString()) ctx.w.Null();
    else ctx.w.Bulk(v->str());
  }
}

void MSet(CommandContext& ctx) {
  if (ctx.argc() % 2 != 1) {
    ctx.w.Error(ArityError(ctx.spec->name));
    return;
  }
  bool nx = std::string_view(ctx.spec->name) == "msetnx";
  if (nx) {
    for (size_t i = 1; i < ctx.argc(); i += 2) {
      if (ctx.store.Find(ctx.db, ctx.arg(i)) != nullptr) return ctx.w.Integer(0);
    }
  }
  // Redis's setKey looks the key up first, which counts as an access: under
  // an LFU policy the new value inherits the bumped counter. Otherwise Put
  // sets the access time itself.
  bool lfu = engine::kv::PolicyIsLfu(ctx.store.eviction_policy());
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    if (lfu) ctx.store.Find(ctx.db, ctx.arg(i));
    ctx.store.Put(ctx.db, ctx.arg(i), Value{std::string(ctx.arg(i + 1))});
    NotifyKeyspaceEvent(ctx, kNotifyString, "set", ctx.arg(i));
  }
  if (nx) ctx.w.Integer(1);
  else ctx.w.Ok();
}

void Append(CommandContext& ctx) {
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v)) return;
  if (v == nullptr) {
    v = &ctx.store.Put(ctx.db, ctx.arg(1), Value{std::string(ctx.arg(2))});
  } else {
    if (!CheckSize(ctx, v->str().size() + ctx.arg(2).size())) return;
    v->str().append(ctx.arg(2));
    ctx.store.Touched(ctx.db, ctx.arg(1));
  }
  NotifyKeyspaceEvent(ctx, kNotifyString, "append", ctx.arg(1));
  ctx.w.Integer(static_cast<int64_t>(v->str().size()));
}

void StrLen(CommandContext& ctx) {
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v)) return;
  ctx.w.Integer(v == nullptr ? 0 : static_cast<int64_t>(v->str().size()));
}

void IncrBy(CommandContext& ctx, int64_t delta) {
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v)) return;
  int64_t cur = 0;
  if (v != nullptr && !ParseInt64(v->str(), &cur)) {
    ctx.w.Error(kErrNotInt);
    return;
  }
  if ((delta < 0 && cur < 0 && delta < std::numeric_limits<int64_t>::min() - cur) ||
      (delta > 0 && cur > 0 && delta > std::numeric_limits<int64_t>::max() - cur)) {
    ctx.w.Error(kErrOverflow);
    return;
  }
  cur += delta;
  std::string s;
  AppendInt(&s, cur);
  if (v == nullptr) {
    ctx.store.Put(ctx.db, ctx.arg(1), Value{std::move(s)});
  } else {
    v->str() = std::move(s);
    ctx.store.Touched(ctx.db, ctx.arg(1));
  }
  NotifyKeyspaceEvent(ctx, kNotifyString, "incrby", ctx.arg(1));
  ctx.w.Integer(cur);
}

void Incr(CommandContext& ctx) { IncrBy(ctx, 1); }
void Decr(CommandContext& ctx) { IncrBy(ctx, -1); }
void IncrByCmd(CommandContext& ctx) {
  int64_t d;
  if (!ArgInt(ctx, 2, &d)) return;
  IncrBy(ctx, d);
}
void DecrByCmd(CommandContext& ctx) {
  int64_t d;
  if (!ArgInt(ctx, 2, &d)) return;
  if (d == std::numeric_limits<int64_t>::min()) {
    ctx.w.Error("ERR decrement would overflow");
    return;
  }
  IncrBy(ctx, -d);
}

void IncrByFloat(CommandContext& ctx) {
  long double incr;
  if (!ParseLongDouble(ctx.arg(2), &incr)) {
    ctx.w.Error(kErrNotFloat);
    return;
  }
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v)) return;
  long double cur = 0;
  if (v != nullptr && !ParseLongDouble(v->str(), &cur)) {
    ctx.w.Error(kErrNotFloat);
    return;
  }
  long double r = cur + incr;
  if (std::isnan(r) || std::isinf(r)) {
    ctx.w.Error("ERR increment would produce NaN or Infinity");
    return;
  }
  std::string s = FormatLongDouble(r);
  if (v == nullptr) {
    ctx.store.Put(ctx.db, ctx.arg(1), Value{s});
  } else {
    v->str() = s;
    ctx.store.Touched(ctx.db, ctx.arg(1));
  }
  NotifyKeyspaceEvent(ctx, kNotifyString, "incrbyfloat", ctx.arg(1));
  ctx.w.Bulk(s);
}

void GetRange(CommandContext& ctx) {
  int64_t start, end;
  if (!ArgInt(ctx, 2, &start) || !ArgInt(ctx, 3, &end)) return;
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v)) return;
  if (v == nullptr) return ctx.w.Bulk("");
  const std::string& s = v->str();
  int64_t len = static_cast<int64_t>(s.size());
  if (start < 0 && end < 0 && start > end) return ctx.w.Bulk("");
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (len == 0 || start > end) return ctx.w.Bulk("");
  ctx.w.Bulk(std::string_view(s).substr(start, end - start + 1));
}

void SetRange(CommandContext& ctx) {
  int64_t offset;
  if (!ArgInt(ctx, 2, &offset)) return;
  if (offset < 0) {
    ctx.w.Error("ERR offset is out of range");
    return;
  }
  std::string_view val = ctx.arg(3);
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v)) return;
  if (v == nullptr) {
    if (val.empty()) return ctx.w.Integer(0);
    if (!CheckSize(ctx, offset + val.size())) return;
    std::string s(offset, '\0');
    s.append(val);
    ctx.store.Put(ctx.db, ctx.arg(1), Value{std::move(s)});
    NotifyKeyspaceEvent(ctx, kNotifyString, "setrange", ctx.arg(1));
    ctx.w.Integer(offset + static_cast<int64_t>(val.size()));
    return;
  }
  std::string& s = v->str();
  if (val.empty()) return ctx.w.Integer(static_cast<int64_t>(s.size()));
  if (!CheckSize(ctx, offset + val.size())) return;
  if (s.size() < offset + val.size()) s.resize(offset + val.size(), '\0');
  s.replace(offset, val.size(), val);
  ctx.store.Touched(ctx.db, ctx.arg(1));
  NotifyKeyspaceEvent(ctx, kNotifyString, "setrange", ctx.arg(1));
  ctx.w.Integer(static_cast<int64_t>(s.size()));
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
void Lcs(CommandContext& ctx) {
  bool get_len = false, get_idx = false, with_len = false;
  int64_t min_len = 0;
  for (size_t i = 3; i < ctx.argc(); i++) {
    std::string_view o = ctx.arg(i);
    if (IsArg(o, "LEN")) get_len = true;
    else if (IsArg(o, "IDX")) get_idx = true;
    else if (IsArg(o, "WITHMATCHLEN")) with_len = true;
    else if (IsArg(o, "MINMATCHLEN") && i + 1 < ctx.argc()) {
      if (!ArgInt(ctx, ++i, &min_len)) return;
      if (min_len < 0) min_len = 0;
    } else {
      ctx.w.Error(kErrSyntax);
      return;
    }
  }
  Value* va = FindForRead(ctx, ctx.arg(1));
  Value* vb = FindForRead(ctx, ctx.arg(2));
  if ((va != nullptr && !va->IsString()) || (vb != nullptr && !vb->IsString())) {
    ctx.w.Error("ERR The specified keys must contain string values");
    return;
  }
  if (get_len && get_idx) {
    ctx.w.Error("ERR If you want both the length and indexes, please just use IDX.");
    return;
  }
  std::string a = va ? va->str() : std::string(), b = vb ? vb->str() : std::string();
  size_t n = a.size(), m = b.size();
  if ((n + 1) * (m + 1) > (1ull << 32)) {
    ctx.w.Error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    return;
  }
  std::vector<uint32_t> dp((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return dp[i * (m + 1) + j]; };
  for (size_t i = 1; i <= n; i++) {
    for (size_t j = 1; j <= m; j++) {
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
    }
  }
  uint32_t len = at(n, m);
  if (get_len) return ctx.w.Integer(len);
  // Walk back, collecting the string and the matching ranges (as Redis does).
  std::string result(len, '\0');
  size_t idx = len;
  struct Match {
    size_t a_start, a_end, b_start, b_end;
  };
  std::vector<Match> matches;
  size_t i = n, j = m;
  bool in_range = false;
  Match cur{};
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[--idx] = a[i - 1];
      if (!in_range) {
        cur = {i - 1, i - 1, j - 1, j - 1};
        in_range = true;
      } else if (cur.a_start == i && cur.b_start == j) {
        cur.a_start = i - 1;
        cur.b_start = j - 1;
      } else {
        emit = true;
      }
      if (!emit) {
        i--;
        j--;
      }
    } else {
      if (in_range) emit = true;
      else if (at(i - 1, j) > at(i, j - 1)) i--;
      else j--;
    }
    if (emit) {
      if (cur.a_end - cur.a_start + 1 >= static_cast<size_t>(min_len)) matches.push_back(cur);
      in_range = false;
    }
  }
  if (in_range && cur.a_end - cur.a_start + 1 >= static_cast<size_t>(min_len)) matches.push_back(cur);
  if (!get_idx) return ctx.w.Bulk(result);
  ctx.w.Map(2);
  ctx.w.Bulk("matches");
  ctx.w.Array(matches.size());
  for (const Match& mt : matches) {
    ctx.w.Array(with_len ? 3 : 2);
    ctx.w.Array(2);
    ctx.w.Integer(static_cast<int64_t>(mt.a_start));
    ctx.w.Integer(static_cast<int64_t>(mt.a_end));
    ctx.w.Array(2);
    ctx.w.Integer(static_cast<int64_t>(mt.b_start));
    ctx.w.Integer(static_cast<int64_t>(mt.b_end));
    if (with_len) ctx.w.Integer(static_cast<int64_t>(mt.a_end - mt.a_start + 1));
  }
  ctx.w.Bulk("len");
  ctx.w.Integer(len);
}

}  // namespace

const std::vector<CommandSpec>& StringCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"get", 2, kReadonly | kFast, 1, 1, 1, Get, "string", "Returns the string value of a key."},
      {"set", -3, kWrite | kDenyOom, 1, 1, 1, Set, "string",
       "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist."},
      {"setnx", 3, kWrite | kDenyOom | kFast, 1, 1, 1, SetNx, "string",
       "Set the string value of a key only when the key doesn't exist."},
      {"setex", 4, kWrite | kDenyOom, 1, 1, 1, SetEx, "string",
       "Sets the string value and expiration time of a key. Creates the key if it doesn't exist."},
      {"psetex", 4, kWrite | kDenyOom, 1, 1, 1, PSetEx, "string",
       "Sets both string value and expiration time in milliseconds of a key."},
      {"getset", 3, kWrite | kDenyOom | kFast, 1, 1, 1, GetSet, "string",
       "Returns the previous string value of a key after setting it to a new value."},
      {"getdel", 2, kWrite | kFast, 1, 1, 1, GetDel, "string",
       "Returns the string value of a key after deleting the key."},
      {"getex", -2, kWrite | kFast, 1, 1, 1, GetEx, "string",
       "Returns the string value of a key after setting its expiration time."},
      {"mget", -2, kReadonly | kFast, 1, -1, 1, MGet, "string", "Atomically returns the string values of one or more keys."},
      {"mset", -3, kWrite | kDenyOom, 1, -1, 2, MSet, "string",
       "Atomically creates or modifies the string values of one or more keys."},
      {"msetnx", -3, kWrite | kDenyOom, 1, -1, 2, MSet, "string",
       "Atomically modifies the string values of one or more keys only when all keys don't exist."},
      {"append", 3, kWrite | kDenyOom | kFast, 1, 1, 1, Append, "string",
       "Appends a string to the value of a key. Creates the key if it doesn't exist."},
      {"strlen", 2, kReadonly | kFast, 1, 1, 1, StrLen, "string", "Returns the length of a string value."},
      {"incr", 2, kWrite | kDenyOom | kFast, 1, 1, 1, Incr, "string",
       "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."},
      {"decr", 2, kWrite | kDenyOom | kFast, 1, 1, 1, Decr, "string",
       "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."},
      {"incrby", 3, kWrite | kDenyOom | kFast, 1, 1, 1, IncrByCmd, "string",
       "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist."},
      {"decrby", 3, kWrite | kDenyOom | kFast, 1, 1, 1, DecrByCmd, "string",
       "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist."},
      {"incrbyfloat", 3, kWrite | kDenyOom | kFast, 1, 1, 1, IncrByFloat, "string",
       "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist."},
      {"getrange", 4, kReadonly, 1, 1, 1, GetRange, "string", "Returns a substring of the string stored at a key."},
      {"substr", 4, kReadonly, 1, 1, 1, GetRange, "string", "Returns a substring from a string value."},
      {"setrange", 4, kWrite | kDenyOom, 1, 1, 1, SetRange, "string",
       "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist."},
      {"lcs", -3, kReadonly, 1, 2, 1, Lcs, "string", "Finds the longest common substring."},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

// Generic key commands: DEL, UNLINK, EXISTS, TYPE, EXPIRE family, TTL family,
// PERSIST, KEYS, SCAN, RENAME, RENAMENX, COPY, MOVE, RANDOMKEY, TOUCH, OBJECT.
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

void Del(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++) n += DeleteAndNotify(ctx, ctx.arg(i)) ? 1 : 0;
  ctx.w.Integer(n);
}

// EXISTS, TYPE and the TTL family look keys up without counting as an
// access (Redis's LOOKUP_NOTOUCH); TOUCH counts.
void Exists(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++) n += PeekForRead(ctx, ctx.arg(i)) != nullptr ? 1 : 0;
  ctx.w.Integer(n);
}

void Touch(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); i++) n += FindForRead(ctx, ctx.arg(i)) != nullptr ? 1 : 0;
  ctx.w.Integer(n);
}

void TypeCmd(CommandContext& ctx) {
  Value* v = PeekForRead(ctx, ctx.arg(1));
  ctx.w.Simple(v == nullptr ? "none" : engine::kv::TypeName(v->type()));
}

// EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT key time [NX|XX|GT|LT]
void ExpireGeneric(CommandContext& ctx, bool ms_unit, bool absolute) {
  int64_t when;
  if (!ArgInt(ctx, 2, &when)) return;
  bool nx = false, xx = false, gt = false, lt = false;
  for (size_t i = 3; i < ctx.argc(); i++) {
    std::string_view o = ctx.arg(i);
    if (IsArg(o, "NX")) nx = true;
    else if (IsArg(o, "XX")) xx = true;
    else if (IsArg(o, "GT")) gt = true;
    else if (IsArg(o, "LT")) lt = true;
    else {
      ctx.w.Error("ERR Unsupported option " + std::string(o));
      return;
    }
  }
  if (nx && (xx || gt || lt)) {
    ctx.w.Error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return;
  }
  if (gt && lt) {
    ctx.w.Error("ERR GT and LT options at the same time are not compatible");
    return;
  }
  std::string cmd = ToLower(ctx.arg(0));
  if (!ms_unit) {
    if (when > std::numeric_limits<int64_t>::max() / 1000 || when < std::numeric_limits<int64_t>::min() / 1000) {
      ctx.w.Error("ERR invalid expire time in '" + cmd + "' command");
      return;
    }
    when *= 1000;
  }
  if (!absolute) {
    int64_t now = NowMs();
    if ((when > 0 && now > std::numeric_limits<int64_t>::max() - when)) {
      ctx.w.Error("ERR invalid expire time in '" + cmd + "' command");
      return;
    }
    when += now;
  }
  Value* v = ctx.store.Find(ctx.db, ctx.arg(1));
  if (v == nullptr) {
    ctx.w.Integer(0);
    return;
  }
  int64_t cur = v->expire_ms;  // 0 = persistent, treated as infinite TTL
  if (nx && cur != 0) return ctx.w.Integer(0);
  if (xx && cur == 0) return ctx.w.Integer(0);
  if (gt && (cur == 0 || when <= cur)) return ctx.w.Integer(0);
  if (lt && cur != 0 && when >= cur) return ctx.w.Integer(0);
  // A time in the past deletes the key ("del"), as Redis does.
  if (when <= NowMs()) {
    DeleteAndNotify(ctx, ctx.arg(1));
    ctx.w.Integer(1);
  } else {
    ctx.store.SetExpire(ctx.db, ctx.arg(1), v, when);
    ctx.w.Integer(1);
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "expire", ctx.arg(1));
  }
}

void Expire(CommandContext& ctx) { ExpireGeneric(ctx, false, false); }
void PExpire(CommandContext& ctx) { ExpireGeneric(ctx, true, false); }
void ExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, false, true); }
void PExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, true, true); }

// TTL/PTTL/EXPIRETIME/PEXPIRETIME
void TtlGeneric(CommandContext& ctx, bool ms_unit, bool absolute) {
  Value* v = PeekForRead(ctx, ctx.arg(1));
  if (v == nullptr) return ctx.w.Integer(-2);
  if (v->expire_ms == 0) return ctx.w.Integer(-1);
  if (absolute) return ctx.w.Integer(ms_unit ? v->expire_ms : v->expire_ms / 1000);
  int64_t ttl = v->expire_ms - NowMs();
  if (ttl < 0) ttl = 0;
  ctx.w.Integer(ms_unit ? ttl : (ttl + 500) / 1000);
}

void Ttl(CommandContext& ctx) { TtlGeneric(ctx, false, false); }
void PTtl(CommandContext& ctx) { TtlGeneric(ctx, true, false); }
void ExpireTime(CommandContext& ctx) { TtlGeneric(ctx, false, true); }
void PExpireTime(CommandContext& ctx) { TtlGeneric(ctx, true, true); }

void Persist(CommandContext& ctx) {
  Value* v = ctx.store.Find(ctx.db, ctx.arg(1));
  if (v == nullptr || v->expire_ms == 0) return ctx.w.Integer(0);
  ctx.store.SetExpire(ctx.db, ctx.arg(1), v, 0);
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "persist", ctx.arg(1));
  ctx.w.Integer(1);
}

void Keys(CommandContext& ctx) {
  std::vector<std::string> keys;
  std::string_view pattern = ctx.arg(1);
  bool all = pattern == "*";
  ctx.store.ForEach(ctx.db, [&](std::string_view k, const Value&) {
    if (all || GlobMatch(pattern, k)) keys.emplace_back(k);
  });
  ctx.w.BulkArray(keys);
}

void Scan(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseUint64(ctx.arg(1), &cursor)) {
    ctx.w.Error("ERR invalid cursor");
    return;
  }
  std::string_view pattern;
  bool has_pattern = false;
  int64_t count = 10;
  std::string type;
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (IsArg(ctx.arg(i), "MATCH") && i + 1 < ctx.argc()) {
      pattern = ctx.arg(++i);
      has_pattern = pattern != "*";
    } else if (IsArg(ctx.arg(i), "COUNT") && i + 1 < ctx.argc()) {
      if (!ArgInt(ctx, ++i, &count)) return;
      if (count < 1) {
        ctx.w.Error(kErrSyntax);
        return;
      }
    } else if (IsArg(ctx.arg(i), "TYPE") && i + 1 < ctx.argc()) {
      type = ToLower(ctx.arg(++i));
    } else {
      ctx.w.Error(kErrSyntax);
      return;
    }
  }
  std::vector<std::string> keys;
  uint64_t next = ctx.store.Scan(ctx.db, cursor, static_cast<size_t>(count), [&](std::string_view k, const Value& v) {
    if (has_pattern && !GlobMatch(pattern, k)) return;
    if (!type.empty() && type != engine::kv::TypeName(v.type())) return;
    keys.emplace_back(k);
  });
  ctx.w.Array(2);
  ctx.w.Bulk(std::to_string(next));
  ctx.w.BulkArray(keys);
}

void RenameGeneric(CommandContext& ctx, bool nx) {
  std::string_view src = ctx.arg(1), dst = ctx.arg(2);
  Value* v = ctx.store.Find(ctx.db, src);
  if (v == nullptr) {
    ctx.w.Error(kErrNoKey);
    return;
  }
  if (src == dst) {
    if (nx) ctx.w.Integer(0);
    else ctx.w.Ok();
    return;
  }
  if (nx && ctx.store.Find(ctx.db, dst) != nullptr) {
    ctx.w.Integer(0);
    return;
  }
  Value moved = std::move(*v);
  ctx.store.Erase(ctx.db, src);
  // The destination is deleted and added anew, so it is a "new" key either way.
  ctx.store.Erase(ctx.db, dst);
  ctx.store.Put(ctx.db, dst, std::move(moved));
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "rename_from", src);
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "rename_to", dst);
  if (nx) ctx.w.Integer(1);
  else ctx.w.Ok();
}

void Rename(CommandContext& ctx) { RenameGeneric(ctx, false); }
void RenameNx(CommandContext& ctx) { RenameGeneric(ctx, true); }

bool ParseDbIndex(CommandContext& ctx, std::string_view s, int* db) {
  int64_t v;
  if (!ParseInt64(s, &v)) {
    ctx.w.Error(kErrNotInt);
    return false;
  }
  if (v < 0 || v >= engine::kv::kRedisDbCount) {
    ctx.w.Error("ERR DB index is out of range");
    return false;
  }
  *db = static_cast<int>(v);
  return true;
}

void Copy(CommandContext& ctx) {
  int dst_db = ctx.db;
  bool replace = false;
  for (size_t i = 3; i < ctx.argc(); i++) {
    if (IsArg(ctx.arg(i), "REPLACE")) {
      replace = true;
    } else if (IsArg(ctx.arg(i), "DB") && i + 1 < ctx.argc()) {
      if (!ParseDbIndex(ctx, ctx.arg(++i), &dst_db)) return;
    } else {
      ctx.w.Error(kErrSyntax);
      return;
    }
  }
  std::string_view src = ctx.arg(1), dst = ctx.arg(2);
  if (src == dst && dst_db == ctx.db) {
    ctx.w.Error("ERR source and destination objects are the same");
    return;
  }
  Value* v = FindForRead(ctx, src);
  if (v == nullptr) return ctx.w.Integer(0);
  if (ctx.store.Find(dst_db, dst) != nullptr && !replace) return ctx.w.Integer(0);
  Value copy = v->Clone();
  // REPLACE deletes the destination and adds the copy anew ("new").
  ctx.store.Erase(dst_db, dst);
  ctx.store.Put(dst_db, dst, std::move(copy));
  NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "copy_to", dst, dst_db);
  ctx.w.Integer(1);
}

void Move(CommandContext& ctx) {
  int dst_db;
  if (!ParseDbIndex(ctx, ctx.arg(2), &dst_db)) return;
  if (dst_db == ctx.db) {
    ctx.w.Error("ERR source and destination objects are the same");
    return;
  }
  Value* v = ctx.store.Find(ctx.db, ctx.arg(1));
  if (v == nullptr || ctx.store.Find(dst_db, ctx.arg(1)) != nullptr) return ctx.w.Integer(0);
  Value moved = std::move(*v);
  ctx.store.Erase(ctx.db, ctx.arg(1));
  ctx.store.Put(dst_db, ctx.arg(1), std::move(moved));
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "move_from", ctx.arg(1));
  NotifyKeyspaceEvent(ctx.server, kNotifyGeneric, "move_to", ctx.arg(1), dst_db);
  ctx.w.Integer(1);
}

void RandomKey(CommandContext& ctx) {
  auto k = ctx.store.RandomKey(ctx.db);
  if (k) ctx.w.Bulk(*k);
  else ctx.w.Null();
}


// OBJECT ENCODING as Redis 7.0 reports it for the same data, under the
// thresholds CONFIG SET gave (hash-max-listpack-entries, ...).
std::string Encoding(const Value& v, const EncodingLimits& lim) {
  switch (v.type()) {
    case Type::kString: {
      int64_t n;
      if (v.str().size() <= 20 && ParseInt64(v.str(), &n)) return "int";
      return v.str().size() <= 44 ? "embstr" : "raw";
    }
    case Type::kList: return "quicklist";
    case Type::kSet: {
      if (static_cast<int64_t>(v.set().size()) > lim.set_max_intset_entries.load()) return "hashtable";
      for (const auto& m : v.set()) {
        int64_t n;
        if (!ParseInt64(m, &n)) return "hashtable";
      }
      return "intset";
    }
    case Type::kHash:
      return v.hash().is_listpack() ? "listpack" : "hashtable";
    case Type::kZSet: {
      if (static_cast<int64_t>(v.zset().size()) > lim.zset_max_listpack_entries.load()) return "skiplist";
      int64_t max_value = lim.zset_max_listpack_value.load();
      bool small = true;
      v.zset().ForEach([&](const std::string& m, double) {
        if (static_cast<int64_t>(m.size()) > max_value) small = false;
      });
      return small ? "listpack" : "skiplist";
    }
    case Type::kStream: return "stream";
  }
  return "raw";
}

void Object(CommandContext& ctx) {
  std::string sub = ToLower(ctx.arg(1));
  if (sub == "help") {
    ctx.w.Array(5);
    ctx.w.Simple("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    ctx.w.Simple("ENCODING <key>");
    ctx.w.Simple("FREQ <key>");
    ctx.w.Simple("IDLETIME <key>");
    ctx.w.Simple("REFCOUNT <key>");
    return;
  }
  if (sub != "encoding" && sub != "refcount" && sub != "idletime" && sub != "freq") {
    ctx.w.Error("ERR unknown subcommand '" + std::string(ctx.arg(1).substr(0, 128)) + "'. Try OBJECT HELP.");
    return;
  }
  if (ctx.argc() != 3) {
    ctx.w.Error(ArityError("object|" + sub));
    return;
  }
  // Read without refreshing the access time, as Redis's OBJECT does.
  Value* v = ctx.store.Peek(ctx.db, ctx.arg(2));
  if (v == nullptr) {
    ctx.w.Null();
    return;
  }
  if (sub == "encoding") {
    ctx.w.Bulk(Encoding(*v, ctx.server.encoding()));
  } else if (sub == "refcount") {
    int64_t n;
    bool shared = v->IsString() && ParseInt64(v->str(), &n) && n >= 0 && n < 10000;
    ctx.w.Integer(shared ? 2147483647 : 1);
  } else if (sub == "idletime") {
    if (engine::kv::PolicyIsLfu(ctx.store.eviction_policy())) {
      return ctx.w.Error(
          "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching "
          "between policies at runtime LRU and LFU data will take some time to adjust.");
    }
    ctx.w.Integer(static_cast<int64_t>(ctx.store.IdleMs(*v) / 1000));
  } else if (!engine::kv::PolicyIsLfu(ctx.store.eviction_policy())) {
    ctx.w.Error(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
        "switching between policies at runtime LRU and LFU data will take some time to adjust.");
  } else {
    ctx.w.Integer(ctx.store.LfuFrequency(*v));
  }
}

bool ObjectKeys(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  if (args.size() >= 3) keys->push_back(2);
  return true;
}

bool CopyKeys(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  if (args.size() >= 3) {
    keys->push_back(1);
    keys->push_back(2);
  }
  return true;
}

}  // namespace

const std::vector<CommandSpec>& KeyCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"del", -2, kWrite, 1, -1, 1, Del, "generic", "Deletes one or more keys."},
      {"unlink", -2, kWrite | kFast, 1, -1, 1, Del, "generic", "Asynchronously deletes one or more keys."},
      {"exists", -2, kReadonly | kFast, 1, -1, 1, Exists, "generic", "Determines whether one or more keys exist."},
      {"type", 2, kReadonly | kFast, 1, 1, 1, TypeCmd, "generic", "Determines the type of value stored at a key."},
      {"expire", -3, kWrite | kFast, 1, 1, 1, Expire, "generic", "Sets the expiration time of a key in seconds."},
      {"pexpire", -3, kWrite | kFast, 1, 1, 1, PExpire, "generic",
       "Sets the expiration time of a key in milliseconds."},
      {"expireat", -3, kWrite | kFast, 1, 1, 1, ExpireAt, "generic",
       "Sets the expiration time of a key to a Unix timestamp."},
      {"pexpireat", -3, kWrite | kFast, 1, 1, 1, PExpireAt, "generic",
       "Sets the expiration time of a key to a Unix milliseconds timestamp."},
      {"ttl", 2, kReadonly | kFast, 1, 1, 1, Ttl, "generic", "Returns the expiration time in seconds of a key."},
      {"pttl", 2, kReadonly | kFast, 1, 1, 1, PTtl, "generic", "Returns the expiration time in milliseconds of a key."},
      {"expiretime", 2, kReadonly | kFast, 1, 1, 1, ExpireTime, "generic",
       "Returns the expiration time of a key as a Unix timestamp."},
      {"pexpiretime", 2, kReadonly | kFast, 1, 1, 1, PExpireTime, "generic",
       "Returns the expiration time of a key as a Unix milliseconds timestamp."},
      {"persist", 2, kWrite | kFast, 1, 1, 1, Persist, "generic", "Removes the expiration time of a key."},
      {"keys", 2, kReadonly | kKeyspace, 0, 0, 0, Keys, "generic", "Returns all key names that match a pattern."},
      {"scan", -2, kReadonly | kKeyspace, 0, 0, 0, Scan, "generic", "Iterates over the key names in the database."},
      {"rename", 3, kWrite, 1, 2, 1, Rename, "generic", "Renames a key and overwrites the destination."},
      {"renamenx", 3, kWrite | kFast, 1, 2, 1, RenameNx, "generic",
       "Renames a key only when the target key name doesn't exist."},
      {"copy", -3, kWrite | kDenyOom, 1, 2, 1, Copy, "generic", "Copies the value of a key to a new key.", CopyKeys},
      {"move", 3, kWrite | kFast, 1, 1, 1, Move, "generic", "Moves a key to another database."},
      {"randomkey", 1, kReadonly | kKeyspace, 0, 0, 0, RandomKey, "generic",
       "Returns a random key name from the database."},
      {"touch", -2, kReadonly | kFast, 1, -1, 1, Touch, "generic",
       "Returns the number of existing keys out of those specified after updating the time they were last accessed."},
      {"object", -2, kReadonly, 2, 2, 1, Object, "generic", "A container for object introspection commands.",
       ObjectKeys},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

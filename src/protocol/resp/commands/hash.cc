// Hash commands.
#include <cmath>
#include <limits>

#include "common/strutil.h"
#include "protocol/resp/command.h"
#include "protocol/resp/commands/collection_util.h"
#include "protocol/resp/notify.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {
namespace {

using engine::kv::ChangeLog;
using engine::kv::Hash;
using engine::kv::Type;
using engine::kv::Value;

Value* FindHash(CommandContext& ctx, std::string_view key, bool* wrong) { return FindTyped(ctx, key, Type::kHash, wrong); }

// HSET key field value [field value ...] (HMSET answers OK)
void HSetGeneric(CommandContext& ctx, bool hmset) {
  if (ctx.argc() % 2 != 0) return ctx.w.Error(ArityError(hmset ? "hmset" : "hset"));
  Value* v = FindOrCreate(ctx, ctx.arg(1), Type::kHash);
  if (v == nullptr) return;
  int64_t added = 0;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) {
    auto [it, inserted] = v->hash().insert_or_assign(std::string(ctx.arg(i)), std::string(ctx.arg(i + 1)));
    added += inserted ? 1 : 0;
  }
  ctx.store.Touched(ctx.db, ctx.arg(1), [&](ChangeLog& log) {
    for (size_t i = 2; i + 1 < ctx.argc(); i += 2) log.Element(ctx.arg(i));
  });
  if (hmset) ctx.w.Ok();
  else ctx.w.Integer(added);
  NotifyKeyspaceEvent(ctx, kNotifyHash, "hset", ctx.arg(1));
}

void HSet(CommandContext& ctx) { HSetGeneric(ctx, false); }
void HMSet(CommandContext& ctx) { HSetGeneric(ctx, true); }

void HSetNx(CommandContext& ctx) {
  Value* v = FindOrCreate(ctx, ctx.arg(1), Type::kHash);
  if (v == nullptr) return;
  bool inserted = v->hash().try_emplace(std::string(ctx.arg(2)), std::string(ctx.arg(3))).second;
  ctx.w.Integer(inserted ? 1 : 0);
  if (inserted) {
    ctx.store.Touched(ctx.db, ctx.arg(1), [&](ChangeLog& log) { log.Element(ctx.arg(2)); });
    NotifyKeyspaceEvent(ctx, kNotifyHash, "hset", ctx.arg(1));
  }
}

void HGet(CommandContext& ctx) {
  bool wrong;
  Value* v = FindHash(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Null();
  auto it = v->hash().find(ctx.arg(2));
  if (it == v->hash().end()) return ctx.w.Null();
  ctx.w.Bulk(it->second);
}

void HMGet(CommandContext& ctx) {
  bool wrong;
  Value* v = FindHash(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.w.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (v == nullptr) {
      ctx.w.Null();
      continue;
    }
    auto it = v->hash().find(ctx.arg(i));
    if (it == v->hash().end()) ctx.w.Null();
    else ctx.w.Bulk(it->second);
  }
}

void HDel(CommandContext& ctx) {
  bool wrong;
  Value* v = FindHash(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Integer(0);
  int64_t n = 0;
  for (size_t i = 2; i < ctx.argc(); i++) n += v->hash().erase(ctx.arg(i));
  if (n) {
    NotifyRemoved(ctx, kNotifyHash, "hdel", ctx.arg(1), v, [&](ChangeLog& log) {
      for (size_t i = 2; i < ctx.argc(); i++) log.Element(ctx.arg(i));
    });
  }
  ctx.w.Integer(n);
}

void HLen(CommandContext& ctx) {
  bool wrong;
  Value* v = FindHash(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.w.Integer(v == nullptr ? 0 : static_cast<int64_t>(v->hash().size()));
}

void HStrLen(CommandContext& ctx) {
  bool wrong;
  Value* v = FindHash(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Integer(0);
  auto it = v->hash().find(ctx.arg(2));
  ctx.w.Integer(it == v->hash().end() ? 0 : static_cast<int64_t>(it->second.size()));
}

void HExists(CommandContext& ctx) {
  bool wrong;
  Value* v = FindHash(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.w.Integer(v != nullptr && v->hash().contains(ctx.arg(2)) ? 1 : 0);
}

// HKEYS / HVALS / HGETALL
void HDump(CommandContext& ctx, bool keys, bool vals) {
  bool wrong;
  Value* v = FindHash(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return keys && vals ? ctx.w.Map(0) : ctx.w.Array(0);
  const Hash& h = v->hash();
  if (keys && vals) ctx.w.Map(h.size());
  else ctx.w.Array(h.size());
  for (const auto& [f, val] : h) {
    if (keys) ctx.w.Bulk(f);
    if (vals) ctx.w.Bulk(val);
  }
}

void HKeys(CommandContext& ctx) { HDump(ctx, true, false); }
void HVals(CommandContext& ctx) { HDump(ctx, false, true); }
void HGetAll(CommandContext& ctx) { HDump(ctx, true, true); }

void HIncrBy(CommandContext& ctx) {
  int64_t incr;
  if (!ArgInt(ctx, 3, &incr)) return;
  Value* v = FindOrCreate(ctx, ctx.arg(1), Type::kHash);
  if (v == nullptr) return;
  int64_t cur = 0;
  auto it = v->hash().find(ctx.arg(2));
  if (it != v->hash().end() && !ParseInt64(it->second, &cur)) {
    ctx.store.TouchedMaybeEmpty(ctx.db, ctx.arg(1), v, [](ChangeLog&) {});
    return ctx.w.Error("ERR hash value is not an integer");
  }
  if ((incr < 0 && cur < 0 && incr < std::numeric_limits<int64_t>::min() - cur) ||
      (incr > 0 && cur > 0 && incr > std::numeric_limits<int64_t>::max() - cur)) {
    ctx.store.TouchedMaybeEmpty(ctx.db, ctx.arg(1), v, [](ChangeLog&) {});
    return ctx.w.Error(kErrOverflow);
  }
  cur += incr;
  std::string s;
  AppendInt(&s, cur);
  v->hash().insert_or_assign(std::string(ctx.arg(2)), s);
  ctx.store.Touched(ctx.db, ctx.arg(1), [&](ChangeLog& log) { log.Element(ctx.arg(2)); });
  ctx.w.Integer(cur);
  NotifyKeyspaceEvent(ctx, kNotifyHash, "hincrby", ctx.arg(1));
}

void HIncrByFloat(CommandContext& ctx) {
  long double incr;
  if (!ParseLongDouble(ctx.arg(3), &incr)) return ctx.w.Error(kErrNotFloat);
  if (std::isinf(incr)) return ctx.w.Error("ERR value is NaN or Infinity");
  Value* v = FindOrCreate(ctx, ctx.arg(1), Type::kHash);
  if (v == nullptr) return;
  long double cur = 0;
  auto it = v->hash().find(ctx.arg(2));
  if (it != v->hash().end() && !ParseLongDouble(it->second, &cur)) {
    ctx.store.TouchedMaybeEmpty(ctx.db, ctx.arg(1), v, [](ChangeLog&) {});
    return ctx.w.Error("ERR hash value is not a float");
  }
  long double r = cur + incr;
  if (std::isnan(r) || std::isinf(r)) {
    ctx.store.TouchedMaybeEmpty(ctx.db, ctx.arg(1), v, [](ChangeLog&) {});
    return ctx.w.Error("ERR increment would produce NaN or Infinity");
  }
  std::string s = FormatLongDouble(r);
  v->hash().insert_or_assign(std::string(ctx.arg(2)), s);
  ctx.store.Touched(ctx.db, ctx.arg(1), [&](ChangeLog& log) { log.Element(ctx.arg(2)); });
  ctx.w.Bulk(s);
  NotifyKeyspaceEvent(ctx, kNotifyHash, "hincrbyfloat", ctx.arg(1));
}

// HRANDFIELD key [count [WITHVALUES]]
void HRandField(CommandContext& ctx) {
  if (ctx.argc() > 4) return ctx.w.Error(kErrSyntax);
  bool with_values = false;
  int64_t count = 0;
  bool has_count = ctx.argc() >= 3;
  if (has_count) {
    if (!ArgInt(ctx, 2, &count)) return;
    if (ctx.argc() == 4) {
      if (!IsArg(ctx.arg(3), "WITHVALUES")) return ctx.w.Error(kErrSyntax);
      with_values = true;
    }
    if (count < -(std::numeric_limits<int64_t>::max() / 2) || count > std::numeric_limits<int64_t>::max() / 2) {
      return ctx.w.Error("ERR value is out of range");
    }
  }
  bool wrong;
  Value* v = FindHash(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (!has_count) {
    if (v == nullptr) return ctx.w.Null();
    auto it = v->hash().begin();
    std::advance(it, Rng()() % v->hash().size());
    return ctx.w.Bulk(it->first);
  }
  if (v == nullptr || count == 0) return ctx.w.Array(0);
  std::vector<const Hash::value_type*> all;
  for (const auto& e : v->hash()) all.push_back(&e);
  std::vector<const Hash::value_type*> pick;
  if (count < 0) {
    for (int64_t i = 0; i < -count; i++) pick.push_back(all[Rng()() % all.size()]);
  } else {
    std::shuffle(all.begin(), all.end(), Rng());
    if (static_cast<size_t>(count) < all.size()) all.resize(count);
    pick = all;
  }
  bool pairs = with_values && ctx.w.proto() >= 3;
  ctx.w.Array(with_values && !pairs ? pick.size() * 2 : pick.size());
  for (const auto* e : pick) {
    if (pairs) ctx.w.Array(2);
    ctx.w.Bulk(e->first);
    if (with_values) ctx.w.Bulk(e->second);
  }
}

void HScan(CommandContext& ctx) {
  ScanArgs sa;
  if (!ParseScanArgs(ctx, 2, &sa)) return;
  bool wrong;
  Value* v = FindHash(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  std::vector<const Hash::value_type*> items;
  bool small = v == nullptr || v->hash().is_listpack();
  if (v != nullptr) {
    for (const auto& e : v->hash()) items.push_back(&e);
  }
  std::vector<size_t> picked;
  uint64_t next = ScanCollection(items, [](const auto* e) { return std::string_view(e->first); }, sa.cursor,
                                 sa.count, small, &picked);
  std::vector<std::string> out;
  for (size_t i : picked) {
    if (sa.has_pattern && !GlobMatch(sa.pattern, items[i]->first)) continue;
    out.push_back(items[i]->first);
    out.push_back(items[i]->second);
  }
  ctx.w.Array(2);
  ctx.w.Bulk(std::to_string(next));
  ctx.w.BulkArray(out);
}

}  // namespace

const std::vector<CommandSpec>& HashCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"hset", -4, kWrite | kDenyOom | kFast, 1, 1, 1, HSet, "hash", "Creates or modifies the value of a field in a hash."},
      {"hmset", -4, kWrite | kDenyOom | kFast, 1, 1, 1, HMSet, "hash", "Sets the values of multiple fields."},
      {"hsetnx", 4, kWrite | kDenyOom | kFast, 1, 1, 1, HSetNx, "hash", "Sets the value of a field in a hash only when the field doesn't exist."},
      {"hget", 3, kReadonly | kFast, 1, 1, 1, HGet, "hash", "Returns the value of a field in a hash."},
      {"hmget", -3, kReadonly | kFast, 1, 1, 1, HMGet, "hash", "Returns the values of all fields in a hash."},
      {"hdel", -3, kWrite | kFast, 1, 1, 1, HDel, "hash", "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain."},
      {"hlen", 2, kReadonly | kFast, 1, 1, 1, HLen, "hash", "Returns the number of fields in a hash."},
      {"hstrlen", 3, kReadonly | kFast, 1, 1, 1, HStrLen, "hash", "Returns the length of the value of a field."},
      {"hexists", 3, kReadonly | kFast, 1, 1, 1, HExists, "hash", "Determines whether a field exists in a hash."},
      {"hkeys", 2, kReadonly, 1, 1, 1, HKeys, "hash", "Returns all fields in a hash."},
      {"hvals", 2, kReadonly, 1, 1, 1, HVals, "hash", "Returns all values in a hash."},
      {"hgetall", 2, kReadonly, 1, 1, 1, HGetAll, "hash", "Returns all fields and values in a hash."},
      {"hincrby", 4, kWrite | kDenyOom | kFast, 1, 1, 1, HIncrBy, "hash", "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist."},
      {"hincrbyfloat", 4, kWrite | kDenyOom | kFast, 1, 1, 1, HIncrByFloat, "hash", "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist."},
      {"hrandfield", -2, kReadonly, 1, 1, 1, HRandField, "hash", "Returns one or more random fields from a hash."},
      {"hscan", -3, kReadonly, 1, 1, 1, HScan, "hash", "Iterates over fields and values of a hash."},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

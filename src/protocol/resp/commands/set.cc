// Set commands.
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
using engine::kv::Set;
using engine::kv::Type;
using engine::kv::Value;

Value* FindSet(CommandContext& ctx, std::string_view key, bool* wrong) { return FindTyped(ctx, key, Type::kSet, wrong); }

void SAdd(CommandContext& ctx) {
  Value* v = FindOrCreate(ctx, ctx.arg(1), Type::kSet);
  if (v == nullptr) return;
  int64_t n = 0;
  for (size_t i = 2; i < ctx.argc(); i++) n += v->set().emplace(ctx.arg(i)).second ? 1 : 0;
  // Members already there change nothing: like Redis, no WATCH or tracking
  // signal, and nothing to write.
  if (n) {
    ctx.store.Touched(ctx.db, ctx.arg(1), [&](ChangeLog& log) {
      for (size_t i = 2; i < ctx.argc(); i++) log.Element(ctx.arg(i));
    });
    NotifyKeyspaceEvent(ctx, kNotifySet, "sadd", ctx.arg(1));
  }
  ctx.w.Integer(n);
}

void SRem(CommandContext& ctx) {
  bool wrong;
  Value* v = FindSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Integer(0);
  int64_t n = 0;
  for (size_t i = 2; i < ctx.argc(); i++) n += v->set().erase(ctx.arg(i));
  if (n) {
    NotifyRemoved(ctx, kNotifySet, "srem", ctx.arg(1), v, [&](ChangeLog& log) {
      for (size_t i = 2; i < ctx.argc(); i++) log.Element(ctx.arg(i));
    });
  }
  ctx.w.Integer(n);
}

void SCard(CommandContext& ctx) {
  bool wrong;
  Value* v = FindSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.w.Integer(v == nullptr ? 0 : static_cast<int64_t>(v->set().size()));
}

void SIsMember(CommandContext& ctx) {
  bool wrong;
  Value* v = FindSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.w.Integer(v != nullptr && v->set().contains(ctx.arg(2)) ? 1 : 0);
}

void SMIsMember(CommandContext& ctx) {
  bool wrong;
  Value* v = FindSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.w.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) ctx.w.Integer(v != nullptr && v->set().contains(ctx.arg(i)) ? 1 : 0);
}

// redis-server keeps a set of at most set-max-intset-entries integers as an
// intset, which it walks in ascending order: list such sets the same way.
// Returns whether the members form such a set.
template <typename T, typename Get>
bool SortLikeIntset(CommandContext& ctx, std::vector<T>* items, Get get) {
  if (static_cast<int64_t>(items->size()) > ctx.server.encoding().set_max_intset_entries.load()) return false;
  std::vector<std::pair<int64_t, T>> keyed;
  keyed.reserve(items->size());
  for (auto& m : *items) {
    int64_t n;
    if (!ParseInt64(get(m), &n)) return false;
    keyed.emplace_back(n, std::move(m));
  }
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < keyed.size(); i++) (*items)[i] = std::move(keyed[i].second);
  return true;
}

void WriteSet(CommandContext& ctx, std::vector<std::string>& items) {
  SortLikeIntset(ctx, &items, [](const std::string& m) { return std::string_view(m); });
  ctx.w.Set(items.size());
  for (const auto& s : items) ctx.w.Bulk(s);
}

void SMembers(CommandContext& ctx) {
  bool wrong;
  Value* v = FindSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Set(0);
  std::vector<const std::string*> items;
  items.reserve(v->set().size());
  for (const auto& m : v->set()) items.push_back(&m);
  SortLikeIntset(ctx, &items, [](const std::string* m) { return std::string_view(*m); });
  ctx.w.Set(items.size());
  for (const std::string* m : items) ctx.w.Bulk(*m);
}

// Picks n distinct random members.
std::vector<std::string> Sample(const Set& s, size_t n) {
  std::vector<const std::string*> all;
  all.reserve(s.size());
  for (const auto& m : s) all.push_back(&m);
  if (n < all.size()) {
    for (size_t i = 0; i < n; i++) std::swap(all[i], all[i + Rng()() % (all.size() - i)]);
    all.resize(n);
  }
  std::vector<std::string> out;
  for (const auto* m : all) out.push_back(*m);
  return out;
}

void SPop(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.w.Error(kErrSyntax);
  bool has_count = ctx.argc() == 3;
  int64_t count = 1;
  if (has_count && (!ParseInt64(ctx.arg(2), &count) || count < 0)) {
    return ctx.w.Error("ERR value is out of range, must be positive");
  }
  bool wrong;
  Value* v = FindSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return has_count ? ctx.w.Set(0) : ctx.w.Null();
  std::vector<std::string> picked = Sample(v->set(), static_cast<size_t>(count));
  for (const auto& m : picked) v->set().erase(m);
  if (!picked.empty()) {
    NotifyRemoved(ctx, kNotifySet, "spop", ctx.arg(1), v, [&](ChangeLog& log) {
      for (const auto& m : picked) log.Element(m);
    });
  }
  if (!has_count) return ctx.w.Bulk(picked[0]);
  WriteSet(ctx, picked);
}

void SRandMember(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.w.Error(kErrSyntax);
  bool has_count = ctx.argc() == 3;
  int64_t count = 1;
  if (has_count) {
    if (!ArgInt(ctx, 2, &count)) return;
    if (count < -(std::numeric_limits<int64_t>::max() / 2)) return ctx.w.Error("ERR value is out of range");
  }
  bool wrong;
  Value* v = FindSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (!has_count) {
    if (v == nullptr) return ctx.w.Null();
    return ctx.w.Bulk(Sample(v->set(), 1)[0]);
  }
  if (v == nullptr || count == 0) return ctx.w.Array(0);
  if (count > 0) return ctx.w.BulkArray(Sample(v->set(), static_cast<size_t>(count)));
  std::vector<const std::string*> all;
  for (const auto& m : v->set()) all.push_back(&m);
  ctx.w.Array(static_cast<size_t>(-count));
  for (int64_t i = 0; i < -count; i++) ctx.w.Bulk(*all[Rng()() % all.size()]);
}

void SMove(CommandContext& ctx) {
  bool wrong;
  Value* src = FindSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  Value* dst = FindSet(ctx, ctx.arg(2), &wrong);
  if (wrong) return;
  if (src == nullptr || !src->set().contains(ctx.arg(3))) return ctx.w.Integer(0);
  if (ctx.arg(1) == ctx.arg(2)) return ctx.w.Integer(1);
  // Redis's order: srem (and del) on the source, then new and sadd on the destination.
  src->set().erase(ctx.arg(3));
  auto member = [&](ChangeLog& log) { log.Element(ctx.arg(3)); };
  NotifyRemoved(ctx, kNotifySet, "srem", ctx.arg(1), src, member);
  if (dst == nullptr) dst = &ctx.store.Put(ctx.db, ctx.arg(2), Value::Make(Type::kSet));
  if (dst->set().emplace(ctx.arg(3)).second) NotifyKeyspaceEvent(ctx, kNotifySet, "sadd", ctx.arg(2));
  ctx.store.Touched(ctx.db, ctx.arg(2), member);
  ctx.w.Integer(1);
}

enum class Op { kInter, kUnion, kDiff };

// Computes the operation over keys args[first..last]; false after writing WRONGTYPE.
bool Compute(CommandContext& ctx, Op op, size_t first, size_t last, std::vector<std::string>* out, size_t limit = 0) {
  std::vector<const Set*> sets;
  bool any_missing = false;
  for (size_t i = first; i <= last; i++) {
    bool wrong;
    // Read lookups, for the *STORE forms too (as Redis).
    Value* v = FindTyped(ctx, ctx.arg(i), Type::kSet, &wrong, Lookup::kRead);
    if (wrong) return false;
    sets.push_back(v == nullptr ? nullptr : &v->set());
    if (v == nullptr) any_missing = true;
  }
  out->clear();
  if (op == Op::kInter) {
    if (any_missing) return true;
    size_t smallest = 0;
    for (size_t i = 1; i < sets.size(); i++) {
      if (sets[i]->size() < sets[smallest]->size()) smallest = i;
    }
    for (const auto& m : *sets[smallest]) {
      bool all = true;
      for (size_t i = 0; i < sets.size() && all; i++) all = i == smallest || sets[i]->contains(m);
      if (all) {
        out->push_back(m);
        if (limit && out->size() >= limit) break;
      }
    }
  } else if (op == Op::kUnion) {
    Set acc;
    for (const Set* s : sets) {
      if (s != nullptr) acc.insert(s->begin(), s->end());
    }
    out->assign(acc.begin(), acc.end());
  } else {
    if (sets[0] == nullptr) return true;
    for (const auto& m : *sets[0]) {
      bool found = false;
      for (size_t i = 1; i < sets.size() && !found; i++) found = sets[i] != nullptr && sets[i]->contains(m);
      if (!found) out->push_back(m);
    }
  }
  return true;
}

void SetOp(CommandContext& ctx, Op op) {
  std::vector<std::string> out;
  if (!Compute(ctx, op, 1, ctx.argc() - 1, &out)) return;
  WriteSet(ctx, out);
}

void SetOpStore(CommandContext& ctx, Op op, const char* event) {
  std::vector<std::string> out;
  if (!Compute(ctx, op, 2, ctx.argc() - 1, &out)) return;
  if (out.empty()) {
    DeleteAndNotify(ctx, ctx.arg(1));
    return ctx.w.Integer(0);
  }
  Value v = Value::Make(Type::kSet);
  for (auto& m : out) v.set().insert(std::move(m));
  int64_t n = static_cast<int64_t>(v.set().size());
  ctx.store.Put(ctx.db, ctx.arg(1), std::move(v));
  ctx.w.Integer(n);
  NotifyKeyspaceEvent(ctx, kNotifySet, event, ctx.arg(1));
}

void SInter(CommandContext& ctx) { SetOp(ctx, Op::kInter); }
void SUnion(CommandContext& ctx) { SetOp(ctx, Op::kUnion); }
void SDiff(CommandContext& ctx) { SetOp(ctx, Op::kDiff); }
void SInterStore(CommandContext& ctx) { SetOpStore(ctx, Op::kInter, "sinterstore"); }
void SUnionStore(CommandContext& ctx) { SetOpStore(ctx, Op::kUnion, "sunionstore"); }
void SDiffStore(CommandContext& ctx) { SetOpStore(ctx, Op::kDiff, "sdiffstore"); }

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void SInterCard(CommandContext& ctx) {
  int64_t numkeys;
  if (!ParseNumKeys(ctx, 1, &numkeys)) return;
  int64_t limit = 0;
  for (size_t i = 2 + numkeys; i < ctx.argc(); i++) {
    if (IsArg(ctx.arg(i), "LIMIT") && i + 1 < ctx.argc()) {
      if (!ArgInt(ctx, ++i, &limit)) return;
      if (limit < 0) return ctx.w.Error("ERR LIMIT can't be negative");
    } else {
      return ctx.w.Error(kErrSyntax);
    }
  }
  std::vector<std::string> out;
  if (!Compute(ctx, Op::kInter, 2, 1 + numkeys, &out, static_cast<size_t>(limit))) return;
  ctx.w.Integer(static_cast<int64_t>(out.size()));
}

void SScan(CommandContext& ctx) {
  ScanArgs sa;
  if (!ParseScanArgs(ctx, 2, &sa)) return;
  bool wrong;
  Value* v = FindSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  std::vector<const std::string*> items;
  if (v != nullptr) {
    for (const auto& m : v->set()) items.push_back(&m);
  }
  // An intset is returned whole, in ascending order.
  bool small = SortLikeIntset(ctx, &items, [](const std::string* m) { return std::string_view(*m); });
  std::vector<size_t> picked;
  uint64_t next = ScanCollection(items, [](const std::string* m) { return std::string_view(*m); }, sa.cursor,
                                 sa.count, small, &picked);
  std::vector<std::string> out;
  for (size_t i : picked) {
    if (sa.has_pattern && !GlobMatch(sa.pattern, *items[i])) continue;
    out.push_back(*items[i]);
  }
  ctx.w.Array(2);
  ctx.w.Bulk(std::to_string(next));
  ctx.w.BulkArray(out);
}

}  // namespace

const std::vector<CommandSpec>& SetCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"sadd", -3, kWrite | kDenyOom | kFast, 1, 1, 1, SAdd, "set", "Adds one or more members to a set. Creates the key if it doesn't exist."},
      {"srem", -3, kWrite | kFast, 1, 1, 1, SRem, "set", "Removes one or more members from a set. Deletes the set if the last member was removed."},
      {"scard", 2, kReadonly | kFast, 1, 1, 1, SCard, "set", "Returns the number of members in a set."},
      {"sismember", 3, kReadonly | kFast, 1, 1, 1, SIsMember, "set", "Determines whether a member belongs to a set."},
      {"smismember", -3, kReadonly | kFast, 1, 1, 1, SMIsMember, "set", "Determines whether multiple members belong to a set."},
      {"smembers", 2, kReadonly, 1, 1, 1, SMembers, "set", "Returns all members of a set."},
      {"spop", -2, kWrite | kFast, 1, 1, 1, SPop, "set", "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped."},
      {"srandmember", -2, kReadonly, 1, 1, 1, SRandMember, "set", "Get one or multiple random members from a set"},
      {"smove", 4, kWrite | kFast, 1, 2, 1, SMove, "set", "Moves a member from one set to another."},
      {"sinter", -2, kReadonly, 1, -1, 1, SInter, "set", "Returns the intersect of multiple sets."},
      {"sinterstore", -3, kWrite | kDenyOom, 1, -1, 1, SInterStore, "set", "Stores the intersect of multiple sets in a key."},
      {"sintercard", -3, kReadonly, 0, 0, 0, SInterCard, "set", "Returns the number of members of the intersect of multiple sets.", NumKeysFinder<1, 0>},
      {"sunion", -2, kReadonly, 1, -1, 1, SUnion, "set", "Returns the union of multiple sets."},
      {"sunionstore", -3, kWrite | kDenyOom, 1, -1, 1, SUnionStore, "set", "Stores the union of multiple sets in a key."},
      {"sdiff", -2, kReadonly, 1, -1, 1, SDiff, "set", "Returns the difference of multiple sets."},
      {"sdiffstore", -3, kWrite | kDenyOom, 1, -1, 1, SDiffStore, "set", "Stores the difference of multiple sets in a key."},
      {"sscan", -3, kReadonly, 1, 1, 1, SScan, "set", "Iterates over members of a set."},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

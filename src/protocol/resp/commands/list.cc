// List commands, including the blocking ones.
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
using engine::kv::List;
using engine::kv::Type;
using engine::kv::Value;

Value* FindList(CommandContext& ctx, std::string_view key, bool* wrong) { return FindTyped(ctx, key, Type::kList, wrong); }

// LPUSH/RPUSH/LPUSHX/RPUSHX
void Push(CommandContext& ctx, bool left, bool only_existing) {
  std::string_view key = ctx.arg(1);
  bool wrong;
  Value* v = FindList(ctx, key, &wrong);
  if (wrong) return;
  if (v == nullptr) {
    if (only_existing) return ctx.w.Integer(0);
    v = &ctx.store.Put(ctx.db, key, Value::Make(Type::kList));
  }
  List& l = v->list();
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (left) l.emplace_front(ctx.arg(i));
    else l.emplace_back(ctx.arg(i));
  }
  ctx.store.Touched(ctx.db, key, [&](ChangeLog& log) { log.ListPushed(left, ctx.argc() - 2); });
  ctx.w.Integer(static_cast<int64_t>(l.size()));
  NotifyKeyspaceEvent(ctx, kNotifyList, left ? "lpush" : "rpush", key);
}

void LPush(CommandContext& ctx) { Push(ctx, true, false); }
void RPush(CommandContext& ctx) { Push(ctx, false, false); }
void LPushX(CommandContext& ctx) { Push(ctx, true, true); }
void RPushX(CommandContext& ctx) { Push(ctx, false, true); }

std::string PopOne(List& l, bool left) {
  std::string s;
  if (left) {
    s = std::move(l.front());
    l.pop_front();
  } else {
    s = std::move(l.back());
    l.pop_back();
  }
  return s;
}

// LPOP/RPOP key [count]
void Pop(CommandContext& ctx, bool left) {
  if (ctx.argc() > 3) return ctx.w.Error(ArityError(left ? "lpop" : "rpop"));
  bool has_count = ctx.argc() == 3;
  int64_t count = 1;
  if (has_count) {
    if (!ParseInt64(ctx.arg(2), &count) || count < 0) {
      return ctx.w.Error("ERR value is out of range, must be positive");
    }
  }
  bool wrong;
  Value* v = FindList(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return has_count ? ctx.w.NullArray() : ctx.w.Null();
  List& l = v->list();
  size_t n = has_count ? std::min<size_t>(count, l.size()) : 1;
  if (!has_count) {
    ctx.w.Bulk(PopOne(l, left));
  } else {
    ctx.w.Array(n);
    for (size_t i = 0; i < n; i++) ctx.w.Bulk(PopOne(l, left));
  }
  if (n > 0) {
    NotifyRemoved(ctx, kNotifyList, left ? "lpop" : "rpop", ctx.arg(1), v,
                  [&](ChangeLog& log) { log.ListPopped(left, n); });
  }
}

void LPop(CommandContext& ctx) { Pop(ctx, true); }
void RPop(CommandContext& ctx) { Pop(ctx, false); }

void LLen(CommandContext& ctx) {
  bool wrong;
  Value* v = FindList(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.w.Integer(v == nullptr ? 0 : static_cast<int64_t>(v->list().size()));
}

// Converts Redis start/stop (negative from the end) to a clamped [s, e] range; false if empty.
bool ClampRange(int64_t start, int64_t stop, int64_t len, int64_t* s, int64_t* e) {
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return false;
  if (stop >= len) stop = len - 1;
  *s = start;
  *e = stop;
  return true;
}

void LRange(CommandContext& ctx) {
  int64_t start, stop;
  if (!ArgInt(ctx, 2, &start) || !ArgInt(ctx, 3, &stop)) return;
  bool wrong;
  Value* v = FindList(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  int64_t s, e;
  if (v == nullptr || !ClampRange(start, stop, static_cast<int64_t>(v->list().size()), &s, &e)) {
    return ctx.w.Array(0);
  }
  const List& l = v->list();
  ctx.w.Array(e - s + 1);
  for (int64_t i = s; i <= e; i++) ctx.w.Bulk(l[i]);
}

void LIndex(CommandContext& ctx) {
  int64_t idx;
  if (!ArgInt(ctx, 2, &idx)) return;
  bool wrong;
  Value* v = FindList(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Null();
  int64_t len = static_cast<int64_t>(v->list().size());
  if (idx < 0) idx += len;
  if (idx < 0 || idx >= len) return ctx.w.Null();
  ctx.w.Bulk(v->list()[idx]);
}

void LSet(CommandContext& ctx) {
  int64_t idx;
  if (!ArgInt(ctx, 2, &idx)) return;
  bool wrong;
  Value* v = FindList(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Error(kErrNoKey);
  int64_t len = static_cast<int64_t>(v->list().size());
  if (idx < 0) idx += len;
  if (idx < 0 || idx >= len) return ctx.w.Error(kErrIndexRange);
  v->list()[idx] = std::string(ctx.arg(3));
  ctx.store.Touched(ctx.db, ctx.arg(1), [&](ChangeLog& log) { log.ListSet(static_cast<size_t>(idx)); });
  ctx.w.Ok();
  NotifyKeyspaceEvent(ctx, kNotifyList, "lset", ctx.arg(1));
}

void LInsert(CommandContext& ctx) {
  bool before;
  if (IsArg(ctx.arg(2), "BEFORE")) before = true;
  else if (IsArg(ctx.arg(2), "AFTER")) before = false;
  else return ctx.w.Error(kErrSyntax);
  bool wrong;
  Value* v = FindList(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Integer(0);
  List& l = v->list();
  for (auto it = l.begin(); it != l.end(); ++it) {
    if (*it == ctx.arg(3)) {
      l.insert(before ? it : it + 1, std::string(ctx.arg(4)));
      ctx.store.Touched(ctx.db, ctx.arg(1));
      NotifyKeyspaceEvent(ctx, kNotifyList, "linsert", ctx.arg(1));
      return ctx.w.Integer(static_cast<int64_t>(l.size()));
    }
  }
  ctx.w.Integer(-1);
}

void LRem(CommandContext& ctx) {
  int64_t count;
  if (!ArgInt(ctx, 2, &count)) return;
  bool wrong;
  Value* v = FindList(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Integer(0);
  List& l = v->list();
  std::string_view elem = ctx.arg(3);
  int64_t removed = 0;
  uint64_t limit = count == 0 ? UINT64_MAX : (count < 0 ? 0 - static_cast<uint64_t>(count) : count);
  if (count >= 0) {
    for (auto it = l.begin(); it != l.end() && static_cast<uint64_t>(removed) < limit;) {
      if (*it == elem) {
        it = l.erase(it);
        removed++;
      } else {
        ++it;
      }
    }
  } else {
    for (size_t i = l.size(); i-- > 0 && static_cast<uint64_t>(removed) < limit;) {
      if (l[i] == elem) {
        l.erase(l.begin() + i);
        removed++;
      }
    }
  }
  if (removed) NotifyRemoved(ctx, kNotifyList, "lrem", ctx.arg(1), v);
  ctx.w.Integer(removed);
}

void LTrim(CommandContext& ctx) {
  int64_t start, stop;
  if (!ArgInt(ctx, 2, &start) || !ArgInt(ctx, 3, &stop)) return;
  bool wrong;
  Value* v = FindList(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Ok();
  List& l = v->list();
  int64_t s, e;
  size_t from_left = 0, from_right = 0;
  if (!ClampRange(start, stop, static_cast<int64_t>(l.size()), &s, &e)) {
    l.clear();
  } else {
    from_left = static_cast<size_t>(s);
    from_right = l.size() - 1 - static_cast<size_t>(e);
    l.erase(l.begin() + e + 1, l.end());
    l.erase(l.begin(), l.begin() + s);
  }
  // Trimming pops from both ends (an emptied list is deleted instead).
  NotifyRemoved(ctx, kNotifyList, "ltrim", ctx.arg(1), v, [&](ChangeLog& log) {
    log.ListPopped(true, from_left);
    log.ListPopped(false, from_right);
  });
  ctx.w.Ok();
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void LPos(CommandContext& ctx) {
  int64_t rank = 1, count = -1, maxlen = 0;
  for (size_t i = 3; i < ctx.argc(); i++) {
    if (IsArg(ctx.arg(i), "RANK") && i + 1 < ctx.argc()) {
      if (!ArgInt(ctx, ++i, &rank)) return;
      if (rank == 0) {
        return ctx.w.Error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative "
            "to start from the end of the list");
      }
      if (rank == std::numeric_limits<int64_t>::min()) {
        return ctx.w.Error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
      }
    } else if (IsArg(ctx.arg(i), "COUNT") && i + 1 < ctx.argc()) {
      if (!ArgInt(ctx, ++i, &count)) return;
      if (count < 0) return ctx.w.Error("ERR COUNT can't be negative");
    } else if (IsArg(ctx.arg(i), "MAXLEN") && i + 1 < ctx.argc()) {
      if (!ArgInt(ctx, ++i, &maxlen)) return;
      if (maxlen < 0) return ctx.w.Error("ERR MAXLEN can't be negative");
    } else {
      return ctx.w.Error(kErrSyntax);
    }
  }
  bool wrong;
  Value* v = FindList(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  bool want_array = count != -1;
  if (v == nullptr) return want_array ? ctx.w.Array(0) : ctx.w.Null();
  const List& l = v->list();
  int64_t len = static_cast<int64_t>(l.size());
  std::vector<int64_t> found;
  int64_t skip = (rank > 0 ? rank : -rank) - 1;
  int64_t want = count == 0 ? INT64_MAX : (count == -1 ? 1 : count);
  int64_t scanned = 0;
  for (int64_t k = 0; k < len && static_cast<int64_t>(found.size()) < want; k++) {
    if (maxlen && scanned >= maxlen) break;
    scanned++;
    int64_t idx = rank > 0 ? k : len - 1 - k;
    if (l[idx] == ctx.arg(2)) {
      if (skip > 0) {
        skip--;
        continue;
      }
      found.push_back(idx);
    }
  }
  if (!want_array) {
    if (found.empty()) return ctx.w.Null();
    return ctx.w.Integer(found[0]);
  }
  ctx.w.Array(found.size());
  for (int64_t i : found) ctx.w.Integer(i);
}

bool ParseSide(std::string_view s, bool* left) {
  if (IsArg(s, "LEFT")) *left = true;
  else if (IsArg(s, "RIGHT")) *left = false;
  else return false;
  return true;
}

// Moves one element from src to dst; the caller checked src is a non-empty list.
// Returns false (after writing WRONGTYPE) if dst holds another type.
bool MoveElement(CommandContext& ctx, std::string_view src, std::string_view dst, bool from_left, bool to_left) {
  bool wrong;
  Value* d = FindList(ctx, dst, &wrong);
  if (wrong) return false;
  Value* s = ctx.store.Find(ctx.db, src);
  std::string elem = PopOne(s->list(), from_left);
  if (d == nullptr) d = &ctx.store.Put(ctx.db, dst, Value::Make(Type::kList));
  // src may be the same key as dst; d is then s.
  if (to_left) d->list().push_front(elem);
  else d->list().push_back(elem);
  bool same = src == dst;
  ctx.store.Touched(ctx.db, dst, [&](ChangeLog& log) {
    if (same) log.ListPopped(from_left, 1);
    log.ListPushed(to_left, 1);
  });
  // Redis reports the push before the pop.
  NotifyKeyspaceEvent(ctx, kNotifyList, to_left ? "lpush" : "rpush", dst);
  NotifyRemoved(ctx, kNotifyList, from_left ? "lpop" : "rpop", src, ctx.store.Find(ctx.db, src), [&](ChangeLog& log) {
    if (!same) log.ListPopped(from_left, 1);
  });
  ctx.w.Bulk(elem);
  return true;
}

// LMOVE/BLMOVE/RPOPLPUSH/BRPOPLPUSH core. timeout_idx = 0 for non-blocking.
void MoveGeneric(CommandContext& ctx, bool from_left, bool to_left, size_t timeout_idx) {
  int64_t deadline = 0;
  if (timeout_idx && !ArgTimeout(ctx, timeout_idx, &deadline)) return;
  bool wrong;
  Value* s = FindList(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (s != nullptr) {
    // Redis checks the destination type before moving.
    FindList(ctx, ctx.arg(2), &wrong);
    if (wrong) return;
    MoveElement(ctx, ctx.arg(1), ctx.arg(2), from_left, to_left);
    return;
  }
  if (!timeout_idx) return ctx.w.Null();
  BlockOrTimeout(ctx, deadline, 1, 2, /*null_bulk=*/true);
}

void LMove(CommandContext& ctx) {
  bool from, to;
  if (!ParseSide(ctx.arg(3), &from) || !ParseSide(ctx.arg(4), &to)) return ctx.w.Error(kErrSyntax);
  MoveGeneric(ctx, from, to, 0);
}
void BLMove(CommandContext& ctx) {
  bool from, to;
  if (!ParseSide(ctx.arg(3), &from) || !ParseSide(ctx.arg(4), &to)) return ctx.w.Error(kErrSyntax);
  MoveGeneric(ctx, from, to, 5);
}
void RPopLPush(CommandContext& ctx) { MoveGeneric(ctx, false, true, 0); }
void BRPopLPush(CommandContext& ctx) { MoveGeneric(ctx, false, true, 3); }

// BLPOP/BRPOP key [key ...] timeout
void BPop(CommandContext& ctx, bool left) {
  int64_t deadline;
  if (!ArgTimeout(ctx, ctx.argc() - 1, &deadline)) return;
  for (size_t i = 1; i + 1 < ctx.argc(); i++) {
    bool wrong;
    Value* v = FindList(ctx, ctx.arg(i), &wrong);
    if (wrong) return;
    if (v == nullptr) continue;
    ctx.w.Array(2);
    ctx.w.Bulk(ctx.arg(i));
    ctx.w.Bulk(PopOne(v->list(), left));
    NotifyRemoved(ctx, kNotifyList, left ? "lpop" : "rpop", ctx.arg(i), v,
                  [&](ChangeLog& log) { log.ListPopped(left, 1); });
    return;
  }
  BlockOrTimeout(ctx, deadline, 1, ctx.argc() - 1);
}

void BLPop(CommandContext& ctx) { BPop(ctx, true); }
void BRPop(CommandContext& ctx) { BPop(ctx, false); }

// [B]LMPOP [timeout] numkeys key [key ...] LEFT|RIGHT [COUNT count]
void MPop(CommandContext& ctx, bool blocking) {
  MPopArgs a;
  if (!ParseMPopArgs(ctx, blocking, "LEFT", "RIGHT", &a)) return;
  for (int64_t k = 0; k < a.numkeys; k++) {
    std::string_view key = ctx.arg(a.first_key + k);
    bool wrong;
    Value* v = FindList(ctx, key, &wrong);
    if (wrong) return;
    if (v == nullptr) continue;
    size_t n = std::min<size_t>(a.count, v->list().size());
    ctx.w.Array(2);
    ctx.w.Bulk(key);
    ctx.w.Array(n);
    for (size_t i = 0; i < n; i++) ctx.w.Bulk(PopOne(v->list(), a.word_a));
    NotifyRemoved(ctx, kNotifyList, a.word_a ? "lpop" : "rpop", key, v,
                  [&](ChangeLog& log) { log.ListPopped(a.word_a, n); });
    return;
  }
  if (!blocking) return ctx.w.NullArray();
  BlockOrTimeout(ctx, a.deadline, a.first_key, a.first_key + a.numkeys);
}

void LMPop(CommandContext& ctx) { MPop(ctx, false); }
void BLMPop(CommandContext& ctx) { MPop(ctx, true); }

}  // namespace

const std::vector<CommandSpec>& ListCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"lpush", -3, kWrite | kDenyOom | kFast, 1, 1, 1, LPush, "list", "Prepends one or more elements to a list. Creates the key if it doesn't exist."},
      {"rpush", -3, kWrite | kDenyOom | kFast, 1, 1, 1, RPush, "list", "Appends one or more elements to a list. Creates the key if it doesn't exist."},
      {"lpushx", -3, kWrite | kDenyOom | kFast, 1, 1, 1, LPushX, "list", "Prepends one or more elements to a list only when the list exists."},
      {"rpushx", -3, kWrite | kDenyOom | kFast, 1, 1, 1, RPushX, "list", "Appends an element to a list only when the list exists."},
      {"lpop", -2, kWrite | kFast, 1, 1, 1, LPop, "list", "Returns the first elements in a list after removing it. Deletes the list if the last element was popped."},
      {"rpop", -2, kWrite | kFast, 1, 1, 1, RPop, "list", "Returns and removes the last elements of a list. Deletes the list if the last element was popped."},
      {"llen", 2, kReadonly | kFast, 1, 1, 1, LLen, "list", "Returns the length of a list."},
      {"lrange", 4, kReadonly, 1, 1, 1, LRange, "list", "Returns a range of elements from a list."},
      {"lindex", 3, kReadonly, 1, 1, 1, LIndex, "list", "Returns an element from a list by its index."},
      {"lset", 4, kWrite | kDenyOom, 1, 1, 1, LSet, "list", "Sets the value of an element in a list by its index."},
      {"linsert", 5, kWrite | kDenyOom, 1, 1, 1, LInsert, "list", "Inserts an element before or after another element in a list."},
      {"lrem", 4, kWrite, 1, 1, 1, LRem, "list", "Removes elements from a list. Deletes the list if the last element was removed."},
      {"ltrim", 4, kWrite, 1, 1, 1, LTrim, "list", "Removes elements from both ends a list. Deletes the list if all elements were trimmed."},
      {"lpos", -3, kReadonly, 1, 1, 1, LPos, "list", "Returns the index of matching elements in a list."},
      {"lmove", 5, kWrite | kDenyOom, 1, 2, 1, LMove, "list", "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved."},
      {"rpoplpush", 3, kWrite | kDenyOom, 1, 2, 1, RPopLPush, "list", "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped."},
      {"lmpop", -4, kWrite, 0, 0, 0, LMPop, "list", "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.", NumKeysFinder<1, 0>},
      {"blpop", -3, kWrite | kBlocking | kNoscript, 1, -2, 1, BLPop, "list", "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."},
      {"brpop", -3, kWrite | kBlocking | kNoscript, 1, -2, 1, BRPop, "list", "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped."},
      {"blmove", 6, kWrite | kDenyOom | kBlocking | kNoscript, 1, 2, 1, BLMove, "list", "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved."},
      {"brpoplpush", 4, kWrite | kDenyOom | kBlocking | kNoscript, 1, 2, 1, BRPopLPush, "list", "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped."},
      {"blmpop", -5, kWrite | kBlocking, 0, 0, 0, BLMPop, "list", "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", NumKeysFinder<2, 0>},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

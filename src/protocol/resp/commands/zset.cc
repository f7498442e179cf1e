// Sorted set commands.
#include <cmath>
#include <limits>
#include <map>

#include "common/strutil.h"
#include "protocol/resp/command.h"
#include "protocol/resp/commands/collection_util.h"
#include "protocol/resp/notify.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {
namespace {

using engine::kv::ChangeLog;
using engine::kv::Type;
using engine::kv::Value;
using engine::kv::ZSet;

Value* FindZSet(CommandContext& ctx, std::string_view key, bool* wrong) { return FindTyped(ctx, key, Type::kZSet, wrong); }

struct Member {
  std::string member;
  double score;
};

// Writes (member, score) pairs: flat in RESP2, [member, score] pairs in RESP3.
void WriteWithScores(CommandContext& ctx, const std::vector<Member>& items, bool with_scores) {
  bool pairs = with_scores && ctx.w.proto() >= 3;
  ctx.w.Array(with_scores && !pairs ? items.size() * 2 : items.size());
  for (const auto& m : items) {
    if (pairs) ctx.w.Array(2);
    ctx.w.Bulk(m.member);
    if (with_scores) ctx.w.Double(m.score);
  }
}

// ---- range parsing ----

struct ScoreBound {
  double value;
  bool exclusive;
};

bool ParseScoreBound(std::string_view s, ScoreBound* b) {
  b->exclusive = !s.empty() && s[0] == '(';
  if (b->exclusive) s.remove_prefix(1);
  return ParseDouble(s, &b->value);
}

struct LexBound {
  enum Kind { kMin, kMax, kValue } kind;
  std::string value;
  bool exclusive = false;
};

bool ParseLexBound(std::string_view s, LexBound* b) {
  if (s == "-") b->kind = LexBound::kMin;
  else if (s == "+") b->kind = LexBound::kMax;
  else if (!s.empty() && (s[0] == '[' || s[0] == '(')) {
    b->kind = LexBound::kValue;
    b->exclusive = s[0] == '(';
    b->value = std::string(s.substr(1));
  } else {
    return false;
  }
  return true;
}

// Rank range [lo, hi) of members with scores in [min, max].
std::pair<size_t, size_t> ScoreRanks(const ZSet& z, ScoreBound min, ScoreBound max) {
  size_t lo = z.CountBelow(min.value, /*inclusive=*/min.exclusive);
  size_t hi = z.CountBelow(max.value, /*inclusive=*/!max.exclusive);
  if (hi < lo) hi = lo;
  return {lo, hi};
}

// Rank range [lo, hi) of members within [min, max] lexicographically (all scores equal).
std::pair<size_t, size_t> LexRanks(const ZSet& z, const LexBound& min, const LexBound& max) {
  if (z.size() == 0) return {0, 0};
  double score = 0;
  z.ForRanks(0, 0, false, [&](const std::string&, double s) {
    score = s;
    return false;
  });
  auto rank_of = [&](const LexBound& b, bool is_min) -> size_t {
    if (b.kind == LexBound::kMin) return 0;
    if (b.kind == LexBound::kMax) return z.size();
    // For a min bound: members before it; for a max bound: members up to it.
    bool inclusive = is_min ? b.exclusive : !b.exclusive;
    return z.CountBelowLex(score, b.value, inclusive);
  };
  size_t lo = rank_of(min, true), hi = rank_of(max, false);
  if (hi < lo) hi = lo;
  return {lo, hi};
}

std::vector<Member> Collect(const ZSet& z, size_t lo, size_t hi, bool reverse, int64_t offset = 0, int64_t count = -1) {
  std::vector<Member> out;
  if (lo >= hi || offset < 0) return out;
  if (static_cast<uint64_t>(offset) >= hi - lo) return out;
  size_t n = hi - lo - offset;
  if (count >= 0 && static_cast<uint64_t>(count) < n) n = count;
  if (n == 0) return out;
  size_t start = reverse ? hi - offset - n : lo + offset;
  size_t stop = start + n - 1;
  z.ForRanks(start, stop, reverse, [&](const std::string& m, double s) {
    out.push_back({m, s});
    return true;
  });
  return out;
}

// ---- ZADD / ZINCRBY ----

void ZAdd(CommandContext& ctx) {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
  size_t i = 2;
  for (; i < ctx.argc(); i++) {
    std::string_view o = ctx.arg(i);
    if (IsArg(o, "NX")) nx = true;
    else if (IsArg(o, "XX")) xx = true;
    else if (IsArg(o, "GT")) gt = true;
    else if (IsArg(o, "LT")) lt = true;
    else if (IsArg(o, "CH")) ch = true;
    else if (IsArg(o, "INCR")) incr = true;
    else break;
  }
  size_t pairs_at = i;
  size_t nargs = ctx.argc() - pairs_at;
  if (nargs == 0 || nargs % 2 != 0) return ctx.w.Error(kErrSyntax);
  if (nx && xx) return ctx.w.Error("ERR XX and NX options at the same time are not compatible");
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    return ctx.w.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (incr && nargs > 2) return ctx.w.Error("ERR INCR option supports a single increment-element pair");
  std::vector<double> scores;
  for (size_t k = pairs_at; k < ctx.argc(); k += 2) {
    double d;
    if (!ParseDouble(ctx.arg(k), &d)) return ctx.w.Error(kErrNotFloat);
    scores.push_back(d);
  }
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) {
    if (xx) return incr ? ctx.w.Null() : ctx.w.Integer(0);
    v = &ctx.store.Put(ctx.db, ctx.arg(1), Value::Make(Type::kZSet));
  }
  ZSet& z = v->zset();
  int64_t added = 0, changed = 0;
  double result = 0;
  bool aborted = false;
  for (size_t k = 0; k < scores.size(); k++) {
    std::string_view member = ctx.arg(pairs_at + 2 * k + 1);
    double score = scores[k];
    auto cur = z.Score(member);
    if (cur) {
      if (nx) {
        aborted = true;
        continue;
      }
      if (incr) {
        score += *cur;
        if (std::isnan(score)) {
          ctx.store.TouchedMaybeEmpty(ctx.db, ctx.arg(1), v, [](ChangeLog&) {});
          return ctx.w.Error("ERR resulting score is not a number (NaN)");
        }
      }
      if ((gt && score <= *cur) || (lt && score >= *cur)) {
        aborted = true;
        continue;
      }
      if (score != *cur) {
        z.Insert(member, score);
        changed++;
      }
    } else {
      if (xx) {
        aborted = true;
        continue;
      }
      z.Insert(member, score);
      added++;
    }
    result = score;
  }
  // Like Redis, a ZADD that added and moved nothing signals nothing (WATCH,
  // tracking) and has nothing to write. A key it created always gains a member.
  if (added + changed > 0) {
    ctx.store.Touched(ctx.db, ctx.arg(1), [&](ChangeLog& log) {
      for (size_t k = 0; k < scores.size(); k++) log.Element(ctx.arg(pairs_at + 2 * k + 1));
    });
    NotifyKeyspaceEvent(ctx, kNotifyZSet, incr ? "zincr" : "zadd", ctx.arg(1));
  }
  if (incr) {
    if (aborted) return ctx.w.Null();
    return ctx.w.Double(result);
  }
  ctx.w.Integer(ch ? added + changed : added);
}

void ZIncrBy(CommandContext& ctx) {
  double incr;
  if (!ParseDouble(ctx.arg(2), &incr)) return ctx.w.Error(kErrNotFloat);
  Value* v = FindOrCreate(ctx, ctx.arg(1), Type::kZSet);
  if (v == nullptr) return;
  double score = incr + v->zset().Score(ctx.arg(3)).value_or(0);
  if (std::isnan(score)) {
    ctx.store.TouchedMaybeEmpty(ctx.db, ctx.arg(1), v, [](ChangeLog&) {});
    return ctx.w.Error("ERR resulting score is not a number (NaN)");
  }
  v->zset().Insert(ctx.arg(3), score);
  ctx.store.Touched(ctx.db, ctx.arg(1), [&](ChangeLog& log) { log.Element(ctx.arg(3)); });
  NotifyKeyspaceEvent(ctx, kNotifyZSet, "zincr", ctx.arg(1));
  ctx.w.Double(score);
}

// ---- simple reads/removals ----

void ZRem(CommandContext& ctx) {
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Integer(0);
  int64_t n = 0;
  for (size_t i = 2; i < ctx.argc(); i++) n += v->zset().Erase(ctx.arg(i)) ? 1 : 0;
  if (n) {
    NotifyRemoved(ctx, kNotifyZSet, "zrem", ctx.arg(1), v, [&](ChangeLog& log) {
      for (size_t i = 2; i < ctx.argc(); i++) log.Element(ctx.arg(i));
    });
  }
  ctx.w.Integer(n);
}

void ZCard(CommandContext& ctx) {
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.w.Integer(v == nullptr ? 0 : static_cast<int64_t>(v->zset().size()));
}

void ZScore(CommandContext& ctx) {
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  auto s = v == nullptr ? std::nullopt : v->zset().Score(ctx.arg(2));
  if (!s) return ctx.w.Null();
  ctx.w.Double(*s);
}

void ZMScore(CommandContext& ctx) {
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.w.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); i++) {
    auto s = v == nullptr ? std::nullopt : v->zset().Score(ctx.arg(i));
    if (s) ctx.w.Double(*s);
    else ctx.w.Null();
  }
}

void RankGeneric(CommandContext& ctx, bool reverse) {
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  auto r = v == nullptr ? std::nullopt : v->zset().Rank(ctx.arg(2));
  if (!r) return ctx.w.Null();
  ctx.w.Integer(static_cast<int64_t>(reverse ? v->zset().size() - 1 - *r : *r));
}
void ZRank(CommandContext& ctx) { RankGeneric(ctx, false); }
void ZRevRank(CommandContext& ctx) { RankGeneric(ctx, true); }

void ZCount(CommandContext& ctx) {
  ScoreBound min, max;
  if (!ParseScoreBound(ctx.arg(2), &min) || !ParseScoreBound(ctx.arg(3), &max)) {
    return ctx.w.Error("ERR min or max is not a float");
  }
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Integer(0);
  auto [lo, hi] = ScoreRanks(v->zset(), min, max);
  ctx.w.Integer(static_cast<int64_t>(hi - lo));
}

void ZLexCount(CommandContext& ctx) {
  LexBound min, max;
  if (!ParseLexBound(ctx.arg(2), &min) || !ParseLexBound(ctx.arg(3), &max)) {
    return ctx.w.Error("ERR min or max not valid string range item");
  }
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Integer(0);
  auto [lo, hi] = LexRanks(v->zset(), min, max);
  ctx.w.Integer(static_cast<int64_t>(hi - lo));
}

// ---- ZRANGE family ----

enum class RangeKind { kRank, kScore, kLex };

struct RangeSpec {
  RangeKind kind = RangeKind::kRank;
  bool reverse = false;
  bool with_scores = false;
  bool has_limit = false;
  int64_t offset = 0, count = -1;
};

// Computes the members selected by a range request on key; false after an error reply.
bool SelectRange(CommandContext& ctx, std::string_view key, std::string_view a, std::string_view b,
                 const RangeSpec& spec, std::vector<Member>* out, Lookup lookup = Lookup::kByCommand) {
  int64_t start = 0, stop = 0;
  ScoreBound smin{}, smax{};
  LexBound lmin, lmax;
  // With REV the first bound is the maximum.
  std::string_view lo_arg = spec.reverse && spec.kind != RangeKind::kRank ? b : a;
  std::string_view hi_arg = spec.reverse && spec.kind != RangeKind::kRank ? a : b;
  switch (spec.kind) {
    case RangeKind::kRank:
      if (!ParseInt64(a, &start) || !ParseInt64(b, &stop)) {
        ctx.w.Error(kErrNotInt);
        return false;
      }
      break;
    case RangeKind::kScore:
      if (!ParseScoreBound(lo_arg, &smin) || !ParseScoreBound(hi_arg, &smax)) {
        ctx.w.Error("ERR min or max is not a float");
        return false;
      }
      break;
    case RangeKind::kLex:
      if (!ParseLexBound(lo_arg, &lmin) || !ParseLexBound(hi_arg, &lmax)) {
        ctx.w.Error("ERR min or max not valid string range item");
        return false;
      }
      break;
  }
  bool wrong;
  Value* v = FindTyped(ctx, key, Type::kZSet, &wrong, lookup);
  if (wrong) return false;
  out->clear();
  if (v == nullptr) return true;
  const ZSet& z = v->zset();
  int64_t len = static_cast<int64_t>(z.size());
  if (spec.kind == RangeKind::kRank) {
    if (start < 0) start += len;
    if (stop < 0) stop += len;
    if (start < 0) start = 0;
    if (start > stop || start >= len) return true;
    if (stop >= len) stop = len - 1;
    // In reverse, ranks count from the top.
    size_t lo = spec.reverse ? len - 1 - stop : start;
    size_t hi = spec.reverse ? len - start : stop + 1;
    *out = Collect(z, lo, hi, spec.reverse);
    return true;
  }
  auto [lo, hi] = spec.kind == RangeKind::kScore ? ScoreRanks(z, smin, smax) : LexRanks(z, lmin, lmax);
  *out = Collect(z, lo, hi, spec.reverse, spec.offset, spec.count);
  return true;
}

// Parses the options after the two bounds; `allowed_kind` forces a kind for
// the legacy commands (ZRANGEBYSCORE, ...).
bool ParseRangeOptions(CommandContext& ctx, size_t from, RangeSpec* spec, bool modern, bool store) {
  for (size_t i = from; i < ctx.argc(); i++) {
    std::string_view o = ctx.arg(i);
    if (modern && IsArg(o, "BYSCORE")) {
      spec->kind = RangeKind::kScore;
    } else if (modern && IsArg(o, "BYLEX")) {
      spec->kind = RangeKind::kLex;
    } else if (modern && IsArg(o, "REV")) {
      spec->reverse = true;
    } else if (!store && IsArg(o, "WITHSCORES")) {
      spec->with_scores = true;
    } else if (IsArg(o, "LIMIT") && i + 2 < ctx.argc()) {
      if (!ArgInt(ctx, i + 1, &spec->offset) || !ArgInt(ctx, i + 2, &spec->count)) return false;
      spec->has_limit = true;
      i += 2;
    } else {
      ctx.w.Error(kErrSyntax);
      return false;
    }
  }
  if (spec->has_limit && spec->kind == RangeKind::kRank) {
    ctx.w.Error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return false;
  }
  if (spec->with_scores && spec->kind == RangeKind::kLex) {
    ctx.w.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return false;
  }
  return true;
}

void ZRange(CommandContext& ctx) {
  RangeSpec spec;
  if (!ParseRangeOptions(ctx, 4, &spec, true, false)) return;
  std::vector<Member> out;
  if (!SelectRange(ctx, ctx.arg(1), ctx.arg(2), ctx.arg(3), spec, &out)) return;
  WriteWithScores(ctx, out, spec.with_scores);
}

void ZRangeStore(CommandContext& ctx) {
  RangeSpec spec;
  if (!ParseRangeOptions(ctx, 5, &spec, true, true)) return;
  std::vector<Member> out;
  // The source is read with a read lookup, as in Redis.
  if (!SelectRange(ctx, ctx.arg(2), ctx.arg(3), ctx.arg(4), spec, &out, Lookup::kRead)) return;
  if (out.empty()) {
    DeleteAndNotify(ctx, ctx.arg(1));
    return ctx.w.Integer(0);
  }
  Value nv = Value::Make(Type::kZSet);
  for (const auto& m : out) nv.zset().Insert(m.member, m.score);
  ctx.store.Put(ctx.db, ctx.arg(1), std::move(nv));
  ctx.w.Integer(static_cast<int64_t>(out.size()));
  NotifyKeyspaceEvent(ctx, kNotifyZSet, "zrangestore", ctx.arg(1));
}

void LegacyRange(CommandContext& ctx, RangeKind kind, bool reverse) {
  RangeSpec spec;
  spec.kind = kind;
  spec.reverse = reverse;
  if (!ParseRangeOptions(ctx, 4, &spec, false, false)) return;
  std::vector<Member> out;
  // The legacy reverse commands take max first, like ZRANGE ... REV.
  if (!SelectRange(ctx, ctx.arg(1), ctx.arg(2), ctx.arg(3), spec, &out)) return;
  WriteWithScores(ctx, out, spec.with_scores);
}

void ZRevRange(CommandContext& ctx) {
  if (ctx.argc() > 5 || (ctx.argc() == 5 && !IsArg(ctx.arg(4), "WITHSCORES"))) return ctx.w.Error(kErrSyntax);
  LegacyRange(ctx, RangeKind::kRank, true);
}
void ZRangeByScore(CommandContext& ctx) { LegacyRange(ctx, RangeKind::kScore, false); }
void ZRevRangeByScore(CommandContext& ctx) { LegacyRange(ctx, RangeKind::kScore, true); }
void ZRangeByLex(CommandContext& ctx) { LegacyRange(ctx, RangeKind::kLex, false); }
void ZRevRangeByLex(CommandContext& ctx) { LegacyRange(ctx, RangeKind::kLex, true); }

void ZRemRange(CommandContext& ctx, RangeKind kind, const char* event) {
  RangeSpec spec;
  spec.kind = kind;
  std::vector<Member> out;
  if (!SelectRange(ctx, ctx.arg(1), ctx.arg(2), ctx.arg(3), spec, &out)) return;
  if (out.empty()) return ctx.w.Integer(0);
  Value* v = ctx.store.Find(ctx.db, ctx.arg(1));
  for (const auto& m : out) v->zset().Erase(m.member);
  NotifyRemoved(ctx, kNotifyZSet, event, ctx.arg(1), v, [&](ChangeLog& log) {
    for (const auto& m : out) log.Element(m.member);
  });
  ctx.w.Integer(static_cast<int64_t>(out.size()));
}
void ZRemRangeByRank(CommandContext& ctx) { ZRemRange(ctx, RangeKind::kRank, "zremrangebyrank"); }
void ZRemRangeByScore(CommandContext& ctx) { ZRemRange(ctx, RangeKind::kScore, "zremrangebyscore"); }
void ZRemRangeByLex(CommandContext& ctx) { ZRemRange(ctx, RangeKind::kLex, "zremrangebylex"); }

// ---- pops ----

// Pops up to count members from v (lowest first unless max); v must be a
// zset. The caller replies, then calls PoppedFrom.
std::vector<Member> PopMembers(Value* v, bool max, size_t count) {
  ZSet& z = v->zset();
  size_t n = std::min(count, z.size());
  std::vector<Member> out;
  if (n > 0) out = max ? Collect(z, z.size() - n, z.size(), true) : Collect(z, 0, n, false);
  for (const auto& m : out) z.Erase(m.member);
  return out;
}

// Records a pop from key and emits its events (after the reply, as Redis does).
void PoppedFrom(CommandContext& ctx, std::string_view key, Value* v, bool max, const std::vector<Member>& popped) {
  NotifyRemoved(ctx, kNotifyZSet, max ? "zpopmax" : "zpopmin", key, v, [&](ChangeLog& log) {
    for (const auto& m : popped) log.Element(m.member);
  });
}

void ZPop(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) return ctx.w.Error(kErrSyntax);
  int64_t count = 1;
  bool has_count = ctx.argc() == 3;
  if (has_count) {
    if (!ArgInt(ctx, 2, &count)) return;
    if (count < 0) return ctx.w.Error("ERR value is out of range, must be positive");
  }
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr || count == 0) return ctx.w.Array(0);
  std::vector<Member> out = PopMembers(v, max, count);
  // RESP3 returns pairs only for the count form.
  if (!has_count) {
    ctx.w.Array(2);
    ctx.w.Bulk(out[0].member);
    ctx.w.Double(out[0].score);
  } else {
    WriteWithScores(ctx, out, true);
  }
  PoppedFrom(ctx, ctx.arg(1), v, max, out);
}
void ZPopMin(CommandContext& ctx) { ZPop(ctx, false); }
void ZPopMax(CommandContext& ctx) { ZPop(ctx, true); }

void BZPop(CommandContext& ctx, bool max) {
  int64_t deadline;
  if (!ArgTimeout(ctx, ctx.argc() - 1, &deadline)) return;
  for (size_t i = 1; i + 1 < ctx.argc(); i++) {
    bool wrong;
    Value* v = FindZSet(ctx, ctx.arg(i), &wrong);
    if (wrong) return;
    if (v == nullptr) continue;
    std::vector<Member> out = PopMembers(v, max, 1);
    ctx.w.Array(3);
    ctx.w.Bulk(ctx.arg(i));
    ctx.w.Bulk(out[0].member);
    ctx.w.Double(out[0].score);
    PoppedFrom(ctx, ctx.arg(i), v, max, out);
    return;
  }
  BlockOrTimeout(ctx, deadline, 1, ctx.argc() - 1);
}
void BZPopMin(CommandContext& ctx) { BZPop(ctx, false); }
void BZPopMax(CommandContext& ctx) { BZPop(ctx, true); }

// [B]ZMPOP [timeout] numkeys key [key ...] MIN|MAX [COUNT count]
void MPop(CommandContext& ctx, bool blocking) {
  MPopArgs a;
  if (!ParseMPopArgs(ctx, blocking, "MIN", "MAX", &a)) return;
  for (int64_t k = 0; k < a.numkeys; k++) {
    std::string_view key = ctx.arg(a.first_key + k);
    bool wrong;
    Value* v = FindZSet(ctx, key, &wrong);
    if (wrong) return;
    if (v == nullptr) continue;
    std::vector<Member> out = PopMembers(v, /*max=*/!a.word_a, a.count);
    ctx.w.Array(2);
    ctx.w.Bulk(key);
    ctx.w.Array(out.size());
    for (const auto& m : out) {
      ctx.w.Array(2);
      ctx.w.Bulk(m.member);
      ctx.w.Double(m.score);
    }
    PoppedFrom(ctx, key, v, !a.word_a, out);
    return;
  }
  if (!blocking) return ctx.w.NullArray();
  BlockOrTimeout(ctx, a.deadline, a.first_key, a.first_key + a.numkeys);
}

void ZMPop(CommandContext& ctx) { MPop(ctx, false); }
void BZMPop(CommandContext& ctx) { MPop(ctx, true); }

void ZRandMember(CommandContext& ctx) {
  if (ctx.argc() > 4) return ctx.w.Error(kErrSyntax);
  bool with_scores = false, has_count = ctx.argc() >= 3;
  int64_t count = 0;
  if (has_count) {
    if (!ArgInt(ctx, 2, &count)) return;
    if (ctx.argc() == 4) {
      if (!IsArg(ctx.arg(3), "WITHSCORES")) return ctx.w.Error(kErrSyntax);
      with_scores = true;
    }
    if (count < -(std::numeric_limits<int64_t>::max() / 2) || count > std::numeric_limits<int64_t>::max() / 2) {
      return ctx.w.Error("ERR value is out of range");
    }
  }
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (!has_count) {
    if (v == nullptr) return ctx.w.Null();
    size_t r = Rng()() % v->zset().size();
    return ctx.w.Bulk(Collect(v->zset(), r, r + 1, false)[0].member);
  }
  if (v == nullptr || count == 0) return ctx.w.Array(0);
  std::vector<Member> all = Collect(v->zset(), 0, v->zset().size(), false);
  std::vector<Member> pick;
  if (count < 0) {
    for (int64_t i = 0; i < -count; i++) pick.push_back(all[Rng()() % all.size()]);
  } else {
    std::shuffle(all.begin(), all.end(), Rng());
    if (static_cast<size_t>(count) < all.size()) all.resize(count);
    pick = std::move(all);
  }
  WriteWithScores(ctx, pick, with_scores);
}

// ---- ZUNION / ZINTER / ZDIFF ----

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// Reads one input (a zset, or a set with scores 1) with a read lookup, also
// for the *STORE forms as in Redis; false after WRONGTYPE.
bool ReadInput(CommandContext& ctx, std::string_view key, std::map<std::string, double>* out, bool* exists) {
  Value* v = FindForRead(ctx, key);
  *exists = v != nullptr;
  out->clear();
  if (v == nullptr) return true;
  if (v->type() == Type::kZSet) {
    v->zset().ForEach([&](const std::string& m, double s) { (*out)[m] = s; });
  } else if (v->type() == Type::kSet) {
    for (const auto& m : v->set()) (*out)[m] = 1.0;
  } else {
    ctx.w.Error(kErrWrongType);
    return false;
  }
  return true;
}

double Combine(Aggregate agg, double a, double b) {
  switch (agg) {
    case Aggregate::kSum: {
      double r = a + b;
      return std::isnan(r) ? 0.0 : r;  // inf + -inf: Redis uses 0
    }
    case Aggregate::kMin: return std::min(a, b);
    case Aggregate::kMax: return std::max(a, b);
  }
  return a;
}

// Parses "numkeys key... [WEIGHTS ...] [AGGREGATE ...] [WITHSCORES]" at `at`,
// computes the result sorted by (score, member). False after an error reply.
bool ComputeSetOp(CommandContext& ctx, SetOp op, size_t at, bool allow_withscores, std::vector<Member>* out,
                  bool* with_scores, int64_t* limit = nullptr) {
  int64_t numkeys;
  if (!ParseInt64(ctx.arg(at), &numkeys)) {
    ctx.w.Error(kErrNotInt);
    return false;
  }
  if (numkeys <= 0) {
    ctx.w.Error("ERR at least 1 input key is needed for '" + std::string(ctx.spec->name) + "' command");
    return false;
  }
  if (static_cast<size_t>(numkeys) > ctx.argc() - at - 1) {
    ctx.w.Error(kErrSyntax);
    return false;
  }
  // Redis reads every input before it parses the options (so WRONGTYPE and
  // keymiss events come first).
  std::vector<std::map<std::string, double>> inputs(numkeys);
  for (int64_t k = 0; k < numkeys; k++) {
    bool exists;
    if (!ReadInput(ctx, ctx.arg(at + 1 + k), &inputs[k], &exists)) return false;
  }
  std::vector<double> weights(numkeys, 1.0);
  Aggregate agg = Aggregate::kSum;
  *with_scores = false;
  for (size_t i = at + 1 + numkeys; i < ctx.argc(); i++) {
    std::string_view o = ctx.arg(i);
    if (limit != nullptr && IsArg(o, "LIMIT") && i + 1 < ctx.argc()) {
      if (!ArgInt(ctx, ++i, limit)) return false;
      if (*limit < 0) {
        ctx.w.Error("ERR LIMIT can't be negative");
        return false;
      }
    } else if (limit == nullptr && op != SetOp::kDiff && IsArg(o, "WEIGHTS") && i + numkeys < ctx.argc()) {
      for (int64_t k = 0; k < numkeys; k++) {
        if (!ParseDouble(ctx.arg(i + 1 + k), &weights[k])) {
          ctx.w.Error("ERR weight value is not a float");
          return false;
        }
      }
      i += numkeys;
    } else if (limit == nullptr && op != SetOp::kDiff && IsArg(o, "AGGREGATE") && i + 1 < ctx.argc()) {
      std::string_view a = ctx.arg(++i);
      if (IsArg(a, "SUM")) agg = Aggregate::kSum;
      else if (IsArg(a, "MIN")) agg = Aggregate::kMin;
      else if (IsArg(a, "MAX")) agg = Aggregate::kMax;
      else {
        ctx.w.Error(kErrSyntax);
        return false;
      }
    } else if (allow_withscores && IsArg(o, "WITHSCORES")) {
      *with_scores = true;
    } else {
      ctx.w.Error(kErrSyntax);
      return false;
    }
  }
  std::map<std::string, double> acc;
  for (int64_t k = 0; k < numkeys; k++) {
    std::map<std::string, double>& input = inputs[k];
    for (auto& [m, s] : input) {
      double ws = s * weights[k];
      if (std::isnan(ws)) ws = 0;
      input[m] = ws;
    }
    if (k == 0) {
      acc = std::move(input);
      continue;
    }
    if (op == SetOp::kUnion) {
      for (auto& [m, s] : input) {
        auto it = acc.find(m);
        if (it == acc.end()) acc[m] = s;
        else it->second = Combine(agg, it->second, s);
      }
    } else if (op == SetOp::kInter) {
      for (auto it = acc.begin(); it != acc.end();) {
        auto f = input.find(it->first);
        if (f == input.end()) {
          it = acc.erase(it);
        } else {
          it->second = Combine(agg, it->second, f->second);
          ++it;
        }
      }
    } else {
      for (auto& [m, s] : input) acc.erase(m);
    }
  }
  out->clear();
  for (auto& [m, s] : acc) out->push_back({m, s});
  std::sort(out->begin(), out->end(), [](const Member& a, const Member& b) {
    return a.score != b.score ? a.score < b.score : a.member < b.member;
  });
  return true;
}

void SetOpCmd(CommandContext& ctx, SetOp op) {
  std::vector<Member> out;
  bool with_scores;
  if (!ComputeSetOp(ctx, op, 1, true, &out, &with_scores)) return;
  WriteWithScores(ctx, out, with_scores);
}

void SetOpStore(CommandContext& ctx, SetOp op, const char* event) {
  std::vector<Member> out;
  bool with_scores;
  if (!ComputeSetOp(ctx, op, 2, false, &out, &with_scores)) return;
  if (out.empty()) {
    DeleteAndNotify(ctx, ctx.arg(1));
    return ctx.w.Integer(0);
  }
  Value nv = Value::Make(Type::kZSet);
  for (const auto& m : out) nv.zset().Insert(m.member, m.score);
  ctx.store.Put(ctx.db, ctx.arg(1), std::move(nv));
  ctx.w.Integer(static_cast<int64_t>(out.size()));
  NotifyKeyspaceEvent(ctx, kNotifyZSet, event, ctx.arg(1));
}

void ZUnion(CommandContext& ctx) { SetOpCmd(ctx, SetOp::kUnion); }
void ZInter(CommandContext& ctx) { SetOpCmd(ctx, SetOp::kInter); }
void ZDiff(CommandContext& ctx) { SetOpCmd(ctx, SetOp::kDiff); }
void ZUnionStore(CommandContext& ctx) { SetOpStore(ctx, SetOp::kUnion, "zunionstore"); }
void ZInterStore(CommandContext& ctx) { SetOpStore(ctx, SetOp::kInter, "zinterstore"); }
void ZDiffStore(CommandContext& ctx) { SetOpStore(ctx, SetOp::kDiff, "zdiffstore"); }

void ZInterCard(CommandContext& ctx) {
  std::vector<Member> out;
  bool with_scores;
  int64_t limit = 0;
  if (!ComputeSetOp(ctx, SetOp::kInter, 1, false, &out, &with_scores, &limit)) return;
  int64_t n = static_cast<int64_t>(out.size());
  ctx.w.Integer(limit > 0 && n > limit ? limit : n);
}

void ZScan(CommandContext& ctx) {
  ScanArgs sa;
  if (!ParseScanArgs(ctx, 2, &sa)) return;
  bool wrong;
  Value* v = FindZSet(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  std::vector<Member> items;
  bool small = true;
  if (v != nullptr) {
    items = Collect(v->zset(), 0, v->zset().size(), false);
    for (const auto& m : items) small = small && m.member.size() <= 64;
    small = small && items.size() <= 128;
  }
  std::vector<size_t> picked;
  uint64_t next = ScanCollection(items, [](const Member& m) { return std::string_view(m.member); }, sa.cursor,
                                 sa.count, small, &picked);
  std::vector<std::string> out;
  for (size_t i : picked) {
    if (sa.has_pattern && !GlobMatch(sa.pattern, items[i].member)) continue;
    out.push_back(items[i].member);
    out.push_back(FormatDouble(items[i].score));
  }
  ctx.w.Array(2);
  ctx.w.Bulk(std::to_string(next));
  ctx.w.BulkArray(out);
}

}  // namespace

const std::vector<CommandSpec>& ZSetCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"zadd", -4, kWrite | kDenyOom | kFast, 1, 1, 1, ZAdd, "sorted-set", "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist."},
      {"zincrby", 4, kWrite | kDenyOom | kFast, 1, 1, 1, ZIncrBy, "sorted-set", "Increments the score of a member in a sorted set."},
      {"zrem", -3, kWrite | kFast, 1, 1, 1, ZRem, "sorted-set", "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed."},
      {"zcard", 2, kReadonly | kFast, 1, 1, 1, ZCard, "sorted-set", "Returns the number of members in a sorted set."},
      {"zcount", 4, kReadonly | kFast, 1, 1, 1, ZCount, "sorted-set", "Returns the count of members in a sorted set that have scores within a range."},
      {"zlexcount", 4, kReadonly | kFast, 1, 1, 1, ZLexCount, "sorted-set", "Returns the number of members in a sorted set within a lexicographical range."},
      {"zscore", 3, kReadonly | kFast, 1, 1, 1, ZScore, "sorted-set", "Returns the score of a member in a sorted set."},
      {"zmscore", -3, kReadonly | kFast, 1, 1, 1, ZMScore, "sorted-set", "Returns the score of one or more members in a sorted set."},
      {"zrank", 3, kReadonly | kFast, 1, 1, 1, ZRank, "sorted-set", "Returns the index of a member in a sorted set ordered by ascending scores."},
      {"zrevrank", 3, kReadonly | kFast, 1, 1, 1, ZRevRank, "sorted-set", "Returns the index of a member in a sorted set ordered by descending scores."},
      {"zrange", -4, kReadonly, 1, 1, 1, ZRange, "sorted-set", "Returns members in a sorted set within a range of indexes."},
      {"zrangestore", -5, kWrite | kDenyOom, 1, 2, 1, ZRangeStore, "sorted-set", "Stores a range of members from sorted set in a key."},
      {"zrevrange", -4, kReadonly, 1, 1, 1, ZRevRange, "sorted-set", "Returns members in a sorted set within a range of indexes in reverse order."},
      {"zrangebyscore", -4, kReadonly, 1, 1, 1, ZRangeByScore, "sorted-set", "Returns members in a sorted set within a range of scores."},
      {"zrevrangebyscore", -4, kReadonly, 1, 1, 1, ZRevRangeByScore, "sorted-set", "Returns members in a sorted set within a range of scores in reverse order."},
      {"zrangebylex", -4, kReadonly, 1, 1, 1, ZRangeByLex, "sorted-set", "Returns members in a sorted set within a lexicographical range."},
      {"zrevrangebylex", -4, kReadonly, 1, 1, 1, ZRevRangeByLex, "sorted-set", "Returns members in a sorted set within a lexicographical range in reverse order."},
      {"zremrangebyrank", 4, kWrite, 1, 1, 1, ZRemRangeByRank, "sorted-set", "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed."},
      {"zremrangebyscore", 4, kWrite, 1, 1, 1, ZRemRangeByScore, "sorted-set", "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed."},
      {"zremrangebylex", 4, kWrite, 1, 1, 1, ZRemRangeByLex, "sorted-set", "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed."},
      {"zpopmin", -2, kWrite | kFast, 1, 1, 1, ZPopMin, "sorted-set", "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."},
      {"zpopmax", -2, kWrite | kFast, 1, 1, 1, ZPopMax, "sorted-set", "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."},
      {"bzpopmin", -3, kWrite | kFast | kBlocking | kNoscript, 1, -2, 1, BZPopMin, "sorted-set", "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise."},
      {"bzpopmax", -3, kWrite | kFast | kBlocking | kNoscript, 1, -2, 1, BZPopMax, "sorted-set", "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise."},
      {"zmpop", -4, kWrite, 0, 0, 0, ZMPop, "sorted-set", "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them.", NumKeysFinder<1, 0>},
      {"bzmpop", -5, kWrite | kBlocking, 0, 0, 0, BZMPop, "sorted-set", "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise.", NumKeysFinder<2, 0>},
      {"zrandmember", -2, kReadonly, 1, 1, 1, ZRandMember, "sorted-set", "Returns one or more random members from a sorted set."},
      {"zunion", -3, kReadonly, 0, 0, 0, ZUnion, "sorted-set", "Returns the union of multiple sorted sets.", NumKeysFinder<1, 0>},
      {"zinter", -3, kReadonly, 0, 0, 0, ZInter, "sorted-set", "Returns the intersect of multiple sorted sets.", NumKeysFinder<1, 0>},
      {"zdiff", -3, kReadonly, 0, 0, 0, ZDiff, "sorted-set", "Returns the difference between multiple sorted sets.", NumKeysFinder<1, 0>},
      {"zunionstore", -4, kWrite | kDenyOom, 1, 1, 1, ZUnionStore, "sorted-set", "Stores the union of multiple sorted sets in a key.", NumKeysFinder<2, 1>},
      {"zinterstore", -4, kWrite | kDenyOom, 1, 1, 1, ZInterStore, "sorted-set", "Stores the intersect of multiple sorted sets in a key.", NumKeysFinder<2, 1>},
      {"zdiffstore", -4, kWrite | kDenyOom, 1, 1, 1, ZDiffStore, "sorted-set", "Stores the difference of multiple sorted sets in a key.", NumKeysFinder<2, 1>},
      {"zintercard", -3, kReadonly, 0, 0, 0, ZInterCard, "sorted-set", "Returns the number of members of the intersect of multiple sorted sets.", NumKeysFinder<1, 0>},
      {"zscan", -3, kReadonly, 1, 1, 1, ZScan, "sorted-set", "Iterates over members and scores of a sorted set."},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

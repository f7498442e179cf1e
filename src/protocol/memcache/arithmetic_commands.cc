// Arithmetic commands: incr, decr and ma.

#include <algorithm>

#include "protocol/memcache/item.h"
#include "protocol/memcache/session.h"

namespace lumadb::protocol::memcache {

using engine::kv::kMemcacheDb;
using engine::kv::Value;

namespace {
constexpr std::string_view kNonNumeric = "CLIENT_ERROR cannot increment or decrement non-numeric value";
}  // namespace

MemcacheSession::DeltaResult MemcacheSession::AddDelta(std::string_view key, bool incr, uint64_t delta,
                                                       uint64_t cas_in, std::string* result, Value** item) {
  Value* v = store().Find(kMemcacheDb, key);
  if (v == nullptr) return DeltaResult::kNotFound;
  std::string_view data = mc_item::Data(*v);
  // memcached refuses empty items and items too big for one slab chunk.
  if (data.empty() || ItemSize(key.size(), mc_item::Flags(*v), data.size()) > kSlabChunkMax) {
    return DeltaResult::kNonNumeric;
  }
  if (cas_in != 0 && mc_item::Cas(*v) != cas_in) return DeltaResult::kCasMismatch;
  uint64_t value;
  if (!ParseCounter(data, &value)) return DeltaResult::kNonNumeric;
  if (incr) {
    value += delta;  // wraps at 2^64, as in memcached
  } else {
    value = delta > value ? 0 : value - delta;
  }
  MemcacheStats& st = server_.stats();
  (incr ? st.incr_hits : st.decr_hits).fetch_add(1, std::memory_order_relaxed);
  result->clear();
  AppendU64(result, value);
  if (result->size() <= data.size()) {
    // memcached rewrites the item in place, padding with spaces to its old
    // length (so "100" decremented reads back as "99 ").
    std::string& raw = mc_item::Raw(v);
    raw.replace(mc_item::kHeaderSize, result->size(), *result);
    std::fill(raw.begin() + static_cast<std::ptrdiff_t>(mc_item::kHeaderSize + result->size()), raw.end(), ' ');
    mc_item::SetCas(v, store().NextCas());
    UpdateItemTime(v, server_.NowSeconds());
    store().Touched(kMemcacheDb, key);
  } else {
    // A longer number needs a new item with the old flags and TTL.
    LinkItem(key, *result, mc_item::Flags(*v), v->expire_ms, 0);
    v = store().Find(kMemcacheDb, key);
  }
  *item = v;
  return DeltaResult::kOk;
}

void MemcacheSession::CmdIncrDecr() {
  bool incr = cmd_.op == Op::kIncr;
  std::string result;
  Value* v = nullptr;
  DeltaResult r;
  {
    auto lock = store().LockKey(cmd_.key);
    r = AddDelta(cmd_.key, incr, cmd_.delta, 0, &result, &v);
  }
  switch (r) {
    case DeltaResult::kOk:
      Reply(result);
      break;
    case DeltaResult::kNonNumeric:
      Reply(kNonNumeric);
      break;
    case DeltaResult::kNotFound: {
      MemcacheStats& st = server_.stats();
      (incr ? st.incr_misses : st.decr_misses).fetch_add(1, std::memory_order_relaxed);
      Reply("NOT_FOUND");
      break;
    }
    case DeltaResult::kCasMismatch:
      break;  // no CAS given
  }
}

void MemcacheSession::CmdMetaArithmetic() {
  const MetaRequest& m = cmd_.meta;
  std::string_view key = cmd_.key;
  bool incr = !(m.mode == 'D' || m.mode == '-');
  std::string result;
  Value* v = nullptr;
  auto lock = store().LockKey(key);
  DeltaResult r = AddDelta(key, incr, m.delta, m.cas, &result, &v);
  bool created = false;
  bool quiet = false;
  switch (r) {
    case DeltaResult::kOk:
      quiet = m.quiet;  // q hides successes, with or without v
      break;
    case DeltaResult::kNonNumeric:
      noreply_ = false;
      Reply(kNonNumeric);
      return;
    case DeltaResult::kNotFound:
      if (m.vivify) {
        // N: create the item with the J value (the delta is not applied).
        result.clear();
        AppendU64(&result, m.initial);
        LinkItem(key, result, 0, 0, 0);
        v = store().Find(kMemcacheDb, key);
        created = v != nullptr;
      } else {
        MemcacheStats& st = server_.stats();
        (incr ? st.incr_misses : st.decr_misses).fetch_add(1, std::memory_order_relaxed);
        meta_line_ = "NF";
      }
      break;
    case DeltaResult::kCasMismatch:
      meta_line_ = "EX";
      break;
  }
  if (v != nullptr) {
    meta_line_.clear();
    if (m.value) {
      meta_line_.append("VA ");
      AppendU64(&meta_line_, result.size());
    } else {
      meta_line_.append("HD");
    }
  }
  for (const MetaFlag& f : m.flags) {
    if (f.OpaqueTooLong()) {
      // Refused only now, with the arithmetic already applied.
      Reply("CLIENT_ERROR opaque token too long");
      return;
    }
    if (f.letter == 'O') {
      MetaOpaque(f);
    } else if (f.letter == 'k') {
      MetaKey(key, m.base64_key);
    } else if (v == nullptr) {
      continue;
    } else if (f.letter == 'c') {
      meta_line_.append(" c");
      AppendU64(&meta_line_, mc_item::Cas(*v));
    } else if (f.letter == 't') {
      meta_line_.append(" t");
      AppendI64(&meta_line_, TtlSeconds(v->expire_ms, now_ms_));
    } else if (f.letter == 'T') {
      store().SetExpire(kMemcacheDb, key, v, ExpireMs(m.ttl, now_ms_));
    } else if (f.letter == 'N' && created) {
      store().SetExpire(kMemcacheDb, key, v, ExpireMs(m.vivify_ttl, now_ms_));
    }
  }
  if (v != nullptr && m.value) {
    meta_line_.append("\r\n");
    meta_line_.append(result);
  }
  SendMeta(quiet);
  if (v != nullptr && IsExpired(v->expire_ms, now_ms_)) store().Erase(kMemcacheDb, key);
}

}  // namespace lumadb::protocol::memcache

// Storage commands: set, add, replace, append, prepend, cas and ms.

#include "protocol/memcache/item.h"
#include "protocol/memcache/session.h"

namespace lumadb::protocol::memcache {

using engine::kv::kMemcacheDb;
using engine::kv::Value;

uint64_t MemcacheSession::LinkItem(std::string_view key, std::string_view data, uint32_t flags, int64_t expire_ms,
                                   uint8_t bits) {
  uint64_t cas = store().NextCas();
  server_.stats().total_items.fetch_add(1, std::memory_order_relaxed);
  if (IsExpired(expire_ms, now_ms_)) {
    // memcached links it and never shows it again; the old value is gone too.
    store().Erase(kMemcacheDb, key);
    return cas;
  }
  Value v = mc_item::Make(data, cas, flags, bits);
  v.expire_ms = expire_ms;
  v.mc_time = server_.NowSeconds();
  store().Put(kMemcacheDb, key, std::move(v));
  return cas;
}

MemcacheSession::StoreResult MemcacheSession::StoreItem(StoreMode mode, const NewItem& item, uint64_t* new_cas) {
  MemcacheStats& st = server_.stats();
  uint8_t bits = item.key_binary ? kItemKeyBinary : 0;
  Value* old = store().Find(kMemcacheDb, item.key);
  if (old == nullptr) {
    switch (mode) {
      case StoreMode::kSet:
      case StoreMode::kAdd:
        *new_cas = LinkItem(item.key, item.data, item.flags, item.expire_ms, bits);
        return StoreResult::kStored;
      case StoreMode::kCas:
        st.cas_misses.fetch_add(1, std::memory_order_relaxed);
        return StoreResult::kNotFound;
      default:
        return StoreResult::kNotStored;
    }
  }

  // memcached compares the CAS up front for every mode.
  enum class Cas { kNone, kMatch, kStale, kBadValue };
  Cas cas = Cas::kBadValue;
  if (item.cas_in == 0) {
    cas = Cas::kNone;
  } else if (item.cas_in == mc_item::Cas(*old)) {
    cas = Cas::kMatch;
  } else if (item.allow_stale && item.cas_in < mc_item::Cas(*old)) {
    cas = Cas::kStale;
  }

  switch (mode) {
    case StoreMode::kAdd:
      UpdateItemTime(old, server_.NowSeconds());
      return StoreResult::kNotStored;
    case StoreMode::kCas:
      if (cas == Cas::kMatch) {
        st.cas_hits.fetch_add(1, std::memory_order_relaxed);
        *new_cas = LinkItem(item.key, item.data, item.flags, item.expire_ms, bits);
        return StoreResult::kStored;
      }
      if (cas == Cas::kStale) {
        // An invalidation with an older CAS: store it, but as a stale item
        // that keeps the old TTL and win-token state.
        st.cas_hits.fetch_add(1, std::memory_order_relaxed);
        bits |= kItemStale | (mc_item::Bits(*old) & kItemTokenSent);
        *new_cas = LinkItem(item.key, item.data, item.flags, old->expire_ms, bits);
        return StoreResult::kStored;
      }
      st.cas_badval.fetch_add(1, std::memory_order_relaxed);
      return StoreResult::kExists;
    case StoreMode::kAppend:
    case StoreMode::kPrepend: {
      if (cas != Cas::kNone && cas != Cas::kMatch) return StoreResult::kExists;
      // The joined item must fit, else memcached's allocation fails.
      if (ItemSize(item.key.size(), mc_item::Flags(*old), mc_item::Data(*old).size() + item.data.size()) >
          server_.config().max_item_size) {
        return StoreResult::kNotStored;
      }
      // A new item with the old flags and TTL, joined in place.
      std::string& raw = mc_item::Raw(old);
      if (mode == StoreMode::kAppend) {
        raw.append(item.data);
      } else {
        raw.insert(mc_item::kHeaderSize, item.data);
      }
      *new_cas = store().NextCas();
      mc_item::SetCas(old, *new_cas);
      mc_item::SetBits(old, 0);
      old->mc_time = server_.NowSeconds();
      store().Touched(kMemcacheDb, item.key);
      st.total_items.fetch_add(1, std::memory_order_relaxed);
      return StoreResult::kStored;
    }
    case StoreMode::kReplace:
    case StoreMode::kSet:
      *new_cas = LinkItem(item.key, item.data, item.flags, item.expire_ms, bits);
      return StoreResult::kStored;
  }
  return StoreResult::kNotStored;
}

void MemcacheSession::StoreTooLarge(uint64_t data_bytes) {
  server_.stats().store_too_large.fetch_add(1, std::memory_order_relaxed);
  bool meta = cmd_.op == Op::kMetaSet;
  noreply_ = meta ? false : cmd_.noreply;  // meta errors are always sent
  Reply("SERVER_ERROR object too large for cache");
  // Like memcached, a failed set leaves no stale value behind (ms: any mode).
  if (meta || cmd_.op == Op::kSet) {
    auto lock = store().LockKey(cmd_.key);
    store().Erase(kMemcacheDb, cmd_.key);
  }
  swallow_ = data_bytes;
}

void MemcacheSession::CmdStore(std::string_view data) {
  server_.stats().cmd_set.fetch_add(1, std::memory_order_relaxed);
  StoreMode mode = StoreMode::kSet;
  switch (cmd_.op) {
    case Op::kAdd: mode = StoreMode::kAdd; break;
    case Op::kReplace: mode = StoreMode::kReplace; break;
    case Op::kAppend: mode = StoreMode::kAppend; break;
    case Op::kPrepend: mode = StoreMode::kPrepend; break;
    case Op::kCas: mode = StoreMode::kCas; break;
    default: break;
  }
  NewItem item;
  item.key = cmd_.key;
  item.data = data;
  item.flags = cmd_.flags;
  item.expire_ms = ExpireMs(cmd_.exptime, now_ms_);
  item.cas_in = cmd_.op == Op::kCas ? cmd_.cas_unique : 0;
  uint64_t cas = 0;
  StoreResult res;
  {
    auto lock = store().LockKey(cmd_.key);
    res = StoreItem(mode, item, &cas);
  }
  switch (res) {
    case StoreResult::kStored: Reply("STORED"); break;
    case StoreResult::kNotStored: Reply("NOT_STORED"); break;
    case StoreResult::kExists: Reply("EXISTS"); break;
    case StoreResult::kNotFound: Reply("NOT_FOUND"); break;
  }
}

void MemcacheSession::CmdMetaSet(std::string_view data) {
  server_.stats().cmd_set.fetch_add(1, std::memory_order_relaxed);
  const MetaRequest& m = cmd_.meta;
  StoreMode mode = StoreMode::kSet;
  switch (m.mode) {
    case 'E': mode = StoreMode::kAdd; break;
    case 'A': mode = StoreMode::kAppend; break;
    case 'P': mode = StoreMode::kPrepend; break;
    case 'R': mode = StoreMode::kReplace; break;
    default: break;
  }
  // A CAS turns set and replace into cas; append/prepend check it themselves.
  if (m.has_cas && (mode == StoreMode::kSet || mode == StoreMode::kReplace)) mode = StoreMode::kCas;
  NewItem item;
  item.key = cmd_.key;
  item.data = data;
  item.flags = m.client_flags;
  item.expire_ms = m.has_ttl ? ExpireMs(m.ttl, now_ms_) : 0;
  item.cas_in = m.cas;
  item.allow_stale = m.invalidate && mode == StoreMode::kCas;
  item.key_binary = m.base64_key;
  uint64_t cas = 0;
  StoreResult res;
  {
    auto lock = store().LockKey(cmd_.key);
    res = StoreItem(mode, item, &cas);
  }
  switch (res) {
    case StoreResult::kStored: meta_line_ = "HD"; break;
    case StoreResult::kNotStored: meta_line_ = "NS"; break;
    case StoreResult::kExists: meta_line_ = "EX"; break;
    case StoreResult::kNotFound: meta_line_ = "NF"; break;
  }
  for (const MetaFlag& f : m.flags) {
    switch (f.letter) {
      case 'O':
        MetaOpaque(f);
        break;
      case 'k':
        MetaKey(cmd_.key, m.base64_key);
        break;
      case 'c':
        meta_line_.append(" c");
        AppendU64(&meta_line_, res == StoreResult::kStored ? cas : 0);
        break;
      default:
        break;
    }
  }
  SendMeta(m.quiet && res == StoreResult::kStored);
}

}  // namespace lumadb::protocol::memcache

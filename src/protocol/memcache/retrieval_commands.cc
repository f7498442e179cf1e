// Retrieval commands: get, gets, gat, gats, touch, mg and me.

#include "protocol/memcache/item.h"
#include "protocol/memcache/session.h"

namespace lumadb::protocol::memcache {

using engine::kv::kMemcacheDb;
using engine::kv::Value;

void MemcacheSession::CmdGet() {
  MemcacheStats& st = server_.stats();
  bool with_cas = cmd_.op == Op::kGets || cmd_.op == Op::kGats;
  bool touch = cmd_.op == Op::kGat || cmd_.op == Op::kGats;
  int64_t expire_ms = touch ? ExpireMs(cmd_.exptime, now_ms_) : 0;
  uint32_t now_s = server_.NowSeconds();
  std::string& out = conn_.out();
  size_t out_start = out.size();
  for (std::string_view key : cmd_.keys) {
    if (key.size() > server_.limits().max_key_length) {
      // memcached drops what it wrote for the keys before and fails the
      // command (their fetches and touches stay done).
      out.resize(out_start);
      Reply("CLIENT_ERROR bad command line format");
      return;
    }
    // One key at a time, like memcached: a multiget is not a snapshot.
    auto lock = store().LockKey(key);
    Value* v = store().Find(kMemcacheDb, key);
    if (touch) {
      st.cmd_touch.fetch_add(1, std::memory_order_relaxed);
      (v != nullptr ? st.touch_hits : st.touch_misses).fetch_add(1, std::memory_order_relaxed);
    } else {
      st.cmd_get.fetch_add(1, std::memory_order_relaxed);
      (v != nullptr ? st.get_hits : st.get_misses).fetch_add(1, std::memory_order_relaxed);
    }
    if (v == nullptr) continue;
    BumpItem(v, now_s);
    out.append("VALUE ");
    out.append(key);
    out.push_back(' ');
    AppendU64(&out, mc_item::Flags(*v));
    out.push_back(' ');
    AppendU64(&out, mc_item::Data(*v).size());
    if (with_cas) {
      out.push_back(' ');
      AppendU64(&out, mc_item::Cas(*v));
    }
    out.append("\r\n");
    out.append(mc_item::Data(*v));
    out.append("\r\n");
    if (touch) {
      if (IsExpired(expire_ms, now_ms_)) {
        store().Erase(kMemcacheDb, key);
      } else {
        store().SetExpire(kMemcacheDb, key, v, expire_ms);
      }
    }
  }
  out.append("END\r\n");
}

void MemcacheSession::CmdTouch() {
  MemcacheStats& st = server_.stats();
  int64_t expire_ms = ExpireMs(cmd_.exptime, now_ms_);
  bool found;
  {
    auto lock = store().LockKey(cmd_.key);
    Value* v = store().Find(kMemcacheDb, cmd_.key);
    found = v != nullptr;
    if (found) {
      BumpItem(v, server_.NowSeconds());
      if (IsExpired(expire_ms, now_ms_)) {
        store().Erase(kMemcacheDb, cmd_.key);
      } else {
        store().SetExpire(kMemcacheDb, cmd_.key, v, expire_ms);
      }
    }
  }
  st.cmd_touch.fetch_add(1, std::memory_order_relaxed);
  (found ? st.touch_hits : st.touch_misses).fetch_add(1, std::memory_order_relaxed);
  Reply(found ? "TOUCHED" : "NOT_FOUND");
}

void MemcacheSession::CmdMetaGet() {
  MemcacheStats& st = server_.stats();
  const MetaRequest& m = cmd_.meta;
  std::string_view key = cmd_.key;
  uint32_t now_s = server_.NowSeconds();
  auto lock = store().LockKey(key);
  Value* v = store().Find(kMemcacheDb, key);
  bool created = false;
  if (v == nullptr && m.vivify) {
    // N: a miss creates an empty item (its TTL is set below, in flag order)
    // and this client wins the right to recache it.
    LinkItem(key, "", 0, 0, 0);
    v = store().Find(kMemcacheDb, key);
    created = v != nullptr;
  }
  if (v == nullptr) {
    st.cmd_get.fetch_add(1, std::memory_order_relaxed);
    st.get_misses.fetch_add(1, std::memory_order_relaxed);
    meta_line_ = "EN";
    for (const MetaFlag& f : m.flags) {
      if (f.OpaqueTooLong()) {
        Reply("CLIENT_ERROR opaque token too long");
        return;
      }
      if (f.letter == 'O') MetaOpaque(f);
      if (f.letter == 'k') MetaKey(key, m.base64_key);
    }
    SendMeta(m.quiet);
    return;
  }

  // h and l report the item as it was before this fetch.
  uint8_t bits_before = mc_item::Bits(*v);
  uint32_t time_before = v->mc_time;
  bool won = false;
  bool ttl_set = false;
  meta_line_.clear();
  if (m.value) {
    meta_line_.append("VA ");
    AppendU64(&meta_line_, mc_item::Data(*v).size());
  } else {
    meta_line_.append("HD");
  }
  for (const MetaFlag& f : m.flags) {
    switch (f.letter) {
      case 'T':
        ttl_set = true;
        store().SetExpire(kMemcacheDb, key, v, ExpireMs(m.ttl, now_ms_));
        break;
      case 'N':
        if (created) {
          store().SetExpire(kMemcacheDb, key, v, ExpireMs(m.vivify_ttl, now_ms_));
          won = true;
        }
        break;
      case 'R':
        // Win the recache when less TTL than R remains (once per item).
        if (!(mc_item::Bits(*v) & kItemTokenSent) && !created && v->expire_ms != 0 &&
            v->expire_ms < ExpireMs(m.recache_ttl, now_ms_)) {
          won = true;
        }
        break;
      case 's':
        meta_line_.append(" s");
        AppendU64(&meta_line_, mc_item::Data(*v).size());
        break;
      case 't':
        meta_line_.append(" t");
        AppendI64(&meta_line_, TtlSeconds(v->expire_ms, now_ms_));
        break;
      case 'c':
        meta_line_.append(" c");
        AppendU64(&meta_line_, mc_item::Cas(*v));
        break;
      case 'f':
        meta_line_.append(" f");
        AppendU64(&meta_line_, mc_item::Flags(*v));
        break;
      case 'l':
        meta_line_.append(" l");
        AppendU64(&meta_line_, now_s - std::min(now_s, time_before));
        break;
      case 'h':
        meta_line_.append((bits_before & kItemFetched) ? " h1" : " h0");
        break;
      case 'O':
        if (f.OpaqueTooLong()) {
          // Flags before it took effect; the item is not bumped.
          Reply("CLIENT_ERROR opaque token too long");
          return;
        }
        MetaOpaque(f);
        break;
      case 'k':
        MetaKey(key, KeyIsBinary(key, mc_item::Bits(*v)));
        break;
      default:
        break;
    }
  }
  // Z before X, and never W with Z: as memcached orders them.
  if (mc_item::Bits(*v) & kItemTokenSent) meta_line_.append(" Z");
  if (mc_item::Bits(*v) & kItemStale) {
    meta_line_.append(" X");
    if (!(mc_item::Bits(*v) & kItemTokenSent)) won = true;
  }
  if (won) {
    meta_line_.append(" W");
    mc_item::SetBits(v, mc_item::Bits(*v) | kItemTokenSent);
  }
  SendMeta(false);
  if (m.value) {
    std::string& out = conn_.out();
    out.append(mc_item::Data(*v));
    out.append("\r\n");
  }
  if (!m.no_bump) BumpItem(v, now_s);
  if (ttl_set) {
    st.cmd_touch.fetch_add(1, std::memory_order_relaxed);
    st.touch_hits.fetch_add(1, std::memory_order_relaxed);
  } else {
    st.cmd_get.fetch_add(1, std::memory_order_relaxed);
    st.get_hits.fetch_add(1, std::memory_order_relaxed);
  }
  // A T that expired the item: this fetch still saw it, later ones do not.
  if (IsExpired(v->expire_ms, now_ms_)) store().Erase(kMemcacheDb, key);
}

void MemcacheSession::CmdMetaDebug() {
  std::string_view key = cmd_.key;
  uint32_t now_s = server_.NowSeconds();
  auto lock = store().LockKey(key);
  const Value* v = store().Find(kMemcacheDb, key);
  if (v == nullptr) {
    Reply("EN");
  } else {
    meta_line_ = "ME ";
    if (KeyIsBinary(key, mc_item::Bits(*v))) {
      Base64Encode(key, &meta_line_);
    } else {
      meta_line_.append(key);
    }
    // memcached prints "current time - expiry": minus the TTL left.
    meta_line_.append(" exp=");
    AppendI64(&meta_line_, v->expire_ms == 0 ? -1 : -TtlSeconds(v->expire_ms, now_ms_));
    meta_line_.append(" la=");
    AppendU64(&meta_line_, now_s - std::min(now_s, v->mc_time));
    meta_line_.append(" cas=");
    AppendU64(&meta_line_, mc_item::Cas(*v));
    meta_line_.append((mc_item::Bits(*v) & kItemFetched) ? " fetch=yes" : " fetch=no");
    uint64_t size = ItemSize(key.size(), mc_item::Flags(*v), mc_item::Data(*v).size());
    meta_line_.append(" cls=");
    AppendU64(&meta_line_, static_cast<uint64_t>(SlabClass(size)));
    meta_line_.append(" size=");
    AppendU64(&meta_line_, size);
    SendMeta(false);
  }
  server_.stats().cmd_meta.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace lumadb::protocol::memcache

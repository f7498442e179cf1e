// Deletion commands: delete and md.

#include "protocol/memcache/item.h"
#include "protocol/memcache/session.h"

namespace lumadb::protocol::memcache {

using engine::kv::kMemcacheDb;
using engine::kv::Value;

void MemcacheSession::CmdDelete() {
  bool deleted;
  {
    auto lock = store().LockKey(cmd_.key);
    deleted = store().Erase(kMemcacheDb, cmd_.key);
  }
  MemcacheStats& st = server_.stats();
  (deleted ? st.delete_hits : st.delete_misses).fetch_add(1, std::memory_order_relaxed);
  Reply(deleted ? "DELETED" : "NOT_FOUND");
}

void MemcacheSession::CmdMetaDelete() {
  const MetaRequest& m = cmd_.meta;
  std::string_view key = cmd_.key;
  MemcacheStats& st = server_.stats();
  bool quiet = false;
  {
    auto lock = store().LockKey(key);
    Value* v = store().Find(kMemcacheDb, key);
    if (v == nullptr) {
      st.delete_misses.fetch_add(1, std::memory_order_relaxed);
      meta_line_ = "NF";
    } else if (m.has_cas && mc_item::Cas(*v) != m.cas) {
      st.delete_misses.fetch_add(1, std::memory_order_relaxed);
      meta_line_ = "EX";
    } else if (m.invalidate) {
      // I: keep the item but mark it stale with a new CAS, so the next mg
      // wins the recache (the win token is cleared).
      if (m.has_ttl) store().SetExpire(kMemcacheDb, key, v, ExpireMs(m.ttl, now_ms_));
      mc_item::SetBits(v, static_cast<uint8_t>((mc_item::Bits(*v) | kItemStale) & ~kItemTokenSent));
      mc_item::SetCas(v, store().NextCas());
      store().Touched(kMemcacheDb, key);
      if (IsExpired(v->expire_ms, now_ms_)) store().Erase(kMemcacheDb, key);
      meta_line_ = "HD";
      quiet = m.quiet;
    } else {
      st.delete_hits.fetch_add(1, std::memory_order_relaxed);
      store().Erase(kMemcacheDb, key);
      meta_line_ = "HD";
      quiet = m.quiet;
    }
  }
  for (const MetaFlag& f : m.flags) {
    if (f.letter == 'O') MetaOpaque(f);
    if (f.letter == 'k') MetaKey(key, m.base64_key);
  }
  SendMeta(quiet);
}

}  // namespace lumadb::protocol::memcache

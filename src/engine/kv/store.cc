#include "engine/kv/store.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <malloc.h>
#include <random>
#include <set>

#include "common/clock.h"
#include "common/logging.h"
#include "engine/kv/key_table.h"
#include "engine/kv/store_shard.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::kv {

bool ParseDurability(std::string_view s, Durability* out) {
  if (s == "always") *out = Durability::kAlways;
  else if (s == "everysec") *out = Durability::kEverySec;
  else if (s == "none" || s == "no") *out = Durability::kNone;
  else return false;
  return true;
}

const char* DurabilityName(Durability d) {
  switch (d) {
    case Durability::kAlways: return "always";
    case Durability::kEverySec: return "everysec";
    case Durability::kNone: return "none";
  }
  return "?";
}

namespace {

// Shards this thread holds; lets nested lock requests (a whole-keyspace
// command inside EXEC) skip what is already held.
thread_local uint64_t t_held_mask = 0;
#define ASSERT_HELD(key) assert((t_held_mask & Store::MaskOf(key)) != 0 && "shard lock not held")

std::string StorageKey(int db, std::string_view key) {
  std::string k;
  k.reserve(key.size() + 1);
  k.push_back(static_cast<char>(db));
  k.append(key);
  return k;
}

// StorageKey(db, key) without an allocation for keys of up to 63 bytes (the
// change tracking builds one for every write).
class StorageKeyView {
 public:
  StorageKeyView(int db, std::string_view key) {
    if (key.size() < sizeof(buf_)) {
      buf_[0] = static_cast<char>(db);
      memcpy(buf_ + 1, key.data(), key.size());
      view_ = std::string_view(buf_, key.size() + 1);
    } else {
      long_ = StorageKey(db, key);
      view_ = long_;
    }
  }
  StorageKeyView(const StorageKeyView&) = delete;
  StorageKeyView& operator=(const StorageKeyView&) = delete;
  std::string_view view() const { return view_; }

 private:
  char buf_[64];
  std::string long_;
  std::string_view view_;
};


}  // namespace

Store::Store(storage::Store* disk, StoreOptions options)
    : disk_(disk),
      options_(options),
      shards_(new Shard[kShardCount]),
      locks_(new PaddedMutex[kShardCount]),
      start_ms_(MonoMs()),
      eviction_(std::make_unique<EvictionState>()) {}

Store::~Store() {
  if (background_.joinable()) (void)Stop();
}

void Store::Lock::Release() {
  if (mask_ == 0) return;
  for (uint64_t m = mask_; m != 0; m &= m - 1) store_->locks_[__builtin_ctzll(m)].mu.unlock();
  t_held_mask &= ~mask_;
  mask_ = 0;
}

uint64_t Store::HeldShards() { return t_held_mask; }

namespace {
thread_local uint64_t t_kept_mask = 0;
thread_local const void* t_kept_owner = nullptr;
}  // namespace

Store::Lock Store::LockAllKept(const void* owner) {
  if (t_kept_mask != 0 && t_kept_owner != owner) return LockAll();
  Lock all = LockAll();
  if (all.mask_ != 0) {
    t_kept_mask |= all.mask_;
    t_kept_owner = owner;
    all.mask_ = 0;
  }
  return all;
}

void Store::ReleaseKept(const void* owner) {
  if (t_kept_mask == 0 || t_kept_owner != owner) return;
  Lock kept(this, t_kept_mask);
  t_kept_mask = 0;
  t_kept_owner = nullptr;
}

Store::Lock Store::LockMask(uint64_t mask) {
  mask &= ~t_held_mask;
  // Lowest shard first, so that lock sets never deadlock.
  for (uint64_t m = mask; m != 0; m &= m - 1) locks_[__builtin_ctzll(m)].mu.lock();
  t_held_mask |= mask;
  return Lock(this, mask);
}

Status Store::Load() {
  if (disk_ == nullptr) return Status::Ok();
  int64_t now = NowMs();
  size_t loaded = 0, dropped = 0;
  storage::WriteBatch cleanup;
  LargeLoader large;
  Status decode_error;
  auto malformed = [](int db, std::string_view key) {
    return Status::Corruption("stored value of key '" + std::string(key) + "' in db " + std::to_string(db) +
                              " is malformed");
  };
  // First every key's entry (collections stored per element come out
  // empty), then the elements of those, in one pass over kv_elements.
  Status st = disk_->ScanPrefix(storage::Cf::kKv, "", [&](std::string_view k, std::string_view v) {
    if (k.empty() || static_cast<uint8_t>(k[0]) >= kDbCount) return true;
    int db = static_cast<uint8_t>(k[0]);
    std::string_view key = k.substr(1);
    Value value;
    LargeMeta meta;
    bool per_element = IsLargeMeta(v);
    Status s = per_element ? DecodeLargeMeta(v, &value, &meta) : DecodeValue(v, &value);
    if (!s.ok()) {
      decode_error = malformed(db, key);
      return false;
    }
    if (value.expire_ms != 0 && value.expire_ms <= now) {
      // The elements of a dropped key are left unexpected, so the element
      // pass deletes them.
      cleanup.Delete(storage::Cf::kKv, k);
      dropped++;
      return true;
    }
    Shard& shard = shards_[ShardOf(key)];
    Db& d = shard.dbs[db];
    if (value.expire_ms != 0) d.expiries.emplace(value.expire_ms, std::string(key));
    if (db == kMemcacheDb && value.IsString()) cas_.store(std::max(cas_.load(), mc_item::Cas(value)));
    Value& stored = d.map.Upsert(key, std::move(value));
    if (per_element) large.Expect(db, key, meta, &stored);
    loaded++;
    return true;
  });
  RETURN_IF_ERROR(st);
  RETURN_IF_ERROR(decode_error);
  st = disk_->ScanPrefix(storage::Cf::kKvElements, "", [&](std::string_view k, std::string_view v) {
    decode_error = large.AddElement(k, v, cleanup);
    return decode_error.ok();
  });
  RETURN_IF_ERROR(st);
  RETURN_IF_ERROR(decode_error);
  size_t per_element = 0;
  RETURN_IF_ERROR(large.Finish(
      [&](const std::string& sk, LargeState state) {
        shards_[ShardOf(std::string_view(sk).substr(1))].large.emplace(sk, std::move(state));
        per_element++;
      },
      &next_generation_));
  if (!cleanup.empty()) RETURN_IF_ERROR(disk_->Write(&cleanup, false));
  LOG_INFO("kv: loaded %zu keys (%zu stored per element) from %s (%zu expired keys dropped)", loaded, per_element,
           disk_->dir().c_str(), dropped);
  last_save_ms_ = NowMs();
  return Status::Ok();
}

void Store::Start() {
  RecountMemory();
  background_ = std::thread([this] { RunBackground(); });
}

Status Store::Stop() {
  {
    std::lock_guard<std::mutex> g(bg_mu_);
    stopping_ = true;
  }
  bg_cv_.notify_all();
  if (background_.joinable()) background_.join();
  return Flush(true);
}

void Store::CountChange() {
  changes_since_save_.fetch_add(1, std::memory_order_relaxed);
  change_seq_.fetch_add(1, std::memory_order_acq_rel);
}

void Store::MarkDirty(Shard& shard, int db, std::string_view key) {
  if (disk_ != nullptr) {
    StorageKeyView skv(db, key);
    std::string_view sk = skv.view();
    if (!shard.detailed.empty()) shard.detailed.erase(sk);
    shard.dirty.insert(sk);
    shard.has_dirty.store(true, std::memory_order_relaxed);
  }
  CountChange();
}

void Store::MarkDescribed(Shard& shard, int db, std::string_view key, DescribeChange describe) {
  if (disk_ != nullptr) {
    StorageKeyView skv(db, key);
    std::string_view sk = skv.view();
    // Only keys stored per element have change records (so a key absent
    // from `large` is in `detailed` neither).
    auto stored = shard.large.empty() ? shard.large.end() : shard.large.find(sk);
    if (stored == shard.large.end()) {
      // Stored as one entry (or not yet): that entry is rewritten anyway.
      shard.dirty.insert(sk);
      shard.has_dirty.store(true, std::memory_order_relaxed);
    } else if (!shard.dirty.contains(sk)) {
      auto it = shard.detailed.find(sk);
      if (it == shard.detailed.end()) {
        it = shard.detailed.try_emplace(std::string(sk)).first;
        InitChanges(stored->second, &it->second);
      }
      ChangeLog log(&it->second, shard.dbs[db].map.Find(key));
      describe(log);
      if (log.whole()) {
        shard.detailed.erase(it);
        shard.dirty.insert(sk);
      }
      shard.has_dirty.store(true, std::memory_order_relaxed);
    }
  }
  CountChange();
}

void Store::NotifyKey(int db, std::string_view key) {
  for (auto* o : observers_) o->OnKeyTouched(db, key);
}

void Store::EraseExpired(Shard& shard, int db, std::string_view key) {
  Db& d = shard.dbs[db];
  Value* v = d.map.Find(key);
  if (v == nullptr) return;
  d.expiries.erase({v->expire_ms, std::string(key)});
  uint32_t charge;
  d.map.Erase(key, &charge);
  Account(d, -static_cast<int64_t>(charge));
  expired_keys_.fetch_add(1, std::memory_order_relaxed);
  MarkDirty(shard, db, key);
  for (auto* o : observers_) o->OnKeyExpired(db, key);
  NotifyKey(db, key);
}

Value* Store::Peek(int db, std::string_view key) {
  ASSERT_HELD(key);
  Shard& shard = shards_[ShardOf(key)];
  Value* v = shard.dbs[db].map.Find(key);
  if (v == nullptr) return nullptr;
  if (v->expire_ms != 0 && v->expire_ms <= NowMs()) {
    EraseExpired(shard, db, key);
    return nullptr;
  }
  return v;
}

Value* Store::Find(int db, std::string_view key) {
  Value* v = Peek(db, key);
  if (v != nullptr) {
    v->set_access_s(ClockSeconds());
    NoteAccess(db, v);
  }
  return v;
}

Value& Store::Put(int db, std::string_view key, Value value) {
  ASSERT_HELD(key);
  Shard& shard = shards_[ShardOf(key)];
  Db& d = shard.dbs[db];
  value.set_access_s(ClockSeconds());
  KeyTable::Slot slot = d.map.FindSlot(key);
  Value* old = slot.value;
  if (old != nullptr && old->expire_ms != 0 && old->expire_ms <= NowMs()) {
    EraseExpired(shard, db, key);
    old = nullptr;
  }
  bool added = old == nullptr;
  int64_t old_expire = old == nullptr ? 0 : old->expire_ms;
  if (old_expire != value.expire_ms) {
    if (old_expire != 0) d.expiries.erase({old_expire, std::string(key)});
    if (value.expire_ms != 0) d.expiries.emplace(value.expire_ms, std::string(key));
  }
  InitAccess(db, old, &value);
  uint32_t charge = ChargeOf(key, value), old_charge;
  // One lookup for a key that is there (the slot found above), one for a new key.
  Value& stored = old != nullptr ? d.map.Replace(slot, std::move(value), charge, &old_charge)
                                 : d.map.Upsert(key, std::move(value), charge, &old_charge);
  Account(d, static_cast<int64_t>(charge) - old_charge);
  MarkDirty(shard, db, key);
  if (added) {
    for (auto* o : observers_) o->OnKeyAdded(db, key);
  }
  NotifyKey(db, key);
  return stored;
}

bool Store::Erase(int db, std::string_view key) {
  ASSERT_HELD(key);
  if (Find(db, key) == nullptr) return false;
  Shard& shard = shards_[ShardOf(key)];
  Db& d = shard.dbs[db];
  Value* v = d.map.Find(key);
  if (v->expire_ms != 0) d.expiries.erase({v->expire_ms, std::string(key)});
  uint32_t charge;
  d.map.Erase(key, &charge);
  Account(d, -static_cast<int64_t>(charge));
  MarkDirty(shard, db, key);
  NotifyKey(db, key);
  return true;
}

void Store::SetExpire(int db, std::string_view key, Value* value, int64_t expire_ms) {
  ASSERT_HELD(key);
  Shard& shard = shards_[ShardOf(key)];
  Db& d = shard.dbs[db];
  if (value->expire_ms == expire_ms) return;
  if (value->expire_ms != 0) d.expiries.erase({value->expire_ms, std::string(key)});
  value->expire_ms = expire_ms;
  if (expire_ms != 0) d.expiries.emplace(expire_ms, std::string(key));
  Recharge(shard, db, key);
  // Only the key's own entry changes (its metadata, for a large collection).
  MarkDescribed(shard, db, key, [](ChangeLog&) {});
  NotifyKey(db, key);
}

void Store::Touched(int db, std::string_view key) {
  ASSERT_HELD(key);
  Shard& shard = shards_[ShardOf(key)];
  Recharge(shard, db, key);
  MarkDirty(shard, db, key);
  NotifyKey(db, key);
}

void Store::Touched(int db, std::string_view key, DescribeChange describe) {
  ASSERT_HELD(key);
  Shard& shard = shards_[ShardOf(key)];
  Recharge(shard, db, key);
  MarkDescribed(shard, db, key, describe);
  NotifyKey(db, key);
}

void Store::Changed(int db, std::string_view key) {
  ASSERT_HELD(key);
  Shard& shard = shards_[ShardOf(key)];
  Recharge(shard, db, key);
  MarkDirty(shard, db, key);
}

void Store::Changed(int db, std::string_view key, DescribeChange describe) {
  ASSERT_HELD(key);
  Shard& shard = shards_[ShardOf(key)];
  Recharge(shard, db, key);
  MarkDescribed(shard, db, key, describe);
}

namespace {
bool IsEmptyCollection(const Value* v) {
  return v != nullptr && !v->IsString() && v->type() != Type::kStream && v->Size() == 0;
}
}  // namespace

void Store::TouchedMaybeEmpty(int db, std::string_view key, Value* value) {
  if (IsEmptyCollection(value)) {
    Erase(db, key);
  } else {
    Touched(db, key);
  }
}

void Store::TouchedMaybeEmpty(int db, std::string_view key, Value* value, DescribeChange describe) {
  if (IsEmptyCollection(value)) {
    Erase(db, key);
  } else {
    Touched(db, key, describe);
  }
}

size_t Store::DbSize(int db) {
  size_t n = 0;
  for (int i = 0; i < kShardCount; i++) {
    Lock l = LockMask(1ull << i);
    n += shards_[i].dbs[db].map.size();
  }
  return n;
}

size_t Store::ExpiresCount(int db) {
  size_t n = 0;
  for (int i = 0; i < kShardCount; i++) {
    Lock l = LockMask(1ull << i);
    n += shards_[i].dbs[db].expiries.size();
  }
  return n;
}

void Store::FlushDb(int db) {
  Lock all = LockAll();
  ClearDb(db);
  for (auto* o : observers_) o->OnDbTouched(db);
}

void Store::FlushAll() {
  Lock all = LockAll();
  for (int db = 0; db < kRedisDbCount; db++) ClearDb(db);
  for (auto* o : observers_) o->OnDbTouched(-1);
}

void Store::DropLargeStates(int db) {
  for (int i = 0; i < kShardCount; i++) {
    Shard& s = shards_[i];
    auto in_db = [db](const auto& entry) { return static_cast<uint8_t>(entry.first[0]) == db; };
    absl::erase_if(s.large, in_db);
    absl::erase_if(s.detailed, in_db);
  }
}

void Store::ClearDb(int db) {
  for (int i = 0; i < kShardCount; i++) {
    Shard& s = shards_[i];
    Account(s.dbs[db], -s.dbs[db].charged);
    s.dbs[db].map.clear();
    s.dbs[db].expiries.clear();
  }
  DropLargeStates(db);
  // Written by the next Flush, before any key changed after this point.
  pending_range_deletes_.push_back(db);
  range_deletes_waiting_.store(static_cast<int>(pending_range_deletes_.size()), std::memory_order_relaxed);
  CountChange();
}

void Store::SwapDb(int a, int b) {
  if (a == b) return;
  Lock all = LockAll();
  // Both dbs are deleted on disk and every key of both rewritten whole
  // after that, in the same flush.
  DropLargeStates(a);
  DropLargeStates(b);
  for (int i = 0; i < kShardCount; i++) {
    Shard& s = shards_[i];
    std::swap(s.dbs[a], s.dbs[b]);
    for (int db : {a, b}) {
      s.dbs[db].map.ForEach([&](std::string_view k, Value&) { MarkDirty(s, db, k); });
    }
  }
  pending_range_deletes_.push_back(a);
  pending_range_deletes_.push_back(b);
  range_deletes_waiting_.store(static_cast<int>(pending_range_deletes_.size()), std::memory_order_relaxed);
  CountChange();
  for (auto* o : observers_) {
    o->OnDbTouched(a);
    o->OnDbTouched(b);
  }
}

uint64_t Store::Scan(int db, uint64_t cursor, size_t count,
                     const std::function<void(std::string_view, const Value&)>& fn) {
  if (count == 0) count = 10;
  int64_t now = NowMs();
  size_t emitted = 0;
  int shard = static_cast<int>(cursor >> (64 - kShardBits));
  for (; shard < kShardCount; shard++) {
    Lock l = LockMask(1ull << shard);
    struct Found {
      uint64_t first;
      std::string_view key;
      const Value* value;
    };
    std::vector<Found> found;
    shards_[shard].dbs[db].map.ForEach([&](std::string_view k, Value& v) {
      uint64_t h = KeyHash(k);
      if (h >= cursor) found.push_back({h, k, &v});
    });
    size_t want = count - emitted;
    bool partial = found.size() > want;
    if (partial) {
      std::nth_element(found.begin(), found.begin() + (want - 1), found.end(),
                       [](const auto& x, const auto& y) { return x.first < y.first; });
      found.resize(want);
    }
    uint64_t max_h = 0;
    std::vector<std::string> expired;
    for (const Found& f : found) {
      max_h = std::max(max_h, f.first);
      if (f.value->expire_ms != 0 && f.value->expire_ms <= now) {
        expired.emplace_back(f.key);
        continue;
      }
      fn(f.key, *f.value);
    }
    // Like Redis, SCAN deletes the expired keys it comes across.
    for (const std::string& k : expired) EraseExpired(shards_[shard], db, k);
    emitted += found.size();
    if (partial) return max_h == UINT64_MAX ? 0 : max_h + 1;
    // Next shard starts at its first hash value.
    if (shard + 1 < kShardCount) cursor = static_cast<uint64_t>(shard + 1) << (64 - kShardBits);
    if (emitted >= count) return shard + 1 < kShardCount ? cursor : 0;
  }
  return 0;
}

void Store::ForEach(int db, const std::function<void(std::string_view, const Value&)>& fn) {
  int64_t now = NowMs();
  for (int i = 0; i < kShardCount; i++) {
    Lock l = LockMask(1ull << i);
    shards_[i].dbs[db].map.ForEach([&](std::string_view k, Value& v) {
      if (v.expire_ms != 0 && v.expire_ms <= now) return;
      fn(k, v);
    });
  }
}

std::optional<std::string> Store::RandomKey(int db) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  int64_t now = NowMs();
  // Pick a shard weighted by size, then an entry within it.
  for (int attempt = 0; attempt < 100; attempt++) {
    size_t sizes[kShardCount];
    size_t total = 0;
    for (int i = 0; i < kShardCount; i++) {
      Lock l = LockMask(1ull << i);
      sizes[i] = shards_[i].dbs[db].map.size();
      total += sizes[i];
    }
    if (total == 0) return std::nullopt;
    size_t r = rng() % total;
    int shard = 0;
    while (r >= sizes[shard]) r -= sizes[shard++];
    Lock l = LockMask(1ull << shard);
    auto& map = shards_[shard].dbs[db].map;
    if (r >= map.size()) continue;
    auto [k, v] = map.Nth(r);
    if (v->expire_ms != 0 && v->expire_ms <= now) {
      std::string key(k);
      EraseExpired(shards_[shard], db, key);
      continue;
    }
    return std::string(k);
  }
  return std::nullopt;
}

Status Store::FlushKey(Shard& shard, std::string_view sk, const KeyChanges* changes, bool purge,
                       FlushBatch& out) {
  int db = static_cast<uint8_t>(sk[0]);
  std::string_view key(sk.data() + 1, sk.size() - 1);
  KeyWrite k;
  k.db = db;
  k.key = key;
  k.storage_key = sk;
  // The current value, newer than when it was marked if it changed since:
  // that later change is recorded again for the next flush.
  k.value = shard.dbs[db].map.Find(key);
  k.changes = changes;
  k.purge = purge;
  k.min_elements = options_.large_min_elements;
  auto it = shard.large.find(sk);
  k.large = it != shard.large.end();
  LargeState fresh;
  LargeState* state = k.large ? &it->second : &fresh;
  bool large_after = false;
  RETURN_IF_ERROR(WriteKey(k, state, &next_generation_, out, &large_after));
  if (k.large && !large_after) shard.large.erase(it);
  if (!k.large && large_after) shard.large.emplace(std::string(sk), std::move(fresh));
  return Status::Ok();
}

Status Store::Flush(bool sync) {
  if (disk_ == nullptr) return Status::Ok();
  std::lock_guard<std::mutex> f(flush_mu_);
  // Every change numbered up to target was recorded in its shard before
  // this point, so the pass below writes it.
  uint64_t target = change_seq_.load(std::memory_order_acquire);
  bool nothing_new = target == flushed_seq_.load(std::memory_order_relaxed);
  if (nothing_new && (!sync || durable_seq_.load(std::memory_order_relaxed) >= target)) return Status::Ok();

  FlushBatch out(disk_);
  // Keys (shard, storage key) and range deletes whose writes are in the
  // batch but not yet on disk: queued again if the write fails. The views
  // point into the change sets taken from the shards, kept in `taken` until
  // their keys are written (the set being written is not in `taken` yet).
  std::vector<std::pair<int, std::string_view>> unwritten;
  std::vector<std::pair<int, std::string>> unwritten_detailed;
  std::vector<ArenaStrSet> taken;
  std::vector<int> unwritten_deletes;
  out.OnWritten([&] {
    unwritten.clear();
    unwritten_detailed.clear();
    taken.clear();
    unwritten_deletes.clear();
  });
  Status st;
  if (!nothing_new) {
    // Shard by shard, each change set taken and written under its shard's
    // lock, so what is written of a key matches its recorded changes. A
    // FLUSHDB/SWAPDB met on the way has its range deletes written at that
    // point, after the writes of the shards done before it, and then every
    // shard is visited once more: the keys changed after it (SWAPDB's
    // rewrites included) are written after the range delete, in this flush.
    int remaining = kShardCount;
    for (int i = 0; remaining > 0 && st.ok(); i = (i + 1) % kShardCount, remaining--) {
      Shard& s = shards_[i];
      if (!s.has_dirty.load(std::memory_order_relaxed) && range_deletes_waiting_.load(std::memory_order_relaxed) == 0) {
        continue;
      }
      {
        Lock l = LockMask(1ull << i);
        if (!pending_range_deletes_.empty()) {
          for (int db : pending_range_deletes_) {
            DeleteDb(db, out.batch());
            unwritten_deletes.push_back(db);
          }
          pending_range_deletes_.clear();
          range_deletes_waiting_.store(0, std::memory_order_relaxed);
          remaining = kShardCount;
        }
        ArenaStrSet whole;
        StrSet purge;
        StrMap<KeyChanges> detailed;
        whole.swap(s.dirty);
        detailed.swap(s.detailed);
        purge.swap(s.purge);
        s.has_dirty.store(false, std::memory_order_relaxed);
        for (std::string_view sk : whole) {
          if (st.ok()) st = FlushKey(s, sk, nullptr, !purge.empty() && purge.contains(sk), out);
          unwritten.emplace_back(i, sk);
        }
        for (const auto& [sk, changes] : detailed) {
          if (st.ok()) st = FlushKey(s, sk, &changes, false, out);
          unwritten_detailed.emplace_back(i, sk);
        }
        taken.push_back(std::move(whole));
      }
      // Between shards every key is complete in the batch, so a chunk may
      // go out (large rewrites also spill while they write new elements).
      if (st.ok()) st = out.MaybeSpill();
    }
  }
  if (st.ok()) st = out.Finish(sync);
  size_t written = out.written();
  if (!st.ok()) {
    // What did not reach the disk is queued again, its keys to be rewritten
    // whole (the disk state of their elements is unknown now).
    Lock all = LockAll();
    auto requeue = [&](int i, std::string_view sk) {
      Shard& s = shards_[i];
      s.detailed.erase(sk);
      s.purge.emplace(sk);
      s.dirty.insert(sk);
      s.has_dirty.store(true, std::memory_order_relaxed);
    };
    for (auto& [i, sk] : unwritten) requeue(i, sk);
    for (auto& [i, sk] : unwritten_detailed) requeue(i, sk);
    pending_range_deletes_.insert(pending_range_deletes_.begin(), unwritten_deletes.begin(),
                                  unwritten_deletes.end());
    range_deletes_waiting_.store(static_cast<int>(pending_range_deletes_.size()), std::memory_order_relaxed);
  } else {
    flushed_seq_.store(target, std::memory_order_release);
    if (sync) durable_seq_.store(target, std::memory_order_release);
  }
  flushes_.fetch_add(1, std::memory_order_relaxed);
  last_flush_ok_.store(st.ok(), std::memory_order_relaxed);
  if (st.ok()) {
    last_save_ms_.store(NowMs(), std::memory_order_relaxed);
    if (change_seq_.load(std::memory_order_relaxed) == target) changes_since_save_.store(0, std::memory_order_relaxed);
  } else {
    LOG_ERROR("kv: writing changes to disk failed: %s", st.ToString().c_str());
  }
  // A large flush leaves freed memory in malloc's arenas; hand it back.
  if (written > 100000) malloc_trim(0);
  return st;
}

namespace {
std::string MetaKey(std::string_view name) { return "kv." + std::string(name); }
}  // namespace

Status Store::PutMeta(std::string_view name, std::string_view value) {
  if (disk_ == nullptr) {
    std::lock_guard<std::mutex> g(meta_mu_);
    memory_meta_[std::string(name)] = std::string(value);
    return Status::Ok();
  }
  storage::WriteBatch batch;
  batch.Put(storage::Cf::kMeta, MetaKey(name), value);
  return disk_->Write(&batch, options_.durability != Durability::kNone);
}

Status Store::GetMeta(std::string_view name, std::string* value) {
  if (disk_ == nullptr) {
    std::lock_guard<std::mutex> g(meta_mu_);
    auto it = memory_meta_.find(name);
    if (it == memory_meta_.end()) return Status::NotFound(std::string(name));
    *value = it->second;
    return Status::Ok();
  }
  return disk_->Get(storage::Cf::kMeta, MetaKey(name), value);
}

Status Store::CommitIfNeeded() {
  if (options_.durability != Durability::kAlways) return Status::Ok();
  // Another worker's flush may have taken our changes already; then this
  // waits for it (flush_mu_) and finds them durable.
  if (durable_seq_.load(std::memory_order_acquire) >= change_seq_.load(std::memory_order_acquire)) {
    return Status::Ok();
  }
  return Flush(true);
}

size_t Store::ActiveExpire(int64_t now_ms) {
  size_t n = 0;
  for (int i = 0; i < kShardCount; i++) {
    Lock l = LockMask(1ull << i);
    Shard& s = shards_[i];
    for (int db = 0; db < kDbCount; db++) {
      auto& ex = s.dbs[db].expiries;
      // Bounded per pass so a mass expiry does not hold a shard for long.
      for (int budget = 200; budget > 0 && !ex.empty() && ex.begin()->first <= now_ms; budget--) {
        std::string key = ex.begin()->second;
        EraseExpired(s, db, key);
        n++;
      }
    }
  }
  return n;
}

void Store::RequestFlush() {
  {
    std::lock_guard<std::mutex> g(bg_mu_);
    flush_requested_ = true;
  }
  bg_cv_.notify_all();
}

void Store::RunBackground() {
  int64_t last_flush = MonoMs();
  // Memtables left by the last writes go out after memtable_quiet_ms.
  constexpr uint64_t kMemtableBytesWorthWriting = 1 << 20;
  int64_t last_write = last_flush;
  uint64_t seen_seq = change_seq_.load(std::memory_order_relaxed);
  bool memtables_out = true;
  std::unique_lock<std::mutex> lk(bg_mu_);
  while (!stopping_) {
    bg_cv_.wait_for(lk, std::chrono::milliseconds(100));
    if (stopping_) break;
    bool requested = flush_requested_;
    flush_requested_ = false;
    lk.unlock();
    clock_s_.store(static_cast<uint32_t>((MonoMs() - start_ms_) / 1000), std::memory_order_relaxed);
    ActiveExpire(NowMs());
    // Evictions that ran out of time in a command go on here until memory is
    // under maxmemory (Redis's evictionTimeProc), a time-limited round at a
    // time so that commands get the shard locks in between.
    while (eviction_running_.load(std::memory_order_relaxed) && PerformEvictions() == EvictResult::kRunning) {
    }
    int64_t now = MonoMs();
    if (requested || now - last_flush >= options_.flush_interval_ms) {
      last_flush = now;
      if (HasPendingWrites()) (void)Flush(options_.durability != Durability::kNone);
    }
    // Any change (written here, or at once under durability always).
    if (uint64_t seq = change_seq_.load(std::memory_order_relaxed); seq != seen_seq) {
      seen_seq = seq;
      last_write = now;
      memtables_out = false;
    }
    if (!memtables_out && now - last_write >= options_.memtable_quiet_ms) {
      memtables_out = true;
      if (disk_ != nullptr && disk_->Stats().memtable_bytes >= kMemtableBytesWorthWriting) {
        Status st = disk_->FlushMemtables();
        if (!st.ok()) LOG_WARN("kv: %s", st.ToString().c_str());
        malloc_trim(0);
      }
    }
    lk.lock();
  }
}

Store::Stats Store::GetStats() const {
  Stats s;
  s.expired_keys = expired_keys_.load(std::memory_order_relaxed);
  s.changes_since_save = changes_since_save_.load(std::memory_order_relaxed);
  s.last_save_ms = last_save_ms_.load(std::memory_order_relaxed);
  s.flushes = flushes_.load(std::memory_order_relaxed);
  s.last_flush_ok = last_flush_ok_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace lumadb::engine::kv

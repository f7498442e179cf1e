// maxmemory for the KV engine: the LFU counter and eviction pool (pure),
// then the Store's memory accounting and its eviction rounds.
//
// How Redis's evict.c maps onto a sharded keyspace:
// - Redis samples maxmemory-samples keys of every database (dictGetSomeKeys:
//   a run of buckets from a random place) into one pool of 16 candidates and
//   evicts the best. Here a round samples, for every database that has
//   candidates, maxmemory-samples keys of one shard picked at random
//   (weighted by its number of candidates) into the same kind of pool. A
//   shard is sampled as a sweep: each sample continues where the previous
//   one in that shard stopped, so over time every key is looked at.
// - volatile-ttl takes the soonest expiries of the sampled shard, which the
//   shard's ordered expiry index gives directly.
// - The random policies pick a random key of the next database in turn.
// - What is compared with maxmemory is the engine's estimate of the dataset
//   (memory_usage.h) plus a fixed baseline, not the allocator's figure: it
//   is exact about what evicting a key gives back, and reading it is one
//   relaxed atomic load.
// - One thread evicts at a time (EvictionState::mu); rounds longer than the
//   tenacity's time limit are continued by the background thread, as Redis
//   continues them from a timer.
#include <algorithm>
#include <cmath>
#include <limits>

#include "common/clock.h"
#include "engine/kv/eviction.h"
#include "engine/kv/memory_usage.h"
#include "engine/kv/store.h"
#include "engine/kv/store_shard.h"

namespace lumadb::engine::kv {

// ---- Policies ----

namespace {
constexpr std::pair<const char*, EvictionPolicy> kPolicyNames[] = {
    {"volatile-lru", EvictionPolicy::kVolatileLru},     {"volatile-lfu", EvictionPolicy::kVolatileLfu},
    {"volatile-random", EvictionPolicy::kVolatileRandom}, {"volatile-ttl", EvictionPolicy::kVolatileTtl},
    {"allkeys-lru", EvictionPolicy::kAllkeysLru},       {"allkeys-lfu", EvictionPolicy::kAllkeysLfu},
    {"allkeys-random", EvictionPolicy::kAllkeysRandom}, {"noeviction", EvictionPolicy::kNoEviction},
};
}  // namespace

bool ParseEvictionPolicy(std::string_view name, EvictionPolicy* out) {
  for (const auto& [n, p] : kPolicyNames) {
    if (name == n) {
      *out = p;
      return true;
    }
  }
  return false;
}

const char* EvictionPolicyName(EvictionPolicy p) {
  for (const auto& [n, q] : kPolicyNames) {
    if (p == q) return n;
  }
  return "noeviction";
}

// ---- LFU ----

uint32_t LfuMinutes(int64_t unix_ms) { return static_cast<uint32_t>(unix_ms / 60000) & 0xffff; }

uint32_t LfuTimeElapsed(uint32_t ldt, uint32_t now_minutes) {
  if (now_minutes >= ldt) return now_minutes - ldt;
  return 65535 - ldt + now_minutes;
}

uint8_t LfuDecrAndReturn(uint32_t lfu, uint32_t now_minutes, int decay_time) {
  uint32_t ldt = (lfu >> 8) & 0xffff;
  uint32_t counter = lfu & 0xff;
  uint32_t periods = decay_time > 0 ? LfuTimeElapsed(ldt, now_minutes) / static_cast<uint32_t>(decay_time) : 0;
  if (periods != 0) counter = periods > counter ? 0 : counter - periods;
  return static_cast<uint8_t>(counter);
}

uint8_t LfuLogIncr(uint8_t counter, int log_factor, double r) {
  if (counter == 255) return 255;
  double base = static_cast<double>(counter) - kLfuInitVal;
  if (base < 0) base = 0;
  double p = 1.0 / (base * log_factor + 1);
  return r < p ? static_cast<uint8_t>(counter + 1) : counter;
}

uint32_t LfuAccess(uint32_t lfu, uint32_t now_minutes, int log_factor, int decay_time, double r) {
  uint8_t counter = LfuDecrAndReturn(lfu, now_minutes, decay_time);
  return LfuPack(now_minutes, LfuLogIncr(counter, log_factor, r));
}

uint64_t EvictionTimeLimitUs(int tenacity) {
  if (tenacity <= 10) return 50u * static_cast<uint64_t>(std::max(tenacity, 0));
  if (tenacity < 100) return static_cast<uint64_t>(500.0 * std::pow(1.15, tenacity - 10.0));
  return std::numeric_limits<uint64_t>::max();
}

// ---- Eviction pool ----

void EvictionPool::Offer(uint64_t score, int db, std::string_view key) {
  // The first entry that does not score below the candidate.
  size_t k = 0;
  while (k < entries_.size() && entries_[k].score < score) k++;
  if (entries_.size() == kSize) {
    // Full: a candidate no better than the worst is dropped; otherwise the
    // worst makes room, and the candidate goes just below position k.
    if (k == 0) return;
    entries_.erase(entries_.begin());
    k--;
  }
  entries_.insert(entries_.begin() + static_cast<std::ptrdiff_t>(k), Entry{score, db, std::string(key)});
}

bool EvictionPool::PopBest(int* db, std::string* key, uint64_t* score) {
  if (entries_.empty()) return false;
  Entry& e = entries_.back();
  *db = e.db;
  *key = std::move(e.key);
  if (score != nullptr) *score = e.score;
  entries_.pop_back();
  return true;
}

// ---- Memory accounting ----

namespace {

// A uniform draw in [0, 1) for the LFU increment.
double Rand01() {
  thread_local std::mt19937 rng(std::random_device{}());
  return static_cast<double>(rng() >> 8) / static_cast<double>(1u << 24);
}

}  // namespace

uint32_t Store::ChargeOf(std::string_view key, const Value& v) {
  size_t bytes = EstimateKeyBytes(key, v, kAccountingSamples);
  if (v.expire_ms != 0) bytes += ExpiryEntryBytes(key);
  return KeyTable::ChargeUnits(bytes);
}

void Store::Account(Db& d, int64_t units) {
  if (units == 0) return;
  d.charged += units;
  dataset_units_.fetch_add(units, std::memory_order_relaxed);
}

void Store::Recharge(Shard& shard, int db, std::string_view key) {
  Db& d = shard.dbs[db];
  Account(d, d.map.Recharge(key, [](std::string_view k, const Value& v) { return ChargeOf(k, v); }));
}

uint64_t Store::DatasetBytes() const {
  int64_t units = dataset_units_.load(std::memory_order_relaxed);
  return units <= 0 ? 0 : static_cast<uint64_t>(units) * KeyTable::kChargeUnit;
}

void Store::RecountMemory() {
  // Access data is not stored on disk: under an LFU policy loaded keys start
  // as new keys do (as Redis loads an RDB file without LFU data).
  bool lfu = PolicyIsLfu(eviction_policy());
  uint32_t fresh = LfuPack(LfuMinutes(NowMs()), kLfuInitVal);
  int64_t total = 0;
  for (int i = 0; i < kShardCount; i++) {
    Lock l = LockMask(1ull << i);
    for (int db = 0; db < kDbCount; db++) {
      Db& d = shards_[i].dbs[db];
      d.charged = 0;
      d.map.ForEachCharged([&](std::string_view k, Value& v, uint32_t& charge) {
        if (lfu && db != kMemcacheDb && v.mc_time == 0) v.mc_time = fresh;
        charge = ChargeOf(k, v);
        d.charged += charge;
      });
      total += d.charged;
    }
  }
  dataset_units_.store(total, std::memory_order_relaxed);
}

// ---- Access tracking (LRU clock, LFU counter) ----

void Store::NoteAccess(int db, Value* v) {
  // Memcached items keep memcached's own item time in mc_time.
  if (db == kMemcacheDb || !PolicyIsLfu(eviction_policy())) return;
  v->mc_time = LfuAccess(v->mc_time, LfuMinutes(NowMs()), lfu_log_factor_.load(std::memory_order_relaxed),
                         lfu_decay_time_.load(std::memory_order_relaxed), Rand01());
}

void Store::InitAccess(int db, const Value* old, Value* v) {
  if (db == kMemcacheDb || !PolicyIsLfu(eviction_policy())) return;
  // A value moved from another key keeps its counter (RENAME, MOVE); a new
  // value replacing an old one takes over the old one's (Redis's
  // dbOverwrite); a new key starts at kLfuInitVal.
  if (v->mc_time != 0) return;
  v->mc_time = old != nullptr ? old->mc_time : LfuPack(LfuMinutes(NowMs()), kLfuInitVal);
}

uint8_t Store::LfuFrequency(const Value& v) const {
  return LfuDecrAndReturn(v.mc_time, LfuMinutes(NowMs()), lfu_decay_time_.load(std::memory_order_relaxed));
}

void Store::SetLfuFrequency(Value* v, uint8_t freq) const { v->mc_time = LfuPack(LfuMinutes(NowMs()), freq); }

uint64_t Store::IdleMs(const Value& v) const {
  return static_cast<uint64_t>(v.IdleSeconds(ClockSeconds())) * 1000;
}

// ---- Settings ----

void Store::SetEvictionSettings(const EvictionSettings& s) {
  if (static_cast<uint8_t>(s.policy) != policy_.load(std::memory_order_relaxed)) {
    eviction_->pool_stale.store(true, std::memory_order_relaxed);
  }
  samples_.store(std::max(s.samples, 1), std::memory_order_relaxed);
  tenacity_.store(s.tenacity, std::memory_order_relaxed);
  lfu_log_factor_.store(s.lfu_log_factor, std::memory_order_relaxed);
  lfu_decay_time_.store(s.lfu_decay_time, std::memory_order_relaxed);
  policy_.store(static_cast<uint8_t>(s.policy), std::memory_order_relaxed);
  maxmemory_.store(s.maxmemory, std::memory_order_relaxed);
}

EvictionSettings Store::eviction_settings() const {
  EvictionSettings s;
  s.maxmemory = maxmemory();
  s.policy = eviction_policy();
  s.samples = samples_.load(std::memory_order_relaxed);
  s.tenacity = tenacity_.load(std::memory_order_relaxed);
  s.lfu_log_factor = lfu_log_factor_.load(std::memory_order_relaxed);
  s.lfu_decay_time = lfu_decay_time_.load(std::memory_order_relaxed);
  return s;
}

// ---- Eviction ----

namespace {

// Picks a shard with probability proportional to its candidates (`total`
// of them); -1 if there are none.
int WeightedShard(const uint64_t (&counts)[kShardCount], uint64_t total, std::mt19937_64& rng) {
  if (total == 0) return -1;
  uint64_t r = rng() % total;
  for (int i = 0; i < kShardCount; i++) {
    if (r < counts[i]) return i;
    r -= counts[i];
  }
  return kShardCount - 1;
}

}  // namespace

void Store::PopulatePool(EvictionState& st, int db, bool allkeys) {
  int shard = WeightedShard(st.candidates[db], st.db_candidates[db], st.rng);
  if (shard < 0) return;
  EvictionPolicy policy = eviction_policy();
  size_t samples = static_cast<size_t>(samples_.load(std::memory_order_relaxed));
  int decay = lfu_decay_time_.load(std::memory_order_relaxed);
  uint32_t now_minutes = LfuMinutes(NowMs());
  Lock l = LockMask(1ull << shard);
  Db& d = shards_[shard].dbs[db];
  st.SetCandidates(db, shard, allkeys ? d.map.size() : d.expiries.size());
  // Higher scores are evicted first.
  auto score = [&](const Value& v) -> uint64_t {
    if (PolicyIsLru(policy)) return IdleMs(v);
    if (db == kMemcacheDb) {
      // A memcached item has no LFU counter: it scores as a key never read
      // again since its last access.
      uint32_t idle_minutes = static_cast<uint32_t>(IdleMs(v) / 60000);
      uint32_t periods = decay > 0 ? idle_minutes / static_cast<uint32_t>(decay) : 0;
      return 255 - (periods >= kLfuInitVal ? 0 : kLfuInitVal - periods);
    }
    return 255 - LfuDecrAndReturn(v.mc_time, now_minutes, decay);
  };
  if (allkeys) {
    d.sample_hand = d.map.Walk(d.sample_hand, samples,
                               [&](std::string_view key, const Value& v) { st.pool.Offer(score(v), db, key); });
    return;
  }
  if (d.expiries.empty()) return;
  if (policy == EvictionPolicy::kVolatileTtl) {
    // The sooner the expiry, the better the candidate.
    size_t n = 0;
    for (auto it = d.expiries.begin(); it != d.expiries.end() && n < samples; ++it, ++n) {
      st.pool.Offer(std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(it->first), db, it->second);
    }
    return;
  }
  auto it = d.expiries.lower_bound(d.expiry_hand);
  if (it == d.expiries.end()) it = d.expiries.begin();
  size_t n = std::min(samples, d.expiries.size());
  for (size_t i = 0; i < n; i++) {
    const Value* v = d.map.Find(it->second);
    if (v != nullptr) st.pool.Offer(score(*v), db, it->second);
    if (++it == d.expiries.end()) it = d.expiries.begin();
  }
  d.expiry_hand = *it;
}

bool Store::EvictKey(int db, const std::string& key, bool allkeys) {
  Lock l = LockKey(key);
  int shard_index = ShardOf(key);
  Shard& shard = shards_[shard_index];
  Db& d = shard.dbs[db];
  Value* v = d.map.Find(key);
  // A ghost of the pool (deleted, or no longer volatile for a volatile policy).
  if (v == nullptr || (!allkeys && v->expire_ms == 0)) return false;
  if (v->expire_ms != 0) d.expiries.erase({v->expire_ms, key});
  uint32_t charge;
  d.map.Erase(key, &charge);
  Account(d, -static_cast<int64_t>(charge));
  MarkDirty(shard, db, key);
  EvictionState& st = *eviction_;
  if (st.candidates[db][shard_index] > 0) st.SetCandidates(db, shard_index, st.candidates[db][shard_index] - 1);
  evicted_keys_.fetch_add(1, std::memory_order_relaxed);
  for (auto* o : observers_) o->OnKeyEvicted(db, key);
  NotifyKey(db, key);
  return true;
}

bool Store::PickVictim(EvictionState& st, int* db, std::string* key) {
  EvictionPolicy policy = eviction_policy();
  bool allkeys = PolicyIsAllKeys(policy);
  if (PolicyIsRandom(policy)) {
    for (int i = 0; i < kDbCount; i++) {
      int d = static_cast<int>(++st.next_db % kDbCount);
      int shard = WeightedShard(st.candidates[d], st.db_candidates[d], st.rng);
      if (shard < 0) continue;
      Lock l = LockMask(1ull << shard);
      Db& sd = shards_[shard].dbs[d];
      st.SetCandidates(d, shard, allkeys ? sd.map.size() : sd.expiries.size());
      size_t steps = 1 + st.rng() % 8;
      if (allkeys) {
        if (sd.map.empty()) continue;
        sd.sample_hand = sd.map.Walk(sd.sample_hand, steps, [&](std::string_view k, const Value&) { *key = k; });
      } else {
        if (sd.expiries.empty()) continue;
        auto it = sd.expiries.lower_bound(sd.expiry_hand);
        for (size_t s = 0; s < steps; s++) {
          if (it == sd.expiries.end()) it = sd.expiries.begin();
          *key = it->second;
          ++it;
        }
        sd.expiry_hand = it == sd.expiries.end() ? std::pair<int64_t, std::string>() : *it;
      }
      *db = d;
      return true;
    }
    return false;
  }
  for (;;) {
    uint64_t total = 0;
    for (int d = 0; d < kDbCount; d++) {
      uint64_t n = st.db_candidates[d];
      if (n == 0) continue;
      total += n;
      PopulatePool(st, d, allkeys);
    }
    if (total == 0) return false;
    if (st.pool.empty()) {
      // The counts said there were candidates, but the sampled shards had
      // none left: count again before giving up.
      bool any = false;
      for (int d = 0; d < kDbCount; d++) any |= st.db_candidates[d] != 0;
      if (!any) return false;
      continue;
    }
    return st.pool.PopBest(db, key);
  }
}

void Store::RecountCandidates(EvictionState& st, bool allkeys) {
  for (int i = 0; i < kShardCount; i++) {
    Lock l = LockMask(1ull << i);
    for (int db = 0; db < kDbCount; db++) {
      const Db& d = shards_[i].dbs[db];
      st.SetCandidates(db, i, allkeys ? d.map.size() : d.expiries.size());
    }
  }
  st.counted_allkeys = allkeys;
  st.rounds_until_recount = EvictionState::kRecountRounds;
}

Store::EvictResult Store::PerformEvictions() {
  uint64_t limit = maxmemory();
  if (limit == 0 || UsedMemory() <= limit) {
    eviction_running_.store(false, std::memory_order_relaxed);
    return EvictResult::kOk;
  }
  if (eviction_policy() == EvictionPolicy::kNoEviction) {
    eviction_running_.store(false, std::memory_order_relaxed);
    return EvictResult::kFail;
  }
  EvictionState& st = *eviction_;
  std::unique_lock<std::mutex> g(st.mu, std::defer_lock);
  // A thread holding shard locks must not wait for an evictor that may be
  // waiting for those shards.
  if (HeldShards() != 0) {
    if (!g.try_lock()) return EvictResult::kRunning;
  } else {
    g.lock();
  }
  if (UsedMemory() <= limit) return EvictResult::kOk;
  if (st.pool_stale.exchange(false, std::memory_order_relaxed)) st.pool.Clear();
  bool allkeys = PolicyIsAllKeys(eviction_policy());
  bool recounted = false;
  if (st.counted_allkeys != allkeys || --st.rounds_until_recount <= 0) {
    RecountCandidates(st, allkeys);
    recounted = true;
  }
  uint64_t time_limit_us = EvictionTimeLimitUs(tenacity_.load(std::memory_order_relaxed));
  int64_t start_ns = MonoNs();
  uint64_t evicted = 0;
  int db;
  std::string key;
  while (UsedMemory() > maxmemory()) {
    if (!PickVictim(st, &db, &key)) {
      // The counts may be stale: recount once before giving up.
      if (!recounted) {
        RecountCandidates(st, allkeys);
        recounted = true;
        continue;
      }
      eviction_running_.store(false, std::memory_order_relaxed);
      return EvictResult::kFail;
    }
    if (!EvictKey(db, key, allkeys)) continue;
    if (++evicted % 16 == 0 && static_cast<uint64_t>(MonoNs() - start_ns) / 1000 > time_limit_us) {
      eviction_running_.store(true, std::memory_order_relaxed);
      return EvictResult::kRunning;
    }
  }
  eviction_running_.store(false, std::memory_order_relaxed);
  return EvictResult::kOk;
}

}  // namespace lumadb::engine::kv

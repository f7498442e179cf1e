#pragma once

// The engine side of Redis 7.0's maxmemory: the eviction policies and their
// settings, the LFU access counter (logarithmic increment and decay over
// time), the time budget of one eviction round, and the eviction pool that
// keeps the best candidates found by sampling. Pure: the Store (store.h)
// holds the settings, keeps the counters in its values and runs evictions
// (eviction.cc).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lumadb::engine::kv {

// maxmemory-policy, numbered as CONFIG's enum lists them.
enum class EvictionPolicy : uint8_t {
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
  kAllkeysLru,
  kAllkeysLfu,
  kAllkeysRandom,
  kNoEviction,
};

// "allkeys-lru", ... ; false for any other text.
bool ParseEvictionPolicy(std::string_view name, EvictionPolicy* out);
const char* EvictionPolicyName(EvictionPolicy p);

inline bool PolicyIsLfu(EvictionPolicy p) { return p == EvictionPolicy::kVolatileLfu || p == EvictionPolicy::kAllkeysLfu; }
inline bool PolicyIsLru(EvictionPolicy p) { return p == EvictionPolicy::kVolatileLru || p == EvictionPolicy::kAllkeysLru; }
inline bool PolicyIsRandom(EvictionPolicy p) {
  return p == EvictionPolicy::kVolatileRandom || p == EvictionPolicy::kAllkeysRandom;
}
// Whether every key is a candidate (else only keys with a TTL).
inline bool PolicyIsAllKeys(EvictionPolicy p) {
  return p == EvictionPolicy::kAllkeysLru || p == EvictionPolicy::kAllkeysLfu || p == EvictionPolicy::kAllkeysRandom;
}

// The maxmemory parameters of redis.conf, with Redis's defaults.
struct EvictionSettings {
  uint64_t maxmemory = 0;  // bytes; 0 = no limit
  EvictionPolicy policy = EvictionPolicy::kNoEviction;
  int samples = 5;          // maxmemory-samples: keys sampled per database per round
  int tenacity = 10;        // maxmemory-eviction-tenacity, 0..100
  int lfu_log_factor = 10;  // lfu-log-factor
  int lfu_decay_time = 1;   // lfu-decay-time, minutes per decrement; 0 = never decay
};

// ---- LFU ----
//
// As in Redis, an LFU value is 24 bits: the last decrement time (LDT, Unix
// minutes modulo 2^16) above an 8-bit logarithmic counter. New keys start at
// kLfuInitVal so they can collect a few hits before they look cold.
inline constexpr uint8_t kLfuInitVal = 5;

// Unix minutes modulo 2^16.
uint32_t LfuMinutes(int64_t unix_ms);
inline uint32_t LfuPack(uint32_t minutes, uint8_t counter) { return ((minutes & 0xffff) << 8) | counter; }
// Minutes since ldt, counting a wrap of the 16-bit clock once.
uint32_t LfuTimeElapsed(uint32_t ldt, uint32_t now_minutes);
// The counter of `lfu` after the decay due by now: one less per
// decay_time minutes elapsed (none when decay_time is 0), not below 0.
// Does not change the value (Redis's LFUDecrAndReturn).
uint8_t LfuDecrAndReturn(uint32_t lfu, uint32_t now_minutes, int decay_time);
// One access: the counter grows by one with probability
// 1 / ((counter - kLfuInitVal) * log_factor + 1) (always at or below
// kLfuInitVal), saturating at 255. r is a uniform draw in [0, 1].
uint8_t LfuLogIncr(uint8_t counter, int log_factor, double r);
// An access to a value whose LFU data is `lfu`: decay, then increment, then
// stamp the current time (Redis's updateLFU).
uint32_t LfuAccess(uint32_t lfu, uint32_t now_minutes, int log_factor, int decay_time, double r);

// How long one eviction round may run before the rest is left to the
// background (Redis's evictionTimeLimitUs): 50us per tenacity step up to 10,
// then 15% more per step; 100 means no limit (UINT64_MAX).
uint64_t EvictionTimeLimitUs(int tenacity);

// ---- Eviction pool ----
//
// The best eviction candidates seen so far, kept across rounds, as Redis's
// evictionPoolEntry array: at most kSize entries in ascending score order
// (score: idle time for LRU, 255 - frequency for LFU, ~expire time for TTL;
// higher is evicted first). Entries are not removed when their key goes
// away; the evictor skips such ghosts when it takes the best one.
class EvictionPool {
 public:
  static constexpr size_t kSize = 16;

  // Offers a sampled key. It is kept if the pool has room or if its score
  // beats the worst kept one (which then drops out). A candidate goes before
  // the entries with an equal score, so of equal scores the one offered
  // first is evicted first.
  void Offer(uint64_t score, int db, std::string_view key);
  // Takes out the entry with the highest score; false if the pool is empty.
  bool PopBest(int* db, std::string* key, uint64_t* score = nullptr);
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void Clear() { entries_.clear(); }

 private:
  struct Entry {
    uint64_t score;
    int db;
    std::string key;
  };
  std::vector<Entry> entries_;  // ascending score
};

}  // namespace lumadb::engine::kv

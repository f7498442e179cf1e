#include "engine/kv/eviction.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "engine/kv/memory_usage.h"
#include "engine/kv/store.h"

namespace lumadb::engine::kv {
namespace {

// ---- LFU counter ----

TEST(Lfu, LogIncrAlwaysCountsUpToTheInitialValueAndSaturates) {
  for (uint8_t c = 0; c <= kLfuInitVal; c++) EXPECT_EQ(LfuLogIncr(c, 10, 0.999), c + 1);
  EXPECT_EQ(LfuLogIncr(255, 10, 0.0), 255);
  EXPECT_EQ(LfuLogIncr(254, 0, 0.999), 255);  // factor 0: every hit counts
}

TEST(Lfu, LogIncrProbabilityFallsWithTheCounter) {
  // Counter 15 with factor 10: p = 1 / ((15 - 5) * 10 + 1) = 1/101.
  EXPECT_EQ(LfuLogIncr(15, 10, 0.0098), 16);
  EXPECT_EQ(LfuLogIncr(15, 10, 0.0100), 15);
  // Counter 6: p = 1/11.
  EXPECT_EQ(LfuLogIncr(6, 10, 0.09), 7);
  EXPECT_EQ(LfuLogIncr(6, 10, 0.091), 6);
}

TEST(Lfu, HitsGrowTheCounterLogarithmically) {
  // Redis's table for lfu-log-factor 10 (redis.conf): about 10 after 100
  // hits, 18 after 1K, 142 after 100K, 255 after 1M.
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  uint8_t c = kLfuInitVal;
  int hits = 0;
  auto hit_until = [&](int n) {
    for (; hits < n; hits++) c = LfuLogIncr(c, 10, u(rng));
    return static_cast<int>(c);
  };
  EXPECT_NEAR(hit_until(100), 10, 3);
  EXPECT_NEAR(hit_until(1000), 18, 3);
  EXPECT_NEAR(hit_until(100000), 142, 12);
  EXPECT_EQ(hit_until(1000000), 255);
}

TEST(Lfu, DecaySubtractsOnePerPeriod) {
  uint32_t now = 1000;
  EXPECT_EQ(LfuDecrAndReturn(LfuPack(now, 20), now, 1), 20);
  EXPECT_EQ(LfuDecrAndReturn(LfuPack(now - 3, 20), now, 1), 17);
  EXPECT_EQ(LfuDecrAndReturn(LfuPack(now - 7, 20), now, 2), 17);  // 3 whole periods of 2 minutes
  EXPECT_EQ(LfuDecrAndReturn(LfuPack(now - 30, 20), now, 1), 0);  // never below 0
  EXPECT_EQ(LfuDecrAndReturn(LfuPack(now - 30, 20), now, 0), 20);  // decay time 0: no decay
}

TEST(Lfu, ElapsedMinutesWrapOnce) {
  EXPECT_EQ(LfuTimeElapsed(10, 15), 5u);
  EXPECT_EQ(LfuTimeElapsed(65530, 4), 65535u - 65530u + 4u);
  EXPECT_EQ(LfuMinutes(60000LL * 65536 + 60000LL * 7 + 59999), 7u);
}

TEST(Lfu, AccessDecaysIncrementsAndStampsTheTime) {
  uint32_t now = 500;
  uint32_t lfu = LfuAccess(LfuPack(now - 4, 9), now, 10, 1, 0.0);
  EXPECT_EQ(lfu >> 8, now);
  EXPECT_EQ(lfu & 0xff, 6u);  // 9 decayed by 4 is 5, then a certain hit
}

TEST(Eviction, TenacityTimeLimit) {
  EXPECT_EQ(EvictionTimeLimitUs(0), 0u);
  EXPECT_EQ(EvictionTimeLimitUs(10), 500u);
  EXPECT_EQ(EvictionTimeLimitUs(11), 575u);
  EXPECT_GT(EvictionTimeLimitUs(99), 100000000u);  // about two minutes
  EXPECT_EQ(EvictionTimeLimitUs(100), std::numeric_limits<uint64_t>::max());
}

TEST(Eviction, PolicyNames) {
  for (const char* n : {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
                        "allkeys-lfu", "allkeys-random", "noeviction"}) {
    EvictionPolicy p;
    ASSERT_TRUE(ParseEvictionPolicy(n, &p)) << n;
    EXPECT_STREQ(EvictionPolicyName(p), n);
  }
  EvictionPolicy p;
  EXPECT_FALSE(ParseEvictionPolicy("allkeys-LRU", &p));
  EXPECT_TRUE(PolicyIsLfu(EvictionPolicy::kVolatileLfu));
  EXPECT_TRUE(PolicyIsAllKeys(EvictionPolicy::kAllkeysRandom));
  EXPECT_FALSE(PolicyIsAllKeys(EvictionPolicy::kVolatileTtl));
}

// ---- Eviction pool ----

std::vector<std::string> Drain(EvictionPool& pool) {
  std::vector<std::string> out;
  int db;
  std::string key;
  while (pool.PopBest(&db, &key)) out.push_back(key);
  return out;
}

TEST(EvictionPool, BestScoreComesOutFirst) {
  EvictionPool pool;
  pool.Offer(5, 0, "five");
  pool.Offer(9, 1, "nine");
  pool.Offer(1, 0, "one");
  int db;
  std::string key;
  uint64_t score;
  ASSERT_TRUE(pool.PopBest(&db, &key, &score));
  EXPECT_EQ(key, "nine");
  EXPECT_EQ(db, 1);
  EXPECT_EQ(score, 9u);
  EXPECT_EQ(Drain(pool), (std::vector<std::string>{"five", "one"}));
  EXPECT_FALSE(pool.PopBest(&db, &key));
}

TEST(EvictionPool, KeepsTheSixteenBest) {
  EvictionPool pool;
  for (int i = 0; i < 16; i++) pool.Offer(static_cast<uint64_t>(10 + i), 0, "k" + std::to_string(10 + i));
  EXPECT_EQ(pool.size(), 16u);
  pool.Offer(10, 0, "equal-to-worst");  // no better than the worst: dropped
  pool.Offer(3, 0, "worse");
  EXPECT_EQ(pool.size(), 16u);
  pool.Offer(100, 0, "best");  // the worst (k10) makes room
  std::vector<std::string> got = Drain(pool);
  ASSERT_EQ(got.size(), 16u);
  EXPECT_EQ(got.front(), "best");
  EXPECT_EQ(got.back(), "k11");
}

TEST(EvictionPool, EqualScoresLeaveInOfferOrder) {
  EvictionPool pool;
  pool.Offer(7, 0, "first");
  pool.Offer(7, 0, "second");
  pool.Offer(7, 0, "third");
  EXPECT_EQ(Drain(pool), (std::vector<std::string>{"first", "second", "third"}));
  // Also when the pool is full and the worst entry makes room.
  for (int i = 0; i < 15; i++) pool.Offer(7, 0, "old" + std::to_string(i));
  pool.Offer(1, 0, "low");
  pool.Offer(7, 0, "new");
  std::vector<std::string> got = Drain(pool);
  EXPECT_EQ(got.front(), "old0");
  EXPECT_EQ(got.back(), "new");
}

// ---- The Store's accounting and eviction ----

class Recorder : public KeyspaceObserver {
 public:
  void OnKeyTouched(int, std::string_view) override { touched++; }
  void OnDbTouched(int) override {}
  void OnKeyEvicted(int db, std::string_view key) override { evicted.emplace(db, std::string(key)); }
  int touched = 0;
  std::set<std::pair<int, std::string>> evicted;
};

Value Str(size_t n) { return Value(std::string(n, 'x')); }

// Sets maxmemory (with no baseline) to `keep` times the dataset.
void LimitTo(Store& s, EvictionPolicy policy, double keep) {
  EvictionSettings e;
  e.policy = policy;
  e.tenacity = 100;  // no time limit: a round evicts all it has to
  e.maxmemory = static_cast<uint64_t>(static_cast<double>(s.DatasetBytes()) * keep);
  s.set_memory_baseline(0);
  s.SetEvictionSettings(e);
}

TEST(StoreMemory, DatasetBytesFollowsEveryChange) {
  Store s(nullptr, StoreOptions{});
  EXPECT_EQ(s.DatasetBytes(), 0u);
  {
    auto lock = s.LockAll();
    s.Put(0, "a", Str(100));
    uint64_t one = s.DatasetBytes();
    EXPECT_GE(one, EstimateKeyBytes("a", *s.Peek(0, "a"), kAccountingSamples));
    EXPECT_LT(one, EstimateKeyBytes("a", *s.Peek(0, "a"), kAccountingSamples) + 16);
    s.Put(0, "a", Str(1000));  // a replaced value is charged anew
    EXPECT_GT(s.DatasetBytes(), one + 800);
    s.Put(0, "l", Value::Make(Type::kList));
    uint64_t before = s.DatasetBytes();
    Value* l = s.Find(0, "l");
    for (int i = 0; i < 1000; i++) l->list().push_back(std::string(50, 'y'));
    s.Touched(0, "l");
    EXPECT_GT(s.DatasetBytes(), before + 1000 * 50);
    Value* a = s.Find(0, "a");
    uint64_t no_ttl = s.DatasetBytes();
    s.SetExpire(0, "a", a, NowMs() + 100000);
    EXPECT_EQ(s.DatasetBytes(), no_ttl + ExpiryEntryBytes("a"));
    EXPECT_TRUE(s.Erase(0, "l"));
    EXPECT_TRUE(s.Erase(0, "a"));
    EXPECT_EQ(s.DatasetBytes(), 0u);
    s.Put(3, "x", Str(10));
    s.Put(kMemcacheDb, "m", Str(10));
  }
  s.SwapDb(3, 4);
  EXPECT_GT(s.DatasetBytes(), 0u);
  s.FlushAll();  // Redis databases only
  EXPECT_GT(s.DatasetBytes(), 0u);
  s.FlushDb(kMemcacheDb);
  EXPECT_EQ(s.DatasetBytes(), 0u);
}

TEST(StoreEviction, NoLimitOrUnderTheLimitIsFine) {
  Store s(nullptr, StoreOptions{});
  EXPECT_EQ(s.PerformEvictions(), Store::EvictResult::kOk);
  {
    auto lock = s.LockAll();
    s.Put(0, "a", Str(10));
  }
  EvictionSettings e;
  e.maxmemory = s.DatasetBytes() + 1000;
  e.policy = EvictionPolicy::kAllkeysLru;
  s.SetEvictionSettings(e);
  EXPECT_EQ(s.PerformEvictions(), Store::EvictResult::kOk);
  EXPECT_EQ(s.DbSize(0), 1u);
}

TEST(StoreEviction, NoevictionFailsAndKeepsEverything) {
  Store s(nullptr, StoreOptions{});
  {
    auto lock = s.LockAll();
    for (int i = 0; i < 100; i++) s.Put(0, "k" + std::to_string(i), Str(100));
  }
  LimitTo(s, EvictionPolicy::kNoEviction, 0.5);
  EXPECT_EQ(s.PerformEvictions(), Store::EvictResult::kFail);
  EXPECT_EQ(s.DbSize(0), 100u);
  EXPECT_EQ(s.evicted_keys(), 0u);
}

TEST(StoreEviction, AllkeysLfuEvictsTheLeastFrequentlyUsed) {
  Store s(nullptr, StoreOptions{});
  Recorder rec;
  s.AddObserver(&rec);
  EvictionSettings lfu;
  lfu.policy = EvictionPolicy::kAllkeysLfu;
  s.SetEvictionSettings(lfu);
  {
    auto lock = s.LockAll();
    for (int i = 0; i < 2000; i++) {
      std::string key = (i % 2 == 0 ? "hot" : "cold") + std::to_string(i);
      Value& v = s.Put(i % 3, key, Str(100));
      s.SetLfuFrequency(&v, i % 2 == 0 ? 200 : 1);
    }
  }
  LimitTo(s, EvictionPolicy::kAllkeysLfu, 0.6);
  EXPECT_EQ(s.PerformEvictions(), Store::EvictResult::kOk);
  EXPECT_LE(s.UsedMemory(), s.maxmemory());
  size_t hot_evicted = 0;
  for (const auto& [db, key] : rec.evicted) hot_evicted += key.rfind("hot", 0) == 0;
  EXPECT_GE(rec.evicted.size(), 750u);
  EXPECT_EQ(s.evicted_keys(), rec.evicted.size());
  // Sampling is approximate, as in Redis, but the cold keys go first.
  EXPECT_LT(hot_evicted, rec.evicted.size() / 10);
  EXPECT_EQ(s.DbSize(0) + s.DbSize(1) + s.DbSize(2), 2000 - rec.evicted.size());
  s.RemoveObserver(&rec);
}

TEST(StoreEviction, VolatileTtlEvictsTheNearestExpiriesAndOnlyVolatileKeys) {
  Store s(nullptr, StoreOptions{});
  int64_t now = NowMs();
  {
    auto lock = s.LockAll();
    for (int i = 0; i < 500; i++) {
      Value v = Str(100);
      v.expire_ms = now + 1000000 + i * 1000;
      s.Put(0, "ttl" + std::to_string(i), std::move(v));
      s.Put(0, "keep" + std::to_string(i), Str(100));
    }
  }
  LimitTo(s, EvictionPolicy::kVolatileTtl, 0.8);
  EXPECT_EQ(s.PerformEvictions(), Store::EvictResult::kOk);
  auto lock = s.LockAll();
  for (int i = 0; i < 500; i++) EXPECT_NE(s.Peek(0, "keep" + std::to_string(i)), nullptr) << i;
  int gone_early = 0, gone_late = 0;
  for (int i = 0; i < 100; i++) gone_early += s.Peek(0, "ttl" + std::to_string(i)) == nullptr;
  for (int i = 400; i < 500; i++) gone_late += s.Peek(0, "ttl" + std::to_string(i)) == nullptr;
  EXPECT_GT(gone_early, 80);
  EXPECT_LT(gone_late, 10);
  lock.Release();
  // With every volatile key gone and memory still over: nothing more to evict.
  LimitTo(s, EvictionPolicy::kVolatileTtl, 0.2);
  EXPECT_EQ(s.PerformEvictions(), Store::EvictResult::kFail);
  EXPECT_EQ(s.ExpiresCount(0), 0u);
  EXPECT_EQ(s.DbSize(0), 500u);
}

TEST(StoreEviction, RandomPoliciesRespectTheirCandidates) {
  for (EvictionPolicy p : {EvictionPolicy::kVolatileRandom, EvictionPolicy::kAllkeysRandom}) {
    Store s(nullptr, StoreOptions{});
    {
      auto lock = s.LockAll();
      for (int i = 0; i < 300; i++) {
        Value v = Str(100);
        if (i % 2 == 0) v.expire_ms = NowMs() + 1000000;
        s.Put(i % 16, "k" + std::to_string(i), std::move(v));
      }
    }
    size_t persistent_before = 0;
    for (int db = 0; db < 16; db++) persistent_before += s.DbSize(db) - s.ExpiresCount(db);
    LimitTo(s, p, 0.7);
    EXPECT_EQ(s.PerformEvictions(), Store::EvictResult::kOk) << EvictionPolicyName(p);
    EXPECT_LE(s.UsedMemory(), s.maxmemory());
    size_t persistent_after = 0;
    for (int db = 0; db < 16; db++) persistent_after += s.DbSize(db) - s.ExpiresCount(db);
    if (p == EvictionPolicy::kVolatileRandom) EXPECT_EQ(persistent_after, persistent_before);
    else EXPECT_LT(persistent_after, persistent_before);
  }
}

TEST(StoreEviction, MemcachedItemsAreCandidatesAndKeepTheirItemTime) {
  Store s(nullptr, StoreOptions{});
  EvictionSettings lfu;
  lfu.policy = EvictionPolicy::kAllkeysLfu;
  s.SetEvictionSettings(lfu);
  {
    auto lock = s.LockAll();
    for (int i = 0; i < 200; i++) {
      Value v = Str(100);
      v.mc_time = 12345;  // memcached's item time
      s.Put(kMemcacheDb, "m" + std::to_string(i), std::move(v));
    }
    ASSERT_NE(s.Find(kMemcacheDb, "m0"), nullptr);
    EXPECT_EQ(s.Find(kMemcacheDb, "m0")->mc_time, 12345u);
  }
  LimitTo(s, EvictionPolicy::kAllkeysLfu, 0.5);
  EXPECT_EQ(s.PerformEvictions(), Store::EvictResult::kOk);
  EXPECT_LT(s.DbSize(kMemcacheDb), 200u);
  EXPECT_GT(s.DbSize(kMemcacheDb), 0u);
}

TEST(StoreEviction, LfuCountersOnlyMoveUnderAnLfuPolicy) {
  Store s(nullptr, StoreOptions{});
  auto lock = s.LockAll();
  s.Put(0, "a", Str(1));
  s.Find(0, "a");
  EXPECT_EQ(s.Peek(0, "a")->mc_time, 0u);
  EvictionSettings lfu;
  lfu.policy = EvictionPolicy::kVolatileLfu;
  s.SetEvictionSettings(lfu);
  s.Put(0, "b", Str(1));
  EXPECT_EQ(s.LfuFrequency(*s.Peek(0, "b")), kLfuInitVal);
  s.Find(0, "b");  // a hit at the initial value always counts
  EXPECT_EQ(s.LfuFrequency(*s.Peek(0, "b")), kLfuInitVal + 1);
  s.Put(0, "b", Str(2));  // overwriting keeps the counter, as Redis's dbOverwrite
  EXPECT_EQ(s.LfuFrequency(*s.Peek(0, "b")), kLfuInitVal + 1);
}

}  // namespace
}  // namespace lumadb::engine::kv

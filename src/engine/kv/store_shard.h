#pragma once

// The Store's per-shard data, shared by the files that implement the Store
// (store.cc: keyspace and persistence; eviction.cc: memory accounting and
// eviction). Not for use outside the engine.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <utility>

#include "engine/kv/arena_str_set.h"
#include "engine/kv/eviction.h"
#include "engine/kv/key_table.h"
#include "engine/kv/persist_layout.h"
#include "engine/kv/store.h"

namespace lumadb::engine::kv {

struct Store::Db {
  KeyTable map;
  // (expire_ms, key) for every key with a TTL, so active expiry finds due keys in order.
  std::set<std::pair<int64_t, std::string>, std::less<>> expiries;
  // Sum of map's entry charges (memory accounting, in KeyTable::kChargeUnit units).
  int64_t charged = 0;
  // Where the next eviction sample of map / expiries starts.
  std::string sample_hand;
  std::pair<int64_t, std::string> expiry_hand;
};

struct Store::Shard {
  Db dbs[kDbCount];
  // Storage keys ([db byte][user key]) changed since the last flush, to be
  // rewritten whole...
  ArenaStrSet dirty;
  // ...or, for keys stored per element, with what changed in them. A key
  // is in at most one of the two.
  StrMap<KeyChanges> detailed;
  // Keys (also in dirty) whose stored elements are unknown after a failed
  // write: their rewrite deletes every element first.
  StrSet purge;
  // What the disk holds for this shard's keys stored per element.
  StrMap<LargeState> large;
  // Set with the shard lock held whenever a change is recorded; lets Flush
  // skip clean shards without locking them.
  std::atomic<bool> has_dirty{false};
};

// What PerformEvictions keeps between rounds. `mu` admits one evictor at a
// time and is taken before any shard lock.
struct Store::EvictionState {
  std::mutex mu;
  EvictionPool pool;
  std::mt19937_64 rng{std::random_device{}()};
  unsigned next_db = 0;  // the random policies visit the databases in turn
  // Eviction candidates (keys, or keys with a TTL) per database and shard:
  // counted in full every kRecountRounds rounds (and before giving up),
  // updated for the shards a round samples or evicts from. They only weigh
  // which shard to sample.
  static constexpr int kRecountRounds = 64;
  uint64_t candidates[kDbCount][kShardCount] = {};
  uint64_t db_candidates[kDbCount] = {};  // row sums of `candidates`

  void SetCandidates(int db, int shard, uint64_t n) {
    db_candidates[db] += n - candidates[db][shard];
    candidates[db][shard] = n;
  }
  bool counted_allkeys = false;  // what `candidates` counts
  int rounds_until_recount = 0;
  // Set when the policy changed: the pool's scores no longer compare.
  std::atomic<bool> pool_stale{false};
};

}  // namespace lumadb::engine::kv

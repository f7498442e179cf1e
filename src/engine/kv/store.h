#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/hash.h"
#include "common/status.h"
#include "engine/kv/eviction.h"
#include "engine/kv/persist_layout.h"
#include "engine/kv/value.h"

namespace lumadb::storage {
class Store;
}

namespace lumadb::engine::kv {

inline constexpr int kRedisDbCount = 16;  // SELECT 0..15
inline constexpr int kMemcacheDb = 16;    // memcached's own namespace
inline constexpr int kDbCount = 17;
inline constexpr int kShardBits = 6;
inline constexpr int kShardCount = 1 << kShardBits;

enum class Durability {
  kAlways,    // every acknowledged write is fsync'd first
  kEverySec,  // changes are written and fsync'd at least once a second
  kNone,      // changes are written once a second; the OS decides when they reach disk
};

bool ParseDurability(std::string_view s, Durability* out);
const char* DurabilityName(Durability d);

// Lets upper layers (WATCH, blocked clients, keyspace notifications) learn
// of changes without the engine knowing about them. Called with the key's
// shard lock held, on the thread that made the change (a worker, or the
// background thread for active expiry): an observer must not call back into
// the Store, and must not block.
class KeyspaceObserver {
 public:
  virtual ~KeyspaceObserver() = default;
  // key in db was written, deleted or expired.
  virtual void OnKeyTouched(int db, std::string_view key) = 0;
  // Every key of db may have changed (FLUSHDB, SWAPDB); db == -1 for all dbs.
  virtual void OnDbTouched(int db) = 0;
  // Put created key in db (it was absent or expired).
  virtual void OnKeyAdded(int db, std::string_view key) {
    (void)db;
    (void)key;
  }
  // key in db reached its expiry time and was deleted: lazily, by the
  // access that found it expired, or by active expiry. Called before
  // OnKeyTouched for the same deletion.
  virtual void OnKeyExpired(int db, std::string_view key) {
    (void)db;
    (void)key;
  }
  // key in db was evicted to bring memory under maxmemory
  // (Store::PerformEvictions). Called before OnKeyTouched for the same
  // deletion.
  virtual void OnKeyEvicted(int db, std::string_view key) {
    (void)db;
    (void)key;
  }
};

struct StoreOptions {
  Durability durability = Durability::kEverySec;
  // How often changes are written in everysec/none mode.
  int flush_interval_ms = 1000;
  // Collections of at least this many elements are stored one RocksDB entry
  // per element (persist_layout.h).
  size_t large_min_elements = kLargeMinElements;
  // After this long without a write, what is left in RocksDB's memtables
  // (up to one per column family) is written out to SST files, so that the
  // memory goes back instead of waiting for more writes to fill them.
  int memtable_quiet_ms = 5000;
};

// The in-memory keyspace shared by the Redis and Memcached protocols, made
// durable through storage::Store. 17 databases (16 Redis, 1 memcached), each
// split into 64 shards by key hash; a shard is guarded by its own mutex.
//
// Usage: lock the shards of the keys a command touches (LockKeys/LockMask),
// then use Find/Put/Erase/SetExpire/Touched on those keys. Changed keys are
// written to disk by Flush: at once (durability=always, via CommitIfNeeded)
// or by the background thread.
//
// On disk a small value is one entry, rewritten whole when it changes; a
// large collection is stored per element (persist_layout.h), and a change
// to it costs only what changed when the command describes it: the
// Touched/Changed/TouchedMaybeEmpty overloads that take a DescribeChange
// callback. The overloads without one mean "anything may have changed" and
// rewrite the key whole, which is always correct.
class Store {
 public:
  // `disk` may be null for a purely in-memory store (unit tests).
  Store(storage::Store* disk, StoreOptions options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Reads every stored key into memory. Call once before serving.
  Status Load();
  // Starts the background thread (active expiry, periodic flush).
  void Start();
  // Stops the background thread and writes everything with fsync.
  Status Stop();

  // Observers are added and removed before serving starts or after it ends.
  void AddObserver(KeyspaceObserver* observer) { observers_.push_back(observer); }
  void RemoveObserver(KeyspaceObserver* observer) { std::erase(observers_, observer); }

  static uint64_t KeyHash(std::string_view key) { return Hash64(key); }
  static int ShardOf(std::string_view key) { return static_cast<int>(KeyHash(key) >> (64 - kShardBits)); }
  static uint64_t MaskOf(std::string_view key) { return 1ull << ShardOf(key); }

  // Holds a set of shard locks; releases them when destroyed.
  class Lock {
   public:
    Lock(Lock&& other) noexcept : store_(other.store_), mask_(other.mask_) { other.mask_ = 0; }
    Lock& operator=(Lock&&) = delete;
    ~Lock() { Release(); }
    void Release();
    uint64_t mask() const { return mask_; }

   private:
    friend class Store;
    Lock(Store* store, uint64_t mask) : store_(store), mask_(mask) {}
    Store* store_;
    uint64_t mask_;
  };
  // Locks the given shards, lowest first (so lock sets never deadlock).
  // Shards this thread already holds are skipped, so whole-keyspace
  // operations may run inside a transaction that holds every shard.
  Lock LockMask(uint64_t mask);
  Lock LockKey(std::string_view key) { return LockMask(MaskOf(key)); }
  Lock LockAll() { return LockMask(~0ull); }
  // Lock coarsening for a run of scripts from one session: takes every shard
  // as LockAll does, but keeps the shards this call took after the returned
  // Lock is gone, until ReleaseKept(owner). A pipeline of scripts then pays
  // for the 64 lock/unlock pairs once. Only one owner per thread keeps
  // locks; a call from another owner while they are kept locks as LockAll.
  // The owner must release before it runs anything that could wait for
  // another thread.
  Lock LockAllKept(const void* owner);
  void ReleaseKept(const void* owner);
  // The shards the calling thread holds.
  static uint64_t HeldShards();

  // ---- Per-key operations: the caller holds the key's shard lock. ----

  // The live value of key, or null. An expired value is deleted first.
  Value* Find(int db, std::string_view key);
  // Like Find, but leaves the access time alone (OBJECT IDLETIME).
  Value* Peek(int db, std::string_view key);
  // Inserts or replaces key's value (including its expire_ms). An expired
  // value in the way is expired first (OnKeyExpired); a new key is reported
  // to OnKeyAdded.
  Value& Put(int db, std::string_view key, Value value);
  // Deletes key. Returns whether it existed (expired keys count as absent).
  bool Erase(int db, std::string_view key);
  // Sets (expire_ms > 0) or removes (0) the expiry of an existing value.
  void SetExpire(int db, std::string_view key, Value* value, int64_t expire_ms);
  // Records that key's value was changed in place. With `describe`, the
  // store calls it (at once, only if the key is stored per element) to
  // learn what changed; see ChangeLog.
  void Touched(int db, std::string_view key);
  void Touched(int db, std::string_view key, DescribeChange describe);
  // Records an in-place change that must be persisted but that observers
  // need not hear about: Redis's consumer-group bookkeeping (XREADGROUP,
  // XACK, XCLAIM, XGROUP SETID...) neither invalidates WATCH nor wakes
  // blocked clients.
  void Changed(int db, std::string_view key);
  void Changed(int db, std::string_view key, DescribeChange describe);
  // Like Touched, but first deletes the value if it is an empty collection
  // (streams are kept when empty, as Redis keeps them).
  void TouchedMaybeEmpty(int db, std::string_view key, Value* value);
  void TouchedMaybeEmpty(int db, std::string_view key, Value* value, DescribeChange describe);

  // ---- Whole-keyspace operations: they take the locks they need. ----

  size_t DbSize(int db);
  size_t ExpiresCount(int db);
  void FlushDb(int db);
  void FlushAll();
  void SwapDb(int a, int b);
  // Redis SCAN semantics: returns keys present for the whole scan at least
  // once. Calls fn(key, value) for about `count` keys and returns the next
  // cursor, 0 when done. Expired keys met on the way are deleted.
  uint64_t Scan(int db, uint64_t cursor, size_t count,
                const std::function<void(std::string_view, const Value&)>& fn);
  // Calls fn for every live key (KEYS).
  void ForEach(int db, const std::function<void(std::string_view, const Value&)>& fn);
  std::optional<std::string> RandomKey(int db);

  // ---- Server metadata (e.g. Redis function libraries) ----

  // Stores a named blob outside the keyspace, written (and with durability
  // other than none, fsync'd) before returning. An empty store (no disk)
  // keeps it in memory.
  Status PutMeta(std::string_view name, std::string_view value);
  // NotFound if absent.
  Status GetMeta(std::string_view name, std::string* value);

  // ---- Persistence ----

  // Writes every changed key to disk (with sync: and fsyncs). Every change
  // made before the call is written when it returns OK.
  Status Flush(bool sync);
  // With durability=always: returns once every change made before the call
  // is on stable storage (flushing, or waiting for a flush that covers
  // them). Else nothing.
  Status CommitIfNeeded();
  // Asks the background thread to flush now (BGSAVE); returns at once.
  void RequestFlush();
  bool HasPendingWrites() const {
    return change_seq_.load(std::memory_order_acquire) != flushed_seq_.load(std::memory_order_acquire);
  }

  Durability durability() const { return options_.durability; }
  uint64_t NextCas() { return cas_.fetch_add(1, std::memory_order_relaxed) + 1; }
  // Seconds since the store started; the clock for OBJECT IDLETIME.
  uint32_t ClockSeconds() const { return clock_s_.load(std::memory_order_relaxed); }

  // ---- Memory accounting and eviction (eviction.cc) ----

  // Estimated bytes of every key and value (memory_usage.h says what is
  // counted). Maintained as keys change: each entry keeps what it was
  // charged, each shard the sum, and one relaxed atomic the total, so
  // reading it costs no lock.
  uint64_t DatasetBytes() const;
  // What maxmemory is compared with: a baseline for the memory the server
  // uses apart from the dataset (set once at start) plus DatasetBytes().
  uint64_t UsedMemory() const { return memory_baseline() + DatasetBytes(); }
  void set_memory_baseline(uint64_t bytes) { memory_baseline_.store(bytes, std::memory_order_relaxed); }
  uint64_t memory_baseline() const { return memory_baseline_.load(std::memory_order_relaxed); }

  // maxmemory and the policy parameters; may change while serving.
  void SetEvictionSettings(const EvictionSettings& s);
  EvictionSettings eviction_settings() const;
  uint64_t maxmemory() const { return maxmemory_.load(std::memory_order_relaxed); }
  EvictionPolicy eviction_policy() const {
    return static_cast<EvictionPolicy>(policy_.load(std::memory_order_relaxed));
  }

  enum class EvictResult {
    kOk,       // under maxmemory (or no limit)
    kRunning,  // still over, but the round hit its time limit: the background thread goes on
    kFail,     // over maxmemory and nothing (more) can be evicted, or the policy is noeviction
  };
  // Redis's performEvictions: while UsedMemory() exceeds maxmemory, evicts
  // the key the policy picks (sampling maxmemory-samples keys of each
  // database into the eviction pool; random picks for the random policies),
  // emitting OnKeyEvicted. Call it before running a command. A thread that
  // holds shard locks only evicts when no other thread is evicting.
  EvictResult PerformEvictions();
  uint64_t evicted_keys() const { return evicted_keys_.load(std::memory_order_relaxed); }

  // The LFU frequency of a Redis value as OBJECT FREQ reports it (its
  // counter after decay), under an LFU policy.
  uint8_t LfuFrequency(const Value& v) const;
  // RESTORE ... FREQ: sets the value's LFU counter (stamped now).
  void SetLfuFrequency(Value* v, uint8_t freq) const;
  // Milliseconds since the value was last accessed (LRU idle time).
  uint64_t IdleMs(const Value& v) const;

  struct Stats {
    uint64_t expired_keys = 0;
    uint64_t changes_since_save = 0;
    int64_t last_save_ms = 0;
    uint64_t flushes = 0;
    bool last_flush_ok = true;
  };
  Stats GetStats() const;

 private:
  struct Db;
  struct Shard;

  // Records that key changed: whole, or as `describe` tells (when the key is
  // stored per element).
  void MarkDirty(Shard& shard, int db, std::string_view key);
  void MarkDescribed(Shard& shard, int db, std::string_view key, DescribeChange describe);
  void CountChange();
  // Appends the writes of one dirty key (the caller holds its shard).
  Status FlushKey(Shard& shard, std::string_view storage_key, const KeyChanges* changes, bool purge,
                  FlushBatch& out);
  // Forgets what the disk holds per element for db's keys (its range
  // delete is pending); the caller holds every shard.
  void DropLargeStates(int db);
  // Empties db; the caller holds every shard and notifies observers.
  void ClearDb(int db);
  void NotifyKey(int db, std::string_view key);
  void EraseExpired(Shard& shard, int db, std::string_view key);
  void RunBackground();
  size_t ActiveExpire(int64_t now_ms);

  // Memory accounting and access tracking hooks (eviction.cc), called with
  // the key's shard lock held.
  static uint32_t ChargeOf(std::string_view key, const Value& v);
  void Account(Db& d, int64_t units);
  void Recharge(Shard& shard, int db, std::string_view key);
  // A lookup found v (Find): its LFU counter, under an LFU policy.
  void NoteAccess(int db, Value* v);
  // Put is about to store v over old (null for a new key): carries or
  // starts its LFU data.
  void InitAccess(int db, const Value* old, Value* v);
  // Sums the charges after Load filled the keyspace (and starts the loaded
  // keys' LFU counters).
  void RecountMemory();
  // Eviction internals.
  struct EvictionState;
  bool PickVictim(EvictionState& st, int* db, std::string* key);
  void RecountCandidates(EvictionState& st, bool allkeys);
  void PopulatePool(EvictionState& st, int db, bool allkeys);
  bool EvictKey(int db, const std::string& key, bool allkeys);

  storage::Store* disk_;
  StoreOptions options_;
  std::vector<KeyspaceObserver*> observers_;
  std::unique_ptr<Shard[]> shards_;
  struct alignas(64) PaddedMutex {
    std::mutex mu;
  };
  std::unique_ptr<PaddedMutex[]> locks_;

  std::mutex flush_mu_;  // serializes Flush calls, so later flushes write later values
  // Dbs cleared since the last Flush: written to by holders of every shard
  // lock, read and emptied by Flush holding one.
  std::vector<int> pending_range_deletes_;
  std::atomic<int> range_deletes_waiting_{0};
  // Every change takes a number; a flush that starts when the count is N
  // writes (flushed) and, with sync, makes durable every change up to N.
  std::atomic<uint64_t> change_seq_{0};
  std::atomic<uint64_t> flushed_seq_{0};
  std::atomic<uint64_t> durable_seq_{0};
  uint64_t next_generation_ = 1;  // of per-element rewrites; guarded by flush_mu_
  std::atomic<uint64_t> cas_{0};
  std::atomic<uint32_t> clock_s_{0};
  int64_t start_ms_;
  std::atomic<uint64_t> expired_keys_{0};
  std::atomic<uint64_t> changes_since_save_{0};
  std::atomic<int64_t> last_save_ms_{0};
  std::atomic<uint64_t> flushes_{0};
  std::atomic<bool> last_flush_ok_{true};

  std::mutex meta_mu_;
  StrMap<std::string> memory_meta_;  // PutMeta without a disk

  std::atomic<int64_t> dataset_units_{0};
  std::atomic<uint64_t> memory_baseline_{0};
  std::atomic<uint64_t> maxmemory_{0};
  std::atomic<uint8_t> policy_{static_cast<uint8_t>(EvictionPolicy::kNoEviction)};
  std::atomic<int> samples_{5}, tenacity_{10}, lfu_log_factor_{10}, lfu_decay_time_{1};
  std::atomic<uint64_t> evicted_keys_{0};
  std::atomic<bool> eviction_running_{false};  // a round ran out of time; the background thread continues
  std::unique_ptr<EvictionState> eviction_;

  std::thread background_;
  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool stopping_ = false;
  bool flush_requested_ = false;
};

}  // namespace lumadb::engine::kv

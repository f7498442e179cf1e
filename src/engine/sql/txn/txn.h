#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/sql/common/error.h"

namespace lumadb::storage {
class Store;
class Snapshot;
}  // namespace lumadb::storage

// Transactions of the SQL engine over RocksDB.
//
// A transaction keeps its writes in a private write set (key -> new value or
// deletion) that its own reads see on top of a RocksDB snapshot; COMMIT
// applies the write set as one atomic batch. Other sessions never see
// uncommitted data. Writers take an exclusive lock on each row key they
// change; a second writer of the same row waits for the first (the session
// retries its statement when woken), and a wait that would close a cycle is a
// deadlock (40P01). Each commit gets a sequence number and each snapshot
// records the last one it includes, so a writer can tell that the row it read
// was changed by a transaction that committed after its snapshot: READ
// COMMITTED then re-runs the statement on a fresh snapshot (as PostgreSQL
// re-checks the updated row), REPEATABLE READ and SERIALIZABLE fail with 40001.
namespace lumadb::engine::sql {

class TxnManager;

enum class Isolation : uint8_t { kReadCommitted, kRepeatableRead, kSerializable };

// What a row lock attempt found.
enum class LockResult : uint8_t {
  kAcquired,
  kWait,      // another transaction holds it: retry the statement when woken
  kStale,     // acquired, but a transaction that committed after the snapshot changed the row
  kDeadlock,  // waiting would close a cycle of waiting transactions
};

class Txn {
 public:
  ~Txn();
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  uint64_t id() const { return id_; }
  TxnManager* manager() const { return mgr_; }
  Isolation isolation() const { return isolation_; }
  // A statement has taken the transaction's snapshot (its isolation is fixed).
  bool has_snapshot() const { return have_snapshot_; }
  void set_isolation(Isolation i) { isolation_ = i; }

  // Starts a statement: READ COMMITTED takes a fresh snapshot; the others keep
  // the one taken by the transaction's first statement.
  void BeginStatement();
  // Undoes the writes of the current statement (after an error or a wait).
  void RollbackStatement() { UndoTo(statement_mark_); }
  void EndStatement() {}
  // A point in the transaction's writes (SAVEPOINT) and undoing back to it
  // (ROLLBACK TO SAVEPOINT).
  size_t Mark() const { return undo_.size(); }
  void UndoTo(size_t mark);

  // Reads through the write set, then the snapshot (latest = read the newest
  // committed version instead, as unique checks do).
  bool Get(std::string_view key, std::string* value, bool latest = false) const;
  // Calls fn(key, value) for every visible key with `prefix`, in key order;
  // stops when fn returns false. `latest` as for Get.
  SqlStatus Scan(std::string_view prefix, const std::function<bool(std::string_view, std::string_view)>& fn,
                 bool latest = false) const;

  // Takes the row lock of `key` (kept to the end of the transaction).
  LockResult Lock(const std::string& key);
  // The transaction that holds the lock this transaction waits for, for the
  // deadlock error's detail (0 = none).
  uint64_t blocker() const { return blocker_; }

  void Put(const std::string& key, std::string value);
  void Delete(const std::string& key);
  bool has_writes() const { return !writes_.empty(); }
  // The commit sequence number of this transaction's last durable commit
  // (0 = none): see TxnManager::WhenDurable.
  uint64_t durable_seq() const { return durable_seq_; }

 private:
  friend class TxnManager;
  Txn(TxnManager* mgr, uint64_t id, Isolation iso) : mgr_(mgr), id_(id), isolation_(iso) {}
  // Puts (a value) or deletes (nullopt) `key` in the write set, keeping
  // what it had in the undo log.
  void Write(const std::string& key, std::optional<std::string> value);

  TxnManager* mgr_;
  uint64_t id_;
  Isolation isolation_;
  std::unique_ptr<storage::Snapshot> snap_;
  uint64_t snap_seq_ = 0;
  bool have_snapshot_ = false;
  std::map<std::string, std::optional<std::string>, std::less<>> writes_;
  // Previous write-set entries of every key the transaction changed, in
  // order (nullopt = the key was not in the write set).
  std::vector<std::pair<std::string, std::optional<std::optional<std::string>>>> undo_;
  size_t statement_mark_ = 0;
  std::vector<std::string> locks_;
  uint64_t blocker_ = 0;
  uint64_t durable_seq_ = 0;
};

class TxnManager {
 public:
  explicit TxnManager(storage::Store* store);
  ~TxnManager();
  TxnManager(const TxnManager&) = delete;
  TxnManager& operator=(const TxnManager&) = delete;

  std::unique_ptr<Txn> Begin(Isolation iso);
  // Applies the write set (without fsync: the sync thread makes it durable,
  // see WhenDurable) and releases the locks. `durable` = false
  // (synchronous_commit = off) does not ask for that fsync.
  SqlStatus Commit(Txn* txn, bool durable = true);
  void Rollback(Txn* txn);

  // Called when a transaction this one waited for ends; `wake` is run once
  // (from any thread). Replaces an earlier registration of the same txn.
  void WakeWhenReleased(Txn* txn, std::function<void()> wake);
  // Forgets a registration (the waiting session went away).
  void CancelWake(uint64_t txn_id);

  // A table's rows are being rewritten under a new relfile (ALTER TABLE):
  // from now on a commit that writes rows under `relfile` fails with 40001
  // instead of writing rows the rewrite would lose. Restore undoes it when
  // the rewrite fails.
  void RetireRelfile(uint32_t relfile);
  void RestoreRelfile(uint32_t relfile);

  // Makes every committed write durable now, on the calling thread: one WAL
  // fsync when anything was committed since the last one finished.
  SqlStatus SyncIfNeeded();
  // Group commit. When commit `seq` (Txn::durable_seq) is already durable,
  // returns true. Otherwise returns false and the sync thread calls `done`
  // once it is: one WAL fsync covers every commit made before it started, so
  // sessions keep executing while the disk works and the commits of all
  // sessions that arrive during one fsync share the next.
  bool WhenDurable(uint64_t seq, std::function<void()> done);
  bool IsDurable(uint64_t seq) const { return synced_seq_.load(std::memory_order_acquire) >= seq; }
  // Stops the sync thread and forgets its waiters (their `done` is not
  // called): at shutdown, before the sessions' workers go away.
  void StopSync();
  storage::Store* store() { return store_; }

 private:
  friend class Txn;
  void TakeSnapshot(Txn* txn);
  void DropSnapshot(Txn* txn);
  void DropSnapshotLocked(Txn* txn);
  void ForgetWaiterLocked(uint64_t txn_id);
  LockResult Lock(Txn* txn, const std::string& key);
  // Lock holders' waits-for chain starting at `holder` reaches `txn`.
  bool WouldDeadlock(uint64_t txn, uint64_t holder) const;
  void ReleaseLocked(Txn* txn, std::vector<std::function<void()>>* wakes);
  void PruneRecentLocked();
  bool WritesRetiredLocked(const Txn& txn) const;
  void SyncLoop();

  storage::Store* store_;
  std::mutex mu_;
  uint64_t next_txn_ = 1;
  uint64_t commit_seq_ = 0;
  std::unordered_map<std::string, uint64_t> locks_;       // row key -> holder txn
  std::unordered_map<std::string, uint64_t> recent_;      // row key -> commit seq of the last change
  std::multiset<uint64_t> snapshots_;                     // snapshot seqs in use
  std::unordered_map<uint64_t, uint64_t> waits_for_;      // txn -> holder it waits for
  std::unordered_map<uint64_t, std::vector<std::pair<uint64_t, std::function<void()>>>> waiters_;  // holder -> waiting txns
  std::unordered_set<uint64_t> holders_;                  // the txns that hold row locks
  std::set<uint32_t> retired_;                            // relfiles being rewritten
  // Commits up to synced_seq_ are fsync'd; need_sync_seq_ is the last one
  // that asked to be (atomics: IsDurable reads them without a lock).
  std::atomic<uint64_t> synced_seq_{0};
  std::atomic<uint64_t> need_sync_seq_{0};

  // The sync thread and the sessions waiting for it (seq -> done).
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  std::multimap<uint64_t, std::function<void()>> durable_waiters_;
  bool sync_stop_ = false;
  std::thread sync_thread_;
};

}  // namespace lumadb::engine::sql

#include "engine/sql/txn/txn.h"

#include <chrono>

#include "common/logging.h"
#include "storage/key_codec.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::sql {

using storage::Cf;

namespace {
SqlError StorageError(const Status& st) {
  return MakeError(sqlstate::kIoError, "could not access storage: " + st.message());
}
// Past this many remembered commits, forget those no snapshot can miss.
constexpr size_t kRecentPruneAt = 4096;
}  // namespace

TxnManager::TxnManager(storage::Store* store) : store_(store) {
  sync_thread_ = std::thread([this] { SyncLoop(); });
}

TxnManager::~TxnManager() { StopSync(); }

void TxnManager::StopSync() {
  {
    std::lock_guard<std::mutex> g(sync_mu_);
    sync_stop_ = true;
    durable_waiters_.clear();
  }
  sync_cv_.notify_one();
  if (sync_thread_.joinable()) sync_thread_.join();
}

Txn::~Txn() {
  if (mgr_ != nullptr) mgr_->Rollback(this);
}

void Txn::BeginStatement() {
  statement_mark_ = undo_.size();
  if (have_snapshot_ && isolation_ != Isolation::kReadCommitted) return;
  mgr_->DropSnapshot(this);
  mgr_->TakeSnapshot(this);
}

void Txn::UndoTo(size_t mark) {
  while (undo_.size() > mark) {
    auto& [key, prev] = undo_.back();
    if (!prev.has_value()) {
      writes_.erase(key);
    } else {
      writes_[key] = std::move(*prev);
    }
    undo_.pop_back();
  }
  if (statement_mark_ > mark) statement_mark_ = mark;
}

void Txn::Put(const std::string& key, std::string value) { Write(key, std::move(value)); }

void Txn::Delete(const std::string& key) { Write(key, std::nullopt); }

// Record and the write in one lookup of the write set.
void Txn::Write(const std::string& key, std::optional<std::string> value) {
  auto [it, inserted] = writes_.try_emplace(key);
  undo_.emplace_back(key, inserted ? std::nullopt : std::move(it->second));
  it->second = std::move(value);
}

bool Txn::Get(std::string_view key, std::string* value, bool latest) const {
  auto it = writes_.find(key);
  if (it != writes_.end()) {
    if (!it->second.has_value()) return false;
    *value = *it->second;
    return true;
  }
  Status st = mgr_->store()->Get(Cf::kSql, key, value, latest ? nullptr : snap_.get());
  return st.ok();
}

SqlStatus Txn::Scan(std::string_view prefix, const std::function<bool(std::string_view, std::string_view)>& fn,
                    bool latest) const {
  // Merge the snapshot's keys with the write set's, the write set winning.
  auto w = writes_.lower_bound(prefix);
  auto in_prefix = [&](const std::string& k) { return k.compare(0, prefix.size(), prefix) == 0; };
  bool stopped = false;
  Status st = mgr_->store()->ScanPrefix(
      Cf::kSql, prefix,
      [&](std::string_view k, std::string_view v) {
        while (w != writes_.end() && in_prefix(w->first) && std::string_view(w->first) < k) {
          if (w->second.has_value() && !fn(w->first, *w->second)) {
            stopped = true;
            return false;
          }
          ++w;
        }
        if (w != writes_.end() && std::string_view(w->first) == k) {
          bool go = !w->second.has_value() || fn(w->first, *w->second);
          ++w;
          if (!go) stopped = true;
          return go;
        }
        if (!fn(k, v)) {
          stopped = true;
          return false;
        }
        return true;
      },
      latest ? nullptr : snap_.get());
  if (!st.ok()) return StorageError(st);
  if (stopped) return SqlStatus::Ok();
  for (; w != writes_.end() && in_prefix(w->first); ++w) {
    if (w->second.has_value() && !fn(w->first, *w->second)) break;
  }
  return SqlStatus::Ok();
}

LockResult Txn::Lock(const std::string& key) { return mgr_->Lock(this, key); }

// ---- TxnManager ----

std::unique_ptr<Txn> TxnManager::Begin(Isolation iso) {
  std::lock_guard<std::mutex> g(mu_);
  return std::unique_ptr<Txn>(new Txn(this, next_txn_++, iso));
}

void TxnManager::TakeSnapshot(Txn* txn) {
  std::lock_guard<std::mutex> g(mu_);
  txn->snap_ = store_->NewSnapshot();
  txn->snap_seq_ = commit_seq_;
  txn->have_snapshot_ = true;
  snapshots_.insert(commit_seq_);
}

void TxnManager::DropSnapshot(Txn* txn) {
  if (!txn->have_snapshot_) return;
  std::lock_guard<std::mutex> g(mu_);
  DropSnapshotLocked(txn);
}

void TxnManager::DropSnapshotLocked(Txn* txn) {
  if (!txn->have_snapshot_) return;
  auto it = snapshots_.find(txn->snap_seq_);
  if (it != snapshots_.end()) snapshots_.erase(it);
  txn->snap_.reset();
  txn->have_snapshot_ = false;
}

LockResult TxnManager::Lock(Txn* txn, const std::string& key) {
  std::lock_guard<std::mutex> g(mu_);
  auto [it, inserted] = locks_.try_emplace(key, txn->id_);
  if (!inserted && it->second != txn->id_) {
    txn->blocker_ = it->second;
    return WouldDeadlock(txn->id_, it->second) ? LockResult::kDeadlock : LockResult::kWait;
  }
  if (inserted) {
    if (txn->locks_.empty()) holders_.insert(txn->id_);
    txn->locks_.push_back(key);
  }
  txn->blocker_ = 0;
  if (!waits_for_.empty()) waits_for_.erase(txn->id_);
  if (recent_.empty()) return LockResult::kAcquired;
  auto r = recent_.find(key);
  if (r != recent_.end() && r->second > txn->snap_seq_) return LockResult::kStale;
  return LockResult::kAcquired;
}

bool TxnManager::WouldDeadlock(uint64_t txn, uint64_t holder) const {
  // Each transaction waits for at most one other: follow the chain.
  for (size_t steps = 0; steps < waits_for_.size() + 1; steps++) {
    if (holder == txn) return true;
    auto it = waits_for_.find(holder);
    if (it == waits_for_.end()) return false;
    holder = it->second;
  }
  return false;
}

void TxnManager::WakeWhenReleased(Txn* txn, std::function<void()> wake) {
  std::vector<std::function<void()>> run_now;
  {
    std::lock_guard<std::mutex> g(mu_);
    uint64_t holder = txn->blocker_;
    if (holders_.count(holder) == 0) {
      run_now.push_back(std::move(wake));
    } else {
      waits_for_[txn->id_] = holder;
      auto& list = waiters_[holder];
      list.emplace_back(txn->id_, std::move(wake));
    }
  }
  for (auto& w : run_now) w();
}

void TxnManager::CancelWake(uint64_t txn_id) {
  std::lock_guard<std::mutex> g(mu_);
  ForgetWaiterLocked(txn_id);
}

void TxnManager::ForgetWaiterLocked(uint64_t txn_id) {
  waits_for_.erase(txn_id);
  for (auto& [holder, list] : waiters_) {
    for (auto it = list.begin(); it != list.end();) {
      it = it->first == txn_id ? list.erase(it) : it + 1;
    }
  }
}

void TxnManager::ReleaseLocked(Txn* txn, std::vector<std::function<void()>>* wakes) {
  for (const auto& k : txn->locks_) {
    auto it = locks_.find(k);
    if (it != locks_.end() && it->second == txn->id_) locks_.erase(it);
  }
  txn->locks_.clear();
  holders_.erase(txn->id_);
  waits_for_.erase(txn->id_);
  auto w = waiters_.find(txn->id_);
  if (w != waiters_.end()) {
    for (auto& [waiter, fn] : w->second) {
      waits_for_.erase(waiter);
      wakes->push_back(std::move(fn));
    }
    waiters_.erase(w);
  }
  DropSnapshotLocked(txn);
}

void TxnManager::PruneRecentLocked() {
  if (recent_.size() < kRecentPruneAt) return;
  uint64_t oldest = snapshots_.empty() ? commit_seq_ : *snapshots_.begin();
  for (auto it = recent_.begin(); it != recent_.end();) {
    it = it->second <= oldest ? recent_.erase(it) : std::next(it);
  }
}

SqlStatus TxnManager::Commit(Txn* txn, bool durable) {
  std::vector<std::function<void()>> wakes;
  SqlStatus result;
  {
    std::lock_guard<std::mutex> g(mu_);
    if (!txn->writes_.empty() && WritesRetiredLocked(*txn)) {
      result = MakeError(sqlstate::kSerializationFailure,
                         "could not serialize access due to a concurrent ALTER TABLE of a table this transaction wrote");
    } else if (!txn->writes_.empty()) {
      storage::WriteBatch batch;
      for (const auto& [k, v] : txn->writes_) {
        if (v.has_value()) {
          batch.Put(Cf::kSql, k, *v);
        } else {
          batch.Delete(Cf::kSql, k);
        }
      }
      Status st = store_->Write(&batch, /*sync=*/false);
      if (!st.ok()) {
        result = StorageError(st);
      } else {
        uint64_t seq = ++commit_seq_;
        for (const auto& [k, v] : txn->writes_) recent_[k] = seq;
        if (durable) {
          need_sync_seq_.store(seq, std::memory_order_release);
          txn->durable_seq_ = seq;
        }
        PruneRecentLocked();
      }
    }
    txn->writes_.clear();
    txn->undo_.clear();
    txn->statement_mark_ = 0;
    ReleaseLocked(txn, &wakes);
  }
  for (auto& w : wakes) w();
  return result;
}

bool TxnManager::WritesRetiredLocked(const Txn& txn) const {
  if (retired_.empty()) return false;
  for (const auto& [k, v] : txn.writes_) {
    std::string_view rest(k);
    uint8_t tag = 0;
    uint32_t relfile = 0;
    if (storage::ConsumeU8(&rest, &tag) && tag == 0x02 && storage::ConsumeU32(&rest, &relfile) &&
        retired_.count(relfile) != 0) {
      return true;
    }
  }
  return false;
}

void TxnManager::RetireRelfile(uint32_t relfile) {
  std::lock_guard<std::mutex> g(mu_);
  retired_.insert(relfile);
}

void TxnManager::RestoreRelfile(uint32_t relfile) {
  std::lock_guard<std::mutex> g(mu_);
  retired_.erase(relfile);
}

void TxnManager::Rollback(Txn* txn) {
  std::vector<std::function<void()>> wakes;
  {
    std::lock_guard<std::mutex> g(mu_);
    txn->writes_.clear();
    txn->undo_.clear();
    txn->statement_mark_ = 0;
    ReleaseLocked(txn, &wakes);
    ForgetWaiterLocked(txn->id_);  // a rolled-back waiter no longer waits
  }
  for (auto& w : wakes) w();
}

SqlStatus TxnManager::SyncIfNeeded() {
  uint64_t target = need_sync_seq_.load(std::memory_order_acquire);
  if (synced_seq_.load(std::memory_order_acquire) >= target) return SqlStatus::Ok();
  // Every commit up to `target` is in the WAL: one fsync makes them all
  // durable (group commit), whichever session's round runs it.
  Status st = store_->SyncWal();
  if (!st.ok()) return StorageError(st);
  uint64_t cur = synced_seq_.load(std::memory_order_relaxed);
  while (cur < target && !synced_seq_.compare_exchange_weak(cur, target)) {
  }
  return SqlStatus::Ok();
}

bool TxnManager::WhenDurable(uint64_t seq, std::function<void()> done) {
  if (IsDurable(seq)) return true;
  bool stopped;
  {
    std::lock_guard<std::mutex> g(sync_mu_);
    // Checked again under the lock: the sync thread publishes synced_seq_
    // before it takes the lock to collect waiters.
    if (IsDurable(seq)) return true;
    stopped = sync_stop_;
    if (!stopped) durable_waiters_.emplace(seq, std::move(done));
  }
  if (stopped) {
    // No sync thread any more (shutdown): sync here.
    SqlStatus st = SyncIfNeeded();
    if (!st.ok()) LOG_ERROR("SQL commit sync failed: %s", st.error().message.c_str());
    return true;
  }
  sync_cv_.notify_one();
  return false;
}

void TxnManager::SyncLoop() {
  std::unique_lock<std::mutex> lk(sync_mu_);
  while (true) {
    sync_cv_.wait(lk, [this] { return sync_stop_ || !durable_waiters_.empty(); });
    if (sync_stop_) return;
    lk.unlock();
    SqlStatus st = SyncIfNeeded();
    if (!st.ok()) {
      // PostgreSQL stops the server here; the waiting sessions keep waiting
      // (their COMMIT is not acknowledged) and the sync is retried.
      LOG_ERROR("SQL commit sync failed (retrying): %s", st.error().message.c_str());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      lk.lock();
      if (sync_stop_) return;  // shutting down: the waiters' sessions are gone
      continue;
    }
    std::vector<std::function<void()>> ready;
    lk.lock();
    uint64_t synced = synced_seq_.load(std::memory_order_acquire);
    while (!durable_waiters_.empty() && durable_waiters_.begin()->first <= synced) {
      ready.push_back(std::move(durable_waiters_.begin()->second));
      durable_waiters_.erase(durable_waiters_.begin());
    }
    lk.unlock();
    for (auto& fn : ready) fn();
    lk.lock();
  }
}

}  // namespace lumadb::engine::sql

#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

// The only place in LumaDB that includes RocksDB headers is rocks_store.cc.
namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Snapshot;
}  // namespace rocksdb

namespace lumadb::storage {

// One column family per data model. New models append here.
// kKvElements holds the elements of large KV collections, one entry each
// (engine/kv/persist_layout.h); kKv holds one entry per key.
// kSql holds the SQL engine's catalog and rows (engine/sql/storage).
enum class Cf : int { kMeta = 0, kKv = 1, kKvElements = 2, kSql = 3, kCount };

const char* CfName(Cf cf);

struct StoreOptions {
  // Memory budget for the block cache, in bytes.
  uint64_t block_cache_bytes = 32ull << 20;
  // Size of one memtable, in bytes. A column family holds up to two (one
  // filling, one being written out), so this is about half of what a busy
  // column family keeps in memory before its data reaches SST files.
  uint64_t write_buffer_bytes = 8ull << 20;
};

// A set of writes applied atomically by Store::Write. Plain data: it holds
// copies of the keys and values until written.
class WriteBatch {
 public:
  void Put(Cf cf, std::string_view key, std::string_view value) {
    Append(Op::kPut, cf, key, value);
    bytes_ += key.size() + value.size();
  }
  void Delete(Cf cf, std::string_view key) {
    Append(Op::kDelete, cf, key, {});
    bytes_ += key.size();
  }
  // Deletes every key in [begin, end).
  void DeleteRange(Cf cf, std::string_view begin, std::string_view end) { Append(Op::kDeleteRange, cf, begin, end); }
  size_t Count() const { return count_; }
  size_t ByteSize() const { return bytes_; }
  bool empty() const { return count_ == 0; }
  void Clear() {
    std::string().swap(rep_);
    count_ = 0;
    bytes_ = 0;
  }

 private:
  friend class Store;
  enum class Op : uint8_t { kPut, kDelete, kDeleteRange };
  // The operations are laid end to end in one buffer, each as
  // [op][cf][key length u32][key][second length u32][value or range end],
  // so a batch of a million small writes is one allocation, not two
  // million small ones left between the keyspace's.
  void Append(Op op, Cf cf, std::string_view a, std::string_view b) {
    rep_.push_back(static_cast<char>(op));
    rep_.push_back(static_cast<char>(cf));
    AppendPart(a);
    AppendPart(b);
    count_++;
  }
  void AppendPart(std::string_view s) {
    uint32_t n = static_cast<uint32_t>(s.size());
    rep_.append(reinterpret_cast<const char*>(&n), sizeof(n));
    rep_.append(s);
  }
  std::string rep_;
  size_t count_ = 0;
  size_t bytes_ = 0;
};

// A consistent point-in-time view for reads.
class Snapshot {
 public:
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

 private:
  friend class Store;
  Snapshot(rocksdb::DB* db, const rocksdb::Snapshot* snap) : db_(db), snap_(snap) {}
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snap_;
};

struct StoreStats {
  uint64_t estimate_keys = 0;
  uint64_t live_sst_bytes = 0;
  uint64_t memtable_bytes = 0;
  uint64_t block_cache_bytes = 0;
  uint64_t wal_bytes_written = 0;
  uint64_t writes = 0;
  uint64_t syncs = 0;
  uint64_t bytes_written = 0;  // keys and values of the batches applied
};

// The RocksDB facade: one database under a directory, a column family per
// model. Thread-safe.
class Store {
 public:
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Opens (creating if needed) the database in `dir`. Fails with IoError
  // naming the directory if it cannot be created or locked.
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& dir, const StoreOptions& options);

  // Applies `batch` atomically. With sync, returns only after the write-ahead
  // log is on stable storage.
  Status Write(WriteBatch* batch, bool sync);
  // Makes every earlier write durable (fsyncs the write-ahead log).
  Status SyncWal();
  // Writes every column family's memtables out to SST files and waits for
  // it, so the memory they hold goes back (used when writes have gone quiet).
  Status FlushMemtables();

  // Reads one key. NotFound if absent.
  Status Get(Cf cf, std::string_view key, std::string* value, const Snapshot* snap = nullptr) const;

  // Calls fn(key, value) for each key starting with `prefix` in key order
  // until fn returns false.
  Status ScanPrefix(Cf cf, std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& fn,
                    const Snapshot* snap = nullptr) const;

  std::unique_ptr<Snapshot> NewSnapshot() const;
  StoreStats Stats() const;
  // RocksDB's estimate of the bytes that keys in [begin, end) of `cf` take,
  // in SST files and memtables (what pg_relation_size reports).
  uint64_t ApproximateSize(Cf cf, std::string_view begin, std::string_view end) const;
  const std::string& dir() const { return dir_; }

 private:
  Store() = default;
  rocksdb::ColumnFamilyHandle* Handle(Cf cf) const { return handles_[static_cast<int>(cf)]; }

  std::string dir_;
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* handles_[static_cast<int>(Cf::kCount)] = {};
  std::shared_ptr<void> cache_;  // rocksdb::Cache, type-erased to keep it out of this header
  struct Counters;
  std::unique_ptr<Counters> counters_;
};

}  // namespace lumadb::storage

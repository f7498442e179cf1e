#include "storage/rocks_store.h"

#include <atomic>
#include <cstring>
#include <filesystem>
#include <vector>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/options.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "storage/key_codec.h"

namespace lumadb::storage {
namespace {

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsIOError()) return Status::IoError(msg);
  if (s.IsBusy() || s.IsTryAgain()) return Status::Busy(msg);
  if (s.IsInvalidArgument()) return Status::InvalidArgument(msg);
  return Status::Internal(msg);
}

}  // namespace

struct Store::Counters {
  std::atomic<uint64_t> writes{0};
  std::atomic<uint64_t> syncs{0};
  std::atomic<uint64_t> bytes{0};
};

const char* CfName(Cf cf) {
  switch (cf) {
    case Cf::kMeta: return rocksdb::kDefaultColumnFamilyName.c_str();
    case Cf::kKv: return "kv";
    case Cf::kKvElements: return "kv_elements";
    case Cf::kSql: return "sql";
    case Cf::kCount: break;
  }
  return "?";
}

Snapshot::~Snapshot() { db_->ReleaseSnapshot(snap_); }

Store::~Store() {
  if (db_ == nullptr) return;
  for (auto* h : handles_) {
    if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
  }
  db_->Close();
  delete db_;
}

StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir, const StoreOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create data directory " + dir + ": " + ec.message());

  std::unique_ptr<Store> store(new Store());
  store->dir_ = dir;
  store->counters_ = std::make_unique<Counters>();

  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  store->cache_ = cache;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.cache_index_and_filter_blocks = true;
  // Point reads (a SQL row by its key) skip the files that do not hold the
  // key instead of reading a data block of each level.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.pin_l0_filter_and_index_blocks_in_cache = true;

  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.write_buffer_size = options.write_buffer_bytes;
  cf_options.compression = rocksdb::kLZ4Compression;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 3;
  db_options.max_total_wal_size = 256ull << 20;
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;

  // The KV engine holds its data in memory and reads these column families
  // only when it loads at start, so their memtables are vectors: a write
  // is an append (sorted once, when the memtable is written out) instead of
  // a skiplist insert, which was a fifth of the server's time under
  // pipelined writes to large collections. A vector memtable takes one
  // writer at a time; each flush is one batch anyway.
  db_options.allow_concurrent_memtable_write = false;
  rocksdb::ColumnFamilyOptions kv_options = cf_options;
  kv_options.memtable_factory = std::make_shared<rocksdb::VectorRepFactory>();
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (int i = 0; i < static_cast<int>(Cf::kCount); i++) {
    Cf cf = static_cast<Cf>(i);
    cfs.emplace_back(CfName(cf), cf == Cf::kKv || cf == Cf::kKvElements ? kv_options : cf_options);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, dir, cfs, &handles, &db);
  if (!s.ok()) {
    // LZ4 may be missing from a RocksDB build; fall back to no compression.
    if (s.IsInvalidArgument() && s.ToString().find("ompression") != std::string::npos) {
      for (auto& cf : cfs) cf.options.compression = rocksdb::kNoCompression;
      s = rocksdb::DB::Open(db_options, dir, cfs, &handles, &db);
    }
    if (!s.ok()) return FromRocks(s, "cannot open data directory " + dir);
  }
  store->db_ = db;
  for (size_t i = 0; i < handles.size(); i++) store->handles_[i] = handles[i];
  return store;
}

Status Store::Write(WriteBatch* batch, bool sync) {
  // Our records are about the size of RocksDB's (tag, lengths, bytes).
  rocksdb::WriteBatch wb(batch->rep_.size() + 16);
  std::string_view rep = batch->rep_;
  auto part = [&rep] {
    uint32_t n;
    memcpy(&n, rep.data(), sizeof(n));
    std::string_view s = rep.substr(sizeof(n), n);
    rep.remove_prefix(sizeof(n) + n);
    return rocksdb::Slice(s.data(), s.size());
  };
  while (!rep.empty()) {
    auto op = static_cast<WriteBatch::Op>(rep[0]);
    auto cf = static_cast<Cf>(rep[1]);
    rep.remove_prefix(2);
    rocksdb::Slice a = part();
    rocksdb::Slice b = part();
    rocksdb::Status s;
    switch (op) {
      case WriteBatch::Op::kPut: s = wb.Put(Handle(cf), a, b); break;
      case WriteBatch::Op::kDelete: s = wb.Delete(Handle(cf), a); break;
      case WriteBatch::Op::kDeleteRange: s = wb.DeleteRange(Handle(cf), a, b); break;
    }
    if (!s.ok()) return FromRocks(s, "write batch");
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  counters_->writes.fetch_add(1, std::memory_order_relaxed);
  counters_->bytes.fetch_add(batch->ByteSize(), std::memory_order_relaxed);
  if (sync) counters_->syncs.fetch_add(1, std::memory_order_relaxed);
  return FromRocks(db_->Write(wo, &wb), "write to " + dir_);
}

Status Store::SyncWal() {
  counters_->syncs.fetch_add(1, std::memory_order_relaxed);
  return FromRocks(db_->SyncWAL(), "sync write-ahead log in " + dir_);
}

Status Store::FlushMemtables() {
  rocksdb::FlushOptions fo;
  fo.wait = true;
  fo.allow_write_stall = true;
  std::vector<rocksdb::ColumnFamilyHandle*> all(std::begin(handles_), std::end(handles_));
  return FromRocks(db_->Flush(fo, all), "write memtables out in " + dir_);
}

Status Store::Get(Cf cf, std::string_view key, std::string* value, const Snapshot* snap) const {
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);  // as in ScanPrefix
  rocksdb::ReadOptions ro;
  if (snap != nullptr) ro.snapshot = snap->snap_;
  return FromRocks(db_->Get(ro, Handle(cf), key, value), "get");
}

Status Store::ScanPrefix(Cf cf, std::string_view prefix,
                         const std::function<bool(std::string_view, std::string_view)>& fn,
                         const Snapshot* snap) const {
  // RocksDB's per-thread perf counters cost a thread-local lookup per key
  // stepped over; nothing reads them.
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  rocksdb::ReadOptions ro;
  if (snap != nullptr) ro.snapshot = snap->snap_;
  std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, Handle(cf)));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    rocksdb::Slice k = it->key();
    rocksdb::Slice v = it->value();
    if (!fn(std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size()))) break;
  }
  return FromRocks(it->status(), "scan");
}

std::unique_ptr<Snapshot> Store::NewSnapshot() const {
  return std::unique_ptr<Snapshot>(new Snapshot(db_, db_->GetSnapshot()));
}

uint64_t Store::ApproximateSize(Cf cf, std::string_view begin, std::string_view end) const {
  rocksdb::Range range(rocksdb::Slice(begin.data(), begin.size()), rocksdb::Slice(end.data(), end.size()));
  uint64_t size = 0;
  rocksdb::SizeApproximationOptions options;
  options.include_memtables = true;
  options.include_files = true;
  if (!db_->GetApproximateSizes(options, Handle(cf), &range, 1, &size).ok()) return 0;
  return size;
}

StoreStats Store::Stats() const {
  StoreStats st;
  uint64_t v = 0;
  for (int i = 0; i < static_cast<int>(Cf::kCount); i++) {
    if (db_->GetIntProperty(handles_[i], "rocksdb.estimate-num-keys", &v)) st.estimate_keys += v;
    if (db_->GetIntProperty(handles_[i], "rocksdb.live-sst-files-size", &v)) st.live_sst_bytes += v;
    if (db_->GetIntProperty(handles_[i], "rocksdb.cur-size-all-mem-tables", &v)) st.memtable_bytes += v;
  }
  if (db_->GetIntProperty("rocksdb.block-cache-usage", &v)) st.block_cache_bytes = v;
  st.writes = counters_->writes.load(std::memory_order_relaxed);
  st.syncs = counters_->syncs.load(std::memory_order_relaxed);
  st.bytes_written = counters_->bytes.load(std::memory_order_relaxed);
  return st;
}

}  // namespace lumadb::storage

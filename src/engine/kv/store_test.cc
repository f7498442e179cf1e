#include "engine/kv/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "engine/kv/key_table.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::kv {
namespace {

Value Str(std::string s) { return Value(std::move(s)); }

class DiskStore {
 public:
  DiskStore() : dir_(std::filesystem::temp_directory_path() / ("lumadb-kv-test-" + std::to_string(std::random_device{}()))) {}
  ~DiskStore() { std::filesystem::remove_all(dir_); }
  std::unique_ptr<storage::Store> Open() {
    auto st = storage::Store::Open(dir_, storage::StoreOptions{});
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    return std::move(st.value());
  }

 private:
  std::string dir_;
};

TEST(KeyTable, UpsertAndReplaceKeepChargesAndValues) {
  KeyTable t;
  uint32_t old_charge = 99;
  EXPECT_EQ(t.Upsert("a", Str("1"), 5, &old_charge).str(), "1");
  EXPECT_EQ(old_charge, 0u);
  EXPECT_EQ(t.Upsert("a", Str("2"), 7, &old_charge).str(), "2");  // key there: replaced
  EXPECT_EQ(old_charge, 5u);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.FindSlot("b").value, nullptr);
  KeyTable::Slot slot = t.FindSlot("a");
  ASSERT_NE(slot.value, nullptr);
  EXPECT_EQ(t.Replace(slot, Str("3"), 9, &old_charge).str(), "3");
  EXPECT_EQ(old_charge, 7u);
  EXPECT_EQ(t.Find("a")->str(), "3");
  uint32_t erased_charge = 0;
  EXPECT_TRUE(t.Erase("a", &erased_charge));
  EXPECT_EQ(erased_charge, 9u);
  EXPECT_TRUE(t.empty());
}

TEST(KvStore, KeptLocksOutliveTheirLockUntilTheOwnerReleases) {
  Store s(nullptr, StoreOptions{});
  int owner = 0, other = 0;
  { auto lock = s.LockAllKept(&owner); }
  EXPECT_EQ(Store::HeldShards(), ~0ull);
  std::atomic<bool> got{false};
  std::thread t([&] {
    auto l = s.LockKey("k");
    got = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(got.load());
  {
    auto again = s.LockAllKept(&owner);  // already held: takes nothing
    EXPECT_EQ(again.mask(), 0u);
  }
  s.ReleaseKept(&other);  // not the owner: nothing is released
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(got.load());
  s.ReleaseKept(&owner);
  t.join();
  EXPECT_TRUE(got.load());
  EXPECT_EQ(Store::HeldShards(), 0u);
}

TEST(KvStore, KeptLocksKeepOnlyWhatTheyTookAndOneOwnerAtATime) {
  Store s(nullptr, StoreOptions{});
  int owner = 0, other = 0;
  {
    auto outer = s.LockKey("a");
    { auto kept = s.LockAllKept(&owner); }
    EXPECT_EQ(Store::HeldShards(), ~0ull);
  }
  // The outer lock let go of its own shard; the kept ones stay.
  EXPECT_EQ(Store::HeldShards(), ~Store::MaskOf("a"));
  {
    // Another owner while locks are kept: an ordinary LockAll, released here.
    auto lock = s.LockAllKept(&other);
    EXPECT_EQ(lock.mask(), Store::MaskOf("a"));
  }
  EXPECT_EQ(Store::HeldShards(), ~Store::MaskOf("a"));
  s.ReleaseKept(&owner);
  EXPECT_EQ(Store::HeldShards(), 0u);
}

TEST(KvStore, PutFindEraseAndTypes) {
  Store s(nullptr, StoreOptions{});
  auto lock = s.LockAll();
  EXPECT_EQ(s.Find(0, "k"), nullptr);
  s.Put(0, "k", Str("v"));
  ASSERT_NE(s.Find(0, "k"), nullptr);
  EXPECT_EQ(s.Find(0, "k")->str(), "v");
  EXPECT_EQ(s.Find(1, "k"), nullptr);  // databases are separate
  Value list = Value::Make(Type::kList);
  list.list().push_back("a");
  s.Put(0, "l", std::move(list));
  EXPECT_EQ(s.Find(0, "l")->type(), Type::kList);
  EXPECT_TRUE(s.Erase(0, "k"));
  EXPECT_FALSE(s.Erase(0, "k"));
  lock.Release();
  EXPECT_EQ(s.DbSize(0), 1u);
}

TEST(KvStore, LazyAndActiveExpiry) {
  Store s(nullptr, StoreOptions{});
  {
    auto lock = s.LockAll();
    Value v = Str("x");
    v.expire_ms = NowMs() - 1;
    s.Put(0, "gone", std::move(v));
    EXPECT_EQ(s.Find(0, "gone"), nullptr);
    Value w = Str("y");
    w.expire_ms = NowMs() + 50;
    s.Put(0, "soon", std::move(w));
  }
  EXPECT_EQ(s.ExpiresCount(0), 1u);
  s.Start();
  for (int i = 0; i < 100 && s.DbSize(0) != 0; i++) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(s.DbSize(0), 0u);  // removed by the background thread without being read
  EXPECT_GE(s.GetStats().expired_keys, 2u);
  ASSERT_TRUE(s.Stop().ok());
}

// Records the observer calls as "event db key" lines.
class RecordingObserver final : public KeyspaceObserver {
 public:
  void OnKeyTouched(int, std::string_view) override {}
  void OnDbTouched(int) override {}
  void OnKeyAdded(int db, std::string_view key) override { Add("added", db, key); }
  void OnKeyExpired(int db, std::string_view key) override { Add("expired", db, key); }
  std::vector<std::string> Take() {
    std::lock_guard<std::mutex> g(mu_);
    return std::exchange(events_, {});
  }

 private:
  void Add(const char* what, int db, std::string_view key) {
    std::lock_guard<std::mutex> g(mu_);
    events_.push_back(std::string(what) + " " + std::to_string(db) + " " + std::string(key));
  }
  std::mutex mu_;
  std::vector<std::string> events_;
};

TEST(KvStore, ObserverSeesAddedKeysAndLazyExpiry) {
  Store s(nullptr, StoreOptions{});
  RecordingObserver obs;
  s.AddObserver(&obs);
  {
    auto lock = s.LockAll();
    s.Put(0, "k", Str("v"));
    s.Put(0, "k", Str("w"));  // an overwrite adds nothing
    s.Put(3, "k", Str("v"));
    EXPECT_EQ(obs.Take(), (std::vector<std::string>{"added 0 k", "added 3 k"}));
    Value v = Str("x");
    v.expire_ms = NowMs() - 1;
    s.Put(0, "old", std::move(v));
    obs.Take();
    // Found expired by an access (no background thread runs here).
    EXPECT_EQ(s.Find(0, "old"), nullptr);
    EXPECT_EQ(obs.Take(), (std::vector<std::string>{"expired 0 old"}));
    EXPECT_EQ(s.Find(0, "old"), nullptr);
    EXPECT_TRUE(obs.Take().empty());
    // A write over an expired value expires it first, then adds the key.
    Value e = Str("x");
    e.expire_ms = NowMs() - 1;
    s.Put(0, "over", std::move(e));
    obs.Take();
    s.Put(0, "over", Str("new"));
    EXPECT_EQ(obs.Take(), (std::vector<std::string>{"expired 0 over", "added 0 over"}));
    EXPECT_EQ(s.Find(0, "over")->expire_ms, 0);
    EXPECT_EQ(s.ExpiresCount(0), 0u);
    // SCAN deletes the expired keys it meets.
    Value sc = Str("x");
    sc.expire_ms = NowMs() - 1;
    s.Put(0, "scanned", std::move(sc));
    obs.Take();
    s.Scan(0, 0, 1000, [](std::string_view, const Value&) {});
    EXPECT_EQ(obs.Take(), (std::vector<std::string>{"expired 0 scanned"}));
  }
  s.RemoveObserver(&obs);
}

TEST(KvStore, ObserverSeesActiveExpiry) {
  Store s(nullptr, StoreOptions{});
  RecordingObserver obs;
  s.AddObserver(&obs);
  {
    auto lock = s.LockAll();
    Value v = Str("x");
    v.expire_ms = NowMs() + 30;
    s.Put(5, "soon", std::move(v));
  }
  obs.Take();
  s.Start();
  std::vector<std::string> seen;
  for (int i = 0; i < 300 && seen.empty(); i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    seen = obs.Take();
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"expired 5 soon"}));
  EXPECT_TRUE(s.Stop().ok());
  s.RemoveObserver(&obs);
}

TEST(KvStore, PersistsEveryTypeAcrossReopen) {
  DiskStore dir;
  {
    auto disk = dir.Open();
    Store s(disk.get(), StoreOptions{});
    ASSERT_TRUE(s.Load().ok());
    auto lock = s.LockAll();
    s.Put(0, "str", Str("hello"));
    Value l = Value::Make(Type::kList);
    l.list() = {"a", "b", std::string("\0c", 2)};
    s.Put(1, "list", std::move(l));
    Value h = Value::Make(Type::kHash);
    h.hash().insert_or_assign("f", "v");
    s.Put(2, "hash", std::move(h));
    Value st = Value::Make(Type::kSet);
    st.set().insert("m");
    s.Put(3, "set", std::move(st));
    Value z = Value::Make(Type::kZSet);
    z.zset().Insert("one", 1.5);
    z.zset().Insert("two", -2);
    z.expire_ms = NowMs() + 100000;
    s.Put(4, "zset", std::move(z));
    Value mc = mc_item::Make("item", 7, 42, 16);
    s.Put(kMemcacheDb, "mc", std::move(mc));
    lock.Release();
    ASSERT_TRUE(s.Flush(true).ok());
  }
  {
    auto disk = dir.Open();
    Store s(disk.get(), StoreOptions{});
    ASSERT_TRUE(s.Load().ok());
    auto lock = s.LockAll();
    EXPECT_EQ(s.Find(0, "str")->str(), "hello");
    EXPECT_EQ(s.Find(1, "list")->list().size(), 3u);
    EXPECT_EQ(s.Find(1, "list")->list()[2], std::string("\0c", 2));
    EXPECT_EQ(s.Find(2, "hash")->hash().at("f"), "v");
    EXPECT_TRUE(s.Find(3, "set")->set().contains("m"));
    EXPECT_EQ(*s.Find(4, "zset")->zset().Score("two"), -2);
    EXPECT_GT(s.Find(4, "zset")->expire_ms, NowMs());
    EXPECT_EQ(mc_item::Flags(*s.Find(kMemcacheDb, "mc")), 42u);
    EXPECT_EQ(mc_item::Cas(*s.Find(kMemcacheDb, "mc")), 7u);
    EXPECT_EQ(mc_item::Bits(*s.Find(kMemcacheDb, "mc")), 16u);
    EXPECT_EQ(mc_item::Data(*s.Find(kMemcacheDb, "mc")), "item");
    EXPECT_GE(s.NextCas(), 8u);  // CAS values keep increasing after a restart
  }
}

TEST(KvStore, FlushDbIsOrderedAgainstLaterWrites) {
  DiskStore dir;
  {
    auto disk = dir.Open();
    Store s(disk.get(), StoreOptions{});
    {
      auto lock = s.LockAll();
      s.Put(0, "old", Str("1"));
      s.Put(0, "kept", Str("1"));
    }
    ASSERT_TRUE(s.Flush(true).ok());
    s.FlushDb(0);
    {
      auto lock = s.LockAll();
      s.Put(0, "kept", Str("2"));  // written after FLUSHDB: must survive it
    }
    s.SwapDb(0, 5);
    ASSERT_TRUE(s.Flush(true).ok());
  }
  auto disk = dir.Open();
  Store s(disk.get(), StoreOptions{});
  ASSERT_TRUE(s.Load().ok());
  auto lock = s.LockAll();
  EXPECT_EQ(s.Find(5, "old"), nullptr);
  ASSERT_NE(s.Find(5, "kept"), nullptr);
  EXPECT_EQ(s.Find(5, "kept")->str(), "2");
  EXPECT_EQ(s.Find(0, "kept"), nullptr);
}

TEST(KvStore, ScanReturnsEveryStableKeyDespiteConcurrentInserts) {
  Store s(nullptr, StoreOptions{});
  {
    auto lock = s.LockAll();
    for (int i = 0; i < 5000; i++) s.Put(0, "k" + std::to_string(i), Str("v"));
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int round = 0;
  do {
    cursor = s.Scan(0, cursor, 37, [&](std::string_view k, const Value&) { seen.emplace(k); });
    // Growth between calls (rehashing) must not hide stable keys.
    auto lock = s.LockAll();
    for (int j = 0; j < 20; j++) s.Put(0, "new" + std::to_string(round * 20 + j), Str("v"));
    round++;
  } while (cursor != 0);
  for (int i = 0; i < 5000; i++) ASSERT_TRUE(seen.count("k" + std::to_string(i))) << i;
}

TEST(KvStore, NestedLocksAreReentrant) {
  Store s(nullptr, StoreOptions{});
  auto all = s.LockAll();
  auto again = s.LockKey("x");  // would deadlock if not skipped
  EXPECT_EQ(again.mask(), 0u);
  s.FlushDb(0);
  EXPECT_EQ(s.DbSize(0), 0u);
}

TEST(KvStore, QuietWritesLeaveNoMemtableBehind) {
  DiskStore dir;
  auto disk = dir.Open();
  StoreOptions opts;
  opts.flush_interval_ms = 50;
  opts.memtable_quiet_ms = 300;
  Store s(disk.get(), opts);
  ASSERT_TRUE(s.Load().ok());
  s.Start();
  {
    auto lock = s.LockAll();
    for (int i = 0; i < 40000; i++) s.Put(0, "key:" + std::to_string(i), Str(std::string(60, 'v')));
  }
  // The writes reach the memtables within a flush interval or two...
  int64_t deadline = MonoMs() + 5000;
  while (disk->Stats().memtable_bytes < (1u << 20) && MonoMs() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GE(disk->Stats().memtable_bytes, 1u << 20);
  // ...and leave them for SST files once writes have been quiet for a while.
  deadline = MonoMs() + 10000;
  while (disk->Stats().memtable_bytes >= (1u << 20) && MonoMs() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_LT(disk->Stats().memtable_bytes, 1u << 20);
  EXPECT_GT(disk->Stats().live_sst_bytes, 0u);
  ASSERT_TRUE(s.Stop().ok());
}

TEST(ValueCodec, RejectsGarbage) {
  Value v;
  EXPECT_FALSE(DecodeValue("", &v).ok());
  EXPECT_FALSE(DecodeValue("\x01\x09", &v).ok());
  std::string enc;
  Value l = Value::Make(Type::kList);
  l.list() = {"a", "b"};
  EncodeValue(l, &enc);
  EXPECT_TRUE(DecodeValue(enc, &v).ok());
  EXPECT_FALSE(DecodeValue(enc.substr(0, enc.size() - 1), &v).ok());
}

TEST(ValueCodec, ReadsMemcachedItemsWrittenWithFlagsAndCasWords) {
  // Version 1, string, expiry 5, flags 42, CAS 300 (varint ac 02), "data":
  // the layout before the item fields moved into the data.
  Value v;
  ASSERT_TRUE(DecodeValue(std::string("\x01\x00\x05\x2a\xac\x02" "data", 10), &v).ok());
  EXPECT_EQ(v.expire_ms, 5);
  EXPECT_EQ(mc_item::Cas(v), 300u);
  EXPECT_EQ(mc_item::Flags(v), 42u);
  EXPECT_EQ(mc_item::Bits(v), 0u);
  EXPECT_EQ(mc_item::Data(v), "data");
  // Written now, an item is one string and reads back the same.
  std::string enc;
  EncodeValue(v, &enc);
  Value back;
  ASSERT_TRUE(DecodeValue(enc, &back).ok());
  EXPECT_EQ(back.str(), v.str());
  EXPECT_EQ(mc_item::Cas(back), 300u);
}

TEST(McItem, FieldsLiveInTheHeaderBeforeTheData) {
  Value v = mc_item::Make("abc", 0x0102030405060708ull, 0xfffffffeu, 9);
  EXPECT_EQ(v.str().size(), mc_item::kHeaderSize + 3);
  EXPECT_EQ(mc_item::Cas(v), 0x0102030405060708ull);
  EXPECT_EQ(mc_item::Flags(v), 0xfffffffeu);
  EXPECT_EQ(mc_item::Bits(v), 9u);
  mc_item::SetCas(&v, 77);
  mc_item::SetBits(&v, 1);
  EXPECT_EQ(mc_item::Cas(v), 77u);
  EXPECT_EQ(mc_item::Flags(v), 0xfffffffeu);
  EXPECT_EQ(mc_item::Bits(v), 1u);
  EXPECT_EQ(mc_item::Data(v), "abc");
  // A string too short for the header (not an item) reads as zeros.
  Value plain(std::string("xy"));
  EXPECT_EQ(mc_item::Cas(plain), 0u);
  EXPECT_EQ(mc_item::Data(plain), "");
}

TEST(ValueAccessClock, WrapsAt24BitsLikeRedis) {
  Value v;
  v.set_access_s(Value::kAccessClockMax);
  EXPECT_EQ(v.IdleSeconds(Value::kAccessClockMax + 10), 10u);
  v.set_access_s(100);
  EXPECT_EQ(v.IdleSeconds(160), 60u);
  v.set_access_s(5u - 20u);  // an IDLETIME larger than the clock
  EXPECT_EQ(v.IdleSeconds(5), 20u);
}

}  // namespace
}  // namespace lumadb::engine::kv

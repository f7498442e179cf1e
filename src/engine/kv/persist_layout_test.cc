// The per-element layout of large collections: round trips through Flush and
// Load, described changes costing only what changed, conversions between
// layouts, generations on overwrite and delete, FLUSHDB/SWAPDB, expiry,
// leftovers of interrupted rewrites, and randomized change sequences
// (with restarts and crashes) checked against an in-memory copy.
#include "engine/kv/persist_layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "common/clock.h"
#include "engine/kv/store.h"
#include "storage/key_codec.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::kv {
namespace {

// A canonical text of a value, equal for equal contents whatever the
// container order.
std::string Canon(const Value& v) {
  std::string out = std::string(TypeName(v.type())) + " exp=" + std::to_string(v.expire_ms) + "\n";
  std::vector<std::string> items;
  switch (v.type()) {
    case Type::kString: return out + v.str();
    case Type::kList:
      for (const auto& e : v.list()) out += e + "\n";
      return out;
    case Type::kSet:
      items.assign(v.set().begin(), v.set().end());
      break;
    case Type::kHash:
      for (const auto& [f, x] : v.hash()) items.push_back(f + "=" + x);
      break;
    case Type::kZSet:
      if (v.zset().size() != 0) {
        v.zset().ForRanks(0, v.zset().size() - 1, false, [&](const std::string& m, double s) {
          out += m + ":" + std::to_string(s) + "\n";
          return true;
        });
      }
      return out;
    case Type::kStream: {
      std::string enc;
      EncodeValue(v, &enc);  // nodes and groups in ID / name order: canonical
      return out + enc;
    }
  }
  std::sort(items.begin(), items.end());
  for (const auto& i : items) out += i + "\n";
  return out;
}

class PersistTest : public ::testing::Test {
 public:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() / ("lumadb-persist-test-" + std::to_string(std::random_device{}())))
               .string();
    Open();
  }
  void TearDown() override {
    store_.reset();
    disk_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Open() {
    auto st = storage::Store::Open(dir_, storage::StoreOptions{});
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    disk_ = std::move(st.value());
    store_ = std::make_unique<Store>(disk_.get(), options_);
    Status s = store_->Load();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void Flush() {
    Status s = store_->Flush(true);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  // A clean restart: flush, close, load.
  void Reopen() {
    Flush();
    store_.reset();
    disk_.reset();
    Open();
  }
  // A crash: whatever was not flushed is lost.
  void Crash() {
    store_.reset();
    disk_.reset();
    Open();
  }

  std::map<std::string, std::string> Snapshot(int db = 0) {
    std::map<std::string, std::string> out;
    store_->ForEach(db, [&](std::string_view k, const Value& v) { out[std::string(k)] = Canon(v); });
    return out;
  }

  // kv_elements entries of key.
  size_t Elements(int db, std::string_view key) {
    size_t n = 0;
    EXPECT_TRUE(disk_->ScanPrefix(storage::Cf::kKvElements, ElementKeyPrefix(db, key), [&](auto, auto) {
                  n++;
                  return true;
                }).ok());
    return n;
  }
  size_t AllElements() {
    size_t n = 0;
    EXPECT_TRUE(disk_->ScanPrefix(storage::Cf::kKvElements, "", [&](auto, auto) {
                  n++;
                  return true;
                }).ok());
    return n;
  }
  uint64_t BytesWritten() { return disk_->Stats().bytes_written; }

  Value* Find(int db, std::string_view key) { return store_->Peek(db, key); }

  StoreOptions options_;
  std::string dir_;
  std::unique_ptr<storage::Store> disk_;
  std::unique_ptr<Store> store_;
};

Value MakeHash(size_t n, const std::string& tag = "f") {
  Value v = Value::Make(Type::kHash);
  for (size_t i = 0; i < n; i++) v.hash().insert_or_assign(tag + std::to_string(i), "value-" + std::to_string(i * 7));
  return v;
}
Value MakeSet(size_t n) {
  Value v = Value::Make(Type::kSet);
  for (size_t i = 0; i < n; i++) v.set().insert("member-" + std::to_string(i));
  return v;
}
Value MakeZSet(size_t n) {
  Value v = Value::Make(Type::kZSet);
  for (size_t i = 0; i < n; i++) v.zset().Insert("m" + std::to_string(i), static_cast<double>(i % 17) - 3.5);
  return v;
}
Value MakeList(size_t n) {
  Value v = Value::Make(Type::kList);
  for (size_t i = 0; i < n; i++) v.list().push_back("e" + std::to_string(i));
  v.list().push_back(std::string("\0nul\xff", 5));
  return v;
}
Value MakeStream(size_t n) {
  Value v = Value::Make(Type::kStream);
  Stream& s = v.stream();
  for (size_t i = 1; i <= n; i++) {
    std::string a = std::to_string(i), b = std::string(i % 40, 'x');
    std::vector<std::string_view> fv = {"n", a, i % 3 == 0 ? std::string_view("other") : std::string_view("pad"), b};
    StreamId id;
    Stream::NewId spec{Stream::NewId::kExplicit, StreamId{i, i % 2}};
    EXPECT_EQ(s.Add(spec, 0, fv, &id), Stream::AddResult::kOk);
  }
  s.Delete({StreamId{5, 1}, StreamId{6, 0}});
  StreamGroup* g = s.CreateGroup("g", StreamId{0, 0}, 0);
  StreamConsumer* alice = g->TouchConsumer("alice", 1000);
  s.ReadNew(*g, *alice, n / 3, false, 2000, [](StreamId, const StreamFields&) { return true; });
  g->TouchConsumer("idle", 3000);
  s.CreateGroup("empty", StreamId{2, 0}, kEntriesReadInvalid);
  return v;
}

TEST_F(PersistTest, RoundTripsEveryTypeSmallAndLarge) {
  {
    auto lock = store_->LockAll();
    for (size_t n : {3u, 400u}) {
      std::string t = std::to_string(n);
      store_->Put(0, "hash" + t, MakeHash(n));
      store_->Put(0, "set" + t, MakeSet(n));
      store_->Put(0, "zset" + t, MakeZSet(n));
      store_->Put(0, "list" + t, MakeList(n));
      Value st = MakeStream(n);
      st.expire_ms = NowMs() + 3600000;
      store_->Put(0, "stream" + t, std::move(st));
    }
    store_->Put(0, "str", Value(std::string("plain")));
  }
  auto before = Snapshot();
  Reopen();
  EXPECT_EQ(Snapshot(), before);
  for (const char* k : {"hash", "set", "zset", "list", "stream"}) {
    EXPECT_EQ(Elements(0, std::string(k) + "3"), 0u) << k;
    EXPECT_GT(Elements(0, std::string(k) + "400"), 0u) << k;
  }
  EXPECT_EQ(Elements(0, "hash400"), 400u);
  EXPECT_EQ(Elements(0, "list400"), 401u);
  // Groups survive with their consumers and pending entries.
  auto lock = store_->LockAll();
  const Stream& s = Find(0, "stream400")->stream();
  ASSERT_EQ(s.groups().size(), 2u);
  EXPECT_EQ(s.groups().at("g").pel.size(), 133u);
  EXPECT_EQ(s.groups().at("g").consumers.at("alice").pel.size(), 133u);
}

// Each described change to a 2000-element collection writes about the
// change, not the collection; the plain Touched rewrites it whole.
TEST_F(PersistTest, DescribedChangesWriteOnlyWhatChanged) {
  constexpr size_t kN = 2000;
  {
    auto lock = store_->LockAll();
    store_->Put(0, "h", MakeHash(kN));
    store_->Put(0, "s", MakeSet(kN));
    store_->Put(0, "z", MakeZSet(kN));
    store_->Put(0, "l", MakeList(kN));
    store_->Put(0, "x", MakeStream(kN));
  }
  Flush();
  auto cost = [&](const std::function<void()>& change) {
    uint64_t before = BytesWritten();
    {
      auto lock = store_->LockAll();
      change();
    }
    Flush();
    return BytesWritten() - before;
  };
  EXPECT_LT(cost([&] {
              Find(0, "h")->hash().insert_or_assign("f7", "new");
              store_->Touched(0, "h", [](ChangeLog& log) { log.Element("f7"); });
            }),
            200u);
  EXPECT_LT(cost([&] {
              Find(0, "s")->set().erase("member-9");
              store_->Touched(0, "s", [](ChangeLog& log) { log.Element("member-9"); });
            }),
            200u);
  EXPECT_LT(cost([&] {
              Find(0, "z")->zset().Insert("m3", 99);
              store_->Touched(0, "z", [](ChangeLog& log) { log.Element("m3"); });
            }),
            200u);
  EXPECT_LT(cost([&] {
              Find(0, "l")->list().push_back("tail");
              Find(0, "l")->list().push_front("head");
              store_->Touched(0, "l", [](ChangeLog& log) {
                log.ListPushed(false, 1);
                log.ListPushed(true, 1);
              });
            }),
            200u);
  EXPECT_LT(cost([&] {
              Stream& s = Find(0, "x")->stream();
              std::vector<std::string_view> fv = {"n", "new"};
              StreamId id;
              s.Add(Stream::NewId{}, 1 << 30, fv, &id);
              store_->Touched(0, "x", [&](ChangeLog& log) { log.StreamEntry(id); });
            }),
            5000u);  // the tail node, under 4 KB
  EXPECT_LT(cost([&] {
              StreamGroup* g = Find(0, "x")->stream().FindGroup("g");
              StreamId first = g->pel.begin()->first;
              g->Ack(first);
              store_->Changed(0, "x", [&](ChangeLog& log) { log.Pending("g", first); });
            }),
            200u);
  EXPECT_LT(cost([&] { store_->SetExpire(0, "h", Find(0, "h"), NowMs() + 100000); }), 200u);
  EXPECT_GT(cost([&] {
              Find(0, "h")->hash().insert_or_assign("f8", "new");
              store_->Touched(0, "h");
            }),
            20000u);
  auto before = Snapshot();
  Reopen();
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(PersistTest, ConvertsBetweenSingleEntryAndPerElement) {
  auto set_size = [&](size_t n) {
    {
      auto lock = store_->LockAll();
      Value* v = Find(0, "h");
      if (v == nullptr) v = &store_->Put(0, "h", Value::Make(Type::kHash));
      while (v->hash().size() < n) {
        std::string f = "f" + std::to_string(v->hash().size());
        v->hash().insert_or_assign(f, "v");
        store_->Touched(0, "h", [&](ChangeLog& log) { log.Element(f); });
      }
      while (v->hash().size() > n) {
        std::string f = "f" + std::to_string(v->hash().size() - 1);
        v->hash().erase(f);
        store_->Touched(0, "h", [&](ChangeLog& log) { log.Element(f); });
      }
    }
    Flush();
  };
  set_size(100);
  EXPECT_EQ(Elements(0, "h"), 0u);  // below the threshold: one entry
  set_size(300);
  EXPECT_EQ(Elements(0, "h"), 300u);  // converted
  set_size(100);
  EXPECT_EQ(Elements(0, "h"), 100u);  // stays per element above 256 / 4
  set_size(40);
  EXPECT_EQ(Elements(0, "h"), 0u);  // back to one entry, elements deleted
  auto before = Snapshot();
  Reopen();
  EXPECT_EQ(Snapshot(), before);
  set_size(500);
  before = Snapshot();
  Reopen();
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(Elements(0, "h"), 500u);
  // A few huge fields count too: 3 fields of 40 KB are stored per element.
  {
    auto lock = store_->LockAll();
    Value big = Value::Make(Type::kHash);
    for (int i = 0; i < 3; i++) big.hash().insert_or_assign("big" + std::to_string(i), std::string(40000, 'a' + i));
    store_->Put(0, "big", std::move(big));
  }
  Flush();
  EXPECT_EQ(Elements(0, "big"), 3u);
}

TEST_F(PersistTest, OverwriteAndDeleteOfLargeKeysTakeNewGenerations) {
  {
    auto lock = store_->LockAll();
    store_->Put(0, "k", MakeHash(1000, "a"));
  }
  Flush();
  EXPECT_EQ(Elements(0, "k"), 1000u);
  {
    auto lock = store_->LockAll();
    store_->Put(0, "k", MakeHash(600, "b"));  // replaced: old fields must not come back
  }
  Flush();
  EXPECT_EQ(Elements(0, "k"), 600u);
  auto before = Snapshot();
  Reopen();
  EXPECT_EQ(Snapshot(), before);
  {
    auto lock = store_->LockAll();
    store_->Put(0, "k", MakeList(700));  // another type
  }
  Reopen();
  EXPECT_EQ(Elements(0, "k"), 701u);
  EXPECT_EQ(Snapshot().at("k"), Canon(MakeList(700)));
  {
    auto lock = store_->LockAll();
    store_->Erase(0, "k");
    store_->Put(0, "k", MakeSet(300));  // deleted and recreated between flushes
  }
  Reopen();
  EXPECT_EQ(Snapshot().at("k"), Canon(MakeSet(300)));
  EXPECT_EQ(Elements(0, "k"), 300u);
  {
    auto lock = store_->LockAll();
    store_->Put(0, "k", Value(std::string("now a string")));
  }
  Reopen();
  EXPECT_EQ(Elements(0, "k"), 0u);
  {
    auto lock = store_->LockAll();
    store_->Put(0, "k", MakeZSet(500));
  }
  Flush();
  {
    auto lock = store_->LockAll();
    store_->Erase(0, "k");
  }
  Reopen();
  EXPECT_EQ(Elements(0, "k"), 0u);
  EXPECT_TRUE(Snapshot().empty());
  EXPECT_EQ(AllElements(), 0u);
}

TEST_F(PersistTest, FlushDbAndSwapDbKeepLargeKeysRight) {
  {
    auto lock = store_->LockAll();
    store_->Put(0, "a", MakeHash(500));
    store_->Put(1, "b", MakeList(500));
    store_->Put(1, "small", Value(std::string("x")));
  }
  Flush();
  store_->SwapDb(0, 1);
  {
    auto lock = store_->LockAll();
    // Changed after the swap, described: must land on top of the rewrite.
    Find(0, "b")->list().push_back("after-swap");
    store_->Touched(0, "b", [](ChangeLog& log) { log.ListPushed(false, 1); });
  }
  auto db0 = Snapshot(0), db1 = Snapshot(1);
  Reopen();
  EXPECT_EQ(Snapshot(0), db0);
  EXPECT_EQ(Snapshot(1), db1);
  EXPECT_EQ(Elements(0, "b"), 502u);
  EXPECT_EQ(Elements(1, "a"), 500u);
  EXPECT_EQ(Elements(0, "a"), 0u);
  EXPECT_EQ(Elements(1, "b"), 0u);
  // Changes described against the old disk state must not survive FLUSHDB.
  {
    auto lock = store_->LockAll();
    Find(1, "a")->hash().insert_or_assign("f1", "changed");
    store_->Touched(1, "a", [](ChangeLog& log) { log.Element("f1"); });
  }
  store_->FlushDb(1);
  {
    auto lock = store_->LockAll();
    store_->Put(1, "a", MakeHash(300, "new"));
    Find(1, "a")->hash().insert_or_assign("extra", "1");
    store_->Touched(1, "a", [](ChangeLog& log) { log.Element("extra"); });
  }
  db1 = Snapshot(1);
  Reopen();
  EXPECT_EQ(Snapshot(1), db1);
  EXPECT_EQ(Elements(1, "a"), 301u);
  store_->FlushAll();
  Reopen();
  EXPECT_TRUE(Snapshot(0).empty());
  EXPECT_TRUE(Snapshot(1).empty());
  EXPECT_EQ(AllElements(), 0u);
}

TEST_F(PersistTest, ExpiryOfLargeKeys) {
  {
    auto lock = store_->LockAll();
    store_->Put(0, "h", MakeHash(400));
    store_->SetExpire(0, "h", Find(0, "h"), NowMs() + 3600000);
  }
  Reopen();
  {
    auto lock = store_->LockAll();
    ASSERT_NE(Find(0, "h"), nullptr);
    EXPECT_GT(Find(0, "h")->expire_ms, NowMs());
    store_->SetExpire(0, "h", Find(0, "h"), 0);  // PERSIST
  }
  Reopen();
  {
    auto lock = store_->LockAll();
    EXPECT_EQ(Find(0, "h")->expire_ms, 0);
    store_->SetExpire(0, "h", Find(0, "h"), NowMs() + 50);
  }
  Flush();
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  // Expired while the server was down: dropped at load, elements too.
  Crash();
  EXPECT_TRUE(Snapshot().empty());
  EXPECT_EQ(AllElements(), 0u);
  // Expired while running: deleted like any key.
  {
    auto lock = store_->LockAll();
    Value v = MakeSet(400);
    v.expire_ms = NowMs() + 30;
    store_->Put(0, "s", std::move(v));
  }
  Flush();
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  {
    auto lock = store_->LockAll();
    EXPECT_EQ(store_->Find(0, "s"), nullptr);
  }
  Flush();
  EXPECT_EQ(AllElements(), 0u);
}

TEST_F(PersistTest, LoadDeletesLeftoverGenerations) {
  {
    auto lock = store_->LockAll();
    store_->Put(0, "h", MakeHash(300));
  }
  Flush();
  // What a crash in the middle of a chunked rewrite leaves: elements of a
  // generation the metadata does not name (and of a key with no metadata).
  storage::WriteBatch b;
  for (std::string key : {"h", "ghost"}) {
    std::string k = ElementKeyPrefix(0, key);
    storage::AppendU64(&k, 999999);
    b.Put(storage::Cf::kKvElements, k + "stray", "x");
  }
  ASSERT_TRUE(disk_->Write(&b, true).ok());
  EXPECT_EQ(AllElements(), 302u);
  auto before = Snapshot();
  Crash();
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(AllElements(), 300u);
  // New generations start past every generation seen on disk.
  {
    auto lock = store_->LockAll();
    store_->Put(0, "h", MakeHash(280, "z"));
  }
  Reopen();
  EXPECT_EQ(Snapshot().at("h"), Canon(MakeHash(280, "z")));
  EXPECT_EQ(AllElements(), 280u);
}

TEST_F(PersistTest, RewriteLargerThanAChunkRoundTrips) {
  {
    auto lock = store_->LockAll();
    Value v = MakeHash(0);
    for (int i = 0; i < 6000; i++) v.hash().insert_or_assign("field" + std::to_string(i), std::string(1000, 'a' + i % 26));
    store_->Put(0, "huge", std::move(v));
    store_->Put(0, "other", MakeList(300));
  }
  uint64_t writes = disk_->Stats().writes;
  Flush();
  EXPECT_GE(disk_->Stats().writes - writes, 2u);  // went out in chunks
  auto before = Snapshot();
  Reopen();
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(Elements(0, "huge"), 6000u);
}

// A handler that describes a list change wrongly (here: one push of two)
// gets a rewrite, not a corrupt disk.
TEST_F(PersistTest, MiscountedListChangeFallsBackToRewrite) {
  {
    auto lock = store_->LockAll();
    store_->Put(0, "l", MakeList(300));
  }
  Flush();
  {
    auto lock = store_->LockAll();
    Find(0, "l")->list().push_back("a");
    Find(0, "l")->list().push_back("b");
    store_->Touched(0, "l", [](ChangeLog& log) { log.ListPushed(false, 1); });
  }
  auto before = Snapshot();
  Reopen();
  EXPECT_EQ(Snapshot(), before);
}

// ---- randomized sequences against a model ----

// Runs `steps` random operations on key "k"; after each, maybe flushes,
// restarts or crashes, and checks the store against what it should hold.
class RandomRun {
 public:
  RandomRun(PersistTest* t, uint64_t seed) : t_(t), rng_(seed) {}
  std::mt19937_64& rng() { return rng_; }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  size_t Below(size_t n) { return n == 0 ? 0 : rng_() % n; }
  template <typename Op>
  void Run(int steps, Op op) {
    expected_ = flushed_ = Current();
    for (int i = 0; i < steps; i++) {
      {
        auto lock = store()->LockAll();
        op();
      }
      expected_ = Current();
      if (Chance(0.15)) {
        // Without fsync: the simulated crash closes the database, which
        // keeps what was written.
        Status s = store()->Flush(false);
        ASSERT_TRUE(s.ok()) << s.ToString();
        flushed_ = expected_;
        if (t_->Elements(0, "k") != 0) per_element_flushes_++;
      }
      if (Chance(0.004)) {
        t_->Reopen();
        flushed_ = expected_;
        ASSERT_EQ(Current(), expected_) << "after restart, step " << i;
      } else if (Chance(0.004)) {
        t_->Crash();
        ASSERT_EQ(Current(), flushed_) << "after crash, step " << i;
        expected_ = flushed_;
      }
    }
    t_->Reopen();
    ASSERT_EQ(Current(), expected_);
    // Most flushes found the key stored per element, so the described
    // changes were what got written.
    EXPECT_GT(per_element_flushes_, steps / 20);
  }
  Store* store() { return t_->store_.get(); }

 private:
  std::string Current() {
    auto lock = store()->LockAll();
    Value* v = store()->Peek(0, "k");
    return v == nullptr ? "" : Canon(*v);
  }
  PersistTest* t_;
  std::mt19937_64 rng_;
  std::string expected_, flushed_;
  int per_element_flushes_ = 0;
};

TEST_F(PersistTest, RandomListChanges) {
  options_.large_min_elements = 40;
  Reopen();
  RandomRun run(this, 7);
  int counter = 0;
  run.Run(3000, [&] {
    Store* s = run.store();
    Value* v = s->Find(0, "k");
    size_t len = v == nullptr ? 0 : v->list().size();
    int op = static_cast<int>(run.Below(8));
    if (v == nullptr || op <= 1 || (len < 20 && op < 6)) {
      bool left = run.Chance(0.5);
      size_t n = 1 + run.Below(op == 0 ? 30 : 3);
      if (v == nullptr) v = &s->Put(0, "k", Value::Make(Type::kList));
      for (size_t i = 0; i < n; i++) {
        std::string e = "v" + std::to_string(counter++);
        if (left) v->list().push_front(e);
        else v->list().push_back(e);
      }
      s->Touched(0, "k", [&](ChangeLog& log) { log.ListPushed(left, n); });
    } else if (op <= 3) {
      bool left = run.Chance(0.5);
      size_t n = std::min(len, 1 + run.Below(op == 2 ? 25 : 2));
      for (size_t i = 0; i < n; i++) {
        if (left) v->list().pop_front();
        else v->list().pop_back();
      }
      s->TouchedMaybeEmpty(0, "k", v, [&](ChangeLog& log) { log.ListPopped(left, n); });
    } else if (op == 4) {
      size_t i = run.Below(len);
      v->list()[i] = "set" + std::to_string(counter++);
      s->Touched(0, "k", [&](ChangeLog& log) { log.ListSet(i); });
    } else if (op == 5) {
      size_t a = run.Below(3), b = run.Below(3);
      size_t keep_from = std::min(a, len), keep_to = len - std::min(b, len - keep_from);
      v->list().erase(v->list().begin() + static_cast<std::ptrdiff_t>(keep_to), v->list().end());
      v->list().erase(v->list().begin(), v->list().begin() + static_cast<std::ptrdiff_t>(keep_from));
      s->TouchedMaybeEmpty(0, "k", v, [&](ChangeLog& log) {
        log.ListPopped(true, keep_from);
        log.ListPopped(false, len - keep_to);
      });
    } else if (op == 6) {
      // LMOVE k k: pop one end, push the other (or the same).
      bool from_left = run.Chance(0.5), to_left = run.Chance(0.5);
      std::string e = from_left ? v->list().front() : v->list().back();
      if (from_left) v->list().pop_front();
      else v->list().pop_back();
      if (to_left) v->list().push_front(e);
      else v->list().push_back(e);
      s->Touched(0, "k", [&](ChangeLog& log) {
        log.ListPopped(from_left, 1);
        log.ListPushed(to_left, 1);
      });
    } else {
      // LINSERT: not describable.
      v->list().insert(v->list().begin() + static_cast<std::ptrdiff_t>(run.Below(len)), "ins");
      s->Touched(0, "k");
    }
  });
}

TEST_F(PersistTest, RandomHashSetZSetChanges) {
  options_.large_min_elements = 40;
  Reopen();
  for (Type type : {Type::kHash, Type::kSet, Type::kZSet}) {
    RandomRun run(this, 11 + static_cast<int>(type));
    int counter = 0;
    run.Run(1500, [&] {
      Store* s = run.store();
      Value* v = s->Find(0, "k");
      if (v != nullptr && v->type() != type) {
        s->Erase(0, "k");
        v = nullptr;
      }
      size_t batch = 1 + run.Below(run.Chance(0.1) ? 40 : 4);
      std::vector<std::string> names;
      for (size_t i = 0; i < batch; i++) names.push_back("e" + std::to_string(run.Below(300)));
      bool add = v == nullptr || run.Chance(0.55);
      if (add && v == nullptr) v = &s->Put(0, "k", Value::Make(type));
      for (const auto& e : names) {
        switch (type) {
          case Type::kHash:
            if (add) v->hash().insert_or_assign(e, "v" + std::to_string(counter++));
            else v->hash().erase(e);
            break;
          case Type::kSet:
            if (add) v->set().insert(e);
            else v->set().erase(e);
            break;
          default:
            if (add) v->zset().Insert(e, static_cast<double>(counter++ % 13));
            else v->zset().Erase(e);
            break;
        }
      }
      if (run.Chance(0.05)) {
        s->SetExpire(0, "k", v, run.Chance(0.5) ? 0 : NowMs() + 3600000);
      }
      s->TouchedMaybeEmpty(0, "k", v, [&](ChangeLog& log) {
        for (const auto& e : names) log.Element(e);
      });
    });
    {
      auto lock = store_->LockAll();
      store_->Erase(0, "k");
    }
    Reopen();
  }
}

TEST_F(PersistTest, RandomStreamChanges) {
  options_.large_min_elements = 40;
  Reopen();
  RandomRun run(this, 5);
  int64_t now = 1000;
  uint64_t next_ms = 1;
  const char* groups[] = {"g1", "g2", "g three"};
  const char* consumers[] = {"alice", "bob", "carol"};
  run.Run(4000, [&] {
    Store* s = run.store();
    now += 10;
    Value* v = s->Find(0, "k");
    if (v == nullptr) v = &s->Put(0, "k", Value::Make(Type::kStream));
    Stream& st = v->stream();
    int op = static_cast<int>(run.Below(12));
    std::string gname = groups[run.Below(3)];
    std::string cname = consumers[run.Below(3)];
    StreamGroup* g = st.FindGroup(gname);
    if (op <= 4) {
      std::string a = std::to_string(next_ms), pad(run.Below(300), 'p');
      std::vector<std::string_view> fv = {"f", a};
      if (run.Chance(0.3)) fv = {"other", pad, "f", a};
      StreamId id;
      ASSERT_EQ(st.Add(Stream::NewId{Stream::NewId::kExplicit, StreamId{next_ms++, 0}}, now, fv, &id),
                Stream::AddResult::kOk);
      Stream::TrimOptions trim;
      if (run.Chance(0.1)) {
        trim.strategy = Stream::TrimOptions::kMaxLen;
        trim.maxlen = 50 + run.Below(200);
        trim.approx = run.Chance(0.5);
        if (trim.approx) trim.limit = 10000;
      }
      int64_t trimmed = st.Trim(trim);
      s->Touched(0, "k", [&](ChangeLog& log) {
        if (trimmed != 0) log.StreamTrimmed();
        log.StreamEntry(id);
      });
    } else if (op == 5) {
      std::vector<StreamId> ids;
      for (int i = 0; i < 1 + static_cast<int>(run.Below(4)); i++) ids.push_back(StreamId{1 + run.Below(next_ms), 0});
      st.Delete(ids);
      s->Touched(0, "k", [&](ChangeLog& log) {
        for (StreamId id : ids) log.StreamRemoved(id, id);
      });
    } else if (op == 6) {
      if (g == nullptr) {
        st.CreateGroup(gname, StreamId{run.Below(next_ms), 0}, kEntriesReadInvalid);
      } else {
        st.DestroyGroup(gname);
      }
      s->Changed(0, "k", [&](ChangeLog& log) { log.GroupReplaced(gname); });
    } else if (g == nullptr) {
      return;
    } else if (op <= 8) {
      StreamConsumer* c = g->TouchConsumer(cname, now);
      std::vector<StreamId> delivered;
      st.ReadNew(*g, *c, 1 + run.Below(20), run.Chance(0.1), now, [&](StreamId id, const StreamFields&) {
        delivered.push_back(id);
        return true;
      });
      s->Changed(0, "k", [&](ChangeLog& log) {
        log.Group(gname);
        log.Consumer(gname, cname);
        for (StreamId id : delivered) log.Pending(gname, id);
      });
    } else if (op == 9) {
      std::vector<StreamId> ids;
      for (const auto& [id, nack] : g->pel) {
        if (run.Chance(0.3)) ids.push_back(id);
        if (ids.size() >= 5) break;
      }
      for (StreamId id : ids) g->Ack(id);
      s->Changed(0, "k", [&](ChangeLog& log) {
        for (StreamId id : ids) log.Pending(gname, id);
      });
    } else if (op == 10) {
      std::vector<StreamId> ids;
      for (const auto& [id, nack] : g->pel) {
        if (run.Chance(0.2)) ids.push_back(id);
        if (ids.size() >= 3) break;
      }
      Stream::ClaimOptions opts;
      opts.force = run.Chance(0.2);
      if (opts.force) ids.push_back(StreamId{1 + run.Below(next_ms), 0});
      st.Claim(*g, cname, ids, opts, now, [](StreamId, const StreamFields&) { return true; });
      s->Changed(0, "k", [&](ChangeLog& log) {
        log.Consumer(gname, cname);
        for (StreamId id : ids) log.Pending(gname, id);
      });
    } else {
      std::vector<StreamId> owned;
      if (StreamConsumer* c = g->FindConsumer(cname)) owned.assign(c->pel.begin(), c->pel.end());
      g->DeleteConsumer(cname);
      s->Changed(0, "k", [&](ChangeLog& log) {
        log.Consumer(gname, cname);
        for (StreamId id : owned) log.Pending(gname, id);
      });
    }
  });
}

}  // namespace
}  // namespace lumadb::engine::kv

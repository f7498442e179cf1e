#include "storage/rocks_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace lumadb::storage {
namespace {

std::string TempDir() {
  std::string d = std::filesystem::temp_directory_path() / ("lumadb-rocks-test-" + std::to_string(std::random_device{}()));
  return d;
}

TEST(RocksStore, WriteReadScanReopen) {
  std::string dir = TempDir();
  {
    auto st = Store::Open(dir, StoreOptions{});
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    auto& store = *st.value();
    WriteBatch b;
    b.Put(Cf::kKv, "a1", "x");
    b.Put(Cf::kKv, "a2", "y");
    b.Put(Cf::kKv, "b1", "z");
    b.Put(Cf::kMeta, "a1", "meta");
    ASSERT_TRUE(store.Write(&b, /*sync=*/true).ok());
    std::string v;
    ASSERT_TRUE(store.Get(Cf::kKv, "a2", &v).ok());
    EXPECT_EQ(v, "y");
    EXPECT_TRUE(store.Get(Cf::kKv, "nope", &v).IsNotFound());
    auto snap = store.NewSnapshot();
    WriteBatch del;
    del.DeleteRange(Cf::kKv, "a", "b");
    ASSERT_TRUE(store.Write(&del, false).ok());
    std::vector<std::string> keys;
    ASSERT_TRUE(store.ScanPrefix(Cf::kKv, "a", [&](std::string_view k, std::string_view) {
      keys.emplace_back(k);
      return true;
    }, snap.get()).ok());
    EXPECT_EQ(keys, (std::vector<std::string>{"a1", "a2"}));  // the snapshot still sees them
    keys.clear();
    ASSERT_TRUE(store.ScanPrefix(Cf::kKv, "", [&](std::string_view k, std::string_view) {
      keys.emplace_back(k);
      return true;
    }).ok());
    EXPECT_EQ(keys, (std::vector<std::string>{"b1"}));
  }
  {
    auto st = Store::Open(dir, StoreOptions{});
    ASSERT_TRUE(st.ok());
    std::string v;
    ASSERT_TRUE(st.value()->Get(Cf::kKv, "b1", &v).ok());
    EXPECT_EQ(v, "z");
    ASSERT_TRUE(st.value()->Get(Cf::kMeta, "a1", &v).ok());
    EXPECT_EQ(v, "meta");
    // A second open of the same directory fails while the first holds it.
    auto again = Store::Open(dir, StoreOptions{});
    EXPECT_FALSE(again.ok());
  }
  std::filesystem::remove_all(dir);
}

TEST(RocksStore, UnwritableDirectoryNamesIt) {
  auto st = Store::Open("/proc/lumadb-nope", StoreOptions{});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("/proc/lumadb-nope"), std::string::npos);
}

}  // namespace
}  // namespace lumadb::storage

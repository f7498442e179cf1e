#include "engine/kv/arena_str_set.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace lumadb::engine::kv {
namespace {

TEST(ArenaStrSet, InsertContainsEraseAcrossBlocks) {
  ArenaStrSet s;
  EXPECT_TRUE(s.empty());
  // Enough short members to fill several 64 KB blocks, plus long ones that
  // get blocks of their own and an empty one.
  std::set<std::string> want;
  for (int i = 0; i < 20000; i++) want.insert("key:" + std::to_string(i));
  want.insert(std::string(100000, 'x'));
  want.insert(std::string(16385, 'y'));
  want.insert("");
  for (const auto& k : want) EXPECT_TRUE(s.insert(k));
  for (const auto& k : want) EXPECT_FALSE(s.insert(k));
  EXPECT_EQ(s.size(), want.size());
  std::set<std::string> got;
  for (std::string_view k : s) got.insert(std::string(k));
  EXPECT_EQ(got, want);

  EXPECT_TRUE(s.erase("key:7"));
  EXPECT_FALSE(s.erase("key:7"));
  EXPECT_FALSE(s.contains("key:7"));
  EXPECT_TRUE(s.insert("key:7"));
  EXPECT_TRUE(s.contains(std::string(100000, 'x')));
}

TEST(ArenaStrSet, SwapAndMoveKeepTheViewsValid) {
  ArenaStrSet a;
  for (int i = 0; i < 5000; i++) a.insert("k" + std::to_string(i));
  ArenaStrSet b;
  b.swap(a);
  EXPECT_TRUE(a.empty());
  ArenaStrSet c(std::move(b));
  EXPECT_EQ(c.size(), 5000u);
  EXPECT_TRUE(c.contains("k4999"));
  // The moved-from and swapped-out sets are usable again.
  EXPECT_TRUE(a.insert("again"));
  EXPECT_TRUE(a.contains("again"));
  c.clear();
  EXPECT_TRUE(c.empty());
  EXPECT_TRUE(c.insert("k1"));
  EXPECT_EQ(c.size(), 1u);
}

}  // namespace
}  // namespace lumadb::engine::kv

#include "engine/kv/hash_map.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace lumadb::engine::kv {
namespace {

std::vector<std::string> Fields(const HashMap& h) {
  std::vector<std::string> out;
  for (const auto& [f, v] : h) out.push_back(f);
  return out;
}

TEST(HashMap, SmallHashKeepsListpackOrder) {
  HashMap h;
  EXPECT_TRUE(h.insert_or_assign("z", "1").second);
  EXPECT_TRUE(h.insert_or_assign("a", "2").second);
  EXPECT_TRUE(h.insert_or_assign("m", "3").second);
  EXPECT_FALSE(h.insert_or_assign("a", "20").second);  // an update keeps its place
  EXPECT_FALSE(h.try_emplace("z", "x").second);
  EXPECT_EQ(Fields(h), (std::vector<std::string>{"z", "a", "m"}));
  EXPECT_EQ(h.erase("z"), 1u);
  EXPECT_EQ(h.erase("z"), 0u);
  EXPECT_EQ(Fields(h), (std::vector<std::string>{"a", "m"}));
  EXPECT_EQ(h.at("a"), "20");
  EXPECT_TRUE(h.is_listpack());
}

TEST(HashMap, ConvertsOnceAndNeverBack) {
  HashMap h;
  h.insert_or_assign("f", std::string(64, 'v'));
  EXPECT_TRUE(h.is_listpack());
  h.insert_or_assign("g", std::string(65, 'v'));
  EXPECT_FALSE(h.is_listpack());
  h.erase("g");
  EXPECT_FALSE(h.is_listpack());
  HashMap big;
  for (int i = 0; i < 129; i++) big.insert_or_assign("f" + std::to_string(i), "v");
  EXPECT_FALSE(big.is_listpack());
}

TEST(HashMap, MatchesAStdMapUnderRandomOperations) {
  std::mt19937 rng(7);
  HashMap h;
  std::map<std::string, std::string> ref;
  for (int step = 0; step < 20000; step++) {
    std::string f = "f" + std::to_string(rng() % 300);
    switch (rng() % 3) {
      case 0:
        EXPECT_EQ(h.insert_or_assign(f, std::to_string(step)).second, !ref.contains(f));
        ref[f] = std::to_string(step);
        break;
      case 1:
        EXPECT_EQ(h.erase(f), ref.erase(f));
        break;
      default: {
        auto it = h.find(f);
        ASSERT_EQ(it != h.end(), ref.contains(f)) << f;
        if (it != h.end()) EXPECT_EQ(it->second, ref[f]);
      }
    }
    ASSERT_EQ(h.size(), ref.size());
  }
  HashMap copy = h;
  EXPECT_EQ(Fields(copy), Fields(h));
  for (const auto& [f, v] : ref) EXPECT_EQ(copy.at(f), v);
}

}  // namespace
}  // namespace lumadb::engine::kv

#include "engine/kv/zset.h"

#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace lumadb::engine::kv {
namespace {

using Model = std::set<std::pair<double, std::string>>;

std::vector<std::pair<std::string, double>> Ranks(const ZSet& z, size_t start, size_t stop, bool reverse) {
  std::vector<std::pair<std::string, double>> out;
  z.ForRanks(start, stop, reverse, [&](const std::string& m, double s) {
    out.emplace_back(m, s);
    return true;
  });
  return out;
}

std::vector<std::pair<std::string, double>> ModelRanks(const Model& m, size_t start, size_t stop, bool reverse) {
  std::vector<std::pair<std::string, double>> out;
  auto it = std::next(m.begin(), static_cast<std::ptrdiff_t>(start));
  for (size_t i = start; i <= stop; i++, ++it) out.emplace_back(it->second, it->first);
  if (reverse) std::reverse(out.begin(), out.end());
  return out;
}

// Random inserts, score updates and erases (growing the tree through many
// splits, then emptying leaves and inner nodes), checked against std::set
// after every step for ranks, counts and rank ranges in both directions.
TEST(ZSet, MatchesAnOrderedSetThroughGrowthAndShrinking) {
  std::mt19937 rng(7);
  ZSet z;
  Model model;
  std::vector<double> score(3000, 0);
  std::vector<bool> present(3000, false);
  auto name = [](size_t i) { return "m" + std::to_string(i); };
  for (int step = 0; step < 60000; step++) {
    size_t i = rng() % score.size();
    // Grow for the first half, shrink (mostly erases) for the second.
    bool erase = rng() % 100 < (step < 30000 ? 20 : 85);
    if (erase) {
      EXPECT_EQ(z.Erase(name(i)), present[i]);
      if (present[i]) model.erase({score[i], name(i)});
      present[i] = false;
    } else {
      double s = static_cast<double>(rng() % 50);  // many ties: ordered by member
      EXPECT_EQ(z.Insert(name(i), s), !present[i]);
      if (present[i]) model.erase({score[i], name(i)});
      model.insert({s, name(i)});
      score[i] = s;
      present[i] = true;
    }
    ASSERT_EQ(z.size(), model.size());
    if (step % 97 == 0 && !model.empty()) {
      size_t a = rng() % model.size(), b = rng() % model.size();
      if (a > b) std::swap(a, b);
      ASSERT_EQ(Ranks(z, a, b, false), ModelRanks(model, a, b, false));
      ASSERT_EQ(Ranks(z, a, b, true), ModelRanks(model, a, b, true));
      double probe = static_cast<double>(rng() % 52);
      size_t below = static_cast<size_t>(std::distance(model.begin(), model.lower_bound({probe, ""})));
      ASSERT_EQ(z.CountBelow(probe, false), below);
      size_t upto = static_cast<size_t>(std::distance(model.begin(), model.upper_bound({probe, "\xff"})));
      ASSERT_EQ(z.CountBelow(probe, true), upto);
      size_t k = rng() % score.size();
      if (present[k]) {
        size_t rank = static_cast<size_t>(std::distance(model.begin(), model.find({score[k], name(k)})));
        ASSERT_EQ(z.Rank(name(k)), rank);
      } else {
        ASSERT_FALSE(z.Rank(name(k)).has_value());
      }
    }
  }
  // Everything out, then the set works again from empty.
  for (size_t i = 0; i < score.size(); i++) z.Erase(name(i));
  EXPECT_EQ(z.size(), 0u);
  EXPECT_TRUE(z.Insert("again", 1));
  EXPECT_EQ(Ranks(z, 0, 0, false), (std::vector<std::pair<std::string, double>>{{"again", 1}}));
}

TEST(ZSet, WalksEveryRankOfALargeSet) {
  ZSet z;
  for (int i = 0; i < 20000; i++) z.Insert("k" + std::to_string(i), i % 1000);
  auto all = Ranks(z, 0, z.size() - 1, false);
  ASSERT_EQ(all.size(), 20000u);
  for (size_t i = 1; i < all.size(); i++) {
    ASSERT_TRUE(all[i - 1].second < all[i].second ||
                (all[i - 1].second == all[i].second && all[i - 1].first < all[i].first));
  }
  auto back = Ranks(z, 0, z.size() - 1, true);
  std::reverse(back.begin(), back.end());
  EXPECT_EQ(all, back);
  // Below (500, "k1500"): every lower score, then k10500 .. k14500.
  EXPECT_EQ(z.CountBelowLex(500, "k1500", false), 20u * 500 + 5);
  EXPECT_EQ(z.CountBelowLex(500, "k1500", true), 20u * 500 + 6);
}

}  // namespace
}  // namespace lumadb::engine::kv

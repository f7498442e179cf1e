#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace lumadb::engine::kv {

// A sorted set: members with scores, ordered by (score, member bytes), with
// O(log n) insert, erase, rank and rank-range access.
class ZSet {
 public:
  ZSet();
  ~ZSet();
  ZSet(const ZSet&) = delete;
  ZSet& operator=(const ZSet&) = delete;

  size_t size() const;
  // Inserts or updates. Returns true when the member is new.
  bool Insert(std::string_view member, double score);
  // Returns true when the member was present.
  bool Erase(std::string_view member);
  std::optional<double> Score(std::string_view member) const;
  // 0-based rank in ascending order, or nullopt when absent.
  std::optional<size_t> Rank(std::string_view member) const;
  // Number of members with score < s (or <= s when inclusive).
  size_t CountBelow(double s, bool inclusive) const;
  // Number of members ordered before (score, member) (or at it, when inclusive).
  // Used for lexicographic ranges, where all scores are equal.
  size_t CountBelowLex(double score, std::string_view member, bool inclusive) const;
  // Calls fn(member, score) for ranks [start, stop] (ascending indexes, both
  // valid), in ascending order or, with reverse, descending. Stops when fn
  // returns false. The set must not change during the walk.
  void ForRanks(size_t start, size_t stop, bool reverse,
                const std::function<bool(const std::string&, double)>& fn) const;
  // Calls fn for every member in hash order (no ordering guarantee); cheap.
  void ForEach(const std::function<void(const std::string&, double)>& fn) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lumadb::engine::kv

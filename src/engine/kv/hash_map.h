#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>

namespace lumadb::engine::kv {

// The fields of a Redis hash. Entries live in a vector in insertion order;
// past a few entries an index of positions makes lookups O(1).
//
// Order follows redis-server: while the hash is "listpack-sized" (at most
// hash-max-listpack-entries fields, no field or value longer than
// hash-max-listpack-value) deletions keep the order of the others, as a
// listpack does; once it outgrows that it never goes back (Redis converts to
// a hashtable) and deletions move the last entry into the hole.
//
// Change values only through insert_or_assign/try_emplace, which keep the
// listpack-size bookkeeping right; iterators give const-like access by
// convention.
class HashMap {
 public:
  using value_type = std::pair<std::string, std::string>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  HashMap() : index_(0, IndexHash{&entries_}, IndexEq{&entries_}) {}
  HashMap(const HashMap& other) : HashMap() { *this = other; }
  HashMap& operator=(const HashMap& other) {
    if (this == &other) return *this;
    entries_ = other.entries_;
    listpack_ = other.listpack_;
    RebuildIndex();
    return *this;
  }
  // The index points at entries_, so a HashMap stays where it was made.
  HashMap(HashMap&&) = delete;
  HashMap& operator=(HashMap&&) = delete;

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }

  iterator find(std::string_view field) {
    size_t i = Position(field);
    return i == kNone ? end() : begin() + i;
  }
  const_iterator find(std::string_view field) const {
    size_t i = Position(field);
    return i == kNone ? end() : begin() + i;
  }
  bool contains(std::string_view field) const { return Position(field) != kNone; }
  // The value of a field that must exist (tests, internal lookups).
  const std::string& at(std::string_view field) const { return entries_.at(Position(field)).second; }

  // Sets field to value; returns the entry and whether the field is new.
  std::pair<iterator, bool> insert_or_assign(std::string field, std::string value) {
    size_t i = Position(field);
    Track(field.size(), value.size());
    if (i != kNone) {
      entries_[i].second = std::move(value);
      return {begin() + i, false};
    }
    return {Append(std::move(field), std::move(value)), true};
  }
  // Adds field only if absent.
  std::pair<iterator, bool> try_emplace(std::string field, std::string value) {
    size_t i = Position(field);
    if (i != kNone) return {begin() + i, false};
    Track(field.size(), value.size());
    return {Append(std::move(field), std::move(value)), true};
  }
  std::pair<iterator, bool> emplace(std::string_view field, std::string_view value) {
    return try_emplace(std::string(field), std::string(value));
  }

  // Removes field; returns 1 if it was there.
  size_t erase(std::string_view field);

  // Whether redis-server would still keep this hash as a listpack (OBJECT ENCODING).
  bool is_listpack() const { return listpack_; }

  // hash-max-listpack-entries / hash-max-listpack-value (and their ziplist
  // aliases), process-wide as in Redis.
  static void SetListpackLimits(size_t max_entries, size_t max_value) {
    max_entries_.store(max_entries, std::memory_order_relaxed);
    max_value_.store(max_value, std::memory_order_relaxed);
  }
  static size_t max_listpack_entries() { return max_entries_.load(std::memory_order_relaxed); }
  static size_t max_listpack_value() { return max_value_.load(std::memory_order_relaxed); }

 private:
  static constexpr size_t kNone = ~size_t{0};
  // Below this many entries a scan is as fast as the index.
  static constexpr size_t kIndexFrom = 16;

  struct IndexHash {
    using is_transparent = void;
    const std::vector<value_type>* entries;
    size_t operator()(uint32_t i) const { return (*this)(std::string_view((*entries)[i].first)); }
    size_t operator()(std::string_view s) const { return absl::HashOf(absl::string_view(s.data(), s.size())); }
  };
  struct IndexEq {
    using is_transparent = void;
    const std::vector<value_type>* entries;
    std::string_view K(uint32_t i) const { return (*entries)[i].first; }
    std::string_view K(std::string_view s) const { return s; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return K(a) == K(b);
    }
  };

  size_t Position(std::string_view field) const {
    if (!index_.empty()) {
      auto it = index_.find(field);
      return it == index_.end() ? kNone : *it;
    }
    for (size_t i = 0; i < entries_.size(); i++) {
      if (entries_[i].first == field) return i;
    }
    return kNone;
  }

  iterator Append(std::string field, std::string value) {
    entries_.emplace_back(std::move(field), std::move(value));
    if (!index_.empty()) {
      index_.insert(static_cast<uint32_t>(entries_.size() - 1));
    } else if (entries_.size() >= kIndexFrom) {
      RebuildIndex();
    }
    if (entries_.size() > max_listpack_entries()) listpack_ = false;
    return entries_.end() - 1;
  }

  void Track(size_t field_len, size_t value_len) {
    size_t limit = max_listpack_value();
    if (field_len > limit || value_len > limit) listpack_ = false;
  }

  void RebuildIndex();

  std::vector<value_type> entries_;
  absl::flat_hash_set<uint32_t, IndexHash, IndexEq> index_;
  bool listpack_ = true;

  static std::atomic<size_t> max_entries_;
  static std::atomic<size_t> max_value_;
};

}  // namespace lumadb::engine::kv

#pragma once

#include <cstring>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "engine/kv/value.h"

namespace lumadb::engine::kv {

// A set of byte strings whose bytes are copied into large blocks the set
// owns, released together by clear() or the destructor. For sets that fill
// up and are then dropped whole (the keys changed between two flushes): a
// std::string per member would put a small allocation between the keyspace's
// entries for every member, and those holes stay in malloc's pages after the
// set is gone. erase() forgets a member but keeps its bytes until clear().
class ArenaStrSet {
 public:
  ArenaStrSet() = default;
  ArenaStrSet(ArenaStrSet&&) noexcept = default;
  ArenaStrSet& operator=(ArenaStrSet&&) noexcept = default;
  ArenaStrSet(const ArenaStrSet&) = delete;
  ArenaStrSet& operator=(const ArenaStrSet&) = delete;

  // Adds s (copying its bytes) unless present; true if added.
  bool insert(std::string_view s) {
    bool added = false;
    // One probe: the bytes are copied only when s is new.
    set_.lazy_emplace(s, [&](const auto& construct) {
      construct(Copy(s));
      added = true;
    });
    return added;
  }
  bool contains(std::string_view s) const { return set_.contains(s); }
  bool erase(std::string_view s) { return set_.erase(s) != 0; }
  size_t size() const { return set_.size(); }
  bool empty() const { return set_.empty(); }
  void clear() {
    set_.clear();
    blocks_.clear();
    own_.clear();
    used_ = kBlockBytes;
  }
  void swap(ArenaStrSet& other) noexcept {
    set_.swap(other.set_);
    blocks_.swap(other.blocks_);
    own_.swap(other.own_);
    std::swap(used_, other.used_);
  }

  // Members as string_views, valid until clear() or destruction.
  auto begin() const { return set_.begin(); }
  auto end() const { return set_.end(); }

 private:
  static constexpr size_t kBlockBytes = 64 << 10;

  std::string_view Copy(std::string_view s) {
    char* p;
    if (s.size() > kBlockBytes / 4) {
      // A long member gets a block of its own.
      own_.emplace_back(new char[s.size()]);
      p = own_.back().get();
    } else {
      if (blocks_.empty() || kBlockBytes - used_ < s.size()) {
        blocks_.emplace_back(new char[kBlockBytes]);
        used_ = 0;
      }
      p = blocks_.back().get() + used_;
      used_ += s.size();
    }
    if (!s.empty()) memcpy(p, s.data(), s.size());
    return std::string_view(p, s.size());
  }

  absl::flat_hash_set<std::string_view, StrHash, StrEq> set_;
  std::vector<std::unique_ptr<char[]>> blocks_;  // shared; the last one is being filled
  std::vector<std::unique_ptr<char[]>> own_;     // one per long member
  size_t used_ = kBlockBytes;  // bytes taken in blocks_.back()
};

}  // namespace lumadb::engine::kv

#include "engine/kv/hash_map.h"

namespace lumadb::engine::kv {

// redis-server 7.0's defaults.
std::atomic<size_t> HashMap::max_entries_{128};
std::atomic<size_t> HashMap::max_value_{64};

void HashMap::RebuildIndex() {
  index_.clear();
  if (entries_.size() < kIndexFrom) return;
  index_.reserve(entries_.size());
  for (size_t i = 0; i < entries_.size(); i++) index_.insert(static_cast<uint32_t>(i));
}

size_t HashMap::erase(std::string_view field) {
  size_t i = Position(field);
  if (i == kNone) return 0;
  size_t last = entries_.size() - 1;
  if (listpack_) {
    // A listpack keeps the others in order (at most max-listpack-entries of them).
    entries_.erase(entries_.begin() + i);
    RebuildIndex();
    return 1;
  }
  if (!index_.empty()) {
    index_.erase(static_cast<uint32_t>(i));
    if (i != last) index_.erase(static_cast<uint32_t>(last));
  }
  if (i != last) entries_[i] = std::move(entries_[last]);
  entries_.pop_back();
  if (!index_.empty() || entries_.size() >= kIndexFrom) {
    if (i != last) index_.insert(static_cast<uint32_t>(i));
  }
  if (entries_.size() < kIndexFrom) index_.clear();
  return 1;
}

}  // namespace lumadb::engine::kv

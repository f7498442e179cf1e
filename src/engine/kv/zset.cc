#include "engine/kv/zset.h"

#include <cmath>
#include <cstring>
#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>

#include "engine/kv/value.h"

namespace lumadb::engine::kv {
namespace {

struct Entry {
  double score;
  std::string member;
};

struct EntryLess {
  bool operator()(const Entry& a, const Entry& b) const {
    if (a.score != b.score) return a.score < b.score;
    return a.member < b.member;
  }
};

using Tree = __gnu_pbds::tree<Entry, __gnu_pbds::null_type, EntryLess, __gnu_pbds::rb_tree_tag,
                              __gnu_pbds::tree_order_statistics_node_update>;

}  // namespace

struct ZSet::Impl {
  StrMap<double> dict;
  Tree tree;
};

ZSet::ZSet() : impl_(std::make_unique<Impl>()) {}
ZSet::~ZSet() = default;

size_t ZSet::size() const { return impl_->dict.size(); }

bool ZSet::Insert(std::string_view member, double score) {
  auto [it, inserted] = impl_->dict.try_emplace(member, score);
  if (!inserted) {
    if (it->second == score) return false;
    impl_->tree.erase(Entry{it->second, std::string(member)});
    it->second = score;
  }
  impl_->tree.insert(Entry{score, std::string(member)});
  return inserted;
}

bool ZSet::Erase(std::string_view member) {
  auto it = impl_->dict.find(member);
  if (it == impl_->dict.end()) return false;
  impl_->tree.erase(Entry{it->second, std::string(member)});
  impl_->dict.erase(it);
  return true;
}

std::optional<double> ZSet::Score(std::string_view member) const {
  auto it = impl_->dict.find(member);
  if (it == impl_->dict.end()) return std::nullopt;
  return it->second;
}

std::optional<size_t> ZSet::Rank(std::string_view member) const {
  auto it = impl_->dict.find(member);
  if (it == impl_->dict.end()) return std::nullopt;
  return impl_->tree.order_of_key(Entry{it->second, std::string(member)});
}

size_t ZSet::CountBelow(double s, bool inclusive) const {
  if (inclusive) {
    if (s == INFINITY) return size();
    s = std::nextafter(s, INFINITY);
  }
  return impl_->tree.order_of_key(Entry{s, std::string()});
}

size_t ZSet::CountBelowLex(double score, std::string_view member, bool inclusive) const {
  Entry probe{score, std::string(member)};
  size_t n = impl_->tree.order_of_key(probe);
  if (inclusive && impl_->dict.contains(member)) n++;
  return n;
}

void ZSet::ForRanks(size_t start, size_t stop, bool reverse,
                    const std::function<bool(const std::string&, double)>& fn) const {
  if (start > stop || stop >= size()) return;
  if (!reverse) {
    auto it = impl_->tree.find_by_order(start);
    for (size_t i = start; i <= stop; i++, ++it) {
      if (!fn(it->member, it->score)) return;
    }
  } else {
    auto it = impl_->tree.find_by_order(stop);
    for (size_t i = stop + 1; i-- > start;) {
      if (!fn(it->member, it->score)) return;
      if (i == start) break;
      --it;
    }
  }
}

void ZSet::ForEach(const std::function<void(const std::string&, double)>& fn) const {
  for (const auto& [m, s] : impl_->dict) fn(m, s);
}

}  // namespace lumadb::engine::kv

#include "engine/kv/zset.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

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

// The members in (score, member) order: a B+tree whose inner nodes count the
// entries below each child, so rank lookups and rank ranges are O(log n) with
// a few cache lines per level (a red-black tree takes a miss per level and a
// node per member). Leaves are linked for ordered walks. Nodes are split
// when full; a node that empties is removed, an underfull one is kept.
class RankTree {
 public:
  struct Leaf;
  // A position: an entry of a leaf.
  struct Pos {
    const Leaf* leaf = nullptr;
    size_t i = 0;
    const Entry& operator*() const { return leaf->items[i]; }
    const Entry* operator->() const { return &leaf->items[i]; }
  };

  struct Node {
    explicit Node(bool l) : is_leaf(l) {}
    virtual ~Node() = default;
    bool is_leaf;
  };
  struct Leaf : Node {
    Leaf() : Node(true) {}
    std::vector<Entry> items;
    Leaf* prev = nullptr;
    Leaf* next = nullptr;
  };
  struct Inner : Node {
    Inner() : Node(false) {}
    ~Inner() override {
      for (Node* k : kids) delete k;
    }
    std::vector<Node*> kids;
    std::vector<size_t> counts;  // entries under each kid
    std::vector<Entry> seps;     // seps[i] <= every entry of kids[i] (i >= 1) < seps[i + 1]
  };

  RankTree() = default;
  ~RankTree() { delete root_; }
  RankTree(const RankTree&) = delete;
  RankTree& operator=(const RankTree&) = delete;

  size_t size() const { return size_; }

  // e must not be present.
  void Insert(Entry e) {
    if (root_ == nullptr) root_ = new Leaf();
    std::unique_ptr<Node> split;
    Entry split_key;
    InsertAt(root_, std::move(e), &split, &split_key);
    if (split != nullptr) {
      Inner* r = new Inner();
      size_t left = Count(root_);
      r->kids = {root_, split.get()};
      r->counts = {left, Count(split.get())};
      r->seps.resize(2);
      r->seps[1] = std::move(split_key);
      split.release();
      root_ = r;
    }
    size_++;
  }

  // e must be present.
  void Erase(const Entry& e) {
    if (EraseAt(root_, e)) {
      delete root_;
      root_ = nullptr;
    }
    size_--;
    // A root with one child hands over to it.
    while (root_ != nullptr && !root_->is_leaf && static_cast<Inner*>(root_)->kids.size() == 1) {
      Inner* r = static_cast<Inner*>(root_);
      root_ = r->kids[0];
      r->kids.clear();
      delete r;
    }
  }

  // Number of entries ordered before probe.
  size_t CountLess(const Entry& probe) const {
    size_t n = 0;
    const Node* node = root_;
    while (node != nullptr && !node->is_leaf) {
      const Inner* in = static_cast<const Inner*>(node);
      size_t i = Route(in, probe);
      for (size_t k = 0; k < i; k++) n += in->counts[k];
      node = in->kids[i];
    }
    if (node == nullptr) return 0;
    const auto& items = static_cast<const Leaf*>(node)->items;
    return n + static_cast<size_t>(std::lower_bound(items.begin(), items.end(), probe, EntryLess()) - items.begin());
  }

  // The entry at rank r (< size()).
  Pos At(size_t r) const {
    const Node* node = root_;
    while (!node->is_leaf) {
      const Inner* in = static_cast<const Inner*>(node);
      size_t i = 0;
      while (r >= in->counts[i]) r -= in->counts[i++];
      node = in->kids[i];
    }
    return Pos{static_cast<const Leaf*>(node), r};
  }
  static void Next(Pos* p) {
    if (++p->i == p->leaf->items.size()) *p = Pos{p->leaf->next, 0};
  }
  static void Prev(Pos* p) {
    if (p->i > 0) {
      p->i--;
    } else {
      const Leaf* l = p->leaf->prev;
      *p = Pos{l, l == nullptr ? 0 : l->items.size() - 1};
    }
  }

 private:
  static constexpr size_t kLeafMax = 32;
  static constexpr size_t kInnerMax = 32;

  static size_t Count(const Node* n) {
    if (n->is_leaf) return static_cast<const Leaf*>(n)->items.size();
    size_t c = 0;
    for (size_t x : static_cast<const Inner*>(n)->counts) c += x;
    return c;
  }
  // The kid whose range holds e: the last i with seps[i] <= e (kid 0 has no
  // lower bound).
  static size_t Route(const Inner* in, const Entry& e) {
    auto it = std::upper_bound(in->seps.begin() + 1, in->seps.end(), e, EntryLess());
    return static_cast<size_t>(it - in->seps.begin()) - 1;
  }

  // Inserts e under node; when node splits, *split gets its new right
  // sibling and *split_key that sibling's first entry.
  void InsertAt(Node* node, Entry e, std::unique_ptr<Node>* split, Entry* split_key) {
    if (node->is_leaf) {
      Leaf* l = static_cast<Leaf*>(node);
      auto at = std::upper_bound(l->items.begin(), l->items.end(), e, EntryLess());
      l->items.insert(at, std::move(e));
      if (l->items.size() <= kLeafMax) return;
      // Both halves get room for a full leaf and one more: a small set's
      // only leaf grows as a vector does, a split one never reallocates.
      auto right = std::make_unique<Leaf>();
      auto half = static_cast<std::ptrdiff_t>(l->items.size() / 2);
      std::vector<Entry> left;
      left.reserve(kLeafMax + 1);
      right->items.reserve(kLeafMax + 1);
      std::move(l->items.begin(), l->items.begin() + half, std::back_inserter(left));
      std::move(l->items.begin() + half, l->items.end(), std::back_inserter(right->items));
      l->items.swap(left);
      right->next = l->next;
      right->prev = l;
      if (l->next != nullptr) l->next->prev = right.get();
      l->next = right.get();
      *split_key = right->items.front();
      *split = std::move(right);
      return;
    }
    Inner* in = static_cast<Inner*>(node);
    size_t i = Route(in, e);
    std::unique_ptr<Node> kid_split;
    Entry kid_key;
    InsertAt(in->kids[i], std::move(e), &kid_split, &kid_key);
    in->counts[i]++;
    if (kid_split == nullptr) return;
    size_t moved = Count(kid_split.get());
    in->counts[i] -= moved;
    in->kids.insert(in->kids.begin() + static_cast<std::ptrdiff_t>(i + 1), kid_split.release());
    in->counts.insert(in->counts.begin() + static_cast<std::ptrdiff_t>(i + 1), moved);
    in->seps.insert(in->seps.begin() + static_cast<std::ptrdiff_t>(i + 1), std::move(kid_key));
    if (in->kids.size() <= kInnerMax) return;
    auto right = std::make_unique<Inner>();
    size_t half = in->kids.size() / 2;
    auto h = static_cast<std::ptrdiff_t>(half);
    right->kids.assign(in->kids.begin() + h, in->kids.end());
    right->counts.assign(in->counts.begin() + h, in->counts.end());
    std::move(in->seps.begin() + h, in->seps.end(), std::back_inserter(right->seps));
    in->kids.resize(half);
    in->counts.resize(half);
    in->seps.resize(half);
    *split_key = right->seps[0];
    *split = std::move(right);
  }

  // Erases e under node; true when node is left empty (the caller removes
  // and deletes it).
  bool EraseAt(Node* node, const Entry& e) {
    if (node->is_leaf) {
      Leaf* l = static_cast<Leaf*>(node);
      auto at = std::lower_bound(l->items.begin(), l->items.end(), e, EntryLess());
      l->items.erase(at);
      if (!l->items.empty()) return false;
      if (l->prev != nullptr) l->prev->next = l->next;
      if (l->next != nullptr) l->next->prev = l->prev;
      return true;
    }
    Inner* in = static_cast<Inner*>(node);
    size_t i = Route(in, e);
    in->counts[i]--;
    if (!EraseAt(in->kids[i], e)) return false;
    delete in->kids[i];
    auto at = static_cast<std::ptrdiff_t>(i);
    in->kids.erase(in->kids.begin() + at);
    in->counts.erase(in->counts.begin() + at);
    in->seps.erase(in->seps.begin() + at);
    return in->kids.empty();
  }

  Node* root_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

struct ZSet::Impl {
  StrMap<double> dict;
  RankTree tree;
};

ZSet::ZSet() : impl_(std::make_unique<Impl>()) {}
ZSet::~ZSet() = default;

size_t ZSet::size() const { return impl_->dict.size(); }

bool ZSet::Insert(std::string_view member, double score) {
  auto [it, inserted] = impl_->dict.try_emplace(member, score);
  if (!inserted) {
    if (it->second == score) return false;
    impl_->tree.Erase(Entry{it->second, std::string(member)});
    it->second = score;
  }
  impl_->tree.Insert(Entry{score, std::string(member)});
  return inserted;
}

bool ZSet::Erase(std::string_view member) {
  auto it = impl_->dict.find(member);
  if (it == impl_->dict.end()) return false;
  impl_->tree.Erase(Entry{it->second, std::string(member)});
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
  return impl_->tree.CountLess(Entry{it->second, std::string(member)});
}

size_t ZSet::CountBelow(double s, bool inclusive) const {
  if (inclusive) {
    if (s == INFINITY) return size();
    s = std::nextafter(s, INFINITY);
  }
  return impl_->tree.CountLess(Entry{s, std::string()});
}

size_t ZSet::CountBelowLex(double score, std::string_view member, bool inclusive) const {
  Entry probe{score, std::string(member)};
  size_t n = impl_->tree.CountLess(probe);
  if (inclusive && impl_->dict.contains(member)) n++;
  return n;
}

void ZSet::ForRanks(size_t start, size_t stop, bool reverse,
                    const std::function<bool(const std::string&, double)>& fn) const {
  if (start > stop || stop >= size()) return;
  if (!reverse) {
    RankTree::Pos it = impl_->tree.At(start);
    for (size_t i = start; i <= stop; i++, RankTree::Next(&it)) {
      if (!fn(it->member, it->score)) return;
    }
  } else {
    RankTree::Pos it = impl_->tree.At(stop);
    for (size_t i = stop + 1; i-- > start;) {
      if (!fn(it->member, it->score)) return;
      if (i == start) break;
      RankTree::Prev(&it);
    }
  }
}

void ZSet::ForEach(const std::function<void(const std::string&, double)>& fn) const {
  for (const auto& [m, s] : impl_->dict) fn(m, s);
}

}  // namespace lumadb::engine::kv

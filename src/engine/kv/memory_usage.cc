#include "engine/kv/memory_usage.h"

#include <algorithm>
#include <string>

namespace lumadb::engine::kv {
namespace {

// A std::string member: inline up to 15 bytes, else a heap block.
size_t StringHeap(const std::string& s) { return s.capacity() > 15 ? MallocSize(s.capacity() + 1) : 0; }

// Abseil flat_hash_*: capacity slots of `slot` bytes plus one control byte each.
size_t FlatHash(size_t size, size_t slot) {
  if (size == 0) return 0;
  size_t cap = 1;
  while (cap * 7 / 8 < size) cap = cap * 2 + 1;
  return MallocSize(cap * (slot + 1) + 16);
}

// A std::map / std::set node: the red-black links and colour, then the value.
size_t TreeNode(size_t value_bytes) { return MallocSize(32 + value_bytes); }

// An Abseil B-tree of n values: 256-byte nodes about three quarters full.
size_t Btree(size_t n, size_t value_bytes) {
  if (n == 0) return 0;
  size_t per_node = std::max<size_t>(3, 240 / value_bytes) * 3 / 4;
  return (n / per_node + 1) * MallocSize(256);
}

// The average of element() over the first `samples` of [begin, end),
// multiplied out to `size` elements.
template <typename It, typename Fn>
size_t Sampled(It begin, It end, size_t size, int64_t samples, Fn&& element) {
  size_t sum = 0, seen = 0;
  for (It it = begin; it != end && static_cast<int64_t>(seen) < samples; ++it, ++seen) sum += element(*it);
  return seen == 0 ? 0 : sum * (size / seen) + sum * (size % seen) / seen;
}

size_t StreamBytes(const Stream& s, int64_t samples) {
  const auto& nodes = s.nodes();
  size_t total = MallocSize(sizeof(Stream));
  total += Sampled(nodes.begin(), nodes.end(), nodes.size(), samples, [](const auto& kv) {
    const Stream::Node& n = kv.second;
    size_t b = TreeNode(sizeof(StreamId) + sizeof(Stream::Node)) + MallocSize(n.ListpackBytes()) +
               MallocSize(n.size() * sizeof(uint32_t)) + MallocSize(n.master_fields().size() * sizeof(std::string));
    for (const std::string& f : n.master_fields()) b += StringHeap(f);
    return b;
  });
  for (const auto& [name, g] : s.groups()) {
    total += TreeNode(sizeof(std::string) + sizeof(StreamGroup)) + MallocSize(name.size() + 1);
    total += Btree(g.pel.size(), sizeof(StreamId) + sizeof(StreamNack));
    for (const auto& [cname, c] : g.consumers) {
      total += TreeNode(sizeof(std::string) + sizeof(StreamConsumer)) + 2 * StringHeap(c.name);
      total += Btree(c.pel.size(), sizeof(StreamId));
    }
  }
  return total;
}

}  // namespace

size_t MallocSize(size_t n) { return n == 0 ? 0 : std::max<size_t>(32, (n + 8 + 15) & ~size_t{15}); }

size_t EstimateKeyBytes(std::string_view key, const Value& v, int64_t samples) {
  // Keyspace slot (pointer + control byte) and the header+key allocation.
  size_t total = 9 + MallocSize(sizeof(Value) + 8 + key.size());
  switch (v.type()) {
    case Type::kString:
      return total + StringHeap(v.str());
    case Type::kList: {
      const auto& l = v.list();
      // libstdc++ deque: 512-byte blocks (16 strings) plus the block map.
      size_t blocks = l.size() / 16 + 1;
      total += MallocSize(80) + blocks * MallocSize(512) + MallocSize((blocks + 2) * sizeof(void*));
      return total + Sampled(l.begin(), l.end(), l.size(), samples, [](const std::string& s) { return StringHeap(s); });
    }
    case Type::kSet: {
      const auto& s = v.set();
      total += MallocSize(48) + FlatHash(s.size(), sizeof(std::string));
      return total + Sampled(s.begin(), s.end(), s.size(), samples, [](const std::string& m) { return StringHeap(m); });
    }
    case Type::kHash: {
      const auto& h = v.hash();
      total += MallocSize(48) + FlatHash(h.size(), 2 * sizeof(std::string));
      return total + Sampled(h.begin(), h.end(), h.size(), samples,
                             [](const auto& kv) { return StringHeap(kv.first) + StringHeap(kv.second); });
    }
    case Type::kZSet: {
      const auto& z = v.zset();
      // Per member: an entry (score, member) in a B+tree leaf about three
      // quarters full, and a hash index slot (member, score); the member's
      // bytes are in both.
      size_t n = z.size(), seen = 0, sum = 0;
      if (n > 0) {
        size_t last = static_cast<size_t>(std::min<int64_t>(samples, static_cast<int64_t>(n))) - 1;
        z.ForRanks(0, last, false, [&](const std::string& m, double) {
          seen++;
          sum += (sizeof(double) + sizeof(std::string)) * 4 / 3 + 2 * StringHeap(m);
          return true;
        });
      }
      total += MallocSize(96) + FlatHash(n, sizeof(std::string) + sizeof(double));
      return total + (seen == 0 ? 0 : sum * (n / seen) + sum * (n % seen) / seen);
    }
    case Type::kStream:
      return total + StreamBytes(v.stream(), samples);
  }
  return total;
}

size_t ExpiryEntryBytes(std::string_view key) {
  return TreeNode(sizeof(int64_t) + sizeof(std::string)) + (key.size() > 15 ? MallocSize(key.size() + 1) : 0);
}

}  // namespace lumadb::engine::kv

#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>

#include "common/status.h"
#include "engine/kv/zset.h"

namespace lumadb::engine::kv {

// Value types. The numbers match Redis's object types (OBJ_STRING=0, ...).
enum class Type : uint8_t { kString = 0, kList = 1, kSet = 2, kZSet = 3, kHash = 4 };

const char* TypeName(Type t);  // "string", "list", "set", "zset", "hash"

// Transparent hashing so std::string-keyed tables can be probed with
// std::string_view (Debian's Abseil has its own string_view type).
struct StrHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return absl::HashOf(absl::string_view(s.data(), s.size())); }
};
struct StrEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};
template <typename V>
using StrMap = absl::flat_hash_map<std::string, V, StrHash, StrEq>;
using StrSet = absl::flat_hash_set<std::string, StrHash, StrEq>;

using List = std::deque<std::string>;
using Set = StrSet;
using Hash = StrMap<std::string>;

// One keyspace entry. Strings are stored inline; collections behind a pointer
// so that an entry stays small.
struct Value {
  std::variant<std::string, std::unique_ptr<List>, std::unique_ptr<Set>, std::unique_ptr<ZSet>,
               std::unique_ptr<Hash>>
      data;
  int64_t expire_ms = 0;    // absolute Unix time in ms; 0 = no expiry
  uint64_t cas = 0;         // memcached CAS unique (0 for Redis values)
  uint32_t flags = 0;       // memcached client flags
  uint32_t access_s = 0;    // last access, seconds since the store started (OBJECT IDLETIME)
  // memcached item state, kept in memory only (protocol/memcache/item.h):
  // memcached's LRU time and its fetched/active/stale/win-token/binary-key bits.
  uint32_t mc_time = 0;
  uint8_t mc_bits = 0;

  Value() = default;
  explicit Value(std::string s) : data(std::move(s)) {}
  static Value Make(Type t);

  Type type() const { return static_cast<Type>(data.index()); }
  bool IsString() const { return data.index() == 0; }
  std::string& str() { return std::get<0>(data); }
  const std::string& str() const { return std::get<0>(data); }
  List& list() { return *std::get<1>(data); }
  const List& list() const { return *std::get<1>(data); }
  Set& set() { return *std::get<2>(data); }
  const Set& set() const { return *std::get<2>(data); }
  ZSet& zset() { return *std::get<3>(data); }
  const ZSet& zset() const { return *std::get<3>(data); }
  Hash& hash() { return *std::get<4>(data); }
  const Hash& hash() const { return *std::get<4>(data); }

  // Number of elements (strings count as 1). An empty collection is deleted.
  size_t Size() const;
  Value Clone() const;
};

// Serializes a value (type, expiry, flags, cas, payload) for storage.
void EncodeValue(const Value& v, std::string* out);
Status DecodeValue(std::string_view in, Value* v);

}  // namespace lumadb::engine::kv

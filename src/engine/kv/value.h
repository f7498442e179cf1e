#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <new>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>

#include "common/status.h"
#include "engine/kv/hash_map.h"
#include "engine/kv/stream.h"
#include "engine/kv/zset.h"

namespace lumadb::engine::kv {

// Value types. The numbers match Redis's object types (OBJ_STRING=0, ...,
// OBJ_STREAM=6; 5 was Redis's module type).
enum class Type : uint8_t { kString = 0, kList = 1, kSet = 2, kZSet = 3, kHash = 4, kStream = 6 };

const char* TypeName(Type t);  // "string", "list", "set", "zset", "hash", "stream"

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
using Hash = HashMap;

// One keyspace entry: a string stored inline, or a collection behind a
// pointer, plus expiry and the access words. A hand-made tagged union (not
// std::variant, whose index costs a padded word) keeps it at 48 bytes, so a
// key of up to 16 bytes and its value fit an 80-byte malloc chunk. Memcached
// items keep their CAS, client flags and item bits in their data (see
// mc_item below), not here.
class Value {
 public:
  int64_t expire_ms = 0;    // absolute Unix time in ms; 0 = no expiry
  // memcached's LRU time for items in kMemcacheDb (protocol/memcache/item.h);
  // Redis's LFU counter and decrement time under an LFU policy for the rest.
  uint32_t mc_time = 0;

  Value() { new (&u_.str) std::string(); }
  explicit Value(std::string s) { new (&u_.str) std::string(std::move(s)); }
  Value(Value&& other) noexcept { MoveFrom(other); }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      Destroy();
      MoveFrom(other);
    }
    return *this;
  }
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;
  ~Value() { Destroy(); }

  static Value Make(Type t);

  // Last access, in seconds since the store started, kept in 24 bits and
  // wrapping every 194 days like Redis's LRU clock (OBJECT IDLETIME).
  static constexpr uint32_t kAccessClockMax = (1u << 24) - 1;
  uint32_t access_s() const { return access_; }
  void set_access_s(uint32_t s) { access_ = s & kAccessClockMax; }
  // Seconds between the last access and now_s (a ClockSeconds() reading).
  uint32_t IdleSeconds(uint32_t now_s) const { return (now_s - access_) & kAccessClockMax; }

  Type type() const { return type_; }
  bool IsString() const { return type_ == Type::kString; }
  std::string& str() { return u_.str; }
  const std::string& str() const { return u_.str; }
  List& list() { return *static_cast<List*>(u_.coll); }
  const List& list() const { return *static_cast<const List*>(u_.coll); }
  Set& set() { return *static_cast<Set*>(u_.coll); }
  const Set& set() const { return *static_cast<const Set*>(u_.coll); }
  ZSet& zset() { return *static_cast<ZSet*>(u_.coll); }
  const ZSet& zset() const { return *static_cast<const ZSet*>(u_.coll); }
  Hash& hash() { return *static_cast<Hash*>(u_.coll); }
  const Hash& hash() const { return *static_cast<const Hash*>(u_.coll); }
  Stream& stream() { return *static_cast<Stream*>(u_.coll); }
  const Stream& stream() const { return *static_cast<const Stream*>(u_.coll); }

  // Number of elements (strings count as 1, a stream its entries). An empty
  // collection is deleted, except a stream, which Redis keeps when empty.
  size_t Size() const;
  Value Clone() const;

 private:
  void Destroy();
  void MoveFrom(Value& other);

  uint32_t access_ : 24 = 0;
  Type type_ : 8 = Type::kString;
  union Payload {
    Payload() {}
    ~Payload() {}
    std::string str;
    void* coll;
  } u_;
};

static_assert(sizeof(Value) == 48, "a keyspace value header should stay 48 bytes");

// A memcached item is a string Value in kMemcacheDb whose bytes begin with a
// 13-byte header: the CAS unique (8 bytes), the client flags (4) and
// memcached's item bits (1, protocol/memcache/item.h), little-endian; the
// item's data follows. Keeping them in the data keeps every other value's
// header small.
namespace mc_item {
inline constexpr size_t kHeaderSize = 13;
// A string value holding an item with these fields.
Value Make(std::string_view data, uint64_t cas, uint32_t flags, uint8_t bits);
// The fields of an item; a value too short to hold the header reads as 0s.
uint64_t Cas(const Value& v);
uint32_t Flags(const Value& v);
uint8_t Bits(const Value& v);
std::string_view Data(const Value& v);
void SetCas(Value* v, uint64_t cas);
void SetBits(Value* v, uint8_t bits);
// The item's bytes as a string whose first kHeaderSize bytes are the header.
inline std::string& Raw(Value* v) { return v->str(); }
}  // namespace mc_item

// Serializes a value (type, expiry, payload) for storage.
void EncodeValue(const Value& v, std::string* out);
Status DecodeValue(std::string_view in, Value* v);

}  // namespace lumadb::engine::kv

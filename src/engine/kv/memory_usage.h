#pragma once

// Estimates of what a key costs in memory in LumaDB's own layout. They back
// MEMORY USAGE and the dataset figure that maxmemory is enforced against
// (Store::DatasetBytes).
//
// What is counted for one key: its keyspace slot (a pointer and a control
// byte of the shard's flat hash set), the single allocation holding the
// 48-byte Value header and the key bytes, and the value's payload: the heap
// block of a long string; for a list the std::deque blocks and map plus the
// elements' heap blocks; for a set or hash the table slots and the members'
// (fields' and values') heap blocks; for a sorted set a B+tree leaf entry per
// member plus its hash index; for a stream its nodes (entry buffer, offsets, master
// fields) and its consumer groups' pending entries and consumers. Allocation
// sizes are rounded as glibc malloc rounds them. Elements of a collection
// are sampled (the first `samples` of them) and the average is multiplied
// out, as Redis's MEMORY USAGE does, so the cost of an estimate is bounded.
// EstimateKeyBytes leaves out the key's entry in the expiry index, which
// ExpiryEntryBytes gives (the accounting adds it for keys with a TTL).
// Never counted: dirty-key sets waiting for the next flush, allocator
// fragmentation, and everything outside the keyspace (connections, scripts,
// RocksDB's own caches).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/kv/value.h"

namespace lumadb::engine::kv {

// Elements sampled per collection by the maxmemory accounting.
inline constexpr int64_t kAccountingSamples = 5;

// glibc malloc's block size for a request of n bytes (0 for 0).
size_t MallocSize(size_t n);

// Bytes key and its value cost, sampling at most `samples` elements of a
// collection (INT64_MAX: all).
size_t EstimateKeyBytes(std::string_view key, const Value& v, int64_t samples);

// Bytes the expiry index spends on a key with a TTL (a tree node holding the
// expiry time and a copy of the key).
size_t ExpiryEntryBytes(std::string_view key);

}  // namespace lumadb::engine::kv

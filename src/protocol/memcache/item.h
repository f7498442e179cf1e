#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/kv/value.h"

// How memcached items map onto KV engine values, and the parts of memcached's
// item model that clients can observe: sizes and slab classes (stats, me),
// expiry times, and the item bits behind mg's h/l/W/X/Z flags.
//
// An item is a string Value in engine::kv::kMemcacheDb (engine::kv::mc_item):
// its bytes carry the CAS unique, the client flags and the item bits below in
// a header before the data; expire_ms is the expiry and mc_time memcached's
// LRU time (not persisted).
namespace lumadb::protocol::memcache {

namespace mc_item = engine::kv::mc_item;

// Item bits (mc_item::Bits).
inline constexpr uint8_t kItemFetched = 1;     // fetched at least once (mg h, me fetch=)
inline constexpr uint8_t kItemActive = 2;      // fetched again after that; its time was bumped
inline constexpr uint8_t kItemStale = 4;       // invalidated by md I or ms I (mg X)
inline constexpr uint8_t kItemTokenSent = 8;   // a client won the recache token (mg W, then Z)
inline constexpr uint8_t kItemKeyBinary = 16;  // stored by ms with b: replies show the key in base64

// Whether replies must show the key in base64: it was stored with ms b, or
// it holds a byte no text request can carry in a key (a space, "\n" or NUL),
// which covers items stored before their bits were persisted with them.
bool KeyIsBinary(std::string_view key, uint8_t bits);

// Bytes memcached accounts for an item (ITEM_ntotal with CAS enabled): a
// 48-byte header, the key and a NUL, the data and "\r\n", the CAS, and the
// client flags when they are not 0. An item must fit in the item size limit.
uint64_t ItemSize(size_t key_len, uint32_t flags, uint64_t data_len);

// memcached's default slab classes (-n 48, -f 1.25, 1 MB pages): class 1 has
// 96-byte chunks, class 39 the largest (512 KB, also used by larger items).
inline constexpr int kSlabClasses = 39;
inline constexpr uint64_t kSlabChunkMax = 512 * 1024;  // larger items are chunked
inline constexpr uint64_t kSlabPageSize = 1024 * 1024;
uint32_t SlabChunkSize(int cls);  // cls in 1..kSlabClasses
int SlabClass(uint64_t item_size);

// Value::expire_ms of an item that is already expired when stored.
inline constexpr int64_t kExpiredMs = 1;
inline constexpr int32_t kMaxRelativeExptime = 60 * 60 * 24 * 30;  // REALTIME_MAXDELTA

// A memcached exptime as Value::expire_ms: 0 never expires; a negative value,
// or a Unix time (> 30 days) not in the future, is kExpiredMs; up to 30 days
// counts seconds from now.
int64_t ExpireMs(int32_t exptime, int64_t now_ms);
inline bool IsExpired(int64_t expire_ms, int64_t now_ms) { return expire_ms != 0 && expire_ms <= now_ms; }

// Seconds until expire_ms, rounded up (memcached counts whole seconds); -1
// when the item never expires.
int64_t TtlSeconds(int64_t expire_ms, int64_t now_ms);

// A fetch (get, gat, touch, mg without u): the first marks the item fetched,
// the second marks it active and moves its LRU time to now (do_item_bump in
// memcached's segmented LRU).
void BumpItem(engine::kv::Value* item, uint32_t now_s);

// A write that keeps the item (add on an existing key, in-place incr):
// memcached refreshes the LRU time at most once a minute.
void UpdateItemTime(engine::kv::Value* item, uint32_t now_s);

}  // namespace lumadb::protocol::memcache

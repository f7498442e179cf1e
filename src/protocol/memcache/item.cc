#include "protocol/memcache/item.h"

#include <array>

namespace lumadb::protocol::memcache {

namespace {

constexpr uint64_t kItemHeader = 48;  // sizeof(item) on 64-bit builds
constexpr uint64_t kCasSize = 8;
constexpr int kItemUpdateInterval = 60;  // ITEM_UPDATE_INTERVAL

// slabs_init with the defaults: 96-byte chunks growing by 1.25, 8-byte
// aligned, until the next size would pass kSlabChunkMax / 1.25.
std::array<uint32_t, kSlabClasses + 1> MakeSlabSizes() {
  std::array<uint32_t, kSlabClasses + 1> sizes{};
  uint32_t size = 96;
  int i = 1;
  for (; i < kSlabClasses; i++) {
    if (size % 8 != 0) size += 8 - size % 8;
    sizes[i] = size;
    size = static_cast<uint32_t>(size * 1.25);
  }
  sizes[i] = static_cast<uint32_t>(kSlabChunkMax);
  return sizes;
}

const std::array<uint32_t, kSlabClasses + 1>& SlabSizes() {
  static const std::array<uint32_t, kSlabClasses + 1> sizes = MakeSlabSizes();
  return sizes;
}

}  // namespace

bool KeyIsBinary(std::string_view key, uint8_t bits) {
  return (bits & kItemKeyBinary) || key.find_first_of(std::string_view(" \n\0", 3)) != std::string_view::npos;
}

uint64_t ItemSize(size_t key_len, uint32_t flags, uint64_t data_len) {
  return kItemHeader + key_len + 1 + data_len + 2 + kCasSize + (flags != 0 ? sizeof(uint32_t) : 0);
}

uint32_t SlabChunkSize(int cls) { return SlabSizes()[cls]; }

int SlabClass(uint64_t item_size) {
  const auto& sizes = SlabSizes();
  for (int i = 1; i <= kSlabClasses; i++) {
    if (item_size <= sizes[i]) return i;
  }
  return kSlabClasses;
}

int64_t ExpireMs(int32_t exptime, int64_t now_ms) {
  if (exptime == 0) return 0;
  // memcached turns negative times into an absolute time long past.
  if (exptime < 0) return kExpiredMs;
  if (exptime > kMaxRelativeExptime) {
    int64_t at = static_cast<int64_t>(exptime) * 1000;
    return at <= now_ms ? kExpiredMs : at;
  }
  return now_ms + static_cast<int64_t>(exptime) * 1000;
}

int64_t TtlSeconds(int64_t expire_ms, int64_t now_ms) {
  if (expire_ms == 0) return -1;
  int64_t left = expire_ms - now_ms;
  if (left <= 0) return 0;
  return (left + 999) / 1000;
}

void BumpItem(engine::kv::Value* item, uint32_t now_s) {
  uint8_t bits = mc_item::Bits(*item);
  if (bits & kItemActive) return;
  if (!(bits & kItemFetched)) {
    mc_item::SetBits(item, bits | kItemFetched);
  } else {
    mc_item::SetBits(item, bits | kItemActive);
    item->mc_time = now_s;
  }
}

void UpdateItemTime(engine::kv::Value* item, uint32_t now_s) {
  if (item->mc_time + kItemUpdateInterval <= now_s) item->mc_time = now_s;
}

}  // namespace lumadb::protocol::memcache

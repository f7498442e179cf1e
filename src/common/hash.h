#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace lumadb {

// MurmurHash64A: a fast, deterministic 64-bit hash. Deterministic across runs
// so that sharding and scan cursors do not depend on process layout.
inline uint64_t Hash64(std::string_view s, uint64_t seed = 0x5bd1e9955bd1e995ull) {
  const uint64_t m = 0xc6a4a7935bd1e995ull;
  const int r = 47;
  uint64_t h = seed ^ (s.size() * m);
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t k;
    memcpy(&k, p, 8);
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
    p += 8;
    n -= 8;
  }
  switch (n) {
    case 7: h ^= uint64_t(static_cast<uint8_t>(p[6])) << 48; [[fallthrough]];
    case 6: h ^= uint64_t(static_cast<uint8_t>(p[5])) << 40; [[fallthrough]];
    case 5: h ^= uint64_t(static_cast<uint8_t>(p[4])) << 32; [[fallthrough]];
    case 4: h ^= uint64_t(static_cast<uint8_t>(p[3])) << 24; [[fallthrough]];
    case 3: h ^= uint64_t(static_cast<uint8_t>(p[2])) << 16; [[fallthrough]];
    case 2: h ^= uint64_t(static_cast<uint8_t>(p[1])) << 8; [[fallthrough]];
    case 1:
      h ^= uint64_t(static_cast<uint8_t>(p[0]));
      h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

}  // namespace lumadb

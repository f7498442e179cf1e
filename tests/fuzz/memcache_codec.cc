// libFuzzer target: the memcached request parser and its number/base64
// helpers must never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/memcache/codec.h"

namespace mc = lumadb::protocol::memcache;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view buf(reinterpret_cast<const char*>(data), size);
  mc::Limits limits;
  limits.max_get_line = 1 << 16;
  mc::Command cmd;
  // Parse commands back to back, skipping data blocks, as a session does.
  while (!buf.empty()) {
    cmd.Clear();
    mc::ParseResult r = mc::ParseCommand(buf, limits, &cmd);
    if (r.status == mc::ParseStatus::kIncomplete || r.status == mc::ParseStatus::kClose) break;
    if (r.consumed == 0 || r.consumed > buf.size()) __builtin_trap();
    uint64_t skip = r.consumed;
    if (r.status == mc::ParseStatus::kOk && cmd.data_len >= 0) skip += static_cast<uint64_t>(cmd.data_len) + 2;
    if (r.status == mc::ParseStatus::kError) skip += r.swallow;
    if (skip >= buf.size()) break;
    buf.remove_prefix(skip);
  }
  std::string_view all(reinterpret_cast<const char*>(data), size);
  uint32_t u32;
  int32_t i32;
  uint64_t u64;
  (void)mc::ParseU32(all, &u32);
  (void)mc::ParseI32(all, &i32);
  (void)mc::ParseU64(all, &u64);
  (void)mc::ParseCounter(all, &u64);
  std::string decoded, encoded;
  if (mc::Base64Decode(all, &decoded)) mc::Base64Encode(decoded, &encoded);
  return 0;
}

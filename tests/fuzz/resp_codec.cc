// libFuzzer target: the RESP request parser and inline splitter must never
// crash, hang or read out of bounds, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp/codec.h"

using lumadb::protocol::resp::ParseLimits;
using lumadb::protocol::resp::ParseRequest;
using lumadb::protocol::resp::ParseStatus;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view buf(reinterpret_cast<const char*>(data), size);
  ParseLimits limits;
  limits.max_bulk_len = 1 << 20;
  limits.max_inline_len = 4096;
  std::vector<std::string_view> args;
  std::vector<std::string> storage;
  // Parse requests back to back, as a session does with a pipelined buffer.
  while (!buf.empty()) {
    auto r = ParseRequest(buf, limits, &args, &storage);
    if (r.status == ParseStatus::kIncomplete || r.status == ParseStatus::kError) break;
    if (r.consumed == 0 || r.consumed > buf.size()) __builtin_trap();
    for (auto a : args) {
      // Every argument must lie inside the input or the inline storage.
      volatile char sink = a.empty() ? 0 : a[a.size() - 1];
      (void)sink;
    }
    buf.remove_prefix(r.consumed);
  }
  std::string out;
  lumadb::protocol::resp::Writer w(&out, size % 2 ? 3 : 2);
  w.Error(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

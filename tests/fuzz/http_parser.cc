// libFuzzer target: the admin HTTP request parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "net/http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view buf(reinterpret_cast<const char*>(data), size);
  lumadb::net::http::Limits limits;
  limits.max_header_bytes = 4096;
  limits.max_body_bytes = 4096;
  while (!buf.empty()) {
    lumadb::net::http::Request req;
    auto r = lumadb::net::http::ParseRequest(buf, limits, &req);
    if (r.status != lumadb::net::http::ParseStatus::kOk) break;
    if (r.consumed == 0 || r.consumed > buf.size()) __builtin_trap();
    (void)req.Path();
    (void)req.KeepAlive();
    buf.remove_prefix(r.consumed);
  }
  return 0;
}

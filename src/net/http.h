#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Minimal HTTP/1.1 request framing and response writing for small admin-style
// endpoints. Pure functions over bytes.
namespace lumadb::net::http {

struct Request {
  std::string method;
  std::string target;  // path and query as sent
  std::string version; // "HTTP/1.1"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string_view Header(std::string_view name) const;
  std::string Path() const;  // target without the query
  bool KeepAlive() const;
};

enum class ParseStatus { kOk, kIncomplete, kError };

struct ParseResult {
  ParseStatus status = ParseStatus::kIncomplete;
  size_t consumed = 0;
  int error_code = 400;  // for kError: 400, 413 or 431
};

struct Limits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 1 << 20;
};

ParseResult ParseRequest(std::string_view buf, const Limits& limits, Request* req);

// Appends a complete response with Content-Length.
void WriteResponse(std::string* out, int status, std::string_view content_type, std::string_view body,
                   bool keep_alive, bool head_only = false);

const char* StatusText(int status);

}  // namespace lumadb::net::http

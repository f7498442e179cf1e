#include "net/http.h"

#include "common/strutil.h"

namespace lumadb::net::http {

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return {};
}

std::string Request::Path() const {
  size_t q = target.find('?');
  return q == std::string::npos ? target : target.substr(0, q);
}

bool Request::KeepAlive() const {
  std::string conn = ToLower(Header("connection"));
  if (version == "HTTP/1.0") return conn == "keep-alive";
  return conn != "close";
}

ParseResult ParseRequest(std::string_view buf, const Limits& limits, Request* req) {
  ParseResult r;
  size_t end = buf.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (buf.size() > limits.max_header_bytes) {
      r.status = ParseStatus::kError;
      r.error_code = 431;
    }
    return r;
  }
  if (end > limits.max_header_bytes) {
    r.status = ParseStatus::kError;
    r.error_code = 431;
    return r;
  }
  std::string_view head = buf.substr(0, end);
  size_t line_end = head.find("\r\n");
  std::string_view request_line = head.substr(0, line_end);
  auto parts = SplitWhitespace(request_line);
  if (parts.size() != 3 || parts[2].substr(0, 5) != "HTTP/") {
    r.status = ParseStatus::kError;
    return r;
  }
  *req = Request();
  req->method = std::string(parts[0]);
  req->target = std::string(parts[1]);
  req->version = std::string(parts[2]);
  size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t e = head.find("\r\n", pos);
    if (e == std::string_view::npos) e = head.size();
    std::string_view line = head.substr(pos, e - pos);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      r.status = ParseStatus::kError;
      return r;
    }
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    req->headers.emplace_back(ToLower(line.substr(0, colon)), std::string(value));
    pos = e + 2;
  }
  size_t body_len = 0;
  std::string_view cl = req->Header("content-length");
  if (!cl.empty()) {
    uint64_t n;
    if (!ParseUint64(cl, &n)) {
      r.status = ParseStatus::kError;
      return r;
    }
    if (n > limits.max_body_bytes) {
      r.status = ParseStatus::kError;
      r.error_code = 413;
      return r;
    }
    body_len = n;
  } else if (!req->Header("transfer-encoding").empty()) {
    // Chunked bodies are not needed by the admin endpoints.
    r.status = ParseStatus::kError;
    r.error_code = 411;
    return r;
  }
  size_t total = end + 4 + body_len;
  if (buf.size() < total) return r;
  req->body = std::string(buf.substr(end + 4, body_len));
  r.status = ParseStatus::kOk;
  r.consumed = total;
  return r;
}

const char* StatusText(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
  }
  return "Unknown";
}

void WriteResponse(std::string* out, int status, std::string_view content_type, std::string_view body,
                   bool keep_alive, bool head_only) {
  *out += "HTTP/1.1 " + std::to_string(status) + " " + StatusText(status) + "\r\n";
  *out += "Server: LumaDB\r\n";
  *out += "Content-Type: " + std::string(content_type) + "\r\n";
  *out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (!keep_alive) *out += "Connection: close\r\n";
  *out += "\r\n";
  if (!head_only) out->append(body);
}

}  // namespace lumadb::net::http

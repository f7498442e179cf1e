#include "protocol/resp/codec.h"

#include <algorithm>

#include <cstring>

#include "common/strutil.h"

namespace lumadb::protocol::resp {
namespace {

// Finds "\r\n" starting at pos; returns npos if absent.
size_t FindCrlf(std::string_view buf, size_t pos) {
  while (pos < buf.size()) {
    const void* p = memchr(buf.data() + pos, '\r', buf.size() - pos);
    if (p == nullptr) return std::string_view::npos;
    size_t i = static_cast<const char*>(p) - buf.data();
    if (i + 1 >= buf.size()) return std::string_view::npos;
    if (buf[i + 1] == '\n') return i;
    pos = i + 1;
  }
  return std::string_view::npos;
}

ParseResult Error(std::string msg) {
  ParseResult r;
  r.status = ParseStatus::kError;
  r.error = std::move(msg);
  return r;
}

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

ParseResult ParseInline(std::string_view buf, const ParseLimits& limits, std::vector<std::string_view>* args,
                        std::vector<std::string>* storage) {
  const void* nl = memchr(buf.data(), '\n', buf.size());
  if (nl == nullptr) {
    if (buf.size() > limits.max_inline_len) return Error("Protocol error: too big inline request");
    return ParseResult{};
  }
  size_t end = static_cast<const char*>(nl) - buf.data();
  std::string_view line = buf.substr(0, end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  storage->clear();
  if (!SplitInlineArgs(line, storage)) return Error("Protocol error: unbalanced quotes in request");
  ParseResult r;
  r.consumed = end + 1;
  if (storage->empty()) {
    r.status = ParseStatus::kEmpty;
    return r;
  }
  for (const auto& s : *storage) args->push_back(s);
  r.status = ParseStatus::kOk;
  return r;
}

}  // namespace

bool SplitInlineArgs(std::string_view line, std::vector<std::string>* out) {
  size_t i = 0, n = line.size();
  while (true) {
    while (i < n && isspace(static_cast<unsigned char>(line[i]))) i++;
    if (i >= n) return true;
    std::string cur;
    bool inq = false, insq = false, done = false;
    while (!done) {
      if (inq) {
        if (i >= n) return false;
        if (line[i] == '\\' && i + 3 < n && line[i + 1] == 'x' && IsHex(line[i + 2]) && IsHex(line[i + 3])) {
          cur.push_back(static_cast<char>(HexVal(line[i + 2]) * 16 + HexVal(line[i + 3])));
          i += 3;
        } else if (line[i] == '\\' && i + 1 < n) {
          i++;
          char c;
          switch (line[i]) {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'b': c = '\b'; break;
            case 'a': c = '\a'; break;
            default: c = line[i]; break;
          }
          cur.push_back(c);
        } else if (line[i] == '"') {
          // A closing quote must be followed by a space or the end.
          if (i + 1 < n && !isspace(static_cast<unsigned char>(line[i + 1]))) return false;
          done = true;
        } else {
          cur.push_back(line[i]);
        }
      } else if (insq) {
        if (i >= n) return false;
        if (line[i] == '\\' && i + 1 < n && line[i + 1] == '\'') {
          i++;
          cur.push_back('\'');
        } else if (line[i] == '\'') {
          if (i + 1 < n && !isspace(static_cast<unsigned char>(line[i + 1]))) return false;
          done = true;
        } else {
          cur.push_back(line[i]);
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        switch (line[i]) {
          case ' ': case '\n': case '\r': case '\t': case '\0': done = true; break;
          case '"': inq = true; break;
          case '\'': insq = true; break;
          default: cur.push_back(line[i]); break;
        }
      }
      if (i < n) i++;
    }
    out->push_back(std::move(cur));
  }
}

ParseResult ParseRequest(std::string_view buf, const ParseLimits& limits, std::vector<std::string_view>* args,
                         std::vector<std::string>* inline_storage) {
  args->clear();
  if (buf.empty()) return ParseResult{};
  if (buf[0] != '*') return ParseInline(buf, limits, args, inline_storage);

  size_t eol = FindCrlf(buf, 1);
  if (eol == std::string_view::npos) {
    if (buf.size() > limits.max_inline_len) return Error("Protocol error: too big mbulk count string");
    return ParseResult{};
  }
  int64_t count;
  if (!ParseInt64(buf.substr(1, eol - 1), &count) ||
      (count > 0 && static_cast<uint64_t>(count) > limits.max_multibulk_len)) {
    return Error("Protocol error: invalid multibulk length");
  }
  size_t pos = eol + 2;
  if (count <= 0) {
    ParseResult r;
    r.status = ParseStatus::kEmpty;
    r.consumed = pos;
    return r;
  }
  args->reserve(count < 1024 ? count : 1024);
  for (int64_t i = 0; i < count; i++) {
    if (pos >= buf.size()) return ParseResult{};
    if (buf[pos] != '$') {
      std::string msg = "Protocol error: expected '$', got '";
      msg.push_back(buf[pos]);
      msg += "'";
      return Error(msg);
    }
    size_t e = FindCrlf(buf, pos + 1);
    if (e == std::string_view::npos) {
      if (buf.size() - pos > limits.max_inline_len) return Error("Protocol error: too big bulk count string");
      return ParseResult{};
    }
    int64_t len;
    if (!ParseInt64(buf.substr(pos + 1, e - pos - 1), &len) || len < 0 ||
        static_cast<uint64_t>(len) > limits.max_bulk_len) {
      return Error("Protocol error: invalid bulk length");
    }
    size_t start = e + 2;
    if (buf.size() < start + static_cast<size_t>(len) + 2) return ParseResult{};
    args->push_back(buf.substr(start, len));
    pos = start + len + 2;
  }
  ParseResult r;
  r.status = ParseStatus::kOk;
  r.consumed = pos;
  return r;
}

void Writer::Header(char c, int64_t n) {
  out_->push_back(c);
  AppendInt(out_, n);
  out_->append("\r\n", 2);
}

void Writer::Simple(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n", 2);
}

void Writer::Error(std::string_view s) {
  out_->push_back('-');
  // Newlines would break framing; Redis replaces them with spaces.
  size_t start = out_->size();
  out_->append(s);
  for (size_t i = start; i < out_->size(); i++) {
    if ((*out_)[i] == '\r' || (*out_)[i] == '\n') (*out_)[i] = ' ';
  }
  out_->append("\r\n", 2);
}

void Writer::Integer(int64_t v) { Header(':', v); }

void Writer::Bulk(std::string_view s) {
  Header('$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append("\r\n", 2);
}

void Writer::Null() {
  if (proto_ >= 3) out_->append("_\r\n", 3);
  else out_->append("$-1\r\n", 5);
}

void Writer::NullArray() {
  if (proto_ >= 3) out_->append("_\r\n", 3);
  else out_->append("*-1\r\n", 5);
}

void Writer::Array(size_t n) { Header('*', static_cast<int64_t>(n)); }
void Writer::Map(size_t n) {
  if (proto_ >= 3) Header('%', static_cast<int64_t>(n));
  else Header('*', static_cast<int64_t>(n * 2));
}
void Writer::Set(size_t n) { Header(proto_ >= 3 ? '~' : '*', static_cast<int64_t>(n)); }
void Writer::Push(size_t n) { Header(proto_ >= 3 ? '>' : '*', static_cast<int64_t>(n)); }

void Writer::Double(double d) {
  if (proto_ >= 3) {
    out_->push_back(',');
    out_->append(FormatDouble(d));
    out_->append("\r\n", 2);
  } else {
    Bulk(FormatDouble(d));
  }
}

void Writer::Bool(bool b) {
  if (proto_ >= 3) out_->append(b ? "#t\r\n" : "#f\r\n", 4);
  else Integer(b ? 1 : 0);
}

void Writer::Verbatim(std::string_view s, std::string_view format) {
  if (proto_ >= 3) {
    Header('=', static_cast<int64_t>(s.size() + 4));
    out_->append(format.substr(0, 3));
    out_->append(3 - std::min<size_t>(3, format.size()), ' ');
    out_->push_back(':');
    out_->append(s);
    out_->append("\r\n", 2);
  } else {
    Bulk(s);
  }
}

void Writer::BigNumber(std::string_view s) {
  if (proto_ >= 3) {
    out_->push_back('(');
    out_->append(s);
    out_->append("\r\n", 2);
  } else {
    Bulk(s);
  }
}

void Writer::BulkArray(const std::vector<std::string>& items) {
  Array(items.size());
  for (const auto& s : items) Bulk(s);
}

}  // namespace lumadb::protocol::resp

#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// RESP framing: parses client requests (multibulk arrays of bulk strings, or
// inline commands) and encodes replies in RESP2 or RESP3. Pure functions over
// bytes; no sockets, no server state.
namespace lumadb::protocol::resp {

struct ParseLimits {
  uint64_t max_bulk_len = 512ull << 20;    // proto-max-bulk-len
  uint64_t max_multibulk_len = 1ull << 31; // Redis rejects counts above INT_MAX
  size_t max_inline_len = 64 * 1024;       // PROTO_INLINE_MAX_SIZE
};

enum class ParseStatus {
  kOk,          // one command parsed; `consumed` bytes used
  kEmpty,       // an empty line or zero-length array; skip `consumed` bytes
  kIncomplete,  // need more bytes
  kError,       // protocol error; `error` holds Redis's message; close after replying
};

struct ParseResult {
  ParseStatus status = ParseStatus::kIncomplete;
  size_t consumed = 0;
  std::string error;  // without the "ERR " prefix, e.g. "Protocol error: invalid bulk length"
};

// Parses one request from the front of `buf` into `args`. Multibulk args are
// views into `buf`; inline args (which may be unescaped) are stored in
// `inline_storage` and viewed from there.
ParseResult ParseRequest(std::string_view buf, const ParseLimits& limits, std::vector<std::string_view>* args,
                         std::vector<std::string>* inline_storage);

// Splits an inline command line like sdssplitargs: spaces separate, "..." with
// \n \r \t \b \a \\ \" \xHH escapes, '...' with \' only. False on unbalanced quotes.
bool SplitInlineArgs(std::string_view line, std::vector<std::string>* out);

// Appends RESP replies to a string. In RESP2 the RESP3-only types degrade as
// Redis does (maps become flat arrays, doubles bulk strings, null `$-1`).
class Writer {
 public:
  explicit Writer(std::string* out, int proto = 2) : out_(out), proto_(proto) {}
  void set_proto(int p) { proto_ = p; }
  int proto() const { return proto_; }
  std::string* buffer() { return out_; }

  void Simple(std::string_view s);        // +OK
  void Error(std::string_view s);         // -ERR ... (s must include the code word)
  void Integer(int64_t v);                // :1
  void Bulk(std::string_view s);          // $3\r\nfoo
  void Null();                            // $-1 / _
  void NullArray();                       // *-1 / _
  void Array(size_t n);                   // *n
  void Map(size_t n);                     // *2n / %n
  void Set(size_t n);                     // *n / ~n
  void Push(size_t n);                    // *n / >n
  void Double(double d);                  // $len / ,d
  void Bool(bool b);                      // :1 / #t
  void Verbatim(std::string_view s, std::string_view format = "txt");  // $len / =len fmt:
  void BigNumber(std::string_view s);     // $len / (digits
  void BulkArray(const std::vector<std::string>& items);
  void Ok() { Simple("OK"); }
  void Raw(std::string_view s) { out_->append(s); }

 private:
  void Header(char c, int64_t n);
  std::string* out_;
  int proto_;
};

}  // namespace lumadb::protocol::resp

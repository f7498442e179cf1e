#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Memcached text and meta protocol framing: splits a request line into tokens
// the way memcached 1.6 does, parses it into a Command with memcached's order
// of checks and its error lines, and offers the number, base64 and URI
// helpers the replies need. Pure functions over bytes: no sockets, no engine.
namespace lumadb::protocol::memcache {

// Framing limits; the defaults are memcached 1.6.18's.
struct Limits {
  size_t max_key_length = 250;            // KEY_MAX_LENGTH
  // A client whose unfinished line grows past this is disconnected, unless
  // the line is a get/gets (multigets may be long).
  size_t max_line_without_newline = 2048;
  // memcached reads at most its 16 KB buffer looking for a newline, so any
  // other line longer than this disconnects the client.
  size_t read_buffer_size = 16384;
  // memcached grows its buffer without bound for a get line; we stop here.
  size_t max_get_line = 16u << 20;
};

enum class Op : uint8_t {
  kGet, kGets, kGat, kGats,                          // retrieval (bget is kGet)
  kSet, kAdd, kReplace, kAppend, kPrepend, kCas,     // storage: a data block follows
  kIncr, kDecr, kDelete, kTouch,
  kFlushAll, kVersion, kVerbosity, kStats, kQuit, kShutdown, kCacheMemlimit, kLruCrawler, kSlabs,
  kMetaNoop, kMetaGet, kMetaSet, kMetaDelete, kMetaArithmetic, kMetaDebug,
};

// One meta flag as sent: its letter and the token after it (may be empty).
struct MetaFlag {
  char letter;
  std::string_view arg;

  // memcached refuses an O token over 32 bytes ("CLIENT_ERROR opaque token
  // too long"); mg and ma only when they reach it while replying.
  bool OpaqueTooLong() const { return letter == 'O' && arg.size() + 1 > 32; }
};

// The flags of a meta command (mg/ms/md/ma), validated as memcached's
// _meta_flag_preparse does. Numbers are kept raw: ttl values are memcached
// exptimes (see ExpireMs in item.h).
struct MetaRequest {
  std::vector<MetaFlag> flags;  // request order; replies echo flags in this order
  bool base64_key = false;      // b
  bool quiet = false;           // q
  bool value = false;           // v
  bool no_bump = false;         // u
  bool invalidate = false;      // I
  bool vivify = false;          // N
  bool has_ttl = false;         // T
  bool has_recache = false;     // R
  bool has_cas = false;         // C
  char mode = 0;                // M (0 when absent)
  int32_t ttl = 0;              // T
  int32_t vivify_ttl = 0;       // N
  int32_t recache_ttl = 0;      // R
  uint32_t client_flags = 0;    // F
  uint64_t cas = 0;             // C
  uint64_t delta = 1;           // D
  uint64_t initial = 0;         // J
};

// A parsed request. `op` is also set for some malformed requests, where
// memcached's stats count them (flush_all). String views point into the
// parsed buffer, except `key`
// of a meta command with the b flag, which views `decoded_key` (so a Command
// cannot be copied or moved). Reuse one with Clear() to keep its capacity.
struct Command {
  Command() = default;
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;

  Op op = Op::kVersion;
  std::string_view key;                 // single-key commands
  std::vector<std::string_view> keys;   // get/gets/gat/gats
  std::string decoded_key;
  uint32_t flags = 0;                   // storage: client flags
  int32_t exptime = 0;                  // storage, touch, gat/gats
  int64_t data_len = -1;                // storage and ms: data bytes after the line (without \r\n); else -1
  uint64_t cas_unique = 0;              // cas
  uint64_t delta = 0;                   // incr/decr
  bool noreply = false;                 // text commands: trailing "noreply"
  bool has_delay = false;               // flush_all
  int32_t delay = 0;                    // flush_all
  uint32_t number = 0;                  // verbosity level, cache_memlimit megabytes
  std::vector<std::string_view> args;   // stats/lru_crawler/slabs arguments after the command word
  MetaRequest meta;

  void Clear();
};

enum class ParseStatus {
  kOk,          // a command line was parsed; `consumed` covers it (not its data block)
  kIncomplete,  // no complete line yet
  kError,       // reply `error`; drop `consumed` bytes, then `swallow` more
  kClose,       // memcached disconnects such a client (line too long): close without reply
};

struct ParseResult {
  ParseStatus status = ParseStatus::kIncomplete;
  size_t consumed = 0;           // the request line with its newline
  std::string_view error;        // kError: the reply line without \r\n (static text)
  bool quiet = false;            // kError: the client asked for noreply, send nothing
  uint64_t swallow = 0;          // kError: bytes of a data block to discard after the line
};

// Parses the request line at the front of `buf` into `out`. A storage command
// or ms returns kOk with out->data_len set; its data block (data_len bytes and
// "\r\n") follows the consumed line and is not examined here.
ParseResult ParseCommand(std::string_view buf, const Limits& limits, Command* out);

// ---- Numbers, as memcached's safe_strto* read them ----
// Each accepts what the C function accepts (leading whitespace, a sign),
// requires the token to end after the digits or at whitespace, and narrows
// like memcached does (32-bit results are truncated from 64-bit parses).

bool ParseU32(std::string_view s, uint32_t* out);   // safe_strtoul
bool ParseI32(std::string_view s, int32_t* out);    // safe_strtol
bool ParseU64(std::string_view s, uint64_t* out);   // safe_strtoull

// Reads an item's data as incr/decr does (the data is followed by "\r\n" in
// memcached's memory): false when it is not an unsigned 64-bit decimal.
bool ParseCounter(std::string_view data, uint64_t* out);

// ---- Encodings ----

// memcached's base64 (RFC 1341 alphabet). Decode skips bytes outside the
// alphabet and fails (returns false) on a count not a multiple of 4, on
// nothing decoded or on bad padding.
bool Base64Decode(std::string_view in, std::string* out);
void Base64Encode(std::string_view in, std::string* out);
// Percent-encodes all but [A-Za-z0-9-._~], as lru_crawler metadump does.
void UriEncode(std::string_view in, std::string* out);

void AppendU64(std::string* out, uint64_t v);
void AppendI64(std::string* out, int64_t v);

}  // namespace lumadb::protocol::memcache

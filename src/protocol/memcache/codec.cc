#include "protocol/memcache/codec.h"

#include <climits>

namespace lumadb::protocol::memcache {

namespace {

constexpr std::string_view kError = "ERROR";
constexpr std::string_view kBadFormat = "CLIENT_ERROR bad command line format";
constexpr std::string_view kBadExptime = "CLIENT_ERROR invalid exptime argument";
constexpr std::string_view kBadDelta = "CLIENT_ERROR invalid numeric delta argument";
constexpr std::string_view kBadDelete = "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]";
constexpr std::string_view kOpaqueTooLong = "CLIENT_ERROR opaque token too long";
constexpr std::string_view kMetaBadFlag = "CLIENT_ERROR invalid or duplicate flag";

// memcached's MAX_TOKENS: at most 23 tokens are split off a line; the 24th
// slot is the terminal token, which points at the unsplit rest (if any).
constexpr size_t kMaxTokens = 24;
// MFLAG_MAX_OPT_LENGTH.
constexpr size_t kMetaMaxTokens = 20;

struct Tokens {
  std::string_view tok[kMaxTokens - 1];
  size_t n = 0;
  std::string_view rest;  // what follows the 23rd token; empty if nothing

  // memcached's ntokens, which counts the terminal token.
  size_t count() const { return n + 1; }
};

// tokenize_command: splits on ' ' only (tabs belong to tokens).
void Tokenize(std::string_view line, Tokens* t) {
  t->n = 0;
  t->rest = {};
  size_t s = 0;
  for (size_t i = 0; i < line.size(); i++) {
    if (line[i] != ' ') continue;
    if (s != i) {
      t->tok[t->n++] = line.substr(s, i - s);
      if (t->n == kMaxTokens - 1) {
        t->rest = line.substr(i + 1);
        return;
      }
    }
    s = i + 1;
  }
  if (s != line.size()) t->tok[t->n++] = line.substr(s);
}

// Adds every space-separated word of s to out.
void SplitWords(std::string_view s, std::vector<std::string_view>* out) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') i++;
    size_t start = i;
    while (i < s.size() && s[i] != ' ') i++;
    if (i > start) out->push_back(s.substr(start, i - start));
  }
}

// memcached keeps reading a get/gets line it cannot find the end of (up to
// 100 leading spaces allowed); any other long line closes the connection.
bool IsRetrievalLine(std::string_view buf) {
  size_t i = 0;
  while (i < buf.size() && buf[i] == ' ') i++;
  if (i > 100) return false;
  std::string_view s = buf.substr(i);
  return s.substr(0, 4) == "get " || s.substr(0, 5) == "gets ";
}

bool IsCSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The parts of a C strtoul/strtol parse: leading whitespace, an optional sign,
// then decimal digits. False when there are no digits (no conversion).
struct CNumber {
  bool negative = false;
  bool overflow = false;  // magnitude above UINT64_MAX
  uint64_t magnitude = 0;
  size_t end = 0;         // index just past the digits
};

bool ScanCNumber(std::string_view s, CNumber* n) {
  size_t i = 0;
  while (i < s.size() && IsCSpace(s[i])) i++;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    n->negative = s[i] == '-';
    i++;
  }
  size_t digits = i;
  for (; i < s.size() && IsDigit(s[i]); i++) {
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (n->magnitude > (UINT64_MAX - d) / 10) {
      n->overflow = true;
    } else if (!n->overflow) {
      n->magnitude = n->magnitude * 10 + d;
    }
  }
  n->end = i;
  return i > digits;
}

// After the digits memcached accepts only the end of the token or whitespace.
bool CleanEnd(std::string_view s, size_t end) { return end == s.size() || IsCSpace(s[end]); }

// strtoull semantics, then safe_strtoull's check: a number that is negative
// as a signed value is rejected when the token has a minus sign.
bool ParseUnsigned64(std::string_view s, uint64_t* out) {
  CNumber n;
  if (!ScanCNumber(s, &n) || n.overflow || !CleanEnd(s, n.end)) return false;
  uint64_t v = n.negative ? 0 - n.magnitude : n.magnitude;
  if (static_cast<int64_t>(v) < 0 && s.find('-') != std::string_view::npos) return false;
  *out = v;
  return true;
}

// Returns the meta flag parse error for the first bad token, as memcached's
// _meta_flag_preparse; empty on success. `default_error` is the caller's
// message for failures the preparse does not name.
std::string_view PreparseMetaFlags(const Tokens& t, size_t start, std::string_view default_error, Command* c) {
  MetaRequest& m = c->meta;
  bool seen[127] = {};
  std::string_view err;
  bool has_error = false;
  auto fail = [&](std::string_view e) {
    err = e;
    has_error = true;
  };
  for (size_t i = start; i < t.n; i++) {
    std::string_view tok = t.tok[i];
    uint8_t o = static_cast<uint8_t>(tok[0]);
    if (o >= 127 || seen[o]) return "CLIENT_ERROR duplicate flag";
    seen[o] = true;
    std::string_view arg = tok.substr(1);
    m.flags.push_back(MetaFlag{static_cast<char>(o), arg});
    switch (o) {
      case 'b':
        // Decoding rewrites the key for the lookup; 'k' re-encodes it.
        if (!Base64Decode(c->key, &c->decoded_key)) {
          fail("CLIENT_ERROR error decoding key");
          c->decoded_key.clear();
        }
        c->key = c->decoded_key;
        m.base64_key = true;
        break;
      case 'N':
        m.vivify = true;
        if (!ParseI32(arg, &m.vivify_ttl)) fail("CLIENT_ERROR bad token in command line format");
        break;
      case 'T':
        if (!ParseI32(arg, &m.ttl)) {
          fail("CLIENT_ERROR bad token in command line format");
        } else {
          m.has_ttl = true;
        }
        break;
      case 'R':
        if (!ParseI32(arg, &m.recache_ttl)) {
          fail("CLIENT_ERROR bad token in command line format");
        } else {
          m.has_recache = true;
        }
        break;
      case 'l': case 'h': case 'O': case 'P': case 'L': case 'k': case 's': case 't': case 'c': case 'f':
        break;
      case 'v':
        m.value = true;
        break;
      case 'u':
        m.no_bump = true;
        break;
      case 'q':
        m.quiet = true;
        break;
      case 'F':
        // memcached sets no message here: the caller's default is sent.
        if (!ParseU32(arg, &m.client_flags)) has_error = true;
        break;
      case 'C':
        if (!ParseU64(arg, &m.cas)) {
          fail("CLIENT_ERROR bad token in command line format");
        } else {
          m.has_cas = true;
        }
        break;
      case 'M':
        if (tok.size() != 2) {
          fail("CLIENT_ERROR incorrect length for M token");
        } else {
          m.mode = tok[1];
        }
        break;
      case 'J':
        if (!ParseU64(arg, &m.initial)) fail("CLIENT_ERROR invalid numeric initial value");
        break;
      case 'D':
        if (!ParseU64(arg, &m.delta)) fail("CLIENT_ERROR invalid numeric delta value");
        break;
      case 'I':
        m.invalidate = true;
        break;
      default:
        return "CLIENT_ERROR invalid flag";
    }
  }
  if (!has_error) return {};
  return err.empty() ? default_error : err;
}

bool OpaqueTooLong(const MetaRequest& m) {
  for (const MetaFlag& f : m.flags) {
    if (f.OpaqueTooLong()) return true;
  }
  return false;
}

// set_noreply_maybe: the last token is "noreply".
bool NoreplyMaybe(const Tokens& t) { return t.n > 0 && t.tok[t.n - 1] == "noreply"; }

class LineParser {
 public:
  LineParser(const Tokens& t, const Limits& limits, Command* c, ParseResult* r)
      : t_(t), limits_(limits), c_(c), r_(r) {}

  ParseResult& Error(std::string_view e, bool quiet = false, uint64_t swallow = 0) {
    r_->status = ParseStatus::kError;
    r_->error = e;
    r_->quiet = quiet;
    r_->swallow = swallow;
    return *r_;
  }
  ParseResult& Ok(Op op) {
    c_->op = op;
    r_->status = ParseStatus::kOk;
    return *r_;
  }
  bool KeyTooLong(std::string_view key) const { return key.size() > limits_.max_key_length; }

  ParseResult& Parse();

 private:
  ParseResult& Retrieval(Op op);
  ParseResult& Update(Op op);
  ParseResult& Arithmetic(Op op);
  ParseResult& Delete();
  ParseResult& Touch();
  ParseResult& FlushAll();
  ParseResult& Verbosity();
  ParseResult& CacheMemlimit();
  ParseResult& WithArgs(Op op);
  ParseResult& MetaGet();
  ParseResult& MetaSet();
  ParseResult& MetaDelete();
  ParseResult& MetaArithmetic();
  ParseResult& MetaDebug();

  const Tokens& t_;
  const Limits& limits_;
  Command* c_;
  ParseResult* r_;
};

ParseResult& LineParser::Parse() {
  size_t nt = t_.count();
  if (nt < 2 || t_.tok[0].size() < 2) return Error(kError);
  std::string_view name = t_.tok[0];
  auto want = [&](size_t a, size_t b) { return nt == a || nt == b; };
  char first = name[0];
  if (first == 'm' && name.size() == 2) {
    switch (name[1]) {
      case 'g': return MetaGet();
      case 's': return MetaSet();
      case 'd': return MetaDelete();
      case 'n': return Ok(Op::kMetaNoop);
      case 'a': return MetaArithmetic();
      case 'e': return MetaDebug();
      default: return Error(kError);
    }
  }
  if (first == 'g') {
    if (nt < 3) return Error(kError);
    if (name == "get") return Retrieval(Op::kGet);
    if (name == "gets") return Retrieval(Op::kGets);
    if (name == "gat") return Retrieval(Op::kGat);
    if (name == "gats") return Retrieval(Op::kGats);
    return Error(kError);
  }
  if (name == "set") return want(6, 7) ? Update(Op::kSet) : Error(kError);
  if (name == "add") return want(6, 7) ? Update(Op::kAdd) : Error(kError);
  if (name == "append") return want(6, 7) ? Update(Op::kAppend) : Error(kError);
  if (name == "replace") return want(6, 7) ? Update(Op::kReplace) : Error(kError);
  if (name == "prepend") return want(6, 7) ? Update(Op::kPrepend) : Error(kError);
  if (name == "cas") return want(7, 8) ? Update(Op::kCas) : Error(kError);
  if (name == "incr") return want(4, 5) ? Arithmetic(Op::kIncr) : Error(kError);
  if (name == "decr") return want(4, 5) ? Arithmetic(Op::kDecr) : Error(kError);
  if (name == "delete") return nt >= 3 && nt <= 5 ? Delete() : Error(kError);
  if (name == "touch") return want(4, 5) ? Touch() : Error(kError);
  if (name == "stats") return WithArgs(Op::kStats);
  if (name == "shutdown") return WithArgs(Op::kShutdown);
  if (name == "slabs") return WithArgs(Op::kSlabs);
  if (name == "cache_memlimit") return want(3, 4) ? CacheMemlimit() : Error(kError);
  if (name == "bget") return nt >= 3 ? Retrieval(Op::kGet) : Error(kError);
  if (name == "flush_all") return nt >= 2 && nt <= 4 ? FlushAll() : Error(kError);
  if (name == "version") return Ok(Op::kVersion);
  if (name == "quit") return Ok(Op::kQuit);
  if (name == "lru_crawler") return WithArgs(Op::kLruCrawler);
  if (name == "verbosity") return want(3, 4) ? Verbosity() : Error(kError);
  return Error(kError);
}

ParseResult& LineParser::Retrieval(Op op) {
  size_t first_key = 1;
  if (op == Op::kGat || op == Op::kGats) {
    if (!ParseI32(t_.tok[1], &c_->exptime)) return Error(kBadExptime);
    first_key = 2;
  }
  for (size_t i = first_key; i < t_.n; i++) c_->keys.push_back(t_.tok[i]);
  SplitWords(t_.rest, &c_->keys);
  // Key lengths are checked as the keys are fetched (memcached answers the
  // whole command with an error at the first long key, after fetching the
  // keys before it).
  return Ok(op);
}

ParseResult& LineParser::Update(Op op) {
  c_->noreply = NoreplyMaybe(t_);
  c_->key = t_.tok[1];
  if (KeyTooLong(c_->key)) return Error(kBadFormat, c_->noreply);
  int32_t vlen = 0;
  if (!(ParseU32(t_.tok[2], &c_->flags) && ParseI32(t_.tok[3], &c_->exptime) && ParseI32(t_.tok[4], &vlen))) {
    return Error(kBadFormat, c_->noreply);
  }
  if (op == Op::kCas && !ParseU64(t_.tok[5], &c_->cas_unique)) return Error(kBadFormat, c_->noreply);
  if (vlen < 0 || vlen > INT_MAX - 2) return Error(kBadFormat, c_->noreply);
  c_->data_len = vlen;
  return Ok(op);
}

ParseResult& LineParser::Arithmetic(Op op) {
  c_->noreply = NoreplyMaybe(t_);
  c_->key = t_.tok[1];
  if (KeyTooLong(c_->key)) return Error(kBadFormat, c_->noreply);
  if (!ParseU64(t_.tok[2], &c_->delta)) return Error(kBadDelta, c_->noreply);
  return Ok(op);
}

ParseResult& LineParser::Delete() {
  if (t_.count() > 3) {
    // The legacy "delete <key> 0" hold time is still accepted.
    bool hold_is_zero = t_.tok[2] == "0";
    c_->noreply = NoreplyMaybe(t_);
    bool valid = (t_.count() == 4 && (hold_is_zero || c_->noreply)) ||
                 (t_.count() == 5 && hold_is_zero && c_->noreply);
    if (!valid) return Error(kBadDelete, c_->noreply);
  }
  c_->key = t_.tok[1];
  if (KeyTooLong(c_->key)) return Error(kBadFormat, c_->noreply);
  return Ok(Op::kDelete);
}

ParseResult& LineParser::Touch() {
  c_->noreply = NoreplyMaybe(t_);
  c_->key = t_.tok[1];
  if (KeyTooLong(c_->key)) return Error(kBadFormat, c_->noreply);
  if (!ParseI32(t_.tok[2], &c_->exptime)) return Error(kBadExptime, c_->noreply);
  return Ok(Op::kTouch);
}

ParseResult& LineParser::FlushAll() {
  c_->op = Op::kFlushAll;  // counted by stats even when malformed
  c_->noreply = NoreplyMaybe(t_);
  if (t_.count() != (c_->noreply ? 3u : 2u)) {
    if (!ParseI32(t_.tok[1], &c_->delay)) return Error(kBadExptime, c_->noreply);
    c_->has_delay = true;
  }
  return Ok(Op::kFlushAll);
}

ParseResult& LineParser::Verbosity() {
  c_->noreply = NoreplyMaybe(t_);
  if (!ParseU32(t_.tok[1], &c_->number)) return Error(kBadFormat, c_->noreply);
  return Ok(Op::kVerbosity);
}

ParseResult& LineParser::CacheMemlimit() {
  c_->noreply = NoreplyMaybe(t_);
  if (!ParseU32(t_.tok[1], &c_->number)) return Error(kError, c_->noreply);
  return Ok(Op::kCacheMemlimit);
}

ParseResult& LineParser::WithArgs(Op op) {
  for (size_t i = 1; i < t_.n; i++) c_->args.push_back(t_.tok[i]);
  return Ok(op);
}

ParseResult& LineParser::MetaGet() {
  if (t_.count() < 3) return Error(kError);
  c_->key = t_.tok[1];
  if (KeyTooLong(c_->key)) return Error(kBadFormat);
  if (t_.count() > kMetaMaxTokens) return Error("CLIENT_ERROR options flags are too long");
  std::string_view err = PreparseMetaFlags(t_, 2, kBadFormat, c_);
  if (!err.empty()) return Error(err);
  // An opaque over 32 bytes is refused while the reply is built (see
  // MetaFlag::OpaqueTooLong), after the flags before it took effect.
  return Ok(Op::kMetaGet);
}

ParseResult& LineParser::MetaSet() {
  if (t_.count() < 3) return Error(kError);
  c_->key = t_.tok[1];
  if (KeyTooLong(c_->key)) return Error(kBadFormat);
  if (t_.count() == 3) return Error(kBadFormat);
  if (t_.count() > kMetaMaxTokens) return Error("CLIENT_ERROR options flags too long");
  int32_t vlen = 0;
  if (!ParseI32(t_.tok[2], &vlen) || vlen < 0 || vlen > INT_MAX - 2) return Error(kBadFormat);
  // From here on memcached knows the data length and swallows the data on errors.
  uint64_t swallow = static_cast<uint64_t>(vlen) + 2;
  std::string_view err = PreparseMetaFlags(t_, 3, kBadFormat, c_);
  if (!err.empty()) return Error(err, false, swallow);
  switch (c_->meta.mode) {
    case 0: case 'E': case 'A': case 'P': case 'R': case 'S':
      break;
    default:
      return Error("CLIENT_ERROR invalid mode for ms M token", false, swallow);
  }
  if (OpaqueTooLong(c_->meta)) return Error(kOpaqueTooLong, false, swallow);
  c_->data_len = vlen;
  return Ok(Op::kMetaSet);
}

ParseResult& LineParser::MetaDelete() {
  if (t_.count() < 3) return Error(kError);
  c_->key = t_.tok[1];
  if (KeyTooLong(c_->key)) return Error(kBadFormat);
  if (t_.count() > kMetaMaxTokens) return Error("CLIENT_ERROR options flags too long");
  if (!PreparseMetaFlags(t_, 2, kBadFormat, c_).empty()) return Error(kMetaBadFlag);
  if (OpaqueTooLong(c_->meta)) return Error(kOpaqueTooLong);
  return Ok(Op::kMetaDelete);
}

ParseResult& LineParser::MetaArithmetic() {
  if (t_.count() < 3) return Error(kError);
  c_->key = t_.tok[1];
  if (KeyTooLong(c_->key)) return Error(kBadFormat);
  if (t_.count() > kMetaMaxTokens) return Error("CLIENT_ERROR options flags too long");
  if (!PreparseMetaFlags(t_, 2, kBadFormat, c_).empty()) return Error(kMetaBadFlag);
  switch (c_->meta.mode) {
    case 0: case 'I': case '+': case 'D': case '-':
      break;
    default:
      return Error("CLIENT_ERROR invalid mode for ma M token");
  }
  // As for mg, a long opaque is refused only after the arithmetic is done.
  return Ok(Op::kMetaArithmetic);
}

ParseResult& LineParser::MetaDebug() {
  if (t_.count() < 3 || KeyTooLong(t_.tok[1])) return Error(kBadFormat);
  c_->key = t_.tok[1];
  if (t_.count() >= 4 && t_.tok[2] == "b") {
    if (!Base64Decode(c_->key, &c_->decoded_key)) return Error(kBadFormat);
    c_->key = c_->decoded_key;
    c_->meta.base64_key = true;
  }
  return Ok(Op::kMetaDebug);
}

}  // namespace

void Command::Clear() {
  op = Op::kVersion;
  key = {};
  keys.clear();
  decoded_key.clear();
  flags = 0;
  exptime = 0;
  data_len = -1;
  cas_unique = 0;
  delta = 0;
  noreply = false;
  has_delay = false;
  delay = 0;
  number = 0;
  args.clear();
  std::vector<MetaFlag> meta_flags = std::move(meta.flags);
  meta_flags.clear();
  meta = MetaRequest{};
  meta.flags = std::move(meta_flags);
}

ParseResult ParseCommand(std::string_view buf, const Limits& limits, Command* out) {
  ParseResult r;
  size_t nl = buf.find('\n');
  if (nl == std::string_view::npos) {
    if (buf.size() > limits.max_line_without_newline &&
        !(buf.size() <= limits.max_get_line && IsRetrievalLine(buf))) {
      r.status = ParseStatus::kClose;
    }
    return r;
  }
  if (nl >= limits.read_buffer_size && !(nl < limits.max_get_line && IsRetrievalLine(buf))) {
    r.status = ParseStatus::kClose;
    return r;
  }
  r.consumed = nl + 1;
  out->Clear();
  std::string_view line = buf.substr(0, nl);
  // memcached drops the '\r' of "\r\n" (but not a lone "\r" line) and then
  // reads the line as a C string.
  if (line.size() > 1 && line.back() == '\r') line.remove_suffix(1);
  line = line.substr(0, line.find('\0'));
  Tokens t;
  Tokenize(line, &t);
  LineParser p(t, limits, out, &r);
  return p.Parse();
}

// ---- Numbers ----

bool ParseU64(std::string_view s, uint64_t* out) { return ParseUnsigned64(s, out); }

bool ParseU32(std::string_view s, uint32_t* out) {
  uint64_t v;
  if (!ParseUnsigned64(s, &v)) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

bool ParseI32(std::string_view s, int32_t* out) {
  CNumber n;
  if (!ScanCNumber(s, &n) || n.overflow || !CleanEnd(s, n.end)) return false;
  // strtol's range is that of a 64-bit long.
  uint64_t limit = n.negative ? static_cast<uint64_t>(INT64_MAX) + 1 : static_cast<uint64_t>(INT64_MAX);
  if (n.magnitude > limit) return false;
  int64_t v = n.negative ? static_cast<int64_t>(0 - n.magnitude) : static_cast<int64_t>(n.magnitude);
  *out = static_cast<int32_t>(v);  // memcached stores the long in an int32_t
  return true;
}

bool ParseCounter(std::string_view data, uint64_t* out) {
  // In memcached's memory the data is followed by "\r\n": a number that runs
  // to the end of the data ends at whitespace, and the scan for a minus sign
  // stops at a NUL byte.
  CNumber n;
  if (!ScanCNumber(data, &n) || n.overflow) return false;
  if (n.end < data.size() && !IsCSpace(data[n.end]) && data[n.end] != '\0') return false;
  uint64_t v = n.negative ? 0 - n.magnitude : n.magnitude;
  if (static_cast<int64_t>(v) < 0) {
    std::string_view c_str = data.substr(0, data.find('\0'));
    if (c_str.find('-') != std::string_view::npos) return false;
  }
  *out = v;
  return true;
}

// ---- Encodings ----

namespace {
constexpr char kBase64Chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0..63 for the alphabet, 0 for '=', -1 for everything else.
int Base64Value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  if (c == '=') return 0;
  return -1;
}
}  // namespace

bool Base64Decode(std::string_view in, std::string* out) {
  size_t count = 0;
  for (char c : in) {
    if (Base64Value(static_cast<unsigned char>(c)) >= 0) count++;
  }
  if (count == 0 || count % 4 != 0) return false;
  out->clear();
  unsigned char block[4];
  size_t n = 0;
  int pad = 0;
  for (char ch : in) {
    int v = Base64Value(static_cast<unsigned char>(ch));
    if (v < 0) continue;
    if (ch == '=') pad++;
    block[n++] = static_cast<unsigned char>(v);
    if (n < 4) continue;
    n = 0;
    // Padding ends the decoding: "=" drops one byte of the block, "==" two.
    if (pad > 2) return false;
    const char bytes[3] = {static_cast<char>((block[0] << 2) | (block[1] >> 4)),
                           static_cast<char>((block[1] << 4) | (block[2] >> 2)),
                           static_cast<char>((block[2] << 6) | block[3])};
    out->append(bytes, 3 - static_cast<size_t>(pad));
    if (pad > 0) break;
  }
  return !out->empty();
}

void Base64Encode(std::string_view in, std::string* out) {
  size_t i = 0;
  auto b = [&](size_t k) { return static_cast<unsigned char>(in[k]); };
  for (; i + 3 <= in.size(); i += 3) {
    out->push_back(kBase64Chars[b(i) >> 2]);
    out->push_back(kBase64Chars[((b(i) & 0x03) << 4) | (b(i + 1) >> 4)]);
    out->push_back(kBase64Chars[((b(i + 1) & 0x0f) << 2) | (b(i + 2) >> 6)]);
    out->push_back(kBase64Chars[b(i + 2) & 0x3f]);
  }
  if (i < in.size()) {
    out->push_back(kBase64Chars[b(i) >> 2]);
    if (i + 1 == in.size()) {
      out->push_back(kBase64Chars[(b(i) & 0x03) << 4]);
      out->push_back('=');
    } else {
      out->push_back(kBase64Chars[((b(i) & 0x03) << 4) | (b(i + 1) >> 4)]);
      out->push_back(kBase64Chars[(b(i + 1) & 0x0f) << 2]);
    }
    out->push_back('=');
  }
}

void UriEncode(std::string_view in, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : in) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '.' || c == '_' || c == '~';
    if (plain) {
      out->push_back(ch);
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

void AppendU64(std::string* out, uint64_t v) {
  char buf[24];
  size_t n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) out->push_back(buf[--n]);
}

void AppendI64(std::string* out, int64_t v) {
  if (v < 0) {
    out->push_back('-');
    AppendU64(out, 0 - static_cast<uint64_t>(v));
  } else {
    AppendU64(out, static_cast<uint64_t>(v));
  }
}

}  // namespace lumadb::protocol::memcache

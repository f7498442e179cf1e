#include "engine/sql/execution/copy_format.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>

namespace lumadb::engine::sql {

namespace {

constexpr const char* kBadCopyFileFormat = "22P04";
constexpr const char* kCharacterNotInRepertoire = "22021";

// Buffer space before the consumed prefix is given back (see Compact).
constexpr size_t kCompactMin = 8192;

SqlError BadFormat(std::string message, std::string hint = "") {
  SqlError e = MakeError(kBadCopyFileFormat, std::move(message));
  e.hint = std::move(hint);
  return e;
}

// pg_utf_mblen: the length a UTF-8 lead byte announces (1 for a stray byte).
int Utf8Len(uint8_t c) {
  if (c < 0x80) return 1;
  if ((c & 0xe0) == 0xc0) return 2;
  if ((c & 0xf0) == 0xe0) return 3;
  if ((c & 0xf8) == 0xf0) return 4;
  return 1;
}

// pg_utf8_islegal.
bool Utf8Legal(const uint8_t* s, int len) {
  uint8_t a;
  switch (len) {
    default:
      return false;
    case 4:
      a = s[3];
      if (a < 0x80 || a > 0xbf) return false;
      [[fallthrough]];
    case 3:
      a = s[2];
      if (a < 0x80 || a > 0xbf) return false;
      [[fallthrough]];
    case 2:
      a = s[1];
      switch (s[0]) {
        case 0xe0:
          if (a < 0xa0 || a > 0xbf) return false;
          break;
        case 0xed:
          if (a < 0x80 || a > 0x9f) return false;
          break;
        case 0xf0:
          if (a < 0x90 || a > 0xbf) return false;
          break;
        case 0xf4:
          if (a < 0x80 || a > 0x8f) return false;
          break;
        default:
          if (a < 0x80 || a > 0xbf) return false;
          break;
      }
      [[fallthrough]];
    case 1:
      a = s[0];
      if (a >= 0x80 && a < 0xc2) return false;
      if (a > 0xf4) return false;
      break;
  }
  return true;
}

// report_invalid_encoding: the bad character's bytes, as far as they go.
SqlError BadUtf8(const char* s, size_t avail) {
  size_t n = std::min<size_t>({static_cast<size_t>(Utf8Len(static_cast<uint8_t>(*s))), avail, 8});
  std::string bytes;
  char hex[8];
  for (size_t j = 0; j < n; j++) {
    std::snprintf(hex, sizeof(hex), "0x%02x", static_cast<uint8_t>(s[j]));
    if (j > 0) bytes += ' ';
    bytes += hex;
  }
  return MakeError(kCharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": " + bytes);
}

// pg_verifymbstr on a whole string.
SqlStatus CheckUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t n = s.size();
  for (size_t i = 0; i < n;) {
    if (p[i] < 0x80 && p[i] != 0) {
      i++;
      continue;
    }
    int len = p[i] == 0 ? 1 : Utf8Len(p[i]);
    if (p[i] == 0 || static_cast<size_t>(len) > n - i || !Utf8Legal(p + i, len)) {
      return BadUtf8(s.data() + i, n - i);
    }
    i += len;
  }
  return SqlStatus::Ok();
}

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return (c | 0x20) - 'a' + 10;
}

// A delimiter, quote or escape: one byte that is a whole UTF-8 character.
// (A NUL would end the C string PostgreSQL compares, leaving it empty.)
bool OneByteChar(const std::string& s) {
  return s.size() == 1 && s[0] != '\0' && static_cast<uint8_t>(s[0]) < 0x80;
}

void SetField(std::vector<std::optional<std::string>>* fields, size_t k, const char* data, size_t len) {
  if (k >= fields->size()) {
    fields->emplace_back(std::in_place, data, len);
    return;
  }
  auto& f = (*fields)[k];
  if (f.has_value()) {
    f->assign(data, len);
  } else {
    f.emplace(data, len);
  }
}

void SetNull(std::vector<std::optional<std::string>>* fields, size_t k) {
  if (k >= fields->size()) {
    fields->emplace_back();
  } else {
    (*fields)[k].reset();
  }
}

// CopyAttributeOutText.
void AppendText(std::string_view s, char delim, std::string* out) {
  const char* p = s.data();
  const char* end = p + s.size();
  const char* start = p;
  for (; p < end; p++) {
    auto c = static_cast<uint8_t>(*p);
    if (c < 0x20) {
      char letter;
      switch (c) {
        case '\b':
          letter = 'b';
          break;
        case '\f':
          letter = 'f';
          break;
        case '\n':
          letter = 'n';
          break;
        case '\r':
          letter = 'r';
          break;
        case '\t':
          letter = 't';
          break;
        case '\v':
          letter = 'v';
          break;
        default:
          if (c != static_cast<uint8_t>(delim)) continue;  // other controls go out raw
          letter = delim;
          break;
      }
      out->append(start, p);
      out->push_back('\\');
      out->push_back(letter);
      start = p + 1;
    } else if (c == '\\' || c == static_cast<uint8_t>(delim)) {
      out->append(start, p);
      out->push_back('\\');
      start = p;  // the byte itself starts the next run
    }
  }
  out->append(start, end);
}

// CopyAttributeOutCSV.
void AppendCsv(std::string_view s, const CopyOptions& opts, bool use_quote, bool single_attr, std::string* out) {
  if (!use_quote && s == opts.null_string) use_quote = true;
  if (!use_quote) {
    // A lone \. would read back as the end marker.
    if (single_attr && s == "\\.") {
      use_quote = true;
    } else {
      for (char c : s) {
        if (c == opts.delimiter || c == opts.quote || c == '\n' || c == '\r') {
          use_quote = true;
          break;
        }
      }
    }
  }
  if (!use_quote) {
    out->append(s);
    return;
  }
  out->push_back(opts.quote);
  const char* p = s.data();
  const char* end = p + s.size();
  const char* start = p;
  for (; p < end; p++) {
    if (*p == opts.quote || *p == opts.escape) {
      out->append(start, p);
      out->push_back(opts.escape);
      start = p;
    }
  }
  out->append(start, end);
  out->push_back(opts.quote);
}

}  // namespace

CopyOptions DefaultCopyOptions(bool csv) {
  CopyOptions o;
  o.csv = csv;
  if (csv) {
    o.delimiter = ',';
    o.null_string = "";
  }
  return o;
}

SqlResult<CopyOptions> MakeCopyOptions(const CopyOptionText& given) {
  using sqlstate::kFeatureNotSupported;
  using sqlstate::kInvalidParameterValue;
  const bool csv = given.csv;
  std::string delim = given.delimiter.value_or(csv ? "," : "\t");
  std::string null = given.null_string.value_or(csv ? "" : "\\N");
  std::string quote = given.quote.value_or("\"");
  std::string escape = given.escape.value_or(quote);

  if (!OneByteChar(delim)) {
    return MakeError(kFeatureNotSupported, "COPY delimiter must be a single one-byte character");
  }
  if (delim[0] == '\r' || delim[0] == '\n') {
    return MakeError(kInvalidParameterValue, "COPY delimiter cannot be newline or carriage return");
  }
  if (null.find_first_of("\r\n") != std::string::npos) {
    return MakeError(kInvalidParameterValue, "COPY null representation cannot use newline or carriage return");
  }
  // Backslash is ambiguous, and data bytes equal to the delimiter are
  // backslashed on output, which must not read back as an escape.
  if (!csv && std::strchr("\\.abcdefghijklmnopqrstuvwxyz0123456789", delim[0]) != nullptr) {
    return MakeError(kInvalidParameterValue, "COPY delimiter cannot be \"" + delim + "\"");
  }
  if (!csv && given.quote) return MakeError(kFeatureNotSupported, "COPY quote available only in CSV mode");
  if (csv && !OneByteChar(quote)) {
    return MakeError(kFeatureNotSupported, "COPY quote must be a single one-byte character");
  }
  if (csv && delim[0] == quote[0]) {
    return MakeError(kInvalidParameterValue, "COPY delimiter and quote must be different");
  }
  if (!csv && given.escape) return MakeError(kFeatureNotSupported, "COPY escape available only in CSV mode");
  if (csv && !OneByteChar(escape)) {
    return MakeError(kFeatureNotSupported, "COPY escape must be a single one-byte character");
  }
  if (null.find(delim[0]) != std::string::npos) {
    return MakeError(kFeatureNotSupported, "COPY delimiter must not appear in the NULL specification");
  }
  if (csv && null.find(quote[0]) != std::string::npos) {
    return MakeError(kFeatureNotSupported, "CSV quote character must not appear in the NULL specification");
  }

  CopyOptions o = DefaultCopyOptions(csv);
  o.delimiter = delim[0];
  o.null_string = std::move(null);
  o.header = given.header;
  if (csv) {
    o.quote = quote[0];
    o.escape = escape[0];
  }
  return o;
}

// ---------------------------------------------------------------------------
// CopyReader

CopyReader::CopyReader(CopyOptions opts)
    : opts_(std::move(opts)), has_escape_(opts_.csv && opts_.escape != opts_.quote), header_pending_(opts_.header) {
  // Bytes the line scanner must look at; everything else is skipped in bulk.
  for (int c = 0; c < 256; c++) special_[c] = c >= 0x80;
  special_[0] = true;  // NUL is never valid input
  special_[static_cast<uint8_t>('\r')] = true;
  special_[static_cast<uint8_t>('\n')] = true;
  special_[static_cast<uint8_t>('\\')] = true;
  if (opts_.csv) {
    special_[static_cast<uint8_t>(opts_.quote)] = true;
    special_[static_cast<uint8_t>(opts_.escape)] = true;
  }
}

void CopyReader::Feed(std::string_view bytes) {
  if (finished_ || saw_marker_ || error_ || bytes.empty()) return;
  Compact();
  buf_.append(bytes);
}

void CopyReader::Finish() { finished_ = true; }

// Gives back the consumed prefix once it is at least half the buffer, so each
// byte is moved O(1) times on average.
void CopyReader::Compact() {
  if (pos_ < kCompactMin || pos_ * 2 < buf_.size()) return;
  if (!line_cached_) {
    line_cache_.assign(buf_, line_begin_, line_end_ - line_begin_);
    line_cached_ = true;
  }
  buf_.erase(0, pos_);
  scan_ -= pos_;
  pos_ = 0;
}

const std::string& CopyReader::line_text() const {
  static const std::string kEmpty;
  if (!line_valid_) return kEmpty;
  if (!line_cached_) {
    line_cache_.assign(buf_, line_begin_, line_end_ - line_begin_);
    line_cached_ = true;
  }
  return line_cache_;
}

SqlStatus CopyReader::Fail(SqlError e) {
  error_ = e;
  return SqlStatus(std::move(e));
}

CopyReader::Scan CopyReader::CheckChar(size_t i, size_t* len) {
  const auto* p = reinterpret_cast<const uint8_t*>(buf_.data()) + i;
  size_t avail = buf_.size() - i;
  if (*p < 0x80 && *p != 0) {
    *len = 1;
    return Scan::kLine;
  }
  int l = *p == 0 ? 1 : Utf8Len(*p);
  if (*p != 0 && static_cast<size_t>(l) > avail && !finished_) return Scan::kNeedMore;
  if (*p == 0 || static_cast<size_t>(l) > avail || !Utf8Legal(p, l)) {
    line_number_ = scan_line_;
    line_valid_ = false;
    (void)Fail(BadUtf8(buf_.data() + i, avail));
    return Scan::kError;
  }
  *len = l;
  return Scan::kLine;
}

// CopyReadLineText over buf_[pos_..]: finds the end of the current line,
// taking backslashes (text), quotes (CSV) and the \. marker into account. It
// behaves as PostgreSQL does with the whole input at hand: whenever it would
// have to look past the bytes received so far, it returns kNeedMore with the
// state as of before the byte it was looking at, and resumes there.
CopyReader::Scan CopyReader::ScanLine() {
  const char* b = buf_.data();
  const size_t n = buf_.size();
  const bool csv = opts_.csv;
  const char quote = opts_.quote;
  const char escape = opts_.escape;
  size_t i = scan_;
  bool in_quote = in_quote_;
  bool last_was_esc = last_was_esc_;
  int64_t lines = scan_line_;

  auto need_more = [&](size_t at, bool q, bool e, int64_t l) {
    scan_ = at;
    in_quote_ = q;
    last_was_esc_ = e;
    scan_line_ = l;
    return Scan::kNeedMore;
  };
  auto fail = [&](SqlError e) {
    scan_line_ = lines;
    line_number_ = lines;
    line_valid_ = false;
    (void)Fail(std::move(e));
    return Scan::kError;
  };
  auto line = [&](size_t end, size_t next, bool last, bool marker) {
    found_end_ = end;
    found_next_ = next;
    found_last_ = last;
    found_marker_ = marker;
    scan_line_ = lines;
    return Scan::kLine;
  };
  // The byte at j, which the scanner peeks at: 0 past the end of the input
  // (PostgreSQL's buffer pad), and checked as UTF-8 (PostgreSQL verifies
  // bytes before it may look at them).
  auto peek = [&](size_t j, char* c, size_t* len) {
    if (j >= n) {
      *c = '\0';
      *len = 1;
      return Scan::kLine;
    }
    *c = b[j];
    return CheckChar(j, len);
  };

  for (;;) {
    if (csv) {
      size_t from = i;
      while (i < n && !special_[static_cast<uint8_t>(b[i])]) i++;
      if (i > from) last_was_esc = false;
    } else {
      while (i < n && !special_[static_cast<uint8_t>(b[i])]) i++;
    }
    if (i >= n) {
      if (!finished_) return need_more(i, in_quote, last_was_esc, lines);
      return line(n, n, true, false);
    }
    const char c = b[i];
    if (static_cast<uint8_t>(c) >= 0x80 || c == '\0') {
      size_t len;
      Scan s = CheckChar(i, &len);
      if (s == Scan::kNeedMore) return need_more(i, in_quote, last_was_esc, lines);
      if (s == Scan::kError) return s;
      i += len;
      last_was_esc = false;  // not the (ASCII) escape character
      continue;
    }

    // State before this byte, to resume from if it needs bytes not here yet.
    const bool q0 = in_quote;
    const bool e0 = last_was_esc;
    const int64_t l0 = lines;
    if (csv) {
      // An escape counts only inside quotes and right before a quote (and
      // not as the second of an escape pair).
      if (in_quote && has_escape_ && c == escape) last_was_esc = !last_was_esc;
      if (c == quote && !last_was_esc) in_quote = !in_quote;
      if (!(has_escape_ && c == escape)) last_was_esc = false;
      // PostgreSQL's (admittedly rough) count of physical lines.
      // CheckChar reports a bad byte at scan_line_, so keep it current.
      if (in_quote && c == (eol_ == Eol::kNl ? '\n' : '\r')) scan_line_ = ++lines;
    }

    if (c == '\r' && (!csv || !in_quote)) {
      if (eol_ == Eol::kUnknown || eol_ == Eol::kCrNl) {
        if (i + 1 >= n && !finished_) return need_more(i, q0, e0, l0);
        char c2;
        size_t len2;
        Scan s = peek(i + 1, &c2, &len2);
        if (s == Scan::kNeedMore) return need_more(i, q0, e0, l0);
        if (s == Scan::kError) return s;
        if (c2 == '\n') {
          eol_ = Eol::kCrNl;
          return line(i, i + 2, false, false);
        }
        if (eol_ == Eol::kCrNl) {
          return csv ? fail(BadFormat("unquoted carriage return found in data",
                                      "Use quoted CSV field to represent carriage return."))
                     : fail(BadFormat("literal carriage return found in data",
                                      "Use \"\\r\" to represent carriage return."));
        }
        eol_ = Eol::kCr;
      } else if (eol_ == Eol::kNl) {
        return csv ? fail(BadFormat("unquoted carriage return found in data",
                                    "Use quoted CSV field to represent carriage return."))
                   : fail(BadFormat("literal carriage return found in data",
                                    "Use \"\\r\" to represent carriage return."));
      }
      return line(i, i + 1, false, false);
    }

    if (c == '\n' && (!csv || !in_quote)) {
      if (eol_ == Eol::kCr || eol_ == Eol::kCrNl) {
        return csv ? fail(BadFormat("unquoted newline found in data", "Use quoted CSV field to represent newline."))
                   : fail(BadFormat("literal newline found in data", "Use \"\\n\" to represent newline."));
      }
      eol_ = Eol::kNl;
      return line(i, i + 1, false, false);
    }

    // In CSV \. is a valid data value, so only a line's first byte can start
    // the end marker.
    if (c == '\\' && (!csv || i == pos_)) {
      if (i + 1 >= n) {
        if (!finished_) return need_more(i, q0, e0, l0);
        return line(n, n, true, false);  // a backslash just before EOF is data
      }
      char c2;
      size_t len2;
      Scan s = peek(i + 1, &c2, &len2);
      if (s == Scan::kNeedMore) return need_more(i, q0, e0, l0);
      if (s == Scan::kError) return s;
      if (c2 == '.') {
        size_t p = i + 2;
        bool marker = true;
        char c3;
        size_t len3;
        if (eol_ == Eol::kCrNl) {
          if (p >= n && !finished_) return need_more(i, q0, e0, l0);
          s = peek(p, &c3, &len3);
          if (s == Scan::kNeedMore) return need_more(i, q0, e0, l0);
          if (s == Scan::kError) return s;
          p++;
          if (c3 == '\n') {
            if (!csv) return fail(BadFormat("end-of-copy marker does not match previous newline style"));
            marker = false;
          } else if (c3 != '\r') {
            if (!csv) return fail(BadFormat("end-of-copy marker corrupt"));
            marker = false;
          }
        }
        if (marker) {
          if (p >= n && !finished_) return need_more(i, q0, e0, l0);
          s = peek(p, &c3, &len3);
          if (s == Scan::kNeedMore) return need_more(i, q0, e0, l0);
          if (s == Scan::kError) return s;
          if (c3 != '\r' && c3 != '\n') {
            if (!csv) return fail(BadFormat("end-of-copy marker corrupt"));
            marker = false;
          } else if ((eol_ == Eol::kNl && c3 != '\n') || (eol_ == Eol::kCrNl && c3 != '\n') ||
                     (eol_ == Eol::kCr && c3 != '\r')) {
            return fail(BadFormat("end-of-copy marker does not match previous newline style"));
          }
        }
        if (marker) return line(i, n, true, true);
        i++;  // CSV data that merely starts with \. : go on after the backslash
        continue;
      }
      if (!csv) {
        // Whatever follows a backslash is data, so that \\. is no marker
        // and a backslashed newline does not end the line.
        i += 1 + len2;
        continue;
      }
    }
    i++;
  }
}

SqlResult<bool> CopyReader::Next(std::vector<std::optional<std::string>>* fields) {
  if (error_) return SqlStatus(*error_);
  for (;;) {
    if (done_) return false;
    if (!line_started_) {
      line_started_ = true;
      scan_line_++;
      scan_ = pos_;
      in_quote_ = false;
      last_was_esc_ = false;
    }
    Scan s = ScanLine();
    if (s == Scan::kNeedMore) return false;
    if (s == Scan::kError) return SqlStatus(*error_);
    line_started_ = false;
    size_t begin = pos_;
    size_t end = found_end_;
    pos_ = found_next_;
    if (found_last_) {
      done_ = true;
      saw_marker_ = found_marker_;
    }
    if (header_pending_) {
      header_pending_ = false;
      continue;
    }
    // EOF at the start of a line ends the data; after some bytes it acts as
    // a newline.
    if (found_last_ && begin == end) return false;
    line_number_ = scan_line_;
    line_begin_ = begin;
    line_end_ = end;
    line_cached_ = false;
    line_valid_ = true;
    SqlStatus st = opts_.csv ? SplitCsv(begin, end, fields) : SplitText(begin, end, fields);
    if (!st.ok()) return st;
    return true;
  }
}

// CopyReadAttributesText: splits buf_[begin, end) at unescaped delimiters and
// de-escapes. A field is NULL when its raw text equals the NULL string.
SqlStatus CopyReader::SplitText(size_t begin, size_t end, std::vector<std::optional<std::string>>* fields) {
  const char* b = buf_.data();
  const char delim = opts_.delimiter;
  const std::string& null = opts_.null_string;
  size_t p = begin;
  size_t k = 0;
  for (;; k++) {
    const size_t start = p;
    while (p < end && b[p] != delim && b[p] != '\\') p++;
    if (p >= end || b[p] == delim) {
      // No escapes: the raw text is the value.
      size_t len = p - start;
      if (len == null.size() && std::memcmp(b + start, null.data(), len) == 0) {
        SetNull(fields, k);
      } else {
        SetField(fields, k, b + start, len);
      }
      if (p >= end) break;
      p++;
      continue;
    }

    scratch_.assign(b + start, p - start);
    bool found_delim = false;
    bool saw_non_ascii = false;
    size_t raw_end;
    for (;;) {
      size_t run = p;
      while (p < end && b[p] != delim && b[p] != '\\') p++;
      scratch_.append(b + run, p - run);
      raw_end = p;
      if (p >= end) break;
      char c = b[p++];
      if (c == delim) {
        found_delim = true;
        break;
      }
      // A backslash; one that ends the line is dropped.
      if (p >= end) break;
      c = b[p++];
      switch (c) {
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7': {
          int val = c - '0';
          if (p < end && IsOctal(b[p])) {
            val = (val << 3) + (b[p++] - '0');
            if (p < end && IsOctal(b[p])) val = (val << 3) + (b[p++] - '0');
          }
          c = static_cast<char>(val & 0377);
          if (c == '\0' || static_cast<uint8_t>(c) >= 0x80) saw_non_ascii = true;
          break;
        }
        case 'x':
          if (p < end && IsHex(b[p])) {
            int val = HexValue(b[p++]);
            if (p < end && IsHex(b[p])) val = (val << 4) + HexValue(b[p++]);
            c = static_cast<char>(val & 0xff);
            if (c == '\0' || static_cast<uint8_t>(c) >= 0x80) saw_non_ascii = true;
          }
          break;
        case 'b':
          c = '\b';
          break;
        case 'f':
          c = '\f';
          break;
        case 'n':
          c = '\n';
          break;
        case 'r':
          c = '\r';
          break;
        case 't':
          c = '\t';
          break;
        case 'v':
          c = '\v';
          break;
        default:
          break;  // any other byte stands for itself
      }
      scratch_.push_back(c);
    }
    // The NULL string is matched before de-escaping: "\N" is NULL, "\\N" not.
    size_t raw_len = raw_end - start;
    if (raw_len == null.size() && std::memcmp(b + start, null.data(), raw_len) == 0) {
      SetNull(fields, k);
    } else {
      if (saw_non_ascii) {
        SqlStatus st = CheckUtf8(scratch_);
        if (!st.ok()) return Fail(std::move(st.error()));
      }
      SetField(fields, k, scratch_.data(), scratch_.size());
    }
    if (!found_delim) break;
  }
  fields->resize(k + 1);
  return SqlStatus::Ok();
}

// CopyReadAttributesCSV: fields split at delimiters outside quotes; inside
// quotes the escape character escapes a quote or itself.
SqlStatus CopyReader::SplitCsv(size_t begin, size_t end, std::vector<std::optional<std::string>>* fields) {
  const char* b = buf_.data();
  const char delim = opts_.delimiter;
  const char quote = opts_.quote;
  const char escape = opts_.escape;
  const std::string& null = opts_.null_string;
  size_t p = begin;
  size_t k = 0;
  for (;; k++) {
    const size_t start = p;
    while (p < end && b[p] != delim && b[p] != quote) p++;
    if (p >= end || b[p] == delim) {
      // Unquoted: the raw text is the value, NULL when it is the NULL string.
      size_t len = p - start;
      if (len == null.size() && std::memcmp(b + start, null.data(), len) == 0) {
        SetNull(fields, k);
      } else {
        SetField(fields, k, b + start, len);
      }
      if (p >= end) break;
      p++;
      continue;
    }

    // Quoted (at least in part): never NULL.
    scratch_.assign(b + start, p - start);
    p++;  // the opening quote
    bool found_delim = false;
    for (;;) {
      // In quotes.
      for (;;) {
        size_t run = p;
        while (p < end && b[p] != quote && b[p] != escape) p++;
        scratch_.append(b + run, p - run);
        if (p >= end) return Fail(BadFormat("unterminated CSV quoted field"));
        char c = b[p++];
        if (c == escape && p < end && (b[p] == escape || b[p] == quote)) {
          scratch_.push_back(b[p++]);
          continue;
        }
        if (c == quote) break;
        scratch_.push_back(c);
      }
      // Out of quotes again, until the delimiter, the line's end or another
      // quoted part.
      size_t run = p;
      while (p < end && b[p] != delim && b[p] != quote) p++;
      scratch_.append(b + run, p - run);
      if (p >= end) break;
      if (b[p++] == delim) {
        found_delim = true;
        break;
      }
    }
    SetField(fields, k, scratch_.data(), scratch_.size());
    if (!found_delim) break;
  }
  fields->resize(k + 1);
  return SqlStatus::Ok();
}

// ---------------------------------------------------------------------------
// COPY TO

void AppendCopyRow(const std::vector<std::optional<std::string>>& fields, const CopyOptions& opts,
                   const std::vector<bool>& force_quote, std::string* out) {
  const bool single_attr = fields.size() == 1;
  for (size_t i = 0; i < fields.size(); i++) {
    if (i > 0) out->push_back(opts.delimiter);
    const auto& f = fields[i];
    if (!f.has_value()) {
      out->append(opts.null_string);
    } else if (opts.csv) {
      AppendCsv(*f, opts, i < force_quote.size() && force_quote[i], single_attr, out);
    } else {
      AppendText(*f, opts.delimiter, out);
    }
  }
  out->push_back('\n');
}

void AppendCopyHeader(const std::vector<std::string>& names, const CopyOptions& opts, std::string* out) {
  const bool single_attr = names.size() == 1;
  for (size_t i = 0; i < names.size(); i++) {
    if (i > 0) out->push_back(opts.delimiter);
    if (opts.csv) {
      AppendCsv(names[i], opts, false, single_attr, out);
    } else {
      AppendText(names[i], opts.delimiter, out);
    }
  }
  out->push_back('\n');
}

}  // namespace lumadb::engine::sql

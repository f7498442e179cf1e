#include "engine/sql/binder/functions.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "common/strutil.h"
#include "engine/sql/binder/json_functions.h"
#include "engine/sql/binder/regex.h"
#include "engine/sql/parser/pg_parser.h"
#include "engine/sql/types/array.h"
#include "engine/sql/types/datetime.h"
#include "engine/sql/types/interval.h"
#include "engine/sql/types/timezone.h"
#include "engine/sql/types/numeric.h"

namespace lumadb::engine::sql {

namespace {

constexpr size_t kMaxStringBytes = (1u << 30) - 1;  // PostgreSQL's MaxAllocSize for a text value

// Byte offsets of each character start in s, plus s.size() at the end.
std::vector<size_t> CharStarts(std::string_view s) {
  std::vector<size_t> out;
  out.reserve(s.size() + 1);
  for (size_t i = 0; i < s.size(); i++) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  out.push_back(s.size());
  return out;
}

int64_t CharCount(std::string_view s) {
  int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Characters [from, to) of s (0-based, clamped).
std::string Chars(std::string_view s, int64_t from, int64_t to) {
  std::vector<size_t> st = CharStarts(s);
  int64_t n = static_cast<int64_t>(st.size()) - 1;
  from = std::clamp<int64_t>(from, 0, n);
  to = std::clamp<int64_t>(to, from, n);
  return std::string(s.substr(st[from], st[to] - st[from]));
}

Value Text(std::string s) { return Value::String(Type::Of(TypeId::kText), std::move(s)); }
Value Int4(int64_t v) { return Value::Int(TypeId::kInt4, v); }
Value Float8(double v) { return Value::Float(TypeId::kFloat8, v); }

SqlError TooLarge() { return MakeError("54000", "requested length too large"); }

// --- string functions ---

SqlResult<Value> Substr(const std::vector<Value>& a, const Type&) {
  int64_t start = a[1].i;
  if (a.size() == 2) return Text(Chars(a[0].s, std::max<int64_t>(start, 1) - 1, INT64_MAX));
  int64_t count = a[2].i;
  if (count < 0) return MakeError("22011", "negative substring length not allowed");
  int64_t end = start + count;  // exclusive, 1-based
  if (end <= 1) return Text("");
  return Text(Chars(a[0].s, std::max<int64_t>(start, 1) - 1, end - 1));
}

SqlResult<Value> Position(const std::vector<Value>& a, const Type&) {
  const std::string& s = a[0].s;
  size_t at = s.find(a[1].s);
  if (at == std::string::npos) return Int4(0);
  return Int4(CharCount(std::string_view(s).substr(0, at)) + 1);
}

// btrim/ltrim/rtrim: removes characters in the set (default a space).
SqlResult<Value> Trim(const std::vector<Value>& a, bool left, bool right) {
  std::string_view s = a[0].s;
  std::string set = a.size() > 1 ? a[1].s : " ";
  std::vector<size_t> cs = CharStarts(set);
  auto in_set = [&](std::string_view ch) {
    for (size_t i = 0; i + 1 < cs.size(); i++) {
      if (std::string_view(set).substr(cs[i], cs[i + 1] - cs[i]) == ch) return true;
    }
    return false;
  };
  std::vector<size_t> st = CharStarts(s);
  size_t from = 0, to = st.size() - 1;
  while (left && from < to && in_set(s.substr(st[from], st[from + 1] - st[from]))) from++;
  while (right && to > from && in_set(s.substr(st[to - 1], st[to] - st[to - 1]))) to--;
  return Text(std::string(s.substr(st[from], st[to] - st[from])));
}
SqlResult<Value> Btrim(const std::vector<Value>& a, const Type&) { return Trim(a, true, true); }
SqlResult<Value> Ltrim(const std::vector<Value>& a, const Type&) { return Trim(a, true, false); }
SqlResult<Value> Rtrim(const std::vector<Value>& a, const Type&) { return Trim(a, false, true); }

SqlResult<Value> Replace(const std::vector<Value>& a, const Type&) {
  const std::string& s = a[0].s;
  const std::string& from = a[1].s;
  if (from.empty()) return Text(s);
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t at = s.find(from, pos);
    if (at == std::string::npos) break;
    out.append(s, pos, at - pos);
    out += a[2].s;
    if (out.size() > kMaxStringBytes) return TooLarge();
    pos = at + from.size();
  }
  out.append(s, pos, std::string::npos);
  return Text(std::move(out));
}

SqlResult<Value> SplitPart(const std::vector<Value>& a, const Type&) {
  const std::string& s = a[0].s;
  const std::string& d = a[1].s;
  int64_t n = a[2].i;
  if (n == 0) return MakeError("22023", "field position must not be zero");
  if (s.empty()) return Text("");
  if (d.empty()) return Text(n == 1 || n == -1 ? s : "");
  std::vector<std::string> parts;
  size_t pos = 0;
  for (;;) {
    size_t at = s.find(d, pos);
    if (at == std::string::npos) {
      parts.push_back(s.substr(pos));
      break;
    }
    parts.push_back(s.substr(pos, at - pos));
    pos = at + d.size();
  }
  int64_t k = static_cast<int64_t>(parts.size());
  if (n > 0) return Text(n <= k ? parts[n - 1] : "");
  return Text(-n <= k ? parts[k + n] : "");
}

SqlResult<Value> Left(const std::vector<Value>& a, const Type&) {
  int64_t n = a[1].i, len = CharCount(a[0].s);
  return Text(Chars(a[0].s, 0, n >= 0 ? n : len + n));
}

SqlResult<Value> Right(const std::vector<Value>& a, const Type&) {
  int64_t n = a[1].i, len = CharCount(a[0].s);
  return Text(Chars(a[0].s, n >= 0 ? len - n : -n, len));
}

SqlResult<Value> Pad(const std::vector<Value>& a, bool left) {
  int64_t len = a[1].i;
  if (len <= 0) return Text("");
  std::string fill = a.size() > 2 ? a[2].s : " ";
  int64_t have = CharCount(a[0].s);
  if (have >= len || fill.empty()) return Text(Chars(a[0].s, 0, len));
  std::vector<size_t> fs = CharStarts(fill);
  int64_t fill_chars = static_cast<int64_t>(fs.size()) - 1;
  std::string pad;
  for (int64_t i = 0; i < len - have; i++) {
    size_t k = static_cast<size_t>(i % fill_chars);
    pad.append(fill, fs[k], fs[k + 1] - fs[k]);
    if (pad.size() > kMaxStringBytes) return TooLarge();
  }
  return Text(left ? pad + a[0].s : a[0].s + pad);
}
SqlResult<Value> Lpad(const std::vector<Value>& a, const Type&) { return Pad(a, true); }
SqlResult<Value> Rpad(const std::vector<Value>& a, const Type&) { return Pad(a, false); }

SqlResult<Value> Repeat(const std::vector<Value>& a, const Type&) {
  int64_t n = a[1].i;
  if (n <= 0 || a[0].s.empty()) return Text("");
  if (static_cast<uint64_t>(n) * a[0].s.size() > kMaxStringBytes) return TooLarge();
  std::string out;
  out.reserve(static_cast<size_t>(n) * a[0].s.size());
  for (int64_t i = 0; i < n; i++) out += a[0].s;
  return Text(std::move(out));
}

SqlResult<Value> Reverse(const std::vector<Value>& a, const Type&) {
  std::string_view s = a[0].s;
  std::vector<size_t> st = CharStarts(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = st.size() - 1; i > 0; i--) out.append(s.substr(st[i - 1], st[i] - st[i - 1]));
  return Text(std::move(out));
}

SqlResult<Value> Initcap(const std::vector<Value>& a, const Type&) {
  std::string s = a[0].s;
  bool word = false;
  for (auto& ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      word = true;  // non-ASCII letters are left as they are, but continue a word
      continue;
    }
    ch = static_cast<char>(word ? std::tolower(c) : std::toupper(c));
    word = std::isalnum(c) != 0;
  }
  return Text(std::move(s));
}

SqlResult<Value> StartsWith(const std::vector<Value>& a, const Type&) {
  return Value::Bool(a[0].s.compare(0, a[1].s.size(), a[1].s) == 0);
}

SqlResult<Value> Ascii(const std::vector<Value>& a, const Type&) {
  const std::string& s = a[0].s;
  if (s.empty()) return Int4(0);
  unsigned char c = static_cast<unsigned char>(s[0]);
  if (c < 0x80) return Int4(c);
  int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  int64_t cp = c & (0xFF >> (len + 1));
  for (int i = 1; i < len && i < static_cast<int>(s.size()); i++) cp = (cp << 6) | (s[i] & 0x3F);
  return Int4(cp);
}

SqlResult<Value> Chr(const std::vector<Value>& a, const Type&) {
  int64_t cp = a[0].i;
  if (cp == 0) return MakeError("54000", "null character not permitted");
  if (cp < 0 || cp > 0x10FFFF) {
    return MakeError("54000", "requested character too large for encoding: " + std::to_string(cp));
  }
  if (cp >= 0xD800 && cp <= 0xDFFF) {
    return MakeError("54000", "requested character not valid for encoding: " + std::to_string(cp));
  }
  std::string out;
  AppendUtf8(static_cast<uint32_t>(cp), &out);
  return Text(std::move(out));
}

SqlResult<Value> ToHex(const std::vector<Value>& a, const Type&) {
  uint64_t v = a[0].type.id == TypeId::kInt8 ? static_cast<uint64_t>(a[0].i)
                                             : static_cast<uint32_t>(static_cast<int32_t>(a[0].i));
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[v & 15]);
    v >>= 4;
  } while (v != 0);
  return Text(std::move(out));
}

SqlResult<Value> Md5(const std::vector<Value>& a, const Type&) { return Text(Md5Hex(a[0].s)); }

SqlResult<Value> Translate(const std::vector<Value>& a, const Type&) {
  std::vector<size_t> from = CharStarts(a[1].s), to = CharStarts(a[2].s), src = CharStarts(a[0].s);
  auto ch = [](const std::string& s, const std::vector<size_t>& st, size_t i) {
    return std::string_view(s).substr(st[i], st[i + 1] - st[i]);
  };
  std::string out;
  for (size_t i = 0; i + 1 < src.size(); i++) {
    std::string_view c = ch(a[0].s, src, i);
    size_t k = 0;
    while (k + 1 < from.size() && ch(a[1].s, from, k) != c) k++;
    if (k + 1 == from.size()) {
      out += c;  // not in `from`: kept
    } else if (k + 1 < to.size()) {
      out += ch(a[2].s, to, k);
    }  // past the end of `to`: removed
  }
  return Text(std::move(out));
}

// quote_literal's form of a string: 'it''s', E'a\\b' when it has backslashes.
std::string QuoteLiteral(std::string_view s) {
  std::string out;
  if (s.find('\\') != std::string_view::npos) out += 'E';
  out += '\'';
  for (char c : s) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  out += '\'';
  return out;
}

SqlResult<Value> QuoteLiteralFn(const std::vector<Value>& a, const Type&) {
  std::string s;
  AppendText(a[0], &s);
  return Text(QuoteLiteral(s));
}

SqlResult<Value> QuoteNullable(const std::vector<Value>& a, const Type&) {
  if (a[0].null) return Text("NULL");
  return QuoteLiteralFn(a, Type());
}

SqlResult<Value> QuoteIdent(const std::vector<Value>& a, const Type&) { return Text(QuoteIdentifier(a[0].s)); }

// format(fmt, args...): %s, %I, %L, %%, positions (%2$s), widths (%5s,
// %-5s, %*s), with PostgreSQL's errors.
SqlResult<Value> Format(const std::vector<Value>& a, const Type& t) {
  if (a[0].null) return Value::Null(t);
  const std::string& f = a[0].s;
  std::string out;
  size_t next = 1;  // the next argument for a specifier without a position
  auto bad = [](const std::string& what) {
    SqlError e = MakeError(sqlstate::kInvalidParameterValue, what);
    return e;
  };
  auto read_num = [&](size_t* i, int64_t* n) {
    size_t start = *i;
    *n = 0;
    while (*i < f.size() && f[*i] >= '0' && f[*i] <= '9' && *n < 100000000) *n = *n * 10 + (f[(*i)++] - '0');
    return *i > start;
  };
  for (size_t i = 0; i < f.size(); i++) {
    if (f[i] != '%') {
      out += f[i];
      continue;
    }
    if (++i >= f.size()) return bad("unterminated format() type specifier");
    if (f[i] == '%') {
      out += '%';
      continue;
    }
    // [argpos$][flags][width]type
    size_t arg = 0;
    bool left = false;
    int64_t width = -1;
    size_t save = i;
    int64_t n;
    if (read_num(&i, &n) && i < f.size() && f[i] == '$') {
      if (n == 0) return bad("format specifies argument 0, but arguments are numbered from 1");
      arg = static_cast<size_t>(n);
      i++;
    } else {
      i = save;
    }
    if (i < f.size() && f[i] == '-') {
      left = true;
      i++;
    }
    if (i < f.size() && f[i] == '*') {
      i++;
      if (next >= a.size()) return bad("too few arguments for format()");
      const Value& w = a[next++];
      width = w.null ? 0 : w.i;
      if (!w.null && !IsInteger(w.type.id)) width = std::atoll(w.s.c_str());
      if (width < 0) {
        left = true;
        width = -width;
      }
    } else if (read_num(&i, &n)) {
      width = n;
    }
    if (i >= f.size()) return bad("unterminated format() type specifier");
    char type = f[i];
    if (type != 's' && type != 'I' && type != 'L') {
      SqlError e = bad(std::string("unrecognized format() type specifier \"") + type + "\"");
      e.hint = "For a single \"%\" use \"%%\".";
      return e;
    }
    size_t at = arg != 0 ? arg : next;
    if (at >= a.size()) return bad("too few arguments for format()");
    next = at + 1;
    const Value& v = a[at];
    std::string piece;
    if (v.null) {
      if (type == 'I') {
        return MakeError("22004", "null values cannot be formatted as an SQL identifier");
      }
      if (type == 'L') piece = "NULL";
    } else {
      std::string text;
      AppendText(v, &text);
      piece = type == 's' ? text : type == 'I' ? QuoteIdentifier(text) : QuoteLiteral(text);
    }
    int64_t len = CharCount(piece);
    if (width > len && !left) out.append(static_cast<size_t>(width - len), ' ');
    out += piece;
    if (width > len && left) out.append(static_cast<size_t>(width - len), ' ');
  }
  return Text(std::move(out));
}

SqlResult<Value> RegexpReplace(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(RegexOptions o, ParseRegexFlags(a.size() > 3 ? a[3].s : "", true));
  SQL_ASSIGN_OR_RETURN(const regex_t* re, CompileRegex(a[1].s, o.icase, false));
  const std::string& s = a[0].s;
  const std::string& repl = a[2].s;
  std::string out;
  size_t pos = 0;  // copied up to here
  SQL_RETURN_IF_ERROR(ForEachMatch(s, re, o.global, [&](size_t so, size_t eo, const regmatch_t* m) {
    out.append(s, pos, so - pos);
    for (size_t r = 0; r < repl.size(); r++) {
      char c = repl[r];
      if (c == '\\' && r + 1 < repl.size()) {
        char d = repl[r + 1];
        if ((d >= '1' && d <= '9') || d == '&') {
          // \1..\9: a group, \&: the whole match.
          int g = d == '&' ? 0 : d - '0';
          if (g <= static_cast<int>(re->re_nsub) && m[g].rm_so >= 0) {
            out.append(s, static_cast<size_t>(m[g].rm_so), static_cast<size_t>(m[g].rm_eo - m[g].rm_so));
          }
          r++;
          continue;
        }
        if (d == '\\') {
          out += '\\';
          r++;
          continue;
        }
      }
      out += c;
    }
    pos = eo;
  }));
  out.append(s, pos, std::string::npos);
  return Text(std::move(out));
}

Value TextArray(const std::vector<std::optional<std::string>>& items) {
  std::vector<Value> vals;
  for (const auto& i : items) vals.push_back(i ? Text(*i) : Value::Null(Type::Of(TypeId::kText)));
  return MakeArray(Type::Of(TypeId::kText), vals);
}

// regexp_match: the first match's groups (or the whole match) as text[].
SqlResult<Value> RegexpMatch(const std::vector<Value>& a, const Type& t) {
  SQL_ASSIGN_OR_RETURN(RegexOptions o, ParseRegexFlags(a.size() > 2 ? a[2].s : "", false));
  SQL_ASSIGN_OR_RETURN(auto matches, RegexMatches(a[0].s, a[1].s, o));
  if (matches.empty()) return Value::Null(t);
  return TextArray(matches[0]);
}

SqlResult<Value> RegexpSplitToArray(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(RegexOptions o, ParseRegexFlags(a.size() > 2 ? a[2].s : "", false));
  SQL_ASSIGN_OR_RETURN(std::vector<std::string> pieces, RegexSplit(a[0].s, a[1].s, o));
  std::vector<std::optional<std::string>> items(pieces.begin(), pieces.end());
  return TextArray(items);
}

// --- system information (pg_catalog functions clients call) ---

// Every relation is in public or pg_catalog, both on the search path.
SqlResult<Value> TableIsVisible(const std::vector<Value>&, const Type&) { return Value::Bool(true); }
SqlResult<Value> EmptyText(const std::vector<Value>&, const Type& t) { return Value::String(t, ""); }

SqlResult<Value> GetUserById(const std::vector<Value>& a, const Type&) {
  if (a[0].i == 10) return Text("postgres");
  if (a[0].i == 6171) return Text("pg_database_owner");
  return Text("unknown (OID=" + std::to_string(a[0].i) + ")");
}

// format_type(oid, typmod): NULL for a NULL type, no typmod for a NULL one.
SqlResult<Value> FormatType(const std::vector<Value>& a, const Type& result) {
  if (a[0].null) return Value::Null(result);
  bool has_mod = a.size() > 1 && !a[1].null;
  Type t = TypeFromOid(static_cast<uint32_t>(a[0].i), has_mod ? static_cast<int32_t>(a[1].i) : -1);
  if (t.id == TypeId::kNull) return Text("???");
  return Text(TypeName(t));
}

// pg_attrdef.adbin and the like hold the expression's text already.
SqlResult<Value> GetExpr(const std::vector<Value>& a, const Type&) { return Text(a[0].s); }

// pg_relation_size & co.: RocksDB's estimate of the relation's keys.
SqlResult<Value> SizeOf(const std::vector<Value>& a, const Type& t, char part) {
  SequenceAccess* access = CurrentSequenceAccess();
  auto size = access ? access->RelationSize(a[0].i, part) : std::nullopt;
  if (!size) return Value::Null(t);
  return Value::Int(TypeId::kInt8, *size);
}
SqlResult<Value> RelationSize(const std::vector<Value>& a, const Type& t) { return SizeOf(a, t, 'm'); }
SqlResult<Value> TableSize(const std::vector<Value>& a, const Type& t) { return SizeOf(a, t, 't'); }
SqlResult<Value> IndexesSize(const std::vector<Value>& a, const Type& t) { return SizeOf(a, t, 'i'); }
SqlResult<Value> TotalRelationSize(const std::vector<Value>& a, const Type& t) { return SizeOf(a, t, 'a'); }

// pg_size_pretty(bigint): PostgreSQL 15's units and half-rounding.
SqlResult<Value> SizePretty(const std::vector<Value>& a, const Type& t) {
  struct Unit {
    const char* name;
    int64_t limit;
    bool round;
    int bits;
  };
  static constexpr Unit kUnits[] = {{"bytes", 10 * 1024, false, 0}, {"kB", 20 * 1024 - 1, true, 10},
                                    {"MB", 20 * 1024 - 1, true, 20},   {"GB", 20 * 1024 - 1, true, 30},
                                    {"TB", 20 * 1024 - 1, true, 40},   {"PB", 20 * 1024 - 1, true, 50}};
  int64_t size = a[0].i;
  constexpr size_t n = sizeof(kUnits) / sizeof(kUnits[0]);
  for (size_t i = 0; i < n; i++) {
    const Unit& u = kUnits[i];
    if (i + 1 == n || (size < 0 ? -size : size) < u.limit) {
      if (u.round) size = (size + (size < 0 ? -1 : 1)) / 2;
      return Value::String(t, std::to_string(size) + " " + u.name);
    }
    int bits = kUnits[i + 1].bits - u.bits - (kUnits[i + 1].round ? 1 : 0) + (u.round ? 1 : 0);
    size /= int64_t{1} << bits;
  }
  return Value::Null(t);
}

// obj_description(oid [, catalog]), shobj_description(oid, catalog), col_description(oid, attnum): COMMENT ON's text.
SqlResult<Value> Description(const std::vector<Value>& a, const Type& t, int subid) {
  SequenceAccess* access = CurrentSequenceAccess();
  auto text = access ? access->Description(a[0].i, subid) : std::nullopt;
  if (!text) return Value::Null(t);
  return Value::String(t, *text);
}
SqlResult<Value> ObjDescription(const std::vector<Value>& a, const Type& t) { return Description(a, t, 0); }
SqlResult<Value> ColDescription(const std::vector<Value>& a, const Type& t) {
  return Description(a, t, static_cast<int>(a[1].i));
}

// Access-control lists are arrays in PostgreSQL; here every acl column is
// NULL (default privileges), which this strict function passes through.
SqlResult<Value> AclArrayToString(const std::vector<Value>&, const Type&) {
  return MakeError(sqlstate::kUndefinedFunction, "function array_to_string(text, text) does not exist");
}

SqlResult<Value> EncodingToChar(const std::vector<Value>& a, const Type&) {
  return Text(a[0].i == 6 ? "UTF8" : a[0].i == 0 ? "SQL_ASCII" : "");
}

// --- sequences ---

thread_local SequenceAccess* sequence_access = nullptr;

SqlResult<SequenceAccess*> Sequences() {
  if (sequence_access == nullptr) {
    return MakeError(sqlstate::kFeatureNotSupported, "sequence functions are not available here");
  }
  return sequence_access;
}

SqlResult<Value> NextVal(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(SequenceAccess * s, Sequences());
  SQL_ASSIGN_OR_RETURN(int64_t v, s->NextVal(a[0].s));
  return Value::Int(TypeId::kInt8, v);
}

SqlResult<Value> CurrVal(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(SequenceAccess * s, Sequences());
  SQL_ASSIGN_OR_RETURN(int64_t v, s->CurrVal(a[0].s));
  return Value::Int(TypeId::kInt8, v);
}

SqlResult<Value> SetVal(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(SequenceAccess * s, Sequences());
  SQL_ASSIGN_OR_RETURN(int64_t v, s->SetVal(a[0].s, a[1].i, a.size() < 3 || a[2].i != 0));
  return Value::Int(TypeId::kInt8, v);
}

SqlResult<Value> LastVal(const std::vector<Value>&, const Type&) {
  SQL_ASSIGN_OR_RETURN(SequenceAccess * s, Sequences());
  SQL_ASSIGN_OR_RETURN(int64_t v, s->LastVal());
  return Value::Int(TypeId::kInt8, v);
}

SqlResult<Value> SerialSequence(const std::vector<Value>& a, const Type& t) {
  SQL_ASSIGN_OR_RETURN(SequenceAccess * s, Sequences());
  SQL_ASSIGN_OR_RETURN(std::optional<std::string> name, s->SerialSequence(a[0].s, a[1].s));
  if (!name) return Value::Null(t);
  return Text(std::move(*name));
}

// --- uuid and bytea ---

SqlResult<Value> GenRandomUuid(const std::vector<Value>&, const Type&) {
  return Value::String(Type::Of(TypeId::kUuid), RandomUuid());
}

constexpr const char* kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// encode(bytes, 'hex' | 'base64' | 'escape'), as PostgreSQL's encode.c.
SqlResult<Value> Encode(const std::vector<Value>& a, const Type&) {
  const std::string& in = a[0].s;
  std::string format = a[1].s, out;
  for (auto& ch : format) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (format == "hex") {
    AppendByteaHex(in, &out);
    return Text(out.substr(2));
  }
  if (format == "base64") {
    // 76 characters to a line, as PostgreSQL's pg_base64_encode.
    size_t line = 0;
    for (size_t i = 0; i < in.size(); i += 3) {
      uint32_t v = static_cast<unsigned char>(in[i]) << 16;
      if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
      if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
      if (line >= 76) {
        out.push_back('\n');
        line = 0;
      }
      out.push_back(kBase64[(v >> 18) & 63]);
      out.push_back(kBase64[(v >> 12) & 63]);
      out.push_back(i + 1 < in.size() ? kBase64[(v >> 6) & 63] : '=');
      out.push_back(i + 2 < in.size() ? kBase64[v & 63] : '=');
      line += 4;
    }
    return Text(std::move(out));
  }
  if (format == "escape") {
    for (unsigned char c : in) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == 0 || c >= 0x80) {
        char buf[5];
        std::snprintf(buf, sizeof(buf), "\\%03o", c);
        out += buf;
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
    return Text(std::move(out));
  }
  return MakeError(sqlstate::kInvalidParameterValue, "unrecognized encoding: \"" + a[1].s + "\"");
}

// decode(text, 'hex' | 'base64' | 'escape').
SqlResult<Value> Decode(const std::vector<Value>& a, const Type&) {
  const std::string& in = a[0].s;
  std::string format = a[1].s;
  for (auto& ch : format) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (format == "hex") return ParseText("\\x" + in, Type::Of(TypeId::kBytea));
  if (format == "escape") {
    std::string escaped;
    for (char c : in) escaped += c;
    if (escaped.size() >= 2 && escaped[0] == '\\' && escaped[1] == 'x') escaped.insert(0, "\\");
    return ParseText(escaped, Type::Of(TypeId::kBytea));
  }
  if (format == "base64") {
    std::string out;
    uint32_t acc = 0;
    int bits = 0, pad = 0;
    for (char c : in) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
      if (c == '=') {
        pad++;
        continue;
      }
      const char* p = std::strchr(kBase64, c);
      if (p == nullptr || c == 0 || pad > 0) {
        return MakeError(sqlstate::kInvalidParameterValue,
                         "invalid symbol \"" + std::string(1, c) + "\" found while decoding base64 sequence");
      }
      acc = (acc << 6) | static_cast<uint32_t>(p - kBase64);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push_back(static_cast<char>((acc >> bits) & 0xff));
      }
    }
    if (bits >= 6 || (bits > 0 && (acc & ((1u << bits) - 1)) != 0 && pad == 0)) {
      return MakeError(sqlstate::kInvalidParameterValue, "invalid base64 end sequence");
    }
    return Value::String(Type::Of(TypeId::kBytea), std::move(out));
  }
  return MakeError(sqlstate::kInvalidParameterValue, "unrecognized encoding: \"" + a[1].s + "\"");
}

// --- math functions (double precision) ---

SqlResult<Value> Checked(double r) {
  if (std::isinf(r)) return MakeError(sqlstate::kNumericOutOfRange, "value out of range: overflow");
  return Float8(r);
}

SqlResult<Value> Ceil(const std::vector<Value>& a, const Type&) { return Float8(std::ceil(a[0].f)); }
SqlResult<Value> Floor(const std::vector<Value>& a, const Type&) { return Float8(std::floor(a[0].f)); }

// round(x) is PostgreSQL's dround (rint: halves to even); round(x, n) stands
// in for numeric's round (halves away from zero) until numeric exists.
SqlResult<Value> Round(const std::vector<Value>& a, const Type&) {
  if (a.size() == 1) return Float8(std::rint(a[0].f));
  double scale = std::pow(10.0, static_cast<double>(a[1].i));
  double r = std::round(a[0].f * scale) / scale;
  return Float8(std::isfinite(r) ? r : a[0].f);
}

SqlResult<Value> Trunc(const std::vector<Value>& a, const Type&) {
  if (a.size() == 1) return Float8(std::trunc(a[0].f));
  double scale = std::pow(10.0, static_cast<double>(a[1].i));
  double r = std::trunc(a[0].f * scale) / scale;
  return Float8(std::isfinite(r) ? r : a[0].f);
}

SqlResult<Value> Sqrt(const std::vector<Value>& a, const Type&) {
  if (a[0].f < 0) return MakeError("2201F", "cannot take square root of a negative number");
  return Float8(std::sqrt(a[0].f));
}

SqlResult<Value> Cbrt(const std::vector<Value>& a, const Type&) { return Float8(std::cbrt(a[0].f)); }

SqlResult<Value> Exp(const std::vector<Value>& a, const Type&) {
  double r = std::exp(a[0].f);
  if (r == 0 && !std::isinf(a[0].f)) return MakeError(sqlstate::kNumericOutOfRange, "value out of range: underflow");
  return Checked(r);
}

SqlResult<Value> Log(const std::vector<Value>& a, double (*fn)(double)) {
  if (a[0].f == 0) return MakeError("2201E", "cannot take logarithm of zero");
  if (a[0].f < 0) return MakeError("2201E", "cannot take logarithm of a negative number");
  return Float8(fn(a[0].f));
}
SqlResult<Value> Ln(const std::vector<Value>& a, const Type&) { return Log(a, [](double x) { return std::log(x); }); }
SqlResult<Value> Log10(const std::vector<Value>& a, const Type&) {
  return Log(a, [](double x) { return std::log10(x); });
}

SqlResult<Value> Power(const std::vector<Value>& a, const Type&) {
  double x = a[0].f, y = a[1].f;
  if (x == 0 && y < 0) return MakeError("2201F", "zero raised to a negative power is undefined");
  if (x < 0 && std::floor(y) != y) {
    return MakeError("2201F", "a negative number raised to a non-integer power yields a complex result");
  }
  return Checked(std::pow(x, y));
}

SqlResult<Value> Sign(const std::vector<Value>& a, const Type&) {
  return Float8(a[0].f > 0 ? 1.0 : a[0].f < 0 ? -1.0 : 0.0);
}

SqlResult<Value> Pi(const std::vector<Value>&, const Type&) { return Float8(M_PI); }
SqlResult<Value> Degrees(const std::vector<Value>& a, const Type&) { return Float8(a[0].f * (180.0 / M_PI)); }
SqlResult<Value> Radians(const std::vector<Value>& a, const Type&) { return Float8(a[0].f * (M_PI / 180.0)); }

SqlResult<Value> Random(const std::vector<Value>&, const Type&) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return Float8(std::uniform_real_distribution<double>(0.0, 1.0)(rng));
}

// --- numeric versions ---

Value Num(const numeric::Decimal& d) { return Value::String(Type::Of(TypeId::kNumeric), numeric::ToString(d)); }

SqlResult<Value> NumRound(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(numeric::Decimal d, NumericOf(a[0]));
  SQL_ASSIGN_OR_RETURN(numeric::Decimal r, numeric::Round(d, a.size() > 1 ? static_cast<int>(a[1].i) : 0));
  return Num(r);
}
SqlResult<Value> NumTrunc(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(numeric::Decimal d, NumericOf(a[0]));
  return Num(numeric::Trunc(d, a.size() > 1 ? static_cast<int>(a[1].i) : 0));
}
SqlResult<Value> NumCeil(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(numeric::Decimal d, NumericOf(a[0]));
  SQL_ASSIGN_OR_RETURN(numeric::Decimal r, numeric::Ceil(d));
  return Num(r);
}
SqlResult<Value> NumFloor(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(numeric::Decimal d, NumericOf(a[0]));
  SQL_ASSIGN_OR_RETURN(numeric::Decimal r, numeric::Floor(d));
  return Num(r);
}
SqlResult<Value> NumSign(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(numeric::Decimal d, NumericOf(a[0]));
  return Num(numeric::FromInt(d.coef > 0 ? 1 : d.coef < 0 ? -1 : 0));
}

using T = TypeId;

SequenceAccess* Access() { return CurrentSequenceAccess(); }

SqlResult<Value> GetIndexDef(const std::vector<Value>& a, const Type& t) {
  bool pretty = a.size() > 2 && a[2].i != 0;
  auto def = Access() ? Access()->IndexDef(a[0].i, pretty) : std::nullopt;
  if (!def) return Value::Null(t);
  return Value::String(t, *def);
}
SqlResult<Value> GetConstraintDef(const std::vector<Value>& a, const Type& t) {
  bool pretty = a.size() > 1 && a[1].i != 0;
  auto def = Access() ? Access()->ConstraintDef(a[0].i, pretty) : std::nullopt;
  if (!def) return Value::Null(t);
  return Value::String(t, *def);
}
// No triggers, statistics objects or publications exist here.
SqlResult<Value> NullResult(const std::vector<Value>&, const Type& t) { return Value::Null(t); }
SqlResult<Value> FalseResult(const std::vector<Value>&, const Type&) { return Value::Bool(false); }

// regnamespace's names for the namespaces there are.
const char* NamespaceName(int64_t oid) {
  return oid == 11 ? "pg_catalog" : oid == 2200 ? "public" : oid == 13181 ? "information_schema" : nullptr;
}

// An OID as regclass / regtype / regnamespace: the number, printing as its name.
SqlResult<Value> RegFromOid(const std::vector<Value>& a, const Type& t) {
  Value v = Value::Int(t.id, a[0].i);
  if (t.id == T::kRegclass) {
    if (auto name = Access() ? Access()->RelationName(a[0].i) : std::nullopt) v.s = *name;
  } else if (t.id == T::kRegtype) {
    Type type = a[0].i >= 0 && a[0].i <= UINT32_MAX ? TypeFromOid(static_cast<uint32_t>(a[0].i)) : Type{};
    if (type.id != T::kNull) v.s = TypeName(type);
  } else if (const char* n = NamespaceName(a[0].i)) {
    v.s = n;
  }
  return v;
}

// A name (or an OID in digits) as regclass / regnamespace.
SqlResult<Value> RegFromText(const std::vector<Value>& a, const Type& t) {
  const std::string& text = a[0].s;
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    SQL_ASSIGN_OR_RETURN(Value n, ParseText(text, t));
    return RegFromOid({n}, t);
  }
  if (t.id == T::kRegclass) {
    if (Access() == nullptr) return MakeError(sqlstate::kUndefinedTable, "relation \"" + text + "\" does not exist");
    SQL_ASSIGN_OR_RETURN(int64_t oid, Access()->RelationOid(text));
    return RegFromOid({Value::Int(T::kInt8, oid)}, t);
  }
  if (t.id == T::kRegnamespace) {
    for (int64_t oid : {11, 2200, 13181}) {
      if (text == NamespaceName(oid)) return RegFromOid({Value::Int(T::kInt8, oid)}, t);
    }
    return MakeError("3F000", "schema \"" + text + "\" does not exist");
  }
  return MakeError(sqlstate::kFeatureNotSupported, "regtype input by name is not supported by LumaDB yet");
}

const std::vector<ScalarFunction>& NumericFunctions() {
  static const std::vector<ScalarFunction> kFunctions = {
      {"round", 1, 2, {T::kNumeric, T::kInt4}, T::kNumeric, NumRound},
      {"trunc", 1, 2, {T::kNumeric, T::kInt4}, T::kNumeric, NumTrunc},
      {"ceil", 1, 1, {T::kNumeric}, T::kNumeric, NumCeil},
      {"ceiling", 1, 1, {T::kNumeric}, T::kNumeric, NumCeil},
      {"floor", 1, 1, {T::kNumeric}, T::kNumeric, NumFloor},
      {"sign", 1, 1, {T::kNumeric}, T::kNumeric, NumSign},
  };
  return kFunctions;
}

const std::vector<ScalarFunction>& Functions() {
  static const std::vector<ScalarFunction> kFunctions = {
      {"substr", 2, 3, {T::kText, T::kInt4}, T::kText, Substr},
      {"substring", 2, 3, {T::kText, T::kInt4}, T::kText, Substr},
      {"position", 2, 2, {T::kText}, T::kInt4, Position},
      {"strpos", 2, 2, {T::kText}, T::kInt4, Position},
      {"btrim", 1, 2, {T::kText}, T::kText, Btrim},
      {"ltrim", 1, 2, {T::kText}, T::kText, Ltrim},
      {"rtrim", 1, 2, {T::kText}, T::kText, Rtrim},
      {"replace", 3, 3, {T::kText}, T::kText, Replace},
      {"split_part", 3, 3, {T::kText, T::kText, T::kInt4}, T::kText, SplitPart},
      {"left", 2, 2, {T::kText, T::kInt4}, T::kText, Left},
      {"right", 2, 2, {T::kText, T::kInt4}, T::kText, Right},
      {"lpad", 2, 3, {T::kText, T::kInt4, T::kText}, T::kText, Lpad},
      {"rpad", 2, 3, {T::kText, T::kInt4, T::kText}, T::kText, Rpad},
      {"repeat", 2, 2, {T::kText, T::kInt4}, T::kText, Repeat},
      {"reverse", 1, 1, {T::kText}, T::kText, Reverse},
      {"initcap", 1, 1, {T::kText}, T::kText, Initcap},
      {"starts_with", 2, 2, {T::kText}, T::kBool, StartsWith},
      {"ascii", 1, 1, {T::kText}, T::kInt4, Ascii},
      {"chr", 1, 1, {T::kInt4}, T::kText, Chr},
      {"to_hex", 1, 1, {T::kInt8}, T::kText, ToHex},
      {"md5", 1, 1, {T::kText}, T::kText, Md5},
      {"translate", 3, 3, {T::kText}, T::kText, Translate},
      {"quote_literal", 1, 1, {kAnyArg}, T::kText, QuoteLiteralFn},
      {"quote_nullable", 1, 1, {kAnyArg}, T::kText, QuoteNullable, true},
      {"quote_ident", 1, 1, {T::kText}, T::kText, QuoteIdent},
      {"format", 1, 100, {T::kText, kAnyArg}, T::kText, Format, true},
      {"regexp_replace", 3, 4, {T::kText}, T::kText, RegexpReplace},
      {"regexp_match", 2, 3, {T::kText}, T::kArray, RegexpMatch},
      {"regexp_split_to_array", 2, 3, {T::kText}, T::kArray, RegexpSplitToArray},
      {"pg_table_is_visible", 1, 1, {T::kInt8}, T::kBool, TableIsVisible},
      {"pg_type_is_visible", 1, 1, {T::kInt8}, T::kBool, TableIsVisible},
      {"pg_tablespace_location", 1, 1, {T::kInt8}, T::kText, EmptyText},
      {"pg_get_userbyid", 1, 1, {T::kInt8}, T::kText, GetUserById},
      {"format_type", 2, 2, {T::kInt8, T::kInt4}, T::kText, FormatType, true},
      {"pg_get_expr", 2, 3, {T::kText, T::kInt8, T::kBool}, T::kText, GetExpr},
      {"pg_get_indexdef", 1, 3, {T::kInt8, T::kInt4, T::kBool}, T::kText, GetIndexDef},
      {"pg_get_constraintdef", 1, 2, {T::kInt8, T::kBool}, T::kText, GetConstraintDef},
      {"pg_get_triggerdef", 1, 2, {T::kInt8, T::kBool}, T::kText, NullResult},
      {"pg_get_statisticsobjdef_columns", 1, 1, {T::kInt8}, T::kText, NullResult},
      {"pg_relation_is_publishable", 1, 1, {T::kInt8}, T::kBool, FalseResult},
      {"obj_description", 1, 2, {T::kInt8, T::kText}, T::kText, ObjDescription},
      {"pg_relation_size", 1, 2, {T::kRegclass, T::kText}, T::kInt8, RelationSize},
      {"pg_table_size", 1, 1, {T::kRegclass}, T::kInt8, TableSize},
      {"pg_indexes_size", 1, 1, {T::kRegclass}, T::kInt8, IndexesSize},
      {"pg_total_relation_size", 1, 1, {T::kRegclass}, T::kInt8, TotalRelationSize},
      {"pg_size_pretty", 1, 1, {T::kInt8}, T::kText, SizePretty},
      {"col_description", 2, 2, {T::kInt8, T::kInt4}, T::kText, ColDescription},
      {"shobj_description", 2, 2, {T::kInt8, T::kText}, T::kText, ObjDescription},
      {"pg_encoding_to_char", 1, 1, {T::kInt4}, T::kText, EncodingToChar},
      {"array_to_string", 2, 3, {T::kText}, T::kText, AclArrayToString},
      {"nextval", 1, 1, {T::kText}, T::kInt8, NextVal},
      {"currval", 1, 1, {T::kText}, T::kInt8, CurrVal},
      {"setval", 2, 3, {T::kText, T::kInt8, T::kBool}, T::kInt8, SetVal},
      {"lastval", 0, 0, {}, T::kInt8, LastVal},
      {"pg_get_serial_sequence", 2, 2, {T::kText}, T::kText, SerialSequence},
      {"gen_random_uuid", 0, 0, {}, T::kUuid, GenRandomUuid},
      {"uuid_generate_v4", 0, 0, {}, T::kUuid, GenRandomUuid},
      {"encode", 2, 2, {T::kBytea, T::kText}, T::kText, Encode},
      {"decode", 2, 2, {T::kText}, T::kBytea, Decode},
      {"ceil", 1, 1, {T::kFloat8}, T::kFloat8, Ceil},
      {"ceiling", 1, 1, {T::kFloat8}, T::kFloat8, Ceil},
      {"floor", 1, 1, {T::kFloat8}, T::kFloat8, Floor},
      {"round", 1, 2, {T::kFloat8, T::kInt4}, T::kFloat8, Round},
      {"trunc", 1, 2, {T::kFloat8, T::kInt4}, T::kFloat8, Trunc},
      {"sqrt", 1, 1, {T::kFloat8}, T::kFloat8, Sqrt},
      {"cbrt", 1, 1, {T::kFloat8}, T::kFloat8, Cbrt},
      {"exp", 1, 1, {T::kFloat8}, T::kFloat8, Exp},
      {"ln", 1, 1, {T::kFloat8}, T::kFloat8, Ln},
      {"log", 1, 1, {T::kFloat8}, T::kFloat8, Log10},
      {"log10", 1, 1, {T::kFloat8}, T::kFloat8, Log10},
      {"power", 2, 2, {T::kFloat8}, T::kFloat8, Power},
      {"pow", 2, 2, {T::kFloat8}, T::kFloat8, Power},
      {"sign", 1, 1, {T::kFloat8}, T::kFloat8, Sign},
      {"pi", 0, 0, {}, T::kFloat8, Pi},
      {"degrees", 1, 1, {T::kFloat8}, T::kFloat8, Degrees},
      {"radians", 1, 1, {T::kFloat8}, T::kFloat8, Radians},
      {"random", 0, 0, {}, T::kFloat8, Random},
  };
  return kFunctions;
}

// --- MD5 (RFC 1321) ---

struct Md5State {
  uint32_t a = 0x67452301, b = 0xefcdab89, c = 0x98badcfe, d = 0x10325476;

  void Block(const uint8_t* p) {
    static const uint32_t k[64] = {
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
    static const int r[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                              5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                              4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                              6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
    uint32_t w[16];
    for (int i = 0; i < 16; i++) {
      w[i] = static_cast<uint32_t>(p[i * 4]) | static_cast<uint32_t>(p[i * 4 + 1]) << 8 |
             static_cast<uint32_t>(p[i * 4 + 2]) << 16 | static_cast<uint32_t>(p[i * 4 + 3]) << 24;
    }
    uint32_t A = a, B = b, C = c, D = d;
    for (int i = 0; i < 64; i++) {
      uint32_t f;
      int g;
      if (i < 16) {
        f = (B & C) | (~B & D);
        g = i;
      } else if (i < 32) {
        f = (D & B) | (~D & C);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = B ^ C ^ D;
        g = (3 * i + 5) % 16;
      } else {
        f = C ^ (B | ~D);
        g = (7 * i) % 16;
      }
      uint32_t t = D;
      D = C;
      C = B;
      uint32_t x = A + f + k[i] + w[g];
      B = B + ((x << r[i]) | (x >> (32 - r[i])));
      A = t;
    }
    a += A;
    b += B;
    c += C;
    d += D;
  }
};

}  // namespace

std::string Md5Hex(std::string_view data) {
  Md5State st;
  size_t n = data.size();
  size_t full = n / 64 * 64;
  for (size_t i = 0; i < full; i += 64) st.Block(reinterpret_cast<const uint8_t*>(data.data()) + i);
  uint8_t tail[128] = {0};
  size_t rest = n - full;
  std::memcpy(tail, data.data() + full, rest);
  tail[rest] = 0x80;
  size_t tail_len = rest + 1 + 8 <= 64 ? 64 : 128;
  uint64_t bits = static_cast<uint64_t>(n) * 8;
  for (int i = 0; i < 8; i++) tail[tail_len - 8 + i] = static_cast<uint8_t>(bits >> (8 * i));
  for (size_t i = 0; i < tail_len; i += 64) st.Block(tail + i);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (uint32_t v : {st.a, st.b, st.c, st.d}) {
    for (int i = 0; i < 4; i++) {
      uint8_t byte = static_cast<uint8_t>(v >> (8 * i));
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  return out;
}

namespace {
const ScalarFunction* Find(const std::vector<ScalarFunction>& table, std::string_view name, size_t nargs) {
  for (const auto& f : table) {
    if (name == f.name && static_cast<int>(nargs) >= f.min_args && static_cast<int>(nargs) <= f.max_args) {
      return &f;
    }
  }
  return nullptr;
}
}  // namespace

SequenceAccess* CurrentSequenceAccess() { return sequence_access; }

const ScalarFunction* FindRegCast(TypeId to, bool from_text) {
  static const ScalarFunction kFromText[] = {
      {"regclass", 1, 1, {T::kText}, T::kRegclass, RegFromText},
      {"regtype", 1, 1, {T::kText}, T::kRegtype, RegFromText},
      {"regnamespace", 1, 1, {T::kText}, T::kRegnamespace, RegFromText},
  };
  static const ScalarFunction kFromOid[] = {
      {"regclass", 1, 1, {T::kInt8}, T::kRegclass, RegFromOid},
      {"regtype", 1, 1, {T::kInt8}, T::kRegtype, RegFromOid},
      {"regnamespace", 1, 1, {T::kInt8}, T::kRegnamespace, RegFromOid},
  };
  int k = to == T::kRegclass ? 0 : to == T::kRegtype ? 1 : to == T::kRegnamespace ? 2 : -1;
  if (k < 0) return nullptr;
  return from_text ? &kFromText[k] : &kFromOid[k];
}

SequenceAccess* SetSequenceAccess(SequenceAccess* s) {
  SequenceAccess* prev = sequence_access;
  sequence_access = s;
  return prev;
}

const ScalarFunction* FindScalarFunction(std::string_view name, size_t nargs) {
  const ScalarFunction* f = Find(Functions(), name, nargs);
  return f != nullptr ? f : FindJsonFunction(name, nargs);
}

namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// PostgreSQL's spellings of the units (datetktbl's "units" entries).
std::string Unit(const std::string& field) {
  std::string f = Lower(field);
  static const std::pair<const char*, const char*> kAliases[] = {
      {"microsecond", "microseconds"}, {"us", "microseconds"}, {"usec", "microseconds"}, {"usecs", "microseconds"},
      {"millisecond", "milliseconds"}, {"ms", "milliseconds"}, {"msec", "milliseconds"}, {"msecs", "milliseconds"},
      {"seconds", "second"}, {"sec", "second"}, {"secs", "second"}, {"s", "second"},
      {"minutes", "minute"}, {"min", "minute"}, {"mins", "minute"}, {"m", "minute"},
      {"hours", "hour"}, {"hr", "hour"}, {"hrs", "hour"}, {"h", "hour"},
      {"days", "day"}, {"d", "day"}, {"weeks", "week"}, {"w", "week"},
      {"months", "month"}, {"mon", "month"}, {"mons", "month"}, {"quarters", "quarter"}, {"qtr", "quarter"},
      {"years", "year"}, {"yr", "year"}, {"yrs", "year"}, {"y", "year"},
      {"decades", "decade"}, {"dec", "decade"}, {"centuries", "century"}, {"cent", "century"},
      {"millennia", "millennium"}, {"mil", "millennium"}, {"mils", "millennium"},
  };
  for (const auto& [a, b] : kAliases) {
    if (f == a) return b;
  }
  return f;
}

SqlError BadUnit(const std::string& field, const Type& t, bool recognized) {
  return MakeError(recognized ? sqlstate::kFeatureNotSupported : "22023",
                   "unit \"" + Lower(field) + "\" " + (recognized ? "not supported" : "not recognized") +
                       " for type " + TypeName(Type::Of(t.id)));
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// A field's value num / 10^scale as EXTRACT's numeric or date_part's double.
Value PartValue(__int128 num, int scale, bool numeric_result) {
  if (numeric_result) {
    return Value::String(Type::Of(TypeId::kNumeric), numeric::ToString(numeric::Decimal{num, scale}));
  }
  double d = static_cast<double>(num);
  for (int i = 0; i < scale; i++) d /= 10;
  return Value::Float(TypeId::kFloat8, d);
}

bool KnownUnit(const std::string& u) {
  static const char* kUnits[] = {"microseconds", "milliseconds", "second", "minute", "hour", "day", "week",
                                 "month", "quarter", "year", "decade", "century", "millennium", "epoch",
                                 "dow", "isodow", "doy", "isoyear", "timezone", "timezone_hour",
                                 "timezone_minute", "julian"};
  for (const char* k : kUnits) {
    if (u == k) return true;
  }
  return false;
}

// EXTRACT / date_part of an interval (interval_part_common) or a time (time_part_common).
SqlResult<Value> IntervalOrTimePart(const std::string& field, const Value& x, bool numeric_result) {
  std::string u = Unit(field);
  datetime::IntervalFields f;
  __int128 epoch;
  if (x.type.id == TypeId::kTime) {
    datetime::Interval iv;
    iv.micros = x.i;
    f = datetime::IntervalFieldsOf(iv);
    epoch = x.i;
  } else {
    datetime::Interval iv = datetime::DecodeInterval(x.s);
    f = datetime::IntervalFieldsOf(iv);
    epoch = datetime::IntervalEpochMicros(iv);
  }
  __int128 secs = static_cast<__int128>(f.second) * 1000000 + f.micros;
  if (u == "microseconds") return PartValue(secs, 0, numeric_result);
  if (u == "milliseconds") return PartValue(secs, 3, numeric_result);
  if (u == "second") return PartValue(secs, 6, numeric_result);
  if (u == "minute") return PartValue(f.minute, 0, numeric_result);
  if (u == "hour") return PartValue(f.hour, 0, numeric_result);
  if (u == "epoch") return PartValue(epoch, 6, numeric_result);
  if (x.type.id == TypeId::kInterval) {
    if (u == "day") return PartValue(f.day, 0, numeric_result);
    if (u == "month") return PartValue(f.month, 0, numeric_result);
    if (u == "quarter") return PartValue(f.month / 3 + 1, 0, numeric_result);
    if (u == "year") return PartValue(f.year, 0, numeric_result);
    if (u == "decade") return PartValue(f.year / 10, 0, numeric_result);
    if (u == "century") return PartValue(f.year / 100, 0, numeric_result);
    if (u == "millennium") return PartValue(f.year / 1000, 0, numeric_result);
  }
  return BadUnit(field, x.type, KnownUnit(u));
}

}  // namespace

SqlResult<Value> DatePart(const std::string& field, const Value& x, bool numeric_result) {
  if (x.type.id == TypeId::kInterval || x.type.id == TypeId::kTime) return IntervalOrTimePart(field, x, numeric_result);
  const bool is_date = x.type.id == TypeId::kDate;
  std::string u = Unit(field);
  if ((is_date && (x.i == datetime::kDateInfinity || x.i == datetime::kDateNegInfinity)) ||
      (!is_date && (x.i == datetime::kTsInfinity || x.i == datetime::kTsNegInfinity))) {
    return MakeError(sqlstate::kFeatureNotSupported, "EXTRACT and date_part of infinity are not supported by LumaDB yet");
  }
  int64_t ts = is_date ? static_cast<int64_t>(x.i) * datetime::kMicrosPerDay : x.i;
  // A timestamptz's fields are those of its local time in the session's zone.
  const bool tz = x.type.id == TypeId::kTimestampTz;
  const int32_t east = tz ? datetime::CurrentZone()->OffsetAt(ts) : 0;
  const int64_t instant = ts;
  if (tz) ts += int64_t{east} * datetime::kMicrosPerSecond;
  datetime::Fields f = datetime::TimestampFields(ts);
  int32_t day = static_cast<int32_t>(FloorDiv(ts, datetime::kMicrosPerDay));
  int dow = static_cast<int>(((day % 7) + 7 + 6) % 7);  // 2000-01-01 was a Saturday
  int isodow = dow == 0 ? 7 : dow;
  // value = num / 10^scale
  __int128 num = 0;
  int scale = 0;
  bool time_unit = u == "microseconds" || u == "milliseconds" || u == "second" || u == "minute" || u == "hour";
  if (is_date && numeric_result && time_unit) return BadUnit(field, x.type, true);
  if (u == "microseconds") {
    num = int64_t{f.second} * 1000000 + f.micros;
  } else if (u == "milliseconds") {
    num = int64_t{f.second} * 1000000 + f.micros;
    scale = 3;
  } else if (u == "second") {
    num = int64_t{f.second} * 1000000 + f.micros;
    scale = 6;
  } else if (u == "minute") {
    num = f.minute;
  } else if (u == "hour") {
    num = f.hour;
  } else if (u == "day") {
    num = f.day;
  } else if (u == "month") {
    num = f.month;
  } else if (u == "quarter") {
    num = (f.month - 1) / 3 + 1;
  } else if (u == "year") {
    num = f.year > 0 ? f.year : f.year - 1;  // no year 0: 1 BC is -1
  } else if (u == "decade") {
    num = FloorDiv(f.year, 10);
  } else if (u == "century") {
    num = f.year > 0 ? (f.year + 99) / 100 : -((99 - (f.year - 1)) / 100);
  } else if (u == "millennium") {
    num = f.year > 0 ? (f.year + 999) / 1000 : -((999 - (f.year - 1)) / 1000);
  } else if (u == "dow") {
    num = dow;
  } else if (u == "isodow") {
    num = isodow;
  } else if (u == "doy") {
    num = day - datetime::DateFromFields(f.year, 1, 1) + 1;
  } else if (u == "week" || u == "isoyear") {
    int32_t thursday = day - (isodow - 4);
    datetime::Fields tf = datetime::DateFields(thursday);
    num = u == "isoyear" ? (tf.year > 0 ? tf.year : tf.year - 1)
                         : (thursday - datetime::DateFromFields(tf.year, 1, 1)) / 7 + 1;
  } else if (u == "epoch") {
    // seconds since 1970-01-01 00:00:00 UTC
    num = static_cast<__int128>(tz ? instant : ts) + static_cast<__int128>(946684800) * 1000000;
    scale = is_date && numeric_result ? 0 : 6;
    if (scale == 0) num /= 1000000;
  } else if (u == "timezone" || u == "timezone_hour" || u == "timezone_minute") {
    if (!tz) return BadUnit(field, x.type, true);
    num = u == "timezone" ? east : u == "timezone_hour" ? east / 3600 : east / 60 % 60;
  } else {
    return BadUnit(field, x.type, false);
  }
  return PartValue(num, scale, numeric_result);
}

SqlResult<Value> DateTrunc(const std::string& field, const Value& x) {
  if (x.i == datetime::kTsInfinity || x.i == datetime::kTsNegInfinity) return x;
  std::string u = Unit(field);
  // A timestamptz is truncated in the session's zone (its local midnight, ...).
  const bool tz = x.type.id == TypeId::kTimestampTz;
  int64_t ts = tz ? datetime::CurrentZone()->UtcToLocal(x.i) : x.i;
  int64_t day = FloorDiv(ts, datetime::kMicrosPerDay);
  int64_t in_day = ts - day * datetime::kMicrosPerDay;
  datetime::Fields f = datetime::TimestampFields(ts);
  auto at_date = [&](int y, int m, int d) {
    return static_cast<int64_t>(datetime::DateFromFields(y, m, d)) * datetime::kMicrosPerDay;
  };
  int64_t r;
  if (u == "microseconds") {
    r = ts;
  } else if (u == "milliseconds") {
    r = ts - ((ts % 1000) + 1000) % 1000;
  } else if (u == "second") {
    r = day * datetime::kMicrosPerDay + in_day / 1000000 * 1000000;
  } else if (u == "minute") {
    r = day * datetime::kMicrosPerDay + in_day / 60000000 * 60000000;
  } else if (u == "hour") {
    r = day * datetime::kMicrosPerDay + in_day / 3600000000LL * 3600000000LL;
  } else if (u == "day") {
    r = day * datetime::kMicrosPerDay;
  } else if (u == "week") {
    int dow = static_cast<int>(((day % 7) + 7 + 6) % 7);
    int isodow = dow == 0 ? 7 : dow;
    r = (day - (isodow - 1)) * datetime::kMicrosPerDay;  // Monday
  } else if (u == "month") {
    r = at_date(f.year, f.month, 1);
  } else if (u == "quarter") {
    r = at_date(f.year, (f.month - 1) / 3 * 3 + 1, 1);
  } else if (u == "year") {
    r = at_date(f.year, 1, 1);
  } else if (u == "decade") {
    r = at_date(static_cast<int>(FloorDiv(f.year, 10) * 10), 1, 1);
  } else if (u == "century") {
    int c = f.year > 0 ? (f.year + 99) / 100 : -((99 - (f.year - 1)) / 100);
    r = at_date(c > 0 ? (c - 1) * 100 + 1 : c * 100 + 1, 1, 1);
  } else if (u == "millennium") {
    int m = f.year > 0 ? (f.year + 999) / 1000 : -((999 - (f.year - 1)) / 1000);
    r = at_date(m > 0 ? (m - 1) * 1000 + 1 : m * 1000 + 1, 1, 1);
  } else {
    bool known = u == "epoch" || u == "dow" || u == "doy" || u == "isodow" || u == "isoyear" || u == "timezone";
    return BadUnit(field, x.type, known);
  }
  if (tz) r = datetime::CurrentZone()->LocalToUtc(r);
  Value out = Value::Int(x.type.id, r);
  out.type = Type::Of(x.type.id);
  return out;
}
const ScalarFunction* FindNumericFunction(std::string_view name, size_t nargs) {
  return Find(NumericFunctions(), name, nargs);
}

}  // namespace lumadb::engine::sql

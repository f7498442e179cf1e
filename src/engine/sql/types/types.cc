#include "engine/sql/types/types.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

#include "engine/sql/types/array.h"
#include "engine/sql/types/datetime.h"
#include "engine/sql/types/enums.h"
#include "engine/sql/types/interval.h"
#include "engine/sql/types/json.h"
#include "engine/sql/types/numeric.h"
#include "engine/sql/types/timezone.h"

namespace lumadb::engine::sql {

uint64_t PackTypeLength(const Type& t) {
  uint64_t len = static_cast<uint32_t>(static_cast<int64_t>(t.length) + 1);
  if (t.id == TypeId::kArray) len |= static_cast<uint64_t>(t.elem) << 32;
  return len;
}

bool IsJson(TypeId id) { return id == TypeId::kJson || id == TypeId::kJsonb; }
bool IsInteger(TypeId id) { return id == TypeId::kInt2 || id == TypeId::kInt4 || id == TypeId::kInt8; }
bool IsFloat(TypeId id) { return id == TypeId::kFloat4 || id == TypeId::kFloat8; }
bool IsNumeric(TypeId id) { return IsInteger(id) || IsFloat(id) || id == TypeId::kNumeric; }
bool IsDatetime(TypeId id) {
  return id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampTz;
}
bool IsOidAlias(TypeId id) {
  return id == TypeId::kRegclass || id == TypeId::kRegtype || id == TypeId::kRegnamespace;
}
bool IsString(TypeId id) {
  return id == TypeId::kText || id == TypeId::kVarchar || id == TypeId::kBpchar || id == TypeId::kUnknown;
}

uint32_t TypeOid(const Type& t) {
  switch (t.id) {
    case TypeId::kBool: return 16;
    case TypeId::kInt2: return 21;
    case TypeId::kInt4: return 23;
    case TypeId::kInt8: return 20;
    case TypeId::kFloat4: return 700;
    case TypeId::kFloat8: return 701;
    case TypeId::kVarchar: return 1043;
    case TypeId::kBpchar: return 1042;
    case TypeId::kText: return 25;
    case TypeId::kUnknown: return 25;  // PostgreSQL resolves an output literal to text
    case TypeId::kNull: return 25;
    case TypeId::kDate: return 1082;
    case TypeId::kTimestamp: return 1114;
    case TypeId::kTimestampTz: return 1184;
    case TypeId::kNumeric: return 1700;
    case TypeId::kUuid: return 2950;
    case TypeId::kBytea: return 17;
    case TypeId::kJson: return 114;
    case TypeId::kJsonb: return 3802;
    case TypeId::kArray: return ArrayOid(t.elem);
    case TypeId::kInterval: return 1186;
    case TypeId::kTime: return 1083;
    case TypeId::kRegclass: return 2205;
    case TypeId::kRegtype: return 2206;
    case TypeId::kRegnamespace: return 4089;
    case TypeId::kEnum: return static_cast<uint32_t>(t.length);
  }
  return 25;
}

int16_t TypeLen(const Type& t) {
  switch (t.id) {
    case TypeId::kBool: return 1;
    case TypeId::kInt2: return 2;
    case TypeId::kInt4: return 4;
    case TypeId::kInt8: return 8;
    case TypeId::kFloat4: return 4;
    case TypeId::kFloat8: return 8;
    case TypeId::kDate: return 4;
    case TypeId::kTimestamp: return 8;
    case TypeId::kTimestampTz: return 8;
    case TypeId::kUuid: return 16;
    case TypeId::kInterval: return 16;
    case TypeId::kTime: return 8;
    case TypeId::kRegclass:
    case TypeId::kRegtype:
    case TypeId::kRegnamespace:
    case TypeId::kEnum: return 4;
    default: return -1;
  }
}

int32_t TypeMod(const Type& t) {
  if (t.id == TypeId::kArray) return TypeMod(t.Element());
  if ((t.id == TypeId::kVarchar || t.id == TypeId::kBpchar) && t.length >= 0) return t.length + 4;
  if ((t.id == TypeId::kTimestamp || t.id == TypeId::kTimestampTz || t.id == TypeId::kTime) && t.length >= 0) {
    return t.length;
  }
  if (t.id == TypeId::kNumeric || t.id == TypeId::kInterval) return t.length;
  return -1;  // (an enum's length is its OID, not a typmod)
}

Type TypeFromOid(uint32_t oid, int32_t typmod) {
  TypeId id;
  switch (oid) {
    case 16: id = TypeId::kBool; break;
    case 21: id = TypeId::kInt2; break;
    case 23: id = TypeId::kInt4; break;
    case 20: id = TypeId::kInt8; break;
    case 700: id = TypeId::kFloat4; break;
    case 701: id = TypeId::kFloat8; break;
    case 25: id = TypeId::kText; break;
    case 1043: id = TypeId::kVarchar; break;
    case 1042: id = TypeId::kBpchar; break;
    case 1082: id = TypeId::kDate; break;
    case 1114: id = TypeId::kTimestamp; break;
    case 1184: id = TypeId::kTimestampTz; break;
    case 1700: id = TypeId::kNumeric; break;
    case 2950: id = TypeId::kUuid; break;
    case 17: id = TypeId::kBytea; break;
    case 114: id = TypeId::kJson; break;
    case 3802: id = TypeId::kJsonb; break;
    case 1186: id = TypeId::kInterval; break;
    case 1083: id = TypeId::kTime; break;
    case 2205: id = TypeId::kRegclass; break;
    case 2206: id = TypeId::kRegtype; break;
    case 4089: id = TypeId::kRegnamespace; break;
    default: {
      if (FindEnum(oid) != nullptr) return Type::Of(TypeId::kEnum, static_cast<int32_t>(oid));
      TypeId elem = ArrayElementOfOid(oid);
      if (elem == TypeId::kNull) return Type::Of(TypeId::kNull);
      return Type::ArrayOf(TypeFromOid(TypeOid(Type::Of(elem)), typmod));
    }
  }
  int32_t length = -1;
  if ((id == TypeId::kVarchar || id == TypeId::kBpchar) && typmod >= 4) length = typmod - 4;
  if ((id == TypeId::kTimestamp || id == TypeId::kTimestampTz || id == TypeId::kTime) && typmod >= 0) length = typmod;
  if (id == TypeId::kNumeric || id == TypeId::kInterval) length = typmod;
  return Type::Of(id, length);
}

const char* TypeCatalogName(TypeId id) {
  switch (id) {
    case TypeId::kBool: return "bool";
    case TypeId::kInt2: return "int2";
    case TypeId::kInt4: return "int4";
    case TypeId::kInt8: return "int8";
    case TypeId::kFloat4: return "float4";
    case TypeId::kFloat8: return "float8";
    case TypeId::kText: return "text";
    case TypeId::kVarchar: return "varchar";
    case TypeId::kBpchar: return "bpchar";
    case TypeId::kDate: return "date";
    case TypeId::kTimestamp: return "timestamp";
    case TypeId::kTimestampTz: return "timestamptz";
    case TypeId::kNumeric: return "numeric";
    case TypeId::kUuid: return "uuid";
    case TypeId::kBytea: return "bytea";
    case TypeId::kJson: return "json";
    case TypeId::kJsonb: return "jsonb";
    case TypeId::kArray: return "anyarray";  // an array type's own name is "_" + its element's
    case TypeId::kInterval: return "interval";
    case TypeId::kTime: return "time";
    case TypeId::kRegclass: return "regclass";
    case TypeId::kRegtype: return "regtype";
    case TypeId::kRegnamespace: return "regnamespace";
    case TypeId::kEnum: return "anyenum";  // an enum type's own name is in pg_type
    case TypeId::kUnknown:
    case TypeId::kNull: return "unknown";
  }
  return "unknown";
}

std::string TypeName(const Type& t) {
  switch (t.id) {
    case TypeId::kBool: return "boolean";
    case TypeId::kInt2: return "smallint";
    case TypeId::kInt4: return "integer";
    case TypeId::kInt8: return "bigint";
    case TypeId::kFloat4: return "real";
    case TypeId::kFloat8: return "double precision";
    case TypeId::kText: return "text";
    case TypeId::kVarchar:
      return t.length >= 0 ? "character varying(" + std::to_string(t.length) + ")" : "character varying";
    case TypeId::kBpchar: return "character(" + std::to_string(t.length < 0 ? 1 : t.length) + ")";
    case TypeId::kUnknown: return "unknown";
    case TypeId::kNull: return "unknown";
    case TypeId::kDate: return "date";
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      std::string p = t.length >= 0 ? "(" + std::to_string(t.length) + ")" : "";
      return "timestamp" + p + (t.id == TypeId::kTimestamp ? " without time zone" : " with time zone");
    }
    case TypeId::kNumeric:
      if (t.length < 0) return "numeric";
      return "numeric(" + std::to_string(numeric::TypmodPrecision(t.length)) + "," +
             std::to_string(numeric::TypmodScale(t.length)) + ")";
    case TypeId::kUuid: return "uuid";
    case TypeId::kBytea: return "bytea";
    case TypeId::kJson: return "json";
    case TypeId::kJsonb: return "jsonb";
    case TypeId::kArray: return TypeName(t.Element()) + "[]";
    case TypeId::kInterval: return "interval" + datetime::IntervalTypmodText(t.length);
    case TypeId::kTime:
      return t.length >= 0 ? "time(" + std::to_string(t.length) + ") without time zone" : "time without time zone";
    case TypeId::kRegclass: return "regclass";
    case TypeId::kRegtype: return "regtype";
    case TypeId::kRegnamespace: return "regnamespace";
    case TypeId::kEnum: {
      auto e = FindEnum(static_cast<uint32_t>(t.length));
      if (e == nullptr) return "anyenum";
      bool plain = !e->name.empty() && !(e->name[0] >= '0' && e->name[0] <= '9');
      for (char c : e->name) plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
      return plain ? e->name : "\"" + e->name + "\"";
    }
  }
  return "unknown";
}

std::string InputTypeName(TypeId id) {
  switch (id) {
    case TypeId::kVarchar: return "character varying";
    case TypeId::kBpchar: return "character";
    default: return TypeName(Type::Of(id));
  }
}

void AppendIntText(TypeId id, int64_t x, std::string* out) {
  if (id == TypeId::kBool) {
    out->push_back(x ? 't' : 'f');
    return;
  }
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), x);
  out->append(buf, r.ptr);
}

// PostgreSQL's float output with extra_float_digits > 0: the shortest digits
// that read back exactly (Ryu), fixed notation for decimal exponents in
// [-4, 15) (float4: [-4, 6)), otherwise d.ddde+XX with at least two exponent digits.
void AppendFloatText(TypeId id, double x, std::string* out) {
  if (std::isnan(x)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(x)) {
    out->append(x > 0 ? "Infinity" : "-Infinity");
    return;
  }
  if (x == 0) {
    out->append(std::signbit(x) ? "-0" : "0");
    return;
  }
  char buf[64];
  std::to_chars_result r;
  if (id == TypeId::kFloat4) {
    r = std::to_chars(buf, buf + sizeof(buf), static_cast<float>(x), std::chars_format::scientific);
  } else {
    r = std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::scientific);
  }
  std::string_view sci(buf, r.ptr - buf);
  bool neg = sci[0] == '-';
  if (neg) sci.remove_prefix(1);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
  int upper = id == TypeId::kFloat4 ? 6 : 15;
  if (neg) out->push_back('-');
  if (exp >= -4 && exp < upper) {
    if (exp < 0) {
      out->append("0.");
      out->append(static_cast<size_t>(-exp - 1), '0');
      out->append(digits);
    } else if (static_cast<size_t>(exp) + 1 >= digits.size()) {
      out->append(digits);
      out->append(static_cast<size_t>(exp) + 1 - digits.size(), '0');
    } else {
      out->append(digits, 0, exp + 1);
      out->push_back('.');
      out->append(digits, exp + 1, std::string::npos);
    }
    return;
  }
  out->push_back(digits[0]);
  if (digits.size() > 1) {
    out->push_back('.');
    out->append(digits, 1, std::string::npos);
  }
  out->push_back('e');
  out->push_back(exp < 0 ? '-' : '+');
  int a = exp < 0 ? -exp : exp;
  if (a < 10) out->push_back('0');
  out->append(std::to_string(a));
}

void AppendByteaHex(std::string_view bytes, std::string* out) {
  static const char* kHex = "0123456789abcdef";
  out->append("\\x");
  for (unsigned char c : bytes) {
    out->push_back(kHex[c >> 4]);
    out->push_back(kHex[c & 15]);
  }
}

std::string RandomUuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string u(16, '\0');
  for (int i = 0; i < 16; i += 8) {
    uint64_t x = rng();
    std::memcpy(&u[i], &x, 8);
  }
  u[6] = static_cast<char>((u[6] & 0x0f) | 0x40);  // version 4
  u[8] = static_cast<char>((u[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return u;
}

void AppendText(const Value& v, std::string* out) {
  switch (v.type.id) {
    case TypeId::kUuid: {
      static const char* kHex = "0123456789abcdef";
      for (size_t i = 0; i < v.s.size(); i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
        unsigned char c = static_cast<unsigned char>(v.s[i]);
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
      }
      return;
    }
    case TypeId::kBytea: AppendByteaHex(v.s, out); return;
    case TypeId::kDate: datetime::AppendDate(static_cast<int32_t>(v.i), out); return;
    case TypeId::kTimestamp: datetime::AppendTimestamp(v.i, out); return;
    case TypeId::kTimestampTz: datetime::AppendTimestampTz(v.i, out); return;
    case TypeId::kInterval: datetime::AppendInterval(datetime::DecodeInterval(v.s), out); return;
    case TypeId::kTime: datetime::AppendTime(v.i, out); return;
    case TypeId::kRegclass:
    case TypeId::kRegtype:
    case TypeId::kRegnamespace:
      // The name the OID had when the value was made, else the OID (as PostgreSQL prints an unknown one).
      if (!v.s.empty()) {
        out->append(v.s);
      } else {
        AppendIntText(TypeId::kInt8, v.i, out);
      }
      return;
    default: break;
  }
  switch (PhysicalOf(v.type.id)) {
    case Physical::kInt: AppendIntText(v.type.id, v.i, out); return;
    case Physical::kFloat: AppendFloatText(v.type.id, v.f, out); return;
    case Physical::kString: out->append(v.s); return;
  }
}

const char* IntRangeName(TypeId id) {
  switch (id) {
    case TypeId::kInt2: return "smallint";
    case TypeId::kInt4: return "integer";
    default: return "bigint";
  }
}

SqlStatus CheckIntRange(TypeId id, __int128 x) {
  __int128 lo, hi;
  switch (id) {
    case TypeId::kInt2: lo = INT16_MIN; hi = INT16_MAX; break;
    case TypeId::kInt4: lo = INT32_MIN; hi = INT32_MAX; break;
    default: lo = INT64_MIN; hi = INT64_MAX; break;
  }
  if (x < lo || x > hi) return MakeError(sqlstate::kNumericOutOfRange, std::string(IntRangeName(id)) + " out of range");
  return SqlStatus::Ok();
}

SqlStatus CheckIntRange(TypeId id, int64_t x) { return CheckIntRange(id, static_cast<__int128>(x)); }

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

SqlError InvalidInput(TypeId id, std::string_view text) {
  return MakeError(sqlstate::kInvalidTextRepresentation,
                   "invalid input syntax for type " + InputTypeName(id) + ": \"" + std::string(text) + "\"");
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Byte length of the first n characters of UTF-8 text (or all of it).
size_t Utf8Chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) n++;
  }
  return n;
}
size_t Utf8Prefix(std::string_view s, size_t chars) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); i++) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == chars) return i;
      n++;
    }
  }
  return s.size();
}

SqlResult<Value> FitString(std::string s, const Type& to, bool explicit_cast) {
  if (to.id == TypeId::kBpchar) {
    size_t want = to.length < 0 ? 1 : static_cast<size_t>(to.length);
    size_t have = Utf8Chars(s);
    if (have > want) {
      size_t cut = Utf8Prefix(s, want);
      bool only_spaces = s.find_first_not_of(' ', cut) == std::string::npos;
      if (!explicit_cast && !only_spaces) {
        return MakeError(sqlstate::kStringDataRightTruncation,
                         "value too long for type character(" + std::to_string(want) + ")");
      }
      s.resize(cut);
    } else {
      s.append(want - have, ' ');
    }
    return Value::String(to, std::move(s));
  }
  if (to.id == TypeId::kVarchar && to.length >= 0) {
    size_t have = Utf8Chars(s);
    if (have > static_cast<size_t>(to.length)) {
      size_t cut = Utf8Prefix(s, to.length);
      bool only_spaces = s.find_first_not_of(' ', cut) == std::string::npos;
      if (!explicit_cast && !only_spaces) {
        return MakeError(sqlstate::kStringDataRightTruncation,
                         "value too long for type character varying(" + std::to_string(to.length) + ")");
      }
      s.resize(cut);
    }
  }
  return Value::String(to, std::move(s));
}

}  // namespace

SqlResult<numeric::Decimal> NumericOf(const Value& v) {
  switch (PhysicalOf(v.type.id)) {
    case Physical::kInt: return numeric::FromInt(v.i);
    case Physical::kFloat: return numeric::FromDouble(v.f);
    case Physical::kString: return numeric::Parse(v.s);
  }
  return numeric::Decimal{};
}

SqlResult<Value> NumericValue(const numeric::Decimal& d, const Type& t) {
  numeric::Decimal r = d;
  if (t.length >= 0) {
    SQL_ASSIGN_OR_RETURN(r, numeric::ApplyTypmod(d, numeric::TypmodPrecision(t.length), numeric::TypmodScale(t.length)));
  }
  return Value::String(t, numeric::ToString(r));
}

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// PostgreSQL's string_to_uuid: 32 hex digits, a '-' allowed after any
// group of four, optionally in braces.
SqlResult<Value> ParseUuid(std::string_view text) {
  std::string_view src = text;
  bool braces = !src.empty() && src[0] == '{';
  if (braces) src.remove_prefix(1);
  std::string bytes;
  for (int i = 0; i < 16; i++) {
    if (src.size() < 2 || HexDigit(src[0]) < 0 || HexDigit(src[1]) < 0) return InvalidInput(TypeId::kUuid, text);
    bytes.push_back(static_cast<char>(HexDigit(src[0]) * 16 + HexDigit(src[1])));
    src.remove_prefix(2);
    if (!src.empty() && src[0] == '-' && i % 2 == 1 && i < 15) src.remove_prefix(1);
  }
  if (braces) {
    if (src.empty() || src[0] != '}') return InvalidInput(TypeId::kUuid, text);
    src.remove_prefix(1);
  }
  if (!src.empty()) return InvalidInput(TypeId::kUuid, text);
  return Value::String(Type::Of(TypeId::kUuid), std::move(bytes));
}

// PostgreSQL's byteain: \x then hex digit pairs (whitespace between pairs),
// or the escape format (\\ for a backslash, \ooo octal, other bytes as they are).
SqlResult<Value> ParseBytea(std::string_view text) {
  std::string out;
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
    for (size_t i = 2; i < text.size();) {
      char c = text[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        i++;
        continue;
      }
      int hi = HexDigit(c);
      if (hi < 0) {
        return MakeError(sqlstate::kInvalidParameterValue, "invalid hexadecimal digit: \"" + std::string(1, c) + "\"");
      }
      if (i + 1 >= text.size()) {
        return MakeError(sqlstate::kInvalidParameterValue, "invalid hexadecimal data: odd number of digits");
      }
      int lo = HexDigit(text[i + 1]);
      if (lo < 0) {
        return MakeError(sqlstate::kInvalidParameterValue,
                         "invalid hexadecimal digit: \"" + std::string(1, text[i + 1]) + "\"");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
    return Value::String(Type::Of(TypeId::kBytea), std::move(out));
  }
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '\\') {
      out.push_back(text[i++]);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      i += 2;
      continue;
    }
    if (i + 3 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '3' && text[i + 2] >= '0' &&
        text[i + 2] <= '7' && text[i + 3] >= '0' && text[i + 3] <= '7') {
      out.push_back(static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0')));
      i += 4;
      continue;
    }
    return MakeError(sqlstate::kInvalidTextRepresentation, "invalid input syntax for type bytea");
  }
  return Value::String(Type::Of(TypeId::kBytea), std::move(out));
}

}  // namespace

SqlResult<Value> ParseText(std::string_view text, const Type& t) {
  switch (t.id) {
    case TypeId::kUuid: return ParseUuid(text);
    case TypeId::kBytea: return ParseBytea(text);
    case TypeId::kJson: {
      SqlResult<json::Node> n = json::Parse(text, false);
      if (!n.ok()) return n.TakeStatus();
      return Value::String(t, std::string(text));
    }
    case TypeId::kJsonb: {
      SQL_ASSIGN_OR_RETURN(json::Node n, json::Parse(text, true));
      return Value::String(t, json::ToJsonb(n));
    }
    case TypeId::kArray: return ParseArray(text, t);
    case TypeId::kBool: {
      std::string_view s = Trim(text);
      // PostgreSQL accepts any unique prefix of true/false/yes/no, and on/off.
      if (!s.empty()) {
        auto prefix_of = [&](const char* word, size_t min) {
          return s.size() >= min && s.size() <= strlen(word) && EqualsIgnoreCase(s, std::string_view(word, s.size()));
        };
        if (prefix_of("true", 1) || prefix_of("yes", 1) || EqualsIgnoreCase(s, "on") || s == "1") return Value::Bool(true);
        if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || s == "0") return Value::Bool(false);
      }
      return InvalidInput(t.id, text);
    }
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8: {
      std::string_view s = Trim(text);
      bool neg = false;
      size_t i = 0;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
      }
      if (i == s.size()) return InvalidInput(t.id, text);
      __int128 v = 0;
      bool overflow = false;
      for (; i < s.size(); i++) {
        if (s[i] < '0' || s[i] > '9') return InvalidInput(t.id, text);
        v = v * 10 + (s[i] - '0');
        if (v > (static_cast<__int128>(1) << 64)) overflow = true;
      }
      if (neg) v = -v;
      if (overflow || !CheckIntRange(t.id, v).ok()) {
        return MakeError(sqlstate::kNumericOutOfRange, "value \"" + std::string(text) +
                                                           "\" is out of range for type " + IntRangeName(t.id));
      }
      return Value::Int(t.id, static_cast<int64_t>(v));
    }
    case TypeId::kFloat4:
    case TypeId::kFloat8: {
      std::string_view s = Trim(text);
      std::string_view body = s;
      bool neg = false;
      if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
        neg = body[0] == '-';
        body.remove_prefix(1);
      }
      if (EqualsIgnoreCase(s, "NaN")) return Value::Float(t.id, std::nan(""));
      if (EqualsIgnoreCase(body, "Infinity") || EqualsIgnoreCase(body, "inf")) {
        return Value::Float(t.id, neg ? -INFINITY : INFINITY);
      }
      if (s.empty()) return InvalidInput(t.id, text);
      std::string buf(s);
      char* end = nullptr;
      errno = 0;
      double d = strtod(buf.c_str(), &end);
      if (end != buf.c_str() + buf.size() || buf.find_first_of("xXnNiI") != std::string::npos) {
        return InvalidInput(t.id, text);
      }
      bool out_of_range = errno == ERANGE && (std::isinf(d) || d != 0);
      if (t.id == TypeId::kFloat4 && std::isfinite(d) &&
          (std::fabs(d) > std::numeric_limits<float>::max() ||
           (d != 0 && std::fabs(d) < std::numeric_limits<float>::denorm_min()))) {
        out_of_range = true;
      }
      if (out_of_range) {
        return MakeError(sqlstate::kNumericOutOfRange,
                         "\"" + std::string(text) + "\" is out of range for type " + TypeName(t));
      }
      if (t.id == TypeId::kFloat4) d = static_cast<float>(d);
      return Value::Float(t.id, d);
    }
    case TypeId::kText:
    case TypeId::kUnknown:
    case TypeId::kNull:
      return Value::String(t.id == TypeId::kNull ? Type::Of(TypeId::kText) : t, std::string(text));
    case TypeId::kVarchar:
    case TypeId::kBpchar:
      return FitString(std::string(text), t, false);
    case TypeId::kNumeric: {
      SQL_ASSIGN_OR_RETURN(numeric::Decimal d, numeric::Parse(text));
      return NumericValue(d, t);
    }
    case TypeId::kDate: {
      SQL_ASSIGN_OR_RETURN(int32_t d, datetime::ParseDate(text, datetime::CurrentTimestampMicros()));
      return Value::Int(t.id, d);
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      int64_t now = datetime::CurrentTimestampMicros();
      SQL_ASSIGN_OR_RETURN(int64_t ts, t.id == TypeId::kTimestamp ? datetime::ParseTimestamp(text, now)
                                                                  : datetime::ParseTimestampTz(text, now));
      Value v = Value::Int(t.id, t.length >= 0 ? datetime::RoundTimestamp(ts, t.length) : ts);
      v.type = t;
      return v;
    }
    case TypeId::kTime: {
      SQL_ASSIGN_OR_RETURN(int64_t x, datetime::ParseTime(text, datetime::CurrentTimestampMicros()));
      Value v = Value::Int(t.id, t.length >= 0 ? datetime::RoundTime(x, t.length) : x);
      v.type = t;
      return v;
    }
    case TypeId::kInterval: {
      SQL_ASSIGN_OR_RETURN(datetime::Interval iv, datetime::ParseInterval(text, t.length));
      return Value::String(t, datetime::EncodeInterval(iv));
    }
    case TypeId::kEnum: {
      auto e = FindEnum(static_cast<uint32_t>(t.length));
      int i = e ? e->Find(text) : -1;
      if (i < 0) {
        return MakeError(sqlstate::kInvalidTextRepresentation,
                         "invalid input value for enum " + TypeName(t) + ": \"" + std::string(text) + "\"");
      }
      Value v = Value::String(t, std::string(text));
      v.f = e->orders[static_cast<size_t>(i)];
      return v;
    }
    case TypeId::kRegclass:
    case TypeId::kRegtype:
    case TypeId::kRegnamespace: {
      // An OID in digits (names are looked up by the binder, which has the catalog).
      std::string_view s = Trim(text);
      if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos || s.size() > 10) {
        return InvalidInput(t.id, text);
      }
      return Value::Int(t.id, std::stoll(std::string(s)));
    }
  }
  return InvalidInput(t.id, text);
}

namespace {

// date <-> timestamp <-> timestamptz: a date or timestamp is a local time
// in the session's zone, a timestamptz an instant.
SqlResult<Value> CastDatetime(const Value& v, const Type& to) {
  int64_t x = v.i;
  TypeId from = v.type.id;
  const datetime::TimeZone* zone = datetime::CurrentZone();
  if (from == TypeId::kTimestampTz && to.id != TypeId::kTimestampTz) x = zone->UtcToLocal(x);
  if (to.id == TypeId::kDate) {
    if (from != TypeId::kDate) x = datetime::TimestampToDate(x);
  } else {
    if (from == TypeId::kDate) {
      SQL_ASSIGN_OR_RETURN(x, datetime::DateToTimestamp(static_cast<int32_t>(x)));
    }
    if (to.id == TypeId::kTimestampTz && from != TypeId::kTimestampTz) x = zone->LocalToUtc(x);
    if (to.length >= 0) x = datetime::RoundTimestamp(x, to.length);
  }
  Value out = Value::Int(to.id, x);
  out.type = to;
  return out;
}

// interval -> interval(typmod), time -> time(p), timestamp -> time,
// interval <-> time (PostgreSQL's casts among these).
SqlResult<Value> CastTimeOrInterval(const Value& v, const Type& to) {
  TypeId from = v.type.id;
  auto time_value = [&](int64_t t) {
    Value out = Value::Int(TypeId::kTime, to.length >= 0 ? datetime::RoundTime(t, to.length) : t);
    out.type = to;
    return out;
  };
  if (to.id == TypeId::kInterval && from == TypeId::kInterval) {
    SQL_ASSIGN_OR_RETURN(datetime::Interval iv, datetime::ApplyIntervalTypmod(datetime::DecodeInterval(v.s), to.length));
    return Value::String(to, datetime::EncodeInterval(iv));
  }
  if (to.id == TypeId::kInterval && from == TypeId::kTime) {
    datetime::Interval iv;
    iv.micros = v.i;
    SQL_ASSIGN_OR_RETURN(iv, datetime::ApplyIntervalTypmod(iv, to.length));
    return Value::String(to, datetime::EncodeInterval(iv));
  }
  if (to.id == TypeId::kTime) {
    if (from == TypeId::kTime) return time_value(v.i);
    if (from == TypeId::kInterval) return time_value(datetime::IntervalToTime(datetime::DecodeInterval(v.s)));
    if (from == TypeId::kTimestamp || from == TypeId::kTimestampTz) {
      if (v.i == datetime::kTsInfinity || v.i == datetime::kTsNegInfinity) return Value::Null(to);
      int64_t local = from == TypeId::kTimestampTz ? datetime::CurrentZone()->UtcToLocal(v.i) : v.i;
      return time_value(datetime::TimestampTimeOfDay(local));
    }
  }
  return MakeError("42846", "cannot cast type " + TypeName(v.type) + " to " + TypeName(to));
}

}  // namespace

SqlResult<Value> CastValue(const Value& v, const Type& to, bool explicit_cast) {
  if (v.null) return Value::Null(to);
  if (v.type == to) return v;
  TypeId from = v.type.id;
  if (IsString(from)) {
    if (IsString(to.id)) return FitString(v.s, to, explicit_cast);
    return ParseText(v.s, to);
  }
  if (IsString(to.id)) {
    std::string s;
    AppendText(v, &s);
    return FitString(std::move(s), to, explicit_cast);
  }
  if (IsDatetime(from) && IsDatetime(to.id)) return CastDatetime(v, to);
  if (from == TypeId::kInterval || from == TypeId::kTime || to.id == TypeId::kInterval || to.id == TypeId::kTime) {
    return CastTimeOrInterval(v, to);
  }
  if (IsJson(to.id) && IsJson(from)) return ParseText(v.s, to);
  if (to.id == TypeId::kArray && from == TypeId::kArray) {
    SQL_ASSIGN_OR_RETURN(std::vector<Value> items, ArrayElements(v));
    Type elem = to.Element();
    for (auto& x : items) {
      SQL_ASSIGN_OR_RETURN(x, CastValue(x, elem, explicit_cast));
    }
    return MakeArray(elem, items);
  }
  if (from == TypeId::kJsonb && (IsNumeric(to.id) || to.id == TypeId::kBool)) {
    // A jsonb scalar of the matching kind casts through its text.
    SQL_ASSIGN_OR_RETURN(json::Node n, json::Parse(v.s, true));
    json::Kind want = to.id == TypeId::kBool ? json::Kind::kBool : json::Kind::kNumber;
    if (n.kind != want) {
      return MakeError(sqlstate::kInvalidParameterValue, std::string("cannot cast jsonb ") + json::TypeName(n.kind) +
                                                             " to type " + TypeName(Type::Of(to.id)));
    }
    SQL_ASSIGN_OR_RETURN(Value x, ParseText(n.kind == json::Kind::kBool ? (n.b ? "t" : "f") : n.text,
                                            Type::Of(n.kind == json::Kind::kBool ? TypeId::kBool : TypeId::kNumeric)));
    return CastValue(x, to, explicit_cast);
  }
  if (to.id == TypeId::kNumeric && IsNumeric(from)) {
    SQL_ASSIGN_OR_RETURN(numeric::Decimal d, NumericOf(v));
    return NumericValue(d, to);
  }
  if (from == TypeId::kNumeric && IsNumeric(to.id)) {
    SQL_ASSIGN_OR_RETURN(numeric::Decimal d, numeric::Parse(v.s));
    if (IsFloat(to.id)) {
      double x = numeric::ToDouble(d);
      if (to.id == TypeId::kFloat4) x = static_cast<float>(x);
      return Value::Float(to.id, x);
    }
    int64_t x;
    if (!numeric::ToInt64(d, &x) || !CheckIntRange(to.id, x).ok()) {
      return MakeError(sqlstate::kNumericOutOfRange, std::string(IntRangeName(to.id)) + " out of range");
    }
    return Value::Int(to.id, x);
  }
  if (from == TypeId::kBool) {
    if (to.id == TypeId::kInt4) return Value::Int(to.id, v.i);
    return MakeError("42846", "cannot cast type boolean to " + TypeName(to));
  }
  if (to.id == TypeId::kBool) {
    if (from == TypeId::kInt4) return Value::Bool(v.i != 0);
    return MakeError("42846", "cannot cast type " + TypeName(v.type) + " to boolean");
  }
  if (IsInteger(from) && IsInteger(to.id)) {
    SQL_RETURN_IF_ERROR(CheckIntRange(to.id, v.i));
    return Value::Int(to.id, v.i);
  }
  if ((IsInteger(from) || IsOidAlias(from)) && (IsInteger(to.id) || IsOidAlias(to.id))) {
    return Value::Int(to.id, v.i);  // an OID alias and its number (the name is the binder's to add)
  }
  if (IsInteger(from) && IsFloat(to.id)) {
    double d = static_cast<double>(v.i);
    if (to.id == TypeId::kFloat4) d = static_cast<float>(d);
    return Value::Float(to.id, d);
  }
  if (IsFloat(from) && IsFloat(to.id)) {
    double d = v.f;
    if (to.id == TypeId::kFloat4) {
      if (std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max()) {
        return MakeError(sqlstate::kNumericOutOfRange, "value out of range: overflow");
      }
      d = static_cast<float>(d);
    }
    return Value::Float(to.id, d);
  }
  if (IsFloat(from) && IsInteger(to.id)) {
    double r = std::nearbyint(v.f);  // round half to even, as rint() in PostgreSQL
    if (std::isnan(r) || r < -9.2233720368547758e18 || r >= 9.2233720368547758e18 ||
        !CheckIntRange(to.id, static_cast<int64_t>(r)).ok()) {
      return MakeError(sqlstate::kNumericOutOfRange, std::string(IntRangeName(to.id)) + " out of range");
    }
    return Value::Int(to.id, static_cast<int64_t>(r));
  }
  return MakeError("42846", "cannot cast type " + TypeName(v.type) + " to " + TypeName(to));
}

int CompareValues(const Value& a, const Value& b) {
  if (a.null || b.null) return a.null == b.null ? 0 : (a.null ? 1 : -1);
  Physical pa = PhysicalOf(a.type.id), pb = PhysicalOf(b.type.id);
  if ((a.type.id == TypeId::kNumeric || b.type.id == TypeId::kNumeric) && pa != Physical::kFloat &&
      pb != Physical::kFloat) {
    auto x = NumericOf(a), y = NumericOf(b);
    if (x.ok() && y.ok()) return numeric::Compare(x.value(), y.value());
  }
  if (a.type.id == TypeId::kNumeric || b.type.id == TypeId::kNumeric) {
    // numeric against float: as double precision, PostgreSQL's common type.
    double x = a.type.id == TypeId::kNumeric ? std::strtod(a.s.c_str(), nullptr) : pa == Physical::kInt ? a.i : a.f;
    double y = b.type.id == TypeId::kNumeric ? std::strtod(b.s.c_str(), nullptr) : pb == Physical::kInt ? b.i : b.f;
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (pa == Physical::kInt && pb == Physical::kInt) return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
  if (a.type.id == TypeId::kArray && b.type.id == TypeId::kArray) return CompareArrays(a, b);
  if (a.type.id == TypeId::kEnum && b.type.id == TypeId::kEnum) return a.f < b.f ? -1 : (a.f > b.f ? 1 : 0);
  if (a.type.id == TypeId::kInterval && b.type.id == TypeId::kInterval) {
    return datetime::CompareIntervals(datetime::DecodeInterval(a.s), datetime::DecodeInterval(b.s));
  }
  if (a.type.id == TypeId::kJsonb && b.type.id == TypeId::kJsonb) {
    auto x = json::Parse(a.s, true), y = json::Parse(b.s, true);
    if (x.ok() && y.ok()) return json::Compare(x.value(), y.value());
  }
  if (pa != Physical::kString && pb != Physical::kString) {
    double x = pa == Physical::kInt ? static_cast<double>(a.i) : a.f;
    double y = pb == Physical::kInt ? static_cast<double>(b.i) : b.f;
    // PostgreSQL orders NaN above every other float.
    bool xn = std::isnan(x), yn = std::isnan(y);
    if (xn || yn) return xn == yn ? 0 : (xn ? 1 : -1);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  int c = a.s.compare(b.s);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace lumadb::engine::sql

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/common/error.h"

// SQL types as PostgreSQL defines them, their OIDs, and their text forms.
// A type's values live in one of three physical forms: 64-bit integers (bool,
// the integer types, date and timestamps), doubles (float4, float8) or strings (text,
// varchar, char, and literals whose type is not known yet).
namespace lumadb::engine::sql {

enum class TypeId : uint8_t {
  kNull,     // the type of a bare NULL literal (PostgreSQL's "unknown" until resolved)
  kUnknown,  // a string literal whose type is decided by context
  kBool,
  kInt2,
  kInt4,
  kInt8,
  kFloat4,
  kFloat8,
  kText,
  kVarchar,
  kBpchar,
  // Stored as integers (row encodings keep these ids: add new types after them).
  kDate,         // days since 2000-01-01
  kTimestamp,    // microseconds since 2000-01-01 00:00:00
  kTimestampTz,  // microseconds since 2000-01-01 00:00:00 UTC
  kNumeric,      // exact decimal, held as its text ("12.340"); Type.length is the typmod
  kUuid,         // the 16 bytes
  kBytea,        // the bytes
  kJson,         // the JSON text as the client wrote it (validated)
  kJsonb,        // the canonical JSON text (json.h)
  kArray,        // a one-dimensional array of Type.elem: its canonical text ("{1,2,NULL}", array.h)
  kInterval,     // months, days, microseconds: 16 bytes (interval.h); Type.length is the typmod
  kTime,         // microseconds since midnight
  // OID aliases: the OID in Value.i; Value.s, when set, is the name they print as.
  kRegclass,
  kRegtype,
  kRegnamespace,
  kEnum,  // a CREATE TYPE ... AS ENUM type, Type.length its OID (enums.h): label in Value.s, order in Value.f
};

enum class Physical : uint8_t { kInt, kFloat, kString };

struct Type {
  TypeId id = TypeId::kNull;
  // varchar(n)/char(n): n; timestamp(p), time(p): p; numeric(p,s): PostgreSQL's
  // typmod ((p << 16 | s) + 4); interval: its typmod; -1 when unconstrained.
  // (kArray: the element type's.)
  int32_t length = -1;
  TypeId elem = TypeId::kNull;  // kArray: the element type

  bool operator==(const Type& o) const { return id == o.id && length == o.length && elem == o.elem; }
  bool operator!=(const Type& o) const { return !(*this == o); }
  static Type Of(TypeId id, int32_t length = -1) { return Type{id, length, TypeId::kNull}; }
  static Type ArrayOf(const Type& element) { return Type{TypeId::kArray, element.length, element.id}; }
  Type Element() const { return Type{elem, length, TypeId::kNull}; }
};

// How row and catalog encodings store a type's length: a varint that also
// carries an array's element type (bits 32..39).
uint64_t PackTypeLength(const Type& t);
inline Type UnpackType(uint8_t id, uint64_t packed) {
  Type t = Type::Of(static_cast<TypeId>(id), static_cast<int32_t>(static_cast<int64_t>(packed & 0xffffffffu) - 1));
  if (t.id == TypeId::kArray) t.elem = static_cast<TypeId>((packed >> 32) & 0xff);
  return t;
}

inline Physical PhysicalOf(TypeId id) {
  switch (id) {
    case TypeId::kBool:
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTime:
    case TypeId::kRegclass:
    case TypeId::kRegtype:
    case TypeId::kRegnamespace:
      return Physical::kInt;
    case TypeId::kFloat4:
    case TypeId::kFloat8:
      return Physical::kFloat;
    default:
      return Physical::kString;
  }
}
bool IsInteger(TypeId id);
bool IsFloat(TypeId id);
bool IsNumeric(TypeId id);
bool IsString(TypeId id);
bool IsDatetime(TypeId id);
// regclass, regtype, regnamespace.
bool IsOidAlias(TypeId id);

// PostgreSQL's OID, typlen and atttypmod for a type (unknown reports text's OID).
uint32_t TypeOid(const Type& t);
int16_t TypeLen(const Type& t);
int32_t TypeMod(const Type& t);
// The type with PostgreSQL's OID `oid` and atttypmod `typmod` (the inverse
// of TypeOid and TypeMod), or kNull for an OID LumaDB has no type for.
Type TypeFromOid(uint32_t oid, int32_t typmod = -1);
// PostgreSQL's pg_type.typname ("int4", "varchar", ...).
const char* TypeCatalogName(TypeId id);
// "integer", "character varying(10)", ... as format_type prints it.
std::string TypeName(const Type& t);
// The name as error messages use it for input errors ("integer", "bigint", "boolean").
std::string InputTypeName(TypeId id);

// One value of any type.
struct Value {
  Type type;
  bool null = true;
  int64_t i = 0;
  double f = 0;
  std::string s;

  static Value Null(Type t = Type{}) {
    Value v;
    v.type = t;
    return v;
  }
  static Value Int(TypeId id, int64_t x) {
    Value v;
    v.type = Type::Of(id);
    v.null = false;
    v.i = x;
    return v;
  }
  static Value Bool(bool b) { return Int(TypeId::kBool, b ? 1 : 0); }
  static Value Float(TypeId id, double x) {
    Value v;
    v.type = Type::Of(id);
    v.null = false;
    v.f = x;
    return v;
  }
  static Value String(Type t, std::string x) {
    Value v;
    v.type = t;
    v.null = false;
    v.s = std::move(x);
    return v;
  }
};

// PostgreSQL's text output of a non-null value (boolean t/f, float8 in the
// shortest form that reads back exactly, as extra_float_digits = 1 does).
void AppendText(const Value& v, std::string* out);
void AppendIntText(TypeId id, int64_t x, std::string* out);
void AppendFloatText(TypeId id, double x, std::string* out);

// bytea's text output (hex format, bytea_output = hex): \x0a1b...
void AppendByteaHex(std::string_view bytes, std::string* out);
// A random (version 4) UUID's 16 bytes, as gen_random_uuid() makes them.
std::string RandomUuid();

// Parses PostgreSQL's text input for `t`; errors are 22P02 / 22003 / 22001
// worded as PostgreSQL's.
SqlResult<Value> ParseText(std::string_view text, const Type& t);

// Range check for an integer type: 22003 "integer out of range" etc.
SqlStatus CheckIntRange(TypeId id, int64_t x);
SqlStatus CheckIntRange(TypeId id, __int128 x);
// "smallint", "integer", "bigint"
const char* IntRangeName(TypeId id);

// Converts `v` to `to` as an assignment or explicit cast would (int widening
// and narrowing with range checks, float <-> int rounding, text <-> anything by
// text form, varchar(n) length checks: `explicit_cast` truncates as
// PostgreSQL's explicit casts do, otherwise 22001).
SqlResult<Value> CastValue(const Value& v, const Type& to, bool explicit_cast);

namespace numeric {
struct Decimal;
}
// A number's exact decimal (numeric text, integers, floats as PostgreSQL
// converts them), and a numeric value of type t (its typmod applied).
SqlResult<numeric::Decimal> NumericOf(const Value& v);
SqlResult<Value> NumericValue(const numeric::Decimal& d, const Type& t);

// The last TypeId (row and catalog decoders check stored ids against it).
inline constexpr TypeId kLastTypeId = TypeId::kEnum;
bool IsJson(TypeId id);

// Total order used by ORDER BY, GROUP BY, DISTINCT and keys: NULLs last;
// values of the same family compare by value.
int CompareValues(const Value& a, const Value& b);

}  // namespace lumadb::engine::sql

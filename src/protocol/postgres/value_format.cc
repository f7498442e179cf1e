#include "protocol/postgres/value_format.h"

#include <cstring>

namespace lumadb::protocol::postgres {

using engine::sql::MakeError;
using engine::sql::Physical;
using engine::sql::Type;
using engine::sql::TypeId;
using engine::sql::Value;

std::optional<Type> TypeForOid(uint32_t oid) {
  switch (oid) {
    case 0:
    case 705: return Type::Of(TypeId::kUnknown);
    case 16: return Type::Of(TypeId::kBool);
    case 21: return Type::Of(TypeId::kInt2);
    case 23: return Type::Of(TypeId::kInt4);
    case 20: return Type::Of(TypeId::kInt8);
    case 700: return Type::Of(TypeId::kFloat4);
    case 701: return Type::Of(TypeId::kFloat8);
    case 25: return Type::Of(TypeId::kText);
    case 1043: return Type::Of(TypeId::kVarchar);
    case 1042: return Type::Of(TypeId::kBpchar);
    case 1082: return Type::Of(TypeId::kDate);
    case 1114: return Type::Of(TypeId::kTimestamp);
    case 1184: return Type::Of(TypeId::kTimestampTz);
    default: return std::nullopt;
  }
}

namespace {

uint64_t ReadBigEndian(std::string_view s) {
  uint64_t v = 0;
  for (unsigned char c : s) v = (v << 8) | c;
  return v;
}

void AppendBigEndian(uint64_t v, int bytes, std::string* out) {
  for (int i = bytes - 1; i >= 0; i--) out->push_back(static_cast<char>((v >> (i * 8)) & 0xFF));
}

}  // namespace

engine::sql::SqlResult<Value> DecodeParam(std::optional<std::string_view> data, int16_t format, const Type& type,
                                          size_t index) {
  if (!data) return Value::Null(type);
  if (format == 0) return engine::sql::ParseText(*data, type);
  auto bad = [&] {
    return MakeError("22P03", "incorrect binary data format in bind parameter " + std::to_string(index + 1));
  };
  std::string_view d = *data;
  switch (type.id) {
    case TypeId::kBool:
      if (d.size() != 1) return bad();
      return Value::Bool(d[0] != 0);
    case TypeId::kInt2:
      if (d.size() != 2) return bad();
      return Value::Int(type.id, static_cast<int16_t>(ReadBigEndian(d)));
    case TypeId::kInt4:
      if (d.size() != 4) return bad();
      return Value::Int(type.id, static_cast<int32_t>(ReadBigEndian(d)));
    case TypeId::kInt8:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      // Binary timestamps are PostgreSQL's own: microseconds since 2000-01-01.
      if (d.size() != 8) return bad();
      return Value::Int(type.id, static_cast<int64_t>(ReadBigEndian(d)));
    case TypeId::kDate:
      if (d.size() != 4) return bad();
      return Value::Int(type.id, static_cast<int32_t>(ReadBigEndian(d)));
    case TypeId::kFloat4: {
      if (d.size() != 4) return bad();
      uint32_t bits = static_cast<uint32_t>(ReadBigEndian(d));
      float f;
      memcpy(&f, &bits, sizeof(f));
      return Value::Float(type.id, f);
    }
    case TypeId::kFloat8: {
      if (d.size() != 8) return bad();
      uint64_t bits = ReadBigEndian(d);
      double f;
      memcpy(&f, &bits, sizeof(f));
      return Value::Float(type.id, f);
    }
    default:
      // Strings: the binary form is the text.
      return engine::sql::CastValue(Value::String(Type::Of(TypeId::kText), std::string(d)), type, false);
  }
}

void AppendValue(const Value& v, int16_t format, std::string* out) {
  if (format == 0) {
    engine::sql::AppendText(v, out);
    return;
  }
  switch (v.type.id) {
    case TypeId::kBool: out->push_back(v.i ? 1 : 0); return;
    case TypeId::kInt2: AppendBigEndian(static_cast<uint64_t>(v.i), 2, out); return;
    case TypeId::kInt4:
    case TypeId::kDate: AppendBigEndian(static_cast<uint64_t>(v.i), 4, out); return;
    case TypeId::kInt8:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: AppendBigEndian(static_cast<uint64_t>(v.i), 8, out); return;
    case TypeId::kFloat4: {
      float f = static_cast<float>(v.f);
      uint32_t bits;
      memcpy(&bits, &f, sizeof(bits));
      AppendBigEndian(bits, 4, out);
      return;
    }
    case TypeId::kFloat8: {
      uint64_t bits;
      memcpy(&bits, &v.f, sizeof(bits));
      AppendBigEndian(bits, 8, out);
      return;
    }
    default:
      if (engine::sql::PhysicalOf(v.type.id) == Physical::kString) {
        out->append(v.s);
      } else {
        engine::sql::AppendText(v, out);
      }
  }
}

}  // namespace lumadb::protocol::postgres

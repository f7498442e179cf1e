#include "protocol/postgres/value_format.h"

#include <cstdio>
#include <cstring>
#include <vector>

#include "engine/sql/types/array.h"
#include "engine/sql/types/datetime.h"
#include "engine/sql/types/interval.h"
#include "engine/sql/types/numeric.h"

namespace lumadb::protocol::postgres {

using engine::sql::MakeError;
using engine::sql::Physical;
using engine::sql::Type;
using engine::sql::TypeId;
using engine::sql::Value;

std::optional<Type> TypeForOid(uint32_t oid) {
  if (oid == 0 || oid == 705) return Type::Of(TypeId::kUnknown);  // unspecified / unknown: inferred
  Type t = engine::sql::TypeFromOid(oid);
  if (t.id == TypeId::kNull) return std::nullopt;
  return t;
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

// numeric's binary form (numeric_send): ndigits, weight, sign, dscale as
// int16, then base-10000 digits.
void AppendNumericBinary(const std::string& text, std::string* out) {
  auto parsed = engine::sql::numeric::Parse(text);
  engine::sql::numeric::Decimal d = parsed.ok() ? parsed.value() : engine::sql::numeric::Decimal{};
  std::string digits = engine::sql::numeric::ToString(engine::sql::numeric::Abs(d));
  size_t dot = digits.find('.');
  std::string ip = digits.substr(0, dot), fp = dot == std::string::npos ? "" : digits.substr(dot + 1);
  if (ip == "0") ip.clear();
  ip.insert(0, (4 - ip.size() % 4) % 4, '0');
  fp.append((4 - fp.size() % 4) % 4, '0');
  std::vector<int> groups;
  for (size_t i = 0; i < ip.size(); i += 4) groups.push_back(std::stoi(ip.substr(i, 4)));
  int weight = static_cast<int>(groups.size()) - 1;
  for (size_t i = 0; i < fp.size(); i += 4) groups.push_back(std::stoi(fp.substr(i, 4)));
  size_t first = 0;
  while (first < groups.size() && groups[first] == 0) {
    first++;
    weight--;
  }
  size_t last = groups.size();
  while (last > first && groups[last - 1] == 0) last--;
  if (first == last) weight = 0;
  AppendBigEndian(last - first, 2, out);
  AppendBigEndian(static_cast<uint16_t>(static_cast<int16_t>(weight)), 2, out);
  AppendBigEndian(d.coef < 0 ? 0x4000 : 0, 2, out);
  AppendBigEndian(static_cast<uint64_t>(d.scale), 2, out);
  for (size_t i = first; i < last; i++) AppendBigEndian(static_cast<uint64_t>(groups[i]), 2, out);
}

engine::sql::SqlResult<Value> DecodeNumericBinary(std::string_view d, const Type& type, size_t index) {
  auto bad = [&] {
    return MakeError("22P03", "incorrect binary data format in bind parameter " + std::to_string(index + 1));
  };
  if (d.size() < 8) return bad();
  int ndigits = static_cast<int16_t>(ReadBigEndian(d.substr(0, 2)));
  int weight = static_cast<int16_t>(ReadBigEndian(d.substr(2, 2)));
  uint16_t sign = static_cast<uint16_t>(ReadBigEndian(d.substr(4, 2)));
  int dscale = static_cast<int16_t>(ReadBigEndian(d.substr(6, 2)));
  if (ndigits < 0 || d.size() != 8 + 2 * static_cast<size_t>(ndigits) || dscale < 0) return bad();
  if (sign != 0 && sign != 0x4000) {
    return MakeError("0A000", "numeric NaN and infinity are not supported by LumaDB yet");
  }
  // sum of digit[i] * 10000^(weight - i), written out in decimal.
  std::string ip, fp;
  for (int pos = std::max(weight, 0); pos >= 0; pos--) {
    int i = weight - pos;
    int g = i >= 0 && i < ndigits ? static_cast<int>(ReadBigEndian(d.substr(8 + 2 * i, 2))) : 0;
    if (g > 9999) return bad();
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%04d", g);
    ip += buf;
  }
  for (int pos = -1; pos >= weight - ndigits + 1; pos--) {
    int i = weight - pos;
    int g = i >= 0 && i < ndigits ? static_cast<int>(ReadBigEndian(d.substr(8 + 2 * i, 2))) : 0;
    if (g > 9999) return bad();
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%04d", g);
    fp += buf;
  }
  std::string text = (sign == 0x4000 ? "-" : "") + ip + (fp.empty() ? "" : "." + fp);
  SQL_ASSIGN_OR_RETURN(engine::sql::numeric::Decimal v, engine::sql::numeric::Parse(text));
  SQL_ASSIGN_OR_RETURN(v, engine::sql::numeric::Round(v, dscale));
  return engine::sql::NumericValue(v, type);
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
    case TypeId::kTime: {
      // Binary timestamps are PostgreSQL's own: microseconds since 2000-01-01
      // (time: since midnight).
      if (d.size() != 8) return bad();
      Value v = Value::Int(type.id, static_cast<int64_t>(ReadBigEndian(d)));
      if (type.id == TypeId::kTime && (v.i < 0 || v.i > engine::sql::datetime::kMicrosPerDay)) {
        return MakeError("22008", "time out of range");
      }
      return v;
    }
    case TypeId::kInterval: {
      // interval_recv: microseconds, days, months.
      if (d.size() != 16) return bad();
      engine::sql::datetime::Interval iv;
      iv.micros = static_cast<int64_t>(ReadBigEndian(d.substr(0, 8)));
      iv.days = static_cast<int32_t>(ReadBigEndian(d.substr(8, 4)));
      iv.months = static_cast<int32_t>(ReadBigEndian(d.substr(12, 4)));
      SQL_ASSIGN_OR_RETURN(iv, engine::sql::datetime::ApplyIntervalTypmod(iv, type.length));
      return Value::String(type, engine::sql::datetime::EncodeInterval(iv));
    }
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
    case TypeId::kNumeric:
      return DecodeNumericBinary(d, type, index);
    case TypeId::kUuid:
      if (d.size() != 16) return bad();
      return Value::String(type, std::string(d));
    case TypeId::kBytea:
      return Value::String(type, std::string(d));
    case TypeId::kArray: {
      // array_recv: ndim, has-null flag, element OID, (size, lower bound) per
      // dimension, then each element as its length (-1 = NULL) and bytes.
      if (d.size() < 12) return bad();
      uint32_t ndim = static_cast<uint32_t>(ReadBigEndian(d.substr(0, 4)));
      if (ndim > 1) {
        return MakeError("0A000", "multidimensional arrays are not supported by LumaDB yet");
      }
      uint32_t elem_oid = static_cast<uint32_t>(ReadBigEndian(d.substr(8, 4)));
      if (elem_oid != engine::sql::TypeOid(type.Element())) {
        return MakeError("42804", "binary data has array element type " + std::to_string(elem_oid) +
                                      " instead of expected " + std::to_string(engine::sql::TypeOid(type.Element())));
      }
      d.remove_prefix(12);
      uint32_t count = 0;
      if (ndim == 1) {
        if (d.size() < 8) return bad();
        count = static_cast<uint32_t>(ReadBigEndian(d.substr(0, 4)));
        d.remove_prefix(8);
      }
      Type elem = type.Element();
      std::vector<Value> items;
      for (uint32_t i = 0; i < count; i++) {
        if (d.size() < 4) return bad();
        int32_t len = static_cast<int32_t>(ReadBigEndian(d.substr(0, 4)));
        d.remove_prefix(4);
        if (len < 0) {
          items.push_back(Value::Null(elem));
          continue;
        }
        if (d.size() < static_cast<size_t>(len)) return bad();
        auto v = DecodeParam(d.substr(0, static_cast<size_t>(len)), 1, elem, index);
        if (!v.ok()) return v;
        items.push_back(std::move(v.value()));
        d.remove_prefix(static_cast<size_t>(len));
      }
      if (!d.empty()) return bad();
      return engine::sql::MakeArray(elem, items);
    }
    case TypeId::kJsonb:
      // jsonb's binary form: a version byte (1), then the text.
      if (d.empty() || d[0] != 1) return MakeError("22P03", "unsupported jsonb version number " +
                                                                    std::to_string(d.empty() ? 0 : d[0]));
      return engine::sql::ParseText(d.substr(1), type);
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
    case TypeId::kTimestampTz:
    case TypeId::kTime: AppendBigEndian(static_cast<uint64_t>(v.i), 8, out); return;
    case TypeId::kInterval: {
      engine::sql::datetime::Interval iv = engine::sql::datetime::DecodeInterval(v.s);
      AppendBigEndian(static_cast<uint64_t>(iv.micros), 8, out);
      AppendBigEndian(static_cast<uint32_t>(iv.days), 4, out);
      AppendBigEndian(static_cast<uint32_t>(iv.months), 4, out);
      return;
    }
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
    case TypeId::kNumeric: AppendNumericBinary(v.s, out); return;
    case TypeId::kJsonb:
      out->push_back(1);
      out->append(v.s);
      return;
    case TypeId::kArray: {
      auto items = engine::sql::ArrayElements(v);
      std::vector<Value> none;
      const std::vector<Value>& elems = items.ok() ? items.value() : none;
      bool has_null = false;
      for (const auto& e : elems) has_null = has_null || e.null;
      AppendBigEndian(elems.empty() ? 0 : 1, 4, out);
      AppendBigEndian(has_null ? 1 : 0, 4, out);
      AppendBigEndian(engine::sql::TypeOid(v.type.Element()), 4, out);
      if (!elems.empty()) {
        AppendBigEndian(elems.size(), 4, out);
        AppendBigEndian(1, 4, out);
      }
      std::string item;
      for (const auto& e : elems) {
        if (e.null) {
          AppendBigEndian(0xffffffffu, 4, out);
          continue;
        }
        item.clear();
        AppendValue(e, 1, &item);
        AppendBigEndian(item.size(), 4, out);
        out->append(item);
      }
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

#include "engine/sql/types/array.h"

#include <strings.h>

namespace lumadb::engine::sql {

namespace {

bool IsArraySpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

SqlError Malformed(std::string_view text, const char* detail) {
  SqlError e = MakeError(sqlstate::kInvalidTextRepresentation, "malformed array literal: \"" + std::string(text) + "\"");
  e.detail = detail;
  return e;
}

// array_out's rule: quote empty strings, NULL look-alikes and anything with
// a delimiter, brace, quote, backslash or space.
void AppendItem(std::string_view t, std::string* out) {
  bool quote = t.empty() || (t.size() == 4 && strncasecmp(t.data(), "null", 4) == 0);
  for (char c : t) {
    if (c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || IsArraySpace(c)) quote = true;
  }
  if (!quote) {
    out->append(t);
    return;
  }
  out->push_back('"');
  for (char c : t) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

struct OidPair {
  TypeId elem;
  uint32_t oid;
};
constexpr OidPair kArrayOids[] = {
    {TypeId::kBool, 1000},        {TypeId::kBytea, 1001},    {TypeId::kInt2, 1005},   {TypeId::kInt4, 1007},
    {TypeId::kText, 1009},        {TypeId::kBpchar, 1014},   {TypeId::kVarchar, 1015}, {TypeId::kInt8, 1016},
    {TypeId::kFloat4, 1021},      {TypeId::kFloat8, 1022},   {TypeId::kTimestamp, 1115}, {TypeId::kDate, 1182},
    {TypeId::kTimestampTz, 1185}, {TypeId::kNumeric, 1231},  {TypeId::kUuid, 2951},   {TypeId::kJson, 199},
    {TypeId::kJsonb, 3807},       {TypeId::kInterval, 1187}, {TypeId::kTime, 1183},
};

}  // namespace

SqlResult<std::vector<std::optional<std::string>>> ParseArrayLiteral(std::string_view text) {
  std::vector<std::optional<std::string>> out;
  size_t i = 0, n = text.size();
  auto skip_space = [&] {
    while (i < n && IsArraySpace(text[i])) i++;
  };
  skip_space();
  if (i < n && text[i] == '[') {
    return MakeError(sqlstate::kFeatureNotSupported, "array dimension decorations are not supported by LumaDB yet");
  }
  if (i >= n || text[i] != '{') return Malformed(text, "Array value must start with \"{\" or dimension information.");
  i++;
  skip_space();
  if (i < n && text[i] == '{') {
    return MakeError(sqlstate::kFeatureNotSupported, "multidimensional arrays are not supported by LumaDB yet");
  }
  if (i < n && text[i] == '}') {
    i++;
  } else {
    while (true) {
      skip_space();
      std::string elem;
      bool quoted = false;
      if (i < n && text[i] == '"') {
        quoted = true;
        i++;
        while (i < n && text[i] != '"') {
          if (text[i] == '\\' && i + 1 < n) i++;
          elem.push_back(text[i++]);
        }
        if (i >= n) return Malformed(text, "Unexpected end of input.");
        i++;
        skip_space();
      } else {
        while (i < n && text[i] != ',' && text[i] != '}') {
          if (text[i] == '{') {
            return MakeError(sqlstate::kFeatureNotSupported, "multidimensional arrays are not supported by LumaDB yet");
          }
          if (text[i] == '"') return Malformed(text, "Unexpected array element.");
          if (text[i] == '\\' && i + 1 < n) i++;
          elem.push_back(text[i++]);
        }
        while (!elem.empty() && IsArraySpace(elem.back())) elem.pop_back();
        if (elem.empty()) {
          return Malformed(text, i < n && text[i] == '}' ? "Unexpected \"}\" character." : "Unexpected \",\" character.");
        }
      }
      bool is_null = !quoted && elem.size() == 4 && strncasecmp(elem.c_str(), "null", 4) == 0;
      if (is_null) {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(std::move(elem));
      }
      if (i >= n) return Malformed(text, "Unexpected end of input.");
      if (text[i] == '}') {
        i++;
        break;
      }
      if (text[i] != ',') return Malformed(text, "Unexpected array element.");
      i++;
    }
  }
  skip_space();
  if (i != n) return Malformed(text, "Junk after closing right brace.");
  return out;
}

namespace {

// The elements of an array literal, each read as `elem`.
SqlResult<std::vector<Value>> ParseElements(std::string_view text, const Type& elem) {
  SQL_ASSIGN_OR_RETURN(auto items, ParseArrayLiteral(text));
  std::vector<Value> vals;
  vals.reserve(items.size());
  for (auto& item : items) {
    if (!item) {
      vals.push_back(Value::Null(elem));
      continue;
    }
    SQL_ASSIGN_OR_RETURN(Value v, ParseText(*item, elem));
    vals.push_back(std::move(v));
  }
  return vals;
}

}  // namespace

SqlResult<Value> ParseArray(std::string_view text, const Type& t) {
  SQL_ASSIGN_OR_RETURN(std::vector<Value> vals, ParseElements(text, t.Element()));
  return MakeArray(t.Element(), vals);
}

SqlResult<std::vector<Value>> ArrayElements(const Value& array) { return ParseElements(array.s, array.type.Element()); }

Value MakeArray(const Type& elem, const std::vector<Value>& items) {
  std::string s = "{";
  std::string t;
  for (size_t i = 0; i < items.size(); i++) {
    if (i) s.push_back(',');
    if (items[i].null) {
      s += "NULL";
      continue;
    }
    t.clear();
    AppendText(items[i], &t);
    AppendItem(t, &s);
  }
  s.push_back('}');
  return Value::String(Type::ArrayOf(elem), std::move(s));
}

int CompareArrays(const Value& a, const Value& b) {
  auto x = ArrayElements(a), y = ArrayElements(b);
  if (!x.ok() || !y.ok()) return a.s.compare(b.s) < 0 ? -1 : (a.s == b.s ? 0 : 1);
  size_t n = std::min(x->size(), y->size());
  for (size_t i = 0; i < n; i++) {
    int c = CompareValues((*x)[i], (*y)[i]);
    if (c != 0) return c;
  }
  if (x->size() != y->size()) return x->size() < y->size() ? -1 : 1;
  return 0;
}

uint32_t ArrayOid(TypeId elem) {
  for (const auto& p : kArrayOids) {
    if (p.elem == elem) return p.oid;
  }
  return 0;
}

TypeId ArrayElementOfOid(uint32_t oid) {
  for (const auto& p : kArrayOids) {
    if (p.oid == oid) return p.elem;
  }
  return TypeId::kNull;
}

}  // namespace lumadb::engine::sql

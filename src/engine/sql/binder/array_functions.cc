#include "engine/sql/binder/array_functions.h"

#include <vector>

#include "common/strutil.h"
#include "engine/sql/types/array.h"

namespace lumadb::engine::sql {

namespace {

using T = TypeId;

Value Int4(int64_t v) { return Value::Int(T::kInt4, v); }

Value Array(const Type& t, const std::vector<Value>& items) { return MakeArray(t.Element(), items); }

// array_length(a, dim) and array_upper (the length: lower bounds are 1),
// array_lower: NULL for an empty array or a dimension it does not have.
SqlResult<Value> Bound(const std::vector<Value>& a, const Type& t, bool lower) {
  SQL_ASSIGN_OR_RETURN(std::vector<Value> items, ArrayElements(a[0]));
  if (items.empty() || a[1].i != 1) return Value::Null(t);
  return Int4(lower ? 1 : static_cast<int64_t>(items.size()));
}
SqlResult<Value> Length(const std::vector<Value>& a, const Type& t) { return Bound(a, t, false); }
SqlResult<Value> Lower(const std::vector<Value>& a, const Type& t) { return Bound(a, t, true); }

SqlResult<Value> Cardinality(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(std::vector<Value> items, ArrayElements(a[0]));
  return Int4(static_cast<int64_t>(items.size()));
}

// array_to_string(a, delimiter [, null_string]) (NULL arguments arrive here).
SqlResult<Value> ToString(const std::vector<Value>& a, const Type& t) {
  if (a[0].null || a[1].null) return Value::Null(t);
  SQL_ASSIGN_OR_RETURN(std::vector<Value> items, ArrayElements(a[0]));
  bool null_string = a.size() > 2 && !a[2].null;
  std::string out;
  bool first = true;
  for (const auto& v : items) {
    if (v.null && !null_string) continue;
    if (!first) out += a[1].s;
    first = false;
    if (v.null) {
      out += a[2].s;
    } else {
      AppendText(v, &out);
    }
  }
  return Value::String(Type::Of(T::kText), std::move(out));
}

// string_to_array(s, delimiter [, null_string]): a NULL delimiter splits
// into characters, an empty one gives the whole string.
SqlResult<Value> FromString(const std::vector<Value>& a, const Type& t) {
  if (a[0].null) return Value::Null(t);
  const std::string& s = a[0].s;
  std::vector<Value> items;
  auto add = [&](std::string part) {
    if (a.size() > 2 && !a[2].null && part == a[2].s) {
      items.push_back(Value::Null(Type::Of(T::kText)));
    } else {
      items.push_back(Value::String(Type::Of(T::kText), std::move(part)));
    }
  };
  if (!s.empty()) {
    if (a[1].null) {
      for (size_t i = 0; i < s.size();) {
        size_t len = Utf8SequenceLength(static_cast<unsigned char>(s[i]));
        add(s.substr(i, len));
        i += len;
      }
    } else if (a[1].s.empty()) {
      add(s);
    } else {
      size_t start = 0;
      while (true) {
        size_t at = s.find(a[1].s, start);
        add(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) break;
        start = at + a[1].s.size();
      }
    }
  }
  return Array(t, items);
}

// array_append / array_prepend / array_cat: a NULL array counts as empty.
SqlResult<Value> Append(const std::vector<Value>& a, const Type& t) {
  std::vector<Value> items;
  if (!a[0].null) {
    SQL_ASSIGN_OR_RETURN(items, ArrayElements(a[0]));
  }
  items.push_back(a[1]);
  return Array(t, items);
}

SqlResult<Value> Prepend(const std::vector<Value>& a, const Type& t) {
  std::vector<Value> items{a[0]};
  if (!a[1].null) {
    SQL_ASSIGN_OR_RETURN(std::vector<Value> rest, ArrayElements(a[1]));
    for (auto& v : rest) items.push_back(std::move(v));
  }
  return Array(t, items);
}

SqlResult<Value> Cat(const std::vector<Value>& a, const Type& t) {
  if (a[0].null && a[1].null) return Value::Null(t);
  std::vector<Value> items;
  for (const auto& x : a) {
    if (x.null) continue;
    SQL_ASSIGN_OR_RETURN(std::vector<Value> part, ArrayElements(x));
    for (auto& v : part) items.push_back(std::move(v));
  }
  return Array(t, items);
}

// Equality as array_position and the containment operators use it (NULL
// finds NULL for array_position only).
bool Same(const Value& x, const Value& y) { return !x.null && !y.null && CompareValues(x, y) == 0; }

SqlResult<Value> Position(const std::vector<Value>& a, const Type& t) {
  if (a[0].null) return Value::Null(t);
  SQL_ASSIGN_OR_RETURN(std::vector<Value> items, ArrayElements(a[0]));
  for (size_t i = 0; i < items.size(); i++) {
    if ((a[1].null && items[i].null) || Same(items[i], a[1])) return Int4(static_cast<int64_t>(i) + 1);
  }
  return Value::Null(t);
}

SqlResult<Value> Remove(const std::vector<Value>& a, const Type& t) {
  if (a[0].null) return Value::Null(t);
  SQL_ASSIGN_OR_RETURN(std::vector<Value> items, ArrayElements(a[0]));
  std::vector<Value> out;
  for (auto& v : items) {
    if ((a[1].null && v.null) || Same(v, a[1])) continue;
    out.push_back(std::move(v));
  }
  return Array(t, out);
}

// a @> b: every element of b is in a.
SqlResult<bool> ContainsAll(const Value& a, const Value& b) {
  SQL_ASSIGN_OR_RETURN(std::vector<Value> x, ArrayElements(a));
  SQL_ASSIGN_OR_RETURN(std::vector<Value> y, ArrayElements(b));
  for (const auto& v : y) {
    bool found = false;
    for (const auto& w : x) found = found || Same(v, w);
    if (!found) return false;
  }
  return true;
}

SqlResult<Value> Contains(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(bool r, ContainsAll(a[0], a[1]));
  return Value::Bool(r);
}

SqlResult<Value> Contained(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(bool r, ContainsAll(a[1], a[0]));
  return Value::Bool(r);
}

SqlResult<Value> Overlaps(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(std::vector<Value> x, ArrayElements(a[0]));
  SQL_ASSIGN_OR_RETURN(std::vector<Value> y, ArrayElements(a[1]));
  for (const auto& v : x) {
    for (const auto& w : y) {
      if (Same(v, w)) return Value::Bool(true);
    }
  }
  return Value::Bool(false);
}

// SET a[i] = v: the array with element i replaced (past the end: NULLs up
// to it), or for jsonb the document with key / index i set.
SqlResult<Value> SetElement(const std::vector<Value>& a, const Type& t) {
  if (t.id == T::kJsonb) {
    if (a[1].null) return MakeError("22004", "jsonb subscript in assignment must not be null");
    std::string doc = a[0].null ? std::string("{}") : a[0].s;
    std::string key;
    AppendText(a[1], &key);
    std::string path = "{";
    for (char c : key) {
      if (c == '"' || c == '\\') path += '\\';
      path += c;
    }
    std::string value = a[2].null ? std::string("null") : a[2].s;
    const ScalarFunction* set = FindScalarFunction("jsonb_set", 4);
    if (set == nullptr) return MakeError(sqlstate::kInternalError, "jsonb_set is missing");
    return set->eval({Value::String(t, doc), Value::String(Type::Of(T::kText), "{\"" + path.substr(1) + "\"}"),
                      Value::String(t, value), Value::Bool(true)},
                     t);
  }
  if (a[1].null) return MakeError("22004", "array subscript in assignment must not be null");
  std::vector<Value> items;
  if (!a[0].null) {
    SQL_ASSIGN_OR_RETURN(items, ArrayElements(a[0]));
  }
  int64_t i = a[1].i;
  if (i < 1 || (items.empty() && i != 1)) {
    return MakeError(sqlstate::kFeatureNotSupported,
                     "arrays with a lower bound other than 1 are not supported by LumaDB yet");
  }
  if (i > 100000000) return MakeError("54000", "array size exceeds the maximum allowed (134217727)");
  while (static_cast<int64_t>(items.size()) < i) items.push_back(Value::Null(t.Element()));
  items[static_cast<size_t>(i - 1)] = a[2];
  return Array(t, items);
}

const std::vector<ScalarFunction>& Table() {
  static const std::vector<ScalarFunction> kFunctions = {
      {"array_length", 2, 2, {kAnyArg}, T::kInt4, Length},
      {"array_upper", 2, 2, {kAnyArg}, T::kInt4, Length},
      {"array_lower", 2, 2, {kAnyArg}, T::kInt4, Lower},
      {"cardinality", 1, 1, {kAnyArg}, T::kInt4, Cardinality},
      {"array_to_string", 2, 3, {kAnyArg}, T::kText, ToString, true},
      {"string_to_array", 2, 3, {kAnyArg}, T::kArray, FromString, true},
      {"array_append", 2, 2, {kAnyArg}, T::kArray, Append, true},
      {"array_prepend", 2, 2, {kAnyArg}, T::kArray, Prepend, true},
      {"array_cat", 2, 2, {kAnyArg}, T::kArray, Cat, true},
      {"array_position", 2, 2, {kAnyArg}, T::kInt4, Position, true},
      {"array_remove", 2, 2, {kAnyArg}, T::kArray, Remove, true},
      {"array_set", 3, 3, {kAnyArg}, T::kArray, SetElement, true},
      {"@>", 2, 2, {kAnyArg}, T::kBool, Contains},
      {"<@", 2, 2, {kAnyArg}, T::kBool, Contained},
      {"&&", 2, 2, {kAnyArg}, T::kBool, Overlaps},
  };
  return kFunctions;
}

}  // namespace

const ScalarFunction* FindArrayFunction(std::string_view name) {
  for (const auto& f : Table()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

}  // namespace lumadb::engine::sql

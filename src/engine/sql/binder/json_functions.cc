#include "engine/sql/binder/json_functions.h"

#include <charconv>
#include <cmath>
#include <optional>

#include "engine/sql/types/array.h"

namespace lumadb::engine::sql {

namespace {

using T = TypeId;
using json::Kind;
using json::Node;

SqlError Invalid(std::string message) { return MakeError(sqlstate::kInvalidParameterValue, std::move(message)); }

// A json or jsonb argument parsed, with the text it was parsed from: a
// member is the slice of it that holds the member (as written for json;
// jsonb's text is canonical, so its slices are jsonb text too).
struct Doc {
  Node root;
  std::string_view source;
};

SqlResult<Doc> Open(const Value& v) {
  Doc d;
  SQL_ASSIGN_OR_RETURN(d.root, json::Parse(v.s, v.type.id == T::kJsonb));
  d.source = v.s;
  return d;
}

Value Json(TypeId t, std::string s) { return Value::String(Type::Of(t), std::move(s)); }
Value Jsonb(const Node& n) { return Json(T::kJsonb, json::ToJsonb(n)); }
Value Text(std::string s) { return Value::String(Type::Of(T::kText), std::move(s)); }

// A member as the operator's result type: json/jsonb (as written), or text.
Value Member(const Doc& d, const Node* n, const Type& result) {
  if (n == nullptr) return Value::Null(result);
  if (result.id == T::kText) {
    std::string s;
    if (!json::ScalarText(*n, d.source, &s)) return Value::Null(result);
    return Text(std::move(s));
  }
  return Json(result.id, json::MemberText(*n, d.source));
}

// An array index as PostgreSQL reads a path element (strtol: the whole
// element must be an integer).
bool ParseIndex(const std::string& s, int64_t* out) {
  std::string_view v = s;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);
  auto r = std::from_chars(v.data(), v.data() + v.size(), *out);
  return r.ec == std::errc() && r.ptr == v.data() + v.size() && !v.empty();
}

const Node* ArrayItem(const Node& n, int64_t i) {
  int64_t size = static_cast<int64_t>(n.items.size());
  if (i < 0) i += size;
  if (i < 0 || i >= size) return nullptr;
  return &n.items[static_cast<size_t>(i)];
}

const Node* Walk(const Node& root, const std::vector<std::string>& path) {
  const Node* cur = &root;
  for (const auto& p : path) {
    if (cur->kind == Kind::kObject) {
      cur = cur->Find(p);
    } else if (cur->kind == Kind::kArray) {
      int64_t i;
      cur = ParseIndex(p, &i) ? ArrayItem(*cur, i) : nullptr;
    } else {
      return nullptr;
    }
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

// A text[] argument (a path or a list of keys): its elements, NULL ones as
// nullopt. (A text literal reads the same, as PostgreSQL's cast does.)
using Keys = std::vector<std::optional<std::string>>;
SqlResult<Keys> KeysOf(const Value& v) { return ParseArrayLiteral(v.s); }

// A path without NULL elements (`has_null` says whether there were any).
SqlResult<std::vector<std::string>> Path(const Value& v, bool* has_null = nullptr) {
  SQL_ASSIGN_OR_RETURN(Keys keys, KeysOf(v));
  std::vector<std::string> p;
  if (has_null != nullptr) *has_null = false;
  for (auto& k : keys) {
    if (!k && has_null != nullptr) *has_null = true;
    p.push_back(k ? std::move(*k) : std::string());
  }
  return p;
}

// ---- operators ----

SqlResult<Value> GetField(const std::vector<Value>& a, const Type& t) {
  SQL_ASSIGN_OR_RETURN(Doc d, Open(a[0]));
  const Node* n = d.root.kind == Kind::kObject ? d.root.Find(a[1].s) : nullptr;
  return Member(d, n, t);
}

SqlResult<Value> GetIndex(const std::vector<Value>& a, const Type& t) {
  SQL_ASSIGN_OR_RETURN(Doc d, Open(a[0]));
  const Node* n = d.root.kind == Kind::kArray ? ArrayItem(d.root, a[1].i) : nullptr;
  // jsonb holds a top-level scalar as a one-element array: -> 0 finds it.
  if (a[0].type.id == T::kJsonb && json::IsScalar(d.root) && (a[1].i == 0 || a[1].i == -1)) n = &d.root;
  return Member(d, n, t);
}

SqlResult<Value> GetPath(const std::vector<Value>& a, const Type& t) {
  SQL_ASSIGN_OR_RETURN(Doc d, Open(a[0]));
  bool has_null = false;
  SQL_ASSIGN_OR_RETURN(std::vector<std::string> path, Path(a[1], &has_null));
  if (has_null) return Value::Null(t);
  return Member(d, Walk(d.root, path), t);
}

SqlResult<Value> ContainsOp(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(Node x, json::Parse(a[0].s, true));
  SQL_ASSIGN_OR_RETURN(Node y, json::Parse(a[1].s, true));
  return Value::Bool(json::Contains(x, y));
}

SqlResult<Value> ContainedOp(const std::vector<Value>& a, const Type& t) {
  return ContainsOp({a[1], a[0]}, t);
}

bool HasKey(const Node& n, const std::string& key) {
  if (n.kind == Kind::kObject) return n.Find(key) != nullptr;
  if (n.kind == Kind::kArray) {
    for (const auto& i : n.items) {
      if (i.kind == Kind::kString && i.text == key) return true;
    }
    return false;
  }
  return n.kind == Kind::kString && n.text == key;
}

SqlResult<Value> ExistsOp(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(Node x, json::Parse(a[0].s, true));
  return Value::Bool(HasKey(x, a[1].s));
}

SqlResult<Value> ExistsKeys(const std::vector<Value>& a, bool all) {
  SQL_ASSIGN_OR_RETURN(Node x, json::Parse(a[0].s, true));
  SQL_ASSIGN_OR_RETURN(Keys keys, KeysOf(a[1]));
  bool any = false, every = true;
  for (const auto& k : keys) {
    if (!k) continue;  // NULL keys are ignored
    bool has = HasKey(x, *k);
    any = any || has;
    every = every && has;
  }
  return Value::Bool(all ? every : any);
}
SqlResult<Value> ExistsAny(const std::vector<Value>& a, const Type&) { return ExistsKeys(a, false); }
SqlResult<Value> ExistsAll(const std::vector<Value>& a, const Type&) { return ExistsKeys(a, true); }

SqlResult<Value> ConcatOp(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(Node x, json::Parse(a[0].s, true));
  SQL_ASSIGN_OR_RETURN(Node y, json::Parse(a[1].s, true));
  if (x.kind == Kind::kObject && y.kind == Kind::kObject) {
    for (auto& m : y.members) x.members.push_back(std::move(m));
    json::Canonicalize(&x);
    return Jsonb(x);
  }
  Node out = Node::Array();
  auto add = [&out](Node& n) {
    if (n.kind == Kind::kArray) {
      for (auto& i : n.items) out.items.push_back(std::move(i));
    } else {
      out.items.push_back(std::move(n));
    }
  };
  add(x);
  add(y);
  return Jsonb(out);
}

// jsonb - key: an object's member of that name, or an array's string
// elements equal to it.
void RemoveKey(Node* x, const std::string& key) {
  if (x->kind == Kind::kObject) {
    std::erase_if(x->members, [&](const auto& m) { return m.first == key; });
  } else if (x->kind == Kind::kArray) {
    std::erase_if(x->items, [&](const Node& n) { return n.kind == Kind::kString && n.text == key; });
  }
}

SqlResult<Value> DeleteKey(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(Node x, json::Parse(a[0].s, true));
  if (json::IsScalar(x)) return Invalid("cannot delete from scalar");
  RemoveKey(&x, a[1].s);
  return Jsonb(x);
}

SqlResult<Value> DeleteIndex(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(Node x, json::Parse(a[0].s, true));
  if (x.kind == Kind::kObject) return Invalid("cannot delete from object using integer index");
  if (x.kind != Kind::kArray) return Invalid("cannot delete from scalar");
  int64_t i = a[1].i, size = static_cast<int64_t>(x.items.size());
  if (i < 0) i += size;
  if (i >= 0 && i < size) x.items.erase(x.items.begin() + i);
  return Jsonb(x);
}

SqlResult<Value> DeleteKeys(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(Node x, json::Parse(a[0].s, true));
  SQL_ASSIGN_OR_RETURN(Keys keys, KeysOf(a[1]));
  if (json::IsScalar(x)) {
    if (keys.empty()) return a[0];
    return Invalid("cannot delete from scalar");
  }
  for (const auto& k : keys) {
    if (k) RemoveKey(&x, *k);
  }
  return Jsonb(x);
}

SqlStatus NotInteger(size_t level, const std::string& p) {
  return MakeError(sqlstate::kInvalidTextRepresentation,
                   "path element at position " + std::to_string(level + 1) + " is not an integer: \"" + p + "\"");
}

// #-: removes the element the path names (nothing when it is not there).
SqlStatus DeletePath(Node* n, const std::vector<std::string>& path, size_t level) {
  const std::string& p = path[level];
  bool last = level + 1 == path.size();
  if (n->kind == Kind::kObject) {
    for (auto it = n->members.begin(); it != n->members.end(); ++it) {
      if (it->first != p) continue;
      if (last) {
        n->members.erase(it);
      } else {
        SQL_RETURN_IF_ERROR(DeletePath(&it->second, path, level + 1));
      }
      break;
    }
  } else if (n->kind == Kind::kArray) {
    int64_t i;
    if (!ParseIndex(p, &i)) return NotInteger(level, p);
    int64_t size = static_cast<int64_t>(n->items.size());
    if (i < 0) i += size;
    if (i < 0 || i >= size) return SqlStatus::Ok();
    if (last) {
      n->items.erase(n->items.begin() + i);
    } else {
      SQL_RETURN_IF_ERROR(DeletePath(&n->items[static_cast<size_t>(i)], path, level + 1));
    }
  }
  return SqlStatus::Ok();
}

SqlResult<Value> DeletePathOp(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(Node x, json::Parse(a[0].s, true));
  SQL_ASSIGN_OR_RETURN(std::vector<std::string> path, Path(a[1]));
  if (x.kind != Kind::kObject && x.kind != Kind::kArray) return Invalid("cannot delete path in scalar");
  if (!path.empty()) SQL_RETURN_IF_ERROR(DeletePath(&x, path, 0));
  return Jsonb(x);
}

// ---- functions ----

SqlResult<Value> TypeOf(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(Doc d, Open(a[0]));
  return Text(json::TypeName(d.root.kind));
}

SqlResult<Value> ArrayLength(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(Doc d, Open(a[0]));
  if (d.root.kind == Kind::kObject) return Invalid("cannot get array length of a non-array");
  if (d.root.kind != Kind::kArray) return Invalid("cannot get array length of a scalar");
  return Value::Int(T::kInt4, static_cast<int64_t>(d.root.items.size()));
}

SqlResult<Value> PrettyFn(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(Node x, json::Parse(a[0].s, true));
  return Text(json::Pretty(x));
}

void StripNulls(Node* n) {
  if (n->kind == Kind::kObject) {
    std::erase_if(n->members, [](const auto& m) { return m.second.kind == Kind::kNull; });
    for (auto& m : n->members) StripNulls(&m.second);
  } else if (n->kind == Kind::kArray) {
    for (auto& i : n->items) StripNulls(&i);
  }
}

SqlResult<Value> StripNullsFn(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(Node x, json::Parse(a[0].s, true));
  StripNulls(&x);
  return Jsonb(x);
}

SqlResult<Value> ExtractPath(const std::vector<Value>& a, const Type& t) {
  SQL_ASSIGN_OR_RETURN(Doc d, Open(a[0]));
  std::vector<std::string> path;
  for (size_t i = 1; i < a.size(); i++) path.push_back(a[i].s);
  return Member(d, Walk(d.root, path), t);
}

// jsonb_set / jsonb_insert at path[level..] inside n.
SqlStatus SetPath(Node* n, const std::vector<std::string>& path, size_t level, const Node& value, bool create,
                  bool insert, bool after) {
  const std::string& p = path[level];
  bool last = level + 1 == path.size();
  if (n->kind == Kind::kObject) {
    for (auto& m : n->members) {
      if (m.first != p) continue;
      if (!last) return SetPath(&m.second, path, level + 1, value, create, insert, after);
      if (insert) {
        SqlError e = Invalid("cannot replace existing key");
        e.hint = "Try using the function jsonb_set to replace key value.";
        return e;
      }
      m.second = value;
      return SqlStatus::Ok();
    }
    if (last && create) {
      n->members.emplace_back(p, value);
      json::Canonicalize(n);
    }
    return SqlStatus::Ok();
  }
  if (n->kind == Kind::kArray) {
    int64_t i;
    if (!ParseIndex(p, &i)) return NotInteger(level, p);
    int64_t size = static_cast<int64_t>(n->items.size());
    if (i < 0) i += size;
    if (i < 0 || i >= size) {
      // Past either end: the new value goes at that end.
      if (last && create) {
        if (i < 0) {
          n->items.insert(n->items.begin(), value);
        } else {
          n->items.push_back(value);
        }
      }
      return SqlStatus::Ok();
    }
    if (!last) return SetPath(&n->items[static_cast<size_t>(i)], path, level + 1, value, create, insert, after);
    if (insert) {
      n->items.insert(n->items.begin() + i + (after ? 1 : 0), value);
    } else {
      n->items[static_cast<size_t>(i)] = value;
    }
  }
  return SqlStatus::Ok();
}

SqlResult<Value> SetOrInsert(const std::vector<Value>& a, bool insert) {
  SQL_ASSIGN_OR_RETURN(Node x, json::Parse(a[0].s, true));
  SQL_ASSIGN_OR_RETURN(std::vector<std::string> path, Path(a[1]));
  SQL_ASSIGN_OR_RETURN(Node v, json::Parse(a[2].s, true));
  bool flag = a.size() > 3 ? a[3].i != 0 : !insert;  // create_missing (true) / insert_after (false)
  if (x.kind != Kind::kObject && x.kind != Kind::kArray) return Invalid("cannot set path in scalar");
  if (path.empty()) return a[0];
  SQL_RETURN_IF_ERROR(SetPath(&x, path, 0, v, insert || flag, insert, insert && flag));
  return Jsonb(x);
}
SqlResult<Value> JsonbSet(const std::vector<Value>& a, const Type&) { return SetOrInsert(a, false); }
SqlResult<Value> JsonbInsert(const std::vector<Value>& a, const Type&) { return SetOrInsert(a, true); }

// json_build_object / jsonb_build_object (NULL arguments arrive here).
SqlResult<Value> BuildObject(const std::vector<Value>& a, const Type& t) {
  if (a.size() % 2 != 0) {
    SqlError e = Invalid("argument list must have even number of elements");
    e.hint = std::string("The arguments of ") + (t.id == T::kJsonb ? "jsonb" : "json") +
             "_build_object() must consist of alternating keys and values.";
    return e;
  }
  for (size_t i = 0; i < a.size(); i += 2) {
    if (a[i].null && t.id == T::kJsonb) return Invalid("argument " + std::to_string(i + 1) + ": key must not be null");
    if (a[i].null) {
      SqlError e = Invalid("argument " + std::to_string(i + 1) + " cannot be null");
      e.hint = "Object keys should be text.";
      return e;
    }
  }
  std::vector<Value> keys, values;
  for (size_t i = 0; i < a.size(); i += 2) {
    keys.push_back(a[i]);
    values.push_back(a[i + 1]);
  }
  return JsonObjectOf(t.id, keys, values, false);
}

SqlResult<Value> BuildArray(const std::vector<Value>& a, const Type& t) { return JsonArrayOf(t.id, a, false); }

SqlResult<Value> ToJsonFn(const std::vector<Value>& a, const Type& t) {
  if (t.id == T::kJsonb) return Jsonb(ToJsonbNode(a[0]));
  std::string out;
  AppendToJson(a[0], &out);
  return Json(T::kJson, std::move(out));
}

const std::vector<ScalarFunction>& Operators() {
  static const std::vector<ScalarFunction> kOps = {
      {"->", 2, 2, {T::kJson, T::kText}, T::kJson, GetField},
      {"->", 2, 2, {T::kJson, T::kInt4}, T::kJson, GetIndex},
      {"->", 2, 2, {T::kJsonb, T::kText}, T::kJsonb, GetField},
      {"->", 2, 2, {T::kJsonb, T::kInt4}, T::kJsonb, GetIndex},
      {"->>", 2, 2, {T::kJson, T::kText}, T::kText, GetField},
      {"->>", 2, 2, {T::kJson, T::kInt4}, T::kText, GetIndex},
      {"->>", 2, 2, {T::kJsonb, T::kText}, T::kText, GetField},
      {"->>", 2, 2, {T::kJsonb, T::kInt4}, T::kText, GetIndex},
      {"#>", 2, 2, {T::kJson, T::kText}, T::kJson, GetPath},
      {"#>", 2, 2, {T::kJsonb, T::kText}, T::kJsonb, GetPath},
      {"#>>", 2, 2, {T::kJson, T::kText}, T::kText, GetPath},
      {"#>>", 2, 2, {T::kJsonb, T::kText}, T::kText, GetPath},
      {"@>", 2, 2, {T::kJsonb, T::kJsonb}, T::kBool, ContainsOp},
      {"<@", 2, 2, {T::kJsonb, T::kJsonb}, T::kBool, ContainedOp},
      {"?", 2, 2, {T::kJsonb, T::kText}, T::kBool, ExistsOp},
      {"?|", 2, 2, {T::kJsonb, T::kText}, T::kBool, ExistsAny},
      {"?&", 2, 2, {T::kJsonb, T::kText}, T::kBool, ExistsAll},
      {"||", 2, 2, {T::kJsonb, T::kJsonb}, T::kJsonb, ConcatOp},
      {"-", 2, 2, {T::kJsonb, T::kText}, T::kJsonb, DeleteKey},
      {"-", 2, 2, {T::kJsonb, T::kInt4}, T::kJsonb, DeleteIndex},
      {"#-", 2, 2, {T::kJsonb, T::kText}, T::kJsonb, DeletePathOp},
      // The same with a text[] path (its canonical text is the literal the text forms read).
      {"#>", 2, 2, {T::kJson, T::kArray}, T::kJson, GetPath},
      {"#>", 2, 2, {T::kJsonb, T::kArray}, T::kJsonb, GetPath},
      {"#>>", 2, 2, {T::kJson, T::kArray}, T::kText, GetPath},
      {"#>>", 2, 2, {T::kJsonb, T::kArray}, T::kText, GetPath},
      {"?|", 2, 2, {T::kJsonb, T::kArray}, T::kBool, ExistsAny},
      {"?&", 2, 2, {T::kJsonb, T::kArray}, T::kBool, ExistsAll},
      {"-", 2, 2, {T::kJsonb, T::kArray}, T::kJsonb, DeleteKeys},
      {"#-", 2, 2, {T::kJsonb, T::kArray}, T::kJsonb, DeletePathOp},
  };
  return kOps;
}

const std::vector<ScalarFunction>& Functions() {
  static const std::vector<ScalarFunction> kFunctions = {
      {"json_typeof", 1, 1, {T::kJson}, T::kText, TypeOf},
      {"jsonb_typeof", 1, 1, {T::kJsonb}, T::kText, TypeOf},
      {"json_array_length", 1, 1, {T::kJson}, T::kInt4, ArrayLength},
      {"jsonb_array_length", 1, 1, {T::kJsonb}, T::kInt4, ArrayLength},
      {"jsonb_pretty", 1, 1, {T::kJsonb}, T::kText, PrettyFn},
      {"jsonb_strip_nulls", 1, 1, {T::kJsonb}, T::kJsonb, StripNullsFn},
      {"json_extract_path", 2, 100, {T::kJson, T::kText}, T::kJson, ExtractPath},
      {"jsonb_extract_path", 2, 100, {T::kJsonb, T::kText}, T::kJsonb, ExtractPath},
      {"json_extract_path_text", 2, 100, {T::kJson, T::kText}, T::kText, ExtractPath},
      {"jsonb_extract_path_text", 2, 100, {T::kJsonb, T::kText}, T::kText, ExtractPath},
      {"jsonb_set", 3, 4, {T::kJsonb, T::kText, T::kJsonb, T::kBool}, T::kJsonb, JsonbSet},
      {"jsonb_insert", 3, 4, {T::kJsonb, T::kText, T::kJsonb, T::kBool}, T::kJsonb, JsonbInsert},
      {"json_build_object", 0, 100, {kAnyArg}, T::kJson, BuildObject, true},
      {"jsonb_build_object", 0, 100, {kAnyArg}, T::kJsonb, BuildObject, true},
      {"json_build_array", 0, 100, {kAnyArg}, T::kJson, BuildArray, true},
      {"jsonb_build_array", 0, 100, {kAnyArg}, T::kJsonb, BuildArray, true},
      {"to_json", 1, 1, {kAnyArg}, T::kJson, ToJsonFn},
      {"to_jsonb", 1, 1, {kAnyArg}, T::kJsonb, ToJsonFn},
  };
  return kFunctions;
}

// A timestamp's ISO 8601 form as JSON writes it ("2020-01-01T10:00:00",
// with "+00:00" for timestamptz).
std::string IsoTimestamp(const Value& v) {
  std::string s;
  AppendText(v, &s);
  size_t sp = s.find(' ');
  if (sp != std::string::npos) s[sp] = 'T';
  if (v.type.id == T::kTimestampTz) {
    size_t z = s.find_last_of("+-");
    if (z != std::string::npos && z > 10 && s.size() - z == 3) s += ":00";
  }
  return s;
}

}  // namespace

bool IsJsonOperator(std::string_view op) {
  return op == "->" || op == "->>" || op == "#>" || op == "#>>" || op == "@>" || op == "<@" || op == "?" ||
         op == "?|" || op == "?&" || op == "#-";
}

TypeId JsonOperandType(std::string_view op) {
  if (op == "@>" || op == "<@" || op == "||") return T::kJsonb;
  return T::kText;
}

const ScalarFunction* FindJsonOperator(std::string_view op, TypeId l, TypeId r) {
  for (const auto& f : Operators()) {
    if (op == f.name && f.arg_types[0] == l && f.arg_types[1] == r) return &f;
  }
  return nullptr;
}

const ScalarFunction* FindJsonFunction(std::string_view name, size_t nargs) {
  for (const auto& f : Functions()) {
    if (name == f.name && static_cast<int>(nargs) >= f.min_args && static_cast<int>(nargs) <= f.max_args) return &f;
  }
  return nullptr;
}

Value JsonArrayOf(TypeId type, const std::vector<Value>& items, bool aggregate) {
  if (type == T::kJsonb) {
    Node arr = Node::Array();
    for (const auto& v : items) arr.items.push_back(ToJsonbNode(v));
    return Jsonb(arr);
  }
  std::string out = "[";
  for (size_t i = 0; i < items.size(); i++) {
    if (i) out += ", ";
    if (i && aggregate && !items[i].null && items[i].type.id == T::kArray) out += "\n ";
    AppendToJson(items[i], &out);
  }
  out += "]";
  return Json(T::kJson, std::move(out));
}

Value JsonObjectOf(TypeId type, const std::vector<Value>& keys, const std::vector<Value>& values,
                   bool spaced_braces) {
  if (type == T::kJsonb) {
    Node o = Node::Object();
    for (size_t i = 0; i < keys.size(); i++) {
      std::string key;
      AppendText(keys[i], &key);
      o.members.emplace_back(std::move(key), ToJsonbNode(values[i]));
    }
    json::Canonicalize(&o);
    return Jsonb(o);
  }
  std::string out = spaced_braces ? "{ " : "{";
  for (size_t i = 0; i < keys.size(); i++) {
    if (i) out += ", ";
    std::string key;
    AppendText(keys[i], &key);
    json::AppendQuoted(key, &out);
    out += " : ";
    AppendToJson(values[i], &out);
  }
  out += spaced_braces ? " }" : "}";
  return Json(T::kJson, std::move(out));
}

void AppendToJson(const Value& v, std::string* out) {
  if (v.null) {
    out->append("null");
    return;
  }
  switch (v.type.id) {
    case T::kBool: out->append(v.i ? "true" : "false"); return;
    case T::kInt2:
    case T::kInt4:
    case T::kInt8:
    case T::kNumeric:
    case T::kJson:
    case T::kJsonb: AppendText(v, out); return;
    case T::kFloat4:
    case T::kFloat8:
      if (std::isfinite(v.f)) {
        AppendText(v, out);
      } else {
        std::string s;
        AppendText(v, &s);
        json::AppendQuoted(s, out);
      }
      return;
    case T::kTimestamp:
    case T::kTimestampTz: json::AppendQuoted(IsoTimestamp(v), out); return;
    case T::kArray: {
      // An array is a JSON array of its elements (array_to_json: no spaces).
      auto items = ArrayElements(v);
      out->push_back('[');
      for (size_t i = 0; items.ok() && i < items->size(); i++) {
        if (i) out->push_back(',');
        AppendToJson((*items)[i], out);
      }
      out->push_back(']');
      return;
    }
    default: {
      std::string s;
      AppendText(v, &s);
      json::AppendQuoted(s, out);
    }
  }
}

json::Node ToJsonbNode(const Value& v) {
  if (v.null) return Node::Null();
  switch (v.type.id) {
    case T::kBool: return Node::Bool(v.i != 0);
    case T::kJson:
    case T::kJsonb: {
      auto n = json::Parse(v.s, true);
      return n.ok() ? std::move(n.value()) : Node::String(v.s);
    }
    case T::kInt2:
    case T::kInt4:
    case T::kInt8:
    case T::kNumeric: {
      std::string s;
      AppendText(v, &s);
      return Node::Number(std::move(s));
    }
    case T::kFloat4:
    case T::kFloat8: {
      std::string s;
      AppendText(v, &s);
      if (!std::isfinite(v.f)) return Node::String(std::move(s));
      // jsonb keeps numbers as numeric: 1e+20 prints as 100000000000000000000.
      auto n = json::Parse(s, true);
      return n.ok() ? std::move(n.value()) : Node::Number(std::move(s));
    }
    case T::kTimestamp:
    case T::kTimestampTz: return Node::String(IsoTimestamp(v));
    case T::kArray: {
      Node arr = Node::Array();
      auto items = ArrayElements(v);
      for (size_t i = 0; items.ok() && i < items->size(); i++) arr.items.push_back(ToJsonbNode((*items)[i]));
      return arr;
    }
    default: {
      std::string s;
      AppendText(v, &s);
      return Node::String(std::move(s));
    }
  }
}

}  // namespace lumadb::engine::sql

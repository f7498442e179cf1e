#include "engine/sql/binder/table_functions.h"

#include "engine/sql/binder/json_functions.h"
#include "engine/sql/binder/regex.h"
#include "engine/sql/types/array.h"
#include "engine/sql/types/json.h"

namespace lumadb::engine::sql {

namespace {

bool IsJsonFunction(std::string_view name) {
  return name.substr(0, 5) == "json_" || name.substr(0, 6) == "jsonb_";
}

SqlError Invalid(std::string message) { return MakeError(sqlstate::kInvalidParameterValue, std::move(message)); }

}  // namespace

bool IsTableFunction(std::string_view name) {
  for (const char* f : {"generate_series", "unnest", "json_each", "jsonb_each", "json_each_text", "jsonb_each_text",
                        "json_array_elements", "jsonb_array_elements", "json_array_elements_text",
                        "jsonb_array_elements_text", "json_object_keys", "jsonb_object_keys", "regexp_matches",
                        "regexp_split_to_table", "pg_partition_ancestors"}) {
    if (name == f) return true;
  }
  return false;
}

SqlResult<std::vector<TableFunctionColumn>> TableFunctionColumns(const std::string& name, std::vector<BoundPtr>* args,
                                                                 const BindContext& ctx, int location) {
  auto& a = *args;
  auto missing = [&]() {
    std::string types;
    for (size_t i = 0; i < a.size(); i++) types += (i ? ", " : "") + TypeName(a[i]->type);
    SqlError err = MakeError(sqlstate::kUndefinedFunction, "function " + name + "(" + types + ") does not exist",
                             ctx.Position(location));
    err.hint = "No function matches the given name and argument types. You might need to add explicit type casts.";
    return err;
  };
  if (name == "generate_series") {
    if (a.size() < 2 || a.size() > 3) return missing();
    TypeId type = TypeId::kInt4;
    for (const auto& b : a) {
      if (b->type.id == TypeId::kInt8) type = TypeId::kInt8;
      if (!IsInteger(b->type.id) && !Untyped(*b)) {
        return MakeError(sqlstate::kFeatureNotSupported,
                         "generate_series over " + TypeName(b->type) + " is not supported by LumaDB yet",
                         ctx.Position(b->location));
      }
    }
    for (auto& b : a) {
      SQL_ASSIGN_OR_RETURN(b, CoerceTo(std::move(b), Type::Of(type), false, ctx));
    }
    return std::vector<TableFunctionColumn>{{"generate_series", Type::Of(type), true}};
  }
  if (name == "regexp_matches" || name == "regexp_split_to_table") {
    if (a.size() < 2 || a.size() > 3) return missing();
    for (auto& b : a) {
      if (!Untyped(*b) && !IsString(b->type.id)) return missing();
      SQL_ASSIGN_OR_RETURN(b, CoerceTo(std::move(b), Type::Of(TypeId::kText), false, ctx));
    }
    Type t = name == "regexp_matches" ? Type::ArrayOf(Type::Of(TypeId::kText)) : Type::Of(TypeId::kText);
    return std::vector<TableFunctionColumn>{{name, t, true}};
  }
  if (a.size() != 1) return missing();
  if (name == "pg_partition_ancestors") {
    SQL_ASSIGN_OR_RETURN(a[0], CoerceTo(std::move(a[0]), Type::Of(TypeId::kRegclass), false, ctx));
    return std::vector<TableFunctionColumn>{{"relid", Type::Of(TypeId::kRegclass), false}};
  }
  if (name == "unnest") {
    if (Untyped(*a[0])) {
      return MakeError(sqlstate::kDatatypeMismatch, "could not determine polymorphic type because input has type unknown",
                       ctx.Position(location));
    }
    if (a[0]->type.id != TypeId::kArray) return missing();
    return std::vector<TableFunctionColumn>{{"unnest", a[0]->type.Element(), true}};
  }
  // The JSON functions.
  Type doc = Type::Of(name.rfind("jsonb_", 0) == 0 ? TypeId::kJsonb : TypeId::kJson);
  if (Untyped(*a[0])) {
    SQL_ASSIGN_OR_RETURN(a[0], CoerceTo(std::move(a[0]), doc, false, ctx));
  }
  if (a[0]->type != doc) return missing();
  bool text = name.size() > 5 && name.compare(name.size() - 5, 5, "_text") == 0;
  Type value = text ? Type::Of(TypeId::kText) : doc;
  if (name.find("_each") != std::string::npos) {
    return std::vector<TableFunctionColumn>{{"key", Type::Of(TypeId::kText), false}, {"value", value, false}};
  }
  if (name.find("_array_elements") != std::string::npos) {
    return std::vector<TableFunctionColumn>{{"value", value, false}};
  }
  return std::vector<TableFunctionColumn>{{name, Type::Of(TypeId::kText), true}};  // *_object_keys
}

SqlStatus RunTableFunction(const std::string& name, const std::vector<Value>& args,
                           const std::function<SqlResult<bool>(std::vector<Value>&)>& fn) {
  for (const auto& v : args) {
    if (v.null) return SqlStatus::Ok();  // strict: no rows
  }
  std::vector<Value> row;
  // There are no partitions: no relation has ancestors (nor is listed itself, as PostgreSQL does for
  // a table that is not a partition).
  if (name == "pg_partition_ancestors") return SqlStatus::Ok();
  if (name == "generate_series") {
    TypeId type = args[0].type.id;
    __int128 i = args[0].i, stop = args[1].i, step = args.size() > 2 ? args[2].i : 1;
    if (step == 0) return MakeError(sqlstate::kInvalidParameterValue, "step size cannot equal zero");
    for (; step > 0 ? i <= stop : i >= stop; i += step) {
      row.assign(1, Value::Int(type, static_cast<int64_t>(i)));
      SQL_ASSIGN_OR_RETURN(bool go, fn(row));
      if (!go) break;
    }
    return SqlStatus::Ok();
  }
  if (name == "unnest") {
    SQL_ASSIGN_OR_RETURN(std::vector<Value> items, ArrayElements(args[0]));
    for (auto& v : items) {
      row.assign(1, std::move(v));
      SQL_ASSIGN_OR_RETURN(bool go, fn(row));
      if (!go) break;
    }
    return SqlStatus::Ok();
  }
  if (name == "regexp_matches" || name == "regexp_split_to_table") {
    bool matches = name == "regexp_matches";
    SQL_ASSIGN_OR_RETURN(RegexOptions o, ParseRegexFlags(args.size() > 2 ? args[2].s : "", matches));
    if (matches) {
      SQL_ASSIGN_OR_RETURN(auto found, RegexMatches(args[0].s, args[1].s, o));
      for (const auto& groups : found) {
        std::vector<Value> vals;
        for (const auto& g : groups) {
          vals.push_back(g ? Value::String(Type::Of(TypeId::kText), *g) : Value::Null(Type::Of(TypeId::kText)));
        }
        row.assign(1, MakeArray(Type::Of(TypeId::kText), vals));
        SQL_ASSIGN_OR_RETURN(bool go, fn(row));
        if (!go) break;
      }
      return SqlStatus::Ok();
    }
    SQL_ASSIGN_OR_RETURN(std::vector<std::string> pieces, RegexSplit(args[0].s, args[1].s, o));
    for (auto& p : pieces) {
      row.assign(1, Value::String(Type::Of(TypeId::kText), std::move(p)));
      SQL_ASSIGN_OR_RETURN(bool go, fn(row));
      if (!go) break;
    }
    return SqlStatus::Ok();
  }
  if (!IsJsonFunction(name)) return MakeError(sqlstate::kInternalError, "unknown table function " + name);
  bool jsonb = args[0].type.id == TypeId::kJsonb;
  SQL_ASSIGN_OR_RETURN(json::Node root, json::Parse(args[0].s, jsonb));
  std::string_view source = args[0].s;
  bool text = name.size() > 5 && name.compare(name.size() - 5, 5, "_text") == 0;
  Type doc = args[0].type;
  // A member as the function's value column: json(b), or text (strings unquoted, null as NULL).
  auto member = [&](const json::Node& n) {
    if (!text) return Value::String(doc, json::MemberText(n, source));
    std::string s;
    if (!json::ScalarText(n, source, &s)) return Value::Null(Type::Of(TypeId::kText));
    return Value::String(Type::Of(TypeId::kText), std::move(s));
  };
  auto is_scalar = [&] { return root.kind != json::Kind::kArray && root.kind != json::Kind::kObject; };
  if (name.find("_each") != std::string::npos) {
    if (root.kind != json::Kind::kObject) {
      if (jsonb) return Invalid("cannot call " + name + " on a non-object");
      return Invalid(is_scalar() ? "cannot deconstruct a scalar" : "cannot deconstruct an array as an object");
    }
    for (const auto& m : root.members) {
      row.clear();
      row.push_back(Value::String(Type::Of(TypeId::kText), m.first));
      row.push_back(member(m.second));
      SQL_ASSIGN_OR_RETURN(bool go, fn(row));
      if (!go) break;
    }
    return SqlStatus::Ok();
  }
  if (name.find("_array_elements") != std::string::npos) {
    if (root.kind != json::Kind::kArray) {
      return Invalid(root.kind == json::Kind::kObject ? "cannot extract elements from an object"
                                                      : "cannot extract elements from a scalar");
    }
    for (const auto& item : root.items) {
      row.assign(1, member(item));
      SQL_ASSIGN_OR_RETURN(bool go, fn(row));
      if (!go) break;
    }
    return SqlStatus::Ok();
  }
  // *_object_keys
  if (root.kind != json::Kind::kObject) {
    return Invalid("cannot call " + name + " on " + (root.kind == json::Kind::kArray ? "an array" : "a scalar"));
  }
  for (const auto& m : root.members) {
    row.assign(1, Value::String(Type::Of(TypeId::kText), m.first));
    SQL_ASSIGN_OR_RETURN(bool go, fn(row));
    if (!go) break;
  }
  return SqlStatus::Ok();
}

}  // namespace lumadb::engine::sql

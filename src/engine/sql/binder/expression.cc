#include "engine/sql/binder/expression.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <regex.h>

#include <memory>
#include <unordered_map>

#include "engine/sql/binder/array_functions.h"
#include "engine/sql/binder/datetime_functions.h"
#include "engine/sql/binder/functions.h"
#include "engine/sql/binder/json_functions.h"
#include "engine/sql/binder/regex.h"
#include "engine/sql/binder/table_functions.h"
#include "engine/sql/types/array.h"
#include "engine/sql/types/datetime.h"
#include "engine/sql/types/enums.h"
#include "engine/sql/types/interval.h"
#include "engine/sql/types/numeric.h"
#include "engine/sql/types/timezone.h"

namespace lumadb::engine::sql {

int BindContext::Position(int location) const { return CharPosition(sql, location); }

namespace {

BoundPtr NewNode(BoundKind kind, Type type, int location) {
  auto b = std::make_unique<BoundExpr>();
  b->kind = kind;
  b->type = type;
  b->location = location;
  return b;
}

bool Untyped(const BoundPtr& b) { return Untyped(*b); }

// The ordered-set aggregates: f(...) WITHIN GROUP (ORDER BY x).
bool IsOrderedSetName(const std::string& n) {
  return n == "percentile_cont" || n == "percentile_disc" || n == "mode";
}

// stddev, variance and their _samp / _pop forms.
bool IsVarianceName(const std::string& n) {
  return n == "stddev" || n == "stddev_samp" || n == "stddev_pop" || n == "variance" || n == "var_samp" ||
         n == "var_pop";
}

bool IsAggregateName(const std::string& n) {
  return n == "count" || n == "sum" || n == "min" || n == "max" || n == "avg" || n == "bool_and" ||
         n == "bool_or" || n == "every" || n == "string_agg" || n == "json_agg" || n == "jsonb_agg" ||
         n == "json_object_agg" || n == "jsonb_object_agg" || n == "array_agg" || IsVarianceName(n) ||
         IsOrderedSetName(n);
}

std::string FuncName(const ast::Expr& e) {
  // pg_catalog.lower -> lower
  return e.names.empty() ? std::string() : e.names.back();
}

int NumericRank(TypeId id) {
  switch (id) {
    case TypeId::kInt2: return 1;
    case TypeId::kInt4: return 2;
    case TypeId::kInt8: return 3;
    case TypeId::kNumeric: return 4;  // integers < numeric < floats, as PostgreSQL's implicit casts go
    case TypeId::kFloat4: return 5;
    case TypeId::kFloat8: return 6;
    default: return 0;
  }
}

}  // namespace

std::string Fingerprint(const ast::Expr& e) {
  std::string s = std::to_string(static_cast<int>(e.kind)) + "(" + e.op;
  for (const auto& n : e.names) s += "." + n;
  if (e.kind == ast::ExprKind::kConst) {
    if (e.value.null) {
      s += "null";
    } else {
      AppendText(e.value, &s);
    }
  }
  if (e.kind == ast::ExprKind::kCast) {
    for (const auto& n : e.type.names) s += ":" + n;
  }
  for (const auto& a : e.args) s += "," + (a ? Fingerprint(*a) : std::string("-"));
  if (e.else_expr) s += ",else:" + Fingerprint(*e.else_expr);
  if (e.negated) s += "!";
  if (e.star) s += "*";
  if (e.subquery) s += "sub@" + std::to_string(e.location);  // no two subqueries match
  return s + ")";
}

namespace {

SqlError OperatorError(const std::string& op, const Type& l, const Type& r, int position, bool unary = false) {
  SqlError e = MakeError(sqlstate::kUndefinedFunction,
                         unary ? "operator does not exist: " + op + " " + TypeName(r)
                               : "operator does not exist: " + TypeName(l) + " " + op + " " + TypeName(r),
                         position);
  e.hint = "No operator matches the given name and argument types. You might need to add explicit type casts.";
  return e;
}

}  // namespace

bool HasAggregate(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::kFunc && e.over) {
    // sum(x) OVER (...) is not a grouping aggregate; one inside it is.
    for (const auto& a : e.args) {
      if (a && HasAggregate(*a)) return true;
    }
    for (const auto& p : e.over->partition) {
      if (p && HasAggregate(*p)) return true;
    }
    for (const auto& o : e.over->order) {
      if (o.expr && HasAggregate(*o.expr)) return true;
    }
    return false;
  }
  if (e.kind == ast::ExprKind::kFunc && IsAggregateName(FuncName(e))) return true;
  for (const auto& a : e.args) {
    if (a && HasAggregate(*a)) return true;
  }
  return e.else_expr && HasAggregate(*e.else_expr);
}

bool HasWindow(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::kFunc && e.over) return true;
  for (const auto& a : e.args) {
    if (a && HasWindow(*a)) return true;
  }
  return e.else_expr && HasWindow(*e.else_expr);
}

std::string OutputName(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::kColumn: return e.names.back();
    case ast::ExprKind::kFunc: return FuncName(e);
    case ast::ExprKind::kCast:
      if (e.args[0] && e.args[0]->kind != ast::ExprKind::kConst) return OutputName(*e.args[0]);
      return e.type.names.empty() ? "?column?" : e.type.names.back();
    case ast::ExprKind::kCase: return "case";
    case ast::ExprKind::kCoalesce: return "coalesce";
    case ast::ExprKind::kNullIf: return "nullif";
    case ast::ExprKind::kMinMax: return e.op == "GREATEST" ? "greatest" : "least";
    case ast::ExprKind::kSubquery: return e.op == "EXISTS" ? "exists" : e.op == "ARRAY" ? "array" : "?column?";
    case ast::ExprKind::kArray: return "array";
    case ast::ExprKind::kSubscript: return OutputName(*e.args[0]);
    case ast::ExprKind::kConst:
      if (!e.value.null && e.value.type.id == TypeId::kBool) return "bool";
      return "?column?";
    default: return "?column?";
  }
}

SqlResult<Type> ResolveType(const ast::TypeRef& t, const BindContext& ctx) {
  std::string name = t.names.empty() ? std::string() : t.names.back();
  if (t.array || (name.size() > 1 && name[0] == '_')) {
    // int[] (or pg_type's name for it, _int4): an array of the element type.
    ast::TypeRef elem = t;
    elem.array = false;
    if (!t.array) elem.names.back() = name.substr(1);
    SQL_ASSIGN_OR_RETURN(Type et, ResolveType(elem, ctx));
    if (et.id == TypeId::kArray || ArrayOid(et.id) == 0) {
      return MakeError(sqlstate::kUndefinedObject, "type \"" + name + "[]\" does not exist", ctx.Position(t.location));
    }
    return Type::ArrayOf(et);
  }
  bool catalog = t.names.size() == 2 && t.names[0] == "pg_catalog";
  auto mod = [&]() { return t.mods.empty() ? -1 : t.mods[0]; };
  if (name == "bool" || name == "boolean") return Type::Of(TypeId::kBool);
  if (name == "int2" || name == "smallint") return Type::Of(TypeId::kInt2);
  if (name == "int4" || name == "int" || name == "integer") return Type::Of(TypeId::kInt4);
  if (name == "int8" || name == "bigint") return Type::Of(TypeId::kInt8);
  if (name == "float4" || name == "real") return Type::Of(TypeId::kFloat4);
  if (name == "float8") return Type::Of(TypeId::kFloat8);
  if (name == "text") return Type::Of(TypeId::kText);
  if (name == "varchar") return Type::Of(TypeId::kVarchar, mod());
  if (name == "bpchar") return Type::Of(TypeId::kBpchar, t.mods.empty() && catalog ? 1 : mod());
  if (name == "char" && !catalog) return Type::Of(TypeId::kBpchar, t.mods.empty() ? 1 : mod());
  if (name == "date") return Type::Of(TypeId::kDate);
  if (name == "uuid") return Type::Of(TypeId::kUuid);
  if (name == "bytea") return Type::Of(TypeId::kBytea);
  if (name == "json") return Type::Of(TypeId::kJson);
  if (name == "jsonb") return Type::Of(TypeId::kJsonb);
  if (auto e = FindEnumNamed(name); e != nullptr && (t.names.size() == 1 || t.names[0] == "public")) {
    return Type::Of(TypeId::kEnum, static_cast<int32_t>(e->oid));
  }
  if (name == "regclass") return Type::Of(TypeId::kRegclass);
  if (name == "regtype") return Type::Of(TypeId::kRegtype);
  if (name == "regnamespace") return Type::Of(TypeId::kRegnamespace);
  if (name == "oid") return Type::Of(TypeId::kInt8);  // the system catalogs' OIDs are bigint here
  if (name == "interval") {
    if (t.mods.empty()) return Type::Of(TypeId::kInterval);
    auto typmod = datetime::IntervalTypmodFromMods(t.mods.data(), t.mods.size());
    if (!typmod.ok()) {
      SqlError err = typmod.status().error();
      err.position = ctx.Position(t.location);
      return err;
    }
    return Type::Of(TypeId::kInterval, typmod.value());
  }
  if (name == "timetz") {
    return MakeError(sqlstate::kFeatureNotSupported, "type time with time zone is not supported by LumaDB yet",
                     ctx.Position(t.location));
  }
  if (name == "timestamp" || name == "timestamptz" || name == "time") {
    int p = mod();
    if (p < -1) {
      return MakeError(sqlstate::kInvalidParameterValue,
                       std::string(name == "time" ? "TIME(" : "TIMESTAMP(") + std::to_string(p) +
                           ") precision must not be negative",
                       ctx.Position(t.location));
    }
    if (p > 6) p = 6;  // PostgreSQL warns and uses 6
    if (name == "time") return Type::Of(TypeId::kTime, p);
    return Type::Of(name == "timestamp" ? TypeId::kTimestamp : TypeId::kTimestampTz, p);
  }
  if (name == "numeric" || name == "decimal") {
    if (t.mods.empty()) return Type::Of(TypeId::kNumeric);
    int p = t.mods[0], sc = t.mods.size() > 1 ? t.mods[1] : 0;
    if (t.mods.size() > 2) {
      return MakeError(sqlstate::kSyntaxError, "invalid NUMERIC type modifier", ctx.Position(t.location));
    }
    if (p < 1 || p > 1000) {
      return MakeError(sqlstate::kInvalidParameterValue,
                       "NUMERIC precision " + std::to_string(p) + " must be between 1 and 1000",
                       ctx.Position(t.location));
    }
    if (sc < -1000 || sc > 1000) {
      return MakeError(sqlstate::kInvalidParameterValue,
                       "NUMERIC scale " + std::to_string(sc) + " must be between -1000 and 1000",
                       ctx.Position(t.location));
    }
    return Type::Of(TypeId::kNumeric, numeric::MakeTypmod(p, sc));
  }
  return MakeError(sqlstate::kUndefinedObject, "type \"" + name + "\" does not exist", ctx.Position(t.location));
}

bool AssignableTo(const Type& from_type, const Type& to) {
  TypeId from = from_type.id;
  if (from == TypeId::kNull || from == TypeId::kUnknown) return true;
  // (time -> interval is implicit; interval -> time and timestamp -> time
  // are PostgreSQL's assignment casts.)
  return (IsNumeric(from) && IsNumeric(to.id)) || (IsString(from) && IsString(to.id)) || IsString(to.id) ||
         (from == TypeId::kBool && to.id == TypeId::kBool) || (IsDatetime(from) && IsDatetime(to.id)) ||
         from == to.id || (from == TypeId::kTime && to.id == TypeId::kInterval) ||
         (to.id == TypeId::kTime &&
          (from == TypeId::kInterval || from == TypeId::kTimestamp || from == TypeId::kTimestampTz));
}

SqlResult<BoundPtr> CoerceTo(BoundPtr e, const Type& to, bool explicit_cast, const BindContext& ctx) {
  if (e->type == to) return e;
  TypeId from = e->type.id;
  if (IsOidAlias(to.id) && (Untyped(*e) || IsString(from) || IsInteger(from) || IsOidAlias(from))) {
    // regclass & co.: a name or an OID, resolved against the catalog when evaluated.
    bool from_text = Untyped(*e) || IsString(from);
    SQL_ASSIGN_OR_RETURN(e, CoerceTo(std::move(e), Type::Of(from_text ? TypeId::kText : TypeId::kInt8), false, ctx));
    auto f = NewNode(BoundKind::kFunc, to, e->location);
    f->func = FindRegCast(to.id, from_text);
    f->op = f->func->name;
    f->args.push_back(std::move(e));
    return f;
  }
  if (!explicit_cast && from != TypeId::kNull && from != TypeId::kUnknown) {
    if (!AssignableTo(e->type, to)) {
      return MakeError(sqlstate::kDatatypeMismatch, "expression is of type " + TypeName(e->type) +
                                                        " but " + TypeName(to) + " was expected",
                       ctx.Position(e->location));
    }
  }
  if (e->kind == BoundKind::kConst && e->param > 0 && ctx.params != nullptr &&
      (from == TypeId::kUnknown || from == TypeId::kNull)) {
    // A parameter of unknown type takes the type its context wants.
    ctx.params->types[e->param - 1] = to;
    e->value = Value::Null(to);
    e->type = to;
    return e;
  }
  if (e->kind == BoundKind::kConst) {
    auto v = CastValue(e->value, to, explicit_cast);
    if (!v.ok()) {
      SqlError err = v.status().error();
      if (from == TypeId::kUnknown) err.position = ctx.Position(e->location);
      return err;
    }
    e->value = std::move(v.value());
    e->value.type = to;
    e->type = to;
    return e;
  }
  auto c = NewNode(BoundKind::kCast, to, e->location);
  c->explicit_cast = explicit_cast;
  c->args.push_back(std::move(e));
  return c;
}

SqlResult<Type> CommonType(const std::vector<const BoundExpr*>& items, const char* construct, const BindContext& ctx) {
  Type best = Type::Of(TypeId::kUnknown);
  bool any = false;
  for (const BoundExpr* b : items) {
    TypeId id = b->type.id;
    if (id == TypeId::kNull || id == TypeId::kUnknown) continue;
    if (!any) {
      best = b->type;
      any = true;
      continue;
    }
    if (best == b->type) continue;
    if (IsNumeric(best.id) && IsNumeric(id)) {
      if (NumericRank(id) > NumericRank(best.id)) best = b->type;
      continue;
    }
    if (IsString(best.id) && IsString(id)) {
      best = Type::Of(best.id == TypeId::kText || id == TypeId::kText ? TypeId::kText : TypeId::kVarchar);
      continue;
    }
    if (IsDatetime(best.id) && IsDatetime(id)) {
      // date < timestamp < timestamptz, as PostgreSQL's preferred-type order.
      if (static_cast<int>(id) > static_cast<int>(best.id)) best = Type::Of(id);
      continue;
    }
    return MakeError(sqlstate::kDatatypeMismatch,
                     std::string(construct) + " types " + TypeName(best) + " and " + TypeName(b->type) +
                         " cannot be matched",
                     ctx.Position(b->location));
  }
  if (!any) return Type::Of(TypeId::kText);
  return best;
}

namespace {

SqlResult<BoundPtr> Bind(const ast::Expr& e, BindContext& ctx);

SqlResult<BoundPtr> BindColumn(const ast::Expr& e, BindContext& ctx);

// A column a subquery does not have: the enclosing query's (which makes the
// subquery correlated), as a reference to that query's row.
SqlResult<BoundPtr> BindOuterColumn(const ast::Expr& e, BindContext& ctx) {
  SQL_ASSIGN_OR_RETURN(BoundPtr b, BindColumn(e, *ctx.outer));
  if (b->kind == BoundKind::kSlot) {
    b->kind = BoundKind::kOuterRef;
    b->param = 1;
  } else if (b->kind == BoundKind::kOuterRef) {
    b->param++;
  }
  if (ctx.correlated != nullptr) *ctx.correlated = true;
  return b;
}

SqlResult<BoundPtr> BindColumn(const ast::Expr& e, BindContext& ctx) {
  const std::string& col = e.names.back();
  int found_slot = -1;
  const ScopeTable* found_table = nullptr;
  if (e.names.size() >= 2) {
    const std::string& tname = e.names[e.names.size() - 2];
    for (const auto& t : ctx.tables) {
      if (t.name != tname) continue;
      found_table = &t;
      int c = t.table->FindColumn(col);
      if (c < 0) {
        return MakeError(sqlstate::kUndefinedColumn, "column " + tname + "." + col + " does not exist",
                         ctx.Position(e.location));
      }
      found_slot = t.first_slot + c;
      break;
    }
    if (found_table == nullptr) {
      if (ctx.outer != nullptr) return BindOuterColumn(e, ctx);
      return MakeError(sqlstate::kUndefinedTable, "missing FROM-clause entry for table \"" + tname + "\"",
                       ctx.Position(e.location));
    }
  } else {
    for (const auto& t : ctx.tables) {
      int c = t.table->FindColumn(col);
      if (c < 0 || t.Merged(c)) continue;
      if (found_slot >= 0) {
        return MakeError(sqlstate::kAmbiguousColumn, "column reference \"" + col + "\" is ambiguous",
                         ctx.Position(e.location));
      }
      found_slot = t.first_slot + c;
      found_table = &t;
    }
    if (found_slot < 0) {
      // The alias of a function of one column in FROM stands for its value
      // (FROM jsonb_array_elements(x) e ... e ->> 'k'), as in PostgreSQL.
      for (const auto& t : ctx.tables) {
        if (t.scalar_function && t.name == col) {
          found_slot = t.first_slot;
          found_table = &t;
          break;
        }
      }
    }
    if (found_slot < 0) {
      if (ctx.outer != nullptr) return BindOuterColumn(e, ctx);
      return MakeError(sqlstate::kUndefinedColumn, "column \"" + col + "\" does not exist", ctx.Position(e.location));
    }
  }
  Type type = found_table->table->columns[found_slot - found_table->first_slot].type;
  if (ctx.aggregating) {
    // A grouped column becomes the slot of its group key.
    for (size_t g = 0; g < ctx.group_bound->size(); g++) {
      const BoundExpr* gb = (*ctx.group_bound)[g].get();
      if (gb->kind == BoundKind::kSlot && gb->slot == found_slot) {
        auto b = NewNode(BoundKind::kSlot, type, e.location);
        b->slot = static_cast<int>(g);
        return b;
      }
    }
    return MakeError(sqlstate::kGroupingError,
                     "column \"" + found_table->name + "." + col +
                         "\" must appear in the GROUP BY clause or be used in an aggregate function",
                     ctx.Position(e.location));
  }
  auto b = NewNode(BoundKind::kSlot, type, e.location);
  b->slot = found_slot;
  return b;
}

SqlResult<BoundPtr> ToBool(BoundPtr b, const char* construct, const BindContext& ctx);

// An aggregate call's argument bound (over the row it reads) and its result type.
SqlResult<AggregateCall> AggregateOf(const ast::Expr& e, BindContext& ctx) {
  std::string name = FuncName(e);
  AggregateCall call;
  call.name = name == "every" ? "bool_and" : name;
  call.star = e.star;
  call.distinct = e.distinct;
  bool ordered_set = IsOrderedSetName(name);
  if (ordered_set != e.within_group) {
    // PostgreSQL finds no function of that shape (42883).
    SqlError err = MakeError(sqlstate::kUndefinedFunction,
                             ordered_set ? "function " + name + " without WITHIN GROUP does not exist"
                                         : "function " + name + " with WITHIN GROUP does not exist",
                             ctx.Position(e.location));
    err.hint = ordered_set ? name + " is an ordered-set aggregate: " + name + "(...) WITHIN GROUP (ORDER BY ...)"
                           : name + " is not an ordered-set aggregate, so it cannot have WITHIN GROUP";
    return err;
  }
  if (ordered_set && (e.distinct || e.agg_order.size() != 1)) {
    return MakeError(sqlstate::kFeatureNotSupported,
                     name + " with DISTINCT or several ORDER BY keys is not supported by LumaDB yet",
                     ctx.Position(e.location));
  }
  if (!e.star && !(ordered_set && name == "mode" && e.args.empty())) {
    bool two = name == "string_agg" || name == "json_object_agg" || name == "jsonb_object_agg";
    if (e.args.size() != (two ? 2u : 1u) || (ordered_set && name == "mode")) {
      return MakeError(sqlstate::kUndefinedFunction, "function " + name + " with " + std::to_string(e.args.size()) +
                                                         " arguments does not exist",
                       ctx.Position(e.location));
    }
    if (HasAggregate(*e.args[0])) {
      return MakeError(sqlstate::kGroupingError, "aggregate function calls cannot be nested",
                       ctx.Position(e.args[0]->location));
    }
    if (HasWindow(*e.args[0])) {
      return MakeError(sqlstate::kGroupingError, "aggregate function calls cannot contain window function calls",
                       ctx.Position(e.args[0]->location));
    }
    BindContext inner = ctx;
    inner.aggregating = false;
    inner.allow_aggregates = false;
    SQL_ASSIGN_OR_RETURN(call.arg, Bind(*e.args[0], inner));
    if (call.arg->type.id == TypeId::kUnknown || call.arg->type.id == TypeId::kNull) {
      SQL_ASSIGN_OR_RETURN(call.arg, CoerceTo(std::move(call.arg), Type::Of(TypeId::kText), false, ctx));
    }
    if (e.args.size() > 1) {
      SQL_ASSIGN_OR_RETURN(call.arg2, Bind(*e.args[1], inner));
    }
  } else if (e.star && name != "count") {
    return MakeError(sqlstate::kSyntaxError, name + "(*) specified, but " + name + " is not an aggregate function",
                     ctx.Position(e.location));
  }
  // FILTER (WHERE ...) and ORDER BY over the input row.
  BindContext row_ctx = ctx;
  row_ctx.aggregating = false;
  row_ctx.allow_aggregates = false;
  row_ctx.windows = nullptr;
  if (e.filter) {
    row_ctx.aggregate_context = "FILTER";
    if (HasAggregate(*e.filter)) {
      return MakeError(sqlstate::kGroupingError, "aggregate functions are not allowed in FILTER",
                       ctx.Position(e.filter->location));
    }
    SQL_ASSIGN_OR_RETURN(call.filter, Bind(*e.filter, row_ctx));
    SQL_ASSIGN_OR_RETURN(call.filter, ToBool(std::move(call.filter), "FILTER", ctx));
  }
  for (size_t i = 0; i < e.agg_order.size(); i++) {
    row_ctx.aggregate_context = "ORDER BY";
    SortExpr k;
    SQL_ASSIGN_OR_RETURN(k.expr, Bind(*e.agg_order[i], row_ctx));
    if (k.expr->type.id == TypeId::kUnknown || k.expr->type.id == TypeId::kNull) {
      SQL_ASSIGN_OR_RETURN(k.expr, CoerceTo(std::move(k.expr), Type::Of(TypeId::kText), false, ctx));
    }
    k.desc = e.agg_order_desc[i];
    k.nulls_first = e.agg_order_nulls_first[i].value_or(k.desc);
    call.order.push_back(std::move(k));
  }
  if (call.distinct && !call.order.empty()) {
    // PostgreSQL: with DISTINCT, ORDER BY must sort by the argument itself.
    for (const auto& k : call.order) {
      if (k.expr->kind != call.arg->kind || k.expr->slot != call.arg->slot || k.expr->kind != BoundKind::kSlot) {
        return MakeError(sqlstate::kInvalidColumnReference,
                         "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list",
                         ctx.Position(e.agg_order[0]->location));
      }
    }
  }
  if (ordered_set) {
    // The aggregated value is the WITHIN GROUP key (call.order[0] sorts by
    // it); percentile_*'s fraction (a number or an array of them) is arg2.
    BindContext key_ctx = ctx;
    key_ctx.aggregating = false;
    key_ctx.allow_aggregates = false;
    key_ctx.windows = nullptr;
    call.arg2 = std::move(call.arg);
    SQL_ASSIGN_OR_RETURN(call.arg, Bind(*e.agg_order[0], key_ctx));
    if (Untyped(call.arg)) {
      SQL_ASSIGN_OR_RETURN(call.arg, CoerceTo(std::move(call.arg), Type::Of(TypeId::kText), false, ctx));
    }
    if (name == "percentile_cont") {
      if (!IsNumeric(call.arg->type.id)) {
        return MakeError(sqlstate::kUndefinedFunction,
                         "function percentile_cont(double precision, " + TypeName(call.arg->type) + ") does not exist",
                         ctx.Position(e.location));
      }
      SQL_ASSIGN_OR_RETURN(call.arg, CoerceTo(std::move(call.arg), Type::Of(TypeId::kFloat8), false, ctx));
      SQL_ASSIGN_OR_RETURN(call.order[0].expr, CoerceTo(std::move(call.order[0].expr), Type::Of(TypeId::kFloat8),
                                                        false, ctx));
    }
    call.type = name == "percentile_cont" ? Type::Of(TypeId::kFloat8) : call.arg->type;
    if (call.arg2) {
      bool many = call.arg2->type.id == TypeId::kArray;
      Type want = many ? Type::ArrayOf(Type::Of(TypeId::kFloat8)) : Type::Of(TypeId::kFloat8);
      if (!many && !Untyped(call.arg2) && !IsNumeric(call.arg2->type.id)) {
        return MakeError(sqlstate::kUndefinedFunction,
                         "function " + name + "(" + TypeName(call.arg2->type) + ", " + TypeName(call.arg->type) +
                             ") does not exist",
                         ctx.Position(e.location));
      }
      SQL_ASSIGN_OR_RETURN(call.arg2, CoerceTo(std::move(call.arg2), want, false, ctx));
      if (many) call.type = Type::ArrayOf(call.type);
    }
    return call;
  }
  TypeId at = call.arg ? call.arg->type.id : TypeId::kInt8;
  if (call.name == "string_agg") {
    if (!IsString(at) || (call.arg2->type.id != TypeId::kUnknown && call.arg2->type.id != TypeId::kNull &&
                          !IsString(call.arg2->type.id))) {
      SqlError err = MakeError(sqlstate::kUndefinedFunction,
                               "function string_agg(" + TypeName(call.arg->type) + ", " + TypeName(call.arg2->type) +
                                   ") does not exist",
                               ctx.Position(e.location));
      err.hint = "No function matches the given name and argument types. You might need to add explicit type casts.";
      return err;
    }
    SQL_ASSIGN_OR_RETURN(call.arg2, CoerceTo(std::move(call.arg2), Type::Of(TypeId::kText), false, ctx));
    call.type = Type::Of(TypeId::kText);
    return call;
  }
  if (call.name == "array_agg") {
    if (at == TypeId::kArray) {
      return MakeError(sqlstate::kFeatureNotSupported, "array_agg of arrays is not supported by LumaDB yet",
                       ctx.Position(e.location));
    }
    if (ArrayOid(at) == 0) {
      return MakeError(sqlstate::kUndefinedObject, "could not find array type for data type " + TypeName(call.arg->type),
                       ctx.Position(e.location));
    }
    call.type = Type::ArrayOf(call.arg->type);
  } else if (call.name == "json_agg" || call.name == "json_object_agg") {
    call.type = Type::Of(TypeId::kJson);
  } else if (call.name == "jsonb_agg" || call.name == "jsonb_object_agg") {
    call.type = Type::Of(TypeId::kJsonb);
  } else if (call.name == "count") {
    call.type = Type::Of(TypeId::kInt8);
  } else if (call.name == "sum") {
    if (at == TypeId::kInt2 || at == TypeId::kInt4) {
      call.type = Type::Of(TypeId::kInt8);
    } else if (at == TypeId::kInt8 || at == TypeId::kNumeric) {
      call.type = Type::Of(TypeId::kNumeric);
    } else if (IsFloat(at) || at == TypeId::kInterval) {
      call.type = Type::Of(at);
    } else {
      return MakeError(sqlstate::kUndefinedFunction, "function sum(" + TypeName(call.arg->type) + ") does not exist",
                       ctx.Position(e.location));
    }
  } else if (IsVarianceName(call.name)) {
    if (!IsNumeric(at)) {
      return MakeError(sqlstate::kUndefinedFunction,
                       "function " + name + "(" + TypeName(call.arg->type) + ") does not exist",
                       ctx.Position(e.location));
    }
    // The two names PostgreSQL keeps for the sample forms.
    if (call.name == "stddev") call.name = "stddev_samp";
    if (call.name == "variance") call.name = "var_samp";
    call.type = Type::Of(IsFloat(at) ? TypeId::kFloat8 : TypeId::kNumeric);
  } else if (call.name == "avg" && at == TypeId::kInterval) {
    call.type = Type::Of(TypeId::kInterval);
  } else if (call.name == "avg") {
    if (!IsNumeric(at)) {
      return MakeError(sqlstate::kUndefinedFunction, "function avg(" + TypeName(call.arg->type) + ") does not exist",
                       ctx.Position(e.location));
    }
    call.type = Type::Of(IsFloat(at) ? TypeId::kFloat8 : TypeId::kNumeric);
  } else if (call.name == "bool_and" || call.name == "bool_or") {
    if (at != TypeId::kBool) {
      return MakeError(sqlstate::kUndefinedFunction,
                       "function " + name + "(" + TypeName(call.arg->type) + ") does not exist",
                       ctx.Position(e.location));
    }
    call.type = Type::Of(TypeId::kBool);
  } else {
    call.type = call.arg->type;  // min, max
  }
  return call;
}

SqlResult<BoundPtr> BindAggregate(const ast::Expr& e, BindContext& ctx) {
  if (!ctx.allow_aggregates) {
    return MakeError(sqlstate::kGroupingError,
                     std::string("aggregate functions are not allowed in ") + ctx.aggregate_context,
                     ctx.Position(e.location));
  }
  SQL_ASSIGN_OR_RETURN(AggregateCall call, AggregateOf(e, ctx));
  if (!ctx.aggregating) {
    return MakeError(sqlstate::kGroupingError, "aggregate function calls are not allowed here",
                     ctx.Position(e.location));
  }
  auto b = NewNode(BoundKind::kSlot, call.type, e.location);
  b->slot = static_cast<int>(ctx.group_bound->size() + ctx.aggregates->size());
  ctx.aggregates->push_back(std::move(call));
  return b;
}

bool IsWindowOnlyName(const std::string& n) {
  return n == "row_number" || n == "rank" || n == "dense_rank" || n == "percent_rank" || n == "cume_dist" ||
         n == "ntile" || n == "lag" || n == "lead" || n == "first_value" || n == "last_value" || n == "nth_value";
}

SqlResult<BoundPtr> BindWindow(const ast::Expr& e, BindContext& ctx) {
  std::string name = FuncName(e);
  if (e.within_group || IsOrderedSetName(name)) {
    return MakeError(sqlstate::kFeatureNotSupported, "OVER is not supported for ordered-set aggregate " + name,
                     ctx.Position(e.location));
  }
  if (ctx.windows == nullptr) {
    return MakeError(sqlstate::kWindowingError,
                     std::string("window functions are not allowed in ") + ctx.aggregate_context,
                     ctx.Position(e.location));
  }
  // OVER w / OVER (w ...): start from the WINDOW clause's definition.
  const ast::WindowSpec* over = e.over.get();
  const ast::WindowSpec* base = nullptr;
  std::string ref = !over->refname.empty() ? over->refname : over->name;
  if (!ref.empty()) {
    if (ctx.named_windows != nullptr) {
      for (const auto& w : *ctx.named_windows) {
        if (w->name == ref) base = w.get();
      }
    }
    if (base == nullptr) {
      return MakeError(sqlstate::kUndefinedObject, "window \"" + ref + "\" does not exist", ctx.Position(over->location));
    }
    if (!over->partition.empty()) {
      return MakeError(sqlstate::kWindowingError, "cannot override PARTITION BY clause of window \"" + ref + "\"",
                       ctx.Position(over->location));
    }
    if (!over->order.empty() && !base->order.empty()) {
      return MakeError(sqlstate::kWindowingError, "cannot override ORDER BY clause of window \"" + ref + "\"",
                       ctx.Position(over->location));
    }
    if (base->frame_options & ast::frame::kNonDefault) {
      return MakeError(sqlstate::kWindowingError, "cannot copy window \"" + ref + "\" because it has a frame clause",
                       ctx.Position(over->location));
    }
  }
  const auto& partition = base != nullptr ? base->partition : over->partition;
  const auto& order = base != nullptr && over->order.empty() ? base->order : over->order;
  bool nested = false;
  for (const auto& a : e.args) nested = nested || (a && HasWindow(*a));
  for (const auto& p : partition) nested = nested || HasWindow(*p);
  for (const auto& o : order) nested = nested || HasWindow(*o.expr);
  if (nested) {
    return MakeError(sqlstate::kWindowingError, "window function calls cannot be nested", ctx.Position(e.location));
  }
  BindContext inner = ctx;
  inner.windows = nullptr;  // window calls do not nest
  inner.aggregate_context = "window function calls";
  WindowCall w;
  w.name = name;
  if (e.distinct) {
    return MakeError(sqlstate::kFeatureNotSupported, "DISTINCT is not implemented for window functions",
                     ctx.Position(e.location));
  }
  if (IsAggregateName(name)) {
    // The aggregate's argument reads the windowed row: bind it as a plain
    // expression over that row (grouped columns and aggregates included).
    BindContext arg_ctx = inner;
    arg_ctx.allow_aggregates = ctx.allow_aggregates;
    AggregateCall call;
    if (!e.star && !e.args.empty() && e.args.size() <= 2) {
      std::vector<BoundPtr> args;
      for (const auto& a : e.args) {
        SQL_ASSIGN_OR_RETURN(BoundPtr arg, Bind(*a, arg_ctx));
        if (arg->type.id == TypeId::kUnknown || arg->type.id == TypeId::kNull) {
          SQL_ASSIGN_OR_RETURN(arg, CoerceTo(std::move(arg), Type::Of(TypeId::kText), false, ctx));
        }
        args.push_back(std::move(arg));
      }
      // Type the call as the aggregate would type it over those arguments.
      ast::Expr probe;
      probe.kind = ast::ExprKind::kFunc;
      probe.names = e.names;
      probe.location = e.location;
      for (const auto& arg : args) {
        auto c = std::make_unique<ast::Expr>();
        c->kind = ast::ExprKind::kConst;
        c->value = Value::Null(arg->type);
        probe.args.push_back(std::move(c));
      }
      BindContext typing;
      typing.sql = ctx.sql;
      SQL_ASSIGN_OR_RETURN(call, AggregateOf(probe, typing));
      call.arg = std::move(args[0]);
      if (args.size() > 1) {
        SQL_ASSIGN_OR_RETURN(call.arg2, CoerceTo(std::move(args[1]), Type::Of(TypeId::kText), false, ctx));
      }
      if (e.filter) {
        SQL_ASSIGN_OR_RETURN(call.filter, Bind(*e.filter, arg_ctx));
        SQL_ASSIGN_OR_RETURN(call.filter, ToBool(std::move(call.filter), "FILTER", ctx));
      }
    } else {
      SQL_ASSIGN_OR_RETURN(call, AggregateOf(e, inner));
    }
    w.aggregate = true;
    w.type = call.type;
    w.agg = std::move(call);
  } else if (IsWindowOnlyName(name)) {
    if (e.star) {
      return MakeError(sqlstate::kSyntaxError, name + "(*) specified, but " + name + " is not an aggregate function",
                       ctx.Position(e.location));
    }
    for (const auto& a : e.args) {
      SQL_ASSIGN_OR_RETURN(BoundPtr b, Bind(*a, inner));
      w.args.push_back(std::move(b));
    }
    auto no_function = [&]() {
      std::string types;
      for (size_t i = 0; i < w.args.size(); i++) types += (i ? ", " : "") + TypeName(w.args[i]->type);
      SqlError err = MakeError(sqlstate::kUndefinedFunction, "function " + name + "(" + types + ") does not exist",
                               ctx.Position(e.location));
      err.hint = "No function matches the given name and argument types. You might need to add explicit type casts.";
      return err;
    };
    auto int_arg = [&](size_t i) -> SqlStatus {
      if (!IsInteger(w.args[i]->type.id) && w.args[i]->type.id != TypeId::kUnknown &&
          w.args[i]->type.id != TypeId::kNull) {
        return no_function();
      }
      SQL_ASSIGN_OR_RETURN(w.args[i], CoerceTo(std::move(w.args[i]), Type::Of(TypeId::kInt8), false, ctx));
      return SqlStatus::Ok();
    };
    size_t n = w.args.size();
    if (name == "row_number" || name == "rank" || name == "dense_rank") {
      if (n != 0) return no_function();
      w.type = Type::Of(TypeId::kInt8);
    } else if (name == "percent_rank" || name == "cume_dist") {
      if (n != 0) return no_function();
      w.type = Type::Of(TypeId::kFloat8);
    } else if (name == "ntile") {
      if (n != 1) return no_function();
      SQL_RETURN_IF_ERROR(int_arg(0));
      w.type = Type::Of(TypeId::kInt4);
    } else {
      if (n == 0 || (name == "nth_value" ? n != 2 : (name == "lag" || name == "lead") ? n > 3 : n != 1)) {
        return no_function();
      }
      if (w.args[0]->type.id == TypeId::kUnknown || w.args[0]->type.id == TypeId::kNull) {
        SQL_ASSIGN_OR_RETURN(w.args[0], CoerceTo(std::move(w.args[0]), Type::Of(TypeId::kText), false, ctx));
      }
      w.type = w.args[0]->type;
      if (n >= 2) SQL_RETURN_IF_ERROR(int_arg(1));
      if (n == 3) {
        auto d = CoerceTo(std::move(w.args[2]), w.type, false, ctx);
        if (!d.ok()) return no_function();
        w.args[2] = std::move(d.value());
      }
    }
  } else {
    return MakeError(sqlstate::kWrongObjectType,
                     "OVER specified, but " + name + " is not a window function nor an aggregate function",
                     ctx.Position(e.location));
  }
  for (const auto& p : partition) {
    SQL_ASSIGN_OR_RETURN(BoundPtr b, Bind(*p, inner));
    w.partition.push_back(std::move(b));
  }
  for (const auto& o : order) {
    WindowCall::Order wo;
    SQL_ASSIGN_OR_RETURN(wo.expr, Bind(*o.expr, inner));
    wo.desc = o.desc;
    wo.nulls_first = o.nulls_first.value_or(o.desc);
    w.order.push_back(std::move(wo));
  }
  // The frame: PostgreSQL's default is RANGE UNBOUNDED PRECEDING .. CURRENT ROW.
  int fo = over->frame_options;
  const ast::WindowSpec* frame_spec = over;
  if (!(fo & ast::frame::kNonDefault)) {
    fo = ast::frame::kRange | ast::frame::kStartUnboundedPreceding | ast::frame::kEndCurrentRow;
  }
  if (fo & (ast::frame::kGroups | ast::frame::kExcludeCurrentRow | ast::frame::kExcludeGroup |
            ast::frame::kExcludeTies)) {
    return MakeError(sqlstate::kFeatureNotSupported, "GROUPS frames and EXCLUDE are not supported by LumaDB yet",
                     ctx.Position(over->location));
  }
  bool offsets = fo & (ast::frame::kStartOffsetPreceding | ast::frame::kStartOffsetFollowing |
                       ast::frame::kEndOffsetPreceding | ast::frame::kEndOffsetFollowing);
  if ((fo & ast::frame::kRange) && offsets) {
    return MakeError(sqlstate::kFeatureNotSupported, "RANGE frames with an offset are not supported by LumaDB yet",
                     ctx.Position(over->location));
  }
  BindContext offset_ctx;
  offset_ctx.sql = ctx.sql;
  offset_ctx.params = ctx.params;
  offset_ctx.aggregate_context = "window definitions";
  if (frame_spec->start_offset) {
    SQL_ASSIGN_OR_RETURN(w.start_offset, Bind(*frame_spec->start_offset, offset_ctx));
    SQL_ASSIGN_OR_RETURN(w.start_offset, CoerceTo(std::move(w.start_offset), Type::Of(TypeId::kInt8), false, ctx));
  }
  if (frame_spec->end_offset) {
    SQL_ASSIGN_OR_RETURN(w.end_offset, Bind(*frame_spec->end_offset, offset_ctx));
    SQL_ASSIGN_OR_RETURN(w.end_offset, CoerceTo(std::move(w.end_offset), Type::Of(TypeId::kInt8), false, ctx));
  }
  w.frame_options = fo;
  auto b = NewNode(BoundKind::kSlot, w.type, e.location);
  b->slot = kWindowSlotBase + static_cast<int>(ctx.windows->size());
  ctx.windows->push_back(std::move(w));
  return b;
}

// The type an unknown literal takes beside an operand of type t: t's type
// without its modifier (strings: text), as the operator's input type.
Type OperandType(const Type& t) {
  if (IsString(t.id)) return Type::Of(TypeId::kText);
  if (t.id == TypeId::kInterval || t.id == TypeId::kTime || t.id == TypeId::kTimestamp ||
      t.id == TypeId::kTimestampTz) {
    return Type::Of(t.id);
  }
  return t;
}

// Gives unknown literals the other side's type, for operators.
SqlStatus UnifyOperands(BoundPtr* l, BoundPtr* r, const BindContext& ctx) {
  TypeId lt = (*l)->type.id, rt = (*r)->type.id;
  bool lu = lt == TypeId::kUnknown || lt == TypeId::kNull;
  bool ru = rt == TypeId::kUnknown || rt == TypeId::kNull;
  if (lu && ru) {
    SQL_ASSIGN_OR_RETURN(*l, CoerceTo(std::move(*l), Type::Of(TypeId::kText), false, ctx));
    SQL_ASSIGN_OR_RETURN(*r, CoerceTo(std::move(*r), Type::Of(TypeId::kText), false, ctx));
  } else if (lu) {
    SQL_ASSIGN_OR_RETURN(*l, CoerceTo(std::move(*l), OperandType((*r)->type), false, ctx));
  } else if (ru) {
    SQL_ASSIGN_OR_RETURN(*r, CoerceTo(std::move(*r), OperandType((*l)->type), false, ctx));
  }
  return SqlStatus::Ok();
}

SqlResult<BoundPtr> ToBool(BoundPtr b, const char* construct, const BindContext& ctx) {
  if (b->type.id == TypeId::kBool) return b;
  if (b->type.id == TypeId::kUnknown || b->type.id == TypeId::kNull) {
    return CoerceTo(std::move(b), Type::Of(TypeId::kBool), false, ctx);
  }
  return MakeError(sqlstate::kDatatypeMismatch,
                   std::string("argument of ") + construct + " must be type boolean, not type " + TypeName(b->type),
                   ctx.Position(b->location));
}

SqlResult<BoundPtr> MakeCompare(const std::string& op, BoundPtr l, BoundPtr r, int location, const BindContext& ctx) {
  SQL_RETURN_IF_ERROR(UnifyOperands(&l, &r, ctx));
  TypeId lt = l->type.id, rt = r->type.id;
  if (IsDatetime(lt) && IsDatetime(rt) && lt != rt) {
    // Compared as the wider of the two (a date as its midnight).
    Type wide = Type::Of(static_cast<int>(lt) > static_cast<int>(rt) ? lt : rt);
    SQL_ASSIGN_OR_RETURN(l, CoerceTo(std::move(l), wide, false, ctx));
    SQL_ASSIGN_OR_RETURN(r, CoerceTo(std::move(r), wide, false, ctx));
    lt = rt = wide.id;
  }
  if ((lt == TypeId::kTime && rt == TypeId::kInterval) || (lt == TypeId::kInterval && rt == TypeId::kTime)) {
    // A time compares with an interval as the interval it casts to.
    SQL_ASSIGN_OR_RETURN(l, CoerceTo(std::move(l), Type::Of(TypeId::kInterval), false, ctx));
    SQL_ASSIGN_OR_RETURN(r, CoerceTo(std::move(r), Type::Of(TypeId::kInterval), false, ctx));
    lt = rt = TypeId::kInterval;
  }
  bool ok = (IsNumeric(lt) && IsNumeric(rt)) || (IsString(lt) && IsString(rt)) ||
            (lt == TypeId::kBool && rt == TypeId::kBool) || (IsDatetime(lt) && lt == rt) ||
            (lt == rt && (lt == TypeId::kUuid || lt == TypeId::kBytea || lt == TypeId::kJsonb ||
                          lt == TypeId::kInterval || lt == TypeId::kTime)) ||
            (lt == TypeId::kArray && rt == TypeId::kArray && l->type.elem == r->type.elem) ||
            (lt == TypeId::kEnum && rt == TypeId::kEnum && l->type.length == r->type.length) ||
            ((IsOidAlias(lt) || IsOidAlias(rt)) && (IsOidAlias(lt) || IsInteger(lt)) &&
             (IsOidAlias(rt) || IsInteger(rt)));
  if (!ok) return OperatorError(op, l->type, r->type, ctx.Position(location));
  auto b = NewNode(BoundKind::kCompare, Type::Of(TypeId::kBool), location);
  b->op = op;
  b->args.push_back(std::move(l));
  b->args.push_back(std::move(r));
  return b;
}


// The argument and result types of an array function (array_functions.h):
// anyarray arguments fix the element type, anyelement arguments are coerced
// to it, unknown literals take it. False when the arguments do not fit.
SqlResult<bool> ArrayFunctionTypes(const std::string& name, std::vector<BoundPtr>* args, Type* result,
                                   const BindContext& ctx) {
  auto& a = *args;
  auto coerce = [&](size_t i, const Type& t) -> SqlStatus {
    SQL_ASSIGN_OR_RETURN(a[i], CoerceTo(std::move(a[i]), t, false, ctx));
    return SqlStatus::Ok();
  };
  auto is_array = [&](size_t i) { return a[i]->type.id == TypeId::kArray; };
  if (name == "array_set" && a.size() == 3 && a[0]->type.id == TypeId::kJsonb) {
    // SET doc['k'] = v on a jsonb column.
    if (!Untyped(a[1]) && !IsString(a[1]->type.id) && !IsInteger(a[1]->type.id)) return false;
    if (Untyped(a[1])) {
      SQL_RETURN_IF_ERROR(coerce(1, Type::Of(TypeId::kText)));
    }
    if (!Untyped(a[2]) && a[2]->type.id != TypeId::kJsonb) return false;
    SQL_RETURN_IF_ERROR(coerce(2, Type::Of(TypeId::kJsonb)));
    *result = a[0]->type;
    return true;
  }
  if (name == "string_to_array") {
    for (size_t i = 0; i < a.size(); i++) {
      if (!Untyped(a[i]) && !IsString(a[i]->type.id)) return false;
      SQL_RETURN_IF_ERROR(coerce(i, Type::Of(TypeId::kText)));
    }
    *result = Type::ArrayOf(Type::Of(TypeId::kText));
    return true;
  }
  // Which arguments are arrays and which elements.
  std::vector<bool> arr(a.size(), false);
  if (name == "array_prepend") {
    arr[1] = true;
  } else if (name == "array_cat" || name == "@>" || name == "<@" || name == "&&") {
    arr[0] = arr[1] = true;
  } else {
    arr[0] = true;
  }
  Type array_type;
  for (size_t i = 0; i < a.size(); i++) {
    if (arr[i] && is_array(i)) array_type = a[i]->type;
  }
  if (array_type.id != TypeId::kArray) {
    // No typed array: an element argument gives it (array_append('{1}', 2)).
    bool elements = name == "array_append" || name == "array_prepend" || name == "array_position" ||
                    name == "array_remove";
    for (size_t i = 0; i < a.size() && elements; i++) {
      if (!arr[i] && !Untyped(a[i]) && ArrayOid(a[i]->type.id) != 0) array_type = Type::ArrayOf(a[i]->type);
    }
    if (array_type.id != TypeId::kArray) {
      return MakeError(sqlstate::kDatatypeMismatch,
                       "could not determine polymorphic type because input has type unknown");
    }
  }
  for (size_t i = 0; i < a.size(); i++) {
    if (arr[i]) {
      if (!Untyped(a[i]) && !is_array(i)) return false;
      SQL_RETURN_IF_ERROR(coerce(i, array_type));
    } else if (name == "array_length" || name == "array_upper" || name == "array_lower" ||
               (name == "array_set" && i == 1)) {
      if (!Untyped(a[i]) && !IsInteger(a[i]->type.id)) return false;
      SQL_RETURN_IF_ERROR(coerce(i, Type::Of(TypeId::kInt4)));
    } else if (name == "array_to_string") {
      if (!Untyped(a[i]) && !IsString(a[i]->type.id)) return false;
      SQL_RETURN_IF_ERROR(coerce(i, Type::Of(TypeId::kText)));
    } else {
      SqlResult<BoundPtr> c = CoerceTo(std::move(a[i]), array_type.Element(), false, ctx);
      if (!c.ok()) return false;
      a[i] = std::move(c.value());
    }
  }
  const ScalarFunction* f = FindArrayFunction(name);
  *result = f->result == TypeId::kArray ? array_type : Type::Of(f->result);
  return true;
}

// Array operators: || (array_cat, array_append, array_prepend), @>, <@, &&.
SqlResult<BoundPtr> BindArrayOperator(const std::string& op, BoundPtr l, BoundPtr r, int location,
                                      const BindContext& ctx) {
  std::string name = op;
  if (op == "||") {
    bool la = l->type.id == TypeId::kArray, ra = r->type.id == TypeId::kArray;
    name = la && !ra && !Untyped(r) ? "array_append" : ra && !la && !Untyped(l) ? "array_prepend" : "array_cat";
  }
  Type lt = l->type, rt = r->type;
  std::vector<BoundPtr> args;
  args.push_back(std::move(l));
  args.push_back(std::move(r));
  Type result;
  SQL_ASSIGN_OR_RETURN(bool ok, ArrayFunctionTypes(name, &args, &result, ctx));
  if (!ok) return OperatorError(op, lt, rt, ctx.Position(location));
  auto b = NewNode(BoundKind::kFunc, result, location);
  b->op = name;
  b->func = FindArrayFunction(name);
  b->args = std::move(args);
  return b;
}

// An operator implemented by a ScalarFunction (JSON, datetime operators).
BoundPtr OperatorNode(const ScalarFunction* f, const std::string& op, BoundPtr l, BoundPtr r, int location) {
  auto b = NewNode(BoundKind::kFunc, Type::Of(f->result), location);
  b->op = op;
  b->func = f;
  b->args.push_back(std::move(l));
  b->args.push_back(std::move(r));
  return b;
}

// json and jsonb operators (json_functions.h): an unknown literal on the
// left is jsonb, on the right what the operator takes.
SqlResult<BoundPtr> BindJsonOperator(const std::string& op, BoundPtr l, BoundPtr r, int location,
                                     const BindContext& ctx) {
  if (Untyped(l)) {
    SQL_ASSIGN_OR_RETURN(l, CoerceTo(std::move(l), Type::Of(TypeId::kJsonb), false, ctx));
  }
  if (Untyped(r)) {
    SQL_ASSIGN_OR_RETURN(r, CoerceTo(std::move(r), Type::Of(JsonOperandType(op)), false, ctx));
  }
  if (IsString(r->type.id) && r->type.id != TypeId::kText) {
    SQL_ASSIGN_OR_RETURN(r, CoerceTo(std::move(r), Type::Of(TypeId::kText), false, ctx));
  }
  if (r->type.id == TypeId::kInt2) {
    SQL_ASSIGN_OR_RETURN(r, CoerceTo(std::move(r), Type::Of(TypeId::kInt4), false, ctx));
  }
  const ScalarFunction* f = FindJsonOperator(op, l->type.id, r->type.id);
  if (f == nullptr) return OperatorError(op, l->type, r->type, ctx.Position(location));
  return OperatorNode(f, op, std::move(l), std::move(r), location);
}

// + - * / where an operand is a date, timestamp, time or interval
// (datetime_functions.h), after PostgreSQL's operator resolution: an unknown
// literal beside a timestamp, time or interval is an interval for + (the
// only such operator) and the other side's type for -; mixed datetimes meet
// at the wider type; a time meets an interval as an interval. Returns null
// for date +/- integer and date - date, which the numeric path handles.
SqlResult<BoundPtr> BindTemporalOperator(const std::string& op, BoundPtr& l, BoundPtr& r, int location,
                                         const BindContext& ctx) {
  auto coerce = [&](BoundPtr& b, TypeId to) -> SqlStatus {
    SQL_ASSIGN_OR_RETURN(b, CoerceTo(std::move(b), Type::Of(to), false, ctx));
    return SqlStatus::Ok();
  };
  bool lu = Untyped(l), ru = Untyped(r);
  if (lu != ru) {
    BoundPtr& unknown = lu ? l : r;
    TypeId other = (lu ? r : l)->type.id;
    if (op == "+" && other == TypeId::kDate) {
      return MakeError("42725", "operator is not unique: " + (lu ? std::string("unknown + date") : "date + unknown"),
                       ctx.Position(location));
    }
    TypeId to = op == "+" ? TypeId::kInterval : (op == "*" || op == "/") ? TypeId::kFloat8 : other;
    if (op == "+" && other == TypeId::kInterval) to = TypeId::kInterval;
    SQL_RETURN_IF_ERROR(coerce(unknown, to));
  }
  TypeId lt = l->type.id, rt = r->type.id;
  if ((lt == TypeId::kDate && (IsInteger(rt) || rt == TypeId::kDate)) || (rt == TypeId::kDate && IsInteger(lt))) {
    return BoundPtr();
  }
  if (IsDatetime(lt) && IsDatetime(rt) && lt != rt && op == "-") {
    TypeId wide = static_cast<int>(lt) > static_cast<int>(rt) ? lt : rt;
    SQL_RETURN_IF_ERROR(coerce(l, wide));
    SQL_RETURN_IF_ERROR(coerce(r, wide));
  } else if ((op == "*" || op == "/") && (lt == TypeId::kInterval) != (rt == TypeId::kInterval)) {
    BoundPtr& number = lt == TypeId::kInterval ? r : l;
    if (IsNumeric(number->type.id)) SQL_RETURN_IF_ERROR(coerce(number, TypeId::kFloat8));
  } else if (FindDatetimeOperator(op, lt, rt) == nullptr) {
    if (lt == TypeId::kTime && rt == TypeId::kInterval) SQL_RETURN_IF_ERROR(coerce(l, TypeId::kInterval));
    if (rt == TypeId::kTime && lt == TypeId::kInterval) SQL_RETURN_IF_ERROR(coerce(r, TypeId::kInterval));
  }
  const ScalarFunction* f = FindDatetimeOperator(op, l->type.id, r->type.id);
  if (f == nullptr) return OperatorError(op, l->type, r->type, ctx.Position(location));
  return OperatorNode(f, op, std::move(l), std::move(r), location);
}

SqlResult<BoundPtr> BindBinary(const ast::Expr& e, BindContext& ctx) {
  SQL_ASSIGN_OR_RETURN(BoundPtr l, Bind(*e.args[0], ctx));
  SQL_ASSIGN_OR_RETURN(BoundPtr r, Bind(*e.args[1], ctx));
  const std::string& op = e.op;
  if (op == "AND" || op == "OR") {
    SQL_ASSIGN_OR_RETURN(l, ToBool(std::move(l), op.c_str(), ctx));
    SQL_ASSIGN_OR_RETURN(r, ToBool(std::move(r), op.c_str(), ctx));
    auto b = NewNode(op == "AND" ? BoundKind::kAnd : BoundKind::kOr, Type::Of(TypeId::kBool), e.location);
    b->args.push_back(std::move(l));
    b->args.push_back(std::move(r));
    return b;
  }
  if (op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=") {
    return MakeCompare(op, std::move(l), std::move(r), e.location, ctx);
  }
  bool arrays = l->type.id == TypeId::kArray || r->type.id == TypeId::kArray;
  if (arrays && (op == "||" || op == "@>" || op == "<@" || op == "&&")) {
    return BindArrayOperator(op, std::move(l), std::move(r), e.location, ctx);
  }
  if (IsJsonOperator(op) || ((op == "||" || op == "-") && (IsJson(l->type.id) || IsJson(r->type.id)))) {
    return BindJsonOperator(op, std::move(l), std::move(r), e.location, ctx);
  }
  if (op == "||") {
    TypeId lt = l->type.id, rt = r->type.id;
    bool lu = lt == TypeId::kUnknown || lt == TypeId::kNull;
    bool ru = rt == TypeId::kUnknown || rt == TypeId::kNull;
    if (!(IsString(lt) || lu) && !(IsString(rt) || ru)) return OperatorError(op, l->type, r->type, ctx.Position(e.location));
    auto b = NewNode(BoundKind::kConcat, Type::Of(TypeId::kText), e.location);
    b->args.push_back(std::move(l));
    b->args.push_back(std::move(r));
    return b;
  }
  if ((op == "+" || op == "-" || op == "*" || op == "/") && (IsTemporal(l->type.id) || IsTemporal(r->type.id))) {
    SQL_ASSIGN_OR_RETURN(BoundPtr b, BindTemporalOperator(op, l, r, e.location, ctx));
    if (b != nullptr) return b;
    // date +/- integer, date - date: below.
  }
  if (op == "+" || op == "-" || op == "*" || op == "/" || op == "%") {
    SQL_RETURN_IF_ERROR(UnifyOperands(&l, &r, ctx));
    TypeId lt = l->type.id, rt = r->type.id;
    if (lt == TypeId::kDate || rt == TypeId::kDate) {
      // date + integer, integer + date, date - integer (days) and date - date.
      TypeId result = TypeId::kNull;
      if (op == "+" && lt == TypeId::kDate && IsInteger(rt) && rt != TypeId::kInt8) result = TypeId::kDate;
      if (op == "+" && rt == TypeId::kDate && IsInteger(lt) && lt != TypeId::kInt8) result = TypeId::kDate;
      if (op == "-" && lt == TypeId::kDate && IsInteger(rt) && rt != TypeId::kInt8) result = TypeId::kDate;
      if (op == "-" && lt == TypeId::kDate && rt == TypeId::kDate) result = TypeId::kInt4;
      if (result == TypeId::kNull) return OperatorError(op, l->type, r->type, ctx.Position(e.location));
      auto b = NewNode(BoundKind::kArith, Type::Of(result), e.location);
      b->op = op;
      b->args.push_back(std::move(l));
      b->args.push_back(std::move(r));
      return b;
    }
    if (!IsNumeric(lt) || !IsNumeric(rt) || (op == "%" && (IsFloat(lt) || IsFloat(rt)))) {
      return OperatorError(op, l->type, r->type, ctx.Position(e.location));
    }
    TypeId result;
    if (IsFloat(lt) || IsFloat(rt)) {
      result = lt == TypeId::kFloat4 && rt == TypeId::kFloat4 ? TypeId::kFloat4 : TypeId::kFloat8;
    } else {
      result = NumericRank(lt) > NumericRank(rt) ? lt : rt;
    }
    auto b = NewNode(BoundKind::kArith, Type::Of(result), e.location);
    b->op = op;
    b->args.push_back(std::move(l));
    b->args.push_back(std::move(r));
    return b;
  }
  return MakeError(sqlstate::kUndefinedFunction,
                   "operator does not exist: " + TypeName(l->type) + " " + op + " " + TypeName(r->type),
                   ctx.Position(e.location));
}

SqlResult<BoundPtr> BindScalarFunc(const ast::Expr& e, BindContext& ctx) {
  std::string name = FuncName(e);
  std::vector<BoundPtr> args;
  for (const auto& a : e.args) {
    SQL_ASSIGN_OR_RETURN(BoundPtr b, Bind(*a, ctx));
    args.push_back(std::move(b));
  }
  auto sig = [&]() {
    std::string s = name + "(";
    for (size_t i = 0; i < args.size(); i++) s += (i ? ", " : "") + TypeName(args[i]->type);
    return s + ")";
  };
  auto missing = [&]() {
    SqlError err = MakeError(sqlstate::kUndefinedFunction, "function " + sig() + " does not exist",
                             ctx.Position(e.location));
    err.hint = "No function matches the given name and argument types. You might need to add explicit type casts.";
    return err;
  };
  if (!e.arg_names.empty()) {
    // name => value: make_interval's parameters are the named ones there are.
    if (name != "make_interval") return missing();
    std::vector<BoundPtr> ordered(7);
    for (size_t i = 0; i < args.size(); i++) {
      int at = e.arg_names[i].empty() ? static_cast<int>(i) : MakeIntervalParam(e.arg_names[i]);
      if (at < 0 || ordered[at] != nullptr) return missing();
      ordered[at] = std::move(args[i]);
    }
    for (size_t i = 0; i < ordered.size(); i++) {
      if (ordered[i] != nullptr) continue;
      ordered[i] = NewNode(BoundKind::kConst, Type::Of(TypeId::kInt4), e.location);
      ordered[i]->value = Value::Int(TypeId::kInt4, 0);
    }
    args = std::move(ordered);
  }
  Type result;
  const ScalarFunction* func = nullptr;
  if (name == "lower" || name == "upper" || name == "length" || name == "char_length" ||
      name == "character_length" || name == "octet_length") {
    if (args.size() != 1) return missing();
    if (args[0]->type.id == TypeId::kUnknown || args[0]->type.id == TypeId::kNull) {
      SQL_ASSIGN_OR_RETURN(args[0], CoerceTo(std::move(args[0]), Type::Of(TypeId::kText), false, ctx));
    }
    bool bytes = args[0]->type.id == TypeId::kBytea && name != "lower" && name != "upper" &&
                 name != "char_length" && name != "character_length";
    if (!IsString(args[0]->type.id) && !bytes) return missing();
    result = name == "lower" || name == "upper" ? Type::Of(TypeId::kText) : Type::Of(TypeId::kInt4);
  } else if (name == "abs") {
    if (args.size() != 1) return missing();
    if (args[0]->type.id == TypeId::kUnknown) {
      SQL_ASSIGN_OR_RETURN(args[0], CoerceTo(std::move(args[0]), Type::Of(TypeId::kFloat8), false, ctx));
    }
    if (!IsNumeric(args[0]->type.id)) return missing();
    result = args[0]->type.id == TypeId::kNumeric ? Type::Of(TypeId::kNumeric) : args[0]->type;
  } else if (name == "mod") {
    if (args.size() != 2) return missing();
    SQL_RETURN_IF_ERROR(UnifyOperands(&args[0], &args[1], ctx));
    if (!IsInteger(args[0]->type.id) || !IsInteger(args[1]->type.id)) return missing();
    result = Type::Of(NumericRank(args[0]->type.id) > NumericRank(args[1]->type.id) ? args[0]->type.id
                                                                                       : args[1]->type.id);
  } else if (name == "concat") {
    result = Type::Of(TypeId::kText);
  } else if (name == "version" || name == "current_database" || name == "current_schema" ||
             name == "current_user" || name == "session_user" || name == "current_role" || name == "user" ||
             name == "current_catalog") {
    if (!args.empty()) return missing();
    result = Type::Of(TypeId::kText);
    bool user_name = name == "current_user" || name == "session_user" || name == "current_role" || name == "user";
    if (user_name && ctx.params != nullptr && !ctx.params->user.empty()) {
      auto b = NewNode(BoundKind::kConst, result, e.location);
      b->value = Value::String(result, ctx.params->user);
      return b;
    }
  } else if (name == "now" || name == "current_timestamp" || name == "transaction_timestamp" ||
             name == "statement_timestamp" || name == "localtimestamp" || name == "current_date" ||
             name == "clock_timestamp" || name == "localtime") {
    // The transaction's start time (a constant of the statement), except
    // clock_timestamp(), which reads the clock at each call.
    bool with_precision = name == "current_timestamp" || name == "localtimestamp" || name == "localtime";
    if (args.size() > (with_precision ? 1u : 0u)) return missing();
    TypeId id = name == "current_date"     ? TypeId::kDate
                : name == "localtimestamp" ? TypeId::kTimestamp
                : name == "localtime"      ? TypeId::kTime
                                           : TypeId::kTimestampTz;
    int precision = -1;
    if (!args.empty()) {
      if (args[0]->kind != BoundKind::kConst || args[0]->value.null) return missing();
      precision = static_cast<int>(std::min<int64_t>(args[0]->value.i, 6));
    }
    int64_t now = ctx.params != nullptr && ctx.params->now_us != 0 && name != "clock_timestamp"
                      ? ctx.params->now_us
                      : 0;
    if (now != 0) {
      int64_t x = precision >= 0 ? datetime::RoundTimestamp(now, precision) : now;
      if (id != TypeId::kTimestampTz) x = datetime::CurrentZone()->UtcToLocal(x);  // the session zone's local time
      if (id == TypeId::kDate) x = datetime::TimestampToDate(x);
      if (id == TypeId::kTime) x = datetime::TimestampTimeOfDay(x);
      auto b = NewNode(BoundKind::kConst, Type::Of(id), e.location);
      b->value = Value::Int(id, x);
      return b;
    }
    args.clear();
    if (precision >= 0) {
      auto p = NewNode(BoundKind::kConst, Type::Of(TypeId::kInt4), e.location);
      p->value = Value::Int(TypeId::kInt4, precision);
      args.push_back(std::move(p));
    }
    result = Type::Of(id);
  } else if (name == "to_char") {
    if (args.size() != 2) return missing();
    if (Untyped(args[1]) || IsString(args[1]->type.id)) {
      SQL_ASSIGN_OR_RETURN(args[1], CoerceTo(std::move(args[1]), Type::Of(TypeId::kText), false, ctx));
    }
    func = FindToChar(args[0]->type.id);
    if (func == nullptr || args[1]->type.id != TypeId::kText) return missing();
    TypeId want = func->arg_types[0];
    if (want != kAnyArg && want != args[0]->type.id) {
      SQL_ASSIGN_OR_RETURN(args[0], CoerceTo(std::move(args[0]), Type::Of(want), false, ctx));
    }
    result = Type::Of(TypeId::kText);
  } else if (name == "timezone" && args.size() == 2) {
    // ts AT TIME ZONE zone: a timestamp read in that zone, or a timestamptz's local time there.
    if (Untyped(args[0]) || IsString(args[0]->type.id)) {
      SQL_ASSIGN_OR_RETURN(args[0], CoerceTo(std::move(args[0]), Type::Of(TypeId::kText), false, ctx));
    }
    if (Untyped(args[1])) {
      SQL_ASSIGN_OR_RETURN(args[1], CoerceTo(std::move(args[1]), Type::Of(TypeId::kTimestampTz), false, ctx));
    }
    if (args[1]->type.id == TypeId::kDate) {
      SQL_ASSIGN_OR_RETURN(args[1], CoerceTo(std::move(args[1]), Type::Of(TypeId::kTimestampTz), false, ctx));
    }
    func = FindAtTimeZone(args[1]->type.id);
    if (func == nullptr || args[0]->type.id != TypeId::kText) return missing();
    result = Type::Of(func->result);
  } else if (name == "pg_typeof") {
    // The argument's type by name (PostgreSQL's regtype prints without a typmod).
    if (args.size() != 1) return missing();
    Type t = args[0]->type;
    if (t.id != TypeId::kEnum) t.length = -1;
    auto b = NewNode(BoundKind::kConst, Type::Of(TypeId::kText), e.location);
    b->value = Value::String(Type::Of(TypeId::kText), TypeName(t));
    return b;
  } else if (name == "current_time") {
    return MakeError(sqlstate::kFeatureNotSupported, "type time with time zone is not supported by LumaDB yet",
                     ctx.Position(e.location));
  } else if (name == "date_part" || name == "extract" || name == "date_trunc") {
    if (args.size() != 2) return missing();
    if (args[0]->type.id == TypeId::kUnknown || args[0]->type.id == TypeId::kNull) {
      SQL_ASSIGN_OR_RETURN(args[0], CoerceTo(std::move(args[0]), Type::Of(TypeId::kText), false, ctx));
    }
    if (args[1]->type.id == TypeId::kUnknown || args[1]->type.id == TypeId::kNull) {
      SQL_ASSIGN_OR_RETURN(args[1], CoerceTo(std::move(args[1]), Type::Of(TypeId::kTimestamp), false, ctx));
    }
    if (!IsString(args[0]->type.id) || !IsTemporal(args[1]->type.id)) return missing();
    if (name == "date_trunc" && !IsDatetime(args[1]->type.id)) return missing();
    if (name == "date_trunc") {
      // A date is truncated as the timestamptz of its midnight, as in PostgreSQL.
      if (args[1]->type.id == TypeId::kDate) {
        SQL_ASSIGN_OR_RETURN(args[1], CoerceTo(std::move(args[1]), Type::Of(TypeId::kTimestampTz), false, ctx));
      }
      result = Type::Of(args[1]->type.id);
    } else {
      result = Type::Of(name == "extract" ? TypeId::kNumeric : TypeId::kFloat8);
    }
  } else if (name == "concat_ws") {
    if (args.empty()) return missing();
    if (args[0]->type.id == TypeId::kUnknown || args[0]->type.id == TypeId::kNull) {
      SQL_ASSIGN_OR_RETURN(args[0], CoerceTo(std::move(args[0]), Type::Of(TypeId::kText), false, ctx));
    }
    if (!IsString(args[0]->type.id)) return missing();
    result = Type::Of(TypeId::kText);
  } else if ((func = FindArrayFunction(name)) != nullptr && std::isalpha(static_cast<unsigned char>(name[0])) &&
             static_cast<int>(args.size()) >= func->min_args && static_cast<int>(args.size()) <= func->max_args) {
    SQL_ASSIGN_OR_RETURN(bool ok, ArrayFunctionTypes(name, &args, &result, ctx));
    if (!ok) return missing();
  } else if ((func = !args.empty() && args[0]->type.id == TypeId::kNumeric ? FindNumericFunction(name, args.size())
                                                                           : nullptr) != nullptr ||
             (func = FindScalarFunction(name, args.size())) != nullptr ||
             (func = FindDatetimeFunction(name, args.size())) != nullptr) {
    // Arguments are coerced as PostgreSQL's implicit casts allow: strings to
    // text, numbers to double precision; integers stay as they are.
    for (size_t i = 0; i < args.size(); i++) {
      TypeId want = func->arg_types[std::min(i, func->arg_types.size() - 1)];
      TypeId have = args[i]->type.id;
      bool untyped = have == TypeId::kUnknown || have == TypeId::kNull;
      if (want == kAnyArg) {
        if (untyped) {
          SQL_ASSIGN_OR_RETURN(args[i], CoerceTo(std::move(args[i]), Type::Of(TypeId::kText), false, ctx));
        }
        continue;
      }
      bool ok = untyped || want == have || (want == TypeId::kText && IsString(have)) ||
                ((want == TypeId::kFloat8 || want == TypeId::kNumeric) && IsNumeric(have)) ||
                (IsInteger(want) && IsInteger(have)) || (want == TypeId::kInt8 && IsOidAlias(have)) ||
                (want == TypeId::kRegclass && (IsInteger(have) || IsOidAlias(have))) ||
                (IsDatetime(want) && IsDatetime(have)) ||
                (want == TypeId::kInterval && have == TypeId::kTime);
      if (!ok) return missing();
      if (have != want && (untyped || !IsInteger(want))) {
        SQL_ASSIGN_OR_RETURN(args[i], CoerceTo(std::move(args[i]), Type::Of(want), false, ctx));
      }
    }
    // (The one generic function returning an array is regexp_match: text[].)
    result = func->result == TypeId::kArray ? Type::ArrayOf(Type::Of(TypeId::kText)) : Type::Of(func->result);
  } else {
    return missing();
  }
  auto b = NewNode(BoundKind::kFunc, result, e.location);
  b->op = name;
  b->func = func;
  b->args = std::move(args);
  return b;
}

// ARRAY[a, b, ...]: the elements' common type (`cast`: the type ARRAY[...]::t[] asks for).
SqlResult<BoundPtr> BindArray(const ast::Expr& e, BindContext& ctx, const Type* cast) {
  std::vector<BoundPtr> items;
  for (const auto& a : e.args) {
    SQL_ASSIGN_OR_RETURN(BoundPtr b, Bind(*a, ctx));
    if (b->type.id == TypeId::kArray) {
      return MakeError(sqlstate::kFeatureNotSupported, "multidimensional arrays are not supported by LumaDB yet",
                       ctx.Position(a->location));
    }
    items.push_back(std::move(b));
  }
  Type elem;
  if (cast != nullptr) {
    elem = cast->Element();
  } else {
    if (items.empty()) {
      SqlError err = MakeError("42P18", "cannot determine type of empty array", ctx.Position(e.location));
      err.hint = "Explicitly cast to the desired type, for example ARRAY[]::integer[].";
      return err;
    }
    std::vector<const BoundExpr*> raw;
    for (const auto& b : items) raw.push_back(b.get());
    SQL_ASSIGN_OR_RETURN(elem, CommonType(raw, "ARRAY", ctx));
  }
  if (ArrayOid(elem.id) == 0) {
    return MakeError(sqlstate::kUndefinedObject, "could not find array type for data type " + TypeName(elem),
                     ctx.Position(e.location));
  }
  auto b = NewNode(BoundKind::kArrayCtor, Type::ArrayOf(elem), e.location);
  for (auto& item : items) {
    SQL_ASSIGN_OR_RETURN(item, CoerceTo(std::move(item), elem, cast != nullptr, ctx));
    b->args.push_back(std::move(item));
  }
  return b;
}

SqlResult<BoundPtr> BindSubscript(const ast::Expr& e, BindContext& ctx) {
  SQL_ASSIGN_OR_RETURN(BoundPtr base, Bind(*e.args[0], ctx));
  if (base->type.id == TypeId::kJsonb && e.op != ":") {
    // jsonb subscripting (PostgreSQL 14+): doc['key'] is doc -> 'key', doc[0] is doc -> 0.
    SQL_ASSIGN_OR_RETURN(BoundPtr key, Bind(*e.args[1], ctx));
    if (Untyped(key) || IsString(key->type.id)) {
      SQL_ASSIGN_OR_RETURN(key, CoerceTo(std::move(key), Type::Of(TypeId::kText), false, ctx));
    } else if (IsInteger(key->type.id)) {
      SQL_ASSIGN_OR_RETURN(key, CoerceTo(std::move(key), Type::Of(TypeId::kInt4), false, ctx));
    }
    const ScalarFunction* f = FindJsonOperator("->", TypeId::kJsonb, key->type.id);
    if (f == nullptr) {
      return MakeError(sqlstate::kDatatypeMismatch, "subscript type " + TypeName(key->type) + " is not supported",
                       ctx.Position(e.args[1]->location));
    }
    auto b = NewNode(BoundKind::kFunc, Type::Of(TypeId::kJsonb), e.location);
    b->op = "->";
    b->func = f;
    b->args.push_back(std::move(base));
    b->args.push_back(std::move(key));
    return b;
  }
  if (base->type.id != TypeId::kArray) {
    return MakeError(sqlstate::kDatatypeMismatch,
                     "cannot subscript type " + TypeName(base->type) + " because it does not support subscripting",
                     ctx.Position(e.location));
  }
  bool slice = e.op == ":";
  auto b = NewNode(BoundKind::kSubscript, slice ? base->type : base->type.Element(), e.location);
  b->op = e.op;
  b->args.push_back(std::move(base));
  for (size_t i = 1; i < e.args.size(); i++) {
    SQL_ASSIGN_OR_RETURN(BoundPtr x, Bind(*e.args[i], ctx));
    if (!IsInteger(x->type.id) && x->type.id != TypeId::kUnknown && x->type.id != TypeId::kNull) {
      return MakeError(sqlstate::kDatatypeMismatch, "array subscript must have type integer",
                       ctx.Position(e.args[i]->location));
    }
    SQL_ASSIGN_OR_RETURN(x, CoerceTo(std::move(x), Type::Of(TypeId::kInt4), false, ctx));
    b->args.push_back(std::move(x));
  }
  return b;
}

SqlResult<BoundPtr> BindAnyArray(const ast::Expr& e, BindContext& ctx) {
  SQL_ASSIGN_OR_RETURN(BoundPtr left, Bind(*e.args[0], ctx));
  SQL_ASSIGN_OR_RETURN(BoundPtr arr, Bind(*e.args[1], ctx));
  if (arr->type.id == TypeId::kUnknown || arr->type.id == TypeId::kNull) {
    // x = ANY('{1,2}'): the literal is an array of x's type.
    Type elem = left->type.id == TypeId::kUnknown || left->type.id == TypeId::kNull ? Type::Of(TypeId::kText)
                                                                                    : left->type;
    SQL_ASSIGN_OR_RETURN(arr, CoerceTo(std::move(arr), Type::ArrayOf(elem), false, ctx));
  }
  if (arr->type.id != TypeId::kArray) {
    return MakeError(sqlstate::kWrongObjectType, "op ANY/ALL (array) requires array on right side",
                     ctx.Position(e.location));
  }
  auto slot = NewNode(BoundKind::kConst, arr->type.Element(), e.location);
  slot->value = Value::Null(arr->type.Element());
  SQL_ASSIGN_OR_RETURN(BoundPtr cmp, MakeCompare(e.op, std::move(left), std::move(slot), e.location, ctx));
  auto b = NewNode(BoundKind::kAnyArray, Type::Of(TypeId::kBool), e.location);
  b->op = e.names[0];
  b->args.push_back(std::move(cmp));
  b->args.push_back(std::move(arr));
  return b;
}

// GROUPING(a, b, ...): a bit for each argument (the first the highest), set
// when the row's grouping set does not group by it.
SqlResult<BoundPtr> BindGrouping(const ast::Expr& e, BindContext& ctx) {
  if (!ctx.aggregating) {
    return MakeError(sqlstate::kGroupingError, std::string("grouping operations are not allowed in ") +
                                                   (ctx.allow_aggregates ? "a query without GROUP BY" : ctx.aggregate_context),
                     ctx.Position(e.location));
  }
  const auto* sets = ctx.grouping_sets != nullptr && !ctx.grouping_sets->empty() ? ctx.grouping_sets : nullptr;
  size_t keys = sets != nullptr ? (*sets)[0].size() : ctx.group_bound->size();
  if (e.args.empty() || e.args.size() > 31) {
    return MakeError(sqlstate::kSyntaxError, "GROUPING must have fewer than 32 arguments", ctx.Position(e.location));
  }
  std::vector<size_t> index;
  for (const auto& a : e.args) {
    SQL_ASSIGN_OR_RETURN(BoundPtr b, Bind(*a, ctx));
    if (b->kind != BoundKind::kSlot || b->slot < 0 || static_cast<size_t>(b->slot) >= keys) {
      return MakeError(sqlstate::kGroupingError,
                       "arguments to GROUPING must be grouping expressions of the associated query level",
                       ctx.Position(a->location));
    }
    index.push_back(static_cast<size_t>(b->slot));
  }
  auto masks = std::make_shared<std::vector<Value>>();
  for (size_t si = 0; si < (sets != nullptr ? sets->size() : 1); si++) {
    int64_t mask = 0;
    for (size_t j = 0; j < index.size(); j++) {
      bool kept = sets == nullptr || (*sets)[si][index[j]];
      if (!kept) mask |= int64_t{1} << (index.size() - 1 - j);
    }
    masks->push_back(Value::Int(TypeId::kInt4, mask));
  }
  auto b = NewNode(BoundKind::kFunc, Type::Of(TypeId::kInt4), e.location);
  b->op = "grouping";
  b->sub_values = std::move(masks);
  if (sets != nullptr) {
    auto set_number = NewNode(BoundKind::kSlot, Type::Of(TypeId::kInt4), e.location);
    set_number->slot = static_cast<int>(keys);  // the hidden last group key
    b->args.push_back(std::move(set_number));
  } else {
    auto zero = NewNode(BoundKind::kConst, Type::Of(TypeId::kInt4), e.location);
    zero->value = Value::Int(TypeId::kInt4, 0);
    b->args.push_back(std::move(zero));
  }
  return b;
}

// unnest(a), jsonb_array_elements(x), ... in the select list.
SqlResult<BoundPtr> BindSetReturning(const ast::Expr& e, BindContext& ctx) {
  std::string name = FuncName(e);
  if (ctx.srfs == nullptr || ctx.aggregating) {
    if (ctx.aggregating) {
      return MakeError(sqlstate::kFeatureNotSupported,
                       "set-returning functions in a grouped query are not supported by LumaDB yet",
                       ctx.Position(e.location));
    }
    return MakeError(sqlstate::kFeatureNotSupported,
                     std::string("set-returning functions are not allowed in ") + ctx.aggregate_context,
                     ctx.Position(e.location));
  }
  SrfCall call;
  call.name = name;
  std::vector<SrfCall>* srfs = ctx.srfs;
  ctx.srfs = nullptr;  // no set-returning function inside its arguments
  for (const auto& a : e.args) {
    auto b = Bind(*a, ctx);
    if (!b.ok()) {
      ctx.srfs = srfs;
      return b.TakeStatus();
    }
    call.args.push_back(std::move(b.value()));
  }
  ctx.srfs = srfs;
  SQL_ASSIGN_OR_RETURN(std::vector<TableFunctionColumn> cols, TableFunctionColumns(name, &call.args, ctx, e.location));
  if (cols.size() != 1) {
    return MakeError(sqlstate::kFeatureNotSupported,
                     name + " in a select list is not supported by LumaDB yet (call it in FROM)",
                     ctx.Position(e.location));
  }
  call.type = cols[0].type;
  auto b = NewNode(BoundKind::kSlot, call.type, e.location);
  b->slot = ctx.srf_first_slot + static_cast<int>(ctx.srfs->size());
  ctx.srfs->push_back(std::move(call));
  return b;
}

SqlResult<BoundPtr> BindSubquery(const ast::Expr& e, BindContext& ctx) {
  if (!ctx.plan_subquery) {
    return MakeError(sqlstate::kFeatureNotSupported, "subqueries are not supported here by LumaDB yet",
                     ctx.Position(e.location));
  }
  std::vector<Type> cols;
  bool correlated = false;
  SQL_ASSIGN_OR_RETURN(std::shared_ptr<SelectPlan> planned, ctx.plan_subquery(*e.subquery, &cols, &ctx, &correlated));
  auto b = NewNode(BoundKind::kSubquery, Type::Of(TypeId::kBool), e.location);
  b->op = e.op;
  b->subplan = std::move(planned);
  b->correlated = correlated;
  if (e.op == "EXISTS") return b;
  if (cols.size() != 1) {
    return MakeError(sqlstate::kSyntaxError,
                     e.op == "SCALAR" ? "subquery must return only one column" : "subquery has too many columns",
                     ctx.Position(e.location));
  }
  Type col = cols[0];
  if (col.id == TypeId::kUnknown || col.id == TypeId::kNull) col = Type::Of(TypeId::kText);
  if (e.op == "SCALAR") {
    b->type = col;
    return b;
  }
  if (e.op == "ARRAY") {
    if (ArrayOid(col.id) == 0) {
      return MakeError(sqlstate::kUndefinedObject, "could not find array type for data type " + TypeName(col),
                       ctx.Position(e.location));
    }
    b->type = Type::ArrayOf(col);
    return b;
  }
  SQL_ASSIGN_OR_RETURN(BoundPtr test, Bind(*e.args[0], ctx));
  auto slot = NewNode(BoundKind::kConst, col, e.location);
  slot->value = Value::Null(col);
  SQL_ASSIGN_OR_RETURN(BoundPtr cmp, MakeCompare(e.names[0], std::move(test), std::move(slot), e.location, ctx));
  b->args.push_back(std::move(cmp));
  return b;
}

SqlResult<BoundPtr> Bind(const ast::Expr& e, BindContext& ctx) {
  if (ctx.aggregating && e.kind != ast::ExprKind::kConst) {
    // A whole expression that is a GROUP BY item is its group key.
    std::string fp = Fingerprint(e);
    for (size_t g = 0; g < ctx.group_exprs.size(); g++) {
      if (ctx.group_exprs[g] != nullptr && ctx.group_exprs[g]->kind != ast::ExprKind::kColumn &&
          Fingerprint(*ctx.group_exprs[g]) == fp) {
        auto b = NewNode(BoundKind::kSlot, (*ctx.group_bound)[g]->type, e.location);
        b->slot = static_cast<int>(g);
        return b;
      }
    }
  }
  switch (e.kind) {
    case ast::ExprKind::kConst: {
      auto b = NewNode(BoundKind::kConst, e.value.type, e.location);
      b->value = e.value;
      return b;
    }
    case ast::ExprKind::kColumn:
      return BindColumn(e, ctx);
    case ast::ExprKind::kStar:
      return MakeError(sqlstate::kSyntaxError, "\"*\" is not allowed here", ctx.Position(e.location));
    case ast::ExprKind::kParam: {
      size_t n = static_cast<size_t>(e.param);
      Params* p = ctx.params;
      if (p == nullptr || !p->allowed || n == 0 || (p->bound && n > p->types.size())) {
        return MakeError("42P02", "there is no parameter $" + std::to_string(e.param), ctx.Position(e.location));
      }
      if (!p->bound && n > p->types.size()) p->types.resize(n, Type::Of(TypeId::kUnknown));
      Type t = p->types[n - 1];
      auto b = NewNode(BoundKind::kConst, t, e.location);
      if (p->bound) {
        b->value = p->values[n - 1];
        b->value.type = t;
      } else {
        b->value = Value::Null(t);
        b->param = e.param;
      }
      return b;
    }
    case ast::ExprKind::kUnary: {
      SQL_ASSIGN_OR_RETURN(BoundPtr a, Bind(*e.args[0], ctx));
      if (e.op == "NOT") {
        SQL_ASSIGN_OR_RETURN(a, ToBool(std::move(a), "NOT", ctx));
        auto b = NewNode(BoundKind::kNot, Type::Of(TypeId::kBool), e.location);
        b->args.push_back(std::move(a));
        return b;
      }
      if (a->type.id == TypeId::kUnknown) {
        SQL_ASSIGN_OR_RETURN(a, CoerceTo(std::move(a), Type::Of(TypeId::kFloat8), false, ctx));
      }
      if ((e.op == "-" || e.op == "+") && (a->type.id == TypeId::kInterval || a->type.id == TypeId::kTime)) {
        SQL_ASSIGN_OR_RETURN(a, CoerceTo(std::move(a), Type::Of(TypeId::kInterval), false, ctx));
        if (e.op == "+") return a;
        auto b = NewNode(BoundKind::kFunc, Type::Of(TypeId::kInterval), e.location);
        b->op = "-";
        b->func = IntervalNegate();
        b->args.push_back(std::move(a));
        return b;
      }
      if ((e.op != "-" && e.op != "+") || !IsNumeric(a->type.id)) {
        return OperatorError(e.op, Type{}, a->type, ctx.Position(e.location), true);
      }
      if (e.op == "+") return a;
      auto b = NewNode(BoundKind::kUnary, a->type, e.location);
      b->op = "-";
      b->args.push_back(std::move(a));
      return b;
    }
    case ast::ExprKind::kBinary:
      return BindBinary(e, ctx);
    case ast::ExprKind::kIsNull: {
      SQL_ASSIGN_OR_RETURN(BoundPtr a, Bind(*e.args[0], ctx));
      auto b = NewNode(BoundKind::kIsNull, Type::Of(TypeId::kBool), e.location);
      b->negated = e.negated;
      b->args.push_back(std::move(a));
      return b;
    }
    case ast::ExprKind::kIsBool: {
      SQL_ASSIGN_OR_RETURN(BoundPtr a, Bind(*e.args[0], ctx));
      SQL_ASSIGN_OR_RETURN(a, ToBool(std::move(a), ("IS " + e.op).c_str(), ctx));
      auto b = NewNode(BoundKind::kIsBool, Type::Of(TypeId::kBool), e.location);
      b->op = e.op;
      b->negated = e.negated;
      b->args.push_back(std::move(a));
      return b;
    }
    case ast::ExprKind::kDefault:
      return MakeError(sqlstate::kSyntaxError, "DEFAULT is not allowed in this context", ctx.Position(e.location));
    case ast::ExprKind::kFunc:
      if (e.over) return BindWindow(e, ctx);
      if (IsAggregateName(FuncName(e))) return BindAggregate(e, ctx);
      if (IsTableFunction(FuncName(e))) return BindSetReturning(e, ctx);
      if (FuncName(e) == "grouping" && !e.star) return BindGrouping(e, ctx);
      if (e.star) {
        return MakeError(sqlstate::kSyntaxError,
                         FuncName(e) + "(*) specified, but " + FuncName(e) + " is not an aggregate function",
                         ctx.Position(e.location));
      }
      return BindScalarFunc(e, ctx);
    case ast::ExprKind::kCast: {
      SQL_ASSIGN_OR_RETURN(Type to, ResolveType(e.type, ctx));
      if (e.args[0]->kind == ast::ExprKind::kArray && to.id == TypeId::kArray) {
        // ARRAY[...]::t[]: the elements take the element type (ARRAY[]::int[] is empty).
        return BindArray(*e.args[0], ctx, &to);
      }
      SQL_ASSIGN_OR_RETURN(BoundPtr a, Bind(*e.args[0], ctx));
      if (a->kind == BoundKind::kConst) a->location = e.args[0]->location;
      return CoerceTo(std::move(a), to, true, ctx);
    }
    case ast::ExprKind::kCase: {
      auto b = NewNode(BoundKind::kCase, Type{}, e.location);
      b->has_operand = e.has_operand;
      size_t start = 0;
      BoundPtr operand;
      if (e.has_operand) {
        SQL_ASSIGN_OR_RETURN(operand, Bind(*e.args[0], ctx));
        start = 1;
      }
      std::vector<BoundPtr> whens, thens;
      for (size_t i = start; i + 1 < e.args.size(); i += 2) {
        SQL_ASSIGN_OR_RETURN(BoundPtr w, Bind(*e.args[i], ctx));
        if (e.has_operand) {
          SQL_ASSIGN_OR_RETURN(BoundPtr again, Bind(*e.args[0], ctx));
          SQL_ASSIGN_OR_RETURN(w, MakeCompare("=", std::move(again), std::move(w), e.args[i]->location, ctx));
        } else {
          SQL_ASSIGN_OR_RETURN(w, ToBool(std::move(w), "CASE/WHEN", ctx));
        }
        SQL_ASSIGN_OR_RETURN(BoundPtr t, Bind(*e.args[i + 1], ctx));
        whens.push_back(std::move(w));
        thens.push_back(std::move(t));
      }
      BoundPtr els;
      if (e.else_expr) {
        SQL_ASSIGN_OR_RETURN(els, Bind(*e.else_expr, ctx));
      }
      std::vector<const BoundExpr*> results;
      for (auto& t : thens) results.push_back(t.get());
      if (els) results.push_back(els.get());
      SQL_ASSIGN_OR_RETURN(Type rt, CommonType(results, "CASE", ctx));
      for (size_t i = 0; i < whens.size(); i++) {
        SQL_ASSIGN_OR_RETURN(thens[i], CoerceTo(std::move(thens[i]), rt, false, ctx));
        b->args.push_back(std::move(whens[i]));
        b->args.push_back(std::move(thens[i]));
      }
      if (els) {
        SQL_ASSIGN_OR_RETURN(b->else_expr, CoerceTo(std::move(els), rt, false, ctx));
      }
      b->has_operand = false;
      b->type = rt;
      return b;
    }
    case ast::ExprKind::kIn: {
      auto b = NewNode(BoundKind::kIn, Type::Of(TypeId::kBool), e.location);
      b->negated = e.negated;
      // x IN (a, b) is x = a OR x = b, with NULL semantics handled in Eval.
      for (size_t i = 1; i < e.args.size(); i++) {
        SQL_ASSIGN_OR_RETURN(BoundPtr l, Bind(*e.args[0], ctx));
        SQL_ASSIGN_OR_RETURN(BoundPtr r, Bind(*e.args[i], ctx));
        SQL_ASSIGN_OR_RETURN(BoundPtr c, MakeCompare("=", std::move(l), std::move(r), e.location, ctx));
        b->args.push_back(std::move(c));
      }
      return b;
    }
    case ast::ExprKind::kSubquery: return BindSubquery(e, ctx);
    case ast::ExprKind::kArray: return BindArray(e, ctx, nullptr);
    case ast::ExprKind::kSubscript: return BindSubscript(e, ctx);
    case ast::ExprKind::kAnyAll: return BindAnyArray(e, ctx);
    case ast::ExprKind::kBetween: {
      SQL_ASSIGN_OR_RETURN(BoundPtr x1, Bind(*e.args[0], ctx));
      SQL_ASSIGN_OR_RETURN(BoundPtr lo, Bind(*e.args[1], ctx));
      SQL_ASSIGN_OR_RETURN(BoundPtr x2, Bind(*e.args[0], ctx));
      SQL_ASSIGN_OR_RETURN(BoundPtr hi, Bind(*e.args[2], ctx));
      SQL_ASSIGN_OR_RETURN(BoundPtr ge, MakeCompare(">=", std::move(x1), std::move(lo), e.location, ctx));
      SQL_ASSIGN_OR_RETURN(BoundPtr le, MakeCompare("<=", std::move(x2), std::move(hi), e.location, ctx));
      auto b = NewNode(BoundKind::kAnd, Type::Of(TypeId::kBool), e.location);
      b->args.push_back(std::move(ge));
      b->args.push_back(std::move(le));
      if (!e.negated) return b;
      auto n = NewNode(BoundKind::kNot, Type::Of(TypeId::kBool), e.location);
      n->args.push_back(std::move(b));
      return n;
    }
    case ast::ExprKind::kLike: {
      SQL_ASSIGN_OR_RETURN(BoundPtr l, Bind(*e.args[0], ctx));
      SQL_ASSIGN_OR_RETURN(BoundPtr r, Bind(*e.args[1], ctx));
      SQL_RETURN_IF_ERROR(UnifyOperands(&l, &r, ctx));
      if (!IsString(l->type.id) || !IsString(r->type.id)) {
        return OperatorError(e.op, l->type, r->type, ctx.Position(e.location));
      }
      auto b = NewNode(BoundKind::kLike, Type::Of(TypeId::kBool), e.location);
      b->op = e.op;
      b->negated = e.negated;
      b->args.push_back(std::move(l));
      b->args.push_back(std::move(r));
      return b;
    }
    case ast::ExprKind::kCoalesce:
    case ast::ExprKind::kMinMax:
    case ast::ExprKind::kNullIf: {
      std::vector<BoundPtr> args;
      for (const auto& a : e.args) {
        SQL_ASSIGN_OR_RETURN(BoundPtr b, Bind(*a, ctx));
        args.push_back(std::move(b));
      }
      std::vector<const BoundExpr*> items;
      for (auto& a : args) items.push_back(a.get());
      const char* what = e.kind == ast::ExprKind::kCoalesce ? "COALESCE"
                         : e.kind == ast::ExprKind::kNullIf ? "NULLIF"
                                                            : e.op.c_str();
      SQL_ASSIGN_OR_RETURN(Type t, CommonType(items, what, ctx));
      BoundKind k = e.kind == ast::ExprKind::kCoalesce ? BoundKind::kCoalesce
                    : e.kind == ast::ExprKind::kNullIf ? BoundKind::kNullIf
                                                       : BoundKind::kMinMax;
      auto b = NewNode(k, t, e.location);
      b->op = e.op;
      for (auto& a : args) {
        SQL_ASSIGN_OR_RETURN(BoundPtr c, CoerceTo(std::move(a), t, false, ctx));
        b->args.push_back(std::move(c));
      }
      return b;
    }
  }
  return MakeError(sqlstate::kInternalError, "unhandled expression");
}

// ---- evaluation ----

SqlError Overflow(TypeId t) { return MakeError(sqlstate::kNumericOutOfRange, std::string(IntRangeName(t)) + " out of range"); }

// `pattern` found anywhere in `s` (PostgreSQL's ~ and ~*).
SqlResult<bool> RegexSearch(const std::string& s, const std::string& pattern, bool icase) {
  SQL_ASSIGN_OR_RETURN(const regex_t* re, CompileRegex(pattern, icase, /*nosub=*/true));
  if (s.find('\0') != std::string::npos) return false;
  return regexec(re, s.c_str(), 0, nullptr, 0) == 0;
}

bool LikeMatch(std::string_view s, std::string_view p, bool fold) {
  auto eq = [&](char a, char b) {
    if (fold) return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    return a == b;
  };
  size_t si = 0, pi = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star_p = pi++;
      star_s = si;
    } else if (pi < p.size() && p[pi] == '\\' && pi + 1 < p.size() && eq(p[pi + 1], s[si])) {
      pi += 2;
      si++;
    } else if (pi < p.size() && (p[pi] == '_' || (p[pi] != '\\' && eq(p[pi], s[si])))) {
      pi++;
      si++;
    } else if (star_p != std::string_view::npos) {
      pi = star_p + 1;
      si = ++star_s;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%') pi++;
  return pi == p.size();
}

double AsDouble(const Value& v) {
  if (v.type.id == TypeId::kNumeric) return std::strtod(v.s.c_str(), nullptr);
  return PhysicalOf(v.type.id) == Physical::kInt ? static_cast<double>(v.i) : v.f;
}

SqlResult<Value> NumericArith(const std::string& op, const Value& a, const Value& b) {
  SQL_ASSIGN_OR_RETURN(numeric::Decimal x, NumericOf(a));
  SQL_ASSIGN_OR_RETURN(numeric::Decimal y, NumericOf(b));
  numeric::Decimal r;
  if (op == "+") {
    SQL_ASSIGN_OR_RETURN(r, numeric::Add(x, y));
  } else if (op == "-") {
    SQL_ASSIGN_OR_RETURN(r, numeric::Sub(x, y));
  } else if (op == "*") {
    SQL_ASSIGN_OR_RETURN(r, numeric::Mul(x, y));
  } else if (op == "/") {
    SQL_ASSIGN_OR_RETURN(r, numeric::Div(x, y));
  } else {
    SQL_ASSIGN_OR_RETURN(r, numeric::Mod(x, y));
  }
  return Value::String(Type::Of(TypeId::kNumeric), numeric::ToString(r));
}

SqlResult<Value> DateArith(const BoundExpr& e, const Value& a, const Value& b) {
  if (e.type.id == TypeId::kInt4) return Value::Int(TypeId::kInt4, a.i - b.i);  // date - date
  bool date_left = a.type.id == TypeId::kDate;
  int64_t d = date_left ? a.i : b.i, n = date_left ? b.i : a.i;
  if (d == datetime::kDateInfinity || d == datetime::kDateNegInfinity) return Value::Int(TypeId::kDate, d);
  int64_t r = e.op == "-" ? d - n : d + n;
  // PostgreSQL's date range (datetime::kMinDate .. kMaxDate).
  if (r < datetime::kMinDate || r > datetime::kMaxDate) return MakeError("22008", "date out of range");
  return Value::Int(TypeId::kDate, r);
}

SqlResult<Value> Arith(const BoundExpr& e, const Value& a, const Value& b) {
  TypeId t = e.type.id;
  const std::string& op = e.op;
  if (t == TypeId::kNumeric) return NumericArith(op, a, b);
  if (IsFloat(t)) {
    double x = AsDouble(a), y = AsDouble(b), r;
    if (op == "+") r = x + y;
    else if (op == "-") r = x - y;
    else if (op == "*") r = x * y;
    else {
      if (y == 0) return MakeError(sqlstate::kDivisionByZero, "division by zero");
      r = x / y;
    }
    if (t == TypeId::kFloat4) {
      float f = static_cast<float>(r);
      if (std::isinf(f) && !std::isinf(x) && !std::isinf(y)) {
        return MakeError(sqlstate::kNumericOutOfRange, "value out of range: overflow");
      }
      r = f;
    }
    if (std::isinf(r) && !std::isinf(x) && !std::isinf(y)) {
      return MakeError(sqlstate::kNumericOutOfRange, "value out of range: overflow");
    }
    if (r == 0 && x != 0 && op == "*" && y != 0) {
      return MakeError(sqlstate::kNumericOutOfRange, "value out of range: underflow");
    }
    return Value::Float(t, r);
  }
  if (a.type.id == TypeId::kDate || b.type.id == TypeId::kDate) return DateArith(e, a, b);
  __int128 x = a.i, y = b.i, r;
  if (op == "+") r = x + y;
  else if (op == "-") r = x - y;
  else if (op == "*") r = x * y;
  else {
    if (y == 0) return MakeError(sqlstate::kDivisionByZero, "division by zero");
    r = op == "/" ? x / y : x % y;
  }
  if (!CheckIntRange(t, r).ok()) return Overflow(t);
  return Value::Int(t, static_cast<int64_t>(r));
}

}  // namespace

SqlResult<BoundPtr> BindExpr(const ast::Expr& e, BindContext& ctx) { return Bind(e, ctx); }

namespace {
thread_local SubqueryRunner* tl_runner = nullptr;
thread_local std::vector<const std::vector<Value>*> tl_outer_rows;  // innermost last

// EXISTS, a scalar, ARRAY(...), or x op ANY|ALL (values) with SQL's three-valued OR / AND.
SqlResult<Value> SubqueryResult(const BoundExpr& e, const std::vector<Value>& vals, const std::vector<Value>& row) {
  if (e.op == "EXISTS") return Value::Bool(!vals.empty());
  if (e.op == "SCALAR") return vals.empty() ? Value::Null(e.type) : vals[0];
  if (e.op == "ARRAY") return MakeArray(e.type.Element(), vals);
  const BoundExpr& cmp = *e.args[0];
  SQL_ASSIGN_OR_RETURN(Value x, Eval(*cmp.args[0], row));
  bool any = e.op == "ANY", saw_null = false;
  for (const Value& v : vals) {
    if (x.null || v.null) {
      saw_null = true;
      continue;
    }
    int c = CompareValues(x, v);
    const std::string& op = cmp.op;
    bool r = op == "=" ? c == 0 : op == "<>" ? c != 0 : op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0;
    if (any && r) return Value::Bool(true);
    if (!any && !r) return Value::Bool(false);
  }
  if (saw_null) return Value::Null(e.type);
  return Value::Bool(!any);
}
}  // namespace

SqlResult<std::vector<std::vector<Value>>> RunWithOuterRow(const SelectPlan& plan, const std::vector<Value>& outer) {
  SubqueryRunner* runner = tl_runner;
  if (runner == nullptr) return MakeError(sqlstate::kInternalError, "no transaction to run a subquery in");
  tl_outer_rows.push_back(&outer);
  auto rows = runner->Run(plan);
  tl_outer_rows.pop_back();
  return rows;
}

SubqueryRunner* SetSubqueryRunner(SubqueryRunner* r) {
  SubqueryRunner* prev = tl_runner;
  tl_runner = r;
  return prev;
}

SqlResult<std::shared_ptr<std::vector<Value>>> SubqueryValues(const BoundExpr& e,
                                                              std::vector<std::vector<Value>> rows) {
  auto vals = std::make_shared<std::vector<Value>>();
  if (e.op == "EXISTS") {
    if (!rows.empty()) vals->push_back(Value::Bool(true));
  } else if (e.op == "SCALAR") {
    if (rows.size() > 1) {
      return MakeError(sqlstate::kCardinalityViolation, "more than one row returned by a subquery used as an expression");
    }
    if (!rows.empty()) {
      SQL_ASSIGN_OR_RETURN(Value v, CastValue(rows[0][0], e.type, false));
      vals->push_back(std::move(v));
    }
  } else {
    // As the type the comparison expects on its right side (ARRAY: the element type).
    const Type want = e.op == "ARRAY" ? e.type.Element() : e.args[0]->args[1]->type;
    vals->reserve(rows.size());
    for (auto& r : rows) {
      if (r[0].type == want || r[0].null) {
        vals->push_back(std::move(r[0]));
      } else {
        SQL_ASSIGN_OR_RETURN(Value v, CastValue(r[0], want, false));
        vals->push_back(std::move(v));
      }
    }
  }
  return vals;
}

namespace {

// Whether comparison `op` (=, <>, <, <=, >, >=) holds for CompareValues' result c.
bool CompareHolds(const std::string& op, int c) {
  switch (op[0]) {
    case '=': return c == 0;
    case '<': return op.size() == 1 ? c < 0 : op[1] == '>' ? c != 0 : c <= 0;
    case '>': return op.size() == 1 ? c > 0 : c >= 0;
    default: return c >= 0;
  }
}

// A condition's truth value: 1 true, 0 false, -1 NULL, evaluated as Eval
// would (AND and OR stop at a false or true left side) without making Values.
SqlResult<int> Truth(const BoundExpr& e, const std::vector<Value>& row) {
  switch (e.kind) {
    case BoundKind::kAnd:
    case BoundKind::kOr: {
      int decisive = e.kind == BoundKind::kAnd ? 0 : 1;
      SQL_ASSIGN_OR_RETURN(int a, Truth(*e.args[0], row));
      if (a == decisive) return decisive;
      SQL_ASSIGN_OR_RETURN(int b, Truth(*e.args[1], row));
      if (b == decisive) return decisive;
      return a < 0 || b < 0 ? -1 : 1 - decisive;
    }
    case BoundKind::kCompare: {
      Value ta, tb;
      const Value *a, *b;
      SQL_RETURN_IF_ERROR(EvalRef(*e.args[0], row, &ta, &a));
      SQL_RETURN_IF_ERROR(EvalRef(*e.args[1], row, &tb, &b));
      if (a->null || b->null) return -1;
      return CompareHolds(e.op, CompareValues(*a, *b)) ? 1 : 0;
    }
    default: {
      SQL_ASSIGN_OR_RETURN(Value v, Eval(e, row));
      return v.null ? -1 : (v.i != 0 ? 1 : 0);
    }
  }
}

}  // namespace

SqlStatus EvalRef(const BoundExpr& e, const std::vector<Value>& row, Value* tmp, const Value** out) {
  if (e.kind == BoundKind::kSlot) {
    *out = &row[e.slot];
    return SqlStatus::Ok();
  }
  if (e.kind == BoundKind::kConst) {
    *out = &e.value;
    return SqlStatus::Ok();
  }
  SQL_ASSIGN_OR_RETURN(*tmp, Eval(e, row));
  *out = tmp;
  return SqlStatus::Ok();
}

SqlResult<Value> Eval(const BoundExpr& e, const std::vector<Value>& row) {
  switch (e.kind) {
    case BoundKind::kConst:
      return e.value;
    case BoundKind::kSlot:
      return row[e.slot];
    case BoundKind::kUnary: {
      SQL_ASSIGN_OR_RETURN(Value a, Eval(*e.args[0], row));
      if (a.null) return Value::Null(e.type);
      if (IsFloat(e.type.id)) return Value::Float(e.type.id, -a.f);
      if (e.type.id == TypeId::kNumeric) {
        SQL_ASSIGN_OR_RETURN(numeric::Decimal d, NumericOf(a));
        return Value::String(e.type, numeric::ToString(numeric::Neg(d)));
      }
      if (!CheckIntRange(e.type.id, -static_cast<__int128>(a.i)).ok()) return Overflow(e.type.id);
      return Value::Int(e.type.id, -a.i);
    }
    case BoundKind::kArith: {
      SQL_ASSIGN_OR_RETURN(Value a, Eval(*e.args[0], row));
      SQL_ASSIGN_OR_RETURN(Value b, Eval(*e.args[1], row));
      if (a.null || b.null) return Value::Null(e.type);
      return Arith(e, a, b);
    }
    case BoundKind::kSubquery: {
      if (e.correlated) {
        // Run for this row: its columns are what the subquery's outer references read.
        SubqueryRunner* runner = tl_runner;
        if (runner == nullptr) return MakeError(sqlstate::kInternalError, "no transaction to run a subquery in");
        tl_outer_rows.push_back(&row);
        auto rows = runner->Run(*e.subplan);
        tl_outer_rows.pop_back();
        if (!rows.ok()) return rows.TakeStatus();
        SQL_ASSIGN_OR_RETURN(auto vals, SubqueryValues(e, std::move(rows.value())));
        return SubqueryResult(e, *vals, row);
      }
      if (!e.sub_values) return MakeError(sqlstate::kInternalError, "a subquery was not run before its statement");
      return SubqueryResult(e, *e.sub_values, row);
    }
    case BoundKind::kArrayCtor: {
      std::vector<Value> items;
      items.reserve(e.args.size());
      for (const auto& a : e.args) {
        SQL_ASSIGN_OR_RETURN(Value v, Eval(*a, row));
        items.push_back(std::move(v));
      }
      return MakeArray(e.type.Element(), items);
    }
    case BoundKind::kSubscript: {
      SQL_ASSIGN_OR_RETURN(Value base, Eval(*e.args[0], row));
      SQL_ASSIGN_OR_RETURN(Value lo, Eval(*e.args[1], row));
      Value hi;
      if (e.args.size() > 2) {
        SQL_ASSIGN_OR_RETURN(hi, Eval(*e.args[2], row));
      }
      if (base.null) return Value::Null(e.type);
      SQL_ASSIGN_OR_RETURN(std::vector<Value> items, ArrayElements(base));
      int64_t n = static_cast<int64_t>(items.size());
      if (e.op != ":") {
        // 1-based; out of range is NULL.
        if (lo.null || lo.i < 1 || lo.i > n) return Value::Null(e.type);
        return items[static_cast<size_t>(lo.i - 1)];
      }
      // A slice: a missing bound is the array's; a NULL one makes NULL.
      bool lo_missing = e.args[1]->kind == BoundKind::kConst && lo.null;
      bool hi_missing = e.args[2]->kind == BoundKind::kConst && hi.null;
      if ((lo.null && !lo_missing) || (hi.null && !hi_missing)) return Value::Null(e.type);
      int64_t from = lo_missing ? 1 : std::max<int64_t>(lo.i, 1);
      int64_t to = hi_missing ? n : std::min<int64_t>(hi.i, n);
      std::vector<Value> out;
      for (int64_t i = from; i <= to; i++) out.push_back(items[static_cast<size_t>(i - 1)]);
      return MakeArray(e.type.Element(), out);
    }
    case BoundKind::kAnyArray: {
      SQL_ASSIGN_OR_RETURN(Value arr, Eval(*e.args[1], row));
      if (arr.null) return Value::Null(e.type);
      SQL_ASSIGN_OR_RETURN(std::vector<Value> items, ArrayElements(arr));
      return SubqueryResult(e, items, row);
    }
    case BoundKind::kOuterRef: {
      size_t depth = static_cast<size_t>(e.param);
      if (depth == 0 || depth > tl_outer_rows.size()) {
        return MakeError(sqlstate::kInternalError, "an outer column outside its subquery");
      }
      return (*tl_outer_rows[tl_outer_rows.size() - depth])[e.slot];
    }
    case BoundKind::kCompare: {
      Value ta, tb;
      const Value *a, *b;
      SQL_RETURN_IF_ERROR(EvalRef(*e.args[0], row, &ta, &a));
      SQL_RETURN_IF_ERROR(EvalRef(*e.args[1], row, &tb, &b));
      if (a->null || b->null) return Value::Null(e.type);
      return Value::Bool(CompareHolds(e.op, CompareValues(*a, *b)));
    }
    case BoundKind::kAnd:
    case BoundKind::kOr: {
      bool is_and = e.kind == BoundKind::kAnd;
      SQL_ASSIGN_OR_RETURN(Value a, Eval(*e.args[0], row));
      if (!a.null && (a.i != 0) != is_and) return Value::Bool(!is_and);
      SQL_ASSIGN_OR_RETURN(Value b, Eval(*e.args[1], row));
      if (!b.null && (b.i != 0) != is_and) return Value::Bool(!is_and);
      if (a.null || b.null) return Value::Null(e.type);
      return Value::Bool(is_and);
    }
    case BoundKind::kNot: {
      SQL_ASSIGN_OR_RETURN(Value a, Eval(*e.args[0], row));
      if (a.null) return a;
      return Value::Bool(a.i == 0);
    }
    case BoundKind::kIsNull: {
      SQL_ASSIGN_OR_RETURN(Value a, Eval(*e.args[0], row));
      return Value::Bool(a.null != e.negated);
    }
    case BoundKind::kIsBool: {
      SQL_ASSIGN_OR_RETURN(Value a, Eval(*e.args[0], row));
      bool r = e.op == "UNKNOWN" ? a.null : e.op == "TRUE" ? (!a.null && a.i != 0) : (!a.null && a.i == 0);
      return Value::Bool(r != e.negated);
    }
    case BoundKind::kCast: {
      SQL_ASSIGN_OR_RETURN(Value a, Eval(*e.args[0], row));
      return CastValue(a, e.type, e.explicit_cast);
    }
    case BoundKind::kCase: {
      for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
        SQL_ASSIGN_OR_RETURN(Value w, Eval(*e.args[i], row));
        if (!w.null && w.i != 0) return Eval(*e.args[i + 1], row);
      }
      if (e.else_expr) return Eval(*e.else_expr, row);
      return Value::Null(e.type);
    }
    case BoundKind::kIn: {
      bool saw_null = false;
      for (const auto& c : e.args) {
        SQL_ASSIGN_OR_RETURN(Value v, Eval(*c, row));
        if (v.null) {
          saw_null = true;
        } else if (v.i != 0) {
          return Value::Bool(!e.negated);
        }
      }
      if (saw_null) return Value::Null(e.type);
      return Value::Bool(e.negated);
    }
    case BoundKind::kLike: {
      SQL_ASSIGN_OR_RETURN(Value a, Eval(*e.args[0], row));
      SQL_ASSIGN_OR_RETURN(Value p, Eval(*e.args[1], row));
      if (a.null || p.null) return Value::Null(e.type);
      if (e.op == "~" || e.op == "~*") {
        SQL_ASSIGN_OR_RETURN(bool m, RegexSearch(a.s, p.s, e.op == "~*"));
        return Value::Bool(m != e.negated);
      }
      return Value::Bool(LikeMatch(a.s, p.s, e.op == "~~*") != e.negated);
    }
    case BoundKind::kCoalesce: {
      for (const auto& c : e.args) {
        SQL_ASSIGN_OR_RETURN(Value v, Eval(*c, row));
        if (!v.null) return v;
      }
      return Value::Null(e.type);
    }
    case BoundKind::kNullIf: {
      SQL_ASSIGN_OR_RETURN(Value a, Eval(*e.args[0], row));
      SQL_ASSIGN_OR_RETURN(Value b, Eval(*e.args[1], row));
      if (!a.null && !b.null && CompareValues(a, b) == 0) return Value::Null(e.type);
      return a;
    }
    case BoundKind::kMinMax: {
      Value best = Value::Null(e.type);
      for (const auto& c : e.args) {
        SQL_ASSIGN_OR_RETURN(Value v, Eval(*c, row));
        if (v.null) continue;
        if (best.null || (e.op == "GREATEST" ? CompareValues(v, best) > 0 : CompareValues(v, best) < 0)) best = v;
      }
      return best;
    }
    case BoundKind::kConcat: {
      SQL_ASSIGN_OR_RETURN(Value a, Eval(*e.args[0], row));
      SQL_ASSIGN_OR_RETURN(Value b, Eval(*e.args[1], row));
      if (a.null || b.null) return Value::Null(e.type);
      std::string s;
      AppendText(a, &s);
      AppendText(b, &s);
      return Value::String(e.type, std::move(s));
    }
    case BoundKind::kFunc: {
      std::vector<Value> args;
      for (const auto& c : e.args) {
        SQL_ASSIGN_OR_RETURN(Value v, Eval(*c, row));
        args.push_back(std::move(v));
      }
      if (e.func != nullptr) {
        for (const auto& v : args) {
          if (v.null && !e.func->null_args) return Value::Null(e.type);
        }
        return e.func->eval(args, e.type);
      }
      const std::string& f = e.op;
      if (f == "grouping") {
        size_t si = static_cast<size_t>(args[0].i);
        return si < e.sub_values->size() ? (*e.sub_values)[si] : Value::Int(TypeId::kInt4, 0);
      }
      if (f == "concat_ws") {
        if (args[0].null) return Value::Null(e.type);
        std::string s;
        bool first = true;
        for (size_t i = 1; i < args.size(); i++) {
          if (args[i].null) continue;
          if (!first) s += args[0].s;
          first = false;
          AppendText(args[i], &s);
        }
        return Value::String(e.type, std::move(s));
      }
      if (f == "concat") {
        std::string s;
        for (const auto& v : args) {
          if (!v.null) AppendText(v, &s);
        }
        return Value::String(e.type, std::move(s));
      }
      if (f == "version") {
        return Value::String(e.type, "PostgreSQL 15.0 (LumaDB " LUMADB_VERSION ") on x86_64-pc-linux-gnu");
      }
      if (f == "current_database") return Value::String(e.type, "postgres");
      if (f == "current_schema") return Value::String(e.type, "public");
      if (f == "current_user" || f == "session_user" || f == "current_role" || f == "user") {
        return Value::String(e.type, "postgres");
      }
      if (f == "current_catalog") return Value::String(e.type, "postgres");
      if (f == "date_part" || f == "extract" || f == "date_trunc") {
        if (args[0].null || args[1].null) return Value::Null(e.type);
        if (f == "date_trunc") return DateTrunc(args[0].s, args[1]);
        return DatePart(args[0].s, args[1], f == "extract");
      }
      if (IsDatetime(e.type.id) || e.type.id == TypeId::kTime) {
        // Unbound time functions (while describing, or clock_timestamp()).
        int64_t now = datetime::CurrentTimestampMicros();
        if (!args.empty()) now = datetime::RoundTimestamp(now, static_cast<int>(args[0].i));
        if (e.type.id != TypeId::kTimestampTz) now = datetime::CurrentZone()->UtcToLocal(now);
        if (e.type.id == TypeId::kTime) return Value::Int(e.type.id, datetime::TimestampTimeOfDay(now));
        return Value::Int(e.type.id, e.type.id == TypeId::kDate ? datetime::TimestampToDate(now) : now);
      }
      for (const auto& v : args) {
        if (v.null) return Value::Null(e.type);
      }
      if (f == "lower" || f == "upper") {
        std::string s = args[0].s;
        for (auto& ch : s) {
          ch = static_cast<char>(f == "lower" ? std::tolower(static_cast<unsigned char>(ch))
                                              : std::toupper(static_cast<unsigned char>(ch)));
        }
        return Value::String(e.type, std::move(s));
      }
      if (f == "octet_length" || args[0].type.id == TypeId::kBytea) {
        return Value::Int(TypeId::kInt4, static_cast<int64_t>(args[0].s.size()));
      }
      if (f == "length" || f == "char_length" || f == "character_length") {
        std::string_view s = args[0].s;
        if (args[0].type.id == TypeId::kBpchar) {
          while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
        }
        int64_t n = 0;
        for (unsigned char c : s) n += (c & 0xC0) != 0x80;
        return Value::Int(TypeId::kInt4, n);
      }
      if (f == "abs") {
        if (IsFloat(e.type.id)) return Value::Float(e.type.id, std::fabs(args[0].f));
        if (e.type.id == TypeId::kNumeric) {
          SQL_ASSIGN_OR_RETURN(numeric::Decimal d, NumericOf(args[0]));
          return Value::String(e.type, numeric::ToString(numeric::Abs(d)));
        }
        if (!CheckIntRange(e.type.id, -static_cast<__int128>(args[0].i)).ok()) return Overflow(e.type.id);
        return Value::Int(e.type.id, args[0].i < 0 ? -args[0].i : args[0].i);
      }
      if (f == "mod") {
        if (args[1].i == 0) return MakeError(sqlstate::kDivisionByZero, "division by zero");
        if (args[1].i == -1) return Value::Int(e.type.id, 0);
        return Value::Int(e.type.id, args[0].i % args[1].i);
      }
      return MakeError(sqlstate::kInternalError, "unhandled function " + f);
    }
  }
  return MakeError(sqlstate::kInternalError, "unhandled bound expression");
}

SqlResult<bool> EvalPredicate(const BoundExpr& e, const std::vector<Value>& row) {
  SQL_ASSIGN_OR_RETURN(int t, Truth(e, row));
  return t == 1;
}

}  // namespace lumadb::engine::sql

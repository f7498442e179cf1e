#include "engine/sql/planner/planner.h"

#include <algorithm>
#include <functional>

#include "engine/sql/binder/table_functions.h"
#include "engine/sql/catalog/system_tables.h"
#include "engine/sql/parser/pg_parser.h"
#include "engine/sql/storage/row_codec.h"
#include "engine/sql/types/array.h"

namespace lumadb::engine::sql {

namespace {

int Pos(std::string_view sql, int location) { return CharPosition(sql, location); }

SqlResult<BoundPtr> BindStored(const std::string& text, const std::shared_ptr<const Table>& table, Params* params,
                               const char* context);

// PostgreSQL reports unknown-typed outputs (SELECT 'x', SELECT NULL) as text.
SqlResult<BoundPtr> OutputType(BoundPtr b, const BindContext& ctx) {
  if (b->type.id == TypeId::kUnknown || b->type.id == TypeId::kNull) {
    return CoerceTo(std::move(b), Type::Of(TypeId::kText), false, ctx);
  }
  return b;
}

ResultColumn DescribeTarget(const std::string& name, const BoundExpr& b, const std::vector<ScopeTable>& scope,
                            bool aggregated) {
  ResultColumn c;
  c.name = name;
  c.type = b.type;
  if (!aggregated && b.kind == BoundKind::kSlot) {
    for (const auto& t : scope) {
      int n = static_cast<int>(t.table->columns.size());
      if (b.slot >= t.first_slot && b.slot < t.first_slot + n) {
        c.table_oid = t.table->oid;
        c.column = static_cast<int16_t>(b.slot - t.first_slot + 1);
      }
    }
  }
  return c;
}

// A column reference made up for `*` expansion.
ast::ExprPtr ColumnRef(const std::string& table, const std::string& column, int location) {
  auto e = std::make_unique<ast::Expr>();
  e->kind = ast::ExprKind::kColumn;
  e->names = {table, column};
  e->location = location;
  return e;
}

// RETURNING's expressions over the written row (`scope`, when given: the
// row of UPDATE ... FROM's / DELETE ... USING's join, the target first).
SqlStatus PlanReturning(const std::vector<ast::SelectItem>& items, const std::shared_ptr<const Table>& table,
                        std::string_view sql, Params* params, std::vector<BoundPtr>* out,
                        std::vector<ResultColumn>* columns, const std::vector<ScopeTable>* scope = nullptr) {
  BindContext ctx;
  ctx.sql = sql;
  ctx.params = params;
  if (scope != nullptr) {
    ctx.tables = *scope;
  } else {
    ctx.tables.push_back(ScopeTable{table->name, table, 0});
  }
  ctx.aggregate_context = "RETURNING";
  for (const auto& item : items) {
    if (item.expr->kind == ast::ExprKind::kStar) {
      for (const auto& t : ctx.tables) {
        if (!item.expr->names.empty() && item.expr->names.back() != t.name) continue;
        for (size_t c = 0; c < t.table->columns.size(); c++) {
          auto ref = ColumnRef(t.name, t.table->columns[c].name, item.expr->location);
          SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*ref, ctx));
          columns->push_back(DescribeTarget(t.table->columns[c].name, *b, ctx.tables, false));
          out->push_back(std::move(b));
        }
      }
      continue;
    }
    SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*item.expr, ctx));
    SQL_ASSIGN_OR_RETURN(b, OutputType(std::move(b), ctx));
    columns->push_back(DescribeTarget(item.alias.empty() ? OutputName(*item.expr) : item.alias, *b, ctx.tables,
                                      false));
    out->push_back(std::move(b));
  }
  return SqlStatus::Ok();
}

// Collects `column = constant` conjuncts of a WHERE over one table.
void EqualityConstants(const BoundExpr* e, std::vector<const Value*>* by_column) {
  if (e == nullptr) return;
  if (e->kind == BoundKind::kAnd) {
    for (const auto& a : e->args) EqualityConstants(a.get(), by_column);
    return;
  }
  if (e->kind != BoundKind::kCompare || e->op != "=" || e->args.size() != 2) return;
  const BoundExpr* l = e->args[0].get();
  const BoundExpr* r = e->args[1].get();
  if (l->kind == BoundKind::kConst) std::swap(l, r);
  if (l->kind != BoundKind::kSlot || r->kind != BoundKind::kConst || r->value.null) return;
  if (l->slot < 0 || l->slot >= static_cast<int>(by_column->size())) return;
  // Only where the constant's stored form is the column's: same physical
  // form, and no blank-padding semantics (char(n)).
  if (PhysicalOf(l->type.id) != PhysicalOf(r->value.type.id) || l->type.id == TypeId::kBpchar) return;
  (*by_column)[l->slot] = &r->value;
}

std::optional<std::string> PointKey(const Table& t, const BoundExpr* where) {
  if (t.primary_key.empty() || where == nullptr) return std::nullopt;
  std::vector<const Value*> fixed(t.columns.size(), nullptr);
  EqualityConstants(where, &fixed);
  std::vector<Value> row(t.columns.size());
  for (int c : t.primary_key) {
    if (fixed[c] == nullptr) return std::nullopt;
    row[c] = *fixed[c];
  }
  return RowKey(t, row, 0);
}

// The row keys `pk IN (c1, c2, ...)` or `pk = ANY(constant array)` names
// (a top-level conjunct of WHERE, over a one-column primary key), sorted
// and without duplicates; empty when WHERE has no such conjunct.
std::vector<std::string> PointKeys(const Table& t, const BoundExpr* where) {
  if (t.primary_key.size() != 1 || where == nullptr) return {};
  int pk = t.primary_key[0];
  const Type& type = t.columns[pk].type;
  if (type.id == TypeId::kBpchar) return {};
  auto is_pk = [&](const BoundExpr* e) { return e->kind == BoundKind::kSlot && e->slot == pk; };
  auto usable = [&](const Value& v) { return !v.null && PhysicalOf(v.type.id) == PhysicalOf(type.id); };
  std::vector<Value> values;
  bool found = false;
  std::function<void(const BoundExpr*)> visit = [&](const BoundExpr* e) {
    if (found) return;
    if (e->kind == BoundKind::kAnd) {
      for (const auto& a : e->args) visit(a.get());
      return;
    }
    std::vector<Value> vals;
    if (e->kind == BoundKind::kIn && !e->negated) {
      for (const auto& c : e->args) {
        if (c->kind != BoundKind::kCompare || c->op != "=" || !is_pk(c->args[0].get()) ||
            c->args[1]->kind != BoundKind::kConst) {
          return;
        }
        if (c->args[1]->value.null) continue;  // matches nothing
        if (!usable(c->args[1]->value)) return;
        vals.push_back(c->args[1]->value);
      }
    } else if (e->kind == BoundKind::kAnyArray && e->op == "ANY" && e->args[0]->op == "=" &&
               is_pk(e->args[0]->args[0].get())) {
      const BoundExpr* arr = e->args[1].get();
      if (arr->kind == BoundKind::kConst && !arr->value.null) {
        auto items = ArrayElements(arr->value);
        if (!items.ok()) return;
        vals = std::move(items.value());
      } else if (arr->kind == BoundKind::kArrayCtor) {
        for (const auto& c : arr->args) {
          if (c->kind != BoundKind::kConst) return;
          vals.push_back(c->value);
        }
      } else {
        return;
      }
      std::vector<Value> kept;
      for (auto& v : vals) {
        if (v.null) continue;
        if (!usable(v)) return;
        kept.push_back(std::move(v));
      }
      vals = std::move(kept);
    } else {
      return;
    }
    values = std::move(vals);
    found = true;
  };
  visit(where);
  if (!found) return {};
  std::vector<std::string> keys;
  std::vector<Value> row(t.columns.size());
  for (const auto& v : values) {
    row[pk] = v;
    row[pk].type = type;
    keys.push_back(RowKey(t, row, 0));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  if (keys.empty()) keys.push_back(std::string());  // nothing can match: one key no row has
  return keys;
}

// The entries of the secondary index whose leading columns WHERE fixes
// most (a unique index fixed whole first), or nullopt.
std::optional<std::string> IndexLookupPrefix(const Table& t, const BoundExpr* where) {
  if (t.indexes.empty() || where == nullptr) return std::nullopt;
  std::vector<const Value*> fixed(t.columns.size(), nullptr);
  EqualityConstants(where, &fixed);
  const Index* best = nullptr;
  size_t best_len = 0;
  bool best_whole_unique = false;
  for (const Index& idx : t.indexes) {
    size_t len = 0;
    while (len < idx.columns.size() && fixed[idx.columns[len]] != nullptr) len++;
    bool whole_unique = idx.unique && len == idx.columns.size();
    if (len == 0) continue;
    if (best == nullptr || (whole_unique && !best_whole_unique) || (whole_unique == best_whole_unique && len > best_len)) {
      best = &idx;
      best_len = len;
      best_whole_unique = whole_unique;
    }
  }
  if (best == nullptr) return std::nullopt;
  std::string prefix = keys::IndexPrefix(t.relfile, best->oid);
  for (size_t i = 0; i < best_len; i++) {
    Value v = *fixed[best->columns[i]];
    v.type = t.columns[best->columns[i]].type;
    AppendIndexValue(v, &prefix);
  }
  return prefix;
}

// Lets the binder plan subqueries against the same catalog and parameters.
}  // namespace

// PlanSelect for a subquery: names it does not have resolve in `outer`.
SqlResult<std::unique_ptr<SelectPlan>> PlanSelectIn(const ast::Select& s, const Catalog& catalog,
                                                    std::string_view sql, Params* params, BindContext* outer,
                                                    bool* correlated);

namespace {

void AllowSubqueries(BindContext* ctx, const Catalog& catalog, std::string_view sql, Params* params) {
  ctx->plan_subquery = [&catalog, sql, params](const ast::Select& s, std::vector<Type>* columns, BindContext* outer,
                                               bool* correlated) -> SqlResult<std::shared_ptr<SelectPlan>> {
    SQL_ASSIGN_OR_RETURN(std::unique_ptr<SelectPlan> plan, PlanSelectIn(s, catalog, sql, params, outer, correlated));
    for (size_t i = 0; i < plan->visible; i++) columns->push_back(plan->columns[i].type);
    return std::shared_ptr<SelectPlan>(std::move(plan));
  };
}

}  // namespace

SqlResult<BoundPtr> BindCondition(const ast::Expr* cond, BindContext& ctx, const char* what) {
  if (cond == nullptr) return BoundPtr();
  SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*cond, ctx));
  if (b->type.id == TypeId::kUnknown || b->type.id == TypeId::kNull) {
    SQL_ASSIGN_OR_RETURN(b, CoerceTo(std::move(b), Type::Of(TypeId::kBool), false, ctx));
  }
  if (b->type.id != TypeId::kBool) {
    return MakeError(sqlstate::kDatatypeMismatch,
                     std::string("argument of ") + what + " must be type boolean, not type " + TypeName(b->type),
                     ctx.Position(cond->location));
  }
  return b;
}

namespace {

// JOIN ... USING (a, b) / NATURAL JOIN between the tables before the last
// one in ctx and the last: the condition left.a = right.a AND ..., and the
// side whose column stands for the merged one (the left unless RIGHT JOIN).
SqlStatus PlanUsing(const ast::TableRef& ref, std::string_view sql, BindContext* ctx, SelectPlan::Join* join,
                    std::vector<std::pair<size_t, int>>* using_first) {
  const size_t right = ctx->tables.size() - 1;
  if (ref.join == ast::JoinKind::kFull) {
    return MakeError(sqlstate::kFeatureNotSupported, "FULL JOIN ... USING is not supported by LumaDB yet",
                     Pos(sql, ref.location));
  }
  // A left-side column visible by its bare name: (entry, column), or none / ambiguous.
  auto left_column = [&](const std::string& name, std::pair<size_t, int>* at) -> int {
    int count = 0;
    for (size_t t = 0; t < right; t++) {
      int c = ctx->tables[t].table->FindColumn(name);
      if (c < 0 || ctx->tables[t].Merged(c)) continue;
      *at = {t, c};
      count++;
    }
    return count;
  };
  std::vector<std::string> names = ref.using_columns;
  if (ref.natural) {
    for (size_t t = 0; t < right; t++) {
      for (size_t c = 0; c < ctx->tables[t].table->columns.size(); c++) {
        const std::string& n = ctx->tables[t].table->columns[c].name;
        if (ctx->tables[t].Merged(static_cast<int>(c)) || ctx->tables[right].table->FindColumn(n) < 0) continue;
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
      }
    }
  }
  BoundPtr cond;
  std::vector<std::pair<size_t, int>> mine;
  for (const auto& name : names) {
    std::pair<size_t, int> l;
    int count = left_column(name, &l);
    if (count == 0) {
      return MakeError(sqlstate::kUndefinedColumn,
                       "column \"" + name + "\" specified in USING clause does not exist in left table");
    }
    if (count > 1) {
      return MakeError(sqlstate::kAmbiguousColumn, "common column name \"" + name + "\" appears more than once in left table");
    }
    int r = ctx->tables[right].table->FindColumn(name);
    if (r < 0) {
      return MakeError(sqlstate::kUndefinedColumn,
                       "column \"" + name + "\" specified in USING clause does not exist in right table");
    }
    auto eq = std::make_unique<ast::Expr>();
    eq->kind = ast::ExprKind::kBinary;
    eq->op = "=";
    eq->location = ref.location;
    eq->args.push_back(ColumnRef(ctx->tables[l.first].name, name, ref.location));
    eq->args.push_back(ColumnRef(ctx->tables[right].name, name, ref.location));
    ctx->aggregate_context = "JOIN conditions";
    SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*eq, *ctx));
    if (cond) {
      auto both = std::make_unique<BoundExpr>();
      both->kind = BoundKind::kAnd;
      both->type = Type::Of(TypeId::kBool);
      both->args.push_back(std::move(cond));
      both->args.push_back(std::move(b));
      cond = std::move(both);
    } else {
      cond = std::move(b);
    }
    // The merged column: the left side's, but the right side's for RIGHT JOIN.
    ScopeTable& hidden = ref.join == ast::JoinKind::kRight ? ctx->tables[l.first] : ctx->tables[right];
    int hidden_col = ref.join == ast::JoinKind::kRight ? l.second : r;
    if (hidden.merged.size() < hidden.table->columns.size()) hidden.merged.resize(hidden.table->columns.size());
    hidden.merged[hidden_col] = true;
    mine.push_back(ref.join == ast::JoinKind::kRight ? std::make_pair(right, r) : l);
  }
  for (const auto& m : mine) using_first->erase(std::remove(using_first->begin(), using_first->end(), m), using_first->end());
  using_first->insert(using_first->begin(), mine.begin(), mine.end());
  if (!cond) {
    // NATURAL JOIN without common columns is a cross join.
    join->kind = ast::JoinKind::kCross;
    return SqlStatus::Ok();
  }
  join->on = std::move(cond);
  return SqlStatus::Ok();
}

void MoveWindowSlots(BoundExpr* e, int base) {
  if (e == nullptr) return;
  if (e->kind == BoundKind::kSlot && e->slot >= kWindowSlotBase) e->slot = base + (e->slot - kWindowSlotBase);
  for (auto& a : e->args) MoveWindowSlots(a.get(), base);
  MoveWindowSlots(e->else_expr.get(), base);
}

SqlResult<BoundPtr> BindWhere(const ast::Expr* where, BindContext& ctx) {
  ctx.aggregate_context = "WHERE";
  return BindCondition(where, ctx, "WHERE");
}

// LIMIT / OFFSET: no columns of the query's own row, but those of an outer
// query (a correlated or LATERAL subquery's).
SqlResult<BoundPtr> BindLimit(const ast::Expr* e, const char* what, std::string_view sql, Params* params,
                              BindContext* outer = nullptr, bool* correlated = nullptr) {
  if (e == nullptr) return BoundPtr();
  BindContext ctx;
  ctx.sql = sql;
  ctx.params = params;
  ctx.outer = outer;
  ctx.correlated = correlated;
  ctx.aggregate_context = what;
  SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*e, ctx));
  return CoerceTo(std::move(b), Type::Of(TypeId::kInt8), false, ctx);
}

SqlStatus OrderByOutput(const ast::Select& s, std::string_view sql, Params* params, const char* unsupported,
                        const char* detail, SelectPlan* plan);

SqlResult<std::unique_ptr<SelectPlan>> PlanValues(const ast::Select& s, std::string_view sql, Params* params) {
  auto plan = std::make_unique<SelectPlan>();
  BindContext ctx;
  ctx.sql = sql;
  ctx.params = params;
  ctx.aggregate_context = "VALUES";
  size_t width = s.values[0].size();
  for (const auto& row : s.values) {
    if (row.size() != width) {
      return MakeError(sqlstate::kSyntaxError, "VALUES lists must all be the same length",
                       Pos(sql, row.empty() ? -1 : row[0]->location));
    }
    std::vector<BoundPtr> bound;
    for (const auto& e : row) {
      SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*e, ctx));
      bound.push_back(std::move(b));
    }
    plan->values.push_back(std::move(bound));
  }
  for (size_t c = 0; c < width; c++) {
    std::vector<const BoundExpr*> column;
    for (const auto& row : plan->values) column.push_back(row[c].get());
    SQL_ASSIGN_OR_RETURN(Type t, CommonType(column, "VALUES", ctx));
    for (auto& row : plan->values) {
      SQL_ASSIGN_OR_RETURN(row[c], CoerceTo(std::move(row[c]), t, false, ctx));
    }
    plan->columns.push_back(ResultColumn{"column" + std::to_string(c + 1), t});
  }
  plan->visible = width;
  SQL_RETURN_IF_ERROR(OrderByOutput(s, sql, params, "ORDER BY over VALUES supports column positions and names",
                                    "", plan.get()));
  return plan;
}

// ORDER BY of VALUES and set operations: result column positions or names
// only; LIMIT and OFFSET.
SqlStatus OrderByOutput(const ast::Select& s, std::string_view sql, Params* params, const char* unsupported,
                        const char* detail, SelectPlan* plan) {
  size_t width = plan->visible;
  for (const auto& o : s.order_by) {
    int target = -1;
    if (o.expr->kind == ast::ExprKind::kConst && !o.expr->value.null && IsInteger(o.expr->value.type.id)) {
      target = static_cast<int>(o.expr->value.i) - 1;
      if (target < 0 || target >= static_cast<int>(width)) {
        return MakeError(sqlstate::kInvalidColumnReference,
                         "ORDER BY position " + std::to_string(o.expr->value.i) + " is not in select list",
                         Pos(sql, o.expr->location));
      }
    } else if (o.expr->kind == ast::ExprKind::kColumn && o.expr->names.size() == 1) {
      for (size_t c = 0; c < width && target < 0; c++) {
        if (plan->columns[c].name == o.expr->names[0]) target = static_cast<int>(c);
      }
      if (target < 0) {
        return MakeError(sqlstate::kUndefinedColumn, "column \"" + o.expr->names[0] + "\" does not exist",
                         Pos(sql, o.expr->location));
      }
    }
    if (target < 0) {
      SqlError e = MakeError(sqlstate::kFeatureNotSupported, unsupported, Pos(sql, o.expr->location));
      e.detail = detail;
      return e;
    }
    plan->sort.push_back(SortKey{target, o.desc, o.nulls_first.value_or(o.desc)});
  }
  SQL_ASSIGN_OR_RETURN(plan->limit, BindLimit(s.limit.get(), "LIMIT", sql, params));
  SQL_ASSIGN_OR_RETURN(plan->offset, BindLimit(s.offset.get(), "OFFSET", sql, params));
  return SqlStatus::Ok();
}

// a UNION|INTERSECT|EXCEPT [ALL] b: both sides planned, their columns
// matched by position and unified as PostgreSQL's select_common_type.
// The recursive queries whose recursive term is being planned (on this
// thread), with the table their self-references read.
struct RecursiveScope {
  const ast::Select* cte;
  std::shared_ptr<const Table> table;
  std::shared_ptr<std::vector<std::vector<Value>>> rows;
};
thread_local std::vector<RecursiveScope> recursive_scopes;

SqlResult<std::unique_ptr<SelectPlan>> PlanRecursive(const ast::Select& s, const Catalog& catalog,
                                                     std::string_view sql, Params* params) {
  SQL_ASSIGN_OR_RETURN(std::unique_ptr<SelectPlan> left, PlanSelect(*s.set_left, catalog, sql, params));
  if (s.recursive_columns.size() > left->visible) {
    return MakeError(sqlstate::kInvalidColumnReference, "WITH query has " + std::to_string(left->visible) +
                                                            " columns available but " +
                                                            std::to_string(s.recursive_columns.size()) +
                                                            " columns specified");
  }
  auto plan = std::make_unique<SelectPlan>();
  auto t = std::make_shared<Table>();
  for (size_t c = 0; c < left->visible; c++) {
    ResultColumn col = left->columns[c];
    if (col.type.id == TypeId::kUnknown || col.type.id == TypeId::kNull) col.type = Type::Of(TypeId::kText);
    if (c < s.recursive_columns.size()) col.name = s.recursive_columns[c];
    Column tc;
    tc.name = col.name;
    tc.type = col.type;
    t->columns.push_back(std::move(tc));
    plan->columns.push_back(std::move(col));
  }
  plan->visible = left->visible;
  plan->recursive = true;
  plan->set_all = s.set_all;
  plan->work = std::make_shared<std::vector<std::vector<Value>>>();
  recursive_scopes.push_back(RecursiveScope{&s, t, plan->work});
  auto right = PlanSelect(*s.set_right, catalog, sql, params);
  recursive_scopes.pop_back();
  if (!right.ok()) return right.TakeStatus();
  if ((*right)->visible != left->visible) {
    return MakeError(sqlstate::kSyntaxError, "each UNION query must have the same number of columns");
  }
  plan->set_left = std::shared_ptr<SelectPlan>(std::move(left));
  plan->set_right = std::shared_ptr<SelectPlan>(std::move(right.value()));
  return plan;
}

SqlResult<std::unique_ptr<SelectPlan>> PlanSetOp(const ast::Select& s, const Catalog& catalog, std::string_view sql,
                                                 Params* params) {
  auto plan = std::make_unique<SelectPlan>();
  plan->set_op = s.set_op;
  plan->set_all = s.set_all;
  SQL_ASSIGN_OR_RETURN(std::unique_ptr<SelectPlan> left, PlanSelect(*s.set_left, catalog, sql, params));
  SQL_ASSIGN_OR_RETURN(std::unique_ptr<SelectPlan> right, PlanSelect(*s.set_right, catalog, sql, params));
  if (left->visible != right->visible) {
    return MakeError(sqlstate::kSyntaxError, "each " + s.set_op + " query must have the same number of columns");
  }
  BindContext ctx;
  ctx.sql = sql;
  for (size_t c = 0; c < left->visible; c++) {
    BoundExpr a, b;
    a.type = left->columns[c].type;
    b.type = right->columns[c].type;
    SQL_ASSIGN_OR_RETURN(Type t, CommonType({&a, &b}, s.set_op.c_str(), ctx));
    if (t.id == TypeId::kUnknown || t.id == TypeId::kNull) t = Type::Of(TypeId::kText);
    ResultColumn col = left->columns[c];
    if (col.type != t) {
      col.type = t;
      col.table_oid = 0;
      col.column = 0;
    }
    plan->columns.push_back(col);
  }
  plan->visible = left->visible;
  plan->set_left = std::shared_ptr<SelectPlan>(std::move(left));
  plan->set_right = std::shared_ptr<SelectPlan>(std::move(right));
  SQL_RETURN_IF_ERROR(OrderByOutput(s, sql, params, "invalid UNION/INTERSECT/EXCEPT ORDER BY clause",
                                    "Only result column names can be used, not expressions or functions.",
                                    plan.get()));
  return plan;
}

// Binds SET a = x, ... for UPDATE and ON CONFLICT DO UPDATE, coerced to the
// columns' types.
SqlStatus BindSets(const std::vector<ast::SetClause>& sets, const Table& t, BindContext& ctx, std::string_view sql,
                   std::vector<std::pair<int, BoundPtr>>* out) {
  for (const auto& set : sets) {
    int c = t.FindColumn(set.column);
    if (c < 0) {
      return MakeError(sqlstate::kUndefinedColumn,
                       "column \"" + set.column + "\" of relation \"" + t.name + "\" does not exist",
                       Pos(sql, set.location));
    }
    if (t.columns[c].identity == 'a') {
      SqlError e = MakeError("428C9", "column \"" + set.column + "\" can only be updated to DEFAULT",
                             Pos(sql, set.location));
      e.detail = "Column \"" + set.column + "\" is an identity column defined as GENERATED ALWAYS.";
      return e;
    }
    for (const auto& prev : *out) {
      if (prev.first == c) {
        return MakeError(sqlstate::kSyntaxError, "multiple assignments to same column \"" + set.column + "\"",
                         Pos(sql, set.location));
      }
    }
    BoundPtr b;
    if (set.value->kind == ast::ExprKind::kDefault) {
      // SET c = DEFAULT: the column's default, or NULL.
      const Column& col = t.columns[c];
      if (col.identity != 0) {
        return MakeError(sqlstate::kFeatureNotSupported,
                         "SET ... = DEFAULT for an identity or serial column is not supported by LumaDB yet",
                         Pos(sql, set.location));
      }
      if (col.default_per_row) {
        SQL_ASSIGN_OR_RETURN(b, BindStored(col.default_sql, nullptr, ctx.params, "DEFAULT expressions"));
      } else {
        b = std::make_unique<BoundExpr>();
        b->kind = BoundKind::kConst;
        b->value = col.has_default ? col.default_value : Value::Null(col.type);
        b->type = col.type;
      }
    } else {
      SQL_ASSIGN_OR_RETURN(b, BindExpr(*set.value, ctx));
    }
    SQL_ASSIGN_OR_RETURN(b, CoerceTo(std::move(b), t.columns[c].type, false, ctx));
    out->emplace_back(c, std::move(b));
  }
  return SqlStatus::Ok();
}

SqlStatus PlanConflict(const ast::OnConflict& oc, const ast::TableRef& ref, const std::shared_ptr<const Table>& table,
                       std::string_view sql, Params* params, InsertPlan* plan) {
  const Table& t = *table;
  int arbiter = InsertPlan::Conflict::kAny;
  if (!oc.constraint.empty()) {
    // ON CONSTRAINT names the primary key or a UNIQUE constraint (not a
    // plain unique index).
    arbiter = -3;
    if (!t.primary_key.empty() && oc.constraint == t.PrimaryKeyName()) arbiter = InsertPlan::Conflict::kPrimaryKey;
    for (size_t i = 0; i < t.indexes.size(); i++) {
      if (t.indexes[i].constraint && t.indexes[i].name == oc.constraint) arbiter = static_cast<int>(i);
    }
    if (arbiter == -3) {
      return MakeError(sqlstate::kUndefinedObject,
                       "constraint \"" + oc.constraint + "\" for table \"" + t.name + "\" does not exist");
    }
  } else if (!oc.columns.empty()) {
    std::vector<int> cols;
    for (const auto& name : oc.columns) {
      int c = t.FindColumn(name);
      if (c < 0) {
        return MakeError(sqlstate::kUndefinedColumn, "column \"" + name + "\" does not exist",
                         Pos(sql, oc.location));
      }
      cols.push_back(c);
    }
    auto same = [&](std::vector<int> key) {
      std::sort(key.begin(), key.end());
      return !key.empty() && key == cols;
    };
    std::sort(cols.begin(), cols.end());
    cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
    arbiter = -3;
    if (same(t.primary_key)) arbiter = InsertPlan::Conflict::kPrimaryKey;
    for (size_t i = 0; i < t.indexes.size() && arbiter == -3; i++) {
      if (t.indexes[i].unique && same(t.indexes[i].columns)) arbiter = static_cast<int>(i);
    }
    if (arbiter == -3) {
      return MakeError(sqlstate::kInvalidColumnReference,
                       "there is no unique or exclusion constraint matching the ON CONFLICT specification");
    }
  } else if (oc.update) {
    SqlError e = MakeError(sqlstate::kSyntaxError,
                           "ON CONFLICT DO UPDATE requires inference specification or constraint name",
                           Pos(sql, oc.location));
    e.hint = "For example, ON CONFLICT (column_name).";
    return e;
  }
  plan->on_conflict = std::make_unique<InsertPlan::Conflict>();
  plan->on_conflict->arbiter = arbiter;
  plan->on_conflict->update = oc.update;
  if (!oc.update) return SqlStatus::Ok();
  BindContext ctx;
  ctx.sql = sql;
  ctx.params = params;
  ctx.aggregate_context = "ON CONFLICT";
  ctx.tables.push_back(ScopeTable{ref.alias.empty() ? t.name : ref.alias, table, 0});
  ctx.tables.push_back(ScopeTable{"excluded", table, static_cast<int>(t.columns.size())});
  SQL_RETURN_IF_ERROR(BindSets(oc.sets, t, ctx, sql, &plan->on_conflict->sets));
  SQL_ASSIGN_OR_RETURN(plan->on_conflict->where, BindWhere(oc.where.get(), ctx));
  return SqlStatus::Ok();
}

}  // namespace

SqlResult<std::shared_ptr<const Table>> ResolveTable(const ast::TableRef& ref, const Catalog& catalog,
                                                     std::string_view sql) {
  if (ref.names.size() > 1) {
    const std::string& schema = ref.names[ref.names.size() - 2];
    if (schema != "public") {
      return MakeError("3F000", "schema \"" + schema + "\" does not exist", Pos(sql, ref.location));
    }
  }
  const std::string& name = ref.names.back();
  auto t = catalog.Find(name);
  if (t == nullptr) {
    return MakeError(sqlstate::kUndefinedTable, "relation \"" + name + "\" does not exist", Pos(sql, ref.location));
  }
  return t;
}

// True when a bound expression reads a column of the current row.
static bool ReadsRow(const BoundExpr& e) {
  if (e.kind == BoundKind::kSlot) return true;
  for (const auto& a : e.args) {
    if (a && ReadsRow(*a)) return true;
  }
  return e.else_expr && ReadsRow(*e.else_expr);
}

// Marks in `slots` the slots of the input row `e` reads; false when it
// reads the row in a way this walk does not see (a correlated subquery).
static bool MarkSlots(const BoundExpr* e, std::vector<bool>* slots) {
  if (e == nullptr) return true;
  if (e->kind == BoundKind::kSubquery && e->correlated) return false;
  if (e->kind == BoundKind::kSlot && e->slot >= 0 && static_cast<size_t>(e->slot) < slots->size()) {
    (*slots)[static_cast<size_t>(e->slot)] = true;
  }
  for (const auto& a : e->args) {
    if (!MarkSlots(a.get(), slots)) return false;
  }
  return MarkSlots(e->else_expr.get(), slots);
}

static bool MarkAggregate(const AggregateCall& a, std::vector<bool>* slots) {
  bool ok = MarkSlots(a.arg.get(), slots) && MarkSlots(a.arg2.get(), slots) && MarkSlots(a.filter.get(), slots);
  for (const auto& o : a.order) ok = ok && MarkSlots(o.expr.get(), slots);
  return ok;
}

// SelectPlan::scan_columns: which columns of each stored table the
// expressions over the input row (`width` slots) read. Left empty (every
// column decoded) where the input row is read other than through those
// expressions: row locks, LATERAL items, correlated subqueries.
static void PlanScanColumns(SelectPlan* plan, int width) {
  if (plan->row_lock != ast::RowLockWait::kNone) return;
  for (size_t t = 0; t < plan->scope.size(); t++) {
    if (t < plan->derived.size() && plan->derived[t] != nullptr && plan->derived[t]->lateral) return;
    if (t < plan->functions.size() && plan->functions[t] != nullptr && plan->functions[t]->lateral) return;
  }
  std::vector<bool> slots(static_cast<size_t>(width), false);
  bool ok = MarkSlots(plan->where.get(), &slots);
  for (const auto& j : plan->joins) ok = ok && MarkSlots(j.on.get(), &slots);
  for (const auto& f : plan->functions) {
    if (f == nullptr) continue;
    for (const auto& a : f->args) ok = ok && MarkSlots(a.get(), &slots);
  }
  if (plan->aggregating) {
    // The targets, HAVING and windows read the aggregated row.
    for (const auto& g : plan->groups) ok = ok && MarkSlots(g.get(), &slots);
    for (const auto& a : plan->aggregates) ok = ok && MarkAggregate(a, &slots);
  } else {
    for (const auto& e : plan->targets) ok = ok && MarkSlots(e.get(), &slots);
    for (const auto& w : plan->windows) {
      for (const auto& a : w.args) ok = ok && MarkSlots(a.get(), &slots);
      for (const auto& p : w.partition) ok = ok && MarkSlots(p.get(), &slots);
      for (const auto& o : w.order) ok = ok && MarkSlots(o.expr.get(), &slots);
      ok = ok && MarkSlots(w.start_offset.get(), &slots) && MarkSlots(w.end_offset.get(), &slots);
      if (w.aggregate) ok = ok && MarkAggregate(w.agg, &slots);
    }
  }
  if (!ok) return;
  plan->scan_columns.assign(plan->scope.size(), {});
  for (size_t t = 0; t < plan->scope.size(); t++) {
    const ScopeTable& st = plan->scope[t];
    if (!plan->Stored(t)) continue;
    std::vector<bool> cols(st.table->columns.size(), false);
    for (size_t c = 0; c < cols.size(); c++) {
      size_t slot = static_cast<size_t>(st.first_slot) + c;
      cols[c] = slot < slots.size() && slots[slot];
    }
    plan->scan_columns[t] = std::move(cols);
  }
}

static void TakeConjuncts(BoundPtr e, std::vector<BoundPtr>* out) {
  if (e->kind == BoundKind::kAnd) {
    for (auto& a : e->args) TakeConjuncts(std::move(a), out);
    return;
  }
  out->push_back(std::move(e));
}

static BoundPtr AndOf(BoundPtr a, BoundPtr b) {
  if (a == nullptr) return b;
  auto n = std::make_unique<BoundExpr>();
  n->kind = BoundKind::kAnd;
  n->type = Type::Of(TypeId::kBool);
  n->args.push_back(std::move(a));
  n->args.push_back(std::move(b));
  return n;
}

// The highest slot `e` reads (-1: none); false in *plain when it holds a subquery.
static int MaxSlot(const BoundExpr& e, bool* plain) {
  if (e.kind == BoundKind::kSubquery) *plain = false;
  int m = e.kind == BoundKind::kSlot ? e.slot : -1;
  for (const auto& a : e.args) m = std::max(m, MaxSlot(*a, plain));
  if (e.else_expr) m = std::max(m, MaxSlot(*e.else_expr, plain));
  return m;
}

// WHERE's conjuncts move to the join condition of the last FROM item they
// read (not the first: it streams) when the joins up to it are inner or
// cross and none after it is RIGHT or FULL, so the same rows pass; then
// `FROM a, b WHERE a.id = b.id` is a hash join, as in PostgreSQL, instead
// of a nested loop under a filter.
static void PushWhereIntoJoins(SelectPlan* plan) {
  if (plan->where == nullptr || plan->scope.size() < 2) return;
  size_t outer_from = plan->scope.size();  // the first RIGHT or FULL join
  for (size_t u = 1; u < plan->scope.size() && outer_from == plan->scope.size(); u++) {
    ast::JoinKind k = plan->joins[u].kind;
    if (k == ast::JoinKind::kRight || k == ast::JoinKind::kFull) outer_from = u;
  }
  std::vector<BoundPtr> conjuncts;
  TakeConjuncts(std::move(plan->where), &conjuncts);
  for (auto& c : conjuncts) {
    bool plain = true;
    int slot = MaxSlot(*c, &plain);
    size_t t = 0;
    while (t + 1 < plan->scope.size() && plan->scope[t + 1].first_slot <= slot) t++;
    bool inner = t > 0 && plain && outer_from == plan->scope.size();
    for (size_t u = 1; u <= t && inner; u++) {
      inner = plan->joins[u].kind == ast::JoinKind::kCross || plan->joins[u].kind == ast::JoinKind::kInner;
    }
    if (inner) {
      plan->joins[t].on = AndOf(std::move(plan->joins[t].on), std::move(c));
    } else {
      plan->where = AndOf(std::move(plan->where), std::move(c));
    }
  }
}

// One FROM item joins the scope: its table (stored, a view's or a
// subquery's plan, a function, a system relation), its slots from *slot
// on, its JOIN condition; SELECT's FROM and UPDATE ... FROM / DELETE ...
// USING plan their items with it.
static SqlStatus PlanFromItem(const ast::TableRef& ref, const Catalog& catalog, std::string_view sql, Params* params,
                              BindContext& ctx, SelectPlan* plan, int* slot,
                              std::vector<std::pair<size_t, int>>* using_first) {
  std::shared_ptr<const Table> table;
  std::shared_ptr<SelectPlan> derived;
  std::shared_ptr<SelectPlan::Function> function;
  std::shared_ptr<std::vector<std::vector<Value>>> working;
  if (ref.recursive_cte != nullptr) {
    // The recursive query, from inside its recursive term: the rows its previous run added.
    for (const auto& scope : recursive_scopes) {
      if (scope.cte != ref.recursive_cte) continue;
      table = scope.table;
      working = scope.rows;
    }
    if (table == nullptr) {
      return MakeError("42P19", "recursive reference to query \"" + ref.alias +
                                    "\" must not appear within its non-recursive term",
                       Pos(sql, ref.location));
    }
  } else if (ref.function) {
    // A function in FROM: its arguments may read the FROM items before it
    // (PostgreSQL's implicit LATERAL for functions).
    const ast::Expr& fn = *ref.function;
    std::string fname = fn.names.empty() ? std::string() : fn.names.back();
    if (!IsTableFunction(fname) || fn.star || fn.distinct || fn.over) {
      SqlError err = MakeError(sqlstate::kFeatureNotSupported,
                               "the function " + fname + " in FROM is not supported by LumaDB yet",
                               Pos(sql, fn.location));
      return err;
    }
    function = std::make_shared<SelectPlan::Function>();
    function->name = fname;
    function->ordinality = ref.ordinality;
    ctx.aggregate_context = "functions in FROM";
    for (const auto& a : fn.args) {
      SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*a, ctx));
      function->args.push_back(std::move(b));
    }
    SQL_ASSIGN_OR_RETURN(std::vector<TableFunctionColumn> cols,
                         TableFunctionColumns(fname, &function->args, ctx, fn.location));
    for (const auto& b : function->args) function->lateral = function->lateral || ReadsRow(*b);
    if (function->lateral && (ref.join == ast::JoinKind::kRight || ref.join == ast::JoinKind::kFull)) {
      SqlError err = MakeError(sqlstate::kInvalidColumnReference,
                               "invalid reference to FROM-clause entry in a function's arguments",
                               Pos(sql, fn.location));
      err.detail = "The combining JOIN type must be INNER or LEFT for a LATERAL reference.";
      return err;
    }
    auto t = std::make_shared<Table>();
    t->name = ref.alias.empty() ? fname : ref.alias;
    if (function->ordinality) cols.push_back({"ordinality", Type::Of(TypeId::kInt8), false});
    if (ref.column_aliases.size() > cols.size()) {
      return MakeError(sqlstate::kSyntaxError,
                       "too many column aliases specified for function " + fname, Pos(sql, ref.location));
    }
    for (size_t i = 0; i < cols.size(); i++) {
      Column c;
      // PostgreSQL names a scalar function's column after the alias when no column alias is given.
      c.name = i < ref.column_aliases.size()          ? ref.column_aliases[i]
               : cols[i].scalar && !ref.alias.empty() ? ref.alias
                                                      : cols[i].name;
      c.type = cols[i].type;
      t->columns.push_back(std::move(c));
    }
    table = std::move(t);
  } else if (ref.subquery) {
    // A subquery in FROM: a table whose columns are its results. LATERAL
    // lets it read the FROM items before it, as a correlated subquery
    // reads its outer query.
    bool reads_left = false;
    SQL_ASSIGN_OR_RETURN(std::unique_ptr<SelectPlan> sub,
                         ref.lateral ? PlanSelectIn(*ref.subquery, catalog, sql, params, &ctx, &reads_left)
                                     : PlanSelect(*ref.subquery, catalog, sql, params));
    sub->lateral = reads_left;
    if (reads_left && (ref.join == ast::JoinKind::kRight || ref.join == ast::JoinKind::kFull)) {
      SqlError err = MakeError(sqlstate::kInvalidColumnReference,
                               "invalid reference to FROM-clause entry in a LATERAL subquery", Pos(sql, ref.location));
      err.detail = "The combining JOIN type must be INNER or LEFT for a LATERAL reference.";
      return err;
    }
    auto t = std::make_shared<Table>();
    t->name = ref.alias;
    if (ref.column_aliases.size() > sub->visible) {
      return MakeError(sqlstate::kInvalidColumnReference,
                       "table \"" + ref.alias + "\" has " + std::to_string(sub->visible) + " columns available but " +
                           std::to_string(ref.column_aliases.size()) + " columns specified",
                       Pos(sql, ref.location));
    }
    for (size_t i = 0; i < sub->visible; i++) {
      Column c;
      c.name = i < ref.column_aliases.size() ? ref.column_aliases[i] : sub->columns[i].name;
      c.type = sub->columns[i].type;
      if (c.type.id == TypeId::kUnknown || c.type.id == TypeId::kNull) c.type = Type::Of(TypeId::kText);
      t->columns.push_back(std::move(c));
    }
    table = std::move(t);
    derived = std::shared_ptr<SelectPlan>(std::move(sub));
  } else if (auto system = FindSystemRelation(ref.names, catalog)) {
    // pg_catalog / information_schema: rows made from the catalog now.
    table = system->table;
    working = system->rows;
  } else {
    SQL_ASSIGN_OR_RETURN(table, ResolveTable(ref, catalog, sql));
    if (table->IsView()) {
      // A view: its query, planned now, stands for it.
      SQL_ASSIGN_OR_RETURN(std::vector<ast::Statement> parsed, ParsePostgres(table->view_sql));
      if (parsed.size() != 1 || parsed[0].kind != ast::StatementKind::kSelect) {
        return MakeError(sqlstate::kInternalError, "view \"" + table->name + "\" has a query LumaDB cannot read");
      }
      SQL_ASSIGN_OR_RETURN(std::unique_ptr<SelectPlan> sub, PlanSelect(*parsed[0].select, catalog, table->view_sql,
                                                                       params));
      if (sub->visible != table->columns.size()) {
        return MakeError(sqlstate::kInternalError, "view \"" + table->name + "\" no longer matches its query");
      }
      derived = std::shared_ptr<SelectPlan>(std::move(sub));
    }
  }
  plan->derived.push_back(derived);
  plan->functions.push_back(std::move(function));
  plan->working.push_back(std::move(working));
  std::string name = ref.alias.empty() ? table->name : ref.alias;
  for (const auto& t : ctx.tables) {
    if (t.name == name) {
      return MakeError("42712", "table name \"" + name + "\" specified more than once", Pos(sql, ref.location));
    }
  }
  ctx.tables.push_back(ScopeTable{name, table, *slot});
  ctx.tables.back().scalar_function = plan->functions.back() != nullptr && table->columns.size() == 1;
  *slot += static_cast<int>(table->columns.size());
  SelectPlan::Join join;
  join.kind = ref.join;
  if (ref.on) {
    // The condition sees the tables joined so far (PostgreSQL: only the
    // two sides of its JOIN; this is more permissive).
    ctx.aggregate_context = "JOIN conditions";
    SQL_ASSIGN_OR_RETURN(join.on, BindExpr(*ref.on, ctx));
    if (join.on->type.id == TypeId::kUnknown || join.on->type.id == TypeId::kNull) {
      SQL_ASSIGN_OR_RETURN(join.on, CoerceTo(std::move(join.on), Type::Of(TypeId::kBool), false, ctx));
    }
    if (join.on->type.id != TypeId::kBool) {
      return MakeError(sqlstate::kDatatypeMismatch,
                       "argument of JOIN/ON must be type boolean, not type " + TypeName(join.on->type),
                       Pos(sql, ref.on->location));
    }
  }
  if (ref.natural || !ref.using_columns.empty()) {
    SQL_RETURN_IF_ERROR(PlanUsing(ref, sql, &ctx, &join, using_first));
  }
  plan->joins.push_back(std::move(join));
  return SqlStatus::Ok();
}

SqlResult<std::unique_ptr<SelectPlan>> PlanSelect(const ast::Select& s, const Catalog& catalog, std::string_view sql,
                                                  Params* params) {
  return PlanSelectIn(s, catalog, sql, params, nullptr, nullptr);
}

SqlResult<std::unique_ptr<SelectPlan>> PlanSelectIn(const ast::Select& s, const Catalog& catalog,
                                                    std::string_view sql, Params* params, BindContext* outer,
                                                    bool* correlated) {
  if (s.recursive) return PlanRecursive(s, catalog, sql, params);
  if (!s.set_op.empty()) return PlanSetOp(s, catalog, sql, params);
  if (!s.values.empty()) return PlanValues(s, sql, params);
  auto plan = std::make_unique<SelectPlan>();
  BindContext ctx;
  ctx.sql = sql;
  ctx.params = params;
  ctx.outer = outer;
  ctx.correlated = correlated;
  AllowSubqueries(&ctx, catalog, sql, params);
  int slot = 0;
  // JOIN ... USING columns, (scope entry, column) of the side that gives
  // the value, for `*`: the last join's first (each join's in its USING
  // order), as PostgreSQL lists them.
  std::vector<std::pair<size_t, int>> using_first;
  for (const auto& ref : s.from) {
    SQL_RETURN_IF_ERROR(PlanFromItem(ref, catalog, sql, params, ctx, plan.get(), &slot, &using_first));
  }
  plan->scope = ctx.tables;

  // Expand * into column references so that they bind (and group-check) as
  // if written out.
  std::vector<ast::ExprPtr> expanded;
  std::vector<std::pair<std::string, int>> hidden;  // ORDER BY / DISTINCT ON targets past the visible ones
  struct Item {
    const ast::Expr* expr;
    std::string name;
  };
  std::vector<Item> items;
  for (const auto& it : s.items) {
    if (it.expr->kind != ast::ExprKind::kStar) {
      items.push_back({it.expr.get(), it.alias.empty() ? OutputName(*it.expr) : it.alias});
      continue;
    }
    bool found = false;
    bool all = it.expr->names.empty();
    std::vector<std::pair<size_t, int>> listed;
    if (all) listed = using_first;
    for (size_t ti = 0; ti < ctx.tables.size(); ti++) {
      const auto& t = ctx.tables[ti];
      if (!all && it.expr->names.back() != t.name) continue;
      found = true;
      for (size_t c = 0; c < t.table->columns.size(); c++) {
        // `*` shows a merged USING column once, first; `t.*` shows all of t's.
        if (all && (t.Merged(static_cast<int>(c)) ||
                    std::find(using_first.begin(), using_first.end(), std::make_pair(ti, static_cast<int>(c))) !=
                        using_first.end())) {
          continue;
        }
        listed.emplace_back(ti, static_cast<int>(c));
      }
    }
    for (const auto& [ti, c] : listed) {
      const auto& t = ctx.tables[ti];
      expanded.push_back(ColumnRef(t.name, t.table->columns[c].name, it.expr->location));
      items.push_back({expanded.back().get(), t.table->columns[c].name});
    }
    if (!found && !it.expr->names.empty()) {
      return MakeError(sqlstate::kUndefinedTable,
                       "missing FROM-clause entry for table \"" + it.expr->names.back() + "\"",
                       Pos(sql, it.expr->location));
    }
    if (ctx.tables.empty()) {
      return MakeError(sqlstate::kSyntaxError, "SELECT * with no tables specified is not valid",
                       Pos(sql, it.expr->location));
    }
  }

  SQL_ASSIGN_OR_RETURN(plan->where, BindWhere(s.where.get(), ctx));
  PushWhereIntoJoins(plan.get());
  if (plan->scope.size() == 1) {
    plan->point_key = PointKey(*plan->scope[0].table, plan->where.get());
    if (!plan->point_key) plan->point_keys = PointKeys(*plan->scope[0].table, plan->where.get());
    if (!plan->point_key && plan->point_keys.empty()) {
      plan->index_prefix = IndexLookupPrefix(*plan->scope[0].table, plan->where.get());
    }
  }

  // GROUP BY items: an input column or expression; a position or an output
  // name when no input column has that name.
  std::vector<const ast::Expr*> group_exprs;
  for (const auto& g : s.group_by) {
    const ast::Expr* e = g.get();
    if (e->kind == ast::ExprKind::kConst && !e->value.null && IsInteger(e->value.type.id)) {
      int64_t n = e->value.i;
      if (n < 1 || n > static_cast<int64_t>(items.size())) {
        return MakeError(sqlstate::kInvalidColumnReference,
                         "GROUP BY position " + std::to_string(n) + " is not in select list", Pos(sql, e->location));
      }
      e = items[n - 1].expr;
    } else if (e->kind == ast::ExprKind::kColumn && e->names.size() == 1) {
      bool input = false;
      for (const auto& t : ctx.tables) input = input || t.table->FindColumn(e->names[0]) >= 0;
      if (!input) {
        for (const auto& item : items) {
          if (item.name == e->names[0]) {
            e = item.expr;
            break;
          }
        }
      }
    }
    group_exprs.push_back(e);
  }
  if (!s.grouping_sets.empty()) {
    // Which keys each set keeps (an item written twice is one key).
    size_t n = group_exprs.size();
    std::vector<size_t> canon(n);
    for (size_t i = 0; i < n; i++) {
      canon[i] = i;
      for (size_t j = 0; j < i; j++) {
        if (Fingerprint(*group_exprs[j]) == Fingerprint(*group_exprs[i])) {
          canon[i] = j;
          break;
        }
      }
    }
    for (const auto& set : s.grouping_sets) {
      std::vector<bool> keep(n, false);
      for (int i : set) keep[canon[static_cast<size_t>(i)]] = true;
      plan->grouping_sets.push_back(std::move(keep));
    }
    group_exprs.push_back(nullptr);  // the set's number
  }
  bool any_aggregate = s.having != nullptr;
  for (const auto& item : items) any_aggregate = any_aggregate || HasAggregate(*item.expr);
  for (const auto& o : s.order_by) any_aggregate = any_aggregate || HasAggregate(*o.expr);
  plan->aggregating = !group_exprs.empty() || any_aggregate;

  BindContext out_ctx = ctx;
  if (plan->aggregating) {
    ctx.aggregate_context = "GROUP BY";
    for (const ast::Expr* g : group_exprs) {
      if (g == nullptr) {
        auto set_number = std::make_unique<BoundExpr>();
        set_number->kind = BoundKind::kConst;
        set_number->type = Type::Of(TypeId::kInt4);
        set_number->value = Value::Int(TypeId::kInt4, 0);
        plan->groups.push_back(std::move(set_number));
        continue;
      }
      SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*g, ctx));
      SQL_ASSIGN_OR_RETURN(b, OutputType(std::move(b), ctx));
      plan->groups.push_back(std::move(b));
    }
    out_ctx.aggregating = true;
    out_ctx.allow_aggregates = true;
    out_ctx.group_exprs = group_exprs;
    out_ctx.group_bound = &plan->groups;
    out_ctx.aggregates = &plan->aggregates;
    out_ctx.grouping_sets = &plan->grouping_sets;
  } else {
    out_ctx.aggregate_context = "WHERE";
  }
  out_ctx.windows = &plan->windows;
  out_ctx.named_windows = &s.windows;
  std::vector<SrfCall> srfs;
  if (!plan->aggregating) {
    out_ctx.srfs = &srfs;
    out_ctx.srf_first_slot = slot;
  }

  for (const auto& item : items) {
    SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*item.expr, out_ctx));
    SQL_ASSIGN_OR_RETURN(b, OutputType(std::move(b), out_ctx));
    plan->columns.push_back(DescribeTarget(item.name, *b, plan->scope, plan->aggregating));
    plan->targets.push_back(std::move(b));
  }
  plan->visible = plan->targets.size();
  plan->distinct = s.distinct;
  out_ctx.srfs = nullptr;
  // The set-returning functions of the select list: one function in FROM,
  // last, run for each row (their values are the slots the targets read);
  // several run in lock step.
  if (!srfs.empty()) {
    if (!plan->windows.empty()) {
      return MakeError(sqlstate::kFeatureNotSupported,
                       "set-returning functions with window functions are not supported by LumaDB yet");
    }
    auto t = std::make_shared<Table>();
    t->name = srfs[0].name;
    auto fn = std::make_shared<SelectPlan::Function>();
    fn->name = srfs[0].name;
    for (auto& call : srfs) {
      Column c;
      c.name = call.name;
      c.type = call.type;
      t->columns.push_back(std::move(c));
      if (srfs.size() > 1) {
        fn->zipped.push_back(call.name);
        fn->arg_counts.push_back(call.args.size());
      }
      for (auto& a : call.args) fn->args.push_back(std::move(a));
    }
    fn->lateral = !plan->scope.empty();
    plan->scope.push_back(ScopeTable{srfs[0].name, t, slot});
    slot += static_cast<int>(srfs.size());
    plan->derived.push_back(nullptr);
    plan->working.push_back(nullptr);
    plan->functions.push_back(std::move(fn));
    plan->joins.emplace_back();
  }
  if (s.row_lock != ast::RowLockWait::kNone) {
    const char* why = plan->aggregating ? (plan->groups.empty() ? "with aggregate functions" : "with GROUP BY clause")
                      : s.distinct || !s.distinct_on.empty() ? "with DISTINCT clause"
                      : plan->scope.size() != 1 ? "with more than one table in FROM (LumaDB, for now)"
                                                : nullptr;
    if (plan->scope.empty()) why = "without a table in FROM";
    if (why != nullptr) {
      return MakeError(sqlstate::kFeatureNotSupported, s.row_lock_strength + " is not allowed " + why);
    }
    plan->row_lock = s.row_lock;
  }

  if (s.having) {
    out_ctx.windows = nullptr;
    out_ctx.aggregate_context = "HAVING";
    SQL_ASSIGN_OR_RETURN(BoundPtr h, BindExpr(*s.having, out_ctx));
    out_ctx.windows = &plan->windows;
    if (h->type.id == TypeId::kUnknown || h->type.id == TypeId::kNull) {
      SQL_ASSIGN_OR_RETURN(h, CoerceTo(std::move(h), Type::Of(TypeId::kBool), false, out_ctx));
    }
    if (h->type.id != TypeId::kBool) {
      return MakeError(sqlstate::kDatatypeMismatch,
                       "argument of HAVING must be type boolean, not type " + TypeName(h->type),
                       Pos(sql, s.having->location));
    }
    plan->having = std::move(h);
  }

  // ORDER BY and DISTINCT ON items: a position, an output column name, or
  // an expression over the input (a hidden target, not allowed with
  // DISTINCT unless it is in the list).
  auto resolve = [&](const ast::Expr* e, const std::string& clause) -> SqlResult<int> {
    int target = -1;
    if (e->kind == ast::ExprKind::kConst && !e->value.null && IsInteger(e->value.type.id)) {
      int64_t n = e->value.i;
      if (n < 1 || n > static_cast<int64_t>(plan->visible)) {
        return MakeError(sqlstate::kInvalidColumnReference,
                         clause + " position " + std::to_string(n) + " is not in select list", Pos(sql, e->location));
      }
      return static_cast<int>(n - 1);
    }
    if (e->kind == ast::ExprKind::kColumn && e->names.size() == 1) {
      for (size_t i = 0; i < items.size(); i++) {
        if (items[i].name != e->names[0]) continue;
        if (target >= 0 && Fingerprint(*items[target].expr) != Fingerprint(*items[i].expr)) {
          return MakeError(sqlstate::kAmbiguousColumn, clause + " \"" + e->names[0] + "\" is ambiguous",
                           Pos(sql, e->location));
        }
        if (target < 0) target = static_cast<int>(i);
      }
    }
    std::string fp = Fingerprint(*e);
    for (size_t i = 0; i < items.size() && target < 0; i++) {
      if (Fingerprint(*items[i].expr) == fp) target = static_cast<int>(i);
    }
    // An ORDER BY expression already bound as a hidden target.
    for (size_t i = 0; i < hidden.size() && target < 0; i++) {
      if (hidden[i].first == fp) target = hidden[i].second;
    }
    if (target >= 0) return target;
    if (plan->distinct) {
      return MakeError(sqlstate::kInvalidColumnReference,
                       "for SELECT DISTINCT, ORDER BY expressions must appear in select list", Pos(sql, e->location));
    }
    out_ctx.aggregate_context = clause == "ORDER BY" ? "ORDER BY" : "DISTINCT ON";
    SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*e, out_ctx));
    SQL_ASSIGN_OR_RETURN(b, OutputType(std::move(b), out_ctx));
    target = static_cast<int>(plan->targets.size());
    plan->targets.push_back(std::move(b));
    hidden.emplace_back(fp, target);
    return target;
  };
  for (const auto& o : s.order_by) {
    SQL_ASSIGN_OR_RETURN(int target, resolve(o.expr.get(), "ORDER BY"));
    plan->sort.push_back(SortKey{target, o.desc, o.nulls_first.value_or(o.desc)});
  }
  if (!s.distinct_on.empty()) {
    for (const auto& d : s.distinct_on) {
      SQL_ASSIGN_OR_RETURN(int target, resolve(d.get(), "DISTINCT ON"));
      if (std::find(plan->distinct_on.begin(), plan->distinct_on.end(), target) == plan->distinct_on.end()) {
        plan->distinct_on.push_back(target);
      }
    }
    // The leading ORDER BY items must be DISTINCT ON's, until those run out;
    // the ones ORDER BY lacks are sorted on after it.
    std::vector<int> unseen = plan->distinct_on;
    for (const auto& k : plan->sort) {
      if (unseen.empty()) break;
      auto it = std::find(unseen.begin(), unseen.end(), k.target);
      if (it == unseen.end()) {
        return MakeError(sqlstate::kInvalidColumnReference,
                         "SELECT DISTINCT ON expressions must match initial ORDER BY expressions",
                         Pos(sql, s.distinct_on[0]->location));
      }
      unseen.erase(it);
    }
    for (int t : unseen) plan->sort.push_back(SortKey{t, false, false});
  }
  if (!plan->windows.empty()) {
    // Window values follow the row they are computed over.
    int base = plan->aggregating ? static_cast<int>(plan->groups.size() + plan->aggregates.size()) : slot;
    for (auto& t : plan->targets) MoveWindowSlots(t.get(), base);
    if (plan->row_lock != ast::RowLockWait::kNone) {
      return MakeError(sqlstate::kFeatureNotSupported, s.row_lock_strength + " is not allowed with window functions");
    }
  }
  for (const auto& w : s.windows) {
    for (const auto& other : s.windows) {
      if (&other != &w && other->name == w->name) {
        return MakeError(sqlstate::kWindowingError, "window \"" + w->name + "\" is already defined",
                         Pos(sql, other->location));
      }
    }
  }
  SQL_ASSIGN_OR_RETURN(plan->limit, BindLimit(s.limit.get(), "LIMIT", sql, params, ctx.outer, ctx.correlated));
  SQL_ASSIGN_OR_RETURN(plan->offset, BindLimit(s.offset.get(), "OFFSET", sql, params, ctx.outer, ctx.correlated));
  PlanScanColumns(plan.get(), slot);
  return plan;
}

SqlStatus NotAView(const Table& t, const char* verb) {
  if (!t.IsView()) return SqlStatus::Ok();
  SqlError e = MakeError(sqlstate::kFeatureNotSupported, std::string("cannot ") + verb + " view \"" + t.name + "\"");
  e.detail = "LumaDB does not write through views yet.";
  return e;
}

SqlResult<std::unique_ptr<InsertPlan>> PlanInsert(const ast::Insert& s, const Catalog& catalog, std::string_view sql,
                                                  Params* params) {
  auto plan = std::make_unique<InsertPlan>();
  SQL_ASSIGN_OR_RETURN(plan->table, ResolveTable(s.table, catalog, sql));
  SQL_RETURN_IF_ERROR(NotAView(*plan->table, "insert into"));
  const Table& t = *plan->table;
  if (s.columns.empty()) {
    for (size_t c = 0; c < t.columns.size(); c++) plan->target_columns.push_back(static_cast<int>(c));
  } else {
    for (size_t i = 0; i < s.columns.size(); i++) {
      int loc = i < s.column_locations.size() ? s.column_locations[i] : -1;
      int c = t.FindColumn(s.columns[i]);
      if (c < 0) {
        return MakeError(sqlstate::kUndefinedColumn,
                         "column \"" + s.columns[i] + "\" of relation \"" + t.name + "\" does not exist",
                         Pos(sql, loc));
      }
      for (int prev : plan->target_columns) {
        if (prev == c) {
          return MakeError(sqlstate::kDuplicateColumn, "column \"" + s.columns[i] + "\" specified more than once",
                           Pos(sql, loc));
        }
      }
      plan->target_columns.push_back(c);
    }
  }
  for (size_t i = 0; i < plan->target_columns.size(); i++) {
    int c = plan->target_columns[i];
    if (t.columns[c].identity != 'a' || !s.source) continue;
    bool all_default = !s.source->values.empty();
    for (const auto& row : s.source->values) {
      all_default = all_default && i < row.size() && row[i]->kind == ast::ExprKind::kDefault;
    }
    if (all_default) continue;
    SqlError e = MakeError("428C9", "cannot insert a non-DEFAULT value into column \"" + t.columns[c].name + "\"");
    e.detail = "Column \"" + t.columns[c].name + "\" is an identity column defined as GENERATED ALWAYS.";
    e.hint = "Use OVERRIDING SYSTEM VALUE to override.";
    return e;
  }
  BindContext ctx;
  ctx.sql = sql;
  ctx.params = params;
  ctx.aggregate_context = "VALUES";
  if (s.source && !s.source->values.empty()) {
    for (const auto& row : s.source->values) {
      if (row.size() > plan->target_columns.size()) {
        return MakeError(sqlstate::kSyntaxError, "INSERT has more expressions than target columns",
                         Pos(sql, row[plan->target_columns.size()]->location));
      }
      if (row.size() < plan->target_columns.size() && !s.columns.empty()) {
        int loc = row.size() < s.column_locations.size() ? s.column_locations[row.size()] : -1;
        return MakeError(sqlstate::kSyntaxError, "INSERT has more target columns than expressions", Pos(sql, loc));
      }
      std::vector<BoundPtr> bound;
      for (size_t i = 0; i < row.size(); i++) {
        if (row[i]->kind == ast::ExprKind::kDefault) {
          bound.push_back(nullptr);  // the column's default
          continue;
        }
        SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*row[i], ctx));
        const Column& col = t.columns[plan->target_columns[i]];
        Type from = b->type;
        auto coerced = CoerceTo(std::move(b), col.type, false, ctx);
        if (!coerced.ok()) {
          SqlError err = coerced.status().error();
          if (err.sqlstate == sqlstate::kDatatypeMismatch) {
            err.message = "column \"" + col.name + "\" is of type " + TypeName(col.type) +
                          " but expression is of type " + TypeName(from);
            err.hint = "You will need to rewrite or cast the expression.";
          }
          return err;
        }
        bound.push_back(std::move(coerced.value()));
      }
      plan->rows.push_back(std::move(bound));
    }
  } else if (s.source) {
    SQL_ASSIGN_OR_RETURN(plan->query, PlanSelect(*s.source, catalog, sql, params));
    if (plan->query->visible > plan->target_columns.size()) {
      return MakeError(sqlstate::kSyntaxError, "INSERT has more expressions than target columns", 0);
    }
    for (size_t i = 0; i < plan->query->visible && i < plan->query->columns.size(); i++) {
      const Column& col = t.columns[plan->target_columns[i]];
      const Type& from = plan->query->columns[i].type;
      // A literal of no type yet (SELECT '5', NULL) takes the column's type, as in PostgreSQL.
      const ast::Select& q = *s.source;
      bool untyped = q.set_op.empty() && i < q.items.size() && q.items[i].expr &&
                     q.items[i].expr->kind == ast::ExprKind::kConst &&
                     (q.items[i].expr->value.null || q.items[i].expr->value.type.id == TypeId::kUnknown);
      if (!untyped && !AssignableTo(from, col.type)) {
        SqlError err = MakeError(sqlstate::kDatatypeMismatch, "column \"" + col.name + "\" is of type " +
                                                                  TypeName(col.type) + " but expression is of type " +
                                                                  TypeName(from));
        err.hint = "You will need to rewrite or cast the expression.";
        return err;
      }
    }
  } else {
    plan->target_columns.clear();  // DEFAULT VALUES
    plan->rows.emplace_back();
  }
  SQL_RETURN_IF_ERROR(
      PlanReturning(s.returning, plan->table, sql, params, &plan->returning, &plan->returning_columns));
  if (s.on_conflict) SQL_RETURN_IF_ERROR(PlanConflict(*s.on_conflict, s.table, plan->table, sql, params, plan.get()));
  SQL_ASSIGN_OR_RETURN(plan->rules, PlanWriteRules(plan->table, params));
  return plan;
}

// UPDATE ... FROM / DELETE ... USING: the target table (scope 0) joined
// with the FROM items under WHERE, their names bound in `ctx` (for SET and
// RETURNING). Its rows are its whole input row, then the target row's key.
static SqlResult<std::shared_ptr<SelectPlan>> PlanDmlJoin(const ast::TableRef& target,
                                                          const std::vector<ast::TableRef>& from,
                                                          const ast::Expr* where, const Catalog& catalog,
                                                          std::string_view sql, Params* params, BindContext& ctx) {
  auto join = std::make_shared<SelectPlan>();
  int width = 0;
  std::vector<std::pair<size_t, int>> using_first;
  SQL_RETURN_IF_ERROR(PlanFromItem(target, catalog, sql, params, ctx, join.get(), &width, &using_first));
  for (const auto& ref : from) {
    SQL_RETURN_IF_ERROR(PlanFromItem(ref, catalog, sql, params, ctx, join.get(), &width, &using_first));
  }
  join->scope = ctx.tables;
  SQL_ASSIGN_OR_RETURN(join->where, BindWhere(where, ctx));
  PushWhereIntoJoins(join.get());
  for (const auto& t : join->scope) {
    for (const auto& c : t.table->columns) {
      auto b = std::make_unique<BoundExpr>();
      b->kind = BoundKind::kSlot;
      b->slot = static_cast<int>(join->targets.size());
      b->type = c.type;
      join->targets.push_back(std::move(b));
      join->columns.push_back(ResultColumn{c.name, c.type});
    }
  }
  join->visible = join->targets.size();
  join->emit_key = true;
  PlanScanColumns(join.get(), width);
  return join;
}

SqlResult<std::unique_ptr<UpdatePlan>> PlanUpdate(const ast::Update& s, const Catalog& catalog, std::string_view sql,
                                                  Params* params) {
  auto plan = std::make_unique<UpdatePlan>();
  SQL_ASSIGN_OR_RETURN(plan->table, ResolveTable(s.table, catalog, sql));
  SQL_RETURN_IF_ERROR(NotAView(*plan->table, "update"));
  const Table& t = *plan->table;
  BindContext ctx;
  ctx.sql = sql;
  ctx.params = params;
  AllowSubqueries(&ctx, catalog, sql, params);
  if (!s.from.empty()) {
    SQL_ASSIGN_OR_RETURN(plan->from, PlanDmlJoin(s.table, s.from, s.where.get(), catalog, sql, params, ctx));
  } else {
    ctx.tables.push_back(ScopeTable{s.table.alias.empty() ? t.name : s.table.alias, plan->table, 0});
  }
  ctx.aggregate_context = "UPDATE";
  SQL_RETURN_IF_ERROR(BindSets(s.sets, t, ctx, sql, &plan->sets));
  if (!plan->from) {
    SQL_ASSIGN_OR_RETURN(plan->where, BindWhere(s.where.get(), ctx));
    plan->point_key = PointKey(t, plan->where.get());
    if (!plan->point_key) plan->point_keys = PointKeys(t, plan->where.get());
    if (!plan->point_key && plan->point_keys.empty()) plan->index_prefix = IndexLookupPrefix(t, plan->where.get());
  }
  SQL_RETURN_IF_ERROR(PlanReturning(s.returning, plan->table, sql, params, &plan->returning,
                                    &plan->returning_columns, plan->from ? &plan->from->scope : nullptr));
  SQL_ASSIGN_OR_RETURN(plan->rules, PlanWriteRules(plan->table, params));
  return plan;
}

SqlResult<std::unique_ptr<DeletePlan>> PlanDelete(const ast::Delete& s, const Catalog& catalog, std::string_view sql,
                                                  Params* params) {
  auto plan = std::make_unique<DeletePlan>();
  SQL_ASSIGN_OR_RETURN(plan->table, ResolveTable(s.table, catalog, sql));
  SQL_RETURN_IF_ERROR(NotAView(*plan->table, "delete from"));
  BindContext ctx;
  ctx.sql = sql;
  ctx.params = params;
  AllowSubqueries(&ctx, catalog, sql, params);
  if (!s.from.empty()) {
    SQL_ASSIGN_OR_RETURN(plan->from, PlanDmlJoin(s.table, s.from, s.where.get(), catalog, sql, params, ctx));
  } else {
    ctx.tables.push_back(ScopeTable{s.table.alias.empty() ? plan->table->name : s.table.alias, plan->table, 0});
    SQL_ASSIGN_OR_RETURN(plan->where, BindWhere(s.where.get(), ctx));
    plan->point_key = PointKey(*plan->table, plan->where.get());
    if (!plan->point_key) plan->point_keys = PointKeys(*plan->table, plan->where.get());
    if (!plan->point_key && plan->point_keys.empty()) {
      plan->index_prefix = IndexLookupPrefix(*plan->table, plan->where.get());
    }
  }
  SQL_RETURN_IF_ERROR(PlanReturning(s.returning, plan->table, sql, params, &plan->returning,
                                    &plan->returning_columns, plan->from ? &plan->from->scope : nullptr));
  return plan;
}

SqlResult<Column> PlanColumn(const ast::ColumnDef& def, const std::string& table, std::string_view sql) {
  Column c;
  c.name = def.name;
  std::string tname = def.type.names.size() == 1 ? def.type.names[0] : "";
  if (tname == "serial" || tname == "serial4" || tname == "bigserial" || tname == "serial8" ||
      tname == "smallserial" || tname == "serial2") {
    // serial: an integer filled from the column's own counter.
    c.type = Type::Of(tname == "bigserial" || tname == "serial8"     ? TypeId::kInt8
                      : tname == "smallserial" || tname == "serial2" ? TypeId::kInt2
                                                                     : TypeId::kInt4);
    c.identity = 'd';
    c.serial = true;
    if (def.default_expr) {
      return MakeError(sqlstate::kSyntaxError,
                       "multiple default values specified for column \"" + def.name + "\" of table \"" +
                           table + "\"",
                       Pos(sql, def.location));
    }
  } else {
    BindContext ctx;
    ctx.sql = sql;
    SQL_ASSIGN_OR_RETURN(c.type, ResolveType(def.type, ctx));
  }
  if (def.identity != 0) {
    if (!IsInteger(c.type.id) || c.identity != 0) {
      return MakeError(sqlstate::kInvalidParameterValue,
                       "identity column type must be smallint, integer, or bigint", Pos(sql, def.location));
    }
    if (def.default_expr) {
      return MakeError(sqlstate::kSyntaxError,
                       "both default and identity specified for column \"" + def.name + "\" of table \"" +
                           table + "\"",
                       Pos(sql, def.location));
    }
    c.identity = def.identity;
  }
  c.not_null = def.not_null || def.primary_key || c.identity != 0;
  SQL_RETURN_IF_ERROR(PlanDefault(def, sql, &c));
  return c;
}

SqlResult<Table> PlanCreateTable(const ast::CreateTable& s, std::string_view sql) {
  Table t;
  t.name = s.table.names.back();
  if (s.table.names.size() > 1 && s.table.names[s.table.names.size() - 2] != "public") {
    return MakeError("3F000", "schema \"" + s.table.names[s.table.names.size() - 2] + "\" does not exist",
                     Pos(sql, s.table.location));
  }
  std::vector<int> pk;
  for (const auto& def : s.columns) {
    if (t.FindColumn(def.name) >= 0) {
      return MakeError(sqlstate::kDuplicateColumn,
                       "column \"" + def.name + "\" specified more than once", Pos(sql, def.location));
    }
    SQL_ASSIGN_OR_RETURN(Column c, PlanColumn(def, t.name, sql));
    if (def.primary_key) {
      if (!pk.empty() || !s.primary_key.empty()) {
        return MakeError(sqlstate::kInvalidTableDefinition,
                         "multiple primary keys for table \"" + t.name + "\" are not allowed",
                         Pos(sql, def.location));
      }
      pk.push_back(static_cast<int>(t.columns.size()));
    }
    t.columns.push_back(std::move(c));
  }
  if (!s.primary_key.empty()) {
    if (!pk.empty()) {
      return MakeError(sqlstate::kInvalidTableDefinition,
                       "multiple primary keys for table \"" + t.name + "\" are not allowed",
                       Pos(sql, s.primary_key_location));
    }
    for (const auto& name : s.primary_key) {
      int c = t.FindColumn(name);
      if (c < 0) {
        return MakeError(sqlstate::kUndefinedColumn, "column \"" + name + "\" named in key does not exist",
                         Pos(sql, s.primary_key_location));
      }
      t.columns[c].not_null = true;
      pk.push_back(c);
    }
  }
  t.primary_key = pk;
  // UNIQUE constraints become unique indexes named as PostgreSQL names
  // them (t_a_b_key, numbered when taken); one that repeats the primary key
  // or an earlier unnamed one is dropped, as PostgreSQL drops it.
  std::vector<int> sorted_pk = pk;
  std::sort(sorted_pk.begin(), sorted_pk.end());
  for (const auto& u : s.uniques) {
    Index idx;
    idx.unique = true;
    idx.constraint = true;
    for (const auto& name : u.columns) {
      int c = t.FindColumn(name);
      if (c < 0) {
        return MakeError(sqlstate::kUndefinedColumn, "column \"" + name + "\" named in key does not exist",
                         Pos(sql, u.location));
      }
      idx.columns.push_back(c);
    }
    std::vector<int> sorted = idx.columns;
    std::sort(sorted.begin(), sorted.end());
    bool repeat = u.name.empty() && sorted == sorted_pk;
    for (const auto& other : t.indexes) repeat = repeat || (u.name.empty() && other.columns == idx.columns);
    if (repeat) continue;
    idx.name = u.name;
    if (idx.name.empty()) {
      std::string base = t.name;
      for (const auto& name : u.columns) base += "_" + name;
      base += "_key";
      idx.name = base;
      for (int n = 1; idx.name == t.PrimaryKeyName() || t.FindIndex(idx.name) != nullptr; n++) {
        idx.name = base + std::to_string(n);
      }
    } else if (t.FindIndex(idx.name) != nullptr || idx.name == t.name) {
      return MakeError(sqlstate::kDuplicateTable, "relation \"" + idx.name + "\" already exists");
    }
    t.indexes.push_back(std::move(idx));
  }
  for (const auto& check : s.checks) {
    SqlStatus st = PlanCheck(check, sql, &t);
    if (!st.ok() && st.error().sqlstate == std::string("42710")) {
      st.error().message = "check constraint \"" + check.name + "\" already exists";
    }
    SQL_RETURN_IF_ERROR(std::move(st));
  }
  return t;
}

namespace {

bool ConstantTree(const BoundExpr& e) {
  switch (e.kind) {
    case BoundKind::kConst: case BoundKind::kCast: case BoundKind::kUnary: case BoundKind::kArith:
    case BoundKind::kConcat: break;
    default: return false;
  }
  for (const auto& a : e.args) {
    if (!ConstantTree(*a)) return false;
  }
  return true;
}

void CollectSlots(const BoundExpr& e, std::vector<int>* slots) {
  if (e.kind == BoundKind::kSlot && std::find(slots->begin(), slots->end(), e.slot) == slots->end()) {
    slots->push_back(e.slot);
  }
  for (const auto& a : e.args) CollectSlots(*a, slots);
  if (e.else_expr) CollectSlots(*e.else_expr, slots);
}

// A stored expression, bound: over `table`'s row when it is given.
SqlResult<BoundPtr> BindStored(const std::string& text, const std::shared_ptr<const Table>& table, Params* params,
                               const char* context) {
  SQL_ASSIGN_OR_RETURN(ast::ExprPtr e, ParseExpression(text));
  std::string sql = "SELECT " + text;
  BindContext ctx;
  ctx.sql = sql;
  ctx.params = params;
  ctx.aggregate_context = context;
  if (table) ctx.tables.push_back(ScopeTable{table->name, table, 0});
  return BindExpr(*e, ctx);
}

}  // namespace

SqlStatus PlanDefault(const ast::ColumnDef& def, std::string_view sql, Column* c) {
  c->has_default = false;
  c->default_per_row = false;
  c->default_sql.clear();
  c->default_value = Value();
  if (!def.default_expr) return SqlStatus::Ok();
  BindContext ctx;
  ctx.sql = sql;
  ctx.aggregate_context = "DEFAULT expressions";
  SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*def.default_expr, ctx));
  Type from = b->type;
  auto coerced = CoerceTo(std::move(b), c->type, false, ctx);
  if (!coerced.ok()) {
    SqlError err = coerced.status().error();
    if (err.sqlstate == sqlstate::kDatatypeMismatch) {
      err.message = "column \"" + def.name + "\" is of type " + TypeName(c->type) +
                    " but default expression is of type " + TypeName(from);
      err.hint = "You will need to rewrite or cast the expression.";
    }
    return err;
  }
  b = std::move(coerced.value());
  c->has_default = true;
  c->default_sql = def.default_sql;
  if (ConstantTree(*b)) {
    auto v = Eval(*b, {});
    if (v.ok()) {
      c->default_value = std::move(v.value());
      return SqlStatus::Ok();
    }
  }
  if (c->default_sql.empty()) {
    return MakeError(sqlstate::kFeatureNotSupported,
                     "this DEFAULT expression cannot be stored by LumaDB yet (column \"" + def.name + "\")",
                     Pos(sql, def.default_expr->location));
  }
  c->default_per_row = true;
  return SqlStatus::Ok();
}

SqlStatus PlanCheck(const ast::CheckDef& def, std::string_view sql, Table* t, BoundPtr* bound, std::string* name) {
  auto table = std::make_shared<const Table>(*t);
  BindContext ctx;
  ctx.sql = sql;
  ctx.aggregate_context = "check constraints";
  ctx.tables.push_back(ScopeTable{t->name, table, 0});
  SQL_ASSIGN_OR_RETURN(BoundPtr b, BindCondition(def.expr.get(), ctx, "CHECK"));
  Check c;
  c.sql = def.sql;
  c.name = def.name;
  if (c.name.empty()) {
    // PostgreSQL's ChooseConstraintName: t_col_check when the expression
    // names one column, t_check otherwise, then t_check1, t_check2, ...
    std::vector<int> slots;
    CollectSlots(*b, &slots);
    std::string base = t->name + (slots.size() == 1 ? "_" + t->columns[slots[0]].name : "") + "_check";
    c.name = base;
    for (int n = 1; t->FindCheck(c.name) != nullptr || t->FindIndex(c.name) != nullptr; n++) {
      c.name = base + std::to_string(n);
    }
  } else if (t->FindCheck(c.name) != nullptr || t->FindIndex(c.name) != nullptr || c.name == t->PrimaryKeyName()) {
    return MakeError("42710", "constraint \"" + c.name + "\" for relation \"" + t->name + "\" already exists");
  }
  auto at = std::lower_bound(t->checks.begin(), t->checks.end(), c.name,
                             [](const Check& x, const std::string& name) { return x.name < name; });
  if (name != nullptr) *name = c.name;
  t->checks.insert(at, std::move(c));
  if (bound != nullptr) *bound = std::move(b);
  return SqlStatus::Ok();
}

SqlResult<std::vector<int>> StoredExpressionColumns(const std::string& sql, const std::shared_ptr<const Table>& t) {
  SQL_ASSIGN_OR_RETURN(BoundPtr b, BindStored(sql, t, nullptr, "check constraints"));
  std::vector<int> slots;
  CollectSlots(*b, &slots);
  return slots;
}

int MatchingUniqueKey(const Table& ref, const std::vector<int>& ref_columns) {
  std::vector<int> want = ref_columns;
  std::sort(want.begin(), want.end());
  std::vector<int> pk = ref.primary_key;
  std::sort(pk.begin(), pk.end());
  if (!pk.empty() && pk == want) return kPrimaryKey;
  for (size_t i = 0; i < ref.indexes.size(); i++) {
    if (!ref.indexes[i].unique) continue;
    std::vector<int> cols = ref.indexes[i].columns;
    std::sort(cols.begin(), cols.end());
    if (cols == want) return static_cast<int>(i);
  }
  return kNoUniqueKey;
}

namespace {

// Types a foreign key can compare (PostgreSQL needs an equality operator
// between them): the same type, or both numbers, or both strings.
bool KeyTypesCompatible(const Type& a, const Type& b) {
  if (a.id == b.id) return true;
  auto number = [](TypeId id) { return IsInteger(id) || id == TypeId::kNumeric || id == TypeId::kFloat4 || id == TypeId::kFloat8; };
  auto string = [](TypeId id) { return id == TypeId::kText || id == TypeId::kVarchar || id == TypeId::kBpchar; };
  return (number(a.id) && number(b.id)) || (string(a.id) && string(b.id));
}

}  // namespace

SqlStatus PlanForeignKey(const ast::ForeignKeyDef& def, std::string_view sql, const Catalog& catalog, Table* t,
                         bool creating) {
  const std::string& ref_name = def.ref_table.names.back();
  std::shared_ptr<const Table> ref;
  bool self = ref_name == t->name && (creating || catalog.Find(ref_name) != nullptr);
  if (self) {
    ref = std::make_shared<const Table>(*t);
  } else {
    SQL_ASSIGN_OR_RETURN(ref, ResolveTable(def.ref_table, catalog, sql));
  }
  ForeignKey fk;
  fk.on_update = def.on_update;
  fk.on_delete = def.on_delete;
  fk.match = def.match;
  fk.ref_table = self && creating ? 0 : ref->oid;
  for (const auto& name : def.columns) {
    int c = t->FindColumn(name);
    if (c < 0) {
      return MakeError(sqlstate::kUndefinedColumn, "column \"" + name + "\" referenced in foreign key constraint does not exist");
    }
    fk.columns.push_back(c);
  }
  std::vector<int> ref_cols;
  if (def.ref_columns.empty()) {
    if (ref->primary_key.empty()) {
      return MakeError(sqlstate::kUndefinedObject, "there is no primary key for referenced table \"" + ref->name + "\"");
    }
    ref_cols = ref->primary_key;
  } else {
    for (const auto& name : def.ref_columns) {
      int c = ref->FindColumn(name);
      if (c < 0) {
        return MakeError(sqlstate::kUndefinedColumn,
                         "column \"" + name + "\" referenced in foreign key constraint does not exist");
      }
      ref_cols.push_back(c);
    }
  }
  if (ref_cols.size() != fk.columns.size()) {
    return MakeError("42830", "number of referencing and referenced columns for foreign key disagree");
  }
  if (MatchingUniqueKey(*ref, ref_cols) == kNoUniqueKey) {
    return MakeError("42830", "there is no unique constraint matching given keys for referenced table \"" +
                                  ref->name + "\"");
  }
  fk.name = def.name;
  if (fk.name.empty()) {
    // PostgreSQL's ChooseConstraintName(table, columns joined by _, "fkey").
    std::string base = t->name;
    for (const auto& c : def.columns) base += "_" + c;
    base += "_fkey";
    fk.name = base;
    for (int n = 1; t->FindForeignKey(fk.name) != nullptr || t->FindCheck(fk.name) != nullptr ||
                    t->FindIndex(fk.name) != nullptr;
         n++) {
      fk.name = base + std::to_string(n);
    }
  } else if (t->FindForeignKey(fk.name) != nullptr || t->FindCheck(fk.name) != nullptr ||
             t->FindIndex(fk.name) != nullptr) {
    return MakeError("42710", "constraint \"" + fk.name + "\" for relation \"" + t->name + "\" already exists");
  }
  for (size_t i = 0; i < ref_cols.size(); i++) {
    const Column& a = t->columns[fk.columns[i]];
    const Column& b = ref->columns[ref_cols[i]];
    if (!KeyTypesCompatible(a.type, b.type)) {
      SqlError e = MakeError(sqlstate::kDatatypeMismatch,
                             "foreign key constraint \"" + fk.name + "\" cannot be implemented");
      e.detail = "Key columns \"" + a.name + "\" and \"" + b.name + "\" are of incompatible types: " +
                 TypeName(a.type) + " and " + TypeName(b.type) + ".";
      return e;
    }
    fk.ref_attnums.push_back(creating && self ? ref_cols[i] + 1 : b.attnum);
  }
  t->foreign_keys.push_back(std::move(fk));
  return SqlStatus::Ok();
}

SqlResult<std::shared_ptr<const WriteRules>> PlanWriteRules(const std::shared_ptr<const Table>& table,
                                                           Params* params) {
  const Table& t = *table;
  bool any = !t.checks.empty();
  for (const auto& c : t.columns) any = any || c.default_per_row;
  if (!any) return std::shared_ptr<const WriteRules>();
  auto rules = std::make_shared<WriteRules>();
  for (size_t i = 0; i < t.columns.size(); i++) {
    const Column& c = t.columns[i];
    if (!c.default_per_row) continue;
    SQL_ASSIGN_OR_RETURN(BoundPtr b, BindStored(c.default_sql, nullptr, params, "DEFAULT expressions"));
    BindContext ctx;
    SQL_ASSIGN_OR_RETURN(b, CoerceTo(std::move(b), c.type, false, ctx));
    rules->defaults.emplace_back(static_cast<int>(i), std::move(b));
  }
  for (const auto& c : t.checks) {
    SQL_ASSIGN_OR_RETURN(BoundPtr b, BindStored(c.sql, table, params, "check constraints"));
    rules->checks.emplace_back(c.name, std::move(b));
  }
  return std::shared_ptr<const WriteRules>(std::move(rules));
}

}  // namespace lumadb::engine::sql

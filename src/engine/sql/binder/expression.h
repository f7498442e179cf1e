#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/sql/catalog/catalog.h"
#include "engine/sql/common/error.h"
#include "engine/sql/parser/ast.h"
#include "engine/sql/types/types.h"

// Bound expressions: names resolved to column slots, types decided with
// PostgreSQL's rules for the supported types (unknown literals take the
// other operand's type, integers widen, any float makes float8), and the
// evaluator over one row of values.
namespace lumadb::engine::sql {

enum class BoundKind : uint8_t {
  kConst, kSlot, kUnary, kArith, kCompare, kAnd, kOr, kNot, kIsNull, kIsBool, kCast, kCase, kIn,
  kLike, kCoalesce, kNullIf, kMinMax, kConcat, kFunc,
  // An uncorrelated subquery, run once before the statement's rows (see
  // RunSubqueries in the executor): op "EXISTS", "SCALAR", "ANY" or "ALL";
  // for ANY/ALL args[0] is the comparison, whose right side stands for
  // each value the subquery returned.
  kSubquery,
  // A column of an enclosing query's row, from a correlated subquery: slot
  // in that row, param = how many queries out (1 = the one just outside).
  kOuterRef,
  // ARRAY[args] (each already of the element type).
  kArrayCtor,
  // args[0][args[1]] (type: the element), or the slice args[0][args[1]:args[2]] (op ":").
  kSubscript,
  // x op ANY|ALL (array): op "ANY"/"ALL", args[0] the comparison (whose right
  // side stands for each element, as for kSubquery), args[1] the array.
  kAnyArray,
};

struct ScalarFunction;
struct SelectPlan;

struct BoundExpr {
  BoundKind kind = BoundKind::kConst;
  const ScalarFunction* func = nullptr;  // kFunc: a function of binder/functions.h
  int param = 0;    // kConst standing for parameter $param (while describing)
  Type type;
  Value value;      // kConst
  int slot = -1;    // kSlot: index into the row
  std::string op;   // operator or function name
  bool negated = false;
  bool has_operand = false;
  bool explicit_cast = false;
  int location = -1;
  std::vector<std::unique_ptr<BoundExpr>> args;
  std::unique_ptr<BoundExpr> else_expr;
  std::shared_ptr<SelectPlan> subplan;  // kSubquery
  bool correlated = false;               // kSubquery: refers to the outer row, runs per row
  // kSubquery: the subquery's values once it has run (EXISTS: one per row).
  mutable std::shared_ptr<std::vector<Value>> sub_values;
};
using BoundPtr = std::unique_ptr<BoundExpr>;

// One FROM item as the binder sees it: its name (alias or table name) and columns.
struct ScopeTable {
  ScopeTable() = default;
  ScopeTable(std::string n, std::shared_ptr<const Table> t, int first)
      : name(std::move(n)), table(std::move(t)), first_slot(first) {}

  std::string name;
  std::shared_ptr<const Table> table;
  int first_slot = 0;
  // Columns a JOIN ... USING / NATURAL JOIN merged into the other side's
  // column of the same name: an unqualified name does not find them here.
  std::vector<bool> merged;
  bool Merged(int c) const { return c < static_cast<int>(merged.size()) && merged[c]; }
  // A function of one result column in FROM: its alias names that column too.
  bool scalar_function = false;
};

// One ORDER BY key of an aggregate or a window.
struct SortExpr {
  BoundPtr expr;
  bool desc = false;
  bool nulls_first = false;
};

struct AggregateCall {
  std::string name;  // count, sum, min, max, avg, bool_and, bool_or, string_agg
  bool star = false;
  bool distinct = false;
  BoundPtr arg;      // bound against the input row
  BoundPtr arg2;     // string_agg's delimiter
  BoundPtr filter;   // FILTER (WHERE ...): rows it is not true for are skipped
  std::vector<SortExpr> order;  // agg(... ORDER BY ...): the order string_agg joins in
  Type type;         // result type
};

// A window function call (f(...) OVER (...)). Its arguments, PARTITION BY
// and ORDER BY are bound against the row window functions see: the input
// row, or the aggregated row when the query groups. Its value is the slot
// kWindowSlotBase + its index until the planner, which knows that row's
// width, moves it to just past the row.
inline constexpr int kWindowSlotBase = 1 << 24;
struct WindowCall {
  std::string name;       // row_number, rank, lag, ..., or an aggregate's name
  std::vector<BoundPtr> args;
  bool aggregate = false;  // count, sum, ...: `agg` says how
  AggregateCall agg;
  std::vector<BoundPtr> partition;
  using Order = SortExpr;
  std::vector<Order> order;
  int frame_options = 0;  // ast::frame bits, resolved to PostgreSQL's defaults
  BoundPtr start_offset, end_offset;
  Type type;
};

// A set-returning function called in the select list (SELECT unnest(a)):
// the planner runs it as a function in FROM over each row (see
// BindContext::srfs).
struct SrfCall {
  std::string name;
  std::vector<BoundPtr> args;
  Type type;
};

// The parameters ($1, $2, ...) of a prepared statement. While describing
// (bound = false) a parameter binds as a typed NULL placeholder, and one of
// unknown type takes the type its context gives it (`id = $1` makes $1 the
// type of id), as PostgreSQL infers parameter types; `types` grows to the
// highest $n used. When executing (bound = true) each parameter binds as the
// constant in `values`.
// `allowed` = false (a simple query) makes any $n an error. `now_us` is the
// transaction's start (microseconds since 2000-01-01 UTC) that now() and
// CURRENT_TIMESTAMP bind to; 0 = read the clock when evaluated.
struct Params {
  std::vector<Type> types;
  std::vector<Value> values;
  bool bound = false;
  bool allowed = true;
  int64_t now_us = 0;
  std::string user;  // the session's user, for current_user & co. (empty: postgres)
};

// Name resolution context. With `aggregating` set, aggregate calls are
// collected into `aggregates` and become slots after the group keys
// (groups.size() + i), and columns must be grouped.
struct BindContext {
  std::vector<ScopeTable> tables;
  std::string_view sql;        // the whole query string
  Params* params = nullptr;    // null: $n is an error
  bool aggregating = false;
  bool allow_aggregates = false;
  const char* aggregate_context = "";  // "WHERE", "VALUES", ... for the 42803 error
  std::vector<const ast::Expr*> group_exprs;
  std::vector<BoundPtr>* group_bound = nullptr;
  std::vector<AggregateCall>* aggregates = nullptr;
  // GROUP BY ROLLUP/CUBE/GROUPING SETS (SelectPlan::grouping_sets), for GROUPING().
  const std::vector<std::vector<bool>>* grouping_sets = nullptr;
  // Where window function calls go (null: they are not allowed here), and
  // the query's WINDOW clause for OVER w.
  std::vector<WindowCall>* windows = nullptr;
  const std::vector<std::shared_ptr<ast::WindowSpec>>* named_windows = nullptr;
  // Plans a subquery and gives its result columns' types (set by the
  // planner; null: subqueries are refused). The subquery resolves names it
  // does not have in `outer` (this context), and sets *correlated if it did.
  std::function<SqlResult<std::shared_ptr<SelectPlan>>(const ast::Select&, std::vector<Type>* columns,
                                                       BindContext* outer, bool* correlated)>
      plan_subquery;
  // Inside a subquery: the enclosing query's context, and the flag to set
  // when a name resolves there.
  BindContext* outer = nullptr;
  bool* correlated = nullptr;
  // Where set-returning functions of the select list go (null: they are not
  // allowed here); each reads as the slot srf_first_slot + its index.
  std::vector<SrfCall>* srfs = nullptr;
  int srf_first_slot = 0;

  int Position(int location) const;
};

SqlResult<BoundPtr> BindExpr(const ast::Expr& e, BindContext& ctx);
// A NULL or string literal whose type its context is still to decide.
inline bool Untyped(const BoundExpr& b) { return b.type.id == TypeId::kUnknown || b.type.id == TypeId::kNull; }
// True when the expression contains an aggregate call.
bool HasAggregate(const ast::Expr& e);
// PostgreSQL's output column name for a select item without an alias.
std::string OutputName(const ast::Expr& e);
// Coerces a bound expression to `to` (assignment or explicit rules).
// Whether a value of type `from` may be stored in a column of type `to`
// (PostgreSQL's implicit and assignment casts; unknown literals always).
bool AssignableTo(const Type& from, const Type& to);
SqlResult<BoundPtr> CoerceTo(BoundPtr e, const Type& to, bool explicit_cast, const BindContext& ctx);
// The common type of CASE results, COALESCE, IN lists, VALUES columns:
// PostgreSQL's select_common_type for the supported types (text when all are
// unknown). `construct` names it in the 42804 error ("CASE", "VALUES").
SqlResult<Type> CommonType(const std::vector<const BoundExpr*>& items, const char* construct, const BindContext& ctx);
// A structural key of an expression as written: equal keys, equal expressions
// (GROUP BY matching, DISTINCT's ORDER BY check).
std::string Fingerprint(const ast::Expr& e);
// Resolves a type name as written (int, varchar(10), pg_catalog.int4, ...).
SqlResult<Type> ResolveType(const ast::TypeRef& t, const BindContext& ctx);

SqlResult<Value> Eval(const BoundExpr& e, const std::vector<Value>& row);
// Eval without a copy where there is a value to point at: *out is the
// row's value for a slot, the constant for a constant, else *tmp, which
// gets the evaluated value.
SqlStatus EvalRef(const BoundExpr& e, const std::vector<Value>& row, Value* tmp, const Value** out);

// Runs the plan of a correlated subquery for Eval (the executor installs
// one, for its transaction, while a statement runs on this thread).
class SubqueryRunner {
 public:
  virtual ~SubqueryRunner() = default;
  virtual SqlResult<std::vector<std::vector<Value>>> Run(const SelectPlan& plan) = 0;
};
// Installs `r` for this thread and returns the one it replaces.
SubqueryRunner* SetSubqueryRunner(SubqueryRunner* r);
// Runs `plan` (planned with an outer context) with `outer` as the row its
// outer references read, through the installed runner: a LATERAL subquery.
SqlResult<std::vector<std::vector<Value>>> RunWithOuterRow(const SelectPlan& plan, const std::vector<Value>& outer);
// What a kSubquery node keeps of its subquery's rows (EXISTS: one value
// per row; SCALAR: at most one, 21000 for more; ANY/ALL: the first column,
// cast to the comparison's type).
SqlResult<std::shared_ptr<std::vector<Value>>> SubqueryValues(const BoundExpr& e,
                                                              std::vector<std::vector<Value>> rows);
// WHERE/HAVING semantics: NULL counts as false.
SqlResult<bool> EvalPredicate(const BoundExpr& e, const std::vector<Value>& row);

}  // namespace lumadb::engine::sql

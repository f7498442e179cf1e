#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/binder/expression.h"
#include "engine/sql/catalog/catalog.h"
#include "engine/sql/common/error.h"
#include "engine/sql/parser/ast.h"

// Plans: statements with every name resolved against the catalog and every
// expression bound, in the shape the executor runs them. Planning reads the
// catalog only; it never touches rows.
namespace lumadb::engine::sql {

// One column of a result, as RowDescription describes it.
struct ResultColumn {
  std::string name;
  Type type;
  uint32_t table_oid = 0;  // the column's table when the output is a plain column
  int16_t column = 0;      // its 1-based attribute number, else 0
};

struct SortKey {
  int target = 0;  // index into SelectPlan::targets
  bool desc = false;
  bool nulls_first = false;
};

struct SelectPlan {
  // A LATERAL subquery in FROM that reads the row of the FROM items before
  // it (as outer references): it runs again for each of those rows.
  bool lateral = false;
  // FROM: the rows are the cross product of these tables' rows, laid end to
  // end (ScopeTable::first_slot). Empty = one row of no columns.
  std::vector<ScopeTable> scope;
  // For each scope entry, the plan of a subquery in FROM (or a WITH query)
  // whose rows stand for it; null for a stored table.
  std::vector<std::shared_ptr<SelectPlan>> derived;
  // ... or of a function in FROM (binder/table_functions.h); null for other
  // entries.
  struct Function {
    std::string name;
    // Bound over the row of the FROM items before it: `lateral` when they
    // read it (the function then runs again for each of those rows).
    std::vector<BoundPtr> args;
    bool lateral = false;
    bool ordinality = false;  // WITH ORDINALITY: a bigint column numbering the rows
    // Several set-returning functions of one select list, run in lock step
    // (PostgreSQL's ProjectSet): row i has each function's i-th value, NULL
    // past a function's last row, until the longest is done. `args` holds
    // every call's arguments, `arg_counts` how many are each call's.
    std::vector<std::string> zipped;
    std::vector<size_t> arg_counts;
  };
  std::vector<std::shared_ptr<Function>> functions;
  // joins[k] joins scope[k] to the rows of scope[0..k-1] (joins[0] unused):
  // its kind and ON condition over the row so far.
  struct Join {
    ast::JoinKind kind = ast::JoinKind::kCross;
    BoundPtr on;
  };
  std::vector<Join> joins;
  BoundPtr where;  // over the input row
  // Set when WHERE fixes every primary-key column of the only FROM table to a
  // constant: the one row key to read instead of scanning (WHERE still applies).
  std::optional<std::string> point_key;
  // Else, when WHERE is (or ANDs) `pk IN (constants)` or `pk = ANY(constant
  // array)` over a one-column primary key: the row keys to read, in key order.
  std::vector<std::string> point_keys;
  // Else, when WHERE fixes the leading columns of a secondary index: the
  // index entries under this prefix name the rows to read (WHERE still applies).
  std::optional<std::string> index_prefix;
  // For each scope entry that is a stored table, the columns the query
  // reads (the others are not decoded); empty = all of them.
  std::vector<std::vector<bool>> scan_columns;
  // Grouping: the row after aggregation is the group keys then the aggregates.
  bool aggregating = false;
  std::vector<BoundPtr> groups;
  // ROLLUP / CUBE / GROUPING SETS: for each set, which group keys it keeps
  // (the others are NULL in its rows); the last group key is then the set's
  // number, filled in by the executor.
  std::vector<std::vector<bool>> grouping_sets;
  std::vector<AggregateCall> aggregates;
  BoundPtr having;  // over the aggregated row
  // Window function calls: computed over the rows that pass WHERE (or
  // HAVING), each row then extended by their values, which the targets read.
  std::vector<WindowCall> windows;
  // Output expressions (over the input row, or the aggregated row), the
  // first `visible` of which are the result; the rest are ORDER BY keys.
  std::vector<BoundPtr> targets;
  size_t visible = 0;
  std::vector<ResultColumn> columns;
  std::vector<SortKey> sort;
  bool distinct = false;
  // DISTINCT ON: the targets whose values keep only the first row of each
  // group, after the sort (which starts with them).
  std::vector<int> distinct_on;
  // FOR UPDATE/SHARE: each row that passes WHERE is locked before it is
  // returned (every strength takes the exclusive row lock for now).
  ast::RowLockWait row_lock = ast::RowLockWait::kNone;
  // UPDATE ... FROM / DELETE ... USING's join: each output row ends with
  // the key of the row of scope[0] (a stored table) it came from.
  bool emit_key = false;
  BoundPtr limit;   // constant expressions; null = none
  BoundPtr offset;
  // A VALUES query: one list of targets per row (no scope).
  std::vector<std::vector<BoundPtr>> values;
  // A set operation: the rows of set_left UNION|INTERSECT|EXCEPT [ALL]
  // set_right, cast to `columns`' types (no scope), then sort and limit.
  std::string set_op;
  bool set_all = false;
  std::shared_ptr<SelectPlan> set_left, set_right;
  // WITH RECURSIVE: set_left (the non-recursive term) gives the first rows;
  // set_right (the recursive term) runs again over the rows the previous
  // run added, which it reads from `work`, until it adds none (UNION drops
  // rows seen before; set_all = UNION ALL keeps them).
  bool recursive = false;
  std::shared_ptr<std::vector<std::vector<Value>>> work;
  // For each scope entry: the working rows of the recursive query it refers
  // to from inside its recursive term; null for other entries.
  std::vector<std::shared_ptr<std::vector<std::vector<Value>>>> working;

  // Whether scope entry t is a stored table (not a subquery, view,
  // function or working table).
  bool Stored(size_t t) const {
    return !(t < derived.size() && derived[t] != nullptr) && !(t < functions.size() && functions[t] != nullptr) &&
           !(t < working.size() && working[t] != nullptr);
  }
};

// What writing a row to a table evaluates besides NOT NULL, bound from the
// catalog's text: the defaults that are not constants (over no row) and the
// CHECK constraints (predicates over the table's row, in name order).
struct WriteRules {
  std::vector<std::pair<int, BoundPtr>> defaults;
  std::vector<std::pair<std::string, BoundPtr>> checks;
};

struct InsertPlan {
  std::shared_ptr<const Table> table;
  std::shared_ptr<const WriteRules> rules;  // null: none
  // For each source value, the table column it goes to.
  std::vector<int> target_columns;
  // VALUES rows, each expression already coerced to its column's type (a
  // null pointer for DEFAULT: the column's default or serial value) ...
  std::vector<std::vector<BoundPtr>> rows;
  // ... or a query whose values are cast to the columns' types.
  std::unique_ptr<SelectPlan> query;
  std::vector<BoundPtr> returning;  // over the inserted row
  std::vector<ResultColumn> returning_columns;
  // ON CONFLICT on the primary key or a unique index: skip the row (DO NOTHING) or update the
  // existing one, with expressions over the existing row followed by the
  // proposed one (EXCLUDED).
  struct Conflict {
    // The arbiter: kPrimaryKey, an index of the table's `indexes`, or (DO
    // NOTHING without a target) any unique constraint.
    static constexpr int kPrimaryKey = -1;
    static constexpr int kAny = -2;
    int arbiter = kPrimaryKey;
    bool update = false;
    std::vector<std::pair<int, BoundPtr>> sets;
    BoundPtr where;
  };
  std::unique_ptr<Conflict> on_conflict;
};

struct UpdatePlan {
  std::shared_ptr<const Table> table;
  std::shared_ptr<const WriteRules> rules;  // null: none
  std::vector<std::pair<int, BoundPtr>> sets;  // column, new value over the old row
  // UPDATE ... FROM: the join of the table with the FROM items under WHERE
  // (SelectPlan::emit_key); `sets` and `returning` are then over its row
  // (the table's columns first), and where/point_key/... are unused.
  std::shared_ptr<SelectPlan> from;
  BoundPtr where;
  std::optional<std::string> point_key;  // as SelectPlan::point_key
  std::vector<std::string> point_keys;   // as SelectPlan::point_keys
  std::optional<std::string> index_prefix;  // as SelectPlan::index_prefix
  std::vector<BoundPtr> returning;  // over the new row
  std::vector<ResultColumn> returning_columns;
};

struct DeletePlan {
  std::shared_ptr<const Table> table;
  // DELETE ... USING: as UpdatePlan::from (`returning` over its row).
  std::shared_ptr<SelectPlan> from;
  BoundPtr where;
  std::optional<std::string> point_key;  // as SelectPlan::point_key
  std::vector<std::string> point_keys;   // as SelectPlan::point_keys
  std::optional<std::string> index_prefix;  // as SelectPlan::index_prefix
  std::vector<BoundPtr> returning;  // over the deleted row
  std::vector<ResultColumn> returning_columns;
};

// `sql` is the whole query string (error positions are relative to it);
// `params` gives $n their types or values (see Params).
SqlResult<std::unique_ptr<SelectPlan>> PlanSelect(const ast::Select& s, const Catalog& catalog, std::string_view sql,
                                                  Params* params = nullptr);
SqlResult<std::unique_ptr<InsertPlan>> PlanInsert(const ast::Insert& s, const Catalog& catalog, std::string_view sql,
                                                  Params* params = nullptr);
SqlResult<std::unique_ptr<UpdatePlan>> PlanUpdate(const ast::Update& s, const Catalog& catalog, std::string_view sql,
                                                  Params* params = nullptr);
SqlResult<std::unique_ptr<DeletePlan>> PlanDelete(const ast::Delete& s, const Catalog& catalog, std::string_view sql,
                                                  Params* params = nullptr);
// CREATE TABLE as a catalog entry (types resolved, defaults folded to
// constants where they are, CHECK constraints checked and named).
SqlResult<Table> PlanCreateTable(const ast::CreateTable& s, std::string_view sql);

// The table's WriteRules (null when it has no per-row default and no
// CHECK); `params` gives now() the transaction's time.
SqlResult<std::shared_ptr<const WriteRules>> PlanWriteRules(const std::shared_ptr<const Table>& table,
                                                           Params* params);

// A column definition of table `table` as a catalog column (serial types,
// identity, NOT NULL, DEFAULT); its constraints are the caller's.
SqlResult<Column> PlanColumn(const ast::ColumnDef& def, const std::string& table, std::string_view sql);
// Column `def`'s DEFAULT on `col` (whose type is set): a constant, or the
// expression's text to evaluate per row. The error names the column.
SqlStatus PlanDefault(const ast::ColumnDef& def, std::string_view sql, Column* col);
// Adds CHECK `def` to `t` (named as PostgreSQL names it when unnamed, 42710
// for a name the table has); `bound` (optional) gets its predicate over t's row.
SqlStatus PlanCheck(const ast::CheckDef& def, std::string_view sql, Table* t, BoundPtr* bound = nullptr,
                    std::string* name = nullptr);
// Adds FOREIGN KEY `def` to `t` after PostgreSQL's checks: the referenced
// table exists (or is `t` itself) and has a primary key or unique
// constraint on exactly the referenced columns, of comparable types.
// `creating`: t is in CREATE TABLE (no OID yet; attnums are positions).
SqlStatus PlanForeignKey(const ast::ForeignKeyDef& def, std::string_view sql, const Catalog& catalog, Table* t,
                         bool creating);
// The referenced table's unique constraint that a foreign key's
// referenced columns (`ref_columns`, indexes into ref's columns) match:
// kPrimaryKey, an index of ref.indexes, or kNone.
inline constexpr int kPrimaryKey = -1;
inline constexpr int kNoUniqueKey = -2;
int MatchingUniqueKey(const Table& ref, const std::vector<int>& ref_columns);
// The columns (indexes into t.columns) a stored expression over t's row refers to.
SqlResult<std::vector<int>> StoredExpressionColumns(const std::string& sql, const std::shared_ptr<const Table>& t);
// A bound predicate or condition: `what` names it in the 42804 error
// ("WHERE", "CHECK constraint").
SqlResult<BoundPtr> BindCondition(const ast::Expr* cond, BindContext& ctx, const char* what);

// 0A000 "cannot <verb> view" when `t` is a view (rows are written to tables only).
SqlStatus NotAView(const Table& t, const char* verb);
// The table a statement names, or 42P01 at its position.
SqlResult<std::shared_ptr<const Table>> ResolveTable(const ast::TableRef& ref, const Catalog& catalog,
                                                     std::string_view sql);

}  // namespace lumadb::engine::sql

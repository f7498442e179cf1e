#pragma once

#include <cstdint>
#include <vector>

#include "engine/sql/catalog/catalog.h"
#include "engine/sql/common/error.h"
#include "engine/sql/planner/planner.h"
#include "engine/sql/txn/txn.h"
#include "engine/sql/types/types.h"

// Runs plans inside a transaction. Rows flow from the scan in batches of
// kBatchRows through filter, aggregation, sort, distinct and limit.
namespace lumadb::engine::sql {

using Row = std::vector<Value>;
inline constexpr size_t kBatchRows = 1024;

// Internal SQLSTATEs (never sent to a client): the statement met a row lock
// held by another transaction and must be retried once that ends
// (kWaitForLock), or must be re-run on a fresh snapshot (kRestart).
namespace sqlstate {
inline constexpr const char* kWaitForLock = "$WAIT";
inline constexpr const char* kRestart = "$RSTR";
inline constexpr const char* kDeadlockDetected = "40P01";
}  // namespace sqlstate

struct DmlResult {
  uint64_t count = 0;
  std::vector<Row> returning;
};

// The row INSERT writes: `values[i]` (moved from) goes to column
// target_columns[i], cast to its type; the other columns get their defaults
// (constants, or the per-row ones of `rules`) and serial values.
// `use_default` (optional) marks the values written as DEFAULT, which get
// the column's default as if the column had not been listed.
SqlStatus BuildRow(const Table& t, const std::vector<int>& target_columns, Row& values, Txn* txn, Catalog* catalog,
                   const WriteRules* rules, Row* row, const std::vector<bool>* use_default = nullptr);
// Writes a built row after INSERT's checks (NOT NULL, CHECK, duplicate key).
SqlStatus InsertBuiltRow(const Table& t, Row& row, Txn* txn, Catalog* catalog, const WriteRules* rules);
// NOT NULL, then the CHECK constraints of `rules` (23514 naming the first
// that fails), over a row about to be written.
SqlStatus CheckRow(const Table& t, const Row& row, const WriteRules* rules);

SqlStatus ExecuteSelect(const SelectPlan& plan, Txn* txn, std::vector<Row>* out);
// The equality conjuncts of the ON of scope entry t that its hash join uses,
// as (expression over the rows before it, expression over its row); empty
// when the join is a nested loop.
std::vector<std::pair<const BoundExpr*, const BoundExpr*>> HashJoinKeys(const SelectPlan& plan, size_t t);
SqlResult<DmlResult> ExecuteInsert(const InsertPlan& plan, Txn* txn, Catalog* catalog);
// Writes run the FOREIGN KEY checks and actions (foreign_keys.h) of their rows before they return.
SqlResult<DmlResult> ExecuteUpdate(const UpdatePlan& plan, Txn* txn, Catalog* catalog);
SqlResult<DmlResult> ExecuteDelete(const DeletePlan& plan, Txn* txn, Catalog* catalog);

}  // namespace lumadb::engine::sql

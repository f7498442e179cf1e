#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/catalog/catalog.h"
#include "engine/sql/common/error.h"
#include "engine/sql/execution/copy_format.h"
#include "engine/sql/parser/ast.h"
#include "engine/sql/planner/planner.h"

// COPY ... FROM STDIN and COPY ... TO STDOUT over the text and CSV formats:
// planning (table, columns, options), formatting rows out, and loading rows
// in as the client's data arrives.
namespace lumadb::engine::sql {

class Txn;

struct CopyPlan {
  bool from = false;
  std::shared_ptr<const Table> table;  // FROM: the target table
  std::shared_ptr<const WriteRules> rules;  // FROM: its per-row defaults and CHECKs (null: none)
  std::vector<int> columns;            // FROM: the target columns, in data order
  std::unique_ptr<SelectPlan> query;   // TO: the rows (a table's as SELECT cols FROM t)
  CopyOptions options;
  std::vector<bool> force_quote;               // TO: per output column
  std::vector<bool> force_not_null, force_null;  // FROM: per data column
  std::string relation;  // the name CONTEXT lines use ("COPY t, line 3")
};

// Checks a COPY statement as PostgreSQL does (STDIN/STDOUT only; files and
// programs are refused).
SqlResult<CopyPlan> PlanCopy(const ast::Copy& c, const Catalog& catalog, std::string_view sql, Params* params);

// COPY TO: the rows as COPY data (one row per string, with its newline; a
// header row first when asked).
SqlResult<uint64_t> ExecuteCopyTo(const CopyPlan& plan, Txn* txn, std::vector<std::string>* rows);

// COPY FROM: rows are parsed and inserted as data arrives. The first error
// ends the load (the caller rolls the statement back).
class CopyFromRun {
 public:
  CopyFromRun(CopyPlan plan, Txn* txn, Catalog* catalog);
  SqlStatus Feed(std::string_view data);
  // The end of the data: the last row, then the number of rows loaded.
  SqlResult<uint64_t> Finish();

 private:
  SqlStatus Drain();
  SqlStatus InsertFields(std::vector<std::optional<std::string>>& fields);
  SqlError WithContext(SqlError e, int column) const;

  CopyPlan plan_;
  Txn* txn_;
  Catalog* catalog_;
  CopyReader reader_;
  uint64_t count_ = 0;
  std::vector<std::optional<std::string>> fields_;
  std::vector<Value> values_;
  std::vector<Value> row_;
};

}  // namespace lumadb::engine::sql

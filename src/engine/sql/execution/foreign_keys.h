#pragma once

#include <memory>
#include <vector>

#include "engine/sql/catalog/catalog.h"
#include "engine/sql/common/error.h"
#include "engine/sql/txn/txn.h"
#include "engine/sql/types/types.h"

// FOREIGN KEY enforcement, run when a statement has written its rows (as
// PostgreSQL's RI triggers fire after the statement):
// - each row written to a referencing table must find its key in the
//   referenced table, whose row is then locked until this transaction ends
//   (so it cannot be deleted under it; a concurrent delete waits);
// - each referenced row deleted, or whose key changed, gets its
//   constraints' actions on the rows referencing it: NO ACTION and RESTRICT
//   fail with 23503, CASCADE deletes or updates them, SET NULL and SET
//   DEFAULT set their key columns (and those writes cascade in turn).
// Reads see the newest committed rows and this transaction's own writes.
namespace lumadb::engine::sql {

class ForeignKeyChecks {
 public:
  using Row = std::vector<Value>;
  ForeignKeyChecks(Txn* txn, Catalog* catalog) : txn_(txn), catalog_(catalog) {}

  // Whether writes to `t` need any of this (it references or is referenced).
  static bool Needed(const Table& t, const Catalog& catalog);

  // A row written to `t`: inserted (old null) or updated from `old`.
  void Written(const std::shared_ptr<const Table>& t, const Row* old, const Row& row);
  // A row of `t` deleted (row null) or updated to `row`.
  void Changed(const std::shared_ptr<const Table>& t, const Row& old, const Row* row);
  // Runs the actions, then the checks.
  SqlStatus Finish();
  // Checks without locking the referenced rows (validating existing rows for
  // ALTER TABLE ... ADD FOREIGN KEY, which cannot wait for a lock).
  void set_lock_referenced(bool lock) { lock_referenced_ = lock; }

 private:
  struct Event {
    std::shared_ptr<const Table> table;
    Row old, row;
    bool has_old = false, has_row = false;
  };
  SqlStatus Act(const Event& e);
  SqlStatus Check(const Event& e);

  Txn* txn_;
  Catalog* catalog_;
  std::vector<Event> written_, changed_;
  bool lock_referenced_ = true;
};

}  // namespace lumadb::engine::sql

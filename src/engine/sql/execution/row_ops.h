#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/catalog/catalog.h"
#include "engine/sql/common/error.h"
#include "engine/sql/txn/txn.h"
#include "engine/sql/types/types.h"

// The row-level steps every write of the executor shares (defined in
// executor.cc; foreign_keys.cc uses them too).
namespace lumadb::engine::sql {

using Row = std::vector<Value>;

SqlError Corrupt(const Table& t);
// A stored row of `t`; columns the stored row lacks are NULL, and so are
// those `columns` (optional, see DecodeRow) leaves out.
SqlStatus DecodeTableRow(const Table& t, std::string_view value, Row* row,
                         const std::vector<bool>* columns = nullptr);
// "(1, x, null)" as PostgreSQL's "Failing row contains" details print a row.
std::string RowText(const Row& row);
// 23505 for the primary key of `t`.
SqlError DuplicateKey(const Table& t, const Row& row);
// Takes the row lock of `key`. An insert does not care whether the row
// changed after the snapshot (it checks the newest version); an update or
// delete does (READ COMMITTED restarts the statement, the others fail 40001).
SqlStatus LockRow(Txn* txn, const std::string& key, bool insert);
// Moves a row's secondary index entries from its old version (`old` at
// old_key; null for an insert) to its new one (`row` at key; null for a
// delete), enforcing unique indexes.
SqlStatus UpdateIndexes(const Table& t, const Row* old, const std::string* old_key, const Row* row,
                        const std::string* key, Txn* txn);
// Writes `row` as the new version of the locked row `old` at `key` (moved
// to a new key when its primary key changed: 23505 if that key is taken)
// with its index entries; `new_key` (optional) gets where it went.
SqlStatus WriteUpdatedRow(const Table& t, const std::string& key, const Row& old, const Row& row, Txn* txn,
                          std::string* new_key = nullptr);
// Deletes the locked row `row` at `key` with its index entries.
SqlStatus DeleteRow(const Table& t, const std::string& key, const Row& row, Txn* txn);

}  // namespace lumadb::engine::sql

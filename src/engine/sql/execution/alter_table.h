#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/sql/catalog/catalog.h"
#include "engine/sql/common/error.h"
#include "engine/sql/parser/ast.h"
#include "engine/sql/txn/txn.h"

// ALTER TABLE and CREATE INDEX. Actions that change how rows are stored
// (a new primary key, a dropped or retyped column, a column added with a
// value for the existing rows, a new index) rewrite the table under a new
// relfile; the others only change its definition, after checking the
// committed rows where the new definition demands it (SET NOT NULL, ADD
// CHECK). A concurrent transaction that wrote the table and commits while a
// rewrite runs fails with 40001.
namespace lumadb::engine::sql {

// Runs ALTER TABLE's actions one after another (each sees the table as the
// previous one left it; an error stops there, the earlier actions stay).
// IF [NOT] EXISTS skips are reported in `notices`, as PostgreSQL does.
SqlStatus AlterTable(const ast::AlterTable& a, std::string_view sql, Catalog* catalog, TxnManager* txns,
                     std::vector<Notice>* notices);

// Drops the named foreign keys, each (referencing table, constraint name),
// from their tables' definitions (DROP ... CASCADE of what they reference).
SqlStatus DropForeignKeys(const std::vector<std::pair<std::shared_ptr<const Table>, std::string>>& deps,
                          Catalog* catalog);

// CREATE [UNIQUE] INDEX: the rewrite, with the entries of the new index
// (its OID assigned here) written beside the rows; a unique index over
// duplicate values fails with 23505 "could not create unique index".
SqlStatus CreateIndex(const Table& table, Index index, Catalog* catalog, TxnManager* txns);

}  // namespace lumadb::engine::sql

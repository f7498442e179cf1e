#pragma once

#include <vector>

#include "engine/sql/catalog/catalog.h"
#include "engine/sql/common/error.h"
#include "engine/sql/txn/txn.h"

// ALTER TABLE actions and CREATE INDEX: they rewrite a table's rows.
namespace lumadb::engine::sql {

// ALTER TABLE t ADD PRIMARY KEY (columns): checks the committed rows (no
// NULLs, no duplicates, with PostgreSQL's errors), writes them again keyed by
// the new primary key under a new relfile, then swaps the definition (the key
// columns become NOT NULL). A concurrent transaction that wrote the table and
// commits while the rewrite runs fails with 40001.
SqlStatus AddPrimaryKey(const Table& table, const std::vector<int>& key_columns, Catalog* catalog,
                        TxnManager* txns);

// CREATE [UNIQUE] INDEX: the same rewrite, with the entries of the new index
// (its OID assigned here) written beside the rows; a unique index over
// duplicate values fails with 23505 "could not create unique index".
SqlStatus CreateIndex(const Table& table, Index index, Catalog* catalog, TxnManager* txns);

}  // namespace lumadb::engine::sql

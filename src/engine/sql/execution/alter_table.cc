#include "engine/sql/execution/alter_table.h"

#include <string>
#include <unordered_set>

#include "engine/sql/storage/row_codec.h"
#include "storage/key_codec.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::sql {

namespace {

constexpr size_t kRewriteBatchBytes = 4 << 20;

SqlError StorageError(const Status& st) {
  return MakeError(sqlstate::kIoError, "could not access storage: " + st.message());
}

SqlError NotUnique(const Table& table, const std::string& index, const std::vector<int>& columns,
                   const std::vector<Value>& row) {
  SqlError e = MakeError(sqlstate::kUniqueViolation, "could not create unique index \"" + index + "\"");
  e.detail = KeyDetail(table, columns, row) + " is duplicated.";
  e.table = table.name;
  e.constraint = index;
  return e;
}

// Copies the rows of `table` under `to.relfile`, keyed as `to` keys them
// (the same keys when the primary key stays), with the entries of every
// index of `to`.
SqlStatus CopyRows(const Table& table, const Table& to, storage::Store* store) {
  const bool rekey = to.primary_key != table.primary_key;
  std::unordered_set<std::string> seen;
  std::vector<std::unordered_set<std::string>> unique_seen(to.indexes.size());
  const std::string to_prefix = keys::RowPrefix(to.relfile);
  storage::WriteBatch batch;
  SqlStatus err, null_err;
  std::vector<Value> row;
  Status st = store->ScanPrefix(storage::Cf::kSql, keys::RowPrefix(table.relfile),
                                [&](std::string_view k, std::string_view v) {
    if (!DecodeRow(v, &row)) {
      err = MakeError(sqlstate::kInternalError, "corrupt row in table \"" + table.name + "\"");
      return false;
    }
    while (row.size() < table.columns.size()) row.push_back(Value::Null(table.columns[row.size()].type));
    std::string key;
    if (rekey) {
      // As PostgreSQL, which builds the index before checking NOT NULL, a
      // duplicate anywhere wins over a NULL seen first.
      bool has_null = false;
      for (int c : to.primary_key) {
        if (row[c].null && null_err.ok()) {
          null_err = MakeError(sqlstate::kNotNullViolation, "column \"" + table.columns[c].name +
                                                                "\" of relation \"" + table.name +
                                                                "\" contains null values");
          null_err.error().table = table.name;
          null_err.error().column = table.columns[c].name;
        }
        has_null = has_null || row[c].null;
      }
      if (has_null) return true;
      key = RowKey(to, row, 0);
      if (!seen.insert(key).second) {
        err = NotUnique(table, to.PrimaryKeyName(), to.primary_key, row);
        return false;
      }
      if (!null_err.ok()) return true;  // only looking for duplicates now
    } else {
      key = to_prefix;
      key.append(k.substr(RowPrefixSize()));
    }
    for (size_t i = 0; i < to.indexes.size(); i++) {
      const Index& idx = to.indexes[i];
      bool has_null = false;
      for (int c : idx.columns) has_null = has_null || row[c].null;
      if (idx.unique && !has_null && !unique_seen[i].insert(IndexValuesKey(to, idx, row)).second) {
        err = NotUnique(table, idx.name, idx.columns, row);
        return false;
      }
      batch.Put(storage::Cf::kSql, IndexEntryKey(to, idx, row, key), key.substr(RowPrefixSize()));
    }
    batch.Put(storage::Cf::kSql, key, v);
    if (batch.ByteSize() >= kRewriteBatchBytes) {
      Status w = store->Write(&batch, /*sync=*/false);
      if (!w.ok()) {
        err = StorageError(w);
        return false;
      }
      batch.Clear();
    }
    return true;
  });
  if (!st.ok()) return StorageError(st);
  if (!err.ok()) return err;
  if (!null_err.ok()) return null_err;
  if (batch.Count() > 0) {
    Status w = store->Write(&batch, /*sync=*/false);
    if (!w.ok()) return StorageError(w);
  }
  return SqlStatus::Ok();
}

// Writes the table again as `to` (which has a new relfile) and swaps the
// definitions.
SqlStatus Rewrite(const Table& table, Table to, Catalog* catalog, TxnManager* txns) {
  storage::Store* store = txns->store();
  SQL_ASSIGN_OR_RETURN(uint32_t relfile, catalog->BeginRewrite());
  to.relfile = relfile;
  // No commit can add rows under the old relfile from here on, so the scan
  // below sees every row the table will ever have there.
  txns->RetireRelfile(table.relfile);
  SqlStatus st = CopyRows(table, to, store);
  if (st.ok()) st = catalog->FinishRewrite(to);
  if (!st.ok()) {
    // The new rows go; the rewrite mark stays until Load cleans it if this fails too.
    storage::WriteBatch undo;
    keys::DeleteRelfile(&undo, relfile);
    undo.Delete(storage::Cf::kSql, keys::RewriteMark(relfile));
    (void)store->Write(&undo, /*sync=*/false);
    txns->RestoreRelfile(table.relfile);
    return st;
  }
  return SqlStatus::Ok();
}

}  // namespace

SqlStatus AddPrimaryKey(const Table& table, const std::vector<int>& key_columns, Catalog* catalog,
                        TxnManager* txns) {
  Table to = table;
  to.primary_key = key_columns;
  for (int c : key_columns) to.columns[c].not_null = true;
  return Rewrite(table, std::move(to), catalog, txns);
}

SqlStatus CreateIndex(const Table& table, Index index, Catalog* catalog, TxnManager* txns) {
  SQL_ASSIGN_OR_RETURN(index.oid, catalog->NewOid());
  Table to = table;
  to.indexes.push_back(std::move(index));
  return Rewrite(table, std::move(to), catalog, txns);
}

}  // namespace lumadb::engine::sql

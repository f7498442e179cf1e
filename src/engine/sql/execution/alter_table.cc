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

// Copies the rows of `table` under `to.relfile`, keyed as `to` keys them.
SqlStatus CopyRows(const Table& table, const Table& to, storage::Store* store) {
  const std::string& pkey = to.PrimaryKeyName();
  std::unordered_set<std::string> seen;
  storage::WriteBatch batch;
  SqlStatus err, null_err;
  std::vector<Value> row;
  Status st = store->ScanPrefix(storage::Cf::kSql, keys::RowPrefix(table.relfile),
                                [&](std::string_view, std::string_view v) {
    if (!DecodeRow(v, &row)) {
      err = MakeError(sqlstate::kInternalError, "corrupt row in table \"" + table.name + "\"");
      return false;
    }
    while (row.size() < table.columns.size()) row.push_back(Value::Null(table.columns[row.size()].type));
    // As PostgreSQL, which builds the index before checking NOT NULL, a
    // duplicate anywhere wins over a NULL seen first.
    bool has_null = false;
    for (int c : to.primary_key) {
      if (row[c].null && null_err.ok()) {
        null_err = MakeError(sqlstate::kNotNullViolation, "column \"" + table.columns[c].name + "\" of relation \"" +
                                                              table.name + "\" contains null values");
        null_err.error().table = table.name;
        null_err.error().column = table.columns[c].name;
      }
      has_null = has_null || row[c].null;
    }
    if (has_null) return true;
    std::string key = RowKey(to, row, 0);
    if (!seen.insert(key).second) {
      std::string cols, vals;
      for (size_t i = 0; i < to.primary_key.size(); i++) {
        if (i) {
          cols += ", ";
          vals += ", ";
        }
        cols += table.columns[to.primary_key[i]].name;
        AppendText(row[to.primary_key[i]], &vals);
      }
      err = MakeError(sqlstate::kUniqueViolation, "could not create unique index \"" + pkey + "\"");
      err.error().detail = "Key (" + cols + ")=(" + vals + ") is duplicated.";
      err.error().table = table.name;
      err.error().constraint = pkey;
      return false;
    }
    if (!null_err.ok()) return true;  // only looking for duplicates now
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

}  // namespace

SqlStatus AddPrimaryKey(const Table& table, const std::vector<int>& key_columns, Catalog* catalog,
                        TxnManager* txns) {
  storage::Store* store = txns->store();
  SQL_ASSIGN_OR_RETURN(uint32_t relfile, catalog->BeginRewrite());
  Table to = table;
  to.relfile = relfile;
  to.primary_key = key_columns;
  for (int c : key_columns) to.columns[c].not_null = true;
  // No commit can add rows under the old relfile from here on, so the scan
  // below sees every row the table will ever have there.
  txns->RetireRelfile(table.relfile);
  SqlStatus st = CopyRows(table, to, store);
  if (st.ok()) st = catalog->FinishRewrite(to);
  if (!st.ok()) {
    // The new rows go; the rewrite mark stays until Load cleans it if this fails too.
    storage::WriteBatch undo;
    std::string prefix = keys::RowPrefix(relfile);
    undo.DeleteRange(storage::Cf::kSql, prefix, storage::PrefixSuccessor(prefix));
    undo.Delete(storage::Cf::kSql, keys::RewriteMark(relfile));
    (void)store->Write(&undo, /*sync=*/false);
    txns->RestoreRelfile(table.relfile);
    return st;
  }
  return SqlStatus::Ok();
}

}  // namespace lumadb::engine::sql

#include "engine/sql/execution/foreign_keys.h"

#include <algorithm>

#include "engine/sql/binder/expression.h"
#include "engine/sql/execution/executor.h"
#include "engine/sql/execution/row_ops.h"
#include "engine/sql/planner/planner.h"
#include "engine/sql/storage/row_codec.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::sql {

namespace {

using Row = ForeignKeyChecks::Row;

bool SameValue(const Value& a, const Value& b) {
  if (a.null || b.null) return a.null && b.null;
  return CompareValues(a, b) == 0;
}

// The referenced columns of `fk` in `ref` (its current definition), or an
// error when one is gone.
SqlResult<std::vector<int>> RefColumns(const ForeignKey& fk, const Table& ref) {
  std::vector<int> cols;
  for (int attnum : fk.ref_attnums) {
    int c = ref.ColumnByAttnum(attnum);
    if (c < 0) {
      return MakeError(sqlstate::kInternalError, "foreign key constraint \"" + fk.name +
                                                     "\" refers to a column table \"" + ref.name + "\" lacks");
    }
    cols.push_back(c);
  }
  return cols;
}

// A row of `t`'s width with `values` (cast to their columns' types) at
// `columns`; false when a value does not fit its column's type (so no row
// can hold it).
bool Template(const Table& t, const std::vector<int>& columns, const std::vector<Value>& values, Row* row) {
  row->clear();
  for (const auto& c : t.columns) row->push_back(Value::Null(c.type));
  for (size_t i = 0; i < columns.size(); i++) {
    const Type& type = t.columns[columns[i]].type;
    if (values[i].type == type) {
      (*row)[columns[i]] = values[i];
      continue;
    }
    auto v = CastValue(values[i], type, false);
    if (!v.ok()) return false;
    (*row)[columns[i]] = std::move(v.value());
    (*row)[columns[i]].type = type;
  }
  return true;
}

bool Matches(const Row& row, const std::vector<int>& columns, const Row& want) {
  for (int c : columns) {
    if (row[c].null || want[c].null || CompareValues(row[c], want[c]) != 0) return false;
  }
  return true;
}

// Whether `ref` has a row whose `columns` hold `values`; with `lock`, that
// row's lock is taken first (so it stays until this transaction ends).
SqlResult<bool> ReferencedRowExists(const Table& ref, const std::vector<int>& columns,
                                    const std::vector<Value>& values, bool lock, Txn* txn) {
  Row want;
  if (!Template(ref, columns, values, &want)) return false;
  int uk = MatchingUniqueKey(ref, columns);
  std::string v;
  if (uk == kPrimaryKey) {
    std::string key = RowKey(ref, want, 0);
    if (lock) SQL_RETURN_IF_ERROR(LockRow(txn, key, /*insert=*/true));
    return txn->Get(key, &v, /*latest=*/true);
  }
  if (uk != kNoUniqueKey) {
    const Index& idx = ref.indexes[uk];
    std::string values_key = IndexValuesKey(ref, idx, want);
    for (int attempt = 0; attempt < 2; attempt++) {
      std::string suffix;
      SQL_RETURN_IF_ERROR(txn->Scan(
          values_key,
          [&](std::string_view, std::string_view s) {
            suffix = std::string(s);
            return false;
          },
          /*latest=*/true));
      if (suffix.empty()) return false;
      std::string key = keys::RowPrefix(ref.relfile) + suffix;
      if (lock) SQL_RETURN_IF_ERROR(LockRow(txn, key, /*insert=*/true));
      // Locked now: the row's newest version must still hold the values.
      Row row;
      if (txn->Get(key, &v, /*latest=*/true)) {
        SQL_RETURN_IF_ERROR(DecodeTableRow(ref, v, &row));
        if (Matches(row, columns, want)) return true;
      }
      if (!lock) return false;
    }
    return false;
  }
  // No unique key matches any more (its index was dropped): scan.
  bool found = false;
  Row row;
  SqlStatus err;
  SQL_RETURN_IF_ERROR(txn->Scan(
      keys::RowPrefix(ref.relfile),
      [&](std::string_view, std::string_view value) {
        err = DecodeTableRow(ref, value, &row);
        found = err.ok() && Matches(row, columns, want);
        return err.ok() && !found;
      },
      /*latest=*/true));
  SQL_RETURN_IF_ERROR(std::move(err));
  return found;
}

// The rows of `t` whose `columns` hold `values` (keys and rows), through
// an index that leads with those columns when there is one.
SqlResult<std::vector<std::pair<std::string, Row>>> ReferencingRows(const Table& t, const std::vector<int>& columns,
                                                                    const std::vector<Value>& values, Txn* txn) {
  std::vector<std::pair<std::string, Row>> out;
  Row want;
  if (!Template(t, columns, values, &want)) return out;
  std::vector<int> sorted = columns;
  std::sort(sorted.begin(), sorted.end());
  for (const Index& idx : t.indexes) {
    if (idx.columns.size() < columns.size()) continue;
    std::vector<int> lead(idx.columns.begin(), idx.columns.begin() + static_cast<long>(columns.size()));
    std::sort(lead.begin(), lead.end());
    if (lead != sorted) continue;
    std::string prefix = keys::IndexPrefix(t.relfile, idx.oid);
    for (size_t i = 0; i < columns.size(); i++) AppendIndexValue(want[idx.columns[i]], &prefix);
    std::vector<std::string> row_keys;
    SQL_RETURN_IF_ERROR(txn->Scan(
        prefix,
        [&](std::string_view, std::string_view suffix) {
          row_keys.push_back(keys::RowPrefix(t.relfile) + std::string(suffix));
          return true;
        },
        /*latest=*/true));
    std::string v;
    for (auto& key : row_keys) {
      Row row;
      if (!txn->Get(key, &v, /*latest=*/true)) continue;
      SQL_RETURN_IF_ERROR(DecodeTableRow(t, v, &row));
      if (Matches(row, columns, want)) out.emplace_back(std::move(key), std::move(row));
    }
    return out;
  }
  SqlStatus err;
  SQL_RETURN_IF_ERROR(txn->Scan(
      keys::RowPrefix(t.relfile),
      [&](std::string_view key, std::string_view value) {
        Row row;
        err = DecodeTableRow(t, value, &row);
        if (!err.ok()) return false;
        if (Matches(row, columns, want)) out.emplace_back(std::string(key), std::move(row));
        return true;
      },
      /*latest=*/true));
  SQL_RETURN_IF_ERROR(std::move(err));
  return out;
}

SqlError Violation(const Table& t, const ForeignKey& fk) {
  SqlError e = MakeError(sqlstate::kForeignKeyViolation, "insert or update on table \"" + t.name +
                                                             "\" violates foreign key constraint \"" + fk.name + "\"");
  e.table = t.name;
  e.constraint = fk.name;
  return e;
}

}  // namespace

bool ForeignKeyChecks::Needed(const Table& t, const Catalog& catalog) {
  return !t.foreign_keys.empty() || catalog.IsReferenced(t.oid);
}

void ForeignKeyChecks::Written(const std::shared_ptr<const Table>& t, const Row* old, const Row& row) {
  if (t->foreign_keys.empty()) return;
  Event e;
  e.table = t;
  e.row = row;
  e.has_row = true;
  if (old != nullptr) {
    e.old = *old;
    e.has_old = true;
  }
  written_.push_back(std::move(e));
}

void ForeignKeyChecks::Changed(const std::shared_ptr<const Table>& t, const Row& old, const Row* row) {
  if (!catalog_->IsReferenced(t->oid)) return;
  Event e;
  e.table = t;
  e.old = old;
  e.has_old = true;
  if (row != nullptr) {
    e.row = *row;
    e.has_row = true;
  }
  changed_.push_back(std::move(e));
}

SqlStatus ForeignKeyChecks::Finish() {
  // Actions may queue more changes (cascades) and more checks (SET DEFAULT).
  for (size_t i = 0; i < changed_.size(); i++) {
    Event e = changed_[i];
    SQL_RETURN_IF_ERROR(Act(e));
  }
  for (size_t i = 0; i < written_.size(); i++) {
    Event e = written_[i];
    SQL_RETURN_IF_ERROR(Check(e));
  }
  changed_.clear();
  written_.clear();
  return SqlStatus::Ok();
}

SqlStatus ForeignKeyChecks::Check(const Event& e) {
  const Table& t = *e.table;
  for (const ForeignKey& fk : t.foreign_keys) {
    std::vector<Value> values;
    bool unchanged = e.has_old;
    size_t nulls = 0;
    for (int c : fk.columns) {
      values.push_back(e.row[c]);
      nulls += e.row[c].null ? 1 : 0;
      unchanged = unchanged && SameValue(e.row[c], e.old[c]);
    }
    if (unchanged) continue;
    if (nulls > 0) {
      if (fk.match == 'f' && nulls < values.size()) {
        SqlError err = Violation(t, fk);
        err.detail = "MATCH FULL does not allow mixing of null and nonnull key values.";
        return err;
      }
      continue;
    }
    std::shared_ptr<const Table> ref = catalog_->FindOid(fk.ref_table);
    if (ref == nullptr) {
      return MakeError(sqlstate::kInternalError, "the table foreign key constraint \"" + fk.name + "\" references is gone");
    }
    SQL_ASSIGN_OR_RETURN(std::vector<int> ref_cols, RefColumns(fk, *ref));
    SQL_ASSIGN_OR_RETURN(bool found, ReferencedRowExists(*ref, ref_cols, values, lock_referenced_, txn_));
    if (found) continue;
    SqlError err = Violation(t, fk);
    err.detail = KeyDetail(t, fk.columns, e.row) + " is not present in table \"" + ref->name + "\".";
    return err;
  }
  return SqlStatus::Ok();
}

SqlStatus ForeignKeyChecks::Act(const Event& e) {
  const Table& parent = *e.table;
  for (const auto& ref : catalog_->ReferencingKeys(parent.oid)) {
    const std::shared_ptr<const Table>& child = ref.first;
    const ForeignKey& fk = child->foreign_keys[ref.second];
    SQL_ASSIGN_OR_RETURN(std::vector<int> ref_cols, RefColumns(fk, parent));
    std::vector<Value> old_key, new_key;
    bool has_null = false, unchanged = e.has_row;
    for (size_t i = 0; i < ref_cols.size(); i++) {
      old_key.push_back(e.old[ref_cols[i]]);
      has_null = has_null || e.old[ref_cols[i]].null;
      if (e.has_row) {
        new_key.push_back(e.row[ref_cols[i]]);
        unchanged = unchanged && SameValue(e.old[ref_cols[i]], e.row[ref_cols[i]]);
      }
    }
    if (has_null || unchanged) continue;
    const char action = e.has_row ? fk.on_update : fk.on_delete;
    if (action == 'a') {
      // NO ACTION: fine if another row now holds the old key.
      SQL_ASSIGN_OR_RETURN(bool still, ReferencedRowExists(parent, ref_cols, old_key, /*lock=*/false, txn_));
      if (still) continue;
    }
    SQL_ASSIGN_OR_RETURN(auto rows, ReferencingRows(*child, fk.columns, old_key, txn_));
    if (rows.empty()) continue;
    auto still_referenced = [&]() {
      SqlError err = MakeError(sqlstate::kForeignKeyViolation,
                               "update or delete on table \"" + parent.name + "\" violates foreign key constraint \"" +
                                   fk.name + "\" on table \"" + child->name + "\"");
      err.detail = KeyDetail(parent, ref_cols, e.old) + " is still referenced from table \"" + child->name + "\".";
      err.table = child->name;
      err.constraint = fk.name;
      return err;
    };
    if (action == 'a' || action == 'r') return still_referenced();
    SQL_ASSIGN_OR_RETURN(std::shared_ptr<const WriteRules> rules, PlanWriteRules(child, nullptr));
    std::string v;
    for (auto& [key, found] : rows) {
      SQL_RETURN_IF_ERROR(LockRow(txn_, key, /*insert=*/true));
      // Locked: work on its newest version, if it still references the key.
      Row row;
      if (!txn_->Get(key, &v, /*latest=*/true)) continue;
      SQL_RETURN_IF_ERROR(DecodeTableRow(*child, v, &row));
      bool still = true;
      for (size_t i = 0; i < fk.columns.size(); i++) still = still && SameValue(row[fk.columns[i]], found[fk.columns[i]]);
      if (!still) continue;
      if (action == 'c' && !e.has_row) {
        SQL_RETURN_IF_ERROR(DeleteRow(*child, key, row, txn_));
        Changed(child, row, nullptr);
        continue;
      }
      Row updated = row;
      for (size_t i = 0; i < fk.columns.size(); i++) {
        const Column& col = child->columns[fk.columns[i]];
        Value nv;
        if (action == 'c') {
          nv = new_key[i];
        } else if (action == 'd' && col.has_default && !col.default_per_row) {
          nv = col.default_value;
        } else if (action == 'd' && col.default_per_row && rules != nullptr) {
          nv = Value::Null(col.type);
          for (const auto& [c, b] : rules->defaults) {
            if (c != fk.columns[i]) continue;
            SQL_ASSIGN_OR_RETURN(nv, Eval(*b, {}));
          }
        } else {
          nv = Value::Null(col.type);
        }
        if (!nv.null && !(nv.type == col.type)) {
          SQL_ASSIGN_OR_RETURN(nv, CastValue(nv, col.type, false));
        }
        nv.type = col.type;
        updated[fk.columns[i]] = std::move(nv);
      }
      if (action == 'd') {
        // Defaults equal to the key that went still reference it (PostgreSQL's ri_restrict recheck).
        bool same = true;
        for (size_t i = 0; i < fk.columns.size(); i++) same = same && SameValue(updated[fk.columns[i]], row[fk.columns[i]]);
        if (same) return still_referenced();
      }
      SQL_RETURN_IF_ERROR(CheckRow(*child, updated, rules.get()));
      SQL_RETURN_IF_ERROR(WriteUpdatedRow(*child, key, row, updated, txn_));
      Changed(child, row, &updated);
      if (action == 'd') Written(child, &row, updated);  // the default must be a referenced key too
    }
  }
  return SqlStatus::Ok();
}

}  // namespace lumadb::engine::sql

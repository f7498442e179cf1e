#include "engine/sql/execution/alter_table.h"

#include <algorithm>
#include <functional>
#include <string>
#include <unordered_set>

#include "engine/sql/binder/expression.h"
#include "engine/sql/execution/foreign_keys.h"
#include "engine/sql/parser/pg_parser.h"
#include "engine/sql/planner/planner.h"
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

// What a rewrite does to each row besides copying it: turns the old row
// into the new one (null: unchanged), then checks it against the new
// definition.
struct RewriteSpec {
  std::function<SqlStatus(std::vector<Value>* row)> transform;
  std::shared_ptr<const WriteRules> rules;  // CHECKs to verify (null: none)
  bool check_not_null = false;              // the new table's NOT NULL columns must have values
};

SqlStatus ValidateRow(const Table& table, const Table& to, const RewriteSpec& spec, const std::vector<Value>& row) {
  if (spec.check_not_null) {
    for (size_t c = 0; c < to.columns.size(); c++) {
      if (!to.columns[c].not_null || !row[c].null) continue;
      SqlError e = MakeError(sqlstate::kNotNullViolation, "column \"" + to.columns[c].name + "\" of relation \"" +
                                                              table.name + "\" contains null values");
      e.table = table.name;
      e.column = to.columns[c].name;
      return e;
    }
  }
  if (spec.rules == nullptr) return SqlStatus::Ok();
  for (const auto& [name, check] : spec.rules->checks) {
    SQL_ASSIGN_OR_RETURN(Value v, Eval(*check, row));
    if (v.null || v.i != 0) continue;
    SqlError e = MakeError(sqlstate::kCheckViolation, "check constraint \"" + name + "\" of relation \"" +
                                                          table.name + "\" is violated by some row");
    e.table = table.name;
    e.constraint = name;
    return e;
  }
  return SqlStatus::Ok();
}

// Reads the committed rows of `table` (padded with NULLs to its columns).
SqlStatus ScanRows(const Table& table, storage::Store* store,
                   const std::function<SqlStatus(std::string_view key, std::string_view value,
                                                 std::vector<Value>& row)>& fn) {
  SqlStatus err;
  std::vector<Value> row;
  Status st = store->ScanPrefix(storage::Cf::kSql, keys::RowPrefix(table.relfile),
                                [&](std::string_view k, std::string_view v) {
    if (!DecodeRow(v, &row)) {
      err = MakeError(sqlstate::kInternalError, "corrupt row in table \"" + table.name + "\"");
      return false;
    }
    while (row.size() < table.columns.size()) row.push_back(Value::Null(table.columns[row.size()].type));
    err = fn(k, v, row);
    return err.ok();
  });
  if (!st.ok()) return StorageError(st);
  return err;
}

// Checks the committed rows against `to` without rewriting them.
SqlStatus Validate(const Table& table, const Table& to, const RewriteSpec& spec, storage::Store* store) {
  return ScanRows(table, store, [&](std::string_view, std::string_view, std::vector<Value>& row) {
    return ValidateRow(table, to, spec, row);
  });
}

// Copies the rows of `table` under `to.relfile`, keyed as `to` keys them
// (the same keys when the primary key stays), with the entries of every
// index of `to`.
SqlStatus CopyRows(const Table& table, const Table& to, const RewriteSpec& spec, Catalog* catalog,
                   storage::Store* store) {
  bool rekey = to.primary_key != table.primary_key;
  for (int c : to.primary_key) {
    int old = table.FindColumn(to.columns[c].name);
    rekey = rekey || old < 0 || !(table.columns[old].type == to.columns[c].type);
  }
  std::unordered_set<std::string> seen;
  std::vector<std::unordered_set<std::string>> unique_seen(to.indexes.size());
  const std::string to_prefix = keys::RowPrefix(to.relfile);
  storage::WriteBatch batch;
  SqlStatus null_err;
  SqlStatus st = ScanRows(table, store, [&](std::string_view k, std::string_view v,
                                            std::vector<Value>& row) -> SqlStatus {
    if (spec.transform) SQL_RETURN_IF_ERROR(spec.transform(&row));
    SQL_RETURN_IF_ERROR(ValidateRow(table, to, spec, row));
    std::string key;
    if (rekey && to.primary_key.empty()) {
      // No primary key any more: hidden row ids key the rows.
      std::string mark;
      uint64_t id = catalog->NextRowId(to.oid, &mark);
      if (!mark.empty()) batch.Put(storage::Cf::kSql, keys::RowIdMark(to.oid), mark);
      key = RowKey(to, row, id);
    } else if (rekey) {
      // As PostgreSQL, which builds the index before checking NOT NULL, a
      // duplicate anywhere wins over a NULL seen first.
      bool has_null = false;
      for (int c : to.primary_key) {
        if (row[c].null && null_err.ok()) {
          null_err = MakeError(sqlstate::kNotNullViolation, "column \"" + to.columns[c].name +
                                                                "\" of relation \"" + table.name +
                                                                "\" contains null values");
          null_err.error().table = table.name;
          null_err.error().column = to.columns[c].name;
        }
        has_null = has_null || row[c].null;
      }
      if (has_null) return SqlStatus::Ok();
      key = RowKey(to, row, 0);
      if (!seen.insert(key).second) return NotUnique(table, to.PrimaryKeyName(), to.primary_key, row);
      if (!null_err.ok()) return SqlStatus::Ok();  // only looking for duplicates now
    } else {
      key = to_prefix;
      key.append(k.substr(RowPrefixSize()));
    }
    for (size_t i = 0; i < to.indexes.size(); i++) {
      const Index& idx = to.indexes[i];
      bool has_null = false;
      for (int c : idx.columns) has_null = has_null || row[c].null;
      if (idx.unique && !has_null && !unique_seen[i].insert(IndexValuesKey(to, idx, row)).second) {
        return NotUnique(table, idx.name, idx.columns, row);
      }
      batch.Put(storage::Cf::kSql, IndexEntryKey(to, idx, row, key), key.substr(RowPrefixSize()));
    }
    if (spec.transform) {
      batch.Put(storage::Cf::kSql, key, EncodeRow(row));
    } else {
      batch.Put(storage::Cf::kSql, key, v);
    }
    if (batch.ByteSize() >= kRewriteBatchBytes) {
      Status w = store->Write(&batch, /*sync=*/false);
      if (!w.ok()) return StorageError(w);
      batch.Clear();
    }
    return SqlStatus::Ok();
  });
  SQL_RETURN_IF_ERROR(std::move(st));
  if (!null_err.ok()) return null_err;
  if (batch.Count() > 0) {
    Status w = store->Write(&batch, /*sync=*/false);
    if (!w.ok()) return StorageError(w);
  }
  return SqlStatus::Ok();
}

// Writes the table again as `to` (which gets a new relfile) and swaps the
// definitions.
SqlStatus Rewrite(const Table& table, Table to, const RewriteSpec& spec, Catalog* catalog, TxnManager* txns) {
  storage::Store* store = txns->store();
  SQL_ASSIGN_OR_RETURN(uint32_t relfile, catalog->BeginRewrite());
  to.relfile = relfile;
  // No commit can add rows under the old relfile from here on, so the scan
  // below sees every row the table will ever have there.
  txns->RetireRelfile(table.relfile);
  SqlStatus st = CopyRows(table, to, spec, catalog, store);
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

using Action = ast::AlterTable::Action;
using Kind = ast::AlterTable::Action::Kind;

SqlError NoColumn(const Table& t, const std::string& name) {
  return MakeError(sqlstate::kUndefinedColumn,
                   "column \"" + name + "\" of relation \"" + t.name + "\" does not exist");
}

SqlResult<std::vector<int>> KeyColumns(const Table& t, const std::vector<std::string>& names) {
  std::vector<int> cols;
  for (const auto& name : names) {
    int c = t.FindColumn(name);
    if (c < 0) return MakeError(sqlstate::kUndefinedColumn, "column \"" + name + "\" named in key does not exist");
    cols.push_back(c);
  }
  return cols;
}

SqlStatus AddPrimaryKey(const Table& table, const std::vector<int>& key_columns, const std::string& name,
                        Catalog* catalog, TxnManager* txns, int location, std::string_view sql) {
  if (!table.primary_key.empty()) {
    return MakeError(sqlstate::kInvalidTableDefinition,
                     "multiple primary keys for table \"" + table.name + "\" are not allowed",
                     CharPosition(sql, location));
  }
  Table to = table;
  to.primary_key = key_columns;
  to.primary_key_name = name;
  SQL_ASSIGN_OR_RETURN(to.primary_key_oid, catalog->NewOid());
  for (int c : key_columns) to.columns[c].not_null = true;
  return Rewrite(table, std::move(to), RewriteSpec{}, catalog, txns);
}

// A UNIQUE constraint's index, named as PostgreSQL names it (t_a_b_key, then t_a_b_key1, ...).
SqlStatus AddUnique(const Table& table, const std::vector<std::string>& columns, const std::string& name,
                    Catalog* catalog, TxnManager* txns) {
  Index idx;
  idx.unique = true;
  idx.constraint = true;
  SQL_ASSIGN_OR_RETURN(idx.columns, KeyColumns(table, columns));
  idx.name = name;
  if (idx.name.empty()) {
    std::string base = table.name;
    for (const auto& c : columns) base += "_" + c;
    base += "_key";
    idx.name = base;
    for (int n = 1; catalog->RelationExists(idx.name) || table.FindCheck(idx.name) != nullptr; n++) {
      idx.name = base + std::to_string(n);
    }
  } else if (catalog->RelationExists(idx.name)) {
    return MakeError(sqlstate::kDuplicateTable, "relation \"" + idx.name + "\" already exists");
  }
  return CreateIndex(table, std::move(idx), catalog, txns);
}

// Removes column `col` from `to`: indexes and CHECKs over it go with it, a
// primary key over it too (hidden row ids then key the rows).
SqlStatus RemoveColumn(const Table& table, int col, Table* to) {
  auto shift = [col](int c) { return c > col ? c - 1 : c; };
  auto uses = [col](const std::vector<int>& cols) { return std::find(cols.begin(), cols.end(), col) != cols.end(); };
  if (uses(to->primary_key)) {
    to->primary_key.clear();
    to->primary_key_name.clear();
    to->primary_key_oid = 0;
  }
  for (auto& c : to->primary_key) c = shift(c);
  std::vector<Index> indexes;
  for (auto& idx : to->indexes) {
    if (uses(idx.columns)) continue;
    for (auto& c : idx.columns) c = shift(c);
    indexes.push_back(std::move(idx));
  }
  to->indexes = std::move(indexes);
  std::vector<Check> checks;
  auto self = std::make_shared<const Table>(table);
  for (auto& check : to->checks) {
    SQL_ASSIGN_OR_RETURN(std::vector<int> cols, StoredExpressionColumns(check.sql, self));
    if (!uses(cols)) checks.push_back(std::move(check));
  }
  to->checks = std::move(checks);
  std::vector<ForeignKey> fks;
  for (auto& fk : to->foreign_keys) {
    if (uses(fk.columns)) continue;
    for (auto& c : fk.columns) c = shift(c);
    fks.push_back(std::move(fk));
  }
  to->foreign_keys = std::move(fks);
  to->columns.erase(to->columns.begin() + col);
  return SqlStatus::Ok();
}

// Other tables' foreign keys that reference table `t` through any of
// `columns` (indexes into t.columns): (table, constraint name).
std::vector<std::pair<std::shared_ptr<const Table>, std::string>> Dependents(const Table& t,
                                                                            const std::vector<int>& columns,
                                                                            const Catalog& catalog) {
  std::vector<std::pair<std::shared_ptr<const Table>, std::string>> out;
  for (const auto& [child, i] : catalog.ReferencingKeys(t.oid)) {
    const ForeignKey& fk = child->foreign_keys[i];
    if (child->oid == t.oid) continue;  // its own: goes with the column or constraint
    bool uses = false;
    for (int attnum : fk.ref_attnums) {
      int c = t.ColumnByAttnum(attnum);
      uses = uses || std::find(columns.begin(), columns.end(), c) != columns.end();
    }
    if (uses) out.emplace_back(child, fk.name);
  }
  return out;
}


// The 2BP01 error for dropping `what` that foreign keys depend on, or with
// CASCADE the notice, as PostgreSQL words them.
SqlStatus DependentsBlockOrCascade(
    const std::vector<std::pair<std::shared_ptr<const Table>, std::string>>& deps, const std::string& what,
    const std::string& on, bool cascade, std::vector<Notice>* notices) {
  if (deps.empty()) return SqlStatus::Ok();
  if (!cascade) {
    SqlError e = MakeError("2BP01", "cannot drop " + what + " because other objects depend on it");
    e.detail = "constraint " + deps[0].second + " on table " + deps[0].first->name + " depends on " + on;
    e.hint = "Use DROP ... CASCADE to drop the dependent objects too.";
    return e;
  }
  if (deps.size() == 1) {
    notices->push_back(
        {"NOTICE", "00000", "drop cascades to constraint " + deps[0].second + " on table " + deps[0].first->name});
  } else {
    notices->push_back({"NOTICE", "00000", "drop cascades to " + std::to_string(deps.size()) + " other objects"});
  }
  return SqlStatus::Ok();
}

SqlStatus AddColumn(const Action& act, const Table& t, std::string_view sql, Catalog* catalog, TxnManager* txns,
                    std::vector<Notice>* notices) {
  const ast::ColumnDef& def = act.column;
  if (t.FindColumn(def.name) >= 0) {
    std::string msg = "column \"" + def.name + "\" of relation \"" + t.name + "\" already exists";
    if (act.if_exists) {
      notices->push_back({"NOTICE", sqlstate::kDuplicateColumn, msg + ", skipping"});
      return SqlStatus::Ok();
    }
    return MakeError(sqlstate::kDuplicateColumn, msg);
  }
  SQL_ASSIGN_OR_RETURN(Column c, PlanColumn(def, t.name, sql));
  int next_attnum = 1;
  for (const auto& col : t.columns) next_attnum = std::max(next_attnum, col.attnum + 1);
  c.attnum = next_attnum;
  Table to = t;
  const int col = static_cast<int>(to.columns.size());
  to.columns.push_back(c);
  if (def.primary_key) {
    if (!t.primary_key.empty()) {
      return MakeError(sqlstate::kInvalidTableDefinition,
                       "multiple primary keys for table \"" + t.name + "\" are not allowed",
                       CharPosition(sql, act.location));
    }
    to.primary_key = {col};
    SQL_ASSIGN_OR_RETURN(to.primary_key_oid, catalog->NewOid());
  }
  for (const auto& check : act.constraints.checks) SQL_RETURN_IF_ERROR(PlanCheck(check, sql, &to));
  if (!c.has_default && c.identity == 0 && !c.not_null && act.constraints.checks.empty() && !def.primary_key) {
    // The stored rows lack the column, which reads as NULL.
    SQL_RETURN_IF_ERROR(catalog->Alter(t.name, to));
  } else {
    auto self = std::make_shared<const Table>(to);
    RewriteSpec spec;
    SQL_ASSIGN_OR_RETURN(spec.rules, PlanWriteRules(self, nullptr));
    spec.check_not_null = true;
    const BoundExpr* per_row = nullptr;
    if (spec.rules != nullptr) {
      for (const auto& [i, e] : spec.rules->defaults) {
        if (i == col) per_row = e.get();
      }
    }
    spec.transform = [&](std::vector<Value>* row) -> SqlStatus {
      if (c.identity != 0) {
        std::string mark;
        int64_t next = catalog->NextSerial(to.oid, c.attnum, &mark);
        if (!mark.empty()) {
          storage::WriteBatch b;
          b.Put(storage::Cf::kSql, keys::SerialMark(to.oid, c.attnum), mark);
          Status w = txns->store()->Write(&b, /*sync=*/false);
          if (!w.ok()) return StorageError(w);
        }
        SQL_RETURN_IF_ERROR(CheckIntRange(c.type.id, next));
        row->push_back(Value::Int(c.type.id, next));
      } else if (per_row != nullptr) {
        SQL_ASSIGN_OR_RETURN(Value v, Eval(*per_row, {}));
        v.type = c.type;
        row->push_back(std::move(v));
      } else {
        row->push_back(c.has_default ? c.default_value : Value::Null(c.type));
      }
      return SqlStatus::Ok();
    };
    SQL_RETURN_IF_ERROR(Rewrite(t, std::move(to), spec, catalog, txns));
  }
  for (const auto& u : act.constraints.uniques) {
    auto now = catalog->Find(t.name);
    if (now == nullptr) return MakeError(sqlstate::kUndefinedTable, "relation \"" + t.name + "\" does not exist");
    SQL_RETURN_IF_ERROR(AddUnique(*now, u.columns, u.name, catalog, txns));
  }
  return SqlStatus::Ok();
}

SqlStatus SetType(const Action& act, const Table& t, int col, std::string_view sql, Catalog* catalog,
                  TxnManager* txns) {
  auto self = std::make_shared<const Table>(t);
  BindContext ctx;
  ctx.sql = sql;
  ctx.aggregate_context = "transform expressions";
  ctx.tables.push_back(ScopeTable{t.name, self, 0});
  SQL_ASSIGN_OR_RETURN(Type type, ResolveType(act.column.type, ctx));
  const std::string& name = t.columns[col].name;
  BoundPtr value;
  if (act.using_expr) {
    SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*act.using_expr, ctx));
    auto coerced = CoerceTo(std::move(b), type, false, ctx);
    if (!coerced.ok()) {
      SqlError e = coerced.status().error();
      if (e.sqlstate == sqlstate::kDatatypeMismatch) {
        e.message = "result of USING clause for column \"" + name + "\" cannot be cast automatically to type " +
                    TypeName(type);
        e.hint = "You might need to add an explicit cast.";
        e.position = 0;
      }
      return e;
    }
    value = std::move(coerced.value());
  } else {
    auto ref = std::make_unique<ast::Expr>();
    ref->kind = ast::ExprKind::kColumn;
    ref->names = {name};
    SQL_ASSIGN_OR_RETURN(BoundPtr b, BindExpr(*ref, ctx));
    auto coerced = CoerceTo(std::move(b), type, false, ctx);
    if (!coerced.ok()) {
      SqlError e = coerced.status().error();
      if (e.sqlstate == sqlstate::kDatatypeMismatch) {
        e.message = "column \"" + name + "\" cannot be cast automatically to type " + TypeName(type);
        e.hint = "You might need to specify \"USING " + QuoteIdentifier(name) + "::" + TypeName(type) + "\".";
        e.position = 0;
      }
      return e;
    }
    value = std::move(coerced.value());
  }
  Table to = t;
  Column& c = to.columns[col];
  c.type = type;
  if (c.has_default && !c.default_per_row) {
    auto v = CastValue(c.default_value, type, false);
    if (!v.ok()) {
      return MakeError(sqlstate::kDatatypeMismatch, "default for column \"" + name +
                                                        "\" cannot be cast automatically to type " + TypeName(type));
    }
    c.default_value = std::move(v.value());
    c.default_value.type = type;
  }
  RewriteSpec spec;
  SQL_ASSIGN_OR_RETURN(spec.rules, PlanWriteRules(std::make_shared<const Table>(to), nullptr));
  spec.transform = [&](std::vector<Value>* row) -> SqlStatus {
    SQL_ASSIGN_OR_RETURN(Value v, Eval(*value, *row));
    v.type = type;
    (*row)[col] = std::move(v);
    return SqlStatus::Ok();
  };
  return Rewrite(t, std::move(to), spec, catalog, txns);
}

SqlStatus DropConstraint(const Action& act, const Table& t, Catalog* catalog, TxnManager* txns,
                         std::vector<Notice>* notices) {
  Table to = t;
  if (!t.primary_key.empty() && act.name == t.PrimaryKeyName()) {
    auto deps = Dependents(t, t.primary_key, *catalog);
    SQL_RETURN_IF_ERROR(DependentsBlockOrCascade(deps, "constraint " + act.name + " on table " + t.name,
                                                 "index " + act.name, act.cascade, notices));
    SQL_RETURN_IF_ERROR(DropForeignKeys(deps, catalog));
    to.primary_key.clear();
    to.primary_key_name.clear();
    to.primary_key_oid = 0;
    return Rewrite(t, std::move(to), RewriteSpec{}, catalog, txns);
  }
  if (const Index* idx = t.FindIndex(act.name); idx != nullptr && idx->constraint) {
    auto deps = Dependents(t, idx->columns, *catalog);
    SQL_RETURN_IF_ERROR(DependentsBlockOrCascade(deps, "constraint " + act.name + " on table " + t.name,
                                                 "index " + act.name, act.cascade, notices));
    SQL_RETURN_IF_ERROR(DropForeignKeys(deps, catalog));
    return catalog->DropIndex(t.name, act.name);
  }
  if (t.FindForeignKey(act.name) != nullptr) {
    to.foreign_keys.erase(std::find_if(to.foreign_keys.begin(), to.foreign_keys.end(),
                                       [&](const ForeignKey& f) { return f.name == act.name; }));
    return catalog->Alter(t.name, std::move(to));
  }
  if (t.FindCheck(act.name) != nullptr) {
    to.checks.erase(std::find_if(to.checks.begin(), to.checks.end(), [&](const Check& c) { return c.name == act.name; }));
    return catalog->Alter(t.name, std::move(to));
  }
  std::string msg = "constraint \"" + act.name + "\" of relation \"" + t.name + "\" does not exist";
  if (act.if_exists) {
    notices->push_back({"NOTICE", "00000", msg + ", skipping"});
    return SqlStatus::Ok();
  }
  return MakeError(sqlstate::kUndefinedObject, msg);
}

SqlStatus RenameConstraint(const Action& act, const Table& t, Catalog* catalog) {
  bool taken = t.FindCheck(act.new_name) != nullptr || t.FindIndex(act.new_name) != nullptr ||
               t.FindForeignKey(act.new_name) != nullptr ||
               (!t.primary_key.empty() && t.PrimaryKeyName() == act.new_name);
  if (taken) {
    return MakeError("42710",
                     "constraint \"" + act.new_name + "\" for relation \"" + t.name + "\" already exists");
  }
  Table to = t;
  if (!t.primary_key.empty() && act.name == t.PrimaryKeyName()) {
    to.primary_key_name = act.new_name;
    return catalog->Alter(t.name, std::move(to));
  }
  for (auto& idx : to.indexes) {
    if (idx.name != act.name || !idx.constraint) continue;
    if (catalog->RelationExists(act.new_name)) {
      return MakeError(sqlstate::kDuplicateTable, "relation \"" + act.new_name + "\" already exists");
    }
    idx.name = act.new_name;
    return catalog->Alter(t.name, std::move(to));
  }
  for (auto& fk : to.foreign_keys) {
    if (fk.name != act.name) continue;
    fk.name = act.new_name;
    return catalog->Alter(t.name, std::move(to));
  }
  for (auto& check : to.checks) {
    if (check.name != act.name) continue;
    check.name = act.new_name;
    std::sort(to.checks.begin(), to.checks.end(), [](const Check& a, const Check& b) { return a.name < b.name; });
    return catalog->Alter(t.name, std::move(to));
  }
  return MakeError(sqlstate::kUndefinedObject,
                   "constraint \"" + act.name + "\" for table \"" + t.name + "\" does not exist");
}

SqlStatus RunAction(const Action& act, const ast::AlterTable& a, std::string_view sql, Catalog* catalog,
                    TxnManager* txns, std::vector<Notice>* notices) {
  SQL_ASSIGN_OR_RETURN(std::shared_ptr<const Table> current, ResolveTable(a.table, *catalog, sql));
  const Table& t = *current;
  if (t.IsView()) return MakeError(sqlstate::kWrongObjectType, "\"" + t.name + "\" is not a table");
  // The column the action names, for the actions on one column.
  int col = -1;
  switch (act.kind) {
    case Kind::kDropColumn: case Kind::kRenameColumn: case Kind::kSetDefault: case Kind::kSetNotNull:
    case Kind::kDropNotNull: case Kind::kSetType:
      col = t.FindColumn(act.name);
      if (col >= 0) break;
      if (act.kind == Kind::kDropColumn && act.if_exists) {
        notices->push_back({"NOTICE", "00000", "column \"" + act.name + "\" of relation \"" + t.name +
                                                   "\" does not exist, skipping"});
        return SqlStatus::Ok();
      }
      if (act.kind == Kind::kRenameColumn) {
        return MakeError(sqlstate::kUndefinedColumn, "column \"" + act.name + "\" does not exist");
      }
      return NoColumn(t, act.name);
    default: break;
  }
  Table to = t;
  switch (act.kind) {
    case Kind::kAddPrimaryKey: {
      SQL_ASSIGN_OR_RETURN(std::vector<int> cols, KeyColumns(t, act.columns));
      return AddPrimaryKey(t, cols, act.name, catalog, txns, act.location, sql);
    }
    case Kind::kAddUnique: return AddUnique(t, act.columns, act.name, catalog, txns);
    case Kind::kAddCheck: {
      BoundPtr b;
      std::string name;
      SQL_RETURN_IF_ERROR(PlanCheck(act.check, sql, &to, &b, &name));
      auto rules = std::make_shared<WriteRules>();
      rules->checks.emplace_back(name, std::move(b));
      RewriteSpec spec;
      spec.rules = rules;
      SQL_RETURN_IF_ERROR(Validate(t, to, spec, txns->store()));
      return catalog->Alter(t.name, std::move(to));
    }
    case Kind::kAddColumn: return AddColumn(act, t, sql, catalog, txns, notices);
    case Kind::kAddForeignKey: {
      SQL_RETURN_IF_ERROR(PlanForeignKey(act.foreign_key, sql, *catalog, &to, /*creating=*/false));
      // Every existing row must reference a row that exists.
      auto self = std::make_shared<const Table>(to);
      std::unique_ptr<Txn> txn = txns->Begin(Isolation::kReadCommitted);
      txn->BeginStatement();
      ForeignKeyChecks fks(txn.get(), catalog);
      fks.set_lock_referenced(false);
      SqlStatus st = ScanRows(t, txns->store(), [&](std::string_view, std::string_view, std::vector<Value>& row) {
        fks.Written(self, nullptr, row);
        return fks.Finish();
      });
      txns->Rollback(txn.get());
      SQL_RETURN_IF_ERROR(std::move(st));
      return catalog->Alter(t.name, std::move(to));
    }
    case Kind::kDropColumn: {
      auto deps = Dependents(t, {col}, *catalog);
      SQL_RETURN_IF_ERROR(DependentsBlockOrCascade(deps, "column " + act.name + " of table " + t.name,
                                                   "column " + act.name + " of table " + t.name, act.cascade,
                                                   notices));
      SQL_RETURN_IF_ERROR(DropForeignKeys(deps, catalog));
      SQL_RETURN_IF_ERROR(RemoveColumn(t, col, &to));
      RewriteSpec spec;
      spec.transform = [col](std::vector<Value>* row) {
        row->erase(row->begin() + col);
        return SqlStatus::Ok();
      };
      return Rewrite(t, std::move(to), spec, catalog, txns);
    }
    case Kind::kRenameColumn: {
      if (t.FindColumn(act.new_name) >= 0) {
        return MakeError(sqlstate::kDuplicateColumn,
                         "column \"" + act.new_name + "\" of relation \"" + t.name + "\" already exists");
      }
      to.columns[col].name = act.new_name;
      for (auto& check : to.checks) check.sql = RenameColumnInExpression(check.sql, act.name, act.new_name);
      return catalog->Alter(t.name, std::move(to));
    }
    case Kind::kRenameTable: {
      if (catalog->RelationExists(act.new_name)) {
        return MakeError(sqlstate::kDuplicateTable, "relation \"" + act.new_name + "\" already exists");
      }
      if (!t.primary_key.empty()) to.primary_key_name = t.PrimaryKeyName();  // the constraint keeps its name
      to.name = act.new_name;
      return catalog->Alter(t.name, std::move(to));
    }
    case Kind::kRenameConstraint: return RenameConstraint(act, t, catalog);
    case Kind::kDropConstraint: return DropConstraint(act, t, catalog, txns, notices);
    case Kind::kSetDefault: {
      Column& c = to.columns[col];
      // serial columns are identity columns here; a new or dropped default replaces the counter.
      c.identity = 0;
      ast::ColumnDef def;
      def.name = c.name;
      if (act.column.default_expr) {
        SQL_ASSIGN_OR_RETURN(def.default_expr, ParseExpression(act.column.default_sql));
        def.default_sql = act.column.default_sql;
      }
      SQL_RETURN_IF_ERROR(PlanDefault(def, "SELECT " + act.column.default_sql, &c));
      return catalog->Alter(t.name, std::move(to));
    }
    case Kind::kSetNotNull: {
      if (t.columns[col].not_null) return SqlStatus::Ok();
      to.columns[col].not_null = true;
      RewriteSpec spec;
      spec.check_not_null = true;
      SQL_RETURN_IF_ERROR(Validate(t, to, spec, txns->store()));
      return catalog->Alter(t.name, std::move(to));
    }
    case Kind::kDropNotNull: {
      if (std::find(t.primary_key.begin(), t.primary_key.end(), col) != t.primary_key.end()) {
        return MakeError(sqlstate::kInvalidTableDefinition, "column \"" + act.name + "\" is in a primary key");
      }
      if (t.columns[col].identity == 'a') {
        return MakeError(sqlstate::kInvalidTableDefinition,
                         "column \"" + act.name + "\" of relation \"" + t.name + "\" is an identity column");
      }
      to.columns[col].not_null = false;
      return catalog->Alter(t.name, std::move(to));
    }
    case Kind::kSetType: return SetType(act, t, col, sql, catalog, txns);
  }
  return SqlStatus::Ok();
}

}  // namespace

SqlStatus DropForeignKeys(const std::vector<std::pair<std::shared_ptr<const Table>, std::string>>& deps,
                          Catalog* catalog) {
  for (const auto& dep : deps) {
    const std::string& name = dep.second;
    auto now = catalog->Find(dep.first->name);
    if (now == nullptr) continue;
    Table to = *now;
    auto it = std::find_if(to.foreign_keys.begin(), to.foreign_keys.end(),
                           [&](const ForeignKey& f) { return f.name == name; });
    if (it == to.foreign_keys.end()) continue;
    to.foreign_keys.erase(it);
    SQL_RETURN_IF_ERROR(catalog->Alter(now->name, std::move(to)));
  }
  return SqlStatus::Ok();
}

SqlStatus AlterTable(const ast::AlterTable& a, std::string_view sql, Catalog* catalog, TxnManager* txns,
                     std::vector<Notice>* notices) {
  if (catalog->Find(a.table.names.back()) == nullptr && a.if_exists) {
    notices->push_back({"NOTICE", "00000", "relation \"" + a.table.names.back() + "\" does not exist, skipping"});
    return SqlStatus::Ok();
  }
  for (const auto& act : a.actions) SQL_RETURN_IF_ERROR(RunAction(act, a, sql, catalog, txns, notices));
  return SqlStatus::Ok();
}

SqlStatus CreateIndex(const Table& table, Index index, Catalog* catalog, TxnManager* txns) {
  SQL_ASSIGN_OR_RETURN(index.oid, catalog->NewOid());
  Table to = table;
  to.indexes.push_back(std::move(index));
  return Rewrite(table, std::move(to), RewriteSpec{}, catalog, txns);
}

}  // namespace lumadb::engine::sql

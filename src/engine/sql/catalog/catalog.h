#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/sql/common/error.h"
#include "engine/sql/types/types.h"

namespace lumadb::storage {
class Store;
class WriteBatch;
}  // namespace lumadb::storage

// Tables and their columns, with PostgreSQL-style OIDs (from 16384, as
// FirstNormalObjectId), persisted in the SQL column family. DDL is applied
// at once (not yet transactional). Thread-safe.
namespace lumadb::engine::sql {

struct Column {
  std::string name;
  Type type;
  bool not_null = false;
  bool has_default = false;
  Value default_value;  // a constant default
};

struct Table {
  uint32_t oid = 0;
  std::string schema = "public";
  std::string name;
  std::vector<Column> columns;
  // Primary key column indexes in key order; empty = a hidden row id keys the rows.
  std::vector<int> primary_key;

  int FindColumn(std::string_view column) const;
  // "t_pkey", as PostgreSQL names a table's primary key constraint.
  std::string PrimaryKeyName() const { return name + "_pkey"; }
};

class Catalog {
 public:
  explicit Catalog(storage::Store* store) : store_(store) {}

  // Reads every table definition from storage.
  SqlStatus Load();

  // nullptr when absent. Names are compared exactly (the parser folds case).
  std::shared_ptr<const Table> Find(std::string_view name) const;
  // Assigns the OID, stores the definition and makes it visible.
  SqlStatus Create(Table table);
  SqlStatus Drop(const std::string& name, storage::WriteBatch* rows_to_delete);

  // A hidden row id for a table without a primary key. When `mark` comes
  // back non-empty, the caller writes it at keys::RowIdMark with the row, so
  // ids are never reused after a restart.
  uint64_t NextRowId(uint32_t table_oid, std::string* mark);

 private:
  storage::Store* store_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Table>, std::less<>> tables_;
  uint32_t next_oid_ = 16384;
  std::map<uint32_t, uint64_t> next_rowid_;
};

// Key layout in the SQL column family.
namespace keys {
std::string TableDef(uint32_t oid);     // 0x01 'T' oid
std::string RowIdMark(uint32_t oid);    // 0x01 'R' oid
std::string RowPrefix(uint32_t oid);    // 0x02 oid
std::string NextOid();                  // 0x01 'O'
}  // namespace keys

}  // namespace lumadb::engine::sql

#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/sql/binder/functions.h"
#include "engine/sql/catalog/catalog.h"
#include "engine/sql/parser/ast.h"

namespace lumadb::storage {
class Store;
}

// Sequences: CREATE / ALTER / DROP SEQUENCE, and the session's side of
// nextval, currval, setval, lastval and pg_get_serial_sequence. A serial
// or identity column's counter is the sequence "<table>_<column>_seq", as
// PostgreSQL names the sequence it makes for one.
namespace lumadb::engine::sql {

class SessionSequences : public SequenceAccess {
 public:
  SessionSequences(Catalog* catalog, storage::Store* store) : catalog_(catalog), store_(store) {}

  SqlResult<int64_t> NextVal(const std::string& name) override;
  SqlResult<int64_t> CurrVal(const std::string& name) override;
  SqlResult<int64_t> SetVal(const std::string& name, int64_t value, bool is_called) override;
  SqlResult<int64_t> LastVal() override;
  SqlResult<std::optional<std::string>> SerialSequence(const std::string& table, const std::string& column) override;
  void SerialUsed(const std::string& table, const std::string& column, int64_t value) override;
  std::optional<std::string> RelationName(int64_t oid) override;
  SqlResult<int64_t> RelationOid(const std::string& name) override;
  std::optional<std::string> IndexDef(int64_t oid, bool pretty) override;
  std::optional<std::string> ConstraintDef(int64_t oid, bool pretty) override;
  std::optional<int64_t> RelationSize(int64_t oid, char part) override;
  std::optional<std::string> Description(int64_t oid, int subid) override;

 private:
  Catalog* catalog_;
  storage::Store* store_;
  std::map<std::string, int64_t> values_;  // currval per sequence name
  std::optional<int64_t> last_;            // lastval
};

// The serial / identity column whose counter is the sequence `name`:
// (table, column index), or nullopt.
std::optional<std::pair<std::shared_ptr<const Table>, int>> SerialColumnOf(const std::string& name,
                                                                           const Catalog& catalog);

SqlStatus RunSequenceDdl(const ast::SequenceDef& def, Catalog* catalog, std::vector<Notice>* notices);
SqlStatus DropSequences(const ast::Drop& d, Catalog* catalog, std::vector<Notice>* notices);

}  // namespace lumadb::engine::sql

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/common/error.h"
#include "engine/sql/types/types.h"

// PostgreSQL's everyday scalar functions (string and math), as a table the
// binder resolves names against: each entry says the types its arguments
// are coerced to and its result type, and evaluates over values. Semantics,
// messages and SQLSTATEs follow PostgreSQL 15 (varlena.c, oracle_compat.c,
// float.c). Strings are UTF-8 and counted in characters.
namespace lumadb::engine::sql {

using ScalarEval = SqlResult<Value> (*)(const std::vector<Value>& args, const Type& result);

struct ScalarFunction {
  const char* name;
  int min_args;
  int max_args;
  // The type each argument is coerced to; arguments past the list take the
  // last one. kText accepts every string type, kFloat8 every number.
  std::vector<TypeId> arg_types;
  TypeId result;
  ScalarEval eval;  // called only when no argument is NULL (the functions are strict) ...
  bool null_args = false;  // ... unless this is set (json_build_object)
};
// In arg_types: an argument of any type (unknown literals become text).
inline constexpr TypeId kAnyArg = TypeId::kNull;

// The function `name` (lower case, without pg_catalog.) taking `nargs`
// arguments, or nullptr.
const ScalarFunction* FindScalarFunction(std::string_view name, size_t nargs);

// The numeric versions of round, trunc, ceil, floor and sign (PostgreSQL
// picks them for a numeric first argument), or nullptr.
const ScalarFunction* FindNumericFunction(std::string_view name, size_t nargs);

// date_part(field, x) (double precision) and EXTRACT(field FROM x)
// (numeric, as PostgreSQL 15) of a date, timestamp or timestamptz; 22023
// `unit "x" not recognized for type ...` / `... not supported for type ...`.
SqlResult<Value> DatePart(const std::string& field, const Value& x, bool numeric_result);
// date_trunc(field, x) of a timestamp or timestamptz.
SqlResult<Value> DateTrunc(const std::string& field, const Value& x);

// What nextval, currval, setval, lastval and pg_get_serial_sequence reach:
// the catalog's sequences and the session's last values. The session
// installs one for the thread while its statements run.
class SequenceAccess {
 public:
  virtual ~SequenceAccess() = default;
  // `name` as the argument was written ('s', 'public.s', '"S"').
  virtual SqlResult<int64_t> NextVal(const std::string& name) = 0;
  virtual SqlResult<int64_t> CurrVal(const std::string& name) = 0;
  virtual SqlResult<int64_t> SetVal(const std::string& name, int64_t value, bool is_called) = 0;
  virtual SqlResult<int64_t> LastVal() = 0;
  // 'public.t_c_seq' for a serial or identity column, NULL (nullopt) otherwise.
  virtual SqlResult<std::optional<std::string>> SerialSequence(const std::string& table, const std::string& column) = 0;
  // A serial / identity column's counter gave `value` to a new row (as its
  // nextval default would: currval and lastval report it).
  virtual void SerialUsed(const std::string& table, const std::string& column, int64_t value) = 0;

  // The catalog as the OID alias types and the pg_get_*def functions read
  // it (the session's catalog access, beside its sequences):
  // the name regclass prints for a relation OID, or nullopt;
  virtual std::optional<std::string> RelationName(int64_t oid) { return std::nullopt; }
  // the OID of the relation `name` as written ('t', 'public.t', '"T"'), 42P01 if none;
  virtual SqlResult<int64_t> RelationOid(const std::string& name) {
    return MakeError(sqlstate::kUndefinedTable, "relation \"" + name + "\" does not exist");
  }
  // pg_get_indexdef and pg_get_constraintdef of an index or constraint OID
  // (`pretty`: PostgreSQL's pretty form), or nullopt.
  virtual std::optional<std::string> IndexDef(int64_t oid, bool pretty) { return std::nullopt; }
  virtual std::optional<std::string> ConstraintDef(int64_t oid, bool pretty) { return std::nullopt; }
  // The estimated bytes of a relation: 'm' its own keys (pg_relation_size),
  // 't' a table's rows (pg_table_size), 'i' its indexes (pg_indexes_size),
  // 'a' both (pg_total_relation_size); nullopt for an OID that is no relation.
  virtual std::optional<int64_t> RelationSize(int64_t oid, char part) { return std::nullopt; }
  // COMMENT ON's text for an object (subid: a column's attnum, else 0), or nullopt.
  virtual std::optional<std::string> Description(int64_t oid, int subid) { return std::nullopt; }
};
// The one installed for this thread, or null.
SequenceAccess* CurrentSequenceAccess();
// Installs `s` for this thread and returns the one it replaces.
SequenceAccess* SetSequenceAccess(SequenceAccess* s);

// The cast of text (a name) or of an OID to regclass, regtype or
// regnamespace (the names come from CurrentSequenceAccess()), or nullptr.
const ScalarFunction* FindRegCast(TypeId to, bool from_text);

// Lower-case hex MD5 of `data` (RFC 1321), as md5() returns it.
std::string Md5Hex(std::string_view data);

}  // namespace lumadb::engine::sql

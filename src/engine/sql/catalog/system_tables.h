#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/sql/catalog/catalog.h"

// The pg_catalog and information_schema relations clients read to learn
// what a database holds (psql's \dt and \dn, ORMs' table and column
// introspection), built from the catalog when a query names them: their
// rows are a snapshot of the catalog at planning time.
namespace lumadb::engine::sql {

// PostgreSQL's fixed OIDs of the namespaces.
inline constexpr uint32_t kPgCatalogNamespace = 11;
inline constexpr uint32_t kPublicNamespace = 2200;
inline constexpr uint32_t kInformationSchemaNamespace = 13181;
inline constexpr uint32_t kSuperuserOid = 10;

struct SystemRelation {
  std::shared_ptr<const Table> table;
  std::shared_ptr<std::vector<std::vector<Value>>> rows;
};

// The relation `names` ([schema.]name) refers to when it is one of the
// system relations LumaDB has (pg_catalog's are found without a schema, as
// pg_catalog is searched first), or nullopt.
std::optional<SystemRelation> FindSystemRelation(const std::vector<std::string>& names, const Catalog& catalog);

// What regclass and the pg_get_*def functions read: a relation's name by
// OID (tables, views, indexes, sequences) and its OID by name; an index's
// CREATE INDEX statement; a constraint's definition ("PRIMARY KEY (id)",
// "FOREIGN KEY (a) REFERENCES t(b) ON DELETE CASCADE") by the OID
// pg_constraint gives it.
std::optional<std::string> RelationNameByOid(const Catalog& catalog, uint32_t oid);
std::optional<uint32_t> RelationOidByName(const Catalog& catalog, const std::string& name);
// (`pretty` leaves out public. and CHECK's extra parentheses, as PostgreSQL's pretty form.)
std::optional<std::string> IndexDefinition(const Catalog& catalog, uint32_t oid, bool pretty);
std::optional<std::string> ConstraintDefinition(const Catalog& catalog, uint32_t oid, bool pretty);

}  // namespace lumadb::engine::sql

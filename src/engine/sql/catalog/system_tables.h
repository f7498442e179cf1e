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

}  // namespace lumadb::engine::sql

#pragma once

#include <vector>

#include "engine/sql/catalog/catalog.h"
#include "engine/sql/parser/ast.h"

// CREATE TYPE ... AS ENUM, ALTER TYPE ... ADD VALUE and DROP TYPE, with
// PostgreSQL 15's errors and notices.
namespace lumadb::engine::sql {

SqlStatus RunEnumDdl(const ast::EnumDef& def, Catalog* catalog, std::vector<Notice>* notices);
SqlStatus DropTypes(const ast::Drop& d, Catalog* catalog, std::vector<Notice>* notices);

}  // namespace lumadb::engine::sql

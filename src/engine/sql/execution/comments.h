#pragma once

#include "engine/sql/catalog/catalog.h"
#include "engine/sql/parser/ast.h"

// COMMENT ON TABLE | VIEW | SEQUENCE | INDEX | COLUMN | TYPE | SCHEMA |
// DATABASE ... IS 'text' | NULL: the text is kept in the catalog for
// obj_description, col_description and pg_description (psql's \d+, \dt+).
// Comments on kinds of objects LumaDB has no catalog entry for (extensions,
// functions, ...) are accepted and not kept.
namespace lumadb::engine::sql {

SqlStatus RunComment(const ast::Comment& c, Catalog* catalog);

}  // namespace lumadb::engine::sql

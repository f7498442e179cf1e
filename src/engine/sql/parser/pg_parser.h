#pragma once

#include <string_view>
#include <vector>

#include "engine/sql/common/error.h"
#include "engine/sql/parser/ast.h"

// The PostgreSQL front end: PostgreSQL 15's own grammar (libpg_query) turns
// the text into its parse tree, which is converted here, in one place, into
// LumaDB's AST. libpg_query's headers stay inside pg_parser.cc.
namespace lumadb::engine::sql {

// Parses a query string that may hold several statements separated by ';'.
// A syntax error is 42601 with PostgreSQL's message and 1-based position;
// constructs LumaDB does not support yet are 0A000 naming the construct.
SqlResult<std::vector<ast::Statement>> ParsePostgres(std::string_view sql);

}  // namespace lumadb::engine::sql

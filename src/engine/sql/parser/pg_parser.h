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

// Parses one expression written as SQL text (a stored DEFAULT or CHECK).
SqlResult<ast::ExprPtr> ParseExpression(std::string_view sql);

// The expression text `sql` with every reference to the column `from`
// renamed `to` (ALTER TABLE ... RENAME COLUMN over stored expressions).
std::string RenameColumnInExpression(std::string_view sql, std::string_view from, std::string_view to);

// An identifier as PostgreSQL's quote_identifier writes it: bare when it is
// lower case letters, digits and underscores (not leading with a digit) and
// not a keyword, else in double quotes.
std::string QuoteIdentifier(std::string_view name);

}  // namespace lumadb::engine::sql

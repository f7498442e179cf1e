#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/catalog/catalog.h"
#include "engine/sql/common/error.h"
#include "engine/sql/parser/ast.h"

// CREATE [OR REPLACE] VIEW and DROP VIEW. A view is a catalog entry with its
// query's text and result columns; queries that name it plan that text in
// its place. Views are read-only here.
namespace lumadb::engine::sql {

SqlStatus CreateView(const ast::CreateView& v, std::string_view sql, Catalog* catalog);
SqlStatus DropViews(const ast::Drop& d, Catalog* catalog, std::vector<Notice>* notices);
// The views whose queries read the relation `relation` (a table or a view).
std::vector<std::shared_ptr<const Table>> ViewsReading(const Catalog& catalog, const std::string& relation);

// The views that read `relation` directly or through other views, depth
// first as PostgreSQL lists them (views already in *views are skipped and
// stay), and PostgreSQL's DETAIL lines ("view v depends on table t").
void DependentViews(const Catalog& catalog, const std::string& relation, bool is_table,
                    std::vector<std::string>* views, std::string* detail);

}  // namespace lumadb::engine::sql

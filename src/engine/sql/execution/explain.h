#pragma once

#include <string>
#include <vector>

#include "engine/sql/planner/planner.h"

// EXPLAIN: a SELECT plan as PostgreSQL's text format draws it (nodes such as
// Limit, Sort, HashAggregate, Hash Join, Nested Loop, Seq Scan, Index Scan,
// Function Scan, Subquery Scan, with their Filter / Hash Cond / Sort Key /
// Group Key lines, children under "->  "), one line per output row. LumaDB
// has no cost model: the lines are those of EXPLAIN (COSTS OFF).
namespace lumadb::engine::sql {

std::vector<std::string> ExplainSelect(const SelectPlan& plan);

// An expression as EXPLAIN prints it ("(qty > 50)", "(a.id = b.a_id)");
// `qualify` prefixes columns with their table's name.
std::string DeparseExpr(const BoundExpr& e, const SelectPlan& plan, bool qualify);

}  // namespace lumadb::engine::sql

#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/sql/binder/expression.h"

// The set-returning functions that may stand in FROM, as PostgreSQL 15
// defines them: generate_series over integers, unnest of an array, and
// json(b)_each[_text], json(b)_array_elements[_text], json(b)_object_keys,
// regexp_matches, regexp_split_to_table and pg_partition_ancestors.
namespace lumadb::engine::sql {

struct TableFunctionColumn {
  std::string name;  // the column's name when the FROM item gives none
  Type type;
  // A function of one unnamed result column takes its column name from the
  // FROM item's alias (FROM unnest(a) AS u -> column u), as PostgreSQL does.
  bool scalar = false;
};

// True for the functions above.
bool IsTableFunction(std::string_view name);

// Coerces the call's arguments as the function takes them and gives its
// result columns; 42883 "function f(types) does not exist" otherwise.
SqlResult<std::vector<TableFunctionColumn>> TableFunctionColumns(const std::string& name, std::vector<BoundPtr>* args,
                                                                 const BindContext& ctx, int location);

// The rows of the call over argument values (a NULL argument gives no
// rows); fn may move the row away, and returns false to stop.
SqlStatus RunTableFunction(const std::string& name, const std::vector<Value>& args,
                           const std::function<SqlResult<bool>(std::vector<Value>&)>& fn);

}  // namespace lumadb::engine::sql

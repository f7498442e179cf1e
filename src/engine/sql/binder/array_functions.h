#pragma once

#include <string_view>

#include "engine/sql/binder/functions.h"

// PostgreSQL's array functions and operators over one-dimensional arrays
// (array_length, array_to_string, string_to_array, array_append, ...,
// || @> <@ &&), evaluated over array values (types/array.h). They are
// polymorphic (anyarray, anyelement): the binder decides argument and
// result types (see BindArrayFunction in expression.cc); these are the
// evaluators.
namespace lumadb::engine::sql {

// The evaluator of the array function or operator `name`, or nullptr.
const ScalarFunction* FindArrayFunction(std::string_view name);

}  // namespace lumadb::engine::sql

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/common/error.h"
#include "engine/sql/types/types.h"

// One-dimensional arrays (int[], text[], ...) as PostgreSQL 15 reads and
// prints them (arrayfuncs.c). A value of type kArray holds the array's
// canonical text, "{1,2,NULL}" or {"a b","c"}, which is also its text output.
namespace lumadb::engine::sql {

// An array literal's elements as written (NULL -> nullopt): '{a,"b c",NULL}'.
// 22P02 "malformed array literal: ..." with PostgreSQL's DETAIL; a
// multidimensional literal is 0A000 (not supported yet).
SqlResult<std::vector<std::optional<std::string>>> ParseArrayLiteral(std::string_view text);

// The array of type `t` (kArray) that `text` spells: each element read with
// the element type's input rules.
SqlResult<Value> ParseArray(std::string_view text, const Type& t);

// The elements of a non-NULL array value (NULL elements as NULL values).
SqlResult<std::vector<Value>> ArrayElements(const Value& array);

// An array of element type `elem` holding `items` (already of that type).
Value MakeArray(const Type& elem, const std::vector<Value>& items);

// PostgreSQL's array order: element by element (NULL elements last), then
// the shorter array first.
int CompareArrays(const Value& a, const Value& b);

// The array OID for an element type (int4 -> 1007), 0 when PostgreSQL has none.
uint32_t ArrayOid(TypeId elem);
// The element type of the array type `oid`, or kNull.
TypeId ArrayElementOfOid(uint32_t oid);

}  // namespace lumadb::engine::sql

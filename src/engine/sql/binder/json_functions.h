#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/binder/functions.h"
#include "engine/sql/types/json.h"
#include "engine/sql/types/types.h"

// The json and jsonb operators (-> ->> #> #>> @> <@ ? ?| ?& || - #-) and
// functions (jsonb_set, jsonb_build_object, to_jsonb, jsonb_typeof, ...) as
// PostgreSQL 15 defines them (jsonfuncs.c, jsonb_op.c, json.c), in the
// binder's ScalarFunction form; and the value conversions the JSON
// aggregates share.
namespace lumadb::engine::sql {

// One of the JSON operators' names.
bool IsJsonOperator(std::string_view op);
// The operator `op` over operands of types l and r (unknown literals already
// resolved), or nullptr.
const ScalarFunction* FindJsonOperator(std::string_view op, TypeId l, TypeId r);
// The type an unknown literal takes as the right operand of `op`.
TypeId JsonOperandType(std::string_view op);

// The JSON function `name` taking `nargs` arguments, or nullptr.
const ScalarFunction* FindJsonFunction(std::string_view name, size_t nargs);

// json(b)_build_array's and json(b)_agg's array of values (`aggregate`:
// json_agg's "\n " before an array element after the first).
Value JsonArrayOf(TypeId type, const std::vector<Value>& items, bool aggregate);
// json(b)_build_object's and json(b)_object_agg's object of keys (as their
// text) and values; `spaced_braces` for json_object_agg's "{ ... }".
Value JsonObjectOf(TypeId type, const std::vector<Value>& keys, const std::vector<Value>& values, bool spaced_braces);

// to_json's text of a value (NULL as null), and to_jsonb's tree.
void AppendToJson(const Value& v, std::string* out);
json::Node ToJsonbNode(const Value& v);

}  // namespace lumadb::engine::sql

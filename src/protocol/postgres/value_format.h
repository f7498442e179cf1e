#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/sql/common/error.h"
#include "engine/sql/types/types.h"

// SQL values in the wire's text (format 0) and binary (format 1) forms, and
// the type OIDs clients send in Parse. Pure functions, no session state.
namespace lumadb::protocol::postgres {

// The type for a Parse parameter OID (0 = let the server infer it), or
// nullopt for a type LumaDB does not have.
std::optional<engine::sql::Type> TypeForOid(uint32_t oid);

// A bind parameter (nullopt = NULL) of `type` in `format`. Errors are
// PostgreSQL's: 22P02 etc. for text, 22P03 for binary of the wrong size.
engine::sql::SqlResult<engine::sql::Value> DecodeParam(std::optional<std::string_view> data, int16_t format,
                                                       const engine::sql::Type& type, size_t index);

// Appends a non-null value in `format` (text, or binary: big-endian integers
// and IEEE floats, one byte for bool, raw bytes for strings).
void AppendValue(const engine::sql::Value& v, int16_t format, std::string* out);

}  // namespace lumadb::protocol::postgres

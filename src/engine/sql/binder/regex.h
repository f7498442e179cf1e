#pragma once

#include <regex.h>

#include <string>

#include "engine/sql/common/error.h"

// POSIX extended regular expressions from the C library for ~, ~*,
// regexp_replace and regexp_match (PostgreSQL's advanced expressions are a
// superset; the common forms mean the same). Compiled once per pattern,
// flags and thread.
namespace lumadb::engine::sql {

// The compiled pattern (valid until the next call on this thread compiles
// a 65th distinct one); 2201B "invalid regular expression: ..." otherwise.
SqlResult<const regex_t*> CompileRegex(const std::string& pattern, bool icase, bool nosub);

}  // namespace lumadb::engine::sql

#pragma once

#include <regex.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/common/error.h"

// POSIX extended regular expressions from the C library for ~, ~*,
// regexp_replace and regexp_match (PostgreSQL's advanced expressions are a
// superset; the common forms mean the same). Compiled once per pattern,
// flags and thread.
namespace lumadb::engine::sql {

// The compiled pattern (valid until the next call on this thread compiles
// a 65th distinct one); 2201B "invalid regular expression: ..." otherwise.
SqlResult<const regex_t*> CompileRegex(const std::string& pattern, bool icase, bool nosub);

// Calls fn(start, end, groups) (offsets in s; groups has 10 entries) for
// each match from the start of s, one unless `all`; after a zero-length
// match the search goes on one character later. A string with a NUL byte
// has no matches.
SqlStatus ForEachMatch(const std::string& s, const regex_t* re, bool all,
                       const std::function<void(size_t, size_t, const regmatch_t*)>& fn);

struct RegexOptions {
  bool icase = false;
  bool global = false;  // g: every match
};
// The flags argument of regexp_replace & co: g (when allowed), i, c;
// 22023 "invalid regular expression option" otherwise.
SqlResult<RegexOptions> ParseRegexFlags(std::string_view flags, bool allow_g);

// regexp_match(es): each match's capture groups (the whole match when the
// pattern has none; an unmatched group is nullopt); the first match only
// unless global.
SqlResult<std::vector<std::vector<std::optional<std::string>>>> RegexMatches(const std::string& s,
                                                                             const std::string& pattern,
                                                                             RegexOptions options);

// regexp_split_to_array / _table: the pieces between matches, PostgreSQL's
// way (a zero-length match at either end of the string or right after the
// previous match does not split).
SqlResult<std::vector<std::string>> RegexSplit(const std::string& s, const std::string& pattern,
                                               RegexOptions options);

}  // namespace lumadb::engine::sql

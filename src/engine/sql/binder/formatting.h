#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/sql/common/error.h"
#include "engine/sql/types/interval.h"

// PostgreSQL's data type formatting functions (formatting.c): to_char of
// timestamps, intervals and numbers, and to_timestamp / to_date, which read
// text by the same template patterns (YYYY, MM, DD, HH24, MI, SS, MS, US,
// Month, Dy, AM, TZH, FM, TH, ...). The session time zone is UTC.
namespace lumadb::engine::sql {

// to_char(timestamp[tz], fmt): `with_tz` prints TZ as "UTC" and OF/TZH as +00.
SqlResult<std::string> ToCharTimestamp(int64_t ts, bool with_tz, std::string_view fmt);
// to_char(interval, fmt); 22007 for calendar-only patterns (Day, Month, TZ, ...).
SqlResult<std::string> ToCharInterval(const datetime::Interval& iv, std::string_view fmt);
// to_char(number, fmt) with 9 0 . , D G S MI PR FM TH: `decimal_text` is
// the number's exact text ("-1234.5"), rounded here to the template's digits.
SqlResult<std::string> ToCharNumber(std::string_view decimal_text, std::string_view fmt);
// to_char(double precision, fmt): rounded as printf does, to at most 15 digits.
SqlResult<std::string> ToCharFloat(double x, std::string_view fmt);

// to_timestamp(text, fmt) as a timestamptz and to_date(text, fmt) as a date
// (days since 2000-01-01), with PostgreSQL's 22007 / 22008 errors.
SqlResult<int64_t> ToTimestamp(std::string_view text, std::string_view fmt);
SqlResult<int32_t> ToDate(std::string_view text, std::string_view fmt);

}  // namespace lumadb::engine::sql

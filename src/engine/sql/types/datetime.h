#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/sql/common/error.h"

// date, timestamp and timestamptz as PostgreSQL stores them: text input
// (date_in / timestamp_in / timestamptz_in with DateStyle ISO, MDY), text
// output (ISO), rounding to a precision, conversions and field extraction.
// Pure functions over strings and integers; the session time zone is UTC.
//
//   date:        int32_t days since 2000-01-01.
//   timestamp:   int64_t microseconds since 2000-01-01 00:00:00.
//   timestamptz: int64_t microseconds since 2000-01-01 00:00:00 UTC.
//
// The calendar is the proleptic Gregorian one; there is no year 0 in text
// (1 BC is followed by 1 AD), while Fields::year is astronomical (1 BC = 0).
namespace lumadb::engine::sql::datetime {

inline constexpr int32_t kDateNegInfinity = INT32_MIN;
inline constexpr int32_t kDateInfinity = INT32_MAX;
inline constexpr int64_t kTsNegInfinity = INT64_MIN;
inline constexpr int64_t kTsInfinity = INT64_MAX;

inline constexpr int64_t kMicrosPerSecond = 1000000;
inline constexpr int64_t kMicrosPerDay = 86400000000;

// Finite values PostgreSQL accepts, inclusive. Dates: 4714-11-24 BC (Julian
// day 0) .. 5874897-12-31. Timestamps: 4714-11-24 00:00:00 BC ..
// 294276-12-31 23:59:59.999999. (PostgreSQL's documentation says "4713 BC",
// counting in the Julian calendar.)
inline constexpr int32_t kMinDate = -2451545;
inline constexpr int32_t kMaxDate = 2145031948;
inline constexpr int64_t kMinTimestamp = -211813488000000000;
inline constexpr int64_t kMaxTimestamp = 9223371331199999999;

// Parse PostgreSQL text input, as with DateStyle = 'ISO, MDY'. `now_us` (a
// timestamp, microseconds since 2000-01-01 UTC) is what 'now', 'today',
// 'tomorrow' and 'yesterday' refer to; only those words read it.
//
// Accepted: ISO dates and times ('2024-01-31 13:45:00.5', 'T' separator,
// 24:00:00, 23:59:60), YYYYMMDD[ HHMMSS], MM/DD/YYYY, 'Jan 31 2024',
// '31 Jan 2024', 'January 31, 2024', '2024-Jan-31', YYYY.DDD, AM/PM, BC/AD,
// weekday names, and the words epoch, infinity, +infinity, -infinity, now,
// today, tomorrow, yesterday, allballs. Time zones: +HH, -HH, +HHMM, +HH:MM,
// +HH:MM:SS (up to 15 hours), the abbreviations Z, ZULU, UT, UTC, UCT, GMT
// (optionally followed by DST, one hour east), zone names equal to UTC
// (Etc/UTC, GMT0, ...) and POSIX zones without daylight saving time
// ('UTC+5' is 5 hours west of UTC). Not supported: other zone names and
// abbreviations (EST, America/New_York), POSIX zones with a daylight-saving
// part, Julian days ('J2451545') and labelled ISO fields ('y2024m01d31').
//
// Errors carry PostgreSQL's SQLSTATE and wording; the quoted text is `text`
// as given:
//   22007 invalid input syntax for type date: "..."  (also "timestamp",
//         "timestamp with time zone")
//   22008 date/time field value out of range: "..."  (with the hint
//         'Perhaps you need a different "datestyle" setting.' when a month
//         or day field is out of range and the field order may be to blame)
//   22008 date out of range: "..." / timestamp out of range: "..."
//   22009 time zone displacement out of range: "..."
//   22023 time zone "..." not recognized
//
// ParseDate ignores any time of day and zone in the input. ParseTimestamp
// ignores the zone (as PostgreSQL does, though the zone must still be
// valid). ParseTimestampTz converts from the given zone to UTC; no zone
// means the session zone, UTC. Timestamps are returned at full microsecond
// precision (more than 6 fraction digits round to microseconds); apply
// RoundTimestamp for a typmod.
SqlResult<int32_t> ParseDate(std::string_view text, int64_t now_us);
SqlResult<int64_t> ParseTimestamp(std::string_view text, int64_t now_us);
SqlResult<int64_t> ParseTimestampTz(std::string_view text, int64_t now_us);

// time_in: a time of day ('13:45', '1:45:00.5 PM', 'allballs', '040506', a
// date and zone before or after it are ignored; 'now' is the current time),
// in microseconds since midnight up to 24:00:00. 22007 invalid input syntax
// for type time: "...", 22008 date/time field value out of range: "...".
SqlResult<int64_t> ParseTime(std::string_view text, int64_t now_us);
// "13:45:00", "13:45:00.5".
void AppendTime(int64_t t, std::string* out);

// Append PostgreSQL's ISO output to *out:
//   date         "2024-01-31", "0044-03-15 BC", "infinity", "-infinity"
//   timestamp    "2024-01-31 13:45:00", "2024-01-31 13:45:00.5" (fraction
//                only when nonzero, trailing zeros trimmed), "... BC"
//   timestamptz  as timestamp with "+00" after the time (session zone UTC),
//                "0044-03-15 12:00:00+00 BC"
// Values outside the valid range print deterministic but meaningless text.
void AppendDate(int32_t d, std::string* out);
void AppendTimestamp(int64_t ts, std::string* out);
void AppendTimestampTz(int64_t ts, std::string* out);

// Round to `precision` fraction digits (0..5), half away from zero as
// PostgreSQL's AdjustTimestampForTypmod does (so 1999-12-31 23:59:59.5 at
// precision 0 becomes 23:59:59: "away from zero" is away from 2000-01-01).
// Precision 6 or more, a negative precision and the infinities return `ts`
// unchanged. Like PostgreSQL 15, rounding the last half second of
// 294276-12-31 yields kMaxTimestamp + 1 (294277-01-01 00:00:00) without error.
int64_t RoundTimestamp(int64_t ts, int precision);

// Microseconds rounded to `precision` fraction digits (0..5) as RoundTimestamp
// does, for any value (interval and time fields); other precisions: unchanged.
int64_t RoundMicroseconds(int64_t us, int precision);
// ".5", ".000001": the fraction of a second `us` (its absolute value) as
// PostgreSQL prints it, trailing zeros trimmed; nothing for 0.
void AppendFraction(int64_t us, std::string* out);

// Midnight of `d`; the infinities map to the timestamp infinities. A date
// after 294276-12-31 fails with 22008 "date out of range for timestamp".
SqlResult<int64_t> DateToTimestamp(int32_t d);

// The day `ts` falls on (floor division: -1 µs is 1999-12-31); the
// infinities map to the date infinities.
int32_t TimestampToDate(int64_t ts);

// The current time from std::chrono::system_clock, as a timestamptz.
int64_t CurrentTimestampMicros();

// Broken-down fields for EXTRACT / date_part. `year` is astronomical
// (1 BC = 0, 2 BC = -1); `micros` is the fraction of the second (0..999999).
// Floor division, so times before 2000 come out as on a wall clock. For the
// infinities the result is meaningless: check for them first.
struct Fields {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int micros = 0;
};
Fields TimestampFields(int64_t ts);
Fields DateFields(int32_t d);  // hour, minute, second and micros are 0
// The date of an astronomical year, month and day (days since 2000-01-01).
int32_t DateFromFields(int year, int month, int day);

}  // namespace lumadb::engine::sql::datetime

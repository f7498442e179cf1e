#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/sql/common/error.h"

// interval and time (without time zone) as PostgreSQL 15 defines them
// (timestamp.c, date.c, datetime.c): text input and output (IntervalStyle
// postgres), typmods, the calendar arithmetic between timestamps, dates,
// times and intervals, and the interval functions (age, justify_*,
// make_interval). Pure functions over integers and strings.
//
//   interval: months, days and microseconds, kept apart as PostgreSQL keeps
//             them ('1 mon' and '30 days' are different values that compare
//             equal); a Value holds its 16-byte encoding (EncodeInterval).
//   time:     int64_t microseconds since midnight, 0 .. 24:00:00.
namespace lumadb::engine::sql::datetime {

struct Interval {
  int32_t months = 0;
  int32_t days = 0;
  int64_t micros = 0;
};

// The 16 bytes a Value of type interval holds, and back (a string of any
// other length decodes as zero).
std::string EncodeInterval(const Interval& iv);
Interval DecodeInterval(std::string_view bytes);

// Interval typmods: PostgreSQL's INTERVAL_TYPMOD(precision, fields) with the
// field masks of `interval year to month`, `interval day to second(3)`, ...
inline constexpr int kIntervalFullRange = 0x7FFF;
inline constexpr int kIntervalFullPrecision = 0xFFFF;
int32_t IntervalTypmod(int precision, int range);
int IntervalTypmodPrecision(int32_t typmod);  // -1: unconstrained
int IntervalTypmodRange(int32_t typmod);      // kIntervalFullRange: all fields
// Field mask bits (datetime.h's YEAR, MONTH, ... as INTERVAL_MASK uses them).
inline constexpr int kIntervalYear = 1 << 2;
inline constexpr int kIntervalMonth = 1 << 1;
inline constexpr int kIntervalDay = 1 << 3;
inline constexpr int kIntervalHour = 1 << 10;
inline constexpr int kIntervalMinute = 1 << 11;
inline constexpr int kIntervalSecond = 1 << 12;
// " year to month", "(3)", " day to second(3)" as format_type appends it.
std::string IntervalTypmodText(int32_t typmod);
// 22023 "invalid INTERVAL type modifier" (bad field combinations) and the
// precision checks of intervaltypmodin; the typmod for `mods` as the
// grammar gives them ([fields] or [fields, precision]).
SqlResult<int32_t> IntervalTypmodFromMods(const int32_t* mods, size_t n);

// interval_in: PostgreSQL's verbose form ('1 year 2 mons 3 days 04:05:06',
// '@ 1 minute ago', '1.5 days', '1 day, 2 hours', '-1 day +02:00', unit
// abbreviations, 'Y-M'), bare numbers and times ('10' is seconds, or the
// typmod's last field), and ISO 8601 ('P1Y2M3DT4H5M6S', 'P0001-02-03T04:05:06').
// 22007 invalid input syntax for type interval: "...", 22015 interval field
// value out of range: "...". `typmod` (-1 for none) applies as in
// AdjustIntervalForTypmod.
SqlResult<Interval> ParseInterval(std::string_view text, int32_t typmod);
// Truncation to the typmod's fields and rounding to its precision.
SqlResult<Interval> ApplyIntervalTypmod(const Interval& iv, int32_t typmod);
// IntervalStyle postgres: "1 year 2 mons 3 days 04:05:06.5", "-1 days +02:00:00", "00:00:00".
void AppendInterval(const Interval& iv, std::string* out);

// Total order and equality as interval_cmp: by months * 30 days + days +
// microseconds. `SpanKey` is that span as 16 order-preserving bytes.
int CompareIntervals(const Interval& a, const Interval& b);
std::string SpanKey(const Interval& iv);

// Arithmetic; 22008 "interval out of range" / "timestamp out of range" on
// overflow, 22012 for division by zero. Infinite timestamps stay infinite.
SqlResult<Interval> AddIntervals(const Interval& a, const Interval& b);
SqlResult<Interval> SubIntervals(const Interval& a, const Interval& b);
SqlResult<Interval> NegateInterval(const Interval& a);
SqlResult<Interval> MulInterval(const Interval& a, double factor);
SqlResult<Interval> DivInterval(const Interval& a, double factor);
SqlResult<int64_t> TimestampPlusInterval(int64_t ts, const Interval& iv);
SqlResult<int64_t> TimestampMinusInterval(int64_t ts, const Interval& iv);
// timestamp - timestamp: the difference in days and time (justify_hours).
SqlResult<Interval> TimestampDiff(int64_t a, int64_t b);
// age(a, b): the symbolic difference in years, months, days and time.
SqlResult<Interval> Age(int64_t a, int64_t b);
Interval JustifyHours(const Interval& iv);
Interval JustifyDays(const Interval& iv);
Interval JustifyInterval(const Interval& iv);
// make_interval(years, months, weeks, days, hours, mins, secs).
SqlResult<Interval> MakeInterval(int64_t years, int64_t months, int64_t weeks, int64_t days, int64_t hours,
                                 int64_t mins, double secs);

// Broken-down interval fields (interval2itm) for EXTRACT / date_part.
struct IntervalFields {
  int64_t year = 0;
  int month = 0;
  int64_t day = 0;
  int64_t hour = 0;
  int minute = 0;
  int second = 0;
  int micros = 0;
};
IntervalFields IntervalFieldsOf(const Interval& iv);
// EXTRACT(epoch FROM interval) in microseconds (a year is 365.25 days, a
// month 30).
__int128 IntervalEpochMicros(const Interval& iv);

// time arithmetic, wrapping at midnight as PostgreSQL's does (time's text
// forms are in datetime.h).
int64_t RoundTime(int64_t t, int precision);
int64_t TimePlusInterval(int64_t t, const Interval& iv);
// The time of day of a timestamp, and an interval's time part as a time of day.
int64_t TimestampTimeOfDay(int64_t ts);
int64_t IntervalToTime(const Interval& iv);

}  // namespace lumadb::engine::sql::datetime

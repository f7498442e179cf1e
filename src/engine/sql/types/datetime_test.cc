#include "engine/sql/types/datetime.h"

#include <gtest/gtest.h>

#include <string>

namespace lumadb::engine::sql::datetime {
namespace {

// 2026-12-03 07:54:38.436711 UTC, the "now" the tests pass in.
constexpr int64_t kNow = 849599678436711;

enum class Kind { kDate, kTimestamp, kTimestampTz };

// Parses `in` as `kind` and prints it back, or returns "ERROR sqlstate: message".
std::string RoundTrip(Kind kind, std::string_view in) {
  std::string out;
  auto error = [](const SqlError& e) { return "ERROR " + e.sqlstate + ": " + e.message; };
  if (kind == Kind::kDate) {
    auto r = ParseDate(in, kNow);
    if (!r.ok()) return error(r.status().error());
    AppendDate(*r, &out);
  } else if (kind == Kind::kTimestamp) {
    auto r = ParseTimestamp(in, kNow);
    if (!r.ok()) return error(r.status().error());
    AppendTimestamp(*r, &out);
  } else {
    auto r = ParseTimestampTz(in, kNow);
    if (!r.ok()) return error(r.status().error());
    AppendTimestampTz(*r, &out);
  }
  return out;
}

std::string Date(int32_t d) {
  std::string s;
  AppendDate(d, &s);
  return s;
}
std::string Ts(int64_t ts) {
  std::string s;
  AppendTimestamp(ts, &s);
  return s;
}
int64_t ParseTs(std::string_view in) {
  auto r = ParseTimestamp(in, kNow);
  EXPECT_TRUE(r.ok()) << in;
  return r.ok() ? *r : 0;
}
int32_t ParseD(std::string_view in) {
  auto r = ParseDate(in, kNow);
  EXPECT_TRUE(r.ok()) << in;
  return r.ok() ? *r : 0;
}

// Every expected string is what PostgreSQL 15 printed for `'<in>'::<type>`
// (DateStyle ISO, MDY; TimeZone UTC).
TEST(DatetimeTest, RoundTripsLikePostgres) {
  struct Case {
    Kind kind;
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {Kind::kDate, "2024-01-31", "2024-01-31"},
      {Kind::kDate, " 2024-01-31 ", "2024-01-31"},
      {Kind::kDate, "20240131", "2024-01-31"},
      {Kind::kDate, "01/13/2024", "2024-01-13"},
      {Kind::kDate, "1/2/3", "2003-01-02"},
      {Kind::kDate, "1/2/70", "1970-01-02"},
      {Kind::kDate, "Jan 31 2024", "2024-01-31"},
      {Kind::kDate, "31 Jan 2024", "2024-01-31"},
      {Kind::kDate, "January 31, 2024", "2024-01-31"},
      {Kind::kDate, "2024-Jan-31", "2024-01-31"},
      {Kind::kDate, "31-Jan-2024", "2024-01-31"},
      {Kind::kDate, "Wed Jan 31 2024", "2024-01-31"},
      {Kind::kDate, "2024.031", "2024-01-31"},
      {Kind::kDate, "2024-02-29", "2024-02-29"},
      {Kind::kDate, "2000-02-29", "2000-02-29"},
      {Kind::kDate, "1900-02-28", "1900-02-28"},
      {Kind::kDate, "0044-03-15 BC", "0044-03-15 BC"},
      {Kind::kDate, "0001-01-01 BC", "0001-01-01 BC"},
      {Kind::kDate, "4714-11-24 BC", "4714-11-24 BC"},
      {Kind::kDate, "5874897-12-31", "5874897-12-31"},
      {Kind::kDate, "epoch", "1970-01-01"},
      {Kind::kDate, "infinity", "infinity"},
      {Kind::kDate, "-infinity", "-infinity"},
      {Kind::kDate, "2024-01-31 13:45:00+05", "2024-01-31"},
      {Kind::kDate, "2024-01-31 24:00:00", "2024-01-31"},
      {Kind::kDate, "2024-1-5", "2024-01-05"},
      {Kind::kTimestamp, "2024-01-31 13:45:00", "2024-01-31 13:45:00"},
      {Kind::kTimestamp, "2024-01-31 13:45", "2024-01-31 13:45:00"},
      {Kind::kTimestamp, "2024-01-31T13:45:00", "2024-01-31 13:45:00"},
      {Kind::kTimestamp, "2024-01-31 13:45:00.5", "2024-01-31 13:45:00.5"},
      {Kind::kTimestamp, "2024-01-31 13:45:00.123456", "2024-01-31 13:45:00.123456"},
      {Kind::kTimestamp, "2024-01-31 13:45:00.1234565", "2024-01-31 13:45:00.123456"},
      {Kind::kTimestamp, "2024-01-31 13:45:00.1234575", "2024-01-31 13:45:00.123458"},
      {Kind::kTimestamp, "2024-01-31 13:45:00.9999995", "2024-01-31 13:45:01"},
      {Kind::kTimestamp, "2024-01-31 13:45:00+05", "2024-01-31 13:45:00"},
      {Kind::kTimestamp, "2024-01-31 24:00:00", "2024-02-01 00:00:00"},
      {Kind::kTimestamp, "2024-01-31 23:59:60", "2024-02-01 00:00:00"},
      {Kind::kTimestamp, "1999-12-31 24:00:00", "2000-01-01 00:00:00"},
      {Kind::kTimestamp, "2024-01-31", "2024-01-31 00:00:00"},
      {Kind::kTimestamp, "20240131 134500", "2024-01-31 13:45:00"},
      {Kind::kTimestamp, "20240131T134500", "2024-01-31 13:45:00"},
      {Kind::kTimestamp, "January 31, 2024 1:45 pm", "2024-01-31 13:45:00"},
      {Kind::kTimestamp, "2024-01-31 12:00 am", "2024-01-31 00:00:00"},
      {Kind::kTimestamp, "0044-03-15 12:00:00 BC", "0044-03-15 12:00:00 BC"},
      {Kind::kTimestamp, "0044-03-15 BC 12:00:00", "0044-03-15 12:00:00 BC"},
      {Kind::kTimestamp, "4714-11-24 00:00:00 BC", "4714-11-24 00:00:00 BC"},
      {Kind::kTimestamp, "294276-12-31 23:59:59.999999", "294276-12-31 23:59:59.999999"},
      {Kind::kTimestamp, "1999-12-31 23:59:59.5", "1999-12-31 23:59:59.5"},
      {Kind::kTimestamp, "1969-07-20 20:17:40", "1969-07-20 20:17:40"},
      {Kind::kTimestamp, "1900-02-28 12:00", "1900-02-28 12:00:00"},
      {Kind::kTimestamp, "epoch", "1970-01-01 00:00:00"},
      {Kind::kTimestamp, "infinity", "infinity"},
      {Kind::kTimestamp, "-infinity", "-infinity"},
      {Kind::kTimestamp, "Infinity", "infinity"},
      {Kind::kTimestampTz, "2024-01-31 13:45:00", "2024-01-31 13:45:00+00"},
      {Kind::kTimestampTz, "2024-01-31T13:45:00Z", "2024-01-31 13:45:00+00"},
      {Kind::kTimestampTz, "2024-01-31 13:45:00+05", "2024-01-31 08:45:00+00"},
      {Kind::kTimestampTz, "2024-01-31 13:45:00 +05:30", "2024-01-31 08:15:00+00"},
      {Kind::kTimestampTz, "2024-01-31 13:45:00-0830", "2024-01-31 22:15:00+00"},
      {Kind::kTimestampTz, "2024-01-31 13:45:00+05:30:15", "2024-01-31 08:14:45+00"},
      {Kind::kTimestampTz, "2024-01-31 13:45:00 UTC", "2024-01-31 13:45:00+00"},
      {Kind::kTimestampTz, "2024-01-31 13:45:00 GMT", "2024-01-31 13:45:00+00"},
      {Kind::kTimestampTz, "2024-01-31 13:45:00 Etc/UTC", "2024-01-31 13:45:00+00"},
      {Kind::kTimestampTz, "2024-01-31 13:45:00 UTC+5", "2024-01-31 18:45:00+00"},
      {Kind::kTimestampTz, "2024-01-31 13:45 utc dst", "2024-01-31 12:45:00+00"},
      {Kind::kTimestampTz, "1970-01-01 00:00:00+15", "1969-12-31 09:00:00+00"},
      {Kind::kTimestampTz, "1970-01-01 00:00:00-15:59", "1970-01-01 15:59:00+00"},
      {Kind::kTimestampTz, "0044-03-15 12:00:00 BC", "0044-03-15 12:00:00+00 BC"},
      {Kind::kTimestampTz, "2024-01-31 13:45:00 +05:30 BC", "2024-01-31 08:15:00+00 BC"},
      {Kind::kTimestampTz, "4714-11-24 00:00:00 BC", "4714-11-24 00:00:00+00 BC"},
      {Kind::kTimestampTz, "294277-01-01 00:00:00+01", "294276-12-31 23:00:00+00"},
      {Kind::kTimestampTz, "epoch", "1970-01-01 00:00:00+00"},
      {Kind::kTimestampTz, "-infinity", "-infinity"},
  };
  for (const Case& c : cases) EXPECT_EQ(RoundTrip(c.kind, c.in), c.out) << c.in;
}

TEST(DatetimeTest, Representation) {
  EXPECT_EQ(ParseD("2000-01-01"), 0);
  EXPECT_EQ(ParseD("2000-01-02"), 1);
  EXPECT_EQ(ParseD("1999-12-31"), -1);
  EXPECT_EQ(ParseD("1970-01-01"), -10957);
  EXPECT_EQ(ParseD("4714-11-24 BC"), kMinDate);
  EXPECT_EQ(ParseD("5874897-12-31"), kMaxDate);
  EXPECT_EQ(ParseTs("2000-01-01 00:00:00"), 0);
  EXPECT_EQ(ParseTs("2000-01-01 00:00:00.000001"), 1);
  EXPECT_EQ(ParseTs("1999-12-31 23:59:59.999999"), -1);
  EXPECT_EQ(ParseTs("2000-01-02"), kMicrosPerDay);
  EXPECT_EQ(ParseTs("epoch"), -946684800000000);
  EXPECT_EQ(ParseTs("4714-11-24 00:00:00 BC"), kMinTimestamp);
  EXPECT_EQ(ParseTs("294276-12-31 23:59:59.999999"), kMaxTimestamp);
}

TEST(DatetimeTest, Infinities) {
  EXPECT_EQ(ParseD("infinity"), kDateInfinity);
  EXPECT_EQ(ParseD(" Infinity "), kDateInfinity);
  EXPECT_EQ(ParseD("+infinity"), kDateInfinity);  // PostgreSQL 16 accepts it, 15 does not
  EXPECT_EQ(ParseD("-INFINITY"), kDateNegInfinity);
  EXPECT_EQ(ParseTs("infinity"), kTsInfinity);
  EXPECT_EQ(ParseTs("-infinity"), kTsNegInfinity);
  EXPECT_EQ(*ParseTimestampTz("+infinity", kNow), kTsInfinity);
  EXPECT_EQ(Date(kDateInfinity), "infinity");
  EXPECT_EQ(Date(kDateNegInfinity), "-infinity");
  EXPECT_EQ(Ts(kTsInfinity), "infinity");
  EXPECT_EQ(Ts(kTsNegInfinity), "-infinity");
  std::string tz;
  AppendTimestampTz(kTsNegInfinity, &tz);
  EXPECT_EQ(tz, "-infinity");
  EXPECT_EQ(RoundTrip(Kind::kDate, "infinity infinity"),
            "ERROR 22007: invalid input syntax for type date: \"infinity infinity\"");
}

TEST(DatetimeTest, BcDates) {
  // Year 0 does not exist in text: 1 BC is followed by 1 AD.
  EXPECT_EQ(ParseD("0001-01-01") - ParseD("0001-12-31 BC"), 1);
  EXPECT_EQ(DateFields(ParseD("0001-12-31 BC")).year, 0);
  EXPECT_EQ(DateFields(ParseD("0002-06-01 BC")).year, -1);
  EXPECT_EQ(Date(ParseD("0001-12-31 BC")), "0001-12-31 BC");
  EXPECT_EQ(RoundTrip(Kind::kDate, "44-03-15 BC"), "ERROR 22008: date/time field value out of range: \"44-03-15 BC\"");
  EXPECT_EQ(RoundTrip(Kind::kDate, "0044-03-15 BC"), "0044-03-15 BC");
  EXPECT_EQ(RoundTrip(Kind::kDate, "15 March 44 BC"), "0044-03-15 BC");
  EXPECT_EQ(RoundTrip(Kind::kTimestamp, "0044-03-15 BC 23:59:59.25"), "0044-03-15 23:59:59.25 BC");
  // 1 BC is a leap year (astronomical year 0), as is 5 BC.
  EXPECT_EQ(RoundTrip(Kind::kDate, "0001-02-29 BC"), "0001-02-29 BC");
  EXPECT_EQ(RoundTrip(Kind::kDate, "0005-02-29 BC"), "0005-02-29 BC");
  EXPECT_EQ(RoundTrip(Kind::kDate, "0002-02-29 BC"),
            "ERROR 22008: date/time field value out of range: \"0002-02-29 BC\"");
}

TEST(DatetimeTest, LeapYears) {
  EXPECT_EQ(RoundTrip(Kind::kDate, "2000-02-29"), "2000-02-29");
  EXPECT_EQ(RoundTrip(Kind::kDate, "2024-02-29"), "2024-02-29");
  EXPECT_EQ(RoundTrip(Kind::kDate, "1900-02-29"), "ERROR 22008: date/time field value out of range: \"1900-02-29\"");
  EXPECT_EQ(RoundTrip(Kind::kDate, "2100-02-29"), "ERROR 22008: date/time field value out of range: \"2100-02-29\"");
  EXPECT_EQ(RoundTrip(Kind::kDate, "2023-02-29"), "ERROR 22008: date/time field value out of range: \"2023-02-29\"");
  EXPECT_EQ(ParseD("1900-03-01") - ParseD("1900-02-28"), 1);
  EXPECT_EQ(ParseD("2000-03-01") - ParseD("2000-02-28"), 2);
  EXPECT_EQ(ParseD("2001-01-01") - ParseD("2000-01-01"), 366);
  EXPECT_EQ(ParseD("1901-01-01") - ParseD("1900-01-01"), 365);
  EXPECT_EQ(RoundTrip(Kind::kDate, "2024.060"), "2024-02-29");  // day 60 of a leap year
  EXPECT_EQ(RoundTrip(Kind::kDate, "2023.060"), "2023-03-01");
}

TEST(DatetimeTest, NegativeTimestampsBefore2000) {
  EXPECT_EQ(Ts(-1), "1999-12-31 23:59:59.999999");
  EXPECT_EQ(Ts(-kMicrosPerDay), "1999-12-31 00:00:00");
  EXPECT_EQ(Ts(-kMicrosPerDay - 1), "1999-12-30 23:59:59.999999");
  EXPECT_EQ(Ts(-500000), "1999-12-31 23:59:59.5");
  EXPECT_EQ(Ts(ParseTs("1969-07-20 20:17:40.123")), "1969-07-20 20:17:40.123");
  Fields f = TimestampFields(ParseTs("1969-07-20 20:17:40.123"));
  EXPECT_EQ(f.year, 1969);
  EXPECT_EQ(f.month, 7);
  EXPECT_EQ(f.day, 20);
  EXPECT_EQ(f.hour, 20);
  EXPECT_EQ(f.minute, 17);
  EXPECT_EQ(f.second, 40);
  EXPECT_EQ(f.micros, 123000);
}

TEST(DatetimeTest, Fields) {
  Fields f = TimestampFields(ParseTs("2024-01-31 13:45:07.000250"));
  EXPECT_EQ(f.year, 2024);
  EXPECT_EQ(f.month, 1);
  EXPECT_EQ(f.day, 31);
  EXPECT_EQ(f.hour, 13);
  EXPECT_EQ(f.minute, 45);
  EXPECT_EQ(f.second, 7);
  EXPECT_EQ(f.micros, 250);
  Fields d = DateFields(ParseD("0044-03-15 BC"));
  EXPECT_EQ(d.year, -43);
  EXPECT_EQ(d.month, 3);
  EXPECT_EQ(d.day, 15);
  EXPECT_EQ(d.hour, 0);
  Fields first = DateFields(kMinDate);
  EXPECT_EQ(first.year, -4713);
  EXPECT_EQ(first.month, 11);
  EXPECT_EQ(first.day, 24);
  Fields last = TimestampFields(kMaxTimestamp);
  EXPECT_EQ(last.year, 294276);
  EXPECT_EQ(last.second, 59);
  EXPECT_EQ(last.micros, 999999);
}

TEST(DatetimeTest, SyntaxErrors) {
  EXPECT_EQ(RoundTrip(Kind::kDate, "garbage"), "ERROR 22007: invalid input syntax for type date: \"garbage\"");
  // The message quotes the input exactly as given.
  EXPECT_EQ(RoundTrip(Kind::kDate, " garbage "), "ERROR 22007: invalid input syntax for type date: \" garbage \"");
  EXPECT_EQ(RoundTrip(Kind::kDate, ""), "ERROR 22007: invalid input syntax for type date: \"\"");
  EXPECT_EQ(RoundTrip(Kind::kTimestamp, "garbage"),
            "ERROR 22007: invalid input syntax for type timestamp: \"garbage\"");
  EXPECT_EQ(RoundTrip(Kind::kTimestampTz, "garbage"),
            "ERROR 22007: invalid input syntax for type timestamp with time zone: \"garbage\"");
  const char* bad[] = {
      "2024-01",                      // no day
      "13:45",                        // a time alone
      "now 13:00",                    // "now" is already a time
      "2024-01-31 13:45 13:46",       // two times
      "13:45 2024-01-31",             // a full date must not follow a time
      "2024-01-31 BC AD",             // two eras
      "2024-01-31 13:45:00 +05 +06",  // two zones
      "2024-01-31 13:45:00 foo",      // unknown word
      "2024-01-31 13:45:00 XYZT",     // an unknown zone abbreviation
      "2024-01-31 t",                 // "t" without a time
      "Jan 31",                       // no year
  };
  for (const char* in : bad) {
    EXPECT_EQ(RoundTrip(Kind::kTimestamp, in),
              "ERROR 22007: invalid input syntax for type timestamp: \"" + std::string(in) + "\"");
  }
}

TEST(DatetimeTest, FieldOutOfRange) {
  const char* cases[][2] = {
      {"2024-02-30", "date"},
      {"2023-02-29", "date"},
      {"0000-01-01", "date"},
      {"0000-01-01 BC", "date"},
      {"99999999999-01-01", "date"},
      {"2024-01-31 25:00:00", "timestamp"},
      {"2024-01-31 24:00:01", "timestamp"},
      {"2024-01-31 23:60:00", "timestamp"},
      {"2024-01-31 23:59:60.5", "timestamp"},
      {"2024-01-31 13:02:03 pm", "timestamp"},
  };
  for (const auto& c : cases) {
    auto r = std::string(c[1]) == "date" ? ParseDate(c[0], kNow).TakeStatus() : ParseTimestamp(c[0], kNow).TakeStatus();
    ASSERT_FALSE(r.ok()) << c[0];
    EXPECT_EQ(r.error().sqlstate, "22008");
    EXPECT_EQ(r.error().message, "date/time field value out of range: \"" + std::string(c[0]) + "\"");
    EXPECT_EQ(r.error().hint, "") << c[0];
  }
}

TEST(DatetimeTest, MonthOrDayOutOfRangeHintsAtDateStyle) {
  for (const char* in : {"2024-13-01", "13/01/2024", "01/32/2024", "99-01-01", "2024-00-01"}) {
    auto r = ParseDate(in, kNow);
    ASSERT_FALSE(r.ok()) << in;
    EXPECT_EQ(r.status().error().sqlstate, "22008");
    EXPECT_EQ(r.status().error().message, "date/time field value out of range: \"" + std::string(in) + "\"");
    EXPECT_EQ(r.status().error().hint, "Perhaps you need a different \"datestyle\" setting.");
  }
}

TEST(DatetimeTest, YearOutOfRange) {
  EXPECT_EQ(RoundTrip(Kind::kDate, "5874898-01-01"), "ERROR 22008: date out of range: \"5874898-01-01\"");
  EXPECT_EQ(RoundTrip(Kind::kDate, "4714-11-23 BC"), "ERROR 22008: date out of range: \"4714-11-23 BC\"");
  EXPECT_EQ(RoundTrip(Kind::kTimestamp, "294277-01-01 00:00:00"),
            "ERROR 22008: timestamp out of range: \"294277-01-01 00:00:00\"");
  EXPECT_EQ(RoundTrip(Kind::kTimestamp, "5874897-12-31 23:59"),
            "ERROR 22008: timestamp out of range: \"5874897-12-31 23:59\"");
  EXPECT_EQ(RoundTrip(Kind::kTimestamp, "4714-11-23 23:59:59 BC"),
            "ERROR 22008: timestamp out of range: \"4714-11-23 23:59:59 BC\"");
  EXPECT_EQ(RoundTrip(Kind::kTimestampTz, "294276-12-31 23:59:59.9999995"),
            "ERROR 22008: timestamp out of range: \"294276-12-31 23:59:59.9999995\"");
  // In range as local time, out of range once converted to UTC.
  EXPECT_EQ(RoundTrip(Kind::kTimestampTz, "4714-11-24 00:00:00+01 BC"),
            "ERROR 22008: timestamp out of range: \"4714-11-24 00:00:00+01 BC\"");
  EXPECT_EQ(RoundTrip(Kind::kTimestamp, "4714-11-24 00:00:00+01 BC"), "4714-11-24 00:00:00 BC");
}

TEST(DatetimeTest, ZoneErrors) {
  EXPECT_EQ(RoundTrip(Kind::kTimestampTz, "1970-01-01 00:00:00+16"),
            "ERROR 22009: time zone displacement out of range: \"1970-01-01 00:00:00+16\"");
  EXPECT_EQ(RoundTrip(Kind::kTimestampTz, "2024-01-31 13:45:00+05:60"),
            "ERROR 22009: time zone displacement out of range: \"2024-01-31 13:45:00+05:60\"");
  // timestamp ignores the zone but it must still be valid.
  EXPECT_EQ(RoundTrip(Kind::kTimestamp, "1970-01-01 00:00:00+16"),
            "ERROR 22009: time zone displacement out of range: \"1970-01-01 00:00:00+16\"");
  EXPECT_EQ(RoundTrip(Kind::kDate, "-2024-01-31"), "ERROR 22009: time zone displacement out of range: \"-2024-01-31\"");
  EXPECT_EQ(RoundTrip(Kind::kTimestampTz, "2024-01-31 13:45:00 Foo/Bar"),
            "ERROR 22023: time zone \"foo/bar\" not recognized");
  // tz database names (any case) and abbreviations convert at their offset then.
  EXPECT_EQ(RoundTrip(Kind::kTimestampTz, "2024-01-31 13:45 America/New_York"), "2024-01-31 18:45:00+00");
  EXPECT_EQ(RoundTrip(Kind::kTimestampTz, "2024-07-31 13:45 america/new_york"), "2024-07-31 17:45:00+00");
  EXPECT_EQ(RoundTrip(Kind::kTimestampTz, "2024-07-31 13:45 EST"), "2024-07-31 18:45:00+00");
  EXPECT_EQ(RoundTrip(Kind::kTimestamp, "2024-07-31 13:45 Europe/Paris"), "2024-07-31 13:45:00");
}

TEST(DatetimeTest, Zones) {
  int64_t utc = *ParseTimestampTz("2024-01-31 13:45:00", kNow);
  EXPECT_EQ(utc, ParseTs("2024-01-31 13:45:00"));  // session zone is UTC
  for (const char* z : {"Z", "z", "UTC", "utc", "GMT", "UT", "Zulu", "+00", "-00:00", "Etc/UTC", "GMT0"}) {
    std::string in = std::string("2024-01-31 13:45:00 ") + z;
    EXPECT_EQ(*ParseTimestampTz(in, kNow), utc) << in;
  }
  EXPECT_EQ(*ParseTimestampTz("2024-01-31 13:45:00+05", kNow), utc - 5 * 3600 * kMicrosPerSecond);
  EXPECT_EQ(*ParseTimestampTz("2024-01-31 13:45:00 -08:30", kNow), utc + (8 * 3600 + 1800) * kMicrosPerSecond);
  EXPECT_EQ(*ParseTimestampTz("2024-01-31T13:45:00+0530", kNow), utc - (5 * 3600 + 1800) * kMicrosPerSecond);
  EXPECT_EQ(*ParseTimestampTz("2024-01-31 13:45:00 UTC+5", kNow), utc + 5 * 3600 * kMicrosPerSecond);  // POSIX sign
  EXPECT_EQ(ParseTs("2024-01-31 13:45:00+05"), utc);  // ignored without time zone
  EXPECT_EQ(ParseD("2024-01-31 23:00-05"), ParseD("2024-01-31"));
}

TEST(DatetimeTest, RelativeWords) {
  // kNow is 2026-12-03 07:54:38.436711.
  EXPECT_EQ(RoundTrip(Kind::kDate, "today"), "2026-12-03");
  EXPECT_EQ(RoundTrip(Kind::kDate, "TOMORROW"), "2026-12-04");
  EXPECT_EQ(RoundTrip(Kind::kDate, "yesterday"), "2026-12-02");
  EXPECT_EQ(RoundTrip(Kind::kDate, "now"), "2026-12-03");
  EXPECT_EQ(RoundTrip(Kind::kTimestamp, "now"), "2026-12-03 07:54:38.436711");
  EXPECT_EQ(*ParseTimestampTz("now", kNow), kNow);
  EXPECT_EQ(RoundTrip(Kind::kTimestamp, "today"), "2026-12-03 00:00:00");
  EXPECT_EQ(RoundTrip(Kind::kTimestamp, "tomorrow"), "2026-12-04 00:00:00");
  EXPECT_EQ(RoundTrip(Kind::kTimestamp, "13:45 today"), "2026-12-03 13:45:00");
  EXPECT_EQ(RoundTrip(Kind::kTimestampTz, "tomorrow 12:00+05"), "2026-12-04 07:00:00+00");
  EXPECT_EQ(RoundTrip(Kind::kTimestamp, "now BC"), "2026-12-03 07:54:38.436711 BC");
  EXPECT_EQ(RoundTrip(Kind::kTimestamp, "today tomorrow"),
            "ERROR 22007: invalid input syntax for type timestamp: \"today tomorrow\"");
  // With now just before 2000, today is 1999-12-31.
  EXPECT_EQ(*ParseDate("today", -1), -1);
  EXPECT_EQ(*ParseDate("tomorrow", -1), 0);
}

TEST(DatetimeTest, FractionRoundsToMicroseconds) {
  EXPECT_EQ(ParseTs("2000-01-01 00:00:00.0000005"), 0);  // rint: half to even
  EXPECT_EQ(ParseTs("2000-01-01 00:00:00.0000015"), 2);
  EXPECT_EQ(ParseTs("2000-01-01 00:00:00.00000051"), 1);
  EXPECT_EQ(ParseTs("2000-01-01 00:00:00.9999999"), kMicrosPerSecond);
  EXPECT_EQ(ParseTs("2000-01-01 00:00:00."), 0);
}

TEST(DatetimeTest, RoundTimestamp) {
  int64_t t = ParseTs("2024-01-31 13:45:00.123456");
  EXPECT_EQ(Ts(RoundTimestamp(t, 0)), "2024-01-31 13:45:00");
  EXPECT_EQ(Ts(RoundTimestamp(t, 1)), "2024-01-31 13:45:00.1");
  EXPECT_EQ(Ts(RoundTimestamp(t, 3)), "2024-01-31 13:45:00.123");
  EXPECT_EQ(Ts(RoundTimestamp(t, 5)), "2024-01-31 13:45:00.12346");
  EXPECT_EQ(RoundTimestamp(t, 6), t);
  EXPECT_EQ(RoundTimestamp(t, -1), t);
  EXPECT_EQ(Ts(RoundTimestamp(ParseTs("2024-01-31 13:45:00.1235"), 3)), "2024-01-31 13:45:00.124");
  EXPECT_EQ(Ts(RoundTimestamp(ParseTs("2000-01-01 00:00:00.5"), 0)), "2000-01-01 00:00:01");
  EXPECT_EQ(Ts(RoundTimestamp(ParseTs("2024-12-31 23:59:59.5"), 0)), "2025-01-01 00:00:00");
  // Half away from zero, and zero is 2000-01-01: before it a half rounds
  // down, as PostgreSQL prints for '1999-12-31 23:59:59.5'::timestamp(0).
  EXPECT_EQ(Ts(RoundTimestamp(ParseTs("1999-12-31 23:59:59.5"), 0)), "1999-12-31 23:59:59");
  EXPECT_EQ(Ts(RoundTimestamp(ParseTs("1999-12-31 23:59:59.6"), 0)), "2000-01-01 00:00:00");
  EXPECT_EQ(Ts(RoundTimestamp(ParseTs("1969-07-20 20:17:40.55"), 1)), "1969-07-20 20:17:40.5");
  EXPECT_EQ(Ts(RoundTimestamp(ParseTs("0044-03-15 12:00:00.5 BC"), 0)), "0044-03-15 12:00:00 BC");
  // PostgreSQL 15 prints '294276-12-31 23:59:59.5'::timestamp(0) this way.
  EXPECT_EQ(Ts(RoundTimestamp(ParseTs("294276-12-31 23:59:59.5"), 0)), "294277-01-01 00:00:00");
  EXPECT_EQ(RoundTimestamp(kTsInfinity, 0), kTsInfinity);
  EXPECT_EQ(RoundTimestamp(kTsNegInfinity, 3), kTsNegInfinity);
}

TEST(DatetimeTest, DateToTimestamp) {
  EXPECT_EQ(*DateToTimestamp(0), 0);
  EXPECT_EQ(*DateToTimestamp(-1), -kMicrosPerDay);
  EXPECT_EQ(Ts(*DateToTimestamp(ParseD("2024-01-31"))), "2024-01-31 00:00:00");
  EXPECT_EQ(Ts(*DateToTimestamp(ParseD("4714-11-24 BC"))), "4714-11-24 00:00:00 BC");
  EXPECT_EQ(Ts(*DateToTimestamp(ParseD("294276-12-31"))), "294276-12-31 00:00:00");
  EXPECT_EQ(*DateToTimestamp(kDateInfinity), kTsInfinity);
  EXPECT_EQ(*DateToTimestamp(kDateNegInfinity), kTsNegInfinity);
  auto r = DateToTimestamp(ParseD("294277-01-01"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().error().sqlstate, "22008");
  EXPECT_EQ(r.status().error().message, "date out of range for timestamp");
  EXPECT_FALSE(DateToTimestamp(kMaxDate).ok());
}

TEST(DatetimeTest, TimestampToDate) {
  EXPECT_EQ(TimestampToDate(0), 0);
  EXPECT_EQ(TimestampToDate(kMicrosPerDay - 1), 0);
  EXPECT_EQ(TimestampToDate(-1), -1);  // floor, not truncation
  EXPECT_EQ(TimestampToDate(-kMicrosPerDay), -1);
  EXPECT_EQ(TimestampToDate(-kMicrosPerDay - 1), -2);
  EXPECT_EQ(Date(TimestampToDate(ParseTs("1999-12-31 23:59:59.999999"))), "1999-12-31");
  EXPECT_EQ(Date(TimestampToDate(ParseTs("0044-03-15 12:00:00 BC"))), "0044-03-15 BC");
  EXPECT_EQ(TimestampToDate(kMinTimestamp), kMinDate);
  EXPECT_EQ(TimestampToDate(kTsInfinity), kDateInfinity);
  EXPECT_EQ(TimestampToDate(kTsNegInfinity), kDateNegInfinity);
  for (int32_t d : {kMinDate, -730000, -1, 0, 1, 9000, 106751982}) {
    EXPECT_EQ(TimestampToDate(*DateToTimestamp(d)), d);
    EXPECT_EQ(TimestampToDate(*DateToTimestamp(d) + kMicrosPerDay - 1), d);
  }
}

TEST(DatetimeTest, CalendarAgreesDayByDay) {
  // Around 1900 and 2000, and from the first valid day: each date prints and
  // parses back to itself, and the next day follows the Gregorian calendar.
  auto days_in_month = [](int y, int m) {
    static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    return m == 2 && leap ? 29 : kDays[m - 1];
  };
  for (int32_t start : {-40000, kMinDate, kMaxDate - 1000}) {
    for (int32_t d = start; d < start + 80000 && d < kMaxDate; d++) {
      std::string s = Date(d);
      auto r = ParseDate(s, kNow);
      ASSERT_TRUE(r.ok()) << s;
      ASSERT_EQ(*r, d) << s;
      Fields a = DateFields(d), b = DateFields(d + 1);
      if (a.day < days_in_month(a.year, a.month)) {
        ASSERT_TRUE(b.year == a.year && b.month == a.month && b.day == a.day + 1) << s;
      } else if (a.month < 12) {
        ASSERT_TRUE(b.year == a.year && b.month == a.month + 1 && b.day == 1) << s;
      } else {
        ASSERT_TRUE(b.year == a.year + 1 && b.month == 1 && b.day == 1) << s;
      }
    }
  }
  EXPECT_EQ(Date(-36524), "1900-01-01");
}

TEST(DatetimeTest, CurrentTimestampIsNow) {
  int64_t now = CurrentTimestampMicros();
  EXPECT_GT(now, ParseTs("2024-01-01"));
  EXPECT_LT(now, ParseTs("2100-01-01"));
}

}  // namespace
}  // namespace lumadb::engine::sql::datetime

#include "engine/sql/types/interval.h"

#include <gtest/gtest.h>

#include "engine/sql/types/datetime.h"

namespace lumadb::engine::sql::datetime {
namespace {

std::string Text(const Interval& iv) {
  std::string s;
  AppendInterval(iv, &s);
  return s;
}

std::string Parsed(std::string_view in, int32_t typmod = -1) {
  auto r = ParseInterval(in, typmod);
  return r.ok() ? Text(r.value()) : "error " + r.status().error().sqlstate;
}

TEST(Interval, InputAndOutputAsPostgres) {
  EXPECT_EQ(Parsed("1 year 2 mons 3 days 04:05:06.7"), "1 year 2 mons 3 days 04:05:06.7");
  EXPECT_EQ(Parsed("-1 day 2 hours"), "-1 days +02:00:00");
  EXPECT_EQ(Parsed("1.5 months"), "1 mon 15 days");
  EXPECT_EQ(Parsed("@ 1 day 2 hours ago"), "-1 days -02:00:00");
  EXPECT_EQ(Parsed("P1Y2M3DT4H5M6S"), "1 year 2 mons 3 days 04:05:06");
  EXPECT_EQ(Parsed("1 12:00"), "1 day 12:00:00");
  EXPECT_EQ(Parsed("10"), "00:00:10");
  EXPECT_EQ(Parsed("10", IntervalTypmod(kIntervalFullPrecision, kIntervalMinute)), "00:10:00");
  EXPECT_EQ(Parsed("-1-2"), "-1 years -2 mons");
  EXPECT_EQ(Parsed("0"), "00:00:00");
  EXPECT_EQ(Parsed("1 2"), "error 22007");
  EXPECT_EQ(Parsed("1 day 1 day"), "error 22007");
  EXPECT_EQ(Parsed("01:60:00"), "error 22015");
  EXPECT_EQ(Parsed("2147483647 days 1 day"), "error 22015");
}

TEST(Interval, TypmodsTruncateAndRound) {
  int32_t day_to_minute = IntervalTypmod(kIntervalFullPrecision, kIntervalDay | kIntervalHour | kIntervalMinute);
  EXPECT_EQ(Parsed("1 day 02:03:04.5678", day_to_minute), "1 day 02:03:00");
  int32_t second2 = IntervalTypmod(2, kIntervalSecond);
  EXPECT_EQ(Parsed("1 day 02:03:04.5678", second2), "1 day 02:03:04.57");
  EXPECT_EQ(IntervalTypmodText(second2), " second(2)");
  EXPECT_EQ(IntervalTypmodText(IntervalTypmod(3, kIntervalFullRange)), "(3)");
  EXPECT_EQ(IntervalTypmodText(day_to_minute), " day to minute");
  int32_t bad[] = {kIntervalYear | kIntervalSecond};
  EXPECT_FALSE(IntervalTypmodFromMods(bad, 1).ok());
}

TEST(Interval, ComparesBySpanAndKeysInOrder) {
  Interval month{1, 0, 0}, days30{0, 30, 0}, hours25{0, 0, 25 * 3600 * kMicrosPerSecond}, day{0, 1, 0};
  EXPECT_EQ(CompareIntervals(month, days30), 0);
  EXPECT_EQ(SpanKey(month), SpanKey(days30));
  EXPECT_GT(CompareIntervals(hours25, day), 0);
  EXPECT_LT(SpanKey(day), SpanKey(hours25));
  EXPECT_LT(SpanKey(Interval{0, -1, 0}), SpanKey(Interval{}));
  EXPECT_EQ(DecodeInterval(EncodeInterval(Interval{-5, 7, -9})).micros, -9);
}

TEST(Interval, ArithmeticAsPostgres) {
  int64_t jan31 = DateFromFields(2024, 1, 31) * kMicrosPerDay;
  auto feb = TimestampPlusInterval(jan31, Interval{1, 0, 0});
  ASSERT_TRUE(feb.ok());
  EXPECT_EQ(feb.value(), DateFromFields(2024, 2, 29) * kMicrosPerDay);
  EXPECT_EQ(Text(TimestampDiff(DateFromFields(2024, 3, 1) * kMicrosPerDay, jan31 + 3600 * kMicrosPerSecond).value()),
            "29 days 23:00:00");
  EXPECT_EQ(Text(MulInterval(Interval{1, 0, 0}, 0.5).value()), "15 days");
  EXPECT_EQ(Text(DivInterval(Interval{0, 0, 3600 * kMicrosPerSecond}, 7).value()), "00:08:34.285714");
  EXPECT_FALSE(DivInterval(Interval{1, 0, 0}, 0).ok());
  EXPECT_EQ(Text(Age(DateFromFields(2001, 4, 10) * kMicrosPerDay, DateFromFields(1957, 6, 13) * kMicrosPerDay).value()),
            "43 years 9 mons 27 days");
  EXPECT_EQ(Text(JustifyInterval(Interval{1, 0, -3600 * kMicrosPerSecond})), "29 days 23:00:00");
  EXPECT_EQ(TimePlusInterval(10 * 3600 * kMicrosPerSecond, Interval{0, 0, 15 * 3600 * kMicrosPerSecond}),
            3600 * kMicrosPerSecond);
  EXPECT_FALSE(TimestampPlusInterval(kMaxTimestamp, Interval{0, 1, 0}).ok());
  EXPECT_EQ(TimestampPlusInterval(kTsInfinity, Interval{0, 1, 0}).value(), kTsInfinity);
}

}  // namespace
}  // namespace lumadb::engine::sql::datetime

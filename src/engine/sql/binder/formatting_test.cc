#include "engine/sql/binder/formatting.h"

#include <gtest/gtest.h>

#include "engine/sql/types/datetime.h"

namespace lumadb::engine::sql {
namespace {

std::string Num(std::string_view v, std::string_view fmt) {
  auto r = ToCharNumber(v, fmt);
  return r.ok() ? r.value() : "error " + r.status().error().sqlstate;
}

TEST(Formatting, NumbersAsPostgres) {
  EXPECT_EQ(Num("0.5", "9.99"), "  .50");
  EXPECT_EQ(Num("-1234.5", "9999.99"), "-1234.50");
  EXPECT_EQ(Num("5", "000"), " 005");
  EXPECT_EQ(Num("1234567.891", "FM999,999,990.00"), "1,234,567.89");
  EXPECT_EQ(Num("12345", "999"), " ###");
  EXPECT_EQ(Num("-5", "999PR"), "  <5>");
  EXPECT_EQ(Num("-5", "999MI"), "  5-");
  EXPECT_EQ(Num("0", "FM9.99"), "0.");
  EXPECT_EQ(Num("12", "FM99th"), "12th");
  EXPECT_EQ(Num("485", "RN"), "error 0A000");
}

TEST(Formatting, TimestampsAndBack) {
  int64_t ts = int64_t{datetime::DateFromFields(2024, 3, 5)} * datetime::kMicrosPerDay + 8LL * 3600 * 1000000;
  EXPECT_EQ(ToCharTimestamp(ts, false, "FMDay, FMDDth FMMonth YYYY HH12 am").value(), "Tuesday, 5th March 2024 08 am");
  EXPECT_EQ(ToCharTimestamp(ts, true, "YYYY-MM-DD\"T\"HH24:MI:SS TZ").value(), "2024-03-05T08:00:00 UTC");
  EXPECT_EQ(ToTimestamp("05 Mar 2024 8:00 AM", "DD Mon YYYY HH:MI AM").value(), ts);
  EXPECT_EQ(ToDate("2024-3-5", "YYYY-MM-DD").value(), datetime::DateFromFields(2024, 3, 5));
  EXPECT_EQ(ToDate("2024-02-30", "YYYY-MM-DD").status().error().sqlstate, "22008");
  EXPECT_EQ(ToTimestamp("x", "YYYY").status().error().sqlstate, "22007");
  EXPECT_EQ(ToCharInterval(datetime::Interval{0, 1, 0}, "Day").status().error().sqlstate, "22007");
}

}  // namespace
}  // namespace lumadb::engine::sql

#include "engine/sql/types/timezone.h"

#include <gtest/gtest.h>

#include "engine/sql/types/datetime.h"

namespace lumadb::engine::sql::datetime {
namespace {

int64_t At(int y, int m, int d, int hh, int mi) {
  return (int64_t{DateFromFields(y, m, d)} * 86400 + hh * 3600 + mi * 60) * kMicrosPerSecond;
}

TEST(TimeZone, NewYorkOffsetsAndTransitions) {
  const TimeZone* ny = FindTimeZone("america/NEW_york");
  ASSERT_NE(ny, nullptr);
  EXPECT_EQ(ny->name(), "America/New_York");
  std::string abbrev;
  EXPECT_EQ(ny->OffsetAt(At(2024, 1, 15, 12, 0), &abbrev), -5 * 3600);
  EXPECT_EQ(abbrev, "EST");
  EXPECT_EQ(ny->OffsetAt(At(2024, 7, 15, 12, 0), &abbrev), -4 * 3600);
  EXPECT_EQ(abbrev, "EDT");
  // Far beyond the file's transitions: the footer's POSIX rule.
  EXPECT_EQ(ny->OffsetAt(At(2300, 7, 1, 0, 0)), -4 * 3600);
  EXPECT_EQ(ny->OffsetAt(At(2300, 12, 1, 0, 0)), -5 * 3600);
  // 02:30 on 2024-03-10 does not exist: read with the offset before the change (EST).
  EXPECT_EQ(ny->LocalToUtc(At(2024, 3, 10, 2, 30)), At(2024, 3, 10, 7, 30));
  // 01:30 on 2024-11-03 happens twice: the later one (EST).
  EXPECT_EQ(ny->LocalToUtc(At(2024, 11, 3, 1, 30)), At(2024, 11, 3, 6, 30));
  EXPECT_EQ(ny->UtcToLocal(At(2024, 7, 4, 16, 0)), At(2024, 7, 4, 12, 0));
}

TEST(TimeZone, PosixZonesFixedOffsetsAndUnknownNames) {
  const TimeZone* west5 = FindTimeZone("UTC+5");  // POSIX: five hours west
  ASSERT_NE(west5, nullptr);
  EXPECT_EQ(west5->OffsetAt(0), -5 * 3600);
  const TimeZone* rule = FindTimeZone("CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->OffsetAt(At(2024, 7, 1, 0, 0)), 2 * 3600);
  EXPECT_EQ(rule->OffsetAt(At(2024, 1, 1, 0, 0)), 3600);
  EXPECT_EQ(FindTimeZone("Nowhere/Land"), nullptr);
  EXPECT_EQ(FindTimeZone("../../etc/passwd"), nullptr);
  EXPECT_EQ(UtcZone()->OffsetAt(At(2024, 7, 1, 0, 0)), 0);
  int32_t east;
  ASSERT_TRUE(ZoneAbbreviationOffset("PDT", &east));
  EXPECT_EQ(east, -7 * 3600);
  std::string s;
  AppendOffset(5 * 3600 + 30 * 60, &s);
  AppendOffset(-(19 * 60 + 32), &s);
  EXPECT_EQ(s, "+05:30-00:19:32");
}

TEST(TimeZone, ScopeSetsTheThreadsZone) {
  EXPECT_EQ(CurrentZone(), UtcZone());
  {
    ZoneScope scope(FindTimeZone("Asia/Kolkata"));
    EXPECT_EQ(CurrentZone()->OffsetAt(0), 19800);
    std::string out;
    AppendTimestampTz(At(2024, 1, 15, 12, 0), &out);
    EXPECT_EQ(out, "2024-01-15 17:30:00+05:30");
  }
  EXPECT_EQ(CurrentZone(), UtcZone());
}

}  // namespace
}  // namespace lumadb::engine::sql::datetime

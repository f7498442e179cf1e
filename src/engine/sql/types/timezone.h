#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Time zones from the tz database (/usr/share/zoneinfo, Debian's tzdata)
// as PostgreSQL uses them: the UTC offset in effect at an instant, the UTC
// instant of a local time (PostgreSQL's rule for times a DST transition
// skips or repeats), and the session's zone, which a statement sees while it
// runs on a thread (ZoneScope). Instants are microseconds since 2000-01-01
// 00:00:00 UTC, as timestamptz stores them.
namespace lumadb::engine::sql::datetime {

class TimeZone {
 public:
  // A zone at a fixed offset east of UTC, named `name`.
  TimeZone(std::string name, int32_t offset_east);

  const std::string& name() const { return name_; }
  // Seconds east of UTC at `utc_us`, and the zone's abbreviation then ("EST").
  int32_t OffsetAt(int64_t utc_us, std::string* abbrev = nullptr) const;
  // The instant whose local time in this zone is `local_us`. In a
  // spring-forward gap the offset before the transition is used, in a
  // fall-back overlap the offset after it (DetermineTimeZoneOffset).
  int64_t LocalToUtc(int64_t local_us) const;
  int64_t UtcToLocal(int64_t utc_us) const;

  // Parses a TZif file's contents (RFC 8536, versions 1-4); false if malformed.
  bool LoadTzif(std::string_view data);
  // Takes a POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0", "UTC+5") as the whole rule.
  bool ParseRule(std::string_view s);

 private:
  struct Ttinfo {
    int32_t utoff = 0;
    bool isdst = false;
    std::string abbrev;
  };
  // The POSIX TZ string of a TZif footer ("EST5EDT,M3.2.0,M11.1.0"): the
  // rule for instants after the last transition.
  struct Rule {
    Ttinfo std;
    Ttinfo dst;
    bool has_dst = false;
    struct Date {
      char kind = 'M';  // 'J' (1..365, no Feb 29), 'D' (0..365), 'M' (month.week.weekday)
      int a = 0, b = 0, c = 0;
      int32_t time = 7200;  // seconds after local midnight
    } start, end;
  };
  const Ttinfo& TypeAt(int64_t unix_seconds) const;
  const Ttinfo& RuleTypeAt(int64_t unix_seconds) const;
  int64_t TransitionUnix(int year, const Rule::Date& d, int32_t offset) const;

  std::string name_;
  std::vector<int64_t> transitions_;  // Unix seconds, ascending
  std::vector<uint8_t> type_index_;
  std::vector<Ttinfo> types_;
  bool has_rule_ = false;
  Rule rule_;
};

// The zone named `name`: a tz database name, matched without regard to case
// ("america/new_york" is America/New_York), UTC/GMT/Z and their aliases, or a
// fixed offset written "+05", "-03:30". Loaded once per process and kept;
// nullptr if there is no such zone.
const TimeZone* FindTimeZone(std::string_view name);
const TimeZone* UtcZone();
// A time zone abbreviation as timestamp input reads it ("EST" is -05:00):
// seconds east of UTC, false if unknown.
bool ZoneAbbreviationOffset(std::string_view abbrev, int32_t* offset_east);

// The session zone of this thread's statement (UTC when none is installed).
const TimeZone* CurrentZone();
class ZoneScope {
 public:
  explicit ZoneScope(const TimeZone* zone);
  ~ZoneScope();
  ZoneScope(const ZoneScope&) = delete;
  ZoneScope& operator=(const ZoneScope&) = delete;

 private:
  const TimeZone* prev_;
};

// PostgreSQL's text of a UTC offset east: "+00", "-05", "+05:30", "+00:19:32".
void AppendOffset(int32_t offset_east, std::string* out);

}  // namespace lumadb::engine::sql::datetime

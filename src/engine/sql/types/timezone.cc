#include "engine/sql/types/timezone.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "engine/sql/types/datetime.h"

namespace lumadb::engine::sql::datetime {
namespace {

constexpr const char* kZoneDir = "/usr/share/zoneinfo";
constexpr int64_t kUnixEpochOffset = 946684800;  // seconds from 1970-01-01 to 2000-01-01

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t UnixSeconds(int64_t us) { return FloorDiv(us, kMicrosPerSecond) + kUnixEpochOffset; }

int64_t ReadBig(std::string_view s, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; i++) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<size_t>(i)]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

bool IsLeap(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }
int DaysIn(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}
// Days since 1970-01-01 of a civil date.
int64_t UnixDays(int year, int month, int day) { return int64_t{DateFromFields(year, month, day)} + 10957; }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
std::string LowerCase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// [+-]hh[:mm[:ss]] in seconds (POSIX TZ strings' offsets and times).
bool ParseHms(std::string_view s, size_t* pos, int32_t* out) {
  size_t i = *pos;
  int sign = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
  int parts[3] = {0, 0, 0};
  for (int k = 0; k < 3; k++) {
    if (k > 0) {
      if (i >= s.size() || s[i] != ':') break;
      i++;
    }
    size_t start = i;
    int v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) v = v * 10 + (s[i++] - '0');
    if (i == start) return false;
    parts[k] = v;
  }
  if (parts[0] > 167 || parts[1] > 59 || parts[2] > 59) return false;
  *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  *pos = i;
  return true;
}

bool ParseAbbrev(std::string_view s, size_t* pos, std::string* out) {
  size_t i = *pos;
  if (i < s.size() && s[i] == '<') {
    size_t close = s.find('>', i);
    if (close == std::string_view::npos) return false;
    *out = std::string(s.substr(i + 1, close - i - 1));
    *pos = close + 1;
    return !out->empty();
  }
  size_t start = i;
  while (i < s.size() && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) i++;
  if (i - start < 3) return false;
  *out = std::string(s.substr(start, i - start));
  *pos = i;
  return true;
}

thread_local const TimeZone* tl_zone = nullptr;

}  // namespace

TimeZone::TimeZone(std::string name, int32_t offset_east) : name_(std::move(name)) {
  Ttinfo t;
  t.utoff = offset_east;
  t.abbrev = name_;
  types_.push_back(t);
}

bool TimeZone::ParseRule(std::string_view s) {
  size_t i = 0;
  Rule r;
  int32_t west;
  if (!ParseAbbrev(s, &i, &r.std.abbrev) || !ParseHms(s, &i, &west)) return false;
  r.std.utoff = -west;
  if (i < s.size()) {
    if (!ParseAbbrev(s, &i, &r.dst.abbrev)) return false;
    r.has_dst = true;
    r.dst.isdst = true;
    r.dst.utoff = r.std.utoff + 3600;
    if (i < s.size() && s[i] != ',') {
      if (!ParseHms(s, &i, &west)) return false;
      r.dst.utoff = -west;
    }
    auto date = [&](Rule::Date* d) {
      if (i >= s.size() || s[i] != ',') return false;
      i++;
      auto num = [&](int* v) {
        size_t start = i;
        *v = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') *v = *v * 10 + (s[i++] - '0');
        return i > start;
      };
      if (i < s.size() && s[i] == 'M') {
        i++;
        d->kind = 'M';
        if (!num(&d->a) || i >= s.size() || s[i++] != '.' || !num(&d->b) || i >= s.size() || s[i++] != '.' ||
            !num(&d->c)) {
          return false;
        }
        if (d->a < 1 || d->a > 12 || d->b < 1 || d->b > 5 || d->c > 6) return false;
      } else if (i < s.size() && s[i] == 'J') {
        i++;
        d->kind = 'J';
        if (!num(&d->a) || d->a < 1 || d->a > 365) return false;
      } else {
        d->kind = 'D';
        if (!num(&d->a) || d->a > 365) return false;
      }
      if (i < s.size() && s[i] == '/') {
        i++;
        if (!ParseHms(s, &i, &d->time)) return false;
      }
      return true;
    };
    if (i == s.size()) {
      // No rule: the United States' (M3.2.0,M11.1.0), as tzcode assumes.
      r.start = Rule::Date{'M', 3, 2, 0, 7200};
      r.end = Rule::Date{'M', 11, 1, 0, 7200};
    } else if (!date(&r.start) || !date(&r.end)) {
      return false;
    }
  }
  if (i != s.size()) return false;
  rule_ = r;
  has_rule_ = true;
  return true;
}

bool TimeZone::LoadTzif(std::string_view data) {
  auto header = [&](size_t at, int64_t counts[6]) {
    if (data.size() < at + 44 || data.substr(at, 4) != "TZif") return false;
    for (int k = 0; k < 6; k++) counts[k] = ReadBig(data, at + 20 + static_cast<size_t>(k) * 4, 4);
    for (int k = 0; k < 6; k++) {
      if (counts[k] < 0 || counts[k] > 100000) return false;
    }
    return true;
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  if (!header(0, c)) return false;
  char version = data[4];
  size_t at = 44;
  int time_size = 4;
  if (version >= '2') {
    // Skip the version 1 block; the 64-bit one follows.
    at += static_cast<size_t>(c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (!header(at, c)) return false;
    at += 44;
    time_size = 8;
  }
  int64_t isutcnt = c[0], isstdcnt = c[1], leapcnt = c[2], timecnt = c[3], typecnt = c[4], charcnt = c[5];
  size_t need = static_cast<size_t>(timecnt * (time_size + 1) + typecnt * 6 + charcnt +
                                    leapcnt * (time_size + 4) + isstdcnt + isutcnt);
  if (typecnt == 0 || data.size() < at + need) return false;
  std::vector<int64_t> times;
  for (int64_t k = 0; k < timecnt; k++) times.push_back(ReadBig(data, at + static_cast<size_t>(k * time_size), time_size));
  at += static_cast<size_t>(timecnt * time_size);
  std::vector<uint8_t> idx(data.begin() + static_cast<std::ptrdiff_t>(at),
                           data.begin() + static_cast<std::ptrdiff_t>(at + static_cast<size_t>(timecnt)));
  at += static_cast<size_t>(timecnt);
  size_t types_at = at, chars_at = at + static_cast<size_t>(typecnt * 6);
  std::vector<Ttinfo> types;
  for (int64_t k = 0; k < typecnt; k++) {
    size_t p = types_at + static_cast<size_t>(k * 6);
    Ttinfo t;
    t.utoff = static_cast<int32_t>(ReadBig(data, p, 4));
    t.isdst = data[p + 4] != 0;
    size_t ai = static_cast<unsigned char>(data[p + 5]);
    if (ai < static_cast<size_t>(charcnt)) {
      std::string_view chars = data.substr(chars_at, static_cast<size_t>(charcnt));
      size_t end = chars.find('\0', ai);
      t.abbrev = std::string(chars.substr(ai, end == std::string_view::npos ? std::string_view::npos : end - ai));
    }
    types.push_back(std::move(t));
  }
  for (uint8_t i : idx) {
    if (i >= types.size()) return false;
  }
  at = chars_at + need - static_cast<size_t>(timecnt * (time_size + 1) + typecnt * 6);
  transitions_ = std::move(times);
  type_index_ = std::move(idx);
  types_ = std::move(types);
  has_rule_ = false;
  if (version >= '2' && at < data.size() && data[at] == '\n') {
    size_t end = data.find('\n', at + 1);
    if (end != std::string_view::npos && end > at + 1) ParseRule(data.substr(at + 1, end - at - 1));
  }
  return true;
}

int64_t TimeZone::TransitionUnix(int year, const Rule::Date& d, int32_t offset) const {
  int64_t day;
  if (d.kind == 'M') {
    int64_t first = UnixDays(year, d.a, 1);
    int dow = static_cast<int>(((first % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
    int mday = 1 + (d.c - dow + 7) % 7 + (d.b - 1) * 7;
    while (mday > DaysIn(year, d.a)) mday -= 7;
    day = UnixDays(year, d.a, mday);
  } else if (d.kind == 'J') {
    day = UnixDays(year, 1, 1) + d.a - 1 + (IsLeap(year) && d.a >= 60 ? 1 : 0);
  } else {
    day = UnixDays(year, 1, 1) + d.a;
  }
  return day * 86400 + d.time - offset;
}

const TimeZone::Ttinfo& TimeZone::RuleTypeAt(int64_t t) const {
  if (!rule_.has_dst) return rule_.std;
  Fields f = TimestampFields((t - kUnixEpochOffset + rule_.std.utoff) * kMicrosPerSecond);
  int64_t start = TransitionUnix(f.year, rule_.start, rule_.std.utoff);
  int64_t end = TransitionUnix(f.year, rule_.end, rule_.dst.utoff);
  bool dst = start < end ? (t >= start && t < end) : (t >= start || t < end);
  return dst ? rule_.dst : rule_.std;
}

const TimeZone::Ttinfo& TimeZone::TypeAt(int64_t t) const {
  if (transitions_.empty()) return has_rule_ ? RuleTypeAt(t) : types_[0];
  if (t < transitions_.front()) return types_[0];
  if (t >= transitions_.back() && has_rule_) return RuleTypeAt(t);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  return types_[type_index_[static_cast<size_t>(it - transitions_.begin() - 1)]];
}

int32_t TimeZone::OffsetAt(int64_t utc_us, std::string* abbrev) const {
  const Ttinfo& t = TypeAt(UnixSeconds(utc_us));
  if (abbrev != nullptr) *abbrev = t.abbrev;
  return t.utoff;
}

int64_t TimeZone::UtcToLocal(int64_t utc_us) const {
  if (utc_us == kTsInfinity || utc_us == kTsNegInfinity) return utc_us;
  return utc_us + int64_t{OffsetAt(utc_us)} * kMicrosPerSecond;
}

int64_t TimeZone::LocalToUtc(int64_t local_us) const {
  if (local_us == kTsInfinity || local_us == kTsNegInfinity) return local_us;
  int64_t t = UnixSeconds(local_us);
  int64_t frac = local_us - FloorDiv(local_us, kMicrosPerSecond) * kMicrosPerSecond;
  int64_t before = TypeAt(t - 86400).utoff, after = TypeAt(t + 86400).utoff;
  int64_t result;
  if (before == after) {
    result = t - before;
  } else {
    // The transition between: the first second with the new offset.
    int64_t lo = t - 86400, hi = t + 86400;
    while (hi - lo > 1) {
      int64_t mid = lo + (hi - lo) / 2;
      if (TypeAt(mid).utoff == before) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    int64_t boundary = hi, beforetime = t - before, aftertime = t - after;
    if (beforetime <= boundary && aftertime < boundary) {
      result = beforetime;
    } else if (beforetime > boundary && aftertime >= boundary) {
      result = aftertime;
    } else {
      result = beforetime > aftertime ? beforetime : aftertime;
    }
  }
  return (result - kUnixEpochOffset) * kMicrosPerSecond + frac;
}

const TimeZone* UtcZone() {
  static const TimeZone* utc = [] {
    const TimeZone* z = FindTimeZone("UTC");
    return z != nullptr ? z : new TimeZone("UTC", 0);
  }();
  return utc;
}

namespace {

// The file under kZoneDir for `name`, matched component by component
// without regard to case; its canonical (on-disk) name, or "".
std::string FindZoneFile(std::string_view name) {
  namespace fs = std::filesystem;
  if (name.empty() || name.size() > 100 || name[0] == '/' || name.find('\0') != std::string_view::npos) return "";
  std::string canonical;
  fs::path dir = kZoneDir;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    std::string part(name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (part.empty() || part == "." || part == "..") return "";
    std::error_code ec;
    std::string found;
    if (fs::exists(dir / part, ec)) {
      found = part;
    } else {
      for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string entry = it->path().filename().string();
        if (LowerCase(entry) == LowerCase(part)) {
          found = entry;
          break;
        }
      }
    }
    if (found.empty()) return "";
    dir /= found;
    canonical += (canonical.empty() ? "" : "/") + found;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::error_code ec;
  if (!fs::is_regular_file(dir, ec)) return "";
  return canonical;
}

}  // namespace

const TimeZone* FindTimeZone(std::string_view raw) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<TimeZone>> zones;  // by lower-case name; never removed
  std::string_view name = raw;
  while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  std::string key = LowerCase(name);
  std::lock_guard<std::mutex> lock(mu);
  auto it = zones.find(key);
  if (it != zones.end()) return it->second.get();
  std::unique_ptr<TimeZone> zone;
  std::string file = FindZoneFile(name);
  if (!file.empty()) {
    std::ifstream in(std::string(kZoneDir) + "/" + file, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    auto z = std::make_unique<TimeZone>(file, 0);
    if (z->LoadTzif(buf.str())) zone = std::move(z);
  }
  if (zone == nullptr) {
    // A POSIX TZ string ("UTC+5" is five hours west, "<+0530>-5:30", "EST5EDT,M3.2.0,M11.1.0").
    auto z = std::make_unique<TimeZone>(std::string(name), 0);
    if (z->ParseRule(name)) zone = std::move(z);
  }
  if (zone == nullptr) return nullptr;
  return (zones[key] = std::move(zone)).get();
}

bool ZoneAbbreviationOffset(std::string_view abbrev, int32_t* offset_east) {
  struct Abbrev {
    const char* name;
    int32_t minutes;
  };
  // A part of PostgreSQL's "Default" abbreviation set.
  static constexpr Abbrev kAbbrevs[] = {
      {"acdt", 630},  {"acst", 570},  {"adt", -180},  {"aedt", 660},  {"aest", 600}, {"akdt", -480},
      {"akst", -540}, {"ast", -240},  {"awst", 480},  {"bst", 60},    {"cdt", -300}, {"cest", 120},
      {"cet", 60},    {"cst", -360},  {"edt", -240},  {"eest", 180},  {"eet", 120},  {"est", -300},
      {"hkt", 480},   {"hst", -600},  {"ist", 120},   {"jst", 540},   {"kst", 540},  {"mdt", -360},
      {"mest", 120},  {"met", 60},    {"msk", 180},   {"mst", -420},  {"ndt", -150}, {"nst", -210},
      {"nzdt", 780},  {"nzst", 720},  {"pdt", -420},  {"pst", -480},  {"sgt", 480},  {"west", 60},
      {"wet", 0},
  };
  std::string a = LowerCase(abbrev);
  for (const Abbrev& x : kAbbrevs) {
    if (a == x.name) {
      *offset_east = x.minutes * 60;
      return true;
    }
  }
  return false;
}

const TimeZone* CurrentZone() { return tl_zone != nullptr ? tl_zone : UtcZone(); }

ZoneScope::ZoneScope(const TimeZone* zone) : prev_(tl_zone) { tl_zone = zone; }
ZoneScope::~ZoneScope() { tl_zone = prev_; }

void AppendOffset(int32_t offset_east, std::string* out) {
  int32_t a = offset_east < 0 ? -offset_east : offset_east;
  char buf[32];
  int h = a / 3600, m = a / 60 % 60, s = a % 60;
  if (s != 0) {
    std::snprintf(buf, sizeof(buf), "%c%02d:%02d:%02d", offset_east < 0 ? '-' : '+', h, m, s);
  } else if (m != 0) {
    std::snprintf(buf, sizeof(buf), "%c%02d:%02d", offset_east < 0 ? '-' : '+', h, m);
  } else {
    std::snprintf(buf, sizeof(buf), "%c%02d", offset_east < 0 ? '-' : '+', h);
  }
  out->append(buf);
}

}  // namespace lumadb::engine::sql::datetime

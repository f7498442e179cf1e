#include "engine/sql/binder/formatting.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "engine/sql/types/datetime.h"
#include "engine/sql/types/numeric.h"
#include "engine/sql/types/timezone.h"

// Follows formatting.c of PostgreSQL 15: a template is parsed into nodes
// (keywords with their FM / TH modifiers, literal characters, separators,
// spaces), then printed from or read into broken-down time fields.
namespace lumadb::engine::sql {
namespace {

constexpr const char* kInvalidDatetimeFormat = "22007";
constexpr const char* kDatetimeFieldOverflow = "22008";

enum Key {
  kA_D, kA_M, kAD, kAM, kB_C, kBC, kCC, kDAY, kDDD, kDD, kDY, kDay, kDy, kD, kFF1, kFF2, kFF3, kFF4, kFF5,
  kFF6, kFX, kHH24, kHH12, kHH, kIDDD, kID, kIW, kIYYY, kIYY, kIY, kI, kJ, kMI, kMM, kMONTH, kMON, kMS,
  kMonth, kMon, kOF, kP_M, kPM, kQ, kRM, kSSSS, kSS, kTZH, kTZM, kTZ, kUS, kWW, kW, kY_YYY, kYYYY, kYYY,
  kYY, kY, ka_d, ka_m, kad, kam, kb_c, kbc, kday, kdy, kmonth, kmon, kp_m, kpm, krm, ktz
};

struct Keyword {
  const char* name;
  Key key;
  bool is_digit;
};

// DCH_keywords, in PostgreSQL's order (the first entry that is a prefix of
// the template at a position wins).
constexpr Keyword kKeywords[] = {
    {"A.D.", kA_D, false}, {"A.M.", kA_M, false}, {"AD", kAD, false},    {"AM", kAM, false},
    {"B.C.", kB_C, false}, {"BC", kBC, false},    {"CC", kCC, true},     {"DAY", kDAY, false},
    {"DDD", kDDD, true},   {"DD", kDD, true},     {"DY", kDY, false},    {"Day", kDay, false},
    {"Dy", kDy, false},    {"D", kD, true},       {"FF1", kFF1, false},  {"FF2", kFF2, false},
    {"FF3", kFF3, false},  {"FF4", kFF4, false},  {"FF5", kFF5, false},  {"FF6", kFF6, false},
    {"FX", kFX, false},    {"HH24", kHH24, true}, {"HH12", kHH12, true}, {"HH", kHH, true},
    {"IDDD", kIDDD, true}, {"ID", kID, true},     {"IW", kIW, true},     {"IYYY", kIYYY, true},
    {"IYY", kIYY, true},   {"IY", kIY, true},     {"I", kI, true},       {"J", kJ, true},
    {"MI", kMI, true},     {"MM", kMM, true},     {"MONTH", kMONTH, false}, {"MON", kMON, false},
    {"MS", kMS, true},     {"Month", kMonth, false}, {"Mon", kMon, false}, {"OF", kOF, false},
    {"P.M.", kP_M, false}, {"PM", kPM, false},    {"Q", kQ, true},       {"RM", kRM, false},
    {"SSSSS", kSSSS, true}, {"SSSS", kSSSS, true}, {"SS", kSS, true},    {"TZH", kTZH, false},
    {"TZM", kTZM, true},   {"TZ", kTZ, false},    {"US", kUS, true},     {"WW", kWW, true},
    {"W", kW, true},       {"Y,YYY", kY_YYY, true}, {"YYYY", kYYYY, true}, {"YYY", kYYY, true},
    {"YY", kYY, true},     {"Y", kY, true},       {"a.d.", ka_d, false}, {"a.m.", ka_m, false},
    {"ad", kad, false},    {"am", kam, false},    {"b.c.", kb_c, false}, {"bc", kbc, false},
    {"cc", kCC, true},     {"day", kday, false},  {"ddd", kDDD, true},   {"dd", kDD, true},
    {"dy", kdy, false},    {"d", kD, true},       {"ff1", kFF1, false},  {"ff2", kFF2, false},
    {"ff3", kFF3, false},  {"ff4", kFF4, false},  {"ff5", kFF5, false},  {"ff6", kFF6, false},
    {"fx", kFX, false},    {"hh24", kHH24, true}, {"hh12", kHH12, true}, {"hh", kHH, true},
    {"iddd", kIDDD, true}, {"id", kID, true},     {"iw", kIW, true},     {"iyyy", kIYYY, true},
    {"iyy", kIYY, true},   {"iy", kIY, true},     {"i", kI, true},       {"j", kJ, true},
    {"mi", kMI, true},     {"mm", kMM, true},     {"month", kmonth, false}, {"mon", kmon, false},
    {"ms", kMS, true},     {"of", kOF, false},    {"p.m.", kp_m, false}, {"pm", kpm, false},
    {"q", kQ, true},       {"rm", krm, false},    {"sssss", kSSSS, true}, {"ssss", kSSSS, true},
    {"ss", kSS, true},     {"tzh", kTZH, false},  {"tzm", kTZM, true},   {"tz", ktz, false},
    {"us", kUS, true},     {"ww", kWW, true},     {"w", kW, true},       {"y,yyy", kY_YYY, true},
    {"yyyy", kYYYY, true}, {"yyy", kYYY, true},   {"yy", kYY, true},     {"y", kY, true},
};

enum class NodeType { kAction, kChar, kSeparator, kSpace };

struct Node {
  NodeType type;
  const Keyword* key = nullptr;
  bool fm = false;
  int th = 0;  // 1: TH, 2: th
  std::string text;
};

bool StartsWith(std::string_view s, size_t at, std::string_view p) { return s.substr(at, p.size()) == p; }
bool IsSeparatorChar(char c) {
  return c > 0x20 && c < 0x7F && !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9');
}
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
size_t Utf8Len(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u < 0x80 ? 1 : u < 0xE0 ? 2 : u < 0xF0 ? 3 : 4;
}

std::vector<Node> ParseFormat(std::string_view f) {
  std::vector<Node> nodes;
  size_t i = 0;
  while (i < f.size()) {
    bool fm = false;
    if (StartsWith(f, i, "FM") || StartsWith(f, i, "fm")) {
      fm = true;
      i += 2;
    } else if (StartsWith(f, i, "TM") || StartsWith(f, i, "tm")) {
      i += 2;  // translation mode: the names are English either way
    }
    if (i >= f.size()) break;
    const Keyword* key = nullptr;
    for (const Keyword& k : kKeywords) {
      if (StartsWith(f, i, k.name)) {
        key = &k;
        break;
      }
    }
    if (key != nullptr) {
      Node n{NodeType::kAction, key, fm, 0, {}};
      i += std::strlen(key->name);
      if (StartsWith(f, i, "TH")) {
        n.th = 1;
        i += 2;
      } else if (StartsWith(f, i, "th")) {
        n.th = 2;
        i += 2;
      } else if (StartsWith(f, i, "SP")) {
        i += 2;
      }
      nodes.push_back(std::move(n));
      continue;
    }
    if (f[i] == '"') {
      i++;
      while (i < f.size()) {
        if (f[i] == '"') {
          i++;
          break;
        }
        if (f[i] == '\\' && i + 1 < f.size()) i++;
        size_t len = std::min(Utf8Len(f[i]), f.size() - i);
        nodes.push_back(Node{NodeType::kChar, nullptr, false, 0, std::string(f.substr(i, len))});
        i += len;
      }
      continue;
    }
    if (f[i] == '\\' && i + 1 < f.size() && f[i + 1] == '"') i++;
    size_t len = std::min(Utf8Len(f[i]), f.size() - i);
    NodeType t = IsSeparatorChar(f[i]) ? NodeType::kSeparator : IsSpace(f[i]) ? NodeType::kSpace : NodeType::kChar;
    nodes.push_back(Node{t, nullptr, false, 0, std::string(f.substr(i, len))});
    i += len;
  }
  return nodes;
}

const char* const kMonthsFull[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
const char* const kDaysFull[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
const char* const kRomanMonths[] = {"XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I"};

std::string Upper(std::string s) {
  for (char& c : s) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  return s;
}
std::string Lower(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return s;
}

std::string Padded(long long v, int width) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%0*lld", width, v);
  return buf;
}

// str_numth: "1st", "12th", "23rd".
std::string Ordinal(const std::string& num, int th) {
  if (num.empty() || num.back() < '0' || num.back() > '9') return num;
  char last = num.back();
  if (num.size() > 1 && num[num.size() - 2] == '1') last = '0';
  const char* suffix = last == '1' ? "st" : last == '2' ? "nd" : last == '3' ? "rd" : "th";
  return num + (th == 1 ? Upper(suffix) : std::string(suffix));
}

// Broken-down time for to_char (a timestamp's or an interval's fields).
struct Tm {
  int64_t year = 0;  // astronomical for timestamps
  int64_t mon = 0;
  int64_t mday = 0;
  int64_t hour = 0;
  int64_t min = 0;
  int64_t sec = 0;
  int64_t fsec = 0;
  int64_t yday = 0;
  int wday = 0;
  int64_t day = 0;  // days since 2000-01-01 (timestamps)
  bool is_interval = false;
  bool with_tz = false;
  int32_t offset = 0;  // seconds east of UTC (timestamptz: the session zone's)
  std::string abbrev;  // the zone's abbreviation then

  void SetFields(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s, int64_t us) {
    year = y;
    mon = mo;
    mday = d;
    hour = h;
    min = mi;
    sec = s;
    fsec = us;
  }
};

int IsoDow(int64_t day) {
  int dow = static_cast<int>(((day % 7) + 7 + 6) % 7);  // 2000-01-01 was a Saturday
  return dow == 0 ? 7 : dow;
}
// The ISO year, week and day of the year of a date (days since 2000-01-01).
void IsoWeek(int64_t day, int64_t* iso_year, int* week, int* yday) {
  int64_t thursday = day - (IsoDow(day) - 4);
  datetime::Fields tf = datetime::DateFields(static_cast<int32_t>(thursday));
  *iso_year = tf.year;
  int64_t jan4 = datetime::DateFromFields(tf.year, 1, 4);
  int64_t week1 = jan4 - (IsoDow(jan4) - 1);
  *week = static_cast<int>((day - week1) / 7 + 1);
  *yday = static_cast<int>(day - week1 + 1);
}

SqlError InvalidForInterval() {
  SqlError e = MakeError(kInvalidDatetimeFormat, "invalid format specification for an interval value");
  e.hint = "Intervals are not tied to specific calendar dates.";
  return e;
}

SqlResult<std::string> ToChar(const Tm& tm, std::string_view fmt) {
  std::string out;
  auto adjust_year = [&](int64_t y) { return tm.is_interval ? y : (y <= 0 ? -(y - 1) : y); };
  for (const Node& n : ParseFormat(fmt)) {
    if (n.type != NodeType::kAction) {
      out += n.text;
      continue;
    }
    bool fm = n.fm;
    std::string s;
    auto calendar_only = [&]() -> bool { return tm.is_interval; };
    Key k = n.key->key;
    switch (k) {
      case kA_M: case kP_M: s = tm.hour % 24 >= 12 ? "P.M." : "A.M."; break;
      case kAM: case kPM: s = tm.hour % 24 >= 12 ? "PM" : "AM"; break;
      case ka_m: case kp_m: s = tm.hour % 24 >= 12 ? "p.m." : "a.m."; break;
      case kam: case kpm: s = tm.hour % 24 >= 12 ? "pm" : "am"; break;
      case kHH: case kHH12: s = Padded(tm.hour % 12 == 0 ? 12 : tm.hour % 12, fm ? 0 : 2); break;
      case kHH24: s = Padded(tm.hour, fm ? 0 : tm.hour >= 0 ? 2 : 3); break;
      case kMI: s = Padded(tm.min, fm ? 0 : tm.min >= 0 ? 2 : 3); break;
      case kSS: s = Padded(tm.sec, fm ? 0 : tm.sec >= 0 ? 2 : 3); break;
      case kFF1: s = Padded(tm.fsec / 100000, 1); break;
      case kFF2: s = Padded(tm.fsec / 10000, 2); break;
      case kFF3: case kMS: s = Padded(tm.fsec / 1000, 3); break;
      case kFF4: s = Padded(tm.fsec / 100, 4); break;
      case kFF5: s = Padded(tm.fsec / 10, 5); break;
      case kFF6: case kUS: s = Padded(tm.fsec, 6); break;
      case kSSSS: s = std::to_string(tm.hour * 3600 + tm.min * 60 + tm.sec); break;
      case kTZ: case ktz:
        if (calendar_only()) return InvalidForInterval();
        if (tm.with_tz) s = k == kTZ ? Upper(tm.abbrev) : Lower(tm.abbrev);
        break;
      case kTZH: {
        if (calendar_only()) return InvalidForInterval();
        int32_t a = tm.offset < 0 ? -tm.offset : tm.offset;
        s = std::string(tm.offset >= 0 ? "+" : "-") + Padded(a / 3600, 2);
        break;
      }
      case kTZM:
        if (calendar_only()) return InvalidForInterval();
        s = Padded((tm.offset < 0 ? -tm.offset : tm.offset) % 3600 / 60, 2);
        break;
      case kOF: {
        if (calendar_only()) return InvalidForInterval();
        int32_t a = tm.offset < 0 ? -tm.offset : tm.offset;
        s = std::string(tm.offset >= 0 ? "+" : "-") + Padded(a / 3600, fm ? 0 : 2);
        if (a % 3600 != 0) s += ":" + Padded(a % 3600 / 60, 2);
        break;
      }
      case kA_D: case kB_C: case ka_d: case kb_c: case kAD: case kBC: case kad: case kbc: {
        if (calendar_only()) return InvalidForInterval();
        bool bc = tm.year <= 0;
        s = (k == kA_D || k == kB_C) ? (bc ? "B.C." : "A.D.")
            : (k == ka_d || k == kb_c) ? (bc ? "b.c." : "a.d.")
            : (k == kAD || k == kBC)   ? (bc ? "BC" : "AD")
                                       : (bc ? "bc" : "ad");
        break;
      }
      case kMONTH: case kMonth: case kmonth: case kMON: case kMon: case kmon: {
        if (calendar_only()) return InvalidForInterval();
        if (tm.mon == 0) break;
        std::string name = kMonthsFull[tm.mon - 1];
        if (k == kMON || k == kMon || k == kmon) name = name.substr(0, 3);
        if (k == kMONTH || k == kMON) name = Upper(name);
        if (k == kmonth || k == kmon) name = Lower(name);
        if (!fm && (k == kMONTH || k == kMonth || k == kmonth)) name.resize(9, ' ');
        s = name;
        break;
      }
      case kMM: s = Padded(tm.mon, fm ? 0 : tm.mon >= 0 ? 2 : 3); break;
      case kDAY: case kDay: case kday: case kDY: case kDy: case kdy: {
        if (calendar_only()) return InvalidForInterval();
        std::string name = kDaysFull[tm.wday];
        if (k == kDY || k == kDy || k == kdy) name = name.substr(0, 3);
        if (k == kDAY || k == kDY) name = Upper(name);
        if (k == kday || k == kdy) name = Lower(name);
        if (!fm && (k == kDAY || k == kDay || k == kday)) name.resize(9, ' ');
        s = name;
        break;
      }
      case kDDD: s = Padded(tm.yday, fm ? 0 : 3); break;
      case kIDDD: {
        int64_t iy;
        int w, yd;
        IsoWeek(tm.day, &iy, &w, &yd);
        s = Padded(yd, fm ? 0 : 3);
        break;
      }
      case kDD: s = Padded(tm.mday, fm ? 0 : 2); break;
      case kD:
        if (calendar_only()) return InvalidForInterval();
        s = std::to_string(tm.wday + 1);
        break;
      case kID:
        if (calendar_only()) return InvalidForInterval();
        s = std::to_string(tm.wday == 0 ? 7 : tm.wday);
        break;
      case kWW: s = Padded((tm.yday - 1) / 7 + 1, fm ? 0 : 2); break;
      case kIW: {
        int64_t iy;
        int w, yd;
        IsoWeek(tm.day, &iy, &w, &yd);
        s = Padded(w, fm ? 0 : 2);
        break;
      }
      case kQ:
        if (tm.mon == 0) break;
        s = std::to_string((tm.mon - 1) / 3 + 1);
        break;
      case kCC: {
        int64_t c = tm.is_interval ? tm.year / 100 : tm.year > 0 ? (tm.year - 1) / 100 + 1 : tm.year / 100 - 1;
        s = c <= 99 && c >= -99 ? Padded(c, fm ? 0 : c >= 0 ? 2 : 3) : std::to_string(c);
        break;
      }
      case kY_YYY: {
        int64_t y = adjust_year(tm.year), th = y / 1000;
        char buf[48];
        std::snprintf(buf, sizeof(buf), "%lld,%03lld", static_cast<long long>(th), static_cast<long long>(y - th * 1000));
        s = buf;
        break;
      }
      case kYYYY: case kYYY: case kYY: case kY: case kIYYY: case kIYY: case kIY: case kI: {
        bool iso = k == kIYYY || k == kIYY || k == kIY || k == kI;
        int64_t y = tm.year;
        if (iso) {
          int w, yd;
          IsoWeek(tm.day, &y, &w, &yd);
        }
        y = adjust_year(y);
        int digits = (k == kYYYY || k == kIYYY) ? 4 : (k == kYYY || k == kIYY) ? 3 : (k == kYY || k == kIY) ? 2 : 1;
        std::string full = Padded(y, fm ? 0 : y >= 0 ? digits : digits + 1);
        s = digits == 4 || full.size() <= static_cast<size_t>(digits) ? full : full.substr(full.size() - digits);
        break;
      }
      case kRM: case krm:
        if (tm.mon == 0) break;
        s = kRomanMonths[12 - tm.mon];
        if (k == krm) s = Lower(s);
        if (!fm) s.resize(4, ' ');
        break;
      case kW: s = std::to_string((tm.mday - 1) / 7 + 1); break;
      case kJ: s = std::to_string(tm.day + 2451545); break;
      case kFX: break;
    }
    if (n.th != 0 && n.key->is_digit) s = Ordinal(s, n.th);
    out += s;
  }
  return out;
}

}  // namespace

SqlResult<std::string> ToCharTimestamp(int64_t ts, bool with_tz, std::string_view fmt) {
  if (ts == datetime::kTsInfinity || ts == datetime::kTsNegInfinity) return std::string();
  Tm tm;
  if (with_tz) {
    // A timestamptz prints as its local time in the session's zone.
    tm.offset = datetime::CurrentZone()->OffsetAt(ts, &tm.abbrev);
    ts += int64_t{tm.offset} * datetime::kMicrosPerSecond;
  }
  datetime::Fields f = datetime::TimestampFields(ts);
  tm.SetFields(f.year, f.month, f.day, f.hour, f.minute, f.second, f.micros);
  tm.day = datetime::DateFromFields(f.year, f.month, f.day);
  tm.yday = tm.day - datetime::DateFromFields(f.year, 1, 1) + 1;
  tm.wday = static_cast<int>(((tm.day % 7) + 7 + 6) % 7);
  tm.with_tz = with_tz;
  return ToChar(tm, fmt);
}

SqlResult<std::string> ToCharInterval(const datetime::Interval& iv, std::string_view fmt) {
  datetime::IntervalFields f = datetime::IntervalFieldsOf(iv);
  Tm tm;
  tm.is_interval = true;
  tm.SetFields(f.year, f.month, f.day, f.hour, f.minute, f.second, f.micros);
  tm.yday = (tm.year * 12 + tm.mon) * 30 + tm.mday;
  return ToChar(tm, fmt);
}

// ---------------------------------------------------------------------------
// Numbers.

namespace {

struct NumFormat {
  int pre = 0;          // digit positions before the decimal point
  int post = 0;         // after it
  bool fm = false;
  bool zero = false;    // a '0' position before the point
  int zero_start = -1;  // the first '0' position before the point
  int th = 0;
  bool sign_s = false, sign_mi = false, sign_pr = false;
  std::string pattern;  // 9 0 . , S M P (one char per element, in order)
};

SqlResult<NumFormat> ParseNumFormat(std::string_view f) {
  NumFormat nf;
  bool after_point = false;
  for (size_t i = 0; i < f.size(); i++) {
    char c = f[i];
    auto next_is = [&](std::string_view s) { return f.substr(i, s.size()) == s; };
    if (next_is("FM") || next_is("fm")) {
      nf.fm = true;
      i++;
    } else if (c == '9' || c == '0') {
      if (after_point) {
        nf.post++;
      } else {
        if (c == '0' && !nf.zero) {
          nf.zero = true;
          nf.zero_start = nf.pre;
        }
        nf.pre++;
      }
      nf.pattern += c;
    } else if (c == '.' || c == 'D' || c == 'd') {
      if (after_point) return MakeError("42601", "multiple decimal points");
      after_point = true;
      nf.pattern += '.';
    } else if (c == ',' || c == 'G' || c == 'g') {
      nf.pattern += after_point ? 'x' : ',';
    } else if (c == 'S' || c == 's') {
      nf.sign_s = true;
      nf.pattern += 'S';
    } else if (next_is("MI") || next_is("mi")) {
      nf.sign_mi = true;
      nf.pattern += 'M';
      i++;
    } else if (next_is("PR") || next_is("pr")) {
      nf.sign_pr = true;
      i++;
    } else if (next_is("TH") || next_is("th")) {
      nf.th = c == 'T' ? 1 : 2;
      i++;
    } else if (next_is("PL") || next_is("pl") || next_is("SG") || next_is("sg") || next_is("RN") ||
               next_is("rn") || next_is("EEEE") || next_is("eeee") || c == 'V' || c == 'v' || c == 'L' || c == 'l') {
      return MakeError("0A000", "to_char pattern \"" + std::string(f.substr(i, 2)) + "\" is not supported by LumaDB yet");
    } else {
      nf.pattern += '\x01';
      nf.pattern += c;  // a literal character
    }
  }
  return nf;
}

}  // namespace

SqlResult<std::string> ToCharFloat(double x, std::string_view fmt) {
  if (std::isnan(x) || std::isinf(x)) {
    return MakeError("0A000", "to_char of NaN or infinity is not supported by LumaDB yet");
  }
  SQL_ASSIGN_OR_RETURN(NumFormat nf, ParseNumFormat(fmt));
  // As float8_to_char: printf's rounding, at most DBL_DIG significant digits.
  char buf[400];
  int pre_len = std::snprintf(buf, sizeof(buf), "%.0f", std::fabs(x));
  int post = pre_len >= 15 ? 0 : std::min(nf.post, 15 - pre_len);
  std::snprintf(buf, sizeof(buf), "%.*f", post, x);
  return ToCharNumber(buf, fmt);
}

SqlResult<std::string> ToCharNumber(std::string_view decimal_text, std::string_view fmt) {
  SQL_ASSIGN_OR_RETURN(NumFormat nf, ParseNumFormat(fmt));
  SQL_ASSIGN_OR_RETURN(numeric::Decimal d, numeric::Parse(decimal_text));
  SQL_ASSIGN_OR_RETURN(d, numeric::Round(d, nf.post));
  std::string text = numeric::ToString(d);
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.erase(0, 1);
  size_t point = text.find('.');
  std::string int_part = point == std::string::npos ? text : text.substr(0, point);
  std::string frac = point == std::string::npos ? std::string() : text.substr(point + 1);
  frac.resize(static_cast<size_t>(nf.post), '0');
  bool overflow = static_cast<int>(int_part.size()) > nf.pre;
  // A zero integer part prints as blanks (or '0' positions) when there are fraction digits.
  bool zero_int = int_part == "0" && nf.post > 0;
  std::string digits = zero_int ? std::string() : int_part;
  int lead = nf.pre - static_cast<int>(digits.size());  // positions before the first digit
  // FM drops trailing fraction zeros printed by '9' positions.
  int last_frac = nf.post;
  if (nf.fm) {
    while (last_frac > 0 && frac[static_cast<size_t>(last_frac - 1)] == '0') last_frac--;
  }
  std::string body;
  int pos = 0, fpos = 0;
  bool started = false, after_point = false;
  size_t sign_at = std::string::npos;
  for (size_t i = 0; i < nf.pattern.size(); i++) {
    char c = nf.pattern[i];
    if (c == '\x01') {
      body += nf.pattern[++i];
      continue;
    }
    if (c == 'S' || c == 'M') continue;
    if (c == '.') {
      after_point = true;
      if (!started && !nf.fm) sign_at = body.size();
      if (!started && nf.fm && nf.zero_start < 0 && last_frac == 0 && digits.empty()) body += '0';
      started = true;
      body += '.';
      continue;
    }
    if (c == ',' || c == 'x') {
      if (started || overflow) {
        body += ',';
      } else if (!nf.fm) {
        body += ' ';
      }
      continue;
    }
    if (!after_point) {
      if (overflow) {
        if (!started) sign_at = body.size();
        body += '#';
        started = true;
      } else if (pos < lead) {
        bool zero_here = nf.zero && nf.zero_start <= pos;
        if (zero_here) {
          if (!started) sign_at = body.size();
          body += '0';
          started = true;
        } else if (!nf.fm) {
          body += ' ';
        }
      } else {
        if (!started) sign_at = body.size();
        body += digits[static_cast<size_t>(pos - lead)];
        started = true;
      }
      pos++;
    } else {
      if (overflow) {
        body += '#';
      } else if (fpos < last_frac || c == '0') {
        body += frac[static_cast<size_t>(fpos)];
      }
      fpos++;
    }
  }
  if (sign_at == std::string::npos) sign_at = nf.fm ? 0 : body.size();
  if (nf.fm) sign_at = 0;
  std::string sign = negative ? "-" : (nf.sign_s ? "+" : (nf.fm ? "" : " "));
  std::string out;
  if (nf.sign_pr) {
    std::string open = negative ? "<" : (nf.fm ? "" : " "), close = negative ? ">" : (nf.fm ? "" : " ");
    out = body.substr(0, sign_at) + open + body.substr(sign_at) + close;
  } else if (nf.sign_mi) {
    out = body + (negative ? "-" : (nf.fm ? "" : " "));
  } else {
    out = body.substr(0, sign_at) + sign + body.substr(sign_at);
  }
  if (nf.th != 0 && !negative) out = Ordinal(out, nf.th);
  return out;
}

// ---------------------------------------------------------------------------
// to_timestamp / to_date.

namespace {

struct FromChar {
  int year = 0, mm = 0, dd = 0, hh = 0, mi = 0, ss = 0, ddd = 0, us = 0, tzh = 0, tzm = 0, ssss = 0;
  bool has_year = false, has_mm = false, has_dd = false, has_ddd = false, has_ssss = false;
  bool bc = false, pm = false, clock12 = false, has_tz = false, tz_negative = false;
  int yysz = 0;
};

SqlError FieldError(const std::string& message, const std::string& detail, const std::string& hint = "") {
  SqlError e = MakeError(kInvalidDatetimeFormat, message);
  e.detail = detail;
  e.hint = hint;
  return e;
}

// from_char_parse_int_len: exactly `len` characters, or as many digits as
// there are when the field is FM or followed by a separator.
SqlResult<int> ParseInt(std::string_view in, size_t* pos, int len, const Node& n, bool slurp, int* count) {
  while (*pos < in.size() && IsSpace(in[*pos])) (*pos)++;
  size_t start = *pos;
  std::string copy(in.substr(start, slurp ? std::string::npos : static_cast<size_t>(len)));
  errno = 0;
  char* end = nullptr;
  long v = std::strtol(copy.c_str(), &end, 10);
  size_t used = static_cast<size_t>(end - copy.c_str());
  std::string name = n.key->name;
  if (!slurp) {
    if (copy.size() < static_cast<size_t>(len)) {
      return FieldError("source string too short for \"" + name + "\" formatting field",
                        "Field requires " + std::to_string(len) + " characters, but only " +
                            std::to_string(copy.size()) + " remain.",
                        "If your source string is not fixed-width, try using the \"FM\" modifier.");
    }
    if (used > 0 && used < static_cast<size_t>(len)) {
      return FieldError("invalid value \"" + copy + "\" for \"" + name + "\"",
                        "Field requires " + std::to_string(len) + " characters, but only " + std::to_string(used) +
                            " could be parsed.",
                        "If your source string is not fixed-width, try using the \"FM\" modifier.");
    }
  }
  if (used == 0) {
    std::string shown(in.substr(start, static_cast<size_t>(len)));
    return FieldError("invalid value \"" + shown + "\" for \"" + name + "\"", "Value must be an integer.");
  }
  if (errno == ERANGE || v < INT_MIN || v > INT_MAX) {
    SqlError e = MakeError(kDatetimeFieldOverflow, "value for \"" + name + "\" in source string is out of range");
    e.detail = "Value must be in the range -2147483648 to 2147483647.";
    return e;
  }
  *pos = start + used;
  if (count != nullptr) *count = static_cast<int>(used);
  return static_cast<int>(v);
}

// A case-insensitive match of one of `words` (their first `prefix` letters when nonzero).
SqlResult<int> ParseWord(std::string_view in, size_t* pos, const char* const* words, int n_words, size_t prefix,
                         const Node& node) {
  for (int w = 0; w < n_words; w++) {
    std::string word = Lower(words[w]);
    if (prefix) word = word.substr(0, prefix);
    if (Lower(std::string(in.substr(*pos, word.size()))) == word) {
      *pos += word.size();
      return w;
    }
  }
  return FieldError("invalid value \"" + std::string(in.substr(*pos, prefix ? prefix : 9)) + "\" for \"" +
                        node.key->name + "\"",
                    "The given value did not match any of the allowed values for this field.");
}

bool IsNextSeparator(const std::vector<Node>& nodes, size_t i) {
  if (nodes[i].th != 0) return true;
  if (i + 1 >= nodes.size()) return true;
  const Node& n = nodes[i + 1];
  if (n.type == NodeType::kAction) return !n.key->is_digit;
  if (n.text.size() == 1 && n.text[0] >= '0' && n.text[0] <= '9') return false;
  return true;
}

// adjust_partial_year_to_2020: '70' is 1970, '69' is 2069.
int AdjustPartialYear(int year) {
  if (year < 70) return year + 2000;
  if (year < 100) return year + 1900;
  if (year < 520) return year + 2000;
  if (year < 1000) return year + 1000;
  return year;
}

SqlStatus FromCharParse(std::string_view in, std::string_view fmt, FromChar* out) {
  std::vector<Node> nodes = ParseFormat(fmt);
  size_t s = 0;
  int extra_skip = 0;
  bool fx = false;
  static const char* const kAmPm[] = {"am", "pm"};
  static const char* const kAmPmDots[] = {"a.m.", "p.m."};
  static const char* const kEras[] = {"ad", "bc"};
  static const char* const kErasDots[] = {"a.d.", "b.c."};
  for (size_t i = 0; i < nodes.size() && s < in.size(); i++) {
    const Node& n = nodes[i];
    if (!fx && (n.type == NodeType::kAction || i == 0) && !(n.type == NodeType::kAction && n.key->key == kFX)) {
      while (s < in.size() && IsSpace(in[s])) {
        s++;
        extra_skip++;
      }
    }
    if (n.type == NodeType::kSpace || n.type == NodeType::kSeparator) {
      if (!fx) {
        extra_skip--;
        if (s < in.size() && (IsSpace(in[s]) || IsSeparatorChar(in[s]))) {
          s++;
          extra_skip++;
        }
      } else {
        s++;
      }
      continue;
    }
    if (n.type == NodeType::kChar) {
      if (!fx && extra_skip > 0) {
        extra_skip--;
      } else {
        s += Utf8Len(in[s]);
      }
      continue;
    }
    bool slurp = n.fm || IsNextSeparator(nodes, i);
    auto parse = [&](int len, int* count = nullptr) { return ParseInt(in, &s, len, n, slurp, count); };
    auto skip_th = [&]() {
      if (n.th != 0 && s + 2 <= in.size()) s += 2;
    };
    Key k = n.key->key;
    switch (k) {
      case kFX: fx = true; break;
      case kA_M: case kP_M: case ka_m: case kp_m: {
        SQL_ASSIGN_OR_RETURN(int v, ParseWord(in, &s, kAmPmDots, 2, 0, n));
        out->pm = v == 1;
        out->clock12 = true;
        break;
      }
      case kAM: case kPM: case kam: case kpm: {
        SQL_ASSIGN_OR_RETURN(int v, ParseWord(in, &s, kAmPm, 2, 0, n));
        out->pm = v == 1;
        out->clock12 = true;
        break;
      }
      case kHH: case kHH12: {
        SQL_ASSIGN_OR_RETURN(out->hh, parse(2));
        out->clock12 = true;
        skip_th();
        break;
      }
      case kHH24: { SQL_ASSIGN_OR_RETURN(out->hh, parse(2)); skip_th(); break; }
      case kMI: { SQL_ASSIGN_OR_RETURN(out->mi, parse(2)); skip_th(); break; }
      case kSS: { SQL_ASSIGN_OR_RETURN(out->ss, parse(2)); skip_th(); break; }
      case kMS: {
        int count = 0;
        SQL_ASSIGN_OR_RETURN(int ms, parse(3, &count));
        out->us += ms * (count == 1 ? 100 : count == 2 ? 10 : 1) * 1000;
        skip_th();
        break;
      }
      case kFF1: case kFF2: case kFF3: case kFF4: case kFF5: case kFF6: case kUS: {
        int width = k == kUS ? 6 : static_cast<int>(k - kFF1) + 1;
        int count = 0;
        SQL_ASSIGN_OR_RETURN(int v, parse(width, &count));
        for (int d = count; d < 6; d++) v *= 10;
        out->us += v;
        skip_th();
        break;
      }
      case kSSSS: {
        SQL_ASSIGN_OR_RETURN(out->ssss, parse(5));
        out->has_ssss = true;
        break;
      }
      case kTZ: case ktz: case kOF:
        return MakeError("0A000", std::string("formatting field \"") + n.key->name + "\" is only supported in to_char");
      case kTZH: {
        bool negative = s < in.size() && in[s] == '-';
        if (!negative && extra_skip > 0 && s > 0 && in[s - 1] == '-') negative = true;
        if (s < in.size() && (in[s] == '-' || in[s] == '+')) s++;
        SQL_ASSIGN_OR_RETURN(out->tzh, ParseInt(in, &s, 2, n, slurp, nullptr));
        out->tz_negative = negative;
        out->has_tz = true;
        break;
      }
      case kTZM: { SQL_ASSIGN_OR_RETURN(out->tzm, parse(2)); out->has_tz = true; break; }
      case kA_D: case kB_C: case ka_d: case kb_c: {
        SQL_ASSIGN_OR_RETURN(int v, ParseWord(in, &s, kErasDots, 2, 0, n));
        out->bc = v == 1;
        break;
      }
      case kAD: case kBC: case kad: case kbc: {
        SQL_ASSIGN_OR_RETURN(int v, ParseWord(in, &s, kEras, 2, 0, n));
        out->bc = v == 1;
        break;
      }
      case kMONTH: case kMonth: case kmonth: {
        SQL_ASSIGN_OR_RETURN(int v, ParseWord(in, &s, kMonthsFull, 12, 0, n));
        out->mm = v + 1;
        out->has_mm = true;
        break;
      }
      case kMON: case kMon: case kmon: {
        SQL_ASSIGN_OR_RETURN(int v, ParseWord(in, &s, kMonthsFull, 12, 3, n));
        out->mm = v + 1;
        out->has_mm = true;
        break;
      }
      case kMM: { SQL_ASSIGN_OR_RETURN(out->mm, parse(2)); out->has_mm = true; skip_th(); break; }
      case kDAY: case kDay: case kday: case kDY: case kDy: case kdy: {
        bool full = k == kDAY || k == kDay || k == kday;
        SQL_ASSIGN_OR_RETURN(int unused, ParseWord(in, &s, kDaysFull, 7, full ? 0 : 3, n));
        (void)unused;
        break;
      }
      case kDDD: case kIDDD: {
        SQL_ASSIGN_OR_RETURN(out->ddd, parse(3));
        out->has_ddd = true;
        skip_th();
        break;
      }
      case kDD: { SQL_ASSIGN_OR_RETURN(out->dd, parse(2)); out->has_dd = true; skip_th(); break; }
      case kD: case kID: case kQ: case kW: case kWW: case kIW: case kCC: case kJ: {
        // Accepted and read, not used to place the date (as PostgreSQL does with Q).
        SQL_ASSIGN_OR_RETURN(int unused, parse(static_cast<int>(std::strlen(n.key->name))));
        (void)unused;
        skip_th();
        break;
      }
      case kY_YYY: {
        int thousands = 0, years = 0, used = 0;
        std::string rest(in.substr(s));
        if (std::sscanf(rest.c_str(), "%d,%03d%n", &thousands, &years, &used) < 2) {
          return FieldError("invalid input string for \"Y,YYY\"", "");
        }
        out->year = thousands * 1000 + years;
        out->has_year = true;
        out->yysz = 4;
        s += static_cast<size_t>(used);
        break;
      }
      case kYYYY: case kIYYY: {
        SQL_ASSIGN_OR_RETURN(out->year, parse(4));
        out->has_year = true;
        out->yysz = 4;
        skip_th();
        break;
      }
      case kYYY: case kIYY: case kYY: case kIY: case kY: case kI: {
        int width = (k == kYYY || k == kIYY) ? 3 : (k == kYY || k == kIY) ? 2 : 1;
        int count = 0;
        SQL_ASSIGN_OR_RETURN(int y, parse(width, &count));
        out->year = count < 4 ? AdjustPartialYear(y) : y;
        out->has_year = true;
        out->yysz = width;
        skip_th();
        break;
      }
      case kRM: case krm: {
        static const char* const kRomanAsc[] = {"XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I"};
        SQL_ASSIGN_OR_RETURN(int v, ParseWord(in, &s, kRomanAsc, 12, 0, n));
        out->mm = 12 - v;
        out->has_mm = true;
        break;
      }
    }
    if (!fx) {
      extra_skip = 0;
      while (s < in.size() && IsSpace(in[s])) {
        s++;
        extra_skip++;
      }
    }
  }
  return SqlStatus::Ok();
}

// do_to_timestamp: the fields as a timestamp (UTC unless TZH/TZM say).
SqlResult<int64_t> BuildTimestamp(std::string_view text, const FromChar& fc, bool date_only) {
  int year = fc.has_year ? fc.year : 0, mon = fc.has_mm ? fc.mm : 1, mday = fc.has_dd ? fc.dd : 1;
  if (fc.has_year && fc.bc) year = -year + 1;
  int hour = fc.hh, min = fc.mi, sec = fc.ss;
  if (fc.has_ssss) {
    hour = fc.ssss / 3600;
    min = fc.ssss % 3600 / 60;
    sec = fc.ssss % 60;
  }
  if (fc.clock12) {
    if (hour < 1 || hour > 12) {
      SqlError e = MakeError(kInvalidDatetimeFormat, "hour \"" + std::to_string(hour) + "\" is invalid for the 12-hour clock");
      e.hint = "Use the 24-hour clock, or give an hour between 1 and 12.";
      return e;
    }
    if (fc.pm && hour < 12) hour += 12;
    if (!fc.pm && hour == 12) hour = 0;
  }
  SqlError out_of_range = MakeError(kDatetimeFieldOverflow, "date/time field value out of range: \"" + std::string(text) + "\"");
  if (fc.has_ddd && !fc.has_mm && !fc.has_dd) {
    bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    if (fc.ddd < 1 || fc.ddd > (leap ? 366 : 365)) return out_of_range;
    int64_t day = datetime::DateFromFields(year, 1, 1) + fc.ddd - 1;
    datetime::Fields f = datetime::DateFields(static_cast<int32_t>(day));
    mon = f.month;
    mday = f.day;
  }
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  if (mon < 1 || mon > 12 || mday < 1 || mday > (mon == 2 && leap ? 29 : kDays[mon - 1])) return out_of_range;
  if (hour < 0 || hour > 24 || min < 0 || min > 59 || sec < 0 || sec > 60 ||
      (hour == 24 && (min > 0 || sec > 0 || fc.us > 0))) {
    return out_of_range;
  }
  int64_t day = datetime::DateFromFields(year, mon, mday);
  if (date_only) return day;
  __int128 ts = static_cast<__int128>(day) * datetime::kMicrosPerDay +
                ((int64_t{hour} * 60 + min) * 60 + sec) * datetime::kMicrosPerSecond + fc.us;
  if (fc.has_tz) {
    int64_t off = (int64_t{fc.tzh} * 60 + fc.tzm) * 60 * datetime::kMicrosPerSecond;
    ts += fc.tz_negative ? off : -off;
  }
  if (ts < datetime::kMinTimestamp || ts > datetime::kMaxTimestamp) {
    return MakeError(kDatetimeFieldOverflow, "timestamp out of range");
  }
  return static_cast<int64_t>(ts);
}

}  // namespace

SqlResult<int64_t> ToTimestamp(std::string_view text, std::string_view fmt) {
  FromChar fc;
  SQL_RETURN_IF_ERROR(FromCharParse(text, fmt, &fc));
  return BuildTimestamp(text, fc, false);
}

SqlResult<int32_t> ToDate(std::string_view text, std::string_view fmt) {
  FromChar fc;
  SQL_RETURN_IF_ERROR(FromCharParse(text, fmt, &fc));
  SQL_ASSIGN_OR_RETURN(int64_t day, BuildTimestamp(text, fc, true));
  if (day < datetime::kMinDate || day > datetime::kMaxDate) {
    return MakeError(kDatetimeFieldOverflow, "date out of range: \"" + std::string(text) + "\"");
  }
  return static_cast<int32_t>(day);
}

}  // namespace lumadb::engine::sql

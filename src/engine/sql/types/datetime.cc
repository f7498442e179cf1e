#include "engine/sql/types/datetime.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/sql/types/timezone.h"

// The input side follows PostgreSQL's own decoder (ParseDateTime and
// DecodeDateTime in src/backend/utils/adt/datetime.c) step by step: the text
// is split into typed fields, then each field is interpreted in the context
// of the fields already seen, tracked as a bit mask. Keeping that structure,
// rather than matching a few fixed patterns, is what makes odd inputs
// ('Jan 12 31', '2024--01-31', '13:45 2024-01-31') succeed or fail exactly
// as they do in PostgreSQL 15.
namespace lumadb::engine::sql::datetime {
namespace {

// SQLSTATEs of the data exception class used here (errcodes.txt).
constexpr const char* kInvalidDatetimeFormat = "22007";
constexpr const char* kDatetimeFieldOverflow = "22008";
constexpr const char* kInvalidTimeZoneDisplacement = "22009";
constexpr const char* kInvalidParameterValue = "22023";

constexpr int kPostgresEpochJdate = 2451545;    // 2000-01-01
constexpr int kUnixEpochJdate = 2440588;        // 1970-01-01
constexpr int kTimestampEndJulian = 109203528;  // 294277-01-01
constexpr int kMaxTzDispHour = 15;
// PostgreSQL's limits on a parsed string: at most MAXDATEFIELDS fields, and
// the fields (plus a NUL each) must fit its work buffer, which date_in sizes
// MAXDATELEN + 1 and timestamp_in MAXDATELEN + MAXDATEFIELDS.
constexpr size_t kMaxDateFields = 25;
constexpr size_t kDateWorkBuf = 128 + 1;
constexpr size_t kTimestampWorkBuf = 128 + 25;

// ---------------------------------------------------------------------------
// Calendar arithmetic (PostgreSQL's date2j / j2date).

int64_t DateToJulian(int64_t year, int month, int day) {
  if (month > 2) {
    month += 1;
    year += 4800;
  } else {
    month += 13;
    year += 4799;
  }
  int64_t century = year / 100;
  int64_t julian = year * 365 - 32167;
  julian += year / 4 - century + century / 4;
  julian += 7834 * month / 256 + day;
  return julian;
}

// Exact for Julian days >= 0 (every valid date and timestamp); unsigned
// arithmetic keeps other inputs free of overflow.
void JulianToDate(int64_t jd, int* year, int* month, int* day) {
  uint64_t julian = static_cast<uint64_t>(jd) + 32044;
  uint64_t quad = julian / 146097;
  uint64_t extra = (julian - quad * 146097) * 4 + 3;
  julian += 60 + quad * 3 + extra / 146097;
  quad = julian / 1461;
  julian -= quad * 1461;
  uint64_t y = julian * 4 / 1461;
  julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) + 123;
  y += quad * 4;
  *year = static_cast<int>(static_cast<int64_t>(y) - 4800);
  quad = julian * 2141 / 65536;
  *day = static_cast<int>(julian - 7834 * quad / 256);
  *month = static_cast<int>((quad + 10) % 12 + 1);
}

bool IsLeap(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// PostgreSQL's IS_VALID_JULIAN: the range where date2j cannot overflow
// (the exact day bounds are checked on the result).
bool IsValidJulian(int year, int month) {
  return (year > -4713 || (year == -4713 && month >= 11)) && (year < 5874898 || (year == 5874898 && month < 6));
}

// Splits a timestamp into days since 2000-01-01 and microseconds into the day.
void SplitTimestamp(int64_t ts, int64_t* date, int64_t* time) {
  *date = ts / kMicrosPerDay;
  *time = ts % kMicrosPerDay;
  if (*time < 0) {
    *time += kMicrosPerDay;
    *date -= 1;
  }
}

// ---------------------------------------------------------------------------
// Character classes; PostgreSQL's isdigit/isalpha/... in the C locale.

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsPunct(char c) { return c > ' ' && c < 127 && !IsAlnum(c); }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// ---------------------------------------------------------------------------
// Keywords.

enum class Kw { kReserved, kMonth, kAmPm, kAdBc, kDow, kIgnore, kIsoTime, kUnits, kDtzMod, kTz, kUnknown };
enum Reserved { kEpoch, kLate, kEarly, kNow, kToday, kTomorrow, kYesterday, kAllBalls };
enum Meridian { kAm, kPm, kHr24 };
enum Era { kAd, kBc };

struct Keyword {
  std::string_view token;
  Kw kind;
  int value;
};

// PostgreSQL's datetktbl. The units keywords (y, m, d, j, ...) label the
// next field ("J2451545", "y2024m01d31"); decoding such labelled fields is
// not supported, but the words are listed because they change how the text
// is split into fields and, as in PostgreSQL 15, a label with nothing after
// it is ignored.
constexpr Keyword kKeywords[] = {
    {"+infinity", Kw::kReserved, kLate},  // PostgreSQL 16; 15 rejects it
    {"-infinity", Kw::kReserved, kEarly},
    {"ad", Kw::kAdBc, kAd},
    {"allballs", Kw::kReserved, kAllBalls},
    {"am", Kw::kAmPm, kAm},
    {"apr", Kw::kMonth, 4},
    {"april", Kw::kMonth, 4},
    {"at", Kw::kIgnore, 0},
    {"aug", Kw::kMonth, 8},
    {"august", Kw::kMonth, 8},
    {"bc", Kw::kAdBc, kBc},
    {"d", Kw::kUnits, 0},
    {"dec", Kw::kMonth, 12},
    {"december", Kw::kMonth, 12},
    {"dow", Kw::kUnits, 0},
    {"doy", Kw::kUnits, 0},
    {"dst", Kw::kDtzMod, 3600},
    {"epoch", Kw::kReserved, kEpoch},
    {"feb", Kw::kMonth, 2},
    {"february", Kw::kMonth, 2},
    {"fri", Kw::kDow, 5},
    {"friday", Kw::kDow, 5},
    {"h", Kw::kUnits, 0},
    {"infinity", Kw::kReserved, kLate},
    {"isodow", Kw::kUnits, 0},
    {"isoyear", Kw::kUnits, 0},
    {"j", Kw::kUnits, 0},
    {"jan", Kw::kMonth, 1},
    {"january", Kw::kMonth, 1},
    {"jd", Kw::kUnits, 0},
    {"jul", Kw::kMonth, 7},
    {"julian", Kw::kUnits, 0},
    {"july", Kw::kMonth, 7},
    {"jun", Kw::kMonth, 6},
    {"june", Kw::kMonth, 6},
    {"m", Kw::kUnits, 0},
    {"mar", Kw::kMonth, 3},
    {"march", Kw::kMonth, 3},
    {"may", Kw::kMonth, 5},
    {"mm", Kw::kUnits, 0},
    {"mon", Kw::kDow, 1},
    {"monday", Kw::kDow, 1},
    {"nov", Kw::kMonth, 11},
    {"november", Kw::kMonth, 11},
    {"now", Kw::kReserved, kNow},
    {"oct", Kw::kMonth, 10},
    {"october", Kw::kMonth, 10},
    {"on", Kw::kIgnore, 0},
    {"pm", Kw::kAmPm, kPm},
    {"s", Kw::kUnits, 0},
    {"sat", Kw::kDow, 6},
    {"saturday", Kw::kDow, 6},
    {"sep", Kw::kMonth, 9},
    {"sept", Kw::kMonth, 9},
    {"september", Kw::kMonth, 9},
    {"sun", Kw::kDow, 0},
    {"sunday", Kw::kDow, 0},
    {"t", Kw::kIsoTime, 0},
    {"thu", Kw::kDow, 4},
    {"thur", Kw::kDow, 4},
    {"thurs", Kw::kDow, 4},
    {"thursday", Kw::kDow, 4},
    {"today", Kw::kReserved, kToday},
    {"tomorrow", Kw::kReserved, kTomorrow},
    {"tue", Kw::kDow, 2},
    {"tues", Kw::kDow, 2},
    {"tuesday", Kw::kDow, 2},
    {"wed", Kw::kDow, 3},
    {"wednesday", Kw::kDow, 3},
    {"weds", Kw::kDow, 3},
    {"y", Kw::kUnits, 0},
    {"yesterday", Kw::kReserved, kYesterday},
};

const Keyword* FindKeyword(std::string_view token) {
  for (const Keyword& k : kKeywords) {
    if (k.token == token) return &k;
  }
  return nullptr;
}

// Zone abbreviations (PostgreSQL's "Default" set) that mean UTC.
bool IsUtcAbbrev(std::string_view s) {
  return s == "gmt" || s == "uct" || s == "ut" || s == "utc" || s == "z" || s == "zulu";
}

// IANA zone names (lower case, as the decoder sees them) that mean UTC.
bool IsUtcZoneName(std::string_view s) {
  static constexpr std::string_view kNames[] = {"etc/gmt", "etc/gmt+0", "etc/gmt-0",     "etc/gmt0",  "etc/greenwich",
                                                "etc/uct", "etc/utc",   "etc/universal", "etc/zulu",  "gmt",
                                                "gmt+0",   "gmt-0",     "gmt0",          "greenwich", "uct",
                                                "utc",     "universal", "zulu"};
  for (std::string_view n : kNames) {
    if (n == s) return true;
  }
  return false;
}

// A zone name as PostgreSQL's pg_tzset resolves it: the UTC names above, or
// a POSIX zone without daylight saving time, "<abbrev><offset>" such as
// "utc+5" (5 hours west of UTC) or "gmt-05:30". *tz is seconds west of UTC.
bool LookupZoneName(std::string_view s, int* tz) {
  if (IsUtcZoneName(s)) {
    *tz = 0;
    return true;
  }
  // The abbreviation: anything up to a digit, sign or comma (may be empty).
  size_t i = 0;
  while (i < s.size() && !IsDigit(s[i]) && s[i] != ',' && s[i] != '-' && s[i] != '+') i++;
  if (i == s.size()) return false;
  bool west = true;
  if (s[i] == '-' || s[i] == '+') west = s[i++] == '+';
  // hh[:mm[:ss]] with POSIX's limits: hours up to 167, seconds up to 60.
  auto number = [&](int max, int* v) {
    if (i >= s.size() || !IsDigit(s[i])) return false;
    *v = 0;
    for (; i < s.size() && IsDigit(s[i]); i++) {
      *v = *v * 10 + (s[i] - '0');
      if (*v > max) return false;
    }
    return true;
  };
  int hours, minutes = 0, seconds = 0;
  if (!number(167, &hours)) return false;
  if (i < s.size() && s[i] == ':') {
    i++;
    if (!number(59, &minutes)) return false;
    if (i < s.size() && s[i] == ':') {
      i++;
      if (!number(60, &seconds)) return false;
    }
  }
  if (i != s.size()) return false;  // a daylight-saving part: not supported
  int secs = (hours * 60 + minutes) * 60 + seconds;
  *tz = west ? secs : -secs;
  return true;
}

// ---------------------------------------------------------------------------
// Decoder state.

enum class DtErr { kOk, kTimeOnly, kBadFormat, kFieldOverflow, kMdFieldOverflow, kTzDispOverflow, kBadTimezone };

// Which fields have been seen (PostgreSQL's DTK_M bits).
enum : int {
  kYearM = 1 << 0,
  kMonthM = 1 << 1,
  kDayM = 1 << 2,
  kHourM = 1 << 3,
  kMinuteM = 1 << 4,
  kSecondM = 1 << 5,
  kTzM = 1 << 6,
  kDoyM = 1 << 7,
  kDowM = 1 << 8,
  kReservedM = 1 << 9,
  kAmPmM = 1 << 10,
  kAdBcM = 1 << 11,
  kDtzModM = 1 << 12,
};
constexpr int kDateM = kYearM | kMonthM | kDayM;
constexpr int kTimeM = kHourM | kMinuteM | kSecondM;

struct Tm {
  int year = 0;
  int mon = 0;
  int mday = 0;
  int hour = 0;
  int min = 0;
  int sec = 0;
  int yday = 0;
};

enum class DType { kDate, kEpoch, kLate, kEarly };

struct Decoded {
  DType dtype = DType::kDate;
  Tm tm;
  int fsec = 0;  // microseconds
  int tz = 0;    // seconds west of UTC (PostgreSQL's sign convention)
  int fmask = 0;  // the fields seen
  const TimeZone* zone = nullptr;  // a named zone ("America/New_York"): its offset depends on the date
  std::string bad_zone;
};

// strtol(s + start, &end, 10) narrowed to int, as PostgreSQL's strtoint:
// optional sign, then digits. *end is where parsing stopped, `start` when
// there were no digits (value 0). False on overflow (ERANGE).
bool StrToInt(std::string_view s, size_t start, size_t* end, int* value) {
  size_t i = start;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    i++;
  }
  size_t first_digit = i;
  int64_t v = 0;
  bool overflow = false;
  for (; i < s.size() && IsDigit(s[i]); i++) {
    if (!overflow) {
      v = v * 10 + (s[i] - '0');
      if (v > int64_t{INT32_MAX} + 1) overflow = true;
    }
  }
  *value = 0;
  if (i == first_digit) {
    *end = start;
    return true;
  }
  *end = i;
  if (negative) v = -v;
  if (overflow || v > INT32_MAX || v < INT32_MIN) return false;
  *value = static_cast<int>(v);
  return true;
}

// glibc's atoi, which is (int) strtol: saturates at LONG_MAX, then narrows.
int Atoi(std::string_view digits) {
  int64_t v = 0;
  for (char c : digits) {
    if (!IsDigit(c)) break;
    int d = c - '0';
    if (v > (INT64_MAX - d) / 10) {
      v = INT64_MAX;
      break;
    }
    v = v * 10 + d;
  }
  return static_cast<int>(v);
}

// A fraction ".ddd" as strtod reads it. With check_end, anything after the
// number is an error.
DtErr ParseFraction(std::string_view s, bool check_end, double* frac) {
  if (s.size() == 1) {  // just "."
    *frac = 0;
    return DtErr::kOk;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *frac);
  if (ec != std::errc()) return DtErr::kBadFormat;
  if (check_end && ptr != s.data() + s.size()) return DtErr::kBadFormat;
  return DtErr::kOk;
}

// Fractional seconds to microseconds, rounded with rint as PostgreSQL does
// (so 7+ digits round half to even on the binary value).
DtErr ParseFractionalSecond(std::string_view s, int* fsec) {
  double frac;
  DtErr err = ParseFraction(s, true, &frac);
  if (err != DtErr::kOk) return err;
  *fsec = static_cast<int>(std::rint(frac * 1000000.0));
  return DtErr::kOk;
}

// ---------------------------------------------------------------------------
// Splitting into fields (ParseDateTime).

enum class FieldType { kNumber, kString, kDate, kTime, kTz, kSpecial };

struct Field {
  FieldType type;
  std::string text;  // letters lower-cased
};

DtErr Tokenize(std::string_view in, size_t work_buf, std::vector<Field>* fields) {
  size_t i = 0;
  const size_t n = in.size();
  auto peek = [&]() { return i < n ? in[i] : '\0'; };
  size_t chars = 0;
  while (i < n) {
    char c = in[i];
    if (IsSpace(c)) {
      i++;
      continue;
    }
    Field f{FieldType::kNumber, {}};
    std::string& t = f.text;
    if (IsDigit(c)) {
      while (IsDigit(peek())) t += in[i++];
      if (peek() == ':') {
        f.type = FieldType::kTime;
        t += in[i++];
        while (IsDigit(peek()) || peek() == ':' || peek() == '.') t += in[i++];
      } else if (peek() == '-' || peek() == '/' || peek() == '.') {
        char delim = in[i];
        t += in[i++];
        if (IsDigit(peek())) {
          // "2024.5" is a number; two matching delimiters make a date.
          f.type = delim == '.' ? FieldType::kNumber : FieldType::kDate;
          while (IsDigit(peek())) t += in[i++];
          if (peek() == delim) {
            f.type = FieldType::kDate;
            t += in[i++];
            while (IsDigit(peek()) || peek() == delim) t += in[i++];
          }
        } else {
          f.type = FieldType::kDate;  // embedded month name: "31-jan-2024"
          while (IsAlnum(peek()) || peek() == delim) t += Lower(in[i++]);
        }
      } else {
        f.type = FieldType::kNumber;
      }
    } else if (c == '.') {
      t += in[i++];
      while (IsDigit(peek())) t += in[i++];
      f.type = FieldType::kNumber;
    } else if (IsAlpha(c)) {
      f.type = FieldType::kString;
      while (IsAlpha(peek())) t += Lower(in[i++]);
      // A word running into '-', '/', '.', or into a digit or '+' when it is
      // not a keyword, is a date ("jan-31-2024") or a zone name ("etc/utc").
      char next = peek();
      bool is_date =
          next == '-' || next == '/' || next == '.' || ((next == '+' || IsDigit(next)) && FindKeyword(t) == nullptr);
      if (is_date) {
        f.type = FieldType::kDate;
        do {
          t += Lower(in[i++]);
        } while (peek() == '+' || peek() == '-' || peek() == '/' || peek() == '_' || peek() == '.' || peek() == ':' ||
                 IsAlnum(peek()));
      }
    } else if (c == '+' || c == '-') {
      t += in[i++];
      while (IsSpace(peek())) i++;
      if (IsDigit(peek())) {
        f.type = FieldType::kTz;
        t += in[i++];
        while (IsDigit(peek()) || peek() == ':' || peek() == '.' || peek() == '-') t += in[i++];
      } else if (IsAlpha(peek())) {
        f.type = FieldType::kSpecial;
        while (IsAlpha(peek())) t += Lower(in[i++]);
      } else {
        return DtErr::kBadFormat;
      }
    } else if (IsPunct(c)) {
      i++;  // other punctuation only separates fields
      continue;
    } else {
      return DtErr::kBadFormat;
    }
    chars += t.size();
    fields->push_back(std::move(f));
  }
  if (fields->size() > kMaxDateFields) return DtErr::kBadFormat;
  if (!fields->empty() && chars + fields->size() - 1 >= work_buf) return DtErr::kBadFormat;
  return DtErr::kOk;
}

// ---------------------------------------------------------------------------
// Interpreting fields (DecodeDateTime and its helpers).

// "+05", "-0830", "+05:30", "+05:30:15" (DecodeTimezone).
DtErr DecodeTimezone(std::string_view s, int* tz) {
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return DtErr::kBadFormat;
  size_t cp;
  int hr, min = 0, sec = 0;
  if (!StrToInt(s, 1, &cp, &hr)) return DtErr::kTzDispOverflow;
  if (cp < s.size() && s[cp] == ':') {
    if (!StrToInt(s, cp + 1, &cp, &min)) return DtErr::kTzDispOverflow;
    if (cp < s.size() && s[cp] == ':') {
      if (!StrToInt(s, cp + 1, &cp, &sec)) return DtErr::kTzDispOverflow;
    }
  } else if (cp == s.size() && s.size() > 3) {
    min = hr % 100;  // run together: hhmm
    hr = hr / 100;
  }
  if (hr < 0 || hr > kMaxTzDispHour || min < 0 || min >= 60 || sec < 0 || sec >= 60) return DtErr::kTzDispOverflow;
  int east = (hr * 60 + min) * 60 + sec;
  if (s[0] == '-') east = -east;
  *tz = -east;
  if (cp != s.size()) return DtErr::kBadFormat;
  return DtErr::kOk;
}

// "hh:mm", "hh:mm:ss[.fff]", or "mm:ss.fff" (DecodeTime).
DtErr DecodeTime(std::string_view s, int* tmask, Tm* tm, int* fsec) {
  *tmask = kTimeM;
  size_t cp;
  int hour, min, sec = 0, frac = 0;
  if (!StrToInt(s, 0, &cp, &hour)) return DtErr::kFieldOverflow;
  if (cp >= s.size() || s[cp] != ':') return DtErr::kBadFormat;
  if (!StrToInt(s, cp + 1, &cp, &min)) return DtErr::kFieldOverflow;
  if (cp == s.size()) {
    sec = 0;
  } else if (s[cp] == '.') {
    // A fraction after two fields means minutes and seconds.
    DtErr err = ParseFractionalSecond(s.substr(cp), &frac);
    if (err != DtErr::kOk) return err;
    sec = min;
    min = hour;
    hour = 0;
  } else if (s[cp] == ':') {
    if (!StrToInt(s, cp + 1, &cp, &sec)) return DtErr::kFieldOverflow;
    if (cp < s.size() && s[cp] == '.') {
      DtErr err = ParseFractionalSecond(s.substr(cp), &frac);
      if (err != DtErr::kOk) return err;
    } else if (cp != s.size()) {
      return DtErr::kBadFormat;
    }
  } else {
    return DtErr::kBadFormat;
  }
  if (hour < 0 || min < 0 || min > 59 || sec < 0 || sec > 60 || frac < 0 || frac > kMicrosPerSecond) {
    return DtErr::kFieldOverflow;
  }
  tm->hour = hour;
  tm->min = min;
  tm->sec = sec;
  *fsec = frac;
  return DtErr::kOk;
}

// Up to 24:00:00 (and 23:59:60), nothing beyond (time_overflows).
bool TimeOverflows(int hour, int min, int sec, int fsec) {
  if (hour < 0 || hour > 24 || min < 0 || min >= 60 || sec < 0 || sec > 60 || fsec < 0 || fsec > kMicrosPerSecond) {
    return true;
  }
  return ((int64_t{hour} * 60 + min) * 60 + sec) * kMicrosPerSecond + fsec > kMicrosPerDay;
}

// Run-together digits: yyyymmdd / yymmdd (any length >= 6 while the date is
// incomplete), hhmmss, hhmm, with an optional fraction (DecodeNumberField).
DtErr DecodeNumberField(std::string s, int fmask, int* tmask, Tm* tm, int* fsec, bool* is2digits) {
  size_t dot = s.find('.');
  if (dot != std::string::npos) {
    if (dot + 1 == s.size()) {
      *fsec = 0;
    } else {
      double frac;
      if (ParseFraction(std::string_view(s).substr(dot), false, &frac) != DtErr::kOk) return DtErr::kBadFormat;
      *fsec = static_cast<int>(std::rint(frac * 1000000.0));
    }
    s.resize(dot);
  } else if ((fmask & kDateM) != kDateM) {
    size_t len = s.size();
    if (len >= 6) {
      *tmask = kDateM;
      tm->mday = Atoi(std::string_view(s).substr(len - 2));
      tm->mon = Atoi(std::string_view(s).substr(len - 4, 2));
      tm->year = Atoi(std::string_view(s).substr(0, len - 4));
      if (len - 4 == 2) *is2digits = true;
      return DtErr::kOk;
    }
  }
  if ((fmask & kTimeM) != kTimeM) {
    std::string_view v(s);
    if (v.size() == 6) {
      *tmask = kTimeM;
      tm->sec = Atoi(v.substr(4));
      tm->min = Atoi(v.substr(2, 2));
      tm->hour = Atoi(v.substr(0, 2));
      return DtErr::kOk;
    }
    if (v.size() == 4) {
      *tmask = kTimeM;
      tm->sec = 0;
      tm->min = Atoi(v.substr(2, 2));
      tm->hour = Atoi(v.substr(0, 2));
      return DtErr::kOk;
    }
  }
  return DtErr::kBadFormat;
}

// One number of a date, placed by what came before it and the MDY field
// order (DecodeNumber).
DtErr DecodeNumber(std::string_view s, bool have_text_month, int fmask, int* tmask, Tm* tm, int* fsec,
                   bool* is2digits) {
  *tmask = 0;
  const size_t flen = s.size();
  size_t cp;
  int val;
  if (!StrToInt(s, 0, &cp, &val)) return DtErr::kFieldOverflow;
  if (cp == 0) return DtErr::kBadFormat;
  if (cp < flen && s[cp] == '.') {
    // More than two digits before the point: a date or run-together time.
    if (cp > 2) return DecodeNumberField(std::string(s), fmask | kDateM, tmask, tm, fsec, is2digits);
    DtErr err = ParseFractionalSecond(s.substr(cp), fsec);
    if (err != DtErr::kOk) return err;
  } else if (cp != flen) {
    return DtErr::kBadFormat;
  }
  // Day of year after a year: "2024.031".
  if (flen == 3 && (fmask & kDateM) == kYearM && val >= 1 && val <= 366) {
    *tmask = kDoyM | kMonthM | kDayM;
    tm->yday = val;
    return DtErr::kOk;
  }
  switch (fmask & kDateM) {
    case 0:
      // Nothing yet: a year if it has 3+ digits, else the month (MDY).
      if (flen >= 3) {
        *tmask = kYearM;
        tm->year = val;
      } else {
        *tmask = kMonthM;
        tm->mon = val;
      }
      break;
    case kYearM:
      *tmask = kMonthM;
      tm->mon = val;
      break;
    case kMonthM:
      // After a month name: "Jan 31 2024" / "Jan 2024 31"; after a numeric
      // month: MM-DD-YY.
      if (have_text_month && flen >= 3) {
        *tmask = kYearM;
        tm->year = val;
      } else {
        *tmask = kDayM;
        tm->mday = val;
      }
      break;
    case kYearM | kMonthM:
      if (have_text_month && flen >= 3 && *is2digits) {
        // "31 Jan 2024": the first number was the day after all.
        *tmask = kDayM;
        tm->mday = tm->year;
        tm->year = val;
        *is2digits = false;
      } else {
        *tmask = kDayM;
        tm->mday = val;
      }
      break;
    case kDayM:
      *tmask = kMonthM;
      tm->mon = val;
      break;
    case kMonthM | kDayM:
      *tmask = kYearM;
      tm->year = val;
      break;
    case kDateM:
      return DecodeNumberField(std::string(s), fmask, tmask, tm, fsec, is2digits);
    default:
      return DtErr::kBadFormat;
  }
  if (*tmask == kYearM) *is2digits = flen <= 2;
  return DtErr::kOk;
}

// A field with delimiters: "2024-01-31", "01/31/2024", "31-jan-2024"
// (DecodeDate). It must supply year, month and day, and nothing may have
// been seen before it other than a zone.
DtErr DecodeDate(std::string_view s, int fmask, int* tmask, bool* is2digits, Tm* tm) {
  *tmask = 0;
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < s.size() && parts.size() < kMaxDateFields) {
    while (i < s.size() && !IsAlnum(s[i])) i++;
    if (i == s.size()) return DtErr::kBadFormat;
    size_t start = i;
    if (IsDigit(s[i])) {
      while (i < s.size() && IsDigit(s[i])) i++;
    } else {
      while (i < s.size() && IsAlpha(s[i])) i++;
    }
    parts.emplace_back(s.substr(start, i - start));
    if (i < s.size()) i++;  // PostgreSQL overwrites the character after each part
  }
  bool have_text_month = false;
  std::vector<bool> done(parts.size(), false);
  for (size_t k = 0; k < parts.size(); k++) {
    if (!IsAlpha(parts[k][0])) continue;
    const Keyword* kw = FindKeyword(parts[k]);
    if (kw != nullptr && kw->kind == Kw::kIgnore) continue;  // left to fail as a number
    if (kw == nullptr || kw->kind != Kw::kMonth) return DtErr::kBadFormat;
    if (fmask & kMonthM) return DtErr::kBadFormat;
    tm->mon = kw->value;
    have_text_month = true;
    fmask |= kMonthM;
    *tmask |= kMonthM;
    done[k] = true;
  }
  int unused_fsec = 0;
  for (size_t k = 0; k < parts.size(); k++) {
    if (done[k]) continue;
    int dmask;
    DtErr err = DecodeNumber(parts[k], have_text_month, fmask, &dmask, tm, &unused_fsec, is2digits);
    if (err != DtErr::kOk) return err;
    if (fmask & dmask) return DtErr::kBadFormat;
    fmask |= dmask;
    *tmask |= dmask;
  }
  if ((fmask & ~(kDoyM | kTzM)) != kDateM) return DtErr::kBadFormat;
  return DtErr::kOk;
}

// Final checks of year, month and day; applies BC and 2-digit years
// (ValidateDate).
DtErr ValidateDate(int fmask, bool is2digits, bool bc, Tm* tm) {
  if (fmask & kYearM) {
    if (bc) {
      if (tm->year <= 0) return DtErr::kFieldOverflow;  // there is no year 0 BC
      tm->year = -(tm->year - 1);                       // 1 BC is year 0
    } else if (is2digits) {
      if (tm->year < 0) return DtErr::kFieldOverflow;
      if (tm->year < 70) {
        tm->year += 2000;
      } else if (tm->year < 100) {
        tm->year += 1900;
      }
    } else if (tm->year <= 0) {
      return DtErr::kFieldOverflow;
    }
  }
  if (fmask & kDoyM) JulianToDate(DateToJulian(tm->year, 1, 1) + tm->yday - 1, &tm->year, &tm->mon, &tm->mday);
  if ((fmask & kMonthM) && (tm->mon < 1 || tm->mon > 12)) return DtErr::kMdFieldOverflow;
  if ((fmask & kDayM) && (tm->mday < 1 || tm->mday > 31)) return DtErr::kMdFieldOverflow;
  if ((fmask & kDateM) == kDateM && tm->mday > DaysInMonth(tm->year, tm->mon)) return DtErr::kFieldOverflow;
  return DtErr::kOk;
}

void TimestampToTm(int64_t ts, Tm* tm, int* fsec) {
  int64_t date, time;
  SplitTimestamp(ts, &date, &time);
  JulianToDate(date + kPostgresEpochJdate, &tm->year, &tm->mon, &tm->mday);
  tm->hour = static_cast<int>(time / 3600000000);
  time -= tm->hour * int64_t{3600000000};
  tm->min = static_cast<int>(time / 60000000);
  time -= tm->min * int64_t{60000000};
  tm->sec = static_cast<int>(time / kMicrosPerSecond);
  *fsec = static_cast<int>(time - tm->sec * kMicrosPerSecond);
}

// The whole string: fields in order, each checked against what is already
// known (DecodeDateTime). kTimeOnly means a time without a date.
// `time_only` reads runs of digits as hhmm[ss] (DecodeTimeOnly's rule).
DtErr DecodeDateTime(const std::vector<Field>& fields, int64_t now_us, bool time_only, Decoded* out) {
  Tm& tm = out->tm;
  int fmask = 0;
  bool iso_time_next = false;  // a "t" was seen: the next field is the time
  bool unit_next = false;      // a units label was seen: the next field is labelled
  bool named_zone = false;
  int mer = kHr24;
  bool have_text_month = false;
  bool is2digits = false;
  bool bc = false;
  for (size_t i = 0; i < fields.size(); i++) {
    const std::string& s = fields[i].text;
    int tmask = 0;
    DtErr err = DtErr::kOk;
    if (unit_next && fields[i].type != FieldType::kString && fields[i].type != FieldType::kSpecial) {
      return DtErr::kBadFormat;  // a labelled field: not supported
    }
    switch (fields[i].type) {
      case FieldType::kDate:
        if (iso_time_next || (fmask & (kMonthM | kDayM)) == (kMonthM | kDayM)) {
          // With the date known, this is a zone name or "hhmmss-zz".
          if (IsDigit(s[0]) || iso_time_next) {
            iso_time_next = false;
            if ((fmask & kTimeM) == kTimeM) return DtErr::kBadFormat;
            size_t dash = s.find('-');
            if (dash == std::string::npos) return DtErr::kBadFormat;
            err = DecodeTimezone(std::string_view(s).substr(dash), &out->tz);
            if (err != DtErr::kOk) return err;
            err = DecodeNumberField(s.substr(0, dash), fmask, &tmask, &tm, &out->fsec, &is2digits);
            if (err != DtErr::kOk) return err;
            tmask |= kTzM;
          } else {
            if (!LookupZoneName(s, &out->tz)) {
              out->zone = FindTimeZone(s);
              if (out->zone == nullptr) {
                out->bad_zone = s;
                return DtErr::kBadTimezone;
              }
            }
            named_zone = true;
            tmask = kTzM;
          }
        } else {
          err = DecodeDate(s, fmask, &tmask, &is2digits, &tm);
          if (err != DtErr::kOk) return err;
        }
        break;

      case FieldType::kTime:
        iso_time_next = false;
        err = DecodeTime(s, &tmask, &tm, &out->fsec);
        if (err != DtErr::kOk) return err;
        if (TimeOverflows(tm.hour, tm.min, tm.sec, out->fsec)) return DtErr::kFieldOverflow;
        break;

      case FieldType::kTz:
        err = DecodeTimezone(s, &out->tz);
        if (err != DtErr::kOk) return err;
        tmask = kTzM;
        break;

      case FieldType::kNumber:
        if (iso_time_next) {
          // "t" then "hhmmss[.fff]".
          size_t cp;
          int unused;
          if (!StrToInt(s, 0, &cp, &unused)) return DtErr::kFieldOverflow;
          if (cp < s.size() && s[cp] != '.') return DtErr::kBadFormat;
          err = DecodeNumberField(s, fmask | kDateM, &tmask, &tm, &out->fsec, &is2digits);
          if (err != DtErr::kOk) return err;
          if (tmask != kTimeM) return DtErr::kBadFormat;
          iso_time_next = false;
          out->dtype = DType::kDate;
        } else {
          size_t dot = s.find('.');
          if (dot != std::string::npos && !(fmask & kDateM)) {
            err = DecodeDate(s, fmask, &tmask, &is2digits, &tm);
          } else if (dot != std::string::npos && dot > 2) {
            err = DecodeNumberField(s, fmask, &tmask, &tm, &out->fsec, &is2digits);
          } else if (time_only && s.size() >= 4) {
            err = DecodeNumberField(s, fmask | kDateM, &tmask, &tm, &out->fsec, &is2digits);
          } else if (s.size() >= 6 && (!(fmask & kDateM) || !(fmask & kTimeM))) {
            // Six or more digits are yyyymmdd or hhmmss; five are a year.
            err = DecodeNumberField(s, fmask, &tmask, &tm, &out->fsec, &is2digits);
          } else {
            err = DecodeNumber(s, have_text_month, fmask, &tmask, &tm, &out->fsec, &is2digits);
          }
          if (err != DtErr::kOk) return err;
        }
        break;

      case FieldType::kString:
      case FieldType::kSpecial: {
        Kw kind = Kw::kUnknown;
        int val = 0;
        int32_t abbrev_east = 0;
        if (IsUtcAbbrev(s) || ZoneAbbreviationOffset(s, &abbrev_east)) {
          kind = Kw::kTz;  // zone abbreviations take precedence over keywords
        } else if (const Keyword* kw = FindKeyword(s)) {
          kind = kw->kind;
          val = kw->value;
        }
        switch (kind) {
          case Kw::kIgnore:
            continue;  // "at", "on": not even checked against the mask
          case Kw::kReserved:
            tmask = kReservedM;
            if (val == kNow) {
              // The session zone's local time, and its offset then.
              tmask = kDateM | kTimeM | kTzM;
              out->dtype = DType::kDate;
              int32_t east = CurrentZone()->OffsetAt(now_us);
              TimestampToTm(now_us + int64_t{east} * kMicrosPerSecond, &tm, &out->fsec);
              out->tz = -east;
            } else if (val == kToday || val == kTomorrow || val == kYesterday) {
              tmask = kDateM;
              out->dtype = DType::kDate;
              int64_t jd = TimestampToDate(CurrentZone()->UtcToLocal(now_us)) + int64_t{kPostgresEpochJdate};
              jd += val == kTomorrow ? 1 : val == kYesterday ? -1 : 0;
              JulianToDate(jd, &tm.year, &tm.mon, &tm.mday);
            } else if (val == kAllBalls) {
              tmask = kTimeM | kTzM;
              out->dtype = DType::kDate;
              tm.hour = tm.min = tm.sec = 0;
              out->tz = 0;
            } else {
              // epoch, infinity, -infinity: PostgreSQL 15 lets other fields
              // (a time, BC) come along and ignores them.
              out->dtype = val == kEpoch ? DType::kEpoch : val == kLate ? DType::kLate : DType::kEarly;
            }
            break;
          case Kw::kMonth:
            tmask = kMonthM;
            // A number taken as the month turns out to be the day: "12 Jan".
            if ((fmask & kMonthM) && !have_text_month && !(fmask & kDayM) && tm.mon >= 1 && tm.mon <= 31) {
              tm.mday = tm.mon;
              tmask = kDayM;
            }
            have_text_month = true;
            tm.mon = val;
            break;
          case Kw::kTz:
            tmask = kTzM;
            out->tz = -abbrev_east;
            break;
          case Kw::kAmPm:
            tmask = kAmPmM;
            mer = val;
            break;
          case Kw::kAdBc:
            tmask = kAdBcM;
            bc = val == kBc;
            break;
          case Kw::kDow:
            tmask = kDowM;  // accepted and otherwise ignored
            break;
          case Kw::kIsoTime:
            // "t" needs a full date before it and a time right after it.
            tmask = 0;
            if ((fmask & kDateM) != kDateM || iso_time_next) return DtErr::kBadFormat;
            if (i + 1 >= fields.size() ||
                (fields[i + 1].type != FieldType::kNumber && fields[i + 1].type != FieldType::kTime &&
                 fields[i + 1].type != FieldType::kDate)) {
              return DtErr::kBadFormat;
            }
            iso_time_next = true;
            unit_next = false;
            break;
          case Kw::kDtzMod:
            // "dst" after a zone abbreviation: one hour east of it.
            tmask = kDtzModM;
            out->tz -= val;
            break;
          case Kw::kUnits:
            tmask = 0;
            unit_next = true;
            break;
          case Kw::kUnknown:
            if (!IsUtcZoneName(s)) {
              out->zone = FindTimeZone(s);  // a one-word zone name ("Japan", "EST5EDT")
              if (out->zone == nullptr) return DtErr::kBadFormat;
            }
            tmask = kTzM;
            out->tz = 0;
            named_zone = true;
            break;
        }
        break;
      }
    }
    if (tmask & fmask) return DtErr::kBadFormat;
    fmask |= tmask;
  }
  if (iso_time_next) return DtErr::kBadFormat;
  out->fmask = fmask;

  // PostgreSQL 15 validates the fields even for epoch and infinity.
  DtErr err = ValidateDate(fmask, is2digits, bc, &tm);
  if (err != DtErr::kOk) return err;
  if (mer != kHr24 && tm.hour > 12) return DtErr::kFieldOverflow;
  if (mer == kAm && tm.hour == 12) {
    tm.hour = 0;
  } else if (mer == kPm && tm.hour != 12) {
    tm.hour += 12;
  }
  if (out->dtype != DType::kDate) return DtErr::kOk;
  if ((fmask & kDateM) != kDateM) return (fmask & kTimeM) == kTimeM ? DtErr::kTimeOnly : DtErr::kBadFormat;
  // "dst" needs a zone abbreviation, not a zone name or no zone.
  if ((fmask & kDtzModM) && (named_zone || !(fmask & kTzM))) return DtErr::kBadFormat;
  return DtErr::kOk;
}

DtErr Decode(std::string_view text, size_t work_buf, int64_t now_us, Decoded* out, bool time_only = false) {
  std::vector<Field> fields;
  DtErr err = Tokenize(text, work_buf, &fields);
  if (err != DtErr::kOk) return err;
  return DecodeDateTime(fields, now_us, time_only, out);
}

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// PostgreSQL's DateTimeParseError.
SqlError DecodeError(DtErr err, std::string_view text, std::string_view type_name, const Decoded& d) {
  switch (err) {
    case DtErr::kFieldOverflow:
      return MakeError(kDatetimeFieldOverflow, "date/time field value out of range: " + Quoted(text));
    case DtErr::kMdFieldOverflow: {
      SqlError e = MakeError(kDatetimeFieldOverflow, "date/time field value out of range: " + Quoted(text));
      e.hint = "Perhaps you need a different \"datestyle\" setting.";
      return e;
    }
    case DtErr::kTzDispOverflow:
      return MakeError(kInvalidTimeZoneDisplacement, "time zone displacement out of range: " + Quoted(text));
    case DtErr::kBadTimezone:
      return MakeError(kInvalidParameterValue, "time zone " + Quoted(d.bad_zone) + " not recognized");
    default:
      return MakeError(kInvalidDatetimeFormat,
                       "invalid input syntax for type " + std::string(type_name) + ": " + Quoted(text));
  }
}

// tm2timestamp: false when out of range. `tz` (seconds west) converts local
// time to UTC; null leaves the time as it is.
bool TmToTimestamp(const Tm& tm, int fsec, const int* tz, int64_t* result) {
  if (!IsValidJulian(tm.year, tm.mon)) return false;
  int64_t date = DateToJulian(tm.year, tm.mon, tm.mday) - kPostgresEpochJdate;
  int64_t time = ((int64_t{tm.hour} * 60 + tm.min) * 60 + tm.sec) * kMicrosPerSecond + fsec;
  int64_t r;
  if (__builtin_mul_overflow(date, kMicrosPerDay, &r) || __builtin_add_overflow(r, time, &r)) return false;
  // PostgreSQL's "just barely" overflow check, which also rejects a
  // run-together time past 24:00 that crosses 2000-01-01 ("1999-12-30 990000").
  if ((r < 0 && date > 0) || (r > 0 && date < -1)) return false;
  if (tz != nullptr && __builtin_add_overflow(r, int64_t{*tz} * kMicrosPerSecond, &r)) return false;
  if (r < kMinTimestamp || r > kMaxTimestamp) return false;
  *result = r;
  return true;
}

SqlResult<int64_t> ParseTimestampImpl(std::string_view text, int64_t now_us, bool with_tz) {
  std::string_view type_name = with_tz ? "timestamp with time zone" : "timestamp";
  Decoded d;
  DtErr err = Decode(text, kTimestampWorkBuf, now_us, &d);
  if (err != DtErr::kOk) return DecodeError(err, text, type_name, d);
  switch (d.dtype) {
    case DType::kEpoch:
      return (int64_t{kUnixEpochJdate} - kPostgresEpochJdate) * kMicrosPerDay;
    case DType::kLate:
      return kTsInfinity;
    case DType::kEarly:
      return kTsNegInfinity;
    case DType::kDate:
      break;
  }
  int64_t result;
  // Without a zone (or with a named one) the local time is converted by the
  // session's zone (or that one) at that time.
  const TimeZone* zone = !with_tz ? nullptr : d.zone != nullptr ? d.zone : (d.fmask & kTzM) ? nullptr : CurrentZone();
  if (!TmToTimestamp(d.tm, d.fsec, with_tz && zone == nullptr ? &d.tz : nullptr, &result)) {
    return MakeError(kDatetimeFieldOverflow, "timestamp out of range: " + Quoted(text));
  }
  if (zone != nullptr) result = zone->LocalToUtc(result);
  return result;
}

void AppendPadded(int64_t v, int width, std::string* out) {
  char buf[32];
  int n = std::snprintf(buf, sizeof(buf), "%0*lld", width, static_cast<long long>(v));
  out->append(buf, n);
}

void AppendYmd(int year, int mon, int mday, std::string* out) {
  AppendPadded(year > 0 ? year : -(int64_t{year} - 1), 4, out);
  out->push_back('-');
  AppendPadded(mon, 2, out);
  out->push_back('-');
  AppendPadded(mday, 2, out);
}

void AppendTimestampText(int64_t ts, bool with_tz, std::string* out) {
  if (ts == kTsNegInfinity) {
    out->append("-infinity");
    return;
  }
  if (ts == kTsInfinity) {
    out->append("infinity");
    return;
  }
  int32_t east = with_tz ? CurrentZone()->OffsetAt(ts) : 0;
  Tm tm;
  int fsec;
  TimestampToTm(ts + int64_t{east} * kMicrosPerSecond, &tm, &fsec);
  AppendYmd(tm.year, tm.mon, tm.mday, out);
  out->push_back(' ');
  AppendPadded(tm.hour, 2, out);
  out->push_back(':');
  AppendPadded(tm.min, 2, out);
  out->push_back(':');
  AppendPadded(tm.sec, 2, out);
  AppendFraction(fsec, out);
  if (with_tz) AppendOffset(east, out);
  if (tm.year <= 0) out->append(" BC");
}

}  // namespace

SqlResult<int32_t> ParseDate(std::string_view text, int64_t now_us) {
  Decoded d;
  DtErr err = Decode(text, kDateWorkBuf, now_us, &d);
  if (err != DtErr::kOk) return DecodeError(err, text, "date", d);
  switch (d.dtype) {
    case DType::kEpoch:
      return kUnixEpochJdate - kPostgresEpochJdate;
    case DType::kLate:
      return kDateInfinity;
    case DType::kEarly:
      return kDateNegInfinity;
    case DType::kDate:
      break;
  }
  SqlError out_of_range = MakeError(kDatetimeFieldOverflow, "date out of range: " + Quoted(text));
  if (!IsValidJulian(d.tm.year, d.tm.mon)) return out_of_range;
  int64_t date = DateToJulian(d.tm.year, d.tm.mon, d.tm.mday) - kPostgresEpochJdate;
  if (date < kMinDate || date > kMaxDate) return out_of_range;
  return static_cast<int32_t>(date);
}

SqlResult<int64_t> ParseTimestamp(std::string_view text, int64_t now_us) {
  return ParseTimestampImpl(text, now_us, false);
}

SqlResult<int64_t> ParseTimestampTz(std::string_view text, int64_t now_us) {
  return ParseTimestampImpl(text, now_us, true);
}

SqlResult<int64_t> ParseTime(std::string_view text, int64_t now_us) {
  Decoded d;
  DtErr err = Decode(text, kTimestampWorkBuf, now_us, &d, true);
  if (err == DtErr::kTimeOnly) err = DtErr::kOk;
  if (err == DtErr::kOk && (d.dtype != DType::kDate || (d.fmask & kTimeM) == 0)) err = DtErr::kBadFormat;
  if (err != DtErr::kOk) return DecodeError(err, text, "time", d);
  if (TimeOverflows(d.tm.hour, d.tm.min, d.tm.sec, d.fsec)) return DecodeError(DtErr::kFieldOverflow, text, "time", d);
  return ((int64_t{d.tm.hour} * 60 + d.tm.min) * 60 + d.tm.sec) * kMicrosPerSecond + d.fsec;
}

void AppendTime(int64_t t, std::string* out) {
  int64_t hour = t / 3600000000, rest = t % 3600000000;
  AppendPadded(hour, 2, out);
  out->push_back(':');
  AppendPadded(rest / 60000000, 2, out);
  out->push_back(':');
  rest %= 60000000;
  AppendPadded(rest / kMicrosPerSecond, 2, out);
  AppendFraction(rest % kMicrosPerSecond, out);
}

void AppendDate(int32_t d, std::string* out) {
  if (d == kDateNegInfinity) {
    out->append("-infinity");
    return;
  }
  if (d == kDateInfinity) {
    out->append("infinity");
    return;
  }
  int year, mon, mday;
  JulianToDate(int64_t{d} + kPostgresEpochJdate, &year, &mon, &mday);
  AppendYmd(year, mon, mday, out);
  if (year <= 0) out->append(" BC");
}

void AppendTimestamp(int64_t ts, std::string* out) { AppendTimestampText(ts, false, out); }

void AppendTimestampTz(int64_t ts, std::string* out) { AppendTimestampText(ts, true, out); }

int64_t RoundMicroseconds(int64_t us, int precision) {
  static constexpr int64_t kScales[6] = {1000000, 100000, 10000, 1000, 100, 10};
  static constexpr int64_t kOffsets[6] = {500000, 50000, 5000, 500, 50, 5};
  if (precision < 0 || precision >= 6) return us;
  int64_t scale = kScales[precision], offset = kOffsets[precision];
  if (us >= 0) return (us + offset) / scale * scale;
  return -((-us + offset) / scale * scale);
}

void AppendFraction(int64_t us, std::string* out) {
  if (us < 0) us = -us;
  if (us == 0) return;
  char buf[16];
  std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(us));
  std::string_view frac = buf;
  while (frac.back() == '0') frac.remove_suffix(1);
  out->append(frac);
}

int64_t RoundTimestamp(int64_t ts, int precision) {
  // Infinities (and anything else outside the range) stay as they are.
  if (ts < kMinTimestamp || ts > kMaxTimestamp) return ts;
  return RoundMicroseconds(ts, precision);
}

SqlResult<int64_t> DateToTimestamp(int32_t d) {
  if (d == kDateNegInfinity) return kTsNegInfinity;
  if (d == kDateInfinity) return kTsInfinity;
  if (d < kMinDate || d >= kTimestampEndJulian - kPostgresEpochJdate) {
    return MakeError(kDatetimeFieldOverflow, "date out of range for timestamp");
  }
  return int64_t{d} * kMicrosPerDay;
}

int32_t TimestampToDate(int64_t ts) {
  if (ts == kTsNegInfinity) return kDateNegInfinity;
  if (ts == kTsInfinity) return kDateInfinity;
  int64_t date, time;
  SplitTimestamp(ts, &date, &time);
  return static_cast<int32_t>(date);
}

int64_t CurrentTimestampMicros() {
  auto since_unix = std::chrono::system_clock::now().time_since_epoch();
  int64_t unix_us = std::chrono::duration_cast<std::chrono::microseconds>(since_unix).count();
  return unix_us - (int64_t{kPostgresEpochJdate} - kUnixEpochJdate) * kMicrosPerDay;
}

Fields TimestampFields(int64_t ts) {
  Tm tm;
  int fsec;
  TimestampToTm(ts, &tm, &fsec);
  return Fields{tm.year, tm.mon, tm.mday, tm.hour, tm.min, tm.sec, fsec};
}

int32_t DateFromFields(int year, int month, int day) {
  return static_cast<int32_t>(DateToJulian(year, month, day) - kPostgresEpochJdate);
}

Fields DateFields(int32_t d) {
  Fields f;
  JulianToDate(int64_t{d} + kPostgresEpochJdate, &f.year, &f.month, &f.day);
  return f;
}

}  // namespace lumadb::engine::sql::datetime

#include "engine/sql/types/interval.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "engine/sql/types/datetime.h"

// Follows PostgreSQL 15's DecodeInterval / DecodeISO8601Interval
// (datetime.c), EncodeInterval, and the interval and time operators of
// timestamp.c and date.c, function by function.
namespace lumadb::engine::sql::datetime {
namespace {

constexpr const char* kInvalidDatetimeFormat = "22007";
constexpr const char* kDatetimeFieldOverflow = "22008";
constexpr const char* kIntervalFieldOverflow = "22015";
constexpr const char* kInvalidParameterValue = "22023";

constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr int kDaysPerMonth = 30;
constexpr int kMonthsPerYear = 12;
constexpr int kSecsPerDay = 86400;

SqlError IntervalOutOfRange() { return MakeError(kDatetimeFieldOverflow, "interval out of range"); }
SqlError TimestampOutOfRange() { return MakeError(kDatetimeFieldOverflow, "timestamp out of range"); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

void AppendBigEndian(uint64_t v, int bytes, std::string* out) {
  for (int i = bytes - 1; i >= 0; i--) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint64_t ReadBigEndian(std::string_view s, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; i++) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

// ---------------------------------------------------------------------------
// Input.

enum class Err { kOk, kBadFormat, kFieldOverflow };

// pg_itm_in: what DecodeInterval accumulates.
struct ItmIn {
  int64_t usec = 0;
  int32_t mday = 0;
  int32_t mon = 0;
  int32_t year = 0;
};

bool AddS32(int32_t* acc, int64_t v) {
  int64_t r = int64_t{*acc} + v;
  if (v < INT32_MIN || v > INT32_MAX || r < INT32_MIN || r > INT32_MAX) return false;
  *acc = static_cast<int32_t>(r);
  return true;
}

bool AdjustFractMicroseconds(double frac, int64_t scale, ItmIn* itm) {
  if (frac == 0) return true;
  frac *= static_cast<double>(scale);
  int64_t usec = static_cast<int64_t>(frac);
  frac -= static_cast<double>(usec);
  usec += static_cast<int64_t>(std::rint(frac));
  return !__builtin_add_overflow(itm->usec, usec, &itm->usec);
}

bool AdjustFractDays(double frac, int scale, ItmIn* itm) {
  if (frac == 0) return true;
  frac *= scale;
  int extra_days = static_cast<int>(frac);
  if (!AddS32(&itm->mday, extra_days)) return false;
  frac -= extra_days;
  return AdjustFractMicroseconds(frac, kMicrosPerDay, itm);
}

bool AdjustFractYears(double frac, int scale, ItmIn* itm) {
  double extra = std::rint(frac * scale * kMonthsPerYear);
  if (extra < INT32_MIN || extra > INT32_MAX) return false;
  return AddS32(&itm->mon, static_cast<int64_t>(extra));
}

bool AdjustMicroseconds(int64_t val, double fval, int64_t scale, ItmIn* itm) {
  int64_t usec;
  if (__builtin_mul_overflow(val, scale, &usec) || __builtin_add_overflow(itm->usec, usec, &itm->usec)) return false;
  return AdjustFractMicroseconds(fval, scale, itm);
}

bool AdjustDays(int64_t val, int scale, ItmIn* itm) {
  if (val < INT32_MIN || val > INT32_MAX) return false;
  int64_t days = val * scale;
  return AddS32(&itm->mday, days);
}

bool AdjustMonths(int64_t val, ItmIn* itm) { return AddS32(&itm->mon, val); }

bool AdjustYears(int64_t val, int scale, ItmIn* itm) {
  if (val < INT32_MIN || val > INT32_MAX) return false;
  return AddS32(&itm->year, val * scale);
}

enum class Unit { kNone, kMicrosecond, kMillisecond, kSecond, kMinute, kHour, kDay, kWeek, kMonth, kYear,
                  kDecade, kCentury, kMillennium, kAgo, kIgnore };

// PostgreSQL's deltatktbl (words compared after truncation to 10 characters).
Unit UnitOf(std::string_view word) {
  struct Entry {
    const char* token;
    Unit unit;
  };
  static constexpr Entry kUnits[] = {
      {"@", Unit::kIgnore},          {"ago", Unit::kAgo},
      {"c", Unit::kCentury},         {"cent", Unit::kCentury},
      {"centuries", Unit::kCentury}, {"century", Unit::kCentury},
      {"d", Unit::kDay},             {"day", Unit::kDay},
      {"days", Unit::kDay},          {"dec", Unit::kDecade},
      {"decade", Unit::kDecade},     {"decades", Unit::kDecade},
      {"decs", Unit::kDecade},       {"h", Unit::kHour},
      {"hour", Unit::kHour},         {"hours", Unit::kHour},
      {"hr", Unit::kHour},           {"hrs", Unit::kHour},
      {"m", Unit::kMinute},          {"microsecon", Unit::kMicrosecond},
      {"mil", Unit::kMillennium},    {"millennia", Unit::kMillennium},
      {"millennium", Unit::kMillennium}, {"millisecon", Unit::kMillisecond},
      {"mils", Unit::kMillennium},   {"min", Unit::kMinute},
      {"mins", Unit::kMinute},       {"minute", Unit::kMinute},
      {"minutes", Unit::kMinute},    {"mon", Unit::kMonth},
      {"mons", Unit::kMonth},        {"month", Unit::kMonth},
      {"months", Unit::kMonth},      {"ms", Unit::kMillisecond},
      {"msec", Unit::kMillisecond},  {"msecond", Unit::kMillisecond},
      {"mseconds", Unit::kMillisecond}, {"msecs", Unit::kMillisecond},
      {"s", Unit::kSecond},          {"sec", Unit::kSecond},
      {"second", Unit::kSecond},     {"seconds", Unit::kSecond},
      {"secs", Unit::kSecond},       {"us", Unit::kMicrosecond},
      {"usec", Unit::kMicrosecond},  {"usecond", Unit::kMicrosecond},
      {"useconds", Unit::kMicrosecond}, {"usecs", Unit::kMicrosecond},
      {"w", Unit::kWeek},            {"week", Unit::kWeek},
      {"weeks", Unit::kWeek},        {"y", Unit::kYear},
      {"year", Unit::kYear},         {"years", Unit::kYear},
      {"yr", Unit::kYear},           {"yrs", Unit::kYear},
  };
  if (word.size() > 10) word = word.substr(0, 10);
  for (const Entry& e : kUnits) {
    if (word == e.token) return e.unit;
  }
  return Unit::kNone;
}

// Field masks for the duplicate-field check (DTK_M of each unit).
int MaskOf(Unit u) {
  switch (u) {
    case Unit::kMicrosecond: return 1 << 14;
    case Unit::kMillisecond: return 1 << 13;
    case Unit::kSecond: return 1 << 12;
    case Unit::kMinute: return 1 << 11;
    case Unit::kHour: return 1 << 10;
    case Unit::kDay: return 1 << 3;
    case Unit::kWeek: return 1 << 24;
    case Unit::kMonth: return 1 << 1;
    case Unit::kYear: return 1 << 2;
    case Unit::kDecade: return 1 << 25;
    case Unit::kCentury: return 1 << 26;
    case Unit::kMillennium: return 1 << 27;
    default: return 0;
  }
}
constexpr int kAllSecsMask = (1 << 12) | (1 << 13) | (1 << 14);
constexpr int kTimeMask = (1 << 10) | (1 << 11) | kAllSecsMask;

enum class FieldType { kNumber, kString, kDate, kTime, kTz };
struct Field {
  FieldType type;
  std::string text;
};

// ParseDateTime, as far as interval input needs it.
Err Tokenize(std::string_view in, std::vector<Field>* fields) {
  size_t i = 0;
  const size_t n = in.size();
  auto peek = [&]() { return i < n ? in[i] : '\0'; };
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
        while (IsDigit(peek()) || peek() == ':' || peek() == '.') t += in[i++];
      } else if (peek() == '-' || peek() == '/' || peek() == '.') {
        char delim = in[i];
        t += in[i++];
        f.type = delim == '.' ? FieldType::kNumber : FieldType::kDate;
        while (IsDigit(peek())) t += in[i++];
        if (peek() == delim) {
          f.type = FieldType::kDate;
          while (IsDigit(peek()) || peek() == delim) t += in[i++];
        }
      }
    } else if (c == '.') {
      t += in[i++];
      while (IsDigit(peek())) t += in[i++];
    } else if (IsAlpha(c)) {
      f.type = FieldType::kString;
      while (IsAlpha(peek())) t += Lower(in[i++]);
      if (peek() == '-' || peek() == '/' || peek() == '.') return Err::kBadFormat;
    } else if (c == '+' || c == '-') {
      t += in[i++];
      while (IsSpace(peek())) i++;
      if (IsDigit(peek()) || peek() == '.') {
        f.type = FieldType::kTz;
        while (IsDigit(peek()) || peek() == ':' || peek() == '.' || peek() == '-') t += in[i++];
      } else {
        return Err::kBadFormat;  // "-infinity" and other signed words are not intervals (PostgreSQL 15)
      }
    } else if (c > ' ' && c < 127) {
      i++;  // other punctuation only separates fields
      continue;
    } else {
      return Err::kBadFormat;
    }
    fields->push_back(std::move(f));
  }
  if (fields->empty() || fields->size() > 25) return Err::kBadFormat;
  return Err::kOk;
}

// strtoi64: an optional sign and digits from s[*pos]; false on overflow.
bool StrToI64(std::string_view s, size_t* pos, int64_t* out, bool* any) {
  size_t i = *pos;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  __int128 v = 0;
  size_t start = i;
  while (i < s.size() && IsDigit(s[i])) {
    v = v * 10 + (s[i++] - '0');
    if (v > static_cast<__int128>(INT64_MAX) + 1) v = static_cast<__int128>(INT64_MAX) + 2;
  }
  *any = i > start;
  *pos = i;
  if (neg) v = -v;
  if (v > INT64_MAX || v < INT64_MIN) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

// "h:m", "h:m:s[.f]", "m:s.f" (DecodeTimeCommon for intervals): microseconds.
Err DecodeTimeForInterval(std::string_view s, int range, int64_t* usec_out) {
  size_t pos = 0;
  bool any;
  int64_t hour, min, sec = 0;
  double frac = 0;
  if (!StrToI64(s, &pos, &hour, &any) || !any) return any ? Err::kFieldOverflow : Err::kBadFormat;
  if (pos >= s.size() || s[pos] != ':') return Err::kBadFormat;
  pos++;
  if (!StrToI64(s, &pos, &min, &any) || !any) return any ? Err::kFieldOverflow : Err::kBadFormat;
  auto fraction = [&](size_t at) {
    std::string rest(s.substr(at));
    char* end = nullptr;
    frac = std::strtod(rest.c_str(), &end);
    return end == rest.c_str() + rest.size();
  };
  if (pos == s.size()) {
    if (range == (kIntervalMinute | kIntervalSecond)) {
      sec = min;
      min = hour;
      hour = 0;
    }
  } else if (s[pos] == '.') {
    if (!fraction(pos)) return Err::kBadFormat;
    sec = min;
    min = hour;
    hour = 0;
  } else if (s[pos] == ':') {
    pos++;
    if (!StrToI64(s, &pos, &sec, &any) || !any) return any ? Err::kFieldOverflow : Err::kBadFormat;
    if (pos < s.size()) {
      if (s[pos] != '.' || !fraction(pos)) return Err::kBadFormat;
    }
  } else {
    return Err::kBadFormat;
  }
  if (hour < 0 || min < 0 || min > 59 || sec < 0 || sec > 60 || frac < 0 || frac > 1) return Err::kFieldOverflow;
  int64_t fsec = static_cast<int64_t>(std::rint(frac * kMicrosPerSecond));
  __int128 total = static_cast<__int128>(hour) * kMicrosPerHour + min * kMicrosPerMinute + sec * kMicrosPerSecond + fsec;
  if (total > INT64_MAX) return Err::kFieldOverflow;
  *usec_out = static_cast<int64_t>(total);
  return Err::kOk;
}

Unit DefaultUnit(int range) {
  switch (range) {
    case kIntervalYear: return Unit::kYear;
    case kIntervalMonth:
    case kIntervalYear | kIntervalMonth: return Unit::kMonth;
    case kIntervalDay: return Unit::kDay;
    case kIntervalHour:
    case kIntervalDay | kIntervalHour: return Unit::kHour;
    case kIntervalMinute:
    case kIntervalHour | kIntervalMinute:
    case kIntervalDay | kIntervalHour | kIntervalMinute: return Unit::kMinute;
    default: return Unit::kSecond;
  }
}

// DecodeInterval: the fields from right to left, a unit labelling the
// number before it.
Err DecodeVerbose(const std::vector<Field>& fields, int range, ItmIn* itm) {
  int fmask = 0;
  bool is_before = false;
  Unit type = Unit::kNone;
  for (size_t k = fields.size(); k-- > 0;) {
    const Field& f = fields[k];
    int tmask = 0;
    switch (f.type) {
      case FieldType::kTime: {
        int64_t usec;
        Err e = DecodeTimeForInterval(f.text, range, &usec);
        if (e != Err::kOk) return e;
        if (__builtin_add_overflow(itm->usec, usec, &itm->usec)) return Err::kFieldOverflow;
        tmask = kTimeMask;
        type = Unit::kDay;
        break;
      }
      case FieldType::kTz:
        if (f.text.find(':', 1) != std::string::npos) {
          int64_t usec;
          if (DecodeTimeForInterval(std::string_view(f.text).substr(1), range, &usec) == Err::kOk) {
            if (f.text[0] == '-') usec = -usec;
            if (__builtin_add_overflow(itm->usec, usec, &itm->usec)) return Err::kFieldOverflow;
            tmask = kTimeMask;
            type = Unit::kDay;
            break;
          }
        }
        [[fallthrough]];
      case FieldType::kDate:
      case FieldType::kNumber: {
        if (type == Unit::kNone) type = DefaultUnit(range);
        std::string_view s = f.text;
        size_t pos = 0;
        bool any;
        int64_t val = 0;
        double fval = 0;
        if (!StrToI64(s, &pos, &val, &any)) return Err::kFieldOverflow;
        if (pos < s.size() && s[pos] == '-') {
          // SQL's "years-months".
          if (!any) return Err::kBadFormat;
          pos++;
          int64_t val2;
          if (pos >= s.size() || !IsDigit(s[pos])) return Err::kBadFormat;
          if (!StrToI64(s, &pos, &val2, &any) || val2 < 0 || val2 >= kMonthsPerYear) return Err::kFieldOverflow;
          if (pos != s.size()) return Err::kBadFormat;
          type = Unit::kMonth;
          if (s[0] == '-') val2 = -val2;
          if (__builtin_mul_overflow(val, int64_t{kMonthsPerYear}, &val) || __builtin_add_overflow(val, val2, &val)) {
            return Err::kFieldOverflow;
          }
        } else if (pos < s.size() && s[pos] == '.') {
          std::string rest(s.substr(pos));
          char* end = nullptr;
          fval = std::strtod(rest.c_str(), &end);
          if (end != rest.c_str() + rest.size()) return Err::kBadFormat;
          if (s[0] == '-') fval = -fval;
        } else if (pos != s.size() || !any) {
          return Err::kBadFormat;
        }
        bool ok = true;
        switch (type) {
          case Unit::kMicrosecond: ok = AdjustMicroseconds(val, fval, 1, itm); break;
          case Unit::kMillisecond: ok = AdjustMicroseconds(val, fval, 1000, itm); break;
          case Unit::kSecond: ok = AdjustMicroseconds(val, fval, kMicrosPerSecond, itm); break;
          case Unit::kMinute: ok = AdjustMicroseconds(val, fval, kMicrosPerMinute, itm); break;
          case Unit::kHour: ok = AdjustMicroseconds(val, fval, kMicrosPerHour, itm); break;
          case Unit::kDay: ok = AdjustDays(val, 1, itm) && AdjustFractMicroseconds(fval, kMicrosPerDay, itm); break;
          case Unit::kWeek: ok = AdjustDays(val, 7, itm) && AdjustFractDays(fval, 7, itm); break;
          case Unit::kMonth: ok = AdjustMonths(val, itm) && AdjustFractDays(fval, kDaysPerMonth, itm); break;
          case Unit::kYear: ok = AdjustYears(val, 1, itm) && AdjustFractYears(fval, 1, itm); break;
          case Unit::kDecade: ok = AdjustYears(val, 10, itm) && AdjustFractYears(fval, 10, itm); break;
          case Unit::kCentury: ok = AdjustYears(val, 100, itm) && AdjustFractYears(fval, 100, itm); break;
          case Unit::kMillennium: ok = AdjustYears(val, 1000, itm) && AdjustFractYears(fval, 1000, itm); break;
          default: return Err::kBadFormat;
        }
        if (!ok) return Err::kFieldOverflow;
        tmask = type == Unit::kSecond && fval != 0 ? kAllSecsMask : MaskOf(type);
        break;
      }
      case FieldType::kString: {
        Unit u = UnitOf(f.text);
        if (u == Unit::kIgnore) continue;
        if (u == Unit::kNone) return Err::kBadFormat;
        if (u == Unit::kAgo) {
          is_before = true;
          continue;
        }
        type = u;
        break;
      }
    }
    if (tmask & fmask) return Err::kBadFormat;
    fmask |= tmask;
  }
  if (fmask == 0) return Err::kBadFormat;
  if (is_before) {
    if (itm->usec == INT64_MIN || itm->mday == INT32_MIN || itm->mon == INT32_MIN || itm->year == INT32_MIN) {
      return Err::kFieldOverflow;
    }
    itm->usec = -itm->usec;
    itm->mday = -itm->mday;
    itm->mon = -itm->mon;
    itm->year = -itm->year;
  }
  return Err::kOk;
}

// ParseISO8601Number: a decimal split into its integer part (towards zero)
// and fraction.
Err IsoNumber(std::string_view s, size_t* pos, int64_t* ipart, double* fpart) {
  if (*pos >= s.size() || !(IsDigit(s[*pos]) || s[*pos] == '-' || s[*pos] == '.')) return Err::kBadFormat;
  std::string rest(s.substr(*pos));
  char* end = nullptr;
  errno = 0;
  double val = std::strtod(rest.c_str(), &end);
  if (end == rest.c_str() || errno != 0) return Err::kBadFormat;
  if (std::isnan(val) || val < -1.0e15 || val > 1.0e15) return Err::kFieldOverflow;
  *ipart = static_cast<int64_t>(val >= 0 ? std::floor(val) : -std::floor(-val));
  *fpart = val - static_cast<double>(*ipart);
  *pos += static_cast<size_t>(end - rest.c_str());
  return Err::kOk;
}

Err DecodeIso8601(std::string_view s, ItmIn* itm) {
  if (s.size() < 2 || s[0] != 'P') return Err::kBadFormat;
  size_t pos = 1;
  bool datepart = true, havefield = false;
  auto fail = [](bool ok) { return ok ? Err::kOk : Err::kFieldOverflow; };
  while (pos < s.size()) {
    if (s[pos] == 'T') {
      datepart = false;
      havefield = false;
      pos++;
      continue;
    }
    int64_t val;
    double fval;
    Err e = IsoNumber(s, &pos, &val, &fval);
    if (e != Err::kOk) return e;
    char unit = pos < s.size() ? s[pos++] : '\0';
    if (datepart) {
      switch (unit) {
        case 'Y': e = fail(AdjustYears(val, 1, itm) && AdjustFractYears(fval, 1, itm)); break;
        case 'M': e = fail(AdjustMonths(val, itm) && AdjustFractDays(fval, kDaysPerMonth, itm)); break;
        case 'W': e = fail(AdjustDays(val, 7, itm) && AdjustFractDays(fval, 7, itm)); break;
        case 'D': e = fail(AdjustDays(val, 1, itm) && AdjustFractMicroseconds(fval, kMicrosPerDay, itm)); break;
        case 'T':
        case '\0':
        case '-': {
          // The alternative format, extended: PYYYY-MM-DDThh:mm:ss.
          if (havefield) return Err::kBadFormat;
          if (!AdjustYears(val, 1, itm) || !AdjustFractYears(fval, 1, itm)) return Err::kFieldOverflow;
          if (unit == '\0') return Err::kOk;
          if (unit == 'T') {
            datepart = false;
            havefield = false;
            continue;
          }
          if ((e = IsoNumber(s, &pos, &val, &fval)) != Err::kOk) return e;
          if (!AdjustMonths(val, itm) || !AdjustFractDays(fval, kDaysPerMonth, itm)) return Err::kFieldOverflow;
          if (pos == s.size()) return Err::kOk;
          if (s[pos] == 'T') {
            datepart = false;
            havefield = false;
            continue;
          }
          if (s[pos] != '-') return Err::kBadFormat;
          pos++;
          if ((e = IsoNumber(s, &pos, &val, &fval)) != Err::kOk) return e;
          if (!AdjustDays(val, 1, itm) || !AdjustFractMicroseconds(fval, kMicrosPerDay, itm)) {
            return Err::kFieldOverflow;
          }
          if (pos == s.size()) return Err::kOk;
          if (s[pos] == 'T') {
            datepart = false;
            havefield = false;
            continue;
          }
          return Err::kBadFormat;
        }
        default: return Err::kBadFormat;
      }
    } else {
      switch (unit) {
        case 'H': e = fail(AdjustMicroseconds(val, fval, kMicrosPerHour, itm)); break;
        case 'M': e = fail(AdjustMicroseconds(val, fval, kMicrosPerMinute, itm)); break;
        case 'S': e = fail(AdjustMicroseconds(val, fval, kMicrosPerSecond, itm)); break;
        case '\0':
        case ':': {
          if (havefield) return Err::kBadFormat;
          if (!AdjustMicroseconds(val, fval, kMicrosPerHour, itm)) return Err::kFieldOverflow;
          if (unit == '\0') return Err::kOk;
          if ((e = IsoNumber(s, &pos, &val, &fval)) != Err::kOk) return e;
          if (!AdjustMicroseconds(val, fval, kMicrosPerMinute, itm)) return Err::kFieldOverflow;
          if (pos == s.size()) return Err::kOk;
          if (s[pos] != ':') return Err::kBadFormat;
          pos++;
          if ((e = IsoNumber(s, &pos, &val, &fval)) != Err::kOk) return e;
          if (!AdjustMicroseconds(val, fval, kMicrosPerSecond, itm)) return Err::kFieldOverflow;
          if (pos == s.size()) return Err::kOk;
          return Err::kBadFormat;
        }
        default: return Err::kBadFormat;
      }
    }
    if (e != Err::kOk) return e;
    havefield = true;
  }
  return Err::kOk;
}

void AppendTwoDigits(int64_t v, std::string* out) {
  char buf[32];
  int n = std::snprintf(buf, sizeof(buf), "%02lld", static_cast<long long>(v));
  out->append(buf, n);
}

// AddPostgresIntPart.
void AppendPart(int64_t value, const char* unit, bool* is_zero, bool* is_before, std::string* out) {
  if (value == 0) return;
  if (!*is_zero) out->push_back(' ');
  if (*is_before && value > 0) out->push_back('+');
  out->append(std::to_string(value));
  out->push_back(' ');
  out->append(unit);
  if (value != 1) out->push_back('s');
  *is_before = value < 0;
  *is_zero = false;
}

// The calendar fields of a finite timestamp and back (timestamp2tm / tm2timestamp).
struct Tm {
  int year, mon, mday;
  int64_t time;  // microseconds since midnight
};
Tm SplitTs(int64_t ts) {
  Fields f = TimestampFields(ts);
  int64_t day = ts / kMicrosPerDay, time = ts % kMicrosPerDay;
  if (time < 0) {
    time += kMicrosPerDay;
    day--;
  }
  return Tm{f.year, f.month, f.day, time};
}
bool IsLeap(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }
int DaysIn(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}
bool JoinTs(int year, int mon, int mday, int64_t time, int64_t* out) {
  // IS_VALID_JULIAN: 4714-11-24 BC .. beyond the timestamp range.
  if (year < -4713 || (year == -4713 && mon < 11) || year > 5874898) return false;
  int64_t day = DateFromFields(year, mon, mday);
  __int128 r = static_cast<__int128>(day) * kMicrosPerDay + time;
  if (r < kMinTimestamp || r > kMaxTimestamp) return false;
  *out = static_cast<int64_t>(r);
  return true;
}

bool IsInfinite(int64_t ts) { return ts == kTsInfinity || ts == kTsNegInfinity; }

}  // namespace

std::string EncodeInterval(const Interval& iv) {
  std::string s;
  s.reserve(16);
  AppendBigEndian(static_cast<uint32_t>(iv.months), 4, &s);
  AppendBigEndian(static_cast<uint32_t>(iv.days), 4, &s);
  AppendBigEndian(static_cast<uint64_t>(iv.micros), 8, &s);
  return s;
}

Interval DecodeInterval(std::string_view bytes) {
  Interval iv;
  if (bytes.size() != 16) return iv;
  iv.months = static_cast<int32_t>(static_cast<uint32_t>(ReadBigEndian(bytes, 0, 4)));
  iv.days = static_cast<int32_t>(static_cast<uint32_t>(ReadBigEndian(bytes, 4, 4)));
  iv.micros = static_cast<int64_t>(ReadBigEndian(bytes, 8, 8));
  return iv;
}

int32_t IntervalTypmod(int precision, int range) {
  return static_cast<int32_t>(((range & 0x7FFF) << 16) | (precision & 0xFFFF));
}
int IntervalTypmodPrecision(int32_t typmod) {
  if (typmod < 0) return -1;
  int p = typmod & 0xFFFF;
  return p == kIntervalFullPrecision ? -1 : p;
}
int IntervalTypmodRange(int32_t typmod) { return typmod < 0 ? kIntervalFullRange : (typmod >> 16) & 0x7FFF; }

namespace {
const char* RangeText(int range) {
  switch (range) {
    case kIntervalYear: return " year";
    case kIntervalMonth: return " month";
    case kIntervalDay: return " day";
    case kIntervalHour: return " hour";
    case kIntervalMinute: return " minute";
    case kIntervalSecond: return " second";
    case kIntervalYear | kIntervalMonth: return " year to month";
    case kIntervalDay | kIntervalHour: return " day to hour";
    case kIntervalDay | kIntervalHour | kIntervalMinute: return " day to minute";
    case kIntervalDay | kIntervalHour | kIntervalMinute | kIntervalSecond: return " day to second";
    case kIntervalHour | kIntervalMinute: return " hour to minute";
    case kIntervalHour | kIntervalMinute | kIntervalSecond: return " hour to second";
    case kIntervalMinute | kIntervalSecond: return " minute to second";
    case kIntervalFullRange: return "";
    default: return nullptr;
  }
}
}  // namespace

std::string IntervalTypmodText(int32_t typmod) {
  if (typmod < 0) return "";
  const char* fields = RangeText(IntervalTypmodRange(typmod));
  std::string s = fields ? fields : "";
  int p = IntervalTypmodPrecision(typmod);
  if (p >= 0) s += "(" + std::to_string(p) + ")";
  return s;
}

SqlResult<int32_t> IntervalTypmodFromMods(const int32_t* mods, size_t n) {
  if (n == 0 || n > 2) return MakeError(kInvalidParameterValue, "invalid INTERVAL type modifier");
  if (RangeText(mods[0]) == nullptr) return MakeError(kInvalidParameterValue, "invalid INTERVAL type modifier");
  if (n == 1) return mods[0] == kIntervalFullRange ? -1 : IntervalTypmod(kIntervalFullPrecision, mods[0]);
  if (mods[1] < 0) {
    return MakeError(kInvalidParameterValue,
                     "INTERVAL(" + std::to_string(mods[1]) + ") precision must not be negative");
  }
  return IntervalTypmod(mods[1] > 6 ? 6 : mods[1], mods[0]);  // PostgreSQL warns and uses 6
}

SqlResult<Interval> ParseInterval(std::string_view text, int32_t typmod) {
  int range = IntervalTypmodRange(typmod);
  ItmIn itm;
  std::vector<Field> fields;
  Err err = Tokenize(text, &fields);
  if (err == Err::kOk) err = DecodeVerbose(fields, range, &itm);
  if (err == Err::kBadFormat) {
    itm = ItmIn{};
    err = DecodeIso8601(text, &itm);
  }
  std::string quoted = "\"" + std::string(text) + "\"";
  if (err == Err::kBadFormat) {
    return MakeError(kInvalidDatetimeFormat, "invalid input syntax for type interval: " + quoted);
  }
  if (err == Err::kFieldOverflow) return MakeError(kIntervalFieldOverflow, "interval field value out of range: " + quoted);
  Interval iv;
  int64_t months = int64_t{itm.year} * kMonthsPerYear + itm.mon;
  if (months < INT32_MIN || months > INT32_MAX) return IntervalOutOfRange();
  iv.months = static_cast<int32_t>(months);
  iv.days = itm.mday;
  iv.micros = itm.usec;
  return ApplyIntervalTypmod(iv, typmod);
}

SqlResult<Interval> ApplyIntervalTypmod(const Interval& in, int32_t typmod) {
  Interval iv = in;
  if (typmod < 0) return iv;
  int range = IntervalTypmodRange(typmod);
  switch (range) {
    case kIntervalYear:
      iv.months = iv.months / kMonthsPerYear * kMonthsPerYear;
      iv.days = 0;
      iv.micros = 0;
      break;
    case kIntervalMonth:
    case kIntervalYear | kIntervalMonth:
      iv.days = 0;
      iv.micros = 0;
      break;
    case kIntervalDay: iv.micros = 0; break;
    case kIntervalHour:
    case kIntervalDay | kIntervalHour: iv.micros = iv.micros / kMicrosPerHour * kMicrosPerHour; break;
    case kIntervalMinute:
    case kIntervalDay | kIntervalHour | kIntervalMinute:
    case kIntervalHour | kIntervalMinute: iv.micros = iv.micros / kMicrosPerMinute * kMicrosPerMinute; break;
    default: break;
  }
  iv.micros = RoundMicroseconds(iv.micros, IntervalTypmodPrecision(typmod));
  return iv;
}

IntervalFields IntervalFieldsOf(const Interval& iv) {
  IntervalFields f;
  f.year = iv.months / kMonthsPerYear;
  f.month = iv.months % kMonthsPerYear;
  f.day = iv.days;
  int64_t t = iv.micros;
  f.hour = t / kMicrosPerHour;
  t -= f.hour * kMicrosPerHour;
  f.minute = static_cast<int>(t / kMicrosPerMinute);
  t -= f.minute * kMicrosPerMinute;
  f.second = static_cast<int>(t / kMicrosPerSecond);
  f.micros = static_cast<int>(t - f.second * kMicrosPerSecond);
  return f;
}

void AppendInterval(const Interval& iv, std::string* out) {
  IntervalFields f = IntervalFieldsOf(iv);
  bool is_zero = true, is_before = false;
  AppendPart(f.year, "year", &is_zero, &is_before, out);
  AppendPart(f.month, "mon", &is_zero, &is_before, out);
  AppendPart(f.day, "day", &is_zero, &is_before, out);
  if (is_zero || f.hour != 0 || f.minute != 0 || f.second != 0 || f.micros != 0) {
    bool minus = f.hour < 0 || f.minute < 0 || f.second < 0 || f.micros < 0;
    if (!is_zero) out->push_back(' ');
    if (minus) {
      out->push_back('-');
    } else if (is_before) {
      out->push_back('+');
    }
    AppendTwoDigits(f.hour < 0 ? -f.hour : f.hour, out);
    out->push_back(':');
    AppendTwoDigits(std::abs(f.minute), out);
    out->push_back(':');
    AppendTwoDigits(std::abs(f.second), out);
    AppendFraction(f.micros, out);
  }
}

namespace {
__int128 Span(const Interval& iv) {
  return static_cast<__int128>(iv.micros) + (static_cast<__int128>(iv.months) * kDaysPerMonth + iv.days) * kMicrosPerDay;
}
}  // namespace

int CompareIntervals(const Interval& a, const Interval& b) {
  __int128 x = Span(a), y = Span(b);
  return x < y ? -1 : (x > y ? 1 : 0);
}

std::string SpanKey(const Interval& iv) {
  unsigned __int128 u = static_cast<unsigned __int128>(Span(iv)) ^ (static_cast<unsigned __int128>(1) << 127);
  std::string s;
  AppendBigEndian(static_cast<uint64_t>(u >> 64), 8, &s);
  AppendBigEndian(static_cast<uint64_t>(u), 8, &s);
  return s;
}

SqlResult<Interval> AddIntervals(const Interval& a, const Interval& b) {
  Interval r;
  if (__builtin_add_overflow(a.months, b.months, &r.months) || __builtin_add_overflow(a.days, b.days, &r.days) ||
      __builtin_add_overflow(a.micros, b.micros, &r.micros)) {
    return IntervalOutOfRange();
  }
  return r;
}

SqlResult<Interval> SubIntervals(const Interval& a, const Interval& b) {
  Interval r;
  if (__builtin_sub_overflow(a.months, b.months, &r.months) || __builtin_sub_overflow(a.days, b.days, &r.days) ||
      __builtin_sub_overflow(a.micros, b.micros, &r.micros)) {
    return IntervalOutOfRange();
  }
  return r;
}

SqlResult<Interval> NegateInterval(const Interval& a) { return SubIntervals(Interval{}, a); }

namespace {
double TsRound(double j) { return std::rint(j * 1000000.0) / 1000000.0; }

// interval_mul's and interval_div's cascade of fractional months and days.
SqlResult<Interval> Scale(double month_d, double day_d, double time_d) {
  if (std::isnan(month_d) || month_d > INT32_MAX || month_d < INT32_MIN) return IntervalOutOfRange();
  if (std::isnan(day_d) || day_d > INT32_MAX || day_d < INT32_MIN) return IntervalOutOfRange();
  Interval r;
  r.months = static_cast<int32_t>(month_d);
  r.days = static_cast<int32_t>(day_d);
  double month_remainder_days = TsRound((month_d - r.months) * kDaysPerMonth);
  double sec_remainder =
      TsRound((day_d - r.days + month_remainder_days - static_cast<int>(month_remainder_days)) * kSecsPerDay);
  if (std::fabs(sec_remainder) >= kSecsPerDay) {
    r.days += static_cast<int>(sec_remainder / kSecsPerDay);
    sec_remainder -= static_cast<int>(sec_remainder / kSecsPerDay) * kSecsPerDay;
  }
  r.days += static_cast<int32_t>(month_remainder_days);
  double t = std::rint(time_d + sec_remainder * kMicrosPerSecond);
  if (std::isnan(t) || t < -9.2233720368547758e18 || t >= 9.2233720368547758e18) return IntervalOutOfRange();
  r.micros = static_cast<int64_t>(t);
  return r;
}
}  // namespace

SqlResult<Interval> MulInterval(const Interval& a, double factor) {
  return Scale(a.months * factor, a.days * factor, static_cast<double>(a.micros) * factor);
}

SqlResult<Interval> DivInterval(const Interval& a, double factor) {
  if (factor == 0.0) return MakeError("22012", "division by zero");
  return Scale(a.months / factor, a.days / factor, static_cast<double>(a.micros) / factor);
}

SqlResult<int64_t> TimestampPlusInterval(int64_t ts, const Interval& iv) {
  if (IsInfinite(ts)) return ts;
  if (iv.months != 0) {
    Tm tm = SplitTs(ts);
    int64_t mon = int64_t{tm.mon} + iv.months;
    int64_t year = tm.year;
    if (mon > 12) {
      year += (mon - 1) / 12;
      mon = (mon - 1) % 12 + 1;
    } else if (mon < 1) {
      year += mon / 12 - 1;
      mon = mon % 12 + 12;
    }
    if (year < INT32_MIN || year > INT32_MAX) return TimestampOutOfRange();
    int mday = tm.mday;
    if (mday > DaysIn(static_cast<int>(year), static_cast<int>(mon))) mday = DaysIn(static_cast<int>(year), static_cast<int>(mon));
    if (!JoinTs(static_cast<int>(year), static_cast<int>(mon), mday, tm.time, &ts)) return TimestampOutOfRange();
  }
  if (iv.days != 0) {
    Tm tm = SplitTs(ts);
    int64_t day = DateFromFields(tm.year, tm.mon, tm.mday) + int64_t{iv.days};
    __int128 r = static_cast<__int128>(day) * kMicrosPerDay + tm.time;
    if (r < kMinTimestamp || r > kMaxTimestamp) return TimestampOutOfRange();
    ts = static_cast<int64_t>(r);
  }
  int64_t r;
  if (__builtin_add_overflow(ts, iv.micros, &r) || r < kMinTimestamp || r > kMaxTimestamp) return TimestampOutOfRange();
  return r;
}

SqlResult<int64_t> TimestampMinusInterval(int64_t ts, const Interval& iv) {
  SQL_ASSIGN_OR_RETURN(Interval neg, NegateInterval(iv));
  return TimestampPlusInterval(ts, neg);
}

namespace {
// justify_hours' and justify_days' carries: whole days out of the time, whole
// 30-day months out of the days (C's truncating division, as PostgreSQL).
void CarryDays(Interval* r) {
  int64_t wholeday = r->micros / kMicrosPerDay;
  r->micros -= wholeday * kMicrosPerDay;
  r->days = static_cast<int32_t>(r->days + wholeday);
}
void CarryMonths(Interval* r) {
  int32_t wholemonth = r->days / kDaysPerMonth;
  r->days -= wholemonth * kDaysPerMonth;
  r->months += wholemonth;
}
// Days and time of the same sign.
void FixTimeSign(Interval* r) {
  if (r->days > 0 && r->micros < 0) {
    r->micros += kMicrosPerDay;
    r->days--;
  } else if (r->days < 0 && r->micros > 0) {
    r->micros -= kMicrosPerDay;
    r->days++;
  }
}
}  // namespace

Interval JustifyHours(const Interval& iv) {
  Interval r = iv;
  CarryDays(&r);
  FixTimeSign(&r);
  return r;
}

Interval JustifyDays(const Interval& iv) {
  Interval r = iv;
  CarryMonths(&r);
  if (r.months > 0 && r.days < 0) {
    r.days += kDaysPerMonth;
    r.months--;
  } else if (r.months < 0 && r.days > 0) {
    r.days -= kDaysPerMonth;
    r.months++;
  }
  return r;
}

Interval JustifyInterval(const Interval& iv) {
  Interval r = iv;
  CarryDays(&r);
  CarryMonths(&r);
  if (r.months > 0 && (r.days < 0 || (r.days == 0 && r.micros < 0))) {
    r.days += kDaysPerMonth;
    r.months--;
  } else if (r.months < 0 && (r.days > 0 || (r.days == 0 && r.micros > 0))) {
    r.days -= kDaysPerMonth;
    r.months++;
  }
  FixTimeSign(&r);
  return r;
}

SqlResult<Interval> TimestampDiff(int64_t a, int64_t b) {
  if (IsInfinite(a) || IsInfinite(b)) return MakeError(kDatetimeFieldOverflow, "cannot subtract infinite timestamps");
  Interval r;
  if (__builtin_sub_overflow(a, b, &r.micros)) return IntervalOutOfRange();
  return JustifyHours(r);
}

SqlResult<Interval> Age(int64_t a, int64_t b) {
  if (IsInfinite(a) || IsInfinite(b)) return MakeError(kDatetimeFieldOverflow, "cannot subtract infinite timestamps");
  Tm t1 = SplitTs(a), t2 = SplitTs(b);
  int64_t usec = t1.time % kMicrosPerSecond - t2.time % kMicrosPerSecond;
  int64_t sec = t1.time / kMicrosPerSecond % 60 - t2.time / kMicrosPerSecond % 60;
  int64_t min = t1.time / kMicrosPerMinute % 60 - t2.time / kMicrosPerMinute % 60;
  int64_t hour = t1.time / kMicrosPerHour - t2.time / kMicrosPerHour;
  int64_t mday = t1.mday - t2.mday, mon = t1.mon - t2.mon, year = int64_t{t1.year} - t2.year;
  bool flip = a < b;
  if (flip) {
    usec = -usec, sec = -sec, min = -min, hour = -hour, mday = -mday, mon = -mon, year = -year;
  }
  while (usec < 0) usec += kMicrosPerSecond, sec--;
  while (sec < 0) sec += 60, min--;
  while (min < 0) min += 60, hour--;
  while (hour < 0) hour += 24, mday--;
  while (mday < 0) {
    const Tm& t = flip ? t1 : t2;
    mday += DaysIn(t.year, t.mon);
    mon--;
  }
  while (mon < 0) mon += 12, year--;
  if (flip) {
    usec = -usec, sec = -sec, min = -min, hour = -hour, mday = -mday, mon = -mon, year = -year;
  }
  Interval r;
  int64_t months = year * kMonthsPerYear + mon;
  if (months < INT32_MIN || months > INT32_MAX) return IntervalOutOfRange();
  r.months = static_cast<int32_t>(months);
  r.days = static_cast<int32_t>(mday);
  r.micros = ((hour * 60 + min) * 60 + sec) * kMicrosPerSecond + usec;
  return r;
}

SqlResult<Interval> MakeInterval(int64_t years, int64_t months, int64_t weeks, int64_t days, int64_t hours,
                                 int64_t mins, double secs) {
  if (std::isinf(secs) || std::isnan(secs)) return IntervalOutOfRange();
  Interval r;
  int64_t m, d, t;
  if (__builtin_mul_overflow(years, int64_t{kMonthsPerYear}, &m) || __builtin_add_overflow(m, months, &m) ||
      m < INT32_MIN || m > INT32_MAX) {
    return IntervalOutOfRange();
  }
  if (__builtin_mul_overflow(weeks, int64_t{7}, &d) || __builtin_add_overflow(d, days, &d) || d < INT32_MIN ||
      d > INT32_MAX) {
    return IntervalOutOfRange();
  }
  double s = std::rint(secs * kMicrosPerSecond);
  if (s < -9.2233720368547758e18 || s >= 9.2233720368547758e18) return IntervalOutOfRange();
  int64_t h, mi;
  if (__builtin_mul_overflow(hours, kMicrosPerHour, &h) || __builtin_mul_overflow(mins, kMicrosPerMinute, &mi) ||
      __builtin_add_overflow(h, mi, &t) || __builtin_add_overflow(t, static_cast<int64_t>(s), &t)) {
    return IntervalOutOfRange();
  }
  r.months = static_cast<int32_t>(m);
  r.days = static_cast<int32_t>(d);
  r.micros = t;
  return r;
}

__int128 IntervalEpochMicros(const Interval& iv) {
  // PostgreSQL multiplies by 4 to keep DAYS_PER_YEAR (365.25) integral.
  __int128 secs_from_day_month = (static_cast<__int128>(1461) * (iv.months / kMonthsPerYear) +
                                  static_cast<__int128>(120) * (iv.months % kMonthsPerYear) +
                                  static_cast<__int128>(4) * iv.days) *
                                 (kSecsPerDay / 4);
  return secs_from_day_month * kMicrosPerSecond + iv.micros;
}

int64_t RoundTime(int64_t t, int precision) { return RoundMicroseconds(t, precision); }

int64_t TimePlusInterval(int64_t t, const Interval& iv) {
  int64_t r = t + iv.micros % kMicrosPerDay;
  r -= r / kMicrosPerDay * kMicrosPerDay;
  if (r < 0) r += kMicrosPerDay;
  return r;
}

int64_t TimestampTimeOfDay(int64_t ts) { return SplitTs(ts).time; }

int64_t IntervalToTime(const Interval& iv) {
  int64_t r = iv.micros % kMicrosPerDay;
  if (r < 0) r += kMicrosPerDay;
  return r;
}

}  // namespace lumadb::engine::sql::datetime

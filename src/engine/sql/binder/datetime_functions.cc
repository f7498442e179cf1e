#include "engine/sql/binder/datetime_functions.h"

#include <cmath>
#include <vector>

#include "engine/sql/binder/formatting.h"
#include "engine/sql/types/datetime.h"
#include "engine/sql/types/interval.h"
#include "engine/sql/types/timezone.h"

namespace lumadb::engine::sql {

namespace {

using T = TypeId;
using datetime::Interval;

Interval IntervalArg(const Value& v) { return datetime::DecodeInterval(v.s); }
Value IntervalValue(const Interval& iv) { return Value::String(Type::Of(T::kInterval), datetime::EncodeInterval(iv)); }
Value TsValue(TypeId t, int64_t x) { return Value::Int(t, x); }

SqlResult<Value> Wrap(SqlResult<Interval> r) {
  if (!r.ok()) return r.TakeStatus();
  return IntervalValue(r.value());
}

// A date operand as the timestamp of its midnight.
SqlResult<int64_t> AsTimestamp(const Value& v) {
  if (v.type.id == T::kDate) return datetime::DateToTimestamp(static_cast<int32_t>(v.i));
  return v.i;
}

// x + iv for a timestamp, or for a timestamptz as PostgreSQL does: months
// and days on its local time in the session's zone, then the time part.
SqlResult<int64_t> PlusInterval(int64_t x, const Interval& iv, bool with_tz) {
  if (!with_tz || (iv.months == 0 && iv.days == 0)) return datetime::TimestampPlusInterval(x, iv);
  const datetime::TimeZone* zone = datetime::CurrentZone();
  SQL_ASSIGN_OR_RETURN(int64_t local, datetime::TimestampPlusInterval(zone->UtcToLocal(x), Interval{iv.months, iv.days, 0}));
  return datetime::TimestampPlusInterval(zone->LocalToUtc(local), Interval{0, 0, iv.micros});
}

// timestamp(tz) + interval, interval + timestamp(tz), date + interval (a timestamp).
SqlResult<Value> TsPlusInterval(const std::vector<Value>& a, const Type& result) {
  bool interval_first = a[0].type.id == T::kInterval;
  const Value& ts = interval_first ? a[1] : a[0];
  const Value& iv = interval_first ? a[0] : a[1];
  SQL_ASSIGN_OR_RETURN(int64_t x, AsTimestamp(ts));
  SQL_ASSIGN_OR_RETURN(int64_t r, PlusInterval(x, IntervalArg(iv), result.id == T::kTimestampTz));
  return TsValue(result.id, r);
}

SqlResult<Value> TsMinusInterval(const std::vector<Value>& a, const Type& result) {
  SQL_ASSIGN_OR_RETURN(int64_t x, AsTimestamp(a[0]));
  SQL_ASSIGN_OR_RETURN(Interval neg, datetime::NegateInterval(IntervalArg(a[1])));
  SQL_ASSIGN_OR_RETURN(int64_t r, PlusInterval(x, neg, result.id == T::kTimestampTz));
  return TsValue(result.id, r);
}

SqlResult<Value> TsMinusTs(const std::vector<Value>& a, const Type&) {
  return Wrap(datetime::TimestampDiff(a[0].i, a[1].i));
}

// date + time, time + date: a timestamp.
SqlResult<Value> DatePlusTime(const std::vector<Value>& a, const Type& result) {
  bool time_first = a[0].type.id == T::kTime;
  const Value& d = time_first ? a[1] : a[0];
  const Value& t = time_first ? a[0] : a[1];
  SQL_ASSIGN_OR_RETURN(int64_t x, datetime::DateToTimestamp(static_cast<int32_t>(d.i)));
  if (x == datetime::kTsInfinity || x == datetime::kTsNegInfinity) return TsValue(result.id, x);
  int64_t r = x + t.i;
  if (r > datetime::kMaxTimestamp) return MakeError("22008", "timestamp out of range");
  return TsValue(result.id, r);
}

SqlResult<Value> IntervalPlus(const std::vector<Value>& a, const Type&) {
  return Wrap(datetime::AddIntervals(IntervalArg(a[0]), IntervalArg(a[1])));
}
SqlResult<Value> IntervalMinus(const std::vector<Value>& a, const Type&) {
  return Wrap(datetime::SubIntervals(IntervalArg(a[0]), IntervalArg(a[1])));
}
SqlResult<Value> IntervalMul(const std::vector<Value>& a, const Type&) {
  bool interval_first = a[0].type.id == T::kInterval;
  return Wrap(datetime::MulInterval(IntervalArg(interval_first ? a[0] : a[1]), interval_first ? a[1].f : a[0].f));
}
SqlResult<Value> IntervalDiv(const std::vector<Value>& a, const Type&) {
  return Wrap(datetime::DivInterval(IntervalArg(a[0]), a[1].f));
}
SqlResult<Value> IntervalNeg(const std::vector<Value>& a, const Type&) {
  return Wrap(datetime::NegateInterval(IntervalArg(a[0])));
}

// time + interval, interval + time, time - interval: a time, modulo a day.
SqlResult<Value> TimePlusInterval(const std::vector<Value>& a, const Type&) {
  bool interval_first = a[0].type.id == T::kInterval;
  return Value::Int(T::kTime, datetime::TimePlusInterval(interval_first ? a[1].i : a[0].i,
                                                         IntervalArg(interval_first ? a[0] : a[1])));
}
SqlResult<Value> TimeMinusInterval(const std::vector<Value>& a, const Type&) {
  Interval iv = IntervalArg(a[1]);
  iv.micros = -(iv.micros % datetime::kMicrosPerDay);
  return Value::Int(T::kTime, datetime::TimePlusInterval(a[0].i, iv));
}
SqlResult<Value> TimeMinusTime(const std::vector<Value>& a, const Type&) {
  Interval iv;
  iv.micros = a[0].i - a[1].i;
  return IntervalValue(iv);
}

const std::vector<ScalarFunction>& Operators() {
  static const std::vector<ScalarFunction> kOps = {
      {"+", 2, 2, {T::kTimestamp, T::kInterval}, T::kTimestamp, TsPlusInterval},
      {"+", 2, 2, {T::kTimestampTz, T::kInterval}, T::kTimestampTz, TsPlusInterval},
      {"+", 2, 2, {T::kDate, T::kInterval}, T::kTimestamp, TsPlusInterval},
      {"+", 2, 2, {T::kInterval, T::kTimestamp}, T::kTimestamp, TsPlusInterval},
      {"+", 2, 2, {T::kInterval, T::kTimestampTz}, T::kTimestampTz, TsPlusInterval},
      {"+", 2, 2, {T::kInterval, T::kDate}, T::kTimestamp, TsPlusInterval},
      {"-", 2, 2, {T::kTimestamp, T::kInterval}, T::kTimestamp, TsMinusInterval},
      {"-", 2, 2, {T::kTimestampTz, T::kInterval}, T::kTimestampTz, TsMinusInterval},
      {"-", 2, 2, {T::kDate, T::kInterval}, T::kTimestamp, TsMinusInterval},
      {"-", 2, 2, {T::kTimestamp, T::kTimestamp}, T::kInterval, TsMinusTs},
      {"-", 2, 2, {T::kTimestampTz, T::kTimestampTz}, T::kInterval, TsMinusTs},
      {"+", 2, 2, {T::kDate, T::kTime}, T::kTimestamp, DatePlusTime},
      {"+", 2, 2, {T::kTime, T::kDate}, T::kTimestamp, DatePlusTime},
      {"+", 2, 2, {T::kInterval, T::kInterval}, T::kInterval, IntervalPlus},
      {"-", 2, 2, {T::kInterval, T::kInterval}, T::kInterval, IntervalMinus},
      {"*", 2, 2, {T::kInterval, T::kFloat8}, T::kInterval, IntervalMul},
      {"*", 2, 2, {T::kFloat8, T::kInterval}, T::kInterval, IntervalMul},
      {"/", 2, 2, {T::kInterval, T::kFloat8}, T::kInterval, IntervalDiv},
      {"+", 2, 2, {T::kTime, T::kInterval}, T::kTime, TimePlusInterval},
      {"+", 2, 2, {T::kInterval, T::kTime}, T::kTime, TimePlusInterval},
      {"-", 2, 2, {T::kTime, T::kInterval}, T::kTime, TimeMinusInterval},
      {"-", 2, 2, {T::kTime, T::kTime}, T::kInterval, TimeMinusTime},
  };
  return kOps;
}

// age(a, b); age(x) is age(current_date, x).
SqlResult<Value> Age(const std::vector<Value>& a, const Type&) {
  if (a.size() == 1) {
    int64_t today = datetime::CurrentZone()->UtcToLocal(datetime::CurrentTimestampMicros());
    int64_t midnight = static_cast<int64_t>(datetime::TimestampToDate(today)) * datetime::kMicrosPerDay;
    return Wrap(datetime::Age(midnight, a[0].i));
  }
  return Wrap(datetime::Age(a[0].i, a[1].i));
}
SqlResult<Value> JustifyDays(const std::vector<Value>& a, const Type&) {
  return IntervalValue(datetime::JustifyDays(IntervalArg(a[0])));
}
SqlResult<Value> JustifyHours(const std::vector<Value>& a, const Type&) {
  return IntervalValue(datetime::JustifyHours(IntervalArg(a[0])));
}
SqlResult<Value> JustifyInterval(const std::vector<Value>& a, const Type&) {
  return IntervalValue(datetime::JustifyInterval(IntervalArg(a[0])));
}
SqlResult<Value> MakeInterval(const std::vector<Value>& a, const Type&) {
  auto arg = [&](size_t i) { return i < a.size() ? a[i].i : 0; };
  return Wrap(datetime::MakeInterval(arg(0), arg(1), arg(2), arg(3), arg(4), arg(5), a.size() > 6 ? a[6].f : 0));
}
SqlResult<Value> TextResult(SqlResult<std::string> r) {
  if (!r.ok()) return r.TakeStatus();
  return Value::String(Type::Of(T::kText), std::move(r.value()));
}
SqlResult<Value> ToCharTimestampEval(const std::vector<Value>& a, const Type&) {
  if (a[0].i == datetime::kTsInfinity || a[0].i == datetime::kTsNegInfinity) return Value::Null(Type::Of(T::kText));
  return TextResult(ToCharTimestamp(a[0].i, a[0].type.id == T::kTimestampTz, a[1].s));
}
SqlResult<Value> ToCharIntervalEval(const std::vector<Value>& a, const Type&) {
  return TextResult(ToCharInterval(IntervalArg(a[0]), a[1].s));
}
SqlResult<Value> ToCharNumberEval(const std::vector<Value>& a, const Type&) {
  if (IsFloat(a[0].type.id)) return TextResult(ToCharFloat(a[0].f, a[1].s));
  std::string text;
  AppendText(a[0], &text);
  return TextResult(ToCharNumber(text, a[1].s));
}
SqlResult<Value> ToTimestampEval(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(int64_t ts, ToTimestamp(a[0].s, a[1].s));
  return Value::Int(T::kTimestampTz, ts);
}
// to_timestamp(double precision): seconds since 1970-01-01 00:00:00 UTC.
SqlResult<Value> ToTimestampEpochEval(const std::vector<Value>& a, const Type&) {
  double secs = a[0].f;
  if (std::isnan(secs)) return MakeError("22008", "timestamp cannot be NaN");
  if (std::isinf(secs)) return Value::Int(T::kTimestampTz, secs > 0 ? datetime::kTsInfinity : datetime::kTsNegInfinity);
  double us = std::rint(secs * 1e6) - 946684800.0 * 1e6;
  if (us < static_cast<double>(datetime::kMinTimestamp) || us >= static_cast<double>(datetime::kMaxTimestamp)) {
    std::string shown;
    AppendFloatText(T::kFloat8, secs, &shown);
    return MakeError("22008", "timestamp out of range: \"" + shown + "\"");
  }
  return Value::Int(T::kTimestampTz, static_cast<int64_t>(us));
}
SqlResult<Value> ToDateEval(const std::vector<Value>& a, const Type&) {
  SQL_ASSIGN_OR_RETURN(int32_t d, ToDate(a[0].s, a[1].s));
  return Value::Int(T::kDate, d);
}

const std::vector<ScalarFunction>& Functions() {
  static const std::vector<ScalarFunction> kFns = {
      {"age", 1, 2, {T::kTimestamp}, T::kInterval, Age},
      {"to_timestamp", 1, 1, {T::kFloat8}, T::kTimestampTz, ToTimestampEpochEval},
      {"to_timestamp", 2, 2, {T::kText}, T::kTimestampTz, ToTimestampEval},
      {"to_date", 2, 2, {T::kText}, T::kDate, ToDateEval},
      {"justify_days", 1, 1, {T::kInterval}, T::kInterval, JustifyDays},
      {"justify_hours", 1, 1, {T::kInterval}, T::kInterval, JustifyHours},
      {"justify_interval", 1, 1, {T::kInterval}, T::kInterval, JustifyInterval},
      {"make_interval",
       0,
       7,
       {T::kInt4, T::kInt4, T::kInt4, T::kInt4, T::kInt4, T::kInt4, T::kFloat8},
       T::kInterval,
       MakeInterval},
  };
  return kFns;
}

}  // namespace

bool IsTemporal(TypeId id) { return IsDatetime(id) || id == T::kTime || id == T::kInterval; }

const ScalarFunction* FindDatetimeOperator(std::string_view op, TypeId l, TypeId r) {
  for (const auto& f : Operators()) {
    if (op == f.name && f.arg_types[0] == l && f.arg_types[1] == r) return &f;
  }
  return nullptr;
}

const ScalarFunction* IntervalNegate() {
  static const ScalarFunction kNeg = {"-", 1, 1, {T::kInterval}, T::kInterval, IntervalNeg};
  return &kNeg;
}

const ScalarFunction* FindDatetimeFunction(std::string_view name, size_t nargs) {
  for (const auto& f : Functions()) {
    if (name == f.name && static_cast<int>(nargs) >= f.min_args && static_cast<int>(nargs) <= f.max_args) return &f;
  }
  return nullptr;
}

const ScalarFunction* FindToChar(TypeId arg) {
  static const ScalarFunction kTs = {"to_char", 2, 2, {T::kTimestamp, T::kText}, T::kText, ToCharTimestampEval};
  static const ScalarFunction kTsTz = {"to_char", 2, 2, {T::kTimestampTz, T::kText}, T::kText, ToCharTimestampEval};
  static const ScalarFunction kIv = {"to_char", 2, 2, {T::kInterval, T::kText}, T::kText, ToCharIntervalEval};
  static const ScalarFunction kNum = {"to_char", 2, 2, {kAnyArg, T::kText}, T::kText, ToCharNumberEval};
  if (arg == T::kTimestamp) return &kTs;
  if (arg == T::kTimestampTz || arg == T::kDate) return &kTsTz;
  if (arg == T::kInterval || arg == T::kTime) return &kIv;
  if (IsNumeric(arg)) return &kNum;
  return nullptr;
}

namespace {
// A zone as AT TIME ZONE names it: a tz database name, an abbreviation, or a POSIX zone.
SqlResult<const datetime::TimeZone*> ZoneNamed(const std::string& name, datetime::TimeZone* fixed) {
  if (const datetime::TimeZone* z = datetime::FindTimeZone(name)) return z;
  int32_t east;
  if (datetime::ZoneAbbreviationOffset(name, &east)) {
    *fixed = datetime::TimeZone(name, east);
    return fixed;
  }
  return MakeError("22023", "time zone \"" + name + "\" not recognized");
}
SqlResult<Value> TimestampAtZone(const std::vector<Value>& a, const Type&) {
  datetime::TimeZone fixed("", 0);
  SQL_ASSIGN_OR_RETURN(const datetime::TimeZone* z, ZoneNamed(a[0].s, &fixed));
  return Value::Int(T::kTimestampTz, z->LocalToUtc(a[1].i));
}
SqlResult<Value> TimestampTzAtZone(const std::vector<Value>& a, const Type&) {
  datetime::TimeZone fixed("", 0);
  SQL_ASSIGN_OR_RETURN(const datetime::TimeZone* z, ZoneNamed(a[0].s, &fixed));
  return Value::Int(T::kTimestamp, z->UtcToLocal(a[1].i));
}
}  // namespace

const ScalarFunction* FindAtTimeZone(TypeId arg) {
  static const ScalarFunction kTs = {"timezone", 2, 2, {T::kText, T::kTimestamp}, T::kTimestampTz, TimestampAtZone};
  static const ScalarFunction kTsTz = {"timezone", 2, 2, {T::kText, T::kTimestampTz}, T::kTimestamp, TimestampTzAtZone};
  if (arg == T::kTimestamp) return &kTs;
  if (arg == T::kTimestampTz) return &kTsTz;
  return nullptr;
}

int MakeIntervalParam(std::string_view name) {
  static constexpr std::string_view kNames[] = {"years", "months", "weeks", "days", "hours", "mins", "secs"};
  for (int i = 0; i < 7; i++) {
    if (name == kNames[i]) return i;
  }
  return -1;
}

}  // namespace lumadb::engine::sql

#pragma once

#include <string_view>

#include "engine/sql/binder/functions.h"
#include "engine/sql/types/types.h"

// The operators between date, timestamp, timestamptz, time and interval
// (+ - * /, unary minus) and the interval functions (age, justify_days,
// justify_hours, justify_interval, make_interval, to_char, to_timestamp,
// to_date) as PostgreSQL 15
// defines them, in the binder's ScalarFunction form.
namespace lumadb::engine::sql {

// date, timestamp, timestamptz, time or interval.
bool IsTemporal(TypeId id);

// The operator `op` over operands of types l and r (unknown literals and
// implicit casts already resolved), or nullptr. For "*" and "/" the number
// operand is double precision.
const ScalarFunction* FindDatetimeOperator(std::string_view op, TypeId l, TypeId r);
// Unary minus of an interval.
const ScalarFunction* IntervalNegate();

// The interval function `name` taking `nargs` arguments, or nullptr.
const ScalarFunction* FindDatetimeFunction(std::string_view name, size_t nargs);

// to_char for a first argument of type `arg` (timestamp, timestamptz, a
// date as timestamptz, interval, a time as interval, or a number), or nullptr.
const ScalarFunction* FindToChar(TypeId arg);

// timezone(zone, x) (x AT TIME ZONE zone) for a timestamp or timestamptz x, or nullptr.
const ScalarFunction* FindAtTimeZone(TypeId arg);

// make_interval's parameter names in order (years, months, weeks, days,
// hours, mins, secs): the position of `name`, or -1.
int MakeIntervalParam(std::string_view name);

}  // namespace lumadb::engine::sql

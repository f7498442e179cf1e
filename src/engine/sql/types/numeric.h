#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/sql/common/error.h"

// PostgreSQL's numeric: exact decimals with a display scale, as numeric.c
// computes them (result scales of + - * /, rounding half away from zero,
// numeric(p,s) typmods, text input and output). LumaDB holds up to 38
// significant digits (a 128-bit coefficient); past that an operation fails
// with 22003 "value overflows numeric format". NaN and infinity are not
// there yet.
namespace lumadb::engine::sql::numeric {

struct Decimal {
  __int128 coef = 0;  // the value is coef / 10^scale
  int scale = 0;      // display scale, 0..kMaxScale
};

inline constexpr int kMaxDigits = 38;

// numeric_in: optional spaces, sign, digits with one '.', an exponent.
// Errors: 22P02 `invalid input syntax for type numeric: "x"`, 22003.
SqlResult<Decimal> Parse(std::string_view text);
// numeric_out: "-12.340" (all of the display scale's digits).
std::string ToString(const Decimal& d);
void AppendText(const Decimal& d, std::string* out);

Decimal FromInt(int64_t v);
// float8 -> numeric as PostgreSQL does it (the %.15g text of the double).
SqlResult<Decimal> FromDouble(double v);
double ToDouble(const Decimal& d);
// Rounded half away from zero; false when it does not fit in int64.
bool ToInt64(const Decimal& d, int64_t* out);

SqlResult<Decimal> Add(const Decimal& a, const Decimal& b);
SqlResult<Decimal> Sub(const Decimal& a, const Decimal& b);
SqlResult<Decimal> Mul(const Decimal& a, const Decimal& b);
// 22012 on zero; the result scale is select_div_scale's (at least 16
// significant digits, at least either input's scale).
SqlResult<Decimal> Div(const Decimal& a, const Decimal& b);
SqlResult<Decimal> Mod(const Decimal& a, const Decimal& b);
Decimal Neg(const Decimal& a);
Decimal Abs(const Decimal& a);
int Compare(const Decimal& a, const Decimal& b);

// round(x, s) (half away from zero) and trunc(x, s); s may be negative.
SqlResult<Decimal> Round(const Decimal& a, int scale);
Decimal Trunc(const Decimal& a, int scale);
SqlResult<Decimal> Ceil(const Decimal& a);
// The square root rounded to `rscale` digits (sqrt_var); 2201F for a
// negative number, 22003 past 38 digits.
SqlResult<Decimal> Sqrt(const Decimal& a, int rscale);
SqlResult<Decimal> Floor(const Decimal& a);

// numeric(precision, scale): rounds to the scale; 22003 "numeric field
// overflow" with PostgreSQL's detail when the integer digits do not fit.
SqlResult<Decimal> ApplyTypmod(const Decimal& a, int precision, int scale);

// The typmod PostgreSQL stores for numeric(p,s), and back.
inline int32_t MakeTypmod(int precision, int scale) { return ((precision << 16) | (scale & 0x7ff)) + 4; }
inline int TypmodPrecision(int32_t typmod) { return ((typmod - 4) >> 16) & 0xffff; }
inline int TypmodScale(int32_t typmod) { return (((typmod - 4) & 0x7ff) ^ 1024) - 1024; }

// The value without trailing fractional zeros ("1.50" and "1.5" give the
// same), for keys: equal numerics get equal bytes.
std::string CanonicalText(const Decimal& d);

}  // namespace lumadb::engine::sql::numeric

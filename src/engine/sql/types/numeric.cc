#include "engine/sql/types/numeric.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace lumadb::engine::sql::numeric {

namespace {

using i128 = __int128;

const i128* Powers() {
  static i128 p[kMaxDigits + 1] = {};
  if (p[0] == 0) {
    i128 v = 1;
    for (int i = 0; i <= kMaxDigits; i++) {
      p[i] = v;
      if (i < kMaxDigits) v *= 10;  // 10^38 is the last that fits
    }
  }
  return p;
}
i128 Pow10(int n) { return Powers()[n]; }
const i128 kLimit = Pow10(kMaxDigits);  // coefficients stay below 10^38

SqlError Overflow() { return MakeError(sqlstate::kNumericOutOfRange, "value overflows numeric format"); }

bool Fits(i128 v) { return v < kLimit && v > -kLimit; }

// v * 10^n, or false on overflow.
bool Scale(i128 v, int n, i128* out) {
  if (n < 0) return false;
  if (v == 0) {
    *out = 0;
    return true;
  }
  if (n > kMaxDigits) return false;
  i128 r;
  if (__builtin_mul_overflow(v, Pow10(n), &r) || !Fits(r)) return false;
  *out = r;
  return true;
}

i128 AbsI(i128 v) { return v < 0 ? -v : v; }

std::string Digits(i128 v) {  // of |v|
  v = AbsI(v);
  if (v == 0) return "0";
  std::string s;
  while (v > 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  std::reverse(s.begin(), s.end());
  return s;
}

// Divides by 10^k rounding half away from zero (round) or toward zero.
i128 DivPow10(i128 v, int k, bool round) {
  if (k <= 0) return v;
  if (k > kMaxDigits) return 0;
  i128 p = Pow10(k);
  i128 q = v / p, r = v % p;
  if (round && AbsI(r) >= p - AbsI(r)) q += v < 0 ? -1 : 1;
  return q;
}

// Both coefficients at the larger scale.
bool Align(const Decimal& a, const Decimal& b, i128* x, i128* y, int* scale) {
  *scale = std::max(a.scale, b.scale);
  return Scale(a.coef, *scale - a.scale, x) && Scale(b.coef, *scale - b.scale, y);
}

// PostgreSQL's weight and first base-10000 digit of |d| (select_div_scale).
void Weight(const Decimal& d, int* weight, int* first) {
  if (d.coef == 0) {
    *weight = 0;
    *first = 0;
    return;
  }
  int p = static_cast<int>(Digits(d.coef).size()) - 1 - d.scale;  // |d| in [10^p, 10^(p+1))
  int w = p >= 0 ? p / 4 : -((-p + 3) / 4);
  int e = 4 * w + d.scale;
  // (|coef| / 10^e) mod 10^4; for e < 0 (at most 3 places) only the low digits matter.
  i128 g = e >= 0 ? DivPow10(AbsI(d.coef), e, false) : (AbsI(d.coef) % Pow10(4 + e)) * Pow10(-e);
  *weight = w;
  *first = static_cast<int>(g % 10000);
}

SqlResult<Decimal> Make(i128 coef, int scale) {
  if (!Fits(coef)) return Overflow();
  return Decimal{coef, scale};
}

}  // namespace

SqlResult<Decimal> Parse(std::string_view text) {
  auto bad = [&]() {
    return MakeError(sqlstate::kInvalidTextRepresentation,
                     "invalid input syntax for type numeric: \"" + std::string(text) + "\"");
  };
  std::string_view s = text;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  std::string_view rest = s.substr(i);
  auto ieq = [](std::string_view a, const char* b) {
    if (a.size() != std::strlen(b)) return false;
    for (size_t k = 0; k < a.size(); k++) {
      if (std::tolower(static_cast<unsigned char>(a[k])) != b[k]) return false;
    }
    return true;
  };
  if (ieq(rest, "nan") || ieq(rest, "infinity") || ieq(rest, "inf")) {
    return MakeError(sqlstate::kFeatureNotSupported, "numeric NaN and infinity are not supported by LumaDB yet");
  }
  i128 coef = 0;
  int digits = 0, frac = 0;
  bool dot = false, any = false;
  for (; i < s.size(); i++) {
    char c = s[i];
    if (c == '.') {
      if (dot) return bad();
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any = true;
    if (coef != 0 || c != '0') digits++;
    if (digits > kMaxDigits) return Overflow();
    coef = coef * 10 + (c - '0');
    if (dot) frac++;
  }
  if (!any) return bad();
  int exp = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    if (i == s.size()) return bad();
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; i++) {
      exp = exp * 10 + (s[i] - '0');
      if (exp > 1000) return Overflow();
    }
    if (eneg) exp = -exp;
  }
  if (i != s.size()) return bad();
  int scale = frac - exp;
  if (scale < 0) {
    if (!Scale(coef, -scale, &coef)) return Overflow();
    scale = 0;
  }
  if (scale > kMaxDigits) return Overflow();
  return Decimal{neg ? -coef : coef, scale};
}

void AppendText(const Decimal& d, std::string* out) {
  std::string digits = Digits(d.coef);
  if (d.coef < 0) out->push_back('-');
  if (d.scale == 0) {
    out->append(digits);
    return;
  }
  if (digits.size() <= static_cast<size_t>(d.scale)) digits.insert(0, d.scale + 1 - digits.size(), '0');
  out->append(digits, 0, digits.size() - d.scale);
  out->push_back('.');
  out->append(digits, digits.size() - d.scale, std::string::npos);
}

std::string ToString(const Decimal& d) {
  std::string s;
  AppendText(d, &s);
  return s;
}

std::string CanonicalText(const Decimal& d) {
  Decimal c = d;
  while (c.scale > 0 && c.coef % 10 == 0) {
    c.coef /= 10;
    c.scale--;
  }
  return ToString(c);
}

Decimal FromInt(int64_t v) { return Decimal{static_cast<i128>(v), 0}; }

SqlResult<Decimal> FromDouble(double v) {
  if (std::isnan(v) || std::isinf(v)) {
    return MakeError(sqlstate::kFeatureNotSupported, "numeric NaN and infinity are not supported by LumaDB yet");
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.15g", v);
  return Parse(buf);
}

double ToDouble(const Decimal& d) { return std::strtod(ToString(d).c_str(), nullptr); }

bool ToInt64(const Decimal& d, int64_t* out) {
  i128 q = DivPow10(d.coef, d.scale, true);
  if (q > INT64_MAX || q < INT64_MIN) return false;
  *out = static_cast<int64_t>(q);
  return true;
}

SqlResult<Decimal> Add(const Decimal& a, const Decimal& b) {
  i128 x, y;
  int s;
  if (!Align(a, b, &x, &y, &s)) return Overflow();
  i128 r;
  if (__builtin_add_overflow(x, y, &r)) return Overflow();
  return Make(r, s);
}

SqlResult<Decimal> Sub(const Decimal& a, const Decimal& b) {
  i128 x, y;
  int s;
  if (!Align(a, b, &x, &y, &s)) return Overflow();
  i128 r;
  if (__builtin_sub_overflow(x, y, &r)) return Overflow();
  return Make(r, s);
}

SqlResult<Decimal> Sqrt(const Decimal& a, int rscale) {
  if (a.coef < 0) return MakeError("2201F", "cannot take square root of a negative number");
  // round(sqrt(coef / 10^scale) * 10^rscale) = round(sqrt(coef * 10^(2 rscale - scale))).
  int e = 2 * rscale - a.scale;
  i128 x;
  if (e >= 0) {
    if (!Scale(a.coef, e, &x)) return Overflow();
  } else {
    x = DivPow10(a.coef, -e, true);
  }
  i128 s = static_cast<i128>(sqrtl(static_cast<long double>(x)));
  while (s > 0 && s * s > x) s--;
  while ((s + 1) * (s + 1) <= x) s++;
  if (x - s * s > s) s++;  // x >= (s + 1/2)^2: round up
  return Decimal{s, rscale};
}

SqlResult<Decimal> Mul(const Decimal& a, const Decimal& b) {
  i128 r;
  if (__builtin_mul_overflow(a.coef, b.coef, &r) || !Fits(r)) return Overflow();
  int s = a.scale + b.scale;
  if (s > kMaxDigits) {
    r = DivPow10(r, s - kMaxDigits, true);
    s = kMaxDigits;
  }
  return Decimal{r, s};
}

SqlResult<Decimal> Div(const Decimal& a, const Decimal& b) {
  if (b.coef == 0) return MakeError(sqlstate::kDivisionByZero, "division by zero");
  int w1, f1, w2, f2;
  Weight(a, &w1, &f1);
  Weight(b, &w2, &f2);
  int qweight = w1 - w2;
  if (f1 <= f2) qweight--;
  int rscale = 16 - qweight * 4;  // NUMERIC_MIN_SIG_DIGITS, DEC_DIGITS
  rscale = std::max({rscale, a.scale, b.scale, 0});
  if (rscale > kMaxDigits) return Overflow();
  // a / b = (a.coef / b.coef) * 10^(b.scale - a.scale); at rscale that is
  // a.coef * 10^e / b.coef with e = rscale + b.scale - a.scale.
  int e = rscale + b.scale - a.scale;
  i128 n = a.coef, d = b.coef;
  if (e >= 0) {
    if (!Scale(n, e, &n)) return Overflow();
  } else if (!Scale(d, -e, &d)) {
    return Decimal{0, rscale};  // |a| is far below the last digit of the result
  }
  i128 q = n / d, r = n % d;
  if (AbsI(r) >= AbsI(d) - AbsI(r)) q += (n < 0) != (d < 0) ? -1 : 1;
  return Make(q, rscale);
}

SqlResult<Decimal> Mod(const Decimal& a, const Decimal& b) {
  if (b.coef == 0) return MakeError(sqlstate::kDivisionByZero, "division by zero");
  i128 x, y;
  int s;
  if (!Align(a, b, &x, &y, &s)) return Overflow();
  return Decimal{x % y, s};
}

Decimal Neg(const Decimal& a) { return Decimal{-a.coef, a.scale}; }
Decimal Abs(const Decimal& a) { return Decimal{AbsI(a.coef), a.scale}; }

int Compare(const Decimal& a, const Decimal& b) {
  // Integer parts first (they always fit), then the fractions at one scale.
  i128 ia = DivPow10(a.coef, a.scale, false), ib = DivPow10(b.coef, b.scale, false);
  if (ia != ib) return ia < ib ? -1 : 1;
  int s = std::max(a.scale, b.scale);
  i128 fa = (a.coef - ia * Pow10(a.scale)) * Pow10(s - a.scale);
  i128 fb = (b.coef - ib * Pow10(b.scale)) * Pow10(s - b.scale);
  return fa < fb ? -1 : (fa > fb ? 1 : 0);
}

SqlResult<Decimal> Round(const Decimal& a, int scale) {
  if (scale >= a.scale) {
    int s = std::min(scale, kMaxDigits);
    i128 c;
    if (!Scale(a.coef, s - a.scale, &c)) return Overflow();
    return Decimal{c, s};
  }
  i128 q = DivPow10(a.coef, a.scale - scale, true);
  if (scale >= 0) return Decimal{q, scale};
  i128 c;
  if (!Scale(q, -scale, &c)) return Overflow();
  return Decimal{c, 0};
}

Decimal Trunc(const Decimal& a, int scale) {
  if (scale >= a.scale) return a;
  i128 q = DivPow10(a.coef, a.scale - scale, false);
  if (scale >= 0) return Decimal{q, scale};
  i128 c = 0;
  if (!Scale(q, -scale, &c)) c = 0;
  return Decimal{c, 0};
}

SqlResult<Decimal> Ceil(const Decimal& a) {
  Decimal t = Trunc(a, 0);
  if (a.coef > 0 && Compare(t, a) != 0) t.coef += 1;
  return t;
}

SqlResult<Decimal> Floor(const Decimal& a) {
  Decimal t = Trunc(a, 0);
  if (a.coef < 0 && Compare(t, a) != 0) t.coef -= 1;
  return t;
}

SqlResult<Decimal> ApplyTypmod(const Decimal& a, int precision, int scale) {
  SQL_ASSIGN_OR_RETURN(Decimal r, Round(a, scale));
  int maxdigits = precision - scale;  // digits allowed before the point
  // |r| < 10^maxdigits, with r = coef / 10^r.scale.
  int e = maxdigits + r.scale;
  bool over = e <= 0 ? r.coef != 0 : (e <= kMaxDigits && AbsI(r.coef) >= Pow10(e));
  if (over) {
    SqlError err = MakeError(sqlstate::kNumericOutOfRange, "numeric field overflow");
    err.detail = "A field with precision " + std::to_string(precision) + ", scale " + std::to_string(scale) +
                 " must round to an absolute value less than " +
                 (maxdigits != 0 ? "10^" + std::to_string(maxdigits) : std::string("1")) + ".";
    return err;
  }
  return r;
}

}  // namespace lumadb::engine::sql::numeric

#pragma once

// Double -> integer conversions with the results an x86-64 build of Redis
// gets from a plain C cast, including for values out of range (where C++
// leaves the cast undefined). Redis's Lua libraries cast Lua numbers this
// way, and scripts can observe the results (struct.pack('L', 1e20), ...).

#include <cmath>
#include <cstdint>
#include <limits>

namespace lumadb::protocol::resp {

// cvttsd2si, 64-bit: truncates; NaN and out-of-range give INT64_MIN.
inline int64_t X86DoubleToInt64(double d) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (!(d >= -kTwo63 && d < kTwo63)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

// cvttsd2si, 32-bit: truncates; NaN and out-of-range give INT32_MIN.
inline int32_t X86DoubleToInt32(double d) {
  if (!(d > -2147483649.0 && d < 2147483648.0)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(d);
}

// GCC's double -> uint64 sequence: values below 2^63 (and NaN) go through
// the signed conversion; larger ones are converted after subtracting 2^63,
// whose top bit is then flipped back (so 1e20 and inf give 0).
inline uint64_t X86DoubleToUint64(double d) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (!(d >= kTwo63)) return static_cast<uint64_t>(X86DoubleToInt64(d));
  return static_cast<uint64_t>(X86DoubleToInt64(d - kTwo63)) ^ (uint64_t{1} << 63);
}

}  // namespace lumadb::protocol::resp

#pragma once

#include <chrono>
#include <cstdint>

namespace lumadb {

// Wall-clock milliseconds since the Unix epoch (what Redis TTLs are measured in).
inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Monotonic nanoseconds, for latency measurement and timers.
inline int64_t MonoNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline int64_t MonoMs() { return MonoNs() / 1000000; }

}  // namespace lumadb

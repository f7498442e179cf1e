#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace lumadb::protocol::resp {

// LATENCY monitor: per event ("command", "fast-command"), the latest 160
// one-per-second samples at or above latency-monitor-threshold (ms) and the
// all-time maximum, as Redis keeps them.
class LatencyMonitor {
 public:
  static constexpr int kSamples = 160;  // LATENCY_TS_LEN

  struct Sample {
    int64_t time_s = 0;  // 0 = unused slot
    int64_t latency_ms = 0;
  };
  struct Series {
    Sample samples[kSamples];
    int idx = 0;  // next slot
    int64_t max_ms = 0;
  };
  struct Latest {
    std::string event;
    int64_t time_s, latency_ms, max_ms;
  };

  // 0 disables the monitor.
  void set_threshold_ms(int64_t ms) { threshold_ms_.store(ms, std::memory_order_relaxed); }
  int64_t threshold_ms() const { return threshold_ms_.load(std::memory_order_relaxed); }
  // Adds a sample when the monitor is on and `ms` reaches the threshold.
  void AddIfNeeded(std::string_view event, int64_t ms) {
    int64_t t = threshold_ms_.load(std::memory_order_relaxed);
    if (t > 0 && ms >= t) Add(event, ms, 0);
  }
  // now_s = 0: the current time.
  void Add(std::string_view event, int64_t ms, int64_t now_s);

  std::vector<Latest> LatestSamples();
  // Oldest first; false if the event has no samples.
  bool History(std::string_view event, std::vector<Sample>* out);
  // Resets the named events (all when empty); returns how many were reset.
  int Reset(const std::vector<std::string>& events);
  // LATENCY GRAPH's text; "" when the event has no samples.
  std::string Graph(std::string_view event, int64_t now_s = 0);
  // LATENCY DOCTOR's report.
  std::string Doctor();

 private:
  std::atomic<int64_t> threshold_ms_{0};
  std::mutex mu_;
  std::map<std::string, Series, std::less<>> events_;
};

}  // namespace lumadb::protocol::resp

#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Per-command statistics for INFO commandstats/latencystats/errorstats and
// LATENCY HISTOGRAM. Updated on every command, so every update is a relaxed
// atomic add on memory owned by the command's table entry: no lock, no map
// lookup on the hot path.
namespace lumadb::protocol::resp {

// Latency histogram with the bucket layout of the hdr_histogram Redis uses
// (1 ns to 1 s, 2 significant digits: 256 sub-buckets per power of two), so
// percentiles and LATENCY HISTOGRAM's buckets come out as redis-server's.
class LatencyHistogram {
 public:
  static constexpr int64_t kMinValue = 1;           // ns
  static constexpr int64_t kMaxValue = 1000000000;  // ns
  static constexpr int kCounts = 3072;              // covers kMaxValue

  // Records one duration in ns, clamped to [kMinValue, kMaxValue].
  void Record(int64_t ns);
  uint64_t Total() const;
  // The value (ns) at `percentile` (0-100), as hdr_value_at_percentile.
  int64_t ValueAtPercentile(double percentile) const;
  // LATENCY HISTOGRAM's histogram_usec: (bucket upper bound in us,
  // cumulative count) for power-of-two buckets from 1024 ns, only where the
  // count grows.
  std::vector<std::pair<int64_t, int64_t>> CumulativeUsec() const;
  void Reset();

  // hdr layout helpers (exposed for tests).
  static int IndexOf(int64_t value);
  static int64_t LowestAt(int index);
  static int64_t HighestEquivalent(int64_t value);

 private:
  std::atomic<uint64_t> counts_[kCounts] = {};
};

// One command's (or subcommand's) counters.
struct CommandStats {
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> usec{0};
  std::atomic<uint64_t> rejected{0};  // refused before running (arity, auth, busy, ...)
  std::atomic<uint64_t> failed{0};    // ran and replied with an error

  // Records a completed call of `us` microseconds; the histogram only when
  // latency tracking is on.
  void RecordCall(int64_t us, bool error, bool track_latency);
  // Null until the first tracked call.
  const LatencyHistogram* histogram() const { return hist_.load(std::memory_order_acquire); }
  void Reset();
  ~CommandStats();

 private:
  std::atomic<LatencyHistogram*> hist_{nullptr};
};

// Error replies counted by their first word ("ERR", "WRONGTYPE", ...), as
// INFO errorstats shows them. Touched only when an error is replied.
class ErrorStats {
 public:
  // At most this many distinct prefixes are kept (scripts can make up any).
  static constexpr size_t kMaxPrefixes = 128;
  // `reply` is the error text without the leading '-'.
  void Record(std::string_view reply);
  std::map<std::string, uint64_t> Snapshot();
  void Reset();
  // Redis's rule: the first word if a space occurs in the first 32 bytes, else "ERR".
  static std::string_view Prefix(std::string_view reply);

 private:
  std::mutex mu_;
  std::map<std::string, uint64_t, std::less<>> counts_;
};

// "%f" without trailing zeros (and without a trailing '.'), as Redis prints
// percentiles: 50 -> "50", 99.9 -> "99.9".
std::string TrimmedDouble(double d);

}  // namespace lumadb::protocol::resp

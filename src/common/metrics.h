#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

// Process-wide metrics rendered in Prometheus text format. Counters and
// histograms keep one slot per thread so hot paths never share a cache line.
namespace lumadb::metrics {

inline constexpr int kSlots = 32;
int ThreadSlot();  // this thread's slot index

class Counter {
 public:
  void Add(uint64_t n = 1) { slots_[ThreadSlot()].v.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const;

 private:
  struct alignas(64) Slot {
    std::atomic<uint64_t> v{0};
  };
  Slot slots_[kSlots];
};

class Gauge {
 public:
  void Add(int64_t n) { v_.fetch_add(n, std::memory_order_relaxed); }
  void Set(int64_t n) { v_.store(n, std::memory_order_relaxed); }
  int64_t Value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> v_{0};
};

// Latency histogram with fixed buckets from 10 us to 10 s.
class Histogram {
 public:
  static constexpr int kBuckets = 14;
  static const double kBoundsSeconds[kBuckets];  // upper bounds; the last is +Inf
  void ObserveNs(int64_t ns);
  void Snapshot(uint64_t counts[kBuckets], double* sum_seconds, uint64_t* count) const;

 private:
  struct alignas(64) Slot {
    std::atomic<uint64_t> buckets[kBuckets] = {};
    std::atomic<uint64_t> sum_ns{0};
  };
  Slot slots_[kSlots];
};

// Owns every metric. Get* return a stable pointer for (name, labels); the
// same pair always returns the same metric.
class Registry {
 public:
  Counter* GetCounter(const std::string& name, const std::string& labels, const std::string& help);
  Gauge* GetGauge(const std::string& name, const std::string& labels, const std::string& help);
  Histogram* GetHistogram(const std::string& name, const std::string& labels, const std::string& help);
  // A callback that appends computed metrics (memory, storage) when rendered.
  void AddCollector(std::function<void(std::string*)> fn);
  std::string RenderPrometheus() const;

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct Entry {
    Kind kind;
    std::string name, labels, help;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  Entry* Find(Kind kind, const std::string& name, const std::string& labels, const std::string& help);
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::vector<std::function<void(std::string*)>> collectors_;
};

Registry& Global();

// Appends "# HELP/# TYPE" and one sample line, for collectors.
void AppendSample(std::string* out, const std::string& name, const std::string& type, const std::string& help,
                  const std::string& labels, double value);

}  // namespace lumadb::metrics

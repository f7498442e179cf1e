#include "protocol/resp/command_stats.h"

#include <algorithm>
#include <cstdio>

namespace lumadb::protocol::resp {

// hdr_histogram with 2 significant digits keeps 256 sub-buckets for values
// below 256 and, for each higher power of two, the upper 128 of them at a
// resolution of 2^bucket. Index = (bucket + 1) * 128 + sub - 128.
int LatencyHistogram::IndexOf(int64_t value) {
  uint64_t v = static_cast<uint64_t>(value);
  int pow2 = 63 - __builtin_clzll(v | 255);
  int bucket = pow2 - 7;
  int sub = static_cast<int>(v >> bucket);
  return ((bucket + 1) << 7) + sub - 128;
}

int64_t LatencyHistogram::LowestAt(int index) {
  int bucket = (index >> 7) - 1;
  int64_t sub = (index & 127) + 128;
  if (bucket < 0) {
    sub -= 128;
    bucket = 0;
  }
  return sub << bucket;
}

int64_t LatencyHistogram::HighestEquivalent(int64_t value) {
  int index = IndexOf(value);
  int bucket = std::max((index >> 7) - 1, 0);
  return LowestAt(index) + (int64_t{1} << bucket) - 1;
}

void LatencyHistogram::Record(int64_t ns) {
  ns = std::clamp(ns, kMinValue, kMaxValue);
  counts_[IndexOf(ns)].fetch_add(1, std::memory_order_relaxed);
}

uint64_t LatencyHistogram::Total() const {
  uint64_t t = 0;
  for (const auto& c : counts_) t += c.load(std::memory_order_relaxed);
  return t;
}

int64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  uint64_t total = Total();
  if (total == 0) return 0;
  double p = std::min(percentile, 100.0);
  int64_t want = static_cast<int64_t>((p / 100) * static_cast<double>(total) + 0.5);
  want = std::max<int64_t>(want, 1);
  int64_t seen = 0;
  for (int i = 0; i < kCounts; i++) {
    seen += static_cast<int64_t>(counts_[i].load(std::memory_order_relaxed));
    if (seen >= want) {
      int64_t v = LowestAt(i);
      return percentile == 0.0 ? v : HighestEquivalent(v);
    }
  }
  return HighestEquivalent(kMaxValue);
}

std::vector<std::pair<int64_t, int64_t>> LatencyHistogram::CumulativeUsec() const {
  uint64_t snap[kCounts];
  uint64_t total = 0;
  for (int i = 0; i < kCounts; i++) {
    snap[i] = counts_[i].load(std::memory_order_relaxed);
    total += snap[i];
  }
  std::vector<std::pair<int64_t, int64_t>> out;
  uint64_t cum = 0, prev = 0;
  int next = 0;
  for (int64_t level = 1024; total > 0; level *= 2) {
    int last = std::min(IndexOf(std::min(level, kMaxValue)), kCounts - 1);
    for (; next <= last; next++) cum += snap[next];
    if (cum > prev) out.emplace_back(HighestEquivalent(level) / 1000, static_cast<int64_t>(cum));
    prev = cum;
    if (cum >= total || level > kMaxValue) break;
  }
  return out;
}

void LatencyHistogram::Reset() {
  for (auto& c : counts_) c.store(0, std::memory_order_relaxed);
}

void CommandStats::RecordCall(int64_t us, bool error, bool track_latency) {
  calls.fetch_add(1, std::memory_order_relaxed);
  usec.fetch_add(static_cast<uint64_t>(us), std::memory_order_relaxed);
  if (error) failed.fetch_add(1, std::memory_order_relaxed);
  if (!track_latency) return;
  LatencyHistogram* h = hist_.load(std::memory_order_acquire);
  if (h == nullptr) {
    auto* fresh = new LatencyHistogram();
    if (hist_.compare_exchange_strong(h, fresh, std::memory_order_acq_rel)) {
      h = fresh;
    } else {
      delete fresh;  // another worker installed one first; h now points at it
    }
  }
  // Redis measures in microseconds and records them as nanoseconds.
  h->Record(us * 1000);
}

void CommandStats::Reset() {
  calls.store(0, std::memory_order_relaxed);
  usec.store(0, std::memory_order_relaxed);
  rejected.store(0, std::memory_order_relaxed);
  failed.store(0, std::memory_order_relaxed);
  if (LatencyHistogram* h = hist_.load(std::memory_order_acquire)) h->Reset();
}

CommandStats::~CommandStats() { delete hist_.load(); }

std::string_view ErrorStats::Prefix(std::string_view reply) {
  size_t space = reply.substr(0, 32).find(' ');
  if (space == std::string_view::npos) return "ERR";
  return reply.substr(0, space);
}

void ErrorStats::Record(std::string_view reply) {
  std::string_view prefix = Prefix(reply);
  std::lock_guard<std::mutex> g(mu_);
  auto it = counts_.find(prefix);
  if (it == counts_.end()) {
    if (counts_.size() >= kMaxPrefixes) return;
    it = counts_.emplace(std::string(prefix), 0).first;
  }
  it->second++;
}

std::map<std::string, uint64_t> ErrorStats::Snapshot() {
  std::lock_guard<std::mutex> g(mu_);
  return std::map<std::string, uint64_t>(counts_.begin(), counts_.end());
}

void ErrorStats::Reset() {
  std::lock_guard<std::mutex> g(mu_);
  counts_.clear();
}

std::string TrimmedDouble(double d) {
  char buf[128];
  snprintf(buf, sizeof(buf), "%f", d);
  std::string s(buf);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

}  // namespace lumadb::protocol::resp

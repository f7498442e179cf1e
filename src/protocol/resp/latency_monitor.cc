#include "protocol/resp/latency_monitor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/clock.h"

namespace lumadb::protocol::resp {

namespace {
int64_t NowS() { return NowMs() / 1000; }
}  // namespace

void LatencyMonitor::Add(std::string_view event, int64_t ms, int64_t now_s) {
  if (now_s == 0) now_s = NowS();
  std::lock_guard<std::mutex> g(mu_);
  auto it = events_.find(event);
  if (it == events_.end()) it = events_.emplace(std::string(event), Series{}).first;
  Series& s = it->second;
  s.max_ms = std::max(s.max_ms, ms);
  // One sample per second: a later spike in the same second only raises it.
  Sample& prev = s.samples[(s.idx + kSamples - 1) % kSamples];
  if (prev.time_s == now_s) {
    prev.latency_ms = std::max(prev.latency_ms, ms);
    return;
  }
  s.samples[s.idx] = Sample{now_s, ms};
  s.idx = (s.idx + 1) % kSamples;
}

std::vector<LatencyMonitor::Latest> LatencyMonitor::LatestSamples() {
  std::lock_guard<std::mutex> g(mu_);
  std::vector<Latest> out;
  for (const auto& [name, s] : events_) {
    const Sample& last = s.samples[(s.idx + kSamples - 1) % kSamples];
    out.push_back({name, last.time_s, last.latency_ms, s.max_ms});
  }
  return out;
}

bool LatencyMonitor::History(std::string_view event, std::vector<Sample>* out) {
  out->clear();
  std::lock_guard<std::mutex> g(mu_);
  auto it = events_.find(event);
  if (it == events_.end()) return false;
  const Series& s = it->second;
  for (int j = 0; j < kSamples; j++) {
    const Sample& x = s.samples[(s.idx + j) % kSamples];
    if (x.time_s != 0) out->push_back(x);
  }
  return true;
}

int LatencyMonitor::Reset(const std::vector<std::string>& events) {
  std::lock_guard<std::mutex> g(mu_);
  if (events.empty()) {
    int n = static_cast<int>(events_.size());
    events_.clear();
    return n;
  }
  int n = 0;
  for (const auto& e : events) n += static_cast<int>(events_.erase(e));
  return n;
}

std::string LatencyMonitor::Graph(std::string_view event, int64_t now_s) {
  if (now_s == 0) now_s = NowS();
  std::vector<Sample> samples;
  int64_t all_time_max = 0;
  {
    std::lock_guard<std::mutex> g(mu_);
    auto it = events_.find(event);
    if (it == events_.end()) return "";
    all_time_max = it->second.max_ms;
  }
  if (!History(event, &samples) || samples.empty()) return "";
  int64_t lo = samples[0].latency_ms, hi = lo;
  std::vector<std::string> labels;
  for (const Sample& x : samples) {
    lo = std::min(lo, x.latency_ms);
    hi = std::max(hi, x.latency_ms);
    int64_t ago = now_s - x.time_s;
    char buf[32];
    if (ago < 60) snprintf(buf, sizeof(buf), "%llds", static_cast<long long>(ago));
    else if (ago < 3600) snprintf(buf, sizeof(buf), "%lldm", static_cast<long long>(ago / 60));
    else if (ago < 86400) snprintf(buf, sizeof(buf), "%lldh", static_cast<long long>(ago / 3600));
    else snprintf(buf, sizeof(buf), "%lldd", static_cast<long long>(ago / 86400));
    labels.push_back(buf);
  }
  std::string out = std::string(event) + " - high " + std::to_string(hi) + " ms, low " + std::to_string(lo) +
                    " ms (all time high " + std::to_string(all_time_max) + " ms)\n";
  out += std::string(80, '-') + "\n";
  // Four rows of bars, each row two half-steps high; the newest 80 samples.
  constexpr int kRows = 4;
  size_t first = samples.size() > 80 ? samples.size() - 80 : 0;
  std::vector<int> level;
  for (size_t i = first; i < samples.size(); i++) {
    int64_t v = samples[i].latency_ms;
    level.push_back(hi == lo ? kRows * 2
                             : static_cast<int>(std::lround(static_cast<double>(v - lo) / (hi - lo) * (kRows * 2 - 1))) + 1);
  }
  for (int r = 0; r < kRows; r++) {
    int full = (kRows - r) * 2;
    std::string row;
    for (int l : level) row += l >= full ? '#' : l == full - 1 ? '_' : ' ';
    while (!row.empty() && row.back() == ' ') row.pop_back();
    out += row + "\n";
  }
  size_t label_len = 0;
  for (size_t i = first; i < labels.size(); i++) label_len = std::max(label_len, labels[i].size());
  for (size_t c = 0; c < label_len; c++) {
    std::string row;
    for (size_t i = first; i < labels.size(); i++) row += c < labels[i].size() ? labels[i][c] : ' ';
    while (!row.empty() && row.back() == ' ') row.pop_back();
    out += row + "\n";
  }
  return out;
}

std::string LatencyMonitor::Doctor() {
  struct Report {
    std::string name;
    size_t spikes;
    double avg, mad, period;
    int64_t max_ms;
  };
  std::vector<Report> reports;
  {
    std::lock_guard<std::mutex> g(mu_);
    for (const auto& [name, s] : events_) {
      std::vector<Sample> xs;
      for (int j = 0; j < kSamples; j++) {
        const Sample& x = s.samples[(s.idx + j) % kSamples];
        if (x.time_s != 0) xs.push_back(x);
      }
      if (xs.empty()) continue;
      double sum = 0;
      for (const Sample& x : xs) sum += static_cast<double>(x.latency_ms);
      double avg = sum / static_cast<double>(xs.size());
      double dev = 0;
      for (const Sample& x : xs) dev += std::fabs(static_cast<double>(x.latency_ms) - avg);
      double period = xs.size() > 1 ? static_cast<double>(xs.back().time_s - xs.front().time_s) /
                                          static_cast<double>(xs.size() - 1)
                                    : 0;
      reports.push_back({name, xs.size(), avg, dev / static_cast<double>(xs.size()), period, s.max_ms});
    }
  }
  if (reports.empty()) {
    if (threshold_ms() == 0) {
      return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "
             "\"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a "
             "deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
    }
    return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest "
           "bit. I honestly think you ought to sleep better tonight.\n";
  }
  std::string out =
      "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
  int n = 1;
  bool commands = false;
  for (const Report& r : reports) {
    char buf[512];
    snprintf(buf, sizeof(buf),
             "%d. %s: %zu latency spikes (average %.0fms, mean deviation %.0fms, period %.2f sec). Worst all time "
             "event %lldms.\n",
             n++, r.name.c_str(), r.spikes, r.avg, r.mad, r.period, static_cast<long long>(r.max_ms));
    out += buf;
    commands |= r.name == "command" || r.name == "fast-command";
  }
  out += "\nI have a few advices for you:\n\n";
  if (commands) {
    out += "- Check your slow log (SLOWLOG GET) for the commands that took longest and the keys they touched. "
           "Commands over large collections (KEYS, SMEMBERS, LRANGE 0 -1, SORT, long scripts) are the usual cause: "
           "split such work in smaller steps (SCAN, ranges) or move it off the hot path.\n";
  }
  out += "- The latency monitor threshold is " + std::to_string(threshold_ms()) +
         " ms: samples below it are not recorded (CONFIG SET latency-monitor-threshold).\n";
  return out;
}

}  // namespace lumadb::protocol::resp

#include "common/metrics.h"

#include <cstdio>
#include <map>

namespace lumadb::metrics {

int ThreadSlot() {
  static std::atomic<int> next{0};
  thread_local int slot = next.fetch_add(1, std::memory_order_relaxed) % kSlots;
  return slot;
}

uint64_t Counter::Value() const {
  uint64_t v = 0;
  for (const auto& s : slots_) v += s.v.load(std::memory_order_relaxed);
  return v;
}

const double Histogram::kBoundsSeconds[kBuckets] = {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                                     0.0025,  0.005,    0.01,    0.05,   0.25,    1.0,    1e300};

void Histogram::ObserveNs(int64_t ns) {
  double s = ns / 1e9;
  int b = 0;
  while (b < kBuckets - 1 && s > kBoundsSeconds[b]) b++;
  Slot& slot = slots_[ThreadSlot()];
  slot.buckets[b].fetch_add(1, std::memory_order_relaxed);
  slot.sum_ns.fetch_add(static_cast<uint64_t>(ns), std::memory_order_relaxed);
}

void Histogram::Snapshot(uint64_t counts[kBuckets], double* sum_seconds, uint64_t* count) const {
  uint64_t sum = 0, total = 0;
  for (int b = 0; b < kBuckets; b++) counts[b] = 0;
  for (const auto& s : slots_) {
    for (int b = 0; b < kBuckets; b++) {
      uint64_t v = s.buckets[b].load(std::memory_order_relaxed);
      counts[b] += v;
      total += v;
    }
    sum += s.sum_ns.load(std::memory_order_relaxed);
  }
  *sum_seconds = sum / 1e9;
  *count = total;
}

Registry::Entry* Registry::Find(Kind kind, const std::string& name, const std::string& labels,
                                const std::string& help) {
  std::lock_guard<std::mutex> g(mu_);
  for (auto& e : entries_) {
    if (e->kind == kind && e->name == name && e->labels == labels) return e.get();
  }
  auto e = std::make_unique<Entry>();
  e->kind = kind;
  e->name = name;
  e->labels = labels;
  e->help = help;
  switch (kind) {
    case Kind::kCounter: e->counter = std::make_unique<Counter>(); break;
    case Kind::kGauge: e->gauge = std::make_unique<Gauge>(); break;
    case Kind::kHistogram: e->histogram = std::make_unique<Histogram>(); break;
  }
  entries_.push_back(std::move(e));
  return entries_.back().get();
}

Counter* Registry::GetCounter(const std::string& name, const std::string& labels, const std::string& help) {
  return Find(Kind::kCounter, name, labels, help)->counter.get();
}
Gauge* Registry::GetGauge(const std::string& name, const std::string& labels, const std::string& help) {
  return Find(Kind::kGauge, name, labels, help)->gauge.get();
}
Histogram* Registry::GetHistogram(const std::string& name, const std::string& labels, const std::string& help) {
  return Find(Kind::kHistogram, name, labels, help)->histogram.get();
}

void Registry::AddCollector(std::function<void(std::string*)> fn) {
  std::lock_guard<std::mutex> g(mu_);
  collectors_.push_back(std::move(fn));
}

namespace {
std::string Num(double v) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}
std::string WithLabels(const std::string& name, const std::string& labels, const std::string& extra = "") {
  std::string l = labels;
  if (!extra.empty()) l = l.empty() ? extra : l + "," + extra;
  return l.empty() ? name : name + "{" + l + "}";
}
}  // namespace

void AppendSample(std::string* out, const std::string& name, const std::string& type, const std::string& help,
                  const std::string& labels, double value) {
  *out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  *out += WithLabels(name, labels) + " " + Num(value) + "\n";
}

std::string Registry::RenderPrometheus() const {
  std::string out;
  std::vector<std::function<void(std::string*)>> collectors;
  {
    std::lock_guard<std::mutex> g(mu_);
    // Group samples by metric name so HELP/TYPE appear once per family.
    std::map<std::string, std::vector<const Entry*>> families;
    std::vector<std::string> order;
    for (const auto& e : entries_) {
      if (!families.count(e->name)) order.push_back(e->name);
      families[e->name].push_back(e.get());
    }
    for (const auto& name : order) {
      const auto& list = families[name];
      const Entry* first = list.front();
      const char* type = first->kind == Kind::kCounter ? "counter" : first->kind == Kind::kGauge ? "gauge" : "histogram";
      out += "# HELP " + name + " " + first->help + "\n# TYPE " + name + " " + type + "\n";
      for (const Entry* e : list) {
        switch (e->kind) {
          case Kind::kCounter: out += WithLabels(name, e->labels) + " " + std::to_string(e->counter->Value()) + "\n"; break;
          case Kind::kGauge: out += WithLabels(name, e->labels) + " " + std::to_string(e->gauge->Value()) + "\n"; break;
          case Kind::kHistogram: {
            uint64_t counts[Histogram::kBuckets];
            double sum;
            uint64_t count;
            e->histogram->Snapshot(counts, &sum, &count);
            uint64_t cum = 0;
            for (int b = 0; b < Histogram::kBuckets; b++) {
              cum += counts[b];
              std::string le = b == Histogram::kBuckets - 1 ? "+Inf" : Num(Histogram::kBoundsSeconds[b]);
              out += WithLabels(name + "_bucket", e->labels, "le=\"" + le + "\"") + " " + std::to_string(cum) + "\n";
            }
            out += WithLabels(name + "_sum", e->labels) + " " + Num(sum) + "\n";
            out += WithLabels(name + "_count", e->labels) + " " + std::to_string(count) + "\n";
            break;
          }
        }
      }
    }
    collectors = collectors_;
  }
  for (const auto& c : collectors) c(&out);
  return out;
}

Registry& Global() {
  static Registry* r = new Registry();
  return *r;
}

}  // namespace lumadb::metrics

#include "protocol/resp/command_stats.h"

#include <gtest/gtest.h>

#include "protocol/resp/latency_monitor.h"
#include "protocol/resp/slowlog.h"

namespace lumadb::protocol::resp {
namespace {

TEST(LatencyHistogram, HdrLayoutAsRedis) {
  // Values redis-server 7.0 reported: 3 us -> p50=3.007, 413 us -> 413.695.
  EXPECT_EQ(LatencyHistogram::HighestEquivalent(3000), 3007);
  EXPECT_EQ(LatencyHistogram::HighestEquivalent(413000), 413695);
  EXPECT_EQ(LatencyHistogram::HighestEquivalent(100), 100);
  for (int64_t v : {1, 255, 256, 1023, 1024, 5000, 123456, 999999999}) {
    int i = LatencyHistogram::IndexOf(v);
    EXPECT_LE(LatencyHistogram::LowestAt(i), v);
    EXPECT_GE(LatencyHistogram::HighestEquivalent(v), v);
    EXPECT_LT(i, LatencyHistogram::kCounts);
  }
}

TEST(LatencyHistogram, PercentilesAndCdf) {
  LatencyHistogram h;
  h.Record(10000);
  h.Record(20000);
  EXPECT_EQ(h.Total(), 2u);
  EXPECT_EQ(h.ValueAtPercentile(50), LatencyHistogram::HighestEquivalent(10000));
  EXPECT_EQ(h.ValueAtPercentile(99.9), LatencyHistogram::HighestEquivalent(20000));
  // redis-server's LATENCY HISTOGRAM for the same two calls: {16: 1, 33: 2}.
  auto cdf = h.CumulativeUsec();
  ASSERT_EQ(cdf.size(), 2u);
  EXPECT_EQ(cdf[0], (std::pair<int64_t, int64_t>(16, 1)));
  EXPECT_EQ(cdf[1], (std::pair<int64_t, int64_t>(33, 2)));
  h.Record(0);  // clamped to 1 ns
  h.Record(int64_t{1} << 40);  // clamped to 1 s
  EXPECT_EQ(h.Total(), 4u);
  EXPECT_EQ(h.CumulativeUsec().back().second, 4);
  h.Reset();
  EXPECT_EQ(h.Total(), 0u);
  EXPECT_TRUE(h.CumulativeUsec().empty());
}

TEST(CommandStats, RecordsCallsAndErrors) {
  CommandStats s;
  s.RecordCall(5, false, false);
  EXPECT_EQ(s.histogram(), nullptr);
  s.RecordCall(7, true, true);
  EXPECT_EQ(s.calls.load(), 2u);
  EXPECT_EQ(s.usec.load(), 12u);
  EXPECT_EQ(s.failed.load(), 1u);
  ASSERT_NE(s.histogram(), nullptr);
  EXPECT_EQ(s.histogram()->Total(), 1u);
  s.Reset();
  EXPECT_EQ(s.calls.load(), 0u);
}

TEST(ErrorStats, PrefixAsRedis) {
  EXPECT_EQ(ErrorStats::Prefix("WRONGTYPE Operation against a key"), "WRONGTYPE");
  EXPECT_EQ(ErrorStats::Prefix("NOAUTH Authentication required."), "NOAUTH");
  EXPECT_EQ(ErrorStats::Prefix("nospace"), "ERR");
  EXPECT_EQ(ErrorStats::Prefix(std::string(40, 'x') + " y"), "ERR");
  ErrorStats e;
  e.Record("ERR a");
  e.Record("ERR b");
  e.Record("WRONGTYPE c");
  auto snap = e.Snapshot();
  EXPECT_EQ(snap["ERR"], 2u);
  EXPECT_EQ(snap["WRONGTYPE"], 1u);
}

TEST(SlowLog, TrimsAsRedis) {
  std::vector<std::string> storage;
  for (int i = 0; i < 42; i++) storage.push_back(std::to_string(i));
  std::vector<std::string_view> args(storage.begin(), storage.end());
  auto t = SlowLog::TrimArgs(args, {});
  ASSERT_EQ(t.size(), 32u);
  EXPECT_EQ(t[30], "30");
  EXPECT_EQ(t[31], "... (11 more arguments)");
  std::string big(300, 'x');
  t = SlowLog::TrimArgs({"set", "k", big}, {});
  EXPECT_EQ(t[2], std::string(128, 'x') + "... (172 more bytes)");
  t = SlowLog::TrimArgs({"config", "set", "requirepass", "pw"}, {3});
  EXPECT_EQ(t[3], "(redacted)");
}

TEST(SlowLog, KeepsNewestWithinMaxLen) {
  SlowLog log;
  EXPECT_FALSE(log.ShouldLog(5));
  log.set_threshold_us(0);
  EXPECT_TRUE(log.ShouldLog(0));
  log.set_max_len(2);
  for (int i = 0; i < 3; i++) log.Add({"get", std::to_string(i)}, {}, i, "1.2.3.4:5", "n");
  EXPECT_EQ(log.Len(), 2u);
  auto e = log.Get(-1);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].id, 2);
  EXPECT_EQ(e[0].args[1], "2");
  EXPECT_EQ(e[1].id, 1);
  EXPECT_EQ(log.Get(1).size(), 1u);
  log.set_threshold_us(-1);
  EXPECT_FALSE(log.ShouldLog(1000000));
  log.Reset();
  EXPECT_EQ(log.Len(), 0u);
}

TEST(LatencyMonitor, OneSamplePerSecond) {
  LatencyMonitor m;
  m.AddIfNeeded("command", 100);
  EXPECT_TRUE(m.LatestSamples().empty());  // disabled
  m.Add("command", 10, 1000);
  m.Add("command", 30, 1000);  // same second: raises it
  m.Add("command", 5, 1001);
  std::vector<LatencyMonitor::Sample> h;
  ASSERT_TRUE(m.History("command", &h));
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].latency_ms, 30);
  EXPECT_EQ(h[1].latency_ms, 5);
  auto latest = m.LatestSamples();
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest[0].latency_ms, 5);
  EXPECT_EQ(latest[0].max_ms, 30);
  std::string g = m.Graph("command", 1002);
  EXPECT_EQ(g.rfind("command - high 30 ms, low 5 ms (all time high 30 ms)\n", 0), 0u);
  EXPECT_NE(g.find("#"), std::string::npos);
  EXPECT_NE(m.Doctor().find("1. command: 2 latency spikes"), std::string::npos);
  EXPECT_EQ(m.Reset({"nosuch"}), 0);
  EXPECT_EQ(m.Reset({}), 1);
  EXPECT_NE(m.Doctor().find("Latency monitoring is disabled"), std::string::npos);
}

TEST(TrimmedDouble, AsRedisPrintsPercentiles) {
  EXPECT_EQ(TrimmedDouble(50), "50");
  EXPECT_EQ(TrimmedDouble(99.9), "99.9");
  EXPECT_EQ(TrimmedDouble(99.99), "99.99");
}

}  // namespace
}  // namespace lumadb::protocol::resp

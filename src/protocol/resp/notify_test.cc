#include "protocol/resp/notify.h"

#include <gtest/gtest.h>

#include "protocol/resp/testing.h"

namespace lumadb::protocol::resp {
namespace {

TEST(KeyspaceEvents, ParsesEveryClassLetter) {
  EXPECT_EQ(ParseKeyspaceEvents(""), 0);
  EXPECT_EQ(ParseKeyspaceEvents("K"), kNotifyKeyspace);
  EXPECT_EQ(ParseKeyspaceEvents("E"), kNotifyKeyevent);
  EXPECT_EQ(ParseKeyspaceEvents("g$lshzxetmdn"),
            kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash | kNotifyZSet | kNotifyExpired |
                kNotifyEvicted | kNotifyStream | kNotifyKeyMiss | kNotifyModule | kNotifyNew);
  // A is every class but m and n, and neither K nor E.
  EXPECT_EQ(ParseKeyspaceEvents("A"), kNotifyAll);
  EXPECT_EQ(ParseKeyspaceEvents("A") & (kNotifyKeyMiss | kNotifyNew | kNotifyKeyspace | kNotifyKeyevent), 0);
  EXPECT_EQ(ParseKeyspaceEvents("KEA"), kNotifyAll | kNotifyKeyspace | kNotifyKeyevent);
  EXPECT_EQ(ParseKeyspaceEvents("AAKK"), ParseKeyspaceEvents("AK"));
}

TEST(KeyspaceEvents, RejectsUnknownCharacters) {
  for (const char* bad : {"Q", "KEA ", "a", "k", "Ex x", "KE*", "\t"}) {
    EXPECT_EQ(ParseKeyspaceEvents(bad), -1) << bad;
  }
}

TEST(KeyspaceEvents, PrintsLikeRedis) {
  // Each pair was checked against redis-server 7.0.15's CONFIG GET.
  const std::pair<const char*, const char*> kCases[] = {
      {"", ""},           {"KEA", "AKE"},    {"A", "A"},         {"Ex", "xE"},
      {"Kl", "lK"},       {"Eg$", "g$E"},    {"KEAmn", "AKEm"},  {"Kgzlsh$xetmdn", "AKm"},
      {"g$lshzxetdn", "A"}, {"n", "n"},      {"nK", "nK"},       {"mE", "Em"},
      {"Am", "Am"},       {"An", "A"},       {"eK", "eK"},       {"KEd", "dKE"},
      {"gA", "A"},        {"ExE", "xE"},     {"Kgzlsh$xetmd", "AKm"}, {"tzhslg$", "g$lshzt"},
  };
  for (const auto& [in, out] : kCases) {
    int flags = ParseKeyspaceEvents(in);
    ASSERT_GE(flags, 0) << in;
    EXPECT_EQ(KeyspaceEventsToString(flags), out) << in;
  }
}

TEST(KeyspaceEvents, ConfigSetAndGet) {
  using T = RespTester;
  RespTester t;
  EXPECT_EQ(t.Cmd({"CONFIG", "GET", "notify-keyspace-events"}), T::BulkArr({"notify-keyspace-events", ""}));
  EXPECT_EQ(t.Cmd({"CONFIG", "SET", "notify-keyspace-events", "KEA"}), T::Ok());
  EXPECT_EQ(t.server().notify_flags(), kNotifyAll | kNotifyKeyspace | kNotifyKeyevent);
  EXPECT_EQ(t.Cmd({"CONFIG", "GET", "notify-keyspace-events"}), T::BulkArr({"notify-keyspace-events", "AKE"}));
  EXPECT_EQ(t.Cmd({"CONFIG", "SET", "notify-keyspace-events", "Q"}),
            T::Err("ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event "
                   "class character. Use 'Ag$lshzxeKEtmdn'."));
  // A failed CONFIG SET changes nothing, including the settings before the bad one.
  EXPECT_EQ(t.Cmd({"CONFIG", "SET", "notify-keyspace-events", "Ex", "lua-time-limit", "x"}),
            T::Err("ERR CONFIG SET failed (possibly related to argument 'lua-time-limit') - argument couldn't be "
                   "parsed into an integer"));
  EXPECT_EQ(t.Cmd({"CONFIG", "GET", "notify-keyspace-events"}), T::BulkArr({"notify-keyspace-events", "AKE"}));
  EXPECT_EQ(t.Cmd({"CONFIG", "SET", "notify-keyspace-events", "Ex", "notify-keyspace-events", "Kl"}),
            T::Err("ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - duplicate "
                   "parameter"));
  EXPECT_EQ(t.Cmd({"CONFIG", "SET", "notify-keyspace-events", "Ex", "extra"}), T::Err("ERR syntax error"));
  EXPECT_EQ(t.Cmd({"CONFIG", "SET", "notify-keyspace-events", ""}), T::Ok());
  EXPECT_EQ(t.server().notify_flags(), 0);
}

TEST(KeyspaceEvents, StartsFromTheConfiguredValue) {
  RespConfig config;
  config.notify_keyspace_events = ParseKeyspaceEvents("Elg");
  RespTester t(config);
  EXPECT_EQ(t.Cmd({"CONFIG", "GET", "notify-keyspace-events"}),
            RespTester::BulkArr({"notify-keyspace-events", "glE"}));
}

}  // namespace
}  // namespace lumadb::protocol::resp

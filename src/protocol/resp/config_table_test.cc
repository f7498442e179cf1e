#include "protocol/resp/config_table.h"

#include <gtest/gtest.h>

#include "protocol/resp/scripting/script_engine.h"
#include "protocol/resp/testing.h"

namespace lumadb::protocol::resp {
namespace {

std::string Parse(std::string_view name, std::string_view value, std::string current = "") {
  const ConfigParam* p = FindConfigParam(name);
  EXPECT_NE(p, nullptr) << name;
  if (p == nullptr) return "<unknown>";
  std::string out, err;
  if (current.empty()) current = p->default_value;
  if (!ParseConfigValue(*p, value, current, &out, &err)) return "ERR " + err;
  return out;
}

TEST(ConfigTable, NamesAndAliases) {
  bool alias = true;
  const ConfigParam* p = FindConfigParam("HASH-MAX-ZIPLIST-ENTRIES", &alias);
  ASSERT_NE(p, nullptr);
  EXPECT_STREQ(p->name, "hash-max-listpack-entries");
  EXPECT_TRUE(alias);
  EXPECT_EQ(FindConfigParam("lua-time-limit"), FindConfigParam("busy-reply-threshold"));
  EXPECT_EQ(FindConfigParam("slaveof"), FindConfigParam("replicaof"));
  EXPECT_EQ(FindConfigParam("nosuch"), nullptr);
  // 7.0.15's CONFIG GET * lists 192 names: primaries and aliases, hidden ones excluded.
  size_t listed = 0;
  for (const ConfigParam& c : ConfigParams()) {
    if (c.flags & kConfigHidden) continue;
    listed += c.alias ? 2 : 1;
  }
  EXPECT_EQ(listed, 192u);
}

TEST(ConfigTable, Bool) {
  EXPECT_EQ(Parse("activerehashing", "YES"), "yes");
  EXPECT_EQ(Parse("activerehashing", "No"), "no");
  EXPECT_EQ(Parse("activerehashing", "1"), "ERR argument must be 'yes' or 'no'");
}

TEST(ConfigTable, Integers) {
  EXPECT_EQ(Parse("hz", "abc"), "ERR argument couldn't be parsed into an integer");
  EXPECT_EQ(Parse("hz", "-1"), "ERR argument must be between 0 and 2147483647 inclusive");
  EXPECT_EQ(Parse("hz", "20"), "20");
  EXPECT_EQ(Parse("hz", "+5"), "ERR argument couldn't be parsed into an integer");
  EXPECT_EQ(Parse("list-max-listpack-size", "-5"), "-5");
  EXPECT_EQ(Parse("slowlog-log-slower-than", "-1"), "-1");
  EXPECT_EQ(Parse("slowlog-log-slower-than", "-2"),
            "ERR argument must be between -1 and 9223372036854775807 inclusive");
  // Unsigned types compare unsigned: -1 is huge.
  EXPECT_EQ(Parse("hash-max-listpack-entries", "-1"),
            "ERR argument must be between 0 and 9223372036854775807 inclusive");
  EXPECT_EQ(Parse("maxclients", "0"), "ERR argument must be between 1 and 4294967295 inclusive");
}

TEST(ConfigTable, Memory) {
  EXPECT_EQ(Parse("maxmemory", "1kb"), "1024");
  EXPECT_EQ(Parse("maxmemory", "1K"), "1000");
  EXPECT_EQ(Parse("maxmemory", "2gB"), "2147483648");
  EXPECT_EQ(Parse("maxmemory", "3m"), "3000000");
  EXPECT_EQ(Parse("maxmemory", ""), "0");
  EXPECT_EQ(Parse("maxmemory", "18446744073709551616"), "18446744073709551615");
  EXPECT_EQ(Parse("maxmemory", "-1"), "ERR argument must be a memory value");
  EXPECT_EQ(Parse("maxmemory", "1.5gb"), "ERR argument must be a memory value");
  EXPECT_EQ(Parse("proto-max-bulk-len", "100"),
            "ERR argument must be between 1048576 and 9223372036854775807 inclusive");
  EXPECT_EQ(Parse("hash-max-listpack-value", "1k"), "1000");
  uint64_t v;
  EXPECT_TRUE(ParseRedisMemory("64KB", &v));
  EXPECT_EQ(v, 65536u);
  EXPECT_FALSE(ParseRedisMemory(" 5", &v));
  EXPECT_EQ(FormatRedisMemory(512ull << 20), "512mb");
  EXPECT_EQ(FormatRedisMemory(3 << 10), "3kb");
  EXPECT_EQ(FormatRedisMemory(1000), "1000");
  EXPECT_EQ(FormatRedisMemory(0), "0");
}

TEST(ConfigTable, Percent) {
  EXPECT_EQ(Parse("maxmemory-clients", "10%"), "10%");
  EXPECT_EQ(Parse("maxmemory-clients", "200%"), "ERR percentage argument must be less or equal to 100");
  EXPECT_EQ(Parse("maxmemory-clients", "-1"), "ERR argument must be a memory or percent value");
  EXPECT_EQ(Parse("maxmemory-clients", "1mb"), "1048576");
}

TEST(ConfigTable, Octal) {
  EXPECT_EQ(Parse("unixsocketperm", "700"), "700");
  EXPECT_EQ(Parse("unixsocketperm", "8"), "ERR argument couldn't be parsed as an octal number");
  EXPECT_EQ(Parse("unixsocketperm", "1000"), "ERR argument must be between 0 and 777 inclusive");
}

TEST(ConfigTable, Enums) {
  EXPECT_EQ(Parse("maxmemory-policy", "ALLKEYS-LRU"), "allkeys-lru");
  EXPECT_EQ(Parse("appendfsync", "x"), "ERR argument(s) must be one of the following: everysec, always, no");
  EXPECT_EQ(Parse("oom-score-adj", "relative"), "yes");  // the first name of that value
  EXPECT_EQ(Parse("shutdown-on-sigint", "now save"), "save now");
  EXPECT_EQ(Parse("shutdown-on-sigint", "default"), "default");
  EXPECT_EQ(Parse("shutdown-on-sigint", "save nosave"),
            "ERR shutdown options SAVE and NOSAVE can't be used simultaneously");
}

TEST(ConfigTable, Specials) {
  EXPECT_EQ(Parse("save", "100 10 200 20"), "100 10 200 20");
  EXPECT_EQ(Parse("save", ""), "");
  EXPECT_EQ(Parse("save", "100"), "ERR Invalid save parameters");
  EXPECT_EQ(Parse("save", "0 1"), "ERR Invalid save parameters");
  EXPECT_EQ(Parse("client-output-buffer-limit", "pubsub 1mb 2mb 3"),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2097152 3");
  EXPECT_EQ(Parse("client-output-buffer-limit", "replica 1 2 3"),
            "normal 0 0 0 slave 1 2 3 pubsub 33554432 8388608 60");
  EXPECT_EQ(Parse("client-output-buffer-limit", "master 1 2 3"),
            "ERR Invalid client class specified in buffer limit configuration.");
  EXPECT_EQ(Parse("client-output-buffer-limit", "normal 1 2"),
            "ERR Wrong number of arguments in buffer limit configuration.");
  EXPECT_EQ(Parse("oom-score-adj-values", "1 2"), "ERR wrong number of arguments");
  EXPECT_EQ(Parse("oom-score-adj-values", "-5 0 2000"), "-5 0 2000");
  EXPECT_EQ(Parse("notify-keyspace-events", "KEA"), "AKE");
  EXPECT_EQ(Parse("notify-keyspace-events", "Exn"), "xnE");
  // Stored with its `n`; CONFIG GET shows "AKEm" (test_diff_notify.py compares that with redis-server).
  EXPECT_EQ(Parse("notify-keyspace-events", "Ag$lshzxetdKEmn"), "AKEmn");
  EXPECT_EQ(Parse("notify-keyspace-events", "Q"), "ERR Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  EXPECT_EQ(Parse("latency-tracking-info-percentiles", "50 99.99 100"), "50 99.99 100");
  EXPECT_EQ(Parse("latency-tracking-info-percentiles", "101"),
            "ERR latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
  EXPECT_EQ(Parse("bind", "127.0.0.1 ::1"), "127.0.0.1 ::1");
  EXPECT_EQ(Parse("dir", "/nonexistent/dir"), "ERR No such file or directory");
}

TEST(ConfigStore, SetIsAtomicAndAnswersAsRedis) {
  ConfigStore s;
  EXPECT_EQ(s.Set(nullptr, {{"maxmemory", "5mb"}, {"hz", "x"}}),
            "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer");
  EXPECT_EQ(s.Get("maxmemory"), "0");
  EXPECT_EQ(s.Set(nullptr, {{"maxmemory", "1"}, {"foo", "2"}}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  EXPECT_EQ(s.Set(nullptr, {{"hz", "5"}, {"HZ", "6"}}),
            "ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter");
  EXPECT_EQ(s.Set(nullptr, {{"io-threads", "2"}}),
            "ERR CONFIG SET failed (possibly related to argument 'io-threads') - can't set immutable config");
  EXPECT_EQ(s.Set(nullptr, {{"dir", "/tmp"}}),
            "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
  // Apply hooks: hz is capped as Redis caps it; a failing hook rolls back.
  EXPECT_EQ(s.Set(nullptr, {{"hz", "1000"}, {"maxmemory", "2kb"}}), "");
  EXPECT_EQ(s.Get("hz"), "500");
  EXPECT_EQ(s.Get("maxmemory"), "2048");
  EXPECT_EQ(s.Set(nullptr, {{"maxmemory", "1"}, {"tls-port", "6380"}}),
            "ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to update TLS configuration. "
            "Check server logs.");
  EXPECT_EQ(s.Get("maxmemory"), "2048");
  EXPECT_EQ(s.Get("tls-port"), "0");
  // Aliases answer under the name asked; patterns list both names.
  EXPECT_EQ(s.Set(nullptr, {{"hash-max-ziplist-entries", "300"}}), "");
  auto m = s.Match({"hash-max-*-entries", "HZ"});
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0], (std::pair<std::string, std::string>("hash-max-listpack-entries", "300")));
  EXPECT_EQ(m[1], (std::pair<std::string, std::string>("hash-max-ziplist-entries", "300")));
  EXPECT_EQ(m[2], (std::pair<std::string, std::string>("HZ", "500")));
  EXPECT_TRUE(s.Match({"watchdog*"}).empty());  // hidden from patterns
  EXPECT_EQ(s.Match({"watchdog-period"}).size(), 1u);
}

TEST(ConfigStore, RewriteItemsUseLumaSyntax) {
  ConfigStore s;
  ASSERT_EQ(s.Set(nullptr, {{"proto-max-bulk-len", "64mb"}, {"appendfsync", "no"}, {"loglevel", "warning"}}), "");
  std::map<std::string, std::pair<std::string, bool>> items;
  for (const auto& it : s.RewriteItems()) items[it.option] = {it.value, it.force};
  EXPECT_EQ(items["proto-max-bulk-len"], (std::pair<std::string, bool>("64mb", true)));
  EXPECT_EQ(items["durability"], (std::pair<std::string, bool>("none", true)));
  EXPECT_EQ(items["log-level"], (std::pair<std::string, bool>("warn", true)));
  EXPECT_EQ(items["max-connections"], (std::pair<std::string, bool>("10000", false)));
}

TEST(ConfigCommand, HooksReachTheServer) {
  RespTester t;
  EXPECT_EQ(t.Cmd({"CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "3"}), RespTester::Ok());
  EXPECT_EQ(t.server().slowlog().threshold_us(), 0);
  EXPECT_EQ(t.Cmd({"CONFIG", "SET", "busy-reply-threshold", "1234"}), RespTester::Ok());
  EXPECT_EQ(t.server().scripts().busy_threshold_ms(), 1234);
  EXPECT_EQ(t.Cmd({"CONFIG", "SET", "hash-max-listpack-entries", "3"}), RespTester::Ok());
  EXPECT_EQ(t.server().encoding().hash_max_listpack_entries.load(), 3);
  t.Cmd({"HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"});
  EXPECT_EQ(t.Cmd({"OBJECT", "ENCODING", "h"}), RespTester::Bulk("hashtable"));
  EXPECT_EQ(t.Cmd({"CONFIG", "SET", "requirepass", "pw"}), RespTester::Ok());
  EXPECT_EQ(t.server().config().requirepass, "pw");
  EXPECT_EQ(t.Cmd({"CONFIG", "SET", "latency-monitor-threshold", "5"}), RespTester::Ok());
  EXPECT_EQ(t.server().latency_monitor().threshold_ms(), 5);
}

}  // namespace
}  // namespace lumadb::protocol::resp

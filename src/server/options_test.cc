#include "server/options.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace lumadb::server {
namespace {

TEST(ServeOptions, WorkersDefaultToOnePerCoreButOne) {
  EXPECT_EQ(WorkerCount(0, 2), 1);
  EXPECT_EQ(WorkerCount(0, 8), 7);
  EXPECT_EQ(WorkerCount(0, 1), 1);
  EXPECT_EQ(WorkerCount(0, 0), 1);  // hardware_concurrency() unknown
  EXPECT_EQ(WorkerCount(3, 2), 3);  // --workers wins
}

TEST(ServeOptions, FlagsOverrideConfigFile) {
  std::string path = testing::TempDir() + "/lumadb-options-test.conf";
  {
    std::ofstream f(path);
    f << "# comment\ndata-dir = \"/tmp/x\"\nport.redis = 7000\ndurability = always\ndisable = memcached\n";
  }
  auto o = ParseServeArgs({"--config", path, "--port", "redis=7001", "--durability=none"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->data_dir, "/tmp/x");
  EXPECT_EQ(o->ports.at("redis"), 7001);
  EXPECT_EQ(o->durability, "none");
  EXPECT_TRUE(o->disabled.count("memcached"));
  std::remove(path.c_str());
}

TEST(ServeOptions, ErrorsNameTheCulprit) {
  auto msg = [](std::vector<std::string> args) { return ParseServeArgs(args).status().message(); };
  EXPECT_EQ(msg({"--bogus"}), "unknown flag '--bogus' (see lumadb --help)");
  EXPECT_NE(msg({"--port", "redis=0"}).find("bad port '0' for redis"), std::string::npos);
  EXPECT_NE(msg({"--port", "nope=1"}).find("unknown protocol 'nope'"), std::string::npos);
  EXPECT_NE(msg({"--workers", "x"}).find("bad value 'x' for workers"), std::string::npos);
  EXPECT_NE(msg({"--config", "/nonexistent/lumadb.conf"}).find("/nonexistent/lumadb.conf"), std::string::npos);
  EXPECT_EQ(msg({"--data-dir"}), "--data-dir needs a value");
  std::string path = testing::TempDir() + "/lumadb-bad.conf";
  {
    std::ofstream f(path);
    f << "data-dir = /tmp\nwhat = ever\n";
  }
  EXPECT_EQ(msg({"--config", path}), path + ":2: unknown config key 'what'");
  std::remove(path.c_str());
}


TEST(ServeOptions, NotifyKeyspaceEventsFromFlagAndFile) {
  EXPECT_EQ(ParseServeArgs({})->notify_keyspace_events, "");
  auto o = ParseServeArgs({"--notify-keyspace-events", "KEA"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->notify_keyspace_events, "KEA");
  std::string path = testing::TempDir() + "/lumadb-notify-test.conf";
  {
    std::ofstream f(path);
    f << "notify-keyspace-events = \"Ex\"\n";
  }
  o = ParseServeArgs({"--config", path});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->notify_keyspace_events, "Ex");
  o = ParseServeArgs({"--config", path, "--notify-keyspace-events="});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->notify_keyspace_events, "");
  std::remove(path.c_str());
  EXPECT_EQ(ParseServeArgs({"--notify-keyspace-events", "KEQ"}).status().message(),
            "--notify-keyspace-events: bad notify-keyspace-events 'KEQ' (want letters of Ag$lshzxeKEtmdn)");
}
}  // namespace
}  // namespace lumadb::server

namespace lumadb::server {
namespace {

TEST(ServeOptions, ExampleConfigParsesToDefaults) {
  auto o = ParseServeArgs({"--config", std::string(LUMADB_SOURCE_DIR) + "/lumadb.example.conf"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  ServeOptions d;
  EXPECT_EQ(o->data_dir, d.data_dir);
  EXPECT_EQ(o->bind, d.bind);
  EXPECT_EQ(o->durability, d.durability);
  EXPECT_EQ(o->ports.at("redis"), 6379);
  EXPECT_EQ(o->ports.at("memcached"), 11211);
  EXPECT_EQ(o->ports.at("admin"), 9600);
  EXPECT_EQ(o->memcached_max_item_size, d.memcached_max_item_size);
  EXPECT_EQ(o->proto_max_bulk_len, d.proto_max_bulk_len);
  EXPECT_EQ(o->notify_keyspace_events, d.notify_keyspace_events);
  EXPECT_EQ(o->maxmemory, d.maxmemory);
  EXPECT_EQ(o->block_cache_size, d.block_cache_size);
  EXPECT_EQ(o->maxmemory_policy, d.maxmemory_policy);
  EXPECT_TRUE(o->disabled.empty());
  EXPECT_EQ(o->aclfile, d.aclfile);
  EXPECT_EQ(o->acl_pubsub_default_all, d.acl_pubsub_default_all);
  EXPECT_EQ(o->acllog_max_len, d.acllog_max_len);
}

TEST(ServeOptions, AclOptions) {
  auto o = ParseServeArgs({"--aclfile", "/tmp/users.acl", "--acl-pubsub-default", "allchannels", "--acllog-max-len=5"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->aclfile, "/tmp/users.acl");
  EXPECT_TRUE(o->acl_pubsub_default_all);
  EXPECT_EQ(o->acllog_max_len, 5u);
  auto bad = ParseServeArgs({"--acl-pubsub-default", "some"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("allchannels or resetchannels"), std::string::npos);
}

TEST(ServeOptions, MaxmemoryFromFlagAndFile) {
  ServeOptions d;
  EXPECT_EQ(d.maxmemory, 0u);
  EXPECT_EQ(d.maxmemory_policy, "noeviction");
  std::string path = testing::TempDir() + "/lumadb-maxmemory-test.conf";
  {
    std::ofstream f(path);
    f << "maxmemory = 100mb\nmaxmemory-policy = allkeys-lru\n";
  }
  auto o = ParseServeArgs({"--config", path});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->maxmemory, 100ull << 20);
  EXPECT_EQ(o->maxmemory_policy, "allkeys-lru");
  o = ParseServeArgs({"--config", path, "--maxmemory", "0", "--maxmemory-policy=volatile-ttl"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->maxmemory, 0u);
  EXPECT_EQ(o->maxmemory_policy, "volatile-ttl");
  std::remove(path.c_str());
  EXPECT_EQ(ParseServeArgs({"--maxmemory", "lots"}).status().message(),
            "--maxmemory: bad size 'lots' for maxmemory");
  EXPECT_NE(ParseServeArgs({"--maxmemory-policy", "allkeys-lfu2"}).status().message().find(
                "bad maxmemory-policy 'allkeys-lfu2'"),
            std::string::npos);
}

TEST(ServeOptions, BlockCacheSize) {
  auto o = ParseServeArgs({"--block-cache-size", "1g"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->block_cache_size, 1ull << 30);
  EXPECT_EQ(ParseServeArgs({"--block-cache-size", "4k"}).status().message(),
            "--block-cache-size: block-cache-size must be at least 1mb");
}

}  // namespace
}  // namespace lumadb::server

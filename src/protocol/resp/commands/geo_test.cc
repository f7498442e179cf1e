#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp/command.h"
#include "protocol/resp/testing.h"

namespace lumadb::protocol::resp {
namespace {

using T = RespTester;

const CommandSpec& Spec(std::string_view name) {
  for (const CommandSpec& s : GeoCommands()) {
    if (s.name == name) return s;
  }
  ADD_FAILURE() << "no command " << name;
  return GeoCommands()[0];
}

std::vector<std::string> Keys(std::string_view name, const std::vector<std::string_view>& args) {
  const CommandSpec& s = Spec(name);
  std::vector<size_t> idx;
  EXPECT_NE(s.key_finder, nullptr);
  EXPECT_TRUE(s.key_finder(args, &idx));
  std::vector<std::string> out;
  for (size_t i : idx) out.emplace_back(args[i]);
  return out;
}

TEST(GeoCommands, StoreKeysAreLocked) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Keys("georadius", {"georadius", "k", "0", "0", "1", "km"}), V{"k"});
  EXPECT_EQ(Keys("georadius", {"georadius", "k", "0", "0", "1", "km", "STORE", "d"}), (V{"k", "d"}));
  EXPECT_EQ(Keys("georadius", {"georadius", "k", "0", "0", "1", "km", "storedist", "a", "store", "b"}),
            (V{"k", "b", "a"}));
  // The handler writes the last destination; COMMAND GETKEYS (Redis's key
  // specs) names only the first of each keyword, so it is added for locking.
  EXPECT_EQ(Keys("georadius", {"georadius", "k", "0", "0", "1", "km", "STORE", "a", "STORE", "b"}),
            (V{"k", "a", "b"}));
  EXPECT_EQ(Keys("georadius", {"georadius", "k", "0", "0", "1", "km", "COUNT", "STORE"}), V{"k"});
  EXPECT_EQ(Keys("georadiusbymember", {"georadiusbymember", "k", "m", "1", "km", "STORE", "d"}), (V{"k", "d"}));
  EXPECT_EQ(Keys("georadiusbymember", {"georadiusbymember", "k", "m", "1", "STORE", "d"}), V{"k"});
  EXPECT_EQ(Spec("georadius_ro").key_finder, nullptr);
  EXPECT_EQ(Spec("geosearchstore").first_key, 1);
  EXPECT_EQ(Spec("geosearchstore").last_key, 2);
}

TEST(GeoCommands, StoreIntoAnotherShard) {
  RespTester t;
  EXPECT_EQ(t.Cmd({"GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"}),
            T::Int(2));
  // Destinations picked to land on other shards than the source.
  std::vector<std::string> dests;
  for (int i = 0; dests.size() < 3; i++) {
    std::string d = "dest" + std::to_string(i);
    if (engine::kv::Store::ShardOf(d) != engine::kv::Store::ShardOf("Sicily")) dests.push_back(d);
  }
  EXPECT_EQ(t.Cmd({"GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", dests[0]}), T::Int(2));
  EXPECT_EQ(t.Cmd({"ZRANGE", dests[0], "0", "-1", "WITHSCORES"}),
            T::BulkArr({"Palermo", "3479099956230698", "Catania", "3479447370796909"}));
  EXPECT_EQ(t.Cmd({"GEORADIUSBYMEMBER", "Sicily", "Palermo", "100", "km", "STORE", "x", "STOREDIST", dests[1]}),
            T::Int(1));
  EXPECT_EQ(t.Cmd({"ZRANGE", dests[1], "0", "-1", "WITHSCORES"}), T::BulkArr({"Palermo", "0"}));
  EXPECT_EQ(t.Cmd({"GEOSEARCHSTORE", dests[2], "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "400", "400", "km",
                   "STOREDIST", "COUNT", "1", "DESC"}),
            T::Int(1));
  EXPECT_EQ(t.Cmd({"ZRANGE", dests[2], "0", "-1", "WITHSCORES"}), T::BulkArr({"Catania", "166.27415156960032"}));
}

TEST(GeoCommands, Resp2AndResp3Shapes) {
  RespTester t;
  t.Cmd({"GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"});
  EXPECT_EQ(t.Cmd({"GEOPOS", "Sicily", "Palermo", "nope"}),
            "*2\r\n*2\r\n" + T::Bulk("13.36138933897018433") + T::Bulk("38.11555639549629859") + "*-1\r\n");
  EXPECT_EQ(t.Cmd({"GEODIST", "Sicily", "Palermo", "Catania", "km"}), T::Bulk("166.2742"));
  EXPECT_EQ(t.Cmd({"GEORADIUS", "Sicily", "15", "37", "100", "km", "WITHDIST", "WITHHASH", "WITHCOORD"}),
            "*1\r\n*4\r\n" + T::Bulk("Catania") + T::Bulk("56.4413") + T::Int(3479447370796909) + "*2\r\n" +
                T::Bulk("15.08726745843887329") + T::Bulk("37.50266842333162032"));
  t.Cmd({"HELLO", "3"});
  EXPECT_EQ(t.Cmd({"GEOPOS", "Sicily", "Palermo", "nope"}),
            "*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n");
  EXPECT_EQ(t.Cmd({"GEODIST", "Sicily", "Palermo", "nope"}), "_\r\n");
  EXPECT_EQ(t.Cmd({"GEOHASH", "Sicily", "Palermo", "nope"}), "*2\r\n" + T::Bulk("sqc8b49rny0") + "_\r\n");
}

TEST(GeoCommands, Errors) {
  RespTester t;
  EXPECT_EQ(t.Cmd({"GEOADD", "k", "200", "100", "x"}),
            T::Err("ERR invalid longitude,latitude pair 200.000000,100.000000"));
  EXPECT_EQ(t.Cmd({"GEOADD", "k", "NX", "XX", "1", "1", "x"}), T::Err("ERR syntax error"));
  EXPECT_EQ(t.Cmd({"GEOADD", "k", "1", "1"}), T::Err("ERR wrong number of arguments for 'geoadd' command"));
  EXPECT_EQ(t.Cmd({"GEODIST", "k", "a", "b", "parsec"}),
            T::Err("ERR unsupported unit provided. please use M, KM, FT, MI"));
  EXPECT_EQ(t.Cmd({"GEORADIUS", "k", "1", "1", "-1", "km"}), T::Err("ERR radius cannot be negative"));
  EXPECT_EQ(t.Cmd({"geosearch", "k", "BYRADIUS", "1", "km", "ASC", "WITHDIST"}),
            T::Err("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch"));
  EXPECT_EQ(t.Cmd({"GEOSEARCH", "k", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "ANY"}),
            T::Err("ERR the ANY argument requires COUNT argument"));
  EXPECT_EQ(t.Cmd({"GEORADIUS_RO", "k", "1", "1", "1", "km", "STORE", "d"}), T::Err("ERR syntax error"));
  t.Cmd({"SET", "s", "x"});
  EXPECT_EQ(t.Cmd({"GEORADIUS", "s", "200", "1", "x", "km"}), T::Err(kErrWrongType));
}

}  // namespace
}  // namespace lumadb::protocol::resp

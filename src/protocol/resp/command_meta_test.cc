#include "protocol/resp/command_meta.h"

#include <gtest/gtest.h>

#include "protocol/resp/testing.h"

namespace lumadb::protocol::resp {
namespace {

TEST(CommandMeta, ParsesRedisData) {
  const CommandMeta* get = FindCommandMeta("GET");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->arity, 2);
  ASSERT_EQ(get->key_specs.size(), 1u);
  EXPECT_EQ(get->key_specs[0].flags, (std::vector<std::string>{"RO", "access"}));
  const RespNode* summary = get->docs.Find("summary");
  ASSERT_NE(summary, nullptr);
  EXPECT_EQ(summary->str, "Get the value of a key");
  const CommandMeta* cg = FindCommandMeta("config|GET");
  ASSERT_NE(cg, nullptr);
  EXPECT_EQ(cg->name, "config|get");
  EXPECT_EQ(cg->arity, -3);
  EXPECT_NE(cg->docs.Find("arguments"), nullptr);
  EXPECT_EQ(FindCommandMeta("nosuch"), nullptr);
  EXPECT_EQ(FindCommandMeta("config|nosuch"), nullptr);
}

TEST(CommandMeta, TreeRoundTrip) {
  RespNode n;
  ASSERT_TRUE(ParseRespTree("%2\r\n$1\r\na\r\n~1\r\n+x\r\n$1\r\nb\r\n*2\r\n:5\r\n_\r\n", &n));
  std::string out;
  Writer w3(&out, 3);
  n.Write(w3);
  EXPECT_EQ(out, "%2\r\n$1\r\na\r\n~1\r\n+x\r\n$1\r\nb\r\n*2\r\n:5\r\n_\r\n");
  out.clear();
  Writer w2(&out, 2);
  n.Write(w2);
  EXPECT_EQ(out, "*4\r\n$1\r\na\r\n*1\r\n+x\r\n$1\r\nb\r\n*2\r\n:5\r\n$-1\r\n");
  EXPECT_FALSE(ParseRespTree("*2\r\n:1\r\n", &n));
  EXPECT_FALSE(ParseRespTree(":1\r\n:2\r\n", &n));
}

std::vector<size_t> Keys(std::string_view cmd, std::vector<std::string_view> args, bool* ok) {
  std::vector<KeyRef> refs;
  *ok = KeysFromSpecs(*FindCommandMeta(cmd), args, &refs);
  std::vector<size_t> out;
  for (const auto& r : refs) out.push_back(r.index);
  return out;
}

TEST(CommandMeta, KeySpecsAsRedisEvaluatesThem) {
  bool ok;
  EXPECT_EQ(Keys("mset", {"mset", "a", "1", "b", "2"}, &ok), (std::vector<size_t>{1, 3}));
  EXPECT_TRUE(ok);
  EXPECT_EQ(Keys("zunionstore", {"zunionstore", "d", "2", "a", "b", "WEIGHTS", "1", "2"}, &ok),
            (std::vector<size_t>{1, 3, 4}));
  EXPECT_TRUE(ok);
  Keys("zunionstore", {"zunionstore", "d", "0", "a"}, &ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(Keys("georadius", {"georadius", "g", "0", "0", "1", "km", "STORE", "d"}, &ok),
            (std::vector<size_t>{1, 7}));
  EXPECT_TRUE(ok);
  Keys("sort", {"sort", "a", "STORE", "b"}, &ok);
  EXPECT_FALSE(ok);  // SORT's STORE spec is unknown
}

// Our command table and redis-server's agree on arity and key positions.
TEST(CommandMeta, OurTableMatchesRedis) {
  RespTester t;
  int compared = 0;
  for (const CommandEntry& e : t.server().entries()) {
    if (e.meta == nullptr) continue;
    compared++;
    const CommandSpec& s = *e.spec;
    EXPECT_EQ(s.arity, e.meta->arity) << s.name;
    // A container's keys belong to its subcommands (OBJECT ENCODING k): our
    // table locks them, redis-server's top-level entry says 0 0 0.
    if (!e.meta->subcommands.empty()) continue;
    const auto& info = e.meta->info.items;
    EXPECT_EQ(s.first_key, info[3].num) << s.name;
    EXPECT_EQ(s.last_key, info[4].num) << s.name;
    EXPECT_EQ(s.step, info[5].num) << s.name;
  }
  EXPECT_GT(compared, 150);
}

}  // namespace
}  // namespace lumadb::protocol::resp

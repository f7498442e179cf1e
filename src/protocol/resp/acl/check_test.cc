#include "protocol/resp/acl/check.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lumadb::protocol::resp::acl {
namespace {

UserRules User(const std::vector<std::string>& rules) {
  UserRules u = NewUser(false);
  for (const auto& r : rules) EXPECT_EQ(ApplyRule(&u, r, false), RuleError::kOk) << r;
  return u;
}

struct Result {
  Denial denial;
  size_t pos;
};

Result Try(const UserRules& u, std::vector<std::string_view> args, const KeyPositions& fallback = nullptr) {
  const CommandIndex& idx = CommandIndex::Get();
  int id = idx.Lookup(args);
  size_t pos = 0;
  Denial d = Check(u, id, args, fallback, &pos);
  return Result{d, pos};
}

TEST(AclCheck, Commands) {
  UserRules u = User({"-@all", "+get", "+config|get", "+select|0", "~*", "&*"});
  EXPECT_EQ(Try(u, {"get", "k"}).denial, Denial::kOk);
  EXPECT_EQ(Try(u, {"GET", "k"}).denial, Denial::kOk);
  EXPECT_EQ(Try(u, {"set", "k", "v"}).denial, Denial::kCommand);
  EXPECT_EQ(Try(u, {"config", "get", "x"}).denial, Denial::kOk);
  EXPECT_EQ(Try(u, {"config", "set", "x", "y"}).denial, Denial::kCommand);
  EXPECT_EQ(Try(u, {"select", "0"}).denial, Denial::kOk);
  EXPECT_EQ(Try(u, {"select", "1"}).denial, Denial::kCommand);
  // no_auth commands cannot be denied.
  EXPECT_EQ(Try(u, {"auth", "x"}).denial, Denial::kOk);
  EXPECT_EQ(Try(u, {"hello"}).denial, Denial::kOk);
  // Commands the 7.0 table does not know: allowed only to users that may run
  // future commands (+@all based).
  size_t pos;
  std::vector<std::string_view> args = {"lumadbonly"};
  EXPECT_EQ(Check(u, -1, args, nullptr, &pos), Denial::kCommand);
  UserRules all_but = User({"+@all", "-get", "~*", "&*"});
  EXPECT_EQ(Check(all_but, -1, args, nullptr, &pos), Denial::kOk);
  EXPECT_EQ(Try(all_but, {"get", "k"}).denial, Denial::kCommand);
  EXPECT_EQ(Try(all_but, {"client", "list"}).denial, Denial::kOk);
  UserRules no_client = User({"+@all", "-client", "+client|id", "~*", "&*"});
  EXPECT_EQ(Try(no_client, {"client", "list"}).denial, Denial::kCommand);
  EXPECT_EQ(Try(no_client, {"client", "id"}).denial, Denial::kOk);
}

TEST(AclCheck, KeysWithReadWriteIntent) {
  UserRules u = User({"+@all", "~k*", "%R~r*", "%W~w*"});
  EXPECT_EQ(Try(u, {"get", "k1"}).denial, Denial::kOk);
  EXPECT_EQ(Try(u, {"get", "r1"}).denial, Denial::kOk);
  EXPECT_EQ(Try(u, {"get", "w1"}).denial, Denial::kKey);
  EXPECT_EQ(Try(u, {"set", "w1", "v"}).denial, Denial::kOk);
  EXPECT_EQ(Try(u, {"set", "r1", "v"}).denial, Denial::kKey);
  // SET ... GET reads too.
  EXPECT_EQ(Try(u, {"set", "w1", "v", "GET"}).denial, Denial::kKey);
  EXPECT_EQ(Try(u, {"set", "k1", "v", "get"}).denial, Denial::kOk);
  Result r = Try(u, {"mset", "k1", "1", "x2", "2"});
  EXPECT_EQ(r.denial, Denial::kKey);
  EXPECT_EQ(r.pos, 3u);
  // LMOVE reads and deletes from the source, inserts into the destination.
  EXPECT_EQ(Try(u, {"lmove", "r1", "w1", "LEFT", "RIGHT"}).denial, Denial::kKey);
  EXPECT_EQ(Try(u, {"lmove", "k1", "w1", "LEFT", "RIGHT"}).denial, Denial::kOk);
  // Key-count specs: ZUNIONSTORE writes the destination, reads the sources.
  EXPECT_EQ(Try(u, {"zunionstore", "w1", "2", "k1", "r1"}).denial, Denial::kOk);
  EXPECT_EQ(Try(u, {"zunionstore", "w1", "2", "k1", "w2"}).denial, Denial::kKey);
  EXPECT_EQ(Try(u, {"bitfield", "r1", "GET", "u8", "0"}).denial, Denial::kOk);
  EXPECT_EQ(Try(u, {"bitfield", "r1", "SET", "u8", "0", "1"}).denial, Denial::kKey);
  // SORT's STORE destination comes from the command's own key positions.
  KeyPositions sort_keys = [](std::vector<size_t>* out) { *out = {1, 3}; };
  EXPECT_EQ(Try(u, {"sort", "k1", "STORE", "w1"}, sort_keys).denial, Denial::kOk);
  r = Try(u, {"sort", "k1", "STORE", "r1"}, sort_keys);
  EXPECT_EQ(r.denial, Denial::kKey);
  EXPECT_EQ(r.pos, 3u);
  // EVAL's keys come from its key count.
  EXPECT_EQ(Try(u, {"eval", "return 1", "1", "x1"}).denial, Denial::kKey);
  EXPECT_EQ(Try(u, {"eval", "return 1", "0"}).denial, Denial::kOk);
  // Too few arguments (redis.acl_check_cmd does not check arity): no keys.
  EXPECT_EQ(Try(u, {"get"}).denial, Denial::kOk);
}

TEST(AclCheck, Channels) {
  UserRules u = User({"+@all", "allkeys", "&ch*", "&lit"});
  EXPECT_EQ(Try(u, {"publish", "ch1", "m"}).denial, Denial::kOk);
  EXPECT_EQ(Try(u, {"publish", "zz", "m"}).denial, Denial::kChannel);
  Result r = Try(u, {"subscribe", "ch1", "zz"});
  EXPECT_EQ(r.denial, Denial::kChannel);
  EXPECT_EQ(r.pos, 2u);
  // Pattern subscriptions must be listed literally.
  EXPECT_EQ(Try(u, {"psubscribe", "ch*"}).denial, Denial::kOk);
  EXPECT_EQ(Try(u, {"psubscribe", "c*"}).denial, Denial::kChannel);
  EXPECT_EQ(Try(u, {"psubscribe", "ch1"}).denial, Denial::kChannel);
  // Unsubscribing needs no channel permission.
  EXPECT_EQ(Try(u, {"unsubscribe", "zz"}).denial, Denial::kOk);
}

TEST(AclCheck, SelectorsPickTheMostRelevantRefusal) {
  UserRules u = User({"-@all", "+get", "~a*", "(+set ~b*)", "(+@read &c)"});
  EXPECT_EQ(Try(u, {"get", "a1"}).denial, Denial::kOk);
  EXPECT_EQ(Try(u, {"set", "b1", "v"}).denial, Denial::kOk);
  EXPECT_EQ(Try(u, {"set", "a1", "v"}).denial, Denial::kKey);
  EXPECT_EQ(Try(u, {"del", "a1"}).denial, Denial::kCommand);
  // Every selector refuses the key: the key refusal wins over the command one.
  Result r = Try(u, {"get", "z"});
  EXPECT_EQ(r.denial, Denial::kKey);
  EXPECT_EQ(r.pos, 1u);
  EXPECT_EQ(Try(u, {"publish", "c", "m"}).denial, Denial::kCommand);
}

TEST(AclCheck, KeySpecsAgreeWithFallbackPositions) {
  std::vector<KeyRef> keys;
  std::vector<std::string_view> args = {"georadius", "g", "0", "0", "1", "km", "STORE", "dst"};
  int id = CommandIndex::Get().Lookup(args);
  FindKeys(id, args, nullptr, &keys);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].pos, 1u);
  EXPECT_EQ(keys[1].pos, 7u);
  EXPECT_TRUE(keys[1].flags & kKeyOw);
  args = {"ping"};
  FindKeys(CommandIndex::Get().Lookup(args), args, nullptr, &keys);
  EXPECT_TRUE(keys.empty());
}

}  // namespace
}  // namespace lumadb::protocol::resp::acl

#include "protocol/resp/acl/rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lumadb::protocol::resp::acl {
namespace {

// Applies rules to a new user; returns the first error (kOk if none).
RuleError Apply(UserRules* u, const std::vector<std::string>& rules) {
  for (const auto& r : rules) {
    RuleError e = ApplyRule(u, r, false);
    if (e != RuleError::kOk) return e;
  }
  return RuleError::kOk;
}

std::string Describe(const std::vector<std::string>& rules) {
  UserRules u = NewUser(false);
  EXPECT_EQ(Apply(&u, rules), RuleError::kOk);
  return DescribeUser(u);
}

TEST(AclCommandIndex, FindsCommandsAndSubcommands) {
  const CommandIndex& idx = CommandIndex::Get();
  int get = idx.Find("GET");
  ASSERT_GE(get, 0);
  EXPECT_STREQ(idx.def(get).name, "get");
  EXPECT_EQ(idx.parent(get), -1);
  int config_get = idx.Find("config|GET");
  ASSERT_GE(config_get, 0);
  EXPECT_EQ(idx.parent(config_get), idx.Find("config"));
  EXPECT_EQ(idx.Find("select|0"), -1);
  EXPECT_EQ(idx.Find("nosuch"), -1);
  std::vector<std::string_view> args = {"CONFIG", "get", "x"};
  EXPECT_EQ(idx.Lookup(args), config_get);
  args = {"config", "nosub"};
  EXPECT_EQ(idx.Lookup(args), -1);
  args = {"config"};
  EXPECT_EQ(idx.Lookup(args), idx.Find("config"));
  EXPECT_GT(idx.child_count(idx.Find("client")), 10);
  EXPECT_TRUE(idx.def(idx.Find("auth")).no_auth);
}

TEST(AclRules, NewAndDefaultUsers) {
  EXPECT_EQ(Describe({}), "off resetchannels -@all");
  EXPECT_EQ(DescribeUser(DefaultUser()), "on nopass ~* &* +@all");
  EXPECT_TRUE(Unrestricted(DefaultUser()));
  EXPECT_FALSE(Unrestricted(NewUser(true)));
  EXPECT_EQ(DescribeUser(NewUser(true)), "off &* -@all");
}

TEST(AclRules, Passwords) {
  // sha256("pw")
  const std::string pw = "30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4";
  EXPECT_EQ(HashPassword("pw"), pw);
  UserRules u = NewUser(false);
  ASSERT_EQ(Apply(&u, {"on", ">pw", ">pw", ">other", "<other"}), RuleError::kOk);
  EXPECT_EQ(u.passwords, std::vector<std::string>{pw});
  EXPECT_TRUE(PasswordMatches(u, "pw"));
  EXPECT_FALSE(PasswordMatches(u, "other"));
  EXPECT_EQ(ApplyRule(&u, "<other", false), RuleError::kNoSuchPassword);
  EXPECT_EQ(ApplyRule(&u, "#abc", false), RuleError::kBadHash);
  EXPECT_EQ(ApplyRule(&u, "!" + std::string(64, 'A'), false), RuleError::kBadHash);
  EXPECT_EQ(ApplyRule(&u, "!" + pw, false), RuleError::kOk);
  EXPECT_TRUE(u.passwords.empty());
  EXPECT_FALSE(PasswordMatches(u, "pw"));
  ASSERT_EQ(ApplyRule(&u, "nopass", false), RuleError::kOk);
  EXPECT_TRUE(PasswordMatches(u, "anything"));
  ASSERT_EQ(ApplyRule(&u, "#" + pw, false), RuleError::kOk);
  EXPECT_FALSE(u.flags & kUserNoPass);
  EXPECT_EQ(DescribeUser(u), "on #" + pw + " resetchannels -@all");
  ASSERT_EQ(ApplyRule(&u, "resetpass", false), RuleError::kOk);
  EXPECT_FALSE(PasswordMatches(u, "pw"));
}

TEST(AclRules, Errors) {
  struct Case {
    const char* rule;
    RuleError want;
  } cases[] = {
      {"foo", RuleError::kSyntax},
      {"+nosuch", RuleError::kUnknown},
      {"+@nosuch", RuleError::kUnknown},
      {"-@", RuleError::kUnknown},
      {"+", RuleError::kUnknown},
      {"+config|get|x", RuleError::kSubcommandFirstArg},
      {"+config|", RuleError::kSyntax},
      {"+config|nosub", RuleError::kUnknown},
      {"-select|0", RuleError::kUnknown},
      {"%X~a", RuleError::kSyntax},
      {"%~a", RuleError::kSyntax},
      {"%RR~a", RuleError::kSyntax},
      {"~a b", RuleError::kSyntax},
      {"&a\tb", RuleError::kSyntax},
      {"(bad)", RuleError::kSyntax},
      {"(", RuleError::kSyntax},
      {"%R", RuleError::kOk},
      {"%R~", RuleError::kOk},
      {"()", RuleError::kOk},
      {"", RuleError::kOk},
  };
  for (const Case& c : cases) {
    UserRules u = NewUser(false);
    EXPECT_EQ(ApplyRule(&u, c.rule, false), c.want) << c.rule;
  }
  UserRules u = NewUser(false);
  ASSERT_EQ(Apply(&u, {"~*", "&*"}), RuleError::kOk);
  EXPECT_EQ(ApplyRule(&u, "~x", false), RuleError::kKeyAfterAll);
  EXPECT_EQ(ApplyRule(&u, "%R~x", false), RuleError::kKeyAfterAll);
  EXPECT_EQ(ApplyRule(&u, "&x", false), RuleError::kChannelAfterAll);
  EXPECT_STREQ(RuleErrorText(RuleError::kUnknown), "Unknown command or category name in ACL");
}

TEST(AclRules, KeysAndChannels) {
  EXPECT_EQ(Describe({"%RW~foo", "%R~bar", "%W~baz", "~q*", "%R~q*", "%R~x", "%W~x", "&ch", "&ch", "&c2"}),
            "off ~foo %R~bar %W~baz ~q* ~x resetchannels &ch &c2 -@all");
  EXPECT_EQ(Describe({"~a", "allkeys", "&x", "allchannels"}), "off ~* &* -@all");
  EXPECT_EQ(Describe({"~a", "resetkeys", "~b", "&x", "resetchannels"}), "off ~b resetchannels -@all");
  UserRules u = NewUser(false);
  ASSERT_EQ(Apply(&u, {"%R~r*", "~k", "&a", "&b"}), RuleError::kOk);
  EXPECT_EQ(DescribeKeys(u.selectors[0]), "%R~r* ~k");
  EXPECT_EQ(DescribeChannels(u.selectors[0]), "&a &b");
}

TEST(AclRules, CommandRulesDescribeLikeRedis) {
  // Expected texts come from redis-server 7.0.15's ACL LIST.
  EXPECT_EQ(Describe({"+@all", "-@dangerous", "-get"}), "off resetchannels +@all -@dangerous -get");
  EXPECT_EQ(Describe({"-@all", "+get"}), "off resetchannels -@all +get");
  EXPECT_EQ(Describe({"+@read"}), "off resetchannels -@all +@read");
  EXPECT_EQ(Describe({"+@all", "-@read"}), "off resetchannels +@all -@read");
  EXPECT_EQ(Describe({"allcommands", "-get", "+get"}), "off resetchannels +@all");
  EXPECT_EQ(Describe({"-@all", "+@all", "nocommands"}), "off resetchannels -@all");
  EXPECT_EQ(Describe({"-@all", "+config|get"}), "off resetchannels -@all +config|get");
  EXPECT_EQ(Describe({"-@all", "+select|0", "+select|1", "+select|0"}),
            "off resetchannels -@all +select|0 +select|1");
  // +select after +select|0 drops the first-args.
  EXPECT_EQ(Describe({"-@all", "+select|0", "+select"}), "off resetchannels -@all +select");
  UserRules u = NewUser(false);
  ASSERT_EQ(Apply(&u, {"+@all", "-@admin"}), RuleError::kOk);
  EXPECT_EQ(DescribeCommands(u.selectors[0]), "+@all -@admin");
  // Denying a container denies its subcommands; allowing one back shows it.
  ASSERT_EQ(Apply(&u, {"-client", "+client|id"}), RuleError::kOk);
  std::string d = DescribeCommands(u.selectors[0]);
  EXPECT_EQ(d.rfind("+@all -@admin", 0), 0u) << d;
  EXPECT_NE(d.find("-client"), std::string::npos) << d;
  EXPECT_NE(d.find("+client|id"), std::string::npos) << d;
}

TEST(AclRules, DescribeRoundTrips) {
  const std::vector<std::vector<std::string>> cases = {
      {"on", ">a", "~k*", "%R~r*", "&c*", "+@all", "-flushall", "-client|kill", "+select|0", "-select"},
      {"-@all", "+@hash", "-hget", "+client", "-client|kill"},
      {"+@all", "-@string", "+get", "(~x* +@read)", "(%W~w* -@all +set &n)"},
      {"-@all", "+@keyspace", "+@read", "-keys", "+acl|whoami"},
  };
  for (const auto& rules : cases) {
    UserRules u = NewUser(false);
    ASSERT_EQ(Apply(&u, rules), RuleError::kOk);
    std::string first = DescribeUser(u);
    // Re-applying the description (as ACL LOAD does) gives the same user.
    std::vector<std::string> args;
    size_t start = 0;
    while (start <= first.size()) {
      size_t sp = first.find(' ', start);
      if (sp == std::string::npos) sp = first.size();
      args.push_back(first.substr(start, sp - start));
      start = sp + 1;
    }
    std::vector<std::string> merged;
    size_t bad;
    ASSERT_TRUE(MergeSelectorArgs(args, &merged, &bad));
    UserRules again = NewUser(false);
    ASSERT_EQ(Apply(&again, merged), RuleError::kOk) << first;
    EXPECT_EQ(DescribeUser(again), first);
    EXPECT_EQ(again.selectors.size(), u.selectors.size());
    for (size_t i = 0; i < u.selectors.size(); i++) {
      EXPECT_EQ(again.selectors[i].allowed, u.selectors[i].allowed) << first;
    }
  }
}

TEST(AclRules, SelectorsAndReset) {
  UserRules u = NewUser(false);
  ASSERT_EQ(Apply(&u, {"on", "~a", "(~b +get)", "(+set \"~c\")"}), RuleError::kOk);
  ASSERT_EQ(u.selectors.size(), 3u);
  EXPECT_EQ(DescribeUser(u), "on ~a resetchannels -@all (~b resetchannels -@all +get) (~c resetchannels -@all +set)");
  ASSERT_EQ(ApplyRule(&u, "clearselectors", false), RuleError::kOk);
  EXPECT_EQ(DescribeUser(u), "on ~a resetchannels -@all");
  ASSERT_EQ(Apply(&u, {">x", "(~b)", "+@all", "skip-sanitize-payload", "reset"}), RuleError::kOk);
  EXPECT_EQ(DescribeUser(u), "off sanitize-payload resetchannels -@all");
  ASSERT_EQ(ApplyRule(&u, "reset", true), RuleError::kOk);
  EXPECT_EQ(DescribeUser(u), "off sanitize-payload &* -@all");
}

TEST(AclRules, MergeSelectorArgs) {
  std::vector<std::string> out;
  size_t bad = 99;
  std::vector<std::string> in = {"on", "(+get", "~x", "&y)", "(+set)", "off"};
  ASSERT_TRUE(MergeSelectorArgs(in, &out, &bad));
  EXPECT_EQ(out, (std::vector<std::string>{"on", "(+get ~x &y)", "(+set)", "off"}));
  in = {"on", "(+get", "~x"};
  EXPECT_FALSE(MergeSelectorArgs(in, &out, &bad));
  EXPECT_EQ(bad, 1u);
}

}  // namespace
}  // namespace lumadb::protocol::resp::acl

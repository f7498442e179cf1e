#include "protocol/resp/acl/acl.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace lumadb::protocol::resp::acl {
namespace {

std::string TempPath(const char* name) {
  return std::string(testing::TempDir()) + "/" + name + "-" + std::to_string(getpid());
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
}

TEST(Acl, DefaultUserAndRequirePass) {
  Acl acl;
  EXPECT_TRUE(acl.default_open());
  EXPECT_TRUE(acl.default_user()->unrestricted());
  EXPECT_NE(acl.Authenticate("default", "anything"), nullptr);
  acl.SetRequirePass("s3cret");
  EXPECT_FALSE(acl.default_open());
  EXPECT_FALSE(acl.DefaultNoPass());
  EXPECT_EQ(acl.Authenticate("default", "wrong"), nullptr);
  EXPECT_EQ(acl.Authenticate("default", "s3cret"), acl.default_user());
  acl.SetRequirePass("");
  EXPECT_TRUE(acl.default_open());
}

TEST(Acl, SetUserIsAllOrNothing) {
  Acl acl;
  bool reduced;
  std::vector<std::string> rules = {"on", ">pw", "+get", "~k*"};
  EXPECT_EQ(acl.SetUser("u", rules, &reduced), "");
  rules = {"off", "+nosuch"};
  EXPECT_EQ(acl.SetUser("u", rules, &reduced),
            "ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL");
  EXPECT_NE(acl.Authenticate("u", "pw"), nullptr);  // still on
  rules = {"(+get", "~x"};
  EXPECT_EQ(acl.SetUser("u", rules, &reduced), "ERR Unmatched parenthesis in acl selector starting at '(+get'.");
  EXPECT_EQ(acl.SetUser("a b", {}, &reduced), "ERR Usernames can't contain spaces or null characters");
  EXPECT_EQ(acl.List(), (std::vector<std::string>{
                            "user default on nopass ~* &* +@all",
                            "user u on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~k* "
                            "resetchannels -@all +get"}));
  auto u = acl.Find("u");
  ASSERT_NE(u, nullptr);
  EXPECT_FALSE(u->unrestricted());
  rules = {"+@all", "allkeys", "allchannels"};
  ASSERT_EQ(acl.SetUser("u", rules, &reduced), "");
  EXPECT_TRUE(u->unrestricted());  // the same object sessions hold sees the change
  std::vector<std::string_view> names = {"u", "default", "nosuch"};
  auto removed = acl.DelUsers(names);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_TRUE(u->removed());
  EXPECT_FALSE(u->unrestricted());
  EXPECT_EQ(acl.Names(), std::vector<std::string>{"default"});
}

TEST(Acl, ChannelNarrowingIsReported) {
  Acl acl;
  bool reduced;
  std::vector<std::string> rules = {"on", "&a", "&b"};
  ASSERT_EQ(acl.SetUser("u", rules, &reduced), "");
  EXPECT_FALSE(reduced);  // a new user has no clients
  rules = {"&c"};
  ASSERT_EQ(acl.SetUser("u", rules, &reduced), "");
  EXPECT_FALSE(reduced);  // a superset
  rules = {"resetchannels", "&a"};
  ASSERT_EQ(acl.SetUser("u", rules, &reduced), "");
  EXPECT_TRUE(reduced);
  auto u = acl.Find("u");
  EXPECT_TRUE(acl.ChannelAllowed(*u, "a", false));
  EXPECT_FALSE(acl.ChannelAllowed(*u, "b", false));
  rules = {"resetchannels", "&n.*"};
  ASSERT_EQ(acl.SetUser("u", rules, &reduced), "");
  EXPECT_TRUE(acl.ChannelAllowed(*u, "n.1", false));
  EXPECT_TRUE(acl.ChannelAllowed(*u, "n.*", true));
  EXPECT_FALSE(acl.ChannelAllowed(*u, "n.1*", true));
}

TEST(Acl, LogGroupsRepeatsAndKeepsMaxLen) {
  Acl acl;
  acl.set_log_max_len(3);
  auto entry = [](const char* object, Denial reason, int64_t t) {
    LogEntry e;
    e.reason = reason;
    e.context = LogContext::kToplevel;
    e.object = object;
    e.username = "u";
    e.ctime_ms = t;
    return e;
  };
  acl.AddLog(entry("get", Denial::kCommand, 1000));
  acl.AddLog(entry("k", Denial::kKey, 1001));
  acl.AddLog(entry("get", Denial::kCommand, 2000));  // bumps the first, moves it to the front
  auto log = acl.Log(10);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].object, "get");
  EXPECT_EQ(log[0].count, 2u);
  EXPECT_EQ(log[0].ctime_ms, 2000);
  acl.AddLog(entry("get", Denial::kCommand, 70000));  // more than 60 s later: a new entry
  acl.AddLog(entry("x", Denial::kChannel, 70001));
  acl.AddLog(entry("y", Denial::kChannel, 70002));
  log = acl.Log(10);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].object, "y");
  EXPECT_EQ(log[2].object, "get");
  EXPECT_EQ(log[2].count, 1u);
  EXPECT_EQ(acl.Log(1).size(), 1u);
  acl.ResetLog();
  EXPECT_TRUE(acl.Log(10).empty());
}

TEST(Acl, FileLoadAndSave) {
  std::string path = TempPath("users.acl");
  Write(path, "user alice on >pw ~a* +get\n\n  user bob off (+set ~b*) &news  \r\nuser default on >dpw ~* &* +@all\n");
  Acl acl;
  std::vector<std::shared_ptr<User>> dropped;
  ASSERT_EQ(acl.LoadFile(path, &dropped), "");
  EXPECT_TRUE(dropped.empty());
  EXPECT_EQ(acl.Names(), (std::vector<std::string>{"alice", "bob", "default"}));
  EXPECT_NE(acl.Authenticate("alice", "pw"), nullptr);
  EXPECT_FALSE(acl.default_open());
  auto alice = acl.Find("alice");
  // Saving and loading again gives the same users; the old objects are dropped.
  std::string err;
  ASSERT_TRUE(acl.SaveFile(path, &err)) << err;
  std::vector<std::string> before = acl.List();
  ASSERT_EQ(acl.LoadFile(path, &dropped), "");
  EXPECT_EQ(acl.List(), before);
  EXPECT_EQ(dropped.size(), 2u);
  EXPECT_TRUE(alice->removed());
  // Errors change nothing and are reported as redis-server words them.
  Write(path, "user x on\nuser x off\nfoo\nuser y +nosuch %X~a\nuser z (+get ~x\n");
  err = acl.LoadFile(path, &dropped);
  EXPECT_EQ(err, "WARNING: Duplicate user 'x' found on line 2. " + path +
                     ":3 should start with user keyword followed by the username. " + path +
                     ":4: Error in applying operation '+nosuch': Unknown command or category name in ACL. " + path +
                     ":4: Syntax error. " + path +
                     ":5: Unmatched parenthesis in selector definition.WARNING: ACL errors detected, no change to "
                     "the previously active ACL rules was performed");
  EXPECT_EQ(acl.List(), before);
  // Without a default user in the file, the default user is reset to nopass.
  Write(path, "user carol on nopass +@all ~*\n");
  ASSERT_EQ(acl.LoadFile(path, &dropped), "");
  EXPECT_TRUE(acl.default_open());
  EXPECT_EQ(acl.List(), (std::vector<std::string>{"user carol on nopass ~* resetchannels +@all",
                                                  "user default on nopass ~* &* +@all"}));
  std::remove(path.c_str());
  EXPECT_EQ(acl.LoadFile(path, &dropped),
            "Error loading ACLs, opening file '" + path + "': No such file or directory");
}

}  // namespace
}  // namespace lumadb::protocol::resp::acl

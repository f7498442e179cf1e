#include "protocol/resp/codec.h"

#include <gtest/gtest.h>

namespace lumadb::protocol::resp {
namespace {

ParseResult Parse(std::string_view buf, std::vector<std::string_view>* args, ParseLimits limits = {}) {
  static std::vector<std::string> storage;
  return ParseRequest(buf, limits, args, &storage);
}

TEST(RespCodec, MultibulkAndIncomplete) {
  std::vector<std::string_view> args;
  std::string req = "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
  for (size_t cut = 0; cut < req.size(); cut++) {
    EXPECT_EQ(Parse(req.substr(0, cut), &args).status, ParseStatus::kIncomplete) << cut;
  }
  std::string with_extra = req + "extra";
  auto r = Parse(with_extra, &args);
  ASSERT_EQ(r.status, ParseStatus::kOk);
  EXPECT_EQ(r.consumed, req.size());
  EXPECT_EQ(args, (std::vector<std::string_view>{"GET", "key"}));
  std::string nul("*2\r\n$0\r\n\r\n$1\r\n\0\r\n", 17);
  r = Parse(nul, &args);
  ASSERT_EQ(r.status, ParseStatus::kOk);
  EXPECT_EQ(args[0], "");
}

TEST(RespCodec, ProtocolErrorsUseRedisWording) {
  std::vector<std::string_view> args;
  EXPECT_EQ(Parse("*x\r\n", &args).error, "Protocol error: invalid multibulk length");
  EXPECT_EQ(Parse("*99999999999\r\n", &args).error, "Protocol error: invalid multibulk length");
  EXPECT_EQ(Parse("*1\r\n$-5\r\n", &args).error, "Protocol error: invalid bulk length");
  EXPECT_EQ(Parse("*1\r\n$999999999999\r\n", &args).error, "Protocol error: invalid bulk length");
  EXPECT_EQ(Parse("*1\r\n:1\r\n", &args).error, "Protocol error: expected '$', got ':'");
  EXPECT_EQ(Parse("SET \"a\r\n", &args).error, "Protocol error: unbalanced quotes in request");
  EXPECT_EQ(Parse(std::string(70000, 'a'), &args).error, "Protocol error: too big inline request");
  EXPECT_EQ(Parse("*1\r\n$" + std::string(70000, '1'), &args).error, "Protocol error: too big bulk count string");
  EXPECT_EQ(Parse("*0\r\n", &args).status, ParseStatus::kEmpty);
  EXPECT_EQ(Parse("*-1\r\n", &args).status, ParseStatus::kEmpty);
  EXPECT_EQ(Parse("\r\n", &args).status, ParseStatus::kEmpty);
}

TEST(RespCodec, InlineQuoting) {
  std::vector<std::string> out;
  ASSERT_TRUE(SplitInlineArgs("set \"a\\x41\\n\" 'it\\'s' plain", &out));
  EXPECT_EQ(out, (std::vector<std::string>{"set", "aA\n", "it's", "plain"}));
  out.clear();
  EXPECT_FALSE(SplitInlineArgs("\"closed\"x", &out));
}

TEST(RespWriter, Resp2AndResp3Shapes) {
  std::string out;
  Writer w(&out, 2);
  w.Null();
  w.Map(1);
  w.Double(1.5);
  w.Bool(true);
  EXPECT_EQ(out, "$-1\r\n*2\r\n$3\r\n1.5\r\n:1\r\n");
  out.clear();
  w.set_proto(3);
  w.Null();
  w.Map(1);
  w.Double(1.5);
  w.Bool(true);
  w.Set(0);
  w.Push(1);
  EXPECT_EQ(out, "_\r\n%1\r\n,1.5\r\n#t\r\n~0\r\n>1\r\n");
  out.clear();
  w.Error("ERR line\r\nbreak");
  EXPECT_EQ(out, "-ERR line  break\r\n");
}

}  // namespace
}  // namespace lumadb::protocol::resp

#include "protocol/memcache/codec.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace lumadb::protocol::memcache {
namespace {

// A parse and the buffer it views (a Command cannot be copied).
struct Parsed {
  std::string buf;
  ParseResult r;
  Command c;
};

std::unique_ptr<Parsed> Parse(std::string_view buf, const Limits& limits = Limits{}) {
  auto p = std::make_unique<Parsed>();
  p->buf = buf;
  p->r = ParseCommand(p->buf, limits, &p->c);
  return p;
}

std::string ErrorOf(std::string_view buf) {
  auto p = Parse(buf);
  return p->r.status == ParseStatus::kError ? std::string(p->r.error) : "<no error>";
}

TEST(MemcacheCodec, IncompleteAndLineEndings) {
  EXPECT_EQ(Parse("get a")->r.status, ParseStatus::kIncomplete);
  EXPECT_EQ(Parse("")->r.status, ParseStatus::kIncomplete);
  auto p = Parse("get a\r\nget b\r\n");
  ASSERT_EQ(p->r.status, ParseStatus::kOk);
  EXPECT_EQ(p->r.consumed, 7u);
  ASSERT_EQ(p->c.keys.size(), 1u);
  EXPECT_EQ(p->c.keys[0], "a");
  // A bare "\n" ends a line too.
  p = Parse("get a\n");
  ASSERT_EQ(p->r.status, ParseStatus::kOk);
  EXPECT_EQ(p->r.consumed, 6u);
  EXPECT_EQ(p->c.keys[0], "a");
  // Empty lines are unknown commands.
  EXPECT_EQ(ErrorOf("\r\n"), "ERROR");
  EXPECT_EQ(ErrorOf("\n"), "ERROR");
}

TEST(MemcacheCodec, TokensSplitOnSpacesOnly) {
  auto p = Parse("get  a   b \r\n");
  ASSERT_EQ(p->r.status, ParseStatus::kOk);
  ASSERT_EQ(p->c.keys.size(), 2u);
  EXPECT_EQ(p->c.keys[1], "b");
  // A tab is part of a token: "set\ta" is not a command.
  EXPECT_EQ(ErrorOf("set\ta 0 0 1\r\n"), "ERROR");
  p = Parse("get a\tb\r\n");
  ASSERT_EQ(p->c.keys.size(), 1u);
  EXPECT_EQ(p->c.keys[0], "a\tb");
  // The line is read as a C string: a NUL ends it.
  p = Parse(std::string_view("get a\0b c\r\n", 11));
  ASSERT_EQ(p->r.status, ParseStatus::kOk);
  ASSERT_EQ(p->c.keys.size(), 1u);
  EXPECT_EQ(p->c.keys[0], "a");
  EXPECT_EQ(p->r.consumed, 11u);
}

TEST(MemcacheCodec, UnknownAndMalformedCommands) {
  EXPECT_EQ(ErrorOf("GET a\r\n"), "ERROR");  // commands are case-sensitive
  EXPECT_EQ(ErrorOf("get\r\n"), "ERROR");
  EXPECT_EQ(ErrorOf("gets \r\n"), "ERROR");
  EXPECT_EQ(ErrorOf("x\r\n"), "ERROR");
  EXPECT_EQ(ErrorOf("mx a\r\n"), "ERROR");
  EXPECT_EQ(ErrorOf("set a 0 0\r\n"), "ERROR");
  EXPECT_EQ(ErrorOf("set a 0 0 1 noreply extra\r\n"), "ERROR");
  EXPECT_EQ(ErrorOf("incr a\r\n"), "ERROR");
  EXPECT_EQ(ErrorOf("delete a b c d\r\n"), "ERROR");
  EXPECT_EQ(ErrorOf("verbosity\r\n"), "ERROR");
  EXPECT_EQ(ErrorOf("flush_all 0 0 0\r\n"), "ERROR");
  EXPECT_EQ(ErrorOf("cas a 0 0 1\r\n"), "ERROR");
}

TEST(MemcacheCodec, StorageLine) {
  auto p = Parse("set k 7 100 5 noreply\r\nhello\r\n");
  ASSERT_EQ(p->r.status, ParseStatus::kOk);
  EXPECT_EQ(p->c.op, Op::kSet);
  EXPECT_EQ(p->c.key, "k");
  EXPECT_EQ(p->c.flags, 7u);
  EXPECT_EQ(p->c.exptime, 100);
  EXPECT_EQ(p->c.data_len, 5);
  EXPECT_TRUE(p->c.noreply);
  EXPECT_EQ(p->r.consumed, 23u);  // the line only; the data block follows

  p = Parse("cas k 0 0 1 42\r\n");
  EXPECT_EQ(p->c.op, Op::kCas);
  EXPECT_EQ(p->c.cas_unique, 42u);
  // A sixth token that is not "noreply" is ignored.
  p = Parse("set k 0 0 1 foo\r\n");
  ASSERT_EQ(p->r.status, ParseStatus::kOk);
  EXPECT_FALSE(p->c.noreply);

  EXPECT_EQ(ErrorOf("set a x 0 1\r\n"), "CLIENT_ERROR bad command line format");
  EXPECT_EQ(ErrorOf("set a -1 0 1\r\n"), "CLIENT_ERROR bad command line format");
  EXPECT_EQ(ErrorOf("set a 0 0 -1\r\n"), "CLIENT_ERROR bad command line format");
  EXPECT_EQ(ErrorOf("set a 0 0 2147483646\r\n"), "CLIENT_ERROR bad command line format");
  EXPECT_EQ(ErrorOf("cas a 0 0 1 x\r\n"), "CLIENT_ERROR bad command line format");
  EXPECT_EQ(ErrorOf("set " + std::string(251, 'k') + " 0 0 1\r\n"), "CLIENT_ERROR bad command line format");
  // Errors on a malformed storage line leave the data to be read as commands.
  EXPECT_EQ(Parse("set a x 0 1\r\n")->r.swallow, 0u);
  // noreply hides even the errors.
  p = Parse("set a x 0 1 noreply\r\n");
  EXPECT_EQ(p->r.status, ParseStatus::kError);
  EXPECT_TRUE(p->r.quiet);
}

TEST(MemcacheCodec, NumbersNarrowLikeMemcached) {
  // Flags are parsed as 64-bit and truncated to 32 bits.
  auto p = Parse("set a 4294967296 0 1\r\n");
  ASSERT_EQ(p->r.status, ParseStatus::kOk);
  EXPECT_EQ(p->c.flags, 0u);
  p = Parse("set a 18446744073709551615 0 1\r\n");
  EXPECT_EQ(p->c.flags, 4294967295u);
  EXPECT_EQ(ErrorOf("set a 18446744073709551616 0 1\r\n"), "CLIENT_ERROR bad command line format");
  // Lengths and exptimes are longs stored in 32 bits.
  p = Parse("set a 0 4294967296 4294967299\r\n");
  ASSERT_EQ(p->r.status, ParseStatus::kOk);
  EXPECT_EQ(p->c.exptime, 0);
  EXPECT_EQ(p->c.data_len, 3);

  uint32_t u32;
  int32_t i32;
  uint64_t u64;
  EXPECT_TRUE(ParseU32("+7", &u32));
  EXPECT_EQ(u32, 7u);
  EXPECT_TRUE(ParseU32("7\t", &u32));
  EXPECT_FALSE(ParseU32("7x", &u32));
  EXPECT_FALSE(ParseU32("0x10", &u32));
  EXPECT_FALSE(ParseU32("", &u32));
  EXPECT_FALSE(ParseU32("-1", &u32));
  EXPECT_TRUE(ParseI32("-5", &i32));
  EXPECT_EQ(i32, -5);
  EXPECT_FALSE(ParseI32("9223372036854775808", &i32));
  EXPECT_TRUE(ParseI32("-9223372036854775808", &i32));
  EXPECT_TRUE(ParseU64("18446744073709551615", &u64));
  EXPECT_EQ(u64, UINT64_MAX);
  EXPECT_FALSE(ParseU64("18446744073709551616", &u64));
  EXPECT_FALSE(ParseU64("-1", &u64));
  // strtoull negates in unsigned arithmetic; memcached only rejects a result
  // that is negative as a signed number.
  EXPECT_TRUE(ParseU64("-18446744073709551615", &u64));
  EXPECT_EQ(u64, 1u);
}

TEST(MemcacheCodec, CounterValues) {
  uint64_t v;
  EXPECT_TRUE(ParseCounter("10", &v));
  EXPECT_EQ(v, 10u);
  EXPECT_TRUE(ParseCounter(" 10", &v));
  EXPECT_TRUE(ParseCounter("10 ", &v));
  EXPECT_TRUE(ParseCounter("007", &v));
  EXPECT_EQ(v, 7u);
  EXPECT_TRUE(ParseCounter("+7", &v));
  EXPECT_TRUE(ParseCounter("-0", &v));
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(ParseCounter(std::string_view("5\0x", 3), &v));
  EXPECT_TRUE(ParseCounter("18446744073709551615", &v));
  EXPECT_FALSE(ParseCounter("", &v));
  EXPECT_FALSE(ParseCounter("   ", &v));
  EXPECT_FALSE(ParseCounter("-10", &v));
  EXPECT_FALSE(ParseCounter("0x", &v));
  EXPECT_FALSE(ParseCounter("5x ", &v));
  EXPECT_FALSE(ParseCounter("184467440737095516150", &v));
  EXPECT_FALSE(ParseCounter("9223372036854775808 -1", &v));
}

TEST(MemcacheCodec, Retrieval) {
  auto p = Parse("gat 100 a b\r\n");
  ASSERT_EQ(p->r.status, ParseStatus::kOk);
  EXPECT_EQ(p->c.op, Op::kGat);
  EXPECT_EQ(p->c.exptime, 100);
  EXPECT_EQ(p->c.keys.size(), 2u);
  p = Parse("gat 10\r\n");  // no keys: just END
  ASSERT_EQ(p->r.status, ParseStatus::kOk);
  EXPECT_TRUE(p->c.keys.empty());
  EXPECT_EQ(ErrorOf("gat x a\r\n"), "CLIENT_ERROR invalid exptime argument");
  // Long keys are refused by the session, in key order.
  EXPECT_EQ(Parse("get a " + std::string(251, 'k') + "\r\n")->c.keys.size(), 2u);
  // More than memcached's 24 tokens: the rest of the line is keys too.
  std::string line = "get";
  for (int i = 0; i < 100; i++) line += " k" + std::to_string(i);
  p = Parse(line + "\r\n");
  ASSERT_EQ(p->c.keys.size(), 100u);
  EXPECT_EQ(p->c.keys[99], "k99");
  EXPECT_EQ(Parse("bget a\r\n")->c.op, Op::kGet);
}

TEST(MemcacheCodec, OtherTextCommands) {
  EXPECT_EQ(ErrorOf("incr a -1\r\n"), "CLIENT_ERROR invalid numeric delta argument");
  EXPECT_EQ(ErrorOf("incr a 18446744073709551616\r\n"), "CLIENT_ERROR invalid numeric delta argument");
  EXPECT_EQ(ErrorOf("touch a x\r\n"), "CLIENT_ERROR invalid exptime argument");
  EXPECT_EQ(ErrorOf("delete a 1\r\n"), "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]");
  EXPECT_EQ(ErrorOf("delete a 0 0\r\n"), "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]");
  EXPECT_EQ(Parse("delete a 0\r\n")->r.status, ParseStatus::kOk);
  EXPECT_TRUE(Parse("delete a 0 noreply\r\n")->c.noreply);
  EXPECT_EQ(ErrorOf("verbosity x\r\n"), "CLIENT_ERROR bad command line format");
  EXPECT_TRUE(Parse("verbosity noreply\r\n")->r.quiet);  // "noreply" is no number, and the error is hidden
  EXPECT_EQ(ErrorOf("flush_all x\r\n"), "CLIENT_ERROR invalid exptime argument");
  EXPECT_EQ(ErrorOf("flush_all noreply 10\r\n"), "CLIENT_ERROR invalid exptime argument");
  auto p = Parse("flush_all 10 noreply\r\n");
  EXPECT_TRUE(p->c.has_delay);
  EXPECT_EQ(p->c.delay, 10);
  EXPECT_TRUE(p->c.noreply);
  EXPECT_FALSE(Parse("flush_all noreply\r\n")->c.has_delay);
  EXPECT_EQ(Parse("version x\r\n")->c.op, Op::kVersion);
  EXPECT_EQ(Parse("mn x\r\n")->c.op, Op::kMetaNoop);
  p = Parse("stats cachedump 1 0\r\n");
  ASSERT_EQ(p->c.args.size(), 3u);
  EXPECT_EQ(p->c.args[0], "cachedump");
}

TEST(MemcacheCodec, LongLines) {
  Limits limits;
  // memcached disconnects a client whose line has no end after 2 KB...
  EXPECT_EQ(Parse(std::string(2049, 'x'), limits)->r.status, ParseStatus::kClose);
  EXPECT_EQ(Parse(std::string(2048, 'x'), limits)->r.status, ParseStatus::kIncomplete);
  // ...unless it is a get/gets, which may be long.
  EXPECT_EQ(Parse("get " + std::string(5000, 'x'), limits)->r.status, ParseStatus::kIncomplete);
  EXPECT_EQ(Parse("  gets " + std::string(5000, 'x'), limits)->r.status, ParseStatus::kIncomplete);
  EXPECT_EQ(Parse(std::string(101, ' ') + "get " + std::string(5000, 'x'), limits)->r.status, ParseStatus::kClose);
  EXPECT_EQ(Parse("get\t" + std::string(5000, 'x'), limits)->r.status, ParseStatus::kClose);
  // A complete line longer than memcached's read buffer could never be read.
  EXPECT_EQ(Parse("set a 0 0 1 " + std::string(20000, 'x') + "\r\n", limits)->r.status, ParseStatus::kClose);
  EXPECT_EQ(Parse("set a 0 0 1 " + std::string(10000, 'x') + "\r\n", limits)->r.status, ParseStatus::kOk);
  limits.max_get_line = 6000;
  EXPECT_EQ(Parse("get " + std::string(7000, 'x'), limits)->r.status, ParseStatus::kClose);
}

TEST(MemcacheCodec, MetaFlags) {
  auto p = Parse("mg key s v f t c k O123 q h l u\r\n");
  ASSERT_EQ(p->r.status, ParseStatus::kOk);
  EXPECT_EQ(p->c.op, Op::kMetaGet);
  EXPECT_TRUE(p->c.meta.value);
  EXPECT_TRUE(p->c.meta.quiet);
  EXPECT_TRUE(p->c.meta.no_bump);
  ASSERT_EQ(p->c.meta.flags.size(), 11u);
  EXPECT_EQ(p->c.meta.flags[6].letter, 'O');
  EXPECT_EQ(p->c.meta.flags[6].arg, "123");

  EXPECT_EQ(ErrorOf("mg\r\n"), "ERROR");
  EXPECT_EQ(ErrorOf("mg a x\r\n"), "CLIENT_ERROR invalid flag");
  EXPECT_EQ(ErrorOf("mg a E5\r\n"), "CLIENT_ERROR invalid flag");  // E is not in memcached 1.6.18
  EXPECT_EQ(ErrorOf("mg a v v\r\n"), "CLIENT_ERROR duplicate flag");
  EXPECT_EQ(ErrorOf("mg a \x80\r\n"), "CLIENT_ERROR duplicate flag");
  EXPECT_EQ(ErrorOf("mg a T\r\n"), "CLIENT_ERROR bad token in command line format");
  EXPECT_EQ(ErrorOf("mg a Fx\r\n"), "CLIENT_ERROR bad command line format");
  EXPECT_EQ(ErrorOf("mg a MXX\r\n"), "CLIENT_ERROR incorrect length for M token");
  EXPECT_EQ(ErrorOf("mg a Dx\r\n"), "CLIENT_ERROR invalid numeric delta value");
  EXPECT_EQ(ErrorOf("mg a Jx\r\n"), "CLIENT_ERROR invalid numeric initial value");
  EXPECT_EQ(ErrorOf("md a O12345678901234567890123456789012\r\n"), "CLIENT_ERROR opaque token too long");
  EXPECT_EQ(Parse("md a O1234567890123456789012345678901\r\n")->r.status, ParseStatus::kOk);
  // mg and ma refuse a long opaque only while replying.
  auto mg = Parse("mg a O12345678901234567890123456789012\r\n");
  ASSERT_EQ(mg->r.status, ParseStatus::kOk);
  EXPECT_TRUE(mg->c.meta.flags[0].OpaqueTooLong());
  EXPECT_EQ(ErrorOf("mg a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\r\n"),
            "CLIENT_ERROR options flags are too long");
  EXPECT_EQ(ErrorOf("mg " + std::string(251, 'k') + " v\r\n"), "CLIENT_ERROR bad command line format");
  // The last bad argument's message wins, an unknown flag ends the scan.
  EXPECT_EQ(ErrorOf("ms a 1 F 5\r\n"), "CLIENT_ERROR invalid flag");
  EXPECT_EQ(ErrorOf("md a x\r\n"), "CLIENT_ERROR invalid or duplicate flag");
  EXPECT_EQ(ErrorOf("md a T\r\n"), "CLIENT_ERROR invalid or duplicate flag");
  EXPECT_EQ(ErrorOf("ma a Dx\r\n"), "CLIENT_ERROR invalid or duplicate flag");
  EXPECT_EQ(ErrorOf("ma a MS\r\n"), "CLIENT_ERROR invalid mode for ma M token");
  EXPECT_EQ(ErrorOf("md a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\r\n"), "CLIENT_ERROR options flags too long");
  EXPECT_EQ(ErrorOf("me\r\n"), "CLIENT_ERROR bad command line format");
  EXPECT_EQ(ErrorOf("me zz b\r\n"), "CLIENT_ERROR bad command line format");
}

TEST(MemcacheCodec, MetaSetSwallowsDataAfterLengthIsKnown) {
  auto p = Parse("ms a 3 T10 F5 MA C7 I b\r\n");
  EXPECT_EQ(p->r.status, ParseStatus::kError);  // "a" is no base64
  EXPECT_EQ(p->r.error, "CLIENT_ERROR error decoding key");
  EXPECT_EQ(p->r.swallow, 5u);
  p = Parse("ms YWJj 3 T10 F5 MA C7 I b\r\n");
  ASSERT_EQ(p->r.status, ParseStatus::kOk);
  EXPECT_EQ(p->c.key, "abc");
  EXPECT_EQ(p->c.data_len, 3);
  EXPECT_EQ(p->c.meta.ttl, 10);
  EXPECT_EQ(p->c.meta.client_flags, 5u);
  EXPECT_EQ(p->c.meta.mode, 'A');
  EXPECT_EQ(p->c.meta.cas, 7u);
  EXPECT_TRUE(p->c.meta.invalidate);
  EXPECT_EQ(Parse("ms a 3 x\r\n")->r.swallow, 5u);
  EXPECT_EQ(ErrorOf("ms a 3 MX\r\n"), "CLIENT_ERROR invalid mode for ms M token");
  EXPECT_EQ(Parse("ms a 3 MX\r\n")->r.swallow, 5u);
  // Before the length is read nothing is swallowed.
  p = Parse("ms a x\r\n");
  EXPECT_EQ(p->r.error, "CLIENT_ERROR bad command line format");
  EXPECT_EQ(p->r.swallow, 0u);
  EXPECT_EQ(ErrorOf("ms a\r\n"), "CLIENT_ERROR bad command line format");
  EXPECT_EQ(ErrorOf("ms a 1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\r\n"), "CLIENT_ERROR options flags too long");
  EXPECT_EQ(Parse("ms a 1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\r\n")->r.swallow, 0u);
}

TEST(MemcacheCodec, Base64LikeMemcached) {
  std::string out;
  EXPECT_TRUE(Base64Decode("YWJj", &out));
  EXPECT_EQ(out, "abc");
  EXPECT_TRUE(Base64Decode("YQ==", &out));
  EXPECT_EQ(out, "a");
  EXPECT_TRUE(Base64Decode("YWJjZA==YWJj", &out));  // stops at the padding
  EXPECT_EQ(out, "abcd");
  EXPECT_TRUE(Base64Decode("YW=j", &out));
  EXPECT_EQ(out.size(), 2u);
  EXPECT_FALSE(Base64Decode("YQ", &out));
  EXPECT_FALSE(Base64Decode("YWJjZA=", &out));
  EXPECT_FALSE(Base64Decode("Y!Jj", &out));  // '!' is skipped, leaving 3
  EXPECT_FALSE(Base64Decode("====", &out));
  EXPECT_FALSE(Base64Decode("", &out));
  std::string enc;
  Base64Encode("a", &enc);
  EXPECT_EQ(enc, "YQ==");
  enc.clear();
  Base64Encode(std::string_view("\x00\xff\x10\x20", 4), &enc);
  EXPECT_EQ(enc, "AP8QIA==");
  std::string back;
  ASSERT_TRUE(Base64Decode(enc, &back));
  EXPECT_EQ(back, std::string_view("\x00\xff\x10\x20", 4));
  std::string uri;
  UriEncode("a b,c~-._Z9", &uri);
  EXPECT_EQ(uri, "a%20b%2Cc~-._Z9");
}

}  // namespace
}  // namespace lumadb::protocol::memcache

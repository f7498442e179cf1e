#include "protocol/resp/rdb.h"

#include <gtest/gtest.h>

namespace lumadb::protocol::resp::rdb {
namespace {

using engine::kv::Type;
using engine::kv::Value;

TEST(Rdb, Crc64MatchesRedis) { EXPECT_EQ(Crc64(0, "123456789"), 0xe9c6d914c4b8d9caull); }

TEST(Rdb, RoundTripsEveryType) {
  Value z = Value::Make(Type::kZSet);
  z.zset().Insert("a", 1.5);
  z.zset().Insert("b", -3);
  Value back;
  ASSERT_TRUE(Restore(Dump(z), &back).ok());
  EXPECT_EQ(*back.zset().Score("a"), 1.5);
  Value h = Value::Make(Type::kHash);
  h.hash().insert_or_assign("f", std::string(300, 'x'));
  ASSERT_TRUE(Restore(Dump(h), &back).ok());
  EXPECT_EQ(back.hash().at("f").size(), 300u);
  Value l = Value::Make(Type::kList);
  l.list() = {"1", "two"};
  ASSERT_TRUE(Restore(Dump(l), &back).ok());
  EXPECT_EQ(back.list()[1], "two");
  ASSERT_TRUE(Restore(Dump(Value(std::string("s"))), &back).ok());
  EXPECT_EQ(back.str(), "s");
}

TEST(Rdb, RejectsBadChecksumAndData) {
  std::string d = Dump(Value(std::string("hello")));
  std::string bad = d;
  bad[2] ^= 1;
  Value v;
  EXPECT_TRUE(Restore(bad, &v).IsInvalidArgument());
  EXPECT_FALSE(Restore("short", &v).ok());
}

TEST(Rdb, ReadsRedis70Encodings) {
  // DUMP payloads taken from redis-server 7.0.15 (listpack, quicklist 2, intset).
  const std::string hash("\x10\x0c\x0c\x00\x00\x00\x02\x00\x81" "a\x02\x01\x01\xff\n\x00\x84\xa6\x93\xe8\xaa\x17\xe4\xdb", 24);
  const std::string list("\x12\x01\x02\x0c\x0c\x00\x00\x00\x02\x00\x81x\x02\x02\x01\xff\n\x00" "3@2~\x91\xea\xec\x01", 26);
  const std::string set("\x0b\x0c\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x02\x00\n\x00oy8\xb1" "4\xeb .", 24);
  const std::string zset("\x11\x0f\x0f\x00\x00\x00\x02\x00\x81m\x02\x83" "1.5\x04\xff\n\x00I\xd9\x87`x%N\x8a", 27);
  Value v;
  ASSERT_TRUE(Restore(hash, &v).ok());
  EXPECT_EQ(v.hash().at("a"), "1");
  ASSERT_TRUE(Restore(list, &v).ok());
  EXPECT_EQ(v.list(), (engine::kv::List{"x", "2"}));
  ASSERT_TRUE(Restore(set, &v).ok());
  EXPECT_TRUE(v.set().contains("1") && v.set().contains("2"));
  ASSERT_TRUE(Restore(zset, &v).ok());
  EXPECT_EQ(*v.zset().Score("m"), 1.5);
}

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(Rdb, DumpsStringsAsRedisEncodesThem) {
  // DUMP output of redis-server 7.0.15 for the same values.
  EXPECT_EQ(Dump(Value(std::string("123"))), Unhex("00c07b0a0048e253e1007a67b9"));
  EXPECT_EQ(Dump(Value(std::string(30, 'a'))), Unhex("00c3091e016161e011000161610a0045737cbb2b647bbb"));
  EXPECT_EQ(Dump(Value(std::string("abcabcabcabcabcabcabcabcXYZ"))),
            Unhex("00c30c1b0361626361e00b020258595a0a0097e63f764efeb5e6"));
  // Too short to compress, or compressing by 4 bytes or less: stored as is.
  std::string hll_like("HYLL\x01\0\0\0\x03\0\0\0\0\0\0\0" "`\xf3\x80P\xb1\x84K\xfb\x80" "BZ", 27);
  EXPECT_EQ(Dump(Value(hll_like)).substr(0, 2), std::string("\x00\x1b", 2));
  EXPECT_EQ(Dump(Value(std::string("0123"))).substr(0, 2), std::string("\x00\x04", 2));  // not canonical
  EXPECT_EQ(Dump(Value(std::string("-32769"))).substr(0, 6), std::string("\x00\xc2\xff\x7f\xff\xff", 6));
  for (const std::string& s : {std::string(5000, 'z'), std::string("2147483648"), std::string("-129")}) {
    Value back;
    ASSERT_TRUE(Restore(Dump(Value(s)), &back).ok());
    EXPECT_EQ(back.str(), s);
  }
}

TEST(Rdb, LzfRoundTripsAndRespectsTheLimit) {
  std::string input;
  for (int i = 0; i < 20000; i++) input.push_back(static_cast<char>((i * 7919) % 251 < 40 ? 'x' : i % 13));
  std::string packed;
  size_t n = LzfCompress(input, input.size(), &packed);
  ASSERT_GT(n, 0u);
  ASSERT_EQ(packed.size(), n);
  Value back;
  std::string dump = Dump(Value(input));
  ASSERT_TRUE(Restore(dump, &back).ok());
  EXPECT_EQ(back.str(), input);
  EXPECT_EQ(LzfCompress(input, n - 1, &packed), 0u);
  EXPECT_EQ(LzfCompress("", 10, &packed), 0u);
}

TEST(Rdb, ReadsRedis70Streams) {
  // redis-server 7.0.15: XADD s 1-1 a 1 b hello; XADD s 1-2 a 2 b x; XADD s 5-0 z 300;
  // XGROUP CREATE s g 0; XREADGROUP GROUP g c1 COUNT 1 STREAMS s >; XGROUP CREATECONSUMER s g c2.
  const std::string payload = Unhex(
      "130110000000000000000100000000000000014044440000001900030100010201816102816202000102010001000101018568656c6c6f0605010201000101010201817802050100010401dfff020101817a02c12c020601ff030500010100000301016701010101000000000000000100000000000000016ed95a33a201000001020263316ed95a33a201000001000000000000000100000000000000010263326ed95a33a2010000000a005b79850a837b2877");
  Value v;
  ASSERT_TRUE(Restore(payload, &v).ok());
  ASSERT_EQ(v.type(), Type::kStream);
  const engine::kv::Stream& s = v.stream();
  EXPECT_EQ(s.length(), 3u);
  EXPECT_EQ(s.last_id(), (engine::kv::StreamId{5, 0}));
  EXPECT_EQ(s.entries_added(), 3u);
  engine::kv::StreamFields f;
  ASSERT_TRUE(s.Get({1, 1}, &f));
  EXPECT_EQ(f, (engine::kv::StreamFields{"a", "1", "b", "hello"}));
  ASSERT_TRUE(s.Get({5, 0}, &f));
  EXPECT_EQ(f, (engine::kv::StreamFields{"z", "300"}));
  const auto& g = s.groups().at("g");
  EXPECT_EQ(g.entries_read, 1);
  ASSERT_EQ(g.pel.size(), 1u);
  EXPECT_EQ(g.pel.begin()->second.consumer->name, "c1");
  EXPECT_EQ(g.consumers.size(), 2u);
  // Written back, it is the same bytes Redis wrote.
  EXPECT_EQ(Dump(v), payload);
}

TEST(Rdb, RejectsInconsistentStreams) {
  engine::kv::Stream::NewId id;
  id.kind = engine::kv::Stream::NewId::kExplicit;
  id.id = {1, 0};
  Value v = Value::Make(Type::kStream);
  ASSERT_EQ(v.stream().Add(id, 0, {"f", "v"}, nullptr), engine::kv::Stream::AddResult::kOk);
  std::string d = Dump(v);
  Value back;
  ASSERT_TRUE(Restore(d, &back).ok());
  EXPECT_EQ(back.stream().length(), 1u);
  // Claim a length of 2: the checksum is fixed up, the data is still wrong.
  std::string body = d.substr(0, d.size() - 10);
  size_t at = body.find(std::string("\xff\x01", 2));
  ASSERT_NE(at, std::string::npos);
  body[at + 1] = 2;
  std::string bad = body + d.substr(d.size() - 10, 2);
  uint64_t crc = Crc64(0, bad);
  for (int i = 0; i < 8; i++) bad.push_back(static_cast<char>((crc >> (i * 8)) & 0xff));
  Status st = Restore(bad, &back);
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(st.IsInvalidArgument());
}

}  // namespace
}  // namespace lumadb::protocol::resp::rdb

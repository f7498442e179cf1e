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

}  // namespace
}  // namespace lumadb::protocol::resp::rdb

#include "storage/key_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace lumadb::storage {
namespace {

TEST(KeyCodec, IntegersSortLikeNumbers) {
  std::vector<int64_t> vals = {std::numeric_limits<int64_t>::min(), -5, -1, 0, 1, 7, 1000,
                               std::numeric_limits<int64_t>::max()};
  std::vector<std::string> enc;
  for (int64_t v : vals) {
    std::string s;
    AppendI64(&s, v);
    enc.push_back(s);
  }
  EXPECT_TRUE(std::is_sorted(enc.begin(), enc.end()));
  std::string_view in = enc[1];
  int64_t back;
  ASSERT_TRUE(ConsumeI64(&in, &back));
  EXPECT_EQ(back, -5);
}

TEST(KeyCodec, DoublesSortLikeNumbers) {
  std::vector<double> vals = {-INFINITY, -1e300, -2.5, -0.0, 0.0, 1e-300, 3.0, INFINITY};
  std::vector<std::string> enc;
  for (double v : vals) {
    std::string s;
    AppendDouble(&s, v);
    enc.push_back(s);
  }
  EXPECT_TRUE(std::is_sorted(enc.begin(), enc.end()));
  for (size_t i = 0; i < vals.size(); i++) {
    std::string_view in = enc[i];
    double d;
    ASSERT_TRUE(ConsumeDouble(&in, &d));
    EXPECT_EQ(d, vals[i]);
  }
}

TEST(KeyCodec, EscapedStringsKeepPrefixOrder) {
  std::vector<std::string> vals = {std::string(""), std::string("a"), std::string("a\0", 2), std::string("a\0b", 3),
                                   std::string("ab"), std::string("b")};
  std::vector<std::string> enc;
  for (const auto& v : vals) {
    std::string s;
    AppendEscaped(&s, v);
    AppendU8(&s, 0xff);  // a following key part must not disturb the order
    enc.push_back(s);
  }
  EXPECT_TRUE(std::is_sorted(enc.begin(), enc.end()));
  for (size_t i = 0; i < vals.size(); i++) {
    std::string_view in = enc[i];
    std::string out;
    ASSERT_TRUE(ConsumeEscaped(&in, &out));
    EXPECT_EQ(out, vals[i]);
    EXPECT_EQ(in.size(), 1u);
  }
  std::string_view truncated = "abc";
  std::string out;
  EXPECT_FALSE(ConsumeEscaped(&truncated, &out));
}

TEST(KeyCodec, VarintsAndPrefixes) {
  std::string s;
  for (uint64_t v : {0ull, 127ull, 128ull, 300ull, ~0ull}) AppendVarint(&s, v);
  std::string_view in = s;
  for (uint64_t v : {0ull, 127ull, 128ull, 300ull, ~0ull}) {
    uint64_t got;
    ASSERT_TRUE(ConsumeVarint(&in, &got));
    EXPECT_EQ(got, v);
  }
  EXPECT_TRUE(in.empty());
  std::string_view bad = "\xff\xff";
  uint64_t v;
  EXPECT_FALSE(ConsumeVarint(&bad, &v));
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff", 1)), "");
}

}  // namespace
}  // namespace lumadb::storage

#include "engine/kv/hyperloglog.h"

#include <gtest/gtest.h>

#include <string>

namespace lumadb::engine::kv {
namespace {

// The expected values below were read from Debian's redis-server 7.0.15
// (PFDEBUG DECODE, PFCOUNT and GET of the same inputs); FNV-1a of GET's
// bytes stands in for the 12 KB values.
uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

// PFADD key e<from>..e<to-1> on a fresh key, as the command does it.
std::string AddRange(int from, int to, size_t sparse_max = kHllDefaultSparseMaxBytes) {
  std::string hll = HllNew();
  for (int i = from; i < to; i++) EXPECT_NE(HllAdd(&hll, "e" + std::to_string(i), sparse_max), HllUpdate::kCorrupt);
  HllInvalidateCache(&hll);
  return hll;
}

std::string Header(HllEncoding enc) {
  std::string h("HYLL", 4);
  h.push_back(static_cast<char>(enc));
  h.append(11, '\0');
  return h;
}

std::string Xzero(int len) { return {static_cast<char>(0x40 | ((len - 1) >> 8)), static_cast<char>((len - 1) & 0xff)}; }

TEST(HyperLogLog, NewIsOneXzeroOverEveryRegister) {
  std::string hll = HllNew();
  EXPECT_EQ(hll, Header(HllEncoding::kSparse) + "\x7f\xff");
  EXPECT_TRUE(HllIsValid(hll));
  EXPECT_TRUE(HllCacheIsValid(hll));
  EXPECT_EQ(HllDecodeSparse(hll), "Z:16384");
  uint64_t card = 99;
  ASSERT_TRUE(HllCount(hll, &card));
  EXPECT_EQ(card, 0u);
}

TEST(HyperLogLog, ElementsLandInRedisRegisters) {
  auto decode_one = [](std::string_view e) {
    std::string hll = HllNew();
    EXPECT_EQ(HllAdd(&hll, e, kHllDefaultSparseMaxBytes), HllUpdate::kChanged);
    return HllDecodeSparse(hll);
  };
  EXPECT_EQ(decode_one("a"), "Z:12711 v:2,1 Z:3672");
  EXPECT_EQ(decode_one("b"), "Z:15780 v:1,1 Z:603");
  EXPECT_EQ(decode_one(""), "Z:5938 v:2,1 Z:10445");
  EXPECT_EQ(decode_one("hello world"), "Z:9399 v:4,1 Z:6984");
  EXPECT_EQ(decode_one("0123456789abcdef"), "Z:5949 v:1,1 Z:10434");
  int index;
  EXPECT_EQ(HllPatternLength("c", &index), 1);
  EXPECT_EQ(index, 8436);
}

TEST(HyperLogLog, SparseBytesMatchRedis) {
  std::string hll = HllNew();
  for (const char* e : {"a", "b", "c"}) HllAdd(&hll, e, kHllDefaultSparseMaxBytes);
  EXPECT_EQ(HllAdd(&hll, "a", kHllDefaultSparseMaxBytes), HllUpdate::kUnchanged);
  EXPECT_EQ(hll.substr(16), std::string("\x60\xf3\x80\x50\xb1\x84\x4b\xfb\x80\x42\x5a", 11));
  EXPECT_EQ(HllDecodeSparse(hll), "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");
  EXPECT_FALSE(HllCacheIsValid(hll));  // a sparse update marks the cache stale
  uint64_t card;
  ASSERT_TRUE(HllCount(hll, &card));
  EXPECT_EQ(card, 3u);
  HllSetCachedCardinality(&hll, card);
  EXPECT_TRUE(HllCacheIsValid(hll));
  EXPECT_EQ(HllCachedCardinality(hll), 3u);
  EXPECT_EQ(hll.substr(8, 8), std::string("\x03\0\0\0\0\0\0\0", 8));
}

TEST(HyperLogLog, CountsAndBytesOfLargeSetsMatchRedis) {
  std::string s1000 = AddRange(0, 1000);
  EXPECT_EQ(HllEncodingOf(s1000), HllEncoding::kSparse);
  EXPECT_EQ(s1000.size(), 1906u);
  uint64_t card;
  ASSERT_TRUE(HllCount(s1000, &card));
  EXPECT_EQ(card, 1008u);
  HllSetCachedCardinality(&s1000, card);  // as PFCOUNT leaves it
  EXPECT_EQ(Fnv1a(s1000), 0x4ded8ea0046b668dull);

  std::string s1500 = AddRange(0, 1500);
  EXPECT_EQ(HllEncodingOf(s1500), HllEncoding::kSparse);
  EXPECT_EQ(s1500.size(), 2719u);
  EXPECT_EQ(Fnv1a(s1500), 0xd67ee50b81f2a28cull);

  // Promoted on the way past 3000 bytes.
  std::string s2000 = AddRange(0, 2000);
  EXPECT_EQ(HllEncodingOf(s2000), HllEncoding::kDense);
  EXPECT_EQ(Fnv1a(s2000), 0x1b5576fa1f6b8092ull);

  std::string s100k = AddRange(0, 100000);
  EXPECT_EQ(s100k.size(), kHllDenseSize);
  ASSERT_TRUE(HllCount(s100k, &card));
  EXPECT_EQ(card, 100853u);
  HllSetCachedCardinality(&s100k, card);
  EXPECT_EQ(Fnv1a(s100k), 0xfd1fc23694773e63ull);

  std::string other = AddRange(50000, 150000);
  EXPECT_EQ(Fnv1a(other), 0xde14cab4a250373aull);
  HllRegisters max{};
  ASSERT_TRUE(HllMergeInto(s100k, &max));
  ASSERT_TRUE(HllMergeInto(other, &max));
  EXPECT_EQ(HllCountRegisters(max), 149907u);  // PFCOUNT s100k o
}

TEST(HyperLogLog, MergeIntoANewKeyMatchesRedisPfmerge) {
  std::string s1000 = AddRange(0, 1000);
  std::string other = AddRange(50000, 150000);
  HllRegisters max{};
  ASSERT_TRUE(HllMergeInto(s1000, &max));
  ASSERT_TRUE(HllMergeInto(other, &max));
  std::string dest = HllNew();
  ASSERT_TRUE(HllToDense(&dest));  // a source was dense
  for (int i = 0; i < kHllRegisters; i++) {
    if (max[i] != 0) HllRaise(&dest, i, max[i], kHllDefaultSparseMaxBytes);
  }
  HllInvalidateCache(&dest);
  EXPECT_EQ(Fnv1a(dest), 0x6b5b5f1aee7d27deull);
}

TEST(HyperLogLog, SparseStaysUnderItsLimitAndAgreesWithDense) {
  for (size_t limit : {size_t{40}, size_t{300}, kHllDefaultSparseMaxBytes}) {
    std::string sparse = HllNew();
    std::string dense = HllNew();
    ASSERT_TRUE(HllToDense(&dense));
    bool promoted = false;
    for (int i = 0; i < 3000; i++) {
      std::string e = "x" + std::to_string(i);
      HllUpdate a = HllAdd(&sparse, e, limit);
      HllUpdate b = HllAdd(&dense, e, limit);
      ASSERT_EQ(a, b) << "element " << i;
      if (HllEncodingOf(sparse) == HllEncoding::kSparse) {
        ASSERT_LE(sparse.size(), limit);
      } else {
        promoted = true;
      }
    }
    EXPECT_TRUE(promoted);
    EXPECT_EQ(sparse.substr(16), dense.substr(16));
  }
}

TEST(HyperLogLog, ToDenseKeepsRegistersAndHeader) {
  std::string hll = AddRange(0, 500);
  HllSetCachedCardinality(&hll, 12345);
  HllRegisters before{};
  ASSERT_TRUE(HllMergeInto(hll, &before));
  ASSERT_TRUE(HllToDense(&hll));
  EXPECT_EQ(hll.size(), kHllDenseSize);
  EXPECT_EQ(HllCachedCardinality(hll), 12345u);
  for (int i = 0; i < kHllRegisters; i++) ASSERT_EQ(HllDenseRegister(hll, i), before[i]) << i;
  EXPECT_TRUE(HllToDense(&hll));  // already dense: nothing to do
}

TEST(HyperLogLog, RaiseNeedingMoreThan32BitsPromotes) {
  std::string hll = HllNew();
  EXPECT_EQ(HllRaise(&hll, 7, 32, kHllDefaultSparseMaxBytes), HllUpdate::kChanged);
  EXPECT_EQ(HllEncodingOf(hll), HllEncoding::kSparse);
  EXPECT_EQ(HllRaise(&hll, 7, 20, kHllDefaultSparseMaxBytes), HllUpdate::kUnchanged);
  EXPECT_EQ(HllRaise(&hll, 16383, 33, kHllDefaultSparseMaxBytes), HllUpdate::kChanged);
  EXPECT_EQ(HllEncodingOf(hll), HllEncoding::kDense);
  EXPECT_EQ(HllDenseRegister(hll, 7), 32);
  EXPECT_EQ(HllDenseRegister(hll, 16383), 33);
  EXPECT_EQ(HllDenseRegister(hll, 16382), 0);
}

TEST(HyperLogLog, AdjacentEqualValuesMerge) {
  std::string hll = HllNew();
  for (int i : {10, 12, 11}) HllRaise(&hll, i, 3, kHllDefaultSparseMaxBytes);
  EXPECT_EQ(HllDecodeSparse(hll), "z:10 v:3,3 Z:16371");
  HllRaise(&hll, 13, 3, kHllDefaultSparseMaxBytes);
  HllRaise(&hll, 14, 3, kHllDefaultSparseMaxBytes);
  EXPECT_EQ(HllDecodeSparse(hll), "z:10 v:3,4 v:3,1 Z:16369");  // a VAL holds 4 at most
}

TEST(HyperLogLog, HeaderChecks) {
  EXPECT_FALSE(HllIsValid(""));
  EXPECT_FALSE(HllIsValid("HYLL"));
  EXPECT_FALSE(HllIsValid(Header(HllEncoding::kSparse).substr(0, 15)));
  EXPECT_TRUE(HllIsValid(Header(HllEncoding::kSparse)));  // empty body: valid header, corrupt body
  EXPECT_FALSE(HllIsValid(Header(HllEncoding::kDense)));  // dense must be exactly 12304 bytes
  std::string dense = Header(HllEncoding::kDense);
  dense.resize(kHllDenseSize);
  EXPECT_TRUE(HllIsValid(dense));
  dense.push_back('\0');
  EXPECT_FALSE(HllIsValid(dense));
  std::string bad = HllNew();
  bad[4] = 2;
  EXPECT_FALSE(HllIsValid(bad));
  bad = HllNew();
  bad[0] = 'h';
  EXPECT_FALSE(HllIsValid(bad));
}

TEST(HyperLogLog, CorruptSparseBodiesAreReported) {
  const std::string h = Header(HllEncoding::kSparse);
  // Too short, too long, a VAL past the end, an empty body, an XZERO cut off.
  for (const std::string& hll : {h + Xzero(100), h + Xzero(16384) + '\0', h + Xzero(16384) + '\x80',
                                 h + std::string(4097, '\x9f'), h, h + Xzero(16383) + '\x81', h + "\x7f"}) {
    uint64_t card;
    EXPECT_FALSE(HllCount(hll, &card));
    HllRegisters max{};
    EXPECT_FALSE(HllMergeInto(hll, &max));
    std::string copy = hll;
    EXPECT_FALSE(HllToDense(&copy));
    EXPECT_EQ(copy, hll);
  }
  // A register the opcodes do not reach cannot be set; one they reach can.
  std::string short_body = h + Xzero(100);
  EXPECT_EQ(HllRaise(&short_body, 500, 1, kHllDefaultSparseMaxBytes), HllUpdate::kCorrupt);
  EXPECT_EQ(HllRaise(&short_body, 50, 1, kHllDefaultSparseMaxBytes), HllUpdate::kChanged);
  EXPECT_EQ(HllDecodeSparse(short_body), "z:50 v:1,1 z:49");
  std::string empty = h;
  EXPECT_EQ(HllRaise(&empty, 0, 1, kHllDefaultSparseMaxBytes), HllUpdate::kCorrupt);
  EXPECT_EQ(HllRaise(&empty, 0, 40, kHllDefaultSparseMaxBytes), HllUpdate::kCorrupt);
  EXPECT_EQ(empty, h);
}

TEST(HyperLogLog, ExactlyCoveringValsAreValid) {
  std::string hll = Header(HllEncoding::kSparse) + std::string(4096, '\x9f');  // every register at 8
  uint64_t card;
  ASSERT_TRUE(HllCount(hll, &card));
  EXPECT_EQ(card, 3025551u);  // what redis-server answers for it
}

TEST(HyperLogLog, SaturatedRegistersGiveRedisOutOfRangeCount) {
  // Every register at 50 or more makes the estimate infinite; Redis answers
  // the bits of LLONG_MIN.
  std::string dense = Header(HllEncoding::kDense);
  dense.resize(kHllDenseSize);
  ASSERT_TRUE(HllIsValid(dense));
  for (int i = 0; i < kHllRegisters; i++) HllRaise(&dense, i, 50, kHllDefaultSparseMaxBytes);
  uint64_t card;
  ASSERT_TRUE(HllCount(dense, &card));
  EXPECT_EQ(card, 1ull << 63);
  HllRegisters max;
  max.fill(40);
  EXPECT_EQ(HllCountRegisters(max), 12994641697113596ull);
  max.fill(1);
  EXPECT_EQ(HllCountRegisters(max), 23637u);
}

TEST(HyperLogLog, SelfTestPasses) {
  std::string error;
  EXPECT_TRUE(HllSelfTest(kHllDefaultSparseMaxBytes, &error)) << error;
}

}  // namespace
}  // namespace lumadb::engine::kv

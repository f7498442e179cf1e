#include "engine/kv/hyperloglog.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

namespace lumadb::engine::kv {
namespace {

constexpr size_t kEncodingOffset = 4;
constexpr size_t kCardOffset = 8;
constexpr uint8_t kRegisterMax = (1 << kHllBits) - 1;

// Sparse opcodes.
constexpr uint8_t kXZeroBit = 0x40;
constexpr uint8_t kValBit = 0x80;
constexpr int kValMaxValue = 32;
constexpr int kValMaxLen = 4;
constexpr int kZeroMaxLen = 64;
constexpr int kXZeroMaxLen = 16384;

constexpr double kAlphaInf = 0.721347520444481703680;  // 0.5 / ln(2)

bool IsZero(uint8_t op) { return (op & 0xc0) == 0; }
bool IsXZero(uint8_t op) { return (op & 0xc0) == kXZeroBit; }
bool IsVal(uint8_t op) { return (op & kValBit) != 0; }
int ZeroLen(uint8_t op) { return (op & 0x3f) + 1; }
int XZeroLen(uint8_t op, uint8_t next) { return (((op & 0x3f) << 8) | next) + 1; }
int ValValue(uint8_t op) { return ((op >> 2) & 0x1f) + 1; }
int ValLen(uint8_t op) { return (op & 0x3) + 1; }
uint8_t MakeVal(int value, int len) { return static_cast<uint8_t>(((value - 1) << 2) | (len - 1) | kValBit); }
uint8_t MakeZero(int len) { return static_cast<uint8_t>(len - 1); }

uint8_t ByteAt(std::string_view s, size_t i) { return static_cast<uint8_t>(s[i]); }
// Redis reads the second byte of an XZERO cut off by the end of the string
// from the string's terminating NUL; so do we.
uint8_t ByteOrZero(std::string_view s, size_t i) { return i < s.size() ? static_cast<uint8_t>(s[i]) : 0; }

// Appends a run of `len` zero registers: ZERO up to 64, XZERO above.
void PutZeros(uint8_t* seq, int* n, int len) {
  if (len > kZeroMaxLen) {
    seq[(*n)++] = static_cast<uint8_t>(((len - 1) >> 8) | kXZeroBit);
    seq[(*n)++] = static_cast<uint8_t>((len - 1) & 0xff);
  } else {
    seq[(*n)++] = MakeZero(len);
  }
}

// ---- Dense registers: 6 bits each, from the low bit of each byte up. A
// register starting at bit 0 or 2 of its byte lies in that byte alone; at
// bit 4 or 6 it continues in the next one.

uint8_t GetRegister(const uint8_t* regs, int index) {
  size_t bit = static_cast<size_t>(index) * kHllBits;
  size_t byte = bit / 8, fb = bit & 7;
  unsigned v = regs[byte] >> fb;
  if (fb > 8 - kHllBits) v |= static_cast<unsigned>(regs[byte + 1]) << (8 - fb);
  return static_cast<uint8_t>(v & kRegisterMax);
}

void SetRegister(uint8_t* regs, int index, uint8_t value) {
  size_t bit = static_cast<size_t>(index) * kHllBits;
  size_t byte = bit / 8, fb = bit & 7;
  regs[byte] = static_cast<uint8_t>((regs[byte] & ~(kRegisterMax << fb)) | (value << fb));
  if (fb > 8 - kHllBits) {
    regs[byte + 1] = static_cast<uint8_t>((regs[byte + 1] & ~(kRegisterMax >> (8 - fb))) | (value >> (8 - fb)));
  }
}

uint8_t* DenseRegisters(std::string* hll) { return reinterpret_cast<uint8_t*>(hll->data()) + kHllHeaderSize; }
const uint8_t* DenseRegisters(std::string_view hll) {
  return reinterpret_cast<const uint8_t*>(hll.data()) + kHllHeaderSize;
}

HllUpdate DenseRaise(std::string* hll, int index, uint8_t count) {
  uint8_t* regs = DenseRegisters(hll);
  if (count <= GetRegister(regs, index)) return HllUpdate::kUnchanged;
  SetRegister(regs, index, count);
  return HllUpdate::kChanged;
}

// ---- Histograms and the estimator. Register values reach 63 at most, so 64
// slots hold every histogram, even of a value that is nonsense.
using Histogram = std::array<int64_t, 64>;

void DenseHistogram(const uint8_t* regs, Histogram* h) {
  // Four registers in every three bytes.
  for (int i = 0; i < kHllRegisters / 4; i++, regs += 3) {
    unsigned b0 = regs[0], b1 = regs[1], b2 = regs[2];
    (*h)[b0 & 63]++;
    (*h)[((b0 >> 6) | (b1 << 2)) & 63]++;
    (*h)[((b1 >> 4) | (b2 << 4)) & 63]++;
    (*h)[(b2 >> 2) & 63]++;
  }
}

// False if the opcodes do not cover exactly kHllRegisters registers.
bool SparseHistogram(std::string_view hll, Histogram* h) {
  int64_t idx = 0;
  size_t p = kHllHeaderSize;
  while (p < hll.size()) {
    uint8_t op = ByteAt(hll, p);
    if (IsZero(op)) {
      idx += ZeroLen(op);
      (*h)[0] += ZeroLen(op);
      p++;
    } else if (IsXZero(op)) {
      int len = XZeroLen(op, ByteOrZero(hll, p + 1));
      idx += len;
      (*h)[0] += len;
      p += 2;
    } else {
      idx += ValLen(op);
      (*h)[ValValue(op)] += ValLen(op);
      p++;
    }
  }
  return idx == kHllRegisters;
}

// sigma and tau from Otmar Ertl, "New cardinality estimation algorithms for
// HyperLogLog sketches" (arXiv:1702.01284), iterated until the sum stops
// changing, in the same operation order as Redis so results match bit for bit.
double Sigma(double x) {
  if (x == 1.) return INFINITY;
  double z_prev;
  double y = 1;
  double z = x;
  do {
    x *= x;
    z_prev = z;
    z += x * y;
    y += y;
  } while (z_prev != z);
  return z;
}

double Tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double z_prev;
  double y = 1.0;
  double z = 1 - x;
  do {
    x = std::sqrt(x);
    z_prev = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (z_prev != z);
  return z / 3;
}

uint64_t Estimate(const Histogram& h) {
  const double m = kHllRegisters;
  double z = m * Tau((m - static_cast<double>(h[kHllQ + 1])) / m);
  for (int j = kHllQ; j >= 1; --j) {
    z += static_cast<double>(h[j]);
    z *= 0.5;
  }
  z += m * Sigma(static_cast<double>(h[0]) / m);
  double e = kAlphaInf * m * m / z;
  // Redis rounds with llroundl, which on x86-64 answers LLONG_MIN for a value
  // out of range (registers all at 50 or more give an infinite estimate); the
  // bits of that, as an unsigned count, are 2^63.
  if (!(e < 9223372036854775808.0)) return 1ull << 63;
  return static_cast<uint64_t>(std::llround(e));
}

// Calls fn(first, len, value) for every VAL run of a sparse body, in order.
// False as soon as an opcode would run past the last register, or if the
// opcodes end short of it: Redis 7.0.15 as Debian ships it (with the fix for
// CVE-2025-32023) rejects both when converting or merging, and so nothing is
// written out of range.
template <typename Fn>
bool ForEachRun(std::string_view hll, Fn fn) {
  int idx = 0;
  size_t p = kHllHeaderSize;
  while (p < hll.size()) {
    uint8_t op = ByteAt(hll, p);
    int len;
    if (IsZero(op)) {
      len = ZeroLen(op);
      p++;
    } else if (IsXZero(op)) {
      len = XZeroLen(op, ByteOrZero(hll, p + 1));
      p += 2;
    } else {
      len = ValLen(op);
      p++;
    }
    if (len > kHllRegisters - idx) return false;
    if (IsVal(op)) fn(idx, len, static_cast<uint8_t>(ValValue(op)));
    idx += len;
  }
  return idx == kHllRegisters;
}

HllUpdate SparseRaise(std::string* hll, int index, uint8_t count, size_t sparse_max_bytes);

// Sparse -> dense, then the register update that needed it. Converting means
// a register had to grow, so the dense update changes it.
HllUpdate Promote(std::string* hll, int index, uint8_t count) {
  if (!HllToDense(hll)) return HllUpdate::kCorrupt;
  return DenseRaise(hll, index, count);
}

// Redis's hllSparseSet: find the opcode covering `index`, split it into at
// most three (XZERO-VAL-XZERO being the longest, 5 bytes) and put the
// result in its place, then merge adjacent equal VAL opcodes.
HllUpdate SparseRaise(std::string* hll, int index, uint8_t count, size_t sparse_max_bytes) {
  if (count > kValMaxValue) return Promote(hll, index, count);
  std::string& s = *hll;

  // Step 1: the opcode at p covers registers first..first+span-1.
  const size_t end = s.size();
  size_t p = kHllHeaderSize;
  size_t prev = 0;  // 0: none (offset 0 is inside the header)
  int64_t first = 0, span = 0;
  while (p < end) {
    uint8_t op = ByteAt(s, p);
    size_t oplen = 1;
    if (IsZero(op)) {
      span = ZeroLen(op);
    } else if (IsVal(op)) {
      span = ValLen(op);
    } else {
      span = XZeroLen(op, ByteOrZero(s, p + 1));
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span == 0 || p >= end) return HllUpdate::kCorrupt;

  const uint8_t op = ByteAt(s, p);
  const bool is_xzero = IsXZero(op);
  const bool is_zero = IsZero(op);
  const bool is_val = IsVal(op);
  const int runlen = is_zero ? ZeroLen(op) : is_xzero ? static_cast<int>(span) : ValLen(op);

  bool trivial = false;
  if (is_val) {
    if (ValValue(op) >= count) return HllUpdate::kUnchanged;
    if (runlen == 1) {  // a VAL of this register alone: just raise it
      s[p] = static_cast<char>(MakeVal(count, 1));
      trivial = true;
    }
  }
  if (is_zero && runlen == 1) {  // a single zero register: becomes a VAL
    s[p] = static_cast<char>(MakeVal(count, 1));
    trivial = true;
  }

  if (!trivial) {
    // Step 2: the replacement sequence.
    uint8_t seq[5];
    int n = 0;
    const int64_t last = first + span - 1;
    if (is_zero || is_xzero) {
      if (index != first) PutZeros(seq, &n, static_cast<int>(index - first));
      seq[n++] = MakeVal(count, 1);
      if (index != last) PutZeros(seq, &n, static_cast<int>(last - index));
    } else {
      int cur = ValValue(op);
      if (index != first) seq[n++] = MakeVal(cur, static_cast<int>(index - first));
      seq[n++] = MakeVal(count, 1);
      if (index != last) seq[n++] = MakeVal(cur, static_cast<int>(last - index));
    }
    // Step 3: put it in place of the old opcode, unless the value would grow
    // past the sparse limit. An XZERO cut off by the end of the string has
    // one byte only; Redis still counts it as two, and so the result is one
    // byte shorter than the sequence written.
    const int oldlen = is_xzero ? 2 : 1;
    const int64_t delta = n - oldlen;
    if (delta > 0 && end + delta > sparse_max_bytes) return Promote(hll, index, count);
    s.replace(p, std::min<size_t>(oldlen, end - p), reinterpret_cast<const char*>(seq), n);
    s.resize(end + delta);
  }

  // Step 4: merge adjacent VAL opcodes of the same value, scanning up to five
  // opcodes from the one before the change.
  size_t q = prev != 0 ? prev : kHllHeaderSize;
  int scanlen = 5;
  while (q < s.size() && scanlen--) {
    uint8_t a = ByteAt(s, q);
    if (IsXZero(a)) {
      q += 2;
      continue;
    }
    if (IsZero(a)) {
      q++;
      continue;
    }
    if (q + 1 < s.size() && IsVal(ByteAt(s, q + 1))) {
      uint8_t b = ByteAt(s, q + 1);
      int len = ValLen(a) + ValLen(b);
      if (ValValue(a) == ValValue(b) && len <= kValMaxLen) {
        s[q + 1] = static_cast<char>(MakeVal(ValValue(a), len));
        s.erase(q, 1);
        continue;  // the merged opcode may merge with the next one too
      }
    }
    q++;
  }
  HllInvalidateCache(hll);
  return HllUpdate::kChanged;
}

}  // namespace

uint64_t MurmurHash64A(std::string_view data, uint64_t seed) {
  const uint64_t m = 0xc6a4a7935bd1e995ull;
  const int r = 47;
  const size_t len = data.size();
  uint64_t h = seed ^ (static_cast<uint64_t>(len) * m);
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  const uint8_t* end = p + (len - (len & 7));
  for (; p != end; p += 8) {
    uint64_t k = 0;
    for (int i = 7; i >= 0; i--) k = (k << 8) | p[i];  // little endian on every host
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  switch (len & 7) {
    case 7: h ^= static_cast<uint64_t>(p[6]) << 48; [[fallthrough]];
    case 6: h ^= static_cast<uint64_t>(p[5]) << 40; [[fallthrough]];
    case 5: h ^= static_cast<uint64_t>(p[4]) << 32; [[fallthrough]];
    case 4: h ^= static_cast<uint64_t>(p[3]) << 24; [[fallthrough]];
    case 3: h ^= static_cast<uint64_t>(p[2]) << 16; [[fallthrough]];
    case 2: h ^= static_cast<uint64_t>(p[1]) << 8; [[fallthrough]];
    case 1:
      h ^= static_cast<uint64_t>(p[0]);
      h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

int HllPatternLength(std::string_view element, int* index) {
  uint64_t hash = MurmurHash64A(element, kHllHashSeed);
  *index = static_cast<int>(hash & (kHllRegisters - 1));
  hash >>= kHllP;
  hash |= 1ull << kHllQ;  // the run ends by bit Q at the latest: count <= Q+1
  return __builtin_ctzll(hash) + 1;
}

std::string HllNew() {
  std::string s(kHllHeaderSize, '\0');
  memcpy(s.data(), "HYLL", 4);
  s[kEncodingOffset] = static_cast<char>(HllEncoding::kSparse);
  for (int left = kHllRegisters; left > 0; left -= kXZeroMaxLen) {
    int len = std::min(left, kXZeroMaxLen);
    s.push_back(static_cast<char>(((len - 1) >> 8) | kXZeroBit));
    s.push_back(static_cast<char>((len - 1) & 0xff));
  }
  return s;
}

bool HllIsValid(std::string_view value) {
  if (value.size() < kHllHeaderSize || value.substr(0, 4) != "HYLL") return false;
  uint8_t enc = ByteAt(value, kEncodingOffset);
  if (enc > static_cast<uint8_t>(HllEncoding::kSparse)) return false;
  return enc != static_cast<uint8_t>(HllEncoding::kDense) || value.size() == kHllDenseSize;
}

HllEncoding HllEncodingOf(std::string_view hll) { return static_cast<HllEncoding>(ByteAt(hll, kEncodingOffset)); }

bool HllCacheIsValid(std::string_view hll) { return (ByteAt(hll, kCardOffset + 7) & 0x80) == 0; }

uint64_t HllCachedCardinality(std::string_view hll) {
  uint64_t card = 0;
  for (int i = 7; i >= 0; i--) card = (card << 8) | ByteAt(hll, kCardOffset + i);
  return card;
}

void HllSetCachedCardinality(std::string* hll, uint64_t card) {
  for (int i = 0; i < 8; i++) (*hll)[kCardOffset + i] = static_cast<char>((card >> (8 * i)) & 0xff);
}

void HllInvalidateCache(std::string* hll) {
  (*hll)[kCardOffset + 7] = static_cast<char>(ByteAt(*hll, kCardOffset + 7) | 0x80);
}

HllUpdate HllRaise(std::string* hll, int index, uint8_t count, size_t sparse_max_bytes) {
  if (HllEncodingOf(*hll) == HllEncoding::kDense) return DenseRaise(hll, index, count);
  return SparseRaise(hll, index, count, sparse_max_bytes);
}

HllUpdate HllAdd(std::string* hll, std::string_view element, size_t sparse_max_bytes) {
  int index;
  int count = HllPatternLength(element, &index);
  return HllRaise(hll, index, static_cast<uint8_t>(count), sparse_max_bytes);
}

bool HllToDense(std::string* hll) {
  if (HllEncodingOf(*hll) == HllEncoding::kDense) return true;
  const std::string_view s = *hll;
  std::string dense(kHllDenseSize, '\0');
  memcpy(dense.data(), s.data(), kHllHeaderSize);
  dense[kEncodingOffset] = static_cast<char>(HllEncoding::kDense);
  uint8_t* regs = DenseRegisters(&dense);
  bool ok = ForEachRun(s, [&](int first, int len, uint8_t value) {
    for (int i = 0; i < len; i++) SetRegister(regs, first + i, value);
  });
  if (!ok) return false;
  *hll = std::move(dense);
  return true;
}

bool HllMergeInto(std::string_view hll, HllRegisters* max) {
  if (HllEncodingOf(hll) == HllEncoding::kDense) {
    const uint8_t* regs = DenseRegisters(hll);
    for (int i = 0; i < kHllRegisters; i++) (*max)[i] = std::max((*max)[i], GetRegister(regs, i));
    return true;
  }
  return ForEachRun(hll, [&](int first, int len, uint8_t value) {
    for (int i = first; i < first + len; i++) (*max)[i] = std::max((*max)[i], value);
  });
}

bool HllCount(std::string_view hll, uint64_t* card) {
  Histogram h{};
  if (HllEncodingOf(hll) == HllEncoding::kDense) {
    DenseHistogram(DenseRegisters(hll), &h);
  } else if (!SparseHistogram(hll, &h)) {
    return false;
  }
  *card = Estimate(h);
  return true;
}

uint64_t HllCountRegisters(const HllRegisters& registers) {
  Histogram h{};
  for (uint8_t r : registers) h[r & 63]++;
  return Estimate(h);
}

uint8_t HllDenseRegister(std::string_view hll, int index) { return GetRegister(DenseRegisters(hll), index); }

std::string HllDecodeSparse(std::string_view hll) {
  std::string out;
  size_t p = kHllHeaderSize;
  while (p < hll.size()) {
    uint8_t op = ByteAt(hll, p);
    if (!out.empty()) out.push_back(' ');
    if (IsZero(op)) {
      out += "z:" + std::to_string(ZeroLen(op));
      p++;
    } else if (IsXZero(op)) {
      out += "Z:" + std::to_string(XZeroLen(op, ByteOrZero(hll, p + 1)));
      p += 2;
    } else {
      out += "v:" + std::to_string(ValValue(op)) + "," + std::to_string(ValLen(op));
      p++;
    }
  }
  return out;
}

bool HllSelfTest(size_t sparse_max_bytes, std::string* error) {
  std::mt19937_64 rng(std::random_device{}());
  std::string dense(kHllDenseSize, '\0');
  memcpy(dense.data(), "HYLL", 4);
  uint8_t* regs = DenseRegisters(&dense);

  // Test 1: every register keeps its value and leaves its neighbours alone.
  HllRegisters expect;
  for (int cycle = 0; cycle < 1000; cycle++) {
    for (int i = 0; i < kHllRegisters; i++) {
      expect[i] = static_cast<uint8_t>(rng() & kRegisterMax);
      SetRegister(regs, i, expect[i]);
    }
    for (int i = 0; i < kHllRegisters; i++) {
      uint8_t got = GetRegister(regs, i);
      if (got != expect[i]) {
        *error = "TESTFAILED Register " + std::to_string(i) + " should be " + std::to_string(expect[i]) +
                 " but is " + std::to_string(got);
        return false;
      }
    }
  }

  // Test 2: the estimate of a dense and a sparse HLL fed the same distinct
  // elements agrees, and stays within six standard errors.
  memset(regs, 0, kHllDenseSize - kHllHeaderSize);
  std::string sparse = HllNew();
  const double relerr = 1.04 / std::sqrt(static_cast<double>(kHllRegisters));
  const uint64_t seed = rng();
  int64_t checkpoint = 1;
  for (int64_t j = 1; j <= 10000000; j++) {
    uint64_t ele = static_cast<uint64_t>(j) ^ seed;
    char bytes[8];
    memcpy(bytes, &ele, 8);
    std::string_view e(bytes, 8);
    int index;
    uint8_t count = static_cast<uint8_t>(HllPatternLength(e, &index));
    DenseRaise(&dense, index, count);
    HllRaise(&sparse, index, count, sparse_max_bytes);
    if (j != checkpoint) continue;
    if (static_cast<size_t>(j) < sparse_max_bytes / 2 && HllEncodingOf(sparse) != HllEncoding::kSparse) {
      *error = "TESTFAILED sparse encoding not used";
      return false;
    }
    uint64_t a = 0, b = 0;
    if (!HllCount(dense, &a) || !HllCount(sparse, &b) || a != b) {
      *error = "TESTFAILED dense/sparse disagree";
      return false;
    }
    int64_t abserr = checkpoint - static_cast<int64_t>(a);
    if (abserr < 0) abserr = -abserr;
    // Cardinality 10 is held to 1: collisions there are rare enough.
    int64_t maxerr = j == 10 ? 1 : static_cast<int64_t>(std::ceil(relerr * 6 * static_cast<double>(checkpoint)));
    if (abserr > maxerr) {
      *error = "TESTFAILED Too big error. card:" + std::to_string(checkpoint) + " abserr:" + std::to_string(abserr);
      return false;
    }
    checkpoint *= 10;
  }
  return true;
}

}  // namespace lumadb::engine::kv

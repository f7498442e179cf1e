// libFuzzer target: HyperLogLog values read from a key (so any bytes a
// client could SET) must never make count, add, merge, conversion or decode
// crash or touch memory out of bounds. For values whose sparse body is
// valid, the sparse code must also agree register for register with the
// plain dense model (except for one a truncated final XZERO opcode makes
// "valid": Redis reads its missing byte as 0 and its updates then lose a
// byte, and so do ours).
//
// Input: byte 0 picks the mode (bit 0: build a valid header in front of the
// rest, so the fuzzer spends its time on bodies; bit 1: dense or sparse
// header), byte 1 the sparse size limit, then the value.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/kv/hyperloglog.h"

namespace kv = lumadb::engine::kv;
using kv::HllEncoding;
using kv::HllRegisters;
using kv::HllUpdate;

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

// False when a sparse body's last opcode is an XZERO missing its second byte.
bool EndsCleanly(std::string_view hll) {
  if (kv::HllEncodingOf(hll) == HllEncoding::kDense) return true;
  size_t p = kv::kHllHeaderSize;
  while (p < hll.size()) p += (static_cast<uint8_t>(hll[p]) & 0xc0) == 0x40 ? 2 : 1;
  return p == hll.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t mode = data[0];
  const size_t sparse_max = 16 + static_cast<size_t>(data[1]) * 16;  // 16..4096
  std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);

  std::string hll;
  if (mode & 1) {
    hll.assign("HYLL", 4);
    hll.push_back(static_cast<char>((mode >> 1) & 1));
    hll.append(11, '\0');
    hll.append(rest);
    if (kv::HllEncodingOf(hll) == HllEncoding::kDense) hll.resize(kv::kHllDenseSize, '\0');
  } else {
    hll.assign(rest);
  }
  if (!kv::HllIsValid(hll)) return 0;

  (void)kv::HllCacheIsValid(hll);
  (void)kv::HllCachedCardinality(hll);
  uint64_t card = 0;
  const bool valid = kv::HllCount(hll, &card);
  const bool model = valid && EndsCleanly(hll);
  HllRegisters max{};
  Check(kv::HllMergeInto(hll, &max) == valid);
  std::string dense = hll;
  Check(kv::HllToDense(&dense) == valid);
  if (kv::HllEncodingOf(hll) == HllEncoding::kSparse) (void)kv::HllDecodeSparse(hll);
  if (valid) {
    Check(kv::HllCountRegisters(max) == card);
    for (int i = 0; i < kv::kHllRegisters; i++) Check(kv::HllDenseRegister(dense, i) == max[i]);
  }

  // Raise registers chosen by the input, as PFADD and PFMERGE do, on the
  // value itself and, when the model applies, on its dense twin.
  std::string_view ops = rest.substr(0, 64);
  for (size_t i = 0; i + 2 < ops.size(); i += 3) {
    int index = ((static_cast<uint8_t>(ops[i]) << 8) | static_cast<uint8_t>(ops[i + 1])) & (kv::kHllRegisters - 1);
    uint8_t count = static_cast<uint8_t>(static_cast<uint8_t>(ops[i + 2]) % 63 + 1);
    HllUpdate a = kv::HllRaise(&hll, index, count, sparse_max);
    Check(kv::HllIsValid(hll));
    if (!model) continue;
    HllUpdate b = kv::HllRaise(&dense, index, count, sparse_max);
    Check(a == b);
    if (kv::HllEncodingOf(hll) == HllEncoding::kSparse) Check(hll.size() <= std::max(sparse_max, rest.size() + 16));
  }
  HllUpdate added = kv::HllAdd(&hll, rest.substr(0, 16), sparse_max);
  Check(kv::HllIsValid(hll));
  if (model) {
    Check(added == kv::HllAdd(&dense, rest.substr(0, 16), sparse_max));
    HllRegisters after{};
    Check(kv::HllMergeInto(hll, &after));
    for (int i = 0; i < kv::kHllRegisters; i++) Check(kv::HllDenseRegister(dense, i) == after[i]);
    uint64_t c1 = 0, c2 = 0;
    Check(kv::HllCount(hll, &c1) && kv::HllCount(dense, &c2) && c1 == c2);
  } else {
    (void)kv::HllCount(hll, &card);
  }
  return 0;
}

#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// Redis's HyperLogLog, kept in a plain string value exactly as redis-server
// 7.0 keeps it, so GET, DUMP and PFCOUNT answer the same bytes and numbers.
//
// Layout: a 16-byte header, then the registers.
//   "HYLL" | encoding (0 dense, 1 sparse) | 3 unused bytes | cached cardinality
//   (8 bytes, little endian; bit 7 of the last byte set = stale, recompute)
// Dense: 16384 registers of 6 bits, packed from the least significant bit of
//   each byte upwards (12288 bytes, so a dense value is 12304 bytes).
// Sparse: run-length opcodes covering the 16384 registers in order:
//   ZERO  00xxxxxx           xxxxxx+1 registers (1..64) are 0
//   XZERO 01xxxxxx yyyyyyyy  xxxxxxyyyyyyyy+1 registers (1..16384) are 0
//   VAL   1vvvvvxx           xx+1 registers (1..4) hold vvvvv+1 (1..32)
// A sparse value becomes dense when a register needs more than 32 or when
// the string would grow past hll-sparse-max-bytes.
//
// Every function taking a value requires HllIsValid(value) to hold; a sparse
// body that does not cover exactly 16384 registers ("corrupt") is reported,
// never read or written out of bounds.
namespace lumadb::engine::kv {

inline constexpr int kHllP = 14;                  // register index bits
inline constexpr int kHllQ = 64 - kHllP;          // hash bits left for the 0...01 run
inline constexpr int kHllRegisters = 1 << kHllP;  // 16384
inline constexpr int kHllBits = 6;
inline constexpr size_t kHllHeaderSize = 16;
inline constexpr size_t kHllDenseSize = kHllHeaderSize + (kHllRegisters * kHllBits + 7) / 8;  // 12304
// Redis's hll-sparse-max-bytes default: the largest sparse value in bytes,
// header included.
inline constexpr size_t kHllDefaultSparseMaxBytes = 3000;
// The seed Redis hashes elements with.
inline constexpr uint64_t kHllHashSeed = 0xadc83b19ull;

enum class HllEncoding : uint8_t { kDense = 0, kSparse = 1 };

// Result of adding to or raising a register of an HLL.
enum class HllUpdate {
  kUnchanged,  // the register already held at least that value
  kChanged,    // a register grew (the value may also have become dense)
  kCorrupt,    // the sparse body is invalid; the value is left as it was
};

// One byte per register: the form unions are computed in.
using HllRegisters = std::array<uint8_t, kHllRegisters>;

// MurmurHash2, 64-bit version, as Redis computes it (endian neutral).
uint64_t MurmurHash64A(std::string_view data, uint64_t seed);

// The register `element` maps to (*index) and the length of the 0...01
// pattern of the rest of its hash: 1..kHllQ+1.
int HllPatternLength(std::string_view element, int* index);

// A new empty HLL: sparse, one XZERO covering every register, cached
// cardinality 0 (valid). 18 bytes.
std::string HllNew();

// Redis's header check: at least 16 bytes, "HYLL", a known encoding, and a
// dense value of exactly kHllDenseSize bytes. A sparse body is not checked.
bool HllIsValid(std::string_view value);
HllEncoding HllEncodingOf(std::string_view hll);

// The cached cardinality and its validity bit.
bool HllCacheIsValid(std::string_view hll);
uint64_t HllCachedCardinality(std::string_view hll);
void HllSetCachedCardinality(std::string* hll, uint64_t card);
void HllInvalidateCache(std::string* hll);

// Adds one element. May turn a sparse value dense (past sparse_max_bytes or
// for a register above 32). A sparse update also marks the cache stale; a
// dense one does not (callers invalidate once after a batch, as Redis does).
HllUpdate HllAdd(std::string* hll, std::string_view element, size_t sparse_max_bytes);
// Raises register `index` (0..16383) to `count` (1..63) if it is lower.
HllUpdate HllRaise(std::string* hll, int index, uint8_t count, size_t sparse_max_bytes);

// Converts a sparse value to dense in place (header, cached cardinality
// included, copied). A dense value is left alone. False if corrupt (unchanged).
bool HllToDense(std::string* hll);

// max[i] = MAX(max[i], register i of hll). False if hll is corrupt (max may
// then be partly updated).
bool HllMergeInto(std::string_view hll, HllRegisters* max);

// The estimate of Redis 7.0 (Ertl's improved estimator) from the registers,
// ignoring the cache. False if the sparse body is corrupt.
bool HllCount(std::string_view hll, uint64_t* card);
uint64_t HllCountRegisters(const HllRegisters& registers);

// Register `index` of a dense value.
uint8_t HllDenseRegister(std::string_view hll, int index);

// The sparse opcodes as PFDEBUG DECODE prints them: "Z:8436 v:1,1 z:3".
std::string HllDecodeSparse(std::string_view hll);

// PFSELFTEST: checks register packing on random values, then adds ten
// million distinct elements to a dense and a sparse HLL, checking that both
// agree and that the estimate stays within the expected error. On failure
// returns false with Redis's wording of the failure in *error.
bool HllSelfTest(size_t sparse_max_bytes, std::string* error);

}  // namespace lumadb::engine::kv

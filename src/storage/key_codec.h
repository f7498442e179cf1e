#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// Order-preserving key encodings: for any two values a < b of the same kind,
// the encoded bytes compare a < b under memcmp (RocksDB's default comparator).
namespace lumadb::storage {

void AppendU8(std::string* out, uint8_t v);
// Big-endian, so numeric order equals byte order.
void AppendU32(std::string* out, uint32_t v);
void AppendU64(std::string* out, uint64_t v);
// Signed integers: big-endian with the sign bit flipped.
void AppendI64(std::string* out, int64_t v);
// Doubles: IEEE bits, sign bit flipped for positives, all bits flipped for negatives.
void AppendDouble(std::string* out, double v);
// A string that may be followed by more key parts: 0x00 is escaped as 0x00 0xFF
// and the string ends with 0x00 0x01, so prefixes sort first.
void AppendEscaped(std::string* out, std::string_view s);

// Decoders consume from the front of `in`; false on truncated or bad input.
bool ConsumeU8(std::string_view* in, uint8_t* v);
bool ConsumeU32(std::string_view* in, uint32_t* v);
bool ConsumeU64(std::string_view* in, uint64_t* v);
bool ConsumeI64(std::string_view* in, int64_t* v);
bool ConsumeDouble(std::string_view* in, double* v);
bool ConsumeEscaped(std::string_view* in, std::string* s);

// Smallest key greater than every key starting with `prefix` (empty if none).
std::string PrefixSuccessor(std::string_view prefix);

// Compact value encodings (not order-preserving): LEB128 varints and
// length-prefixed strings.
void AppendVarint(std::string* out, uint64_t v);
bool ConsumeVarint(std::string_view* in, uint64_t* v);
void AppendLengthPrefixed(std::string* out, std::string_view s);
bool ConsumeLengthPrefixed(std::string_view* in, std::string_view* s);

}  // namespace lumadb::storage

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/kv/value.h"

// Redis's DUMP format: one RDB-serialized value, the 2-byte RDB version and a
// CRC64 (Jones) of both. Used by DUMP and RESTORE.
namespace lumadb::protocol::resp::rdb {

inline constexpr uint16_t kRdbVersion = 10;  // Redis 7.0

// CRC64 as Redis's crc64.c computes it.
uint64_t Crc64(uint64_t crc, std::string_view data);

// Serializes v with the plain RDB types (string, list, set, zset2, hash) that
// every Redis since 2.x can RESTORE, streams as Redis 7.0 writes them
// (RDB_TYPE_STREAM_LISTPACKS_2), and appends version and checksum. A
// string value is encoded as Redis encodes it (integer, LZF or raw), so its
// DUMP is redis-server's byte for byte.
std::string Dump(const engine::kv::Value& v);

// LZF-compresses input as Redis's bundled liblzf does, byte for byte.
// Returns the compressed size (and the bytes in *out), or 0 when the result
// would not fit in out_len bytes.
size_t LzfCompress(std::string_view input, size_t out_len, std::string* out);

// Parses a DUMP payload: checks version and checksum, then decodes the plain
// types, Redis 7.0's compact ones (intset, listpack hash/zset, quicklist 2,
// LZF- and integer-encoded strings) and streams (listpacks 1 and 2).
// Errors: InvalidArgument("version or checksum") or Corruption("bad data").
Status Restore(std::string_view payload, engine::kv::Value* out);

// FUNCTION DUMP / FUNCTION RESTORE: each library's code as an
// RDB_OPCODE_FUNCTION2 record, then version and checksum. RestoreFunctions
// fails with InvalidArgument (version or checksum), NotFound (a record
// that is not a function) or Corruption.
std::string DumpFunctions(const std::vector<std::string>& codes);
Status RestoreFunctions(std::string_view payload, std::vector<std::string>* codes);

}  // namespace lumadb::protocol::resp::rdb

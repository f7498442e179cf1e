#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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
// (RDB_TYPE_STREAM_LISTPACKS_2), and appends version and checksum.
std::string Dump(const engine::kv::Value& v);

// Parses a DUMP payload: checks version and checksum, then decodes the plain
// types, Redis 7.0's compact ones (intset, listpack hash/zset, quicklist 2,
// LZF- and integer-encoded strings) and streams (listpacks 1 and 2).
// Errors: InvalidArgument("version or checksum") or Corruption("bad data").
Status Restore(std::string_view payload, engine::kv::Value* out);

}  // namespace lumadb::protocol::resp::rdb

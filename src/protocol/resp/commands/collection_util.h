#pragma once

// Helpers shared by the collection command families (hash, set, list, zset).

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/hash.h"
#include "common/strutil.h"
#include "protocol/resp/command.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {

inline std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng;
}

// Parses the "cursor [MATCH pattern] [COUNT n]" tail of HSCAN/SSCAN/ZSCAN.
struct ScanArgs {
  uint64_t cursor = 0;
  std::string_view pattern;
  bool has_pattern = false;
  int64_t count = 10;
};

inline bool ParseScanArgs(CommandContext& ctx, size_t cursor_idx, ScanArgs* out) {
  if (!ParseUint64(ctx.arg(cursor_idx), &out->cursor)) {
    ctx.w.Error("ERR invalid cursor");
    return false;
  }
  for (size_t i = cursor_idx + 1; i < ctx.argc(); i++) {
    if (IsArg(ctx.arg(i), "MATCH") && i + 1 < ctx.argc()) {
      out->pattern = ctx.arg(++i);
      out->has_pattern = out->pattern != "*";
    } else if (IsArg(ctx.arg(i), "COUNT") && i + 1 < ctx.argc()) {
      if (!ArgInt(ctx, ++i, &out->count)) return false;
      if (out->count < 1) {
        ctx.w.Error(kErrSyntax);
        return false;
      }
    } else {
      ctx.w.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// Scans a collection of `items` (each with a name used for hashing) the way
// Store::Scan scans keys: small collections (what Redis keeps as a listpack or
// intset) are returned whole with cursor 0; large ones in order of a 64-bit
// hash of the name, the cursor being the next hash value. Returns the next
// cursor and fills `picked` with the chosen item indexes.
template <typename Item, typename NameFn>
uint64_t ScanCollection(const std::vector<Item>& items, NameFn name, uint64_t cursor, size_t count, bool small,
                        std::vector<size_t>* picked) {
  picked->clear();
  if (small) {
    if (cursor == 0) {
      for (size_t i = 0; i < items.size(); i++) picked->push_back(i);
    }
    return 0;
  }
  std::vector<std::pair<uint64_t, size_t>> found;
  for (size_t i = 0; i < items.size(); i++) {
    uint64_t h = Hash64(name(items[i]));
    if (h >= cursor) found.emplace_back(h, i);
  }
  bool more = found.size() > count;
  if (more) {
    std::nth_element(found.begin(), found.begin() + (count - 1), found.end());
    found.resize(count);
  }
  uint64_t max_h = 0;
  for (auto& [h, i] : found) {
    max_h = std::max(max_h, h);
    picked->push_back(i);
  }
  if (!more || max_h == UINT64_MAX) return 0;
  return max_h + 1;
}

// Reads "numkeys key..." at args[at]; writes Redis's errors. LMPOP/ZMPOP-style
// commands answer a count larger than the arguments with a syntax error.
inline bool ParseNumKeys(CommandContext& ctx, size_t at, int64_t* numkeys, bool too_many_is_syntax = false) {
  if (!ParseInt64(ctx.arg(at), numkeys) || *numkeys <= 0) {
    ctx.w.Error("ERR numkeys should be greater than 0");
    return false;
  }
  if (static_cast<size_t>(*numkeys) > ctx.argc() - at - 1) {
    ctx.w.Error(too_many_is_syntax ? "ERR syntax error" : "ERR Number of keys can't be greater than number of args");
    return false;
  }
  return true;
}

// Arguments of LMPOP/ZMPOP and their blocking forms:
// "[timeout] numkeys key [key ...] WORD_A|WORD_B [COUNT count]".
struct MPopArgs {
  int64_t deadline = 0;
  size_t first_key = 0;
  int64_t numkeys = 0;
  bool word_a = false;  // LEFT for lists, MIN for sorted sets
  int64_t count = 1;
};

inline bool ParseMPopArgs(CommandContext& ctx, bool blocking, std::string_view word_a, std::string_view word_b,
                          MPopArgs* out) {
  size_t at = blocking ? 2 : 1;
  if (blocking && !ArgTimeout(ctx, 1, &out->deadline)) return false;
  if (!ParseNumKeys(ctx, at, &out->numkeys, /*too_many_is_syntax=*/true)) return false;
  out->first_key = at + 1;
  size_t where = at + 1 + out->numkeys;
  if (where >= ctx.argc() || !(IsArg(ctx.arg(where), word_a) || IsArg(ctx.arg(where), word_b))) {
    ctx.w.Error(kErrSyntax);
    return false;
  }
  out->word_a = IsArg(ctx.arg(where), word_a);
  bool has_count = false;
  for (size_t i = where + 1; i < ctx.argc(); i++) {
    if (IsArg(ctx.arg(i), "COUNT") && i + 1 < ctx.argc() && !has_count) {
      if (!ParseInt64(ctx.arg(++i), &out->count) || out->count <= 0) {
        ctx.w.Error("ERR count should be greater than 0");
        return false;
      }
      has_count = true;
    } else {
      ctx.w.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// Nothing to serve: block on keys args[first, last) until the deadline
// (0 = forever), or, inside MULTI/EXEC, reply the timeout reply at once.
inline void BlockOrTimeout(CommandContext& ctx, int64_t deadline, size_t first, size_t last, bool null_bulk = false) {
  if (ctx.no_block) return null_bulk ? ctx.w.Null() : ctx.w.NullArray();
  ctx.session.SetDeadline(deadline);
  ctx.wants_block = true;
  ctx.block_keys.assign(ctx.args.begin() + first, ctx.args.begin() + last);
}

// KeyFinder for "numkeys key..." at a fixed position (plus optional extra
// leading keys, e.g. the destination of *STORE commands).
template <size_t kNumKeysAt, size_t kLeading>
bool NumKeysFinder(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  for (size_t i = 1; i <= kLeading && i < args.size(); i++) keys->push_back(i);
  if (args.size() <= kNumKeysAt) return false;
  int64_t n;
  if (!ParseInt64(args[kNumKeysAt], &n) || n <= 0) return false;
  for (size_t i = kNumKeysAt + 1; i < args.size() && i <= kNumKeysAt + static_cast<size_t>(n); i++) keys->push_back(i);
  return true;
}

}  // namespace lumadb::protocol::resp

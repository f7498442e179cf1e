// libFuzzer target: the parse cache against a fresh parse. The input is a
// query string; it is parsed through the cache, then a variant with every
// literal the cache's lexer found replaced by another of the same kind (and
// length, from the input's bytes) is parsed through the cache too. Each must
// give exactly the tree a fresh ParsePostgres gives (ast::DebugString), and
// fail exactly when it fails.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/sql/parser/parse_cache.h"
#include "engine/sql/parser/pg_parser.h"

namespace sql = lumadb::engine::sql;

namespace {

void Same(sql::ParseCache* cache, const std::string& text) {
  auto cached = cache->Parse(text);
  auto fresh = sql::ParsePostgres(text);
  if (cached.ok() != fresh.ok()) abort();
  if (!fresh.ok()) return;
  if (sql::ast::DebugString(cached.value().get()) != sql::ast::DebugString(&fresh.value())) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  sql::ParseCache cache;
  Same(&cache, text);
  std::string key;
  std::vector<sql::ParseCache::Literal> lits;
  if (!sql::ParseCache::Lex(text, &key, &lits)) return 0;
  std::string variant;
  size_t copied = 0;
  for (size_t k = 0; k < lits.size(); k++) {
    const auto& l = lits[k];
    variant.append(text, copied, l.offset - copied);
    unsigned seed = static_cast<unsigned char>(text[(l.offset + k) % size]);
    switch (l.kind) {
      case sql::ParseCache::Literal::Kind::kInt:
        variant += std::to_string(seed % 2 ? seed * 7919u : seed);
        break;
      case sql::ParseCache::Literal::Kind::kNegInt:
        variant += "-" + std::to_string(seed % 2 ? seed * 104729u : seed);
        break;
      case sql::ParseCache::Literal::Kind::kString:
        variant += seed % 2 ? "'it''s " + std::to_string(seed) + "'" : "''";
        break;
    }
    copied = l.offset + l.length;
  }
  variant.append(text, copied, std::string::npos);
  Same(&cache, variant);
  Same(&cache, text);
  return 0;
}

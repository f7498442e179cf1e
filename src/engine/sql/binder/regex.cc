#include "engine/sql/binder/regex.h"

#include <memory>
#include <unordered_map>

namespace lumadb::engine::sql {

SqlResult<const regex_t*> CompileRegex(const std::string& pattern, bool icase, bool nosub) {
  struct Compiled {
    regex_t re;
    ~Compiled() { regfree(&re); }
  };
  thread_local std::unordered_map<std::string, std::unique_ptr<Compiled>> cache;
  std::string key = std::string(icase ? "i" : "c") + (nosub ? "n" : "s") + pattern;
  auto it = cache.find(key);
  if (it == cache.end()) {
    if (cache.size() >= 64) cache.clear();
    regex_t re;
    int rc = regcomp(&re, pattern.c_str(), REG_EXTENDED | (nosub ? REG_NOSUB : 0) | (icase ? REG_ICASE : 0));
    if (rc != 0) {
      char buf[256];
      regerror(rc, &re, buf, sizeof(buf));
      return MakeError("2201B", std::string("invalid regular expression: ") + buf);
    }
    auto c = std::make_unique<Compiled>();
    c->re = re;
    it = cache.emplace(std::move(key), std::move(c)).first;
  }
  return static_cast<const regex_t*>(&it->second->re);
}

}  // namespace lumadb::engine::sql

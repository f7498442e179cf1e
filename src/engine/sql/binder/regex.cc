#include "engine/sql/binder/regex.h"

#include <algorithm>
#include <functional>
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

SqlResult<RegexOptions> ParseRegexFlags(std::string_view flags, bool allow_g) {
  RegexOptions o;
  for (char c : flags) {
    if (c == 'g' && allow_g) {
      o.global = true;
    } else if (c == 'i') {
      o.icase = true;
    } else if (c == 'c') {
      o.icase = false;
    } else {
      return MakeError(sqlstate::kInvalidParameterValue,
                       std::string("invalid regular expression option: \"") + c + "\"");
    }
  }
  return o;
}

SqlStatus ForEachMatch(const std::string& s, const regex_t* re, bool all,
                       const std::function<void(size_t, size_t, const regmatch_t*)>& fn) {
  if (s.find('\0') != std::string::npos) return SqlStatus::Ok();
  size_t pos = 0, n = s.size();
  regmatch_t m[10];
  while (pos <= n) {
    if (regexec(re, s.c_str() + pos, 10, m, pos > 0 ? REG_NOTBOL : 0) != 0) break;
    for (auto& g : m) {
      if (g.rm_so >= 0) {
        g.rm_so += static_cast<regoff_t>(pos);
        g.rm_eo += static_cast<regoff_t>(pos);
      }
    }
    size_t so = static_cast<size_t>(m[0].rm_so), eo = static_cast<size_t>(m[0].rm_eo);
    fn(so, eo, m);
    if (!all) break;
    pos = eo > so ? eo : eo + 1;
  }
  return SqlStatus::Ok();
}

SqlResult<std::vector<std::vector<std::optional<std::string>>>> RegexMatches(const std::string& s,
                                                                             const std::string& pattern,
                                                                             RegexOptions options) {
  SQL_ASSIGN_OR_RETURN(const regex_t* re, CompileRegex(pattern, options.icase, false));
  std::vector<std::vector<std::optional<std::string>>> out;
  size_t first = re->re_nsub == 0 ? 0 : 1, last = std::min<size_t>(re->re_nsub, 9);
  SQL_RETURN_IF_ERROR(ForEachMatch(s, re, options.global, [&](size_t, size_t, const regmatch_t* m) {
    std::vector<std::optional<std::string>> groups;
    for (size_t g = first; g <= last; g++) {
      if (m[g].rm_so < 0) {
        groups.emplace_back(std::nullopt);
      } else {
        groups.emplace_back(s.substr(static_cast<size_t>(m[g].rm_so), static_cast<size_t>(m[g].rm_eo - m[g].rm_so)));
      }
    }
    out.push_back(std::move(groups));
  }));
  return out;
}

SqlResult<std::vector<std::string>> RegexSplit(const std::string& s, const std::string& pattern,
                                               RegexOptions options) {
  SQL_ASSIGN_OR_RETURN(const regex_t* re, CompileRegex(pattern, options.icase, false));
  std::vector<std::string> out;
  size_t piece = 0;
  bool matched = false;
  size_t last_end = 0;
  SQL_RETURN_IF_ERROR(ForEachMatch(s, re, true, [&](size_t so, size_t eo, const regmatch_t*) {
    if (so == eo && (so == 0 || so == s.size() || (matched && so == last_end))) return;  // degenerate
    out.push_back(s.substr(piece, so - piece));
    piece = eo;
    matched = true;
    last_end = eo;
  }));
  out.push_back(s.substr(piece));
  return out;
}

}  // namespace lumadb::engine::sql

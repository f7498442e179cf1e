// SORT and SORT_RO.
//
// BY and GET patterns name arbitrary keys, which are only known while the
// command runs, so these commands are flagged kKeyspace and take their own
// locks: every shard when a pattern has to be looked up, else just the
// shards of the sorted key and the STORE destination.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/strutil.h"
#include "protocol/resp/command.h"
#include "protocol/resp/notify.h"

namespace lumadb::protocol::resp {
namespace {

using engine::kv::Store;
using engine::kv::Type;
using engine::kv::Value;

// One element to sort, with what it is compared by.
struct SortItem {
  explicit SortItem(std::string e) : elem(std::move(e)) {}
  std::string elem;
  double score = 0;                // numeric sorts
  std::optional<std::string> cmp;  // ALPHA with BY: the looked-up value, if any
};

struct SortOptions {
  bool desc = false;
  bool alpha = false;
  bool store = false;  // sorting for STORE compares bytes, not collation
  bool by_pattern = false;
};

// The part of s before its first NUL: Redis handles patterns and collates
// ALPHA sorts as C strings.
std::string_view CString(std::string_view s) {
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

// Byte comparison as C's strcmp (Redis's strcoll under a C/C.UTF-8 locale).
int CollateCompare(std::string_view a, std::string_view b) {
  int c = CString(a).compare(CString(b));
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int BinaryCompare(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// Redis's sort comparator: scores (ties broken by the elements' bytes), or
// ALPHA by the BY values (missing ones first) or by the elements.
int Compare(const SortOptions& o, const SortItem& a, const SortItem& b) {
  int c;
  if (!o.alpha) {
    if (a.score > b.score) {
      c = 1;
    } else if (a.score < b.score) {
      c = -1;
    } else {
      c = BinaryCompare(a.elem, b.elem);
    }
  } else if (o.by_pattern) {
    if (!a.cmp || !b.cmp) {
      c = a.cmp.has_value() == b.cmp.has_value() ? 0 : (a.cmp ? 1 : -1);
    } else {
      c = o.store ? BinaryCompare(*a.cmp, *b.cmp) : CollateCompare(*a.cmp, *b.cmp);
    }
  } else {
    c = o.store ? BinaryCompare(a.elem, b.elem) : CollateCompare(a.elem, b.elem);
  }
  return o.desc ? -c : c;
}

// Redis sorts BY + LIMIT with its partial quicksort (Bentley-McIlroy, as in
// NetBSD's qsort, skipping partitions outside [lrange, rrange]). It is not
// stable, so for the elements it ties (equal ALPHA BY values) the order it
// leaves is part of SORT's answer; this follows the same steps to give the
// same order.
class PartialSorter {
 public:
  PartialSorter(std::vector<SortItem>& v, const SortOptions& o, int64_t lrange, int64_t rrange)
      : v_(v), o_(o), lrange_(lrange), rrange_(rrange) {}

  void Sort() { Run(0, static_cast<int64_t>(v_.size())); }

 private:
  int Cmp(int64_t i, int64_t j) const { return Compare(o_, v_[i], v_[j]); }
  void Swap(int64_t i, int64_t j) { std::swap(v_[i], v_[j]); }
  void VecSwap(int64_t i, int64_t j, int64_t n) {
    for (int64_t k = 0; k < n; k++) Swap(i + k, j + k);
  }
  int64_t Median3(int64_t a, int64_t b, int64_t c) const {
    if (Cmp(a, b) < 0) return Cmp(b, c) < 0 ? b : (Cmp(a, c) < 0 ? c : a);
    return Cmp(b, c) > 0 ? b : (Cmp(a, c) < 0 ? a : c);
  }
  void InsertionSort(int64_t a, int64_t n) {
    for (int64_t m = a + 1; m < a + n; m++) {
      for (int64_t l = m; l > a && Cmp(l - 1, l) > 0; l--) Swap(l, l - 1);
    }
  }
  // Whether [first, first + n) holds any index of the requested range.
  bool Wanted(int64_t first, int64_t n) const {
    int64_t last = first + n - 1;
    return !((lrange_ < first && rrange_ < first) || (lrange_ > last && rrange_ > last));
  }

  void Run(int64_t a, int64_t n) {
    while (true) {
      if (n < 7) return InsertionSort(a, n);
      int64_t pm = a + n / 2;
      if (n > 7) {
        int64_t pl = a;
        int64_t pn = a + n - 1;
        if (n > 40) {
          int64_t d = n / 8;
          pl = Median3(pl, pl + d, pl + 2 * d);
          pm = Median3(pm - d, pm, pm + d);
          pn = Median3(pn - 2 * d, pn - d, pn);
        }
        pm = Median3(pl, pm, pn);
      }
      Swap(a, pm);
      // Three-way partition: [a, pa) and (pd, a+n) collect elements equal to
      // the pivot at a, [pa, pb) the smaller ones, (pc, pd] the larger ones.
      int64_t pa = a + 1, pb = a + 1;
      int64_t pc = a + n - 1, pd = a + n - 1;
      bool swapped = false;
      while (true) {
        int r;
        while (pb <= pc && (r = Cmp(pb, a)) <= 0) {
          if (r == 0) {
            swapped = true;
            Swap(pa++, pb);
          }
          pb++;
        }
        while (pb <= pc && (r = Cmp(pc, a)) >= 0) {
          if (r == 0) {
            swapped = true;
            Swap(pc, pd--);
          }
          pc--;
        }
        if (pb > pc) break;
        Swap(pb++, pc--);
        swapped = true;
      }
      if (!swapped) return InsertionSort(a, n);
      int64_t end = a + n;
      int64_t r = std::min(pa - a, pb - pa);
      VecSwap(a, pb - r, r);
      r = std::min(pd - pc, end - pd - 1);
      VecSwap(pb, end - r, r);
      if ((r = pb - pa) > 1 && Wanted(a, r)) Run(a, r);
      if ((r = pd - pc) <= 1) return;
      a = end - r;
      n = r;
      if (!Wanted(a, n)) return;
    }
  }

  std::vector<SortItem>& v_;
  const SortOptions& o_;
  int64_t lrange_;
  int64_t rrange_;
};

// The value a BY/GET pattern names for element `subst`: "#" is the element
// itself; the first '*' is replaced by it; "key->field" reads a hash field.
// Missing keys, keys of another type and patterns without '*' give nothing.
std::optional<std::string> LookupByPattern(CommandContext& ctx, std::string_view pattern, std::string_view subst) {
  std::string_view cpat = CString(pattern);
  if (cpat == "#") return std::string(subst);
  size_t star = cpat.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  size_t arrow = cpat.find("->", star + 1);
  bool field_ref = arrow != std::string_view::npos && arrow + 2 < cpat.size();
  std::string key(pattern.substr(0, star));
  key.append(subst);
  key.append(pattern.substr(star + 1, field_ref ? arrow - star - 1 : std::string_view::npos));
  Value* v = FindForRead(ctx, key);
  if (v == nullptr) return std::nullopt;
  if (field_ref) {
    if (v->type() != Type::kHash) return std::nullopt;
    auto it = v->hash().find(pattern.substr(arrow + 2));
    if (it == v->hash().end()) return std::nullopt;
    return it->second;
  }
  if (v->type() != Type::kString) return std::nullopt;
  return v->str();
}

// Whether looking pattern up reads any key (what decides the locks).
bool PatternReadsKeys(std::string_view pattern) {
  std::string_view cpat = CString(pattern);
  return cpat != "#" && cpat.find('*') != std::string_view::npos;
}

// A BY value or element as a score, as Redis converts it with strtod:
// leading spaces, hex and "inf" are accepted, an empty string is 0; trailing
// bytes, overflow, underflow and NaN are not.
bool ToScore(const std::string& s, double* out) {
  errno = 0;
  char* end;
  *out = std::strtod(s.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
//      [ALPHA] [STORE destination]; SORT_RO has no STORE.
void SortGeneric(CommandContext& ctx, bool readonly) {
  SortOptions opt;
  int64_t limit_start = 0, limit_count = -1;
  std::optional<std::string_view> sortby, storekey;
  bool dontsort = false;
  std::vector<std::string_view> gets;
  for (size_t j = 2; j < ctx.argc(); j++) {
    size_t left = ctx.argc() - j - 1;
    std::string_view a = ctx.arg(j);
    if (IsArg(a, "asc")) {
      opt.desc = false;
    } else if (IsArg(a, "desc")) {
      opt.desc = true;
    } else if (IsArg(a, "alpha")) {
      opt.alpha = true;
    } else if (IsArg(a, "limit") && left >= 2) {
      if (!ArgInt(ctx, j + 1, &limit_start) || !ArgInt(ctx, j + 2, &limit_count)) return;
      j += 2;
    } else if (!readonly && IsArg(a, "store") && left >= 1) {
      storekey = ctx.arg(++j);
    } else if (IsArg(a, "by") && left >= 1) {
      sortby = ctx.arg(++j);
      // A pattern without '*' names no per-element key: nothing to sort by
      // (and, as in Redis, a later BY does not undo that).
      if (CString(*sortby).find('*') == std::string_view::npos) dontsort = true;
    } else if (IsArg(a, "get") && left >= 1) {
      gets.push_back(ctx.arg(++j));
    } else {
      return ctx.w.Error(kErrSyntax);
    }
  }

  bool reads_patterns = sortby && !dontsort;
  for (std::string_view g : gets) reads_patterns = reads_patterns || PatternReadsKeys(g);
  std::string_view key = ctx.arg(1);
  uint64_t mask = Store::MaskOf(key) | (storekey ? Store::MaskOf(*storekey) : 0);
  Store::Lock lock = reads_patterns ? ctx.store.LockAll() : ctx.store.LockMask(mask);

  Value* sortval = FindForRead(ctx, key);
  if (sortval != nullptr && sortval->type() != Type::kList && sortval->type() != Type::kSet &&
      sortval->type() != Type::kZSet) {
    return ctx.w.Error(kErrWrongType);
  }
  Type type = sortval == nullptr ? Type::kList : sortval->type();
  // Unsorted set output would be in hash order; when it is stored or goes
  // to a script, sort it so the result does not depend on that order (as
  // Redis does).
  if (dontsort && type == Type::kSet && (storekey || ctx.in_script)) {
    dontsort = false;
    opt.alpha = true;
    sortby.reset();
  }
  opt.by_pattern = sortby.has_value();
  opt.store = storekey.has_value();

  int64_t len = sortval == nullptr ? 0 : static_cast<int64_t>(sortval->Size());
  int64_t start = std::min(std::max<int64_t>(limit_start, 0), len);
  limit_count = std::min(std::max<int64_t>(limit_count, -1), len);
  int64_t end = limit_count < 0 ? len - 1 : start + limit_count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  // Lists and sorted sets keep their own order when there is nothing to
  // sort by (reversed for DESC); only the LIMIT range is loaded.
  std::vector<SortItem> items;
  if (sortval != nullptr && dontsort && type == Type::kList) {
    const auto& list = sortval->list();
    for (int64_t i = start; i <= end; i++) {
      items.emplace_back(opt.desc ? list[len - 1 - i] : list[i]);
    }
    end -= start;
    start = 0;
  } else if (sortval != nullptr && dontsort && type == Type::kZSet) {
    if (end >= start) {
      size_t from = static_cast<size_t>(opt.desc ? len - 1 - end : start);
      size_t to = static_cast<size_t>(opt.desc ? len - 1 - start : end);
      sortval->zset().ForRanks(from, to, opt.desc, [&](const std::string& m, double) {
        items.emplace_back(m);
        return true;
      });
    }
    end -= start;
    start = 0;
  } else if (sortval != nullptr) {
    items.reserve(static_cast<size_t>(len));
    switch (type) {
      case Type::kList:
        for (const std::string& e : sortval->list()) items.emplace_back(e);
        break;
      case Type::kSet:
        for (const std::string& e : sortval->set()) items.emplace_back(e);
        break;
      default:
        sortval->zset().ForEach([&](const std::string& m, double) { items.emplace_back(m); });
        break;
    }
  }

  if (!dontsort) {
    bool bad_score = false;
    for (SortItem& it : items) {
      std::optional<std::string> byval;
      const std::string* value = &it.elem;
      if (sortby) {
        byval = LookupByPattern(ctx, *sortby, it.elem);
        if (!byval) continue;  // sorts as 0, or first with ALPHA
        value = &*byval;
      }
      if (opt.alpha) {
        if (sortby) it.cmp = std::move(byval);
      } else if (!ToScore(*value, &it.score)) {
        bad_score = true;
      }
    }
    if (bad_score) return ctx.w.Error("ERR One or more scores can't be converted into double");
    if (sortby && (start != 0 || end != static_cast<int64_t>(items.size()) - 1)) {
      PartialSorter(items, opt, start, end).Sort();
    } else {
      // glibc's qsort, which Redis uses here, is a stable merge sort.
      std::stable_sort(items.begin(), items.end(),
                       [&](const SortItem& a, const SortItem& b) { return Compare(opt, a, b) < 0; });
    }
  }

  int64_t count = end - start + 1;
  int64_t outputlen = gets.empty() ? count : static_cast<int64_t>(gets.size()) * count;
  if (!storekey) {
    ctx.w.Array(static_cast<size_t>(outputlen));
    for (int64_t j = start; j <= end; j++) {
      if (gets.empty()) ctx.w.Bulk(items[j].elem);
      for (std::string_view g : gets) {
        std::optional<std::string> v = LookupByPattern(ctx, g, items[j].elem);
        if (v) {
          ctx.w.Bulk(*v);
        } else {
          ctx.w.Null();
        }
      }
    }
    return;
  }
  // Everything is read before the destination is written: it may be the
  // sorted key itself, or a key the patterns read.
  Value out = Value::Make(Type::kList);
  for (int64_t j = start; j <= end; j++) {
    if (gets.empty()) out.list().push_back(std::move(items[j].elem));
    for (std::string_view g : gets) {
      out.list().push_back(LookupByPattern(ctx, g, items[j].elem).value_or(std::string()));
    }
  }
  if (outputlen > 0) {
    ctx.store.Put(ctx.db, *storekey, std::move(out));
    NotifyKeyspaceEvent(ctx, kNotifyList, "sortstore", *storekey);
  } else {
    DeleteAndNotify(ctx, *storekey);
  }
  ctx.w.Integer(outputlen);
}

void Sort(CommandContext& ctx) { SortGeneric(ctx, false); }
void SortRo(CommandContext& ctx) { SortGeneric(ctx, true); }

// COMMAND GETKEYS: the sorted key and the last STORE destination (the
// pattern keys cannot be known from the arguments), found the way Redis
// scans for them.
bool SortKeys(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  keys->push_back(1);
  size_t store = 0;
  for (size_t i = 2; i < args.size(); i++) {
    if (IsArg(args[i], "limit")) {
      i += 2;
    } else if (IsArg(args[i], "store") && i + 1 < args.size()) {
      store = i + 1;
    } else if (IsArg(args[i], "get") || IsArg(args[i], "by")) {
      i += 1;
    }
  }
  if (store != 0) keys->push_back(store);
  return true;
}

bool SortRoKeys(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  keys->push_back(1);
  return true;
}

}  // namespace

const std::vector<CommandSpec>& SortCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"sort", -2, kWrite | kDenyOom | kKeyspace, 1, 1, 1, Sort, "generic",
       "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.", SortKeys},
      {"sort_ro", -2, kReadonly | kKeyspace, 1, 1, 1, SortRo, "generic",
       "Returns the sorted elements of a list, a set, or a sorted set.", SortRoKeys},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

#include "protocol/resp/acl/check.h"

#include <optional>

#include "common/strutil.h"

namespace lumadb::protocol::resp::acl {
namespace {

// Redis's getKeysUsingKeySpecs: false when a spec cannot locate its keys
// (unknown begin, a bad key count, out of range, incomplete), in which case
// the command's own key finder decides.
bool KeysFromSpecs(std::span<const KeySpec> specs, std::span<const std::string_view> args, std::vector<KeyRef>* out) {
  int argc = static_cast<int>(args.size());
  for (const KeySpec& spec : specs) {
    if (spec.flags & kKeyNotKey) continue;
    int first = 0;
    if (spec.begin == KeySpec::kIndex) {
      first = spec.index;
    } else if (spec.begin == KeySpec::kKeyword) {
      int start = spec.startfrom > 0 ? spec.startfrom : argc + spec.startfrom;
      int end = spec.startfrom > 0 ? argc - 1 : 1;
      for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (EqualsIgnoreCase(args[i], spec.keyword)) {
          first = i + 1;
          break;
        }
      }
      if (first == 0) continue;  // keyword absent: no keys from this spec
    } else {
      return false;
    }
    int last, step;
    if (spec.find == KeySpec::kRange) {
      step = spec.b;
      if (spec.a >= 0) {
        last = first + spec.a;
      } else if (spec.c == 0) {
        last = argc + spec.a;
      } else {
        last = first + ((argc - first) / spec.c + spec.a);
      }
    } else if (spec.find == KeySpec::kKeynum) {
      step = spec.c;
      int at = first + spec.a;
      int64_t numkeys;
      if (spec.a >= argc || at >= argc || !ParseInt64(args[at], &numkeys) || numkeys < 0 || numkeys > argc) {
        return false;
      }
      first += spec.b;
      last = first + static_cast<int>(numkeys) - 1;
    } else {
      return false;
    }
    if (last >= argc || last < first || first >= argc) return false;
    for (int i = first; i <= last; i += step) out->push_back(KeyRef{static_cast<size_t>(i), spec.flags});
    if (spec.flags & kKeyIncomplete) return false;
  }
  return true;
}

// SET's key needs read access only with GET.
uint32_t SetKeyFlags(std::span<const std::string_view> args) {
  for (size_t i = 3; i < args.size(); i++) {
    if (EqualsIgnoreCase(args[i], "GET")) return kKeyRw | kKeyAccess | kKeyUpdate;
  }
  return kKeyOw | kKeyUpdate;
}

// BITFIELD made only of GET (and OVERFLOW) reads; anything else writes.
uint32_t BitfieldKeyFlags(std::span<const std::string_view> args) {
  size_t argc = args.size();
  for (size_t i = 2; i < argc; i++) {
    size_t rem = argc - i - 1;
    if (EqualsIgnoreCase(args[i], "GET") && rem >= 2) {
      i += 2;
    } else if (EqualsIgnoreCase(args[i], "OVERFLOW") && rem >= 1) {
      i += 1;
    } else {
      return kKeyRw | kKeyAccess | kKeyUpdate;
    }
  }
  return kKeyRo | kKeyAccess;
}

}  // namespace

void FindKeys(int id, std::span<const std::string_view> args, const KeyPositions& fallback, std::vector<KeyRef>* out) {
  out->clear();
  if (id < 0) return;
  const CommandIndex& idx = CommandIndex::Get();
  std::span<const KeySpec> specs = idx.key_specs(id);
  bool has_keys = false, variable = false;
  uint32_t all_flags = 0;
  for (const KeySpec& s : specs) {
    if (!(s.flags & kKeyNotKey)) has_keys = true;
    if (s.flags & kKeyVariableFlags) variable = true;
    all_flags |= s.flags;
  }
  if (!has_keys) return;
  if (!variable) {
    if (KeysFromSpecs(specs, args, out)) return;
    out->clear();
  }
  std::string_view name = idx.def(id).name;
  if (name == "set" || name == "bitfield") {
    if (args.size() > 1) out->push_back(KeyRef{1, name == "set" ? SetKeyFlags(args) : BitfieldKeyFlags(args)});
    return;
  }
  std::vector<size_t> positions;
  if (fallback) fallback(&positions);
  uint32_t other = all_flags & ~(kKeyIncomplete | kKeyVariableFlags | kKeyNotKey);
  if (name == "sort" || name == "sort_ro") other = kKeyOw | kKeyUpdate;  // the STORE destination
  for (size_t pos : positions) {
    if (pos >= args.size()) continue;
    uint32_t flags = other;
    for (const KeySpec& s : specs) {
      if (s.begin == KeySpec::kIndex && static_cast<size_t>(s.index) == pos) flags = s.flags;
    }
    out->push_back(KeyRef{pos, flags});
  }
}

namespace {

bool KeyAllowed(const Selector& s, std::string_view key, uint32_t spec_flags) {
  uint32_t need = 0;
  if (spec_flags & kKeyAccess) need |= kPermRead;
  if (spec_flags & (kKeyInsert | kKeyDelete | kKeyUpdate)) need |= kPermWrite;
  for (const KeyPattern& p : s.keys) {
    if ((p.perms & need) != need) continue;
    if (GlobMatch(p.pattern, key)) return true;
  }
  return false;
}

bool ChannelAllowed(const Selector& s, std::string_view channel, bool literal) {
  for (const auto& p : s.channels) {
    if (literal ? p == channel : GlobMatch(p, channel)) return true;
  }
  return false;
}

// The keys are found once and shared by all of a user's selectors.
struct KeyCache {
  int id;
  std::span<const std::string_view> args;
  const KeyPositions& fallback;
  std::optional<std::vector<KeyRef>> keys;
  const std::vector<KeyRef>& Get() {
    if (!keys) {
      keys.emplace();
      FindKeys(id, args, fallback, &*keys);
    }
    return *keys;
  }
};

Denial CheckSelector(const Selector& s, int id, std::span<const std::string_view> args, KeyCache* cache,
                     size_t* pos) {
  const CommandIndex& idx = CommandIndex::Get();
  if (!(s.flags & Selector::kAllCommands) && !(id >= 0 && idx.def(id).no_auth)) {
    if (id < 0) {
      if (!s.future) return Denial::kCommand;
    } else if (!s.allowed.test(id)) {
      auto it = s.firstargs.find(id);
      size_t at = idx.parent(id) >= 0 ? 2 : 1;
      if (it == s.firstargs.end() || args.size() < 2 || at >= args.size()) return Denial::kCommand;
      bool found = false;
      for (const auto& a : it->second) found |= EqualsIgnoreCase(args[at], a);
      if (!found) return Denial::kCommand;
    }
  }
  if (!(s.flags & Selector::kAllKeys)) {
    for (const KeyRef& k : cache->Get()) {
      if (!KeyAllowed(s, args[k.pos], k.flags)) {
        *pos = k.pos;
        return Denial::kKey;
      }
    }
  }
  if (!(s.flags & Selector::kAllChannels) && id >= 0) {
    size_t first = 1, last = 0;
    bool literal = false;
    switch (idx.channel_kind(id)) {
      case CommandIndex::ChannelKind::kNone:
        break;
      case CommandIndex::ChannelKind::kPublish:
        last = 1;
        break;
      case CommandIndex::ChannelKind::kSubscribe:
        last = args.size() - 1;
        break;
      case CommandIndex::ChannelKind::kPatternSubscribe:
        last = args.size() - 1;
        literal = true;
        break;
    }
    for (size_t j = first; j <= last && j < args.size(); j++) {
      if (!ChannelAllowed(s, args[j], literal)) {
        *pos = j;
        return Denial::kChannel;
      }
    }
  }
  return Denial::kOk;
}

}  // namespace

Denial Check(const UserRules& user, int id, std::span<const std::string_view> args, const KeyPositions& fallback,
             size_t* pos) {
  KeyCache cache{id, args, fallback, std::nullopt};
  Denial relevant = Denial::kCommand;
  size_t last_pos = 0;
  for (const Selector& s : user.selectors) {
    size_t p = 0;
    Denial d = CheckSelector(s, id, args, &cache, &p);
    if (d == Denial::kOk) return Denial::kOk;
    if (d > relevant || (d == relevant && p > last_pos)) {
      relevant = d;
      last_pos = p;
    }
  }
  *pos = last_pos;
  return relevant;
}

}  // namespace lumadb::protocol::resp::acl

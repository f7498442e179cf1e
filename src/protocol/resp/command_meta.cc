#include "protocol/resp/command_meta.h"

#include <map>

#include "common/logging.h"
#include "common/strutil.h"
#include "protocol/resp/command_data.h"

namespace lumadb::protocol::resp {

const RespNode* RespNode::Find(std::string_view key) const {
  if (kind != Kind::kMap) return nullptr;
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    if (items[i].str == key) return &items[i + 1];
  }
  return nullptr;
}

void RespNode::Write(Writer& w) const {
  switch (kind) {
    case Kind::kSimple:
      w.Simple(str);
      break;
    case Kind::kBulk:
      w.Bulk(str);
      break;
    case Kind::kInteger:
      w.Integer(num);
      break;
    case Kind::kNull:
      w.Null();
      break;
    case Kind::kArray:
      w.Array(items.size());
      for (const RespNode& n : items) n.Write(w);
      break;
    case Kind::kSet:
      w.Set(items.size());
      for (const RespNode& n : items) n.Write(w);
      break;
    case Kind::kMap:
      w.Map(items.size() / 2);
      for (const RespNode& n : items) n.Write(w);
      break;
  }
}

namespace {

bool ParseNode(std::string_view in, size_t* pos, int depth, RespNode* out) {
  if (depth > 64 || *pos >= in.size()) return false;
  char type = in[*pos];
  size_t eol = in.find("\r\n", *pos);
  if (eol == std::string_view::npos) return false;
  std::string_view line = in.substr(*pos + 1, eol - *pos - 1);
  *pos = eol + 2;
  int64_t n = 0;
  switch (type) {
    case '+':
      out->kind = RespNode::Kind::kSimple;
      out->str = std::string(line);
      return true;
    case ':':
      out->kind = RespNode::Kind::kInteger;
      return ParseInt64(line, &out->num);
    case '_':
      out->kind = RespNode::Kind::kNull;
      return true;
    case '$':
      if (!ParseInt64(line, &n)) return false;
      if (n < 0) {
        out->kind = RespNode::Kind::kNull;
        return true;
      }
      if (*pos + static_cast<size_t>(n) + 2 > in.size()) return false;
      out->kind = RespNode::Kind::kBulk;
      out->str = std::string(in.substr(*pos, static_cast<size_t>(n)));
      *pos += static_cast<size_t>(n) + 2;
      return true;
    case '*':
    case '~':
    case '%': {
      if (!ParseInt64(line, &n) || n < 0) return false;
      out->kind = type == '*' ? RespNode::Kind::kArray : type == '~' ? RespNode::Kind::kSet : RespNode::Kind::kMap;
      size_t count = static_cast<size_t>(n) * (type == '%' ? 2 : 1);
      out->items.resize(count);
      for (size_t i = 0; i < count; i++) {
        if (!ParseNode(in, pos, depth + 1, &out->items[i])) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

int IntField(const RespNode* spec, std::string_view key, int def) {
  const RespNode* n = spec == nullptr ? nullptr : spec->Find(key);
  return n != nullptr && n->kind == RespNode::Kind::kInteger ? static_cast<int>(n->num) : def;
}

KeySpec ParseKeySpec(const RespNode& m) {
  KeySpec ks;
  if (const RespNode* f = m.Find("flags")) {
    for (const RespNode& x : f->items) ks.flags.push_back(x.str);
  }
  if (const RespNode* bs = m.Find("begin_search")) {
    const RespNode* type = bs->Find("type");
    const RespNode* spec = bs->Find("spec");
    if (type != nullptr && type->str == "index") {
      ks.begin = KeySpec::Begin::kIndex;
      ks.index = IntField(spec, "index", 0);
    } else if (type != nullptr && type->str == "keyword") {
      ks.begin = KeySpec::Begin::kKeyword;
      const RespNode* kw = spec == nullptr ? nullptr : spec->Find("keyword");
      if (kw != nullptr) ks.keyword = kw->str;
      ks.startfrom = IntField(spec, "startfrom", 1);
    }
  }
  if (const RespNode* fk = m.Find("find_keys")) {
    const RespNode* type = fk->Find("type");
    const RespNode* spec = fk->Find("spec");
    if (type != nullptr && type->str == "range") {
      ks.find = KeySpec::Find::kRange;
      ks.lastkey = IntField(spec, "lastkey", 0);
      ks.keystep = IntField(spec, "keystep", 1);
      ks.limit = IntField(spec, "limit", 0);
    } else if (type != nullptr && type->str == "keynum") {
      ks.find = KeySpec::Find::kKeynum;
      ks.keynumidx = IntField(spec, "keynumidx", 0);
      ks.firstkey = IntField(spec, "firstkey", 1);
      ks.keystep = IntField(spec, "keystep", 1);
    }
  }
  return ks;
}

// Fills everything but docs from a COMMAND INFO entry.
bool FromInfo(RespNode info, CommandMeta* m) {
  if (info.kind != RespNode::Kind::kArray || info.items.size() < 10) return false;
  m->name = info.items[0].str;
  m->arity = static_cast<int>(info.items[1].num);
  for (const RespNode& spec : info.items[8].items) m->key_specs.push_back(ParseKeySpec(spec));
  for (const RespNode& sub : info.items[9].items) {
    CommandMeta sm;
    if (!FromInfo(sub, &sm)) return false;
    m->subcommands.push_back(std::move(sm));
  }
  m->info = std::move(info);
  return true;
}

class MetaTable {
 public:
  MetaTable() {
    for (const CommandData& d : RedisCommandData()) {
      RespNode info, docs;
      size_t p1 = 0, p2 = 0;
      CommandMeta m;
      if (!ParseNode(d.info, &p1, 0, &info) || p1 != d.info.size() || !ParseNode(d.docs, &p2, 0, &docs) ||
          p2 != d.docs.size() || !FromInfo(std::move(info), &m)) {
        LOG_ERROR("redis: bad generated command data for '%s'", std::string(d.name).c_str());
        continue;
      }
      if (const RespNode* subs = docs.Find("subcommands")) {
        for (CommandMeta& sm : m.subcommands) {
          if (const RespNode* sd = subs->Find(sm.name)) sm.docs = *sd;
        }
      }
      m.docs = std::move(docs);
      by_name_.emplace(m.name, std::move(m));
    }
  }
  const CommandMeta* Find(std::string_view name) const {
    std::string lower = ToLower(name);
    size_t bar = lower.find('|');
    auto it = by_name_.find(lower.substr(0, bar));
    if (it == by_name_.end()) return nullptr;
    if (bar == std::string::npos) return &it->second;
    return it->second.FindSubcommand(std::string_view(lower).substr(bar + 1));
  }

 private:
  std::map<std::string, CommandMeta, std::less<>> by_name_;
};

}  // namespace

bool ParseRespTree(std::string_view in, RespNode* out) {
  size_t pos = 0;
  return ParseNode(in, &pos, 0, out) && pos == in.size();
}

bool KeySpec::HasFlag(std::string_view f) const {
  for (const auto& x : flags) {
    if (x == f) return true;
  }
  return false;
}

const CommandMeta* CommandMeta::FindSubcommand(std::string_view sub) const {
  for (const CommandMeta& s : subcommands) {
    size_t bar = s.name.find('|');
    if (bar != std::string::npos && EqualsIgnoreCase(std::string_view(s.name).substr(bar + 1), sub)) return &s;
  }
  return nullptr;
}

bool CommandMeta::HasKeys() const {
  for (const KeySpec& ks : key_specs) {
    if (!ks.HasFlag("not_key")) return true;
  }
  return false;
}

const CommandMeta* FindCommandMeta(std::string_view name) {
  static const MetaTable* table = new MetaTable();
  return table->Find(name);
}

bool KeysFromSpecs(const CommandMeta& meta, const std::vector<std::string_view>& args, std::vector<KeyRef>* out) {
  out->clear();
  const int argc = static_cast<int>(args.size());
  bool ok = true;
  for (const KeySpec& ks : meta.key_specs) {
    if (ks.HasFlag("not_key")) continue;
    int first = 0;
    if (ks.begin == KeySpec::Begin::kIndex) {
      first = ks.index;
    } else if (ks.begin == KeySpec::Begin::kKeyword) {
      // Forward from startfrom, or backward from argc+startfrom down to 1.
      bool forward = ks.startfrom > 0;
      int i = forward ? ks.startfrom : argc + ks.startfrom;
      for (; i >= 1 && i < argc; i += forward ? 1 : -1) {
        if (EqualsIgnoreCase(args[i], ks.keyword)) {
          first = i + 1;
          break;
        }
      }
      if (first == 0) continue;  // keyword absent: no keys from this spec
    } else {
      ok = false;
      continue;
    }
    int last = 0, step = 1;
    if (ks.find == KeySpec::Find::kRange) {
      step = ks.keystep;
      if (ks.lastkey >= 0) last = first + ks.lastkey;
      else if (ks.limit == 0) last = argc + ks.lastkey;
      else last = first + ((argc - first) / ks.limit + ks.lastkey);
    } else if (ks.find == KeySpec::Find::kKeynum) {
      step = ks.keystep;
      int64_t numkeys;
      if (ks.keynumidx >= argc || first + ks.keynumidx >= argc || !ParseInt64(args[first + ks.keynumidx], &numkeys) ||
          numkeys < 0 || numkeys > argc) {
        ok = false;
        continue;
      }
      first += ks.firstkey;
      last = first + static_cast<int>(numkeys) - 1;
    } else {
      ok = false;
      continue;
    }
    if (last >= argc || last < first || first >= argc) {
      // Out of bounds (including numkeys 0): the arguments are malformed.
      ok = false;
      continue;
    }
    for (int i = first; i <= last && step > 0; i += step) out->push_back({static_cast<size_t>(i), &ks});
    if (ks.HasFlag("incomplete")) ok = false;
  }
  return ok;
}

}  // namespace lumadb::protocol::resp

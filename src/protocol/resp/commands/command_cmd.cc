// COMMAND [COUNT | INFO | DOCS | LIST | GETKEYS | GETKEYSANDFLAGS | HELP].
// For every command redis-server 7.0.15 also has, INFO and DOCS answer with
// its own replies (command_data.cc); key specs drive GETKEYSANDFLAGS.
#include <algorithm>

#include "common/strutil.h"
#include "protocol/resp/command_meta.h"
#include "protocol/resp/commands/admin.h"
#include "protocol/resp/resp_server.h"

namespace lumadb::protocol::resp {
namespace {

void FlagNames(uint32_t f, std::vector<std::string>* out) {
  static const std::pair<uint32_t, const char*> kNames[] = {
      {kWrite, "write"},     {kReadonly, "readonly"}, {kDenyOom, "denyoom"},   {kAdmin, "admin"},
      {kPubsub, "pubsub"},   {kNoscript, "noscript"}, {kBlocking, "blocking"}, {kLoading, "loading"},
      {kStale, "stale"},     {kFast, "fast"},         {kNoAuth, "no_auth"},    {kNoMulti, "no_multi"},
      {kAllowBusy, "allow_busy"}};
  for (const auto& [bit, name] : kNames) {
    if (f & bit) out->push_back(name);
  }
}

// For a command redis-server does not have: COMMAND INFO from our own table.
void WriteOwnInfo(Writer& w, const CommandSpec& s) {
  w.Array(10);
  w.Bulk(s.name);
  w.Integer(s.arity);
  std::vector<std::string> flags;
  FlagNames(s.flags, &flags);
  if (s.key_finder != nullptr) flags.push_back("movablekeys");
  w.Set(flags.size());
  for (const auto& f : flags) w.Simple(f);
  w.Integer(s.first_key);
  w.Integer(s.last_key);
  w.Integer(s.step);
  std::vector<std::string> cats = {std::string("@") + s.group};
  if (s.flags & kWrite) cats.push_back("@write");
  if (s.flags & kReadonly) cats.push_back("@read");
  cats.push_back(s.flags & kFast ? "@fast" : "@slow");
  if (s.flags & kBlocking) cats.push_back("@blocking");
  w.Set(cats.size());
  for (const auto& c : cats) w.Simple(c);
  w.Set(0);  // tips
  w.Array(0);  // key specs
  w.Array(0);  // subcommands
}

void WriteOwnDocs(Writer& w, const CommandSpec& s) {
  w.Map(4);
  w.Bulk("summary");
  w.Bulk(s.summary);
  w.Bulk("since");
  w.Bulk("1.0.0");
  w.Bulk("group");
  w.Bulk(s.group);
  w.Bulk("complexity");
  w.Bulk(s.flags & kFast ? "O(1)" : "O(N)");
}

void WriteInfo(Writer& w, const CommandEntry& e) {
  if (e.meta != nullptr) e.meta->info.Write(w);
  else WriteOwnInfo(w, *e.spec);
}

// A command or "container|subcommand" we implement; null otherwise.
const CommandMeta* FindSubMeta(RespServer& srv, std::string_view name, CommandEntry** entry) {
  size_t bar = name.find('|');
  *entry = srv.FindEntry(name.substr(0, bar));
  if (*entry == nullptr || bar == std::string_view::npos) return nullptr;
  SubcommandEntry* sub = (*entry)->FindSubcommand(name.substr(bar + 1));
  if (sub == nullptr) *entry = nullptr;
  return sub == nullptr ? nullptr : sub->meta;
}

// ACL categories of a command ("@read" -> "read").
bool InCategory(const CommandEntry& e, const CommandMeta* m, std::string_view cat) {
  if (m != nullptr) {
    for (const RespNode& c : m->info.items[6].items) {
      if (EqualsIgnoreCase(std::string_view(c.str).substr(1), cat)) return true;
    }
    return false;
  }
  const CommandSpec& s = *e.spec;
  return EqualsIgnoreCase(cat, s.group) || (EqualsIgnoreCase(cat, "write") && (s.flags & kWrite)) ||
         (EqualsIgnoreCase(cat, "read") && (s.flags & kReadonly)) ||
         (EqualsIgnoreCase(cat, "fast") && (s.flags & kFast)) || (EqualsIgnoreCase(cat, "slow") && !(s.flags & kFast));
}

void CommandList(CommandContext& ctx) {
  enum { kAll, kPattern, kCategory, kModule } filter = kAll;
  std::string_view arg;
  if (ctx.argc() == 5 && IsArg(ctx.arg(2), "FILTERBY")) {
    arg = ctx.arg(4);
    if (IsArg(ctx.arg(3), "PATTERN")) filter = kPattern;
    else if (IsArg(ctx.arg(3), "ACLCAT")) filter = kCategory;
    else if (IsArg(ctx.arg(3), "MODULE")) filter = kModule;
    else return ctx.w.Error(kErrSyntax);
  } else if (ctx.argc() != 2) {
    return ctx.w.Error(kErrSyntax);
  }
  std::vector<std::string> names;
  if (filter == kModule) return ctx.w.BulkArray(names);
  for (CommandEntry& e : ctx.server.entries()) {
    std::vector<std::pair<std::string, const CommandMeta*>> all = {{e.spec->name, e.meta}};
    for (const SubcommandEntry& s : e.subcommands) all.emplace_back(s.meta->name, s.meta);
    for (const auto& [name, meta] : all) {
      if (filter == kPattern && !GlobMatch(arg, name, true)) continue;
      if (filter == kCategory && !InCategory(e, meta, arg)) continue;
      names.push_back(name);
    }
  }
  ctx.w.BulkArray(names);
}

// The commands whose key flags depend on their arguments (Redis's getkeys
// procs decide them): SET (GET makes it a read too), BITFIELD (read-only
// without SET/INCRBY), SORT (the STORE destination is overwritten).
bool ArgumentKeyFlags(std::string_view cmd, const std::vector<std::string_view>& args, size_t index,
                      std::vector<std::string>* flags) {
  if (cmd == "set") {
    for (size_t i = 3; i < args.size(); i++) {
      if (IsArg(args[i], "GET")) {
        *flags = {"RW", "access", "update"};
        return true;
      }
    }
    *flags = {"OW", "update"};
    return true;
  }
  if (cmd == "bitfield") {
    bool readonly = true;
    for (size_t i = 2; i < args.size(); i++) {
      size_t rem = args.size() - i - 1;
      if (IsArg(args[i], "GET") && rem >= 2) {
        i += 2;
      } else if (IsArg(args[i], "OVERFLOW") && rem >= 1) {
        i += 1;
      } else {
        readonly = false;  // SET, INCRBY, or a syntax error: assume a write
        break;
      }
    }
    *flags = readonly ? std::vector<std::string>{"RO", "access"} : std::vector<std::string>{"RW", "access", "update"};
    return true;
  }
  if (cmd == "sort" || cmd == "sort_ro") {
    *flags = index == 1 ? std::vector<std::string>{"RO", "access"} : std::vector<std::string>{"OW", "update"};
    return true;
  }
  return false;
}

// COMMAND GETKEYS / GETKEYSANDFLAGS <command> <args...>
void CommandGetKeys(CommandContext& ctx, bool with_flags) {
  std::vector<std::string_view> args(ctx.args.begin() + 2, ctx.args.end());
  CommandEntry* e = ctx.server.FindEntry(args[0]);
  const CommandMeta* meta = e == nullptr ? nullptr : e->meta;
  const CommandSpec* spec = e == nullptr ? nullptr : e->spec;
  int arity = spec == nullptr ? 0 : spec->arity;
  if (e != nullptr && !e->subcommands.empty() && args.size() >= 2) {
    if (SubcommandEntry* sub = e->FindSubcommand(args[1])) {
      meta = sub->meta;
      arity = meta->arity;
    }
  }
  if (e == nullptr) return ctx.w.Error("ERR Invalid command specified");
  bool has_keys = meta != nullptr ? meta->HasKeys() : (spec->first_key > 0 || spec->key_finder != nullptr);
  if (!has_keys) return ctx.w.Error("ERR The command has no key arguments");
  int argc = static_cast<int>(args.size());
  if ((arity > 0 && arity != argc) || argc < -arity) {
    return ctx.w.Error("ERR Invalid number of arguments specified for command");
  }
  // The key specs when they describe these arguments fully (and their flags
  // do not depend on the arguments); otherwise our own key finder, each key
  // taking the flags of the spec that found it, or of the first spec that
  // could not be followed.
  std::vector<KeyRef> keys;
  bool variable = false;
  if (meta != nullptr) {
    for (const KeySpec& ks : meta->key_specs) variable |= ks.HasFlag("variable_flags");
  }
  bool specs_ok = meta != nullptr && KeysFromSpecs(*meta, args, &keys) && !variable;
  if (!specs_ok) {
    std::vector<size_t> idx;
    if (spec->key_finder != nullptr) {
      if (!spec->key_finder(args, &idx)) idx.clear();
    } else if (spec->first_key > 0) {
      int last = spec->last_key < 0 ? argc + spec->last_key : spec->last_key;
      for (int i = spec->first_key; i <= last && i < argc; i += spec->step) idx.push_back(i);
    }
    const KeySpec* fallback = nullptr;
    if (meta != nullptr) {
      for (const KeySpec& ks : meta->key_specs) {
        if (ks.begin == KeySpec::Begin::kUnknown || ks.find == KeySpec::Find::kUnknown || ks.HasFlag("incomplete") ||
            ks.HasFlag("variable_flags")) {
          fallback = &ks;
          break;
        }
      }
    }
    std::vector<KeyRef> found;
    for (size_t i : idx) {
      auto it = std::find_if(keys.begin(), keys.end(), [&](const KeyRef& k) { return k.index == i; });
      found.push_back({i, it != keys.end() && !it->spec->HasFlag("variable_flags") ? it->spec : fallback});
    }
    keys = std::move(found);
  }
  if (keys.empty()) return ctx.w.Error("ERR Invalid arguments specified for command");
  ctx.w.Array(keys.size());
  for (const KeyRef& k : keys) {
    if (!with_flags) {
      ctx.w.Bulk(args[k.index]);
      continue;
    }
    std::vector<std::string> flags;
    if (!ArgumentKeyFlags(spec->name, args, k.index, &flags) && k.spec != nullptr) flags = k.spec->flags;
    ctx.w.Array(2);
    ctx.w.Bulk(args[k.index]);
    ctx.w.Set(flags.size());
    for (const auto& f : flags) ctx.w.Simple(f);
  }
}

}  // namespace

void CommandCommand(CommandContext& ctx) {
  RespServer& srv = ctx.server;
  if (ctx.argc() == 1) {
    ctx.w.Array(srv.entries().size());
    for (const CommandEntry& e : srv.entries()) WriteInfo(ctx.w, e);
    return;
  }
  std::string sub = ToLower(ctx.arg(1));
  if (sub == "count") {
    ctx.w.Integer(static_cast<int64_t>(srv.entries().size()));
  } else if (sub == "info") {
    if (ctx.argc() == 2) {
      ctx.w.Array(srv.entries().size());
      for (const CommandEntry& e : srv.entries()) WriteInfo(ctx.w, e);
      return;
    }
    ctx.w.Array(ctx.argc() - 2);
    for (size_t i = 2; i < ctx.argc(); i++) {
      CommandEntry* e = nullptr;
      const CommandMeta* sub_meta = FindSubMeta(srv, ctx.arg(i), &e);
      if (sub_meta != nullptr) sub_meta->info.Write(ctx.w);
      else if (e != nullptr && ctx.arg(i).find('|') == std::string_view::npos) WriteInfo(ctx.w, *e);
      else ctx.w.NullArray();
    }
  } else if (sub == "docs") {
    std::vector<std::pair<std::string, std::pair<const CommandEntry*, const CommandMeta*>>> list;
    if (ctx.argc() == 2) {
      for (const CommandEntry& e : srv.entries()) list.push_back({e.spec->name, {&e, e.meta}});
    } else {
      for (size_t i = 2; i < ctx.argc(); i++) {
        CommandEntry* e = nullptr;
        const CommandMeta* sub_meta = FindSubMeta(srv, ctx.arg(i), &e);
        if (sub_meta != nullptr) list.push_back({sub_meta->name, {e, sub_meta}});
        else if (e != nullptr && ctx.arg(i).find('|') == std::string_view::npos)
          list.push_back({e->spec->name, {e, e->meta}});
      }
    }
    ctx.w.Map(list.size());
    for (const auto& [name, what] : list) {
      ctx.w.Bulk(name);
      if (what.second != nullptr) what.second->docs.Write(ctx.w);
      else WriteOwnDocs(ctx.w, *what.first->spec);
    }
  } else if (sub == "list") {
    CommandList(ctx);
  } else if (sub == "getkeys" || sub == "getkeysandflags") {
    CommandGetKeys(ctx, sub == "getkeysandflags");
  } else if (sub == "help") {
    WriteHelp(ctx.w, "COMMAND",
              {"(no subcommand)", "    Return details about all Redis commands.", "COUNT",
               "    Return the total number of commands in this Redis server.", "LIST",
               "    Return a list of all commands in this Redis server.", "INFO [<command-name> ...]",
               "    Return details about multiple Redis commands.",
               "    If no command names are given, documentation details for all",
               "    commands are returned.", "DOCS [<command-name> ...]",
               "    Return documentation details about multiple Redis commands.",
               "    If no command names are given, documentation details for all",
               "    commands are returned.", "GETKEYS <full-command>",
               "    Return the keys from a full Redis command.", "GETKEYSANDFLAGS <full-command>",
               "    Return the keys and the access flags from a full Redis command."});
  } else {
    BadSubcommand(ctx, "COMMAND");
  }
}

}  // namespace lumadb::protocol::resp

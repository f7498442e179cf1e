// ACL: users, permissions, the ACL log and the ACL file.
#include <openssl/rand.h>

#include <cctype>
#include <iterator>

#include "common/clock.h"
#include "common/logging.h"
#include "common/strutil.h"
#include "protocol/resp/acl/acl.h"
#include "protocol/resp/command.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {
namespace {

using acl::Acl;
using acl::CommandIndex;
using acl::Denial;

// Writes one selector's commands / keys / channels fields (ACL GETUSER).
void WriteSelector(Writer& w, const acl::Selector& s) {
  w.Bulk("commands");
  w.Bulk(acl::DescribeCommands(s));
  w.Bulk("keys");
  w.Bulk(acl::DescribeKeys(s));
  w.Bulk("channels");
  w.Bulk(acl::DescribeChannels(s));
}

void GetUser(CommandContext& ctx) {
  acl::UserRules u;
  if (!ctx.server.acl().GetRules(ctx.arg(2), &u)) {
    ctx.w.Null();
    return;
  }
  static const std::pair<uint32_t, const char*> kFlags[] = {{acl::kUserEnabled, "on"},
                                                            {acl::kUserDisabled, "off"},
                                                            {acl::kUserNoPass, "nopass"},
                                                            {acl::kUserSkipSanitize, "skip-sanitize-payload"},
                                                            {acl::kUserSanitize, "sanitize-payload"}};
  Writer& w = ctx.w;
  w.Map(6);
  w.Bulk("flags");
  std::vector<const char*> flags;
  for (const auto& [bit, name] : kFlags) {
    if (u.flags & bit) flags.push_back(name);
  }
  w.Set(flags.size());
  for (const char* f : flags) w.Bulk(f);
  w.Bulk("passwords");
  w.Array(u.passwords.size());
  for (const auto& p : u.passwords) w.Bulk(p);
  WriteSelector(w, u.selectors[0]);
  w.Bulk("selectors");
  w.Array(u.selectors.size() - 1);
  for (size_t i = 1; i < u.selectors.size(); i++) {
    w.Map(3);
    WriteSelector(w, u.selectors[i]);
  }
}

void SetUser(CommandContext& ctx) {
  std::string name(ctx.arg(2));
  std::vector<std::string> rules(ctx.args.begin() + 3, ctx.args.end());
  bool reduced = false;
  std::string err = ctx.server.acl().SetUser(name, rules, &reduced);
  if (!err.empty()) {
    ctx.w.Error(err);
    return;
  }
  if (reduced) ctx.server.RecheckSubscribers(ctx.server.acl().Find(name));
  ctx.w.Ok();
}

void DelUser(CommandContext& ctx) {
  std::vector<std::string_view> names(ctx.args.begin() + 2, ctx.args.end());
  for (std::string_view n : names) {
    if (n == "default") {
      ctx.w.Error("ERR The 'default' user cannot be removed");
      return;
    }
  }
  auto removed = ctx.server.acl().DelUsers(names);
  uint64_t self = ctx.session.conn().id();
  ctx.server.KillClientsOf(removed, self);
  for (const auto& u : removed) {
    // Deleting the user this connection runs as: reply, then close.
    if (u.get() == &ctx.session.user()) ctx.session.conn().CloseAfterWrite();
  }
  ctx.w.Integer(static_cast<int64_t>(removed.size()));
}

void Cat(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    ctx.w.Array(acl::kCategoryCount);
    for (const char* c : acl::kCategoryNames) ctx.w.Bulk(c);
    return;
  }
  int cat = -1;
  for (int c = 0; c < acl::kCategoryCount; c++) {
    if (EqualsIgnoreCase(ctx.arg(2), acl::kCategoryNames[c])) cat = c;
  }
  if (cat < 0) {
    ctx.w.Error("ERR Unknown category '" + std::string(ctx.arg(2).substr(0, 128)) + "'");
    return;
  }
  // Only the commands LumaDB serves (with every subcommand of a container it serves).
  const CommandIndex& idx = CommandIndex::Get();
  std::vector<std::string> names;
  for (int id : idx.in_category(cat)) {
    const acl::CommandDef& d = idx.def(id);
    int top = idx.parent(id) >= 0 ? idx.parent(id) : id;
    if (ctx.server.FindCommand(idx.def(top).name) != nullptr) names.push_back(d.name);
  }
  ctx.w.BulkArray(names);
}

void GenPass(CommandContext& ctx) {
  constexpr int64_t kMaxBits = 4096;
  int64_t bits = 256;
  if (ctx.argc() == 3 && !ArgInt(ctx, 2, &bits)) return;
  if (bits <= 0 || bits > kMaxBits) {
    ctx.w.Error(
        "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to " +
        std::to_string(kMaxBits));
    return;
  }
  size_t chars = static_cast<size_t>((bits + 3) / 4);
  std::vector<unsigned char> raw((chars + 1) / 2);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    ctx.w.Error("ERR cannot read random bytes");
    return;
  }
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : raw) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  out.resize(chars);
  ctx.w.Bulk(out);
}

const char* ReasonName(Denial d) {
  switch (d) {
    case Denial::kCommand:
      return "command";
    case Denial::kKey:
      return "key";
    case Denial::kChannel:
      return "channel";
    case Denial::kAuth:
      return "auth";
    case Denial::kOk:
      break;
  }
  return "unknown";
}

const char* ContextName(acl::LogContext c) {
  switch (c) {
    case acl::LogContext::kToplevel:
      return "toplevel";
    case acl::LogContext::kMulti:
      return "multi";
    case acl::LogContext::kLua:
      return "lua";
  }
  return "unknown";
}

void Log(CommandContext& ctx) {
  int64_t count = 10;
  if (ctx.argc() == 3) {
    if (IsArg(ctx.arg(2), "RESET")) {
      ctx.server.acl().ResetLog();
      ctx.w.Ok();
      return;
    }
    if (!ArgInt(ctx, 2, &count)) return;
    if (count < 0) count = 0;
  }
  auto entries = ctx.server.acl().Log(static_cast<size_t>(count));
  int64_t now = NowMs();
  ctx.w.Array(entries.size());
  for (const auto& e : entries) {
    ctx.w.Map(7);
    ctx.w.Bulk("count");
    ctx.w.Integer(static_cast<int64_t>(e.count));
    ctx.w.Bulk("reason");
    ctx.w.Bulk(ReasonName(e.reason));
    ctx.w.Bulk("context");
    ctx.w.Bulk(ContextName(e.context));
    ctx.w.Bulk("object");
    ctx.w.Bulk(e.object);
    ctx.w.Bulk("username");
    ctx.w.Bulk(e.username);
    ctx.w.Bulk("age-seconds");
    ctx.w.Double(static_cast<double>(now - e.ctime_ms) / 1000);
    ctx.w.Bulk("client-info");
    ctx.w.Bulk(e.client_info);
  }
}

void DryRun(CommandContext& ctx) {
  auto user = ctx.server.acl().Find(ctx.arg(2));
  if (user == nullptr) {
    ctx.w.Error("ERR User '" + std::string(ctx.arg(2)) + "' not found");
    return;
  }
  std::vector<std::string_view> args(ctx.args.begin() + 3, ctx.args.end());
  const CommandIndex& idx = CommandIndex::Get();
  int id = idx.Lookup(args);
  if (id < 0) {
    ctx.w.Error("ERR Command '" + std::string(args[0]) + "' not found");
    return;
  }
  const CommandSpec* spec = ctx.server.FindCommand(args[0]);
  int argc = static_cast<int>(args.size());
  int arity = idx.def(id).arity;
  if ((arity > 0 && argc != arity) || (arity < 0 && argc < -arity)) {
    ctx.w.Error(ArityError(idx.def(id).name));
    return;
  }
  size_t pos = 0;
  Denial d = ctx.server.acl().Check(*user, id, args,
                                      [&](std::vector<size_t>* out) {
                                        if (spec != nullptr) CommandKeys(spec, args, out);
                                      },
                                      &pos);
  switch (d) {
    case Denial::kOk:
      ctx.w.Ok();
      break;
    case Denial::kCommand:
      ctx.w.Bulk("This user has no permissions to run the '" + std::string(idx.def(id).name) + "' command");
      break;
    case Denial::kKey:
      ctx.w.Bulk("This user has no permissions to access the '" + std::string(args[pos]) + "' key");
      break;
    default:
      ctx.w.Bulk("This user has no permissions to access the '" + std::string(args[pos]) + "' channel");
      break;
  }
}

void Help(CommandContext& ctx) {
  static const char* kLines[] = {
      "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CAT [<category>]",
      "    List all commands that belong to <category>, or all command categories",
      "    when no category is specified.",
      "DELUSER <username> [<username> ...]",
      "    Delete a list of users.",
      "DRYRUN <username> <command> [<arg> ...]",
      "    Returns whether the user can execute the given command without executing the command.",
      "GETUSER <username>",
      "    Get the user's details.",
      "GENPASS [<bits>]",
      "    Generate a secure 256-bit user password. The optional `bits` argument can",
      "    be used to specify a different size.",
      "LIST",
      "    Show users details in config file format.",
      "LOAD",
      "    Reload users from the ACL file.",
      "LOG [<count> | RESET]",
      "    Show the ACL log entries.",
      "SAVE",
      "    Save the current config to the ACL file.",
      "SETUSER <username> <attribute> [<attribute> ...]",
      "    Create or modify a user with the specified attributes.",
      "USERS",
      "    List all the registered usernames.",
      "WHOAMI",
      "    Return the current connection username.",
      "HELP",
      "    Prints this help.",
  };
  ctx.w.Array(std::size(kLines));
  for (const char* l : kLines) ctx.w.Simple(l);
}

void LoadOrSave(CommandContext& ctx, bool load) {
  const std::string& path = ctx.server.config().aclfile;
  if (path.empty()) {
    ctx.w.Error(
        "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL "
        "SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in "
        "order to store users in the Redis configuration.");
    return;
  }
  if (load) {
    std::string err = ctx.server.LoadAclFile(ctx.session.conn().id());
    if (!err.empty()) {
      ctx.w.Error("ERR " + err);
      return;
    }
    // This connection's own user was replaced unless it is the default one.
    if (ctx.session.user().removed()) ctx.session.conn().CloseAfterWrite();
    ctx.w.Ok();
    return;
  }
  std::string err;
  if (!ctx.server.acl().SaveFile(path, &err)) {
    LOG_WARN("redis: %s", err.c_str());
    ctx.w.Error("ERR There was an error trying to save the ACLs. Please check the server logs for more information");
    return;
  }
  ctx.w.Ok();
}

// Subcommand, its arity (as COMMAND INFO gives it) and handler.
struct Sub {
  const char* name;
  int arity;
  void (*fn)(CommandContext&);
};

void Acl(CommandContext& ctx) {
  static const Sub kSubs[] = {
      {"cat", -2, Cat},
      {"deluser", -3, DelUser},
      {"dryrun", -4, DryRun},
      {"genpass", -2, GenPass},
      {"getuser", 3, GetUser},
      {"help", 2, Help},
      {"list", 2,
       [](CommandContext& c) { c.w.BulkArray(c.server.acl().List()); }},
      {"load", 2, [](CommandContext& c) { LoadOrSave(c, true); }},
      {"log", -2, Log},
      {"save", 2, [](CommandContext& c) { LoadOrSave(c, false); }},
      {"setuser", -3, SetUser},
      {"users", 2, [](CommandContext& c) { c.w.BulkArray(c.server.acl().Names()); }},
      {"whoami", 2, [](CommandContext& c) { c.w.Bulk(c.session.user().name()); }},
  };
  std::string sub = ToLower(ctx.arg(1));
  for (const Sub& s : kSubs) {
    if (sub != s.name) continue;
    int argc = static_cast<int>(ctx.argc());
    if ((s.arity > 0 && argc != s.arity) || (s.arity < 0 && argc < -s.arity)) {
      ctx.w.Error(ArityError(std::string("acl|") + s.name));
      return;
    }
    // Forms the arity allows but the subcommand does not.
    if ((sub == "cat" || sub == "genpass" || sub == "log") && argc > 3) {
      std::string cmd(ctx.arg(0));
      for (char& c : cmd) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      ctx.w.Error("ERR unknown subcommand or wrong number of arguments for '" + std::string(ctx.arg(1).substr(0, 128)) +
                  "'. Try " + cmd + " HELP.");
      return;
    }
    s.fn(ctx);
    return;
  }
  std::string cmd(ctx.arg(0));
  for (char& c : cmd) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ctx.w.Error("ERR unknown subcommand '" + std::string(ctx.arg(1).substr(0, 128)) + "'. Try " + cmd + " HELP.");
}

}  // namespace

const std::vector<CommandSpec>& AclCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"acl", -2, kNoscript | kLoading | kStale, 0, 0, 0, Acl, "server",
       "A container for Access List Control commands."},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

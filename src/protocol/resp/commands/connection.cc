// Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET, CLIENT.
#include <algorithm>

#include "common/clock.h"
#include "common/strutil.h"
#include "net/worker.h"
#include "protocol/resp/command.h"
#include "protocol/resp/commands/admin.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {
namespace {

void Ping(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    ctx.w.Error(ArityError("ping"));
    return;
  }
  if (ctx.session.proto() == 2 && ctx.session.SubscriptionCount() > 0) {
    // In RESP2 subscriber mode PING answers as a message array.
    ctx.w.Array(2);
    ctx.w.Bulk("pong");
    ctx.w.Bulk(ctx.argc() == 2 ? ctx.arg(1) : "");
    return;
  }
  if (ctx.argc() == 2) ctx.w.Bulk(ctx.arg(1));
  else ctx.w.Simple("PONG");
}

void Echo(CommandContext& ctx) { ctx.w.Bulk(ctx.arg(1)); }

void Quit(CommandContext& ctx) {
  ctx.w.Ok();
  ctx.session.conn().CloseAfterWrite();
}

// Authenticates the session as `user`; on failure logs it (ACL LOG reason
// "auth") and writes WRONGPASS.
bool Login(CommandContext& ctx, std::string_view user, std::string_view pass) {
  std::shared_ptr<acl::User> u = ctx.server.acl().Authenticate(user, pass);
  if (u == nullptr) {
    acl::LogContext where = ctx.session.in_exec() ? acl::LogContext::kMulti : acl::LogContext::kToplevel;
    ctx.server.LogDenial(ctx.session, acl::Denial::kAuth, where, std::string(ctx.arg(0)), std::string(user));
    ctx.w.Error("WRONGPASS invalid username-password pair or user is disabled.");
    return false;
  }
  ctx.session.Authenticate(std::move(u));
  return true;
}

void Auth(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.w.Error(kErrSyntax);
    return;
  }
  if (ctx.argc() == 2 && ctx.server.acl().DefaultNoPass()) {
    ctx.w.Error(
        "ERR AUTH <password> called without any password configured for the default user. Are you sure your "
        "configuration is correct?");
    return;
  }
  std::string_view user = ctx.argc() == 3 ? ctx.arg(1) : "default";
  std::string_view pass = ctx.argc() == 3 ? ctx.arg(2) : ctx.arg(1);
  if (!Login(ctx, user, pass)) return;
  ctx.w.Ok();
}

bool ValidClientName(std::string_view n) {
  for (char c : n) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

void Hello(CommandContext& ctx) {
  int64_t ver = ctx.session.proto();
  size_t i = 1;
  if (ctx.argc() >= 2) {
    if (!ParseInt64(ctx.arg(1), &ver)) {
      ctx.w.Error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (ver < 2 || ver > 3) {
      ctx.w.Error("NOPROTO unsupported protocol version");
      return;
    }
    i = 2;
  }
  // Like redis-server 7.0, each option takes effect as it is read: an AUTH
  // or SETNAME before a bad option stays done.
  for (; i < ctx.argc(); i++) {
    if (IsArg(ctx.arg(i), "AUTH") && i + 2 < ctx.argc()) {
      if (!Login(ctx, ctx.arg(i + 1), ctx.arg(i + 2))) return;
      i += 2;
    } else if (IsArg(ctx.arg(i), "SETNAME") && i + 1 < ctx.argc()) {
      if (!ValidClientName(ctx.arg(i + 1))) {
        ctx.w.Error("ERR Client names cannot contain spaces, newlines or special characters.");
        return;
      }
      std::lock_guard<std::mutex> g(ctx.session.info().mu);
      ctx.session.info().name = std::string(ctx.arg(i + 1));
      i += 1;
    } else {
      ctx.w.Error("ERR Syntax error in HELLO option '" + std::string(ctx.arg(i)) + "'");
      return;
    }
  }
  if (!ctx.session.authenticated()) {
    ctx.w.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
                "AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol "
                "version at the same time");
    return;
  }
  ctx.session.set_proto(static_cast<int>(ver));
  Writer& w = ctx.w;
  w.Map(7);
  w.Bulk("server");
  w.Bulk("redis");
  w.Bulk("version");
  w.Bulk(ctx.server.config().version);
  w.Bulk("proto");
  w.Integer(ver);
  w.Bulk("id");
  w.Integer(static_cast<int64_t>(ctx.session.conn().id()));
  w.Bulk("mode");
  w.Bulk("standalone");
  w.Bulk("role");
  w.Bulk("master");
  w.Bulk("modules");
  w.Array(0);
}

void Select(CommandContext& ctx) {
  int64_t db;
  if (!ParseInt64(ctx.arg(1), &db)) {
    ctx.w.Error(kErrNotInt);
    return;
  }
  if (db < 0 || db >= engine::kv::kRedisDbCount) {
    ctx.w.Error("ERR DB index is out of range");
    return;
  }
  ctx.session.set_db(static_cast<int>(db));
  ctx.w.Ok();
}

void Reset(CommandContext& ctx) {
  ctx.session.Reset();
  ctx.w.Simple("RESET");
}

// ---- CLIENT ----


void KillClient(CommandContext& ctx, const std::shared_ptr<ClientInfo>& c) {
  uint64_t id = c->id;
  if (id == ctx.session.conn().id()) {
    // Killing ourselves: reply first, then close.
    ctx.session.conn().CloseAfterWrite();
    return;
  }
  net::Worker* w = c->worker;
  w->Post([w, id] {
    if (net::Connection* conn = w->FindConnection(id)) conn->Close();
  });
}

void ClientKill(CommandContext& ctx) {
  auto clients = ctx.server.Clients();
  if (ctx.argc() == 3) {
    for (const auto& c : clients) {
      if (c->addr == ctx.arg(2)) {
        KillClient(ctx, c);
        ctx.w.Ok();
        return;
      }
    }
    ctx.w.Error("ERR No such client");
    return;
  }
  if ((ctx.argc() - 2) % 2 != 0) {
    ctx.w.Error(kErrSyntax);
    return;
  }
  int64_t id = -1;
  std::string addr, laddr, type;
  std::shared_ptr<acl::User> user;
  bool skipme = true;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) {
    std::string_view opt = ctx.arg(i), val = ctx.arg(i + 1);
    if (IsArg(opt, "ID")) {
      if (!ParseInt64(val, &id) || id <= 0) {
        ctx.w.Error("ERR client-id should be greater than 0");
        return;
      }
    } else if (IsArg(opt, "ADDR")) {
      addr = val;
    } else if (IsArg(opt, "LADDR")) {
      laddr = val;
    } else if (IsArg(opt, "TYPE")) {
      type = ToLower(val);
      if (type != "normal" && type != "pubsub" && type != "master" && type != "replica" && type != "slave") {
        ctx.w.Error("ERR Unknown client type '" + std::string(val) + "'");
        return;
      }
    } else if (IsArg(opt, "USER")) {
      user = ctx.server.acl().Find(val);
      if (user == nullptr) {
        ctx.w.Error("ERR No such user '" + std::string(val) + "'");
        return;
      }
    } else if (IsArg(opt, "SKIPME")) {
      if (IsArg(val, "yes")) skipme = true;
      else if (IsArg(val, "no")) skipme = false;
      else {
        ctx.w.Error(kErrSyntax);
        return;
      }
    } else {
      ctx.w.Error(kErrSyntax);
      return;
    }
  }
  int64_t killed = 0;
  for (const auto& c : clients) {
    if (id != -1 && c->id != static_cast<uint64_t>(id)) continue;
    if (!addr.empty() && c->addr != addr) continue;
    if (!laddr.empty() && c->laddr != laddr) continue;
    bool pubsub = c->subs.load() + c->psubs.load() > 0;
    if (!type.empty() && ((type == "pubsub") != pubsub || type == "master" || type == "replica" || type == "slave")) continue;
    if (user != nullptr) {
      std::lock_guard<std::mutex> g(c->mu);
      if (c->user != user) continue;
    }
    if (skipme && c->id == ctx.session.conn().id()) continue;
    KillClient(ctx, c);
    killed++;
  }
  ctx.w.Integer(killed);
}

void Client(CommandContext& ctx) {
  std::string sub = ToLower(ctx.arg(1));
  size_t argc = ctx.argc();
  auto arity = [&](bool ok) {
    if (!ok) ctx.w.Error(ArityError("client|" + sub));
    return ok;
  };
  if (sub == "id") {
    if (!arity(argc == 2)) return;
    ctx.w.Integer(static_cast<int64_t>(ctx.session.conn().id()));
  } else if (sub == "setname") {
    if (!arity(argc == 3)) return;
    if (!ValidClientName(ctx.arg(2))) {
      ctx.w.Error("ERR Client names cannot contain spaces, newlines or special characters.");
      return;
    }
    std::lock_guard<std::mutex> g(ctx.session.info().mu);
    ctx.session.info().name = std::string(ctx.arg(2));
    ctx.w.Ok();
  } else if (sub == "getname") {
    if (!arity(argc == 2)) return;
    std::string name;
    {
      std::lock_guard<std::mutex> g(ctx.session.info().mu);
      name = ctx.session.info().name;
    }
    if (name.empty()) ctx.w.Null();
    else ctx.w.Bulk(name);
  } else if (sub == "setinfo") {
    if (!arity(argc == 4)) return;
    std::string_view attr = ctx.arg(2), val = ctx.arg(3);
    bool is_name = IsArg(attr, "LIB-NAME");
    if (!is_name && !IsArg(attr, "LIB-VER")) {
      ctx.w.Error("ERR Unrecognized option '" + std::string(attr) + "'");
      return;
    }
    if (!ValidClientName(val)) {
      ctx.w.Error("ERR " + std::string(is_name ? "lib-name" : "lib-ver") +
                  " cannot contain spaces, newlines or special characters.");
      return;
    }
    std::lock_guard<std::mutex> g(ctx.session.info().mu);
    (is_name ? ctx.session.info().lib_name : ctx.session.info().lib_ver) = std::string(val);
    ctx.w.Ok();
  } else if (sub == "list") {
    std::string type;
    std::vector<uint64_t> ids;
    for (size_t i = 2; i < argc; i++) {
      if (IsArg(ctx.arg(i), "TYPE") && i + 1 < argc) {
        type = ToLower(ctx.arg(++i));
      } else if (IsArg(ctx.arg(i), "ID") && i + 1 < argc) {
        for (i++; i < argc; i++) {
          int64_t id;
          if (!ParseInt64(ctx.arg(i), &id) || id <= 0) {
            ctx.w.Error("ERR Invalid client ID");
            return;
          }
          ids.push_back(static_cast<uint64_t>(id));
        }
      } else {
        ctx.w.Error(kErrSyntax);
        return;
      }
    }
    auto clients = ctx.server.Clients();
    std::sort(clients.begin(), clients.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
    int64_t now = NowMs();
    std::string out;
    for (const auto& c : clients) {
      if (!ids.empty() && std::find(ids.begin(), ids.end(), c->id) == ids.end()) continue;
      bool pubsub = c->subs.load() + c->psubs.load() > 0;
      if (type == "pubsub" && !pubsub) continue;
      if (type == "normal" && pubsub) continue;
      if (type == "master" || type == "replica" || type == "slave") continue;
      out += ClientInfoLine(*c, now);
      out += "\n";
    }
    ctx.w.Verbatim(out);
  } else if (sub == "info") {
    if (!arity(argc == 2)) return;
    ctx.w.Verbatim(ClientInfoLine(ctx.session.info(), NowMs()) + "\n");
  } else if (sub == "kill") {
    if (!arity(argc >= 3)) return;
    ClientKill(ctx);
  } else if (sub == "no-evict" || sub == "no-touch") {
    if (!arity(argc == 3)) return;
    bool on = IsArg(ctx.arg(2), "on");
    if (!on && !IsArg(ctx.arg(2), "off")) return ctx.w.Error(kErrSyntax);
    uint32_t bit = sub == "no-evict" ? kClientNoEvict : kClientNoTouch;
    if (on) ctx.session.info().flags.fetch_or(bit, std::memory_order_relaxed);
    else ctx.session.info().flags.fetch_and(~bit, std::memory_order_relaxed);
    ctx.w.Ok();
  } else if (sub == "reply") {
    if (!arity(argc == 3)) return;
    if (IsArg(ctx.arg(2), "on")) {
      ctx.session.SetReplyMode(RespSession::ReplyMode::kOn);
      ctx.w.Ok();
    } else if (IsArg(ctx.arg(2), "off")) {
      ctx.session.SetReplyMode(RespSession::ReplyMode::kOff);
    } else if (IsArg(ctx.arg(2), "skip")) {
      ctx.session.SetReplyMode(RespSession::ReplyMode::kSkip);
    } else {
      ctx.w.Error(kErrSyntax);
    }
  } else if (sub == "pause") {
    if (!arity(argc == 3 || argc == 4)) return;
    int64_t timeout;
    if (!ParseInt64(ctx.arg(2), &timeout)) return ctx.w.Error("ERR timeout is not an integer or out of range");
    if (timeout < 0) return ctx.w.Error("ERR timeout is negative");
    RespServer::PauseMode mode = RespServer::PauseMode::kAll;
    if (argc == 4) {
      if (IsArg(ctx.arg(3), "WRITE")) mode = RespServer::PauseMode::kWrite;
      else if (!IsArg(ctx.arg(3), "ALL")) return ctx.w.Error("ERR CLIENT PAUSE mode must be WRITE or ALL");
    }
    int64_t deadline = MonoMs() + timeout;
    uint64_t gen = ctx.server.Pause(deadline, mode);
    RespServer* server = &ctx.server;
    ctx.session.conn().worker().AddTimer(deadline, [server, gen] { server->Unpause(gen); });
    ctx.w.Ok();
  } else if (sub == "unpause") {
    if (!arity(argc == 2)) return;
    ctx.server.Unpause();
    ctx.w.Ok();
  } else if (sub == "unblock") {
    if (!arity(argc == 3 || argc == 4)) return;
    int64_t id;
    if (!ArgInt(ctx, 2, &id)) return;
    bool error = false;
    if (argc == 4) {
      if (IsArg(ctx.arg(3), "ERROR")) error = true;
      else if (!IsArg(ctx.arg(3), "TIMEOUT")) return ctx.w.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
    std::shared_ptr<ClientInfo> target = id > 0 ? ctx.server.FindClient(static_cast<uint64_t>(id)) : nullptr;
    if (target == nullptr || !target->blocked.load()) return ctx.w.Integer(0);
    net::Worker* w = target->worker;
    uint64_t tid = target->id;
    if (w == &ctx.session.conn().worker() && tid == ctx.session.conn().id()) return ctx.w.Integer(0);
    w->Post([w, tid, error] {
      net::Connection* c = w->FindConnection(tid);
      if (c != nullptr) static_cast<RespSession*>(c->session())->UnblockByClient(error);
    });
    ctx.w.Integer(1);
  } else if (sub == "tracking") {
    if (!arity(argc >= 3)) return;
    TrackingOptions opts;
    if (IsArg(ctx.arg(2), "on")) opts.on = true;
    else if (!IsArg(ctx.arg(2), "off")) return ctx.w.Error(kErrSyntax);
    for (size_t i = 3; i < argc; i++) {
      std::string_view o = ctx.arg(i);
      if (IsArg(o, "REDIRECT") && i + 1 < argc) {
        int64_t id;
        if (!ArgInt(ctx, ++i, &id)) return;
        opts.redirect = id < 0 ? 0 : static_cast<uint64_t>(id);
        if (id <= 0) return ctx.w.Error("ERR The client ID you want redirect to does not exist");
      } else if (IsArg(o, "BCAST")) {
        opts.bcast = true;
      } else if (IsArg(o, "OPTIN")) {
        opts.optin = true;
      } else if (IsArg(o, "OPTOUT")) {
        opts.optout = true;
      } else if (IsArg(o, "NOLOOP")) {
        opts.noloop = true;
      } else if (IsArg(o, "PREFIX") && i + 1 < argc) {
        opts.prefixes.emplace_back(ctx.arg(++i));
      } else {
        return ctx.w.Error(kErrSyntax);
      }
    }
    std::string err = ctx.session.SetTracking(opts);
    if (!err.empty()) return ctx.w.Error(err);
    ctx.w.Ok();
  } else if (sub == "caching") {
    if (!arity(argc == 3)) return;
    bool yes = IsArg(ctx.arg(2), "yes");
    if (!yes && !IsArg(ctx.arg(2), "no")) {
      // Redis checks the tracking mode first, then the argument.
      std::string err = ctx.session.SetCaching(true);
      return ctx.w.Error(err.empty() || err.find("OPTIN or OPTOUT") == std::string::npos ? std::string(kErrSyntax)
                                                                                          : err);
    }
    std::string err = ctx.session.SetCaching(yes);
    if (!err.empty()) return ctx.w.Error(err);
    ctx.w.Ok();
  } else if (sub == "getredir") {
    if (!arity(argc == 2)) return;
    const TrackingOptions& t = ctx.session.tracking();
    ctx.w.Integer(t.on ? static_cast<int64_t>(t.redirect) : -1);
  } else if (sub == "trackinginfo") {
    if (!arity(argc == 2)) return;
    const TrackingOptions& t = ctx.session.tracking();
    ctx.w.Map(3);
    ctx.w.Bulk("flags");
    std::vector<std::string> flags;
    if (!t.on) {
      flags.push_back("off");
    } else {
      flags.push_back("on");
      if (t.bcast) flags.push_back("bcast");
      if (t.optin) flags.push_back("optin");
      if (t.optout) flags.push_back("optout");
      if (ctx.session.caching_yes()) flags.push_back("caching-yes");
      if (ctx.session.caching_no()) flags.push_back("caching-no");
      if (t.noloop) flags.push_back("noloop");
      if (ctx.session.redirect_broken()) flags.push_back("broken_redirect");
    }
    ctx.w.Set(flags.size());
    for (const auto& f : flags) ctx.w.Bulk(f);
    ctx.w.Bulk("redirect");
    ctx.w.Integer(t.on ? static_cast<int64_t>(t.redirect) : -1);
    ctx.w.Bulk("prefixes");
    std::vector<std::string> prefixes = t.prefixes;
    std::sort(prefixes.begin(), prefixes.end());
    ctx.w.BulkArray(prefixes);
  } else if (sub == "help") {
    WriteHelp(ctx.w, "CLIENT", {
                                 "CACHING (YES|NO)",
                                 "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
                                 "GETREDIR",
                                 "    Return the client ID we are redirecting to when tracking is enabled.",
                                 "GETNAME",
                                 "    Return the name of the current connection.",
                                 "ID",
                                 "    Return the ID of the current connection.",
                                 "INFO",
                                 "    Return information about the current client connection.",
                                 "KILL <ip:port>",
                                 "    Kill connection made from <ip:port>.",
                                 "KILL <option> <value> [<option> <value> [...]]",
                                 "    Kill connections. Options are:",
                                 "    * ADDR (<ip:port>|<unixsocket>:0)",
                                 "      Kill connections made from the specified address",
                                 "    * LADDR (<ip:port>|<unixsocket>:0)",
                                 "      Kill connections made to specified local address",
                                 "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                                 "      Kill connections by type.",
                                 "    * USER <username>",
                                 "      Kill connections authenticated by <username>.",
                                 "    * SKIPME (YES|NO)",
                                 "      Skip killing current connection (default: yes).",
                                 "LIST [options ...]",
                                 "    Return information about client connections. Options:",
                                 "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                                 "      Return clients of specified type.",
                                 "UNPAUSE",
                                 "    Stop the current client pause, resuming traffic.",
                                 "PAUSE <timeout> [WRITE|ALL]",
                                 "    Suspend all, or just write, clients for <timeout> milliseconds.",
                                 "REPLY (ON|OFF|SKIP)",
                                 "    Control the replies sent to the current connection.",
                                 "SETNAME <name>",
                                 "    Assign the name <name> to the current connection.",
                                 "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                                 "    Unblock the specified blocked client.",
                                 "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                                 "         [OPTIN] [OPTOUT] [NOLOOP]",
                                 "    Control server assisted client side caching.",
                                 "TRACKINGINFO",
                                 "    Report tracking status for the current connection.",
                                 "NO-EVICT (ON|OFF)",
                                 "    Protect current client connection from eviction."});
  } else {
    ctx.w.Error("ERR unknown subcommand '" + std::string(ctx.arg(1).substr(0, 128)) + "'. Try CLIENT HELP.");
  }
}

void Monitor(CommandContext& ctx) {
  // Inside MULTI MONITOR is refused by the kNoMulti flag.
  ctx.session.StartMonitor();
  ctx.w.Ok();
}

}  // namespace

std::string ClientInfoLine(ClientInfo& c, int64_t now_ms) {
  std::string name, lib_name, lib_ver, user;
  {
    std::lock_guard<std::mutex> g(c.mu);
    name = c.name;
    lib_name = c.lib_name;
    lib_ver = c.lib_ver;
    user = c.user ? c.user->name() : "default";
  }
  // The letters in redis-server's order (networking.c, catClientInfoString).
  uint32_t f = c.flags.load(std::memory_order_relaxed);
  std::string flags;
  if (f & kClientMonitor) flags += "O";
  if (c.subs.load() + c.psubs.load() > 0) flags += "P";
  if (c.in_multi.load()) flags += "x";
  if (c.blocked.load()) flags += "b";
  if (f & kClientTracking) flags += "t";
  if (f & kClientBrokenRedir) flags += "R";
  if (f & kClientBcast) flags += "B";
  if (f & kClientNoEvict) flags += "e";
  if (f & kClientNoTouch) flags += "T";
  if (flags.empty()) flags = "N";
  std::string cmd = c.last_cmd.load();
  std::string s = "id=" + std::to_string(c.id) + " addr=" + c.addr + " laddr=" + c.laddr + " fd=0 name=" + name +
                  " age=" + std::to_string((now_ms - c.created_ms) / 1000) +
                  " idle=" + std::to_string((now_ms - c.last_active_ms.load()) / 1000) + " flags=" + flags +
                  " db=" + std::to_string(c.db.load()) + " sub=" + std::to_string(c.subs.load()) +
                  " psub=" + std::to_string(c.psubs.load()) + " ssub=0 multi=" + (c.in_multi.load() ? "0" : "-1") +
                  " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 "
                  "events=r cmd=" + cmd + " user=" + user + " redir=" + std::to_string(c.redir.load()) +
                  " resp=" + std::to_string(c.resp.load()) +
                  " lib-name=" + lib_name + " lib-ver=" + lib_ver;
  return s;
}

const std::vector<CommandSpec>& ConnectionCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"ping", -1, kFast | kStale | kLoading, 0, 0, 0, Ping, "connection", "Returns the server's liveliness response."},
      {"echo", 2, kFast | kStale | kLoading, 0, 0, 0, Echo, "connection", "Returns the given string."},
      {"quit", -1, kNoAuth | kExecNow | kFast | kStale | kLoading | kNoscript | kAllowBusy, 0, 0, 0, Quit, "connection",
       "Closes the connection."},
      {"auth", -2, kNoAuth | kNoscript | kFast | kStale | kLoading | kAllowBusy, 0, 0, 0, Auth, "connection",
       "Authenticates the connection."},
      {"hello", -1, kNoAuth | kNoscript | kFast | kStale | kLoading | kAllowBusy, 0, 0, 0, Hello, "connection",
       "Handshakes with the Redis server."},
      {"select", 2, kLoading | kStale | kFast, 0, 0, 0, Select, "connection",
       "Changes the selected database."},
      {"reset", 1, kNoAuth | kExecNow | kNoscript | kFast | kStale | kLoading | kAllowBusy, 0, 0, 0, Reset, "connection",
       "Resets the connection."},
      {"monitor", 1, kAdmin | kNoscript | kLoading | kStale | kNoMulti, 0, 0, 0, Monitor, "server",
       "Listens for all requests received by the server in real-time."},
      {"client", -2, kNoscript | kLoading | kStale, 0, 0, 0, Client, "connection",
       "A container for client connection commands."},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

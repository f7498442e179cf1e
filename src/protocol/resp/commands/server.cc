// Server commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, SAVE, BGSAVE,
// LASTSAVE, SHUTDOWN, WAIT here; COMMAND, INFO, CONFIG, SLOWLOG, LATENCY and
// MEMORY in their own files (commands/admin.h). One table for all of them.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>

#include "common/clock.h"
#include "common/logging.h"
#include "common/strutil.h"
#include "net/worker.h"
#include "protocol/resp/command.h"
#include "protocol/resp/commands/admin.h"
#include "protocol/resp/notify.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/scripting/script_engine.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {

void WriteHelp(Writer& w, std::string_view command, const std::vector<std::string>& lines) {
  w.Array(lines.size() + 3);
  w.Simple(std::string(command) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (const auto& l : lines) w.Simple(l);
  w.Simple("HELP");
  w.Simple("    Prints this help.");
}

std::string UnknownSubcommand(std::string_view sub, std::string_view command) {
  return "ERR unknown subcommand '" + std::string(sub.substr(0, 128)) + "'. Try " + std::string(command) + " HELP.";
}

void BadSubcommand(CommandContext& ctx, std::string_view command) {
  CommandEntry* e = ctx.server.FindEntry(ctx.arg(0));
  if (e != nullptr && e->FindSubcommand(ctx.arg(1)) != nullptr) {
    return ctx.w.Error("ERR unknown subcommand or wrong number of arguments for '" +
                       std::string(ctx.arg(1).substr(0, 128)) + "'. Try " + std::string(command) + " HELP.");
  }
  ctx.w.Error(UnknownSubcommand(ctx.arg(1), command));
}

std::string HumanBytes(uint64_t bytes) {
  char buf[64];
  double d = static_cast<double>(bytes);
  if (bytes < 1024) snprintf(buf, sizeof(buf), "%lluB", static_cast<unsigned long long>(bytes));
  else if (bytes < (1ull << 20)) snprintf(buf, sizeof(buf), "%.2fK", d / 1024);
  else if (bytes < (1ull << 30)) snprintf(buf, sizeof(buf), "%.2fM", d / (1ull << 20));
  else if (bytes < (1ull << 40)) snprintf(buf, sizeof(buf), "%.2fG", d / (1ull << 30));
  else if (bytes < (1ull << 50)) snprintf(buf, sizeof(buf), "%.2fT", d / (1ull << 40));
  else snprintf(buf, sizeof(buf), "%.2fP", d / (1ull << 50));
  return buf;
}

namespace {

using engine::kv::kRedisDbCount;

// ---- keyspace-wide ----

void DbSize(CommandContext& ctx) { ctx.w.Integer(static_cast<int64_t>(ctx.store.DbSize(ctx.db))); }

bool FlushMode(CommandContext& ctx) {
  if (ctx.argc() == 1) return true;
  if (ctx.argc() == 2 && (IsArg(ctx.arg(1), "ASYNC") || IsArg(ctx.arg(1), "SYNC"))) return true;
  ctx.w.Error(kErrSyntax);
  return false;
}

void FlushDb(CommandContext& ctx) {
  if (!FlushMode(ctx)) return;
  ctx.store.FlushDb(ctx.db);
  ctx.w.Ok();
}

void FlushAll(CommandContext& ctx) {
  if (!FlushMode(ctx)) return;
  ctx.store.FlushAll();
  ctx.w.Ok();
}

void SwapDb(CommandContext& ctx) {
  int64_t a, b;
  if (!ParseInt64(ctx.arg(1), &a)) {
    ctx.w.Error("ERR invalid first DB index");
    return;
  }
  if (!ParseInt64(ctx.arg(2), &b)) {
    ctx.w.Error("ERR invalid second DB index");
    return;
  }
  if (a < 0 || a >= kRedisDbCount || b < 0 || b >= kRedisDbCount) {
    ctx.w.Error("ERR DB index is out of range");
    return;
  }
  ctx.store.SwapDb(static_cast<int>(a), static_cast<int>(b));
  ctx.w.Ok();
}

void Time(CommandContext& ctx) {
  int64_t us = NowUs();
  ctx.w.Array(2);
  ctx.w.Bulk(std::to_string(us / 1000000));
  ctx.w.Bulk(std::to_string(us % 1000000));
}

void Save(CommandContext& ctx) {
  Status st = ctx.store.Flush(true);
  if (!st.ok()) ctx.w.Error("ERR " + st.message());
  else ctx.w.Ok();
}

void BgSave(CommandContext& ctx) {
  if (ctx.argc() > 2 || (ctx.argc() == 2 && !IsArg(ctx.arg(1), "SCHEDULE"))) {
    ctx.w.Error(kErrSyntax);
    return;
  }
  ctx.store.RequestFlush();
  ctx.w.Simple("Background saving started");
}

void LastSave(CommandContext& ctx) { ctx.w.Integer(ctx.store.GetStats().last_save_ms / 1000); }

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: stops the server the way
// SIGTERM does (everything written to disk). While a script is busy only
// SHUTDOWN NOSAVE works, and it exits at once.
void Shutdown(CommandContext& ctx) {
  bool nosave = false, save = false, abort = false;
  for (size_t i = 1; i < ctx.argc(); i++) {
    if (IsArg(ctx.arg(i), "NOSAVE")) nosave = true;
    else if (IsArg(ctx.arg(i), "SAVE")) save = true;
    else if (IsArg(ctx.arg(i), "NOW") || IsArg(ctx.arg(i), "FORCE")) continue;
    else if (IsArg(ctx.arg(i), "ABORT")) abort = true;
    else return ctx.w.Error(kErrSyntax);
  }
  if ((nosave && save) || (abort && ctx.argc() != 2)) return ctx.w.Error(kErrSyntax);
  if (abort) return ctx.w.Error("ERR No shutdown in progress.");
  ScriptEngine& scripts = ctx.server.scripts();
  if (scripts.running()) {
    if (!nosave) return ctx.w.Error(scripts.BusyError());
    // The script holds every shard, so nothing more can be written; what
    // earlier commands wrote is on disk as the durability mode promised.
    LOG_WARN("redis: SHUTDOWN NOSAVE while a script is busy: exiting now");
    _exit(0);
  }
  LOG_INFO("redis: user requested shutdown (%s)", ctx.session.conn().peer().c_str());
  kill(getpid(), SIGTERM);
}

void Wait(CommandContext& ctx) {
  int64_t n, t;
  if (!ArgInt(ctx, 1, &n) || !ArgInt(ctx, 2, &t)) return;
  ctx.w.Integer(0);
}

}  // namespace

const std::vector<CommandSpec>& ServerCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"command", -1, kLoading | kStale, 0, 0, 0, CommandCommand, "server",
       "Returns detailed information about all commands."},
      {"info", -1, kLoading | kStale, 0, 0, 0, InfoCommand, "server",
       "Returns information and statistics about the server."},
      {"dbsize", 1, kReadonly | kFast | kKeyspace, 0, 0, 0, DbSize, "server", "Returns the number of keys in the database."},
      {"flushdb", -1, kWrite | kKeyspace, 0, 0, 0, FlushDb, "server", "Removes all keys from the current database."},
      {"flushall", -1, kWrite | kKeyspace, 0, 0, 0, FlushAll, "server", "Removes all keys from all databases."},
      {"swapdb", 3, kWrite | kFast | kKeyspace, 0, 0, 0, SwapDb, "server", "Swaps two Redis databases."},
      {"config", -2, kAdmin | kNoscript | kLoading | kStale, 0, 0, 0, ConfigCommand, "server",
       "A container for server configuration commands."},
      {"slowlog", -2, kAdmin | kLoading | kStale, 0, 0, 0, SlowlogCommand, "server",
       "A container for slow log commands."},
      {"latency", -2, kAdmin | kNoscript | kLoading | kStale, 0, 0, 0, LatencyCommand, "server",
       "A container for latency diagnostics commands."},
      {"memory", -2, kReadonly, 0, 0, 0, MemoryCommand, "server", "A container for memory diagnostics commands.",
       MemoryKeys},
      {"time", 1, kLoading | kStale | kFast, 0, 0, 0, Time, "server", "Returns the server time."},
      {"save", 1, kAdmin | kNoscript | kNoMulti, 0, 0, 0, Save, "server", "Synchronously saves the database to disk."},
      {"bgsave", -1, kAdmin | kNoscript, 0, 0, 0, BgSave, "server", "Asynchronously saves the database to disk."},
      {"lastsave", 1, kLoading | kStale | kFast, 0, 0, 0, LastSave, "server",
       "Returns the Unix timestamp of the last successful save to disk."},
      {"shutdown", -1, kAdmin | kNoscript | kLoading | kStale | kNoMulti | kAllowBusy, 0, 0, 0, Shutdown, "server",
       "Synchronously saves the database(s) to disk and shuts down the Redis server."},
      {"wait", 3, kNoscript, 0, 0, 0, Wait, "generic",
       "Blocks until the asynchronous replication of all preceding write commands is acknowledged."},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

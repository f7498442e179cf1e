// MULTI, EXEC, DISCARD, WATCH, UNWATCH.
#include "protocol/resp/command.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {
namespace {

void Multi(CommandContext& ctx) {
  if (ctx.session.in_multi()) {
    ctx.w.Error("ERR MULTI calls can not be nested");
    return;
  }
  ctx.session.BeginMulti();
  ctx.w.Ok();
}

void Exec(CommandContext& ctx) {
  if (!ctx.session.in_multi()) {
    ctx.w.Error("ERR EXEC without MULTI");
    return;
  }
  ctx.session.Exec(ctx.w);
}

void Discard(CommandContext& ctx) {
  if (!ctx.session.in_multi()) {
    ctx.w.Error("ERR DISCARD without MULTI");
    return;
  }
  ctx.session.DiscardMulti();
  ctx.session.UnwatchAll();
  ctx.w.Ok();
}

void Watch(CommandContext& ctx) {
  if (ctx.session.in_multi()) {
    ctx.w.Error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  for (size_t i = 1; i < ctx.argc(); i++) ctx.session.WatchKey(ctx.db, ctx.arg(i));
  ctx.w.Ok();
}

void Unwatch(CommandContext& ctx) {
  ctx.session.UnwatchAll();
  ctx.w.Ok();
}

}  // namespace

const std::vector<CommandSpec>& TransactionCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"multi", 1, kNoscript | kLoading | kStale | kFast | kExecNow | kAllowBusy, 0, 0, 0, Multi, "transactions",
       "Starts a transaction."},
      {"exec", 1, kNoscript | kLoading | kStale | kExecNow, 0, 0, 0, Exec, "transactions",
       "Executes all commands in a transaction."},
      {"discard", 1, kNoscript | kLoading | kStale | kFast | kExecNow | kAllowBusy, 0, 0, 0, Discard, "transactions",
       "Discards a transaction."},
      {"watch", -2, kNoscript | kLoading | kStale | kFast | kExecNow | kAllowBusy, 1, -1, 1, Watch, "transactions",
       "Monitors changes to keys to determine the execution of a transaction."},
      {"unwatch", 1, kNoscript | kLoading | kStale | kFast | kAllowBusy, 0, 0, 0, Unwatch, "transactions",
       "Forgets about watched keys of a transaction."},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

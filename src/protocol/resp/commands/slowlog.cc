// SLOWLOG GET [count] / LEN / RESET / HELP.
#include "common/strutil.h"
#include "protocol/resp/commands/admin.h"
#include "protocol/resp/resp_server.h"

namespace lumadb::protocol::resp {

void SlowlogCommand(CommandContext& ctx) {
  std::string sub = ToLower(ctx.arg(1));
  SlowLog& log = ctx.server.slowlog();
  if (sub == "get" && ctx.argc() <= 3) {
    int64_t count = 10;
    if (ctx.argc() == 3 && (!ParseInt64(ctx.arg(2), &count) || count < -1)) {
      return ctx.w.Error("ERR count should be greater than or equal to -1");
    }
    std::vector<SlowLog::Entry> entries = log.Get(count);
    ctx.w.Array(entries.size());
    for (const SlowLog::Entry& e : entries) {
      ctx.w.Array(6);
      ctx.w.Integer(e.id);
      ctx.w.Integer(e.time_s);
      ctx.w.Integer(e.duration_us);
      ctx.w.BulkArray(e.args);
      ctx.w.Bulk(e.addr);
      ctx.w.Bulk(e.name);
    }
  } else if (sub == "len" && ctx.argc() == 2) {
    ctx.w.Integer(static_cast<int64_t>(log.Len()));
  } else if (sub == "reset" && ctx.argc() == 2) {
    log.Reset();
    ctx.w.Ok();
  } else if (sub == "help" && ctx.argc() == 2) {
    WriteHelp(ctx.w, "SLOWLOG",
              {"GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
               "    Entries are made of:", "    id, timestamp, time in microseconds, arguments array, client IP and port,",
               "    client name", "LEN", "    Return the length of the slowlog.", "RESET", "    Reset the slowlog."});
  } else {
    BadSubcommand(ctx, "SLOWLOG");
  }
}

}  // namespace lumadb::protocol::resp

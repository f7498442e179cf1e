// Pub/Sub commands.
#include "common/strutil.h"
#include "protocol/resp/command.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {
namespace {

std::vector<std::string_view> Rest(CommandContext& ctx, size_t from) {
  return std::vector<std::string_view>(ctx.args.begin() + from, ctx.args.end());
}

void Subscribe(CommandContext& ctx) { ctx.session.Subscribe(ctx.w, Rest(ctx, 1), false); }
void PSubscribe(CommandContext& ctx) { ctx.session.Subscribe(ctx.w, Rest(ctx, 1), true); }
void Unsubscribe(CommandContext& ctx) { ctx.session.Unsubscribe(ctx.w, Rest(ctx, 1), false); }
void PUnsubscribe(CommandContext& ctx) { ctx.session.Unsubscribe(ctx.w, Rest(ctx, 1), true); }

void Publish(CommandContext& ctx) { ctx.w.Integer(ctx.server.Publish(ctx.arg(1), ctx.arg(2))); }

void PubSub(CommandContext& ctx) {
  std::string sub = ToLower(ctx.arg(1));
  if (sub == "channels") {
    if (ctx.argc() > 3) {
      ctx.w.Error(ArityError("pubsub|channels"));
      return;
    }
    ctx.w.BulkArray(ctx.server.Channels(ctx.argc() == 3 ? ctx.arg(2) : ""));
  } else if (sub == "numsub") {
    ctx.w.Map(ctx.argc() - 2);
    for (size_t i = 2; i < ctx.argc(); i++) {
      ctx.w.Bulk(ctx.arg(i));
      ctx.w.Integer(ctx.server.NumSub(ctx.arg(i)));
    }
  } else if (sub == "numpat") {
    if (ctx.argc() != 2) {
      ctx.w.Error(ArityError("pubsub|numpat"));
      return;
    }
    ctx.w.Integer(ctx.server.NumPat());
  } else if (sub == "shardchannels") {
    ctx.w.Array(0);
  } else if (sub == "shardnumsub") {
    ctx.w.Map(ctx.argc() - 2);
    for (size_t i = 2; i < ctx.argc(); i++) {
      ctx.w.Bulk(ctx.arg(i));
      ctx.w.Integer(0);
    }
  } else if (sub == "help") {
    ctx.w.Array(4);
    ctx.w.Simple("PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    ctx.w.Simple("CHANNELS [<pattern>]");
    ctx.w.Simple("NUMPAT");
    ctx.w.Simple("NUMSUB [<channel> ...]");
  } else {
    ctx.w.Error("ERR unknown subcommand '" + std::string(ctx.arg(1).substr(0, 128)) + "'. Try PUBSUB HELP.");
  }
}

}  // namespace

const std::vector<CommandSpec>& PubSubCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"subscribe", -2, kPubsub | kNoscript | kLoading | kStale, 0, 0, 0, Subscribe, "pubsub",
       "Listens for messages published to channels."},
      {"psubscribe", -2, kPubsub | kNoscript | kLoading | kStale, 0, 0, 0, PSubscribe, "pubsub",
       "Listens for messages published to channels that match one or more patterns."},
      {"unsubscribe", -1, kPubsub | kNoscript | kLoading | kStale, 0, 0, 0, Unsubscribe, "pubsub",
       "Stops listening to messages posted to channels."},
      {"punsubscribe", -1, kPubsub | kNoscript | kLoading | kStale, 0, 0, 0, PUnsubscribe, "pubsub",
       "Stops listening to messages published to channels that match one or more patterns."},
      {"publish", 3, kPubsub | kLoading | kStale | kFast, 0, 0, 0, Publish, "pubsub", "Posts a message to a channel."},
      {"pubsub", -2, kPubsub | kLoading | kStale, 0, 0, 0, PubSub, "pubsub", "A container for Pub/Sub commands."},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

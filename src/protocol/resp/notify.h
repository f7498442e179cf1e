#pragma once

// Redis keyspace notifications: the call command handlers make to emit an
// event, and helpers for the common "remove, maybe delete" pattern.

#include <string>
#include <string_view>

#include "protocol/resp/command.h"
#include "protocol/resp/notify_flags.h"
#include "protocol/resp/resp_server.h"

namespace lumadb::protocol::resp {

// Emits `event` of class `type` for key in db: to __keyspace@db__:key (with
// K) and __keyevent@db__:event (with E), if the class is enabled. Costs one
// relaxed atomic load when it is not. Safe with shard locks held.
inline void NotifyKeyspaceEvent(RespServer& server, int type, std::string_view event, std::string_view key,
                                int db) {
  if ((server.notify_flags() & type) == 0) return;
  server.PublishKeyspaceEvent(event, key, db);
}
inline void NotifyKeyspaceEvent(CommandContext& ctx, int type, std::string_view event, std::string_view key) {
  NotifyKeyspaceEvent(ctx.server, type, event, key, ctx.db);
}

// After elements were removed from key's collection v: emits `event`, then,
// if the collection is now empty, deletes the key and emits "del" (Redis's
// order). Records the change either way.
void NotifyRemoved(CommandContext& ctx, int type, std::string_view event, std::string_view key,
                   engine::kv::Value* v);
// The same, with what was removed described for persistence (Store::Touched).
void NotifyRemoved(CommandContext& ctx, int type, std::string_view event, std::string_view key,
                   engine::kv::Value* v, engine::kv::DescribeChange describe);
// Deletes key and emits "del" if it existed (a *STORE command with an empty
// result). Returns whether it existed.
bool DeleteAndNotify(CommandContext& ctx, std::string_view key);

}  // namespace lumadb::protocol::resp

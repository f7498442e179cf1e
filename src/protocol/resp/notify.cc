#include "protocol/resp/notify.h"

namespace lumadb::protocol::resp {

int ParseKeyspaceEvents(std::string_view classes) {
  int flags = 0;
  for (char c : classes) {
    switch (c) {
      case 'A': flags |= kNotifyAll; break;
      case 'g': flags |= kNotifyGeneric; break;
      case '$': flags |= kNotifyString; break;
      case 'l': flags |= kNotifyList; break;
      case 's': flags |= kNotifySet; break;
      case 'h': flags |= kNotifyHash; break;
      case 'z': flags |= kNotifyZSet; break;
      case 'x': flags |= kNotifyExpired; break;
      case 'e': flags |= kNotifyEvicted; break;
      case 'K': flags |= kNotifyKeyspace; break;
      case 'E': flags |= kNotifyKeyevent; break;
      case 't': flags |= kNotifyStream; break;
      case 'm': flags |= kNotifyKeyMiss; break;
      case 'd': flags |= kNotifyModule; break;
      case 'n': flags |= kNotifyNew; break;
      default: return -1;
    }
  }
  return flags;
}

std::string KeyspaceEventsToString(int flags) {
  std::string s;
  if ((flags & kNotifyAll) == kNotifyAll) {
    // Redis prints A alone here, so a set n does not show (and a CONFIG SET
    // of the printed value drops it); kept for fidelity.
    s += 'A';
  } else {
    static constexpr std::pair<int, char> kOrder[] = {
        {kNotifyGeneric, 'g'}, {kNotifyString, '$'}, {kNotifyList, 'l'},   {kNotifySet, 's'},
        {kNotifyHash, 'h'},    {kNotifyZSet, 'z'},   {kNotifyExpired, 'x'}, {kNotifyEvicted, 'e'},
        {kNotifyStream, 't'},  {kNotifyModule, 'd'}, {kNotifyNew, 'n'},
    };
    for (const auto& [bit, letter] : kOrder) {
      if (flags & bit) s += letter;
    }
  }
  if (flags & kNotifyKeyspace) s += 'K';
  if (flags & kNotifyKeyevent) s += 'E';
  if (flags & kNotifyKeyMiss) s += 'm';
  return s;
}

void NotifyRemoved(CommandContext& ctx, int type, std::string_view event, std::string_view key,
                   engine::kv::Value* v) {
  NotifyKeyspaceEvent(ctx, type, event, key);
  bool emptied = v != nullptr && !v->IsString() && v->Size() == 0;
  ctx.store.TouchedMaybeEmpty(ctx.db, key, v);
  if (emptied) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
}

void NotifyRemoved(CommandContext& ctx, int type, std::string_view event, std::string_view key,
                   engine::kv::Value* v, engine::kv::DescribeChange describe) {
  NotifyKeyspaceEvent(ctx, type, event, key);
  bool emptied = v != nullptr && !v->IsString() && v->Size() == 0;
  ctx.store.TouchedMaybeEmpty(ctx.db, key, v, describe);
  if (emptied) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
}

bool DeleteAndNotify(CommandContext& ctx, std::string_view key) {
  if (!ctx.store.Erase(ctx.db, key)) return false;
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
  return true;
}

}  // namespace lumadb::protocol::resp

// DUMP and RESTORE in Redis's serialization format.
#include "common/clock.h"
#include "common/strutil.h"
#include "protocol/resp/command.h"
#include "protocol/resp/notify.h"
#include "protocol/resp/rdb.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {
namespace {

using engine::kv::Value;

void Dump(CommandContext& ctx) {
  Value* v = FindForRead(ctx, ctx.arg(1));
  if (v == nullptr) return ctx.w.Null();
  ctx.w.Bulk(rdb::Dump(*v));
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
void Restore(CommandContext& ctx) {
  bool replace = false, absttl = false;
  int64_t idle = -1, freq = -1;
  for (size_t i = 4; i < ctx.argc(); i++) {
    std::string_view o = ctx.arg(i);
    if (IsArg(o, "REPLACE")) {
      replace = true;
    } else if (IsArg(o, "ABSTTL")) {
      absttl = true;
    } else if (IsArg(o, "IDLETIME") && i + 1 < ctx.argc() && freq == -1) {
      if (!ArgInt(ctx, ++i, &idle)) return;
      if (idle < 0) return ctx.w.Error("ERR Invalid IDLETIME value, must be >= 0");
    } else if (IsArg(o, "FREQ") && i + 1 < ctx.argc() && idle == -1) {
      if (!ArgInt(ctx, ++i, &freq)) return;
      if (freq < 0 || freq > 255) return ctx.w.Error("ERR Invalid FREQ value, must be >= 0 and <= 255");
    } else {
      return ctx.w.Error(kErrSyntax);
    }
  }
  int64_t ttl;
  if (!ArgInt(ctx, 2, &ttl)) return;
  if (ttl < 0) return ctx.w.Error("ERR Invalid TTL value, must be >= 0");
  if (!replace && ctx.store.Find(ctx.db, ctx.arg(1)) != nullptr) {
    return ctx.w.Error("BUSYKEY Target key name already exists.");
  }
  Value v;
  Status st = rdb::Restore(ctx.arg(3), &v);
  if (st.IsInvalidArgument()) return ctx.w.Error("ERR DUMP payload version or checksum are wrong");
  if (!st.ok()) return ctx.w.Error("ERR Bad data format");
  int64_t expire = ttl == 0 ? 0 : (absttl ? ttl : NowMs() + ttl);
  // REPLACE deletes the old key first, so the restored one is "new".
  bool deleted = replace && ctx.store.Erase(ctx.db, ctx.arg(1));
  if (expire != 0 && expire <= NowMs()) {
    // Already expired: the key is just removed, as Redis does.
    if (deleted) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", ctx.arg(1));
    return ctx.w.Ok();
  }
  v.expire_ms = expire;
  Value& stored = ctx.store.Put(ctx.db, ctx.arg(1), std::move(v));
  // FREQ sets the LFU counter under an LFU policy, IDLETIME the access time
  // otherwise (Redis's objectSetLRUOrLFU).
  if (engine::kv::PolicyIsLfu(ctx.store.eviction_policy())) {
    if (freq >= 0) ctx.store.SetLfuFrequency(&stored, static_cast<uint8_t>(freq));
  } else if (idle >= 0) {
    // The access clock wraps like Redis's: an idle time past it wraps too.
    stored.set_access_s(ctx.store.ClockSeconds() - static_cast<uint32_t>(idle));
  }
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "restore", ctx.arg(1));
  ctx.w.Ok();
}

}  // namespace

const std::vector<CommandSpec>& DumpCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"dump", 2, kReadonly, 1, 1, 1, Dump, "generic", "Returns a serialized representation of the value stored at a key."},
      {"restore", -4, kWrite | kDenyOom, 1, 1, 1, Restore, "generic", "Creates a key from the serialized representation of a value."},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

#include "protocol/resp/command.h"

#include <cmath>

#include "common/clock.h"
#include "common/strutil.h"
#include "protocol/resp/notify.h"

namespace lumadb::protocol::resp {

using engine::kv::Type;
using engine::kv::Value;

std::string ArityError(std::string_view name) {
  return "ERR wrong number of arguments for '" + std::string(name) + "' command";
}

bool ArgInt(CommandContext& ctx, size_t i, int64_t* out) {
  if (!ParseInt64(ctx.args[i], out)) {
    ctx.w.Error(kErrNotInt);
    return false;
  }
  return true;
}

bool ArgDouble(CommandContext& ctx, size_t i, double* out, std::string_view err) {
  if (!ParseDouble(ctx.args[i], out)) {
    ctx.w.Error(err);
    return false;
  }
  return true;
}

bool ArgTimeout(CommandContext& ctx, size_t i, int64_t* deadline_ms) {
  long double t;
  if (!ParseLongDouble(ctx.args[i], &t) || std::isinf(t)) {
    ctx.w.Error("ERR timeout is not a float or out of range");
    return false;
  }
  if (t < 0) {
    ctx.w.Error("ERR timeout is negative");
    return false;
  }
  long double ms = t * 1000;
  if (ms > 1e15L) {
    ctx.w.Error("ERR timeout is out of range");
    return false;
  }
  *deadline_ms = ms == 0 ? 0 : MonoMs() + static_cast<int64_t>(std::ceil(ms));
  return true;
}

bool IsArg(std::string_view arg, std::string_view word) { return EqualsIgnoreCase(arg, word); }

bool AllowedWhileBusy(const CommandSpec* spec, const std::vector<std::string_view>& args) {
  if (spec->flags & kAllowBusy) return true;
  std::string_view name = spec->name;
  if (args.size() == 2 && name == "script") return IsArg(args[1], "KILL");
  if (args.size() == 2 && name == "function") return IsArg(args[1], "KILL") || IsArg(args[1], "STATS");
  return false;
}

void CommandKeys(const CommandSpec* spec, const std::vector<std::string_view>& args, std::vector<size_t>* out) {
  out->clear();
  if (spec->key_finder != nullptr) {
    if (!spec->key_finder(args, out)) out->clear();
    return;
  }
  if (spec->first_key <= 0) return;
  int argc = static_cast<int>(args.size());
  int last = spec->last_key < 0 ? argc + spec->last_key : spec->last_key;
  for (int i = spec->first_key; i <= last && i < argc; i += spec->step) out->push_back(i);
}

Value* FindForRead(CommandContext& ctx, std::string_view key) {
  Value* v = ctx.store.Find(ctx.db, key);
  if (v == nullptr) NotifyKeyspaceEvent(ctx, kNotifyKeyMiss, "keymiss", key);
  return v;
}

Value* PeekForRead(CommandContext& ctx, std::string_view key) {
  Value* v = ctx.store.Peek(ctx.db, key);
  if (v == nullptr) NotifyKeyspaceEvent(ctx, kNotifyKeyMiss, "keymiss", key);
  return v;
}

Value* FindTyped(CommandContext& ctx, std::string_view key, Type type, bool* wrongtype, Lookup lookup) {
  *wrongtype = false;
  bool read = lookup == Lookup::kRead || (lookup == Lookup::kByCommand && (ctx.spec->flags & kReadonly));
  Value* v = read ? FindForRead(ctx, key) : ctx.store.Find(ctx.db, key);
  if (v == nullptr) return nullptr;
  if (v->type() != type) {
    *wrongtype = true;
    ctx.w.Error(kErrWrongType);
    return nullptr;
  }
  return v;
}

Value* FindOrCreate(CommandContext& ctx, std::string_view key, Type type) {
  Value* v = ctx.store.Find(ctx.db, key);
  if (v == nullptr) return &ctx.store.Put(ctx.db, key, Value::Make(type));
  if (v->type() != type) {
    ctx.w.Error(kErrWrongType);
    return nullptr;
  }
  return v;
}

}  // namespace lumadb::protocol::resp

// HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST. The
// value is a string in Redis's own HLL format (engine/kv/hyperloglog.h), so
// string commands, DUMP and RESTORE see the same bytes as on redis-server.
#include "common/strutil.h"
#include "engine/kv/hyperloglog.h"
#include "protocol/resp/command.h"
#include "protocol/resp/notify.h"
#include "protocol/resp/resp_server.h"

namespace lumadb::protocol::resp {
namespace {

using engine::kv::HllEncoding;
using engine::kv::HllRegisters;
using engine::kv::HllUpdate;
using engine::kv::Type;
using engine::kv::Value;

constexpr std::string_view kErrNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
constexpr std::string_view kErrCorrupt = "INVALIDOBJ Corrupted HLL object detected";

// Looks key up as an HLL. Null when absent; when it holds something else
// (another type, or a string without a valid HLL header) writes the error,
// sets *bad and returns null.
Value* FindHll(CommandContext& ctx, std::string_view key, bool* bad, Lookup lookup = Lookup::kByCommand) {
  Value* v = FindTyped(ctx, key, Type::kString, bad, lookup);
  if (*bad || v == nullptr) return nullptr;
  if (!engine::kv::HllIsValid(v->str())) {
    *bad = true;
    ctx.w.Error(kErrNotHll);
    return nullptr;
  }
  return v;
}

size_t SparseMaxBytes(CommandContext& ctx) { return ctx.server.config().hll_sparse_max_bytes; }

// PFADD key [element ...]: 1 if a register changed or the key was created.
void PfAdd(CommandContext& ctx) {
  bool bad;
  Value* v = FindHll(ctx, ctx.arg(1), &bad);
  if (bad) return;
  bool updated = false;
  if (v == nullptr) {
    v = &ctx.store.Put(ctx.db, ctx.arg(1), Value{engine::kv::HllNew()});
    updated = true;
  }
  std::string& hll = v->str();
  for (size_t i = 2; i < ctx.argc(); i++) {
    HllUpdate r = engine::kv::HllAdd(&hll, ctx.arg(i), SparseMaxBytes(ctx));
    if (r == HllUpdate::kCorrupt) {
      // Registers raised before the bad spot stay raised, as in Redis; they
      // must reach the disk copy too.
      if (updated) ctx.store.Touched(ctx.db, ctx.arg(1));
      return ctx.w.Error(kErrCorrupt);
    }
    if (r == HllUpdate::kChanged) updated = true;
  }
  if (updated) {
    engine::kv::HllInvalidateCache(&hll);
    ctx.store.Touched(ctx.db, ctx.arg(1));
    NotifyKeyspaceEvent(ctx, kNotifyString, "pfadd", ctx.arg(1));
  }
  ctx.w.Integer(updated ? 1 : 0);
}

// PFCOUNT key [key ...]. One key: the cached cardinality, recomputed and
// stored back into the value when stale (so the bytes change, as in Redis).
// Several keys: the estimate of their union; the keys are left alone.
void PfCount(CommandContext& ctx) {
  bool bad;
  if (ctx.argc() > 2) {
    HllRegisters max{};
    for (size_t i = 1; i < ctx.argc(); i++) {
      Value* v = FindHll(ctx, ctx.arg(i), &bad);
      if (bad) return;
      if (v == nullptr) continue;  // a missing key counts as an empty HLL
      if (!engine::kv::HllMergeInto(v->str(), &max)) return ctx.w.Error(kErrCorrupt);
    }
    return ctx.w.Integer(static_cast<int64_t>(engine::kv::HllCountRegisters(max)));
  }
  Value* v = FindHll(ctx, ctx.arg(1), &bad);
  if (bad) return;
  if (v == nullptr) return ctx.w.Integer(0);
  std::string& hll = v->str();
  uint64_t card;
  if (engine::kv::HllCacheIsValid(hll)) {
    card = engine::kv::HllCachedCardinality(hll);
  } else {
    if (!engine::kv::HllCount(hll, &card)) return ctx.w.Error(kErrCorrupt);
    engine::kv::HllSetCachedCardinality(&hll, card);
    ctx.store.Touched(ctx.db, ctx.arg(1));
  }
  // Redis replies with the unsigned count read as signed.
  ctx.w.Integer(static_cast<int64_t>(card));
}

// PFMERGE destkey [sourcekey ...]: destkey becomes the union of itself and
// the sources; created empty when missing. Dense as soon as any input is.
void PfMerge(CommandContext& ctx) {
  bool bad;
  HllRegisters max{};
  bool use_dense = false;
  for (size_t i = 1; i < ctx.argc(); i++) {
    // Redis reads every key, the destination included, as a read lookup.
    Value* v = FindHll(ctx, ctx.arg(i), &bad, Lookup::kRead);
    if (bad) return;
    if (v == nullptr) continue;
    if (engine::kv::HllEncodingOf(v->str()) == HllEncoding::kDense) use_dense = true;
    if (!engine::kv::HllMergeInto(v->str(), &max)) return ctx.w.Error(kErrCorrupt);
  }
  Value* dst = ctx.store.Find(ctx.db, ctx.arg(1));
  if (dst == nullptr) dst = &ctx.store.Put(ctx.db, ctx.arg(1), Value{engine::kv::HllNew()});
  std::string& hll = dst->str();
  if (use_dense && !engine::kv::HllToDense(&hll)) return ctx.w.Error(kErrCorrupt);
  // Raising registers in index order keeps a sparse destination sparse for
  // as long as Redis keeps it, and promotes it at the same register.
  for (int i = 0; i < engine::kv::kHllRegisters; i++) {
    if (max[i] != 0) engine::kv::HllRaise(&hll, i, max[i], SparseMaxBytes(ctx));
  }
  engine::kv::HllInvalidateCache(&hll);
  ctx.store.Touched(ctx.db, ctx.arg(1));
  // Redis reports pfadd on the destination even when nothing changed.
  NotifyKeyspaceEvent(ctx, kNotifyString, "pfadd", ctx.arg(1));
  ctx.w.Ok();
}

// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key
void PfDebug(CommandContext& ctx) {
  std::string_view key = ctx.arg(2);
  if (ctx.store.Find(ctx.db, key) == nullptr) return ctx.w.Error("ERR The specified key does not exist");
  bool bad;
  Value* v = FindHll(ctx, key, &bad);
  if (bad) return;
  std::string& hll = v->str();
  std::string sub = ToLower(ctx.arg(1));
  bool sparse = engine::kv::HllEncodingOf(hll) == HllEncoding::kSparse;
  if (sub == "getreg" || sub == "todense") {
    if (sparse) {
      if (!engine::kv::HllToDense(&hll)) return ctx.w.Error(kErrCorrupt);
      ctx.store.Touched(ctx.db, key);
    }
    if (sub == "todense") return ctx.w.Integer(sparse ? 1 : 0);
    ctx.w.Array(engine::kv::kHllRegisters);
    for (int i = 0; i < engine::kv::kHllRegisters; i++) ctx.w.Integer(engine::kv::HllDenseRegister(hll, i));
  } else if (sub == "decode") {
    if (!sparse) return ctx.w.Error("ERR HLL encoding is not sparse");
    ctx.w.Bulk(engine::kv::HllDecodeSparse(hll));
  } else if (sub == "encoding") {
    ctx.w.Simple(sparse ? "sparse" : "dense");
  } else {
    ctx.w.Error("ERR Unknown PFDEBUG subcommand '" + std::string(ctx.arg(1)) + "'");
  }
}

void PfSelfTest(CommandContext& ctx) {
  std::string error;
  if (!engine::kv::HllSelfTest(SparseMaxBytes(ctx), &error)) return ctx.w.Error(error);
  ctx.w.Ok();
}

}  // namespace

const std::vector<CommandSpec>& HyperLogLogCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"pfadd", -2, kWrite | kDenyOom | kFast, 1, 1, 1, PfAdd, "hyperloglog",
       "Adds the specified elements to the specified HyperLogLog."},
      {"pfcount", -2, kReadonly, 1, -1, 1, PfCount, "hyperloglog",
       "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s)."},
      {"pfmerge", -2, kWrite | kDenyOom, 1, -1, 1, PfMerge, "hyperloglog",
       "Merge N different HyperLogLogs into a single one."},
      {"pfdebug", 3, kWrite | kDenyOom | kAdmin, 2, 2, 1, PfDebug, "hyperloglog",
       "Internal commands for debugging HyperLogLog values"},
      {"pfselftest", 1, kAdmin, 0, 0, 0, PfSelfTest, "hyperloglog",
       "An internal command for testing HyperLogLog values"},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

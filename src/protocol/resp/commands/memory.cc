// MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP.
//
// USAGE is the engine's estimate of what a key costs in LumaDB's own layout
// (engine/kv/memory_usage.h), the same the maxmemory accounting uses.
// Collections are sampled (SAMPLES, default 5, 0 = all) and extrapolated,
// as Redis does. STATS' total.allocated is INFO's used_memory: the figure
// maxmemory is enforced against.
#include <malloc.h>

#include <algorithm>
#include <climits>
#include <cstdio>

#include "common/strutil.h"
#include "engine/kv/memory_usage.h"
#include "engine/kv/value.h"
#include "protocol/resp/commands/admin.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/scripting/script_engine.h"

namespace lumadb::protocol::resp {

using engine::kv::Type;
using engine::kv::Value;

namespace {

struct Mem {
  uint64_t used = 0, arena = 0, free_bytes = 0, rss = 0;
};

Mem ReadMem() {
  Mem m;
  struct mallinfo2 mi = mallinfo2();
  m.used = mi.uordblks + mi.hblkhd;
  m.arena = mi.arena + mi.hblkhd;
  m.free_bytes = mi.fordblks;
  long pages = 0, resident = 0;
  if (FILE* f = fopen("/proc/self/statm", "r")) {
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    fclose(f);
  }
  m.rss = static_cast<uint64_t>(resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return m;
}

double Ratio(uint64_t a, uint64_t b) { return b == 0 ? 0 : static_cast<double>(a) / static_cast<double>(b); }

void MemoryStats(CommandContext& ctx) {
  RespServer& srv = ctx.server;
  Mem m = ReadMem();
  uint64_t used = srv.store().UsedMemory();
  srv.NoteUsedMemory(used);
  uint64_t peak = std::max<uint64_t>(srv.peak_used_memory().load(), used);
  uint64_t startup = srv.startup_used_memory();
  uint64_t lua = srv.scripts().MemoryBytes();
  struct DbOverhead {
    int db;
    uint64_t main, expires;
  };
  std::vector<DbOverhead> dbs;
  uint64_t keys = 0, overhead = startup;
  for (int db = 0; db < engine::kv::kRedisDbCount; db++) {
    size_t n = srv.store().DbSize(db);
    if (n == 0) continue;
    size_t e = srv.store().ExpiresCount(db);
    // Per key: the table slot and the Value header; per expiry: its index entry.
    DbOverhead o{db, n * (9 + sizeof(Value)), e * 48};
    dbs.push_back(o);
    keys += n;
    overhead += o.main + o.expires;
  }
  uint64_t dataset = used > overhead ? used - overhead : 0;
  uint64_t net = used > startup ? used - startup : 0;
  Writer& w = ctx.w;
  w.Map(27 + dbs.size());
  auto field = [&](const char* k, int64_t v) {
    w.Bulk(k);
    w.Integer(v);
  };
  auto dfield = [&](const char* k, double v) {
    w.Bulk(k);
    w.Double(v);
  };
  field("peak.allocated", static_cast<int64_t>(peak));
  field("total.allocated", static_cast<int64_t>(used));
  field("startup.allocated", static_cast<int64_t>(startup));
  field("replication.backlog", 0);
  field("clients.slaves", 0);
  field("clients.normal", 0);
  field("cluster.links", 0);
  field("aof.buffer", 0);
  field("lua.caches", static_cast<int64_t>(lua));
  field("functions.caches", 0);
  for (const DbOverhead& o : dbs) {
    w.Bulk("db." + std::to_string(o.db));
    w.Map(3);
    field("overhead.hashtable.main", static_cast<int64_t>(o.main));
    field("overhead.hashtable.expires", static_cast<int64_t>(o.expires));
    field("overhead.hashtable.slot-to-keys", 0);
  }
  field("overhead.total", static_cast<int64_t>(overhead));
  field("keys.count", static_cast<int64_t>(keys));
  field("keys.bytes-per-key", keys == 0 ? 0 : static_cast<int64_t>(net / keys));
  field("dataset.bytes", static_cast<int64_t>(dataset));
  dfield("dataset.percentage", net == 0 ? 0 : 100.0 * Ratio(dataset, net));
  dfield("peak.percentage", 100.0 * Ratio(used, peak));
  field("allocator.allocated", static_cast<int64_t>(m.used));
  field("allocator.active", static_cast<int64_t>(m.arena));
  field("allocator.resident", static_cast<int64_t>(m.rss));
  dfield("allocator-fragmentation.ratio", Ratio(m.arena, m.used));
  field("allocator-fragmentation.bytes", static_cast<int64_t>(m.arena) - static_cast<int64_t>(m.used));
  dfield("allocator-rss.ratio", Ratio(m.rss, m.arena));
  field("allocator-rss.bytes", static_cast<int64_t>(m.rss) - static_cast<int64_t>(m.arena));
  dfield("rss-overhead.ratio", 1.0);
  field("rss-overhead.bytes", 0);
  dfield("fragmentation", Ratio(m.rss, m.used));
  field("fragmentation.bytes", static_cast<int64_t>(m.rss) - static_cast<int64_t>(m.used));
}

std::string Doctor(RespServer& srv) {
  Mem m = ReadMem();
  uint64_t peak = std::max<uint64_t>(srv.peak_used_memory().load(), m.used);
  if (m.used < (5u << 20)) {
    return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in "
           "these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I "
           "will be back to our programming as soon as I finished rebooting.\n";
  }
  std::vector<std::string> issues;
  if (peak > m.used * 3 / 2) {
    issues.push_back(
        " * Peak memory: In the past this instance used more than 150% the memory that is currently using. The "
        "allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation "
        "ratio, however this is actually harmless and is only due to the memory peak. MEMORY PURGE asks the "
        "allocator to give unused memory back.\n");
  }
  double frag = Ratio(m.rss, m.used);
  if (frag > 1.4) {
    char buf[512];
    snprintf(buf, sizeof(buf),
             " * High fragmentation: This instance has a memory fragmentation (RSS / used) of %.2f. The memory the "
             "process holds but does not use is mostly free allocator pages; MEMORY PURGE may return some of it.\n",
             frag);
    issues.push_back(buf);
  }
  if (issues.empty()) {
    return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this "
           "base.\n";
  }
  std::string out = "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
  for (const auto& i : issues) out += i;
  out += "\nI'm here to keep you safe, Sam. I want to help you.\n";
  return out;
}

std::string MallocStats() {
  char* buf = nullptr;
  size_t len = 0;
  FILE* f = open_memstream(&buf, &len);
  if (f == nullptr) return "Stats not supported for the current allocator";
  malloc_info(0, f);
  fclose(f);
  std::string s(buf, len);
  free(buf);
  return s;
}

}  // namespace

bool MemoryKeys(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  if (args.size() >= 3 && IsArg(args[1], "USAGE")) keys->push_back(2);
  return true;
}

void MemoryCommand(CommandContext& ctx) {
  std::string sub = ToLower(ctx.arg(1));
  if (sub == "usage" && ctx.argc() >= 3) {
    int64_t samples = 5;
    for (size_t j = 3; j < ctx.argc(); j++) {
      if (IsArg(ctx.arg(j), "SAMPLES") && j + 1 < ctx.argc()) {
        if (!ArgInt(ctx, j + 1, &samples)) return;
        if (samples < 0) return ctx.w.Error(kErrSyntax);
        if (samples == 0) samples = LLONG_MAX;
        j++;
      } else {
        return ctx.w.Error(kErrSyntax);
      }
    }
    // Not an access of the key (Redis's LOOKUP_NOTOUCH).
    const Value* v = ctx.store.Peek(ctx.db, ctx.arg(2));
    if (v == nullptr) return ctx.w.Null();
    ctx.w.Integer(static_cast<int64_t>(engine::kv::EstimateKeyBytes(ctx.arg(2), *v, samples)));
  } else if (sub == "stats" && ctx.argc() == 2) {
    MemoryStats(ctx);
  } else if (sub == "doctor" && ctx.argc() == 2) {
    ctx.w.Verbatim(Doctor(ctx.server));
  } else if (sub == "malloc-stats" && ctx.argc() == 2) {
    ctx.w.Verbatim(MallocStats());
  } else if (sub == "purge" && ctx.argc() == 2) {
    malloc_trim(0);
    ctx.w.Ok();
  } else if (sub == "help" && ctx.argc() == 2) {
    WriteHelp(ctx.w, "MEMORY",
              {"DOCTOR", "    Return memory problems reports.", "MALLOC-STATS",
               "    Return internal statistics report from the memory allocator.", "PURGE",
               "    Attempt to purge dirty pages for reclamation by the allocator.", "STATS",
               "    Return information about the memory usage of the server.", "USAGE <key> [SAMPLES <count>]",
               "    Return memory in bytes used by <key> and its value. Nested values are",
               "    sampled up to <count> times (default: 5, 0 means sample all)."});
  } else {
    BadSubcommand(ctx, "MEMORY");
  }
}

}  // namespace lumadb::protocol::resp

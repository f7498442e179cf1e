// Server commands: COMMAND, INFO, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, CONFIG,
// TIME, SAVE, BGSAVE, LASTSAVE, WAIT.
#include <malloc.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>

#include "common/clock.h"
#include "common/logging.h"
#include "common/strutil.h"
#include "net/worker.h"
#include "protocol/resp/command.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/scripting/script_engine.h"
#include "protocol/resp/session.h"

#ifndef LUMADB_VERSION
#define LUMADB_VERSION "0.1.0"
#endif

namespace lumadb::protocol::resp {
namespace {

using engine::kv::kRedisDbCount;

// ---- COMMAND ----

void FlagNames(uint32_t f, std::vector<std::string>* out) {
  static const std::pair<uint32_t, const char*> kNames[] = {
      {kWrite, "write"},         {kReadonly, "readonly"}, {kDenyOom, "denyoom"}, {kAdmin, "admin"},
      {kPubsub, "pubsub"},       {kNoscript, "noscript"}, {kBlocking, "blocking"}, {kLoading, "loading"},
      {kStale, "stale"},         {kFast, "fast"},         {kNoAuth, "no_auth"},   {kNoMulti, "no_multi"},
      {kAllowBusy, "allow_busy"}};
  for (const auto& [bit, name] : kNames) {
    if (f & bit) out->push_back(name);
  }
}

// The command's ACL categories ("@read", ...): redis-server 7.0's, from the
// ACL command table.
void AclCategories(const CommandSpec& s, std::vector<std::string>* out) {
  int id = acl::CommandIndex::Get().Find(s.name);
  uint32_t bits = id >= 0 ? acl::CommandIndex::Get().def(id).categories : 0;
  for (int c = 0; c < acl::kCategoryCount; c++) {
    if (bits & (1u << c)) out->push_back(std::string("@") + acl::kCategoryNames[c]);
  }
}

void WriteCommandInfo(Writer& w, const CommandSpec& s) {
  w.Array(10);
  w.Bulk(s.name);
  w.Integer(s.arity);
  std::vector<std::string> flags;
  FlagNames(s.flags, &flags);
  if (s.key_finder != nullptr) flags.push_back("movablekeys");
  w.Set(flags.size());
  for (const auto& f : flags) w.Simple(f);
  w.Integer(s.first_key);
  w.Integer(s.last_key);
  w.Integer(s.step);
  std::vector<std::string> cats;
  AclCategories(s, &cats);
  w.Set(cats.size());
  for (const auto& c : cats) w.Simple(c);
  w.Array(0);  // tips
  if (s.first_key > 0) {
    // One key spec in the range form.
    w.Array(1);
    w.Map(3);
    w.Bulk("flags");
    w.Set(0);
    w.Bulk("begin_search");
    w.Map(2);
    w.Bulk("type");
    w.Bulk("index");
    w.Bulk("spec");
    w.Map(1);
    w.Bulk("index");
    w.Integer(s.first_key);
    w.Bulk("find_keys");
    w.Map(2);
    w.Bulk("type");
    w.Bulk("range");
    w.Bulk("spec");
    w.Map(3);
    w.Bulk("lastkey");
    w.Integer(s.last_key < 0 ? s.last_key : s.last_key - s.first_key);
    w.Bulk("keystep");
    w.Integer(s.step);
    w.Bulk("limit");
    w.Integer(0);
  } else {
    w.Array(0);
  }
  w.Array(0);  // subcommands
}

void WriteCommandDoc(Writer& w, const CommandSpec& s) {
  w.Map(4);
  w.Bulk("summary");
  w.Bulk(s.summary);
  w.Bulk("since");
  w.Bulk("1.0.0");
  w.Bulk("group");
  w.Bulk(s.group);
  w.Bulk("complexity");
  w.Bulk(s.flags & kFast ? "O(1)" : "O(N)");
}

void Command(CommandContext& ctx) {
  const auto& all = ctx.server.commands();
  if (ctx.argc() == 1) {
    ctx.w.Array(all.size());
    for (const CommandSpec* s : all) WriteCommandInfo(ctx.w, *s);
    return;
  }
  std::string sub = ToLower(ctx.arg(1));
  if (sub == "count") {
    ctx.w.Integer(static_cast<int64_t>(all.size()));
  } else if (sub == "info") {
    if (ctx.argc() == 2) {
      ctx.w.Array(all.size());
      for (const CommandSpec* s : all) WriteCommandInfo(ctx.w, *s);
      return;
    }
    ctx.w.Array(ctx.argc() - 2);
    for (size_t i = 2; i < ctx.argc(); i++) {
      const CommandSpec* s = ctx.server.FindCommand(ctx.arg(i));
      if (s == nullptr) ctx.w.NullArray();
      else WriteCommandInfo(ctx.w, *s);
    }
  } else if (sub == "docs") {
    std::vector<const CommandSpec*> list;
    if (ctx.argc() == 2) {
      list = all;
    } else {
      for (size_t i = 2; i < ctx.argc(); i++) {
        if (const CommandSpec* s = ctx.server.FindCommand(ctx.arg(i))) list.push_back(s);
      }
    }
    ctx.w.Map(list.size());
    for (const CommandSpec* s : list) {
      ctx.w.Bulk(s->name);
      WriteCommandDoc(ctx.w, *s);
    }
  } else if (sub == "list") {
    std::string pattern;
    std::string category;
    if (ctx.argc() == 5 && IsArg(ctx.arg(2), "FILTERBY")) {
      if (IsArg(ctx.arg(3), "PATTERN")) pattern = ctx.arg(4);
      else if (IsArg(ctx.arg(3), "ACLCAT")) category = ToLower(ctx.arg(4));
      else if (IsArg(ctx.arg(3), "MODULE")) {
        ctx.w.Array(0);
        return;
      } else {
        ctx.w.Error(kErrSyntax);
        return;
      }
    } else if (ctx.argc() != 2) {
      ctx.w.Error(kErrSyntax);
      return;
    }
    std::vector<std::string> names;
    const acl::CommandIndex& idx = acl::CommandIndex::Get();
    uint32_t cat_bit = 0;
    for (int c = 0; c < acl::kCategoryCount; c++) {
      if (category == acl::kCategoryNames[c]) cat_bit = 1u << c;
    }
    for (const CommandSpec* s : all) {
      if (!pattern.empty() && !GlobMatch(pattern, s->name, true)) continue;
      if (category.empty()) {
        names.push_back(s->name);
        continue;
      }
      // ACLCAT lists subcommands too, as ACL CAT does.
      int id = idx.Find(s->name);
      if (id < 0) continue;
      for (int i = id; i <= id + idx.child_count(id); i++) {
        if (idx.def(i).categories & cat_bit) names.push_back(idx.def(i).name);
      }
    }
    ctx.w.BulkArray(names);
  } else if (sub == "getkeys") {
    if (ctx.argc() < 4) {
      ctx.w.Error(ArityError("command|getkeys"));
      return;
    }
    const CommandSpec* s = ctx.server.FindCommand(ctx.arg(2));
    if (s == nullptr) {
      ctx.w.Error("ERR Invalid command specified");
      return;
    }
    std::vector<std::string_view> args(ctx.args.begin() + 2, ctx.args.end());
    int argc = static_cast<int>(args.size());
    if ((s->arity > 0 && argc != s->arity) || (s->arity < 0 && argc < -s->arity)) {
      ctx.w.Error("ERR Invalid number of arguments specified for command");
      return;
    }
    std::vector<size_t> idx;
    if (s->key_finder != nullptr) {
      s->key_finder(args, &idx);
    } else if (s->first_key > 0) {
      int last = s->last_key < 0 ? argc + s->last_key : s->last_key;
      for (int i = s->first_key; i <= last && i < argc; i += s->step) idx.push_back(i);
    }
    if (idx.empty()) {
      ctx.w.Error("ERR The command has no key arguments");
      return;
    }
    ctx.w.Array(idx.size());
    for (size_t i : idx) ctx.w.Bulk(args[i]);
  } else if (sub == "help") {
    ctx.w.Array(2);
    ctx.w.Simple("COMMAND [COUNT|INFO [name ...]|DOCS [name ...]|LIST [FILTERBY ...]|GETKEYS cmd args...]");
    ctx.w.Simple("HELP");
  } else {
    ctx.w.Error("ERR unknown subcommand '" + std::string(ctx.arg(1).substr(0, 128)) + "'. Try COMMAND HELP.");
  }
}

// ---- INFO ----

struct MemInfo {
  uint64_t used = 0;
  uint64_t rss = 0;
  uint64_t peak_rss = 0;
};

MemInfo ReadMemory() {
  MemInfo m;
  struct mallinfo2 mi = mallinfo2();
  m.used = mi.uordblks + mi.hblkhd;
  long pages = 0, resident = 0;
  if (FILE* f = fopen("/proc/self/statm", "r")) {
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    fclose(f);
  }
  m.rss = static_cast<uint64_t>(resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  m.peak_rss = static_cast<uint64_t>(ru.ru_maxrss) * 1024;
  return m;
}

std::string Human(uint64_t bytes) {
  char buf[64];
  if (bytes < 1024) snprintf(buf, sizeof(buf), "%lluB", static_cast<unsigned long long>(bytes));
  else if (bytes < (1ull << 20)) snprintf(buf, sizeof(buf), "%.2fK", bytes / 1024.0);
  else if (bytes < (1ull << 30)) snprintf(buf, sizeof(buf), "%.2fM", bytes / 1048576.0);
  else snprintf(buf, sizeof(buf), "%.2fG", bytes / 1073741824.0);
  return buf;
}

std::string InfoText(CommandContext& ctx, const std::vector<std::string>& sections) {
  auto want = [&](const char* name, bool in_default) {
    if (sections.empty()) return in_default;
    for (const auto& s : sections) {
      if (s == name || s == "all" || s == "everything" || (s == "default" && in_default)) return true;
    }
    return false;
  };
  RespServer& srv = ctx.server;
  int64_t now = NowMs();
  std::string out;
  auto line = [&](const std::string& k, const std::string& v) { out += k + ":" + v + "\r\n"; };
  auto header = [&](const char* h) {
    if (!out.empty()) out += "\r\n";
    out += std::string("# ") + h + "\r\n";
  };
  if (want("server", true)) {
    header("Server");
    utsname u;
    uname(&u);
    line("redis_version", srv.config().version);
    line("redis_git_sha1", "00000000");
    line("redis_git_dirty", "0");
    line("redis_build_id", "0");
    line("redis_mode", "standalone");
    line("lumadb_version", LUMADB_VERSION);
    line("os", std::string(u.sysname) + " " + u.release + " " + u.machine);
    line("arch_bits", "64");
    line("multiplexing_api", "epoll");
    line("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                            std::to_string(__GNUC_PATCHLEVEL__));
    line("process_id", std::to_string(getpid()));
    line("run_id", srv.run_id());
    line("tcp_port", std::to_string(srv.config().port));
    int64_t up = (now - srv.start_ms()) / 1000;
    line("server_time_usec", std::to_string(NowUs()));
    line("uptime_in_seconds", std::to_string(up));
    line("uptime_in_days", std::to_string(up / 86400));
    line("hz", "10");
    line("configured_hz", "10");
    line("io_threads_active", "0");
    line("executable", "lumadb");
    line("config_file", srv.config().config_file);
  }
  if (want("clients", true)) {
    header("Clients");
    auto clients = srv.Clients();
    line("connected_clients", std::to_string(clients.size()));
    line("cluster_connections", "0");
    line("maxclients", std::to_string(srv.config().max_clients));
    line("blocked_clients", std::to_string(srv.blocked_sessions.load()));
    line("tracking_clients", "0");
    line("clients_in_timeout_table", std::to_string(srv.blocked_sessions.load()));
  }
  if (want("memory", true)) {
    header("Memory");
    MemInfo m = ReadMemory();
    line("used_memory", std::to_string(m.used));
    line("used_memory_human", Human(m.used));
    line("used_memory_rss", std::to_string(m.rss));
    line("used_memory_rss_human", Human(m.rss));
    line("used_memory_peak", std::to_string(m.peak_rss));
    line("used_memory_peak_human", Human(m.peak_rss));
    line("maxmemory", "0");
    line("maxmemory_human", "0B");
    line("maxmemory_policy", "noeviction");
    line("mem_fragmentation_ratio", m.used ? std::to_string(static_cast<double>(m.rss) / m.used) : "0");
    line("mem_allocator", "libc");
  }
  if (want("persistence", true)) {
    header("Persistence");
    auto st = srv.store().GetStats();
    line("loading", "0");
    line("async_loading", "0");
    line("rdb_changes_since_last_save", std::to_string(st.changes_since_save));
    line("rdb_bgsave_in_progress", "0");
    line("rdb_last_save_time", std::to_string(st.last_save_ms / 1000));
    line("rdb_last_bgsave_status", st.last_flush_ok ? "ok" : "err");
    line("aof_enabled", "1");
    line("aof_rewrite_in_progress", "0");
    line("aof_last_write_status", st.last_flush_ok ? "ok" : "err");
    line("lumadb_durability", engine::kv::DurabilityName(srv.store().durability()));
    line("lumadb_flushes", std::to_string(st.flushes));
  }
  if (want("stats", true)) {
    header("Stats");
    line("total_connections_received", std::to_string(srv.total_connections.load()));
    line("total_commands_processed", std::to_string(srv.total_commands.load()));
    line("instantaneous_ops_per_sec", std::to_string(static_cast<int64_t>(srv.InstantaneousOps())));
    line("total_net_input_bytes", std::to_string(srv.total_net_input.load()));
    line("total_net_output_bytes", std::to_string(srv.total_net_output.load()));
    line("rejected_connections", std::to_string(net::Worker::rejected_connections.load()));
    line("expired_keys", std::to_string(srv.store().GetStats().expired_keys));
    line("evicted_keys", "0");
    line("keyspace_hits", std::to_string(srv.keyspace_hits.load()));
    line("keyspace_misses", std::to_string(srv.keyspace_misses.load()));
    line("pubsub_channels", std::to_string(srv.Channels("").size()));
    line("pubsub_patterns", std::to_string(srv.NumPat()));
    line("total_error_replies", std::to_string(srv.errors_metric->Value()));
  }
  if (want("replication", true)) {
    header("Replication");
    line("role", "master");
    line("connected_slaves", "0");
    line("master_repl_offset", "0");
  }
  if (want("cpu", true)) {
    header("CPU");
    rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    char buf[64];
    snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(ru.ru_stime.tv_sec), static_cast<long>(ru.ru_stime.tv_usec));
    line("used_cpu_sys", buf);
    snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(ru.ru_utime.tv_sec), static_cast<long>(ru.ru_utime.tv_usec));
    line("used_cpu_user", buf);
  }
  if (want("modules", false)) header("Modules");
  if (want("errorstats", false)) header("Errorstats");
  if (want("cluster", true)) {
    header("Cluster");
    line("cluster_enabled", "0");
  }
  if (want("keyspace", true)) {
    header("Keyspace");
    for (int db = 0; db < kRedisDbCount; db++) {
      size_t keys = srv.store().DbSize(db);
      if (keys == 0) continue;
      size_t expires = srv.store().ExpiresCount(db);
      line("db" + std::to_string(db),
           "keys=" + std::to_string(keys) + ",expires=" + std::to_string(expires) + ",avg_ttl=0");
    }
  }
  return out;
}

void Info(CommandContext& ctx) {
  std::vector<std::string> sections;
  for (size_t i = 1; i < ctx.argc(); i++) sections.push_back(ToLower(ctx.arg(i)));
  ctx.w.Verbatim(InfoText(ctx, sections));
}

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

// ---- CONFIG ----

struct Param {
  const char* name;
  std::function<std::string(RespServer&)> get;
  // Null when read-only; returns an error text or "".
  std::function<std::string(RespServer&, std::string_view)> set;
};

const std::vector<Param>& Params() {
  static const std::vector<Param> kParams = {
      {"requirepass", [](RespServer& s) { return s.config().requirepass; },
       [](RespServer& s, std::string_view v) {
         s.config().requirepass = std::string(v);
         s.acl().SetRequirePass(v);
         return std::string();
       }},
      {"aclfile", [](RespServer& s) { return s.config().aclfile; }, nullptr},
      {"acl-pubsub-default",
       [](RespServer& s) { return std::string(s.acl().pubsub_default_all() ? "allchannels" : "resetchannels"); },
       [](RespServer& s, std::string_view v) {
         if (!IsArg(v, "allchannels") && !IsArg(v, "resetchannels")) {
           return std::string("argument(s) must be one of the following: allchannels, resetchannels");
         }
         s.acl().set_pubsub_default_all(IsArg(v, "allchannels"));
         return std::string();
       }},
      {"acllog-max-len", [](RespServer& s) { return std::to_string(s.acl().log_max_len()); },
       [](RespServer& s, std::string_view v) {
         int64_t n;
         if (!ParseInt64(v, &n)) return std::string("argument couldn't be parsed into an integer");
         if (n < 0) return std::string("argument must be between 0 and 9223372036854775807 inclusive");
         s.acl().set_log_max_len(static_cast<size_t>(n));
         return std::string();
       }},
      {"port", [](RespServer& s) { return std::to_string(s.config().port); }, nullptr},
      {"bind", [](RespServer& s) { return s.config().bind; }, nullptr},
      {"dir", [](RespServer& s) { return s.config().data_dir; }, nullptr},
      {"databases", [](RespServer&) { return std::to_string(kRedisDbCount); }, nullptr},
      {"appendonly", [](RespServer&) { return std::string("yes"); }, nullptr},
      {"appendfsync",
       [](RespServer& s) {
         auto d = s.store().durability();
         return std::string(d == engine::kv::Durability::kAlways ? "always"
                            : d == engine::kv::Durability::kEverySec ? "everysec" : "no");
       },
       nullptr},
      {"save", [](RespServer&) { return std::string(); }, nullptr},
      {"maxmemory", [](RespServer&) { return std::string("0"); }, nullptr},
      {"maxmemory-policy", [](RespServer&) { return std::string("noeviction"); }, nullptr},
      {"maxclients", [](RespServer& s) { return std::to_string(s.config().max_clients); }, nullptr},
      {"timeout", [](RespServer&) { return std::string("0"); }, nullptr},
      {"tcp-keepalive", [](RespServer&) { return std::string("300"); }, nullptr},
      {"hz", [](RespServer&) { return std::string("10"); }, nullptr},
      {"io-threads", [](RespServer& s) { return std::to_string(s.config().workers); }, nullptr},
      {"notify-keyspace-events", [](RespServer&) { return std::string(); }, nullptr},
      {"proto-max-bulk-len", [](RespServer& s) { return std::to_string(s.config().limits.max_bulk_len); },
       [](RespServer& s, std::string_view v) {
         uint64_t n;
         if (!ParseByteSize(v, &n) || n < 1024 * 1024) return std::string("argument must be a memory value");
         s.config().limits.max_bulk_len = n;
         return std::string();
       }},
      {"client-output-buffer-limit",
       [](RespServer& s) {
         return "normal 0 0 0 slave 268435456 67108864 60 pubsub " +
                std::to_string(s.config().pubsub_output_limit) + " 8388608 60";
       },
       nullptr},
      {"list-max-listpack-size", [](RespServer&) { return std::string("-2"); }, nullptr},
      {"hash-max-listpack-entries", [](RespServer&) { return std::string("128"); }, nullptr},
      {"hash-max-listpack-value", [](RespServer&) { return std::string("64"); }, nullptr},
      {"set-max-intset-entries", [](RespServer&) { return std::string("512"); }, nullptr},
      {"zset-max-listpack-entries", [](RespServer&) { return std::string("128"); }, nullptr},
      {"zset-max-listpack-value", [](RespServer&) { return std::string("64"); }, nullptr},
      {"lua-time-limit", [](RespServer& s) { return std::to_string(s.scripts().busy_threshold_ms()); },
       [](RespServer& s, std::string_view v) {
         int64_t n;
         if (!ParseInt64(v, &n)) return std::string("argument couldn't be parsed into an integer");
         s.scripts().set_busy_threshold_ms(n);
         return std::string();
       }},
      {"busy-reply-threshold", [](RespServer& s) { return std::to_string(s.scripts().busy_threshold_ms()); },
       [](RespServer& s, std::string_view v) {
         int64_t n;
         if (!ParseInt64(v, &n)) return std::string("argument couldn't be parsed into an integer");
         s.scripts().set_busy_threshold_ms(n);
         return std::string();
       }},
      {"slowlog-log-slower-than", [](RespServer&) { return std::string("10000"); }, nullptr},
      {"slowlog-max-len", [](RespServer&) { return std::string("128"); }, nullptr},
  };
  return kParams;
}

void Config(CommandContext& ctx) {
  std::string sub = ToLower(ctx.arg(1));
  if (sub == "get") {
    if (ctx.argc() < 3) {
      ctx.w.Error(ArityError("config|get"));
      return;
    }
    std::vector<std::pair<std::string, std::string>> found;
    for (const Param& p : Params()) {
      for (size_t i = 2; i < ctx.argc(); i++) {
        if (GlobMatch(ctx.arg(i), p.name, true)) {
          found.emplace_back(p.name, p.get(ctx.server));
          break;
        }
      }
    }
    ctx.w.Map(found.size());
    for (const auto& [k, v] : found) {
      ctx.w.Bulk(k);
      ctx.w.Bulk(v);
    }
  } else if (sub == "set") {
    if (ctx.argc() < 4 || ctx.argc() % 2 != 0) {
      ctx.w.Error(ArityError("config|set"));
      return;
    }
    for (size_t i = 2; i + 1 < ctx.argc(); i += 2) {
      std::string name = ToLower(ctx.arg(i));
      const Param* param = nullptr;
      for (const Param& p : Params()) {
        if (name == p.name) param = &p;
      }
      if (param == nullptr) {
        ctx.w.Error("ERR Unknown option or number of arguments for CONFIG SET - '" + std::string(ctx.arg(i)) + "'");
        return;
      }
      if (!param->set) {
        // Accept a write of the current value; refuse changes we cannot apply live.
        if (param->get(ctx.server) == ctx.arg(i + 1)) continue;
        ctx.w.Error("ERR CONFIG SET failed (possibly related to argument '" + name +
                    "') - can't set immutable config");
        return;
      }
      std::string err = param->set(ctx.server, ctx.arg(i + 1));
      if (!err.empty()) {
        ctx.w.Error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + err);
        return;
      }
    }
    ctx.w.Ok();
  } else if (sub == "resetstat") {
    if (ctx.argc() != 2) {
      ctx.w.Error(ArityError("config|resetstat"));
      return;
    }
    ctx.server.total_commands = 0;
    ctx.server.keyspace_hits = 0;
    ctx.server.keyspace_misses = 0;
    ctx.server.total_net_input = 0;
    ctx.server.total_net_output = 0;
    ctx.w.Ok();
  } else if (sub == "rewrite") {
    ctx.w.Error("ERR CONFIG REWRITE is not supported: edit the LumaDB config file instead");
  } else if (sub == "help") {
    ctx.w.Array(3);
    ctx.w.Simple("CONFIG GET <pattern> [<pattern> ...]");
    ctx.w.Simple("CONFIG SET <directive> <value> [<directive> <value> ...]");
    ctx.w.Simple("CONFIG RESETSTAT");
  } else {
    ctx.w.Error("ERR unknown subcommand '" + std::string(ctx.arg(1).substr(0, 128)) + "'. Try CONFIG HELP.");
  }
}

}  // namespace

const std::vector<CommandSpec>& ServerCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"command", -1, kLoading | kStale, 0, 0, 0, Command, "server", "Returns detailed information about all commands."},
      {"info", -1, kLoading | kStale, 0, 0, 0, Info, "server", "Returns information and statistics about the server."},
      {"dbsize", 1, kReadonly | kFast | kKeyspace, 0, 0, 0, DbSize, "server", "Returns the number of keys in the database."},
      {"flushdb", -1, kWrite | kKeyspace, 0, 0, 0, FlushDb, "server", "Removes all keys from the current database."},
      {"flushall", -1, kWrite | kKeyspace, 0, 0, 0, FlushAll, "server", "Removes all keys from all databases."},
      {"swapdb", 3, kWrite | kFast | kKeyspace, 0, 0, 0, SwapDb, "server", "Swaps two Redis databases."},
      {"config", -2, kAdmin | kNoscript | kLoading | kStale, 0, 0, 0, Config, "server",
       "A container for server configuration commands."},
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

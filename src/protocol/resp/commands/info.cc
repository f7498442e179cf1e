// INFO [section ...]: every section and field redis-server 7.0 prints, with
// LumaDB's real figures where it has them and Redis's idle values for what
// it does not have (replication, AOF rewrites, forks, defragmentation, TLS).
// An extra "lumadb" section (durability, flushes) is printed only when asked
// for by name.
#include <malloc.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <set>
#include <type_traits>

#include "common/clock.h"
#include "common/strutil.h"
#include "net/worker.h"
#include "protocol/resp/commands/admin.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/scripting/script_engine.h"

#ifndef LUMADB_VERSION
#define LUMADB_VERSION "0.1.0"
#endif

namespace lumadb::protocol::resp {
namespace {

using engine::kv::kRedisDbCount;

struct Section {
  const char* name;
  bool in_default;
  bool in_all;
};
// Redis's order.
constexpr Section kSections[] = {
    {"server", true, true},       {"clients", true, true},      {"memory", true, true},
    {"persistence", true, true},  {"stats", true, true},        {"replication", true, true},
    {"cpu", true, true},          {"modules", true, true},      {"commandstats", false, true},
    {"errorstats", true, true},   {"latencystats", false, true}, {"cluster", true, true},
    {"keyspace", true, true},     {"lumadb", false, false},
};

std::string Fixed(double v, int digits) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

std::string Seconds(const timeval& tv) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec));
  return buf;
}

uint64_t ProcRss() {
  long pages = 0, resident = 0;
  if (FILE* f = fopen("/proc/self/statm", "r")) {
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    fclose(f);
  }
  return static_cast<uint64_t>(resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

std::string Executable() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "lumadb";
}

std::string AbsolutePath(const std::string& p) {
  if (p.empty()) return p;
  char* real = realpath(p.c_str(), nullptr);
  std::string out = real != nullptr ? real : p;
  free(real);
  return out;
}

class InfoBuilder {
 public:
  void Header(const char* title) {
    if (!out_.empty()) out_ += "\r\n";
    out_ += "# ";
    out_ += title;
    out_ += "\r\n";
  }
  void Line(std::string_view k, std::string_view v) {
    out_.append(k);
    out_ += ':';
    out_.append(v);
    out_ += "\r\n";
  }
  template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
  void Line(std::string_view k, T v) {
    Line(k, std::to_string(v));
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

void ServerSection(CommandContext& ctx, InfoBuilder& b) {
  RespServer& srv = ctx.server;
  utsname u;
  uname(&u);
  int64_t now = NowMs();
  int64_t up = (now - srv.start_ms()) / 1000;
  b.Header("Server");
  b.Line("redis_version", srv.config().version);
  b.Line("redis_git_sha1", "00000000");
  b.Line("redis_git_dirty", "0");
  b.Line("redis_build_id", "0");
  b.Line("redis_mode", "standalone");
  b.Line("os", std::string(u.sysname) + " " + u.release + " " + u.machine);
  b.Line("arch_bits", sizeof(void*) * 8);
  b.Line("monotonic_clock", "POSIX clock_gettime");
  b.Line("multiplexing_api", "epoll");
  b.Line("atomicvar_api", "c11-builtin");
  b.Line("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                            std::to_string(__GNUC_PATCHLEVEL__));
  b.Line("process_id", static_cast<int64_t>(getpid()));
  b.Line("process_supervised", "no");
  b.Line("run_id", srv.run_id());
  b.Line("tcp_port", srv.config().port);
  b.Line("server_time_usec", NowUs());
  b.Line("uptime_in_seconds", up);
  b.Line("uptime_in_days", up / 86400);
  b.Line("hz", srv.redis_config().Get("hz"));
  b.Line("configured_hz", srv.redis_config().Get("hz"));
  b.Line("lru_clock", (now / 1000) & ((1 << 24) - 1));
  b.Line("executable", Executable());
  b.Line("config_file", AbsolutePath(srv.config().config_file));
  b.Line("io_threads_active", 0);
}

void ClientsSection(CommandContext& ctx, InfoBuilder& b) {
  RespServer& srv = ctx.server;
  auto clients = srv.Clients();
  b.Header("Clients");
  b.Line("connected_clients", clients.size());
  b.Line("cluster_connections", 0);
  b.Line("maxclients", srv.config().max_clients);
  b.Line("client_recent_max_input_buffer", 0);
  b.Line("client_recent_max_output_buffer", 0);
  b.Line("blocked_clients", srv.blocked_sessions.load());
  b.Line("tracking_clients", 0);
  b.Line("clients_in_timeout_table", srv.blocked_sessions.load());
}

void MemorySection(CommandContext& ctx, InfoBuilder& b) {
  RespServer& srv = ctx.server;
  // used_memory is what maxmemory is enforced against: the engine's estimate
  // of the dataset plus the startup baseline (engine/kv/memory_usage.h);
  // the allocator_* lines are malloc's own figures.
  struct mallinfo2 mi = mallinfo2();
  uint64_t allocated = mi.uordblks + mi.hblkhd;
  uint64_t active = mi.arena + mi.hblkhd;
  uint64_t used = srv.store().UsedMemory();
  uint64_t rss = ProcRss();
  srv.NoteUsedMemory(used);
  uint64_t peak = std::max(srv.peak_used_memory().load(), used);
  uint64_t startup = srv.startup_used_memory();
  uint64_t keys = 0, expires = 0;
  for (int db = 0; db < kRedisDbCount; db++) {
    keys += srv.store().DbSize(db);
    expires += srv.store().ExpiresCount(db);
  }
  // Per key: the keyspace slot and the Value header; per expiry: its index entry.
  uint64_t overhead = startup + keys * (9 + sizeof(engine::kv::Value)) + expires * 48;
  uint64_t dataset = used > overhead ? used - overhead : 0;
  uint64_t net = used > startup ? used - startup : 0;
  uint64_t total_system = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  ScriptEngine& scripts = srv.scripts();
  uint64_t lua = scripts.MemoryBytes();
  // Script and function bookkeeping outside the Lua VMs: an estimate per
  // cached script (its sha key, body object and table entry) and per library.
  uint64_t scripts_eval = scripts.CachedScripts() * 160;
  uint64_t functions = 200 + scripts.LibraryCount() * 256 + scripts.FunctionCount() * 96;
  uint64_t maxmemory = srv.store().maxmemory();
  auto ratio = [](uint64_t a, uint64_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); };
  b.Header("Memory");
  b.Line("used_memory", used);
  b.Line("used_memory_human", HumanBytes(used));
  b.Line("used_memory_rss", rss);
  b.Line("used_memory_rss_human", HumanBytes(rss));
  b.Line("used_memory_peak", peak);
  b.Line("used_memory_peak_human", HumanBytes(peak));
  b.Line("used_memory_peak_perc", Fixed(100.0 * ratio(used, peak), 2) + "%");
  b.Line("used_memory_overhead", overhead);
  b.Line("used_memory_startup", startup);
  b.Line("used_memory_dataset", dataset);
  b.Line("used_memory_dataset_perc", Fixed(net == 0 ? 0 : 100.0 * ratio(dataset, net), 2) + "%");
  b.Line("allocator_allocated", allocated);
  b.Line("allocator_active", active);
  b.Line("allocator_resident", rss);
  b.Line("total_system_memory", total_system);
  b.Line("total_system_memory_human", HumanBytes(total_system));
  b.Line("used_memory_lua", lua);
  b.Line("used_memory_vm_eval", lua);
  b.Line("used_memory_lua_human", HumanBytes(lua));
  b.Line("used_memory_scripts_eval", scripts_eval);
  b.Line("number_of_cached_scripts", scripts.CachedScripts());
  b.Line("number_of_functions", scripts.FunctionCount());
  b.Line("number_of_libraries", scripts.LibraryCount());
  b.Line("used_memory_vm_functions", 0);
  b.Line("used_memory_vm_total", lua);
  b.Line("used_memory_vm_total_human", HumanBytes(lua));
  b.Line("used_memory_functions", functions);
  b.Line("used_memory_scripts", scripts_eval + functions);
  b.Line("used_memory_scripts_human", HumanBytes(scripts_eval + functions));
  b.Line("maxmemory", maxmemory);
  b.Line("maxmemory_human", HumanBytes(maxmemory));
  b.Line("maxmemory_policy", engine::kv::EvictionPolicyName(srv.store().eviction_policy()));
  b.Line("allocator_frag_ratio", Fixed(ratio(active, allocated), 2));
  b.Line("allocator_frag_bytes", static_cast<int64_t>(active) - static_cast<int64_t>(allocated));
  b.Line("allocator_rss_ratio", Fixed(ratio(rss, active), 2));
  b.Line("allocator_rss_bytes", static_cast<int64_t>(rss) - static_cast<int64_t>(active));
  b.Line("rss_overhead_ratio", "1.00");
  b.Line("rss_overhead_bytes", 0);
  b.Line("mem_fragmentation_ratio", Fixed(ratio(rss, used), 2));
  b.Line("mem_fragmentation_bytes", static_cast<int64_t>(rss) - static_cast<int64_t>(used));
  b.Line("mem_not_counted_for_evict", 0);
  b.Line("mem_replication_backlog", 0);
  b.Line("mem_total_replication_buffers", 0);
  b.Line("mem_clients_slaves", 0);
  b.Line("mem_clients_normal", 0);
  b.Line("mem_cluster_links", 0);
  b.Line("mem_aof_buffer", 0);
  b.Line("mem_allocator", "libc");
  b.Line("active_defrag_running", 0);
  b.Line("lazyfree_pending_objects", 0);
  b.Line("lazyfreed_objects", 0);
}

void PersistenceSection(CommandContext& ctx, InfoBuilder& b) {
  RespServer& srv = ctx.server;
  auto st = srv.store().GetStats();
  b.Header("Persistence");
  b.Line("loading", 0);
  b.Line("async_loading", 0);
  b.Line("current_cow_peak", 0);
  b.Line("current_cow_size", 0);
  b.Line("current_cow_size_age", 0);
  b.Line("current_fork_perc", "0.00");
  b.Line("current_save_keys_processed", 0);
  b.Line("current_save_keys_total", 0);
  b.Line("rdb_changes_since_last_save", st.changes_since_save);
  b.Line("rdb_bgsave_in_progress", 0);
  b.Line("rdb_last_save_time", st.last_save_ms / 1000);
  b.Line("rdb_last_bgsave_status", st.last_flush_ok ? "ok" : "err");
  b.Line("rdb_last_bgsave_time_sec", -1);
  b.Line("rdb_current_bgsave_time_sec", -1);
  b.Line("rdb_saves", st.flushes);
  b.Line("rdb_last_cow_size", 0);
  b.Line("rdb_last_load_keys_expired", 0);
  b.Line("rdb_last_load_keys_loaded", 0);
  b.Line("aof_enabled", srv.redis_config().Get("appendonly") == "yes" ? 1 : 0);
  b.Line("aof_rewrite_in_progress", 0);
  b.Line("aof_rewrite_scheduled", 0);
  b.Line("aof_last_rewrite_time_sec", -1);
  b.Line("aof_current_rewrite_time_sec", -1);
  b.Line("aof_last_bgrewrite_status", "ok");
  b.Line("aof_rewrites", 0);
  b.Line("aof_rewrites_consecutive_failures", 0);
  b.Line("aof_last_write_status", st.last_flush_ok ? "ok" : "err");
  b.Line("aof_last_cow_size", 0);
  b.Line("module_fork_in_progress", 0);
  b.Line("module_fork_last_cow_size", 0);
}

void StatsSection(CommandContext& ctx, InfoBuilder& b) {
  RespServer& srv = ctx.server;
  RespServer::Rates r = srv.InstantaneousRates();
  uint64_t expired = srv.store().GetStats().expired_keys;
  uint64_t rejected = net::Worker::rejected_connections.load();
  b.Header("Stats");
  b.Line("total_connections_received", srv.total_connections.load());
  b.Line("total_commands_processed", srv.total_commands.load());
  b.Line("instantaneous_ops_per_sec", static_cast<int64_t>(r.ops_per_sec));
  b.Line("total_net_input_bytes", srv.total_net_input.load());
  b.Line("total_net_output_bytes", srv.total_net_output.load());
  b.Line("total_net_repl_input_bytes", 0);
  b.Line("total_net_repl_output_bytes", 0);
  b.Line("instantaneous_input_kbps", Fixed(r.input_kbps, 2));
  b.Line("instantaneous_output_kbps", Fixed(r.output_kbps, 2));
  b.Line("instantaneous_input_repl_kbps", "0.00");
  b.Line("instantaneous_output_repl_kbps", "0.00");
  b.Line("rejected_connections", rejected - std::min(rejected, srv.rejected_connections_base.load()));
  b.Line("sync_full", 0);
  b.Line("sync_partial_ok", 0);
  b.Line("sync_partial_err", 0);
  b.Line("expired_keys", expired - std::min(expired, srv.expired_keys_base.load()));
  b.Line("expired_stale_perc", "0.00");
  b.Line("expired_time_cap_reached_count", 0);
  b.Line("expire_cycle_cpu_milliseconds", 0);
  uint64_t evicted = srv.store().evicted_keys();
  b.Line("evicted_keys", evicted - std::min(evicted, srv.evicted_keys_base.load()));
  b.Line("evicted_clients", 0);
  b.Line("total_eviction_exceeded_time", 0);
  b.Line("current_eviction_exceeded_time", 0);
  b.Line("keyspace_hits", srv.keyspace_hits.load());
  b.Line("keyspace_misses", srv.keyspace_misses.load());
  b.Line("pubsub_channels", srv.Channels("").size());
  b.Line("pubsub_patterns", srv.NumPat());
  b.Line("pubsubshard_channels", 0);
  b.Line("latest_fork_usec", 0);
  b.Line("total_forks", 0);
  b.Line("migrate_cached_sockets", 0);
  b.Line("slave_expires_tracked_keys", 0);
  b.Line("active_defrag_hits", 0);
  b.Line("active_defrag_misses", 0);
  b.Line("active_defrag_key_hits", 0);
  b.Line("active_defrag_key_misses", 0);
  b.Line("total_active_defrag_time", 0);
  b.Line("current_active_defrag_time", 0);
  b.Line("tracking_total_keys", 0);
  b.Line("tracking_total_items", 0);
  b.Line("tracking_total_prefixes", 0);
  b.Line("unexpected_error_replies", 0);
  b.Line("total_error_replies", srv.total_error_replies.load());
  b.Line("dump_payload_sanitizations", 0);
  b.Line("total_reads_processed", srv.total_reads.load());
  b.Line("total_writes_processed", srv.total_commands.load());
  b.Line("io_threaded_reads_processed", 0);
  b.Line("io_threaded_writes_processed", 0);
  b.Line("reply_buffer_shrinks", 0);
  b.Line("reply_buffer_expands", 0);
}

void ReplicationSection(CommandContext& ctx, InfoBuilder& b) {
  RespServer& srv = ctx.server;
  b.Header("Replication");
  b.Line("role", "master");
  b.Line("connected_slaves", 0);
  b.Line("master_failover_state", "no-failover");
  b.Line("master_replid", srv.repl_id());
  b.Line("master_replid2", std::string(40, '0'));
  b.Line("master_repl_offset", 0);
  b.Line("second_repl_offset", -1);
  b.Line("repl_backlog_active", 0);
  b.Line("repl_backlog_size", srv.redis_config().Get("repl-backlog-size"));
  b.Line("repl_backlog_first_byte_offset", 0);
  b.Line("repl_backlog_histlen", 0);
}

void CpuSection(InfoBuilder& b) {
  rusage self, children, thread;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  b.Header("CPU");
  b.Line("used_cpu_sys", Seconds(self.ru_stime));
  b.Line("used_cpu_user", Seconds(self.ru_utime));
  b.Line("used_cpu_sys_children", Seconds(children.ru_stime));
  b.Line("used_cpu_user_children", Seconds(children.ru_utime));
  b.Line("used_cpu_sys_main_thread", Seconds(thread.ru_stime));
  b.Line("used_cpu_user_main_thread", Seconds(thread.ru_utime));
}

void CommandstatsSection(CommandContext& ctx, InfoBuilder& b) {
  b.Header("Commandstats");
  auto line = [&](const std::string& name, const CommandStats& s) {
    uint64_t calls = s.calls.load(), usec = s.usec.load(), rejected = s.rejected.load(), failed = s.failed.load();
    if (calls == 0 && rejected == 0 && failed == 0) return;
    b.Line("cmdstat_" + name, "calls=" + std::to_string(calls) + ",usec=" + std::to_string(usec) +
                                   ",usec_per_call=" + Fixed(calls == 0 ? 0 : static_cast<double>(usec) / calls, 2) +
                                   ",rejected_calls=" + std::to_string(rejected) +
                                   ",failed_calls=" + std::to_string(failed));
  };
  for (CommandEntry& e : ctx.server.entries()) {
    if (e.subcommands.empty()) line(e.spec->name, e.stats);
    for (SubcommandEntry& s : e.subcommands) line(s.meta->name, s.stats);
  }
}

void ErrorstatsSection(CommandContext& ctx, InfoBuilder& b) {
  b.Header("Errorstats");
  for (const auto& [prefix, count] : ctx.server.error_stats().Snapshot()) {
    b.Line("errorstat_" + prefix, "count=" + std::to_string(count));
  }
}

void LatencystatsSection(CommandContext& ctx, InfoBuilder& b) {
  b.Header("Latencystats");
  std::vector<double> percentiles;
  // Kept in a variable: the split views into it.
  std::string configured = ctx.server.redis_config().Get("latency-tracking-info-percentiles");
  for (std::string_view p : SplitWhitespace(configured)) {
    double d;
    if (ParseDouble(p, &d)) percentiles.push_back(d);
  }
  auto line = [&](const std::string& name, const CommandStats& s) {
    const LatencyHistogram* h = s.histogram();
    if (h == nullptr || h->Total() == 0) return;
    std::string v;
    for (size_t i = 0; i < percentiles.size(); i++) {
      if (i) v += ',';
      v += "p" + TrimmedDouble(percentiles[i]) + "=" +
           Fixed(static_cast<double>(h->ValueAtPercentile(percentiles[i])) / 1000.0, 3);
    }
    b.Line("latency_percentiles_usec_" + name, v);
  };
  for (CommandEntry& e : ctx.server.entries()) {
    if (e.subcommands.empty()) line(e.spec->name, e.stats);
    for (SubcommandEntry& s : e.subcommands) line(s.meta->name, s.stats);
  }
}

void KeyspaceSection(CommandContext& ctx, InfoBuilder& b) {
  b.Header("Keyspace");
  for (int db = 0; db < kRedisDbCount; db++) {
    size_t keys = ctx.server.store().DbSize(db);
    if (keys == 0) continue;
    size_t expires = ctx.server.store().ExpiresCount(db);
    b.Line("db" + std::to_string(db),
           "keys=" + std::to_string(keys) + ",expires=" + std::to_string(expires) + ",avg_ttl=0");
  }
}

void LumaSection(CommandContext& ctx, InfoBuilder& b) {
  auto st = ctx.server.store().GetStats();
  b.Header("LumaDB");
  b.Line("lumadb_version", LUMADB_VERSION);
  b.Line("lumadb_durability", engine::kv::DurabilityName(ctx.server.store().durability()));
  b.Line("lumadb_flushes", st.flushes);
  b.Line("lumadb_workers", ctx.server.config().workers);
}

}  // namespace

std::string InfoText(CommandContext& ctx, const std::vector<std::string>& names) {
  std::set<std::string> want;
  bool defaults = names.empty();
  for (const auto& n : names) {
    if (n == "default") defaults = true;
    else want.insert(n);
  }
  bool all = want.count("all") || want.count("everything");
  InfoBuilder b;
  for (const Section& s : kSections) {
    if (!(want.count(s.name) || (all && s.in_all) || (defaults && s.in_default))) continue;
    std::string_view n = s.name;
    if (n == "server") ServerSection(ctx, b);
    else if (n == "clients") ClientsSection(ctx, b);
    else if (n == "memory") MemorySection(ctx, b);
    else if (n == "persistence") PersistenceSection(ctx, b);
    else if (n == "stats") StatsSection(ctx, b);
    else if (n == "replication") ReplicationSection(ctx, b);
    else if (n == "cpu") CpuSection(b);
    else if (n == "modules") b.Header("Modules");
    else if (n == "commandstats") CommandstatsSection(ctx, b);
    else if (n == "errorstats") ErrorstatsSection(ctx, b);
    else if (n == "latencystats") LatencystatsSection(ctx, b);
    else if (n == "cluster") {
      b.Header("Cluster");
      b.Line("cluster_enabled", 0);
    } else if (n == "keyspace") KeyspaceSection(ctx, b);
    else if (n == "lumadb") LumaSection(ctx, b);
  }
  return b.Take();
}

void InfoCommand(CommandContext& ctx) {
  std::vector<std::string> sections;
  for (size_t i = 1; i < ctx.argc(); i++) sections.push_back(ToLower(ctx.arg(i)));
  ctx.w.Verbatim(InfoText(ctx, sections));
}

}  // namespace lumadb::protocol::resp

// Server commands: flush_all, verbosity, cache_memlimit, lru_crawler, slabs
// and the stats family.

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "common/clock.h"
#include "protocol/memcache/item.h"
#include "protocol/memcache/session.h"

namespace lumadb::protocol::memcache {

using engine::kv::kMemcacheDb;
using engine::kv::Value;

namespace {

constexpr uint32_t kMaxVerbosity = 2;  // MAX_VERBOSITY_LEVEL
constexpr size_t kCachedumpLimit = 2 * 1024 * 1024;  // item_cachedump's output cap
constexpr int kMaxSlabClasses = 64;  // MAX_NUMBER_OF_SLAB_CLASSES

// Splits "host:port" (the port after the last colon).
std::pair<std::string_view, std::string_view> SplitHostPort(std::string_view addr) {
  size_t colon = addr.rfind(':');
  if (colon == std::string_view::npos) return {addr, ""};
  return {addr.substr(0, colon), addr.substr(colon + 1)};
}

std::string FormatTimeval(const timeval& tv) {
  char buf[48];
  snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec));
  return buf;
}

// Per slab class totals of the items in the memcached namespace.
struct ClassUsage {
  uint64_t items = 0;
  uint64_t bytes = 0;
  uint32_t oldest_time = UINT32_MAX;
};

}  // namespace

// ---- flush_all, verbosity, cache_memlimit ----

void MemcacheSession::CmdFlushAll() {
  server_.stats().cmd_flush.fetch_add(1, std::memory_order_relaxed);
  // memcached marks items older than "oldest_live", set to one second before
  // the requested time, so a delay of 1 flushes at once. An absolute time
  // before the server started cancels any flush.
  int64_t due_ms = now_ms_;
  bool cancel = false;
  if (cmd_.has_delay && cmd_.delay > 0) {
    if (cmd_.delay <= kMaxRelativeExptime) {
      due_ms = now_ms_ + (static_cast<int64_t>(cmd_.delay) - 1) * 1000;
    } else if (static_cast<int64_t>(cmd_.delay) * 1000 <= server_.start_ms()) {
      cancel = true;
    } else {
      due_ms = (static_cast<int64_t>(cmd_.delay) - 1) * 1000;
    }
  }
  if (cancel) {
    server_.ScheduleFlush(0);
  } else if (due_ms <= now_ms_) {
    server_.Flush();
  } else {
    uint64_t ticket = server_.ScheduleFlush(due_ms);
    // The timer outlives this connection, so it holds only the server.
    MemcacheServer* server = &server_;
    conn_.worker().AddTimer(MonoMs() + (due_ms - now_ms_), [server, ticket] { server->FlushIfCurrent(ticket); });
  }
  Reply("OK");
}

void MemcacheSession::CmdVerbosity() {
  server_.verbosity.store(std::min(cmd_.number, kMaxVerbosity), std::memory_order_relaxed);
  Reply("OK");
}

void MemcacheSession::CmdCacheMemlimit() {
  uint32_t mb = cmd_.number;
  if (mb < 8) {
    Reply("MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m");
  } else if (mb > 1000000000) {
    Reply("MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes");
  } else {
    server_.max_bytes.store(static_cast<uint64_t>(mb) << 20, std::memory_order_relaxed);
    Reply("OK");
  }
}

// ---- lru_crawler and slabs: LumaDB expires items itself and has no slabs,
// so these only validate their arguments like memcached does. ----

void MemcacheSession::CmdLruCrawler() {
  const auto& a = cmd_.args;
  size_t nt = a.size() + 2;  // memcached's token count
  if (nt == 4 && a[0] == "crawl") {
    Reply(server_.lru_crawler_enabled.load() ? "OK" : "CLIENT_ERROR lru crawler disabled");
  } else if (nt == 4 && a[0] == "metadump") {
    if (!server_.lru_crawler_enabled.load()) {
      Reply("CLIENT_ERROR lru crawler disabled");
      return;
    }
    bool want[kMaxSlabClasses] = {};
    if (a[1] == "all" || a[1] == "hash") {
      std::fill(std::begin(want), std::end(want), true);
    } else {
      std::string_view list = a[1];
      while (true) {
        size_t comma = list.find(',');
        uint32_t id;
        if (!ParseU32(list.substr(0, comma), &id) || id < 1 || id >= kMaxSlabClasses) {
          Reply("BADCLASS invalid class id");
          return;
        }
        want[id] = true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
      }
    }
    std::string& out = conn_.out();
    int64_t start_s = server_.start_ms() / 1000;
    store().ForEach(kMemcacheDb, [&](std::string_view key, const Value& v) {
      uint64_t size = ItemSize(key.size(), mc_item::Flags(v), mc_item::Data(v).size());
      int cls = SlabClass(size);
      if (!want[cls]) return;
      out.append("key=");
      UriEncode(key, &out);
      out.append(" exp=");
      AppendI64(&out, v.expire_ms == 0 ? -1 : v.expire_ms / 1000);
      out.append(" la=");
      AppendI64(&out, start_s + v.mc_time);
      out.append(" cas=");
      AppendU64(&out, mc_item::Cas(v));
      out.append((mc_item::Bits(v) & kItemFetched) ? " fetch=yes" : " fetch=no");
      out.append(" cls=");
      AppendU64(&out, static_cast<uint64_t>(cls));
      out.append(" size=");
      AppendU64(&out, size);
      out.push_back('\n');
    });
    out.append("END\r\n");
  } else if (nt == 4 && (a[0] == "tocrawl" || a[0] == "sleep")) {
    uint32_t n;
    if (!ParseU32(a[1], &n)) {
      Reply("CLIENT_ERROR bad command line format");
    } else if (a[0] == "sleep" && n > 1000000) {
      Reply("CLIENT_ERROR sleep must be one second or less");
    } else {
      Reply("OK");
    }
  } else if (nt == 3 && a[0] == "enable") {
    bool was = server_.lru_crawler_enabled.exchange(true);
    Reply(was ? "ERROR failed to start lru crawler thread" : "OK");
  } else if (nt == 3 && a[0] == "disable") {
    bool was = server_.lru_crawler_enabled.exchange(false);
    Reply(was ? "OK" : "ERROR failed to stop lru crawler thread");
  } else {
    Reply("ERROR");
  }
}

void MemcacheSession::CmdSlabs() {
  const auto& a = cmd_.args;
  size_t nt = a.size() + 2;
  if (nt == 5 && a[0] == "reassign") {
    int32_t src, dst;
    if (!ParseI32(a[1], &src) || !ParseI32(a[2], &dst)) {
      Reply("CLIENT_ERROR bad command line format");
    } else if (src == dst) {
      Reply("SAME src and dst class are identical");
    } else if (dst < 1 || dst > kSlabClasses || src < -1 || src == 0 || src > kSlabClasses) {
      Reply("BADCLASS invalid src or dst class id");
    } else {
      Reply("NOSPARE source class has no spare pages");
    }
  } else if (nt >= 4 && a[0] == "automove") {
    noreply_ = a.back() == "noreply";
    if (a[1] == "ratio") {
      char* end = nullptr;
      std::string ratio = nt >= 5 ? std::string(a[2]) : std::string();
      strtod(ratio.c_str(), &end);
      Reply(ratio.empty() || end == ratio.c_str() ? "ERROR" : "OK");
      return;
    }
    uint32_t level;
    if (!ParseU32(a[1], &level)) {
      Reply("CLIENT_ERROR bad command line format");
    } else {
      Reply(level <= 2 ? "OK" : "ERROR");
    }
  } else {
    Reply("ERROR");
  }
}

// ---- stats ----

void MemcacheSession::Stat(std::string_view name, std::string_view value) {
  std::string& out = conn_.out();
  out.append("STAT ");
  out.append(name);
  out.push_back(' ');
  out.append(value);
  out.append("\r\n");
}

void MemcacheSession::Stat(std::string_view name, uint64_t value) {
  std::string& out = conn_.out();
  out.append("STAT ");
  out.append(name);
  out.push_back(' ');
  AppendU64(&out, value);
  out.append("\r\n");
}

void MemcacheSession::CmdStats() {
  const auto& a = cmd_.args;
  std::string& out = conn_.out();
  if (a.empty()) {
    StatsGeneral();
  } else if (a[0] == "reset") {
    server_.stats().Reset();
    Reply("RESET");
    return;
  } else if (a[0] == "detail") {
    if (a.size() < 2 || !(a[1] == "on" || a[1] == "off" || a[1] == "dump")) {
      Reply("CLIENT_ERROR usage: stats detail on|off|dump");
    } else {
      // Per-prefix stats are not kept: the dump is always empty.
      if (a[1] != "dump") server_.detail_enabled.store(a[1] == "on");
      Reply(a[1] == "dump" ? "END" : "OK");
    }
    return;
  } else if (a[0] == "settings") {
    StatsSettings();
  } else if (a[0] == "cachedump") {
    StatsCachedump();
    return;
  } else if (a[0] == "conns") {
    StatsConns();
  } else if (a[0] == "extstore") {
    // No external storage: nothing to report.
  } else if (a[0] == "items") {
    StatsItems();
  } else if (a[0] == "slabs") {
    StatsSlabs();
  } else if (a[0] == "sizes") {
    StatsSizes();
  } else if (a[0] == "sizes_enable") {
    // memcached answers these two without END.
    uint64_t none = 0;
    server_.sizes_cas_min.compare_exchange_strong(none, store().NextCas());
    Stat("sizes_status", "enabled");
    return;
  } else if (a[0] == "sizes_disable") {
    server_.sizes_cas_min.store(0);
    Stat("sizes_status", "disabled");
    return;
  } else {
    Reply("ERROR");
    return;
  }
  out.append("END\r\n");
}

void MemcacheSession::StatsGeneral() {
  MemcacheStats& st = server_.stats();
  auto get = [](const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); };
  uint64_t items = 0, bytes = 0;
  store().ForEach(kMemcacheDb, [&](std::string_view key, const Value& v) {
    items++;
    bytes += ItemSize(key.size(), mc_item::Flags(v), mc_item::Data(v).size());
  });
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  uint64_t curr = static_cast<uint64_t>(std::max<int64_t>(0, server_.curr_connections.load()));
  Stat("pid", static_cast<uint64_t>(getpid()));
  Stat("uptime", static_cast<uint64_t>((now_ms_ - server_.start_ms()) / 1000));
  Stat("time", static_cast<uint64_t>(now_ms_ / 1000));
  Stat("version", server_.config().version);
  Stat("libevent", "2.1.12-stable");
  Stat("pointer_size", static_cast<uint64_t>(sizeof(void*) * 8));
  Stat("rusage_user", FormatTimeval(ru.ru_utime));
  Stat("rusage_system", FormatTimeval(ru.ru_stime));
  Stat("max_connections", conn_.worker().options().max_connections);
  Stat("curr_connections", curr);
  Stat("total_connections", get(st.total_connections));
  Stat("rejected_connections", 0);
  Stat("connection_structures", curr + 1);
  Stat("response_obj_oom", 0);
  Stat("response_obj_count", 1);
  Stat("response_obj_bytes", 65536);
  Stat("read_buf_count", 8);
  Stat("read_buf_bytes", 131072);
  Stat("read_buf_bytes_free", 0);
  Stat("read_buf_oom", 0);
  Stat("reserved_fds", 20);
  Stat("cmd_get", get(st.cmd_get));
  Stat("cmd_set", get(st.cmd_set));
  Stat("cmd_flush", get(st.cmd_flush));
  Stat("cmd_touch", get(st.cmd_touch));
  Stat("cmd_meta", get(st.cmd_meta));
  Stat("get_hits", get(st.get_hits));
  Stat("get_misses", get(st.get_misses));
  Stat("get_expired", 0);
  Stat("get_flushed", 0);
  Stat("delete_misses", get(st.delete_misses));
  Stat("delete_hits", get(st.delete_hits));
  Stat("incr_misses", get(st.incr_misses));
  Stat("incr_hits", get(st.incr_hits));
  Stat("decr_misses", get(st.decr_misses));
  Stat("decr_hits", get(st.decr_hits));
  Stat("cas_misses", get(st.cas_misses));
  Stat("cas_hits", get(st.cas_hits));
  Stat("cas_badval", get(st.cas_badval));
  Stat("touch_hits", get(st.touch_hits));
  Stat("touch_misses", get(st.touch_misses));
  Stat("store_too_large", get(st.store_too_large));
  Stat("store_no_memory", 0);
  Stat("auth_cmds", 0);
  Stat("auth_errors", 0);
  Stat("bytes_read", get(st.bytes_read));
  Stat("bytes_written", get(st.bytes_written));
  Stat("limit_maxbytes", server_.max_bytes.load(std::memory_order_relaxed));
  Stat("accepting_conns", 1);
  Stat("listen_disabled_num", 0);
  Stat("time_in_listen_disabled_us", 0);
  Stat("threads", static_cast<uint64_t>(server_.config().threads));
  Stat("conn_yields", 0);
  Stat("hash_power_level", 16);
  Stat("hash_bytes", 524288);
  Stat("hash_is_expanding", 0);
  for (const char* name : {"slab_reassign_rescues", "slab_reassign_chunk_rescues", "slab_reassign_evictions_nomem",
                           "slab_reassign_inline_reclaim", "slab_reassign_busy_items", "slab_reassign_busy_deletes",
                           "slab_reassign_running", "slabs_moved", "lru_crawler_running", "lru_crawler_starts",
                           "lru_maintainer_juggles", "malloc_fails", "log_worker_dropped", "log_worker_written",
                           "log_watcher_skipped", "log_watcher_sent", "log_watchers", "unexpected_napi_ids",
                           "round_robin_fallback"}) {
    Stat(name, 0);
  }
  Stat("bytes", bytes);
  Stat("curr_items", items);
  Stat("total_items", get(st.total_items));
  for (const char* name : {"slab_global_page_pool", "expired_unfetched", "evicted_unfetched", "evicted_active",
                           "evictions", "reclaimed", "crawler_reclaimed", "crawler_items_checked",
                           "lrutail_reflocked", "moves_to_cold", "moves_to_warm", "moves_within_lru",
                           "direct_reclaims", "lru_bumps_dropped"}) {
    Stat(name, 0);
  }
}

void MemcacheSession::StatsSettings() {
  auto [host, port] = SplitHostPort(conn_.local());
  const MemcacheConfig& cfg = server_.config();
  int64_t oldest = server_.oldest_live_s();
  int64_t start_s = server_.start_ms() / 1000;
  Stat("maxbytes", server_.max_bytes.load(std::memory_order_relaxed));
  Stat("maxconns", conn_.worker().options().max_connections);
  Stat("tcpport", port);
  Stat("udpport", 0);
  Stat("inter", host);
  Stat("verbosity", server_.verbosity.load(std::memory_order_relaxed));
  Stat("oldest", static_cast<uint64_t>(oldest > start_s ? oldest - start_s : 0));
  Stat("evictions", "on");
  Stat("domain_socket", "NULL");
  Stat("umask", "700");
  Stat("shutdown_command", "no");
  Stat("growth_factor", "1.25");
  Stat("chunk_size", 48);
  Stat("num_threads", static_cast<uint64_t>(cfg.threads));
  Stat("num_threads_per_udp", static_cast<uint64_t>(cfg.threads));
  Stat("stat_key_prefix", ":");
  Stat("detail_enabled", server_.detail_enabled.load() ? "yes" : "no");
  Stat("reqs_per_event", 20);
  Stat("cas_enabled", "yes");
  Stat("tcp_backlog", 1024);
  Stat("binding_protocol", "ascii");
  Stat("auth_enabled_sasl", "no");
  Stat("auth_enabled_ascii", "no");
  Stat("item_size_max", cfg.max_item_size);
  Stat("maxconns_fast", "yes");
  Stat("hashpower_init", 0);
  Stat("slab_reassign", "yes");
  Stat("slab_automove", 1);
  Stat("slab_automove_ratio", "0.80");
  Stat("slab_automove_window", 30);
  Stat("slab_chunk_max", kSlabChunkMax);
  Stat("lru_crawler", server_.lru_crawler_enabled.load() ? "yes" : "no");
  Stat("lru_crawler_sleep", 100);
  Stat("lru_crawler_tocrawl", 0);
  Stat("tail_repair_time", 0);
  Stat("flush_enabled", "yes");
  Stat("dump_enabled", "yes");
  Stat("hash_algorithm", "murmur3");
  Stat("lru_maintainer_thread", "yes");
  Stat("lru_segmented", "yes");
  Stat("hot_lru_pct", 20);
  Stat("warm_lru_pct", 40);
  Stat("hot_max_factor", "0.20");
  Stat("warm_max_factor", "2.00");
  Stat("temp_lru", "no");
  Stat("temporary_ttl", 61);
  Stat("idle_timeout", 0);
  Stat("watcher_logbuf_size", 262144);
  Stat("worker_logbuf_size", 65536);
  Stat("read_buf_mem_limit", 0);
  Stat("track_sizes", server_.sizes_cas_min.load() != 0 ? "yes" : "no");
  Stat("inline_ascii_response", "no");
  // Debian's memcached is built with extstore and TLS: their (unused) settings.
  Stat("ext_item_size", 512);
  Stat("ext_item_age", 4294967295u);
  Stat("ext_low_ttl", 0);
  Stat("ext_recache_rate", 2000);
  Stat("ext_wbuf_size", 4194304);
  Stat("ext_compact_under", 0);
  Stat("ext_drop_under", 0);
  Stat("ext_max_sleep", 1000000);
  Stat("ext_max_frag", "0.80");
  Stat("slab_automove_freeratio", "0.010");
  Stat("ext_drop_unread", "no");
  Stat("ssl_enabled", "no");
  Stat("ssl_chain_cert", "(null)");
  Stat("ssl_key", "(null)");
  Stat("ssl_verify_mode", 0);
  Stat("ssl_keyformat", 1);
  Stat("ssl_ciphers", "NULL");
  Stat("ssl_ca_cert", "NULL");
  Stat("ssl_wbuf_size", 16384);
  Stat("ssl_session_cache", "no");
  Stat("ssl_kernel_tls", "no");
  Stat("ssl_min_version", "tlsv1.2");
  Stat("num_napi_ids", "(null)");
  Stat("memory_file", "(null)");
}

void MemcacheSession::StatsItems() {
  std::vector<ClassUsage> usage(kSlabClasses + 1);
  store().ForEach(kMemcacheDb, [&](std::string_view key, const Value& v) {
    uint64_t size = ItemSize(key.size(), mc_item::Flags(v), mc_item::Data(v).size());
    ClassUsage& u = usage[SlabClass(size)];
    u.items++;
    u.bytes += size;
    u.oldest_time = std::min(u.oldest_time, v.mc_time);
  });
  uint32_t now_s = server_.NowSeconds();
  std::string name;
  for (int cls = 1; cls <= kSlabClasses; cls++) {
    const ClassUsage& u = usage[cls];
    if (u.items == 0) continue;
    auto stat = [&](const char* field, uint64_t value) {
      name = "items:" + std::to_string(cls) + ":" + field;
      Stat(name, value);
    };
    stat("number", u.items);
    stat("number_hot", 0);
    stat("number_warm", 0);
    stat("number_cold", u.items);
    stat("age_hot", 0);
    stat("age_warm", 0);
    stat("age", now_s - std::min(now_s, u.oldest_time));
    stat("mem_requested", u.bytes);
    for (const char* field : {"evicted", "evicted_nonzero", "evicted_time", "outofmemory", "tailrepairs",
                              "reclaimed", "expired_unfetched", "evicted_unfetched", "evicted_active",
                              "crawler_reclaimed", "crawler_items_checked", "lrutail_reflocked", "moves_to_cold",
                              "moves_to_warm", "moves_within_lru", "direct_reclaims", "hits_to_hot", "hits_to_warm",
                              "hits_to_cold", "hits_to_temp"}) {
      stat(field, 0);
    }
  }
}

void MemcacheSession::StatsSlabs() {
  std::vector<ClassUsage> usage(kSlabClasses + 1);
  store().ForEach(kMemcacheDb, [&](std::string_view key, const Value& v) {
    usage[SlabClass(ItemSize(key.size(), mc_item::Flags(v), mc_item::Data(v).size()))].items++;
  });
  uint64_t active = 0, malloced = 0;
  std::string name;
  for (int cls = 1; cls <= kSlabClasses; cls++) {
    const ClassUsage& u = usage[cls];
    if (u.items == 0) continue;
    uint64_t chunk = SlabChunkSize(cls);
    uint64_t per_page = kSlabPageSize / chunk;
    uint64_t pages = (u.items + per_page - 1) / per_page;
    active++;
    malloced += pages * kSlabPageSize;
    auto stat = [&](const char* field, uint64_t value) {
      name = std::to_string(cls) + ":" + field;
      Stat(name, value);
    };
    stat("chunk_size", chunk);
    stat("chunks_per_page", per_page);
    stat("total_pages", pages);
    stat("total_chunks", pages * per_page);
    stat("used_chunks", u.items);
    stat("free_chunks", pages * per_page - u.items);
    stat("free_chunks_end", 0);
    for (const char* field :
         {"get_hits", "cmd_set", "delete_hits", "incr_hits", "decr_hits", "cas_hits", "cas_badval", "touch_hits"}) {
      stat(field, 0);
    }
  }
  Stat("active_slabs", active);
  Stat("total_malloced", malloced);
}

void MemcacheSession::StatsSizes() {
  uint64_t cas_min = server_.sizes_cas_min.load();
  if (cas_min == 0) {
    Stat("sizes_status", "disabled");
    return;
  }
  // Items stored since sizes_enable, in 32-byte buckets of their size.
  std::map<uint64_t, uint64_t> buckets;
  store().ForEach(kMemcacheDb, [&](std::string_view key, const Value& v) {
    if (mc_item::Cas(v) < cas_min) return;
    uint64_t size = ItemSize(key.size(), mc_item::Flags(v), mc_item::Data(v).size());
    buckets[(size + 31) / 32 * 32]++;
  });
  for (const auto& [size, count] : buckets) Stat(std::to_string(size), count);
}

void MemcacheSession::StatsCachedump() {
  const auto& a = cmd_.args;
  if (a.size() < 3) {
    Reply("CLIENT_ERROR bad command line");
    return;
  }
  uint32_t id, limit;
  if (!ParseU32(a[1], &id) || !ParseU32(a[2], &limit)) {
    Reply("CLIENT_ERROR bad command line format");
    return;
  }
  if (id >= kMaxSlabClasses) {
    Reply("CLIENT_ERROR Illegal slab id");
    return;
  }
  std::string& out = conn_.out();
  size_t start = out.size();
  uint32_t shown = 0;
  bool full = false;
  store().ForEach(kMemcacheDb, [&](std::string_view key, const Value& v) {
    if (full || (limit != 0 && shown >= limit)) return;
    if (SlabClass(ItemSize(key.size(), mc_item::Flags(v), mc_item::Data(v).size())) != static_cast<int>(id)) return;
    size_t before = out.size();
    out.append("ITEM ");
    out.append(key);
    out.append(" [");
    AppendU64(&out, mc_item::Data(v).size());
    out.append(" b; ");
    AppendI64(&out, v.expire_ms == 0 ? 0 : v.expire_ms / 1000);
    out.append(" s]\r\n");
    if (out.size() - start + 6 > kCachedumpLimit) {
      out.resize(before);
      full = true;
      return;
    }
    shown++;
  });
  out.append("END\r\n");
}

void MemcacheSession::StatsConns() {
  // Only this connection is known to the session.
  std::string prefix = std::to_string(conn_.fd()) + ":";
  Stat(prefix + "addr", "tcp:" + conn_.peer());
  Stat(prefix + "listen_addr", "tcp:" + conn_.local());
  Stat(prefix + "state", "conn_parse_cmd");
  Stat(prefix + "secs_since_last_cmd", 0);
}

}  // namespace lumadb::protocol::memcache

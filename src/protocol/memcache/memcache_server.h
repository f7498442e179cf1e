#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "common/metrics.h"
#include "engine/kv/store.h"
#include "net/worker.h"
#include "protocol/memcache/codec.h"

namespace lumadb::protocol::memcache {

inline constexpr uint16_t kDefaultPort = 11211;

struct MemcacheConfig {
  uint64_t max_item_size = 1 << 20;  // -I / item_size_max
  uint64_t max_key_length = 250;
  std::string version = "1.6.18";    // the memcached version LumaDB answers as
  int threads = 4;                   // reported by stats (memcached's -t)
  uint64_t max_bytes = 64ull << 20;  // reported by stats (memcached's -m); nothing is evicted
};

// memcached's counters reported by "stats"; "stats reset" zeroes them.
struct MemcacheStats {
  std::atomic<uint64_t> cmd_get{0}, cmd_set{0}, cmd_flush{0}, cmd_touch{0}, cmd_meta{0};
  std::atomic<uint64_t> get_hits{0}, get_misses{0};
  std::atomic<uint64_t> delete_hits{0}, delete_misses{0};
  std::atomic<uint64_t> incr_hits{0}, incr_misses{0}, decr_hits{0}, decr_misses{0};
  std::atomic<uint64_t> cas_hits{0}, cas_misses{0}, cas_badval{0};
  std::atomic<uint64_t> touch_hits{0}, touch_misses{0};
  std::atomic<uint64_t> store_too_large{0};
  std::atomic<uint64_t> total_items{0};
  std::atomic<uint64_t> total_connections{0};
  std::atomic<uint64_t> bytes_read{0}, bytes_written{0};

  void Reset();
};

// State shared by every memcached session. Items live in the KV engine's
// memcached namespace (engine::kv::kMemcacheDb); see item.h for the mapping.
// Thread-safe: sessions on every worker use it concurrently.
class MemcacheServer {
 public:
  MemcacheServer(engine::kv::Store& store, MemcacheConfig config);
  engine::kv::Store& store() { return store_; }
  const MemcacheConfig& config() const { return config_; }
  const Limits& limits() const { return limits_; }
  int64_t start_ms() const { return start_ms_; }
  // Seconds since the server started: memcached's "current_time", the clock
  // of item LRU times (Value::mc_time).
  uint32_t NowSeconds() const;

  MemcacheStats& stats() { return stats_; }
  std::atomic<int64_t> curr_connections{0};
  std::atomic<uint32_t> verbosity{0};
  std::atomic<uint64_t> max_bytes;  // cache_memlimit changes it
  std::atomic<bool> lru_crawler_enabled{true};
  std::atomic<bool> detail_enabled{false};  // "stats detail on|off" (no per-prefix stats are kept)
  // "stats sizes_enable": items with a CAS from here on are counted (0: off).
  std::atomic<uint64_t> sizes_cas_min{0};

  // flush_all: Flush() empties the memcached namespace now. A delayed flush
  // takes a ticket from ScheduleFlush() and runs FlushIfCurrent(ticket) when
  // due; any later flush_all supersedes it, as memcached keeps a single
  // "oldest live" time. ScheduleFlush(0) only cancels a pending flush.
  void Flush();
  uint64_t ScheduleFlush(int64_t at_unix_ms);
  void FlushIfCurrent(uint64_t ticket);
  // Unix seconds of the last flush_all that took effect or is pending (0: none).
  int64_t oldest_live_s() const { return oldest_live_s_.load(std::memory_order_relaxed); }

  metrics::Counter* commands_metric;
  metrics::Histogram* latency_metric;
  metrics::Gauge* connections_metric;
  metrics::Counter* connections_total_metric;

 private:
  engine::kv::Store& store_;
  MemcacheConfig config_;
  Limits limits_;
  int64_t start_ms_;
  int64_t start_mono_ms_;
  MemcacheStats stats_;
  std::atomic<uint64_t> flush_ticket_{0};
  std::atomic<int64_t> oldest_live_s_{0};
};

// The memcached protocol's registration: name "memcached", port 11211, a
// MemcacheSession per connection.
net::ProtocolSpec MakeProtocol(MemcacheServer* server);

}  // namespace lumadb::protocol::memcache

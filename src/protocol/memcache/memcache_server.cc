#include "protocol/memcache/memcache_server.h"

#include "common/clock.h"
#include "protocol/memcache/session.h"

namespace lumadb::protocol::memcache {

void MemcacheStats::Reset() {
  for (auto* c : {&cmd_get, &cmd_set, &cmd_flush, &cmd_touch, &cmd_meta, &get_hits, &get_misses, &delete_hits,
                  &delete_misses, &incr_hits, &incr_misses, &decr_hits, &decr_misses, &cas_hits, &cas_misses,
                  &cas_badval, &touch_hits, &touch_misses, &store_too_large, &total_items, &total_connections,
                  &bytes_read, &bytes_written}) {
    c->store(0, std::memory_order_relaxed);
  }
}

MemcacheServer::MemcacheServer(engine::kv::Store& store, MemcacheConfig config)
    : max_bytes(config.max_bytes),
      store_(store),
      config_(std::move(config)),
      start_ms_(NowMs()),
      start_mono_ms_(MonoMs()) {
  limits_.max_key_length = config_.max_key_length;
  auto& reg = metrics::Global();
  const std::string labels = "protocol=\"memcached\"";
  commands_metric = reg.GetCounter("lumadb_commands_total", labels, "Commands executed, per protocol.");
  latency_metric = reg.GetHistogram("lumadb_command_duration_seconds", labels, "Command execution time.");
  connections_metric = reg.GetGauge("lumadb_connections", labels, "Open client connections, per protocol.");
  connections_total_metric =
      reg.GetCounter("lumadb_connections_total", labels, "Client connections accepted, per protocol.");
}

uint32_t MemcacheServer::NowSeconds() const { return static_cast<uint32_t>((MonoMs() - start_mono_ms_) / 1000); }

void MemcacheServer::Flush() {
  // Cancels a pending delayed flush: memcached keeps one flush time.
  flush_ticket_.fetch_add(1, std::memory_order_relaxed);
  oldest_live_s_.store(NowMs() / 1000, std::memory_order_relaxed);
  // memcached takes a CAS id to mark what the flush covers; taking one too
  // keeps CAS values in step with memcached's for the same commands.
  store_.NextCas();
  store_.FlushDb(engine::kv::kMemcacheDb);
}

uint64_t MemcacheServer::ScheduleFlush(int64_t at_unix_ms) {
  oldest_live_s_.store(at_unix_ms / 1000, std::memory_order_relaxed);
  if (at_unix_ms == 0) store_.NextCas();  // a cancelling flush_all takes a CAS id too
  return flush_ticket_.fetch_add(1, std::memory_order_relaxed) + 1;
}

void MemcacheServer::FlushIfCurrent(uint64_t ticket) {
  if (flush_ticket_.load(std::memory_order_relaxed) != ticket) return;
  store_.FlushDb(engine::kv::kMemcacheDb);
}

net::ProtocolSpec MakeProtocol(MemcacheServer* server) {
  net::ProtocolSpec spec;
  spec.name = "memcached";
  spec.default_port = kDefaultPort;
  spec.make_session = [server](net::Connection& conn) -> std::unique_ptr<net::Session> {
    return std::make_unique<MemcacheSession>(*server, conn);
  };
  return spec;
}

}  // namespace lumadb::protocol::memcache

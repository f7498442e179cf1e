#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "common/metrics.h"
#include "engine/kv/store.h"
#include "net/worker.h"

namespace lumadb::protocol::memcache {

inline constexpr uint16_t kDefaultPort = 11211;

struct MemcacheConfig {
  uint64_t max_item_size = 1 << 20;  // -I / item_size_max
  uint64_t max_key_length = 250;
  std::string version = "1.6.18";    // the memcached version LumaDB answers as
};

// State shared by every memcached session. Items live in the KV engine's
// memcached namespace (engine::kv::kMemcacheDb).
class MemcacheServer {
 public:
  MemcacheServer(engine::kv::Store& store, MemcacheConfig config);
  engine::kv::Store& store() { return store_; }
  const MemcacheConfig& config() const { return config_; }
  int64_t start_ms() const { return start_ms_; }

  metrics::Counter* commands_metric;
  metrics::Histogram* latency_metric;
  metrics::Gauge* connections_metric;
  metrics::Counter* connections_total_metric;

 private:
  engine::kv::Store& store_;
  MemcacheConfig config_;
  int64_t start_ms_;
};

// The memcached protocol's registration: name "memcached", port 11211.
net::ProtocolSpec MakeProtocol(MemcacheServer* server);

}  // namespace lumadb::protocol::memcache

#include "protocol/memcache/memcache_server.h"

#include "common/clock.h"

namespace lumadb::protocol::memcache {

MemcacheServer::MemcacheServer(engine::kv::Store& store, MemcacheConfig config)
    : store_(store), config_(std::move(config)), start_ms_(NowMs()) {
  auto& reg = metrics::Global();
  const std::string labels = "protocol=\"memcached\"";
  commands_metric = reg.GetCounter("lumadb_commands_total", labels, "Commands executed, per protocol.");
  latency_metric = reg.GetHistogram("lumadb_command_duration_seconds", labels, "Command execution time.");
  connections_metric = reg.GetGauge("lumadb_connections", labels, "Open client connections, per protocol.");
  connections_total_metric =
      reg.GetCounter("lumadb_connections_total", labels, "Client connections accepted, per protocol.");
}

// Placeholder until the session lands: answers every line with ERROR.
namespace {
class PlaceholderSession final : public net::Session {
 public:
  void OnData(net::Connection& conn) override {
    while (true) {
      auto buf = conn.in().Readable();
      size_t nl = buf.find('\n');
      if (nl == std::string_view::npos) return;
      conn.in().Consume(nl + 1);
      conn.out() += "ERROR\r\n";
    }
  }
};
}  // namespace

net::ProtocolSpec MakeProtocol(MemcacheServer* server) {
  (void)server;
  net::ProtocolSpec spec;
  spec.name = "memcached";
  spec.default_port = kDefaultPort;
  spec.make_session = [](net::Connection&) -> std::unique_ptr<net::Session> {
    return std::make_unique<PlaceholderSession>();
  };
  return spec;
}

}  // namespace lumadb::protocol::memcache

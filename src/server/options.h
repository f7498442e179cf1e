#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace lumadb::server {

// Everything `lumadb serve` can be told, from flags or the config file. Each
// flag --name has the config key `name` (ports: `port.PROTO = N`).
struct ServeOptions {
  std::string config_file;
  std::string data_dir = "./data";
  std::string bind = "127.0.0.1";
  std::map<std::string, int> ports;     // protocol -> port override
  std::set<std::string> disabled;       // protocols not to start
  std::string durability = "everysec";  // always | everysec | none
  std::string log_level = "info";
  int workers = 0;                      // 0 = cores - 1, at least 1
  std::string requirepass;              // Redis AUTH password; empty = none
  // PostgreSQL users and passwords (empty: trust, user postgres), and how
  // passwords are checked: scram-sha-256 | md5 | password.
  std::map<std::string, std::string> postgres_users;
  std::string postgres_auth = "scram-sha-256";
  std::string aclfile;                  // Redis ACL users file; empty = none
  bool acl_pubsub_default_all = false;  // acl-pubsub-default allchannels (else resetchannels)
  uint64_t acllog_max_len = 128;
  uint64_t memcached_max_item_size = 1 << 20;
  uint64_t max_connections = 10000;
  uint64_t proto_max_bulk_len = 512ull << 20;
  int flush_interval_ms = 1000;
  std::string notify_keyspace_events;   // Redis keyspace notification classes; empty = off
  uint64_t block_cache_size = 128ull << 20;  // RocksDB block cache (uncompressed blocks), shared by every engine
  uint64_t maxmemory = 0;               // bytes the dataset may use before eviction; 0 = no limit
  std::string maxmemory_policy = "noeviction";  // Redis maxmemory-policy
};

// The event-loop threads `lumadb serve` starts for `workers` (0 = the
// default) on a machine with `cores` cores: by default one per core but
// one, at least one. The spare core is left to the background flush,
// RocksDB's flushes and compactions, and clients on the same host: on two
// cores a second loop made three busy threads for two cores, and
// pipeline-1 p99 went from about Redis's to 4 ms (docs/BENCHMARKS.md).
int WorkerCount(int workers, unsigned cores);

// Protocols the binary knows, in start order, with default ports.
struct KnownProtocol {
  const char* name;
  int default_port;
};
const std::vector<KnownProtocol>& KnownProtocols();

// Parses the arguments after "serve". A --config file is read first and flags
// override it. Errors name the culprit (flag, key, value, file).
StatusOr<ServeOptions> ParseServeArgs(const std::vector<std::string>& args);

// Applies one config key (as in the file; flags map to the same keys).
Status ApplyOption(ServeOptions* opts, const std::string& key, const std::string& value, const std::string& where);

std::string ServeUsage();

}  // namespace lumadb::server

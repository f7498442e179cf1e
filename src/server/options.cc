#include "server/options.h"

#include <fstream>

#include "common/logging.h"
#include "common/strutil.h"
#include "engine/kv/eviction.h"
#include "protocol/resp/notify_flags.h"

namespace lumadb::server {

const std::vector<KnownProtocol>& KnownProtocols() {
  static const std::vector<KnownProtocol> kProtocols = {
      {"redis", 6379},
      {"memcached", 11211},
      {"postgres", 5432},
      {"admin", 9600},
  };
  return kProtocols;
}

namespace {

bool IsKnownProtocol(const std::string& name) {
  for (const auto& p : KnownProtocols()) {
    if (name == p.name) return true;
  }
  return false;
}

std::string KnownList() {
  std::string s;
  for (const auto& p : KnownProtocols()) {
    if (!s.empty()) s += ", ";
    s += p.name;
  }
  return s;
}

Status Bad(const std::string& where, const std::string& what) {
  return Status::InvalidArgument(where.empty() ? what : where + ": " + what);
}

Status ParsePort(const std::string& proto, const std::string& value, const std::string& where, int* port) {
  int64_t n;
  if (!ParseInt64(value, &n) || n < 1 || n > 65535) {
    return Bad(where, "bad port '" + value + "' for " + proto + " (want 1-65535)");
  }
  *port = static_cast<int>(n);
  return Status::Ok();
}

std::string Unquote(std::string v) {
  if (v.size() >= 2 && ((v.front() == '"' && v.back() == '"') || (v.front() == '\'' && v.back() == '\''))) {
    return v.substr(1, v.size() - 2);
  }
  return v;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

Status LoadConfigFile(const std::string& path, ServeOptions* opts) {
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument("cannot read config file " + path);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    lineno++;
    std::string where = path + ":" + std::to_string(lineno);
    size_t hash = line.find('#');
    if (hash != std::string::npos) line = line.substr(0, hash);
    std::string t = Trim(line);
    if (t.empty()) continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) return Bad(where, "expected 'key = value', got '" + t + "'");
    std::string key = Trim(t.substr(0, eq));
    std::string value = Unquote(Trim(t.substr(eq + 1)));
    RETURN_IF_ERROR(ApplyOption(opts, key, value, where));
  }
  return Status::Ok();
}

}  // namespace

Status ApplyOption(ServeOptions* o, const std::string& key, const std::string& value, const std::string& where) {
  auto size_opt = [&](uint64_t* out) -> Status {
    if (!ParseByteSize(value, out) || *out == 0) return Bad(where, "bad size '" + value + "' for " + key);
    return Status::Ok();
  };
  auto int_opt = [&](int64_t lo, int64_t hi, int64_t* out) -> Status {
    if (!ParseInt64(value, out) || *out < lo || *out > hi) {
      return Bad(where, "bad value '" + value + "' for " + key + " (want " + std::to_string(lo) + "-" +
                            std::to_string(hi) + ")");
    }
    return Status::Ok();
  };
  if (key == "data-dir") {
    if (value.empty()) return Bad(where, "data-dir must not be empty");
    o->data_dir = value;
  } else if (key == "bind") {
    if (value.empty()) return Bad(where, "bind must not be empty");
    o->bind = value;
  } else if (key.rfind("port.", 0) == 0) {
    std::string proto = key.substr(5);
    if (!IsKnownProtocol(proto)) return Bad(where, "unknown protocol '" + proto + "' (known: " + KnownList() + ")");
    RETURN_IF_ERROR(ParsePort(proto, value, where, &o->ports[proto]));
  } else if (key == "disable") {
    for (auto part : SplitWhitespace(value)) {
      std::string name(part);
      if (!name.empty() && name.back() == ',') name.pop_back();
      if (!IsKnownProtocol(name)) return Bad(where, "cannot disable unknown protocol '" + name + "' (known: " + KnownList() + ")");
      o->disabled.insert(name);
    }
  } else if (key == "durability") {
    if (value != "always" && value != "everysec" && value != "none") {
      return Bad(where, "bad durability '" + value + "' (want always, everysec or none)");
    }
    o->durability = value;
  } else if (key == "log-level") {
    log::Level l;
    if (!log::ParseLevel(value, &l)) return Bad(where, "bad log-level '" + value + "' (want debug, info, warn or error)");
    o->log_level = value;
  } else if (key == "workers") {
    int64_t n;
    RETURN_IF_ERROR(int_opt(0, 256, &n));
    o->workers = static_cast<int>(n);
  } else if (key == "requirepass") {
    o->requirepass = value;
  } else if (key == "postgres-users") {
    // name:password entries separated by commas (a password may hold spaces, not commas).
    o->postgres_users.clear();
    size_t start = 0;
    while (start < value.size()) {
      size_t comma = value.find(',', start);
      std::string entry = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      start = comma == std::string::npos ? value.size() : comma + 1;
      entry.erase(0, entry.find_first_not_of(' '));
      entry.erase(entry.find_last_not_of(' ') + 1);
      if (entry.empty()) continue;
      size_t colon = entry.find(':');
      if (colon == std::string::npos || colon == 0) {
        return Bad(where, "bad postgres-users entry '" + entry + "' (want name:password)");
      }
      o->postgres_users[entry.substr(0, colon)] = entry.substr(colon + 1);
    }
  } else if (key == "postgres-auth") {
    if (value != "scram-sha-256" && value != "md5" && value != "password") {
      return Bad(where, "bad postgres-auth '" + value + "' (want scram-sha-256, md5 or password)");
    }
    o->postgres_auth = value;
  } else if (key == "aclfile") {
    o->aclfile = value;
  } else if (key == "acl-pubsub-default") {
    if (value != "allchannels" && value != "resetchannels") {
      return Bad(where, "bad acl-pubsub-default '" + value + "' (want allchannels or resetchannels)");
    }
    o->acl_pubsub_default_all = value == "allchannels";
  } else if (key == "acllog-max-len") {
    int64_t n;
    RETURN_IF_ERROR(int_opt(0, 1000000, &n));
    o->acllog_max_len = static_cast<uint64_t>(n);
  } else if (key == "memcached-max-item-size") {
    RETURN_IF_ERROR(size_opt(&o->memcached_max_item_size));
    if (o->memcached_max_item_size < 1024 || o->memcached_max_item_size > (1ull << 30)) {
      return Bad(where, "memcached-max-item-size must be between 1k and 1g");
    }
  } else if (key == "block-cache-size") {
    RETURN_IF_ERROR(size_opt(&o->block_cache_size));
    if (o->block_cache_size < (1ull << 20)) return Bad(where, "block-cache-size must be at least 1mb");
  } else if (key == "max-connections") {
    int64_t n;
    RETURN_IF_ERROR(int_opt(1, 1000000, &n));
    o->max_connections = static_cast<uint64_t>(n);
  } else if (key == "proto-max-bulk-len") {
    RETURN_IF_ERROR(size_opt(&o->proto_max_bulk_len));
    if (o->proto_max_bulk_len < (1ull << 20)) return Bad(where, "proto-max-bulk-len must be at least 1mb");
  } else if (key == "flush-interval-ms") {
    int64_t n;
    RETURN_IF_ERROR(int_opt(10, 60000, &n));
    o->flush_interval_ms = static_cast<int>(n);
  } else if (key == "notify-keyspace-events") {
    if (protocol::resp::ParseKeyspaceEvents(value) < 0) {
      return Bad(where, "bad notify-keyspace-events '" + value + "' (want letters of Ag$lshzxeKEtmdn)");
    }
    o->notify_keyspace_events = value;
  } else if (key == "maxmemory") {
    if (!ParseByteSize(value, &o->maxmemory)) return Bad(where, "bad size '" + value + "' for maxmemory");
  } else if (key == "maxmemory-policy") {
    engine::kv::EvictionPolicy p;
    if (!engine::kv::ParseEvictionPolicy(value, &p)) {
      return Bad(where, "bad maxmemory-policy '" + value +
                            "' (want noeviction, allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, "
                            "volatile-lfu, volatile-random or volatile-ttl)");
    }
    o->maxmemory_policy = value;
  } else {
    return Bad(where, "unknown config key '" + key + "'");
  }
  return Status::Ok();
}

StatusOr<ServeOptions> ParseServeArgs(const std::vector<std::string>& args) {
  ServeOptions opts;
  // The config file comes first so that flags override it.
  for (size_t i = 0; i < args.size(); i++) {
    const std::string& a = args[i];
    if (a == "--config" || a.rfind("--config=", 0) == 0) {
      std::string path;
      if (a == "--config") {
        if (i + 1 >= args.size()) return Status::InvalidArgument("--config needs a file");
        path = args[i + 1];
      } else {
        path = a.substr(9);
      }
      opts.config_file = path;
      RETURN_IF_ERROR(LoadConfigFile(path, &opts));
    }
  }
  for (size_t i = 0; i < args.size(); i++) {
    std::string a = args[i];
    if (a.rfind("--", 0) != 0) return Status::InvalidArgument("unexpected argument '" + a + "' (see lumadb --help)");
    std::string name = a.substr(2), value;
    size_t eq = name.find('=');
    bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    static const char* kFlags[] = {"config",     "data-dir", "bind",    "port",
                                   "disable",    "durability", "log-level", "workers",
                                   "requirepass", "aclfile", "acl-pubsub-default", "acllog-max-len",
                                   "postgres-users", "postgres-auth",
                                   "memcached-max-item-size", "max-connections", "block-cache-size",
                                   "proto-max-bulk-len", "flush-interval-ms", "notify-keyspace-events",
                                   "maxmemory", "maxmemory-policy"};
    bool known = false;
    for (const char* f : kFlags) known |= name == f;
    if (!known) return Status::InvalidArgument("unknown flag '--" + name + "' (see lumadb --help)");
    if (!inline_value) {
      if (i + 1 >= args.size()) return Status::InvalidArgument("--" + name + " needs a value");
      value = args[++i];
    }
    if (name == "config") continue;
    if (name == "port") {
      size_t e = value.find('=');
      if (e == std::string::npos) return Status::InvalidArgument("--port wants PROTO=N, got '" + value + "'");
      RETURN_IF_ERROR(ApplyOption(&opts, "port." + value.substr(0, e), value.substr(e + 1), "--port"));
      continue;
    }
    RETURN_IF_ERROR(ApplyOption(&opts, name, value, "--" + name));
  }
  return opts;
}

int WorkerCount(int workers, unsigned cores) {
  if (workers > 0) return workers;
  return cores > 1 ? static_cast<int>(cores) - 1 : 1;
}

std::string ServeUsage() {
  return R"(Usage: lumadb serve [options]

Options (each also a config-file key without the dashes):
  --config FILE            read options from FILE first (key = value lines)
  --data-dir DIR           where data lives (default ./data)
  --bind ADDR              address to listen on (default 127.0.0.1)
  --port PROTO=N           port for a protocol (redis=6379, memcached=11211, postgres=5432,
                           admin=9600);
                           config key: port.PROTO = N
  --disable PROTO          do not start PROTO (repeatable)
  --durability MODE        always | everysec | none (default everysec)
  --log-level LEVEL        debug | info | warn | error (default info)
  --workers N              event-loop threads (default: cores - 1, at least 1)
  --requirepass PASS       password for Redis AUTH (default: none)
  --postgres-users LIST    PostgreSQL users as name:password[,name:password...] (no commas
                           in passwords); with
                           none, the user postgres connects without a password (trust)
  --postgres-auth METHOD   scram-sha-256 | md5 | password: how those passwords are
                           checked (default scram-sha-256)
  --aclfile FILE           Redis ACL users file, read at start, ACL LOAD / ACL SAVE (default: none)
  --acl-pubsub-default V   allchannels | resetchannels for new ACL users (default resetchannels)
  --acllog-max-len N       entries kept by ACL LOG (default 128)
  --memcached-max-item-size SIZE   largest memcached item (default 1m)
  --max-connections N      client connections across protocols (default 10000)
  --block-cache-size SIZE  RocksDB block cache for tables read from disk, as
                           PostgreSQL's shared_buffers (default 128mb)
  --proto-max-bulk-len SIZE        largest Redis bulk string (default 512mb)
  --flush-interval-ms N    how often everysec/none write changes (default 1000)
  --notify-keyspace-events CLASSES  Redis keyspace notifications, as in redis.conf
                           (e.g. KEA; default: none)
  --maxmemory SIZE         memory the dataset may use before keys are evicted or
                           writes refused, as Redis's maxmemory (default 0: no limit)
  --maxmemory-policy P     noeviction | allkeys-lru | allkeys-lfu | allkeys-random |
                           volatile-lru | volatile-lfu | volatile-random | volatile-ttl
                           (default noeviction)
)";
}

}  // namespace lumadb::server

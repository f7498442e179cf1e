#include "server/server.h"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "engine/kv/store.h"
#include "engine/sql/sql_engine.h"
#include "net/worker.h"
#include "protocol/admin/admin.h"
#include "protocol/memcache/memcache_server.h"
#include "protocol/postgres/pg_server.h"
#include "protocol/resp/notify_flags.h"
#include "protocol/resp/register.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/scripting/script_engine.h"
#include "storage/rocks_store.h"

namespace lumadb::server {
namespace {

int ConfigError(const std::string& msg) {
  fprintf(stderr, "lumadb: %s\n", msg.c_str());
  return 2;
}

Status CheckDataDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::InvalidArgument("data directory " + dir + " cannot be created: " + ec.message());
  std::string probe = dir + "/.lumadb-write-test";
  {
    std::ofstream f(probe);
    if (!f || !(f << "x") || !f.flush()) {
      return Status::InvalidArgument("data directory " + dir + " is not writable");
    }
  }
  std::filesystem::remove(probe, ec);
  return Status::Ok();
}

void AddProcessMetrics(engine::kv::Store* kv, storage::Store* disk) {
  metrics::Global().AddCollector([kv, disk](std::string* out) {
    long pages = 0, resident = 0;
    if (FILE* f = fopen("/proc/self/statm", "r")) {
      if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
      fclose(f);
    }
    double rss = static_cast<double>(resident) * sysconf(_SC_PAGESIZE);
    metrics::AppendSample(out, "lumadb_memory_rss_bytes", "gauge", "Resident memory of the process.", "", rss);
    auto st = disk->Stats();
    metrics::AppendSample(out, "lumadb_storage_sst_bytes", "gauge", "Size of live RocksDB table files.", "",
                          static_cast<double>(st.live_sst_bytes));
    metrics::AppendSample(out, "lumadb_storage_memtable_bytes", "gauge", "Size of RocksDB memtables.", "",
                          static_cast<double>(st.memtable_bytes));
    metrics::AppendSample(out, "lumadb_storage_estimated_keys", "gauge", "Keys on disk (RocksDB estimate).", "",
                          static_cast<double>(st.estimate_keys));
    metrics::AppendSample(out, "lumadb_storage_writes_total", "counter", "Write batches applied to storage.", "",
                          static_cast<double>(st.writes));
    metrics::AppendSample(out, "lumadb_storage_syncs_total", "counter", "fsyncs of the write-ahead log.", "",
                          static_cast<double>(st.syncs));
    metrics::AppendSample(out, "lumadb_storage_written_bytes_total", "counter",
                          "Bytes of keys and values written to storage.", "", static_cast<double>(st.bytes_written));
    auto ks = kv->GetStats();
    metrics::AppendSample(out, "lumadb_kv_expired_keys_total", "counter", "Keys removed by expiry.", "",
                          static_cast<double>(ks.expired_keys));
    metrics::AppendSample(out, "lumadb_kv_changes_since_save", "gauge", "Changes not yet written to storage.", "",
                          static_cast<double>(ks.changes_since_save));
    size_t keys = 0;
    for (int db = 0; db < engine::kv::kDbCount; db++) keys += kv->DbSize(db);
    metrics::AppendSample(out, "lumadb_kv_keys", "gauge", "Keys in the KV engine (all namespaces).", "",
                          static_cast<double>(keys));
  });
}

}  // namespace

int Serve(const ServeOptions& opts) {
  int64_t t0 = MonoNs();
  log::Level level;
  log::ParseLevel(opts.log_level, &level);
  log::SetLevel(level);

  // Signals are handled by sigwait in this thread; every thread started
  // from here on inherits the blocked mask.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // Allow as many connections as the hard limit permits (Redis does the same).
  rlimit nofile;
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }

  // Which protocols run, on which ports.
  struct Enabled {
    std::string name;
    int port;
  };
  std::vector<Enabled> enabled;
  for (const auto& p : KnownProtocols()) {
    if (opts.disabled.count(p.name)) continue;
    auto it = opts.ports.find(p.name);
    enabled.push_back({p.name, it != opts.ports.end() ? it->second : p.default_port});
  }
  for (size_t i = 0; i < enabled.size(); i++) {
    for (size_t j = 0; j < i; j++) {
      if (enabled[i].port == enabled[j].port) {
        return ConfigError("protocols " + enabled[j].name + " and " + enabled[i].name + " both use port " +
                           std::to_string(enabled[i].port));
      }
    }
  }
  for (const auto& e : enabled) {
    Status st = net::CheckPortFree(opts.bind, static_cast<uint16_t>(e.port));
    if (!st.ok()) return ConfigError(e.name + ": " + st.message());
  }

  Status dir_ok = CheckDataDir(opts.data_dir);
  if (!dir_ok.ok()) return ConfigError(dir_ok.message());
  storage::StoreOptions store_opts;
  store_opts.block_cache_bytes = opts.block_cache_size;
  auto disk_or = storage::Store::Open(opts.data_dir, store_opts);
  if (!disk_or.ok()) {
    const std::string& m = disk_or.status().message();
    if (m.find("lock") != std::string::npos) {
      return ConfigError("data directory " + opts.data_dir + " is in use by another lumadb process");
    }
    return ConfigError(m);
  }
  std::unique_ptr<storage::Store> disk = std::move(disk_or.value());

  engine::kv::StoreOptions kv_opts;
  engine::kv::ParseDurability(opts.durability, &kv_opts.durability);
  kv_opts.flush_interval_ms = opts.flush_interval_ms;
  engine::kv::Store kv(disk.get(), kv_opts);
  engine::kv::EvictionSettings eviction;
  eviction.maxmemory = opts.maxmemory;
  engine::kv::ParseEvictionPolicy(opts.maxmemory_policy, &eviction.policy);
  kv.SetEvictionSettings(eviction);
  Status load = kv.Load();
  if (!load.ok()) {
    LOG_ERROR("cannot load data from %s: %s", opts.data_dir.c_str(), load.ToString().c_str());
    return 1;
  }
  kv.Start();

  // The SQL engine shares the store; its catalog is read at start.
  engine::sql::SqlEngine sql(disk.get());
  {
    engine::sql::SqlStatus st = sql.Load();
    if (!st.ok()) {
      LOG_ERROR("cannot load the SQL catalog from %s: %s", opts.data_dir.c_str(), st.error().message.c_str());
      return 1;
    }
  }

  int workers = WorkerCount(opts.workers, std::thread::hardware_concurrency());

  protocol::resp::RespConfig resp_cfg;
  resp_cfg.requirepass = opts.requirepass;
  resp_cfg.aclfile = opts.aclfile;
  resp_cfg.acl_pubsub_default_all = opts.acl_pubsub_default_all;
  resp_cfg.acllog_max_len = opts.acllog_max_len;
  resp_cfg.limits.max_bulk_len = opts.proto_max_bulk_len;
  resp_cfg.bind = opts.bind;
  resp_cfg.data_dir = opts.data_dir;
  resp_cfg.config_file = opts.config_file;
  resp_cfg.workers = workers;
  resp_cfg.max_clients = opts.max_connections;
  resp_cfg.notify_keyspace_events = protocol::resp::ParseKeyspaceEvents(opts.notify_keyspace_events);
  protocol::memcache::MemcacheConfig mc_cfg;
  mc_cfg.max_item_size = opts.memcached_max_item_size;
  mc_cfg.threads = workers;

  std::vector<net::ProtocolSpec> specs;
  std::unique_ptr<protocol::resp::RespServer> resp;
  std::unique_ptr<protocol::memcache::MemcacheServer> memcache;
  std::unique_ptr<protocol::postgres::PgServer> postgres;
  std::vector<int> ports;
  for (const auto& e : enabled) {
    if (e.name == "redis") {
      resp_cfg.port = e.port;
      resp = std::make_unique<protocol::resp::RespServer>(kv, resp_cfg);
      if (!resp_cfg.aclfile.empty()) {
        std::string err = resp->LoadAclFile();
        if (!err.empty()) {
          LOG_ERROR("redis: aborting startup because of ACL errors: %s", err.c_str());
          return 1;
        }
      }
      specs.push_back(protocol::resp::MakeProtocol(resp.get()));
    } else if (e.name == "memcached") {
      memcache = std::make_unique<protocol::memcache::MemcacheServer>(kv, mc_cfg);
      specs.push_back(protocol::memcache::MakeProtocol(memcache.get()));
    } else if (e.name == "postgres") {
      protocol::postgres::PgConfig pg_cfg;
      pg_cfg.users = opts.postgres_users;
      pg_cfg.auth = opts.postgres_auth;
      postgres = std::make_unique<protocol::postgres::PgServer>(&sql, pg_cfg);
      specs.push_back(protocol::postgres::MakeProtocol(postgres.get()));
    } else if (e.name == "admin") {
      specs.push_back(protocol::admin::MakeProtocol([&kv] {
        return kv.GetStats().last_flush_ok ? std::string() : std::string("writes to storage are failing");
      }));
    }
    ports.push_back(e.port);
  }
  AddProcessMetrics(&kv, disk.get());

  net::NetOptions net_opts;
  net_opts.max_connections = opts.max_connections;
  std::vector<std::unique_ptr<net::Worker>> pool;
  for (int w = 0; w < workers; w++) {
    auto worker = std::make_unique<net::Worker>(w, &specs, net_opts);
    for (size_t p = 0; p < specs.size(); p++) {
      auto fd = net::ListenTcp(opts.bind, static_cast<uint16_t>(ports[p]), /*reuseport=*/true);
      if (!fd.ok()) return ConfigError(specs[p].name + ": " + fd.status().message());
      worker->AddListener(*fd, static_cast<int>(p));
    }
    net::Worker* wp = worker.get();
    worker->SetBeforeWrite([&kv, &sql, wp] {
      Status st = kv.CommitIfNeeded();
      (void)st;  // logged by the store; /health reports it
      // SQL commits are made durable by the engine's sync thread while their
      // sessions' output is held; at shutdown the held replies go out, so
      // sync here first.
      if (wp->stopping()) {
        engine::sql::SqlStatus sst = sql.SyncIfNeeded();
        if (!sst.ok()) LOG_ERROR("SQL commit sync failed: %s", sst.error().message.c_str());
      }
    });
    pool.push_back(std::move(worker));
  }
  for (auto& w : pool) w->Start();

  std::string listening;
  for (size_t p = 0; p < specs.size(); p++) {
    if (!listening.empty()) listening += ", ";
    listening += specs[p].name + " on " + opts.bind + ":" + std::to_string(ports[p]);
  }
  LOG_INFO("lumadb ready in %.1f ms: %s; data in %s (durability %s, %d worker%s)", (MonoNs() - t0) / 1e6,
           listening.c_str(), opts.data_dir.c_str(), opts.durability.c_str(), workers,
           workers == 1 ? "" : "s");

  int sig = 0;
  sigwait(&sigs, &sig);
  LOG_INFO("received %s: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
  if (resp) resp->scripts().AbortForShutdown();
  for (auto& w : pool) w->Stop();
  for (auto& w : pool) w->Join();
  sql.StopSync();  // its callbacks post to the workers
  pool.clear();
  Status st = kv.Stop();
  if (!st.ok()) {
    LOG_ERROR("final write to storage failed: %s", st.ToString().c_str());
    return 1;
  }
  LOG_INFO("shutdown complete");
  return 0;
}

}  // namespace lumadb::server

// The parameter table follows redis-server 7.0.15's own (names, aliases,
// types, bounds, defaults as its CONFIG GET prints them with no config file)
// so that CONFIG GET/SET validate and answer exactly as it does.
//
// Which parameters change LumaDB's behaviour (through their apply hook):
//   requirepass                      AUTH password of the default user
//   proto-max-bulk-len               the request parser's bulk limit
//   busy-reply-threshold (lua-time-limit)  when other clients get BUSY
//   slowlog-log-slower-than, slowlog-max-len   SLOWLOG
//   latency-monitor-threshold        LATENCY
//   latency-tracking, latency-tracking-info-percentiles  INFO latencystats
//   hash/zset-max-listpack-*, set-max-intset-entries   OBJECT ENCODING, MEMORY USAGE
//   maxclients                       INFO's maxclients (checked against the fd limit)
//   loglevel                         LumaDB's log level
//   hz                               INFO's hz (capped to 1..500 as Redis does)
//   notify-keyspace-events           keyspace notifications (protocol/resp/notify.h)
//   maxmemory, maxmemory-policy, maxmemory-samples,
//   maxmemory-eviction-tenacity, lfu-log-factor, lfu-decay-time
//                                    the KV engine's eviction (engine/kv/eviction.h)
// Every other parameter is validated and remembered (CONFIG GET answers what
// was set) but has no effect: LumaDB has no client eviction, replication, cluster,
// TLS, AOF/RDB files, idle timeouts or active defragmentation. CONFIG
// REWRITE writes the ones with a LumaDB option (see `Option(...)`) into
// LumaDB's config file.
#include "protocol/resp/config_table.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "common/logging.h"
#include "common/strutil.h"
#include "protocol/resp/notify_flags.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/scripting/script_engine.h"

namespace lumadb::protocol::resp {
namespace {

constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kIntMin = INT_MIN;
constexpr int64_t kLongMax = LONG_MAX;
constexpr int64_t kLLongMax = LLONG_MAX;

// ---- builders ----

ConfigParam Bool(const char* name, bool def) {
  ConfigParam p{name};
  p.type = ConfigType::kBool;
  p.default_value = def ? "yes" : "no";
  return p;
}

ConfigParam Str(const char* name, const char* def = "") {
  ConfigParam p{name};
  p.type = ConfigType::kString;
  p.default_value = def;
  return p;
}

ConfigParam Enum(const char* name, const char* def, std::vector<ConfigEnumValue> values) {
  ConfigParam p{name};
  p.type = ConfigType::kEnum;
  p.default_value = def;
  p.enums = std::move(values);
  return p;
}

ConfigParam Num(const char* name, int64_t min, int64_t max, const char* def, uint32_t flags = 0) {
  ConfigParam p{name};
  p.type = ConfigType::kNumber;
  p.min = min;
  p.max = max;
  p.default_value = def;
  p.flags = flags;
  return p;
}

// Bounds of unsigned C types (size_t, unsigned, unsigned long long) are
// compared unsigned, as Redis's numericBoundaryCheck does.
ConfigParam UNum(const char* name, int64_t min, int64_t max, const char* def, uint32_t flags = 0) {
  return Num(name, min, max, def, flags | kConfigUnsigned);
}

ConfigParam Special(const char* name, const char* def, ConfigSpecialFn fn, uint32_t flags = 0) {
  ConfigParam p{name};
  p.type = ConfigType::kSpecial;
  p.default_value = def;
  p.special = fn;
  p.flags = flags;
  return p;
}

// ---- special parsers ----

// strtoll over the whole string (Redis accepts its leading spaces and sign).
bool StrToLL(const std::string& s, long long* out) {
  char* end = nullptr;
  errno = 0;
  *out = strtoll(s.c_str(), &end, 10);
  return *end == '\0';
}

bool SaveParser(const std::vector<std::string>& args, const std::string&, std::string* out, std::string* err) {
  std::vector<std::string> a = args;
  if (a.size() == 1 && a[0].empty()) a.clear();
  if (a.size() % 2 != 0) {
    *err = "Invalid save parameters";
    return false;
  }
  std::string canon;
  for (size_t j = 0; j < a.size(); j++) {
    long long v;
    if (!StrToLL(a[j], &v) || (j % 2 == 0 && v < 1) || (j % 2 == 1 && v < 0)) {
      *err = "Invalid save parameters";
      return false;
    }
    if (!canon.empty()) canon += ' ';
    canon += j % 2 == 0 ? std::to_string(v) : std::to_string(static_cast<int>(v));
  }
  *out = canon;
  return true;
}

bool ClientOutputBufferLimitParser(const std::vector<std::string>& args, const std::string& current, std::string* out,
                                   std::string* err) {
  static const char* kClasses[] = {"normal", "slave", "pubsub"};
  struct Limit {
    unsigned long long hard = 0, soft = 0;
    long long secs = 0;
  } limits[3];
  std::vector<std::string_view> cur = SplitWhitespace(current);
  for (size_t i = 0; i + 3 < cur.size() && i / 4 < 3; i += 4) {
    uint64_t h = 0, s = 0;
    int64_t t = 0;
    ParseUint64(cur[i + 1], &h);
    ParseUint64(cur[i + 2], &s);
    ParseInt64(cur[i + 3], &t);
    limits[i / 4] = {h, s, t};
  }
  if (args.size() % 4 != 0) {
    *err = "Wrong number of arguments in buffer limit configuration.";
    return false;
  }
  Limit next[3] = {limits[0], limits[1], limits[2]};
  for (size_t j = 0; j < args.size(); j += 4) {
    std::string cls = ToLower(args[j]);
    int c = cls == "normal" ? 0 : (cls == "slave" || cls == "replica") ? 1 : cls == "pubsub" ? 2 : -1;
    if (c < 0) {
      *err = "Invalid client class specified in buffer limit configuration.";
      return false;
    }
    uint64_t hard, soft;
    long long secs;
    if (!ParseRedisMemory(args[j + 1], &hard) || !ParseRedisMemory(args[j + 2], &soft) ||
        !StrToLL(args[j + 3], &secs) || secs < 0) {
      *err = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
      return false;
    }
    next[c] = {hard, soft, secs};
  }
  std::string canon;
  for (int c = 0; c < 3; c++) {
    if (c) canon += ' ';
    canon += std::string(kClasses[c]) + " " + std::to_string(next[c].hard) + " " + std::to_string(next[c].soft) +
             " " + std::to_string(next[c].secs);
  }
  *out = canon;
  return true;
}

bool OomScoreAdjValuesParser(const std::vector<std::string>& args, const std::string&, std::string* out,
                             std::string* err) {
  if (args.size() != 3) {
    *err = "wrong number of arguments";
    return false;
  }
  std::string canon;
  for (const auto& a : args) {
    long long v;
    if (!StrToLL(a, &v) || v < -2000 || v > 2000) {
      *err = "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
      return false;
    }
    if (!canon.empty()) canon += ' ';
    canon += std::to_string(v);
  }
  *out = canon;
  return true;
}

bool NotifyKeyspaceEventsParser(const std::vector<std::string>& args, const std::string&, std::string* out,
                                std::string* err) {
  int flags = ParseKeyspaceEvents(args.empty() ? "" : args[0]);
  if (flags < 0) {
    *err = std::string(kKeyspaceEventsError);
    return false;
  }
  // Stored without loss: KeyspaceEventsToString hides `n` next to `A`, as
  // CONFIG GET prints it (see Displayed), but the flag is still set.
  *out = KeyspaceEventsToString(flags);
  if ((flags & kNotifyNew) && out->find('n') == std::string::npos) out->push_back('n');
  return true;
}

bool BindParser(const std::vector<std::string>& args, const std::string&, std::string* out, std::string* err) {
  std::vector<std::string> a = args;
  if (a.size() > 16) {
    *err = "Too many bind addresses specified.";
    return false;
  }
  if (a.size() == 1 && a[0].empty()) a.clear();
  std::string canon;
  for (const auto& x : a) {
    if (!canon.empty()) canon += ' ';
    canon += x;
  }
  *out = canon;
  return true;
}

bool ReplicaOfParser(const std::vector<std::string>& args, const std::string&, std::string* out, std::string* err) {
  if (args.size() != 2) {
    *err = "wrong number of arguments";
    return false;
  }
  if (EqualsIgnoreCase(args[0], "no") && EqualsIgnoreCase(args[1], "one")) {
    *out = "";
    return true;
  }
  char* end = nullptr;
  long port = strtol(args[1].c_str(), &end, 10);
  if (port < 0 || port > 65535 || *end != '\0') {
    *err = "Invalid master port";
    return false;
  }
  *out = args[0] + " " + std::to_string(port);
  return true;
}

bool PercentilesParser(const std::vector<std::string>& args, const std::string&, std::string* out, std::string* err) {
  std::vector<std::string> a = args;
  if (a.size() == 1 && a[0].empty()) a.clear();
  std::string canon;
  for (const auto& x : a) {
    double d;
    if (!ParseDouble(x, &d)) {
      *err = "Invalid latency-tracking-info-percentiles parameters";
      return false;
    }
    if (d > 100.0 || d < 0.0) {
      *err = "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
      return false;
    }
    if (!canon.empty()) canon += ' ';
    canon += TrimmedDouble(d);
  }
  *out = canon;
  return true;
}

bool DirParser(const std::vector<std::string>& args, const std::string&, std::string* out, std::string* err) {
  if (args.size() != 1) {
    *err = "wrong number of arguments";
    return false;
  }
  char* real = realpath(args[0].c_str(), nullptr);
  if (real == nullptr) {
    *err = strerror(errno);
    return false;
  }
  *out = real;
  free(real);
  return true;
}

// ---- apply hooks ----

int64_t AsInt(const std::string& v) {
  int64_t n = 0;
  ParseInt64(v, &n);
  return n;
}

std::string ApplyRequirepass(RespServer* s, ConfigStore&, std::string* v) {
  if (s == nullptr) return "";
  s->config().requirepass = *v;
  s->acl().SetRequirePass(*v);  // the default user's password
  return "";
}

std::string ApplyAclPubsubDefault(RespServer* s, ConfigStore&, std::string* v) {
  if (s != nullptr) s->acl().set_pubsub_default_all(*v == "allchannels");
  return "";
}

std::string ApplyAcllogMaxLen(RespServer* s, ConfigStore&, std::string* v) {
  if (s != nullptr) s->acl().set_log_max_len(static_cast<size_t>(AsInt(*v)));
  return "";
}

std::string ApplyProtoMaxBulkLen(RespServer* s, ConfigStore&, std::string* v) {
  if (s != nullptr) s->config().limits.max_bulk_len = static_cast<uint64_t>(AsInt(*v));
  return "";
}

std::string ApplyHllSparseMaxBytes(RespServer* s, ConfigStore&, std::string* v) {
  if (s != nullptr) s->config().hll_sparse_max_bytes = static_cast<size_t>(AsInt(*v));
  return "";
}

std::string ApplyBusyThreshold(RespServer* s, ConfigStore&, std::string* v) {
  if (s != nullptr) s->scripts().set_busy_threshold_ms(AsInt(*v));
  return "";
}

std::string ApplySlowlogThreshold(RespServer* s, ConfigStore&, std::string* v) {
  if (s != nullptr) s->slowlog().set_threshold_us(AsInt(*v));
  return "";
}

std::string ApplySlowlogMaxLen(RespServer* s, ConfigStore&, std::string* v) {
  if (s != nullptr) s->slowlog().set_max_len(static_cast<uint64_t>(AsInt(*v)));
  return "";
}

std::string ApplyLatencyMonitor(RespServer* s, ConfigStore&, std::string* v) {
  if (s != nullptr) s->latency_monitor().set_threshold_ms(AsInt(*v));
  return "";
}

std::string ApplyLatencyTracking(RespServer* s, ConfigStore&, std::string* v) {
  if (s != nullptr) s->latency_tracking.store(*v == "yes", std::memory_order_relaxed);
  return "";
}

std::string ApplyNotifyKeyspaceEvents(RespServer* s, ConfigStore&, std::string* v) {
  if (s != nullptr) s->set_notify_flags(ParseKeyspaceEvents(*v));
  return "";
}

std::string ApplyEncoding(RespServer* s, ConfigStore& store, std::string*) {
  if (s == nullptr) return "";
  EncodingLimits& e = s->encoding();
  e.hash_max_listpack_entries.store(AsInt(store.ValueLocked("hash-max-listpack-entries")));
  e.hash_max_listpack_value.store(AsInt(store.ValueLocked("hash-max-listpack-value")));
  e.zset_max_listpack_entries.store(AsInt(store.ValueLocked("zset-max-listpack-entries")));
  e.zset_max_listpack_value.store(AsInt(store.ValueLocked("zset-max-listpack-value")));
  e.set_max_intset_entries.store(AsInt(store.ValueLocked("set-max-intset-entries")));
  // Hashes track their own listpack state (engine/kv/hash_map.h).
  engine::kv::HashMap::SetListpackLimits(static_cast<size_t>(e.hash_max_listpack_entries.load()),
                                         static_cast<size_t>(e.hash_max_listpack_value.load()));
  return "";
}

// The maxmemory parameters all go to the engine at once. A new maxmemory
// evicts at once, as Redis's updateMaxmemory does.
std::string ApplyEviction(RespServer* s, ConfigStore& store, std::string*) {
  if (s == nullptr) return "";
  engine::kv::EvictionSettings e;
  ParseUint64(store.ValueLocked("maxmemory"), &e.maxmemory);
  engine::kv::ParseEvictionPolicy(store.ValueLocked("maxmemory-policy"), &e.policy);
  e.samples = static_cast<int>(AsInt(store.ValueLocked("maxmemory-samples")));
  e.tenacity = static_cast<int>(AsInt(store.ValueLocked("maxmemory-eviction-tenacity")));
  e.lfu_log_factor = static_cast<int>(AsInt(store.ValueLocked("lfu-log-factor")));
  e.lfu_decay_time = static_cast<int>(AsInt(store.ValueLocked("lfu-decay-time")));
  engine::kv::Store& kv = s->store();
  uint64_t old_max = kv.maxmemory();
  kv.SetEvictionSettings(e);
  if (e.maxmemory != 0 && e.maxmemory != old_max) {
    uint64_t used = kv.UsedMemory();
    if (e.maxmemory < used) {
      LOG_WARN(
          "WARNING: the new maxmemory value set via CONFIG SET (%llu) is smaller than the current memory usage "
          "(%llu). This will result in key eviction and/or the inability to accept new write commands depending "
          "on the maxmemory-policy.",
          static_cast<unsigned long long>(e.maxmemory), static_cast<unsigned long long>(used));
    }
    (void)kv.PerformEvictions();
  }
  return "";
}

// As Redis's adjustOpenFilesLimit: the process must be able to hold
// maxclients connections plus 32 reserved descriptors.
std::string ApplyMaxclients(RespServer* s, ConfigStore&, std::string* v) {
  rlim_t want = static_cast<rlim_t>(AsInt(*v)) + 32;
  rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && want > rl.rlim_cur) {
    rlimit raised = rl;
    raised.rlim_cur = std::min(want, rl.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
    if (rl.rlim_cur < want) {
      return "The operating system is not able to handle the specified number of clients, try with " +
             std::to_string(rl.rlim_cur > 32 ? rl.rlim_cur - 32 : 1);
    }
  }
  if (s != nullptr) s->config().max_clients = static_cast<uint64_t>(AsInt(*v));
  return "";
}

std::string ApplyLoglevel(RespServer*, ConfigStore&, std::string* v) {
  log::Level l = *v == "warning" ? log::Level::kWarn : *v == "notice" ? log::Level::kInfo : log::Level::kDebug;
  log::SetLevel(l);
  return "";
}

std::string ApplyHz(RespServer*, ConfigStore&, std::string* v) {
  *v = std::to_string(std::clamp<int64_t>(AsInt(*v), 1, 500));
  return "";
}

// LumaDB has no TLS: turning on a TLS listener or TLS links fails as it does
// on a redis-server without certificates.
std::string ApplyTls(RespServer*, ConfigStore& store, std::string*) {
  if (store.ValueLocked("tls-port") != "0" || store.ValueLocked("tls-replication") == "yes" ||
      store.ValueLocked("tls-cluster") == "yes") {
    return "Unable to update TLS configuration. Check server logs.";
  }
  return "";
}

std::string ValidateActiveDefrag(RespServer*, ConfigStore&, std::string* v) {
  if (*v == "yes") {
    return "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc "
           "like the one shipped by default with the Redis source distribution";
  }
  return "";
}

std::string ValidateProcTitle(RespServer*, ConfigStore&, std::string* v) {
  static const char* kVars[] = {"title", "listen-addr", "server-mode", "port", "tls-port", "unixsocket", "config-file"};
  const std::string& t = *v;
  bool ok = !t.empty();
  for (size_t i = 0; ok && i < t.size(); i++) {
    if (t[i] == '}') ok = false;
    if (t[i] != '{') continue;
    size_t close = t.find('}', i);
    if (close == std::string::npos) {
      ok = false;
      break;
    }
    std::string var = t.substr(i + 1, close - i - 1);
    ok = std::any_of(std::begin(kVars), std::end(kVars), [&](const char* k) { return var == k; });
    i = close;
  }
  return ok ? "" : "template format is invalid or contains unknown variables";
}

std::string ValidateHostname(RespServer*, ConfigStore&, std::string* v) {
  if (v->size() >= 256) return "Hostnames must be less than 256 characters";
  for (char c : *v) {
    if (!isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') {
      return "Hostnames may only contain alphanumeric characters, hyphens or dots";
    }
  }
  return "";
}

// ---- CONFIG REWRITE translators (Redis value -> LumaDB option value) ----

std::string MemoryOption(const std::string& v) { return FormatRedisMemory(static_cast<uint64_t>(AsInt(v))); }

std::string MaxmemoryOption(const std::string& v) {
  uint64_t n = 0;
  ParseUint64(v, &n);
  return FormatRedisMemory(n);
}

std::string MaxConnectionsOption(const std::string& v) { return std::to_string(std::min<int64_t>(AsInt(v), 1000000)); }

std::string DurabilityOption(const std::string& v) { return v == "no" ? "none" : v; }

std::string LogLevelOption(const std::string& v) {
  return v == "warning" ? "warn" : v == "notice" ? "info" : "debug";
}

std::string PortOption(const std::string& v) { return v == "0" ? "" : v; }

std::string BindOption(const std::string& v) {
  std::vector<std::string_view> addrs = SplitWhitespace(v);
  if (addrs.empty()) return "";
  std::string a(addrs[0]);
  if (!a.empty() && a[0] == '-') a.erase(0, 1);
  if (a == "*") return "0.0.0.0";
  if (a == "::*") return "::";
  return a;
}

const std::vector<ConfigEnumValue> kProtectedAction = {{"no", 0}, {"yes", 1}, {"local", 2}};
const std::vector<ConfigEnumValue> kShutdownOnSig = {{"default", 0}, {"save", 1}, {"nosave", 2}, {"now", 4},
                                                     {"force", 8}};

std::vector<ConfigParam> BuildTable() {
  constexpr uint32_t I = kConfigImmutable;
  constexpr uint32_t M = kConfigMemory;
  std::vector<ConfigParam> t = {
      // ---- yes/no ----
      Bool("rdbchecksum", true).Flags(I),
      Bool("daemonize", false).Flags(I),
      Bool("io-threads-do-reads", false).Flags(I),
      Bool("always-show-logo", false).Flags(I),
      Bool("protected-mode", true),
      Bool("rdbcompression", true),
      Bool("rdb-del-sync-files", false),
      Bool("activerehashing", true),
      Bool("stop-writes-on-bgsave-error", true),
      Bool("set-proc-title", true).Flags(I),
      Bool("dynamic-hz", true),
      Bool("lazyfree-lazy-eviction", false),
      Bool("lazyfree-lazy-expire", false),
      Bool("lazyfree-lazy-server-del", false),
      Bool("lazyfree-lazy-user-del", false),
      Bool("lazyfree-lazy-user-flush", false),
      Bool("repl-disable-tcp-nodelay", false),
      Bool("repl-diskless-sync", true),
      Bool("aof-rewrite-incremental-fsync", true),
      Bool("no-appendfsync-on-rewrite", false),
      Bool("cluster-require-full-coverage", true),
      Bool("rdb-save-incremental-fsync", true),
      Bool("aof-load-truncated", true),
      Bool("aof-use-rdb-preamble", true),
      Bool("aof-timestamp-enabled", false),
      Bool("cluster-replica-no-failover", false).Alias("cluster-slave-no-failover"),
      Bool("replica-lazy-flush", false).Alias("slave-lazy-flush"),
      Bool("replica-serve-stale-data", true).Alias("slave-serve-stale-data"),
      Bool("replica-read-only", true).Alias("slave-read-only"),
      Bool("replica-ignore-maxmemory", true).Alias("slave-ignore-maxmemory"),
      Bool("jemalloc-bg-thread", true),
      Bool("activedefrag", false).Apply(ValidateActiveDefrag),
      Bool("syslog-enabled", false).Flags(I),
      Bool("cluster-enabled", false).Flags(I),
      Bool("appendonly", false),
      Bool("cluster-allow-reads-when-down", false),
      Bool("cluster-allow-pubsubshard-when-down", true),
      Bool("crash-log-enabled", true),
      Bool("crash-memcheck-enabled", true),
      Bool("use-exit-on-panic", false).Flags(kConfigHidden),
      Bool("disable-thp", true).Flags(I),
      Bool("cluster-allow-replica-migration", true),
      Bool("replica-announced", true),
      Bool("latency-tracking", true).Apply(ApplyLatencyTracking),
      Bool("aof-disable-auto-gc", false),
      Bool("replica-ignore-disk-write-errors", false),
      Bool("tls-cluster", false).Apply(ApplyTls),
      Bool("tls-replication", false).Apply(ApplyTls),
      Bool("tls-prefer-server-ciphers", false).Apply(ApplyTls),
      Bool("tls-session-caching", true).Apply(ApplyTls),

      // ---- strings ----
      Str("aclfile").Flags(I),
      Str("unixsocket").Flags(I),
      Str("pidfile").Flags(I),
      Str("replica-announce-ip").Alias("slave-announce-ip"),
      Str("masteruser").Flags(kConfigSensitive),
      Str("cluster-announce-ip"),
      Str("cluster-config-file", "nodes.conf").Flags(I),
      Str("cluster-announce-hostname").Apply(ValidateHostname),
      Str("syslog-ident", "redis").Flags(I),
      Str("dbfilename", "dump.rdb").Flags(kConfigProtected),
      Str("appendfilename", "appendonly.aof").Flags(I),
      Str("appenddirname", "appendonlydir").Flags(I),
      Str("server_cpulist").Flags(I),
      Str("bio_cpulist").Flags(I),
      Str("aof_rewrite_cpulist").Flags(I),
      Str("bgsave_cpulist").Flags(I),
      Str("ignore-warnings"),
      Str("proc-title-template", "{title} {listen-addr} {server-mode}").Apply(ValidateProcTitle),
      Str("bind-source-addr"),
      Str("logfile").Flags(I),
      Str("masterauth").Flags(kConfigSensitive),
      Str("requirepass").Flags(kConfigSensitive).Apply(ApplyRequirepass).Option("requirepass", ""),
      Str("tls-cert-file").Apply(ApplyTls),
      Str("tls-key-file").Apply(ApplyTls),
      Str("tls-key-file-pass").Apply(ApplyTls),
      Str("tls-client-cert-file").Apply(ApplyTls),
      Str("tls-client-key-file").Apply(ApplyTls),
      Str("tls-client-key-file-pass").Apply(ApplyTls),
      Str("tls-dh-params-file").Apply(ApplyTls),
      Str("tls-ca-cert-file").Apply(ApplyTls),
      Str("tls-ca-cert-dir").Apply(ApplyTls),
      Str("tls-protocols").Apply(ApplyTls),
      Str("tls-ciphers").Apply(ApplyTls),
      Str("tls-ciphersuites").Apply(ApplyTls),

      // ---- enums ----
      Enum("supervised", "no", {{"upstart", 1}, {"systemd", 2}, {"auto", 3}, {"no", 0}}).Flags(I),
      Enum("syslog-facility", "local0",
           {{"user", 0}, {"local0", 1}, {"local1", 2}, {"local2", 3}, {"local3", 4}, {"local4", 5}, {"local5", 6},
            {"local6", 7}, {"local7", 8}})
          .Flags(I),
      Enum("repl-diskless-load", "disabled", {{"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}}),
      Enum("loglevel", "notice", {{"debug", 0}, {"verbose", 1}, {"notice", 2}, {"warning", 3}})
          .Apply(ApplyLoglevel)
          .Option("log-level", "info", LogLevelOption),
      Enum("maxmemory-policy", "noeviction",
           {{"volatile-lru", 0}, {"volatile-lfu", 1}, {"volatile-random", 2}, {"volatile-ttl", 3},
            {"allkeys-lru", 4}, {"allkeys-lfu", 5}, {"allkeys-random", 6}, {"noeviction", 7}})
          .Apply(ApplyEviction)
          .Option("maxmemory-policy", "noeviction"),
      Enum("appendfsync", "everysec", {{"everysec", 0}, {"always", 1}, {"no", 2}})
          .Option("durability", "everysec", DurabilityOption),
      Enum("oom-score-adj", "no", {{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}}),
      Enum("acl-pubsub-default", "resetchannels", {{"allchannels", 1}, {"resetchannels", 0}})
          .Apply(ApplyAclPubsubDefault),
      Enum("sanitize-dump-payload", "no", {{"no", 0}, {"yes", 1}, {"clients", 2}}),
      Enum("enable-protected-configs", "no", kProtectedAction).Flags(I),
      Enum("enable-debug-command", "no", kProtectedAction).Flags(I),
      Enum("enable-module-command", "no", kProtectedAction).Flags(I),
      Enum("cluster-preferred-endpoint-type", "ip", {{"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}}),
      Enum("propagation-error-behavior", "ignore", {{"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}}),
      Enum("shutdown-on-sigint", "default", kShutdownOnSig).Flags(kConfigMultiArg),
      Enum("shutdown-on-sigterm", "default", kShutdownOnSig).Flags(kConfigMultiArg),
      Enum("tls-auth-clients", "yes", {{"no", 0}, {"yes", 1}, {"optional", 2}}),

      // ---- numbers ----
      Num("databases", 1, kIntMax, "16").Flags(I),
      Num("port", 0, 65535, "6379").Option("port.redis", "6379", PortOption),
      Num("io-threads", 1, 128, "1").Flags(I),
      Num("auto-aof-rewrite-percentage", 0, kIntMax, "100"),
      Num("cluster-replica-validity-factor", 0, kIntMax, "10").Alias("cluster-slave-validity-factor"),
      Num("list-max-listpack-size", kIntMin, kIntMax, "-2").Alias("list-max-ziplist-size"),
      Num("tcp-keepalive", 0, kIntMax, "300"),
      Num("cluster-migration-barrier", 0, kIntMax, "1"),
      Num("active-defrag-cycle-min", 1, 99, "1"),
      Num("active-defrag-cycle-max", 1, 99, "25"),
      Num("active-defrag-threshold-lower", 0, 1000, "10"),
      Num("active-defrag-threshold-upper", 0, 1000, "100"),
      Num("lfu-log-factor", 0, kIntMax, "10").Apply(ApplyEviction),
      Num("lfu-decay-time", 0, kIntMax, "1").Apply(ApplyEviction),
      Num("replica-priority", 0, kIntMax, "100").Alias("slave-priority"),
      Num("repl-diskless-sync-delay", 0, kIntMax, "5"),
      Num("maxmemory-samples", 1, kIntMax, "5").Apply(ApplyEviction),
      Num("maxmemory-eviction-tenacity", 0, 100, "10").Apply(ApplyEviction),
      Num("timeout", 0, kIntMax, "0"),
      Num("replica-announce-port", 0, 65535, "0").Alias("slave-announce-port"),
      Num("tcp-backlog", 0, kIntMax, "511").Flags(I),
      Num("cluster-port", 0, 65535, "0").Flags(I),
      Num("cluster-announce-bus-port", 0, 65535, "0"),
      Num("cluster-announce-port", 0, 65535, "0"),
      Num("cluster-announce-tls-port", 0, 65535, "0"),
      Num("repl-timeout", 1, kIntMax, "60"),
      Num("repl-ping-replica-period", 1, kIntMax, "10").Alias("repl-ping-slave-period"),
      Num("list-compress-depth", 0, kIntMax, "0"),
      Num("rdb-key-save-delay", kIntMin, kIntMax, "0").Flags(kConfigHidden),
      Num("key-load-delay", kIntMin, kIntMax, "0").Flags(kConfigHidden),
      Num("active-expire-effort", 1, 10, "1"),
      Num("hz", 0, kIntMax, "10").Apply(ApplyHz),
      Num("min-replicas-to-write", 0, kIntMax, "0").Alias("min-slaves-to-write"),
      Num("min-replicas-max-lag", 0, kIntMax, "10").Alias("min-slaves-max-lag"),
      Num("watchdog-period", 0, kIntMax, "0").Flags(kConfigHidden),
      Num("shutdown-timeout", 0, kIntMax, "10"),
      Num("repl-diskless-sync-max-replicas", 0, kIntMax, "0"),
      UNum("socket-mark-id", 0, UINT_MAX, "0"),
      Num("tls-port", 0, 65535, "0").Apply(ApplyTls),
      Num("tls-session-cache-size", 0, kIntMax, "20480").Apply(ApplyTls),
      Num("tls-session-cache-timeout", 0, kIntMax, "300").Apply(ApplyTls),
      UNum("maxclients", 1, UINT_MAX, "10000")
          .Apply(ApplyMaxclients)
          .Option("max-connections", "10000", MaxConnectionsOption),
      UNum("unixsocketperm", 0, 0777, "0", kConfigOctal).Flags(I),
      Num("active-defrag-max-scan-fields", 1, kLongMax, "1000"),
      Num("slowlog-max-len", 0, kLongMax, "128").Apply(ApplySlowlogMaxLen),
      Num("acllog-max-len", 0, kLongMax, "128").Apply(ApplyAcllogMaxLen),
      Num("busy-reply-threshold", 0, kLongMax, "5000").Alias("lua-time-limit").Apply(ApplyBusyThreshold),
      Num("cluster-node-timeout", 0, kLLongMax, "15000"),
      Num("slowlog-log-slower-than", -1, kLLongMax, "10000").Apply(ApplySlowlogThreshold),
      Num("latency-monitor-threshold", 0, kLLongMax, "0").Apply(ApplyLatencyMonitor),
      Num("proto-max-bulk-len", 1024 * 1024, kLongMax, "536870912", M)
          .Apply(ApplyProtoMaxBulkLen)
          .Option("proto-max-bulk-len", "512mb", MemoryOption),
      Num("stream-node-max-entries", 0, kLLongMax, "100"),
      Num("repl-backlog-size", 1, kLLongMax, "1048576", M),
      UNum("maxmemory", 0, -1, "0", M).Apply(ApplyEviction).Option("maxmemory", "0", MaxmemoryOption),
      UNum("cluster-link-sendbuf-limit", 0, -1, "0", M),
      UNum("hash-max-listpack-entries", 0, kLongMax, "512").Alias("hash-max-ziplist-entries").Apply(ApplyEncoding),
      UNum("set-max-intset-entries", 0, kLongMax, "512").Apply(ApplyEncoding),
      UNum("zset-max-listpack-entries", 0, kLongMax, "128").Alias("zset-max-ziplist-entries").Apply(ApplyEncoding),
      UNum("active-defrag-ignore-bytes", 1, kLLongMax, "104857600", M),
      UNum("hash-max-listpack-value", 0, kLongMax, "64", M).Alias("hash-max-ziplist-value").Apply(ApplyEncoding),
      UNum("stream-node-max-bytes", 0, kLongMax, "4096", M),
      UNum("zset-max-listpack-value", 0, kLongMax, "64", M).Alias("zset-max-ziplist-value").Apply(ApplyEncoding),
      UNum("hll-sparse-max-bytes", 0, kLongMax, "3000", M).Apply(ApplyHllSparseMaxBytes),
      UNum("tracking-table-max-keys", 0, kLongMax, "1000000"),
      UNum("client-query-buffer-limit", 1024 * 1024, kLongMax, "1073741824", M),
      Num("maxmemory-clients", -100, kLongMax, "0", M | kConfigPercent),
      Num("repl-backlog-ttl", 0, kLongMax, "3600"),
      Num("auto-aof-rewrite-min-size", 0, kLLongMax, "67108864", M),
      Num("loading-process-events-interval-bytes", 1024, kIntMax, "2097152").Flags(kConfigHidden),

      // ---- special ----
      Special("dir", "", DirParser, kConfigProtected),
      Special("save", "3600 1 300 100 60 10000", SaveParser, kConfigMultiArg),
      Special("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
              ClientOutputBufferLimitParser, kConfigMultiArg),
      Special("oom-score-adj-values", "0 200 800", OomScoreAdjValuesParser, kConfigMultiArg),
      Special("notify-keyspace-events", "", NotifyKeyspaceEventsParser).Apply(ApplyNotifyKeyspaceEvents),
      Special("bind", "* -::*", BindParser, kConfigMultiArg).Option("bind", "127.0.0.1", BindOption),
      Special("replicaof", "", ReplicaOfParser, kConfigImmutable | kConfigMultiArg).Alias("slaveof"),
      Special("latency-tracking-info-percentiles", "50 99 99.9", PercentilesParser, kConfigMultiArg),
  };
  return t;
}

// sdssplitlen(value, " "): every single space separates (empty parts kept);
// an empty value has no parts.
std::vector<std::string> SplitOnSpaces(std::string_view v) {
  std::vector<std::string> out;
  if (v.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t sp = v.find(' ', start);
    if (sp == std::string_view::npos) {
      out.emplace_back(v.substr(start));
      return out;
    }
    out.emplace_back(v.substr(start, sp - start));
    start = sp + 1;
  }
}

bool ParseNumber(const ConfigParam& p, std::string_view value, std::string* out, std::string* err) {
  long long v = 0;
  bool parsed = false;
  if (p.flags & kConfigMemory) {
    uint64_t u;
    if (ParseRedisMemory(value, &u)) {
      v = static_cast<long long>(u);
      parsed = true;
    }
  }
  if (!parsed && (p.flags & kConfigPercent) && value.size() > 1 && value.back() == '%') {
    int64_t n;
    if (ParseInt64(value.substr(0, value.size() - 1), &n) && n >= 0) {
      v = -n;
      parsed = true;
    }
  }
  if (!parsed && (p.flags & kConfigOctal)) {
    std::string s(value);
    char* end = nullptr;
    errno = 0;
    v = strtoll(s.c_str(), &end, 8);
    parsed = errno == 0 && *end == '\0';
  }
  if (!parsed && !(p.flags & (kConfigMemory | kConfigPercent | kConfigOctal))) {
    int64_t n;
    parsed = ParseInt64(value, &n);
    v = n;
  }
  if (!parsed) {
    if ((p.flags & kConfigMemory) && (p.flags & kConfigPercent)) *err = "argument must be a memory or percent value";
    else if (p.flags & kConfigMemory) *err = "argument must be a memory value";
    else if (p.flags & kConfigOctal) *err = "argument couldn't be parsed as an octal number";
    else *err = "argument couldn't be parsed into an integer";
    return false;
  }
  char buf[160];
  if (p.flags & kConfigUnsigned) {
    unsigned long long u = static_cast<unsigned long long>(v);
    unsigned long long lo = static_cast<unsigned long long>(p.min), hi = static_cast<unsigned long long>(p.max);
    if (u > hi || u < lo) {
      if (p.flags & kConfigOctal) snprintf(buf, sizeof(buf), "argument must be between %llo and %llo inclusive", lo, hi);
      else snprintf(buf, sizeof(buf), "argument must be between %llu and %llu inclusive", lo, hi);
      *err = buf;
      return false;
    }
  } else if ((p.flags & kConfigPercent) && v < 0) {
    if (v < p.min) {
      snprintf(buf, sizeof(buf), "percentage argument must be less or equal to %lld", static_cast<long long>(-p.min));
      *err = buf;
      return false;
    }
  } else if (v > p.max || v < p.min) {
    snprintf(buf, sizeof(buf), "argument must be between %lld and %lld inclusive", static_cast<long long>(p.min),
             static_cast<long long>(p.max));
    *err = buf;
    return false;
  }
  if ((p.flags & kConfigPercent) && v < 0) snprintf(buf, sizeof(buf), "%lld%%", -v);
  else if (p.flags & kConfigMemory) snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(v));
  else if (p.flags & kConfigOctal) snprintf(buf, sizeof(buf), "%llo", static_cast<unsigned long long>(v));
  else snprintf(buf, sizeof(buf), "%lld", v);
  *out = buf;
  return true;
}

bool ParseEnum(const ConfigParam& p, std::string_view value, std::string* out, std::string* err) {
  auto lookup = [&](std::string_view name, int* v) {
    for (const auto& e : p.enums) {
      if (EqualsIgnoreCase(name, e.name)) {
        *v = e.value;
        return true;
      }
    }
    return false;
  };
  auto fail = [&] {
    std::string msg = "argument(s) must be one of the following: ";
    for (size_t i = 0; i < p.enums.size(); i++) {
      if (i) msg += ", ";
      msg += p.enums[i].name;
    }
    *err = msg;
    return false;
  };
  if (!(p.flags & kConfigMultiArg)) {
    int v;
    if (!lookup(value, &v)) return fail();
    // The first name with that value, as Redis prints it (relative -> yes).
    for (const auto& e : p.enums) {
      if (e.value == v) {
        *out = e.name;
        break;
      }
    }
    return true;
  }
  // Bit flags (shutdown-on-sig*): names OR-ed together.
  int flags = 0;
  std::vector<std::string> parts = SplitOnSpaces(value);
  if (parts.empty()) return fail();
  for (const auto& part : parts) {
    int v;
    if (!lookup(part, &v)) return fail();
    flags |= v;
  }
  if ((flags & 1) && (flags & 2)) {
    *err = "shutdown options SAVE and NOSAVE can't be used simultaneously";
    return false;
  }
  std::string canon;
  for (const auto& e : p.enums) {
    if (flags == 0 ? e.value == 0 : (e.value != 0 && (flags & e.value) == e.value)) {
      if (!canon.empty()) canon += ' ';
      canon += e.name;
      if (flags == 0) break;
    }
  }
  *out = canon;
  return true;
}

}  // namespace

const std::vector<ConfigParam>& ConfigParams() {
  static const std::vector<ConfigParam>* table = new std::vector<ConfigParam>(BuildTable());
  return *table;
}

const ConfigParam* FindConfigParam(std::string_view name, bool* via_alias) {
  for (const ConfigParam& p : ConfigParams()) {
    if (EqualsIgnoreCase(name, p.name)) {
      if (via_alias) *via_alias = false;
      return &p;
    }
    if (p.alias != nullptr && EqualsIgnoreCase(name, p.alias)) {
      if (via_alias) *via_alias = true;
      return &p;
    }
  }
  return nullptr;
}

size_t ConfigIndex(const ConfigParam* p) { return static_cast<size_t>(p - ConfigParams().data()); }

bool ParseRedisMemory(std::string_view s, uint64_t* out) {
  if (!s.empty() && s[0] == '-') return false;
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') digits++;
  std::string unit = ToLower(s.substr(digits));
  uint64_t mul;
  if (unit.empty() || unit == "b") mul = 1;
  else if (unit == "k") mul = 1000;
  else if (unit == "kb") mul = 1024;
  else if (unit == "m") mul = 1000 * 1000;
  else if (unit == "mb") mul = 1024 * 1024;
  else if (unit == "g") mul = 1000ull * 1000 * 1000;
  else if (unit == "gb") mul = 1024ull * 1024 * 1024;
  else return false;
  // strtoull: saturates on overflow (Redis does not check ERANGE).
  uint64_t v = 0;
  for (size_t i = 0; i < digits; i++) {
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) {
      v = UINT64_MAX;
      break;
    }
    v = v * 10 + d;
  }
  *out = v * mul;
  return true;
}

std::string FormatRedisMemory(uint64_t bytes) {
  constexpr uint64_t kGb = 1ull << 30, kMb = 1ull << 20, kKb = 1ull << 10;
  if (bytes && bytes % kGb == 0) return std::to_string(bytes / kGb) + "gb";
  if (bytes && bytes % kMb == 0) return std::to_string(bytes / kMb) + "mb";
  if (bytes && bytes % kKb == 0) return std::to_string(bytes / kKb) + "kb";
  return std::to_string(bytes);
}

bool ParseConfigValue(const ConfigParam& p, std::string_view value, const std::string& current,
                      std::string* canonical, std::string* err) {
  switch (p.type) {
    case ConfigType::kBool:
      if (EqualsIgnoreCase(value, "yes")) *canonical = "yes";
      else if (EqualsIgnoreCase(value, "no")) *canonical = "no";
      else {
        *err = "argument must be 'yes' or 'no'";
        return false;
      }
      return true;
    case ConfigType::kString:
      *canonical = std::string(value);
      return true;
    case ConfigType::kEnum:
      return ParseEnum(p, value, canonical, err);
    case ConfigType::kNumber:
      return ParseNumber(p, value, canonical, err);
    case ConfigType::kSpecial: {
      std::vector<std::string> args;
      if (p.flags & kConfigMultiArg) args = SplitOnSpaces(value);
      else args.emplace_back(value);
      return p.special(args, current, canonical, err);
    }
  }
  return false;
}

// ---- ConfigStore ----

ConfigStore::ConfigStore() {
  for (const ConfigParam& p : ConfigParams()) values_.emplace_back(p.default_value);
}

void ConfigStore::Init(std::string_view name, std::string value) {
  const ConfigParam* p = FindConfigParam(name);
  if (p == nullptr) return;
  std::lock_guard<std::mutex> g(mu_);
  values_[ConfigIndex(p)] = std::move(value);
}

namespace {
// The value as CONFIG GET shows it.
std::string Displayed(const ConfigParam& p, const std::string& stored) {
  if (std::string_view(p.name) == "notify-keyspace-events") return KeyspaceEventsToString(ParseKeyspaceEvents(stored));
  return stored;
}
}  // namespace

std::string ConfigStore::Get(std::string_view name) const {
  const ConfigParam* p = FindConfigParam(name);
  if (p == nullptr) return "";
  std::lock_guard<std::mutex> g(mu_);
  return values_[ConfigIndex(p)];
}

const std::string& ConfigStore::ValueLocked(std::string_view name) const {
  static const std::string kEmpty;
  const ConfigParam* p = FindConfigParam(name);
  return p == nullptr ? kEmpty : values_[ConfigIndex(p)];
}

std::vector<std::pair<std::string, std::string>> ConfigStore::Match(
    const std::vector<std::string_view>& patterns) const {
  std::vector<std::pair<std::string, std::string>> out;
  auto seen = [&](std::string_view name) {
    return std::any_of(out.begin(), out.end(), [&](const auto& kv) { return kv.first == name; });
  };
  std::lock_guard<std::mutex> g(mu_);
  for (std::string_view pat : patterns) {
    if (pat.find_first_of("[*?") == std::string_view::npos) {
      const ConfigParam* p = FindConfigParam(pat);
      if (p != nullptr && !seen(pat)) out.emplace_back(std::string(pat), Displayed(*p, values_[ConfigIndex(p)]));
      continue;
    }
    for (const ConfigParam& p : ConfigParams()) {
      if (p.flags & kConfigHidden) continue;
      for (const char* name : {p.name, p.alias}) {
        if (name == nullptr || seen(name) || !GlobMatch(pat, name, true)) continue;
        out.emplace_back(name, Displayed(p, values_[ConfigIndex(&p)]));
      }
    }
  }
  return out;
}

std::string ConfigStore::Set(RespServer* server,
                             const std::vector<std::pair<std::string_view, std::string_view>>& pairs) {
  struct Change {
    const ConfigParam* param;
    std::string name;  // the name given (the alias, when set through it)
    std::string old_value, new_value;
  };
  std::vector<Change> changes;
  std::string unknown, errstr, err_name;
  for (const auto& [name, value] : pairs) {
    bool via_alias = false;
    const ConfigParam* p = FindConfigParam(name, &via_alias);
    if (p == nullptr) {
      if (unknown.empty() && errstr.empty()) unknown = std::string(name);
      continue;
    }
    if (!unknown.empty() || !errstr.empty()) continue;
    std::string canonical_name = ToLower(via_alias ? p->alias : p->name);
    if (p->flags & (kConfigImmutable | kConfigProtected)) {
      errstr = (p->flags & kConfigImmutable) ? "can't set immutable config" : "can't set protected config";
      err_name = std::string(name);
      continue;
    }
    for (const Change& c : changes) {
      if (c.param == p && c.name == canonical_name) {
        errstr = "duplicate parameter";
        err_name = std::string(name);
      }
    }
    changes.push_back({p, canonical_name, "", std::string(value)});
  }
  if (!unknown.empty()) return "ERR Unknown option or number of arguments for CONFIG SET - '" + unknown + "'";
  if (!errstr.empty()) return "ERR CONFIG SET failed (possibly related to argument '" + err_name + "') - " + errstr;

  std::lock_guard<std::mutex> g(mu_);
  auto restore = [&](size_t upto) {
    for (size_t i = upto; i-- > 0;) values_[ConfigIndex(changes[i].param)] = changes[i].old_value;
  };
  auto fail = [&](const std::string& name, const std::string& err) {
    return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + err;
  };
  // Set every value first (nothing applied yet), then run each distinct
  // apply hook once; any failure restores all old values (and re-applies).
  std::vector<size_t> apply_order;
  for (size_t i = 0; i < changes.size(); i++) {
    Change& c = changes[i];
    std::string& slot = values_[ConfigIndex(c.param)];
    c.old_value = slot;
    std::string canonical, err;
    if (!ParseConfigValue(*c.param, c.new_value, slot, &canonical, &err)) {
      restore(i);
      return fail(c.name, err);
    }
    if (canonical == slot) continue;
    slot = canonical;
    if (c.param->apply == nullptr) continue;
    bool dup = std::any_of(apply_order.begin(), apply_order.end(),
                           [&](size_t j) { return changes[j].param->apply == c.param->apply; });
    if (!dup) apply_order.push_back(i);
  }
  for (size_t k = 0; k < apply_order.size(); k++) {
    Change& c = changes[apply_order[k]];
    std::string& slot = values_[ConfigIndex(c.param)];
    std::string err = c.param->apply(server, *this, &slot);
    if (!err.empty()) {
      LOG_WARN("redis: CONFIG SET %s failed to apply (%s): restoring previous settings", c.name.c_str(), err.c_str());
      restore(changes.size());
      for (size_t j = 0; j < k; j++) {
        Change& done = changes[apply_order[j]];
        done.param->apply(server, *this, &values_[ConfigIndex(done.param)]);
      }
      return fail(c.name, err);
    }
  }
  return "";
}

std::vector<ConfigStore::RewriteItem> ConfigStore::RewriteItems() const {
  std::vector<RewriteItem> out;
  std::lock_guard<std::mutex> g(mu_);
  for (const ConfigParam& p : ConfigParams()) {
    if (p.lumadb_option == nullptr) continue;
    const std::string& v = values_[ConfigIndex(&p)];
    std::string opt = p.to_option ? p.to_option(v) : v;
    if (opt.empty() && p.to_option != nullptr) continue;
    out.push_back({p.lumadb_option, opt, opt != p.lumadb_default});
  }
  return out;
}

}  // namespace lumadb::protocol::resp

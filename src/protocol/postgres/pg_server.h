#pragma once

#include <map>
#include <string>

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "engine/sql/sql_engine.h"
#include "net/worker.h"

namespace lumadb::protocol::postgres {

inline constexpr uint16_t kDefaultPort = 5432;

struct PgConfig {
  // Largest frontend message accepted (PostgreSQL: PQ_LARGE_MESSAGE_LIMIT, 1 GB - 1).
  size_t max_message = (1u << 30) - 1;
  // Users and their passwords. Empty: trust, and only the user postgres
  // exists (a fresh `initdb -A trust`).
  std::map<std::string, std::string> users;
  // How passwords are checked when there are users: "scram-sha-256", "md5" or "password".
  std::string auth = "scram-sha-256";
};

// State shared by every PostgreSQL session: the SQL engine and the table of
// live backends that CancelRequest looks keys up in. Thread-safe.
class PgServer {
 public:
  PgServer(engine::sql::SqlEngine* engine, PgConfig config) : engine_(engine), config_(config) {}
  engine::sql::SqlEngine& engine() { return *engine_; }
  const PgConfig& config() const { return config_; }

  struct Backend {
    net::Worker* worker;
    uint64_t conn_id;
    int32_t secret;
  };
  // Registers a session for CancelRequest; returns its process id.
  int32_t Register(net::Worker* worker, uint64_t conn_id, int32_t secret);
  void Unregister(int32_t pid);
  // Posts a cancel to the backend (pid, secret) if it exists.
  void Cancel(int32_t pid, int32_t secret);

 private:
  engine::sql::SqlEngine* engine_;
  PgConfig config_;
  std::mutex mu_;
  int32_t next_pid_ = 1000;
  std::unordered_map<int32_t, Backend> backends_;
};

// The PostgreSQL protocol's registration: name "postgres", port 5432.
net::ProtocolSpec MakeProtocol(PgServer* server);

}  // namespace lumadb::protocol::postgres

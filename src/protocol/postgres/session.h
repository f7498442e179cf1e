#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/sql/sql_engine.h"
#include "net/worker.h"
#include "protocol/postgres/codec.h"
#include "protocol/postgres/pg_server.h"

namespace lumadb::protocol::postgres {

// One PostgreSQL connection: the startup handshake, then simple-query
// messages run through an engine::sql::SqlSession. A statement that waits for
// a row lock parks the connection (no further input is read) until the lock's
// holder ends, or a CancelRequest arrives.
class PgSession final : public net::Session {
 public:
  PgSession(PgServer& server, net::Connection& conn);
  ~PgSession() override;

  void OnData(net::Connection& conn) override;
  void OnClose(net::Connection& conn) override;

  // The lock this session waits for was released (or it is time to look again).
  void OnWake(net::Connection& conn);
  // A CancelRequest named this backend.
  void OnCancel(net::Connection& conn);

 private:
  enum class State { kStartup, kReady, kWaiting, kSkipToSync, kClosed };
  // Handles one message; false when more input is needed or the session stops.
  bool ProcessStartup(net::Connection& conn);
  bool ProcessMessage(net::Connection& conn);
  void RunQuery(net::Connection& conn, const std::string& sql);
  void Park(net::Connection& conn);
  void WriteResults(net::Connection& conn, std::vector<engine::sql::StatementResult>& results);
  void Finish(net::Connection& conn);  // ParameterStatus changes, then ReadyForQuery
  void Fatal(net::Connection& conn, const std::string& sqlstate, const std::string& message);

  PgServer& server_;
  State state_ = State::kStartup;
  std::unique_ptr<engine::sql::SqlSession> sql_;
  int32_t pid_ = 0;
  uint64_t retry_timer_ = 0;
};

}  // namespace lumadb::protocol::postgres

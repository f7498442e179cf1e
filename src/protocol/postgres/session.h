#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/sql/sql_engine.h"
#include "net/worker.h"
#include "protocol/postgres/auth.h"
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
  // Commit `seq` is durable: the replies held for it can go.
  void OnDurable(net::Connection& conn, uint64_t seq);

 private:
  enum class State { kStartup, kAuth, kReady, kWaiting, kSkipToSync, kCopyIn, kClosed };
  // Handles one message; false when more input is needed or the session stops.
  bool ProcessStartup(net::Connection& conn);
  // The password exchange (PasswordMessage, SASLInitialResponse, SASLResponse).
  bool ProcessAuth(net::Connection& conn, char type, std::string_view body);
  // After authentication: the session's settings, AuthenticationOk, ParameterStatus, ReadyForQuery.
  bool FinishStartup(net::Connection& conn);
  bool ProcessMessage(net::Connection& conn);
  void RunQuery(net::Connection& conn, const std::string& sql);
  // After Run / CopyDone / Resume: COPY FROM STDIN takes data, or the query
  // string is done (ReadyForQuery), or it waits for a lock.
  void AfterRun(net::Connection& conn, bool done);
  // A message while in COPY FROM STDIN.
  bool ProcessCopyMessage(net::Connection& conn, char type, std::string_view body);
  void Park(net::Connection& conn);
  void ProcessInput(net::Connection& conn);
  // After a durable commit: holds the connection's output (the session goes
  // on with pipelined input) until the commit's fsync is done.
  void HoldUntilDurable(net::Connection& conn);
  void WriteResults(net::Connection& conn, std::vector<engine::sql::StatementResult>& results);
  void Finish(net::Connection& conn);  // ParameterStatus changes, then ReadyForQuery
  void Fatal(net::Connection& conn, const std::string& sqlstate, const std::string& message);

  // ---- extended protocol ----
  struct Portal {
    std::shared_ptr<engine::sql::PreparedStatement> statement;
    std::vector<engine::sql::Value> params;
    std::vector<int16_t> result_formats;
    bool executed = false;
    engine::sql::StatementResult result;
    size_t sent = 0;  // rows of result already sent
  };
  void OnParse(net::Connection& conn, std::string_view body);
  void OnBind(net::Connection& conn, std::string_view body);
  void OnDescribe(net::Connection& conn, std::string_view body);
  void OnExecute(net::Connection& conn, std::string_view body);
  void OnClosePortalOrStatement(net::Connection& conn, std::string_view body);
  // Sends the portal's rows (up to max_rows; 0 = all) and its completion.
  void SendPortalRows(net::Connection& conn, Portal& p, int32_t max_rows);
  // An error in the extended protocol: ErrorResponse, then skip to Sync.
  void ExtendedError(net::Connection& conn, const engine::sql::SqlError& e);
  // The named statement / portal, or null after sending 26000 / 34000.
  std::shared_ptr<engine::sql::PreparedStatement> StatementOrError(net::Connection& conn, const std::string& name);
  Portal* PortalOrError(net::Connection& conn, const std::string& name);

  PgServer& server_;
  State state_ = State::kStartup;
  // The startup packet until authentication is done.
  StartupPacket startup_;
  std::string user_;
  std::optional<std::string> password_;  // the user's configured password (none: unknown user)
  std::string md5_salt_;
  std::unique_ptr<ScramServer> scram_;
  bool scram_started_ = false;
  std::unique_ptr<engine::sql::SqlSession> sql_;
  int32_t pid_ = 0;
  uint64_t retry_timer_ = 0;
  uint64_t hold_seq_ = 0;       // the durable commit the held output waits for (0 = not held)
  uint64_t confirmed_seq_ = 0;  // commits up to this one are known durable
  std::map<std::string, std::shared_ptr<engine::sql::PreparedStatement>, std::less<>> statements_;
  std::map<std::string, Portal, std::less<>> portals_;
  // The Execute that waits for a row lock (extended protocol), if any.
  bool parked_execute_ = false;
  std::string parked_portal_;
  int32_t parked_max_rows_ = 0;
};

}  // namespace lumadb::protocol::postgres

#pragma once

// In-process harness for RESP handler tests: a memory-only KV store, a
// RespServer and one session on a socket-less connection. Not for production.

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kv/store.h"
#include "net/worker.h"
#include "protocol/resp/codec.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {

class RespTester {
 public:
  explicit RespTester(RespConfig config = RespConfig{})
      : store_(nullptr, engine::kv::StoreOptions{}),
        server_(store_, std::move(config)),
        worker_(0, &protocols_, net::NetOptions{}),
        conn_(std::make_unique<net::Connection>(&worker_, -1, NextId(), "127.0.0.1:1", "127.0.0.1:6379", 0)) {
    session_ = std::make_unique<RespSession>(server_, *conn_);
  }
  ~RespTester() {
    session_->OnClose(*conn_);
    session_.reset();
  }

  // Sends one command and returns the raw reply bytes it produced.
  std::string Cmd(std::initializer_list<std::string_view> args) { return Cmd(std::vector<std::string_view>(args)); }
  std::string Cmd(const std::vector<std::string_view>& args) {
    std::string req = "*" + std::to_string(args.size()) + "\r\n";
    for (auto a : args) req += "$" + std::to_string(a.size()) + "\r\n" + std::string(a) + "\r\n";
    return Raw(req);
  }
  // Feeds raw bytes and returns everything the session wrote.
  std::string Raw(std::string_view bytes) {
    conn_->in().Append(bytes);
    session_->OnData(*conn_);
    std::string out = std::move(conn_->out());
    conn_->out().clear();
    return out;
  }

  // Reply builders for expectations.
  static std::string Bulk(std::string_view s) { return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n"; }
  static std::string Int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }
  static std::string Ok() { return "+OK\r\n"; }
  static std::string Nil() { return "$-1\r\n"; }
  static std::string Err(std::string_view s) { return "-" + std::string(s) + "\r\n"; }
  static std::string Arr(std::initializer_list<std::string> items) {
    std::string s = "*" + std::to_string(items.size()) + "\r\n";
    for (const auto& i : items) s += i;
    return s;
  }
  static std::string BulkArr(std::initializer_list<std::string_view> items) {
    std::string s = "*" + std::to_string(items.size()) + "\r\n";
    for (auto i : items) s += Bulk(i);
    return s;
  }

  engine::kv::Store& store() { return store_; }
  RespServer& server() { return server_; }
  RespSession& session() { return *session_; }
  net::Connection& conn() { return *conn_; }

 private:
  static uint64_t NextId() { return net::Worker::NextConnectionId(); }
  engine::kv::Store store_;
  RespServer server_;
  std::vector<net::ProtocolSpec> protocols_;
  net::Worker worker_;
  std::unique_ptr<net::Connection> conn_;
  std::unique_ptr<RespSession> session_;
};

}  // namespace lumadb::protocol::resp

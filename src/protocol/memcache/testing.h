#pragma once

// In-process harness for memcached session tests: a memory-only KV store, a
// MemcacheServer and one session on a socket-less connection (a worker that
// is never started). Not for production.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kv/store.h"
#include "net/worker.h"
#include "protocol/memcache/memcache_server.h"
#include "protocol/memcache/session.h"

namespace lumadb::protocol::memcache {

class MemcacheTester {
 public:
  explicit MemcacheTester(MemcacheConfig config = MemcacheConfig{}, net::NetOptions net = net::NetOptions{})
      : store_(nullptr, engine::kv::StoreOptions{}),
        server_(store_, std::move(config)),
        worker_(0, &protocols_, net),
        conn_(std::make_unique<net::Connection>(&worker_, -1, net::Worker::NextConnectionId(), "127.0.0.1:40000",
                                                "127.0.0.1:11211", 0)) {
    session_ = std::make_unique<MemcacheSession>(server_, *conn_);
  }
  ~MemcacheTester() {
    session_->OnClose(*conn_);
    session_.reset();
  }

  // Feeds raw bytes and returns everything the session wrote.
  std::string Raw(std::string_view bytes) {
    conn_->in().Append(bytes);
    session_->OnData(*conn_);
    return TakeOutput();
  }
  // Runs the session again on what is buffered (after the output drained).
  std::string Resume() {
    session_->OnData(*conn_);
    return TakeOutput();
  }
  std::string TakeOutput() {
    std::string out = std::move(conn_->out());
    conn_->out().clear();
    return out;
  }

  engine::kv::Store& store() { return store_; }
  MemcacheServer& server() { return server_; }
  net::Connection& conn() { return *conn_; }

 private:
  engine::kv::Store store_;
  MemcacheServer server_;
  std::vector<net::ProtocolSpec> protocols_;
  net::Worker worker_;
  std::unique_ptr<net::Connection> conn_;
  std::unique_ptr<MemcacheSession> session_;
};

}  // namespace lumadb::protocol::memcache

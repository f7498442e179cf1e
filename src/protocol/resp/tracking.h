#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kv/value.h"

namespace lumadb::net {
class Worker;
}

namespace lumadb::protocol::resp {

// Server-assisted client-side caching (CLIENT TRACKING): which clients read
// which keys (default mode), which prefixes BCAST clients follow, and the
// invalidation messages a write produces. Thread-safe; costs one relaxed
// load per write while no client tracks.
class TrackingTable {
 public:
  // Where invalidations go: the tracking client's connection.
  struct Client {
    net::Worker* worker = nullptr;
    uint64_t conn_id = 0;
  };
  // Delivers one invalidation to `to` (keys == nullptr: everything, after a
  // flush); `modifier` is the connection whose write caused it (NOLOOP).
  using Deliver = std::function<void(const Client& to, std::shared_ptr<const std::vector<std::string>> keys,
                                     uint64_t modifier)>;
  explicit TrackingTable(Deliver deliver) : deliver_(std::move(deliver)) {}

  // A client turned tracking on (bcast: with these prefixes; "" = all keys)
  // or off.
  void Enable(const Client& c, bool bcast, const std::vector<std::string>& prefixes);
  void Disable(uint64_t conn_id);
  // Default mode: `c` read these keys and wants to hear when they change.
  void Remember(const Client& c, const std::vector<std::string_view>& keys);

  // A key changed (called with its shard lock held).
  void KeyChanged(std::string_view key);
  // Every key may have changed (FLUSHDB, FLUSHALL, SWAPDB).
  void AllChanged();

  // BCAST invalidations of one command go out together, one message per
  // client and prefix, like redis-server's per-event-loop batch. Between
  // Begin and End (same thread) they are collected.
  static void BeginBatch();
  void EndBatch();

  size_t tracked_keys() const;
  bool active() const { return clients_.load(std::memory_order_relaxed) != 0; }

 private:
  struct Bcast {
    Client client;
    std::vector<std::string> prefixes;
  };

  Deliver deliver_;
  mutable std::mutex mu_;
  std::atomic<size_t> clients_{0};
  std::map<uint64_t, Client> all_;             // every tracking client, by connection id
  std::map<uint64_t, Bcast> bcast_;            // BCAST clients
  engine::kv::StrMap<std::vector<Client>> keys_;  // default mode: key -> readers (one-shot)
};

// The connection running the current command on this thread (0 outside
// commands), so an invalidation can name the client that caused it.
uint64_t CurrentClient();
void SetCurrentClient(uint64_t conn_id);

}  // namespace lumadb::protocol::resp

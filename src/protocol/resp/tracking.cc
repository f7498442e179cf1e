#include "protocol/resp/tracking.h"

#include <algorithm>

namespace lumadb::protocol::resp {
namespace {

thread_local uint64_t t_current_client = 0;

// The BCAST batch of the command running on this thread:
// (conn id, prefix) -> keys, plus where to send them.
struct Batch {
  bool open = false;
  uint64_t modifier = 0;
  std::map<std::pair<uint64_t, std::string>, std::pair<TrackingTable::Client, std::vector<std::string>>> messages;
};
thread_local Batch t_batch;

}  // namespace

uint64_t CurrentClient() { return t_current_client; }
void SetCurrentClient(uint64_t conn_id) { t_current_client = conn_id; }

void TrackingTable::Enable(const Client& c, bool bcast, const std::vector<std::string>& prefixes) {
  std::lock_guard<std::mutex> g(mu_);
  if (all_.emplace(c.conn_id, c).second) clients_.fetch_add(1, std::memory_order_relaxed);
  if (bcast) {
    Bcast& b = bcast_[c.conn_id];
    b.client = c;
    b.prefixes = prefixes.empty() ? std::vector<std::string>{""} : prefixes;
    std::sort(b.prefixes.begin(), b.prefixes.end());
  }
}

void TrackingTable::Disable(uint64_t conn_id) {
  std::lock_guard<std::mutex> g(mu_);
  if (all_.erase(conn_id)) clients_.fetch_sub(1, std::memory_order_relaxed);
  bcast_.erase(conn_id);
  // Default-mode entries naming this client are dropped when their key changes.
}

void TrackingTable::Remember(const Client& c, const std::vector<std::string_view>& keys) {
  std::lock_guard<std::mutex> g(mu_);
  for (std::string_view k : keys) {
    auto& readers = keys_[k];
    bool known = false;
    for (const Client& r : readers) known = known || r.conn_id == c.conn_id;
    if (!known) readers.push_back(c);
  }
}

void TrackingTable::KeyChanged(std::string_view key) {
  if (!active()) return;
  std::vector<Client> readers;
  std::vector<std::pair<Client, std::string>> bcast;
  {
    std::lock_guard<std::mutex> g(mu_);
    auto it = keys_.find(key);
    if (it != keys_.end()) {
      for (const Client& c : it->second) {
        if (all_.contains(c.conn_id)) readers.push_back(c);
      }
      keys_.erase(it);
    }
    for (const auto& [id, b] : bcast_) {
      for (const auto& p : b.prefixes) {
        if (key.substr(0, p.size()) == p) bcast.emplace_back(b.client, p);
      }
    }
  }
  uint64_t modifier = CurrentClient();
  for (const Client& c : readers) {
    deliver_(c, std::make_shared<const std::vector<std::string>>(1, std::string(key)), modifier);
  }
  for (auto& [c, prefix] : bcast) {
    if (t_batch.open) {
      auto& m = t_batch.messages[{c.conn_id, prefix}];
      m.first = c;
      // A key changed twice by one command (created, then filled) is sent once.
      if (std::find(m.second.begin(), m.second.end(), key) == m.second.end()) m.second.emplace_back(key);
    } else {
      deliver_(c, std::make_shared<const std::vector<std::string>>(1, std::string(key)), modifier);
    }
  }
}

void TrackingTable::AllChanged() {
  if (!active()) return;
  std::vector<Client> all;
  {
    std::lock_guard<std::mutex> g(mu_);
    for (const auto& [id, c] : all_) all.push_back(c);
    keys_.clear();
  }
  for (const Client& c : all) deliver_(c, nullptr, CurrentClient());
}

void TrackingTable::BeginBatch() {
  t_batch.open = true;
  t_batch.modifier = CurrentClient();
}

void TrackingTable::EndBatch() {
  t_batch.open = false;
  if (t_batch.messages.empty()) return;
  auto messages = std::move(t_batch.messages);
  t_batch.messages.clear();
  for (auto& [where, m] : messages) {
    deliver_(m.first, std::make_shared<const std::vector<std::string>>(std::move(m.second)), t_batch.modifier);
  }
}

size_t TrackingTable::tracked_keys() const {
  std::lock_guard<std::mutex> g(mu_);
  return keys_.size();
}

}  // namespace lumadb::protocol::resp

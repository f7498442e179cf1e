#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace lumadb::protocol::resp {

// SLOWLOG: the most recent commands that ran at least
// slowlog-log-slower-than microseconds, newest first, at most slowlog-max-len.
// The threshold check is one relaxed load; the lock is taken only to log.
class SlowLog {
 public:
  // Redis's limits on what an entry keeps of a command.
  static constexpr size_t kMaxArgs = 32;
  static constexpr size_t kMaxArgBytes = 128;

  struct Entry {
    int64_t id = 0;
    int64_t time_s = 0;       // Unix time when logged
    int64_t duration_us = 0;
    std::vector<std::string> args;  // trimmed as Redis trims them
    std::string addr, name;   // client address and name
  };

  // -1 disables logging; 0 logs every command.
  void set_threshold_us(int64_t us) { threshold_us_.store(us, std::memory_order_relaxed); }
  int64_t threshold_us() const { return threshold_us_.load(std::memory_order_relaxed); }
  void set_max_len(uint64_t n);
  bool ShouldLog(int64_t duration_us) const {
    int64_t t = threshold_us_.load(std::memory_order_relaxed);
    return t >= 0 && duration_us >= t;
  }

  // Logs a command. `args` are its arguments as received; the ones in
  // `redact` (indexes) are replaced by "(redacted)".
  void Add(const std::vector<std::string_view>& args, const std::vector<size_t>& redact, int64_t duration_us,
           std::string addr, std::string name);
  // The newest `count` entries (all when count < 0).
  std::vector<Entry> Get(int64_t count);
  size_t Len();
  void Reset();

  // What an entry keeps of args: at most 32 (the last one saying how many
  // more there were), each at most 128 bytes plus "... (N more bytes)".
  static std::vector<std::string> TrimArgs(const std::vector<std::string_view>& args,
                                           const std::vector<size_t>& redact);

 private:
  std::atomic<int64_t> threshold_us_{10000};
  std::mutex mu_;
  uint64_t max_len_ = 128;
  int64_t next_id_ = 0;
  std::deque<Entry> entries_;  // newest first
};

}  // namespace lumadb::protocol::resp

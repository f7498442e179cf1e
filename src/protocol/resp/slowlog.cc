#include "protocol/resp/slowlog.h"

#include <algorithm>

#include "common/clock.h"

namespace lumadb::protocol::resp {

std::vector<std::string> SlowLog::TrimArgs(const std::vector<std::string_view>& args,
                                           const std::vector<size_t>& redact) {
  size_t kept = std::min(args.size(), kMaxArgs);
  std::vector<std::string> out;
  out.reserve(kept);
  for (size_t i = 0; i < kept; i++) {
    if (kept != args.size() && i == kept - 1) {
      out.push_back("... (" + std::to_string(args.size() - kept + 1) + " more arguments)");
      break;
    }
    if (std::find(redact.begin(), redact.end(), i) != redact.end()) {
      out.push_back("(redacted)");
    } else if (args[i].size() > kMaxArgBytes) {
      out.push_back(std::string(args[i].substr(0, kMaxArgBytes)) + "... (" +
                    std::to_string(args[i].size() - kMaxArgBytes) + " more bytes)");
    } else {
      out.emplace_back(args[i]);
    }
  }
  return out;
}

void SlowLog::set_max_len(uint64_t n) {
  std::lock_guard<std::mutex> g(mu_);
  max_len_ = n;
  while (entries_.size() > max_len_) entries_.pop_back();
}

void SlowLog::Add(const std::vector<std::string_view>& args, const std::vector<size_t>& redact, int64_t duration_us,
                  std::string addr, std::string name) {
  Entry e;
  e.time_s = NowMs() / 1000;
  e.duration_us = duration_us;
  e.args = TrimArgs(args, redact);
  e.addr = std::move(addr);
  e.name = std::move(name);
  std::lock_guard<std::mutex> g(mu_);
  e.id = next_id_++;
  entries_.push_front(std::move(e));
  while (entries_.size() > max_len_) entries_.pop_back();
}

std::vector<SlowLog::Entry> SlowLog::Get(int64_t count) {
  std::lock_guard<std::mutex> g(mu_);
  size_t n = count < 0 ? entries_.size() : std::min(entries_.size(), static_cast<size_t>(count));
  return std::vector<Entry>(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(n));
}

size_t SlowLog::Len() {
  std::lock_guard<std::mutex> g(mu_);
  return entries_.size();
}

void SlowLog::Reset() {
  std::lock_guard<std::mutex> g(mu_);
  entries_.clear();
}

}  // namespace lumadb::protocol::resp

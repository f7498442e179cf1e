#include "protocol/memcache/session.h"

#include <algorithm>

#include "common/clock.h"
#include "common/logging.h"
#include "protocol/memcache/item.h"

namespace lumadb::protocol::memcache {

namespace {
constexpr uint8_t kBinaryRequestMagic = 0x80;
}  // namespace

MemcacheSession::MemcacheSession(MemcacheServer& server, net::Connection& conn) : server_(server), conn_(conn) {
  server_.curr_connections.fetch_add(1, std::memory_order_relaxed);
  server_.stats().total_connections.fetch_add(1, std::memory_order_relaxed);
  server_.connections_metric->Add(1);
  server_.connections_total_metric->Add(1);
}

MemcacheSession::~MemcacheSession() {
  if (!closed_) OnClose(conn_);
}

void MemcacheSession::OnClose(net::Connection&) {
  if (closed_) return;
  closed_ = true;
  server_.curr_connections.fetch_sub(1, std::memory_order_relaxed);
  server_.connections_metric->Add(-1);
}

void MemcacheSession::OnData(net::Connection& conn) {
  while (!closed_ && !conn.close_requested() && conn.CanWrite()) {
    if (ProcessOne() != Step::kNext) break;
  }
}

MemcacheSession::Step MemcacheSession::ProcessOne() {
  net::Buffer& in = conn_.in();
  MemcacheStats& st = server_.stats();
  if (swallow_ > 0) {
    // Discarding the data block of a rejected storage command as it arrives,
    // so a value over the size limit is never held in memory.
    size_t n = static_cast<size_t>(std::min<uint64_t>(in.size(), swallow_));
    if (n == 0) return Step::kNeedInput;
    in.Consume(n);
    swallow_ -= n;
    st.bytes_read.fetch_add(n, std::memory_order_relaxed);
    return swallow_ == 0 ? Step::kNext : Step::kNeedInput;
  }
  if (in.empty()) return Step::kNeedInput;
  std::string_view buf = in.Readable();
  if (!spoke_ && static_cast<uint8_t>(buf[0]) == kBinaryRequestMagic) {
    // memcached's binary protocol is not served: close at once rather than
    // leave a binary client waiting for a text reply.
    LOG_DEBUG("memcached: closing %s: binary protocol request", conn_.peer().c_str());
    conn_.Close();
    return Step::kStop;
  }
  spoke_ = true;
  const Limits& limits = server_.limits();
  if (unfinished_line_ > 0 && buf.find('\n', unfinished_line_) == std::string_view::npos &&
      (unfinished_line_ > limits.max_line_without_newline || buf.size() <= limits.max_line_without_newline)) {
    // Still no end to a line already judged allowed to grow (a long multiget):
    // scan only the new bytes, so a long line costs linear time.
    if (buf.size() > limits.max_get_line) {
      conn_.Close();
      return Step::kStop;
    }
    unfinished_line_ = buf.size();
    return Step::kNeedInput;
  }
  ParseResult r = ParseCommand(buf, limits, &cmd_);
  unfinished_line_ = r.status == ParseStatus::kIncomplete ? buf.size() : 0;
  std::string& out = conn_.out();
  size_t out_before = out.size();
  size_t used = 0;
  switch (r.status) {
    case ParseStatus::kIncomplete:
      return Step::kNeedInput;
    case ParseStatus::kClose:
      LOG_DEBUG("memcached: closing %s: request line too long", conn_.peer().c_str());
      conn_.Close();
      return Step::kStop;
    case ParseStatus::kError:
      if (cmd_.op == Op::kFlushAll) st.cmd_flush.fetch_add(1, std::memory_order_relaxed);
      noreply_ = r.quiet;
      Reply(r.error);
      used = r.consumed;
      swallow_ = r.swallow;
      break;
    case ParseStatus::kOk: {
      used = r.consumed;
      std::string_view data;
      if (cmd_.data_len >= 0) {
        uint64_t data_len = static_cast<uint64_t>(cmd_.data_len);
        uint32_t flags = cmd_.op == Op::kMetaSet ? cmd_.meta.client_flags : cmd_.flags;
        if (ItemSize(cmd_.key.size(), flags, data_len) > server_.config().max_item_size) {
          now_ms_ = NowMs();
          StoreTooLarge(data_len + 2);
          break;
        }
        if (buf.size() - used < data_len + 2) return Step::kNeedInput;
        data = buf.substr(used, data_len);
        bool terminated = buf.substr(used + data_len, 2) == "\r\n";
        used += data_len + 2;
        if (!terminated) {
          // memcached reads the announced length, then insists on "\r\n";
          // whatever followed is parsed as the next command.
          st.cmd_set.fetch_add(1, std::memory_order_relaxed);
          noreply_ = cmd_.op == Op::kMetaSet ? false : cmd_.noreply;
          Reply("CLIENT_ERROR bad data chunk");
          break;
        }
      }
      // cmd_ and data view the input buffer: consume after running.
      Execute(data);
      break;
    }
  }
  in.Consume(used);
  st.bytes_read.fetch_add(used, std::memory_order_relaxed);
  st.bytes_written.fetch_add(out.size() - out_before, std::memory_order_relaxed);
  return closed_ || conn_.close_requested() ? Step::kStop : Step::kNext;
}

void MemcacheSession::Execute(std::string_view data) {
  int64_t t0 = MonoNs();
  now_ms_ = NowMs();
  noreply_ = cmd_.noreply;
  switch (cmd_.op) {
    case Op::kGet: case Op::kGets: case Op::kGat: case Op::kGats:
      CmdGet();
      break;
    case Op::kSet: case Op::kAdd: case Op::kReplace: case Op::kAppend: case Op::kPrepend: case Op::kCas:
      // Over LumaDB's maxmemory, a store first makes room as a Redis write
      // would (under an allkeys policy items are candidates too); it is never
      // refused for memory (memcached's own -M is not modelled).
      (void)store().PerformEvictions();
      CmdStore(data);
      break;
    case Op::kIncr: case Op::kDecr:
      CmdIncrDecr();
      break;
    case Op::kDelete:
      CmdDelete();
      break;
    case Op::kTouch:
      CmdTouch();
      break;
    case Op::kFlushAll:
      CmdFlushAll();
      break;
    case Op::kVersion:
      Reply("VERSION " + server_.config().version);
      break;
    case Op::kVerbosity:
      CmdVerbosity();
      break;
    case Op::kStats:
      CmdStats();
      break;
    case Op::kQuit:
      // Closes once earlier replies are written; nothing after quit runs.
      conn_.CloseAfterWrite();
      conn_.RequestFlush();
      break;
    case Op::kShutdown:
      Reply("ERROR: shutdown not enabled");
      break;
    case Op::kCacheMemlimit:
      CmdCacheMemlimit();
      break;
    case Op::kLruCrawler:
      CmdLruCrawler();
      break;
    case Op::kSlabs:
      CmdSlabs();
      break;
    case Op::kMetaNoop:
      Reply("MN");
      break;
    case Op::kMetaGet:
      CmdMetaGet();
      break;
    case Op::kMetaSet:
      (void)store().PerformEvictions();
      CmdMetaSet(data);
      break;
    case Op::kMetaDelete:
      CmdMetaDelete();
      break;
    case Op::kMetaArithmetic:
      CmdMetaArithmetic();
      break;
    case Op::kMetaDebug:
      CmdMetaDebug();
      break;
  }
  server_.commands_metric->Add();
  server_.latency_metric->ObserveNs(MonoNs() - t0);
}

void MemcacheSession::Reply(std::string_view line) {
  if (noreply_) return;
  std::string& out = conn_.out();
  out.append(line);
  out.append("\r\n");
}

void MemcacheSession::SendMeta(bool suppressed) {
  if (suppressed) return;
  std::string& out = conn_.out();
  out.append(meta_line_);
  out.append("\r\n");
}

void MemcacheSession::MetaKey(std::string_view key, bool binary) {
  meta_line_.append(" k");
  if (!binary) {
    meta_line_.append(key);
    return;
  }
  Base64Encode(key, &meta_line_);
  meta_line_.append(" b");
}

void MemcacheSession::MetaOpaque(const MetaFlag& f) {
  meta_line_.append(" O");
  meta_line_.append(f.arg);
}

}  // namespace lumadb::protocol::memcache

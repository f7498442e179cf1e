#include "net/worker.h"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/logging.h"

namespace lumadb::net {
namespace {

thread_local Worker* t_current = nullptr;
std::atomic<uint64_t> g_next_conn_id{1};

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxReadPerEvent = 4 * 1024 * 1024;

std::string AddrToString(const sockaddr_storage& ss) {
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
    port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
    port = ntohs(a->sin6_port);
  }
  return std::string(host) + ":" + std::to_string(port);
}

bool ResolveAddr(const std::string& addr, uint16_t port, sockaddr_storage* ss, socklen_t* len) {
  memset(ss, 0, sizeof(*ss));
  auto* a4 = reinterpret_cast<sockaddr_in*>(ss);
  if (inet_pton(AF_INET, addr.c_str(), &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons(port);
    *len = sizeof(sockaddr_in);
    return true;
  }
  auto* a6 = reinterpret_cast<sockaddr_in6*>(ss);
  if (inet_pton(AF_INET6, addr.c_str(), &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(port);
    *len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

}  // namespace

std::atomic<int64_t> Worker::total_connections{0};
std::atomic<uint64_t> Worker::rejected_connections{0};

StatusOr<int> ListenTcp(const std::string& addr, uint16_t port, bool reuseport) {
  sockaddr_storage ss;
  socklen_t len;
  std::string where = addr + ":" + std::to_string(port);
  if (!ResolveAddr(addr, port, &ss, &len)) return Status::InvalidArgument("bad bind address '" + addr + "'");
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IoError("socket() for " + where + ": " + strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (reuseport) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    int e = errno;
    close(fd);
    if (e == EADDRINUSE) return Status::Busy("port " + std::to_string(port) + " on " + addr + " is already in use");
    return Status::IoError("cannot bind " + where + ": " + strerror(e));
  }
  if (listen(fd, 1024) != 0) {
    int e = errno;
    close(fd);
    return Status::IoError("cannot listen on " + where + ": " + strerror(e));
  }
  return fd;
}

Status CheckPortFree(const std::string& addr, uint16_t port) {
  StatusOr<int> fd = ListenTcp(addr, port, /*reuseport=*/false);
  if (!fd.ok()) return fd.status();
  close(*fd);
  return Status::Ok();
}

// ---------------------------------------------------------------------------

class Worker::Listener final : public Handler {
 public:
  Listener(Worker* w, int fd, int protocol) : worker_(w), fd_(fd), protocol_(protocol) {}
  ~Listener() override { close(fd_); }
  void OnEvent(uint32_t) override { worker_->Accept(fd_, protocol_); }
  int fd() const { return fd_; }

 private:
  Worker* worker_;
  int fd_;
  int protocol_;
};

class Worker::Waker final : public Handler {
 public:
  explicit Waker(Worker* w) : worker_(w), fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~Waker() override { close(fd_); }
  void OnEvent(uint32_t) override {
    uint64_t v;
    while (read(fd_, &v, sizeof(v)) > 0) {
    }
    worker_->RunPosted();
  }
  void Wake() {
    uint64_t one = 1;
    ssize_t r = write(fd_, &one, sizeof(one));
    (void)r;
  }
  int fd() const { return fd_; }

 private:
  Worker* worker_;
  int fd_;
};

// ---------------------------------------------------------------------------

Connection::Connection(Worker* worker, int fd, uint64_t id, std::string peer, std::string local, int protocol)
    : worker_(worker),
      fd_(fd),
      id_(id),
      peer_(std::move(peer)),
      local_(std::move(local)),
      protocol_(protocol),
      created_ms_(NowMs()) {}

Connection::~Connection() {
  if (fd_ >= 0) close(fd_);
}

bool Connection::CanWrite() const { return out_.size() - out_sent_ < worker_->options_.output_high_water; }

void Connection::Close() {
  if (closing_) return;
  closing_ = true;
  worker_->CloseConnection(this);
}

void Connection::RequestFlush() { worker_->ScheduleFlush(this); }

void Connection::ReleaseOutput() {
  output_held_ = false;
  worker_->ScheduleFlush(this);
}

void Connection::OnEvent(uint32_t events) {
  if (closing_) return;
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) {
    if (!reading_paused_) ReadAndProcess();
  }
  if ((events & EPOLLOUT) && !closing_) worker_->ScheduleFlush(this);
}

void Connection::ReadAndProcess() {
  size_t total = 0;
  while (total < kMaxReadPerEvent) {
    char* p = in_.PrepareWrite(kReadChunk);
    ssize_t n = read(fd_, p, in_.WritableSize());
    if (n > 0) {
      in_.Commit(n);
      total += n;
      if (static_cast<size_t>(n) < kReadChunk) break;
      continue;
    }
    if (n == 0) {
      peer_closed_ = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    peer_closed_ = true;  // ECONNRESET and friends
    break;
  }
  if (!in_.empty()) Process();
  if (in_.size() > worker_->options_.max_input_buffer) {
    LOG_WARN("closing client %s: unparsed input exceeds %zu bytes", peer_.c_str(),
             worker_->options_.max_input_buffer);
    Close();
    return;
  }
  if (peer_closed_ && !closing_) {
    // Answer what the peer sent (it may half-close after its last request),
    // then close.
    if (out_.empty()) {
      Close();
      return;
    }
    close_after_write_ = true;
    reading_paused_ = true;
    UpdateInterest();
  }
}

void Connection::Process() {
  if (closing_) return;
  session_->OnData(*this);
  if (!out_.empty()) worker_->ScheduleFlush(this);
  if (!CanWrite() && !reading_paused_) {
    reading_paused_ = true;
    UpdateInterest();
  }
}

void Connection::UpdateInterest() {
  uint32_t ev = EPOLLRDHUP;
  if (!reading_paused_) ev |= EPOLLIN;
  if (want_out_) ev |= EPOLLOUT;
  worker_->EpollCtl(EPOLL_CTL_MOD, fd_, ev, this);
}

void Connection::WriteOut() {
  flush_scheduled_ = false;
  if (output_held_ && !worker_->stopping_) return;  // ReleaseOutput schedules it again
  while (out_sent_ < out_.size()) {
    ssize_t n = send(fd_, out_.data() + out_sent_, out_.size() - out_sent_, MSG_NOSIGNAL);
    if (n > 0) {
      out_sent_ += n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    // The peer is gone.
    out_.clear();
    out_sent_ = 0;
    Close();
    return;
  }
  if (out_sent_ == out_.size()) {
    out_.clear();
    out_sent_ = 0;
    if (out_.capacity() > (4u << 20)) out_.shrink_to_fit();
    in_.ShrinkIfIdle(1 << 20);
  } else if (out_sent_ > (1u << 20)) {
    out_.erase(0, out_sent_);
    out_sent_ = 0;
  }
  bool pending = !out_.empty();
  if (close_after_write_ && !pending) {
    Close();
    return;
  }
  bool changed = pending != want_out_;
  want_out_ = pending;
  if (reading_paused_ && CanWrite() && out_.size() - out_sent_ < worker_->options_.output_high_water / 2) {
    reading_paused_ = false;
    changed = true;
    // Requests may already be buffered; run them now that there is room.
    if (!in_.empty()) {
      UpdateInterest();
      Process();
      return;
    }
  }
  if (changed) UpdateInterest();
}

// ---------------------------------------------------------------------------

Worker::Worker(int index, const std::vector<ProtocolSpec>* protocols, NetOptions options)
    : index_(index), protocols_(protocols), options_(options) {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  waker_ = std::make_unique<Waker>(this);
  EpollCtl(EPOLL_CTL_ADD, waker_->fd(), EPOLLIN, waker_.get());
}

Worker::~Worker() {
  Join();
  conns_.clear();
  graveyard_.clear();
  listeners_.clear();
  waker_.reset();
  if (epfd_ >= 0) close(epfd_);
}

Worker* Worker::Current() { return t_current; }

uint64_t Worker::NextConnectionId() { return g_next_conn_id.fetch_add(1, std::memory_order_relaxed); }

void Worker::EpollCtl(int op, int fd, uint32_t events, Handler* h) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = h;
  if (epoll_ctl(epfd_, op, fd, &ev) != 0 && op != EPOLL_CTL_DEL) {
    LOG_ERROR("epoll_ctl(%d, fd %d) failed: %s", op, fd, strerror(errno));
  }
}

void Worker::AddListener(int fd, int protocol) {
  listeners_.push_back(std::make_unique<Listener>(this, fd, protocol));
  EpollCtl(EPOLL_CTL_ADD, fd, EPOLLIN, listeners_.back().get());
}

void Worker::Start() {
  running_ = true;
  thread_ = std::thread([this] { Loop(); });
}

void Worker::Stop() {
  Post([this] { StopOnThread(); });
}

void Worker::Join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::Post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> g(post_mu_);
    posted_.push_back(std::move(fn));
  }
  waker_->Wake();
}

void Worker::RunPosted() {
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard<std::mutex> g(post_mu_);
    tasks.swap(posted_);
  }
  for (auto& t : tasks) t();
}

uint64_t Worker::AddTimer(int64_t deadline_ms, std::function<void()> fn) {
  uint64_t id = next_timer_id_++;
  auto it = timers_.emplace(deadline_ms, Timer{id, std::move(fn)});
  timer_index_[id] = it;
  return id;
}

void Worker::CancelTimer(uint64_t id) {
  auto it = timer_index_.find(id);
  if (it == timer_index_.end()) return;
  timers_.erase(it->second);
  timer_index_.erase(it);
}

void Worker::RunTimers() {
  int64_t now = MonoMs();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    auto it = timers_.begin();
    std::function<void()> fn = std::move(it->second.fn);
    timer_index_.erase(it->second.id);
    timers_.erase(it);
    fn();
  }
}

int Worker::NextTimeoutMs() {
  if (!graveyard_.empty() || !flush_list_.empty()) return 0;
  if (timers_.empty()) return 1000;
  int64_t d = timers_.begin()->first - MonoMs();
  if (d < 0) return 0;
  return d > 1000 ? 1000 : static_cast<int>(d);
}

void Worker::PollWhileBusy(Connection* busy) {
  epoll_event events[64];
  int n = epoll_wait(epfd_, events, 64, 0);
  for (int i = 0; i < n; i++) {
    auto* h = static_cast<Handler*>(events[i].data.ptr);
    if (h == busy || h == waker_.get()) continue;
    h->OnEvent(events[i].events);
  }
  std::vector<Connection*> round;
  round.swap(flush_list_);
  for (Connection* c : round) {
    if (c == busy) {
      flush_list_.push_back(c);  // still flush-scheduled; written by the main loop
    } else if (!c->closing_) {
      c->WriteOut();
    }
  }
}

Connection* Worker::FindConnection(uint64_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end() || it->second->closing_) return nullptr;
  return it->second.get();
}

void Worker::Accept(int listen_fd, int protocol) {
  for (int i = 0; i < 64; i++) {
    sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) LOG_WARN("accept failed: %s", strerror(errno));
      return;
    }
    if (static_cast<size_t>(total_connections.load()) >= options_.max_connections) {
      rejected_connections.fetch_add(1, std::memory_order_relaxed);
      static const char kMsg[] = "-ERR max number of clients reached\r\n";
      if ((*protocols_)[protocol].name == "redis") {
        ssize_t r = send(fd, kMsg, sizeof(kMsg) - 1, MSG_NOSIGNAL);
        (void)r;
      }
      close(fd);
      continue;
    }
    int one = 1;
    if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) {
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    sockaddr_storage local;
    socklen_t llen = sizeof(local);
    getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen);
    uint64_t id = NextConnectionId();
    auto conn = std::make_unique<Connection>(this, fd, id, AddrToString(ss), AddrToString(local), protocol);
    Connection* c = conn.get();
    conns_.emplace(id, std::move(conn));
    total_connections.fetch_add(1, std::memory_order_relaxed);
    c->session_ = (*protocols_)[protocol].make_session(*c);
    EpollCtl(EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLRDHUP, c);
    // A session may greet the client (banner protocols) from its factory.
    if (!c->out_.empty()) ScheduleFlush(c);
  }
}

void Worker::ScheduleFlush(Connection* c) {
  if (c->flush_scheduled_ || c->closing_) return;
  c->flush_scheduled_ = true;
  flush_list_.push_back(c);
}

void Worker::CloseConnection(Connection* c) {
  c->closing_ = true;
  if (c->session_) c->session_->OnClose(*c);
  EpollCtl(EPOLL_CTL_DEL, c->fd_, 0, c);
  auto it = conns_.find(c->id_);
  if (it != conns_.end()) {
    graveyard_.push_back(std::move(it->second));
    conns_.erase(it);
    total_connections.fetch_sub(1, std::memory_order_relaxed);
  }
}

void Worker::StopOnThread() {
  stopping_ = true;
  for (auto& l : listeners_) EpollCtl(EPOLL_CTL_DEL, l->fd(), 0, l.get());
  listeners_.clear();
  // Finish: every request already read has been answered; write the replies.
  if (before_write_) before_write_();
  std::vector<Connection*> all;
  for (auto& [id, c] : conns_) all.push_back(c.get());
  for (Connection* c : all) {
    if (!c->out_.empty()) c->WriteOut();
    if (!c->closing_) c->Close();
  }
}

void Worker::Loop() {
  t_current = this;
  std::vector<epoll_event> events(256);
  while (true) {
    int n = epoll_wait(epfd_, events.data(), static_cast<int>(events.size()), NextTimeoutMs());
    if (n < 0 && errno != EINTR) {
      LOG_ERROR("epoll_wait failed: %s", strerror(errno));
      break;
    }
    for (int i = 0; i < n; i++) {
      static_cast<Handler*>(events[i].data.ptr)->OnEvent(events[i].events);
    }
    RunTimers();
    // WriteOut may run more requests (resumed clients) and schedule more
    // writes; each round commits before its replies go out.
    while (!flush_list_.empty()) {
      std::vector<Connection*> round;
      round.swap(flush_list_);
      if (before_write_) before_write_();
      for (Connection* c : round) {
        if (!c->closing_) c->WriteOut();
      }
    }
    graveyard_.clear();
    if (stopping_ && conns_.empty()) break;
  }
  t_current = nullptr;
}

}  // namespace lumadb::net

#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "net/buffer.h"

namespace lumadb::net {

class Connection;
class Worker;

// The protocol side of one connection. All calls happen on the connection's
// worker thread.
class Session {
 public:
  virtual ~Session() = default;
  // New bytes are in conn.in(). Consume complete requests, append replies to
  // conn.out(). Stop early when !conn.CanWrite(); OnData is called again
  // once the output has drained.
  virtual void OnData(Connection& conn) = 0;
  // The connection is about to close (peer closed, error, kill, shutdown).
  virtual void OnClose(Connection& conn) { (void)conn; }
};

// What a protocol registers: its name (as used in --port NAME=N), default
// port, and a factory for per-connection sessions.
struct ProtocolSpec {
  std::string name;
  uint16_t default_port = 0;
  std::function<std::unique_ptr<Session>(Connection&)> make_session;
};

struct NetOptions {
  size_t output_high_water = 1 << 20;      // stop reading a client whose replies pile up past this
  size_t max_input_buffer = 1ull << 30;    // close a client whose unparsed input exceeds this
  size_t max_connections = 10000;          // per server
};

// Event-loop object: a listener, the wake-up eventfd or a connection.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual void OnEvent(uint32_t events) = 0;
};

class Connection final : public Handler {
 public:
  Connection(Worker* worker, int fd, uint64_t id, std::string peer, std::string local, int protocol);
  ~Connection() override;

  uint64_t id() const { return id_; }
  Worker& worker() { return *worker_; }
  int fd() const { return fd_; }
  int protocol() const { return protocol_; }
  Buffer& in() { return in_; }
  std::string& out() { return out_; }
  const std::string& peer() const { return peer_; }
  const std::string& local() const { return local_; }
  int64_t created_ms() const { return created_ms_; }
  Session* session() { return session_.get(); }

  // False once the output has reached the high-water mark: stop producing.
  bool CanWrite() const;
  // Closes once pending output is written (QUIT).
  void CloseAfterWrite() { close_after_write_ = true; }
  // Closes at the end of the current event-loop round, dropping pending output.
  void Close();
  bool closing() const { return closing_; }
  // True once the connection is closing or will close after its output.
  bool close_requested() const { return closing_ || close_after_write_; }
  // Schedules a write of out() at the end of this loop round; for replies
  // produced outside OnData (timers, posted tasks).
  void RequestFlush();
  // While held, out() is kept (the session goes on appending to it) and not
  // written: a commit's reply waits for its fsync this way without stopping
  // the event loop. Release schedules the write.
  void HoldOutput() { output_held_ = true; }
  void ReleaseOutput();

  void OnEvent(uint32_t events) override;

 private:
  friend class Worker;
  void ReadAndProcess();
  void Process();
  void WriteOut();
  void UpdateInterest();

  Worker* worker_;
  int fd_;
  uint64_t id_;
  std::string peer_;
  std::string local_;
  int protocol_;
  int64_t created_ms_;
  Buffer in_;
  std::string out_;
  size_t out_sent_ = 0;
  std::unique_ptr<Session> session_;
  bool close_after_write_ = false;
  bool closing_ = false;
  bool flush_scheduled_ = false;
  bool reading_paused_ = false;
  bool want_out_ = false;
  bool peer_closed_ = false;
  bool output_held_ = false;
};

// One event loop on one thread: accepts connections from its listeners, reads,
// hands bytes to sessions, and writes replies with one syscall per round.
class Worker {
 public:
  Worker(int index, const std::vector<ProtocolSpec>* protocols, NetOptions options);
  ~Worker();

  int index() const { return index_; }
  // The worker whose thread is running, or null.
  static Worker* Current();

  // Adds a listening socket (non-blocking, bound). Call before Start.
  void AddListener(int fd, int protocol);
  // Called after every round of events, before replies are written; the
  // server uses it for group commit (durability=always).
  void SetBeforeWrite(std::function<void()> fn) { before_write_ = std::move(fn); }

  void Start();
  // Stops accepting, writes what is pending, closes every connection, ends
  // the loop. Thread-safe. Join waits for the thread.
  void Stop();
  void Join();

  // Runs fn on this worker's thread. Thread-safe.
  void Post(std::function<void()> fn);
  // Runs fn on this worker's thread at MonoMs() >= deadline_ms. Returns an id for
  // CancelTimer. Worker thread only.
  uint64_t AddTimer(int64_t deadline_ms, std::function<void()> fn);
  void CancelTimer(uint64_t id);

  // Serves the other connections of this worker while `busy` runs a long
  // operation on this thread (a script past busy-reply-threshold): reads and
  // answers requests and accepts new clients, without waiting. `busy` itself,
  // posted tasks and timers wait for the main loop. Worker thread only.
  void PollWhileBusy(Connection* busy);

  Connection* FindConnection(uint64_t id);
  size_t connection_count() const { return conns_.size(); }
  // Stop has begun: held output is written regardless (see HoldOutput).
  bool stopping() const { return stopping_; }
  const std::vector<ProtocolSpec>& protocols() const { return *protocols_; }
  const NetOptions& options() const { return options_; }

  // Process-wide connection ids and counts.
  static uint64_t NextConnectionId();
  static std::atomic<int64_t> total_connections;
  // Connections refused because max_connections was reached.
  static std::atomic<uint64_t> rejected_connections;

 private:
  friend class Connection;
  class Listener;
  class Waker;

  void Loop();
  void Accept(int listen_fd, int protocol);
  void ScheduleFlush(Connection* c);
  void CloseConnection(Connection* c);
  void RunTimers();
  void RunPosted();
  void StopOnThread();
  int NextTimeoutMs();
  void EpollCtl(int op, int fd, uint32_t events, Handler* h);

  int index_;
  const std::vector<ProtocolSpec>* protocols_;
  NetOptions options_;
  int epfd_ = -1;
  std::unique_ptr<Waker> waker_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> conns_;
  std::vector<Connection*> flush_list_;
  std::vector<std::unique_ptr<Connection>> graveyard_;
  std::function<void()> before_write_;

  std::mutex post_mu_;
  std::vector<std::function<void()>> posted_;

  struct Timer {
    uint64_t id;
    std::function<void()> fn;
  };
  std::multimap<int64_t, Timer> timers_;
  std::unordered_map<uint64_t, std::multimap<int64_t, Timer>::iterator> timer_index_;
  uint64_t next_timer_id_ = 1;

  std::thread thread_;
  bool stopping_ = false;
  bool running_ = false;
};

// Creates a listening TCP socket on addr:port. reuseport lets every worker
// have its own socket on the same port. Errors name the address and port.
StatusOr<int> ListenTcp(const std::string& addr, uint16_t port, bool reuseport);
// Fails when something else listens on addr:port (even another process that
// set SO_REUSEPORT), so a port in use is reported instead of shared.
Status CheckPortFree(const std::string& addr, uint16_t port);

}  // namespace lumadb::net

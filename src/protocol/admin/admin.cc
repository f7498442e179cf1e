#include "protocol/admin/admin.h"

#include "common/metrics.h"
#include "net/http.h"

namespace lumadb::protocol::admin {
namespace {

class AdminSession final : public net::Session {
 public:
  explicit AdminSession(const std::function<std::string()>* health) : health_(health) {}

  void OnData(net::Connection& conn) override {
    while (!conn.close_requested() && !conn.in().empty()) {
      net::http::Request req;
      auto r = net::http::ParseRequest(conn.in().Readable(), net::http::Limits{}, &req);
      if (r.status == net::http::ParseStatus::kIncomplete) return;
      if (r.status == net::http::ParseStatus::kError) {
        net::http::WriteResponse(&conn.out(), r.error_code, "text/plain", std::string(net::http::StatusText(r.error_code)) + "\n", false);
        conn.in().Clear();
        conn.CloseAfterWrite();
        return;
      }
      conn.in().Consume(r.consumed);
      Handle(conn, req);
    }
  }

 private:
  void Handle(net::Connection& conn, const net::http::Request& req) {
    bool keep = req.KeepAlive();
    bool head = req.method == "HEAD";
    std::string path = req.Path();
    if (req.method != "GET" && !head) {
      net::http::WriteResponse(&conn.out(), 405, "text/plain", "method not allowed\n", keep);
    } else if (path == "/health" || path == "/healthz") {
      std::string problem = (*health_)();
      if (problem.empty()) {
        net::http::WriteResponse(&conn.out(), 200, "application/json", "{\"status\":\"ok\"}\n", keep, head);
      } else {
        net::http::WriteResponse(&conn.out(), 503, "application/json",
                                 "{\"status\":\"unavailable\",\"reason\":\"" + problem + "\"}\n", keep, head);
      }
    } else if (path == "/metrics") {
      net::http::WriteResponse(&conn.out(), 200, "text/plain; version=0.0.4; charset=utf-8",
                               metrics::Global().RenderPrometheus(), keep, head);
    } else {
      net::http::WriteResponse(&conn.out(), 404, "text/plain", "not found: try /health or /metrics\n", keep, head);
    }
    if (!keep) conn.CloseAfterWrite();
  }

  const std::function<std::string()>* health_;
};

}  // namespace

net::ProtocolSpec MakeProtocol(std::function<std::string()> health) {
  auto fn = std::make_shared<std::function<std::string()>>(std::move(health));
  net::ProtocolSpec spec;
  spec.name = "admin";
  spec.default_port = kDefaultPort;
  spec.make_session = [fn](net::Connection&) -> std::unique_ptr<net::Session> {
    return std::make_unique<AdminSession>(fn.get());
  };
  return spec;
}

}  // namespace lumadb::protocol::admin

#include "net/http.h"

#include <gtest/gtest.h>

namespace lumadb::net::http {
namespace {

TEST(Http, ParsesRequestAndKeepAlive) {
  Request req;
  std::string raw = "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
  auto r = ParseRequest(raw.substr(0, 10), Limits{}, &req);
  EXPECT_EQ(r.status, ParseStatus::kIncomplete);
  r = ParseRequest(raw, Limits{}, &req);
  ASSERT_EQ(r.status, ParseStatus::kOk);
  EXPECT_EQ(r.consumed, raw.size());
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.Path(), "/metrics");
  EXPECT_EQ(req.Header("host"), "a");
  EXPECT_FALSE(req.KeepAlive());
}

TEST(Http, BodyAndLimits) {
  Request req;
  auto r = ParseRequest("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nab", Limits{}, &req);
  EXPECT_EQ(r.status, ParseStatus::kIncomplete);
  r = ParseRequest("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", Limits{}, &req);
  ASSERT_EQ(r.status, ParseStatus::kOk);
  EXPECT_EQ(req.body, "abc");
  r = ParseRequest("garbage\r\n\r\n", Limits{}, &req);
  EXPECT_EQ(r.status, ParseStatus::kError);
  r = ParseRequest(std::string(20000, 'a'), Limits{}, &req);
  EXPECT_EQ(r.status, ParseStatus::kError);
  EXPECT_EQ(r.error_code, 431);
  r = ParseRequest("POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", Limits{}, &req);
  EXPECT_EQ(r.error_code, 413);
}

}  // namespace
}  // namespace lumadb::net::http

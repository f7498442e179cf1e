#include <gtest/gtest.h>

#include "protocol/resp/testing.h"

namespace lumadb::protocol::resp {
namespace {

using T = RespTester;

TEST(StringCommands, SetGetAndOptions) {
  RespTester t;
  EXPECT_EQ(t.Cmd({"SET", "k", "v"}), T::Ok());
  EXPECT_EQ(t.Cmd({"GET", "k"}), T::Bulk("v"));
  EXPECT_EQ(t.Cmd({"SET", "k", "w", "NX"}), T::Nil());
  EXPECT_EQ(t.Cmd({"SET", "k", "w", "XX", "GET"}), T::Bulk("v"));
  EXPECT_EQ(t.Cmd({"SET", "k", "x", "NX", "XX"}), T::Err("ERR syntax error"));
  EXPECT_EQ(t.Cmd({"SET", "k", "x", "EX", "0"}), T::Err("ERR invalid expire time in 'set' command"));
  EXPECT_EQ(t.Cmd({"SET", "k", "x", "EX", "abc"}), T::Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(t.Cmd({"SET", "k", "x", "EX", "100"}), T::Ok());
  EXPECT_EQ(t.Cmd({"TTL", "k"}), T::Int(100));
  EXPECT_EQ(t.Cmd({"SET", "k", "y", "KEEPTTL"}), T::Ok());
  EXPECT_EQ(t.Cmd({"TTL", "k"}), T::Int(100));
  EXPECT_EQ(t.Cmd({"SET", "k", "z"}), T::Ok());
  EXPECT_EQ(t.Cmd({"TTL", "k"}), T::Int(-1));
  EXPECT_EQ(t.Cmd({"GET"}), T::Err("ERR wrong number of arguments for 'get' command"));
}

TEST(StringCommands, IncrFamily) {
  RespTester t;
  EXPECT_EQ(t.Cmd({"INCR", "n"}), T::Int(1));
  EXPECT_EQ(t.Cmd({"INCRBY", "n", "41"}), T::Int(42));
  EXPECT_EQ(t.Cmd({"DECRBY", "n", "2"}), T::Int(40));
  EXPECT_EQ(t.Cmd({"SET", "n", "9223372036854775807"}), T::Ok());
  EXPECT_EQ(t.Cmd({"INCR", "n"}), T::Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(t.Cmd({"SET", "s", "abc"}), T::Ok());
  EXPECT_EQ(t.Cmd({"INCR", "s"}), T::Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(t.Cmd({"SET", "f", "10.50"}), T::Ok());
  EXPECT_EQ(t.Cmd({"INCRBYFLOAT", "f", "0.1"}), T::Bulk("10.6"));
  EXPECT_EQ(t.Cmd({"INCRBYFLOAT", "f", "-5.6"}), T::Bulk("5"));
}

TEST(StringCommands, RangesAndAppend) {
  RespTester t;
  EXPECT_EQ(t.Cmd({"APPEND", "a", "Hello"}), T::Int(5));
  EXPECT_EQ(t.Cmd({"APPEND", "a", " World"}), T::Int(11));
  EXPECT_EQ(t.Cmd({"GETRANGE", "a", "0", "4"}), T::Bulk("Hello"));
  EXPECT_EQ(t.Cmd({"GETRANGE", "a", "-5", "-1"}), T::Bulk("World"));
  EXPECT_EQ(t.Cmd({"GETRANGE", "a", "5", "1"}), T::Bulk(""));
  EXPECT_EQ(t.Cmd({"SETRANGE", "a", "6", "Redis"}), T::Int(11));
  EXPECT_EQ(t.Cmd({"GET", "a"}), T::Bulk("Hello Redis"));
  EXPECT_EQ(t.Cmd({"SETRANGE", "b", "3", "x"}), T::Int(4));
  EXPECT_EQ(t.Cmd({"GET", "b"}), T::Bulk(std::string("\0\0\0x", 4)));
  EXPECT_EQ(t.Cmd({"STRLEN", "a"}), T::Int(11));
}

TEST(StringCommands, Lcs) {
  RespTester t;
  EXPECT_EQ(t.Cmd({"MSET", "key1", "ohmytext", "key2", "mynewtext"}), T::Ok());
  EXPECT_EQ(t.Cmd({"LCS", "key1", "key2"}), T::Bulk("mytext"));
  EXPECT_EQ(t.Cmd({"LCS", "key1", "key2", "LEN"}), T::Int(6));
  EXPECT_EQ(t.Cmd({"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}),
            "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n");
}

TEST(Transactions, MultiExecWatch) {
  RespTester t;
  EXPECT_EQ(t.Cmd({"MULTI"}), T::Ok());
  EXPECT_EQ(t.Cmd({"SET", "a", "1"}), "+QUEUED\r\n");
  EXPECT_EQ(t.Cmd({"INCR", "a"}), "+QUEUED\r\n");
  EXPECT_EQ(t.Cmd({"EXEC"}), "*2\r\n+OK\r\n:2\r\n");
  EXPECT_EQ(t.Cmd({"WATCH", "a"}), T::Ok());
  {
    // Another writer touches the watched key.
    auto lock = t.store().LockKey("a");
    t.store().Put(0, "a", engine::kv::Value(std::string("9")));
  }
  EXPECT_EQ(t.Cmd({"MULTI"}), T::Ok());
  EXPECT_EQ(t.Cmd({"INCR", "a"}), "+QUEUED\r\n");
  EXPECT_EQ(t.Cmd({"EXEC"}), "*-1\r\n");
  EXPECT_EQ(t.Cmd({"MULTI"}), T::Ok());
  EXPECT_EQ(t.Cmd({"NOSUCHCMD"}), T::Err("ERR unknown command 'NOSUCHCMD', with args beginning with: "));
  EXPECT_EQ(t.Cmd({"EXEC"}), T::Err("EXECABORT Transaction discarded because of previous errors."));
}

TEST(Protocol, ErrorsAndInline) {
  RespTester t;
  EXPECT_EQ(t.Raw("PING\r\n"), "+PONG\r\n");
  EXPECT_EQ(t.Raw("SET \"a b\" 'c'\r\nGET \"a b\"\r\n"), T::Ok() + T::Bulk("c"));
  EXPECT_EQ(t.Raw("*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n"), "+PONG\r\n+PONG\r\n");
  EXPECT_EQ(t.Raw("*1\r\n*1\r\n"), T::Err("ERR Protocol error: expected '$', got '*'"));
}

}  // namespace
}  // namespace lumadb::protocol::resp

// Session tests: requests in, exact reply bytes out. The expected replies are
// memcached 1.6.18's for the same requests.

#include <gtest/gtest.h>

#include <string>

#include "common/clock.h"
#include "protocol/memcache/item.h"
#include "protocol/memcache/testing.h"

namespace lumadb::protocol::memcache {
namespace {

using engine::kv::kMemcacheDb;

TEST(MemcacheSession, SetGetGets) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("set a 5 0 3\r\nabc\r\n"), "STORED\r\n");
  EXPECT_EQ(t.Raw("get a\r\n"), "VALUE a 5 3\r\nabc\r\nEND\r\n");
  EXPECT_EQ(t.Raw("gets a zz a\r\n"), "VALUE a 5 3 1\r\nabc\r\nVALUE a 5 3 1\r\nabc\r\nEND\r\n");
  EXPECT_EQ(t.Raw("get zz\r\n"), "END\r\n");
  EXPECT_EQ(t.Raw("set e 0 0 0\r\n\r\nget e\r\n"), "STORED\r\nVALUE e 0 0\r\n\r\nEND\r\n");
  // Values are binary-safe; only the announced length counts.
  EXPECT_EQ(t.Raw(std::string("set b 0 0 6\r\n\r\n\0\xff\r\n\r\n", 21)), "STORED\r\n");
  EXPECT_EQ(t.Raw("get b\r\n"), std::string("VALUE b 0 6\r\n\r\n\0\xff\r\n\r\nEND\r\n", 26));
  EXPECT_EQ(t.Raw("set f 4294967295 0 1\r\nx\r\nget f\r\n"), "STORED\r\nVALUE f 4294967295 1\r\nx\r\nEND\r\n");
  // The item lives in the memcached namespace of the KV engine.
  auto lock = t.store().LockKey("a");
  const engine::kv::Value* v = t.store().Find(kMemcacheDb, "a");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(engine::kv::mc_item::Data(*v), "abc");
  EXPECT_EQ(engine::kv::mc_item::Flags(*v), 5u);
  EXPECT_EQ(t.store().Find(0, "a"), nullptr);
}

TEST(MemcacheSession, MalformedInputKeepsServing) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("foo\r\n"), "ERROR\r\n");
  // A bad storage line is answered, then its data is read as a command.
  EXPECT_EQ(t.Raw("set a x 0 1\r\nx\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(t.Raw("set a 0 0 3\r\nabcd\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\n");
  EXPECT_EQ(t.Raw("set a 0 0 3\r\nab\r\n\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\n");
  EXPECT_EQ(t.Raw("get a\r\n"), "END\r\n");
  EXPECT_EQ(t.Raw("set " + std::string(251, 'k') + " 0 0 1\r\nx\r\n"),
            "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(t.Raw("set a 0 0 1\r\nx\r\nget a " + std::string(251, 'k') + " a\r\n"),
            "STORED\r\nCLIENT_ERROR bad command line format\r\n");
  // The key before the long one was fetched all the same.
  EXPECT_NE(t.Raw("stats\r\n").find("STAT cmd_get 2\r\n"), std::string::npos);
  EXPECT_EQ(t.Raw("version\r\n"), "VERSION 1.6.18\r\n");
}

TEST(MemcacheSession, NoreplyHidesRepliesAndErrors) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("set a 0 0 3 noreply\r\nabc\r\nget a\r\n"), "VALUE a 0 3\r\nabc\r\nEND\r\n");
  EXPECT_EQ(t.Raw("set a 0 0 3 noreply\r\nabcde\r\nget a\r\n"), "ERROR\r\nVALUE a 0 3\r\nabc\r\nEND\r\n");
  EXPECT_EQ(t.Raw("set a x 0 1 noreply\r\nx\r\n"), "ERROR\r\n");
  EXPECT_EQ(t.Raw("add a 0 0 1 noreply\r\nx\r\nreplace zz 0 0 1 noreply\r\nx\r\nmn\r\n"), "MN\r\n");
  EXPECT_EQ(t.Raw("incr nope 1 noreply\r\ndelete nope noreply\r\ntouch nope 1 noreply\r\nmn\r\n"), "MN\r\n");
  EXPECT_EQ(t.Raw("delete a 1 noreply\r\nverbosity noreply\r\nflush_all noreply\r\nmn\r\n"), "MN\r\n");
  EXPECT_EQ(t.Raw("get a\r\n"), "END\r\n");
}

TEST(MemcacheSession, StorageModes) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("add a 3 0 1\r\nq\r\nadd a 3 0 1\r\nq\r\n"), "STORED\r\nNOT_STORED\r\n");
  EXPECT_EQ(t.Raw("replace nope 3 0 1\r\nq\r\nappend nope 0 0 1\r\nq\r\nprepend nope 0 0 1\r\nq\r\n"),
            "NOT_STORED\r\nNOT_STORED\r\nNOT_STORED\r\n");
  // append/prepend keep the old flags and TTL.
  EXPECT_EQ(t.Raw("set e 7 100 1\r\nx\r\nappend e 9 0 1\r\ny\r\nprepend e 9 0 1\r\nz\r\nget e\r\nmg e t f\r\n"),
            "STORED\r\nSTORED\r\nSTORED\r\nVALUE e 7 3\r\nzxy\r\nEND\r\nHD t100 f7\r\n");
  EXPECT_EQ(t.Raw("replace e 3 0 1\r\nq\r\nmg e t f v\r\n"), "STORED\r\nVA 1 t-1 f3\r\nq\r\n");
}

TEST(MemcacheSession, Cas) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("cas zz 0 0 1 5\r\nx\r\n"), "NOT_FOUND\r\n");
  EXPECT_EQ(t.Raw("set a 0 0 1\r\nx\r\ngets a\r\n"), "STORED\r\nVALUE a 0 1 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(t.Raw("cas a 0 0 1 0\r\ny\r\n"), "EXISTS\r\n");
  EXPECT_EQ(t.Raw("cas a 0 0 1 2\r\ny\r\n"), "EXISTS\r\n");
  EXPECT_EQ(t.Raw("cas a 0 0 1 1\r\ny\r\ngets a\r\n"), "STORED\r\nVALUE a 0 1 2\r\ny\r\nEND\r\n");
  // touch keeps the CAS, incr and append take a new one.
  EXPECT_EQ(t.Raw("set n 0 0 2\r\n10\r\nincr n 1\r\ntouch n 10\r\ngets n\r\n"),
            "STORED\r\n11\r\nTOUCHED\r\nVALUE n 0 2 4\r\n11\r\nEND\r\n");
  EXPECT_EQ(t.Raw("append n 0 0 1\r\n1\r\ngets n\r\n"), "STORED\r\nVALUE n 0 3 5\r\n111\r\nEND\r\n");
}

TEST(MemcacheSession, IncrDecr) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("incr n 1\r\n"), "NOT_FOUND\r\n");
  EXPECT_EQ(t.Raw("set n 0 0 2\r\n10\r\nincr n 5\r\ndecr n 100\r\nincr n 18446744073709551615\r\nincr n 1\r\n"),
            "STORED\r\n15\r\n0\r\n18446744073709551615\r\n0\r\n");
  // A shorter number is written in place, padded with spaces.
  EXPECT_EQ(t.Raw("get n\r\n"), "VALUE n 0 20\r\n0                   \r\nEND\r\n");
  EXPECT_EQ(t.Raw("set n 0 0 3\r\n100\r\ndecr n 1\r\nget n\r\n"), "STORED\r\n99\r\nVALUE n 0 3\r\n99 \r\nEND\r\n");
  // A longer one makes a new item, keeping flags and TTL.
  EXPECT_EQ(t.Raw("set n 5 100 1\r\n9\r\nincr n 1\r\nmg n f t v\r\n"), "STORED\r\n10\r\nVA 2 f5 t100\r\n10\r\n");
  const std::string kNonNumeric = "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n";
  EXPECT_EQ(t.Raw("set s 0 0 3\r\nabc\r\nincr s 1\r\n"), "STORED\r\n" + kNonNumeric);
  EXPECT_EQ(t.Raw("set s 0 0 3\r\n-10\r\nincr s 1\r\n"), "STORED\r\n" + kNonNumeric);
  EXPECT_EQ(t.Raw("set s 0 0 0\r\n\r\nincr s 1\r\n"), "STORED\r\n" + kNonNumeric);
  EXPECT_EQ(t.Raw("set s 0 0 3\r\n 10\r\nincr s 1\r\n"), "STORED\r\n11\r\n");
  EXPECT_EQ(t.Raw("incr s -1\r\n"), "CLIENT_ERROR invalid numeric delta argument\r\n");
  EXPECT_EQ(t.Raw("incr s 1 junk\r\n"), "12\r\n");
}

TEST(MemcacheSession, DeleteAndTouch) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("set a 0 0 1\r\nx\r\ndelete a\r\ndelete a 0\r\n"), "STORED\r\nDELETED\r\nNOT_FOUND\r\n");
  EXPECT_EQ(t.Raw("delete a 1\r\n"), "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n");
  EXPECT_EQ(t.Raw("touch zz 10\r\n"), "NOT_FOUND\r\n");
  EXPECT_EQ(t.Raw("set a 0 0 1\r\nx\r\ntouch a 100\r\nmg a t\r\n"), "STORED\r\nTOUCHED\r\nHD t100\r\n");
  EXPECT_EQ(t.Raw("touch a -1\r\nget a\r\n"), "TOUCHED\r\nEND\r\n");
  EXPECT_EQ(t.Raw("set a 0 100 1\r\nx\r\ngat 0 a\r\nmg a t\r\n"), "STORED\r\nVALUE a 0 1\r\nx\r\nEND\r\nHD t-1\r\n");
  EXPECT_EQ(t.Raw("gats 50 a zz\r\nmg a t\r\n"), "VALUE a 0 1 3\r\nx\r\nEND\r\nHD t50\r\n");
  // gat with a negative time still returns the item, once.
  EXPECT_EQ(t.Raw("gat -1 a\r\nget a\r\n"), "VALUE a 0 1\r\nx\r\nEND\r\nEND\r\n");
}

TEST(MemcacheSession, Expiry) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("set a 0 -1 1\r\nx\r\nget a\r\n"), "STORED\r\nEND\r\n");
  EXPECT_EQ(t.Raw("set a 0 2592000 1\r\nx\r\nmg a t\r\n"), "STORED\r\nHD t2592000\r\n");
  // Beyond 30 days the time is a Unix time: one in the past expires the item.
  EXPECT_EQ(t.Raw("set a 0 2592001 1\r\nx\r\nget a\r\n"), "STORED\r\nEND\r\n");
  int64_t in_an_hour = NowMs() / 1000 + 3600;
  std::string r = t.Raw("set a 0 " + std::to_string(in_an_hour) + " 1\r\nx\r\nmg a t\r\n");
  EXPECT_TRUE(r == "STORED\r\nHD t3600\r\n" || r == "STORED\r\nHD t3599\r\n") << r;
  auto lock = t.store().LockKey("a");
  EXPECT_EQ(t.store().Find(kMemcacheDb, "a")->expire_ms, in_an_hour * 1000);
}

TEST(MemcacheSession, ItemSizeLimit) {
  MemcacheTester t;
  // memcached counts 59 bytes of overhead plus the key (and 4 for nonzero flags).
  std::string fits(1048576 - 59 - 1, 'v');
  EXPECT_EQ(t.Raw("set a 0 0 " + std::to_string(fits.size()) + "\r\n" + fits + "\r\n"), "STORED\r\n");
  EXPECT_EQ(t.Raw("set a 1 0 " + std::to_string(fits.size()) + "\r\n" + fits + "\r\n"),
            "SERVER_ERROR object too large for cache\r\n");
  // The failed set removed the old value.
  EXPECT_EQ(t.Raw("get a\r\n"), "END\r\n");
  EXPECT_EQ(t.Raw("set a 0 0 1\r\nx\r\nadd a 0 0 2000000\r\n"), "STORED\r\nSERVER_ERROR object too large for cache\r\n");
  EXPECT_EQ(t.Raw("get a\r\n"), "");  // swallowed as part of the rejected value
}

TEST(MemcacheSession, TooLargeValueIsSwallowedNotBuffered) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("set big 0 0 5000000\r\n"), "SERVER_ERROR object too large for cache\r\n");
  std::string chunk(64 * 1024, 'x');
  size_t sent = 0;
  while (sent + chunk.size() <= 5000000) {
    EXPECT_EQ(t.Raw(chunk), "");
    EXPECT_EQ(t.conn().in().size(), 0u);  // nothing is held
    sent += chunk.size();
  }
  std::string rest(5000000 - sent, 'x');
  EXPECT_EQ(t.Raw(rest + "\r\nget big\r\n"), "END\r\n");
  EXPECT_EQ(t.Raw("ms big 2000000 T0\r\n" + std::string(2000000, 'x') + "\r\nmn\r\n"),
            "SERVER_ERROR object too large for cache\r\nMN\r\n");
  EXPECT_EQ(t.Raw("stats\r\n").find("STAT store_too_large 2\r\n") != std::string::npos, true);
}

TEST(MemcacheSession, ConfiguredItemLimit) {
  MemcacheConfig cfg;
  cfg.max_item_size = 1024;
  MemcacheTester t(cfg);
  std::string fits(1024 - 59 - 1, 'v');
  EXPECT_EQ(t.Raw("set a 0 0 " + std::to_string(fits.size()) + "\r\n" + fits + "\r\n"), "STORED\r\n");
  EXPECT_EQ(t.Raw("append a 0 0 1\r\nx\r\n"), "NOT_STORED\r\n");  // the joined item would not fit
  EXPECT_EQ(t.Raw("set a 0 0 1000\r\n"), "SERVER_ERROR object too large for cache\r\n");
}

TEST(MemcacheSession, PipelinedAndSplitInput) {
  MemcacheTester t;
  std::string req, want;
  for (int i = 0; i < 200; i++) {
    req += "set k" + std::to_string(i) + " 0 0 1\r\n" + std::to_string(i % 10) + "\r\n";
    want += "STORED\r\n";
  }
  for (int i = 0; i < 200; i++) {
    req += "get k" + std::to_string(i) + "\r\n";
    want += "VALUE k" + std::to_string(i) + " 0 1\r\n" + std::to_string(i % 10) + "\r\nEND\r\n";
  }
  EXPECT_EQ(t.Raw(req), want);
  // Byte by byte: each command runs once it is complete.
  std::string out;
  for (char c : std::string("set x 0 0 10\r\n0123456789\r\nget x\r\n")) out += t.Raw(std::string(1, c));
  EXPECT_EQ(out, "STORED\r\nVALUE x 0 10\r\n0123456789\r\nEND\r\n");
}

TEST(MemcacheSession, LongMultigetArrivingInPieces) {
  MemcacheTester t;
  t.Raw("set k49999 0 0 1\r\nx\r\n");
  std::string line = "get";
  for (int i = 0; i < 50000; i++) line += " k" + std::to_string(i);
  line += "\r\n";
  std::string out;
  for (size_t i = 0; i < line.size(); i += 1000) out += t.Raw(line.substr(i, 1000));
  EXPECT_EQ(out, "VALUE k49999 0 1\r\nx\r\nEND\r\n");
  // Any other line without an end is cut off past 2 KB.
  std::string junk(1500, 'x');
  EXPECT_EQ(t.Raw(junk), "");
  EXPECT_FALSE(t.conn().closing());
  EXPECT_EQ(t.Raw(junk), "");
  EXPECT_TRUE(t.conn().closing());
}

TEST(MemcacheSession, StopsWhileOutputIsFull) {
  net::NetOptions net;
  net.output_high_water = 50;
  MemcacheTester t(MemcacheConfig{}, net);
  t.Raw("set a 0 0 40\r\n" + std::string(40, 'v') + "\r\n");
  std::string first = t.Raw("get a\r\nget a\r\nget a\r\n");
  // One reply passes the high-water mark; the rest waits in the input.
  EXPECT_EQ(first, "VALUE a 0 40\r\n" + std::string(40, 'v') + "\r\nEND\r\n");
  EXPECT_EQ(t.conn().in().size(), 14u);
  EXPECT_EQ(t.Resume().size(), first.size());
  EXPECT_EQ(t.Resume().size(), first.size());
  EXPECT_EQ(t.conn().in().size(), 0u);
}

TEST(MemcacheSession, QuitAndLongLinesClose) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("version\r\nquit\r\nversion\r\n"), "VERSION 1.6.18\r\n");
  EXPECT_TRUE(t.conn().close_requested());
  MemcacheTester t2;
  EXPECT_EQ(t2.Raw(std::string(3000, 'x')), "");
  EXPECT_TRUE(t2.conn().closing());
  MemcacheTester t3;
  EXPECT_EQ(t3.Raw(std::string("\x80\x01\x00\x00", 4)), "");  // binary protocol
  EXPECT_TRUE(t3.conn().closing());
}

TEST(MemcacheSession, FlushAll) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("set a 0 0 1\r\nx\r\nflush_all\r\nget a\r\n"), "STORED\r\nOK\r\nEND\r\n");
  // A delay of one second flushes at once (memcached flushes what is older
  // than one second before the requested time).
  EXPECT_EQ(t.Raw("set a 0 0 1\r\nx\r\nflush_all 1\r\nget a\r\n"), "STORED\r\nOK\r\nEND\r\n");
  EXPECT_EQ(t.Raw("set a 0 0 1\r\nx\r\nflush_all 10\r\nget a\r\n"), "STORED\r\nOK\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(t.Raw("flush_all x\r\n"), "CLIENT_ERROR invalid exptime argument\r\n");
  EXPECT_EQ(t.Raw("flush_all -1\r\nget a\r\n"), "OK\r\nEND\r\n");
}

TEST(MemcacheSession, DelayedFlushIsSupersededByLaterFlushAll) {
  MemcacheTester t;
  MemcacheServer& s = t.server();
  EXPECT_EQ(t.Raw("set a 0 0 1\r\nx\r\n"), "STORED\r\n");
  uint64_t first = s.ScheduleFlush(NowMs() + 100000);
  uint64_t second = s.ScheduleFlush(NowMs() + 200000);
  s.FlushIfCurrent(first);  // superseded: nothing happens
  EXPECT_EQ(t.Raw("get a\r\n"), "VALUE a 0 1\r\nx\r\nEND\r\n");
  s.FlushIfCurrent(second);
  EXPECT_EQ(t.Raw("get a\r\n"), "END\r\n");
  uint64_t third = s.ScheduleFlush(NowMs() + 100000);
  EXPECT_EQ(t.Raw("set a 0 0 1\r\nx\r\nflush_all 0\r\nset a 0 0 1\r\ny\r\n"), "STORED\r\nOK\r\nSTORED\r\n");
  s.FlushIfCurrent(third);  // the immediate flush_all replaced it
  EXPECT_EQ(t.Raw("get a\r\n"), "VALUE a 0 1\r\ny\r\nEND\r\n");
}

TEST(MemcacheSession, MetaGetAndSet) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("mg a v\r\n"), "EN\r\n");
  EXPECT_EQ(t.Raw("ms a 3 T0 F5\r\nabc\r\nmg a s v f t c k O123 q h l\r\n"),
            "HD\r\nVA 3 s3 f5 t-1 c1 ka O123 h0 l0\r\nabc\r\n");
  EXPECT_EQ(t.Raw("mg a h\r\nmg a\r\n"), "HD h1\r\nHD\r\n");
  EXPECT_EQ(t.Raw("mg zz s v f t c k Oxx q\r\nmn\r\n"), "MN\r\n");
  EXPECT_EQ(t.Raw("mg zz s v f t c k Oxx\r\n"), "EN kzz Oxx\r\n");
  EXPECT_EQ(t.Raw("ms a 3 c\r\nabc\r\n"), "HD c2\r\n");
  EXPECT_EQ(t.Raw("ms a 3 k q\r\nxyz\r\nmn\r\n"), "MN\r\n");
  EXPECT_EQ(t.Raw("ms a 3 ME\r\nabc\r\nms a 3 MR\r\nabc\r\nms nn 3 MR\r\nabc\r\n"), "NS\r\nHD\r\nNS\r\n");
  EXPECT_EQ(t.Raw("ms a 3 MA\r\nxyz\r\nms a 3 MP\r\n123\r\nmg a v\r\n"), "HD\r\nHD\r\nVA 9\r\n123abcxyz\r\n");
  EXPECT_EQ(t.Raw("ms a 1 c C1\r\nx\r\nms zq 1 c C1\r\nx\r\n"), "EX c0\r\nNF c0\r\n");
  EXPECT_EQ(t.Raw("ms a 3 q C1\r\nxyz\r\nmn\r\n"), "EX\r\nMN\r\n");
  EXPECT_EQ(t.Raw("ms a 3 T-1\r\nxyz\r\nmg a v\r\n"), "HD\r\nEN\r\n");
  EXPECT_EQ(t.Raw("ms a 3 x\r\nabc\r\n"), "CLIENT_ERROR invalid flag\r\n");
  EXPECT_EQ(t.Raw("ms a x\r\nabc\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(t.Raw("ms a 3 q\r\nxyzw\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\n");
  EXPECT_EQ(t.Raw("ms a 1 F4294967296\r\nx\r\nmg a f\r\n"), "HD\r\nHD f0\r\n");
}

TEST(MemcacheSession, MetaBase64Keys) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("ms YWJj 3 k c O9 b\r\nabc\r\n"), "HD kYWJj b c1 O9\r\n");
  EXPECT_EQ(t.Raw("mg YWJj b k v\r\nmg abc k v\r\n"), "VA 3 kYWJj b\r\nabc\r\nVA 3 kYWJj b\r\nabc\r\n");
  EXPECT_EQ(t.Raw("get abc\r\n"), "VALUE abc 0 3\r\nabc\r\nEND\r\n");
  EXPECT_EQ(t.Raw("me abc\r\n").substr(0, 8), "ME YWJj ");
  EXPECT_EQ(t.Raw("mg zz k b\r\n"), "CLIENT_ERROR error decoding key\r\n");
  EXPECT_EQ(t.Raw("mg enp6 k b\r\n"), "EN kenp6 b\r\n");
  // An item created by ma with b is not marked binary (as in memcached).
  EXPECT_EQ(t.Raw("ma enp6 b k N0 v\r\nmg enp6 b k v\r\n"), "VA 1 kenp6 b\r\n0\r\nVA 1 kzzz\r\n0\r\n");
  // But a key no text request could carry is never shown raw.
  EXPECT_EQ(t.Raw("ma YSBi b N0\r\nmg YSBi b k\r\nme YSBi b\r\n").substr(0, 28), "HD\r\nHD kYSBi b\r\nME YSBi exp=");
}

TEST(MemcacheSession, MetaRecacheAndStale) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("mg zz N30 s v t c\r\nmg zz N30 s v t c\r\nmg zz v\r\n"),
            "VA 0 s0 t30 c1 W\r\n\r\nVA 0 s0 t30 c1 Z\r\n\r\nVA 0 Z\r\n\r\n");
  EXPECT_EQ(t.Raw("ms r 1 T100\r\nx\r\nmg r R200 t v\r\nmg r R200 t v\r\nmg r R50 v\r\n"),
            "HD\r\nVA 1 t100 W\r\nx\r\nVA 1 t100 Z\r\nx\r\nVA 1 Z\r\nx\r\n");
  EXPECT_EQ(t.Raw("ms s 1 T100\r\nx\r\nmd s I T30\r\nmg s t v\r\nmg s t v\r\nms s 1 T0\r\ny\r\nmg s v\r\n"),
            "HD\r\nHD\r\nVA 1 t30 X W\r\nx\r\nVA 1 t30 Z X\r\nx\r\nHD\r\nVA 1\r\ny\r\n");
  // ms I with an older CAS stores the value as stale, keeping the TTL.
  EXPECT_EQ(t.Raw("ms k 2 T100\r\nhi\r\nms k 2 C1 I T5\r\nho\r\nmg k v t\r\n"), "HD\r\nHD\r\nVA 2 t100 X W\r\nho\r\n");
}

TEST(MemcacheSession, MetaDelete) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("ms s 1\r\nx\r\nmd s q\r\nmd s q\r\nmn\r\n"), "HD\r\nNF\r\nMN\r\n");
  EXPECT_EQ(t.Raw("ms s 1\r\nx\r\nmd s C999\r\nmd s k O5\r\n"), "HD\r\nEX\r\nHD ks O5\r\n");
  EXPECT_EQ(t.Raw("md zz k O5 T5\r\n"), "NF kzz O5\r\n");
  EXPECT_EQ(t.Raw("md s x\r\n"), "CLIENT_ERROR invalid or duplicate flag\r\n");
}

TEST(MemcacheSession, MetaArithmetic) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("ma n\r\nma n q\r\n"), "NF\r\nNF\r\n");
  EXPECT_EQ(t.Raw("ma n N0 J10 v\r\nma n v\r\n"), "VA 2\r\n10\r\nVA 2\r\n11\r\n");
  EXPECT_EQ(t.Raw("ma n D5 v t c k O1\r\n"), "VA 2 t-1 c3 kn O1\r\n16\r\n");
  EXPECT_EQ(t.Raw("ma n MD D100 v\r\nma n M- v\r\n"), "VA 1\r\n0\r\nVA 1\r\n0\r\n");
  EXPECT_EQ(t.Raw("ma n M+ D18446744073709551615 v\r\nma n MI v\r\n"),
            "VA 20\r\n18446744073709551615\r\nVA 1\r\n0\r\n");
  EXPECT_EQ(t.Raw("ma n C1 v\r\nma n q\r\nmn\r\n"), "EX\r\nMN\r\n");
  // q hid the increment to 1; T applies before the t after it.
  EXPECT_EQ(t.Raw("ma n T100 t v\r\n"), "VA 1 t100\r\n2\r\n");
  EXPECT_EQ(t.Raw("ma nn2 N100 J5 t v\r\n"), "VA 1 t100\r\n5\r\n");
  EXPECT_EQ(t.Raw("ma nn3 J5 v\r\n"), "NF\r\n");
  EXPECT_EQ(t.Raw("ms t 3\r\nabc\r\nma t v\r\n"),
            "HD\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
  EXPECT_EQ(t.Raw("ma n Mx v\r\n"), "CLIENT_ERROR invalid mode for ma M token\r\n");
}

TEST(MemcacheSession, LongOpaqueIsRefusedAfterEarlierFlagsActed) {
  MemcacheTester t;
  const std::string kLong(std::string("O") + std::string(32, '9'));
  EXPECT_EQ(t.Raw("mg v N30 " + kLong + "\r\nmg v v t\r\n"),
            "CLIENT_ERROR opaque token too long\r\nVA 0 t30\r\n\r\n");
  EXPECT_EQ(t.Raw("mg zz " + kLong + "\r\n"), "CLIENT_ERROR opaque token too long\r\n");
  EXPECT_EQ(t.Raw("ms n 1\r\n5\r\nma n " + kLong + "\r\nmg n v\r\n"),
            "HD\r\nCLIENT_ERROR opaque token too long\r\nVA 1\r\n6\r\n");
  EXPECT_EQ(t.Raw("md n " + kLong + "\r\nmg n v\r\n"), "CLIENT_ERROR opaque token too long\r\nVA 1\r\n6\r\n");
}

TEST(MemcacheSession, MetaDebug) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("me zz\r\n"), "EN\r\n");
  EXPECT_EQ(t.Raw("ms e 1 T100\r\nx\r\nme e\r\n"), "HD\r\nME e exp=-100 la=0 cas=1 fetch=no cls=1 size=61\r\n");
  EXPECT_EQ(t.Raw("get e\r\nme e\r\n"), "VALUE e 0 1\r\nx\r\nEND\r\nME e exp=-100 la=0 cas=1 fetch=yes cls=1 size=61\r\n");
}

TEST(MemcacheSession, Stats) {
  MemcacheTester t;
  t.Raw("set a 0 0 1\r\nx\r\nget a\r\nget b\r\n");
  std::string s = t.Raw("stats\r\n");
  EXPECT_EQ(s.substr(0, 9), "STAT pid ");
  EXPECT_NE(s.find("STAT version 1.6.18\r\n"), std::string::npos);
  EXPECT_NE(s.find("STAT cmd_get 2\r\nSTAT cmd_set 1\r\n"), std::string::npos);
  EXPECT_NE(s.find("STAT get_hits 1\r\nSTAT get_misses 1\r\n"), std::string::npos);
  EXPECT_NE(s.find("STAT curr_items 1\r\n"), std::string::npos);
  EXPECT_NE(s.find("STAT bytes 61\r\n"), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - 5), "END\r\n");
  EXPECT_EQ(t.Raw("stats reset\r\n"), "RESET\r\n");
  EXPECT_NE(t.Raw("stats\r\n").find("STAT cmd_get 0\r\n"), std::string::npos);
  EXPECT_NE(t.Raw("stats settings\r\n").find("STAT item_size_max 1048576\r\n"), std::string::npos);
  std::string items = t.Raw("stats items\r\n");
  EXPECT_EQ(items.substr(0, 25), "STAT items:1:number 1\r\nST");
  EXPECT_NE(t.Raw("stats slabs\r\n").find("STAT 1:chunk_size 96\r\n"), std::string::npos);
  EXPECT_EQ(t.Raw("stats cachedump 1 0\r\n"), "ITEM a [1 b; 0 s]\r\nEND\r\n");
  EXPECT_EQ(t.Raw("stats cachedump 64 0\r\n"), "CLIENT_ERROR Illegal slab id\r\n");
  EXPECT_EQ(t.Raw("stats cachedump 1\r\n"), "CLIENT_ERROR bad command line\r\n");
  EXPECT_EQ(t.Raw("stats foo\r\n"), "ERROR\r\n");
  EXPECT_EQ(t.Raw("stats detail\r\n"), "CLIENT_ERROR usage: stats detail on|off|dump\r\n");
  EXPECT_EQ(t.Raw("stats sizes\r\n"), "STAT sizes_status disabled\r\nEND\r\n");
  EXPECT_EQ(t.Raw("lru_crawler metadump all\r\n").substr(0, 16), "key=a exp=-1 la=");
}

TEST(MemcacheSession, OtherAdminCommands) {
  MemcacheTester t;
  EXPECT_EQ(t.Raw("verbosity 1\r\nverbosity x\r\n"), "OK\r\nCLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(t.Raw("shutdown\r\n"), "ERROR: shutdown not enabled\r\n");
  EXPECT_EQ(t.Raw("cache_memlimit 5\r\ncache_memlimit 100\r\ncache_memlimit x\r\n"),
            "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m\r\nOK\r\nERROR\r\n");
  EXPECT_NE(t.Raw("stats\r\n").find("STAT limit_maxbytes 104857600\r\n"), std::string::npos);
  EXPECT_EQ(t.Raw("slabs reassign 1 1\r\nslabs automove 3\r\nslabs\r\n"),
            "SAME src and dst class are identical\r\nERROR\r\nERROR\r\n");
  EXPECT_EQ(t.Raw("lru_crawler crawl all\r\nlru_crawler x\r\n"), "OK\r\nERROR\r\n");
  EXPECT_EQ(t.Raw("mn\r\nmx\r\n"), "MN\r\nERROR\r\n");
}

// Random requests built from protocol words: the session must neither crash
// nor (under the sanitizers) touch memory it should not.
TEST(MemcacheSession, RandomRequestsAreHandled) {
  const char* words[] = {"get", "gets", "gat", "gats", "set", "add", "replace", "append", "prepend", "cas",
                         "incr", "decr", "delete", "touch", "flush_all", "stats", "verbosity", "mg", "ms", "md",
                         "ma", "me", "mn", "noreply", "k", "a", "0", "1", "-1", "5", "100", "4294967296",
                         "18446744073709551615", "v", "q", "k", "T5", "N5", "R5", "C1", "MA", "ME", "MD", "O1",
                         "b", "YWJj", "F7", "I", "D3", "J9", "items", "slabs", "settings", "sizes", "cachedump",
                         "lru_crawler", "metadump", "all", "\t", "\x80", "\r", "xyz"};
  uint64_t rng = 42;
  auto next = [&rng] {
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(rng >> 33);
  };
  for (int round = 0; round < 20; round++) {
    MemcacheTester t;
    t.Raw("set a 0 0 1\r\n1\r\nset k 0 0 2\r\n10\r\n");
    for (int i = 0; i < 300 && !t.conn().closing(); i++) {
      std::string req;
      int n = 1 + next() % 8;
      for (int w = 0; w < n; w++) {
        if (w > 0) req += ' ';
        req += words[next() % (sizeof(words) / sizeof(words[0]))];
      }
      req += next() % 4 == 0 ? "\n" : "\r\n";
      if (next() % 3 == 0) req += std::string(next() % 8, 'x') + "\r\n";
      size_t cut = next() % (req.size() + 1);
      t.Raw(req.substr(0, cut));
      t.Raw(req.substr(cut));
    }
  }
}

TEST(MemcacheItem, SizesAndClasses) {
  EXPECT_EQ(ItemSize(1, 0, 1), 61u);
  EXPECT_EQ(ItemSize(1, 1, 1), 65u);
  EXPECT_EQ(SlabChunkSize(1), 96u);
  EXPECT_EQ(SlabChunkSize(3), 152u);
  EXPECT_EQ(SlabChunkSize(38), 394840u);
  EXPECT_EQ(SlabChunkSize(39), 524288u);
  EXPECT_EQ(SlabClass(96), 1);
  EXPECT_EQ(SlabClass(97), 2);
  EXPECT_EQ(SlabClass(400061), 39);
  EXPECT_EQ(SlabClass(1000062), 39);
}

TEST(MemcacheItem, ExpireTimes) {
  int64_t now = 1700000000000;
  EXPECT_EQ(ExpireMs(0, now), 0);
  EXPECT_EQ(ExpireMs(-1, now), kExpiredMs);
  EXPECT_EQ(ExpireMs(10, now), now + 10000);
  EXPECT_EQ(ExpireMs(kMaxRelativeExptime, now), now + 2592000000);
  EXPECT_EQ(ExpireMs(kMaxRelativeExptime + 1, now), kExpiredMs);  // 1970
  EXPECT_EQ(ExpireMs(1800000000, now), 1800000000000);
  EXPECT_EQ(TtlSeconds(0, now), -1);
  EXPECT_EQ(TtlSeconds(now + 1500, now), 2);
  EXPECT_EQ(TtlSeconds(now + 2000, now), 2);
}

}  // namespace
}  // namespace lumadb::protocol::memcache

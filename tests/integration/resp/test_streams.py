"""Streams with redis-py 4.3: its stream methods parse LumaDB's replies as
they parse redis-server's (the same calls run against both), blocking XREAD
and XREADGROUP (woken by another connection, timeouts, several readers,
deleted keys and groups), persistence across a restart and kill -9 under
XADD load with durability=always."""
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import redis  # noqa: E402


def mask_times(v):
    """Replaces clock readings (Unix ms, idle and seen times) so two servers' parsed replies compare."""
    if isinstance(v, dict):
        return {k: ("T" if k in ("idle", b"idle", "seen-time", b"seen-time", "time_since_delivered")
                    else mask_times(x)) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return type(v)(mask_times(x) for x in v)
    if isinstance(v, int) and not isinstance(v, bool) and v >= 10 ** 12:
        return "T"
    return v


def redis_py_calls(r):
    """Every redis-py 4.3 stream method, with explicit IDs; returns the parsed results."""
    out = []
    add = out.append
    add(r.xadd("s", {"a": "1", "b": "x"}, id="1-1"))
    add(r.xadd("s", {"a": "2"}, id="2-0"))
    add(r.xadd("s", {"a": "3"}, id="3-*"))
    add(r.xadd("s", {"a": "4"}, id="4-0", maxlen=10, approximate=False))
    add(r.xadd("s", {"a": "5"}, id="5-0", maxlen=10))
    add(r.xadd("s", {"a": "6"}, id="6-0", minid="0", limit=5))
    add(r.xadd("nos", {"a": "1"}, id="1-1", nomkstream=True))
    add(r.xlen("s"))
    add(r.xrange("s"))
    add(r.xrange("s", min="2", max="(5-0", count=2))
    add(r.xrevrange("s", max="+", min="-", count=3))
    add(r.xread({"s": "3-0"}))
    add(r.xread({"s": "0", "nos": "0"}, count=1))
    add(r.xread({"s": "$"}, block=1))
    add(r.xgroup_create("s", "g", id="0"))
    add(r.xgroup_create("new", "g", id="$", mkstream=True))
    add(r.xgroup_create("s", "g2", id="2-0", entries_read=1))
    add(r.xgroup_createconsumer("s", "g", "idle-one"))
    add(r.xreadgroup("g", "alice", {"s": ">"}, count=2))
    add(r.xreadgroup("g", "bob", {"s": ">"}, noack=False))
    add(r.xreadgroup("g", "alice", {"s": "0"}))
    add(r.xreadgroup("g2", "carol", {"s": ">"}, count=1, noack=True))
    add(r.xreadgroup("g", "alice", {"s": ">"}, block=1))
    add(r.xack("s", "g", "1-1", "9-9"))
    add(r.xpending("s", "g"))
    add(r.xpending("new", "g"))
    add([{k: v for k, v in e.items() if k != "time_since_delivered"}
         for e in r.xpending_range("s", "g", "-", "+", 10)])
    add(len(r.xpending_range("s", "g", "-", "+", 10, consumername="bob")))
    add(r.xpending_range("s", "g", "-", "+", 10, idle=10 ** 9))
    add(r.xclaim("s", "g", "dave", 0, ["2-0"]))
    add(r.xclaim("s", "g", "dave", 0, ["3-0", "4-0"], justid=True))
    add(r.xclaim("s", "g", "erin", 0, ["5-0"], idle=5000, retrycount=9, force=True))
    add(r.xclaim("s", "g", "erin", 0, ["6-0"], time=1700000000000, justid=True))
    add(r.xdel("s", "3-0"))
    add(r.xautoclaim("s", "g", "frank", 0, start_id="0-0", count=2))
    add(r.xautoclaim("s", "g", "frank", 0, start_id="0-0", justid=True))
    add(r.xgroup_setid("s", "g2", "$"))
    add(r.xgroup_setid("s", "g2", "1-1", entries_read=1))
    add(r.xinfo_stream("s"))
    add(r.xinfo_stream("s", full=True))
    add(r.xinfo_stream("new"))
    add(r.xinfo_groups("s"))
    add(r.xinfo_consumers("s", "g"))
    add(r.xgroup_delconsumer("s", "g", "frank"))
    add(r.xgroup_destroy("s", "g2"))
    add(r.xtrim("s", maxlen=2, approximate=False))
    add(r.xtrim("s", minid="6-0"))
    add(r.xtrim("s", maxlen=0, approximate=True, limit=10))
    add(r.xrange("s"))
    for bad in (lambda: r.xadd("s", {"a": "1"}, id="1-1"), lambda: r.xgroup_create("s", "g"),
                lambda: r.xreadgroup("nog", "c", {"s": ">"}), lambda: r.xinfo_stream("nokey")):
        try:
            bad()
            add("no error")
        except redis.ResponseError as e:
            add(str(e))
    return out


class RedisPyTest(unittest.TestCase):
    def test_stream_methods_parse_as_with_redis(self):
        with harness.RealServer("redis") as real, harness.Server() as luma:
            want = mask_times(redis_py_calls(redis.Redis(port=real.port, decode_responses=True)))
            got = mask_times(redis_py_calls(redis.Redis(port=luma.redis_port, decode_responses=True)))
        self.assertEqual(len(got), len(want))
        for i, (g, w) in enumerate(zip(got, want)):
            self.assertEqual(g, w, "call #%d" % i)

    def test_auto_ids_grow_and_survive_big_streams(self):
        with harness.Server() as s:
            r = redis.Redis(port=s.redis_port)
            ids = [r.xadd("auto", {"n": i}) for i in range(3000)]
            parsed = [tuple(int(p) for p in i.split(b"-")) for i in ids]
            self.assertEqual(parsed, sorted(set(parsed)))
            self.assertEqual(r.xlen("auto"), 3000)
            self.assertEqual(r.xinfo_stream("auto")["radix-tree-keys"], 30)
            self.assertEqual([e[0] for e in r.xrange("auto", count=3)], ids[:3])
            self.assertEqual(r.xrevrange("auto", count=1)[0][0], ids[-1])


class BlockingTest(unittest.TestCase):
    def setUp(self):
        self.server = harness.Server().start()
        self.port = self.server.redis_port
        self.r = redis.Redis(port=self.port)

    def tearDown(self):
        self.server.stop()
        self.server.cleanup()

    def background(self, fn):
        result = {}

        def run():
            try:
                result["v"] = fn()
            except Exception as e:  # the reply, when it is an error
                result["v"] = e

        t = threading.Thread(target=run)
        t.start()
        return t, result

    def wait_blocked(self, n):
        deadline = time.time() + 5
        while time.time() < deadline:
            if self.r.info("clients")["blocked_clients"] >= n:
                return
            time.sleep(0.01)
        self.fail("clients did not block")

    def test_xread_woken_by_xadd_with_dollar_fixed_at_blocking_time(self):
        self.r.xadd("s", {"n": 1}, id="1-0")
        self.r.xadd("s", {"n": 2}, id="2-0")
        t, res = self.background(lambda: redis.Redis(port=self.port).xread({"s": "$", "other": "$"}, block=5000))
        self.wait_blocked(1)
        # A change that adds nothing newer wakes the reader, which must go on
        # waiting for entries after 2-0, not after whatever "$" is by then.
        self.r.xdel("s", "1-0")
        self.r.xadd("other-key", {"x": 1})
        time.sleep(0.1)
        self.assertTrue(t.is_alive())
        self.r.xadd("s", {"n": 3}, id="3-0")
        t.join(5)
        self.assertEqual(res["v"], [[b"s", [(b"3-0", {b"n": b"3"})]]])

    def test_xreadgroup_woken_by_xadd(self):
        self.r.xgroup_create("jobs", "workers", id="$", mkstream=True)
        t, res = self.background(
            lambda: redis.Redis(port=self.port).xreadgroup("workers", "w1", {"jobs": ">"}, block=0))
        self.wait_blocked(1)
        self.r.xadd("jobs", {"task": "a"}, id="7-1")
        t.join(5)
        self.assertEqual(res["v"], [[b"jobs", [(b"7-1", {b"task": b"a"})]]])
        pending = self.r.xpending("jobs", "workers")
        self.assertEqual(pending["pending"], 1)
        self.assertEqual(pending["consumers"], [{"name": b"w1", "pending": 1}])

    def test_block_timeouts(self):
        start = time.time()
        # redis-py turns the null reply into [].
        self.assertEqual(self.r.xread({"nothing": "$"}, block=1), [])
        self.assertLess(time.time() - start, 0.5)
        start = time.time()
        self.assertEqual(self.r.xread({"nothing": "0"}, block=300), [])
        self.assertGreaterEqual(time.time() - start, 0.28)
        self.r.xgroup_create("q", "g", id="$", mkstream=True)
        start = time.time()
        self.assertEqual(self.r.xreadgroup("g", "c", {"q": ">"}, block=200), [])
        self.assertGreaterEqual(time.time() - start, 0.18)
        self.assertEqual(self.r.xinfo_consumers("q", "g"), [])  # nothing served, no consumer (as Redis 7.0)
        # Inside MULTI the commands do not block.
        p = self.r.pipeline(transaction=True)
        p.xread({"nothing": "$"}, block=0)
        p.xreadgroup("g", "c", {"q": ">"}, block=0)
        self.assertEqual(p.execute(), [[], []])
        # The timeout reply is a null array in RESP2, a null in RESP3.
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        sock.sendall(b"XREADGROUP GROUP g c BLOCK 1 STREAMS q >\r\n")
        self.assertEqual(sock.recv(100), b"*-1\r\n")
        sock.sendall(b"HELLO 3\r\n")
        time.sleep(0.1)
        sock.recv(65536)
        sock.sendall(b"XREAD BLOCK 1 STREAMS nothing $\r\n")
        self.assertEqual(sock.recv(100), b"_\r\n")
        sock.close()

    def test_several_blocked_readers(self):
        self.r.xadd("fan", {"n": 0}, id="1-0")
        readers = [self.background(lambda: redis.Redis(port=self.port).xread({"fan": "$"}, block=5000))
                   for _ in range(5)]
        self.r.xgroup_create("work", "g", id="$", mkstream=True)
        workers = [self.background(lambda i=i: redis.Redis(port=self.port).xreadgroup(
            "g", "w%d" % i, {"work": ">"}, count=1, block=5000)) for i in range(5)]
        self.wait_blocked(10)
        self.r.xadd("fan", {"n": 1}, id="2-0")
        for i in range(5):
            self.r.xadd("work", {"job": i}, id="%d-0" % (i + 1))
            time.sleep(0.05)
        for t, _ in readers + workers:
            t.join(5)
        for _, res in readers:
            self.assertEqual(res["v"], [[b"fan", [(b"2-0", {b"n": b"1"})]]])
        got = sorted(res["v"][0][1][0][0] for _, res in workers)
        self.assertEqual(got, [b"%d-0" % (i + 1) for i in range(5)])
        self.assertEqual(self.r.xpending("work", "g")["pending"], 5)

    def test_blocked_xreadgroup_learns_of_deleted_key_and_group(self):
        for key in ("k1", "k2", "k3"):
            self.r.xgroup_create(key, "g", id="$", mkstream=True)
        t1, r1 = self.background(lambda: redis.Redis(port=self.port).xreadgroup("g", "c", {"k1": ">"}, block=0))
        t2, r2 = self.background(lambda: redis.Redis(port=self.port).xreadgroup("g", "c", {"k2": ">"}, block=0))
        t3, r3 = self.background(lambda: redis.Redis(port=self.port).xreadgroup("g", "c", {"k3": ">"}, block=0))
        self.wait_blocked(3)
        self.r.delete("k1")
        self.r.xgroup_destroy("k2", "g")
        self.r.delete("k3")
        self.r.set("k3", "not a stream")
        for t in (t1, t2, t3):
            t.join(5)
        self.assertEqual(str(r1["v"]), "UNBLOCKED the stream key no longer exists")
        self.assertEqual(str(r2["v"]), "NOGROUP the consumer group this client was blocked on no longer exists")
        self.assertEqual(str(r3["v"]), "UNBLOCKED the stream key no longer exists")
        # A plain XREAD keeps waiting through a deletion and a type change.
        t, res = self.background(lambda: redis.Redis(port=self.port).xread({"k4": "$"}, block=5000))
        self.wait_blocked(1)
        self.r.set("k4", "x")
        self.r.delete("k4")
        time.sleep(0.1)
        self.assertTrue(t.is_alive())
        self.r.xadd("k4", {"f": "v"}, id="9-9")
        t.join(5)
        self.assertEqual(res["v"], [[b"k4", [(b"9-9", {b"f": b"v"})]]])

    def test_wake_serves_at_most_1000_without_count(self):
        self.r.xadd("big", {"n": 0}, id="1-0")
        t, res = self.background(lambda: redis.Redis(port=self.port).xread({"big": "$"}, block=5000))
        self.wait_blocked(1)
        p = self.r.pipeline(transaction=True)
        for i in range(1500):
            p.xadd("big", {"n": i}, id="%d-0" % (i + 2))
        p.execute()
        t.join(5)
        self.assertEqual(len(res["v"][0][1]), 1000)


class PersistenceTest(unittest.TestCase):
    def test_streams_and_groups_survive_restart(self):
        with harness.Server() as s:
            r = redis.Redis(port=s.redis_port)
            for i in range(1, 260):
                r.xadd("s", {"n": i, "pad": "x" * (i % 50)}, id="%d-%d" % (i, i % 3))
            r.xdel("s", "10-1", "11-2")
            r.xtrim("s", maxlen=240, approximate=False)
            r.xgroup_create("s", "g", id="0")
            r.xreadgroup("g", "alice", {"s": ">"}, count=7)
            r.xreadgroup("g", "bob", {"s": ">"}, count=3)
            r.xack("s", "g", r.xpending_range("s", "g", "-", "+", 1)[0]["message_id"])
            r.xclaim("s", "g", "carol", 0, [r.xpending_range("s", "g", "-", "+", 1)[0]["message_id"]],
                     time=1700000000000, retrycount=4)
            r.xgroup_createconsumer("s", "g", "idle")
            r.xgroup_create("s", "g2", id="$", entries_read=3)
            r.xgroup_create("empty", "g", id="$", mkstream=True)
            r.execute_command("XSETID", "s", "900-0", "ENTRIESADDED", "1000", "MAXDELETEDID", "500-0")
            before = {k: r.execute_command("XINFO", "STREAM", k, "FULL", "COUNT", "0") for k in ("s", "empty")}
            s.restart()
            r = redis.Redis(port=s.redis_port)
            for k, want in before.items():
                self.assertEqual(r.execute_command("XINFO", "STREAM", k, "FULL", "COUNT", "0"), want, k)
            self.assertEqual(r.type("empty"), b"stream")
            new = r.xadd("s", {"after": "restart"})
            self.assertGreater(int(new.split(b"-")[0]), 900)
            last = r.xinfo_groups("s")[0]["last-delivered-id"]
            following = r.xrange("s", b"(" + last, "+", count=1)[0][0]
            self.assertEqual(r.xreadgroup("g", "dave", {"s": ">"}, count=1)[0][1][0][0], following)

    def test_acknowledged_xadds_survive_kill9_with_durability_always(self):
        with harness.Server(args=["--durability", "always"]) as s:
            acked = {}
            lock = threading.Lock()
            stop = threading.Event()

            def writer(wid):
                r = redis.Redis(port=s.redis_port, socket_timeout=5)
                key = "log%d" % (wid % 3)
                i = 0
                while not stop.is_set():
                    try:
                        entry_id = r.xadd(key, {"w": wid, "i": i}, maxlen=100000)
                        if i == 0:
                            r.xgroup_create(key, "g%d" % wid, id="0")
                        elif i % 10 == 0:
                            r.xreadgroup("g%d" % wid, "c", {key: ">"}, count=5)
                    except (redis.ConnectionError, redis.TimeoutError, OSError):
                        return
                    except redis.ResponseError:
                        pass
                    with lock:
                        acked[(key, entry_id)] = (wid, i)
                    i += 1

            s.kill9_under_load(writer, 6, stop)
            self.assertGreater(len(acked), 100, "the write load did not run")
            s.start()
            r = redis.Redis(port=s.redis_port)
            present = {}
            for key in ("log0", "log1", "log2"):
                for entry_id, fields in r.xrange(key):
                    present[(key, entry_id)] = (int(fields[b"w"]), int(fields[b"i"]))
            for entry, what in acked.items():
                self.assertEqual(present.get(entry), what, "acknowledged XADD %r lost" % (entry,))
            for key in ("log0", "log1", "log2"):
                info = r.xinfo_stream(key)
                self.assertGreaterEqual(info["entries-added"], info["length"])


if __name__ == "__main__":
    unittest.main(verbosity=2)

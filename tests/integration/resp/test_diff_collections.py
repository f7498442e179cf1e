"""Differential test for list, hash and set commands: the same script against
Debian's redis-server and LumaDB, replies compared exactly (sorted where Redis
leaves the order open)."""
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import NOCMP, SORT  # noqa: E402
import redis  # noqa: E402

LISTS = [
    ("RPUSH", "l", "a", "b", "c", "d", "e"), ("LPUSH", "l", "z"), ("LPUSHX", "nol", "x"), ("RPUSHX", "l", "f"),
    ("LLEN", "l"), ("LRANGE", "l", "0", "-1"), ("LRANGE", "l", "-3", "100"), ("LRANGE", "l", "5", "2"),
    ("LRANGE", "nol", "0", "-1"), ("LINDEX", "l", "0"), ("LINDEX", "l", "-1"), ("LINDEX", "l", "99"),
    ("LINDEX", "l", "x"), ("LSET", "l", "1", "A"), ("LSET", "l", "99", "x"), ("LSET", "nol", "0", "x"),
    ("LINSERT", "l", "BEFORE", "c", "bc"), ("LINSERT", "l", "AFTER", "f", "g"), ("LINSERT", "l", "AFTER", "nope", "x"),
    ("LINSERT", "l", "MIDDLE", "c", "x"), ("LINSERT", "nol", "BEFORE", "a", "b"), ("LRANGE", "l", "0", "-1"),
    ("RPUSH", "r", "x", "y", "x", "z", "x", "x"), ("LREM", "r", "2", "x"), ("LRANGE", "r", "0", "-1"),
    ("LREM", "r", "-1", "x"), ("LREM", "r", "0", "y"), ("LRANGE", "r", "0", "-1"), ("LREM", "r", "0", "x"),
    ("LREM", "r", "0", "z"), ("EXISTS", "r"), ("LTRIM", "l", "1", "-2"), ("LRANGE", "l", "0", "-1"),
    ("LTRIM", "l", "5", "1"), ("EXISTS", "l"), ("RPUSH", "p", "a", "b", "c", "b", "a", "b"),
    ("LPOS", "p", "b"), ("LPOS", "p", "b", "RANK", "2"), ("LPOS", "p", "b", "RANK", "-1"), ("LPOS", "p", "b", "COUNT", "0"),
    ("LPOS", "p", "b", "COUNT", "2", "RANK", "-1"), ("LPOS", "p", "b", "MAXLEN", "2"), ("LPOS", "p", "x"),
    ("LPOS", "p", "x", "COUNT", "1"), ("LPOS", "p", "b", "RANK", "0"), ("LPOS", "p", "b", "COUNT", "-1"),
    ("LPOS", "p", "b", "MAXLEN", "-1"), ("LPOS", "p", "b", "FOO"), ("LPOP", "p"), ("RPOP", "p"), ("LPOP", "p", "2"),
    ("RPOP", "p", "0"), ("LPOP", "p", "-1"), ("LPOP", "nol"), ("LPOP", "nol", "2"), ("RPOP", "p", "10"),
    ("EXISTS", "p"), ("RPUSH", "m1", "1", "2", "3"), ("LMOVE", "m1", "m2", "LEFT", "RIGHT"),
    ("LMOVE", "m1", "m2", "RIGHT", "LEFT"), ("LMOVE", "m1", "m1", "LEFT", "RIGHT"), ("LRANGE", "m1", "0", "-1"),
    ("LRANGE", "m2", "0", "-1"), ("LMOVE", "m1", "m2", "UP", "LEFT"), ("RPOPLPUSH", "m1", "m2"), ("RPOPLPUSH", "m1", "m2"),
    ("SET", "str", "x"), ("RPOPLPUSH", "m2", "str"), ("LPUSH", "str", "x"), ("LLEN", "str"),
    ("LMPOP", "2", "nol", "m2", "LEFT"), ("LMPOP", "1", "m2", "RIGHT", "COUNT", "5"), ("LMPOP", "1", "m2", "LEFT"),
    ("LMPOP", "0", "m2", "LEFT"), ("LMPOP", "3", "m2", "LEFT"), ("LMPOP", "1", "m2", "LEFT", "COUNT", "0"),
    ("LMPOP", "1", "m2", "SIDEWAYS"), ("RPUSH", "q", "1"), ("BLPOP", "nol", "q", "0"), ("BLPOP", "q", "0.01"),
    ("BRPOP", "q", "-1"), ("BRPOP", "q", "abc"), ("BLMOVE", "q", "q2", "LEFT", "LEFT", "0.01"),
    ("BLMPOP", "0.01", "1", "q", "LEFT"), ("RPUSH", "q", "a", "b"), ("BLMPOP", "0", "1", "q", "RIGHT", "COUNT", "9"),
    ("MULTI",), ("BLPOP", "q", "0"), ("EXEC",), ("OBJECT", "ENCODING", "m1"),
]

HASHES = [
    ("HSET", "h", "f1", "v1", "f2", "v2"), ("HSET", "h", "f1", "new"), ("HSET", "h", "f3"), ("HMSET", "h", "f4", "4"),
    ("HSETNX", "h", "f1", "x"), ("HSETNX", "h", "f5", "5"), ("HGET", "h", "f1"), ("HGET", "h", "nope"),
    ("HGET", "noh", "f"), ("HMGET", "h", "f1", "nope", "f2"), ("HMGET", "noh", "a"), ("HLEN", "h"), ("HLEN", "noh"),
    ("HSTRLEN", "h", "f1"), ("HSTRLEN", "h", "nope"), ("HEXISTS", "h", "f1"), ("HEXISTS", "h", "x"),
    ("HKEYS", "h", SORT), ("HVALS", "h", SORT), ("HGETALL", "noh"), ("HDEL", "h", "f1", "nope"), ("HDEL", "noh", "x"),
    ("HINCRBY", "h", "n", "5"), ("HINCRBY", "h", "n", "-10"), ("HINCRBY", "h", "f2", "1"), ("HINCRBY", "h", "n", "x"),
    ("HSET", "h", "big", "9223372036854775807"), ("HINCRBY", "h", "big", "1"), ("HINCRBYFLOAT", "h", "fl", "1.5"),
    ("HINCRBYFLOAT", "h", "fl", "0.1"), ("HINCRBYFLOAT", "h", "f2", "1"), ("HINCRBYFLOAT", "h", "fl", "x"),
    ("HINCRBYFLOAT", "h", "fl", "inf"), ("HRANDFIELD", "noh"), ("HRANDFIELD", "noh", "3"), ("HRANDFIELD", "h", "0"),
    ("HRANDFIELD", "h", "x"), ("HRANDFIELD", "h", "1", "WITHVALUES", "x"), ("HRANDFIELD", "h", "1", "BAD"),
    ("HRANDFIELD", "h", "100", SORT), ("HSET", "one", "only", "1"), ("HRANDFIELD", "one"),
    ("HRANDFIELD", "one", "-3"), ("HRANDFIELD", "one", "2", "WITHVALUES"), ("HRANDFIELD", "one", "-2", "WITHVALUES"),
    ("HSCAN", "one", "0"), ("HSCAN", "noh", "0"), ("HSCAN", "one", "x"), ("HSCAN", "one", "0", "MATCH", "o*", "COUNT", "5"),
    ("HSCAN", "one", "0", "COUNT", "0"), ("HDEL", "one", "only"), ("EXISTS", "one"), ("SET", "s", "x"),
    ("HSET", "s", "a", "b"), ("HGET", "s", "a"), ("OBJECT", "ENCODING", "h"),
]

SETS = [
    ("SADD", "s1", "a", "b", "c", "d"), ("SADD", "s1", "a", "e"), ("SADD", "s2", "c", "d", "e", "f"),
    ("SADD", "si", "1", "2", "3"), ("OBJECT", "ENCODING", "si"), ("OBJECT", "ENCODING", "s1"),
    ("SCARD", "s1"), ("SCARD", "nos"), ("SISMEMBER", "s1", "a"), ("SISMEMBER", "s1", "z"), ("SMISMEMBER", "s1", "a", "z"),
    ("SMEMBERS", "s1", SORT), ("SMEMBERS", "nos"), ("SREM", "s1", "a", "zz"), ("SREM", "nos", "a"),
    ("SINTER", "s1", "s2", SORT), ("SINTER", "s1", "nos"), ("SUNION", "s1", "s2", SORT), ("SUNION", "nos"),
    ("SDIFF", "s1", "s2", SORT), ("SDIFF", "nos", "s1"), ("SINTERSTORE", "d", "s1", "s2"), ("SMEMBERS", "d", SORT),
    ("SUNIONSTORE", "d", "s1", "s2"), ("SDIFFSTORE", "d", "s1", "s2"), ("SINTERSTORE", "d", "s1", "nos"),
    ("EXISTS", "d"), ("SINTERCARD", "2", "s1", "s2"), ("SINTERCARD", "2", "s1", "s2", "LIMIT", "1"),
    ("SINTERCARD", "0", "s1"), ("SINTERCARD", "3", "s1", "s2"), ("SINTERCARD", "1", "s1", "LIMIT", "-1"),
    ("SINTERCARD", "1", "s1", "FOO", "1"), ("SINTERCARD", "x", "s1"), ("SMOVE", "s1", "s3", "b"),
    ("SMOVE", "s1", "s3", "nope"), ("SMOVE", "s1", "s1", "c"), ("SMEMBERS", "s3"), ("SPOP", "nos"),
    ("SPOP", "nos", "2"), ("SPOP", "s3"), ("EXISTS", "s3"), ("SPOP", "si", "-1"), ("SPOP", "si", "0"),
    ("SPOP", "si", "5", SORT), ("SRANDMEMBER", "nos"), ("SRANDMEMBER", "nos", "5"), ("SADD", "one", "x"),
    ("SRANDMEMBER", "one"), ("SRANDMEMBER", "one", "3"), ("SRANDMEMBER", "one", "-3"), ("SRANDMEMBER", "one", "0"),
    ("SRANDMEMBER", "one", "x"), ("SSCAN", "one", "0"), ("SSCAN", "nos", "0"), ("SSCAN", "s2", "0", "MATCH", "[ce]", SORT),
    ("SET", "str", "x"), ("SADD", "str", "a"), ("SINTER", "s1", "str"), ("SUNIONSTORE", "d", "str"),
    ("SMOVE", "s1", "str", "c"), ("SMOVE", "str", "s1", "c"),
]


class DiffCollectionsTest(unittest.TestCase):
    def check(self, script):
        mismatches = harness.diff_against_redis(script)
        self.assertEqual(mismatches, [], "\n" + "\n".join(mismatches))

    def test_lists(self):
        self.check(LISTS)

    def test_hashes(self):
        self.check(HASHES)

    def test_sets(self):
        self.check(SETS)

    def test_resp3_shapes(self):
        script = [("HELLO", "3", NOCMP), ("HSET", "h", "a", "1"), ("HGETALL", "h"), ("HRANDFIELD", "h", "1", "WITHVALUES"),
                  ("SADD", "s", "x"), ("SMEMBERS", "s"), ("SPOP", "s", "1"), ("LPOP", "nol", "1"), ("LPOS", "nol", "x"),
                  ("BLPOP", "nol", "0.01"), ("LMPOP", "1", "nol", "LEFT")]
        self.check(script)

    def test_large_collections_scan_everything(self):
        with harness.Server() as s:
            r = redis.Redis(port=s.redis_port, decode_responses=True)
            r.hset("bigh", mapping={"f%d" % i: i for i in range(1000)})
            r.sadd("bigs", *["m%d" % i for i in range(1000)])
            self.assertEqual(len(dict(r.hscan_iter("bigh", count=50))), 1000)
            self.assertEqual(len(set(r.sscan_iter("bigs", count=50))), 1000)
            self.assertEqual(r.object("encoding", "bigh"), "hashtable")


# redis-server's own order for small collections: a listpack hash keeps
# insertion order (deletions keep the others' order, updates keep the place),
# an intset lists ascending integers.
ORDER = [
    ("HSET", "o", "z", "1", "a", "2", "m", "3"), ("HGETALL", "o"), ("HSET", "o", "a", "20", "b", "4"),
    ("HKEYS", "o"), ("HVALS", "o"), ("HDEL", "o", "z"), ("HGETALL", "o"), ("HSETNX", "o", "z", "back"),
    ("HINCRBY", "o", "n", "1"), ("HINCRBYFLOAT", "o", "m", "0.5"), ("HGETALL", "o"), ("HSCAN", "o", "0"),
    ("HSET", "o2", *["f%d" % i for i in range(100) for _ in (0, 1)]), ("HKEYS", "o2"), ("OBJECT", "ENCODING", "o2"),
    ("HSET", "o3", "x", "1", "y", "v" * 65), ("OBJECT", "ENCODING", "o3"), ("HSET", "o4", "k" * 64, "v" * 64),
    ("OBJECT", "ENCODING", "o4"), ("HGETALL", "o4"),
    ("SADD", "ints", "10", "-3", "7", "100", "0"), ("SMEMBERS", "ints"), ("SSCAN", "ints", "0"),
    ("SADD", "ints2", "5", "1", "9"), ("SUNION", "ints", "ints2"), ("SDIFF", "ints", "ints2"),
    ("SINTER", "ints", "ints"), ("SREM", "ints", "7"), ("SMEMBERS", "ints"), ("OBJECT", "ENCODING", "ints"),
    ("SADD", "mixed", "b", "a"), ("SMEMBERS", "mixed", SORT), ("OBJECT", "ENCODING", "mixed"),
]


class OrderTest(unittest.TestCase):
    def test_small_collections_keep_redis_order(self):
        mismatches = harness.diff_against_redis(ORDER)
        self.assertEqual(mismatches, [], "\n".join(mismatches))

    def test_hash_order_through_node_style_object(self):
        with harness.Server() as s:
            r = redis.Redis(port=s.redis_port)
            r.hset("user:1", mapping={"name": "ann", "age": "30", "city": "Oslo"})
            r.hset("user:1", "age", "31")
            self.assertEqual(list(r.hgetall("user:1").items()),
                             [(b"name", b"ann"), (b"age", b"31"), (b"city", b"Oslo")])


class BlockingTest(unittest.TestCase):
    def test_blpop_wakes_on_push_from_another_client(self):
        with harness.Server() as s:
            waiter = redis.Redis(port=s.redis_port)
            result = {}

            def wait():
                result["v"] = waiter.blpop(["jobs", "other"], timeout=5)

            t = threading.Thread(target=wait)
            t.start()
            time.sleep(0.2)
            pusher = redis.Redis(port=s.redis_port)
            pusher.rpush("other", "job-1")
            t.join()
            self.assertEqual(result["v"], (b"other", b"job-1"))
            self.assertEqual(pusher.exists("other"), 0)
            start = time.time()
            self.assertIsNone(waiter.brpop("empty", timeout=0.3))
            self.assertGreaterEqual(time.time() - start, 0.25)
            # BLMOVE hands the element to the destination list.
            t = threading.Thread(target=lambda: result.update(m=waiter.blmove("src", "dst", 5, "LEFT", "RIGHT")))
            t.start()
            time.sleep(0.2)
            pusher.lpush("src", "x")
            t.join()
            self.assertEqual(result["m"], b"x")
            self.assertEqual(pusher.lrange("dst", 0, -1), [b"x"])

    def test_many_waiters_each_get_one_element(self):
        with harness.Server() as s:
            results = []
            lock = threading.Lock()

            def wait():
                v = redis.Redis(port=s.redis_port).blpop("q", timeout=5)
                with lock:
                    results.append(v[1] if v else None)

            threads = [threading.Thread(target=wait) for _ in range(10)]
            for t in threads:
                t.start()
            time.sleep(0.3)
            redis.Redis(port=s.redis_port).rpush("q", *[str(i) for i in range(10)])
            for t in threads:
                t.join()
            self.assertEqual(sorted(results), sorted(str(i).encode() for i in range(10)))

    def fifo_order(self, port):
        """Clients blocked on one key are served in the order they blocked."""
        got = {}
        clients = [redis.Redis(port=port) for _ in range(6)]
        threads = []
        for i, c in enumerate(clients):
            def wait(i=i, c=c):
                v = c.blpop(["fifo", "other%d" % i], timeout=10)
                got[i] = v[1] if v else None
            t = threading.Thread(target=wait)
            t.start()
            threads.append(t)
            # Wait until this client is really blocked before the next one blocks.
            admin = redis.Redis(port=port)
            deadline = time.time() + 5
            while int(admin.info("clients")["blocked_clients"]) < i + 1 and time.time() < deadline:
                time.sleep(0.01)
        redis.Redis(port=port).rpush("fifo", *["e%d" % i for i in range(6)])
        for t in threads:
            t.join()
        return [got[i] for i in range(6)]

    def test_blocked_clients_served_first_come_first_served(self):
        with harness.RealServer("redis") as real:
            expected = self.fifo_order(real.port)
        with harness.Server(args=["--workers", "2"]) as s:
            self.assertEqual(self.fifo_order(s.redis_port), expected)
        self.assertEqual(expected, [b"e%d" % i for i in range(6)])

    def test_submillisecond_timeouts_fire(self):
        with harness.Server(args=["--workers", "2"]) as s:
            r = redis.Redis(port=s.redis_port, socket_timeout=5)
            start = time.time()
            for i in range(300):
                self.assertIsNone(r.blpop(["never%d" % (i % 5)], timeout=0.001))
                self.assertIsNone(r.execute_command("BLPOP", "never", "0.0001"))
            self.assertLess(time.time() - start, 30)


if __name__ == "__main__":
    unittest.main(verbosity=2)

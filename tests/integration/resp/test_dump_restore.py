"""DUMP/RESTORE between LumaDB and Debian's redis-server, both directions."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import redis  # noqa: E402


def fill(r):
    r.set("str", "hello world " * 10)
    r.set("num", "12345")
    r.rpush("list", "a", "b", "3")
    r.sadd("iset", 1, 2, 3)
    r.sadd("set", "x", "y")
    r.hset("hash", mapping={"f": "v", "n": 1})
    r.zadd("zset", {"m": 1.5, "n": -2})


def snapshot(r):
    return {"str": r.get("str"), "num": r.get("num"), "list": r.lrange("list", 0, -1),
            "iset": sorted(r.smembers("iset")), "set": sorted(r.smembers("set")), "hash": r.hgetall("hash"),
            "zset": r.zrange("zset", 0, -1, withscores=True)}


class DumpRestoreTest(unittest.TestCase):
    def test_both_directions(self):
        with harness.RealServer("redis") as real, harness.Server() as luma:
            rr = redis.Redis(port=real.port)
            lr = redis.Redis(port=luma.redis_port)
            fill(rr)
            fill(lr)
            expected = snapshot(rr)
            keys = list(expected)
            # LumaDB -> Redis
            for k in keys:
                rr.restore(k, 0, lr.dump(k), replace=True)
            self.assertEqual(snapshot(rr), expected)
            # Redis (its own compact encodings) -> LumaDB
            lr.flushall()
            for k in keys:
                lr.restore(k, 0, rr.dump(k))
            self.assertEqual(snapshot(lr), expected)
            lr.restore("ttl", 100000, rr.dump("str"))
            self.assertGreater(lr.pttl("ttl"), 90000)

    def test_errors_match_redis(self):
        script = [("SET", "k", "v"), ("DUMP", "nokey"), ("RESTORE", "k", "0", "x"), ("RESTORE", "k2", "0", "garbage"),
                  ("RESTORE", "k2", "-1", "x"), ("RESTORE", "k2", "x", "y"), ("RESTORE", "k", "0", "x", "BOGUS"),
                  ("RESTORE", "k2", "0", "x", "IDLETIME", "-1"), ("RESTORE", "k2", "0", "x", "FREQ", "300")]
        mismatches = harness.diff_against_redis(script)
        self.assertEqual(mismatches, [], "\n" + "\n".join(mismatches))


if __name__ == "__main__":
    unittest.main(verbosity=2)

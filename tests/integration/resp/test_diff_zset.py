"""Differential test for sorted set commands against Debian's redis-server."""
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import NOCMP, SORT  # noqa: E402
import redis  # noqa: E402

ZSETS = [
    ("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"), ("ZADD", "z", "1.5", "a"), ("ZADD", "z", "CH", "9", "a", "6", "f"),
    ("ZADD", "z", "NX", "0", "a"), ("ZADD", "z", "XX", "0", "newx"), ("ZADD", "z", "GT", "1", "b"), ("ZADD", "z", "LT", "1", "b"),
    ("ZADD", "z", "GT", "CH", "10", "a"), ("ZADD", "z", "INCR", "5", "b"), ("ZADD", "z", "INCR", "NX", "5", "b"),
    ("ZADD", "z", "NX", "XX", "1", "a"), ("ZADD", "z", "GT", "LT", "1", "a"), ("ZADD", "z", "NX", "GT", "1", "a"),
    ("ZADD", "z", "INCR", "1", "a", "2", "b"), ("ZADD", "z", "x", "a"), ("ZADD", "z", "1"), ("ZADD", "z", "1", "a", "2"),
    ("ZADD", "nz", "XX", "1", "a"), ("ZADD", "nz", "XX", "INCR", "1", "a"), ("ZINCRBY", "z", "2.5", "c"),
    ("ZINCRBY", "z", "x", "c"), ("ZADD", "inf", "+inf", "a"), ("ZINCRBY", "inf", "-inf", "a"),
    ("ZCARD", "z"), ("ZCARD", "nz"), ("ZSCORE", "z", "c"), ("ZSCORE", "z", "nope"), ("ZMSCORE", "z", "a", "nope", "c"),
    ("ZRANK", "z", "a"), ("ZREVRANK", "z", "a"), ("ZRANK", "z", "nope"), ("ZCOUNT", "z", "-inf", "+inf"),
    ("ZCOUNT", "z", "(2", "5"), ("ZCOUNT", "z", "x", "5"), ("ZRANGE", "z", "0", "-1", "WITHSCORES"), ("ZRANGE", "z", "1", "2"),
    ("ZRANGE", "z", "-2", "-1"), ("ZRANGE", "z", "5", "1"), ("ZRANGE", "z", "0", "-1", "REV"), ("ZRANGE", "z", "x", "1"),
    ("ZRANGE", "z", "(2", "6", "BYSCORE", "WITHSCORES"), ("ZRANGE", "z", "6", "(2", "BYSCORE", "REV"),
    ("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"), ("ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "0", "2"),
    ("ZRANGE", "z", "0", "1", "LIMIT", "0", "1"), ("ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"), ("ZRANGE", "z", "0", "1", "BOGUS"),
    ("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"), ("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-1"),
    ("ZREVRANGE", "z", "0", "2", "WITHSCORES"), ("ZRANGEBYSCORE", "z", "2", "5", "WITHSCORES", "LIMIT", "1", "1"),
    ("ZREVRANGEBYSCORE", "z", "5", "(2"), ("ZRANGEBYSCORE", "z", "a", "b"), ("ZRANGEBYSCORE", "nz", "0", "1"),
    ("ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"), ("ZRANGEBYLEX", "lex", "[b", "(e"),
    ("ZRANGEBYLEX", "lex", "-", "+", "LIMIT", "1", "2"), ("ZREVRANGEBYLEX", "lex", "+", "[c"), ("ZRANGEBYLEX", "lex", "b", "c"),
    ("ZLEXCOUNT", "lex", "(a", "[d"), ("ZLEXCOUNT", "lex", "-", "+"), ("ZLEXCOUNT", "lex", "x", "+"),
    ("ZRANGE", "lex", "[c", "-", "BYLEX", "REV"), ("ZRANGESTORE", "dst", "z", "0", "2"), ("ZRANGE", "dst", "0", "-1", "WITHSCORES"),
    ("ZRANGESTORE", "dst", "z", "100", "200"), ("EXISTS", "dst"), ("ZRANGESTORE", "dst", "lex", "[b", "[c", "BYLEX"),
    ("ZREMRANGEBYLEX", "lex", "[a", "[b"), ("ZREMRANGEBYRANK", "lex", "0", "0"), ("ZREMRANGEBYSCORE", "z", "(9", "+inf"),
    ("ZRANGE", "lex", "0", "-1"), ("ZREMRANGEBYRANK", "lex", "0", "-1"), ("EXISTS", "lex"),
    ("ZPOPMIN", "z"), ("ZPOPMAX", "z"), ("ZPOPMIN", "z", "2"), ("ZPOPMAX", "z", "0"), ("ZPOPMIN", "z", "-1"),
    ("ZPOPMIN", "nz"), ("ZPOPMIN", "nz", "2"), ("ZADD", "p1", "1", "x", "2", "y"), ("ZMPOP", "2", "nz", "p1", "MAX"),
    ("ZMPOP", "1", "p1", "MIN", "COUNT", "10"), ("ZMPOP", "1", "p1", "MIN"), ("ZMPOP", "0", "p1", "MIN"), ("ZMPOP", "1", "p1", "MID"),
    ("ZMPOP", "1", "p1", "MIN", "COUNT", "0"), ("ZADD", "p2", "3", "q"), ("BZPOPMIN", "nz", "p2", "0"), ("BZPOPMAX", "p2", "0.01"),
    ("BZMPOP", "0.01", "1", "p2", "MIN"), ("BZPOPMIN", "p2", "-1"),
    ("ZADD", "u1", "1", "a", "2", "b"), ("ZADD", "u2", "3", "b", "4", "c"), ("SADD", "plain", "a", "c"),
    ("ZUNION", "2", "u1", "u2", "WITHSCORES"), ("ZUNION", "2", "u1", "u2", "WEIGHTS", "2", "3", "WITHSCORES"),
    ("ZUNION", "2", "u1", "u2", "AGGREGATE", "MAX", "WITHSCORES"), ("ZINTER", "2", "u1", "u2", "WITHSCORES"),
    ("ZINTER", "3", "u1", "u2", "plain"), ("ZUNION", "3", "u1", "u2", "plain", "AGGREGATE", "MIN", "WITHSCORES"),
    ("ZDIFF", "2", "u1", "u2", "WITHSCORES"), ("ZDIFF", "1", "nz"), ("ZUNION", "0", "u1"), ("ZINTER", "0", "u1"), ("ZDIFF", "0", "u1"), ("ZUNIONSTORE", "o", "0", "u1"), ("ZUNION", "x", "u1"), ("ZUNION", "3", "u1"),
    ("ZUNION", "2", "u1", "u2", "WEIGHTS", "x", "1"), ("ZUNION", "2", "u1", "u2", "AGGREGATE", "AVG"),
    ("ZUNIONSTORE", "out", "2", "u1", "u2"), ("ZRANGE", "out", "0", "-1", "WITHSCORES"), ("ZINTERSTORE", "out", "2", "u1", "nz"),
    ("EXISTS", "out"), ("ZDIFFSTORE", "out", "2", "u2", "u1"), ("ZINTERCARD", "2", "u1", "u2"), ("ZINTERCARD", "2", "u1", "u2", "LIMIT", "0"),
    ("ZINTERCARD", "0", "u1"), ("ZINTERCARD", "1", "u1", "LIMIT", "-1"), ("SET", "str", "x"), ("ZADD", "str", "1", "a"),
    ("ZUNION", "2", "u1", "str"), ("ZRANGE", "str", "0", "1"), ("ZRANDMEMBER", "nz"), ("ZRANDMEMBER", "nz", "2"),
    ("ZADD", "one", "7", "m"), ("ZRANDMEMBER", "one"), ("ZRANDMEMBER", "one", "2", "WITHSCORES"), ("ZRANDMEMBER", "one", "-2"),
    ("ZRANDMEMBER", "one", "1", "BAD"), ("ZSCAN", "one", "0"), ("ZSCAN", "nz", "0"), ("ZSCAN", "u2", "0", "MATCH", "c*"),
    ("OBJECT", "ENCODING", "u1"), ("ZADD", "f", "1.1", "x"), ("ZSCORE", "f", "x"), ("ZRANGE", "f", "0", "-1", "WITHSCORES"),
]


class DiffZSetTest(unittest.TestCase):
    def check(self, script):
        mismatches = harness.diff_against_redis(script)
        self.assertEqual(mismatches, [], "\n" + "\n".join(mismatches))

    def test_zsets(self):
        self.check(ZSETS)

    def test_resp3_shapes(self):
        self.check([("HELLO", "3", NOCMP)] + [s for s in ZSETS if s[0] != "BZPOPMIN" or s[-1] != "-1"])

    def test_bzpopmin_wakes(self):
        with harness.Server() as s:
            r = redis.Redis(port=s.redis_port)
            out = {}
            t = threading.Thread(target=lambda: out.update(v=redis.Redis(port=s.redis_port).bzpopmin("zq", 5)))
            t.start()
            time.sleep(0.2)
            r.zadd("zq", {"low": 1, "high": 2})
            t.join()
            self.assertEqual(out["v"], (b"zq", b"low", 1.0))
            self.assertEqual(r.zrange("zq", 0, -1), [b"high"])

    def test_large_zset_order_and_scan(self):
        with harness.Server() as s:
            r = redis.Redis(port=s.redis_port, decode_responses=True)
            r.zadd("big", {"m%04d" % i: (i * 7919) % 1000 for i in range(1000)})
            ranked = r.zrange("big", 0, -1, withscores=True)
            self.assertEqual([x[1] for x in ranked], sorted(x[1] for x in ranked))
            self.assertEqual(r.zrank("big", ranked[500][0]), 500)
            self.assertEqual(len(dict(r.zscan_iter("big", count=37))), 1000)
            self.assertEqual(r.object("encoding", "big"), "skiplist")


if __name__ == "__main__":
    unittest.main(verbosity=2)

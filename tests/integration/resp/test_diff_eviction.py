"""Differential test for maxmemory against Debian's redis-server, for what is
deterministic: CONFIG SET/GET of the eviction parameters and their errors,
OBJECT FREQ / IDLETIME under each kind of policy (errors, LFU counters that
only grow with certainty), and with maxmemory 1 (always over the limit):
which commands are refused with the OOM error and which still run, scripts,
MULTI/EXEC, and what each policy evicts when everything it may evict has to
go (key counts, INFO evicted_keys, the `evicted` events)."""
import hashlib
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import NOCMP, SECONDS, SORT, RespConn  # noqa: E402

POLICIES = ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu",
            "allkeys-random", "noeviction"]

CONFIG = [
    ("CONFIG", "SET", "maxmemory", "100mb"), ("CONFIG", "GET", "maxmemory"), ("CONFIG", "SET", "maxmemory", "1GB"),
    ("CONFIG", "GET", "maxmemory"), ("CONFIG", "SET", "maxmemory", "12345"), ("CONFIG", "GET", "maxmemory"),
    ("CONFIG", "SET", "maxmemory", "-1"), ("CONFIG", "SET", "maxmemory", "abc"), ("CONFIG", "SET", "maxmemory", "1k"),
    ("CONFIG", "GET", "maxmemory"), ("CONFIG", "SET", "maxmemory", "0"), ("CONFIG", "GET", "maxmemory"),
] + [step for p in POLICIES for step in (("CONFIG", "SET", "maxmemory-policy", p), ("CONFIG", "GET", "maxmemory-policy"))] + [
    ("CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU"), ("CONFIG", "GET", "maxmemory-policy"),
    ("CONFIG", "SET", "maxmemory-policy", "lru"), ("CONFIG", "SET", "maxmemory-policy", ""),
    ("CONFIG", "SET", "maxmemory-samples", "0"), ("CONFIG", "SET", "maxmemory-samples", "10"),
    ("CONFIG", "GET", "maxmemory-samples"), ("CONFIG", "SET", "maxmemory-samples", "x"),
    ("CONFIG", "SET", "maxmemory-eviction-tenacity", "101"), ("CONFIG", "SET", "maxmemory-eviction-tenacity", "-1"),
    ("CONFIG", "SET", "maxmemory-eviction-tenacity", "0"), ("CONFIG", "GET", "maxmemory-eviction-tenacity"),
    ("CONFIG", "SET", "lfu-log-factor", "-1"), ("CONFIG", "SET", "lfu-log-factor", "1"), ("CONFIG", "GET", "lfu-log-factor"),
    ("CONFIG", "SET", "lfu-decay-time", "-1"), ("CONFIG", "SET", "lfu-decay-time", "0"), ("CONFIG", "GET", "lfu-decay-time"),
    ("CONFIG", "GET", "maxmemory*", SORT), ("CONFIG", "GET", "lfu-*", SORT),
    ("CONFIG", "SET", "maxmemory", "10mb", "maxmemory-policy", "allkeys-lfu"), ("CONFIG", "GET", "maxmemory*", SORT),
    ("CONFIG", "SET", "maxmemory", "5mb", "maxmemory", "6mb"), ("CONFIG", "SET", "maxmemory", "1mb", "nope", "1"),
    ("CONFIG", "GET", "maxmemory"), ("CONFIG", "SET", "maxmemory", "0", "maxmemory-policy", "noeviction",
                                     "maxmemory-samples", "5", "maxmemory-eviction-tenacity", "10",
                                     "lfu-log-factor", "10", "lfu-decay-time", "1"),
    ("CONFIG", "GET", "maxmemory*", SORT), ("CONFIG", "GET", "lfu-*", SORT),
]

# LFU counters: a new key starts at 5 and an access at or below 5 always
# counts, so one access past creation is deterministic. A maxmemory is set
# so that Redis shares no integer objects between keys.
OBJECT = [
    ("SET", "a", "x"), ("OBJECT", "FREQ", "a"), ("OBJECT", "FREQ", "nokey"), ("OBJECT", "IDLETIME", "a", SECONDS),
    ("OBJECT", "IDLETIME", "nokey"), ("OBJECT", "FREQ"), ("OBJECT", "FREQ", "a", "b"),
    ("CONFIG", "SET", "maxmemory", "1gb"), ("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"),
    ("OBJECT", "IDLETIME", "a", SECONDS), ("OBJECT", "IDLETIME", "nokey"), ("OBJECT", "FREQ", "nokey"),
    ("SET", "b", "hello"), ("OBJECT", "FREQ", "b"), ("GET", "b"), ("OBJECT", "FREQ", "b"), ("EXISTS", "b"),
    ("TYPE", "b"), ("TTL", "b"), ("PTTL", "b"), ("OBJECT", "ENCODING", "b"), ("MEMORY", "USAGE", "b", NOCMP),
    ("OBJECT", "FREQ", "b"),
    ("INCR", "n"), ("OBJECT", "FREQ", "n"), ("INCR", "n"), ("OBJECT", "FREQ", "n"),
    ("LPUSH", "l", "a"), ("OBJECT", "FREQ", "l"), ("RPUSH", "l", "b"), ("OBJECT", "FREQ", "l"),
    ("HSET", "h", "f", "v"), ("OBJECT", "FREQ", "h"), ("SADD", "s", "m"), ("OBJECT", "FREQ", "s"),
    ("ZADD", "z", "1", "m"), ("OBJECT", "FREQ", "z"), ("APPEND", "ap", "x"), ("OBJECT", "FREQ", "ap"),
    ("SET", "r", "v"), ("RENAME", "r", "r2"), ("OBJECT", "FREQ", "r2"),
    ("SET", "o", "v"), ("SET", "o", "w"), ("OBJECT", "FREQ", "o"),
    ("MSET", "m", "1"), ("OBJECT", "FREQ", "m"), ("MSET", "m", "2"), ("OBJECT", "FREQ", "m"),
    ("CONFIG", "SET", "maxmemory-policy", "volatile-lfu"), ("OBJECT", "FREQ", "b"), ("OBJECT", "IDLETIME", "b", SECONDS),
    ("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"), ("OBJECT", "FREQ", "b"),
    ("CONFIG", "SET", "maxmemory-policy", "volatile-ttl"), ("OBJECT", "FREQ", "b"),
    ("CONFIG", "SET", "maxmemory", "0"), ("CONFIG", "SET", "maxmemory-policy", "noeviction"),
]

LIB = ("#!lua name=evlib\n"
       "redis.register_function('w', function(k, a) return redis.call('set', 'fw', '1') end)\n"
       "redis.register_function{function_name='r', callback=function(k, a) return 1 end, flags={'no-writes'}}\n"
       "redis.register_function{function_name='o', callback=function(k, a) return redis.call('set', 'fo', '1') end,"
       " flags={'allow-oom'}}\n")

SETUP = [
    ("SET", "k", "v"), ("RPUSH", "l", "a", "b", "c"), ("SADD", "s", "m", "n"), ("SADD", "s2", "n"),
    ("HSET", "h", "f", "v"), ("ZADD", "z", "1", "m", "2", "n"), ("XADD", "x", "1-1", "f", "v"), ("SET", "n", "5"),
    ("SET", "t", "v", "EX", "100"), ("PFADD", "hll", "a"), ("GEOADD", "g", "13.36", "38.11", "p"),
    ("FUNCTION", "LOAD", LIB), ("SCRIPT", "LOAD", "return 1"), ("XGROUP", "CREATE", "x", "old", "0"),
]

# Every denyoom command of redis-server 7.0 (COMMAND INFO), with arguments
# that would otherwise succeed or fail in their own way: all refused first.
DENYOOM = [
    ("SET", "k", "v2"), ("SETNX", "new", "v"), ("SETEX", "k", "10", "v"), ("PSETEX", "k", "10000", "v"),
    ("GETSET", "k", "v"), ("MSET", "a", "1"), ("MSETNX", "a", "1"), ("APPEND", "k", "x"), ("INCR", "n"),
    ("DECR", "n"), ("INCRBY", "n", "2"), ("DECRBY", "n", "2"), ("INCRBYFLOAT", "n", "1.5"), ("SETRANGE", "k", "0", "x"),
    ("SETBIT", "k", "1", "1"), ("BITFIELD", "k", "GET", "u8", "0"), ("BITOP", "AND", "d", "k"), ("LPUSH", "l", "x"),
    ("RPUSH", "l", "x"), ("LPUSHX", "l", "x"), ("RPUSHX", "l", "x"), ("LINSERT", "l", "BEFORE", "a", "x"),
    ("LSET", "l", "0", "x"), ("LMOVE", "l", "l2", "LEFT", "LEFT"), ("RPOPLPUSH", "l", "l2"),
    ("BLMOVE", "l", "l2", "LEFT", "LEFT", "0"), ("BRPOPLPUSH", "l", "l2", "0"), ("SADD", "s", "x"),
    ("SINTERSTORE", "d", "s", "s2"), ("SUNIONSTORE", "d", "s"), ("SDIFFSTORE", "d", "s"), ("HSET", "h", "f", "x"),
    ("HSETNX", "h", "g", "x"), ("HMSET", "h", "f", "x"), ("HINCRBY", "h", "c", "1"), ("HINCRBYFLOAT", "h", "c", "1"),
    ("ZADD", "z", "3", "o"), ("ZINCRBY", "z", "1", "m"), ("ZUNIONSTORE", "d", "1", "z"), ("ZINTERSTORE", "d", "1", "z"),
    ("ZDIFFSTORE", "d", "1", "z"), ("ZRANGESTORE", "d", "z", "0", "-1"), ("GEOADD", "g", "13.3", "38.1", "q"),
    ("GEORADIUS", "g", "13.36", "38.11", "10", "km"), ("GEORADIUSBYMEMBER", "g", "p", "10", "km"),
    ("GEOSEARCHSTORE", "d", "g", "FROMMEMBER", "p", "BYRADIUS", "10", "km"), ("PFADD", "hll", "b"),
    ("PFMERGE", "d", "hll"), ("XADD", "x", "*", "f", "v"), ("XSETID", "x", "5-5"), ("XGROUP", "CREATE", "x", "g", "$"),
    ("XGROUP", "CREATECONSUMER", "x", "old", "c"), ("SORT", "l"), ("SORT", "l", "STORE", "d"),
    ("RESTORE", "r", "0", "junk"), ("COPY", "k", "k2"), ("FUNCTION", "LOAD", "junk"), ("FUNCTION", "RESTORE", "junk"),
    ("set", "k", "lowercase"),
]

# What still runs with used memory over maxmemory.
ALLOWED = [
    ("GET", "k"), ("MGET", "k", "n", "nope"), ("STRLEN", "k"), ("GETRANGE", "k", "0", "0"), ("LRANGE", "l", "0", "-1"),
    ("LINDEX", "l", "0"), ("SMEMBERS", "s", SORT), ("HGETALL", "h"), ("ZRANGE", "z", "0", "-1", "WITHSCORES"),
    ("XRANGE", "x", "-", "+"), ("PFCOUNT", "hll"), ("BITFIELD_RO", "k", "GET", "u8", "0"), ("SORT_RO", "l", "ALPHA"),
    ("GEOSEARCH", "g", "FROMMEMBER", "p", "BYRADIUS", "10", "km"), ("GEORADIUS_RO", "g", "13.36", "38.11", "10", "km"),
    ("EXISTS", "k", "nope"), ("TYPE", "h"), ("TTL", "t", NOCMP), ("DBSIZE",), ("PING",), ("ECHO", "hi"),
    ("PUBLISH", "ch", "m"), ("SELECT", "0"), ("LPOP", "l"), ("RPOP", "l"), ("SREM", "s", "m"), ("HDEL", "h", "f"),
    ("ZREM", "z", "m"), ("ZPOPMIN", "z"), ("XDEL", "x", "1-1"), ("XTRIM", "x", "MAXLEN", "0"),
    ("XGROUP", "DESTROY", "x", "old"), ("EXPIRE", "k", "100"), ("PEXPIRE", "k", "100000"), ("PERSIST", "k"),
    ("GETEX", "k"), ("GETDEL", "n"), ("LTRIM", "l", "0", "-1"), ("RENAME", "k", "k3"), ("RENAMENX", "k3", "k"),
    ("MOVE", "k", "1"), ("SWAPDB", "0", "1"), ("SWAPDB", "0", "1"), ("SELECT", "1"), ("DEL", "k"), ("SELECT", "0"),
    ("UNLINK", "s2"), ("SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"),
    ("SCRIPT", "LOAD", "return 2"), ("CONFIG", "SET", "maxmemory-samples", "5"), ("INFO", "keyspace", NOCMP),
    ("EVAL", "return 1", "0"), ("EVAL", "return redis.call('get', 'h')", "0"),
    ("EVAL", "return redis.call('set', 'e', '1')", "0"), ("EVAL", "return redis.pcall('set', 'e', '1')", "0"),
    ("EVAL", "redis.call('del', 'z') return redis.call('set', 'e', '1')", "0"), ("GET", "e"),
    ("EVAL", "#!lua\nreturn 1", "0"), ("EVAL", "#!lua flags=no-writes\nreturn 1", "0"),
    ("EVAL", "#!lua flags=no-writes\nreturn redis.call('set', 'e', '2')", "0"),
    ("EVAL", "#!lua flags=allow-oom\nreturn redis.call('set', 'e', '3')", "0"), ("GET", "e"),
    ("EVAL", "#!lua flags=allow-oom,no-writes\nreturn 1", "0"),
    ("EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"), ("EVAL_RO", "return 1", "0"),
    ("FCALL", "w", "0"), ("FCALL", "r", "0"), ("FCALL_RO", "r", "0"), ("FCALL", "o", "0"), ("GET", "fo"),
    ("FCALL", "nofunc", "0"), ("FUNCTION", "DELETE", "evlib"),
    ("MULTI",), ("GET", "e"), ("DISCARD",), ("MULTI",), ("MULTI",), ("WATCH", "e"), ("EXEC",),
    ("MULTI",), ("EXEC",), ("EXEC",), ("DISCARD",), ("WATCH", "e"), ("UNWATCH",),
    ("FLUSHDB",), ("SET", "after", "flush"), ("DBSIZE",),
    ("CONFIG", "SET", "maxmemory", "0"), ("SET", "after", "limit"), ("GET", "after"),
]


def over_limit(policy):
    return [("CONFIG", "SET", "maxmemory-policy", policy), ("CONFIG", "SET", "maxmemory", "1")]


NOEVICTION = SETUP + over_limit("noeviction") + DENYOOM + ALLOWED


def everything_evictable_goes(policy):
    """With maxmemory 1 every candidate of the policy is evicted."""
    return [
        ("SELECT", "3"), ("SET", "p1", "v"), ("RPUSH", "p2", "a"), ("SET", "v1", "v", "EX", "1000"),
        ("HSET", "v2", "f", "v"), ("EXPIRE", "v2", "2000"), ("SELECT", "0"), ("SET", "p3", "v"),
        ("SET", "v3", "v", "PX", "500000"),
    ] + over_limit(policy) + [
        ("DBSIZE",), ("EXISTS", "p3", "v3"), ("SET", "x", "1"), ("GET", "p3"), ("SELECT", "3"), ("DBSIZE",),
        ("EXISTS", "p1", "p2", "v1", "v2"), ("SELECT", "0"), ("CONFIG", "SET", "maxmemory", "0"),
        ("SET", "x", "1"), ("FLUSHALL",), ("CONFIG", "SET", "maxmemory-policy", "noeviction"),
    ]


def info_field(conn, section, field):
    text = conn.cmd("INFO", section).decode()
    for line in text.split("\r\n"):
        if line.startswith(field + ":"):
            return line.split(":", 1)[1]
    return None


class DiffEvictionTest(unittest.TestCase):
    def check(self, script):
        mismatches = harness.diff_against_redis(script)
        self.assertEqual(mismatches, [], "\n" + "\n".join(mismatches))

    def test_config_round_trips(self):
        self.check(CONFIG)

    def test_object_freq_and_idletime(self):
        self.check(OBJECT)

    def test_noeviction_refuses_denyoom_commands_only(self):
        self.check(NOEVICTION)

    def test_each_policy_over_the_limit(self):
        for policy in POLICIES:
            with self.subTest(policy=policy):
                self.check(everything_evictable_goes(policy))
                self.check(SETUP + over_limit(policy) + DENYOOM[:12] + ALLOWED[:20])

    def test_exec_refused_when_memory_ran_out_after_queuing(self):
        body = "#!lua\nreturn 3"
        sha = hashlib.sha1(body.encode()).hexdigest()

        def run(port):
            a, b = RespConn(port), RespConn(port)
            low, high = ("CONFIG", "SET", "maxmemory", "1"), ("CONFIG", "SET", "maxmemory", "0")
            steps = [
                (a, "MULTI"), (a, "SET", "q", "1"), (a, "GET", "q"), (b, *low), (a, "EXEC"), (a, "EXEC"),
                (a, "GET", "q"), (b, *high),
                (a, "MULTI"), (a, "GET", "q"), (b, *low), (a, "EXEC"), (b, *high),
                (a, "MULTI"), (a, "EVAL", "#!lua flags=no-writes\nreturn 2", "0"), (b, *low), (a, "EXEC"), (b, *high),
                (a, "MULTI"), (a, "EVAL", "#!lua\nreturn 1", "0"), (b, *low), (a, "EXEC"), (b, *high),
                # A script unknown when queued counts as EVALSHA's own flags
                # (not denyoom); it is then refused when it starts.
                (b, "SCRIPT", "FLUSH"), (a, "MULTI"), (a, "EVALSHA", sha, "0"), (b, "SCRIPT", "LOAD", body),
                (b, *low), (a, "EXEC"), (b, *high),
                (a, "MULTI"), (a, "EVALSHA", sha, "0"), (b, *low), (a, "EXEC"), (b, *high),
                (a, "WATCH", "q"), (b, *low), (a, "WATCH", "q"), (a, "MULTI"), (a, "RESET"), (b, *high),
            ]
            out = [conn.cmd(*args) for conn, *args in steps]
            a.close()
            b.close()
            return out

        with harness.RealServer("redis") as real, harness.Server() as luma:
            expected = run(real.port)
            got = run(luma.redis_port)
        self.assertEqual(got, expected)

    def test_evicted_keys_events_and_counters(self):
        def run(port, policy):
            sub = RespConn(port)
            sub.cmd("PSUBSCRIBE", "__key*__:*")
            c = RespConn(port)
            c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")
            for db in (0, 5):
                c.cmd("SELECT", str(db))
                for i in range(20):
                    c.cmd("SET", "k%d" % i, "v")
                    if i % 2:
                        c.cmd("EXPIRE", "k%d" % i, "1000")
            c.cmd("CONFIG", "SET", "maxmemory-policy", policy)
            c.cmd("CONFIG", "SET", "maxmemory", "1")
            c.cmd("DBSIZE")
            c.cmd("CONFIG", "SET", "maxmemory", "0")
            c.cmd("PUBLISH", "__keyevent@15__:sentinel", "end")
            events = []
            while True:
                m = sub.read()
                if m[2] == b"__keyevent@15__:sentinel":
                    break
                events.append((m[2], m[3]))
            counts = [info_field(c, "stats", "evicted_keys"), c.cmd("SELECT", "0"), c.cmd("DBSIZE"), c.cmd("SELECT", "5"),
                      c.cmd("DBSIZE")]
            sub.close()
            c.close()
            evicted = sorted(e for e in events if b"evicted" in e[0] or e[1] == b"evicted")
            return counts, evicted

        for policy in ("allkeys-random", "volatile-lru", "volatile-ttl", "allkeys-lfu"):
            with self.subTest(policy=policy):
                with harness.RealServer("redis") as real, harness.Server() as luma:
                    expected = run(real.port, policy)
                    got = run(luma.redis_port, policy)
                self.assertEqual(got, expected)
                self.assertEqual(len(expected[1]), 2 * (40 if policy.startswith("allkeys") else 20))


if __name__ == "__main__":
    unittest.main()

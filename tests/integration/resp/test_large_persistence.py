"""Large collections (stored one RocksDB entry per element) across restarts.

Every collection type is made large, then changed by the commands of its
family; what a client reads before a restart (clean, or kill -9 with
durability=always) must be what it reads after. A kill -9 under write load
into large collections must keep every acknowledged change.
"""
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import redis  # noqa: E402

N = 600  # above the per-element threshold (256 elements)


def state(r):
    """Everything a client can read of the keyspace, for comparison."""
    out = {}
    for db in (0, 1):
        r.execute_command("SELECT", db)
        for key in sorted(r.keys("*")):
            t = r.type(key)
            ttl = r.pttl(key)
            ttl = "none" if ttl < 0 else "set"
            if t == b"hash":
                v = sorted(r.hgetall(key).items())
            elif t == b"set":
                v = sorted(r.smembers(key))
            elif t == b"zset":
                v = r.zrange(key, 0, -1, withscores=True)
            elif t == b"list":
                v = r.lrange(key, 0, -1)
            elif t == b"stream":
                v = mask_stream(r.execute_command("XINFO", "STREAM", key, "FULL"))
            else:
                v = r.get(key)
            out[(db, key)] = (t, ttl, v)
    r.execute_command("SELECT", 0)
    return out


def mask_stream(v):
    """XINFO STREAM FULL without clock-relative figures (idle times move)."""
    if isinstance(v, list):
        out = []
        skip = False
        for x in v:
            if skip:
                out.append("T")
                skip = False
                continue
            if x in (b"active-time", b"seen-time"):
                skip = True
            out.append(mask_stream(x))
        return out
    return v


def fill(r):
    p = r.pipeline(transaction=False)
    for i in range(N):
        p.hset("hash", "f%d" % i, "v%d" % i)
        p.sadd("set", "m%d" % i)
        p.sadd("set2", "n%d" % i)
        p.zadd("zset", {"z%d" % i: i % 50})
        p.rpush("list", "e%d" % i)
        p.rpush("list2", "x%d" % i)
        p.xadd("stream", {"i": i, "pad": "p" * (i % 30)}, id="%d-1" % (i + 1))
        p.geoadd("geo", (13.0 + i / 1000.0, 52.0 + i / 1000.0, "place%d" % i))
        p.hset("doomed", "f%d" % i, i)
        p.rpush("renamed", i)
    p.execute()
    r.xgroup_create("stream", "g", id="0")
    r.xgroup_create("stream", "g2", id="$")


def mutate(r):
    mutate_data(r)
    mutate_once(r)


def mutate_data(r):
    """Commands of every family on the large collections (repeatable)."""
    # Hashes.
    r.hset("hash", mapping={"f1": "changed", "new1": "a", "new2": "b"})
    r.hdel("hash", "f2", "f3", "missing")
    r.hsetnx("hash", "f4", "kept")
    r.hsetnx("hash", "nx", "added")
    r.hincrby("hash", "counter", 5)
    r.hincrbyfloat("hash", "float", 1.5)
    r.hmset("hash", {"f5": "m5"})
    # Sets.
    r.sadd("set", "extra1", "extra2", "m1")
    r.srem("set", "m7", "m8", "nope")
    r.spop("set", 3)
    r.smove("set", "set2", "m10")
    r.smove("set2", "set", "n11")
    # Sorted sets and geo.
    r.zadd("zset", {"z1": 1000, "znew": -5})
    r.zadd("zset", {"z2": 1}, xx=True, ch=True)
    r.zadd("zset", {"z3": 7}, incr=True)
    r.zincrby("zset", 2.5, "z4")
    r.zrem("zset", "z5", "z6")
    r.zremrangebyscore("zset", 10, 11)
    r.zremrangebyrank("zset", 0, 1)
    r.zremrangebylex("zset", "[z90", "[z91")
    r.zpopmin("zset", 2)
    r.zpopmax("zset")
    r.bzpopmin("zset", 1)
    r.execute_command("ZMPOP", 1, "zset", "MAX", "COUNT", 2)
    r.geoadd("geo", (13.5, 52.5, "newplace"))
    r.zrem("geo", "place3")
    # Lists.
    r.rpush("list", "r1", "r2")
    r.lpush("list", "l1", "l2", "l3")
    r.lpop("list", 2)
    r.rpop("list")
    r.lset("list", 5, "set5")
    r.lset("list", -3, "setm3")
    r.ltrim("list", 3, -4)
    r.lmove("list", "list", "RIGHT", "LEFT")
    r.lmove("list", "list2", "LEFT", "RIGHT")
    r.rpoplpush("list2", "list")
    r.blpop("list2", 1)
    r.execute_command("LMPOP", 1, "list2", "RIGHT", "COUNT", 3)
    r.linsert("list2", "BEFORE", "x100", "inserted")
    r.lrem("list2", 1, "x200")
    r.rpushx("list2", "pushx")
    # Streams.
    r.xadd("stream", {"auto": 1})
    r.xdel("stream", "5-1", "6-1", "200-1")
    r.xtrim("stream", maxlen=N - 20, approximate=False)
    r.xadd("stream", {"trimmed": 1}, maxlen=N - 30)
    r.xreadgroup("g", "alice", {"stream": ">"}, count=40)
    r.xreadgroup("g", "bob", {"stream": ">"}, count=10)
    r.xreadgroup("g", "alice", {"stream": "0"}, count=5)
    pending = [e["message_id"] for e in r.xpending_range("stream", "g", "-", "+", 50)]
    r.xack("stream", "g", *pending[:7])
    r.xclaim("stream", "g", "carol", 0, pending[10:13], idle=5000, retrycount=3)
    r.xautoclaim("stream", "g", "dave", 0, start_id="0-0", count=4)
    r.xgroup_createconsumer("stream", "g", "eve")
    r.xgroup_delconsumer("stream", "g", "bob")
    r.xgroup_setid("stream", "g2", id="100-1")
    r.xreadgroup("g2", "zed", {"stream": ">"}, count=3, noack=True)
    r.expire("hash", 10000)
    r.expire("set", 10000)
    r.persist("set")


def mutate_once(r):
    """Group creation and whole-key operations (once per keyspace)."""
    r.xgroup_create("stream", "g3", id="0")
    r.xreadgroup("g3", "x", {"stream": ">"}, count=2)
    r.xgroup_destroy("stream", "g3")
    r.xgroup_create("stream", "g3", id="50-1")
    last = r.xinfo_stream("stream")["last-generated-id"]
    r.execute_command("XSETID", "stream", "%d-0" % (int(last.split(b"-")[0]) + 1000), "ENTRIESADDED", 100000)
    # Whole-key operations on large keys.
    r.rename("renamed", "renamed2")
    r.copy("hash", "hashcopy", destination_db=1)
    r.delete("doomed")
    r.hset("doomed", "back", "again")
    r.set("list3", "was never a list")


class LargePersistenceTest(unittest.TestCase):
    def test_every_family_on_large_collections_survives_restart(self):
        with harness.Server() as s:
            r = redis.Redis(port=s.redis_port)
            fill(r)
            r.save()  # stored per element from here on
            mutate(r)
            before = state(r)
            s.restart()
            r = redis.Redis(port=s.redis_port)
            self.assertEqual(state(r), before)
            # And once more after changing the reloaded collections.
            mutate_data(r)
            before = state(r)
            s.restart()
            r = redis.Redis(port=s.redis_port)
            self.assertEqual(state(r), before)

    def test_acknowledged_changes_survive_kill9_with_durability_always(self):
        # Each command is flushed alone, so each is written as its own change.
        with harness.Server(args=["--durability", "always"]) as s:
            r = redis.Redis(port=s.redis_port)
            fill(r)
            mutate(r)
            before = state(r)
            s.kill9()
            s.start()
            r = redis.Redis(port=s.redis_port)
            self.assertEqual(state(r), before)

    def test_shrinking_growing_flushdb_and_swapdb(self):
        with harness.Server(args=["--durability", "always"]) as s:
            r = redis.Redis(port=s.redis_port)
            fill(r)
            # Shrink a large hash below the threshold (back to one entry)
            # and grow a small set past it.
            r.hdel("hash", *["f%d" % i for i in range(N - 20)])
            r.sadd("small", *["s%d" % i for i in range(10)])
            r.sadd("small", *["s%d" % i for i in range(10, 700)])
            r.swapdb(0, 1)
            r.execute_command("SELECT", 1)
            r.rpush("list", "after-swap")
            r.hset("hash", "after-swap", "1")
            r.execute_command("SELECT", 0)
            r.hset("db0", mapping={"f%d" % i: i for i in range(400)})
            r.flushdb()
            r.hset("db0", mapping={"g%d" % i: i for i in range(300)})
            before = state(r)
            s.kill9()
            s.start()
            r = redis.Redis(port=s.redis_port)
            self.assertEqual(state(r), before)


class KillNineLargeTest(unittest.TestCase):
    def test_acknowledged_writes_into_large_collections_survive_kill9(self):
        with harness.Server(args=["--durability", "always"]) as s:
            r = redis.Redis(port=s.redis_port)
            p = r.pipeline(transaction=False)
            for i in range(2000):
                p.hset("h", "base%d" % i, i)
                p.sadd("s", "base%d" % i)
                p.zadd("z", {"base%d" % i: i})
                p.rpush("l", "base%d" % i)
                p.rpush("q", "q%d" % i)
                p.xadd("x", {"base": i})
            p.execute()
            r.xgroup_create("x", "g", id="0")
            lock = threading.Lock()
            stop = threading.Event()
            acked = {"h": {}, "hdel": set(), "s": set(), "srem": set(), "z": {}, "l": [], "pop": [], "x": {},
                     "xack": set()}

            def writer(wid):
                c = redis.Redis(port=s.redis_port, socket_timeout=5)
                i = 0
                while not stop.is_set():
                    tag = "w%d:%d" % (wid, i)
                    try:
                        kind = i % 6
                        if kind == 0:
                            c.hset("h", tag, i)
                            if i % 4 == 0:
                                c.hdel("h", "base%d" % (wid * 300 + i // 4))
                        elif kind == 1:
                            c.sadd("s", tag)
                            if i % 4 == 1:
                                c.srem("s", "base%d" % (wid * 300 + i // 4))
                        elif kind == 2:
                            c.zadd("z", {tag: i})
                        elif kind == 3:
                            c.rpush("l", tag)
                        elif kind == 4:
                            popped = c.lpop("q")
                        else:
                            entry = c.xadd("x", {"w": wid, "i": i})
                            got = c.xreadgroup("g", "c%d" % wid, {"x": ">"}, count=1)
                            read = got[0][1][0][0] if got else None
                            if read is not None:
                                c.xack("x", "g", read)
                    except (redis.ConnectionError, redis.TimeoutError, OSError):
                        return
                    with lock:
                        if kind == 0:
                            acked["h"][tag] = str(i).encode()
                            if i % 4 == 0:
                                acked["hdel"].add("base%d" % (wid * 300 + i // 4))
                        elif kind == 1:
                            acked["s"].add(tag)
                            if i % 4 == 1:
                                acked["srem"].add("base%d" % (wid * 300 + i // 4))
                        elif kind == 2:
                            acked["z"][tag] = float(i)
                        elif kind == 3:
                            acked["l"].append(tag)
                        elif kind == 4:
                            if popped is not None:
                                acked["pop"].append(popped)
                        else:
                            acked["x"][entry] = (wid, i)
                            if read is not None:
                                acked["xack"].add(read)
                    i += 1

            s.kill9_under_load(writer, 6, stop, seconds=2.0)
            self.assertGreater(len(acked["h"]) + len(acked["x"]), 100, "the write load did not run")
            s.start()
            r = redis.Redis(port=s.redis_port)
            h = r.hgetall("h")
            for f, v in acked["h"].items():
                self.assertEqual(h.get(f.encode()), v, "acknowledged HSET %s lost" % f)
            for f in acked["hdel"]:
                self.assertNotIn(f.encode(), h, "acknowledged HDEL %s lost" % f)
            members = r.smembers("s")
            for m in acked["s"]:
                self.assertIn(m.encode(), members, "acknowledged SADD %s lost" % m)
            for m in acked["srem"]:
                self.assertNotIn(m.encode(), members, "acknowledged SREM %s lost" % m)
            for m, score in acked["z"].items():
                self.assertEqual(r.zscore("z", m), score, "acknowledged ZADD %s lost" % m)
            pushed = set(x.decode() for x in r.lrange("l", 2000, -1))
            for e in acked["l"]:
                self.assertIn(e, pushed, "acknowledged RPUSH %s lost" % e)
            self.assertEqual(r.lrange("l", 0, 1999), [("base%d" % i).encode() for i in range(2000)])
            remaining = set(r.lrange("q", 0, -1))
            for e in acked["pop"]:
                self.assertNotIn(e, remaining, "acknowledged LPOP of %s lost" % e)
            entries = {e: (int(f[b"w"]), int(f[b"i"])) for e, f in r.xrange("x") if b"w" in f}
            for e, what in acked["x"].items():
                self.assertEqual(entries.get(e), what, "acknowledged XADD %r lost" % (e,))
            pel = set(e["message_id"] for e in r.xpending_range("x", "g", "-", "+", 100000))
            for e in acked["xack"]:
                self.assertNotIn(e, pel, "acknowledged XACK of %r lost" % (e,))


if __name__ == "__main__":
    unittest.main(verbosity=2)

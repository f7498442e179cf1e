"""maxmemory and eviction with redis-py against LumaDB: each policy fills
past a small limit and the survivors are checked (allkeys-lru keeps recently
read keys, allkeys-lfu frequently read ones, volatile-* evicts only keys with
a TTL and then refuses writes, volatile-ttl the nearest expiries first,
noeviction refuses writes but serves reads and DEL), INFO's figures, the
`evicted` keyspace event, WATCH, OBJECT FREQ/IDLETIME, scripts, memcached
items in the same engine, the start-up options and that evicted keys are
gone from disk too."""
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import redis  # noqa: E402

OOM = "OOM command not allowed when used memory > 'maxmemory'."
VALUE = "v" * 1000


def fill(r, prefix, n, ttl=None, start=0):
    p = r.pipeline(transaction=False)
    for i in range(start, start + n):
        if ttl is None:
            p.set("%s%d" % (prefix, i), VALUE)
        else:
            p.set("%s%d" % (prefix, i), VALUE, ex=ttl(i))
    p.execute()


def limit_at_current_use(r, policy, extra=0):
    """Sets the policy and maxmemory to what is used now (plus extra bytes)."""
    r.config_set("maxmemory-policy", policy)
    used = r.info("memory")["used_memory"]
    r.config_set("maxmemory", used + extra)
    return used + extra


def wait_until(done, seconds=10):
    """Evictions that follow a lower maxmemory may finish after CONFIG SET
    returns: a round that runs past the tenacity's time budget goes on in
    the background (slow builds such as the sanitizer one get there)."""
    deadline = time.time() + seconds
    while not done() and time.time() < deadline:
        time.sleep(0.05)


def wait_within_limit(r):
    def within():
        m = r.info("memory")
        return m["used_memory"] <= m["maxmemory"]
    wait_until(within)


def alive(r, keys):
    p = r.pipeline(transaction=False)
    for k in keys:
        p.exists(k)
    return sum(p.execute())


class ServerTest(unittest.TestCase):
    """A fresh server per test, with a client on it as self.r."""

    def setUp(self):
        self.server = harness.Server().start()
        self.r = redis.Redis(port=self.server.redis_port, decode_responses=True)

    def tearDown(self):
        try:
            self.server.stop()
        finally:
            self.server.cleanup()


class EvictionPoliciesTest(ServerTest):
    def test_allkeys_lru_keeps_recently_read_keys(self):
        r = self.r
        fill(r, "old:", 500)
        # The LRU clock ticks in seconds, as Redis's does.
        time.sleep(2.2)
        recent = ["old:%d" % i for i in range(50)]
        for k in recent:
            self.assertEqual(r.get(k), VALUE)
        limit = limit_at_current_use(r, "allkeys-lru")
        fill(r, "new:", 300)
        info = r.info()
        self.assertLessEqual(info["used_memory"], limit)
        self.assertGreaterEqual(info["evicted_keys"], 250)
        self.assertGreaterEqual(alive(r, recent), 45)
        stale = ["old:%d" % i for i in range(50, 500)]
        self.assertLessEqual(alive(r, stale), 450 - 250)

    def test_allkeys_lfu_keeps_frequently_read_keys(self):
        r = self.r
        r.config_set("maxmemory-policy", "allkeys-lfu")
        fill(r, "k:", 400)
        hot = ["k:%d" % i for i in range(0, 400, 8)]
        p = r.pipeline(transaction=False)
        for _ in range(30):
            for k in hot:
                p.get(k)
        p.execute()
        self.assertGreater(r.object("freq", hot[0]), 5)
        self.assertEqual(r.object("freq", "k:1"), 5)
        limit_at_current_use(r, "allkeys-lfu")
        fill(r, "new:", 200)
        self.assertGreaterEqual(r.info("stats")["evicted_keys"], 150)
        self.assertGreaterEqual(alive(r, hot), len(hot) - 3)

    def test_volatile_lru_evicts_only_keys_with_a_ttl_then_refuses(self):
        r = self.r
        fill(r, "ttl:", 200, ttl=lambda i: 3600)
        fill(r, "keep:", 200)
        limit_at_current_use(r, "volatile-lru")
        fill(r, "new:", 100)
        self.assertEqual(alive(r, ["keep:%d" % i for i in range(200)]), 200)
        self.assertLess(alive(r, ["ttl:%d" % i for i in range(200)]), 200 - 80)
        # Keep writing until no key with a TTL is left: then writes are refused.
        with self.assertRaises(redis.exceptions.ResponseError) as cm:
            for i in range(1000):
                r.set("more:%d" % i, VALUE)
        self.assertEqual(str(cm.exception), OOM)
        self.assertEqual(alive(r, ["ttl:%d" % i for i in range(200)]), 0)
        self.assertEqual(alive(r, ["keep:%d" % i for i in range(200)]), 200)
        self.assertEqual(r.get("keep:7"), VALUE)
        self.assertEqual(r.delete("keep:7"), 1)

    def test_volatile_random_and_volatile_lfu_spare_persistent_keys(self):
        r = self.r
        for policy in ("volatile-random", "volatile-lfu"):
            r.config_set("maxmemory", 0)
            r.flushall()
            fill(r, "ttl:", 150, ttl=lambda i: 3600)
            fill(r, "keep:", 150)
            limit_at_current_use(r, policy)
            fill(r, "new:", 80, ttl=lambda i: 3600)
            self.assertEqual(alive(r, ["keep:%d" % i for i in range(150)]), 150, policy)
            self.assertLess(alive(r, ["ttl:%d" % i for i in range(150)]) + alive(r, ["new:%d" % i for i in range(80)]),
                            230 - 60, policy)

    def test_volatile_ttl_evicts_the_nearest_expiries_first(self):
        r = self.r
        fill(r, "t:", 300, ttl=lambda i: 1000 + 10 * i)
        limit_at_current_use(r, "volatile-ttl")
        fill(r, "new:", 100)
        soon = alive(r, ["t:%d" % i for i in range(100)])
        late = alive(r, ["t:%d" % i for i in range(200, 300)])
        self.assertLess(soon, 30)
        self.assertGreater(late, 90)
        self.assertEqual(alive(r, ["new:%d" % i for i in range(100)]), 100)

    def test_noeviction_refuses_writes_but_serves_reads_and_del(self):
        r = self.r
        fill(r, "k:", 50)
        r.config_set("maxmemory", 1)
        for call in (lambda: r.set("x", "1"), lambda: r.incr("n"), lambda: r.lpush("l", "a"),
                     lambda: r.hset("h", "f", "v"), lambda: r.append("k:1", "x")):
            with self.assertRaises(redis.exceptions.ResponseError) as cm:
                call()
            self.assertEqual(str(cm.exception), OOM)
        self.assertEqual(r.get("k:1"), VALUE)
        self.assertEqual(r.dbsize(), 50)
        self.assertEqual(r.delete("k:1", "k:2"), 2)
        self.assertTrue(r.expire("k:3", 100))
        self.assertEqual(r.info("stats")["evicted_keys"], 0)
        r.config_set("maxmemory", 0)
        self.assertTrue(r.set("x", "1"))

    def test_info_reports_memory_policy_and_evictions(self):
        r = self.r
        info = r.info("memory")
        self.assertEqual(info["maxmemory"], 0)
        self.assertEqual(info["maxmemory_policy"], "noeviction")
        self.assertEqual(info["mem_not_counted_for_evict"], 0)
        base = info["used_memory"]
        self.assertEqual(base, info["used_memory_startup"])
        fill(r, "k:", 100)
        grown = r.info("memory")["used_memory"]
        # Each 1000-byte value costs about a kilobyte and a small overhead.
        self.assertGreater(grown - base, 100 * 1000)
        self.assertLess(grown - base, 100 * 1300)
        r.delete(*["k:%d" % i for i in range(100)])
        self.assertEqual(r.info("memory")["used_memory"], base)
        fill(r, "k:", 100)
        r.config_set("maxmemory-policy", "allkeys-random")
        r.config_set("maxmemory", base + 50 * 1100)
        wait_within_limit(r)
        info = r.info()
        self.assertEqual(info["maxmemory"], base + 50 * 1100)
        self.assertEqual(info["maxmemory_policy"], "allkeys-random")
        self.assertLessEqual(info["used_memory"], info["maxmemory"])
        self.assertGreaterEqual(info["evicted_keys"], 50)
        self.assertEqual(info["evicted_keys"] + r.dbsize(), 100)
        r.config_resetstat()
        self.assertEqual(r.info("stats")["evicted_keys"], 0)


class EvictionEffectsTest(ServerTest):
    def test_evicted_keys_emit_the_evicted_event(self):
        r = self.r
        r.config_set("notify-keyspace-events", "Ee")
        sub = redis.Redis(port=self.server.redis_port, decode_responses=True).pubsub()
        sub.subscribe("__keyevent@0__:evicted")
        self.assertEqual(sub.get_message(timeout=5)["type"], "subscribe")
        fill(r, "k:", 100)
        r.config_set("maxmemory-policy", "allkeys-lru")
        r.config_set("maxmemory", 1)
        wait_until(lambda: r.dbsize() == 0)  # nothing fits under 1 byte
        self.assertEqual(r.dbsize(), 0)
        evicted = set()
        deadline = time.time() + 10
        while len(evicted) < 100 and time.time() < deadline:
            m = sub.get_message(timeout=1)
            if m and m["type"] == "message":
                evicted.add(m["data"])
        self.assertEqual(evicted, {"k:%d" % i for i in range(100)})
        self.assertEqual(r.info("stats")["evicted_keys"], 100)
        sub.close()

    def test_eviction_of_a_watched_key_aborts_exec(self):
        r = self.r
        fill(r, "k:", 20)
        w = redis.Redis(port=self.server.redis_port, decode_responses=True)
        p = w.pipeline(transaction=True)
        p.watch("k:5")
        p.multi()
        p.get("k:5")
        r.config_set("maxmemory-policy", "allkeys-random")
        r.config_set("maxmemory", 1)
        wait_until(lambda: r.dbsize() == 0)  # nothing fits under 1 byte
        self.assertEqual(r.exists("k:5"), 0)
        r.config_set("maxmemory", 0)
        with self.assertRaises(redis.exceptions.WatchError):
            p.execute()

    def test_object_freq_and_idletime_follow_the_policy(self):
        r = self.r
        r.set("a", "x")
        with self.assertRaises(redis.exceptions.ResponseError) as cm:
            r.object("freq", "a")
        self.assertTrue(str(cm.exception).startswith("An LFU maxmemory policy is not selected"))
        self.assertEqual(r.object("idletime", "a"), 0)
        r.config_set("maxmemory-policy", "allkeys-lfu")
        r.set("b", "x")
        self.assertEqual(r.object("freq", "b"), 5)
        r.get("b")
        self.assertEqual(r.object("freq", "b"), 6)
        r.exists("b")
        r.type("b")
        r.ttl("b")
        self.assertEqual(r.object("freq", "b"), 6)  # not accesses
        p = r.pipeline(transaction=False)
        for _ in range(1000):
            p.get("b")
        p.execute()
        # About 18 after 1000 hits with lfu-log-factor 10 (redis.conf's table).
        self.assertGreater(r.object("freq", "b"), 12)
        self.assertLess(r.object("freq", "b"), 26)
        with self.assertRaises(redis.exceptions.ResponseError) as cm:
            r.object("idletime", "b")
        self.assertTrue(str(cm.exception).startswith("An LFU maxmemory policy is selected, idle time not tracked"))
        self.assertIsNone(r.object("freq", "missing"))
        # RESTORE ... FREQ sets the counter.
        dump = r.dump("b")
        r.restore("c", 0, dump, frequency=42)
        self.assertEqual(r.object("freq", "c"), 42)

    def test_scripts_under_oom(self):
        r = self.r
        r.set("k", "v")
        r.config_set("maxmemory", 1)
        self.assertEqual(r.eval("return redis.call('get', 'k')", 0), "v")
        with self.assertRaises(redis.exceptions.ResponseError) as cm:
            r.eval("return redis.call('set', 'k', 'w')", 0)
        self.assertTrue(str(cm.exception).startswith(OOM), str(cm.exception))
        self.assertEqual(r.eval("return redis.pcall('set', 'k', 'w')['err']", 0), OOM)
        with self.assertRaises(redis.exceptions.ResponseError) as cm:
            r.eval("#!lua\nreturn 1", 0)
        self.assertEqual(str(cm.exception), OOM)
        self.assertEqual(r.eval("#!lua flags=no-writes\nreturn redis.call('get', 'k')", 0), "v")
        self.assertEqual(r.eval("#!lua flags=allow-oom\nreturn redis.call('set', 'k', 'w')", 0), "OK")
        self.assertEqual(r.get("k"), "w")

    def test_memcached_items_share_the_limit(self):
        r = self.r
        with socket.create_connection(("127.0.0.1", self.server.memcached_port)) as mc:
            f = mc.makefile("rwb")
            for i in range(100):
                f.write(b"set m%d 0 0 1000 noreply\r\n%s\r\n" % (i, b"m" * 1000))
            f.write(b"get m99\r\n")
            f.flush()
            self.assertEqual(f.readline(), b"VALUE m99 0 1000\r\n")
            f.readline()
            self.assertEqual(f.readline(), b"END\r\n")
            fill(r, "k:", 100)
            limit_at_current_use(r, "allkeys-lru", extra=0)
            fill(r, "new:", 100)
            self.assertGreaterEqual(r.info("stats")["evicted_keys"], 90)
            # Memcached keeps working, and its stores make room too.
            f.write(b"set after 0 0 5\r\nhello\r\nget after\r\n")
            f.flush()
            self.assertEqual(f.readline(), b"STORED\r\n")
            self.assertEqual(f.readline(), b"VALUE after 0 5\r\n")
            self.assertEqual(f.readline(), b"hello\r\n")
            self.assertEqual(f.readline(), b"END\r\n")
            self.assertLessEqual(r.info("memory")["used_memory"], r.info("memory")["maxmemory"])


class EvictionStartupTest(unittest.TestCase):
    def test_options_set_the_limit_and_evicted_keys_leave_the_disk(self):
        with harness.Server(args=["--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"]) as s:
            r = redis.Redis(port=s.redis_port, decode_responses=True)
            self.assertEqual(r.config_get("maxmemory"), {"maxmemory": str(64 << 20)})
            self.assertEqual(r.config_get("maxmemory-policy"), {"maxmemory-policy": "allkeys-lru"})
            self.assertEqual(r.info("memory")["maxmemory"], 64 << 20)
            fill(r, "k:", 300)
            r.config_set("maxmemory", r.info("memory")["used_memory"] - 100 * 1100)
            wait_within_limit(r)
            left = r.dbsize()
            self.assertLess(left, 210)
            self.assertEqual(left + r.info("stats")["evicted_keys"], 300)
            r.config_set("maxmemory", 0)
            s.restart()
            r = redis.Redis(port=s.redis_port, decode_responses=True)
            self.assertEqual(r.dbsize(), left)
            # The start-up option wins again after a restart.
            self.assertEqual(r.config_get("maxmemory"), {"maxmemory": str(64 << 20)})

    def test_loaded_keys_start_as_new_keys_under_lfu(self):
        with harness.Server(args=["--maxmemory-policy", "allkeys-lfu"]) as s:
            r = redis.Redis(port=s.redis_port, decode_responses=True)
            r.set("k", "v")
            for _ in range(50):
                r.get("k")
            self.assertGreater(r.object("freq", "k"), 6)
            s.restart()
            r = redis.Redis(port=s.redis_port, decode_responses=True)
            self.assertEqual(r.object("freq", "k"), 5)
            self.assertEqual(r.get("k"), "v")
            self.assertEqual(r.object("freq", "k"), 6)

    def test_writes_racing_with_eviction(self):
        with harness.Server(args=["--maxmemory-policy", "allkeys-lru"]) as s:
            r = redis.Redis(port=s.redis_port, decode_responses=True)
            base = r.info("memory")["used_memory"]
            r.config_set("maxmemory", base + 200 * 1100)
            errors = []

            def writer(n):
                c = redis.Redis(port=s.redis_port)
                try:
                    for i in range(400):
                        c.set("w%d:%d" % (n, i), VALUE)
                        c.get("w%d:%d" % (n, i // 2))
                except Exception as e:  # noqa: BLE001
                    errors.append(e)

            threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(errors, [])
            info = r.info()
            self.assertLessEqual(info["used_memory"], info["maxmemory"])
            self.assertEqual(info["evicted_keys"] + r.dbsize(), 1600)


if __name__ == "__main__":
    unittest.main()

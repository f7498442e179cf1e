"""Differential test of the server/admin commands: CONFIG, INFO, SLOWLOG,
LATENCY, MEMORY and COMMAND against Debian's redis-server 7.0.15."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import RespConn, RespError  # noqa: E402

# Parameters whose value depends on how each server was started.
STARTUP_DEPENDENT = {"port", "dir", "appendonly", "io-threads", "loglevel", "pidfile", "logfile"}


def pairs(reply):
    """CONFIG GET reply (RESP2 flat list or RESP3 pairs) -> dict."""
    if reply and isinstance(reply[0], list):
        items = [(k, v) for k, v in reply]
    else:
        items = list(zip(reply[0::2], reply[1::2]))
    return {k.decode(): v.decode() for k, v in items}


def unordered_subcommands(reply):
    """COMMAND INFO/DOCS with subcommands in a fixed order: redis-server lists
    them in its (randomly seeded) hash table order."""
    if isinstance(reply, list) and len(reply) == 10 and isinstance(reply[0], bytes) and isinstance(reply[9], list):
        return reply[:9] + [sorted((unordered_subcommands(s) for s in reply[9]), key=repr)]
    if isinstance(reply, list):
        out = []
        for i, x in enumerate(reply):
            if i > 0 and reply[i - 1] == b"subcommands" and isinstance(x, list):
                x = sorted((unordered_subcommands(y) for y in x), key=repr)
            out.append(unordered_subcommands(x))
        return out
    return reply


def info_sections(text):
    """INFO text -> [(section, [field names])] in order."""
    out = []
    for line in text.decode().split("\r\n"):
        if line.startswith("# "):
            out.append((line[2:], []))
        elif line and out:
            out[-1][1].append(line.split(":", 1)[0])
    return out


class AdminDiff(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.real = harness.RealServer("redis").__enter__()
        cls.luma = harness.Server().__enter__()
        cls.r = RespConn(cls.real.port)
        cls.l = RespConn(cls.luma.redis_port)

    @classmethod
    def tearDownClass(cls):
        cls.r.close()
        cls.l.close()
        cls.luma.__exit__(None, None, None)
        cls.real.__exit__(None, None, None)

    def both(self, *args):
        return self.r.cmd(*args), self.l.cmd(*args)

    def same(self, *args, normalize=None):
        a, b = self.both(*args)
        if normalize:
            a, b = normalize(a), normalize(b)
        self.assertEqual(a, b, "%r" % (args,))
        return a

    # ---- CONFIG ----

    def test_config_get_all_names_and_defaults(self):
        real, luma = self.both("CONFIG", "GET", "*")
        real, luma = pairs(real), pairs(luma)
        self.assertEqual(sorted(real), sorted(luma))
        self.assertEqual(len(real), 192)
        diffs = {k: (real[k], luma[k]) for k in real if k not in STARTUP_DEPENDENT and real[k] != luma[k]}
        self.assertEqual(diffs, {})

    def test_config_get_patterns(self):
        norm = lambda r: sorted(pairs(r).items()) if isinstance(r, list) else r  # noqa: E731
        for args in [("hash-max-*",), ("*max-*-entries",), ("maxmemory", "hz"), ("MAXMEMORY",), ("maxmemory", "maxmemory"),
                     ("nosuch",), ("lua*",), ("slave*",), ("*ziplist*", "zset*"), ("[hz]*",), ("save", "sa*")]:
            self.same("CONFIG", "GET", *args, normalize=norm)
        self.same("CONFIG", "GET")

    def test_config_set_round_trips_and_errors(self):
        steps = [
            # memory values, units, bounds
            ("maxmemory", "1kb"), ("maxmemory", "1gB"), ("maxmemory", "10m"), ("maxmemory", "-1"), ("maxmemory", ""),
            ("maxmemory", "1.5gb"), ("maxmemory", "+5"), ("maxmemory", "10x"), ("maxmemory", "18446744073709551615"),
            ("maxmemory", "99999999999999999999"), ("maxmemory", "0"),
            ("proto-max-bulk-len", "100"), ("proto-max-bulk-len", "2mb"), ("proto-max-bulk-len", "512mb"),
            ("hash-max-listpack-value", "1k"), ("hash-max-ziplist-value", "-1"), ("hash-max-listpack-value", "64"),
            ("client-query-buffer-limit", "1gb"), ("stream-node-max-bytes", "8kb"), ("stream-node-max-bytes", "4096"),
            # percent
            ("maxmemory-clients", "10%"), ("maxmemory-clients", "200%"), ("maxmemory-clients", "-1"),
            ("maxmemory-clients", "5mb"), ("maxmemory-clients", "0"),
            # integers and bounds
            ("hz", "abc"), ("hz", "1000"), ("hz", "0"), ("hz", "-1"), ("hz", "10"), ("timeout", "2147483648"),
            ("timeout", "0"), ("maxclients", "0"), ("maxclients", "10000"), ("slowlog-max-len", "-1"),
            ("slowlog-log-slower-than", "-2"), ("slowlog-log-slower-than", "10000"), ("hash-max-listpack-entries", "-1"),
            ("list-max-ziplist-size", "-10"), ("list-max-listpack-size", "-2"), ("list-compress-depth", "1"),
            ("list-compress-depth", "0"), ("set-max-intset-entries", "1000"), ("set-max-intset-entries", "512"),
            ("zset-max-ziplist-entries", "200"), ("zset-max-listpack-entries", "128"), ("maxmemory-samples", "0"),
            ("maxmemory-samples", "5"), ("stream-node-max-entries", "50"), ("stream-node-max-entries", "100"),
            ("lua-time-limit", "4000"), ("busy-reply-threshold", "5000"), ("latency-monitor-threshold", "-1"),
            ("tcp-keepalive", "60"), ("tcp-keepalive", "300"), ("active-expire-effort", "11"),
            # yes/no
            ("appendonly", "maybe"), ("lazyfree-lazy-eviction", "YES"), ("lazyfree-lazy-eviction", "no"),
            ("lazyfree-lazy-expire", "yes"), ("lazyfree-lazy-expire", "no"), ("lazyfree-lazy-server-del", "x"),
            ("lazyfree-lazy-user-del", "yes"), ("lazyfree-lazy-user-del", "no"), ("lazyfree-lazy-user-flush", "no"),
            ("activedefrag", "yes"), ("activedefrag", "no"), ("slave-read-only", "no"), ("replica-read-only", "yes"),
            ("latency-tracking", "no"), ("latency-tracking", "yes"),
            # enums
            ("maxmemory-policy", "foo"), ("maxmemory-policy", "ALLKEYS-LRU"), ("maxmemory-policy", "noeviction"),
            ("appendfsync", "sometimes"), ("oom-score-adj", "relative"), ("oom-score-adj", "no"),
            ("shutdown-on-sigterm", "save now"), ("shutdown-on-sigterm", "save nosave"), ("shutdown-on-sigterm", "x"),
            ("shutdown-on-sigterm", "default"), ("sanitize-dump-payload", "clients"), ("sanitize-dump-payload", "no"),
            # special
            ("save", "100 x"), ("save", "0"), ("save", "10 -1"), ("save", "100 10 200 20"), ("save", ""),
            ("notify-keyspace-events", "KEA"), ("notify-keyspace-events", "Exn"), ("notify-keyspace-events", "Q"),
            ("notify-keyspace-events", "Ag$lshzxetdKEmn"), ("notify-keyspace-events", ""),
            ("client-output-buffer-limit", "pubsub 1mb 2mb 3"), ("client-output-buffer-limit", "master 1 2 3"),
            ("client-output-buffer-limit", "normal 1 2"), ("client-output-buffer-limit", "replica x 1 1"),
            ("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
            ("oom-score-adj-values", "1 2"), ("oom-score-adj-values", "0 3000 1"), ("oom-score-adj-values", "0 200 800"),
            ("latency-tracking-info-percentiles", "50 99.99 100"), ("latency-tracking-info-percentiles", "101"),
            ("latency-tracking-info-percentiles", "x"), ("latency-tracking-info-percentiles", "50 99 99.9"),
            # strings, immutable, protected, unknown
            ("masteruser", "bob"), ("masteruser", ""), ("proc-title-template", "{foo}"),
            ("proc-title-template", "{title} {listen-addr} {server-mode}"), ("cluster-announce-hostname", "a_b"),
            ("io-threads", "2"), ("unixsocketperm", "1"), ("daemonize", "yes"), ("replicaof", "no one"),
            ("dir", "/nonexist"), ("dbfilename", "x.rdb"), ("foo", "bar"), ("tls-port", "1"), ("tls-cluster", "no"),
        ]
        for name, value in steps:
            self.same("CONFIG", "SET", name, value)
            if name not in STARTUP_DEPENDENT:
                self.same("CONFIG", "GET", name,
                          normalize=lambda r: sorted(pairs(r).items()) if isinstance(r, list) else r)
        # Several at once, atomically: a bad one leaves the others unchanged.
        for args in [("maxmemory", "5", "hz", "x"), ("hz", "5", "maxmemory", "x"), ("maxmemory", "1", "foo", "2"),
                     ("hz", "5", "hz", "6"), ("hz", "7", "maxmemory", "7mb"), ("hz", "10", "maxmemory", "0"),
                     ("a", "b", "c"), ("a",), ("maxmemory", "1", "io-threads", "3")]:
            self.same("CONFIG", "SET", *args)
            self.same("CONFIG", "GET", "hz", "maxmemory", normalize=lambda r: sorted(pairs(r).items()))
        for args in [("RESETSTAT", "x"), ("REWRITE",), ("foo",), ("HELP",)]:
            self.same("CONFIG", *args)

    def test_config_resp3(self):
        r, l = RespConn(self.real.port), RespConn(self.luma.redis_port)
        try:
            r.cmd("HELLO", "3")
            l.cmd("HELLO", "3")
            self.assertEqual(sorted(map(tuple, r.cmd("CONFIG", "GET", "zset-*"))),
                             sorted(map(tuple, l.cmd("CONFIG", "GET", "zset-*"))))
        finally:
            r.close()
            l.close()

    def test_encoding_knobs_drive_object_encoding(self):
        def fill():
            for conn in (self.r, self.l):
                conn.cmd("DEL", "h", "z", "s")
                conn.cmd("HSET", "h", *[str(i) for i in range(2 * 200)])
                conn.cmd("ZADD", "z", *[x for i in range(20) for x in (str(i), "m%d" % i)])
                conn.cmd("SADD", "s", *[str(i) for i in range(20)])
        # (Redis converts a key when it is written, so each setting is checked
        # on keys made after it.)
        for knob, value in [(None, None), ("hash-max-listpack-entries", "100"), ("zset-max-listpack-entries", "10"),
                            ("set-max-intset-entries", "10"), ("hash-max-ziplist-entries", "1000"),
                            ("zset-max-listpack-value", "1")]:
            if knob:
                self.same("CONFIG", "SET", knob, value)
            fill()
            for key in ("h", "z", "s"):
                self.same("OBJECT", "ENCODING", key)
        self.same("CONFIG", "SET", "hash-max-listpack-entries", "512", "zset-max-listpack-entries", "128",
                  "set-max-intset-entries", "512", "zset-max-listpack-value", "64")
        self.same("DEL", "h", "z", "s")

    # ---- INFO ----

    def test_info_sections_and_fields(self):
        for args in [(), ("everything",), ("all",), ("default",), ("stats", "clients"), ("clients", "stats"),
                     ("server", "server"), ("commandstats",), ("foo",), ("Memory",), ("keyspace", "cpu", "modules")]:
            real, luma = self.both("INFO", *args)
            rs, ls = info_sections(real), info_sections(luma)
            self.assertEqual([s for s, _ in rs], [s for s, _ in ls], args)
            for (name, rf), (_, lf) in zip(rs, ls):
                if name in ("Commandstats", "Errorstats", "Latencystats", "Keyspace"):
                    continue
                self.assertEqual(rf, lf, "INFO %s: section %s" % (args, name))
        self.assertEqual(self.l.cmd("INFO", "foo"), b"")

    def test_info_stats_after_resetstat(self):
        for conn in (self.r, self.l):
            conn.cmd("CONFIG", "RESETSTAT")
            conn.cmd("SET", "k", "v")
            conn.cmd("GET", "k")
            conn.cmd("GET", "k")
            conn.cmd("INCR", "k")           # WRONGTYPE-free error: not an integer
            conn.cmd("LPUSH", "k", "x")     # WRONGTYPE
            conn.cmd("GET")                 # arity: rejected
            conn.cmd("NOSUCHCMD")
            conn.cmd("CONFIG", "GET", "hz")
            conn.cmd("CONFIG", "NOPE")
            conn.cmd("EVAL", "return redis.call('GET', KEYS[1])", "1", "k")  # counted as EVAL and GET
            conn.cmd("DEL", "k")
            conn.cmd("BLPOP", "nolist", "0.01")  # times out: still a call
        real, luma = self.both("INFO", "errorstats")
        self.assertEqual(real, luma)
        real, luma = self.both("INFO", "commandstats")

        def calls(text):
            out = {}
            for line in text.decode().split("\r\n"):
                if line.startswith("cmdstat_"):
                    name, rest = line.split(":", 1)
                    f = dict(kv.split("=") for kv in rest.split(","))
                    out[name] = (f["calls"], f["rejected_calls"], f["failed_calls"])
            return out
        rc, lc = calls(real), calls(luma)
        rc.pop("cmdstat_info", None)
        lc.pop("cmdstat_info", None)
        self.assertEqual(rc, lc)
        real, luma = self.both("INFO", "latencystats")
        names = lambda t: sorted(l.split(":")[0] for l in t.decode().split("\r\n") if l.startswith("latency_"))  # noqa
        self.assertEqual(names(real), names(luma))
        self.assertIn("p99.9=", luma.decode())

    # ---- SLOWLOG ----

    def test_slowlog(self):
        def entries(reply):
            # id, time and duration differ; the args, count and name must not.
            return [(e[3], e[5]) for e in reply]
        self.same("SLOWLOG", "RESET")
        self.same("CONFIG", "SET", "slowlog-log-slower-than", "0")
        self.same("CLIENT", "SETNAME", "admin-test")
        self.same("SET", "foo", "bar")
        self.same("RPUSH", "biglist", *[str(i) for i in range(40)])
        self.same("SET", "big", "x" * 300)
        self.same("CONFIG", "SET", "masterauth", "secret")
        self.same("CLIENT", "SETNAME", "")
        self.same("DEL", "foo", "biglist", "big")
        self.same("SLOWLOG", "LEN")
        self.same("SLOWLOG", "GET", "-1", normalize=entries)
        self.same("SLOWLOG", "GET", "3", normalize=entries)
        self.same("SLOWLOG", "GET", "0")
        for args in [("GET", "-2"), ("GET", "x"), ("FOO",), ("HELP",), ("LEN", "x"), ("GET", "1", "2")]:
            self.same("SLOWLOG", *args)
        self.same("CONFIG", "SET", "slowlog-max-len", "2")
        self.same("SLOWLOG", "LEN")
        self.same("CONFIG", "SET", "slowlog-log-slower-than", "10000", "slowlog-max-len", "128", "masterauth", "")
        self.same("SLOWLOG", "RESET")
        self.same("SLOWLOG", "LEN")

    # ---- LATENCY / MEMORY ----

    def test_latency(self):
        for args in [("LATEST",), ("HISTORY", "command"), ("RESET",), ("GRAPH", "command"), ("HELP",), ("FOO",),
                     ("DOCTOR",), ("HISTOGRAM", "nosuch")]:
            self.same("LATENCY", *args)
        self.same("SET", "lat", "1")
        real, luma = self.both("LATENCY", "HISTOGRAM", "set", "config")
        self.assertEqual(sorted(real[0::2]), sorted(luma[0::2]))
        entry = dict(zip(luma[1][0::2], luma[1][1::2]))
        self.assertEqual(sorted(entry), [b"calls", b"histogram_usec"])
        buckets = entry[b"histogram_usec"]
        self.assertTrue(all(isinstance(x, int) for x in buckets))
        self.assertEqual(buckets[-1], entry[b"calls"])
        # Latency monitor: a sleeping script is a command over the threshold.
        self.l.cmd("CONFIG", "SET", "latency-monitor-threshold", "1")
        self.l.cmd("DEBUG", "SLEEP", "0")  # unknown to LumaDB: must not count
        self.l.cmd("EVAL", "local t = redis.call('TIME') local s = t[1]*1e6 + t[2] "
                   "while true do local n = redis.call('TIME') if n[1]*1e6 + n[2] - s > 20000 then break end end", "0")
        latest = self.l.cmd("LATENCY", "LATEST")
        self.assertEqual(latest[0][0], b"command")
        self.assertGreaterEqual(latest[0][2], 20)
        self.assertEqual(len(self.l.cmd("LATENCY", "HISTORY", "command")), 1)
        self.assertIn(b"command - high", self.l.cmd("LATENCY", "GRAPH", "command"))
        self.assertIn(b"latency spikes", self.l.cmd("LATENCY", "DOCTOR"))
        self.assertEqual(self.l.cmd("LATENCY", "RESET", "command", "nosuch"), 1)
        self.l.cmd("CONFIG", "SET", "latency-monitor-threshold", "0")
        self.same("DEL", "lat")

    def test_memory(self):
        self.same("SET", "m1", "bar")
        self.same("RPUSH", "m2", *[str(i) for i in range(100)])
        for args in [("USAGE", "nokey"), ("USAGE", "m1", "bar"), ("USAGE", "m1", "SAMPLES", "x"),
                     ("USAGE", "m1", "SAMPLES", "-1"), ("USAGE",), ("HELP",), ("FOO",), ("PURGE",), ("STATS", "x")]:
            self.same("MEMORY", *args)
        for key in ("m1", "m2"):
            real, luma = self.both("MEMORY", "USAGE", key)
            self.assertIsInstance(luma, int)
            self.assertGreater(luma, 0)
        self.assertGreater(self.l.cmd("MEMORY", "USAGE", "m2", "SAMPLES", "0"), self.l.cmd("MEMORY", "USAGE", "m1"))
        real, luma = self.both("MEMORY", "STATS")
        rk, lk = real[0::2], luma[0::2]
        self.assertEqual(rk, lk)
        self.assertIsInstance(self.l.cmd("MEMORY", "DOCTOR"), bytes)
        self.assertIsInstance(self.l.cmd("MEMORY", "MALLOC-STATS"), bytes)
        self.same("DEL", "m1", "m2")

    # ---- COMMAND ----

    def test_command_info_and_docs_for_every_command(self):
        names = [n.decode() for n in self.l.cmd("COMMAND", "LIST") if b"|" not in n]
        self.assertEqual(self.l.cmd("COMMAND", "COUNT"), len(names))
        self.assertEqual(len(self.l.cmd("COMMAND")), len(names))
        real_names = {n.decode() for n in self.r.cmd("COMMAND", "LIST")}
        both = [n for n in names if n in real_names]
        self.assertGreater(len(both), 150)
        for resp in (2, 3):
            r, l = RespConn(self.real.port), RespConn(self.luma.redis_port)
            try:
                r.cmd("HELLO", str(resp))
                l.cmd("HELLO", str(resp))
                for n in both:
                    for sub in ("INFO", "DOCS"):
                        self.assertEqual(unordered_subcommands(r.cmd("COMMAND", sub, n)),
                                         unordered_subcommands(l.cmd("COMMAND", sub, n)), (sub, n))
                for args in [("INFO", "nope", "get"), ("INFO", "config|get"), ("DOCS", "nope"),
                             ("DOCS", "config|set", "get"), ("LIST", "FILTERBY", "MODULE", "x"),
                             ("LIST", "foo"), ("HELP",), ("FOO",)]:
                    self.assertEqual(r.cmd("COMMAND", *args), l.cmd("COMMAND", *args), args)
                # LIST answers in redis-server's hash order.
                for args in [("LIST", "FILTERBY", "PATTERN", "config*"), ("LIST", "FILTERBY", "PATTERN", "z*"),
                             ("LIST", "FILTERBY", "ACLCAT", "hash"), ("LIST", "FILTERBY", "ACLCAT", "admin")]:
                    ours = set(names)
                    real_list = [n for n in r.cmd("COMMAND", *args) if n.decode().split("|")[0] in ours]
                    self.assertEqual(sorted(real_list), sorted(l.cmd("COMMAND", *args)), args)
            finally:
                r.close()
                l.close()

    def test_command_getkeys(self):
        cases = [("set", "a", "b"), ("set", "a", "b", "GET"), ("lmove", "a", "b", "left", "right"),
                 ("sort", "a", "store", "b"), ("sort", "a"), ("get",), ("ping", "x"), ("nope", "a"),
                 ("zunionstore", "d", "0", "a"), ("zunionstore", "d", "2", "a", "b"), ("mset", "a", "1", "b", "2"),
                 ("eval", "return 1", "2", "k1", "k2", "a"), ("bitfield", "b", "GET", "u8", "0"),
                 ("bitfield", "b", "SET", "u8", "0", "1"), ("georadius", "g", "0", "0", "1", "km", "STORE", "d"),
                 ("object", "encoding", "k"), ("memory", "usage", "k"), ("del", "a", "b", "c"),
                 ("blpop", "a", "b", "0"), ("lmpop", "2", "a", "b", "LEFT"), ("sintercard", "2", "a", "b"),
                 ("rename", "a", "b"), ("copy", "a", "b"), ("smove", "a", "b", "m"), ("getex", "a", "PERSIST")]
        for c in cases:
            self.same("COMMAND", "GETKEYS", *c)
            self.same("COMMAND", "GETKEYSANDFLAGS", *c)
        self.same("COMMAND", "GETKEYS")
        self.same("COMMAND", "GETKEYSANDFLAGS", "get")


class ConfigRewrite(unittest.TestCase):
    def test_rewrite_keeps_comments_and_updates_options(self):
        d = tempfile.mkdtemp(prefix="lumadb-rewrite-")
        path = os.path.join(d, "lumadb.conf")
        with open(path, "w") as f:
            f.write("# my settings\nworkers = 1\nproto-max-bulk-len = 512mb  # big\n\n# tail comment\n")
        with harness.Server(args=["--config", path]) as s:
            c = RespConn(s.redis_port)
            self.assertEqual(c.cmd("CONFIG", "SET", "proto-max-bulk-len", "2mb", "maxclients", "500",
                                   "appendfsync", "always", "requirepass", "pw word"), "OK")
            self.assertEqual(c.cmd("CONFIG", "REWRITE"), "OK")
            c.close()
        text = open(path).read()
        self.assertIn("# my settings\nworkers = 1\nproto-max-bulk-len = 2mb\n\n# tail comment\n", text)
        self.assertIn("# Generated by CONFIG REWRITE\n", text)
        for line in ["max-connections = 500", "durability = always", 'requirepass = "pw word"']:
            self.assertIn(line + "\n", text)
        # The rewritten file starts LumaDB with those settings.
        with harness.Server(args=["--config", path]) as s:
            c = RespConn(s.redis_port)
            self.assertEqual(c.cmd("AUTH", "pw word"), "OK")
            self.assertEqual(pairs(c.cmd("CONFIG", "GET", "proto-max-bulk-len", "maxclients", "appendfsync")),
                             {"proto-max-bulk-len": "2097152", "maxclients": "500", "appendfsync": "always"})
            c.close()
        with harness.Server() as s:
            c = RespConn(s.redis_port)
            self.assertEqual(c.cmd("CONFIG", "REWRITE"), RespError("ERR The server is running without a config file"))
            c.close()


if __name__ == "__main__":
    unittest.main()

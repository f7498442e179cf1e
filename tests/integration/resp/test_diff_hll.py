"""Differential test for the HyperLogLog commands: the same scripts against
Debian's redis-server 7.0.15 and LumaDB, replies compared exactly. After
every change the raw bytes (GET) and DUMP are compared too, so the encodings
(sparse opcodes, dense registers, the cached cardinality in the header, the
sparse -> dense promotion, LZF in DUMP) must be Redis's byte for byte."""
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402

HEADER_SPARSE = b"HYLL\x01\x00\x00\x00" + b"\x00" * 7 + b"\x80"
XZERO_ALL = b"\x7f\xff"  # XZERO covering the 16384 registers


M64 = 0xc6a4a7935bd1e995
MASK64 = (1 << 64) - 1


def murmur64a(data, seed=0xadc83b19):
    """Redis's MurmurHash64A with the HLL seed, to pick elements by register."""
    h = (seed ^ (len(data) * M64)) & MASK64
    n = len(data) // 8 * 8
    for i in range(0, n, 8):
        k = (int.from_bytes(data[i:i + 8], "little") * M64) & MASK64
        k ^= k >> 47
        h = ((h ^ ((k * M64) & MASK64)) * M64) & MASK64
    if len(data) > n:
        h = ((h ^ int.from_bytes(data[n:], "little")) * M64) & MASK64
    h ^= h >> 47
    h = (h * M64) & MASK64
    return h ^ (h >> 47)


def register_of(element):
    """(register index, value) an element sets: the low 14 bits of its hash
    and the length of the 0...01 run in the rest."""
    h = murmur64a(element)
    rest = (h >> 14) | (1 << 50)
    return h & 16383, (rest & -rest).bit_length()


def elements_for(wanted):
    """One element for each wanted (register, value) pair, found by search."""
    wanted = set(wanted)
    found = {}
    i = 0
    while wanted:
        e = b"p%d" % i
        r = register_of(e)
        if r in wanted:
            found[r] = e
            wanted.discard(r)
        i += 1
    return found


def elements(prefix, n, start=0):
    return ["%s:%d" % (prefix, i) for i in range(start, start + n)]


def inspect(key):
    """The steps that show everything about a key's value."""
    return [("GET", key), ("PFDEBUG", "ENCODING", key), ("STRLEN", key), ("DUMP", key)]


def count_and_inspect(key):
    # A single-key PFCOUNT writes the cardinality into the header when stale.
    return [("PFCOUNT", key), ("GET", key), ("DUMP", key), ("PFCOUNT", key)]


class DiffHyperLogLogTest(unittest.TestCase):
    def check(self, script):
        mismatches = harness.diff_against_redis(script)
        self.assertEqual(mismatches, [], "\n" + "\n".join(mismatches[:20]))

    def test_basics(self):
        script = [
            ("PFADD", "k"), *inspect("k"), ("PFCOUNT", "k"), ("GET", "k"), ("PFADD", "k"), ("GET", "k"),
            ("PFADD", "k", "a", "b", "c"), *inspect("k"), ("PFDEBUG", "DECODE", "k"), *count_and_inspect("k"),
            ("PFADD", "k", "a", "b"), ("GET", "k"), ("PFADD", "k", "d"), ("PFDEBUG", "DECODE", "k"),
            *count_and_inspect("k"), ("PFADD", "empty", ""), ("PFDEBUG", "DECODE", "empty"), ("PFCOUNT", "empty"),
            ("PFADD", "bin", b"\x00\xff\x80", b"\r\n", "x" * 1000), ("PFDEBUG", "DECODE", "bin"),
            ("TYPE", "k"), ("EXISTS", "k"), ("PFCOUNT", "nokey"), ("EXISTS", "nokey"),
            ("PFADD", "ttl", "a"), ("EXPIRE", "ttl", "100"), ("PFADD", "ttl", "b"), ("TTL", "ttl"),
            ("PFMERGE", "ttl", "k"), ("TTL", "ttl"), ("PFSELFTEST",),
        ]
        self.check(script)

    def test_growth_from_sparse_to_dense(self):
        # One key grown in batches from 1 to 100000 elements, and keys of
        # sizes around the 3000-byte promotion point.
        script = []
        total = 0
        for n in (1, 2, 5, 10, 50, 100, 200, 500, 700, 1000, 2000, 5000, 10000, 30000, 100000):
            script.append(("PFADD", "grow", *elements("g", n, total)))
            total += n
            script += inspect("grow")
            script += count_and_inspect("grow")
        for n in (1200, 1500, 1700, 1800, 1900, 2000, 2100, 2300):
            key = "edge%d" % n
            script.append(("PFADD", key, *elements(key, n)))
            script += inspect(key)
            script += count_and_inspect(key)
            # One element at a time across the promotion.
            for i in range(5):
                script.append(("PFADD", key, "more%d" % i))
                script.append(("GET", key))
        script.append(("PFDEBUG", "GETREG", "grow"))
        self.check(script)

    def test_sparse_max_bytes_setting(self):
        # CONFIG SET hll-sparse-max-bytes moves the promotion point (and 0
        # makes every new HyperLogLog dense at its first change).
        script = [("CONFIG", "GET", "hll-sparse-max-bytes")]
        for limit in ("100", "0", "5000"):
            key = "lim" + limit
            script += [("CONFIG", "SET", "hll-sparse-max-bytes", limit), ("CONFIG", "GET", "hll-sparse-max-bytes")]
            for n in (1, 20, 60, 200, 2500):
                script.append(("PFADD", key, *elements(key, n, n)))
                script += [("PFDEBUG", "ENCODING", key), ("STRLEN", key), ("GET", key)]
        script += [("CONFIG", "SET", "hll-sparse-max-bytes", "-1"), ("CONFIG", "SET", "hll-sparse-max-bytes", "3000")]
        self.check(script)

    def test_sparse_opcode_edges(self):
        # Elements aimed at chosen registers build the opcode shapes a random
        # set rarely makes: VAL runs of 4 and their splits, ZERO runs of
        # exactly 64 next to XZERO runs of 65, changes at register 0 and 16383.
        w = 2000
        wanted = [(w + i, c) for i in range(16) for c in (1, 2, 3)]
        wanted += [(w + i, 1) for i in (64, 65, 66, 130, 131, 132)] + [(0, 1), (0, 2), (16383, 1), (16382, 1)]
        e = elements_for(wanted)
        script = []

        def add(key, *pairs):
            script.append(("PFADD", key, *[e[p] for p in pairs]))
            script.append(("PFDEBUG", "DECODE", key))
            script.append(("GET", key))

        for order in ((0, 1, 2, 3), (0, 2, 1, 3), (3, 2, 1, 0), (1, 3, 0, 2)):
            key = "run%d%d%d%d" % order
            for i in order:
                add(key, (w + i, 1))
            add(key, (w + 4, 1))
            add(key, (w + 1, 2))
            add(key, (w + 2, 2), (w + 3, 3))
            add(key, (w + 5, 1), (w + 6, 1), (w + 7, 1), (w + 8, 1))
        add("zeros", (w, 1))
        add("zeros", (w + 65, 1))
        add("zeros", (w + 131, 1))
        add("zeros", (w + 132, 1), (w + 66, 1))
        add("zeros", (w + 64, 1), (w + 130, 1))
        add("ends", (16383, 1))
        add("ends", (0, 1))
        add("ends", (0, 2), (16382, 1))
        rnd = random.Random(5)
        pairs = sorted(e)
        for k in range(12):
            key = "rand%d" % k
            for _ in range(15):
                add(key, *rnd.sample(pairs, rnd.choice([1, 1, 2, 3])))
            script += count_and_inspect(key)
        script += [("PFMERGE", "mix", "rand0", "run0123", "zeros"), ("PFDEBUG", "DECODE", "mix"), ("GET", "mix")]
        self.check(script)

    def test_union_count_leaves_keys_alone(self):
        script = [("PFADD", "u1", *elements("a", 3000)), ("PFADD", "u2", *elements("a", 3000, 1500)),
                  ("PFADD", "u3", *elements("b", 50)), ("PFADD", "u4", *elements("c", 40000))]
        for keys in (("u1", "u2"), ("u1", "u3"), ("u3", "nokey"), ("nokey", "nokey2"), ("u1", "u2", "u3", "u4"),
                     ("u3", "u3"), ("u4", "u1", "nokey")):
            script.append(("PFCOUNT", *keys))
        for key in ("u1", "u2", "u3", "u4"):
            script += inspect(key)  # the caches are still stale: multi-key PFCOUNT wrote nothing
        self.check(script)

    def test_merge(self):
        script = [("PFADD", "small", *elements("s", 20)), ("PFADD", "mid", *elements("m", 900)),
                  ("PFADD", "big", *elements("b", 20000)), ("PFADD", "small2", *elements("s", 30, 10)),
                  ("PFMERGE", "nodest"), *inspect("nodest"), ("PFCOUNT", "nodest"),
                  ("PFMERGE", "d0", "missing1", "missing2"), *inspect("d0"),
                  ("PFMERGE", "d1", "small", "small2"), *inspect("d1"), *count_and_inspect("d1"),
                  ("PFMERGE", "d1"), ("GET", "d1"),  # merging nothing still marks the cache stale
                  ("PFMERGE", "d2", "small", "mid"), *inspect("d2"),  # sparse + sparse, promoted by size
                  ("PFMERGE", "d3", "small", "big"), *inspect("d3"),  # a dense source: dense at once
                  ("PFMERGE", "small2", "mid", "nokey"), *inspect("small2"), *count_and_inspect("small2"),
                  ("PFMERGE", "big", "small", "mid"), *inspect("big"), *count_and_inspect("big"),
                  ("PFMERGE", "d4", "d4", "d4"), *inspect("d4"),
                  ("PFCOUNT", "d1", "d2", "d3", "big"), ("PFMERGE", "self", "mid"), ("PFMERGE", "self", "self"),
                  *inspect("self")]
        rnd = random.Random(4)
        keys = ["r%d" % i for i in range(12)]
        for i, key in enumerate(keys):
            script.append(("PFADD", key, *elements(key, rnd.choice([0, 1, 30, 300, 800, 1500, 3000, 20000]))))
        for j in range(25):
            dest = rnd.choice(keys + ["nd%d" % j])
            srcs = rnd.sample(keys, rnd.choice([0, 1, 2, 4]))
            script.append(("PFMERGE", dest, *srcs))
            script += inspect(dest)
            script.append(("PFCOUNT", dest, *srcs))
        self.check(script)

    def test_errors(self):
        dense_short = b"HYLL\x00" + b"\x00" * 11 + b"\x00" * 100
        script = [
            ("RPUSH", "list", "a"), ("SADD", "set", "a"), ("HSET", "hash", "f", "v"), ("ZADD", "zset", "1", "m"),
            ("SET", "str", "hello"), ("SET", "short", "HYLL"), ("SET", "int", "12345"),
            ("SET", "enc2", b"HYLL\x02" + b"\x00" * 11 + XZERO_ALL), ("SET", "dshort", dense_short),
            ("SET", "magic", b"HYLX\x01" + b"\x00" * 11 + XZERO_ALL), ("PFADD", "good", "a"),
        ]
        for key in ("list", "set", "hash", "zset", "str", "short", "int", "enc2", "dshort", "magic"):
            script += [("PFADD", key, "x"), ("PFADD", key), ("PFCOUNT", key), ("PFCOUNT", "good", key),
                       ("PFCOUNT", key, "good"), ("PFMERGE", key, "good"), ("PFMERGE", "good", key),
                       ("PFMERGE", "newdest", key), ("EXISTS", "newdest"), ("PFDEBUG", "ENCODING", key),
                       ("PFDEBUG", "GETREG", key), ("PFDEBUG", "NOSUCH", key)]
        script += [
            ("PFADD",), ("PFCOUNT",), ("PFMERGE",), ("PFDEBUG",), ("PFDEBUG", "GETREG"),
            ("PFDEBUG", "GETREG", "good", "extra"), ("PFDEBUG", "ENCODING", "nokey"), ("PFDEBUG", "NOSUCH", "nokey"),
            ("PFDEBUG", "NOSUCH", "good"), ("PFDEBUG", "decode", "good"), ("PFDEBUG", "ToDense", "good"),
            ("PFDEBUG", "TODENSE", "good"), ("PFDEBUG", "DECODE", "good"), ("PFDEBUG", "encoding", "good"),
            ("PFSELFTEST", "x"), ("GET", "good"),
        ]
        self.check(script)

    def test_corrupted_values(self):
        h = HEADER_SPARSE
        crafted = [
            h, h + b"\x40\x63", h + XZERO_ALL + b"\x00", h + XZERO_ALL + b"\x80", h + b"\x7f", h + b"\x7f\xfe\x40",
            h + b"\x7f\xfe\x81", h + b"\x9f" * 4096, h + b"\x9f" * 4097, h + b"\x9f" * 4095 + b"\x9d\x80",
            h + b"\x80\x7f\xfd\x80", h + XZERO_ALL * 2, h + b"\x00" * 300, h + b"\x7f\xfe\x7f",
            # A valid body whose cached cardinality is forged: PFCOUNT trusts the cache.
            b"HYLL\x01\x00\x00\x00\x39\x05\x00\x00\x00\x00\x00\x00" + XZERO_ALL,
        ]
        rnd = random.Random(11)
        # Real values with a few bytes changed, cut short or extended.
        script = []
        base = []
        for n in (3, 40, 400, 1200, 1800):
            key = "base%d" % n
            script.append(("PFADD", key, *elements(key, n)))
            base.append(key)
        with harness.RealServer("redis") as real:
            conn = harness.RespConn(real.port)
            for step in script:
                conn.cmd(*step)
            values = list(crafted)
            for _ in range(120):
                v = bytearray(conn.cmd("GET", rnd.choice(base)))
                for _ in range(rnd.choice([1, 2, 4])):
                    v[rnd.randrange(16, len(v))] = rnd.randrange(256)
                if rnd.random() < 0.2:
                    v = v[:rnd.randrange(16, len(v))]
                if rnd.random() < 0.2:
                    v += bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 5)))
                values.append(bytes(v))
            conn.close()
        for i, value in enumerate(values):
            script += self.corrupt_steps(i, value, rnd)
        self.check(script)

    @staticmethod
    def corrupt_steps(i, value, rnd):
        key = "c%d" % i
        steps = [("SET", key, value)]
        op = i % 6
        if op == 0:
            steps.append(("PFADD", key, *elements(key, rnd.choice([1, 5, 50, 500]))))
        elif op == 1:
            steps.append(("PFCOUNT", key))
        elif op == 2:
            steps.append(("PFCOUNT", key, "base40"))
        elif op == 3:
            steps.append(("PFMERGE", key, "base400"))
        elif op == 4:
            steps += [("PFDEBUG", "DECODE", key), ("PFDEBUG", "TODENSE", key), ("PFDEBUG", "ENCODING", key)]
        else:
            steps += [("PFMERGE", "m" + key, key), ("GET", "m" + key)]
        return steps + [("GET", key), ("PFCOUNT", key), ("GET", key), ("PFADD", key, "z"), ("GET", key)]

    def test_string_commands_on_hll_values(self):
        script = [("PFADD", "h", *elements("h", 100)), ("PFCOUNT", "h"), ("APPEND", "h", "\x80"), ("PFCOUNT", "h"),
                  ("GET", "h"), ("PFADD", "h", "new"), ("PFCOUNT", "h"), ("SETRANGE", "h", "15", "\x00"),
                  ("PFCOUNT", "h"), ("SETRANGE", "h", "4", "\x00"), ("PFCOUNT", "h"),
                  ("PFADD", "d", *elements("d", 5000)), ("APPEND", "d", "x"), ("PFCOUNT", "d"),
                  ("GETRANGE", "d", "0", "15"), ("PFADD", "c", "x"), ("COPY", "c", "c2"), ("PFADD", "c2", "y"),
                  ("GET", "c"), ("GET", "c2"),
                  ("RENAME", "c2", "c3"), ("PFCOUNT", "c3"), ("GET", "c3")]
        self.check(script)

    def test_watch_sees_pfcount_writing_the_cache(self):
        # A single-key PFCOUNT that refreshes the cache modifies the key:
        # Redis aborts a transaction watching it; with a fresh cache it does not.
        script = [("PFADD", "w", "a", "b"), ("WATCH", "w"), ("PFCOUNT", "w"), ("MULTI",), ("PING",), ("EXEC",),
                  ("WATCH", "w"), ("PFCOUNT", "w"), ("MULTI",), ("PING",), ("EXEC",),
                  ("WATCH", "w"), ("PFCOUNT", "w", "nokey"), ("PFADD", "w", "a"), ("MULTI",), ("PING",), ("EXEC",),
                  ("MULTI",), ("PFADD", "t", "x"), ("PFCOUNT", "t"), ("PFMERGE", "t2", "t"), ("GET", "t2"), ("EXEC",)]
        self.check(script)


class HllDumpRestoreTest(unittest.TestCase):
    def test_restore_of_redis_dump_then_count(self):
        sizes = {"hs": 10, "hm": 1000, "hd": 50000}
        with harness.RealServer("redis") as real, harness.Server() as luma:
            rr = harness.RespConn(real.port)
            lr = harness.RespConn(luma.redis_port)
            for key, n in sizes.items():
                rr.cmd("PFADD", key, *elements(key, n))
                lr.cmd("PFADD", key + "-luma", *elements(key, n))
            for key in sizes:
                payload = rr.cmd("DUMP", key)
                self.assertEqual(lr.cmd("RESTORE", key, "0", payload), "OK")
                self.assertEqual(lr.cmd("GET", key), rr.cmd("GET", key))
                self.assertEqual(lr.cmd("PFCOUNT", key), rr.cmd("PFCOUNT", key))
                self.assertEqual(lr.cmd("GET", key), rr.cmd("GET", key))
                self.assertEqual(lr.cmd("PFADD", key, "extra"), rr.cmd("PFADD", key, "extra"))
                self.assertEqual(lr.cmd("DUMP", key), rr.cmd("DUMP", key))
                # And the other way: LumaDB's DUMP restores into redis-server.
                payload = lr.cmd("DUMP", key + "-luma")
                self.assertEqual(rr.cmd("RESTORE", key + "-luma", "0", payload), "OK")
                self.assertEqual(rr.cmd("PFCOUNT", key + "-luma"), lr.cmd("PFCOUNT", key + "-luma"))
            self.assertEqual(lr.cmd("PFCOUNT", "hs", "hm", "hd"), rr.cmd("PFCOUNT", "hs", "hm", "hd"))
            before = {k: lr.cmd("GET", k) for k in sizes}
            rr.close()
            lr.close()
            luma.restart()
            lr = harness.RespConn(luma.redis_port)
            for key in sizes:
                self.assertEqual(lr.cmd("GET", key), before[key], "value of %s after restart" % key)
            lr.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""Differential test for SORT and SORT_RO: the same scripts against Debian's
redis-server and LumaDB, replies compared exactly (sorted where Redis leaves
the order open: a set's own order with BY nosort)."""
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import NOCMP, SORT  # noqa: E402
import redis  # noqa: E402

NUMERIC = [
    ("RPUSH", "nl", "3", "1", "2", "10", "-5", "1.5", "2.5e1", " 7", "", "0x10", "inf", "-inf"),
    ("SORT", "nl"), ("SORT", "nl", "DESC"), ("SORT", "nl", "ASC"), ("SORT", "nl", "DESC", "ASC"),
    ("SORT", "nl", "ALPHA"), ("SORT", "nl", "ALPHA", "DESC"), ("sort", "nl", "desc", "alpha", "limit", "1", "3"),
    # Equal scores are ordered by the elements' bytes.
    ("RPUSH", "ties", "1", "1.0", "01", "1e0", " 1", "+1", "2", "0.5"), ("SORT", "ties"), ("SORT", "ties", "DESC"),
    ("RPUSH", "big", "9007199254740993", "9007199254740992", "-9223372036854775808", "99999999999999999999"),
    ("SORT", "big"),
    # Kept last: redis-server 7.0 does not clear errno before strtod, so after
    # an out-of-range score its next SORT of a non-integer may fail too.
    ("RPUSH", "bad", "1", "x"), ("SORT", "bad"), ("SORT", "bad", "ALPHA"), ("SORT", "bad", "BY", "nosort"),
    ("RPUSH", "bad3", "nan"), ("SORT", "bad3"), ("RPUSH", "bad4", "2 "), ("SORT", "bad4"),
    ("RPUSH", "bad2", "1", "1e400"), ("SORT", "bad2"), ("RPUSH", "bad5", "1e-400"), ("SORT", "bad5"),
]

LIMITS = [
    ("RPUSH", "l", "5", "3", "9", "1", "7", "2"),
    ("SORT", "l", "LIMIT", "0", "3"), ("SORT", "l", "LIMIT", "2", "2"), ("SORT", "l", "LIMIT", "-1", "2"),
    ("SORT", "l", "LIMIT", "1", "-1"), ("SORT", "l", "LIMIT", "1", "-7"), ("SORT", "l", "LIMIT", "0", "0"),
    ("SORT", "l", "LIMIT", "5", "1"), ("SORT", "l", "LIMIT", "6", "1"), ("SORT", "l", "LIMIT", "100", "1"),
    ("SORT", "l", "LIMIT", "4", "100"), ("SORT", "l", "LIMIT", "9223372036854775807", "9223372036854775807"),
    ("SORT", "l", "LIMIT", "1", "9223372036854775807"), ("SORT", "l", "LIMIT", "-9223372036854775808", "2"),
    ("SORT", "l", "DESC", "LIMIT", "1", "2"), ("SORT", "l", "LIMIT", "1", "2", "LIMIT", "0", "1"),
    ("SORT", "l", "LIMIT", "x", "1"), ("SORT", "l", "LIMIT", "1", "y"), ("SORT", "l", "LIMIT", "1"),
    ("SORT", "l", "LIMIT", "1.5", "2"), ("SORT", "nokey", "LIMIT", "0", "5"), ("SORT", "nokey", "LIMIT", "-5", "-5"),
]

NOSORT = [
    ("RPUSH", "l", "c", "a", "b", "e", "d"),
    ("SORT", "l", "BY", "nosort"), ("SORT", "l", "BY", "nosort", "DESC"), ("SORT", "l", "BY", "nosort", "LIMIT", "1", "2"),
    ("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"), ("SORT", "l", "BY", "nosort", "LIMIT", "4", "10"),
    ("SORT", "l", "BY", "nosort", "LIMIT", "5", "1"), ("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "10", "1"),
    ("SORT", "l", "BY", "#"), ("SORT", "l", "BY", "nosort", "BY", "w_*"), ("SORT", "l", "BY", "nosort", "GET", "#"),
    ("ZADD", "zn", "1", "30", "2", "10", "3", "20", "4", "5"),
    ("SORT", "zn"), ("SORT", "zn", "DESC"), ("SORT", "zn", "BY", "nosort"), ("SORT", "zn", "BY", "nosort", "DESC"),
    ("SORT", "zn", "BY", "nosort", "LIMIT", "1", "2"), ("SORT", "zn", "BY", "nosort", "DESC", "LIMIT", "1", "2"),
    ("SORT", "zn", "BY", "nosort", "DESC", "LIMIT", "3", "5"), ("SORT", "zn", "BY", "nosort", "LIMIT", "4", "1"),
    ("ZADD", "za", "2", "b", "1", "c", "3", "a"), ("SORT", "za", "ALPHA"), ("SORT", "za"), ("SORT", "za", "BY", "nosort"),
    ("SADD", "s", "5", "3", "9", "1"), ("SORT", "s"), ("SORT", "s", "DESC", "LIMIT", "1", "2"), ("SORT", "s", "ALPHA"),
    ("SORT", "s", "BY", "nosort", SORT), ("SORT", "s", "BY", "nosort", "DESC", SORT),
    ("SADD", "sa", "banana", "apple", "cherry", "Apple", "b"), ("SORT", "sa", "ALPHA"), ("SORT", "sa"),
    ("SORT", "sa", "ALPHA", "DESC", "LIMIT", "0", "2"), ("SORT", "sa", "BY", "nosort", SORT),
    # Stored, a set's BY nosort order is forced to ALPHA so it is reproducible.
    ("SORT", "sa", "BY", "nosort", "STORE", "dst"), ("LRANGE", "dst", "0", "-1"),
    ("SORT", "s", "BY", "nosort", "DESC", "STORE", "dst"), ("LRANGE", "dst", "0", "-1"),
    ("SORT", "sa", "BY", "nosort", "LIMIT", "1", "2", "STORE", "dst"), ("LRANGE", "dst", "0", "-1"),
]

PATTERNS = [
    ("RPUSH", "ids", "3", "1", "2", "4", "10"), ("MSET", "w_3", "30", "w_1", "10", "w_2", "20", "w_10", "5", "n_1", "one"),
    ("SORT", "ids", "BY", "w_*"), ("SORT", "ids", "BY", "w_*", "DESC"), ("SORT", "ids", "BY", "w_*", "ALPHA"),
    ("SORT", "ids", "BY", "w_*", "LIMIT", "1", "2"), ("SORT", "ids", "BY", "w_*", "GET", "#", "GET", "w_*"),
    ("SORT", "ids", "GET", "n_*"), ("SORT", "ids", "GET", "w_*", "GET", "n_*", "GET", "#"),
    ("SORT", "ids", "GET", "constant"), ("SORT", "ids", "GET", "#"), ("SORT", "ids", "BY", "missing_*"),
    ("SORT", "ids", "BY", "missing_*", "ALPHA"), ("SORT", "ids", "BY", "w_*_*"), ("MSET", "w_1_*", "7"),
    ("SORT", "ids", "BY", "w_*_*"), ("SORT", "ids", "GET", "w_*_*"), ("SORT", "ids", "BY", "*"), ("SET", "3", "0"),
    ("SORT", "ids", "BY", "*"), ("SORT", "ids", "GET", "*"), ("SET", "w_4", "heavy"), ("SORT", "ids", "BY", "w_*"),
    ("SORT", "ids", "BY", "w_*", "ALPHA"), ("SORT", "ids", "BY", "w_*", "ALPHA", "DESC"),
    ("HSET", "h_1", "weight", "3", "name", "one"), ("HSET", "h_2", "weight", "1", "name", "two"),
    ("HSET", "h_3", "weight", "2"), ("HSET", "h_10", "weight", "x", "name", "ten"),
    ("SORT", "ids", "BY", "h_*->weight", "LIMIT", "0", "3"), ("SORT", "ids", "BY", "h_*->weight"),
    ("SORT", "ids", "BY", "h_*->weight", "ALPHA", "GET", "h_*->name", "GET", "#"),
    ("SORT", "ids", "GET", "h_*->name", "GET", "h_*->nofield", "GET", "w_*->weight", "GET", "h_*"),
    ("SORT", "ids", "BY", "h_*->"), ("SET", "h_1->", "9"), ("SORT", "ids", "BY", "h_*->"),
    ("SORT", "ids", "GET", "h_*->"), ("SORT", "ids", "BY", "h_*->name", "ALPHA"),
    ("SORT", "ids", "BY", "h_*->name->x", "ALPHA"), ("HSET", "h_2", "name->x", "b"),
    ("SORT", "ids", "GET", "h_*->name->x"), ("SADD", "w_5", "x"), ("RPUSH", "ids5", "5", "1"),
    ("SORT", "ids5", "BY", "w_*"), ("SORT", "ids5", "GET", "w_*"),
    ("ZADD", "zz", "1", "2", "2", "1", "3", "3"), ("SORT", "zz", "BY", "w_*", "GET", "#", "GET", "n_*"),
    ("SADD", "ss", "1", "2", "3"), ("SORT", "ss", "BY", "w_*", "DESC", "GET", "w_*"),
]

STORE = [
    ("RPUSH", "l", "3", "1", "2"), ("SORT", "l", "STORE", "dst"), ("LRANGE", "dst", "0", "-1"), ("TYPE", "dst"),
    ("SET", "dst2", "x", "EX", "100"), ("SORT", "l", "DESC", "STORE", "dst2"), ("TTL", "dst2"), ("TYPE", "dst2"),
    ("LRANGE", "dst2", "0", "-1"), ("SORT", "nokey", "STORE", "dst"), ("EXISTS", "dst"),
    ("SORT", "l", "LIMIT", "0", "0", "STORE", "dst2"), ("EXISTS", "dst2"), ("SORT", "nokey", "STORE", "nodst"),
    ("MSET", "w_1", "a", "w_3", "c"), ("SORT", "l", "GET", "w_*", "GET", "#", "STORE", "dst"),
    ("LRANGE", "dst", "0", "-1"), ("SORT", "l", "STORE", "d1", "STORE", "d2"), ("EXISTS", "d1"),
    ("LRANGE", "d2", "0", "-1"), ("SORT", "l", "DESC", "STORE", "l"), ("LRANGE", "l", "0", "-1"),
    ("SORT", "l", "BY", "w_*", "ALPHA", "STORE", "l"), ("LRANGE", "l", "0", "-1"),
    ("HSET", "h", "f", "v"), ("SORT", "l", "STORE", "h"), ("TYPE", "h"),
    # ALPHA compares C strings (up to a NUL) when replying, bytes when storing.
    ("RPUSH", "nul", b"a\x00b", b"a\x00a", b"a"), ("SORT", "nul", "ALPHA"), ("SORT", "nul", "ALPHA", "STORE", "dst"),
    ("LRANGE", "dst", "0", "-1"), ("MSET", "k_1", b"x\x00b", "k_2", b"x\x00a"), ("RPUSH", "ks", "1", "2"),
    ("SORT", "ks", "BY", "k_*", "ALPHA"), ("SORT", "ks", "BY", "k_*", "ALPHA", "STORE", "dst"),
    ("LRANGE", "dst", "0", "-1"), ("SORT", "nul"),
    ("SORT_RO", "l"), ("SORT_RO", "l", "BY", "w_*", "GET", "#", "DESC"), ("SORT_RO", "l", "STORE", "dst"),
    ("SORT_RO", "l", "LIMIT", "0", "1", "ALPHA"),
]

ERRORS = [
    ("SET", "str", "x"), ("HSET", "h", "a", "1"), ("SORT", "str"), ("SORT", "h"), ("SORT", "str", "FOO"),
    ("SORT", "str", "LIMIT", "a", "1"), ("SORT", "str", "STORE", "dst"), ("EXISTS", "dst"), ("SORT",),
    ("SORT_RO",), ("SORT", "nokey"), ("SORT", "nokey", "ALPHA", "DESC"), ("SORT", "nokey", "BY", "w_*", "GET", "#"),
    ("SORT", "nokey", "FOO"), ("SORT", "nokey", "BY"), ("SORT", "nokey", "GET"), ("SORT", "nokey", "STORE"),
    ("SORT", "nokey", "ASC", "BY"), ("RPUSH", "l", "1"), ("SORT", "l", "GET", "#", "GET"),
    ("COMMAND", "GETKEYS", "SORT", "l"), ("COMMAND", "GETKEYS", "SORT", "l", "STORE", "d"),
    ("COMMAND", "GETKEYS", "SORT", "l", "LIMIT", "0", "1", "BY", "w_*", "STORE", "d", "GET", "x", "STORE", "e"),
    ("COMMAND", "GETKEYS", "SORT", "l", "GET", "store", "BY", "store"), ("COMMAND", "GETKEYS", "SORT_RO", "l"),
    ("MULTI",), ("SORT", "l", "BY", "w_*", "GET", "#"), ("SORT", "l", "STORE", "m"), ("EXEC",),
    ("LRANGE", "m", "0", "-1"),
]


def pqsort_script():
    """ALPHA sorts BY a pattern with a LIMIT go through Redis's partial
    quicksort, which leaves ties in an order of its own: long lists with
    many equal weights, over many LIMIT windows."""
    script = []
    for n in (9, 26, 45, 120):
        key = "pq%d" % n
        script.append(("RPUSH", key) + tuple("e%03d" % ((i * 37) % n) for i in range(n)))
        weights = []
        for i in range(n):
            if i % 5 != 0:  # every fifth element has no weight (sorts first)
                weights += ["pw_e%03d" % i, "v%d" % (i % 4)]
        script.append(("MSET",) + tuple(weights))
        for start, count in ((0, 3), (0, 10), (2, 5), (n // 2, 7), (n - 4, 10), (1, n - 2), (0, n)):
            script.append(("SORT", key, "BY", "pw_*", "ALPHA", "LIMIT", str(start), str(count)))
            script.append(("SORT", key, "BY", "pw_*", "ALPHA", "DESC", "LIMIT", str(start), str(count)))
        script.append(("SORT", key, "BY", "pw_*", "LIMIT", "3", "6"))
        script.append(("SORT", key, "BY", "pw_*", "ALPHA"))
        script.append(("SORT", key, "BY", "pw_*", "ALPHA", "LIMIT", "1", "5", "STORE", "pqdst"))
        script.append(("LRANGE", "pqdst", "0", "-1"))
    return script


class DiffSortTest(unittest.TestCase):
    def check(self, script):
        mismatches = harness.diff_against_redis(script)
        self.assertEqual(mismatches, [], "\n" + "\n".join(mismatches))

    def test_numeric_and_alpha(self):
        self.check(NUMERIC)

    def test_limit(self):
        self.check(LIMITS)

    def test_nosort_lists_sets_zsets(self):
        self.check(NOSORT)

    def test_by_and_get_patterns(self):
        self.check(PATTERNS)

    def test_store_and_sort_ro(self):
        self.check(STORE)

    def test_errors_and_keys(self):
        self.check(ERRORS)

    def test_partial_sort_ties(self):
        self.check(pqsort_script())

    def test_resp3(self):
        self.check([("HELLO", "3", NOCMP), ("RPUSH", "l", "2", "1"), ("SET", "w_1", "x"), ("SORT", "l", "GET", "w_*"),
                    ("SORT", "l", "GET", "#", "GET", "nope_*"), ("SORT", "l", "STORE", "d"), ("SORT_RO", "nokey")])


class SortConcurrencyTest(unittest.TestCase):
    def test_patterns_read_while_other_clients_write(self):
        """SORT BY/GET reads keys it does not declare; with writers changing
        those keys on other connections it must still answer consistently."""
        with harness.Server() as s:
            r = redis.Redis(port=s.redis_port)
            r.rpush("ids", *range(200))
            errors = []
            stop = threading.Event()

            def writer(seed):
                w = redis.Redis(port=s.redis_port)
                i = seed
                while not stop.is_set():
                    w.set("w_%d" % (i % 200), i)
                    w.hset("h_%d" % (i % 200), "f", i)
                    if i % 3 == 0:
                        w.delete("w_%d" % ((i * 7) % 200))
                    i += 1

            threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
            for t in threads:
                t.start()
            try:
                for _ in range(200):
                    out = r.sort("ids", by="w_*", get=["#", "w_*", "h_*->f"])
                    if len(out) != 600:
                        errors.append(len(out))
                    r.sort("ids", by="h_*->f", start=0, num=10, store="top")
            finally:
                stop.set()
                for t in threads:
                    t.join()
            self.assertEqual(errors, [])
            self.assertEqual(r.llen("top"), 10)


if __name__ == "__main__":
    unittest.main(verbosity=2)

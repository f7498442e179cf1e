"""pymemcache and libmemcached's tools against the real binary.

The client tests run against LumaDB and, identically, against Debian's
memcached 1.6.18; persistence and configuration are LumaDB-only.
"""
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from pymemcache import exceptions as mc_errors  # noqa: E402
from pymemcache.client.base import Client  # noqa: E402

ITEM_LIMIT = 1 << 20
OVERHEAD = 59  # memcached's per-item bytes besides key and value (flags 0)


class FlagsSerde:
    """Stores (bytes, flags) pairs so tests can see the client flags."""

    def serialize(self, key, value):
        if isinstance(value, tuple):
            return value
        return value, 0

    def deserialize(self, key, value, flags):
        return value, flags


def raw(port, data, wait=0.3):
    """Sends raw bytes and returns every reply byte until the server goes quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        s.settimeout(wait)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except socket.timeout:
            pass
        return out


class ClientBehaviour:
    """Tests that must pass the same against LumaDB and memcached (self.port)."""

    def client(self, **kw):
        kw.setdefault("default_noreply", False)
        c = Client(("127.0.0.1", self.port), connect_timeout=5, timeout=10, **kw)
        self.addCleanup(c.close)
        return c

    def setUp(self):
        self.client().flush_all()

    def test_storage_commands(self):
        c = self.client()
        self.assertTrue(c.set(b"k", b"v1"))
        self.assertEqual(c.get(b"k"), b"v1")
        self.assertFalse(c.add(b"k", b"v2"))
        self.assertTrue(c.add(b"k2", b"v2"))
        self.assertTrue(c.replace(b"k", b"v3"))
        self.assertFalse(c.replace(b"missing", b"x"))
        self.assertTrue(c.append(b"k", b"-tail"))
        self.assertTrue(c.prepend(b"k", b"head-"))
        self.assertFalse(c.append(b"missing", b"x"))
        self.assertEqual(c.get(b"k"), b"head-v3-tail")
        self.assertEqual(c.set_many({b"m1": b"1", b"m2": b"2"}), [])
        self.assertEqual(c.get_many([b"m1", b"m2", b"nope", b"k2"]), {b"m1": b"1", b"m2": b"2", b"k2": b"v2"})
        self.assertTrue(c.delete(b"m1"))
        self.assertFalse(c.delete(b"m1"))
        self.assertTrue(c.delete_many([b"m2", b"k2"]))
        self.assertEqual(c.get_many([b"m1", b"m2", b"k2"]), {})
        self.assertEqual(c.get(b"nope", default=b"dflt"), b"dflt")
        self.assertEqual(c.version(), b"1.6.18")
        # Binary values come back byte for byte.
        blob = bytes(range(256)) * 4 + b"\r\nEND\r\n"
        self.assertTrue(c.set(b"blob", blob))
        self.assertEqual(c.get(b"blob"), blob)

    def test_noreply(self):
        c = self.client(default_noreply=True)
        self.assertTrue(c.set(b"a", b"1"))
        self.assertTrue(c.add(b"a", b"2"))  # noreply: the client cannot know
        self.assertTrue(c.append(b"a", b"3"))
        c.incr(b"a", 5)
        c.touch(b"a", 100)
        c.delete(b"gone")
        self.assertEqual(c.get(b"a"), b"18")
        # noreply hides errors too.
        self.assertEqual(raw(self.port, b"set n 0 0 1 noreply\r\nx\r\nincr n 1 noreply\r\nget n\r\n"),
                         b"VALUE n 0 1\r\nx\r\nEND\r\n")

    def test_flags(self):
        c = self.client(serde=FlagsSerde())
        for flags in (0, 1, 0xFFFF, 0xFFFFFFFF):
            key = b"f%d" % flags
            self.assertTrue(c.set(key, (b"data", flags)))
            self.assertEqual(c.get(key), (b"data", flags))
        # append keeps the original flags.
        self.assertTrue(c.append(b"f1", (b"+", 7)))
        self.assertEqual(c.get(b"f1"), (b"data+", 1))

    def test_cas(self):
        c = self.client()
        self.assertIsNone(c.cas(b"nope", b"x", b"1"))
        c.set(b"k", b"v")
        value, token = c.gets(b"k")
        self.assertEqual(value, b"v")
        self.assertTrue(c.cas(b"k", b"w", token))
        self.assertFalse(c.cas(b"k", b"z", token))  # the token is used up
        value, token2 = c.gets(b"k")
        self.assertEqual(value, b"w")
        self.assertNotEqual(token, token2)
        # touch keeps the token; incr, append and set replace it.
        c.touch(b"k", 100)
        self.assertEqual(c.gets(b"k")[1], token2)
        c.append(b"k", b"!")
        self.assertNotEqual(c.gets(b"k")[1], token2)
        self.assertEqual(c.gets_many([b"k", b"nope"])[b"k"][0], b"w!")

    def test_incr_decr(self):
        c = self.client()
        self.assertIsNone(c.incr(b"n", 1))
        self.assertIsNone(c.decr(b"n", 1))
        c.set(b"n", b"10")
        self.assertEqual(c.incr(b"n", 5), 15)
        self.assertEqual(c.decr(b"n", 100), 0)  # no underflow
        self.assertEqual(c.incr(b"n", 2**64 - 1), 2**64 - 1)
        self.assertEqual(c.incr(b"n", 2), 1)  # wraps at 2^64
        c.set(b"n", b"100")
        self.assertEqual(c.decr(b"n", 1), 99)
        self.assertEqual(c.get(b"n"), b"99 ")  # rewritten in place, space padded
        c.set(b"s", b"abc")
        with self.assertRaises(mc_errors.MemcacheClientError) as ctx:
            c.incr(b"s", 1)
        self.assertEqual(str(ctx.exception), "b'cannot increment or decrement non-numeric value'")
        with self.assertRaises(mc_errors.MemcacheClientError) as ctx:
            c.incr(b"n", -1)
        self.assertEqual(str(ctx.exception), "b'invalid numeric delta argument'")

    def test_expiry(self):
        c = self.client()
        now = int(time.time())
        self.assertTrue(c.set(b"rel", b"x", expire=2))
        self.assertTrue(c.set(b"abs", b"x", expire=now + 2))
        self.assertTrue(c.set(b"neg", b"x", expire=-1))
        self.assertTrue(c.set(b"past", b"x", expire=now - 10))
        self.assertTrue(c.set(b"month", b"x", expire=30 * 24 * 3600))  # still relative
        self.assertTrue(c.set(b"month1", b"x", expire=30 * 24 * 3600 + 1))  # a Unix time in 1970
        self.assertTrue(c.set(b"touched", b"x", expire=2))
        self.assertTrue(c.touch(b"touched", 100))
        self.assertTrue(c.set(b"shortened", b"x", expire=100))
        self.assertTrue(c.touch(b"shortened", -1))
        self.assertEqual(set(c.get_many([b"rel", b"abs", b"neg", b"past", b"month", b"month1", b"touched",
                                         b"shortened"])), {b"rel", b"abs", b"month", b"touched"})
        time.sleep(max(0, now + 3.2 - time.time()))
        self.assertEqual(set(c.get_many([b"rel", b"abs", b"month", b"touched"])), {b"month", b"touched"})
        self.assertFalse(c.touch(b"rel", 10))

    def test_big_values(self):
        c = self.client()
        key = b"big"
        biggest = ITEM_LIMIT - OVERHEAD - len(key)
        self.assertTrue(c.set(key, b"v" * biggest))
        self.assertEqual(c.get(key), b"v" * biggest)
        with self.assertRaises(mc_errors.MemcacheServerError) as ctx:
            c.set(key, b"v" * (biggest + 1))
        self.assertEqual(str(ctx.exception), "b'object too large for cache'")
        self.assertIsNone(c.get(key))  # a failed set drops the old value
        with self.assertRaises(mc_errors.MemcacheServerError):
            c.set(b"huge", b"v" * (5 * ITEM_LIMIT))
        self.assertTrue(c.set(key, b"ok"))  # the connection is still in sync
        self.assertEqual(c.get(key), b"ok")
        self.assertFalse(c.append(key, b"v" * biggest))  # too big once joined

    def test_flush_all_with_delay(self):
        c = self.client()
        c.set(b"a", b"1")
        self.assertTrue(c.flush_all(delay=3))
        self.assertEqual(c.get(b"a"), b"1")
        time.sleep(2.3)  # memcached flushes one second early
        self.assertIsNone(c.get(b"a"))
        c.set(b"b", b"2")
        self.assertTrue(c.flush_all())
        self.assertIsNone(c.get(b"b"))

    def test_stats(self):
        c = self.client()
        self.assertEqual(raw(self.port, b"stats reset\r\n"), b"RESET\r\n")  # pymemcache cannot read RESET
        c.set(b"a", b"1")
        c.get(b"a")
        c.get(b"b")
        st = c.stats()
        self.assertEqual(st[b"version"], b"1.6.18")
        self.assertEqual(st[b"cmd_get"], 2)
        self.assertEqual(st[b"get_hits"], 1)
        self.assertEqual(st[b"get_misses"], 1)
        self.assertEqual(st[b"cmd_set"], 1)
        self.assertEqual(st[b"curr_items"], 1)
        self.assertEqual(st[b"bytes"], OVERHEAD + 2)
        self.assertGreaterEqual(st[b"curr_connections"], 1)
        self.assertEqual(c.stats("settings")[b"item_size_max"], ITEM_LIMIT)
        self.assertEqual(c.stats("items")[b"items:1:number"], 1)
        self.assertEqual(c.stats("slabs")[b"1:chunk_size"], 96)
        self.assertTrue(c.cache_memlimit(100))
        with self.assertRaises(mc_errors.MemcacheUnknownCommandError):
            c.shutdown()

    def test_malformed_requests_keep_the_server_serving(self):
        self.assertEqual(raw(self.port, b"bogus\r\nset a x 0 1\r\nx\r\nset a 0 0 1\r\nxy\r\nversion\r\n"),
                         b"ERROR\r\nCLIENT_ERROR bad command line format\r\nERROR\r\n"
                         b"CLIENT_ERROR bad data chunk\r\nERROR\r\nVERSION 1.6.18\r\n")
        # A line that never ends is cut off; other clients are unaffected.
        self.assertEqual(raw(self.port, b"x" * 5000), b"")
        self.assertEqual(raw(self.port, b"get " + b"k" * 251 + b"\r\n"), b"CLIENT_ERROR bad command line format\r\n")
        self.assertEqual(self.client().version(), b"1.6.18")

    def test_concurrent_clients(self):
        self.client().set(b"counter", b"0")
        errors = []

        def work():
            try:
                c = Client(("127.0.0.1", self.port), default_noreply=False, timeout=10)
                for _ in range(250):
                    c.incr(b"counter", 1)
                    c.set(b"t%d" % threading.get_ident(), b"v")
                c.close()
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(int(self.client().get(b"counter")), 1000)


class LumaDBTest(ClientBehaviour, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server(disable=["redis"])
        cls.server.start()
        cls.port = cls.server.memcached_port

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            cls.server.cleanup()


class MemcachedTest(ClientBehaviour, unittest.TestCase):
    """The same tests against Debian's memcached: they describe its behaviour."""

    @classmethod
    def setUpClass(cls):
        cls.real = harness.RealServer("memcached")
        cls.real.__enter__()
        cls.port = cls.real.port

    @classmethod
    def tearDownClass(cls):
        cls.real.__exit__(None, None, None)


class LumaDBOnlyTest(unittest.TestCase):
    def test_restart_keeps_items(self):
        with harness.Server(disable=["redis"]) as s:
            c = Client(("127.0.0.1", s.memcached_port), default_noreply=False, serde=FlagsSerde())
            c.set(b"plain", (b"hello", 0))
            c.set(b"flagged", (b"\x00bin\r\n", 42), expire=1000)
            c.set(b"n", (b"41", 0))
            c.incr(b"n", 1)
            _, token = c.gets(b"flagged")
            c.close()
            s.restart()
            c = Client(("127.0.0.1", s.memcached_port), default_noreply=False, serde=FlagsSerde())
            self.assertEqual(c.get(b"plain"), (b"hello", 0))
            self.assertEqual(c.gets(b"flagged"), ((b"\x00bin\r\n", 42), token))
            self.assertEqual(c.incr(b"n", 1), 43)
            ttl = raw(s.memcached_port, b"mg flagged t\r\n")
            self.assertRegex(ttl, rb"^HD t(1000|99\d)\r\n$")
            # New CAS values stay unique after the restart.
            c.set(b"plain", (b"again", 0))
            self.assertGreater(int(c.gets(b"plain")[1]), int(token))
            c.close()

    def test_configured_item_size(self):
        with harness.Server(disable=["redis"], args=["--memcached-max-item-size", "2m"]) as s:
            c = Client(("127.0.0.1", s.memcached_port), default_noreply=False)
            self.assertTrue(c.set(b"k", b"v" * (3 * ITEM_LIMIT // 2)))
            self.assertEqual(len(c.get(b"k")), 3 * ITEM_LIMIT // 2)
            with self.assertRaises(mc_errors.MemcacheServerError):
                c.set(b"k", b"v" * (2 * ITEM_LIMIT))
            self.assertEqual(c.stats("settings")[b"item_size_max"], 2 * ITEM_LIMIT)
            c.close()

    def test_redis_and_memcached_namespaces_are_separate(self):
        with harness.Server() as s:
            c = Client(("127.0.0.1", s.memcached_port), default_noreply=False)
            c.set(b"shared", b"from-memcached")
            out = subprocess.run(["redis-cli", "-p", str(s.redis_port), "GET", "shared"], capture_output=True,
                                 text=True, timeout=30)
            self.assertEqual(out.stdout.strip(), "")
            subprocess.run(["redis-cli", "-p", str(s.redis_port), "FLUSHALL"], capture_output=True, timeout=30)
            self.assertEqual(c.get(b"shared"), b"from-memcached")
            c.close()

    @unittest.skipIf(shutil.which("memccapable") is None, "libmemcached-tools not installed")
    def test_libmemcached_tools(self):
        with harness.Server(disable=["redis"]) as s:
            servers = "--servers=127.0.0.1:%d" % s.memcached_port

            def tool(*args):
                return subprocess.run(list(args), capture_output=True, text=True, timeout=60)

            # libmemcached's protocol conformance test (text protocol).
            out = tool("memccapable", "-h", "127.0.0.1", "-p", str(s.memcached_port), "-a")
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            self.assertIn("All tests passed", out.stdout)
            path = os.path.join(s.data_dir, "upload.txt")
            with open(path, "w") as f:
                f.write("file contents\n")
            self.assertEqual(tool("memccp", servers, path).returncode, 0)
            self.assertEqual(tool("memccat", servers, "upload.txt").stdout, "file contents\n\n")
            self.assertEqual(tool("memcexist", servers, "upload.txt").returncode, 0)
            self.assertIn("upload.txt", tool("memcdump", servers).stdout.split())
            self.assertEqual(tool("memctouch", servers, "--expire=100", "upload.txt").returncode, 0)
            self.assertIn("version: 1.6.18", tool("memcstat", servers).stdout)
            self.assertEqual(tool("memcrm", servers, "upload.txt").returncode, 0)
            self.assertNotEqual(tool("memcexist", servers, "upload.txt").returncode, 0)
            self.assertEqual(tool("memcping", servers).returncode, 0)
            self.assertEqual(tool("memcflush", servers).returncode, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)

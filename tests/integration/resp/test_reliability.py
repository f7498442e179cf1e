"""Reliability of the Redis side: kill -9 under write load, malformed input,
many connections, and a client that never reads its replies."""
import os
import resource
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import redis  # noqa: E402


def rss_bytes(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class KillNineTest(unittest.TestCase):
    def test_acknowledged_writes_survive_kill9_with_durability_always(self):
        with harness.Server(args=["--durability", "always"]) as s:
            acked = {}
            counters = {}
            lock = threading.Lock()
            stop = threading.Event()

            def writer(wid):
                r = redis.Redis(port=s.redis_port, socket_timeout=5)
                i = 0
                while not stop.is_set():
                    key = "w%d:%d" % (wid, i)
                    try:
                        r.set(key, "v%d" % i)
                        n = r.incr("counter:%d" % wid)
                    except (redis.ConnectionError, redis.TimeoutError, OSError):
                        return
                    with lock:
                        acked[key] = "v%d" % i
                        counters[wid] = n
                    i += 1

            s.kill9_under_load(writer, 8, stop)
            self.assertGreater(len(acked), 100, "the write load did not run")
            s.start()
            r = redis.Redis(port=s.redis_port, decode_responses=True)
            keys = list(acked)
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                values = r.mget(chunk)
                for k, v in zip(chunk, values):
                    self.assertEqual(v, acked[k], "acknowledged write to %s lost" % k)
            for wid, n in counters.items():
                self.assertGreaterEqual(int(r.get("counter:%d" % wid)), n)

    def test_everysec_loses_at_most_about_a_second(self):
        with harness.Server(args=["--durability", "everysec"]) as s:
            r = redis.Redis(port=s.redis_port)
            for i in range(200):
                r.set("old:%d" % i, i)
            time.sleep(2.5)  # older than the one-second window
            s.kill9()
            s.start()
            r = redis.Redis(port=s.redis_port)
            self.assertEqual(sum(1 for i in range(200) if r.get("old:%d" % i) is not None), 200)


class MalformedInputTest(unittest.TestCase):
    CASES = [
        (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
        (b"*1\r\n$-7\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
        (b"*1\r\n$99999999999\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
        (b"*3\r\n*1\r\n*1\r\n", b"-ERR Protocol error: expected '$', got '*'\r\n"),
        (b"SET \"unterminated\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n"),
        (b"*1\r\n" + b"\x00\xff" * 10, b"-ERR Protocol error: expected '$', got '\x00'\r\n"),
    ]

    def test_protocol_errors_close_only_the_offender(self):
        with harness.Server() as s:
            good = redis.Redis(port=s.redis_port)
            good.set("alive", "yes")
            for payload, expected in self.CASES:
                sock = socket.create_connection(("127.0.0.1", s.redis_port), timeout=5)
                sock.sendall(payload)
                got = b""
                while True:
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    got += chunk
                sock.close()
                self.assertEqual(got, expected, payload)
                self.assertEqual(good.get("alive"), b"yes")
            # Too big inline request: 64 KB without a newline.
            sock = socket.create_connection(("127.0.0.1", s.redis_port), timeout=5)
            sock.sendall(b"A" * 70000)
            self.assertEqual(sock.recv(4096), b"-ERR Protocol error: too big inline request\r\n")
            sock.close()
            # Random junk in volume never kills the server.
            junk = os.urandom(1 << 20)
            sock = socket.create_connection(("127.0.0.1", s.redis_port), timeout=5)
            try:
                sock.sendall(junk)
            except OSError:
                pass
            sock.close()
            self.assertEqual(good.get("alive"), b"yes")


class ConnectionsTest(unittest.TestCase):
    def test_thousand_concurrent_connections(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = min(hard, 4096)
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        with harness.Server() as s:
            socks = []
            for _ in range(1000):
                socks.append(socket.create_connection(("127.0.0.1", s.redis_port), timeout=10))
            for i, sock in enumerate(socks):
                sock.sendall(b"*2\r\n$4\r\nINCR\r\n$5\r\nconns\r\n")
            for sock in socks:
                data = b""
                while not data.endswith(b"\r\n"):
                    data += sock.recv(64)
                self.assertTrue(data.startswith(b":"))
            r = redis.Redis(port=s.redis_port)
            self.assertEqual(int(r.get("conns")), 1000)
            clients = r.client_list()
            self.assertGreaterEqual(len(clients), 1001)
            for sock in socks:
                sock.close()

    def test_client_that_never_reads_does_not_grow_memory(self):
        with harness.Server() as s:
            r = redis.Redis(port=s.redis_port)
            r.set("big", b"x" * (1 << 20))
            before = rss_bytes(s.proc.pid)
            sock = socket.create_connection(("127.0.0.1", s.redis_port), timeout=5)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            request = b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 1000  # asks for ~1 GB of replies
            sock.setblocking(False)
            sent = 0
            deadline = time.time() + 5
            while sent < len(request) and time.time() < deadline:
                try:
                    sent += sock.send(request[sent:])
                except BlockingIOError:
                    time.sleep(0.05)
            time.sleep(1.0)
            grown = rss_bytes(s.proc.pid) - before
            # Without backpressure the server would buffer up to 1 GB here.
            self.assertLess(grown, 100 << 20, "server buffered %d MB for a client that does not read" % (grown >> 20))
            # Everyone else is still served.
            other = redis.Redis(port=s.redis_port)
            self.assertTrue(other.ping())
            self.assertEqual(len(other.get("big")), 1 << 20)
            sock.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""Differential tests for client-side caching (CLIENT TRACKING and friends),
MONITOR, CLIENT REPLY, CLIENT PAUSE and CLIENT UNBLOCK: the same sessions
against Debian's redis-server and LumaDB, transcripts compared after client
ids, ports and timestamps are normalised."""
import os
import re
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import RespConn  # noqa: E402


def drain(conn, wait=0.3):
    """Everything the server pushed to conn within `wait` seconds."""
    conn.sock.settimeout(wait)
    got = []
    try:
        while True:
            got.append(conn.read())
    except (OSError, ValueError):
        pass
    conn.sock.settimeout(10)
    return got


def tracking_transcript(port):
    a, b, c = RespConn(port), RespConn(port), RespConn(port)
    out = []

    def cmd(conn, *args):
        out.append((args, conn.cmd(*args)))

    cmd(a, "CLIENT", "TRACKINGINFO")
    cmd(a, "CLIENT", "GETREDIR")
    cmd(a, "CLIENT", "TRACKING", "on")
    cmd(a, "CLIENT", "TRACKINGINFO")
    cmd(a, "GET", "k1")
    cmd(b, "SET", "k1", "v")
    out.append(("resp2 without redirect", drain(a)))
    for bad in [("BCAST",), ("PREFIX", "x")]:
        cmd(a, "CLIENT", "TRACKING", "on", *bad)
    cmd(a, "CLIENT", "TRACKING", "off")
    for bad in [("PREFIX", "x"), ("OPTIN", "OPTOUT"), ("BCAST", "OPTIN"), ("REDIRECT", "999999"),
                ("REDIRECT", "x"), ("BCAST", "PREFIX", "foo", "PREFIX", "foobar")]:
        cmd(a, "CLIENT", "TRACKING", "on", *bad)
    cmd(a, "CLIENT", "TRACKING", "maybe")
    cmd(a, "CLIENT", "CACHING", "yes")
    cmd(a, "CLIENT", "CACHING", "maybe")
    a.cmd("HELLO", "3")
    cid = c.cmd("CLIENT", "ID")
    cmd(c, "SUBSCRIBE", "__redis__:invalidate")
    cmd(a, "CLIENT", "TRACKING", "on", "REDIRECT", str(cid), "NOLOOP")
    cmd(a, "CLIENT", "TRACKINGINFO")
    cmd(a, "CLIENT", "GETREDIR")
    cmd(a, "GET", "k2")
    cmd(a, "MGET", "k3", "k4")
    cmd(b, "SET", "k2", "v")
    cmd(b, "DEL", "k3", "k4")
    cmd(a, "SET", "k2", "mine")
    out.append(("redirect target", drain(c)))
    cmd(b, "FLUSHALL")
    out.append(("redirect target after FLUSHALL", drain(c)))
    cmd(a, "CLIENT", "TRACKING", "off")
    cmd(a, "CLIENT", "TRACKING", "on", "OPTIN")
    cmd(a, "CLIENT", "CACHING", "no")
    cmd(a, "GET", "o1")
    cmd(a, "CLIENT", "CACHING", "yes")
    cmd(a, "GET", "o2")
    cmd(a, "CLIENT", "TRACKINGINFO")
    cmd(b, "SET", "o1", "x")
    cmd(b, "SET", "o2", "x")
    out.append(("optin pushes", drain(a)))
    cmd(a, "CLIENT", "TRACKING", "off")
    cmd(a, "CLIENT", "TRACKING", "on", "OPTOUT")
    cmd(a, "CLIENT", "CACHING", "no")
    cmd(a, "GET", "p1")
    cmd(a, "GET", "p2")
    cmd(b, "MSET", "p1", "x", "p2", "y")
    out.append(("optout pushes", drain(a)))
    cmd(a, "CLIENT", "TRACKING", "off")
    cmd(a, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "obj:")
    cmd(a, "CLIENT", "TRACKINGINFO")
    cmd(a, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:12")
    cmd(b, "MSET", "user:1", "a", "obj:2", "b", "other", "c")
    cmd(b, "HSET", "user:9", "f", "v")
    out.append(("bcast pushes", drain(a)))
    cmd(a, "CLIENT", "TRACKING", "off")
    cmd(a, "CLIENT", "TRACKING", "on", "REDIRECT", str(cid))
    c.close()
    time.sleep(0.2)
    cmd(a, "GET", "z")
    cmd(b, "SET", "z", "1")
    out.append(("broken redirect", drain(a)))
    cmd(a, "CLIENT", "TRACKINGINFO")
    a.close()
    b.close()
    return out, cid


def monitor_transcript(port):
    m, a = RespConn(port), RespConn(port)
    m.cmd("MONITOR")
    for args in [("SET", "k", "v\n\x01\"q"), ("AUTH", "x"), ("HELLO", "2", "AUTH", "default", "pw"), ("CLIENT", "ID"),
                 ("CLIENT", "LIST"), ("CONFIG", "GET", "x"),
                 ("EVAL", "redis.call('set','a','1') return redis.call('get','a')", "0"), ("MULTI",),
                 ("INCR", "n"), ("EXEC",), ("SELECT", "2"), ("GET", "x"), ("PING",), ("BLPOP", "nol", "0.01"),
                 ("NOSUCH",), ("GET",)]:
        a.cmd(*args)
    lines = drain(m)
    m.close()
    a.close()
    return [re.sub(r"^\d+\.\d+ \[(\d+) 127\.0\.0\.1:\d+\]", r"T [\1 ADDR]", re.sub(r"^\d+\.\d+ \[(\d+) lua\]", r"T [\1 lua]", l))
            for l in lines]


def reply_transcript(port):
    a = RespConn(port)
    a.send_raw(a.encode("CLIENT", "REPLY", "OFF") + a.encode("SET", "x", "1") + a.encode("GET", "x") +
               a.encode("CLIENT", "REPLY", "ON") + a.encode("GET", "x") + a.encode("CLIENT", "REPLY", "SKIP") +
               a.encode("INCR", "x") + a.encode("INCR", "x") + a.encode("CLIENT", "REPLY", "maybe"))
    got = [a.read(), a.read(), a.read(), a.read()]
    got += drain(a)
    a.close()
    return got


def pause_transcript(port):
    admin, w, r = RespConn(port), RespConn(port), RespConn(port)
    out = [admin.cmd("CLIENT", "PAUSE", "x"), admin.cmd("CLIENT", "PAUSE", "-1"),
           admin.cmd("CLIENT", "PAUSE", "10", "BOGUS")]
    out.append(admin.cmd("CLIENT", "PAUSE", "400", "WRITE"))
    start = time.time()
    out.append(r.cmd("GET", "missing"))
    out.append(("read waited", time.time() - start > 0.3))
    start = time.time()
    out.append(w.cmd("SET", "paused", "1"))
    out.append(("write waited", time.time() - start > 0.25))
    out.append(admin.cmd("CLIENT", "PAUSE", "1500", "ALL"))
    done = {}

    def late():
        done["v"] = w.cmd("GET", "paused")
    t = threading.Thread(target=late)
    t.start()
    time.sleep(0.3)
    out.append(("still waiting", "v" not in done))
    # In ALL mode even CLIENT UNPAUSE waits: end the pause from a script-free client after the deadline.
    admin.sock.settimeout(20)
    t.join(20)
    out.append(done.get("v"))
    for conn in (admin, w, r):
        conn.close()
    return out


def unblock_transcript(port):
    blocked, admin = RespConn(port), RespConn(port)
    bid = blocked.cmd("CLIENT", "ID")
    out = [admin.cmd("CLIENT", "UNBLOCK", "x"), admin.cmd("CLIENT", "UNBLOCK", str(bid)),
           admin.cmd("CLIENT", "UNBLOCK", "1", "bogus")]
    for mode in ("TIMEOUT", "ERROR"):
        blocked.send_raw(blocked.encode("BLPOP", "never", "0"))
        time.sleep(0.2)
        out.append(admin.cmd("CLIENT", "UNBLOCK", str(bid), mode))
        out.append(blocked.read())
    blocked.close()
    admin.close()
    return out


class ClientDiff(unittest.TestCase):
    def compare(self, fn, normalise=lambda x, ctx: x):
        with harness.RealServer("redis") as real, harness.Server(args=["--workers", "2"]) as luma:
            expected = fn(real.port)
            got = fn(luma.redis_port)
        self.assertEqual(normalise(got, None), normalise(expected, None))
        return expected

    def test_tracking(self):
        def norm(result, _):
            out, cid = result
            return re.sub(r"\b%d\b" % cid, "CID", repr(out)).replace("b'7.0.15'", "V")

        with harness.RealServer("redis") as real, harness.Server(args=["--workers", "2"]) as luma:
            expected = norm(tracking_transcript(real.port), None)
            got = norm(tracking_transcript(luma.redis_port), None)
        self.assertEqual(got, expected)

    def test_monitor(self):
        lines = self.compare(monitor_transcript)
        self.assertIn('T [0 lua] "set" "a" "1"', lines)

    def test_client_reply(self):
        got = self.compare(reply_transcript)
        self.assertEqual(got[:3], ["OK", b"1", 3])

    def test_client_pause(self):
        self.compare(pause_transcript)

    def test_client_unblock(self):
        self.compare(unblock_transcript)


if __name__ == "__main__":
    unittest.main()

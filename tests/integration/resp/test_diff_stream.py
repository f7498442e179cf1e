"""Differential test for the stream commands: the same scripts against
Debian's redis-server 7.0.15 and LumaDB, replies compared exactly in RESP2 and
RESP3. IDs are explicit wherever a reply is compared; replies that carry
clock readings (idle times, delivery and seen times, "*" IDs) are compared
with those values masked, so their shape and every other field still count.
DUMP/RESTORE is checked both ways: a stream dumped by one server and
restored by the other must describe itself (XINFO STREAM FULL) identically."""
import os
import random
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import NOCMP  # noqa: E402

ID_RE = re.compile(rb"^\d+-\d+$")


class Mask:
    """A script flag: compare the reply after passing it through fn."""

    def __init__(self, name, fn):
        self.name, self.fn = name, fn

    def __repr__(self):
        return self.name


def _scrub(r, keys):
    # Clock readings: Unix-ms integers anywhere, and the value after a key
    # such as b"idle" (flat RESP2 maps and RESP3 [key, value] pairs alike).
    if isinstance(r, int) and not isinstance(r, bool) and r >= 10 ** 12:
        return "T"
    if isinstance(r, list):
        out = [_scrub(x, keys) for x in r]
        for i in range(len(out) - 1):
            if isinstance(r[i], bytes) and r[i] in keys:
                out[i + 1] = "T"
        return out
    return r


TIMES = Mask("TIMES", lambda r: _scrub(r, {b"idle", b"seen-time"}))
# XPENDING's extended form: [id, consumer, idle ms, deliveries] per entry.
PIDLE = Mask("PIDLE", lambda r: [[e[0], e[1], "T", e[3]] for e in r] if isinstance(r, list) else r)
NEWID = Mask("NEWID", lambda r: "ID" if isinstance(r, bytes) and ID_RE.match(r) else r)


def run_script(port, script):
    conn = harness.RespConn(port)
    out = []
    try:
        for step in script:
            masks = [a for a in step if isinstance(a, Mask)]
            nocmp = NOCMP in step
            args = [a for a in step if not isinstance(a, Mask) and a != NOCMP]
            reply = conn.cmd(*args)
            for m in masks:
                reply = m.fn(reply)
            out.append((args, None if nocmp else reply))
    finally:
        conn.close()
    return out


def diff(script):
    with harness.RealServer("redis") as real, harness.Server() as luma:
        expected = run_script(real.port, script)
        got = run_script(luma.redis_port, script)
    return ["%r:\n  redis:  %r\n  lumadb: %r" % (e[0], e[1], g[1]) for e, g in zip(expected, got) if e[1] != g[1]]


ADD_AND_IDS = [
    ("XADD", "s", "1-1", "a", "1"), ("XADD", "s", "1-1", "a", "1"), ("XADD", "s", "0-0", "a", "1"),
    ("XADD", "s0", "0-0", "a", "1"), ("EXISTS", "s0"), ("XADD", "s", "1-*", "a", "2"), ("XADD", "s", "2-*", "a", "3"),
    ("XADD", "s", "2-*", "b", "4", "c", "5"), ("XADD", "s", "1-*", "a", "1"), ("XADD", "s", "*", "a", "1", NEWID),
    ("XADD", "t", "1", "a", "1"), ("XADD", "t", "1-5", "a", "1"), ("XADD", "t", "00002-x", "a", "1"),
    ("XADD", "t", " 3", "a", "1"), ("XADD", "t", "+4", "a", "1"), ("XADD", "t", "5--01", "a", "1"),
    ("XADD", "t", "5--1", "a", "1"), ("XADD", "t", "6-", "a", "1"), ("XADD", "t", "-6", "a", "1"),
    ("XADD", "t", "18446744073709551616", "a", "1"), ("XADD", "t", "x" * 200, "a", "1"),
    ("XADD", "t", "18446744073709551615-18446744073709551615", "a", "1"),
    ("XADD", "t", "18446744073709551615-18446744073709551615", "a", "1"), ("XADD", "t", "*", "a", "1"),
    ("XADD", "t", "18446744073709551615-*", "a", "1"),
    ("XADD", "t2", "18446744073709551615-18446744073709551614", "a", "1"),
    ("XADD", "t2", "18446744073709551615-*", "a", "1"), ("XADD", "t2", "18446744073709551615-*", "a", "1"),
    ("XADD", "u"), ("XADD", "u", "maxlen"), ("XADD", "u", "maxlen", "5"), ("XADD", "u", "maxlen", "5", "*"),
    ("XADD", "u", "maxlen", "5", "*", "a"), ("XADD", "u", "maxlen", "-1", "*", "a", "b"),
    ("XADD", "u", "maxlen", "~", "x", "*", "a", "b"), ("XADD", "u", "maxlen", "~", "*", "a", "b"),
    ("XADD", "u", "limit", "5", "*", "a", "b"), ("XADD", "u", "limit", "0", "1-1", "a", "b"),
    ("XADD", "u", "maxlen", "5", "limit", "5", "*", "a", "b"), ("XADD", "u", "maxlen", "5", "minid", "5", "*", "a", "b"),
    ("XADD", "u", "minid", "x", "*", "a", "b"), ("XADD", "u", "minid", "-", "*", "a", "b"),
    ("XADD", "u", "maxlen", "1", "limit", "-1", "*", "a", "b"), ("XADD", "u", "nomkstream", "*", "a", "b"),
    ("XADD", "u", "NOMKSTREAM", "1-1", "a", "b"), ("EXISTS", "u"), ("XADD", "u", "1-1", "a"),
    ("XADD", "u", "foo", "a", "b"), ("XADD", "u", "-", "a", "b"), ("XADD", "u", "+", "a", "b"),
    ("XADD", "u", "(1", "a", "b"), ("XADD", "u", "NOMKSTREAM", "MAXLEN", "=", "0", "2-2", "a", "b"),
    ("XADD", "u", "MAXLEN", "=", "0", "3-3", "a", "b"), ("XLEN", "u"), ("XINFO", "STREAM", "u"),
    ("XADD", "u", "MINID", "~", "10", "LIMIT", "1", "4-4", "a", "b"), ("XADD", "u", "4-4", "a", "b", "c"),
    ("XADD", "v", "1-1", "", ""), ("XADD", "v", "2-2", "f", "1", "f", "2"), ("XRANGE", "v", "-", "+"),
    ("SET", "str", "x"), ("XADD", "str", "*", "a", "b"), ("XADD", "str", "NOMKSTREAM", "*", "a", "b"),
    ("TYPE", "s"), ("OBJECT", "ENCODING", "s"), ("SCAN", "0", "TYPE", "stream", harness.SORT), ("XLEN", "s"),
    ("XLEN", "nokey"), ("XLEN", "str"),
]

RANGES = [
    ("XADD", "s", "1-1", "a", "1"), ("XADD", "s", "1-2", "b", "2"), ("XADD", "s", "2-0", "c", "3"),
    ("XADD", "s", "3-5", "d", "4", "e", "5"), ("XRANGE", "s", "-", "+"), ("XRANGE", "s", "-", "+", "COUNT", "0"),
    ("XRANGE", "s", "-", "+", "COUNT", "-1"), ("XRANGE", "s", "-", "+", "COUNT", "2"),
    ("XRANGE", "s", "-", "+", "count", "1", "COUNT", "3"), ("XRANGE", "s", "-", "+", "COUNT", "x"),
    ("XRANGE", "s", "-", "+", "foo"), ("XRANGE", "s", "-", "+", "COUNT"), ("XRANGE", "s", "(1-1", "+"),
    ("XRANGE", "s", "(1", "+"), ("XRANGE", "s", "-", "(2-0"), ("XRANGE", "s", "1", "1"), ("XRANGE", "s", "1", "(2"),
    ("XRANGE", "s", "(", "+"), ("XRANGE", "s", "(-", "+"), ("XRANGE", "s", "-", "(+"),
    ("XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"), ("XRANGE", "s", "-", "(0-0"),
    ("XRANGE", "s", "-", "(0"), ("XRANGE", "s", "3", "2"), ("XRANGE", "s", "2", "2"), ("XRANGE", "s", "2-0", "2-0"),
    ("XRANGE", "s", "1526985054069", "1526985054069"), ("XREVRANGE", "s", "+", "-"),
    ("XREVRANGE", "s", "+", "-", "COUNT", "1"), ("XREVRANGE", "s", "2", "1"), ("XREVRANGE", "s", "(3-5", "-"),
    ("XREVRANGE", "s", "+", "(1-1"), ("XREVRANGE", "s", "-", "+"), ("XREVRANGE", "s", "+", "-", "COUNT", "0"),
    ("XRANGE", "nokey", "-", "+"), ("XRANGE", "nokey", "-", "+", "COUNT", "0"), ("XRANGE", "nokey", "x", "+"),
    ("SET", "str", "x"), ("XRANGE", "str", "-", "+"), ("XRANGE", "str", "x", "+"), ("XREVRANGE", "str", "+", "-"),
    ("XRANGE", "s"), ("XDEL", "s", "1-2", "9-9", "1-2"), ("XDEL", "s", "x"), ("XDEL", "s", "1-1", "x"),
    ("XLEN", "s"), ("XDEL", "nokey", "1-1"), ("XDEL", "nokey", "x"), ("XDEL", "str", "1-1"), ("XDEL", "s", "-"),
    ("XDEL", "s"), ("XRANGE", "s", "-", "+"), ("XINFO", "STREAM", "s"),
    ("XDEL", "s", "1-1", "2-0", "3-5"), ("XLEN", "s"), ("EXISTS", "s"), ("XINFO", "STREAM", "s"),
    ("XRANGE", "s", "-", "+"), ("XREVRANGE", "s", "+", "-"),
]

TRIMS = [
    ("XTRIM", "s"), ("XTRIM", "s", "maxlen"), ("XTRIM", "nokey", "MAXLEN", "0"),
    ("SET", "str", "x"), ("XTRIM", "str", "MAXLEN", "0"), ("XTRIM", "nokey", "foo", "1"),
    ("XTRIM", "nokey", "MAXLEN", "1", "NOMKSTREAM"), ("XTRIM", "nokey", "LIMIT", "1"),
    ("XTRIM", "nokey", "MINID", "=", "0", "LIMIT", "2"), ("XTRIM", "nokey", "MINID", "~", "x"),
    ("XTRIM", "nokey", "MAXLEN", "1", "LIMIT", "-1"), ("XTRIM", "nokey", "MAXLEN", "-1"),
    ("XTRIM", "nokey", "MAXLEN", "1", "MINID", "1"), ("XTRIM", "nokey", "MAXLEN", "~", "1", "LIMIT", "x"),
] + [("XADD", "s", "%d-1" % i, "f", "v%d" % i) for i in range(1, 251)] + [
    ("XTRIM", "s", "MAXLEN", "~", "120"), ("XLEN", "s"), ("XINFO", "STREAM", "s"),
    ("XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "10"), ("XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "100"),
    ("XTRIM", "s", "MAXLEN", "=", "120"), ("XLEN", "s"), ("XRANGE", "s", "-", "+", "COUNT", "2"),
    ("XTRIM", "s", "MINID", "200"), ("XRANGE", "s", "-", "+", "COUNT", "2"), ("XINFO", "STREAM", "s"),
    ("XTRIM", "s", "MINID", "~", "240"), ("XTRIM", "s", "MINID", "=", "240-1"), ("XLEN", "s"),
    ("XTRIM", "s", "MAXLEN", "0", "LIMIT", "0"), ("XTRIM", "s", "MAXLEN", "~", "5", "LIMIT", "0"),
    ("XTRIM", "s", "MAXLEN", "0"), ("XINFO", "STREAM", "s"),
    ("XADD", "m", "MAXLEN", "2", "1-1", "a", "1"), ("XADD", "m", "MAXLEN", "2", "2-1", "a", "1"),
    ("XADD", "m", "MAXLEN", "2", "3-1", "a", "1"), ("XRANGE", "m", "-", "+"),
    ("XADD", "m", "MINID", "3-1", "4-1", "a", "1"), ("XRANGE", "m", "-", "+"), ("XINFO", "STREAM", "m"),
]

READS = [
    ("XADD", "s", "1-1", "a", "1"), ("XADD", "s", "2-2", "b", "2"), ("SET", "str", "x"),
    ("XREAD", "STREAMS", "s", "0"), ("XREAD", "STREAMS", "s"), ("XREAD", "STREAMS", "s", "t", "0"),
    ("XREAD", "COUNT", "1", "STREAMS", "s", "0"), ("XREAD", "COUNT", "-5", "STREAMS", "s", "0"),
    ("XREAD", "COUNT", "x", "STREAMS", "s", "0"), ("XREAD", "COUNT", "1", "COUNT", "2", "STREAMS", "s", "0"),
    ("XREAD", "BLOCK", "x", "STREAMS", "s", "0"), ("XREAD", "BLOCK", "-1", "STREAMS", "s", "0"),
    ("XREAD", "BLOCK", "0", "STREAMS", "s", "2-2", "nokey", "0"), ("XREAD", "STREAMS", "s", "nokey", "0", "0"),
    ("XREAD", "STREAMS", "s", "$"), ("XREAD", "STREAMS", "nokey", "$"), ("XREAD", "STREAMS", "s", ">"),
    ("XREAD", "STREAMS", "s", "-"), ("XREAD", "STREAMS", "s", "+"), ("XREAD", "STREAMS", "s", "x"),
    ("XREAD", "STREAMS", "s", "(0"), ("XREAD", "STREAMS", "s", "1"), ("XREAD", "STREAMS", "s", "1-1"),
    ("XREAD", "STREAMS", "s", "0-0"), ("XREAD", "STREAMS", "str", "0"), ("XREAD", "STREAMS", "nokey", "str", "0", "0"),
    ("XREAD", "GROUP", "g", "c", "STREAMS", "s", "0"), ("XREAD", "NOACK", "STREAMS", "s", "0"),
    ("XREAD", "foo", "STREAMS", "s", "0"), ("XREAD", "COUNT", "1"), ("XREAD", "STREAMS"),
    ("XREAD", "STREAMS", "s", "0", "COUNT", "1"), ("XREAD", "streams", "STREAMS", "s", "0"),
    ("XREAD", "BLOCK", "10", "STREAMS", "s", "$"), ("XREAD", "BLOCK", "10", "STREAMS", "s", "0"),
    ("MULTI",), ("XREAD", "BLOCK", "0", "STREAMS", "s", "$"), ("XREAD", "STREAMS", "s", "0"), ("EXEC",),
    ("XREADGROUP", "STREAMS", "s", "0"), ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"),
    ("XREADGROUP", "GROUP", "g", "STREAMS", "s", "0"), ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"),
    ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "t", "x"),
    ("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "BLOCK", "5"),
    ("XREADGROUP", "COUNT", "1", "BLOCK", "5", "STREAMS", "s"), ("XGROUP", "CREATE", "s", "g", "0"),
    ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$"), ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "x"),
    ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "+"), ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "-"),
    ("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"),
    ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"), ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "1-1"),
    ("XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", "0"),
    ("XREADGROUP", "GROUP", "g", "c", "NOACK", "STREAMS", "s", ">"),
    ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">", "nokey", ">"),
    ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "str", ">"), ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "str", ">", ">"),
    ("XREADGROUP", "GROUP", "g", "c", "BLOCK", "10", "STREAMS", "s", ">"),
    ("XREADGROUP", "GROUP", "g", "c", "BLOCK", "10", "STREAMS", "s", "0"),
    ("XREADGROUP", "GROUP", "g", "c", "NOACK", "NOACK", "STREAMS", "s", ">"),
    ("XDEL", "s", "1-1"), ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"),
    ("XREADGROUP", "GROUP", "g", "c", "COUNT", "0", "STREAMS", "s", "0"),
    ("XADD", "s", "3-3", "c", "3"), ("XADD", "s", "4-4", "d", "4"),
    ("XREADGROUP", "GROUP", "g", "c3", "COUNT", "1", "STREAMS", "s", ">"),
    ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"), ("XREADGROUP", "GROUP", "g", "c3", "STREAMS", "s", "0"),
    ("XREADGROUP", "GROUP", "g", "c3", "COUNT", "1", "STREAMS", "s", "0"),
    ("XADD", "s2", "1-1", "x", "y"), ("XGROUP", "CREATE", "s2", "g", "0"),
    ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "s2", ">", ">"),
    ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "s2", "0", ">"),
    ("MULTI",), ("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"), ("EXEC",),
    ("XINFO", "STREAM", "s", "FULL", TIMES), ("XPENDING", "s", "g"), ("XINFO", "GROUPS", "s"),
    ("XINFO", "CONSUMERS", "s", "g", TIMES),
]

GROUPS = [
    ("SET", "str", "x"), ("XGROUP", "CREATE", "nokey", "g", "0"), ("XGROUP", "CREATE", "nokey", "g", "0", "MKSTREAM"),
    ("XGROUP", "CREATE", "nokey", "g", "0", "MKSTREAM"), ("TYPE", "nokey"), ("XLEN", "nokey"),
    ("XGROUP", "CREATE", "nokey", "g2", "$", "MKSTREAM", "ENTRIESREAD", "5"),
    ("XGROUP", "CREATE", "nokey", "g3", "$", "ENTRIESREAD", "-1"),
    ("XGROUP", "CREATE", "nokey", "g4", "$", "ENTRIESREAD", "-2"),
    ("XGROUP", "CREATE", "nokey", "g4", "$", "ENTRIESREAD", "x"), ("XGROUP", "CREATE", "nokey", "g4", "$", "foo"),
    ("XGROUP", "CREATE", "nokey", "g4", "x"), ("XGROUP", "CREATE", "nokey", "g4", "-"),
    ("XGROUP", "CREATE", "nokey", "g4", "+"), ("XGROUP", "CREATE", "nokey", "g4", "5"),
    ("XGROUP", "CREATE", "str", "g", "0"), ("XGROUP", "CREATE", "str", "g", "0", "MKSTREAM"),
    ("XGROUP", "CREATE", "nokey", "g5", "0", "MKSTREAM", "MKSTREAM", "ENTRIESREAD", "1"),
    ("XGROUP", "CREATE", "nokey", "g6", "0", "ENTRIESREAD", "1", "ENTRIESREAD", "2"),
    ("XGROUP", "CREATE", "nokey", "g6", "0", "ENTRIESREAD", "1", "ENTRIESREAD"),
    ("XGROUP", "CREATE", "nokey", "g7", "$", "ENTRIESREAD", "5", "MKSTREAM"),
    ("XGROUP", "CREATE", "nokey"), ("XGROUP", "CREATE", "nokey", "g"), ("XGROUP", "CREATE"), ("XGROUP",),
    ("XGROUP", "HELP"), ("XGROUP", "help", "x"), ("XGROUP", "foo"), ("XGROUP", "FOO"), ("xgroup", "Foo", "a", "b"),
    ("XGROUP", "SETID", "nokey", "g", "5-5"), ("XINFO", "GROUPS", "nokey"),
    ("XGROUP", "SETID", "nokey", "g", "$", "ENTRIESREAD", "3"), ("XINFO", "GROUPS", "nokey"),
    ("XGROUP", "SETID", "nokey", "g", "-"), ("XGROUP", "SETID", "nokey", "g", "+"),
    ("XGROUP", "SETID", "nokey", "g", "5"), ("XGROUP", "SETID", "nokey", "g", "x"),
    ("XGROUP", "SETID", "nokey", "nog", "0"), ("XGROUP", "SETID", "nokey", "g", "0", "MKSTREAM"),
    ("XGROUP", "SETID", "nokey", "g", "0", "ENTRIESREAD"), ("XGROUP", "SETID", "nokey", "g", "0", "ENTRIESREAD", "-3"),
    ("XGROUP", "SETID", "nokey2", "g", "0"), ("XGROUP", "SETID", "str", "g", "0"), ("XINFO", "GROUPS", "nokey"),
    ("XGROUP", "CREATECONSUMER", "nokey", "g", "c1"), ("XGROUP", "CREATECONSUMER", "nokey", "g", "c1"),
    ("XGROUP", "CREATECONSUMER", "nokey", "nog", "c1"), ("XGROUP", "CREATECONSUMER", "nokey2", "g", "c1"),
    ("XGROUP", "CREATECONSUMER", "nokey", "g"), ("XGROUP", "CREATECONSUMER", "nokey", "g", "c1", "c2"),
    ("XINFO", "CONSUMERS", "nokey", "g", TIMES), ("XGROUP", "DELCONSUMER", "nokey", "g", "c1"),
    ("XGROUP", "DELCONSUMER", "nokey", "g", "c1"), ("XGROUP", "DELCONSUMER", "nokey", "nog", "c1"),
    ("XGROUP", "DELCONSUMER", "str", "g", "c1"),
    ("XGROUP", "DESTROY", "nokey", "g"), ("XGROUP", "DESTROY", "nokey", "g"), ("XGROUP", "DESTROY", "nokey2", "g"),
    ("XGROUP", "DESTROY", "nokey", "g", "extra"), ("XGROUP", "DESTROY", "str", "g"), ("XINFO", "GROUPS", "nokey"),
    ("XGROUP", "CREATE", "nokey", "G", "0"), ("XGROUP", "CREATE", "nokey", "a", "0"), ("XINFO", "GROUPS", "nokey"),
    # lag and entries-read through deletions, SETID and reads
    ("XADD", "l", "1-1", "a", "1"), ("XGROUP", "CREATE", "l", "g", "$"),
    ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "l", ">"), ("XINFO", "GROUPS", "l"),
    ("XADD", "l", "5-5", "a", "1"), ("XDEL", "l", "1-1"), ("XINFO", "GROUPS", "l"), ("XINFO", "STREAM", "l"),
    ("XGROUP", "CREATE", "l", "g2", "0"), ("XINFO", "GROUPS", "l"),
    ("XADD", "l", "6-6", "a", "1"), ("XADD", "l", "7-7", "a", "1"), ("XINFO", "GROUPS", "l"),
    ("XREADGROUP", "GROUP", "g2", "c", "COUNT", "1", "STREAMS", "l", ">"), ("XINFO", "GROUPS", "l"),
    ("XDEL", "l", "7-7"), ("XINFO", "GROUPS", "l"), ("XREADGROUP", "GROUP", "g2", "c", "STREAMS", "l", ">"),
    ("XINFO", "GROUPS", "l"), ("XGROUP", "SETID", "l", "g2", "0", "ENTRIESREAD", "0"), ("XINFO", "GROUPS", "l"),
    ("XGROUP", "SETID", "l", "g2", "$"), ("XINFO", "GROUPS", "l"),
    ("XGROUP", "SETID", "l", "g2", "9-9"), ("XINFO", "GROUPS", "l"),
    ("XADD", "l", "10-10", "a", "1"), ("XINFO", "GROUPS", "l"),
    ("XGROUP", "CREATE", "l", "g3", "6-6", "ENTRIESREAD", "3"), ("XINFO", "GROUPS", "l"),
    ("XADD", "n", "1-1", "a", "1"), ("XADD", "n", "2-2", "a", "1"), ("XADD", "n", "3-3", "a", "1"),
    ("XGROUP", "CREATE", "n", "g", "0"), ("XGROUP", "CREATE", "n", "h", "1-1"), ("XGROUP", "CREATE", "n", "i", "2-0"),
    ("XINFO", "GROUPS", "n"), ("XTRIM", "n", "MAXLEN", "2"), ("XINFO", "GROUPS", "n"),
    ("XREADGROUP", "GROUP", "i", "c", "STREAMS", "n", ">"), ("XINFO", "GROUPS", "n"),
]

PENDING_CLAIMS = [
    ("SET", "str", "x"), ("XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"),
    ("XADD", "s", "1-0", "a", "1"), ("XADD", "s", "2-0", "b", "2"), ("XADD", "s", "3-0", "c", "3"),
    ("XADD", "s", "4-0", "d", "4"), ("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"),
    ("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"), ("XACK", "s", "g", "1-0", "9-9"),
    ("XACK", "s", "g", "x"), ("XACK", "s", "nog", "1-0"), ("XACK", "nokey", "g", "1-0"), ("XACK", "nokey", "g", "x"),
    ("XACK", "str", "g", "1-0"), ("XACK", "s", "g", "1-0", "x"), ("XACK", "s", "g"), ("XACK", "s", "g", "-"),
    ("XPENDING", "s", "g"), ("XPENDING", "s", "nog"), ("XPENDING", "nokey", "g"), ("XPENDING", "str", "g"),
    ("XPENDING", "s", "g", "-", "+", "10", PIDLE), ("XPENDING", "s", "g", "-", "+", "10", "alice", PIDLE),
    ("XPENDING", "s", "g", "-", "+", "10", "nobody"), ("XPENDING", "s", "g", "IDLE", "0", "-", "+", "10", PIDLE),
    ("XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10"), ("XPENDING", "s", "g", "IDLE", "x", "-", "+", "10"),
    ("XPENDING", "s", "g", "IDLE", "10", "-", "+"), ("XPENDING", "s", "g", "-", "+", "x"),
    ("XPENDING", "s", "g", "-", "+", "-1"), ("XPENDING", "s", "g", "x", "+", "10"),
    ("XPENDING", "s", "g", "(2", "+", "10", PIDLE), ("XPENDING", "s", "g", "-", "(3", "10", PIDLE),
    ("XPENDING", "s", "g", "(18446744073709551615-18446744073709551615", "+", "10"),
    ("XPENDING", "s", "g", "-", "(0-0", "10"), ("XPENDING", "s", "g", "-", "+"), ("XPENDING", "s", "g", "-"),
    ("XPENDING", "s", "g", "-", "+", "10", "alice", "extra", PIDLE),
    ("XPENDING", "s", "g", "IDLE", "1", "-", "+", "10", "alice", "extra"), ("XPENDING", "nokey", "g", "-", "+", "10"),
    ("XPENDING", "s", "nog", "x", "+", "10"), ("XPENDING", "s", "g", "-", "+", "0"),
    ("XPENDING", "s", "g", "-", "+", "1", "bob", PIDLE), ("XPENDING", "s", "g", "3", "3", "10", "bob", PIDLE),
    ("XCLAIM", "s", "g", "carol", "0", "2-0"), ("XCLAIM", "s", "g", "carol", "0", "2-0", "JUSTID"),
    ("XCLAIM", "s", "g", "carol", "0", "9-9"), ("XCLAIM", "s", "g", "carol", "0", "9-9", "FORCE"),
    ("XCLAIM", "s", "g", "carol", "0", "1-0", "FORCE", "JUSTID"), ("XCLAIM", "s", "g", "carol", "x", "1-0"),
    ("XCLAIM", "s", "g", "carol", "-5", "3-0", "JUSTID"), ("XCLAIM", "s", "g", "carol", "0", "3-0", "IDLE", "x"),
    ("XCLAIM", "s", "g", "carol", "0", "3-0", "TIME", "x"), ("XCLAIM", "s", "g", "carol", "0", "3-0", "RETRYCOUNT", "x"),
    ("XCLAIM", "s", "g", "carol", "0", "3-0", "LASTID", "x"), ("XCLAIM", "s", "g", "carol", "0", "3-0", "foo"),
    ("XCLAIM", "s", "g", "carol", "0", "3-0", "IDLE"), ("XCLAIM", "s", "g", "carol", "0", "x"),
    ("XCLAIM", "s", "g", "carol", "0", "3-0", "JUSTID", "2-0"),
    ("XCLAIM", "s", "g", "carol", "0", "3-0", "RETRYCOUNT", "7", "JUSTID"),
    ("XCLAIM", "s", "g", "carol", "0", "3-0", "3-0", "RETRYCOUNT", "7", "IDLE", "1000000", "LASTID", "10-0", "JUSTID"),
    ("XCLAIM", "s", "g", "dave", "0", "4-0", "TIME", "1000", "RETRYCOUNT", "0"),
    ("XCLAIM", "s", "g", "dave", "0", "4-0", "TIME", "-1", "JUSTID"),
    ("XCLAIM", "s", "g", "dave", "0", "4-0", "IDLE", "-100", "JUSTID"),
    ("XCLAIM", "s", "g", "dave", "0", "4-0", "IDLE", "-9223372036854775808", "JUSTID"),
    ("XCLAIM", "s", "nog", "carol", "0", "3-0"), ("XCLAIM", "nokey", "g", "carol", "0", "3-0"),
    ("XCLAIM", "str", "g", "carol", "0", "3-0"), ("XCLAIM", "s", "g", "carol", "10000000", "3-0"),
    ("XCLAIM", "s", "g", "erin", "10000000", "3-0"), ("XINFO", "CONSUMERS", "s", "g", TIMES),
    ("XINFO", "GROUPS", "s"), ("XPENDING", "s", "g", "-", "+", "10", PIDLE), ("XPENDING", "s", "g"),
    ("XDEL", "s", "3-0"), ("XCLAIM", "s", "g", "frank", "0", "3-0"), ("XPENDING", "s", "g"),
    ("XINFO", "CONSUMERS", "s", "g", TIMES),
    # XAUTOCLAIM
    ("DEL", "a"), ("XADD", "a", "1-0", "a", "1"), ("XADD", "a", "2-0", "b", "2"), ("XADD", "a", "3-0", "c", "3"),
    ("XADD", "a", "4-0", "d", "4"), ("XADD", "a", "5-0", "e", "5"), ("XGROUP", "CREATE", "a", "g", "0"),
    ("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "a", ">"), ("XDEL", "a", "2-0", "4-0"),
    ("XAUTOCLAIM", "a", "g", "bob", "0", "0", "COUNT", "1"), ("XAUTOCLAIM", "a", "g", "bob", "0", "0"),
    ("XAUTOCLAIM", "a", "g", "bob", "0", "0", "COUNT", "1", "JUSTID"),
    ("XAUTOCLAIM", "a", "g", "carol", "0", "(1-0", "COUNT", "1"),
    ("XAUTOCLAIM", "a", "g", "carol", "0", "-", "COUNT", "2", "JUSTID"),
    ("XAUTOCLAIM", "a", "g", "carol", "0", "-", "COUNT", "0"), ("XAUTOCLAIM", "a", "g", "carol", "0", "-", "COUNT", "-1"),
    ("XAUTOCLAIM", "a", "g", "carol", "0", "-", "COUNT", "x"),
    ("XAUTOCLAIM", "a", "g", "carol", "0", "-", "COUNT", "1000000000"),
    ("XAUTOCLAIM", "a", "g", "carol", "0", "-", "COUNT", "576460752303423488"),
    ("XAUTOCLAIM", "a", "g", "carol", "0", "-", "COUNT"), ("XAUTOCLAIM", "a", "g", "carol", "0", "-", "foo"),
    ("XAUTOCLAIM", "a", "g", "carol", "x", "-"), ("XAUTOCLAIM", "a", "g", "carol", "0", "x"),
    ("XAUTOCLAIM", "a", "g", "carol", "0", "+"), ("XAUTOCLAIM", "a", "g", "carol", "0", "(+"),
    ("XAUTOCLAIM", "a", "g", "carol", "0", "(18446744073709551615-18446744073709551615"),
    ("XAUTOCLAIM", "a", "nog", "carol", "0", "-"), ("XAUTOCLAIM", "nokey", "g", "carol", "0", "-"),
    ("XAUTOCLAIM", "str", "g", "carol", "0", "-"), ("XAUTOCLAIM", "nokey", "g", "carol", "0", "x"),
    ("XAUTOCLAIM", "a", "g", "carol", "99999999", "-"), ("XAUTOCLAIM", "a", "g", "dan", "99999999", "-"),
    ("XAUTOCLAIM", "a", "g", "carol", "0", "0", "COUNT", "1", "COUNT", "2", "JUSTID", "JUSTID"),
    ("XINFO", "CONSUMERS", "a", "g", TIMES), ("XPENDING", "a", "g", "-", "+", "10", PIDLE),
    ("XINFO", "STREAM", "a", "FULL", TIMES),
    # consumers created only when something is claimed or read
    ("DEL", "c"), ("XADD", "c", "1-0", "a", "1"), ("XGROUP", "CREATE", "c", "g", "$"),
    ("XCLAIM", "c", "g", "c1", "0", "1-0"), ("XAUTOCLAIM", "c", "g", "c2", "0", "0"),
    ("XREADGROUP", "GROUP", "g", "c3", "STREAMS", "c", ">"), ("XREADGROUP", "GROUP", "g", "c4", "STREAMS", "c", "0"),
    ("XPENDING", "c", "g", "-", "+", "10", "c5"), ("XCLAIM", "c", "g", "c6", "0", "1-0", "FORCE"),
    ("XINFO", "CONSUMERS", "c", "g", TIMES), ("XPENDING", "c", "g"),
]

SETID_INFO = [
    ("SET", "str", "x"), ("XADD", "s", "1-0", "a", "1"), ("XADD", "s", "2-0", "b", "2"), ("XADD", "s", "5-0", "e", "5"),
    ("XSETID", "s", "5-0"), ("XSETID", "s", "4-0"), ("XSETID", "s", "9-0", "ENTRIESADDED", "2"),
    ("XSETID", "s", "9-0", "ENTRIESADDED", "10"), ("XSETID", "s", "9-0", "ENTRIESADDED", "-1"),
    ("XSETID", "s", "9-0", "ENTRIESADDED", "x"), ("XSETID", "s", "9-0", "MAXDELETEDID", "10-0"),
    ("XSETID", "s", "9-0", "MAXDELETEDID", "8-0"), ("XSETID", "s", "9-0", "MAXDELETEDID", "x"),
    ("XSETID", "s", "9-0", "MAXDELETEDID", "-"), ("XSETID", "s", "9-0", "foo"), ("XSETID", "s", "9-0", "ENTRIESADDED"),
    ("XSETID", "s", "x"), ("XSETID", "s", "-"), ("XSETID", "s", "9"), ("XSETID", "nokey", "1-0"), ("XSETID", "str", "1-0"),
    ("XSETID", "nokey", "x"), ("XSETID", "s", "9-0", "MAXDELETEDID", "0-0"), ("XSETID", "s", "8-0"),
    ("XINFO", "STREAM", "s"), ("XADD", "s", "8-0", "a", "1"), ("XADD", "s", "8-*", "a", "1"),
    ("XADD", "e", "5-0", "a", "1"), ("XDEL", "e", "5-0"), ("XSETID", "e", "1-0"),
    ("XSETID", "e", "6-0", "ENTRIESADDED", "0"), ("XINFO", "STREAM", "e"), ("XINFO", "STREAM", "e", "FULL"),
    ("XINFO",), ("XINFO", "foo"), ("XINFO", "HELP"), ("XINFO", "help", "x"), ("XINFO", "STREAM"),
    ("XINFO", "STREAM", "nokey"), ("XINFO", "STREAM", "str"), ("XINFO", "GROUPS", "nokey"), ("XINFO", "GROUPS", "s", "x"),
    ("XINFO", "CONSUMERS", "s"), ("XINFO", "CONSUMERS", "s", "nog"), ("XINFO", "CONSUMERS", "nokey", "g"),
    ("XINFO", "foo", "s"), ("XINFO", "Foo", "s"), ("XINFO", "STREAM", "s", "FULL", "COUNT"),
    ("XINFO", "STREAM", "s", "FULL", "COUNT", "x"), ("XINFO", "STREAM", "s", "FULL", "COUNT", "-1"),
    ("XINFO", "STREAM", "s", "FULL", "x", "1"), ("XINFO", "STREAM", "s", "foo"), ("XINFO", "STREAM", "nokey", "foo"),
    ("XINFO", "STREAM", "s", "full", "count", "1", "extra"), ("XINFO", "STREAM", "s", "full", "count", "0"),
    ("XINFO", "STREAM", "s", "FULL", "COUNT", "1"), ("XGROUP", "CREATE", "s", "g", "0"),
    ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"), ("XGROUP", "CREATECONSUMER", "s", "g", "idle"),
    ("XINFO", "STREAM", "s", "FULL", TIMES), ("XINFO", "STREAM", "s", "FULL", "COUNT", "1", TIMES),
    ("XINFO", "STREAM", "s", "FULL", "COUNT", "0", TIMES), ("XINFO", "GROUPS", "s"),
    ("XINFO", "CONSUMERS", "s", "g", TIMES),
    # keyspace commands on streams
    ("COPY", "s", "s2"), ("XINFO", "STREAM", "s2", "FULL", TIMES), ("RENAME", "s2", "s3"), ("EXISTS", "s2", "s3"),
    ("XINFO", "GROUPS", "s3"), ("MOVE", "s3", "1"), ("EXISTS", "s3"), ("SELECT", "1"), ("XLEN", "s3"),
    ("XINFO", "GROUPS", "s3"), ("SELECT", "0"), ("DEL", "s"), ("EXISTS", "s"), ("XINFO", "STREAM", "s"),
]


# Which stream commands count as a change for WATCH: entry changes do,
# consumer-group bookkeeping does not (Redis signals only the former).
WATCHES = [("XADD", "w", "1-1", "a", "1"), ("XGROUP", "CREATE", "w", "g", "0")]
for cmds in ([("XREADGROUP", "GROUP", "g", "c", "STREAMS", "w", ">")],
             [("XACK", "w", "g", "1-1"), ("XCLAIM", "w", "g", "c2", "0", "1-1"), ("XAUTOCLAIM", "w", "g", "c3", "0", "0"),
              ("XGROUP", "SETID", "w", "g", "0"), ("XGROUP", "CREATECONSUMER", "w", "g", "c9"),
              ("XGROUP", "DELCONSUMER", "w", "g", "c9"), ("XGROUP", "CREATE", "w", "g2", "0"), ("XSETID", "w", "5-5"),
              ("XPENDING", "w", "g"), ("XTRIM", "w", "MAXLEN", "5"), ("XDEL", "w", "9-9"),
              ("XADD", "nw", "NOMKSTREAM", "*", "a", "b")],
             [("XGROUP", "DESTROY", "w", "g2")], [("XTRIM", "w", "MAXLEN", "0")], [("XADD", "w", "7-7", "a", "1")],
             [("XDEL", "w", "7-7")], [("XGROUP", "CREATE", "w2", "g", "$", "MKSTREAM")],
             [("XADD", "w", "NOMKSTREAM", "8-8", "a", "1")]):
    WATCHES += [("WATCH", "w", "w2")] + cmds + [("MULTI",), ("XLEN", "w"), ("EXEC",)]
WATCHES += [("COMMAND", "GETKEYS", "XREAD", "COUNT", "1", "STREAMS", "a", "b", "0", "0"),
            ("COMMAND", "GETKEYS", "XREADGROUP", "GROUP", "streams", "c", "STREAMS", "a", "0"),
            ("COMMAND", "GETKEYS", "XGROUP", "CREATE", "k", "g", "0"), ("COMMAND", "GETKEYS", "XINFO", "STREAM", "k"),
            ("COMMAND", "GETKEYS", "XADD", "k", "*", "a", "b")]


# Stream commands called from Lua scripts (replies converted to Lua and back).
SCRIPTS = [
    ("EVAL", "return redis.call('XADD', KEYS[1], '1-1', 'a', '1')", "1", "s"),
    ("EVAL", "return redis.call('XADD', KEYS[1], '2-*', 'b', '2')", "1", "s"),
    ("EVAL", "return redis.call('XRANGE', KEYS[1], '-', '+')", "1", "s"),
    ("EVAL", "return redis.call('XREAD', 'STREAMS', KEYS[1], '0')", "1", "s"),
    ("EVAL", "return redis.call('xread', 'BLOCK', '0', 'STREAMS', KEYS[1], '$')", "1", "s"),
    ("EVAL", "return redis.pcall('XREAD', 'block', 'x', 'STREAMS', KEYS[1], '$')", "1", "s"),
    ("EVAL", "return redis.call('XGROUP', 'CREATE', KEYS[1], 'g', '0')", "1", "s"),
    ("EVAL", "return redis.pcall('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', KEYS[1], '>')", "1", "s"),
    ("EVAL", "return redis.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', KEYS[1], '>')", "1", "s"),
    ("EVAL", "return redis.call('XPENDING', KEYS[1], 'g')", "1", "s"),
    ("EVAL", "return redis.call('XINFO', 'STREAM', KEYS[1])", "1", "s"),
    ("EVAL", "return redis.call('XINFO', 'GROUPS', KEYS[1])", "1", "s"),
    ("EVAL", "return redis.pcall('XADD', KEYS[1], '1-1', 'a', '1')", "1", "s"),
    ("EVAL", "return redis.pcall('XINFO', 'STREAM', 'nokey')", "0"),
    ("EVAL", "return redis.call('XAUTOCLAIM', KEYS[1], 'g', 'd', '0', '0')", "1", "s"),
]


def layout_script(seed):
    """Many entries of mixed sizes and field sets, deletions and trims: the
    node layout (radix-tree figures, approximate trimming) must match."""
    rnd = random.Random(seed)
    steps, n = [], 0
    for _ in range(600):
        n += rnd.randint(1, 3)
        if rnd.random() < 0.7:
            steps.append(("XADD", "x", "%d-%d" % (n, rnd.randint(0, 3)), "f", "v" * rnd.randint(0, 300)))
        else:
            steps.append(("XADD", "x", "%d-*" % n, "g", str(rnd.randint(-5000, 5000)), "h", "w"))
        r = rnd.random()
        if r < 0.05:
            steps.append(("XDEL", "x", "%d-%d" % (rnd.randint(0, n), rnd.randint(0, 3))))
        elif r < 0.07:
            steps.append(("XTRIM", "x", "MAXLEN", "~", str(rnd.randint(0, 200))))
        elif r < 0.09:
            steps.append(("XTRIM", "x", "MINID", str(rnd.randint(0, n))))
        elif r < 0.10:
            steps.append(("XTRIM", "x", "MAXLEN", "=", str(rnd.randint(0, 400))))
        elif r < 0.11:
            steps.append(("XADD", "x", "MAXLEN", "~", "50", "%d-9" % n, "f", "v"))
        if rnd.random() < 0.05:
            steps.append(("XINFO", "STREAM", "x"))
    steps += [("XINFO", "STREAM", "x"), ("XINFO", "STREAM", "x", "FULL", "COUNT", "0"), ("XLEN", "x"),
              ("XREVRANGE", "x", "+", "-", "COUNT", "7")]
    return steps


class DiffStreamTest(unittest.TestCase):
    def check(self, script, resp3=False):
        if resp3:
            script = [("HELLO", "3", NOCMP)] + script
        mismatches = diff(script)
        self.assertEqual(mismatches, [], "\n" + "\n".join(mismatches))

    def test_add_and_ids(self):
        self.check(ADD_AND_IDS)

    def test_ranges_and_deletes(self):
        self.check(RANGES)

    def test_trims(self):
        self.check(TRIMS)

    def test_reads(self):
        self.check(READS)

    def test_groups_and_lag(self):
        self.check(GROUPS)

    def test_pending_and_claims(self):
        self.check(PENDING_CLAIMS)

    def test_setid_info_and_keys(self):
        self.check(SETID_INFO)

    def test_watch_and_getkeys(self):
        self.check(WATCHES)

    def test_from_scripts(self):
        self.check(SCRIPTS)
        self.check(SCRIPTS, resp3=True)

    def test_node_layout(self):
        for seed in (1, 2, 3):
            self.check(layout_script(seed))

    def test_resp3(self):
        self.check(READS, resp3=True)
        self.check(GROUPS + SETID_INFO, resp3=True)
        self.check(PENDING_CLAIMS, resp3=True)
        self.check(RANGES + [("XADD", "n", "NOMKSTREAM", "*", "a", "b"), ("XREAD", "BLOCK", "1", "STREAMS", "n", "$")],
                   resp3=True)


def build_stream(conn):
    conn.cmd("FLUSHALL")
    for i in range(1, 350):
        if i % 7 == 0:
            conn.cmd("XADD", "s", "%d-%d" % (i // 3, i), "other", "x" * (i * 3), "n", str(i))
        else:
            conn.cmd("XADD", "s", "%d-%d" % (i // 3, i), "f", "v%d" % i, "n", str(-i * 1000))
    conn.cmd("XDEL", "s", "10-30", "11-34", "50-150")
    conn.cmd("XTRIM", "s", "MAXLEN", "300")
    conn.cmd("XGROUP", "CREATE", "s", "g", "0")
    conn.cmd("XGROUP", "CREATE", "s", "g2", "$", "ENTRIESREAD", "7")
    conn.cmd("XREADGROUP", "GROUP", "g", "alice", "COUNT", "5", "STREAMS", "s", ">")
    conn.cmd("XREADGROUP", "GROUP", "g", "bob", "COUNT", "3", "STREAMS", "s", ">")
    first = conn.cmd("XPENDING", "s", "g", "-", "+", "1")[0][0]
    conn.cmd("XCLAIM", "s", "g", "carol", "0", first, "TIME", "1700000000000", "RETRYCOUNT", "5")
    conn.cmd("XGROUP", "CREATECONSUMER", "s", "g", "dave")
    conn.cmd("XADD", "e", "1-1", "a", "b")
    conn.cmd("XDEL", "e", "1-1")
    conn.cmd("XGROUP", "CREATE", "m", "g", "$", "MKSTREAM")
    conn.cmd("XADD", "big", "1-1", "f", "y" * 20000)


class DumpRestoreStreamTest(unittest.TestCase):
    KEYS = ("s", "e", "m", "big")

    def transfer(self, src, dst):
        build_stream(src)
        dst.cmd("FLUSHALL")
        for k in self.KEYS:
            payload = src.cmd("DUMP", k)
            self.assertEqual(dst.cmd("RESTORE", k, "0", payload), "OK", k)
            want = src.cmd("XINFO", "STREAM", k, "FULL", "COUNT", "0")
            self.assertEqual(dst.cmd("XINFO", "STREAM", k, "FULL", "COUNT", "0"), want, k)
            self.assertEqual(dst.cmd("XRANGE", k, "-", "+"), src.cmd("XRANGE", k, "-", "+"), k)

    def test_both_ways(self):
        with harness.RealServer("redis") as real, harness.Server() as luma:
            r, lm = harness.RespConn(real.port), harness.RespConn(luma.redis_port)
            self.addCleanup(r.close)
            self.addCleanup(lm.close)
            self.transfer(r, lm)
            self.transfer(lm, r)
            # Payloads are byte-identical (listpacks LZF-compressed as Redis
            # does) wherever no clock reading (delivery, seen times) is in them.
            build_stream(r)
            build_stream(lm)
            for c in (r, lm):
                c.cmd("XGROUP", "DESTROY", "s", "g")
            for k in ("s", "e", "m", "big"):
                self.assertEqual(lm.cmd("DUMP", k), r.cmd("DUMP", k), k)
            # A corrupted payload is refused, as Redis refuses it.
            bad = bytearray(r.cmd("DUMP", "s"))
            bad[5] ^= 0xff
            self.assertEqual(lm.cmd("RESTORE", "x", "0", bytes(bad)), r.cmd("RESTORE", "x", "0", bytes(bad)))


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""Differential test for ACL (users, selectors, ACL subcommands, AUTH/HELLO,
NOPERM for commands, keys and channels, the ACL log, scripts, the ACL file):
the same steps against Debian's redis-server and LumaDB, replies compared
exactly after a few normalizations:

- redis-server lists the single-command rules of ACL LIST / GETUSER in hash
  order (it changes with every process), so runs of +cmd/-cmd are sorted;
- ACL LOG entries are compared without age-seconds and client-info;
- HELLO's client id, GENPASS's random digits and paths of ACL files differ.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402

NOCMP = "nocmp"  # run on both servers, do not compare
LEN = "len"      # compare the length of a bulk reply only


def norm_rules(text):
    """Sorts each run of single-command rules (+get -set ...)."""
    tokens = text.split(" ")
    out, run = [], []

    def flush():
        closing = run and run[-1].endswith(")")
        items = sorted(t.rstrip(")") for t in run)
        if closing:
            items[-1] += ")"
        out.extend(items)
        run.clear()

    for t in tokens:
        if len(t) > 1 and t[0] in "+-" and t[1] != "@":
            run.append(t)
            if t.endswith(")"):
                flush()
        else:
            flush()
            out.append(t)
    flush()
    return " ".join(out)


def unpath(reply, path):
    if isinstance(reply, harness.RespError):
        return harness.RespError(str(reply).replace(path, "FILE"))
    if isinstance(reply, bytes):
        return reply.replace(path.encode(), b"FILE")
    if isinstance(reply, list):
        return [unpath(x, path) for x in reply]
    return reply


def flat(reply):
    """A RESP3 map (read as [[k, v], ...]) as the flat RESP2 list."""
    if isinstance(reply, list) and reply and all(isinstance(x, list) and len(x) == 2 for x in reply):
        return [y for x in reply for y in x]
    return reply


def normalize(args, reply, path=None):
    name = " ".join(str(a).upper() for a in args[:2])
    if path:
        reply = unpath(reply, path)
    if name == "CONFIG GET" and isinstance(reply, list):
        reply = flat(reply)
        return sorted(zip(reply[::2], reply[1::2]))
    if name == "ACL LIST" and isinstance(reply, list):
        return [norm_rules(x.decode()) for x in reply]
    if name == "ACL GETUSER" and isinstance(reply, list):
        reply = flat(list(reply))
        for i in range(0, len(reply) - 1, 2):
            if reply[i] == b"commands":
                reply[i + 1] = norm_rules(reply[i + 1].decode())
            if reply[i] == b"selectors":
                reply[i + 1] = [normalize(args, s) for s in reply[i + 1]]
        return reply
    if name == "ACL LOG" and isinstance(reply, list) and (len(args) < 3 or str(args[2]).upper() != "RESET"):
        return [[x for i, x in enumerate(e) if i not in (11, 13)] for e in reply]
    if str(args[0]).upper() == "HELLO" and isinstance(reply, list):
        return [x if not (isinstance(x, list) and x and x[0] == b"id") and (i == 0 or reply[i - 1] != b"id") else 0
                for i, x in enumerate(reply)]
    return reply


class RealRedis(harness.RealServer):
    """Debian's redis-server with extra arguments (e.g. --aclfile)."""

    def __init__(self, extra=()):
        super().__init__("redis")
        self.extra = list(extra)

    def __enter__(self):
        cmd = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", self.dir, "--daemonize", "no"] + self.extra
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        harness.wait_port(self.port, proc=self.proc)
        return self


def run_steps(port, steps, path=None):
    """Runs (conn, args..., [flags]) steps; conn names a connection opened on
    first use. Returns [(step, reply)]."""
    conns = {}
    out = []
    try:
        for step in steps:
            who, rest = step[0], step[1:]
            if who == "!file":  # rewrite (or with None remove) the ACL file
                if rest[0] is None:
                    os.unlink(path)
                else:
                    with open(path, "w") as f:
                        f.write(rest[0])
                out.append((step[:1], None))
                continue
            flags = [a for a in rest if a in (NOCMP, LEN)]
            args = [a for a in rest if a not in (NOCMP, LEN)]
            if who not in conns:
                conns[who] = harness.RespConn(port)
            try:
                reply = conns[who].cmd(*args)
            except (ConnectionError, OSError):
                reply = "<closed>"
            if path:
                args = [str(a).replace(path, "FILE") for a in args]
            reply = normalize(args, reply, path)
            if LEN in flags and isinstance(reply, bytes):
                reply = len(reply)
            out.append((step, None if NOCMP in flags else reply))
    finally:
        for c in conns.values():
            c.close()
    return out


def diff(steps, real_args=(), luma_args=(), real_path=None, luma_path=None):
    with RealRedis(real_args) as real, harness.Server(args=luma_args) as luma:
        expected = run_steps(real.port, steps, real_path)
        got = run_steps(luma.redis_port, steps, luma_path)
    return ["%r:\n  redis:  %r\n  lumadb: %r" % (e[0], e[1], g[1]) for e, g in zip(expected, got) if e[1] != g[1]]


RULES = [
    ["on", ">pw", "~k*", "%R~r*", "%W~w*", "&ch*", "+@all", "-flushall", "-client|kill", "+select|0", "-select"],
    ["%RW~foo", "%R~bar", "%W~baz", "~q*", "%R~q*", "%R~x", "%W~x", "&ch", "&ch", "&c2"],
    ["+@all", "-@dangerous", "-get"], ["-@all", "+get"], ["+@read"], ["+@all", "-@read"], ["+@all", "-@string", "+get"],
    ["-@all", "+@read", "+@write"], ["-@all", "+@hash", "-hget", "+client", "-client|kill"],
    ["+@all", "-@dangerous", "+flushall"], ["-@all", "+@keyspace", "+@read", "-keys"], ["+@read", "+@fast", "-@slow"],
    ["-@all", "+config|get", "+client|id"], ["allcommands", "nocommands", "+acl"], ["+@all", "-acl|setuser", "-client"],
    ["-@all", "+select|0", "+select|1", "+debug|object"], ["-@all", "+select|0", "+select"],
    ["+@all", "-@admin", "-client", "+client|id"], ["+@pubsub", "+@scripting", "-@slow", "+@transaction"],
    ["+@geo", "+@sortedset", "-zadd", "+@bitmap", "+@hyperloglog", "+@stream", "-@write"],
    ["+@all", "-@keyspace", "-@connection", "+@blocking", "-@list"],
    ["on", "nopass", "skip-sanitize-payload", "#" + "a" * 64, "allkeys", "allchannels", "allcommands"],
    ["on", ">a", ">b", "<a", "resetpass", ">c"], ["reset"], ["~a", "resetkeys", "~b", "&x", "resetchannels", "&y"],
    ["(~a* +get)", "(+@read %R~r*)"], ["+@all", "(+set", "~x", "&y)", "(-@all)"], ['(+set "~c" &d)'],
    ["(~a)", "clearselectors", "(~b)"], ["%R~", "~", "&", "%R", "()", "( )", "(~x +@all -@dangerous)"],
]

BAD_RULES = ["!" + "b" * 64, "#abc", "#" + "A" * 64, "+nosuch", "+@nosuch", "foo", "+config|get|x", "+config|",
             "+config|nosub", "-select|0", "%X~a", "%~a", "%RR~a", "~a b", "+", "-", "+@", "-@", "(", ")", "(bad)",
             "(~x foo)", "<nosuchpass"]


class AclDiffTest(unittest.TestCase):
    def check(self, steps, **kw):
        mismatches = diff(steps, **kw)
        self.assertEqual(mismatches, [], "\n".join(mismatches))

    def test_setuser_getuser_list(self):
        steps = []
        for i, rules in enumerate(RULES):
            steps.append(("a", "ACL", "SETUSER", "u%d" % i, *rules))
            steps.append(("a", "ACL", "GETUSER", "u%d" % i))
        steps.append(("a", "ACL", "LIST"))
        for r in BAD_RULES:
            steps.append(("a", "ACL", "SETUSER", "u0", r))
        steps += [
            ("a", "ACL", "SETUSER", "u0", "~*", "~x"), ("a", "ACL", "SETUSER", "u0", "&*", "&x"),
            ("a", "ACL", "SETUSER", "u1", "off", "+nosuch"),  # nothing applied when one rule fails
            ("a", "ACL", "SETUSER", "c", "(+get", "~x"), ("a", "ACL", "SETUSER", "c", "(+get ~x"),
            ("a", "ACL", "SETUSER", "c d"), ("a", "ACL", "SETUSER", "new"), ("a", "ACL", "GETUSER", "nosuch"),
            ("a", "ACL", "LIST"), ("a", "ACL", "USERS"),
            ("a", "ACL", "DELUSER", "default"), ("a", "ACL", "DELUSER", "u1", "nosuch", "u2", "u1"),
            ("a", "ACL", "DELUSER", "default", "u3"), ("a", "ACL", "USERS"),
            ("a", "ACL", "SETUSER", "default", "-@all", "+acl"), ("a", "ACL", "LIST"),
            ("a", "ACL", "SETUSER", "default", "+@all"),
            ("a", "RESET"), ("a", "HELLO", "3"), ("a", "ACL", "GETUSER", "u0"), ("a", "ACL", "GETUSER", "u26"),
        ]
        self.check(steps)

    def test_random_rule_sets(self):
        """ACL LIST describes a user with redis-server's greedy choice of
        categories: random mixes of categories, commands, subcommands and
        first-args must describe identically."""
        rnd = random.Random(7)
        with RealRedis() as real:
            r = harness.RespConn(real.port)
            cats = [c.decode() for c in r.cmd("ACL", "CAT")] + ["all"]
            infos = r.cmd("COMMAND", "INFO")
            r.close()
        cmds = sorted(i[0].decode() for i in infos)
        subs = sorted(s[0].decode() for i in infos for s in i[9])
        steps = []
        for n in range(300):
            rules = []
            for _ in range(rnd.randint(1, 8)):
                k = rnd.random()
                if k < 0.45:
                    rules.append(rnd.choice("+-") + "@" + rnd.choice(cats))
                elif k < 0.7:
                    rules.append(rnd.choice("+-") + rnd.choice(cmds))
                elif k < 0.85:
                    rules.append(rnd.choice("+-") + rnd.choice(subs))
                elif k < 0.9:
                    rules.append("+select|%d" % rnd.randint(0, 3))
                else:
                    rules.append(rnd.choice(["allcommands", "nocommands", "reset"]))
            steps.append(("a", "ACL", "SETUSER", "r%d" % n, *rules))
            steps.append(("a", "ACL", "GETUSER", "r%d" % n))
        steps.append(("a", "ACL", "LIST"))
        self.check(steps)

    def test_cat_and_command_categories(self):
        with RealRedis() as real, harness.Server() as luma:
            r, m = harness.RespConn(real.port), harness.RespConn(luma.redis_port)
            self.assertEqual(r.cmd("ACL", "CAT"), m.cmd("ACL", "CAT"))
            ours = set(x.decode() for x in m.cmd("COMMAND", "LIST"))
            for cat in r.cmd("ACL", "CAT"):
                want = sorted(x.decode() for x in r.cmd("ACL", "CAT", cat) if x.decode().split("|")[0] in ours)
                got = sorted(x.decode() for x in m.cmd("ACL", "CAT", cat))
                self.assertEqual(want, got, cat)
                listed = sorted(x.decode() for x in m.cmd("COMMAND", "LIST", "FILTERBY", "ACLCAT", cat))
                self.assertEqual(want, listed, "COMMAND LIST FILTERBY ACLCAT %s" % cat)
            self.assertEqual(r.cmd("ACL", "CAT", "nosuch"), m.cmd("ACL", "CAT", "nosuch"))
            self.assertEqual(r.cmd("ACL", "CAT", "a", "b"), m.cmd("ACL", "CAT", "a", "b"))
            names = sorted(ours)
            real_info = {i[0].decode(): i for i in r.cmd("COMMAND", "INFO", *names) if i}
            luma_info = {i[0].decode(): i for i in m.cmd("COMMAND", "INFO", *names) if i}
            for n in names:
                if n in real_info:
                    self.assertEqual(real_info[n][6], luma_info[n][6], "COMMAND INFO categories of " + n)
            r.close()
            m.close()

    def test_auth_and_hello(self):
        self.check([
            ("a", "ACL", "SETUSER", "u", "on", ">pw", "+@all", "~*"), ("a", "ACL", "SETUSER", "off", "off", ">pw"),
            ("a", "ACL", "SETUSER", "np", "on", "nopass", "+@all"),
            ("b", "AUTH", "pw"), ("b", "AUTH", "u", "bad"), ("b", "auth", "nosuch", "pw"), ("b", "AUTH", "off", "pw"),
            ("b", "AUTH", "a", "b", "c"), ("b", "ACL", "WHOAMI"), ("b", "AUTH", "u", "pw"), ("b", "ACL", "WHOAMI"),
            ("b", "AUTH", "np", "whatever"), ("b", "ACL", "WHOAMI"), ("b", "RESET"), ("b", "ACL", "WHOAMI"),
            ("c", "HELLO", "3", "AUTH", "u", "bad"), ("c", "HELLO", "3", "AUTH", "u", "pw", "SETNAME", "x"),
            ("c", "ACL", "WHOAMI"), ("c", "HELLO", "2", "AUTH", "u"),
            # Options take effect as they are read.
            ("x", "HELLO", "3", "AUTH", "u", "bad", "SETNAME", "n1"), ("x", "CLIENT", "GETNAME"),
            ("x", "HELLO", "2", "SETNAME", "n2", "AUTH", "u", "bad"), ("x", "CLIENT", "GETNAME"),
            ("x", "HELLO", "2", "SETNAME", "n3", "BADOPT"), ("x", "CLIENT", "GETNAME"),
            ("x", "HELLO", "2", "SETNAME", "a b"), ("x", "CLIENT", "GETNAME"),
            ("x", "HELLO", "2", "AUTH", "u", "pw", "BADOPT"), ("x", "ACL", "WHOAMI"),
            ("a", "CONFIG", "SET", "requirepass", "s3cret"), ("a", "CONFIG", "GET", "requirepass"),
            ("a", "ACL", "LIST"),
            ("d", "GET", "x"), ("d", "HELLO", "3"), ("d", "HELLO", "2", "AUTH", "default", "wrong"),
            ("d", "AUTH", "wrong"), ("d", "PING"), ("d", "AUTH", "s3cret"), ("d", "ACL", "WHOAMI"), ("d", "GET", "x"),
            ("e", "HELLO", "3", "AUTH", "default", "s3cret"), ("e", "GET", "x"), ("e", "RESET"), ("e", "GET", "x"),
            ("e", "AUTH", "u", "pw"), ("e", "GET", "x"),
            ("a", "ACL", "SETUSER", "default", ">second"), ("f", "AUTH", "second"), ("f", "ACL", "WHOAMI"),
            ("a", "CONFIG", "SET", "requirepass", ""), ("a", "ACL", "GETUSER", "default"),
            ("g", "GET", "x"), ("g", "AUTH", "x"), ("g", "HELLO", "3"),
            ("d", "HELLO", "2"),  # authenticated before requirepass was removed
            ("a", "ACL", "SETUSER", "default", "off"), ("h", "GET", "x"), ("h", "AUTH", "default", "x"),
            ("h", "AUTH", "u", "pw"), ("h", "GET", "x"), ("a", "ACL", "SETUSER", "default", "on"),
            ("a", "ACL", "LOG"),
        ])

    def test_noperm_commands_keys_channels(self):
        steps = [
            ("a", "ACL", "SETUSER", "u", "on", "nopass", "~k*", "%R~r*", "%W~w*", "&ch*", "+@all", "-flushall",
             "-client|kill", "+select|0", "-select", "-@scripting", "+eval", "+evalsha", "+script|load"),
            ("a", "ACL", "SETUSER", "s", "on", "nopass", "-@all", "+get", "~a*", "(+set ~b*)", "(+@read %R~c*)"),
            ("a", "RPUSH", "k1", "3", "1", "2"), ("a", "SET", "r1", "x"),
            ("u", "AUTH", "u", "x"),
            ("u", "GET", "k1"), ("u", "GET", "x1"), ("u", "GET", "r1"), ("u", "SET", "r1", "v"),
            ("u", "SET", "w1", "v"), ("u", "GET", "w1"), ("u", "SET", "w1", "v", "GET"), ("u", "FLUSHALL"),
            ("u", "client", "kill", "id", "999"), ("u", "CLIENT", "ID", NOCMP), ("u", "select", "0"),
            ("u", "select", "1"), ("u", "MSET", "k2", "1", "x2", "2"),
            ("u", "LMOVE", "r1", "w1", "LEFT", "RIGHT"), ("u", "LMOVE", "k1", "w9", "LEFT", "RIGHT"),
            ("u", "SORT", "k1", "STORE", "x"), ("u", "SORT", "k1", "STORE", "w2"), ("u", "SORT", "k1"),
            ("u", "ZUNIONSTORE", "w3", "2", "k1", "r1"), ("u", "ZUNIONSTORE", "w3", "2", "k1", "w4"),
            ("u", "BITFIELD", "r1", "GET", "u8", "0"), ("u", "BITFIELD", "r1", "SET", "u8", "0", "1"),
            ("u", "EXISTS", "w1"), ("u", "DEL", "r1"), ("u", "RENAME", "k2", "r5"), ("u", "COPY", "k2", "w5"),
            ("u", "PUBLISH", "ch1", "x"), ("u", "PUBLISH", "zz", "x"), ("u", "SUBSCRIBE", "ch1", "zz"),
            ("u", "PSUBSCRIBE", "ch*", "c*"), ("u", "EVAL", "return 1", "1", "x1"), ("u", "FCALL", "f", "0"),
            ("u", "MULTI"), ("u", "GET", "x1"), ("u", "GET", "k1"), ("u", "EXEC"),
            ("u", "MULTI"), ("u", "GET", "k1"), ("u", "SET", "w1", "z"),
            ("a", "ACL", "SETUSER", "u", "-get"), ("u", "EXEC"),
            ("u", "ACL", "WHOAMI"), ("u", "ACL", "LOG"),
            ("s", "AUTH", "s", "x"), ("s", "GET", "a1"), ("s", "SET", "b1", "v"), ("s", "SET", "a1", "v"),
            ("s", "DEL", "a1"), ("s", "GET", "z"), ("s", "GET", "c1"), ("s", "HGET", "c1", "f"),
            ("a", "ACL", "LOG"), ("a", "ACL", "LOG", "3"), ("a", "ACL", "LOG", "RESET"), ("a", "ACL", "LOG"),
        ]
        self.check(steps)

    def test_dryrun(self):
        self.check([
            ("a", "ACL", "SETUSER", "b", "~foo", "~x", "&ch", "+@all", "-@dangerous", "-get", "(~a* +get)"),
            ("a", "ACL", "DRYRUN", "b", "get", "x"), ("a", "ACL", "DRYRUN", "b", "get", "a1"),
            ("a", "ACL", "DRYRUN", "b", "set", "x", "1"), ("a", "ACL", "DRYRUN", "b", "set", "zz", "1"),
            ("a", "ACL", "DRYRUN", "b", "flushall"), ("a", "ACL", "DRYRUN", "b", "nosuch"),
            ("a", "ACL", "DRYRUN", "nouser", "get", "x"), ("a", "ACL", "DRYRUN", "b", "get"),
            ("a", "ACL", "DRYRUN", "b", "client", "nosub"), ("a", "ACL", "DRYRUN", "b", "client", "list"),
            ("a", "ACL", "DRYRUN", "b", "config", "get", "x"), ("a", "ACL", "DRYRUN", "b", "publish", "ch", "x"),
            ("a", "ACL", "DRYRUN", "b", "publish", "zz", "x"), ("a", "ACL", "DRYRUN", "b", "subscribe", "ch", "zz"),
            ("a", "ACL", "DRYRUN", "b"), ("a", "ACL", "DRYRUN", "b", "GET", "x", NOCMP),
            ("a", "ACL", "DRYRUN", "b", "client", "kill"), ("a", "ACL", "DRYRUN", "b", "client"),
            ("a", "ACL", "DRYRUN", "b", "acl"), ("a", "ACL", "DRYRUN", "b", "xadd", "s", "*", "f", "v"),
            ("a", "ACL", "DRYRUN", "default", "flushall"), ("a", "ACL", "LOG"),
        ])

    def test_dryrun_key_intent(self):
        """Key positions and read/write intent across the command families:
        every invocation against users with %R~ / %W~ patterns and selectors."""
        invocations = [
            "get a1", "set a1 v", "set b1 v get", "mset a1 1 b1 2", "msetnx a1 1 r1 2", "mget a1 b1 w1", "del a1 b1",
            "unlink r1", "exists a1 w1", "rename a1 b1", "renamenx r1 w1", "copy a1 w1", "copy r1 b1 replace",
            "move a1 1", "lmove a1 w1 left right", "rpoplpush r1 w1", "blmove a1 b1 left left 0", "brpop a1 r1 0",
            "blpop w1 0", "lmpop 2 a1 r1 left", "blmpop 0 1 w1 left", "zunionstore w1 2 a1 r1", "zinterstore b1 1 r1",
            "zdiffstore a1 2 r1 w1", "zunion 2 a1 w1", "zinter 1 r1", "zintercard 2 a1 r1", "zrangestore w1 r1 0 -1",
            "sinterstore w1 a1 r1", "sunionstore b1 r1 w1", "sdiffstore r1 a1", "smove a1 w1 m", "sintercard 2 a1 r1",
            "sort a1", "sort a1 store w1", "sort r1 by nosort store b1", "sort_ro r1", "bitop and w1 a1 r1",
            "bitfield r1 get u8 0", "bitfield w1 set u8 0 1", "bitfield_ro r1 get u8 0", "bitcount r1",
            "pfmerge w1 r1 a1", "pfcount r1 a1", "pfadd w1 x", "georadius r1 0 0 1 km",
            "georadius r1 0 0 1 km store w1", "georadius r1 0 0 1 km storedist b1",
            "geosearchstore w1 r1 fromlonlat 0 0 byradius 1 km", "geosearch r1 fromlonlat 0 0 byradius 1 km",
            "eval x 2 a1 w1", "eval x 0", "evalsha abc 1 r1", "eval_ro x 1 r1", "fcall f 1 w1", "fcall_ro f 1 r1",
            "xadd w1 * f v", "xread streams r1 0", "xread count 1 streams r1 w1 0 0", "object encoding r1",
            "memory usage a1", "dump r1", "restore w1 0 x", "touch r1 a1", "type r1", "expire w1 10", "ttl r1",
            "getdel w1", "getex r1", "hset w1 f v", "hget r1 f", "hgetall a1", "incr w1", "append r1 x",
            "lpush w1 x", "linsert w1 before a b", "lpos r1 x", "watch r1 w1", "publish ch x", "subscribe ch n1",
            "psubscribe c*", "spublish ch x", "ssubscribe n1", "migrate h 1 r1 0 0", "sadd w1 x", "smembers r1",
            "zadd w1 1 x", "zrange r1 0 1", "lcs r1 a1", "setrange w1 0 x", "getrange r1 0 1", "strlen r1",
            "substr r1 0 1", "incrbyfloat w1 1", "psetex w1 100 v", "getset w1 v", "object freq w1", "debug object r1",
            "script load x", "client list", "config get x", "select 1",
        ]
        users = [["+@all", "~a*", "%R~r*", "%W~w*", "&c*"], ["+@all", "%R~*"], ["+@all", "%W~*"],
                 ["-@all", "+@read", "~r*", "%W~w*"], ["+@all", "resetkeys", "(~a* +@write)", "(%R~r* +@read)"],
                 ["+@all", "~b*", "(%W~w* +@all)"], ["+@all", "%R~a*", "%W~a*", "&n*"]]
        steps = [("a", "ACL", "SETUSER", "z%d" % i, "reset", *u) for i, u in enumerate(users)]
        for inv in invocations:
            for i in range(len(users)):
                steps.append(("a", "ACL", "DRYRUN", "z%d" % i, *inv.split(" ")))
        self.check(steps)

    def test_scripts(self):
        self.check([
            ("a", "ACL", "SETUSER", "u", "on", "nopass", "~k*", "&ch*", "+@all", "-flushall", "-client"),
            ("u", "AUTH", "u", "x"),
            ("u", "EVAL", "return redis.call('get','x1')", "0"), ("u", "EVAL", "return redis.pcall('get','x1')", "0"),
            ("u", "EVAL", "return redis.call('flushall')", "0"), ("u", "EVAL", "return redis.pcall('flushall')", "0"),
            ("u", "EVAL", "return redis.call('publish','zz','m')", "0"),
            ("u", "EVAL", "return redis.call('publish','ch1','m')", "0"),
            ("u", "EVAL", "return redis.call('set','k1','v')", "0"),
            ("u", "EVAL", "return redis.acl_check_cmd('get','x1')", "0"),
            ("u", "EVAL", "return redis.acl_check_cmd('get','k1')", "0"),
            ("u", "EVAL", "return redis.acl_check_cmd('flushall')", "0"),
            ("u", "EVAL", "return redis.acl_check_cmd('nosuch')", "0"),
            ("u", "EVAL", "return redis.acl_check_cmd('get')", "0"),
            ("u", "EVAL", "return redis.acl_check_cmd('client','list')", "0"),
            ("u", "EVAL", "return redis.acl_check_cmd('client')", "0"),
            ("u", "EVAL", "return redis.acl_check_cmd('publish','zz','m')", "0"),
            ("a", "EVAL", "return redis.acl_check_cmd('flushall')", "0"),
            ("u", "ACL", "LOG"),
        ])

    def test_misc(self):
        self.check([
            ("a", "ACL", "GENPASS", LEN), ("a", "ACL", "GENPASS", "5", LEN), ("a", "ACL", "GENPASS", "4096", LEN),
            ("a", "ACL", "GENPASS", "0"), ("a", "ACL", "GENPASS", "4097"), ("a", "ACL", "GENPASS", "x"),
            ("a", "ACL", "GENPASS", "1", "2"), ("a", "ACL", "LOG", "x"), ("a", "ACL", "LOG", "-1"),
            ("a", "ACL", "LOG", "1", "2"), ("a", "ACL", "LOAD"), ("a", "ACL", "SAVE"), ("a", "ACL", "HELP"),
            ("a", "ACL", "NOSUCH"), ("a", "acl", "nosuch"), ("a", "ACL"), ("a", "ACL", "SETUSER"),
            ("a", "ACL", "GETUSER"), ("a", "ACL", "WHOAMI", "x"), ("a", "ACL", "LIST", "x"), ("a", "ACL", "USERS", "x"),
            ("a", "ACL", "DELUSER"), ("a", "ACL", "WHOAMI"), ("a", "ACL", "CAT", "geo", NOCMP),
            ("a", "CONFIG", "GET", "acl*"), ("a", "CONFIG", "SET", "acl-pubsub-default", "foo"),
            ("a", "CONFIG", "SET", "acllog-max-len", "-1"), ("a", "CONFIG", "SET", "aclfile", "/tmp/x"),
            ("a", "CONFIG", "SET", "acl-pubsub-default", "allchannels"), ("a", "ACL", "SETUSER", "p2"),
            ("a", "ACL", "SETUSER", "p3", "reset"), ("a", "ACL", "SETUSER", "p4", "(+get)"),
            ("a", "CONFIG", "SET", "acl-pubsub-default", "resetchannels"), ("a", "ACL", "SETUSER", "p5", "(+get)"),
            ("a", "ACL", "LIST"), ("a", "CONFIG", "GET", "acl-pubsub-default"),
            ("a", "CONFIG", "SET", "acllog-max-len", "2"), ("a", "CONFIG", "GET", "acllog-max-len"),
            ("u", "AUTH", "p5", "x"), ("u", "AUTH", "nosuch", "x"), ("u", "AUTH", "p2", "x"), ("u", "AUTH", "x", "x"),
            ("a", "ACL", "LOG"),
            ("a", "CLIENT", "KILL", "USER", "nosuch"), ("a", "ACL", "SETUSER", "k", "on", "nopass", "+@all"),
            ("k", "AUTH", "k", "x"), ("a", "CLIENT", "KILL", "USER", "k"), ("k", "PING"),
        ])

    def test_aclfile_load_and_save(self):
        rdir, ldir = tempfile.mkdtemp(), tempfile.mkdtemp()
        try:
            rpath, lpath = os.path.join(rdir, "users.acl"), os.path.join(ldir, "users.acl")
            content = ("user alice on >pw ~a* +get\n\nuser default on nopass ~* &* +@all\n"
                       "user bob off #" + "c" * 64 + " (+set ~b*) &news\n")
            for p in (rpath, lpath):
                with open(p, "w") as f:
                    f.write(content)
            bad = ("user alice on >pw ~a* +get\nuser alice off\n# comment\nfoo bar\nuser bad +nosuch %X~a\n"
                   "user sel (+get ~x\n\nuser  x\nuser y\ton\n")
            steps = [
                ("a", "ACL", "LIST"), ("a", "CONFIG", "GET", "aclfile"),
                ("b", "AUTH", "alice", "pw"), ("b", "GET", "a1"), ("b", "SET", "a1", "x"),
                ("a", "ACL", "SETUSER", "carol", "on", ">c", "%R~c*", "(+@hash ~h*)"), ("a", "ACL", "SAVE"),
                ("a", "ACL", "SETUSER", "dave", "on"), ("a", "ACL", "LOAD"), ("a", "ACL", "LIST"),
                ("b", "PING"),  # ACL LOAD replaced alice: her client was disconnected
                ("c", "AUTH", "carol", "c"), ("c", "ACL", "WHOAMI", NOCMP),
                ("a", "CONFIG", "SET", "aclfile", "x"),
            ]
            mismatches = diff(steps, real_args=["--aclfile", rpath], luma_args=["--aclfile", lpath],
                              real_path=rpath, luma_path=lpath)
            self.assertEqual(mismatches, [], "\n".join(mismatches))
            with open(rpath) as f:
                real_saved = [norm_rules(x) for x in f.read().splitlines()]
            with open(lpath) as f:
                luma_saved = [norm_rules(x) for x in f.read().splitlines()]
            self.assertEqual(real_saved, luma_saved)
            # A broken file changes nothing, and the errors read the same; so does a missing one.
            steps = [("a", "ACL", "LOAD"), ("!file", bad), ("a", "ACL", "LOAD"), ("a", "ACL", "LIST"),
                     ("!file", "user carol on nopass +@all ~*\n"), ("a", "ACL", "LOAD"), ("a", "ACL", "LIST"),
                     ("!file", None), ("a", "ACL", "LOAD"), ("a", "ACL", "SAVE"), ("a", "ACL", "USERS")]
            mismatches = diff(steps, real_args=["--aclfile", rpath], luma_args=["--aclfile", lpath],
                              real_path=rpath, luma_path=lpath)
            self.assertEqual(mismatches, [], "\n".join(mismatches))
        finally:
            shutil.rmtree(rdir, ignore_errors=True)
            shutil.rmtree(ldir, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()

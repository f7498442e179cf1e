"""Debian's node-redis (v4) typed API for scripting and functions,
HyperLogLog, geo, SORT, streams, ACL and client tracking (RESP2, REDIRECT to
a __redis__:invalidate subscriber): node_families.js
runs the same sequence against Debian's redis-server and against LumaDB, and
the JSON it prints must be the same. A few expected values are checked too,
so both servers going wrong the same way still fails."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# Steps compared in their own test method (see test_function_dump_bytes).
DUMP_STEPS = ("functionDump",)


def run_families(port):
    env = dict(os.environ, NODE_PATH="/usr/share/nodejs")
    proc = subprocess.run(["node", os.path.join(HERE, "node_families.js"), str(port)],
                          capture_output=True, text=True, timeout=120, env=env)
    if proc.returncode != 0:
        raise AssertionError("node_families.js failed on port %d:\n%s\n%s" % (port, proc.stdout, proc.stderr))
    return json.loads(proc.stdout)


class NodeRedisFamiliesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.real = harness.RealServer("redis").__enter__()
        cls.addClassCleanup(cls.real.__exit__, None, None, None)
        cls.luma = harness.Server().__enter__()
        cls.addClassCleanup(cls.luma.cleanup)
        cls.want = run_families(cls.real.port)
        cls.got = run_families(cls.luma.redis_port)

    @classmethod
    def tearDownClass(cls):
        cls.luma.stop()

    def compare(self, section, skip=()):
        want = [s for s in self.want[section] if s[0] not in skip]
        got = [s for s in self.got[section] if s[0] not in skip]
        self.assertEqual([s[0] for s in got], [s[0] for s in want])
        for w, g in zip(want, got):
            self.assertEqual(g[1], w[1], "%s/%s differs from redis-server" % (section, w[0]))

    def step(self, section, name):
        return dict(self.got[section])[name]

    def test_scripting(self):
        self.compare("scripting", skip=DUMP_STEPS)
        self.assertEqual(self.step("scripting", "eval"),
                         ["k1", "a1", 7, 3, 1, None, "fine", "error: bad"])
        self.assertEqual(self.step("scripting", "evalSha"), 5)
        self.assertEqual(self.step("scripting", "evalShaMissing"), "error: NOSCRIPT No matching script. Please use EVAL.")
        self.assertEqual(self.step("scripting", "definedFirst"), {"f": 3})
        self.assertEqual(self.step("scripting", "definedSecond"), {"f": 7})
        self.assertEqual(self.step("scripting", "definedLoaded"), [True])
        self.assertEqual(self.step("scripting", "fCall"), 10)
        self.assertEqual(self.step("scripting", "typedFunction"), {"now": 15})
        self.assertEqual([f["name"] for f in self.step("scripting", "functionList")[0]["functions"]],
                         ["bump", "echoargs", "peek"])
        self.assertEqual(self.step("scripting", "fCallAfterRestore"), 16)

    # The payload is redis-server's byte for byte (library code LZF-compressed
    # as rdbSaveRawString does).
    def test_function_dump_bytes(self):
        for name in DUMP_STEPS:
            self.assertEqual(dict(self.got["scripting"])[name], dict(self.want["scripting"])[name], name)

    def test_function_dump_restores_across_servers(self):
        ours = bytes.fromhex(dict(self.got["scripting"])["functionDump"]["hex"])
        theirs = bytes.fromhex(dict(self.want["scripting"])["functionDump"]["hex"])
        for port, payload in ((self.luma.redis_port, theirs), (self.real.port, ours)):
            conn = harness.RespConn(port)
            try:
                self.assertEqual(conn.cmd("FUNCTION", "FLUSH"), "OK")
                self.assertEqual(conn.cmd("FUNCTION", "RESTORE", payload), "OK")
                self.assertEqual(conn.cmd("FCALL", "bump", "1", "restored", "3"), 3)
                self.assertEqual(conn.cmd("FCALL_RO", "peek", "1", "restored"), b"3")
                self.assertEqual(conn.cmd("FUNCTION", "FLUSH"), "OK")
            finally:
                conn.close()

    def test_hyperloglog(self):
        self.compare("hyperloglog")
        self.assertEqual(self.step("hyperloglog", "pfCount"), 5)
        self.assertTrue(1950 <= self.step("hyperloglog", "pfCountMany") <= 2050)
        self.assertTrue(bytes.fromhex(self.step("hyperloglog", "hllBytes")["hex"]).startswith(b"HYLL"))
        self.assertEqual(self.step("hyperloglog", "hllDenseBytesLength"), 12304)

    def test_geo(self):
        self.compare("geo")
        self.assertEqual(self.step("geo", "geoDistKm"), 166.2742)
        self.assertEqual(self.step("geo", "geoSearchRadius"), ["Catania", "Enna", "Palermo"])
        self.assertEqual(self.step("geo", "geoHash")[:2], ["sqc8b49rny0", "sqdtr74hyu0"])
        self.assertEqual(self.step("geo", "geoRadiusStoreResult"), ["Enna", "Palermo", "Catania"])

    def test_sort(self):
        self.compare("sort")
        self.assertEqual(self.step("sort", "sort"), ["1", "2", "3", "10", "21"])
        self.assertEqual(self.step("sort", "sortByGet"), ["2", "two", "4", None, "3", "three", "1", "one"])
        self.assertEqual(self.step("sort", "sortByHashField"), ["user1", "1", "user3", "3", "user2", "2", "user4", "4"])
        self.assertEqual(self.step("sort", "sortStoreResult"), ["two", "", "three", "one"])

    def test_streams(self):
        self.compare("streams")
        self.assertEqual(self.step("streams", "xReadGroupBlocked"),
                         [{"name": "ev", "messages": [{"id": "11-0", "message": {"k": "wake"}}]}])
        self.assertEqual([m["id"] for m in self.step("streams", "xAutoClaimDeleted")["messages"]],
                         ["4-0", "5-0", "7-0", "11-0"])
        self.assertEqual(self.step("streams", "xInfoStream")["length"], 5)

    def test_acl(self):
        self.compare("acl")
        self.assertEqual(self.step("acl", "aliceSet"), "OK")
        self.assertEqual(self.step("acl", "aliceKeyDenied"),
                         "error: NOPERM this user has no permissions to access one of the keys used as arguments")
        self.assertEqual(self.step("acl", "aliceDangerous"),
                         "error: NOPERM this user has no permissions to run the 'flushall' command")
        self.assertEqual(self.step("acl", "authWrongPass"),
                         "error: WRONGPASS invalid username-password pair or user is disabled.")
        self.assertEqual(self.step("acl", "aclUsers"), ["alice", "bob", "default"])
        self.assertGreaterEqual(len(self.step("acl", "aclLog")), 5)

    def test_tracking(self):
        self.compare("tracking")
        self.assertEqual(self.step("tracking", "invalidateScriptWrite"), [["tk:s"]])
        self.assertEqual(self.step("tracking", "invalidateOne"), [["tk:1"]])
        self.assertEqual(self.step("tracking", "noSecondInvalidation"), [])
        self.assertEqual(self.step("tracking", "bcastOtherPrefix"), [["cast:9"]])
        self.assertEqual(self.step("tracking", "optInOnlyCached"), [["tk:3"]])
        self.assertEqual(self.step("tracking", "optOutSkipsUncached"), [["tk:6"]])
        self.assertEqual(self.step("tracking", "noLoopSkipsOwn"), [])
        self.assertEqual(self.step("tracking", "flushAllNull"), [None])
        self.assertEqual(self.step("tracking", "invalidateMulti"), [["tk:m1"], ["tk:m2"]])
        self.assertEqual(self.step("tracking", "invalidateExpired"), [["tk:exp"]])

    # Keys a script or function reads are tracked for the client that ran it
    # (Redis's call() tracks for server.script_caller).
    def test_tracking_script_reads(self):
        self.compare("trackingScripts")
        self.assertEqual(self.step("trackingScripts", "invalidateEvalRoRead"), [["ts:1"]])
        self.assertEqual(self.step("trackingScripts", "invalidateEvalRead"), [["ts:2"]])
        self.assertEqual(self.step("trackingScripts", "invalidateFCallRoRead"), [["ts:3"]])


if __name__ == "__main__":
    unittest.main(verbosity=2)

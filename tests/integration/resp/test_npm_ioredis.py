"""ioredis (npm) scenario against Debian's redis-server and LumaDB: the same
JSON result from both."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "npm", "ioredis_scenario.js")


def run(port):
    p = subprocess.run(["node", SCRIPT, str(port)], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, NODE_PATH=harness.node_modules()))
    if p.returncode != 0:
        raise AssertionError("ioredis scenario failed on port %d:\n%s\n%s" % (port, p.stdout, p.stderr))
    return json.loads(p.stdout.strip().splitlines()[-1])


class IoRedis(unittest.TestCase):
    def test_scenario_same_as_redis(self):
        with harness.RealServer("redis") as real:
            expected = run(real.port)
        with harness.Server(args=["--workers", "2"]) as luma:
            got = run(luma.redis_port)
        self.assertEqual(got, expected)
        self.assertEqual(expected["custom"], [5, 10, 12])


if __name__ == "__main__":
    unittest.main()

"""ioredis (npm) scenario against Debian's redis-server and LumaDB: the same
JSON result from both (tests/integration/npm/ioredis_scenario.js)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402


class IoRedis(unittest.TestCase):
    def test_scenario_same_as_redis(self):
        with harness.RealServer("redis") as real:
            expected = harness.run_node_scenario("ioredis_scenario.js", real.port)
        with harness.Server(args=["--workers", "2"]) as luma:
            got = harness.run_node_scenario("ioredis_scenario.js", luma.redis_port)
        self.assertEqual(got, expected)
        self.assertEqual(expected["custom"], [5, 10, 12])


if __name__ == "__main__":
    unittest.main()

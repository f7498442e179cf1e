"""BullMQ (npm) scenario against Debian's redis-server and LumaDB: the same
JSON result from both (tests/integration/npm/bullmq_scenario.js)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402


class BullMQ(unittest.TestCase):
    def test_scenario_same_as_redis(self):
        with harness.RealServer("redis") as real:
            expected = harness.run_node_scenario("bullmq_scenario.js", real.port)
        with harness.Server(args=["--workers", "2"]) as luma:
            got = harness.run_node_scenario("bullmq_scenario.js", luma.redis_port)
        self.assertEqual(got, expected)
        self.assertEqual(expected["firstThree"], ["normal", "flaky", "broken"])
        self.assertEqual(expected["flow"], [10, 20, 30])


if __name__ == "__main__":
    unittest.main()

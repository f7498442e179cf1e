"""Debian's node-redis client (Node.js) against the real binary."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


class NodeRedisTest(unittest.TestCase):
    def test_node_redis_client(self):
        with harness.Server() as s:
            env = dict(os.environ, NODE_PATH="/usr/share/nodejs")
            proc = subprocess.run(["node", os.path.join(HERE, "node_client.js"), str(s.redis_port)],
                                  capture_output=True, text=True, timeout=60, env=env)
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            self.assertEqual(proc.stdout.strip(), "ok")

    def test_node_redis_stream_commands_parse_as_with_redis(self):
        env = dict(os.environ, NODE_PATH="/usr/share/nodejs")

        def run(port):
            proc = subprocess.run(["node", os.path.join(HERE, "node_streams.js"), str(port)],
                                  capture_output=True, text=True, timeout=60, env=env)
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            return json.loads(proc.stdout)

        with harness.RealServer("redis") as real, harness.Server() as luma:
            want, got = run(real.port), run(luma.redis_port)
        self.assertEqual(len(got), len(want))
        for w, g in zip(want, got):
            self.assertEqual(g, w)


if __name__ == "__main__":
    unittest.main(verbosity=2)

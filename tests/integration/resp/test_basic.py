"""redis-cli and python3-redis against the real binary: basics, persistence, config errors."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import redis  # noqa: E402


def cli(port, *args):
    out = subprocess.run(["redis-cli", "-p", str(port)] + list(args), capture_output=True, text=True, timeout=30)
    return out.stdout.strip()


class BasicTest(unittest.TestCase):
    def test_redis_cli_and_restart(self):
        with harness.Server() as s:
            self.assertEqual(cli(s.redis_port, "PING"), "PONG")
            self.assertEqual(cli(s.redis_port, "SET", "greeting", "hello"), "OK")
            self.assertEqual(cli(s.redis_port, "GET", "greeting"), "hello")
            self.assertEqual(cli(s.redis_port, "INCRBY", "counter", "5"), "5")
            r = redis.Redis(port=s.redis_port)
            r.set("ttl", "x", ex=1000)
            s.restart()
            r = redis.Redis(port=s.redis_port)
            self.assertEqual(r.get("greeting"), b"hello")
            self.assertEqual(r.get("counter"), b"5")
            self.assertGreater(r.ttl("ttl"), 990)

    def test_python_client_types_and_errors(self):
        with harness.Server() as s:
            r = redis.Redis(port=s.redis_port, decode_responses=True)
            self.assertTrue(r.ping())
            r.mset({"a": "1", "b": "2"})
            self.assertEqual(r.mget("a", "b", "c"), ["1", "2", None])
            self.assertEqual(r.dbsize(), 2)
            with self.assertRaises(redis.ResponseError) as ctx:
                r.execute_command("NOSUCH", "x")
            self.assertEqual(str(ctx.exception), "unknown command 'NOSUCH', with args beginning with: 'x' ")
            self.assertTrue(r.execute_command("SELECT", "3"))
            self.assertEqual(r.info("server")["redis_version"], "7.0.15")
            pipe = r.pipeline(transaction=True)
            pipe.set("p", "1").incr("p").get("p")
            self.assertEqual(pipe.execute(), [True, 2, "2"])

    def test_bad_configuration_exits_2(self):
        with harness.Server() as s:
            busy = s.redis_port
            other = harness.Server(args=["--port", "redis=%d" % busy])
            try:
                proc = subprocess.run(other.command(), capture_output=True, text=True, timeout=30)
                self.assertEqual(proc.returncode, 2)
                self.assertIn("port %d" % busy, proc.stderr)
                self.assertIn("redis", proc.stderr)
                self.assertEqual(len(proc.stderr.strip().splitlines()), 1)
            finally:
                other.cleanup()
        for args, needle in ((["--nope"], "unknown flag '--nope'"),
                             (["--durability", "sometimes"], "bad durability 'sometimes'"),
                             (["--port", "redis=99999"], "bad port '99999'"),
                             (["--port", "gopher=1"], "unknown protocol 'gopher'"),
                             (["--data-dir", "/proc/lumadb-cannot-write"], "/proc/lumadb-cannot-write")):
            proc = subprocess.run([harness.binary(), "serve"] + args, capture_output=True, text=True, timeout=30)
            self.assertEqual(proc.returncode, 2, args)
            self.assertIn(needle, proc.stderr)
            self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""redis-cli's admin modes against LumaDB: --stat, --latency, --bigkeys,
--memkeys, info, plus slowlog/latency/memory subcommands as redis-cli users
type them. Each must succeed and print what it prints against redis-server."""
import os
import select
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402


def run_for(args, seconds):
    """Runs a redis-cli mode that never ends by itself on a pty (so its output
    is line-buffered) for `seconds`, then stops it; returns its output."""
    import pty
    master, slave = pty.openpty()
    p = subprocess.Popen(args, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    out = b""
    end = time.time() + seconds
    try:
        while time.time() < end:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    out += os.read(master, 65536)
                except OSError:
                    break
    finally:
        p.terminate()
        p.wait(timeout=10)
        os.close(master)
    return out.decode("utf-8", "replace")


class RedisCliTools(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server().__enter__()
        cls.port = str(cls.server.redis_port)
        cli = ["redis-cli", "-p", cls.port]
        for i in range(30):
            subprocess.run(cli + ["SET", "str%d" % i, "v" * (i + 1)], check=True, capture_output=True)
        subprocess.run(cli + ["RPUSH", "biglist"] + [str(i) for i in range(500)], check=True, capture_output=True)
        subprocess.run(cli + ["HSET", "bighash"] + [str(i) for i in range(200)], check=True, capture_output=True)
        subprocess.run(cli + ["SADD", "bigset"] + [str(i) for i in range(50)], check=True, capture_output=True)
        subprocess.run(cli + ["ZADD", "bigzset", "1", "a", "2", "b"], check=True, capture_output=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def cli(self, *args):
        p = subprocess.run(["redis-cli", "-p", self.port] + list(args), capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.decode()

    def test_stat(self):
        out = run_for(["redis-cli", "-p", self.port, "--stat", "-i", "0.3"], 1.5)
        self.assertIn("------- data ------", out)
        self.assertIn("keys       mem      clients blocked requests", out)
        rows = [l.split() for l in out.splitlines() if l[:1].isdigit()]
        self.assertGreaterEqual(len(rows), 2, out)
        self.assertEqual(rows[0][0], "34")  # keys
        self.assertTrue(rows[0][1][-1] in "BKMG", rows[0])  # used_memory_human

    def test_latency(self):
        out = run_for(["redis-cli", "-p", self.port, "--latency", "-i", "1"], 1.5)
        self.assertRegex(out, r"min: \d+, max: \d+, avg: [\d.]+ \(\d+ samples\)")
        # Without a terminal --latency prints one raw line per interval.
        p = subprocess.Popen(["redis-cli", "-p", self.port, "--latency", "-i", "1"], stdout=subprocess.PIPE)
        line = p.stdout.readline().decode()
        p.terminate()
        p.wait(timeout=10)
        self.assertRegex(line, r"^\d+ \d+ [\d.]+ \d+")

    def test_bigkeys(self):
        out = self.cli("--bigkeys")
        self.assertIn("Sampled 34 keys in the keyspace!", out)
        self.assertIn("Biggest   list found '\"biglist\"' has 500 items", out)
        self.assertIn("Biggest   hash found '\"bighash\"' has 100 fields", out)
        self.assertIn("Biggest    set found '\"bigset\"' has 50 members", out)
        self.assertIn("Biggest string found '\"str29\"' has 30 bytes", out)

    def test_memkeys(self):
        out = self.cli("--memkeys")
        self.assertIn("Sampled 34 keys in the keyspace!", out)
        self.assertIn("Biggest   list found '\"biglist\"' has", out)
        self.assertRegex(out, r"1 lists with \d+ bytes")
        self.assertRegex(out, r"30 strings with \d+ bytes")

    def test_info_and_admin_commands(self):
        out = self.cli("info")
        for section in ("# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU",
                        "# Modules", "# Errorstats", "# Cluster", "# Keyspace"):
            self.assertIn(section + "\r\n", out)
        self.assertIn("db0:keys=34,expires=0", out)
        out = self.cli("info", "stats", "clients")
        self.assertLess(out.index("# Clients"), out.index("# Stats"))
        self.assertIn("cmdstat_set:calls=30", self.cli("info", "commandstats"))
        self.assertIn("latency_percentiles_usec_set:p50=", self.cli("info", "latencystats"))
        self.assertIn("histogram_usec", self.cli("latency", "histogram", "set"))
        self.assertIn("Latency monitoring is disabled", self.cli("latency", "doctor"))
        self.assertEqual(self.cli("config", "set", "slowlog-log-slower-than", "0").strip(), "OK")
        self.cli("get", "str1")
        self.assertIn("str1", self.cli("slowlog", "get", "2"))
        self.assertEqual(self.cli("config", "set", "slowlog-log-slower-than", "10000").strip(), "OK")
        self.assertGreater(int(self.cli("memory", "usage", "biglist")), 500)
        self.assertIn("keys.count", self.cli("memory", "stats"))
        # redis-cli's hints come from COMMAND DOCS.
        self.assertIn("GETKEYSANDFLAGS", self.cli("command", "help"))


if __name__ == "__main__":
    unittest.main()

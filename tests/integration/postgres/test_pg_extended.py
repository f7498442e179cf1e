"""The extended query protocol: pgbench in -M simple, extended and prepared
(a custom transfer script; the final balance must equal the transactions
pgbench reports), and a raw frontend that checks parameter type inference,
Describe, binary results, portal suspension, and error recovery at Sync."""
import os
import re
import struct
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402

SCRIPT = """\\set aid random(1, 20)
BEGIN;
UPDATE ext_acct SET v = v + 1 WHERE id = :aid;
SELECT v, note FROM ext_acct WHERE id = :aid;
END;
"""


class Frontend:
    """A minimal protocol v3 client over a socket."""

    def __init__(self, port):
        import socket
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        params = b"user\0postgres\0database\0postgres\0\0"
        self.sock.sendall(struct.pack("!II", 8 + len(params), 196608) + params)
        self.until(b"Z")

    def send(self, t, body):
        self.sock.sendall(t + struct.pack("!I", len(body) + 4) + body)

    def read(self):
        while True:
            if len(self.buf) >= 5:
                n = struct.unpack("!I", self.buf[1:5])[0]
                if len(self.buf) >= 1 + n:
                    t, body = self.buf[0:1], self.buf[5:1 + n]
                    self.buf = self.buf[1 + n:]
                    return t, body
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk

    def until(self, t):
        got = []
        while True:
            m = self.read()
            got.append(m)
            if m[0] == t:
                return got

    def parse(self, name, sql, oids=()):
        self.send(b"P", name + b"\0" + sql + b"\0" + struct.pack("!H", len(oids)) +
                  b"".join(struct.pack("!I", o) for o in oids))

    def bind(self, portal, stmt, params, param_formats=(), result_formats=()):
        body = portal + b"\0" + stmt + b"\0" + struct.pack("!H", len(param_formats))
        body += b"".join(struct.pack("!h", f) for f in param_formats)
        body += struct.pack("!H", len(params))
        for p in params:
            body += struct.pack("!i", -1) if p is None else struct.pack("!i", len(p)) + p
        body += struct.pack("!H", len(result_formats)) + b"".join(struct.pack("!h", f) for f in result_formats)
        self.send(b"B", body)

    def close(self):
        self.send(b"X", b"")
        self.sock.close()


def data_row(body):
    n = struct.unpack("!H", body[0:2])[0]
    out, pos = [], 2
    for _ in range(n):
        ln = struct.unpack("!i", body[pos:pos + 4])[0]
        pos += 4
        if ln < 0:
            out.append(None)
        else:
            out.append(body[pos:pos + ln])
            pos += ln
    return out


class ExtendedProtocolTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server().start()
        c = cls.server.pg_connect()
        c.autocommit = True
        cur = c.cursor()
        cur.execute("CREATE TABLE ext_acct (id int PRIMARY KEY, v bigint NOT NULL, note text)")
        cur.execute("INSERT INTO ext_acct VALUES " + ", ".join("(%d, 0, 'n%d')" % (i, i) for i in range(1, 21)))
        c.close()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()

    def total(self):
        c = self.server.pg_connect()
        cur = c.cursor()
        cur.execute("SELECT sum(v) FROM ext_acct")
        v = cur.fetchone()[0]
        c.close()
        return v

    def test_pgbench_in_every_query_mode(self):
        path = os.path.join(self.server.data_dir, "transfer.sql")
        with open(path, "w") as f:
            f.write(SCRIPT)
        for mode in ("simple", "extended", "prepared"):
            before = self.total()
            p = subprocess.run(["pgbench", "-n", "-h", "127.0.0.1", "-p", str(self.server.postgres_port), "-U",
                                "postgres", "-M", mode, "-c", "4", "-j", "2", "-t", "50", "-f", path, "postgres"],
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            done = int(re.search(r"number of transactions actually processed: (\d+)", p.stdout).group(1))
            self.assertEqual(done, 200, p.stdout)
            self.assertIn("number of failed transactions: 0", p.stdout)
            self.assertEqual(self.total() - before, done, mode)

    def test_pgbench_init_and_builtin_scripts(self):
        """pgbench -i (DROP, CREATE ... WITH (fillfactor), TRUNCATE, COPY FROM
        STDIN, VACUUM, ALTER TABLE ADD PRIMARY KEY), then each built-in script
        in each query mode; TPC-B's balances must add up to its history."""
        base = ["-h", "127.0.0.1", "-p", str(self.server.postgres_port), "-U", "postgres"]
        p = subprocess.run(["pgbench", "-i", "-s", "1"] + base + ["postgres"],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("creating primary keys...", p.stderr)
        c = self.server.pg_connect()
        cur = c.cursor()
        cur.execute("SELECT count(*), count(DISTINCT aid), min(aid), max(aid), sum(abalance) FROM pgbench_accounts")
        self.assertEqual(cur.fetchone(), (100000, 100000, 1, 100000, 0))
        cur.execute("SELECT count(*) FROM pgbench_tellers")
        self.assertEqual(cur.fetchone(), (10,))
        c.commit()
        first = True
        for script in ("tpcb-like", "simple-update", "select-only"):
            for mode in ("simple", "extended", "prepared"):
                # The first run vacuums and truncates pgbench_history as pgbench does by default.
                vacuum = [] if first else ["-n"]
                first = False
                p = subprocess.run(["pgbench", "-b", script, "-M", mode, "-c", "4", "-j", "2", "-t", "50"] + vacuum +
                                   base + ["postgres"], capture_output=True, text=True, timeout=300)
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
                self.assertIn("number of transactions actually processed: 200/200", p.stdout, script + mode)
                self.assertIn("number of failed transactions: 0", p.stdout)
        cur.execute("SELECT sum(delta), count(*) FROM pgbench_history")
        delta, n = cur.fetchone()
        self.assertEqual(n, 200 * 3 * 2)  # tpcb-like and simple-update insert history
        cur.execute("SELECT sum(abalance) FROM pgbench_accounts")
        self.assertEqual(cur.fetchone(), (delta,))
        # Only tpcb-like updates tellers and branches, by the same deltas.
        cur.execute("SELECT sum(tbalance) FROM pgbench_tellers")
        tellers = cur.fetchone()[0]
        cur.execute("SELECT sum(bbalance) FROM pgbench_branches")
        self.assertEqual(cur.fetchone()[0], tellers)
        c.close()

    def test_inferred_parameters_binary_results_and_portal_suspension(self):
        fe = Frontend(self.server.postgres_port)
        fe.parse(b"q1", b"SELECT id, note FROM ext_acct WHERE id > $1 ORDER BY id")
        fe.send(b"D", b"Sq1\0")
        fe.send(b"S", b"")
        msgs = fe.until(b"Z")
        types = [m[0] for m in msgs]
        self.assertEqual(types, [b"1", b"t", b"T", b"Z"])
        self.assertEqual(msgs[1][1], struct.pack("!HI", 1, 23))  # $1 inferred as integer
        fe.bind(b"p1", b"q1", [struct.pack("!i", 15)], param_formats=(1,), result_formats=(1, 0))
        fe.send(b"E", b"p1\0" + struct.pack("!i", 2))
        fe.send(b"E", b"p1\0" + struct.pack("!i", 0))
        fe.send(b"S", b"")
        msgs = fe.until(b"Z")
        self.assertEqual([m[0] for m in msgs], [b"2", b"D", b"D", b"s", b"D", b"D", b"D", b"C", b"Z"])
        rows = [data_row(m[1]) for m in msgs if m[0] == b"D"]
        self.assertEqual(rows[0], [struct.pack("!i", 16), b"n16"])
        self.assertEqual([struct.unpack("!i", r[0])[0] for r in rows], [16, 17, 18, 19, 20])
        self.assertEqual(msgs[7][1], b"SELECT 3\0")
        fe.close()

    def test_an_error_skips_to_sync_and_rolls_back(self):
        fe = Frontend(self.server.postgres_port)
        fe.parse(b"", b"UPDATE ext_acct SET note = $2 WHERE id = $1")
        fe.bind(b"", b"", [b"1", b"changed"])
        fe.send(b"E", b"\0\0\0\0\0")
        fe.bind(b"", b"", [b"1"])  # one parameter short
        fe.send(b"E", b"\0\0\0\0\0")
        fe.send(b"S", b"")
        msgs = fe.until(b"Z")
        self.assertEqual([m[0] for m in msgs], [b"1", b"2", b"C", b"E", b"Z"])
        self.assertIn(b"bind message supplies 1 parameters, but prepared statement \"\" requires 2", msgs[3][1])
        self.assertEqual(msgs[4][1], b"I")
        # The implicit transaction of the failed batch was rolled back.
        fe.send(b"Q", b"SELECT note FROM ext_acct WHERE id = 1\0")
        msgs = fe.until(b"Z")
        self.assertEqual(data_row([m for m in msgs if m[0] == b"D"][0][1]), [b"n1"])
        # A bad text parameter is PostgreSQL's 22P02.
        fe.parse(b"", b"SELECT $1::int + 1")
        fe.bind(b"", b"", [b"abc"])
        fe.send(b"S", b"")
        msgs = fe.until(b"Z")
        self.assertEqual([m[0] for m in msgs], [b"1", b"E", b"Z"])
        self.assertIn(b'invalid input syntax for type integer: "abc"', msgs[1][1])
        fe.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)

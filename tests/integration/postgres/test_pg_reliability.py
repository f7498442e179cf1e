"""Reliability of the PostgreSQL side: kill -9 while several clients run
transfer transactions, then every acknowledged COMMIT is there and the
balances add up; malformed and oversized frames get a FATAL error and close
only their own connection; many connections at once."""
import os
import socket
import struct
import subprocess
import sys
import time
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import psycopg2  # noqa: E402
import psycopg2.errors  # noqa: E402

ACCOUNTS = 20
START = 1000


def read_messages(sock):
    """Reads backend messages until the server closes; returns [(type, body)]."""
    data = b""
    sock.settimeout(10)
    while True:
        try:
            chunk = sock.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    out = []
    while len(data) >= 5:
        t, n = data[0:1], struct.unpack("!I", data[1:5])[0]
        out.append((t, data[5:1 + n]))
        data = data[1 + n:]
    return out


def error_fields(body):
    fields = {}
    for part in body.split(b"\0"):
        if part:
            fields[part[0:1].decode()] = part[1:].decode()
    return fields


class KillNineTest(unittest.TestCase):
    def test_committed_transfers_survive_kill9_and_balances_add_up(self):
        with harness.Server() as s:
            c = s.pg_connect()
            c.autocommit = True
            cur = c.cursor()
            cur.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL)")
            cur.execute("CREATE TABLE history (client int, seq int, amount int, PRIMARY KEY (client, seq))")
            cur.execute("INSERT INTO accounts VALUES " + ", ".join("(%d, %d)" % (i, START) for i in range(ACCOUNTS)))
            c.close()
            acked = {}
            lock = threading.Lock()
            stop = threading.Event()

            def writer(w):
                try:
                    conn = s.pg_connect()
                except psycopg2.Error:
                    return
                seq = 0
                while not stop.is_set():
                    src, dst = (w * 7 + seq) % ACCOUNTS, (w * 3 + seq * 5 + 1) % ACCOUNTS
                    if src == dst:
                        dst = (dst + 1) % ACCOUNTS
                    try:
                        k = conn.cursor()
                        k.execute("UPDATE accounts SET balance = balance - 1 WHERE id = %s", (src,))
                        k.execute("UPDATE accounts SET balance = balance + 1 WHERE id = %s", (dst,))
                        k.execute("INSERT INTO history VALUES (%s, %s, 1)", (w, seq))
                        conn.commit()
                    except psycopg2.errors.DeadlockDetected:
                        conn.rollback()
                        continue
                    except (psycopg2.OperationalError, psycopg2.InterfaceError):
                        return
                    with lock:
                        acked[w] = seq
                    seq += 1

            s.kill9_under_load(writer, workers=4, stop=stop, seconds=2.0)
            self.assertGreater(sum(v + 1 for v in acked.values()), 20, "too few transactions before the kill")
            s.start()
            c = s.pg_connect()
            cur = c.cursor()
            for w, last in acked.items():
                cur.execute("SELECT count(*), max(seq) FROM history WHERE client = %s", (w,))
                n, mx = cur.fetchone()
                # Every acknowledged commit is there (one more may have
                # committed without its acknowledgement arriving).
                self.assertGreaterEqual(n, last + 1, "client %d lost commits" % w)
                self.assertEqual(n, mx + 1)
            cur.execute("SELECT sum(balance), count(*) FROM accounts")
            total, count = cur.fetchone()
            self.assertEqual((total, count), (START * ACCOUNTS, ACCOUNTS))
            cur.execute("SELECT count(*) FROM history")
            moved = cur.fetchone()[0]
            c.close()
            self.assertGreaterEqual(moved, sum(v + 1 for v in acked.values()))


class PgbenchKillNineTest(unittest.TestCase):
    def test_pgbench_tables_loaded_by_copy_survive_kill9_under_tpcb(self):
        """pgbench -i (COPY, ALTER TABLE ADD PRIMARY KEY), kill -9 during its
        TPC-B-like run, restart: each transaction is all there or not at all,
        so the account, teller and branch balances equal the history's sum."""
        with harness.Server() as s:
            base = ["-h", "127.0.0.1", "-p", str(s.postgres_port), "-U", "postgres"]
            p = subprocess.run(["pgbench", "-i", "-s", "1"] + base + ["postgres"],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            bench = subprocess.Popen(["pgbench", "-n", "-c", "4", "-j", "2", "-T", "30"] + base + ["postgres"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                time.sleep(2.0)
                s.kill9()
            finally:
                bench.communicate(timeout=60)
            s.start()
            c = s.pg_connect()
            cur = c.cursor()
            cur.execute("SELECT count(*), sum(delta) FROM pgbench_history")
            n, delta = cur.fetchone()
            self.assertGreater(n, 20, "too few transactions before the kill")
            for table, column in (("pgbench_accounts", "abalance"), ("pgbench_tellers", "tbalance"),
                                  ("pgbench_branches", "bbalance")):
                cur.execute("SELECT sum(%s) FROM %s" % (column, table))
                self.assertEqual(cur.fetchone()[0], delta, table)
            cur.execute("SELECT count(*) FROM pgbench_accounts")
            self.assertEqual(cur.fetchone()[0], 100000)
            # The primary key added after the load is still enforced.
            with self.assertRaises(psycopg2.errors.UniqueViolation):
                cur.execute("INSERT INTO pgbench_accounts (aid, bid, abalance) VALUES (1, 1, 0)")
            c.close()


class BadInputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server().start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()

    def raw(self):
        sock = socket.create_connection(("127.0.0.1", self.server.postgres_port), timeout=10)
        self.addCleanup(sock.close)
        return sock

    def startup(self, sock):
        params = b"user\0postgres\0database\0postgres\0\0"
        sock.sendall(struct.pack("!II", 8 + len(params), 196608) + params)
        got = b""
        while not got.endswith(b"Z\x00\x00\x00\x05I"):
            chunk = sock.recv(4096)
            self.assertTrue(chunk)
            got += chunk

    def test_bad_startup_length_is_fatal(self):
        sock = self.raw()
        sock.sendall(struct.pack("!II", 4, 196608))
        msgs = read_messages(sock)
        self.assertEqual(msgs[0][0], b"E")
        f = error_fields(msgs[0][1])
        self.assertEqual((f["S"], f["C"], f["M"]), ("FATAL", "08P01", "invalid length of startup packet"))

    def test_unsupported_protocol_version_is_fatal(self):
        sock = self.raw()
        sock.sendall(struct.pack("!II", 8, 2 << 16))
        f = error_fields(read_messages(sock)[0][1])
        self.assertEqual(f["C"], "0A000")
        self.assertIn("unsupported frontend protocol 2.0", f["M"])

    def test_ssl_request_is_refused_then_startup_works(self):
        sock = self.raw()
        sock.sendall(struct.pack("!II", 8, 80877103))
        self.assertEqual(sock.recv(1), b"N")
        self.startup(sock)

    def test_oversized_and_unknown_messages_close_only_their_connection(self):
        keep = self.server.pg_connect()
        keep.autocommit = True
        for frame in (b"Q" + struct.pack("!I", 2 ** 31 - 1), b"Q" + struct.pack("!I", 2), b"\x01" + struct.pack("!I", 4)):
            sock = self.raw()
            self.startup(sock)
            sock.sendall(frame)
            msgs = read_messages(sock)
            self.assertEqual(msgs[-1][0], b"E", frame)
            f = error_fields(msgs[-1][1])
            self.assertEqual((f["S"], f["C"]), ("FATAL", "08P01"), frame)
        cur = keep.cursor()
        cur.execute("SELECT 1")
        self.assertEqual(cur.fetchone(), (1,))
        keep.close()

    def test_many_connections_at_once(self):
        conns = [self.server.pg_connect() for _ in range(200)]
        try:
            for i, c in enumerate(conns):
                cur = c.cursor()
                cur.execute("SELECT %s + 1", (i,))
                self.assertEqual(cur.fetchone(), (i + 1,))
        finally:
            for c in conns:
                c.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)

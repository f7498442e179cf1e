"""PostgreSQL authentication against users from the configuration
(--postgres-users, --postgres-auth): SCRAM-SHA-256, md5 and cleartext
passwords through libpq (psql) and psycopg2, PostgreSQL's FATAL 28P01 for a
wrong password or an unknown user, current_user, and trust for the user
postgres when no users are configured."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import psycopg2  # noqa: E402


def psql(port, user, password, sql):
    env = dict(os.environ, PGCONNECT_TIMEOUT="10", PSQLRC="/dev/null", PGPASSWORD=password or "")
    if password is None:
        env.pop("PGPASSWORD")
    p = subprocess.run(["psql", "-X", "-w", "-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", "postgres", "-Atc",
                        sql], capture_output=True, text=True, timeout=60, env=env)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


class PgAuthTest(unittest.TestCase):
    def with_server(self, method):
        server = harness.Server(args=["--postgres-users", "alice:s3cr3t!,postgres:pg pw",
                                      "--postgres-auth", method]).start()
        self.addCleanup(server.cleanup)
        self.addCleanup(server.stop)
        return server

    def check_method(self, method):
        server = self.with_server(method)
        port = server.postgres_port
        self.assertEqual(psql(port, "alice", "s3cr3t!", "SELECT current_user, session_user")[:2], (0, "alice|alice"))
        code, out, err = psql(port, "alice", "wrong", "SELECT 1")
        self.assertNotEqual(code, 0)
        self.assertIn('FATAL:  password authentication failed for user "alice"', err)
        code, out, err = psql(port, "mallory", "s3cr3t!", "SELECT 1")
        self.assertNotEqual(code, 0)
        self.assertIn('FATAL:  password authentication failed for user "mallory"', err)
        # No password at all: libpq gives up before sending one.
        code, out, err = psql(port, "alice", None, "SELECT 1")
        self.assertNotEqual(code, 0)
        self.assertEqual(psql(port, "postgres", "pg pw", "SELECT current_user")[:2], (0, "postgres"))
        c = psycopg2.connect(host="127.0.0.1", port=port, user="alice", password="s3cr3t!", dbname="postgres")
        cur = c.cursor()
        cur.execute("CREATE TABLE IF NOT EXISTS auth_t (id int PRIMARY KEY)")
        cur.execute("INSERT INTO auth_t VALUES (1) ON CONFLICT DO NOTHING")
        c.commit()
        cur.execute("SELECT count(*) FROM auth_t")
        self.assertEqual(cur.fetchone(), (1,))
        c.close()
        with self.assertRaises(psycopg2.OperationalError) as ctx:
            psycopg2.connect(host="127.0.0.1", port=port, user="alice", password="nope", dbname="postgres")
        self.assertIn("password authentication failed", str(ctx.exception))

    def test_scram_sha_256(self):
        self.check_method("scram-sha-256")

    def test_md5(self):
        self.check_method("md5")

    def test_cleartext_password(self):
        self.check_method("password")

    def test_trust_without_users(self):
        server = harness.Server().start()
        self.addCleanup(server.cleanup)
        self.addCleanup(server.stop)
        self.assertEqual(psql(server.postgres_port, "postgres", None, "SELECT current_user")[:2], (0, "postgres"))
        code, out, err = psql(server.postgres_port, "alice", None, "SELECT 1")
        self.assertNotEqual(code, 0)
        self.assertIn('FATAL:  role "alice" does not exist', err)

    def test_bad_configuration_exits_2(self):
        binary = harness.binary()
        for args, message in [(["--postgres-auth", "kerberos"], "bad postgres-auth 'kerberos'"),
                              (["--postgres-users", "alice"], "bad postgres-users entry 'alice'")]:
            p = subprocess.run([binary, "serve"] + args, capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2)
            self.assertIn(message, p.stderr)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1)


if __name__ == "__main__":
    unittest.main()

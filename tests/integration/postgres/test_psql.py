"""psql (postgresql-client) against LumaDB: -c, -f, several statements in one
string, notices, errors with psql's LINE/caret display, ON_ERROR_STOP, and
unaligned output, compared where it matters with what PostgreSQL prints."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import pg_harness  # noqa: E402


class PsqlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server().start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()

    def psql(self, *args, stdin=None):
        env = dict(os.environ, PGCONNECT_TIMEOUT="10", PSQLRC="/dev/null", PGOPTIONS="")
        p = subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(self.server.postgres_port), "-U", "postgres",
                            "-d", "postgres", "-v", "VERBOSITY=default"] + list(args),
                           input=stdin, capture_output=True, text=True, timeout=60, env=env)
        return p.returncode, p.stdout, p.stderr

    def test_c_runs_statements_and_prints_tables(self):
        code, out, err = self.psql("-c", "CREATE TABLE ps_t (id int PRIMARY KEY, name text)",
                                   "-c", "INSERT INTO ps_t VALUES (1, 'one'), (2, 'two')",
                                   "-c", "SELECT id, name FROM ps_t ORDER BY id")
        self.assertEqual(code, 0, err)
        self.assertIn("CREATE TABLE\nINSERT 0 2\n", out)
        self.assertIn(" id | name \n----+------\n  1 | one\n  2 | two\n(2 rows)\n", out)
        code, out, err = self.psql("-At", "-c", "SELECT count(*), max(name) FROM ps_t; DROP TABLE ps_t")
        self.assertEqual(code, 0, err)
        self.assertEqual(out, "2|two\nDROP TABLE\n")

    def test_describe_commands_print_what_postgresql_prints(self):
        # \dt, \dn, \dt with a pattern, \di and \d of a table read pg_catalog (\d: its 13 queries,
        # pg_constraint, pg_attrdef, regclass, pg_get_indexdef, ...); both servers get the same tables.
        script = ("CREATE TABLE ps_accounts (id serial PRIMARY KEY, email varchar(80) UNIQUE);\n"
                  "CREATE TABLE ps_orders (id bigint PRIMARY KEY, account int REFERENCES ps_accounts);\n"
                  "CREATE INDEX ps_orders_account ON ps_orders (account);\n"
                  "CREATE TABLE ps_items (id int PRIMARY KEY, qty int NOT NULL DEFAULT 0 CHECK (qty >= 0), "
                  "order_id bigint REFERENCES ps_orders ON DELETE CASCADE, price numeric(10,2), at timestamptz, "
                  "tags text[], code char(3), UNIQUE (order_id, code));\n"
                  "CREATE UNIQUE INDEX ps_items_price ON ps_items (price, at);\n"
                  "COMMENT ON TABLE ps_items IS 'line items';\n"
                  "COMMENT ON COLUMN ps_items.qty IS 'how many';\n"
                  "\\dt\n\\dn\n\\dt ps_acc*\n\\dt nothing_like_this\n\\di\n"
                  "\\d ps_accounts\n\\d ps_orders\n\\d ps_items\n\\d+ ps_items\n\\d nothing_like_this\n"
                  "CREATE TYPE ps_mood AS ENUM ('calm', 'busy');\nCOMMENT ON TYPE ps_mood IS 'moods';\n"
                  "\\dT\n\\du\n\\dx\n\\db\nDROP TYPE ps_mood;\n"
                  "CREATE VIEW ps_v1 AS SELECT id FROM ps_orders;\nCREATE VIEW ps_v2 AS SELECT * FROM ps_v1;\n"
                  "CREATE VIEW ps_v3 AS SELECT 1 AS one WHERE EXISTS (SELECT 1 FROM ps_orders);\n"
                  "DROP VIEW ps_v1;\nDROP TABLE ps_orders;\nDROP VIEW ps_v1 CASCADE;\nDROP VIEW ps_v3;\n"
                  "DROP TABLE ps_items, ps_orders, ps_accounts;\n")

        def run(port):
            env = dict(os.environ, PGCONNECT_TIMEOUT="10", PSQLRC="/dev/null", PGOPTIONS="")
            p = subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "postgres",
                                "-f", "-"], input=script, capture_output=True, text=True, timeout=60, env=env)
            return p.stdout + p.stderr

        with pg_harness.RealPostgres() as pg:
            want = run(pg.port)
        got = run(self.server.postgres_port)
        self.assertEqual(got, want)
        self.assertIn(" public | ps_orders   | table | postgres\n", want)
        self.assertIn("Did not find any relation named \"nothing_like_this\".", want)
        self.assertIn(' id     | integer               |           | not null | nextval(\'ps_accounts_id_seq\'::regclass)', want)
        self.assertIn('    "ps_items_order_id_fkey" FOREIGN KEY (order_id) REFERENCES ps_orders(id) ON DELETE CASCADE', want)

    def test_syntax_error_shows_line_and_caret(self):
        code, out, err = self.psql("-c", "SELECT id FROM WHERE x")
        self.assertEqual(code, 1)
        self.assertEqual(err, 'ERROR:  syntax error at or near "WHERE"\nLINE 1: SELECT id FROM WHERE x\n'
                              '                       ^\n')

    def test_error_detail_and_position_of_a_missing_column(self):
        self.psql("-c", "CREATE TABLE ps_e (id int PRIMARY KEY)", "-c", "INSERT INTO ps_e VALUES (1)")
        code, out, err = self.psql("-c", "INSERT INTO ps_e VALUES (1)")
        self.assertEqual(code, 1)
        self.assertEqual(err, 'ERROR:  duplicate key value violates unique constraint "ps_e_pkey"\n'
                              'DETAIL:  Key (id)=(1) already exists.\n')
        code, out, err = self.psql("-c", "SELECT nope FROM ps_e")
        self.assertEqual(err, 'ERROR:  column "nope" does not exist\nLINE 1: SELECT nope FROM ps_e\n'
                              '               ^\n')
        self.psql("-c", "DROP TABLE ps_e")

    def test_f_runs_a_script_and_on_error_stop_stops_it(self):
        script = ("CREATE TABLE ps_f (a int);\n"
                  "INSERT INTO ps_f VALUES (1);\n"
                  "CREATE TABLE IF NOT EXISTS ps_f (a int);\n"
                  "SELECT 1/0;\n"
                  "INSERT INTO ps_f VALUES (2);\n")
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
            f.write(script)
        try:
            code, out, err = self.psql("-v", "ON_ERROR_STOP=1", "-f", f.name)
            self.assertEqual(code, 3, err)
            self.assertIn('NOTICE:  relation "ps_f" already exists, skipping', err)
            self.assertIn("ERROR:  division by zero", err)
            code, out, err = self.psql("-At", "-c", "SELECT count(*) FROM ps_f")
            self.assertEqual(out, "1\n")
            # Without ON_ERROR_STOP the script goes on past the error.
            code, out, err = self.psql("-f", f.name)
            self.assertIn('ERROR:  relation "ps_f" already exists', err)
            code, out, err = self.psql("-At", "-c", "SELECT a FROM ps_f ORDER BY a")
            self.assertEqual(out, "1\n1\n2\n")
        finally:
            os.unlink(f.name)
            self.psql("-c", "DROP TABLE ps_f")

    def test_single_transaction_and_stdin(self):
        code, out, err = self.psql("-1", "-v", "ON_ERROR_STOP=1", stdin=(
            "CREATE TABLE ps_s (a int);\nINSERT INTO ps_s VALUES (1);\nINSERT INTO ps_s VALUES ('x');\n"))
        self.assertNotEqual(code, 0)
        self.assertIn('invalid input syntax for type integer: "x"', err)
        code, out, err = self.psql("-At", "-c", "SELECT count(*) FROM ps_s")
        # CREATE TABLE is not transactional in LumaDB yet: the table stays, the rows do not.
        self.assertEqual(out, "0\n", err)
        self.psql("-c", "DROP TABLE ps_s")

    def test_explain_and_explain_analyze(self):
        code, out, err = self.psql("-At", "-c", "CREATE TABLE ps_ex (id int PRIMARY KEY, k int)",
                                   "-c", "INSERT INTO ps_ex SELECT g, g % 3 FROM generate_series(1, 30) g",
                                   "-c", "EXPLAIN SELECT k, count(*) FROM ps_ex GROUP BY k",
                                   "-c", "EXPLAIN ANALYZE SELECT * FROM ps_ex WHERE k = 1",
                                   "-c", "DROP TABLE ps_ex")
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        self.assertIn("HashAggregate\n  Group Key: k\n  ->  Seq Scan on ps_ex\n", out)
        at = lines.index("Seq Scan on ps_ex  (actual rows=10 loops=1)")
        self.assertEqual(lines[at + 1], "  Filter: (k = 1)")
        self.assertRegex(lines[at + 2], r"^Planning Time: [0-9]+\.[0-9]{3} ms$")
        self.assertRegex(lines[at + 3], r"^Execution Time: [0-9]+\.[0-9]{3} ms$")

    def test_show_and_set(self):
        code, out, err = self.psql("-At", "-c", "SHOW server_version", "-c", "SET TimeZone = 'UTC'",
                                   "-c", "SHOW TimeZone", "-c", "SHOW client_encoding")
        self.assertEqual(code, 0, err)
        self.assertEqual(out.splitlines(), ["15.8", "SET", "UTC", "UTF8"])

    def test_bad_user_and_database_are_refused_like_postgres(self):
        env = dict(os.environ, PGCONNECT_TIMEOUT="10")
        p = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.server.postgres_port), "-U", "alice", "-c",
                            "SELECT 1"], capture_output=True, text=True, timeout=30, env=env)
        self.assertEqual(p.returncode, 2)
        self.assertIn('FATAL:  role "alice" does not exist', p.stderr)
        p = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.server.postgres_port), "-U", "postgres",
                            "-d", "shop", "-c", "SELECT 1"], capture_output=True, text=True, timeout=30, env=env)
        self.assertEqual(p.returncode, 2)
        self.assertIn('FATAL:  database "shop" does not exist', p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""COPY FROM STDIN / TO STDOUT against LumaDB, compared with PostgreSQL 15:
scripts/copy.sql run by psql (inline data, \\copy to and from files, text and
CSV options, errors with their CONTEXT lines) must print the same on both;
psycopg2's copy_expert / copy_from / copy_to move 20,000 rows in chunks;
a COPY that the client aborts (CopyFail) loads nothing."""
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import harness  # noqa: E402
import pg_harness  # noqa: E402
import psycopg2  # noqa: E402
import psycopg2.errors  # noqa: E402

SCRIPT = os.path.join(HERE, "scripts", "copy.sql")


def run_script(port):
    """psql -f copy.sql in a fresh directory; its output and the files \\copy wrote."""
    work = tempfile.mkdtemp(prefix="lumadb-copy-")
    try:
        with open(os.path.join(work, "cp_in.tsv"), "w") as f:
            f.write("7\tseven\n8\t\\N\n9\tnine\n")
        env = dict(os.environ, PGCONNECT_TIMEOUT="10", PSQLRC="/dev/null", PGOPTIONS="")
        p = subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "postgres",
                            "-v", "VERBOSITY=default", "-f", SCRIPT],
                           cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120, env=env)
        files = {}
        for name in ("cp_out.csv", "cp_out2.txt"):
            with open(os.path.join(work, name)) as f:
                files[name] = f.read()
        return p.stdout, files
    finally:
        shutil.rmtree(work, ignore_errors=True)


class CopyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server().start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()

    def connect(self, autocommit=False):
        c = self.server.pg_connect(autocommit)
        self.addCleanup(c.close)
        return c

    def test_psql_script_prints_what_postgresql_prints(self):
        with pg_harness.RealPostgres() as pg:
            want, want_files = run_script(pg.port)
        got, got_files = run_script(self.server.postgres_port)
        self.assertEqual(got, want)
        self.assertEqual(got_files, want_files)
        # The script did run: rows, CSV quoting and an error context are in it.
        self.assertIn("quoted, with comma", want)
        self.assertIn("CONTEXT:  COPY cp_t, line 2", want)

    def test_psycopg2_copy_in_and_out_in_chunks(self):
        c = self.connect()
        cur = c.cursor()
        cur.execute("DROP TABLE IF EXISTS cp_big")
        cur.execute("CREATE TABLE cp_big (id bigint, label text, at timestamptz)")
        c.commit()
        n = 20000
        data = "".join("%d\tlabel %d\\twith tab\t2024-03-%02d 10:00:00+02\n" % (i, i, i % 28 + 1) for i in range(n))
        cur.copy_expert("COPY cp_big FROM STDIN", io.StringIO(data), size=1000)
        self.assertEqual(cur.rowcount, n)
        c.commit()
        cur.copy_from(io.StringIO("%d\t\\N\t\\N\n" % n), "cp_big", columns=("id", "label", "at"))
        c.commit()
        out = io.StringIO()
        cur.copy_expert("COPY (SELECT id, label, at FROM cp_big WHERE id IN (1, %d) ORDER BY id) TO STDOUT" % n, out)
        self.assertEqual(out.getvalue(), "1\tlabel 1\\twith tab\t2024-03-02 08:00:00+00\n%d\t\\N\t\\N\n" % n)
        out = io.StringIO()
        cur.copy_to(out, "cp_big", columns=("id",))
        self.assertEqual(sorted(int(x) for x in out.getvalue().split()), list(range(n + 1)))
        cur.execute("SELECT count(*), count(label) FROM cp_big")
        self.assertEqual(cur.fetchone(), (n + 1, n))
        cur.execute("SELECT label FROM cp_big WHERE id = 5")
        self.assertEqual(cur.fetchone(), ("label 5\twith tab",))
        cur.execute("DROP TABLE cp_big")
        c.commit()

    def test_constraints_and_defaults_apply_to_copied_rows(self):
        c = self.connect()
        cur = c.cursor()
        cur.execute("DROP TABLE IF EXISTS cp_child, cp_parent")
        cur.execute("CREATE TABLE cp_parent (id int PRIMARY KEY)")
        cur.execute("CREATE TABLE cp_child (id int CHECK (id > 0), pid int REFERENCES cp_parent, "
                    "at timestamptz DEFAULT now(), tag text DEFAULT upper('t'))")
        cur.execute("INSERT INTO cp_parent VALUES (1), (2)")
        c.commit()
        with self.assertRaises(psycopg2.errors.ForeignKeyViolation) as ctx:
            cur.copy_expert("COPY cp_child (id, pid) FROM STDIN", io.StringIO("1\t1\n2\t3\n"))
        self.assertEqual(ctx.exception.diag.constraint_name, "cp_child_pid_fkey")
        c.rollback()
        with self.assertRaises(psycopg2.errors.CheckViolation) as ctx:
            cur.copy_expert("COPY cp_child (id, pid) FROM STDIN", io.StringIO("1\t1\n0\t2\n"))
        self.assertEqual(ctx.exception.diag.constraint_name, "cp_child_id_check")
        c.rollback()
        cur.copy_expert("COPY cp_child (id, pid) FROM STDIN", io.StringIO("1\t1\n2\t\\N\n3\t2\n"))
        cur.execute("SELECT count(*), count(pid), count(DISTINCT at), min(tag) FROM cp_child")
        self.assertEqual(cur.fetchone(), (3, 2, 1, "T"))
        cur.execute("DROP TABLE cp_child, cp_parent")
        c.commit()

    def test_client_abort_and_bad_data_load_nothing(self):
        c = self.connect()
        cur = c.cursor()
        cur.execute("DROP TABLE IF EXISTS cp_abort")
        cur.execute("CREATE TABLE cp_abort (id int PRIMARY KEY)")
        c.commit()

        class Failing(io.StringIO):
            def read(self, size=-1):
                raise ValueError("client gave up")
        with self.assertRaises(psycopg2.errors.QueryCanceled) as ctx:
            cur.copy_expert("COPY cp_abort FROM STDIN", Failing())
        self.assertIn("COPY from stdin failed", str(ctx.exception))
        c.rollback()
        with self.assertRaises(psycopg2.errors.UniqueViolation) as ctx:
            cur.copy_expert("COPY cp_abort FROM STDIN", io.StringIO("1\n2\n2\n"))
        self.assertEqual(ctx.exception.diag.context, "COPY cp_abort, line 3")
        c.rollback()
        with self.assertRaises(psycopg2.errors.InvalidTextRepresentation) as ctx:
            cur.copy_expert("COPY cp_abort FROM STDIN", io.StringIO("1\nx\n"))
        self.assertEqual(ctx.exception.diag.context, 'COPY cp_abort, line 2, column id: "x"')
        c.rollback()
        cur.execute("SELECT count(*) FROM cp_abort")
        self.assertEqual(cur.fetchone(), (0,))
        # The connection is usable after each failure.
        cur.copy_expert("COPY cp_abort FROM STDIN", io.StringIO("1\n2\n"))
        c.commit()
        cur.execute("SELECT count(*) FROM cp_abort")
        self.assertEqual(cur.fetchone(), (2,))
        cur.execute("DROP TABLE cp_abort")
        c.commit()


if __name__ == "__main__":
    unittest.main()

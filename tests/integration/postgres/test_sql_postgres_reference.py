"""Proves that the expectations in tests/sql/*.test are PostgreSQL's own: runs
every file with the sqllogictest runner against Debian's PostgreSQL 15
(label `postgres`), one connection per file, all files in one database, the
way they run against LumaDB.

Also checks that every file drops the tables it creates (so files can run one
after another on one server) and that the runner does report wrong
expectations (so a broken runner cannot pass everything).

Plain script: prints a summary, exits non-zero on any failure.
"""
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import pg_harness  # noqa: E402
import sqllogic  # noqa: E402

# Each record below must fail exactly once.
SELF_CHECK = """\
statement ok
CREATE TABLE self_check (a int PRIMARY KEY)

statement ok
INSERT INTO self_check VALUES (1), (2)

query I
SELECT a FROM self_check ORDER BY a DESC
----
1
2

query I rowsort
SELECT a FROM self_check
----
1
3

query II
SELECT a FROM self_check
----
1
2

query B
SELECT 1.5::double precision = 1.5
----
true

statement error 23505
INSERT INTO self_check VALUES (3)

statement error 42601
INSERT INTO self_check VALUES (1)

statement error 23505
INSERT INTO self_check VALUES (1)
----
not the message

statement ok
SELECT * FROM no_such_table

query T
SELECT NULL::text
----
(empty)

onlyif lumadb
statement ok
SELECT * FROM no_such_table

statement ok
DROP TABLE self_check

skipif lumadb
halt

statement ok
SELECT * FROM no_such_table
"""
SELF_CHECK_FAILURES = 9


def public_tables(pg):
    conn = pg.connect()
    try:
        cur = conn.cursor()
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        return [r[0] for r in cur.fetchall()]
    finally:
        conn.close()


def main():
    files = sqllogic.default_files()
    if not files:
        print("no tests/sql/*.test files found in %s" % sqllogic.SQL_DIR)
        return 1
    problems = 0
    start = time.time()
    with pg_harness.RealPostgres() as pg:
        for path in files:
            t0 = time.time()
            failures = sqllogic.run_file(pg.connect, path, "postgres")
            left = public_tables(pg)
            name = os.path.relpath(path, os.path.dirname(sqllogic.SQL_DIR))
            status = "ok" if not failures else "%d FAILED" % len(failures)
            print("%-28s %-10s %.2fs" % (name, status, time.time() - t0), flush=True)
            for f in failures:
                print(str(f), flush=True)
            if left:
                print("%s: left tables behind: %s" % (name, ", ".join(left)), flush=True)
                conn = pg.connect()
                for t in left:
                    conn.cursor().execute('DROP TABLE "%s" CASCADE' % t.replace('"', '""'))
                conn.close()
            problems += len(failures) + (1 if left else 0)

        with tempfile.NamedTemporaryFile("w", suffix=".test", delete=False) as tmp:
            tmp.write(SELF_CHECK)
        try:
            got = sqllogic.run_file(pg.connect, tmp.name, "postgres")
        finally:
            os.unlink(tmp.name)
        if len(got) != SELF_CHECK_FAILURES:
            problems += 1
            print("runner self-check: expected %d failures, got %d:" % (SELF_CHECK_FAILURES, len(got)))
            for f in got:
                print(str(f))
        else:
            print("runner self-check: ok (%d wrong expectations reported)" % len(got))
    print("%d file(s) against PostgreSQL 15 in %.1fs: %s" % (
        len(files), time.time() - start, "all passed" if not problems else "%d problem(s)" % problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

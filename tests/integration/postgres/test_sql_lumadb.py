"""Runs every tests/sql/*.test file against LumaDB over the PostgreSQL wire
protocol (psycopg2), label `lumadb`: the same files, with the same
expectations, that test_sql_postgres_reference.py checks against PostgreSQL
15 itself. One server for all files, one connection per file, in order, so
each file must leave no tables behind (checked by the reference test).

Plain script: prints a summary, exits non-zero on any failure.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import harness  # noqa: E402
import sqllogic  # noqa: E402


def main():
    files = sqllogic.default_files()
    if not files:
        print("no tests/sql/*.test files found in %s" % sqllogic.SQL_DIR)
        return 1
    problems = 0
    start = time.time()
    with harness.Server() as server:
        for path in files:
            t0 = time.time()
            failures = sqllogic.run_file(server.pg_connect, path, "lumadb")
            name = os.path.relpath(path, os.path.dirname(sqllogic.SQL_DIR))
            status = "ok" if not failures else "%d FAILED" % len(failures)
            print("%-28s %-10s %.2fs" % (name, status, time.time() - t0), flush=True)
            for f in failures:
                print(str(f), flush=True)
            problems += len(failures)
    print("%d file(s) against LumaDB in %.1fs: %s" % (
        len(files), time.time() - start, "all passed" if not problems else "%d problem(s)" % problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

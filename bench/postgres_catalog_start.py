"""Cold start with a large SQL catalog: creates N tables (a few rows each)
in LumaDB, stops it, and times `lumadb serve` until PostgreSQL clients can
query one of the tables.

Usage: /usr/bin/python3 bench/postgres_catalog_start.py [path/to/lumadb] [N]
Not part of make test.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import harness  # noqa: E402
import psycopg2  # noqa: E402


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "bin", "lumadb")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    os.environ["LUMADB_BIN"] = os.path.abspath(binary)
    with harness.Server() as s:
        c = psycopg2.connect(host="127.0.0.1", port=s.postgres_port, user="postgres", dbname="postgres")
        c.autocommit = True
        cur = c.cursor()
        t0 = time.time()
        for i in range(n):
            cur.execute("CREATE TABLE cat_%d (id int PRIMARY KEY, a text, b bigint, c double precision)" % i)
            cur.execute("INSERT INTO cat_%d VALUES (1, 'x', 2, 3.5), (2, 'y', 3, 4.5)" % i)
        created = time.time() - t0
        c.close()
        s.stop()
        t0 = time.time()
        s.start()
        c = psycopg2.connect(host="127.0.0.1", port=s.postgres_port, user="postgres", dbname="postgres")
        cur = c.cursor()
        cur.execute("SELECT count(*) FROM cat_%d" % (n - 1))
        assert cur.fetchone()[0] == 2
        started = time.time() - t0
        c.close()
    print("%d tables: created in %.1fs; restart to first query %.0f ms" % (n, created, started * 1000))


if __name__ == "__main__":
    main()

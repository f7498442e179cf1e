"""An analytic query set against Debian's PostgreSQL 15 and LumaDB in one run.

Both servers get the same tables, made with generate_series:
  fact(id bigint PRIMARY KEY, cust int, dim_id int, qty int, amount numeric(12,2), at timestamp)
      N rows (default 1,000,000), cust in 0..4999, dim_id in 1..1000
  dim(id int PRIMARY KEY, region text, category text)   1,000 rows
then each query runs REPEAT times (best time kept): a filtered aggregate, a
group-by with 5,000 groups, a join of the fact table to the dimension, a sort
with a limit, and a window function. A query that passes TIMEOUT seconds is
cancelled and reported as such. The results of both servers are compared.

Usage: /usr/bin/python3 bench/postgres_analytic.py [path/to/lumadb] [rows] [repeat] [timeout_s]
Not part of make test.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "postgres"))
import harness  # noqa: E402
import pg_harness  # noqa: E402
import psycopg2  # noqa: E402

QUERIES = [
    ("filtered aggregate",
     "SELECT count(*), sum(amount), avg(qty) FROM fact WHERE qty > 50 AND cust < 2500"),
    ("group by 5,000 groups",
     "SELECT cust, count(*), sum(amount) FROM fact GROUP BY cust ORDER BY cust LIMIT 5"),
    ("join fact to dim",
     "SELECT d.region, count(*), sum(f.amount) FROM fact f JOIN dim d ON d.id = f.dim_id "
     "GROUP BY d.region ORDER BY d.region"),
    ("sort with limit",
     "SELECT id, amount FROM fact ORDER BY amount DESC, id LIMIT 10"),
    ("window function",
     "SELECT cust, id, rank FROM (SELECT cust, id, rank() OVER (PARTITION BY cust ORDER BY amount DESC, id) AS rank "
     "FROM fact WHERE cust < 50) s WHERE rank <= 2 ORDER BY cust, rank"),
]


def load(conn, rows):
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS fact")
    cur.execute("DROP TABLE IF EXISTS dim")
    cur.execute("CREATE TABLE dim (id int PRIMARY KEY, region text, category text)")
    cur.execute("INSERT INTO dim SELECT g, 'region_' || (g % 20), 'cat_' || (g % 7) FROM generate_series(1, 1000) g")
    cur.execute("CREATE TABLE fact (id bigint PRIMARY KEY, cust int, dim_id int, qty int, amount numeric(12,2), "
                "at timestamp)")
    start = time.time()
    step = 100000
    for lo in range(1, rows + 1, step):
        hi = min(rows, lo + step - 1)
        cur.execute("INSERT INTO fact SELECT g, (g * 7919) % 5000, 1 + (g * 31) % 1000, (g * 13) % 100, "
                    "((g * 104729) % 100000) / 100.0, timestamp '2024-01-01' + (g % 86400) * interval '1 second' "
                    "FROM generate_series(" + str(lo) + "::bigint, " + str(hi) + ") g")
    load_s = time.time() - start
    cur.execute("ANALYZE fact")
    cur.execute("ANALYZE dim")
    return load_s


def run(conn, sql, repeat, timeout_s):
    cur = conn.cursor()
    cur.execute("SET statement_timeout = %d" % (timeout_s * 1000))
    best, rows = None, None
    for _ in range(repeat):
        start = time.time()
        try:
            cur.execute(sql)
            rows = cur.fetchall()
        except psycopg2.errors.QueryCanceled:
            return None, None
        took = time.time() - start
        best = took if best is None else min(best, took)
    return best, rows


def bench(port, rows, repeat, timeout_s):
    conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    conn.autocommit = True
    out = {"load": load(conn, rows)}
    for name, sql in QUERIES:
        out[name] = run(conn, sql, repeat, timeout_s)
    conn.close()
    return out


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "bin", "lumadb")
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    timeout_s = int(sys.argv[4]) if len(sys.argv) > 4 else 120
    os.environ["LUMADB_BIN"] = os.path.abspath(binary)
    with pg_harness.RealPostgres(settings={"shared_buffers": "512MB", "work_mem": "64MB",
                                           "max_parallel_workers_per_gather": "2"}) as pg:
        want = bench(pg.port, rows, repeat, timeout_s)
    with harness.Server() as luma:
        got = bench(luma.postgres_port, rows, repeat, timeout_s)
    print("fact %d rows, dim 1,000 rows; best of %d, timeout %d s" % (rows, repeat, timeout_s))
    print("%-24s %12s %12s %10s  %s" % ("query", "postgres s", "lumadb s", "ratio", "same result"))
    print("%-24s %12.2f %12.2f %9.2fx" % ("load (INSERT ... SELECT)", want["load"], got["load"],
                                          want["load"] / got["load"]))
    for name, _ in QUERIES:
        pt, prows = want[name]
        lt, lrows = got[name]
        if pt is None or lt is None:
            print("%-24s %12s %12s %10s" % (name, "timeout" if pt is None else "%.3f" % pt,
                                          "timeout" if lt is None else "%.3f" % lt, "-"))
            continue
        same = [tuple(str(v) for v in r) for r in prows] == [tuple(str(v) for v in r) for r in lrows]
        print("%-24s %12.3f %12.3f %9.2fx  %s" % (name, pt, lt, pt / lt, "yes" if same else "NO"))


if __name__ == "__main__":
    main()

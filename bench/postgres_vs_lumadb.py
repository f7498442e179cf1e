"""pgbench against Debian's PostgreSQL 15 and LumaDB in one run, same
durability (PostgreSQL fsync=on, synchronous_commit=on; LumaDB fsyncs every
commit before replying), same data, same client settings.

LumaDB has no COPY yet, so `pgbench -i` cannot load it: both servers get the
same table through SQL instead, and the loads are custom scripts that mirror
pgbench's built-ins on it:
  select   SELECT by primary key (pgbench -S), in -M simple and -M prepared
  tpcb     BEGIN; UPDATE +delta by key; SELECT it; INSERT history; END
           (pgbench's TPC-B-like minus the teller/branch updates)

Usage: /usr/bin/python3 bench/postgres_vs_lumadb.py [path/to/lumadb] [rows] [seconds]
Not part of make test.
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "postgres"))
import harness  # noqa: E402
import pg_harness  # noqa: E402
import psycopg2  # noqa: E402

SCRIPTS = {
    "select": "\\set aid random(1, {rows})\nSELECT abalance FROM bench_accounts WHERE aid = :aid;\n",
    "tpcb": ("\\set aid random(1, {rows})\n\\set delta random(-5000, 5000)\nBEGIN;\n"
             "UPDATE bench_accounts SET abalance = abalance + :delta WHERE aid = :aid;\n"
             "SELECT abalance FROM bench_accounts WHERE aid = :aid;\n"
             "INSERT INTO bench_history (aid, delta) VALUES (:aid, :delta);\nEND;\n"),
}
RUNS = [("select", "simple"), ("select", "prepared"), ("tpcb", "simple"), ("tpcb", "prepared")]


def load(port, rows):
    c = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    c.autocommit = True
    cur = c.cursor()
    cur.execute("CREATE TABLE bench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler varchar(84))")
    cur.execute("CREATE TABLE bench_history (aid int, delta int)")
    batch = 1000
    for start in range(1, rows + 1, batch):
        values = ",".join("(%d, %d, 0, '')" % (i, (i - 1) // 100000 + 1)
                          for i in range(start, min(rows, start + batch - 1) + 1))
        cur.execute("INSERT INTO bench_accounts VALUES " + values)
    c.close()


def pgbench(port, script_path, mode, seconds):
    p = subprocess.run(["pgbench", "-n", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-M", mode,
                        "-c", "8", "-j", "2", "-T", str(seconds), "-f", script_path, "postgres"],
                       capture_output=True, text=True, timeout=seconds + 120)
    if p.returncode != 0:
        raise RuntimeError("pgbench failed:\n" + p.stdout + p.stderr)
    tps = float(re.search(r"tps = ([0-9.]+)", p.stdout).group(1))
    lat = re.search(r"latency average = ([0-9.]+) ms", p.stdout)
    return tps, float(lat.group(1)) if lat else 0.0


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "bin", "lumadb")
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    os.environ["LUMADB_BIN"] = os.path.abspath(binary)
    tmp = tempfile.mkdtemp(prefix="pgbench-scripts-")
    paths = {}
    for name, text in SCRIPTS.items():
        paths[name] = os.path.join(tmp, name + ".sql")
        with open(paths[name], "w") as f:
            f.write(text.format(rows=rows))
    results = {}
    with pg_harness.RealPostgres(settings={"fsync": "on", "synchronous_commit": "on", "max_connections": "50",
                                           "shared_buffers": "128MB"}) as pg:
        load(pg.port, rows)
        for script, mode in RUNS:
            results[("postgres", script, mode)] = pgbench(pg.port, paths[script], mode, seconds)
    with harness.Server() as luma:
        load(luma.postgres_port, rows)
        for script, mode in RUNS:
            results[("lumadb", script, mode)] = pgbench(luma.postgres_port, paths[script], mode, seconds)
    print("pgbench -c 8 -j 2 -T %d, %d rows, custom scripts (see header)" % (seconds, rows))
    print("%-8s %-9s %12s %12s %8s %14s %14s" % ("script", "mode", "postgres tps", "lumadb tps", "ratio",
                                               "pg lat ms", "luma lat ms"))
    for script, mode in RUNS:
        pt, pl = results[("postgres", script, mode)]
        lt, ll = results[("lumadb", script, mode)]
        print("%-8s %-9s %12.0f %12.0f %7.2fx %14.3f %14.3f" % (script, mode, pt, lt, lt / pt, pl, ll))


if __name__ == "__main__":
    main()

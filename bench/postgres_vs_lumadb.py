"""pgbench against Debian's PostgreSQL 15 and LumaDB in one run, same
durability (PostgreSQL fsync=on, synchronous_commit=on; LumaDB fsyncs every
commit before replying), same data, same client settings.

Both servers are loaded by `pgbench -i -s SCALE` (COPY, VACUUM, ALTER TABLE
ADD PRIMARY KEY; the load time is reported too), then run pgbench's built-in
scripts: select-only (-S), simple-update (-N) and tpcb-like (the default),
each in -M simple and -M prepared.

Usage: /usr/bin/python3 bench/postgres_vs_lumadb.py [path/to/lumadb] [scale] [seconds]
Not part of make test.
"""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "postgres"))
import harness  # noqa: E402
import pg_harness  # noqa: E402

RUNS = [("select-only", "simple"), ("select-only", "prepared"), ("simple-update", "simple"),
        ("simple-update", "prepared"), ("tpcb-like", "simple"), ("tpcb-like", "prepared")]


def base(port):
    return ["-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]


def init(port, scale):
    start = time.time()
    p = subprocess.run(["pgbench", "-i", "-q", "-s", str(scale)] + base(port) + ["postgres"],
                       capture_output=True, text=True, timeout=3600)
    if p.returncode != 0:
        raise RuntimeError("pgbench -i failed:\n" + p.stdout + p.stderr)
    return time.time() - start


def pgbench(port, script, mode, seconds):
    p = subprocess.run(["pgbench", "-n", "-b", script, "-M", mode, "-c", "8", "-j", "2", "-T", str(seconds)] +
                       base(port) + ["postgres"], capture_output=True, text=True, timeout=seconds + 120)
    if p.returncode != 0:
        raise RuntimeError("pgbench failed:\n" + p.stdout + p.stderr)
    tps = float(re.search(r"tps = ([0-9.]+)", p.stdout).group(1))
    lat = re.search(r"latency average = ([0-9.]+) ms", p.stdout)
    return tps, float(lat.group(1)) if lat else 0.0


def run_all(port, scale, seconds, results, who):
    results[(who, "init")] = init(port, scale)
    for script, mode in RUNS:
        results[(who, script, mode)] = pgbench(port, script, mode, seconds)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "bin", "lumadb")
    scale = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    os.environ["LUMADB_BIN"] = os.path.abspath(binary)
    results = {}
    with pg_harness.RealPostgres(settings={"fsync": "on", "synchronous_commit": "on", "max_connections": "50",
                                           "shared_buffers": "128MB"}) as pg:
        run_all(pg.port, scale, seconds, results, "postgres")
    with harness.Server() as luma:
        run_all(luma.postgres_port, scale, seconds, results, "lumadb")
    print("pgbench -i -s %d, then -c 8 -j 2 -T %d per built-in script" % (scale, seconds))
    pi, li = results[("postgres", "init")], results[("lumadb", "init")]
    print("%-14s %-9s %12s %12s %8s" % ("pgbench -i", "", "postgres s", "lumadb s", "ratio"))
    print("%-14s %-9s %12.2f %12.2f %7.2fx" % ("load", "", pi, li, pi / li))
    print("%-14s %-9s %12s %12s %8s %14s %14s" % ("script", "mode", "postgres tps", "lumadb tps", "ratio",
                                                 "pg lat ms", "luma lat ms"))
    for script, mode in RUNS:
        pt, pl = results[("postgres", script, mode)]
        lt, ll = results[("lumadb", script, mode)]
        print("%-14s %-9s %12.0f %12.0f %7.2fx %14.3f %14.3f" % (script, mode, pt, lt, lt / pt, pl, ll))


if __name__ == "__main__":
    main()

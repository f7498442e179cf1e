"""Memory per idle PostgreSQL connection: opens N connections (psycopg2,
each runs one query and stays idle) to Debian's PostgreSQL 15 and to
LumaDB, and reports the growth of their memory (PSS summed over all of the
server's processes, from /proc/PID/smaps_rollup) divided by N.

Usage: /usr/bin/python3 bench/postgres_connections.py [path/to/lumadb] [N]
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


def pss_kb(root_pid):
    """PSS of root_pid and all its descendants, in kB."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(d))
        except (OSError, IndexError, ValueError):
            pass
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open("/proc/%d/smaps_rollup" % pid) as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def measure(port, pid, n):
    warm = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    warm.cursor().execute("SELECT 1")
    time.sleep(0.5)
    before = pss_kb(pid)
    conns = []
    for _ in range(n):
        c = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
        c.autocommit = True
        c.cursor().execute("SELECT 1")
        conns.append(c)
    time.sleep(1.0)
    after = pss_kb(pid)
    for c in conns:
        c.close()
    warm.close()
    return before, after


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "bin", "lumadb")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    os.environ["LUMADB_BIN"] = os.path.abspath(binary)
    with pg_harness.RealPostgres(settings={"max_connections": str(n + 20)}) as pg:
        pg_before, pg_after = measure(pg.port, pg.proc.pid, n)
    with harness.Server() as luma:
        lu_before, lu_after = measure(luma.postgres_port, luma.proc.pid, n)
    print("%d idle connections (PSS of all server processes, kB)" % n)
    print("%-10s %10s %10s %14s" % ("server", "before", "after", "per connection"))
    for name, b, a in (("postgres", pg_before, pg_after), ("lumadb", lu_before, lu_after)):
        print("%-10s %10d %10d %11.1f kB" % (name, b, a, (a - b) / n))


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Persistence cost of changes to large collections, and restart (load) time.
#
# For each binary given (e.g. one built before per-element storage and one
# after): preloads a 1M-field hash, a 1M-member set, a 1M-member sorted set,
# a 1M-element list and a 1M-entry stream, restarts with --durability always
# and then everysec, and runs redis-benchmark (-c 50) HSET / SADD / ZADD /
# RPUSH / XADD into them, reporting requests/s and the bytes the server wrote
# to disk per request (/proc/PID/io). Then the load time (exec until the
# Redis port accepts) of one 1M-field hash and of 10M small string keys.
# Not part of make test; takes 10-20 minutes and about 3 GB of memory.
#
# Usage: bench/persist_large.sh AFTER_BIN [BEFORE_BIN]
#   ELEMENTS=1000000 SMALL_KEYS=10000000 SECONDS_PER_TEST=8 to change sizes.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
after=${1:-build/bin/lumadb}
before=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "# persistence of large collections, $(machine_line)"
/usr/bin/python3 - "$work" "${ELEMENTS:-1000000}" "${SMALL_KEYS:-10000000}" "${SECONDS_PER_TEST:-8}" \
  ${before:+before="$before"} after="$after" <<'PY'
import atexit, os, shutil, signal, socket, subprocess, sys, time

work, elements, small_keys, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
bins = [a.split("=", 1) for a in sys.argv[5:]]


def free():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


live = []


@atexit.register
def kill_live():
    for p in live:
        if p.poll() is None:
            p.kill()
            p.wait()


class Server:
    def __init__(self, bin, data, durability):
        self.ports = [free(), free(), free()]
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [bin, "serve", "--data-dir", data, "--log-level", "warn", "--durability", durability,
             "--port", "redis=%d" % self.ports[0], "--port", "memcached=%d" % self.ports[1],
             "--port", "admin=%d" % self.ports[2]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        live.append(self.proc)
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.ports[0]), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("server exited")
                time.sleep(0.002)
        self.start_s = time.perf_counter() - t0
        self.port = self.ports[0]

    def cli(self, *args):
        return subprocess.run(["redis-cli", "-p", str(self.port)] + list(args), check=True,
                              capture_output=True, text=True).stdout.strip()

    def written(self):
        io = dict(l.split(": ") for l in open("/proc/%d/io" % self.proc.pid).read().splitlines())
        return int(io["write_bytes"]) or int(io["wchar"])

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait()


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def pipe(server, commands):
    p = subprocess.Popen(["redis-cli", "-p", str(server.port), "--pipe"], stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL)
    batch = []
    for c in commands:
        batch.append(c)
        if len(batch) >= 10000:
            p.stdin.write(b"".join(batch)); batch = []
    p.stdin.write(b"".join(batch))
    p.stdin.close()
    p.wait()


def preload(server, only_hash=False):
    # Field and member names match redis-benchmark's __rand_int__ (12 digits),
    # so the benchmark overwrites existing elements.
    def hash_cmds():
        for i in range(0, elements, 100):
            args = ["HSET", "bench:hash"]
            for j in range(i, min(i + 100, elements)):
                args += ["field:%012d" % j, "value:%d" % j]
            yield resp(*args)
    pipe(server, hash_cmds())
    if only_hash:
        return
    def others():
        for i in range(0, elements, 100):
            r = range(i, min(i + 100, elements))
            yield resp("SADD", "bench:set", *["member:%012d" % j for j in r])
            z = ["ZADD", "bench:zset"]
            for j in r:
                z += [j, "member:%012d" % j]
            yield resp(*z)
            yield resp("RPUSH", "bench:list", *["element:%d" % j for j in r])
        for j in range(elements):
            yield resp("XADD", "bench:stream", "*", "field", "value:%d" % j)
    pipe(server, others())


size = "%gM" % (elements / 1e6) if elements >= 1000000 else str(elements)
TESTS = [
    ("HSET into a %s-field hash" % size, ["HSET", "bench:hash", "field:__rand_int__", "new"]),
    ("SADD into a %s-member set" % size, ["SADD", "bench:set", "member:__rand_int__"]),
    ("ZADD into a %s-member zset" % size, ["ZADD", "bench:zset", "__rand_int__", "member:__rand_int__"]),
    ("RPUSH onto a %s-element list" % size, ["RPUSH", "bench:list", "pushed"]),
    ("XADD onto a %s-entry stream" % size, ["XADD", "bench:stream", "*", "field", "new"]),
]


def bench(server, cmd, n):
    out = subprocess.run(["redis-benchmark", "-p", str(server.port), "-c", "50", "-n", str(n), "-r", str(elements),
                          "--csv"] + cmd, check=True, capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1].split(",")[1].strip('"'))


results = {}
for name, bin in bins:
    data = os.path.join(work, name + "-big")
    s = Server(bin, data, "everysec")
    preload(s)
    s.cli("SAVE")
    s.stop()
    for durability in ("always", "everysec"):
        run = os.path.join(work, "%s-%s" % (name, durability))
        shutil.copytree(data, run)
        s = Server(bin, run, durability)
        for label, cmd in TESTS:
            probe = bench(s, cmd, 200)  # sizes the real run to about `seconds`
            n = int(max(200, min(2000000, probe * seconds)))
            w0 = s.written()
            rps = bench(s, cmd, n)
            if durability == "everysec":
                time.sleep(1.5)  # let the periodic flush write what the run changed
            per_op = (s.written() - w0) / n
            results[(name, durability, label)] = (rps, per_op)
            print("%-6s %-8s %-32s %12.0f req/s %12.0f bytes written/request" % (
                name, durability, label, rps, per_op), flush=True)
        s.stop()
        shutil.rmtree(run)
    shutil.rmtree(data)

    # Restart time: one 1M-field hash.
    data = os.path.join(work, name + "-hash")
    s = Server(bin, data, "everysec")
    preload(s, only_hash=True)
    s.cli("SAVE")
    s.stop()
    best = None
    for _ in range(3):
        s = Server(bin, data, "everysec")
        assert int(s.cli("HLEN", "bench:hash")) == elements
        best = s.start_s if best is None else min(best, s.start_s)
        s.stop()
    results[(name, "load", "hash")] = best
    print("%-6s load of one %d-field hash: %.2f s" % (name, elements, best), flush=True)
    shutil.rmtree(data)

# Restart time: small keys, written once and loaded by each binary.
data = os.path.join(work, "small")
s = Server(bins[0][1], data, "everysec")
pipe(s, (resp("SET", "key:%012d" % i, "value:%d" % i) for i in range(small_keys)))
s.cli("SAVE")
s.stop()
for name, bin in bins:
    copy = data + "-" + name
    shutil.copytree(data, copy)
    best = None
    for _ in range(2):
        s = Server(bin, copy, "everysec")
        assert int(s.cli("DBSIZE")) == small_keys
        best = s.start_s if best is None else min(best, s.start_s)
        s.stop()
    print("%-6s load of %d small keys: %.2f s" % (name, small_keys, best), flush=True)
    shutil.rmtree(copy)
PY

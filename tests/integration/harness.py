"""Starts the real lumadb binary on free ports with a temporary data dir.

Used by every integration test (run with /usr/bin/python3, which sees Debian's
client packages). The binary comes from $LUMADB_BIN (set by ctest).
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

PROTOCOLS = ("redis", "memcached", "admin", "postgres")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(names):
    """One distinct free port per name: every socket stays bound until all
    are picked, so the kernel cannot hand out the same port twice."""
    socks = []
    try:
        for _ in names:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return {name: s.getsockname()[1] for name, s in zip(names, socks)}
    finally:
        for s in socks:
            s.close()


def wait_port(port, timeout=15.0, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("server exited early with code %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("port %d did not open within %.0fs" % (port, timeout))


def binary():
    path = os.environ.get("LUMADB_BIN")
    if not path:
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.join(here, "..", "..", "build", "bin", "lumadb")
    return os.path.abspath(path)


def node_modules():
    """Where `npm ci` put the npm clients (ctest sets $LUMADB_NODE_MODULES)."""
    path = os.environ.get("LUMADB_NODE_MODULES")
    if not path:
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.join(here, "..", "..", "build", "npm", "node_modules")
    return os.path.abspath(path)


def run_node_scenario(script, port, timeout=180):
    """Runs tests/integration/npm/<script> with the npm clients against port;
    returns the JSON object its last output line holds."""
    import json
    here = os.path.dirname(os.path.abspath(__file__))
    p = subprocess.run(["node", os.path.join(here, "npm", script), str(port)], capture_output=True, text=True,
                       timeout=timeout, env=dict(os.environ, NODE_PATH=node_modules()))
    if p.returncode != 0:
        raise AssertionError("%s failed on port %d:\n%s\n%s" % (script, port, p.stdout, p.stderr))
    return json.loads(p.stdout.strip().splitlines()[-1])


def sanitized():
    """True when running the ASan/UBSan build (slower: scale loads down)."""
    return os.environ.get("LUMADB_SANITIZED") == "1"


class Server:
    """One lumadb process. Use as a context manager; stop() checks a clean exit."""

    def __init__(self, args=(), data_dir=None, disable=()):
        self.args = list(args)
        self.own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="lumadb-test-")
        self.disable = list(disable)
        self.ports = free_ports([p for p in PROTOCOLS if p not in self.disable])
        self.proc = None
        self.log_path = os.path.join(self.data_dir, "server.log")

    @property
    def redis_port(self):
        return self.ports["redis"]

    @property
    def memcached_port(self):
        return self.ports["memcached"]

    @property
    def admin_port(self):
        return self.ports["admin"]

    @property
    def postgres_port(self):
        return self.ports["postgres"]

    def pg_connect(self, autocommit=False):
        """A psycopg2 connection as user postgres to database postgres."""
        import psycopg2
        c = psycopg2.connect(host="127.0.0.1", port=self.postgres_port, user="postgres", dbname="postgres",
                             connect_timeout=10)
        c.autocommit = autocommit
        return c

    def command(self):
        cmd = [binary(), "serve", "--data-dir", os.path.join(self.data_dir, "db"), "--log-level", "warn"]
        for p, port in self.ports.items():
            cmd += ["--port", "%s=%d" % (p, port)]
        for p in self.disable:
            cmd += ["--disable", p]
        # Two workers unless the test says otherwise, so that requests cross
        # event loops (pub/sub, blocking, scripts) on any machine.
        if "--workers" not in self.args:
            cmd += ["--workers", "2"]
        return cmd + self.args

    def start(self):
        # free_port() can race with other tests taking the same port before
        # the server binds it: on a first start, pick new ports and retry.
        attempts = 1 if getattr(self, "_started", False) else 5
        for attempt in range(attempts):
            self.log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(self.command(), stdout=self.log, stderr=subprocess.STDOUT)
            try:
                for port in self.ports.values():
                    wait_port(port, proc=self.proc)
                break
            except RuntimeError as e:
                code = self.proc.poll()
                self.log.close()
                if code is None:
                    self.proc.kill()
                    self.proc.wait()
                self.proc = None
                log = self.read_log()
                if attempt + 1 == attempts or ("already in use" not in log and "both use port" not in log):
                    # The data dir goes with the test: say here why it stopped.
                    raise RuntimeError("%s; server log:\n%s" % (e, log[-2000:])) from e
                self.ports = free_ports(list(self.ports))
        self._started = True
        return self

    def stop(self, expect_code=0):
        """SIGTERM and wait; returns the exit code (asserts it when expect_code is set)."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("server did not exit within 60s of SIGTERM")
        self.proc = None
        self.log.close()
        if expect_code is not None and code != expect_code:
            raise AssertionError("server exited with %d, log:\n%s" % (code, self.read_log()))
        return code

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc = None
        self.log.close()

    def kill9_under_load(self, writer, workers, stop, seconds=1.5):
        """Runs writer(i) on `workers` threads, kill -9s the server after
        `seconds` of that load, then sets `stop` and waits for the writers
        (which must return once their connection fails or `stop` is set)."""
        threads = [threading.Thread(target=writer, args=(w,)) for w in range(workers)]
        for t in threads:
            t.start()
        time.sleep(seconds)
        self.kill9()
        stop.set()
        for t in threads:
            t.join()

    def restart(self):
        if self.proc is not None:
            self.stop()
        return self.start()

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def cleanup(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            self.log.close()
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        try:
            if self.proc is not None and exc_type is None:
                self.stop()
        finally:
            self.cleanup()


class RealServer:
    """Debian's redis-server or memcached on a free port, for differential tests."""

    def __init__(self, kind):
        self.kind = kind
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="real-%s-" % kind)
        self.proc = None

    def __enter__(self):
        for attempt in range(5):
            if self.kind == "redis":
                cmd = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                       "--appendonly", "no", "--dir", self.dir, "--daemonize", "no"]
            else:
                cmd = ["memcached", "-p", str(self.port), "-l", "127.0.0.1", "-U", "0", "-u", "root"]
            self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_port(self.port, proc=self.proc)
                return self
            except RuntimeError:
                # Most likely the port was taken between free_port() and bind.
                if self.proc.poll() is None:
                    self.proc.kill()
                self.proc.wait()
                if attempt == 4:
                    raise
                self.port = free_port()
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class RespConn:
    """A raw RESP connection: sends commands, returns replies as decoded Python
    values (errors as RespError instances, not raised), so two servers' replies
    can be compared exactly."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed by server")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode("utf-8", "replace")
        if t == b"-":
            return RespError(rest.decode("utf-8", "replace"))
        if t == b":":
            return int(rest)
        if t in (b"$", b"="):
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if t in (b"*", b"~", b">"):
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        if t == b"%":
            n = int(rest)
            return [[self.read(), self.read()] for _ in range(n)]
        if t == b"_":
            return None
        if t == b",":
            return ("double", rest.decode())
        if t == b"#":
            return rest == b"t"
        if t == b"(":
            return ("bignum", rest.decode())
        raise ValueError("bad RESP type %r" % line)

    def encode(self, *args):
        # Joined once: appending to a bytes object is quadratic in the argument count.
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if not isinstance(a, bytes):
                a = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def cmd(self, *args):
        self.sock.sendall(self.encode(*args))
        return self.read()


class RespError(str):
    """An error reply, kept as a value so replies compare with ==."""

    def __repr__(self):
        return "RespError(%s)" % str.__repr__(self)


SORT = "sort"      # script flag: compare the reply as a sorted list (order left open by Redis)
NOCMP = "nocmp"    # script flag: run on both servers to keep state equal, do not compare
SECONDS = "seconds"  # script flag: an integer of seconds that a clock tick may move by one (0 and 1 compare equal)
FLAGS = (SORT, NOCMP, SECONDS)


def run_resp_script(port, script):
    """Runs (args..., [flags]) steps on one connection; returns [(args, reply)]."""
    conn = RespConn(port)
    out = []
    try:
        for step in script:
            flags = [a for a in step if a in FLAGS]
            args = [a for a in step if a not in FLAGS]
            reply = conn.cmd(*args)
            if SECONDS in flags and isinstance(reply, int) and 0 <= reply <= 1:
                reply = "0 or 1 s"
            if SORT in flags and isinstance(reply, list):
                if str(args[0]).upper().endswith("SCAN") and len(reply) == 2 and isinstance(reply[1], list):
                    reply = [reply[0], sorted(reply[1], key=repr)]
                else:
                    reply = sorted(reply, key=repr)
            out.append((args, None if NOCMP in flags else reply))
    finally:
        conn.close()
    return out


def diff_against_redis(script, luma_args=()):
    """Runs script against Debian's redis-server and LumaDB; returns mismatch descriptions."""
    with RealServer("redis") as real, Server(args=luma_args) as luma:
        expected = run_resp_script(real.port, script)
        got = run_resp_script(luma.redis_port, script)
    return ["%r:\n  redis:  %r\n  lumadb: %r" % (e[0], e[1], g[1]) for e, g in zip(expected, got) if e[1] != g[1]]

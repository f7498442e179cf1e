"""Starts Debian's PostgreSQL 15 on a free port in a temporary directory, for
differential tests (the sqllogictest expectations in tests/sql are checked
against it).

    with RealPostgres() as pg:
        conn = pg.connect()          # psycopg2, autocommit on
        ...

PostgreSQL refuses to run as root, so initdb and the server run as the
`postgres` OS user (through setpriv) in a fresh directory that user owns. The
cluster listens on 127.0.0.1 only, with its unix socket inside the directory,
trust authentication for the `postgres` role, locale C and UTF8 (so text
sorts bytewise and messages are in English). The Debian cluster under
/var/lib/postgresql is never touched.

The server runs in its own session with a parent-death signal, so it goes
away with the test even when the test process is killed; on a normal exit it
gets an immediate shutdown (SIGQUIT) and the directory is removed.
"""
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

PG_BIN = "/usr/lib/postgresql/15/bin"
OS_USER = "postgres"


def _as_postgres(cmd, pdeathsig=False):
    wrap = ["setpriv", "--reuid=" + OS_USER, "--regid=" + OS_USER, "--init-groups"]
    if pdeathsig:
        # Applied after the uid change (which would otherwise clear it).
        wrap += ["--pdeathsig", "QUIT"]
    return wrap + cmd


class RealPostgres:
    """One throwaway PostgreSQL 15 cluster. Use as a context manager."""

    def __init__(self, settings=None):
        self.settings = dict(settings or {})
        self.dir = None
        self.port = None
        self.proc = None

    @property
    def data_dir(self):
        return os.path.join(self.dir, "data")

    @property
    def log_path(self):
        return os.path.join(self.dir, "postgres.log")

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _initdb(self):
        pw = pwd.getpwnam(OS_USER)
        base = tempfile.gettempdir()
        if not os.stat(base).st_mode & 0o001:
            base = "/tmp"  # the postgres user must be able to reach the directory
        self.dir = tempfile.mkdtemp(prefix="real-postgres-", dir=base)
        os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.makedirs(os.path.join(self.dir, "sock"))
        os.chown(os.path.join(self.dir, "sock"), pw.pw_uid, pw.pw_gid)
        cmd = _as_postgres([os.path.join(PG_BIN, "initdb"), "-D", self.data_dir, "-A", "trust", "-U", "postgres",
                            "--no-sync", "-E", "UTF8", "--locale=C", "--no-instructions"])
        p = subprocess.run(cmd, cwd=self.dir, capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("initdb failed (%d):\n%s\n%s" % (p.returncode, p.stdout, p.stderr))

    def _command(self):
        cmd = [os.path.join(PG_BIN, "postgres"), "-D", self.data_dir, "-p", str(self.port),
               "-c", "listen_addresses=127.0.0.1",
               "-c", "unix_socket_directories=" + os.path.join(self.dir, "sock"),
               "-c", "logging_collector=off"]
        for k, v in self.settings.items():
            cmd += ["-c", "%s=%s" % (k, v)]
        return _as_postgres(cmd, pdeathsig=True)

    def _wait_ready(self, timeout=30.0):
        """Until a connection succeeds: the port opens before recovery ends."""
        import psycopg2
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("postgres exited early with code %s" % self.proc.returncode)
            try:
                psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                                 connect_timeout=2).close()
                return
            except psycopg2.OperationalError as e:
                last = e
                time.sleep(0.05)
        raise RuntimeError("postgres did not accept connections within %.0fs: %s" % (timeout, last))

    def start(self):
        self._initdb()
        try:
            for attempt in range(5):
                self.port = harness.free_port()
                log = open(self.log_path, "ab")
                try:
                    self.proc = subprocess.Popen(self._command(), cwd=self.dir, stdin=subprocess.DEVNULL,
                                                 stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
                finally:
                    log.close()
                try:
                    self._wait_ready()
                    return self
                except RuntimeError as e:
                    self._kill()
                    text = self.read_log()
                    # free_port() races with whoever binds the port next: retry on a new one.
                    if attempt == 4 or ("could not bind" not in text and "already in use" not in text):
                        raise RuntimeError("%s; postgres log:\n%s" % (e, text[-3000:])) from e
                    os.truncate(self.log_path, 0)
        except BaseException:
            self.cleanup()
            raise
        return self

    def _kill(self):
        """Immediate shutdown; SIGKILL of the whole session if that hangs."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            # The postmaster waits for its backends before it exits.
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                # Still unreaped, so the session id is still ours: kill all of it.
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()
        self.proc = None

    def stop(self):
        self._kill()

    def cleanup(self):
        self._kill()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def connect(self, dbname="postgres"):
        """A psycopg2 connection as the postgres role, autocommit on."""
        import psycopg2
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname,
                                connect_timeout=10)
        conn.autocommit = True
        return conn

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

"""Celery (Debian's python3-celery 5.2, kombu's Redis transport) against
LumaDB: a real worker process runs tasks, results come back through the Redis
result backend, retries, groups and chords, revoked tasks. The same scenario
runs against Debian's redis-server first, so a failure here is a difference
from Redis, not a Celery quirk."""
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402

TASKS = textwrap.dedent("""
    import os
    import redis
    from celery import Celery

    port = os.environ["REDIS_PORT"]
    app = Celery("tasks", broker="redis://127.0.0.1:%s/0" % port, backend="redis://127.0.0.1:%s/1" % port)
    app.conf.broker_connection_retry_on_startup = True
    app.conf.result_expires = 3600

    @app.task
    def add(x, y):
        return x + y

    @app.task
    def tsum(values):
        return sum(values)

    @app.task(bind=True, max_retries=5, default_retry_delay=0.1)
    def flaky(self, key, fail_times):
        n = redis.Redis(port=int(port), db=2).incr("flaky:" + key)
        if n <= fail_times:
            raise self.retry(exc=RuntimeError("attempt %d failed" % n))
        return n

    @app.task
    def boom():
        raise ValueError("boom")
""")

SCENARIO = textwrap.dedent("""
    import json, sys, time
    from celery import group, chord
    from tasks import add, tsum, flaky, boom
    out = {}
    out["add"] = add.delay(2, 3).get(timeout=30)
    out["many"] = [r.get(timeout=30) for r in [add.delay(i, i) for i in range(20)]]
    out["retry"] = flaky.delay("a", 2).get(timeout=30)
    try:
        boom.delay().get(timeout=30)
        out["boom"] = "no error"
    except ValueError as e:
        out["boom"] = "ValueError: %s" % e
    out["group"] = group(add.s(i, 1) for i in range(5))().get(timeout=30)
    out["chord"] = chord(add.s(i, i) for i in range(5))(tsum.s()).get(timeout=30)
    eta = add.apply_async((40, 2), countdown=1)
    out["countdown"] = eta.get(timeout=30)
    out["state"] = eta.state
    r = add.apply_async((1, 1), countdown=30)
    r.revoke()
    out["revoked"] = r.state
    print(json.dumps(out, sort_keys=True))
""")


def run_scenario(port):
    work = tempfile.mkdtemp(prefix="celery-test-")
    try:
        with open(os.path.join(work, "tasks.py"), "w") as f:
            f.write(TASKS)
        env = dict(os.environ, REDIS_PORT=str(port), PYTHONPATH=work)
        worker = subprocess.Popen(
            ["/usr/bin/python3", "-m", "celery", "-A", "tasks", "worker", "--pool=solo", "--loglevel=warning",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            client = subprocess.run(["/usr/bin/python3", "-c", SCENARIO], cwd=work, env=env, capture_output=True,
                                    text=True, timeout=180)
        finally:
            worker.terminate()
            try:
                log = worker.communicate(timeout=30)[0].decode("utf-8", "replace")
            except subprocess.TimeoutExpired:
                worker.kill()
                log = worker.communicate()[0].decode("utf-8", "replace")
        if client.returncode != 0:
            raise AssertionError("scenario failed:\n%s\n%s\nworker log:\n%s" % (client.stdout, client.stderr, log))
        return client.stdout.strip().splitlines()[-1]
    finally:
        shutil.rmtree(work, ignore_errors=True)


class Celery(unittest.TestCase):
    def test_worker_scenario_same_as_redis(self):
        with harness.RealServer("redis") as real:
            expected = run_scenario(real.port)
        with harness.Server() as luma:
            got = run_scenario(luma.redis_port)
        self.assertEqual(got, expected)
        self.assertIn('"add": 5', got)
        self.assertIn('"retry": 3', got)


if __name__ == "__main__":
    unittest.main()

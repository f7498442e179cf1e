"""RQ 1.13 (Debian's python3-rq) against LumaDB: jobs enqueued, run by a real
`rq worker` (with the scheduler), results (kept in a stream), failed and
finished registries, retries, dependencies and scheduled jobs. The same
scenario runs against Debian's redis-server first."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402

JOBS = textwrap.dedent("""
    def add(x, y):
        return x + y

    def fail():
        raise ValueError("this job fails")

    def concat(*parts):
        return "-".join(parts)
""")

SCENARIO = textwrap.dedent("""
    import json, os, subprocess, sys, time
    from datetime import timedelta
    from redis import Redis
    from rq import Queue, Retry
    from rq.job import Job
    from rq.registry import FailedJobRegistry, FinishedJobRegistry, ScheduledJobRegistry
    import jobs

    r = Redis(port=int(os.environ["REDIS_PORT"]))
    r.flushall()
    q = Queue("default", connection=r)
    out = {}
    a = q.enqueue(jobs.add, 2, 3, result_ttl=600)
    f = q.enqueue(jobs.fail)
    retried = q.enqueue(jobs.fail, retry=Retry(max=2))
    parent = q.enqueue(jobs.concat, "p")
    child = q.enqueue(jobs.concat, "c", depends_on=parent)
    scheduled = q.enqueue_in(timedelta(seconds=1), jobs.add, 40, 2)
    out["queued"] = q.count
    out["child_status"] = child.get_status()
    out["scheduled_status"] = scheduled.get_status()
    out["scheduled_registry"] = ScheduledJobRegistry(queue=q).count

    worker = subprocess.run(["/usr/bin/python3", "-m", "rq.cli", "worker", "--burst", "--with-scheduler",
                             "--url", "redis://127.0.0.1:%s" % os.environ["REDIS_PORT"], "default"],
                            capture_output=True, text=True, timeout=120)
    out["worker_exit"] = worker.returncode
    deadline = time.time() + 20
    while scheduled.get_status(refresh=True) != "finished" and time.time() < deadline:
        subprocess.run(["/usr/bin/python3", "-m", "rq.cli", "worker", "--burst", "--with-scheduler",
                        "--url", "redis://127.0.0.1:%s" % os.environ["REDIS_PORT"], "default"],
                       capture_output=True, timeout=120)
        time.sleep(0.2)
    for name, job in [("a", a), ("f", f), ("retried", retried), ("parent", parent), ("child", child),
                      ("scheduled", scheduled)]:
        job.refresh()
        out[name] = [job.get_status(), job.result if job.get_status() == "finished" else None]
    out["a_latest_result"] = a.latest_result().return_value
    out["a_results"] = [res.type.name for res in a.results()]
    out["f_exc"] = (f.latest_result().exc_string or "").strip().splitlines()[-1]
    out["retried_results"] = [res.type.name for res in retried.results()]
    out["failed_registry"] = sorted(FailedJobRegistry(queue=q).get_job_ids()) == sorted([f.id, retried.id])
    out["finished_registry"] = len(FinishedJobRegistry(queue=q).get_job_ids())
    fetched = Job.fetch(a.id, connection=r)
    out["fetched"] = [fetched.func_name, fetched.args, fetched.result]
    print(json.dumps(out, sort_keys=True))
""")


def run_scenario(port):
    work = tempfile.mkdtemp(prefix="rq-test-")
    try:
        with open(os.path.join(work, "jobs.py"), "w") as f:
            f.write(JOBS)
        env = dict(os.environ, REDIS_PORT=str(port), PYTHONPATH=work)
        p = subprocess.run(["/usr/bin/python3", "-c", SCENARIO], cwd=work, env=env, capture_output=True, text=True,
                           timeout=240)
        if p.returncode != 0:
            raise AssertionError("scenario failed:\n%s\n%s" % (p.stdout, p.stderr))
        return json.loads(p.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)


class RQ(unittest.TestCase):
    def test_scenario_same_as_redis(self):
        with harness.RealServer("redis") as real:
            expected = run_scenario(real.port)
        with harness.Server(args=["--workers", "2"]) as luma:
            got = run_scenario(luma.redis_port)
        self.assertEqual(got, expected)
        self.assertEqual(expected["a"], ["finished", 5])
        self.assertEqual(expected["child"], ["finished", "c"])
        self.assertEqual(expected["scheduled"], ["finished", 42])


if __name__ == "__main__":
    unittest.main()

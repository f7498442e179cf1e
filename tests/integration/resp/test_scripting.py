"""Lua scripting through redis-py: the script helpers applications use,
atomicity under concurrent clients, BUSY and SCRIPT KILL, SHUTDOWN NOSAVE,
function persistence across restart and kill -9, and scripts that misbehave."""
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import redis  # noqa: E402

LIB = """#!lua name=counters
local function incr_by(keys, args)
  return redis.call('incrby', keys[1], args[1])
end
redis.register_function('incr_by', incr_by)
redis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end,
                        flags={'no-writes'}}
"""

LOOP = "local x = 0 while true do x = x + 1 end"
LOOP_AFTER_WRITE = "redis.call('set', KEYS[1], 'written') local x = 0 while true do x = x + 1 end"


def library_names(r):
    # redis-py 4.3 returns FUNCTION LIST unparsed: a flat key/value list per library.
    return sorted(dict(zip(lib[::2], lib[1::2]))[b"library_name"] for lib in r.function_list())


# Moves ARGV[1] from KEYS[1] to KEYS[2] if there is enough; %s goes between
# the two writes.
TRANSFER = ("local v = tonumber(redis.call('get', KEYS[1])) "
            "if v < tonumber(ARGV[1]) then return 0 end "
            "redis.call('decrby', KEYS[1], ARGV[1]) %sredis.call('incrby', KEYS[2], ARGV[1]) return 1")


def open_accounts(r):
    """Eight accounts of 1000 each (8000 in all), on different shards."""
    accounts = ["acct:%d" % i for i in range(8)]
    for a in accounts:
        r.set(a, 1000)
    return accounts


def run_movers_and_readers(mover, movers, reader, readers, stop):
    """Runs mover(seed) on `movers` threads and reader() on `readers` threads
    until every mover is done, then sets stop and waits for the readers."""
    ms = [threading.Thread(target=mover, args=(s,)) for s in range(movers)]
    rs = [threading.Thread(target=reader) for _ in range(readers)]
    for t in ms + rs:
        t.start()
    for t in ms:
        t.join()
    stop.set()
    for t in rs:
        t.join()


class Scripting(unittest.TestCase):
    def test_redis_py_script_helpers(self):
        with harness.Server(args=["--workers", "2"]) as srv:
            r = redis.Redis(port=srv.redis_port)
            incr = r.register_script("return redis.call('incrby', KEYS[1], ARGV[1])")
            self.assertEqual(incr(keys=["n"], args=[5]), 5)  # NOSCRIPT, then EVAL
            self.assertEqual(incr(keys=["n"], args=[2]), 7)  # EVALSHA
            sha = r.script_load("return ARGV[1] .. KEYS[1]")
            self.assertEqual(r.evalsha(sha, 1, "k", "v"), b"vk")
            self.assertEqual(r.script_exists(sha, "0" * 40), [True, False])
            self.assertTrue(r.script_flush())
            with self.assertRaises(redis.exceptions.NoScriptError):
                r.evalsha(sha, 0)
            r.set("s", "abc")
            with self.assertRaises(redis.exceptions.ResponseError) as e:
                r.eval("return redis.call('incr', KEYS[1])", 1, "s")
            self.assertIn("value is not an integer", str(e.exception))
            self.assertEqual(r.eval_ro("return redis.call('get', KEYS[1])", 1, "s"), b"abc")
            self.assertEqual(r.function_load(LIB), b"counters")
            self.assertEqual(r.fcall("incr_by", 1, "c", 10), 10)
            self.assertEqual(r.fcall_ro("peek", 1, "c"), b"10")
            self.assertEqual(library_names(r), [b"counters"])
            dump = r.function_dump()
            self.assertTrue(r.function_flush())
            self.assertTrue(r.function_restore(dump))
            self.assertEqual(r.fcall("incr_by", 1, "c", 1), 11)

    def test_scripts_are_atomic(self):
        # Transfers between accounts on different shards keep the total; a
        # reader script must never see money in flight.
        with harness.Server(args=["--workers", "2"]) as srv:
            r = redis.Redis(port=srv.redis_port)
            accounts = open_accounts(r)
            transfer = TRANSFER % ""
            total = ("local s = 0 for i, k in ipairs(KEYS) do s = s + tonumber(redis.call('get', k)) end return s")
            errors = []
            stop = threading.Event()
            n = 300 if not harness.sanitized() else 60

            def mover(seed):
                c = redis.Redis(port=srv.redis_port)
                for i in range(n):
                    a, b = accounts[(seed + i) % 8], accounts[(seed * 3 + i + 1) % 8]
                    if a != b:
                        c.eval(transfer, 2, a, b, 7)

            def reader():
                c = redis.Redis(port=srv.redis_port)
                while not stop.is_set():
                    s = c.eval(total, len(accounts), *accounts)
                    if s != 8000:
                        errors.append(s)
                    pipe = c.pipeline(transaction=True)
                    pipe.mget(accounts)
                    vals = pipe.execute()[0]
                    if sum(int(v) for v in vals) != 8000:
                        errors.append(("multi", vals))

            run_movers_and_readers(mover, 4, reader, 2, stop)
            self.assertEqual(errors, [])
            self.assertEqual(sum(int(v) for v in r.mget(accounts)), 8000)

    def test_pipelined_scripts_stay_atomic_and_let_other_clients_in(self):
        # Scripts that arrive together keep the shard locks from one to the
        # next; other commands in the same pipeline, and other clients on
        # either worker, must still see every script whole and get through.
        with harness.Server(args=["--workers", "2"]) as srv:
            r = redis.Redis(port=srv.redis_port)
            accounts = open_accounts(r)
            # Money stays in flight for a while, so a script run without its
            # locks is seen half done.
            transfer = r.script_load(TRANSFER % "for i = 1, 3000 do end ")
            errors = []
            stop = threading.Event()
            reads = [0]
            moved = [0]
            batches = 40 if not harness.sanitized() else 10

            def mover(seed):
                c = redis.Redis(port=srv.redis_port)
                for b in range(batches):
                    pipe = c.pipeline(transaction=False)
                    for i in range(60):
                        if i == 30:
                            pipe.incr("ops")
                            pipe.mget(accounts)
                        x, y = accounts[(seed + b + i) % 8], accounts[(seed * 3 + b + 2 * i + 1) % 8]
                        pipe.evalsha(transfer, 2, x, y, 3) if x != y else pipe.incr("same")
                    pipe.mget(accounts)
                    out = pipe.execute()
                    moved[0] += sum(1 for v in out if v == 1)
                    for vals in (out[31], out[-1]):
                        if sum(int(v) for v in vals) != 8000:
                            errors.append(("pipeline", vals))

            def reader():
                c = redis.Redis(port=srv.redis_port)
                while not stop.is_set():
                    vals = c.mget(accounts)
                    if sum(int(v) for v in vals) != 8000:
                        errors.append(("reader", vals))
                    reads[0] += 1

            run_movers_and_readers(mover, 3, reader, 2, stop)
            self.assertEqual(errors, [])
            self.assertGreater(reads[0], 0)
            self.assertGreater(moved[0], 1000)
            self.assertEqual(int(r.get("ops")), 3 * batches)
            self.assertEqual(sum(int(v) for v in r.mget(accounts)), 8000)

    def test_busy_script_kill_and_shutdown_nosave(self):
        with harness.Server(args=["--workers", "2"]) as srv:
            admin = redis.Redis(port=srv.redis_port)
            admin.config_set("busy-reply-threshold", 300)
            self.assertEqual(admin.config_get("lua-time-limit"), {"lua-time-limit": "300"})
            result = {}

            def run(script, key):
                c = redis.Redis(port=srv.redis_port, socket_timeout=60)
                try:
                    result[key] = c.eval(script, 1, "w")
                except (redis.exceptions.ResponseError, redis.exceptions.ConnectionError) as e:
                    result[key] = str(e)

            t = threading.Thread(target=run, args=(LOOP, "loop"))
            t.start()
            time.sleep(0.8)
            # Several new connections, so both workers' clients are seen.
            for _ in range(6):
                c = redis.Redis(port=srv.redis_port)
                with self.assertRaises(redis.exceptions.ResponseError) as e:
                    c.get("x")
                self.assertTrue(str(e.exception).startswith("BUSY Redis is busy running a script."), str(e.exception))
                c.close()
            with self.assertRaises(redis.exceptions.ResponseError) as e:
                admin.execute_command("FUNCTION", "KILL")
            self.assertIn("You can only call SCRIPT KILL", str(e.exception))
            self.assertTrue(admin.script_kill())
            t.join(10)
            self.assertFalse(t.is_alive())
            self.assertIn("Script killed by user with SCRIPT KILL", result["loop"])
            self.assertEqual(admin.ping(), True)
            with self.assertRaises(redis.exceptions.ResponseError) as e:
                admin.script_kill()
            self.assertIn("NOTBUSY", str(e.exception))

            # A script that wrote cannot be killed; SHUTDOWN NOSAVE still stops the server.
            t = threading.Thread(target=run, args=(LOOP_AFTER_WRITE, "unkillable"))
            t.start()
            time.sleep(0.8)
            with self.assertRaises(redis.exceptions.ResponseError) as e:
                admin.script_kill()
            self.assertIn("UNKILLABLE", str(e.exception))
            with self.assertRaises(redis.exceptions.ResponseError) as e:
                admin.shutdown()
            self.assertIn("BUSY", str(e.exception))
            try:
                admin.shutdown(nosave=True)
            except redis.exceptions.ConnectionError:
                pass
            srv.proc.wait(timeout=20)
            self.assertEqual(srv.proc.returncode, 0)
            srv.proc = None
            srv.log.close()
            t.join(10)

    def test_misbehaving_scripts_leave_the_server_serving(self):
        with harness.Server() as srv:
            r = redis.Redis(port=srv.redis_port)
            big = r.eval("local t = {} for i = 1, 200000 do t[i] = i end return t", 0)
            self.assertEqual(len(big), 200000)
            self.assertEqual(big[-1], 200000)
            with self.assertRaises(redis.exceptions.ResponseError) as e:
                r.eval("local function f(n) return 1 + f(n + 1) end return f(1)", 0)
            self.assertIn("stack overflow", str(e.exception))
            with self.assertRaises(redis.exceptions.ResponseError):
                r.eval("error('boom')", 0)
            with self.assertRaises(redis.exceptions.ResponseError):
                r.eval("return string.rep('x', -1) .. nil", 0)
            nested = r.eval("local t = {} local c = t for i = 1, 100 do c[1] = {} c = c[1] end return t", 0)
            self.assertIsInstance(nested, list)
            self.assertEqual(r.eval("return redis.call('ping')", 0), b"PONG")
            self.assertEqual(r.ping(), True)

    def test_functions_survive_restart_and_kill9(self):
        with harness.Server(args=["--durability", "always"]) as srv:
            r = redis.Redis(port=srv.redis_port)
            r.function_load(LIB)
            srv.restart()
            r = redis.Redis(port=srv.redis_port)
            self.assertEqual(r.fcall("incr_by", 1, "k", 3), 3)
            r.function_load(LIB.replace("counters", "counters2").replace("'incr_by'", "'incr_by2'")
                            .replace("'peek'", "'peek2'"))
            srv.kill9()
            srv.start()
            r = redis.Redis(port=srv.redis_port)
            self.assertEqual(r.fcall("incr_by2", 1, "k", 1), 4)
            self.assertEqual(library_names(r), [b"counters", b"counters2"])
            r.function_delete("counters")
            srv.restart()
            r = redis.Redis(port=srv.redis_port)
            self.assertEqual(library_names(r), [b"counters2"])


if __name__ == "__main__":
    unittest.main()

"""Pub/sub (RESP2 and RESP3), transactions with WATCH across clients, AUTH,
CLIENT commands and the admin endpoints, through python3-redis and raw RESP."""
import json
import os
import sys
import threading
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import redis  # noqa: E402


class PubSubTest(unittest.TestCase):
    def test_channels_patterns_and_counts(self):
        with harness.Server() as s:
            r = redis.Redis(port=s.redis_port, decode_responses=True)
            p = r.pubsub()
            p.subscribe("news")
            p.psubscribe("sport.*")
            for _ in range(2):
                self.assertIn(p.get_message(timeout=2)["type"], ("subscribe", "psubscribe"))
            self.assertEqual(r.publish("news", "hello"), 1)
            self.assertEqual(r.publish("sport.tennis", "ace"), 1)
            self.assertEqual(r.publish("nobody", "x"), 0)
            m1 = p.get_message(timeout=2)
            m2 = p.get_message(timeout=2)
            self.assertEqual((m1["type"], m1["channel"], m1["data"]), ("message", "news", "hello"))
            self.assertEqual((m2["type"], m2["pattern"], m2["channel"], m2["data"]),
                             ("pmessage", "sport.*", "sport.tennis", "ace"))
            self.assertEqual(r.pubsub_channels(), ["news"])
            self.assertEqual(r.pubsub_numsub("news", "none"), [("news", 1), ("none", 0)])
            self.assertEqual(r.pubsub_numpat(), 1)
            # RESP2 subscriber context refuses other commands.
            conn = harness.RespConn(s.redis_port)
            conn.cmd("SUBSCRIBE", "c")
            self.assertEqual(conn.cmd("GET", "x"),
                             "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
                             "are allowed in this context")
            self.assertEqual(conn.cmd("PING"), [b"pong", b""])
            self.assertEqual(conn.cmd("UNSUBSCRIBE"), [b"unsubscribe", b"c", 0])
            p.close()

    def test_resp3_push_messages_across_workers(self):
        with harness.Server() as s:
            subs = []
            for _ in range(4):  # connections land on different worker threads
                c = harness.RespConn(s.redis_port)
                self.assertEqual(c.cmd("HELLO", "3")[0], [b"server", b"redis"])
                self.assertEqual(c.cmd("SUBSCRIBE", "ch"), [b"subscribe", b"ch", 1])
                self.assertEqual(c.cmd("SET", "k", "v"), "OK")  # allowed in RESP3
                subs.append(c)
            pub = redis.Redis(port=s.redis_port)
            self.assertEqual(pub.publish("ch", "payload"), 4)
            for c in subs:
                self.assertEqual(c.read(), [b"message", b"ch", b"payload"])


class TransactionTest(unittest.TestCase):
    def test_watch_conflict_from_another_client(self):
        with harness.Server() as s:
            a = redis.Redis(port=s.redis_port)
            b = redis.Redis(port=s.redis_port)
            a.set("balance", 100)
            with a.pipeline() as pipe:
                pipe.watch("balance")
                b.set("balance", 50)  # touched by someone else
                pipe.multi()
                pipe.decrby("balance", 30)
                with self.assertRaises(redis.WatchError):
                    pipe.execute()
            self.assertEqual(int(a.get("balance")), 50)
            with a.pipeline() as pipe:
                pipe.watch("balance")
                pipe.multi()
                pipe.decrby("balance", 30)
                self.assertEqual(pipe.execute(), [20])

    def test_concurrent_transactions_are_atomic(self):
        with harness.Server() as s:
            def worker():
                r = redis.Redis(port=s.redis_port)
                for _ in range(200):
                    with r.pipeline(transaction=True) as p:
                        p.incr("x").incr("y")
                        p.execute()
            threads = [threading.Thread(target=worker) for _ in range(4)]
            for t in threads:
                t.start()
            r = redis.Redis(port=s.redis_port)
            seen_unequal = 0
            while any(t.is_alive() for t in threads):
                with r.pipeline(transaction=True) as p:
                    x, y = p.get("x").get("y").execute()
                if x != y:
                    seen_unequal += 1
            for t in threads:
                t.join()
            self.assertEqual(seen_unequal, 0)
            self.assertEqual(int(r.get("x")), 800)

    def test_exec_errors(self):
        with harness.Server() as s:
            c = harness.RespConn(s.redis_port)
            self.assertEqual(c.cmd("EXEC"), "ERR EXEC without MULTI")
            self.assertEqual(c.cmd("MULTI"), "OK")
            self.assertEqual(c.cmd("MULTI"), "ERR MULTI calls can not be nested")
            self.assertEqual(c.cmd("GET"), "ERR wrong number of arguments for 'get' command")
            self.assertEqual(c.cmd("EXEC"), "EXECABORT Transaction discarded because of previous errors.")
            self.assertEqual(c.cmd("MULTI"), "OK")
            self.assertEqual(c.cmd("SET", "s", "x"), "QUEUED")
            self.assertEqual(c.cmd("INCR", "s"), "QUEUED")
            self.assertEqual(c.cmd("EXEC"), ["OK", "ERR value is not an integer or out of range"])


class AuthClientAdminTest(unittest.TestCase):
    def test_requirepass(self):
        with harness.Server(args=["--requirepass", "s3cret"]) as s:
            c = harness.RespConn(s.redis_port)
            self.assertEqual(c.cmd("GET", "x"), "NOAUTH Authentication required.")
            self.assertEqual(c.cmd("AUTH", "wrong"), "WRONGPASS invalid username-password pair or user is disabled.")
            self.assertEqual(c.cmd("AUTH", "s3cret"), "OK")
            self.assertIsNone(c.cmd("GET", "x"))
            r = redis.Redis(port=s.redis_port, password="s3cret")
            self.assertTrue(r.ping())
            with self.assertRaises(redis.ResponseError) as ctx:  # what redis-py raises for Redis 7 too
                redis.Redis(port=s.redis_port, password="nope").ping()
            self.assertIn("WRONGPASS", str(ctx.exception))

    def test_client_commands(self):
        with harness.Server() as s:
            r = redis.Redis(port=s.redis_port, decode_responses=True)
            r.client_setname("app-1")
            self.assertEqual(r.client_getname(), "app-1")
            self.assertEqual(r.execute_command("CLIENT", "SETINFO", "LIB-NAME", "mylib"), "OK")
            victim = redis.Redis(port=s.redis_port)
            victim.ping()
            vid = victim.client_id()
            names = {c["id"]: c for c in r.client_list()}
            self.assertIn(str(vid), names)
            self.assertEqual(r.client_kill_filter(_id=vid), 1)
            time.sleep(0.1)
            self.assertNotIn(str(vid), {c["id"] for c in r.client_list()})
            info = r.client_info()
            self.assertEqual(info["name"], "app-1")
            self.assertEqual(info["lib-name"], "mylib")

    def test_admin_health_and_metrics(self):
        with harness.Server() as s:
            r = redis.Redis(port=s.redis_port)
            for i in range(10):
                r.set("k%d" % i, i)
            base = "http://127.0.0.1:%d" % s.admin_port
            health = json.loads(urllib.request.urlopen(base + "/health", timeout=5).read())
            self.assertEqual(health["status"], "ok")
            text = urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()
            samples = {}
            for line in text.splitlines():
                if line and not line.startswith("#"):
                    name, value = line.rsplit(" ", 1)
                    samples[name] = float(value)
            self.assertGreaterEqual(samples['lumadb_commands_total{protocol="redis"}'], 10)
            self.assertGreaterEqual(samples['lumadb_connections{protocol="redis"}'], 1)
            self.assertIn('lumadb_command_duration_seconds_count{protocol="redis"}', samples)
            self.assertGreater(samples["lumadb_memory_rss_bytes"], 0)
            self.assertGreaterEqual(samples["lumadb_kv_keys"], 10)
            with self.assertRaises(urllib.error.HTTPError) as ctx:
                urllib.request.urlopen(base + "/nope", timeout=5)
            self.assertEqual(ctx.exception.code, 404)


if __name__ == "__main__":
    unittest.main(verbosity=2)

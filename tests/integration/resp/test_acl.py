"""ACL with redis-py: several users connecting with username/password, the
ACL file across a restart, and connections of deleted or narrowed users
being dropped."""
import os
import subprocess
import sys
import tempfile
import time
import unittest

import redis

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402


AUTH_FAILED = (redis.exceptions.AuthenticationError, redis.exceptions.ResponseError)


def raw(port, user, password):
    """A plain connection authenticated as user (redis-py would silently
    reconnect a closed one)."""
    c = harness.RespConn(port)
    assert c.cmd("AUTH", user, password) == "OK"
    return c


def closed(conn, timeout=5.0):
    """True once the server has closed the raw connection."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn.cmd("PING")
        except (ConnectionError, OSError):
            return True
        time.sleep(0.05)
    return False


class AclTest(unittest.TestCase):
    def test_users_with_passwords_and_permissions(self):
        with harness.Server() as srv:
            admin = redis.Redis(port=srv.redis_port)
            admin.execute_command("ACL", "SETUSER", "reader", "on", ">rpass", "~data:*", "+@read", "+@connection",
                                  "+acl|whoami")
            admin.execute_command("ACL", "SETUSER", "writer", "on", ">wpass", "%W~data:*", "+@write", "+@connection")
            admin.execute_command("ACL", "SETUSER", "disabled", "off", ">dpass", "+@all", "~*")
            admin.set("data:1", "one")
            reader = redis.Redis(port=srv.redis_port, username="reader", password="rpass")
            writer = redis.Redis(port=srv.redis_port, username="writer", password="wpass")
            self.assertEqual(reader.get("data:1"), b"one")
            self.assertEqual(reader.acl_whoami(), "reader")
            self.assertTrue(writer.set("data:2", "two"))
            self.assertEqual(admin.get("data:2"), b"two")
            with self.assertRaises(redis.exceptions.NoPermissionError) as e:
                reader.set("data:1", "x")
            self.assertIn("no permissions to run the 'set' command", str(e.exception))
            with self.assertRaises(redis.exceptions.NoPermissionError) as e:
                reader.get("other")
            self.assertIn("one of the keys", str(e.exception))
            # %W~ lets the writer write but not read.
            with self.assertRaises(redis.exceptions.NoPermissionError):
                writer.execute_command("SET", "data:2", "x", "GET")
            for user, pw in (("reader", "bad"), ("nosuch", "x"), ("disabled", "dpass")):
                with self.assertRaises(AUTH_FAILED):
                    redis.Redis(port=srv.redis_port, username=user, password=pw).ping()
            # RESP3 handshake with HELLO 3 AUTH.
            r3 = harness.RespConn(srv.redis_port)  # redis-py 4.3 reads no RESP3
            reply = dict((k, v) for k, v in r3.cmd("HELLO", "3", "AUTH", "reader", "rpass"))
            self.assertEqual(reply[b"proto"], 3)
            self.assertEqual(r3.cmd("ACL", "WHOAMI"), b"reader")
            users = {}
            for line in admin.execute_command("CLIENT", "LIST").decode().splitlines():
                fields = dict(f.split("=", 1) for f in line.split(" ") if "=" in f)
                users[fields["user"]] = users.get(fields["user"], 0) + 1
            self.assertEqual(users.get("reader"), 2)
            self.assertEqual(users.get("writer"), 1)
            log = admin.acl_log()
            self.assertTrue(any(e["reason"] == "auth" and e["username"] == "disabled" for e in log))
            self.assertTrue(any(e["reason"] == "command" and e["object"] == "set" for e in log))
            r3.close()

    def test_requirepass_flag(self):
        with harness.Server(args=["--requirepass", "s3cret"]) as srv:
            with self.assertRaises(AUTH_FAILED):
                redis.Redis(port=srv.redis_port).get("x")
            r = redis.Redis(port=srv.redis_port, password="s3cret")
            self.assertIsNone(r.get("x"))
            self.assertEqual(r.acl_whoami(), "default")
            r.config_set("requirepass", "new")
            redis.Redis(port=srv.redis_port, password="new").ping()
            with self.assertRaises(AUTH_FAILED):
                redis.Redis(port=srv.redis_port, password="s3cret").ping()

    def test_deluser_disconnects_its_clients(self):
        with harness.Server() as srv:
            admin = redis.Redis(port=srv.redis_port)
            admin.execute_command("ACL", "SETUSER", "temp", "on", ">pw", "+@all", "~*", "&*")
            admin.execute_command("ACL", "SETUSER", "other", "on", ">pw", "+@all", "~*", "&*")
            a = raw(srv.redis_port, "temp", "pw")
            b = raw(srv.redis_port, "temp", "pw")
            keep = raw(srv.redis_port, "other", "pw")
            sub = raw(srv.redis_port, "temp", "pw")
            self.assertEqual(sub.cmd("SUBSCRIBE", "news"), [b"subscribe", b"news", 1])
            self.assertEqual(admin.execute_command("ACL", "DELUSER", "temp"), 1)
            self.assertTrue(closed(a))
            self.assertTrue(closed(b))
            self.assertTrue(closed(sub))
            self.assertEqual(keep.cmd("PING"), "PONG")
            with self.assertRaises(AUTH_FAILED):
                redis.Redis(port=srv.redis_port, username="temp", password="pw").ping()
            # A client deleting its own user gets the reply, then is disconnected.
            self.assertEqual(keep.cmd("ACL", "DELUSER", "other"), 1)
            self.assertTrue(closed(keep))
            for c in (a, b, sub, keep):
                c.close()
            self.assertEqual(admin.execute_command("ACL", "USERS"), [b"default"])

    def test_narrowed_channels_drop_subscribers(self):
        with harness.Server() as srv:
            admin = redis.Redis(port=srv.redis_port)
            admin.execute_command("ACL", "SETUSER", "s", "on", "nopass", "+@all", "~*", "resetchannels", "&news.*",
                                  "&chat")
            chat = raw(srv.redis_port, "s", "x")
            self.assertEqual(chat.cmd("SUBSCRIBE", "chat"), [b"subscribe", b"chat", 1])
            news = redis.Redis(port=srv.redis_port, username="s", password="x").pubsub()
            news.psubscribe("news.*")
            self.assertEqual(news.get_message(timeout=2)["type"], "psubscribe")
            admin.execute_command("ACL", "SETUSER", "s", "resetchannels", "&news.*")
            self.assertTrue(closed(chat))
            chat.close()
            self.assertEqual(admin.publish("news.1", "hello"), 1)
            msg = news.get_message(timeout=2)
            self.assertEqual(msg["data"], b"hello")

    def test_aclfile_survives_restart(self):
        d = tempfile.mkdtemp(prefix="lumadb-acl-")
        path = os.path.join(d, "users.acl")
        with open(path, "w") as f:
            f.write("user ops on >opspw ~* &* +@all\n")
        srv = harness.Server(args=["--aclfile", path])
        try:
            srv.start()
            ops = redis.Redis(port=srv.redis_port, username="ops", password="opspw")
            ops.execute_command("ACL", "SETUSER", "app", "on", ">apppw", "~app:*", "-@all", "+get", "+set",
                                "(+@read ~shared:*)")
            self.assertEqual(ops.execute_command("ACL", "SAVE"), b"OK")
            with open(path) as f:
                saved = f.read()
            self.assertIn("user app on #", saved)
            self.assertIn("(~shared:* resetchannels -@all +@read)", saved)
            srv.restart()
            app = redis.Redis(port=srv.redis_port, username="app", password="apppw")
            self.assertTrue(app.set("app:1", "x"))
            with self.assertRaises(redis.exceptions.NoPermissionError):
                app.set("shared:1", "x")
            self.assertIsNone(app.get("shared:1"))
            app = raw(srv.redis_port, "app", "apppw")
            # ACL LOAD reads edits of the file and drops the replaced users' clients.
            with open(path, "a") as f:
                f.write("user late on nopass +ping\n")
            admin = raw(srv.redis_port, "ops", "opspw")
            self.assertEqual(admin.cmd("ACL", "LOAD"), "OK")
            self.assertTrue(closed(app))
            self.assertTrue(closed(admin))  # its own user was replaced too
            app.close()
            admin.close()
            admin = redis.Redis(port=srv.redis_port, username="ops", password="opspw")
            self.assertEqual(sorted(admin.execute_command("ACL", "USERS")), [b"app", b"default", b"late", b"ops"])
            late = redis.Redis(port=srv.redis_port, username="late", password="any")
            self.assertTrue(late.ping())
            srv.stop()
            # A missing or broken ACL file stops the start, as redis-server does.
            os.unlink(path)
            bad = harness.Server(args=["--aclfile", path], data_dir=os.path.join(d, "bad"))
            proc = subprocess.run(bad.command(), capture_output=True, timeout=30)
            self.assertEqual(proc.returncode, 1)
            self.assertIn(b"No such file or directory", proc.stdout + proc.stderr)
            with open(path, "w") as f:
                f.write("user x on +nosuch\n")
            proc = subprocess.run(bad.command(), capture_output=True, timeout=30)
            self.assertEqual(proc.returncode, 1)
            self.assertIn(b"Unknown command or category name in ACL", proc.stdout + proc.stderr)
        finally:
            srv.cleanup()
            subprocess.run(["rm", "-rf", d])


if __name__ == "__main__":
    unittest.main()

"""psycopg2 (python3-psycopg2) against LumaDB: connection defaults,
transactions as psycopg2 drives them (implicit BEGIN, commit, rollback),
client-side parameters of the supported types, executemany, error
attributes (pgcode, diag fields), and concurrency between connections: a
writer waits for another's row lock, deadlocks are detected, REPEATABLE READ
fails on a concurrent update, a second insert of a unique index's value
waits for the first, and cancel() ends a wait."""
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import psycopg2  # noqa: E402
import psycopg2.errors  # noqa: E402
import psycopg2.extensions  # noqa: E402


class Psycopg2Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server().start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()

    def connect(self, autocommit=False):
        c = self.server.pg_connect(autocommit)
        self.addCleanup(c.close)
        return c

    def waits_until(self, work, release):
        """Runs work() on a thread, checks that it is still waiting after a
        moment, then calls release() and returns what work() returned."""
        done = {}

        def run():
            done["result"] = work()

        t = threading.Thread(target=run)
        t.start()
        time.sleep(0.4)
        self.assertNotIn("result", done)  # waits for the other transaction
        release()
        t.join(10)
        return done.get("result")

    def table(self, ddl):
        c = self.connect(autocommit=True)
        name = ddl.split()[2]
        c.cursor().execute("DROP TABLE IF EXISTS %s" % name)
        c.cursor().execute(ddl)
        self.addCleanup(lambda: self.connect(autocommit=True).cursor().execute("DROP TABLE IF EXISTS %s" % name))
        return c

    def test_connection_reports_postgres_parameters(self):
        c = self.connect()
        self.assertEqual(c.server_version, 150008)
        self.assertEqual(c.get_parameter_status("server_encoding"), "UTF8")
        self.assertEqual(c.get_parameter_status("DateStyle"), "ISO, MDY")
        self.assertEqual(c.get_parameter_status("integer_datetimes"), "on")
        self.assertEqual(c.get_parameter_status("standard_conforming_strings"), "on")
        self.assertEqual(c.info.backend_pid > 0, True)
        self.assertEqual(c.get_transaction_status(), psycopg2.extensions.TRANSACTION_STATUS_IDLE)

    def test_parameters_of_supported_types_round_trip(self):
        self.table("CREATE TABLE pp_types (id int PRIMARY KEY, s text, f double precision, b boolean, big bigint)")
        c = self.connect()
        cur = c.cursor()
        rows = [(1, "it's \"quoted\" \\ back", 1.25, True, 2 ** 62),
                (2, None, -0.5, False, -(2 ** 63)),
                (3, "ünïcødé ✓", None, None, None)]
        cur.executemany("INSERT INTO pp_types VALUES (%s, %s, %s, %s, %s)", rows)
        self.assertEqual(cur.rowcount, 3)
        c.commit()
        cur.execute("SELECT id, s, f, b, big FROM pp_types ORDER BY id")
        self.assertEqual(cur.fetchall(), rows)
        cur.execute("SELECT s FROM pp_types WHERE s = %(s)s", {"s": rows[0][1]})
        self.assertEqual(cur.fetchone(), (rows[0][1],))
        self.assertEqual([d.name for d in cur.description], ["s"])
        self.assertEqual(cur.description[0].type_code, 25)  # text

    def test_decimal_parameters_and_numeric_results(self):
        from decimal import Decimal
        self.table("CREATE TABLE pp_money (id int PRIMARY KEY, price numeric(10,2), rate numeric)")
        c = self.connect()
        cur = c.cursor()
        rows = [(1, Decimal("9.99"), Decimal("0.0725")), (2, Decimal("-1234567.50"), Decimal("1E+3")),
                (3, None, Decimal("123456789012345678.123456789"))]
        cur.executemany("INSERT INTO pp_money VALUES (%s, %s, %s)", rows)
        c.commit()
        cur.execute("SELECT id, price, rate FROM pp_money ORDER BY id")
        got = cur.fetchall()
        self.assertEqual(got, [(1, Decimal("9.99"), Decimal("0.0725")), (2, Decimal("-1234567.50"), Decimal("1000")),
                               (3, None, Decimal("123456789012345678.123456789"))])
        self.assertIsInstance(got[0][1], Decimal)
        self.assertEqual(cur.description[1].type_code, 1700)
        cur.execute("SELECT sum(price), avg(price), %s * 2 FROM pp_money", (Decimal("0.10"),))
        self.assertEqual(cur.fetchone(), (Decimal("-1234557.51"), Decimal("-617278.7550000000"), Decimal("0.20")))
        with self.assertRaises(psycopg2.errors.NumericValueOutOfRange) as ctx:
            cur.execute("INSERT INTO pp_money VALUES (4, %s, 0)", (Decimal("123456789.991"),))
        self.assertEqual(ctx.exception.diag.message_primary, "numeric field overflow")
        c.rollback()

    def test_uuid_and_bytea_adaptation(self):
        import uuid
        import psycopg2.extras
        psycopg2.extras.register_uuid()
        c = self.table("CREATE TABLE pp_ub (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), data bytea)")
        cur = c.cursor()
        u = uuid.UUID("12345678-1234-5678-1234-567812345678")
        blob = bytes(range(256))
        cur.execute("INSERT INTO pp_ub VALUES (%s, %s)", (u, psycopg2.Binary(blob)))
        cur.execute("INSERT INTO pp_ub (data) VALUES (%s) RETURNING id", (b"\x00\\'",))
        generated = cur.fetchone()[0]
        self.assertIsInstance(generated, uuid.UUID)
        self.assertEqual(generated.version, 4)
        cur.execute("SELECT id, data FROM pp_ub WHERE id = %s", (u,))
        got_id, got_data = cur.fetchone()
        self.assertEqual(got_id, u)
        self.assertEqual(bytes(got_data), blob)
        cur.execute("SELECT data FROM pp_ub WHERE id = %s", (generated,))
        self.assertEqual(bytes(cur.fetchone()[0]), b"\x00\\'")
        c.commit()

    def test_json_adaptation(self):
        import psycopg2.extras
        c = self.table("CREATE TABLE pp_json (id int PRIMARY KEY, doc jsonb, raw json)")
        cur = c.cursor()
        doc = {"name": "ann", "tags": ["a", "b"], "n": 1.5, "ok": True, "none": None, "quote": "it's \"x\""}
        cur.execute("INSERT INTO pp_json VALUES (1, %s, %s)", (psycopg2.extras.Json(doc), psycopg2.extras.Json([1, 2])))
        cur.execute("INSERT INTO pp_json VALUES (2, %s, NULL)", (psycopg2.extras.Json({"name": "bob"}),))
        # psycopg2 turns json and jsonb results (OIDs 114 and 3802) into Python values.
        cur.execute("SELECT doc, raw, doc -> 'tags', doc ->> 'name' FROM pp_json WHERE id = 1")
        got_doc, got_raw, tags, name = cur.fetchone()
        self.assertEqual(got_doc, doc)
        self.assertEqual(got_raw, [1, 2])
        self.assertEqual(tags, ["a", "b"])
        self.assertEqual(name, "ann")
        cur.execute("SELECT id FROM pp_json WHERE doc @> %s ORDER BY id", (psycopg2.extras.Json({"name": "bob"}),))
        self.assertEqual(cur.fetchall(), [(2,)])
        cur.execute("SELECT jsonb_agg(doc -> 'name' ORDER BY id), jsonb_build_object('k', %s) FROM pp_json", (3,))
        self.assertEqual(cur.fetchone(), (["ann", "bob"], {"k": 3}))
        c.commit()

    def test_list_adaptation_and_array_results(self):
        c = self.table("CREATE TABLE pp_arr (id int PRIMARY KEY, tags text[], nums int[])")
        cur = c.cursor()
        cur.executemany("INSERT INTO pp_arr VALUES (%s, %s, %s)",
                        [(1, ["a", "b c", 'q"uote'], [1, 2]), (2, [], [3]), (3, None, [])])
        # psycopg2 sends a list as ARRAY[...] and reads int[] / text[] back as lists.
        cur.execute("SELECT id, tags, nums FROM pp_arr ORDER BY id")
        self.assertEqual(cur.fetchall(), [(1, ["a", "b c", 'q"uote'], [1, 2]), (2, [], [3]), (3, None, [])])
        cur.execute("SELECT id FROM pp_arr WHERE id = ANY(%s) ORDER BY id", ([1, 3, 9],))
        self.assertEqual(cur.fetchall(), [(1,), (3,)])
        cur.execute("SELECT array_agg(id ORDER BY id), %s::int[] || 4 FROM pp_arr", ([7, 8],))
        self.assertEqual(cur.fetchone(), ([1, 2, 3], [7, 8, 4]))
        c.commit()

    def test_timedelta_and_time_adaptation(self):
        import datetime as dt
        c = self.table("CREATE TABLE pp_iv (id int PRIMARY KEY, d interval, t time, at timestamp)")
        cur = c.cursor()
        rows = [(1, dt.timedelta(days=1, hours=2, microseconds=5), dt.time(9, 30, 15, 250000),
                 dt.datetime(2024, 1, 31, 12, 0)),
                (2, dt.timedelta(seconds=-90), dt.time(0, 0), dt.datetime(2024, 2, 29, 23, 59, 59))]
        # psycopg2 sends timedelta as '1 days 7200.000005 seconds'::interval and time as '09:30:15.250000'::time.
        cur.executemany("INSERT INTO pp_iv VALUES (%s, %s, %s, %s)", rows)
        cur.execute("SELECT id, d, t, at FROM pp_iv ORDER BY id")
        self.assertEqual(cur.fetchall(), rows)
        cur.execute("SELECT at + d, at - %s, t + d, at - timestamp '2024-01-01' FROM pp_iv WHERE id = 1",
                    (dt.timedelta(weeks=1),))
        self.assertEqual(cur.fetchone(), (dt.datetime(2024, 2, 1, 14, 0, 0, 5), dt.datetime(2024, 1, 24, 12, 0),
                                          dt.time(11, 30, 15, 250005), dt.timedelta(days=30, hours=12)))
        cur.execute("SELECT id FROM pp_iv WHERE d > %s ORDER BY id", (dt.timedelta(0),))
        self.assertEqual(cur.fetchall(), [(1,)])
        cur.execute("SELECT %s::interval, interval '1 mon 2 days'", (dt.timedelta(days=-3, seconds=5),))
        self.assertEqual(cur.fetchone(), (dt.timedelta(days=-3, seconds=5), dt.timedelta(days=32)))
        c.commit()

    def test_session_time_zone_shapes_timestamptz(self):
        import datetime as dt
        # TimeZone from the startup packet (as JDBC and libpq's PGTZ send it), then SET TIME ZONE.
        c = self.table("CREATE TABLE pp_tz (id int PRIMARY KEY, at timestamptz)")
        c.close()
        c = psycopg2.connect(host="127.0.0.1", port=self.server.postgres_port, user="postgres", dbname="postgres",
                             options="-c TimeZone=Europe/Berlin")
        cur = c.cursor()
        cur.execute("SHOW TimeZone")
        self.assertEqual(cur.fetchone(), ("Europe/Berlin",))
        cur.execute("INSERT INTO pp_tz VALUES (1, '2024-07-01 12:00'), (2, %s)",
                    (dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.timezone.utc),))
        cur.execute("SELECT id, at, at::text, extract(hour FROM at) FROM pp_tz ORDER BY id")
        rows = cur.fetchall()
        berlin_summer = dt.timezone(dt.timedelta(hours=2))
        self.assertEqual(rows[0][1], dt.datetime(2024, 7, 1, 12, 0, tzinfo=berlin_summer))
        self.assertEqual(rows[0][1].utcoffset(), dt.timedelta(hours=2))
        self.assertEqual(rows[0][2], "2024-07-01 12:00:00+02")
        self.assertEqual(rows[1][1], dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.timezone.utc))
        self.assertEqual(rows[1][2], "2024-01-01 13:00:00+01")
        self.assertEqual(float(rows[1][3]), 13.0)
        cur.execute("SET TIME ZONE 'America/New_York'")
        cur.execute("SELECT at::text, at AT TIME ZONE 'UTC' FROM pp_tz WHERE id = 1")
        self.assertEqual(cur.fetchone(), ("2024-07-01 06:00:00-04", dt.datetime(2024, 7, 1, 10, 0)))
        with self.assertRaises(psycopg2.errors.InvalidParameterValue):
            cur.execute("SET TIME ZONE 'Mars/Olympus_Mons'")
        c.rollback()
        c.close()

    def test_server_side_cursor_fetches_in_batches(self):
        setup = self.table("CREATE TABLE pp_big (id int PRIMARY KEY, v text)")
        c = self.connect()
        cur = c.cursor()
        cur.executemany("INSERT INTO pp_big VALUES (%s, %s)", [(i, "v%d" % i) for i in range(1, 2501)])
        c.commit()
        named = c.cursor("pp_named")
        named.itersize = 1000
        named.execute("SELECT id, v FROM pp_big WHERE id > %s ORDER BY id", (10,))
        first = named.fetchmany(5)
        self.assertEqual(first, [(i, "v%d" % i) for i in range(11, 16)])
        self.assertEqual(named.fetchone(), (16, "v16"))
        rest = list(named)  # iterates with FETCH FORWARD itersize
        self.assertEqual(len(rest), 2500 - 16)
        self.assertEqual(rest[-1], (2500, "v2500"))
        named.close()
        c.commit()

    def test_transactions_commit_and_roll_back(self):
        self.table("CREATE TABLE pp_tx (id int PRIMARY KEY, v int)")
        c = self.connect()
        other = self.connect(autocommit=True)
        cur = c.cursor()
        cur.execute("INSERT INTO pp_tx VALUES (1, 1)")
        self.assertEqual(c.get_transaction_status(), psycopg2.extensions.TRANSACTION_STATUS_INTRANS)
        ocur = other.cursor()
        ocur.execute("SELECT count(*) FROM pp_tx")
        self.assertEqual(ocur.fetchone(), (0,))
        c.rollback()
        cur.execute("INSERT INTO pp_tx VALUES (2, 2)")
        c.commit()
        ocur.execute("SELECT id FROM pp_tx")
        self.assertEqual(ocur.fetchall(), [(2,)])
        with c:
            cur.execute("UPDATE pp_tx SET v = v + 1 RETURNING v")
            self.assertEqual(cur.fetchone(), (3,))
        ocur.execute("SELECT v FROM pp_tx")
        self.assertEqual(ocur.fetchall(), [(3,)])

    def test_errors_carry_sqlstate_and_diagnostics(self):
        self.table("CREATE TABLE pp_err (id int PRIMARY KEY, n int NOT NULL)")
        c = self.connect()
        cur = c.cursor()
        cur.execute("INSERT INTO pp_err VALUES (1, 1)")
        with self.assertRaises(psycopg2.errors.UniqueViolation) as e:
            cur.execute("INSERT INTO pp_err VALUES (1, 2)")
        d = e.exception.diag
        self.assertEqual(e.exception.pgcode, "23505")
        self.assertEqual(d.message_detail, "Key (id)=(1) already exists.")
        self.assertEqual(d.constraint_name, "pp_err_pkey")
        self.assertEqual(d.table_name, "pp_err")
        self.assertEqual(d.schema_name, "public")
        with self.assertRaises(psycopg2.errors.InFailedSqlTransaction):
            cur.execute("SELECT 1")
        c.rollback()
        with self.assertRaises(psycopg2.errors.NotNullViolation) as e:
            cur.execute("INSERT INTO pp_err VALUES (2, NULL)")
        self.assertEqual(e.exception.diag.column_name, "n")
        self.assertEqual(e.exception.diag.message_detail, "Failing row contains (2, null).")
        c.rollback()
        with self.assertRaises(psycopg2.errors.UndefinedTable) as e:
            cur.execute("SELECT * FROM pp_nope")
        self.assertEqual(e.exception.diag.statement_position, "15")
        c.rollback()

    def test_a_second_writer_waits_for_the_first(self):
        self.table("CREATE TABLE pp_lock (id int PRIMARY KEY, v int)")
        setup = self.connect(autocommit=True)
        setup.cursor().execute("INSERT INTO pp_lock VALUES (1, 0), (2, 0)")
        a, b = self.connect(), self.connect()
        a.cursor().execute("UPDATE pp_lock SET v = v + 1 WHERE id = 1")
        done = {}

        def second():
            t0 = time.time()
            b.cursor().execute("UPDATE pp_lock SET v = v + 10 WHERE id = 1")
            b.commit()
            done["waited"] = time.time() - t0

        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.4)
        self.assertNotIn("waited", done)  # still waiting for a's lock
        # Another row is not locked.
        setup.cursor().execute("UPDATE pp_lock SET v = 5 WHERE id = 2")
        a.commit()
        t.join(10)
        self.assertGreater(done["waited"], 0.3)
        cur = setup.cursor()
        cur.execute("SELECT v FROM pp_lock ORDER BY id")
        self.assertEqual(cur.fetchall(), [(11,), (5,)])

    def test_a_second_insert_of_a_unique_value_waits_then_fails_or_succeeds(self):
        setup = self.table("CREATE TABLE pp_uniq (id int PRIMARY KEY, email text)")
        setup.cursor().execute("CREATE UNIQUE INDEX pp_uniq_email ON pp_uniq (email)")
        for outcome in ("commit", "rollback"):
            setup.cursor().execute("DELETE FROM pp_uniq")
            a, b = self.connect(), self.connect()
            a.cursor().execute("INSERT INTO pp_uniq VALUES (1, 'x@y')")

            def second():
                try:
                    b.cursor().execute("INSERT INTO pp_uniq VALUES (2, 'x@y')")
                    b.commit()
                    return "inserted"
                except psycopg2.errors.UniqueViolation as e:
                    b.rollback()
                    return e.diag.constraint_name

            result = self.waits_until(second, getattr(a, outcome))
            self.assertEqual(result, "pp_uniq_email" if outcome == "commit" else "inserted")
            cur = setup.cursor()
            cur.execute("SELECT id FROM pp_uniq WHERE email = 'x@y'")
            self.assertEqual(cur.fetchall(), [(1,)] if outcome == "commit" else [(2,)])
            a.close()
            b.close()

    def test_a_parent_delete_waits_for_a_child_insert_and_leaves_no_orphan(self):
        setup = self.connect(autocommit=True)
        cur = setup.cursor()
        cur.execute("DROP TABLE IF EXISTS pp_child, pp_parent")
        cur.execute("CREATE TABLE pp_parent (id int PRIMARY KEY)")
        cur.execute("CREATE TABLE pp_child (id int PRIMARY KEY, pid int REFERENCES pp_parent ON DELETE NO ACTION)")
        self.addCleanup(lambda: self.connect(autocommit=True).cursor().execute("DROP TABLE IF EXISTS pp_child, pp_parent"))
        for outcome in ("commit", "rollback"):
            cur.execute("DELETE FROM pp_child")
            cur.execute("DELETE FROM pp_parent")
            cur.execute("INSERT INTO pp_parent VALUES (1)")
            a, b = self.connect(), self.connect()
            a.cursor().execute("INSERT INTO pp_child VALUES (10, 1)")  # locks parent row 1

            def delete_parent():
                try:
                    b.cursor().execute("DELETE FROM pp_parent WHERE id = 1")
                    b.commit()
                    return "deleted"
                except psycopg2.errors.ForeignKeyViolation as e:
                    b.rollback()
                    return e.diag.constraint_name

            result = self.waits_until(delete_parent, getattr(a, outcome))
            self.assertEqual(result, "pp_child_pid_fkey" if outcome == "commit" else "deleted")
            cur.execute("SELECT count(*) FROM pp_child c WHERE NOT EXISTS (SELECT 1 FROM pp_parent p WHERE p.id = c.pid)")
            self.assertEqual(cur.fetchone()[0], 0)
            a.close()
            b.close()
        # The other way round: the child insert waits for the delete, then fails.
        cur.execute("INSERT INTO pp_parent VALUES (2)")
        a, b = self.connect(), self.connect()
        a.cursor().execute("DELETE FROM pp_parent WHERE id = 2")

        def insert_child():
            try:
                b.cursor().execute("INSERT INTO pp_child VALUES (20, 2)")
                b.commit()
                return "inserted"
            except psycopg2.errors.ForeignKeyViolation as e:
                b.rollback()
                return e.diag.message_detail

        result = self.waits_until(insert_child, a.commit)
        self.assertEqual(result, 'Key (pid)=(2) is not present in table "pp_parent".')
        a.close()
        b.close()

    def test_concurrent_increments_lose_no_update(self):
        self.table("CREATE TABLE pp_count (id int PRIMARY KEY, n int)")
        self.connect(autocommit=True).cursor().execute("INSERT INTO pp_count VALUES (1, 0)")
        errors = []

        def worker():
            c = self.server.pg_connect()
            try:
                for _ in range(50):
                    c.cursor().execute("UPDATE pp_count SET n = n + 1 WHERE id = 1")
                    c.commit()
            except Exception as e:  # noqa: BLE001
                errors.append(e)
            finally:
                c.close()

        threads = [threading.Thread(target=worker) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        cur = self.connect(autocommit=True).cursor()
        cur.execute("SELECT n FROM pp_count")
        self.assertEqual(cur.fetchone(), (300,))

    def test_deadlock_is_detected(self):
        self.table("CREATE TABLE pp_dl (id int PRIMARY KEY, v int)")
        self.connect(autocommit=True).cursor().execute("INSERT INTO pp_dl VALUES (1, 0), (2, 0)")
        a, b = self.connect(), self.connect()
        a.cursor().execute("UPDATE pp_dl SET v = 1 WHERE id = 1")
        b.cursor().execute("UPDATE pp_dl SET v = 2 WHERE id = 2")
        result = {}

        def a_waits():
            try:
                a.cursor().execute("UPDATE pp_dl SET v = 1 WHERE id = 2")
                a.commit()
                result["a"] = "ok"
            except psycopg2.Error as e:
                result["a"] = e.pgcode

        t = threading.Thread(target=a_waits)
        t.start()
        time.sleep(0.3)
        with self.assertRaises(psycopg2.errors.DeadlockDetected):
            b.cursor().execute("UPDATE pp_dl SET v = 2 WHERE id = 1")
        b.rollback()
        t.join(10)
        self.assertEqual(result["a"], "ok")

    def test_repeatable_read_fails_on_a_concurrent_update(self):
        self.table("CREATE TABLE pp_rr (id int PRIMARY KEY, v int)")
        w = self.connect(autocommit=True)
        w.cursor().execute("INSERT INTO pp_rr VALUES (1, 0)")
        for level in ("REPEATABLE READ", "SERIALIZABLE"):
            c = self.connect()
            c.set_session(isolation_level=level)
            cur = c.cursor()
            cur.execute("SELECT v FROM pp_rr")
            before = cur.fetchone()
            w.cursor().execute("UPDATE pp_rr SET v = v + 1")
            cur.execute("SELECT v FROM pp_rr")
            self.assertEqual(cur.fetchone(), before)  # the snapshot is kept
            with self.assertRaises(psycopg2.errors.SerializationFailure):
                cur.execute("UPDATE pp_rr SET v = v + 100")
            c.rollback()

    def test_lock_timeout_and_statement_timeout_end_a_wait(self):
        self.table("CREATE TABLE pp_to (id int PRIMARY KEY)")
        self.connect(autocommit=True).cursor().execute("INSERT INTO pp_to VALUES (1)")
        a, b = self.connect(), self.connect()
        a.cursor().execute("DELETE FROM pp_to")
        cur = b.cursor()
        cur.execute("SET lock_timeout = '200ms'")
        t0 = time.time()
        with self.assertRaises(psycopg2.errors.LockNotAvailable):
            cur.execute("DELETE FROM pp_to")
        self.assertGreaterEqual(time.time() - t0, 0.19)
        b.rollback()
        cur.execute("SET statement_timeout = 300")
        with self.assertRaises(psycopg2.errors.QueryCanceled) as e:
            cur.execute("DELETE FROM pp_to")
        self.assertIn("statement timeout", str(e.exception))
        b.rollback()
        a.rollback()

    def test_for_update_skip_locked_hands_out_distinct_jobs(self):
        self.table("CREATE TABLE pp_jobs (id serial PRIMARY KEY, state text NOT NULL)")
        setup = self.connect(autocommit=True)
        setup.cursor().execute("INSERT INTO pp_jobs (state) VALUES " + ", ".join(["('new')"] * 6))
        claim = "SELECT id FROM pp_jobs WHERE state = 'new' ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED"
        a, b = self.connect(), self.connect()
        ca, cb = a.cursor(), b.cursor()
        ca.execute(claim)
        self.assertEqual(ca.fetchall(), [(1,), (2,)])
        cb.execute(claim)
        self.assertEqual(cb.fetchall(), [(3,), (4,)])  # a's rows are skipped, not waited for
        with self.assertRaises(psycopg2.errors.LockNotAvailable) as e:
            self.connect().cursor().execute("SELECT id FROM pp_jobs WHERE id = 1 FOR UPDATE NOWAIT")
        self.assertIn('could not obtain lock on row in relation "pp_jobs"', str(e.exception))
        # A plain FOR UPDATE waits for a's lock, then sees a's committed change.
        got = {}

        def waiter():
            c = self.server.pg_connect()
            cur = c.cursor()
            cur.execute("SELECT state FROM pp_jobs WHERE id = 1 FOR UPDATE")
            got["state"] = cur.fetchone()[0]
            c.rollback()
            c.close()

        t = threading.Thread(target=waiter)
        t.start()
        time.sleep(0.3)
        self.assertNotIn("state", got)
        ca.execute("UPDATE pp_jobs SET state = 'done' WHERE id IN (1, 2)")
        a.commit()
        t.join(10)
        self.assertEqual(got["state"], "done")
        b.rollback()
        cb.execute(claim)
        self.assertEqual(cb.fetchall(), [(3,), (4,)])
        b.rollback()

    def test_cancel_ends_a_lock_wait(self):
        self.table("CREATE TABLE pp_cancel (id int PRIMARY KEY)")
        self.connect(autocommit=True).cursor().execute("INSERT INTO pp_cancel VALUES (1)")
        a, b = self.connect(), self.connect()
        a.cursor().execute("DELETE FROM pp_cancel")
        threading.Timer(0.3, b.cancel).start()
        with self.assertRaises(psycopg2.errors.QueryCanceled):
            b.cursor().execute("DELETE FROM pp_cancel")
        b.rollback()
        a.rollback()


if __name__ == "__main__":
    unittest.main(verbosity=2)

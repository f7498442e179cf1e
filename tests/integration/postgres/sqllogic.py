"""A sqllogictest runner (the DuckDB/SQLite file format) that drives a
PostgreSQL-speaking server over the wire with psycopg2.

    /usr/bin/python3 sqllogic.py --postgres FILE...   # a RealPostgres started for the run
    /usr/bin/python3 sqllogic.py --port N FILE...     # any running server on 127.0.0.1:N
    (no FILE: every tests/sql/*.test)

From Python: run_file(conn_factory, path, label) -> [Failure], where
conn_factory() returns a new psycopg2 connection; every file gets its own
connection, put in autocommit mode (files say BEGIN/COMMIT themselves).

File syntax
-----------
A file is a sequence of records separated by one or more blank lines. Lines
starting with `#` between records are comments (inside a record they are part
of its SQL or expected output). SQL may span several lines; it ends at a blank
line or at `----`, so it cannot contain an empty line.

  statement ok                    the SQL must succeed (any rows are ignored)
  CREATE TABLE t (a integer)

  statement error                 the SQL must fail, with any error
  SELECT * FROM nope

  statement error 42P01           ... with this SQLSTATE (five characters, [0-9A-Z])
  SELECT * FROM nope

  statement error 42P01           ... and/or with a message containing this text
  SELECT * FROM nope              (after `----`, one line; case-sensitive,
  ----                            matched against the primary message and the
  relation "nope" does not exist  full error text)

  query II rowsort                a query, its expected rows after `----`
  SELECT a, a * 2 FROM t
  ----
  1	2
  2	4

query takes one letter per result column (I integer, T text, R real/float/
numeric, B boolean, anything else allowed): they are informational, only their
count is checked against the result's column count. The optional sort mode is
  nosort     (default) rows compared in the order the server sent them
  rowsort    rows sorted (as lists of strings) on both sides before comparing
  valuesort  all values sorted individually (row boundaries ignored)
Expected rows have their columns separated by one tab (DuckDB style); a query
with more than one column may instead list one value per line (SQLite style)
when no expected line contains a tab. An empty result is `----` followed by the
blank line (or the end of the file).

Values are the server's own text output, compared as strings: psycopg2 is set up
to return every column as the raw text the server sent, so integers, floats,
numerics and booleans appear exactly as PostgreSQL prints them (`t`/`f`,
`1.5000000000000000`, `0.1`). NULL is written `NULL` and the empty string
`(empty)`; other values are written as-is (no escaping).

Conditions go on lines of their own just before a record (or `halt`):
  skipif lumadb          skip the next record when running with this label
  onlyif postgres        run the next record only with this label
The labels are `lumadb` and `postgres` (run_file's label; the CLI uses
`postgres` for --postgres and `lumadb` for --port unless --label says).

  halt                   stop reading the file here
  hash-threshold N       accepted and ignored (SQLite files start with it)

Every record's SQL goes to the server as it is, in one simple-protocol Query
message (psycopg2 with no parameters, so `%` needs no escaping). Files should
drop the tables they create: they run one after another on one database
(test_sql_postgres_reference.py checks this).

A statement or query whose SQL fails unexpectedly, returns other rows, or
returns rows in another order is reported with file:line, the SQL, expected
and got; the run goes on with the next record. A lost connection ends the file.
"""
import argparse
import glob
import os
import re
import sys

import psycopg2
import psycopg2.extensions

HERE = os.path.dirname(os.path.abspath(__file__))
SQL_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "sql"))
LABELS = ("lumadb", "postgres")
SORT_MODES = ("nosort", "rowsort", "valuesort")
SQLSTATE_RE = re.compile(r"^[0-9A-Z]{5}$")

# Every type psycopg2 would convert comes back as the server's text instead.
# Types psycopg2 does not know are returned as text already.
_RAW = psycopg2.extensions.new_type(tuple(psycopg2.extensions.string_types), "LUMA_RAW_TEXT",
                                    lambda value, cur: value)


def raw_text(conn):
    """Makes conn return every column as the server's text (None for NULL)."""
    psycopg2.extensions.register_type(_RAW, conn)
    return conn


class Failure:
    def __init__(self, path, line, sql, message, expected=None, got=None):
        self.path, self.line, self.sql, self.message = path, line, sql, message
        self.expected, self.got = expected, got

    def __str__(self):
        out = ["%s:%d: %s" % (self.path, self.line, self.message), "  SQL: " + self.sql.replace("\n", "\n       ")]
        if self.expected is not None:
            out.append("  expected:")
            out += ["    " + x for x in self.expected] or ["    (no rows)"]
        if self.got is not None:
            out.append("  got:")
            out += ["    " + x for x in self.got] or ["    (no rows)"]
        return "\n".join(out)

    __repr__ = __str__


class ParseError(Exception):
    pass


class Record:
    def __init__(self, kind, line, conditions):
        self.kind = kind            # "statement", "query", "halt"
        self.line = line            # 1-based line of the record's header
        self.conditions = conditions  # [("skipif"|"onlyif", label)]
        self.sql = ""
        self.expect_ok = True       # statement ok / error
        self.sqlstate = None
        self.message = None
        self.types = ""
        self.sort = "nosort"
        self.expected = []          # raw expected lines

    def applies(self, label):
        for cond, lab in self.conditions:
            if cond == "skipif" and lab == label:
                return False
            if cond == "onlyif" and lab != label:
                return False
        return True


def parse(text, path="<string>"):
    """Parses a sqllogictest file into Records (raises ParseError)."""
    lines = text.split("\n")
    records = []
    i = 0
    n = len(lines)
    conditions = []

    def err(lineno, msg):
        raise ParseError("%s:%d: %s" % (path, lineno, msg))

    while i < n:
        line = lines[i].rstrip("\r")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        words = stripped.split()
        head = words[0]
        lineno = i + 1
        if head in ("skipif", "onlyif"):
            if len(words) != 2 or words[1] not in LABELS:
                err(lineno, "%s needs one label out of %s" % (head, ", ".join(LABELS)))
            conditions.append((head, words[1]))
            i += 1
            continue
        if head == "hash-threshold":
            i += 1
            continue
        if head == "halt":
            records.append(Record("halt", lineno, conditions))
            conditions = []
            i += 1
            continue
        if head not in ("statement", "query"):
            err(lineno, "unknown record %r" % head)
        rec = Record(head, lineno, conditions)
        conditions = []
        if head == "statement":
            if len(words) < 2 or words[1] not in ("ok", "error"):
                err(lineno, "expected `statement ok` or `statement error [SQLSTATE]`")
            rec.expect_ok = words[1] == "ok"
            if rec.expect_ok and len(words) > 2:
                err(lineno, "`statement ok` takes no arguments")
            if not rec.expect_ok and len(words) > 2:
                if len(words) > 3 or not SQLSTATE_RE.match(words[2]):
                    err(lineno, "`statement error` takes one optional SQLSTATE (5 characters [0-9A-Z])")
                rec.sqlstate = words[2]
        else:
            if len(words) < 2 or len(words) > 3:
                err(lineno, "expected `query <types> [nosort|rowsort|valuesort]`")
            rec.types = words[1]
            if len(words) == 3:
                if words[2] not in SORT_MODES:
                    err(lineno, "unknown sort mode %r" % words[2])
                rec.sort = words[2]
        i += 1
        sql = []
        while i < n and lines[i].strip() and lines[i].rstrip("\r") != "----":
            sql.append(lines[i].rstrip("\r"))
            i += 1
        if not sql:
            err(lineno, "record without SQL")
        rec.sql = "\n".join(sql)
        has_sep = i < n and lines[i].rstrip("\r") == "----"
        if has_sep:
            i += 1
            body = []
            while i < n and lines[i].rstrip("\r") != "":
                body.append(lines[i].rstrip("\r"))
                i += 1
            if rec.kind == "statement":
                if rec.expect_ok:
                    err(lineno, "`statement ok` has no `----` section")
                if len(body) != 1:
                    err(lineno, "`statement error` takes one line of expected message after `----`")
                rec.message = body[0]
            else:
                rec.expected = body
        elif rec.kind == "query":
            err(lineno, "query without `----`")
        records.append(rec)
    if conditions:
        err(n, "skipif/onlyif at the end of the file")
    return records


def render(value):
    if value is None:
        return "NULL"
    if value == "":
        return "(empty)"
    return str(value)


def _expected_rows(rec, ncols):
    lines = rec.expected
    if ncols > 1 and lines and not any("\t" in x for x in lines):
        if len(lines) % ncols:
            return None
        return [lines[k:k + ncols] for k in range(0, len(lines), ncols)]
    return [x.split("\t") for x in lines]


def _lines(rows):
    return ["\t".join(r) for r in rows]


def _is_connection_lost(conn, exc):
    return conn.closed != 0 or isinstance(exc, (psycopg2.OperationalError, psycopg2.InterfaceError)) \
        and getattr(exc, "pgcode", None) is None


def _describe(exc):
    code = getattr(exc, "pgcode", None)
    primary, full = _error_message(exc)
    text = primary or full.strip().replace("\n", " | ")
    return "%s: %s" % (code or "(no SQLSTATE)", text)


def _error_message(exc):
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    return primary or "", (getattr(exc, "pgerror", None) or str(exc))


def run_records(conn, records, path, label):
    failures = []
    for rec in records:
        if not rec.applies(label):
            continue
        if rec.kind == "halt":
            break
        cur = conn.cursor()
        try:
            try:
                # No parameters: psycopg2 sends the text as-is (a `%` stays a `%`).
                cur.execute(rec.sql)
                rows = cur.fetchall() if cur.description is not None else None
                ncols = len(cur.description) if cur.description is not None else 0
            except psycopg2.Error as e:
                if _is_connection_lost(conn, e):
                    failures.append(Failure(path, rec.line, rec.sql, "connection lost: %s; rest of the file skipped"
                                            % _describe(e)))
                    return failures
                if rec.kind == "statement" and not rec.expect_ok:
                    code = getattr(e, "pgcode", None)
                    primary, full = _error_message(e)
                    if rec.sqlstate is not None and code != rec.sqlstate:
                        failures.append(Failure(path, rec.line, rec.sql, "wrong error",
                                                expected=["SQLSTATE " + rec.sqlstate], got=[_describe(e)]))
                    elif rec.message is not None and rec.message not in primary and rec.message not in full:
                        failures.append(Failure(path, rec.line, rec.sql, "wrong error message",
                                                expected=["message containing: " + rec.message],
                                                got=[_describe(e)]))
                else:
                    failures.append(Failure(path, rec.line, rec.sql, "unexpected error",
                                            expected=["success"], got=[_describe(e)]))
                continue
        finally:
            cur.close()
        if rec.kind == "statement":
            if not rec.expect_ok:
                want = "an error" + (" with SQLSTATE " + rec.sqlstate if rec.sqlstate else "") + \
                       (" containing: " + rec.message if rec.message else "")
                failures.append(Failure(path, rec.line, rec.sql, "statement succeeded, expected an error",
                                        expected=[want], got=["success"]))
            continue
        # query
        if rows is None:
            failures.append(Failure(path, rec.line, rec.sql, "query returned no result set (a command?)",
                                    expected=rec.expected, got=[]))
            continue
        if ncols != len(rec.types):
            failures.append(Failure(path, rec.line, rec.sql, "query returned %d columns, `query %s` says %d"
                                    % (ncols, rec.types, len(rec.types)),
                                    expected=rec.expected, got=_lines([[render(v) for v in r] for r in rows])))
            continue
        got = [[render(v) for v in r] for r in rows]
        want = _expected_rows(rec, ncols)
        if want is None:
            failures.append(Failure(path, rec.line, rec.sql, "expected value count is not a multiple of %d" % ncols,
                                    expected=rec.expected, got=_lines(got)))
            continue
        if rec.sort == "rowsort":
            got_cmp, want_cmp = _lines(sorted(got)), _lines(sorted(want))
        elif rec.sort == "valuesort":
            got_cmp = sorted(v for r in got for v in r)
            want_cmp = sorted(v for r in want for v in r)
        else:
            got_cmp, want_cmp = _lines(got), _lines(want)
        if got_cmp != want_cmp:
            failures.append(Failure(path, rec.line, rec.sql, "wrong result (%s)" % rec.sort,
                                    expected=want_cmp, got=got_cmp))
    return failures


def run_file(conn_factory, path, label):
    """Runs one .test file on a new connection from conn_factory(); returns the failures."""
    if label not in LABELS:
        raise ValueError("label must be one of %s" % (LABELS,))
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        records = parse(text, path)
    except ParseError as e:
        return [Failure(path, 0, "", "parse error: %s" % e)]
    try:
        conn = conn_factory()
    except psycopg2.Error as e:
        return [Failure(path, 0, "", "cannot connect: %s" % _describe(e))]
    try:
        conn.autocommit = True
        raw_text(conn)
        return run_records(conn, records, path, label)
    finally:
        conn.close()


def default_files():
    return sorted(glob.glob(os.path.join(SQL_DIR, "*.test")))


def run_files(conn_factory, paths, label, out=sys.stdout):
    """Runs every file, prints failures and a summary; returns the failure count."""
    total = 0
    for path in paths:
        failures = run_file(conn_factory, path, label)
        total += len(failures)
        print("%-40s %s" % (path, "ok" if not failures else "%d FAILED" % len(failures)),
              file=out, flush=True)
        for fl in failures:
            print(str(fl), file=out, flush=True)
    print("%d file(s), %d failure(s) [label %s]" % (len(paths), total, label), file=out, flush=True)
    return total


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run sqllogictest files against a PostgreSQL-speaking server.")
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--postgres", action="store_true", help="start Debian's PostgreSQL 15 for the run")
    where.add_argument("--port", type=int, help="port of a running server on --host")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--user", default="postgres")
    ap.add_argument("--dbname", default="postgres")
    ap.add_argument("--label", choices=LABELS, help="skipif/onlyif label (default: postgres or lumadb)")
    ap.add_argument("files", nargs="*", help="default: every tests/sql/*.test")
    args = ap.parse_args(argv)
    paths = args.files or default_files()
    if args.postgres:
        import pg_harness
        with pg_harness.RealPostgres() as pg:
            return 1 if run_files(lambda: pg.connect(args.dbname), paths, args.label or "postgres") else 0

    def factory():
        return psycopg2.connect(host=args.host, port=args.port, user=args.user, dbname=args.dbname,
                                connect_timeout=10)
    return 1 if run_files(factory, paths, args.label or "lumadb") else 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())

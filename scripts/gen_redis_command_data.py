#!/usr/bin/env python3
"""Generates src/protocol/resp/command_data.cc from a real redis-server.

Development-time only (the build never runs it): starts Debian's
redis-server on a free port (or uses --port), asks it `COMMAND INFO` and
`COMMAND DOCS` over RESP3, and writes each command's two replies, as the
server sent them, into a C++ table. LumaDB parses those replies at start and
answers COMMAND INFO / COMMAND DOCS from them for the commands it implements,
so redis-cli's hints and key specs are exactly redis-server 7.0's.

Usage: scripts/gen_redis_command_data.py [--port N] [--out FILE]
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time


class Reader:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.pos = 0

    def _need(self, n):
        while len(self.buf) - self.pos < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n", self.pos)
            if i >= 0:
                line = self.buf[self.pos:i]
                self.pos = i + 2
                return line
            self._need(len(self.buf) - self.pos + 1)

    def value(self):
        """Returns (python value, raw bytes of this element)."""
        start = self.pos
        line = self._line()
        t, rest = line[:1], line[1:]
        if t in (b"+", b"-"):
            v = rest.decode()
        elif t == b":":
            v = int(rest)
        elif t in (b"$", b"="):
            n = int(rest)
            if n < 0:
                v = None
            else:
                self._need(n + 2)
                v = self.buf[self.pos:self.pos + n].decode()
                self.pos += n + 2
        elif t in (b"*", b"~"):
            v = [self.value()[0] for _ in range(int(rest))]
        elif t == b"%":
            v = {}
            for _ in range(int(rest)):
                k = self.value()[0]
                v[k] = self.value()[0]
        elif t == b"_":
            v = None
        else:
            raise ValueError("unexpected RESP3 type %r" % line)
        return v, self.buf[start:self.pos]

    def map_entries(self):
        """Reads a top-level map; yields (key, raw value bytes)."""
        line = self._line()
        assert line[:1] == b"%", line
        for _ in range(int(line[1:])):
            key, _ = self.value()
            _, raw = self.value()
            yield key, raw

    def array_items(self):
        line = self._line()
        assert line[:1] == b"*", line
        for _ in range(int(line[1:])):
            yield self.value()


def c_literal_lines(raw, width=96):
    """Splits raw bytes into C string literals, breaking after CRLFs."""
    out, cur = [], ""
    i = 0
    while i < len(raw):
        b = raw[i]
        if b == 0x0D and raw[i + 1:i + 2] == b"\n":
            cur += "\\r\\n"
            i += 2
            if len(cur) >= width:
                out.append('"%s"' % cur)
                cur = ""
            continue
        c = chr(b)
        if c == '"' or c == "\\":
            cur += "\\" + c
        elif 32 <= b < 127 and c != "?":
            cur += c
        else:
            cur += "\\%03o" % b
        i += 1
    if cur:
        out.append('"%s"' % cur)
    return out


def fetch(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    r = Reader(sock)
    sock.sendall(b"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n")
    hello, _ = r.value()
    version = hello["version"]
    sock.sendall(b"*2\r\n$7\r\nCOMMAND\r\n$4\r\nINFO\r\n")
    infos = {}
    for value, raw in r.array_items():
        infos[value[0]] = raw
    sock.sendall(b"*2\r\n$7\r\nCOMMAND\r\n$4\r\nDOCS\r\n")
    docs = dict(r.map_entries())
    sock.close()
    return version, infos, docs


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, help="use a running redis-server instead of starting one")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "src", "protocol", "resp", "command_data.cc"))
    args = ap.parse_args()
    proc, tmp = None, None
    port = args.port
    if port is None:
        port = free_port()
        tmp = tempfile.mkdtemp(prefix="gen-cmd-data-")
        proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no", "--dir", tmp, "--daemonize", "no"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
    try:
        version, infos, docs = fetch(port)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
            shutil.rmtree(tmp, ignore_errors=True)
    names = sorted(infos)
    missing = [n for n in names if n not in docs]
    if missing:
        sys.exit("no COMMAND DOCS for: %s" % ", ".join(missing))
    lines = [
        "// Generated by scripts/gen_redis_command_data.py from redis-server %s: do not edit." % version,
        "// Each command's COMMAND INFO and COMMAND DOCS replies, in RESP3, as that server sent them.",
        '#include "protocol/resp/command_data.h"',
        "",
        "namespace lumadb::protocol::resp {",
        "",
        "const std::vector<CommandData>& RedisCommandData() {",
        "  static const std::vector<CommandData> kData = {",
    ]
    for n in names:
        lines.append('      {"%s",' % n)
        for part in c_literal_lines(infos[n]):
            lines.append("       " + part)
        lines.append("       ,")
        for part in c_literal_lines(docs[n]):
            lines.append("       " + part)
        lines.append("      },")
    lines += ["  };", "  return kData;", "}", "", "}  // namespace lumadb::protocol::resp", ""]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("wrote %d commands from redis-server %s to %s" % (len(names), version, args.out))


if __name__ == "__main__":
    main()

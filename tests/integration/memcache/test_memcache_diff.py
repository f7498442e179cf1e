"""Differential test: the same raw requests to Debian's memcached 1.6.18 and to
LumaDB, replies compared byte for byte.

Both servers start empty and get the same steps in the same order, each step
on a new connection and followed by a sentinel request whose reply marks the
end of the step's replies. Only what memcached itself does not repeat is masked: CAS values are
renumbered in order of appearance (so equal stays equal), TTLs, access times
and the volatile stats values.
"""
import os
import re
import socket
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402

K251 = b"k" * 251
BIG = 1048576 - 59 - 3  # the largest value for a 3-byte key

STEPS = [
    # Framing and unknown commands.
    b"\r\n", b"\n", b"x\r\n", b"GET a\r\n", b"get\r\n", b"get \r\n", b"gets\r\n", b"mx\r\n", b"bogus a b c\r\n",
    b"set\ta 0 0 1\r\nx\r\n", b"get a\x00b c\r\n", b"set a\x00 0 0 1\r\nx\r\n", b"version\r\n", b"version x\r\n",
    b"  get  a   a \r\n", b"set a 0 0 3\nabc\r\nget a\n",
    # Storage.
    b"set a 5 0 3\r\nabc\r\nget a\r\ngets a\r\n",
    b"set a 0 0\r\n", b"set a 0 0 1 noreply extra\r\n", b"set a 0 0 1 foo\r\nx\r\nget a\r\n",
    b"set a x 0 1\r\nx\r\n", b"set a -1 0 1\r\nx\r\n", b"set a 0 x 1\r\nx\r\n", b"set a 0 0 -1\r\n",
    b"set a 0 0 abc\r\n", b"set a 4294967295 0 1\r\nx\r\nget a\r\n", b"set a 4294967296 0 1\r\nx\r\nget a\r\n",
    b"set a 18446744073709551616 0 1\r\nx\r\n", b"set a 0 0 4294967299\r\nabc\r\nget a\r\n",
    b"set a 0 0 2147483646\r\nabc\r\n", b"set a 0 0 3\r\nabcd\r\n", b"set a 0 0 3\r\nab\r\n\r\n",
    b"set a 0 0 3\r\nabc\r\r\nget a\r\n", b"set a 0 0 3 noreply\r\nabc\r\nget a\r\n",
    b"set a 0 0 3 noreply\r\nabcde\r\nget a\r\n", b"set a x 0 1 noreply\r\nx\r\n",
    b"set " + K251 + b" 0 0 1\r\nx\r\n", b"set " + K251 + b" 0 0 1 noreply\r\nx\r\n",
    b"set " + b"k" * 250 + b" 0 0 1\r\nx\r\nget " + b"k" * 250 + b"\r\n",
    b"set e 0 0 0\r\n\r\nget e\r\n", b"set bin 0 0 6\r\n\r\n\x00\xff\r\n\r\nget bin\r\n",
    b"add a 0 0 1\r\nx\r\nadd new1 3 0 1\r\nq\r\nget new1\r\n",
    b"replace nope 3 0 1\r\nq\r\nprepend nope 3 0 1\r\nq\r\nappend nope 0 0 1\r\nq\r\n",
    b"set e 7 100 1\r\nx\r\nappend e 9 0 1\r\ny\r\nprepend e 9 0 1\r\nz\r\ngets e\r\nmg e t f\r\n",
    b"replace e 3 0 1\r\nq\r\ngets e\r\nmg e t f\r\n",
    b"set a 0 0 1 noreply\r\nx\r\nappend a 0 0 1 noreply\r\ny\r\nprepend a 0 0 1 noreply\r\nz\r\nget a\r\n",
    b"cas a 0 0 1\r\nx\r\n", b"cas a 0 0 1 abc\r\nx\r\n", b"cas zz 0 0 1 5\r\nx\r\n", b"cas a 0 0 1 0\r\nq\r\n",
    b"cas a 0 0 1 5 noreply\r\nx\r\n", b"set c 0 0 1\r\nx\r\ngets c\r\ncas c 0 0 1 999999\r\ny\r\n",
    # Big values: the largest that fits, one byte more, and far more.
    b"set big 0 0 %d\r\n" % BIG + b"v" * BIG + b"\r\nget big\r\n",
    b"set big 0 0 %d\r\n" % (BIG + 1) + b"v" * (BIG + 1) + b"\r\nget big\r\n",
    b"set big 1 0 %d\r\n" % (BIG - 4) + b"v" * (BIG - 4) + b"\r\nset big 1 0 %d\r\n" % (BIG - 3) +
    b"v" * (BIG - 3) + b"\r\n",
    b"set big 0 0 2000000 noreply\r\n" + b"v" * 2000000 + b"\r\nget big\r\n",
    b"set big 0 0 100\r\n" + b"v" * 100 + b"\r\nappend big 0 0 %d\r\n" % BIG + b"v" * BIG + b"\r\n",
    b"ms big 2000000 T0\r\n" + b"v" * 2000000 + b"\r\n",
    # Retrieval.
    b"set a 0 0 1\r\nx\r\nget a a a\r\ngets a zz a\r\n", b"get a " + K251 + b" a\r\n", b"get " + K251 + b"\r\n",
    b"get a noreply\r\n", b"get " + b" ".join(b"k%d" % i for i in range(100)) + b" a\r\n",
    b"gat\r\n", b"gat 10\r\n", b"gat x a\r\n", b"gat 10 a zz a\r\n", b"gats 10 a zz\r\n", b"gat -1 a\r\nget a\r\n",
    b"set a 0 100 1\r\nx\r\ngat 0 a\r\nmg a t\r\n", b"bget a\r\n",
    # Expiry.
    b"set e 0 -1 1\r\nx\r\nget e\r\n", b"set e 0 2592000 1\r\nx\r\nmg e t\r\n", b"set e 0 2592001 1\r\nx\r\nget e\r\n",
    b"set e 0 4000000000 1\r\nx\r\nmg e t v\r\n", b"set e 0 4294967296 1\r\nx\r\nmg e t\r\n",
    b"set e 0 1 1\r\nx\r\nmg e v\r\n", b"touch e -1\r\nget e\r\n",
    # incr/decr.
    b"incr a\r\n", b"incr nope 1\r\n", b"set a 0 0 1\r\nx\r\nincr a 1\r\n",
    b"set n 0 0 2\r\n10\r\nincr n 5\r\ndecr n 100\r\nincr n 18446744073709551615\r\nincr n 1\r\nget n\r\n",
    b"incr n -1\r\nincr n abc\r\nincr n 18446744073709551616\r\n", b"set n 0 0 3\r\n100\r\ndecr n 1\r\nget n\r\n",
    b"set n 0 0 3\r\n 10\r\nincr n 1\r\n", b"set n 0 0 3\r\n10 \r\nincr n 1\r\n", b"set n 0 0 3\r\n-10\r\nincr n 1\r\n",
    b"set n 0 0 2\r\n0x\r\nincr n 1\r\n", b"set n 0 0 0\r\n\r\nincr n 1\r\n", b"set n 0 0 3\r\n007\r\nincr n 1\r\n",
    b"set n 0 0 2\r\n+7\r\nincr n 1\r\n", b"set n 0 0 2\r\n-0\r\nincr n 1\r\n",
    b"set n 0 0 21\r\n184467440737095516150\r\nincr n 1\r\n", b"set n 0 0 3\r\n5\x00x\r\nincr n 1\r\n",
    b"set n 5 100 1\r\n9\r\nincr n 1\r\nmg n f t v\r\ngets n\r\n", b"incr n 1 noreply\r\nget n\r\n",
    b"incr n 1 foo\r\n", b"set a 0 0 2\r\n10\r\ndecr a 18446744073709551615\r\nget a\r\n",
    # delete, touch.
    b"delete\r\n", b"set d 0 0 1\r\nx\r\ndelete d\r\ndelete d\r\n", b"delete d 0\r\n", b"delete d 1\r\n",
    b"delete d noreply\r\n", b"delete d 0 noreply\r\n", b"delete d 0 0\r\n", b"delete d b c d\r\n",
    b"delete " + K251 + b"\r\n", b"touch a\r\n", b"touch a x\r\n", b"touch zz 10\r\n",
    b"set a 0 0 1\r\nx\r\ntouch a 10\r\ntouch a 10 noreply\r\ntouch a 10 foo\r\nmg a t\r\n",
    # Other commands.
    b"verbosity\r\n", b"verbosity 1\r\n", b"verbosity x\r\n", b"verbosity 1 noreply\r\n", b"verbosity noreply\r\n",
    b"verbosity 1 2 3\r\n", b"verbosity 0\r\n", b"shutdown\r\n", b"cache_memlimit 5\r\n", b"cache_memlimit x\r\n",
    b"cache_memlimit 2000000000\r\n", b"cache_memlimit 64\r\n", b"slabs\r\n", b"slabs reassign 1 1\r\n",
    b"slabs reassign 0 100\r\n", b"slabs reassign 1 2\r\n", b"slabs automove 3\r\n", b"slabs automove 1\r\n",
    b"lru_crawler\r\n", b"lru_crawler x\r\n", b"lru_crawler crawl all\r\n", b"lru_crawler sleep 5\r\n",
    b"lru_crawler sleep 2000000\r\n", b"lru_crawler tocrawl x\r\n",
    # flush_all.
    b"flush_all x\r\n", b"flush_all 0 0 0\r\n", b"flush_all noreply 10\r\n",
    b"set f 0 0 1\r\nx\r\nflush_all\r\nget f\r\n", b"set f 0 0 1\r\nx\r\nflush_all 1\r\nget f\r\n",
    b"set f 0 0 1\r\nx\r\nflush_all 60\r\nget f\r\nflush_all -1\r\nget f\r\n",
    b"set f 0 0 1\r\nx\r\nflush_all noreply\r\nget f\r\n",
    # Meta get/set.
    b"mg\r\n", b"mg a\r\n", b"mg a v\r\n", b"ms a 3\r\nabc\r\nmg a\r\nmg a v\r\n",
    b"ms a 3 T0 F5\r\nabc\r\nmg a s v f t c k O123 q h l\r\nmg a h\r\n", b"ms a 3 c\r\nabc\r\n",
    b"ms a 3 k c O9 b\r\nabc\r\n", b"ms YWJj 3 k c O9 b\r\nabc\r\nmg YWJj b k v\r\nmg abc k v\r\nme abc\r\n",
    b"mg zz s v f t c k Oxx q\r\nmn\r\n", b"mg zz s v f t c k Oxx\r\n", b"mg zz k b\r\n", b"mg enp6 k b\r\n",
    b"mg a x\r\n", b"mg a v v\r\n", b"mg a vv\r\n", b"mg a v\tk\r\n", b"mg a \x80\r\n",
    b"mg a O123456789012345678901234567890123\r\n", b"mg a O1234567890123456789012345678901\r\n",
    b"mg a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\r\n", b"mg a k s v f t c h l O1 q u E5\r\n",
    b"mg a T v\r\n", b"mg a N v\r\n", b"mg a R v\r\n", b"mg a O v\r\n", b"mg a Fx\r\n", b"mg a Cx\r\n",
    b"mg a MXX\r\n", b"mg a Dx\r\n", b"mg a Jx\r\n", b"mg a C5 F5 I MS D5 J5 v\r\n", b"mg a P L v\r\n",
    b"mg " + K251 + b" v\r\n", b"mg YQ== b v\r\n", b"mg YQ b v\r\n", b"mg YWJjZA==YWJj b v\r\n", b"mg Y!Jj b v\r\n",
    b"mg viv N30 s v t c\r\nmg viv N30 s v t c\r\nmg viv v\r\n",
    b"ms r 1 T100\r\nx\r\nmg r R200 t v c\r\nmg r R200 t v\r\nmg r R50 v\r\n",
    b"ms s 1 T100\r\nx\r\nmd s I T30\r\nmg s t v c\r\nmg s t v c\r\nms s 1 T0\r\ny\r\nmg s v\r\n",
    b"ms k 2 T100\r\nhi\r\nms k 2 C1 I\r\nho\r\nmg k v t c\r\n", b"ms k 2\r\nhi\r\nms k 2 C99999999 I\r\nho\r\nmg k v\r\n",
    b"ms a\r\n", b"ms a x\r\nabc\r\n", b"ms a -1\r\nabc\r\n", b"ms a 3 x\r\nabc\r\n", b"ms a 3 MX\r\nabc\r\n",
    b"ms a 3 MEE\r\nabc\r\n", b"ms a 3 ME\r\nabc\r\n", b"ms a 3 MR\r\nabc\r\n", b"ms nn 3 MR\r\nabc\r\n",
    b"ms nn 3 MA\r\nabc\r\n", b"ms nn 3 MP\r\nabc\r\n", b"ms nn 3 MS\r\nabc\r\n",
    b"ms a 3 MA\r\nxyz\r\nmg a v\r\n", b"ms a 3 MP\r\nxyz\r\nmg a v\r\n", b"ms a 3 C1\r\nxyz\r\n",
    b"ms a 3 C0\r\nxyz\r\n", b"ms a 3 q\r\nxyz\r\n", b"ms a 3 q C1\r\nxyz\r\n", b"ms a 3 Fx\r\nxyz\r\n",
    b"ms a 3 F-1\r\nxyz\r\n", b"ms a 3 Tx\r\nxyz\r\n", b"ms a 3 T-1\r\nxyz\r\nmg a v\r\n", b"ms a 3 S3\r\nxyz\r\n",
    b"ms a 3 I\r\nxyz\r\n", b"ms a 3 b\r\nxyz\r\n", b"ms a 3\r\nxyzw\r\n", b"ms a 3 q\r\nxyzw\r\n",
    b"ms a 3 O123456789012345678901234567890123\r\nxyz\r\n", b"ms a 3 c c\r\nxyz\r\n", b"ms a 3 k\r\nxyz\r\n",
    b"ms a 1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\r\nx\r\n",
    b"ms a 1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\r\nx\r\n", b"ms a 1 F 5\r\nx\r\n",
    b"ms a 1 F4294967296\r\nx\r\nmg a f\r\n", b"ms a 1 F18446744073709551615\r\nx\r\nmg a f\r\n",
    b"ms " + K251 + b" 1\r\nx\r\n", b"ms a 01\r\nx\r\n", b"ms a +1\r\nx\r\n", b"ms a 1x\r\nx\r\n",
    b"ms a 4294967297\r\nx\r\n", b"ms a 1 c C1\r\nx\r\n", b"ms zzq 1 c C1\r\nx\r\n",
    b"ms zzq 1 c ME\r\nx\r\nms zzq 1 c ME\r\nx\r\n", b"ms kk 2 ME C1\r\nhi\r\nmg kk v\r\n",
    b"ms kz 2 MR C1\r\nhi\r\nms kz 2 C1\r\nhi\r\nms kz 2 MP C1\r\nhi\r\n",
    # Meta delete, arithmetic, debug.
    b"md\r\n", b"md s x\r\n", b"md s T\r\n", b"ms s 1\r\nx\r\nmd s q\r\nmd s q\r\n", b"md s C1\r\n",
    b"ms s 1\r\nx\r\nmd s C1\r\n", b"md s k O5 q\r\n", b"md zz k O5\r\n", b"md zz k O5 T5\r\n",
    b"ms s 1\r\nx\r\nmd s k O5 T5\r\n", b"ms s 1\r\nx\r\nmd s I k O5 T5\r\nmg s v t\r\n", b"md a2s= b k\r\n",
    b"md zzz O123456789012345678901234567890123\r\n", b"md a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\r\n",
    b"ma\r\n", b"ma n\r\n", b"ma n q\r\n", b"ma n N0 J10 v\r\n", b"ma n v\r\n", b"ma n D5 v t c k O1\r\n",
    b"ma n MD D100 v\r\n", b"ma n M- v\r\n", b"ma n M+ D18446744073709551615 v\r\n", b"ma n MI v\r\n",
    b"mg n u v\r\n", b"ma n Mx v\r\n", b"ma n MII v\r\n", b"ma n Dx v\r\n", b"ma n D-1 v\r\n", b"ma n Jx v\r\n",
    b"ma n C1 v\r\n", b"ma n q\r\n", b"ma n T100 t v\r\n", b"ma n t T100 v\r\n", b"ma nn2 N100 J5 t v c\r\n",
    b"ma nn3 J5 v\r\n", b"ms t 3\r\nabc\r\nma t v\r\n", b"ms t 0\r\n\r\nma t v\r\n", b"ms t 2\r\n99\r\nma t v\r\nmg t v\r\n",
    b"ma zz v k O1 c t\r\n", b"ma zz x\r\n", b"ma zz E1\r\n", b"ma zz s\r\n", b"ma zz b\r\n", b"ma enp6 b k\r\n",
    b"ma enp6 b k N0 v\r\nmg enp6 b k v\r\nme enp6 b\r\n", b"set n 0 0 1\r\n5\r\nma n C0 v\r\n",
    b"ma zzz O123456789012345678901234567890123\r\n", b"ma a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\r\n",
    b"me\r\n", b"me zz\r\n", b"me " + K251 + b"\r\n", b"me zz b\r\n", b"ms me 1 T100 F3\r\nx\r\nme me\r\nget me\r\nme me\r\n",
    b"me me x y\r\n", b"mn\r\n", b"mn x\r\n",
    # Stats (values masked where memcached's vary).
    b"stats detail\r\n", b"stats detail x\r\n", b"stats detail on\r\n", b"stats detail dump\r\n",
    b"stats detail off\r\n", b"stats foo\r\n", b"stats cachedump\r\n", b"stats cachedump 1\r\n",
    b"stats cachedump 1 x\r\n", b"stats cachedump 64 0\r\n", b"stats cachedump 63 0\r\n", b"stats cachedump -1 0\r\n",
    b"stats sizes\r\n", b"stats sizes_enable\r\nset sz 0 0 100\r\n" + b"0" * 100 + b"\r\nstats sizes\r\n",
    b"stats sizes_disable\r\n", b"stats settings\r\n", b"stats\r\n", b"stats items\r\n", b"stats slabs\r\n",
    b"lru_crawler metadump all\r\n", b"stats reset\r\n", b"stats\r\n",
]

# Steps after which memcached closes the connection.
CLOSING_STEPS = [b"quit\r\nget a\r\n", b"quit x\r\n", b"version\r\nquit\r\nversion\r\n", b"x" * 5000,
                 b"set a 0 0 1 " + b"x" * 20000 + b"\r\nx\r\n", b"get\t" + b"x " * 20000 + b"\r\n"]

# "stats" values that must match; the rest depend on the process and clock.
STABLE_STATS = {b"version", b"pointer_size", b"cmd_get", b"cmd_set", b"cmd_flush", b"cmd_touch", b"cmd_meta",
                b"get_hits", b"get_misses", b"delete_misses", b"delete_hits", b"incr_misses", b"incr_hits",
                b"decr_misses", b"decr_hits", b"cas_misses", b"cas_hits", b"cas_badval", b"touch_hits",
                b"touch_misses", b"store_too_large", b"curr_items", b"bytes", b"limit_maxbytes",
                b"evictions", b"item_size_max", b"verbosity", b"cas_enabled", b"chunk_size", b"growth_factor",
                b"slab_chunk_max", b"detail_enabled", b"track_sizes", b"evictions", b"lru_crawler"}


# Sent after each step: its reply marks the end of the step's replies.
SENTINEL = b"mg ~end~ k\r\n"
SENTINEL_REPLY = b"EN k~end~\r\n"


def exchange(port, data, closes=False):
    """Sends one step (plus "mn" unless the step closes the connection) and
    returns the replies."""
    # memcached hands a metadump connection to its crawler, which ignores any
    # request after it: such a step ends with the dump's END.
    metadump = data.startswith(b"lru_crawler metadump")
    end = b"END\r\n" if metadump else SENTINEL_REPLY
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data if closes or metadump else data + SENTINEL)
        out = b""
        while True:
            try:
                chunk = s.recv(1 << 20)
            except ConnectionResetError:
                return out + b"<closed>"
            except socket.timeout:
                return out + b"<timeout>"
            if not chunk:
                return out + b"<closed>"
            out += chunk
            if not closes and out.endswith(end):
                return out


class Masker:
    """Renumbers CAS values by first appearance and blanks volatile numbers."""

    def __init__(self):
        self.cas = {}

    def renumber(self, value):
        if value == b"0":
            return value
        return b"%d" % self.cas.setdefault(value, len(self.cas) + 1)

    def line(self, line):
        m = re.match(rb"^(VALUE \S+ \d+ \d+) (\d+)$", line)
        if m:
            return m.group(1) + b" " + self.renumber(m.group(2))
        m = re.match(rb"^STAT (\S+) (.*)$", line)
        if m:
            name = m.group(1)
            stable = name in STABLE_STATS or re.match(rb"^\d+$", name)
            return line if stable else b"STAT " + name + b" #"
        if re.match(rb"^(VA \d+|HD|EN|NF|NS|EX|ME|key=)", line):
            line = re.sub(rb"(?<= c)(\d+)", lambda x: self.renumber(x.group(1)), line)
            line = re.sub(rb"(?<=cas=)(\d+)", lambda x: self.renumber(x.group(1)), line)
            line = re.sub(rb"(?<= t)\d+", b"#", line)  # TTLs in seconds tick independently
            line = re.sub(rb"(?<= l)\d+", b"#", line)
            line = re.sub(rb"(?<=la=)\d+", b"#", line)
            line = re.sub(rb"(?<=exp=)\d+", b"#", line)
        line = re.sub(rb"^(ITEM \S+ \[\d+ b; )[1-9]\d* s\]$", rb"\1# s]", line)
        return line

    def reply(self, data):
        lines = data.split(b"\r\n")
        out = [self.line(x) for x in lines]
        return b"\r\n".join(out)


def first_difference(want, got):
    w, g = want.split(b"\r\n"), got.split(b"\r\n")
    i = 0
    while i < min(len(w), len(g)) and w[i] == g[i]:
        i += 1
    return "  from line %d\n  memcached: %r\n  lumadb:    %r" % (i, b"\r\n".join(w[i:i + 3])[:300],
                                                               b"\r\n".join(g[i:i + 3])[:300])


def order_free(data):
    """metadump lists items in memory order: compare its lines sorted."""
    return b"\r\n".join(sorted(x for x in data.replace(b"\r\n", b"\n").split(b"\n") if x))


def class_free(data):
    """memcached keeps slab classes that held items before; LumaDB shows the
    classes in use. Compare the fields per class, not which classes."""
    lines = re.sub(rb"STAT (items:)?\d+:", rb"STAT \1N:", data).split(b"\r\n")
    return b"\r\n".join(sorted(set(x for x in lines if not x.startswith(b"STAT N:chunk_size"))))


class DiffTest(unittest.TestCase):
    def test_same_replies_as_memcached(self):
        with harness.RealServer("memcached") as real, harness.Server(disable=["redis"]) as lumadb:
            real_mask, lumadb_mask = Masker(), Masker()
            mismatches = []
            for step in STEPS:
                want = exchange(real.port, step)
                got = exchange(lumadb.memcached_port, step)
                if b"metadump" in step:
                    want, got = order_free(want), order_free(got)
                # Renumber from the real server's replies, then the same order for ours.
                want_m, got_m = real_mask.reply(want), lumadb_mask.reply(got)
                if step in (b"stats items\r\n", b"stats slabs\r\n"):
                    want_m, got_m = class_free(want_m), class_free(got_m)
                if want_m != got_m:
                    mismatches.append("step %r\n%s" % (step[:120], first_difference(want_m, got_m)))
            for step in CLOSING_STEPS:
                want = exchange(real.port, step, closes=True)
                got = exchange(lumadb.memcached_port, step, closes=True)
                if want != got:
                    mismatches.append("closing step %r\n  memcached: %r\n  lumadb:    %r" % (step[:60], want, got))
            self.assertEqual(mismatches, [], "\n".join(mismatches))

    def test_pipelined_and_split_requests(self):
        """The same bytes delivered in odd pieces give the same replies."""
        script = (b"".join(b"set k%d 0 0 %d\r\n%s\r\n" % (i, len(b"%d" % i), b"%d" % i) for i in range(300)) +
                  b"get " + b" ".join(b"k%d" % i for i in range(300)) + b"\r\n" +
                  b"set big 0 0 200000\r\n" + b"z" * 200000 + b"\r\nget big\r\nincr k7 10\r\n")
        pieces = [script[i:i + 4093] for i in range(0, len(script), 4093)]
        with harness.RealServer("memcached") as real, harness.Server(disable=["redis"]) as lumadb:
            replies = []
            for port in (real.port, lumadb.memcached_port):
                with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                    for p in pieces:
                        s.sendall(p)
                    s.sendall(SENTINEL)
                    out = b""
                    while not out.endswith(SENTINEL_REPLY):
                        chunk = s.recv(1 << 20)
                        if not chunk:
                            break
                        out += chunk
                    replies.append(out)
            self.assertEqual(replies[0], replies[1])
            self.assertTrue(replies[1].endswith(b"17\r\n" + SENTINEL_REPLY))


if __name__ == "__main__":
    unittest.main(verbosity=2)

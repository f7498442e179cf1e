"""Differential test for bit commands against Debian's redis-server."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402

BITS = [
    ("SETBIT", "b", "7", "1"), ("SETBIT", "b", "7", "0"), ("SETBIT", "b", "100", "1"), ("GETBIT", "b", "100"),
    ("GETBIT", "b", "99999"), ("GETBIT", "nob", "3"), ("SETBIT", "b", "-1", "1"), ("SETBIT", "b", "4294967296", "1"),
    ("SETBIT", "b", "1", "2"), ("SETBIT", "b", "x", "1"), ("GET", "b"), ("SET", "s", "foobar"), ("BITCOUNT", "s"),
    ("BITCOUNT", "s", "0", "0"), ("BITCOUNT", "s", "1", "1"), ("BITCOUNT", "s", "-2", "-1"), ("BITCOUNT", "s", "5", "30", "BIT"),
    ("BITCOUNT", "s", "0"), ("BITCOUNT", "s", "0", "1", "WORD"), ("BITCOUNT", "nob"), ("BITCOUNT", "s", "3", "1"),
    ("SET", "p", "\xff\xf0\x00"), ("BITPOS", "p", "0"), ("BITPOS", "p", "1", "2"), ("BITPOS", "p", "0", "1", "1"),
    ("BITPOS", "p", "1", "7", "15", "BIT"), ("BITPOS", "p", "2"), ("BITPOS", "nob", "1"), ("BITPOS", "nob", "0"),
    ("SET", "ones", "\xff\xff"), ("BITPOS", "ones", "0"), ("BITPOS", "ones", "0", "0", "1"), ("BITPOS", "p", "1", "-1"),
    ("SET", "k1", "foobar"), ("SET", "k2", "abcdef"), ("BITOP", "AND", "d", "k1", "k2"), ("GET", "d"),
    ("BITOP", "OR", "d", "k1", "k2", "nob"), ("GET", "d"), ("BITOP", "XOR", "d", "k1", "k2"), ("GET", "d"),
    ("BITOP", "NOT", "d", "k1"), ("GET", "d"), ("BITOP", "NOT", "d", "k1", "k2"), ("BITOP", "NAND", "d", "k1"),
    ("BITOP", "AND", "d", "nob"), ("EXISTS", "d"), ("LPUSH", "l", "x"), ("BITOP", "AND", "d", "l"), ("GETBIT", "l", "0"),
    ("BITFIELD", "bf", "SET", "i8", "0", "-100", "GET", "i8", "0", "GET", "u4", "0"),
    ("BITFIELD", "bf", "INCRBY", "u2", "100", "1", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "1"),
    ("BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "-100", "GET", "i8", "0"),
    ("BITFIELD", "bf", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "-100"), ("BITFIELD", "bf", "SET", "u8", "#2", "255", "GET", "u8", "#2"),
    ("BITFIELD", "bf", "GET", "u64", "0"), ("BITFIELD", "bf", "GET", "i64", "0"), ("BITFIELD", "bf", "GET", "x8", "0"),
    ("BITFIELD", "bf", "OVERFLOW", "MAYBE"), ("BITFIELD", "bf", "GET", "u8"), ("BITFIELD", "bf", "FOO"),
    ("BITFIELD", "nob", "GET", "u8", "0"), ("EXISTS", "nob"), ("BITFIELD_RO", "bf", "GET", "u8", "0"),
    ("BITFIELD_RO", "bf", "SET", "u8", "0", "1"), ("BITFIELD", "bf"), ("BITFIELD", "bf", "INCRBY", "u63", "0", "9223372036854775807"),
    ("BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "9223372036854775807"),
]


class DiffBitsTest(unittest.TestCase):
    def test_bits(self):
        mismatches = harness.diff_against_redis(BITS)
        self.assertEqual(mismatches, [], "\n" + "\n".join(mismatches))


if __name__ == "__main__":
    unittest.main(verbosity=2)

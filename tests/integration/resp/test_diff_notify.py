"""Differential test for keyspace notifications: one connection PSUBSCRIBEs
__key*__:* and records every message, another runs scripts of every command
family under several notify-keyspace-events settings; the recorded message
sequences of Debian's redis-server and LumaDB must be identical. A sentinel
PUBLISH at the end tells when every event has arrived. Also keymiss events of
read lookups, CONFIG SET/GET of the setting, expiry events (lazy and active),
MULTI/EXEC, EVAL and FCALL, other databases, blocked clients served later, and
the start-up option."""
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import NOCMP, RespConn  # noqa: E402

SENTINEL = "__keyevent@15__:sentinel"  # matches the pattern, so it queues behind every event
SLEEP = "sleep"      # step ("sleep", seconds)
RESTORE = "restore"  # step ("restore", src, dst, ttl, options...): DUMP src, RESTORE dst from it

STRINGS = [
    ("SET", "s", "1"), ("SET", "s", "2"), ("SET", "s", "3", "NX"), ("SET", "s", "4", "XX"), ("SET", "nos", "1", "XX"),
    ("SET", "s", "5", "GET"), ("SET", "s", "6", "EX", "100"), ("SET", "s", "7", "KEEPTTL"), ("SET", "s", "8", "PX", "100000"),
    ("SET", "s2", "x", "NX", "GET"), ("SET", "s", "1", "EX", "0"), ("SETNX", "s", "x"), ("SETNX", "s3", "x"),
    ("SETEX", "s4", "100", "v"), ("PSETEX", "s5", "100000", "v"), ("SETEX", "s4", "0", "v"), ("GETSET", "s", "9"),
    ("GETSET", "s6", "1"), ("GETDEL", "s6"), ("GETDEL", "s6"), ("GETEX", "s", "EX", "100"), ("GETEX", "s", "PERSIST"),
    ("GETEX", "s", "PERSIST"), ("GETEX", "s"), ("GETEX", "s", "PX", "100000"), ("GETEX", "s", "PXAT", "1"),
    ("GETEX", "nos", "EX", "10"), ("MSET", "a", "1", "b", "2", "a", "3"), ("MSETNX", "a", "1", "c", "2"),
    ("MSETNX", "c", "1", "d", "2"), ("APPEND", "a", "x"), ("APPEND", "ap", ""), ("APPEND", "ap", ""),
    ("INCR", "n"), ("INCRBY", "n", "5"), ("DECR", "n"), ("DECRBY", "n", "2"), ("INCR", "a"), ("INCRBYFLOAT", "n", "1.5"),
    ("INCRBYFLOAT", "f", "2"), ("INCRBYFLOAT", "a", "1"), ("SETRANGE", "a", "1", "yz"), ("SETRANGE", "a", "0", ""),
    ("SETRANGE", "sr", "0", ""), ("SETRANGE", "sr", "3", "x"), ("GET", "a"), ("STRLEN", "a"), ("GETRANGE", "a", "0", "1"),
    ("MGET", "a", "b", "nope"), ("LCS", "a", "b"), ("HSET", "h", "f", "v"), ("SET", "h", "replaced"),
    ("APPEND", "h", "!"), ("INCR", "h"),
]

GENERIC = [
    ("SET", "k", "v"), ("EXPIRE", "k", "100"), ("EXPIRE", "k", "100", "NX"), ("EXPIRE", "k", "200", "XX"),
    ("EXPIRE", "k", "50", "GT"), ("EXPIRE", "k", "50", "LT"), ("PEXPIRE", "k", "200000"), ("EXPIREAT", "k", "9999999999"),
    ("PEXPIREAT", "k", "9999999999000"), ("PERSIST", "k"), ("PERSIST", "k"), ("PERSIST", "nok"), ("EXPIRE", "nok", "10"),
    ("EXPIRE", "k", "-1"), ("SET", "k", "v"), ("EXPIRE", "k", "0"), ("SET", "k", "v"), ("PEXPIREAT", "k", "1"),
    ("SET", "k", "v"), ("EXPIREAT", "k", "1"), ("SET", "k", "v"), ("EXPIRE", "k", "x"),
    ("MSET", "a", "1", "b", "2", "c", "3"), ("DEL", "a", "nope", "b"), ("UNLINK", "c", "c"), ("DEL", "nope"),
    ("SET", "r1", "x"), ("RENAME", "r1", "r2"), ("RENAME", "r1", "r2"), ("SET", "r3", "y"), ("RENAME", "r2", "r3"),
    ("RENAME", "r3", "r3"), ("RENAMENX", "r3", "r4"), ("SET", "r5", "z"), ("RENAMENX", "r4", "r5"),
    ("RENAMENX", "r4", "r4"), ("SET", "e", "v", "EX", "100"), ("RENAME", "e", "e2"), ("TTL", "e2"),
    ("COPY", "r4", "c1"), ("COPY", "r4", "c1"), ("COPY", "r4", "c1", "REPLACE"), ("COPY", "r4", "c2", "DB", "3"),
    ("COPY", "nope", "c3"), ("COPY", "r4", "r4"), ("MOVE", "c1", "4"), ("MOVE", "c1", "4"), ("SET", "c1", "again"),
    ("MOVE", "c1", "4"), ("MOVE", "nope", "4"), ("RPUSH", "dl", "1", "2"), (RESTORE, "dl", "rs", "0"),
    (RESTORE, "dl", "rs", "0"), (RESTORE, "dl", "rs", "0", "REPLACE"), (RESTORE, "dl", "rs2", "100000"),
    (RESTORE, "dl", "rs2", "1", "ABSTTL", "REPLACE"), (RESTORE, "dl", "rs3", "1", "ABSTTL"), ("EXISTS", "rs", "rs2"),
    ("TOUCH", "rs", "nope"), ("TYPE", "rs"), ("OBJECT", "ENCODING", "rs"), ("DUMP", "rs", NOCMP),
]

LISTS = [
    ("LPUSHX", "l", "a"), ("RPUSH", "l", "a", "b", "c", "d", "e"), ("LPUSH", "l", "z"), ("LPUSHX", "l", "y"),
    ("RPUSHX", "l", "f"), ("LPOP", "l"), ("RPOP", "l", "2"), ("LPOP", "l", "0"), ("LPOP", "nol"), ("LPOP", "nol", "0"),
    ("LSET", "l", "0", "q"), ("LSET", "l", "99", "q"), ("LSET", "nol", "0", "q"), ("LINSERT", "l", "BEFORE", "q", "w"),
    ("LINSERT", "l", "AFTER", "nope", "w"), ("LINSERT", "nol", "AFTER", "q", "w"), ("LREM", "l", "0", "nope"),
    ("LREM", "l", "1", "q"), ("LTRIM", "l", "0", "-1"), ("LTRIM", "l", "1", "2"), ("LTRIM", "nol", "0", "1"),
    ("LTRIM", "l", "5", "10"), ("EXISTS", "l"), ("RPUSH", "l", "a", "b", "c"), ("LREM", "l", "0", "a"),
    ("LREM", "l", "0", "b"), ("LREM", "l", "0", "c"), ("RPUSH", "m", "1", "2", "3"), ("RPOPLPUSH", "m", "m"),
    ("LMOVE", "m", "m", "LEFT", "RIGHT"), ("LMOVE", "m", "m2", "LEFT", "LEFT"), ("LMOVE", "m", "m2", "RIGHT", "RIGHT"),
    ("RPOPLPUSH", "m", "m2"), ("RPOPLPUSH", "m", "m2"), ("LMOVE", "nol", "m2", "LEFT", "LEFT"), ("SET", "str", "x"),
    ("LMOVE", "m2", "str", "LEFT", "LEFT"), ("LMOVE", "str", "m2", "LEFT", "LEFT"),
    ("LMPOP", "2", "nol", "m2", "LEFT"), ("LMPOP", "1", "m2", "RIGHT", "COUNT", "10"), ("LMPOP", "1", "m2", "LEFT"),
    ("RPUSH", "b", "1", "2", "3"), ("BLPOP", "nol", "b", "0"), ("BRPOP", "b", "0"), ("BLMOVE", "b", "b2", "RIGHT", "LEFT", "0"),
    ("BLMOVE", "b", "b2", "RIGHT", "LEFT", "0.01"), ("BLMPOP", "0", "1", "b2", "RIGHT", "COUNT", "5"),
    ("BLPOP", "b", "0.01"), ("LPUSH", "p", "x"), ("LPOP", "p", "5"), ("LRANGE", "m", "0", "-1"), ("LLEN", "m"),
]

HASHES = [
    ("HSET", "h", "a", "1", "b", "2"), ("HSET", "h", "a", "1"), ("HMSET", "h", "c", "3"), ("HSETNX", "h", "a", "5"),
    ("HSETNX", "h", "z", "5"), ("HSETNX", "h2", "z", "5"), ("HDEL", "h", "nope"), ("HDEL", "noh", "a"),
    ("HDEL", "h", "a", "b"), ("HINCRBY", "h", "c", "2"), ("HINCRBY", "h", "c", "x"), ("HINCRBYFLOAT", "h", "c", "1.5"),
    ("HINCRBY", "h3", "x", "1"), ("HINCRBYFLOAT", "h4", "x", "1"), ("HSET", "h", "s", "str"), ("HINCRBY", "h", "s", "1"),
    ("HINCRBYFLOAT", "h", "s", "1"), ("HDEL", "h", "c", "z", "s"), ("EXISTS", "h"), ("HGET", "h2", "z"),
    ("HGETALL", "h3"), ("SET", "str", "x"), ("HSET", "str", "a", "b"), ("HDEL", "str", "a"),
]

SETS = [
    ("SADD", "s", "a", "b", "c"), ("SADD", "s", "a"), ("SREM", "s", "x"), ("SREM", "nos", "x"), ("SREM", "s", "a"),
    ("SPOP", "s", "0"), ("SPOP", "nos"), ("SPOP", "s", NOCMP), ("SPOP", "s", "5", NOCMP), ("SPOP", "s"),
    ("SADD", "s1", "a", "b"), ("SADD", "s2", "b", "c"), ("SINTERSTORE", "d", "s1", "s2"), ("SINTERSTORE", "d", "s1", "nos"),
    ("SINTERSTORE", "d", "s1", "nos"), ("SUNIONSTORE", "d", "s1", "s2"), ("SDIFFSTORE", "d", "s1", "s2"),
    ("SDIFFSTORE", "d", "s1", "s1"), ("SUNIONSTORE", "d", "nos"), ("SDIFFSTORE", "s1", "s1", "s2"),
    ("SADD", "s3", "1", "2", "3", "4", "5"), ("SPOP", "s3", "2", NOCMP), ("SPOP", "s3", "3", NOCMP),
    ("SMOVE", "s2", "s2", "b"), ("SMOVE", "s2", "s2", "zz"), ("SMOVE", "s2", "nos2", "zz"), ("SMOVE", "s2", "d2", "c"),
    ("SADD", "d2", "b"), ("SMOVE", "s2", "d2", "b"), ("SADD", "s4", "x", "y"), ("SMOVE", "s4", "d2", "x"),
    ("SET", "str", "x"), ("SINTERSTORE", "str", "d2"), ("SMOVE", "d2", "str", "b"), ("SMEMBERS", "nos"),
    ("SINTERSTORE", "d", "s4"), ("SCARD", "d"),
]

ZSETS = [
    ("ZADD", "z", "1", "a", "2", "b"), ("ZADD", "z", "1", "a"), ("ZADD", "z", "3", "a"), ("ZADD", "z", "XX", "1", "q"),
    ("ZADD", "noz", "XX", "1", "q"), ("ZADD", "z", "NX", "5", "a"), ("ZADD", "z", "INCR", "2", "a"),
    ("ZADD", "z", "XX", "INCR", "2", "q"), ("ZADD", "z", "CH", "9", "a"), ("ZADD", "z", "GT", "1", "a"),
    ("ZADD", "z", "LT", "1", "a"), ("ZADD", "z", "GT", "CH", "20", "a"), ("ZADD", "z", "NX", "XX", "1", "a"),
    ("ZADD", "z", "NX", "INCR", "1", "a"), ("ZINCRBY", "z", "1", "b"), ("ZINCRBY", "z2", "1", "b"),
    ("ZINCRBY", "z", "x", "b"), ("ZREM", "z", "nope"), ("ZREM", "noz", "a"), ("ZREM", "z", "b"),
    ("ZADD", "z", "1", "c", "2", "d", "3", "e"), ("ZREMRANGEBYSCORE", "z", "100", "200"),
    ("ZREMRANGEBYSCORE", "z", "1", "1"), ("ZREMRANGEBYRANK", "z", "5", "9"), ("ZREMRANGEBYRANK", "z", "0", "0"),
    ("ZREMRANGEBYLEX", "z", "[x", "[y"), ("ZREMRANGEBYLEX", "z", "-", "+"), ("EXISTS", "z"),
    ("ZADD", "z", "1", "a", "2", "b", "3", "c"), ("ZPOPMIN", "z"), ("ZPOPMAX", "z", "1"), ("ZPOPMIN", "z", "0"),
    ("ZPOPMIN", "noz"), ("ZPOPMIN", "z", "10"), ("ZADD", "a", "1", "x", "2", "y"), ("ZADD", "b", "1", "y", "2", "z"),
    ("SADD", "sset", "x", "w"), ("ZUNIONSTORE", "d", "2", "a", "b"), ("ZINTERSTORE", "d", "2", "a", "b"),
    ("ZDIFFSTORE", "d", "2", "a", "b"), ("ZINTERSTORE", "d", "2", "a", "noz"), ("ZINTERSTORE", "d", "2", "a", "noz"),
    ("ZUNIONSTORE", "d2", "2", "a", "sset"), ("ZRANGESTORE", "e", "a", "0", "-1"), ("ZRANGESTORE", "e", "a", "5", "10"),
    ("ZRANGESTORE", "e", "a", "5", "10"), ("ZRANGESTORE", "e", "a", "(1", "+inf", "BYSCORE"), ("ZADD", "e2", "1", "q"),
    ("ZUNIONSTORE", "e2", "1", "noz"), ("ZMPOP", "1", "a", "MIN"), ("ZMPOP", "2", "noz", "a", "MAX", "COUNT", "5"),
    ("ZADD", "a", "1", "q"), ("BZPOPMIN", "a", "0"), ("ZADD", "a", "1", "q", "2", "r"), ("BZPOPMAX", "a", "0"),
    ("BZMPOP", "0", "1", "a", "MAX"), ("BZPOPMIN", "a", "0.01"), ("ZADD", "z3", "1", "a"), ("ZRANGE", "z3", "0", "-1"),
    ("ZSCORE", "z3", "a"), ("SET", "str", "x"), ("ZADD", "str", "1", "a"), ("ZUNIONSTORE", "str", "1", "z3"),
]

BITS = [
    ("SETBIT", "bb", "3", "1"), ("SETBIT", "bb", "3", "1"), ("SETBIT", "bb", "3", "0"), ("SETBIT", "bb", "100", "0"),
    ("SETBIT", "bc", "3", "0"), ("SETBIT", "bb", "x", "1"), ("GETBIT", "bb", "3"), ("BITCOUNT", "bb"),
    ("BITOP", "AND", "dest", "bb", "nope"), ("BITOP", "OR", "dest", "nope", "nope2"), ("BITOP", "OR", "dest", "nope"),
    ("BITOP", "NOT", "dest", "bb"), ("BITOP", "XOR", "dest", "bb", "bc"), ("BITFIELD", "bf", "SET", "u8", "0", "255"),
    ("BITFIELD", "bf", "GET", "u8", "0"), ("BITFIELD", "bf", "INCRBY", "u8", "0", "10"),
    ("BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "255"), ("BITFIELD", "bf", "SET", "u8", "0", "9"),
    ("BITFIELD_RO", "bf", "GET", "u8", "0"), ("BITFIELD", "bf2", "GET", "u8", "0"),
    ("BITFIELD", "bf3", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300"), ("BITFIELD", "bf4", "SET", "u8", "0", "0"),
    ("BITFIELD", "bf", "GET", "u8", "0", "SET", "u4", "0", "1", "INCRBY", "u4", "4", "1"), ("BITPOS", "bb", "1"),
]

GEO = [
    ("GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"),
    ("GEOADD", "g", "13.361389", "38.115556", "Palermo"), ("GEOADD", "g", "XX", "13.361389", "38.115556", "Palermo"),
    ("GEOADD", "g", "XX", "13.5", "38.1", "Palermo"), ("GEOADD", "g", "NX", "13.5", "38.1", "Palermo"),
    ("GEOADD", "nog", "XX", "13.5", "38.1", "Palermo"), ("GEOADD", "g", "CH", "NX", "1", "1", "Null"),
    ("GEORADIUS", "g", "15", "37", "200", "km", "STORE", "gs"), ("GEORADIUS", "g", "15", "37", "200", "km", "STOREDIST", "gd"),
    ("GEOSEARCHSTORE", "gs2", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"),
    ("GEOSEARCHSTORE", "gs2", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"),
    ("GEOSEARCHSTORE", "gs2", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"),
    ("GEOSEARCHSTORE", "gs2", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"),
    ("GEORADIUSBYMEMBER", "g", "Palermo", "10", "km", "STORE", "gs3"), ("GEORADIUS", "g", "0", "0", "1", "km", "STORE", "gs"),
    ("GEORADIUS", "nog", "0", "0", "1", "km", "STORE", "gd"), ("GEOSEARCHSTORE", "gs3", "nog", "FROMLONLAT", "0", "0",
                                                                 "BYBOX", "1", "1", "km"),
    ("GEOPOS", "g", "Palermo"), ("GEODIST", "g", "Palermo", "Catania"), ("ZREM", "g", "Palermo", "Catania", "Null"),
]

SORTS = [
    ("RPUSH", "l", "3", "1", "2"), ("SORT", "l", "STORE", "s"), ("SORT", "l", "STORE", "s"), ("SORT", "nope", "STORE", "s"),
    ("SORT", "nope", "STORE", "s"), ("SORT", "l", "LIMIT", "0", "0", "STORE", "s"), ("SORT", "l", "DESC", "STORE", "l"),
    ("SADD", "ss", "b", "a"), ("SORT", "ss", "ALPHA", "STORE", "s2"), ("SORT_RO", "l"), ("SORT", "l"),
    ("MSET", "w_1", "3", "w_2", "1", "w_3", "2"), ("SORT", "l", "BY", "w_*", "GET", "#", "STORE", "s3"),
]

TRANSACTIONS = [
    ("MULTI",), ("SET", "t", "1"), ("INCR", "t"), ("RPUSH", "tl", "a"), ("LPOP", "tl"), ("EXPIRE", "t", "100"),
    ("DEL", "t"), ("EXEC",),
    ("MULTI",), ("SET", "t", "1"), ("LPUSH", "t", "x"), ("SADD", "ts", "a"), ("EXEC",),
    ("MULTI",), ("SET", "t", "2"), ("DISCARD",), ("MULTI",), ("SET", "t", "3"), ("NOSUCHCMD",), ("EXEC",),
    ("EVAL", "redis.call('set', KEYS[1], 'v'); redis.call('rpush', KEYS[2], 'a', 'b'); "
             "redis.call('lpop', KEYS[2], 2); return redis.call('incr', KEYS[3])", "3", "ek", "el", "en"),
    ("EVAL", "redis.call('hset', KEYS[1], 'f', 'v'); return redis.pcall('lpush', KEYS[1], 'x')", "1", "eh"),
    ("EVAL", "redis.call('select', 2); redis.call('set', 'in2', 'x'); return redis.call('del', 'in2')", "0"),
    ("EVAL", "return redis.call('zadd', KEYS[1], 1, 'm')", "1", "ez"), ("EVAL_RO", "return redis.call('get', 'ek')", "0"),
    ("FUNCTION", "LOAD", "#!lua name=notifylib\nredis.register_function('setit', function(keys, args) "
                         "return redis.call('set', keys[1], args[1]) end)", NOCMP),
    ("FCALL", "setit", "1", "fk", "fv"), ("FUNCTION", "DELETE", "notifylib", NOCMP),
]

DATABASES = [
    ("SELECT", "3"), ("SET", "x", "1"), ("RPUSH", "l", "a"), ("LPOP", "l"), ("MOVE", "x", "0"), ("SELECT", "0"),
    ("COPY", "x", "x", "DB", "7"), ("SELECT", "7"), ("DEL", "x"), ("EXPIRE", "nope", "1"), ("SELECT", "0"),
    ("SET", "y", "1"), ("SWAPDB", "0", "1"), ("SWAPDB", "0", "1"), ("FLUSHDB",), ("SET", "y", "2"), ("FLUSHALL",),
    ("SET", "z", "3"),
]

# Read lookups that miss emit keymiss (m); write lookups do not.
READS = [
    ("SET", "str", "x"), ("RPUSH", "l", "3", "1", "2"), ("HSET", "h_1", "f", "9"), ("SET", "w_2", "5"),
    ("GET", "nope"), ("GETRANGE", "nope", "0", "1"), ("STRLEN", "nope"), ("MGET", "nope", "str", "nope2"),
    ("LCS", "nope", "str"), ("TYPE", "nope"), ("TTL", "nope"), ("PTTL", "nope"), ("EXPIRETIME", "nope"),
    ("PEXPIRETIME", "nope"), ("EXISTS", "nope", "str", "nope"), ("TOUCH", "nope"), ("DUMP", "nope"),
    ("OBJECT", "ENCODING", "nope"), ("LLEN", "nope"), ("LRANGE", "nope", "0", "-1"), ("LRANGE", "nope", "x", "1"),
    ("LINDEX", "nope", "0"), ("LPOS", "nope", "a"), ("HGET", "nope", "f"), ("HMGET", "nope", "f"), ("HLEN", "nope"),
    ("HSTRLEN", "nope", "f"), ("HEXISTS", "nope", "f"), ("HKEYS", "nope"), ("HVALS", "nope"), ("HGETALL", "nope"),
    ("HRANDFIELD", "nope"), ("HSCAN", "nope", "0"), ("SCARD", "nope"), ("SISMEMBER", "nope", "a"),
    ("SMISMEMBER", "nope", "a"), ("SMEMBERS", "nope"), ("SRANDMEMBER", "nope"), ("SINTER", "nope", "nope2"),
    ("SUNION", "nope", "nope2"), ("SDIFF", "nope", "nope2"), ("SINTERCARD", "2", "nope", "nope2"), ("SSCAN", "nope", "0"),
    ("ZCARD", "nope"), ("ZSCORE", "nope", "a"), ("ZMSCORE", "nope", "a"), ("ZRANK", "nope", "a"),
    ("ZREVRANK", "nope", "a"), ("ZCOUNT", "nope", "0", "1"), ("ZLEXCOUNT", "nope", "-", "+"),
    ("ZRANGE", "nope", "0", "-1"), ("ZREVRANGE", "nope", "0", "-1"), ("ZRANGEBYSCORE", "nope", "0", "1"),
    ("ZRANGEBYLEX", "nope", "-", "+"), ("ZRANDMEMBER", "nope"), ("ZUNION", "2", "nope", "nope2"),
    ("ZINTER", "1", "nope"), ("ZDIFF", "1", "nope"), ("ZINTERCARD", "1", "nope"), ("ZSCAN", "nope", "0"),
    ("ZUNION", "1", "nope", "BADOPT"), ("ZUNIONSTORE", "d", "2", "nope", "str", "BADOPT"),
    ("ZRANGESTORE", "d", "nope", "0", "-1"), ("GETBIT", "nope", "0"), ("BITCOUNT", "nope"), ("BITPOS", "nope", "1"),
    ("BITFIELD_RO", "nope", "GET", "u8", "0"), ("BITFIELD", "nope", "GET", "u8", "0"), ("GEOPOS", "nope", "a"),
    ("GEODIST", "nope", "a", "b"), ("GEOHASH", "nope", "a"), ("GEOSEARCH", "nope", "FROMLONLAT", "0", "0", "BYRADIUS",
                                                               "1", "km"),
    ("GEORADIUS_RO", "nope", "0", "0", "1", "km"), ("SORT", "nope"), ("SORT_RO", "nope"),
    ("SORT", "l", "BY", "w_*", "GET", "#", "GET", "h_*->f"), ("SORT", "l", "BY", "nosort", "GET", "w_*"),
    ("SET", "nope", "x", "GET"), ("DEL", "nope"), ("GETSET", "nope2", "v"), ("GETDEL", "nope3"), ("GETEX", "nope3"),
    ("COPY", "nope3", "c"), ("SINTERSTORE", "d", "nope3"), ("BITOP", "OR", "d", "nope3", "str"),
    ("SORT", "nope3", "STORE", "d"), ("GEORADIUS", "nope3", "0", "0", "1", "km", "STORE", "d"),
    # Write lookups: no keymiss.
    ("LPOP", "nope3"), ("RPOPLPUSH", "nope3", "d"), ("SPOP", "nope3"), ("ZPOPMIN", "nope3"), ("HDEL", "nope3", "f"),
    ("SREM", "nope3", "a"), ("ZREM", "nope3", "a"), ("LREM", "nope3", "0", "a"), ("LTRIM", "nope3", "0", "1"),
    ("LINSERT", "nope3", "BEFORE", "a", "b"), ("LSET", "nope3", "0", "a"), ("LPUSHX", "nope3", "a"),
    ("EXPIRE", "nope3", "10"), ("PERSIST", "nope3"), ("RENAME", "nope3", "x"), ("MOVE", "nope3", "2"),
    ("SMOVE", "nope3", "d", "a"), ("ZINCRBY", "zz", "1", "a"), ("SETRANGE", "nope3", "0", ""),
    ("ZREMRANGEBYRANK", "nope3", "0", "1"), ("SET", "nope3", "v", "NX"), ("SETNX", "nope4", "v"),
    ("MSETNX", "nope5", "v"), ("RESTORE", "nope6", "0", "x"),
    # An expired key read: expired, then keymiss.
    ("SET", "ex", "v", "PX", "20"), (SLEEP, 0.06), ("GET", "ex"),
]

# One key expires at a time, so the sequence is the same whether lazy access or
# active expiry (whose order Redis leaves to chance) deletes it.
EXPIRY = [
    ("SET", "x1", "v", "PX", "30"), (SLEEP, 0.08), ("GET", "x1"),
    ("SET", "x2", "v"), ("PEXPIRE", "x2", "30"), (SLEEP, 0.08), ("EXISTS", "x2"),
    ("HSET", "x3", "f", "v"), ("PEXPIRE", "x3", "30"), (SLEEP, 0.08), ("HGET", "x3", "f"),
    # An expired key that is written: expired, then new.
    ("SET", "x4", "v", "PX", "20"), (SLEEP, 0.06), ("SET", "x4", "w"),
    ("RPUSH", "x5", "a"), ("PEXPIRE", "x5", "20"), (SLEEP, 0.06), ("RPUSH", "x5", "b"),
    ("SET", "x6", "v", "PX", "20"), (SLEEP, 0.06), ("DEL", "x6"),
    ("SET", "x7", "v", "PX", "20"), (SLEEP, 0.06), ("RENAME", "x4", "x7"),
    ("SET", "x8", "v", "PX", "20"), (SLEEP, 0.06), ("SET", "x8", "w", "NX"),
    ("SET", "x10", "v", "PX", "20"), (SLEEP, 0.06), ("MGET", "x10", "x4"),
    ("SET", "x11", "v", "PX", "20"), (SLEEP, 0.06), ("SCAN", "0", "COUNT", "1000", NOCMP),
]

STREAMS = [
    ("XADD", "st", "1-1", "a", "1"), ("XADD", "st", "1-2", "b", "2"), ("XADD", "st", "MAXLEN", "1", "1-3", "c", "3"),
    ("XADD", "st", "MAXLEN", "5", "1-4", "d", "4"), ("XADD", "nost", "NOMKSTREAM", "*", "a", "1"),
    ("XADD", "st", "1-1", "x", "y"), ("XTRIM", "st", "MAXLEN", "10"), ("XTRIM", "st", "MAXLEN", "1"),
    ("XDEL", "st", "9-9"), ("XADD", "st", "2-1", "e", "5"), ("XDEL", "st", "2-1"), ("XLEN", "st"),
    ("XGROUP", "CREATE", "st", "g", "0"), ("XGROUP", "CREATE", "st", "g", "0"),
    ("XGROUP", "CREATE", "st2", "g", "$", "MKSTREAM"), ("XGROUP", "SETID", "st", "g", "0"),
    ("XGROUP", "CREATECONSUMER", "st", "g", "c1"), ("XGROUP", "CREATECONSUMER", "st", "g", "c1"),
    ("XREADGROUP", "GROUP", "g", "c2", "STREAMS", "st", ">"), ("XREADGROUP", "GROUP", "g", "c2", "STREAMS", "st", ">"),
    ("XACK", "st", "g", "1-4"), ("XCLAIM", "st", "g", "c3", "0", "1-4"), ("XAUTOCLAIM", "st", "g", "c4", "0", "0"),
    ("XGROUP", "DELCONSUMER", "st", "g", "c2"), ("XGROUP", "DELCONSUMER", "st", "g", "nobody"),
    ("XSETID", "st", "5-5"), ("XGROUP", "DESTROY", "st", "g"), ("XGROUP", "DESTROY", "st", "g"), ("DEL", "st2"),
]

HLL = [
    ("PFADD", "hll", "a", "b", "c"), ("PFADD", "hll", "a"), ("PFADD", "hll2"), ("PFADD", "hll2"),
    ("PFCOUNT", "hll"), ("PFCOUNT", "hll", "nohll"), ("PFMERGE", "hll3", "hll", "hll2"), ("PFMERGE", "hll3"),
    ("PFMERGE", "hll4"), ("SET", "nothll", "x"), ("PFADD", "nothll", "a"),
]

ALL_FAMILIES = STREAMS + HLL + STRINGS + GENERIC + LISTS + HASHES + SETS + ZSETS + BITS + GEO + SORTS + TRANSACTIONS + DATABASES + READS


def run(conn, step):
    flags = [a for a in step if a == NOCMP]
    args = [a for a in step if a != NOCMP]
    if args[0] == SLEEP:
        time.sleep(args[1])
        return None
    if args[0] == RESTORE:
        payload = conn.cmd("DUMP", args[1])
        reply = conn.cmd("RESTORE", args[2], args[3], payload, *args[4:])
    else:
        reply = conn.cmd(*args)
    return None if flags else reply


def record(port, flags, script):
    """Runs script with notify-keyspace-events = flags; returns (replies, [(channel, message)])."""
    sub = RespConn(port)
    conn = RespConn(port)
    try:
        assert conn.cmd("CONFIG", "SET", "notify-keyspace-events", flags) == "OK"
        conn.cmd("FLUSHALL")
        sub.cmd("PSUBSCRIBE", "__key*__:*")
        replies = [(step, run(conn, step)) for step in script]
        conn.cmd("SELECT", "0")
        conn.cmd("PUBLISH", SENTINEL, "end")
        events = []
        while True:
            kind, pattern, channel, message = sub.read()
            assert kind == b"pmessage" and pattern == b"__key*__:*", (kind, pattern)
            if channel == SENTINEL.encode():
                break
            events.append((channel.decode(), message.decode()))
        conn.cmd("CONFIG", "SET", "notify-keyspace-events", "")
        return replies, events
    finally:
        sub.close()
        conn.close()


def event_diff(expected, got):
    """A readable first difference between two event sequences, or ''."""
    if expected == got:
        return ""
    n = next((i for i, (e, g) in enumerate(zip(expected, got)) if e != g), min(len(expected), len(got)))
    lo = max(0, n - 5)
    return ("event sequences differ at %d (redis %d events, lumadb %d)\n  redis:  %r\n  lumadb: %r"
            % (n, len(expected), len(got), expected[lo:n + 8], got[lo:n + 8]))


class NotifyDiffTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.real = harness.RealServer("redis").__enter__()
        cls.luma = harness.Server().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.luma.__exit__(None, None, None)
        cls.real.__exit__(None, None, None)

    def check(self, flags, script):
        exp_replies, exp_events = record(self.real.port, flags, script)
        got_replies, got_events = record(self.luma.redis_port, flags, script)
        reply_mismatch = ["%r: redis %r, lumadb %r" % (e[0], e[1], g[1])
                          for e, g in zip(exp_replies, got_replies) if e[1] != g[1]]
        self.assertEqual(reply_mismatch, [], "\n".join(reply_mismatch))
        self.assertEqual(event_diff(exp_events, got_events), "")
        return exp_events

    def test_every_family_with_all_classes(self):
        for name, family in [("strings", STRINGS), ("generic", GENERIC), ("lists", LISTS), ("hashes", HASHES),
                             ("sets", SETS), ("zsets", ZSETS), ("bits", BITS), ("geo", GEO), ("sort", SORTS),
                             ("transactions", TRANSACTIONS), ("databases", DATABASES), ("reads", READS),
                             ("streams", STREAMS), ("hyperloglog", HLL)]:
            with self.subTest(family=name):
                events = self.check("KEAmn", family)
                self.assertTrue(events)

    def test_flag_combinations(self):
        for flags in ["KEA", "Ex", "Kl", "Eg$", "A", "KEn", "Ksh", "Ezx", "KEg$lshzxetd", "Km", "Exm", "K", "E", ""]:
            with self.subTest(flags=flags):
                events = self.check(flags, ALL_FAMILIES)
                if flags in ("A", "K", "E", ""):
                    self.assertEqual(events, [])

    def test_expired_events(self):
        # Each key expires once, by whichever of lazy access and active expiry comes first: the
        # sequences match either way.
        events = self.check("KEA", EXPIRY)
        self.assertIn(("__keyevent@0__:expired", "x1"), events)

    def test_active_expiry_publishes_expired(self):
        for port in (self.real.port, self.luma.redis_port):
            sub, conn = RespConn(port), RespConn(port)
            try:
                conn.cmd("CONFIG", "SET", "notify-keyspace-events", "Ex")
                sub.cmd("SUBSCRIBE", "__keyevent@0__:expired")
                conn.cmd("SELECT", "0")
                conn.cmd("SET", "active", "v", "PX", "50")
                # Nobody touches the key: only active expiry can find it.
                start = time.time()
                self.assertEqual(sub.read(), [b"message", b"__keyevent@0__:expired", b"active"])
                self.assertLess(time.time() - start, 5)
            finally:
                conn.cmd("CONFIG", "SET", "notify-keyspace-events", "")
                sub.close()
                conn.close()

    def test_blocked_clients_served_later(self):
        # The waiter's events (the pop, the push to BLMOVE's destination, the
        # del of an emptied list) come after the push that woke it.
        cases = [
            (("BLMOVE", "src", "dst", "LEFT", "RIGHT", "5"), ("RPUSH", "src", "job")),
            (("BLPOP", "a", "src", "5"), ("LPUSH", "src", "x", "y")),
            (("BRPOPLPUSH", "src", "src", "5"), ("RPUSH", "src", "x")),
            (("BLMPOP", "5", "2", "a", "src", "RIGHT", "COUNT", "3"), ("RPUSH", "src", "1", "2")),
            (("BZPOPMIN", "z", "5"), ("ZADD", "z", "1", "m")),
            (("BZMPOP", "5", "1", "z", "MAX", "COUNT", "2"), ("ZADD", "z", "1", "m", "2", "n", "3", "o")),
        ]

        def scenario(port, block, push):
            sub, conn, waiter = RespConn(port), RespConn(port), RespConn(port)
            try:
                conn.cmd("CONFIG", "SET", "notify-keyspace-events", "KEAn")
                conn.cmd("FLUSHALL")
                sub.cmd("PSUBSCRIBE", "__key*__:*")
                waiter.send_raw(waiter.encode(*block))
                time.sleep(0.2)
                conn.cmd(*push)
                reply = waiter.read()
                conn.cmd("PUBLISH", SENTINEL, "end")
                events = []
                while True:
                    m = sub.read()
                    if m[2] == SENTINEL.encode():
                        return reply, events
                    events.append((m[2].decode(), m[3].decode()))
            finally:
                conn.cmd("CONFIG", "SET", "notify-keyspace-events", "")
                for c in (sub, conn, waiter):
                    c.close()

        for block, push in cases:
            with self.subTest(block=block[0]):
                exp_reply, exp_events = scenario(self.real.port, block, push)
                got_reply, got_events = scenario(self.luma.redis_port, block, push)
                self.assertEqual(exp_reply, got_reply)
                self.assertEqual(event_diff(exp_events, got_events), "")

    def test_config_set_get_round_trips(self):
        values = ["", "KEA", "AKE", "A", "Ex", "xE", "Kl", "Eg$", "g$lshzxetd", "g$lshzxetdn", "Kgzlsh$xetmd",
                  "KEAmn", "An", "n", "nK", "mE", "Am", "eK", "AAAA", "KKK", "KEd", "gA", "ExE", "t", "$", "KEm",
                  "Q", "KEA ", "Ex x", "a", "KE*", "kea"]
        real, luma = RespConn(self.real.port), RespConn(self.luma.redis_port)
        try:
            for v in values:
                with self.subTest(value=v):
                    for conn in (real, luma):
                        conn.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")
                    results = [(c.cmd("CONFIG", "SET", "notify-keyspace-events", v),
                                c.cmd("CONFIG", "GET", "notify-keyspace-events")) for c in (real, luma)]
                    self.assertEqual(results[0], results[1])
            for args in [("notify-keyspace-events", "KEA", "notify-keyspace-events", "Ex"),
                         ("NOTIFY-KEYSPACE-EVENTS", "Q"), ("notify-keyspace-events", "Ex", "lua-time-limit", "x"),
                         ("notify-keyspace-events",), ("notify-keyspace-events", "a", "b"), ("notify-keyspace-events", "El")]:
                with self.subTest(args=args):
                    for conn in (real, luma):
                        conn.cmd("CONFIG", "SET", "notify-keyspace-events", "")
                    results = [(c.cmd("CONFIG", "SET", *args), c.cmd("CONFIG", "GET", "notify-*")) for c in (real, luma)]
                    self.assertEqual(results[0], results[1])
        finally:
            for conn in (real, luma):
                conn.cmd("CONFIG", "SET", "notify-keyspace-events", "")
                conn.close()


class StartupOptionTest(unittest.TestCase):
    def test_flag_and_config_file(self):
        with harness.Server(args=["--notify-keyspace-events", "KEA"]) as s:
            conn = RespConn(s.redis_port)
            self.assertEqual(conn.cmd("CONFIG", "GET", "notify-keyspace-events"), [b"notify-keyspace-events", b"AKE"])
            sub = RespConn(s.redis_port)
            sub.cmd("SUBSCRIBE", "__keyspace@0__:k")
            conn.cmd("SET", "k", "v")
            self.assertEqual(sub.read(), [b"message", b"__keyspace@0__:k", b"set"])
            sub.close()
            conn.close()
        server = harness.Server()
        conf = os.path.join(server.data_dir, "lumadb.conf")
        with open(conf, "w") as f:
            f.write("notify-keyspace-events = Elg\n")
        server.args = ["--config", conf]
        with server as s:
            conn = RespConn(s.redis_port)
            self.assertEqual(conn.cmd("CONFIG", "GET", "notify-keyspace-events"), [b"notify-keyspace-events", b"glE"])
            conn.close()

    def test_bad_value_is_refused_at_start(self):
        server = harness.Server(args=["--notify-keyspace-events", "KEQ"])
        try:
            with self.assertRaises(RuntimeError):
                server.start()
            self.assertIn("notify-keyspace-events", server.read_log())
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""Differential test for Lua scripting (EVAL, EVALSHA, SCRIPT, FUNCTION, FCALL):
the same script against Debian's redis-server and LumaDB, replies compared
exactly, in RESP2 and RESP3."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import NOCMP, SORT  # noqa: E402

LIB = "#!lua name=mylib\nredis.register_function('echo', function(keys, args) return args[1] end)\n" \
      "redis.register_function{function_name='ro', callback=function(keys, args) return redis.call('get', keys[1]) end," \
      " flags={'no-writes'}, description='reads a key'}\n" \
      "redis.register_function('setk', function(keys, args) return redis.call('set', keys[1], args[1]) end)"

EVAL = [
    # Conversions Lua -> RESP
    ("EVAL", "return 1", "0"), ("EVAL", "return 3.99", "0"), ("EVAL", "return -3.99", "0"),
    ("EVAL", "return 'str'", "0"), ("EVAL", "return true", "0"), ("EVAL", "return false", "0"),
    ("EVAL", "return nil", "0"), ("EVAL", "return {1,2,3.7,'x',nil,5}", "0"), ("EVAL", "return {false, true}", "0"),
    ("EVAL", "return {{1,{2,{3}}},'a'}", "0"), ("EVAL", "return {}", "0"),
    ("EVAL", "return {err='My Error'}", "0"), ("EVAL", "return {ok='fine'}", "0"),
    ("EVAL", "return {ok='line\\r\\nbreak'}", "0"),
    ("EVAL", "return redis.error_reply('My Error')", "0"), ("EVAL", "return redis.error_reply('-X My Error')", "0"),
    ("EVAL", "return redis.error_reply('oops')", "0"), ("EVAL", "return redis.status_reply('FINE')", "0"),
    ("EVAL", "return redis.status_reply()", "0"), ("EVAL", "return redis.error_reply(1)", "0"),
    ("EVAL", "return {double=3.5}", "0"), ("EVAL", "return {map={a=1}}", "0"), ("EVAL", "return {set={a=true}}", "0"),
    ("EVAL", "return {big_number='123'}", "0"),
    ("EVAL", "return {verbatim_string={format='txt', string='hello'}}", "0"),
    ("EVAL", "return 1e20", "0"), ("EVAL", "return -1e20", "0"), ("EVAL", "return 0/0", "0"),
    # KEYS / ARGV and numkeys
    ("EVAL", "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}", "2", "k1", "k2", "a1", "a2"),
    ("EVAL", "return #ARGV", "0", "a", "b", "c"), ("EVAL", "return 1", "-1"), ("EVAL", "return 1", "5", "a"),
    ("EVAL", "return 1", "x"), ("EVAL", "return 1"),
    # RESP -> Lua
    ("SET", "str", "hello"), ("RPUSH", "list", "a", "b", "c"), ("HSET", "h", "f", "v"),
    ("EVAL", "return redis.call('get', KEYS[1])", "1", "str"), ("EVAL", "return redis.call('get', 'nokey')", "0"),
    ("EVAL", "return type(redis.call('get', 'nokey'))", "0"),
    ("EVAL", "return redis.call('lrange', KEYS[1], 0, -1)", "1", "list"),
    ("EVAL", "return redis.call('incr', 'counter')", "0"), ("EVAL", "return redis.call('incrby', 'counter', 2.0)", "0"),
    ("EVAL", "return redis.call('set', 'x', 1.5)", "0"), ("EVAL", "return redis.call('get', 'x')", "0"),
    ("EVAL", "local r = redis.call('set', 'y', 'z'); return type(r) .. r['ok']", "0"),
    ("EVAL", "return redis.call('hgetall', 'h')", "0"),
    ("EVAL", "return redis.pcall('incr', 'str')", "0"),
    ("EVAL", "local r = redis.pcall('incr', 'str'); return r['err']", "0"),
    ("EVAL", "return redis.call('incr', 'str')", "0"),
    ("EVAL", "return redis.call('nosuch')", "0"), ("EVAL", "return redis.pcall('nosuch')", "0"),
    ("EVAL", "return redis.call('get')", "0"), ("EVAL", "return redis.call('get', 'a', 'b')", "0"),
    ("EVAL", "return redis.call()", "0"), ("EVAL", "return redis.call({})", "0"),
    ("EVAL", "return redis.call('get', {})", "0"), ("EVAL", "return redis.call('subscribe', 'x')", "0"),
    ("EVAL", "return redis.call('eval', 'return 1', '0')", "0"), ("EVAL", "return redis.call('blpop', 'l', '0')", "0"),
    ("EVAL", "return pcall(redis.call, 'nosuch')", "0"),
    ("EVAL", "local ok, e = pcall(redis.call, 'nosuch'); return e", "0"),
    ("EVAL", "local ok, e = pcall(error, 'x'); return {ok, e}", "0"),
    # Errors and sandbox
    ("EVAL", "error('boom')", "0"), ("EVAL", "error({err='custom'})", "0"), ("EVAL", "error()", "0"),
    ("EVAL", "return foo", "0"), ("EVAL", "foo = 1", "0"), ("EVAL", "redis = nil", "0"),
    ("EVAL", "string.x = 1", "0"), ("EVAL", "rawset(_G, 'x', 1)", "0"), ("EVAL", "setmetatable(_G, {})", "0"),
    ("EVAL", "return type(os)", "0"), ("EVAL", "return type(io)", "0"), ("EVAL", "return type(print)", "0"),
    ("EVAL", "return type(loadfile)", "0"), ("EVAL", "return type(dofile)", "0"), ("EVAL", "return type(require)", "0"),
    ("EVAL", "return type(debug)", "0"), ("EVAL", "return type(getfenv)", "0"), ("EVAL", "return type(newproxy)", "0"),
    ("EVAL", "return type(loadstring)", "0"), ("EVAL", "return redis.foo", "0"),
    ("EVAL", "local t = {}; for k,v in pairs(_G) do t[#t+1]=k end; table.sort(t); return t", "0"),
    ("EVAL", "local t = {}; for k,v in pairs(redis) do t[#t+1]=k end; table.sort(t); return t", "0"),
    ("EVAL", "local t = {}; for k,v in pairs(string) do t[#t+1]=k end; table.sort(t); return t", "0"),
    ("EVAL", "return string.rep('x', 3, 4, 5) .. ('abc'):upper()", "0"), ("EVAL", "return string.rep()", "0"),
    ("EVAL", "return loadstring('return 1+1')()", "0"), ("EVAL", "syntax error here", "0"),
    ("EVAL", "return 1 +", "0"),
    # The redis API
    ("EVAL", "return redis.sha1hex('')", "0"), ("EVAL", "return redis.sha1hex('abc')", "0"),
    ("EVAL", "return redis.sha1hex()", "0"),
    ("EVAL", "return redis.log(redis.LOG_WARNING, 'from a script')", "0"), ("EVAL", "return redis.log(99, 'x')", "0"),
    ("EVAL", "return redis.log(1)", "0"), ("EVAL", "return redis.log('x', 'y')", "0"),
    ("EVAL", "return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}", "0"),
    ("EVAL", "return redis.REDIS_VERSION .. ' ' .. redis.REDIS_VERSION_NUM", "0"),
    ("EVAL", "return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}", "0"),
    ("EVAL", "redis.set_repl(redis.REPL_ALL); return 1", "0"), ("EVAL", "return redis.set_repl(99)", "0"),
    ("EVAL", "return redis.replicate_commands()", "0"), ("EVAL", "return redis.breakpoint()", "0"),
    ("EVAL", "return redis.setresp(4)", "0"), ("EVAL", "return redis.setresp()", "0"),
    ("EVAL", "return redis.acl_check_cmd('get', 'x')", "0"), ("EVAL", "return redis.acl_check_cmd('nosuch')", "0"),
    ("EVAL", "return {tostring(math.random()), math.random(10), math.random(5, 7)}", "0"),
    ("EVAL", "math.randomseed(42); return tostring(math.random())", "0"),
    ("EVAL", "return math.random(0)", "0"),
    # Libraries
    ("EVAL", "return cjson.encode({1,2,{a=1}})", "0"), ("EVAL", "return cjson.decode('[1,2,3.5]')", "0"),
    ("EVAL", "return cjson.encode(cjson.decode('{\"a\":[1,2,{\"b\":null}]}'))", "0"),
    ("EVAL", "return cjson.decode('{bad')", "0"),
    ("EVAL", "return bit.band(5, 3) .. ' ' .. bit.bor(5, 3) .. ' ' .. bit.tohex(255)", "0"),
    ("EVAL", "return cmsgpack.pack({1, 2, 3})", "0"), ("EVAL", "return cmsgpack.unpack(cmsgpack.pack({a=1}))['a']", "0"),
    ("EVAL", "return struct.pack('>I2', 513)", "0"), ("EVAL", "return {struct.unpack('>I2', 'ab')}", "0"),
    # SELECT inside a script is local to it
    ("EVAL", "redis.call('select', 3); return redis.call('set', 'dbkey', 'v')", "0"), ("GET", "dbkey"),
    ("SELECT", "3"), ("GET", "dbkey"), ("SELECT", "0"), ("EVAL", "return redis.call('select', 'x')", "0"),
    # EVALSHA, SCRIPT
    ("SCRIPT", "LOAD", "return 'loaded'"), ("EVALSHA", "f94bfb8b1a9e1d3e2cca1a6b80ab4db8ae4bc6e0", "0"),
    ("EVALSHA", "F94BFB8B1A9E1D3E2CCA1A6B80AB4DB8AE4BC6E0", "0"),
    ("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"), ("EVALSHA", "abc", "0"),
    ("SCRIPT", "EXISTS", "f94bfb8b1a9e1d3e2cca1a6b80ab4db8ae4bc6e0", "abc"), ("SCRIPT", "LOAD", "return +"),
    ("SCRIPT", "LOAD"), ("SCRIPT", "EXISTS"), ("SCRIPT", "KILL"), ("SCRIPT", "BOGUS"), ("SCRIPT", "HELP"),
    ("SCRIPT", "FLUSH", "BOGUS"), ("SCRIPT", "FLUSH", "SYNC"),
    ("SCRIPT", "EXISTS", "f94bfb8b1a9e1d3e2cca1a6b80ab4db8ae4bc6e0"),
    ("EVALSHA", "f94bfb8b1a9e1d3e2cca1a6b80ab4db8ae4bc6e0", "0"),
    # Read-only scripts and shebangs
    ("EVAL_RO", "return redis.call('get', KEYS[1])", "1", "str"),
    ("EVAL_RO", "return redis.call('set', KEYS[1], 'x')", "1", "str"),
    ("EVAL", "#!lua flags=no-writes\nreturn redis.call('set','a','b')", "1", "a"),
    ("EVAL", "#!lua flags=no-writes\nreturn redis.call('get','a')", "1", "a"),
    ("EVAL", "#!lua\nreturn 1", "0"), ("EVAL_RO", "#!lua\nreturn 1", "0"),
    ("EVAL_RO", "#!lua flags=no-writes,allow-oom\nreturn 1", "0"), ("EVAL", "#!lua flags=bogus\nreturn 1", "0"),
    ("EVAL", "#!lua flags=NO-WRITES\nreturn 1", "0"), ("EVAL", "#!foo\nreturn 1", "0"),
    ("EVAL", "#!lua name=x\nreturn 1", "0"), ("EVAL", "#!lua", "0"), ("EVAL", "#!lua\nerror('line two')", "0"),
    ("SCRIPT", "LOAD", "#!lua flags=no-writes\nreturn 2"),
    ("EVALSHA_RO", "06abb8d92cd5eaeb58c7cc1ed1d9e4fa2e1d2da1", "0"),
]

FUNCTIONS = [
    ("FUNCTION", "FLUSH"), ("FUNCTION", "LOAD", LIB), ("FUNCTION", "LOAD", LIB), ("FCALL", "echo", "0", "hello"),
    ("FCALL", "setk", "1", "fk", "fv"), ("FCALL", "ro", "1", "fk"), ("FCALL_RO", "ro", "1", "fk"),
    ("FCALL_RO", "setk", "1", "fk", "x"), ("FCALL", "nofunc", "0"), ("FCALL", "echo", "-1"),
    ("FCALL", "echo", "x"), ("FCALL", "echo", "2", "a"), ("FCALL",),
    ("FUNCTION", "LIST"), ("FUNCTION", "LIST", "WITHCODE"), ("FUNCTION", "LIST", "LIBRARYNAME", "my*"),
    ("FUNCTION", "LIST", "LIBRARYNAME", "zz*"), ("FUNCTION", "LIST", "WITHCODE", "WITHCODE"),
    ("FUNCTION", "LIST", "LIBRARYNAME"), ("FUNCTION", "LIST", "BOGUS"), ("FUNCTION", "STATS"),
    ("FUNCTION", "LOAD", "return 1"), ("FUNCTION", "LOAD", "#!lua\nreturn 1"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nreturn 1"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nredis.register_function('f', 1)"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nredis.register_function('f a', function() end)"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nredis.call('set','a','b')"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nsyntax err"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nredis.register_function('echo', function() end)"),
    ("FUNCTION", "LOAD", "#!lua name=bad x=1\nredis.register_function('zz', function() end)"),
    ("FUNCTION", "LOAD", "#!lua name=b@d\nredis.register_function('zz', function() end)"),
    ("FUNCTION", "LOAD", "#!luax name=bad\nredis.register_function('zz', function() end)"),
    ("FUNCTION", "LOAD", "#!lua name=bad name=q\nredis.register_function('zz', function() end)"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nredis.register_function{function_name='zz', callback=function() end, flags={'bogus'}}"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nredis.register_function{function_name='zz', callback=function() end, bogus=1}"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nredis.register_function{function_name='zz'}"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nredis.register_function{callback=function() end}"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nredis.register_function{function_name='zz', callback=function() end, flags='x'}"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nredis.register_function('zz')"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nredis.register_function(1, function() end)"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nredis.register_function('a','b','c')"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nredis.register_function('p', function() end) redis.register_function('p', function() end)"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nfoo = 1"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nlocal x = type(1)"),
    ("FUNCTION", "LOAD", "#!lua name=bad\nlocal x = 0 while true do x = x + 1 end"),
    ("FUNCTION", "LOAD", "#!lua name=lib2\nlocal v = redis.REDIS_VERSION redis.log(redis.LOG_NOTICE, 'loading')\n"
                         "redis.register_function('ver', function() return v end)\n"
                         "redis.register_function('g', function() return type(KEYS) end)\n"
                         "redis.register_function('w', function() foo = 1 end)\n"
                         "redis.register_function('e', function() return redis.call('nosuch') end)\n"
                         "redis.register_function('rf', function() return type(redis.register_function) end)\n"
                         "redis.register_function('t', function() return {type(pairs), type(_G), type(cjson)} end)"),
    ("FCALL", "ver", "0"), ("FCALL", "g", "0"), ("FCALL", "w", "0"), ("FCALL", "e", "0"), ("FCALL", "rf", "0"),
    ("FCALL", "t", "0"), ("FUNCTION", "LOAD", "REPLACE", "REPLACE", LIB), ("FUNCTION", "LOAD", "X", LIB),
    ("FUNCTION", "LOAD"), ("FUNCTION", "DELETE", "lib2"), ("FUNCTION", "DELETE", "lib2"), ("FUNCTION", "DELETE"),
    ("FUNCTION", "DUMP", NOCMP), ("FUNCTION", "RESTORE", "garbage"), ("FUNCTION", "RESTORE", "x", "BOGUS"),
    ("FUNCTION", "FLUSH", "BOGUS"), ("FUNCTION", "KILL"), ("FUNCTION", "BOGUS"), ("FUNCTION", "HELP"),
    ("SET", "s", "x"), ("FUNCTION", "FLUSH", "ASYNC"), ("FUNCTION", "LIST"), ("FCALL", "echo", "0"),
]


def dump_restore_script(dump):
    return [
        ("FUNCTION", "RESTORE", dump), ("FUNCTION", "RESTORE", dump), ("FUNCTION", "RESTORE", dump, "REPLACE"),
        ("FUNCTION", "DELETE", "mylib"),
        ("FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('echo', function() return 'other' end)"),
        ("FUNCTION", "RESTORE", dump, "REPLACE"), ("FUNCTION", "RESTORE", dump, "APPEND"),
        ("FUNCTION", "RESTORE", dump, "FLUSH"), ("FUNCTION", "LIST", "WITHCODE"), ("FCALL", "echo", "0", "back"),
        ("FUNCTION", "RESTORE", dump[:-1] + bytes([dump[-1] ^ 1])), ("FUNCTION", "RESTORE", b"", "FLUSH"),
    ]


def normalize(args, reply):
    """FUNCTION LIST order is a hash order in redis-server: sort libraries
    and each library's functions by name."""
    if [str(a).upper() for a in args[:2]] != ["FUNCTION", "LIST"] or not isinstance(reply, list):
        return reply
    libs = []
    for lib in reply:
        lib = [list(x) if isinstance(x, list) else x for x in lib]
        flat = lib if not lib or not isinstance(lib[0], list) else [v for kv in lib for v in kv]
        i = flat.index(b"functions") + 1
        flat[i] = sorted(flat[i], key=repr)
        libs.append(flat)
    return sorted(libs, key=repr)


def run_both(script):
    with harness.RealServer("redis") as real, harness.Server() as luma:
        return harness.run_resp_script(real.port, script), harness.run_resp_script(luma.redis_port, script)


def mismatches(expected, got):
    return ["%r:\n  redis:  %r\n  lumadb: %r" % (e[0][:3], e[1], g[1]) for e, g in zip(expected, got)
            if normalize(e[0], e[1]) != normalize(g[0], g[1])]


def resp3(script):
    return [("HELLO", "3", NOCMP)] + script


class DiffScripting(unittest.TestCase):
    def compare(self, script):
        bad = mismatches(*run_both(script))
        self.assertEqual(bad, [], "\n".join(bad))

    def test_eval_resp2(self):
        self.compare(EVAL)

    def test_eval_resp3(self):
        self.compare(resp3(EVAL + [
            ("EVAL", "redis.setresp(3); return redis.call('hgetall', 'h')", "0"),
            ("EVAL", "redis.setresp(3); return redis.call('hgetall', 'nokey')", "0"),
            ("EVAL", "redis.setresp(3); return type(redis.call('get', 'nokey'))", "0"),
            ("EVAL", "redis.setresp(3); return redis.call('smembers', 'noset')", "0"),
            ("SADD", "set", "m"), ("EVAL", "redis.setresp(3); return redis.call('smembers', 'set')", "0"),
            ("ZADD", "z", "1.5", "m"), ("EVAL", "redis.setresp(3); return redis.call('zscore', 'z', 'm')", "0"),
            ("EVAL", "redis.setresp(3); local r = redis.call('zscore', 'z', 'm'); return r['double']", "0"),
            ("EVAL", "redis.setresp(3); return redis.call('exists', 'z')", "0"),
            ("EVAL", "redis.setresp(3); return {true, false}", "0"), ("EVAL", "return {true, false}", "0"),
        ]))

    def test_functions(self):
        self.compare(FUNCTIONS)
        self.compare(resp3(FUNCTIONS))

    def test_function_dump_restore(self):
        # Each server restores the payload the other one dumped.
        load = [("FUNCTION", "FLUSH"), ("FUNCTION", "LOAD", LIB)]
        with harness.RealServer("redis") as real, harness.Server() as luma:
            harness.run_resp_script(real.port, load)
            harness.run_resp_script(luma.redis_port, load)
            dumps = []
            for port in (real.port, luma.redis_port):
                conn = harness.RespConn(port)
                dumps.append(conn.cmd("FUNCTION", "DUMP"))
                conn.close()
            real_dump, luma_dump = dumps
            for dump in (real_dump, luma_dump):
                expected = harness.run_resp_script(real.port, load + dump_restore_script(dump))
                got = harness.run_resp_script(luma.redis_port, load + dump_restore_script(dump))
                bad = mismatches(expected, got)
                self.assertEqual(bad, [], "\n".join(bad))


if __name__ == "__main__":
    unittest.main()

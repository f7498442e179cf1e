#include "protocol/resp/scripting/script_engine.h"

#include <gtest/gtest.h>

#include "protocol/resp/scripting/reply_reader.h"
#include "protocol/resp/testing.h"

namespace lumadb::protocol::resp {
namespace {

using T = RespTester;

// Records a reply as a compact text form, e.g. [1,"a",{map:...}].
class Printer final : public ReplyVisitor {
 public:
  std::string out;
  void OnSimple(std::string_view s) override { out += "+" + std::string(s) + ";"; }
  void OnError(std::string_view s) override { out += "-" + std::string(s) + ";"; }
  void OnInteger(int64_t v) override { out += ":" + std::to_string(v) + ";"; }
  void OnBulk(std::string_view s) override { out += "$" + std::string(s) + ";"; }
  void OnNullBulk() override { out += "nullbulk;"; }
  void OnNullArray() override { out += "nullarray;"; }
  void OnNull() override { out += "null;"; }
  void OnBool(bool b) override { out += b ? "true;" : "false;"; }
  void OnDouble(double d) override { out += "," + std::to_string(d) + ";"; }
  void OnBigNumber(std::string_view s) override { out += "(" + std::string(s) + ";"; }
  void OnVerbatim(std::string_view f, std::string_view s) override { out += "=" + std::string(f) + ":" + std::string(s) + ";"; }
  void BeginArray(size_t n) override { out += "[" + std::to_string(n) + " "; }
  void BeginMap(size_t n) override { out += "{" + std::to_string(n) + " "; }
  void BeginSet(size_t n) override { out += "~" + std::to_string(n) + " "; }
  void OnElementDone(bool) override {}
  void EndAggregate() override { out += "] "; }
};

TEST(ReplyReader, ReadsEveryType) {
  Printer p;
  ASSERT_TRUE(ReadReply("*3\r\n:1\r\n$2\r\nab\r\n*2\r\n+OK\r\n-ERR x\r\n", &p));
  EXPECT_EQ(p.out, "[3 :1;$ab;[2 +OK;-ERR x;] ] ");
  Printer q;
  ASSERT_TRUE(ReadReply("%1\r\n$1\r\nk\r\n~2\r\n#t\r\n_\r\n", &q));
  EXPECT_EQ(q.out, "{1 $k;~2 true;null;] ] ");
  Printer r;
  ASSERT_TRUE(ReadReply("=8\r\ntxt:abcd\r\n", &r));
  EXPECT_EQ(r.out, "=txt:abcd;");
  Printer s;
  ASSERT_TRUE(ReadReply("|1\r\n+a\r\n+b\r\n(12345\r\n", &s));  // the attribute is skipped
  EXPECT_EQ(s.out, "(12345;");
}

TEST(ReplyReader, RejectsMalformedInput) {
  Printer p;
  EXPECT_FALSE(ReadReply("", &p));
  EXPECT_FALSE(ReadReply("$5\r\nab\r\n", &p));
  EXPECT_FALSE(ReadReply("*2\r\n:1\r\n", &p));
  EXPECT_FALSE(ReadReply(":x\r\n", &p));
  EXPECT_FALSE(ReadReply("*9999999999\r\n", &p));
  EXPECT_FALSE(ReadReply("?\r\n", &p));
  EXPECT_FALSE(ReadReply("#x\r\n", &p));
  std::string deep;
  for (int i = 0; i < kMaxReplyNesting + 5; i++) deep += "*1\r\n";
  deep += ":1\r\n";
  EXPECT_FALSE(ReadReply(deep, &p));
}

TEST(Scripting, ConvertsLuaValuesAsRedis) {
  T t;
  EXPECT_EQ(t.Cmd({"EVAL", "return 3.99", "0"}), T::Int(3));
  EXPECT_EQ(t.Cmd({"EVAL", "return {1,2,3.7,'x',nil,5}", "0"}), T::Arr({T::Int(1), T::Int(2), T::Int(3), T::Bulk("x")}));
  EXPECT_EQ(t.Cmd({"EVAL", "return {false, true}", "0"}), T::Arr({T::Nil(), T::Int(1)}));
  EXPECT_EQ(t.Cmd({"EVAL", "return {ok='fine'}", "0"}), "+fine\r\n");
  EXPECT_EQ(t.Cmd({"EVAL", "return redis.error_reply('My Error')", "0"}), T::Err("My Error"));
  EXPECT_EQ(t.Cmd({"EVAL", "return {double=3.5}", "0"}), T::Bulk("3.5"));
  EXPECT_EQ(t.Cmd({"EVAL", "return 1e30", "0"}), T::Int(INT64_MIN));
}

TEST(Scripting, KeysArgvAndCommands) {
  T t;
  EXPECT_EQ(t.Cmd({"EVAL", "redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])", "1", "k", "v"}),
            T::Bulk("v"));
  EXPECT_EQ(t.Cmd({"GET", "k"}), T::Bulk("v"));
  EXPECT_EQ(t.Cmd({"EVAL", "return redis.call('get', 'missing')", "0"}), T::Nil());  // false -> nil
  EXPECT_EQ(t.Cmd({"EVAL", "return redis.call('incrby', 'n', 2.0)", "0"}), T::Int(2));
  EXPECT_EQ(t.Cmd({"EVAL", "return 1", "-1"}), T::Err("ERR Number of keys can't be negative"));
  EXPECT_EQ(t.Cmd({"EVAL", "return 1", "3", "a"}), T::Err("ERR Number of keys can't be greater than number of args"));
}

TEST(Scripting, ErrorsNameTheScriptAndLine) {
  T t;
  EXPECT_EQ(t.Cmd({"EVAL", "return redis.call('nosuch')", "0"}),
            T::Err("ERR Unknown Redis command called from script script: 206396248e12c6e742fd7296250433c8d7343b74, on "
                   "@user_script:1."));
  EXPECT_EQ(t.Cmd({"EVAL", "return redis.pcall('nosuch')", "0"}), T::Err("ERR Unknown Redis command called from script"));
  EXPECT_EQ(t.Cmd({"EVAL", "return foo", "0"}),
            T::Err("ERR user_script:1: Script attempted to access nonexistent global variable 'foo' script: "
                   "47e30a5d10d5694f99208f9adc4fe3bf2450edbd, on @user_script:1."));
  EXPECT_EQ(t.Cmd({"EVAL", "syntax error here", "0"}),
            T::Err("ERR Error compiling script (new function): user_script:1: '=' expected near 'error'"));
  EXPECT_EQ(t.Cmd({"EVAL", "return redis.call('subscribe', 'c')", "0"}).substr(0, 50),
            "-ERR This Redis command is not allowed from script");
}

TEST(Scripting, SandboxHasNoOsIoOrFileLoading) {
  T t;
  for (const char* name : {"os", "io", "loadfile", "dofile", "require", "print", "debug", "getfenv"}) {
    std::string script = std::string("return type(") + name + ")";
    EXPECT_NE(t.Cmd({"EVAL", script, "0"}).find("nonexistent global variable"), std::string::npos) << name;
  }
  EXPECT_NE(t.Cmd({"EVAL", "x = 1", "0"}).find("Attempt to modify a readonly table"), std::string::npos);
  EXPECT_NE(t.Cmd({"EVAL", "string.upper = nil", "0"}).find("Attempt to modify a readonly table"), std::string::npos);
  EXPECT_NE(t.Cmd({"EVAL", "rawset(redis, 'x', 1)", "0"}).find("Attempt to modify a readonly table"), std::string::npos);
  EXPECT_EQ(t.Cmd({"EVAL", "return ('abc'):upper()", "0"}), T::Bulk("ABC"));
}

TEST(Scripting, RandomSequenceMatchesRedis) {
  T t;
  // redis-server 7.0.15's first math.random() after start.
  EXPECT_EQ(t.Cmd({"EVAL", "return tostring(math.random())", "0"}), T::Bulk("0.39646477363839"));
  EXPECT_EQ(t.Cmd({"EVAL", "return tostring(math.random())", "0"}), T::Bulk("0.84048536971234"));
}

TEST(Scripting, SelectIsLocalToTheScript) {
  T t;
  EXPECT_EQ(t.Cmd({"EVAL", "redis.call('select', 3); return redis.call('set', 'k', 'v')", "0"}), T::Ok());
  EXPECT_EQ(t.Cmd({"GET", "k"}), T::Nil());
  EXPECT_EQ(t.Cmd({"SELECT", "3"}), T::Ok());
  EXPECT_EQ(t.Cmd({"GET", "k"}), T::Bulk("v"));
}

TEST(Scripting, ScriptCacheAndEvalsha) {
  T t;
  EXPECT_EQ(t.Cmd({"EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"}),
            T::Err("NOSCRIPT No matching script. Please use EVAL."));
  EXPECT_EQ(t.Cmd({"SCRIPT", "LOAD", "return 1"}), T::Bulk("e0e1f9fabfc9d4800c877a703b823ac0578ff8db"));
  EXPECT_EQ(t.Cmd({"EVALSHA", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0"}), T::Int(1));
  EXPECT_EQ(t.Cmd({"SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "x"}), T::Arr({T::Int(1), T::Int(0)}));
  EXPECT_EQ(t.Cmd({"SCRIPT", "FLUSH"}), T::Ok());
  EXPECT_EQ(t.Cmd({"SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"}), T::Arr({T::Int(0)}));
}

TEST(Scripting, ReadOnlyScriptsRefuseWrites) {
  T t;
  EXPECT_EQ(t.Cmd({"EVAL_RO", "return redis.call('set', 'a', 'b')", "0"}).substr(0, 68),
            "-ERR Write commands are not allowed from read-only scripts. script: ");
  EXPECT_EQ(t.Cmd({"EVAL", "#!lua flags=no-writes\nreturn redis.call('set','a','b')", "0"}).substr(0, 58),
            "-ERR Write commands are not allowed from read-only scripts");
  EXPECT_EQ(t.Cmd({"EVAL_RO", "#!lua\nreturn 1", "0"}),
            T::Err("ERR Can not execute a script with write flag using *_ro command."));
  EXPECT_EQ(t.Cmd({"EVAL", "#!lua flags=bogus\nreturn 1", "0"}), T::Err("ERR Unexpected flag in script shebang: bogus"));
  EXPECT_EQ(t.Cmd({"EXISTS", "a"}), T::Int(0));
}

const char kLib[] =
    "#!lua name=mylib\n"
    "redis.register_function('echo', function(keys, args) return args[1] end)\n"
    "redis.register_function{function_name='get', callback=function(keys) return redis.call('get', keys[1]) end, "
    "flags={'no-writes'}}\n";

TEST(Functions, LoadCallListDelete) {
  T t;
  EXPECT_EQ(t.Cmd({"FUNCTION", "LOAD", kLib}), T::Bulk("mylib"));
  EXPECT_EQ(t.Cmd({"FUNCTION", "LOAD", kLib}), T::Err("ERR Library 'mylib' already exists"));
  EXPECT_EQ(t.Cmd({"FUNCTION", "LOAD", "REPLACE", kLib}), T::Bulk("mylib"));
  EXPECT_EQ(t.Cmd({"FCALL", "echo", "0", "hi"}), T::Bulk("hi"));
  EXPECT_EQ(t.Cmd({"SET", "k", "v"}), T::Ok());
  EXPECT_EQ(t.Cmd({"FCALL_RO", "get", "1", "k"}), T::Bulk("v"));
  EXPECT_EQ(t.Cmd({"FCALL_RO", "echo", "0", "x"}),
            T::Err("ERR Can not execute a script with write flag using *_ro command."));
  EXPECT_EQ(t.Cmd({"FCALL", "nope", "0"}), T::Err("ERR Function not found"));
  EXPECT_EQ(t.Cmd({"FCALL", "echo", "x"}), T::Err("ERR Bad number of keys provided"));
  EXPECT_NE(t.Cmd({"FUNCTION", "LIST"}).find("mylib"), std::string::npos);
  EXPECT_EQ(t.Cmd({"FUNCTION", "DELETE", "mylib"}), T::Ok());
  EXPECT_EQ(t.Cmd({"FUNCTION", "DELETE", "mylib"}), T::Err("ERR Library not found"));
  EXPECT_EQ(t.Cmd({"FCALL", "echo", "0"}), T::Err("ERR Function not found"));
}

TEST(Functions, LoadErrorsLeaveNothingBehind) {
  T t;
  EXPECT_EQ(t.Cmd({"FUNCTION", "LOAD",
                   "#!lua name=bad\nredis.register_function('f', function() end)\nredis.register_function('f', 1)"}),
            T::Err("ERR Error registering functions: ERR second argument to redis.register_function must be a function"));
  EXPECT_EQ(t.Cmd({"FCALL", "f", "0"}), T::Err("ERR Function not found"));
  EXPECT_EQ(t.Cmd({"FUNCTION", "LOAD", "#!lua name=bad\nredis.call('ping')"}),
            T::Err("ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent "
                   "global variable 'call'"));
  EXPECT_EQ(t.Cmd({"FUNCTION", "LOAD", "#!lua name=bad\nwhile true do end"}),
            T::Err("ERR Error registering functions: ERR FUNCTION LOAD timeout"));
}

TEST(Functions, DumpRestoreRoundTrip) {
  T t;
  ASSERT_EQ(t.Cmd({"FUNCTION", "LOAD", kLib}), T::Bulk("mylib"));
  std::string dump = t.Cmd({"FUNCTION", "DUMP"});
  ASSERT_EQ(dump[0], '$');
  std::string payload = dump.substr(dump.find("\r\n") + 2);
  payload.resize(payload.size() - 2);
  EXPECT_EQ(t.Cmd({"FUNCTION", "RESTORE", payload}), T::Err("ERR Library mylib already exists"));
  EXPECT_EQ(t.Cmd({"FUNCTION", "FLUSH"}), T::Ok());
  EXPECT_EQ(t.Cmd({"FUNCTION", "RESTORE", payload}), T::Ok());
  EXPECT_EQ(t.Cmd({"FCALL", "echo", "0", "back"}), T::Bulk("back"));
  std::string bad = payload;
  bad.back() ^= 1;
  EXPECT_EQ(t.Cmd({"FUNCTION", "RESTORE", bad}), T::Err("ERR DUMP payload version or checksum are wrong"));
}

TEST(Functions, PersistThroughTheStore) {
  engine::kv::Store store(nullptr, engine::kv::StoreOptions{});
  {
    RespServer server(store, RespConfig{});
    std::string name, err;
    ASSERT_TRUE(server.scripts().LoadLibrary(kLib, false, &name, &err)) << err;
  }
  RespServer again(store, RespConfig{});
  EXPECT_EQ(again.scripts().LibraryCount(), 1u);
  EXPECT_TRUE(again.scripts().HasFunction("echo"));
}

TEST(Scripting, ShebangParsing) {
  uint32_t flags;
  size_t offset;
  std::string err;
  ASSERT_TRUE(ParseEvalShebang("return 1", &flags, &offset, &err));
  EXPECT_EQ(flags, kScriptEvalCompat);
  ASSERT_TRUE(ParseEvalShebang("#!lua flags=no-writes,allow-oom\nreturn 1", &flags, &offset, &err));
  EXPECT_EQ(flags, kScriptNoWrites | kScriptAllowOom);
  EXPECT_EQ(offset, 31u);
  EXPECT_FALSE(ParseEvalShebang("#!lua", &flags, &offset, &err));
  EXPECT_EQ(err, "ERR Invalid script shebang");
  EXPECT_FALSE(ParseEvalShebang("#!lua x=1\n", &flags, &offset, &err));
  EXPECT_EQ(err, "ERR Unknown lua shebang option: x=1");
}

}  // namespace
}  // namespace lumadb::protocol::resp

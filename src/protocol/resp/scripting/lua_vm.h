#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Lua headers stay out of this header: only lua_vm.cc and the Lua library
// modules include them.
struct lua_State;

namespace lumadb::protocol::resp {

class Writer;

// What a running script needs from the server. Implemented by the script
// engine for the duration of one EVAL/FCALL.
class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  // Runs `args` as a command issued by the script. Returns false with *error
  // set (without an error code, e.g. "Unknown Redis command called from
  // script") when the command is refused before it runs; otherwise appends
  // its reply, encoded in RESP `resp`, to *reply and returns true.
  virtual bool Call(const std::vector<std::string>& args, int resp, std::string* reply, std::string* error) = 0;
  // Called from the instruction-count hook about every 100000 Lua
  // instructions. Returns true when the script must stop (SCRIPT KILL).
  virtual bool Interrupt() = 0;
  // redis.acl_check_cmd: -1 unknown command, 0 denied, 1 allowed.
  virtual int CheckCommand(const std::vector<std::string>& args) = 0;
};

// Script flags, as in Redis's scripts_flags_def (shebang `flags=` and
// redis.register_function's `flags`).
enum ScriptFlag : uint32_t {
  kScriptNoWrites = 1 << 0,
  kScriptAllowOom = 1 << 1,
  kScriptAllowStale = 1 << 2,
  kScriptNoCluster = 1 << 3,
  kScriptAllowCrossSlot = 1 << 4,
  kScriptEvalCompat = 1 << 5,  // an EVAL script without a shebang: legacy rules
};

// The flag names in Redis's order; false if `name` is unknown.
bool ParseScriptFlag(std::string_view name, uint32_t* flag);
std::vector<std::string> ScriptFlagNames(uint32_t flags);

// One function registered by a library's redis.register_function call.
struct RegisteredFunction {
  std::string name;
  std::string description;
  bool has_description = false;
  uint32_t flags = 0;
  int ref = 0;  // Lua registry reference of the callback
};

// Parameters of one script or function invocation.
struct ScriptRun {
  ScriptHost* host = nullptr;
  std::string_view name;  // the sha or function name, as error replies show it
  const std::vector<std::string_view>* keys = nullptr;
  const std::vector<std::string_view>* args = nullptr;
  bool read_only = false;  // refuse write commands (EVAL_RO, FCALL_RO, no-writes)
  uint32_t flags = 0;
};

// One sandboxed Lua 5.1 state as redis-server 7.0 sets it up: the libraries
// Redis ships (base, table, string, math, cjson, bit, struct, cmsgpack), the
// `redis` API, read-only globals and libraries, Redis's error handler and
// its deterministic math.random. Not thread-safe: the caller serializes use.
//
// Two modes: kEval holds EVAL scripts (KEYS and ARGV are globals); kFunctions
// holds function libraries, whose code runs at FUNCTION LOAD with only the
// library API (redis.register_function, redis.log) visible.
class LuaVm {
 public:
  enum class Mode { kEval, kFunctions };
  explicit LuaVm(Mode mode);
  ~LuaVm();
  LuaVm(const LuaVm&) = delete;
  LuaVm& operator=(const LuaVm&) = delete;

  // kEval: compiles `body` (a shebang line already blanked by the caller) as
  // the script named `sha`. Returns "" or Lua's message
  // ("user_script:1: '=' expected near 'x'").
  std::string CompileScript(const std::string& sha, std::string_view body);
  bool HasScript(const std::string& sha) const;

  // kFunctions: runs library `code` with only the library API visible, for at
  // most timeout_ms, and returns the functions it registered in *out. Returns
  // "" or the error as FUNCTION LOAD words it ("Error compiling function:
  // ...", "Error registering functions: ..."). On error nothing stays
  // registered.
  std::string LoadLibrary(std::string_view code, int64_t timeout_ms, std::vector<RegisteredFunction>* out);
  // Releases a callback returned by LoadLibrary.
  void ReleaseFunction(int ref);

  // Runs an EVAL script compiled before, or a registered function, and writes
  // its reply or error to `w` exactly as redis-server would.
  void RunScript(const std::string& sha, const ScriptRun& run, Writer& w);
  void RunFunction(int ref, const ScriptRun& run, Writer& w);

  // Bytes the Lua heap uses (INFO used_memory_lua).
  size_t MemoryBytes() const;

  // Internal state of a running script, used by the C functions of the API.
  struct RunState;
  struct LoadState;

 private:
  void Setup();
  void Call(const ScriptRun& run, int nargs, Writer& w);

  Mode mode_;
  lua_State* L_ = nullptr;
  int error_handler_ref_ = 0;
  int globals_meta_ref_ = 0;  // metatable of the (empty) globals table
  int run_api_ref_ = 0;       // the globals scripts see when running
  int load_api_ref_ = 0;      // the globals library code sees at FUNCTION LOAD
  int scripts_ref_ = 0;       // sha -> compiled EVAL function
  int calls_since_gc_ = 0;
};

}  // namespace lumadb::protocol::resp

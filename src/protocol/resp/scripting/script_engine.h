#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "engine/kv/value.h"
#include "protocol/resp/scripting/lua_vm.h"

namespace lumadb::net {
class Connection;
}

namespace lumadb::protocol::resp {

class RespServer;
struct CommandContext;

// Redis 7.0 scripting for the whole server: the EVAL script cache, function
// libraries (persisted through the KV engine), and the one script that may
// run at a time.
//
// A script runs with every keyspace shard locked, so no other client's
// command interleaves with it. Commands arriving meanwhile wait; once the
// script has run longer than busy-reply-threshold they get BUSY, except the
// allow-busy ones (SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE, ...): the
// script's own worker serves its other connections from the Lua hook.
class ScriptEngine {
 public:
  explicit ScriptEngine(RespServer& server);
  ~ScriptEngine();

  // ---- EVAL ----
  // SHA1 of `body` in lowercase hex, as SCRIPT LOAD returns it.
  static std::string Sha1Hex(std::string_view body);
  // Compiles and caches `body`; returns its sha or, in *error, the error
  // reply text ("ERR Error compiling script ..." / "ERR Invalid script shebang").
  bool LoadScript(std::string_view body, std::string* sha, std::string* error);
  bool ScriptExists(std::string_view sha);
  void FlushScripts();
  // Runs EVAL/EVALSHA[_RO]. `script` is the body, or the sha when by_sha.
  void Eval(CommandContext& ctx, std::string_view script, bool by_sha, bool read_only,
            const std::vector<std::string_view>& keys, const std::vector<std::string_view>& args);

  // ---- Functions ----
  // FUNCTION LOAD: returns the library name, or an error reply text.
  bool LoadLibrary(std::string_view code, bool replace, std::string* name, std::string* error);
  bool DeleteLibrary(std::string_view name);
  void FlushLibraries();
  // FUNCTION LIST
  struct FunctionInfo {
    std::string name, description;
    bool has_description;
    uint32_t flags;
  };
  struct LibraryInfo {
    std::string name, code;
    std::vector<FunctionInfo> functions;
  };
  std::vector<LibraryInfo> ListLibraries();
  // FUNCTION DUMP payload (Redis's format) / FUNCTION RESTORE.
  std::string DumpLibraries();
  enum class RestorePolicy { kAppend, kReplace, kFlush };
  bool RestoreLibraries(std::string_view payload, RestorePolicy policy, std::string* error);
  bool HasFunction(std::string_view name);
  // Safe to call while a script runs.
  size_t LibraryCount();
  size_t FunctionCount();
  // Runs FCALL/FCALL_RO.
  void FCall(CommandContext& ctx, std::string_view name, bool read_only, const std::vector<std::string_view>& keys,
             const std::vector<std::string_view>& args);
  // Reads the persisted libraries; call once at start.
  Status LoadPersisted();

  // ---- maxmemory ----
  // Whether EVAL*/FCALL* args (args[0] the command) would be refused when
  // used memory is over maxmemory, as Redis's evalGetCommandFlags /
  // fcallGetCommandFlags decide: a script with a shebang or a function is
  // denyoom unless it has the allow-oom or no-writes flag; otherwise (no
  // shebang, unknown script or function) `command_flag` decides.
  bool DenyOom(const std::vector<std::string_view>& args, bool command_flag);

  // ---- The running script ----
  bool running() const { return running_.load(std::memory_order_acquire); }
  // For a command that arrives while a script runs: waits until the script
  // ends (true: run the command) or has passed busy-reply-threshold (false:
  // reply BusyError()). On the script's own thread it answers false at once.
  bool WaitWhileRunning();
  std::string BusyError() const;
  // SCRIPT KILL (is_eval) / FUNCTION KILL: "" when the kill was requested,
  // else the error reply text.
  std::string Kill(bool is_eval);
  // Server shutdown: stops a running script at its next hook, even one that
  // has written (it could otherwise keep the server from stopping).
  void AbortForShutdown() { kill_requested_.store(true); }
  // FUNCTION STATS' running_script: false when no function runs.
  bool RunningFunction(std::string* name, std::vector<std::string>* command, int64_t* duration_ms);
  bool running_eval() const { return is_eval_.load(std::memory_order_relaxed); }

  void set_busy_threshold_ms(int64_t ms) { busy_threshold_ms_.store(ms, std::memory_order_relaxed); }
  int64_t busy_threshold_ms() const { return busy_threshold_ms_.load(std::memory_order_relaxed); }
  size_t MemoryBytes();
  size_t CachedScripts();

 private:
  class Caller;
  struct CachedScript {
    std::string body;
    uint32_t flags = 0;
  };
  struct Library {
    std::string name, code;
    std::vector<RegisteredFunction> functions;
  };

  bool CompileLocked(std::string_view body, std::string* sha, uint32_t* flags, std::string* error);
  bool LoadLibraryLocked(std::string_view code, bool replace, std::string* name, std::string* error);
  void RemoveLibraryLocked(const std::string& name);
  std::string DumpLocked();
  void Persist();
  // Runs fn (which calls into a VM) as the one running script.
  template <typename Fn>
  void RunExclusive(CommandContext& ctx, std::string_view name, bool is_eval, Fn&& fn);
  bool OnHook();
  // A script with these flags may not start: memory was over maxmemory
  // when the command began and the script is neither allow-oom nor no-writes.
  static bool RefusedForOom(CommandContext& ctx, uint32_t flags);

  RespServer& server_;
  std::mutex mu_;  // the VMs, the cache and the libraries; taken after the shard locks
  std::unique_ptr<LuaVm> eval_vm_;
  std::unique_ptr<LuaVm> fn_vm_;
  engine::kv::StrMap<CachedScript> scripts_;
  std::map<std::string, Library, std::less<>> libraries_;
  // function name -> library name
  std::map<std::string, std::string, std::less<>> functions_;

  // Read without mu_, which a running script holds (FUNCTION STATS, INFO).
  std::atomic<size_t> library_count_{0};
  std::atomic<size_t> function_count_{0};
  std::atomic<size_t> lua_memory_{0};
  std::atomic<size_t> cached_scripts_{0};
  std::atomic<int64_t> busy_threshold_ms_{5000};
  std::atomic<bool> running_{false};
  std::atomic<bool> timed_out_{false};
  std::atomic<bool> kill_requested_{false};
  std::atomic<bool> wrote_{false};
  std::atomic<bool> is_eval_{true};
  std::atomic<int64_t> start_ms_{0};
  std::thread::id runner_;
  net::Connection* runner_conn_ = nullptr;
  std::mutex info_mu_;  // guards the two fields below, read by FUNCTION STATS
  std::string run_name_;
  std::vector<std::string> run_command_;
};

// Splits an EVAL script's "#!lua flags=..." shebang: sets *flags (or
// kScriptEvalCompat without a shebang) and *body_offset (where the code
// starts; the shebang's newline is kept so line numbers stay). Returns false
// with Redis's error text in *error.
bool ParseEvalShebang(std::string_view body, uint32_t* flags, size_t* body_offset, std::string* error);

}  // namespace lumadb::protocol::resp

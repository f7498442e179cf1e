#include "protocol/resp/scripting/script_engine.h"

#include <openssl/sha.h>

#include <chrono>

#include "common/clock.h"
#include "common/logging.h"
#include "common/strutil.h"
#include "net/worker.h"
#include "protocol/resp/codec.h"
#include "protocol/resp/command.h"
#include "protocol/resp/rdb.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {
namespace {

constexpr char kFunctionsMetaKey[] = "redis.functions";
constexpr int64_t kLoadTimeoutMs = 500;  // Redis's LOAD_TIMEOUT_MS for FUNCTION LOAD

constexpr char kSlowEvalErr[] = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
constexpr char kSlowScriptErr[] =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
constexpr char kScriptOomErr[] =
    "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'";
constexpr char kBadName[] =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

bool ValidLibraryName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// A library's "#!<engine> name=<name>" first line, as functionExtractLibMetaData
// reads it. The code handed to the engine starts at the shebang's newline.
bool ParseLibraryMetadata(std::string_view code, std::string* name, std::string_view* body, std::string* error) {
  if (code.substr(0, 2) != "#!") {
    *error = "Missing library metadata";
    return false;
  }
  size_t nl = code.find('\n');
  if (nl == std::string_view::npos) {
    *error = "Invalid library metadata";
    return false;
  }
  std::vector<std::string> parts;
  if (!SplitInlineArgs(code.substr(0, nl), &parts) || parts.empty()) {
    *error = "Invalid library metadata";
    return false;
  }
  std::string engine = parts[0].substr(2);
  bool have_name = false;
  for (size_t j = 1; j < parts.size(); j++) {
    if (parts[j].size() >= 5 && EqualsIgnoreCase(std::string_view(parts[j]).substr(0, 5), "name=")) {
      if (have_name) {
        *error = "Invalid metadata value, name argument was given multiple times";
        return false;
      }
      *name = parts[j].substr(5);
      have_name = true;
    } else {
      *error = "Invalid metadata value given: " + parts[j];
      return false;
    }
  }
  if (!have_name) {
    *error = "Library name was not given";
    return false;
  }
  if (!ValidLibraryName(*name)) {
    *error = kBadName;
    return false;
  }
  if (!EqualsIgnoreCase(engine, "lua")) {
    *error = "Engine '" + engine + "' not found";
    return false;
  }
  *body = code.substr(nl);
  return true;
}

std::string BlankShebang(std::string_view body, size_t offset) {
  // The code after the shebang, starting at its newline so lines keep their numbers.
  return std::string(body.substr(offset));
}

}  // namespace

bool ParseEvalShebang(std::string_view body, uint32_t* flags, size_t* body_offset, std::string* error) {
  *flags = kScriptEvalCompat;
  *body_offset = 0;
  if (body.substr(0, 2) != "#!") return true;
  size_t nl = body.find('\n');
  if (nl == std::string_view::npos) {
    *error = "ERR Invalid script shebang";
    return false;
  }
  std::vector<std::string> parts;
  if (!SplitInlineArgs(body.substr(0, nl), &parts) || parts.empty()) {
    *error = "ERR Invalid engine in script shebang";
    return false;
  }
  if (parts[0] != "#!lua") {
    *error = "ERR Unexpected engine in script shebang: " + parts[0];
    return false;
  }
  uint32_t f = 0;
  for (size_t j = 1; j < parts.size(); j++) {
    if (parts[j].compare(0, 6, "flags=") != 0) {
      *error = "ERR Unknown lua shebang option: " + parts[j];
      return false;
    }
    std::string_view list = std::string_view(parts[j]).substr(6);
    while (!list.empty()) {
      size_t comma = list.find(',');
      std::string_view one = list.substr(0, comma);
      uint32_t bit;
      // EVAL's shebang flags are case-sensitive, unlike register_function's.
      if (!ParseScriptFlag(one, &bit) || ScriptFlagNames(bit)[0] != one) {
        *error = "ERR Unexpected flag in script shebang: " + std::string(one);
        return false;
      }
      f |= bit;
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  *flags = f;
  *body_offset = nl;
  return true;
}

// The script's view of the server: runs its redis.call commands as the
// calling client would, in the script's own selected database.
class ScriptEngine::Caller final : public ScriptHost {
 public:
  Caller(ScriptEngine& engine, CommandContext& ctx, bool read_only, bool allow_oom)
      : engine_(engine), ctx_(ctx), read_only_(read_only), allow_oom_(allow_oom), db_(ctx.db) {}

  bool Call(const std::vector<std::string>& args, int resp, std::string* reply, std::string* error) override {
    RespServer& server = ctx_.server;
    CommandEntry* entry = server.FindEntry(args[0]);
    const CommandSpec* spec = entry == nullptr ? nullptr : entry->spec;
    if (spec == nullptr) {
      *error = "Unknown Redis command called from script";
      return false;
    }
    int argc = static_cast<int>(args.size());
    if ((spec->arity > 0 && argc != spec->arity) || (spec->arity < 0 && argc < -spec->arity)) {
      *error = "Wrong number of args calling Redis command from script";
      return false;
    }
    if (spec->flags & kNoscript) {
      *error = "This Redis command is not allowed from script";
      return false;
    }
    std::vector<std::string_view> views(args.begin(), args.end());
    acl::User& user = ctx_.session.user();
    if (!user.unrestricted()) {
      const acl::CommandIndex& idx = acl::CommandIndex::Get();
      int id = server.AclCommandId(spec, views);
      size_t pos = 0;
      acl::Denial d = server.acl().Check(
          user, id, views, [&](std::vector<size_t>* out) { CommandKeys(spec, views, out); }, &pos);
      if (d != acl::Denial::kOk) {
        std::string object = d == acl::Denial::kCommand ? std::string(id >= 0 ? idx.def(id).name : spec->name)
                                                        : std::string(views[pos]);
        server.LogDenial(ctx_.session, d, acl::LogContext::kLua, std::move(object), user.name());
        *error = d == acl::Denial::kCommand ? "The user executing the script can't run this command or subcommand"
                 : d == acl::Denial::kKey
                     ? "The user executing the script can't access at least one of the keys mentioned in the "
                       "command arguments"
                     : "The user executing the script can't publish to the channel mentioned in the command";
        return false;
      }
    }
    if (read_only_ && (spec->flags & kWrite)) {
      *error = "Write commands are not allowed from read-only scripts.";
      return false;
    }
    // With used memory over maxmemory when the script started, a command
    // that may grow memory is refused until the script has written (it
    // cannot be stopped half-way after that), as Redis's scriptVerifyOOM.
    if (!allow_oom_ && !write_dirty_ && ctx_.session.script_oom() && ctx_.store.maxmemory() != 0 &&
        server.IsDenyOom(entry, views)) {
      *error = "-" + std::string(kErrOom);
      return false;
    }
    if (spec->flags & kWrite) write_dirty_ = true;
    Writer w(reply, resp);
    // Every shard is locked by the script, so the command's own locking is a no-op.
    CommandContext c{server, ctx_.session, views, w, ctx_.store, db_, spec, true, false, {}, true, {}};
    c.no_block = true;
    int64_t t0 = MonoNs();
    spec->fn(c);
    if (ctx_.session.tracks_reads() && (spec->flags & kReadonly)) {
      std::vector<size_t> key_idx;
      CommandKeys(spec, views, &key_idx);
      ctx_.session.TrackReads(spec, views, key_idx);
    }
    if (server.has_monitors() && !(spec->flags & kAdmin)) server.FeedMonitors(db_, "lua", views);
    bool failed = reply->size() > 0 && (*reply)[0] == '-';
    // Redis counts a script's commands in INFO commandstats and SLOWLOG too.
    ctx_.session.RecordStats(entry, views, (MonoNs() - t0) / 1000, failed);
    if ((spec->flags & kWrite) && !failed) {
      engine_.wrote_.store(true, std::memory_order_relaxed);
    }
    if (std::string_view(spec->name) == "select") db_ = ctx_.session.db();
    server.total_commands.fetch_add(1, std::memory_order_relaxed);
    server.commands_metric->Add();
    return true;
  }

  bool Interrupt() override { return engine_.OnHook(); }

  int CheckCommand(const std::vector<std::string>& args) override {
    std::vector<std::string_view> views(args.begin(), args.end());
    int id = acl::CommandIndex::Get().Lookup(views);
    if (id < 0) return -1;
    acl::User& user = ctx_.session.user();
    if (user.unrestricted()) return 1;
    const CommandSpec* spec = ctx_.server.FindCommand(args[0]);
    size_t pos = 0;
    acl::Denial d = ctx_.server.acl().Check(
        user, id, views,
        [&](std::vector<size_t>* out) {
          if (spec != nullptr) CommandKeys(spec, views, out);
        },
        &pos);
    return d == acl::Denial::kOk ? 1 : 0;
  }

 private:
  ScriptEngine& engine_;
  CommandContext& ctx_;
  bool read_only_;
  bool allow_oom_;  // the script's allow-oom flag (not for scripts without a shebang)
  bool write_dirty_ = false;  // a write command was called
  int db_;
};

ScriptEngine::ScriptEngine(RespServer& server)
    : server_(server),
      eval_vm_(std::make_unique<LuaVm>(LuaVm::Mode::kEval)),
      fn_vm_(std::make_unique<LuaVm>(LuaVm::Mode::kFunctions)) {}

ScriptEngine::~ScriptEngine() = default;

std::string ScriptEngine::Sha1Hex(std::string_view body) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  static const char kHex[] = "0123456789abcdef";
  std::string hex(40, '0');
  for (int i = 0; i < SHA_DIGEST_LENGTH; i++) {
    hex[i * 2] = kHex[digest[i] >> 4];
    hex[i * 2 + 1] = kHex[digest[i] & 15];
  }
  return hex;
}

// ---- EVAL ----

bool ScriptEngine::CompileLocked(std::string_view body, std::string* sha, uint32_t* flags, std::string* error) {
  *sha = Sha1Hex(body);
  auto it = scripts_.find(*sha);
  if (it != scripts_.end()) {
    *flags = it->second.flags;
    return true;
  }
  size_t offset;
  if (!ParseEvalShebang(body, flags, &offset, error)) return false;
  std::string err = eval_vm_->CompileScript(*sha, BlankShebang(body, offset));
  if (!err.empty()) {
    *error = "ERR Error compiling script (new function): " + err;
    return false;
  }
  scripts_.emplace(*sha, CachedScript{std::string(body), *flags});
  return true;
}

bool ScriptEngine::LoadScript(std::string_view body, std::string* sha, std::string* error) {
  std::lock_guard<std::mutex> g(mu_);
  uint32_t flags;
  bool ok = CompileLocked(body, sha, &flags, error);
  cached_scripts_.store(scripts_.size(), std::memory_order_relaxed);
  return ok;
}

bool ScriptEngine::ScriptExists(std::string_view sha) {
  std::lock_guard<std::mutex> g(mu_);
  return scripts_.contains(ToLower(sha));
}

void ScriptEngine::FlushScripts() {
  std::lock_guard<std::mutex> g(mu_);
  scripts_.clear();
  cached_scripts_.store(0, std::memory_order_relaxed);
  eval_vm_ = std::make_unique<LuaVm>(LuaVm::Mode::kEval);
}

size_t ScriptEngine::CachedScripts() { return cached_scripts_.load(std::memory_order_relaxed); }

size_t ScriptEngine::MemoryBytes() { return lua_memory_.load(std::memory_order_relaxed); }

template <typename Fn>
void ScriptEngine::RunExclusive(CommandContext& ctx, std::string_view name, bool is_eval, Fn&& fn) {
  runner_ = std::this_thread::get_id();
  runner_conn_ = &ctx.session.conn();
  start_ms_.store(MonoMs(), std::memory_order_relaxed);
  timed_out_.store(false, std::memory_order_relaxed);
  kill_requested_.store(false, std::memory_order_relaxed);
  wrote_.store(false, std::memory_order_relaxed);
  is_eval_.store(is_eval, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> g(info_mu_);
    run_name_ = std::string(name);
    run_command_.assign(ctx.args.begin(), ctx.args.end());
  }
  running_.store(true, std::memory_order_release);
  int saved_db = ctx.session.db();
  fn();
  // SELECT inside a script does not change the caller's database.
  if (ctx.session.db() != saved_db) ctx.session.set_db(saved_db);
  running_.store(false, std::memory_order_release);
  runner_conn_ = nullptr;
  runner_ = std::thread::id();
  if (timed_out_.load(std::memory_order_relaxed)) {
    LOG_WARN("Slow script finished after %lld milliseconds: %s",
             static_cast<long long>(MonoMs() - start_ms_.load(std::memory_order_relaxed)), std::string(name).c_str());
  }
}

void ScriptEngine::Eval(CommandContext& ctx, std::string_view script, bool by_sha, bool read_only,
                        const std::vector<std::string_view>& keys, const std::vector<std::string_view>& args) {
  // Shards first, then the VM lock (the order every script path uses).
  engine::kv::Store::Lock all = ctx.session.LockForScript();
  std::lock_guard<std::mutex> g(mu_);
  std::string sha;
  uint32_t flags = 0;
  if (by_sha) {
    sha = ToLower(script);
    auto it = scripts_.find(sha);
    if (sha.size() != 40 || it == scripts_.end()) return ctx.w.Error("NOSCRIPT No matching script. Please use EVAL.");
    flags = it->second.flags;
  } else {
    std::string err;
    if (!CompileLocked(script, &sha, &flags, &err)) return ctx.w.Error(err);
  }
  cached_scripts_.store(scripts_.size(), std::memory_order_relaxed);
  bool compat = (flags & kScriptEvalCompat) != 0;
  if (!compat && RefusedForOom(ctx, flags)) return ctx.w.Error(kScriptOomErr);
  if (!compat && !(flags & kScriptNoWrites) && read_only) {
    return ctx.w.Error("ERR Can not execute a script with write flag using *_ro command.");
  }
  bool ro = read_only || (!compat && (flags & kScriptNoWrites));
  Caller caller(*this, ctx, ro, !compat && (flags & kScriptAllowOom));
  ScriptRun run{&caller, sha, &keys, &args, ro, flags};
  RunExclusive(ctx, sha, true, [&] { eval_vm_->RunScript(sha, run, ctx.w); });
  lua_memory_.store(eval_vm_->MemoryBytes() + fn_vm_->MemoryBytes(), std::memory_order_relaxed);
}

// ---- Functions ----

bool ScriptEngine::LoadLibraryLocked(std::string_view code, bool replace, std::string* name, std::string* error) {
  std::string_view body;
  if (!ParseLibraryMetadata(code, name, &body, error)) {
    *error = "ERR " + *error;
    return false;
  }
  auto old = libraries_.find(*name);
  if (old != libraries_.end() && !replace) {
    *error = "ERR Library '" + *name + "' already exists";
    return false;
  }
  Library lib{*name, std::string(code), {}};
  std::string err = fn_vm_->LoadLibrary(body, kLoadTimeoutMs, &lib.functions);
  if (!err.empty()) {
    *error = "ERR " + err;
    return false;
  }
  auto release = [&] {
    for (const auto& f : lib.functions) fn_vm_->ReleaseFunction(f.ref);
  };
  if (lib.functions.empty()) {
    *error = "ERR No functions registered";
    release();
    return false;
  }
  for (const auto& f : lib.functions) {
    auto owner = functions_.find(f.name);
    if (owner != functions_.end() && owner->second != *name) {
      *error = "ERR Function " + f.name + " already exists";
      release();
      return false;
    }
  }
  if (old != libraries_.end()) RemoveLibraryLocked(*name);
  for (const auto& f : lib.functions) functions_[f.name] = *name;
  libraries_.emplace(*name, std::move(lib));
  return true;
}

void ScriptEngine::RemoveLibraryLocked(const std::string& name) {
  auto it = libraries_.find(name);
  if (it == libraries_.end()) return;
  for (const auto& f : it->second.functions) {
    functions_.erase(f.name);
    fn_vm_->ReleaseFunction(f.ref);
  }
  libraries_.erase(it);
}

bool ScriptEngine::LoadLibrary(std::string_view code, bool replace, std::string* name, std::string* error) {
  std::lock_guard<std::mutex> g(mu_);
  if (!LoadLibraryLocked(code, replace, name, error)) return false;
  Persist();
  return true;
}

bool ScriptEngine::DeleteLibrary(std::string_view name) {
  std::lock_guard<std::mutex> g(mu_);
  if (!libraries_.contains(name)) return false;
  RemoveLibraryLocked(std::string(name));
  Persist();
  return true;
}

void ScriptEngine::FlushLibraries() {
  std::lock_guard<std::mutex> g(mu_);
  libraries_.clear();
  functions_.clear();
  fn_vm_ = std::make_unique<LuaVm>(LuaVm::Mode::kFunctions);
  Persist();
}

std::vector<ScriptEngine::LibraryInfo> ScriptEngine::ListLibraries() {
  std::lock_guard<std::mutex> g(mu_);
  std::vector<LibraryInfo> out;
  for (const auto& [name, lib] : libraries_) {
    LibraryInfo info{name, lib.code, {}};
    for (const auto& f : lib.functions) info.functions.push_back({f.name, f.description, f.has_description, f.flags});
    out.push_back(std::move(info));
  }
  return out;
}

bool ScriptEngine::HasFunction(std::string_view name) {
  std::lock_guard<std::mutex> g(mu_);
  return functions_.contains(name);
}

size_t ScriptEngine::LibraryCount() { return library_count_.load(std::memory_order_relaxed); }

size_t ScriptEngine::FunctionCount() { return function_count_.load(std::memory_order_relaxed); }

std::string ScriptEngine::DumpLocked() {
  std::vector<std::string> codes;
  for (const auto& [name, lib] : libraries_) codes.push_back(lib.code);
  return rdb::DumpFunctions(codes);
}

std::string ScriptEngine::DumpLibraries() {
  std::lock_guard<std::mutex> g(mu_);
  return DumpLocked();
}

bool ScriptEngine::RestoreLibraries(std::string_view payload, RestorePolicy policy, std::string* error) {
  std::vector<std::string> codes;
  Status st = rdb::RestoreFunctions(payload, &codes);
  if (!st.ok()) {
    if (st.IsInvalidArgument()) *error = "ERR DUMP payload version or checksum are wrong";
    else if (st.IsNotFound()) *error = "ERR given type is not a function";
    else *error = "ERR Bad data format";
    return false;
  }
  std::lock_guard<std::mutex> g(mu_);
  // Load into a copy of the current set, so a failure leaves it untouched.
  auto saved_libraries = libraries_;
  auto saved_functions = functions_;
  std::vector<Library> replaced;
  if (policy == RestorePolicy::kFlush) {
    for (auto& [name, lib] : libraries_) replaced.push_back(lib);
    libraries_.clear();
    functions_.clear();
  }
  std::vector<int> fresh_refs;
  bool ok = true;
  for (const auto& code : codes) {
    std::string name;
    std::string_view body;
    if (!ParseLibraryMetadata(code, &name, &body, error)) {
      *error = "ERR " + *error;
      ok = false;
      break;
    }
    auto existing = libraries_.find(name);
    if (existing != libraries_.end()) {
      if (policy == RestorePolicy::kAppend) {
        *error = "ERR Library " + name + " already exists";
        ok = false;
        break;
      }
      replaced.push_back(existing->second);
      for (const auto& f : existing->second.functions) functions_.erase(f.name);
      libraries_.erase(existing);
    }
    Library lib{name, code, {}};
    std::string err = fn_vm_->LoadLibrary(body, 0, &lib.functions);
    for (const auto& f : lib.functions) fresh_refs.push_back(f.ref);
    if (!err.empty()) {
      *error = "ERR " + err;
      ok = false;
      break;
    }
    if (lib.functions.empty()) {
      *error = "ERR No functions registered";
      ok = false;
      break;
    }
    for (const auto& f : lib.functions) {
      if (functions_.contains(f.name)) {
        *error = "ERR Function " + f.name + " already exists";
        ok = false;
        break;
      }
      functions_[f.name] = name;
    }
    if (!ok) break;
    libraries_.emplace(name, std::move(lib));
  }
  if (!ok) {
    for (int ref : fresh_refs) fn_vm_->ReleaseFunction(ref);
    libraries_ = std::move(saved_libraries);
    functions_ = std::move(saved_functions);
    return false;
  }
  for (const auto& lib : replaced) {
    for (const auto& f : lib.functions) fn_vm_->ReleaseFunction(f.ref);
  }
  Persist();
  return true;
}

void ScriptEngine::Persist() {
  library_count_.store(libraries_.size(), std::memory_order_relaxed);
  function_count_.store(functions_.size(), std::memory_order_relaxed);
  Status st = server_.store().PutMeta(kFunctionsMetaKey, DumpLocked());
  if (!st.ok()) LOG_ERROR("redis: saving function libraries failed: %s", st.ToString().c_str());
}

Status ScriptEngine::LoadPersisted() {
  std::string payload;
  Status st = server_.store().GetMeta(kFunctionsMetaKey, &payload);
  if (st.IsNotFound()) return Status::Ok();
  RETURN_IF_ERROR(st);
  std::string error;
  if (!RestoreLibraries(payload, RestorePolicy::kFlush, &error)) {
    return Status::Corruption("stored Redis function libraries cannot be loaded: " + error);
  }
  LOG_INFO("redis: loaded %zu function libraries", LibraryCount());
  return Status::Ok();
}

void ScriptEngine::FCall(CommandContext& ctx, std::string_view name, bool read_only,
                         const std::vector<std::string_view>& keys, const std::vector<std::string_view>& args) {
  engine::kv::Store::Lock all = ctx.session.LockForScript();
  std::lock_guard<std::mutex> g(mu_);
  auto owner = functions_.find(name);
  if (owner == functions_.end()) return ctx.w.Error("ERR Function not found");
  const Library& lib = libraries_.find(owner->second)->second;
  const RegisteredFunction* fn = nullptr;
  for (const auto& f : lib.functions) {
    if (f.name == name) fn = &f;
  }
  if (RefusedForOom(ctx, fn->flags)) return ctx.w.Error(kScriptOomErr);
  if (read_only && !(fn->flags & kScriptNoWrites)) {
    return ctx.w.Error("ERR Can not execute a script with write flag using *_ro command.");
  }
  bool ro = read_only || (fn->flags & kScriptNoWrites);
  Caller caller(*this, ctx, ro, (fn->flags & kScriptAllowOom) != 0);
  ScriptRun run{&caller, fn->name, &keys, &args, ro, fn->flags};
  int ref = fn->ref;
  RunExclusive(ctx, fn->name, false, [&] { fn_vm_->RunFunction(ref, run, ctx.w); });
  lua_memory_.store(eval_vm_->MemoryBytes() + fn_vm_->MemoryBytes(), std::memory_order_relaxed);
}

// ---- maxmemory ----

bool ScriptEngine::RefusedForOom(CommandContext& ctx, uint32_t flags) {
  // no-writes implies allow-oom.
  return !(flags & (kScriptAllowOom | kScriptNoWrites)) && ctx.session.script_oom() && ctx.store.maxmemory() != 0;
}

bool ScriptEngine::DenyOom(const std::vector<std::string_view>& args, bool command_flag) {
  if (args.size() < 2) return command_flag;
  std::string_view cmd = args[0];
  bool is_fcall = cmd.size() >= 5 && EqualsIgnoreCase(cmd.substr(0, 5), "fcall");
  bool by_sha = !is_fcall && cmd.size() >= 7 && EqualsIgnoreCase(cmd.substr(0, 7), "evalsha");
  uint32_t flags = 0;
  if (is_fcall) {
    std::lock_guard<std::mutex> g(mu_);
    auto owner = functions_.find(args[1]);
    if (owner == functions_.end()) return command_flag;
    const Library& lib = libraries_.find(owner->second)->second;
    bool found = false;
    for (const auto& f : lib.functions) {
      if (f.name == args[1]) {
        flags = f.flags;
        found = true;
      }
    }
    if (!found) return command_flag;
  } else if (by_sha) {
    if (args[1].size() != 40) return command_flag;
    std::lock_guard<std::mutex> g(mu_);
    auto it = scripts_.find(ToLower(args[1]));
    if (it == scripts_.end()) return command_flag;
    flags = it->second.flags;
  } else {
    // The flags of a script come from its shebang, cached or not.
    size_t offset;
    std::string err;
    if (!ParseEvalShebang(args[1], &flags, &offset, &err)) return command_flag;
  }
  if (flags & kScriptEvalCompat) return command_flag;
  return !(flags & (kScriptAllowOom | kScriptNoWrites));
}

// ---- The running script ----

bool ScriptEngine::OnHook() {
  int64_t threshold = busy_threshold_ms();
  int64_t elapsed = MonoMs() - start_ms_.load(std::memory_order_relaxed);
  if (threshold > 0 && elapsed >= threshold) {
    if (!timed_out_.exchange(true)) {
      std::string name;
      {
        std::lock_guard<std::mutex> g(info_mu_);
        name = run_name_;
      }
      LOG_WARN(
          "Slow script detected: still in execution after %lld milliseconds. You can try killing the script using "
          "the %s command. Script name is: %s.",
          static_cast<long long>(elapsed), is_eval_.load() ? "SCRIPT KILL" : "FUNCTION KILL", name.c_str());
    }
    if (runner_conn_ != nullptr) runner_conn_->worker().PollWhileBusy(runner_conn_);
  }
  return kill_requested_.load(std::memory_order_relaxed);
}

bool ScriptEngine::WaitWhileRunning() {
  if (!running()) return true;
  if (std::this_thread::get_id() == runner_) return false;
  while (running()) {
    if (timed_out_.load(std::memory_order_relaxed)) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return true;
}

std::string ScriptEngine::BusyError() const { return is_eval_.load() ? kSlowEvalErr : kSlowScriptErr; }

std::string ScriptEngine::Kill(bool is_eval) {
  if (!running()) return "NOTBUSY No scripts in execution right now.";
  if (wrote_.load()) {
    return "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the "
           "script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
  }
  if (is_eval && !is_eval_.load()) return kSlowScriptErr;
  if (!is_eval && is_eval_.load()) return kSlowEvalErr;
  kill_requested_.store(true);
  return std::string();
}

bool ScriptEngine::RunningFunction(std::string* name, std::vector<std::string>* command, int64_t* duration_ms) {
  if (!running() || is_eval_.load()) return false;
  std::lock_guard<std::mutex> g(info_mu_);
  *name = run_name_;
  *command = run_command_;
  *duration_ms = MonoMs() - start_ms_.load(std::memory_order_relaxed);
  return true;
}

}  // namespace lumadb::protocol::resp

// Scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT, FUNCTION,
// FCALL, FCALL_RO. The Lua side lives in protocol/resp/scripting/.
#include "common/strutil.h"
#include "protocol/resp/command.h"
#include "protocol/resp/commands/admin.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/scripting/script_engine.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {
namespace {

// Splits "<cmd> <script|name> numkeys key... arg..." after numkeys was validated.
void SplitKeysArgs(CommandContext& ctx, int64_t numkeys, std::vector<std::string_view>* keys,
                   std::vector<std::string_view>* args) {
  keys->assign(ctx.args.begin() + 3, ctx.args.begin() + 3 + numkeys);
  args->assign(ctx.args.begin() + 3 + numkeys, ctx.args.end());
}

bool CheckNumKeys(CommandContext& ctx, int64_t numkeys) {
  if (numkeys > static_cast<int64_t>(ctx.argc()) - 3) {
    ctx.w.Error("ERR Number of keys can't be greater than number of args");
    return false;
  }
  if (numkeys < 0) {
    ctx.w.Error("ERR Number of keys can't be negative");
    return false;
  }
  return true;
}

void EvalGeneric(CommandContext& ctx, bool by_sha, bool read_only) {
  int64_t numkeys;
  if (!ArgInt(ctx, 2, &numkeys) || !CheckNumKeys(ctx, numkeys)) return;
  std::vector<std::string_view> keys, args;
  SplitKeysArgs(ctx, numkeys, &keys, &args);
  ctx.server.scripts().Eval(ctx, ctx.arg(1), by_sha, read_only, keys, args);
}

void Eval(CommandContext& ctx) { EvalGeneric(ctx, false, false); }
void EvalSha(CommandContext& ctx) { EvalGeneric(ctx, true, false); }
void EvalRo(CommandContext& ctx) { EvalGeneric(ctx, false, true); }
void EvalShaRo(CommandContext& ctx) { EvalGeneric(ctx, true, true); }

void FCallGeneric(CommandContext& ctx, bool read_only) {
  ScriptEngine& se = ctx.server.scripts();
  // Redis looks the function up before it reads numkeys.
  if (!se.HasFunction(ctx.arg(1))) return ctx.w.Error("ERR Function not found");
  int64_t numkeys;
  if (!ParseInt64(ctx.arg(2), &numkeys)) return ctx.w.Error("ERR Bad number of keys provided");
  if (!CheckNumKeys(ctx, numkeys)) return;
  std::vector<std::string_view> keys, args;
  SplitKeysArgs(ctx, numkeys, &keys, &args);
  se.FCall(ctx, ctx.arg(1), read_only, keys, args);
}

void FCall(CommandContext& ctx) { FCallGeneric(ctx, false); }
void FCallRo(CommandContext& ctx) { FCallGeneric(ctx, true); }

// Keys of EVAL-like commands: numkeys names after the script or function.
bool EvalKeys(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  int64_t n;
  if (args.size() < 3 || !ParseInt64(args[2], &n) || n < 0 || n > static_cast<int64_t>(args.size()) - 3) {
    return false;
  }
  for (int64_t i = 0; i < n; i++) keys->push_back(3 + i);
  return true;
}

void SubcommandArity(CommandContext& ctx, const char* full) { ctx.w.Error(ArityError(full)); }

void Script(CommandContext& ctx) {
  ScriptEngine& se = ctx.server.scripts();
  std::string sub = ToLower(ctx.arg(1));
  if (sub == "load") {
    if (ctx.argc() != 3) return SubcommandArity(ctx, "script|load");
    std::string sha, err;
    if (!se.LoadScript(ctx.arg(2), &sha, &err)) return ctx.w.Error(err);
    ctx.w.Bulk(sha);
  } else if (sub == "exists") {
    if (ctx.argc() < 3) return SubcommandArity(ctx, "script|exists");
    ctx.w.Array(ctx.argc() - 2);
    for (size_t i = 2; i < ctx.argc(); i++) ctx.w.Integer(se.ScriptExists(ctx.arg(i)) ? 1 : 0);
  } else if (sub == "flush") {
    if (ctx.argc() > 3) return SubcommandArity(ctx, "script|flush");
    if (ctx.argc() == 3 && !IsArg(ctx.arg(2), "SYNC") && !IsArg(ctx.arg(2), "ASYNC")) {
      return ctx.w.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    }
    se.FlushScripts();
    ctx.w.Ok();
  } else if (sub == "kill") {
    if (ctx.argc() != 2) return SubcommandArity(ctx, "script|kill");
    std::string err = se.Kill(true);
    if (!err.empty()) return ctx.w.Error(err);
    ctx.w.Ok();
  } else if (sub == "debug") {
    if (ctx.argc() != 3) return SubcommandArity(ctx, "script|debug");
    ctx.w.Error("ERR SCRIPT DEBUG (the Lua debugger) is not supported by LumaDB");
  } else if (sub == "help") {
    WriteHelp(ctx.w, "SCRIPT", {
                                 "DEBUG (YES|SYNC|NO)",
                                 "    Set the debug mode for subsequent scripts executed.",
                                 "EXISTS <sha1> [<sha1> ...]",
                                 "    Return information about the existence of the scripts in the script cache.",
                                 "FLUSH [ASYNC|SYNC]",
                                 "    Flush the Lua scripts cache. Very dangerous on replicas.",
                                 "    When called without the optional mode argument, the behavior is determined by the",
                                 "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                                 "    * ASYNC: Asynchronously flush the scripts cache.",
                                 "    * SYNC: Synchronously flush the scripts cache.",
                                 "KILL",
                                 "    Kill the currently executing Lua script.",
                                 "LOAD <script>",
                                 "    Load a script into the scripts cache without executing it."});
  } else {
    ctx.w.Error(UnknownSubcommand(ctx.arg(1), "SCRIPT"));
  }
}

void FunctionList(CommandContext& ctx, ScriptEngine& se) {
  bool with_code = false;
  bool have_pattern = false;
  std::string pattern;
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (IsArg(ctx.arg(i), "WITHCODE") && !with_code) {
      with_code = true;
    } else if (IsArg(ctx.arg(i), "LIBRARYNAME") && !have_pattern) {
      if (i + 1 >= ctx.argc()) return ctx.w.Error("ERR library name argument was not given");
      pattern = ctx.arg(++i);
      have_pattern = true;
    } else {
      return ctx.w.Error("ERR Unknown argument " + std::string(ctx.arg(i)));
    }
  }
  std::vector<ScriptEngine::LibraryInfo> libs;
  for (auto& lib : se.ListLibraries()) {
    if (!have_pattern || GlobMatch(pattern, lib.name)) libs.push_back(std::move(lib));
  }
  ctx.w.Array(libs.size());
  for (const auto& lib : libs) {
    ctx.w.Map(with_code ? 4 : 3);
    ctx.w.Bulk("library_name");
    ctx.w.Bulk(lib.name);
    ctx.w.Bulk("engine");
    ctx.w.Bulk("LUA");
    ctx.w.Bulk("functions");
    ctx.w.Array(lib.functions.size());
    for (const auto& f : lib.functions) {
      ctx.w.Map(3);
      ctx.w.Bulk("name");
      ctx.w.Bulk(f.name);
      ctx.w.Bulk("description");
      if (f.has_description) ctx.w.Bulk(f.description);
      else ctx.w.Null();
      ctx.w.Bulk("flags");
      std::vector<std::string> flags = ScriptFlagNames(f.flags);
      ctx.w.Set(flags.size());
      for (const auto& fl : flags) ctx.w.Simple(fl);
    }
    if (with_code) {
      ctx.w.Bulk("library_code");
      ctx.w.Bulk(lib.code);
    }
  }
}

void FunctionStats(CommandContext& ctx, ScriptEngine& se) {
  // FUNCTION STATS is allowed while a function is busy, not while an EVAL is.
  if (se.running() && se.running_eval() && !se.WaitWhileRunning()) return ctx.w.Error(se.BusyError());
  std::string name;
  std::vector<std::string> command;
  int64_t duration = 0;
  ctx.w.Map(2);
  ctx.w.Bulk("running_script");
  if (se.RunningFunction(&name, &command, &duration)) {
    ctx.w.Map(3);
    ctx.w.Bulk("name");
    ctx.w.Bulk(name);
    ctx.w.Bulk("command");
    ctx.w.BulkArray(command);
    ctx.w.Bulk("duration_ms");
    ctx.w.Integer(duration);
  } else {
    ctx.w.Null();
  }
  ctx.w.Bulk("engines");
  ctx.w.Map(1);
  ctx.w.Bulk("LUA");
  ctx.w.Map(2);
  ctx.w.Bulk("libraries_count");
  ctx.w.Integer(static_cast<int64_t>(se.LibraryCount()));
  ctx.w.Bulk("functions_count");
  ctx.w.Integer(static_cast<int64_t>(se.FunctionCount()));
}

void Function(CommandContext& ctx) {
  ScriptEngine& se = ctx.server.scripts();
  std::string sub = ToLower(ctx.arg(1));
  if (sub == "load") {
    if (ctx.argc() < 3) return SubcommandArity(ctx, "function|load");
    bool replace = false;
    for (size_t i = 2; i + 1 < ctx.argc(); i++) {
      if (!IsArg(ctx.arg(i), "REPLACE")) return ctx.w.Error("ERR Unknown option given: " + std::string(ctx.arg(i)));
      replace = true;
    }
    std::string name, err;
    if (!se.LoadLibrary(ctx.arg(ctx.argc() - 1), replace, &name, &err)) return ctx.w.Error(err);
    ctx.w.Bulk(name);
  } else if (sub == "delete") {
    if (ctx.argc() != 3) return SubcommandArity(ctx, "function|delete");
    if (!se.DeleteLibrary(ctx.arg(2))) return ctx.w.Error("ERR Library not found");
    ctx.w.Ok();
  } else if (sub == "list") {
    FunctionList(ctx, se);
  } else if (sub == "stats") {
    if (ctx.argc() != 2) return SubcommandArity(ctx, "function|stats");
    FunctionStats(ctx, se);
  } else if (sub == "kill") {
    if (ctx.argc() != 2) return SubcommandArity(ctx, "function|kill");
    std::string err = se.Kill(false);
    if (!err.empty()) return ctx.w.Error(err);
    ctx.w.Ok();
  } else if (sub == "flush") {
    if (ctx.argc() > 3) return SubcommandArity(ctx, "function|flush");
    if (ctx.argc() == 3 && !IsArg(ctx.arg(2), "SYNC") && !IsArg(ctx.arg(2), "ASYNC")) {
      return ctx.w.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    }
    se.FlushLibraries();
    ctx.w.Ok();
  } else if (sub == "dump") {
    if (ctx.argc() != 2) return SubcommandArity(ctx, "function|dump");
    ctx.w.Bulk(se.DumpLibraries());
  } else if (sub == "restore") {
    if (ctx.argc() != 3 && ctx.argc() != 4) return SubcommandArity(ctx, "function|restore");
    ScriptEngine::RestorePolicy policy = ScriptEngine::RestorePolicy::kAppend;
    if (ctx.argc() == 4) {
      if (IsArg(ctx.arg(3), "FLUSH")) policy = ScriptEngine::RestorePolicy::kFlush;
      else if (IsArg(ctx.arg(3), "APPEND")) policy = ScriptEngine::RestorePolicy::kAppend;
      else if (IsArg(ctx.arg(3), "REPLACE")) policy = ScriptEngine::RestorePolicy::kReplace;
      else return ctx.w.Error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
    }
    std::string err;
    if (!se.RestoreLibraries(ctx.arg(2), policy, &err)) return ctx.w.Error(err);
    ctx.w.Ok();
  } else if (sub == "help") {
    WriteHelp(ctx.w, "FUNCTION", {
                                 "LOAD [REPLACE] <FUNCTION CODE>",
                                 "    Create a new library with the given library name and code.",
                                 "DELETE <LIBRARY NAME>",
                                 "    Delete the given library.",
                                 "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                                 "    Return general information on all the libraries:",
                                 "    * Library name",
                                 "    * The engine used to run the Library",
                                 "    * Library description",
                                 "    * Functions list",
                                 "    * Library code (if WITHCODE is given)",
                                 "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
                                 "STATS",
                                 "    Return information about the current function running:",
                                 "    * Function name",
                                 "    * Command used to run the function",
                                 "    * Duration in MS that the function is running",
                                 "    If no function is running, return nil",
                                 "    In addition, returns a list of available engines.",
                                 "KILL",
                                 "    Kill the current running function.",
                                 "FLUSH [ASYNC|SYNC]",
                                 "    Delete all the libraries.",
                                 "    When called without the optional mode argument, the behavior is determined by the",
                                 "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                                 "    * ASYNC: Asynchronously flush the libraries.",
                                 "    * SYNC: Synchronously flush the libraries.",
                                 "DUMP",
                                 "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
                                 "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
                                 "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
                                 "    control how to handle existing libraries (default APPEND):",
                                 "    * FLUSH: delete all existing libraries.",
                                 "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
                                 "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
                                 "      libraries with the new libraries (notice that even on this option there is a chance of failure",
                                 "      in case of functions name collision with another library)."});
  } else {
    ctx.w.Error(UnknownSubcommand(ctx.arg(1), "FUNCTION"));
  }
}

}  // namespace

const std::vector<CommandSpec>& ScriptingCommands() {
  // kKeyspace: the script engine locks every shard itself; the key specs
  // still answer COMMAND GETKEYS.
  static const std::vector<CommandSpec> kCommands = {
      {"eval", -3, kNoscript | kStale | kKeyspace, 0, 0, 0, Eval, "scripting",
       "Executes a server-side Lua script.", EvalKeys},
      {"evalsha", -3, kNoscript | kStale | kKeyspace, 0, 0, 0, EvalSha, "scripting",
       "Executes a server-side Lua script by SHA1 digest.", EvalKeys},
      {"eval_ro", -3, kNoscript | kStale | kReadonly | kKeyspace, 0, 0, 0, EvalRo, "scripting",
       "Executes a read-only server-side Lua script.", EvalKeys},
      {"evalsha_ro", -3, kNoscript | kStale | kReadonly | kKeyspace, 0, 0, 0, EvalShaRo, "scripting",
       "Executes a read-only server-side Lua script by SHA1 digest.", EvalKeys},
      {"script", -2, kNoscript | kKeyspace, 0, 0, 0, Script, "scripting",
       "A container for Lua scripts management commands."},
      {"function", -2, kNoscript | kKeyspace, 0, 0, 0, Function, "scripting",
       "A container for function commands."},
      {"fcall", -3, kNoscript | kStale | kKeyspace, 0, 0, 0, FCall, "scripting", "Invokes a function.", EvalKeys},
      {"fcall_ro", -3, kNoscript | kStale | kReadonly | kKeyspace, 0, 0, 0, FCallRo, "scripting",
       "Invokes a read-only function.", EvalKeys},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

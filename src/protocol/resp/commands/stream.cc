// Stream commands: XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XREAD, XSETID,
// and the consumer groups: XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM,
// XAUTOCLAIM, XINFO. Argument checks run in Redis 7.0's order so that the
// same bad command gets the same error.
#include <climits>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/strutil.h"
#include "protocol/resp/command.h"
#include "protocol/resp/commands/admin.h"
#include "protocol/resp/notify.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {
namespace {

using engine::kv::ChangeLog;
using engine::kv::kEntriesReadInvalid;
using engine::kv::Stream;
using engine::kv::StreamConsumer;
using engine::kv::StreamFields;
using engine::kv::StreamGroup;
using engine::kv::StreamId;
using engine::kv::StreamIdSyntax;
using engine::kv::Type;
using engine::kv::Value;

constexpr std::string_view kErrInvalidId = "ERR Invalid stream ID specified as stream command argument";
// XREAD BLOCK without COUNT returns at most this many entries per stream on
// wake-up (Redis's XREAD_BLOCKED_DEFAULT_COUNT).
constexpr int64_t kBlockedDefaultCount = 1000;

// ---- helpers ----

void ReplyId(Writer& w, StreamId id) { w.Bulk(id.ToString()); }

void ReplyEntry(Writer& w, StreamId id, const StreamFields& fields) {
  w.Array(2);
  ReplyId(w, id);
  w.Array(fields.size());
  for (auto f : fields) w.Bulk(f);
}

// Collects replies whose count is known only at the end, then writes the
// array header and the items.
class Deferred {
 public:
  explicit Deferred(Writer& w) : w_(&buf_, w.proto()) {}
  Writer& w() { return w_; }
  void FlushArray(Writer& out, size_t n) {
    out.Array(n);
    out.Raw(buf_);
  }
  void FlushMap(Writer& out, size_t n) {
    out.Map(n);
    out.Raw(buf_);
  }

 private:
  std::string buf_;
  Writer w_;
};

bool ArgId(CommandContext& ctx, size_t i, const StreamIdSyntax& syntax, StreamId* id, bool* seq_given = nullptr) {
  if (!engine::kv::ParseStreamId(ctx.arg(i), syntax, id, seq_given)) {
    ctx.w.Error(kErrInvalidId);
    return false;
  }
  return true;
}

bool ArgStrictId(CommandContext& ctx, size_t i, StreamId* id) {
  StreamIdSyntax strict;
  strict.strict = true;
  return ArgId(ctx, i, strict, id);
}

// A range start: "(" makes it exclusive, incomplete IDs mean <ms>-0.
bool ArgRangeStart(CommandContext& ctx, size_t i, StreamId* id) {
  bool exclusive;
  if (!engine::kv::ParseStreamIntervalId(ctx.arg(i), 0, id, &exclusive)) {
    ctx.w.Error(kErrInvalidId);
    return false;
  }
  if (exclusive && !id->Increment()) {
    ctx.w.Error("ERR invalid start ID for the interval");
    return false;
  }
  return true;
}

// A range end: incomplete IDs mean <ms>-<max>.
bool ArgRangeEnd(CommandContext& ctx, size_t i, StreamId* id) {
  bool exclusive;
  if (!engine::kv::ParseStreamIntervalId(ctx.arg(i), UINT64_MAX, id, &exclusive)) {
    ctx.w.Error(kErrInvalidId);
    return false;
  }
  if (exclusive && !id->Decrement()) {
    ctx.w.Error("ERR invalid end ID for the interval");
    return false;
  }
  return true;
}

bool ArgInt64(CommandContext& ctx, size_t i, int64_t* out, std::string_view err = kErrNotInt) {
  if (!ParseInt64(ctx.arg(i), out)) {
    ctx.w.Error(err);
    return false;
  }
  return true;
}

Value* FindStream(CommandContext& ctx, std::string_view key, bool* wrong) {
  return FindTyped(ctx, key, Type::kStream, wrong);
}

std::string NoGroupError(std::string_view key, std::string_view group) {
  return "NOGROUP No such key '" + std::string(key) + "' or consumer group '" + std::string(group) + "'";
}

// "unknown subcommand or wrong number of arguments for 'x'. Try XGROUP HELP."
void SubcommandSyntaxError(CommandContext& ctx) {
  std::string cmd(ctx.arg(0));
  for (char& c : cmd) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  ctx.w.Error("ERR unknown subcommand or wrong number of arguments for '" + std::string(ctx.arg(1).substr(0, 128)) +
              "'. Try " + cmd + " HELP.");
}

// Container commands check their subcommand's name and arity first, as
// Redis's command table does. Returns false after replying.
struct Subcommand {
  const char* name;
  int arity;
};
bool CheckSubcommand(CommandContext& ctx, const std::vector<Subcommand>& subs, std::string* sub) {
  *sub = ToLower(ctx.arg(1));
  for (const auto& s : subs) {
    if (*sub != s.name) continue;
    int argc = static_cast<int>(ctx.argc());
    if ((s.arity > 0 && argc != s.arity) || (s.arity < 0 && argc < -s.arity)) {
      ctx.w.Error(ArityError(ToLower(ctx.arg(0)) + "|" + *sub));
      return false;
    }
    return true;
  }
  std::string cmd(ctx.arg(0));
  for (char& c : cmd) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  ctx.w.Error("ERR unknown subcommand '" + std::string(ctx.arg(1).substr(0, 128)) + "'. Try " + cmd + " HELP.");
  return false;
}

void ReplyHelp(CommandContext& ctx, std::string_view cmd, const std::vector<const char*>& lines) {
  WriteHelp(ctx.w, cmd, std::vector<std::string>(lines.begin(), lines.end()));
}

// ---- XADD / XTRIM ----

struct AddTrimArgs {
  StreamId id;
  bool id_given = false;
  bool seq_given = true;
  bool no_mkstream = false;
  Stream::TrimOptions trim;
};

// Parses XADD's options up to the ID (returning its position) or XTRIM's
// options. Returns -1 after replying with an error.
int ParseAddTrimArgs(CommandContext& ctx, bool xadd, AddTrimArgs* a) {
  int argc = static_cast<int>(ctx.argc());
  int i = 2;
  bool limit_given = false;
  for (; i < argc; i++) {
    int moreargs = argc - 1 - i;
    std::string_view opt = ctx.arg(i);
    if (xadd && opt == "*") break;
    bool maxlen = IsArg(opt, "maxlen");
    if ((maxlen || IsArg(opt, "minid")) && moreargs) {
      if (a->trim.strategy != Stream::TrimOptions::kNone) {
        ctx.w.Error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
        return -1;
      }
      a->trim.approx = false;
      std::string_view next = ctx.arg(i + 1);
      if (moreargs >= 2 && next == "~") {
        a->trim.approx = true;
        i++;
      } else if (moreargs >= 2 && next == "=") {
        i++;
      }
      if (maxlen) {
        int64_t n;
        if (!ArgInt64(ctx, i + 1, &n)) return -1;
        if (n < 0) {
          ctx.w.Error("ERR The MAXLEN argument must be >= 0.");
          return -1;
        }
        a->trim.maxlen = static_cast<uint64_t>(n);
        a->trim.strategy = Stream::TrimOptions::kMaxLen;
      } else {
        if (!ArgStrictId(ctx, i + 1, &a->trim.minid)) return -1;
        a->trim.strategy = Stream::TrimOptions::kMinId;
      }
      i++;
    } else if (IsArg(opt, "limit") && moreargs) {
      if (!ArgInt64(ctx, i + 1, &a->trim.limit)) return -1;
      if (a->trim.limit < 0) {
        ctx.w.Error("ERR The LIMIT argument must be >= 0.");
        return -1;
      }
      limit_given = true;
      i++;
    } else if (xadd && IsArg(opt, "nomkstream")) {
      a->no_mkstream = true;
    } else if (xadd) {
      StreamIdSyntax syntax;
      syntax.strict = true;
      syntax.allow_seq_star = true;
      if (!ArgId(ctx, i, syntax, &a->id, &a->seq_given)) return -1;
      a->id_given = true;
      break;
    } else {
      ctx.w.Error(kErrSyntax);
      return -1;
    }
  }
  if (a->trim.limit != 0 && a->trim.strategy == Stream::TrimOptions::kNone) {
    ctx.w.Error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return -1;
  }
  if (!xadd && a->trim.strategy == Stream::TrimOptions::kNone) {
    ctx.w.Error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return -1;
  }
  if (limit_given) {
    if (!a->trim.approx) {
      ctx.w.Error("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return -1;
    }
  } else if (a->trim.approx) {
    // "~" without LIMIT does at most 100 nodes' worth of work.
    a->trim.limit = 100 * static_cast<int64_t>(Stream::kNodeMaxEntries);
  } else {
    a->trim.limit = 0;
  }
  return i;
}

// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]
void XAdd(CommandContext& ctx) {
  AddTrimArgs a;
  int idpos = ParseAddTrimArgs(ctx, true, &a);
  if (idpos < 0) return;
  int rest = static_cast<int>(ctx.argc()) - (idpos + 1);
  if (rest < 2 || rest % 2 == 1) return ctx.w.Error(ArityError("xadd"));
  if (a.id_given && a.seq_given && a.id.IsZero()) {
    return ctx.w.Error("ERR The ID specified in XADD must be greater than 0-0");
  }
  bool wrong;
  Value* v = FindStream(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) {
    if (a.no_mkstream) return ctx.w.Null();
    v = &ctx.store.Put(ctx.db, ctx.arg(1), Value::Make(Type::kStream));
  }
  Stream& s = v->stream();
  if (s.last_id() == StreamId::Max()) {
    return ctx.w.Error("ERR The stream has exhausted the last possible ID, unable to add more items");
  }
  Stream::NewId spec;
  spec.id = a.id;
  spec.kind = !a.id_given ? Stream::NewId::kAuto : a.seq_given ? Stream::NewId::kExplicit : Stream::NewId::kAutoSeq;
  std::vector<std::string_view> fields(ctx.args.begin() + idpos + 1, ctx.args.end());
  StreamId id;
  switch (s.Add(spec, NowMs(), fields, &id)) {
    case Stream::AddResult::kIdTooSmall:
      return ctx.w.Error("ERR The ID specified in XADD is equal or smaller than the target stream top item");
    case Stream::AddResult::kTooLarge: return ctx.w.Error("ERR Elements are too large to be stored");
    case Stream::AddResult::kOk: break;
  }
  ReplyId(ctx.w, id);
  int64_t trimmed = s.Trim(a.trim);
  ctx.store.Touched(ctx.db, ctx.arg(1), [&](ChangeLog& log) {
    if (trimmed != 0) log.StreamTrimmed();
    log.StreamEntry(id);
  });
  NotifyKeyspaceEvent(ctx, kNotifyStream, "xadd", ctx.arg(1));
  if (trimmed != 0) NotifyKeyspaceEvent(ctx, kNotifyStream, "xtrim", ctx.arg(1));
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
void XTrim(CommandContext& ctx) {
  AddTrimArgs a;
  if (ParseAddTrimArgs(ctx, false, &a) < 0) return;
  bool wrong;
  Value* v = FindStream(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Integer(0);
  int64_t deleted = v->stream().Trim(a.trim);
  if (deleted != 0) {
    ctx.store.Touched(ctx.db, ctx.arg(1), [](ChangeLog& log) { log.StreamTrimmed(); });
    NotifyKeyspaceEvent(ctx, kNotifyStream, "xtrim", ctx.arg(1));
  }
  ctx.w.Integer(deleted);
}

// ---- XRANGE / XREVRANGE / XLEN / XDEL ----

// XRANGE key start end [COUNT n] / XREVRANGE key end start [COUNT n]
void RangeGeneric(CommandContext& ctx, bool rev) {
  StreamId start, end;
  if (!ArgRangeStart(ctx, rev ? 3 : 2, &start) || !ArgRangeEnd(ctx, rev ? 2 : 3, &end)) return;
  int64_t count = -1;
  for (size_t j = 4; j < ctx.argc(); j++) {
    if (IsArg(ctx.arg(j), "COUNT") && j + 1 < ctx.argc()) {
      if (!ArgInt64(ctx, ++j, &count)) return;
      if (count < 0) count = 0;
    } else {
      return ctx.w.Error(kErrSyntax);
    }
  }
  bool wrong;
  Value* v = FindStream(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Array(0);
  if (count == 0) return ctx.w.NullArray();
  Deferred d(ctx.w);
  size_t n = v->stream().Range(start, end, rev, count < 0 ? 0 : static_cast<size_t>(count),
                               [&](StreamId id, const StreamFields& f) {
                                 ReplyEntry(d.w(), id, f);
                                 return true;
                               });
  d.FlushArray(ctx.w, n);
}

void XRange(CommandContext& ctx) { RangeGeneric(ctx, false); }
void XRevRange(CommandContext& ctx) { RangeGeneric(ctx, true); }

void XLen(CommandContext& ctx) {
  bool wrong;
  Value* v = FindStream(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  ctx.w.Integer(v == nullptr ? 0 : static_cast<int64_t>(v->stream().length()));
}

// XDEL key id [id ...]
void XDel(CommandContext& ctx) {
  bool wrong;
  Value* v = FindStream(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Integer(0);
  std::vector<StreamId> ids(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); j++) {
    if (!ArgStrictId(ctx, j, &ids[j - 2])) return;
  }
  size_t deleted = v->stream().Delete(ids);
  if (deleted != 0) {
    ctx.store.Touched(ctx.db, ctx.arg(1), [&](ChangeLog& log) {
      for (StreamId id : ids) log.StreamRemoved(id, id);
    });
    NotifyKeyspaceEvent(ctx, kNotifyStream, "xdel", ctx.arg(1));
  }
  ctx.w.Integer(static_cast<int64_t>(deleted));
}

// ---- XREAD / XREADGROUP ----

struct ReadArgs {
  int64_t timeout = -1;  // BLOCK milliseconds; -1 = no BLOCK
  int64_t count = 0;
  size_t streams_arg = 0;  // index of the first key
  size_t streams = 0;      // number of keys
  bool noack = false;
  bool has_group = false;
  std::string_view group, consumer;
};

// Parses XREAD/XREADGROUP options up to STREAMS. Returns the error reply
// text, or an empty string. Shared with the key finder so that the locked
// keys are exactly the ones the handler reads.
std::string ParseReadArgs(const std::vector<std::string_view>& args, bool xreadgroup, bool in_script,
                          ReadArgs* a) {
  size_t argc = args.size();
  for (size_t i = 1; i < argc; i++) {
    size_t moreargs = argc - i - 1;
    std::string_view o = args[i];
    if (IsArg(o, "BLOCK") && moreargs) {
      if (in_script) return "ERR " + std::string(args[0]) + " command is not allowed with BLOCK option from scripts";
      i++;
      if (!ParseInt64(args[i], &a->timeout)) return "ERR timeout is not an integer or out of range";
      if (a->timeout < 0) return "ERR timeout is negative";
    } else if (IsArg(o, "COUNT") && moreargs) {
      i++;
      if (!ParseInt64(args[i], &a->count)) return std::string(kErrNotInt);
      if (a->count < 0) a->count = 0;
    } else if (IsArg(o, "STREAMS") && moreargs) {
      a->streams_arg = i + 1;
      size_t n = argc - a->streams_arg;
      if (n % 2 != 0) {
        return "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.";
      }
      a->streams = n / 2;
      break;
    } else if (IsArg(o, "GROUP") && moreargs >= 2) {
      if (!xreadgroup) return "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
      a->has_group = true;
      a->group = args[i + 1];
      a->consumer = args[i + 2];
      i += 2;
    } else if (IsArg(o, "NOACK")) {
      if (!xreadgroup) return "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";
      a->noack = true;
    } else {
      return std::string(kErrSyntax);
    }
  }
  if (a->streams_arg == 0) return std::string(kErrSyntax);
  if (xreadgroup && !a->has_group) return "ERR Missing GROUP option for XREADGROUP";
  return "";
}

// Key finder for XREAD and XREADGROUP (told apart by the name's length, as
// Redis does): the keys are the first half of what follows STREAMS.
bool ReadKeys(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  ReadArgs a;
  if (!ParseReadArgs(args, args[0].size() == 10, false, &a).empty()) return false;
  for (size_t i = 0; i < a.streams; i++) keys->push_back(a.streams_arg + i);
  return true;
}

void ReadGeneric(CommandContext& ctx, bool xreadgroup) {
  ReadArgs a;
  std::string err = ParseReadArgs(ctx.args, xreadgroup, ctx.in_script, &a);
  if (!err.empty()) return ctx.w.Error(err);
  // A retried blocked command meets deleted keys and groups differently:
  // XREAD keeps waiting, XREADGROUP is told its stream or group is gone.
  bool retry = ctx.session.retrying_blocked();
  size_t n = a.streams;
  std::vector<Stream*> streams(n, nullptr);
  std::vector<StreamGroup*> groups(n, nullptr);
  std::vector<StreamId> ids(n);
  for (size_t k = 0; k < n; k++) {
    std::string_view key = ctx.arg(a.streams_arg + k);
    std::string_view id_arg = ctx.arg(a.streams_arg + n + k);
    Value* v = ctx.store.Find(ctx.db, key);
    if (v != nullptr && v->type() != Type::kStream) {
      if (!retry) return ctx.w.Error(kErrWrongType);
      if (xreadgroup) return ctx.w.Error("UNBLOCKED the stream key no longer exists");
      v = nullptr;
    }
    if (v != nullptr) streams[k] = &v->stream();
    if (xreadgroup) {
      if (v == nullptr && retry) return ctx.w.Error("UNBLOCKED the stream key no longer exists");
      if (v != nullptr) groups[k] = streams[k]->FindGroup(a.group);
      if (groups[k] == nullptr) {
        if (retry) return ctx.w.Error("NOGROUP the consumer group this client was blocked on no longer exists");
        return ctx.w.Error(NoGroupError(key, a.group) + " in XREADGROUP with GROUP option");
      }
    }
    if (id_arg == "$") {
      if (xreadgroup) {
        return ctx.w.Error(
            "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this "
            "consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return "
            "an empty result set.");
      }
      ids[k] = v != nullptr ? streams[k]->last_id() : StreamId{0, 0};
      continue;
    }
    if (id_arg == ">") {
      if (!xreadgroup) {
        return ctx.w.Error(
            "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> "
            "option.");
      }
      ids[k] = StreamId::Max();  // marks ">": the group's last ID is used
      continue;
    }
    if (!ArgStrictId(ctx, a.streams_arg + n + k, &ids[k])) return;
  }

  int64_t now = NowMs();
  size_t count = static_cast<size_t>(a.count);
  Deferred out(ctx.w);
  size_t served = 0;
  for (size_t k = 0; k < n; k++) {
    Stream* s = streams[k];
    if (s == nullptr) continue;
    StreamId gt = ids[k];
    bool history = false;
    bool serve = false;
    if (xreadgroup && gt != StreamId::Max()) {
      serve = history = true;
    } else {
      if (xreadgroup) gt = groups[k]->last_id;
      if (retry) {
        // A woken reader is served as Redis serves it, by the stream's last
        // ID, even if the new entries were deleted since (an empty reply).
        serve = s->last_id() > gt;
      } else if (s->length() != 0) {
        std::optional<StreamId> last = s->LastLiveId();
        serve = last && *last > gt;
      }
    }
    if (!serve) continue;
    served++;
    std::string_view key = ctx.arg(a.streams_arg + k);
    Writer& w = out.w();
    if (w.proto() == 2) w.Array(2);
    w.Bulk(key);
    StreamId start = gt;
    start.Increment();
    Deferred entries(w);
    size_t emitted;
    std::vector<StreamId> delivered;
    if (!xreadgroup) {
      emitted = s->Range(start, StreamId::Max(), false, count, [&](StreamId id, const StreamFields& f) {
        ReplyEntry(entries.w(), id, f);
        return true;
      });
    } else {
      bool new_consumer = groups[k]->FindConsumer(a.consumer) == nullptr;
      StreamConsumer* c = groups[k]->TouchConsumer(a.consumer, now);
      if (new_consumer) NotifyKeyspaceEvent(ctx, kNotifyStream, "xgroup-createconsumer", key);
      if (history) {
        emitted = s->ReadHistory(*c, *groups[k], start, count, now, [&](StreamId id, const StreamFields* f) {
          delivered.push_back(id);
          if (f != nullptr) {
            ReplyEntry(entries.w(), id, *f);
          } else {
            entries.w().Array(2);
            ReplyId(entries.w(), id);
            entries.w().NullArray();
          }
        });
      } else {
        emitted = s->ReadNew(*groups[k], *c, count, a.noack, now, [&](StreamId id, const StreamFields& f) {
          delivered.push_back(id);
          ReplyEntry(entries.w(), id, f);
          return true;
        });
      }
      ctx.store.Changed(ctx.db, key, [&](ChangeLog& log) {
        log.Group(a.group);
        log.Consumer(a.group, a.consumer);
        for (StreamId id : delivered) log.Pending(a.group, id);
      });
    }
    entries.FlushArray(w, emitted);
  }
  if (served != 0) {
    if (ctx.w.proto() == 2) out.FlushArray(ctx.w, served);
    else out.FlushMap(ctx.w, served);
    return;
  }
  if (a.timeout == -1 || ctx.no_block) return ctx.w.NullArray();

  // Block. The command is retried with its arguments when a key changes:
  // "$" must keep meaning the last ID as of now, and a wake-up serves at most
  // kBlockedDefaultCount entries unless COUNT says otherwise.
  std::vector<std::string> retry_args(ctx.args.begin(), ctx.args.end());
  for (size_t k = 0; k < n; k++) {
    if (retry_args[a.streams_arg + n + k] == "$") retry_args[a.streams_arg + n + k] = ids[k].ToString();
  }
  if (a.count == 0) {
    auto at = retry_args.begin() + static_cast<std::ptrdiff_t>(a.streams_arg - 1);
    retry_args.insert(at, {"COUNT", std::to_string(kBlockedDefaultCount)});
  }
  // BLOCK 0 waits forever; so, in effect, do timeouts beyond ~30,000 years.
  int64_t deadline = a.timeout == 0 || a.timeout > (int64_t{1} << 50) ? 0 : MonoMs() + a.timeout;
  ctx.session.SetDeadline(deadline);
  ctx.wants_block = true;
  ctx.block_keys.assign(ctx.args.begin() + static_cast<std::ptrdiff_t>(a.streams_arg),
                        ctx.args.begin() + static_cast<std::ptrdiff_t>(a.streams_arg + n));
  ctx.block_args = std::move(retry_args);
}

void XRead(CommandContext& ctx) { ReadGeneric(ctx, false); }
void XReadGroup(CommandContext& ctx) { ReadGeneric(ctx, true); }

// ---- XSETID ----

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
void XSetId(CommandContext& ctx) {
  StreamId id, max_deleted;
  if (!ArgStrictId(ctx, 2, &id)) return;
  int64_t entries_added = -1;
  for (size_t i = 3; i < ctx.argc(); i++) {
    bool moreargs = i + 1 < ctx.argc();
    if (IsArg(ctx.arg(i), "ENTRIESADDED") && moreargs) {
      if (!ArgInt64(ctx, i + 1, &entries_added)) return;
      if (entries_added < 0) return ctx.w.Error("ERR entries_added must be positive");
      i++;
    } else if (IsArg(ctx.arg(i), "MAXDELETEDID") && moreargs) {
      if (!ArgStrictId(ctx, i + 1, &max_deleted)) return;
      if (id < max_deleted) {
        return ctx.w.Error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
      }
      i++;
    } else {
      return ctx.w.Error(kErrSyntax);
    }
  }
  bool wrong;
  Value* v = FindStream(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Error(kErrNoKey);
  Stream& s = v->stream();
  if (s.length() != 0) {
    std::optional<StreamId> top = s.LastLiveId();
    if (top && id < *top) {
      return ctx.w.Error("ERR The ID specified in XSETID is smaller than the target stream top item");
    }
    if (entries_added != -1 && s.length() > static_cast<uint64_t>(entries_added)) {
      return ctx.w.Error("ERR The entries_added specified in XSETID is smaller than the target stream length");
    }
  }
  s.set_last_id(id);
  if (entries_added != -1) s.set_entries_added(static_cast<uint64_t>(entries_added));
  if (!max_deleted.IsZero()) s.set_max_deleted_id(max_deleted);
  // Only the counters change; they are in the key's own entry.
  ctx.store.Changed(ctx.db, ctx.arg(1), [](ChangeLog&) {});
  NotifyKeyspaceEvent(ctx, kNotifyStream, "xsetid", ctx.arg(1));
  ctx.w.Ok();
}

// ---- XGROUP ----

void XGroup(CommandContext& ctx) {
  std::string sub;
  if (!CheckSubcommand(ctx,
                       {{"create", -5}, {"setid", -5}, {"destroy", 4}, {"createconsumer", 5}, {"delconsumer", 5},
                        {"help", 2}},
                       &sub)) {
    return;
  }
  if (sub == "help") {
    return ReplyHelp(ctx, "XGROUP",
                     {"CREATE <key> <groupname> <id|$> [option]", "    Create a new consumer group. Options are:",
                      "    * MKSTREAM", "      Create the empty stream if it does not exist.",
                      "    * ENTRIESREAD entries_read", "      Set the group's entries_read counter (internal use).",
                      "CREATECONSUMER <key> <groupname> <consumer>",
                      "    Create a new consumer in the specified group.", "DELCONSUMER <key> <groupname> <consumer>",
                      "    Remove the specified consumer.", "DESTROY <key> <groupname>",
                      "    Remove the specified group.", "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                      "    Set the current group ID and entries_read counter."});
  }
  bool create = sub == "create";
  bool setid = sub == "setid";
  bool mkstream = false;
  int64_t entries_read = kEntriesReadInvalid;
  for (size_t i = 5; i < ctx.argc();) {
    if (create && IsArg(ctx.arg(i), "MKSTREAM")) {
      mkstream = true;
      i++;
    } else if ((create || setid) && IsArg(ctx.arg(i), "ENTRIESREAD") && i + 1 < ctx.argc()) {
      if (!ArgInt64(ctx, i + 1, &entries_read)) return;
      if (entries_read < 0 && entries_read != kEntriesReadInvalid) {
        return ctx.w.Error("ERR value for ENTRIESREAD must be positive or -1");
      }
      i += 2;
    } else {
      return SubcommandSyntaxError(ctx);
    }
  }
  std::string_view key = ctx.arg(2), name = ctx.arg(3);
  bool wrong;
  Value* v = FindStream(ctx, key, &wrong);
  if (wrong) return;
  StreamGroup* g = nullptr;
  if (!mkstream) {
    if (v == nullptr) {
      return ctx.w.Error(
          "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the "
          "MKSTREAM option to create an empty stream automatically.");
    }
    g = v->stream().FindGroup(name);
    if (g == nullptr && (setid || sub == "createconsumer" || sub == "delconsumer")) {
      return ctx.w.Error("NOGROUP No such consumer group '" + std::string(name) + "' for key name '" +
                         std::string(key) + "'");
    }
  }
  size_t argc = ctx.argc();
  if (create) {
    if (argc > 8) return SubcommandSyntaxError(ctx);
    StreamId id;
    if (ctx.arg(4) == "$") {
      id = v != nullptr ? v->stream().last_id() : StreamId{0, 0};
    } else if (!ArgStrictId(ctx, 4, &id)) {
      return;
    }
    if (v == nullptr) v = &ctx.store.Put(ctx.db, key, Value::Make(Type::kStream));
    if (v->stream().CreateGroup(name, id, entries_read) == nullptr) {
      return ctx.w.Error("BUSYGROUP Consumer Group name already exists");
    }
    ctx.store.Changed(ctx.db, key, [&](ChangeLog& log) { log.GroupReplaced(name); });
    NotifyKeyspaceEvent(ctx, kNotifyStream, "xgroup-create", key);
    return ctx.w.Ok();
  }
  if (setid) {
    if (argc != 5 && argc != 7) return SubcommandSyntaxError(ctx);
    StreamId id;
    if (ctx.arg(4) == "$") {
      id = v->stream().last_id();
    } else if (!ArgId(ctx, 4, StreamIdSyntax{}, &id)) {
      return;
    }
    g->last_id = id;
    g->entries_read = entries_read;
    ctx.store.Changed(ctx.db, key, [&](ChangeLog& log) { log.Group(name); });
    NotifyKeyspaceEvent(ctx, kNotifyStream, "xgroup-setid", key);
    return ctx.w.Ok();
  }
  if (sub == "destroy") {
    if (g == nullptr) return ctx.w.Integer(0);
    v->stream().DestroyGroup(name);
    // XREADGROUP clients blocked on the group wake up and learn it is gone;
    // WATCH is not affected, as in Redis.
    ctx.store.Changed(ctx.db, key, [&](ChangeLog& log) { log.GroupReplaced(name); });
    NotifyKeyspaceEvent(ctx, kNotifyStream, "xgroup-destroy", key);
    ctx.server.WakeWaiters(ctx.db, key);
    return ctx.w.Integer(1);
  }
  if (sub == "createconsumer") {
    bool created = g->CreateConsumer(ctx.arg(4), NowMs()) != nullptr;
    if (created) {
      ctx.store.Changed(ctx.db, key, [&](ChangeLog& log) { log.Consumer(name, ctx.arg(4)); });
      NotifyKeyspaceEvent(ctx, kNotifyStream, "xgroup-createconsumer", key);
    }
    return ctx.w.Integer(created ? 1 : 0);
  }
  // delconsumer
  std::vector<StreamId> owned;
  if (StreamConsumer* c = g->FindConsumer(ctx.arg(4))) owned.assign(c->pel.begin(), c->pel.end());
  int64_t pending = g->DeleteConsumer(ctx.arg(4));
  if (pending >= 0) {
    ctx.store.Changed(ctx.db, key, [&](ChangeLog& log) {
      log.Consumer(name, ctx.arg(4));
      for (StreamId id : owned) log.Pending(name, id);
    });
    NotifyKeyspaceEvent(ctx, kNotifyStream, "xgroup-delconsumer", key);
  }
  ctx.w.Integer(pending < 0 ? 0 : pending);
}

// ---- XACK / XPENDING ----

// XACK key group id [id ...]
void XAck(CommandContext& ctx) {
  bool wrong;
  Value* v = FindStream(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  StreamGroup* g = v == nullptr ? nullptr : v->stream().FindGroup(ctx.arg(2));
  if (g == nullptr) return ctx.w.Integer(0);
  // All IDs are parsed first: XACK acknowledges all or nothing.
  std::vector<StreamId> ids(ctx.argc() - 3);
  for (size_t j = 3; j < ctx.argc(); j++) {
    if (!ArgStrictId(ctx, j, &ids[j - 3])) return;
  }
  int64_t acked = 0;
  for (StreamId id : ids) acked += g->Ack(id) ? 1 : 0;
  if (acked != 0) {
    ctx.store.Changed(ctx.db, ctx.arg(1), [&](ChangeLog& log) {
      for (StreamId id : ids) log.Pending(ctx.arg(2), id);
    });
  }
  ctx.w.Integer(acked);
}

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
void XPending(CommandContext& ctx) {
  size_t argc = ctx.argc();
  bool summary = argc == 3;
  if (!summary && (argc < 6 || argc > 9)) return ctx.w.Error(kErrSyntax);
  StreamId start, end;
  int64_t count = 0, min_idle = 0;
  std::string_view consumer_name;
  bool has_consumer = false;
  if (!summary) {
    size_t at = 3;
    if (IsArg(ctx.arg(3), "IDLE")) {
      if (!ArgInt64(ctx, 4, &min_idle)) return;
      if (argc < 8) return ctx.w.Error(kErrSyntax);
      at += 2;
    }
    if (!ArgInt64(ctx, at + 2, &count)) return;
    if (count < 0) count = 0;
    if (!ArgRangeStart(ctx, at, &start) || !ArgRangeEnd(ctx, at + 1, &end)) return;
    if (at + 3 < argc) {
      consumer_name = ctx.arg(at + 3);
      has_consumer = true;
    }
  }
  bool wrong;
  Value* v = FindStream(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  StreamGroup* g = v == nullptr ? nullptr : v->stream().FindGroup(ctx.arg(2));
  if (g == nullptr) return ctx.w.Error(NoGroupError(ctx.arg(1), ctx.arg(2)));

  if (summary) {
    ctx.w.Array(4);
    ctx.w.Integer(static_cast<int64_t>(g->pel.size()));
    if (g->pel.empty()) {
      ctx.w.Null();
      ctx.w.Null();
      ctx.w.NullArray();
      return;
    }
    ReplyId(ctx.w, g->pel.begin()->first);
    ReplyId(ctx.w, g->pel.rbegin()->first);
    Deferred d(ctx.w);
    size_t n = 0;
    for (const auto& [name, c] : g->consumers) {
      if (c.pel.empty()) continue;
      d.w().Array(2);
      d.w().Bulk(name);
      d.w().Bulk(std::to_string(c.pel.size()));
      n++;
    }
    d.FlushArray(ctx.w, n);
    return;
  }

  StreamConsumer* consumer = nullptr;
  if (has_consumer) {
    consumer = g->FindConsumer(consumer_name);
    if (consumer == nullptr) return ctx.w.Array(0);
  }
  int64_t now = NowMs();
  Deferred d(ctx.w);
  size_t n = 0;
  auto emit = [&](StreamId id, const engine::kv::StreamNack& nack) {
    if (min_idle != 0 && now - nack.delivery_time < min_idle) return;
    n++;
    count--;
    d.w().Array(4);
    ReplyId(d.w(), id);
    d.w().Bulk(nack.consumer->name);
    int64_t elapsed = now - nack.delivery_time;
    d.w().Integer(elapsed < 0 ? 0 : elapsed);
    d.w().Integer(static_cast<int64_t>(nack.delivery_count));
  };
  if (consumer != nullptr) {
    for (auto it = consumer->pel.lower_bound(start); count != 0 && it != consumer->pel.end() && *it <= end; ++it) {
      emit(*it, g->pel.at(*it));
    }
  } else {
    for (auto it = g->pel.lower_bound(start); count != 0 && it != g->pel.end() && it->first <= end; ++it) {
      emit(it->first, it->second);
    }
  }
  d.FlushArray(ctx.w, n);
}

// ---- XCLAIM / XAUTOCLAIM ----

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-ms]
//        [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID id]
void XClaim(CommandContext& ctx) {
  bool wrong;
  Value* v = FindStream(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  StreamGroup* g = v == nullptr ? nullptr : v->stream().FindGroup(ctx.arg(2));
  if (g == nullptr) return ctx.w.Error(NoGroupError(ctx.arg(1), ctx.arg(2)));
  Stream::ClaimOptions opts;
  if (!ArgInt64(ctx, 4, &opts.min_idle, "ERR Invalid min-idle-time argument for XCLAIM")) return;
  if (opts.min_idle < 0) opts.min_idle = 0;
  // IDs run until the first argument that is not one; options follow.
  std::vector<StreamId> ids;
  size_t j = 5;
  StreamIdSyntax strict;
  strict.strict = true;
  for (StreamId id; j < ctx.argc() && engine::kv::ParseStreamId(ctx.arg(j), strict, &id); j++) ids.push_back(id);
  int64_t now = NowMs();
  StreamId last_id;
  for (; j < ctx.argc(); j++) {
    std::string_view opt = ctx.arg(j);
    bool moreargs = j + 1 < ctx.argc();
    if (IsArg(opt, "FORCE")) {
      opts.force = true;
    } else if (IsArg(opt, "JUSTID")) {
      opts.justid = true;
    } else if (IsArg(opt, "IDLE") && moreargs) {
      int64_t idle;
      if (!ArgInt64(ctx, ++j, &idle, "ERR Invalid IDLE option argument for XCLAIM")) return;
      // An idle time that overflows lands outside [0, now], which means now.
      if (__builtin_sub_overflow(now, idle, &opts.delivery_time)) opts.delivery_time = now;
    } else if (IsArg(opt, "TIME") && moreargs) {
      if (!ArgInt64(ctx, ++j, &opts.delivery_time, "ERR Invalid TIME option argument for XCLAIM")) return;
    } else if (IsArg(opt, "RETRYCOUNT") && moreargs) {
      if (!ArgInt64(ctx, ++j, &opts.retry_count, "ERR Invalid RETRYCOUNT option argument for XCLAIM")) return;
    } else if (IsArg(opt, "LASTID") && moreargs) {
      if (!ArgStrictId(ctx, ++j, &last_id)) return;
    } else {
      return ctx.w.Error("ERR Unrecognized XCLAIM option '" + std::string(opt) + "'");
    }
  }
  bool changed = last_id > g->last_id;
  if (changed) g->last_id = last_id;
  size_t pending_before = g->pel.size();
  Deferred d(ctx.w);
  size_t n = 0;
  bool had_consumer = g->FindConsumer(ctx.arg(3)) != nullptr;
  v->stream().Claim(*g, ctx.arg(3), ids, opts, now, [&](StreamId id, const StreamFields& f) {
    if (opts.justid) ReplyId(d.w(), id);
    else ReplyEntry(d.w(), id, f);
    n++;
    return true;
  });
  if (changed || n != 0 || g->pel.size() != pending_before) {
    // Claimed entries change owner and counters; IDs gone from the stream
    // leave the PEL: every listed ID is written as it is now.
    ctx.store.Changed(ctx.db, ctx.arg(1), [&](ChangeLog& log) {
      if (changed) log.Group(ctx.arg(2));
      log.Consumer(ctx.arg(2), ctx.arg(3));
      for (StreamId id : ids) log.Pending(ctx.arg(2), id);
    });
  }
  if (!had_consumer && g->FindConsumer(ctx.arg(3)) != nullptr) {
    NotifyKeyspaceEvent(ctx, kNotifyStream, "xgroup-createconsumer", ctx.arg(1));
  }
  d.FlushArray(ctx.w, n);
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
void XAutoClaim(CommandContext& ctx) {
  int64_t min_idle;
  if (!ArgInt64(ctx, 4, &min_idle, "ERR Invalid min-idle-time argument for XAUTOCLAIM")) return;
  if (min_idle < 0) min_idle = 0;
  StreamId start;
  if (!ArgRangeStart(ctx, 5, &start)) return;
  int64_t count = 100;
  bool justid = false;
  for (size_t j = 6; j < ctx.argc(); j++) {
    if (IsArg(ctx.arg(j), "COUNT") && j + 1 < ctx.argc()) {
      // COUNT times the ten attempts per claim must fit a long.
      if (!ParseInt64(ctx.arg(j + 1), &count) || count < 1 || count > LONG_MAX / 16) {
        return ctx.w.Error("ERR COUNT must be > 0");
      }
      j++;
    } else if (IsArg(ctx.arg(j), "JUSTID")) {
      justid = true;
    } else {
      return ctx.w.Error(kErrSyntax);
    }
  }
  bool wrong;
  Value* v = FindStream(ctx, ctx.arg(1), &wrong);
  if (wrong) return;
  StreamGroup* g = v == nullptr ? nullptr : v->stream().FindGroup(ctx.arg(2));
  if (g == nullptr) return ctx.w.Error(NoGroupError(ctx.arg(1), ctx.arg(2)));
  Deferred d(ctx.w);
  size_t n = 0;
  bool had_consumer = g->FindConsumer(ctx.arg(3)) != nullptr;
  std::vector<StreamId> deleted, claimed;
  StreamId next = v->stream().AutoClaim(*g, ctx.arg(3), start, static_cast<size_t>(count), min_idle, justid, NowMs(),
                                        [&](StreamId id, const StreamFields& f) {
                                          claimed.push_back(id);
                                          if (justid) ReplyId(d.w(), id);
                                          else ReplyEntry(d.w(), id, f);
                                          n++;
                                          return true;
                                        },
                                        &deleted);
  if (n != 0 || !deleted.empty()) {
    ctx.store.Changed(ctx.db, ctx.arg(1), [&](ChangeLog& log) {
      log.Consumer(ctx.arg(2), ctx.arg(3));
      for (StreamId id : claimed) log.Pending(ctx.arg(2), id);
      for (StreamId id : deleted) log.Pending(ctx.arg(2), id);
    });
  }
  if (!had_consumer && g->FindConsumer(ctx.arg(3)) != nullptr) {
    NotifyKeyspaceEvent(ctx, kNotifyStream, "xgroup-createconsumer", ctx.arg(1));
  }
  ctx.w.Array(3);
  ReplyId(ctx.w, next);
  d.FlushArray(ctx.w, n);
  ctx.w.Array(deleted.size());
  for (StreamId id : deleted) ReplyId(ctx.w, id);
}

// ---- XINFO ----

void ReplyEntryOrNull(Writer& w, const Stream& s, bool last) {
  size_t n = s.Range(StreamId{0, 0}, StreamId::Max(), last, 1, [&](StreamId id, const StreamFields& f) {
    ReplyEntry(w, id, f);
    return true;
  });
  if (n == 0) w.Null();
}

void ReplyLag(Writer& w, const Stream& s, const StreamGroup& g) {
  std::optional<int64_t> lag = s.Lag(g);
  if (lag) w.Integer(*lag);
  else w.Null();
}

void ReplyEntriesRead(Writer& w, const StreamGroup& g) {
  if (g.entries_read != kEntriesReadInvalid) w.Integer(g.entries_read);
  else w.Null();
}

void StreamInfo(CommandContext& ctx, const Stream& s) {
  bool full = ctx.argc() > 3;
  int64_t count = 10;
  if (full) {
    size_t optc = ctx.argc() - 3;
    if ((optc != 1 && optc != 3) || !IsArg(ctx.arg(3), "FULL")) return SubcommandSyntaxError(ctx);
    if (optc == 3) {
      if (!IsArg(ctx.arg(4), "COUNT")) return SubcommandSyntaxError(ctx);
      if (!ArgInt64(ctx, 5, &count)) return;
      if (count < 0) count = 10;
    }
  }
  Writer& w = ctx.w;
  w.Map(full ? 9 : 10);
  w.Bulk("length");
  w.Integer(static_cast<int64_t>(s.length()));
  w.Bulk("radix-tree-keys");
  w.Integer(static_cast<int64_t>(s.node_count()));
  w.Bulk("radix-tree-nodes");
  w.Integer(static_cast<int64_t>(s.RadixTreeNodes()));
  w.Bulk("last-generated-id");
  ReplyId(w, s.last_id());
  w.Bulk("max-deleted-entry-id");
  ReplyId(w, s.max_deleted_id());
  w.Bulk("entries-added");
  w.Integer(static_cast<int64_t>(s.entries_added()));
  w.Bulk("recorded-first-entry-id");
  ReplyId(w, s.first_id());
  if (!full) {
    w.Bulk("groups");
    w.Integer(static_cast<int64_t>(s.groups().size()));
    w.Bulk("first-entry");
    ReplyEntryOrNull(w, s, false);
    w.Bulk("last-entry");
    ReplyEntryOrNull(w, s, true);
    return;
  }
  size_t limit = static_cast<size_t>(count);  // 0 = everything
  w.Bulk("entries");
  Deferred entries(w);
  size_t n = s.Range(StreamId{0, 0}, StreamId::Max(), false, limit, [&](StreamId id, const StreamFields& f) {
    ReplyEntry(entries.w(), id, f);
    return true;
  });
  entries.FlushArray(w, n);
  w.Bulk("groups");
  w.Array(s.groups().size());
  for (const auto& [name, g] : s.groups()) {
    w.Map(7);
    w.Bulk("name");
    w.Bulk(name);
    w.Bulk("last-delivered-id");
    ReplyId(w, g.last_id);
    w.Bulk("entries-read");
    ReplyEntriesRead(w, g);
    w.Bulk("lag");
    ReplyLag(w, s, g);
    w.Bulk("pel-count");
    w.Integer(static_cast<int64_t>(g.pel.size()));
    w.Bulk("pending");
    size_t pn = limit == 0 ? g.pel.size() : std::min(limit, g.pel.size());
    w.Array(pn);
    size_t i = 0;
    for (auto it = g.pel.begin(); i < pn; ++it, ++i) {
      w.Array(4);
      ReplyId(w, it->first);
      w.Bulk(it->second.consumer->name);
      w.Integer(it->second.delivery_time);
      w.Integer(static_cast<int64_t>(it->second.delivery_count));
    }
    w.Bulk("consumers");
    w.Array(g.consumers.size());
    for (const auto& [cname, c] : g.consumers) {
      w.Map(4);
      w.Bulk("name");
      w.Bulk(cname);
      w.Bulk("seen-time");
      w.Integer(c.seen_time);
      w.Bulk("pel-count");
      w.Integer(static_cast<int64_t>(c.pel.size()));
      w.Bulk("pending");
      size_t cn = limit == 0 ? c.pel.size() : std::min(limit, c.pel.size());
      w.Array(cn);
      size_t k = 0;
      for (auto it = c.pel.begin(); k < cn; ++it, ++k) {
        const auto& nack = g.pel.at(*it);
        w.Array(3);
        ReplyId(w, *it);
        w.Integer(nack.delivery_time);
        w.Integer(static_cast<int64_t>(nack.delivery_count));
      }
    }
  }
}

void XInfo(CommandContext& ctx) {
  std::string sub;
  if (!CheckSubcommand(ctx, {{"consumers", 4}, {"groups", 3}, {"stream", -3}, {"help", 2}}, &sub)) return;
  if (sub == "help") {
    return ReplyHelp(ctx, "XINFO",
                     {"CONSUMERS <key> <groupname>", "    Show consumers of <groupname>.", "GROUPS <key>",
                      "    Show the stream consumer groups.", "STREAM <key> [FULL [COUNT <count>]",
                      "    Show information about the stream."});
  }
  bool wrong;
  Value* v = FindStream(ctx, ctx.arg(2), &wrong);
  if (wrong) return;
  if (v == nullptr) return ctx.w.Error(kErrNoKey);
  Stream& s = v->stream();
  if (sub == "stream") return StreamInfo(ctx, s);
  if (sub == "groups") {
    ctx.w.Array(s.groups().size());
    for (const auto& [name, g] : s.groups()) {
      ctx.w.Map(6);
      ctx.w.Bulk("name");
      ctx.w.Bulk(name);
      ctx.w.Bulk("consumers");
      ctx.w.Integer(static_cast<int64_t>(g.consumers.size()));
      ctx.w.Bulk("pending");
      ctx.w.Integer(static_cast<int64_t>(g.pel.size()));
      ctx.w.Bulk("last-delivered-id");
      ReplyId(ctx.w, g.last_id);
      ctx.w.Bulk("entries-read");
      ReplyEntriesRead(ctx.w, g);
      ctx.w.Bulk("lag");
      ReplyLag(ctx.w, s, g);
    }
    return;
  }
  // consumers
  StreamGroup* g = s.FindGroup(ctx.arg(3));
  if (g == nullptr) {
    return ctx.w.Error("NOGROUP No such consumer group '" + std::string(ctx.arg(3)) + "' for key name '" +
                       std::string(ctx.arg(2)) + "'");
  }
  int64_t now = NowMs();
  ctx.w.Array(g->consumers.size());
  for (const auto& [name, c] : g->consumers) {
    int64_t idle = now - c.seen_time;
    ctx.w.Map(3);
    ctx.w.Bulk("name");
    ctx.w.Bulk(name);
    ctx.w.Bulk("pending");
    ctx.w.Integer(static_cast<int64_t>(c.pel.size()));
    ctx.w.Bulk("idle");
    ctx.w.Integer(idle < 0 ? 0 : idle);
  }
}

// XGROUP and XINFO name their key third.
bool ThirdArgKey(const std::vector<std::string_view>& args, std::vector<size_t>* keys) {
  if (args.size() >= 3) keys->push_back(2);
  return true;
}

}  // namespace

const std::vector<CommandSpec>& StreamCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"xadd", -5, kWrite | kDenyOom | kFast, 1, 1, 1, XAdd, "stream",
       "Appends a new message to a stream. Creates the key if it doesn't exist."},
      {"xrange", -4, kReadonly, 1, 1, 1, XRange, "stream", "Returns the messages from a stream within a range of IDs."},
      {"xrevrange", -4, kReadonly, 1, 1, 1, XRevRange, "stream",
       "Returns the messages from a stream within a range of IDs in reverse order."},
      {"xlen", 2, kReadonly | kFast, 1, 1, 1, XLen, "stream", "Return the number of messages in a stream."},
      {"xdel", -3, kWrite | kFast, 1, 1, 1, XDel, "stream",
       "Returns the number of messages after removing them from a stream."},
      {"xtrim", -4, kWrite, 1, 1, 1, XTrim, "stream", "Deletes messages from the beginning of a stream."},
      {"xread", -4, kReadonly | kBlocking, 0, 0, 0, XRead, "stream",
       "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is "
       "available otherwise.",
       ReadKeys},
      {"xreadgroup", -7, kWrite | kBlocking, 0, 0, 0, XReadGroup, "stream",
       "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is "
       "available otherwise.",
       ReadKeys},
      {"xsetid", -3, kWrite | kDenyOom | kFast, 1, 1, 1, XSetId, "stream", "An internal command for replicating stream values."},
      {"xgroup", -2, kWrite, 2, 2, 1, XGroup, "stream", "A container for consumer groups commands.", ThirdArgKey},
      {"xack", -4, kWrite | kFast, 1, 1, 1, XAck, "stream",
       "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream."},
      {"xpending", -3, kReadonly, 1, 1, 1, XPending, "stream",
       "Returns the information and entries from a stream consumer group's pending entries list."},
      {"xclaim", -6, kWrite | kFast, 1, 1, 1, XClaim, "stream",
       "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer "
       "group member."},
      {"xautoclaim", -6, kWrite | kFast, 1, 1, 1, XAutoClaim, "stream",
       "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as "
       "consumer group member."},
      {"xinfo", -2, kReadonly, 2, 2, 1, XInfo, "stream", "A container for stream introspection commands.", ThirdArgKey},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

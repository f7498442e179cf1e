// Bit commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO.
#include <algorithm>
#include <limits>

#include "common/strutil.h"
#include "protocol/resp/command.h"
#include "protocol/resp/notify.h"
#include "protocol/resp/resp_server.h"
#include "protocol/resp/session.h"

namespace lumadb::protocol::resp {
namespace {

using engine::kv::Type;
using engine::kv::Value;

constexpr uint64_t kMaxBitOffset = (512ull << 20) * 8 - 1;

bool ParseBitOffset(CommandContext& ctx, std::string_view s, bool hash_allowed, int bits, uint64_t* out) {
  bool multiply = hash_allowed && !s.empty() && s[0] == '#';
  if (multiply) s.remove_prefix(1);
  int64_t v;
  if (!ParseInt64(s, &v) || v < 0 || (multiply && v > static_cast<int64_t>(kMaxBitOffset / bits)) ||
      static_cast<uint64_t>(v) > kMaxBitOffset) {
    ctx.w.Error("ERR bit offset is not an integer or out of range");
    return false;
  }
  *out = multiply ? static_cast<uint64_t>(v) * bits : static_cast<uint64_t>(v);
  return true;
}

bool FindString(CommandContext& ctx, std::string_view key, Value** v, Lookup lookup = Lookup::kByCommand) {
  bool wrong;
  *v = FindTyped(ctx, key, Type::kString, &wrong, lookup);
  return !wrong;
}

int GetBit(const std::string& s, uint64_t bit) {
  uint64_t byte = bit >> 3;
  if (byte >= s.size()) return 0;
  return (static_cast<uint8_t>(s[byte]) >> (7 - (bit & 7))) & 1;
}

void SetBitIn(std::string& s, uint64_t bit, int value) {
  uint64_t byte = bit >> 3;
  if (byte >= s.size()) s.resize(byte + 1, '\0');
  uint8_t mask = 1 << (7 - (bit & 7));
  s[byte] = static_cast<char>(value ? (static_cast<uint8_t>(s[byte]) | mask) : (static_cast<uint8_t>(s[byte]) & ~mask));
}

void SetBit(CommandContext& ctx) {
  uint64_t off;
  if (!ParseBitOffset(ctx, ctx.arg(2), false, 1, &off)) return;
  if (ctx.arg(3) != "0" && ctx.arg(3) != "1") return ctx.w.Error("ERR bit is not an integer or out of range");
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v)) return;
  bool grown = v == nullptr;
  if (v == nullptr) v = &ctx.store.Put(ctx.db, ctx.arg(1), Value(std::string()));
  grown |= (off >> 3) >= v->str().size();
  int old = GetBit(v->str(), off);
  int bit = ctx.arg(3) == "1";
  SetBitIn(v->str(), off, bit);
  ctx.store.Touched(ctx.db, ctx.arg(1));
  // Redis reports a setbit only when the string was created or grew, or the bit changed.
  if (grown || old != bit) NotifyKeyspaceEvent(ctx, kNotifyString, "setbit", ctx.arg(1));
  ctx.w.Integer(old);
}

void GetBitCmd(CommandContext& ctx) {
  uint64_t off;
  if (!ParseBitOffset(ctx, ctx.arg(2), false, 1, &off)) return;
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v)) return;
  ctx.w.Integer(v == nullptr ? 0 : GetBit(v->str(), off));
}

// Parses [start end [BYTE|BIT]] at args[i..]; fills a bit range [first, last].
// Returns false (after replying) on error; *empty when the range selects nothing.
bool ParseRange(CommandContext& ctx, size_t i, const std::string& s, uint64_t* first, uint64_t* last, bool* empty,
                bool* end_given) {
  int64_t len = static_cast<int64_t>(s.size());
  int64_t start = 0, end = -1;
  bool bit_unit = false;
  *end_given = false;
  if (i < ctx.argc()) {
    if (!ArgInt(ctx, i, &start)) return false;
    if (i + 1 < ctx.argc()) {
      if (!ArgInt(ctx, i + 1, &end)) return false;
      *end_given = true;
      if (i + 2 < ctx.argc()) {
        if (IsArg(ctx.arg(i + 2), "BIT")) bit_unit = true;
        else if (!IsArg(ctx.arg(i + 2), "BYTE")) {
          ctx.w.Error(kErrSyntax);
          return false;
        }
        if (i + 3 < ctx.argc()) {
          ctx.w.Error(kErrSyntax);
          return false;
        }
      }
    }
  }
  int64_t total = bit_unit ? len * 8 : len;
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  *empty = total == 0 || start > end;
  if (*empty) return true;
  *first = bit_unit ? start : start * 8;
  *last = bit_unit ? end : end * 8 + 7;
  return true;
}

void BitCount(CommandContext& ctx) {
  if (ctx.argc() == 3 || ctx.argc() > 5) return ctx.w.Error(kErrSyntax);
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v)) return;
  static const std::string kEmpty;
  const std::string& s = v == nullptr ? kEmpty : v->str();
  uint64_t first, last;
  bool empty, end_given;
  if (!ParseRange(ctx, 2, s, &first, &last, &empty, &end_given)) return;
  if (v == nullptr || empty) return ctx.w.Integer(0);
  int64_t n = 0;
  uint64_t b = first;
  for (; b <= last && (b & 7); b++) n += GetBit(s, b);
  for (; b + 7 <= last; b += 8) n += __builtin_popcount(static_cast<uint8_t>(s[b >> 3]));
  for (; b <= last; b++) n += GetBit(s, b);
  ctx.w.Integer(n);
}

void BitPos(CommandContext& ctx) {
  if (ctx.argc() > 6) return ctx.w.Error(kErrSyntax);
  if (ctx.arg(2) != "0" && ctx.arg(2) != "1") return ctx.w.Error("ERR The bit argument must be 1 or 0.");
  int bit = ctx.arg(2) == "1";
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v)) return;
  static const std::string kEmpty;
  const std::string& s = v == nullptr ? kEmpty : v->str();
  uint64_t first, last;
  bool empty, end_given;
  if (!ParseRange(ctx, 3, s, &first, &last, &empty, &end_given)) return;
  if (v == nullptr) return ctx.w.Integer(bit ? -1 : 0);
  if (empty) return ctx.w.Integer(-1);
  for (uint64_t b = first; b <= last; b++) {
    if (GetBit(s, b) == bit) return ctx.w.Integer(static_cast<int64_t>(b));
  }
  // Looking for a clear bit without an explicit end: the string is padded with zeros.
  if (!bit && !end_given) return ctx.w.Integer(static_cast<int64_t>(last + 1));
  ctx.w.Integer(-1);
}

void BitOp(CommandContext& ctx) {
  std::string op = ToLower(ctx.arg(1));
  if (op != "and" && op != "or" && op != "xor" && op != "not") return ctx.w.Error(kErrSyntax);
  if (op == "not" && ctx.argc() != 4) return ctx.w.Error("ERR BITOP NOT must be called with a single source key.");
  std::vector<const std::string*> srcs;
  size_t maxlen = 0;
  static const std::string kEmpty;
  for (size_t i = 3; i < ctx.argc(); i++) {
    Value* v;
    if (!FindString(ctx, ctx.arg(i), &v, Lookup::kRead)) return;
    srcs.push_back(v == nullptr ? &kEmpty : &v->str());
    maxlen = std::max(maxlen, srcs.back()->size());
  }
  if (maxlen == 0) {
    DeleteAndNotify(ctx, ctx.arg(2));
    return ctx.w.Integer(0);
  }
  std::string out(maxlen, '\0');
  for (size_t j = 0; j < maxlen; j++) {
    auto byte = [&](size_t k) -> uint8_t { return j < srcs[k]->size() ? static_cast<uint8_t>((*srcs[k])[j]) : 0; };
    uint8_t r = byte(0);
    if (op == "not") r = ~r;
    for (size_t k = 1; k < srcs.size(); k++) {
      if (op == "and") r &= byte(k);
      else if (op == "or") r |= byte(k);
      else r ^= byte(k);
    }
    out[j] = static_cast<char>(r);
  }
  ctx.store.Put(ctx.db, ctx.arg(2), Value(std::move(out)));
  NotifyKeyspaceEvent(ctx, kNotifyString, "set", ctx.arg(2));
  ctx.w.Integer(static_cast<int64_t>(maxlen));
}

// ---- BITFIELD ----

struct FieldType {
  bool is_signed;
  int bits;
};

bool ParseFieldType(std::string_view s, FieldType* t) {
  if (s.size() < 2 || (s[0] != 'i' && s[0] != 'u' && s[0] != 'I' && s[0] != 'U')) return false;
  t->is_signed = s[0] == 'i' || s[0] == 'I';
  int64_t bits;
  if (!ParseInt64(s.substr(1), &bits) || bits < 1 || (t->is_signed && bits > 64) || (!t->is_signed && bits > 63)) {
    return false;
  }
  t->bits = static_cast<int>(bits);
  return true;
}

uint64_t ReadField(const std::string& s, uint64_t off, int bits) {
  uint64_t v = 0;
  for (int i = 0; i < bits; i++) v = (v << 1) | GetBit(s, off + i);
  return v;
}

void WriteField(std::string& s, uint64_t off, int bits, uint64_t v) {
  for (int i = 0; i < bits; i++) SetBitIn(s, off + i, (v >> (bits - 1 - i)) & 1);
}

int64_t ToSigned(uint64_t v, int bits) {
  if (bits == 64) return static_cast<int64_t>(v);
  uint64_t sign = 1ull << (bits - 1);
  return (v & sign) ? static_cast<int64_t>(v | ~((1ull << bits) - 1)) : static_cast<int64_t>(v);
}

enum class Overflow { kWrap, kSat, kFail };

// Applies value+incr (or a plain set when incr is false) with the overflow rule.
// Returns false when FAIL rejects it.
bool Apply(const FieldType& t, uint64_t old_raw, int64_t operand, bool incr, Overflow ov, uint64_t* out_raw,
           int64_t* out_val) {
  if (t.is_signed) {
    __int128 min = -(static_cast<__int128>(1) << (t.bits - 1));
    __int128 max = (static_cast<__int128>(1) << (t.bits - 1)) - 1;
    __int128 r = incr ? static_cast<__int128>(ToSigned(old_raw, t.bits)) + operand : static_cast<__int128>(operand);
    if (r < min || r > max) {
      if (ov == Overflow::kFail) return false;
      if (ov == Overflow::kSat) r = r < min ? min : max;
    }
    uint64_t mask = t.bits == 64 ? ~0ull : (1ull << t.bits) - 1;
    *out_raw = static_cast<uint64_t>(static_cast<int64_t>(r)) & mask;
    *out_val = ToSigned(*out_raw, t.bits);
    return true;
  }
  __int128 max = (static_cast<__int128>(1) << t.bits) - 1;
  __int128 r = incr ? static_cast<__int128>(old_raw) + operand : static_cast<__int128>(operand);
  if (r < 0 || r > max) {
    if (ov == Overflow::kFail) return false;
    if (ov == Overflow::kSat) r = r < 0 ? 0 : max;
  }
  uint64_t mask = (1ull << t.bits) - 1;
  *out_raw = static_cast<uint64_t>(r) & mask;
  *out_val = static_cast<int64_t>(*out_raw);
  return true;
}

void BitFieldGeneric(CommandContext& ctx, bool readonly) {
  struct Op {
    enum Kind { kGet, kSet, kIncr } kind;
    FieldType type;
    uint64_t offset;
    int64_t operand;
    Overflow overflow;
  };
  std::vector<Op> ops;
  Overflow ov = Overflow::kWrap;
  static const char kBadType[] =
      "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
  for (size_t i = 2; i < ctx.argc(); i++) {
    std::string_view o = ctx.arg(i);
    bool get = IsArg(o, "GET"), set = IsArg(o, "SET"), incr = IsArg(o, "INCRBY");
    if (IsArg(o, "OVERFLOW") && i + 1 < ctx.argc()) {
      std::string_view m = ctx.arg(++i);
      if (IsArg(m, "WRAP")) ov = Overflow::kWrap;
      else if (IsArg(m, "SAT")) ov = Overflow::kSat;
      else if (IsArg(m, "FAIL")) ov = Overflow::kFail;
      else return ctx.w.Error("ERR Invalid OVERFLOW type specified");
      continue;
    }
    if (!((get && i + 2 < ctx.argc()) || ((set || incr) && i + 3 < ctx.argc()))) return ctx.w.Error(kErrSyntax);
    Op op{get ? Op::kGet : set ? Op::kSet : Op::kIncr, {}, 0, 0, ov};
    if (!ParseFieldType(ctx.arg(i + 1), &op.type)) return ctx.w.Error(kBadType);
    if (!ParseBitOffset(ctx, ctx.arg(i + 2), true, op.type.bits, &op.offset)) return;
    if (!get && !ArgInt(ctx, i + 3, &op.operand)) return;
    if (readonly && !get) return ctx.w.Error("ERR BITFIELD_RO only supports the GET subcommand");
    ops.push_back(op);
    i += get ? 2 : 3;
  }
  bool writes = false;
  uint64_t write_bytes = 0;  // the string grows to the farthest bit a write reaches first, as in Redis
  for (const auto& op : ops) {
    if (op.kind == Op::kGet) continue;
    writes = true;
    write_bytes = std::max(write_bytes, ((op.offset + op.type.bits - 1) >> 3) + 1);
  }
  // Only GETs: a read lookup.
  Value* v;
  if (!FindString(ctx, ctx.arg(1), &v, writes ? Lookup::kWrite : Lookup::kRead)) return;
  bool grown = false;
  if (writes) {
    if (v == nullptr) v = &ctx.store.Put(ctx.db, ctx.arg(1), Value(std::string()));
    if (v->str().size() < write_bytes) {
      v->str().resize(write_bytes, '\0');
      grown = true;
    }
  }
  static const std::string kEmpty;
  ctx.w.Array(ops.size());
  bool changed = false;
  for (const auto& op : ops) {
    const std::string& s = v == nullptr ? kEmpty : v->str();
    uint64_t raw = ReadField(s, op.offset, op.type.bits);
    int64_t old_val = op.type.is_signed ? ToSigned(raw, op.type.bits) : static_cast<int64_t>(raw);
    if (op.kind == Op::kGet) {
      ctx.w.Integer(old_val);
      continue;
    }
    uint64_t new_raw;
    int64_t new_val;
    if (!Apply(op.type, raw, op.operand, op.kind == Op::kIncr, op.overflow, &new_raw, &new_val)) {
      ctx.w.Null();
      continue;
    }
    WriteField(v->str(), op.offset, op.type.bits, new_raw);
    // Redis counts a change (and notifies) when the string grew or the field's value changed.
    changed |= grown || new_raw != raw;
    ctx.w.Integer(op.kind == Op::kSet ? old_val : new_val);
  }
  if (grown || changed) ctx.store.Touched(ctx.db, ctx.arg(1));
  if (changed) NotifyKeyspaceEvent(ctx, kNotifyString, "setbit", ctx.arg(1));
}

void BitField(CommandContext& ctx) { BitFieldGeneric(ctx, false); }
void BitFieldRo(CommandContext& ctx) { BitFieldGeneric(ctx, true); }

}  // namespace

const std::vector<CommandSpec>& BitCommands() {
  static const std::vector<CommandSpec> kCommands = {
      {"setbit", 4, kWrite | kDenyOom, 1, 1, 1, SetBit, "bitmap", "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist."},
      {"getbit", 3, kReadonly | kFast, 1, 1, 1, GetBitCmd, "bitmap", "Returns a bit value by offset."},
      {"bitcount", -2, kReadonly, 1, 1, 1, BitCount, "bitmap", "Counts the number of set bits (population counting) in a string."},
      {"bitpos", -3, kReadonly, 1, 1, 1, BitPos, "bitmap", "Finds the first set (1) or clear (0) bit in a string."},
      {"bitop", -4, kWrite | kDenyOom, 2, -1, 1, BitOp, "bitmap", "Performs bitwise operations on multiple strings, and stores the result."},
      {"bitfield", -2, kWrite | kDenyOom, 1, 1, 1, BitField, "bitmap", "Performs arbitrary bitfield integer operations on strings."},
      {"bitfield_ro", -2, kReadonly | kFast, 1, 1, 1, BitFieldRo, "bitmap", "Performs arbitrary read-only bitfield integer operations on strings."},
  };
  return kCommands;
}

}  // namespace lumadb::protocol::resp

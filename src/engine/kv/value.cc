#include "engine/kv/value.h"

#include <cstring>

#include "engine/kv/persist_layout.h"
#include "storage/key_codec.h"

namespace lumadb::engine::kv {

using storage::AppendLengthPrefixed;
using storage::AppendVarint;
using storage::ConsumeLengthPrefixed;
using storage::ConsumeVarint;

const char* TypeName(Type t) {
  switch (t) {
    case Type::kString: return "string";
    case Type::kList: return "list";
    case Type::kSet: return "set";
    case Type::kZSet: return "zset";
    case Type::kHash: return "hash";
    case Type::kStream: return "stream";
  }
  return "none";
}

Value Value::Make(Type t) {
  Value v;
  if (t == Type::kString) return v;
  v.u_.str.~basic_string();
  v.type_ = t;
  switch (t) {
    case Type::kList: v.u_.coll = new List(); break;
    case Type::kSet: v.u_.coll = new Set(); break;
    case Type::kZSet: v.u_.coll = new ZSet(); break;
    case Type::kHash: v.u_.coll = new Hash(); break;
    case Type::kStream: v.u_.coll = new Stream(); break;
    case Type::kString: break;
  }
  return v;
}

void Value::Destroy() {
  switch (type_) {
    case Type::kString: u_.str.~basic_string(); break;
    case Type::kList: delete static_cast<List*>(u_.coll); break;
    case Type::kSet: delete static_cast<Set*>(u_.coll); break;
    case Type::kZSet: delete static_cast<ZSet*>(u_.coll); break;
    case Type::kHash: delete static_cast<Hash*>(u_.coll); break;
    case Type::kStream: delete static_cast<Stream*>(u_.coll); break;
  }
}

void Value::MoveFrom(Value& other) {
  expire_ms = other.expire_ms;
  access_ = other.access_;
  mc_time = other.mc_time;
  type_ = other.type_;
  if (type_ == Type::kString) {
    new (&u_.str) std::string(std::move(other.u_.str));
  } else {
    u_.coll = other.u_.coll;
    // The moved-from value becomes an empty string.
    other.type_ = Type::kString;
    new (&other.u_.str) std::string();
  }
}

size_t Value::Size() const {
  switch (type()) {
    case Type::kString: return 1;
    case Type::kList: return list().size();
    case Type::kSet: return set().size();
    case Type::kZSet: return zset().size();
    case Type::kHash: return hash().size();
    case Type::kStream: return stream().length();
  }
  return 0;
}

Value Value::Clone() const {
  Value v = Make(type());
  v.expire_ms = expire_ms;
  v.access_ = access_;
  v.mc_time = mc_time;
  switch (type()) {
    case Type::kString: v.str() = str(); break;
    case Type::kList: v.list() = list(); break;
    case Type::kSet: v.set() = set(); break;
    case Type::kZSet: zset().ForEach([&](const std::string& m, double s) { v.zset().Insert(m, s); }); break;
    case Type::kHash: v.hash() = hash(); break;
    case Type::kStream: v.stream() = Stream(stream()); break;
  }
  return v;
}

namespace {

constexpr uint8_t kFormatVersion = 1;

void AppendId(std::string* out, StreamId id) {
  AppendVarint(out, id.ms);
  AppendVarint(out, id.seq);
}

bool ConsumeId(std::string_view* in, StreamId* id) { return ConsumeVarint(in, &id->ms) && ConsumeVarint(in, &id->seq); }

// A stream is stored node by node (master ID, master fields, entries with
// their flags and stored elements), then its counters, then each group with
// its PEL and consumers. Timestamps are int64 stored as their uint64 bits.
void EncodeStream(const Stream& s, std::string* out) {
  AppendVarint(out, s.nodes().size());
  for (const auto& [master, node] : s.nodes()) {
    AppendId(out, master);
    AppendStreamNode(node, out);
  }
  AppendVarint(out, s.length());
  AppendId(out, s.last_id());
  AppendId(out, s.first_id());
  AppendId(out, s.max_deleted_id());
  AppendVarint(out, s.entries_added());
  AppendVarint(out, s.groups().size());
  for (const auto& [name, g] : s.groups()) {
    AppendLengthPrefixed(out, name);
    AppendId(out, g.last_id);
    AppendVarint(out, static_cast<uint64_t>(g.entries_read + 1));  // kEntriesReadInvalid -> 0
    AppendVarint(out, g.pel.size());
    for (const auto& [id, nack] : g.pel) {
      AppendId(out, id);
      AppendVarint(out, static_cast<uint64_t>(nack.delivery_time));
      AppendVarint(out, nack.delivery_count);
    }
    AppendVarint(out, g.consumers.size());
    for (const auto& [cname, c] : g.consumers) {
      AppendLengthPrefixed(out, cname);
      AppendVarint(out, static_cast<uint64_t>(c.seen_time));
      AppendVarint(out, c.pel.size());
      for (StreamId id : c.pel) AppendId(out, id);
    }
  }
}

bool DecodeStream(std::string_view* in, Stream* s) {
  uint64_t nodes, n, m;
  std::string_view a;
  if (!ConsumeVarint(in, &nodes)) return false;
  for (uint64_t i = 0; i < nodes; i++) {
    StreamId master;
    if (!ConsumeId(in, &master) || !ConsumeStreamNode(in, master, s)) return false;
  }
  uint64_t length, added;
  StreamId last, first, max_deleted;
  if (!ConsumeVarint(in, &length) || !ConsumeId(in, &last) || !ConsumeId(in, &first) ||
      !ConsumeId(in, &max_deleted) || !ConsumeVarint(in, &added) ||
      !s->LoadCounters(length, last, first, max_deleted, added)) {
    return false;
  }
  uint64_t groups;
  if (!ConsumeVarint(in, &groups)) return false;
  for (uint64_t i = 0; i < groups; i++) {
    StreamId glast;
    uint64_t read;
    if (!ConsumeLengthPrefixed(in, &a) || !ConsumeId(in, &glast) || !ConsumeVarint(in, &read)) return false;
    StreamGroup* g = s->CreateGroup(a, glast, static_cast<int64_t>(read) - 1);
    if (g == nullptr || !ConsumeVarint(in, &n) || n > in->size()) return false;
    for (uint64_t j = 0; j < n; j++) {
      StreamId id;
      uint64_t time, count;
      if (!ConsumeId(in, &id) || !ConsumeVarint(in, &time) || !ConsumeVarint(in, &count)) return false;
      g->pel.emplace(id, StreamNack{static_cast<int64_t>(time), count, nullptr});
    }
    if (!ConsumeVarint(in, &n) || n > in->size()) return false;
    for (uint64_t j = 0; j < n; j++) {
      uint64_t seen;
      if (!ConsumeLengthPrefixed(in, &a) || !ConsumeVarint(in, &seen)) return false;
      StreamConsumer* c = g->CreateConsumer(a, static_cast<int64_t>(seen));
      if (c == nullptr || !ConsumeVarint(in, &m) || m > in->size()) return false;
      for (uint64_t k = 0; k < m; k++) {
        StreamId id;
        if (!ConsumeId(in, &id)) return false;
        auto it = g->pel.find(id);
        if (it == g->pel.end() || it->second.consumer != nullptr) return false;
        it->second.consumer = c;
        c->pel.insert(id);
      }
    }
    for (const auto& [id, nack] : g->pel) {
      if (nack.consumer == nullptr) return false;
    }
  }
  return true;
}

}  // namespace

void EncodeValue(const Value& v, std::string* out) {
  out->push_back(static_cast<char>(kFormatVersion));
  out->push_back(static_cast<char>(v.type()));
  AppendVarint(out, static_cast<uint64_t>(v.expire_ms));
  // Two words that once held memcached's flags and CAS, which now live in
  // the item's data (mc_item); always 0 when written.
  AppendVarint(out, 0);
  AppendVarint(out, 0);
  switch (v.type()) {
    case Type::kString: out->append(v.str()); break;
    case Type::kList:
      AppendVarint(out, v.list().size());
      for (const auto& e : v.list()) AppendLengthPrefixed(out, e);
      break;
    case Type::kSet:
      AppendVarint(out, v.set().size());
      for (const auto& e : v.set()) AppendLengthPrefixed(out, e);
      break;
    case Type::kHash:
      AppendVarint(out, v.hash().size());
      for (const auto& [f, val] : v.hash()) {
        AppendLengthPrefixed(out, f);
        AppendLengthPrefixed(out, val);
      }
      break;
    case Type::kZSet:
      AppendVarint(out, v.zset().size());
      v.zset().ForEach([&](const std::string& m, double s) {
        AppendLengthPrefixed(out, m);
        char b[8];
        memcpy(b, &s, 8);
        out->append(b, 8);
      });
      break;
    case Type::kStream: EncodeStream(v.stream(), out); break;
  }
}

Status DecodeValue(std::string_view in, Value* v) {
  auto bad = [] { return Status::Corruption("malformed stored value"); };
  if (in.size() < 2 || static_cast<uint8_t>(in[0]) != kFormatVersion) return bad();
  uint8_t type = static_cast<uint8_t>(in[1]);
  if (type > static_cast<uint8_t>(Type::kHash) && type != static_cast<uint8_t>(Type::kStream)) return bad();
  in.remove_prefix(2);
  *v = Value::Make(static_cast<Type>(type));
  uint64_t expire, flags, cas, n;
  if (!ConsumeVarint(&in, &expire) || !ConsumeVarint(&in, &flags) || !ConsumeVarint(&in, &cas)) return bad();
  v->expire_ms = static_cast<int64_t>(expire);
  if (v->type() == Type::kString) {
    if (cas != 0) {
      // Written before memcached's fields moved into the item's data.
      *v = mc_item::Make(in, cas, static_cast<uint32_t>(flags), 0);
      v->expire_ms = static_cast<int64_t>(expire);
    } else {
      v->str().assign(in);
    }
    return Status::Ok();
  }
  if (v->type() == Type::kStream) return DecodeStream(&in, &v->stream()) && in.empty() ? Status::Ok() : bad();
  if (!ConsumeVarint(&in, &n) || n > in.size()) return bad();
  std::string_view a, b;
  for (uint64_t i = 0; i < n; i++) {
    if (!ConsumeLengthPrefixed(&in, &a)) return bad();
    switch (v->type()) {
      case Type::kList: v->list().emplace_back(a); break;
      case Type::kSet: v->set().emplace(a); break;
      case Type::kHash:
        if (!ConsumeLengthPrefixed(&in, &b)) return bad();
        v->hash().emplace(a, b);
        break;
      case Type::kZSet: {
        if (in.size() < 8) return bad();
        double s;
        memcpy(&s, in.data(), 8);
        in.remove_prefix(8);
        v->zset().Insert(a, s);
        break;
      }
      case Type::kString:
      case Type::kStream: break;
    }
  }
  return in.empty() ? Status::Ok() : bad();
}

namespace mc_item {

namespace {
template <typename T>
T ReadLe(const std::string& s, size_t at) {
  if (s.size() < kHeaderSize) return 0;
  T x = 0;
  for (size_t i = 0; i < sizeof(T); i++) x |= static_cast<T>(static_cast<uint8_t>(s[at + i])) << (8 * i);
  return x;
}
template <typename T>
void WriteLe(std::string* s, size_t at, T x) {
  if (s->size() < kHeaderSize) s->resize(kHeaderSize, '\0');
  for (size_t i = 0; i < sizeof(T); i++) (*s)[at + i] = static_cast<char>(static_cast<uint8_t>(x >> (8 * i)));
}
constexpr size_t kCasAt = 0, kFlagsAt = 8, kBitsAt = 12;
}  // namespace

Value Make(std::string_view data, uint64_t cas, uint32_t flags, uint8_t bits) {
  std::string s;
  s.reserve(kHeaderSize + data.size());
  s.resize(kHeaderSize);
  WriteLe(&s, kCasAt, cas);
  WriteLe(&s, kFlagsAt, flags);
  WriteLe(&s, kBitsAt, bits);
  s.append(data);
  return Value(std::move(s));
}

uint64_t Cas(const Value& v) { return ReadLe<uint64_t>(v.str(), kCasAt); }
uint32_t Flags(const Value& v) { return ReadLe<uint32_t>(v.str(), kFlagsAt); }
uint8_t Bits(const Value& v) { return ReadLe<uint8_t>(v.str(), kBitsAt); }
std::string_view Data(const Value& v) {
  std::string_view s = v.str();
  return s.size() < kHeaderSize ? std::string_view() : s.substr(kHeaderSize);
}
void SetCas(Value* v, uint64_t cas) { WriteLe(&v->str(), kCasAt, cas); }
void SetBits(Value* v, uint8_t bits) { WriteLe(&v->str(), kBitsAt, bits); }

}  // namespace mc_item

}  // namespace lumadb::engine::kv

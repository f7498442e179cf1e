#include "engine/kv/persist_layout.h"

#include <algorithm>
#include <cstring>

#include "storage/key_codec.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::kv {

using storage::AppendEscaped;
using storage::AppendI64;
using storage::AppendLengthPrefixed;
using storage::AppendU32;
using storage::AppendU64;
using storage::AppendU8;
using storage::AppendVarint;
using storage::Cf;
using storage::ConsumeEscaped;
using storage::ConsumeI64;
using storage::ConsumeLengthPrefixed;
using storage::ConsumeU32;
using storage::ConsumeU64;
using storage::ConsumeU8;
using storage::ConsumeVarint;
using storage::PrefixSuccessor;

namespace {

constexpr uint8_t kLargeFormat = 2;
constexpr char kNodeTag = 0x00;
constexpr char kGroupTag = 0x01;
constexpr char kGroupHeader = 0x00;
constexpr char kGroupConsumer = 0x01;
constexpr char kGroupPending = 0x02;
// A run of removed list sequences this long or longer goes as one range
// delete; shorter runs (the usual pops) as point deletes, which cost the
// reads nothing.
constexpr int64_t kListRangeDeleteFrom = 64;

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

void AppendId(std::string* out, StreamId id) {
  AppendVarint(out, id.ms);
  AppendVarint(out, id.seq);
}
bool ConsumeId(std::string_view* in, StreamId* id) { return ConsumeVarint(in, &id->ms) && ConsumeVarint(in, &id->seq); }

// IDs in element keys: fixed width, so they sort as IDs.
void AppendKeyId(std::string* out, StreamId id) {
  AppendU64(out, id.ms);
  AppendU64(out, id.seq);
}
bool ConsumeKeyId(std::string_view* in, StreamId* id) { return ConsumeU64(in, &id->ms) && ConsumeU64(in, &id->seq); }

std::string NodeSub(StreamId master) {
  std::string s(1, kNodeTag);
  AppendKeyId(&s, master);
  return s;
}

std::string GroupSub(std::string_view group) {
  std::string s(1, kGroupTag);
  AppendEscaped(&s, group);
  return s;
}

std::string ScoreBytes(double score) {
  std::string s(8, '\0');
  memcpy(s.data(), &score, 8);
  return s;
}

std::string SeqSub(int64_t seq) {
  std::string s;
  AppendI64(&s, seq);
  return s;
}

size_t ElementCount(const Value& v) {
  if (v.type() != Type::kStream) return v.Size();
  size_t n = v.stream().length();
  for (const auto& [name, g] : v.stream().groups()) n += g.pel.size();
  return n;
}

// About the size of v's single entry. Only called below the element-count
// thresholds, so it walks at most a few hundred elements.
size_t ApproxBytes(const Value& v) {
  size_t n = 0;
  switch (v.type()) {
    case Type::kString: return v.str().size();
    case Type::kList:
      for (const auto& e : v.list()) n += e.size() + 2;
      break;
    case Type::kSet:
      for (const auto& e : v.set()) n += e.size() + 2;
      break;
    case Type::kHash:
      for (const auto& [f, x] : v.hash()) n += f.size() + x.size() + 4;
      break;
    case Type::kZSet: v.zset().ForEach([&](const std::string& m, double) { n += m.size() + 10; }); break;
    case Type::kStream:
      for (const auto& [id, node] : v.stream().nodes()) n += node.ListpackBytes();
      for (const auto& [name, g] : v.stream().groups()) n += name.size() + 24 * g.pel.size() + 16 * g.consumers.size();
      break;
  }
  return n;
}

void EncodeLargeMeta(const Value& v, uint64_t generation, int64_t list_lo, std::string* out) {
  out->push_back(static_cast<char>(kLargeFormat));
  out->push_back(static_cast<char>(v.type()));
  AppendVarint(out, static_cast<uint64_t>(v.expire_ms));
  AppendVarint(out, 0);  // two words kept from the value format (EncodeValue)
  AppendVarint(out, 0);
  AppendVarint(out, generation);
  if (v.type() == Type::kStream) {
    const Stream& s = v.stream();
    AppendVarint(out, s.length());
    AppendId(out, s.last_id());
    AppendId(out, s.first_id());
    AppendId(out, s.max_deleted_id());
    AppendVarint(out, s.entries_added());
    AppendVarint(out, s.groups().size());
    return;
  }
  AppendVarint(out, v.Size());
  if (v.type() == Type::kList) AppendVarint(out, ZigZag(list_lo));
}

std::string GroupHeaderValue(const StreamGroup& g) {
  std::string s;
  AppendId(&s, g.last_id);
  AppendVarint(&s, static_cast<uint64_t>(g.entries_read + 1));  // kEntriesReadInvalid -> 0
  return s;
}

std::string ConsumerValue(const StreamConsumer& c) {
  std::string s;
  AppendVarint(&s, static_cast<uint64_t>(c.seen_time));
  return s;
}

std::string NackValue(const StreamNack& n) {
  std::string s;
  AppendVarint(&s, static_cast<uint64_t>(n.delivery_time));
  AppendVarint(&s, n.delivery_count);
  AppendLengthPrefixed(&s, n.consumer->name);
  return s;
}

// Writes elements under one generation prefix.
class ElementSink {
 public:
  ElementSink(FlushBatch& out, std::string gen_prefix, bool may_spill)
      : out_(out), prefix_(std::move(gen_prefix)), may_spill_(may_spill) {}
  const std::string& prefix() const { return prefix_; }

  Status Put(std::string_view sub, std::string_view value) {
    out_.batch().Put(Cf::kKvElements, Key(sub), value);
    return may_spill_ ? out_.MaybeSpill() : Status::Ok();
  }
  void Delete(std::string_view sub) { out_.batch().Delete(Cf::kKvElements, Key(sub)); }
  void DeleteRange(std::string_view sub_begin, std::string_view sub_end) {
    std::string begin = Key(sub_begin);
    out_.batch().DeleteRange(Cf::kKvElements, begin, Key(sub_end));
  }
  // Deletes every element whose sub-key starts with sub.
  void DeletePrefix(std::string_view sub) {
    std::string begin = Key(sub);
    out_.batch().DeleteRange(Cf::kKvElements, begin, PrefixSuccessor(begin));
  }

 private:
  const std::string& Key(std::string_view sub) {
    key_.assign(prefix_);
    key_.append(sub);
    return key_;
  }

  FlushBatch& out_;
  std::string prefix_;
  bool may_spill_;
  std::string key_;
};

Status WriteGroup(ElementSink& sink, std::string_view name, const StreamGroup& g) {
  std::string sub = GroupSub(name);
  size_t base = sub.size();
  sub.push_back(kGroupHeader);
  RETURN_IF_ERROR(sink.Put(sub, GroupHeaderValue(g)));
  for (const auto& [cname, c] : g.consumers) {
    sub.resize(base);
    sub.push_back(kGroupConsumer);
    sub.append(cname);
    RETURN_IF_ERROR(sink.Put(sub, ConsumerValue(c)));
  }
  for (const auto& [id, nack] : g.pel) {
    sub.resize(base);
    sub.push_back(kGroupPending);
    AppendKeyId(&sub, id);
    RETURN_IF_ERROR(sink.Put(sub, NackValue(nack)));
  }
  return Status::Ok();
}

// Writes all of v under a new generation, then its metadata, then deletes
// the older generations.
Status WriteFull(const KeyWrite& k, const std::string& prefix, LargeState* state, uint64_t* next_generation,
                 FlushBatch& out) {
  const Value& v = *k.value;
  LargeState fresh;
  fresh.type = v.type();
  fresh.generation = (*next_generation)++;
  std::string gen_prefix = prefix;
  AppendU64(&gen_prefix, fresh.generation);
  ElementSink sink(out, gen_prefix, /*may_spill=*/true);
  Status st;
  switch (v.type()) {
    case Type::kHash:
      for (const auto& [f, x] : v.hash()) RETURN_IF_ERROR(sink.Put(f, x));
      break;
    case Type::kSet:
      for (const auto& m : v.set()) RETURN_IF_ERROR(sink.Put(m, {}));
      break;
    case Type::kZSet:
      v.zset().ForEach([&](const std::string& m, double score) {
        if (st.ok()) st = sink.Put(m, ScoreBytes(score));
      });
      RETURN_IF_ERROR(st);
      break;
    case Type::kList: {
      int64_t seq = 0;
      for (const auto& e : v.list()) RETURN_IF_ERROR(sink.Put(SeqSub(seq++), e));
      fresh.list_lo = 0;
      fresh.list_hi = seq;
      break;
    }
    case Type::kStream: {
      std::string enc;
      for (const auto& [master, node] : v.stream().nodes()) {
        enc.clear();
        AppendStreamNode(node, &enc);
        RETURN_IF_ERROR(sink.Put(NodeSub(master), enc));
        fresh.nodes.insert(fresh.nodes.end(), master);
      }
      for (const auto& [name, g] : v.stream().groups()) RETURN_IF_ERROR(WriteGroup(sink, name, g));
      break;
    }
    case Type::kString: return Status::Internal("a string is never stored per element");
  }
  // The metadata switches to the new generation; the range delete of the
  // older ones goes in the same chunk, so no prefix of the writes shows both.
  std::string meta;
  EncodeLargeMeta(v, fresh.generation, fresh.list_lo, &meta);
  out.batch().Put(Cf::kKv, k.storage_key, meta);
  if (k.large || k.purge) out.batch().DeleteRange(Cf::kKvElements, prefix, gen_prefix);
  *state = std::move(fresh);
  return Status::Ok();
}

void WriteListDelta(const List& l, const KeyChanges& c, LargeState* state, ElementSink& sink) {
  int64_t lo = c.list_lo, hi = c.list_hi;
  int64_t clean_lo = std::max(c.clean_lo, lo), clean_hi = std::min(c.clean_hi, hi);
  if (clean_lo >= clean_hi) clean_lo = clean_hi = hi;
  auto put = [&](int64_t seq) { (void)sink.Put(SeqSub(seq), l[static_cast<size_t>(seq - lo)]); };
  for (int64_t s = lo; s < clean_lo; s++) put(s);
  for (int64_t s = clean_hi; s < hi; s++) put(s);
  for (int64_t s : c.list_set) {
    if (s >= clean_lo && s < clean_hi) put(s);
  }
  // Stored sequences no longer in the list.
  auto drop = [&](int64_t a, int64_t b) {
    if (a >= b) return;
    if (b - a >= kListRangeDeleteFrom) {
      sink.DeleteRange(SeqSub(a), SeqSub(b));
    } else {
      for (int64_t s = a; s < b; s++) sink.Delete(SeqSub(s));
    }
  };
  drop(state->list_lo, std::min(state->list_hi, lo));
  drop(std::max(state->list_lo, hi), state->list_hi);
  state->list_lo = lo;
  state->list_hi = hi;
}

void WriteStreamDelta(const Stream& s, const KeyChanges& c, LargeState* state, ElementSink& sink) {
  const auto& mem = s.nodes();
  StreamIdSet& disk = state->nodes;
  StreamIdSet write, drop;
  for (StreamId m : c.nodes) {
    if (mem.count(m)) write.insert(m);
    else if (disk.count(m)) drop.insert(m);
  }
  // Entries in [lo, hi] live in the last node keyed at or before lo and in
  // the nodes keyed in (lo, hi]: in memory those are rewritten, on disk
  // those gone from memory are deleted.
  for (const auto& [lo, hi] : c.removed) {
    auto m = mem.upper_bound(lo);
    if (m != mem.begin()) write.insert(std::prev(m)->first);
    for (; m != mem.end() && m->first <= hi; ++m) write.insert(m->first);
    auto d = disk.upper_bound(lo);
    if (d != disk.begin() && !mem.count(*std::prev(d))) drop.insert(*std::prev(d));
    for (; d != disk.end() && *d <= hi; ++d) {
      if (!mem.count(*d)) drop.insert(*d);
    }
  }
  std::string enc;
  for (StreamId m : write) {
    enc.clear();
    AppendStreamNode(mem.at(m), &enc);
    (void)sink.Put(NodeSub(m), enc);
    disk.insert(m);
  }
  for (StreamId m : drop) {
    sink.Delete(NodeSub(m));
    disk.erase(m);
  }
  for (const auto& [name, gc] : c.groups) {
    auto git = s.groups().find(name);
    const StreamGroup* g = git == s.groups().end() ? nullptr : &git->second;
    std::string sub = GroupSub(name);
    if (gc.replaced || g == nullptr) {
      sink.DeletePrefix(sub);
      if (g != nullptr) (void)WriteGroup(sink, name, *g);
      continue;
    }
    size_t base = sub.size();
    if (gc.header) {
      sub.push_back(kGroupHeader);
      (void)sink.Put(sub, GroupHeaderValue(*g));
    }
    for (const std::string& cname : gc.consumers) {
      sub.resize(base);
      sub.push_back(kGroupConsumer);
      sub.append(cname);
      auto it = g->consumers.find(cname);
      if (it != g->consumers.end()) (void)sink.Put(sub, ConsumerValue(it->second));
      else sink.Delete(sub);
    }
    for (StreamId id : gc.pending) {
      sub.resize(base);
      sub.push_back(kGroupPending);
      AppendKeyId(&sub, id);
      auto it = g->pel.find(id);
      if (it != g->pel.end()) (void)sink.Put(sub, NackValue(it->second));
      else sink.Delete(sub);
    }
  }
}

// Writes the described changes and the metadata, all in the current chunk.
void WriteDelta(const KeyWrite& k, const std::string& prefix, LargeState* state, FlushBatch& out) {
  const Value& v = *k.value;
  const KeyChanges& c = *k.changes;
  std::string gen_prefix = prefix;
  AppendU64(&gen_prefix, state->generation);
  ElementSink sink(out, gen_prefix, /*may_spill=*/false);
  switch (v.type()) {
    case Type::kHash:
      for (const std::string& e : c.elements) {
        auto it = v.hash().find(e);
        if (it != v.hash().end()) (void)sink.Put(e, it->second);
        else sink.Delete(e);
      }
      break;
    case Type::kSet:
      for (const std::string& e : c.elements) {
        if (v.set().contains(e)) (void)sink.Put(e, {});
        else sink.Delete(e);
      }
      break;
    case Type::kZSet:
      for (const std::string& e : c.elements) {
        std::optional<double> score = v.zset().Score(e);
        if (score) (void)sink.Put(e, ScoreBytes(*score));
        else sink.Delete(e);
      }
      break;
    case Type::kList: WriteListDelta(v.list(), c, state, sink); break;
    case Type::kStream: WriteStreamDelta(v.stream(), c, state, sink); break;
    case Type::kString: break;
  }
  std::string meta;
  EncodeLargeMeta(v, state->generation, state->list_lo, &meta);
  out.batch().Put(Cf::kKv, k.storage_key, meta);
}

}  // namespace

bool WantsLargeLayout(const Value& v, bool large_now, size_t min_elements) {
  if (v.IsString()) return false;
  if (v.type() == Type::kHash && v.hash().is_listpack()) return false;
  size_t n = ElementCount(v);
  if (n >= (large_now ? min_elements / kLargeShrinkDivisor : min_elements)) return true;
  return n >= 2 && ApproxBytes(v) >= (large_now ? kLargeMinBytes / 2 : kLargeMinBytes);
}

// ---- ChangeLog ----

bool ChangeLog::Is(Type t) {
  if (c_->whole) return false;
  if (v_ == nullptr || v_->type() != t) {
    c_->whole = true;
    return false;
  }
  return true;
}

void ChangeLog::Whole() { c_->whole = true; }

void ChangeLog::Element(std::string_view element) {
  if (c_->whole) return;
  if (v_ == nullptr || (v_->type() != Type::kHash && v_->type() != Type::kSet && v_->type() != Type::kZSet)) {
    c_->whole = true;
    return;
  }
  c_->elements.emplace(element);
  // Past this many changed elements a rewrite costs less (and bounds the record).
  if (c_->elements.size() > v_->Size() + kLargeMinElements) c_->whole = true;
}

void ChangeLog::ListPushed(bool left, size_t n) {
  if (!Is(Type::kList)) return;
  if (left) c_->list_lo -= static_cast<int64_t>(n);
  else c_->list_hi += static_cast<int64_t>(n);
}

void ChangeLog::ListPopped(bool left, size_t n) {
  if (!Is(Type::kList)) return;
  // Sequences popped leave the clean range for good: a later push reuses
  // them with other elements.
  if (left) {
    c_->list_lo += static_cast<int64_t>(n);
    c_->clean_lo = std::max(c_->clean_lo, c_->list_lo);
  } else {
    c_->list_hi -= static_cast<int64_t>(n);
    c_->clean_hi = std::min(c_->clean_hi, c_->list_hi);
  }
}

void ChangeLog::ListSet(size_t index) {
  if (!Is(Type::kList)) return;
  c_->list_set.insert(c_->list_lo + static_cast<int64_t>(index));
  if (c_->list_set.size() > v_->Size() + kLargeMinElements) c_->whole = true;
}

void ChangeLog::StreamEntry(StreamId id) {
  if (!Is(Type::kStream)) return;
  const auto& nodes = v_->stream().nodes();
  auto it = nodes.upper_bound(id);
  if (it == nodes.begin()) {
    c_->whole = true;
    return;
  }
  c_->nodes.insert(std::prev(it)->first);
}

void ChangeLog::StreamRemoved(StreamId first, StreamId last) {
  if (!Is(Type::kStream)) return;
  c_->removed.emplace_back(first, last);
}

void ChangeLog::StreamTrimmed() {
  if (!Is(Type::kStream)) return;
  const auto& nodes = v_->stream().nodes();
  c_->removed.emplace_back(StreamId{0, 0}, nodes.empty() ? StreamId::Max() : nodes.begin()->first);
}

GroupChanges& ChangeLog::G(std::string_view group) {
  auto it = c_->groups.find(group);
  if (it == c_->groups.end()) it = c_->groups.emplace(std::string(group), GroupChanges{}).first;
  return it->second;
}

void ChangeLog::Group(std::string_view group) {
  if (!Is(Type::kStream)) return;
  G(group).header = true;
}

void ChangeLog::GroupReplaced(std::string_view group) {
  if (!Is(Type::kStream)) return;
  GroupChanges& g = G(group);
  g = GroupChanges{};
  g.replaced = true;
}

void ChangeLog::Consumer(std::string_view group, std::string_view consumer) {
  if (!Is(Type::kStream)) return;
  GroupChanges& g = G(group);
  if (!g.replaced) g.consumers.emplace(consumer);
}

void ChangeLog::Pending(std::string_view group, StreamId id) {
  if (!Is(Type::kStream)) return;
  GroupChanges& g = G(group);
  if (g.replaced) return;
  g.pending.insert(id);
  auto it = v_->stream().groups().find(group);
  size_t pel = it == v_->stream().groups().end() ? 0 : it->second.pel.size();
  if (g.pending.size() > pel + kLargeMinElements) {
    g = GroupChanges{};
    g.replaced = true;
  }
}

void InitChanges(const LargeState& stored, KeyChanges* changes) {
  changes->list_lo = changes->clean_lo = stored.list_lo;
  changes->list_hi = changes->clean_hi = stored.list_hi;
}

// ---- FlushBatch ----

FlushBatch::FlushBatch(storage::Store* disk) : disk_(disk), batch_(std::make_unique<storage::WriteBatch>()) {}
FlushBatch::~FlushBatch() = default;

Status FlushBatch::WriteOut(bool sync) {
  RETURN_IF_ERROR(disk_->Write(batch_.get(), sync));
  written_ += batch_->Count();
  batch_->Clear();
  if (on_written_) on_written_();
  return Status::Ok();
}

Status FlushBatch::MaybeSpill() {
  if (batch_->ByteSize() < kChunkBytes) return Status::Ok();
  return WriteOut(false);
}

Status FlushBatch::Finish(bool sync) {
  if (!batch_->empty()) return WriteOut(sync);
  if (sync) return disk_->SyncWal();
  return Status::Ok();
}

// ---- Writing a key ----

std::string ElementKeyPrefix(int db, std::string_view key) {
  std::string p;
  p.reserve(key.size() + 13);
  AppendU8(&p, static_cast<uint8_t>(db));
  AppendU32(&p, static_cast<uint32_t>(key.size()));
  p.append(key);
  return p;
}

Status WriteKey(const KeyWrite& k, LargeState* state, uint64_t* next_generation, FlushBatch& out, bool* large) {
  std::string prefix = ElementKeyPrefix(k.db, k.key);
  if (k.value == nullptr || !WantsLargeLayout(*k.value, k.large, k.min_elements)) {
    if (k.value == nullptr) {
      out.batch().Delete(Cf::kKv, k.storage_key);
    } else {
      std::string enc;
      EncodeValue(*k.value, &enc);
      out.batch().Put(Cf::kKv, k.storage_key, enc);
    }
    if (k.large || k.purge) out.batch().DeleteRange(Cf::kKvElements, prefix, PrefixSuccessor(prefix));
    *large = false;
    return Status::Ok();
  }
  *large = true;
  const Value& v = *k.value;
  bool delta = k.large && !k.purge && k.changes != nullptr && !k.changes->whole && state->type == v.type();
  // A described list change must account for the list's length; if it does
  // not (a handler described it wrongly), the rewrite keeps the disk right.
  if (delta && v.type() == Type::kList) {
    delta = k.changes->list_hi - k.changes->list_lo == static_cast<int64_t>(v.list().size());
  }
  if (delta) {
    WriteDelta(k, prefix, state, out);
    return Status::Ok();
  }
  return WriteFull(k, prefix, state, next_generation, out);
}

void DeleteDb(int db, storage::WriteBatch& batch) {
  std::string begin(1, static_cast<char>(db)), end(1, static_cast<char>(db + 1));
  batch.DeleteRange(Cf::kKv, begin, end);
  batch.DeleteRange(Cf::kKvElements, begin, end);
}

// ---- Stream nodes ----

void AppendStreamNode(const Stream::Node& node, std::string* out) {
  std::vector<std::string_view> elements;
  AppendVarint(out, node.master_fields().size());
  for (const auto& f : node.master_fields()) AppendLengthPrefixed(out, f);
  AppendVarint(out, node.size());
  for (size_t i = 0; i < node.size(); i++) {
    Stream::EntryView e = node.entry(i);
    AppendId(out, e.id);
    out->push_back(static_cast<char>(e.flags));
    e.Elements(&elements);
    AppendVarint(out, elements.size());
    for (auto el : elements) AppendLengthPrefixed(out, el);
  }
}

bool ConsumeStreamNode(std::string_view* in, StreamId master, Stream* s) {
  uint64_t n, m;
  std::string_view a;
  if (!ConsumeVarint(in, &n) || n > in->size()) return false;
  std::vector<std::string> fields;
  for (uint64_t j = 0; j < n; j++) {
    if (!ConsumeLengthPrefixed(in, &a)) return false;
    fields.emplace_back(a);
  }
  if (!ConsumeVarint(in, &n) || n > in->size()) return false;
  std::vector<Stream::RawEntry> entries(n);
  for (auto& e : entries) {
    if (!ConsumeId(in, &e.id) || in->empty()) return false;
    e.flags = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    if (!ConsumeVarint(in, &m) || m > in->size()) return false;
    for (uint64_t k = 0; k < m; k++) {
      if (!ConsumeLengthPrefixed(in, &a)) return false;
      e.elements.push_back(a);
    }
  }
  return s->LoadNode(master, std::move(fields), entries);
}

// ---- Loading ----

bool IsLargeMeta(std::string_view stored) { return !stored.empty() && static_cast<uint8_t>(stored[0]) == kLargeFormat; }

Status DecodeLargeMeta(std::string_view in, Value* v, LargeMeta* meta) {
  auto bad = [] { return Status::Corruption("malformed stored metadata"); };
  if (in.size() < 2 || static_cast<uint8_t>(in[0]) != kLargeFormat) return bad();
  uint8_t type = static_cast<uint8_t>(in[1]);
  if (type == static_cast<uint8_t>(Type::kString) ||
      (type > static_cast<uint8_t>(Type::kHash) && type != static_cast<uint8_t>(Type::kStream))) {
    return bad();
  }
  in.remove_prefix(2);
  *v = Value::Make(static_cast<Type>(type));
  uint64_t expire, flags, cas;
  if (!ConsumeVarint(&in, &expire) || !ConsumeVarint(&in, &flags) || !ConsumeVarint(&in, &cas) ||
      !ConsumeVarint(&in, &meta->generation) || !ConsumeVarint(&in, &meta->count)) {
    return bad();
  }
  v->expire_ms = static_cast<int64_t>(expire);
  if (v->type() == Type::kList) {
    uint64_t lo;
    if (!ConsumeVarint(&in, &lo)) return bad();
    meta->list_lo = UnZigZag(lo);
  } else if (v->type() == Type::kStream) {
    if (!ConsumeId(&in, &meta->last_id) || !ConsumeId(&in, &meta->first_id) ||
        !ConsumeId(&in, &meta->max_deleted_id) || !ConsumeVarint(&in, &meta->entries_added) ||
        !ConsumeVarint(&in, &meta->groups)) {
      return bad();
    }
  }
  return in.empty() ? Status::Ok() : bad();
}

void LargeLoader::Expect(int db, std::string_view key, const LargeMeta& meta, Value* v) {
  Pending& p = pending_[ElementKeyPrefix(db, key)];
  p.storage_key.assign(1, static_cast<char>(db));
  p.storage_key.append(key);
  p.value = v;
  p.meta = meta;
  max_generation_ = std::max(max_generation_, meta.generation);
}

Status LargeLoader::AddElement(std::string_view key, std::string_view value, storage::WriteBatch& cleanup) {
  std::string_view in = key;
  uint8_t db;
  uint32_t len;
  if (!ConsumeU8(&in, &db) || !ConsumeU32(&in, &len) || in.size() < static_cast<size_t>(len) + 8) {
    return Status::Corruption("malformed element key in kv_elements");
  }
  size_t prefix_len = 5 + static_cast<size_t>(len);
  std::string_view prefix = key.substr(0, prefix_len);
  std::string_view rest = key.substr(prefix_len);
  uint64_t generation;
  (void)ConsumeU64(&rest, &generation);
  max_generation_ = std::max(max_generation_, generation);
  std::string_view gen_prefix = key.substr(0, prefix_len + 8);
  if (!orphan_.empty() && gen_prefix == orphan_) return Status::Ok();
  if (last_ == nullptr || prefix != last_prefix_) {
    auto it = pending_.find(prefix);
    last_ = it == pending_.end() ? nullptr : &it->second;
    last_prefix_.assign(prefix);
  }
  if (last_ == nullptr || last_->meta.generation != generation) {
    orphan_.assign(gen_prefix);
    cleanup.DeleteRange(Cf::kKvElements, orphan_, PrefixSuccessor(orphan_));
    return Status::Ok();
  }
  if (!AddTo(*last_, rest, value).ok()) {
    return Status::Corruption("stored elements of key '" + last_->storage_key.substr(1) + "' in db " +
                              std::to_string(db) + " are malformed");
  }
  return Status::Ok();
}

Status LargeLoader::AddTo(Pending& p, std::string_view sub, std::string_view value) {
  auto bad = [] { return Status::Corruption("malformed element"); };
  Value& v = *p.value;
  switch (v.type()) {
    case Type::kHash:
      if (!v.hash().emplace(sub, value).second) return bad();
      p.loaded++;
      return Status::Ok();
    case Type::kSet:
      if (!v.set().emplace(sub).second) return bad();
      p.loaded++;
      return Status::Ok();
    case Type::kZSet: {
      if (value.size() != 8) return bad();
      double score;
      memcpy(&score, value.data(), 8);
      if (!v.zset().Insert(sub, score)) return bad();
      p.loaded++;
      return Status::Ok();
    }
    case Type::kList: {
      int64_t seq;
      if (!ConsumeI64(&sub, &seq) || !sub.empty() || seq != p.meta.list_lo + static_cast<int64_t>(p.loaded)) {
        return bad();
      }
      v.list().emplace_back(value);
      p.loaded++;
      return Status::Ok();
    }
    case Type::kString: return bad();
    case Type::kStream: break;
  }
  Stream& s = v.stream();
  uint8_t tag;
  if (!ConsumeU8(&sub, &tag)) return bad();
  if (tag == static_cast<uint8_t>(kNodeTag)) {
    StreamId master;
    if (p.group != nullptr || !ConsumeKeyId(&sub, &master) || !sub.empty()) return bad();
    return ConsumeStreamNode(&value, master, &s) && value.empty() ? Status::Ok() : bad();
  }
  std::string name;
  uint8_t kind;
  if (tag != static_cast<uint8_t>(kGroupTag) || !ConsumeEscaped(&sub, &name) || !ConsumeU8(&sub, &kind)) return bad();
  if (kind == static_cast<uint8_t>(kGroupHeader)) {
    StreamId last;
    uint64_t read;
    if (!sub.empty() || !ConsumeId(&value, &last) || !ConsumeVarint(&value, &read) || !value.empty()) return bad();
    p.group = s.CreateGroup(name, last, static_cast<int64_t>(read) - 1);
    if (p.group == nullptr) return bad();
    p.groups++;
    return Status::Ok();
  }
  // Consumers and pending entries follow their group's header.
  if (p.group == nullptr || s.FindGroup(name) != p.group) return bad();
  StreamGroup& g = *p.group;
  if (kind == static_cast<uint8_t>(kGroupConsumer)) {
    uint64_t seen;
    if (!ConsumeVarint(&value, &seen) || !value.empty()) return bad();
    return g.CreateConsumer(sub, static_cast<int64_t>(seen)) != nullptr ? Status::Ok() : bad();
  }
  if (kind != static_cast<uint8_t>(kGroupPending)) return bad();
  StreamId id;
  uint64_t time, count;
  std::string_view owner;
  if (!ConsumeKeyId(&sub, &id) || !sub.empty() || !ConsumeVarint(&value, &time) || !ConsumeVarint(&value, &count) ||
      !ConsumeLengthPrefixed(&value, &owner) || !value.empty()) {
    return bad();
  }
  StreamConsumer* c = g.FindConsumer(owner);
  if (c == nullptr || !g.pel.emplace(id, StreamNack{static_cast<int64_t>(time), count, c}).second) return bad();
  c->pel.insert(id);
  return Status::Ok();
}

Status LargeLoader::Finish(const std::function<void(const std::string&, LargeState)>& fn,
                           uint64_t* next_generation) {
  for (auto& [prefix, p] : pending_) {
    Value& v = *p.value;
    bool ok;
    if (v.type() == Type::kStream) {
      ok = v.stream().LoadCounters(p.meta.count, p.meta.last_id, p.meta.first_id, p.meta.max_deleted_id,
                                   p.meta.entries_added) &&
           p.groups == p.meta.groups;
    } else {
      ok = p.loaded == p.meta.count && v.Size() == p.meta.count;
    }
    if (!ok) {
      return Status::Corruption("stored elements of key '" + p.storage_key.substr(1) + "' in db " +
                                std::to_string(static_cast<uint8_t>(p.storage_key[0])) + " are incomplete");
    }
    LargeState st;
    st.type = v.type();
    st.generation = p.meta.generation;
    st.list_lo = p.meta.list_lo;
    st.list_hi = p.meta.list_lo + static_cast<int64_t>(p.meta.count);
    if (v.type() == Type::kStream) {
      for (const auto& [master, node] : v.stream().nodes()) st.nodes.insert(st.nodes.end(), master);
    }
    fn(p.storage_key, std::move(st));
  }
  *next_generation = max_generation_ + 1;
  return Status::Ok();
}

}  // namespace lumadb::engine::kv

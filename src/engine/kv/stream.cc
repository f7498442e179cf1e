#include "engine/kv/stream.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>

#include "common/strutil.h"
#include "storage/key_codec.h"

namespace lumadb::engine::kv {

using storage::AppendVarint;
using storage::ConsumeVarint;

// ---- StreamId ----

bool StreamId::Increment() {
  if (seq != UINT64_MAX) {
    seq++;
    return true;
  }
  if (ms != UINT64_MAX) {
    ms++;
    seq = 0;
    return true;
  }
  ms = seq = 0;
  return false;
}

bool StreamId::Decrement() {
  if (seq != 0) {
    seq--;
    return true;
  }
  if (ms != 0) {
    ms--;
    seq = UINT64_MAX;
    return true;
  }
  ms = seq = UINT64_MAX;
  return false;
}

std::string StreamId::ToString() const { return std::to_string(ms) + "-" + std::to_string(seq); }

// ---- Parsing ----

namespace {

bool IsCSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

// Redis's string2ull: a canonical decimal (string2ll) if possible, otherwise
// whatever strtoull(s, &end, 10) consumes entirely without ERANGE. The
// fallback is why " 12", "+12", "007" and "-1" (as 2^64-1) pass.
bool ParseRedisUll(std::string_view s, uint64_t* out) {
  int64_t ll;
  if (ParseInt64(s, &ll)) {
    if (ll < 0) return false;
    *out = static_cast<uint64_t>(ll);
    return true;
  }
  size_t i = 0;
  while (i < s.size() && IsCSpace(s[i])) i++;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    i++;
  }
  if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;  // no conversion
  uint64_t v = 0;
  for (; i < s.size(); i++) {
    char c = s[i];
    if (c < '0' || c > '9') return false;  // trailing junk
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;  // ERANGE
    v = v * 10 + d;
  }
  *out = negative ? (~v + 1) : v;
  return true;
}

}  // namespace

bool ParseStreamId(std::string_view s, const StreamIdSyntax& syntax, StreamId* id, bool* seq_given) {
  if (s.size() > 127) return false;
  // Redis works on a C string copy: an embedded NUL ends the argument.
  size_t nul = s.find('\0');
  if (nul != std::string_view::npos) s = s.substr(0, nul);
  if (syntax.strict && (s == "-" || s == "+")) return false;
  if (seq_given != nullptr) *seq_given = true;
  if (s == "-") {
    *id = StreamId{0, 0};
    return true;
  }
  if (s == "+") {
    *id = StreamId::Max();
    return true;
  }
  size_t dash = s.find('-');
  uint64_t ms, seq;
  if (!ParseRedisUll(dash == std::string_view::npos ? s : s.substr(0, dash), &ms)) return false;
  if (dash == std::string_view::npos) {
    seq = syntax.missing_seq;
  } else {
    std::string_view rest = s.substr(dash + 1);
    if (syntax.allow_seq_star && rest == "*") {
      seq = 0;
      if (seq_given != nullptr) *seq_given = false;
    } else if (!ParseRedisUll(rest, &seq)) {
      return false;
    }
  }
  *id = StreamId{ms, seq};
  return true;
}

bool ParseStreamIntervalId(std::string_view s, uint64_t missing_seq, StreamId* id, bool* exclusive) {
  *exclusive = s.size() > 1 && s[0] == '(';
  StreamIdSyntax syntax;
  syntax.missing_seq = missing_seq;
  if (*exclusive) {
    syntax.strict = true;
    return ParseStreamId(s.substr(1), syntax, id);
  }
  return ParseStreamId(s, syntax, id);
}

// ---- Listpack sizes ----
//
// A node closes when its listpack would reach kNodeMaxBytes, so the sizes
// must be exactly those of Redis's listpack encoding: integers (including
// strings that are canonical int64 decimals) in 1, 2, 3, 4, 5 or 9 bytes,
// strings with a 1, 2 or 5 byte header, each element followed by its
// encoded length in 1 to 5 bytes.

namespace {

size_t BacklenBytes(size_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

size_t IntElementBytes(int64_t v) {
  size_t enc;
  if (v >= 0 && v <= 127) enc = 1;
  else if (v >= -4096 && v <= 4095) enc = 2;
  else if (v >= -32768 && v <= 32767) enc = 3;
  else if (v >= -8388608 && v <= 8388607) enc = 4;
  else if (v >= INT32_MIN && v <= INT32_MAX) enc = 5;
  else enc = 9;
  return enc + BacklenBytes(enc);
}

size_t StringElementBytes(std::string_view s) {
  int64_t v;
  if (ParseInt64(s, &v)) return IntElementBytes(v);
  size_t enc = s.size() < 64 ? 1 + s.size() : s.size() < 4096 ? 2 + s.size() : 5 + s.size();
  return enc + BacklenBytes(enc);
}

// The master entry minus the live/deleted counters: field count, names, 0.
size_t MasterBytes(const std::vector<std::string>& fields) {
  size_t n = IntElementBytes(static_cast<int64_t>(fields.size())) + IntElementBytes(0);
  for (const auto& f : fields) n += StringElementBytes(f);
  return n;
}

// One entry: flags, ms and seq deltas (as int64, wrapping), [field count],
// elements, and the element count used to walk backwards.
size_t EntryBytes(uint8_t flags, StreamId id, StreamId master, uint32_t num_fields,
                  const std::vector<std::string_view>& elements) {
  bool same = flags & Stream::kFlagSameFields;
  size_t n = IntElementBytes(flags) + IntElementBytes(static_cast<int64_t>(id.ms - master.ms)) +
             IntElementBytes(static_cast<int64_t>(id.seq - master.seq));
  if (!same) n += IntElementBytes(num_fields);
  for (auto e : elements) n += StringElementBytes(e);
  int64_t lp_count = num_fields + 3 + (same ? 0 : num_fields + 1);
  return n + IntElementBytes(lp_count);
}

void AppendElement(std::string* out, std::string_view e) {
  AppendVarint(out, e.size());
  out->append(e);
}

}  // namespace

size_t Stream::Node::ListpackBytes() const {
  // 6 header bytes, the live and deleted counters, the body, the end byte.
  return 6 + IntElementBytes(live_) + IntElementBytes(deleted_) + body_bytes_ + 1;
}

void Stream::EntryView::Elements(std::vector<std::string_view>* out) const {
  out->clear();
  std::string_view in = encoded;
  uint64_t n;
  while (!in.empty() && ConsumeVarint(&in, &n) && n <= in.size()) {
    out->push_back(in.substr(0, n));
    in.remove_prefix(n);
  }
}

// An entry is stored as: flags byte, varint ms delta from the master ID,
// varint sequence (a delta from the master's when the ms are equal, else
// the sequence itself), [varint field count unless same fields], elements.
namespace {

struct EntryHeader {
  StreamId id;
  uint8_t flags;
  uint32_t num_fields;
  std::string_view rest;  // the elements
};

EntryHeader DecodeHeader(std::string_view in, StreamId master, size_t master_fields) {
  EntryHeader h;
  h.flags = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  uint64_t ms_delta = 0, seq = 0, nf = master_fields;
  ConsumeVarint(&in, &ms_delta);
  ConsumeVarint(&in, &seq);
  h.id = StreamId{master.ms + ms_delta, ms_delta == 0 ? master.seq + seq : seq};
  if (!(h.flags & Stream::kFlagSameFields)) ConsumeVarint(&in, &nf);
  h.num_fields = static_cast<uint32_t>(nf);
  h.rest = in;
  return h;
}

}  // namespace

Stream::EntryView Stream::Node::entry(size_t i) const {
  size_t end = i + 1 < offsets_.size() ? offsets_[i + 1] : data_.size();
  EntryHeader h = DecodeHeader(std::string_view(data_).substr(offsets_[i], end - offsets_[i]), master_,
                               master_fields_.size());
  return EntryView{h.id, h.flags, h.num_fields, h.rest};
}

StreamId Stream::Node::id(size_t i) const { return entry(i).id; }

size_t Stream::Node::LowerBound(StreamId id) const {
  size_t lo = 0, hi = offsets_.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (this->id(mid) < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

void Stream::Node::Append(StreamId id, uint8_t flags, uint32_t num_fields,
                          const std::vector<std::string_view>& elements) {
  offsets_.push_back(static_cast<uint32_t>(data_.size()));
  data_.push_back(static_cast<char>(flags));
  uint64_t ms_delta = id.ms - master_.ms;
  AppendVarint(&data_, ms_delta);
  AppendVarint(&data_, ms_delta == 0 ? id.seq - master_.seq : id.seq);
  if (!(flags & kFlagSameFields)) AppendVarint(&data_, num_fields);
  for (auto e : elements) AppendElement(&data_, e);
  body_bytes_ += EntryBytes(flags, id, master_, num_fields, elements);
  if (flags & kFlagDeleted) deleted_++;
  else live_++;
}

void Stream::Node::MarkDeleted(size_t i) {
  data_[offsets_[i]] = static_cast<char>(static_cast<uint8_t>(data_[offsets_[i]]) | kFlagDeleted);
  live_--;
  deleted_++;
}

void Stream::Node::Shrink() {
  data_.shrink_to_fit();
  offsets_.shrink_to_fit();
}

// ---- StreamGroup ----

StreamGroup::StreamGroup(const StreamGroup& other)
    : last_id(other.last_id), entries_read(other.entries_read), pel(other.pel), consumers(other.consumers) {
  for (auto& [name, c] : consumers) {
    for (StreamId id : c.pel) {
      auto it = pel.find(id);
      if (it != pel.end()) it->second.consumer = &c;
    }
  }
}

StreamConsumer* StreamGroup::FindConsumer(std::string_view name) {
  auto it = consumers.find(name);
  return it == consumers.end() ? nullptr : &it->second;
}

StreamConsumer* StreamGroup::CreateConsumer(std::string_view name, int64_t now) {
  auto [it, inserted] = consumers.try_emplace(std::string(name));
  if (!inserted) return nullptr;
  it->second.name = it->first;
  it->second.seen_time = now;
  return &it->second;
}

StreamConsumer* StreamGroup::TouchConsumer(std::string_view name, int64_t now) {
  StreamConsumer* c = FindConsumer(name);
  if (c == nullptr) c = CreateConsumer(name, now);
  c->seen_time = now;
  return c;
}

int64_t StreamGroup::DeleteConsumer(std::string_view name) {
  auto it = consumers.find(name);
  if (it == consumers.end()) return -1;
  int64_t pending = static_cast<int64_t>(it->second.pel.size());
  for (StreamId id : it->second.pel) pel.erase(id);
  consumers.erase(it);
  return pending;
}

bool StreamGroup::Ack(StreamId id) {
  auto it = pel.find(id);
  if (it == pel.end()) return false;
  if (it->second.consumer != nullptr) it->second.consumer->pel.erase(id);
  pel.erase(it);
  return true;
}

void StreamGroup::SetOwner(absl::btree_map<StreamId, StreamNack>::iterator it, StreamConsumer* c) {
  StreamNack& n = it->second;
  if (n.consumer == c) return;
  if (n.consumer != nullptr) n.consumer->pel.erase(it->first);
  c->pel.insert(it->first);
  n.consumer = c;
}

// ---- Stream: entries ----

Stream::NodeMap::const_iterator Stream::NodeFor(StreamId id) const {
  auto it = nodes_.upper_bound(id);
  if (it == nodes_.begin()) return nodes_.end();
  return --it;
}

Stream::NodeMap::iterator Stream::NodeFor(StreamId id) {
  auto it = nodes_.upper_bound(id);
  if (it == nodes_.begin()) return nodes_.end();
  return --it;
}

bool Stream::FindLive(StreamId id, NodeMap::const_iterator* node, size_t* index) const {
  auto n = NodeFor(id);
  if (n == nodes_.end()) return false;
  size_t i = n->second.LowerBound(id);
  if (i == n->second.size()) return false;
  EntryView e = n->second.entry(i);
  if (e.id != id || e.deleted()) return false;
  *node = n;
  *index = i;
  return true;
}

void Stream::Fields(const Node& node, const EntryView& e, StreamFields* out) {
  e.Elements(out);
  if (!e.same_fields()) return;
  // Stored values only: interleave the master field names.
  size_t n = out->size();
  out->resize(n * 2);
  for (size_t i = n; i-- > 0;) {
    (*out)[2 * i + 1] = (*out)[i];
    (*out)[2 * i] = i < node.master_fields_.size() ? std::string_view(node.master_fields_[i]) : std::string_view();
  }
}

Stream::AddResult Stream::Add(const NewId& spec, int64_t now_ms, const std::vector<std::string_view>& fields_values,
                              StreamId* added) {
  StreamId id;
  switch (spec.kind) {
    case NewId::kAuto: {
      uint64_t now = static_cast<uint64_t>(now_ms);
      if (now > last_id_.ms) {
        id = StreamId{now, 0};
      } else {
        id = last_id_;
        id.Increment();
      }
      break;
    }
    case NewId::kAutoSeq:
      if (last_id_.ms == spec.id.ms) {
        if (last_id_.seq == UINT64_MAX) return AddResult::kIdTooSmall;
        id = StreamId{last_id_.ms, last_id_.seq + 1};
      } else {
        id = StreamId{spec.id.ms, 0};
      }
      break;
    case NewId::kExplicit: id = spec.id; break;
  }
  if (id <= last_id_) return AddResult::kIdTooSmall;

  size_t total = 0;
  for (auto e : fields_values) total += e.size();
  if (total > (1u << 30)) return AddResult::kTooLarge;

  uint32_t num_fields = static_cast<uint32_t>(fields_values.size() / 2);
  Node* node = nullptr;
  if (!nodes_.empty()) {
    Node& tail = nodes_.rbegin()->second;
    if (tail.ListpackBytes() + total >= kNodeMaxBytes || tail.live_ + tail.deleted_ >= kNodeMaxEntries) {
      tail.Shrink();
    } else {
      node = &tail;
    }
  }
  uint8_t flags = 0;
  if (node == nullptr) {
    node = &nodes_[id];
    node->master_ = id;
    for (uint32_t i = 0; i < num_fields; i++) node->master_fields_.emplace_back(fields_values[2 * i]);
    node->body_bytes_ = MasterBytes(node->master_fields_);
    flags = kFlagSameFields;
  } else if (num_fields == node->master_fields_.size()) {
    bool same = true;
    for (uint32_t i = 0; i < num_fields && same; i++) same = fields_values[2 * i] == node->master_fields_[i];
    if (same) flags = kFlagSameFields;
  }
  std::vector<std::string_view> elements;
  for (uint32_t i = 0; i < num_fields; i++) {
    if (!(flags & kFlagSameFields)) elements.push_back(fields_values[2 * i]);
    elements.push_back(fields_values[2 * i + 1]);
  }
  node->Append(id, flags, num_fields, elements);

  length_++;
  entries_added_++;
  last_id_ = id;
  if (length_ == 1) first_id_ = id;
  if (added != nullptr) *added = id;
  return AddResult::kOk;
}

size_t Stream::Range(StreamId start, StreamId end, bool rev, size_t count, const StreamEntryFn& fn) const {
  size_t emitted = 0;
  StreamFields fields;
  if (!rev) {
    auto n = NodeFor(start);
    if (n == nodes_.end()) n = nodes_.begin();
    for (; n != nodes_.end(); ++n) {
      const Node& node = n->second;
      for (size_t i = node.LowerBound(start); i < node.size(); i++) {
        EntryView e = node.entry(i);
        if (e.deleted()) continue;
        if (e.id > end) return emitted;
        Fields(node, e, &fields);
        emitted++;
        if (!fn(e.id, fields) || (count != 0 && emitted == count)) return emitted;
      }
    }
    return emitted;
  }
  auto n = NodeFor(end);
  if (n == nodes_.end()) return 0;
  while (true) {
    const Node& node = n->second;
    // The entries with an ID <= end come before the first one above it.
    StreamId above = end;
    size_t upto = above.Increment() ? node.LowerBound(above) : node.size();
    for (size_t k = upto; k-- > 0;) {
      EntryView e = node.entry(k);
      if (e.deleted()) continue;
      if (e.id < start) return emitted;
      Fields(node, e, &fields);
      emitted++;
      if (!fn(e.id, fields) || (count != 0 && emitted == count)) return emitted;
    }
    if (n == nodes_.begin()) return emitted;
    --n;
  }
}

bool Stream::Get(StreamId id, StreamFields* fields) const {
  NodeMap::const_iterator n;
  size_t i;
  if (!FindLive(id, &n, &i)) return false;
  Fields(n->second, n->second.entry(i), fields);
  return true;
}

bool Stream::Contains(StreamId id) const {
  NodeMap::const_iterator n;
  size_t i;
  return FindLive(id, &n, &i);
}

std::optional<StreamId> Stream::FirstLiveId() const {
  for (const auto& [key, node] : nodes_) {
    for (size_t i = 0; i < node.size(); i++) {
      EntryView e = node.entry(i);
      if (!e.deleted()) return e.id;
    }
  }
  return std::nullopt;
}

std::optional<StreamId> Stream::LastLiveId() const {
  for (auto n = nodes_.rbegin(); n != nodes_.rend(); ++n) {
    for (size_t i = n->second.size(); i-- > 0;) {
      EntryView e = n->second.entry(i);
      if (!e.deleted()) return e.id;
    }
  }
  return std::nullopt;
}

bool Stream::DeleteAt(NodeMap::iterator it, size_t i) {
  Node& node = it->second;
  if (node.live_ == 1) {
    // Its last live entry: Redis frees the whole listpack, tombstones and all.
    nodes_.erase(it);
    return true;
  }
  node.MarkDeleted(i);
  return false;
}

void Stream::RefreshFirstId() {
  if (length_ == 0) {
    first_id_ = StreamId{0, 0};
    return;
  }
  std::optional<StreamId> first = FirstLiveId();
  first_id_ = first ? *first : StreamId::Max();
}

size_t Stream::Delete(const std::vector<StreamId>& ids) {
  size_t deleted = 0;
  bool first_entry = false;
  for (StreamId id : ids) {
    NodeMap::const_iterator found;
    size_t i;
    if (!FindLive(id, &found, &i)) continue;
    DeleteAt(nodes_.find(found->first), i);
    length_--;
    if (id == first_id_) first_entry = true;
    if (id > max_deleted_id_) max_deleted_id_ = id;
    deleted++;
  }
  if (deleted != 0 && (length_ == 0 || first_entry)) RefreshFirstId();
  return deleted;
}

int64_t Stream::Trim(const TrimOptions& opts) {
  if (opts.strategy == TrimOptions::kNone) return 0;
  bool maxlen = opts.strategy == TrimOptions::kMaxLen;
  int64_t deleted = 0;
  auto n = nodes_.begin();
  while (n != nodes_.end()) {
    if (maxlen && length_ <= opts.maxlen) break;
    Node& node = n->second;
    int64_t entries = node.live_;
    if (opts.limit != 0 && deleted + entries > opts.limit) break;
    bool remove_node;
    if (maxlen) {
      remove_node = length_ - static_cast<uint64_t>(entries) >= opts.maxlen;
    } else {
      // The node's last entry, tombstone or not, decides (as Redis reads it).
      remove_node = node.id(node.size() - 1) < opts.minid;
    }
    if (remove_node) {
      length_ -= static_cast<uint64_t>(entries);
      deleted += entries;
      n = nodes_.erase(n);
      continue;
    }
    if (opts.approx) break;
    // Flag entries inside this node; the node stays.
    for (size_t i = 0; i < node.size(); i++) {
      EntryView e = node.entry(i);
      bool stop = maxlen ? length_ <= opts.maxlen : e.id >= opts.minid;
      if (stop) break;
      if (e.deleted()) continue;
      node.MarkDeleted(i);
      length_--;
      deleted++;
    }
    break;
  }
  if (length_ == 0) {
    first_id_ = StreamId{0, 0};
  } else if (deleted != 0) {
    RefreshFirstId();
  }
  return deleted;
}

// ---- Stream: consumer-group arithmetic ----

bool Stream::RangeHasTombstones(StreamId start, StreamId end) const {
  if (length_ == 0 || max_deleted_id_.IsZero()) return false;
  if (first_id_ > max_deleted_id_) return false;
  return start <= max_deleted_id_ && max_deleted_id_ <= end;
}

int64_t Stream::EstimateEntriesRead(StreamId id) const {
  if (entries_added_ == 0) return 0;
  if (length_ == 0 && id <= last_id_) return static_cast<int64_t>(entries_added_);
  if (id == last_id_) return static_cast<int64_t>(entries_added_);
  if (id > last_id_) return kEntriesReadInvalid;
  if (max_deleted_id_.IsZero() || max_deleted_id_ < first_id_) {
    // No fragmentation ahead of the first entry.
    if (id < first_id_) return static_cast<int64_t>(entries_added_ - length_);
    if (id == first_id_) return static_cast<int64_t>(entries_added_ - length_ + 1);
  }
  return kEntriesReadInvalid;
}

std::optional<int64_t> Stream::Lag(const StreamGroup& g) const {
  if (entries_added_ == 0) return 0;
  if (g.entries_read != kEntriesReadInvalid && !RangeHasTombstones(g.last_id, StreamId::Max())) {
    return static_cast<int64_t>(entries_added_) - g.entries_read;
  }
  int64_t read = EstimateEntriesRead(g.last_id);
  if (read == kEntriesReadInvalid) return std::nullopt;
  return static_cast<int64_t>(entries_added_) - read;
}

// ---- Stream: consumer groups ----

StreamGroup* Stream::FindGroup(std::string_view name) {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

StreamGroup* Stream::CreateGroup(std::string_view name, StreamId last_id, int64_t entries_read) {
  auto [it, inserted] = groups_.try_emplace(std::string(name), last_id, entries_read);
  return inserted ? &it->second : nullptr;
}

bool Stream::DestroyGroup(std::string_view name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) return false;
  groups_.erase(it);
  return true;
}

size_t Stream::ReadNew(StreamGroup& g, StreamConsumer& c, size_t count, bool noack, int64_t now_ms,
                       const StreamEntryFn& fn) {
  StreamId start = g.last_id;
  if (!start.Increment()) return 0;
  return Range(start, StreamId::Max(), false, count, [&](StreamId id, const StreamFields& fields) {
    if (id > g.last_id) {
      if (g.entries_read != kEntriesReadInvalid && !RangeHasTombstones(id, StreamId::Max())) {
        g.entries_read++;
      } else if (entries_added_ != 0) {
        g.entries_read = EstimateEntriesRead(id);
      }
      g.last_id = id;
    }
    if (!noack) {
      auto [it, inserted] = g.pel.try_emplace(id);
      if (inserted) {
        it->second.consumer = &c;
        c.pel.insert(id);
      } else {
        g.SetOwner(it, &c);
      }
      it->second.delivery_time = now_ms;
      it->second.delivery_count = 1;
    }
    fn(id, fields);
    return true;
  });
}

size_t Stream::ReadHistory(StreamConsumer& c, StreamGroup& g, StreamId start, size_t count, int64_t now_ms,
                           const HistoryFn& fn) {
  size_t n = 0;
  StreamFields fields;
  for (auto it = c.pel.lower_bound(start); it != c.pel.end() && (count == 0 || n < count); ++it) {
    StreamId id = *it;
    if (Get(id, &fields)) {
      fn(id, &fields);
      auto nack = g.pel.find(id);
      if (nack != g.pel.end()) {
        nack->second.delivery_time = now_ms;
        nack->second.delivery_count++;
      }
    } else {
      // Deleted since delivery: Redis shows the ID with no fields.
      fn(id, nullptr);
    }
    n++;
  }
  return n;
}

void Stream::Claim(StreamGroup& g, std::string_view name, const std::vector<StreamId>& ids, const ClaimOptions& opts,
                   int64_t now_ms, const StreamEntryFn& fn) {
  int64_t delivery_time = opts.delivery_time;
  if (delivery_time < 0 || delivery_time > now_ms) delivery_time = now_ms;
  StreamConsumer* consumer = nullptr;
  StreamFields fields;
  for (StreamId id : ids) {
    auto it = g.pel.find(id);
    if (!Contains(id)) {
      if (it != g.pel.end()) g.Ack(id);
      continue;
    }
    if (opts.force && it == g.pel.end()) it = g.pel.emplace(id, StreamNack{now_ms, 1, nullptr}).first;
    if (it == g.pel.end()) continue;
    StreamNack& nack = it->second;
    // A NACK FORCE just created has no owner and no idle time to respect.
    if (nack.consumer != nullptr && opts.min_idle != 0 && now_ms - nack.delivery_time < opts.min_idle) continue;
    if (consumer == nullptr) consumer = g.TouchConsumer(name, now_ms);
    g.SetOwner(it, consumer);
    nack.delivery_time = delivery_time;
    if (opts.retry_count >= 0) {
      nack.delivery_count = static_cast<uint64_t>(opts.retry_count);
    } else if (!opts.justid) {
      nack.delivery_count++;
    }
    Get(id, &fields);
    fn(id, fields);
  }
}

StreamId Stream::AutoClaim(StreamGroup& g, std::string_view name, StreamId start, size_t count, int64_t min_idle,
                           bool justid, int64_t now_ms, const StreamEntryFn& fn, std::vector<StreamId>* deleted) {
  uint64_t attempts = static_cast<uint64_t>(count) * 10;
  StreamConsumer* consumer = nullptr;
  StreamFields fields;
  auto it = g.pel.lower_bound(start);
  while (attempts-- != 0 && count != 0 && it != g.pel.end()) {
    StreamId id = it->first;
    if (!Contains(id)) {
      g.Ack(id);  // invalidates it: find the next NACK again
      it = g.pel.upper_bound(id);
      deleted->push_back(id);
      count--;
      continue;
    }
    StreamNack& nack = it->second;
    if (min_idle != 0 && now_ms - nack.delivery_time < min_idle) {
      ++it;
      continue;
    }
    if (consumer == nullptr) consumer = g.TouchConsumer(name, now_ms);
    g.SetOwner(it, consumer);
    nack.delivery_time = now_ms;
    if (!justid) nack.delivery_count++;
    Get(id, &fields);
    fn(id, fields);
    count--;
    ++it;
  }
  return it == g.pel.end() ? StreamId{0, 0} : it->first;
}

// ---- Stream: radix tree shape ----

size_t Stream::RadixTreeNodes() const {
  // Redis keys its listpacks in a rax by the 128-bit big-endian master ID. A
  // rax node is the root, every branching point (one node holding all its
  // child bytes), every run of single-child bytes (one compressed node) and
  // every key end; this counts that shape for the current keys.
  using Key = std::array<uint8_t, 16>;
  std::vector<Key> keys;
  keys.reserve(nodes_.size());
  for (const auto& [id, node] : nodes_) {
    Key k;
    for (int i = 0; i < 8; i++) {
      k[i] = static_cast<uint8_t>(id.ms >> (56 - 8 * i));
      k[8 + i] = static_cast<uint8_t>(id.seq >> (56 - 8 * i));
    }
    keys.push_back(k);
  }
  if (keys.empty()) return 1;
  std::function<size_t(size_t, size_t, size_t)> count = [&](size_t lo, size_t hi, size_t depth) -> size_t {
    if (depth == 16) return 1;
    const Key& first = keys[lo];
    const Key& last = keys[hi - 1];
    if (first[depth] == last[depth]) {
      size_t d = depth;
      while (d < 16 && first[d] == last[d]) d++;
      return 1 + count(lo, hi, d);
    }
    size_t n = 1;
    for (size_t i = lo; i < hi;) {
      size_t j = i;
      while (j < hi && keys[j][depth] == keys[i][depth]) j++;
      n += count(i, j, depth + 1);
      i = j;
    }
    return n;
  };
  return count(0, keys.size(), 0);
}

// ---- Stream: loading ----

bool Stream::LoadNode(StreamId master_id, std::vector<std::string> master_fields,
                      const std::vector<RawEntry>& entries) {
  if (entries.empty()) return false;
  if (!nodes_.empty()) {
    const Node& prev = nodes_.rbegin()->second;
    if (master_id <= prev.id(prev.size() - 1)) return false;
  }
  if (entries.front().id < master_id) return false;
  Node node;
  node.master_ = master_id;
  node.master_fields_ = std::move(master_fields);
  node.body_bytes_ = MasterBytes(node.master_fields_);
  for (size_t i = 0; i < entries.size(); i++) {
    const RawEntry& r = entries[i];
    if (r.flags > (kFlagDeleted | kFlagSameFields)) return false;
    if (i > 0 && r.id <= entries[i - 1].id) return false;
    uint32_t num_fields;
    if (r.flags & kFlagSameFields) {
      if (r.elements.size() != node.master_fields_.size()) return false;
      num_fields = static_cast<uint32_t>(r.elements.size());
    } else {
      if (r.elements.size() % 2 != 0) return false;
      num_fields = static_cast<uint32_t>(r.elements.size() / 2);
    }
    node.Append(r.id, r.flags, num_fields, r.elements);
  }
  node.Shrink();
  length_ += node.live_;
  nodes_.emplace(master_id, std::move(node));
  return true;
}

bool Stream::LoadCounters(uint64_t length, StreamId last_id, StreamId first_id, StreamId max_deleted_id,
                          uint64_t entries_added) {
  if (length != length_) return false;
  if (!nodes_.empty()) {
    const Node& tail = nodes_.rbegin()->second;
    if (tail.id(tail.size() - 1) > last_id) return false;
  }
  last_id_ = last_id;
  first_id_ = first_id;
  max_deleted_id_ = max_deleted_id;
  entries_added_ = entries_added;
  return true;
}

}  // namespace lumadb::engine::kv

#include "protocol/resp/rdb.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "common/strutil.h"

namespace lumadb::protocol::resp::rdb {
namespace {

using engine::kv::Stream;
using engine::kv::StreamGroup;
using engine::kv::StreamId;
using engine::kv::StreamNack;
using engine::kv::Type;
using engine::kv::Value;

enum : uint8_t {
  kTypeString = 0,
  kTypeList = 1,
  kTypeSet = 2,
  kTypeZSet = 3,
  kTypeHash = 4,
  kTypeZSet2 = 5,
  kTypeHashZipmap = 9,
  kTypeListZiplist = 10,
  kTypeSetIntset = 11,
  kTypeZSetZiplist = 12,
  kTypeHashZiplist = 13,
  kTypeListQuicklist = 14,
  kTypeHashListpack = 16,
  kTypeZSetListpack = 17,
  kTypeListQuicklist2 = 18,
  kTypeStreamListpacks = 15,   // Redis 5.0-6.2 streams
  kTypeStreamListpacks2 = 19,  // Redis 7.0: adds first/max-deleted IDs, entries-added, entries-read
};

void PutLength(std::string* out, uint64_t n) {
  if (n < (1 << 6)) {
    out->push_back(static_cast<char>(n));
  } else if (n < (1 << 14)) {
    out->push_back(static_cast<char>(0x40 | (n >> 8)));
    out->push_back(static_cast<char>(n & 0xff));
  } else if (n <= 0xffffffffull) {
    out->push_back(static_cast<char>(0x80));
    for (int i = 3; i >= 0; i--) out->push_back(static_cast<char>((n >> (i * 8)) & 0xff));
  } else {
    out->push_back(static_cast<char>(0x81));
    for (int i = 7; i >= 0; i--) out->push_back(static_cast<char>((n >> (i * 8)) & 0xff));
  }
}

void PutString(std::string* out, std::string_view s) {
  PutLength(out, s.size());
  out->append(s);
}

// Redis's rdbSaveRawString, for string values: a canonical integer of up to
// 11 characters that fits 32 bits as an encoded integer, a string of more
// than 20 bytes LZF-compressed when that saves more than 4 bytes, anything
// else as it is. DUMP of a string then gives redis-server's bytes.
bool CanonicalInt32(std::string_view s, int64_t* v) {
  if (s.size() > 11 || !ParseInt64(s, v)) return false;
  std::string canonical;
  AppendInt(&canonical, *v);
  return canonical == s && *v >= INT32_MIN && *v <= INT32_MAX;
}

void PutRawString(std::string* out, std::string_view s) {
  int64_t v;
  if (CanonicalInt32(s, &v)) {
    int bytes = v >= INT8_MIN && v <= INT8_MAX ? 1 : v >= INT16_MIN && v <= INT16_MAX ? 2 : 4;
    out->push_back(static_cast<char>(0xc0 | (bytes == 1 ? 0 : bytes == 2 ? 1 : 2)));
    for (int i = 0; i < bytes; i++) out->push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff));
    return;
  }
  std::string compressed;
  if (s.size() > 20 && LzfCompress(s, s.size() - 4, &compressed) > 0) {
    out->push_back(static_cast<char>(0xc3));
    PutLength(out, compressed.size());
    PutLength(out, s.size());
    out->append(compressed);
    return;
  }
  PutString(out, s);
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool Byte(uint8_t* b) {
    if (in_.empty()) return false;
    *b = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool Bytes(size_t n, std::string_view* out) {
    if (in_.size() < n) return false;
    *out = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  // Returns false on error; *encoded set for the 11xxxxxx special encodings.
  bool Length(uint64_t* n, bool* encoded = nullptr) {
    uint8_t b;
    if (!Byte(&b)) return false;
    if (encoded) *encoded = false;
    switch (b >> 6) {
      case 0: *n = b & 0x3f; return true;
      case 1: {
        uint8_t c;
        if (!Byte(&c)) return false;
        *n = (static_cast<uint64_t>(b & 0x3f) << 8) | c;
        return true;
      }
      case 2: {
        int bytes = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
        if (bytes == 0) return false;
        std::string_view d;
        if (!Bytes(bytes, &d)) return false;
        uint64_t v = 0;
        for (char c : d) v = (v << 8) | static_cast<uint8_t>(c);
        *n = v;
        return true;
      }
      default:
        if (encoded == nullptr) return false;
        *encoded = true;
        *n = b & 0x3f;
        return true;
    }
  }
  bool String(std::string* out) {
    uint64_t n;
    bool enc;
    if (!Length(&n, &enc)) return false;
    if (!enc) {
      std::string_view d;
      if (!Bytes(n, &d)) return false;
      out->assign(d);
      return true;
    }
    std::string_view d;
    int64_t v;
    switch (n) {
      case 0:
        if (!Bytes(1, &d)) return false;
        v = static_cast<int8_t>(d[0]);
        break;
      case 1: {
        if (!Bytes(2, &d)) return false;
        int16_t x;
        memcpy(&x, d.data(), 2);
        v = x;
        break;
      }
      case 2: {
        if (!Bytes(4, &d)) return false;
        int32_t x;
        memcpy(&x, d.data(), 4);
        v = x;
        break;
      }
      case 3: return Lzf(out);
      default: return false;
    }
    out->clear();
    AppendInt(out, v);
    return true;
  }
  bool empty() const { return in_.empty(); }

 private:
  bool Lzf(std::string* out) {
    uint64_t clen, len;
    if (!Length(&clen) || !Length(&len)) return false;
    std::string_view c;
    if (!Bytes(clen, &c) || len > (512ull << 20)) return false;
    out->clear();
    out->reserve(len);
    size_t i = 0;
    while (i < c.size()) {
      uint8_t ctrl = static_cast<uint8_t>(c[i++]);
      if (ctrl < 32) {
        size_t lit = ctrl + 1;
        if (i + lit > c.size()) return false;
        out->append(c.substr(i, lit));
        i += lit;
      } else {
        size_t l = ctrl >> 5;
        if (l == 7) {
          if (i >= c.size()) return false;
          l += static_cast<uint8_t>(c[i++]);
        }
        if (i >= c.size()) return false;
        size_t back = ((ctrl & 0x1f) << 8) + static_cast<uint8_t>(c[i++]) + 1;
        if (back > out->size()) return false;
        size_t from = out->size() - back;
        for (size_t k = 0; k < l + 2; k++) out->push_back((*out)[from + k]);
      }
    }
    return out->size() == len;
  }
  std::string_view in_;
};

// Decodes a listpack blob into its entries (integers as decimal strings).
bool DecodeListpack(std::string_view lp, std::vector<std::string>* out) {
  if (lp.size() < 7) return false;
  size_t p = 6;
  while (p < lp.size()) {
    uint8_t b = static_cast<uint8_t>(lp[p]);
    if (b == 0xff) return true;
    size_t entry = 0;
    auto need = [&](size_t n) { return p + n <= lp.size(); };
    auto le = [&](size_t at, int n) {
      uint64_t v = 0;
      for (int k = n - 1; k >= 0; k--) v = (v << 8) | static_cast<uint8_t>(lp[at + k]);
      return v;
    };
    std::string s;
    if ((b & 0x80) == 0) {
      AppendInt(&s, b & 0x7f);
      entry = 1;
    } else if ((b & 0xc0) == 0x80) {
      size_t n = b & 0x3f;
      if (!need(1 + n)) return false;
      s.assign(lp.substr(p + 1, n));
      entry = 1 + n;
    } else if ((b & 0xe0) == 0xc0) {
      if (!need(2)) return false;
      int64_t v = ((b & 0x1f) << 8) | static_cast<uint8_t>(lp[p + 1]);
      if (v >= (1 << 12)) v -= (1 << 13);
      AppendInt(&s, v);
      entry = 2;
    } else if ((b & 0xf0) == 0xe0) {
      if (!need(2)) return false;
      size_t n = ((b & 0x0f) << 8) | static_cast<uint8_t>(lp[p + 1]);
      if (!need(2 + n)) return false;
      s.assign(lp.substr(p + 2, n));
      entry = 2 + n;
    } else if (b == 0xf0) {
      if (!need(5)) return false;
      size_t n = le(p + 1, 4);
      if (!need(5 + n)) return false;
      s.assign(lp.substr(p + 5, n));
      entry = 5 + n;
    } else if (b >= 0xf1 && b <= 0xf4) {
      int bytes = b == 0xf1 ? 2 : b == 0xf2 ? 3 : b == 0xf3 ? 4 : 8;
      if (!need(1 + bytes)) return false;
      uint64_t raw = le(p + 1, bytes);
      int64_t v;
      if (bytes == 8) {
        v = static_cast<int64_t>(raw);
      } else {
        uint64_t sign = 1ull << (bytes * 8 - 1);
        v = (raw & sign) ? static_cast<int64_t>(raw | ~((sign << 1) - 1)) : static_cast<int64_t>(raw);
      }
      AppendInt(&s, v);
      entry = 1 + bytes;
    } else {
      return false;
    }
    size_t backlen = entry <= 127 ? 1 : entry < 16383 ? 2 : entry < 2097151 ? 3 : entry < 268435455 ? 4 : 5;
    p += entry + backlen;
    out->push_back(std::move(s));
  }
  return false;
}

bool DecodeIntset(std::string_view blob, std::vector<std::string>* out) {
  if (blob.size() < 8) return false;
  uint32_t enc, len;
  memcpy(&enc, blob.data(), 4);
  memcpy(&len, blob.data() + 4, 4);
  if ((enc != 2 && enc != 4 && enc != 8) || blob.size() != 8 + static_cast<size_t>(enc) * len) return false;
  for (uint32_t i = 0; i < len; i++) {
    const char* p = blob.data() + 8 + i * enc;
    int64_t v;
    if (enc == 2) {
      int16_t x;
      memcpy(&x, p, 2);
      v = x;
    } else if (enc == 4) {
      int32_t x;
      memcpy(&x, p, 4);
      v = x;
    } else {
      memcpy(&v, p, 8);
    }
    std::string s;
    AppendInt(&s, v);
    out->push_back(std::move(s));
  }
  return true;
}

// ---- Streams ----
//
// Strings in a stream (node keys, listpacks, names) are saved as Redis saves
// them (integer, LZF or plain), so the payload is redis-server's byte for
// byte. A stream is a sequence of (16-byte big-endian master ID, listpack) nodes,
// then its counters, then its groups, each with its PEL (raw 16-byte IDs,
// 8-byte little-endian delivery time, delivery count) and its consumers
// (name, 8-byte seen time, the raw IDs they own).

void PutStreamKey(std::string* out, StreamId id) {
  for (int i = 7; i >= 0; i--) out->push_back(static_cast<char>((id.ms >> (i * 8)) & 0xff));
  for (int i = 7; i >= 0; i--) out->push_back(static_cast<char>((id.seq >> (i * 8)) & 0xff));
}

StreamId GetStreamKey(std::string_view b) {
  StreamId id;
  for (int i = 0; i < 8; i++) id.ms = (id.ms << 8) | static_cast<uint8_t>(b[i]);
  for (int i = 8; i < 16; i++) id.seq = (id.seq << 8) | static_cast<uint8_t>(b[i]);
  return id;
}

void PutMillis(std::string* out, int64_t ms) {
  uint64_t v = static_cast<uint64_t>(ms);
  for (int i = 0; i < 8; i++) out->push_back(static_cast<char>((v >> (i * 8)) & 0xff));
}

bool GetMillis(Reader& r, int64_t* ms) {
  std::string_view d;
  if (!r.Bytes(8, &d)) return false;
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | static_cast<uint8_t>(d[i]);
  *ms = static_cast<int64_t>(v);
  return true;
}

// Builds a listpack the way Redis's listpack.c encodes one.
class ListpackWriter {
 public:
  ListpackWriter() : buf_(6, '\0') {}
  void Int(int64_t v) {
    size_t start = buf_.size();
    uint64_t u = static_cast<uint64_t>(v);
    if (v >= 0 && v <= 127) {
      buf_.push_back(static_cast<char>(v));
    } else if (v >= -4096 && v <= 4095) {
      uint64_t x = v < 0 ? (1u << 13) + v : u;
      buf_.push_back(static_cast<char>(0xc0 | (x >> 8)));
      buf_.push_back(static_cast<char>(x & 0xff));
    } else {
      int bytes = (v >= -32768 && v <= 32767) ? 2 : (v >= -8388608 && v <= 8388607) ? 3 : (v >= INT32_MIN && v <= INT32_MAX) ? 4 : 8;
      buf_.push_back(static_cast<char>(bytes == 2 ? 0xf1 : bytes == 3 ? 0xf2 : bytes == 4 ? 0xf3 : 0xf4));
      for (int i = 0; i < bytes; i++) buf_.push_back(static_cast<char>((u >> (i * 8)) & 0xff));
    }
    Backlen(buf_.size() - start);
  }
  void Str(std::string_view s) {
    int64_t v;
    if (ParseInt64(s, &v)) return Int(v);
    size_t start = buf_.size();
    size_t n = s.size();
    if (n < 64) {
      buf_.push_back(static_cast<char>(0x80 | n));
    } else if (n < 4096) {
      buf_.push_back(static_cast<char>(0xe0 | (n >> 8)));
      buf_.push_back(static_cast<char>(n & 0xff));
    } else {
      buf_.push_back(static_cast<char>(0xf0));
      for (int i = 0; i < 4; i++) buf_.push_back(static_cast<char>((n >> (i * 8)) & 0xff));
    }
    buf_.append(s);
    Backlen(buf_.size() - start);
  }
  std::string Finish() {
    buf_.push_back(static_cast<char>(0xff));
    uint32_t total = static_cast<uint32_t>(buf_.size());
    for (int i = 0; i < 4; i++) buf_[i] = static_cast<char>((total >> (i * 8)) & 0xff);
    uint16_t n = count_ > 65535 ? 65535 : static_cast<uint16_t>(count_);
    buf_[4] = static_cast<char>(n & 0xff);
    buf_[5] = static_cast<char>(n >> 8);
    return std::move(buf_);
  }

 private:
  // The element's encoded length, written so it can be read right to left.
  void Backlen(size_t l) {
    count_++;
    if (l <= 127) {
      buf_.push_back(static_cast<char>(l));
      return;
    }
    int bytes = l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
    for (int i = bytes - 1; i >= 0; i--) {
      uint8_t b = static_cast<uint8_t>((l >> (7 * i)) & 127);
      if (i != bytes - 1) b |= 128;
      buf_.push_back(static_cast<char>(b));
    }
  }
  std::string buf_;
  size_t count_ = 0;
};

// One node as Redis stores it: live and deleted counts, the master entry's
// fields, a 0, then each entry as flags, ID deltas from the master ID,
// [field count, fields], values and its element count.
std::string NodeListpack(StreamId master, const Stream::Node& node) {
  ListpackWriter lp;
  lp.Int(node.live());
  lp.Int(node.deleted());
  lp.Int(static_cast<int64_t>(node.master_fields().size()));
  for (const auto& f : node.master_fields()) lp.Str(f);
  lp.Int(0);
  std::vector<std::string_view> elements;
  for (size_t i = 0; i < node.size(); i++) {
    Stream::EntryView e = node.entry(i);
    lp.Int(e.flags);
    lp.Int(static_cast<int64_t>(e.id.ms - master.ms));
    lp.Int(static_cast<int64_t>(e.id.seq - master.seq));
    int64_t nf = e.num_fields;
    if (!e.same_fields()) lp.Int(nf);
    e.Elements(&elements);
    for (auto el : elements) lp.Str(el);
    lp.Int(nf + 3 + (e.same_fields() ? 0 : nf + 1));
  }
  return lp.Finish();
}

void DumpStream(const Stream& s, std::string* out) {
  out->push_back(static_cast<char>(kTypeStreamListpacks2));
  PutLength(out, s.nodes().size());
  for (const auto& [master, node] : s.nodes()) {
    std::string key;
    PutStreamKey(&key, master);
    PutRawString(out, key);
    PutRawString(out, NodeListpack(master, node));
  }
  PutLength(out, s.length());
  PutLength(out, s.last_id().ms);
  PutLength(out, s.last_id().seq);
  PutLength(out, s.first_id().ms);
  PutLength(out, s.first_id().seq);
  PutLength(out, s.max_deleted_id().ms);
  PutLength(out, s.max_deleted_id().seq);
  PutLength(out, s.entries_added());
  PutLength(out, s.groups().size());
  for (const auto& [name, g] : s.groups()) {
    PutRawString(out, name);
    PutLength(out, g.last_id.ms);
    PutLength(out, g.last_id.seq);
    PutLength(out, static_cast<uint64_t>(g.entries_read));
    PutLength(out, g.pel.size());
    for (const auto& [id, nack] : g.pel) {
      PutStreamKey(out, id);
      PutMillis(out, nack.delivery_time);
      PutLength(out, nack.delivery_count);
    }
    PutLength(out, g.consumers.size());
    for (const auto& [cname, c] : g.consumers) {
      PutRawString(out, cname);
      PutMillis(out, c.seen_time);
      PutLength(out, c.pel.size());
      for (StreamId id : c.pel) PutStreamKey(out, id);
    }
  }
}

// Parses one stream listpack into a node of s.
bool LoadStreamNode(StreamId master, std::string_view lp, Stream* s) {
  std::vector<std::string> items;
  if (!DecodeListpack(lp, &items)) return false;
  size_t i = 0;
  auto next_int = [&](int64_t* v) { return i < items.size() && ParseInt64(items[i++], v); };
  int64_t live, deleted, nf, zero;
  if (!next_int(&live) || !next_int(&deleted) || !next_int(&nf) || nf < 0 ||
      static_cast<uint64_t>(nf) > items.size() - i) {
    return false;
  }
  std::vector<std::string> fields(items.begin() + i, items.begin() + i + nf);
  i += nf;
  if (!next_int(&zero) || zero != 0) return false;
  std::vector<Stream::RawEntry> entries;
  int64_t seen_live = 0;
  while (i < items.size()) {
    Stream::RawEntry e;
    int64_t flags, ms_delta, seq_delta, count, lp_count;
    if (!next_int(&flags) || flags < 0 || flags > 3 || !next_int(&ms_delta) || !next_int(&seq_delta)) return false;
    e.flags = static_cast<uint8_t>(flags);
    e.id = StreamId{master.ms + static_cast<uint64_t>(ms_delta), master.seq + static_cast<uint64_t>(seq_delta)};
    bool same = flags & Stream::kFlagSameFields;
    if (same) {
      count = nf;
    } else {
      if (!next_int(&count) || count < 0 || static_cast<uint64_t>(count) > items.size()) return false;
      count *= 2;
    }
    if (static_cast<uint64_t>(count) > items.size() - i) return false;
    for (int64_t k = 0; k < count; k++) e.elements.push_back(items[i++]);
    int64_t elems = same ? nf : count / 2;
    if (!next_int(&lp_count) || lp_count != elems + 3 + (same ? 0 : elems + 1)) return false;
    if (!(flags & Stream::kFlagDeleted)) seen_live++;
    entries.push_back(std::move(e));
  }
  if (seen_live != live || static_cast<int64_t>(entries.size()) != live + deleted) return false;
  return s->LoadNode(master, std::move(fields), entries);
}

bool RestoreStream(Reader& r, uint8_t type, Value* out) {
  *out = Value::Make(Type::kStream);
  Stream& s = out->stream();
  uint64_t nodes;
  if (!r.Length(&nodes)) return false;
  std::string key, lp;
  for (uint64_t i = 0; i < nodes; i++) {
    if (!r.String(&key) || key.size() != 16 || !r.String(&lp)) return false;
    if (!LoadStreamNode(GetStreamKey(key), lp, &s)) return false;
  }
  uint64_t length, added;
  StreamId last, first, max_deleted;
  if (!r.Length(&length) || !r.Length(&last.ms) || !r.Length(&last.seq)) return false;
  if (type == kTypeStreamListpacks2) {
    if (!r.Length(&first.ms) || !r.Length(&first.seq) || !r.Length(&max_deleted.ms) ||
        !r.Length(&max_deleted.seq) || !r.Length(&added)) {
      return false;
    }
  } else {
    // Before 7.0: every entry ever added is assumed still there.
    first = s.FirstLiveId().value_or(StreamId{0, 0});
    added = length;
  }
  if (!s.LoadCounters(length, last, first, max_deleted, added)) return false;
  uint64_t groups;
  if (!r.Length(&groups)) return false;
  std::string name;
  for (uint64_t i = 0; i < groups; i++) {
    StreamId glast;
    if (!r.String(&name) || !r.Length(&glast.ms) || !r.Length(&glast.seq)) return false;
    int64_t read;
    if (type == kTypeStreamListpacks2) {
      uint64_t v;
      if (!r.Length(&v)) return false;
      read = static_cast<int64_t>(v);
    } else {
      read = s.EstimateEntriesRead(glast);
    }
    StreamGroup* g = s.CreateGroup(name, glast, read);
    uint64_t pel;
    if (g == nullptr || !r.Length(&pel)) return false;
    std::string_view raw;
    for (uint64_t j = 0; j < pel; j++) {
      int64_t time;
      uint64_t count;
      if (!r.Bytes(16, &raw) || !GetMillis(r, &time) || !r.Length(&count)) return false;
      if (!g->pel.emplace(GetStreamKey(raw), StreamNack{time, count, nullptr}).second) return false;
    }
    uint64_t consumers;
    if (!r.Length(&consumers)) return false;
    for (uint64_t j = 0; j < consumers; j++) {
      int64_t seen;
      uint64_t owned;
      if (!r.String(&name) || !GetMillis(r, &seen) || !r.Length(&owned)) return false;
      engine::kv::StreamConsumer* c = g->CreateConsumer(name, seen);
      if (c == nullptr) return false;
      for (uint64_t k = 0; k < owned; k++) {
        if (!r.Bytes(16, &raw)) return false;
        auto it = g->pel.find(GetStreamKey(raw));
        // Every consumer PEL entry must be in the group PEL, owned once.
        if (it == g->pel.end() || it->second.consumer != nullptr) return false;
        it->second.consumer = c;
        c->pel.insert(it->first);
      }
    }
    for (const auto& [id, nack] : g->pel) {
      if (nack.consumer == nullptr) return false;
    }
  }
  return true;
}

bool DecodeValue(Reader& r, uint8_t type, Value* out) {
  std::string a, b;
  uint64_t n;
  switch (type) {
    case kTypeString:
      if (!r.String(&a)) return false;
      *out = Value(std::move(a));
      return true;
    case kTypeList:
    case kTypeSet:
      *out = Value::Make(type == kTypeList ? Type::kList : Type::kSet);
      if (!r.Length(&n)) return false;
      for (uint64_t i = 0; i < n; i++) {
        if (!r.String(&a)) return false;
        if (type == kTypeList) out->list().push_back(std::move(a));
        else out->set().insert(std::move(a));
      }
      return true;
    case kTypeHash:
      *out = Value::Make(Type::kHash);
      if (!r.Length(&n)) return false;
      for (uint64_t i = 0; i < n; i++) {
        if (!r.String(&a) || !r.String(&b)) return false;
        out->hash().insert_or_assign(std::move(a), std::move(b));
      }
      return true;
    case kTypeZSet:
    case kTypeZSet2:
      *out = Value::Make(Type::kZSet);
      if (!r.Length(&n)) return false;
      for (uint64_t i = 0; i < n; i++) {
        if (!r.String(&a)) return false;
        double score;
        if (type == kTypeZSet2) {
          std::string_view d;
          if (!r.Bytes(8, &d)) return false;
          memcpy(&score, d.data(), 8);
        } else {
          uint8_t len;
          std::string_view d;
          if (!r.Byte(&len)) return false;
          if (len == 253) score = NAN;
          else if (len == 254) score = INFINITY;
          else if (len == 255) score = -INFINITY;
          else if (!r.Bytes(len, &d) || !ParseDouble(d, &score)) return false;
        }
        out->zset().Insert(a, score);
      }
      return true;
    case kTypeSetIntset: {
      std::vector<std::string> items;
      if (!r.String(&a) || !DecodeIntset(a, &items)) return false;
      *out = Value::Make(Type::kSet);
      for (auto& s : items) out->set().insert(std::move(s));
      return true;
    }
    case kTypeHashListpack:
    case kTypeZSetListpack: {
      std::vector<std::string> items;
      if (!r.String(&a) || !DecodeListpack(a, &items) || items.size() % 2 != 0) return false;
      *out = Value::Make(type == kTypeHashListpack ? Type::kHash : Type::kZSet);
      for (size_t i = 0; i < items.size(); i += 2) {
        if (type == kTypeHashListpack) {
          out->hash().insert_or_assign(items[i], items[i + 1]);
        } else {
          double score;
          if (!ParseDouble(items[i + 1], &score)) return false;
          out->zset().Insert(items[i], score);
        }
      }
      return true;
    }
    case kTypeListQuicklist2: {
      *out = Value::Make(Type::kList);
      if (!r.Length(&n)) return false;
      for (uint64_t i = 0; i < n; i++) {
        uint64_t container;
        if (!r.Length(&container) || !r.String(&a)) return false;
        if (container == 1) {  // a plain node: one element
          out->list().push_back(a);
          continue;
        }
        std::vector<std::string> items;
        if (!DecodeListpack(a, &items)) return false;
        for (auto& s : items) out->list().push_back(std::move(s));
      }
      return true;
    }
    case kTypeStreamListpacks:
    case kTypeStreamListpacks2: return RestoreStream(r, type, out);
    default:
      return false;  // ziplist-era encodings are not read
  }
}

}  // namespace

// liblzf 3.6 as Redis builds it (HLOG 16, VERY_FAST, offsets in the hash
// table). The output must be byte-identical to Redis's, so the hash, the
// match search (including its unrolled first 16 bytes, which can run two
// bytes past maxlen) and the output limit checks follow the original step
// by step. Redis leaves the table uninitialized; a zeroed one is what it
// behaves as for the first use of every slot.
size_t LzfCompress(std::string_view input, size_t out_len, std::string* out) {
  constexpr size_t kMaxLit = 1 << 5;
  constexpr size_t kMaxOff = 1 << 13;
  constexpr unsigned kMaxRef = (1 << 8) + (1 << 3);
  const auto* in = reinterpret_cast<const uint8_t*>(input.data());
  const size_t in_len = input.size();
  if (in_len == 0 || out_len == 0) return 0;
  std::vector<uint32_t> htab(1 << 16, 0);
  auto slot = [&](uint32_t h) -> uint32_t& { return htab[((h >> 8) - h * 5) & 0xffff]; };
  std::string& o = *out;
  o.assign(out_len + 8, '\0');
  auto put = [&](size_t at, unsigned b) { o[at] = static_cast<char>(b & 0xff); };
  size_t ip = 0, op = 1;  // op starts past the first literal run's header
  size_t lit = 0;
  uint32_t hval = in_len >= 2 ? (static_cast<uint32_t>(in[0]) << 8) | in[1] : 0;
  while (ip + 2 < in_len) {
    hval = (hval << 8) | in[ip + 2];
    uint32_t& hs = slot(hval);
    size_t ref = hs;
    hs = static_cast<uint32_t>(ip);
    size_t off;
    if (ref < ip && (off = ip - ref - 1) < kMaxOff && ref > 0 && in[ref + 2] == in[ip + 2] && in[ref] == in[ip] &&
        in[ref + 1] == in[ip + 1]) {
      unsigned len = 2;
      unsigned maxlen = static_cast<unsigned>(in_len - ip - len);
      maxlen = maxlen > kMaxRef ? kMaxRef : maxlen;
      if (op + 3 + 1 >= out_len && op - (lit == 0 ? 1 : 0) + 3 + 1 >= out_len) return 0;
      put(op - lit - 1, static_cast<unsigned>(lit - 1));  // close the literal run
      if (lit == 0) op--;                                 // which was empty
      bool mismatch = false;
      if (maxlen > 16) {
        for (int k = 0; k < 16 && !mismatch; k++) {
          len++;
          mismatch = in[ref + len] != in[ip + len];
        }
      }
      if (!mismatch) {
        do {
          len++;
        } while (len < maxlen && in[ref + len] == in[ip + len]);
      }
      len -= 2;  // now the match length minus one
      ip++;
      if (len < 7) {
        put(op++, static_cast<unsigned>((off >> 8) + (len << 5)));
      } else {
        put(op++, static_cast<unsigned>((off >> 8) + (7 << 5)));
        put(op++, len - 7);
      }
      put(op++, static_cast<unsigned>(off));
      lit = 0;
      op++;
      ip += len + 1;
      if (ip + 2 >= in_len) break;
      ip -= 2;
      hval = (static_cast<uint32_t>(in[ip]) << 8) | in[ip + 1];
      for (int k = 0; k < 2; k++) {
        hval = (hval << 8) | in[ip + 2];
        slot(hval) = static_cast<uint32_t>(ip);
        ip++;
      }
    } else {
      if (op >= out_len) return 0;
      lit++;
      put(op++, in[ip++]);
      if (lit == kMaxLit) {
        put(op - lit - 1, static_cast<unsigned>(lit - 1));
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > out_len) return 0;
  while (ip < in_len) {
    lit++;
    put(op++, in[ip++]);
    if (lit == kMaxLit) {
      put(op - lit - 1, static_cast<unsigned>(lit - 1));
      lit = 0;
      op++;
    }
  }
  put(op - lit - 1, static_cast<unsigned>(lit - 1));
  if (lit == 0) op--;
  o.resize(op);
  return op;
}

uint64_t Crc64(uint64_t crc, std::string_view data) {
  static const auto* table = [] {
    auto* t = new uint64_t[256];
    const uint64_t poly = 0x95ac9329ac4bc9b5ull;  // 0xad93d23594c935a9 reflected
    for (uint64_t i = 0; i < 256; i++) {
      uint64_t c = i;
      for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  for (char ch : data) crc = table[(crc ^ static_cast<uint8_t>(ch)) & 0xff] ^ (crc >> 8);
  return crc;
}

namespace {

// The 2-byte RDB version and the CRC64 of everything before it.
void AppendFooter(std::string* out) {
  out->push_back(static_cast<char>(kRdbVersion & 0xff));
  out->push_back(static_cast<char>(kRdbVersion >> 8));
  uint64_t crc = Crc64(0, *out);
  for (int i = 0; i < 8; i++) out->push_back(static_cast<char>((crc >> (i * 8)) & 0xff));
}

Status CheckFooter(std::string_view payload, std::string_view* body) {
  if (payload.size() < 10) return Status::InvalidArgument("version or checksum");
  std::string_view footer = payload.substr(payload.size() - 10);
  uint16_t version = static_cast<uint8_t>(footer[0]) | (static_cast<uint8_t>(footer[1]) << 8);
  uint64_t crc = 0;
  for (int i = 7; i >= 0; i--) crc = (crc << 8) | static_cast<uint8_t>(footer[2 + i]);
  if (version > kRdbVersion || Crc64(0, payload.substr(0, payload.size() - 8)) != crc) {
    return Status::InvalidArgument("version or checksum");
  }
  *body = payload.substr(0, payload.size() - 10);
  return Status::Ok();
}

constexpr uint8_t kOpcodeFunction2 = 245;  // RDB_OPCODE_FUNCTION2

}  // namespace

std::string DumpFunctions(const std::vector<std::string>& codes) {
  std::string out;
  for (const auto& code : codes) {
    out.push_back(static_cast<char>(kOpcodeFunction2));
    PutRawString(&out, code);  // rdbSaveRawString: LZF past 20 bytes, as redis-server
  }
  AppendFooter(&out);
  return out;
}

Status RestoreFunctions(std::string_view payload, std::vector<std::string>* codes) {
  std::string_view body;
  RETURN_IF_ERROR(CheckFooter(payload, &body));
  Reader r(body);
  codes->clear();
  while (!r.empty()) {
    uint8_t op;
    if (!r.Byte(&op)) return Status::Corruption("bad data");
    if (op != kOpcodeFunction2) return Status::NotFound("given type is not a function");
    std::string code;
    if (!r.String(&code)) return Status::Corruption("bad data");
    codes->push_back(std::move(code));
  }
  return Status::Ok();
}

std::string Dump(const Value& v) {
  std::string out;
  switch (v.type()) {
    case Type::kString:
      out.push_back(kTypeString);
      PutRawString(&out, v.str());
      break;
    case Type::kList:
      out.push_back(kTypeList);
      PutLength(&out, v.list().size());
      for (const auto& e : v.list()) PutString(&out, e);
      break;
    case Type::kSet:
      out.push_back(kTypeSet);
      PutLength(&out, v.set().size());
      for (const auto& e : v.set()) PutString(&out, e);
      break;
    case Type::kHash:
      out.push_back(kTypeHash);
      PutLength(&out, v.hash().size());
      for (const auto& [f, val] : v.hash()) {
        PutString(&out, f);
        PutString(&out, val);
      }
      break;
    case Type::kZSet:
      out.push_back(kTypeZSet2);
      PutLength(&out, v.zset().size());
      v.zset().ForEach([&](const std::string& m, double s) {
        PutString(&out, m);
        char b[8];
        memcpy(b, &s, 8);
        out.append(b, 8);
      });
      break;
    case Type::kStream: DumpStream(v.stream(), &out); break;
  }
  AppendFooter(&out);
  return out;
}

Status Restore(std::string_view payload, Value* out) {
  std::string_view body;
  RETURN_IF_ERROR(CheckFooter(payload, &body));
  Reader r(body);
  uint8_t type;
  if (!r.Byte(&type) || !DecodeValue(r, type, out) || !r.empty()) return Status::Corruption("bad data");
  // An empty collection is invalid, except a stream (emptied, or made by MKSTREAM).
  if (!out->IsString() && out->type() != Type::kStream && out->Size() == 0) return Status::Corruption("bad data");
  return Status::Ok();
}

}  // namespace lumadb::protocol::resp::rdb

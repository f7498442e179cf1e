#include "engine/sql/storage/row_codec.h"

#include <algorithm>

#include "engine/sql/types/enums.h"
#include "engine/sql/types/interval.h"
#include "engine/sql/types/numeric.h"
#include "storage/key_codec.h"

namespace lumadb::engine::sql {

void EncodeValue(const Value& v, std::string* out) {
  storage::AppendU8(out, static_cast<uint8_t>(v.type.id));
  storage::AppendVarint(out, PackTypeLength(v.type));
  storage::AppendU8(out, v.null ? 1 : 0);
  if (v.null) return;
  switch (PhysicalOf(v.type.id)) {
    case Physical::kInt: storage::AppendVarint(out, (static_cast<uint64_t>(v.i) << 1) ^ static_cast<uint64_t>(v.i >> 63)); break;
    case Physical::kFloat: storage::AppendDouble(out, v.f); break;
    case Physical::kString: storage::AppendLengthPrefixed(out, v.s); break;
  }
}

namespace {

// The decoders below run for every column of every row a scan reads: they
// are written out here (one-byte varints first) instead of calling the
// general codec functions.
inline bool ReadVarint(std::string_view* in, uint64_t* v) {
  if (!in->empty() && static_cast<uint8_t>((*in)[0]) < 0x80) {
    *v = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    return true;
  }
  return storage::ConsumeVarint(in, v);
}

// One value; `want` = false skips its bytes and leaves a NULL of its type.
inline bool DecodeOne(std::string_view* in, Value* v, bool want) {
  if (in->empty()) return false;
  uint8_t id = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  uint64_t len;
  if (!ReadVarint(in, &len) || in->empty()) return false;
  bool null = (*in)[0] != 0;
  in->remove_prefix(1);
  if (id > static_cast<uint8_t>(kLastTypeId)) return false;
  v->type = UnpackType(id, len);
  v->null = null || !want;
  // A reused Value keeps nothing of the one before it (its buffer aside).
  v->i = 0;
  v->f = 0;
  v->s.clear();
  if (null) return true;
  switch (PhysicalOf(v->type.id)) {
    case Physical::kInt: {
      uint64_t z;
      if (!ReadVarint(in, &z)) return false;
      if (want) v->i = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
      return true;
    }
    case Physical::kFloat:
      if (!want) {
        if (in->size() < 8) return false;
        in->remove_prefix(8);
        return true;
      }
      return storage::ConsumeDouble(in, &v->f);
    case Physical::kString: {
      uint64_t n;
      if (!ReadVarint(in, &n) || n > in->size()) return false;
      std::string_view s = in->substr(0, n);
      in->remove_prefix(n);
      if (!want) return true;
      v->s.assign(s.data(), s.size());  // reuses the Value's buffer
      if (v->type.id == TypeId::kEnum) {
        // The label's sort order, from the enum as it is now (labels keep their orders).
        auto e = FindEnum(static_cast<uint32_t>(v->type.length));
        int i = e ? e->Find(v->s) : -1;
        v->f = i >= 0 ? e->orders[static_cast<size_t>(i)] : 0;
      }
      return true;
    }
  }
  return false;
}

}  // namespace

bool DecodeValue(std::string_view* in, Value* v) { return DecodeOne(in, v, true); }

std::string EncodeRow(const std::vector<Value>& row) {
  std::string out;
  storage::AppendVarint(&out, row.size());
  for (const auto& v : row) EncodeValue(v, &out);
  return out;
}

bool DecodeRow(std::string_view in, std::vector<Value>* row, const std::vector<bool>* columns) {
  uint64_t n;
  if (!ReadVarint(&in, &n) || n > in.size()) return false;
  row->resize(n);
  // Past the last wanted column nothing is read: those values stay NULL.
  uint64_t last = n;
  if (columns != nullptr) {
    last = std::min<uint64_t>(n, columns->size());
    while (last > 0 && !(*columns)[last - 1]) last--;
  }
  for (uint64_t i = 0; i < last; i++) {
    bool want = columns == nullptr || (*columns)[i];
    if (!DecodeOne(&in, &(*row)[i], want)) return false;
  }
  for (uint64_t i = last; i < n; i++) {
    Value& v = (*row)[i];
    v.null = true;
    v.i = 0;
    v.f = 0;
    v.s.clear();
  }
  return true;
}

namespace {
// Equal numerics (1.5, 1.50) and intervals ('1 day', '24 hours') get equal key bytes.
std::string KeyText(const Value& v) {
  if (v.type.id == TypeId::kInterval) return datetime::SpanKey(datetime::DecodeInterval(v.s));
  auto d = numeric::Parse(v.s);
  return d.ok() ? numeric::CanonicalText(d.value()) : v.s;
}
}  // namespace

void AppendIndexValue(const Value& v, std::string* out) {
  if (v.null) {
    storage::AppendU8(out, 2);
    return;
  }
  storage::AppendU8(out, 1);
  if (v.type.id == TypeId::kNumeric || v.type.id == TypeId::kInterval) {
    storage::AppendEscaped(out, KeyText(v));
    return;
  }
  if (v.type.id == TypeId::kEnum) {
    storage::AppendDouble(out, v.f);  // enum values order (and are equal) by their sort order
    return;
  }
  switch (PhysicalOf(v.type.id)) {
    case Physical::kInt: storage::AppendI64(out, v.i); break;
    case Physical::kFloat: storage::AppendDouble(out, v.f == 0 ? 0.0 : v.f); break;  // -0 = 0
    case Physical::kString: storage::AppendEscaped(out, v.s); break;
  }
}

std::string KeyDetail(const Table& t, const std::vector<int>& columns, const std::vector<Value>& row) {
  std::string cols, vals;
  for (size_t i = 0; i < columns.size(); i++) {
    if (i) {
      cols += ", ";
      vals += ", ";
    }
    cols += t.columns[columns[i]].name;
    if (row[columns[i]].null) {
      vals += "null";
    } else {
      AppendText(row[columns[i]], &vals);
    }
  }
  return "Key (" + cols + ")=(" + vals + ")";
}

size_t RowPrefixSize() { return keys::RowPrefix(0).size(); }

std::string IndexValuesKey(const Table& t, const Index& index, const std::vector<Value>& row) {
  std::string k = keys::IndexPrefix(t.relfile, index.oid);
  for (int c : index.columns) AppendIndexValue(row[c], &k);
  return k;
}

std::string IndexEntryKey(const Table& t, const Index& index, const std::vector<Value>& row,
                          std::string_view row_key) {
  std::string k = IndexValuesKey(t, index, row);
  k.append(row_key.substr(RowPrefixSize()));
  return k;
}

std::string RowKey(const Table& t, const std::vector<Value>& row, uint64_t rowid) {
  std::string k = keys::RowPrefix(t.relfile);
  if (t.primary_key.empty()) {
    storage::AppendU64(&k, rowid);
    return k;
  }
  for (int c : t.primary_key) {
    const Value& v = row[c];
    if (v.type.id == TypeId::kNumeric || v.type.id == TypeId::kInterval) {
      storage::AppendEscaped(&k, KeyText(v));
      continue;
    }
    if (v.type.id == TypeId::kEnum) {
      storage::AppendDouble(&k, v.f);
      continue;
    }
    switch (PhysicalOf(v.type.id)) {
      case Physical::kInt: storage::AppendI64(&k, v.i); break;
      case Physical::kFloat: storage::AppendDouble(&k, v.f); break;
      case Physical::kString: storage::AppendEscaped(&k, v.s); break;
    }
  }
  return k;
}

}  // namespace lumadb::engine::sql

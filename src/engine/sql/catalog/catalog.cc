#include "engine/sql/catalog/catalog.h"

#include <algorithm>

#include "engine/sql/storage/row_codec.h"
#include "storage/key_codec.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::sql {

using storage::Cf;

namespace keys {
namespace {
// A catalog entry's key: 0x01, its kind's letter, the object's OID.
std::string Meta(char kind, uint32_t oid) {
  std::string k{'\x01', kind};
  storage::AppendU32(&k, oid);
  return k;
}
}  // namespace

std::string TableDef(uint32_t oid) { return Meta('T', oid); }
std::string RowIdMark(uint32_t oid) { return Meta('R', oid); }
std::string SerialMark(uint32_t oid, int attnum) {
  std::string k = Meta('Q', oid);
  storage::AppendU32(&k, static_cast<uint32_t>(attnum - 1));
  return k;
}
std::string RowPrefix(uint32_t oid) {
  std::string k("\x02", 1);
  storage::AppendU32(&k, oid);
  return k;
}
std::string IndexPrefix(uint32_t relfile, uint32_t index_oid) {
  std::string k("\x03", 1);
  storage::AppendU32(&k, relfile);
  storage::AppendU32(&k, index_oid);
  return k;
}
void DeleteRelfile(storage::WriteBatch* batch, uint32_t relfile) {
  std::string rows = RowPrefix(relfile);
  batch->DeleteRange(Cf::kSql, rows, storage::PrefixSuccessor(rows));
  std::string index("\x03", 1);
  storage::AppendU32(&index, relfile);
  batch->DeleteRange(Cf::kSql, index, storage::PrefixSuccessor(index));
}
std::string NextOid() { return std::string("\x01O", 2); }
std::string SequenceDef(uint32_t oid) { return Meta('S', oid); }
std::string SequenceValue(uint32_t oid) { return Meta('V', oid); }
std::string EnumDef(uint32_t oid) { return Meta('E', oid); }
std::string CommentKey(uint32_t oid, int subid) {
  std::string k = Meta('C', oid);
  storage::AppendU32(&k, static_cast<uint32_t>(subid));
  return k;
}
std::string RewriteMark(uint32_t relfile) { return Meta('W', relfile); }
}  // namespace keys

int Table::FindColumn(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); i++) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

const Check* Table::FindCheck(std::string_view check) const {
  for (const auto& c : checks) {
    if (c.name == check) return &c;
  }
  return nullptr;
}

const ForeignKey* Table::FindForeignKey(std::string_view name) const {
  for (const auto& f : foreign_keys) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

int Table::ColumnByAttnum(int attnum) const {
  for (size_t i = 0; i < columns.size(); i++) {
    if (columns[i].attnum == attnum) return static_cast<int>(i);
  }
  return -1;
}

const Index* Table::FindIndex(std::string_view index) const {
  for (const auto& i : indexes) {
    if (i.name == index) return &i;
  }
  return nullptr;
}

namespace {

constexpr uint64_t kRowIdBlock = 1024;
constexpr uint64_t kSerialBlock = 32;  // PostgreSQL's SEQ_LOG_VALS

// Version byte, then the definition (version 1 had no relfile: it was the
// OID; version 2 had no indexes; version 3 no default texts and checks).
std::string EncodeTable(const Table& t) {
  std::string out;
  storage::AppendU8(&out, 4);
  storage::AppendU32(&out, t.oid);
  storage::AppendU32(&out, t.relfile);
  storage::AppendLengthPrefixed(&out, t.schema);
  storage::AppendLengthPrefixed(&out, t.name);
  storage::AppendVarint(&out, t.columns.size());
  for (const auto& c : t.columns) {
    storage::AppendLengthPrefixed(&out, c.name);
    storage::AppendU8(&out, static_cast<uint8_t>(c.type.id));
    storage::AppendVarint(&out, PackTypeLength(c.type));
    storage::AppendU8(&out, (c.not_null ? 1 : 0) | (c.has_default ? 2 : 0) | (c.identity == 'd' ? 4 : 0) |
                                (c.identity == 'a' ? 8 : 0) | (c.serial ? 16 : 0));
    if (c.has_default) EncodeValue(c.default_value, &out);
  }
  storage::AppendVarint(&out, t.primary_key.size());
  for (int k : t.primary_key) storage::AppendVarint(&out, static_cast<uint64_t>(k));
  storage::AppendVarint(&out, t.indexes.size());
  for (const auto& i : t.indexes) {
    storage::AppendU32(&out, i.oid);
    storage::AppendLengthPrefixed(&out, i.name);
    storage::AppendU8(&out, (i.unique ? 1 : 0) | (i.constraint ? 2 : 0));
    storage::AppendVarint(&out, i.columns.size());
    for (int c : i.columns) storage::AppendVarint(&out, static_cast<uint64_t>(c));
  }
  for (const auto& c : t.columns) {
    storage::AppendLengthPrefixed(&out, c.default_sql);
    storage::AppendU8(&out, c.default_per_row ? 1 : 0);
    storage::AppendVarint(&out, static_cast<uint64_t>(c.attnum));
  }
  storage::AppendVarint(&out, t.checks.size());
  for (const auto& c : t.checks) {
    storage::AppendLengthPrefixed(&out, c.name);
    storage::AppendLengthPrefixed(&out, c.sql);
  }
  storage::AppendLengthPrefixed(&out, t.primary_key_name);
  storage::AppendVarint(&out, t.foreign_keys.size());
  for (const auto& f : t.foreign_keys) {
    storage::AppendLengthPrefixed(&out, f.name);
    storage::AppendU32(&out, f.ref_table);
    storage::AppendU8(&out, static_cast<uint8_t>(f.on_update));
    storage::AppendU8(&out, static_cast<uint8_t>(f.on_delete));
    storage::AppendU8(&out, static_cast<uint8_t>(f.match));
    storage::AppendVarint(&out, f.columns.size());
    for (size_t i = 0; i < f.columns.size(); i++) {
      storage::AppendVarint(&out, static_cast<uint64_t>(f.columns[i]));
      storage::AppendVarint(&out, static_cast<uint64_t>(f.ref_attnums[i]));
    }
  }
  storage::AppendLengthPrefixed(&out, t.view_sql);
  storage::AppendU32(&out, t.primary_key_oid);
  return out;
}

bool DecodeTable(std::string_view in, Table* t) {
  uint8_t version;
  std::string_view s;
  uint64_t n;
  if (!storage::ConsumeU8(&in, &version) || version < 1 || version > 4) return false;
  if (!storage::ConsumeU32(&in, &t->oid)) return false;
  t->relfile = t->oid;
  if (version >= 2 && !storage::ConsumeU32(&in, &t->relfile)) return false;
  if (!storage::ConsumeLengthPrefixed(&in, &s)) return false;
  t->schema = std::string(s);
  if (!storage::ConsumeLengthPrefixed(&in, &s)) return false;
  t->name = std::string(s);
  if (!storage::ConsumeVarint(&in, &n)) return false;
  for (uint64_t i = 0; i < n; i++) {
    Column c;
    uint8_t id, flags;
    uint64_t len;
    if (!storage::ConsumeLengthPrefixed(&in, &s) || !storage::ConsumeU8(&in, &id) ||
        !storage::ConsumeVarint(&in, &len) || !storage::ConsumeU8(&in, &flags)) {
      return false;
    }
    c.name = std::string(s);
    c.type = UnpackType(id, len);
    c.not_null = flags & 1;
    c.has_default = flags & 2;
    c.identity = (flags & 4) ? 'd' : (flags & 8) ? 'a' : 0;
    c.serial = (flags & 16) != 0;
    if (c.has_default && !DecodeValue(&in, &c.default_value)) return false;
    t->columns.push_back(std::move(c));
  }
  if (!storage::ConsumeVarint(&in, &n)) return false;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t k;
    if (!storage::ConsumeVarint(&in, &k) || k >= t->columns.size()) return false;
    t->primary_key.push_back(static_cast<int>(k));
  }
  if (version < 3) return true;
  if (!storage::ConsumeVarint(&in, &n)) return false;
  for (uint64_t i = 0; i < n; i++) {
    Index x;
    uint8_t flags;
    uint64_t cols;
    if (!storage::ConsumeU32(&in, &x.oid) || !storage::ConsumeLengthPrefixed(&in, &s) ||
        !storage::ConsumeU8(&in, &flags) || !storage::ConsumeVarint(&in, &cols) || cols > t->columns.size()) {
      return false;
    }
    x.name = std::string(s);
    x.unique = flags & 1;
    x.constraint = flags & 2;
    for (uint64_t c = 0; c < cols; c++) {
      uint64_t k;
      if (!storage::ConsumeVarint(&in, &k) || k >= t->columns.size()) return false;
      x.columns.push_back(static_cast<int>(k));
    }
    t->indexes.push_back(std::move(x));
  }
  for (size_t i = 0; i < t->columns.size(); i++) t->columns[i].attnum = static_cast<int>(i) + 1;
  if (version < 4) return true;
  for (auto& c : t->columns) {
    uint8_t per_row;
    uint64_t attnum;
    if (!storage::ConsumeLengthPrefixed(&in, &s) || !storage::ConsumeU8(&in, &per_row) ||
        !storage::ConsumeVarint(&in, &attnum) || attnum == 0 || attnum > 1600000) {
      return false;
    }
    c.default_sql = std::string(s);
    c.default_per_row = per_row & 1;
    c.attnum = static_cast<int>(attnum);
  }
  if (!storage::ConsumeVarint(&in, &n)) return false;
  for (uint64_t i = 0; i < n; i++) {
    Check c;
    if (!storage::ConsumeLengthPrefixed(&in, &s)) return false;
    c.name = std::string(s);
    if (!storage::ConsumeLengthPrefixed(&in, &s)) return false;
    c.sql = std::string(s);
    t->checks.push_back(std::move(c));
  }
  if (!storage::ConsumeLengthPrefixed(&in, &s)) return false;
  t->primary_key_name = std::string(s);
  if (!storage::ConsumeVarint(&in, &n)) return false;
  for (uint64_t i = 0; i < n; i++) {
    ForeignKey f;
    uint8_t upd, del, match;
    uint64_t cols;
    if (!storage::ConsumeLengthPrefixed(&in, &s) || !storage::ConsumeU32(&in, &f.ref_table) ||
        !storage::ConsumeU8(&in, &upd) || !storage::ConsumeU8(&in, &del) || !storage::ConsumeU8(&in, &match) ||
        !storage::ConsumeVarint(&in, &cols) || cols > t->columns.size()) {
      return false;
    }
    f.name = std::string(s);
    f.on_update = static_cast<char>(upd);
    f.on_delete = static_cast<char>(del);
    f.match = static_cast<char>(match);
    for (uint64_t c = 0; c < cols; c++) {
      uint64_t col, attnum;
      if (!storage::ConsumeVarint(&in, &col) || col >= t->columns.size() || !storage::ConsumeVarint(&in, &attnum)) {
        return false;
      }
      f.columns.push_back(static_cast<int>(col));
      f.ref_attnums.push_back(static_cast<int>(attnum));
    }
    t->foreign_keys.push_back(std::move(f));
  }
  if (!storage::ConsumeLengthPrefixed(&in, &s)) return false;
  t->view_sql = std::string(s);
  if (!in.empty() && !storage::ConsumeU32(&in, &t->primary_key_oid)) return false;
  return true;
}

SqlError StorageError(const Status& st) {
  return MakeError(sqlstate::kIoError, "could not write to storage: " + st.message());
}

std::string EncodeEnum(const EnumType& e) {
  std::string out;
  storage::AppendU8(&out, 1);
  storage::AppendU32(&out, e.oid);
  storage::AppendLengthPrefixed(&out, e.name);
  storage::AppendVarint(&out, e.labels.size());
  for (size_t i = 0; i < e.labels.size(); i++) {
    storage::AppendLengthPrefixed(&out, e.labels[i]);
    storage::AppendDouble(&out, e.orders[i]);
  }
  return out;
}

bool DecodeEnum(std::string_view in, EnumType* e) {
  uint8_t version;
  std::string_view s;
  uint64_t n;
  if (!storage::ConsumeU8(&in, &version) || version != 1 || !storage::ConsumeU32(&in, &e->oid) ||
      !storage::ConsumeLengthPrefixed(&in, &s) || !storage::ConsumeVarint(&in, &n) || n > in.size()) {
    return false;
  }
  e->name = std::string(s);
  for (uint64_t i = 0; i < n; i++) {
    double order;
    if (!storage::ConsumeLengthPrefixed(&in, &s) || !storage::ConsumeDouble(&in, &order)) return false;
    e->labels.emplace_back(s);
    e->orders.push_back(static_cast<float>(order));
  }
  return true;
}

std::string EncodeSequence(const Sequence& q) {
  std::string out;
  storage::AppendU8(&out, 1);
  storage::AppendU32(&out, q.oid);
  storage::AppendLengthPrefixed(&out, q.name);
  storage::AppendU8(&out, static_cast<uint8_t>(q.type));
  for (int64_t v : {q.increment, q.min_value, q.max_value, q.start}) storage::AppendU64(&out, static_cast<uint64_t>(v));
  storage::AppendU8(&out, q.cycle ? 1 : 0);
  storage::AppendLengthPrefixed(&out, q.owned_by);
  return out;
}

bool DecodeSequence(std::string_view in, Sequence* q) {
  uint8_t version, type, cycle;
  std::string_view s;
  uint64_t v[4];
  if (!storage::ConsumeU8(&in, &version) || version != 1 || !storage::ConsumeU32(&in, &q->oid) ||
      !storage::ConsumeLengthPrefixed(&in, &s)) {
    return false;
  }
  q->name = std::string(s);
  if (!storage::ConsumeU8(&in, &type)) return false;
  q->type = static_cast<TypeId>(type);
  for (auto& x : v) {
    if (!storage::ConsumeU64(&in, &x)) return false;
  }
  q->increment = static_cast<int64_t>(v[0]);
  q->min_value = static_cast<int64_t>(v[1]);
  q->max_value = static_cast<int64_t>(v[2]);
  q->start = static_cast<int64_t>(v[3]);
  if (!storage::ConsumeU8(&in, &cycle) || !storage::ConsumeLengthPrefixed(&in, &s)) return false;
  q->cycle = cycle != 0;
  q->owned_by = std::string(s);
  return true;
}

std::string EncodeSequenceValue(int64_t last, bool called) {
  std::string out;
  storage::AppendU64(&out, static_cast<uint64_t>(last));
  storage::AppendU8(&out, called ? 1 : 0);
  return out;
}

// New columns of `t` (attnum 0) get the attnums after every column `old` had.
void AssignAttnums(const Table& old, Table* t) {
  int next = 1;
  for (const auto& c : old.columns) next = std::max(next, c.attnum + 1);
  for (const auto& c : t->columns) next = std::max(next, c.attnum + 1);
  for (auto& c : t->columns) {
    if (c.attnum == 0) c.attnum = next++;
  }
}

}  // namespace

SqlStatus Catalog::Load() {
  std::lock_guard<std::mutex> g(mu_);
  std::string bad;
  std::vector<uint32_t> unfinished;  // rewrites a crash interrupted
  std::vector<std::pair<uint32_t, std::pair<int64_t, bool>>> sequence_values;
  Status st = store_->ScanPrefix(Cf::kSql, std::string("\x01", 1), [&](std::string_view k, std::string_view v) {
    if (k.size() < 2) return true;
    std::string_view rest = k.substr(2);
    uint32_t oid = 0;
    if (k[1] == 'T') {
      auto t = std::make_shared<Table>();
      if (!DecodeTable(v, t.get())) {
        bad = "table definition";
        return false;
      }
      if (t->oid >= next_oid_) next_oid_ = t->oid + 1;
      for (const auto& i : t->indexes) next_oid_ = std::max(next_oid_, i.oid + 1);
      next_oid_ = std::max(next_oid_, t->primary_key_oid + 1);
      tables_[t->name] = std::move(t);
    } else if (k[1] == 'R' && storage::ConsumeU32(&rest, &oid)) {
      uint64_t mark = 0;
      if (!storage::ConsumeU64(&v, &mark)) {
        bad = "row id mark";
        return false;
      }
      // Ids below the mark may have been used; continue at the next block
      // boundary so the next id writes a new mark.
      next_rowid_[oid] = (mark + kRowIdBlock - 1) / kRowIdBlock * kRowIdBlock;
    } else if (k[1] == 'Q' && storage::ConsumeU32(&rest, &oid)) {
      uint32_t column = 0;
      uint64_t mark = 0;
      if (!storage::ConsumeU32(&rest, &column) || !storage::ConsumeU64(&v, &mark)) {
        bad = "serial mark";
        return false;
      }
      next_serial_[{oid, static_cast<int>(column) + 1}] = mark;
    } else if (k[1] == 'S') {
      auto q = std::make_shared<Sequence>();
      if (!DecodeSequence(v, q.get())) {
        bad = "sequence definition";
        return false;
      }
      next_oid_ = std::max(next_oid_, q->oid + 1);
      SequenceState& state = sequences_[q->name];
      state.def = std::move(q);
      if (!state.called) state.last = state.def->start;
    } else if (k[1] == 'V' && storage::ConsumeU32(&rest, &oid)) {
      uint64_t last = 0;
      uint8_t called = 0;
      if (!storage::ConsumeU64(&v, &last) || !storage::ConsumeU8(&v, &called)) {
        bad = "sequence value";
        return false;
      }
      sequence_values.emplace_back(oid, std::make_pair(static_cast<int64_t>(last), called != 0));
    } else if (k[1] == 'C' && storage::ConsumeU32(&rest, &oid)) {
      uint32_t subid = 0;
      if (!storage::ConsumeU32(&rest, &subid)) {
        bad = "comment";
        return false;
      }
      comments_[{oid, static_cast<int>(subid)}] = std::string(v);
    } else if (k[1] == 'E') {
      auto e = std::make_shared<EnumType>();
      if (!DecodeEnum(v, e.get())) {
        bad = "enum type definition";
        return false;
      }
      next_oid_ = std::max(next_oid_, e->oid + 1);
      RegisterEnum(e);
      enums_[e->name] = std::move(e);
    } else if (k[1] == 'W' && storage::ConsumeU32(&rest, &oid)) {
      unfinished.push_back(oid);
    } else if (k[1] == 'O') {
      uint32_t next = 0;
      if (storage::ConsumeU32(&v, &next) && next > next_oid_) next_oid_ = next;
    }
    return true;
  });
  if (!st.ok()) return StorageError(st);
  if (!bad.empty()) return MakeError(sqlstate::kInternalError, "corrupt " + bad + " in the SQL catalog");
  IndexReferencesLocked();
  // Tables from before primary keys had an index OID get one, kept from now on.
  storage::WriteBatch pk_batch;
  for (auto& [_, t] : tables_) {
    if (t->primary_key.empty() || t->primary_key_oid != 0) continue;
    auto copy = std::make_shared<Table>(*t);
    copy->primary_key_oid = next_oid_++;
    pk_batch.Put(Cf::kSql, keys::TableDef(copy->oid), EncodeTable(*copy));
    t = std::move(copy);
  }
  if (pk_batch.Count() > 0) {
    std::string next;
    storage::AppendU32(&next, next_oid_);
    pk_batch.Put(Cf::kSql, keys::NextOid(), next);
    st = store_->Write(&pk_batch, /*sync=*/true);
    if (!st.ok()) return StorageError(st);
    IndexReferencesLocked();
  }
  for (const auto& [oid, value] : sequence_values) {
    for (auto& [_, state] : sequences_) {
      if (state.def->oid != oid) continue;
      state.last = value.first;
      state.called = value.second;
    }
  }
  if (!unfinished.empty()) {
    storage::WriteBatch batch;
    for (uint32_t relfile : unfinished) {
      keys::DeleteRelfile(&batch, relfile);
      batch.Delete(Cf::kSql, keys::RewriteMark(relfile));
    }
    st = store_->Write(&batch, /*sync=*/true);
    if (!st.ok()) return StorageError(st);
  }
  return SqlStatus::Ok();
}

std::shared_ptr<const Table> Catalog::Find(std::string_view name) const {
  std::lock_guard<std::mutex> g(mu_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

std::shared_ptr<const Table> Catalog::FindOid(uint32_t oid) const {
  std::lock_guard<std::mutex> g(mu_);
  for (const auto& [_, t] : tables_) {
    if (t->oid == oid) return t;
  }
  return nullptr;
}

std::vector<std::shared_ptr<const Table>> Catalog::Tables() const {
  std::lock_guard<std::mutex> g(mu_);
  std::vector<std::shared_ptr<const Table>> out;
  for (const auto& [_, t] : tables_) out.push_back(t);
  return out;
}

std::vector<std::pair<std::shared_ptr<const Table>, size_t>> Catalog::ReferencingKeys(uint32_t oid) const {
  std::lock_guard<std::mutex> g(mu_);
  auto it = referenced_.find(oid);
  if (it == referenced_.end()) return {};
  return it->second;
}

bool Catalog::IsReferenced(uint32_t oid) const {
  std::lock_guard<std::mutex> g(mu_);
  return referenced_.count(oid) > 0;
}

void Catalog::IndexReferencesLocked() {
  referenced_.clear();
  for (const auto& [_, t] : tables_) {
    for (size_t i = 0; i < t->foreign_keys.size(); i++) referenced_[t->foreign_keys[i].ref_table].emplace_back(t, i);
  }
}

std::shared_ptr<const Table> Catalog::FindIndexTable(std::string_view name) const {
  std::lock_guard<std::mutex> g(mu_);
  for (const auto& [_, t] : tables_) {
    if (t->FindIndex(name) != nullptr) return t;
  }
  return nullptr;
}

bool Catalog::RelationExists(std::string_view name) const {
  if (Find(name) != nullptr || FindSequence(name) != nullptr) return true;
  return FindIndexTable(name) != nullptr;
}

Catalog::~Catalog() {
  for (const auto& [name, e] : enums_) UnregisterEnum(e.get());
}

SqlStatus Catalog::CreateEnum(EnumType e) {
  if (FindEnumType(e.name) != nullptr || Find(e.name) != nullptr) {
    return MakeError(sqlstate::kDuplicateObject, "type \"" + e.name + "\" already exists");
  }
  std::lock_guard<std::mutex> g(mu_);
  e.oid = next_oid_++;
  storage::WriteBatch batch;
  std::string next;
  storage::AppendU32(&next, next_oid_);
  batch.Put(Cf::kSql, keys::NextOid(), next);
  return PutEnum(std::move(e), &batch);
}

SqlStatus Catalog::ReplaceEnum(EnumType e) {
  std::lock_guard<std::mutex> g(mu_);
  storage::WriteBatch batch;
  return PutEnum(std::move(e), &batch);
}

SqlStatus Catalog::PutEnum(EnumType e, storage::WriteBatch* batch) {
  batch->Put(Cf::kSql, keys::EnumDef(e.oid), EncodeEnum(e));
  Status st = store_->Write(batch, /*sync=*/true);
  if (!st.ok()) return StorageError(st);
  auto def = std::make_shared<const EnumType>(std::move(e));
  RegisterEnum(def);
  enums_[def->name] = std::move(def);
  return SqlStatus::Ok();
}

SqlStatus Catalog::DropEnum(const std::string& name) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = enums_.find(name);
  if (it == enums_.end()) return MakeError(sqlstate::kUndefinedObject, "type \"" + name + "\" does not exist");
  storage::WriteBatch batch;
  batch.Delete(Cf::kSql, keys::EnumDef(it->second->oid));
  Status st = store_->Write(&batch, /*sync=*/true);
  if (!st.ok()) return StorageError(st);
  UnregisterEnum(it->second.get());
  enums_.erase(it);
  return SqlStatus::Ok();
}

SqlStatus Catalog::SetComment(uint32_t oid, int subid, std::optional<std::string> text) {
  std::lock_guard<std::mutex> g(mu_);
  storage::WriteBatch batch;
  if (text) {
    batch.Put(Cf::kSql, keys::CommentKey(oid, subid), *text);
  } else {
    batch.Delete(Cf::kSql, keys::CommentKey(oid, subid));
  }
  Status st = store_->Write(&batch, /*sync=*/true);
  if (!st.ok()) return StorageError(st);
  if (text) {
    comments_[{oid, subid}] = std::move(*text);
  } else {
    comments_.erase({oid, subid});
  }
  return SqlStatus::Ok();
}

std::optional<std::string> Catalog::Comment(uint32_t oid, int subid) const {
  std::lock_guard<std::mutex> g(mu_);
  auto it = comments_.find({oid, subid});
  if (it == comments_.end()) return std::nullopt;
  return it->second;
}

std::map<std::pair<uint32_t, int>, std::string> Catalog::Comments() const {
  std::lock_guard<std::mutex> g(mu_);
  return comments_;
}

std::shared_ptr<const EnumType> Catalog::FindEnumType(std::string_view name) const {
  std::lock_guard<std::mutex> g(mu_);
  auto it = enums_.find(name);
  return it == enums_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const EnumType>> Catalog::EnumTypes() const {
  std::lock_guard<std::mutex> g(mu_);
  std::vector<std::shared_ptr<const EnumType>> out;
  for (const auto& [name, e] : enums_) out.push_back(e);
  return out;
}

SqlStatus Catalog::CreateSequence(Sequence seq) {
  if (RelationExists(seq.name)) return MakeError(sqlstate::kDuplicateTable, "relation \"" + seq.name + "\" already exists");
  std::lock_guard<std::mutex> g(mu_);
  seq.oid = next_oid_++;
  storage::WriteBatch batch;
  batch.Put(Cf::kSql, keys::SequenceDef(seq.oid), EncodeSequence(seq));
  batch.Put(Cf::kSql, keys::SequenceValue(seq.oid), EncodeSequenceValue(seq.start, false));
  std::string next;
  storage::AppendU32(&next, next_oid_);
  batch.Put(Cf::kSql, keys::NextOid(), next);
  Status st = store_->Write(&batch, /*sync=*/true);
  if (!st.ok()) return StorageError(st);
  SequenceState& state = sequences_[seq.name];
  state.last = seq.start;
  state.called = false;
  state.def = std::make_shared<Sequence>(std::move(seq));
  return SqlStatus::Ok();
}

SqlStatus Catalog::AlterSequence(Sequence seq, std::optional<int64_t> restart) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = sequences_.find(seq.name);
  if (it == sequences_.end()) {
    return MakeError(sqlstate::kUndefinedTable, "relation \"" + seq.name + "\" does not exist");
  }
  SequenceState& state = it->second;
  if (restart) {
    state.last = *restart;
    state.called = false;
  }
  storage::WriteBatch batch;
  batch.Put(Cf::kSql, keys::SequenceDef(seq.oid), EncodeSequence(seq));
  batch.Put(Cf::kSql, keys::SequenceValue(seq.oid), EncodeSequenceValue(state.last, state.called));
  Status st = store_->Write(&batch, /*sync=*/true);
  if (!st.ok()) return StorageError(st);
  state.def = std::make_shared<Sequence>(std::move(seq));
  return SqlStatus::Ok();
}

SqlStatus Catalog::DropSequence(const std::string& name) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = sequences_.find(name);
  if (it == sequences_.end()) return MakeError(sqlstate::kUndefinedTable, "sequence \"" + name + "\" does not exist");
  storage::WriteBatch batch;
  batch.Delete(Cf::kSql, keys::SequenceDef(it->second.def->oid));
  batch.Delete(Cf::kSql, keys::SequenceValue(it->second.def->oid));
  Status st = store_->Write(&batch, /*sync=*/true);
  if (!st.ok()) return StorageError(st);
  sequences_.erase(it);
  return SqlStatus::Ok();
}

std::shared_ptr<const Sequence> Catalog::FindSequence(std::string_view name) const {
  std::lock_guard<std::mutex> g(mu_);
  auto it = sequences_.find(name);
  return it == sequences_.end() ? nullptr : it->second.def;
}

std::vector<std::shared_ptr<const Sequence>> Catalog::Sequences() const {
  std::lock_guard<std::mutex> g(mu_);
  std::vector<std::shared_ptr<const Sequence>> out;
  for (const auto& [_, state] : sequences_) out.push_back(state.def);
  return out;
}

SqlResult<int64_t> Catalog::NextSequenceValue(uint32_t oid) {
  std::lock_guard<std::mutex> g(mu_);
  for (auto& [name, state] : sequences_) {
    const Sequence& q = *state.def;
    if (q.oid != oid) continue;
    int64_t next = state.last;
    if (state.called) {
      __int128 n = static_cast<__int128>(state.last) + q.increment;
      if (n > q.max_value || n < q.min_value) {
        if (!q.cycle) {
          bool up = q.increment > 0;
          return MakeError("2200H", std::string("nextval: reached ") + (up ? "maximum" : "minimum") +
                                        " value of sequence \"" + name + "\" (" +
                                        std::to_string(up ? q.max_value : q.min_value) + ")");
        }
        n = q.increment > 0 ? q.min_value : q.max_value;
      }
      next = static_cast<int64_t>(n);
    }
    // Written before it is handed out, so no value is given twice across a crash.
    storage::WriteBatch batch;
    batch.Put(Cf::kSql, keys::SequenceValue(oid), EncodeSequenceValue(next, true));
    Status st = store_->Write(&batch, /*sync=*/false);
    if (!st.ok()) return StorageError(st);
    state.last = next;
    state.called = true;
    return next;
  }
  return MakeError(sqlstate::kUndefinedTable, "sequence with OID " + std::to_string(oid) + " does not exist");
}

SqlStatus Catalog::SetSequenceValue(uint32_t oid, int64_t value, bool is_called) {
  std::lock_guard<std::mutex> g(mu_);
  for (auto& [name, state] : sequences_) {
    const Sequence& q = *state.def;
    if (q.oid != oid) continue;
    if (value < q.min_value || value > q.max_value) {
      return MakeError(sqlstate::kNumericOutOfRange, "setval: value " + std::to_string(value) +
                                                         " is out of bounds for sequence \"" + name + "\" (" +
                                                         std::to_string(q.min_value) + ".." +
                                                         std::to_string(q.max_value) + ")");
    }
    storage::WriteBatch batch;
    batch.Put(Cf::kSql, keys::SequenceValue(oid), EncodeSequenceValue(value, is_called));
    Status st = store_->Write(&batch, /*sync=*/false);
    if (!st.ok()) return StorageError(st);
    state.last = value;
    state.called = is_called;
    return SqlStatus::Ok();
  }
  return MakeError(sqlstate::kUndefinedTable, "sequence with OID " + std::to_string(oid) + " does not exist");
}

SqlStatus Catalog::SetSerial(uint32_t table_oid, int attnum, int64_t value, bool is_called) {
  std::lock_guard<std::mutex> g(mu_);
  // NextSerial hands out next + 1; its marks cover the block a value starts,
  // so the mark written here reaches the end of the current block.
  uint64_t next = static_cast<uint64_t>(is_called ? value : value - 1);
  uint64_t mark = (next + kSerialBlock - 1) / kSerialBlock * kSerialBlock;
  if (mark < next) mark = next;
  std::string m;
  storage::AppendU64(&m, mark);
  storage::WriteBatch batch;
  batch.Put(Cf::kSql, keys::SerialMark(table_oid, attnum), m);
  Status st = store_->Write(&batch, /*sync=*/false);
  if (!st.ok()) return StorageError(st);
  next_serial_[{table_oid, attnum}] = next;
  return SqlStatus::Ok();
}

SqlStatus Catalog::Create(Table table) {
  std::vector<std::string> names = {table.name};
  for (const auto& i : table.indexes) names.push_back(i.name);
  for (const auto& n : names) {
    if (RelationExists(n)) return MakeError(sqlstate::kDuplicateTable, "relation \"" + n + "\" already exists");
  }
  std::lock_guard<std::mutex> g(mu_);
  if (tables_.count(table.name)) {
    return MakeError(sqlstate::kDuplicateTable, "relation \"" + table.name + "\" already exists");
  }
  table.oid = next_oid_++;
  table.relfile = table.oid;
  for (size_t i = 0; i < table.columns.size(); i++) table.columns[i].attnum = static_cast<int>(i) + 1;
  for (auto& f : table.foreign_keys) {
    if (f.ref_table == 0) f.ref_table = table.oid;  // it references itself
  }
  if (!table.primary_key.empty()) table.primary_key_oid = next_oid_++;
  for (auto& i : table.indexes) i.oid = next_oid_++;
  storage::WriteBatch batch;
  batch.Put(Cf::kSql, keys::TableDef(table.oid), EncodeTable(table));
  std::string next;
  storage::AppendU32(&next, next_oid_);
  batch.Put(Cf::kSql, keys::NextOid(), next);
  Status st = store_->Write(&batch, /*sync=*/true);
  if (!st.ok()) return StorageError(st);
  std::string name = table.name;
  tables_[name] = std::make_shared<Table>(std::move(table));
  IndexReferencesLocked();
  return SqlStatus::Ok();
}

SqlStatus Catalog::Drop(const std::string& name, storage::WriteBatch* batch) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) return MakeError(sqlstate::kUndefinedTable, "table \"" + name + "\" does not exist");
  uint32_t oid = it->second->oid;
  keys::DeleteRelfile(batch, it->second->relfile);
  batch->Delete(Cf::kSql, keys::TableDef(oid));
  batch->Delete(Cf::kSql, keys::RowIdMark(oid));
  for (const auto& c : it->second->columns) {
    if (c.identity != 0) batch->Delete(Cf::kSql, keys::SerialMark(oid, c.attnum));
  }
  Status st = store_->Write(batch, /*sync=*/true);
  if (!st.ok()) return StorageError(st);
  tables_.erase(it);
  IndexReferencesLocked();
  next_rowid_.erase(oid);
  for (auto s = next_serial_.begin(); s != next_serial_.end();) {
    s = s->first.first == oid ? next_serial_.erase(s) : std::next(s);
  }
  return SqlStatus::Ok();
}

SqlResult<uint32_t> Catalog::BeginRewrite() {
  std::lock_guard<std::mutex> g(mu_);
  uint32_t relfile = next_oid_++;
  storage::WriteBatch batch;
  batch.Put(Cf::kSql, keys::RewriteMark(relfile), "");
  std::string next;
  storage::AppendU32(&next, next_oid_);
  batch.Put(Cf::kSql, keys::NextOid(), next);
  Status st = store_->Write(&batch, /*sync=*/true);
  if (!st.ok()) return StorageError(st);
  return relfile;
}

SqlStatus Catalog::FinishRewrite(Table table) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = tables_.find(table.name);
  if (it == tables_.end()) return MakeError(sqlstate::kUndefinedTable, "table \"" + table.name + "\" does not exist");
  AssignAttnums(*it->second, &table);
  storage::WriteBatch batch;
  keys::DeleteRelfile(&batch, it->second->relfile);
  batch.Put(Cf::kSql, keys::TableDef(table.oid), EncodeTable(table));
  batch.Delete(Cf::kSql, keys::RewriteMark(table.relfile));
  DropSerialMarks(*it->second, table, &batch);
  Status st = store_->Write(&batch, /*sync=*/true);
  if (!st.ok()) return StorageError(st);
  it->second = std::make_shared<Table>(std::move(table));
  IndexReferencesLocked();
  return SqlStatus::Ok();
}

void Catalog::DropSerialMarks(const Table& from, const Table& to, storage::WriteBatch* batch) {
  for (const auto& c : from.columns) {
    if (c.identity == 0) continue;
    bool kept = false;
    for (const auto& n : to.columns) kept = kept || (n.attnum == c.attnum && n.identity != 0);
    if (kept) continue;
    batch->Delete(Cf::kSql, keys::SerialMark(from.oid, c.attnum));
    next_serial_.erase({from.oid, c.attnum});
  }
}

SqlStatus Catalog::Alter(const std::string& name, Table table) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) return MakeError(sqlstate::kUndefinedTable, "table \"" + name + "\" does not exist");
  if (table.name != name && tables_.count(table.name)) {
    return MakeError(sqlstate::kDuplicateTable, "relation \"" + table.name + "\" already exists");
  }
  AssignAttnums(*it->second, &table);
  storage::WriteBatch batch;
  batch.Put(Cf::kSql, keys::TableDef(table.oid), EncodeTable(table));
  DropSerialMarks(*it->second, table, &batch);
  Status st = store_->Write(&batch, /*sync=*/true);
  if (!st.ok()) return StorageError(st);
  tables_.erase(it);
  std::string key = table.name;
  tables_[key] = std::make_shared<Table>(std::move(table));
  IndexReferencesLocked();
  return SqlStatus::Ok();
}

SqlResult<uint32_t> Catalog::NewOid() {
  std::lock_guard<std::mutex> g(mu_);
  uint32_t oid = next_oid_++;
  storage::WriteBatch batch;
  std::string next;
  storage::AppendU32(&next, next_oid_);
  batch.Put(Cf::kSql, keys::NextOid(), next);
  Status st = store_->Write(&batch, /*sync=*/true);
  if (!st.ok()) return StorageError(st);
  return oid;
}

SqlStatus Catalog::DropIndex(const std::string& table, const std::string& index) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = tables_.find(table);
  if (it == tables_.end()) return MakeError(sqlstate::kUndefinedTable, "table \"" + table + "\" does not exist");
  Table t = *it->second;
  auto pos = std::find_if(t.indexes.begin(), t.indexes.end(), [&](const Index& i) { return i.name == index; });
  if (pos == t.indexes.end()) {
    return MakeError(sqlstate::kUndefinedObject, "index \"" + index + "\" does not exist");
  }
  std::string prefix = keys::IndexPrefix(t.relfile, pos->oid);
  t.indexes.erase(pos);
  storage::WriteBatch batch;
  batch.Put(Cf::kSql, keys::TableDef(t.oid), EncodeTable(t));
  batch.DeleteRange(Cf::kSql, prefix, storage::PrefixSuccessor(prefix));
  Status st = store_->Write(&batch, /*sync=*/true);
  if (!st.ok()) return StorageError(st);
  it->second = std::make_shared<Table>(std::move(t));
  IndexReferencesLocked();
  return SqlStatus::Ok();
}

uint64_t Catalog::NextRowId(uint32_t table_oid, std::string* mark) {
  std::lock_guard<std::mutex> g(mu_);
  uint64_t& next = next_rowid_[table_oid];
  uint64_t id = ++next;
  // Persist a mark a block ahead each time a block starts; after a crash
  // ids restart above the last mark written.
  if (id % kRowIdBlock == 1) {
    mark->clear();
    storage::AppendU64(mark, id + kRowIdBlock);
  }
  return id;
}

int64_t Catalog::NextSerial(uint32_t table_oid, int attnum, std::string* mark) {
  std::lock_guard<std::mutex> g(mu_);
  // The mark is the first value not yet reserved; a restart continues there.
  uint64_t& next = next_serial_[{table_oid, attnum}];
  uint64_t id = ++next;
  if (id % kSerialBlock == 1) {
    mark->clear();
    storage::AppendU64(mark, id + kSerialBlock - 1);
  }
  return static_cast<int64_t>(id);
}

}  // namespace lumadb::engine::sql

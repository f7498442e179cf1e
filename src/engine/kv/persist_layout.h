#pragma once

// How the KV engine lays its values out in RocksDB, and how a change inside
// a collection is described so that a flush writes only what changed.
//
// Column family kv: one entry per key, [db byte][user key].
//   - a small value (and every string): EncodeValue's single entry, format 1;
//   - a large collection: its metadata, format 2 (type, expiry, flags, CAS,
//     generation, element count, list head / stream counters).
// Column family kv_elements: one entry per element of a large collection,
//   [db byte][u32 key length][user key][u64 generation][element]
//   - hash:   [field]                      -> value
//   - set:    [member]                     -> ""
//   - zset:   [member]                     -> 8-byte score (order rebuilt at load)
//   - list:   [i64 sequence]               -> element (index i has sequence head + i)
//   - stream: [0x00][u64 ms][u64 seq]      -> a node (master fields, entries)
//             [0x01][escaped group][0x00]  -> last-delivered ID, entries read
//             [0x01][escaped group][0x01][consumer]   -> seen time
//             [0x01][escaped group][0x02][u64 ms][u64 seq] -> NACK (time, count, owner)
// Integers are big-endian (key_codec.h), so each key's elements are
// contiguous and in order. Only the generation named by the metadata is
// live: a rewrite writes a new generation, then the metadata, then a range
// delete of the older ones, so neither a delete nor an overwrite scans, and
// a crash in the middle leaves the old generation in force (Load removes the
// leftovers).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_set.h>
#include <absl/functional/function_ref.h>

#include "common/status.h"
#include "engine/kv/stream.h"
#include "engine/kv/value.h"

namespace lumadb::storage {
class Store;
class WriteBatch;
}  // namespace lumadb::storage

namespace lumadb::engine::kv {

// A collection with at least this many elements (stream: entries plus
// pending entries) is stored per element...
inline constexpr size_t kLargeMinElements = 256;
// ...and so is one of at least 2 elements whose single entry would reach
// this many bytes.
inline constexpr size_t kLargeMinBytes = 64 << 10;
// A stored-per-element collection goes back to a single entry when it falls
// below min_elements / kLargeShrinkDivisor elements and half kLargeMinBytes
// (the gap keeps a collection near a threshold from switching every flush).
inline constexpr size_t kLargeShrinkDivisor = 4;

// Whether v should be stored per element. `large_now`: it is stored so now.
// Hashes that redis-server would keep as a listpack stay single entries, so
// that their field order survives a restart.
bool WantsLargeLayout(const Value& v, bool large_now, size_t min_elements);

// ---- Describing changes ----

// What changed in one key since its last flush, while the key is stored per
// element. Built through ChangeLog; read by the flush.
struct GroupChanges {
  bool replaced = false;  // created or destroyed: rewrite the whole group
  bool header = false;
  StrSet consumers;
  StreamIdSet pending;
};

struct KeyChanges {
  // Set when a change could not be described: the key is rewritten whole.
  bool whole = false;
  // Hash fields, set or zset members.
  StrSet elements;
  // List: sequence range of the list now, the range whose elements are
  // unchanged since the last flush, and replaced sequences (LSET).
  int64_t list_lo = 0, list_hi = 0;
  int64_t clean_lo = 0, clean_hi = 0;
  absl::flat_hash_set<int64_t> list_set;
  // Stream: nodes (by master ID) that gained or changed entries, ID ranges
  // whose entries may have been deleted, and consumer-group changes.
  StreamIdSet nodes;
  std::vector<std::pair<StreamId, StreamId>> removed;
  std::map<std::string, GroupChanges, std::less<>> groups;
};

// What the disk holds for a key stored per element.
struct LargeState {
  Type type = Type::kHash;
  uint64_t generation = 0;
  int64_t list_lo = 0, list_hi = 0;  // list: sequences stored
  StreamIdSet nodes;          // stream: node master IDs stored
};

// The handle a command handler describes its change through (see
// Store::Touched). The description is needed only for collections stored
// per element, so the store calls the handler's callback only for those,
// after the change, with the value in its new state. Each method names what
// changed; the flush then writes that element's current state (or deletes
// it). A change the methods cannot express must call Whole(): the key is
// then rewritten whole, which is always correct.
class ChangeLog {
 public:
  // Hash field, set member or sorted-set member set, changed or removed.
  void Element(std::string_view element);
  // List: n elements pushed onto / popped from one end. Describe a
  // command's pops before its pushes.
  void ListPushed(bool left, size_t n);
  void ListPopped(bool left, size_t n);
  // List: the element now at index was replaced in place (LSET).
  void ListSet(size_t index);
  // Stream: entry id was added (its node changed).
  void StreamEntry(StreamId id);
  // Stream: entries with IDs in [first, last] may have been deleted (XDEL).
  void StreamRemoved(StreamId first, StreamId last);
  // Stream: entries were trimmed from the front (XTRIM, XADD's trimming).
  void StreamTrimmed();
  // Stream counters (length, last ID, ...) are always written: XSETID needs
  // no call. Consumer groups: the group's last-delivered ID or read counter;
  // a group created or destroyed; a consumer created, seen or deleted; a
  // pending entry added, delivered again, claimed or acknowledged.
  void Group(std::string_view group);
  void GroupReplaced(std::string_view group);
  void Consumer(std::string_view group, std::string_view consumer);
  void Pending(std::string_view group, StreamId id);
  // Anything else: rewrite the key whole.
  void Whole();

  ChangeLog(KeyChanges* changes, const Value* value) : c_(changes), v_(value) {}
  bool whole() const { return c_->whole; }

 private:
  bool Is(Type t);
  GroupChanges& G(std::string_view group);

  KeyChanges* c_;
  const Value* v_;
};

using DescribeChange = absl::FunctionRef<void(ChangeLog&)>;

// Starts the change record of a key stored as `stored`.
void InitChanges(const LargeState& stored, KeyChanges* changes);

// ---- Writing ----

// The writes of one flush: a write batch written out in chunks of about
// kChunkBytes. Chunks are written in order, without sync, except the last.
class FlushBatch {
 public:
  static constexpr size_t kChunkBytes = 4 << 20;
  explicit FlushBatch(storage::Store* disk);
  ~FlushBatch();
  storage::WriteBatch& batch() { return *batch_; }
  // Writes the batch out if it reached kChunkBytes. Call only where a crash
  // after the write leaves a consistent store: between keys, or inside a
  // key's rewrite while it writes elements of its new generation.
  Status MaybeSpill();
  // Writes what is left (with sync, fsyncs).
  Status Finish(bool sync);
  // Calls fn after each successful write (chunk or finish).
  void OnWritten(std::function<void()> fn) { on_written_ = std::move(fn); }
  size_t written() const { return written_; }

 private:
  Status WriteOut(bool sync);

  storage::Store* disk_;
  std::unique_ptr<storage::WriteBatch> batch_;
  std::function<void()> on_written_;
  size_t written_ = 0;
};

// One key to bring up to date on disk.
struct KeyWrite {
  int db = 0;
  std::string_view key;
  std::string_view storage_key;  // [db][key], its kv entry
  const Value* value = nullptr;  // null: the key is gone
  // Whether the disk holds the key per element (described by the state
  // given to WriteKey).
  bool large = false;
  // What changed since the last flush; null: rewrite whole.
  const KeyChanges* changes = nullptr;
  // The disk may hold elements the state does not know of (after a failed
  // write): delete every element of the key first.
  bool purge = false;
  size_t min_elements = kLargeMinElements;
};

// Appends the writes that make the disk hold k's current value. *state is
// what the disk holds (when k.large) and becomes what it will hold; *large
// tells whether that is per element. A rewrite takes a new generation from
// *next_generation and may spill `out` while it writes its new elements; a
// change that was described is written in the current chunk, so each key is
// updated atomically.
Status WriteKey(const KeyWrite& k, LargeState* state, uint64_t* next_generation, FlushBatch& out, bool* large);

// A stream node as stored: master fields, then each entry's ID, flags and
// elements (also the node part of EncodeValue's stream format).
void AppendStreamNode(const Stream::Node& node, std::string* out);
// Reads a node written by AppendStreamNode and appends it to *s (nodes in
// ID order). False if malformed.
bool ConsumeStreamNode(std::string_view* in, StreamId master, Stream* s);

// Range deletes of a whole database (FLUSHDB, SWAPDB), in both families.
void DeleteDb(int db, storage::WriteBatch& batch);

// ---- Loading ----

// Whether a kv entry is the metadata of a per-element collection.
bool IsLargeMeta(std::string_view stored);
// [db][u32 length][key]: the prefix of all of key's elements.
std::string ElementKeyPrefix(int db, std::string_view key);

// The metadata of a per-element collection.
struct LargeMeta {
  uint64_t generation = 0;
  uint64_t count = 0;  // elements (stream: entries)
  int64_t list_lo = 0;
  // Stream counters and number of groups.
  StreamId last_id, first_id, max_deleted_id;
  uint64_t entries_added = 0;
  uint64_t groups = 0;
};
// Decodes metadata into *v (an empty collection of the stored type, with
// expiry, flags and CAS) and *meta.
Status DecodeLargeMeta(std::string_view in, Value* v, LargeMeta* meta);

// Rebuilds per-element collections while Load scans kv, then kv_elements.
class LargeLoader {
 public:
  // Expects the elements of key [db][key], to be put into *v (decoded by
  // DecodeLargeMeta, and staying where it is until Finish).
  void Expect(int db, std::string_view key, const LargeMeta& meta, Value* v);
  // Reads one kv_elements entry; entries must come in key order. Elements
  // of no expected generation (a deleted or expired key, an interrupted
  // rewrite) are range-deleted through `cleanup`.
  Status AddElement(std::string_view key, std::string_view value, storage::WriteBatch& cleanup);
  // Checks that every expected collection is complete and calls
  // fn(storage key, state) for each. *next_generation is set past the
  // largest generation seen anywhere.
  Status Finish(const std::function<void(const std::string&, LargeState)>& fn, uint64_t* next_generation);

 private:
  struct Pending {
    std::string storage_key;
    Value* value = nullptr;
    LargeMeta meta;
    uint64_t loaded = 0;           // elements read (not streams)
    StreamGroup* group = nullptr;  // stream: the group being read
    uint64_t groups = 0;
  };
  Status AddTo(Pending& p, std::string_view element, std::string_view value);

  std::map<std::string, Pending, std::less<>> pending_;  // by element prefix
  Pending* last_ = nullptr;
  std::string last_prefix_;
  std::string orphan_;  // [prefix][generation] being deleted
  uint64_t max_generation_ = 0;
};

}  // namespace lumadb::engine::kv

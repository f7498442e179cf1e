#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/btree_map.h>
#include <absl/container/btree_set.h>

namespace lumadb::engine::kv {

// A stream entry ID: milliseconds and sequence, ordered as a pair (which is
// also the order of their 128-bit big-endian encoding).
struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;

  friend auto operator<=>(const StreamId&, const StreamId&) = default;
  static constexpr StreamId Max() { return {UINT64_MAX, UINT64_MAX}; }
  bool IsZero() const { return ms == 0 && seq == 0; }
  // Next / previous ID. At the end of the range the ID wraps (Max -> 0-0,
  // 0-0 -> Max) and the call returns false.
  bool Increment();
  bool Decrement();
  // "<ms>-<seq>"
  std::string ToString() const;
};

// How ParseStreamId reads an argument (Redis's streamGenericParseIDOrReply).
struct StreamIdSyntax {
  uint64_t missing_seq = 0;     // sequence used for a bare "<ms>"
  bool strict = false;          // "-" and "+" are invalid
  bool allow_seq_star = false;  // "<ms>-*" is accepted (XADD)
};

// Parses "-", "+", "<ms>" or "<ms>-<seq>" (and "<ms>-*" when allowed, which
// sets *seq_given to false). Numbers are read as Redis's string2ull does:
// canonical decimals, and failing that strtoull's syntax (leading blanks, a
// sign, leading zeros; "-N" wraps modulo 2^64). Returns false for anything
// Redis answers "Invalid stream ID specified as stream command argument" to,
// including arguments longer than 127 bytes.
bool ParseStreamId(std::string_view s, const StreamIdSyntax& syntax, StreamId* id, bool* seq_given = nullptr);

// A range bound: "(" before an ID (of at least one more byte) makes it
// exclusive and the rest is parsed strictly; otherwise as ParseStreamId.
bool ParseStreamIntervalId(std::string_view s, uint64_t missing_seq, StreamId* id, bool* exclusive);

// Marks an invalid consumer-group read counter (Redis's SCG_INVALID_ENTRIES_READ).
inline constexpr int64_t kEntriesReadInvalid = -1;

struct StreamConsumer;

// Pending entries lists are B-trees: a group can hold millions of NACKs, and
// a B-tree finds one in a few cache lines where a red-black tree takes a miss
// per level. Like any B-tree, an insert or erase invalidates iterators.
using StreamIdSet = absl::btree_set<StreamId>;

// A delivered but not yet acknowledged entry of a consumer group.
struct StreamNack {
  int64_t delivery_time = 0;  // Unix ms of the last delivery
  uint64_t delivery_count = 1;
  StreamConsumer* consumer = nullptr;  // the owner; null only while XCLAIM FORCE creates it
};

struct StreamConsumer {
  std::string name;
  int64_t seen_time = 0;  // Unix ms of the last read/claim attempt
  StreamIdSet pel;  // this consumer's pending IDs; their data is in the group's PEL
};

// A consumer group: its position, the pending entries list shared by the
// group (the NACKs) and per consumer (IDs only), and the consumers.
struct StreamGroup {
  StreamId last_id;
  int64_t entries_read = kEntriesReadInvalid;
  absl::btree_map<StreamId, StreamNack> pel;
  std::map<std::string, StreamConsumer, std::less<>> consumers;

  StreamGroup() = default;
  StreamGroup(StreamId last, int64_t read) : last_id(last), entries_read(read) {}
  // Copies re-point every NACK at the copy's consumers.
  StreamGroup(const StreamGroup& other);
  StreamGroup& operator=(const StreamGroup&) = delete;
  StreamGroup(StreamGroup&&) = default;
  StreamGroup& operator=(StreamGroup&&) = default;

  StreamConsumer* FindConsumer(std::string_view name);
  // Creates a consumer seen at `now`; null if it already exists.
  StreamConsumer* CreateConsumer(std::string_view name, int64_t now);
  // Finds or creates the consumer and marks it seen at `now`.
  StreamConsumer* TouchConsumer(std::string_view name, int64_t now);
  // Deletes a consumer and its pending entries; returns how many it had, or
  // -1 if there is no such consumer.
  int64_t DeleteConsumer(std::string_view name);
  // Removes id from the group and owner PELs; false if it was not pending.
  bool Ack(StreamId id);
  // Gives the pending entry `it` to consumer c (moving it between consumer PELs).
  void SetOwner(absl::btree_map<StreamId, StreamNack>::iterator it, StreamConsumer* c);
};

// The field/value pairs of one entry, as views valid until the stream changes.
using StreamFields = std::vector<std::string_view>;
// Visits an entry; returning false stops the walk.
using StreamEntryFn = std::function<bool(StreamId, const StreamFields&)>;

// A Redis stream: entries ordered by ID, the stream's counters and its
// consumer groups. Pure data structure, no protocol.
//
// Entries are kept in nodes laid out as Redis 7.0 lays out its listpacks: a
// node is keyed by the ID of its first ("master") entry, holds the master
// entry's field names (entries with the same field names store only their
// values), keeps deleted entries as tombstones until the whole node is
// removed, and is closed when it holds kNodeMaxEntries entries or would
// reach kNodeMaxBytes bytes as a listpack. That makes what depends on the
// layout (approximate trimming with "~", XINFO's radix-tree figures, DUMP)
// come out as Redis's, and gives a bounded unit for storing the stream piece
// by piece later: only the tail node changes on XADD.
class Stream {
 public:
  // Redis's stream-node-max-bytes and stream-node-max-entries defaults.
  static constexpr size_t kNodeMaxBytes = 4096;
  static constexpr size_t kNodeMaxEntries = 100;

  // Entry flags, as stored in Redis's listpacks.
  static constexpr uint8_t kFlagDeleted = 1;
  static constexpr uint8_t kFlagSameFields = 2;

  // One stored entry, as a view valid until the stream changes.
  struct EntryView {
    StreamId id;
    uint8_t flags = 0;
    uint32_t num_fields = 0;
    std::string_view encoded;  // the stored elements, each prefixed by its varint length

    bool deleted() const { return flags & kFlagDeleted; }
    bool same_fields() const { return flags & kFlagSameFields; }
    // The stored elements: the values when same_fields(), else field, value, ...
    void Elements(std::vector<std::string_view>* out) const;
  };

  // A node's entries are stored back to back in one buffer (flags, the ID as
  // deltas from the master ID, [field count], elements) with one offset per
  // entry: about as compact as Redis's listpack, and binary-searchable.
  class Node {
   public:
    const std::vector<std::string>& master_fields() const { return master_fields_; }
    size_t size() const { return offsets_.size(); }  // entries, tombstones included
    EntryView entry(size_t i) const;
    StreamId id(size_t i) const;
    uint32_t live() const { return live_; }
    uint32_t deleted() const { return deleted_; }
    // Size of this node as a Redis listpack, in bytes.
    size_t ListpackBytes() const;

   private:
    friend class Stream;
    // Index of the first entry with an ID >= id (size() if none).
    size_t LowerBound(StreamId id) const;
    void Append(StreamId id, uint8_t flags, uint32_t num_fields, const std::vector<std::string_view>& elements);
    void MarkDeleted(size_t i);
    // Releases spare capacity once the node takes no more entries.
    void Shrink();

    StreamId master_;
    std::vector<std::string> master_fields_;
    std::string data_;
    std::vector<uint32_t> offsets_;
    uint32_t live_ = 0;
    uint32_t deleted_ = 0;
    size_t body_bytes_ = 0;  // listpack bytes of the master fields and entries
  };

  Stream() = default;
  Stream(const Stream& other) = default;  // StreamGroup's copy fixes its pointers
  Stream& operator=(const Stream&) = delete;
  Stream(Stream&&) = default;
  Stream& operator=(Stream&&) = default;

  // ---- counters ----
  uint64_t length() const { return length_; }
  StreamId last_id() const { return last_id_; }
  // The ID of the first entry as recorded (0-0 when empty); XINFO's
  // recorded-first-entry-id.
  StreamId first_id() const { return first_id_; }
  StreamId max_deleted_id() const { return max_deleted_id_; }
  uint64_t entries_added() const { return entries_added_; }
  // XSETID.
  void set_last_id(StreamId id) { last_id_ = id; }
  void set_entries_added(uint64_t n) { entries_added_ = n; }
  void set_max_deleted_id(StreamId id) { max_deleted_id_ = id; }

  // Number of nodes (XINFO's radix-tree-keys) and of nodes Redis's radix
  // tree over their 16-byte keys has (radix-tree-nodes).
  size_t node_count() const { return nodes_.size(); }
  size_t RadixTreeNodes() const;
  const std::map<StreamId, Node>& nodes() const { return nodes_; }

  // ---- entries ----
  // How XADD names the new entry.
  struct NewId {
    enum Kind { kAuto, kAutoSeq, kExplicit } kind = kAuto;  // "*", "<ms>-*", "<ms>-<seq>"
    StreamId id;
  };
  enum class AddResult {
    kOk,
    kIdTooSmall,  // not greater than the last ID (or "<ms>-*" has no sequence left)
    kTooLarge,    // fields and values together exceed 1 GB
  };
  // Appends an entry (fields_values: field, value, ...; at least one pair).
  // An automatic ID uses now_ms, or continues the last ID's sequence.
  AddResult Add(const NewId& spec, int64_t now_ms, const std::vector<std::string_view>& fields_values,
                StreamId* added);

  // Visits live entries with start <= id <= end, ascending or (rev)
  // descending, at most `count` of them (0 = all). Returns how many fn saw.
  size_t Range(StreamId start, StreamId end, bool rev, size_t count, const StreamEntryFn& fn) const;
  // The live entry with this ID, if any.
  bool Get(StreamId id, StreamFields* fields) const;
  bool Contains(StreamId id) const;
  // First / last live entry ID.
  std::optional<StreamId> FirstLiveId() const;
  std::optional<StreamId> LastLiveId() const;

  // XDEL: deletes the live entries among ids, maintaining the recorded first
  // ID and the maximal deleted ID. Returns how many were deleted.
  size_t Delete(const std::vector<StreamId>& ids);

  struct TrimOptions {
    enum Strategy { kNone, kMaxLen, kMinId } strategy = kNone;
    bool approx = false;  // "~": remove whole nodes only
    int64_t limit = 0;    // at most this many entries (0 = no limit)
    uint64_t maxlen = 0;
    StreamId minid;
  };
  // XTRIM / XADD's trimming, node by node as Redis does. Returns the number
  // of entries removed.
  int64_t Trim(const TrimOptions& opts);

  // ---- consumer-group arithmetic (Redis 7.0's lag tracking) ----
  // Whether a deleted entry may lie in [start, end].
  bool RangeHasTombstones(StreamId start, StreamId end) const;
  // The read counter an ID would have, or kEntriesReadInvalid when it cannot
  // be known (streamEstimateDistanceFromFirstEverEntry).
  int64_t EstimateEntriesRead(StreamId id) const;
  // XINFO's lag of a group; nullopt when Redis answers nil.
  std::optional<int64_t> Lag(const StreamGroup& g) const;

  // ---- consumer groups ----
  const std::map<std::string, StreamGroup, std::less<>>& groups() const { return groups_; }
  StreamGroup* FindGroup(std::string_view name);
  // Null if a group with that name exists.
  StreamGroup* CreateGroup(std::string_view name, StreamId last_id, int64_t entries_read);
  bool DestroyGroup(std::string_view name);

  // XREADGROUP ">": delivers the live entries after the group's last ID to
  // consumer c (at most count, 0 = all), advancing the group and, unless
  // noack, recording them as pending. fn sees each entry.
  size_t ReadNew(StreamGroup& g, StreamConsumer& c, size_t count, bool noack, int64_t now_ms,
                 const StreamEntryFn& fn);
  // XREADGROUP with an ID: visits c's pending entries with ID >= start (at
  // most count, 0 = all). fields is null for an entry deleted since; the
  // others count as delivered again.
  using HistoryFn = std::function<void(StreamId, const StreamFields* fields)>;
  size_t ReadHistory(StreamConsumer& c, StreamGroup& g, StreamId start, size_t count, int64_t now_ms,
                     const HistoryFn& fn);

  struct ClaimOptions {
    int64_t min_idle = 0;
    int64_t delivery_time = -1;  // -1: now
    int64_t retry_count = -1;    // -1: increment (unless justid)
    bool force = false;
    bool justid = false;
  };
  // XCLAIM: gives each listed pending entry idle for at least min_idle to
  // consumer `name` (created on the first claim). Entries no longer in the
  // stream are dropped from the PEL. fn sees each claimed entry.
  void Claim(StreamGroup& g, std::string_view name, const std::vector<StreamId>& ids, const ClaimOptions& opts,
             int64_t now_ms, const StreamEntryFn& fn);
  // XAUTOCLAIM: scans the PEL from start, examining at most 10 * count
  // entries and claiming at most count; deleted entries are dropped and
  // reported in *deleted. Returns the ID to continue from (0-0 at the end).
  StreamId AutoClaim(StreamGroup& g, std::string_view name, StreamId start, size_t count, int64_t min_idle,
                     bool justid, int64_t now_ms, const StreamEntryFn& fn, std::vector<StreamId>* deleted);

  // ---- loading (DUMP payloads, the stored format) ----
  // Appends a node as serialized. Nodes must come in ID order, each entry's
  // elements as EntryView::Elements returns them. Returns false if malformed.
  struct RawEntry {
    StreamId id;
    uint8_t flags = 0;
    std::vector<std::string_view> elements;
  };
  bool LoadNode(StreamId master_id, std::vector<std::string> master_fields, const std::vector<RawEntry>& entries);
  // Sets the counters after the nodes are loaded; false if `length` does not
  // match the loaded entries.
  bool LoadCounters(uint64_t length, StreamId last_id, StreamId first_id, StreamId max_deleted_id,
                    uint64_t entries_added);
  // Groups are then created with CreateGroup and filled directly.

 private:
  using NodeMap = std::map<StreamId, Node>;

  // The node that holds id (the last node keyed at or before it), or end().
  NodeMap::const_iterator NodeFor(StreamId id) const;
  NodeMap::iterator NodeFor(StreamId id);
  // Finds the live entry with this ID: its node and index.
  bool FindLive(StreamId id, NodeMap::const_iterator* node, size_t* index) const;
  // Decodes an entry's field/value pairs into *out.
  static void Fields(const Node& node, const EntryView& e, StreamFields* out);
  // Marks entry i of node `it` deleted; removes the node when it was its
  // last live entry. Returns true if the node was removed.
  bool DeleteAt(NodeMap::iterator it, size_t i);
  void RefreshFirstId();

  NodeMap nodes_;
  uint64_t length_ = 0;
  StreamId last_id_;
  StreamId first_id_;
  StreamId max_deleted_id_;
  uint64_t entries_added_ = 0;
  std::map<std::string, StreamGroup, std::less<>> groups_;
};

}  // namespace lumadb::engine::kv

#pragma once

#include <cstdint>
#include <algorithm>
#include <cstring>
#include <string>
#include <new>
#include <string_view>
#include <utility>

#include <absl/container/flat_hash_set.h>

#include "engine/kv/value.h"

namespace lumadb::engine::kv {

// The keyspace of one database shard: key -> Value. Each entry is one
// allocation holding the Value followed by the key bytes, and the table holds
// only pointers: a 16-byte key with a value of up to 15 bytes is one 80-byte
// malloc chunk plus its slot (a map of std::string -> Value would cost an
// 80-byte slot plus a key allocation at every load-factor gap).
class KeyTable {
 public:
  KeyTable() = default;
  KeyTable(KeyTable&& other) noexcept : set_(std::move(other.set_)) { other.set_.clear(); }
  KeyTable& operator=(KeyTable&& other) noexcept {
    if (this != &other) {
      clear();
      set_ = std::move(other.set_);
      other.set_.clear();
    }
    return *this;
  }
  KeyTable(const KeyTable&) = delete;
  KeyTable& operator=(const KeyTable&) = delete;
  ~KeyTable() { clear(); }

  size_t size() const { return set_.size(); }
  bool empty() const { return set_.empty(); }

  Value* Find(std::string_view key) {
    auto it = set_.find(key);
    return it == set_.end() ? nullptr : &(*it)->value;
  }

  // Inserts or replaces; returns the stored value. `charge` is what the
  // store's memory accounting counts for the entry (in kChargeUnit units);
  // *old_charge, if given, gets the replaced entry's (0 for a new key).
  Value& Upsert(std::string_view key, Value value, uint32_t charge = 0, uint32_t* old_charge = nullptr) {
    Entry* found = nullptr;
    // One probe: the slot is filled only when the key is new.
    set_.lazy_emplace(key, [&](const auto& ctor) {
      found = NewEntry(key, std::move(value));
      found->charge = charge;
      ctor(found);
    });
    if (found != nullptr) {
      if (old_charge != nullptr) *old_charge = 0;
      return found->value;
    }
    return Replace(FindSlot(key), std::move(value), charge, old_charge);
  }

  // A key's value and charge, found once for a later Replace; both null if
  // the key is absent. Valid until the table changes.
  struct Slot {
    Value* value = nullptr;
    uint32_t* charge = nullptr;
  };
  Slot FindSlot(std::string_view key) {
    auto it = set_.find(key);
    if (it == set_.end()) return Slot{};
    return Slot{&(*it)->value, &(*it)->charge};
  }
  // Replaces the value of a slot FindSlot returned, without a second lookup.
  Value& Replace(Slot slot, Value value, uint32_t charge = 0, uint32_t* old_charge = nullptr) {
    if (old_charge != nullptr) *old_charge = *slot.charge;
    *slot.value = std::move(value);
    *slot.charge = charge;
    return *slot.value;
  }

  // Deletes key; *charge, if given, gets the entry's charge (0 if absent).
  bool Erase(std::string_view key, uint32_t* charge = nullptr) {
    auto it = set_.find(key);
    if (charge != nullptr) *charge = it == set_.end() ? 0 : (*it)->charge;
    if (it == set_.end()) return false;
    Entry* e = *it;
    set_.erase(it);
    DeleteEntry(e);
    return true;
  }

  // The memory accounting's unit: charges are bytes / kChargeUnit, rounded
  // up, so a 32-bit charge covers values up to 64 GB.
  static constexpr uint64_t kChargeUnit = 16;
  static uint32_t ChargeUnits(uint64_t bytes) {
    uint64_t units = (bytes + kChargeUnit - 1) / kChargeUnit;
    return units > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(units);
  }

  // Sets key's charge to charge_of(key, value) and returns the change (in
  // units); 0 if key is absent.
  template <typename Fn>
  int64_t Recharge(std::string_view key, Fn&& charge_of) {
    auto it = set_.find(key);
    if (it == set_.end()) return 0;
    Entry* e = *it;
    uint32_t now = charge_of(e->key(), static_cast<const Value&>(e->value));
    int64_t delta = static_cast<int64_t>(now) - static_cast<int64_t>(e->charge);
    e->charge = now;
    return delta;
  }

  // fn(std::string_view key, Value& value, uint32_t& charge) for every
  // entry; the table must not change during the walk.
  template <typename Fn>
  void ForEachCharged(Fn&& fn) {
    for (Entry* e : set_) fn(e->key(), e->value, e->charge);
  }

  // Up to n entries in iteration order, starting at the entry for `from`
  // (at the beginning if it is absent or empty) and wrapping around once:
  // fn(key, value) for each. Returns the key of the entry after the last
  // one visited, where a walk that continues this one should start ("" for
  // an empty table). Eviction sweeps a shard's keys this way, a few at a time.
  template <typename Fn>
  std::string Walk(std::string_view from, size_t n, Fn&& fn) {
    if (set_.empty() || n == 0) return std::string();
    auto it = from.empty() ? set_.end() : set_.find(from);
    if (it == set_.end()) it = set_.begin();
    n = std::min(n, set_.size());
    for (size_t i = 0; i < n; i++) {
      fn((*it)->key(), (*it)->value);
      if (++it == set_.end()) it = set_.begin();
    }
    return std::string((*it)->key());
  }

  void clear() {
    for (Entry* e : set_) DeleteEntry(e);
    set_.clear();
  }

  // fn(std::string_view key, Value& value) for every entry; the table must
  // not change during the walk.
  template <typename Fn>
  void ForEach(Fn&& fn) {
    for (Entry* e : set_) fn(e->key(), e->value);
  }

  // The entry at position n of the iteration order (for RANDOMKEY); n < size().
  std::pair<std::string_view, Value*> Nth(size_t n) {
    auto it = set_.begin();
    std::advance(it, n);
    return {(*it)->key(), &(*it)->value};
  }

 private:
  struct Entry {
    Value value;
    uint32_t key_len;
    uint32_t charge = 0;  // fills the padding before the key bytes
    std::string_view key() const { return std::string_view(reinterpret_cast<const char*>(this + 1), key_len); }
  };
  static_assert(sizeof(Entry) == sizeof(Value) + 8, "the charge must fit in the entry's padding");

  static Entry* NewEntry(std::string_view key, Value&& value) {
    void* mem = ::operator new(sizeof(Entry) + key.size());
    Entry* e = new (mem) Entry{std::move(value), static_cast<uint32_t>(key.size()), 0};
    if (!key.empty()) memcpy(reinterpret_cast<char*>(e + 1), key.data(), key.size());
    return e;
  }
  static void DeleteEntry(Entry* e) {
    e->~Entry();
    ::operator delete(e);
  }

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view k) const { return StrHash()(k); }
    size_t operator()(const Entry* e) const { return StrHash()(e->key()); }
  };
  struct Eq {
    using is_transparent = void;
    static std::string_view K(std::string_view k) { return k; }
    static std::string_view K(const Entry* e) { return e->key(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return K(a) == K(b);
    }
  };

  absl::flat_hash_set<Entry*, Hash, Eq> set_;
};

}  // namespace lumadb::engine::kv

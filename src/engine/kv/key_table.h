#pragma once

#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

#include <absl/container/flat_hash_set.h>

#include "engine/kv/value.h"

namespace lumadb::engine::kv {

// The keyspace of one database shard: key -> Value. Each entry is one
// allocation holding the Value followed by the key bytes, and the table holds
// only pointers, which keeps a small key at about a hundred bytes (a map of
// std::string -> Value would cost the 96-byte slot plus a key allocation at
// every load-factor gap).
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

  // Inserts or replaces; returns the stored value.
  Value& Upsert(std::string_view key, Value value) {
    auto it = set_.find(key);
    if (it != set_.end()) {
      (*it)->value = std::move(value);
      return (*it)->value;
    }
    Entry* e = NewEntry(key, std::move(value));
    set_.insert(e);
    return e->value;
  }

  bool Erase(std::string_view key) {
    auto it = set_.find(key);
    if (it == set_.end()) return false;
    Entry* e = *it;
    set_.erase(it);
    DeleteEntry(e);
    return true;
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
    std::string_view key() const { return std::string_view(reinterpret_cast<const char*>(this + 1), key_len); }
  };

  static Entry* NewEntry(std::string_view key, Value&& value) {
    void* mem = ::operator new(sizeof(Entry) + key.size());
    Entry* e = new (mem) Entry{std::move(value), static_cast<uint32_t>(key.size())};
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

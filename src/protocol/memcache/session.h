#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/kv/store.h"
#include "net/worker.h"
#include "protocol/memcache/codec.h"
#include "protocol/memcache/memcache_server.h"

namespace lumadb::protocol::memcache {

// One memcached client connection: frames pipelined requests (command lines
// and their data blocks), runs each on the KV engine with the key's shard
// locked, and writes memcached 1.6.18's replies byte for byte.
//
// The command families live in their own files: storage_commands.cc,
// retrieval_commands.cc, arithmetic_commands.cc, delete_commands.cc and
// admin_commands.cc (stats, flush_all and the rest).
class MemcacheSession final : public net::Session {
 public:
  MemcacheSession(MemcacheServer& server, net::Connection& conn);
  ~MemcacheSession() override;

  void OnData(net::Connection& conn) override;
  void OnClose(net::Connection& conn) override;

 private:
  enum class Step { kNext, kNeedInput, kStop };
  Step ProcessOne();
  // Runs cmd_ (whose data block, for storage commands, is `data`).
  void Execute(std::string_view data);

  // ---- replies ----
  // Appends a reply line and "\r\n", unless the command asked for noreply.
  void Reply(std::string_view line);
  // Meta replies are built in meta_line_ and then sent with SendMeta.
  void SendMeta(bool suppressed);
  // Appends " k<key>" (base64 with " b" for binary keys) to meta_line_.
  void MetaKey(std::string_view key, bool binary);
  void MetaOpaque(const MetaFlag& f);

  // ---- storage_commands.cc ----
  enum class StoreMode { kSet, kAdd, kReplace, kAppend, kPrepend, kCas };
  enum class StoreResult { kStored, kNotStored, kExists, kNotFound };
  struct NewItem {
    std::string_view key;
    std::string_view data;
    uint32_t flags = 0;
    int64_t expire_ms = 0;
    uint64_t cas_in = 0;      // 0: no CAS given
    bool allow_stale = false; // ms I: an older CAS stores the item as stale
    bool key_binary = false;
  };
  // memcached's do_store_item; the key's shard is locked by the caller.
  StoreResult StoreItem(StoreMode mode, const NewItem& item, uint64_t* new_cas);
  // Stores a new item (or removes the key when it is already expired) and returns its CAS.
  uint64_t LinkItem(std::string_view key, std::string_view data, uint32_t flags, int64_t expire_ms, uint8_t bits);
  void CmdStore(std::string_view data);
  void CmdMetaSet(std::string_view data);
  // A storage command whose item cannot fit: reply, drop the old item, swallow the data.
  void StoreTooLarge(uint64_t data_bytes);

  // ---- retrieval_commands.cc ----
  void CmdGet();
  void CmdTouch();
  void CmdMetaGet();
  void CmdMetaDebug();

  // ---- arithmetic_commands.cc ----
  enum class DeltaResult { kOk, kNonNumeric, kNotFound, kCasMismatch };
  // memcached's do_add_delta; the key's shard is locked by the caller. On kOk
  // `result` holds the new number and *item the item (as modified).
  DeltaResult AddDelta(std::string_view key, bool incr, uint64_t delta, uint64_t cas_in, std::string* result,
                       engine::kv::Value** item);
  void CmdIncrDecr();
  void CmdMetaArithmetic();

  // ---- delete_commands.cc ----
  void CmdDelete();
  void CmdMetaDelete();

  // ---- admin_commands.cc ----
  void CmdFlushAll();
  void CmdVerbosity();
  void CmdStats();
  void CmdCacheMemlimit();
  void CmdLruCrawler();
  void CmdSlabs();
  void StatsGeneral();
  void StatsSettings();
  void StatsItems();
  void StatsSlabs();
  void StatsSizes();
  void StatsCachedump();
  void StatsConns();
  void Stat(std::string_view name, std::string_view value);
  void Stat(std::string_view name, uint64_t value);

  engine::kv::Store& store() { return server_.store(); }

  MemcacheServer& server_;
  net::Connection& conn_;
  Command cmd_;                 // the request being run; views the input buffer
  std::string meta_line_;       // a meta reply line being built
  int64_t now_ms_ = 0;          // wall clock of the request being run
  bool noreply_ = false;        // the request's replies are suppressed
  uint64_t swallow_ = 0;        // data bytes still to discard (memcached's conn_swallow)
  size_t unfinished_line_ = 0;  // input bytes known to hold no newline
  bool closed_ = false;
  bool spoke_ = false;          // the client has sent something
};

}  // namespace lumadb::protocol::memcache

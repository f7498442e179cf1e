#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The Redis configuration parameters of redis-server 7.0.15 (CONFIG GET/SET/
// REWRITE): one table with each parameter's name, alias, type, default,
// validation and optional apply hook, and the store of current values.
namespace lumadb::protocol::resp {

class RespServer;
class ConfigStore;

enum class ConfigType : uint8_t {
  kBool,     // yes/no
  kString,   // any text
  kEnum,     // one of `enums`
  kNumber,   // integer with bounds; kMemory/kPercent/kOctal/kUnsigned refine it
  kSpecial,  // own parser (`special`)
};

enum ConfigFlag : uint32_t {
  kConfigImmutable = 1 << 0,  // CONFIG SET: "can't set immutable config"
  kConfigProtected = 1 << 1,  // CONFIG SET: "can't set protected config" (enable-protected-configs is no)
  kConfigSensitive = 1 << 2,  // value redacted in SLOWLOG
  kConfigMultiArg = 1 << 3,   // value is split on spaces for the special parser
  kConfigHidden = 1 << 4,     // CONFIG GET patterns skip it; exact names work
  kConfigMemory = 1 << 5,     // number: accepts 1kb, 5mb, 1g ...; printed in bytes
  kConfigPercent = 1 << 6,    // number: also accepts "N%" (stored as -N)
  kConfigOctal = 1 << 7,      // number: parsed and printed in octal
  kConfigUnsigned = 1 << 8,   // number: bounds compared (and printed) unsigned
};

struct ConfigEnumValue {
  const char* name;
  int value;
};

// Validates a special parameter: `args` is the value (split on ' ' when
// kConfigMultiArg), `current` the current canonical value. On success sets
// *canonical to what CONFIG GET will answer; else *err to Redis's text.
using ConfigSpecialFn = bool (*)(const std::vector<std::string>& args, const std::string& current,
                                 std::string* canonical, std::string* err);
// Applies a new value to the running server (`server` is null in unit
// tests). May adjust *value (hz is capped, as Redis does). Returns "" or the
// error text. Called with the store locked: use store.ValueLocked() to read
// other parameters.
using ConfigApplyFn = std::string (*)(RespServer* server, ConfigStore& store, std::string* value);
// Translates a Redis value into LumaDB's config-file syntax for CONFIG
// REWRITE; "" means "leave the option out".
using ConfigRewriteFn = std::string (*)(const std::string& value);

struct ConfigParam {
  const char* name;
  const char* alias = nullptr;
  ConfigType type = ConfigType::kString;
  uint32_t flags = 0;
  const char* default_value = "";  // canonical, as CONFIG GET prints it
  int64_t min = 0, max = 0;        // kNumber bounds (as unsigned when kConfigUnsigned)
  std::vector<ConfigEnumValue> enums;
  ConfigSpecialFn special = nullptr;
  ConfigApplyFn apply = nullptr;
  // CONFIG REWRITE: the LumaDB option this parameter maps to (null: none),
  // its value translator (null: same text) and LumaDB's default for it.
  const char* lumadb_option = nullptr;
  ConfigRewriteFn to_option = nullptr;
  const char* lumadb_default = "";

  // Builders used by the table.
  ConfigParam& Alias(const char* a) { alias = a; return *this; }
  ConfigParam& Flags(uint32_t f) { flags |= f; return *this; }
  ConfigParam& Apply(ConfigApplyFn f) { apply = f; return *this; }
  ConfigParam& Option(const char* key, const char* lumadb_def, ConfigRewriteFn fn = nullptr) {
    lumadb_option = key;
    lumadb_default = lumadb_def;
    to_option = fn;
    return *this;
  }
};

// Every parameter, primary names only (aliases are fields).
const std::vector<ConfigParam>& ConfigParams();
// By primary name or alias, case-insensitive. *via_alias tells which.
const ConfigParam* FindConfigParam(std::string_view name, bool* via_alias = nullptr);
size_t ConfigIndex(const ConfigParam* p);

// Parses `value` as CONFIG SET would for `p` (without its apply hook). On
// success *canonical is the text CONFIG GET will answer.
bool ParseConfigValue(const ConfigParam& p, std::string_view value, const std::string& current,
                      std::string* canonical, std::string* err);

// Redis's memtoull: digits with an optional b/k/kb/m/mb/g/gb unit (any case);
// no sign. False on anything else.
bool ParseRedisMemory(std::string_view s, uint64_t* out);
// Redis's config-file memory format: 1gb, 512mb, 64kb or plain bytes.
std::string FormatRedisMemory(uint64_t bytes);

// The current values. Thread-safe.
class ConfigStore {
 public:
  ConfigStore();

  // Sets a value without validation or hooks (startup state).
  void Init(std::string_view name, std::string value);
  std::string Get(std::string_view name) const;
  // For apply hooks (the store is already locked).
  const std::string& ValueLocked(std::string_view name) const;

  // CONFIG GET: every match of every pattern, once. Exact names answer under
  // the name given; patterns under the table's names (aliases included).
  std::vector<std::pair<std::string, std::string>> Match(const std::vector<std::string_view>& patterns) const;

  // CONFIG SET of (name, value) pairs, all or nothing: returns "" or the
  // whole error reply ("ERR ...").
  std::string Set(RespServer* server, const std::vector<std::pair<std::string_view, std::string_view>>& pairs);

  // (LumaDB option, LumaDB value) for every parameter that maps to one, for
  // CONFIG REWRITE; `force` when the value differs from LumaDB's default.
  struct RewriteItem {
    std::string option, value;
    bool force;
  };
  std::vector<RewriteItem> RewriteItems() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> values_;  // by ConfigIndex
};


}  // namespace lumadb::protocol::resp

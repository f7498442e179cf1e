#pragma once

#include <string_view>

namespace lumadb::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Sets the minimum level written to stderr. Thread-safe.
void SetLevel(Level level);
Level GetLevel();
// Parses "debug", "info", "warn"/"warning", "error". Returns false on anything else.
bool ParseLevel(std::string_view text, Level* out);

// Writes one line "<UTC time> <L> <message>" to stderr if level is enabled.
void Write(Level level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

}  // namespace lumadb::log

#define LOG_DEBUG(...)                                                                       \
  do {                                                                                       \
    if (::lumadb::log::GetLevel() <= ::lumadb::log::Level::kDebug)                           \
      ::lumadb::log::Write(::lumadb::log::Level::kDebug, __VA_ARGS__);                       \
  } while (0)
#define LOG_INFO(...) ::lumadb::log::Write(::lumadb::log::Level::kInfo, __VA_ARGS__)
#define LOG_WARN(...) ::lumadb::log::Write(::lumadb::log::Level::kWarn, __VA_ARGS__)
#define LOG_ERROR(...) ::lumadb::log::Write(::lumadb::log::Level::kError, __VA_ARGS__)

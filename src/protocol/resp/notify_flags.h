#pragma once

// The event classes of Redis's notify-keyspace-events and their text form.
// Pure: used by the RESP adapter and by the server's option parser.

#include <string>
#include <string_view>

namespace lumadb::protocol::resp {

// Event classes, one bit each, as the letters of notify-keyspace-events.
enum NotifyClass : int {
  kNotifyKeyspace = 1 << 0,   // K: publish on __keyspace@<db>__:<key>
  kNotifyKeyevent = 1 << 1,   // E: publish on __keyevent@<db>__:<event>
  kNotifyGeneric = 1 << 2,    // g: DEL, EXPIRE, RENAME, ...
  kNotifyString = 1 << 3,     // $
  kNotifyList = 1 << 4,       // l
  kNotifySet = 1 << 5,        // s
  kNotifyHash = 1 << 6,       // h
  kNotifyZSet = 1 << 7,       // z
  kNotifyExpired = 1 << 8,    // x
  kNotifyEvicted = 1 << 9,    // e
  kNotifyStream = 1 << 10,    // t
  kNotifyKeyMiss = 1 << 11,   // m (not part of A)
  kNotifyModule = 1 << 12,    // d
  kNotifyNew = 1 << 13,       // n (not part of A)
  // A: every class but K, E, m and n.
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash | kNotifyZSet |
               kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

// Parses a notify-keyspace-events value ("KEA", "Ex", "" = off). Returns -1
// if a character is not a class letter.
int ParseKeyspaceEvents(std::string_view classes);
// The value as CONFIG GET prints it: the classes in Redis's order ("A" when
// all of A is set, which also hides n), then K, E and m.
std::string KeyspaceEventsToString(int flags);
// The CONFIG SET error for a value ParseKeyspaceEvents rejects.
inline constexpr std::string_view kKeyspaceEventsError =
    "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

}  // namespace lumadb::protocol::resp

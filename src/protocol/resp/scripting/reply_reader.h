#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

// Reads one RESP2/RESP3 reply (what a command handler wrote) and reports its
// elements to a visitor. A pure function over bytes: the Lua bridge uses it to
// turn a command's reply into Lua values, the fuzzer feeds it anything.
namespace lumadb::protocol::resp {

class ReplyVisitor {
 public:
  virtual ~ReplyVisitor() = default;
  virtual void OnSimple(std::string_view s) = 0;   // +
  virtual void OnError(std::string_view s) = 0;    // - (without the '-')
  virtual void OnInteger(int64_t v) = 0;           // :
  virtual void OnBulk(std::string_view s) = 0;     // $
  virtual void OnNullBulk() = 0;                   // $-1
  virtual void OnNullArray() = 0;                  // *-1
  virtual void OnNull() = 0;                       // _
  virtual void OnBool(bool b) = 0;                 // #
  virtual void OnDouble(double d) = 0;             // ,
  virtual void OnBigNumber(std::string_view s) = 0;                       // (
  virtual void OnVerbatim(std::string_view format, std::string_view s) = 0;  // =
  // Aggregates: Begin*, then each element followed by OnElementDone (for a
  // map, is_key alternates true/false), then EndAggregate. Pushes (>) are
  // reported as arrays; attributes (|) are skipped.
  virtual void BeginArray(size_t n) = 0;
  virtual void BeginMap(size_t n) = 0;
  virtual void BeginSet(size_t n) = 0;
  virtual void OnElementDone(bool is_key) = 0;
  virtual void EndAggregate() = 0;
};

inline constexpr int kMaxReplyNesting = 1000;

// Parses exactly one reply at the start of `in`. Returns false (the visitor
// may have seen part of it) if the bytes are malformed, truncated, or nest
// deeper than kMaxReplyNesting.
bool ReadReply(std::string_view in, ReplyVisitor* visitor);

}  // namespace lumadb::protocol::resp

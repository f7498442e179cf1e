// Fuzzes the RESP reply reader that feeds command replies to Lua scripts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/resp/scripting/reply_reader.h"

namespace {
using lumadb::protocol::resp::ReplyVisitor;

class Counter final : public ReplyVisitor {
 public:
  size_t n = 0;
  void OnSimple(std::string_view) override { n++; }
  void OnError(std::string_view) override { n++; }
  void OnInteger(int64_t) override { n++; }
  void OnBulk(std::string_view s) override { n += s.size(); }
  void OnNullBulk() override { n++; }
  void OnNullArray() override { n++; }
  void OnNull() override { n++; }
  void OnBool(bool) override { n++; }
  void OnDouble(double) override { n++; }
  void OnBigNumber(std::string_view) override { n++; }
  void OnVerbatim(std::string_view, std::string_view) override { n++; }
  void BeginArray(size_t) override { n++; }
  void BeginMap(size_t) override { n++; }
  void BeginSet(size_t) override { n++; }
  void OnElementDone(bool) override { n++; }
  void EndAggregate() override { n++; }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Counter c;
  lumadb::protocol::resp::ReadReply(std::string_view(reinterpret_cast<const char*>(data), size), &c);
  return 0;
}

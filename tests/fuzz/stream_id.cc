// libFuzzer target: the stream ID parser must never crash, must agree with a
// reimplementation of Redis's algorithm on top of libc's strtoull (which is
// what Redis's string2ull falls back to), and what it accepts must print and
// parse back to the same ID.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "common/strutil.h"
#include "engine/kv/stream.h"

using lumadb::engine::kv::ParseStreamId;
using lumadb::engine::kv::ParseStreamIntervalId;
using lumadb::engine::kv::StreamId;
using lumadb::engine::kv::StreamIdSyntax;

namespace {

bool RefUll(const char* s, uint64_t* out) {
  int64_t ll;
  if (lumadb::ParseInt64(std::string_view(s, strlen(s)), &ll)) {
    if (ll < 0) return false;
    *out = static_cast<uint64_t>(ll);
    return true;
  }
  errno = 0;
  char* end = nullptr;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno == EINVAL || errno == ERANGE || !(*s != '\0' && *end == '\0')) return false;
  *out = v;
  return true;
}

// streamGenericParseIDOrReply, on a C string copy as Redis works.
bool RefParse(std::string_view in, const StreamIdSyntax& syn, StreamId* id, bool* seq_given) {
  if (in.size() > 127) return false;
  char buf[128];
  memcpy(buf, in.data(), in.size());
  buf[in.size()] = '\0';
  if (syn.strict && (buf[0] == '-' || buf[0] == '+') && buf[1] == '\0') return false;
  *seq_given = true;
  if (buf[0] == '-' && buf[1] == '\0') {
    *id = StreamId{0, 0};
    return true;
  }
  if (buf[0] == '+' && buf[1] == '\0') {
    *id = StreamId::Max();
    return true;
  }
  uint64_t ms, seq;
  char* dot = strchr(buf, '-');
  if (dot) *dot = '\0';
  if (!RefUll(buf, &ms)) return false;
  if (dot) {
    if (syn.allow_seq_star && strcmp(dot + 1, "*") == 0) {
      seq = 0;
      *seq_given = false;
    } else if (!RefUll(dot + 1, &seq)) {
      return false;
    }
  } else {
    seq = syn.missing_seq;
  }
  *id = StreamId{ms, seq};
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  StreamIdSyntax syn;
  syn.strict = data[0] & 1;
  syn.allow_seq_star = data[0] & 2;
  syn.missing_seq = (data[0] & 4) ? UINT64_MAX : 0;
  std::string_view s(reinterpret_cast<const char*>(data) + 1, size - 1);

  StreamId id{1, 1}, ref{2, 2};
  bool given = false, ref_given = true;
  bool ok = ParseStreamId(s, syn, &id, &given);
  bool ref_ok = RefParse(s, syn, &ref, &ref_given);
  if (ok != ref_ok) __builtin_trap();
  if (ok) {
    if (id != ref || given != ref_given) __builtin_trap();
    StreamId back;
    bool back_given = false;
    if (!ParseStreamId(id.ToString(), StreamIdSyntax{}, &back, &back_given) || back != id || !back_given) {
      __builtin_trap();
    }
  }

  bool exclusive = false;
  StreamId iv;
  if (ParseStreamIntervalId(s, syn.missing_seq, &iv, &exclusive)) {
    if (exclusive && (s.size() < 2 || s[0] != '(')) __builtin_trap();
    StreamId moved = iv;
    bool inc = moved.Increment();
    if (inc ? !(moved > iv) : !(iv == StreamId::Max() && moved == StreamId{0, 0})) __builtin_trap();
  }
  return 0;
}

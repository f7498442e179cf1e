// libFuzzer target: the PostgreSQL startup packet parser, the message framer
// and every frontend body decoder must never crash or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/postgres/codec.h"

namespace pg = lumadb::protocol::postgres;

namespace {

// Decodes a framed message the way a session would pick the decoder.
void DecodeBody(const pg::Message& m) {
  switch (m.type) {
    case 'Q': {
      std::string_view sql;
      (void)pg::DecodeQuery(m.body, &sql);
      break;
    }
    case 'P': {
      pg::ParseMessageBody p;
      (void)pg::DecodeParse(m.body, &p);
      break;
    }
    case 'B': {
      pg::BindMessageBody b;
      if (pg::DecodeBind(m.body, &b)) {
        for (size_t i = 0; i < b.params.size() + 2; i++) {
          (void)pg::FormatFor(b.param_formats, i);
          (void)pg::FormatFor(b.result_formats, i);
        }
        // Every view must lie inside the body.
        for (const auto& v : b.params) {
          if (v && !v->empty() && (v->data() < m.body.data() || v->data() + v->size() > m.body.data() + m.body.size())) {
            __builtin_trap();
          }
        }
      }
      break;
    }
    case 'D':
    case 'C': {
      pg::TargetBody t;
      (void)(m.type == 'D' ? pg::DecodeDescribe(m.body, &t) : pg::DecodeClose(m.body, &t));
      break;
    }
    case 'E': {
      pg::ExecuteBody e;
      (void)pg::DecodeExecute(m.body, &e);
      break;
    }
    case 'p': {
      std::string_view password;
      (void)pg::DecodePassword(m.body, &password);
      pg::SaslInitialBody s;
      (void)pg::DecodeSaslInitial(m.body, &s);
      break;
    }
    case 'f': {
      std::string_view message;
      (void)pg::DecodeCopyFail(m.body, &message);
      break;
    }
    default:
      break;  // S, H, X, d, c, F and unknown types carry nothing to decode here
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view buf(reinterpret_cast<const char*>(data), size);
  pg::StartupPacket startup;
  pg::ParseResult r;
  // An SSLRequest or GSSENCRequest (refused) is followed by another startup packet.
  do {
    r = pg::ParseStartup(buf, &startup);
    if (r.status != pg::Parse::kOk) break;
    if (r.consumed < 8 || r.consumed > buf.size()) __builtin_trap();
    (void)startup.Get("user");
    buf.remove_prefix(r.consumed);
  } while (startup.kind == pg::StartupKind::kSslRequest || startup.kind == pg::StartupKind::kGssEncRequest);
  // Whatever the startup packet did, frame the rest as regular messages (a
  // failed startup still exercises the framer on the whole input).
  while (!buf.empty()) {
    pg::Message m;
    r = pg::ParseMessage(buf, 1 << 20, &m);
    if (r.status != pg::Parse::kOk) break;
    if (r.consumed < 5 || r.consumed > buf.size() || m.body.size() != r.consumed - 5) __builtin_trap();
    DecodeBody(m);
    buf.remove_prefix(r.consumed);
  }
  return 0;
}

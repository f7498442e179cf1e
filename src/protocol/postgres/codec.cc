#include "protocol/postgres/codec.h"

namespace lumadb::protocol::postgres {

namespace {

constexpr std::string_view kProtocolViolation = "08P01";
constexpr std::string_view kFeatureNotSupported = "0A000";

ParseResult Error(std::string message, std::string_view sqlstate = kProtocolViolation) {
  ParseResult r;
  r.status = Parse::kError;
  r.error = std::move(message);
  r.sqlstate = std::string(sqlstate);
  return r;
}

uint32_t LoadU32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}

uint16_t LoadU16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}

// A cursor over a message body with the checks of PostgreSQL's pq_getmsg*
// (src/backend/libpq/pqformat.c): nothing is read past the end of the body.
class Reader {
 public:
  explicit Reader(std::string_view body) : body_(body) {}

  bool Byte(char* v) {
    if (pos_ >= body_.size()) return false;
    *v = body_[pos_++];
    return true;
  }
  // pq_getmsgint(msg, 2) returns the two bytes unsigned, so counts read this
  // way range over 0..65535 as in PostgreSQL.
  bool U16(uint16_t* v) {
    if (body_.size() - pos_ < 2) return false;
    *v = LoadU16(body_.data() + pos_);
    pos_ += 2;
    return true;
  }
  bool I16(int16_t* v) {
    uint16_t u;
    if (!U16(&u)) return false;
    *v = static_cast<int16_t>(u);
    return true;
  }
  bool U32(uint32_t* v) {
    if (body_.size() - pos_ < 4) return false;
    *v = LoadU32(body_.data() + pos_);
    pos_ += 4;
    return true;
  }
  bool I32(int32_t* v) {
    uint32_t u;
    if (!U32(&u)) return false;
    *v = static_cast<int32_t>(u);
    return true;
  }
  // pq_getmsgstring: the terminating NUL must lie inside the body.
  bool String(std::string_view* v) {
    size_t nul = body_.find('\0', pos_);
    if (nul == std::string_view::npos) return false;
    *v = body_.substr(pos_, nul - pos_);
    pos_ = nul + 1;
    return true;
  }
  // pq_getmsgbytes: a negative length is "insufficient data left in message".
  bool Bytes(int32_t n, std::string_view* v) {
    if (n < 0 || static_cast<size_t>(n) > body_.size() - pos_) return false;
    *v = body_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return true;
  }
  size_t remaining() const { return body_.size() - pos_; }
  // pq_getmsgend: trailing bytes are "invalid message format".
  bool AtEnd() const { return pos_ == body_.size(); }

 private:
  std::string_view body_;
  size_t pos_ = 0;
};

bool DecodeTarget(std::string_view body, TargetBody* out) {
  Reader r(body);
  if (!r.Byte(&out->kind) || !r.String(&out->name) || !r.AtEnd()) return false;
  return out->kind == 'S' || out->kind == 'P';
}

// A body that is exactly one NUL-terminated string.
bool DecodeOneString(std::string_view body, std::string_view* s) {
  Reader r(body);
  return r.String(s) && r.AtEnd();
}

void PutI16(std::string* out, int16_t v) {
  auto u = static_cast<uint16_t>(v);
  out->push_back(static_cast<char>(u >> 8));
  out->push_back(static_cast<char>(u & 0xff));
}

void PutI32(std::string* out, int32_t v) {
  auto u = static_cast<uint32_t>(v);
  char b[4] = {static_cast<char>(u >> 24), static_cast<char>((u >> 16) & 0xff),
               static_cast<char>((u >> 8) & 0xff), static_cast<char>(u & 0xff)};
  out->append(b, 4);
}

void StoreI32(std::string* out, size_t at, int32_t v) {
  auto u = static_cast<uint32_t>(v);
  (*out)[at] = static_cast<char>(u >> 24);
  (*out)[at + 1] = static_cast<char>((u >> 16) & 0xff);
  (*out)[at + 2] = static_cast<char>((u >> 8) & 0xff);
  (*out)[at + 3] = static_cast<char>(u & 0xff);
}

void PutString(std::string* out, std::string_view s) {
  out->append(s);
  out->push_back('\0');
}

// Writes the type byte and a length placeholder; returns where the length goes.
size_t Begin(std::string* out, char type) {
  out->push_back(type);
  size_t at = out->size();
  out->append(4, '\0');
  return at;
}

void End(std::string* out, size_t at) { StoreI32(out, at, static_cast<int32_t>(out->size() - at)); }

void AppendEmpty(std::string* out, char type) {
  out->push_back(type);
  PutI32(out, 4);
}

void AppendAuth(std::string* out, int32_t code, std::string_view extra = {}) {
  size_t at = Begin(out, 'R');
  PutI32(out, code);
  out->append(extra);
  End(out, at);
}

void AppendField(std::string* out, char code, std::string_view value) {
  if (value.empty()) return;
  out->push_back(code);
  PutString(out, value);
}

void AppendErrorOrNotice(std::string* out, char type, const ErrorFields& e) {
  size_t at = Begin(out, type);
  // S, V, C and M are always sent (M is required by the protocol; elog.c
  // substitutes "missing error text"); the rest only when set, in the order
  // of elog.c's send_message_to_frontend.
  out->push_back('S');
  PutString(out, e.severity);
  out->push_back('V');
  PutString(out, e.severity);
  out->push_back('C');
  PutString(out, e.sqlstate);
  out->push_back('M');
  PutString(out, e.message.empty() ? std::string_view("missing error text") : std::string_view(e.message));
  AppendField(out, 'D', e.detail);
  AppendField(out, 'H', e.hint);
  AppendField(out, 'W', e.where);
  AppendField(out, 's', e.schema);
  AppendField(out, 't', e.table);
  AppendField(out, 'c', e.column);
  AppendField(out, 'd', e.datatype);
  AppendField(out, 'n', e.constraint);
  if (e.position > 0) AppendField(out, 'P', std::to_string(e.position));
  if (e.internal_position > 0) AppendField(out, 'p', std::to_string(e.internal_position));
  AppendField(out, 'q', e.internal_query);
  AppendField(out, 'F', e.file);
  AppendField(out, 'L', e.line);
  AppendField(out, 'R', e.routine);
  out->push_back('\0');
  End(out, at);
}

void AppendCopyResponse(std::string* out, char type, int8_t format, const std::vector<int16_t>& column_formats) {
  size_t at = Begin(out, type);
  out->push_back(static_cast<char>(format));
  PutI16(out, static_cast<int16_t>(column_formats.size()));
  for (int16_t f : column_formats) PutI16(out, f);
  End(out, at);
}

}  // namespace

std::optional<std::string_view> StartupPacket::Get(std::string_view name) const {
  // PostgreSQL lets a repeated parameter's later value win.
  for (auto it = params.rbegin(); it != params.rend(); ++it) {
    if (it->first == name) return std::string_view(it->second);
  }
  return std::nullopt;
}

ParseResult ParseStartup(std::string_view in, StartupPacket* out) {
  *out = StartupPacket{};
  if (in.size() < 4) return {};
  // ProcessStartupPacket checks the length word before reading the body, so
  // a bad length is reported without waiting for more bytes.
  int64_t len = static_cast<int32_t>(LoadU32(in.data()));
  int64_t body_len = len - 4;
  if (body_len < 4 || body_len > static_cast<int64_t>(kMaxStartupPacket)) {
    return Error("invalid length of startup packet");
  }
  if (in.size() < static_cast<size_t>(len)) return {};
  std::string_view body = in.substr(4, static_cast<size_t>(body_len));
  const int32_t code = static_cast<int32_t>(LoadU32(body.data()));

  ParseResult ok;
  ok.status = Parse::kOk;
  ok.consumed = static_cast<size_t>(len);
  switch (code) {
    case kCancelRequestCode:
      if (len != 16) return Error("invalid length of startup packet");
      out->kind = StartupKind::kCancel;
      out->cancel_pid = static_cast<int32_t>(LoadU32(body.data() + 4));
      out->cancel_key = static_cast<int32_t>(LoadU32(body.data() + 8));
      return ok;
    case kSslRequestCode:
    case kGssEncRequestCode:
      if (len != 8) return Error("invalid length of startup packet");
      out->kind = code == kSslRequestCode ? StartupKind::kSslRequest : StartupKind::kGssEncRequest;
      return ok;
    default:
      break;
  }

  const uint32_t version = static_cast<uint32_t>(code);
  const uint32_t major = version >> 16, minor = version & 0xffff;
  if (major != 3) {
    return Error("unsupported frontend protocol " + std::to_string(major) + "." + std::to_string(minor) +
                     ": server supports 3.0 to 3.0",
                 kFeatureNotSupported);
  }
  out->kind = StartupKind::kStartup;
  out->protocol = code;

  // ProcessStartupPacket's scan: PostgreSQL reads the body into a buffer with
  // one extra zero byte, so a string running to the end of the body ends
  // there; the layout is valid only if the scan stops on a terminator that is
  // the body's last byte.
  auto string_at = [&](size_t off) {
    size_t nul = body.find('\0', off);
    return body.substr(off, (nul == std::string_view::npos ? body.size() : nul) - off);
  };
  const size_t n = body.size();
  size_t off = 4;
  while (off < n) {
    std::string_view name = string_at(off);
    if (name.empty()) break;  // the terminator
    size_t val_off = off + name.size() + 1;
    if (val_off >= n) break;  // missing value
    std::string_view value = string_at(val_off);
    out->params.emplace_back(std::string(name), std::string(value));
    off = val_off + value.size() + 1;
  }
  if (off != n - 1) return Error("invalid startup packet layout: expected terminator as last byte");
  return ok;
}

ParseResult ParseMessage(std::string_view in, size_t max_message, Message* out) {
  if (in.size() < 5) return {};
  // The length word is an Int32: anything negative is below 4.
  int64_t len = static_cast<int32_t>(LoadU32(in.data() + 1));
  if (len < 4 || static_cast<uint64_t>(len - 4) > max_message) return Error("invalid message length");
  if (in.size() - 1 < static_cast<size_t>(len)) return {};
  out->type = in[0];
  out->body = in.substr(5, static_cast<size_t>(len - 4));
  ParseResult r;
  r.status = Parse::kOk;
  r.consumed = 1 + static_cast<size_t>(len);
  return r;
}

bool DecodeQuery(std::string_view body, std::string_view* sql) { return DecodeOneString(body, sql); }

bool DecodeParse(std::string_view body, ParseMessageBody* out) {
  Reader r(body);
  out->param_types.clear();
  uint16_t n;
  if (!r.String(&out->statement) || !r.String(&out->query) || !r.U16(&n)) return false;
  if (r.remaining() != size_t{n} * 4) return false;
  out->param_types.resize(n);
  for (uint32_t& t : out->param_types) (void)r.U32(&t);
  return r.AtEnd();
}

bool DecodeBind(std::string_view body, BindMessageBody* out) {
  Reader r(body);
  out->param_formats.clear();
  out->params.clear();
  out->result_formats.clear();
  auto read_formats = [&r](std::vector<int16_t>* formats) {
    uint16_t n;
    if (!r.U16(&n) || r.remaining() < size_t{n} * 2) return false;
    formats->resize(n);
    for (int16_t& f : *formats) (void)r.I16(&f);
    return true;
  };
  if (!r.String(&out->portal) || !r.String(&out->statement) || !read_formats(&out->param_formats)) return false;
  uint16_t n;
  // Each value takes at least its 4-byte length.
  if (!r.U16(&n) || r.remaining() < size_t{n} * 4) return false;
  out->params.reserve(n);
  for (uint16_t i = 0; i < n; i++) {
    int32_t len;
    if (!r.I32(&len)) return false;
    if (len == -1) {
      out->params.emplace_back(std::nullopt);
      continue;
    }
    std::string_view value;
    if (!r.Bytes(len, &value)) return false;
    out->params.emplace_back(value);
  }
  return read_formats(&out->result_formats) && r.AtEnd();
}

int16_t FormatFor(const std::vector<int16_t>& formats, size_t i) {
  if (formats.empty()) return 0;
  if (formats.size() == 1) return formats[0];
  return i < formats.size() ? formats[i] : 0;
}

bool DecodeDescribe(std::string_view body, TargetBody* out) { return DecodeTarget(body, out); }

bool DecodeClose(std::string_view body, TargetBody* out) { return DecodeTarget(body, out); }

bool DecodeExecute(std::string_view body, ExecuteBody* out) {
  Reader r(body);
  return r.String(&out->portal) && r.I32(&out->max_rows) && r.AtEnd();
}

bool DecodePassword(std::string_view body, std::string_view* password) {
  // recv_password_packet: "invalid password packet size" unless the string fills the body.
  return DecodeOneString(body, password);
}

bool DecodeSaslInitial(std::string_view body, SaslInitialBody* out) {
  Reader r(body);
  int32_t len;
  if (!r.String(&out->mechanism) || !r.I32(&len)) return false;
  out->data.reset();
  if (len != -1) {
    std::string_view data;
    if (!r.Bytes(len, &data)) return false;
    out->data = data;
  }
  return r.AtEnd();
}

bool DecodeCopyFail(std::string_view body, std::string_view* message) {
  // CopyGetData reads the string without pq_getmsgend, so trailing bytes pass.
  Reader r(body);
  return r.String(message);
}

void AppendAuthOk(std::string* out) { AppendAuth(out, 0); }

void AppendAuthCleartext(std::string* out) { AppendAuth(out, 3); }

void AppendAuthMd5(std::string* out, const uint8_t salt[4]) {
  AppendAuth(out, 5, std::string_view(reinterpret_cast<const char*>(salt), 4));
}

void AppendAuthSasl(std::string* out, const std::vector<std::string>& mechanisms) {
  size_t at = Begin(out, 'R');
  PutI32(out, 10);
  for (const std::string& m : mechanisms) PutString(out, m);
  out->push_back('\0');
  End(out, at);
}

void AppendAuthSaslContinue(std::string* out, std::string_view data) { AppendAuth(out, 11, data); }

void AppendAuthSaslFinal(std::string* out, std::string_view data) { AppendAuth(out, 12, data); }

void AppendParameterStatus(std::string* out, std::string_view name, std::string_view value) {
  size_t at = Begin(out, 'S');
  PutString(out, name);
  PutString(out, value);
  End(out, at);
}

void AppendBackendKeyData(std::string* out, int32_t pid, int32_t key) {
  out->push_back('K');
  PutI32(out, 12);
  PutI32(out, pid);
  PutI32(out, key);
}

void AppendReadyForQuery(std::string* out, char status) {
  out->push_back('Z');
  PutI32(out, 5);
  out->push_back(status);
}

void AppendNegotiateProtocolVersion(std::string* out, int32_t newest_minor,
                                    const std::vector<std::string>& unrecognized) {
  size_t at = Begin(out, 'v');
  PutI32(out, newest_minor);
  PutI32(out, static_cast<int32_t>(unrecognized.size()));
  for (const std::string& option : unrecognized) PutString(out, option);
  End(out, at);
}

void AppendRowDescription(std::string* out, const std::vector<FieldDescription>& fields) {
  size_t at = Begin(out, 'T');
  PutI16(out, static_cast<int16_t>(fields.size()));
  for (const FieldDescription& f : fields) {
    PutString(out, f.name);
    PutI32(out, static_cast<int32_t>(f.table_oid));
    PutI16(out, f.column);
    PutI32(out, static_cast<int32_t>(f.type_oid));
    PutI16(out, f.type_size);
    PutI32(out, f.type_modifier);
    PutI16(out, f.format);
  }
  End(out, at);
}

void AppendNoData(std::string* out) { AppendEmpty(out, 'n'); }

void AppendParameterDescription(std::string* out, const std::vector<uint32_t>& type_oids) {
  size_t at = Begin(out, 't');
  PutI16(out, static_cast<int16_t>(type_oids.size()));
  for (uint32_t oid : type_oids) PutI32(out, static_cast<int32_t>(oid));
  End(out, at);
}

DataRowWriter::DataRowWriter(std::string* out, int16_t columns) : out_(out), start_(Begin(out, 'D')) {
  PutI16(out_, columns);
}

void DataRowWriter::Add(std::string_view value) {
  PutI32(out_, static_cast<int32_t>(value.size()));
  out_->append(value);
}

void DataRowWriter::AddNull() { PutI32(out_, -1); }

char* DataRowWriter::AddRaw(size_t n) {
  PutI32(out_, static_cast<int32_t>(n));
  size_t at = out_->size();
  out_->resize(at + n);
  return out_->data() + at;
}

void DataRowWriter::Finish() { End(out_, start_); }

void AppendCommandComplete(std::string* out, std::string_view tag) {
  size_t at = Begin(out, 'C');
  PutString(out, tag);
  End(out, at);
}

void AppendEmptyQueryResponse(std::string* out) { AppendEmpty(out, 'I'); }

void AppendParseComplete(std::string* out) { AppendEmpty(out, '1'); }

void AppendBindComplete(std::string* out) { AppendEmpty(out, '2'); }

void AppendCloseComplete(std::string* out) { AppendEmpty(out, '3'); }

void AppendPortalSuspended(std::string* out) { AppendEmpty(out, 's'); }

void AppendErrorResponse(std::string* out, const ErrorFields& e) { AppendErrorOrNotice(out, 'E', e); }

void AppendNoticeResponse(std::string* out, const ErrorFields& e) { AppendErrorOrNotice(out, 'N', e); }

void AppendCopyInResponse(std::string* out, int8_t format, const std::vector<int16_t>& column_formats) {
  AppendCopyResponse(out, 'G', format, column_formats);
}

void AppendCopyOutResponse(std::string* out, int8_t format, const std::vector<int16_t>& column_formats) {
  AppendCopyResponse(out, 'H', format, column_formats);
}

void AppendCopyData(std::string* out, std::string_view data) {
  out->push_back('d');
  PutI32(out, static_cast<int32_t>(data.size() + 4));
  out->append(data);
}

void AppendCopyDone(std::string* out) { AppendEmpty(out, 'c'); }

void AppendNotification(std::string* out, int32_t pid, std::string_view channel, std::string_view payload) {
  size_t at = Begin(out, 'A');
  PutI32(out, pid);
  PutString(out, channel);
  PutString(out, payload);
  End(out, at);
}

}  // namespace lumadb::protocol::postgres

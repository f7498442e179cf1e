#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// PostgreSQL frontend/backend protocol v3 framing: splits the client's bytes
// into messages, decodes each frontend message's body, and encodes the
// backend messages. Pure functions over bytes: no sockets, no engine.
// Reference: https://www.postgresql.org/docs/15/protocol-message-formats.html
namespace lumadb::protocol::postgres {

// PostgreSQL 15's limits: a startup packet over 10000 bytes is refused
// (MAX_STARTUP_PACKET_LENGTH); other messages are bounded by the caller's
// max_message (PostgreSQL's PQ_LARGE_MESSAGE_LIMIT is 1 GB - 1).
constexpr size_t kMaxStartupPacket = 10000;
constexpr int32_t kProtocolV3 = 196608;       // 3 << 16
constexpr int32_t kSslRequestCode = 80877103;
constexpr int32_t kGssEncRequestCode = 80877104;
constexpr int32_t kCancelRequestCode = 80877102;

enum class Parse : uint8_t {
  kOk,          // one message decoded; `consumed` bytes used
  kIncomplete,  // need more bytes
  kError,       // malformed: `error` says why (the session sends FATAL and closes)
};

struct ParseResult {
  Parse status = Parse::kIncomplete;
  size_t consumed = 0;
  std::string error;  // PostgreSQL-style wording, e.g. "invalid length of startup packet"
  // SQLSTATE for the error (08P01 protocol_violation unless noted; 0A000 for
  // an unsupported protocol version).
  std::string sqlstate;
};

enum class StartupKind : uint8_t { kStartup, kSslRequest, kGssEncRequest, kCancel };

struct StartupPacket {
  StartupKind kind = StartupKind::kStartup;
  int32_t protocol = 0;  // kStartup: the version sent (major << 16 | minor)
  // kStartup: the parameters in order (user, database, options, application_name, ...).
  std::vector<std::pair<std::string, std::string>> params;
  int32_t cancel_pid = 0;  // kCancel
  int32_t cancel_key = 0;  // kCancel

  // The value of a startup parameter, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
};

// The first packet of a connection: Int32 length (itself included), Int32
// code, then for a StartupMessage NUL-terminated name/value pairs ending with
// an empty name. A length below 8 or one whose packet after the length word
// exceeds kMaxStartupPacket is an error ("invalid length of startup packet"),
// as is an SSLRequest or GSSENCRequest whose length is not 8 or a
// CancelRequest whose length is not 16; a protocol major version other than 3
// is an error with 0A000 ("unsupported frontend protocol %u.%u: server
// supports 3.0 to 3.0"); minor versions above 0 are accepted (the session
// answers NegotiateProtocolVersion when needed). Missing terminators are
// errors ("invalid startup packet layout: expected terminator as last byte").
ParseResult ParseStartup(std::string_view in, StartupPacket* out);

// A regular message: Byte1 type, Int32 length (itself included), body.
struct Message {
  char type = 0;
  std::string_view body;  // points into the input
};

// Frames one message. A length below 4 or with length - 4 > max_message is
// an error ("invalid message length").
ParseResult ParseMessage(std::string_view in, size_t max_message, Message* out);

// ---- Frontend message bodies (each returns false on a malformed body) ----

// 'Q' Query: one NUL-terminated string.
bool DecodeQuery(std::string_view body, std::string_view* sql);

// 'P' Parse.
struct ParseMessageBody {
  std::string_view statement;  // "" = unnamed
  std::string_view query;
  std::vector<uint32_t> param_types;  // 0 = unspecified
};
bool DecodeParse(std::string_view body, ParseMessageBody* out);

// 'B' Bind.
struct BindMessageBody {
  std::string_view portal;
  std::string_view statement;
  // Parameter format codes as sent: empty (all text), one (applies to all), or one per parameter.
  std::vector<int16_t> param_formats;
  std::vector<std::optional<std::string_view>> params;  // nullopt = SQL NULL (length -1)
  std::vector<int16_t> result_formats;  // same convention as param_formats
};
// Counts are read as PostgreSQL reads them (unsigned 16-bit). A format list
// whose length is neither 0, 1 nor the parameter count is returned as sent,
// so the session can report PostgreSQL's "bind message has %d parameter
// formats but %d parameters".
bool DecodeBind(std::string_view body, BindMessageBody* out);
// The format code (0 text, 1 binary) of item i under PostgreSQL's convention
// for a format list of length 0, 1 or n.
int16_t FormatFor(const std::vector<int16_t>& formats, size_t i);

// 'D' Describe and 'C' Close: Byte1 'S' (statement) or 'P' (portal), then a
// name. Any other kind byte is a malformed body.
struct TargetBody {
  char kind = 0;
  std::string_view name;
};
bool DecodeDescribe(std::string_view body, TargetBody* out);
bool DecodeClose(std::string_view body, TargetBody* out);

// 'E' Execute.
struct ExecuteBody {
  std::string_view portal;
  int32_t max_rows = 0;  // as sent; PostgreSQL treats 0 and negative as no limit
};
bool DecodeExecute(std::string_view body, ExecuteBody* out);

// 'p' PasswordMessage / SASLInitialResponse / SASLResponse share the type byte.
bool DecodePassword(std::string_view body, std::string_view* password);  // NUL-terminated string
struct SaslInitialBody {
  std::string_view mechanism;
  std::optional<std::string_view> data;  // length -1 = none
};
bool DecodeSaslInitial(std::string_view body, SaslInitialBody* out);
// SASLResponse: the body is the data itself.

// 'f' CopyFail: NUL-terminated error message; like PostgreSQL, bytes after
// it are ignored. ('d' CopyData's body is the data.)
bool DecodeCopyFail(std::string_view body, std::string_view* message);

// ---- Backend messages (appended to `out`) ----

void AppendAuthOk(std::string* out);                                   // R, 0
void AppendAuthCleartext(std::string* out);                            // R, 3
void AppendAuthMd5(std::string* out, const uint8_t salt[4]);           // R, 5
void AppendAuthSasl(std::string* out, const std::vector<std::string>& mechanisms);  // R, 10
void AppendAuthSaslContinue(std::string* out, std::string_view data);  // R, 11
void AppendAuthSaslFinal(std::string* out, std::string_view data);     // R, 12
void AppendParameterStatus(std::string* out, std::string_view name, std::string_view value);  // S
void AppendBackendKeyData(std::string* out, int32_t pid, int32_t key);                       // K
// Z: status 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block.
void AppendReadyForQuery(std::string* out, char status);
void AppendNegotiateProtocolVersion(std::string* out, int32_t newest_minor,
                                    const std::vector<std::string>& unrecognized);  // v

struct FieldDescription {
  std::string name;
  uint32_t table_oid = 0;
  int16_t column = 0;
  uint32_t type_oid = 0;
  int16_t type_size = -1;
  int32_t type_modifier = -1;
  int16_t format = 0;  // 0 text, 1 binary
};
void AppendRowDescription(std::string* out, const std::vector<FieldDescription>& fields);  // T
void AppendNoData(std::string* out);                                                       // n
void AppendParameterDescription(std::string* out, const std::vector<uint32_t>& type_oids);  // t

// D: builds one DataRow in place, so rows cost no intermediate allocation.
// Usage: DataRowWriter w(out, ncols); w.Add(value) or w.AddNull() ncols times; w.Finish().
class DataRowWriter {
 public:
  DataRowWriter(std::string* out, int16_t columns);
  void Add(std::string_view value);
  void AddNull();
  // Reserves `n` bytes for a value written directly into the returned pointer
  // (binary formats). The pointer is valid until the next call.
  char* AddRaw(size_t n);
  void Finish();  // patches the message length

 private:
  std::string* out_;
  size_t start_;
};

void AppendCommandComplete(std::string* out, std::string_view tag);  // C, e.g. "INSERT 0 3", "SELECT 5"
void AppendEmptyQueryResponse(std::string* out);                    // I
void AppendParseComplete(std::string* out);                         // 1
void AppendBindComplete(std::string* out);                          // 2
void AppendCloseComplete(std::string* out);                         // 3
void AppendPortalSuspended(std::string* out);                       // s

// E and N. Fields are written in PostgreSQL 15's order (elog.c
// send_message_to_frontend): S, V, C, M, D, H, W, s, t, c, d, n, P, p, q, F,
// L, R. S, V, C and M are always sent (V repeats S untranslated; an empty
// message is sent as "missing error text"); the rest only when non-empty
// (P and p when positive).
struct ErrorFields {
  std::string severity = "ERROR";  // ERROR, FATAL, PANIC, WARNING, NOTICE, DEBUG, INFO, LOG
  std::string sqlstate = "XX000";
  std::string message;
  std::string detail;
  std::string hint;
  int position = 0;  // 1-based character position in the query, 0 = none
  std::string internal_query;
  int internal_position = 0;
  std::string where;
  std::string schema, table, column, datatype, constraint;
  std::string file, line, routine;
};
void AppendErrorResponse(std::string* out, const ErrorFields& e);
void AppendNoticeResponse(std::string* out, const ErrorFields& e);

// COPY: overall format 0 text / 1 binary and one format code per column.
void AppendCopyInResponse(std::string* out, int8_t format, const std::vector<int16_t>& column_formats);   // G
void AppendCopyOutResponse(std::string* out, int8_t format, const std::vector<int16_t>& column_formats);  // H
void AppendCopyData(std::string* out, std::string_view data);                                           // d
void AppendCopyDone(std::string* out);                                                                  // c
void AppendNotification(std::string* out, int32_t pid, std::string_view channel, std::string_view payload);  // A

}  // namespace lumadb::protocol::postgres

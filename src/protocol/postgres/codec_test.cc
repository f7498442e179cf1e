#include "protocol/postgres/codec.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace lumadb::protocol::postgres {
namespace {

// Bytes of a string literal, embedded NULs included (the literal's own
// terminator excluded). Views of it stay valid: literals are static.
template <size_t N>
constexpr std::string_view B(const char (&s)[N]) {
  return std::string_view(s, N - 1);
}

// ---- ParseStartup ----

TEST(PgStartup, StartupMessageWithParams) {
  // Int32 length 56, Int32 196608 (3.0), three name/value pairs, terminator.
  const std::string framed(B("\x00\x00\x00\x38" "\x00\x03\x00\x00"
                               "user\0alice\0database\0shop\0application_name\0psql\0\0"));
  ASSERT_EQ(framed.size(), 56u);

  StartupPacket p;
  ParseResult r = ParseStartup(framed + "trailing", &p);
  ASSERT_EQ(r.status, Parse::kOk) << r.error;
  EXPECT_EQ(r.consumed, 56u);
  EXPECT_EQ(p.kind, StartupKind::kStartup);
  EXPECT_EQ(p.protocol, kProtocolV3);
  ASSERT_EQ(p.params.size(), 3u);
  EXPECT_EQ(p.params[0], (std::pair<std::string, std::string>{"user", "alice"}));
  EXPECT_EQ(p.params[1], (std::pair<std::string, std::string>{"database", "shop"}));
  EXPECT_EQ(p.params[2], (std::pair<std::string, std::string>{"application_name", "psql"}));
  EXPECT_EQ(p.Get("user"), "alice");
  EXPECT_EQ(p.Get("database"), "shop");
  EXPECT_EQ(p.Get("options"), std::nullopt);
}

TEST(PgStartup, RepeatedParameterLaterValueWinsAndEmptyValue) {
  std::string pkt(B("\x00\x00\x00\x1a" "\x00\x03\x00\x00" "user\0a\0user\0b\0x\0\0\0"));
  ASSERT_EQ(pkt.size(), 26u);
  StartupPacket p;
  ParseResult r = ParseStartup(pkt, &p);
  ASSERT_EQ(r.status, Parse::kOk) << r.error;
  ASSERT_EQ(p.params.size(), 3u);
  EXPECT_EQ(p.Get("user"), "b");
  EXPECT_EQ(p.Get("x"), "");
}

TEST(PgStartup, MinorVersionAbove0Accepted) {
  std::string pkt(B("\x00\x00\x00\x09" "\x00\x03\x00\x02" "\0"));
  StartupPacket p;
  ParseResult r = ParseStartup(pkt, &p);
  ASSERT_EQ(r.status, Parse::kOk) << r.error;
  EXPECT_EQ(p.protocol, (3 << 16) | 2);
  EXPECT_TRUE(p.params.empty());
}

TEST(PgStartup, TruncatedIsIncomplete) {
  std::string pkt(B("\x00\x00\x00\x14" "\x00\x03\x00\x00" "user\0alice\0\0"));
  ASSERT_EQ(pkt.size(), 20u);
  StartupPacket p;
  for (size_t n = 0; n < pkt.size(); n++) {
    EXPECT_EQ(ParseStartup(pkt.substr(0, n), &p).status, Parse::kIncomplete) << n;
  }
  EXPECT_EQ(ParseStartup(pkt, &p).status, Parse::kOk);
}

TEST(PgStartup, BadLengthIsErrorWithoutWaitingForBody) {
  StartupPacket p;
  for (std::string_view len : {B("\x00\x00\x00\x00"), B("\x00\x00\x00\x07"), B("\xff\xff\xff\xff"),
                          B("\x80\x00\x00\x00"), B("\x00\x00\x27\x15")}) {  // 10005
    ParseResult r = ParseStartup(len, &p);
    EXPECT_EQ(r.status, Parse::kError);
    EXPECT_EQ(r.error, "invalid length of startup packet");
    EXPECT_EQ(r.sqlstate, "08P01");
  }
  // 10004 (a 10000-byte packet after the length word) is still allowed.
  EXPECT_EQ(ParseStartup(B("\x00\x00\x27\x14"), &p).status, Parse::kIncomplete);
}

TEST(PgStartup, LayoutErrors) {
  StartupPacket p;
  const std::string kLayout = "invalid startup packet layout: expected terminator as last byte";
  // No terminator at all (only the version).
  ParseResult r = ParseStartup(B("\x00\x00\x00\x08" "\x00\x03\x00\x00"), &p);
  EXPECT_EQ(r.status, Parse::kError);
  EXPECT_EQ(r.error, kLayout);
  EXPECT_EQ(r.sqlstate, "08P01");
  // A name without a value.
  r = ParseStartup(B("\x00\x00\x00\x0d" "\x00\x03\x00\x00" "user\0"), &p);
  EXPECT_EQ(r.error, kLayout);
  // A value without the final terminator.
  r = ParseStartup(B("\x00\x00\x00\x11" "\x00\x03\x00\x00" "user\0bob\0"), &p);
  EXPECT_EQ(r.error, kLayout);
  // An unterminated value running to the end.
  r = ParseStartup(B("\x00\x00\x00\x10" "\x00\x03\x00\x00" "user\0bob"), &p);
  EXPECT_EQ(r.error, kLayout);
  // Bytes after the terminator.
  r = ParseStartup(B("\x00\x00\x00\x0a" "\x00\x03\x00\x00" "\0x"), &p);
  EXPECT_EQ(r.error, kLayout);
}

TEST(PgStartup, SslGssEncAndCancel) {
  StartupPacket p;
  ParseResult r = ParseStartup(B("\x00\x00\x00\x08" "\x04\xd2\x16\x2f"), &p);
  ASSERT_EQ(r.status, Parse::kOk);
  EXPECT_EQ(r.consumed, 8u);
  EXPECT_EQ(p.kind, StartupKind::kSslRequest);

  r = ParseStartup(B("\x00\x00\x00\x08" "\x04\xd2\x16\x30" "more"), &p);
  ASSERT_EQ(r.status, Parse::kOk);
  EXPECT_EQ(r.consumed, 8u);
  EXPECT_EQ(p.kind, StartupKind::kGssEncRequest);

  r = ParseStartup(B("\x00\x00\x00\x10" "\x04\xd2\x16\x2e" "\x00\x00\x30\x39" "\xde\xad\xbe\xef"), &p);
  ASSERT_EQ(r.status, Parse::kOk);
  EXPECT_EQ(r.consumed, 16u);
  EXPECT_EQ(p.kind, StartupKind::kCancel);
  EXPECT_EQ(p.cancel_pid, 12345);
  EXPECT_EQ(p.cancel_key, static_cast<int32_t>(0xdeadbeef));

  // Wrong lengths for the special codes.
  for (std::string_view bad : {B("\x00\x00\x00\x0c" "\x04\xd2\x16\x2f" "abcd"), B("\x00\x00\x00\x09" "\x04\xd2\x16\x30" "x"),
                          B("\x00\x00\x00\x0c" "\x04\xd2\x16\x2e" "abcd"),
                          B("\x00\x00\x00\x14" "\x04\xd2\x16\x2e" "abcdefghijkl")}) {
    r = ParseStartup(bad, &p);
    EXPECT_EQ(r.status, Parse::kError);
    EXPECT_EQ(r.error, "invalid length of startup packet");
    EXPECT_EQ(r.sqlstate, "08P01");
  }
}

TEST(PgStartup, Protocol2Refused) {
  StartupPacket p;
  ParseResult r = ParseStartup(B("\x00\x00\x00\x09" "\x00\x02\x00\x00" "\0"), &p);
  EXPECT_EQ(r.status, Parse::kError);
  EXPECT_EQ(r.error, "unsupported frontend protocol 2.0: server supports 3.0 to 3.0");
  EXPECT_EQ(r.sqlstate, "0A000");
  r = ParseStartup(B("\x00\x00\x00\x09" "\x00\x04\x00\x01" "\0"), &p);
  EXPECT_EQ(r.error, "unsupported frontend protocol 4.1: server supports 3.0 to 3.0");
  EXPECT_EQ(r.sqlstate, "0A000");
  // The version is checked before the layout.
  r = ParseStartup(B("\x00\x00\x00\x08" "\xff\xff\x00\x00"), &p);
  EXPECT_EQ(r.error, "unsupported frontend protocol 65535.0: server supports 3.0 to 3.0");
}

// ---- ParseMessage ----

TEST(PgMessage, FramesOneMessage) {
  std::string in(B("Q\x00\x00\x00\x0d" "SELECT 1\0" "X\x00\x00\x00\x04"));
  Message m;
  ParseResult r = ParseMessage(in, 1 << 20, &m);
  ASSERT_EQ(r.status, Parse::kOk);
  EXPECT_EQ(r.consumed, 14u);
  EXPECT_EQ(m.type, 'Q');
  EXPECT_EQ(m.body, B("SELECT 1\0"));
  EXPECT_EQ(m.body.data(), in.data() + 5);  // points into the input
  r = ParseMessage(std::string_view(in).substr(14), 1 << 20, &m);
  ASSERT_EQ(r.status, Parse::kOk);
  EXPECT_EQ(r.consumed, 5u);
  EXPECT_EQ(m.type, 'X');
  EXPECT_TRUE(m.body.empty());
}

TEST(PgMessage, TypeByteZeroIsFramed) {
  Message m;
  ParseResult r = ParseMessage(B("\0\x00\x00\x00\x05" "z"), 100, &m);
  ASSERT_EQ(r.status, Parse::kOk);
  EXPECT_EQ(m.type, '\0');
  EXPECT_EQ(m.body, "z");
}

TEST(PgMessage, TruncatedIsIncomplete) {
  std::string in(B("P\x00\x00\x00\x0a" "s\0" "q\0" "\x00\x00"));
  ASSERT_EQ(in.size(), 11u);
  Message m;
  for (size_t n = 0; n < in.size(); n++) {
    EXPECT_EQ(ParseMessage(std::string_view(in).substr(0, n), 1 << 20, &m).status, Parse::kIncomplete) << n;
  }
  EXPECT_EQ(ParseMessage(in, 1 << 20, &m).status, Parse::kOk);
}

TEST(PgMessage, BadLengths) {
  Message m;
  for (std::string_view in : {B("Q\x00\x00\x00\x00"), B("Q\x00\x00\x00\x03"), B("Q\xff\xff\xff\xff"), B("Q\x80\x00\x00\x00")}) {
    ParseResult r = ParseMessage(in, SIZE_MAX, &m);
    EXPECT_EQ(r.status, Parse::kError);
    EXPECT_EQ(r.error, "invalid message length");
    EXPECT_EQ(r.sqlstate, "08P01");
  }
  // Over max_message: body 11 > 10, reported before the body arrives.
  ParseResult r = ParseMessage(B("Q\x00\x00\x00\x0f"), 10, &m);
  EXPECT_EQ(r.status, Parse::kError);
  EXPECT_EQ(r.error, "invalid message length");
  // Exactly max_message is fine.
  EXPECT_EQ(ParseMessage(B("Q\x00\x00\x00\x0e"), 10, &m).status, Parse::kIncomplete);
}

// ---- Frontend bodies ----

TEST(PgDecode, Query) {
  std::string_view sql;
  ASSERT_TRUE(DecodeQuery(B("SELECT 1\0"), &sql));
  EXPECT_EQ(sql, "SELECT 1");
  ASSERT_TRUE(DecodeQuery(B("\0"), &sql));
  EXPECT_EQ(sql, "");
  EXPECT_FALSE(DecodeQuery("", &sql));
  EXPECT_FALSE(DecodeQuery("SELECT 1", &sql));       // no terminator
  EXPECT_FALSE(DecodeQuery(B("SELECT 1\0x"), &sql));  // trailing bytes
}

TEST(PgDecode, Parse) {
  ParseMessageBody p;
  ASSERT_TRUE(DecodeParse(B("s1\0SELECT $1, $2\0\x00\x02\x00\x00\x00\x17\x00\x00\x00\x00"), &p));
  EXPECT_EQ(p.statement, "s1");
  EXPECT_EQ(p.query, "SELECT $1, $2");
  EXPECT_EQ(p.param_types, (std::vector<uint32_t>{23, 0}));
  ASSERT_TRUE(DecodeParse(B("\0SELECT 1\0\x00\x00"), &p));
  EXPECT_EQ(p.statement, "");
  EXPECT_TRUE(p.param_types.empty());
  // High OIDs are unsigned.
  ASSERT_TRUE(DecodeParse(B("\0q\0\x00\x01\xff\xff\xff\xfe"), &p));
  EXPECT_EQ(p.param_types, (std::vector<uint32_t>{0xfffffffeu}));

  EXPECT_FALSE(DecodeParse("", &p));
  EXPECT_FALSE(DecodeParse(B("s1\0"), &p));                            // no query
  EXPECT_FALSE(DecodeParse(B("s1\0q\0"), &p));                         // no count
  EXPECT_FALSE(DecodeParse(B("s1\0q\0\x00"), &p));                     // half a count
  EXPECT_FALSE(DecodeParse(B("s1\0q\0\x00\x01\x00\x00\x00"), &p));     // short OID
  EXPECT_FALSE(DecodeParse(B("s1\0q\0\x00\x02\x00\x00\x00\x17"), &p)); // one OID of two
  EXPECT_FALSE(DecodeParse(B("s1\0q\0\xff\xff"), &p));                 // 65535 OIDs announced
  EXPECT_FALSE(DecodeParse(B("s1\0q\0\x00\x00z"), &p));                // trailing byte
}

TEST(PgDecode, Bind) {
  BindMessageBody b;
  // Portal "p", statement "s", 1 format (binary), 3 params: "42", NULL, "",
  // 2 result formats (text, binary).
  ASSERT_TRUE(DecodeBind(B("p\0s\0"
                           "\x00\x01" "\x00\x01"
                           "\x00\x03" "\x00\x00\x00\x02" "42" "\xff\xff\xff\xff" "\x00\x00\x00\x00"
                           "\x00\x02" "\x00\x00" "\x00\x01"),
                         &b));
  EXPECT_EQ(b.portal, "p");
  EXPECT_EQ(b.statement, "s");
  EXPECT_EQ(b.param_formats, (std::vector<int16_t>{1}));
  ASSERT_EQ(b.params.size(), 3u);
  EXPECT_EQ(b.params[0], "42");
  EXPECT_EQ(b.params[1], std::nullopt);
  ASSERT_TRUE(b.params[2].has_value());
  EXPECT_EQ(*b.params[2], "");
  EXPECT_EQ(b.result_formats, (std::vector<int16_t>{0, 1}));

  // The smallest Bind: unnamed everything, no formats, no params.
  ASSERT_TRUE(DecodeBind(B("\0\0\x00\x00\x00\x00\x00\x00"), &b));
  EXPECT_TRUE(b.param_formats.empty());
  EXPECT_TRUE(b.params.empty());
  EXPECT_TRUE(b.result_formats.empty());

  // A format count that matches neither 1 nor the parameters is returned as sent.
  ASSERT_TRUE(DecodeBind(B("\0\0\x00\x02\x00\x00\x00\x01\x00\x00\x00\x00"), &b));
  EXPECT_EQ(b.param_formats.size(), 2u);
  EXPECT_TRUE(b.params.empty());
}

TEST(PgDecode, BindMalformed) {
  BindMessageBody b;
  EXPECT_FALSE(DecodeBind("", &b));
  EXPECT_FALSE(DecodeBind(B("p\0"), &b));                                         // no statement
  EXPECT_FALSE(DecodeBind(B("\0\0"), &b));                                        // no format count
  EXPECT_FALSE(DecodeBind(B("\0\0\x00\x02\x00\x01"), &b));                        // one format of two
  EXPECT_FALSE(DecodeBind(B("\0\0\x00\x00"), &b));                                // no param count
  EXPECT_FALSE(DecodeBind(B("\0\0\x00\x00\x00\x01"), &b));                        // no param length
  EXPECT_FALSE(DecodeBind(B("\0\0\x00\x00\x00\x01\x00\x00\x00"), &b));            // short length
  EXPECT_FALSE(DecodeBind(B("\0\0\x00\x00\x00\x01\x00\x00\x00\x05" "abcd\x00\x00"), &b));  // value past the end
  EXPECT_FALSE(DecodeBind(B("\0\0\x00\x00\x00\x01\xff\xff\xff\xfe\x00\x00"), &b));  // length -2
  EXPECT_FALSE(DecodeBind(B("\0\0\x00\x00\x00\x01\x7f\xff\xff\xff\x00\x00"), &b));  // huge length
  EXPECT_FALSE(DecodeBind(B("\0\0\x00\x00\xff\xff"), &b));                        // 65535 params announced
  EXPECT_FALSE(DecodeBind(B("\0\0\x00\x00\x00\x00"), &b));                        // no result format count
  EXPECT_FALSE(DecodeBind(B("\0\0\x00\x00\x00\x00\x00\x01"), &b));                // missing result format
  EXPECT_FALSE(DecodeBind(B("\0\0\x00\x00\x00\x00\x00\x00z"), &b));               // trailing byte
}

TEST(PgDecode, FormatFor) {
  EXPECT_EQ(FormatFor({}, 0), 0);
  EXPECT_EQ(FormatFor({}, 7), 0);
  EXPECT_EQ(FormatFor({1}, 0), 1);
  EXPECT_EQ(FormatFor({1}, 5), 1);
  EXPECT_EQ(FormatFor({0, 1, 0}, 1), 1);
  EXPECT_EQ(FormatFor({0, 1, 0}, 2), 0);
  EXPECT_EQ(FormatFor({1, 1}, 9), 0);  // out of range: text, never a read past the end
}

TEST(PgDecode, DescribeAndClose) {
  TargetBody t;
  ASSERT_TRUE(DecodeDescribe(B("Sstmt\0"), &t));
  EXPECT_EQ(t.kind, 'S');
  EXPECT_EQ(t.name, "stmt");
  ASSERT_TRUE(DecodeDescribe(B("P\0"), &t));
  EXPECT_EQ(t.kind, 'P');
  EXPECT_EQ(t.name, "");
  ASSERT_TRUE(DecodeClose(B("Pcur\0"), &t));
  EXPECT_EQ(t.kind, 'P');
  EXPECT_EQ(t.name, "cur");
  for (auto decode : {&DecodeDescribe, &DecodeClose}) {
    EXPECT_FALSE(decode("", &t));
    EXPECT_FALSE(decode("S", &t));             // no name
    EXPECT_FALSE(decode("Sname", &t));         // unterminated
    EXPECT_FALSE(decode(B("Sname\0x"), &t));   // trailing bytes
    EXPECT_FALSE(decode(B("Xname\0"), &t));    // unknown kind
  }
}

TEST(PgDecode, Execute) {
  ExecuteBody e;
  ASSERT_TRUE(DecodeExecute(B("\0\x00\x00\x00\x00"), &e));
  EXPECT_EQ(e.portal, "");
  EXPECT_EQ(e.max_rows, 0);
  ASSERT_TRUE(DecodeExecute(B("c1\0\x00\x00\x01\x00"), &e));
  EXPECT_EQ(e.portal, "c1");
  EXPECT_EQ(e.max_rows, 256);
  ASSERT_TRUE(DecodeExecute(B("\0\xff\xff\xff\xff"), &e));
  EXPECT_EQ(e.max_rows, -1);
  EXPECT_FALSE(DecodeExecute("", &e));
  EXPECT_FALSE(DecodeExecute(B("\0"), &e));
  EXPECT_FALSE(DecodeExecute(B("\0\x00\x00\x00"), &e));
  EXPECT_FALSE(DecodeExecute(B("\0\x00\x00\x00\x00\x00"), &e));
  EXPECT_FALSE(DecodeExecute("c1", &e));  // unterminated portal
}

TEST(PgDecode, Password) {
  std::string_view pw;
  ASSERT_TRUE(DecodePassword(B("md5abc\0"), &pw));
  EXPECT_EQ(pw, "md5abc");
  EXPECT_FALSE(DecodePassword("", &pw));
  EXPECT_FALSE(DecodePassword("secret", &pw));
  EXPECT_FALSE(DecodePassword(B("secret\0\0"), &pw));  // "invalid password packet size"
}

TEST(PgDecode, SaslInitial) {
  SaslInitialBody s;
  ASSERT_TRUE(DecodeSaslInitial(B("SCRAM-SHA-256\0\x00\x00\x00\x05" "n,,n="), &s));
  EXPECT_EQ(s.mechanism, "SCRAM-SHA-256");
  ASSERT_TRUE(s.data.has_value());
  EXPECT_EQ(*s.data, "n,,n=");
  ASSERT_TRUE(DecodeSaslInitial(B("SCRAM-SHA-256\0\xff\xff\xff\xff"), &s));
  EXPECT_EQ(s.data, std::nullopt);
  ASSERT_TRUE(DecodeSaslInitial(B("M\0\x00\x00\x00\x00"), &s));
  ASSERT_TRUE(s.data.has_value());
  EXPECT_EQ(*s.data, "");
  EXPECT_FALSE(DecodeSaslInitial("", &s));
  EXPECT_FALSE(DecodeSaslInitial("SCRAM", &s));
  EXPECT_FALSE(DecodeSaslInitial(B("M\0\x00\x00"), &s));
  EXPECT_FALSE(DecodeSaslInitial(B("M\0\x00\x00\x00\x06" "abc"), &s));    // data past the end
  EXPECT_FALSE(DecodeSaslInitial(B("M\0\xff\xff\xff\xfe"), &s));          // length -2
  EXPECT_FALSE(DecodeSaslInitial(B("M\0\x00\x00\x00\x01" "ab"), &s));     // trailing byte
  EXPECT_FALSE(DecodeSaslInitial(B("M\0\xff\xff\xff\xff" "a"), &s));      // trailing after none
}

TEST(PgDecode, CopyFail) {
  std::string_view msg;
  ASSERT_TRUE(DecodeCopyFail(B("aborted by user\0"), &msg));
  EXPECT_EQ(msg, "aborted by user");
  ASSERT_TRUE(DecodeCopyFail(B("x\0ignored"), &msg));  // CopyGetData never calls pq_getmsgend
  EXPECT_EQ(msg, "x");
  EXPECT_FALSE(DecodeCopyFail("", &msg));
  EXPECT_FALSE(DecodeCopyFail("unterminated", &msg));
}

// ---- Backend messages, byte for byte against the message formats ----

TEST(PgEncode, Authentication) {
  std::string out;
  AppendAuthOk(&out);
  EXPECT_EQ(out, B("R\x00\x00\x00\x08\x00\x00\x00\x00"));
  out.clear();
  AppendAuthCleartext(&out);
  EXPECT_EQ(out, B("R\x00\x00\x00\x08\x00\x00\x00\x03"));
  out.clear();
  const uint8_t salt[4] = {0x01, 0x02, 0xfe, 0xff};
  AppendAuthMd5(&out, salt);
  EXPECT_EQ(out, B("R\x00\x00\x00\x0c\x00\x00\x00\x05\x01\x02\xfe\xff"));
  out.clear();
  AppendAuthSasl(&out, {"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"});
  EXPECT_EQ(out, B("R\x00\x00\x00\x2a\x00\x00\x00\x0a" "SCRAM-SHA-256-PLUS\0" "SCRAM-SHA-256\0" "\0"));
  out.clear();
  AppendAuthSaslContinue(&out, "r=abc,s=xyz,i=4096");
  EXPECT_EQ(out, B("R\x00\x00\x00\x1a\x00\x00\x00\x0b" "r=abc,s=xyz,i=4096"));
  out.clear();
  AppendAuthSaslFinal(&out, "v=sig");
  EXPECT_EQ(out, B("R\x00\x00\x00\x0d\x00\x00\x00\x0c" "v=sig"));
}

TEST(PgEncode, AppendsToExistingOutput) {
  std::string out = "prefix";
  AppendAuthOk(&out);
  AppendReadyForQuery(&out, 'I');
  EXPECT_EQ(out, B("prefix" "R\x00\x00\x00\x08\x00\x00\x00\x00" "Z\x00\x00\x00\x05" "I"));
}

TEST(PgEncode, SessionStartMessages) {
  std::string out;
  AppendParameterStatus(&out, "client_encoding", "UTF8");
  EXPECT_EQ(out, B("S\x00\x00\x00\x19" "client_encoding\0" "UTF8\0"));
  out.clear();
  AppendBackendKeyData(&out, 12345, static_cast<int32_t>(0xdeadbeef));
  EXPECT_EQ(out, B("K\x00\x00\x00\x0c\x00\x00\x30\x39\xde\xad\xbe\xef"));
  out.clear();
  AppendReadyForQuery(&out, 'T');
  AppendReadyForQuery(&out, 'E');
  EXPECT_EQ(out, B("Z\x00\x00\x00\x05" "T" "Z\x00\x00\x00\x05" "E"));
  out.clear();
  AppendNegotiateProtocolVersion(&out, 0, {"_pq_.compression"});
  EXPECT_EQ(out, B("v\x00\x00\x00\x1d\x00\x00\x00\x00\x00\x00\x00\x01" "_pq_.compression\0"));
  out.clear();
  AppendNegotiateProtocolVersion(&out, 0, {});
  EXPECT_EQ(out, B("v\x00\x00\x00\x0c\x00\x00\x00\x00\x00\x00\x00\x00"));
}

TEST(PgEncode, RowDescription) {
  std::string out;
  FieldDescription a;
  a.name = "id";
  a.table_oid = 16384;
  a.column = 1;
  a.type_oid = 23;
  a.type_size = 4;
  FieldDescription b;
  b.name = "?column?";
  b.type_oid = 25;
  b.format = 1;
  AppendRowDescription(&out, {a, b});
  EXPECT_EQ(out, B("T\x00\x00\x00\x36" "\x00\x02"
                   "id\0" "\x00\x00\x40\x00" "\x00\x01" "\x00\x00\x00\x17" "\x00\x04" "\xff\xff\xff\xff" "\x00\x00"
                   "?column?\0" "\x00\x00\x00\x00" "\x00\x00" "\x00\x00\x00\x19" "\xff\xff" "\xff\xff\xff\xff"
                   "\x00\x01"));
  out.clear();
  AppendRowDescription(&out, {});
  EXPECT_EQ(out, B("T\x00\x00\x00\x06\x00\x00"));
}

TEST(PgEncode, NoDataAndParameterDescription) {
  std::string out;
  AppendNoData(&out);
  EXPECT_EQ(out, B("n\x00\x00\x00\x04"));
  out.clear();
  AppendParameterDescription(&out, {23, 0xfffffffeu});
  EXPECT_EQ(out, B("t\x00\x00\x00\x0e\x00\x02\x00\x00\x00\x17\xff\xff\xff\xfe"));
  out.clear();
  AppendParameterDescription(&out, {});
  EXPECT_EQ(out, B("t\x00\x00\x00\x06\x00\x00"));
}

TEST(PgEncode, DataRowWithNulls) {
  std::string out = "x";
  DataRowWriter w(&out, 3);
  w.Add("42");
  w.AddNull();
  w.Add("");
  w.Finish();
  EXPECT_EQ(out, B("x" "D\x00\x00\x00\x14\x00\x03"
                   "\x00\x00\x00\x02" "42" "\xff\xff\xff\xff" "\x00\x00\x00\x00"));
}

TEST(PgEncode, DataRowRawAndBackToBack) {
  std::string out;
  {
    DataRowWriter w(&out, 1);
    char* p = w.AddRaw(4);
    std::memcpy(p, "\x00\x00\x01\x00", 4);
    w.Finish();
  }
  {
    DataRowWriter w(&out, 0);
    w.Finish();
  }
  EXPECT_EQ(out, B("D\x00\x00\x00\x0e\x00\x01\x00\x00\x00\x04\x00\x00\x01\x00"
                   "D\x00\x00\x00\x06\x00\x00"));
}

TEST(PgEncode, CompletionMessages) {
  std::string out;
  AppendCommandComplete(&out, "INSERT 0 3");
  EXPECT_EQ(out, B("C\x00\x00\x00\x0f" "INSERT 0 3\0"));
  out.clear();
  AppendEmptyQueryResponse(&out);
  AppendParseComplete(&out);
  AppendBindComplete(&out);
  AppendCloseComplete(&out);
  AppendPortalSuspended(&out);
  AppendCopyDone(&out);
  EXPECT_EQ(out, B("I\x00\x00\x00\x04" "1\x00\x00\x00\x04" "2\x00\x00\x00\x04" "3\x00\x00\x00\x04"
                   "s\x00\x00\x00\x04" "c\x00\x00\x00\x04"));
}

TEST(PgEncode, ErrorResponseMinimal) {
  std::string out;
  ErrorFields e;
  e.sqlstate = "42601";
  e.message = "syntax error";
  AppendErrorResponse(&out, e);
  EXPECT_EQ(out, B("E\x00\x00\x00\x28" "SERROR\0" "VERROR\0" "C42601\0" "Msyntax error\0" "\0"));
}

TEST(PgEncode, ErrorResponseFieldOrder) {
  std::string out;
  ErrorFields e;
  e.severity = "FATAL";
  e.sqlstate = "23505";
  e.message = "m";
  e.detail = "d";
  e.hint = "h";
  e.position = 12;
  e.internal_query = "iq";
  e.internal_position = 3;
  e.where = "w";
  e.schema = "sc";
  e.table = "tb";
  e.column = "co";
  e.datatype = "dt";
  e.constraint = "cn";
  e.file = "f.c";
  e.line = "99";
  e.routine = "rt";
  AppendErrorResponse(&out, e);
  // elog.c send_message_to_frontend: S V C M D H W s t c d n P p q F L R.
  const std::string fields(B("SFATAL\0" "VFATAL\0" "C23505\0" "Mm\0" "Dd\0" "Hh\0" "Ww\0" "ssc\0" "ttb\0"
                               "cco\0" "ddt\0" "ncn\0" "P12\0" "p3\0" "qiq\0" "Ff.c\0" "L99\0" "Rrt\0" "\0"));
  ASSERT_EQ(fields.size(), 78u);
  EXPECT_EQ(out, std::string(B("E\x00\x00\x00\x52")) + fields);
}

TEST(PgEncode, NoticeResponseAndMissingMessage) {
  std::string out;
  ErrorFields e;
  e.severity = "NOTICE";
  e.sqlstate = "00000";
  AppendNoticeResponse(&out, e);
  EXPECT_EQ(out, B("N\x00\x00\x00\x30" "SNOTICE\0" "VNOTICE\0" "C00000\0" "Mmissing error text\0" "\0"));
}

TEST(PgEncode, Copy) {
  std::string out;
  AppendCopyInResponse(&out, 0, {0, 0});
  EXPECT_EQ(out, B("G\x00\x00\x00\x0b\x00\x00\x02\x00\x00\x00\x00"));
  out.clear();
  AppendCopyOutResponse(&out, 1, {1});
  EXPECT_EQ(out, B("H\x00\x00\x00\x09\x01\x00\x01\x00\x01"));
  out.clear();
  AppendCopyData(&out, B("1\tone\n"));
  EXPECT_EQ(out, B("d\x00\x00\x00\x0a" "1\tone\n"));
  out.clear();
  AppendCopyData(&out, "");
  EXPECT_EQ(out, B("d\x00\x00\x00\x04"));
}

TEST(PgEncode, Notification) {
  std::string out;
  AppendNotification(&out, 4242, "chan", "hello");
  EXPECT_EQ(out, B("A\x00\x00\x00\x13\x00\x00\x10\x92" "chan\0" "hello\0"));
}

// A full extended-query exchange frames back to back and decodes.
TEST(PgRoundTrip, ParseBindExecuteSync) {
  std::string in(B("P\x00\x00\x00\x11" "\0SELECT $1\0\x00\x00"
                     "B\x00\x00\x00\x11" "\0\0\x00\x00\x00\x01\x00\x00\x00\x01" "7\x00\x00"
                     "E\x00\x00\x00\x09" "\0\x00\x00\x00\x00"
                     "S\x00\x00\x00\x04"));
  std::string_view rest = in;
  std::string types;
  while (!rest.empty()) {
    Message m;
    ParseResult r = ParseMessage(rest, 1 << 20, &m);
    ASSERT_EQ(r.status, Parse::kOk) << types;
    types.push_back(m.type);
    if (m.type == 'P') {
      ParseMessageBody p;
      ASSERT_TRUE(DecodeParse(m.body, &p));
      EXPECT_EQ(p.query, "SELECT $1");
    } else if (m.type == 'B') {
      BindMessageBody b;
      ASSERT_TRUE(DecodeBind(m.body, &b));
      ASSERT_EQ(b.params.size(), 1u);
      EXPECT_EQ(b.params[0], "7");
    } else if (m.type == 'E') {
      ExecuteBody e;
      ASSERT_TRUE(DecodeExecute(m.body, &e));
    }
    rest.remove_prefix(r.consumed);
  }
  EXPECT_EQ(types, "PBES");
}

}  // namespace
}  // namespace lumadb::protocol::postgres

#include "engine/sql/execution/copy_format.h"

#include <gtest/gtest.h>

namespace lumadb::engine::sql {
namespace {

using Row = std::vector<std::optional<std::string>>;

struct Read {
  std::vector<Row> rows;
  std::vector<int64_t> lines;
  std::optional<SqlError> error;
  int64_t error_line = 0;
};

// Reads `data` fed in chunks of `chunk` bytes (0 = all at once).
Read ReadAll(const CopyOptions& opts, std::string_view data, size_t chunk = 0) {
  CopyReader r(opts);
  Read out;
  size_t pos = 0;
  Row row;
  for (;;) {
    auto next = r.Next(&row);
    if (!next.ok()) {
      out.error = next.status().error();
      out.error_line = r.line_number();
      return out;
    }
    if (next.value()) {
      out.rows.push_back(row);
      out.lines.push_back(r.line_number());
      continue;
    }
    if (r.done()) return out;
    if (pos >= data.size()) {
      r.Finish();
      continue;
    }
    size_t n = chunk == 0 ? data.size() - pos : std::min(chunk, data.size() - pos);
    r.Feed(data.substr(pos, n));
    pos += n;
  }
}

CopyOptions Text() { return DefaultCopyOptions(false); }
CopyOptions Csv() { return DefaultCopyOptions(true); }

TEST(CopyReader, TextFieldsEscapesAndNull) {
  Read r = ReadAll(Text(), "1\tone\t\\N\n2\ta\\tb\\\\N\\101\\x41\\q\n3\t\t\\\\N\n");
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0], (Row{"1", "one", std::nullopt}));
  EXPECT_EQ(r.rows[1], (Row{"2", "a\tb\\NAAq"}));
  // An empty field is an empty string; \\N is the two bytes "\N", not NULL.
  EXPECT_EQ(r.rows[2], (Row{"3", "", "\\N"}));
  EXPECT_EQ(r.lines, (std::vector<int64_t>{1, 2, 3}));
}

TEST(CopyReader, EndMarkerEndsTheData) {
  Read r = ReadAll(Text(), "1\n2\n\\.\nignored\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.rows, (std::vector<Row>{{"1"}, {"2"}}));
  // Without a trailing newline the last line is still a row.
  r = ReadAll(Text(), "1\n2");
  EXPECT_EQ(r.rows, (std::vector<Row>{{"1"}, {"2"}}));
}

TEST(CopyReader, CsvQuotesNullsAndEmbeddedNewlines) {
  Read r = ReadAll(Csv(), "1,\"a,b\",,\"\"\n2,\"line\nbreak\",\"say \"\"hi\"\"\",x\r\n");
  ASSERT_TRUE(r.error);  // LF first, then CRLF: the newline style changed
  r = ReadAll(Csv(), "1,\"a,b\",,\"\"\n2,\"line\nbreak\",\"say \"\"hi\"\"\",x\n3,z,\\N,\n");
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.rows.size(), 3u);
  // Unquoted empty is NULL, quoted empty is an empty string.
  EXPECT_EQ(r.rows[0], (Row{"1", "a,b", std::nullopt, ""}));
  EXPECT_EQ(r.rows[1], (Row{"2", "line\nbreak", "say \"hi\"", "x"}));
  EXPECT_EQ(r.rows[2], (Row{"3", "z", "\\N", std::nullopt}));
  // The newline inside quotes counts as a line.
  EXPECT_EQ(r.lines, (std::vector<int64_t>{1, 3, 4}));
}

TEST(CopyReader, CsvHeaderAndEscape) {
  auto opts = MakeCopyOptions(CopyOptionText{std::nullopt, std::nullopt, std::string("'"), std::string("\\"), true,
                                             true});
  ASSERT_TRUE(opts.ok()) << opts.status().error().message;
  Read r = ReadAll(opts.value(), "id,name\n1,'it\\'s'\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.rows, (std::vector<Row>{{"1", "it's"}}));
  EXPECT_EQ(r.lines, (std::vector<int64_t>{2}));
}

TEST(CopyReader, AnyChunkingGivesTheSameRows) {
  const std::string text = "1\tcaf\xc3\xa9\t\\N\r\n2\t\xe2\x82\xac\\tx\t\\x41\r\n";
  const std::string csv = "1,\"caf\xc3\xa9\n\xe2\x82\xac\",\"\"\"\"\n2,,\"\"\n";
  for (auto [opts, data] : {std::pair{Text(), text}, std::pair{Csv(), csv}}) {
    Read whole = ReadAll(opts, data);
    ASSERT_FALSE(whole.error) << whole.error->message;
    ASSERT_EQ(whole.rows.size(), 2u);
    for (size_t chunk = 1; chunk <= 7; chunk++) {
      Read part = ReadAll(opts, data, chunk);
      ASSERT_FALSE(part.error) << chunk;
      EXPECT_EQ(part.rows, whole.rows) << chunk;
      EXPECT_EQ(part.lines, whole.lines) << chunk;
    }
  }
}

TEST(CopyReader, ErrorsAsPostgresGivesThem) {
  Read r = ReadAll(Text(), "1\n2\r3\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->sqlstate, "22P04");
  EXPECT_EQ(r.error->message, "literal carriage return found in data");
  EXPECT_EQ(r.error->hint, "Use \"\\r\" to represent carriage return.");
  EXPECT_EQ(r.error_line, 2);

  r = ReadAll(Csv(), "1,\"open\n2,x\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->sqlstate, "22P04");
  EXPECT_EQ(r.error->message, "unterminated CSV quoted field");

  r = ReadAll(Text(), "1\tab\xff\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->sqlstate, "22021");
  EXPECT_EQ(r.error->message, "invalid byte sequence for encoding \"UTF8\": 0xff");

  // A bad byte after a newline inside quotes is on the next line, however
  // the data is chunked (once the first line has set the newline style:
  // PostgreSQL counts only newlines of that style).
  for (size_t chunk : {0, 1, 4}) {
    r = ReadAll(Csv(), std::string("0\n1,\"a\nb\0\"\n", 12), chunk);
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->sqlstate, "22021");
    EXPECT_EQ(r.error_line, 3) << chunk;
  }

  // An escape may not build bad UTF-8 either.
  r = ReadAll(Text(), "\\xff\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->sqlstate, "22021");

  r = ReadAll(Text(), "1\n\\.x\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message, "end-of-copy marker corrupt");

  // The reader is spent after an error.
  CopyReader spent(Text());
  spent.Feed("a\nb\rc\n");
  Row row;
  EXPECT_TRUE(spent.Next(&row).ok());
  EXPECT_EQ(row, (Row{"a"}));
  EXPECT_FALSE(spent.Next(&row).ok());
  EXPECT_FALSE(spent.Next(&row).ok());
}

TEST(CopyOptions, ChecksInPostgresOrder) {
  auto err = [](CopyOptionText t) {
    auto r = MakeCopyOptions(t);
    return r.ok() ? std::string("ok") : r.status().error().sqlstate + " " + r.status().error().message;
  };
  CopyOptionText t;
  EXPECT_EQ(err(t), "ok");
  t.delimiter = ",,";
  EXPECT_EQ(err(t), "0A000 COPY delimiter must be a single one-byte character");
  t.delimiter = "\n";
  EXPECT_EQ(err(t), "22023 COPY delimiter cannot be newline or carriage return");
  t.delimiter = "\\";
  EXPECT_EQ(err(t), "22023 COPY delimiter cannot be \"\\\"");
  t.delimiter = "|";
  t.null_string = "a|b";
  EXPECT_EQ(err(t), "0A000 COPY delimiter must not appear in the NULL specification");
  t = CopyOptionText{};
  t.quote = "'";
  EXPECT_EQ(err(t), "0A000 COPY quote available only in CSV mode");
  t.csv = true;
  t.delimiter = "'";
  EXPECT_EQ(err(t), "22023 COPY delimiter and quote must be different");
  t.delimiter = std::nullopt;
  t.null_string = "x'";
  EXPECT_EQ(err(t), "0A000 CSV quote character must not appear in the NULL specification");
}

TEST(CopyWriter, TextAndCsvRows) {
  std::string out;
  AppendCopyRow({"1", "a\tb\\c\nd", std::nullopt, ""}, Text(), {}, &out);
  EXPECT_EQ(out, "1\ta\\tb\\\\c\\nd\t\\N\t\n");
  out.clear();
  AppendCopyRow({"1", "a,b", std::nullopt, "", "say \"hi\"", "plain"}, Csv(), {}, &out);
  // The empty string is quoted so that it is not read back as NULL.
  EXPECT_EQ(out, "1,\"a,b\",,\"\",\"say \"\"hi\"\"\",plain\n");
  out.clear();
  AppendCopyRow({"x", "y"}, Csv(), {false, true}, &out);
  EXPECT_EQ(out, "x,\"y\"\n");
  out.clear();
  AppendCopyRow({"\\."}, Csv(), {}, &out);
  EXPECT_EQ(out, "\"\\.\"\n");
  out.clear();
  AppendCopyHeader({"id", "a,b"}, Csv(), &out);
  EXPECT_EQ(out, "id,\"a,b\"\n");
}

TEST(CopyWriter, WhatItWritesReadsBack) {
  std::vector<Row> rows = {{"1", "tab\there", std::nullopt}, {"2", "new\nline\r", "back\\slash"}, {"3", "", "\\N"}};
  for (const CopyOptions& opts : {Text(), Csv()}) {
    std::string data;
    for (const auto& row : rows) AppendCopyRow(row, opts, {}, &data);
    Read r = ReadAll(opts, data);
    ASSERT_FALSE(r.error) << r.error->message;
    EXPECT_EQ(r.rows, rows) << (opts.csv ? "csv" : "text");
  }
}

}  // namespace
}  // namespace lumadb::engine::sql

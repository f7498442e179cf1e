#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/common/error.h"

// The COPY text and CSV formats, as PostgreSQL 15 reads and writes them
// (commands/copy.c ProcessCopyOptions, copyfromparse.c, copyto.c): the option
// checks, a streaming row reader for COPY FROM and the row writer for COPY TO.
// A pure codec: bytes in, raw field strings out (and back); it knows nothing of
// tables, column types or the wire protocol. The input is taken to be UTF-8
// (LumaDB's only client and server encoding) and checked as PostgreSQL does.
namespace lumadb::engine::sql {

// The format options of one COPY statement, already checked.
struct CopyOptions {
  bool csv = false;
  char delimiter = '\t';            // ',' for csv
  std::string null_string = "\\N";  // "" for csv
  bool header = false;              // first line is a header (skipped on input)
  char quote = '"';                 // csv only
  char escape = '"';                // csv only (defaults to quote)
};

// PostgreSQL's defaults for the text (csv = false) or CSV format.
CopyOptions DefaultCopyOptions(bool csv);

// The format options as they were written in the statement, before defaults
// and checks (nullopt = not given).
struct CopyOptionText {
  std::optional<std::string> delimiter, null_string, quote, escape;
  bool csv = false;
  bool header = false;
};

// Fills in the defaults and checks the options in ProcessCopyOptions's order,
// with its messages and SQLSTATEs: a delimiter, quote or escape that is not
// exactly one byte (0A000; a lone non-ASCII byte is not a one-byte character
// either), a delimiter or NULL string holding CR or LF (22023), a text-format
// delimiter that is a backslash, '.', a lower-case letter or a digit (22023),
// QUOTE or ESCAPE outside CSV (0A000), delimiter equal to quote (22023), the
// delimiter or the CSV quote inside the NULL string (0A000).
SqlResult<CopyOptions> MakeCopyOptions(const CopyOptionText& given);

// Splits COPY FROM data into rows of raw field strings. Bytes arrive in any
// chunking (CopyData messages may split a line, a quoted field or a UTF-8
// character anywhere) and the rows are the same as if everything had come at
// once. Follows CopyReadLineText and CopyReadAttributesText/CSV exactly:
//  - A line ends at LF, CRLF or CR; the first line decides which, and another
//    style later is an error. A backslash (text) or an unquoted CSV field may
//    hold the other characters as data.
//  - Text: \b \f \n \r \t \v, octal \NNN (1-3 digits), hex \xHH (1-2 digits),
//    backslash + any other byte = that byte. A field whose raw text equals the
//    NULL string is NULL (so with "\N", `\\N` is the two-byte string "\N").
//    `\.` ends the data; text before it on the same line is a last row.
//  - CSV: quoted fields may hold delimiters and newlines; inside quotes the
//    escape character escapes a quote or itself. An unquoted field equal to
//    the NULL string is NULL, a quoted one never. `\.` ends the data only as
//    the first thing on a line followed by its newline (or end of input).
//  - With header, the first line is read and dropped.
//  - Input must be valid UTF-8 without NUL bytes, and so must text fields
//    built with octal or hex escapes (22021, "invalid byte sequence for
//    encoding "UTF8": 0x..").
// The number of fields is not checked: the caller compares it with the
// columns ("extra data after last expected column", "missing data for
// column"; for a zero-column table the line must be empty: line_text()).
class CopyReader {
 public:
  explicit CopyReader(CopyOptions opts);

  // Appends input. Ignored after Finish() and once the end marker was seen
  // (PostgreSQL discards whatever follows `\.` up to CopyDone).
  void Feed(std::string_view bytes);
  // No more input will come (CopyDone): a last line without newline becomes
  // a row.
  void Finish();

  // The next row. True with `fields` filled (nullopt = NULL; the vector's
  // strings are reused) when a complete row is available; false when more
  // input is needed or the data has ended (done()). Errors are 22P04
  // bad_copy_file_format ("unterminated CSV quoted field", "literal carriage
  // return found in data", "unquoted newline found in data", ... with
  // PostgreSQL's hints, "end-of-copy marker does not match previous newline
  // style", "end-of-copy marker corrupt") and 22021 for bad UTF-8. After an
  // error the reader is spent: every later call returns the same error.
  SqlResult<bool> Next(std::vector<std::optional<std::string>>* fields);

  // The end marker was seen, or Finish() was called and every row returned.
  bool done() const { return done_; }
  // 1-based line number (the header line counts, and so do newlines inside
  // CSV quoted fields) of the row last returned, or of the line an error is
  // about: what PostgreSQL shows as CONTEXT "COPY t, line N".
  int64_t line_number() const { return line_number_; }
  // The raw text of that line (without its newline; a CSV row's embedded
  // newlines included). Valid when line_text_valid().
  const std::string& line_text() const;
  // False when an error came before the whole line was read; PostgreSQL then
  // shows "COPY t, line N" without the text.
  bool line_text_valid() const { return line_valid_; }

 private:
  enum class Eol : uint8_t { kUnknown, kNl, kCr, kCrNl };
  enum class Scan : uint8_t { kNeedMore, kLine, kError };

  Scan ScanLine();
  // Checks the UTF-8 character at buf_[i]; kNeedMore when it may be cut.
  Scan CheckChar(size_t i, size_t* len);
  SqlStatus SplitText(size_t begin, size_t end, std::vector<std::optional<std::string>>* fields);
  SqlStatus SplitCsv(size_t begin, size_t end, std::vector<std::optional<std::string>>* fields);
  SqlStatus Fail(SqlError e);
  void Compact();

  CopyOptions opts_;
  bool has_escape_;  // csv escape differs from quote
  bool special_[256];

  std::string buf_;
  size_t pos_ = 0;   // start of the line being read
  size_t scan_ = 0;  // next byte of that line to examine
  // Line scanner state carried across chunks (PostgreSQL keeps it in locals
  // of CopyReadLineText because it always has the rest of the line at hand).
  bool line_started_ = false;
  int64_t scan_line_ = 0;  // line number of the line being read
  bool in_quote_ = false;
  bool last_was_esc_ = false;
  Eol eol_ = Eol::kUnknown;
  // Set by ScanLine on kLine.
  size_t found_end_ = 0;      // end of the line's content
  size_t found_next_ = 0;     // start of the next line
  bool found_last_ = false;   // the input ended with this line (EOF or \.)
  bool found_marker_ = false;  // ... at the end marker

  bool header_pending_;
  bool finished_ = false;
  bool saw_marker_ = false;
  bool done_ = false;
  std::optional<SqlError> error_;

  int64_t line_number_ = 0;
  bool line_valid_ = false;
  size_t line_begin_ = 0, line_end_ = 0;  // the last line, in buf_
  mutable bool line_cached_ = true;
  mutable std::string line_cache_;
  std::string scratch_;  // de-escaped field being built
};

// Appends one row in COPY TO form, ending in "\n" (copyto.c). Text: NULL is
// the NULL string; other values escape backslash, the delimiter and \b \f \n
// \r \t \v (other bytes go out as they are). CSV: NULL is the NULL string,
// unquoted; a value is quoted (quote and escape characters inside preceded by
// the escape) when force_quote[i] is set, it equals the NULL string, it holds
// the delimiter, the quote, CR or LF, or it is `\.` alone in a one-column row.
// force_quote may be shorter than fields (missing = false), or empty.
void AppendCopyRow(const std::vector<std::optional<std::string>>& fields, const CopyOptions& opts,
                   const std::vector<bool>& force_quote, std::string* out);

// Appends the HEADER line of COPY TO: the column names, written as non-NULL
// values (CSV names never forced into quotes), ending in "\n".
void AppendCopyHeader(const std::vector<std::string>& names, const CopyOptions& opts, std::string* out);

}  // namespace lumadb::engine::sql

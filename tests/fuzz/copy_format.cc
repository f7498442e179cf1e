// libFuzzer target: the COPY text/CSV codec. The first byte picks the format
// and options, the second the chunk size; the rest is COPY FROM data. Reading
// it whole and in chunks must give the same rows, line numbers and error;
// every row read, written back with AppendCopyRow, must read back the same
// (except text-format strings equal to the NULL string).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "engine/sql/execution/copy_format.h"

namespace sql = lumadb::engine::sql;
using Row = std::vector<std::optional<std::string>>;

namespace {

struct Outcome {
  std::vector<Row> rows;
  std::vector<int64_t> lines;
  std::string error;  // sqlstate + message + line, empty = none
  bool operator==(const Outcome& o) const = default;
};

Outcome ReadAll(const sql::CopyOptions& opts, std::string_view data, size_t chunk) {
  sql::CopyReader r(opts);
  Outcome out;
  size_t pos = 0;
  Row row;
  for (int guard = 0; guard < 1000000; guard++) {
    auto next = r.Next(&row);
    if (!next.ok()) {
      const auto& e = next.status().error();
      out.error = e.sqlstate + " " + e.message + " line " + std::to_string(r.line_number());
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
    size_t n = std::min(chunk, data.size() - pos);
    r.Feed(data.substr(pos, n));
    pos += n;
  }
  abort();  // Next neither progressed nor finished
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  uint8_t flags = data[0];
  size_t chunk = 1 + data[1] % 16;
  std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

  sql::CopyOptionText given;
  given.csv = flags & 1;
  given.header = flags & 2;
  if (flags & 4) given.delimiter = given.csv ? ";" : "|";
  if (flags & 8) given.null_string = "NULL";
  if (given.csv && (flags & 16)) given.quote = "'";
  if (given.csv && (flags & 32)) given.escape = "\\";
  auto opts = sql::MakeCopyOptions(given);
  if (!opts.ok()) abort();  // every combination above is valid

  Outcome whole = ReadAll(opts.value(), input, input.size() + 1);
  Outcome parts = ReadAll(opts.value(), input, chunk);
  if (!(whole == parts)) abort();

  // What was read, written back, reads back the same (without the header).
  sql::CopyOptions plain = opts.value();
  plain.header = false;
  std::string out;
  size_t width = whole.rows.empty() ? 0 : whole.rows[0].size();
  std::vector<Row> rows;
  for (const Row& row : whole.rows) {
    // A zero-column line cannot be told from an empty field: skip such rows.
    if (row.size() != width || width == 0) continue;
    // Text format writes a string equal to the NULL string as it is (as
    // PostgreSQL does), so with NULL 'NULL' the string 'NULL' reads back NULL.
    bool ambiguous = false;
    for (const auto& f : row) ambiguous |= !plain.csv && f && *f == plain.null_string;
    if (ambiguous) continue;
    rows.push_back(row);
    sql::AppendCopyRow(row, plain, {}, &out);
  }
  Outcome back = ReadAll(plain, out, out.size() + 1);
  if (!back.error.empty() || back.rows != rows) abort();
  return 0;
}

#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

// Errors of the SQL engine carry what a PostgreSQL client shows: a SQLSTATE,
// the message, optional detail and hint, and the 1-based character position in
// the statement (psql draws its caret there). No exceptions: functions return
// SqlStatus / SqlResult<T> and callers pass them up.
namespace lumadb::engine::sql {

// A NOTICE or WARNING a statement sends along with its result.
struct Notice {
  Notice() = default;
  Notice(std::string sev, std::string state, std::string msg, std::string det = "")
      : severity(std::move(sev)), sqlstate(std::move(state)), message(std::move(msg)), detail(std::move(det)) {}
  std::string severity;  // "WARNING", "NOTICE"
  std::string sqlstate;
  std::string message;
  std::string detail;  // PostgreSQL's DETAIL (lines separated by '\n'), may be empty
};

struct SqlError {
  std::string sqlstate;
  std::string message;
  std::string detail;
  std::string hint;
  int position = 0;  // 1-based, 0 = none
  // Where the error belongs, for ErrorResponse's fields (23xxx errors).
  std::string table, column, constraint;
  // What was running (ErrorResponse's W field): "COPY t, line 3, column b: \"x\"".
  std::string context;
};

class [[nodiscard]] SqlStatus {
 public:
  SqlStatus() = default;
  SqlStatus(SqlError e) : err_(std::make_unique<SqlError>(std::move(e))) {}  // NOLINT: implicit by design
  SqlStatus(SqlStatus&&) = default;
  SqlStatus& operator=(SqlStatus&&) = default;
  static SqlStatus Ok() { return SqlStatus(); }

  bool ok() const { return err_ == nullptr; }
  const SqlError& error() const { return *err_; }
  SqlError& error() { return *err_; }

 private:
  std::unique_ptr<SqlError> err_;
};

// A 0-based byte offset in `sql` as the 1-based character position PostgreSQL
// reports (0 for an unknown offset).
inline int CharPosition(std::string_view sql, int offset) {
  if (offset < 0) return 0;
  int chars = 0;
  for (int i = 0; i < offset && i < static_cast<int>(sql.size()); i++) {
    if ((static_cast<unsigned char>(sql[i]) & 0xC0) != 0x80) chars++;
  }
  return chars + 1;
}

inline SqlError MakeError(std::string sqlstate, std::string message, int position = 0) {
  SqlError e;
  e.sqlstate = std::move(sqlstate);
  e.message = std::move(message);
  e.position = position;
  return e;
}

// PostgreSQL's SQLSTATEs used by the engine (errcodes.txt).
namespace sqlstate {
inline constexpr const char* kSyntaxError = "42601";
inline constexpr const char* kUndefinedTable = "42P01";
inline constexpr const char* kUndefinedColumn = "42703";
inline constexpr const char* kUndefinedFunction = "42883";
inline constexpr const char* kDuplicateTable = "42P07";
inline constexpr const char* kDuplicateColumn = "42701";
inline constexpr const char* kAmbiguousColumn = "42702";
inline constexpr const char* kDatatypeMismatch = "42804";
inline constexpr const char* kGroupingError = "42803";
inline constexpr const char* kWindowingError = "42P20";
inline constexpr const char* kInvalidTableDefinition = "42P16";
inline constexpr const char* kUndefinedObject = "42704";
inline constexpr const char* kDuplicateObject = "42710";
inline constexpr const char* kFeatureNotSupported = "0A000";
inline constexpr const char* kUniqueViolation = "23505";
inline constexpr const char* kNotNullViolation = "23502";
inline constexpr const char* kCheckViolation = "23514";
inline constexpr const char* kForeignKeyViolation = "23503";
inline constexpr const char* kDivisionByZero = "22012";
inline constexpr const char* kNumericOutOfRange = "22003";
inline constexpr const char* kInvalidTextRepresentation = "22P02";
inline constexpr const char* kStringDataRightTruncation = "22001";
inline constexpr const char* kInFailedTransaction = "25P02";
inline constexpr const char* kActiveTransaction = "25001";
inline constexpr const char* kNoActiveTransaction = "25P01";
inline constexpr const char* kSerializationFailure = "40001";
inline constexpr const char* kInvalidParameterValue = "22023";
inline constexpr const char* kUndefinedParameter = "42704";
inline constexpr const char* kCantChangeRuntimeParam = "55P02";
inline constexpr const char* kInternalError = "XX000";
inline constexpr const char* kIoError = "58030";
inline constexpr const char* kWrongObjectType = "42809";
inline constexpr const char* kCardinalityViolation = "21000";
inline constexpr const char* kInvalidColumnReference = "42P10";
}  // namespace sqlstate

template <typename T>
class [[nodiscard]] SqlResult {
 public:
  SqlResult(T value) : value_(std::move(value)) {}                         // NOLINT: implicit by design
  SqlResult(SqlError e) : status_(std::move(e)) {}                          // NOLINT: implicit by design
  SqlResult(SqlStatus st) : status_(std::move(st)) {}                       // NOLINT: implicit by design
  bool ok() const { return status_.ok(); }
  SqlStatus& status() { return status_; }
  SqlStatus TakeStatus() { return std::move(status_); }
  T& value() { return value_; }
  T& operator*() { return value_; }
  T* operator->() { return &value_; }

 private:
  T value_{};
  SqlStatus status_;
};

#define SQL_CONCAT_INNER(a, b) a##b
#define SQL_CONCAT(a, b) SQL_CONCAT_INNER(a, b)
#define SQL_RETURN_IF_ERROR(expr)                         \
  do {                                                    \
    ::lumadb::engine::sql::SqlStatus _st = (expr);        \
    if (!_st.ok()) return _st;                            \
  } while (0)
#define SQL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.TakeStatus();         \
  lhs = std::move(tmp.value())
#define SQL_ASSIGN_OR_RETURN(lhs, expr) SQL_ASSIGN_OR_RETURN_IMPL(SQL_CONCAT(_sql_res_, __LINE__), lhs, expr)

}  // namespace lumadb::engine::sql

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/sql/types/types.h"

// LumaDB's own SQL syntax tree: what every dialect front end (PostgreSQL via
// libpg_query now; MySQL and CQL later) produces, and what the binder reads.
// It names things as written; nothing is resolved yet. `location` fields are
// 0-based byte offsets into the statement text (-1 = unknown).
namespace lumadb::engine::sql::ast {

struct TypeRef {
  std::vector<std::string> names;  // e.g. {"pg_catalog", "int4"} or {"varchar"}
  std::vector<int32_t> mods;       // varchar(10) -> {10}
  bool array = false;              // int[], integer ARRAY
  int location = -1;
};

enum class ExprKind : uint8_t {
  kConst,      // literal: value (kUnknown for string literals, kInt4/kInt8 for integers, kNull)
  kColumn,     // names: [table.]column
  kStar,       // SELECT * or t.*: names holds the qualifier, if any
  kParam,      // $n
  kUnary,      // op: "-", "+", "NOT"
  kBinary,     // op: "+", "-", "*", "/", "%", "||", "=", "<>", "<", "<=", ">", ">=", "AND", "OR"
  kIsNull,     // args[0] IS [NOT] NULL (negated)
  kIsBool,     // args[0] IS [NOT] TRUE/FALSE: op "TRUE"/"FALSE"
  kFunc,       // func(args), count(*) has star; distinct for agg(DISTINCT x)
  kCast,       // args[0]::type
  kCase,       // CASE [args[0]] WHEN ... : when/then pairs in args after the operand, else_ expr
  kIn,         // args[0] [NOT] IN (args[1..])
  kBetween,    // args[0] [NOT] BETWEEN args[1] AND args[2]
  kLike,       // args[0] [NOT] LIKE|ILIKE args[1]: op "~~" or "~~*"
  kCoalesce,   // COALESCE(args)
  kNullIf,     // NULLIF(a, b)
  kMinMax,     // GREATEST/LEAST: op "GREATEST" / "LEAST"
  kSubquery,   // (SELECT ...): op "EXISTS", "SCALAR", "ANY" or "ALL" (x op ANY|ALL (SELECT ...), IN is = ANY);
               // args[0] is x, names[0] the comparison operator for ANY/ALL
  kDefault,    // DEFAULT as a value of INSERT ... VALUES or UPDATE ... SET
  kArray,      // ARRAY[args]
  kSubscript,  // args[0][args[1]], or a slice args[0][args[1]:args[2]] (op ":"; a missing bound is a NULL kConst)
  kAnyAll,     // args[0] op ANY|ALL (args[1]), an array: op the comparison, names[0] "ANY" or "ALL"
};

struct Select;
struct WindowSpec;

struct Expr {
  ExprKind kind = ExprKind::kConst;
  int location = -1;
  Value value;                     // kConst
  std::vector<std::string> names;  // kColumn, kStar, kFunc (function name parts)
  std::string op;
  std::vector<std::unique_ptr<Expr>> args;
  std::unique_ptr<Expr> else_expr;  // kCase
  bool has_operand = false;         // kCase: CASE x WHEN ...
  bool negated = false;
  bool star = false;      // kFunc: count(*)
  bool distinct = false;  // kFunc
  bool within_group = false;  // kFunc: an ordered-set aggregate's WITHIN GROUP (ORDER BY agg_order)
  std::vector<std::string> arg_names;  // kFunc: `name => value` names per argument ("" when positional; empty if none)
  int param = 0;          // kParam: 1-based
  TypeRef type;           // kCast
  std::shared_ptr<Select> subquery;  // kSubquery
  std::shared_ptr<WindowSpec> over;  // kFunc: a window function call's OVER (...)
  // kFunc, an aggregate: agg(... ORDER BY order[i] [DESC]) FILTER (WHERE filter).
  std::vector<std::unique_ptr<Expr>> agg_order;
  std::vector<bool> agg_order_desc;
  std::vector<std::optional<bool>> agg_order_nulls_first;
  std::unique_ptr<Expr> filter;
};
using ExprPtr = std::unique_ptr<Expr>;

// How a FROM table joins the tables before it. FROM is kept as a left-deep
// chain: `a JOIN b ON x LEFT JOIN c ON y, d` is a, b (kInner, x), c (kLeft, y),
// d (kCross).
enum class JoinKind : uint8_t { kCross, kInner, kLeft, kRight, kFull };

struct Select;

struct TableRef {
  std::vector<std::string> names;  // [schema.]table (a CTE's name for a WITH reference)
  std::string alias;
  // A subquery in FROM, or a reference to a WITH query (the same Select
  // for every reference), with its column aliases: FROM (...) AS s(a, b).
  std::shared_ptr<Select> subquery;
  std::vector<std::string> column_aliases;
  // A function in FROM (generate_series(...)): its call, and WITH ORDINALITY.
  std::shared_ptr<Expr> function;
  bool ordinality = false;
  bool lateral = false;  // LATERAL (SELECT ...): the subquery may read the FROM items before it
  // WITH RECURSIVE: a reference to the recursive query from inside its
  // own recursive term (the rows of the previous iteration). Not owning.
  const Select* recursive_cte = nullptr;
  int location = -1;
  JoinKind join = JoinKind::kCross;
  std::unique_ptr<Expr> on;  // the join condition (kInner/kLeft/kRight/kFull)
  std::vector<std::string> using_columns;  // JOIN ... USING (a, b)
  bool natural = false;                    // NATURAL JOIN
  int join_location = -1;
};

struct SelectItem {
  ExprPtr expr;
  std::string alias;  // empty = none given
};

struct OrderItem {
  ExprPtr expr;
  bool desc = false;
  std::optional<bool> nulls_first;  // unset = the default (NULLS LAST for ASC, FIRST for DESC)
};

// OVER (...) or a WINDOW clause entry.
struct WindowSpec {
  std::string name;     // the WINDOW clause entry's name
  std::string refname;  // OVER w, OVER (w ORDER BY ...): the named window it starts from
  std::vector<ExprPtr> partition;
  std::vector<OrderItem> order;
  // PostgreSQL's FRAMEOPTION_* bits (parsenodes.h); start/end offsets for n PRECEDING|FOLLOWING.
  int frame_options = 0;
  ExprPtr start_offset, end_offset;
  int location = -1;
};
namespace frame {
inline constexpr int kNonDefault = 0x00001, kRange = 0x00002, kRows = 0x00004, kGroups = 0x00008,
                     kStartUnboundedPreceding = 0x00020, kEndUnboundedFollowing = 0x00100,
                     kStartCurrentRow = 0x00200, kEndCurrentRow = 0x00400, kStartOffsetPreceding = 0x00800,
                     kEndOffsetPreceding = 0x01000, kStartOffsetFollowing = 0x02000,
                     kEndOffsetFollowing = 0x04000, kExcludeCurrentRow = 0x08000, kExcludeGroup = 0x10000,
                     kExcludeTies = 0x20000;
}  // namespace frame

// SELECT ... FOR UPDATE | NO KEY UPDATE | SHARE | KEY SHARE [NOWAIT | SKIP LOCKED].
enum class RowLockWait : uint8_t { kNone, kBlock, kNoWait, kSkipLocked };

struct Select {
  bool distinct = false;
  std::vector<ExprPtr> distinct_on;  // DISTINCT ON (...)
  RowLockWait row_lock = RowLockWait::kNone;
  std::string row_lock_strength;  // "FOR UPDATE", "FOR SHARE", ... as errors name it
  std::vector<SelectItem> items;
  std::vector<TableRef> from;  // several = cross join
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  // GROUP BY ROLLUP / CUBE / GROUPING SETS: the sets, each the indexes of
  // the group_by items it groups by (empty = plain GROUP BY).
  std::vector<std::vector<int>> grouping_sets;
  ExprPtr having;
  std::vector<OrderItem> order_by;
  ExprPtr limit;
  ExprPtr offset;
  // VALUES (...), (...) as a query.
  std::vector<std::vector<ExprPtr>> values;
  // WINDOW name AS (...), ...
  std::vector<std::shared_ptr<WindowSpec>> windows;
  // The queries of its WITH clause (FROM items that name them hold them).
  std::vector<std::shared_ptr<Select>> with;
  // set_left UNION|INTERSECT|EXCEPT [ALL] set_right; then only order_by,
  // limit and offset (over the combined rows) are used.
  std::string set_op;
  bool set_all = false;
  std::shared_ptr<Select> set_left, set_right;
  // WITH RECURSIVE: this query is `non-recursive term UNION [ALL]
  // recursive term`, whose right side refers to it; its column aliases.
  bool recursive = false;
  std::vector<std::string> recursive_columns;
};

struct ColumnDef {
  std::string name;
  TypeRef type;
  // GENERATED ALWAYS | BY DEFAULT AS IDENTITY: 'a' or 'd'; 0 = not identity.
  char identity = 0;
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  ExprPtr default_expr;
  std::string default_sql;  // default_expr as SQL text (PostgreSQL's deparser)
  int location = -1;
};

// CHECK (expr) as a column or table constraint.
struct CheckDef {
  std::string name;    // CONSTRAINT name; empty = PostgreSQL's default (t_a_check / t_check)
  std::string column;  // the column of a column constraint
  ExprPtr expr;
  std::string sql;     // expr as SQL text
  int location = -1;
};

// FOREIGN KEY (columns) REFERENCES table [(ref_columns)] [MATCH FULL|SIMPLE]
// [ON DELETE action] [ON UPDATE action], or a column's REFERENCES.
struct ForeignKeyDef {
  std::string name;  // CONSTRAINT name; empty = PostgreSQL's default (t_a_fkey)
  std::vector<std::string> columns;
  TableRef ref_table;
  std::vector<std::string> ref_columns;  // empty = the referenced table's primary key
  // PostgreSQL's action letters: 'a' NO ACTION, 'r' RESTRICT, 'c' CASCADE, 'n' SET NULL, 'd' SET DEFAULT.
  char on_update = 'a';
  char on_delete = 'a';
  char match = 's';  // 's' SIMPLE, 'f' FULL
  int location = -1;
};

struct CreateTable {
  TableRef table;
  bool if_not_exists = false;
  std::vector<ColumnDef> columns;
  std::vector<std::string> primary_key;  // table-level PRIMARY KEY (a, b)
  int primary_key_location = -1;
  // UNIQUE column and table constraints, in the order written.
  struct Unique {
    std::string name;  // CONSTRAINT name; empty = PostgreSQL's default (t_a_key)
    std::vector<std::string> columns;
    int location = -1;
  };
  std::vector<Unique> uniques;
  std::vector<CheckDef> checks;
  std::vector<ForeignKeyDef> foreign_keys;
};

// CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON table
// [USING btree|hash] (columns).
struct CreateIndex {
  std::string name;  // empty = PostgreSQL's default (table_col_idx)
  TableRef table;
  std::vector<std::string> columns;
  bool unique = false;
  bool if_not_exists = false;
};

// CREATE [OR REPLACE] VIEW name [(columns)] AS query.
struct CreateView {
  TableRef view;
  std::vector<std::string> columns;
  std::unique_ptr<Select> query;  // checked when the view is made
  std::string sql;                // the query as SQL text (what the catalog keeps)
  bool replace = false;
};

// CREATE SEQUENCE [IF NOT EXISTS] name [options] / ALTER SEQUENCE [IF EXISTS] name options.
struct SequenceDef {
  TableRef name;
  bool alter = false;
  bool if_not_exists = false;  // CREATE ... IF NOT EXISTS / ALTER ... IF EXISTS
  // increment, minvalue, maxvalue, start, restart, cache, cycle, as, owned_by:
  // the value as text ("" for NO MINVALUE / NO MAXVALUE / RESTART without WITH).
  std::vector<std::pair<std::string, std::string>> options;
};

// CREATE TYPE name AS ENUM (labels), ALTER TYPE name ADD VALUE [IF NOT EXISTS]
// 'label' [BEFORE | AFTER 'neighbor'], ALTER TYPE name RENAME VALUE 'old' TO 'label'.
struct EnumDef {
  TableRef name;
  bool alter = false;
  std::vector<std::string> labels;  // CREATE
  std::string label;                // ADD VALUE / RENAME VALUE's new label
  std::string old_label;            // RENAME VALUE
  std::string neighbor;             // BEFORE / AFTER
  bool after = false;
  bool if_not_exists = false;
};

// COMMENT ON <object> IS 'text' | NULL.
struct Comment {
  enum class Object : uint8_t { kTable, kView, kSequence, kIndex, kColumn, kType, kSchema, kDatabase, kOther } object;
  std::vector<std::string> names;  // [schema.]name, or [schema.]table.column
  std::optional<std::string> text;  // nullopt (IS NULL or IS ''): remove the comment
};

struct Drop {
  enum class Kind : uint8_t { kTable, kIndex, kView, kSequence, kType } kind = Kind::kTable;
  std::vector<TableRef> objects;
  bool if_exists = false;
  bool cascade = false;
};

struct SetClause {
  std::string column;
  ExprPtr value;
  int location = -1;
};

// INSERT ... ON CONFLICT [(columns) | ON CONSTRAINT name] DO NOTHING | DO UPDATE SET ... [WHERE ...]
struct OnConflict {
  bool update = false;
  std::vector<std::string> columns;  // the conflict target's columns
  std::string constraint;            // ON CONSTRAINT name
  std::vector<SetClause> sets;
  ExprPtr where;
  int location = -1;
};

struct Insert {
  TableRef table;
  std::unique_ptr<OnConflict> on_conflict;
  std::vector<std::string> columns;
  std::vector<int> column_locations;
  std::unique_ptr<Select> source;  // VALUES lists or a query; null = DEFAULT VALUES
  std::vector<SelectItem> returning;
};

struct Update {
  TableRef table;
  std::vector<SetClause> sets;
  std::vector<TableRef> from;  // UPDATE ... FROM (as Select::from)
  ExprPtr where;
  std::vector<SelectItem> returning;
};

struct Delete {
  TableRef table;
  std::vector<TableRef> from;  // DELETE ... USING (as Select::from)
  ExprPtr where;
  std::vector<SelectItem> returning;
};

struct Transaction {
  enum class Kind : uint8_t { kBegin, kCommit, kRollback, kSavepoint, kRelease, kRollbackTo } kind = Kind::kBegin;
  std::string savepoint;  // kSavepoint, kRelease, kRollbackTo
  std::string isolation;  // "read committed", "repeatable read", "serializable" or empty
  bool read_only = false;
};

struct SetVariable {
  std::string name;            // lower case
  std::vector<std::string> values;  // as text; empty = DEFAULT / RESET
  bool reset = false;
  bool local = false;
};

struct Show {
  std::string name;  // lower case; "all" for SHOW ALL
};

// COPY table [(columns)] FROM STDIN | TO STDOUT, or COPY (query) TO STDOUT,
// with the options of its WITH list (or the older bare keywords).
struct Copy {
  TableRef table;
  std::vector<std::string> columns;
  std::unique_ptr<Select> query;
  bool from = false;
  std::string format = "text";  // "text", "csv", "binary"
  std::optional<std::string> delimiter, null_string, quote, escape;
  bool header = false;
  bool force_quote_all = false;
  std::vector<std::string> force_quote, force_not_null, force_null;
  std::string file;  // COPY ... FROM/TO 'file' or PROGRAM (refused)
  int location = -1;
};

// ALTER TABLE name action, ...: the actions LumaDB runs.
struct AlterTable {
  struct Action {
    enum class Kind : uint8_t {
      kAddPrimaryKey,   // columns; name = CONSTRAINT name
      kAddUnique,       // columns; name
      kAddCheck,        // check
      kAddForeignKey,   // foreign_key
      kAddColumn,       // column (with its constraints); if_exists = IF NOT EXISTS
      kDropColumn,      // name; if_exists
      kDropConstraint,  // name; if_exists
      kRenameColumn,    // name -> new_name
      kRenameTable,     // new_name
      kRenameConstraint,  // name -> new_name
      kSetDefault,      // name; column.default_expr / default_sql (none = DROP DEFAULT)
      kSetNotNull,      // name
      kDropNotNull,     // name
      kSetType,         // name; column.type; using_expr
    } kind = Kind::kAddPrimaryKey;
    std::string name;
    std::string new_name;
    std::vector<std::string> columns;
    bool if_exists = false;
    bool cascade = false;
    ColumnDef column;
    CreateTable constraints;  // kAddColumn: the column's UNIQUE / CHECK / PRIMARY KEY constraints
    CheckDef check;
    ForeignKeyDef foreign_key;
    ExprPtr using_expr;
    int location = -1;
  };
  TableRef table;
  bool if_exists = false;
  std::vector<Action> actions;
};

// DECLARE name CURSOR [WITH HOLD] FOR query; FETCH|MOVE [FORWARD] [n|ALL|NEXT]
// [FROM|IN] name; CLOSE name|ALL.
struct Cursor {
  std::string name;  // empty for CLOSE ALL
  std::unique_ptr<Select> query;
  bool hold = false;
  bool move = false;
  bool forward = true;
  int64_t count = 1;  // FETCH ALL: INT64_MAX
};

enum class StatementKind : uint8_t {
  kSelect, kCreateTable, kDrop, kInsert, kUpdate, kDelete, kTransaction, kSet, kShow, kTruncate, kCopy,
  kAlterTable,
  kCreateIndex,
  kDeclareCursor, kFetch, kCloseCursor,
  kMaintenance,  // VACUUM / ANALYZE (the tables are checked, nothing else is needed), CREATE EXTENSION
  kCreateView,
  kSequence,  // CREATE / ALTER SEQUENCE
  kEnum,      // CREATE TYPE ... AS ENUM / ALTER TYPE ... ADD VALUE
  kComment,   // COMMENT ON
  kExplain,   // EXPLAIN [ANALYZE] SELECT ...: the explained statement in `select`
};

struct Statement {
  StatementKind kind = StatementKind::kSelect;
  std::string text;  // this statement's own SQL (from the multi-statement string)
  int location = 0;  // offset of `text` in the whole query string
  std::unique_ptr<Select> select;
  std::unique_ptr<CreateTable> create_table;
  std::unique_ptr<Drop> drop;
  std::unique_ptr<Insert> insert;
  std::unique_ptr<Update> update;
  std::unique_ptr<Delete> del;
  std::unique_ptr<Transaction> transaction;
  std::unique_ptr<SetVariable> set;
  std::unique_ptr<Show> show;
  std::vector<TableRef> truncate;
  bool truncate_restart_identity = false;  // TRUNCATE ... RESTART IDENTITY
  bool truncate_cascade = false;           // TRUNCATE ... CASCADE
  std::unique_ptr<Copy> copy;
  std::unique_ptr<AlterTable> alter_table;
  std::unique_ptr<CreateIndex> create_index;
  std::unique_ptr<CreateView> create_view;
  std::unique_ptr<SequenceDef> sequence;
  std::unique_ptr<EnumDef> enum_def;
  std::unique_ptr<Comment> comment;
  bool explain_analyze = false;  // kExplain
  std::unique_ptr<Cursor> cursor;
  std::vector<TableRef> maintenance;  // VACUUM/ANALYZE's tables (none = all)
  std::string maintenance_tag;        // "VACUUM", "ANALYZE" or "CREATE EXTENSION"
  std::string extension;              // CREATE EXTENSION [IF NOT EXISTS] name

};

}  // namespace lumadb::engine::sql::ast

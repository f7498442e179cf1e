#include "engine/sql/execution/copy.h"

#include "engine/sql/execution/executor.h"
#include "engine/sql/execution/foreign_keys.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::sql {

namespace {

// Column names of `c` mapped to indexes of `names` (FORCE_QUOTE etc.), as flags.
SqlResult<std::vector<bool>> ColumnFlags(const std::vector<std::string>& wanted, bool all,
                                         const std::vector<std::string>& names, const char* option) {
  std::vector<bool> flags(names.size(), all);
  for (const auto& w : wanted) {
    bool found = false;
    for (size_t i = 0; i < names.size(); i++) {
      if (names[i] == w) {
        flags[i] = true;
        found = true;
      }
    }
    if (!found) {
      return MakeError(sqlstate::kInvalidColumnReference,
                       std::string(option) + " column \"" + w + "\" not referenced by COPY");
    }
  }
  return flags;
}

ast::ExprPtr ColumnExpr(const std::string& name) {
  auto e = std::make_unique<ast::Expr>();
  e->kind = ast::ExprKind::kColumn;
  e->names = {name};
  return e;
}

}  // namespace

SqlResult<CopyPlan> PlanCopy(const ast::Copy& c, const Catalog& catalog, std::string_view sql, Params* params) {
  CopyPlan plan;
  plan.from = c.from;
  if (!c.file.empty() || (c.query == nullptr && c.table.names.empty())) {
    SqlError e = MakeError(sqlstate::kFeatureNotSupported,
                           std::string("COPY ") + (c.from ? "FROM" : "TO") +
                               " a file or program is not supported by LumaDB");
    e.hint = std::string("Use COPY ... ") + (c.from ? "FROM STDIN" : "TO STDOUT") + ", or psql's \\copy.";
    return e;
  }
  if (c.format == "binary") {
    return MakeError(sqlstate::kFeatureNotSupported, "COPY in binary format is not supported by LumaDB yet");
  }
  CopyOptionText given;
  given.csv = c.format == "csv";
  given.header = c.header;
  given.delimiter = c.delimiter;
  given.null_string = c.null_string;
  given.quote = c.quote;
  given.escape = c.escape;
  SQL_ASSIGN_OR_RETURN(plan.options, MakeCopyOptions(given));
  if (!given.csv && (c.force_quote_all || !c.force_quote.empty())) {
    return MakeError(sqlstate::kFeatureNotSupported, "COPY force quote available only in CSV mode");
  }
  if (!given.csv && !c.force_not_null.empty()) {
    return MakeError(sqlstate::kFeatureNotSupported, "COPY force not null available only in CSV mode");
  }
  if (!given.csv && !c.force_null.empty()) {
    return MakeError(sqlstate::kFeatureNotSupported, "COPY force null available only in CSV mode");
  }
  if (c.from && (c.force_quote_all || !c.force_quote.empty())) {
    return MakeError(sqlstate::kFeatureNotSupported, "COPY force quote only available using COPY TO");
  }
  if (!c.from && !c.force_not_null.empty()) {
    return MakeError(sqlstate::kFeatureNotSupported, "COPY force not null only available using COPY FROM");
  }
  if (!c.from && !c.force_null.empty()) {
    return MakeError(sqlstate::kFeatureNotSupported, "COPY force null only available using COPY FROM");
  }
  if (c.query != nullptr) {
    if (c.from) return MakeError(sqlstate::kSyntaxError, "COPY FROM requires a table name");
    SQL_ASSIGN_OR_RETURN(plan.query, PlanSelect(*c.query, catalog, sql, params));
  } else {
    auto table = ResolveTable(c.table, catalog, sql);
    if (!table.ok()) {
      table.status().error().position = 0;  // PostgreSQL shows no position for COPY's table
      return table.TakeStatus();
    }
    plan.table = std::move(table.value());
    const Table& t = *plan.table;
    if (t.IsView()) {
      SqlError e = MakeError(sqlstate::kWrongObjectType, std::string("cannot copy ") + (c.from ? "to" : "from") +
                                                             " view \"" + t.name + "\"");
      if (!c.from) e.hint = "Try the COPY (SELECT ...) TO variant.";
      return e;
    }
    plan.relation = t.name;
    if (c.from) {
      SQL_ASSIGN_OR_RETURN(plan.rules, PlanWriteRules(plan.table, params));
    }
    if (c.columns.empty()) {
      for (size_t i = 0; i < t.columns.size(); i++) plan.columns.push_back(static_cast<int>(i));
    } else {
      for (const auto& name : c.columns) {
        int col = t.FindColumn(name);
        if (col < 0) {
          return MakeError(sqlstate::kUndefinedColumn,
                           "column \"" + name + "\" of relation \"" + t.name + "\" does not exist");
        }
        for (int seen : plan.columns) {
          if (seen == col) {
            return MakeError(sqlstate::kDuplicateColumn, "column \"" + name + "\" specified more than once");
          }
        }
        plan.columns.push_back(col);
      }
    }
    if (!c.from) {
      // COPY t (cols) TO is SELECT cols FROM t.
      ast::Select s;
      for (int col : plan.columns) {
        ast::SelectItem item;
        item.expr = ColumnExpr(t.columns[col].name);
        s.items.push_back(std::move(item));
      }
      ast::TableRef ref;
      ref.names = c.table.names;
      ref.location = c.table.location;
      s.from.push_back(std::move(ref));
      SQL_ASSIGN_OR_RETURN(plan.query, PlanSelect(s, catalog, sql, params));
    }
  }
  std::vector<std::string> names;
  if (plan.query) {
    for (const auto& col : plan.query->columns) names.push_back(col.name);
  } else {
    for (int col : plan.columns) names.push_back(plan.table->columns[col].name);
  }
  SQL_ASSIGN_OR_RETURN(plan.force_quote, ColumnFlags(c.force_quote, c.force_quote_all, names, "FORCE_QUOTE"));
  SQL_ASSIGN_OR_RETURN(plan.force_not_null, ColumnFlags(c.force_not_null, false, names, "FORCE_NOT_NULL"));
  SQL_ASSIGN_OR_RETURN(plan.force_null, ColumnFlags(c.force_null, false, names, "FORCE_NULL"));
  return plan;
}

SqlResult<uint64_t> ExecuteCopyTo(const CopyPlan& plan, Txn* txn, std::vector<std::string>* rows) {
  std::vector<Row> result;
  SQL_RETURN_IF_ERROR(ExecuteSelect(*plan.query, txn, &result));
  rows->reserve(result.size() + 1);
  if (plan.options.header) {
    std::vector<std::string> names;
    for (const auto& col : plan.query->columns) names.push_back(col.name);
    std::string line;
    AppendCopyHeader(names, plan.options, &line);
    rows->push_back(std::move(line));
  }
  std::vector<std::optional<std::string>> fields;
  for (const auto& row : result) {
    fields.clear();
    for (const auto& v : row) {
      if (v.null) {
        fields.emplace_back(std::nullopt);
      } else {
        std::string s;
        AppendText(v, &s);
        fields.emplace_back(std::move(s));
      }
    }
    std::string line;
    AppendCopyRow(fields, plan.options, plan.force_quote, &line);
    rows->push_back(std::move(line));
  }
  return static_cast<uint64_t>(result.size());
}

CopyFromRun::CopyFromRun(CopyPlan plan, Txn* txn, Catalog* catalog)
    : plan_(std::move(plan)), txn_(txn), catalog_(catalog), reader_(plan_.options) {}

SqlError CopyFromRun::WithContext(SqlError e, int column) const {
  std::string ctx = "COPY " + plan_.relation + ", line " + std::to_string(reader_.line_number());
  if (column >= 0 && column < static_cast<int>(fields_.size()) && fields_[column]) {
    ctx += ", column " + plan_.table->columns[plan_.columns[column]].name + ": \"" + *fields_[column] + "\"";
  } else if (column >= 0) {
    ctx += ", column " + plan_.table->columns[plan_.columns[column]].name + ": null input";
  } else if (column == -1 && reader_.line_text_valid()) {
    ctx += ": \"" + reader_.line_text() + "\"";
  }
  e.context = std::move(ctx);
  return e;
}

SqlStatus CopyFromRun::InsertFields(std::vector<std::optional<std::string>>& fields) {
  const Table& t = *plan_.table;
  size_t want = plan_.columns.size();
  if (fields.size() > want) {
    return WithContext(MakeError("22P04", "extra data after last expected column"), -1);
  }
  if (fields.size() < want) {
    return WithContext(
        MakeError("22P04", "missing data for column \"" + t.columns[plan_.columns[fields.size()]].name + "\""), -1);
  }
  values_.clear();
  for (size_t i = 0; i < want; i++) {
    std::optional<std::string>& f = fields[i];
    if (!f && plan_.force_not_null[i]) f = plan_.options.null_string;
    if (f && plan_.force_null[i] && *f == plan_.options.null_string) f.reset();
    const Type& type = t.columns[plan_.columns[i]].type;
    if (!f) {
      values_.push_back(Value::Null(type));
      continue;
    }
    auto v = ParseText(*f, type);
    if (!v.ok()) return WithContext(v.status().error(), static_cast<int>(i));
    v->type = type;
    values_.push_back(std::move(v.value()));
  }
  SqlStatus st = BuildRow(t, plan_.columns, values_, txn_, catalog_, plan_.rules.get(), &row_);
  if (st.ok()) st = InsertBuiltRow(t, row_, txn_, catalog_, plan_.rules.get());
  if (st.ok() && !t.foreign_keys.empty()) {
    // Each row's references are checked as it is loaded (PostgreSQL checks
    // them at the end, so a row may refer to a later one there).
    ForeignKeyChecks fks(txn_, catalog_);
    fks.Written(plan_.table, nullptr, row_);
    st = fks.Finish();
  }
  if (!st.ok()) {
    if (st.error().sqlstate == sqlstate::kWaitForLock) {
      // A COPY does not pause mid-stream: a row another transaction is
      // writing is reported instead of waited for.
      SqlError e = MakeError("55P03", "could not obtain lock on a row of relation \"" + t.name + "\"");
      e.detail = "Another transaction is writing a row with the same key; LumaDB's COPY does not wait for it.";
      return WithContext(std::move(e), -1);
    }
    // PostgreSQL checks keys when it flushes a batch of rows, and then names
    // the line without its text.
    bool key = st.error().sqlstate == sqlstate::kUniqueViolation;
    return WithContext(std::move(st.error()), key ? -2 : -1);
  }
  count_++;
  return SqlStatus::Ok();
}

SqlStatus CopyFromRun::Drain() {
  for (;;) {
    auto got = reader_.Next(&fields_);
    if (!got.ok()) return WithContext(std::move(got.status().error()), -1);
    if (!*got) return SqlStatus::Ok();
    SQL_RETURN_IF_ERROR(InsertFields(fields_));
  }
}

SqlStatus CopyFromRun::Feed(std::string_view data) {
  if (reader_.done()) return SqlStatus::Ok();  // after \. the rest is ignored
  reader_.Feed(data);
  return Drain();
}

SqlResult<uint64_t> CopyFromRun::Finish() {
  reader_.Finish();
  SQL_RETURN_IF_ERROR(Drain());
  return count_;
}

}  // namespace lumadb::engine::sql

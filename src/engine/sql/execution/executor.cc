#include "engine/sql/execution/executor.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "engine/sql/binder/functions.h"
#include "engine/sql/binder/json_functions.h"
#include "engine/sql/binder/table_functions.h"
#include "engine/sql/execution/foreign_keys.h"
#include "engine/sql/execution/row_ops.h"
#include "engine/sql/storage/row_codec.h"
#include "engine/sql/types/array.h"
#include "engine/sql/types/interval.h"
#include "engine/sql/types/numeric.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::sql {

SqlError Corrupt(const Table& t) {
  return MakeError(sqlstate::kInternalError, "corrupt row in table \"" + t.name + "\"");
}

SqlStatus DecodeTableRow(const Table& t, std::string_view value, Row* row, const std::vector<bool>* columns) {
  if (!DecodeRow(value, row, columns)) return Corrupt(t);
  while (row->size() < t.columns.size()) row->push_back(Value::Null(t.columns[row->size()].type));
  return SqlStatus::Ok();
}

namespace {

// How ScanTable reads: the row keys to read instead of scanning (see
// SelectPlan::point_key, point_keys, index_prefix), which columns to
// decode (null: all) and whether fn needs each row's key.
struct ScanSpec {
  const std::optional<std::string>* point_key = nullptr;
  const std::optional<std::string>* index_prefix = nullptr;
  const std::vector<std::string>* point_keys = nullptr;
  const std::vector<bool>* columns = nullptr;
  bool keys = true;
};

// Calls fn(key, row) for each visible row of `t` in key order, in batches:
// the rows of a batch are decoded together before fn sees them. fn may
// change or move from the row (its storage is reused for the next batch).
SqlStatus ScanTable(Txn* txn, const Table& t, const std::function<SqlResult<bool>(std::string_view, Row&)>& fn,
                    const ScanSpec& spec = {}) {
  bool point = spec.point_key != nullptr && spec.point_key->has_value();
  if (spec.point_keys != nullptr && !spec.point_keys->empty() && !point) {
    // WHERE pk IN (...) / = ANY(...): one read per key, in key order.
    std::string v;
    Row row;
    for (const auto& k : *spec.point_keys) {
      if (k.empty() || !txn->Get(k, &v)) continue;
      SQL_RETURN_IF_ERROR(DecodeTableRow(t, v, &row, spec.columns));
      auto go = fn(k, row);
      if (!go.ok()) return go.TakeStatus();
      if (!*go) break;
    }
    return SqlStatus::Ok();
  }
  if (spec.index_prefix != nullptr && spec.index_prefix->has_value() && !point) {
    // The index entries under the prefix name the rows to read, in index order.
    std::vector<std::string> keys;
    std::string row_prefix = keys::RowPrefix(t.relfile);
    SQL_RETURN_IF_ERROR(txn->Scan(**spec.index_prefix, [&](std::string_view, std::string_view suffix) {
      keys.push_back(row_prefix + std::string(suffix));
      return true;
    }));
    Row row;
    std::string v;
    for (const auto& k : keys) {
      if (!txn->Get(k, &v)) return Corrupt(t);
      SQL_RETURN_IF_ERROR(DecodeTableRow(t, v, &row, spec.columns));
      auto go = fn(k, row);
      if (!go.ok()) return go.TakeStatus();
      if (!*go) break;
    }
    return SqlStatus::Ok();
  }
  if (point) {
    // The primary key is fixed: one read instead of a scan.
    const std::string& key = **spec.point_key;
    std::string v;
    if (!txn->Get(key, &v)) return SqlStatus::Ok();
    Row row;
    SQL_RETURN_IF_ERROR(DecodeTableRow(t, v, &row, spec.columns));
    auto go = fn(key, row);
    return go.ok() ? SqlStatus::Ok() : go.TakeStatus();
  }
  // The batch's keys and rows keep their buffers from one batch to the next.
  std::vector<std::pair<std::string, Row>> batch(kBatchRows);
  size_t used = 0;
  SqlStatus err;
  bool stop = false;
  auto drain = [&]() {
    for (size_t i = 0; i < used; i++) {
      auto go = fn(batch[i].first, batch[i].second);
      if (!go.ok()) {
        err = go.TakeStatus();
        stop = true;
        break;
      }
      if (!*go) {
        stop = true;
        break;
      }
    }
    used = 0;
  };
  SqlStatus st = txn->Scan(keys::RowPrefix(t.relfile), [&](std::string_view k, std::string_view v) {
    auto& [key, row] = batch[used];
    if (spec.keys) key.assign(k.data(), k.size());
    err = DecodeTableRow(t, v, &row, spec.columns);
    if (!err.ok()) {
      stop = true;
      return false;
    }
    if (++used == kBatchRows) drain();
    return !stop;
  });
  SQL_RETURN_IF_ERROR(std::move(st));
  if (!stop) drain();
  return err;
}

}  // namespace

std::string RowText(const Row& row) {
  std::string s = "(";
  for (size_t i = 0; i < row.size(); i++) {
    if (i) s += ", ";
    if (row[i].null) {
      s += "null";
    } else {
      AppendText(row[i], &s);
    }
  }
  return s + ")";
}

SqlStatus CheckNotNull(const Table& t, const Row& row) {
  for (size_t c = 0; c < t.columns.size(); c++) {
    if (t.columns[c].not_null && row[c].null) {
      SqlError e = MakeError(sqlstate::kNotNullViolation, "null value in column \"" + t.columns[c].name +
                                                              "\" of relation \"" + t.name +
                                                              "\" violates not-null constraint");
      e.detail = "Failing row contains " + RowText(row) + ".";
      e.table = t.name;
      e.column = t.columns[c].name;
      return e;
    }
  }
  return SqlStatus::Ok();
}

SqlStatus CheckRow(const Table& t, const Row& row, const WriteRules* rules) {
  SQL_RETURN_IF_ERROR(CheckNotNull(t, row));
  if (rules == nullptr) return SqlStatus::Ok();
  for (const auto& [name, check] : rules->checks) {
    SQL_ASSIGN_OR_RETURN(Value v, Eval(*check, row));
    if (v.null || v.i != 0) continue;
    SqlError e = MakeError(sqlstate::kCheckViolation,
                           "new row for relation \"" + t.name + "\" violates check constraint \"" + name + "\"");
    e.detail = "Failing row contains " + RowText(row) + ".";
    e.table = t.name;
    e.constraint = name;
    return e;
  }
  return SqlStatus::Ok();
}

SqlError DuplicateKey(const Table& t, const std::string& constraint, const std::vector<int>& columns,
                      const Row& row) {
  SqlError e = MakeError(sqlstate::kUniqueViolation,
                         "duplicate key value violates unique constraint \"" + constraint + "\"");
  e.detail = KeyDetail(t, columns, row) + " already exists.";
  e.table = t.name;
  e.constraint = constraint;
  return e;
}

SqlError DuplicateKey(const Table& t, const Row& row) { return DuplicateKey(t, t.PrimaryKeyName(), t.primary_key, row); }

// Takes the row lock of `key`. An insert does not care whether the row changed
// after the snapshot (it checks the newest version); an update or delete does.
SqlStatus LockRow(Txn* txn, const std::string& key, bool insert) {
  switch (txn->Lock(key)) {
    case LockResult::kAcquired: return SqlStatus::Ok();
    case LockResult::kWait: return MakeError(sqlstate::kWaitForLock, "waiting for a row lock");
    case LockResult::kDeadlock: {
      SqlError e = MakeError(sqlstate::kDeadlockDetected, "deadlock detected");
      e.detail = "Transaction " + std::to_string(txn->id()) + " waits for transaction " +
                 std::to_string(txn->blocker()) + ", which waits for transaction " + std::to_string(txn->id()) +
                 " (directly or through others).";
      e.hint = "See server log for query details.";
      return e;
    }
    case LockResult::kStale:
      if (insert) return SqlStatus::Ok();
      if (txn->isolation() == Isolation::kReadCommitted) return MakeError(sqlstate::kRestart, "row changed");
      return MakeError(sqlstate::kSerializationFailure, "could not serialize access due to concurrent update");
  }
  return SqlStatus::Ok();
}

bool IndexHasNull(const Index& index, const Row& row) {
  for (int c : index.columns) {
    if (row[c].null) return true;
  }
  return false;
}

// Moves a row's secondary index entries from its old version (`old` at
// old_key; null for an insert) to its new one (`row` at key; null for a
// delete). Entries that stay the same are left alone. A unique index's
// values are locked by whoever adds or removes them, so a second writer
// of the same values waits, then checks the newest entries and fails with
// 23505 if another row has them (NULLs never conflict).
SqlStatus UpdateIndexes(const Table& t, const Row* old, const std::string* old_key, const Row* row,
                        const std::string* key, Txn* txn) {
  for (const Index& idx : t.indexes) {
    std::string old_entry, new_entry;
    if (old != nullptr) old_entry = IndexEntryKey(t, idx, *old, *old_key);
    if (row != nullptr) new_entry = IndexEntryKey(t, idx, *row, *key);
    if (old != nullptr && row != nullptr && old_entry == new_entry) continue;
    if (old != nullptr) {
      if (idx.unique && !IndexHasNull(idx, *old)) {
        SQL_RETURN_IF_ERROR(LockRow(txn, IndexValuesKey(t, idx, *old), /*insert=*/true));
      }
      txn->Delete(old_entry);
    }
    if (row == nullptr) continue;
    std::string suffix = key->substr(RowPrefixSize());
    if (idx.unique && !IndexHasNull(idx, *row)) {
      std::string values = IndexValuesKey(t, idx, *row);
      SQL_RETURN_IF_ERROR(LockRow(txn, values, /*insert=*/true));
      bool dup = false;
      SQL_RETURN_IF_ERROR(txn->Scan(
          values,
          [&](std::string_view, std::string_view other) {
            dup = other != suffix;
            return !dup;
          },
          /*latest=*/true));
      if (dup) return DuplicateKey(t, idx.name, idx.columns, *row);
    }
    txn->Put(new_entry, std::move(suffix));
  }
  return SqlStatus::Ok();
}

SqlStatus WriteUpdatedRow(const Table& t, const std::string& key, const Row& old, const Row& row, Txn* txn,
                          std::string* new_key_out) {
  std::string new_key = t.primary_key.empty() ? key : RowKey(t, row, 0);
  if (new_key != key) {
    SQL_RETURN_IF_ERROR(LockRow(txn, new_key, /*insert=*/true));
    std::string existing;
    if (txn->Get(new_key, &existing, /*latest=*/true)) return DuplicateKey(t, row);
    txn->Delete(key);
  }
  SQL_RETURN_IF_ERROR(UpdateIndexes(t, &old, &key, &row, &new_key, txn));
  txn->Put(new_key, EncodeRow(row));
  if (new_key_out != nullptr) *new_key_out = std::move(new_key);
  return SqlStatus::Ok();
}

SqlStatus DeleteRow(const Table& t, const std::string& key, const Row& row, Txn* txn) {
  SQL_RETURN_IF_ERROR(UpdateIndexes(t, &row, &key, nullptr, nullptr, txn));
  txn->Delete(key);
  return SqlStatus::Ok();
}

namespace {

SqlStatus EvalAll(const std::vector<BoundPtr>& exprs, const Row& in, Row* out) {
  out->clear();
  out->reserve(exprs.size());
  for (const auto& e : exprs) {
    SQL_ASSIGN_OR_RETURN(Value v, Eval(*e, in));
    out->push_back(std::move(v));
  }
  return SqlStatus::Ok();
}

SqlResult<int64_t> EvalCount(const BoundPtr& e, const char* what, const char* sqlstate, int64_t none) {
  if (!e) return none;
  SQL_ASSIGN_OR_RETURN(Value v, Eval(*e, {}));
  if (v.null) return none;
  if (v.i < 0) return MakeError(sqlstate, std::string(what) + " must not be negative");
  return v.i;
}

// ---- aggregation ----

struct AggState {
  int64_t count = 0;
  __int128 isum = 0;
  double fsum = 0;
  numeric::Decimal nsum;  // sum/avg of numeric
  numeric::Decimal nsum2;  // stddev/variance of integers and numeric: the sum of squares
  double sxx = 0;          // ... of floats: Youngs-Cramer's sum of squared deviations
  Value best;  // min / max
  bool has = false;
  bool b = false;
  std::unique_ptr<std::set<std::string>> seen;  // DISTINCT
  // string_agg: each value with the delimiter before it and its ORDER BY keys.
  struct Piece {
    std::vector<Value> keys;
    std::string delimiter, value;
    Value item, item2;  // json_agg & co: the argument(s)
  };
  std::vector<Piece> pieces;
};

// percentile_cont, percentile_disc, mode: the non-NULL values, sorted in Finish.
bool IsOrderedSet(const std::string& n) { return n == "percentile_cont" || n == "percentile_disc" || n == "mode"; }

// Aggregates that collect their inputs, NULLs included, and build an array
// or a JSON value of them in Finish.
bool IsCollecting(const std::string& n) {
  return n == "json_agg" || n == "jsonb_agg" || n == "json_object_agg" || n == "jsonb_object_agg" ||
         n == "array_agg";
}

// DISTINCT: true when the group has had `v` already (remembering it otherwise).
bool SeenBefore(AggState& s, const Value& v) {
  if (!s.seen) s.seen = std::make_unique<std::set<std::string>>();
  std::string k;
  EncodeValue(v, &k);
  return !s.seen->insert(std::move(k)).second;
}

// Keeps `v` (and what `p` holds already) with the aggregate's ORDER BY keys
// of row `in`, for Finish to sort.
SqlStatus Collect(const AggregateCall& a, AggState& s, const Row& in, Value v, AggState::Piece p) {
  p.item = std::move(v);
  for (const auto& k : a.order) {
    SQL_ASSIGN_OR_RETURN(Value kv, Eval(*k.expr, in));
    p.keys.push_back(std::move(kv));
  }
  s.pieces.push_back(std::move(p));
  s.count++;
  return SqlStatus::Ok();
}

// The aggregates AccumulateSimple handles (kOther: the rest, and any
// with DISTINCT, ORDER BY or an interval argument).
enum class AggKind : uint8_t { kOther, kCount, kSumOrAvg, kMin, kMax };

AggKind KindOf(const AggregateCall& a) {
  if (a.distinct || !a.order.empty() || a.arg2) return AggKind::kOther;
  if (a.name == "count") return AggKind::kCount;
  if (a.arg && a.arg->type.id == TypeId::kInterval) return AggKind::kOther;
  if (a.name == "sum" || a.name == "avg") return AggKind::kSumOrAvg;
  if (a.name == "min") return AggKind::kMin;
  if (a.name == "max") return AggKind::kMax;
  return AggKind::kOther;
}

// An aggregate's first steps for a row: FILTER (WHERE ...), then count(*)
// counts it. False when nothing more is to be done with the row.
SqlResult<bool> TakesRow(const AggregateCall& a, AggState& s, const Row& in) {
  if (a.filter) {
    SQL_ASSIGN_OR_RETURN(bool keep, EvalPredicate(*a.filter, in));
    if (!keep) return false;
  }
  if (a.star) {
    s.count++;
    return false;
  }
  return true;
}

// Accumulate for count, sum, avg, min and max (kind != kOther): the same
// steps without looking the aggregate up by name or copying a column's value.
SqlStatus AccumulateSimple(const AggregateCall& a, AggKind kind, AggState& s, const Row& in) {
  SQL_ASSIGN_OR_RETURN(bool more, TakesRow(a, s, in));
  if (!more) return SqlStatus::Ok();
  Value tmp;
  const Value* v;
  SQL_RETURN_IF_ERROR(EvalRef(*a.arg, in, &tmp, &v));
  if (v->null) return SqlStatus::Ok();
  s.count++;
  switch (kind) {
    case AggKind::kSumOrAvg:
      if (IsFloat(v->type.id)) {
        s.fsum += v->f;
      } else if (v->type.id == TypeId::kNumeric) {
        SQL_ASSIGN_OR_RETURN(numeric::Decimal d, NumericOf(*v));
        SQL_ASSIGN_OR_RETURN(s.nsum, numeric::Add(s.nsum, d));
      } else {
        s.isum += v->i;
      }
      break;
    case AggKind::kMin:
    case AggKind::kMax:
      if (!s.has || (kind == AggKind::kMin ? CompareValues(*v, s.best) < 0 : CompareValues(*v, s.best) > 0)) {
        s.best = *v;
      }
      s.has = true;
      break;
    default: break;
  }
  return SqlStatus::Ok();
}

SqlStatus Accumulate(const AggregateCall& a, AggState& s, const Row& in) {
  SQL_ASSIGN_OR_RETURN(bool more, TakesRow(a, s, in));
  if (!more) return SqlStatus::Ok();
  SQL_ASSIGN_OR_RETURN(Value v, Eval(*a.arg, in));
  if (IsCollecting(a.name)) {
    AggState::Piece p;
    if (a.arg2) {
      if (v.null) return MakeError(sqlstate::kInvalidParameterValue, "field name must not be null");
      SQL_ASSIGN_OR_RETURN(p.item2, Eval(*a.arg2, in));
    }
    if (a.distinct && SeenBefore(s, v)) return SqlStatus::Ok();
    return Collect(a, s, in, std::move(v), std::move(p));
  }
  if (v.null) return SqlStatus::Ok();
  if (IsOrderedSet(a.name)) {
    // The values (NULLs skipped) with their sort key; the fraction is read
    // from the group's first row.
    AggState::Piece p;
    if (a.arg2 && s.pieces.empty()) {
      SQL_ASSIGN_OR_RETURN(p.item2, Eval(*a.arg2, in));
    }
    return Collect(a, s, in, std::move(v), std::move(p));
  }
  if (a.name == "string_agg") {
    if (a.distinct && SeenBefore(s, v)) return SqlStatus::Ok();
    AggState::Piece p;
    p.value = std::move(v.s);
    SQL_ASSIGN_OR_RETURN(Value d, Eval(*a.arg2, in));
    p.delimiter = d.null ? std::string() : std::move(d.s);
    return Collect(a, s, in, Value(), std::move(p));
  }
  if (a.distinct && SeenBefore(s, v)) return SqlStatus::Ok();
  s.count++;
  const std::string& n = a.name;
  if (n == "stddev_samp" || n == "stddev_pop" || n == "var_samp" || n == "var_pop") {
    if (IsFloat(v.type.id)) {
      // float8_accum: N, Sx and Sxx updated as PostgreSQL does.
      double x = v.f, nn = static_cast<double>(s.count);
      s.fsum += x;
      if (s.count > 1) {
        double tmp = x * nn - s.fsum;
        s.sxx += tmp * tmp / (nn * (nn - 1));
      } else if (!std::isfinite(x)) {
        s.sxx = std::nan("");
      }
    } else {
      SQL_ASSIGN_OR_RETURN(numeric::Decimal d, NumericOf(v));
      SQL_ASSIGN_OR_RETURN(numeric::Decimal sq, numeric::Mul(d, d));
      SQL_ASSIGN_OR_RETURN(s.nsum, numeric::Add(s.nsum, d));
      SQL_ASSIGN_OR_RETURN(s.nsum2, numeric::Add(s.nsum2, sq));
    }
  } else if (n == "sum" || n == "avg") {
    if (v.type.id == TypeId::kInterval) {
      // Interval sums add field by field (interval_pl); best holds the sum.
      if (s.has) {
        SQL_ASSIGN_OR_RETURN(datetime::Interval sum, datetime::AddIntervals(datetime::DecodeInterval(s.best.s),
                                                                            datetime::DecodeInterval(v.s)));
        s.best.s = datetime::EncodeInterval(sum);
      } else {
        s.best = std::move(v);
        s.best.type = Type::Of(TypeId::kInterval);
      }
      s.has = true;
    } else if (IsFloat(v.type.id)) {
      s.fsum += v.f;
    } else if (v.type.id == TypeId::kNumeric) {
      SQL_ASSIGN_OR_RETURN(numeric::Decimal d, NumericOf(v));
      SQL_ASSIGN_OR_RETURN(s.nsum, numeric::Add(s.nsum, d));
    } else {
      s.isum += v.i;
    }
  } else if (n == "min" || n == "max") {
    if (!s.has || (n == "min" ? CompareValues(v, s.best) < 0 : CompareValues(v, s.best) > 0)) s.best = std::move(v);
    s.has = true;
  } else if (n == "bool_and") {
    s.b = s.has ? (s.b && v.i != 0) : v.i != 0;
    s.has = true;
  } else if (n == "bool_or") {
    s.b = s.has ? (s.b || v.i != 0) : v.i != 0;
    s.has = true;
  }
  return SqlStatus::Ok();
}

int CompareKeys(const Row& a, const Row& b, const std::vector<SortExpr>& order);

// array_agg, json(b)_agg and json(b)_object_agg of the collected values, in
// their ORDER BY order (idx).
SqlResult<Value> FinishCollected(const AggregateCall& a, const AggState& s, const std::vector<size_t>& idx) {
  std::vector<Value> items, values;
  items.reserve(idx.size());
  for (size_t i : idx) {
    items.push_back(s.pieces[i].item);
    if (a.arg2) values.push_back(s.pieces[i].item2);
  }
  if (a.name == "array_agg") return MakeArray(a.type.Element(), items);
  if (a.arg2) return JsonObjectOf(a.type.id, items, values, /*spaced_braces=*/true);
  return JsonArrayOf(a.type.id, items, /*aggregate=*/true);
}

SqlResult<Value> FinishVariance(const AggregateCall& a, const AggState& s);

// percentile_cont / percentile_disc at one fraction of the sorted values,
// and mode(): PostgreSQL's orderedsetaggs.c.
SqlResult<Value> Percentile(const std::string& name, double f, const std::vector<const Value*>& v, const Type& type) {
  if (std::isnan(f) || f < 0 || f > 1) {
    std::string text;
    AppendFloatText(TypeId::kFloat8, f, &text);
    return MakeError(sqlstate::kNumericOutOfRange, "percentile value " + text + " is not between 0 and 1");
  }
  double n = static_cast<double>(v.size());
  if (name == "percentile_disc") {
    int64_t row = static_cast<int64_t>(std::ceil(f * n));
    if (row < 1) row = 1;
    return *v[static_cast<size_t>(row - 1)];
  }
  double pos = f * (n - 1);
  size_t lo = static_cast<size_t>(std::floor(pos)), hi = static_cast<size_t>(std::ceil(pos));
  double x = v[lo]->f, y = v[hi]->f;
  return Value::Float(type.id, lo == hi ? x : x + (pos - static_cast<double>(lo)) * (y - x));
}

SqlResult<Value> FinishOrderedSet(const AggregateCall& a, const AggState& s, const std::vector<size_t>& idx) {
  std::vector<const Value*> v;
  v.reserve(idx.size());
  for (size_t i : idx) v.push_back(&s.pieces[i].item);
  if (a.name == "mode") {
    // The most frequent value; of equally frequent ones, the first in the order.
    size_t best = 0, best_run = 0;
    for (size_t i = 0; i < v.size();) {
      size_t j = i;
      while (j < v.size() && CompareValues(*v[j], *v[i]) == 0) j++;
      if (j - i > best_run) {
        best = i;
        best_run = j - i;
      }
      i = j;
    }
    return *v[best];
  }
  const Value& fraction = s.pieces[0].item2;
  if (fraction.null) return Value::Null(a.type);
  if (fraction.type.id != TypeId::kArray) return Percentile(a.name, fraction.f, v, a.type);
  SQL_ASSIGN_OR_RETURN(std::vector<Value> fs, ArrayElements(fraction));
  std::vector<Value> out;
  for (const auto& f : fs) {
    if (f.null) {
      out.push_back(Value::Null(a.type.Element()));
      continue;
    }
    SQL_ASSIGN_OR_RETURN(Value r, Percentile(a.name, f.f, v, a.type.Element()));
    out.push_back(std::move(r));
  }
  return MakeArray(a.type.Element(), out);
}

SqlResult<Value> Finish(const AggregateCall& a, const AggState& s) {
  const std::string& n = a.name;
  if (n == "count") return Value::Int(TypeId::kInt8, s.count);
  if (s.count == 0) return Value::Null(a.type);
  std::vector<size_t> idx(s.pieces.size());
  for (size_t i = 0; i < idx.size(); i++) idx[i] = i;
  if (!a.order.empty()) {
    std::stable_sort(idx.begin(), idx.end(), [&](size_t x, size_t y) {
      return CompareKeys(s.pieces[x].keys, s.pieces[y].keys, a.order) < 0;
    });
  }
  if (IsCollecting(n)) return FinishCollected(a, s, idx);
  if (IsOrderedSet(n)) return FinishOrderedSet(a, s, idx);
  if (n == "string_agg") {
    std::string out;
    for (size_t i = 0; i < idx.size(); i++) {
      if (i > 0) out += s.pieces[idx[i]].delimiter;
      out += s.pieces[idx[i]].value;
    }
    return Value::String(a.type, std::move(out));
  }
  if (a.type.id == TypeId::kInterval && (n == "sum" || n == "avg")) {
    if (n == "sum") return s.best;
    SQL_ASSIGN_OR_RETURN(datetime::Interval avg, datetime::DivInterval(datetime::DecodeInterval(s.best.s),
                                                                       static_cast<double>(s.count)));
    return Value::String(a.type, datetime::EncodeInterval(avg));
  }
  // Integer sums as exact decimals (sum(bigint) and avg of integers are numeric).
  bool numeric_arg = a.arg && a.arg->type.id == TypeId::kNumeric;
  numeric::Decimal exact = numeric_arg ? s.nsum : numeric::Decimal{s.isum, 0};
  if (n == "sum") {
    if (IsFloat(a.type.id)) return Value::Float(a.type.id, s.fsum);
    if (a.type.id == TypeId::kNumeric) return Value::String(a.type, numeric::ToString(exact));
    SQL_RETURN_IF_ERROR(CheckIntRange(TypeId::kInt8, s.isum));
    return Value::Int(TypeId::kInt8, static_cast<int64_t>(s.isum));
  }
  if (n == "avg") {
    if (a.type.id == TypeId::kNumeric) {
      SQL_ASSIGN_OR_RETURN(numeric::Decimal q, numeric::Div(exact, numeric::FromInt(s.count)));
      return Value::String(a.type, numeric::ToString(q));
    }
    bool fl = a.arg && IsFloat(a.arg->type.id);
    double sum = fl ? s.fsum : static_cast<double>(s.isum);
    return Value::Float(TypeId::kFloat8, sum / static_cast<double>(s.count));
  }
  if (n == "bool_and" || n == "bool_or") return Value::Bool(s.b);
  if (n == "stddev_samp" || n == "stddev_pop" || n == "var_samp" || n == "var_pop") return FinishVariance(a, s);
  return s.best;
}

// stddev/variance: PostgreSQL's float8 formula for floats; for integers
// and numeric, (N * sum(x^2) - sum(x)^2) / (N * (N - 1)) (or N * N) at
// select_div_scale's scale, and its square root at that scale.
SqlResult<Value> FinishVariance(const AggregateCall& a, const AggState& s) {
  bool sample = a.name == "stddev_samp" || a.name == "var_samp";
  bool root = a.name == "stddev_samp" || a.name == "stddev_pop";
  if (sample && s.count < 2) return Value::Null(a.type);
  if (a.type.id == TypeId::kFloat8) {
    double var = s.sxx / static_cast<double>(sample ? s.count - 1 : s.count);
    return Value::Float(TypeId::kFloat8, root ? std::sqrt(var) : var);
  }
  numeric::Decimal n = numeric::FromInt(s.count);
  SQL_ASSIGN_OR_RETURN(numeric::Decimal sq, numeric::Mul(s.nsum, s.nsum));
  SQL_ASSIGN_OR_RETURN(numeric::Decimal nx2, numeric::Mul(n, s.nsum2));
  SQL_ASSIGN_OR_RETURN(numeric::Decimal num, numeric::Sub(nx2, sq));
  if (numeric::Compare(num, numeric::Decimal{}) <= 0) return Value::String(a.type, "0");
  numeric::Decimal den = numeric::FromInt(sample ? s.count - 1 : s.count);
  SQL_ASSIGN_OR_RETURN(den, numeric::Mul(n, den));
  SQL_ASSIGN_OR_RETURN(numeric::Decimal var, numeric::Div(num, den));
  if (root) {
    SQL_ASSIGN_OR_RETURN(var, numeric::Sqrt(var, var.scale));
  }
  return Value::String(a.type, numeric::ToString(var));
}

// ORDER BY's comparison of two key rows (NULLs as SortKey puts them).
int CompareKeys(const Row& a, const Row& b, const std::vector<SortExpr>& order) {
  for (size_t k = 0; k < order.size(); k++) {
    const Value& x = a[k];
    const Value& y = b[k];
    int c;
    if (x.null || y.null) {
      if (x.null && y.null) continue;
      c = x.null ? 1 : -1;
      if (order[k].nulls_first != order[k].desc) c = -c;
    } else {
      c = CompareValues(x, y);
    }
    if (order[k].desc) c = -c;
    if (c != 0) return c;
  }
  return 0;
}

SqlResult<int64_t> FrameOffset(const BoundPtr& e, const char* which) {
  if (!e) return 0;
  SQL_ASSIGN_OR_RETURN(Value v, Eval(*e, {}));
  if (v.null) return MakeError("22004", std::string("frame ") + which + " offset must not be null");
  if (v.i < 0) return MakeError("22013", std::string("frame ") + which + " offset must not be negative");
  return v.i;
}

// The values of the window call `w` over `rows` (each as window functions
// see it), in the rows' order: rows are sorted by PARTITION BY then ORDER
// BY, and each row's frame is found among its partition's rows.
SqlStatus ComputeWindow(const WindowCall& w, const std::vector<Row>& rows, std::vector<Value>* out) {
  namespace frame = ast::frame;
  const size_t n = rows.size();
  out->assign(n, Value::Null(w.type));
  std::vector<Row> pkeys(n), okeys(n);
  for (size_t i = 0; i < n; i++) {
    for (const auto& p : w.partition) {
      SQL_ASSIGN_OR_RETURN(Value v, Eval(*p, rows[i]));
      pkeys[i].push_back(std::move(v));
    }
    for (const auto& o : w.order) {
      SQL_ASSIGN_OR_RETURN(Value v, Eval(*o.expr, rows[i]));
      okeys[i].push_back(std::move(v));
    }
  }
  auto same_partition = [&](size_t a, size_t b) {
    for (size_t k = 0; k < pkeys[a].size(); k++) {
      if (CompareValues(pkeys[a][k], pkeys[b][k]) != 0) return false;
    }
    return true;
  };
  std::vector<size_t> idx(n);
  for (size_t i = 0; i < n; i++) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    for (size_t k = 0; k < pkeys[a].size(); k++) {
      int c = CompareValues(pkeys[a][k], pkeys[b][k]);
      if (c != 0) return c < 0;
    }
    return CompareKeys(okeys[a], okeys[b], w.order) < 0;
  });
  const int fo = w.frame_options;
  SQL_ASSIGN_OR_RETURN(int64_t start_off, FrameOffset(w.start_offset, "starting"));
  SQL_ASSIGN_OR_RETURN(int64_t end_off, FrameOffset(w.end_offset, "ending"));
  const std::string& f = w.name;
  for (size_t ps = 0; ps < n;) {
    size_t pe = ps + 1;
    while (pe < n && same_partition(idx[ps], idx[pe])) pe++;
    const int64_t m = static_cast<int64_t>(pe - ps);
    auto row_at = [&](int64_t j) -> const Row& { return rows[idx[ps + static_cast<size_t>(j)]]; };
    // Peer groups: rows whose ORDER BY keys are equal.
    std::vector<int64_t> peer_first(m), peer_last(m);
    for (int64_t j = 0; j < m;) {
      int64_t k = j + 1;
      while (k < m && CompareKeys(okeys[idx[ps + j]], okeys[idx[ps + k]], w.order) == 0) k++;
      for (int64_t q = j; q < k; q++) {
        peer_first[q] = j;
        peer_last[q] = k - 1;
      }
      j = k;
    }
    auto frame_of = [&](int64_t j, int64_t* fs, int64_t* fe) {
      int64_t s, e;
      if (fo & frame::kStartUnboundedPreceding) {
        s = 0;
      } else if (fo & frame::kStartCurrentRow) {
        s = (fo & frame::kRows) ? j : peer_first[j];
      } else if (fo & frame::kStartOffsetPreceding) {
        s = j - start_off;
      } else {
        s = j + start_off;
      }
      if (fo & frame::kEndUnboundedFollowing) {
        e = m - 1;
      } else if (fo & frame::kEndCurrentRow) {
        e = (fo & frame::kRows) ? j : peer_last[j];
      } else if (fo & frame::kEndOffsetPreceding) {
        e = j - end_off;
      } else {
        e = j + end_off;
      }
      *fs = std::max<int64_t>(s, 0);
      *fe = std::min<int64_t>(e, m - 1);
    };
    std::optional<AggState> running;  // a frame that starts at the partition's first row grows
    int64_t added = 0;
    int64_t dense = 0;
    for (int64_t j = 0; j < m; j++) {
      Value& dst = (*out)[idx[ps + j]];
      const Row& row = row_at(j);
      if (j == peer_first[j]) dense++;
      if (f == "row_number") {
        dst = Value::Int(TypeId::kInt8, j + 1);
      } else if (f == "rank") {
        dst = Value::Int(TypeId::kInt8, peer_first[j] + 1);
      } else if (f == "dense_rank") {
        dst = Value::Int(TypeId::kInt8, dense);
      } else if (f == "percent_rank") {
        dst = Value::Float(TypeId::kFloat8, m > 1 ? static_cast<double>(peer_first[j]) / static_cast<double>(m - 1) : 0);
      } else if (f == "cume_dist") {
        dst = Value::Float(TypeId::kFloat8, static_cast<double>(peer_last[j] + 1) / static_cast<double>(m));
      } else if (f == "ntile") {
        SQL_ASSIGN_OR_RETURN(Value k, Eval(*w.args[0], row));
        if (k.null) continue;
        if (k.i <= 0) return MakeError("22014", "argument of ntile must be greater than zero");
        int64_t per = m / k.i, rem = m % k.i;
        int64_t bucket = j < rem * (per + 1) ? j / (per + 1) + 1 : rem + (j - rem * (per + 1)) / per + 1;
        dst = Value::Int(TypeId::kInt4, bucket);
      } else if (f == "lag" || f == "lead") {
        int64_t off = 1;
        if (w.args.size() > 1) {
          SQL_ASSIGN_OR_RETURN(Value o, Eval(*w.args[1], row));
          if (o.null) continue;
          off = o.i;
        }
        int64_t target = f == "lag" ? j - off : j + off;
        if (target >= 0 && target < m) {
          SQL_ASSIGN_OR_RETURN(dst, Eval(*w.args[0], row_at(target)));
        } else if (w.args.size() > 2) {
          SQL_ASSIGN_OR_RETURN(dst, Eval(*w.args[2], row));
        }
      } else if (f == "first_value" || f == "last_value" || f == "nth_value") {
        int64_t fs, fe;
        frame_of(j, &fs, &fe);
        int64_t at = f == "first_value" ? fs : fe;
        if (f == "nth_value") {
          SQL_ASSIGN_OR_RETURN(Value k, Eval(*w.args[1], row));
          if (k.null) continue;
          if (k.i <= 0) return MakeError("22016", "argument of nth_value must be greater than zero");
          at = fs + k.i - 1;
        }
        if (fs <= fe && at >= fs && at <= fe) {
          SQL_ASSIGN_OR_RETURN(dst, Eval(*w.args[0], row_at(at)));
        }
      } else {
        // An aggregate over the frame.
        int64_t fs, fe;
        frame_of(j, &fs, &fe);
        if (fs == 0 && (fo & frame::kStartUnboundedPreceding)) {
          if (!running) running.emplace();
          for (; added <= fe; added++) SQL_RETURN_IF_ERROR(Accumulate(w.agg, *running, row_at(added)));
          SQL_ASSIGN_OR_RETURN(dst, Finish(w.agg, *running));
        } else {
          AggState st;
          for (int64_t q = fs; q <= fe; q++) SQL_RETURN_IF_ERROR(Accumulate(w.agg, st, row_at(q)));
          SQL_ASSIGN_OR_RETURN(dst, Finish(w.agg, st));
        }
      }
      dst.type = dst.null ? w.type : dst.type;
    }
    ps = pe;
  }
  return SqlStatus::Ok();
}

// Whether e reads only slots in [lo, hi) and nothing else that varies
// between rows of one statement (no subqueries, outer references, volatile functions).
bool ReadsOnly(const BoundExpr& e, int lo, int hi) {
  switch (e.kind) {
    case BoundKind::kSlot: return e.slot >= lo && e.slot < hi;
    case BoundKind::kConst:
    case BoundKind::kCast:
    case BoundKind::kArith:
    case BoundKind::kUnary:
    case BoundKind::kConcat:
    case BoundKind::kCoalesce:
      break;
    case BoundKind::kFunc:
      if (e.func == nullptr) return false;  // now(), random() and the like are bound specially
      break;
    default: return false;
  }
  for (const auto& a : e.args) {
    if (!ReadsOnly(*a, lo, hi)) return false;
  }
  return true;
}

// Types whose equal values have equal index keys (AppendIndexValue), so a
// hash of the key finds every row `=` would accept.
bool HashableAs(const Type& a, const Type& b) {
  if (IsInteger(a.id) && IsInteger(b.id)) return true;
  if (IsString(a.id) && IsString(b.id)) return a.id != TypeId::kBpchar && b.id != TypeId::kBpchar;
  if (a.id != b.id) return false;
  return a.id != TypeId::kArray && a.id != TypeId::kJsonb && a.id != TypeId::kJson && a.id != TypeId::kNull &&
         a.id != TypeId::kUnknown && (a.id != TypeId::kEnum || a.length == b.length);
}

// The equality conjuncts of joins[t].on, as (left side, right side).
void EquiConjuncts(const BoundExpr& e, int base, int end, std::vector<std::pair<const BoundExpr*, const BoundExpr*>>* out) {
  if (e.kind == BoundKind::kAnd) {
    for (const auto& a : e.args) EquiConjuncts(*a, base, end, out);
    return;
  }
  if (e.kind != BoundKind::kCompare || e.op != "=" || e.args.size() != 2) return;
  const BoundExpr* l = e.args[0].get();
  const BoundExpr* r = e.args[1].get();
  if (ReadsOnly(*r, 0, base) && ReadsOnly(*l, base, end)) std::swap(l, r);
  if (!ReadsOnly(*l, 0, base) || !ReadsOnly(*r, base, end) || !HashableAs(l->type, r->type)) return;
  out->emplace_back(l, r);
}


}  // namespace

std::vector<std::pair<const BoundExpr*, const BoundExpr*>> HashJoinKeys(const SelectPlan& plan, size_t t) {
  std::vector<std::pair<const BoundExpr*, const BoundExpr*>> keys;
  if (t == 0 || t >= plan.scope.size() || t >= plan.joins.size() || !plan.joins[t].on) return keys;
  if (t < plan.functions.size() && plan.functions[t] != nullptr && plan.functions[t]->lateral) return keys;
  if (t < plan.derived.size() && plan.derived[t] != nullptr && plan.derived[t]->lateral) return keys;
  int base = plan.scope[t].first_slot;
  int end = base + static_cast<int>(plan.scope[t].table->columns.size());
  EquiConjuncts(*plan.joins[t].on, base, end, &keys);
  return keys;
}

namespace {

class SelectRun {
 public:
  SelectRun(const SelectPlan& p, Txn* txn) : p_(p), txn_(txn) {}

  bool Derived(size_t t) const { return !p_.Stored(t); }

  // The columns of stored table t the plan reads (null: all).
  const std::vector<bool>* ScanColumns(size_t t) const {
    return t < p_.scan_columns.size() && !p_.scan_columns[t].empty() ? &p_.scan_columns[t] : nullptr;
  }

  const SelectPlan::Function* Function(size_t t) const {
    return t < p_.functions.size() ? p_.functions[t].get() : nullptr;
  }

  // The rows of a function in FROM, its arguments evaluated over `left`
  // (the row of the FROM items before it), numbered WITH ORDINALITY.
  SqlStatus RunFunction(const SelectPlan::Function& f, const Row& left,
                        const std::function<SqlResult<bool>(std::string_view, Row&)>& fn) {
    std::vector<Value> v;
    for (const auto& a : f.args) {
      SQL_ASSIGN_OR_RETURN(Value x, Eval(*a, left));
      v.push_back(std::move(x));
    }
    if (!f.zipped.empty()) return RunZipped(f, v, fn);
    int64_t n = 0;
    return RunTableFunction(f.name, v, [&](std::vector<Value>& row) -> SqlResult<bool> {
      if (f.ordinality) row.push_back(Value::Int(TypeId::kInt8, ++n));
      return fn(std::string_view(), row);
    });
  }

  // Several select-list functions in lock step: each one's rows in a column,
  // NULLs past its end, as many rows as the longest has.
  SqlStatus RunZipped(const SelectPlan::Function& f, const std::vector<Value>& args,
                      const std::function<SqlResult<bool>(std::string_view, Row&)>& fn) {
    std::vector<std::vector<Value>> columns(f.zipped.size());
    size_t at = 0, longest = 0;
    for (size_t k = 0; k < f.zipped.size(); k++) {
      std::vector<Value> mine(args.begin() + static_cast<std::ptrdiff_t>(at),
                              args.begin() + static_cast<std::ptrdiff_t>(at + f.arg_counts[k]));
      at += f.arg_counts[k];
      SQL_RETURN_IF_ERROR(RunTableFunction(f.zipped[k], mine, [&](std::vector<Value>& row) -> SqlResult<bool> {
        columns[k].push_back(std::move(row[0]));
        return true;
      }));
      longest = std::max(longest, columns[k].size());
    }
    for (size_t i = 0; i < longest; i++) {
      Row row;
      for (size_t k = 0; k < columns.size(); k++) {
        const Type& type = p_.scope.back().table->columns[k].type;
        row.push_back(i < columns[k].size() ? columns[k][i] : Value::Null(type));
      }
      SQL_ASSIGN_OR_RETURN(bool go, fn(std::string_view(), row));
      if (!go) break;
    }
    return SqlStatus::Ok();
  }

  // The rows of scope entry t (a stored table, or a subquery or function in FROM run now).
  SqlStatus ScanScope(size_t t, const std::function<SqlResult<bool>(std::string_view, Row&)>& fn) {
    if (!Derived(t)) return ScanTable(txn_, *p_.scope[t].table, fn, ScanSpec{.columns = ScanColumns(t), .keys = false});
    if (t < p_.working.size() && p_.working[t] != nullptr) {
      for (const auto& r : *p_.working[t]) {
        Row copy = r;
        SQL_ASSIGN_OR_RETURN(bool go, fn(std::string_view(), copy));
        if (!go) break;
      }
      return SqlStatus::Ok();
    }
    if (const SelectPlan::Function* f = Function(t)) return RunFunction(*f, Row(), fn);
    std::vector<Row> rows;
    if (p_.derived[t]->lateral) {
      // LATERAL first in FROM: nothing before it, but its outer references keep their depth.
      SQL_ASSIGN_OR_RETURN(rows, RunWithOuterRow(*p_.derived[t], Row()));
    } else {
      SQL_RETURN_IF_ERROR(ExecuteSelect(*p_.derived[t], txn_, &rows));
    }
    for (auto& r : rows) {
      SQL_ASSIGN_OR_RETURN(bool go, fn(std::string_view(), r));
      if (!go) break;
    }
    return SqlStatus::Ok();
  }

  SqlStatus Run(std::vector<Row>* out) {
    SQL_ASSIGN_OR_RETURN(limit_, EvalCount(p_.limit, "LIMIT", "2201W", -1));
    SQL_ASSIGN_OR_RETURN(offset_, EvalCount(p_.offset, "OFFSET", "2201X", 0));
    // Without sorting, grouping or DISTINCT, the scan can stop at the limit.
    if (limit_ >= 0 && p_.sort.empty() && !p_.aggregating && !p_.distinct && p_.row_lock == ast::RowLockWait::kNone &&
        p_.windows.empty() && p_.distinct_on.empty()) {
      want_ = offset_ + limit_;
    }
    // ORDER BY ... LIMIT over plain rows: only the first OFFSET + LIMIT are
    // kept while the rows come (PushTopN), then put in order.
    if (limit_ > 0 && !p_.sort.empty() && !p_.aggregating && !p_.distinct && p_.distinct_on.empty() &&
        p_.row_lock == ast::RowLockWait::kNone && p_.windows.empty() && !p_.recursive && p_.set_op.empty() &&
        p_.values.empty()) {
      top_keep_ = static_cast<size_t>(offset_ + limit_);
    }
    if (p_.recursive) {
      SQL_RETURN_IF_ERROR(Recursive());
    } else if (!p_.set_op.empty()) {
      SQL_RETURN_IF_ERROR(SetOperation());
    } else if (!p_.values.empty()) {
      for (const auto& row : p_.values) {
        Row r;
        SQL_RETURN_IF_ERROR(EvalAll(row, {}, &r));
        rows_.push_back(std::move(r));
      }
    } else {
      SQL_RETURN_IF_ERROR(Produce());
    }
    if (p_.aggregating) SQL_RETURN_IF_ERROR(FinishGroups());
    if (!p_.windows.empty()) SQL_RETURN_IF_ERROR(Windows());
    if (p_.distinct) Distinct();
    if (!p_.sort.empty()) Sort();
    if (!p_.distinct_on.empty()) DistinctOn();
    if (p_.row_lock != ast::RowLockWait::kNone) SQL_RETURN_IF_ERROR(LockOutputRows());
    size_t begin = std::min(rows_.size(), static_cast<size_t>(offset_));
    size_t end = limit_ < 0 ? rows_.size() : std::min(rows_.size(), begin + static_cast<size_t>(limit_));
    for (size_t i = begin; i < end; i++) {
      rows_[i].resize(p_.visible + (p_.emit_key ? 1 : 0));
      out->push_back(std::move(rows_[i]));
    }
    return SqlStatus::Ok();
  }

 private:
  // Feeds every input row (the FROM tables joined left to right) to Consume.
  SqlStatus Produce() {
    if (p_.scope.empty()) {
      Row empty;
      auto go = Consume(empty);
      return go.ok() ? SqlStatus::Ok() : go.TakeStatus();
    }
    // The first table streams; each joined table is read once into memory
    // and joined by nested loops.
    right_.assign(p_.scope.size(), {});
    matched_.assign(p_.scope.size(), {});
    hash_.assign(p_.scope.size(), {});
    for (size_t t = 1; t < p_.scope.size(); t++) {
      if (Function(t) != nullptr && Function(t)->lateral) continue;  // run for each left row (Join)
      if (t < p_.derived.size() && p_.derived[t] != nullptr && p_.derived[t]->lateral) continue;
      SQL_RETURN_IF_ERROR(ScanScope(t, [&](std::string_view, Row& r) -> SqlResult<bool> {
        right_[t].push_back(std::move(r));
        return true;
      }));
      matched_[t].assign(right_[t].size(), false);
      SQL_RETURN_IF_ERROR(BuildHashJoin(t));
    }
    stopped_ = false;
    if (Derived(0)) {
      if (p_.row_lock != ast::RowLockWait::kNone) {
        return MakeError(sqlstate::kFeatureNotSupported,
                         "FOR UPDATE/SHARE of a subquery in FROM is not supported by LumaDB yet");
      }
      SQL_RETURN_IF_ERROR(ScanScope(0, [&](std::string_view, Row& r) -> SqlResult<bool> { return Join(1, r); }));
    } else if (p_.row_lock != ast::RowLockWait::kNone || p_.emit_key) {
      // FOR UPDATE/SHARE (one table): remember each row's key; the rows are
      // locked in output order, after sorting (LockRows sits below Limit).
      // UPDATE ... FROM's join (emit_key) returns the keys instead.
      return ScanTable(
          txn_, *p_.scope[0].table,
          [&](std::string_view k, Row& r) -> SqlResult<bool> {
            current_key_ = std::string(k);
            return Join(1, r);
          },
          ScanSpec{&p_.point_key, &p_.index_prefix, &p_.point_keys});
    } else {
      SQL_RETURN_IF_ERROR(ScanTable(
          txn_, *p_.scope[0].table, [&](std::string_view, Row& r) -> SqlResult<bool> { return Join(1, r); },
          ScanSpec{&p_.point_key, &p_.index_prefix, &p_.point_keys, ScanColumns(0), false}));
    }
    // RIGHT and FULL joins: the right rows no left row matched, with NULLs
    // for the left side, continue through the later joins.
    for (size_t t = 1; t < p_.scope.size() && !stopped_; t++) {
      ast::JoinKind kind = p_.joins[t].kind;
      if (kind != ast::JoinKind::kRight && kind != ast::JoinKind::kFull) continue;
      for (size_t i = 0; i < right_[t].size() && !stopped_; i++) {
        if (matched_[t][i]) continue;
        Row row;
        for (size_t u = 0; u < t; u++) {
          for (const auto& c : p_.scope[u].table->columns) row.push_back(Value::Null(c.type));
        }
        row.insert(row.end(), right_[t][i].begin(), right_[t][i].end());
        SQL_ASSIGN_OR_RETURN(bool go, Join(t + 1, row));
        if (!go) stopped_ = true;
      }
    }
    return SqlStatus::Ok();
  }

  // The hash-join key of `keys` over `row` (AppendIndexValue of each value,
  // columns read in place) into *out; false when one is NULL (never matches).
  static SqlResult<bool> HashKey(const std::vector<const BoundExpr*>& keys, const Row& row, std::string* out) {
    out->clear();
    for (const BoundExpr* k : keys) {
      Value tmp;
      const Value* v;
      SQL_RETURN_IF_ERROR(EvalRef(*k, row, &tmp, &v));
      if (v->null) return false;
      AppendIndexValue(*v, out);
    }
    return true;
  }

  SqlStatus BuildHashJoin(size_t t) {
    if (hash_.size() < p_.scope.size()) hash_.resize(p_.scope.size());
    const auto& join = p_.joins[t];
    if (!join.on || right_[t].size() < 2) return SqlStatus::Ok();
    int base = p_.scope[t].first_slot;
    std::vector<std::pair<const BoundExpr*, const BoundExpr*>> keys = HashJoinKeys(p_, t);
    if (keys.empty()) return SqlStatus::Ok();
    HashJoin& h = hash_[t];
    std::vector<const BoundExpr*> right_keys;
    for (const auto& kv : keys) {
      h.left_keys.push_back(kv.first);
      right_keys.push_back(kv.second);
    }
    Row padded(static_cast<size_t>(base));
    std::string key;
    for (size_t i = 0; i < right_[t].size(); i++) {
      padded.resize(static_cast<size_t>(base));
      padded.insert(padded.end(), right_[t][i].begin(), right_[t][i].end());
      SQL_ASSIGN_OR_RETURN(bool matchable, HashKey(right_keys, padded, &key));
      if (matchable) h.rows[key].push_back(i);
    }
    return SqlStatus::Ok();
  }

  // A row of tables 0..t-1 meets table t.
  // `left` may be changed (the caller's row is not used after).
  SqlResult<bool> Join(size_t t, Row& left) {
    if (t == p_.scope.size()) {
      SQL_ASSIGN_OR_RETURN(bool go, Consume(left));
      if (!go) stopped_ = true;
      return go;
    }
    const auto& join = p_.joins[t];
    size_t base = left.size();
    bool found = false;
    if (const SelectPlan::Function* f = Function(t); f != nullptr && f->lateral) {
      // A function whose arguments read this row: its rows for this row only.
      right_[t].clear();
      SQL_RETURN_IF_ERROR(RunFunction(*f, left, [&](std::string_view, Row& r) -> SqlResult<bool> {
        right_[t].push_back(std::move(r));
        return true;
      }));
      matched_[t].assign(right_[t].size(), false);
    } else if (t < p_.derived.size() && p_.derived[t] != nullptr && p_.derived[t]->lateral) {
      // A LATERAL subquery: its rows for this row.
      SQL_ASSIGN_OR_RETURN(right_[t], RunWithOuterRow(*p_.derived[t], left));
      matched_[t].assign(right_[t].size(), false);
    }
    // With a hash join, only the rows of the left row's key can match (ON
    // is still evaluated over them: its other conjuncts, exact semantics).
    const std::vector<size_t>* candidates = nullptr;
    static const std::vector<size_t> kNone;
    if (t < hash_.size() && !hash_[t].left_keys.empty()) {
      SQL_ASSIGN_OR_RETURN(bool matchable, HashKey(hash_[t].left_keys, left, &hash_[t].probe));
      auto it = matchable ? hash_[t].rows.find(hash_[t].probe) : hash_[t].rows.end();
      candidates = it == hash_[t].rows.end() ? &kNone : &it->second;
    }
    size_t n = candidates ? candidates->size() : right_[t].size();
    if (joined_.size() < p_.scope.size()) joined_.resize(p_.scope.size());
    for (size_t c = 0; c < n; c++) {
      size_t i = candidates ? (*candidates)[c] : c;
      // The joined row is assigned into this level's row, whose values keep their buffers.
      Row& row = joined_[t];
      const Row& right = right_[t][i];
      row.resize(base + right.size());
      std::copy(left.begin(), left.end(), row.begin());
      std::copy(right.begin(), right.end(), row.begin() + static_cast<std::ptrdiff_t>(base));
      if (join.on) {
        SQL_ASSIGN_OR_RETURN(bool keep, EvalPredicate(*join.on, row));
        if (!keep) continue;
      }
      found = true;
      matched_[t][i] = true;
      SQL_ASSIGN_OR_RETURN(bool go, Join(t + 1, row));
      if (!go) return false;
    }
    if (!found && (join.kind == ast::JoinKind::kLeft || join.kind == ast::JoinKind::kFull)) {
      left.resize(base);
      for (const auto& c : p_.scope[t].table->columns) left.push_back(Value::Null(c.type));
      return Join(t + 1, left);
    }
    return true;
  }

  SqlResult<bool> Consume(const Row& in) {
    if (p_.where) {
      SQL_ASSIGN_OR_RETURN(bool keep, EvalPredicate(*p_.where, in));
      if (!keep) return true;
    }
    if (p_.aggregating) {
      if (p_.grouping_sets.empty()) {
        // The group key is encoded from the input row's values in place;
        // a key row is made only for a group not seen before.
        group_values_.resize(p_.groups.size());
        group_ptrs_.resize(p_.groups.size());
        enc_.clear();
        for (size_t g = 0; g < p_.groups.size(); g++) {
          SQL_RETURN_IF_ERROR(EvalRef(*p_.groups[g], in, &group_values_[g], &group_ptrs_[g]));
          EncodeValue(*group_ptrs_[g], &enc_);
        }
        auto it = group_index_.find(enc_);
        size_t group = it != group_index_.end() ? it->second : NewGroup(enc_, [&](Row* key) {
          for (const Value* v : group_ptrs_) key->push_back(*v);
        });
        SQL_RETURN_IF_ERROR(AccumulateGroup(group, in));
        return true;
      }
      Row key;
      SQL_RETURN_IF_ERROR(EvalAll(p_.groups, in, &key));
      // Each grouping set: the keys it does not keep are NULL, the last is its number.
      for (size_t si = 0; si < p_.grouping_sets.size(); si++) {
        Row k = key;
        for (size_t g = 0; g + 1 < k.size(); g++) {
          if (!p_.grouping_sets[si][g]) k[g] = Value::Null(k[g].type);
        }
        k.back() = Value::Int(TypeId::kInt4, static_cast<int64_t>(si));
        SQL_RETURN_IF_ERROR(AddToGroup(std::move(k), in));
      }
      return true;
    }
    if (!p_.windows.empty()) {
      window_rows_.push_back(in);  // the targets wait for the window values
      return true;
    }
    if (top_keep_ > 0) {
      SQL_RETURN_IF_ERROR(PushTopN(in));
      return true;
    }
    Row out;
    SQL_RETURN_IF_ERROR(EvalAll(p_.targets, in, &out));
    if (p_.row_lock != ast::RowLockWait::kNone || p_.emit_key) {
      out.push_back(Value::String(Type::Of(TypeId::kText), current_key_));
    }
    rows_.push_back(std::move(out));
    return want_ < 0 || static_cast<int64_t>(rows_.size()) < want_;
  }

  // Accumulates `in` into the group of `key` (made on first sight).
  SqlStatus AddToGroup(Row key, const Row& in) {
    std::string enc;
    for (const auto& v : key) EncodeValue(v, &enc);
    auto it = group_index_.find(enc);
    size_t group = it != group_index_.end() ? it->second : NewGroup(enc, [&](Row* k) { *k = std::move(key); });
    return AccumulateGroup(group, in);
  }

  // A new group for encoded key `enc`, its key row made by make_key.
  template <typename F>
  size_t NewGroup(const std::string& enc, const F& make_key) {
    size_t group = group_keys_.size();
    group_index_.emplace(enc, group);
    group_keys_.emplace_back();
    make_key(&group_keys_.back());
    states_.emplace_back(p_.aggregates.size());
    return group;
  }

  SqlStatus AccumulateGroup(size_t group, const Row& in) {
    auto& st = states_[group];
    if (kinds_.size() != p_.aggregates.size()) {
      for (const auto& a : p_.aggregates) kinds_.push_back(KindOf(a));
    }
    for (size_t a = 0; a < p_.aggregates.size(); a++) {
      if (kinds_[a] != AggKind::kOther) {
        SQL_RETURN_IF_ERROR(AccumulateSimple(p_.aggregates[a], kinds_[a], st[a], in));
      } else {
        SQL_RETURN_IF_ERROR(Accumulate(p_.aggregates[a], st[a], in));
      }
    }
    return SqlStatus::Ok();
  }

  SqlStatus FinishGroups() {
    // Aggregates without GROUP BY make one row even over no input.
    if (p_.groups.empty() && group_keys_.empty()) {
      group_keys_.emplace_back();
      states_.emplace_back(p_.aggregates.size());
    }
    // So does each empty grouping set (GROUP BY ROLLUP(a)'s grand total).
    bool no_input = group_keys_.empty();
    for (size_t si = 0; si < p_.grouping_sets.size() && no_input; si++) {
      bool empty = true;
      for (bool keep : p_.grouping_sets[si]) empty = empty && !keep;
      if (!empty) continue;
      Row key;
      for (size_t g = 0; g + 1 < p_.groups.size(); g++) key.push_back(Value::Null(p_.groups[g]->type));
      key.push_back(Value::Int(TypeId::kInt4, static_cast<int64_t>(si)));
      group_keys_.push_back(std::move(key));
      states_.emplace_back(p_.aggregates.size());
    }
    for (size_t g = 0; g < group_keys_.size(); g++) {
      Row agg = std::move(group_keys_[g]);
      for (size_t a = 0; a < p_.aggregates.size(); a++) {
        SQL_ASSIGN_OR_RETURN(Value v, Finish(p_.aggregates[a], states_[g][a]));
        agg.push_back(std::move(v));
      }
      if (p_.having) {
        SQL_ASSIGN_OR_RETURN(bool keep, EvalPredicate(*p_.having, agg));
        if (!keep) continue;
      }
      if (!p_.windows.empty()) {
        window_rows_.push_back(std::move(agg));
        continue;
      }
      Row out;
      SQL_RETURN_IF_ERROR(EvalAll(p_.targets, agg, &out));
      rows_.push_back(std::move(out));
    }
    return SqlStatus::Ok();
  }

  // WITH RECURSIVE: the non-recursive term's rows, then the recursive
  // term's over the rows the previous round added, until a round adds none.
  SqlStatus Recursive() {
    constexpr size_t kMaxRows = 10'000'000;
    std::unordered_set<std::string> seen;
    std::vector<Row> work;
    auto add = [&](std::vector<Row>& in) -> SqlStatus {
      for (auto& r : in) {
        r.resize(p_.visible);
        for (size_t c = 0; c < p_.visible; c++) {
          if (r[c].type == p_.columns[c].type) continue;
          SQL_ASSIGN_OR_RETURN(r[c], CastValue(r[c], p_.columns[c].type, false));
          r[c].type = p_.columns[c].type;
        }
        if (!p_.set_all) {
          std::string k;
          for (const auto& v : r) EncodeValue(v, &k);
          if (!seen.insert(std::move(k)).second) continue;
        }
        work.push_back(r);
        rows_.push_back(std::move(r));
      }
      if (rows_.size() > kMaxRows) {
        return MakeError("54001", "recursive query produced more than " + std::to_string(kMaxRows) +
                                      " rows, LumaDB's limit (is its recursion missing a stop condition?)");
      }
      return SqlStatus::Ok();
    };
    std::vector<Row> in;
    SQL_RETURN_IF_ERROR(ExecuteSelect(*p_.set_left, txn_, &in));
    SQL_RETURN_IF_ERROR(add(in));
    while (!work.empty()) {
      *p_.work = std::move(work);
      work.clear();
      in.clear();
      SqlStatus st = ExecuteSelect(*p_.set_right, txn_, &in);
      if (!st.ok()) {
        p_.work->clear();
        return st;
      }
      SQL_RETURN_IF_ERROR(add(in));
    }
    p_.work->clear();
    return SqlStatus::Ok();
  }

  // Extends each row by its window values, then evaluates the targets.
  SqlStatus Windows() {
    std::vector<std::vector<Value>> values(p_.windows.size());
    for (size_t w = 0; w < p_.windows.size(); w++) {
      SQL_RETURN_IF_ERROR(ComputeWindow(p_.windows[w], window_rows_, &values[w]));
    }
    for (size_t i = 0; i < window_rows_.size(); i++) {
      Row& r = window_rows_[i];
      for (auto& v : values) r.push_back(std::move(v[i]));
      Row out;
      SQL_RETURN_IF_ERROR(EvalAll(p_.targets, r, &out));
      rows_.push_back(std::move(out));
    }
    window_rows_.clear();
    return SqlStatus::Ok();
  }

  // Locks the rows in output order until OFFSET + LIMIT are locked; SKIP
  // LOCKED drops rows another transaction holds, NOWAIT fails on them.
  SqlStatus LockOutputRows() {
    std::vector<Row> kept;
    for (auto& r : rows_) {
      if (limit_ >= 0 && static_cast<int64_t>(kept.size()) >= offset_ + limit_) break;
      std::string key = std::move(r.back().s);
      r.pop_back();
      SqlStatus locked = LockRow(txn_, key, /*insert=*/false);
      if (!locked.ok()) {
        const std::string& state = locked.error().sqlstate;
        bool busy = state == sqlstate::kWaitForLock || state == sqlstate::kDeadlockDetected;
        if (busy && p_.row_lock == ast::RowLockWait::kSkipLocked) continue;
        if (busy && p_.row_lock == ast::RowLockWait::kNoWait) {
          return MakeError("55P03", "could not obtain lock on row in relation \"" + p_.scope[0].table->name + "\"");
        }
        return locked;
      }
      kept.push_back(std::move(r));
    }
    rows_ = std::move(kept);
    return SqlStatus::Ok();
  }

  // The first row of each run of equal DISTINCT ON values (the rows are sorted).
  void DistinctOn() {
    std::vector<Row> kept;
    for (auto& r : rows_) {
      bool same = !kept.empty();
      for (size_t i = 0; same && i < p_.distinct_on.size(); i++) {
        int t = p_.distinct_on[i];
        same = CompareValues(kept.back()[t], r[t]) == 0;
      }
      if (!same) kept.push_back(std::move(r));
    }
    rows_ = std::move(kept);
  }

  void Distinct() {
    std::unordered_set<std::string> seen;
    std::vector<Row> kept;
    for (auto& r : rows_) {
      std::string k;
      for (size_t i = 0; i < p_.visible; i++) EncodeValue(r[i], &k);
      if (seen.insert(std::move(k)).second) kept.push_back(std::move(r));
    }
    rows_ = std::move(kept);
  }

  // UNION / INTERSECT / EXCEPT [ALL] of the two sides' rows (as multisets
  // with ALL, as sets without), cast to the result columns' types.
  SqlStatus SetOperation() {
    std::vector<Row> left, right;
    SQL_RETURN_IF_ERROR(ExecuteSelect(*p_.set_left, txn_, &left));
    SQL_RETURN_IF_ERROR(ExecuteSelect(*p_.set_right, txn_, &right));
    auto fit = [&](std::vector<Row>* rows) -> SqlStatus {
      for (auto& r : *rows) {
        for (size_t c = 0; c < r.size() && c < p_.columns.size(); c++) {
          if (r[c].type == p_.columns[c].type) continue;
          if (r[c].null) {
            r[c] = Value::Null(p_.columns[c].type);
            continue;
          }
          SQL_ASSIGN_OR_RETURN(r[c], CastValue(r[c], p_.columns[c].type, false));
        }
      }
      return SqlStatus::Ok();
    };
    SQL_RETURN_IF_ERROR(fit(&left));
    SQL_RETURN_IF_ERROR(fit(&right));
    auto key = [](const Row& r) {
      std::string k;
      for (const auto& v : r) EncodeValue(v, &k);
      return k;
    };
    const std::string& op = p_.set_op;
    if (op == "UNION") {
      std::unordered_set<std::string> seen;
      for (auto* side : {&left, &right}) {
        for (auto& r : *side) {
          if (p_.set_all || seen.insert(key(r)).second) rows_.push_back(std::move(r));
        }
      }
      return SqlStatus::Ok();
    }
    // INTERSECT / EXCEPT: how many times each row is on the right.
    std::unordered_map<std::string, int64_t> on_right;
    for (const auto& r : right) on_right[key(r)]++;
    std::unordered_set<std::string> emitted;
    for (auto& r : left) {
      std::string k = key(r);
      auto it = on_right.find(k);
      bool there = it != on_right.end() && it->second > 0;
      if (p_.set_all) {
        if (op == "INTERSECT" ? there : !there) rows_.push_back(std::move(r));
        if (there) it->second--;
      } else if ((op == "INTERSECT") == there && emitted.insert(k).second) {
        rows_.push_back(std::move(r));
      }
    }
    return SqlStatus::Ok();
  }

  // The ORDER BY comparison of two output rows: < 0, 0, > 0.
  int CompareOutput(const Row& a, const Row& b) const {
    for (const auto& k : p_.sort) {
      const Value& x = a[k.target];
      const Value& y = b[k.target];
      int c;
      if (x.null || y.null) {
        if (x.null && y.null) continue;
        c = x.null ? 1 : -1;  // NULLs sort as larger than any value
        if (k.nulls_first != k.desc) c = -c;
      } else {
        c = CompareValues(x, y);
      }
      if (k.desc) c = -c;
      if (c != 0) return c;
    }
    return 0;
  }

  // Whether output row x (input position sx) sorts before row y (sy):
  // ORDER BY, then input order, as the stable sort orders ties.
  bool Before(const Row& x, uint64_t sx, const Row& y, uint64_t sy) const {
    int c = CompareOutput(x, y);
    return c != 0 ? c < 0 : sx < sy;
  }

  // The top-N sort's step: rows_ holds the first top_keep_ rows seen so
  // far, as a heap with the last of them on top (top_heap_ indexes rows_,
  // top_seq_ has each row's input position).
  SqlStatus PushTopN(const Row& in) {
    uint64_t seq = top_next_++;
    auto after = [&](size_t a, size_t b) { return Before(rows_[a], top_seq_[a], rows_[b], top_seq_[b]); };
    SQL_RETURN_IF_ERROR(EvalAll(p_.targets, in, &top_scratch_));
    if (rows_.size() < top_keep_) {
      rows_.push_back(top_scratch_);
      top_seq_.push_back(seq);
      top_heap_.push_back(rows_.size() - 1);
      std::push_heap(top_heap_.begin(), top_heap_.end(), after);
      return SqlStatus::Ok();
    }
    size_t last = top_heap_.front();
    if (!Before(top_scratch_, seq, rows_[last], top_seq_[last])) return SqlStatus::Ok();
    std::pop_heap(top_heap_.begin(), top_heap_.end(), after);
    std::swap(rows_[last], top_scratch_);
    top_seq_[last] = seq;
    std::push_heap(top_heap_.begin(), top_heap_.end(), after);
    return SqlStatus::Ok();
  }

  void Sort() {
    if (top_keep_ > 0) {
      // PushTopN kept the rows: put them in order.
      std::vector<size_t> idx(rows_.size());
      for (size_t i = 0; i < idx.size(); i++) idx[i] = i;
      std::sort(idx.begin(), idx.end(),
                [&](size_t x, size_t y) { return Before(rows_[x], top_seq_[x], rows_[y], top_seq_[y]); });
      std::vector<Row> sorted;
      sorted.reserve(idx.size());
      for (size_t i : idx) sorted.push_back(std::move(rows_[i]));
      rows_ = std::move(sorted);
      return;
    }
    // With a LIMIT (and nothing after the sort that needs every row), only
    // the first OFFSET + LIMIT rows are put in order (a top-N sort; ties
    // keep their input order, as the full stable sort would).
    // (FOR UPDATE SKIP LOCKED may skip rows after the sort: it needs them all.)
    bool top_n = limit_ >= 0 && p_.distinct_on.empty() && p_.row_lock == ast::RowLockWait::kNone;
    size_t keep = top_n ? static_cast<size_t>(offset_ + limit_) : rows_.size();
    if (keep < rows_.size() / 2) {
      std::vector<size_t> idx(rows_.size());
      for (size_t i = 0; i < idx.size(); i++) idx[i] = i;
      auto less = [&](size_t x, size_t y) {
        int c = CompareOutput(rows_[x], rows_[y]);
        return c != 0 ? c < 0 : x < y;
      };
      std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(keep), idx.end(), less);
      std::vector<Row> top;
      top.reserve(keep);
      for (size_t i = 0; i < keep; i++) top.push_back(std::move(rows_[idx[i]]));
      rows_ = std::move(top);
      return;
    }
    std::stable_sort(rows_.begin(), rows_.end(), [&](const Row& a, const Row& b) { return CompareOutput(a, b) < 0; });
  }

  const SelectPlan& p_;
  Txn* txn_;
  int64_t limit_ = -1;
  int64_t offset_ = 0;
  int64_t want_ = -1;
  std::vector<Row> rows_;
  std::vector<Row> window_rows_;             // rows that wait for their window values
  std::vector<std::vector<Row>> right_;      // joined tables' rows
  std::vector<std::vector<bool>> matched_;   // which of them met a left row (RIGHT/FULL)
  // Hash joins: for a joined table whose ON has `left expr = right expr`
  // conjuncts, the left sides (over the row so far) and its rows by the key
  // of their right sides; other joins (empty keys) loop over every row.
  struct HashJoin {
    std::vector<const BoundExpr*> left_keys;
    std::unordered_map<std::string, std::vector<size_t>> rows;
    std::string probe;  // Join's scratch: the key of the left row
  };
  std::vector<Row> joined_;  // Join's scratch: the row of tables 0..t, per t
  // The top-N sort (PushTopN): how many rows it keeps (0: not used).
  size_t top_keep_ = 0;
  uint64_t top_next_ = 0;
  std::vector<size_t> top_heap_;
  std::vector<uint64_t> top_seq_;
  Row top_scratch_;
  std::vector<HashJoin> hash_;
  bool stopped_ = false;                     // the limit was reached
  std::string current_key_;                  // FOR UPDATE: the key of the row being read
  std::unordered_map<std::string, size_t> group_index_;
  std::vector<AggKind> kinds_;  // KindOf each of p_.aggregates, on the first row
  // Consume's scratch for the group key of a row: values of computed keys,
  // each key's value, their encoding.
  std::vector<Value> group_values_;
  std::vector<const Value*> group_ptrs_;
  std::string enc_;
  std::vector<Row> group_keys_;
  std::vector<std::vector<AggState>> states_;
};

// Writes a counter's mark (row ids, serial columns) to storage now, outside
// the transaction and ahead of any row that uses its block, so values are
// never handed out twice across a crash.
SqlStatus WriteMark(Txn* txn, const std::string& key, const std::string& mark) {
  if (mark.empty()) return SqlStatus::Ok();
  storage::WriteBatch b;
  b.Put(storage::Cf::kSql, key, mark);
  Status st = txn->manager()->store()->Write(&b, /*sync=*/false);
  if (!st.ok()) return MakeError(sqlstate::kIoError, "could not write to storage: " + st.message());
  return SqlStatus::Ok();
}

// Writes a new row (insert) after the checks every insert makes. With
// `conflict_key` set, a row that conflicts with the `arbiter` (an
// InsertPlan::Conflict value) is not an error: the existing row's key is
// returned there, its row lock taken, and nothing is written. `written`
// gets the new row's key.
SqlStatus InsertRow(const Table& t, Row& row, Txn* txn, Catalog* catalog, const WriteRules* rules,
                    int arbiter = InsertPlan::Conflict::kAny, std::string* conflict_key = nullptr,
                    std::string* written = nullptr) {
  SQL_RETURN_IF_ERROR(CheckRow(t, row, rules));
  std::string key;
  if (t.primary_key.empty()) {
    std::string mark;
    uint64_t rowid = catalog->NextRowId(t.oid, &mark);
    SQL_RETURN_IF_ERROR(WriteMark(txn, keys::RowIdMark(t.oid), mark));
    key = RowKey(t, row, rowid);
  } else {
    key = RowKey(t, row, 0);
    SQL_RETURN_IF_ERROR(LockRow(txn, key, /*insert=*/true));
    std::string existing;
    if (txn->Get(key, &existing, /*latest=*/true)) {
      if (conflict_key == nullptr ||
          (arbiter != InsertPlan::Conflict::kPrimaryKey && arbiter != InsertPlan::Conflict::kAny)) {
        return DuplicateKey(t, row);
      }
      *conflict_key = key;
      return SqlStatus::Ok();
    }
  }
  if (conflict_key != nullptr) {
    for (size_t i = 0; i < t.indexes.size(); i++) {
      const Index& idx = t.indexes[i];
      if (!idx.unique || IndexHasNull(idx, row)) continue;
      if (arbiter != InsertPlan::Conflict::kAny && arbiter != static_cast<int>(i)) continue;
      std::string values = IndexValuesKey(t, idx, row);
      SQL_RETURN_IF_ERROR(LockRow(txn, values, /*insert=*/true));
      std::string other;
      SQL_RETURN_IF_ERROR(txn->Scan(
          values,
          [&](std::string_view, std::string_view suffix) {
            other = std::string(suffix);
            return false;
          },
          /*latest=*/true));
      if (other.empty()) continue;
      std::string existing_key = keys::RowPrefix(t.relfile) + other;
      SQL_RETURN_IF_ERROR(LockRow(txn, existing_key, /*insert=*/true));
      *conflict_key = std::move(existing_key);
      return SqlStatus::Ok();
    }
  }
  SQL_RETURN_IF_ERROR(UpdateIndexes(t, nullptr, nullptr, &row, &key, txn));
  txn->Put(key, EncodeRow(row));
  if (written != nullptr) *written = std::move(key);
  return SqlStatus::Ok();
}

SqlStatus Returning(const std::vector<BoundPtr>& exprs, const Row& row, DmlResult* r) {
  if (exprs.empty()) return SqlStatus::Ok();
  Row out;
  SQL_RETURN_IF_ERROR(EvalAll(exprs, row, &out));
  r->returning.push_back(std::move(out));
  return SqlStatus::Ok();
}

// UPDATE ... FROM / DELETE ... USING: the target rows the join matched,
// each once with the first joined row that matched it (PostgreSQL too uses
// one of them), and their keys.
SqlResult<std::vector<std::pair<std::string, Row>>> MatchingJoin(const SelectPlan& join, Txn* txn) {
  std::vector<Row> rows;
  SQL_RETURN_IF_ERROR(ExecuteSelect(join, txn, &rows));
  std::unordered_set<std::string> seen;
  std::vector<std::pair<std::string, Row>> found;
  for (auto& r : rows) {
    std::string key = std::move(r.back().s);
    r.pop_back();
    if (!seen.insert(key).second) continue;
    found.emplace_back(std::move(key), std::move(r));
  }
  return found;
}

// The rows of `t` that satisfy `where`, with their keys.
SqlResult<std::vector<std::pair<std::string, Row>>> Matching(const Table& t, const BoundPtr& where,
                                                             const std::optional<std::string>& point_key,
                                                             const std::optional<std::string>& index_prefix,
                                                             const std::vector<std::string>& point_keys, Txn* txn) {
  std::vector<std::pair<std::string, Row>> found;
  SQL_RETURN_IF_ERROR(ScanTable(
      txn, t,
      [&](std::string_view k, Row& r) -> SqlResult<bool> {
        if (where) {
          SQL_ASSIGN_OR_RETURN(bool keep, EvalPredicate(*where, r));
          if (!keep) return true;
        }
        found.emplace_back(std::string(k), std::move(r));
        return true;
      },
      ScanSpec{&point_key, &index_prefix, &point_keys}));
  return found;
}

}  // namespace

SqlStatus BuildRow(const Table& t, const std::vector<int>& target_columns, Row& values, Txn* txn, Catalog* catalog,
                   const WriteRules* rules, Row* row, const std::vector<bool>* use_default) {
  row->clear();
  row->reserve(t.columns.size());
  for (const auto& c : t.columns) row->push_back(c.has_default ? c.default_value : Value::Null(c.type));
  std::vector<bool> given(t.columns.size(), false);
  for (size_t i = 0; i < values.size() && i < target_columns.size(); i++) {
    if (use_default != nullptr && i < use_default->size() && (*use_default)[i]) continue;
    const Column& c = t.columns[target_columns[i]];
    Value& dst = (*row)[target_columns[i]];
    if (values[i].type == c.type) {
      dst = std::move(values[i]);
    } else {
      SQL_ASSIGN_OR_RETURN(dst, CastValue(values[i], c.type, false));
      dst.type = c.type;
    }
    given[target_columns[i]] = true;
  }
  if (rules != nullptr) {
    for (const auto& [c, e] : rules->defaults) {
      if (given[c]) continue;
      SQL_ASSIGN_OR_RETURN((*row)[c], Eval(*e, {}));
      (*row)[c].type = t.columns[c].type;
    }
  }
  for (size_t c = 0; c < t.columns.size(); c++) {
    if (t.columns[c].identity == 0 || given[c]) continue;
    std::string mark;
    int64_t next = catalog->NextSerial(t.oid, t.columns[c].attnum, &mark);
    SQL_RETURN_IF_ERROR(WriteMark(txn, keys::SerialMark(t.oid, t.columns[c].attnum), mark));
    SQL_RETURN_IF_ERROR(CheckIntRange(t.columns[c].type.id, next));
    (*row)[c] = Value::Int(t.columns[c].type.id, next);
    if (SequenceAccess* s = CurrentSequenceAccess()) s->SerialUsed(t.name, t.columns[c].name, next);
  }
  return SqlStatus::Ok();
}

SqlStatus InsertBuiltRow(const Table& t, Row& row, Txn* txn, Catalog* catalog, const WriteRules* rules) {
  return InsertRow(t, row, txn, catalog, rules);
}

namespace {

// Runs the subqueries in an expression (uncorrelated: once, before the
// statement's rows) and keeps their values in the nodes for Eval.
SqlStatus RunSubqueries(const BoundExpr* e, Txn* txn) {
  if (e == nullptr) return SqlStatus::Ok();
  for (const auto& a : e->args) SQL_RETURN_IF_ERROR(RunSubqueries(a.get(), txn));
  SQL_RETURN_IF_ERROR(RunSubqueries(e->else_expr.get(), txn));
  if (e->kind != BoundKind::kSubquery || e->correlated) return SqlStatus::Ok();
  std::vector<Row> rows;
  SQL_RETURN_IF_ERROR(ExecuteSelect(*e->subplan, txn, &rows));
  SQL_ASSIGN_OR_RETURN(e->sub_values, SubqueryValues(*e, std::move(rows)));
  return SqlStatus::Ok();
}

// Runs correlated subqueries in the statement's transaction while it runs.
class RunnerScope : public SubqueryRunner {
 public:
  explicit RunnerScope(Txn* txn) : txn_(txn), prev_(SetSubqueryRunner(this)) {}
  ~RunnerScope() override { SetSubqueryRunner(prev_); }
  SqlResult<std::vector<Row>> Run(const SelectPlan& plan) override {
    std::vector<Row> rows;
    SQL_RETURN_IF_ERROR(ExecuteSelect(plan, txn_, &rows));
    return rows;
  }

 private:
  Txn* txn_;
  SubqueryRunner* prev_;
};

SqlStatus RunSubqueries(const std::vector<BoundPtr>& exprs, Txn* txn) {
  for (const auto& e : exprs) SQL_RETURN_IF_ERROR(RunSubqueries(e.get(), txn));
  return SqlStatus::Ok();
}

SqlStatus RunSubqueries(const std::vector<std::pair<int, BoundPtr>>& sets, Txn* txn) {
  for (const auto& [_, e] : sets) SQL_RETURN_IF_ERROR(RunSubqueries(e.get(), txn));
  return SqlStatus::Ok();
}

SqlStatus RunSubqueries(const SelectPlan& p, Txn* txn) {
  for (const auto& j : p.joins) SQL_RETURN_IF_ERROR(RunSubqueries(j.on.get(), txn));
  SQL_RETURN_IF_ERROR(RunSubqueries(p.where.get(), txn));
  SQL_RETURN_IF_ERROR(RunSubqueries(p.groups, txn));
  for (const auto& a : p.aggregates) SQL_RETURN_IF_ERROR(RunSubqueries(a.arg.get(), txn));
  SQL_RETURN_IF_ERROR(RunSubqueries(p.having.get(), txn));
  SQL_RETURN_IF_ERROR(RunSubqueries(p.targets, txn));
  for (const auto& row : p.values) SQL_RETURN_IF_ERROR(RunSubqueries(row, txn));
  return SqlStatus::Ok();
}

}  // namespace

SqlStatus ExecuteSelect(const SelectPlan& plan, Txn* txn, std::vector<Row>* out) {
  RunnerScope runner(txn);
  SQL_RETURN_IF_ERROR(RunSubqueries(plan, txn));
  SelectRun run(plan, txn);
  return run.Run(out);
}

SqlResult<DmlResult> ExecuteInsert(const InsertPlan& plan, Txn* txn, Catalog* catalog) {
  const Table& t = *plan.table;
  RunnerScope runner(txn);
  for (const auto& row : plan.rows) SQL_RETURN_IF_ERROR(RunSubqueries(row, txn));
  SQL_RETURN_IF_ERROR(RunSubqueries(plan.returning, txn));
  DmlResult result;
  std::optional<ForeignKeyChecks> fks;
  if (ForeignKeyChecks::Needed(t, *catalog)) fks.emplace(txn, catalog);
  std::unordered_set<std::string> touched;  // keys this statement inserted or updated (ON CONFLICT)
  const std::vector<bool>* use_default = nullptr;  // the VALUES row's DEFAULT items
  auto insert = [&](Row& values) -> SqlStatus {
    Row row;
    SQL_RETURN_IF_ERROR(BuildRow(t, plan.target_columns, values, txn, catalog, plan.rules.get(), &row, use_default));
    if (!plan.on_conflict) {
      SQL_RETURN_IF_ERROR(InsertRow(t, row, txn, catalog, plan.rules.get()));
      if (fks) fks->Written(plan.table, nullptr, row);
      result.count++;
      return Returning(plan.returning, row, &result);
    }
    std::string conflict, written;
    SQL_RETURN_IF_ERROR(
        InsertRow(t, row, txn, catalog, plan.rules.get(), plan.on_conflict->arbiter, &conflict, &written));
    if (conflict.empty()) {
      touched.insert(written);
      if (fks) fks->Written(plan.table, nullptr, row);
      result.count++;
      return Returning(plan.returning, row, &result);
    }
    if (!plan.on_conflict->update) return SqlStatus::Ok();  // DO NOTHING
    if (!touched.insert(conflict).second) {
      SqlError e = MakeError("21000", "ON CONFLICT DO UPDATE command cannot affect row a second time");
      e.hint = "Ensure that no rows proposed for insertion within the same command have duplicate constrained values.";
      return e;
    }
    // The existing row (its newest version: the row lock is held) followed
    // by the proposed one, which EXCLUDED names.
    std::string value;
    Row existing;
    if (!txn->Get(conflict, &value, /*latest=*/true)) return Corrupt(t);
    SQL_RETURN_IF_ERROR(DecodeTableRow(t, value, &existing));
    Row both = existing;
    both.insert(both.end(), row.begin(), row.end());
    if (plan.on_conflict->where) {
      SQL_ASSIGN_OR_RETURN(bool keep, EvalPredicate(*plan.on_conflict->where, both));
      if (!keep) return SqlStatus::Ok();
    }
    Row updated = existing;
    for (const auto& [c, e] : plan.on_conflict->sets) {
      SQL_ASSIGN_OR_RETURN(Value v, Eval(*e, both));
      v.type = t.columns[c].type;
      updated[c] = std::move(v);
    }
    SQL_RETURN_IF_ERROR(CheckRow(t, updated, plan.rules.get()));
    std::string new_key;
    SQL_RETURN_IF_ERROR(WriteUpdatedRow(t, conflict, existing, updated, txn, &new_key));
    touched.insert(new_key);
    if (fks) {
      fks->Written(plan.table, &existing, updated);
      fks->Changed(plan.table, existing, &updated);
    }
    result.count++;
    return Returning(plan.returning, updated, &result);
  };
  if (plan.query) {
    std::vector<Row> rows;
    SQL_RETURN_IF_ERROR(ExecuteSelect(*plan.query, txn, &rows));
    for (auto& r : rows) SQL_RETURN_IF_ERROR(insert(r));
  } else {
    Row values;
    std::vector<bool> defaults;
    for (const auto& exprs : plan.rows) {
      values.clear();
      defaults.assign(exprs.size(), false);
      for (size_t i = 0; i < exprs.size(); i++) {
        if (exprs[i] == nullptr) {
          defaults[i] = true;
          values.push_back(Value::Null());
          continue;
        }
        SQL_ASSIGN_OR_RETURN(Value v, Eval(*exprs[i], {}));
        values.push_back(std::move(v));
      }
      use_default = &defaults;
      SQL_RETURN_IF_ERROR(insert(values));
    }
  }
  if (fks) SQL_RETURN_IF_ERROR(fks->Finish());
  return result;
}

SqlResult<DmlResult> ExecuteUpdate(const UpdatePlan& plan, Txn* txn, Catalog* catalog) {
  const Table& t = *plan.table;
  RunnerScope runner(txn);
  SQL_RETURN_IF_ERROR(RunSubqueries(plan.where.get(), txn));
  SQL_RETURN_IF_ERROR(RunSubqueries(plan.sets, txn));
  SQL_RETURN_IF_ERROR(RunSubqueries(plan.returning, txn));
  DmlResult result;
  std::optional<ForeignKeyChecks> fks;
  if (ForeignKeyChecks::Needed(t, *catalog)) fks.emplace(txn, catalog);
  std::vector<std::pair<std::string, Row>> rows;
  if (plan.from) {
    SQL_ASSIGN_OR_RETURN(rows, MatchingJoin(*plan.from, txn));
  } else {
    SQL_ASSIGN_OR_RETURN(rows, Matching(t, plan.where, plan.point_key, plan.index_prefix, plan.point_keys, txn));
  }
  for (auto& [key, input] : rows) {
    // `input` is the table's row (with FROM: followed by the FROM items' row).
    SQL_RETURN_IF_ERROR(LockRow(txn, key, /*insert=*/false));
    Row old(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(t.columns.size()));
    Row row = old;
    for (const auto& [c, e] : plan.sets) {
      SQL_ASSIGN_OR_RETURN(Value v, Eval(*e, input));
      v.type = t.columns[c].type;
      row[c] = std::move(v);
    }
    SQL_RETURN_IF_ERROR(CheckRow(t, row, plan.rules.get()));
    SQL_RETURN_IF_ERROR(WriteUpdatedRow(t, key, old, row, txn));
    if (fks) {
      fks->Written(plan.table, &old, row);
      fks->Changed(plan.table, old, &row);
    }
    result.count++;
    if (plan.from) {
      std::copy(row.begin(), row.end(), input.begin());  // RETURNING sees the new row and FROM's
      SQL_RETURN_IF_ERROR(Returning(plan.returning, input, &result));
    } else {
      SQL_RETURN_IF_ERROR(Returning(plan.returning, row, &result));
    }
  }
  if (fks) SQL_RETURN_IF_ERROR(fks->Finish());
  return result;
}

SqlResult<DmlResult> ExecuteDelete(const DeletePlan& plan, Txn* txn, Catalog* catalog) {
  RunnerScope runner(txn);
  SQL_RETURN_IF_ERROR(RunSubqueries(plan.where.get(), txn));
  SQL_RETURN_IF_ERROR(RunSubqueries(plan.returning, txn));
  DmlResult result;
  std::optional<ForeignKeyChecks> fks;
  if (ForeignKeyChecks::Needed(*plan.table, *catalog)) fks.emplace(txn, catalog);
  std::vector<std::pair<std::string, Row>> rows;
  if (plan.from) {
    SQL_ASSIGN_OR_RETURN(rows, MatchingJoin(*plan.from, txn));
  } else {
    SQL_ASSIGN_OR_RETURN(rows,
                         Matching(*plan.table, plan.where, plan.point_key, plan.index_prefix, plan.point_keys, txn));
  }
  for (auto& [key, input] : rows) {
    // `input` is the table's row (with USING: followed by the USING items' row).
    Row row(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(plan.table->columns.size()));
    SQL_RETURN_IF_ERROR(LockRow(txn, key, /*insert=*/false));
    SQL_RETURN_IF_ERROR(DeleteRow(*plan.table, key, row, txn));
    if (fks) fks->Changed(plan.table, row, nullptr);
    result.count++;
    SQL_RETURN_IF_ERROR(Returning(plan.returning, input, &result));
  }
  if (fks) SQL_RETURN_IF_ERROR(fks->Finish());
  return result;
}

}  // namespace lumadb::engine::sql

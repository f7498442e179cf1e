#include "engine/sql/execution/sequences.h"

#include <cctype>
#include <climits>
#include <cstdlib>

#include "engine/sql/catalog/system_tables.h"
#include "storage/key_codec.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::sql {

namespace {

// A relation name as regclass input reads it: "public." dropped, quoted
// parts taken as they are, others folded to lower case.
std::string InputRelationName(const std::string& text) {
  std::string s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) i++;
  s = s.substr(i);
  std::vector<std::string> parts;
  std::string cur;
  bool quoted = false;
  for (size_t k = 0; k < s.size(); k++) {
    char c = s[k];
    if (quoted) {
      if (c == '"' && k + 1 < s.size() && s[k + 1] == '"') {
        cur += '"';
        k++;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  parts.push_back(cur);
  return parts.back();
}

SqlError NoRelation(const std::string& name) {
  return MakeError(sqlstate::kUndefinedTable, "relation \"" + name + "\" does not exist");
}

int64_t TypeMax(TypeId t) {
  return t == TypeId::kInt2 ? 32767 : t == TypeId::kInt4 ? INT32_MAX : INT64_MAX;
}
int64_t TypeMin(TypeId t) {
  return t == TypeId::kInt2 ? -32768 : t == TypeId::kInt4 ? INT32_MIN : INT64_MIN;
}

SqlResult<int64_t> Number(const std::string& option, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != 0 || errno == ERANGE) {
    return MakeError(sqlstate::kInvalidParameterValue, option + " requires a numeric value");
  }
  return static_cast<int64_t>(v);
}

// Applies CREATE / ALTER SEQUENCE options to `q` (PostgreSQL's init_params):
// defaults follow the type and the increment's sign; RESTART goes to `restart`.
SqlStatus ApplyOptions(const ast::SequenceDef& def, bool creating, Sequence* q, std::optional<int64_t>* restart) {
  std::optional<int64_t> min, max, start;
  bool no_min = false, no_max = false;
  for (const auto& [name, value] : def.options) {
    if (name == "as") {
      if (value == "int2" || value == "smallint") {
        q->type = TypeId::kInt2;
      } else if (value == "int4" || value == "integer" || value == "int") {
        q->type = TypeId::kInt4;
      } else if (value == "int8" || value == "bigint") {
        q->type = TypeId::kInt8;
      } else {
        return MakeError(sqlstate::kInvalidParameterValue, "sequence type must be smallint, integer, or bigint");
      }
    } else if (name == "increment") {
      SQL_ASSIGN_OR_RETURN(q->increment, Number("INCREMENT", value));
      if (q->increment == 0) return MakeError(sqlstate::kInvalidParameterValue, "INCREMENT must not be zero");
    } else if (name == "minvalue") {
      if (value.empty()) {
        no_min = true;
      } else {
        SQL_ASSIGN_OR_RETURN(int64_t v, Number("MINVALUE", value));
        min = v;
      }
    } else if (name == "maxvalue") {
      if (value.empty()) {
        no_max = true;
      } else {
        SQL_ASSIGN_OR_RETURN(int64_t v, Number("MAXVALUE", value));
        max = v;
      }
    } else if (name == "start") {
      SQL_ASSIGN_OR_RETURN(int64_t v, Number("START", value));
      start = v;
    } else if (name == "restart") {
      if (value.empty()) {
        *restart = INT64_MIN;  // the start value, resolved below
      } else {
        SQL_ASSIGN_OR_RETURN(int64_t v, Number("RESTART", value));
        *restart = v;
      }
    } else if (name == "cycle") {
      q->cycle = value == "true";
    } else if (name == "owned_by") {
      q->owned_by = value == "none" ? "" : value;
    } else if (name == "cache") {
      SQL_ASSIGN_OR_RETURN(int64_t v, Number("CACHE", value));
      if (v < 1) {
        return MakeError(sqlstate::kInvalidParameterValue, "CACHE (" + value + ") must be greater than zero");
      }
    } else {
      return MakeError(sqlstate::kSyntaxError, "option \"" + name + "\" not recognized");
    }
  }
  if (min) {
    q->min_value = *min;
  } else if (creating || no_min) {
    q->min_value = q->increment > 0 ? 1 : TypeMin(q->type);
  }
  if (max) {
    q->max_value = *max;
  } else if (creating || no_max) {
    q->max_value = q->increment > 0 ? TypeMax(q->type) : -1;
  }
  if (q->max_value > TypeMax(q->type) || q->min_value < TypeMin(q->type)) {
    return MakeError(sqlstate::kInvalidParameterValue, std::string(q->max_value > TypeMax(q->type) ? "MAXVALUE (" +
                                                                       std::to_string(q->max_value) :
                                                                       "MINVALUE (" + std::to_string(q->min_value)) +
                                                           ") is out of range for sequence data type " +
                                                           TypeName(Type::Of(q->type)));
  }
  if (q->min_value >= q->max_value) {
    return MakeError(sqlstate::kInvalidParameterValue, "MINVALUE (" + std::to_string(q->min_value) +
                                                           ") must be less than MAXVALUE (" +
                                                           std::to_string(q->max_value) + ")");
  }
  if (start) {
    q->start = *start;
  } else if (creating) {
    q->start = q->increment > 0 ? q->min_value : q->max_value;
  }
  if (q->start < q->min_value) {
    return MakeError(sqlstate::kInvalidParameterValue, "START value (" + std::to_string(q->start) +
                                                           ") cannot be less than MINVALUE (" +
                                                           std::to_string(q->min_value) + ")");
  }
  if (q->start > q->max_value) {
    return MakeError(sqlstate::kInvalidParameterValue, "START value (" + std::to_string(q->start) +
                                                           ") cannot be greater than MAXVALUE (" +
                                                           std::to_string(q->max_value) + ")");
  }
  if (restart->has_value() && **restart == INT64_MIN) *restart = q->start;
  if (restart->has_value() && (**restart < q->min_value || **restart > q->max_value)) {
    return MakeError(sqlstate::kInvalidParameterValue, "RESTART value (" + std::to_string(**restart) +
                                                           ") cannot be " +
                                                           (**restart < q->min_value ? "less than MINVALUE (" +
                                                                                           std::to_string(q->min_value)
                                                                                     : "greater than MAXVALUE (" +
                                                                                           std::to_string(q->max_value)) +
                                                           ")");
  }
  return SqlStatus::Ok();
}

}  // namespace

std::optional<std::pair<std::shared_ptr<const Table>, int>> SerialColumnOf(const std::string& name,
                                                                           const Catalog& catalog) {
  for (const auto& t : catalog.Tables()) {
    if (name.compare(0, t->name.size() + 1, t->name + "_") != 0) continue;
    for (size_t c = 0; c < t->columns.size(); c++) {
      if (t->columns[c].identity != 0 && t->name + "_" + t->columns[c].name + "_seq" == name) {
        return std::make_pair(t, static_cast<int>(c));
      }
    }
  }
  return std::nullopt;
}

SqlResult<int64_t> SessionSequences::NextVal(const std::string& text) {
  std::string name = InputRelationName(text);
  int64_t v;
  if (auto q = catalog_->FindSequence(name)) {
    SQL_ASSIGN_OR_RETURN(v, catalog_->NextSequenceValue(q->oid));
  } else if (auto serial = SerialColumnOf(name, *catalog_)) {
    const auto& [t, c] = *serial;
    std::string mark;
    v = catalog_->NextSerial(t->oid, t->columns[c].attnum, &mark);
    if (!mark.empty()) {
      storage::WriteBatch b;
      b.Put(storage::Cf::kSql, keys::SerialMark(t->oid, t->columns[c].attnum), mark);
      Status st = store_->Write(&b, /*sync=*/false);
      if (!st.ok()) return MakeError(sqlstate::kIoError, "could not write to storage: " + st.message());
    }
    SQL_RETURN_IF_ERROR(CheckIntRange(t->columns[c].type.id, v));
  } else {
    return NoRelation(name);
  }
  values_[name] = v;
  last_ = v;
  return v;
}

SqlResult<int64_t> SessionSequences::CurrVal(const std::string& text) {
  std::string name = InputRelationName(text);
  if (catalog_->FindSequence(name) == nullptr && !SerialColumnOf(name, *catalog_)) return NoRelation(name);
  auto it = values_.find(name);
  if (it == values_.end()) {
    return MakeError("55000", "currval of sequence \"" + name + "\" is not yet defined in this session");
  }
  return it->second;
}

SqlResult<int64_t> SessionSequences::SetVal(const std::string& text, int64_t value, bool is_called) {
  std::string name = InputRelationName(text);
  if (auto q = catalog_->FindSequence(name)) {
    SQL_RETURN_IF_ERROR(catalog_->SetSequenceValue(q->oid, value, is_called));
  } else if (auto serial = SerialColumnOf(name, *catalog_)) {
    const auto& [t, c] = *serial;
    if (value < 1 || !CheckIntRange(t->columns[c].type.id, value).ok()) {
      return MakeError(sqlstate::kNumericOutOfRange, "setval: value " + std::to_string(value) +
                                                         " is out of bounds for sequence \"" + name + "\" (1.." +
                                                         std::to_string(TypeMax(t->columns[c].type.id)) + ")");
    }
    SQL_RETURN_IF_ERROR(catalog_->SetSerial(t->oid, t->columns[c].attnum, value, is_called));
  } else {
    return NoRelation(name);
  }
  if (is_called) values_[name] = value;
  return value;
}

void SessionSequences::SerialUsed(const std::string& table, const std::string& column, int64_t value) {
  values_[table + "_" + column + "_seq"] = value;
  last_ = value;
}

SqlResult<int64_t> SessionSequences::LastVal() {
  if (!last_) return MakeError("55000", "lastval is not yet defined in this session");
  return *last_;
}

SqlResult<std::optional<std::string>> SessionSequences::SerialSequence(const std::string& table,
                                                                       const std::string& column) {
  std::string name = InputRelationName(table);
  auto t = catalog_->Find(name);
  if (t == nullptr) return NoRelation(name);
  int c = t->FindColumn(column);
  if (c < 0) {
    return MakeError(sqlstate::kUndefinedColumn,
                     "column \"" + column + "\" of relation \"" + name + "\" does not exist");
  }
  if (t->columns[c].identity == 0) return std::optional<std::string>();
  return std::optional<std::string>("public." + t->name + "_" + column + "_seq");
}

SqlStatus RunSequenceDdl(const ast::SequenceDef& def, Catalog* catalog, std::vector<Notice>* notices) {
  const std::string& name = def.name.names.back();
  if (!def.alter) {
    if (catalog->RelationExists(name) || SerialColumnOf(name, *catalog)) {
      std::string msg = "relation \"" + name + "\" already exists";
      if (def.if_not_exists) {
        notices->push_back({"NOTICE", sqlstate::kDuplicateTable, msg + ", skipping"});
        return SqlStatus::Ok();
      }
      return MakeError(sqlstate::kDuplicateTable, msg);
    }
    Sequence q;
    q.name = name;
    std::optional<int64_t> restart;
    SQL_RETURN_IF_ERROR(ApplyOptions(def, true, &q, &restart));
    return catalog->CreateSequence(std::move(q));
  }
  auto existing = catalog->FindSequence(name);
  if (existing == nullptr) {
    if (SerialColumnOf(name, *catalog)) {
      return MakeError(sqlstate::kFeatureNotSupported,
                       "ALTER SEQUENCE of a serial column's sequence is not supported by LumaDB yet (use setval)");
    }
    if (def.if_not_exists) {
      notices->push_back({"NOTICE", "00000", "relation \"" + name + "\" does not exist, skipping"});
      return SqlStatus::Ok();
    }
    return NoRelation(name);
  }
  Sequence q = *existing;
  std::optional<int64_t> restart;
  SQL_RETURN_IF_ERROR(ApplyOptions(def, false, &q, &restart));
  return catalog->AlterSequence(std::move(q), restart);
}

SqlStatus DropSequences(const ast::Drop& d, Catalog* catalog, std::vector<Notice>* notices) {
  for (const auto& ref : d.objects) {
    const std::string& name = ref.names.back();
    if (catalog->FindSequence(name) != nullptr) continue;
    if (auto serial = SerialColumnOf(name, *catalog)) {
      const auto& [t, c] = *serial;
      SqlError e = MakeError("2BP01", "cannot drop sequence " + name + " because other objects depend on it");
      e.detail = "default value for column " + t->columns[c].name + " of table " + t->name + " depends on sequence " +
                 name;
      e.hint = "Use DROP ... CASCADE to drop the dependent objects too.";
      return e;
    }
    if (!d.if_exists) return MakeError(sqlstate::kUndefinedTable, "sequence \"" + name + "\" does not exist");
  }
  for (const auto& ref : d.objects) {
    const std::string& name = ref.names.back();
    if (catalog->FindSequence(name) == nullptr) {
      notices->push_back({"NOTICE", "00000", "sequence \"" + name + "\" does not exist, skipping"});
      continue;
    }
    SQL_RETURN_IF_ERROR(catalog->DropSequence(name));
  }
  return SqlStatus::Ok();
}

}  // namespace lumadb::engine::sql

namespace lumadb::engine::sql {

std::optional<std::string> SessionSequences::RelationName(int64_t oid) {
  if (oid < 0 || oid > UINT32_MAX) return std::nullopt;
  return RelationNameByOid(*catalog_, static_cast<uint32_t>(oid));
}

SqlResult<int64_t> SessionSequences::RelationOid(const std::string& text) {
  std::string name = InputRelationName(text);
  if (auto oid = RelationOidByName(*catalog_, name)) return int64_t{*oid};
  return NoRelation(text);
}

std::optional<std::string> SessionSequences::IndexDef(int64_t oid, bool pretty) {
  if (oid < 0 || oid > UINT32_MAX) return std::nullopt;
  return IndexDefinition(*catalog_, static_cast<uint32_t>(oid), pretty);
}

std::optional<int64_t> SessionSequences::RelationSize(int64_t oid, char part) {
  if (oid < 0 || oid > UINT32_MAX) return std::nullopt;
  auto range = [&](const std::string& prefix) {
    return static_cast<int64_t>(store_->ApproximateSize(storage::Cf::kSql, prefix, storage::PrefixSuccessor(prefix)));
  };
  for (const auto& t : catalog_->Tables()) {
    int64_t indexes = 0;
    for (const auto& i : t->indexes) {
      int64_t size = range(keys::IndexPrefix(t->relfile, i.oid));
      if (i.oid == oid) return size;
      indexes += size;
    }
    if (t->primary_key_oid == oid) return 0;  // the rows are stored by primary key: no index of its own
    if (t->oid != oid) continue;
    if (t->IsView()) return 0;
    int64_t rows = range(keys::RowPrefix(t->relfile));
    return part == 'i' ? indexes : part == 'a' ? rows + indexes : rows;
  }
  for (const auto& q : catalog_->Sequences()) {
    if (q->oid == oid) return 0;
  }
  return std::nullopt;
}

std::optional<std::string> SessionSequences::Description(int64_t oid, int subid) {
  if (oid < 0 || oid > UINT32_MAX) return std::nullopt;
  return catalog_->Comment(static_cast<uint32_t>(oid), subid);
}

std::optional<std::string> SessionSequences::ConstraintDef(int64_t oid, bool pretty) {
  if (oid < 0 || oid > UINT32_MAX) return std::nullopt;
  return ConstraintDefinition(*catalog_, static_cast<uint32_t>(oid), pretty);
}

}  // namespace lumadb::engine::sql

#include "engine/sql/execution/enum_types.h"

#include <algorithm>

namespace lumadb::engine::sql {

namespace {

SqlStatus CheckLabel(const std::string& label) {
  if (label.empty() || label.size() > 63) {
    SqlError e = MakeError(sqlstate::kInvalidParameterValue, "invalid enum label \"" + label + "\"");
    e.detail = "Labels must be 63 bytes or less.";
    return e;
  }
  return SqlStatus::Ok();
}

SqlError NoType(const std::string& name) {
  return MakeError(sqlstate::kUndefinedObject, "type \"" + name + "\" does not exist");
}

// The columns of tables that have the enum's type: "column x of table t".
std::vector<std::string> Dependents(const Catalog& catalog, uint32_t oid) {
  std::vector<std::string> out;
  for (const auto& t : catalog.Tables()) {
    for (const auto& c : t->columns) {
      if (c.type.id == TypeId::kEnum && static_cast<uint32_t>(c.type.length) == oid) {
        out.push_back("column " + c.name + " of table " + t->name);
      }
    }
  }
  return out;
}

}  // namespace

SqlStatus RunEnumDdl(const ast::EnumDef& def, Catalog* catalog, std::vector<Notice>* notices) {
  const std::string& name = def.name.names.back();
  if (!def.alter) {
    EnumType e;
    e.name = name;
    for (const auto& label : def.labels) {
      SQL_RETURN_IF_ERROR(CheckLabel(label));
      if (e.Find(label) >= 0) {
        return MakeError(sqlstate::kUniqueViolation,
                         "duplicate key value violates unique constraint \"pg_enum_typid_label_index\"");
      }
      e.labels.push_back(label);
      e.orders.push_back(static_cast<float>(e.labels.size()));
    }
    return catalog->CreateEnum(std::move(e));
  }
  auto cur = catalog->FindEnumType(name);
  if (cur == nullptr) return NoType(name);
  if (!def.old_label.empty()) {
    return MakeError(sqlstate::kFeatureNotSupported, "ALTER TYPE ... RENAME VALUE is not supported by LumaDB yet");
  }
  EnumType e = *cur;
  if (e.Find(def.label) >= 0) {
    if (def.if_not_exists) {
      notices->push_back(Notice{"NOTICE", "42710", "enum label \"" + def.label + "\" already exists, skipping"});
      return SqlStatus::Ok();
    }
    return MakeError(sqlstate::kDuplicateObject, "enum label \"" + def.label + "\" already exists");
  }
  SQL_RETURN_IF_ERROR(CheckLabel(def.label));
  // The new label's sort order: past the last, or between its neighbor and
  // the label next to it in order (existing labels keep their orders).
  std::vector<float> sorted = e.orders;
  std::sort(sorted.begin(), sorted.end());
  float order;
  if (def.neighbor.empty()) {
    order = sorted.empty() ? 1 : sorted.back() + 1;
  } else {
    int n = e.Find(def.neighbor);
    if (n < 0) return MakeError(sqlstate::kInvalidParameterValue, "\"" + def.neighbor + "\" is not an existing enum label");
    float at = e.orders[static_cast<size_t>(n)];
    auto pos = std::lower_bound(sorted.begin(), sorted.end(), at) - sorted.begin();
    if (def.after) {
      order = static_cast<size_t>(pos) + 1 < sorted.size() ? (at + sorted[static_cast<size_t>(pos) + 1]) / 2 : at + 1;
    } else {
      order = pos > 0 ? (sorted[static_cast<size_t>(pos) - 1] + at) / 2 : at - 1;
    }
  }
  e.labels.push_back(def.label);
  e.orders.push_back(order);
  return catalog->ReplaceEnum(std::move(e));
}

SqlStatus DropTypes(const ast::Drop& d, Catalog* catalog, std::vector<Notice>* notices) {
  std::vector<std::shared_ptr<const EnumType>> found;
  for (const auto& o : d.objects) {
    const std::string& name = o.names.back();
    auto e = catalog->FindEnumType(name);
    if (e == nullptr) {
      if (d.if_exists) {
        notices->push_back(Notice{"NOTICE", "00000", "type \"" + name + "\" does not exist, skipping"});
        continue;
      }
      return NoType(name);
    }
    std::vector<std::string> deps = Dependents(*catalog, e->oid);
    if (!deps.empty()) {
      if (d.cascade) {
        return MakeError(sqlstate::kFeatureNotSupported,
                         "DROP TYPE ... CASCADE of a type that columns use is not supported by LumaDB yet");
      }
      SqlError err = MakeError("2BP01", "cannot drop type " + name + " because other objects depend on it");
      for (const auto& dep : deps) err.detail += (err.detail.empty() ? "" : "\n") + dep + " depends on type " + name;
      err.hint = "Use DROP ... CASCADE to drop the dependent objects too.";
      return err;
    }
    found.push_back(std::move(e));
  }
  for (const auto& e : found) SQL_RETURN_IF_ERROR(catalog->DropEnum(e->name));
  return SqlStatus::Ok();
}

}  // namespace lumadb::engine::sql

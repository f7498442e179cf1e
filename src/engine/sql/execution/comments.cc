#include "engine/sql/execution/comments.h"

#include "engine/sql/catalog/system_tables.h"

namespace lumadb::engine::sql {

namespace {

SqlError NoRelation(const std::string& name) {
  return MakeError(sqlstate::kUndefinedTable, "relation \"" + name + "\" does not exist");
}

SqlError WrongKind(const std::string& name, const char* kind) {
  return MakeError(sqlstate::kWrongObjectType, "\"" + name + "\" is not a " + std::string(kind));
}

}  // namespace

SqlStatus RunComment(const ast::Comment& c, Catalog* catalog) {
  using O = ast::Comment::Object;
  if (c.names.empty()) return SqlStatus::Ok();
  const std::string& name = c.names.back();
  uint32_t oid = 0;
  int subid = 0;
  switch (c.object) {
    case O::kTable:
    case O::kView: {
      auto t = catalog->Find(name);
      if (t == nullptr) return NoRelation(name);
      if (t->IsView() != (c.object == O::kView)) return WrongKind(name, c.object == O::kView ? "view" : "table");
      oid = t->oid;
      break;
    }
    case O::kSequence: {
      auto q = catalog->FindSequence(name);
      if (q == nullptr) return NoRelation(name);
      oid = q->oid;
      break;
    }
    case O::kIndex: {
      auto t = catalog->FindIndexTable(name);
      std::optional<uint32_t> found = RelationOidByName(*catalog, name);
      if (!found) return NoRelation(name);
      if (t == nullptr && !(catalog->Find(name) == nullptr && catalog->FindSequence(name) == nullptr)) {
        return WrongKind(name, "index");
      }
      oid = *found;
      break;
    }
    case O::kColumn: {
      if (c.names.size() < 2) return MakeError(sqlstate::kSyntaxError, "column name must be qualified");
      const std::string& table = c.names[c.names.size() - 2];
      auto t = catalog->Find(table);
      if (t == nullptr) return NoRelation(table);
      int col = t->FindColumn(name);
      if (col < 0) {
        return MakeError(sqlstate::kUndefinedColumn,
                         "column \"" + name + "\" of relation \"" + table + "\" does not exist");
      }
      oid = t->oid;
      subid = t->columns[static_cast<size_t>(col)].attnum;
      break;
    }
    case O::kType: {
      auto e = catalog->FindEnumType(name);
      if (e == nullptr) return MakeError(sqlstate::kUndefinedObject, "type \"" + name + "\" does not exist");
      oid = e->oid;
      break;
    }
    case O::kSchema:
      if (name != "public" && name != "pg_catalog" && name != "information_schema") {
        return MakeError("3F000", "schema \"" + name + "\" does not exist");
      }
      oid = name == "public" ? kPublicNamespace : name == "pg_catalog" ? kPgCatalogNamespace
                                                                       : kInformationSchemaNamespace;
      break;
    case O::kDatabase:
      if (name != "postgres") return MakeError("3D000", "database \"" + name + "\" does not exist");
      oid = 5;
      break;
    case O::kOther: return SqlStatus::Ok();
  }
  return catalog->SetComment(oid, subid, c.text);
}

}  // namespace lumadb::engine::sql

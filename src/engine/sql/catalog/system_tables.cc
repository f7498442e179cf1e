#include "engine/sql/catalog/system_tables.h"

#include <functional>
#include <map>

#include "engine/sql/types/array.h"

namespace lumadb::engine::sql {

namespace {

using Row = std::vector<Value>;

Value Oid(uint32_t x) { return Value::Int(TypeId::kInt8, x); }
Value I4(int64_t x) { return Value::Int(TypeId::kInt4, x); }
Value I2(int64_t x) { return Value::Int(TypeId::kInt2, x); }
Value B(bool b) { return Value::Bool(b); }
Value T(std::string s) { return Value::String(Type::Of(TypeId::kText), std::move(s)); }
Value NullText() { return Value::Null(Type::Of(TypeId::kText)); }
Value NullOf(TypeId id) { return Value::Null(Type::Of(id)); }

// A relation being built: its columns (name and type), then rows in that order.
class Builder {
 public:
  Builder(std::string name, uint32_t oid) : table_(std::make_shared<Table>()) {
    table_->name = std::move(name);
    table_->oid = oid;
    rows_ = std::make_shared<std::vector<Row>>();
  }
  Builder& Col(const char* name, TypeId type) { return Col(name, Type::Of(type)); }
  Builder& Col(const char* name, const Type& type) {
    Column c;
    c.name = name;
    c.type = type;
    c.attnum = static_cast<int>(table_->columns.size()) + 1;
    table_->columns.push_back(std::move(c));
    return *this;
  }
  void Add(Row row) { rows_->push_back(std::move(row)); }
  SystemRelation Done() { return SystemRelation{table_, rows_}; }

 private:
  std::shared_ptr<Table> table_;
  std::shared_ptr<std::vector<Row>> rows_;
};

constexpr TypeId kOid = TypeId::kInt8;  // oid columns (no oid type yet)
constexpr TypeId kName = TypeId::kText;

// The types LumaDB has, as pg_type rows: (type, category, preferred).
struct TypeRow {
  TypeId id;
  const char* category;
  bool preferred;
};
const std::vector<TypeRow>& Types() {
  static const std::vector<TypeRow> kTypes = {
      {TypeId::kBool, "B", true},     {TypeId::kBytea, "U", false},      {TypeId::kInt8, "N", false},
      {TypeId::kInt2, "N", false},    {TypeId::kInt4, "N", false},       {TypeId::kText, "S", true},
      {TypeId::kFloat4, "N", false},  {TypeId::kFloat8, "N", true},      {TypeId::kBpchar, "S", false},
      {TypeId::kVarchar, "S", false}, {TypeId::kDate, "D", false},       {TypeId::kTimestamp, "D", false},
      {TypeId::kTimestampTz, "D", true}, {TypeId::kNumeric, "N", false}, {TypeId::kUuid, "U", false},
      {TypeId::kJson, "U", false},     {TypeId::kJsonb, "U", false},      {TypeId::kInterval, "T", true},
      {TypeId::kTime, "D", false},
  };
  return kTypes;
}

// information_schema's data_type: the type's SQL name without modifiers.
std::string DataType(const Type& t) {
  if (t.id == TypeId::kEnum) return "USER-DEFINED";
  return t.id == TypeId::kArray ? "ARRAY" : TypeName(Type::Of(t.id));
}
// information_schema's udt_name: pg_type.typname ("_int4" for int4[]).
std::string UdtName(const Type& t) {
  if (t.id == TypeId::kEnum) {
    auto e = FindEnum(static_cast<uint32_t>(t.length));
    return e ? e->name : "anyenum";
  }
  return t.id == TypeId::kArray ? std::string("_") + TypeCatalogName(t.elem) : TypeCatalogName(t.id);
}

SystemRelation PgNamespace() {
  Builder b("pg_namespace", 2615);
  b.Col("oid", kOid).Col("nspname", kName).Col("nspowner", kOid).Col("nspacl", TypeId::kText);
  b.Add({Oid(kPgCatalogNamespace), T("pg_catalog"), Oid(kSuperuserOid), NullText()});
  // PostgreSQL 15: public belongs to pg_database_owner (OID 6171).
  b.Add({Oid(kPublicNamespace), T("public"), Oid(6171), NullText()});
  b.Add({Oid(kInformationSchemaNamespace), T("information_schema"), Oid(kSuperuserOid), NullText()});
  return b.Done();
}

SystemRelation PgClass(const Catalog& catalog) {
  Builder b("pg_class", 1259);
  b.Col("oid", kOid).Col("relname", kName).Col("relnamespace", kOid).Col("reltype", kOid).Col("reloftype", kOid);
  b.Col("relowner", kOid).Col("relam", kOid).Col("relfilenode", kOid).Col("reltablespace", kOid);
  b.Col("relpages", TypeId::kInt4).Col("reltuples", TypeId::kFloat4).Col("relallvisible", TypeId::kInt4);
  b.Col("reltoastrelid", kOid).Col("relhasindex", TypeId::kBool).Col("relisshared", TypeId::kBool);
  b.Col("relpersistence", TypeId::kText).Col("relkind", TypeId::kText).Col("relnatts", TypeId::kInt2);
  b.Col("relchecks", TypeId::kInt2).Col("relhasrules", TypeId::kBool).Col("relhastriggers", TypeId::kBool);
  b.Col("relhassubclass", TypeId::kBool).Col("relrowsecurity", TypeId::kBool);
  b.Col("relforcerowsecurity", TypeId::kBool).Col("relispopulated", TypeId::kBool);
  b.Col("relreplident", TypeId::kText).Col("relispartition", TypeId::kBool).Col("relrewrite", kOid);
  b.Col("reloptions", Type::ArrayOf(Type::Of(TypeId::kText))).Col("relacl", TypeId::kText);
  b.Col("relpartbound", TypeId::kText);
  auto add = [&](uint32_t oid, const std::string& name, uint32_t am, uint32_t relfile, bool has_index,
                 const char* kind, size_t natts, size_t checks, bool triggers) {
    b.Add({Oid(oid), T(name), Oid(kPublicNamespace), Oid(0), Oid(0), Oid(kSuperuserOid), Oid(am), Oid(relfile),
           Oid(0), I4(0), Value::Float(TypeId::kFloat4, -1), I4(0), Oid(0), B(has_index), B(false), T("p"),
           T(kind), I2(static_cast<int64_t>(natts)), I2(static_cast<int64_t>(checks)), B(false), B(triggers),
           B(false), B(false), B(false), B(true), T(*kind == 'i' ? "n" : "d"), B(false), Oid(0),
           Value::Null(Type::ArrayOf(Type::Of(TypeId::kText))), NullText(), NullText()});
  };
  for (const auto& t : catalog.Tables()) {
    // Foreign keys are triggers in PostgreSQL (relhastriggers).
    bool triggers = !t->foreign_keys.empty() || catalog.IsReferenced(t->oid);
    add(t->oid, t->name, t->IsView() ? 0 : 2, t->IsView() ? 0 : t->relfile,
        !t->indexes.empty() || !t->primary_key.empty(), t->IsView() ? "v" : "r", t->columns.size(), t->checks.size(),
        triggers);
    if (t->primary_key_oid != 0) {
      add(t->primary_key_oid, t->PrimaryKeyName(), 403, t->primary_key_oid, false, "i", t->primary_key.size(), 0,
          false);
    }
    for (const auto& i : t->indexes) add(i.oid, i.name, 403, i.oid, false, "i", i.columns.size(), 0, false);
  }
  for (const auto& q : catalog.Sequences()) add(q->oid, q->name, 0, q->oid, false, "S", 3, 0, false);
  return b.Done();
}

SystemRelation PgAttribute(const Catalog& catalog) {
  Builder b("pg_attribute", 1249);
  b.Col("attrelid", kOid).Col("attname", kName).Col("atttypid", kOid).Col("attstattarget", TypeId::kInt4);
  b.Col("attlen", TypeId::kInt2).Col("attnum", TypeId::kInt2).Col("attndims", TypeId::kInt4);
  b.Col("atttypmod", TypeId::kInt4).Col("attbyval", TypeId::kBool).Col("attalign", TypeId::kText);
  b.Col("attstorage", TypeId::kText).Col("attcompression", TypeId::kText).Col("attnotnull", TypeId::kBool);
  b.Col("atthasdef", TypeId::kBool).Col("atthasmissing", TypeId::kBool).Col("attidentity", TypeId::kText);
  b.Col("attgenerated", TypeId::kText).Col("attisdropped", TypeId::kBool).Col("attislocal", TypeId::kBool);
  b.Col("attinhcount", TypeId::kInt4).Col("attcollation", kOid);
  for (const auto& t : catalog.Tables()) {
    for (const auto& c : t->columns) {
      int16_t len = TypeLen(c.type);
      bool text_like = IsString(c.type.id);
      b.Add({Oid(t->oid), T(c.name), Oid(TypeOid(c.type)), I4(-1), I2(len), I2(c.attnum), I4(0),
             I4(TypeMod(c.type)), B(len > 0 && len <= 8), T(len == 8 ? "d" : len == 4 ? "i" : len == 2 ? "s" : "c"),
             T(len > 0 ? "p" : c.type.id == TypeId::kNumeric ? "m" : "x"), T(""), B(c.not_null), B(!c.DefaultText(t->name).empty()), B(false),
             T(c.identity == 0 || c.serial ? "" : std::string(1, c.identity)), T(""), B(false), B(true), I4(0),
             Oid(text_like ? 100 : 0)});
    }
  }
  return b.Done();
}

// int2vector's text form: the attnums separated by spaces.
std::string AttnumVector(const Table& t, const std::vector<int>& columns) {
  std::string out;
  for (int c : columns) out += (out.empty() ? "" : " ") + std::to_string(t.columns[c].attnum);
  return out;
}

SystemRelation PgIndex(const Catalog& catalog) {
  Builder b("pg_index", 2610);
  b.Col("indexrelid", kOid).Col("indrelid", kOid).Col("indnatts", TypeId::kInt2).Col("indnkeyatts", TypeId::kInt2);
  b.Col("indisunique", TypeId::kBool).Col("indnullsnotdistinct", TypeId::kBool).Col("indisprimary", TypeId::kBool);
  b.Col("indisexclusion", TypeId::kBool).Col("indimmediate", TypeId::kBool).Col("indisclustered", TypeId::kBool);
  b.Col("indisvalid", TypeId::kBool).Col("indcheckxmin", TypeId::kBool).Col("indisready", TypeId::kBool);
  b.Col("indislive", TypeId::kBool).Col("indisreplident", TypeId::kBool).Col("indkey", TypeId::kText);
  b.Col("indexprs", TypeId::kText).Col("indpred", TypeId::kText);
  auto add = [&](uint32_t oid, const Table& t, const std::vector<int>& cols, bool unique, bool primary) {
    auto n = static_cast<int64_t>(cols.size());
    b.Add({Oid(oid), Oid(t.oid), I2(n), I2(n), B(unique), B(false), B(primary), B(false), B(true), B(false), B(true),
           B(false), B(true), B(true), B(false), T(AttnumVector(t, cols)), NullText(), NullText()});
  };
  for (const auto& t : catalog.Tables()) {
    if (t->primary_key_oid != 0) add(t->primary_key_oid, *t, t->primary_key, true, true);
    for (const auto& i : t->indexes) add(i.oid, *t, i.columns, i.unique, false);
  }
  return b.Done();
}

SystemRelation PgType(const Catalog& catalog) {
  Builder b("pg_type", 1247);
  b.Col("oid", kOid).Col("typname", kName).Col("typnamespace", kOid).Col("typowner", kOid);
  b.Col("typlen", TypeId::kInt2).Col("typbyval", TypeId::kBool).Col("typtype", TypeId::kText);
  b.Col("typcategory", TypeId::kText).Col("typispreferred", TypeId::kBool).Col("typisdefined", TypeId::kBool);
  b.Col("typdelim", TypeId::kText).Col("typrelid", kOid).Col("typelem", kOid).Col("typarray", kOid);
  b.Col("typnotnull", TypeId::kBool).Col("typbasetype", kOid).Col("typtypmod", TypeId::kInt4);
  b.Col("typndims", TypeId::kInt4).Col("typcollation", kOid).Col("typacl", TypeId::kText);
  for (const auto& tr : Types()) {
    Type t = Type::Of(tr.id);
    int16_t len = TypeLen(t);
    b.Add({Oid(TypeOid(t)), T(TypeCatalogName(tr.id)), Oid(kPgCatalogNamespace), Oid(kSuperuserOid), I2(len),
           B(len > 0 && len <= 8), T("b"), T(tr.category), B(tr.preferred), B(true), T(","), Oid(0), Oid(0), Oid(0),
           B(false), Oid(0), I4(-1), I4(0), Oid(IsString(tr.id) ? 100 : 0), NullText()});
  }
  for (const auto& e : catalog.EnumTypes()) {
    b.Add({Oid(e->oid), T(e->name), Oid(kPublicNamespace), Oid(kSuperuserOid), I2(4), B(true), T("e"), T("E"),
           B(false), B(true), T(","), Oid(0), Oid(0), Oid(0), B(false), Oid(0), I4(-1), I4(0), Oid(0), NullText()});
  }
  return b.Done();
}

SystemRelation PgEnum(const Catalog& catalog) {
  Builder b("pg_enum", 3501);
  b.Col("oid", kOid).Col("enumtypid", kOid).Col("enumsortorder", TypeId::kFloat4).Col("enumlabel", kName);
  for (const auto& e : catalog.EnumTypes()) {
    for (size_t i = 0; i < e->labels.size(); i++) {
      b.Add({Oid(3000000000u + e->oid * 64u + static_cast<uint32_t>(i % 64)), Oid(e->oid),
             Value::Float(TypeId::kFloat4, e->orders[i]), T(e->labels[i])});
    }
  }
  return b.Done();
}

SystemRelation PgAm() {
  Builder b("pg_am", 2601);
  b.Col("oid", kOid).Col("amname", kName).Col("amhandler", TypeId::kText).Col("amtype", TypeId::kText);
  b.Add({Oid(2), T("heap"), T("heap_tableam_handler"), T("t")});
  b.Add({Oid(403), T("btree"), T("bthandler"), T("i")});
  b.Add({Oid(405), T("hash"), T("hashhandler"), T("i")});
  return b.Done();
}

SystemRelation PgDatabase() {
  Builder b("pg_database", 1262);
  b.Col("oid", kOid).Col("datname", kName).Col("datdba", kOid).Col("encoding", TypeId::kInt4);
  b.Col("datlocprovider", TypeId::kText).Col("datistemplate", TypeId::kBool).Col("datallowconn", TypeId::kBool);
  b.Col("datconnlimit", TypeId::kInt4).Col("datcollate", TypeId::kText).Col("datctype", TypeId::kText);
  b.Col("daticulocale", TypeId::kText).Col("datacl", TypeId::kText);
  b.Add({Oid(5), T("postgres"), Oid(kSuperuserOid), I4(6), T("c"), B(false), B(true), I4(-1), T("C.UTF-8"),
         T("C.UTF-8"), NullText(), NullText()});
  return b.Done();
}

SystemRelation PgRoles(const char* name, uint32_t oid) {
  Builder b(name, oid);
  b.Col("rolname", kName).Col("rolsuper", TypeId::kBool).Col("rolinherit", TypeId::kBool);
  b.Col("rolcreaterole", TypeId::kBool).Col("rolcreatedb", TypeId::kBool).Col("rolcanlogin", TypeId::kBool);
  b.Col("rolreplication", TypeId::kBool).Col("rolconnlimit", TypeId::kInt4).Col("rolpassword", TypeId::kText);
  b.Col("rolvaliduntil", TypeId::kTimestampTz).Col("rolbypassrls", TypeId::kBool).Col("rolconfig", TypeId::kText);
  b.Col("oid", kOid);
  b.Add({T("postgres"), B(true), B(true), B(true), B(true), B(true), B(true), I4(-1), T("********"),
         NullOf(TypeId::kTimestampTz), B(true), NullText(), Oid(kSuperuserOid)});
  return b.Done();
}

SystemRelation PgAuthMembers() {
  Builder b("pg_auth_members", 1261);
  b.Col("oid", kOid).Col("roleid", kOid).Col("member", kOid).Col("grantor", kOid).Col("admin_option", TypeId::kBool);
  return b.Done();
}

// plpgsql, as every PostgreSQL database has it (CREATE EXTENSION of the
// others LumaDB knows is accepted and not recorded).
constexpr uint32_t kPlpgsqlExtension = 13744;

SystemRelation PgExtension() {
  Builder b("pg_extension", 3079);
  b.Col("oid", kOid).Col("extname", kName).Col("extowner", kOid).Col("extnamespace", kOid);
  b.Col("extrelocatable", TypeId::kBool).Col("extversion", TypeId::kText).Col("extconfig", TypeId::kText);
  b.Col("extcondition", TypeId::kText);
  b.Add({Oid(kPlpgsqlExtension), T("plpgsql"), Oid(kSuperuserOid), Oid(kPgCatalogNamespace), B(false), T("1.0"),
         NullText(), NullText()});
  return b.Done();
}

SystemRelation PgTablespace() {
  Builder b("pg_tablespace", 1213);
  b.Col("oid", kOid).Col("spcname", kName).Col("spcowner", kOid).Col("spcacl", TypeId::kText);
  b.Col("spcoptions", TypeId::kText);
  b.Add({Oid(1663), T("pg_default"), Oid(kSuperuserOid), NullText(), NullText()});
  b.Add({Oid(1664), T("pg_global"), Oid(kSuperuserOid), NullText(), NullText()});
  return b.Done();
}

SystemRelation PgUser() {
  Builder b("pg_user", 12000);
  b.Col("usename", kName).Col("usesysid", kOid).Col("usecreatedb", TypeId::kBool).Col("usesuper", TypeId::kBool);
  b.Col("userepl", TypeId::kBool).Col("usebypassrls", TypeId::kBool).Col("passwd", TypeId::kText);
  b.Col("valuntil", TypeId::kTimestampTz).Col("useconfig", TypeId::kText);
  b.Add({T("postgres"), Oid(kSuperuserOid), B(true), B(true), B(true), B(true), T("********"),
         NullOf(TypeId::kTimestampTz), NullText()});
  return b.Done();
}

SystemRelation InfoSchemata() {
  Builder b("schemata", 13200);
  b.Col("catalog_name", kName).Col("schema_name", kName).Col("schema_owner", kName);
  b.Col("default_character_set_catalog", kName).Col("default_character_set_schema", kName);
  b.Col("default_character_set_name", kName).Col("sql_path", TypeId::kText);
  for (const char* n : {"pg_catalog", "public", "information_schema"}) {
    b.Add({T("postgres"), T(n), T(std::string(n) == "public" ? "pg_database_owner" : "postgres"), NullText(),
           NullText(), NullText(), NullText()});
  }
  return b.Done();
}

SystemRelation InfoTables(const Catalog& catalog) {
  Builder b("tables", 13201);
  for (const char* c : {"table_catalog", "table_schema", "table_name", "table_type", "self_referencing_column_name",
                        "reference_generation", "user_defined_type_catalog", "user_defined_type_schema",
                        "user_defined_type_name", "is_insertable_into", "is_typed", "commit_action"}) {
    b.Col(c, TypeId::kText);
  }
  for (const auto& t : catalog.Tables()) {
    b.Add({T("postgres"), T("public"), T(t->name), T(t->IsView() ? "VIEW" : "BASE TABLE"), NullText(), NullText(),
           NullText(), NullText(), NullText(), T(t->IsView() ? "NO" : "YES"), T("NO"), NullText()});
  }
  return b.Done();
}

SystemRelation InfoColumns(const Catalog& catalog) {
  Builder b("columns", 13202);
  b.Col("table_catalog", kName).Col("table_schema", kName).Col("table_name", kName).Col("column_name", kName);
  b.Col("ordinal_position", TypeId::kInt4).Col("column_default", TypeId::kText).Col("is_nullable", TypeId::kText);
  b.Col("data_type", TypeId::kText).Col("character_maximum_length", TypeId::kInt4);
  b.Col("character_octet_length", TypeId::kInt4).Col("numeric_precision", TypeId::kInt4);
  b.Col("numeric_precision_radix", TypeId::kInt4).Col("numeric_scale", TypeId::kInt4);
  b.Col("datetime_precision", TypeId::kInt4).Col("udt_catalog", kName).Col("udt_schema", kName);
  b.Col("udt_name", kName).Col("is_identity", TypeId::kText).Col("identity_generation", TypeId::kText);
  b.Col("is_generated", TypeId::kText).Col("generation_expression", TypeId::kText).Col("is_updatable", TypeId::kText);
  auto null_i4 = NullOf(TypeId::kInt4);
  for (const auto& t : catalog.Tables()) {
    for (size_t i = 0; i < t->columns.size(); i++) {
      const Column& c = t->columns[i];
      TypeId id = c.type.id;
      Value max_len = null_i4, octets = null_i4, precision = null_i4, radix = null_i4, scale = null_i4,
            dt_precision = null_i4;
      if ((id == TypeId::kVarchar || id == TypeId::kBpchar) && c.type.length >= 0) {
        max_len = I4(c.type.length);
        octets = I4(static_cast<int64_t>(c.type.length) * 4);
      } else if (IsString(id)) {
        octets = I4(1073741824);
      }
      if (IsInteger(id)) {
        precision = I4(id == TypeId::kInt2 ? 16 : id == TypeId::kInt4 ? 32 : 64);
        radix = I4(2);
        scale = I4(0);
      } else if (IsFloat(id)) {
        precision = I4(id == TypeId::kFloat4 ? 24 : 53);
        radix = I4(2);
      } else if (id == TypeId::kNumeric) {
        radix = I4(10);
        if (c.type.length >= 4) {
          precision = I4(((c.type.length - 4) >> 16) & 0xffff);
          scale = I4((c.type.length - 4) & 0xffff);
        }
      }
      if (IsDatetime(id) || id == TypeId::kTime) dt_precision = I4(id == TypeId::kDate ? 0 : c.type.length >= 0 ? c.type.length : 6);
      std::string def_text = c.DefaultText(t->name);
      Value def = def_text.empty() ? NullText() : T(def_text);
      b.Add({T("postgres"), T("public"), T(t->name), T(c.name), I4(static_cast<int64_t>(i) + 1), def,
             T(c.not_null ? "NO" : "YES"), T(DataType(c.type)), max_len, octets, precision, radix, scale,
             dt_precision, T("postgres"), T("pg_catalog"), T(UdtName(c.type)), T(c.identity != 0 && !c.serial ? "YES" : "NO"),
             c.serial ? NullText() : c.identity == 'a' ? T("ALWAYS") : c.identity == 'd' ? T("BY DEFAULT") : NullText(),
             T("NEVER"),
             NullText(), T("YES")});
    }
  }
  return b.Done();
}

// ---------------------------------------------------------------------------
// Constraints, defaults, collations, and the relations psql's \d reads that
// LumaDB has nothing for (policies, statistics objects, publications,
// triggers, inheritance): empty, with PostgreSQL's columns.

std::string QuoteIdent(const std::string& name) {
  bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string ColumnList(const Table& t, const std::vector<int>& columns) {
  std::string out;
  for (int c : columns) out += (out.empty() ? "" : ", ") + QuoteIdent(t.columns[c].name);
  return out;
}

const char* FkAction(char a) {
  switch (a) {
    case 'r': return "RESTRICT";
    case 'c': return "CASCADE";
    case 'n': return "SET NULL";
    case 'd': return "SET DEFAULT";
    default: return "NO ACTION";
  }
}

struct ConstraintRow {
  uint32_t oid = 0;
  std::string name;
  char type = 0;  // p u c f
  const Table* table = nullptr;
  uint32_t index_oid = 0;
  uint32_t ref_table = 0;
  std::vector<int16_t> key, fkey;
  char on_update = ' ', on_delete = ' ', match = ' ';
  std::string def;
};

// pg_constraint's OIDs: derived from the table's OID and the constraint's
// position (primary key, unique constraints, checks, foreign keys).
uint32_t ConstraintOid(uint32_t table_oid, size_t k) { return 1000000000u + table_oid * 64u + static_cast<uint32_t>(k % 64); }

ConstraintRow NewConstraint(uint32_t oid, const std::string& name, char type, const Table& t) {
  ConstraintRow r;
  r.oid = oid;
  r.name = name;
  r.type = type;
  r.table = &t;
  return r;
}

std::vector<ConstraintRow> ConstraintRows(const Catalog& catalog) {
  std::vector<ConstraintRow> out;
  for (const auto& tp : catalog.Tables()) {
    const Table& t = *tp;
    if (t.IsView()) continue;
    size_t k = 0;
    auto attnums = [&](const std::vector<int>& cols) {
      std::vector<int16_t> v;
      for (int c : cols) v.push_back(static_cast<int16_t>(t.columns[c].attnum));
      return v;
    };
    if (t.primary_key_oid != 0) {
      ConstraintRow r = NewConstraint(ConstraintOid(t.oid, k++), t.PrimaryKeyName(), 'p', t);
      r.index_oid = t.primary_key_oid;
      r.key = attnums(t.primary_key);
      r.def = "PRIMARY KEY (" + ColumnList(t, t.primary_key) + ")";
      out.push_back(std::move(r));
    }
    for (const auto& i : t.indexes) {
      if (!i.constraint) continue;
      ConstraintRow r = NewConstraint(ConstraintOid(t.oid, k++), i.name, 'u', t);
      r.index_oid = i.oid;
      r.key = attnums(i.columns);
      r.def = "UNIQUE (" + ColumnList(t, i.columns) + ")";
      out.push_back(std::move(r));
    }
    for (const auto& c : t.checks) {
      ConstraintRow r = NewConstraint(ConstraintOid(t.oid, k++), c.name, 'c', t);
      r.def = "CHECK (" + c.sql + ")";
      out.push_back(std::move(r));
    }
    for (const auto& f : t.foreign_keys) {
      ConstraintRow r = NewConstraint(ConstraintOid(t.oid, k++), f.name, 'f', t);
      r.ref_table = f.ref_table != 0 ? f.ref_table : t.oid;
      r.key = attnums(f.columns);
      r.on_update = f.on_update;
      r.on_delete = f.on_delete;
      r.match = f.match;
      auto ref = r.ref_table == t.oid ? tp : catalog.FindOid(r.ref_table);
      std::string ref_cols;
      for (int a : f.ref_attnums) {
        r.fkey.push_back(static_cast<int16_t>(a));
        int c = ref ? ref->ColumnByAttnum(a) : -1;
        ref_cols += (ref_cols.empty() ? "" : ", ") + (c >= 0 ? QuoteIdent(ref->columns[c].name) : std::to_string(a));
      }
      r.def = "FOREIGN KEY (" + ColumnList(t, f.columns) + ") REFERENCES " + (ref ? QuoteIdent(ref->name) : "?") +
              "(" + ref_cols + ")";
      if (f.match == 'f') r.def += " MATCH FULL";
      if (f.on_update != 'a') r.def += std::string(" ON UPDATE ") + FkAction(f.on_update);
      if (f.on_delete != 'a') r.def += std::string(" ON DELETE ") + FkAction(f.on_delete);
      out.push_back(std::move(r));
    }
  }
  return out;
}

Value Int2Array(const std::vector<int16_t>& v) {
  std::vector<Value> items;
  for (int16_t x : v) items.push_back(Value::Int(TypeId::kInt2, x));
  return MakeArray(Type::Of(TypeId::kInt2), items);
}

SystemRelation PgConstraint(const Catalog& catalog) {
  Builder b("pg_constraint", 2606);
  Type int2s = Type::ArrayOf(Type::Of(TypeId::kInt2));
  b.Col("oid", kOid).Col("conname", kName).Col("connamespace", kOid).Col("contype", TypeId::kText);
  b.Col("condeferrable", TypeId::kBool).Col("condeferred", TypeId::kBool).Col("convalidated", TypeId::kBool);
  b.Col("conrelid", kOid).Col("contypid", kOid).Col("conindid", kOid).Col("conparentid", kOid);
  b.Col("confrelid", kOid).Col("confupdtype", TypeId::kText).Col("confdeltype", TypeId::kText);
  b.Col("confmatchtype", TypeId::kText).Col("conislocal", TypeId::kBool).Col("coninhcount", TypeId::kInt4);
  b.Col("connoinherit", TypeId::kBool).Col("conkey", int2s).Col("confkey", int2s).Col("conbin", TypeId::kText);
  for (const auto& r : ConstraintRows(catalog)) {
    bool fk = r.type == 'f';
    b.Add({Oid(r.oid), T(r.name), Oid(kPublicNamespace), T(std::string(1, r.type)), B(false), B(false), B(true),
           Oid(r.table->oid), Oid(0), Oid(r.index_oid), Oid(0), Oid(r.ref_table),
           T(fk ? std::string(1, r.on_update) : " "), T(fk ? std::string(1, r.on_delete) : " "),
           T(fk ? std::string(1, r.match) : " "), B(true), I4(0), B(r.type == 'c' ? false : true),
           r.key.empty() ? Value::Null(int2s) : Int2Array(r.key), fk ? Int2Array(r.fkey) : Value::Null(int2s),
           r.type == 'c' ? T(r.def.substr(7, r.def.size() - 8)) : NullText()});
  }
  return b.Done();
}

SystemRelation PgAttrdef(const Catalog& catalog) {
  Builder b("pg_attrdef", 2604);
  b.Col("oid", kOid).Col("adrelid", kOid).Col("adnum", TypeId::kInt2).Col("adbin", TypeId::kText);
  for (const auto& t : catalog.Tables()) {
    for (const auto& c : t->columns) {
      std::string def = c.DefaultText(t->name);
      if (def.empty()) continue;
      b.Add({Oid(2000000000u + t->oid * 64u + static_cast<uint32_t>(c.attnum % 64)), Oid(t->oid), I2(c.attnum),
             T(def)});
    }
  }
  return b.Done();
}

SystemRelation PgDescription(const Catalog& catalog) {
  Builder b("pg_description", 2609);
  b.Col("objoid", kOid).Col("classoid", kOid).Col("objsubid", TypeId::kInt4).Col("description", TypeId::kText);
  b.Add({Oid(kPlpgsqlExtension), Oid(3079), I4(0), T("PL/pgSQL procedural language")});
  for (const auto& [key, text] : catalog.Comments()) {
    // The catalog the object is in: pg_type, pg_namespace, pg_database or pg_class.
    uint32_t o = key.first;
    uint32_t classoid = FindEnum(o) != nullptr ? 1247
                        : (o == kPublicNamespace || o == kPgCatalogNamespace || o == kInformationSchemaNamespace) ? 2615
                        : o == 5 ? 1262
                                 : 1259;
    b.Add({Oid(key.first), Oid(classoid), I4(key.second), T(text)});
  }
  return b.Done();
}

SystemRelation PgCollation() {
  Builder b("pg_collation", 3456);
  b.Col("oid", kOid).Col("collname", kName).Col("collnamespace", kOid).Col("collowner", kOid);
  b.Col("collprovider", TypeId::kText).Col("collisdeterministic", TypeId::kBool).Col("collencoding", TypeId::kInt4);
  b.Col("collcollate", TypeId::kText).Col("collctype", TypeId::kText).Col("colliculocale", TypeId::kText);
  b.Col("collversion", TypeId::kText);
  b.Add({Oid(100), T("default"), Oid(kPgCatalogNamespace), Oid(kSuperuserOid), T("d"), B(true), I4(-1), NullText(),
         NullText(), NullText(), NullText()});
  b.Add({Oid(950), T("C"), Oid(kPgCatalogNamespace), Oid(kSuperuserOid), T("c"), B(true), I4(-1), T("C"), T("C"),
         NullText(), NullText()});
  b.Add({Oid(951), T("POSIX"), Oid(kPgCatalogNamespace), Oid(kSuperuserOid), T("c"), B(true), I4(-1), T("POSIX"),
         T("POSIX"), NullText(), NullText()});
  return b.Done();
}

SystemRelation Empty(const char* name, uint32_t oid, std::vector<std::pair<const char*, Type>> columns) {
  Builder b(name, oid);
  for (const auto& [col, type] : columns) b.Col(col, type);
  return b.Done();
}

SystemRelation EmptyCatalog(const std::string& name) {
  Type oid = Type::Of(kOid), text = Type::Of(TypeId::kText), boolean = Type::Of(TypeId::kBool);
  Type i2 = Type::Of(TypeId::kInt2), i4 = Type::Of(TypeId::kInt4);
  if (name == "pg_policy") {
    return Empty("pg_policy", 3256, {{"oid", oid}, {"polname", text}, {"polrelid", oid}, {"polcmd", text},
                                     {"polpermissive", boolean}, {"polroles", Type::ArrayOf(oid)}, {"polqual", text},
                                     {"polwithcheck", text}});
  }
  if (name == "pg_statistic_ext") {
    return Empty("pg_statistic_ext", 3381, {{"oid", oid}, {"stxrelid", oid}, {"stxname", text}, {"stxnamespace", oid},
                                            {"stxowner", oid}, {"stxstattarget", i4}, {"stxkeys", Type::ArrayOf(i2)},
                                            {"stxkind", Type::ArrayOf(text)}, {"stxexprs", text}});
  }
  if (name == "pg_publication") {
    return Empty("pg_publication", 6104, {{"oid", oid}, {"pubname", text}, {"pubowner", oid}, {"puballtables", boolean},
                                          {"pubinsert", boolean}, {"pubupdate", boolean}, {"pubdelete", boolean},
                                          {"pubtruncate", boolean}, {"pubviaroot", boolean}});
  }
  if (name == "pg_publication_namespace") {
    return Empty("pg_publication_namespace", 6237, {{"oid", oid}, {"pnpubid", oid}, {"pnnspid", oid}});
  }
  if (name == "pg_publication_rel") {
    return Empty("pg_publication_rel", 6106, {{"oid", oid}, {"prpubid", oid}, {"prrelid", oid}, {"prqual", text},
                                              {"prattrs", Type::ArrayOf(i2)}});
  }
  if (name == "pg_trigger") {
    return Empty("pg_trigger", 2620, {{"oid", oid}, {"tgrelid", oid}, {"tgparentid", oid}, {"tgname", text},
                                      {"tgfoid", oid}, {"tgtype", i2}, {"tgenabled", text}, {"tgisinternal", boolean},
                                      {"tgconstrrelid", oid}, {"tgconstrindid", oid}, {"tgconstraint", oid},
                                      {"tgdeferrable", boolean}, {"tginitdeferred", boolean}, {"tgnargs", i2}});
  }
  if (name == "pg_inherits") {
    return Empty("pg_inherits", 2611, {{"inhrelid", oid}, {"inhparent", oid}, {"inhseqno", i4},
                                       {"inhdetachpending", boolean}});
  }
  return SystemRelation{};
}

}  // namespace

std::optional<SystemRelation> FindSystemRelation(const std::vector<std::string>& names, const Catalog& catalog) {
  if (names.empty() || names.size() > 2) return std::nullopt;
  const std::string& name = names.back();
  std::string schema = names.size() == 2 ? names[0] : "";
  if (schema.empty() || schema == "pg_catalog") {
    if (name == "pg_namespace") return PgNamespace();
    if (name == "pg_class") return PgClass(catalog);
    if (name == "pg_attribute") return PgAttribute(catalog);
    if (name == "pg_type") return PgType(catalog);
    if (name == "pg_enum") return PgEnum(catalog);
    if (name == "pg_index") return PgIndex(catalog);
    if (name == "pg_am") return PgAm();
    if (name == "pg_database") return PgDatabase();
    if (name == "pg_roles") return PgRoles("pg_roles", 12001);
    if (name == "pg_authid") return PgRoles("pg_authid", 1260);
    if (name == "pg_user") return PgUser();
    if (name == "pg_constraint") return PgConstraint(catalog);
    if (name == "pg_attrdef") return PgAttrdef(catalog);
    if (name == "pg_collation") return PgCollation();
    if (name == "pg_description") return PgDescription(catalog);
    if (name == "pg_auth_members") return PgAuthMembers();
    if (name == "pg_extension") return PgExtension();
    if (name == "pg_tablespace") return PgTablespace();
    SystemRelation empty = EmptyCatalog(name);
    if (empty.table != nullptr) return empty;
  }
  if (schema == "information_schema") {
    if (name == "schemata") return InfoSchemata();
    if (name == "tables") return InfoTables(catalog);
    if (name == "columns") return InfoColumns(catalog);
  }
  return std::nullopt;
}

}  // namespace lumadb::engine::sql

namespace lumadb::engine::sql {

namespace {
// The system relations' fixed OIDs (regclass of 'pg_class' and back).
struct SystemOid {
  uint32_t oid;
  const char* name;
};
constexpr SystemOid kSystemOids[] = {
    {1213, "pg_tablespace"}, {1247, "pg_type"},        {1249, "pg_attribute"},     {1259, "pg_class"},
    {1260, "pg_authid"},     {1261, "pg_auth_members"}, {1262, "pg_database"},     {2601, "pg_am"},
    {2604, "pg_attrdef"},    {2606, "pg_constraint"},  {2609, "pg_description"},   {2610, "pg_index"},
    {2611, "pg_inherits"},   {2615, "pg_namespace"},   {2620, "pg_trigger"},       {3079, "pg_extension"},
    {3256, "pg_policy"},     {3381, "pg_statistic_ext"}, {3456, "pg_collation"},   {3501, "pg_enum"},
    {6104, "pg_publication"}, {12000, "pg_user"},      {12001, "pg_roles"},
};
}  // namespace

std::optional<std::string> RelationNameByOid(const Catalog& catalog, uint32_t oid) {
  for (const auto& s : kSystemOids) {
    if (s.oid == oid) return std::string(s.name);
  }
  for (const auto& t : catalog.Tables()) {
    if (t->oid == oid) return QuoteIdent(t->name);
    if (t->primary_key_oid == oid) return QuoteIdent(t->PrimaryKeyName());
    for (const auto& i : t->indexes) {
      if (i.oid == oid) return QuoteIdent(i.name);
    }
  }
  for (const auto& q : catalog.Sequences()) {
    if (q->oid == oid) return QuoteIdent(q->name);
  }
  return std::nullopt;
}

std::optional<uint32_t> RelationOidByName(const Catalog& catalog, const std::string& name) {
  if (auto t = catalog.Find(name)) return t->oid;
  for (const auto& s : kSystemOids) {
    if (name == s.name) return s.oid;
  }
  if (auto q = catalog.FindSequence(name)) return q->oid;
  for (const auto& t : catalog.Tables()) {
    if (t->primary_key_oid != 0 && t->PrimaryKeyName() == name) return t->primary_key_oid;
    for (const auto& i : t->indexes) {
      if (i.name == name) return i.oid;
    }
  }
  return std::nullopt;
}

std::optional<std::string> IndexDefinition(const Catalog& catalog, uint32_t oid, bool pretty) {
  for (const auto& t : catalog.Tables()) {
    auto def = [&](const std::string& name, bool unique, const std::vector<int>& cols) {
      return std::string("CREATE ") + (unique ? "UNIQUE " : "") + "INDEX " + QuoteIdent(name) + " ON " +
             (pretty ? "" : "public.") +
             QuoteIdent(t->name) + " USING btree (" + ColumnList(*t, cols) + ")";
    };
    if (t->primary_key_oid == oid) return def(t->PrimaryKeyName(), true, t->primary_key);
    for (const auto& i : t->indexes) {
      if (i.oid == oid) return def(i.name, i.unique, i.columns);
    }
  }
  return std::nullopt;
}

std::optional<std::string> ConstraintDefinition(const Catalog& catalog, uint32_t oid, bool pretty) {
  for (const auto& r : ConstraintRows(catalog)) {
    if (r.oid != oid) continue;
    if (r.type == 'c' && !pretty) return "CHECK ((" + r.def.substr(7, r.def.size() - 8) + "))";
    return r.def;
  }
  return std::nullopt;
}

}  // namespace lumadb::engine::sql

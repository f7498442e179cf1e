#include "engine/sql/execution/views.h"

#include <algorithm>
#include <set>

#include "engine/sql/parser/pg_parser.h"
#include "engine/sql/planner/planner.h"
#include "storage/rocks_store.h"

namespace lumadb::engine::sql {

SqlStatus CreateView(const ast::CreateView& v, std::string_view sql, Catalog* catalog) {
  const std::string& name = v.view.names.back();
  if (v.view.names.size() > 1 && v.view.names[v.view.names.size() - 2] != "public") {
    return MakeError("3F000", "schema \"" + v.view.names[v.view.names.size() - 2] + "\" does not exist");
  }
  SQL_ASSIGN_OR_RETURN(std::unique_ptr<SelectPlan> plan, PlanSelect(*v.query, *catalog, sql));
  if (v.columns.size() > plan->visible) {
    return MakeError(sqlstate::kSyntaxError, "CREATE VIEW specifies more column names than columns");
  }
  Table view;
  view.name = name;
  view.view_sql = v.sql;
  for (size_t i = 0; i < plan->visible; i++) {
    Column c;
    c.name = i < v.columns.size() ? v.columns[i] : plan->columns[i].name;
    c.type = plan->columns[i].type;
    if (c.type.id == TypeId::kUnknown || c.type.id == TypeId::kNull) c.type = Type::Of(TypeId::kText);
    for (const auto& other : view.columns) {
      if (other.name == c.name) {
        return MakeError(sqlstate::kDuplicateColumn, "column \"" + c.name + "\" specified more than once");
      }
    }
    view.columns.push_back(std::move(c));
  }
  auto existing = catalog->Find(name);
  if (existing != nullptr) {
    if (!existing->IsView()) {
      SqlError e = MakeError(sqlstate::kWrongObjectType, "\"" + name + "\" is not a view");
      return e;
    }
    if (!v.replace) return MakeError(sqlstate::kDuplicateTable, "relation \"" + name + "\" already exists");
    // CREATE OR REPLACE keeps the view's OID; its columns may only be added to.
    if (view.columns.size() < existing->columns.size()) return MakeError("42P16", "cannot drop columns from view");
    for (size_t i = 0; i < existing->columns.size(); i++) {
      if (existing->columns[i].name != view.columns[i].name) {
        SqlError e = MakeError("42P16", "cannot change name of view column \"" + existing->columns[i].name +
                                            "\" to \"" + view.columns[i].name + "\"");
        e.hint = "Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.";
        return e;
      }
      if (existing->columns[i].type != view.columns[i].type) {
        return MakeError("42P16", "cannot change data type of view column \"" + view.columns[i].name + "\" from " +
                                      TypeName(existing->columns[i].type) + " to " + TypeName(view.columns[i].type));
      }
      view.columns[i].attnum = existing->columns[i].attnum;
    }
    view.oid = existing->oid;
    view.relfile = existing->relfile;
    return catalog->Alter(name, std::move(view));
  }
  if (catalog->RelationExists(name)) return MakeError(sqlstate::kDuplicateTable, "relation \"" + name + "\" already exists");
  return catalog->Create(std::move(view));
}

SqlStatus DropViews(const ast::Drop& d, Catalog* catalog, std::vector<Notice>* notices) {
  // Every named view must exist (or IF EXISTS) before any is dropped.
  for (const auto& ref : d.objects) {
    const std::string& name = ref.names.back();
    auto t = catalog->Find(name);
    if (t != nullptr && !t->IsView()) {
      SqlError e = MakeError(sqlstate::kWrongObjectType, "\"" + name + "\" is not a view");
      e.hint = "Use DROP TABLE to remove a table.";
      return e;
    }
    if (t == nullptr && !d.if_exists) return MakeError(sqlstate::kUndefinedTable, "view \"" + name + "\" does not exist");
  }
  // Views that read a dropped view: an error, or with CASCADE dropped first.
  std::vector<std::string> dependents;
  for (const auto& ref : d.objects) {
    const std::string& name = ref.names.back();
    if (catalog->Find(name) == nullptr) continue;
    std::vector<std::string> mine;
    for (const auto& other : d.objects) {
      if (other.names.back() != name) mine.push_back(other.names.back());  // dropped anyway
    }
    size_t named = mine.size();
    std::string detail;
    DependentViews(*catalog, name, false, &mine, &detail);
    if (mine.size() == named) continue;
    if (!d.cascade) {
      SqlError e = MakeError("2BP01", "cannot drop view " + name + " because other objects depend on it");
      e.detail = detail;
      e.hint = "Use DROP ... CASCADE to drop the dependent objects too.";
      return e;
    }
    for (size_t i = named; i < mine.size(); i++) {
      if (std::find(dependents.begin(), dependents.end(), mine[i]) == dependents.end()) dependents.push_back(mine[i]);
    }
  }
  if (dependents.size() == 1) notices->push_back({"NOTICE", "00000", "drop cascades to view " + dependents[0]});
  if (dependents.size() > 1) {
    std::string detail;
    for (const auto& v : dependents) detail += (detail.empty() ? "" : "\n") + ("drop cascades to view " + v);
    notices->push_back(
        {"NOTICE", "00000", "drop cascades to " + std::to_string(dependents.size()) + " other objects", detail});
  }
  for (auto it = dependents.rbegin(); it != dependents.rend(); ++it) {
    storage::WriteBatch batch;
    SQL_RETURN_IF_ERROR(catalog->Drop(*it, &batch));
  }
  for (const auto& ref : d.objects) {
    const std::string& name = ref.names.back();
    if (catalog->Find(name) == nullptr) {
      notices->push_back({"NOTICE", "00000", "view \"" + name + "\" does not exist, skipping"});
      continue;
    }
    storage::WriteBatch batch;
    SQL_RETURN_IF_ERROR(catalog->Drop(name, &batch));
  }
  return SqlStatus::Ok();
}

}  // namespace lumadb::engine::sql

namespace lumadb::engine::sql {

namespace {

void RelationsOf(const ast::Select& s, std::set<std::string>* out);

void RelationsOf(const ast::Expr* e, std::set<std::string>* out) {
  if (e == nullptr) return;
  for (const auto& a : e->args) RelationsOf(a.get(), out);
  RelationsOf(e->else_expr.get(), out);
  RelationsOf(e->filter.get(), out);
  for (const auto& a : e->agg_order) RelationsOf(a.get(), out);
  if (e->subquery) RelationsOf(*e->subquery, out);
}

// The names of the relations a query reads, in FROM anywhere inside it (the
// names of its WITH queries may show up too: they only make a dependency
// look wider than it is).
void RelationsOf(const ast::Select& s, std::set<std::string>* out) {
  for (const auto& ref : s.from) {
    if (ref.subquery) {
      RelationsOf(*ref.subquery, out);
    } else if (!ref.names.empty() && !ref.function && ref.recursive_cte == nullptr) {
      out->insert(ref.names.back());
    }
    RelationsOf(ref.function.get(), out);
    RelationsOf(ref.on.get(), out);
  }
  for (const auto& i : s.items) RelationsOf(i.expr.get(), out);
  RelationsOf(s.where.get(), out);
  RelationsOf(s.having.get(), out);
  for (const auto& g : s.group_by) RelationsOf(g.get(), out);
  for (const auto& o : s.order_by) RelationsOf(o.expr.get(), out);
  for (const auto& row : s.values) {
    for (const auto& v : row) RelationsOf(v.get(), out);
  }
  for (const auto& w : s.with) RelationsOf(*w, out);
  if (s.set_left) RelationsOf(*s.set_left, out);
  if (s.set_right) RelationsOf(*s.set_right, out);
}

}  // namespace

void DependentViews(const Catalog& catalog, const std::string& relation, bool is_table,
                    std::vector<std::string>* views, std::string* detail) {
  for (const auto& v : ViewsReading(catalog, relation)) {
    if (std::find(views->begin(), views->end(), v->name) != views->end()) continue;
    *detail += (detail->empty() ? "" : "\n") + ("view " + v->name + " depends on " +
                                               (is_table ? "table " : "view ") + relation);
    views->push_back(v->name);
    DependentViews(catalog, v->name, false, views, detail);
  }
}

std::vector<std::shared_ptr<const Table>> ViewsReading(const Catalog& catalog, const std::string& relation) {
  std::vector<std::shared_ptr<const Table>> out;
  for (const auto& t : catalog.Tables()) {
    if (!t->IsView() || t->name == relation) continue;
    auto parsed = ParsePostgres(t->view_sql);
    if (!parsed.ok() || parsed->empty() || !(*parsed)[0].select) continue;
    std::set<std::string> names;
    RelationsOf(*(*parsed)[0].select, &names);
    if (names.count(relation)) out.push_back(t);
  }
  return out;
}

}  // namespace lumadb::engine::sql

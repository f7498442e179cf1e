#include "engine/sql/parser/pg_parser.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <cctype>
#include <cstdlib>
#include <string>

#include "engine/sql/types/numeric.h"

namespace lumadb::engine::sql {
namespace {

using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;

// A statement node as SQL text, printed by libpg_query's deparser; empty
// when it cannot print it.
std::string DeparseStatement(const PgQuery__Node* n) {
  PgQuery__RawStmt raw = PG_QUERY__RAW_STMT__INIT;
  raw.stmt = const_cast<PgQuery__Node*>(n);
  PgQuery__RawStmt* stmts[1] = {&raw};
  PgQuery__ParseResult result = PG_QUERY__PARSE_RESULT__INIT;
  result.n_stmts = 1;
  result.stmts = stmts;
  std::string packed(pg_query__parse_result__get_packed_size(&result), '\0');
  pg_query__parse_result__pack(&result, reinterpret_cast<uint8_t*>(packed.data()));
  PgQueryDeparseResult d = pg_query_deparse_protobuf(PgQueryProtobuf{packed.size(), packed.data()});
  std::string out = d.error == nullptr && d.query != nullptr ? d.query : "";
  pg_query_free_deparse_result(d);
  return out;
}

// The expression `n` as SQL text, printed by libpg_query's deparser from a
// `SELECT <n>` around it; empty when it cannot print it.
std::string DeparseExpr(const PgQuery__Node* n) {
  if (n == nullptr) return std::string();
  PgQuery__ResTarget target = PG_QUERY__RES_TARGET__INIT;
  target.val = const_cast<PgQuery__Node*>(n);
  PgQuery__Node target_node = PG_QUERY__NODE__INIT;
  target_node.node_case = PG_QUERY__NODE__NODE_RES_TARGET;
  target_node.res_target = &target;
  PgQuery__Node* targets[1] = {&target_node};
  PgQuery__SelectStmt select = PG_QUERY__SELECT_STMT__INIT;
  select.n_target_list = 1;
  select.target_list = targets;
  select.limit_option = PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_DEFAULT;
  select.op = PG_QUERY__SET_OPERATION__SETOP_NONE;
  PgQuery__Node stmt_node = PG_QUERY__NODE__INIT;
  stmt_node.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
  stmt_node.select_stmt = &select;
  std::string out = DeparseStatement(&stmt_node);
  constexpr std::string_view kSelect = "SELECT ";
  if (out.compare(0, kSelect.size(), kSelect) != 0) return std::string();
  return out.substr(kSelect.size());
}

// Converts libpg_query's tree into ast::. The first unsupported construct
// sets err_; conversion then stops producing anything useful, and the caller
// returns err_.
class Converter {
 public:
  explicit Converter(std::string_view sql) : sql_(sql) {}

  bool failed() const { return failed_; }
  SqlError TakeError() { return std::move(err_); }

  void Unsupported(const std::string& what, int location) {
    if (failed_) return;
    failed_ = true;
    err_ = MakeError(sqlstate::kFeatureNotSupported, what + " is not supported by LumaDB yet",
                     Position(location));
  }
  void Fail(SqlError e) {
    if (failed_) return;
    failed_ = true;
    err_ = std::move(e);
  }
  // Byte offset -> 1-based character position (PostgreSQL counts characters).
  int Position(int offset) const { return CharPosition(sql_, offset); }

  static std::string Str(const PgQuery__Node* n) {
    if (n != nullptr && n->node_case == PG_QUERY__NODE__NODE_STRING) return n->string->sval;
    return std::string();
  }

  ExprPtr Make(ExprKind kind, int location) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->location = location;
    return e;
  }

  bool TypeRefOf(const PgQuery__TypeName* t, ast::TypeRef* out) {
    if (t == nullptr) return false;
    out->location = t->location;
    for (size_t i = 0; i < t->n_names; i++) out->names.push_back(Str(t->names[i]));
    out->array = t->n_array_bounds > 0;
    for (size_t i = 0; i < t->n_typmods; i++) {
      const PgQuery__Node* m = t->typmods[i];
      if (m->node_case == PG_QUERY__NODE__NODE_A_CONST && m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
        out->mods.push_back(m->a_const->ival->ival);
      } else {
        Unsupported("this type modifier", t->location);
        return false;
      }
    }
    return true;
  }

  ExprPtr Const(const PgQuery__AConst* c) {
    auto e = Make(ExprKind::kConst, c->location);
    if (c->isnull) {
      e->value = Value::Null();
      return e;
    }
    switch (c->val_case) {
      case PG_QUERY__A__CONST__VAL_IVAL:
        e->value = Value::Int(TypeId::kInt4, c->ival->ival);
        return e;
      case PG_QUERY__A__CONST__VAL_FVAL: {
        // Integers too large for int4 arrive as "Float" text: int8 when they fit.
        std::string s = c->fval->fval;
        bool integral = !s.empty() && s.find_first_not_of("-0123456789") == std::string::npos;
        if (integral) {
          errno = 0;
          char* end = nullptr;
          long long v = strtoll(s.c_str(), &end, 10);
          if (errno == 0 && *end == 0) {
            e->value = Value::Int(TypeId::kInt8, v);
            return e;
          }
        }
        // Decimal literals (and integers too large for bigint) are numeric;
        // past numeric's 38 digits here they stay double precision.
        auto d = numeric::Parse(s);
        if (d.ok()) {
          e->value = Value::String(Type::Of(TypeId::kNumeric), numeric::ToString(d.value()));
          return e;
        }
        e->value = Value::Float(TypeId::kFloat8, strtod(s.c_str(), nullptr));
        e->op = s;  // the literal's text, for casts to text
        return e;
      }
      case PG_QUERY__A__CONST__VAL_BOOLVAL:
        e->value = Value::Bool(c->boolval->boolval);
        return e;
      case PG_QUERY__A__CONST__VAL_SVAL:
        e->value = Value::String(Type::Of(TypeId::kUnknown), c->sval->sval);
        return e;
      default:
        Unsupported("bit string literals", c->location);
        return nullptr;
    }
  }

  std::vector<ExprPtr> ExprList(PgQuery__Node** nodes, size_t n) {
    std::vector<ExprPtr> out;
    for (size_t i = 0; i < n && !failed_; i++) out.push_back(Convert(nodes[i]));
    return out;
  }

  ExprPtr Convert(const PgQuery__Node* n) {
    if (failed_ || n == nullptr) return nullptr;
    switch (n->node_case) {
      case PG_QUERY__NODE__NODE_A_CONST:
        return Const(n->a_const);
      case PG_QUERY__NODE__NODE_COLUMN_REF: {
        const PgQuery__ColumnRef* c = n->column_ref;
        bool star = c->n_fields > 0 && c->fields[c->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR;
        auto e = Make(star ? ExprKind::kStar : ExprKind::kColumn, c->location);
        for (size_t i = 0; i + (star ? 1 : 0) < c->n_fields; i++) e->names.push_back(Str(c->fields[i]));
        return e;
      }
      case PG_QUERY__NODE__NODE_PARAM_REF: {
        auto e = Make(ExprKind::kParam, n->param_ref->location);
        e->param = n->param_ref->number;
        return e;
      }
      case PG_QUERY__NODE__NODE_A_EXPR:
        return AExpr(n->a_expr);
      case PG_QUERY__NODE__NODE_BOOL_EXPR: {
        const PgQuery__BoolExpr* b = n->bool_expr;
        if (b->boolop == PG_QUERY__BOOL_EXPR_TYPE__NOT_EXPR) {
          auto e = Make(ExprKind::kUnary, b->location);
          e->op = "NOT";
          e->args = ExprList(b->args, b->n_args);
          return e;
        }
        // AND/OR arrive flattened: fold into a left-deep chain.
        std::string op = b->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR ? "AND" : "OR";
        ExprPtr acc;
        for (size_t i = 0; i < b->n_args && !failed_; i++) {
          ExprPtr next = Convert(b->args[i]);
          if (!acc) {
            acc = std::move(next);
            continue;
          }
          auto e = Make(ExprKind::kBinary, b->location);
          e->op = op;
          e->args.push_back(std::move(acc));
          e->args.push_back(std::move(next));
          acc = std::move(e);
        }
        return acc;
      }
      case PG_QUERY__NODE__NODE_NULL_TEST: {
        auto e = Make(ExprKind::kIsNull, n->null_test->location);
        e->negated = n->null_test->nulltesttype == PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL;
        e->args.push_back(Convert(n->null_test->arg));
        return e;
      }
      case PG_QUERY__NODE__NODE_BOOLEAN_TEST: {
        const PgQuery__BooleanTest* t = n->boolean_test;
        auto e = Make(ExprKind::kIsBool, t->location);
        switch (t->booltesttype) {
          case PG_QUERY__BOOL_TEST_TYPE__IS_TRUE: e->op = "TRUE"; break;
          case PG_QUERY__BOOL_TEST_TYPE__IS_NOT_TRUE: e->op = "TRUE"; e->negated = true; break;
          case PG_QUERY__BOOL_TEST_TYPE__IS_FALSE: e->op = "FALSE"; break;
          case PG_QUERY__BOOL_TEST_TYPE__IS_NOT_FALSE: e->op = "FALSE"; e->negated = true; break;
          case PG_QUERY__BOOL_TEST_TYPE__IS_UNKNOWN: e->op = "UNKNOWN"; break;
          default: e->op = "UNKNOWN"; e->negated = true; break;
        }
        e->args.push_back(Convert(t->arg));
        return e;
      }
      case PG_QUERY__NODE__NODE_FUNC_CALL: {
        const PgQuery__FuncCall* f = n->func_call;
        auto e = Make(ExprKind::kFunc, f->location);
        e->within_group = f->agg_within_group;
        for (size_t i = 0; i < f->n_funcname; i++) e->names.push_back(Str(f->funcname[i]));
        e->star = f->agg_star;
        e->distinct = f->agg_distinct;
        for (size_t i = 0; i < f->n_args; i++) {
          const PgQuery__Node* a = f->args[i];
          if (a->node_case != PG_QUERY__NODE__NODE_NAMED_ARG_EXPR) continue;
          // name => value: the binder matches names to parameters.
          e->arg_names.resize(f->n_args);
          e->arg_names[i] = a->named_arg_expr->name;
        }
        for (size_t i = 0; i < f->n_args; i++) {
          const PgQuery__Node* a = f->args[i];
          e->args.push_back(Convert(a->node_case == PG_QUERY__NODE__NODE_NAMED_ARG_EXPR ? a->named_arg_expr->arg : a));
        }
        if (f->over != nullptr) e->over = Window(f->over);
        for (auto& o : SortItems(f->agg_order, f->n_agg_order)) {
          e->agg_order.push_back(std::move(o.expr));
          e->agg_order_desc.push_back(o.desc);
          e->agg_order_nulls_first.push_back(o.nulls_first);
        }
        e->filter = Convert(f->agg_filter);
        return e;
      }
      case PG_QUERY__NODE__NODE_GROUPING_FUNC: {
        // GROUPING(a, b): a function call the binder resolves against the grouping sets.
        auto e = Make(ExprKind::kFunc, n->grouping_func->location);
        e->names.push_back("grouping");
        e->args = ExprList(n->grouping_func->args, n->grouping_func->n_args);
        return e;
      }
      case PG_QUERY__NODE__NODE_SET_TO_DEFAULT:
        return Make(ExprKind::kDefault, n->set_to_default->location);
      case PG_QUERY__NODE__NODE_COLLATE_CLAUSE:
        // One collation (C / UTF-8 byte order) is all there is: COLLATE changes nothing.
        return Convert(n->collate_clause->arg);
      case PG_QUERY__NODE__NODE_TYPE_CAST: {
        auto e = Make(ExprKind::kCast, n->type_cast->location);
        e->args.push_back(Convert(n->type_cast->arg));
        if (!TypeRefOf(n->type_cast->type_name, &e->type)) return nullptr;
        return e;
      }
      case PG_QUERY__NODE__NODE_CASE_EXPR: {
        const PgQuery__CaseExpr* c = n->case_expr;
        auto e = Make(ExprKind::kCase, c->location);
        if (c->arg != nullptr) {
          e->has_operand = true;
          e->args.push_back(Convert(c->arg));
        }
        for (size_t i = 0; i < c->n_args && !failed_; i++) {
          const PgQuery__CaseWhen* w = c->args[i]->case_when;
          e->args.push_back(Convert(w->expr));
          e->args.push_back(Convert(w->result));
        }
        if (c->defresult != nullptr) e->else_expr = Convert(c->defresult);
        return e;
      }
      case PG_QUERY__NODE__NODE_COALESCE_EXPR: {
        auto e = Make(ExprKind::kCoalesce, n->coalesce_expr->location);
        e->args = ExprList(n->coalesce_expr->args, n->coalesce_expr->n_args);
        return e;
      }
      case PG_QUERY__NODE__NODE_MIN_MAX_EXPR: {
        auto e = Make(ExprKind::kMinMax, n->min_max_expr->location);
        e->op = n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? "GREATEST" : "LEAST";
        e->args = ExprList(n->min_max_expr->args, n->min_max_expr->n_args);
        return e;
      }
      case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: {
        // CURRENT_TIMESTAMP, CURRENT_USER, ...: functions named as PostgreSQL
        // names their output columns; a precision becomes the argument.
        const PgQuery__SQLValueFunction* f = n->sqlvalue_function;
        auto e = Make(ExprKind::kFunc, f->location);
        const char* name = "";
        switch (f->op) {
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE: name = "current_date"; break;
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME:
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME_N: name = "current_time"; break;
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP:
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N: name = "current_timestamp"; break;
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME:
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME_N: name = "localtime"; break;
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP:
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N: name = "localtimestamp"; break;
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE: name = "current_role"; break;
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER: name = "current_user"; break;
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER: name = "user"; break;
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER: name = "session_user"; break;
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG: name = "current_catalog"; break;
          case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA: name = "current_schema"; break;
          default: break;
        }
        e->names.push_back(name);
        if (f->typmod >= 0) {
          auto p = Make(ExprKind::kConst, f->location);
          p->value = Value::Int(TypeId::kInt4, f->typmod);
          e->args.push_back(std::move(p));
        }
        return e;
      }
      case PG_QUERY__NODE__NODE_A_ARRAY_EXPR: {
        auto e = Make(ExprKind::kArray, n->a_array_expr->location);
        for (auto& x : ExprList(n->a_array_expr->elements, n->a_array_expr->n_elements)) {
          if (x == nullptr) return nullptr;
          e->args.push_back(std::move(x));
        }
        return e;
      }
      case PG_QUERY__NODE__NODE_A_INDIRECTION: {
        const PgQuery__AIndirection* ind = n->a_indirection;
        ExprPtr base = Convert(ind->arg);
        if (base == nullptr) return nullptr;
        for (size_t i = 0; i < ind->n_indirection; i++) {
          const PgQuery__Node* step = ind->indirection[i];
          if (step->node_case != PG_QUERY__NODE__NODE_A_INDICES) {
            Unsupported("field selection", base->location);
            return nullptr;
          }
          const PgQuery__AIndices* idx = step->a_indices;
          auto e = Make(ExprKind::kSubscript, base->location);
          int loc = base->location;
          e->args.push_back(std::move(base));
          auto bound = [&](const PgQuery__Node* b) -> ExprPtr {
            if (b != nullptr) return Convert(b);
            auto null = Make(ExprKind::kConst, loc);
            null->value = Value::Null();
            return null;
          };
          // A single subscript is PostgreSQL's uidx; a slice has both.
          ExprPtr lower = bound(idx->is_slice ? idx->lidx : idx->uidx);
          if (lower == nullptr) return nullptr;
          e->args.push_back(std::move(lower));
          if (idx->is_slice) {
            e->op = ":";
            ExprPtr upper = bound(idx->uidx);
            if (upper == nullptr) return nullptr;
            e->args.push_back(std::move(upper));
          }
          base = std::move(e);
        }
        return base;
      }
      case PG_QUERY__NODE__NODE_SUB_LINK: {
        const PgQuery__SubLink* l = n->sub_link;
        if (l->subselect == nullptr || l->subselect->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
          Unsupported("this kind of subquery", l->location);
          return nullptr;
        }
        auto e = Make(ExprKind::kSubquery, l->location);
        switch (l->sub_link_type) {
          case PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK: e->op = "EXISTS"; break;
          case PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK: e->op = "SCALAR"; break;
          case PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK: e->op = "ARRAY"; break;
          case PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK:
          case PG_QUERY__SUB_LINK_TYPE__ALL_SUBLINK: {
            e->op = l->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK ? "ANY" : "ALL";
            std::string op = l->n_oper_name > 0 ? Str(l->oper_name[l->n_oper_name - 1]) : "=";
            if (op != "=" && op != "<>" && op != "<" && op != "<=" && op != ">" && op != ">=") {
              Unsupported("operator " + op + " with ANY/ALL", l->location);
              return nullptr;
            }
            e->names.push_back(op);
            if (l->testexpr == nullptr || l->testexpr->node_case == PG_QUERY__NODE__NODE_ROW_EXPR) {
              Unsupported("row comparison with a subquery", l->location);
              return nullptr;
            }
            ExprPtr test = Convert(l->testexpr);
            if (test == nullptr) return nullptr;
            e->args.push_back(std::move(test));
            break;
          }
          default:
            Unsupported("this kind of subquery", l->location);
            return nullptr;
        }
        auto sel = Select(l->subselect->select_stmt);
        if (sel == nullptr) return nullptr;
        e->subquery = std::shared_ptr<ast::Select>(std::move(sel));
        return e;
      }
      default:
        Unsupported("this kind of expression", -1);
        return nullptr;
    }
  }

  ExprPtr AExpr(const PgQuery__AExpr* a) {
    std::string op = a->n_name > 0 ? Str(a->name[a->n_name - 1]) : std::string();
    switch (a->kind) {
      case PG_QUERY__A__EXPR__KIND__AEXPR_OP: {
        if (a->lexpr == nullptr) {
          auto e = Make(ExprKind::kUnary, a->location);
          e->op = op;
          e->args.push_back(Convert(a->rexpr));
          return e;
        }
        if (op == "~" || op == "~*" || op == "!~" || op == "!~*") {
          // POSIX regular expression match: a LIKE-like node with op ~ or ~*.
          auto e = Make(ExprKind::kLike, a->location);
          e->negated = op[0] == '!';
          e->op = op.back() == '*' ? "~*" : "~";
          e->args.push_back(Convert(a->lexpr));
          e->args.push_back(Convert(a->rexpr));
          return e;
        }
        auto e = Make(ExprKind::kBinary, a->location);
        e->op = op == "!=" ? "<>" : op;
        e->args.push_back(Convert(a->lexpr));
        e->args.push_back(Convert(a->rexpr));
        return e;
      }
      case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:
      case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL: {
        if (op != "=" && op != "<>" && op != "!=" && op != "<" && op != "<=" && op != ">" && op != ">=") {
          Unsupported("operator " + op + " with ANY/ALL", a->location);
          return nullptr;
        }
        auto e = Make(ExprKind::kAnyAll, a->location);
        e->op = op == "!=" ? "<>" : op;
        e->names.push_back(a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY ? "ANY" : "ALL");
        e->args.push_back(Convert(a->lexpr));
        e->args.push_back(Convert(a->rexpr));
        if (e->args[0] == nullptr || e->args[1] == nullptr) return nullptr;
        return e;
      }
      case PG_QUERY__A__EXPR__KIND__AEXPR_IN: {
        auto e = Make(ExprKind::kIn, a->location);
        e->negated = op == "<>";
        e->args.push_back(Convert(a->lexpr));
        if (a->rexpr != nullptr && a->rexpr->node_case == PG_QUERY__NODE__NODE_LIST) {
          for (auto& x : ExprList(a->rexpr->list->items, a->rexpr->list->n_items)) e->args.push_back(std::move(x));
        }
        return e;
      }
      case PG_QUERY__A__EXPR__KIND__AEXPR_LIKE:
      case PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE: {
        auto e = Make(ExprKind::kLike, a->location);
        e->negated = op == "!~~" || op == "!~~*";
        e->op = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE ? "~~*" : "~~";
        e->args.push_back(Convert(a->lexpr));
        e->args.push_back(Convert(a->rexpr));
        return e;
      }
      case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
      case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN: {
        auto e = Make(ExprKind::kBetween, a->location);
        e->negated = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN;
        e->args.push_back(Convert(a->lexpr));
        if (a->rexpr != nullptr && a->rexpr->node_case == PG_QUERY__NODE__NODE_LIST) {
          for (auto& x : ExprList(a->rexpr->list->items, a->rexpr->list->n_items)) e->args.push_back(std::move(x));
        }
        return e;
      }
      case PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF: {
        auto e = Make(ExprKind::kNullIf, a->location);
        e->args.push_back(Convert(a->lexpr));
        e->args.push_back(Convert(a->rexpr));
        return e;
      }
      default:
        Unsupported("operator " + op + " in this form", a->location);
        return nullptr;
    }
  }

  ast::TableRef Table(const PgQuery__RangeVar* r) {
    ast::TableRef t;
    if (r == nullptr) return t;
    if (r->schemaname != nullptr && r->schemaname[0] != 0) t.names.push_back(r->schemaname);
    t.names.push_back(r->relname);
    if (r->alias != nullptr) t.alias = r->alias->aliasname;
    t.location = r->location;
    return t;
  }

  static std::vector<std::string> Names(PgQuery__Node** nodes, size_t n) {
    std::vector<std::string> out;
    for (size_t i = 0; i < n; i++) out.push_back(Str(nodes[i]));
    return out;
  }

  // A table, a WITH query's name or a subquery in FROM; false (with the
  // error set) for anything else.
  bool SimpleFrom(const PgQuery__Node* f, ast::TableRef* t) {
    if (f->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
      const PgQuery__RangeVar* r = f->range_var;
      *t = Table(r);
      bool bare = r->schemaname == nullptr || r->schemaname[0] == 0;
      for (auto level = ctes_.rbegin(); bare && level != ctes_.rend(); ++level) {
        for (auto& c : *level) {
          if (c.name != r->relname) continue;
          if (c.in_progress != nullptr) {
            // WITH RECURSIVE: the query refers to itself.
            c.self_references++;
            t->recursive_cte = c.in_progress;
            t->column_aliases = c.columns;
            if (t->alias.empty()) t->alias = c.name;
            return true;
          }
          t->subquery = c.select;
          t->column_aliases = c.columns;
          if (t->alias.empty()) t->alias = c.name;
          if (r->alias != nullptr && r->alias->n_colnames > 0) {
            t->column_aliases = Names(r->alias->colnames, r->alias->n_colnames);
          }
          return true;
        }
      }
      return true;
    }
    if (f->node_case == PG_QUERY__NODE__NODE_RANGE_SUBSELECT) {
      const PgQuery__RangeSubselect* r = f->range_subselect;
      t->lateral = r->lateral;
      if (r->alias == nullptr) {
        SqlError e = MakeError(sqlstate::kSyntaxError, "subquery in FROM must have an alias");
        e.hint = "For example, FROM (SELECT ...) [AS] foo.";
        Fail(std::move(e));
        return false;
      }
      if (r->subquery == nullptr || r->subquery->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
        Unsupported("this kind of subquery in FROM", -1);
        return false;
      }
      auto sel = Select(r->subquery->select_stmt);
      if (failed_) return false;
      t->subquery = std::shared_ptr<ast::Select>(std::move(sel));
      t->alias = r->alias->aliasname;
      t->names = {t->alias};
      t->column_aliases = Names(r->alias->colnames, r->alias->n_colnames);
      return true;
    }
    if (f->node_case == PG_QUERY__NODE__NODE_RANGE_FUNCTION) {
      const PgQuery__RangeFunction* r = f->range_function;
      // (LATERAL is implicit for functions: their arguments may read the FROM items before them.)
      if (r->is_rowsfrom || r->n_functions != 1 || r->n_coldeflist > 0) {
        Unsupported("this form of function in FROM", -1);
        return false;
      }
      const PgQuery__Node* item = r->functions[0];
      const PgQuery__Node* call = item->node_case == PG_QUERY__NODE__NODE_LIST && item->list->n_items > 0
                                      ? item->list->items[0]
                                      : nullptr;
      if (call == nullptr || call->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) {
        Unsupported("this kind of function in FROM", -1);
        return false;
      }
      ExprPtr fn = Convert(call);
      if (failed_ || fn == nullptr) return false;
      std::string name = fn->names.empty() ? "" : fn->names.back();
      t->names = {name};
      t->ordinality = r->ordinality;
      t->location = fn->location;
      if (r->alias != nullptr) {
        t->alias = r->alias->aliasname;
        t->column_aliases = Names(r->alias->colnames, r->alias->n_colnames);
      }
      t->function = std::shared_ptr<ast::Expr>(std::move(fn));
      return true;
    }
    Unsupported("this kind of FROM item", -1);
    return false;
  }

  // Appends a FROM item to the left-deep chain (see ast::JoinKind).
  // UPDATE ... FROM's and DELETE ... USING's items, as a SELECT's FROM.
  std::vector<ast::TableRef> FromList(PgQuery__Node** items, size_t n) {
    ast::Select holder;
    for (size_t i = 0; i < n && !failed_; i++) FromItem(items[i], ast::JoinKind::kCross, &holder);
    return std::move(holder.from);
  }

  void FromItem(const PgQuery__Node* f, ast::JoinKind kind, ast::Select* out) {
    if (failed_) return;
    if (f->node_case != PG_QUERY__NODE__NODE_JOIN_EXPR) {
      ast::TableRef t;
      if (!SimpleFrom(f, &t)) return;
      t.join = kind;
      out->from.push_back(std::move(t));
      return;
    }
    const PgQuery__JoinExpr* j = f->join_expr;
    if (j->join_using_alias != nullptr) {
      Unsupported("an alias for JOIN ... USING", -1);
      return;
    }
    if (j->alias != nullptr) {
      Unsupported("an alias for a JOIN", -1);
      return;
    }
    if (j->rarg == nullptr || j->rarg->node_case == PG_QUERY__NODE__NODE_JOIN_EXPR) {
      Unsupported("a parenthesized join on the right of JOIN", -1);
      return;
    }
    FromItem(j->larg, kind, out);
    if (failed_) return;
    ast::TableRef r;
    if (!SimpleFrom(j->rarg, &r)) return;
    switch (j->jointype) {
      case PG_QUERY__JOIN_TYPE__JOIN_INNER:
        r.join = j->quals == nullptr ? ast::JoinKind::kCross : ast::JoinKind::kInner;
        break;
      case PG_QUERY__JOIN_TYPE__JOIN_LEFT: r.join = ast::JoinKind::kLeft; break;
      case PG_QUERY__JOIN_TYPE__JOIN_RIGHT: r.join = ast::JoinKind::kRight; break;
      case PG_QUERY__JOIN_TYPE__JOIN_FULL: r.join = ast::JoinKind::kFull; break;
      default: Unsupported("this kind of JOIN", -1); return;
    }
    if (j->quals != nullptr) r.on = Convert(j->quals);
    for (size_t i = 0; i < j->n_using_clause; i++) r.using_columns.push_back(Str(j->using_clause[i]));
    r.natural = j->is_natural;
    if ((r.natural || !r.using_columns.empty()) && r.join == ast::JoinKind::kCross) r.join = ast::JoinKind::kInner;
    out->from.push_back(std::move(r));
  }

  // SET a = x, b = y (UPDATE, ON CONFLICT DO UPDATE).
  std::vector<ast::SetClause> SetClauses(PgQuery__Node** nodes, size_t n) {
    std::vector<ast::SetClause> out;
    for (size_t k = 0; k < n && !failed_; k++) {
      const PgQuery__ResTarget* rt = nodes[k]->res_target;
      bool element = rt->n_indirection == 1 && rt->indirection[0]->node_case == PG_QUERY__NODE__NODE_A_INDICES &&
                     !rt->indirection[0]->a_indices->is_slice && rt->indirection[0]->a_indices->uidx != nullptr;
      if (rt->n_indirection > 0 && !element) {
        Unsupported("assignment to a field, a slice or a nested element", rt->location);
        break;
      }
      ast::SetClause sc;
      sc.column = rt->name;
      sc.location = rt->location;
      sc.value = Convert(rt->val);
      if (element) {
        // SET a[i] = v: SET a = array_set(a, i, v) (an array element or a jsonb member).
        auto call = Make(ExprKind::kFunc, rt->location);
        call->names = {"array_set"};
        auto col = Make(ExprKind::kColumn, rt->location);
        col->names = {rt->name};
        call->args.push_back(std::move(col));
        call->args.push_back(Convert(rt->indirection[0]->a_indices->uidx));
        call->args.push_back(std::move(sc.value));
        sc.value = std::move(call);
      }
      out.push_back(std::move(sc));
    }
    return out;
  }

  std::vector<ast::SelectItem> Targets(PgQuery__Node** nodes, size_t n) {
    std::vector<ast::SelectItem> out;
    for (size_t i = 0; i < n && !failed_; i++) {
      const PgQuery__ResTarget* rt = nodes[i]->res_target;
      ast::SelectItem item;
      item.expr = Convert(rt->val);
      if (rt->name != nullptr) item.alias = rt->name;
      out.push_back(std::move(item));
    }
    return out;
  }

  std::unique_ptr<ast::Select> Select(const PgQuery__SelectStmt* s) {
    auto out = std::make_unique<ast::Select>();
    // WITH queries: visible to later ones of the same clause and to this
    // query's FROM (an inner name hides an outer one and a table).
    struct PopCtes {
      std::vector<std::vector<Cte>>* stack;
      bool pushed = false;
      ~PopCtes() {
        if (pushed) stack->pop_back();
      }
    } pop{&ctes_};
    if (s->with_clause != nullptr) {
      const PgQuery__WithClause* w = s->with_clause;
      ctes_.emplace_back();
      pop.pushed = true;
      for (size_t i = 0; i < w->n_ctes && !failed_; i++) {
        const PgQuery__CommonTableExpr* c = w->ctes[i]->common_table_expr;
        if (c->ctequery == nullptr || c->ctequery->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
          Unsupported("WITH with INSERT, UPDATE or DELETE", c->location);
          return out;
        }
        for (const auto& other : ctes_.back()) {
          if (other.name == c->ctename) {
            Fail(MakeError("42712", "WITH query name \"" + other.name + "\" specified more than once",
                           Position(c->location)));
            return out;
          }
        }
        std::shared_ptr<ast::Select> sel;
        if (w->recursive) {
          // Visible to its own body while that is converted: a reference
          // there is to the previous iteration's rows.
          auto body = std::make_shared<ast::Select>();
          ctes_.back().push_back(Cte{c->ctename, nullptr, Names(c->aliascolnames, c->n_aliascolnames), body.get(), 0});
          std::unique_ptr<ast::Select> converted = Select(c->ctequery->select_stmt);
          if (failed_) return out;
          *body = std::move(*converted);
          Cte& self = ctes_.back().back();
          self.in_progress = nullptr;
          if (self.self_references > 0) {
            if (body->set_op != "UNION" || !body->set_left || !body->set_right) {
              Fail(MakeError("42P19", "recursive query \"" + self.name +
                                          "\" does not have the form non-recursive-term UNION [ALL] recursive-term",
                             Position(c->location)));
              return out;
            }
            if (!body->order_by.empty() || body->limit || body->offset) {
              Unsupported("ORDER BY, LIMIT or OFFSET in a recursive query", c->location);
              return out;
            }
            body->recursive = true;
            body->recursive_columns = self.columns;
          }
          sel = body;
          self.select = sel;
        } else {
          sel = std::shared_ptr<ast::Select>(Select(c->ctequery->select_stmt));
          if (failed_) return out;
          ctes_.back().push_back(Cte{c->ctename, sel, Names(c->aliascolnames, c->n_aliascolnames), nullptr, 0});
        }
        out->with.push_back(std::move(sel));
      }
    }
    if (s->into_clause != nullptr) {
      Unsupported("SELECT INTO", -1);
      return out;
    }
    if (s->op != PG_QUERY__SET_OPERATION__SETOP_NONE) {
      // a UNION|INTERSECT|EXCEPT [ALL] b [ORDER BY ...] [LIMIT ...]
      out->set_op = s->op == PG_QUERY__SET_OPERATION__SETOP_UNION       ? "UNION"
                    : s->op == PG_QUERY__SET_OPERATION__SETOP_INTERSECT ? "INTERSECT"
                                                                        : "EXCEPT";
      out->set_all = s->all;
      if (s->larg == nullptr || s->rarg == nullptr) {
        Unsupported("this set operation", -1);
        return out;
      }
      if (s->n_locking_clause > 0) {
        Fail(MakeError(sqlstate::kFeatureNotSupported,
                       "FOR UPDATE is not allowed with UNION/INTERSECT/EXCEPT"));
        return out;
      }
      out->set_left = std::shared_ptr<ast::Select>(Select(s->larg));
      if (failed_) return out;
      out->set_right = std::shared_ptr<ast::Select>(Select(s->rarg));
      if (failed_) return out;
      OrderAndLimit(s, out.get());
      return out;
    }
    if (s->n_locking_clause > 1) {
      Unsupported("several FOR UPDATE/FOR SHARE clauses", -1);
      return out;
    }
    if (s->n_locking_clause == 1) {
      const PgQuery__LockingClause* lc = s->locking_clause[0]->locking_clause;
      if (lc->n_locked_rels > 0) {
        Unsupported("FOR UPDATE OF", -1);
        return out;
      }
      out->row_lock_strength = lc->strength == PG_QUERY__LOCK_CLAUSE_STRENGTH__LCS_FORKEYSHARE     ? "FOR KEY SHARE"
                               : lc->strength == PG_QUERY__LOCK_CLAUSE_STRENGTH__LCS_FORSHARE    ? "FOR SHARE"
                               : lc->strength == PG_QUERY__LOCK_CLAUSE_STRENGTH__LCS_FORNOKEYUPDATE ? "FOR NO KEY UPDATE"
                                                                                                 : "FOR UPDATE";
      out->row_lock = lc->wait_policy == PG_QUERY__LOCK_WAIT_POLICY__LockWaitSkip    ? ast::RowLockWait::kSkipLocked
                      : lc->wait_policy == PG_QUERY__LOCK_WAIT_POLICY__LockWaitError ? ast::RowLockWait::kNoWait
                                                                                      : ast::RowLockWait::kBlock;
    }
    for (size_t i = 0; i < s->n_window_clause && !failed_; i++) {
      if (s->window_clause[i]->node_case == PG_QUERY__NODE__NODE_WINDOW_DEF) {
        out->windows.push_back(Window(s->window_clause[i]->window_def));
      }
    }
    for (size_t i = 0; i < s->n_values_lists && !failed_; i++) {
      const PgQuery__List* l = s->values_lists[i]->list;
      out->values.push_back(ExprList(l->items, l->n_items));
    }
    if (s->n_distinct_clause > 0) {
      // Plain DISTINCT is a list holding one NIL (an empty node in the
      // protobuf form); DISTINCT ON lists its expressions.
      const PgQuery__Node* first = s->distinct_clause[0];
      bool nil = first == nullptr || first->node_case == PG_QUERY__NODE__NODE__NOT_SET;
      if (s->n_distinct_clause > 1 || !nil) {
        out->distinct_on = ExprList(s->distinct_clause, s->n_distinct_clause);
      } else {
        out->distinct = true;
      }
    }
    out->items = Targets(s->target_list, s->n_target_list);
    for (size_t i = 0; i < s->n_from_clause && !failed_; i++) {
      FromItem(s->from_clause[i], ast::JoinKind::kCross, out.get());
    }
    if (failed_) return out;
    out->where = Convert(s->where_clause);
    GroupBy(s->group_clause, s->n_group_clause, out.get());
    out->having = Convert(s->having_clause);
    OrderAndLimit(s, out.get());
    return out;
  }

  // GROUP BY: its items, and with ROLLUP, CUBE or GROUPING SETS the sets
  // (the cross product of each item's sets, as PostgreSQL expands them).
  using Sets = std::vector<std::vector<int>>;
  void GroupBy(PgQuery__Node** items, size_t n, ast::Select* out) {
    std::vector<Sets> per_item;
    bool any = false;
    for (size_t i = 0; i < n && !failed_; i++) {
      if (items[i]->node_case == PG_QUERY__NODE__NODE_GROUPING_SET) {
        any = true;
        per_item.push_back(GroupingSets(items[i]->grouping_set, out));
      } else {
        per_item.push_back({{GroupItem(items[i], out)}});
      }
    }
    if (!any || failed_) return;
    Sets sets = {{}};
    for (const Sets& item : per_item) {
      Sets next;
      for (const auto& s : sets) {
        for (const auto& t : item) {
          auto u = s;
          u.insert(u.end(), t.begin(), t.end());
          next.push_back(std::move(u));
        }
      }
      sets = std::move(next);
    }
    if (sets.size() > 4096) {
      Unsupported("more than 4096 grouping sets", -1);
      return;
    }
    out->grouping_sets = std::move(sets);
  }

  int GroupItem(const PgQuery__Node* n, ast::Select* out) {
    out->group_by.push_back(Convert(n));
    return static_cast<int>(out->group_by.size()) - 1;
  }

  // The group_by indexes of a ROLLUP/CUBE element: one expression or a
  // parenthesized list (a SIMPLE set).
  std::vector<int> GroupUnit(const PgQuery__Node* n, ast::Select* out) {
    if (n->node_case == PG_QUERY__NODE__NODE_GROUPING_SET &&
        n->grouping_set->kind == PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_SIMPLE) {
      std::vector<int> u;
      for (size_t i = 0; i < n->grouping_set->n_content; i++) u.push_back(GroupItem(n->grouping_set->content[i], out));
      return u;
    }
    if (n->node_case == PG_QUERY__NODE__NODE_ROW_EXPR) {
      std::vector<int> u;
      for (size_t i = 0; i < n->row_expr->n_args; i++) u.push_back(GroupItem(n->row_expr->args[i], out));
      return u;
    }
    return {GroupItem(n, out)};
  }

  Sets GroupingSets(const PgQuery__GroupingSet* g, ast::Select* out) {
    Sets sets;
    switch (g->kind) {
      case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_EMPTY: return {{}};
      case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_SIMPLE: {
        std::vector<int> s;
        for (size_t i = 0; i < g->n_content; i++) s.push_back(GroupItem(g->content[i], out));
        return {s};
      }
      case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_ROLLUP: {
        std::vector<std::vector<int>> units;
        for (size_t i = 0; i < g->n_content; i++) units.push_back(GroupUnit(g->content[i], out));
        for (size_t k = units.size() + 1; k-- > 0;) {
          std::vector<int> s;
          for (size_t u = 0; u < k; u++) s.insert(s.end(), units[u].begin(), units[u].end());
          sets.push_back(std::move(s));
        }
        return sets;
      }
      case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_CUBE: {
        std::vector<std::vector<int>> units;
        for (size_t i = 0; i < g->n_content; i++) units.push_back(GroupUnit(g->content[i], out));
        if (units.size() > 12) {
          Unsupported("CUBE of more than 12 elements", g->location);
          return {{}};
        }
        size_t k = units.size();
        for (size_t mask = (size_t{1} << k); mask-- > 0;) {
          std::vector<int> s;
          for (size_t u = 0; u < k; u++) {
            if (mask & (size_t{1} << (k - 1 - u))) s.insert(s.end(), units[u].begin(), units[u].end());
          }
          sets.push_back(std::move(s));
        }
        return sets;
      }
      case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_SETS:
        for (size_t i = 0; i < g->n_content; i++) {
          const PgQuery__Node* c = g->content[i];
          if (c->node_case == PG_QUERY__NODE__NODE_GROUPING_SET) {
            for (auto& s : GroupingSets(c->grouping_set, out)) sets.push_back(std::move(s));
          } else {
            sets.push_back(GroupUnit(c, out));
          }
        }
        return sets;
      default:
        Unsupported("this kind of grouping set", g->location);
        return {{}};
    }
  }

  // ORDER BY, LIMIT/OFFSET of a SELECT (or of a set operation).
  std::vector<ast::OrderItem> SortItems(PgQuery__Node** nodes, size_t n) {
    std::vector<ast::OrderItem> out;
    for (size_t i = 0; i < n && !failed_; i++) {
      const PgQuery__SortBy* sb = nodes[i]->sort_by;
      if (sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_USING) {
        Unsupported("ORDER BY ... USING", sb->location);
        break;
      }
      ast::OrderItem item;
      item.expr = Convert(sb->node);
      item.desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
      if (sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST) item.nulls_first = true;
      if (sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST) item.nulls_first = false;
      out.push_back(std::move(item));
    }
    return out;
  }

  std::shared_ptr<ast::WindowSpec> Window(const PgQuery__WindowDef* w) {
    auto spec = std::make_shared<ast::WindowSpec>();
    spec->name = w->name ? w->name : "";
    spec->refname = w->refname ? w->refname : "";
    spec->partition = ExprList(w->partition_clause, w->n_partition_clause);
    spec->order = SortItems(w->order_clause, w->n_order_clause);
    spec->frame_options = w->frame_options;
    spec->start_offset = Convert(w->start_offset);
    spec->end_offset = Convert(w->end_offset);
    spec->location = w->location;
    return spec;
  }

  void OrderAndLimit(const PgQuery__SelectStmt* s, ast::Select* out) {
    out->order_by = SortItems(s->sort_clause, s->n_sort_clause);
    if (failed_) return;
    if (s->limit_option == PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_WITH_TIES) {
      Unsupported("FETCH ... WITH TIES", -1);
      return;
    }
    out->limit = Convert(s->limit_count);
    out->offset = Convert(s->limit_offset);
  }

  ast::CheckDef Check(const PgQuery__Constraint* con, const std::string& column) {
    ast::CheckDef c;
    c.name = con->conname ? con->conname : "";
    c.column = column;
    c.location = con->location;
    c.expr = Convert(con->raw_expr);
    c.sql = DeparseExpr(con->raw_expr);
    if (c.sql.empty()) Unsupported("this CHECK expression", con->location);
    return c;
  }

  // A column definition; its UNIQUE and CHECK constraints go to `ct`.
  bool ColumnDefOf(const PgQuery__ColumnDef* cd, ast::CreateTable* ct, ast::ColumnDef* col) {
    col->name = cd->colname;
    col->location = cd->location;
    if (!TypeRefOf(cd->type_name, &col->type)) return false;
    col->not_null = cd->is_not_null;
    for (size_t k = 0; k < cd->n_constraints && !failed_; k++) {
      const PgQuery__Constraint* con = cd->constraints[k]->constraint;
      switch (con->contype) {
        case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: col->not_null = true; break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_NULL: break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY: col->primary_key = true; break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
          col->default_expr = Convert(con->raw_expr);
          col->default_sql = DeparseExpr(con->raw_expr);
          break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
          ct->checks.push_back(Check(con, col->name));
          break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
          ct->foreign_keys.push_back(ForeignKey(con, col->name));
          break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE:
        case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_NOT_DEFERRABLE:
        case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_IMMEDIATE:
          break;  // checked at once either way
        case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRED:
          Unsupported("INITIALLY DEFERRED foreign keys", con->location);
          break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
          if (con->n_options > 0) {
            Unsupported("sequence options of an identity column", con->location);
            break;
          }
          col->identity = con->generated_when != nullptr && con->generated_when[0] == 'a' ? 'a' : 'd';
          break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
          if (con->nulls_not_distinct) {
            Unsupported("NULLS NOT DISTINCT", con->location);
            break;
          }
          ct->uniques.push_back({con->conname ? con->conname : "", {col->name}, con->location});
          break;
        default:
          Unsupported("this column constraint", con->location);
          break;
      }
    }
    return !failed_;
  }

  // A FOREIGN KEY table constraint, or a column's REFERENCES (`column` set).
  ast::ForeignKeyDef ForeignKey(const PgQuery__Constraint* con, const std::string& column) {
    ast::ForeignKeyDef fk;
    fk.name = con->conname ? con->conname : "";
    fk.location = con->location;
    if (!column.empty()) fk.columns.push_back(column);
    for (size_t i = 0; i < con->n_fk_attrs; i++) fk.columns.push_back(Str(con->fk_attrs[i]));
    for (size_t i = 0; i < con->n_pk_attrs; i++) fk.ref_columns.push_back(Str(con->pk_attrs[i]));
    if (con->pktable != nullptr) fk.ref_table = Table(con->pktable);
    auto letter = [](const char* s) { return s != nullptr && s[0] != 0 ? s[0] : 'a'; };
    fk.on_update = letter(con->fk_upd_action);
    fk.on_delete = letter(con->fk_del_action);
    fk.match = con->fk_matchtype != nullptr && con->fk_matchtype[0] == 'f' ? 'f' : 's';
    if (con->fk_matchtype != nullptr && con->fk_matchtype[0] == 'p') {
      Unsupported("MATCH PARTIAL", con->location);
    } else if (con->initdeferred) {
      Unsupported("INITIALLY DEFERRED foreign keys", con->location);
    } else if (con->n_fk_del_set_cols > 0) {
      Unsupported("ON DELETE SET NULL|DEFAULT with a column list", con->location);
    }
    return fk;
  }

  void CreateTable(const PgQuery__CreateStmt* c, ast::Statement* st) {
    auto ct = std::make_unique<ast::CreateTable>();
    ct->table = Table(c->relation);
    ct->if_not_exists = c->if_not_exists;
    if (c->n_inh_relations > 0 || c->partspec != nullptr || c->of_typename != nullptr) {
      Unsupported("inheritance, partitioning and typed tables", -1);
    }
    for (size_t i = 0; i < c->n_table_elts && !failed_; i++) {
      const PgQuery__Node* el = c->table_elts[i];
      if (el->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
        ast::ColumnDef col;
        if (!ColumnDefOf(el->column_def, ct.get(), &col)) return;
        ct->columns.push_back(std::move(col));
      } else if (el->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
        const PgQuery__Constraint* con = el->constraint;
        if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE && !con->nulls_not_distinct &&
            con->n_including == 0) {
          ast::CreateTable::Unique u{con->conname ? con->conname : "", {}, con->location};
          for (size_t k = 0; k < con->n_keys; k++) u.columns.push_back(Str(con->keys[k]));
          ct->uniques.push_back(std::move(u));
          continue;
        }
        if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
          ct->checks.push_back(Check(con, ""));
          continue;
        }
        if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
          ct->foreign_keys.push_back(ForeignKey(con, ""));
          continue;
        }
        if (con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) {
          Unsupported("this table constraint", con->location);
          return;
        }
        for (size_t k = 0; k < con->n_keys; k++) ct->primary_key.push_back(Str(con->keys[k]));
        ct->primary_key_location = con->location;
      } else {
        Unsupported("LIKE in CREATE TABLE", -1);
      }
    }
    st->kind = ast::StatementKind::kCreateTable;
    st->create_table = std::move(ct);
  }

  // A DefElem's argument as text (String, Integer, Float or Boolean nodes),
  // as PostgreSQL's defGetString reads it; nullopt for none.
  static std::optional<std::string> DefText(const PgQuery__DefElem* d) {
    const PgQuery__Node* a = d->arg;
    if (a == nullptr) return std::nullopt;
    switch (a->node_case) {
      case PG_QUERY__NODE__NODE_STRING: return std::string(a->string->sval);
      case PG_QUERY__NODE__NODE_INTEGER: return std::to_string(a->integer->ival);
      case PG_QUERY__NODE__NODE_FLOAT: return std::string(a->float_->fval);
      case PG_QUERY__NODE__NODE_BOOLEAN: return std::string(a->boolean->boolval ? "true" : "false");
      default: return std::string();
    }
  }

  // defGetBoolean: no argument is true; true/false/on/off/1/0.
  bool DefBool(const PgQuery__DefElem* d) {
    auto t = DefText(d);
    if (!t) return true;
    std::string v = *t;
    for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v == "true" || v == "on" || v == "1") return true;
    if (v == "false" || v == "off" || v == "0") return false;
    Fail(MakeError(sqlstate::kSyntaxError, std::string(d->defname) + " requires a Boolean value", Position(d->location)));
    return false;
  }

  std::vector<std::string> DefColumns(const PgQuery__DefElem* d, bool* all) {
    std::vector<std::string> out;
    if (d->arg == nullptr) return out;
    if (d->arg->node_case == PG_QUERY__NODE__NODE_A_STAR) {
      *all = true;
    } else if (d->arg->node_case == PG_QUERY__NODE__NODE_LIST) {
      for (size_t k = 0; k < d->arg->list->n_items; k++) out.push_back(Str(d->arg->list->items[k]));
    }
    return out;
  }

  void Copy(const PgQuery__CopyStmt* c, ast::Statement* st) {
    auto copy = std::make_unique<ast::Copy>();
    copy->from = c->is_from;
    if (c->relation != nullptr) {
      copy->table = Table(c->relation);
      copy->location = c->relation->location;
    }
    for (size_t k = 0; k < c->n_attlist; k++) copy->columns.push_back(Str(c->attlist[k]));
    if (c->query != nullptr) {
      if (c->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
        Unsupported("COPY of a statement other than SELECT", -1);
        return;
      }
      copy->query = Select(c->query->select_stmt);
    }
    if (c->where_clause != nullptr) {
      Unsupported("COPY FROM ... WHERE", -1);
      return;
    }
    if (c->is_program || (c->filename != nullptr && c->filename[0] != 0)) {
      copy->file = c->filename != nullptr ? c->filename : "";
    }
    for (size_t k = 0; k < c->n_options && !failed_; k++) {
      const PgQuery__DefElem* d = c->options[k]->def_elem;
      std::string name = d->defname;
      bool all = false;
      if (name == "format") {
        copy->format = DefText(d).value_or("");
        if (copy->format != "text" && copy->format != "csv" && copy->format != "binary") {
          Fail(MakeError(sqlstate::kInvalidParameterValue, "COPY format \"" + copy->format + "\" not recognized",
                         Position(d->location)));
        }
      } else if (name == "delimiter") {
        copy->delimiter = DefText(d).value_or("");
      } else if (name == "null") {
        copy->null_string = DefText(d).value_or("");
      } else if (name == "quote") {
        copy->quote = DefText(d).value_or("");
      } else if (name == "escape") {
        copy->escape = DefText(d).value_or("");
      } else if (name == "header") {
        auto t = DefText(d);
        if (t && (*t == "match" || *t == "MATCH")) {
          Unsupported("HEADER MATCH", d->location);
        } else {
          copy->header = DefBool(d);
        }
      } else if (name == "freeze") {
        DefBool(d);  // rows are visible to everyone once committed either way
      } else if (name == "encoding") {
        std::string enc = DefText(d).value_or("");
        for (auto& ch : enc) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (enc != "utf8" && enc != "utf-8" && enc != "sql_ascii") Unsupported("COPY ENCODING " + enc, d->location);
      } else if (name == "force_quote") {
        copy->force_quote = DefColumns(d, &all);
        copy->force_quote_all = all;
      } else if (name == "force_not_null") {
        copy->force_not_null = DefColumns(d, &all);
      } else if (name == "force_null") {
        copy->force_null = DefColumns(d, &all);
      } else {
        Fail(MakeError(sqlstate::kSyntaxError, "option \"" + name + "\" not recognized", Position(d->location)));
      }
    }
    st->kind = ast::StatementKind::kCopy;
    st->copy = std::move(copy);
  }

  void AlterTable(const PgQuery__AlterTableStmt* a, ast::Statement* st) {
    if (a->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
      Unsupported("ALTER of this kind of object", -1);
      return;
    }
    using Kind = ast::AlterTable::Action::Kind;
    auto alter = std::make_unique<ast::AlterTable>();
    alter->table = Table(a->relation);
    alter->if_exists = a->missing_ok;
    for (size_t k = 0; k < a->n_cmds && !failed_; k++) {
      const PgQuery__AlterTableCmd* cmd = a->cmds[k]->alter_table_cmd;
      ast::AlterTable::Action action;
      action.name = cmd->name ? cmd->name : "";
      action.if_exists = cmd->missing_ok;
      action.cascade = cmd->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
      switch (cmd->subtype) {
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
          action.kind = Kind::kAddColumn;
          if (cmd->def == nullptr || cmd->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) {
            Unsupported("this form of ADD COLUMN", -1);
            break;
          }
          action.location = cmd->def->column_def->location;
          ColumnDefOf(cmd->def->column_def, &action.constraints, &action.column);
          if (action.column.primary_key) action.constraints.primary_key_location = action.location;
          break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn: action.kind = Kind::kDropColumn; break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
          action.kind = Kind::kSetDefault;
          if (cmd->def != nullptr) {
            action.column.default_expr = Convert(cmd->def);
            action.column.default_sql = DeparseExpr(cmd->def);
          }
          break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull: action.kind = Kind::kSetNotNull; break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull: action.kind = Kind::kDropNotNull; break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
          action.kind = Kind::kSetType;
          const PgQuery__ColumnDef* cd =
              cmd->def != nullptr && cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF ? cmd->def->column_def
                                                                                             : nullptr;
          if (cd == nullptr || !TypeRefOf(cd->type_name, &action.column.type)) {
            Unsupported("this form of ALTER COLUMN TYPE", -1);
            break;
          }
          action.location = cd->type_name->location;
          if (cd->raw_default != nullptr) action.using_expr = Convert(cd->raw_default);
          break;
        }
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint: {
          const PgQuery__Constraint* con = cmd->def != nullptr && cmd->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
                                               ? cmd->def->constraint
                                               : nullptr;
          if (con == nullptr) {
            Unsupported("this form of ADD CONSTRAINT", -1);
            break;
          }
          action.location = con->location;
          action.name = con->conname ? con->conname : "";
          if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
              (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE && !con->nulls_not_distinct &&
               con->n_including == 0)) {
            action.kind = con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ? Kind::kAddPrimaryKey
                                                                                : Kind::kAddUnique;
            for (size_t i = 0; i < con->n_keys; i++) action.columns.push_back(Str(con->keys[i]));
          } else if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
            action.kind = Kind::kAddCheck;
            action.check = Check(con, "");
          } else if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
            action.kind = Kind::kAddForeignKey;
            action.foreign_key = ForeignKey(con, "");
          } else {
            Unsupported("this kind of constraint in ALTER TABLE", con->location);
          }
          break;
        }
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint: action.kind = Kind::kDropConstraint; break;
        default: Unsupported("this form of ALTER TABLE", -1); break;
      }
      alter->actions.push_back(std::move(action));
    }
    st->kind = ast::StatementKind::kAlterTable;
    st->alter_table = std::move(alter);
  }

  // ALTER TABLE ... RENAME [COLUMN] a TO b | RENAME TO b | RENAME CONSTRAINT a TO b.
  void Rename(const PgQuery__RenameStmt* r, ast::Statement* st) {
    using Kind = ast::AlterTable::Action::Kind;
    ast::AlterTable::Action action;
    switch (r->rename_type) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: action.kind = Kind::kRenameTable; break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: action.kind = Kind::kRenameColumn; break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: action.kind = Kind::kRenameConstraint; break;
      default: Unsupported("ALTER ... RENAME of this kind of object", -1); return;
    }
    if (r->relation == nullptr || (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN &&
                                   r->relation_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)) {
      Unsupported("ALTER ... RENAME of this kind of object", -1);
      return;
    }
    action.name = r->subname ? r->subname : "";
    action.new_name = r->newname ? r->newname : "";
    auto alter = std::make_unique<ast::AlterTable>();
    alter->table = Table(r->relation);
    alter->if_exists = r->missing_ok;
    alter->actions.push_back(std::move(action));
    st->kind = ast::StatementKind::kAlterTable;
    st->alter_table = std::move(alter);
  }

  void Statement(const PgQuery__Node* n, ast::Statement* st) {
    switch (n->node_case) {
      case PG_QUERY__NODE__NODE_SELECT_STMT:
        st->kind = ast::StatementKind::kSelect;
        st->select = Select(n->select_stmt);
        return;
      case PG_QUERY__NODE__NODE_CREATE_STMT:
        CreateTable(n->create_stmt, st);
        return;
      case PG_QUERY__NODE__NODE_DROP_STMT: {
        const PgQuery__DropStmt* d = n->drop_stmt;
        if (d->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE &&
            d->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_INDEX &&
            d->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_VIEW &&
            d->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE &&
            d->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TYPE) {
          Unsupported("DROP of this kind of object", -1);
          return;
        }
        auto drop = std::make_unique<ast::Drop>();
        if (d->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) drop->kind = ast::Drop::Kind::kIndex;
        if (d->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW) drop->kind = ast::Drop::Kind::kView;
        if (d->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE) drop->kind = ast::Drop::Kind::kSequence;
        if (d->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE) drop->kind = ast::Drop::Kind::kType;
        drop->if_exists = d->missing_ok;
        drop->cascade = d->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
        for (size_t i = 0; i < d->n_objects; i++) {
          ast::TableRef t;
          const PgQuery__Node* o = d->objects[i];
          if (o->node_case == PG_QUERY__NODE__NODE_LIST) {
            for (size_t k = 0; k < o->list->n_items; k++) t.names.push_back(Str(o->list->items[k]));
          } else if (o->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
            for (size_t k = 0; k < o->type_name->n_names; k++) t.names.push_back(Str(o->type_name->names[k]));
          }
          drop->objects.push_back(std::move(t));
        }
        st->kind = ast::StatementKind::kDrop;
        st->drop = std::move(drop);
        return;
      }
      case PG_QUERY__NODE__NODE_INSERT_STMT: {
        const PgQuery__InsertStmt* i = n->insert_stmt;
        if (i->with_clause != nullptr) {
          Unsupported("WITH", -1);
          return;
        }
        auto ins = std::make_unique<ast::Insert>();
        if (const PgQuery__OnConflictClause* oc = i->on_conflict_clause) {
          auto conflict = std::make_unique<ast::OnConflict>();
          conflict->update = oc->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE;
          conflict->location = oc->location;
          if (oc->infer != nullptr) {
            if (oc->infer->where_clause != nullptr) {
              Unsupported("ON CONFLICT with a WHERE on its target", oc->infer->location);
              return;
            }
            if (oc->infer->conname != nullptr) conflict->constraint = oc->infer->conname;
            for (size_t k = 0; k < oc->infer->n_index_elems; k++) {
              const PgQuery__Node* el = oc->infer->index_elems[k];
              if (el->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM || el->index_elem->name == nullptr ||
                  el->index_elem->name[0] == 0) {
                Unsupported("an expression as ON CONFLICT target", oc->infer->location);
                return;
              }
              conflict->columns.push_back(el->index_elem->name);
            }
          }
          conflict->sets = SetClauses(oc->target_list, oc->n_target_list);
          if (failed_) return;
          conflict->where = Convert(oc->where_clause);
          ins->on_conflict = std::move(conflict);
        }
        ins->table = Table(i->relation);
        for (size_t k = 0; k < i->n_cols; k++) {
          ins->columns.push_back(i->cols[k]->res_target->name);
          ins->column_locations.push_back(i->cols[k]->res_target->location);
        }
        if (i->select_stmt != nullptr) ins->source = Select(i->select_stmt->select_stmt);
        ins->returning = Targets(i->returning_list, i->n_returning_list);
        st->kind = ast::StatementKind::kInsert;
        st->insert = std::move(ins);
        return;
      }
      case PG_QUERY__NODE__NODE_UPDATE_STMT: {
        const PgQuery__UpdateStmt* u = n->update_stmt;
        if (u->with_clause != nullptr) {
          Unsupported("WITH", -1);
          return;
        }
        auto up = std::make_unique<ast::Update>();
        up->table = Table(u->relation);
        up->sets = SetClauses(u->target_list, u->n_target_list);
        up->from = FromList(u->from_clause, u->n_from_clause);
        if (failed_) return;
        up->where = Convert(u->where_clause);
        up->returning = Targets(u->returning_list, u->n_returning_list);
        st->kind = ast::StatementKind::kUpdate;
        st->update = std::move(up);
        return;
      }
      case PG_QUERY__NODE__NODE_DELETE_STMT: {
        const PgQuery__DeleteStmt* d = n->delete_stmt;
        if (d->with_clause != nullptr) {
          Unsupported("WITH", -1);
          return;
        }
        auto del = std::make_unique<ast::Delete>();
        del->table = Table(d->relation);
        del->from = FromList(d->using_clause, d->n_using_clause);
        if (failed_) return;
        del->where = Convert(d->where_clause);
        del->returning = Targets(d->returning_list, d->n_returning_list);
        st->kind = ast::StatementKind::kDelete;
        st->del = std::move(del);
        return;
      }
      case PG_QUERY__NODE__NODE_TRANSACTION_STMT: {
        const PgQuery__TransactionStmt* t = n->transaction_stmt;
        auto tx = std::make_unique<ast::Transaction>();
        switch (t->kind) {
          case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
          case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
            tx->kind = ast::Transaction::Kind::kBegin;
            break;
          case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
            tx->kind = ast::Transaction::Kind::kCommit;
            break;
          case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
            tx->kind = ast::Transaction::Kind::kRollback;
            break;
          case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT:
            tx->kind = ast::Transaction::Kind::kSavepoint;
            break;
          case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE:
            tx->kind = ast::Transaction::Kind::kRelease;
            break;
          case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO:
            tx->kind = ast::Transaction::Kind::kRollbackTo;
            break;
          default:
            Unsupported("prepared transactions", -1);
            return;
        }
        for (size_t k = 0; k < t->n_options; k++) {
          const PgQuery__DefElem* d = t->options[k]->def_elem;
          std::string name = d->defname;
          if (name == "transaction_isolation" && d->arg != nullptr &&
              d->arg->node_case == PG_QUERY__NODE__NODE_A_CONST &&
              d->arg->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL) {
            tx->isolation = d->arg->a_const->sval->sval;
          } else if (name == "transaction_read_only" && d->arg != nullptr &&
                     d->arg->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                     d->arg->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
            tx->read_only = d->arg->a_const->ival->ival != 0;
          }
        }
        if (t->savepoint_name != nullptr) tx->savepoint = t->savepoint_name;
        st->kind = ast::StatementKind::kTransaction;
        st->transaction = std::move(tx);
        return;
      }
      case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT: {
        const PgQuery__VariableSetStmt* v = n->variable_set_stmt;
        auto set = std::make_unique<ast::SetVariable>();
        set->name = v->name != nullptr ? v->name : "";
        set->local = v->is_local;
        switch (v->kind) {
          case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE:
            for (size_t k = 0; k < v->n_args; k++) {
              const PgQuery__Node* a = v->args[k];
              if (a->node_case != PG_QUERY__NODE__NODE_A_CONST) continue;
              const PgQuery__AConst* c = a->a_const;
              if (c->val_case == PG_QUERY__A__CONST__VAL_SVAL) set->values.push_back(c->sval->sval);
              if (c->val_case == PG_QUERY__A__CONST__VAL_IVAL) set->values.push_back(std::to_string(c->ival->ival));
              if (c->val_case == PG_QUERY__A__CONST__VAL_FVAL) set->values.push_back(c->fval->fval);
              if (c->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL) {
                set->values.push_back(c->boolval->boolval ? "on" : "off");
              }
            }
            break;
          case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
          case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET:
            set->reset = true;
            break;
          case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL:
            set->reset = true;
            set->name = "all";
            break;
          case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_MULTI: {
            // SET TRANSACTION ... / SET SESSION CHARACTERISTICS AS TRANSACTION ...:
            // the settings transaction_isolation / default_transaction_isolation
            // (and _read_only) they stand for.
            std::string prefix = std::string(v->name) == "TRANSACTION" ? "" : "default_";
            set->name = v->name;
            for (size_t k = 0; k < v->n_args; k++) {
              const PgQuery__Node* a = v->args[k];
              if (a->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
              const PgQuery__DefElem* d = a->def_elem;
              std::string opt = d->defname;
              const PgQuery__Node* arg = d->arg;
              if (opt == "transaction_isolation" && arg != nullptr && arg->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                  arg->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL) {
                set->name = prefix + opt;
                set->values = {arg->a_const->sval->sval};
                break;  // the isolation level is what LumaDB acts on
              }
              if (opt == "transaction_read_only" && arg != nullptr && arg->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                  arg->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
                set->name = prefix + opt;
                set->values = {arg->a_const->ival->ival ? "on" : "off"};
              }
            }
            break;
          }
          default:
            Unsupported("SET ... FROM CURRENT", -1);
            return;
        }
        for (auto& ch : set->name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        st->kind = ast::StatementKind::kSet;
        st->set = std::move(set);
        return;
      }
      case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT: {
        auto show = std::make_unique<ast::Show>();
        show->name = n->variable_show_stmt->name;
        for (auto& ch : show->name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        st->kind = ast::StatementKind::kShow;
        st->show = std::move(show);
        return;
      }
      case PG_QUERY__NODE__NODE_COPY_STMT:
        Copy(n->copy_stmt, st);
        return;
      case PG_QUERY__NODE__NODE_RENAME_STMT:
        Rename(n->rename_stmt, st);
        return;
      case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        AlterTable(n->alter_table_stmt, st);
        return;
      case PG_QUERY__NODE__NODE_VACUUM_STMT: {
        const PgQuery__VacuumStmt* v = n->vacuum_stmt;
        for (size_t k = 0; k < v->n_rels; k++) {
          const PgQuery__Node* r = v->rels[k];
          if (r->node_case == PG_QUERY__NODE__NODE_VACUUM_RELATION) {
            st->maintenance.push_back(Table(r->vacuum_relation->relation));
          }
        }
        st->maintenance_tag = v->is_vacuumcmd ? "VACUUM" : "ANALYZE";
        st->kind = ast::StatementKind::kMaintenance;
        return;
      }
      case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
        st->extension = n->create_extension_stmt->extname ? n->create_extension_stmt->extname : "";
        st->maintenance_tag = "CREATE EXTENSION";
        st->kind = ast::StatementKind::kMaintenance;
        return;
      case PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT: {
        const PgQuery__DeclareCursorStmt* d = n->declare_cursor_stmt;
        if (d->query == nullptr || d->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
          Unsupported("DECLARE CURSOR for this statement", -1);
          return;
        }
        if (d->options & 0x0001) {  // CURSOR_OPT_BINARY
          Unsupported("BINARY cursors", -1);
          return;
        }
        auto c = std::make_unique<ast::Cursor>();
        c->name = d->portalname;
        c->hold = (d->options & 0x0020) != 0;  // CURSOR_OPT_HOLD
        c->query = Select(d->query->select_stmt);
        st->kind = ast::StatementKind::kDeclareCursor;
        st->cursor = std::move(c);
        return;
      }
      case PG_QUERY__NODE__NODE_FETCH_STMT: {
        const PgQuery__FetchStmt* f = n->fetch_stmt;
        auto c = std::make_unique<ast::Cursor>();
        c->name = f->portalname ? f->portalname : "";
        c->move = f->ismove;
        if (f->direction == PG_QUERY__FETCH_DIRECTION__FETCH_BACKWARD) {
          c->forward = false;
        } else if (f->direction != PG_QUERY__FETCH_DIRECTION__FETCH_FORWARD) {
          Unsupported("FETCH ABSOLUTE and RELATIVE", -1);
          return;
        }
        c->count = f->how_many >= INT64_MAX / 2 ? INT64_MAX : f->how_many;  // FETCH ALL is LONG_MAX
        st->kind = ast::StatementKind::kFetch;
        st->cursor = std::move(c);
        return;
      }
      case PG_QUERY__NODE__NODE_CLOSE_PORTAL_STMT: {
        auto c = std::make_unique<ast::Cursor>();
        c->name = n->close_portal_stmt->portalname ? n->close_portal_stmt->portalname : "";
        st->kind = ast::StatementKind::kCloseCursor;
        st->cursor = std::move(c);
        return;
      }
      case PG_QUERY__NODE__NODE_INDEX_STMT: {
        const PgQuery__IndexStmt* x = n->index_stmt;
        std::string method = x->access_method ? x->access_method : "";
        if (method != "btree" && method != "hash" && !method.empty()) {
          Unsupported("index access method \"" + method + "\"", -1);
          return;
        }
        if (x->where_clause != nullptr) {
          Unsupported("partial indexes (CREATE INDEX ... WHERE)", -1);
          return;
        }
        if (x->n_index_including_params > 0) {
          Unsupported("CREATE INDEX ... INCLUDE", -1);
          return;
        }
        if (x->nulls_not_distinct) {
          Unsupported("NULLS NOT DISTINCT", -1);
          return;
        }
        auto ci = std::make_unique<ast::CreateIndex>();
        ci->name = x->idxname ? x->idxname : "";
        ci->table = Table(x->relation);
        ci->unique = x->unique;
        ci->if_not_exists = x->if_not_exists;
        for (size_t k = 0; k < x->n_index_params; k++) {
          const PgQuery__Node* p = x->index_params[k];
          if (p->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM || p->index_elem->expr != nullptr ||
              p->index_elem->name == nullptr || p->index_elem->name[0] == 0) {
            Unsupported("indexes on expressions", -1);
            return;
          }
          ci->columns.push_back(p->index_elem->name);
        }
        st->kind = ast::StatementKind::kCreateIndex;
        st->create_index = std::move(ci);
        return;
      }
      case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
      case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT: {
        auto e = std::make_unique<ast::EnumDef>();
        if (n->node_case == PG_QUERY__NODE__NODE_CREATE_ENUM_STMT) {
          const PgQuery__CreateEnumStmt* c = n->create_enum_stmt;
          e->name.names = Names(c->type_name, c->n_type_name);
          e->labels = Names(c->vals, c->n_vals);
        } else {
          const PgQuery__AlterEnumStmt* a = n->alter_enum_stmt;
          e->alter = true;
          e->name.names = Names(a->type_name, a->n_type_name);
          e->label = a->new_val;
          e->old_label = a->old_val;
          e->neighbor = a->new_val_neighbor;
          e->after = a->new_val_is_after;
          e->if_not_exists = a->skip_if_new_val_exists;
        }
        st->kind = ast::StatementKind::kEnum;
        st->enum_def = std::move(e);
        return;
      }
      case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
      case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT: {
        bool alter = n->node_case == PG_QUERY__NODE__NODE_ALTER_SEQ_STMT;
        auto seq = std::make_unique<ast::SequenceDef>();
        seq->alter = alter;
        seq->name = Table(alter ? n->alter_seq_stmt->sequence : n->create_seq_stmt->sequence);
        seq->if_not_exists = alter ? n->alter_seq_stmt->missing_ok : n->create_seq_stmt->if_not_exists;
        size_t count = alter ? n->alter_seq_stmt->n_options : n->create_seq_stmt->n_options;
        PgQuery__Node** options = alter ? n->alter_seq_stmt->options : n->create_seq_stmt->options;
        for (size_t i = 0; i < count; i++) {
          const PgQuery__DefElem* d = options[i]->def_elem;
          std::string name = d->defname;
          std::string value;
          if (name == "as" && d->arg != nullptr && d->arg->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
            ast::TypeRef t;
            if (!TypeRefOf(d->arg->type_name, &t)) return;
            value = t.names.back();
          } else if (name == "owned_by" && d->arg != nullptr && d->arg->node_case == PG_QUERY__NODE__NODE_LIST) {
            for (const auto& part : Names(d->arg->list->items, d->arg->list->n_items)) {
              value += (value.empty() ? "" : ".") + part;
            }
          } else if (name == "cycle") {
            value = DefBool(d) ? "true" : "false";
          } else {
            value = DefText(d).value_or("");
          }
          seq->options.emplace_back(name, value);
        }
        st->kind = ast::StatementKind::kSequence;
        st->sequence = std::move(seq);
        return;
      }
      case PG_QUERY__NODE__NODE_VIEW_STMT: {
        const PgQuery__ViewStmt* v = n->view_stmt;
        if (v->query == nullptr || v->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
          Unsupported("this view query", -1);
          return;
        }
        if (v->with_check_option != PG_QUERY__VIEW_CHECK_OPTION__NO_CHECK_OPTION || v->n_options > 0) {
          Unsupported("view options and WITH CHECK OPTION", -1);
          return;
        }
        auto cv = std::make_unique<ast::CreateView>();
        cv->view = Table(v->view);
        cv->columns = Names(v->aliases, v->n_aliases);
        cv->replace = v->replace;
        cv->query = Select(v->query->select_stmt);
        if (failed_) return;
        cv->sql = DeparseStatement(v->query);
        if (cv->sql.empty()) {
          Unsupported("this view query", -1);
          return;
        }
        st->kind = ast::StatementKind::kCreateView;
        st->create_view = std::move(cv);
        return;
      }
      case PG_QUERY__NODE__NODE_EXPLAIN_STMT: {
        const PgQuery__ExplainStmt* x = n->explain_stmt;
        for (size_t i = 0; i < x->n_options; i++) {
          const PgQuery__DefElem* d = x->options[i]->def_elem;
          std::string name = d->defname;
          if (name == "analyze") {
            st->explain_analyze = d->arg == nullptr || DefBool(d);
          } else if (name == "costs" || name == "verbose" || name == "buffers" || name == "timing" ||
                     name == "summary" || name == "settings" || name == "wal") {
            // accepted: LumaDB's plans have no costs or buffer counts to show
          } else if (name == "format") {
            auto f = DefText(d);
            if (!f || (*f != "text" && *f != "TEXT")) {
              Unsupported("EXPLAIN in formats other than TEXT", -1);
              return;
            }
          } else {
            Unsupported("EXPLAIN option " + name, -1);
            return;
          }
        }
        if (x->query == nullptr || x->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
          Unsupported("EXPLAIN of statements other than SELECT", -1);
          return;
        }
        st->select = Select(x->query->select_stmt);
        st->kind = ast::StatementKind::kExplain;
        return;
      }
      case PG_QUERY__NODE__NODE_COMMENT_STMT: {
        const PgQuery__CommentStmt* c = n->comment_stmt;
        auto cm = std::make_unique<ast::Comment>();
        using O = ast::Comment::Object;
        switch (c->objtype) {
          case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: cm->object = O::kTable; break;
          case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW: cm->object = O::kView; break;
          case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: cm->object = O::kSequence; break;
          case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: cm->object = O::kIndex; break;
          case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: cm->object = O::kColumn; break;
          case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: cm->object = O::kType; break;
          case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: cm->object = O::kSchema; break;
          case PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE: cm->object = O::kDatabase; break;
          default: cm->object = O::kOther; break;
        }
        const PgQuery__Node* o = c->object;
        if (o != nullptr && o->node_case == PG_QUERY__NODE__NODE_LIST) {
          cm->names = Names(o->list->items, o->list->n_items);
        } else if (o != nullptr && o->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
          cm->names = Names(o->type_name->names, o->type_name->n_names);
        } else if (o != nullptr && o->node_case == PG_QUERY__NODE__NODE_STRING) {
          cm->names.push_back(o->string->sval);
        }
        if (c->comment != nullptr && c->comment[0] != '\0') cm->text = std::string(c->comment);
        st->kind = ast::StatementKind::kComment;
        st->comment = std::move(cm);
        return;
      }
      case PG_QUERY__NODE__NODE_TRUNCATE_STMT: {
        const PgQuery__TruncateStmt* t = n->truncate_stmt;
        for (size_t k = 0; k < t->n_relations; k++) st->truncate.push_back(Table(t->relations[k]->range_var));
        st->truncate_restart_identity = t->restart_seqs;
        st->truncate_cascade = t->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
        st->kind = ast::StatementKind::kTruncate;
        return;
      }
      default: {
        // Name the statement by its first word, as a user would.
        std::string word;
        for (char c : st->text) {
          if (std::isalpha(static_cast<unsigned char>(c)) || (c == ' ' && !word.empty() && word.size() < 24)) {
            word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
          } else if (!word.empty()) {
            break;
          }
        }
        while (!word.empty() && word.back() == ' ') word.pop_back();
        if (word.find(' ') != std::string::npos) word = word.substr(0, word.find(' ', word.find(' ') + 1));
        Unsupported(word.empty() ? "this statement" : word, -1);
        return;
      }
    }
  }

 private:
  std::string_view sql_;
  bool failed_ = false;
  SqlError err_;
  struct Cte {
    std::string name;
    std::shared_ptr<ast::Select> select;
    std::vector<std::string> columns;
    const ast::Select* in_progress = nullptr;  // WITH RECURSIVE: its body being converted
    int self_references = 0;
  };
  std::vector<std::vector<Cte>> ctes_;  // WITH clauses being converted, outermost first
};

}  // namespace

SqlResult<std::vector<ast::Statement>> ParsePostgres(std::string_view sql) {
  std::string text(sql);
  PgQueryProtobufParseResult r = pg_query_parse_protobuf(text.c_str());
  if (r.error != nullptr) {
    SqlError e = MakeError(sqlstate::kSyntaxError, r.error->message, r.error->cursorpos);
    // libpg_query reports every grammar error as 42601; PostgreSQL's lexer
    // gives 22003 for out-of-range literals.
    if (e.message.find("out of range") != std::string::npos) e.sqlstate = sqlstate::kNumericOutOfRange;
    pg_query_free_protobuf_parse_result(r);
    return e;
  }
  PgQuery__ParseResult* tree = pg_query__parse_result__unpack(
      nullptr, r.parse_tree.len, reinterpret_cast<const uint8_t*>(r.parse_tree.data));
  pg_query_free_protobuf_parse_result(r);
  if (tree == nullptr) return MakeError(sqlstate::kInternalError, "could not read the parse tree");
  Converter conv(sql);
  std::vector<ast::Statement> out;
  for (size_t i = 0; i < tree->n_stmts && !conv.failed(); i++) {
    const PgQuery__RawStmt* raw = tree->stmts[i];
    ast::Statement st;
    st.location = raw->stmt_location;
    size_t len = raw->stmt_len == 0 ? text.size() - raw->stmt_location : static_cast<size_t>(raw->stmt_len);
    st.text = text.substr(raw->stmt_location, len);
    conv.Statement(raw->stmt, &st);
    out.push_back(std::move(st));
  }
  pg_query__parse_result__free_unpacked(tree, nullptr);
  if (conv.failed()) return conv.TakeError();
  return out;
}

SqlResult<ast::ExprPtr> ParseExpression(std::string_view sql) {
  SQL_ASSIGN_OR_RETURN(std::vector<ast::Statement> stmts, ParsePostgres("SELECT " + std::string(sql)));
  if (stmts.size() != 1 || stmts[0].kind != ast::StatementKind::kSelect || stmts[0].select->items.size() != 1 ||
      !stmts[0].select->from.empty()) {
    return MakeError(sqlstate::kInternalError, "stored expression \"" + std::string(sql) + "\" is not one expression");
  }
  return std::move(stmts[0].select->items[0].expr);
}

namespace {

// The tokens of `sql` as PostgreSQL's lexer splits it; false when it cannot.
template <typename Fn>
bool ScanTokens(const std::string& sql, Fn fn) {
  PgQueryScanResult r = pg_query_scan(sql.c_str());
  if (r.error != nullptr) {
    pg_query_free_scan_result(r);
    return false;
  }
  PgQuery__ScanResult* scan =
      pg_query__scan_result__unpack(nullptr, r.pbuf.len, reinterpret_cast<const uint8_t*>(r.pbuf.data));
  pg_query_free_scan_result(r);
  if (scan == nullptr) return false;
  for (size_t i = 0; i < scan->n_tokens; i++) {
    const PgQuery__ScanToken* next = i + 1 < scan->n_tokens ? scan->tokens[i + 1] : nullptr;
    fn(*scan->tokens[i], next);
  }
  pg_query__scan_result__free_unpacked(scan, nullptr);
  return true;
}

// An identifier token's name: folded to lower case, or the quoted text.
std::string IdentifierName(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"') {
    std::string out;
    for (size_t i = 1; i + 1 < text.size(); i++) {
      out += text[i];
      if (text[i] == '"') i++;
    }
    return out;
  }
  std::string out(text);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

}  // namespace

std::string RenameColumnInExpression(std::string_view sql, std::string_view from, std::string_view to) {
  std::string text(sql);
  std::string out;
  size_t done = 0;
  bool ok = ScanTokens(text, [&](const PgQuery__ScanToken& t, const PgQuery__ScanToken* next) {
    bool name_token = t.token == PG_QUERY__TOKEN__IDENT ||
                      (t.keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD &&
                       t.keyword_kind != PG_QUERY__KEYWORD_KIND__RESERVED_KEYWORD);
    if (!name_token || (next != nullptr && next->token == PG_QUERY__TOKEN__ASCII_40)) return;  // a function name
    std::string_view word = std::string_view(text).substr(t.start, t.end - t.start);
    if (IdentifierName(word) != from) return;
    out.append(text, done, t.start - done);
    out += QuoteIdentifier(to);
    done = t.end;
  });
  if (!ok) return text;
  out.append(text, done, std::string::npos);
  return out;
}

std::string QuoteIdentifier(std::string_view name) {
  bool bare = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (char ch : name) bare = bare && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_');
  if (bare) {
    std::string text(name);
    int tokens = 0;
    bool keyword = false;
    ScanTokens(text, [&](const PgQuery__ScanToken& t, const PgQuery__ScanToken*) {
      tokens++;
      keyword = keyword || (t.keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD &&
                            t.keyword_kind != PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD);
    });
    if (tokens == 1 && !keyword) return text;
  }
  std::string out = "\"";
  for (char ch : name) {
    out += ch;
    if (ch == '"') out += '"';
  }
  return out + "\"";
}

}  // namespace lumadb::engine::sql

#include "engine/sql/execution/explain.h"

#include "engine/sql/execution/executor.h"
#include "storage/rocks_store.h"  // (executor.h's transactions hold store snapshots)

// PostgreSQL's explain.c, text format: a node's name at column N, its
// properties ("Filter: ...") at N + 2, each child's "->  " at N + 2 with the
// child's name at N + 6.
namespace lumadb::engine::sql {

namespace {

// Expressions over the input row (FROM's columns) or over the aggregated row
// (group keys, then aggregates).
struct Deparser {
  const SelectPlan& plan;
  bool qualify;
  bool aggregated = false;

  std::string Slot(int slot) const {
    if (aggregated) {
      // Group keys and aggregate arguments are over the input row.
      Deparser input{plan, qualify};
      size_t g = plan.groups.size();
      if (slot >= 0 && static_cast<size_t>(slot) < g) return input.Expr(*plan.groups[static_cast<size_t>(slot)]);
      size_t a = static_cast<size_t>(slot) - g;
      if (slot >= 0 && a < plan.aggregates.size()) {
        const AggregateCall& call = plan.aggregates[a];
        std::string args = call.star ? "*" : call.arg ? input.Expr(*call.arg) : "";
        return call.name + "(" + std::string(call.distinct ? "DISTINCT " : "") + args + ")";
      }
      return "?";
    }
    for (const auto& t : plan.scope) {
      int n = static_cast<int>(t.table->columns.size());
      if (slot >= t.first_slot && slot < t.first_slot + n) {
        const std::string& col = t.table->columns[static_cast<size_t>(slot - t.first_slot)].name;
        return qualify ? t.name + "." + col : col;
      }
    }
    return "?";
  }

  static std::string Literal(const Value& v) {
    if (v.null) return "NULL";
    std::string text;
    AppendText(v, &text);
    if (IsInteger(v.type.id) || IsFloat(v.type.id) || v.type.id == TypeId::kNumeric) return text;
    if (v.type.id == TypeId::kBool) return text == "t" ? "true" : "false";
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    return quoted + "'::" + TypeName(Type::Of(v.type.id == TypeId::kUnknown ? TypeId::kText : v.type.id));
  }

  std::string Expr(const BoundExpr& e) const {
    auto arg = [&](size_t i) { return i < e.args.size() ? Expr(*e.args[i]) : std::string("?"); };
    switch (e.kind) {
      case BoundKind::kConst: return e.param > 0 ? "$" + std::to_string(e.param) : Literal(e.value);
      case BoundKind::kSlot: return Slot(e.slot);
      case BoundKind::kCompare:
      case BoundKind::kArith: return "(" + arg(0) + " " + e.op + " " + arg(1) + ")";
      case BoundKind::kAnd: return "(" + arg(0) + " AND " + arg(1) + ")";
      case BoundKind::kOr: return "(" + arg(0) + " OR " + arg(1) + ")";
      case BoundKind::kNot: return "(NOT " + arg(0) + ")";
      case BoundKind::kUnary: return "(" + e.op + arg(0) + ")";
      case BoundKind::kIsNull: return "(" + arg(0) + (e.negated ? " IS NOT NULL)" : " IS NULL)");
      case BoundKind::kCast: return "(" + arg(0) + ")::" + TypeName(e.type);
      case BoundKind::kConcat: return "(" + arg(0) + " || " + arg(1) + ")";
      case BoundKind::kLike: return "(" + arg(0) + (e.negated ? " !~~ " : " ~~ ") + arg(1) + ")";
      case BoundKind::kSubquery: return "(SubPlan)";
      case BoundKind::kOuterRef: return "(outer reference)";
      case BoundKind::kFunc: {
        std::string s = e.op + "(";
        for (size_t i = 0; i < e.args.size(); i++) s += (i ? ", " : "") + arg(i);
        return s + ")";
      }
      default: {
        std::string s = "(";
        for (size_t i = 0; i < e.args.size(); i++) s += (i ? ", " : "") + arg(i);
        return s + ")";
      }
    }
  }
};

struct Node {
  std::string name;
  std::vector<std::string> props;
  std::vector<Node> children;
};

std::string Condition(const std::string& s) { return !s.empty() && s[0] == '(' ? s : "(" + s + ")"; }

void Conjuncts(const BoundExpr& e, std::vector<const BoundExpr*>* out) {
  if (e.kind == BoundKind::kAnd) {
    for (const auto& a : e.args) Conjuncts(*a, out);
    return;
  }
  out->push_back(&e);
}

// The index a scan reads: its name from the OID in an index prefix (keys::IndexPrefix).
std::string IndexName(const Table& t, const std::string& prefix) {
  if (prefix.size() >= 9) {
    uint32_t oid = 0;
    for (int i = 5; i < 9; i++) oid = (oid << 8) | static_cast<unsigned char>(prefix[static_cast<size_t>(i)]);
    for (const auto& i : t.indexes) {
      if (i.oid == oid) return i.name;
    }
  }
  return "?";
}

Node Explain(const SelectPlan& p);

// The node that produces scope entry t's rows.
Node ScanNode(const SelectPlan& p, size_t t, bool with_keys) {
  const ScopeTable& s = p.scope[t];
  std::string alias = s.name != s.table->name ? " " + s.name : "";
  if (t < p.functions.size() && p.functions[t] != nullptr) {
    return Node{"Function Scan on " + p.functions[t]->name + (s.name != p.functions[t]->name ? " " + s.name : ""), {}, {}};
  }
  if (t < p.derived.size() && p.derived[t] != nullptr) {
    Node n{"Subquery Scan on " + s.name, {}, {}};
    n.children.push_back(Explain(*p.derived[t]));
    return n;
  }
  if (t < p.working.size() && p.working[t] != nullptr) return Node{"WorkTable Scan on " + s.name, {}, {}};
  if (t == 0 && with_keys) {
    if (p.point_key || !p.point_keys.empty()) {
      return Node{"Index Scan using " + s.table->PrimaryKeyName() + " on " + s.table->name + alias, {}, {}};
    }
    if (p.index_prefix) {
      return Node{"Index Scan using " + IndexName(*s.table, *p.index_prefix) + " on " + s.table->name + alias, {}, {}};
    }
  }
  return Node{"Seq Scan on " + s.table->name + alias, {}, {}};
}

Node Explain(const SelectPlan& p) {
  bool qualify = p.scope.size() > 1;
  Deparser input{p, qualify};
  Node top;
  if (!p.set_op.empty()) {
    Node append{"Append", {}, {}};
    if (p.set_left) append.children.push_back(Explain(*p.set_left));
    if (p.set_right) append.children.push_back(Explain(*p.set_right));
    if (p.recursive) {
      top = Node{p.set_all ? "Recursive Union" : "Recursive Union", {}, std::move(append.children)};
    } else if (p.set_op == "UNION" && p.set_all) {
      top = std::move(append);
    } else {
      std::string op = p.set_op == "UNION" ? "HashAggregate" : "HashSetOp " + std::string(p.set_op == "INTERSECT" ? "Intersect" : "Except");
      if (p.set_all && p.set_op != "UNION") op += " All";
      top = Node{op, {}, {}};
      top.children.push_back(std::move(append));
    }
  } else if (!p.values.empty()) {
    top = Node{"Values Scan on \"*VALUES*\"", {}, {}};
  } else if (p.scope.empty()) {
    top = Node{"Result", {}, {}};
  } else {
    top = ScanNode(p, 0, true);
    for (size_t t = 1; t < p.scope.size(); t++) {
      const auto& join = p.joins[t];
      auto keys = HashJoinKeys(p, t);
      const char* kind = join.kind == ast::JoinKind::kLeft    ? " Left"
                         : join.kind == ast::JoinKind::kRight ? " Right"
                         : join.kind == ast::JoinKind::kFull  ? " Full"
                                                              : "";
      Node j;
      Node inner = ScanNode(p, t, false);
      if (!keys.empty()) {
        j.name = std::string("Hash") + (*kind ? kind : "") + " Join";
        std::string cond;
        for (const auto& [l, r] : keys) {
          std::string c = "(" + input.Expr(*l) + " = " + input.Expr(*r) + ")";
          cond = cond.empty() ? c : "(" + cond + " AND " + c + ")";
        }
        j.props.push_back("Hash Cond: " + Condition(cond));
        // The ON's other conjuncts are checked on each pair the hash finds.
        std::vector<const BoundExpr*> conjuncts, rest;
        Conjuncts(*join.on, &conjuncts);
        for (const BoundExpr* c : conjuncts) {
          bool is_key = false;
          for (const auto& [l, r] : keys) {
            is_key = is_key || (c->args.size() == 2 && ((c->args[0].get() == l && c->args[1].get() == r) ||
                                                         (c->args[0].get() == r && c->args[1].get() == l)));
          }
          if (!is_key) rest.push_back(c);
        }
        std::string filter;
        for (const BoundExpr* c : rest) {
          std::string x = input.Expr(*c);
          filter = filter.empty() ? x : "(" + filter + " AND " + x + ")";
        }
        if (!filter.empty()) j.props.push_back("Join Filter: " + Condition(filter));
        j.children.push_back(std::move(top));
        j.children.push_back(Node{"Hash", {}, {}});
        j.children.back().children.push_back(std::move(inner));
      } else {
        j.name = std::string("Nested Loop") + (*kind ? std::string(kind) + " Join" : "");
        if (join.on) j.props.push_back("Join Filter: " + Condition(input.Expr(*join.on)));
        j.children.push_back(std::move(top));
        j.children.push_back(std::move(inner));
      }
      top = std::move(j);
    }
    if (p.where) top.props.push_back("Filter: " + Condition(input.Expr(*p.where)));
  }
  if (p.row_lock != ast::RowLockWait::kNone) {
    Node lock{"LockRows", {}, {}};
    lock.children.push_back(std::move(top));
    top = std::move(lock);
  }
  Deparser output = input;
  if (p.aggregating) {
    Node agg{p.groups.empty() ? "Aggregate" : !p.grouping_sets.empty() ? "MixedAggregate" : "HashAggregate", {}, {}};
    std::string keys;
    size_t shown = p.grouping_sets.empty() ? p.groups.size() : p.groups.size() - 1;  // the set number is hidden
    for (size_t g = 0; g < shown; g++) keys += (g ? ", " : "") + input.Expr(*p.groups[g]);
    if (!keys.empty()) agg.props.push_back("Group Key: " + keys);
    output.aggregated = true;
    if (p.having) agg.props.push_back("Filter: " + Condition(output.Expr(*p.having)));
    agg.children.push_back(std::move(top));
    top = std::move(agg);
  }
  if (!p.windows.empty()) {
    Node w{"WindowAgg", {}, {}};
    w.children.push_back(std::move(top));
    top = std::move(w);
  }
  if (p.distinct) {
    Node d{"HashAggregate", {}, {}};
    std::string keys;
    for (size_t i = 0; i < p.visible && i < p.targets.size(); i++) keys += (i ? ", " : "") + output.Expr(*p.targets[i]);
    d.props.push_back("Group Key: " + keys);
    d.children.push_back(std::move(top));
    top = std::move(d);
  }
  if (!p.sort.empty()) {
    Node s{"Sort", {}, {}};
    std::string keys;
    for (const auto& k : p.sort) {
      std::string key = k.target < static_cast<int>(p.targets.size()) ? output.Expr(*p.targets[static_cast<size_t>(k.target)]) : "?";
      if (k.desc) key += " DESC";
      if (k.nulls_first != k.desc) key += k.nulls_first ? " NULLS FIRST" : " NULLS LAST";
      keys += (keys.empty() ? "" : ", ") + key;
    }
    s.props.push_back("Sort Key: " + keys);
    s.children.push_back(std::move(top));
    top = std::move(s);
  }
  if (!p.distinct_on.empty()) {
    Node u{"Unique", {}, {}};
    u.children.push_back(std::move(top));
    top = std::move(u);
  }
  if (p.limit || p.offset) {
    Node l{"Limit", {}, {}};
    l.children.push_back(std::move(top));
    top = std::move(l);
  }
  return top;
}

void Render(const Node& n, size_t col, bool child, std::vector<std::string>* out) {
  std::string line;
  if (child) line = std::string(col - 4, ' ') + "->  ";
  line += n.name;
  out->push_back(std::move(line));
  for (const auto& p : n.props) out->push_back(std::string(col + 2, ' ') + p);
  for (const auto& c : n.children) Render(c, col + 6, true, out);
}

}  // namespace

std::string DeparseExpr(const BoundExpr& e, const SelectPlan& plan, bool qualify) {
  return Deparser{plan, qualify}.Expr(e);
}

std::vector<std::string> ExplainSelect(const SelectPlan& plan) {
  std::vector<std::string> out;
  Render(Explain(plan), 0, false, &out);
  return out;
}

}  // namespace lumadb::engine::sql

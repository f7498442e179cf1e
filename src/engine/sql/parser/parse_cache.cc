#include "engine/sql/parser/parse_cache.h"

#include <algorithm>
#include <cstring>

#include "engine/sql/parser/pg_parser.h"

namespace lumadb::engine::sql {

namespace ast {
namespace {

struct Walker {
  Visitor* v;

  void Type(TypeRef* t) { v->Location(&t->location); }
  void Ex(Expr* e) {
    if (e == nullptr) return;
    v->Node(e);
    v->Location(&e->location);
    Type(&e->type);
    for (auto& a : e->args) Ex(a.get());
    Ex(e->else_expr.get());
    Sel(e->subquery.get());
    Window(e->over.get());
    for (auto& o : e->agg_order) Ex(o.get());
    Ex(e->filter.get());
  }
  void Window(WindowSpec* w) {
    if (w == nullptr) return;
    v->Location(&w->location);
    for (auto& p : w->partition) Ex(p.get());
    for (auto& o : w->order) Ex(o.expr.get());
    Ex(w->start_offset.get());
    Ex(w->end_offset.get());
  }
  void Table(TableRef* t) {
    v->Location(&t->location);
    Ex(t->on.get());
    Sel(t->subquery.get());
    Ex(t->function.get());
  }
  void Items(std::vector<SelectItem>* items) {
    for (auto& i : *items) Ex(i.expr.get());
  }
  void Sets(std::vector<SetClause>* sets) {
    for (auto& s : *sets) {
      v->Location(&s.location);
      Ex(s.value.get());
    }
  }
  std::vector<const Select*> seen;  // a WITH query is shared by its references: visit it once
  void Sel(Select* s) {
    if (s == nullptr || std::find(seen.begin(), seen.end(), s) != seen.end()) return;
    seen.push_back(s);
    for (auto& w : s->with) Sel(w.get());
    Sel(s->set_left.get());
    Sel(s->set_right.get());
    for (auto& d : s->distinct_on) Ex(d.get());
    Items(&s->items);
    for (auto& t : s->from) Table(&t);
    Ex(s->where.get());
    for (auto& g : s->group_by) Ex(g.get());
    Ex(s->having.get());
    for (auto& o : s->order_by) Ex(o.expr.get());
    for (auto& w : s->windows) Window(w.get());
    Ex(s->limit.get());
    Ex(s->offset.get());
    for (auto& row : s->values) {
      for (auto& e : row) Ex(e.get());
    }
  }
  void Stmt(Statement* st) {
    v->Location(&st->location);
    Sel(st->select.get());
    if (auto* c = st->create_table.get()) {
      Table(&c->table);
      for (auto& col : c->columns) {
        v->Location(&col.location);
        Type(&col.type);
        Ex(col.default_expr.get());
      }
      v->Location(&c->primary_key_location);
      for (auto& u : c->uniques) v->Location(&u.location);
    }
    if (auto* d = st->drop.get()) {
      for (auto& t : d->objects) Table(&t);
    }
    if (auto* i = st->insert.get()) {
      Table(&i->table);
      if (auto* oc = i->on_conflict.get()) {
        v->Location(&oc->location);
        Sets(&oc->sets);
        Ex(oc->where.get());
      }
      for (int& l : i->column_locations) v->Location(&l);
      Sel(i->source.get());
      Items(&i->returning);
    }
    if (auto* u = st->update.get()) {
      Table(&u->table);
      Sets(&u->sets);
      Ex(u->where.get());
      Items(&u->returning);
    }
    if (auto* d = st->del.get()) {
      Table(&d->table);
      Ex(d->where.get());
      Items(&d->returning);
    }
    for (auto& t : st->truncate) Table(&t);
    if (auto* c = st->copy.get()) {
      v->Location(&c->location);
      Table(&c->table);
      Sel(c->query.get());
    }
    if (auto* a = st->alter_table.get()) {
      Table(&a->table);
      for (auto& action : a->actions) v->Location(&action.location);
    }
    if (auto* c = st->create_index.get()) Table(&c->table);
    if (auto* c = st->cursor.get()) Sel(c->query.get());
    for (auto& t : st->maintenance) Table(&t);
  }
};

}  // namespace

void Walk(Statement* st, Visitor* v) { Walker{v, {}}.Stmt(st); }

std::string DebugString(ParsedStatements* statements) {
  struct Dump : Visitor {
    std::string out;
    void Location(int* l) override { out += "@" + std::to_string(*l) + "\n"; }
    void Node(Expr* e) override {
      out += "node " + std::to_string(static_cast<int>(e->kind)) + " op=" + e->op;
      for (const auto& n : e->names) out += " " + n;
      if (e->kind == ExprKind::kConst) {
        out += " type=" + std::to_string(static_cast<int>(e->value.type.id));
        out += e->value.null ? " null" : " i=" + std::to_string(e->value.i) + " s=" + e->value.s;
      }
      out += "\n";
    }
  } d;
  for (auto& st : *statements) {
    d.out += "text " + st.text + "\n";
    Walk(&st, &d);
  }
  return d.out;
}

}  // namespace ast

namespace {

constexpr char kMarker = '\x01';
constexpr size_t kMaxText = 64 << 10;  // longer texts are parsed every time
constexpr size_t kMaxLiterals = 8192;

bool IsIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IsIdentCont(unsigned char c) { return IsIdentStart(c) || std::isdigit(c) || c == '$'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The end (one past the closing quote) of the '...' or "..." starting at
// `open`, where a doubled quote stands for one; 0 when it is not closed.
size_t QuotedEnd(std::string_view sql, size_t open) {
  char q = sql[open];
  for (size_t j = open + 1; j < sql.size(); j++) {
    if (sql[j] != q) continue;
    if (j + 1 < sql.size() && sql[j + 1] == q) {
      j++;
      continue;
    }
    return j + 1;
  }
  return 0;
}

// The value of a run of digits if PostgreSQL's lexer makes it an integer
// constant (it fits int4), else -1.
int64_t SmallInt(std::string_view digits) {
  int64_t v = 0;
  for (char c : digits) {
    v = v * 10 + (c - '0');
    if (v > 2147483647) return -1;
  }
  return v;
}

// The characters of a '...' literal (the quotes included) as a string value.
std::string Unquote(std::string_view lit) {
  std::string out;
  out.reserve(lit.size() - 2);
  for (size_t i = 1; i + 1 < lit.size(); i++) {
    out.push_back(lit[i]);
    if (lit[i] == '\'') i++;  // '' is one quote
  }
  return out;
}

// The constant a literal stands for, in the form the PostgreSQL front end
// gives it (an int4 or an unknown-typed string). `digits_only` reads a
// kNegInt without its sign.
Value Decode(std::string_view sql, const ParseCache::Literal& lit, bool digits_only) {
  std::string_view text = sql.substr(lit.offset, lit.length);
  switch (lit.kind) {
    case ParseCache::Literal::Kind::kInt:
      return Value::Int(TypeId::kInt4, SmallInt(text));
    case ParseCache::Literal::Kind::kNegInt: {
      int64_t v = SmallInt(text.substr(1));
      return Value::Int(TypeId::kInt4, digits_only ? v : -v);
    }
    case ParseCache::Literal::Kind::kString:
      return Value::String(Type::Of(TypeId::kUnknown), Unquote(text));
  }
  return Value::Null();
}

bool SameConst(const ast::Expr& e, const Value& v) {
  if (e.value.null || e.value.type.id != v.type.id || !e.op.empty()) return false;
  return v.type.id == TypeId::kUnknown ? e.value.s == v.s : e.value.i == v.i;
}

struct ConstCollector : ast::Visitor {
  std::unordered_map<int, std::vector<ast::Expr*>> at;
  void Node(ast::Expr* e) override {
    if (e->kind == ast::ExprKind::kConst && e->location >= 0) at[e->location].push_back(e);
  }
};

// Moves every location from the text the tree was built for to a text
// whose literals (same count, same order) have new offsets and lengths.
struct Relocator : ast::Visitor {
  const std::vector<ParseCache::Literal>* from;
  const std::vector<ParseCache::Literal>* to;

  int Map(int x) const {
    if (x < 0) return x;
    // The last literal starting at or before x.
    auto it = std::upper_bound(from->begin(), from->end(), static_cast<uint32_t>(x),
                               [](uint32_t off, const ParseCache::Literal& l) { return off < l.offset; });
    if (it == from->begin()) return x;
    size_t k = static_cast<size_t>(it - from->begin()) - 1;
    const auto& a = (*from)[k];
    const auto& b = (*to)[k];
    uint32_t ux = static_cast<uint32_t>(x);
    if (ux < a.offset + a.length) return static_cast<int>(b.offset + std::min(ux - a.offset, b.length));
    return static_cast<int>(ux - (a.offset + a.length) + b.offset + b.length);
  }
  void Location(int* loc) override { *loc = Map(*loc); }
};

}  // namespace

bool ParseCache::Lex(std::string_view sql, std::string* key, std::vector<Literal>* literals) {
  key->clear();
  literals->clear();
  // libpg_query reads a C string: a NUL ends the text there, whatever follows.
  if (sql.find(kMarker) != std::string_view::npos || sql.find('\0') != std::string_view::npos) return false;
  key->reserve(sql.size());
  size_t n = sql.size(), i = 0, copied = 0;
  auto emit = [&](Literal::Kind kind, size_t start, size_t end) {
    key->append(sql.substr(copied, start - copied));
    key->push_back(kMarker);
    key->push_back(kind == Literal::Kind::kInt ? 'i' : kind == Literal::Kind::kNegInt ? 'n' : 's');
    copied = end;
    literals->push_back(Literal{kind, static_cast<uint32_t>(start), static_cast<uint32_t>(end - start)});
  };
  // A number at i: its end, and whether it is a plain run of digits (not a
  // decimal, an exponent or a number with trailing junk).
  auto number = [&](size_t j, bool* plain) {
    size_t k = j;
    while (k < n && IsDigit(sql[k])) k++;
    *plain = k > j && !(k < n && (sql[k] == '.' || IsIdentCont(static_cast<unsigned char>(sql[k]))));
    if (*plain) return k;
    while (k < n && (IsIdentCont(static_cast<unsigned char>(sql[k])) || sql[k] == '.' ||
                     ((sql[k] == '+' || sql[k] == '-') && (sql[k - 1] == 'e' || sql[k - 1] == 'E')))) {
      k++;
    }
    return k;
  };
  while (i < n) {
    char c = sql[i];
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {  // -- comment
      while (i < n && sql[i] != '\n') i++;
      continue;
    }
    if (c == '/' && i + 1 < n && sql[i + 1] == '*') {  // /* comment */, nested
      int depth = 0;
      while (i < n) {
        if (sql[i] == '/' && i + 1 < n && sql[i + 1] == '*') {
          depth++;
          i += 2;
        } else if (sql[i] == '*' && i + 1 < n && sql[i + 1] == '/') {
          i += 2;
          if (--depth == 0) break;
        } else {
          i++;
        }
      }
      if (depth != 0) return false;
      continue;
    }
    if (c == '\'') {
      size_t end = QuotedEnd(sql, i);
      if (end == 0) return false;
      // 'a'<newline>'b' is one literal in PostgreSQL: leave such texts alone.
      size_t k = end;
      while (k < n) {
        if (IsSpace(sql[k])) {
          k++;
        } else if (sql[k] == '-' && k + 1 < n && sql[k + 1] == '-') {
          while (k < n && sql[k] != '\n') k++;
        } else {
          break;
        }
      }
      if (k < n && sql[k] == '\'') return false;
      emit(Literal::Kind::kString, i, end);
      i = end;
      continue;
    }
    if (c == '"') {
      size_t end = QuotedEnd(sql, i);
      if (end == 0) return false;
      i = end;
      continue;
    }
    if (c == '$') {
      size_t j = i + 1;
      if (j < n && IsDigit(sql[j])) {  // $1
        while (j < n && IsDigit(sql[j])) j++;
        i = j;
        continue;
      }
      // $tag$ ... $tag$
      if (j < n && (sql[j] == '$' || IsIdentStart(static_cast<unsigned char>(sql[j])))) {
        while (j < n && sql[j] != '$' && IsIdentCont(static_cast<unsigned char>(sql[j]))) j++;
        if (j < n && sql[j] == '$') {
          std::string_view tag = sql.substr(i, j + 1 - i);
          size_t close = sql.find(tag, j + 1);
          if (close == std::string_view::npos) return false;
          i = close + tag.size();
          continue;
        }
      }
      i++;
      continue;
    }
    if (IsIdentStart(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < n && IsIdentCont(static_cast<unsigned char>(sql[j]))) j++;
      // E'..', B'..', X'..', N'..' and U&'..' have rules of their own.
      if (j - i == 1 && j < n) {
        char p = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (sql[j] == '\'' && std::strchr("ebxn", p) != nullptr) return false;
        if (p == 'u' && sql[j] == '&') return false;
      }
      i = j;
      continue;
    }
    if (IsDigit(c) || (c == '.' && i + 1 < n && IsDigit(sql[i + 1]))) {
      bool plain = false;
      size_t end = c == '.' ? number(i + 1, &plain) : number(i, &plain);
      if (c != '.' && plain && SmallInt(sql.substr(i, end - i)) >= 0) {
        emit(Literal::Kind::kInt, i, end);
      }
      i = end;
      continue;
    }
    if (c == '-' && i + 1 < n && IsDigit(sql[i + 1])) {
      bool plain = false;
      size_t end = number(i + 1, &plain);
      if (plain && SmallInt(sql.substr(i + 1, end - i - 1)) >= 0) {
        emit(Literal::Kind::kNegInt, i, end);
      }
      i = end;
      continue;
    }
    i++;
  }
  key->append(sql.substr(copied));
  return literals->size() <= kMaxLiterals;
}

void ParseCache::Build(std::string_view sql, const std::vector<Literal>& lits, Entry* e) {
  ConstCollector consts;
  for (auto& st : *e->statements) {
    ast::Walk(&st, &consts);
    e->statement_ends.push_back(static_cast<uint32_t>(st.location + st.text.size()));
  }
  e->slots.resize(lits.size());
  for (size_t k = 0; k < lits.size(); k++) {
    Slot& s = e->slots[k];
    s.lit = lits[k];
    auto matches = [&](uint32_t offset, bool digits_only) {
      auto it = consts.at.find(static_cast<int>(offset));
      if (it == consts.at.end()) return false;
      Value v = Decode(sql, lits[k], digits_only);
      for (ast::Expr* x : it->second) {
        if (!SameConst(*x, v)) return false;
      }
      s.consts = std::move(it->second);
      consts.at.erase(it);
      return true;
    };
    if (matches(lits[k].offset, false)) {
      s.mode = SlotMode::kValue;
    } else if (lits[k].kind == Literal::Kind::kNegInt && matches(lits[k].offset + 1, true)) {
      s.mode = SlotMode::kDigits;
    } else {
      s.mode = SlotMode::kVerbatim;
      s.text = std::string(sql.substr(lits[k].offset, lits[k].length));
    }
  }
}

bool ParseCache::Apply(std::string_view sql, const std::vector<Literal>& lits, Entry* e) {
  if (lits.size() != e->slots.size()) return false;
  bool moved = false;
  for (size_t k = 0; k < lits.size(); k++) {
    const Slot& s = e->slots[k];
    if (s.mode == SlotMode::kVerbatim && sql.substr(lits[k].offset, lits[k].length) != s.text) return false;
    moved |= s.lit.offset != lits[k].offset || s.lit.length != lits[k].length;
  }
  for (size_t k = 0; k < lits.size(); k++) {
    const Slot& s = e->slots[k];
    if (s.mode == SlotMode::kVerbatim) continue;
    Value v = Decode(sql, lits[k], s.mode == SlotMode::kDigits);
    for (ast::Expr* x : s.consts) x->value = v;
  }
  std::vector<Literal> old;
  if (moved) {
    old.reserve(e->slots.size());
    for (const Slot& s : e->slots) old.push_back(s.lit);
    Relocator r;
    r.from = &old;
    r.to = &lits;
    for (size_t i = 0; i < e->statements->size(); i++) {
      ast::Statement& st = (*e->statements)[i];
      ast::Walk(&st, &r);
      e->statement_ends[i] = static_cast<uint32_t>(r.Map(static_cast<int>(e->statement_ends[i])));
    }
    for (size_t k = 0; k < lits.size(); k++) e->slots[k].lit = lits[k];
  }
  for (size_t i = 0; i < e->statements->size(); i++) {
    ast::Statement& st = (*e->statements)[i];
    st.text.assign(sql.substr(st.location, e->statement_ends[i] - st.location));
  }
  return true;
}

SqlResult<std::shared_ptr<ParsedStatements>> ParseCache::Parse(std::string_view sql) {
  std::string key;
  std::vector<Literal> lits;
  bool cacheable = capacity_ > 0 && sql.size() <= kMaxText && Lex(sql, &key, &lits);
  if (cacheable) {
    auto it = map_.find(key);
    if (it != map_.end()) {
      auto entry = it->second;
      if (Apply(sql, lits, &*entry)) {
        hits_++;
        lru_.splice(lru_.begin(), lru_, entry);
        return entry->statements;
      }
      map_.erase(it);  // a verbatim literal differs: parse again, then replace the entry
      lru_.erase(entry);
    }
  }
  misses_++;
  SQL_ASSIGN_OR_RETURN(ParsedStatements parsed, ParsePostgres(sql));
  auto statements = std::make_shared<ParsedStatements>(std::move(parsed));
  // DDL keeps expressions as text too (DEFAULT, CHECK), which a hit would
  // not update; it is rare enough to parse every time.
  for (const auto& st : *statements) {
    cacheable = cacheable && st.kind != ast::StatementKind::kCreateTable && st.kind != ast::StatementKind::kAlterTable &&
                st.kind != ast::StatementKind::kCreateView && st.kind != ast::StatementKind::kEnum &&
                st.kind != ast::StatementKind::kComment;
  }
  if (!cacheable) return statements;
  lru_.emplace_front();
  Entry& e = lru_.front();
  e.key = std::move(key);
  e.statements = statements;
  Build(sql, lits, &e);
  map_.emplace(std::string_view(e.key), lru_.begin());
  if (lru_.size() > capacity_) {
    map_.erase(std::string_view(lru_.back().key));
    lru_.pop_back();
  }
  return statements;
}

}  // namespace lumadb::engine::sql

#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/sql/common/error.h"
#include "engine/sql/parser/ast.h"

// A session's cache of parsed query strings, keyed by the text with its
// literals taken out, so that `SELECT abalance FROM pgbench_accounts WHERE
// aid = 123` and `... aid = 456` share one parse: the second one only puts
// 456 into the cached tree. Parsing (libpg_query and its protobuf output)
// was about 30% of a simple-protocol point SELECT.
//
// How it stays exact: a small lexer, following PostgreSQL's scan.l, finds the
// literal tokens (integers that fit int4, optionally with a leading '-', and
// plain '...' strings) and builds the key from the text with each literal
// replaced by a marker of its kind. Texts with one key differ only in those
// literals, so PostgreSQL's lexer gives them the same token sequence and its
// grammar the same tree up to constant values. When a text is first parsed,
// each literal is checked against the tree: it must be exactly the constant
// nodes at its offset, with the value the lexer decoded. A literal that is
// not (a type modifier like varchar(10), a SET value, `a -5` parsed as a
// subtraction) is kept verbatim: a later text must repeat it byte for byte.
// On a hit the constants get the new values and every location in the tree
// is shifted by the literals' change in length, so error positions stay right.
//
// The cached tree is reused in place: a caller must be done with the
// statements of one Parse before calling Parse again.
namespace lumadb::engine::sql {

using ParsedStatements = std::vector<ast::Statement>;

class ParseCache {
 public:
  explicit ParseCache(size_t capacity = 64) : capacity_(capacity) {}

  // The statements of `sql`, from the cache or parsed now (a syntax error is
  // returned as ParsePostgres returns it and is not cached).
  SqlResult<std::shared_ptr<ParsedStatements>> Parse(std::string_view sql);

  size_t hits() const { return hits_; }
  size_t misses() const { return misses_; }
  size_t size() const { return map_.size(); }

  // One literal token of a query text.
  struct Literal {
    enum class Kind : uint8_t { kInt, kNegInt, kString } kind = Kind::kInt;
    uint32_t offset = 0;  // byte offset of its first character ('-' for kNegInt, the quote for strings)
    uint32_t length = 0;
  };
  // Splits `sql` into the cache key and its literals; false when the text is
  // not cacheable (it holds a byte the key uses as a marker, or a literal form
  // whose meaning depends on more than its own characters).
  static bool Lex(std::string_view sql, std::string* key, std::vector<Literal>* literals);

 private:
  enum class SlotMode : uint8_t {
    kValue,     // the constants at the literal's offset take its value
    kDigits,    // kNegInt whose '-' is an operator: the constants at the digits take them
    kVerbatim,  // not a constant of the tree: a hit must repeat the text
  };
  struct Slot {
    Literal lit;  // where the literal is in the text the tree now reflects
    SlotMode mode = SlotMode::kVerbatim;
    std::string text;                 // kVerbatim: the literal's characters
    std::vector<ast::Expr*> consts;  // kValue/kDigits: the nodes to update
  };
  struct Entry {
    std::string key;
    std::shared_ptr<ParsedStatements> statements;
    std::vector<Slot> slots;
    std::vector<uint32_t> statement_ends;  // each statement's end offset, for its text
  };

  static void Build(std::string_view sql, const std::vector<Literal>& lits, Entry* e);
  static bool Apply(std::string_view sql, const std::vector<Literal>& lits, Entry* e);

  size_t capacity_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> map_;  // keys point into lru_
  size_t hits_ = 0;
  size_t misses_ = 0;
};

namespace ast {
// Visits every location field of a statement (Expr, TypeRef, TableRef,
// ColumnDef, ... and the statement's own, -1 ones included) and every
// expression node, parents before children.
struct Visitor {
  virtual ~Visitor() = default;
  virtual void Location(int* location) { (void)location; }
  virtual void Node(Expr* e) { (void)e; }
};
void Walk(Statement* st, Visitor* v);

// Every statement's text, every location and every expression node (kind,
// operator, names, constant), one per line: what the parse cache must give
// exactly as a fresh parse does (its unit test and fuzz target compare them).
std::string DebugString(ParsedStatements* statements);
}  // namespace ast

}  // namespace lumadb::engine::sql

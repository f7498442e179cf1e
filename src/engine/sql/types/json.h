#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/sql/common/error.h"

// JSON for the json and jsonb types, as PostgreSQL 15 defines them
// (src/backend/utils/adt/json.c, jsonb.c, jsonfuncs.c).
//
// A json value is kept as the text the client sent (validated); a jsonb
// value as its canonical text (PostgreSQL's jsonb output: object keys
// sorted shorter first, then bytewise, duplicates removed with the last one
// kept, numbers as numeric prints them, ", " and ": " between items). Both
// are parsed into a Node tree by the operators and functions that look
// inside.
namespace lumadb::engine::sql::json {

enum class Kind : uint8_t { kNull, kString, kNumber, kBool, kArray, kObject };

struct Member;

struct Node {
  Kind kind = Kind::kNull;
  bool b = false;     // kBool
  std::string text;   // kString: the decoded string; kNumber: the number's text
  std::vector<Node> items;                          // kArray
  std::vector<Member> members;  // kObject
  // Where the value is in the text it was parsed from (json's operators
  // return a member as it was written).
  size_t begin = 0, end = 0;

  static Node Null();
  static Node Bool(bool v);
  static Node String(std::string s);
  static Node Number(std::string s);
  static Node Array();
  static Node Object();
  // The member `key` of an object (the last one of that name), or null.
  const Node* Find(std::string_view key) const;
};

// An object's member (a struct, not std::pair: Node is incomplete inside Node).
struct Member {
  Member() = default;
  Member(std::string k, Node v) : first(std::move(k)), second(std::move(v)) {}
  std::string first;
  Node second;
};

// (Defined after Member: Node's vector of members needs it complete.)
inline Node Node::Null() { return Node{}; }
inline Node Node::Bool(bool v) {
  Node n;
  n.kind = Kind::kBool;
  n.b = v;
  return n;
}
inline Node Node::String(std::string s) {
  Node n;
  n.kind = Kind::kString;
  n.text = std::move(s);
  return n;
}
inline Node Node::Number(std::string s) {
  Node n;
  n.kind = Kind::kNumber;
  n.text = std::move(s);
  return n;
}
inline Node Node::Array() {
  Node n;
  n.kind = Kind::kArray;
  return n;
}
inline Node Node::Object() {
  Node n;
  n.kind = Kind::kObject;
  return n;
}

// Parses JSON text. `jsonb` makes it the jsonb form: keys sorted and
// deduplicated, numbers normalized, \u0000 refused (22P05). Errors are
// PostgreSQL's: 22P02 "invalid input syntax for type json" with its DETAIL
// ("Token "x" is invalid.", "Expected JSON value, but found "}".", ...).
SqlResult<Node> Parse(std::string_view text, bool jsonb);

// Sorts and deduplicates object keys (recursively), as jsonb stores them.
void Canonicalize(Node* n);

inline bool IsScalar(const Node& n) { return n.kind != Kind::kArray && n.kind != Kind::kObject; }

// jsonb's text output of a node.
void AppendJsonb(const Node& n, std::string* out);
std::string ToJsonb(const Node& n);
// jsonb_pretty's output (four-space indents).
std::string Pretty(const Node& n);
// A string as a JSON string literal (escape_json).
void AppendQuoted(std::string_view s, std::string* out);
// "object", "array", "string", "number", "boolean", "null" (json_typeof).
const char* TypeName(Kind k);

// jsonb's total order (btree): Object > Array > Boolean > Number > String >
// Null; objects and arrays with more items are greater, then item by item.
int Compare(const Node& a, const Node& b);
// a @> b as jsonb defines containment.
bool Contains(const Node& a, const Node& b);

// The text a member gives for ->> and #>>: strings unquoted, null as NULL
// (returns false), anything else as jsonb text. `source` is the json text
// the node was parsed from when it is a json (not jsonb) value: containers
// are then returned as written.
bool ScalarText(const Node& n, std::string_view source, std::string* out);
// The value a member gives for -> and #>: its text as written (json) or as
// jsonb prints it.
std::string MemberText(const Node& n, std::string_view source);

}  // namespace lumadb::engine::sql::json

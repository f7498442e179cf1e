#include "engine/sql/types/json.h"

#include <algorithm>
#include <cstring>

#include "common/strutil.h"
#include "engine/sql/types/numeric.h"

namespace lumadb::engine::sql::json {

namespace {

// Nesting deeper than this is refused as PostgreSQL's stack check refuses it.
constexpr int kMaxDepth = 1000;

enum class Tok : uint8_t { kEnd, kString, kNumber, kTrue, kFalse, kNull, kLBrace, kRBrace, kLBracket, kRBracket, kComma, kColon };

struct Token {
  Tok t = Tok::kEnd;
  size_t begin = 0, end = 0;
  std::string str;  // kString: decoded
};

bool IsDelimiter(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '{' || c == '}' || c == '[' || c == ']' ||
         c == ',' || c == ':' || c == '"';
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') i++;
  if (i >= n) return false;
  if (s[i] == '0') {
    i++;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    i++;
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == start) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == start) return false;
  }
  return i == n;
}

class Parser {
 public:
  Parser(std::string_view text, bool jsonb) : s_(text), jsonb_(jsonb) {}

  SqlResult<Node> Run() {
    SQL_RETURN_IF_ERROR(Next());
    SQL_ASSIGN_OR_RETURN(Node n, Value(0));
    SQL_RETURN_IF_ERROR(Next());
    if (tok_.t != Tok::kEnd) return Syntax("Expected end of input, but found \"" + Found() + "\".");
    return n;
  }

 private:
  SqlError Syntax(std::string detail) {
    SqlError e = MakeError(sqlstate::kInvalidTextRepresentation, "invalid input syntax for type json");
    e.detail = std::move(detail);
    return e;
  }
  std::string Found() const { return std::string(s_.substr(tok_.begin, tok_.end - tok_.begin)); }
  SqlError Unexpected(const char* expected) {
    if (tok_.t == Tok::kEnd) return Syntax("The input string ended unexpectedly.");
    return Syntax(std::string("Expected ") + expected + ", but found \"" + Found() + "\".");
  }

  SqlStatus Next() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) pos_++;
    tok_.begin = pos_;
    tok_.str.clear();
    if (pos_ >= s_.size()) {
      tok_.t = Tok::kEnd;
      tok_.end = pos_;
      return SqlStatus::Ok();
    }
    char c = s_[pos_];
    Tok single = Tok::kEnd;
    switch (c) {
      case '{': single = Tok::kLBrace; break;
      case '}': single = Tok::kRBrace; break;
      case '[': single = Tok::kLBracket; break;
      case ']': single = Tok::kRBracket; break;
      case ',': single = Tok::kComma; break;
      case ':': single = Tok::kColon; break;
      default: break;
    }
    if (single != Tok::kEnd) {
      tok_.t = single;
      tok_.end = ++pos_;
      return SqlStatus::Ok();
    }
    if (c == '"') return LexString();
    size_t end = pos_;
    while (end < s_.size() && !IsDelimiter(s_[end])) end++;
    std::string_view word = s_.substr(pos_, end - pos_);
    tok_.end = end;
    pos_ = end;
    if (word == "true") {
      tok_.t = Tok::kTrue;
    } else if (word == "false") {
      tok_.t = Tok::kFalse;
    } else if (word == "null") {
      tok_.t = Tok::kNull;
    } else if (IsJsonNumber(word)) {
      tok_.t = Tok::kNumber;
    } else {
      return Syntax("Token \"" + std::string(word) + "\" is invalid.");
    }
    return SqlStatus::Ok();
  }

  SqlStatus LexString() {
    size_t i = pos_ + 1;
    std::string& out = tok_.str;
    uint32_t high = 0;  // a pending high surrogate
    while (true) {
      if (i >= s_.size()) {
        tok_.end = i;
        return Syntax("Token \"" + std::string(s_.substr(pos_)) + "\" is invalid.");
      }
      unsigned char c = static_cast<unsigned char>(s_[i]);
      if (c == '"') break;
      if (c < 0x20) {
        char hex[8];
        snprintf(hex, sizeof(hex), "0x%02x", c);
        return Syntax(std::string("Character with value ") + hex + " must be escaped.");
      }
      if (c != '\\') {
        if (high != 0) return Syntax("Unicode low surrogate must follow a high surrogate.");
        out.push_back(static_cast<char>(c));
        i++;
        continue;
      }
      if (i + 1 >= s_.size()) {
        tok_.end = i + 1;
        return Syntax("Token \"" + std::string(s_.substr(pos_)) + "\" is invalid.");
      }
      char e = s_[i + 1];
      if (e == 'u') {
        uint32_t cp = 0;
        for (int k = 0; k < 4; k++) {
          int h = i + 2 + k < s_.size() ? Hex(s_[i + 2 + k]) : -1;
          if (h < 0) return Syntax("\"\\u\" must be followed by four hexadecimal digits.");
          cp = cp * 16 + static_cast<uint32_t>(h);
        }
        i += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (high != 0) return Syntax("Unicode high surrogate must not follow a high surrogate.");
          high = cp;
          continue;
        }
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
          if (high == 0) return Syntax("Unicode low surrogate must follow a high surrogate.");
          cp = 0x10000 + ((high - 0xD800) << 10) + (cp - 0xDC00);
          high = 0;
        } else if (high != 0) {
          return Syntax("Unicode low surrogate must follow a high surrogate.");
        }
        if (cp == 0 && jsonb_) {
          SqlError err = MakeError("22P05", "unsupported Unicode escape sequence");
          err.detail = "\\u0000 cannot be converted to text.";
          return err;
        }
        AppendUtf8(cp, &out);
        continue;
      }
      if (high != 0) return Syntax("Unicode low surrogate must follow a high surrogate.");
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        default: {
          // PostgreSQL names the escape with the character's whole UTF-8 sequence.
          size_t len = Utf8SequenceLength(static_cast<unsigned char>(e));
          return Syntax("Escape sequence \"\\" + std::string(s_.substr(i + 1, len)) + "\" is invalid.");
        }
      }
      i += 2;
    }
    if (high != 0) return Syntax("Unicode low surrogate must follow a high surrogate.");
    tok_.t = Tok::kString;
    tok_.end = i + 1;
    pos_ = i + 1;
    return SqlStatus::Ok();
  }

  SqlResult<Node> Value(int depth) {
    if (depth > kMaxDepth) {
      SqlError e = MakeError("54001", "stack depth limit exceeded");
      e.hint = "Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring the "
               "platform's stack depth limit is adequate.";
      return e;
    }
    Node n;
    n.begin = tok_.begin;
    switch (tok_.t) {
      case Tok::kString: n.kind = Kind::kString; n.text = std::move(tok_.str); break;
      case Tok::kNumber:
        n.kind = Kind::kNumber;
        n.text = std::string(s_.substr(tok_.begin, tok_.end - tok_.begin));
        if (jsonb_) {
          auto d = numeric::Parse(n.text);
          if (d.ok()) n.text = numeric::ToString(d.value());
        }
        break;
      case Tok::kTrue: n.kind = Kind::kBool; n.b = true; break;
      case Tok::kFalse: n.kind = Kind::kBool; n.b = false; break;
      case Tok::kNull: n.kind = Kind::kNull; break;
      case Tok::kLBracket: {
        n.kind = Kind::kArray;
        SQL_RETURN_IF_ERROR(Next());
        if (tok_.t != Tok::kRBracket) {
          while (true) {
            SQL_ASSIGN_OR_RETURN(Node item, Value(depth + 1));
            n.items.push_back(std::move(item));
            SQL_RETURN_IF_ERROR(Next());
            if (tok_.t == Tok::kRBracket) break;
            if (tok_.t != Tok::kComma) return Unexpected("\",\" or \"]\"");
            SQL_RETURN_IF_ERROR(Next());
          }
        }
        break;
      }
      case Tok::kLBrace: {
        n.kind = Kind::kObject;
        SQL_RETURN_IF_ERROR(Next());
        if (tok_.t != Tok::kRBrace) {
          while (true) {
            if (tok_.t != Tok::kString) return Unexpected(n.members.empty() ? "string or \"}\"" : "string");
            std::string key = std::move(tok_.str);
            SQL_RETURN_IF_ERROR(Next());
            if (tok_.t != Tok::kColon) return Unexpected("\":\"");
            SQL_RETURN_IF_ERROR(Next());
            SQL_ASSIGN_OR_RETURN(Node item, Value(depth + 1));
            n.members.emplace_back(std::move(key), std::move(item));
            SQL_RETURN_IF_ERROR(Next());
            if (tok_.t == Tok::kRBrace) break;
            if (tok_.t != Tok::kComma) return Unexpected("\",\" or \"}\"");
            SQL_RETURN_IF_ERROR(Next());
          }
        }
        if (jsonb_) Canonicalize(&n);
        break;
      }
      default: return Unexpected("JSON value");
    }
    n.end = tok_.end;
    return n;
  }

  std::string_view s_;
  bool jsonb_;
  size_t pos_ = 0;
  Token tok_;
};

bool KeyLess(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

int Rank(Kind k) {
  switch (k) {
    case Kind::kNull: return 0;
    case Kind::kString: return 1;
    case Kind::kNumber: return 2;
    case Kind::kBool: return 3;
    case Kind::kArray: return 4;
    case Kind::kObject: return 5;
  }
  return 0;
}

int CompareNumbers(const std::string& a, const std::string& b) {
  auto x = numeric::Parse(a), y = numeric::Parse(b);
  if (x.ok() && y.ok()) return numeric::Compare(x.value(), y.value());
  double dx = strtod(a.c_str(), nullptr), dy = strtod(b.c_str(), nullptr);
  return dx < dy ? -1 : (dx > dy ? 1 : 0);
}

int CompareStrings(const std::string& a, const std::string& b) {
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool ScalarEqual(const Node& a, const Node& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::kNull: return true;
    case Kind::kBool: return a.b == b.b;
    case Kind::kString: return a.text == b.text;
    case Kind::kNumber: return CompareNumbers(a.text, b.text) == 0;
    default: return false;
  }
}


bool DeepContains(const Node& val, const Node& cont) {
  if (val.kind != cont.kind) return false;
  if (val.kind == Kind::kObject) {
    if (cont.members.size() > val.members.size()) return false;
    for (const auto& [k, cv] : cont.members) {
      const Node* vv = val.Find(k);
      if (vv == nullptr) return false;
      if (IsScalar(cv) || IsScalar(*vv)) {
        if (!ScalarEqual(*vv, cv)) return false;
      } else if (!DeepContains(*vv, cv)) {
        return false;
      }
    }
    return true;
  }
  if (val.kind == Kind::kArray) {
    for (const auto& c : cont.items) {
      bool found = false;
      for (const auto& v : val.items) {
        if (IsScalar(c) ? ScalarEqual(v, c) : (!IsScalar(v) && DeepContains(v, c))) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  }
  return ScalarEqual(val, cont);
}

void PrettyInto(const Node& n, int level, std::string* out) {
  auto indent = [&](int l) { out->append(static_cast<size_t>(l) * 4, ' '); };
  if (n.kind == Kind::kArray) {
    out->push_back('[');
    for (size_t i = 0; i < n.items.size(); i++) {
      out->append(i ? ",\n" : "\n");
      indent(level + 1);
      PrettyInto(n.items[i], level + 1, out);
    }
    out->push_back('\n');
    indent(level);
    out->push_back(']');
  } else if (n.kind == Kind::kObject) {
    out->push_back('{');
    for (size_t i = 0; i < n.members.size(); i++) {
      out->append(i ? ",\n" : "\n");
      indent(level + 1);
      AppendQuoted(n.members[i].first, out);
      out->append(": ");
      PrettyInto(n.members[i].second, level + 1, out);
    }
    out->push_back('\n');
    indent(level);
    out->push_back('}');
  } else {
    AppendJsonb(n, out);
  }
}


}  // namespace

const Node* Node::Find(std::string_view key) const {
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    if (it->first == key) return &it->second;
  }
  return nullptr;
}

SqlResult<Node> Parse(std::string_view text, bool jsonb) { return Parser(text, jsonb).Run(); }

void Canonicalize(Node* n) {
  if (n->kind == Kind::kArray) {
    for (auto& i : n->items) Canonicalize(&i);
    return;
  }
  if (n->kind != Kind::kObject) return;
  for (auto& m : n->members) Canonicalize(&m.second);
  std::stable_sort(n->members.begin(), n->members.end(),
                   [](const auto& a, const auto& b) { return KeyLess(a.first, b.first); });
  // Of equal keys the last one written wins (the stable sort kept their order).
  std::vector<Member> out;
  out.reserve(n->members.size());
  for (auto& m : n->members) {
    if (!out.empty() && out.back().first == m.first) {
      out.back().second = std::move(m.second);
    } else {
      out.push_back(std::move(m));
    }
  }
  n->members = std::move(out);
}

void AppendQuoted(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          char buf[8];
          snprintf(buf, sizeof(buf), "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

void AppendJsonb(const Node& n, std::string* out) {
  switch (n.kind) {
    case Kind::kNull: out->append("null"); return;
    case Kind::kBool: out->append(n.b ? "true" : "false"); return;
    case Kind::kNumber: out->append(n.text); return;
    case Kind::kString: AppendQuoted(n.text, out); return;
    case Kind::kArray:
      out->push_back('[');
      for (size_t i = 0; i < n.items.size(); i++) {
        if (i) out->append(", ");
        AppendJsonb(n.items[i], out);
      }
      out->push_back(']');
      return;
    case Kind::kObject:
      out->push_back('{');
      for (size_t i = 0; i < n.members.size(); i++) {
        if (i) out->append(", ");
        AppendQuoted(n.members[i].first, out);
        out->append(": ");
        AppendJsonb(n.members[i].second, out);
      }
      out->push_back('}');
      return;
  }
}

std::string ToJsonb(const Node& n) {
  std::string s;
  AppendJsonb(n, &s);
  return s;
}

std::string Pretty(const Node& n) {
  std::string s;
  PrettyInto(n, 0, &s);
  return s;
}

const char* TypeName(Kind k) {
  switch (k) {
    case Kind::kNull: return "null";
    case Kind::kString: return "string";
    case Kind::kNumber: return "number";
    case Kind::kBool: return "boolean";
    case Kind::kArray: return "array";
    case Kind::kObject: return "object";
  }
  return "null";
}

int Compare(const Node& a, const Node& b) {
  if (a.kind != b.kind) return Rank(a.kind) < Rank(b.kind) ? -1 : 1;
  switch (a.kind) {
    case Kind::kNull: return 0;
    case Kind::kBool: return a.b == b.b ? 0 : (a.b ? 1 : -1);
    case Kind::kString: return CompareStrings(a.text, b.text);
    case Kind::kNumber: return CompareNumbers(a.text, b.text);
    case Kind::kArray: {
      if (a.items.size() != b.items.size()) return a.items.size() < b.items.size() ? -1 : 1;
      for (size_t i = 0; i < a.items.size(); i++) {
        int c = Compare(a.items[i], b.items[i]);
        if (c != 0) return c;
      }
      return 0;
    }
    case Kind::kObject: {
      if (a.members.size() != b.members.size()) return a.members.size() < b.members.size() ? -1 : 1;
      for (size_t i = 0; i < a.members.size(); i++) {
        int c = CompareStrings(a.members[i].first, b.members[i].first);
        if (c != 0) return c;
        c = Compare(a.members[i].second, b.members[i].second);
        if (c != 0) return c;
      }
      return 0;
    }
  }
  return 0;
}

bool Contains(const Node& a, const Node& b) {
  // At the top level an array contains a scalar that is one of its elements;
  // a scalar contains no array.
  if (a.kind == Kind::kArray && IsScalar(b)) {
    for (const auto& v : a.items) {
      if (ScalarEqual(v, b)) return true;
    }
    return false;
  }
  return DeepContains(a, b);
}

bool ScalarText(const Node& n, std::string_view source, std::string* out) {
  switch (n.kind) {
    case Kind::kNull: return false;
    case Kind::kString: *out = n.text; return true;
    default: *out = MemberText(n, source); return true;
  }
}

std::string MemberText(const Node& n, std::string_view source) {
  if (!source.empty() && n.end <= source.size() && n.begin < n.end) {
    return std::string(source.substr(n.begin, n.end - n.begin));
  }
  return ToJsonb(n);
}

}  // namespace lumadb::engine::sql::json

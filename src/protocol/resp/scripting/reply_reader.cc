#include "protocol/resp/scripting/reply_reader.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "common/strutil.h"

namespace lumadb::protocol::resp {
namespace {

class Reader {
 public:
  Reader(std::string_view in, ReplyVisitor* v) : in_(in), v_(v) {}

  bool One(int depth) {
    if (depth > kMaxReplyNesting || pos_ >= in_.size()) return false;
    char type = in_[pos_++];
    std::string_view line;
    if (!Line(&line)) return false;
    switch (type) {
      case '+':
        v_->OnSimple(line);
        return true;
      case '-':
        v_->OnError(line);
        return true;
      case ':': {
        int64_t n;
        if (!ParseInt64(line, &n)) return false;
        v_->OnInteger(n);
        return true;
      }
      case '_':
        v_->OnNull();
        return true;
      case '#':
        if (line != "t" && line != "f") return false;
        v_->OnBool(line == "t");
        return true;
      case ',': {
        double d;
        if (line == "inf") d = HUGE_VAL;
        else if (line == "-inf") d = -HUGE_VAL;
        else if (line == "nan") d = NAN;
        else if (!ParseDouble(line, &d)) return false;
        v_->OnDouble(d);
        return true;
      }
      case '(':
        v_->OnBigNumber(line);
        return true;
      case '$':
      case '=': {
        int64_t n;
        if (!ParseInt64(line, &n)) return false;
        if (n < 0) {
          if (type != '$') return false;
          v_->OnNullBulk();
          return true;
        }
        if (static_cast<uint64_t>(n) > in_.size() - pos_ || in_.size() - pos_ - n < 2) return false;
        std::string_view body = in_.substr(pos_, n);
        pos_ += n;
        if (in_[pos_] != '\r' || in_[pos_ + 1] != '\n') return false;
        pos_ += 2;
        if (type == '$') {
          v_->OnBulk(body);
        } else {
          if (body.size() < 4 || body[3] != ':') return false;
          v_->OnVerbatim(body.substr(0, 3), body.substr(4));
        }
        return true;
      }
      case '*':
      case '>':
      case '~':
      case '%':
      case '|': {
        int64_t n;
        if (!ParseInt64(line, &n)) return false;
        if (n < 0) {
          if (type != '*') return false;
          v_->OnNullArray();
          return true;
        }
        // Each element takes at least 3 bytes: reject counts the input cannot hold.
        uint64_t elements = static_cast<uint64_t>(n) * ((type == '%' || type == '|') ? 2 : 1);
        if (elements > (in_.size() - pos_) / 3) return false;
        if (type == '|') {
          NullVisitor skip;
          ReplyVisitor* saved = v_;
          v_ = &skip;
          for (uint64_t i = 0; i < elements; i++) {
            if (!One(depth + 1)) return false;
          }
          v_ = saved;
          return One(depth + 1);  // the reply the attribute describes
        }
        if (type == '%') v_->BeginMap(n);
        else if (type == '~') v_->BeginSet(n);
        else v_->BeginArray(n);
        for (uint64_t i = 0; i < elements; i++) {
          if (!One(depth + 1)) return false;
          v_->OnElementDone(type == '%' && i % 2 == 0);
        }
        v_->EndAggregate();
        return true;
      }
      default:
        return false;
    }
  }

 private:
  class NullVisitor final : public ReplyVisitor {
    void OnSimple(std::string_view) override {}
    void OnError(std::string_view) override {}
    void OnInteger(int64_t) override {}
    void OnBulk(std::string_view) override {}
    void OnNullBulk() override {}
    void OnNullArray() override {}
    void OnNull() override {}
    void OnBool(bool) override {}
    void OnDouble(double) override {}
    void OnBigNumber(std::string_view) override {}
    void OnVerbatim(std::string_view, std::string_view) override {}
    void BeginArray(size_t) override {}
    void BeginMap(size_t) override {}
    void BeginSet(size_t) override {}
    void OnElementDone(bool) override {}
    void EndAggregate() override {}
  };

  bool Line(std::string_view* line) {
    size_t end = in_.find("\r\n", pos_);
    if (end == std::string_view::npos) return false;
    *line = in_.substr(pos_, end - pos_);
    pos_ = end + 2;
    return true;
  }

  std::string_view in_;
  ReplyVisitor* v_;
  size_t pos_ = 0;
};

}  // namespace

bool ReadReply(std::string_view in, ReplyVisitor* visitor) {
  Reader r(in, visitor);
  return r.One(0);
}

}  // namespace lumadb::protocol::resp

#include "engine/sql/binder/functions.h"

#include <gtest/gtest.h>

namespace lumadb::engine::sql {
namespace {

TEST(Functions, Md5MatchesRfc1321Vectors) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Md5Hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  // 55, 56 and 64 bytes: the padding spills into a second block at 56.
  EXPECT_EQ(Md5Hex(std::string(55, 'a')), "ef1772b6dff9a122358552954ad0df65");
  EXPECT_EQ(Md5Hex(std::string(56, 'a')), "3b0c8ac703f828b04c6c197006d17218");
  EXPECT_EQ(Md5Hex(std::string(64, 'a')), "014842d480b571495a4a0363793f7367");
  EXPECT_EQ(Md5Hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
            "57edf4a22be3c955ac49da2e2107b67a");
}

Value Str(const char* s) { return Value::String(Type::Of(TypeId::kText), s); }
Value Int(int64_t v) { return Value::Int(TypeId::kInt4, v); }

std::string Call(const char* name, std::vector<Value> args) {
  const ScalarFunction* f = FindScalarFunction(name, args.size());
  if (f == nullptr) return "<none>";
  auto r = f->eval(args, Type::Of(f->result));
  if (!r.ok()) return "error " + r.status().error().sqlstate;
  std::string out;
  AppendText(r.value(), &out);
  return out;
}

TEST(Functions, StringsCountCharactersNotBytes) {
  EXPECT_EQ(Call("substr", {Str("h\xc3\xa9llo"), Int(2), Int(2)}), "\xc3\xa9l");
  EXPECT_EQ(Call("left", {Str("h\xc3\xa9llo"), Int(-3)}), "h\xc3\xa9");
  EXPECT_EQ(Call("lpad", {Str("\xc3\xa9"), Int(3), Str("\xe2\x82\xac")}), "\xe2\x82\xac\xe2\x82\xac\xc3\xa9");
  EXPECT_EQ(Call("strpos", {Str("\xc3\xa9t\xc3\xa9"), Str("t")}), "2");
  EXPECT_EQ(Call("btrim", {Str("\xc3\xa9x\xc3\xa9"), Str("\xc3\xa9")}), "x");
  EXPECT_EQ(Call("substr", {Str("abc"), Int(1), Int(-1)}), "error 22011");
  EXPECT_EQ(Call("repeat", {Str("abc"), Int(1 << 29)}), "error 54000");
  EXPECT_EQ(Call("substr", {Str("abc")}), "<none>");
}

}  // namespace
}  // namespace lumadb::engine::sql

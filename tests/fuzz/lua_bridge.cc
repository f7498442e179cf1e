// Fuzzes the Lua bridge both ways: the input is served as the reply of every
// redis.call a script makes, so it is converted into Lua values (as a
// command's reply would be) and the script's return value is converted back
// into a reply.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/resp/codec.h"
#include "protocol/resp/scripting/lua_vm.h"

namespace {
using namespace lumadb::protocol::resp;

class FuzzHost final : public ScriptHost {
 public:
  std::string reply;
  bool Call(const std::vector<std::string>&, int, std::string* out, std::string*) override {
    *out = reply;
    return true;
  }
  bool Interrupt() override { return false; }
  int CheckCommand(const std::vector<std::string>&) override { return 1; }
};

LuaVm* Vm() {
  static LuaVm* vm = [] {
    auto* v = new LuaVm(LuaVm::Mode::kEval);
    v->CompileScript("pcall", "return redis.pcall('x')");
    v->CompileScript("resp3", "redis.setresp(3) return redis.pcall('x')");
    v->CompileScript("walk",
                     "local r = redis.pcall('x') local n = 0 "
                     "local function w(v) n = n + 1 if type(v) == 'table' then for k, x in pairs(v) do w(k) w(x) end end end "
                     "w(r) return n");
    return v;
  }();
  return vm;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzHost host;
  host.reply.assign(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> none;
  ScriptRun run{&host, "fuzz", &none, &none, false, 0};
  for (const char* sha : {"pcall", "resp3", "walk"}) {
    std::string out;
    Writer w(&out, size % 2 == 0 ? 2 : 3);
    Vm()->RunScript(sha, run, w);
  }
  return 0;
}

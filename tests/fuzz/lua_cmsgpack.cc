// libFuzzer target: cmsgpack.unpack on arbitrary bytes must never crash,
// read out of bounds or hang; it returns values or raises a Lua error.
// Whatever it decodes is packed again, which must also succeed, and
// unpack_limit walks the same bytes with an offset taken from the input.
#include <cstddef>
#include <cstdint>

#include <lua.hpp>

#include "protocol/resp/scripting/lua_libs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A fresh state per input: every allocation is freed before returning,
  // so libFuzzer's leak check stays quiet (and fast).
  lua_State* L = luaL_newstate();
  lua_pushcfunction(L, lumadb::protocol::resp::LuaOpenCmsgpack);
  lua_call(L, 0, 0);
  lua_getglobal(L, "cmsgpack");
  int lib = lua_gettop(L);

  lua_getfield(L, lib, "unpack");
  lua_pushlstring(L, reinterpret_cast<const char*>(data), size);
  if (lua_pcall(L, 1, LUA_MULTRET, 0) == 0) {
    int results = lua_gettop(L) - lib;
    if (results > 0) {
      lua_getfield(L, lib, "pack");
      lua_insert(L, lib + 1);
      // Packing decoded values only fails at the Lua stack limit.
      if (lua_pcall(L, results, 1, 0) == 0 && !lua_isstring(L, -1)) __builtin_trap();
    }
  } else if (!lua_isstring(L, -1)) {
    __builtin_trap();  // errors are always messages
  }
  lua_settop(L, lib);

  lua_getfield(L, lib, "unpack_limit");
  lua_pushlstring(L, reinterpret_cast<const char*>(data), size);
  lua_Integer limit = size > 0 ? data[0] % 4 : 1;
  lua_Integer offset = size > 1 ? data[1] % (size + 1) : 0;
  lua_pushinteger(L, limit);
  lua_pushinteger(L, offset);
  // limit 0 with offset 0 means "decode all" and returns no offset.
  if (lua_pcall(L, 3, LUA_MULTRET, 0) == 0 && (limit != 0 || offset != 0)) {
    lua_Integer next = lua_tointeger(L, lib + 1);
    if (next != -1 && (next < 0 || static_cast<size_t>(next) > size)) __builtin_trap();
  }
  lua_close(L);
  return 0;
}

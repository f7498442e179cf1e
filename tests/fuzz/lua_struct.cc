// libFuzzer target: struct.unpack and struct.size with an arbitrary format
// (the input up to its first newline) over arbitrary data (the rest) must
// never crash or read out of bounds; they return values or raise an error.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <lua.hpp>

#include "protocol/resp/scripting/lua_libs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* in = reinterpret_cast<const char*>(data);
  const char* nl = static_cast<const char*>(memchr(in, '\n', size));
  size_t fmt_len = nl == nullptr ? size : static_cast<size_t>(nl - in);
  const char* rest = nl == nullptr ? in + size : nl + 1;
  size_t rest_len = size - static_cast<size_t>(rest - in);

  // A fresh state per input: every allocation is freed before returning,
  // so libFuzzer's leak check stays quiet (and fast).
  lua_State* L = luaL_newstate();
  lua_pushcfunction(L, lumadb::protocol::resp::LuaOpenStruct);
  lua_call(L, 0, 0);
  lua_getglobal(L, "struct");
  int lib = lua_gettop(L);

  lua_getfield(L, lib, "unpack");
  lua_pushlstring(L, in, fmt_len);
  lua_pushlstring(L, rest, rest_len);
  lua_pushinteger(L, rest_len > 0 ? static_cast<unsigned char>(rest[0]) % 4 : 1);
  lua_pcall(L, 3, LUA_MULTRET, 0);
  lua_settop(L, lib);

  lua_getfield(L, lib, "size");
  lua_pushlstring(L, in, fmt_len);
  lua_pcall(L, 1, 1, 0);
  lua_settop(L, lib);

  // Packing needs values: pack the format with the data's bytes as numbers
  // and the data itself as every string.
  lua_checkstack(L, 70);
  lua_getfield(L, lib, "pack");
  lua_pushlstring(L, in, fmt_len);
  int args = 1;
  for (size_t i = 0; i < rest_len && i < 64; i++, args++) {
    if (i % 3 == 2) {
      lua_pushlstring(L, rest, rest_len);
    } else {
      lua_pushinteger(L, static_cast<signed char>(rest[i]) * 1000003);
    }
  }
  lua_pcall(L, args, 1, 0);
  lua_close(L);
  return 0;
}

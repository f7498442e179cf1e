#pragma once

// The two Lua libraries Redis embeds in its scripting engine that Debian does
// not package: `cmsgpack` (lua-cmsgpack 0.4.0) and `struct` (Roberto
// Ierusalimschy's struct library), written to behave exactly as in
// redis-server 7.0: same encodings, same results, same error messages.
// (`cjson` and `bit` come from Debian's lua-cjson and lua-bitop.)
//
// Both are lua_CFunction-compatible openers for Lua 5.1. Each creates the
// module table, sets it as a global (`cmsgpack`, `struct`; `struct` is also
// recorded in package.loaded, as luaL_register does) and leaves it on the
// stack, returning 1, like a luaopen_* function. Call them through
// lua_pushcfunction + lua_call (or lua_cpcall) so that an allocation failure
// surfaces as a Lua error.

struct lua_State;

namespace lumadb::protocol::resp {

// cmsgpack.pack(v1, ...) -> string: MessagePack of every argument, concatenated.
//   Tables whose keys are exactly 1..n encode as arrays, others as maps;
//   integral numbers take the smallest int format, others float32 when that
//   is lossless, else float64; tables nested 16 deep encode as nil.
// cmsgpack.unpack(s) -> every object in s, as multiple returns.
// cmsgpack.unpack_one(s [, offset]) -> next_offset, object
// cmsgpack.unpack_limit(s, limit [, offset]) -> next_offset, objects...
//   next_offset is -1 once s is consumed. Malformed input raises
//   "Missing bytes in input." or "Bad data format in input.".
// Fields _NAME, _VERSION, _COPYRIGHT, _DESCRIPTION as in Redis.
int LuaOpenCmsgpack(lua_State* L);

// struct.pack(fmt, ...) -> string; struct.unpack(fmt, s [, i]) -> values...,
// next position; struct.size(fmt) -> size. Format: > < ![n] x b B h H l L T
// i[n] I[n] c[n] s f d and ' ', with native (x86-64) sizes and alignment.
int LuaOpenStruct(lua_State* L);

}  // namespace lumadb::protocol::resp

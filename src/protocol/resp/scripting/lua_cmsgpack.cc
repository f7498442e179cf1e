// Redis's `cmsgpack` Lua library: MessagePack encoding of Lua values, with
// lua-cmsgpack 0.4.0's choices (as embedded in Redis 7.0), since scripts
// store and compare its bytes.
//
// Lua 5.1 reports errors with longjmp, which skips C++ destructors. So no
// function here keeps an object with a destructor on its frame, and the
// output buffer belongs to a Lua userdata that the collector frees if an
// error (memory exhausted, Lua's stack limit) abandons a pack.
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>

#include <lua.hpp>

#include "protocol/resp/scripting/lua_libs.h"
#include "protocol/resp/scripting/number_cast.h"

namespace lumadb::protocol::resp {
namespace {

constexpr int kMaxNesting = 16;  // deeper tables encode as nil (survives cycles)

// ---- Output buffer ----

struct PackBuffer {
  unsigned char* data;
  size_t len;
  size_t cap;
};

int PackBufferGc(lua_State* L) {
  auto* buf = static_cast<PackBuffer*>(lua_touserdata(L, 1));
  if (buf->data != nullptr) {
    void* ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    alloc(ud, buf->data, buf->cap, 0);
    buf->data = nullptr;
  }
  return 0;
}

// Pushes a new empty buffer; its metatable (with __gc) is pack's upvalue.
PackBuffer* PushPackBuffer(lua_State* L) {
  auto* buf = static_cast<PackBuffer*>(lua_newuserdata(L, sizeof(PackBuffer)));
  buf->data = nullptr;
  buf->len = buf->cap = 0;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_setmetatable(L, -2);
  return buf;
}

void Append(lua_State* L, PackBuffer* buf, const void* s, size_t n) {
  if (buf->cap - buf->len < n) {
    size_t want = buf->len + n;
    if (want < buf->len || want >= SIZE_MAX / 2) luaL_error(L, "not enough memory");
    want *= 2;  // doubling keeps appends O(1) amortized
    void* ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    void* grown = alloc(ud, buf->data, buf->cap, want);
    if (grown == nullptr) luaL_error(L, "not enough memory");
    buf->data = static_cast<unsigned char*>(grown);
    buf->cap = want;
  }
  memcpy(buf->data + buf->len, s, n);
  buf->len += n;
}

// Appends `tag` followed by the low `nbytes` of `v`, big-endian.
void AppendTagged(lua_State* L, PackBuffer* buf, unsigned char tag, uint64_t v, int nbytes) {
  unsigned char b[9];
  b[0] = tag;
  for (int i = 0; i < nbytes; i++) b[1 + i] = static_cast<unsigned char>(v >> (8 * (nbytes - 1 - i)));
  Append(L, buf, b, 1 + nbytes);
}

// ---- Encoding ----

void EncodeBytes(lua_State* L, PackBuffer* buf, const char* s, size_t len) {
  // Strings always use the str formats (fixstr, str8/16/32), never bin.
  if (len < 32) {
    AppendTagged(L, buf, static_cast<unsigned char>(0xa0 | len), 0, 0);
  } else if (len <= 0xff) {
    AppendTagged(L, buf, 0xd9, len, 1);
  } else if (len <= 0xffff) {
    AppendTagged(L, buf, 0xda, len, 2);
  } else {
    AppendTagged(L, buf, 0xdb, len & 0xffffffffu, 4);
  }
  Append(L, buf, s, len);
}

void EncodeDouble(lua_State* L, PackBuffer* buf, double d) {
  float f = static_cast<float>(d);
  if (static_cast<double>(f) == d) {
    uint32_t bits;
    memcpy(&bits, &f, sizeof(bits));
    AppendTagged(L, buf, 0xca, bits, 4);
  } else {
    uint64_t bits;
    memcpy(&bits, &d, sizeof(bits));
    AppendTagged(L, buf, 0xcb, bits, 8);
  }
}

void EncodeInt(lua_State* L, PackBuffer* buf, int64_t n) {
  uint64_t u = static_cast<uint64_t>(n);
  if (n >= 0) {
    if (n <= 127) {
      AppendTagged(L, buf, static_cast<unsigned char>(n), 0, 0);  // positive fixint
    } else if (n <= 0xff) {
      AppendTagged(L, buf, 0xcc, u, 1);
    } else if (n <= 0xffff) {
      AppendTagged(L, buf, 0xcd, u, 2);
    } else if (n <= 0xffffffffLL) {
      AppendTagged(L, buf, 0xce, u, 4);
    } else {
      AppendTagged(L, buf, 0xcf, u, 8);
    }
  } else if (n >= -32) {
    AppendTagged(L, buf, static_cast<unsigned char>(u), 0, 0);  // negative fixint
  } else if (n >= -128) {
    AppendTagged(L, buf, 0xd0, u, 1);
  } else if (n >= -32768) {
    AppendTagged(L, buf, 0xd1, u, 2);
  } else if (n >= -2147483648LL) {
    AppendTagged(L, buf, 0xd2, u, 4);
  } else {
    AppendTagged(L, buf, 0xd3, u, 8);
  }
}

// Lua 5.1 numbers are doubles: those that convert to int64 and back
// unchanged are packed as integers.
void EncodeNumber(lua_State* L, PackBuffer* buf) {
  lua_Number n = lua_tonumber(L, -1);
  if (!std::isinf(n) && static_cast<double>(X86DoubleToInt64(n)) == n) {
    EncodeInt(L, buf, X86DoubleToInt64(n));
  } else {
    EncodeDouble(L, buf, n);
  }
}

void EncodeTop(lua_State* L, PackBuffer* buf, int level);

// True when the table on top has only the keys 1..n (n = number of keys).
// Keys must be numbers that convert to a positive C int unchanged.
bool TableIsArray(lua_State* L) {
  int count = 0;
  int max = 0;
  int top = lua_gettop(L);
  luaL_checkstack(L, 2, "in function table_is_an_array");
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    lua_Number n;
    if (lua_type(L, -1) != LUA_TNUMBER || (n = lua_tonumber(L, -1)) <= 0 || std::isinf(n) ||
        static_cast<double>(X86DoubleToInt32(n)) != n) {
      lua_settop(L, top);
      return false;
    }
    if (n > max) max = static_cast<int>(n);
    count++;
  }
  lua_settop(L, top);
  return max == count;
}

void EncodeArray(lua_State* L, PackBuffer* buf, int level) {
  size_t len = lua_objlen(L, -1);
  if (len <= 15) {
    AppendTagged(L, buf, static_cast<unsigned char>(0x90 | len), 0, 0);
  } else if (len <= 65535) {
    AppendTagged(L, buf, 0xdc, len, 2);
  } else {
    AppendTagged(L, buf, 0xdd, len & 0xffffffffu, 4);
  }
  luaL_checkstack(L, 1, "in function mp_encode_lua_table_as_array");
  for (size_t j = 1; j <= len; j++) {
    lua_pushnumber(L, static_cast<lua_Number>(j));
    lua_gettable(L, -2);
    EncodeTop(L, buf, level + 1);
  }
}

void EncodeMap(lua_State* L, PackBuffer* buf, int level) {
  size_t len = 0;
  luaL_checkstack(L, 3, "in function mp_encode_lua_table_as_map");
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    len++;
  }
  if (len <= 15) {
    AppendTagged(L, buf, static_cast<unsigned char>(0x80 | len), 0, 0);
  } else if (len <= 65535) {
    AppendTagged(L, buf, 0xde, len, 2);
  } else {
    AppendTagged(L, buf, 0xdf, len & 0xffffffffu, 4);
  }
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    // Encode a copy of the key, so lua_next still sees the original.
    lua_pushvalue(L, -2);
    EncodeTop(L, buf, level + 1);
    EncodeTop(L, buf, level + 1);
  }
}

// Encodes the value on top of the stack and pops it.
void EncodeTop(lua_State* L, PackBuffer* buf, int level) {
  int t = lua_type(L, -1);
  if (t == LUA_TTABLE && level == kMaxNesting) t = LUA_TNIL;
  switch (t) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      EncodeBytes(L, buf, s, len);
      break;
    }
    case LUA_TBOOLEAN:
      AppendTagged(L, buf, lua_toboolean(L, -1) ? 0xc3 : 0xc2, 0, 0);
      break;
    case LUA_TNUMBER:
      EncodeNumber(L, buf);
      break;
    case LUA_TTABLE:
      if (TableIsArray(L)) {
        EncodeArray(L, buf, level);
      } else {
        EncodeMap(L, buf, level);
      }
      break;
    default:  // nil, functions, userdata, threads
      AppendTagged(L, buf, 0xc0, 0, 0);
      break;
  }
  lua_pop(L, 1);
}

// cmsgpack.pack(...). Each argument is encoded into its own string and the
// strings are concatenated at the end, so the stack holds what Redis's
// holds at every step (what decides where "stack overflow" errors strike).
// The buffer's userdata takes the place of the first argument once that
// argument has been copied, for the same reason.
int Pack(lua_State* L) {
  int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  if (!lua_checkstack(L, nargs)) return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  PackBuffer* buf = nullptr;
  for (int i = 1; i <= nargs; i++) {
    luaL_checkstack(L, 1, "in function mp_check");
    lua_pushvalue(L, i);
    if (buf == nullptr) {
      buf = PushPackBuffer(L);
      lua_replace(L, 1);
    }
    EncodeTop(L, buf, 0);
    lua_pushlstring(L, reinterpret_cast<const char*>(buf->data), buf->len);
    buf->len = 0;
  }
  lua_concat(L, nargs);
  PackBufferGc(L);  // slot 1 holds the buffer: free its memory now, not at the next collection
  return 1;
}

// ---- Decoding ----

enum DecodeError { kDecodeOk = 0, kDecodeEof = 1, kDecodeBadFormat = 2 };

struct Cursor {
  const unsigned char* p;
  size_t left;
  int err;
};

uint64_t ReadBigEndian(const unsigned char* p, int nbytes) {
  uint64_t v = 0;
  for (int i = 0; i < nbytes; i++) v = (v << 8) | p[i];
  return v;
}

void DecodeOne(lua_State* L, Cursor* c);

void DecodeArray(lua_State* L, Cursor* c, size_t len) {
  int index = 1;
  lua_newtable(L);
  luaL_checkstack(L, 1, "in function mp_decode_to_lua_array");
  while (len--) {
    lua_pushnumber(L, index++);
    DecodeOne(L, c);
    if (c->err) return;
    lua_settable(L, -3);
  }
}

void DecodeMap(lua_State* L, Cursor* c, size_t len) {
  lua_newtable(L);
  while (len--) {
    DecodeOne(L, c);  // key
    if (c->err) return;
    DecodeOne(L, c);  // value
    if (c->err) return;
    lua_settable(L, -3);  // a nil or NaN key raises Lua's own error
  }
}

// Reads the `nbytes`-byte big-endian value after the tag and moves past it;
// false (with an EOF error) if the input ends first.
bool ReadFixed(Cursor* c, int nbytes, uint64_t* v) {
  if (c->left < static_cast<size_t>(1 + nbytes)) {
    c->err = kDecodeEof;
    return false;
  }
  *v = ReadBigEndian(c->p + 1, nbytes);
  c->p += 1 + nbytes;
  c->left -= 1 + nbytes;
  return true;
}

// A string whose length is in the `len_bytes` bytes after the tag, or (for
// len_bytes == 0, a fixstr) in the tag's low 5 bits.
void DecodeString(lua_State* L, Cursor* c, int len_bytes) {
  size_t len;
  if (len_bytes == 0) {
    len = c->p[0] & 0x1f;
    c->p++;
    c->left--;
  } else {
    uint64_t v;
    if (!ReadFixed(c, len_bytes, &v)) return;
    len = static_cast<size_t>(v);
  }
  if (c->left < len) {
    c->err = kDecodeEof;
    return;
  }
  lua_pushlstring(L, reinterpret_cast<const char*>(c->p), len);
  c->p += len;
  c->left -= len;
}

// Decodes one object at the cursor and pushes it; sets c->err on failure.
// Integers reach Lua through lua_Integer (int64), so uint64 values above
// INT64_MAX come out negative, as in Redis.
void DecodeOne(lua_State* L, Cursor* c) {
  if (c->left < 1) {
    c->err = kDecodeEof;
    return;
  }
  luaL_checkstack(L, 1, "too many return values at once; use unpack_one or unpack_limit instead.");
  unsigned char tag = c->p[0];
  uint64_t v;
  switch (tag) {
    case 0xcc:
      if (ReadFixed(c, 1, &v)) lua_pushinteger(L, static_cast<lua_Integer>(v));
      return;
    case 0xcd:
      if (ReadFixed(c, 2, &v)) lua_pushinteger(L, static_cast<lua_Integer>(v));
      return;
    case 0xce:
      if (ReadFixed(c, 4, &v)) lua_pushinteger(L, static_cast<lua_Integer>(v));
      return;
    case 0xcf:
      if (ReadFixed(c, 8, &v)) lua_pushinteger(L, static_cast<lua_Integer>(v));
      return;
    case 0xd0:
      if (ReadFixed(c, 1, &v)) lua_pushinteger(L, static_cast<int8_t>(v));
      return;
    case 0xd1:
      if (ReadFixed(c, 2, &v)) lua_pushinteger(L, static_cast<int16_t>(v));
      return;
    case 0xd2:
      if (ReadFixed(c, 4, &v)) lua_pushinteger(L, static_cast<int32_t>(v));
      return;
    case 0xd3:
      if (ReadFixed(c, 8, &v)) lua_pushnumber(L, static_cast<lua_Number>(static_cast<int64_t>(v)));
      return;
    case 0xc0:
      lua_pushnil(L);
      break;
    case 0xc2:
      lua_pushboolean(L, 0);
      break;
    case 0xc3:
      lua_pushboolean(L, 1);
      break;
    case 0xca:
      if (ReadFixed(c, 4, &v)) {
        uint32_t bits = static_cast<uint32_t>(v);
        float f;
        memcpy(&f, &bits, sizeof(f));
        lua_pushnumber(L, f);
      }
      return;
    case 0xcb:
      if (ReadFixed(c, 8, &v)) {
        double d;
        memcpy(&d, &v, sizeof(d));
        lua_pushnumber(L, d);
      }
      return;
    case 0xd9:
      DecodeString(L, c, 1);
      return;
    case 0xda:
      DecodeString(L, c, 2);
      return;
    case 0xdb:
      DecodeString(L, c, 4);
      return;
    case 0xdc:
      if (ReadFixed(c, 2, &v)) DecodeArray(L, c, v);
      return;
    case 0xdd:
      if (ReadFixed(c, 4, &v)) DecodeArray(L, c, v);
      return;
    case 0xde:
      if (ReadFixed(c, 2, &v)) DecodeMap(L, c, v);
      return;
    case 0xdf:
      if (ReadFixed(c, 4, &v)) DecodeMap(L, c, v);
      return;
    default:
      if ((tag & 0x80) == 0) {  // positive fixint
        lua_pushinteger(L, tag);
      } else if ((tag & 0xe0) == 0xe0) {  // negative fixint
        lua_pushinteger(L, static_cast<int8_t>(tag));
      } else if ((tag & 0xe0) == 0xa0) {  // fixstr
        DecodeString(L, c, 0);
        return;
      } else if ((tag & 0xf0) == 0x90) {  // fixarray
        c->p++;
        c->left--;
        DecodeArray(L, c, tag & 0xf);
        return;
      } else if ((tag & 0xf0) == 0x80) {  // fixmap
        c->p++;
        c->left--;
        DecodeMap(L, c, tag & 0xf);
        return;
      } else {  // bin, ext, 0xc1: not supported by lua-cmsgpack
        c->err = kDecodeBadFormat;
        return;
      }
      break;
  }
  c->p++;
  c->left--;
}

// The common body of unpack, unpack_one and unpack_limit. limit == 0 and
// offset == 0 together mean "everything, without the offset result" (so
// unpack_limit(s, 0) behaves like unpack(s)).
int UnpackFull(lua_State* L, lua_Integer limit, lua_Integer offset) {
  size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  bool decode_all = limit == 0 && offset == 0;
  if (offset < 0 || limit < 0) {
    // Redis prints the input length where the limit belongs; kept as is.
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.", static_cast<int>(offset),
                      static_cast<int>(len));
  }
  if (static_cast<size_t>(offset) > len) {
    return luaL_error(L, "Start offset %d greater than input length %d.", static_cast<int>(offset),
                      static_cast<int>(len));
  }
  if (decode_all) limit = INT_MAX;
  Cursor c{reinterpret_cast<const unsigned char*>(s) + offset, len - static_cast<size_t>(offset), kDecodeOk};
  int count = 0;
  for (; c.left > 0 && count < limit; count++) {
    DecodeOne(L, &c);
    if (c.err == kDecodeEof) return luaL_error(L, "Missing bytes in input.");
    if (c.err == kDecodeBadFormat) return luaL_error(L, "Bad data format in input.");
  }
  if (!decode_all) {
    luaL_checkstack(L, 1, "in function mp_unpack_full");
    lua_pushinteger(L, c.left == 0 ? -1 : static_cast<lua_Integer>(len - c.left));
    lua_insert(L, 2);  // the offset is the first result, before the objects
    count++;
  }
  return count;
}

int Unpack(lua_State* L) { return UnpackFull(L, 0, 0); }

int UnpackOne(lua_State* L) {
  lua_Integer offset = luaL_optinteger(L, 2, 0);
  lua_pop(L, lua_gettop(L) - 1);  // with no argument at all this pops nothing
  return UnpackFull(L, 1, offset);
}

int UnpackLimit(lua_State* L) {
  lua_Integer limit = luaL_checkinteger(L, 2);
  lua_Integer offset = luaL_optinteger(L, 3, 0);
  lua_pop(L, lua_gettop(L) - 1);
  return UnpackFull(L, limit, offset);
}

}  // namespace

int LuaOpenCmsgpack(lua_State* L) {
  lua_newtable(L);
  lua_newtable(L);  // metatable of pack's buffers
  lua_pushcfunction(L, PackBufferGc);
  lua_setfield(L, -2, "__gc");
  lua_pushcclosure(L, Pack, 1);
  lua_setfield(L, -2, "pack");
  lua_pushcfunction(L, Unpack);
  lua_setfield(L, -2, "unpack");
  lua_pushcfunction(L, UnpackOne);
  lua_setfield(L, -2, "unpack_one");
  lua_pushcfunction(L, UnpackLimit);
  lua_setfield(L, -2, "unpack_limit");
  lua_pushliteral(L, "cmsgpack");
  lua_setfield(L, -2, "_NAME");
  lua_pushliteral(L, "lua-cmsgpack 0.4.0");
  lua_setfield(L, -2, "_VERSION");
  lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
  lua_setfield(L, -2, "_COPYRIGHT");
  lua_pushliteral(L, "MessagePack C implementation for Lua");
  lua_setfield(L, -2, "_DESCRIPTION");
  lua_pushvalue(L, -1);
  lua_setglobal(L, "cmsgpack");
  return 1;
}

}  // namespace lumadb::protocol::resp

// Redis's `struct` Lua library: C-structure packing in the style of Python's
// struct module (Roberto Ierusalimschy's struct.c 1.7, with the bounds
// checks Redis added). Sizes and alignment are those of x86-64: short 2,
// int 4, long and size_t 8, maximum alignment 8; native order is little
// endian.
//
// Lua errors are longjmps, so the functions here keep nothing with a
// destructor on their frames; pack builds its result in a luaL_Buffer.
#include <climits>
#include <cstdint>
#include <cstring>

#include <lua.hpp>

#include "protocol/resp/scripting/lua_libs.h"
#include "protocol/resp/scripting/number_cast.h"

namespace lumadb::protocol::resp {
namespace {

constexpr int kMaxIntSize = 32;  // largest n in i<n>/I<n>
constexpr int kMaxAlign = 8;     // what '!' without a number means
enum Endian { kBig = 0, kLittle = 1 };
constexpr int kNativeEndian = kLittle;

struct Header {
  int endian;
  int align;
};

bool IsDigit(int c) { return c >= '0' && c <= '9'; }
bool IsLower(int c) { return c >= 'a' && c <= 'z'; }
bool IsAlnum(int c) { return IsDigit(c) || IsLower(c) || (c >= 'A' && c <= 'Z'); }
bool IsPowerOf2(int x) { return x > 0 && (x & (x - 1)) == 0; }

// Reads the decimal number at *fmt, or returns `df` when there is none.
int GetNum(lua_State* L, const char** fmt, int df) {
  if (!IsDigit(**fmt)) return df;
  int a = 0;
  do {
    int digit = **fmt - '0';
    if (a > INT_MAX / 10 || a * 10 > INT_MAX - digit) luaL_error(L, "integral size overflow");
    a = a * 10 + digit;
    (*fmt)++;
  } while (IsDigit(**fmt));
  return a;
}

// The size of option `opt` (reading its count from *fmt); 0 for the
// options that take no room (' ', '<', '>', '!', 's') and for unknown ones.
size_t OptSize(lua_State* L, int opt, const char** fmt) {
  switch (opt) {
    case 'B':
    case 'b':
    case 'x':
      return 1;
    case 'H':
    case 'h':
      return 2;
    case 'f':
      return 4;
    case 'L':
    case 'l':
    case 'T':
    case 'd':
      return 8;
    case 'c':
      return static_cast<size_t>(GetNum(L, fmt, 1));
    case 'i':
    case 'I': {
      int sz = GetNum(L, fmt, 4);
      if (sz > kMaxIntSize) luaL_error(L, "integral size %d is larger than limit of %d", sz, kMaxIntSize);
      return static_cast<size_t>(sz);
    }
    default:
      return 0;
  }
}

// Padding needed before an item of `size` at offset `len`. The formula is
// the original's, also for sizes that are not powers of 2 (i3).
int GetToAlign(size_t len, const Header& h, int opt, size_t size) {
  if (size == 0 || opt == 'c') return 0;
  if (size > static_cast<size_t>(h.align)) size = static_cast<size_t>(h.align);
  return static_cast<int>((size - (len & (size - 1))) & (size - 1));
}

// The options that set endianness and alignment; anything else is an error.
void ControlOptions(lua_State* L, int opt, const char** fmt, Header* h) {
  switch (opt) {
    case ' ':
      return;
    case '>':
      h->endian = kBig;
      return;
    case '<':
      h->endian = kLittle;
      return;
    case '!': {
      int a = GetNum(L, fmt, kMaxAlign);
      if (!IsPowerOf2(a)) luaL_error(L, "alignment %d is not a power of 2", a);
      h->align = a;
      return;
    }
    default: {
      const char* msg = lua_pushfstring(L, "invalid format option '%c'", opt);
      luaL_argerror(L, 1, msg);
    }
  }
}

// Integers are converted as a C cast to long/unsigned long would on x86-64;
// sizes above 8 bytes get zero bytes beyond the 64-bit value.
void PutInteger(lua_State* L, luaL_Buffer* b, int arg, int endian, int size) {
  lua_Number n = luaL_checknumber(L, arg);
  uint64_t value = n < 0 ? static_cast<uint64_t>(X86DoubleToInt64(n)) : X86DoubleToUint64(n);
  char buff[kMaxIntSize];
  if (endian == kLittle) {
    for (int i = 0; i < size; i++) {
      buff[i] = static_cast<char>(value & 0xff);
      value >>= 8;
    }
  } else {
    for (int i = size - 1; i >= 0; i--) {
      buff[i] = static_cast<char>(value & 0xff);
      value >>= 8;
    }
  }
  luaL_addlstring(b, buff, static_cast<size_t>(size));
}

void CorrectBytes(char* b, int size, int endian) {
  if (endian == kNativeEndian) return;
  int i = 0;
  while (i < --size) {
    char temp = b[i];
    b[i++] = b[size];
    b[size] = temp;
  }
}

int Pack(lua_State* L) {
  luaL_Buffer b;
  const char* fmt = luaL_checkstring(L, 1);
  Header h{kNativeEndian, 1};
  int arg = 2;
  size_t totalsize = 0;
  lua_pushnil(L);  // separates the arguments from the buffer's pieces
  luaL_buffinit(L, &b);
  while (*fmt != '\0') {
    int opt = *fmt++;
    size_t size = OptSize(L, opt, &fmt);
    int toalign = GetToAlign(totalsize, h, opt, size);
    totalsize += static_cast<size_t>(toalign);
    while (toalign-- > 0) luaL_addchar(&b, '\0');
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I':
        PutInteger(L, &b, arg++, h.endian, static_cast<int>(size));
        break;
      case 'x':
        luaL_addchar(&b, '\0');
        break;
      case 'f': {
        float f = static_cast<float>(luaL_checknumber(L, arg++));
        CorrectBytes(reinterpret_cast<char*>(&f), static_cast<int>(size), h.endian);
        luaL_addlstring(&b, reinterpret_cast<char*>(&f), size);
        break;
      }
      case 'd': {
        double d = luaL_checknumber(L, arg++);
        CorrectBytes(reinterpret_cast<char*>(&d), static_cast<int>(size), h.endian);
        luaL_addlstring(&b, reinterpret_cast<char*>(&d), size);
        break;
      }
      case 'c':
      case 's': {
        size_t l;
        const char* s = luaL_checklstring(L, arg++, &l);
        if (size == 0) size = l;
        // Reports the argument after the string, as the original does.
        luaL_argcheck(L, l >= size, arg, "string too short");
        luaL_addlstring(&b, s, size);
        if (opt == 's') {
          luaL_addchar(&b, '\0');
          size++;
        }
        break;
      }
      default:
        ControlOptions(L, opt, &fmt, &h);
    }
    totalsize += size;
  }
  luaL_pushresult(&b);
  return 1;
}

// Reads a `size`-byte integer. Only the last 64 bits read survive, and the
// sign extension shifts by (8 * size - 1) mod 64, as x86 does with the
// original's oversized shift (so i9..i32 sign-extend oddly, like Redis).
lua_Number GetInteger(const char* buff, int endian, bool issigned, int size) {
  uint64_t l = 0;
  if (endian == kBig) {
    for (int i = 0; i < size; i++) l = (l << 8) | static_cast<unsigned char>(buff[i]);
  } else {
    for (int i = size - 1; i >= 0; i--) l = (l << 8) | static_cast<unsigned char>(buff[i]);
  }
  if (!issigned) return static_cast<lua_Number>(l);
  uint64_t mask = ~uint64_t{0} << ((size * 8 - 1) & 63);
  if (l & mask) l |= mask;
  return static_cast<lua_Number>(static_cast<int64_t>(l));
}

int Unpack(lua_State* L) {
  Header h{kNativeEndian, 1};
  const char* fmt = luaL_checkstring(L, 1);
  size_t ld;
  const char* data = luaL_checklstring(L, 2, &ld);
  // Negative offsets wrap to huge positions, which then fail the length
  // checks (or come back as the next position when the format is empty).
  size_t pos = static_cast<size_t>(luaL_optinteger(L, 3, 1));
  luaL_argcheck(L, pos > 0, 3, "offset must be 1 or greater");
  pos--;
  int n = 0;  // results pushed
  while (*fmt) {
    int opt = *fmt++;
    size_t size = OptSize(L, opt, &fmt);
    pos += static_cast<size_t>(GetToAlign(pos, h, opt, size));
    luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
    luaL_checkstack(L, 2, "too many results");  // this item and the next position
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I':
        lua_pushnumber(L, GetInteger(data + pos, h.endian, IsLower(opt), static_cast<int>(size)));
        n++;
        break;
      case 'x':
        break;
      case 'f': {
        float f;
        memcpy(&f, data + pos, size);
        CorrectBytes(reinterpret_cast<char*>(&f), sizeof(f), h.endian);
        lua_pushnumber(L, f);
        n++;
        break;
      }
      case 'd': {
        double d;
        memcpy(&d, data + pos, size);
        CorrectBytes(reinterpret_cast<char*>(&d), sizeof(d), h.endian);
        lua_pushnumber(L, d);
        n++;
        break;
      }
      case 'c': {
        if (size == 0) {  // c0: the previous result is the length
          if (n == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
          size = X86DoubleToUint64(lua_tonumber(L, -1));
          lua_pop(L, 1);
          n--;
          luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
        }
        lua_pushlstring(L, data + pos, size);
        n++;
        break;
      }
      case 's': {
        const char* e = static_cast<const char*>(memchr(data + pos, '\0', ld - pos));
        if (e == nullptr) luaL_error(L, "unfinished string in data");
        size = static_cast<size_t>(e - (data + pos)) + 1;
        lua_pushlstring(L, data + pos, size - 1);
        n++;
        break;
      }
      default:
        ControlOptions(L, opt, &fmt, &h);
    }
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos + 1));  // next position
  return n + 1;
}

int Size(lua_State* L) {
  Header h{kNativeEndian, 1};
  const char* fmt = luaL_checkstring(L, 1);
  size_t pos = 0;
  while (*fmt) {
    int opt = *fmt++;
    size_t size = OptSize(L, opt, &fmt);
    pos += static_cast<size_t>(GetToAlign(pos, h, opt, size));
    if (opt == 's') {
      luaL_argerror(L, 1, "option 's' has no fixed size");
    } else if (opt == 'c' && size == 0) {
      luaL_argerror(L, 1, "option 'c0' has no fixed size");
    }
    // Letters are never checked here, so unknown ones count as size 0.
    if (!IsAlnum(opt)) ControlOptions(L, opt, &fmt, &h);
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos));
  return 1;
}

const luaL_Reg kStructFunctions[] = {{"pack", Pack}, {"unpack", Unpack}, {"size", Size}, {nullptr, nullptr}};

}  // namespace

int LuaOpenStruct(lua_State* L) {
  luaL_register(L, "struct", kStructFunctions);
  return 1;
}

}  // namespace lumadb::protocol::resp
